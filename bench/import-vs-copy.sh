#!/usr/bin/env bash
# Benchmark: `nko import organizations` against PostgreSQL COPY and against sqlite3 .import, on the
# same file, into the same table with the same indexes (a fresh, migrated database for every run).
# Usage: bench/import-vs-copy.sh [ROWS] [REPEATS]   (defaults: 250000 rows, 3 repeats; medians)
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-250000}"
repeats="${2:-3}"
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3; }
command -v psql >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql-client; }

cargo build --release -q -p cli
nko="$PWD/target/release/nko"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
csv="$work/organizations.csv"
python3 bench/gen_organizations.py "$rows" > "$csv"
columns=$(head -n 1 "$csv")
server=$(.ci/start-postgres)
base="${server%/*}"

now() { date +%s.%N; }
# Every command but `migrate` acts as an account: the first one, an administrator.
export NKO_OPERATOR=admin NKO_PASSWORD="benchmark administrator password"
fresh_pg() {
  psql -q "$server" -c "DROP DATABASE IF EXISTS nko_bench" -c "CREATE DATABASE nko_bench" >/dev/null
  NKO_DATABASE_URL="$base/nko_bench" "$nko" migrate up >/dev/null
  (unset NKO_OPERATOR; NKO_DATABASE_URL="$base/nko_bench" "$nko" account add --login admin --role admin >/dev/null)
  NKO_DATABASE_URL="$base/nko_bench" "$nko" seed >/dev/null
}
fresh_sqlite() {
  rm -f "$work"/bench.sqlite*
  (unset NKO_OPERATOR; NKO_DATABASE_URL="sqlite://$work/bench.sqlite?mode=rwc" "$nko" migrate up >/dev/null)
  (unset NKO_OPERATOR; NKO_DATABASE_URL="sqlite://$work/bench.sqlite?mode=rwc" "$nko" account add --login admin --role admin >/dev/null)
  NKO_DATABASE_URL="sqlite://$work/bench.sqlite?mode=rwc" "$nko" seed >/dev/null
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
count_pg() { psql -tA "$base/nko_bench" -c "SELECT count(*) FROM organizations"; }

declare -a nko_pg copy_pg nko_sq imp_sq
for _ in $(seq "$repeats"); do
  fresh_pg
  t0=$(now); NKO_DATABASE_URL="$base/nko_bench" "$nko" import organizations "$csv" >/dev/null; t1=$(now)
  [ "$(count_pg)" = "$rows" ] || { echo "nko import loaded $(count_pg) rows" >&2; exit 1; }
  nko_pg+=("$(echo "$t1 - $t0" | bc -l)")

  fresh_pg
  # COPY needs values for the columns the file does not carry; give them defaults for this run.
  psql -q "$base/nko_bench" -c "ALTER TABLE organizations
      ALTER id SET DEFAULT gen_random_uuid(), ALTER version SET DEFAULT 1,
      ALTER search_key SET DEFAULT '', ALTER sort_key SET DEFAULT '', ALTER status SET DEFAULT 'active',
      ALTER created_at SET DEFAULT now(), ALTER updated_at SET DEFAULT now()"
  t0=$(now); psql -q "$base/nko_bench" -c "\\copy organizations($columns) FROM '$csv' WITH (FORMAT csv, HEADER true)"; t1=$(now)
  [ "$(count_pg)" = "$rows" ] || { echo "COPY loaded $(count_pg) rows" >&2; exit 1; }
  copy_pg+=("$(echo "$t1 - $t0" | bc -l)")

  fresh_sqlite
  t0=$(now); NKO_DATABASE_URL="sqlite://$work/bench.sqlite?mode=rwc" "$nko" import organizations "$csv" >/dev/null; t1=$(now)
  nko_sq+=("$(echo "$t1 - $t0" | bc -l)")
  [ "$(sqlite3 "$work/bench.sqlite" 'SELECT count(*) FROM organizations')" = "$rows" ]

  fresh_sqlite
  t0=$(now)
  sqlite3 "$work/bench.sqlite" <<SQL
.mode csv
.import $csv staging
BEGIN;
INSERT INTO organizations (id, version, search_key, sort_key, status, created_at, updated_at, $columns)
  SELECT randomblob(16), 1, lower(full_name), lower(full_name), 'active', datetime('now'), datetime('now'), $columns FROM staging;
COMMIT;
SQL
  t1=$(now)
  imp_sq+=("$(echo "$t1 - $t0" | bc -l)")
  [ "$(sqlite3 "$work/bench.sqlite" 'SELECT count(*) FROM organizations')" = "$rows" ]
done

m_nko_pg=$(printf '%s\n' "${nko_pg[@]}" | median); m_copy=$(printf '%s\n' "${copy_pg[@]}" | median)
m_nko_sq=$(printf '%s\n' "${nko_sq[@]}" | median); m_imp=$(printf '%s\n' "${imp_sq[@]}" | median)
rate() { echo "$rows / $1" | bc -l | xargs printf '%.0f'; }
echo "rows: $rows, repeats: $repeats (medians, seconds)"
printf 'PostgreSQL  nko import %8.2f s  %7s rows/s | COPY           %8.2f s  %7s rows/s | ratio %.2f\n' \
  "$m_nko_pg" "$(rate "$m_nko_pg")" "$m_copy" "$(rate "$m_copy")" "$(echo "$m_copy / $m_nko_pg" | bc -l)"
printf 'SQLite      nko import %8.2f s  %7s rows/s | sqlite3 .import %7.2f s  %7s rows/s | ratio %.2f\n' \
  "$m_nko_sq" "$(rate "$m_nko_sq")" "$m_imp" "$(rate "$m_imp")" "$(echo "$m_imp / $m_nko_sq" | bc -l)"
echo "all runs: nko/pg ${nko_pg[*]} | copy ${copy_pg[*]} | nko/sqlite ${nko_sq[*]} | sqlite3 ${imp_sq[*]}"
