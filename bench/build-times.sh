#!/usr/bin/env bash
# Build times of one commit on this machine, in a worktree of its own with a target folder of its
# own (nothing shared with other builds): a clean `cargo build --workspace`, then the rebuild of
# `cargo test --workspace --no-run` after an edit of one file of the registry's storage adapter
# and of one file of the registry crate (three times each, with the crates each rebuild compiled),
# and the wall time of a warm `cargo test --workspace` (three times, SQLite and PostgreSQL: start
# `.ci/start-postgres` first).
#
# Usage: bench/build-times.sh COMMIT LABEL ADAPTER_FILE DOMAIN_FILE
#   before the storage split: bench/build-times.sh 454b8ed before crates/storage/src/registry_store.rs crates/registry/src/rules/names.rs
#   after it:                 bench/build-times.sh HEAD after crates/storage-registry/src/store.rs crates/registry/src/rules/names.rs
set -uo pipefail
commit=$1; label=$2; adapter=$3; domain=$4
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
out=${BENCH_DIR:-/tmp/bench}; mkdir -p "$out"
wt=$out/wt-$label; tgt=$out/target-$label
rm -rf "$wt" "$tgt"; git -C "$repo" worktree add -f --detach "$wt" "$commit" >/dev/null 2>&1
cd "$wt" || exit 1
export CARGO_TARGET_DIR=$tgt CARGO_TERM_COLOR=never
t() { local s; s=$(date +%s.%N); "$@" >"$out/$label.log" 2>&1; local rc=$?; echo "$(echo "$(date +%s.%N) - $s" | bc) rc=$rc"; }
cargo fetch -q
echo "clean cargo build --workspace: $(t cargo build --workspace)"
echo "cargo test --workspace --no-run (after build): $(t cargo test --workspace --no-run)"
for f in $adapter $domain; do
  for i in 1 2 3; do
    echo "// touch" >> "$f"
    echo "rebuild after editing $f (#$i): $(t cargo test --workspace --no-run --timings)"
    grep -E '^\s+Compiling' "$out/$label.log" | awk '{print $2}' | tr '\n' ' '; echo
    git checkout -q -- "$f"
    cargo test --workspace --no-run -q >/dev/null 2>&1
  done
done
cargo test --workspace --no-run -q >/dev/null 2>&1
export NKO_TEST_DATABASE_URL=${NKO_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:55432/postgres}
export NKO_TEST_REPORT=$out/pgreport-$label.txt NKO_REQUIRE_POSTGRES=1
for i in 1 2 3; do
  echo "cargo test --workspace (warm, SQLite and PostgreSQL) #$i: $(t cargo test --workspace)"
done
