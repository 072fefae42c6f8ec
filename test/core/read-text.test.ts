// decodeText: the text of a file as users save it, or one line saying why it cannot be read.
import { describe, expect, it } from "vitest";
import { decodeText } from "../../src/core/read-text.js";
import { InputError } from "../../src/model/errors.js";

function errorOf(bytes: Buffer, limit?: number): Error {
  try {
    decodeText(bytes, limit);
  } catch (e) {
    return e as Error;
  }
  throw new Error("decoded");
}

describe("decodeText", () => {
  it("reads UTF-8, and UTF-8 and UTF-16 with a byte-order mark", () => {
    const text = '{"Vpcs": [{"Tags": [{"Key": "Name", "Value": "café"}]}]}';
    expect(decodeText(Buffer.from(text))).toBe(text);
    expect(decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]))).toBe(text);
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]))).toBe(text);
    const be = Buffer.from(text, "utf16le").swap16();
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe(text);
  });

  it("says UTF-16 without a byte-order mark is that, and how to convert it", () => {
    const text = '{\n  "Vpcs": []\n}\n';
    expect(errorOf(Buffer.from(text, "utf16le")).message).toBe(
      "it is UTF-16 LE text without a byte-order mark (every other byte is 0): save it as UTF-8, e.g. with iconv -f utf-16le -t utf-8",
    );
    expect(errorOf(Buffer.from(text, "utf16le").swap16()).message).toMatch(
      /^it is UTF-16 BE text without a byte-order mark .* iconv -f utf-16be -t utf-8$/,
    );
    // Latin-1 is not taken for it.
    expect(errorOf(Buffer.from('{"a": "caf\xe9"}', "latin1")).message).toMatch(/^it is not UTF-8 text/);
  });

  it("text longer than a string can hold is an input error giving the size and the limit, not one of encoding", () => {
    // 5 bytes, 4 characters ("é" is two bytes), 5 code units with the emoji's surrogate pair.
    expect(decodeText(Buffer.from("aé🙂"), 4)).toBe("aé🙂");
    const err = errorOf(Buffer.from("aé🙂b"), 4);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe(
      "the file is too large to read: 0 MB (8 bytes) of text, over the 4 characters (0 MB) a JavaScript string can hold; split it, e.g. one file per describe call, region or VPC (--filters Name=vpc-id,Values=...)",
    );
    // UTF-16: two bytes a unit, after the mark.
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("abcde", "utf16le")]);
    expect(decodeText(le, 5)).toBe("abcde");
    expect(errorOf(le, 4)).toBeInstanceOf(InputError);
  });
});
