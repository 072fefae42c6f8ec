// Converters on tiny describe-* JSON: what each AWS resource becomes in the neutral model.
import type { SourceDocument } from "../../../src/model/document.js";
import { describe, expect, it } from "vitest";
import {
  cidrSet,
  icmpTypeCode,
  IntervalSet,
  parseCidr,
  parseIp,
  PacketSet,
  PROTO,
  toCidrs,
} from "../../../src/netset/index.js";
import { cidrsOf, runAudit } from "../../../src/core/audit.js";
import { parseDest, parsePorts } from "../../../src/core/cli.js";
import { runTrace } from "../../../src/core/trace.js";
import { renderTraceText } from "../../../src/report/text.js";
import { awsModel } from "../../../src/providers/aws/index.js";
import { InputError } from "../../../src/model/errors.js";
import { AskedMissing, noteMissing } from "../../../src/model/missing.js";
import { ANY_CLIENT_PORTS, type NetworkModel, type Route } from "../../../src/model/types.js";
import {
  docsOf,
  eni,
  ownWarnings,
  privateRoutes,
  publicRoutes,
  deniedGap,
  setAcl,
  tinyVpc,
  tinyVpcWithInstance,
  type Docs,
} from "./tiny-vpc.js";
import { MANAGED_SENDERS, NOT_SENDERS } from "./raw-reference.js";

const model = (d: Docs): NetworkModel => awsModel(docsOf(d), "test");
const p = (n: number) => IntervalSet.point(BigInt(n));
const ip = (s: string) => parseIp(s);
/** A route's gateway, or the kind of its target when that is no gateway. */
/** Sets `key` of `item` to `value`, deleting it for undefined. */
const setKey = (item: unknown, key: string, value: unknown) => {
  const o = item as Record<string, unknown>;
  if (value === undefined) delete o[key];
  else o[key] = value;
};
const targetOf = (r: Route) => (r.target.kind === "gateway" ? r.target.gatewayId : r.target.kind);

describe("security groups", () => {
  it("expand every permission and peer into allow rules with the right protocol and port sets", () => {
    const d = tinyVpc();
    d.ManagedPrefixLists = [
      { PrefixListId: "pl-1", PrefixListName: "partners", Entries: [{ Cidr: "203.0.113.0/24" }] },
    ];
    d.SecurityGroups!.push({
      GroupId: "sg-x",
      IpPermissionsEgress: [
        {
          IpProtocol: "tcp",
          FromPort: 443,
          ToPort: 443,
          IpRanges: [{ CidrIp: "0.0.0.0/0", Description: "https" }],
          Ipv6Ranges: [{ CidrIpv6: "::/0" }],
        },
        { IpProtocol: "icmp", FromPort: 8, ToPort: -1, IpRanges: [{ CidrIp: "10.0.0.0/8" }] },
        { IpProtocol: "50", FromPort: 1, ToPort: 2, IpRanges: [{ CidrIp: "192.0.2.0/24" }] },
        {
          IpProtocol: "udp",
          FromPort: 53,
          ToPort: 53,
          PrefixListIds: [{ PrefixListId: "pl-1" }, { PrefixListId: "pl-missing" }],
        },
        {
          IpProtocol: "tcp",
          FromPort: 5432,
          ToPort: 5432,
          UserIdGroupPairs: [{ GroupId: "sg-all" }, { GroupId: "sg-elsewhere" }],
        },
      ],
    });
    const f = model(d).filters.get("sg-x")!;
    expect(f).toMatchObject({ semantics: "union", stateful: true, kind: "security-group" });
    expect(f.egress.map((r) => r.ref.rule)).toEqual(["https", "#2", "#3", "#4", "#5", "#6", "#7", "#8"]);
    expect(f.egress[0]!.match.equals(PacketSet.cube(p(PROTO.TCP), p(443), parseCidr("0.0.0.0/0")))).toBe(
      true,
    );
    expect(f.egress[1]!.match.equals(PacketSet.cube(p(PROTO.TCP), p(443), parseCidr("::/0")))).toBe(true);
    expect(
      f.egress[2]!.match.equals(PacketSet.cube(p(PROTO.ICMP), icmpTypeCode(8), parseCidr("10.0.0.0/8"))),
    ).toBe(true);
    // AWS ignores ports for protocols other than TCP/UDP/ICMP.
    expect(
      f.egress[3]!.match.equals(PacketSet.of({ protocols: p(50), ips: parseCidr("192.0.2.0/24") })),
    ).toBe(true);
    expect(f.egress[4]!.match.equals(PacketSet.cube(p(PROTO.UDP), p(53), parseCidr("203.0.113.0/24")))).toBe(
      true,
    );
    expect(f.egress[5]!.unresolved).toMatch(/prefix list pl-missing/);
    // A group reference matches its members' private addresses: both interfaces carry sg-all.
    expect(
      f.egress[6]!.match.ips().equals(
        IntervalSet.point(ip("10.0.0.10")).union(IntervalSet.point(ip("10.0.1.10"))),
      ),
    ).toBe(true);
    expect(f.egress[7]!.unresolved).toMatch(/members of sg-elsewhere/);
    expect(f.egress[7]!.match.ips().contains(ip("8.8.8.8"))).toBe(false);
  });
});

describe("security group references without describe-network-interfaces", () => {
  it("match the instances' interfaces surely, and leave the group's other possible members unknown", () => {
    const d = tinyVpc();
    const [app, web] = d.NetworkInterfaces as { Groups: { GroupId: string }[] }[];
    app!.Groups = [{ GroupId: "sg-ref" }];
    (d.SecurityGroups![0] as { IpPermissions: object[] }).IpPermissions = [
      { IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: "10.0.0.0/16" }] },
    ];
    web!.Groups = [{ GroupId: "sg-all" }];
    d.Reservations = [
      {
        Instances: (d.NetworkInterfaces as { NetworkInterfaceId: string }[]).map((eni) => ({
          InstanceId: `i-${eni.NetworkInterfaceId}`,
          State: { Name: "running" },
          NetworkInterfaces: [eni],
        })),
      },
    ];
    d.SecurityGroups!.push({
      GroupId: "sg-ref",
      VpcId: "vpc-1",
      IpPermissions: [],
      IpPermissionsEgress: [
        { IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: "sg-all" }] },
      ],
    });
    const withEnis = model(d);
    delete d.NetworkInterfaces;
    const m = model(d);
    const flow = (dst: string) => runTrace(m, [{ src: "eni-app", dst, protocol: "tcp", port: 5432 }])[0]!;
    // The known member: allowed; another address a member could have (an RDS interface, say): unknown.
    expect(flow("10.0.0.10")).toMatchObject({ verdict: "allowed" });
    expect(flow("10.0.0.99").verdict).toBe("unknown");
    expect(flow("10.0.0.99").reason).toMatch(
      /the members of sg-all referenced by sg-ref other than instances' interfaces are not in the input/,
    );
    // A group reference never opens the internet.
    expect(flow("8.8.8.8")).toMatchObject({ verdict: "blocked", blockedBy: { resource: "sg-ref" } });
    // With describe-network-interfaces, the members in the input are all of them.
    const all = runTrace(withEnis, [{ src: "eni-app", dst: "10.0.0.99", protocol: "tcp", port: 5432 }])[0]!;
    expect(all).toMatchObject({ verdict: "blocked", blockedBy: { resource: "sg-ref" } });
    expect(m.filters.get("sg-ref")!.egress.map((r) => r.ref.rule)).toEqual(["#1", "#1"]);
  });
});

describe("network ACLs", () => {
  it("an entry numbered as AWS never numbers one is unresolved, with a warning, never named `*`", () => {
    for (const n of [0, -5, 1.5, 40000]) {
      const d = tinyVpc();
      setAcl(d, "acl-priv", [
        { CidrBlock: "0.0.0.0/0", Egress: true, Protocol: "-1", RuleAction: "allow", RuleNumber: n },
        { CidrBlock: "0.0.0.0/0", Egress: false, Protocol: "-1", RuleAction: "allow", RuleNumber: 100 },
      ]);
      const m = model(d);
      const entry = m.filters.get("acl-priv")!.egress.find((r) => r.ref.rule === String(n));
      expect(entry!.unresolved).toMatch(new RegExp(`rule number ${n} is not one AWS gives`));
      expect(m.warnings.map((w) => w.resource)).toContain("acl-priv");
      const t = runTrace(model(d), [{ src: "eni-app", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!;
      // Placed by its number all the same: one after the `*` entries is never reached.
      expect(t.verdict).toBe(n > 32768 ? "blocked" : "unknown");
    }
  });

  it("order entries by rule number per direction, name the default `*`, and read ICMP type/code", () => {
    const d = tinyVpc();
    setAcl(d, "acl-priv", [
      {
        CidrBlock: "0.0.0.0/0",
        Egress: true,
        Protocol: "6",
        RuleAction: "allow",
        RuleNumber: 200,
        PortRange: { From: 443, To: 443 },
      },
      { CidrBlock: "192.0.2.0/24", Egress: true, Protocol: "-1", RuleAction: "deny", RuleNumber: 100 },
      {
        CidrBlock: "0.0.0.0/0",
        Egress: false,
        Protocol: "1",
        RuleAction: "allow",
        RuleNumber: 100,
        IcmpTypeCode: { Type: 0, Code: -1 },
      },
    ]);
    const f = model(d).filters.get("acl-priv")!;
    expect(f).toMatchObject({ semantics: "first-match", stateful: false });
    expect(f.egress.map((r) => [r.ref.rule, r.action])).toEqual([
      ["100", "deny"],
      ["200", "allow"],
      ["*", "deny"],
    ]);
    expect(
      f.ingress[0]!.match.equals(PacketSet.cube(p(PROTO.ICMP), icmpTypeCode(0), parseCidr("0.0.0.0/0"))),
    ).toBe(true);
    expect(f.egress[1]!.ref.description).toBe("rule 200: allow tcp 443 to 0.0.0.0/0");
  });

  it("one rule number twice in a direction: the same entry is read once, two different ones are an input error", () => {
    const entry = (action: string, egress = true) => ({
      CidrBlock: "0.0.0.0/0",
      Egress: egress,
      Protocol: "6",
      RuleAction: action,
      RuleNumber: 90,
      PortRange: { From: 25, To: 25 },
    });
    const d = tinyVpc();
    // The same number in the other direction is another rule.
    setAcl(d, "acl-priv", [entry("deny"), entry("deny"), entry("allow", false)]);
    const f = model(d).filters.get("acl-priv")!;
    expect(f.egress.map((r) => [r.ref.rule, r.action])).toEqual([
      ["90", "deny"],
      ["*", "deny"],
    ]);
    // Which of two different entries comes first cannot be told: never guessed from the listing.
    setAcl(d, "acl-priv", [entry("deny"), entry("allow")]);
    expect(() => model(d)).toThrow(
      "NetworkAcls.json: $.NetworkAcls[1].Entries[1]: outbound rule 90 is also at $.NetworkAcls[1].Entries[0] and says otherwise (AWS numbers each direction's rules uniquely; two versions of acl-priv?)",
    );
  });
});

describe("port spellings", () => {
  const sgWith = (perm: object): Docs => {
    const d = tinyVpc();
    d.SecurityGroups!.push({
      GroupId: "sg-x",
      IpPermissionsEgress: [{ ...perm, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
    });
    return d;
  };
  const tcpAll = PacketSet.cube(p(PROTO.TCP), IntervalSet.range(0n, 65535n), parseCidr("0.0.0.0/0"));

  it("TCP 0-65535, AWS's own spelling, is every port", () => {
    for (const perm of [{ IpProtocol: "tcp", FromPort: 0, ToPort: 65535 }]) {
      const r = model(sgWith(perm)).filters.get("sg-x")!.egress[0]!;
      expect(r.match.equals(tcpAll)).toBe(true);
      expect(r.unresolved).toBeUndefined();
    }
  });

  it("spellings AWS does not accept are doubtful: every port at most, unresolved, and a warning", () => {
    for (const [perm, doubt, text] of [
      // IpPermission: "For tcp, udp, and icmp, you must specify a port range."
      [{ IpProtocol: "tcp" }, "no port range, which AWS always gives TCP and UDP rules", "tcp all ports"],
      [
        { IpProtocol: "udp", FromPort: -1, ToPort: -1 },
        "no port range, which AWS always gives TCP and UDP rules",
        "udp all ports",
      ],
      [
        { IpProtocol: "tcp", FromPort: 30, ToPort: -1 },
        "ports 30 to -1 is not a range AWS accepts",
        "tcp ports 30 to -1",
      ],
      [
        { IpProtocol: "udp", FromPort: -1, ToPort: 50 },
        "ports -1 to 50 is not a range AWS accepts",
        "udp ports -1 to 50",
      ],
      [
        { IpProtocol: "tcp", FromPort: 50 },
        "ports 50 to (none) is not a range AWS accepts",
        "tcp ports 50 to (none)",
      ],
      [
        { IpProtocol: "tcp", FromPort: 50, ToPort: 30 },
        "ports 50 to 30 is not a range AWS accepts (from above to)",
        "tcp ports 50 to 30",
      ],
      [
        { IpProtocol: "icmp", FromPort: -1, ToPort: 9 },
        "ICMP code 9 with type -1 (all types) is not a combination AWS accepts",
        "icmp code 9 with type -1",
      ],
    ] as const) {
      const m = model(sgWith(perm));
      const r = m.filters.get("sg-x")!.egress[0]!;
      const proto =
        perm.IpProtocol === "icmp" ? PROTO.ICMP : perm.IpProtocol === "udp" ? PROTO.UDP : PROTO.TCP;
      expect(
        r.match.equals(PacketSet.cube(p(proto), IntervalSet.range(0n, 65535n), parseCidr("0.0.0.0/0"))),
      ).toBe(true);
      expect(r.unresolved).toBe(`sg-x rule #1: ${doubt}, so what it allows is unknown`);
      expect(r.ref.description).toBe(`egress ${text} to 0.0.0.0/0`);
      expect(ownWarnings(m)).toEqual([
        {
          resource: "sg-x",
          message: `sg-x egress rule #1: ${doubt}; the packets only it could allow are unknown (SecurityGroups.json $.SecurityGroups[1].IpPermissionsEgress[0])`,
        },
      ]);
    }
  });

  it("a trace sends ICMP code 0 unless given one, and says which: a rule may allow one code of a type only", () => {
    const d = sgWith({ IpProtocol: "icmp", FromPort: 3, ToPort: 4 });
    for (const e of d.NetworkInterfaces as { NetworkInterfaceId: string; Groups: object[] }[])
      if (e.NetworkInterfaceId === "eni-web") e.Groups = [{ GroupId: "sg-x" }];
    const m = model(d);
    const flow = { src: "eni-web", dst: "8.8.8.8", protocol: "icmp", port: 3 };
    const [zero, four] = runTrace(m, [flow, { ...flow, code: 4 }]);
    expect([zero!.verdict, four!.verdict]).toEqual(["blocked", "allowed"]);
    expect(renderTraceText([zero!, four!])).toMatch(/icmp\/3 code 0: BLOCKED[^]*icmp\/3 code 4: ALLOWED/);
    expect(() => runTrace(m, [{ ...flow, protocol: "tcp", code: 4 }])).toThrow(
      "--icmp-code: only ICMP messages have codes, not tcp",
    );
    expect(() => runTrace(m, [{ src: "eni-web", dst: "8.8.8.8", protocol: "icmp", code: 4 }])).toThrow(
      "--icmp-code: give the message type with --port too",
    );
  });

  it("ICMP type and code: -1 is all; one outside 0..255 is an error naming the field", () => {
    const r = model(sgWith({ IpProtocol: "icmp", FromPort: 3, ToPort: -1 })).filters.get("sg-x")!.egress[0]!;
    expect(r.match.equals(PacketSet.cube(p(PROTO.ICMP), icmpTypeCode(3), parseCidr("0.0.0.0/0")))).toBe(true);
    expect(() => model(sgWith({ IpProtocol: "icmp", FromPort: 300, ToPort: 0 }))).toThrow(
      "SecurityGroups.json: $.SecurityGroups[1].IpPermissionsEgress[0].FromPort: not an ICMP type: 300 (expected 0..255 or -1 for all)",
    );
    expect(() => model(sgWith({ IpProtocol: "icmpv6", FromPort: 1, ToPort: 256 }))).toThrow(
      "$.SecurityGroups[1].IpPermissionsEgress[0].ToPort: not an ICMP code: 256",
    );
  });

  it("ports that are not integers in -1..65535 are errors naming the field", () => {
    expect(() => model(sgWith({ IpProtocol: "tcp", FromPort: 3.5, ToPort: 4 }))).toThrow(
      "$.SecurityGroups[1].IpPermissionsEgress[0].FromPort: expected integer, received number",
    );
    expect(() => model(sgWith({ IpProtocol: "tcp", FromPort: 1, ToPort: 70000 }))).toThrow(
      "$.SecurityGroups[1].IpPermissionsEgress[0].ToPort: expected a number <= 65535, received 70000",
    );
  });

  it("a network ACL entry reads the field of its protocol: ports for TCP, type/code for ICMP", () => {
    const d = tinyVpc();
    const both = { PortRange: { From: 443, To: 443 }, IcmpTypeCode: { Type: -1, Code: -1 } };
    setAcl(d, "acl-priv", [
      { CidrBlock: "0.0.0.0/0", Egress: true, Protocol: "6", RuleAction: "allow", RuleNumber: 100, ...both },
      { CidrBlock: "0.0.0.0/0", Egress: true, Protocol: "1", RuleAction: "allow", RuleNumber: 110, ...both },
    ]);
    const f = model(d).filters.get("acl-priv")!;
    expect(f.egress[0]!.match.equals(PacketSet.cube(p(PROTO.TCP), p(443), parseCidr("0.0.0.0/0")))).toBe(
      true,
    );
    expect(
      f.egress[1]!.match.equals(PacketSet.cube(p(PROTO.ICMP), icmpTypeCode(-1), parseCidr("0.0.0.0/0"))),
    ).toBe(true);
    expect(f.egress.map((r) => r.unresolved)).toEqual([undefined, undefined, undefined]);
  });
});

describe("subnets, route tables and gateways", () => {
  it("a subnet's IPv6 blocks count only while associated, as a VPC's do", () => {
    const d = tinyVpc();
    const block = (cidr: string, state?: string) => ({
      Ipv6CidrBlock: cidr,
      ...(state ? { Ipv6CidrBlockState: { State: state } } : {}),
    });
    d.Vpcs = [
      {
        VpcId: "vpc-1",
        CidrBlock: "10.0.0.0/16",
        Ipv6CidrBlockAssociationSet: [block("2600:1f18:1:100::/56", "associated")],
      },
    ];
    (d.Subnets![0] as { Ipv6CidrBlockAssociationSet?: object[] }).Ipv6CidrBlockAssociationSet = [
      block("2600:1f18:1:1fc::/64", "disassociated"),
      block("2600:1f18:1:1fd::/64", "disassociating"),
      block("2600:1f18:1:1fe::/64", "failed"),
      block("2600:1f18:1:100::/64", "associated"),
      block("2600:1f18:1:101::/64"),
    ];
    (d.NetworkInterfaces![1] as { Ipv6Addresses?: object[] }).Ipv6Addresses = [
      { Ipv6Address: "2600:1f18:1:100::10" },
    ];
    (d.SecurityGroups![0] as { IpPermissionsEgress: object[] }).IpPermissionsEgress.push({
      IpProtocol: "-1",
      Ipv6Ranges: [{ CidrIpv6: "::/0" }],
    });
    publicRoutes(d).push({
      DestinationIpv6CidrBlock: "2600:1f18:1:100::/56",
      GatewayId: "local",
      State: "active",
    });
    const m = model(d);
    expect(toCidrs(m.subnets.get("subnet-pub")!.cidrs)).toEqual(["2600:1f18:1:100::/63", "10.0.0.0/24"]);
    const [t] = runTrace(m, [{ src: "eni-web", dst: "2600:1f18:1:1fc::5", protocol: "tcp", port: 443 }]);
    expect(t).toMatchObject({ verdict: "blocked", blockedBy: { resource: "vpc-1" } });
  });

  it("an unassociated subnet uses the main route table; its network ACL is the default one only where no ACL lists an association", () => {
    const d = tinyVpc();
    d.Subnets!.push({ SubnetId: "subnet-new", VpcId: "vpc-1", CidrBlock: "10.0.2.0/24" });
    d.NetworkInterfaces!.push(eni("eni-new", "subnet-new", "10.0.2.10", ["sg-all"]));
    (d.RouteTables![0] as { Routes: object[] }).Routes.push({
      DestinationCidrBlock: "0.0.0.0/0",
      NatGatewayId: "nat-1",
      State: "active",
    });
    const m = model(d);
    const s = m.subnets.get("subnet-new")!;
    expect(s.routeTableId).toBe("rtb-main");
    // describe-network-acls lists every subnet's association, the default ACL's too: one in none, where
    // others are listed, is on an ACL the input lacks (saved with a filter), or was created between the
    // two calls (on the default ACL): which cannot be told. (It was read as on acl-default, allowed,
    // with a warning and exit 0.)
    const why =
      "subnet-new is in no network ACL's Associations while other subnets of its VPC are: describe-network-acls lists every subnet's association (the default ACL's too), so the input lacks the network ACL that applies to it (saved with a filter?), or subnet-new was created between the describe-network-acls and describe-subnets calls (then it is on the default network ACL acl-default, and saving the input again tells), so which network ACL applies to it cannot be told";
    expect(s.boundaryFilterIds).toEqual(["acl-unknown:subnet-new"]);
    expect(m.unknowns).toContainEqual({ resource: "subnet-new", message: why });
    const [t] = runTrace(m, [{ src: "eni-new", dst: "8.8.8.8", protocol: "tcp", port: 443 }]);
    expect(t!.verdict).toBe("unknown");
    expect(t!.reason).toContain(why);
    expect(ownWarnings(m)).toEqual([]);
    // The subnets the ACLs list keep theirs.
    expect(runTrace(m, [{ src: "eni-app", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!.verdict).toBe(
      "allowed",
    );
    // An input that lists no association at all (a hand-made one) reads as AWS would, without doubt.
    for (const acl of d.NetworkAcls!) (acl as { Associations?: unknown }).Associations = [];
    const all = model(d);
    expect(all.subnets.get("subnet-new")!.boundaryFilterIds).toEqual(["acl-default"]);
    expect(ownWarnings(all)).toEqual([]);
    expect(all.unknowns.map((u) => u.resource)).not.toContain("subnet-new");
    expect(runTrace(all, [{ src: "eni-new", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!.verdict).toBe(
      "allowed",
    );
  });

  it("routes: targets, blackholes, prefix lists and preference", () => {
    const d = tinyVpc();
    d.PrefixLists = [
      { PrefixListId: "pl-s3", PrefixListName: "com.amazonaws.us-east-1.s3", Cidrs: ["52.216.0.0/15"] },
    ];
    const routes = privateRoutes(d);
    routes.push(
      { DestinationCidrBlock: "172.16.0.0/12", TransitGatewayId: "tgw-1", State: "active" },
      { DestinationCidrBlock: "192.168.0.0/16", VpcPeeringConnectionId: "pcx-1", State: "active" },
      { DestinationCidrBlock: "198.18.0.0/15", NatGatewayId: "nat-gone", State: "blackhole" },
      { DestinationPrefixListId: "pl-s3", GatewayId: "vpce-1", State: "active" },
      { DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: "eigw-1", State: "active" },
      {
        DestinationCidrBlock: "100.64.0.0/10",
        GatewayId: "vgw-1",
        State: "active",
        Origin: "EnableVgwRoutePropagation",
      },
    );
    const m = model(d);
    const rt = m.routeTables.get("rtb-priv")!;
    expect(rt.routes.map((r) => [r.ref.rule, targetOf(r), r.prefixLength, r.preference])).toEqual([
      ["10.0.0.0/16", "local", 16, 3],
      ["0.0.0.0/0", "nat-1", 0, 3],
      ["172.16.0.0/12", "tgw-1", 12, 3],
      ["192.168.0.0/16", "pcx-1", 16, 3],
      ["198.18.0.0/15", "blackhole", 15, 3],
      ["pl-s3", "vpce-1", 15, 2],
      ["::/0", "eigw-1", 0, 3],
      ["100.64.0.0/10", "vgw-1", 10, 1],
    ]);
    expect(m.gateways.get("tgw-1")).toMatchObject({
      kind: "exit",
      exit: "private",
      label: "transit gateway",
    });
    expect(m.gateways.get("pcx-1")).toMatchObject({ kind: "exit", exit: "peering" });
    expect(m.gateways.get("vgw-1")).toMatchObject({ kind: "exit", exit: "vpn" });
    expect(m.gateways.get("vpce-1")).toMatchObject({ kind: "exit", exit: "cloud-service", reaches: true });
    expect(m.gateways.get("eigw-1")).toMatchObject({ kind: "egress-only-internet" });
  });

  it("a propagated route never takes the VPC's own addresses, however specific; a static one does", () => {
    const d = tinyVpc();
    const propagated = (cidr: string) => ({
      DestinationCidrBlock: cidr,
      GatewayId: "vgw-1",
      State: "active",
      Origin: "EnableVgwRoutePropagation",
    });
    privateRoutes(d).push(propagated("10.0.0.0/24"), propagated("10.0.0.0/15"), {
      DestinationCidrBlock: "10.0.1.0/24",
      NetworkInterfaceId: "eni-web",
      State: "active",
    });
    const rt = model(d).routeTables.get("rtb-priv")!;
    expect(rt.routes.map((r) => [r.ref.rule, targetOf(r), toCidrs(r.dest)])).toEqual([
      ["10.0.0.0/16", "local", ["10.0.0.0/16"]],
      ["0.0.0.0/0", "nat-1", ["0.0.0.0/0"]],
      ["10.0.0.0/15", "vgw-1", ["10.1.0.0/16"]],
      ["10.0.1.0/24", "eni-web", ["10.0.1.0/24"]],
    ]);
    const [web, outside] = runTrace(model(d), [
      { src: "eni-app", dst: "10.0.0.10", protocol: "tcp", port: 443 },
      { src: "eni-app", dst: "10.1.0.10", protocol: "tcp", port: 443 },
    ]);
    expect(web!.hops.find((h) => h.kind === "route-table")).toMatchObject({ rule: "10.0.0.0/16" });
    expect(outside).toMatchObject({ verdict: "unknown", exit: "vpn" });
  });

  it("prefix lists with an entry in common: to different targets the block is undecided, to one target one route names both", () => {
    const d = tinyVpc();
    d.ManagedPrefixLists = [
      {
        PrefixListId: "pl-b",
        PrefixListName: "b",
        Entries: [{ Cidr: "198.51.100.0/24" }, { Cidr: "192.0.2.0/24" }],
      },
      {
        PrefixListId: "pl-a",
        PrefixListName: "a",
        Entries: [{ Cidr: "198.51.100.0/24" }, { Cidr: "203.0.113.0/24" }],
      },
      { PrefixListId: "pl-c", PrefixListName: "c", Entries: [{ Cidr: "192.0.2.0/24" }] },
    ];
    const routes = privateRoutes(d);
    routes.push(
      { DestinationPrefixListId: "pl-b", TransitGatewayId: "tgw-1", State: "active" },
      { DestinationPrefixListId: "pl-a", VpcPeeringConnectionId: "pcx-1", State: "active" },
      { DestinationPrefixListId: "pl-c", TransitGatewayId: "tgw-1", State: "active" },
      // A route listed twice (as a hand-merged file may have it) is one route.
      { DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: "nat-1", State: "active" },
    );
    const rt = model(d).routeTables.get("rtb-priv")!;
    expect(rt.routes[1]!.ref).toMatchObject({
      rule: "0.0.0.0/0",
      description: "0.0.0.0/0 -> nat-1",
    });
    expect(rt.routes).toHaveLength(5);
    const shown = rt.routes.slice(2).map((r) => ({
      rule: r.ref.rule,
      to: targetOf(r),
      description: r.ref.description,
    }));
    expect(shown).toEqual([
      {
        rule: "pl-a, pl-b",
        to: "undecided",
        description: "198.51.100.0/24: pl-a -> pcx-1, pl-b -> tgw-1",
      },
      { rule: "pl-b, pl-c", to: "tgw-1", description: "192.0.2.0/24: pl-b, pl-c -> tgw-1" },
      { rule: "pl-a", to: "pcx-1", description: "pl-a (203.0.113.0/24) -> pcx-1" },
    ]);
    const tie = rt.routes[2]!.target;
    expect(tie.kind === "undecided" && tie.why).toBe(
      "198.51.100.0/24 is routed by pl-a -> pcx-1, pl-b -> tgw-1 alike (same prefix length): AWS picks one of such routes and keeps to it, and which one is not in the describe output",
    );
    // Through the whole pipeline: a flow to the block is unknown, naming both routes.
    const [t] = runTrace(model(d), [{ src: "eni-app", dst: "198.51.100.7", protocol: "tcp", port: 443 }]);
    expect(t).toMatchObject({ verdict: "unknown", blockedBy: null });
    expect(t!.reason).toBe(`route pl-a, pl-b in rtb-priv: ${tie.kind === "undecided" ? tie.why : ""}`);
    expect(t!.hops.at(-1)).toMatchObject({ resource: "rtb-priv", action: "drop", rule: "pl-a, pl-b" });
  });

  it("a gateway route table routes replies to the internet gateway's senders; two of them, or one changing, leave that unknown", () => {
    const edge = (id: string, state?: string) => ({
      RouteTableId: id,
      VpcId: "vpc-1",
      Associations: [{ GatewayId: "igw-1", ...(state ? { AssociationState: { State: state } } : {}) }],
      Routes: [
        { DestinationCidrBlock: "10.0.0.0/16", GatewayId: "local", State: "active" },
        { DestinationCidrBlock: "10.0.0.0/24", NetworkInterfaceId: "eni-firewall", State: "active" },
      ],
    });
    const traced = (d: Docs) =>
      runTrace(model(d), [{ src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!;
    let d = tinyVpc();
    d.RouteTables!.push(edge("rtb-edge"));
    expect(model(d).gateways.get("igw-1")).toMatchObject({ ingressTableId: "rtb-edge" });
    expect(traced(d).reason).toMatch(
      /whose gateway route table rtb-edge sends them \(route 10\.0\.0\.0\/24\) to eni-firewall/,
    );
    // Gone associations do not count.
    d.RouteTables!.push(edge("rtb-old", "disassociated"));
    expect(model(d).gateways.get("igw-1")).toMatchObject({ ingressTableId: "rtb-edge" });
    // Two current ones, in either order: the order must not decide.
    for (const order of [0, 1]) {
      d = tinyVpc();
      d.RouteTables!.push(edge("rtb-edge"), edge("rtb-edge2"));
      if (order) d.RouteTables!.reverse();
      const m = model(d);
      expect(m.gateways.get("igw-1")).toMatchObject({ ingressTableId: "rtb-unknown:igw-1" });
      expect(m.routeTables.get("rtb-unknown:igw-1")!.unknown).toBe(
        "rtb-edge and rtb-edge2 are each the gateway route table of igw-1 in the input: which is current cannot be told (two snapshots in one folder?)",
      );
      expect(traced(d)).toMatchObject({ verdict: "unknown" });
    }
    d = tinyVpc();
    d.RouteTables!.push(edge("rtb-edge", "associating"));
    expect(traced(d).reason).toMatch(
      /rtb-edge is associating with igw-1: which gateway route table applies while that changes is not known/,
    );
    // (A change AWS is making: unknown, but no data missing.)
    expect(model(d).unknowns.filter((u) => u.resource === "igw-1")).toEqual([]);
  });

  it("vpce- targets: gateway endpoints reach the service; Gateway Load Balancer endpoints are unknown beyond", () => {
    const d = tinyVpc();
    d.VpcEndpoints = [
      {
        VpcEndpointId: "vpce-gw",
        VpcEndpointType: "Gateway",
        State: "available",
        ServiceName: "com.amazonaws.us-east-1.s3",
      },
      { VpcEndpointId: "vpce-gwlb", VpcEndpointType: "GatewayLoadBalancer", State: "available" },
    ];
    const routes = privateRoutes(d);
    routes.push(
      { DestinationCidrBlock: "52.216.0.0/15", GatewayId: "vpce-gw", State: "active" },
      { DestinationCidrBlock: "8.8.8.0/24", GatewayId: "vpce-gwlb", State: "active" },
      { DestinationCidrBlock: "9.9.9.0/24", GatewayId: "vpce-unlisted", State: "active" },
      {
        DestinationCidrBlock: "1.1.1.0/24",
        OdbNetworkArn: "arn:aws:odb:us-east-1:1:odb-network/x",
        State: "active",
      },
    );
    const m = model(d);
    expect(m.gateways.get("vpce-gw")).toMatchObject({ exit: "cloud-service", reaches: true });
    expect(m.gateways.get("vpce-gwlb")).toMatchObject({
      exit: "private",
      label: "Gateway Load Balancer endpoint (inspection appliance)",
    });
    expect(m.gateways.get("vpce-gwlb")).not.toHaveProperty("reaches");
    expect(m.gateways.get("vpce-unlisted")).not.toHaveProperty("reaches");
    // A target kind this version does not know is an exit with an unknown beyond, never a blackhole.
    expect(m.gateways.get("arn:aws:odb:us-east-1:1:odb-network/x")).toMatchObject({
      kind: "exit",
      label: "route target (OdbNetworkArn)",
    });
  });

  it("an interface endpoint's interface saved without Groups: what reaches it is unknown, and a run that gets there lists it", () => {
    const d = tinyVpc();
    const endpointEni = (id: string, ip: string, groups?: string[]) => ({
      ...eni(id, "subnet-pub", ip, groups ?? []),
      ...(groups ? {} : { Groups: undefined }),
      InterfaceType: "vpc_endpoint",
      Description: `VPC Endpoint Interface vpce-0${id.slice(-1)}`,
    });
    d.NetworkInterfaces!.push(
      endpointEni("eni-b", "10.0.0.50"),
      endpointEni("eni-c", "10.0.0.51", ["sg-all"]),
    );
    d.VpcEndpoints = [
      { VpcEndpointId: "vpce-gw", VpcEndpointType: "Gateway", ServiceName: "com.amazonaws.us-east-1.s3" },
    ];
    const m = model(d);
    const addresses = m.subnets.get("subnet-pub")!.serviceAddresses!;
    expect(
      addresses.map((a) => [a.ref.resource, a.missing?.resource ?? null, a.interface?.id ?? null]),
    ).toEqual([
      ["vpce-0b", "vpce-0b", null],
      ["vpce-0c", null, "eni-c"],
    ]);
    // Only a run that gives the unknown verdict lists it: not the model.
    expect(m.unknowns.filter((u) => u.resource.startsWith("vpce-"))).toEqual([]);
    const asked = new AskedMissing(m);
    const [bare, known, internet] = runTrace(
      m,
      ["10.0.0.50", "10.0.0.51", "8.8.8.8"].map((dst) => ({
        src: "eni-app",
        dst,
        protocol: "tcp",
        port: 443,
      })),
      m.endpoints,
      undefined,
      asked,
    );
    expect(bare!.verdict).toBe("unknown");
    expect(known!.verdict).toBe("blocked"); // sg-all lets nothing in
    expect(internet!.verdict).toBe("allowed");
    expect(asked.unknowns().filter((u) => u.resource.startsWith("vpce-"))).toEqual([
      {
        resource: "vpce-0b",
        message:
          "the security groups of the interface VPC endpoint vpce-0b are not in the input (its interface eni-b has no Groups): whether they let in what reaches 10.0.0.50 is not known (for eni-app)",
      },
    ]);
    // Replies let back on only part of eni-app's ports: still a doubt, but had the endpoint's groups
    // been known it could be a block, so the run lists them all the same (trace and audit).
    setAcl(d, "acl-priv", [
      { RuleNumber: 100, Protocol: "-1", RuleAction: "allow", Egress: true, CidrBlock: "0.0.0.0/0" },
      {
        RuleNumber: 100,
        Protocol: "6",
        RuleAction: "allow",
        Egress: false,
        CidrBlock: "0.0.0.0/0",
        PortRange: { From: 1024, To: 40000 },
      },
    ]);
    const m2 = model(d);
    const asked2 = new AskedMissing(m2);
    const [held] = runTrace(
      m2,
      [{ src: "eni-app", dst: "10.0.0.50", protocol: "tcp", port: 443 }],
      m2.endpoints,
      undefined,
      asked2,
    );
    expect(held!.reason).toMatch(/lets replies through on only some of the ephemeral ports/);
    expect(asked2.unknowns().map((u) => u.resource)).toContain("vpce-0b");
    const audited = runAudit(m2, {
      ports: parsePorts("tcp/443"),
      portsText: "tcp/443",
      dest: parseDest("10.0.0.50/32"),
      destText: "10.0.0.50/32",
    });
    expect(audited.unknowns.map((u) => u.resource)).toContain("vpce-0b");
  });

  it("an interface endpoint's interface saved without Groups takes the endpoint's from describe-vpc-endpoints, for what it lets in and whose member it is", () => {
    const d = tinyVpc();
    // eni-app may send tcp/443 only to members of sg-vpce; sg-vpce lets tcp/443 in.
    d.SecurityGroups!.push(
      {
        GroupId: "sg-src",
        GroupName: "src",
        VpcId: "vpc-1",
        IpPermissions: [],
        IpPermissionsEgress: [
          { IpProtocol: "tcp", FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: "sg-vpce" }] },
        ],
      },
      {
        GroupId: "sg-vpce",
        GroupName: "vpce",
        VpcId: "vpc-1",
        IpPermissions: [
          { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.0.0.0/16" }] },
        ],
        IpPermissionsEgress: [],
      },
    );
    (d.NetworkInterfaces![0] as { Groups: object[] }).Groups = [{ GroupId: "sg-src" }];
    d.NetworkInterfaces!.push({
      ...eni("eni-b", "subnet-pub", "10.0.0.50", []),
      Groups: undefined,
      InterfaceType: "vpc_endpoint",
    });
    d.VpcEndpoints = [
      {
        VpcEndpointId: "vpce-b",
        VpcEndpointType: "Interface",
        State: "available",
        ServiceName: "com.amazonaws.us-east-1.ssm",
        VpcId: "vpc-1",
        NetworkInterfaceIds: ["eni-b"],
        Groups: [{ GroupId: "sg-vpce", GroupName: "vpce" }],
      },
    ];
    const traced = (docs: Docs) =>
      runTrace(model(docs), [{ src: "eni-app", dst: "10.0.0.50", protocol: "tcp", port: 443 }])[0]!;
    const m = model(d);
    const [address] = m.subnets.get("subnet-pub")!.serviceAddresses!;
    expect(address).toMatchObject({ interface: { id: "eni-b", filterIds: ["sg-vpce"] } });
    expect(address).not.toHaveProperty("missing");
    // A dual-stack endpoint answers at its IPv6 addresses too.
    const dual = structuredClone(d);
    (dual.NetworkInterfaces!.at(-1) as { Ipv6Addresses?: object[] }).Ipv6Addresses = [
      { Ipv6Address: "2600:1f18::50" },
    ];
    const [both] = model(dual).subnets.get("subnet-pub")!.serviceAddresses!;
    expect(cidrsOf(both!.ips)).toEqual(["2600:1f18::50/128", "10.0.0.50/32"]);
    // Decided by the endpoint's groups: eni-b is a member of sg-vpce, which lets it in.
    expect(traced(d)).toMatchObject({ verdict: "allowed", exit: "cloud-service" });
    // An endpoint listed without its NetworkInterfaceIds is found by the id its interface's
    // description names, and its State is read all the same.
    const unlinked = structuredClone(d);
    (unlinked.NetworkInterfaces!.at(-1) as { Description?: string }).Description =
      "VPC Endpoint Interface vpce-b";
    const e = unlinked.VpcEndpoints![0] as { NetworkInterfaceIds?: string[]; State: string };
    delete e.NetworkInterfaceIds;
    e.State = "pendingAcceptance";
    const pending = traced(unlinked);
    expect(pending.verdict).toBe("unknown");
    expect(pending.reason).toContain("vpce-b is pendingAcceptance");
    // describe-vpc-endpoints denied: whether the endpoint answers is data the run could not read.
    const denied = structuredClone(d);
    delete denied.VpcEndpoints;
    (denied.NetworkInterfaces!.at(-1) as { Groups?: object[] }).Groups = [{ GroupId: "sg-vpce" }];
    denied.EgressAuditCollectionGaps = [deniedGap("DescribeVpcEndpoints", "VpcEndpoints")];
    const gap = traced(denied);
    expect(gap.verdict).toBe("unknown");
    expect(gap.reason).toContain("the state of eni-b could not be read");
  });

  it("an interface endpoint that is not available may not answer: what reaches its address is unknown, but what its groups refuse stays refused", () => {
    const d = tinyVpc();
    // Endpoints of one subnet, each with one interface whose group lets everything in.
    const states: [string, string | undefined][] = [
      ["a", "pendingAcceptance"],
      ["b", "rejected"],
      ["c", undefined],
      ["d", "Available"],
      ["e", "available"],
    ];
    d.SecurityGroups!.push({
      GroupId: "sg-open",
      GroupName: "open",
      VpcId: "vpc-1",
      IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
      IpPermissionsEgress: [],
    });
    d.VpcEndpoints = states.map(([x, state]) => ({
      VpcEndpointId: `vpce-${x}`,
      VpcEndpointType: "Interface",
      ServiceName: "com.amazonaws.us-east-1.ssm",
      VpcId: "vpc-1",
      NetworkInterfaceIds: [`eni-${x}`],
      ...(state === undefined ? {} : { State: state }),
    }));
    d.NetworkInterfaces!.push(
      ...states.map(([x], k) => ({
        ...eni(`eni-${x}`, "subnet-pub", `10.0.0.${60 + k}`, ["sg-open"]),
        InterfaceType: "vpc_endpoint",
      })),
    );
    const m = model(d);
    const addresses = m.subnets.get("subnet-pub")!.serviceAddresses!;
    expect(
      addresses.map((a) => [a.ref.resource, a.inDoubt?.reason ?? null, a.inDoubt?.missing ?? null]),
    ).toEqual([
      [
        "vpce-a",
        "vpce-a is pendingAcceptance (AWS is still setting it up or taking it down), so whether it carries traffic yet cannot be told",
        null,
      ],
      [
        "vpce-b",
        "vpce-b is rejected: it carries no traffic, so whether anything answers at its address cannot be told",
        null,
      ],
      [
        "vpce-c",
        "the state of vpce-c is not in the input (describe-vpc-endpoints prints State), so whether it carries traffic cannot be told",
        {
          resource: "vpce-c",
          message:
            "the state of vpce-c is not in the input (describe-vpc-endpoints prints State), so whether it carries traffic cannot be told",
        },
      ],
      [
        "vpce-d",
        'vpce-d has state "Available", which is not one AWS prints (pendingAcceptance, pending, available, deleting, deleted, rejected, failed, expired, partial), so whether it carries traffic cannot be told',
        expect.objectContaining({ resource: "vpce-d" }),
      ],
      ["vpce-e", null, null],
    ]);
    // Only a run that reaches them lists the missing data: not the model.
    expect(m.unknowns.filter((u) => u.resource.startsWith("vpce-"))).toEqual([]);
    const asked = new AskedMissing(m);
    const traces = runTrace(
      m,
      states.map((_, k) => ({ src: "eni-app", dst: `10.0.0.${60 + k}`, protocol: "tcp", port: 443 })),
      m.endpoints,
      undefined,
      asked,
    );
    expect(traces.map((t) => t.verdict)).toEqual(["unknown", "unknown", "unknown", "unknown", "allowed"]);
    // What its own groups refuse is refused either way: a trace names the group (an audit, which does
    // not evaluate destinations' groups, says unknown).
    const closed = structuredClone(d);
    (closed.NetworkInterfaces!.at(-5) as { Groups: object[] }).Groups = [{ GroupId: "sg-all" }];
    const [refused] = runTrace(model(closed), [
      { src: "eni-app", dst: "10.0.0.60", protocol: "tcp", port: 443 },
    ]);
    expect(refused).toMatchObject({ verdict: "blocked", blockedBy: { resource: "sg-all" } });
    expect(traces[0]!.reason).toContain(
      "reaches the interface VPC endpoint vpce-a (com.amazonaws.us-east-1.ssm)",
    );
    expect(traces[4]!.exit).toBe("cloud-service");
    expect(
      asked
        .unknowns()
        .filter((u) => u.resource.startsWith("vpce-"))
        .map((u) => u.resource),
    ).toEqual(["vpce-c", "vpce-d"]);
  });

  it("a VPC Route Server route (next hop by address) is unknown beyond; an active route with no target is unknown, not a blackhole", () => {
    const traced = (d: Docs, dst = "8.8.8.8") =>
      runTrace(model(d), [{ src: "eni-app", dst, protocol: "tcp", port: 443 }])[0]!;
    const d = tinyVpc();
    privateRoutes(d).unshift(
      { DestinationCidrBlock: "8.8.8.0/24", IpAddress: "10.0.0.99", Origin: "CreateRoute", State: "active" },
      { DestinationCidrBlock: "9.9.9.0/24", Origin: "CreateRoute", State: "active" },
    );
    expect(model(d).gateways.get("10.0.0.99")).toMatchObject({
      kind: "exit",
      exit: "private",
      label: "VPC Route Server next hop",
    });
    expect(traced(d)).toMatchObject({ verdict: "unknown", exit: "private" });
    expect(traced(d).reason).toMatch(/VPC Route Server next hop 10\.0\.0\.99; /);
    const none = traced(d, "9.9.9.9");
    expect(none).toMatchObject({ verdict: "unknown", blockedBy: null });
    expect(none.reason).toBe("route 9.9.9.0/24 in rtb-priv: it names no target this version can read");
    // Only State says a route is a blackhole; its text names the target AWS no longer has for it.
    Object.assign(privateRoutes(d)[1]!, { State: "blackhole", TransitGatewayId: "tgw-1" });
    expect(traced(d, "9.9.9.9")).toMatchObject({
      verdict: "blocked",
      reason:
        "route 9.9.9.0/24 in rtb-priv is a blackhole: its target tgw-1 is not available (deleted, or detached from the VPC)",
    });
  });

  it("a VPC peering connection delivers only to the peer VPC's blocks: the rest routed to it is dropped (no edge-to-edge routing)", () => {
    const traced = (d: Docs, dst: string) =>
      runTrace(model(d), [{ src: "eni-app", dst, protocol: "tcp", port: 443 }])[0]!;
    const d = tinyVpc();
    // The private subnet's default route goes to the peering connection instead of the NAT gateway.
    const dflt = privateRoutes(d)[1] as Record<string, unknown>;
    delete dflt.NatGatewayId;
    dflt.VpcPeeringConnectionId = "pcx-1";
    const peer = {
      VpcId: "vpc-2",
      CidrBlock: "10.2.0.0/16",
      CidrBlockSet: [{ CidrBlock: "10.2.0.0/16" }, { CidrBlock: "8.8.4.0/24" }],
    };
    const own = { VpcId: "vpc-1", CidrBlock: "10.0.0.0/16", CidrBlockSet: [{ CidrBlock: "10.0.0.0/16" }] };
    d.VpcPeeringConnections = [
      {
        VpcPeeringConnectionId: "pcx-1",
        RequesterVpcInfo: own,
        AccepterVpcInfo: peer,
        Status: { Code: "active", Message: "Active" },
      },
    ];
    const out = traced(d, "8.8.8.8");
    expect(out).toMatchObject({
      verdict: "blocked",
      exit: null,
      blockedBy: { resource: "pcx-1", kind: "vpc-peering-connection", rule: "AccepterVpcInfo" },
    });
    expect(out.reason).toMatch(
      /^pcx-1 connects vpc-1 only to the addresses of vpc-2 \(8\.8\.4\.0\/24, 10\.2\.0\.0\/16\): AWS does not route through a peered VPC/,
    );
    expect(out.hops.at(-1)).toMatchObject({ resource: "pcx-1", action: "drop", rule: "AccepterVpcInfo" });
    // The peer's own addresses (a public block here): what lies beyond is not analysed.
    expect(traced(d, "8.8.4.4")).toMatchObject({ verdict: "unknown", exit: "peering" });
    // The audit says the same per destination, and names the connection for what it drops.
    const audit = runAudit(model(d), {
      ports: parsePorts("tcp/443"),
      portsText: "tcp/443",
      dest: parseDest("internet"),
      destText: "internet",
      ownNetworkExcluded: true,
    });
    const app = audit.results.find((e) => e.source.id === "eni-app")!;
    const dropped = app.paths.find((x) => x.blockedBy?.resource === "pcx-1")!;
    expect(cidrSet(dropped.destinations).contains(ip("8.8.8.8"))).toBe(true);
    expect(cidrSet(dropped.destinations).contains(ip("8.8.4.4"))).toBe(false);
    expect(app.paths.find((x) => x.exit === "peering")?.destinations).toEqual(["8.8.4.0/24"]);

    // Either side may be this VPC's; the peer VPC's blocks in the input count too (its listing may
    // predate a block added since).
    const swapped = structuredClone(d);
    Object.assign(swapped.VpcPeeringConnections![0]!, { RequesterVpcInfo: peer, AccepterVpcInfo: own });
    swapped.Vpcs!.push({
      VpcId: "vpc-2",
      CidrBlock: "10.2.0.0/16",
      CidrBlockAssociationSet: [
        { CidrBlock: "10.2.0.0/16", CidrBlockState: { State: "associated" } },
        { CidrBlock: "9.9.9.0/24", CidrBlockState: { State: "associated" } },
      ],
    });
    expect(traced(swapped, "8.8.8.8").blockedBy).toMatchObject({
      resource: "pcx-1",
      rule: "RequesterVpcInfo",
    });
    expect(traced(swapped, "9.9.9.9")).toMatchObject({ verdict: "unknown", exit: "peering" });

    // Whatever the input does not tell stays unknown, never blocked: a listing without the peer's
    // blocks, listings that disagree on the peer, a connection not listed.
    for (const change of [
      (x: Docs) => Object.assign(x.VpcPeeringConnections![0]!, { AccepterVpcInfo: { VpcId: "vpc-2" } }),
      (x: Docs) =>
        x.VpcPeeringConnections!.push({
          VpcPeeringConnectionId: "pcx-1",
          RequesterVpcInfo: own,
          AccepterVpcInfo: { ...peer, VpcId: "vpc-3" },
        }),
      (x: Docs) => (x.VpcPeeringConnections = []),
    ]) {
      const y = structuredClone(d);
      change(y);
      expect(traced(y, "8.8.8.8")).toMatchObject({ verdict: "unknown", exit: "peering", blockedBy: null });
    }
    // ... a listing naming another peer without its blocks, a listing without CidrBlockSet (the peer's
    // IPv4 blocks may not be all there), the route's VPC on neither side.
    for (const change of [
      (x: Docs) =>
        x.VpcPeeringConnections!.push({
          VpcPeeringConnectionId: "pcx-1",
          RequesterVpcInfo: own,
          AccepterVpcInfo: { VpcId: "vpc-3" },
        }),
      (x: Docs) =>
        delete (x.VpcPeeringConnections![0] as { AccepterVpcInfo: { CidrBlockSet?: unknown } })
          .AccepterVpcInfo.CidrBlockSet,
      (x: Docs) =>
        Object.assign(x.VpcPeeringConnections![0]!, { RequesterVpcInfo: { ...own, VpcId: "vpc-9" } }),
    ]) {
      const y = structuredClone(d);
      change(y);
      expect(traced(y, "8.8.8.8")).toMatchObject({ verdict: "unknown", exit: "peering", blockedBy: null });
    }
    // Not saved: unknown, saying why; data the run lacks where a verdict meets it.
    const unsaved = structuredClone(d);
    delete unsaved.VpcPeeringConnections;
    const notSaved = traced(unsaved, "8.8.8.8");
    expect(notSaved).toMatchObject({ verdict: "unknown", exit: "peering" });
    expect(notSaved.reason).toBe(
      "leaves through the VPC peering connection pcx-1, which delivers only to the peer VPC's own addresses: the peer VPC's addresses are not known: no VpcPeeringConnections in the input (aws ec2 describe-vpc-peering-connections was not saved)",
    );
    expect(ownWarnings(model(unsaved)).map((w) => w.resource)).not.toContain("VpcPeeringConnections");
    // Its call denied: unknown, and data the run lacks where a verdict meets it (not otherwise).
    const denied = structuredClone(unsaved);
    denied.EgressAuditCollectionGaps = [deniedGap("DescribeVpcPeeringConnections", "VpcPeeringConnections")];
    const m = model(denied);
    expect(m.unknowns.map((u) => u.resource)).not.toContain("VpcPeeringConnections");
    expect(ownWarnings(m).map((w) => w.resource)).not.toContain("VpcPeeringConnections");
    const asked = new AskedMissing(m);
    const [gap] = runTrace(
      m,
      [{ src: "eni-app", dst: "8.8.8.8", protocol: "tcp", port: 443 }],
      m.endpoints,
      undefined,
      asked,
    );
    expect(gap).toMatchObject({ verdict: "unknown", exit: "peering" });
    const notes = asked.unknowns().filter((u) => u.resource.startsWith("pcx-"));
    expect(notes.map((u) => u.resource)).toEqual(["pcx-1"]);
    expect(notes[0]!.message).toMatch(
      /^what VPC peering connection pcx-1 delivers is not known: .*ec2:DescribeVpcPeeringConnections/,
    );
    // A bad block in the listing is an input error naming where it is; so is an address without its
    // prefix length (AWS prints one on every block).
    const bare = structuredClone(d);
    (bare.VpcPeeringConnections![0] as { AccepterVpcInfo: typeof peer }).AccepterVpcInfo.CidrBlock =
      "10.2.0.0";
    expect(() => model(bare)).toThrow(
      'VpcPeeringConnections.json: $.VpcPeeringConnections[0].AccepterVpcInfo.CidrBlock: expected a CIDR block (address/prefix length), got "10.2.0.0"',
    );
    const bad = structuredClone(d);
    (
      bad.VpcPeeringConnections![0] as { AccepterVpcInfo: typeof peer }
    ).AccepterVpcInfo.CidrBlockSet[1]!.CidrBlock = "8.8.4.0/33";
    expect(() => model(bad)).toThrow(
      /^VpcPeeringConnections\.json: \$\.VpcPeeringConnections\[0\]\.AccepterVpcInfo\.CidrBlockSet\[1\]\.CidrBlock: /,
    );
  });

  it("a vpce- target not in the input is a gateway endpoint only when AWS-managed service lists alone route to it, whatever the route order", () => {
    const d = tinyVpc();
    d.PrefixLists = [
      { PrefixListId: "pl-s3", PrefixListName: "com.amazonaws.us-east-1.s3", Cidrs: ["3.5.0.0/19"] },
    ];
    d.ManagedPrefixLists = [
      {
        PrefixListId: "pl-ddb",
        PrefixListName: "com.amazonaws.us-east-1.dynamodb",
        OwnerId: "AWS",
        Entries: [{ Cidr: "3.218.0.0/16" }],
      },
      {
        PrefixListId: "pl-cust",
        PrefixListName: "inspect-these",
        OwnerId: "111122223333",
        Entries: [{ Cidr: "8.8.8.0/24" }],
      },
      // A customer's list cannot be named so (CreateManagedPrefixList); its owner says whose it is.
      {
        PrefixListId: "pl-fake",
        PrefixListName: "com.amazonaws.us-east-1.s3",
        OwnerId: "111122223333",
        Entries: [{ Cidr: "9.9.9.0/24" }],
      },
    ];
    const cust = { DestinationPrefixListId: "pl-cust", GatewayId: "vpce-mixed", State: "active" };
    const all = { DestinationCidrBlock: "0.0.0.0/0", GatewayId: "vpce-mixed", State: "active" };
    privateRoutes(d).push(
      { DestinationPrefixListId: "pl-s3", GatewayId: "vpce-s3", State: "active" },
      { DestinationPrefixListId: "pl-ddb", GatewayId: "vpce-ddb", State: "active" },
      { DestinationPrefixListId: "pl-cust", GatewayId: "vpce-cust", State: "active" },
      { DestinationPrefixListId: "pl-fake", GatewayId: "vpce-fake", State: "active" },
      { DestinationPrefixListId: "pl-s3", GatewayId: "vpce-both", State: "active" },
      { DestinationCidrBlock: "1.1.1.0/24", GatewayId: "vpce-both", State: "active" },
    );
    const swapped = structuredClone(d);
    privateRoutes(d).push(cust, all);
    privateRoutes(swapped).push(all, cust);
    for (const m of [model(d), model(swapped)]) {
      expect(m.gateways.get("vpce-s3")).toMatchObject({ exit: "cloud-service", reaches: true });
      expect(m.gateways.get("vpce-ddb")).toMatchObject({ exit: "cloud-service", reaches: true });
      for (const id of ["vpce-cust", "vpce-fake", "vpce-both", "vpce-mixed"]) {
        const g = m.gateways.get(id);
        expect(g).toMatchObject({ exit: "private" });
        expect(g?.kind === "exit" && g.label).toMatch(/^Gateway Load Balancer endpoint \(not in the input/);
        expect(g).not.toHaveProperty("reaches");
      }
    }
  });

  it("the internet gateway maps public IPs, Elastic IPs and NAT addresses", () => {
    const d = tinyVpc();
    d.Addresses = [
      { PublicIp: "198.51.100.77", PrivateIpAddress: "10.0.1.10", NetworkInterfaceId: "eni-app" },
    ];
    withEip(d, "198.51.100.77");
    const igw = model(d).gateways.get("igw-1")!;
    expect(igw.kind).toBe("internet");
    if (igw.kind !== "internet") return;
    expect(igw.publicIpOf.get(ip("10.0.0.10"))).toBe(ip("198.51.100.10"));
    expect(igw.publicIpOf.get(ip("10.0.1.10"))).toBe(ip("198.51.100.77"));
    expect(igw.publicIpOf.get(ip("10.0.0.200"))).toBe(ip("198.51.100.200"));
  });

  it("a NAT gateway not in use has no public addresses: a deleted one's Elastic IPs and private address may be another's now", () => {
    const nat = (id: string, state: string, privateIp: string, ...publics: string[]) => ({
      NatGatewayId: id,
      SubnetId: "subnet-pub",
      VpcId: "vpc-1",
      State: state,
      ConnectivityType: "public",
      NatGatewayAddresses: publics.map((PublicIp, i) => ({
        PrivateIp: i === 0 ? privateIp : `10.0.0.${150 + i}`,
        PublicIp,
        IsPrimary: i === 0,
      })),
    });
    const d = tinyVpc();
    // eni-app reuses the address of a deleted gateway; nat-1 took over another deleted one's.
    d.NatGateways!.push(
      nat("nat-gone", "deleted", "10.0.1.10", "203.0.113.5"),
      nat("nat-old", "deleted", "10.0.0.200", "203.0.113.6", "203.0.113.66"),
      nat("nat-failed", "failed", "10.0.0.201", "203.0.113.7", "203.0.113.77"),
    );
    const reversed = structuredClone(d);
    reversed.NatGateways!.reverse();
    for (const m of [model(d), model(reversed)]) {
      const igw = m.gateways.get("igw-1")!;
      if (igw.kind !== "internet") throw new Error("not an internet gateway");
      expect(igw.publicIpOf.has(ip("10.0.1.10"))).toBe(false);
      expect(igw.publicIpOf.get(ip("10.0.0.200"))).toBe(ip("198.51.100.200"));
      expect(igw.publicIpOf.has(ip("10.0.0.201"))).toBe(false);
      for (const id of ["nat-gone", "nat-old", "nat-failed"])
        expect(m.gateways.get(id)).toMatchObject({ unusable: expect.any(String) as unknown, kind: "nat" });
      for (const id of ["nat-old", "nat-failed"]) expect(m.gateways.get(id)).not.toHaveProperty("publicIps");
    }
    const [t] = runTrace(model(d), [{ src: "eni-app", dst: "8.8.8.8", protocol: "tcp", port: 443 }]);
    expect(t).toMatchObject({ verdict: "allowed", egressIp: "198.51.100.200" });
  });

  it("a NAT gateway's own word that its Elastic IP is not on outweighs its interface's listing and describe-addresses", () => {
    const d = tinyVpc();
    (d.NatGateways![0] as { NatGatewayAddresses: object[] }).NatGatewayAddresses = [
      { PrivateIp: "10.0.0.200", PublicIp: "198.51.100.200", IsPrimary: true, Status: "failed" },
    ];
    d.NetworkInterfaces!.push({
      ...eni("eni-nat", "subnet-pub", "10.0.0.200", [], "198.51.100.200"),
      InterfaceType: "nat_gateway",
    });
    d.Addresses = [
      { PublicIp: "198.51.100.200", PrivateIpAddress: "10.0.0.200", NetworkInterfaceId: "eni-nat" },
    ];
    const [t] = runTrace(model(d), [{ src: "eni-app", dst: "8.8.8.8", protocol: "tcp", port: 443 }]);
    expect(t).toMatchObject({ verdict: "blocked", blockedBy: { resource: "igw-1" } });
    expect(t!.reason).toMatch(/nat-1 has no Elastic IP/);
  });

  it("a NAT gateway in use whose private address is not in the input leaves its traffic unknown, not blocked", () => {
    const d = tinyVpc();
    (d.NatGateways![0] as { NatGatewayAddresses: object[] }).NatGatewayAddresses = [
      { PublicIp: "198.51.100.200", IsPrimary: true },
    ];
    const m = model(d);
    expect(m.gateways.has("nat-1")).toBe(false);
    expect(m.unknowns).toContainEqual({
      resource: "nat-1",
      message: expect.stringMatching(
        /nat-1 is available but its private address is not in the input/,
      ) as unknown,
    });
    const [t] = runTrace(m, [{ src: "eni-app", dst: "8.8.8.8", protocol: "tcp", port: 443 }]);
    expect(t).toMatchObject({ verdict: "unknown", blockedBy: null });
    expect(t!.reason).toMatch(/route 0\.0\.0\.0\/0 in rtb-priv: nat-1 is available but its private address/);
    // A gateway that is not in use drops traffic whatever the input says of its addresses.
    (d.NatGateways![0] as { State: string }).State = "failed";
    const [f] = runTrace(model(d), [{ src: "eni-app", dst: "8.8.8.8", protocol: "tcp", port: 443 }]);
    expect(f).toMatchObject({ verdict: "blocked", blockedBy: { resource: "nat-1" } });
  });

  it("interfaces become sources; AWS-managed ones (NAT gateway ENIs) do not", () => {
    const d = tinyVpc();
    d.NetworkInterfaces!.push({
      NetworkInterfaceId: "eni-nat",
      SubnetId: "subnet-pub",
      VpcId: "vpc-1",
      PrivateIpAddress: "10.0.0.200",
      InterfaceType: "nat_gateway",
    });
    d.Reservations = [
      {
        Instances: [
          {
            InstanceId: "i-app",
            State: { Name: "running" },
            Platform: "windows",
            Tags: [{ Key: "Name", Value: "app" }],
            NetworkInterfaces: [],
          },
        ],
      },
    ];
    const m = model(d);
    expect(m.endpoints.map((e) => e.id)).toEqual(["eni-app", "eni-web"]);
    expect(m.endpoints[0]).toMatchObject({
      ownerId: "i-app",
      filterIds: ["sg-all"],
      privateIps: [ip("10.0.1.10")],
    });
  });

  it("AWS-managed interfaces that open connections are sources of unknown OS; those that only forward or answer are not", () => {
    const d = tinyVpc();
    const typed = (id: string, addr: string, type: string) => ({
      ...eni(id, "subnet-priv", addr, ["sg-all"]),
      InterfaceType: type,
      RequesterManaged: true,
    });
    // The reference's lists of the types, stated apart from the product's.
    const managed = MANAGED_SENDERS;
    const forwarding = NOT_SENDERS;
    managed.forEach((t, i) => d.NetworkInterfaces!.push(typed(`eni-m${i}`, `10.0.1.${100 + i}`, t)));
    forwarding.forEach((t, i) => d.NetworkInterfaces!.push(typed(`eni-f${i}`, `10.0.1.${150 + i}`, t)));
    const m = model(d);
    expect(m.endpoints.map((e) => e.id)).toEqual([
      "eni-app",
      ...managed.map((_, i) => `eni-m${i}`),
      "eni-web",
    ]);
    for (const e of m.endpoints.filter((x) => x.id.startsWith("eni-m")))
      expect(e.ephemeralPorts.equals(ANY_CLIENT_PORTS), e.id).toBe(true);
    // Types this version knows give no warning.
    expect(ownWarnings(m)).toEqual([]);
    // A QuickSight VPC connection's interface is traced like any other source.
    const quicksight = `eni-m${managed.indexOf("quicksight")}`;
    const [t] = runTrace(m, [{ src: quicksight, dst: "8.8.8.8", protocol: "tcp", port: 443 }]);
    expect(t).toMatchObject({ verdict: "allowed", egressIp: "198.51.100.200" });
  });

  it("EKS pods' branch interfaces are audited as the VPC CNI's default (strict) mode has them, with a warning that standard mode differs", () => {
    const d = tinyVpc();
    for (const [id, addr] of [
      ["eni-pod-2", "10.0.1.51"],
      ["eni-pod-1", "10.0.1.50"],
    ] as const)
      d.NetworkInterfaces!.push({ ...eni(id, "subnet-priv", addr, ["sg-all"]), InterfaceType: "branch" });
    const m = model(d);
    expect(m.endpoints.map((e) => e.id)).toEqual(["eni-app", "eni-pod-1", "eni-pod-2", "eni-web"]);
    expect(ownWarnings(m)).toEqual([
      {
        resource: "POD_SECURITY_GROUP_ENFORCING_MODE",
        message:
          "eni-pod-1, eni-pod-2 are EKS pods' branch interfaces (security groups for pods), audited with the pod's own security groups as in the VPC CNI's strict mode, its default; in standard mode (POD_SECURITY_GROUP_ENFORCING_MODE=standard on the aws-node DaemonSet, which no EC2 output shows) what leaves the VPC is translated to the node's primary interface and filtered by its security groups instead",
      },
    ]);
  });

  it("an EC2 Mac instance's client ports are macOS's, 49152-65535 (describe-instances names no platform for it)", () => {
    const d = tinyVpc();
    d.Reservations = [
      {
        Instances: [
          {
            InstanceId: "i-app",
            State: { Name: "running" },
            InstanceType: "mac2.metal",
            PlatformDetails: "Linux/UNIX",
            PrivateIpAddress: "10.0.1.10",
            SubnetId: "subnet-priv",
          },
        ],
      },
    ];
    const instance = (d.Reservations[0] as { Instances: { InstanceType: string }[] }).Instances[0]!;
    const portsOf = (type: string) => {
      instance.InstanceType = type;
      return model(d).endpoints.find((e) => e.id === "eni-app")!.ephemeralPorts;
    };
    // Every type of the family, the newer dashed names too.
    for (const type of ["mac2.metal", "mac1.metal", "mac-m4.metal", "mac-m4pro.metal"])
      expect(portsOf(type).equals(IntervalSet.range(49152n, 65535n)), type).toBe(true);
    expect(portsOf("m5.large").equals(IntervalSet.range(32768n, 60999n))).toBe(true);
  });

  it("an interface of a type this version does not know is audited as a source of unknown OS, with a warning per type", () => {
    const d = tinyVpc();
    for (const [id, addr, type] of [
      ["eni-new-2", "10.0.1.21", "shiny_new_service"],
      ["eni-new-1", "10.0.1.20", "shiny_new_service"],
      ["eni-other", "10.0.1.30", "another_one"],
    ] as const)
      d.NetworkInterfaces!.push({ ...eni(id, "subnet-priv", addr, ["sg-all"]), InterfaceType: type });
    const m = model(d);
    expect(m.endpoints.map((e) => e.id)).toEqual([
      "eni-app",
      "eni-new-1",
      "eni-new-2",
      "eni-other",
      "eni-web",
    ]);
    expect(m.endpoints.find((e) => e.id === "eni-new-1")!.ephemeralPorts.equals(ANY_CLIENT_PORTS)).toBe(true);
    expect(ownWarnings(m)).toEqual([
      {
        resource: "another_one",
        message:
          'interface type "another_one" is not one this version knows: eni-other audited as sources whose OS is not known (client ports 1024-65535), though whether they open connections of their own is not known',
      },
      {
        resource: "shiny_new_service",
        message:
          'interface type "shiny_new_service" is not one this version knows: eni-new-1, eni-new-2 audited as sources whose OS is not known (client ports 1024-65535), though whether they open connections of their own is not known',
      },
    ]);
    // (The tiny VPC's own gap: i-app's instance is not saved.)
    expect(m.unknowns.map((u) => u.resource)).toEqual(["Reservations"]);
  });

  it("an instance listed without its interfaces takes them from describe-network-interfaces; with none there it is an unknown, never dropped", () => {
    const d = tinyVpc();
    d.Reservations = [
      {
        Instances: [
          {
            InstanceId: "i-app",
            State: { Name: "running" },
            Platform: "windows",
            PrivateIpAddress: "10.0.1.10",
            SubnetId: "subnet-priv",
            SecurityGroups: [{ GroupId: "sg-all" }],
          },
          {
            InstanceId: "i-lost",
            State: { Name: "running" },
            PrivateIpAddress: "10.0.1.77",
            SubnetId: "subnet-priv",
            PublicIpAddress: "198.51.100.77",
            SecurityGroups: [{ GroupId: "sg-all" }],
          },
        ],
      },
    ];
    const m = model(d);
    // eni-app's Attachment names i-app: the instance's OS (Windows) decides its client ports.
    const app = m.endpoints.find((e) => e.id === "eni-app")!;
    expect(app.ephemeralPorts.equals(IntervalSet.range(49152n, 65535n))).toBe(true);
    expect(m.endpoints.map((e) => e.id)).toEqual(["eni-app", "eni-web"]);
    expect(m.unknowns).toEqual([
      {
        resource: "i-lost",
        message:
          "instance i-lost (private IP 10.0.1.77, subnet subnet-priv) is listed without its NetworkInterfaces, and no interface in the input (describe-network-interfaces) is attached to it: its interfaces, their addresses and security groups are not known, so what it sends is not audited",
      },
    ]);
    // Without describe-network-interfaces at all, i-app is an unknown too.
    delete d.NetworkInterfaces;
    expect(model(d).unknowns.map((u) => u.resource)).toEqual(["i-app", "i-lost"]);
  });

  it("prefixes delegated to an interface are its addresses: it hosts them and its groups' members include them", () => {
    const d = tinyVpc();
    Object.assign(d.NetworkInterfaces![0]!, {
      Ipv4Prefixes: [{ Ipv4Prefix: "10.0.1.32/28" }, { Ipv4Prefix: "10.0.1.64/28" }],
      Ipv6Prefixes: [{ Ipv6Prefix: "2600:1f18:1:a01::10/124" }],
    });
    d.SecurityGroups!.push({
      GroupId: "sg-from-all",
      IpPermissions: [],
      IpPermissionsEgress: [{ IpProtocol: "-1", UserIdGroupPairs: [{ GroupId: "sg-all" }] }],
    });
    const m = model(d);
    const app = m.endpoints.find((e) => e.id === "eni-app")!;
    expect(toCidrs(app.prefixes!)).toEqual(["2600:1f18:1:a01::10/124", "10.0.1.32/28", "10.0.1.64/28"]);
    const members = m.filters.get("sg-from-all")!.egress[0]!.match.ips();
    for (const a of ["10.0.1.10", "10.0.1.33", "10.0.1.79", "2600:1f18:1:a01::1f", "10.0.0.10"])
      expect(members.contains(ip(a)), a).toBe(true);
    expect(members.contains(ip("10.0.1.96"))).toBe(false);
    Object.assign(d.NetworkInterfaces![0]!, { Ipv4Prefixes: [{ Ipv4Prefix: "10.0.1.32/33" }] });
    expect(() => model(d)).toThrow(
      /^NetworkInterfaces\.json: \$\.NetworkInterfaces\[0\]\.Ipv4Prefixes\[0\]\.Ipv4Prefix: /,
    );
  });

  it("an instance's public IP belongs to its primary address, not to another network card's first interface", () => {
    // Instances with several network cards attach an interface at device index 0 on each card; the
    // instance's PublicIpAddress is its primary interface's (the one with its PrivateIpAddress).
    const d = tinyVpc();
    d.NetworkInterfaces = [];
    const eniOf = (id: string, addr: string, card: number) => ({
      NetworkInterfaceId: id,
      SubnetId: "subnet-pub",
      VpcId: "vpc-1",
      PrivateIpAddress: addr,
      PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: addr }],
      Groups: [{ GroupId: "sg-all" }],
      Attachment: { DeviceIndex: 0, NetworkCardIndex: card },
    });
    d.Reservations = [
      {
        Instances: [
          {
            InstanceId: "i-big",
            State: { Name: "running" },
            PrivateIpAddress: "10.0.0.50",
            PublicIpAddress: "198.51.100.50",
            // Listed second-card first: the order must not matter.
            NetworkInterfaces: [eniOf("eni-1-card1", "10.0.0.51", 1), eniOf("eni-2-card0", "10.0.0.50", 0)],
          },
        ],
      },
    ];
    const igw = model(d).gateways.get("igw-1")!;
    if (igw.kind !== "internet") throw new Error("igw-1 is not an internet gateway");
    expect(igw.publicIpOf.get(ip("10.0.0.50"))).toBe(ip("198.51.100.50"));
    expect(igw.publicIpOf.has(ip("10.0.0.51"))).toBe(false);
    // Traced by its instance id, the instance sends from its primary interface (card 0).
    const t = runTrace(model(d), [{ src: "i-big", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!;
    expect(t).toMatchObject({ verdict: "allowed", egressIp: "198.51.100.50" });
    expect(t.flow.src).toBe("i-big");
  });
});

describe("missing and malformed data", () => {
  it("a gateway whose state (or NAT type) the input does not give: traffic routed to it is unknown, not allowed", () => {
    const flow = (d: Docs, src: string) => {
      const m = model(d);
      const t = runTrace(m, [{ src, dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!;
      return { verdict: t.verdict, reason: t.reason, unknowns: m.unknowns.map((u) => u.resource) };
    };
    expect(flow(tinyVpc(), "eni-web").verdict).toBe("allowed");
    // AWS prints an internet gateway's attachment state only while attached ("available"): one listed
    // without it is being attached or detached, a change in progress (unknown, not missing data).
    const igw = tinyVpc();
    delete (igw.InternetGateways![0] as { Attachments: { State?: string }[] }).Attachments[0]!.State;
    const stateless = flow(igw, "eni-web");
    expect(stateless.verdict).toBe("unknown");
    expect(stateless.reason).toMatch(
      /igw-1 is being attached to or detached from vpc-1 \(its attachment is listed without a state, which AWS prints only once it is attached\)/,
    );
    expect(stateless.unknowns).not.toContain("igw-1");
    const nat = (fields: Record<string, unknown>) => {
      const d = tinyVpc();
      const n = d.NatGateways![0] as Record<string, unknown>;
      for (const [k, v] of Object.entries(fields))
        if (v === undefined) delete n[k];
        else n[k] = v;
      return flow(d, "eni-app");
    };
    const noState = nat({ State: undefined });
    expect(noState.verdict).toBe("unknown");
    expect(noState.reason).toMatch(/the state of nat-1 is not in the input/);
    expect(noState.unknowns).toContain("nat-1");
    const oddType = nat({ ConnectivityType: "Private" });
    expect(oddType.verdict).toBe("unknown");
    expect(oddType.reason).toMatch(/nat-1 has connectivity type "Private", which this version does not know/);
    // (Not a key any object has either.)
    expect(nat({ ConnectivityType: "toString" }).verdict).toBe("unknown");
    // Output from before private NAT gateways existed has no type: a public one.
    expect(nat({ ConnectivityType: undefined }).verdict).toBe("allowed");
    expect(nat({ ConnectivityType: "private" }).verdict).toBe("blocked");
    // A deleted gateway carries nothing, whatever its type.
    expect(nat({ State: "deleted", ConnectivityType: "Private" }).verdict).toBe("blocked");
  });

  it("a gateway attachment state AWS does not print for its kind is missing data, one being attached or detached a change in progress: unknown, never read as detached", () => {
    const withState = (state: string, kind: "igw" | "eigw" = "igw") => {
      const d =
        kind === "igw"
          ? tinyVpc()
          : ipv6ViaEigw({ Ipv6CidrBlock: "2600:1f18::/56" }, [{ VpcId: "vpc-1", State: state }]);
      if (kind === "igw")
        (d.InternetGateways![0] as { Attachments: { State?: string }[] }).Attachments[0]!.State = state;
      const m = model(d);
      const dst = kind === "igw" ? "8.8.8.8" : "2001:4860:4860::8888";
      const src = kind === "igw" ? "eni-web" : "eni-app";
      const t = runTrace(m, [{ src, dst, protocol: "tcp", port: 443 }])[0]!;
      return { verdict: t.verdict, reason: t.reason, unknowns: m.unknowns.map((u) => u.resource) };
    };
    // An internet gateway's is "available" once attached and not printed otherwise: the egress-only
    // gateway's states, or "Available", are not ones AWS prints for it.
    for (const odd of ["Available", "bogus", "attaching", "attached", "detaching", "detached"]) {
      const t = withState(odd);
      expect(t.verdict, odd).toBe("unknown");
      expect(t.reason).toContain(
        `igw-1's attachment to vpc-1 has state "${odd}", which is not one AWS prints (available)`,
      );
      expect(t.unknowns).toContain("igw-1");
    }
    expect(withState("available").verdict).toBe("allowed");
    // An egress-only gateway's: attached, attaching, detaching, detached.
    const eigw = (state: string) => withState(state, "eigw");
    expect(eigw("attached").verdict).toBe("allowed");
    for (const [state, text] of [
      ["attaching", "being attached to"],
      ["detaching", "being detached from"],
    ] as const) {
      // A change in progress: unknown, but not data the input lacks (exit code 0).
      const t = eigw(state);
      expect(t.verdict).toBe("unknown");
      expect(t.reason).toContain(`eigw-1 is ${text} vpc-1 (its attachment is ${state})`);
      expect(t.unknowns).not.toContain("eigw-1");
    }
    // Detached: it carries nothing, the route is a blackhole.
    expect(eigw("detached").verdict).toBe("blocked");
    const odd = eigw("available");
    expect(odd.verdict).toBe("unknown");
    expect(odd.unknowns).toContain("eigw-1");
  });

  it("a VPC IPv6 block's Ipv6AddressAttribute AWS does not print is missing data; a private block stays private whatever its state", () => {
    const v6 = (block: Record<string, unknown>) => {
      const d = ipv6ViaEigw({ Ipv6CidrBlock: "2600:1f18::/56", ...block }, [
        { VpcId: "vpc-1", State: "attached" },
      ]);
      const m = model(d);
      const t = runTrace(m, [
        { src: "eni-app", dst: "2001:4860:4860::8888", protocol: "tcp", port: 443 },
      ])[0]!;
      return { verdict: t.verdict, reason: t.reason, unknowns: m.unknowns.map((u) => u.message) };
    };
    const associated = { Ipv6CidrBlockState: { State: "associated" } };
    expect(v6({ ...associated, Ipv6AddressAttribute: "public" }).verdict).toBe("allowed");
    // Output from before the attribute (2023) has none: public, as every block was then.
    expect(v6(associated).verdict).toBe("allowed");
    expect(v6({ ...associated, Ipv6AddressAttribute: "private" }).verdict).toBe("blocked");
    for (const odd of ["Private", "bogus"]) {
      const t = v6({ ...associated, Ipv6AddressAttribute: odd });
      expect(t.verdict).toBe("unknown");
      const why = `vpc-1's IPv6 block 2600:1f18::/56 has Ipv6AddressAttribute "${odd}", which is not one AWS prints (public, private), so whether it is advertised on the internet cannot be told`;
      expect(t.reason).toContain(why);
      expect(t.unknowns).toContain(why);
    }
    // A private block being associated (or with a state AWS does not print) is private all the same.
    for (const State of ["associating", "disassociating", "Associated"]) {
      const t = v6({ Ipv6CidrBlockState: { State }, Ipv6AddressAttribute: "private" });
      expect(t.verdict).toBe("blocked");
      expect(t.reason).toContain("which vpc-1 does not advertise on the internet");
    }
    // The state AWS does not print is missing data all the same; one AWS prints is not.
    expect(
      v6({ Ipv6CidrBlockState: { State: "Associated" }, Ipv6AddressAttribute: "private" }).unknowns,
    ).toContain(
      `vpc-1's CIDR block 2600:1f18::/56 has state "Associated", which is not one AWS prints (associating, associated, disassociating, disassociated, failing, failed), so whether it is vpc-1's cannot be told (it is read as not associated)`,
    );
    expect(
      v6({ Ipv6CidrBlockState: { State: "associating" }, Ipv6AddressAttribute: "private" }).unknowns.filter(
        (u) => u.includes("vpc-1"),
      ),
    ).toEqual([]);
  });

  it("a NAT gateway address status AWS does not print is missing data, one AWS is changing unknown: never a gateway without an Elastic IP", () => {
    const withStatus = (status: string | undefined) => {
      const d = tinyVpc();
      const n = d.NatGateways![0] as { NatGatewayAddresses: Record<string, unknown>[] };
      if (status !== undefined) n.NatGatewayAddresses[0]!.Status = status;
      const m = model(d);
      const t = runTrace(m, [{ src: "eni-app", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!;
      return { verdict: t.verdict, reason: t.reason, unknowns: m.unknowns.map((u) => u.resource) };
    };
    expect(withStatus("succeeded").verdict).toBe("allowed");
    // Output from before secondary addresses (2023) prints no status: the address is in use.
    expect(withStatus(undefined).verdict).toBe("allowed");
    for (const odd of ["Succeeded", "bogus"]) {
      const t = withStatus(odd);
      expect(t.verdict).toBe("unknown");
      expect(t.reason).toContain(
        `nat-1's address 10.0.0.200 has status "${odd}", which is not one AWS prints (assigning, unassigning, associating, disassociating, succeeded, failed)`,
      );
      expect(t.unknowns).toContain("nat-1");
    }
    for (const changing of ["assigning", "unassigning", "associating", "disassociating"]) {
      const t = withStatus(changing);
      expect(t.verdict).toBe("unknown");
      expect(t.reason).toContain(
        `nat-1's primary address 10.0.0.200 is ${changing} (AWS is still making or undoing it)`,
      );
      expect(t.unknowns).not.toContain("nat-1");
    }
    // Its association failed: the gateway has no Elastic IP.
    const failed = withStatus("failed");
    expect(failed.verdict).toBe("blocked");
    expect(failed.reason).toContain("nat-1 has no Elastic IP");
  });

  it("a gateway VPC endpoint that is not available: routes to it are unknown (missing data for a state AWS does not print), never allowed", () => {
    const withState = (state?: string) => {
      const d = tinyVpc();
      d.VpcEndpoints = [
        {
          VpcEndpointId: "vpce-gw",
          VpcEndpointType: "Gateway",
          ...(state === undefined ? {} : { State: state }),
          ServiceName: "com.amazonaws.us-east-1.s3",
        },
      ];
      privateRoutes(d).push({ DestinationCidrBlock: "52.216.0.0/15", GatewayId: "vpce-gw", State: "active" });
      const m = model(d);
      const t = runTrace(m, [{ src: "eni-app", dst: "52.216.0.1", protocol: "tcp", port: 443 }])[0]!;
      return { verdict: t.verdict, reason: t.reason, unknowns: m.unknowns.map((u) => u.resource) };
    };
    expect(withState("available").verdict).toBe("allowed");
    for (const odd of ["Available", "bogus"]) {
      const t = withState(odd);
      expect(t.verdict).toBe("unknown");
      expect(t.reason).toContain(
        `vpce-gw has state "${odd}", which is not one AWS prints (pendingAcceptance, pending, available, deleting, deleted, rejected, failed, expired, partial)`,
      );
      expect(t.unknowns).toContain("vpce-gw");
    }
    const stateless = withState(undefined);
    expect(stateless.verdict).toBe("unknown");
    expect(stateless.reason).toContain("the state of vpce-gw is not in the input");
    expect(stateless.unknowns).toContain("vpce-gw");
    // AWS setting it up or taking it down: unknown, not data the input lacks (exit code as it was).
    for (const changing of ["pendingAcceptance", "pending", "deleting", "partial"]) {
      const t = withState(changing);
      expect(t.verdict).toBe("unknown");
      expect(t.reason).toContain(`vpce-gw is ${changing} (AWS is still setting it up or taking it down)`);
      expect(t.unknowns).not.toContain("vpce-gw");
    }
    // Gone: it carries nothing, but whether the route drops the traffic or is gone cannot be told.
    for (const gone of ["deleted", "rejected", "failed", "expired"]) {
      const t = withState(gone);
      expect(t.verdict).toBe("unknown");
      expect(t.reason).toContain(`vpce-gw is ${gone}: it carries no traffic`);
      expect(t.unknowns).not.toContain("vpce-gw");
    }
  });

  it("an instance state AWS does not print, or none, is missing data: its interfaces' verdicts unknown, never read as running", () => {
    /** eni-web as instance i-web's, with `state` (undefined: no State) and its public IP or none. */
    const withState = (state: string | undefined, publicIp = true) => {
      const d = tinyVpc();
      const web = (d.NetworkInterfaces as { NetworkInterfaceId: string }[]).find(
        (e) => e.NetworkInterfaceId === "eni-web",
      )!;
      if (!publicIp) {
        Object.assign(web, eni("eni-web", "subnet-pub", "10.0.0.10", ["sg-all"]));
        delete (web as { Association?: object }).Association;
      }
      Object.assign(web, { Attachment: { InstanceId: "i-web", DeviceIndex: 0 } });
      // sg-all: out tcp/443 only, in tcp/443 from the VPC.
      Object.assign(d.SecurityGroups![0]!, {
        IpPermissionsEgress: [
          { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
        ],
        IpPermissions: [
          { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.0.0.0/16" }] },
        ],
      });
      d.Reservations = [
        {
          Instances: [
            {
              InstanceId: "i-web",
              PrivateIpAddress: "10.0.0.10",
              ...(state === undefined ? {} : { State: { Code: 16, Name: state } }),
              NetworkInterfaces: [web],
            },
          ],
        },
      ];
      const m = model(d);
      const t = (port: number) =>
        runTrace(m, [{ src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port }])[0]!;
      return { m, t443: t(443), unknowns: m.unknowns.map((u) => u.resource) };
    };
    for (const odd of ["Terminated", "Stopped", "bogus"]) {
      // Read as running, a terminated instance's interface sent to the internet (allowed).
      const { t443, unknowns } = withState(odd);
      expect(t443.verdict).toBe("unknown");
      expect(t443.reason).toContain(
        `instance i-web has state "${odd}", which is not one AWS prints (pending, running, shutting-down, terminated, stopping, stopped)`,
      );
      expect(unknowns).toContain("i-web");
      // Without a public IP it is not "blocked for lack of one": a stopped instance may get one.
      expect(withState(odd, false).t443.verdict).toBe("unknown");
    }
    const absent = withState(undefined, false);
    expect(absent.t443.verdict).toBe("unknown");
    expect(absent.t443.reason).toContain("the state of instance i-web is not in the input");
    expect(absent.m.unknowns.find((u) => u.resource === "i-web")!.message).toMatch(
      /\(Reservations\.json \$\.Reservations\[0\]\.Instances\[0\]\.State\)$/,
    );
    // What its groups block is blocked in every state; what reaches it is unknown too.
    const flows = (state: string) =>
      runTrace(withState(state).m, [
        { src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 22 },
        { src: "eni-app", dst: "10.0.0.10", protocol: "tcp", port: 443 },
      ]).map((t) => t.verdict);
    expect(flows("bogus")).toEqual(["blocked", "unknown"]);
    expect(flows("running")).toEqual(["blocked", "allowed"]);
    // States AWS prints: as before.
    expect(withState("running").t443.verdict).toBe("allowed");
    expect(withState("running").unknowns).not.toContain("i-web");
    expect(withState("stopped", false).t443.verdict).toBe("unknown");
    expect(withState("stopped", false).unknowns).not.toContain("i-web");
    // The platform's services answer before any filter: what they would answer is unknown too (it
    // was allowed), what they refuse stays refused.
    const services = (state: string) =>
      runTrace(withState(state).m, [
        { src: "eni-web", dst: "169.254.169.254", protocol: "tcp", port: 80 },
        { src: "eni-web", dst: "169.254.169.253", protocol: "udp", port: 53 },
        { src: "eni-web", dst: "169.254.169.123", protocol: "udp", port: 123 },
        { src: "eni-web", dst: "169.254.169.254", protocol: "tcp", port: 81 },
      ]);
    const odd = services("Running");
    expect(odd.map((t) => t.verdict)).toEqual(["unknown", "unknown", "unknown", "blocked"]);
    expect(odd[0]!.reason).toContain('instance i-web has state "Running", which is not one AWS prints');
    expect(services("running").map((t) => t.verdict)).toEqual(["allowed", "allowed", "allowed", "blocked"]);
  });

  it("a pending instance (being launched or started) is audited as it sends once running: its public IP, when not listed yet, in doubt, never read as none", () => {
    const d = tinyVpc();
    d.NetworkInterfaces!.push({
      ...eni("eni-new", "subnet-pub", "10.0.0.20", ["sg-all"]),
      Attachment: { InstanceId: "i-new", DeviceIndex: 0 },
    });
    d.Reservations = [
      {
        Instances: [
          {
            InstanceId: "i-new",
            State: { Code: 0, Name: "pending" },
            PrivateIpAddress: "10.0.0.20",
            NetworkInterfaces: [{ NetworkInterfaceId: "eni-new", Attachment: { DeviceIndex: 0 } }],
          },
        ],
      },
    ];
    const m = model(d);
    const t = runTrace(m, [{ src: "eni-new", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!;
    expect(m.endpoints.find((e) => e.id === "eni-new")!.stopped).toBe(
      "instance i-new is pending (being launched or started): it sends nothing until it is running; these are the answers once it is",
    );
    // Was blocked ("no public IPv4 address") though AWS may be giving it one.
    expect(t.verdict).toBe("unknown");
    expect(t.reason).toContain("which is pending (being launched or started) and has no public IP");
    // A change AWS is making, not data the input lacks.
    expect(m.unknowns.map((u) => u.resource)).not.toContain("i-new");
  });

  it("metadata options AWS does not print are missing data: the metadata service unknown, listed by a run that asks it", () => {
    const ask = (options: object, dst: string) => {
      const d = tinyVpcWithInstance({ InstanceType: "m5.large", MetadataOptions: options });
      d.InstanceTypes = [{ InstanceType: "m5.large", Hypervisor: "nitro" }];
      const m = model(d);
      const asked = new AskedMissing(m);
      const t = runTrace(
        m,
        [{ src: "eni-app", dst, protocol: "tcp", port: 80 }],
        m.endpoints,
        undefined,
        asked,
      )[0]!;
      return { verdict: t.verdict, reason: t.reason, unknowns: asked.unknowns(), m };
    };
    // "Pending" was read as applied (allowed; with HttpEndpoint disabled, blocked).
    for (const [options, field, value, values] of [
      [{ State: "Pending", HttpEndpoint: "enabled" }, "State", "Pending", "pending, applied"],
      [{ State: "Pending", HttpEndpoint: "disabled" }, "State", "Pending", "pending, applied"],
      [{ State: "applied", HttpEndpoint: "Enabled" }, "HttpEndpoint", "Enabled", "enabled, disabled"],
    ] as const) {
      const t = ask(options, "169.254.169.254");
      expect(t.verdict).toBe("unknown");
      expect(t.reason).toContain(
        `metadata options say ${field} "${value}", which is not one AWS prints (${values})`,
      );
      expect(t.unknowns.find((u) => u.resource === "MetadataOptions")?.message).toMatch(/\(for eni-app\)$/);
    }
    // (eni-app has no IPv6 address: its instance's view of the IPv6 endpoint, as a source with one gets it.)
    const v6 = ask(
      { State: "applied", HttpEndpoint: "enabled", HttpProtocolIpv6: "Enabled" },
      "169.254.169.254",
    );
    const off = v6.m.endpoints
      .find((e) => e.id === "eni-app")!
      .services!.find((x) => x.ips.contains(parseIp("fd00:ec2::254")))!.off!;
    expect(off.verdict).toBe("unknown");
    expect(off.reason).toContain(
      'HttpProtocolIpv6 "Enabled", which is not one AWS prints (enabled, disabled)',
    );
    expect(off.missing?.resource).toBe("MetadataOptions");
    // ... listed only by a run that asks it (the IPv4 endpoint answers as the options say).
    expect(v6.verdict).toBe("allowed");
    expect(v6.unknowns.map((u) => u.resource)).not.toContain("MetadataOptions");
    // Values AWS prints: as before; pending a change in progress, not missing data.
    expect(ask({ State: "applied", HttpEndpoint: "disabled" }, "169.254.169.254").verdict).toBe("blocked");
    const pending = ask({ State: "pending", HttpEndpoint: "enabled" }, "169.254.169.254");
    expect(pending.verdict).toBe("unknown");
    expect(pending.unknowns.map((u) => u.resource)).not.toContain("MetadataOptions");
  });

  it("a subnet IPv6 block state AWS does not print is missing data, as a VPC block's", () => {
    const withState = (state: string) => {
      const d = tinyVpc();
      (d.Subnets![0] as Record<string, unknown>).Ipv6CidrBlockAssociationSet = [
        { Ipv6CidrBlock: "2600:1f18:1:a00::/64", Ipv6CidrBlockState: { State: state } },
      ];
      return model(d).unknowns.filter((u) => u.resource === "subnet-pub");
    };
    expect(withState("associated")).toEqual([]);
    // (It was read as not associated without a word.)
    const odd = withState("Associated");
    expect(odd.map((u) => u.resource)).toEqual(["subnet-pub"]);
    expect(odd[0]!.message).toContain(
      `subnet-pub's CIDR block 2600:1f18:1:a00::/64 has state "Associated", which is not one AWS prints`,
    );
  });

  it("a protocol spelled like an object key is rejected, naming the field", () => {
    const d = tinyVpc();
    d.SecurityGroups!.push({
      GroupId: "sg-bad",
      IpPermissionsEgress: [{ IpProtocol: "toString", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
    });
    expect(() => model(d)).toThrow(
      "SecurityGroups.json: $.SecurityGroups[1].IpPermissionsEgress[0].IpProtocol: ",
    );
  });

  it("a missing key makes what depends on it unknown, with the reason", () => {
    const d = tinyVpc();
    delete d.NetworkAcls;
    const m = model(d);
    const acl = m.filters.get(m.subnets.get("subnet-priv")!.boundaryFilterIds[0]!)!;
    expect(acl.unknown).toMatch(/no NetworkAcls in the input/);
    expect(m.unknowns.length).toBeGreaterThan(0);
  });

  it("a security group without IpPermissionsEgress or IpPermissions (or with null) has rules not read, not none: what they decide is unknown", () => {
    const trace = (m: NetworkModel, src: string, dst: string) =>
      runTrace(m, [{ src, dst, protocol: "tcp", port: 443 }])[0]!;
    for (const absent of [undefined, null]) {
      const d = tinyVpc();
      const sg = d.SecurityGroups![0] as Record<string, unknown>;
      sg.IpPermissionsEgress = absent;
      let m = model(d);
      let t = trace(m, "eni-web", "8.8.8.8");
      expect(t.verdict).toBe("unknown");
      const why =
        "the outbound rules of security group sg-all are not in the input (its describe-security-groups output has no IpPermissionsEgress)";
      expect(t.reason).toContain(why);
      expect(m.unknowns).toContainEqual({ resource: "sg-all", message: why });
      // The groups of an interface are a union: another group's rule still lets its packets out.
      d.SecurityGroups!.push({
        GroupId: "sg-443",
        VpcId: "vpc-1",
        IpPermissions: [],
        IpPermissionsEgress: [
          { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
        ],
      });
      (d.NetworkInterfaces![1] as { Groups: object[] }).Groups.push({ GroupId: "sg-443" });
      m = model(d);
      expect(trace(m, "eni-web", "8.8.8.8").verdict).toBe("allowed");
      expect(runTrace(m, [{ src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 80 }])[0]!.verdict).toBe(
        "unknown",
      );
      // Inbound: what reaches a host of the group is unknown; outbound is read as it is.
      const e = tinyVpc();
      (e.SecurityGroups![0] as Record<string, unknown>).IpPermissions = absent;
      m = model(e);
      expect(trace(m, "eni-web", "8.8.8.8").verdict).toBe("allowed");
      t = trace(m, "eni-app", "10.0.0.10");
      expect(t.verdict).toBe("unknown");
      expect(t.reason).toContain(
        "the inbound rules of security group sg-all are not in the input (its describe-security-groups output has no IpPermissions)",
      );
      expect(m.unknowns.map((u) => u.resource)).toContain("sg-all");
    }
  });

  it("a network ACL without Entries (or with null) has rules not read, not none: what crosses it is unknown", () => {
    for (const absent of [undefined, null]) {
      const d = tinyVpc();
      (d.NetworkAcls![1] as Record<string, unknown>).Entries = absent;
      const m = model(d);
      const why =
        "the entries of network ACL acl-priv are not in the input (its describe-network-acls output has no Entries)";
      const t = runTrace(m, [{ src: "eni-app", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!;
      expect(t.verdict).toBe("unknown");
      expect(t.reason).toContain(why);
      expect(m.unknowns).toContainEqual({ resource: "acl-priv", message: why });
      // The other subnet's ACL is read as it is.
      expect(runTrace(m, [{ src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!.verdict).toBe(
        "allowed",
      );
      const audit = runAudit(m, {
        ports: parsePorts("tcp/443"),
        portsText: "tcp/443",
        dest: parseDest("internet"),
        destText: "internet",
      });
      const app = audit.results.filter((r) => r.source.id === "eni-app");
      expect(app.map((r) => [r.verdict, r.reason])).toEqual([["unknown", expect.stringContaining(why)]]);
      expect(audit.unknowns).toContainEqual({ resource: "acl-priv", message: why });
    }
  });

  it("a group the interfaces name but the input lacks: one reason for all of them, naming none; the note lists them", () => {
    const d = tinyVpc();
    type Eni = { Groups: { GroupId: string }[] };
    for (const e of d.NetworkInterfaces as Eni[]) e.Groups.push({ GroupId: "sg-gone" });
    let m = model(d);
    const reasonOf = (id: string) => m.filters.get(id)!.egress[0]!.unresolved;
    // An audit gives one class's outcome to each of its sources: the reason must fit them all.
    expect(reasonOf("sg-gone")).toBe("security group sg-gone is not in the input");
    // Its rules may allow anything, but the interface's other groups still decide what they allow.
    const t = runTrace(m, [{ src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!;
    expect(t.verdict).toBe("allowed");
    expect(m.unknowns.filter((u) => u.resource === "sg-gone")).toEqual([
      { resource: "sg-gone", message: "security group sg-gone is not in the input (on eni-app, eni-web)" },
    ]);
    delete d.SecurityGroups;
    m = model(d);
    expect(reasonOf("sg-gone")).toBe(
      "security group sg-gone is unknown: no SecurityGroups in the input (aws ec2 describe-security-groups was not saved)",
    );
    expect(m.unknowns.find((u) => u.resource === "sg-all")!.message).toMatch(/ \(on eni-app, eni-web\)$/);
  });

  it("which route table or network ACL applies: gone associations do not count; moving or conflicting ones leave it unknown", () => {
    const subnetTable = (d: Docs) => {
      const m = model(d);
      const id = m.subnets.get("subnet-priv")!.routeTableId!;
      return { id, unknown: m.routeTables.get(id)?.unknown };
    };
    const assoc = (d: Docs, table: number) =>
      (d.RouteTables![table] as { Associations: { AssociationState?: object }[] }).Associations[0]!;
    // Gone: the subnet falls back to the main table.
    let d = tinyVpc();
    assoc(d, 2).AssociationState = { State: "disassociated" };
    expect(subnetTable(d)).toEqual({ id: "rtb-main", unknown: undefined });
    d = tinyVpc();
    assoc(d, 2).AssociationState = { State: "associated" };
    expect(subnetTable(d)).toEqual({ id: "rtb-priv", unknown: undefined });
    d = tinyVpc();
    assoc(d, 2).AssociationState = { State: "associating" };
    expect(subnetTable(d)).toEqual({
      id: "rtb-unknown:subnet-priv",
      unknown:
        "rtb-priv is associating with subnet-priv: which route table applies while that changes is not known",
    });
    // A change AWS is making is no data missing (exit code 0); a state AWS does not print is (3).
    expect(model(d).unknowns.filter((u) => u.resource === "subnet-priv")).toEqual([]);
    d = tinyVpc();
    assoc(d, 2).AssociationState = { State: "Associated" };
    const odd =
      'the association of rtb-priv with subnet-priv has state "Associated", which is not one AWS prints (associating, associated, disassociating, disassociated, failed), so which route table applies cannot be told';
    expect(subnetTable(d)).toEqual({ id: "rtb-unknown:subnet-priv", unknown: odd });
    expect(model(d).unknowns.filter((u) => u.resource === "subnet-priv")).toEqual([
      { resource: "subnet-priv", message: odd },
    ]);
    // Two tables (or ACLs) each claiming the subnet, in either order: the order must not decide.
    for (const order of [0, 1]) {
      d = tinyVpc();
      (d.RouteTables![1] as { Associations: object[] }).Associations.push({ SubnetId: "subnet-priv" });
      (d.NetworkAcls![0] as { Associations: object[] }).Associations.push({ SubnetId: "subnet-priv" });
      if (order) {
        d.RouteTables!.reverse();
        d.NetworkAcls!.reverse();
      }
      expect(subnetTable(d).unknown).toBe(
        "rtb-priv and rtb-pub are each the route table of subnet-priv in the input: which is current cannot be told (two snapshots in one folder?)",
      );
      const m = model(d);
      const acl = m.filters.get(m.subnets.get("subnet-priv")!.boundaryFilterIds[0]!)!;
      expect(acl.unknown).toBe(
        "acl-default and acl-priv are each the network ACL of subnet-priv in the input: which is current cannot be told (two snapshots in one folder?)",
      );
    }
  });

  it("a collector gap names the IAM action that was denied", () => {
    const d = tinyVpc();
    delete d.SecurityGroups;
    d.EgressAuditCollectionGaps = [
      {
        region: "us-east-1",
        call: "DescribeSecurityGroups",
        action: "ec2:DescribeSecurityGroups",
        key: "SecurityGroups",
        code: "UnauthorizedOperation",
        message: "You are not authorized",
      },
    ];
    const m = model(d);
    expect(m.filters.get("sg-all")!.egress[0]!.unresolved).toMatch(
      /ec2:DescribeSecurityGroups failed in us-east-1 \(UnauthorizedOperation/,
    );
  });

  it("a collector gap on the internet gateways leaves routes to them unknown, not working gateways", () => {
    // A route's State can lag a detach: whether the gateway still carries this VPC's traffic is what
    // the call that failed would have told.
    const d = tinyVpc();
    delete d.InternetGateways;
    d.EgressAuditCollectionGaps = [deniedGap("DescribeInternetGateways", "InternetGateways")];
    const t = runTrace(model(d), [{ src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!;
    expect(t.verdict).toBe("unknown");
    expect(t.reason).toMatch(
      /^route 0\.0\.0\.0\/0 in rtb-pub: whether igw-1 is attached to vpc-1 could not be read \(ec2:DescribeInternetGateways failed in us-east-1 \(UnauthorizedOperation/,
    );
    // Not saved at all (a folder without that call): the route's target is taken from the route.
    delete d.EgressAuditCollectionGaps;
    expect(
      runTrace(model(d), [{ src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!.verdict,
    ).toBe("allowed");
  });

  it("a collector gap on the instance types leaves the services' IPv6 addresses unknown, naming it", () => {
    const d = tinyVpc();
    d.Reservations = [
      {
        Instances: [
          {
            InstanceId: "i-app",
            State: { Name: "running" },
            InstanceType: "t3.micro",
            NetworkInterfaces: [{ NetworkInterfaceId: "eni-app", Attachment: { DeviceIndex: 0 } }],
          },
        ],
      },
    ];
    d.EgressAuditCollectionGaps = [
      {
        region: "us-east-1",
        call: "DescribeInstanceTypes",
        action: "ec2:DescribeInstanceTypes",
        key: "InstanceTypes",
        code: "UnauthorizedOperation",
        message: "t3.micro: You are not authorized",
      },
    ];
    const services = model(d).endpoints.find((e) => e.id === "eni-app")!.services!;
    const off = (dst: string) => services.find((s) => s.ips.contains(parseIp(dst)))?.off;
    expect(off("fd00:ec2::123")).toMatchObject({ verdict: "unknown" });
    expect(off("fd00:ec2::123")!.reason).toMatch(
      /^the instance types could not be read \(ec2:DescribeInstanceTypes failed in us-east-1 \(UnauthorizedOperation/,
    );
    expect(off("169.254.169.123")).toBeUndefined();
  });

  it("interfaces whose instances the services see alike share one service list, whatever makes them alike", () => {
    // The engine tells sources apart by their service list object: two Nitro types are alike to the
    // services, a Xen type or other metadata options are not.
    const d = tinyVpc();
    const kinds: [string, string, object?][] = [
      ["m5.large", "10.0.1.11"],
      ["c5.large", "10.0.1.12"],
      ["m5.large", "10.0.1.13"],
      ["m4.large", "10.0.1.14"],
      ["m5.large", "10.0.1.15", { HttpProtocolIpv6: "enabled" }],
      ["m5.large", "10.0.1.16", { HttpEndpoint: "disabled" }],
    ];
    d.NetworkInterfaces = kinds.map(([, ip], k) => ({
      ...eni(`eni-${k}`, "subnet-priv", ip, ["sg-all"]),
      Attachment: { InstanceId: `i-${k}`, DeviceIndex: 0 },
    }));
    d.Reservations = [
      {
        Instances: kinds.map(([type, , options], k) => ({
          InstanceId: `i-${k}`,
          State: { Name: "running" },
          InstanceType: type,
          ...(options ? { MetadataOptions: options } : {}),
          NetworkInterfaces: [{ NetworkInterfaceId: `eni-${k}`, Attachment: { DeviceIndex: 0 } }],
        })),
      },
    ];
    d.InstanceTypes = [
      { InstanceType: "m5.large", Hypervisor: "nitro" },
      { InstanceType: "c5.large", Hypervisor: "nitro" },
      { InstanceType: "m4.large", Hypervisor: "xen" },
    ];
    const m = model(d);
    const lists = kinds.map((_, k) => m.endpoints.find((e) => e.id === `eni-${k}`)!.services!);
    expect(lists[1]).toBe(lists[0]);
    expect(lists[2]).toBe(lists[0]);
    expect(new Set(lists).size).toBe(4);
    const off = (k: number, dst: string) => lists[k]!.find((s) => s.ips.contains(parseIp(dst)))?.off;
    expect(off(0, "fd00:ec2::254")?.reason).toMatch(/HttpProtocolIpv6 disabled/);
    expect(off(3, "fd00:ec2::123")?.reason).toMatch(/^m4\.large is a Xen-based instance type/);
    expect(off(4, "fd00:ec2::254")).toBeUndefined();
    expect(off(5, "169.254.169.254")?.reason).toMatch(/HttpEndpoint disabled/);
  });

  it("a resource listed twice counts once; two different versions of it are an error naming both", () => {
    const d = tinyVpc();
    const sg = d.SecurityGroups![0] as { IpPermissionsEgress: object[] };
    const docs = docsOf(d);
    docs.push({ file: "again.json", data: { SecurityGroups: [structuredClone(sg)] } });
    expect(awsModel(docs, "test").filters.get("sg-all")!.egress).toHaveLength(1);
    const changed = structuredClone(sg);
    changed.IpPermissionsEgress = [];
    docs.push({ file: "later.json", data: { Vpcs: [], SecurityGroups: [changed] } });
    expect(() => awsModel(docs, "test")).toThrow(
      "later.json: $.SecurityGroups[0]: sg-all is also at SecurityGroups.json $.SecurityGroups[0] with different content",
    );
  });

  it("one reservation listed with different instances (describe-instances filtered two ways) is no conflict", () => {
    const instance = (InstanceId: string, eniId: string) => ({
      InstanceId,
      NetworkInterfaces: [{ NetworkInterfaceId: eniId, Attachment: { DeviceIndex: 0 } }],
    });
    const docs = docsOf(tinyVpc());
    docs.push(
      {
        file: "team-a.json",
        data: { Reservations: [{ ReservationId: "r-1", Instances: [instance("i-app", "eni-app")] }] },
      },
      {
        file: "team-b.json",
        data: { Reservations: [{ ReservationId: "r-1", Instances: [instance("i-web", "eni-web")] }] },
      },
    );
    const owners = awsModel(docs, "test").endpoints.map((e) => [e.id, e.ownerId]);
    expect(owners).toEqual([
      ["eni-app", "i-app"],
      ["eni-web", "i-web"],
    ]);
  });

  it("two Elastic IPs on one private address (two snapshots): the one the interface shows, else the lowest, whatever the order, with a warning", () => {
    for (const order of [0, 1]) {
      const d = tinyVpc();
      const eip = (PublicIp: string) => ({
        PublicIp,
        PrivateIpAddress: "10.0.0.10",
        NetworkInterfaceId: "eni-web",
      });
      d.Addresses = order
        ? [eip("198.51.100.90"), eip("198.51.100.80")]
        : [eip("198.51.100.80"), eip("198.51.100.90")];
      // A listing of the interface that does not show its addresses' associations (a trimmed dump):
      // the lowest is used.
      const web = d.NetworkInterfaces![1] as { PrivateIpAddresses?: object[]; Association?: object };
      delete web.PrivateIpAddresses;
      delete web.Association;
      const m = model(d);
      const igw = m.gateways.get("igw-1") as { publicIpOf: Map<bigint, bigint> };
      expect(igw.publicIpOf.get(parseIp("10.0.0.10"))).toBe(parseIp("198.51.100.80"));
      expect(ownWarnings(m)).toEqual([
        {
          resource: "10.0.0.10",
          message:
            "Elastic IPs 198.51.100.80, 198.51.100.90 are all associated with 10.0.0.10 in vpc-1 in the input (two snapshots in one folder?): 198.51.100.80 is used",
        },
      ]);
    }
    // One that shows it: that one.
    const d = tinyVpc();
    d.Addresses = ["198.51.100.10", "198.51.100.5"].map((PublicIp) => ({
      PublicIp,
      PrivateIpAddress: "10.0.0.10",
      NetworkInterfaceId: "eni-web",
    }));
    const igw = model(d).gateways.get("igw-1") as { publicIpOf: Map<bigint, bigint> };
    expect(igw.publicIpOf.get(parseIp("10.0.0.10"))).toBe(parseIp("198.51.100.10"));
  });

  it("an interface's other addresses with public IPs of their own are audited in address order, whatever the listing's order", () => {
    // AWS promises no order for PrivateIpAddresses: a nightly report must not change when it shuffles.
    const sendersOf = (order: number[]) => {
      const d = tinyVpc();
      const web = d.NetworkInterfaces![1] as { PrivateIpAddresses: object[] };
      const others = [21, 20, 22].map((host) => ({
        Primary: false,
        PrivateIpAddress: `10.0.0.${host}`,
        Association: { PublicIp: `198.51.100.${host}` },
      }));
      web.PrivateIpAddresses.push(...order.map((i) => others[i]!));
      const audit = runAudit(model(d), {
        ports: parsePorts("tcp/443"),
        portsText: "tcp/443",
        dest: parseDest("0.0.0.0/0"),
        destText: "0.0.0.0/0",
      });
      return audit.results.filter((e) => e.source.id === "eni-web").map((e) => e.source.privateIp);
    };
    const expected = ["10.0.0.10", "10.0.0.20", "10.0.0.21", "10.0.0.22"];
    for (const order of [
      [0, 1, 2],
      [1, 0, 2],
      [2, 1, 0],
    ])
      expect(sendersOf(order)).toEqual(expected);
  });

  it("a prefix list saved twice counts once if its entries agree (in any order); with other entries it is unknown where used", () => {
    const list = (cidrs: string[]) => ({
      PrefixListId: "pl-partners",
      PrefixListName: "partners",
      Entries: cidrs.map((Cidr) => ({ Cidr })),
    });
    const docs = docsOf(tinyVpc());
    docs.push(
      { file: "a.json", data: { ManagedPrefixLists: [list(["192.0.2.0/24", "198.51.100.0/24"])] } },
      { file: "b.json", data: { ManagedPrefixLists: [list(["198.51.100.0/24", "192.0.2.0/24"])] } },
    );
    expect(() => awsModel(docs, "test")).not.toThrow();
    docs.push({ file: "c.json", data: { ManagedPrefixLists: [list(["192.0.2.0/24"])] } });
    // (Refused, used or not.) Nothing uses it: nothing to say.
    const unused = awsModel(docs, "test");
    expect(unused.unknowns.filter((u) => u.resource === "pl-partners")).toEqual([]);
    // A rule that uses it may match any address: unknown, and the unknowns entry names both places.
    const d = tinyVpc();
    (d.SecurityGroups![0] as { IpPermissionsEgress: object[] }).IpPermissionsEgress = [
      { IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: "pl-partners" }] },
    ];
    const used = [...docsOf(d), ...docs.filter((doc) => doc.file.length === "a.json".length)];
    const m = awsModel(used, "test");
    expect(m.unknowns.filter((u) => u.resource === "pl-partners")).toEqual([
      {
        resource: "pl-partners",
        message:
          "prefix list pl-partners is in the input twice with different entries (at a.json $.ManagedPrefixLists[0] and at c.json $.ManagedPrefixLists[0]): which is current cannot be told (used by sg-all)",
      },
    ]);
    const [t] = runTrace(m, [{ src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 443 }]);
    expect(t).toMatchObject({ verdict: "unknown" });
    expect(t!.reason).toMatch(
      /prefix list pl-partners used by sg-all is in the input twice with different entries/,
    );
    // A route that uses it: its table's verdicts say the same (not "entries are not in the input").
    const r = tinyVpc();
    (r.RouteTables![1] as { Routes: object[] }).Routes.push({
      DestinationPrefixListId: "pl-partners",
      GatewayId: "igw-1",
      State: "active",
    });
    const routed = awsModel(
      [...docsOf(r), ...docs.filter((doc) => doc.file.length === "a.json".length)],
      "test",
    );
    const [viaRoute] = runTrace(routed, [{ src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 443 }]);
    expect(viaRoute).toMatchObject({ verdict: "unknown" });
    expect(viaRoute!.reason).toBe(
      "prefix list pl-partners used by rtb-pub is in the input twice with different entries (two snapshots, or two accounts' views, taken at different times): which is current cannot be told, so the longest-prefix match of rtb-pub cannot be decided",
    );
  });

  it("a prefix list being changed, or whose last change failed, leaves what its rules and routes match unknown; settled states apply its entries", () => {
    // tcp/443 to 8.8.8.8 is allowed only through pl-partners (8.8.8.0/24), by a rule and, in the second
    // VPC, by the only route to the internet gateway.
    const byRule = (state: string | undefined, extra: object[] = []) => {
      const d = tinyVpc();
      (d.SecurityGroups![0] as { IpPermissionsEgress: object[] }).IpPermissionsEgress = [
        { IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: "pl-partners" }] },
      ];
      d.ManagedPrefixLists = [
        {
          PrefixListId: "pl-partners",
          PrefixListName: "partners",
          ...(state === undefined ? {} : { State: state }),
          Entries: [{ Cidr: "8.8.8.0/24" }],
        },
      ];
      return awsModel([...docsOf(d), ...extra.map((data, k) => ({ file: `x${k}.json`, data }))], "test");
    };
    const traceWeb = (m: NetworkModel) =>
      runTrace(m, [{ src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!;
    for (const settled of [
      undefined,
      "create-complete",
      "modify-complete",
      "restore-complete",
      "delete-failed",
    ]) {
      const m = byRule(settled);
      expect(traceWeb(m), String(settled)).toMatchObject({ verdict: "allowed" });
      expect(m.warnings.concat(m.unknowns).filter((n) => n.resource === "pl-partners")).toEqual([]);
    }
    const changing = byRule("modify-in-progress");
    expect(traceWeb(changing)).toMatchObject({
      verdict: "unknown",
      reason:
        "prefix list pl-partners used by sg-all: it is being changed (modify-in-progress): the rules and routes that use it may still apply its previous entries",
    });
    // Not data the run lacks (exit 0): a warning, not an unknowns entry.
    expect(changing.unknowns.filter((u) => u.resource === "pl-partners")).toEqual([]);
    expect(changing.warnings.filter((u) => u.resource === "pl-partners")).toEqual([
      {
        resource: "pl-partners",
        message:
          "prefix list pl-partners: it is being changed (modify-in-progress): the rules and routes that use it may still apply its previous entries (used by sg-all)",
      },
    ]);
    for (const state of ["create-in-progress", "restore-in-progress", "delete-in-progress"])
      expect(traceWeb(byRule(state)).reason, state).toMatch(/it is being changed/);
    for (const state of ["create-failed", "modify-failed", "restore-failed"])
      expect(traceWeb(byRule(state)).reason, state).toMatch(/its last change failed/);
    expect(traceWeb(byRule("delete-complete")).reason).toMatch(/it is deleted \(delete-complete\)/);
    // A state AWS does not print is data the run did not read: listed under unknowns (exit 3).
    const odd = byRule("Modify-Complete");
    expect(traceWeb(odd)).toMatchObject({ verdict: "unknown" });
    const oddNotes = odd.unknowns.filter((u) => u.resource === "pl-partners");
    expect(oddNotes).toHaveLength(1);
    expect(oddNotes[0]!.message).toMatch(
      /^prefix list pl-partners: its state is "Modify-Complete", which is not one AWS prints .* \(used by sg-all\)$/,
    );
    // The same list's describe-prefix-lists Cidrs do not settle it either.
    const both = byRule("modify-in-progress", [
      { PrefixLists: [{ PrefixListId: "pl-partners", PrefixListName: "partners", Cidrs: ["8.8.8.0/24"] }] },
    ]);
    expect(traceWeb(both)).toMatchObject({ verdict: "unknown" });
    // Nor the plain describe-managed-prefix-lists listing of it (under PrefixLists, without entries)
    // when it says the list is changing.
    const listed = byRule("modify-complete", [
      { PrefixLists: [{ PrefixListId: "pl-partners", State: "modify-in-progress" }] },
    ]);
    expect(traceWeb(listed).reason).toMatch(/it is being changed/);

    // A route that uses it: its table cannot be decided.
    const r = tinyVpc();
    (r.RouteTables![1] as { Routes: object[] }).Routes.push({
      DestinationPrefixListId: "pl-partners",
      GatewayId: "igw-1",
      State: "active",
    });
    r.ManagedPrefixLists = [
      {
        PrefixListId: "pl-partners",
        PrefixListName: "partners",
        State: "modify-failed",
        Entries: [{ Cidr: "8.8.8.0/24" }],
      },
    ];
    const [viaRoute] = runTrace(awsModel(docsOf(r), "test"), [
      { src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 443 },
    ]);
    expect(viaRoute).toMatchObject({
      verdict: "unknown",
      reason:
        "prefix list pl-partners used by rtb-pub: its last change failed (modify-failed): which of its entries the rules and routes that use it apply cannot be told, so the longest-prefix match of rtb-pub cannot be decided",
    });
  });

  it("an Elastic IP the listing shows that describe-addresses, saved beside it by that account, does not list leaves the address's internet traffic unknown", () => {
    /** eni-web's public IP as an Elastic IP of `owner`, the groups saved by `account`; describe-addresses as `addresses` says. */
    const withListed = (
      owner: string,
      account: string | undefined,
      addresses: object | undefined,
      file = "addresses.json",
      extra: SourceDocument[] = [],
    ) => {
      const d = tinyVpc();
      const web = d.NetworkInterfaces![1] as {
        PrivateIpAddresses: { Association?: object }[];
        Association?: object;
      };
      const association = { PublicIp: "198.51.100.10", IpOwnerId: owner, AllocationId: "eipalloc-1" };
      web.PrivateIpAddresses[0]!.Association = association;
      web.Association = association;
      if (account) for (const g of d.SecurityGroups as { OwnerId?: string }[]) g.OwnerId = account;
      const docs = docsOf(d);
      if (addresses) docs.push({ file, data: addresses });
      return awsModel([...docs, ...extra], "test");
    };
    const traceWeb = (m: NetworkModel) =>
      runTrace(m, [{ src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!;
    const other = { Addresses: [{ PublicIp: "198.51.100.77", PrivateIpAddress: "10.0.0.99" }] };
    const gone = withListed("111122223333", "111122223333", other);
    expect(traceWeb(gone)).toMatchObject({
      verdict: "unknown",
      egressIp: null,
      reason:
        "the listing of eni-web shows Elastic IP 198.51.100.10 on 10.0.0.10, but describe-addresses does not list it (saved at different moments: it may have been released or moved), so whether and as what 10.0.0.10 reaches the internet cannot be told",
    });
    expect(gone.unknowns).toContainEqual({
      resource: "eni-web",
      message:
        "its listing shows Elastic IP 198.51.100.10 (owner 111122223333) on 10.0.0.10 (NetworkInterfaces.json $.NetworkInterfaces[1].PrivateIpAddresses[0]), but describe-addresses, saved beside it, does not list it: saved at different moments, which is current cannot be told",
    });
    // An empty answer is an answer: no Elastic IP in the region.
    expect(traceWeb(withListed("111122223333", "111122223333", { Addresses: [] })).verdict).toBe("unknown");
    // Listed: as it is.
    const listed = {
      Addresses: [
        { PublicIp: "198.51.100.10", PrivateIpAddress: "10.0.0.10", NetworkInterfaceId: "eni-web" },
      ],
    };
    expect(traceWeb(withListed("111122223333", "111122223333", listed))).toMatchObject({
      verdict: "allowed",
      egressIp: "198.51.100.10",
    });
    // Not the saving account's (a shared VPC's owner's: not its to list), a public IP AWS assigned, no
    // account known, describe-addresses not saved, saved in another folder, or with several accounts'
    // snapshots in one folder: nothing to compare, read as the listing shows.
    for (const m of [
      withListed("999988887777", "111122223333", other),
      withListed("amazon", "111122223333", other),
      withListed("111122223333", undefined, other),
      withListed("111122223333", "111122223333", undefined),
      withListed("111122223333", "111122223333", other, "elsewhere/addresses.json"),
    ])
      expect(traceWeb(m)).toMatchObject({ verdict: "allowed", egressIp: "198.51.100.10" });
    // Two accounts' groups in one folder: whose describe-addresses it is cannot be told.
    const b = { SecurityGroups: [{ GroupId: "sg-b", OwnerId: "444455556666", VpcId: "vpc-1" }] };
    const mixed = withListed("111122223333", "111122223333", other, "addresses.json", [
      { file: "groups-b.json", data: b },
    ]);
    expect(traceWeb(mixed)).toMatchObject({ verdict: "allowed", egressIp: "198.51.100.10" });
  });

  it("describe-addresses and the interface listing disagreeing on an address's public IP leave its internet traffic unknown, naming both", () => {
    const withAddress = (PublicIp: string, PrivateIpAddress: string, NetworkInterfaceId: string) => {
      const docs = docsOf(tinyVpc());
      docs.push({
        file: "addresses.json",
        data: { Addresses: [{ PublicIp, PrivateIpAddress, NetworkInterfaceId }] },
      });
      return awsModel(docs, "test");
    };
    const traceWeb = (m: NetworkModel) =>
      runTrace(m, [{ src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!;
    // The same association both ways: read as it is.
    expect(traceWeb(withAddress("198.51.100.10", "10.0.0.10", "eni-web"))).toMatchObject({
      verdict: "allowed",
      egressIp: "198.51.100.10",
    });
    // Another public IP, or one where the interface shows none: saved at different moments (an
    // Elastic IP moved between the calls, which a live run meets too).
    const moved = withAddress("198.51.100.99", "10.0.0.10", "eni-web");
    const t = traceWeb(moved);
    expect(t).toMatchObject({ verdict: "unknown", blockedBy: null, egressIp: null });
    expect(t.reason).toBe(
      "describe-addresses and the listing of eni-web disagree on the public IP of 10.0.0.10 (saved at different moments), so whether and as what 10.0.0.10 reaches the internet cannot be told",
    );
    // Whatever its public IP, what is not for the internet is dropped at the gateway: blocked, not unknown.
    const local = runTrace(moved, [{ src: "eni-web", dst: "192.168.1.1", protocol: "tcp", port: 443 }])[0]!;
    expect(local).toMatchObject({
      verdict: "blocked",
      blockedBy: { kind: "internet-gateway", rule: null },
      reason: expect.stringContaining("the destination is not a public internet address") as unknown,
    });
    expect(moved.unknowns).toContainEqual({
      resource: "eni-web",
      message:
        "describe-addresses associates Elastic IP 198.51.100.99 with 10.0.0.10 of eni-web (addresses.json $.Addresses[0]), but its listing shows 198.51.100.10 (NetworkInterfaces.json $.NetworkInterfaces[1].PrivateIpAddresses[0]): saved at different moments, which is current cannot be told",
    });
    // Two sources in doubt each get their own reason (an audit shares results only among sources
    // its key cannot tell apart).
    const docs = docsOf(tinyVpc());
    docs.push({
      file: "addresses.json",
      data: {
        Addresses: [
          { PublicIp: "198.51.100.99", PrivateIpAddress: "10.0.0.10", NetworkInterfaceId: "eni-web" },
          { PublicIp: "198.51.100.98", PrivateIpAddress: "10.0.0.11", NetworkInterfaceId: "eni-web2" },
        ],
      },
    });
    (
      docs[docs.findIndex((x) => "NetworkInterfaces" in (x.data as object))]!.data as {
        NetworkInterfaces: object[];
      }
    ).NetworkInterfaces.push(eni("eni-web2", "subnet-pub", "10.0.0.11", ["sg-all"], "198.51.100.11"));
    const both = runAudit(awsModel(docs, "test"), {
      ports: parsePorts("tcp/443"),
      portsText: "tcp/443",
      dest: parseDest("internet"),
      destText: "internet",
    });
    expect(
      both.results.filter((r) => r.source.id.startsWith("eni-web")).map((r) => [r.source.id, r.reason]),
    ).toEqual([
      [
        "eni-web",
        expect.stringMatching(/listing of eni-web disagree on the public IP of 10\.0\.0\.10 /) as unknown,
      ],
      [
        "eni-web2",
        expect.stringMatching(/listing of eni-web2 disagree on the public IP of 10\.0\.0\.11 /) as unknown,
      ],
    ]);
    const none = withAddress("198.51.100.40", "10.0.1.10", "eni-app");
    expect(none.unknowns.find((u) => u.resource === "eni-app")?.message).toMatch(
      /Elastic IP 198\.51\.100\.40 with 10\.0\.1\.10 of eni-app .* but its listing shows no public IP/,
    );
  });

  it("an instance or an Elastic IP saved twice in two versions is an error too", () => {
    const reservation = {
      ReservationId: "r-1",
      Instances: [
        {
          InstanceId: "i-app",
          MetadataOptions: { HttpEndpoint: "enabled" },
          NetworkInterfaces: [{ NetworkInterfaceId: "eni-app", Attachment: { DeviceIndex: 0 } }],
        },
      ],
    };
    const off = structuredClone(reservation);
    off.Instances[0]!.MetadataOptions.HttpEndpoint = "disabled";
    const eip = { PublicIp: "198.51.100.77", PrivateIpAddress: "10.0.1.10", NetworkInterfaceId: "eni-app" };
    const moved = { ...eip, PrivateIpAddress: "10.0.0.10", NetworkInterfaceId: "eni-web" };
    for (const [key, a, b, id] of [
      ["Reservations", reservation, off, "i-app"],
      ["Addresses", eip, moved, "198.51.100.77"],
    ] as const) {
      const docs = docsOf(withEip(tinyVpc(), "198.51.100.77"));
      docs.push(
        { file: "a.json", data: { [key]: [a] } },
        { file: "b.json", data: { [key]: [structuredClone(a)] } },
      );
      expect(() => awsModel(docs, "test"), key).not.toThrow();
      docs.push({ file: "c.json", data: { [key]: [b] } });
      const where = key === "Reservations" ? `$.${key}[0].Instances[0]` : `$.${key}[0]`;
      expect(() => awsModel(docs, "test")).toThrow(
        `c.json: ${where}: ${id} is also at a.json ${where} with different content`,
      );
    }
  });

  it("a shared subnet described by two accounts (each with its own tags, counts differing) is one subnet", () => {
    const d = tinyVpc();
    const docs = docsOf(d);
    const other = {
      ...structuredClone(d.Subnets![1] as object),
      Tags: [{ Key: "Name", Value: "as the participant calls it" }],
      AvailableIpAddressCount: 17,
    };
    docs.push({ file: "participant/Subnets.json", data: { Subnets: [other] } });
    expect(awsModel(docs, "test").subnets.get("subnet-priv")).toEqual(
      model(tinyVpc()).subnets.get("subnet-priv"),
    );
  });

  it("a shared subnet's zone name is mapped per account: the same AvailabilityZoneId is the same zone", () => {
    const views = (owner: object, participant: object) => {
      const d = tinyVpc();
      Object.assign(d.Subnets![1]!, owner);
      const docs = docsOf(d);
      const other = {
        ...structuredClone(d.Subnets![1] as object),
        ...participant,
        MapPublicIpOnLaunch: true,
      };
      docs.push({ file: "participant/Subnets.json", data: { Subnets: [other] } });
      return () => awsModel(docs, "test");
    };
    // (Refused as two versions of one resource.)
    expect(
      views(
        { AvailabilityZone: "us-east-1a", AvailabilityZoneId: "use1-az1" },
        { AvailabilityZone: "us-east-1c", AvailabilityZoneId: "use1-az1" },
      )().subnets.get("subnet-priv")?.zone,
    ).toBe("us-east-1a");
    // Another zone, or names alone that differ, are two versions.
    for (const [owner, participant] of [
      [
        { AvailabilityZone: "us-east-1a", AvailabilityZoneId: "use1-az1" },
        { AvailabilityZone: "us-east-1c", AvailabilityZoneId: "use1-az2" },
      ],
      [{ AvailabilityZone: "us-east-1a" }, { AvailabilityZone: "us-east-1c" }],
    ])
      expect(views(owner!, participant!)).toThrow(
        /subnet-priv is also at Subnets\.json .*\(two versions of one resource/,
      );
  });

  it("a participant's view of a shared subnet: its route table and ACL are the owner's, and the reason says so", () => {
    const d = tinyVpc();
    for (const s of d.Subnets as { OwnerId?: string }[]) s.OwnerId = "111122223333";
    for (const e of d.NetworkInterfaces as { OwnerId?: string }[]) e.OwnerId = "444455556666";
    // The participant sees none of the owner's route tables and network ACLs.
    d.RouteTables = [];
    d.NetworkAcls = [];
    const m = model(d);
    const [t] = runTrace(m, [{ src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 443 }]);
    const shared =
      "subnet-pub is shared by account 111122223333 (the interfaces in it are 444455556666's): its route table and network ACL are that account's, and only its describe-route-tables and describe-network-acls can tell them";
    // (It said "the route table of subnet-pub (none associated) is not in the data".)
    expect(t).toMatchObject({
      verdict: "unknown",
      reason: `the route table of subnet-pub is not in the input: ${shared}`,
    });
    expect(m.unknowns.filter((u) => u.resource === "subnet-pub").map((u) => u.message)).toEqual([
      `the network ACL of subnet-pub is not in the input: ${shared}`,
      `the route table of subnet-pub is not in the input: ${shared}`,
    ]);
    // A call that failed is named instead: the IAM action missing is what to fix.
    const denied = structuredClone(d);
    delete denied.RouteTables;
    denied.EgressAuditCollectionGaps = [deniedGap("DescribeRouteTables", "RouteTables", "us-east-1")];
    const [g] = runTrace(model(denied), [{ src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 443 }]);
    expect(g!.reason).toMatch(/^ec2:DescribeRouteTables failed in us-east-1/);
    // The owner's own interfaces: nothing tells that the subnet is shared.
    for (const e of d.NetworkInterfaces as { OwnerId?: string }[]) e.OwnerId = "111122223333";
    expect(model(d).unknowns.some((u) => u.message.includes("is shared by"))).toBe(false);
    // The interface's OwnerId decides no verdict: two listings that print it differently are one.
    const docs = docsOf(d);
    docs.push({
      file: "participant/NetworkInterfaces.json",
      data: { NetworkInterfaces: [{ ...(d.NetworkInterfaces![0] as object), OwnerId: "444455556666" }] },
    });
    expect(() => awsModel(docs, "test")).not.toThrow();
  });

  it("a peering connection across regions is described in both, each with its own tags: not a conflict", () => {
    const docs = docsOf(tinyVpc());
    const pcx = (region: string) => ({
      VpcPeeringConnectionId: "pcx-1",
      Status: { Code: "active" },
      Tags: [{ Key: "Name", Value: `peer seen from ${region}` }],
    });
    docs.push(
      { file: "us-east-1/pcx.json", data: { VpcPeeringConnections: [pcx("us-east-1")] } },
      { file: "eu-west-1/pcx.json", data: { VpcPeeringConnections: [pcx("eu-west-1")] } },
    );
    expect(() => awsModel(docs, "test")).not.toThrow();
  });

  it("null in an optional field means absent, as tools built on the Go or Java SDKs print it", () => {
    // Every optional field the reader declares, set to null where the tiny VPC leaves it out.
    const withNulls = (d: Docs): Docs => {
      const fill = (o: Record<string, unknown>, keys: string[]) => {
        for (const k of keys) if (!(k in o)) o[k] = null;
      };
      for (const v of d.Vpcs as Record<string, unknown>[]) fill(v, ["CidrBlockAssociationSet", "Tags"]);
      for (const s of d.Subnets as Record<string, unknown>[])
        fill(s, ["Ipv6CidrBlockAssociationSet", "AvailabilityZone", "Tags"]);
      for (const rt of d.RouteTables as { Routes: Record<string, unknown>[] }[])
        for (const r of rt.Routes)
          fill(r, ["DestinationIpv6CidrBlock", "NatGatewayId", "InstanceId", "Origin"]);
      for (const a of d.NetworkAcls as { Entries: Record<string, unknown>[] }[])
        for (const e of a.Entries) fill(e, ["Ipv6CidrBlock", "PortRange", "IcmpTypeCode"]);
      for (const g of d.SecurityGroups as { IpPermissionsEgress: Record<string, unknown>[] }[]) {
        fill(g, ["Description", "Tags"]);
        for (const p of g.IpPermissionsEgress)
          fill(p, ["FromPort", "ToPort", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs"]);
      }
      for (const n of d.NetworkInterfaces as Record<string, unknown>[])
        fill(n, ["Association", "Ipv6Addresses", "Description", "TagSet"]);
      for (const g of d.InternetGateways as Record<string, unknown>[]) fill(g, ["Tags"]);
      for (const n of d.NatGateways as Record<string, unknown>[]) fill(n, ["Tags"]);
      return d;
    };
    const plain = model(tinyVpc());
    const nulls = model(withNulls(tinyVpc()));
    expect(nulls.warnings).toEqual(plain.warnings);
    expect(nulls.unknowns).toEqual(plain.unknowns);
    expect(nulls.endpoints).toEqual(plain.endpoints);
    expect([...nulls.subnets.values()]).toEqual([...plain.subnets.values()]);
    expect([...nulls.gateways.values()]).toEqual([...plain.gateways.values()]);
    for (const [id, f] of plain.filters) {
      const g = nulls.filters.get(id)!;
      expect(g.egress.map((r) => [r.ref, r.match.key(), r.unresolved])).toEqual(
        f.egress.map((r) => [r.ref, r.match.key(), r.unresolved]),
      );
    }
    for (const [id, rt] of plain.routeTables)
      expect(nulls.routeTables.get(id)!.routes.map((r) => [r.dest.key(), r.target])).toEqual(
        rt.routes.map((r) => [r.dest.key(), r.target]),
      );
  });

  it("a top-level key with null (a call's empty answer, as Go SDK tools print it) holds nothing", () => {
    const docs = docsOf(tinyVpc());
    docs.push({ file: "pcx.json", data: { VpcPeeringConnections: null } });
    docs.push({ file: "bpa.json", data: { VpcBlockPublicAccessOptions: null } });
    const m = awsModel(docs, "test");
    expect(m.unknowns).toEqual(model(tinyVpc()).unknowns);
    expect(m.networks.get("vpc-1")!.internetBlock).toBeUndefined();
    // A DNS support attribute whose value is null: the VPC's resolver may or may not answer.
    docs.push({ file: "dns.json", data: { VpcId: "vpc-1", EnableDnsSupport: null } });
    expect(awsModel(docs, "test").networks.get("vpc-1")!.services![0]!.off).toMatchObject({
      verdict: "unknown",
      reason:
        "the DNS support attribute of vpc-1 has no value, so whether the Amazon-provided DNS resolver answers in it is not known",
    });
  });

  it("a CIDR of the other family in a field of one (CidrIp, Ipv6CidrBlock ...) is an error naming the field", () => {
    const cases: [(d: Docs) => void, string][] = [
      [
        (d) => {
          const sg = d.SecurityGroups![0] as { IpPermissionsEgress: { IpRanges: { CidrIp: string }[] }[] };
          sg.IpPermissionsEgress[0]!.IpRanges[0]!.CidrIp = "::/0";
        },
        'SecurityGroups.json: $.SecurityGroups[0].IpPermissionsEgress[0].IpRanges[0].CidrIp: expected an IPv4 CIDR, got "::/0"',
      ],
      [
        (d) => {
          const sg = d.SecurityGroups![0] as { IpPermissionsEgress: object[] };
          sg.IpPermissionsEgress[0] = { IpProtocol: "-1", Ipv6Ranges: [{ CidrIpv6: "0.0.0.0/0" }] };
        },
        'SecurityGroups.json: $.SecurityGroups[0].IpPermissionsEgress[0].Ipv6Ranges[0].CidrIpv6: expected an IPv6 CIDR, got "0.0.0.0/0"',
      ],
      [
        (d) =>
          setAcl(d, "acl-priv", [
            { CidrBlock: "::/0", Egress: true, Protocol: "-1", RuleAction: "allow", RuleNumber: 100 },
          ]),
        'NetworkAcls.json: $.NetworkAcls[1].Entries[0].CidrBlock: expected an IPv4 CIDR, got "::/0"',
      ],
      [
        (d) =>
          setAcl(d, "acl-priv", [
            {
              Ipv6CidrBlock: "0.0.0.0/0",
              Egress: true,
              Protocol: "-1",
              RuleAction: "allow",
              RuleNumber: 100,
            },
          ]),
        'NetworkAcls.json: $.NetworkAcls[1].Entries[0].Ipv6CidrBlock: expected an IPv6 CIDR, got "0.0.0.0/0"',
      ],
      [
        (d) => privateRoutes(d).push({ DestinationCidrBlock: "::/0", GatewayId: "igw-1" }),
        'RouteTables.json: $.RouteTables[2].Routes[2].DestinationCidrBlock: expected an IPv4 CIDR, got "::/0"',
      ],
      [
        (d) => privateRoutes(d).push({ DestinationIpv6CidrBlock: "0.0.0.0/0", GatewayId: "igw-1" }),
        'RouteTables.json: $.RouteTables[2].Routes[2].DestinationIpv6CidrBlock: expected an IPv6 CIDR, got "0.0.0.0/0"',
      ],
    ];
    expectInputErrors(cases);
  });

  it("an address of the other family in a field of one (PublicIp, PrivateIpAddress, Ipv6Address ...) is an error naming the field", () => {
    // Read as given, an IPv6 "public IP" of an IPv4 address made its internet traffic allowed, with an
    // IPv6 egress IP.
    type Eni = {
      PrivateIpAddress: string;
      PrivateIpAddresses: { PrivateIpAddress: string; Association?: { PublicIp: string } }[];
      Association?: { PublicIp: string };
      Ipv6Addresses?: { Ipv6Address: string }[];
    };
    const web = (d: Docs) => d.NetworkInterfaces![1] as Eni;
    const cases: [(d: Docs) => void, string][] = [
      [
        (d) => {
          web(d).PrivateIpAddresses[0]!.Association = { PublicIp: "2600:1f18::1" };
          web(d).Association = { PublicIp: "2600:1f18::1" };
        },
        'NetworkInterfaces.json: $.NetworkInterfaces[1].PrivateIpAddresses[0].Association.PublicIp: expected an IPv4 address, got "2600:1f18::1"',
      ],
      [
        (d) => {
          delete web(d).PrivateIpAddresses[0]!.Association;
          web(d).Association = { PublicIp: "2600:1f18::1" };
        },
        'NetworkInterfaces.json: $.NetworkInterfaces[1].Association.PublicIp: expected an IPv4 address, got "2600:1f18::1"',
      ],
      [
        (d) => {
          web(d).PrivateIpAddress = "fd00::10";
          web(d).PrivateIpAddresses = [];
        },
        'NetworkInterfaces.json: $.NetworkInterfaces[1].PrivateIpAddress: expected an IPv4 address, got "fd00::10"',
      ],
      [
        (d) => (web(d).Ipv6Addresses = [{ Ipv6Address: "10.0.0.99" }]),
        'NetworkInterfaces.json: $.NetworkInterfaces[1].Ipv6Addresses[0].Ipv6Address: expected an IPv6 address, got "10.0.0.99"',
      ],
      [
        (d) => {
          const nat = d.NatGateways![0] as { NatGatewayAddresses: { PublicIp: string }[] };
          nat.NatGatewayAddresses[0]!.PublicIp = "2600:1f18::9";
        },
        'NatGateways.json: $.NatGateways[0].NatGatewayAddresses[0].PublicIp: expected an IPv4 address, got "2600:1f18::9"',
      ],
    ];
    expectInputErrors(cases);
  });

  it("a route table or network ACL associated with a subnet of another VPC is an error naming the association", () => {
    // AWS associates them only within a VPC: the subnet would be routed and filtered by another VPC's
    // rules and gateways.
    const other = (d: Docs) => {
      d.Vpcs!.push({ VpcId: "vpc-2", CidrBlock: "10.0.0.0/16" });
      d.Subnets!.push({ SubnetId: "subnet-x", VpcId: "vpc-2", CidrBlock: "10.0.1.0/24" });
    };
    expectInputErrors([
      [
        (d) => {
          other(d);
          (d.RouteTables![2] as { Associations: object[] }).Associations.push({ SubnetId: "subnet-x" });
        },
        "RouteTables.json: $.RouteTables[2].Associations[1].SubnetId: rtb-priv is a route table of vpc-1, but describe-subnets puts subnet-x in vpc-2: AWS associates a route table only with subnets of its own VPC",
      ],
      [
        (d) => {
          other(d);
          (d.NetworkAcls![1] as { Associations: object[] }).Associations.push({ SubnetId: "subnet-x" });
        },
        "NetworkAcls.json: $.NetworkAcls[1].Associations[1].SubnetId: acl-priv is a network ACL of vpc-1, but describe-subnets puts subnet-x in vpc-2: AWS associates a network ACL only with subnets of its own VPC",
      ],
    ]);
  });

  it("an association that names no subnet (nor gateway, and is not the main one) is an error naming it", () => {
    // Read as nothing, its subnet would fall to the main table or the default ACL: a false answer.
    const unnamed = (a: Record<string, unknown>) => {
      delete a.SubnetId;
      return a;
    };
    expectInputErrors([
      [
        (d) => unnamed((d.RouteTables![1] as { Associations: Record<string, unknown>[] }).Associations[0]!),
        "RouteTables.json: $.RouteTables[1].Associations[0]: expected SubnetId or GatewayId, or Main true (an association names what it associates)",
      ],
      [
        (d) => {
          const a = unnamed(
            (d.RouteTables![2] as { Associations: Record<string, unknown>[] }).Associations[0]!,
          );
          a.Main = false;
          a.GatewayId = null;
        },
        "RouteTables.json: $.RouteTables[2].Associations[0]: expected SubnetId or GatewayId, or Main true",
      ],
      [
        (d) => {
          (d.NetworkAcls![1] as { Associations: Record<string, unknown>[] }).Associations[0]!.SubnetId = null;
        },
        "NetworkAcls.json: $.NetworkAcls[1].Associations[0]: expected SubnetId (an association names what it associates)",
      ],
    ]);
    // One that is gone names what it likes: it associates nothing.
    const gone = tinyVpc();
    (gone.RouteTables![1] as { Associations: object[] }).Associations.push({
      AssociationState: { State: "disassociated" },
    });
    expect(() => model(gone)).not.toThrow();
  });

  it("a route to a NAT gateway of another VPC is unknown, never that gateway's way out", () => {
    const d = tinyVpc();
    d.Vpcs!.push({ VpcId: "vpc-2", CidrBlock: "10.9.0.0/16" });
    d.Subnets!.push({ SubnetId: "subnet-x", VpcId: "vpc-2", CidrBlock: "10.9.0.0/24" });
    const nat = d.NatGateways![0] as { SubnetId: string; VpcId: string };
    nat.SubnetId = "subnet-x";
    nat.VpcId = "vpc-2";
    const t = runTrace(model(d), [{ src: "eni-app", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!;
    expect(t.verdict).toBe("unknown");
    expect(t.reason).toMatch(
      /its target nat-1 is a NAT gateway of vpc-2, not of vpc-1, which AWS does not route to/,
    );
  });

  it("a bad value is an InputError naming the file and JSON path", () => {
    const d = tinyVpc();
    publicRoutes(d).push({ GatewayId: "igw-1" });
    expect(() => model(d)).toThrow(InputError);
    expect(() => model(d)).toThrow(
      "RouteTables.json: $.RouteTables[1].Routes[2]: expected DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId",
    );
  });
});

describe("VPC Block Public Access", () => {
  const options = (region: string, mode: string) => ({
    AwsRegion: region,
    State: "update-complete",
    InternetGatewayBlockMode: mode,
    ExclusionsAllowed: "allowed",
  });
  /** The VPC's subnets in us-east-1, and the settings as separate files (one object each, as the CLI prints). */
  const withOptions = (...opts: object[]) => {
    const d = tinyVpc();
    for (const s of d.Subnets as { AvailabilityZone?: string }[]) s.AvailabilityZone = "us-east-1a";
    const docs = docsOf(d);
    opts.forEach((o, i) => docs.push({ file: `bpa-${i}.json`, data: { VpcBlockPublicAccessOptions: o } }));
    docs.push({ file: "exclusions.json", data: { VpcBlockPublicAccessExclusions: [] } });
    return awsModel(docs, "test").networks.get("vpc-1")!.internetBlock;
  };

  it("a mode saved without its exclusions is undecided: one may exempt any VPC or subnet", () => {
    const d = tinyVpc();
    for (const s of d.Subnets as { AvailabilityZone?: string }[]) s.AvailabilityZone = "us-east-1a";
    const docs = docsOf(d);
    docs.push({
      file: "bpa.json",
      data: { VpcBlockPublicAccessOptions: options("us-east-1", "block-bidirectional") },
    });
    const model = awsModel(docs, "test");
    expect(model.networks.get("vpc-1")!.internetBlock?.exclusionsUnknown).toMatch(
      /its exclusions are not in the input \(aws ec2 describe-vpc-block-public-access-exclusions was not saved\)/,
    );
    const t = runTrace(model, [{ src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!;
    expect(t.verdict).toBe("unknown");
    noteMissing(model);
    expect(model.unknowns.map((u) => u.resource)).toContain("vpc-block-public-access/us-east-1");
    // block-ingress lets out what a NAT gateway sends, whatever the exclusions: only the rest is unknown.
    const ingress = docsOf(tinyVpc());
    for (const d of ingress)
      for (const s of (d.data as { Subnets?: { AvailabilityZone?: string }[] }).Subnets ?? [])
        s.AvailabilityZone = "us-east-1a";
    ingress.push({
      file: "bpa.json",
      data: { VpcBlockPublicAccessOptions: options("us-east-1", "block-ingress") },
    });
    const [web, app] = runTrace(awsModel(ingress, "test"), [
      { src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 443 },
      { src: "eni-app", dst: "8.8.8.8", protocol: "tcp", port: 443 },
    ]);
    expect(web!.verdict).toBe("unknown");
    expect(app).toMatchObject({ verdict: "allowed", egressIp: "198.51.100.200" });
  });

  it("without describe-vpcs, AWS still answers at its link-local addresses: security groups do not apply", () => {
    const d = tinyVpc();
    delete d.Vpcs;
    (d.SecurityGroups![0] as { IpPermissionsEgress: object[] }).IpPermissionsEgress = [];
    const [sync, dns] = runTrace(awsModel(docsOf(d), "test"), [
      { src: "eni-app", dst: "169.254.169.123", protocol: "udp", port: 123 },
      { src: "eni-app", dst: "169.254.169.253", protocol: "udp", port: 53 },
    ]);
    expect(sync).toMatchObject({ verdict: "allowed", exit: "cloud-service" });
    expect(dns).toMatchObject({ verdict: "allowed", exit: "cloud-service" });
  });

  // Without describe-vpcs, and with describe-vpcs saved with only another VPC (a filter, another
  // region's): the VPC the subnets name stands in and gets its region's setting (left out of the
  // model beside others' descriptions, it escaped it: allowed where AWS blocks).
  it.each([
    [
      "without describe-vpcs",
      undefined,
      "vpc-1 is not described: no Vpcs in the input (aws ec2 describe-vpcs was not saved)",
    ],
    [
      "when describe-vpcs lists only others",
      [{ VpcId: "vpc-9", CidrBlock: "172.31.0.0/16" }],
      "vpc-1 is not in the input's describe-vpcs output, though other VPCs are (saved with a filter, or only other regions' saved?)",
    ],
  ])("applies %s too: the VPC its subnets name stands in, its own settings unknown", (_, vpcs, why) => {
    const d = tinyVpc();
    if (vpcs) d.Vpcs = vpcs;
    else delete d.Vpcs;
    for (const s of d.Subnets as { AvailabilityZone?: string }[]) s.AvailabilityZone = "us-east-1a";
    const docs = docsOf(d);
    docs.push(
      {
        file: "bpa.json",
        data: { VpcBlockPublicAccessOptions: options("us-east-1", "block-bidirectional") },
      },
      { file: "exclusions.json", data: { VpcBlockPublicAccessExclusions: [] } },
    );
    const model = awsModel(docs, "test");
    const net = model.networks.get("vpc-1")!;
    expect(net.internetBlock).toMatchObject({ mode: "bidirectional" });
    expect(net.unread).toBe(why);
    expect(net.cidrs.equals(cidrSet(["10.0.0.0/24", "10.0.1.0/24"]))).toBe(true);
    if (vpcs) expect(model.networks.get("vpc-9")!.unread).toBeUndefined();
    const t = runTrace(model, [{ src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!;
    expect(t).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "vpc-block-public-access/us-east-1" },
    });
  });

  it("a setting that could not be read leaves its own region's VPCs undecided, not another region's", () => {
    const gapIn = (region: string) => {
      const d = tinyVpc();
      for (const s of d.Subnets as { AvailabilityZone?: string }[]) s.AvailabilityZone = "us-east-1a";
      d.EgressAuditCollectionGaps = [
        {
          key: "VpcBlockPublicAccessOptions",
          call: "DescribeVpcBlockPublicAccessOptions",
          action: "ec2:DescribeVpcBlockPublicAccessOptions",
          region,
          code: "UnauthorizedOperation",
          message: "denied",
        },
      ];
      const docs = docsOf(d);
      if (region !== "us-east-1")
        docs.push({ file: "bpa.json", data: { VpcBlockPublicAccessOptions: options("us-east-1", "off") } });
      return awsModel(docs, "test").networks.get("vpc-1")!.internetBlock;
    };
    expect(gapIn("us-east-1")?.unknown).toMatch(
      /could not be read \(ec2:DescribeVpcBlockPublicAccessOptions failed in us-east-1/,
    );
    expect(gapIn("eu-west-1")).toBeUndefined();
  });

  it("reads the one object the CLI prints", () => {
    expect(withOptions(options("us-east-1", "block-ingress"))).toMatchObject({
      mode: "ingress",
      ref: { resource: "vpc-block-public-access/us-east-1", rule: "block-ingress" },
    });
    expect(withOptions(options("us-east-1", "off"))).toBeUndefined();
  });

  it("takes the VPC's region's setting by its subnets' availability zones", () => {
    const b = withOptions(options("eu-west-1", "off"), options("us-east-1", "block-bidirectional"));
    expect(b).toMatchObject({ mode: "bidirectional" });
    expect(b?.unknown).toBeUndefined();
  });

  it("a setting is its region's only: a VPC in another region is audited as without one; zones that do not tell the region take the only one", () => {
    expect(withOptions(options("eu-west-1", "block-bidirectional"))).toBeUndefined();
    expect(
      withOptions(options("eu-west-1", "block-bidirectional"), options("ap-south-1", "block-ingress")),
    ).toBeUndefined();
    const d = tinyVpc();
    for (const s of d.Subnets as { AvailabilityZone?: string }[]) s.AvailabilityZone = "us-east-1-bos-1a";
    const docs = docsOf(d);
    docs.push({
      file: "bpa.json",
      data: { VpcBlockPublicAccessOptions: options("us-east-1", "block-ingress") },
    });
    expect(awsModel(docs, "test").networks.get("vpc-1")!.internetBlock).toMatchObject({ mode: "ingress" });
    // No zone said: the region cannot be told, and the only setting in the input applies.
    for (const s of d.Subnets as { AvailabilityZone?: string }[]) delete s.AvailabilityZone;
    const bare = docsOf(d);
    bare.push({
      file: "bpa.json",
      data: { VpcBlockPublicAccessOptions: options("eu-west-1", "block-ingress") },
    });
    expect(awsModel(bare, "test").networks.get("vpc-1")!.internetBlock).toMatchObject({ mode: "ingress" });
  });

  it("a VPC routing to an internet gateway, the setting not saved: audited as off, with a warning", () => {
    const warningOf = (d: Docs, ...opts: object[]) => {
      const docs = docsOf(d);
      opts.forEach((o, i) => docs.push({ file: `bpa-${i}.json`, data: { VpcBlockPublicAccessOptions: o } }));
      const model = awsModel(docs, "test");
      expect(model.networks.get("vpc-1")!.internetBlock).toBeUndefined();
      return model.warnings.filter((w) => w.resource === "vpc-block-public-access").map((w) => w.message);
    };
    expect(warningOf(tinyVpc())).toEqual([
      expect.stringMatching(
        /^VPC Block Public Access is not in the input \(aws ec2 describe-vpc-block-public-access-options was not saved\): vpc-1 audited as with it off/,
      ),
    ]);
    expect(warningOf(tinyVpc(), options("us-east-1", "off"))).toEqual([]);
    // A VPC with no route to an internet or egress-only gateway is not concerned.
    const closed = tinyVpc();
    for (const t of closed.RouteTables as { Routes?: { GatewayId?: string }[] }[])
      t.Routes = (t.Routes ?? []).filter((r) => !r.GatewayId?.startsWith("igw-"));
    expect(warningOf(closed)).toEqual([]);
  });

  it("a setting saved without its mode is off only in its default state; updated, it is unknown", () => {
    const without = (state: string) => ({
      AwsRegion: "us-east-1",
      State: state,
      ExclusionsAllowed: "allowed",
    });
    expect(withOptions(without("default-state"))).toBeUndefined();
    for (const state of ["update-complete", "update-in-progress"]) {
      // (Read as off, it let everything through.)
      expect(withOptions(without(state))).toMatchObject({
        unknown: `VPC Block Public Access in us-east-1 is ${state} in the input but its InternetGatewayBlockMode is not (describe-vpc-block-public-access-options always prints it): it may block internet gateway traffic`,
      });
    }
  });

  it("one region saved twice counts once; two different settings for it cannot be told apart", () => {
    const same = withOptions(options("us-east-1", "block-ingress"), options("us-east-1", "block-ingress"));
    expect(same?.unknown).toBeUndefined();
    const differ = withOptions(options("us-east-1", "block-ingress"), options("us-east-1", "off"));
    expect(differ?.unknown).toMatch(/two different VPC Block Public Access settings for us-east-1/);
    // One saved while AWS was updating it, one after (or before): which is the newer cannot be told.
    for (const mode of ["off", "block-ingress"]) {
      const updating = { ...options("us-east-1", mode), State: "update-in-progress" };
      expect(withOptions(updating, options("us-east-1", mode))?.unknown, mode).toMatch(
        /two different VPC Block Public Access settings for us-east-1/,
      );
    }
  });
});

describe("VPC Block Public Access values AWS does not print", () => {
  type Options = Record<string, string | undefined>;
  type Exclusion = Record<string, string | undefined>;
  const exclusion = (over: Exclusion = {}): Exclusion => ({
    ExclusionId: "vpcbpa-exclude-1",
    InternetGatewayExclusionMode: "allow-bidirectional",
    ResourceArn: "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-pub",
    State: "create-complete",
    ...over,
  });
  /** eni-web's flow out through igw-1 and eni-app's through nat-1, with the model's unknowns. */
  const run = (o: Options, exclusions: Exclusion[] = []) => {
    const d = tinyVpc();
    for (const s of d.Subnets as { AvailabilityZone?: string }[]) s.AvailabilityZone = "us-east-1a";
    const docs = docsOf(d);
    const options: Options = { AwsRegion: "us-east-1", ExclusionsAllowed: "allowed", ...o };
    for (const k of Object.keys(options)) if (options[k] === undefined) delete options[k];
    docs.push({ file: "bpa.json", data: { VpcBlockPublicAccessOptions: options } });
    for (const e of exclusions) for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
    docs.push({ file: "exclusions.json", data: { VpcBlockPublicAccessExclusions: exclusions } });
    const m = awsModel(docs, "test");
    const [web, app] = runTrace(m, [
      { src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 443 },
      { src: "eni-app", dst: "8.8.8.8", protocol: "tcp", port: 443 },
    ]);
    noteMissing(m);
    // (tinyVpc holds no describe-instances.)
    return { web: web!, app: app!, unknowns: m.unknowns.filter((u) => u.resource !== "Reservations") };
  };
  const bidirectional = { InternetGatewayBlockMode: "block-bidirectional", State: "update-complete" };

  it("an exclusion saved twice in two versions (one snapshot taken after it was deleted) is an input error naming both; saved twice alike, it counts once", () => {
    const docs = (second: Exclusion) => {
      const d = docsOf(tinyVpc());
      d.push({
        file: "bpa.json",
        data: {
          VpcBlockPublicAccessOptions: {
            AwsRegion: "us-east-1",
            ExclusionsAllowed: "allowed",
            ...bidirectional,
          },
        },
      });
      d.push({ file: "exclusions.json", data: { VpcBlockPublicAccessExclusions: [exclusion()] } });
      d.push({ file: "later.json", data: { VpcBlockPublicAccessExclusions: [second] } });
      return d;
    };
    // (It was read as the complete one: allowed, exit code 0.)
    expect(() => awsModel(docs(exclusion({ State: "delete-complete" })), "test")).toThrow(
      "later.json: $.VpcBlockPublicAccessExclusions[0]: vpcbpa-exclude-1 is also at exclusions.json $.VpcBlockPublicAccessExclusions[0] with different content",
    );
    const m = awsModel(docs(exclusion()), "test");
    const [web] = runTrace(m, [{ src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 443 }]);
    expect(web!.verdict).toBe("allowed");
  });

  it("an exclusion saved without its State, or with a State or mode AWS does not print, is missing data", () => {
    // As AWS prints it: the exclusion lets eni-web's subnet out.
    expect(run(bidirectional, [exclusion()]).web.verdict).toBe("allowed");
    for (const [over, why] of [
      [{ State: undefined }, /vpcbpa-exclude-1 for subnet-pub is in the input without its State/],
      [
        { State: "Create-Complete" },
        /vpcbpa-exclude-1 for subnet-pub is in the input of State "Create-Complete", which is not one AWS prints \(create-in-progress, create-complete, /,
      ],
      [
        { InternetGatewayExclusionMode: "Allow-Bidirectional" },
        /of InternetGatewayExclusionMode "Allow-Bidirectional", which is not one AWS prints \(allow-bidirectional, allow-egress\)/,
      ],
      [{ InternetGatewayExclusionMode: undefined }, /without its InternetGatewayExclusionMode/],
    ] as const) {
      const { web, app, unknowns } = run(bidirectional, [exclusion(over)]);
      expect(web.verdict, JSON.stringify(over)).toBe("unknown");
      expect(web.reason).toMatch(/blocks it unless the exclusion for subnet-pub, now .*, lets it out/);
      expect(unknowns.map((u) => u.resource)).toEqual(["vpcbpa-exclude-1"]);
      expect(unknowns[0]!.message).toMatch(why);
      // (nat-1 is in subnet-pub: what it sends out for eni-app is in doubt too.)
      expect(app.verdict).toBe("unknown");
    }
    // One in a state in which it exempts nothing (deleted) does not matter, whatever its mode.
    const gone = run(bidirectional, [
      exclusion({ State: "delete-complete", InternetGatewayExclusionMode: "x" }),
    ]);
    expect(gone.web.verdict).toBe("blocked");
    expect(gone.unknowns).toEqual([]);
    // One for another VPC's subnet is not listed: it decides nothing here.
    const elsewhere = run(bidirectional, [
      exclusion({ ResourceArn: "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-other", State: "x" }),
    ]);
    expect(elsewhere.web.verdict).toBe("blocked");
    expect(elsewhere.unknowns).toEqual([]);
  });

  it("an exclusion without ResourceArn may exempt any VPC or subnet: missing data", () => {
    const { web, app, unknowns } = run(bidirectional, [exclusion({ ResourceArn: undefined })]);
    expect(web.verdict).toBe("unknown");
    expect(app.verdict).toBe("unknown");
    expect(web.reason).toMatch(/vpcbpa-exclude-1 is in the input without its ResourceArn/);
    expect(unknowns.map((u) => u.resource)).toEqual(["vpc-block-public-access/us-east-1"]);
  });

  it("an exclusion being made, changed, deleted or disabled is unknown, and not missing data", () => {
    for (const state of [
      "create-in-progress",
      "update-in-progress",
      "delete-in-progress",
      "disable-in-progress",
    ]) {
      const { web, unknowns } = run(bidirectional, [exclusion({ State: state })]);
      expect(web.verdict, state).toBe("unknown");
      expect(web.reason).toContain(`unless the exclusion for subnet-pub, now ${state}, lets it out`);
      expect(unknowns).toEqual([]);
    }
  });

  it("ExclusionsAllowed AWS does not print leaves whether exclusions apply untold: missing data", () => {
    expect(run({ ...bidirectional, ExclusionsAllowed: "not-allowed" }, [exclusion()]).web.verdict).toBe(
      "blocked",
    );
    const { web, app, unknowns } = run({ ...bidirectional, ExclusionsAllowed: "Not-Allowed" }, [exclusion()]);
    expect(web.verdict).toBe("unknown");
    expect(app.verdict).toBe("unknown");
    expect(unknowns).toEqual([
      {
        resource: "vpc-block-public-access/us-east-1",
        message:
          'VPC Block Public Access in us-east-1 has ExclusionsAllowed "Not-Allowed", which is not one AWS prints (allowed, not-allowed), so whether vpcbpa-exclude-1 for subnet-pub applies cannot be told',
      },
    ]);
    // Without exclusions it decides nothing.
    const none = run({ ...bidirectional, ExclusionsAllowed: "Not-Allowed" });
    expect(none.web.verdict).toBe("blocked");
    expect(none.unknowns).toEqual([]);
  });

  it("a setting being updated is unknown (not missing data); a State AWS does not print is missing data", () => {
    for (const mode of ["off", "block-bidirectional", "block-ingress"]) {
      const { web, app, unknowns } = run({ InternetGatewayBlockMode: mode, State: "update-in-progress" });
      // The mode in force until AWS completes the update may be the old one, which the input does not hold.
      expect(web.verdict, mode).toBe("unknown");
      expect(app.verdict, mode).toBe("unknown");
      expect(web.reason).toBe(
        `VPC Block Public Access in us-east-1 is being changed (State update-in-progress; mode ${mode} printed): which mode applies until AWS completes the update cannot be told`,
      );
      expect(unknowns).toEqual([]);
    }
    for (const mode of ["off", "block-ingress"]) {
      const { web, app, unknowns } = run({ InternetGatewayBlockMode: mode, State: "bogus" });
      expect(web.verdict, mode).toBe("unknown");
      expect(app.verdict, mode).toBe("unknown");
      expect(unknowns.map((u) => u.resource)).toEqual(["vpc-block-public-access/us-east-1"]);
      expect(unknowns[0]!.message).toContain(
        `VPC Block Public Access in us-east-1 has State "bogus", which is not one AWS prints (default-state, update-in-progress, update-complete), so whether its mode (${mode}) applies cannot be told`,
      );
    }
    // Saved without its State (describe-vpc-block-public-access-options always prints it): missing data.
    const stateless = run({ InternetGatewayBlockMode: "off", State: undefined });
    expect(stateless.web.verdict).toBe("unknown");
    expect(stateless.unknowns.map((u) => u.message)).toEqual([
      "VPC Block Public Access in us-east-1 is in the input without its State (describe-vpc-block-public-access-options always prints it), so whether its mode (off) applies cannot be told: it may block internet gateway traffic (referred to by vpc-1)",
    ]);
    // Settled: the mode decides.
    expect(run({ InternetGatewayBlockMode: "off", State: "default-state" }).web.verdict).toBe("allowed");
    expect(run({ InternetGatewayBlockMode: "block-ingress", State: "update-complete" }).app.verdict).toBe(
      "allowed",
    );
  });

  it("a mode AWS does not print is missing data", () => {
    const { web, unknowns } = run({ InternetGatewayBlockMode: "Off", State: "update-complete" });
    expect(web.verdict).toBe("unknown");
    expect(unknowns[0]!.message).toMatch(
      /has InternetGatewayBlockMode "Off", which is not one AWS prints \(off, block-bidirectional, block-ingress\)/,
    );
  });
});

describe("VPC Block Public Access of several accounts", () => {
  const setting = (account: string | undefined, mode: string) => ({
    ...(account === undefined ? {} : { AwsAccountId: account }),
    AwsRegion: "us-east-1",
    State: "update-complete",
    InternetGatewayBlockMode: mode,
    ExclusionsAllowed: "not-allowed",
  });
  /** vpc-1 in us-east-1, owned by `owner` (or by an account not said), beside `opts` as separate files. */
  const run = (owner: string | undefined, opts: object[], mutate?: (d: Docs) => void) => {
    const d = tinyVpc();
    for (const s of d.Subnets as { AvailabilityZone?: string }[]) s.AvailabilityZone = "us-east-1a";
    if (owner !== undefined) (d.Vpcs![0] as { OwnerId?: string }).OwnerId = owner;
    mutate?.(d);
    const docs = docsOf(d);
    opts.forEach((o, i) =>
      docs.push({ file: `acct-${i}/bpa.json`, data: { VpcBlockPublicAccessOptions: o } }),
    );
    const m = awsModel(docs, "test");
    return {
      block: m.networks.get("vpc-1")!.internetBlock,
      warnings: m.warnings.filter((w) => w.resource === "vpc-block-public-access").map((w) => w.message),
      trace: runTrace(m, [{ src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!,
    };
  };
  const A = "111122223333";
  const B = "444455556666";

  it("a VPC takes its owner's setting for its region, not another account's", () => {
    // (Keyed by region alone, the two were "two different settings" for us-east-1: unknown.)
    const own = run(A, [setting(A, "off"), setting(B, "block-bidirectional")]);
    expect(own.block).toBeUndefined();
    expect(own.trace.verdict).toBe("allowed");
    const other = run(B, [setting(A, "off"), setting(B, "block-bidirectional")]);
    expect(other.trace).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: `vpc-block-public-access/us-east-1/${B}`, rule: "block-bidirectional" },
    });
  });

  it("another account's setting does not apply: the owner's not saved is audited as off, with a warning", () => {
    for (const mode of ["block-bidirectional", "off"]) {
      // (Blocked by the other account's block; allowed without a word beside its "off".)
      const r = run(B, [setting(A, mode)]);
      expect(r.block).toBeUndefined();
      expect(r.trace.verdict).toBe("allowed");
      expect(r.warnings).toEqual([
        expect.stringMatching(
          new RegExp(
            `^VPC Block Public Access of the accounts that own vpc-1 \\(${B}\\) is not in the input`,
          ),
        ),
      ]);
    }
  });

  it("a shared VPC: its owner's setting applies, not a participant's", () => {
    // Participant B's view: the VPC and its subnets name their owner A; the interfaces and instances
    // are B's own; B's own setting blocks everything.
    const participant = (d: Docs) => {
      for (const s of d.Subnets as { OwnerId?: string }[]) s.OwnerId = A;
      for (const e of d.NetworkInterfaces as { OwnerId?: string }[]) e.OwnerId = B;
      d.Reservations = [{ OwnerId: B, Instances: [{ InstanceId: "i-app" }] }];
    };
    const r = run(A, [setting(A, "off"), setting(B, "block-bidirectional")], participant);
    expect(r.trace.verdict).toBe("allowed");
    expect(r.warnings).toEqual([]);
    // B's folder alone (the owner's setting saved nowhere): not B's block, but A's not saved.
    const alone = run(A, [setting(B, "block-bidirectional")], participant);
    expect(alone.trace.verdict).toBe("allowed");
    expect(alone.warnings).toEqual([
      expect.stringMatching(
        new RegExp(`^VPC Block Public Access of the accounts that own vpc-1 \\(${A}\\) is not in the input`),
      ),
    ]);
  });

  it("without the VPC's owner, one account's settings apply as before; several accounts' cannot be told", () => {
    expect(run(undefined, [setting(A, "block-bidirectional")]).trace).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "vpc-block-public-access/us-east-1" },
    });
    const two = run(undefined, [setting(A, "off"), setting(B, "block-bidirectional")]);
    expect(two.trace.verdict).toBe("unknown");
    expect(two.block?.unknown).toMatch(
      /^the account that owns vpc-1 is not in the input \(describe-vpcs prints it as OwnerId\), and the input holds the VPC Block Public Access settings of 2 accounts for its region/,
    );
    // The subnets say the owner where describe-vpcs is not saved.
    const bySubnets = run(undefined, [setting(A, "off"), setting(B, "block-bidirectional")], (d) => {
      delete d.Vpcs;
      for (const s of d.Subnets as { OwnerId?: string }[]) s.OwnerId = A;
    });
    expect(bySubnets.trace.verdict).toBe("allowed");
    // Both off: nothing blocks, whichever applies.
    expect(run(undefined, [setting(A, "off"), setting(B, "off")]).block).toBeUndefined();
  });

  it("settings without AwsAccountId (one account's input) apply whoever owns the VPC", () => {
    expect(run(A, [setting(undefined, "block-bidirectional")]).trace.verdict).toBe("blocked");
    // Beside another account's: whether it is the owner's cannot be told.
    expect(run(A, [setting(undefined, "block-bidirectional"), setting(B, "off")]).block?.unknown).toMatch(
      /saved without AwsAccountId beside other accounts' ones/,
    );
  });

  it("another account's exclusions saved are not this account's: its own not saved are unknown", () => {
    const allowing = (account: string, mode: string) => ({
      ...setting(account, mode),
      ExclusionsAllowed: "allowed",
    });
    // (acct-0's empty list read as acct-1's "none": blocked, though an exclusion of its own may exempt it.)
    const blockOf = (folder: string) => {
      const d = tinyVpc();
      for (const s of d.Subnets as { AvailabilityZone?: string }[]) s.AvailabilityZone = "us-east-1a";
      (d.Vpcs![0] as { OwnerId?: string }).OwnerId = B;
      const out = docsOf(d);
      out.push(
        { file: "acct-0/bpa.json", data: { VpcBlockPublicAccessOptions: allowing(A, "off") } },
        {
          file: "acct-1/bpa.json",
          data: { VpcBlockPublicAccessOptions: allowing(B, "block-bidirectional") },
        },
        { file: `${folder}/exclusions.json`, data: { VpcBlockPublicAccessExclusions: [] } },
      );
      return awsModel(out, "test").networks.get("vpc-1")!.internetBlock;
    };
    expect(blockOf("acct-0")?.exclusionsUnknown).toMatch(
      new RegExp(
        `block-bidirectional in us-east-1 for account ${B}, and its exclusions are not in the input beside it`,
      ),
    );
    expect(blockOf("acct-1")?.exclusionsUnknown).toBeUndefined();
    // Both settings in one folder beside one exclusions file: whose it is cannot be told.
    const flat = tinyVpc();
    for (const s of flat.Subnets as { AvailabilityZone?: string }[]) s.AvailabilityZone = "us-east-1a";
    (flat.Vpcs![0] as { OwnerId?: string }).OwnerId = B;
    const docs = docsOf(flat);
    docs.push(
      { file: "flat/a-bpa.json", data: { VpcBlockPublicAccessOptions: allowing(A, "block-bidirectional") } },
      { file: "flat/b-bpa.json", data: { VpcBlockPublicAccessOptions: allowing(B, "block-bidirectional") } },
      { file: "flat/a-exclusions.json", data: { VpcBlockPublicAccessExclusions: [] } },
    );
    expect(awsModel(docs, "test").networks.get("vpc-1")!.internetBlock?.exclusionsUnknown).toMatch(
      /its exclusions are not in the input beside it .*in a folder holding several accounts' or regions' settings/,
    );
  });

  it("an exclusions gap in one region leaves only that region's exclusions unknown", () => {
    const gapIn = (region: string) =>
      run(A, [{ ...setting(A, "block-bidirectional"), ExclusionsAllowed: "allowed" }], (d) => {
        d.VpcBlockPublicAccessExclusions = [];
        d.EgressAuditCollectionGaps = [
          deniedGap("DescribeVpcBlockPublicAccessExclusions", "VpcBlockPublicAccessExclusions", region),
        ];
      }).block;
    expect(gapIn("us-east-1")?.exclusionsUnknown).toMatch(
      /could not be read \(ec2:DescribeVpcBlockPublicAccessExclusions failed in us-east-1/,
    );
    // (A gap in eu-west-1 made us-east-1's exclusions unknown too.)
    expect(gapIn("eu-west-1")).toMatchObject({ mode: "bidirectional" });
    expect(gapIn("eu-west-1")?.exclusionsUnknown).toBeUndefined();
  });
});

describe("VPC DNS support attribute", () => {
  const withDoc = (data: object) => {
    const docs = docsOf(tinyVpc());
    docs.push({ file: "dns-vpc-1.json", data });
    return awsModel(docs, "test").networks.get("vpc-1")!.services![0]!;
  };

  it("reads the one object describe-vpc-attribute prints, or a list of them", () => {
    const off = withDoc({ VpcId: "vpc-1", EnableDnsSupport: { Value: false } });
    expect(off.ref.rule).toBe("Amazon DNS");
    expect(off.off).toMatchObject({
      verdict: "blocked",
      ref: { resource: "vpc-1", rule: "enableDnsSupport" },
    });
    expect(withDoc({ EnableDnsSupport: [{ VpcId: "vpc-1", EnableDnsSupport: { Value: true } }] }).off).toBe(
      undefined,
    );
  });

  it("a bad value is an InputError naming the file and JSON path", () => {
    expect(() => withDoc({ VpcId: "vpc-1", EnableDnsSupport: { Value: "no" } })).toThrow(
      "dns-vpc-1.json: $.EnableDnsSupport.Value: expected boolean, received string",
    );
    expect(() => withDoc({ VpcId: "vpc-1", EnableDnsSupport: "yes" })).toThrow(
      "dns-vpc-1.json: $.EnableDnsSupport: expected an object (as the CLI prints it) or an array",
    );
    expect(() => withDoc({ EnableDnsSupport: [{ EnableDnsSupport: { Value: true } }] })).toThrow(
      "dns-vpc-1.json: $.EnableDnsSupport[0].VpcId: expected a value, received undefined",
    );
  });
});

describe("addresses brought to AWS (BYOIP)", () => {
  const ranges = (d: Docs) =>
    model(d).unannounced.map((u) => [
      toCidrs(u.ips).join(","),
      u.verdict,
      u.ref.resource,
      u.ref.kind,
      u.ref.rule,
    ]);

  it("ranges not advertised, or in flux; an advertised range inside another decides its own addresses", () => {
    const d = tinyVpc();
    d.ByoipCidrs = [
      { Cidr: "198.51.0.0/16", State: "provisioned" },
      { Cidr: "198.51.100.0/24", State: "advertised" },
      { Cidr: "203.0.113.0/24", State: "pending-withdrawal" },
      { Cidr: "192.0.2.0/24", State: "advertised" },
    ];
    const m = model(d);
    expect(m.unannounced.map((u) => [u.ref.resource, u.verdict, u.ref.rule])).toEqual([
      ["203.0.113.0/24", "unknown", "pending-withdrawal"],
      ["198.51.0.0/16", "blocked", "provisioned"],
    ]);
    const big = m.unannounced[1]!.ips;
    expect(big.contains(ip("198.51.99.1"))).toBe(true);
    expect(big.contains(ip("198.51.100.1"))).toBe(false);
    expect(big.equals(parseCidr("198.51.0.0/16").subtract(parseCidr("198.51.100.0/24")))).toBe(true);
  });

  it("an Elastic IP or IPv6 block from a pool that is not Amazon's: unknown unless a range read decides it", () => {
    const d = tinyVpc();
    d.Addresses = [
      { PublicIp: "198.51.100.10", PrivateIpAddress: "10.0.0.10", PublicIpv4Pool: "ipv4pool-ec2-1" },
      { PublicIp: "198.51.100.11", PublicIpv4Pool: "amazon" },
      { PublicIp: "198.51.100.12", PublicIpv4Pool: "ipam-pool-2" },
      { PublicIp: "198.51.100.13" },
    ];
    Object.assign(d.Vpcs![0]!, {
      Ipv6CidrBlockAssociationSet: [
        { Ipv6CidrBlock: "2600:1f18:1:a00::/56", Ipv6Pool: "ipv6pool-ec2-3" },
        { Ipv6CidrBlock: "2600:1f18:2:a00::/56", Ipv6Pool: "Amazon" },
      ],
    });
    expect(ranges(d)).toEqual([
      ["198.51.100.10/32", "unknown", "198.51.100.10", "elastic-ip", "ipv4pool-ec2-1"],
      ["198.51.100.12/32", "unknown", "198.51.100.12", "elastic-ip", "ipam-pool-2"],
      ["2600:1f18:1:a00::/56", "unknown", "vpc-1", "vpc", "2600:1f18:1:a00::/56"],
    ]);
    expect(model(d).unannounced[0]!.reason).toBe(
      "Elastic IP 198.51.100.10 comes from address pool ipv4pool-ec2-1, not Amazon's, and whether its range is advertised was not read (save aws ec2 describe-byoip-cidrs): whether answers to it come back to AWS cannot be told",
    );
    // Data the run lacks (exit 3): listed under unknowns where in use (an address not associated is not).
    const lacking = model(d).unknowns.map((u) => u.resource);
    expect(lacking.filter((r) => r !== "Reservations")).toEqual(["198.51.100.10", "vpc-1"]);
    // Read: a BYOIP pool's address in no range read stays unknown; an IPAM pool's is Amazon-provided.
    d.ByoipCidrs = [{ Cidr: "2600:1f18:1::/48", State: "advertised" }];
    expect(ranges(d)).toEqual([
      ["198.51.100.10/32", "unknown", "198.51.100.10", "elastic-ip", "ipv4pool-ec2-1"],
    ]);
    expect(model(d).unannounced[0]!.reason).toMatch(/its range is not among the ByoipCidrs in the input/);
    // A range that could not be read (the collector's gap) is as good as none, and says why.
    d.EgressAuditCollectionGaps = [
      {
        key: "ByoipCidrs",
        call: "DescribeByoipCidrs",
        action: "ec2:DescribeByoipCidrs",
        region: "us-east-1",
        code: "UnauthorizedOperation",
        message: "denied",
      },
    ];
    d.ByoipCidrs = [];
    expect(model(d).unannounced.map((u) => u.ref.resource)).toEqual([
      "198.51.100.10",
      "198.51.100.12",
      "vpc-1",
    ]);
    expect(model(d).unannounced[0]!.reason).toMatch(
      /was not read \(ec2:DescribeByoipCidrs failed in us-east-1 \(UnauthorizedOperation: denied\)\)/,
    );
  });

  it("ranges are per account and region: only those saved beside an address decide it", () => {
    // acct-b's folder has an Elastic IP from an IPAM pool, and no describe-byoip-cidrs.
    const inFolder = (folder: string, d: Docs) =>
      docsOf(d).map((doc) => ({ ...doc, file: `${folder}/${doc.file}` }));
    const acctB = (group?: string) => {
      const d = tinyVpc();
      d.Addresses = [
        {
          PublicIp: "198.51.100.12",
          PrivateIpAddress: "10.0.0.10",
          NetworkInterfaceId: "eni-web",
          PublicIpv4Pool: "ipam-pool-2",
          ...(group === undefined ? {} : { NetworkBorderGroup: group }),
        },
      ];
      return d;
    };
    const unannounced = (docs: SourceDocument[]) =>
      awsModel(docs, "test").unannounced.map((u) => [u.ref.resource, u.verdict, u.reason]);
    // Another account's empty answer beside it: it passed as Amazon's.
    const leak = [
      ...inFolder("acct-b/us-east-1", acctB("us-east-1")),
      { file: "acct-a/us-east-1/ByoipCidrs.json", data: { ByoipCidrs: [] } },
    ];
    expect(unannounced(leak)).toEqual([
      [
        "198.51.100.12",
        "unknown",
        "Elastic IP 198.51.100.12 comes from address pool ipam-pool-2, not Amazon's, and whether its range is advertised was not read (describe-byoip-cidrs is in the input for other folders only, and its ranges are per account and region: save it beside describe-addresses): whether answers to it come back to AWS cannot be told",
      ],
    ]);
    // Saved beside it: read (an IPAM pool's address in no range read is Amazon-provided).
    const beside = [...leak, { file: "acct-b/us-east-1/ByoipCidrs.json", data: { ByoipCidrs: [] } }];
    expect(unannounced(beside)).toEqual([]);
    // A folder of two regions' snapshots cannot tell whose its describe-byoip-cidrs is.
    const flat = [
      ...inFolder("all", acctB("us-east-1")),
      { file: "all/ByoipCidrs.json", data: { ByoipCidrs: [] } },
      {
        file: "all/Addresses-eu.json",
        data: {
          Addresses: [{ PublicIp: "192.0.2.1", PublicIpv4Pool: "amazon", NetworkBorderGroup: "eu-west-1" }],
        },
      },
    ];
    expect(
      unannounced(flat).map(([, v, why]) => [
        v,
        (why ?? "").includes("several regions' or accounts' snapshots"),
      ]),
    ).toEqual([["unknown", true]]);
    // One region, two accounts' files side by side (told by whose reservations and groups they are:
    // describe-instances and describe-security-groups list the caller's own only): the same.
    const owned = (d: Docs, account: string) => {
      d.Reservations = [{ OwnerId: account, Instances: [] }];
      for (const g of d.SecurityGroups as { OwnerId?: string }[]) g.OwnerId = account;
      return d;
    };
    const other = tinyVpc();
    other.Vpcs = [{ VpcId: "vpc-9", CidrBlock: "172.31.0.0/16" }];
    other.Subnets = [];
    other.NetworkInterfaces = [];
    other.SecurityGroups = [{ GroupId: "sg-9", VpcId: "vpc-9", IpPermissionsEgress: [] }];
    const twoAccounts = [
      ...inFolder("flat", owned(acctB("us-east-1"), "444455556666")).map((x) => ({
        ...x,
        file: x.file.replace("flat/", "flat/b-"),
      })),
      ...inFolder("flat", owned(other, "111122223333")).map((x) => ({
        ...x,
        file: x.file.replace("flat/", "flat/a-"),
      })),
      { file: "flat/a-ByoipCidrs.json", data: { ByoipCidrs: [] } },
    ];
    expect(
      unannounced(twoAccounts).map(([, v, why]) => [
        v,
        (why ?? "").includes("several regions' or accounts' snapshots"),
      ]),
    ).toEqual([["unknown", true]]);
    // One account's folder (its groups and reservations all its own): read, as before.
    expect(
      unannounced([
        ...inFolder("flat", owned(acctB("us-east-1"), "444455556666")),
        { file: "flat/ByoipCidrs.json", data: { ByoipCidrs: [] } },
      ]),
    ).toEqual([]);
    // A call that failed in another region leaves this region's answer read.
    const gapElsewhere = [
      ...beside,
      {
        file: "acct-b/eu-west-1/EgressAuditCollectionGaps.json",
        data: { EgressAuditCollectionGaps: [deniedGap("DescribeByoipCidrs", "ByoipCidrs", "eu-west-1")] },
      },
    ];
    expect(unannounced(gapElsewhere)).toEqual([]);
  });

  it("a range saved twice in two states is an error; a bad CIDR names its file and path", () => {
    const docs = docsOf(tinyVpc());
    docs.push(
      { file: "a.json", data: { ByoipCidrs: [{ Cidr: "203.0.113.0/24", State: "advertised" }] } },
      { file: "b.json", data: { ByoipCidrs: [{ Cidr: "203.0.113.0/24", State: "provisioned" }] } },
    );
    expect(() => awsModel(docs, "test")).toThrow(
      "b.json: $.ByoipCidrs[0]: 203.0.113.0/24 is also at a.json $.ByoipCidrs[0] with different content",
    );
    const d = tinyVpc();
    d.ByoipCidrs = [{ Cidr: "203.0.113.0/33", State: "advertised" }];
    expect(() => model(d)).toThrow(/^ByoipCidrs\.json: \$\.ByoipCidrs\[0\]\.Cidr: /);
    d.ByoipCidrs = [{ State: "advertised" }];
    expect(() => model(d)).toThrow(
      "ByoipCidrs.json: $.ByoipCidrs[0].Cidr: expected a value, received undefined",
    );
  });
});

/** The tiny VPC with eni-app's address showing Elastic IP `publicIp`, as describe-network-interfaces does. */
/**
 * tinyVpc with `vpcBlock` as the VPC's IPv6 block and eni-app (subnet-priv, 2600:1f18::10) sending IPv6
 * to the internet through egress-only gateway eigw-1 (its ACL and group let it out), whose Attachments
 * are `attachments` (undefined: none saved).
 */
function ipv6ViaEigw(vpcBlock: Record<string, unknown>, attachments: unknown): Docs {
  const d = tinyVpc();
  (d.Vpcs![0] as Record<string, unknown>).Ipv6CidrBlockAssociationSet = [vpcBlock];
  (d.Subnets![1] as Record<string, unknown>).Ipv6CidrBlockAssociationSet = [
    { Ipv6CidrBlock: "2600:1f18::/64", Ipv6CidrBlockState: { State: "associated" } },
  ];
  (d.NetworkInterfaces![0] as Record<string, unknown>).Ipv6Addresses = [{ Ipv6Address: "2600:1f18::10" }];
  for (const Egress of [true, false])
    (d.NetworkAcls![1] as { Entries: object[] }).Entries.unshift({
      Ipv6CidrBlock: "::/0",
      Egress,
      Protocol: "-1",
      RuleAction: "allow",
      RuleNumber: 101,
    });
  (d.SecurityGroups![0] as { IpPermissionsEgress: object[] }).IpPermissionsEgress.push({
    IpProtocol: "-1",
    Ipv6Ranges: [{ CidrIpv6: "::/0" }],
  });
  privateRoutes(d).push({
    DestinationIpv6CidrBlock: "::/0",
    EgressOnlyInternetGatewayId: "eigw-1",
    State: "active",
  });
  d.EgressOnlyInternetGateways = [{ EgressOnlyInternetGatewayId: "eigw-1" }];
  setKey(d.EgressOnlyInternetGateways[0], "Attachments", attachments);
  return d;
}

function withEip(d: Docs, publicIp: string): Docs {
  const app = d.NetworkInterfaces![0] as { PrivateIpAddresses: { Association?: object }[] };
  app.PrivateIpAddresses[0]!.Association = { PublicIp: publicIp };
  return d;
}

describe("incomplete interface listings and optional inputs not saved", () => {
  const audit443 = (m: NetworkModel) =>
    runAudit(m, {
      ports: parsePorts("tcp/443"),
      portsText: "tcp/443",
      dest: parseDest("internet"),
      destText: "internet",
    });

  it("an interface attached to nothing (status available) is audited and traced as attached, saying it is not", () => {
    const d = tinyVpc();
    Object.assign(d.NetworkInterfaces![1]!, { Status: "available" });
    Object.assign(d.NetworkInterfaces![0]!, { Status: "in-use" });
    const m = model(d);
    const why =
      "not attached (status available): it sends nothing until it is; these are the answers once it is";
    expect(m.endpoints.map((e) => [e.id, e.unattached])).toEqual([
      ["eni-app", undefined],
      ["eni-web", why],
    ]);
    const audit = audit443(m);
    const web = audit.results.filter((r) => r.source.id === "eni-web");
    // The same answers an attached one gets: its groups and subnet decide what it can do once attached.
    expect(web.map((r) => [r.verdict, r.egressIps, r.source.unattached])).toEqual([
      ["allowed", ["198.51.100.10"], why],
    ]);
    expect(
      audit.results.filter((r) => r.source.id === "eni-app").every((r) => !("unattached" in r.source)),
    ).toBe(true);
    const [t] = runTrace(m, [{ src: "eni-web", dst: "8.8.8.8", protocol: "tcp", port: 443 }]);
    expect(t!.verdict).toBe("allowed");
    expect(t!.source).toEqual({ id: "eni-web", kind: "eni", address: "10.0.0.10", unattached: why });
    expect(renderTraceText([t!])).toContain(`  from: eni-web (10.0.0.10), ${why}\n`);
    const [a] = runTrace(m, [{ src: "eni-app", dst: "8.8.8.8", protocol: "tcp", port: 443 }]);
    expect(a!.source).toEqual({ id: "eni-app", kind: "eni", address: "10.0.1.10" });
    // describe-instances, called seconds apart, lists it under an instance: attached meanwhile, which is
    // routine (no input error, and no note saying it is not).
    d.Reservations = [
      {
        Instances: [
          {
            InstanceId: "i-web",
            PrivateIpAddress: "10.0.0.10",
            SubnetId: "subnet-pub",
            NetworkInterfaces: [
              { NetworkInterfaceId: "eni-web", Status: "in-use", Attachment: { DeviceIndex: 0 } },
            ],
          },
        ],
      },
    ];
    expect(model(d).endpoints.find((e) => e.id === "eni-web")!.unattached).toBeUndefined();
  });

  it("a source interface without SubnetId is an unknown naming it, unless another listing or its instance tells the subnet for sure", () => {
    const d = tinyVpc();
    delete (d.NetworkInterfaces![1] as { SubnetId?: string }).SubnetId;
    let m = model(d);
    expect(m.endpoints.map((e) => e.id)).toEqual(["eni-app"]);
    expect(m.unknowns).toContainEqual({
      resource: "eni-web",
      message:
        "interface eni-web (private IP 10.0.0.10, in vpc-1) has no SubnetId in the input: which subnet it sends through (its route table and network ACL) is not known, so what it sends is not audited",
    });
    // An interface that is not a source (a NAT gateway's) needs no subnet of its own here.
    const nat = tinyVpc();
    nat.NetworkInterfaces!.push({
      NetworkInterfaceId: "eni-nat",
      PrivateIpAddress: "10.0.0.200",
      InterfaceType: "nat_gateway",
    });
    expect(model(nat).unknowns.some((u) => u.resource === "eni-nat")).toBe(false);

    // describe-instances lists it with its subnet: taken from there.
    const listed = tinyVpc();
    delete (listed.NetworkInterfaces![0] as { SubnetId?: string }).SubnetId;
    listed.Reservations = [
      {
        Instances: [
          {
            InstanceId: "i-app",
            NetworkInterfaces: [
              { NetworkInterfaceId: "eni-app", SubnetId: "subnet-priv", Attachment: { DeviceIndex: 0 } },
            ],
          },
        ],
      },
    ];
    m = model(listed);
    expect(m.endpoints.find((e) => e.id === "eni-app")?.subnetId).toBe("subnet-priv");
    expect(m.unknowns.some((u) => u.resource === "eni-app")).toBe(false);

    // Listed by describe-instances alone without one: the instance's SubnetId is its primary
    // interface's, not another interface's (which may be in another subnet of the zone).
    const bare = tinyVpc();
    bare.NetworkInterfaces = [];
    const own = (id: string, ip: string, device: number) => ({
      NetworkInterfaceId: id,
      PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: ip }],
      Groups: [{ GroupId: "sg-all" }],
      Attachment: { DeviceIndex: device },
    });
    bare.Reservations = [
      {
        Instances: [
          {
            InstanceId: "i-two",
            SubnetId: "subnet-priv",
            VpcId: "vpc-1",
            PrivateIpAddress: "10.0.1.20",
            NetworkInterfaces: [own("eni-first", "10.0.1.20", 0), own("eni-second", "10.0.0.20", 1)],
          },
        ],
      },
    ];
    m = model(bare);
    expect(m.endpoints.map((e) => [e.id, e.subnetId, e.networkId])).toEqual([
      ["eni-first", "subnet-priv", "vpc-1"],
    ]);
    expect(m.unknowns).toContainEqual({
      resource: "eni-second",
      message: expect.stringMatching(
        /^interface eni-second \(private IP 10\.0\.0\.20, attached to i-two\) has no SubnetId in the input/,
      ) as string,
    });
  });

  it("an interface saved without VpcId is in its subnet's VPC, not its instance's (multi-VPC ENI attachments)", () => {
    const d = tinyVpc();
    d.Vpcs!.push({ VpcId: "vpc-2", CidrBlock: "10.30.0.0/16" });
    d.Subnets!.push({ SubnetId: "subnet-other", VpcId: "vpc-2", CidrBlock: "10.30.0.0/24" });
    const own = (
      NetworkInterfaceId: string,
      SubnetId: string,
      PrivateIpAddress: string,
      DeviceIndex: number,
    ) => ({
      NetworkInterfaceId,
      SubnetId,
      PrivateIpAddress,
      Groups: [{ GroupId: "sg-all" }],
      Attachment: { DeviceIndex },
    });
    d.NetworkInterfaces = [];
    d.Reservations = [
      {
        Instances: [
          {
            InstanceId: "i-multi",
            SubnetId: "subnet-priv",
            VpcId: "vpc-1",
            PrivateIpAddress: "10.0.1.30",
            NetworkInterfaces: [
              own("eni-own", "subnet-priv", "10.0.1.30", 0),
              own("eni-other", "subnet-other", "10.30.0.5", 1),
            ],
          },
        ],
      },
    ];
    expect(model(d).endpoints.map((e) => [e.id, e.subnetId, e.networkId])).toEqual([
      ["eni-other", "subnet-other", "vpc-2"],
      ["eni-own", "subnet-priv", "vpc-1"],
    ]);
  });

  it("the DNS support attribute not saved at all: audited as on, with a warning naming the VPCs with sources", () => {
    const dnsWarnings = (d: Docs) => model(d).warnings.filter((w) => w.resource === "enableDnsSupport");
    const d = tinyVpc();
    expect(dnsWarnings(d)).toEqual([
      {
        resource: "enableDnsSupport",
        message:
          "the VPCs' DNS support attribute is not in the input (aws ec2 describe-vpc-attribute --attribute enableDnsSupport was not saved): it is read as on, AWS's default, for vpc-1; where it is off, the Amazon-provided DNS resolver does not answer, though this run would report it as answering",
      },
    ]);
    // The resolver answers as with it on.
    const services = model(d).endpoints[0]!.services!;
    expect(services.find((s) => s.ips.contains(parseIp("169.254.169.253")))?.off).toBeUndefined();
    // Saved (whatever its value), or not read (a gap, listed under unknowns already): no warning.
    d.EnableDnsSupport = [{ VpcId: "vpc-1", EnableDnsSupport: { Value: true } }];
    expect(dnsWarnings(d)).toEqual([]);
    const gap = tinyVpc();
    gap.EgressAuditCollectionGaps = [deniedGap("DescribeVpcAttribute", "EnableDnsSupport")];
    expect(dnsWarnings(gap)).toEqual([]);
    // No sources: nothing it could change.
    const none = tinyVpc();
    none.NetworkInterfaces = [];
    expect(dnsWarnings(none)).toEqual([]);
  });

  it("describe-network-interfaces not saved: a warning that only instances' interfaces were audited", () => {
    const d = tinyVpc();
    d.Reservations = [{ Instances: [{ InstanceId: "i-app", NetworkInterfaces: [d.NetworkInterfaces![0]] }] }];
    delete d.NetworkInterfaces;
    const m = model(d);
    expect(m.endpoints.map((e) => e.id)).toEqual(["eni-app"]);
    expect(m.warnings.filter((w) => w.resource === "NetworkInterfaces")).toEqual([
      {
        resource: "NetworkInterfaces",
        message:
          "only instances' interfaces (from describe-instances) were audited: interfaces attached to no instance (EKS pods' branch interfaces, Lambda functions, load balancers, NAT gateways, VPC endpoints) are listed only by describe-network-interfaces, which was not saved",
      },
    ]);
    expect(m.unknowns.filter((u) => u.resource === "NetworkInterfaces")).toEqual([]);
  });

  it("describe-addresses and describe-byoip-cidrs both not saved, or both failed: the public addresses in use are named in a warning", () => {
    const addrWarnings = (d: Docs) => model(d).warnings.filter((w) => w.resource === "Addresses");
    const d = tinyVpc();
    expect(addrWarnings(d)).toEqual([
      {
        resource: "Addresses",
        message:
          "describe-addresses is not in the input, nor describe-byoip-cidrs (neither was saved): the public IPv4 addresses in use, 198.51.100.10 (vpc-1), 198.51.100.200 (vpc-1), are read as Amazon's, whose answers come back; one from an address range brought to AWS (BYOIP) that AWS does not advertise gets no answers, though this run reports its traffic as allowed",
      },
    ]);
    // Either saved tells such an address (by its pool, or by its range's state): no warning.
    expect(addrWarnings({ ...tinyVpc(), Addresses: [] })).toEqual([]);
    expect(addrWarnings({ ...tinyVpc(), ByoipCidrs: [] })).toEqual([]);
    // No public address in use: nothing it could change.
    const priv = tinyVpc();
    priv.NetworkInterfaces = [priv.NetworkInterfaces![0]!];
    priv.NatGateways = [];
    expect(addrWarnings(priv)).toEqual([]);
    // Both calls failed (denied) in a live run: no better told than not saved. One failed, the other
    // read: that one tells.
    const denied = {
      ...tinyVpc(),
      EgressAuditCollectionGaps: [
        deniedGap("DescribeAddresses", "Addresses"),
        deniedGap("DescribeByoipCidrs", "ByoipCidrs"),
      ],
    };
    expect(addrWarnings(denied).map((w) => w.message)).toEqual([
      expect.stringMatching(
        /^describe-addresses is not in the input, nor describe-byoip-cidrs \(neither could be read\): the public IPv4 addresses in use, 198\.51\.100\.10 \(vpc-1\)/,
      ),
    ]);
    expect(
      addrWarnings({
        ...denied,
        EgressAuditCollectionGaps: [deniedGap("DescribeAddresses", "Addresses")],
        ByoipCidrs: [],
      }),
    ).toEqual([]);
  });
});

describe("keys describe output always prints, saved without them: missing data, not a default", () => {
  const trace = (m: NetworkModel, src: string, dst = "8.8.8.8") =>
    runTrace(m, [{ src, dst, protocol: "tcp", port: 443 }])[0]!;
  /** `src`'s traffic is unknown for `why`, and the model lists `resource` under unknowns for it. */
  const expectMissing = (m: NetworkModel, src: string, resource: string, why: string) => {
    const t = trace(m, src);
    expect(t.verdict).toBe("unknown");
    expect(t.reason).toContain(why);
    expect(m.unknowns).toContainEqual({ resource, message: why });
  };

  it("a network ACL without Associations: a subnet no ACL lists is on an ACL that cannot be told, not the default one", () => {
    for (const absent of [undefined, null]) {
      const d = tinyVpc();
      // acl-priv denies everything; saved without its associations, subnet-priv is in no ACL's list.
      setAcl(d, "acl-priv", []);
      setKey(d.NetworkAcls![1], "Associations", absent);
      const m = model(d);
      const why =
        "subnet-priv is in no network ACL's Associations and acl-priv is in the input without Associations (describe-network-acls always prints them), so which network ACL applies to it cannot be told";
      // (Read as on acl-default, which allows everything, it was allowed.)
      expectMissing(m, "eni-app", "subnet-priv", why);
      // A subnet an ACL lists is on that ACL; the default one's doubt-free warning is not given.
      expect(m.subnets.get("subnet-pub")!.boundaryFilterIds).toEqual(["acl-default"]);
      expect(trace(m, "eni-web").verdict).toBe("allowed");
      expect(ownWarnings(m)).toEqual([]);
    }
    // An explicit empty list is data: no ACL whose associations were not read. subnet-priv is in no
    // ACL's list while subnet-pub is in one: the ACL that applies is not in the input (or subnet-priv
    // is new, on the default ACL), unknown all the same; where no ACL lists any, the default ACL.
    const d = tinyVpc();
    setAcl(d, "acl-priv", []);
    setKey(d.NetworkAcls![1], "Associations", []);
    const t = trace(model(d), "eni-app");
    expect(t.verdict).toBe("unknown");
    expect(t.reason).toContain(
      "subnet-priv is in no network ACL's Associations while other subnets of its VPC are",
    );
    setKey(d.NetworkAcls![0], "Associations", []);
    expect(trace(model(d), "eni-app").verdict).toBe("allowed");
  });

  it("a route table without Associations: subnets no table lists, and the gateway's replies, are on a table that cannot be told", () => {
    for (const absent of [undefined, null]) {
      const d = tinyVpc();
      // rtb-priv drops what leaves subnet-priv; the main table sends it to the NAT gateway.
      privateRoutes(d)[1] = { DestinationCidrBlock: "0.0.0.0/0", GatewayId: "igw-gone", State: "blackhole" };
      (d.RouteTables![0] as { Routes: object[] }).Routes.push({
        DestinationCidrBlock: "0.0.0.0/0",
        NatGatewayId: "nat-1",
        State: "active",
      });
      setKey(d.RouteTables![2], "Associations", absent);
      const m = model(d);
      const why =
        "subnet-priv is in no route table's Associations and rtb-priv is in the input without Associations (describe-route-tables always prints them), so which route table applies to it cannot be told";
      // (Read as on the main table, it was allowed through the NAT gateway.)
      expectMissing(m, "eni-app", "subnet-priv", why);
      // A subnet a table lists keeps it; but rtb-priv may be the internet gateway's gateway route
      // table, routing the replies elsewhere.
      expect(m.subnets.get("subnet-pub")!.routeTableId).toBe("rtb-pub");
      const igwWhy =
        "igw-1 is in no route table's Associations and rtb-priv is in the input without Associations (describe-route-tables always prints them), so whether a gateway route table routes what comes in through it cannot be told";
      const web = trace(m, "eni-web");
      expect(web.verdict).toBe("unknown");
      expect(web.reason).toContain(igwWhy);
      expect(m.unknowns).toContainEqual({ resource: "igw-1", message: igwWhy });
    }
    // An explicit empty list is data: subnet-priv is on the main table.
    const d = tinyVpc();
    setKey(d.RouteTables![2], "Associations", []);
    const m = model(d);
    expect(m.subnets.get("subnet-priv")!.routeTableId).toBe("rtb-main");
    expect(m.unknowns.map((u) => u.resource)).not.toContain("igw-1");
  });

  it("a route table without Routes has routes not read, not none", () => {
    for (const absent of [undefined, null]) {
      const d = tinyVpc();
      setKey(d.RouteTables![2], "Routes", absent);
      const m = model(d);
      const why =
        "the routes of rtb-priv are not in the input (its describe-route-tables output has no Routes)";
      // (It was blocked: "no route matches".)
      expectMissing(m, "eni-app", "rtb-priv", why);
      expect(trace(m, "eni-web").verdict).toBe("allowed");
    }
    // A host of that table's subnet answers by it: it may take the client's address from the local
    // route, so what reaches the host is unknown, not allowed (the replies were read as coming back).
    const d = tinyVpc();
    setKey(d.RouteTables![2], "Routes", undefined);
    (d.SecurityGroups![0] as { IpPermissions: object[] }).IpPermissions = [
      { IpProtocol: "-1", IpRanges: [{ CidrIp: "10.0.0.0/16" }] },
    ];
    const m = model(d);
    const t = trace(m, "eni-web", "10.0.1.10");
    expect(t).toMatchObject({ verdict: "unknown", exit: "private", blockedBy: null });
    expect(t.reason).toBe(
      "replies from the destination to the source are routed by the route table of its subnet, which could not be read (the routes of rtb-priv are not in the input (its describe-route-tables output has no Routes))",
    );
    // One-way traffic expects no reply: the table does not concern it.
    const oneWay = runTrace(m, [{ src: "eni-web", dst: "10.0.1.10", protocol: "icmp", port: 3 }])[0]!;
    expect(oneWay.verdict).toBe("allowed");
  });

  it("an internet or egress-only gateway without Attachments is attached to a VPC that cannot be told, not to none", () => {
    for (const absent of [undefined, null]) {
      const d = tinyVpc();
      setKey(d.InternetGateways![0], "Attachments", absent);
      const m = model(d);
      const why =
        "the attachments of igw-1 are not in the input (its describe-internet-gateways output has no Attachments), so which VPC it carries traffic for cannot be told";
      // (It was a blackhole: "attached to no VPC".)
      expectMissing(m, "eni-web", "igw-1", why);
    }
    const v6 = (attachments: unknown) => {
      const d = ipv6ViaEigw(
        { Ipv6CidrBlock: "2600:1f18::/56", Ipv6CidrBlockState: { State: "associated" } },
        attachments,
      );
      const m = model(d);
      return { t: trace(m, "eni-app", "2001:4860:4860::8888"), unknowns: m.unknowns };
    };
    expect(v6([{ VpcId: "vpc-1", State: "attached" }]).t.verdict).toBe("allowed");
    const gone = v6(undefined);
    expect(gone.t.verdict).toBe("unknown");
    expect(gone.t.reason).toContain(
      "the attachments of eigw-1 are not in the input (its describe-egress-only-internet-gateways output has no Attachments)",
    );
    expect(gone.unknowns.map((u) => u.resource)).toContain("eigw-1");
    // An explicit empty list is data: detached, a blackhole.
    expect(v6([]).t.verdict).toBe("blocked");
  });

  it("a gateway attachment listed without its VpcId is to a VPC that cannot be told, not to none", () => {
    for (const vpc of [undefined, null]) {
      const d = tinyVpc();
      setKey((d.InternetGateways![0] as { Attachments: object[] }).Attachments[0], "VpcId", vpc);
      // (It was a blackhole: "attached to no VPC".)
      expectMissing(
        model(d),
        "eni-web",
        "igw-1",
        "an attachment of igw-1 is in the input without its VpcId (describe-internet-gateways prints it), so which VPC it carries traffic for cannot be told",
      );
    }
    const d = ipv6ViaEigw({ Ipv6CidrBlock: "2600:1f18::/56", Ipv6CidrBlockState: { State: "associated" } }, [
      { State: "attached" },
    ]);
    const t = trace(model(d), "eni-app", "2001:4860:4860::8888");
    expect(t.verdict).toBe("unknown");
    expect(t.reason).toContain("an attachment of eigw-1 is in the input without its VpcId");
    // Detached, it carries nothing wherever it was: a blackhole.
    const detached = ipv6ViaEigw(
      { Ipv6CidrBlock: "2600:1f18::/56", Ipv6CidrBlockState: { State: "associated" } },
      [{ State: "detached" }],
    );
    expect(trace(model(detached), "eni-app", "2001:4860:4860::8888").verdict).toBe("blocked");
  });

  it("a public NAT gateway in use whose primary address has no PublicIp: its egress address cannot be told", () => {
    const nat = (addrs: object[], type = "public") => {
      const d = tinyVpc();
      const n = d.NatGateways![0] as Record<string, unknown>;
      n.NatGatewayAddresses = addrs;
      n.ConnectivityType = type;
      const m = model(d);
      return { t: trace(m, "eni-app"), unknowns: m.unknowns };
    };
    const missing = nat([{ PrivateIp: "10.0.0.200", IsPrimary: true, Status: "succeeded" }]);
    // (It was blocked: "nat-1 has no Elastic IP, so igw-1 drops it".)
    expect(missing.t.verdict).toBe("unknown");
    const why =
      "nat-1 is a public NAT gateway but its primary address 10.0.0.200 has no PublicIp in the input (NatGatewayAddresses), so the Elastic IP its traffic leaves from cannot be told";
    expect(missing.t.reason).toContain(why);
    expect(missing.unknowns).toContainEqual({ resource: "nat-1", message: why });
    // A secondary address without one (its Elastic IP being associated or disassociated) is no doubt.
    const secondary = nat([
      { PrivateIp: "10.0.0.201", IsPrimary: false, Status: "disassociating" },
      { PrivateIp: "10.0.0.200", PublicIp: "198.51.100.200", IsPrimary: true, Status: "succeeded" },
    ]);
    expect(secondary.t).toMatchObject({ verdict: "allowed", egressIp: "198.51.100.200" });
    // A private NAT gateway's addresses have none: its traffic to the internet gateway is dropped.
    expect(nat([{ PrivateIp: "10.0.0.200", IsPrimary: true }], "private").t.verdict).toBe("blocked");
  });

  it("a NAT gateway in a state AWS does not print is unknown, not 'not available'", () => {
    const d = tinyVpc();
    (d.NatGateways![0] as { State: string }).State = "AVAILABLE";
    const m = model(d);
    const why =
      'nat-1 has state "AVAILABLE", which is not one AWS prints (pending, failed, available, deleting, deleted), so whether it carries traffic cannot be told';
    // (It was blocked: "nat-1 is AVAILABLE".)
    expectMissing(m, "eni-app", "nat-1", why);
  });

  it("a route in a state AWS does not print is undecided and listed under unknowns, naming the file and path", () => {
    for (const state of ["weird", "Active", "BLACKHOLE"]) {
      const d = tinyVpc();
      (privateRoutes(d)[1] as { State: string }).State = state;
      const m = model(d);
      const why = `its State ${JSON.stringify(state)} is not one AWS prints (active or blackhole), so whether it carries traffic or drops it cannot be told`;
      const t = trace(m, "eni-app");
      // (It was read as active: allowed.)
      expect(t.verdict).toBe("unknown");
      expect(t.reason).toContain(why);
      // Missing data, as a NAT gateway's state AWS does not print (it was a warning: exit code 0).
      expect(m.unknowns).toContainEqual({
        resource: "rtb-priv",
        message: `a route of rtb-priv: ${why} (RouteTables.json $.RouteTables[2].Routes[1].State)`,
      });
      expect(ownWarnings(m)).toEqual([]);
    }
  });

  it("a route saved without State is undecided and listed under unknowns, not read as active", () => {
    for (const absent of [undefined, null]) {
      const d = tinyVpc();
      setKey(privateRoutes(d)[1], "State", absent);
      const m = model(d);
      const why =
        "its State is not in the input (describe-route-tables prints active or blackhole on every route), so whether it carries traffic or drops it cannot be told";
      const t = trace(m, "eni-app");
      // (It was read as active: allowed through nat-1.)
      expect(t.verdict).toBe("unknown");
      expect(t.reason).toContain(why);
      expect(m.unknowns).toContainEqual({
        resource: "rtb-priv",
        message: `the route of rtb-priv to 0.0.0.0/0 (-> nat-1): ${why} (RouteTables.json $.RouteTables[2].Routes[1])`,
      });
      // Missing data, not a value AWS never prints: no warning; the other subnet's routes are read.
      expect(ownWarnings(m)).toEqual([]);
      expect(trace(m, "eni-web").verdict).toBe("allowed");
    }
    // A local route saved without State is undecided, but what it covers is still the VPC's own: a
    // propagated route into those addresses does not take them (it did, a VPN's unknown instead).
    const local = tinyVpc();
    setKey(privateRoutes(local)[0], "State", undefined);
    privateRoutes(local).push({
      DestinationCidrBlock: "10.0.0.0/24",
      GatewayId: "vgw-1",
      Origin: "EnableVgwRoutePropagation",
      State: "active",
    });
    const lm = model(local);
    const lt = trace(lm, "eni-app", "10.0.0.10");
    expect(lt).toMatchObject({ verdict: "unknown", exit: null });
    expect(lt.reason).toContain("route 10.0.0.0/16 in rtb-priv: its State is not in the input");
    expect(lm.unknowns.map((u) => u.message)).toContainEqual(
      expect.stringMatching(/^the route of rtb-priv to 10\.0\.0\.0\/16 \(-> local\): its State/),
    );
    // A prefix-list route saved without State is named by its list.
    const d = tinyVpc();
    d.PrefixLists = [{ PrefixListId: "pl-1", PrefixListName: "mine", Cidrs: ["8.8.8.0/24"] }];
    privateRoutes(d).push({ DestinationPrefixListId: "pl-1", TransitGatewayId: "tgw-1" });
    const m = model(d);
    expect(trace(m, "eni-app").verdict).toBe("unknown");
    expect(m.unknowns.map((u) => u.message)).toContainEqual(
      expect.stringMatching(/^the route of rtb-priv to pl-1 \(-> tgw-1\): its State is not in the input/),
    );
  });

  it("a route naming two targets is an input error naming both; an instance's id with its interface's is AWS's own", () => {
    const d = tinyVpc();
    Object.assign(privateRoutes(d)[1]!, { GatewayId: "igw-1" });
    expect(() => model(d)).toThrow(
      'RouteTables.json: $.RouteTables[2].Routes[1]: expected one route target, got GatewayId "igw-1" and NatGatewayId "nat-1" (AWS prints two only for an instance: InstanceId and its NetworkInterfaceId)',
    );
    const e = tinyVpc();
    privateRoutes(e)[1] = {
      DestinationCidrBlock: "0.0.0.0/0",
      InstanceId: "i-web",
      InstanceOwnerId: "111122223333",
      NetworkInterfaceId: "eni-web",
      State: "active",
    };
    const m = model(e);
    expect(m.routeTables.get("rtb-priv")!.routes.map(targetOf)).toContain("eni-web");
  });
});

/** Each case corrupts the tiny VPC; reading it must be an InputError with that message. */
function expectInputErrors(cases: [(d: Docs) => void, string][]): void {
  for (const [corrupt, message] of cases) {
    const d = tinyVpc();
    corrupt(d);
    expect(() => model(d)).toThrow(InputError);
    expect(() => model(d)).toThrow(message);
  }
}
