// The AWS input validators are compiled ahead of time from the zod schemas in raw.ts; this keeps the
// committed module in step with them. Rewrite it with: npm run gen:validators (or UPDATE_GOLDEN=1 here).
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { awsValidatorsSource, GENERATED } from "../../../scripts/aws-validators.js";

describe("precompiled AWS validators", () => {
  it(`${GENERATED} matches raw.ts`, () => {
    const generated = awsValidatorsSource();
    if (process.env.UPDATE_GOLDEN) writeFileSync(GENERATED, generated);
    expect(readFileSync(GENERATED, "utf8") === generated, `regenerate with: npm run gen:validators`).toBe(
      true,
    );
  });
});
