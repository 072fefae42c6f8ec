// Streamed JSON is byte for byte JSON.stringify(value, null, 2) + "\n", in chunks.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { writeJson } from "../../src/report/json.js";

async function streamed(value: unknown): Promise<{ text: string; chunks: number }> {
  let text = "";
  let chunks = 0;
  await writeJson(value, (c) => {
    text += c;
    chunks++;
    return Promise.resolve();
  });
  return { text, chunks };
}

describe("writeJson", () => {
  it("matches JSON.stringify on arbitrary JSON values", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (v) => {
        expect((await streamed(v)).text).toBe(JSON.stringify(v, null, 2) + "\n");
      }),
      { numRuns: 300 },
    );
  });

  it("matches where one object is met many times, at different depths (its text is kept and reused)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), fc.jsonValue(), async (x, y) => {
        const shared = { x, list: [x, y], y };
        const v = {
          a: shared,
          b: [shared, { c: shared, d: [[shared, x]] }],
          e: [x, y, shared],
          f: undefined,
          g: [undefined, () => 1],
        };
        expect((await streamed(v)).text).toBe(JSON.stringify(v, null, 2) + "\n");
        expect((await streamed([v, shared, v])).text).toBe(JSON.stringify([v, shared, v], null, 2) + "\n");
      }),
      { numRuns: 300 },
    );
  });

  it("matches on Dates (toJSON), and refuses a cycle as JSON.stringify does", async () => {
    const when = new Date(Date.UTC(2026, 10, 27));
    const v = { when, list: [when, { when }] };
    expect((await streamed(v)).text).toBe(JSON.stringify(v, null, 2) + "\n");
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = { back: cycle };
    await expect(streamed({ results: [cycle] })).rejects.toThrow(TypeError);
  });

  it("matches on a real result and writes a large one in many chunks", async () => {
    const sample = JSON.parse(readFileSync("schema/audit-result.schema.json", "utf8")) as unknown;
    expect((await streamed(sample)).text).toBe(JSON.stringify(sample, null, 2) + "\n");
    const big = {
      schemaVersion: "1.0",
      results: Array.from({ length: 20000 }, (_, i) => ({ i, s: "x".repeat(100), a: [1, { b: null }] })),
    };
    const out = await streamed(big);
    expect(out.text).toBe(JSON.stringify(big, null, 2) + "\n");
    expect(out.chunks).toBeGreaterThan(1);
  });
});

describe("writeJson to a reader that went away", () => {
  it("stops building once the writer says so", async () => {
    const big = Array.from({ length: 20_000 }, (_, i) => ({ i, text: "x".repeat(100) }));
    let chunks = 0;
    await writeJson(big, () => {
      chunks++;
      return Promise.resolve(false);
    });
    expect(chunks).toBe(1);
  });
});
