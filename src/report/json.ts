// JSON output that does not need the whole document as one string: a quota-scale audit is about a
// gigabyte of JSON, past V8's string limit. The bytes are exactly JSON.stringify(value, null, 2) + "\n":
// top-level arrays are written element by element, everything else as JSON.stringify would.
const CHUNK = 1 << 20;

function indent(text: string, pad: string): string {
  return text.replaceAll("\n", `\n${pad}`);
}

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
  let buf = "";
  const emit = async (s: string): Promise<void> => {
    buf += s;
    if (buf.length >= CHUNK) {
      const out = buf;
      buf = "";
      if ((await write(out)) === false) throw STOP;
    }
  };
  if (Array.isArray(value)) {
    await streamArray(value, "", emit);
  } else if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, v]) => v !== undefined && typeof v !== "function",
    );
    if (entries.length === 0) await emit("{}");
    else {
      await emit("{\n");
      for (let i = 0; i < entries.length; i++) {
        const [k, v] = entries[i]!;
        await emit(`  ${JSON.stringify(k)}: `);
        if (Array.isArray(v)) await streamArray(v, "  ", emit);
        else await emit(indent(JSON.stringify(v, null, 2), "  "));
        await emit(i < entries.length - 1 ? ",\n" : "\n");
      }
      await emit("}");
    }
  } else {
    await emit(JSON.stringify(value, null, 2));
  }
  await emit("\n");
  if (buf) await write(buf);
}

async function streamArray(list: unknown[], pad: string, emit: (s: string) => Promise<void>): Promise<void> {
  if (list.length === 0) return emit("[]");
  await emit("[\n");
  const inner = `${pad}  `;
  for (let j = 0; j < list.length; j++) {
    // JSON.stringify writes undefined/functions in arrays as null.
    const el = list[j];
    const text = el === undefined || typeof el === "function" ? "null" : JSON.stringify(el, null, 2);
    await emit(inner + indent(text, inner) + (j < list.length - 1 ? ",\n" : "\n"));
  }
  await emit(`${pad}]`);
}
