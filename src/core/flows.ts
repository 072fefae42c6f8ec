// --flows FILE: JSON Lines, one {"src","dst","protocol","port"} object per line (blank lines skipped;
// an ICMP flow may give its message "code" too).
import { InputError } from "../model/errors.js";
import { parseJson } from "./json-text.js";
import { readText } from "./read-text.js";
import type { Flow } from "./result.js";

/** The flows of a file, each with its line number (for errors about it). */
export async function readFlows(file: string): Promise<{ flows: Flow[]; lines: number[] }> {
  let text: string;
  try {
    text = await readText(file);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(e.message, file);
    throw new InputError(`cannot read the flows file: ${(e as Error).message}`, file);
  }
  // zod (result.ts) is loaded only here: a plain audit or single-flow trace does not need it.
  const [{ FlowSchema }, { z }] = await Promise.all([import("./result.js"), import("zod")]);
  // A line's protocol may be a number (6, as IANA numbers them) as well as its text ("6", "tcp"); a
  // port or code that is not an integer is refused with the range it must be in (see flowPackets).
  const LineSchema = FlowSchema.extend({
    protocol: z
      .union([z.string(), z.number()], {
        error: (iss) => `expected string or number, received ${kind(iss.input)}`,
      })
      .transform(String),
    port: z
      .number({ error: (iss) => `expected an integer 0-65535, received ${kind(iss.input)}` })
      .nullable()
      .optional(),
    code: z
      .number({ error: (iss) => `expected an integer 0-255, received ${kind(iss.input)}` })
      .nullable()
      .optional(),
  });
  const flows: Flow[] = [];
  const lines: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = parseJson(line);
    } catch (e) {
      // The location names the line already: of the position, only the column is news.
      const message = (e as Error).message.replace(/\(line 1 column (\d+)\)$/, "(column $1)");
      throw new InputError(`invalid JSON: ${message}`, `${file}:${i + 1}`);
    }
    const r = LineSchema.safeParse(value);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      const hint =
        issue.code === "unrecognized_keys"
          ? ' (a flow has "src", "dst", "protocol", "port" and, for ICMP, "code")'
          : "";
      throw new InputError(
        `${issue.path.join(".") || "flow"}: ${issue.message.replace(/^Invalid input: /, "")}${hint}`,
        `${file}:${i + 1}`,
      );
    }
    flows.push(r.data);
    lines.push(i + 1);
  });
  if (flows.length === 0) throw new InputError("no flows in the file", file);
  return { flows, lines };
}

function kind(v: unknown): string {
  return Array.isArray(v) ? "array" : typeof v;
}
