// parseJson: JSON.parse, with the line and column of a syntax error even where V8 gives none.
import { describe, expect, it } from "vitest";
import { parseJson } from "../../src/core/json-text.js";

function messageOf(text: string): string {
  try {
    parseJson(text);
  } catch (e) {
    expect(e).toBeInstanceOf(SyntaxError);
    return (e as Error).message;
  }
  throw new Error(`parsed: ${text}`);
}

describe("parseJson", () => {
  it("returns what JSON.parse returns", () => {
    expect(parseJson('{"a": [1, "x", null, true]}')).toEqual({ a: [1, "x", null, true] });
  });

  it("adds where an unexpected token is, 1-based, counting lines", () => {
    expect(messageOf('{\n  "Vpcs": [\n    {"VpcId": vpc-1}\n  ]\n}')).toMatch(
      /^Unexpected token 'v', .* \(line 3 column 15\)$/s,
    );
    // A trailing comma: where the value should have been.
    expect(messageOf('{"Vpcs": [1,]}')).toMatch(/^Unexpected token '\]', .* \(line 1 column 13\)$/);
    // Comments are JSON errors too (the scan is strict, as JSON.parse is).
    expect(messageOf('{"a": 1 // no\n}')).toMatch(/\(line 1 column 9\)$/);
  });

  it("keeps V8's own position, once", () => {
    const m = messageOf('{"a": 1,\n "b" 2}');
    expect(m).toMatch(/\(line 2 column 6\)$/);
    expect(m.match(/\(line/g)).toHaveLength(1);
  });
});
