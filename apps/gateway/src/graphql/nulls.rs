//! Null propagation for failed fields (GraphQL spec, "Handling Execution Errors"): a field that
//! failed is `null`, and a `null` in a non-null position makes its parent `null`, up to the nearest
//! position that may be null (or `data` itself). async-graphql 7 instead leaves a failed field
//! out of its object, so typed clients found required keys missing (black-box probe of issue 9).
//! Done after execution, only for answers with errors, from the schema's SDL and the document.

use std::collections::HashMap;

use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet, Type, TypeKind,
    TypeSystemDefinition,
};
use async_graphql::{PathSegment, Response, Value};

/// The declared type of every field of every object and interface of one schema.
pub struct FieldTypes {
    query: String,
    mutation: String,
    fields: HashMap<String, HashMap<String, Type>>,
}

impl FieldTypes {
    /// Reads the schema's SDL (as the schema exports it, so it always parses).
    pub fn of_sdl(sdl: &str) -> Self {
        let mut types = Self { query: "Query".into(), mutation: "Mutation".into(), fields: HashMap::new() };
        let Ok(document) = async_graphql::parser::parse_schema(sdl) else {
            tracing::error!("the schema's own SDL does not parse: failed fields will be left out, not null");
            return types;
        };
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    if let Some(query) = &schema.node.query {
                        types.query = query.node.to_string();
                    }
                    if let Some(mutation) = &schema.node.mutation {
                        types.mutation = mutation.node.to_string();
                    }
                }
                TypeSystemDefinition::Type(definition) => {
                    let fields = match definition.node.kind {
                        TypeKind::Object(object) => object.fields,
                        TypeKind::Interface(interface) => interface.fields,
                        _ => continue,
                    };
                    types.fields.insert(
                        definition.node.name.node.to_string(),
                        fields.into_iter().map(|f| (f.node.name.node.to_string(), f.node.ty.node)).collect(),
                    );
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        types
    }
}

/// Makes every failed field of `response` null and propagates the nulls as the spec says.
/// `query` and `operation` are the request's document and operation name.
pub fn propagate(response: &mut Response, query: &str, operation: Option<&str>, types: &FieldTypes) {
    let Response { data, errors, .. } = response;
    let mut paths = errors.iter().map(|e| e.path.as_slice()).filter(|p| !p.is_empty()).peekable();
    if paths.peek().is_none() || is_null(data) {
        return;
    }
    let Ok(document) = async_graphql::parser::parse_query(query) else { return };
    let Some((root, selection)) = operation_root(&document, operation, types) else { return };
    for path in paths {
        let positions = position_types(&document, types, root, selection, path);
        null_out(data, path, &positions);
    }
}

/// The root type and selection set of the operation that ran.
fn operation_root<'a>(
    document: &'a ExecutableDocument,
    operation: Option<&str>,
    types: &'a FieldTypes,
) -> Option<(&'a str, &'a SelectionSet)> {
    let definition = match (&document.operations, operation) {
        (DocumentOperations::Single(single), _) => &single.node,
        (DocumentOperations::Multiple(many), Some(name)) => &many.iter().find(|(n, _)| n.as_str() == name)?.1.node,
        (DocumentOperations::Multiple(many), None) if many.len() == 1 => &many.values().next()?.node,
        (DocumentOperations::Multiple(_), None) => return None,
    };
    let root = match definition.ty {
        OperationType::Query => types.query.as_str(),
        OperationType::Mutation => types.mutation.as_str(),
        OperationType::Subscription => return None,
    };
    Some((root, &definition.selection_set.node))
}

/// The declared type of each position along `path` (`None` from where it cannot be told).
fn position_types(
    document: &ExecutableDocument,
    types: &FieldTypes,
    root: &str,
    selection: &SelectionSet,
    path: &[PathSegment],
) -> Vec<Option<Type>> {
    let mut found = Vec::with_capacity(path.len());
    let mut parent = root.to_owned();
    let mut sets: Vec<&SelectionSet> = vec![selection];
    let mut current: Option<Type> = None;
    for segment in path {
        current = match segment {
            PathSegment::Field(key) => {
                let mut fields = Vec::new();
                for set in &sets {
                    fields_with_key(document, set, key, &mut fields);
                }
                let declared = fields
                    .first()
                    .and_then(|f| types.fields.get(&parent).and_then(|of| of.get(f.name.node.as_str())))
                    .cloned();
                sets = fields.iter().map(|f| &f.selection_set.node).collect();
                if let Some(ty) = &declared {
                    parent = named(ty).to_owned();
                }
                declared
            }
            PathSegment::Index(_) => match current.map(|t| t.base) {
                Some(BaseType::List(item)) => Some(*item),
                _ => None,
            },
        };
        found.push(current.clone());
    }
    found
}

/// The fields of a selection set (through fragments) answered under `key`.
fn fields_with_key<'a>(
    document: &'a ExecutableDocument,
    set: &'a SelectionSet,
    key: &str,
    found: &mut Vec<&'a async_graphql::parser::types::Field>,
) {
    for item in &set.items {
        match &item.node {
            Selection::Field(field) if field.node.response_key().node.as_str() == key => found.push(&field.node),
            Selection::Field(_) => {}
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                    fields_with_key(document, &fragment.node.selection_set.node, key, found);
                }
            }
            Selection::InlineFragment(inline) => fields_with_key(document, &inline.node.selection_set.node, key, found),
        }
    }
}

/// The named type inside a type's lists.
fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(item) => named(item),
    }
}

/// Sets the failed position to null (only where the engine left it out or null: a value there did
/// not fail) and, while the nulled position may not be null, its parent too; a non-null root
/// field nulls `data`.
fn null_out(data: &mut Value, path: &[PathSegment], types: &[Option<Type>]) {
    let Some((last, parents)) = path.split_last() else { return };
    let left_out = match (at_mut(data, parents), last) {
        (Some(Value::Object(map)), PathSegment::Field(key)) => map.get(key.as_str()).is_none_or(is_null),
        (Some(Value::List(list)), PathSegment::Index(i)) => list.get(*i).is_some_and(is_null),
        _ => false,
    };
    if !left_out {
        return;
    }
    set_null(data, path);
    for depth in (1..=path.len()).rev() {
        if types[depth - 1].as_ref().is_none_or(|t| t.nullable) {
            return;
        }
        set_null(data, &path[..depth - 1]);
    }
}

fn is_null(value: &Value) -> bool {
    matches!(value, Value::Null)
}

/// The value at `path`, if every step of it is there.
fn at_mut<'a>(mut at: &'a mut Value, path: &[PathSegment]) -> Option<&'a mut Value> {
    for segment in path {
        at = match (at, segment) {
            (Value::Object(map), PathSegment::Field(key)) => map.get_mut(key.as_str())?,
            (Value::List(list), PathSegment::Index(i)) => list.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(at)
}

/// Writes null at `path` (the whole of `data` for the empty path) if its parent is there.
fn set_null(data: &mut Value, path: &[PathSegment]) {
    let Some((last, parents)) = path.split_last() else {
        *data = Value::Null;
        return;
    };
    match (at_mut(data, parents), last) {
        (Some(Value::Object(map)), PathSegment::Field(key)) => {
            map.insert(async_graphql::Name::new(key), Value::Null);
        }
        (Some(Value::List(list)), PathSegment::Index(i)) => {
            if let Some(item) = list.get_mut(*i) {
                *item = Value::Null;
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::ServerError;
    use proptest::arbitrary::Arbitrary;

    const SDL: &str = "
        type Query { orgs: Conn! maybe: Conn }
        type Conn { total: Int nodes: [Org!]! }
        type Org { id: ID! people: [Member!]! boss: Person }
        type Member { position: String! person: Person }
        type Person { id: ID! phones: [String!]! }
    ";

    fn answer(data: serde_json::Value, paths: &[&[PathSegment]]) -> Response {
        let mut response = Response::new(Value::from_json(data).unwrap());
        response.errors =
            paths.iter().map(|p| ServerError { path: p.to_vec(), ..ServerError::new("FORBIDDEN", None) }).collect();
        response
    }

    fn f(key: &str) -> PathSegment {
        PathSegment::Field(key.into())
    }

    fn run(query: &str, data: serde_json::Value, paths: &[&[PathSegment]]) -> serde_json::Value {
        let mut response = answer(data, paths);
        propagate(&mut response, query, None, &FieldTypes::of_sdl(SDL));
        response.data.into_json().unwrap()
    }

    #[test]
    fn a_failed_field_in_a_nullable_object_makes_that_object_null() {
        let data = serde_json::json!({ "orgs": { "nodes": [{ "id": "1", "people": [{ "position": "d", "person": { "id": "p" } }] }] } });
        let out = run(
            "{ orgs { nodes { id people { position person { id phones } } } } }",
            data,
            &[&[
                f("orgs"),
                f("nodes"),
                PathSegment::Index(0),
                f("people"),
                PathSegment::Index(0),
                f("person"),
                f("phones"),
            ]],
        );
        assert_eq!(
            out,
            serde_json::json!({ "orgs": { "nodes": [{ "id": "1", "people": [{ "position": "d", "person": null }] }] } })
        );
    }

    #[test]
    fn a_failed_field_under_non_null_positions_only_makes_data_null() {
        let data = serde_json::json!({ "orgs": { "total": 3 }, "other": { "total": 1 } });
        let out = run(
            "{ orgs { total nodes { people { position } } } other: maybe { total } }",
            data,
            &[&[f("orgs"), f("nodes")]],
        );
        assert_eq!(out, serde_json::Value::Null);
    }

    #[test]
    fn a_nullable_root_field_under_an_alias_and_a_fragment_becomes_null_alone() {
        let data = serde_json::json!({ "a": { "total": 1 }, "b": { "total": 2 } });
        let out = run(
            "{ a: maybe { total } b: maybe { ...F } } fragment F on Conn { total nodes { id } }",
            data,
            &[&[f("b"), f("nodes")]],
        );
        assert_eq!(out, serde_json::json!({ "a": { "total": 1 }, "b": null }));
    }

    #[test]
    fn a_position_that_holds_a_value_is_left_as_it_is() {
        let data = serde_json::json!({ "maybe": { "total": 1 } });
        let out = run("{ maybe { total } }", data.clone(), &[&[f("maybe"), f("total")]]);
        assert_eq!(out, data);
    }

    /// Whether a field of the test schema may be null, and whether its list items may.
    fn nullable(field: &str) -> bool {
        matches!(field, "maybe" | "total" | "boss" | "person")
    }

    const FULL: &str = "{ orgs { total nodes { id boss { id phones } people { position person { id phones } } } }
        maybe { total nodes { id } } }";

    fn person(n: usize) -> serde_json::Value {
        serde_json::json!({ "id": format!("p{n}"), "phones": ["+7 900 000-00-00"] })
    }

    /// A full answer to `FULL` with these numbers of organisations and members.
    fn full(members: &[usize]) -> serde_json::Value {
        let nodes: Vec<serde_json::Value> = members
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let people: Vec<_> =
                    (0..*m).map(|j| serde_json::json!({ "position": "член", "person": person(j) })).collect();
                serde_json::json!({ "id": format!("o{i}"), "boss": person(i), "people": people })
            })
            .collect();
        serde_json::json!({ "orgs": { "total": members.len(), "nodes": nodes }, "maybe": { "total": 0, "nodes": [] } })
    }

    /// Every field position of an answer, parents before children.
    fn positions(value: &serde_json::Value, at: Vec<PathSegment>, out: &mut Vec<Vec<PathSegment>>) {
        let children: Vec<(PathSegment, &serde_json::Value)> = match value {
            serde_json::Value::Object(map) => map.iter().map(|(k, v)| (PathSegment::Field(k.clone()), v)).collect(),
            serde_json::Value::Array(items) => {
                items.iter().enumerate().map(|(i, v)| (PathSegment::Index(i), v)).collect()
            }
            _ => Vec::new(),
        };
        for (segment, child) in children {
            let field = matches!(segment, PathSegment::Field(_));
            let mut path = at.clone();
            path.push(segment);
            if field {
                out.push(path.clone());
            }
            positions(child, path, out);
        }
    }

    /// Removes the key at `path` (the engine's way with a failed field); false if not there.
    fn leave_out(value: &mut serde_json::Value, path: &[PathSegment]) -> bool {
        let Some((PathSegment::Field(key), parents)) = path.split_last() else { return false };
        let mut at = value;
        for segment in parents {
            let next = match segment {
                PathSegment::Field(k) => at.get_mut(k.as_str()),
                PathSegment::Index(i) => at.get_mut(*i),
            };
            match next {
                Some(next) => at = next,
                None => return false,
            }
        }
        at.as_object_mut().is_some_and(|map| map.remove(key).is_some())
    }

    /// No key of the query is missing and no null sits where the schema forbids one.
    fn conforms(value: &serde_json::Value, field: Option<&str>) -> Result<(), String> {
        match value {
            serde_json::Value::Null => match field {
                Some(f) if !nullable(f) => Err(format!("null in non-null {f}")),
                None => Err("null list item".into()),
                _ => Ok(()),
            },
            serde_json::Value::Object(map) => map.iter().try_for_each(|(k, v)| conforms(v, Some(k))),
            serde_json::Value::Array(items) => items.iter().try_for_each(|v| conforms(v, None)),
            _ => Ok(()),
        }
    }

    fn keys_present(value: &serde_json::Value, full: &serde_json::Value) -> Result<(), String> {
        match (value, full) {
            (serde_json::Value::Null, _) => Ok(()),
            (serde_json::Value::Object(map), serde_json::Value::Object(whole)) => whole
                .iter()
                .try_for_each(|(k, w)| map.get(k).map_or_else(|| Err(format!("{k} left out")), |v| keys_present(v, w))),
            (serde_json::Value::Array(items), serde_json::Value::Array(whole)) => {
                items.iter().zip(whole).try_for_each(|(v, w)| keys_present(v, w))
            }
            _ => Ok(()),
        }
    }

    proptest::proptest! {
        #[test]
        fn after_propagation_no_key_is_missing_and_no_null_is_where_the_schema_forbids_it(
            members in proptest::collection::vec(0usize..3, 0..4),
            failures in proptest::collection::vec(proptest::sample::Index::arbitrary(), 0..4),
        ) {
            let whole = full(&members);
            let mut all = Vec::new();
            positions(&whole, Vec::new(), &mut all);
            let mut data = whole.clone();
            let mut failed: Vec<Vec<PathSegment>> = Vec::new();
            for index in &failures {
                let path = index.get(&all).clone();
                if leave_out(&mut data, &path) {
                    failed.push(path);
                }
            }
            let paths: Vec<&[PathSegment]> = failed.iter().map(Vec::as_slice).collect();
            let out = run(FULL, data, &paths);
            if !out.is_null() {
                proptest::prop_assert_eq!(conforms(&out, None::<&str>).err(), None);
                proptest::prop_assert_eq!(keys_present(&out, &whole).err(), None);
            }
            // A field that did not fail and is not under a nulled parent keeps its value.
            if failed.is_empty() {
                proptest::prop_assert_eq!(out, whole);
            }
        }
    }

    #[test]
    fn a_nullable_failed_field_is_present_as_null() {
        let data = serde_json::json!({ "maybe": { "nodes": [{ "id": "1" }] } });
        let out = run(
            "{ maybe { nodes { id boss { id } } } }",
            data,
            &[&[f("maybe"), f("nodes"), PathSegment::Index(0), f("boss")]],
        );
        assert_eq!(out, serde_json::json!({ "maybe": { "nodes": [{ "id": "1", "boss": null }] } }));
    }
}
