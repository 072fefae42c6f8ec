// Corrupted input: the random VPCs of random-aws.ts with one to three values replaced (by a wrong type, an
// odd string or number, another resource's id), removed or duplicated, as hand edits, partial dumps and
// other tools' exports do. Whatever comes in, the pipeline either reads it (and the audit and traces run)
// or stops with one InputError line naming the file and the JSON path; anything else is a bug (such a
// run once found replies lost at a network ACL entry whose ports were in doubt).
import { describe, expect, it } from "vitest";
import { runAudit } from "../../../src/core/audit.js";
import { DEFAULT_PORTS, parseDest, parsePorts } from "../../../src/core/cli.js";
import type { Flow } from "../../../src/core/result.js";
import { runTrace } from "../../../src/core/trace.js";
import type { SourceDocument } from "../../../src/model/document.js";
import { InputError } from "../../../src/model/errors.js";
import { awsModel } from "../../../src/providers/aws/index.js";
import { randFromSeed, type Rand } from "../../graph/random-network.js";
import { randomAwsVpc } from "./random-aws.js";

const FIRST_SEED = Number(process.env.FUZZ_SEED ?? 1);
const SEEDS = Number(process.env.FUZZ_RUNS ?? 2000);

const ODD: unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e300,
  65536,
  2 ** 53,
  true,
  "",
  "x",
  "-1",
  "6",
  "tcp",
  "10.0.0.0/33",
  "::/129",
  "0.0.0.0/0",
  "1.2.3.4",
  "fe80::1%eth0",
  "10.0.1.0/24",
  "2600:1f18:1:a01::/64",
  "available",
  "blackhole",
  "local",
  "igw-1",
  "nat-1",
  "sg-0",
  "subnet-1",
  "vpc-1",
  "acl-default",
  [],
  {},
  [null],
  { a: 1 },
];

type Path = (string | number)[];

function pathsOf(v: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (v !== null && typeof v === "object")
    for (const [k, c] of Object.entries(v)) pathsOf(c, [...at, Array.isArray(v) ? Number(k) : k], out);
  return out;
}

/** Replaces, removes or duplicates the value at a few random places (never the top level). */
function corrupt(r: Rand, dump: Record<string, unknown>): void {
  const paths = pathsOf(dump).slice(1);
  for (let n = r.int(1, 3); n > 0; n--) {
    const p = paths[r.int(0, paths.length - 1)]!;
    let parent: unknown = dump;
    for (const k of p.slice(0, -1)) parent = (parent as Record<string | number, unknown> | undefined)?.[k];
    if (parent === null || typeof parent !== "object") continue; // removed by an earlier change
    const key = p[p.length - 1]!;
    const op = r.int(0, 9);
    if (op === 0) {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete (parent as Record<string, unknown>)[key];
    } else if (op === 1 && Array.isArray(parent) && parent.length > 0) {
      parent.push(structuredClone(parent[r.int(0, parent.length - 1)] as unknown));
    } else {
      (parent as Record<string | number, unknown>)[key] = structuredClone(ODD[r.int(0, ODD.length - 1)]);
    }
  }
}

describe("corrupted AWS input", () => {
  it(`is read or refused with one line naming file and path, never a crash (${SEEDS} inputs)`, () => {
    const ports = parsePorts(DEFAULT_PORTS);
    const dest = parseDest("internet");
    const refused: string[] = [];
    let audited = 0;
    for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
      const dump = randomAwsVpc(randFromSeed(seed)) as unknown as Record<string, unknown>;
      corrupt(randFromSeed(seed + 1_000_000), dump);
      const docs: SourceDocument[] = Object.entries(dump).map(([key, list]) => ({
        file: `${key}.json`,
        data: { [key]: list },
      }));
      try {
        const model = awsModel(docs, "corrupted");
        runAudit(model, { ports, portsText: DEFAULT_PORTS, dest, destText: "internet" });
        const flows: Flow[] = model.endpoints.flatMap((e) => [
          { src: e.id, dst: "8.8.8.8", protocol: "tcp", port: 443 },
          { src: e.id, dst: "10.0.1.5", protocol: "udp", port: 53 },
          { src: e.id, dst: "2001:4860:4860::8888", protocol: "icmpv6", port: 128 },
        ]);
        runTrace(model, flows);
        audited++;
      } catch (e) {
        if (!(e instanceof InputError))
          throw new Error(`seed ${seed}: ${String(e)}\n${JSON.stringify(dump)}`, { cause: e });
        refused.push(e.message);
        expect(e.message, `seed ${seed}`).not.toContain("\n");
        // Where: the file, and the JSON path within it.
        expect(e.message, `seed ${seed}`).toMatch(/^\w+\.json: \$[.[]/);
      }
    }
    // Both outcomes occur: corruption is often harmless (an unread field) and often refused.
    expect(audited).toBeGreaterThan(SEEDS / 20);
    expect(refused.length).toBeGreaterThan(SEEDS / 10);
  });
});
