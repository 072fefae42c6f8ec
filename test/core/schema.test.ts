// The committed JSON Schemas are generated from the zod contracts; this keeps them in step.
// Rewrite them with: UPDATE_GOLDEN=1 npx vitest run test/core/schema.test.ts
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AuditResultSchema, TraceResultListSchema } from "../../src/core/result.js";

const schemas = {
  "schema/audit-result.schema.json": AuditResultSchema,
  "schema/trace-result.schema.json": TraceResultListSchema,
};

describe("JSON Schema files", () => {
  for (const [file, schema] of Object.entries(schemas)) {
    it(`${file} matches the zod contract`, () => {
      const generated = JSON.stringify(z.toJSONSchema(schema, { target: "draft-2020-12" }), null, 2) + "\n";
      if (process.env.UPDATE_GOLDEN) writeFileSync(file, generated);
      expect(readFileSync(file, "utf8")).toBe(generated);
    });
  }
});
