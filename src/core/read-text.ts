// Text files as users save them: UTF-8, or with a byte-order mark, which Windows tools write. Windows
// PowerShell 5.1's `>` saves `aws ec2 describe-*` output as UTF-16 LE with a BOM, and its
// `Out-File -Encoding utf8` writes a UTF-8 BOM; both would otherwise read as broken JSON.
import { constants } from "node:buffer";
import { readFile } from "node:fs/promises";
import { InputError } from "../model/errors.js";

export async function readText(file: string): Promise<string> {
  return decodeText(await readFile(file));
}

/** UTF-8 that refuses malformed bytes: read leniently they would become U+FFFD, silently. */
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The text of a file: UTF-8 (with or without a byte-order mark) or UTF-16 with one. Bytes that are not
 * UTF-8 (a file saved as Latin-1, say) are an error: read leniently, a name or tag would quietly change.
 * Text longer than a JavaScript string can be (`limit`, V8's, about 512 MB; given in tests) is an
 * InputError saying so: it is not a problem of its encoding.
 */
export function decodeText(bytes: Buffer, limit: number = constants.MAX_STRING_LENGTH): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return utf8(bytes.subarray(3), limit);
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    fits(bytes.length, (bytes.length - 2) >> 1, limit);
    return bytes.toString("utf16le", 2);
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    fits(bytes.length, (bytes.length - 2) >> 1, limit);
    // Node has no UTF-16 BE decoder of its own: swap each byte pair and read it as LE.
    const le = Buffer.from(bytes.subarray(2));
    le.swap16();
    return le.toString("utf16le");
  }
  const utf16 = utf16WithoutBom(bytes);
  if (utf16)
    throw new Error(
      `it is UTF-16 ${utf16} text without a byte-order mark (every other byte is 0): save it as UTF-8, e.g. with iconv -f utf-16${utf16.toLowerCase()} -t utf-8`,
    );
  return utf8(bytes, limit);
}

/**
 * "LE" or "BE" when the file begins as UTF-16 text without a byte-order mark would: ASCII characters
 * with a 0 byte beside each. UTF-8 JSON or YAML holds no 0 byte, so this is not a guess about text
 * that could be read; read as UTF-8 it would be a JSON error about a character no one can see.
 */
function utf16WithoutBom(bytes: Uint8Array): "LE" | "BE" | undefined {
  const n = Math.min(bytes.length, 64) & ~1;
  if (n < 2) return undefined;
  const at = (parity: number, zero: boolean): boolean => {
    for (let i = parity; i < n; i += 2) if ((bytes[i] === 0) !== zero) return false;
    return true;
  };
  if (at(1, true) && at(0, false)) return "LE";
  if (at(0, true) && at(1, false)) return "BE";
  return undefined;
}

/**
 * Refuses text of `units` UTF-16 code units (what a JavaScript string counts) over `limit`, naming the
 * file's size: decoding it would fail with an error that says nothing of why.
 */
function fits(size: number, units: number, limit: number): void {
  if (units <= limit) return;
  const mb = (n: number) => `${Math.round(n / 2 ** 20)} MB`;
  throw new InputError(
    `the file is too large to read: ${mb(size)} (${size} bytes) of text, over the ${limit} characters (${mb(limit)}) a JavaScript string can hold; split it, e.g. one file per describe call, region or VPC (--filters Name=vpc-id,Values=...)`,
  );
}

/** The UTF-16 code units of UTF-8 bytes: one per character, two for one past U+FFFF (a 4-byte one). */
function utf8Units(bytes: Uint8Array): number {
  let units = 0;
  for (const b of bytes) if ((b & 0xc0) !== 0x80) units += b >= 0xf0 ? 2 : 1;
  return units;
}

function utf8(bytes: Uint8Array, limit: number): string {
  // A character takes at least one byte: only a file longer than the limit needs counting.
  if (bytes.length > limit) fits(bytes.length, utf8Units(bytes), limit);
  try {
    return UTF8.decode(bytes);
  } catch (e) {
    // Only malformed bytes are a problem of the encoding; anything else is not to be reported as one.
    if ((e as NodeJS.ErrnoException).code !== "ERR_ENCODING_INVALID_ENCODED_DATA") throw e;
    throw new Error(
      "it is not UTF-8 text (nor UTF-16 with a byte-order mark): save it as UTF-8, e.g. with iconv -f latin1 -t utf-8",
      { cause: e },
    );
  }
}
