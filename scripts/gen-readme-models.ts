/**
 * Regenerates the model tables (dense, sparse, rerank) in README.md from the registry (src/models/table.ts).
 *
 *   npx tsx scripts/gen-readme-models.ts           rewrite the block between the markers
 *   npx tsx scripts/gen-readme-models.ts --check   exit 1 if README.md is out of date (CI)
 *
 * Only the text between `<!-- models:start -->` and `<!-- models:end -->` is touched.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { formatRegistryTables } from "../src/models/table.js";

export const START_MARKER = "<!-- models:start -->";
export const END_MARKER = "<!-- models:end -->";

const README_PATH = fileURLToPath(new URL("../README.md", import.meta.url));
const USAGE = "usage: npx tsx scripts/gen-readme-models.ts [--check]";

function countOf(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/**
 * `readme` with the block between the markers replaced by `table` (blank line on each side, as
 * prettier lays it out). Throws when the markers are missing, repeated or out of order.
 */
export function spliceModelTable(readme: string, table: string): string {
  const starts = countOf(readme, START_MARKER);
  const ends = countOf(readme, END_MARKER);
  if (starts !== 1 || ends !== 1) {
    throw new Error(
      `README.md must contain exactly one "${START_MARKER}" and one "${END_MARKER}" ` + `(found ${starts} and ${ends})`,
    );
  }
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (end < start) throw new Error(`"${END_MARKER}" comes before "${START_MARKER}" in README.md`);
  return `${readme.slice(0, start + START_MARKER.length)}\n\n${table}\n\n${readme.slice(end)}`;
}

function main(argv: readonly string[]): number {
  const unknown = argv.filter((a) => a !== "--check");
  if (unknown.length > 0) {
    console.error(`gen-readme-models: unknown argument(s) ${unknown.join(" ")}\n${USAGE}`);
    return 2;
  }
  const check = argv.includes("--check");

  let current: string;
  try {
    current = readFileSync(README_PATH, "utf8");
  } catch (e) {
    console.error(`gen-readme-models: cannot read ${README_PATH}: ${(e as Error).message}`);
    return 1;
  }
  let next: string;
  try {
    next = spliceModelTable(current, formatRegistryTables());
  } catch (e) {
    console.error(`gen-readme-models: ${(e as Error).message}`);
    return 1;
  }

  if (check) {
    if (next === current) return 0;
    console.error(
      "gen-readme-models: the model table in README.md is out of date with src/models/catalog/.\n" +
        "Run `npx tsx scripts/gen-readme-models.ts` and commit README.md.",
    );
    return 1;
  }
  if (next !== current) writeFileSync(README_PATH, next);
  console.log(`gen-readme-models: README.md ${next === current ? "already up to date" : "updated"}`);
  return 0;
}

// Run only when executed, not when imported (the unit test imports spliceModelTable).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2));
}
