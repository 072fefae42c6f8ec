// Text files as users save them: UTF-8, or with a byte-order mark, which Windows tools write. Windows
// PowerShell 5.1's `>` saves `aws ec2 describe-*` output as UTF-16 LE with a BOM, and its
// `Out-File -Encoding utf8` writes a UTF-8 BOM; both would otherwise read as broken JSON.
import { readFile } from "node:fs/promises";

export async function readText(file: string): Promise<string> {
  return decodeText(await readFile(file));
}

/** UTF-8 that refuses malformed bytes: read leniently they would become U+FFFD, silently. */
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * The text of a file: UTF-8 (with or without a byte-order mark) or UTF-16 with one. Bytes that are not
 * UTF-8 (a file saved as Latin-1, say) are an error: read leniently, a name or tag would quietly change.
 */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return utf8(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.toString("utf16le", 2);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    // Node has no UTF-16 BE decoder of its own: swap each byte pair and read it as LE.
    const le = Buffer.from(bytes.subarray(2));
    le.swap16();
    return le.toString("utf16le");
  }
  return utf8(bytes);
}

function utf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new Error(
      "it is not UTF-8 text (nor UTF-16 with a byte-order mark): save it as UTF-8, e.g. with iconv -f latin1 -t utf-8",
    );
  }
}
