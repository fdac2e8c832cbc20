//! Tidy checks: the architecture's boundaries (docs/ARCHITECTURE.md) read from the manifests and
//! sources, so that review does not have to catch them.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn manifest(path: &str) -> toml::Table {
    let text = std::fs::read_to_string(root().join(path).join("Cargo.toml")).expect("manifest exists");
    text.parse().expect("valid TOML")
}

fn dependencies(path: &str) -> Vec<String> {
    manifest(path)
        .get("dependencies")
        .and_then(|d| d.as_table())
        .map(|t| t.keys().cloned().collect())
        .unwrap_or_default()
}

/// The storage core and the per-domain adapters over it: the only crates that know SQL.
fn is_storage(member: &str) -> bool {
    member == "crates/storage" || member.starts_with("crates/storage-")
}

/// A file-format adapter of a domain (`registry-csv`): pure, no ports of its own.
fn is_file_format(member: &str) -> bool {
    member.starts_with("crates/") && member.ends_with("-csv")
}

fn members() -> Vec<String> {
    let mut members = vec!["migrations".to_owned(), "tests".to_owned()];
    for group in ["crates", "apps"] {
        for entry in std::fs::read_dir(root().join(group)).expect("folder exists") {
            members.push(format!("{group}/{}", entry.expect("entry").file_name().to_string_lossy()));
        }
    }
    members
}

#[test]
fn domain_crates_depend_on_no_database_web_or_cli_framework() {
    // Every library crate but the storage crates and the composition root (`system`, which wires
    // storage to the use cases and parses the shared flags): the kernel, the domains, access, the
    // audit log.
    let libraries =
        members().into_iter().filter(|m| m.starts_with("crates/") && !is_storage(m) && m != "crates/system");
    for krate in libraries {
        let krate = krate.as_str();
        let deps = dependencies(krate);
        for forbidden in ["sea-orm", "sea-orm-migration", "sqlx", "axum", "async-graphql", "clap", "tokio", "storage"] {
            assert!(!deps.contains(&forbidden.to_owned()), "{krate} depends on {forbidden}");
        }
    }
}

#[test]
fn the_composition_root_wires_storage_but_knows_no_web_or_sql_and_the_cli_needs_no_gateway() {
    let root_deps = dependencies("crates/system");
    for forbidden in ["sea-orm", "sea-orm-migration", "sqlx", "axum", "async-graphql", "gateway", "cli"] {
        assert!(!root_deps.contains(&forbidden.to_owned()), "crates/system depends on {forbidden}");
    }
    let cli = dependencies("apps/cli");
    for forbidden in ["gateway", "axum", "async-graphql", "tower-http"] {
        assert!(!cli.contains(&forbidden.to_owned()), "apps/cli depends on {forbidden}");
    }
    assert!(cli.contains(&"system".to_owned()) && dependencies("apps/gateway").contains(&"system".to_owned()));
}

#[test]
fn only_the_storage_crates_and_migrations_know_sql_and_only_the_gateway_knows_graphql() {
    for member in members() {
        let deps = dependencies(&member);
        if deps.iter().any(|d| d == "sea-orm") {
            assert!(is_storage(&member), "{member} uses sea-orm: only the storage crates may");
        }
        if deps.iter().any(|d| d == "sea-orm-migration") {
            assert_eq!(member, "migrations", "{member} uses sea-orm-migration");
        }
        if deps.iter().any(|d| d.starts_with("async-graphql")) {
            assert_eq!(member, "apps/gateway", "{member} uses async-graphql");
        }
    }
}

#[test]
fn every_dependency_is_declared_once_in_the_workspace() {
    for member in members() {
        let manifest = manifest(&member);
        for section in ["dependencies", "dev-dependencies"] {
            let Some(table) = manifest.get(section).and_then(|d| d.as_table()) else {
                continue;
            };
            for (name, spec) in table {
                let from_workspace =
                    spec.as_table().and_then(|t| t.get("workspace")).and_then(|w| w.as_bool()) == Some(true);
                assert!(from_workspace, "{member}: {section}.{name} must use `workspace = true`");
            }
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable folder").map(|e| e.expect("entry").path()) {
        if entry.is_dir() {
            rust_files(&entry, out);
        } else if entry.extension().is_some_and(|e| e == "rs") {
            out.push(entry);
        }
    }
}

#[test]
fn every_rust_file_says_what_it_is_for_and_nothing_is_skipped() {
    let mut files = Vec::new();
    for member in members() {
        rust_files(&root().join(&member).join("src"), &mut files);
        let tests = root().join(&member).join("tests");
        if tests.is_dir() {
            rust_files(&tests, &mut files);
        }
    }
    assert!(files.len() > 20, "found the sources");
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        assert!(text.starts_with("//!"), "{} must start with a `//!` line", file.display());
        // Spelled in pieces so that this file does not match its own search.
        let markers = [
            concat!("#[", "ignore"),
            concat!("todo", "!("),
            concat!("unimplemented", "!("),
            concat!("#[", "should_panic"),
        ];
        for marker in markers {
            assert!(!text.contains(marker), "{} contains {marker}", file.display());
        }
    }
}

#[test]
fn no_sql_is_built_with_format() {
    let mut files = Vec::new();
    for member in members().into_iter().filter(|m| is_storage(m)) {
        rust_files(&root().join(member).join("src"), &mut files);
    }
    for file in files {
        let text = std::fs::read_to_string(&file).expect("readable");
        for line in text.lines().filter(|l| l.contains("format!(")) {
            let upper = line.to_uppercase();
            let sql = ["SELECT ", "INSERT ", "UPDATE ", "DELETE ", " WHERE "].iter().any(|k| upper.contains(k));
            let allowed = line.contains("CREATE DATABASE") || line.contains("COLLATE");
            assert!(!sql || allowed, "{}: SQL built with format!: {line}", file.display());
        }
    }
}

/// The modules every domain crate has (docs/ARCHITECTURE.md, "Adding a domain"): each as
/// `src/<module>.rs` or `src/<module>/mod.rs`.
const TEMPLATE: &[&str] = &["actions", "error", "model", "ports", "rules", "service", "testing"];

/// The domain crates: every library under `crates/` but the kernel, the storage crates and the
/// composition root.
fn domain_crates() -> Vec<String> {
    members()
        .into_iter()
        .filter(|m| {
            m.starts_with("crates/")
                && !is_storage(m)
                && !is_file_format(m)
                && m != "crates/kernel"
                && m != "crates/system"
        })
        .collect()
}

/// A module's source: `src/<path>.rs` or `src/<path>/mod.rs`, if either exists.
fn module_source(krate: &str, path: &str) -> Option<String> {
    let src = root().join(krate).join("src");
    [src.join(format!("{path}.rs")), src.join(path).join("mod.rs")]
        .iter()
        .find_map(|file| std::fs::read_to_string(file).ok())
}

/// The methods of every `pub trait` in a ports module, by trait.
fn port_methods(ports: &str) -> Vec<(String, Vec<String>)> {
    let mut traits = Vec::new();
    let mut current: Option<(String, Vec<String>)> = None;
    for line in ports.lines() {
        if let Some(rest) = line.strip_prefix("pub trait ") {
            let name = rest.split(|c: char| !c.is_alphanumeric()).next().unwrap_or_default();
            current = Some((name.to_owned(), Vec::new()));
        } else if line == "}" {
            traits.extend(current.take());
        } else if let Some((_, methods)) = current.as_mut() {
            let trimmed = line.trim_start();
            let signature = trimmed.strip_prefix("async fn ").or_else(|| trimmed.strip_prefix("fn "));
            if let Some(name) = signature.and_then(|s| s.split('(').next()) {
                methods.push(name.to_owned());
            }
        }
    }
    traits
}

/// Every Rust source under a member's `src` and `tests`, concatenated.
fn sources_of(member: &str) -> String {
    let mut files = Vec::new();
    for dir in ["src", "tests"] {
        let dir = root().join(member).join(dir);
        if dir.is_dir() {
            rust_files(&dir, &mut files);
        }
    }
    files.iter().map(|f| std::fs::read_to_string(f).expect("readable")).collect::<Vec<_>>().join("\n")
}

#[test]
fn every_domain_crate_has_the_modules_of_the_template() {
    let domains = domain_crates();
    assert!(domains.len() >= 4, "found the domain crates: {domains:?}");
    for krate in domains {
        for module in TEMPLATE {
            assert!(module_source(&krate, module).is_some(), "{krate} lacks the template's module `{module}`");
        }
        assert!(
            module_source(&krate, "testing/contract").is_some(),
            "{krate} lacks `testing/contract`, the contract suite of its ports"
        );
    }
}

#[test]
fn every_port_has_a_contract_suite_run_on_its_fakes_and_on_both_databases() {
    let storage_tests = sources_of("crates/storage");
    for krate in domain_crates() {
        let name = krate.trim_start_matches("crates/");
        let ports = module_source(&krate, "ports").expect("the template's ports module");
        let contract = module_source(&krate, "testing/contract").expect("the template's contract suite");
        let traits = port_methods(&ports);
        assert!(!traits.is_empty(), "{krate}: no port found in its ports module");
        for (port, methods) in traits {
            for method in methods {
                assert!(
                    contract.contains(&format!(".{method}(")),
                    "{krate}: the contract suite never calls {port}::{method}"
                );
            }
        }
        let suite = format!("the_{}_ports_keep_the_contract", name.replace('-', "_"));
        assert!(
            sources_of(&krate).contains(&format!("fn {suite}_in_memory")),
            "{krate}: no test `{suite}_in_memory` runs the contract on the in-memory fakes"
        );
        let on_both = storage_tests.contains(&format!("on_both_databases!({suite},"))
            || (storage_tests.contains(&format!("fn {suite}_on_sqlite"))
                && storage_tests.contains(&format!("fn {suite}_on_postgres")));
        assert!(on_both, "{krate}: crates/storage/tests runs no `{suite}` on SQLite and PostgreSQL");
    }
}

#[test]
fn a_crate_without_a_test_target_holds_no_tests() {
    for member in members() {
        let manifest = manifest(&member);
        let tested = manifest.get("lib").and_then(|l| l.get("test")).and_then(|t| t.as_bool()) != Some(false);
        if tested {
            continue;
        }
        let mut files = Vec::new();
        rust_files(&root().join(&member).join("src"), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).expect("readable");
            assert!(
                !text.contains("#[cfg(test)]") && !text.contains("#[test]"),
                "{}: {member} sets `test = false`, so this test would never run; move it to crates/storage/tests",
                file.display()
            );
        }
    }
}
