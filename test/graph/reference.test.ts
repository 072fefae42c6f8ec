// Table tests of the reference itself (expected answers written by hand from the semantics), and of the
// engine on the same cases.
import { describe, expect, it } from "vitest";
import { runAudit } from "../../src/core/audit.js";
import { parseDest, parsePorts } from "../../src/core/cli.js";
import { runTrace } from "../../src/core/trace.js";
import type { Filter, NetworkModel, Rule } from "../../src/model/types.js";
import { PacketSet, PORT_ALL, PROTO_ALL, IntervalSet } from "../../src/netset/index.js";
import { engineOutcome, formatOutcome, type Mode } from "./compare.js";
import {
  filterOf,
  handModel,
  ICMP,
  icmpType,
  ip,
  natOf,
  pkt,
  ports,
  route,
  rule,
  securityGroup,
  singlePacketQuery,
  TCP,
  UDP,
  via,
} from "./hand-models.js";
import { referenceOutcome, replyRulesOf, type Packet, type RefOutcome } from "./reference.js";

const GRE = IntervalSet.point(47n);

interface Case {
  name: string;
  setup?: (m: NetworkModel) => void;
  from: "eni-pub" | "eni-priv";
  packet: Packet;
  expect: Omit<RefOutcome, "why">;
  /** What an audit says where it differs (it does not evaluate destination hosts' own filters). */
  audit?: Omit<RefOutcome, "why">;
}

const allowedInternet = (egressIp: string): Case["expect"] => ({
  verdict: "allowed",
  exit: "internet",
  egressIp,
  blockedBy: null,
});
const unknownVerdict: Case["expect"] = { verdict: "unknown", exit: null, egressIp: null, blockedBy: null };
const blockedBy = (resource: string, kind: string, rule: string | null): Case["expect"] => ({
  verdict: "blocked",
  exit: null,
  egressIp: null,
  blockedBy: { resource, kind, rule },
});

const TO_GOOGLE = pkt(6, 443, "8.8.8.8");
const TO_GOOGLE_V6 = pkt(6, 443, "2001:4860:4860::8888");

const CASES: Case[] = [
  // --- internet gateway
  {
    name: "baseline: tcp 443 leaves with the public IP",
    from: "eni-pub",
    packet: TO_GOOGLE,
    expect: allowedInternet("54.0.0.1"),
  },
  {
    name: "IPv6 leaves with the source's own address",
    from: "eni-pub",
    packet: TO_GOOGLE_V6,
    expect: allowedInternet("2600:1f00::4"),
  },
  {
    name: "IPv6 documentation space is not the internet",
    from: "eni-pub",
    packet: pkt(6, 443, "2001:db8::1"),
    expect: blockedBy("igw-1", "internet-gateway", null),
  },
  {
    name: "private IPv4 destination through the internet gateway",
    from: "eni-pub",
    packet: pkt(6, 443, "192.168.1.1"),
    expect: blockedBy("igw-1", "internet-gateway", null),
  },
  {
    name: "no public IPv4 for the source",
    setup: (m) => {
      const g = m.gateways.get("igw-1");
      if (g?.kind === "internet") g.publicIpOf.delete(ip("10.0.0.4"));
    },
    from: "eni-pub",
    packet: TO_GOOGLE,
    expect: blockedBy("igw-1", "internet-gateway", null),
  },
  {
    name: "no IPv6 source address",
    from: "eni-priv",
    packet: TO_GOOGLE_V6,
    expect: blockedBy("eni-priv", "network-interface", null),
  },
  {
    name: "egress-only gateway refuses IPv4",
    setup: (m) => {
      m.gateways.set("eigw-1", {
        id: "eigw-1",
        kind: "egress-only-internet",
        networkId: "vpc-1",
        ref: { resource: "eigw-1", kind: "egress-only-internet-gateway", rule: null },
      });
      m.routeTables.get("rtb-pub")!.routes.push(route("rtb-pub", "8.8.8.0/29", via("eigw-1")));
    },
    from: "eni-pub",
    packet: pkt(6, 443, "8.8.8.1"),
    expect: blockedBy("eigw-1", "egress-only-internet-gateway", null),
  },
  // --- stateless boundary filters and their replies
  {
    name: "forward packet denied by a NACL egress rule",
    setup: (m) => {
      const f = filterOf(m, "acl-pub");
      f.egress.unshift(rule(f, "out", 10, "deny", TCP, ports(443, 443), "8.8.8.0/24"));
    },
    from: "eni-pub",
    packet: TO_GOOGLE,
    expect: blockedBy("acl-pub", "network-acl", "out-10"),
  },
  {
    name: "every reply denied: the deciding rule first in rule order names the block",
    setup: (m) => {
      const f = filterOf(m, "acl-pub");
      f.ingress = [
        rule(f, "in", 10, "allow", TCP, ports(0, 2), "any"),
        rule(f, "in", 20, "deny", TCP, ports(5, 6), "any"),
        rule(f, "in", 30, "deny", TCP, ports(3, 4), "any"),
        ...f.ingress,
      ];
    },
    from: "eni-pub",
    packet: TO_GOOGLE,
    expect: blockedBy("acl-pub", "network-acl", "in-20"),
  },
  {
    name: "some replies denied: unknown, leaving by the exit the packets take",
    setup: (m) => {
      const f = filterOf(m, "acl-pub");
      f.ingress.unshift(rule(f, "in", 10, "deny", TCP, ports(3, 4), "any"));
    },
    from: "eni-pub",
    packet: TO_GOOGLE,
    expect: { ...unknownVerdict, exit: "internet" },
  },
  {
    name: "replies fall to the default deny",
    setup: (m) => (filterOf(m, "acl-pub").ingress = []),
    from: "eni-pub",
    packet: TO_GOOGLE,
    expect: blockedBy("acl-pub", "network-acl", "*"),
  },
  {
    name: "a deny rule deciding some replies comes before the default deciding the others",
    setup: (m) => {
      const f = filterOf(m, "acl-pub");
      f.ingress = [rule(f, "in", 10, "deny", TCP, ports(5, 6), "any")];
    },
    from: "eni-pub",
    packet: TO_GOOGLE,
    expect: blockedBy("acl-pub", "network-acl", "in-10"),
  },
  {
    name: "a stateful boundary filter does not check replies",
    setup: (m) => {
      const f = filterOf(m, "acl-pub");
      f.stateful = true;
      f.ingress = [];
    },
    from: "eni-pub",
    packet: TO_GOOGLE,
    expect: allowedInternet("54.0.0.1"),
  },
  {
    name: "ICMP echo request needs the echo reply",
    setup: (m) => {
      const f = filterOf(m, "acl-pub");
      f.ingress.unshift(rule(f, "in", 10, "deny", ICMP, icmpType(0), "any"));
    },
    from: "eni-pub",
    packet: pkt(1, 8 * 256, "8.8.8.8"),
    expect: blockedBy("acl-pub", "network-acl", "in-10"),
  },
  {
    name: "ICMP without a reply passes whatever the reply rules say",
    setup: (m) => (filterOf(m, "acl-pub").ingress = []),
    from: "eni-pub",
    packet: pkt(1, 3 * 256 + 1, "8.8.8.8"),
    expect: allowedInternet("54.0.0.1"),
  },
  {
    name: "a protocol without ports has one reply",
    setup: (m) => {
      const f = filterOf(m, "acl-pub");
      f.ingress.unshift(rule(f, "in", 10, "deny", GRE, PORT_ALL, "8.8.8.8/32"));
    },
    from: "eni-pub",
    packet: pkt(47, 0, "8.8.8.8"),
    expect: blockedBy("acl-pub", "network-acl", "in-10"),
  },
  // --- local delivery
  {
    // Crossing the boundary would meet acl-pub's emptied egress rules and be blocked there. No
    // interface has 10.0.0.5: whether anything answers there cannot be told.
    name: "same subnet: no boundary crossing, to an address no interface has (unknown)",
    setup: (m) => (filterOf(m, "acl-pub").egress = []),
    from: "eni-pub",
    packet: pkt(6, 22, "10.0.0.5"),
    expect: { verdict: "unknown", exit: "private", egressIp: null, blockedBy: null },
  },
  {
    name: "another subnet: entry denied by its ingress rules (peer = source)",
    setup: (m) => {
      const f = filterOf(m, "acl-priv");
      f.ingress.unshift(rule(f, "in", 10, "deny", PROTO_ALL, PORT_ALL, "10.0.0.0/26"));
    },
    from: "eni-pub",
    packet: pkt(6, 22, "10.0.0.68"),
    expect: blockedBy("acl-priv", "network-acl", "in-10"),
  },
  {
    name: "another subnet: replies leave it through its egress rules",
    setup: (m) => {
      const f = filterOf(m, "acl-priv");
      f.egress.unshift(rule(f, "out", 10, "deny", TCP, ports(3, 6), "10.0.0.4/32"));
      const sg = filterOf(m, "sg-all");
      sg.ingress.push(rule(sg, "in", 1, "allow", TCP, ports(22, 22), "any"));
    },
    from: "eni-pub",
    packet: pkt(6, 22, "10.0.0.68"),
    expect: blockedBy("acl-priv", "network-acl", "out-10"),
  },
  {
    name: "... unless the request stops first: the destination host's own filters decide, not its replies",
    setup: (m) => {
      const f = filterOf(m, "acl-priv");
      f.egress.unshift(rule(f, "out", 10, "deny", TCP, ports(3, 6), "10.0.0.4/32"));
    },
    from: "eni-pub",
    packet: pkt(6, 22, "10.0.0.68"),
    expect: blockedBy("sg-all", "security-group", null),
    // Where the host's filters are not evaluated, the request may get through: the replies decide.
    audit: blockedBy("acl-priv", "network-acl", "out-10"),
  },
  {
    name: "VPC address in no subnet",
    from: "eni-pub",
    packet: pkt(6, 22, "10.0.0.200"),
    expect: blockedBy("vpc-1", "vpc", null),
  },
  // --- routes
  {
    name: "blackhole route",
    setup: (m) =>
      m.routeTables
        .get("rtb-pub")!
        .routes.push(route("rtb-pub", "8.8.8.0/30", { kind: "blackhole", targetId: null })),
    from: "eni-pub",
    packet: pkt(6, 443, "8.8.8.1"),
    expect: blockedBy("rtb-pub", "route-table", "8.8.8.0/30"),
  },
  {
    name: "a blackhole for other addresses does not matter",
    setup: (m) =>
      m.routeTables
        .get("rtb-pub")!
        .routes.push(route("rtb-pub", "8.8.8.0/30", { kind: "blackhole", targetId: null })),
    from: "eni-pub",
    packet: TO_GOOGLE,
    expect: allowedInternet("54.0.0.1"),
  },
  {
    name: "the longer prefix beats a higher preference",
    setup: (m) =>
      m.routeTables
        .get("rtb-pub")!
        .routes.push(
          route("rtb-pub", "8.8.8.0/24", { kind: "blackhole", targetId: null }, 5),
          route("rtb-pub", "8.8.8.0/29", via("tgw-1"), 0),
        ),
    from: "eni-pub",
    packet: pkt(6, 443, "8.8.8.1"),
    expect: { verdict: "unknown", exit: "vpn", egressIp: null, blockedBy: null },
  },
  {
    name: "equal prefixes: the higher preference wins",
    setup: (m) => {
      const blackhole = route("rtb-pub", "8.8.8.0/29", { kind: "blackhole", targetId: null }, 2);
      blackhole.ref = { ...blackhole.ref, rule: "8.8.8.0/29 blackhole" };
      m.routeTables.get("rtb-pub")!.routes.push(route("rtb-pub", "8.8.8.0/29", via("tgw-1"), 1), blackhole);
    },
    from: "eni-pub",
    packet: pkt(6, 443, "8.8.8.1"),
    expect: blockedBy("rtb-pub", "route-table", "8.8.8.0/29 blackhole"),
  },
  {
    name: "no route",
    setup: (m) => {
      const t = m.routeTables.get("rtb-priv")!;
      t.routes = t.routes.filter((x) => x.ref.rule !== "0.0.0.0/0");
    },
    from: "eni-priv",
    packet: TO_GOOGLE,
    expect: blockedBy("rtb-priv", "route-table", null),
  },
  {
    name: "route to a gateway that is not in the model",
    setup: (m) => m.routeTables.get("rtb-pub")!.routes.push(route("rtb-pub", "8.8.8.0/29", via("gw-gone"))),
    from: "eni-pub",
    packet: pkt(6, 443, "8.8.8.1"),
    expect: unknownVerdict,
  },
  {
    name: "route table not in the model",
    setup: (m) => (m.subnets.get("subnet-pub")!.routeTableId = "rtb-gone"),
    from: "eni-pub",
    packet: TO_GOOGLE,
    expect: unknownVerdict,
  },
  // --- exits
  {
    name: "exit gateway: what lies beyond is unknown",
    from: "eni-priv",
    packet: pkt(6, 443, "192.168.1.1"),
    expect: { verdict: "unknown", exit: "vpn", egressIp: null, blockedBy: null },
  },
  {
    name: "exit gateway that reaches its destination",
    setup: (m) => {
      const g = m.gateways.get("tgw-1");
      if (g?.kind === "exit") g.reaches = true;
    },
    from: "eni-priv",
    packet: pkt(6, 443, "192.168.1.1"),
    expect: { verdict: "allowed", exit: "vpn", egressIp: null, blockedBy: null },
  },
  // --- NAT
  {
    name: "public NAT: leaves with the NAT's public IP",
    from: "eni-priv",
    packet: TO_GOOGLE,
    expect: allowedInternet("54.0.0.10"),
  },
  {
    name: "private NAT cannot reach the internet",
    setup: (m) => (natOf(m, "nat-1").connectivity = "private"),
    from: "eni-priv",
    packet: TO_GOOGLE,
    expect: blockedBy("nat-1", "nat-gateway", null),
  },
  {
    name: "replies to the NAT use the NAT's ephemeral ports",
    setup: (m) => {
      const f = filterOf(m, "acl-pub");
      f.ingress.unshift(rule(f, "in", 10, "deny", TCP, ports(20, 21), "any"));
    },
    from: "eni-priv",
    packet: TO_GOOGLE,
    expect: blockedBy("acl-pub", "network-acl", "in-10"),
  },
  {
    name: "... which do not concern a direct sender",
    setup: (m) => {
      const f = filterOf(m, "acl-pub");
      f.ingress.unshift(rule(f, "in", 10, "deny", TCP, ports(20, 21), "any"));
    },
    from: "eni-pub",
    packet: TO_GOOGLE,
    expect: allowedInternet("54.0.0.1"),
  },
  {
    name: "NAT: entering its subnet is judged with the original source",
    setup: (m) => {
      const f = filterOf(m, "acl-pub");
      f.ingress.unshift(rule(f, "in", 10, "deny", TCP, PORT_ALL, "10.0.0.68/32"));
    },
    from: "eni-priv",
    packet: TO_GOOGLE,
    expect: blockedBy("acl-pub", "network-acl", "in-10"),
  },
  {
    name: "NAT does not translate IPv6",
    setup: (m) => {
      m.endpoints.find((e) => e.id === "eni-priv")!.ipv6 = [ip("2600:1f00:0:1::4")];
      m.routeTables.get("rtb-priv")!.routes.push(route("rtb-priv", "::/0", via("nat-1")));
    },
    from: "eni-priv",
    packet: TO_GOOGLE_V6,
    expect: blockedBy("nat-1", "nat-gateway", null),
  },
  {
    name: "NAT does not translate other protocols",
    from: "eni-priv",
    packet: pkt(47, 0, "8.8.8.8"),
    expect: blockedBy("nat-1", "nat-gateway", null),
  },
  {
    name: "unusable NAT",
    setup: (m) => (natOf(m, "nat-1").unusable = "state failed"),
    from: "eni-priv",
    packet: TO_GOOGLE,
    expect: blockedBy("nat-1", "nat-gateway", null),
  },
  {
    name: "NAT loop",
    setup: (m) => {
      const t = m.routeTables.get("rtb-pub")!;
      t.routes = t.routes.map((x) =>
        x.ref.rule === "0.0.0.0/0" ? route("rtb-pub", "0.0.0.0/0", via("nat-1")) : x,
      );
    },
    from: "eni-pub",
    packet: TO_GOOGLE,
    expect: blockedBy("nat-1", "nat-gateway", null),
  },
  // --- endpoint filters
  {
    name: "no security group allows it: all union filters named",
    setup: (m) => {
      const a = securityGroup("sg-a");
      a.egress.push(rule(a, "out", 1, "allow", TCP, ports(80, 80), "any"));
      const b = securityGroup("sg-b");
      b.egress.push(rule(b, "out", 1, "allow", UDP, ports(53, 53), "any"));
      m.filters.set("sg-a", a);
      m.filters.set("sg-b", b);
      m.endpoints.find((e) => e.id === "eni-pub")!.filterIds = ["sg-b", "sg-a"];
    },
    from: "eni-pub",
    packet: TO_GOOGLE,
    expect: blockedBy("sg-b, sg-a", "security-group", null),
  },
  {
    name: "an unresolved rule that a resolved rule overrides",
    setup: (m) => {
      const a = securityGroup("sg-a");
      a.egress.push({
        ...rule(a, "out", 1, "allow", TCP, ports(443, 443), "any"),
        unresolved: "pl-1 missing",
      });
      m.filters.set("sg-a", a);
      m.endpoints.find((e) => e.id === "eni-pub")!.filterIds = ["sg-a", "sg-all"];
    },
    from: "eni-pub",
    packet: TO_GOOGLE,
    expect: allowedInternet("54.0.0.1"),
  },
  {
    name: "a first-match endpoint filter after the union",
    setup: (m) => {
      const n = {
        ...securityGroup("nsg-1"),
        kind: "network-security-group",
        semantics: "first-match" as const,
      };
      n.defaultRef = { resource: "nsg-1", kind: "network-security-group", rule: "default" };
      n.egress.push(rule(n, "out", 10, "deny", TCP, ports(443, 443), "any"));
      m.filters.set("nsg-1", n);
      m.endpoints.find((e) => e.id === "eni-pub")!.filterIds = ["nsg-1", "sg-all"];
    },
    from: "eni-pub",
    packet: TO_GOOGLE,
    expect: blockedBy("nsg-1", "network-security-group", "out-10"),
  },
  {
    name: "a first-match endpoint filter without a matching rule: its default",
    setup: (m) => {
      const n = {
        ...securityGroup("nsg-1"),
        kind: "network-security-group",
        semantics: "first-match" as const,
      };
      n.defaultRef = { resource: "nsg-1", kind: "network-security-group", rule: "default" };
      m.filters.set("nsg-1", n);
      m.endpoints.find((e) => e.id === "eni-pub")!.filterIds = ["sg-all", "nsg-1"];
    },
    from: "eni-pub",
    packet: TO_GOOGLE,
    expect: blockedBy("nsg-1", "network-security-group", "default"),
  },
  {
    name: "endpoint filter not in the model",
    setup: (m) => m.endpoints.find((e) => e.id === "eni-pub")!.filterIds.push("sg-gone"),
    from: "eni-pub",
    packet: TO_GOOGLE,
    expect: unknownVerdict,
  },
  {
    name: "unreadable boundary filter",
    setup: (m) => (filterOf(m, "acl-pub").unknown = "could not be read"),
    from: "eni-pub",
    packet: TO_GOOGLE,
    expect: unknownVerdict,
  },
  {
    name: "endpoint subnet not in the model",
    setup: (m) => (m.endpoints.find((e) => e.id === "eni-pub")!.subnetId = "subnet-gone"),
    from: "eni-pub",
    packet: TO_GOOGLE,
    expect: unknownVerdict,
  },
];

function prepare(c: Case): NetworkModel {
  const m = handModel();
  c.setup?.(m);
  return m;
}

function withoutWhy(o: RefOutcome | string): Omit<RefOutcome, "why"> | string {
  if (typeof o === "string") return o;
  return { verdict: o.verdict, exit: o.exit, egressIp: o.egressIp, blockedBy: o.blockedBy };
}

describe("the reference on hand-written cases", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const m = prepare(c);
    const ep = m.endpoints.find((e) => e.id === c.from)!;
    expect(withoutWhy(referenceOutcome(m, ep, c.packet))).toEqual(c.expect);
  });
});

describe("the engine on the same cases", () => {
  const rows = CASES.flatMap((c) =>
    (["detail", "audit"] as const).map((mode) => [`${c.name} [${mode}]`, c, mode] as const),
  );
  it.each(rows)("%s", (_name, c, mode: Mode) => {
    const m = prepare(c);
    const ep = m.endpoints.find((e) => e.id === c.from)!;
    const got = engineOutcome(m, ep, c.packet, mode, { query: singlePacketQuery(c.packet) });
    expect(withoutWhy(got), formatOutcome(got)).toEqual(mode === "audit" ? (c.audit ?? c.expect) : c.expect);
  });
});

// An `unresolved` security-group rule makes the packets it alone would allow `unknown` (model/types.ts:
// "packets it would decide become `unknown`"), never blocked by the security group.
describe("unresolved security-group rules", () => {
  const setup = (m: NetworkModel): void => {
    const a = securityGroup("sg-a");
    a.egress.push({ ...rule(a, "out", 1, "allow", TCP, ports(443, 443), "any"), unresolved: "pl-1 missing" });
    m.filters.set("sg-a", a);
    m.endpoints.find((e) => e.id === "eni-pub")!.filterIds = ["sg-a"];
  };
  it("reference: only an unresolved rule matches -> unknown", () => {
    const m = handModel();
    setup(m);
    expect(withoutWhy(referenceOutcome(m, m.endpoints[0]!, TO_GOOGLE))).toEqual(unknownVerdict);
  });
  it("a trace of such packets ends at the group: it names no rule further on (nor one replies meet)", () => {
    const m = handModel();
    setup(m);
    const ref = replyRulesOf(m, m.endpoints[0]!, TO_GOOGLE);
    expect(ref.replyRules).toEqual([]);
    const t = runTrace(m, [{ src: "eni-pub", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!;
    expect(t.hops.map((h) => `${h.resource} ${h.action}`)).toEqual(["sg-a deny"]);
  });
  it.each(["detail", "audit"] as const)("engine [%s]: only an unresolved rule matches -> unknown", (mode) => {
    const m = handModel();
    setup(m);
    const got = engineOutcome(m, m.endpoints[0]!, TO_GOOGLE, mode, { query: singlePacketQuery(TO_GOOGLE) });
    expect(withoutWhy(got), formatOutcome(got)).toEqual(unknownVerdict);
  });
});

// The egress IP comes from the internet gateway the packet leaves through, not from whichever gateway
// the endpoint's network has (an earlier engine got this wrong with two gateways, or one without a
// network). AWS data cannot produce these models, other providers and hand-made ones can.
describe("the egress IP comes from the internet gateway taken", () => {
  const variants = [
    ["a second internet gateway in the same network", "vpc-1"],
    ["an internet gateway without a network", null],
  ] as const;
  const setup = (networkId: string | null): NetworkModel => {
    const m = handModel();
    m.gateways.set("igw-2", {
      id: "igw-2",
      kind: "internet",
      networkId,
      ref: { resource: "igw-2", kind: "internet-gateway", rule: null },
      publicIpOf: new Map([[ip("10.0.0.4"), ip("54.0.0.99")]]),
    });
    m.routeTables.get("rtb-pub")!.routes.push(route("rtb-pub", "8.8.8.0/30", via("igw-2")));
    return m;
  };
  const packet = pkt(6, 443, "8.8.8.1");
  it.each(variants)("reference: %s", (_name, networkId) => {
    const m = setup(networkId);
    expect(withoutWhy(referenceOutcome(m, m.endpoints[0]!, packet))).toEqual(allowedInternet("54.0.0.99"));
  });
  const engineRows = variants.flatMap(([name, networkId]) =>
    (["detail", "audit"] as const).map((mode) => [`${name} [${mode}]`, networkId, mode] as const),
  );
  it.each(engineRows)("engine: %s", (_name, networkId, mode) => {
    const m = setup(networkId);
    const got = engineOutcome(m, m.endpoints[0]!, packet, mode, { query: singlePacketQuery(packet) });
    expect(withoutWhy(got), formatOutcome(got)).toEqual(allowedInternet("54.0.0.99"));
  });
});

// Subnet boundaries are shared between sources that their rules do not tell apart (Boundaries.peerKey).
// A rule whose cubes name different peers (AWS cannot spell one, other providers can) tells apart
// sources that are each in only one of them.
describe("a network ACL rule with a different peer per port", () => {
  it("decides each source by the peer its own address is in, in one audit", () => {
    const m = handModel();
    const acl = filterOf(m, "acl-pub");
    acl.ingress.unshift({
      match: PacketSet.cube(
        TCP,
        ports(80, 80),
        IntervalSet.fromRanges([[ip("10.0.0.64"), ip("10.0.0.95")]]),
      ).union(
        PacketSet.cube(TCP, ports(81, 81), IntervalSet.fromRanges([[ip("10.0.0.96"), ip("10.0.0.127")]])),
      ),
      action: "deny",
      ref: { resource: "acl-pub", kind: "network-acl", rule: "in-50" },
    });
    const priv = m.endpoints.find((e) => e.id === "eni-priv")!;
    m.endpoints.push({ ...priv, id: "eni-priv2", privateIps: [ip("10.0.0.100")] });
    const r = runAudit(m, {
      ports: parsePorts("tcp/80-81"),
      portsText: "tcp/80-81",
      dest: parseDest("10.0.0.4/32"),
      destText: "10.0.0.4/32",
      sources: m.endpoints.filter((e) => e.subnetId === "subnet-priv"),
    });
    expect(r.results.map((e) => [e.source.id, e.ports, e.verdict, e.blockedBy?.rule ?? null])).toEqual([
      ["eni-priv", "80", "blocked", "in-50"],
      ["eni-priv", "81", "unknown", null],
      ["eni-priv2", "80", "unknown", null],
      ["eni-priv2", "81", "blocked", "in-50"],
    ]);
  });
});

it("hand-models: the single-packet query holds exactly the packet", () => {
  const q = singlePacketQuery(TO_GOOGLE);
  expect(q.contains(6, 443, ip("8.8.8.8"))).toBe(true);
  expect(q.equals(PacketSet.cube(TCP, ports(443, 443), IntervalSet.point(ip("8.8.8.8"))))).toBe(true);
});

// A stateless filter of union semantics (no AWS network ACL is one; other providers' and hand-made
// models can have them) reads replies as it reads requests: any allow rule lets a packet through,
// whatever rule comes before it, deny rules count for nothing, and a rule whose match is in doubt
// decides only where no other allows. A trace names the first allowing rule (in rule order) in both
// directions, as for security groups.
describe("a stateless filter with union semantics", () => {
  const TO_GOOGLE_FLOW = { src: "eni-pub", dst: "8.8.8.8", protocol: "tcp", port: 443 };
  /** acl-pub of union semantics, with the rules `rules` makes for it: [egress, ingress]. */
  const unionAcl = (m: NetworkModel, rules: (f: Filter) => [Rule[], Rule[]]): void => {
    const f = filterOf(m, "acl-pub");
    f.semantics = "union";
    [f.egress, f.ingress] = rules(f);
  };
  const out443 = (f: Filter): Rule => rule(f, "out", 1, "allow", TCP, ports(443, 443), "any");
  const cases: {
    name: string;
    setup: (m: NetworkModel) => void;
    expect: Case["expect"];
    replies: string[];
  }[] = [
    {
      name: "replies: a rule in doubt before one that allows them does not decide",
      setup: (m) =>
        unionAcl(m, (f) => [
          [out443(f)],
          [
            { ...rule(f, "in", 1, "allow", TCP, PORT_ALL, "any"), unresolved: "pl-1 missing" },
            rule(f, "in", 2, "allow", TCP, PORT_ALL, "any"),
            rule(f, "in", 3, "allow", TCP, PORT_ALL, "8.8.8.0/24"),
          ],
        ]),
      expect: allowedInternet("54.0.0.1"),
      replies: ["acl-pub out allow in-2"],
    },
    {
      name: "replies: a deny rule counts for nothing",
      setup: (m) =>
        unionAcl(m, (f) => [
          [out443(f)],
          [rule(f, "in", 1, "deny", TCP, PORT_ALL, "any"), rule(f, "in", 2, "allow", TCP, PORT_ALL, "any")],
        ]),
      expect: allowedInternet("54.0.0.1"),
      replies: ["acl-pub out allow in-2"],
    },
    {
      name: "requests: only a rule in doubt allows them: unknown there",
      setup: (m) =>
        unionAcl(m, (f) => [
          [{ ...out443(f), unresolved: "pl-1 missing" }],
          [rule(f, "in", 1, "allow", TCP, PORT_ALL, "any")],
        ]),
      expect: unknownVerdict,
      replies: [],
    },
  ];
  it.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const m = handModel();
    c.setup(m);
    const ep = m.endpoints.find((e) => e.id === "eni-pub")!;
    const ref = replyRulesOf(m, ep, TO_GOOGLE);
    expect(withoutWhy(ref.outcome)).toEqual(c.expect);
    expect(ref.replyRules).toEqual(c.replies);
    for (const mode of ["detail", "audit"] as const) {
      const got = engineOutcome(m, ep, TO_GOOGLE, mode, { query: singlePacketQuery(TO_GOOGLE) });
      expect(withoutWhy(got), `${mode}: ${formatOutcome(got)}`).toEqual(c.expect);
    }
    const t = runTrace(m, [TO_GOOGLE_FLOW])[0]!;
    const named = t.hops
      .filter((h) => h.resource === "acl-pub" && h.detail.startsWith("inbound ("))
      .map((h) => `acl-pub out ${h.action} ${h.rule}`);
    expect(named).toEqual(c.replies);
  });
});
