// What must not change the answers: how the describe output is laid out. AWS lists resources, routes,
// network ACL entries, associations and addresses in no promised order, users save them in any files,
// and the same output saved twice counts once. Random VPCs (random-aws.ts) are audited and traced
// as written, then re-laid-out; every answer must stay the same, down to the order of paths and lists,
// so that a nightly job comparing reports sees no change where there is none. (Not reordered: a security group's
// permissions and peers, whose position names an undescribed rule "#n", and an interface's groups,
// whose order results name them in.)
import { describe, expect, it } from "vitest";
import { runAudit } from "../../../src/core/audit.js";
import type { AuditResult, Flow } from "../../../src/core/result.js";
import { runTrace } from "../../../src/core/trace.js";
import type { SourceDocument } from "../../../src/model/document.js";
import { awsModel } from "../../../src/providers/aws/index.js";
import { parseDest, parsePorts } from "../../../src/core/cli.js";
import { randFromSeed, type Rand } from "../../graph/random-network.js";
import { destinationsOf, interfacesOf, randomAwsVpc, type AwsDump } from "./random-aws.js";
import { sendsAs } from "./raw-reference.js";

const FIRST_SEED = Number(process.env.FUZZ_SEED ?? 1);
const SEEDS = Number(process.env.FUZZ_RUNS ?? 60);

const PORTS = "tcp,udp,icmp,icmpv6,47";
/** Every destination, inside the VPC too: private paths depend on subnets, hosts and routes. */
const DEST = "0.0.0.0/0,::/0";

function shuffle<T>(r: Rand, xs: readonly T[]): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Lists inside items whose order AWS does not promise (and the answers must not depend on). */
const INNER = new Set([
  "Entries",
  "Routes",
  "Associations",
  "PrivateIpAddresses",
  "Ipv6Addresses",
  "NatGatewayAddresses",
  "CidrBlockAssociationSet",
  "Ipv6CidrBlockAssociationSet",
  "Attachments",
  "Instances",
  "NetworkInterfaces",
  "NetworkInterfaceIds",
  "Cidrs",
]);

/** A deep copy with every such list (and every top-level list) shuffled. */
function reorder(r: Rand, value: unknown, key = ""): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => reorder(r, v));
    return key === "" || INNER.has(key) ? shuffle(r, items) : items;
  }
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reorder(r, v, k)]));
}

/** One file per describe call, as the user's folder holds them. */
function perCall(d: AwsDump): SourceDocument[] {
  return Object.entries(d).map(([key, list]: [string, unknown[]]) => ({
    file: `${key}.json`,
    data: { [key]: list },
  }));
}

/**
 * Re-laid-out: lists reordered, one file per item in shuffled file order, and some files saved twice.
 * A call that answered an empty list keeps its file: "read, none" is not "not read" (describe-byoip-
 * cidrs saved empty says no address comes from a range brought to AWS).
 */
function relaidOut(r: Rand, d: AwsDump): SourceDocument[] {
  const docs: SourceDocument[] = [];
  const empty: SourceDocument[] = [];
  for (const [key, list] of Object.entries(d) as [string, unknown[]][]) {
    if (list.length === 0) empty.push({ file: `${key}-empty.json`, data: { [key]: [] } });
    for (const item of reorder(r, list) as unknown[]) {
      const doc = { file: `${key}-${docs.length}.json`, data: { [key]: [item] } };
      docs.push(doc);
      if (r.int(1, 100) <= 20) docs.push({ ...doc, file: `copy-of-${doc.file}` });
    }
  }
  return [...shuffle(r, docs), ...empty];
}

/**
 * The audit as compared: warnings and unknowns name the file and JSON path of what they concern (a
 * rule, the two listings that disagree on an address's public IP), which the layout changes.
 */
function normalised(a: AuditResult): unknown {
  const located = <T extends { message: string }>(w: T): T => ({
    ...w,
    message: w.message.replace(/\(\S+\.json \$[^ ]*\)/g, "(file)"),
  });
  return { ...a, warnings: a.warnings.map(located), unknowns: a.unknowns.map(located) };
}

/** Where two JSON values first differ, with both sides (shortened), or null when they are equal. */
function firstDifference(a: unknown, b: unknown, labels: [string, string], path = "$"): string | null {
  if (JSON.stringify(a) === JSON.stringify(b)) return null;
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        labels,
        `${path}.${k}`,
      );
      if (d !== null) return d;
    }
  }
  const show = (x: unknown) => JSON.stringify(x)?.slice(0, 400);
  return `${path}: ${show(a)} ${labels[0]}, ${show(b)} ${labels[1]}`;
}

describe("the layout of the describe output does not change the answers", () => {
  it(`reordered lists, one file per item, files saved twice (${SEEDS} random VPCs)`, () => {
    let entries = 0;
    for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
      const dump = randomAwsVpc(randFromSeed(seed));
      const r = randFromSeed(seed + 7_000_000);
      const flows: Flow[] = interfacesOf(dump)
        .filter((x) => sendsAs(x.eni.InterfaceType) !== null)
        .flatMap((x) =>
          destinationsOf(dump).flatMap((dst) => [
            { src: x.eni.NetworkInterfaceId, dst, protocol: "tcp", port: 443 },
            { src: x.eni.NetworkInterfaceId, dst, protocol: "udp", port: 53 },
          ]),
        );
      const answers = (docs: SourceDocument[]) => {
        const model = awsModel(docs, "random");
        const audit = runAudit(model, {
          ports: parsePorts(PORTS),
          portsText: PORTS,
          dest: parseDest(DEST),
          destText: DEST,
        });
        return { audit: normalised(audit), traces: runTrace(model, flows) };
      };
      const expected = answers(perCall(dump));
      const got = answers(relaidOut(r, dump));
      const diff = firstDifference(got, expected, ["after re-laying out", "before"]);
      if (diff !== null) throw new Error(`seed ${seed}: ${diff}`);
      entries += (got.audit as AuditResult).results.length;
    }
    expect(entries).toBeGreaterThan(SEEDS * 10);
  });

  // Private addresses repeat across VPCs (every team's VPC is 10.0.0.0/16): another VPC with the
  // same addresses, routes and groups under other ids must not change any answer for this one's
  // sources, whether its destinations are outside or inside (a lookup by address alone would mix
  // them up).
  it(`a second VPC with the same addresses changes nothing for the first (${SEEDS} random VPCs)`, () => {
    let compared = 0;
    for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
      const dump = randomAwsVpc(randFromSeed(seed));
      // The twin differs where a mix-up would show: its Elastic IPs are its own (3.0.x.y -> 4.0.x.y),
      // its network ACL entries do the opposite, and its groups let nothing out.
      const twin = JSON.parse(
        JSON.stringify(dump)
          .replace(ID, (_, kind: string, rest: string) => `${kind}-${rest}twin`)
          .replace(/"3\.0\./g, '"4.0.')
          .replace(
            /"RuleAction":"(allow|deny)"/g,
            (_, a: string) => `"RuleAction":"${a === "allow" ? "deny" : "allow"}"`,
          ),
      ) as AwsDump;
      for (const g of twin.SecurityGroups) g.IpPermissionsEgress = [];
      const both = Object.fromEntries(
        Object.entries(dump).map(([k, list]: [string, unknown[]]) => [
          k,
          [...list, ...(twin as unknown as Record<string, unknown[]>)[k]!],
        ]),
      ) as unknown as AwsDump;
      const sources = interfacesOf(dump)
        .filter((x) => sendsAs(x.eni.InterfaceType) !== null)
        .map((x) => x.eni.NetworkInterfaceId);
      const flows: Flow[] = sources.flatMap((src) =>
        destinationsOf(dump).flatMap((dst) => [
          { src, dst, protocol: "tcp", port: 443 },
          { src, dst, protocol: "udp", port: 53 },
        ]),
      );
      const answers = (d: AwsDump) => {
        const model = awsModel(perCall(d), "random");
        const audit = runAudit(model, {
          ports: parsePorts(PORTS),
          portsText: PORTS,
          dest: parseDest(DEST),
          destText: DEST,
        });
        return {
          results: audit.results.filter((e) => sources.includes(e.source.id)),
          traces: runTrace(model, flows),
        };
      };
      const diff = firstDifference(answers(both), answers(dump), ["beside its twin", "alone"]);
      if (diff !== null) throw new Error(`seed ${seed}: ${diff}`);
      compared += flows.length;
    }
    expect(compared).toBeGreaterThan(SEEDS * 10);
  });
});

/** Resource ids of the random VPCs (kind-rest), renamed for the twin VPC. */
const ID =
  /\b(vpc|subnet|sg|acl|rtb|igw|eigw|nat|eni|i|r|vpce|pcx|tgw|vgw|lgw|cagw|aclassoc|rtbassoc|eipalloc|vpcbpa)-([0-9a-z]+)/g;
