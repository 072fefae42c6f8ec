// The tool's version, read once from package.json (two levels above dist/src/core or src/core), and the
// version of the JSON contracts (result.ts).
import { readFileSync } from "node:fs";

function readVersion(): string {
  for (const rel of ["../../package.json", "../../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "egress-audit" && pkg.version) return pkg.version;
    } catch {
      // try the next location
    }
  }
  return "0.0.0";
}

export const VERSION = readVersion();

/** schemaVersion of the AuditResult JSON (result.ts); kept here so that building a result needs no zod. */
export const SCHEMA_VERSION = "1.0";
