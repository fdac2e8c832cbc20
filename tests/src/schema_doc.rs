//! `docs/schema.graphql` is the contract GraphQL clients read: it must equal the schemas' SDL.
//! Run with `UPDATE_SCHEMA=1` to rewrite it after an intended change.

#[test]
fn docs_schema_graphql_matches_the_schemas() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/schema.graphql");
    let actual = gateway::graphql::sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &actual).expect("write docs/schema.graphql");
    }
    let documented = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        documented == actual,
        "docs/schema.graphql is out of date: run `UPDATE_SCHEMA=1 cargo test -p tests docs_schema` and commit it"
    );
}
