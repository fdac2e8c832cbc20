// PostGraphile v5 configuration for the benchmark.
//
// Env:
//   DATABASE_URL  postgres connection string (required)
//   PGL_PORT      HTTP port (default 5678); server binds 127.0.0.1 only
//
// GraphQL endpoint: POST http://127.0.0.1:$PGL_PORT/graphql
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import { pgSmartTags } from "postgraphile/utils";
import { PgSimplifyInflectionPreset } from "@graphile/simplify-inflection";

if (!process.env.DATABASE_URL) {
  throw new Error("graphile.config.mjs: DATABASE_URL is not set");
}

// Only these tables of schema "public" are exposed; every other table/view
// gets the smart tag `@behavior -*` (nothing generated for it).
const EXPOSED_TABLES = new Set(["organizations", "people", "memberships"]);

const OnlyBenchTablesPlugin = pgSmartTags(
  [
    {
      kind: "class",
      match: (pgClass) => !EXPOSED_TABLES.has(pgClass.relname),
      tags: { behavior: "-*" },
    },
  ],
  null,
  { name: "BenchOnlyThreeTablesPlugin" },
);

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset],
  plugins: [OnlyBenchTablesPlugin],
  // By default v5 only offers orderBy/condition on indexed columns (and drops
  // backward-relation connections over unindexed foreign keys). Disable that,
  // as v4's `ignoreIndexes: false` did, so e.g. orderBy: [SORT_KEY_ASC] exists
  // whatever indexes the benchmark database has.
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
    }),
  ],
  grafserv: {
    port: Number(process.env.PGL_PORT || 5678),
    host: "127.0.0.1",
    graphiql: false,
    watch: false,
  },
  grafast: {
    explain: false,
  },
};

export default preset;
