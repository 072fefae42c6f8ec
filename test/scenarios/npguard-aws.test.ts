// egress-audit's traces against np-guard's vpc-network-config-analyzer on its AWS examples
// (fixtures/aws/npguard, see npguard.ts for how its input is read and fixtures/NOTICE for the source).
// Its analysis lists, for every ordered pair of instances of a VPC and towards the public internet, the
// connections security groups and network ACLs allow (both ways for stateless ACLs); every flow below
// is traced by egress-audit and must get the verdict that analysis implies.
import { describe, expect, it } from "vitest";
import { runAudit } from "../../src/core/audit.js";
import { parseDest, parsePorts } from "../../src/core/cli.js";
import { runTrace } from "../../src/core/trace.js";
import type { Flow, TraceResult } from "../../src/core/result.js";
import type { Endpoint, NetworkModel } from "../../src/model/types.js";
import { formatIp, parseCidr, parseIp, V4_OFFSET } from "../../src/netset/index.js";
import { awsModel } from "../../src/providers/aws/index.js";
import { expectedVerdict, npguardConnectivity, npguardDocs } from "./npguard.js";

const model = (name: string): NetworkModel => awsModel(npguardDocs(name), `npguard ${name}`);

/** The flows probed between any two ends: ports the examples' rules name, and ports they do not. */
const PROBES: { protocol: "tcp" | "udp" | "icmp"; port: number }[] = [
  ...[22, 80, 443, 1024, 1025, 3306, 5000, 5001, 9079, 9080, 9081, 40000].map((port) => ({
    protocol: "tcp" as const,
    port,
  })),
  ...[53, 9080, 33434].map((port) => ({ protocol: "udp" as const, port })),
  { protocol: "icmp", port: 8 },
];
/** Public addresses: inside and outside the ranges the examples' rules name. */
const PUBLIC = ["147.235.208.136", "147.235.0.1", "161.26.0.1", "8.8.8.8"];

const ipOf = (ep: Endpoint): string => formatIp(ep.privateIps[0]!);

/** np-guard's key for the internet side a public address falls in, if it lists one for `src`. */
function publicKey(keys: Iterable<string>, src: string, dst: string): string | undefined {
  for (const k of keys) {
    const [from, to] = k.split(" => ") as [string, string];
    if (from !== src || !to.startsWith("Public Internet")) continue;
    const ranges = to.replace("Public Internet ", "");
    if (ranges === "(all ranges)") return k;
    if (ranges.split(",").some((c) => parseCidr(c.trim()).contains(parseIp(dst)))) return k;
  }
  return undefined;
}

describe.each(["aws_mixed", "aws_sg_1", "aws_acl_1", "basic_config_with_sg"])(
  "np-guard example %s",
  (name) => {
    it("every flow between instances and to the internet gets the verdict of np-guard's analysis", () => {
      const m = model(name);
      const conns = npguardConnectivity(name);
      const flows: (Flow & { key: string | undefined })[] = [];
      for (const src of m.endpoints) {
        const dsts = [
          ...m.endpoints.filter((d) => d !== src && d.networkId === src.networkId).map(ipOf),
          ...PUBLIC,
        ];
        for (const dst of dsts) {
          const key = PUBLIC.includes(dst)
            ? publicKey(conns.keys(), ipOf(src), dst)
            : `${ipOf(src)} => ${dst}`;
          for (const p of PROBES) flows.push({ src: src.id, dst, ...p, key });
        }
      }
      const results = runTrace(m, flows);
      const mismatches: string[] = [];
      const seen = { allowed: 0, blocked: 0, unknown: 0 };
      results.forEach((r: TraceResult, i) => {
        const f = flows[i]!;
        // UDP and ICMP: np-guard judges the request only, egress-audit also its reply (stateless ACLs
        // drop replies too). None of these examples drops a reply whose request passes, so the two agree
        // exactly here; an example that did would be where they part.
        const want = expectedVerdict(
          f.key === undefined ? [] : (conns.get(f.key) ?? []),
          f.protocol as "tcp",
          f.port!,
        );
        seen[r.verdict]++;
        if (r.verdict !== want)
          mismatches.push(
            `${f.src} -> ${f.dst} ${f.protocol}/${f.port}: np-guard ${want}, egress-audit ${r.verdict} (${r.reason})`,
          );
      });
      expect(mismatches).toEqual([]);
      // Not vacuous: each example allows some flows and blocks others.
      expect(seen.allowed).toBeGreaterThan(0);
      expect(seen.blocked).toBeGreaterThan(0);
    });

    // np-guard's subnet-based analysis judges subnets by their network ACLs alone. A trace from a subnet
    // starts at a host there without security groups of its own, whose OS (client ports) cannot be
    // told; to an address of another subnet that no instance has, a flow the ACLs let through (both
    // ways) reaches that subnet, where nothing is known to answer: `unknown`, never blocked. One the
    // ACLs stop is blocked; one they answer on only some client ports is unknown.
    it("between subnets, the network ACLs decide as np-guard's subnet analysis says", () => {
      const m = model(name);
      const conns = npguardConnectivity(name, "subnets");
      const subnets = [...m.subnets.values()];
      const flows: Flow[] = [];
      const wants: string[] = [];
      const reasons: RegExp[] = [];
      for (const a of subnets)
        for (const b of subnets) {
          if (a === b || a.networkId !== b.networkId) continue;
          // An address no instance has: the subnet's first IPv4 address + 10.
          const dst = formatIp(b.cidrs.ranges.find(([lo]) => lo >= V4_OFFSET)![0] + 10n);
          for (const p of PROBES) {
            flows.push({ src: a.id, dst, ...p });
            const want = expectedVerdict(
              conns.get(`${a.name ?? a.id} => ${b.name ?? b.id}`) ?? [],
              p.protocol,
              p.port,
              // A host of the subnet, whose OS cannot be told: any client port AWS lists.
              [1024, 65535],
            );
            wants.push(want === "allowed" ? "unknown" : want);
            // Unknown because nothing known answers there, or because only some client ports get replies.
            reasons.push(
              want === "allowed" ? /no audited interface has/ : /only some of the ephemeral ports/,
            );
          }
        }
      const mismatches = runTrace(m, flows).flatMap((t, i) =>
        t.verdict === wants[i] && (t.verdict !== "unknown" || reasons[i]!.test(t.reason))
          ? []
          : [
              `${flows[i]!.src} -> ${flows[i]!.dst} ${flows[i]!.protocol}/${flows[i]!.port}: want ${wants[i]}, got ${t.verdict} (${t.reason})`,
            ],
      );
      expect(mismatches).toEqual([]);
      // Not vacuous: some subnets reach others.
      expect(wants).toContain("unknown");
    });

    it("the audit to the public probes says what the traces say, address by address", () => {
      const m = model(name);
      const conns = npguardConnectivity(name);
      const ports = PROBES.map((p) => `${p.protocol}/${p.protocol === "icmp" ? `${p.port}:0` : p.port}`).join(
        ",",
      );
      const r = runAudit(m, {
        ports: parsePorts(ports),
        portsText: ports,
        dest: parseDest(PUBLIC.join(",")),
        destText: PUBLIC.join(","),
      });
      const mismatches: string[] = [];
      let compared = 0;
      for (const e of r.results) {
        const src = formatIp(m.endpoints.find((x) => x.id === e.source.id)!.privateIps[0]!);
        // Every probe port the entry's range holds (ICMP: the echo request).
        const probePorts =
          e.protocol === "icmp"
            ? [8]
            : PROBES.filter(
                (p) => p.protocol === e.protocol && p.port >= e.portRange!.from && p.port <= e.portRange!.to,
              ).map((p) => p.port);
        for (const port of probePorts)
          for (const p of e.paths)
            for (const dst of p.destinations.map((c) => formatIp(parseCidr(c).min()!))) {
              const key = publicKey(conns.keys(), src, dst);
              const want = expectedVerdict(
                key === undefined ? [] : (conns.get(key) ?? []),
                e.protocol as "tcp",
                port,
              );
              compared++;
              if (p.verdict !== want)
                mismatches.push(
                  `${e.source.id} -> ${dst} ${e.protocol}/${port}: np-guard ${want}, audit ${p.verdict}`,
                );
            }
      }
      expect(mismatches).toEqual([]);
      // Every source, probe and public address once.
      expect(compared).toBe(m.endpoints.length * PROBES.length * PUBLIC.length);
    });
  },
);

/** One flow of an example, by source address. */
function trace(
  name: string,
  src: string,
  dst: string,
  protocol: Flow["protocol"],
  port?: number,
): TraceResult {
  const m = model(name);
  const ep = m.endpoints.find((e) => ipOf(e) === src)!;
  return runTrace(m, [{ src: ep.id, dst, protocol, ...(port === undefined ? {} : { port }) }])[0]!;
}

/** The resource id of the network ACL tagged with `name`. */
function aclNamed(m: NetworkModel, name: string): string {
  return [...m.filters.values()].find((f) => f.kind === "network-acl" && f.name === name)!.id;
}

// np-guard's explanations (fixtures/aws/npguard/explain): the resource that decides, as egress-audit names it.
describe("np-guard explanations", () => {
  it("nacl_blocking: p2 -> q2 is blocked at ingress by network ACL acl1's rule 32767 (`*`)", () => {
    const t = trace("aws_mixed", "10.240.2.28", "10.240.32.122", "tcp", 9080);
    expect(t.verdict).toBe("blocked");
    expect(t.blockedBy).toEqual({
      resource: aclNamed(model("aws_mixed"), "acl1"),
      kind: "network-acl",
      rule: "*",
    });
    expect(t.hops.map((h) => `${h.kind}:${h.action}`)).toEqual([
      "security-group:allow",
      "route-table:forward",
      "network-acl:allow",
      // The source subnet's network ACL would let the replies back in.
      "network-acl:allow",
      "network-acl:deny",
    ]);
  });

  it("to_external_private_subnet: app1 -> 161.26.0.0 is blocked at egress by security group GroupId:42", () => {
    const t = trace("aws_sg_1", "10.240.20.245", "161.26.0.0", "tcp", 443);
    expect(t).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "GroupId:42", kind: "security-group" },
    });
  });

  it("to_external_blocked_only_private_subnet: with GroupId:35 allowing it, the private subnet stops it", () => {
    // np-guard: "Egress to public internet is blocked since subnet application is private"; the
    // subnet's route table (here: no route to an internet gateway) says the same.
    const t = trace("aws_sg_1_allow_sg_private", "10.240.20.245", "161.26.0.0", "tcp", 443);
    expect(t.verdict).toBe("blocked");
    expect(t.blockedBy?.kind).toBe("route-table");
    expect(t.hops.map((h) => `${h.resource}:${h.action}`)[0]).toBe("GroupId:35:allow");
  });

  it("to_external_public_subnet: proxy -> 161.26.0.0 leaves through the internet gateway", () => {
    const t = trace("aws_sg_1", "10.240.10.42", "161.26.0.0", "udp", 53);
    expect(t).toMatchObject({ verdict: "allowed", exit: "internet" });
    expect(t.hops.map((h) => `${h.resource}:${h.action}`)).toContain("GroupId:35:allow");
  });

  it("same_subnet_partial_connection: q2 -> q1 is UDP only, and no network ACL is crossed", () => {
    expect(trace("aws_mixed", "10.240.32.122", "10.240.32.91", "udp", 53)).toMatchObject({
      verdict: "allowed",
    });
    const t = trace("aws_mixed", "10.240.32.122", "10.240.32.91", "tcp", 80);
    expect(t.verdict).toBe("blocked");
    expect(t.hops.some((h) => h.kind === "network-acl")).toBe(false);
  });

  it("subnet_to_subnet: r1 reaches q2 on tcp/9080 only, and q1 not at all", () => {
    expect(trace("aws_mixed", "10.240.48.198", "10.240.32.122", "tcp", 9080).verdict).toBe("allowed");
    expect(trace("aws_mixed", "10.240.48.198", "10.240.32.122", "tcp", 9081).verdict).toBe("blocked");
    for (const p of [9080, 53])
      expect(trace("aws_mixed", "10.240.48.198", "10.240.32.91", "tcp", p).verdict).toBe("blocked");
  });

  it("ip_to_ip: dashboard -> app2 carries every protocol", () => {
    for (const [protocol, port] of [
      ["tcp", 5432],
      ["udp", 514],
      ["icmp", 8],
    ] as const)
      expect(trace("aws_sg_1", "10.240.40.217", "10.240.20.43", protocol, port).verdict).toBe("allowed");
  });
});
