// JSON output that does not need the whole document as one string: a quota-scale audit is about a
// gigabyte of JSON, past V8's string limit. The bytes are exactly JSON.stringify(value, null, 2) + "\n":
// the top-level value, its arrays and their elements are written part by part.
//
// An audit's results share most of their parts by object (see core/audit.ts: a class's paths, CIDR
// lists, a source's description), so the text of an object met more than once is kept and reused at
// the same depth instead of being built again: at quota scale that is most of the bytes. A first pass
// counts how often each object is met (without descending into one seen before), and the kept text is
// capped, so output stays within a bounded amount of memory beyond the result itself.
const CHUNK = 1 << 20;
/** At most this many characters of kept text (Latin-1 strings: about as many bytes). */
const CACHE_CHARS = 128_000_000;

/** Thrown inside writeJson when the writer says its reader has gone: nothing more is built. */
const STOP = new Error("the reader has gone");

/**
 * Writes `value` in chunks through `write`, which returns false once nothing more can be delivered
 * (say the reader of a pipe went away): the rest is then not even built, which at a gigabyte matters.
 */
export async function writeJson(
  value: unknown,
  write: (chunk: string) => Promise<boolean | void>,
): Promise<void> {
  try {
    await writeAll(value, write);
  } catch (e) {
    if (e !== STOP) throw e;
  }
}

async function writeAll(value: unknown, write: (chunk: string) => Promise<boolean | void>): Promise<void> {
  const p = new Printer(value);
  let buf = "";
  const flush = async (): Promise<void> => {
    const out = buf;
    buf = "";
    if ((await write(out)) === false) throw STOP;
  };
  /**
   * `v` at `depth`: arrays and objects down to `levels` deep are written part by part (the results
   * array element by element, each result field by field, so no result is first built as one string),
   * anything deeper, or met more than once, as its (kept) text.
   */
  const stream = async (v: unknown, depth: number, levels: number): Promise<void> => {
    if (levels === 0 || typeof v !== "object" || v === null || hasToJSON(v) || p.shared(v)) {
      buf += p.text(v, depth) ?? "null";
      return;
    }
    const inner = p.pad(depth + 1);
    if (Array.isArray(v)) {
      if (v.length === 0) {
        buf += "[]";
        return;
      }
      buf += "[\n";
      for (let j = 0; j < v.length; j++) {
        buf += inner;
        await stream(v[j], depth + 1, levels - 1);
        buf += j < v.length - 1 ? ",\n" : "\n";
        if (buf.length >= CHUNK) await flush();
      }
      buf += `${p.pad(depth)}]`;
      return;
    }
    const fields = Object.keys(v).filter((k) => !omitted((v as Record<string, unknown>)[k]));
    if (fields.length === 0) {
      buf += "{}";
      return;
    }
    buf += "{\n";
    for (let i = 0; i < fields.length; i++) {
      buf += `${inner}${JSON.stringify(fields[i])}: `;
      await stream((v as Record<string, unknown>)[fields[i]!], depth + 1, levels - 1);
      buf += i < fields.length - 1 ? ",\n" : "\n";
    }
    buf += `${p.pad(depth)}}`;
  };
  // JSON.stringify writes nothing at all for undefined or a function: so does this (but the newline).
  if (!omitted(value)) await stream(value, 0, 3);
  buf += "\n";
  await flush();
}

/** Values JSON leaves out of an object. */
function omitted(v: unknown): boolean {
  return v === undefined || typeof v === "function" || typeof v === "symbol";
}

function hasToJSON(v: object): boolean {
  return typeof (v as { toJSON?: unknown }).toJSON === "function";
}

/** JSON.stringify(v, null, 2) of parts of one value, keeping the text of objects met more than once. */
class Printer {
  /** How often each object of the value is referenced (objects seen before are not descended into). */
  private readonly refs = new Map<object, number>();
  /** Kept text by object, then by depth (the indentation differs). */
  private readonly kept = new Map<object, Map<number, string>>();
  private keptChars = 0;
  private readonly pads = [""];
  /** Objects being printed: a cycle is an error, as in JSON.stringify. */
  private readonly open = new Set<object>();

  constructor(value: unknown) {
    const stack: unknown[] = [value];
    while (stack.length > 0) {
      const v = stack.pop();
      if (typeof v !== "object" || v === null) continue;
      const n = this.refs.get(v);
      this.refs.set(v, (n ?? 0) + 1);
      if (n !== undefined) continue;
      if (Array.isArray(v)) for (const x of v) stack.push(x);
      else for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
    }
  }

  /** Whether `v` is met more than once in the value (its text is then kept). */
  shared(v: object): boolean {
    return (this.refs.get(v) ?? 0) > 1;
  }

  pad(depth: number): string {
    while (this.pads.length <= depth) this.pads.push(`${this.pads[this.pads.length - 1]!}  `);
    return this.pads[depth]!;
  }

  /** The text of `v` at `depth` (its lines after the first indented so); undefined where JSON has none. */
  text(v: unknown, depth: number): string | undefined {
    if (typeof v !== "object" || v === null) return JSON.stringify(v);
    // Dates and the like: as JSON.stringify writes them (none in results; kept exact all the same).
    if (hasToJSON(v)) return JSON.stringify(v, null, 2)?.replaceAll("\n", `\n${this.pad(depth)}`);
    const shared = this.shared(v);
    if (shared) {
      const t = this.kept.get(v)?.get(depth);
      if (t !== undefined) return t;
    }
    if (this.open.has(v)) throw new TypeError("Converting circular structure to JSON");
    this.open.add(v);
    const inner = this.pad(depth + 1);
    const parts: string[] = [];
    let out: string;
    if (Array.isArray(v)) {
      for (const x of v as unknown[]) parts.push(inner + (this.text(x, depth + 1) ?? "null"));
      out = parts.length === 0 ? "[]" : `[\n${parts.join(",\n")}\n${this.pad(depth)}]`;
    } else {
      for (const k of Object.keys(v)) {
        const t = this.text((v as Record<string, unknown>)[k], depth + 1);
        if (t !== undefined) parts.push(`${inner}${JSON.stringify(k)}: ${t}`);
      }
      out = parts.length === 0 ? "{}" : `{\n${parts.join(",\n")}\n${this.pad(depth)}}`;
    }
    this.open.delete(v);
    if (shared && this.keptChars + out.length <= CACHE_CHARS) {
      let m = this.kept.get(v);
      if (!m) this.kept.set(v, (m = new Map<number, string>()));
      m.set(depth, out);
      this.keptChars += out.length;
    }
    return out;
  }
}
