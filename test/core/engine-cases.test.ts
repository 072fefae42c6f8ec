// Behaviour of the engine on the tiny VPC, case by case, through the same entry points the CLI uses.
import { describe, expect, it } from "vitest";
import { runAudit } from "../../src/core/audit.js";
import { isInternetOnly, parseDest, parsePorts } from "../../src/core/cli.js";
import { selectSources } from "../../src/core/pipeline.js";
import { runTrace } from "../../src/core/trace.js";
import { renderAuditText, renderTraceText } from "../../src/report/text.js";
import type { AuditEntry, Flow } from "../../src/core/result.js";
import { awsModel } from "../../src/providers/aws/index.js";
import { AskedMissing } from "../../src/model/missing.js";
import { cidrSet, parseIp } from "../../src/netset/index.js";
import {
  docsOf,
  eni,
  ownWarnings,
  privateRoutes,
  publicRoutes,
  setAcl,
  tinyVpc,
  tinyVpcWithInstance,
  type Docs,
} from "../providers/aws/tiny-vpc.js";

const trace = (d: Docs, flow: Partial<Flow> & { src: string }) =>
  runTrace(awsModel(docsOf(d), "test"), [{ dst: "8.8.8.8", protocol: "tcp", port: 443, ...flow }])[0]!;

const audit = (d: Docs, ports: string, dest = "internet") =>
  runAudit(awsModel(docsOf(d), "test"), {
    ports: parsePorts(ports),
    portsText: ports,
    dest: parseDest(dest),
    destText: dest,
  });

const tcp = (n: number, egress: boolean, action: string, from: number, to: number, cidr = "0.0.0.0/0") => ({
  CidrBlock: cidr,
  Egress: egress,
  Protocol: "6",
  RuleAction: action,
  RuleNumber: n,
  PortRange: { From: from, To: to },
});
const all = (n: number, egress: boolean, action = "allow", cidr = "0.0.0.0/0") => ({
  CidrBlock: cidr,
  Egress: egress,
  Protocol: "-1",
  RuleAction: action,
  RuleNumber: n,
});

/**
 * Gives the tiny VPC's public subnet the IPv6 block 2600:1f18:1:a00::/64 and eni-web an address in it,
 * with a way out through igw-1 (route, security group rule, network ACL entries both ways). The VPC's
 * own block is each test's to set.
 */
function ipv6Out(d: Docs): void {
  Object.assign(d.Subnets![0]!, {
    Ipv6CidrBlockAssociationSet: [
      { Ipv6CidrBlock: "2600:1f18:1:a00::/64", Ipv6CidrBlockState: { State: "associated" } },
    ],
  });
  Object.assign(d.NetworkInterfaces![1]!, { Ipv6Addresses: [{ Ipv6Address: "2600:1f18:1:a00::10" }] });
  publicRoutes(d).push({
    DestinationIpv6CidrBlock: "::/0",
    GatewayId: "igw-1",
    State: "active",
  });
  (d.SecurityGroups![0] as { IpPermissionsEgress: object[] }).IpPermissionsEgress.push({
    IpProtocol: "-1",
    Ipv6Ranges: [{ CidrIpv6: "::/0" }],
  });
  for (const Egress of [true, false])
    (d.NetworkAcls![0] as { Entries: object[] }).Entries.push({
      Ipv6CidrBlock: "::/0",
      Egress,
      Protocol: "-1",
      RuleAction: "allow",
      RuleNumber: 101,
    });
}

/** eni-app gets 2600:1f18:1:1::10 in the VPC's 2600:1f18:1::/56, with ::/0 to an egress-only gateway. */
function dualStack(): Docs {
  const d = tinyVpc();
  (d.Vpcs![0] as Record<string, unknown>).Ipv6CidrBlockAssociationSet = [
    { Ipv6CidrBlock: "2600:1f18:1::/56", Ipv6CidrBlockState: { State: "associated" } },
  ];
  (d.Subnets![1] as Record<string, unknown>).Ipv6CidrBlockAssociationSet = [
    { Ipv6CidrBlock: "2600:1f18:1:1::/64" },
  ];
  privateRoutes(d).push(
    { DestinationIpv6CidrBlock: "2600:1f18:1::/56", GatewayId: "local", State: "active" },
    { DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: "eigw-1", State: "active" },
  );
  (d.NetworkInterfaces![0] as Record<string, unknown>).Ipv6Addresses = [{ Ipv6Address: "2600:1f18:1:1::10" }];
  (
    d.SecurityGroups![0] as { IpPermissionsEgress: Record<string, unknown>[] }
  ).IpPermissionsEgress[0]!.Ipv6Ranges = [{ CidrIpv6: "::/0" }];
  const v6 = (egress: boolean) => ({
    Ipv6CidrBlock: "::/0",
    Egress: egress,
    Protocol: "-1",
    RuleAction: "allow",
    RuleNumber: 101,
  });
  setAcl(d, "acl-priv", [all(100, true), all(100, false), v6(true), v6(false)]);
  return d;
}

/** A flow from eni-web (given an IPv6 address by ipv6Out) to an IPv6 internet host. */
const google = { src: "eni-web", dst: "2001:4860:4860::8888", port: 443 };

describe("paths out", () => {
  it("private subnet -> NAT gateway -> internet gateway, egress IP = the NAT's Elastic IP", () => {
    const t = trace(tinyVpc(), { src: "eni-app" });
    expect(t).toMatchObject({ verdict: "allowed", exit: "internet", egressIp: "198.51.100.200" });
    expect(t.reason).toBe("reaches the internet through nat-1 and igw-1");
    // Each network ACL crossed shows the rule that lets the request through, then the one that lets
    // its replies back, to whose ports: the client's, or past the NAT gateway its own (1024-65535).
    expect(t.hops.map((h) => `${h.resource}:${h.action}:${h.rule}:${h.detail}`)).toEqual([
      "sg-all:allow:#1:egress all traffic to 0.0.0.0/0",
      "rtb-priv:forward:0.0.0.0/0:0.0.0.0/0 -> nat-1",
      "acl-priv:allow:100:outbound: rule 100: allow all traffic to 0.0.0.0/0",
      "acl-priv:allow:100:inbound (replies from 8.8.8.8 to ports 1024-65535 of 10.0.1.10): rule 100: allow all traffic from 0.0.0.0/0",
      "acl-default:allow:100:inbound: rule 100: allow all traffic from 0.0.0.0/0",
      "acl-default:allow:100:outbound (replies from 8.8.8.8 to ports 1024-65535 of 10.0.1.10): rule 100: allow all traffic to 0.0.0.0/0",
      "nat-1:translate:null:source -> 10.0.0.200, routed by subnet-pub",
      "rtb-pub:forward:0.0.0.0/0:0.0.0.0/0 -> igw-1",
      "acl-default:allow:100:outbound: rule 100: allow all traffic to 0.0.0.0/0",
      "acl-default:allow:100:inbound (replies from 8.8.8.8 to ports 1024-65535 of 10.0.0.200): rule 100: allow all traffic from 0.0.0.0/0",
      "igw-1:translate:null:source -> 198.51.100.200",
      "igw-1:exit:null:internet",
    ]);
  });

  it("public subnet with a public IP: egress IP = its own public IP", () => {
    expect(trace(tinyVpc(), { src: "eni-web" })).toMatchObject({
      verdict: "allowed",
      egressIp: "198.51.100.10",
    });
  });

  it("an internet gateway no longer attached to the VPC carries nothing, though the route still says active", () => {
    for (const [Attachments, where] of [
      [[], "it is attached to no VPC"],
      [[{ VpcId: "vpc-2", State: "available" }], "it is attached to vpc-2"],
    ] as const) {
      const d = tinyVpc();
      d.InternetGateways = [{ InternetGatewayId: "igw-1", Attachments }];
      const t = trace(d, { src: "eni-web" });
      expect(t).toMatchObject({
        verdict: "blocked",
        blockedBy: { resource: "rtb-pub", kind: "route-table", rule: "0.0.0.0/0" },
      });
      expect(t.reason).toBe(
        `route 0.0.0.0/0 in rtb-pub is a blackhole: its target igw-1 is not attached to vpc-1 (${where})`,
      );
    }
  });

  it("a gateway the describe output read does not list is unknown, not taken for a working one", () => {
    const d = tinyVpc();
    d.InternetGateways = [
      { InternetGatewayId: "igw-9", Attachments: [{ VpcId: "vpc-1", State: "available" }] },
    ];
    expect(trace(d, { src: "eni-web" })).toMatchObject({
      verdict: "unknown",
      reason: "route target igw-1 is not in the data",
    });
    // Without describe-internet-gateways in the input, the route alone describes it.
    expect(trace(tinyVpc(), { src: "eni-web" }).verdict).toBe("allowed");
  });

  it("an IPv6 source in a block the VPC does not advertise on the internet gets no answer from it", () => {
    const d = tinyVpc();
    const v6 = (Ipv6CidrBlock: string, attribute?: string) => [
      {
        Ipv6CidrBlock,
        Ipv6CidrBlockState: { State: "associated" },
        ...(attribute ? { Ipv6AddressAttribute: attribute } : {}),
      },
    ];
    const withAttribute = (attribute?: string) => {
      Object.assign(d.Vpcs![0]!, { Ipv6CidrBlockAssociationSet: v6("2600:1f18:1:a00::/56", attribute) });
      return d;
    };
    ipv6Out(d);
    const open = trace(withAttribute("public"), google);
    expect(open).toMatchObject({ verdict: "allowed", exit: "internet" });
    // Its network ACL's rule letting the answers back names them by their IPv6 addresses.
    expect(open.hops.filter((h) => h.detail.includes("replies")).map((h) => h.detail)).toEqual([
      "inbound (replies from 2001:4860:4860::8888 to ports 1024-65535 of 2600:1f18:1:a00::10): rule 101: allow all traffic from ::/0",
    ]);
    expect(trace(withAttribute(), google)).toMatchObject({ verdict: "allowed" });
    const t = trace(withAttribute("private"), google);
    expect(t).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "vpc-1", kind: "vpc", rule: "2600:1f18:1:a00::/56" },
    });
    expect(t.reason).toBe(
      "the source's IPv6 address is in 2600:1f18:1:a00::/56, which vpc-1 does not advertise on the internet: nothing there can answer it (a resource with a public address has to relay it)",
    );
    // Its IPv4 traffic goes out through the gateway's translation as before.
    expect(trace(d, { src: "eni-web" })).toMatchObject({ verdict: "allowed", egressIp: "198.51.100.10" });
  });

  describe("public addresses from a range brought to AWS (BYOIP)", () => {
    const byoip = (d: Docs, State: string, Cidr = "198.51.100.0/24") => {
      d.ByoipCidrs = [{ Cidr, State }];
      return d;
    };

    it("a range AWS does not advertise gets no answers: blocked, named by the range and its state", () => {
      for (const state of ["provisioned", "provisioned-not-publicly-advertisable"]) {
        const t = trace(byoip(tinyVpc(), state), { src: "eni-web" });
        expect(t).toMatchObject({
          verdict: "blocked",
          blockedBy: { resource: "198.51.100.0/24", kind: "byoip-cidr", rule: state },
        });
        expect(t.reason).toBe(
          `198.51.100.0/24 is an address range brought to AWS (BYOIP) that AWS does not advertise (${state}): answers to an address in it do not come back to AWS; 198.51.100.10 is in it, so what leaves through igw-1 from there gets no answer`,
        );
        expect(t.hops.at(-1)).toMatchObject({ resource: "198.51.100.0/24", action: "drop" });
        // The NAT gateway's Elastic IP is in the range too.
        expect(trace(byoip(tinyVpc(), state), { src: "eni-app" })).toMatchObject({
          verdict: "blocked",
          blockedBy: { resource: "198.51.100.0/24" },
        });
      }
    });

    it("advertised: allowed; a range in flux: unknown, with the reason", () => {
      expect(trace(byoip(tinyVpc(), "advertised"), { src: "eni-web" })).toMatchObject({ verdict: "allowed" });
      expect(trace(byoip(tinyVpc(), "provisioned", "203.0.113.0/24"), { src: "eni-web" })).toMatchObject({
        verdict: "allowed",
      });
      const t = trace(byoip(tinyVpc(), "pending-advertising"), { src: "eni-web" });
      expect(t).toMatchObject({ verdict: "unknown", blockedBy: null });
      expect(t.reason).toMatch(
        /^198\.51\.100\.0\/24 is an address range brought to AWS \(BYOIP\) in state pending-advertising: /,
      );
    });

    it("a NAT gateway spreading connections over Elastic IPs of which some get no answers: unknown", () => {
      const d = byoip(tinyVpc(), "provisioned", "198.51.100.200/32");
      (d.NatGateways![0] as { NatGatewayAddresses: object[] }).NatGatewayAddresses.push({
        PrivateIp: "10.0.0.201",
        PublicIp: "203.0.113.7",
        IsPrimary: false,
      });
      const t = trace(d, { src: "eni-app" });
      expect(t).toMatchObject({ verdict: "unknown" });
      expect(t.reason).toMatch(
        /^connections leave from one of 198\.51\.100\.200, 203\.0\.113\.7; for those from 198\.51\.100\.200: 198\.51\.100\.200\/32 is/,
      );
    });

    it("an Elastic IP from a pool that is not Amazon's is unknown unless the range's state was read", () => {
      const withPool = (pool: string, ranges?: object[]) => {
        const d = tinyVpc();
        d.Addresses = [
          {
            PublicIp: "198.51.100.10",
            PrivateIpAddress: "10.0.0.10",
            NetworkInterfaceId: "eni-web",
            PublicIpv4Pool: pool,
          },
        ];
        if (ranges) d.ByoipCidrs = ranges;
        return trace(d, { src: "eni-web" });
      };
      expect(withPool("amazon")).toMatchObject({ verdict: "allowed" });
      const t = withPool("ipv4pool-ec2-0123456789abcdef0");
      expect(t).toMatchObject({ verdict: "unknown" });
      expect(t.reason).toBe(
        "Elastic IP 198.51.100.10 comes from address pool ipv4pool-ec2-0123456789abcdef0, not Amazon's, and whether its range is advertised was not read (save aws ec2 describe-byoip-cidrs): whether answers to it come back to AWS cannot be told",
      );
      // Read, but not among the ranges: a BYOIP pool's range is missing (another region's snapshot?).
      expect(
        withPool("ipv4pool-ec2-0123456789abcdef0", [{ Cidr: "203.0.113.0/24", State: "advertised" }]).reason,
      ).toMatch(/its range is not among the ByoipCidrs in the input/);
      // An IPAM pool not among the BYOIP ranges read holds Amazon-provided addresses.
      expect(withPool("ipam-pool-0123456789abcdef0", [])).toMatchObject({ verdict: "allowed" });
      expect(withPool("ipam-pool-0123456789abcdef0")).toMatchObject({ verdict: "unknown" });
      expect(
        withPool("ipv4pool-ec2-0123456789abcdef0", [{ Cidr: "198.51.100.0/24", State: "advertised" }]),
      ).toMatchObject({ verdict: "allowed" });
    });

    it("an IPv6 block from a BYOIP pool is decided by its range's state", () => {
      const d = tinyVpc();
      const block = (Ipv6CidrBlock: string, Ipv6Pool?: string) => [
        { Ipv6CidrBlock, Ipv6CidrBlockState: { State: "associated" }, ...(Ipv6Pool ? { Ipv6Pool } : {}) },
      ];
      ipv6Out(d);
      const withPool = (pool: string | undefined, ranges?: object[]) => {
        Object.assign(d.Vpcs![0]!, { Ipv6CidrBlockAssociationSet: block("2600:1f18:1:a00::/56", pool) });
        if (ranges) d.ByoipCidrs = ranges;
        else delete d.ByoipCidrs;
        return trace(d, google);
      };
      expect(withPool(undefined)).toMatchObject({ verdict: "allowed" });
      expect(withPool("Amazon")).toMatchObject({ verdict: "allowed" });
      const t = withPool("ipv6pool-ec2-0123456789abcdef0");
      expect(t).toMatchObject({ verdict: "unknown" });
      expect(t.reason).toMatch(
        /^vpc-1's IPv6 block 2600:1f18:1:a00::\/56 comes from pool ipv6pool-ec2-0123456789abcdef0, not Amazon's/,
      );
      expect(
        withPool("ipv6pool-ec2-0123456789abcdef0", [{ Cidr: "2600:1f18:1::/48", State: "provisioned" }]),
      ).toMatchObject({
        verdict: "blocked",
        blockedBy: { resource: "2600:1f18:1::/48", kind: "byoip-cidr", rule: "provisioned" },
      });
      expect(
        withPool("ipv6pool-ec2-0123456789abcdef0", [{ Cidr: "2600:1f18:1::/48", State: "advertised" }]),
      ).toMatchObject({
        verdict: "allowed",
      });
      // Its IPv4 traffic is decided by its public IPv4 address, which is Amazon's.
      expect(trace(d, { src: "eni-web" })).toMatchObject({ verdict: "allowed" });
    });

    it("audit: sources alike but for the range their public address is in get their own answers", () => {
      const d = byoip(tinyVpc(), "provisioned", "198.51.100.10/32");
      d.NetworkInterfaces!.push(eni("eni-web2", "subnet-pub", "10.0.0.11", ["sg-all"], "198.51.100.11"));
      const r = audit(d, "tcp/443");
      const verdictOf = (id: string) => r.results.find((e) => e.source.id === id)!;
      expect(verdictOf("eni-web")).toMatchObject({
        verdict: "blocked",
        blockedBy: { resource: "198.51.100.10/32", kind: "byoip-cidr", rule: "provisioned" },
      });
      expect(verdictOf("eni-web").reason).toMatch(/the source's public address is in it/);
      expect(verdictOf("eni-web2")).toMatchObject({ verdict: "allowed", egressIps: ["198.51.100.11"] });
    });
  });

  it("NAT gateways translate ICMP query requests; other ICMP (an error, an echo reply) is not followed: unknown, not missing data", () => {
    const d = tinyVpc();
    // A ping leaves through nat-1 and igw-1, as TCP does.
    const ping = trace(d, { src: "eni-app", protocol: "icmp", port: 8 });
    expect(ping).toMatchObject({ verdict: "allowed", exit: "internet", egressIp: "198.51.100.200" });
    expect(ping.hops.map((h) => `${h.resource}:${h.action}`)).toContain("nat-1:translate");
    // A destination unreachable (3) and an echo reply (0) started here belong to no connection nat-1
    // tracks (RFC 5508); AWS does not say what it does with them.
    for (const [port, code] of [
      [3, 3],
      [0, 0],
    ] as const) {
      const t = trace(d, { src: "eni-app", protocol: "icmp", port, code });
      expect(t).toMatchObject({ verdict: "unknown", exit: "internet", egressIp: null, blockedBy: null });
      expect(t.reason).toBe(
        "nat-1 maps ICMP query requests (echo, timestamp, information, address mask) to its address; other ICMP messages a NAT translates only as part of a connection it tracks (RFC 5508: an error about one of its connections, such as fragmentation needed, goes back to the host), which a message a source starts is not, and AWS does not document what its NAT gateways do with them",
      );
      // The whole way is shown, then the doubt at the gateway.
      expect(t.hops.map((h) => `${h.resource}:${h.action}`)).toContain("igw-1:exit");
      expect(t.hops.at(-1)).toEqual({
        resource: "nat-1",
        kind: "nat-gateway",
        action: "translate",
        rule: null,
        detail: "ICMP other than a query request: whether it is translated is not documented",
      });
    }
    // A rule that stops it anyway still decides it, and is named: the gateway subnet's ACL denying
    // ICMP from the client (its queries too), or no route on from the gateway's subnet.
    const denied = tinyVpc();
    (denied.NetworkAcls![0] as { Entries: object[] }).Entries.unshift({
      CidrBlock: "10.0.1.0/24",
      Egress: false,
      Protocol: "1",
      IcmpTypeCode: { Type: -1, Code: -1 },
      RuleAction: "deny",
      RuleNumber: 10,
    });
    for (const port of [3, 8])
      expect(trace(denied, { src: "eni-app", protocol: "icmp", port, code: 4 })).toMatchObject({
        verdict: "blocked",
        blockedBy: { resource: "acl-default", kind: "network-acl", rule: "10" },
      });
    const noRoute = tinyVpc();
    (noRoute.RouteTables![1] as { Routes: object[] }).Routes.pop(); // rtb-pub's 0.0.0.0/0 -> igw-1
    expect(trace(noRoute, { src: "eni-app", protocol: "icmp", port: 3, code: 4 })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "rtb-pub" },
    });
    // The audit agrees, row by row; the source with a public IP of its own (no NAT) is not concerned.
    // Nothing is missing from the input: no unknowns (exit code unchanged).
    const r = audit(d, "icmp");
    expect(r.unknowns.map((u) => u.resource)).not.toContain("nat-1");
    expect(
      r.results.filter((e) => e.source.id === "eni-app").map((e) => [e.ports, e.verdict, e.egressIps]),
    ).toEqual([
      ["types 0-7", "unknown", []],
      ["type 8", "allowed", ["198.51.100.200"]],
      ["types 9-12", "unknown", []],
      ["type 13", "allowed", ["198.51.100.200"]],
      ["type 14", "unknown", []],
      ["type 15", "allowed", ["198.51.100.200"]],
      ["type 16", "unknown", []],
      ["type 17", "allowed", ["198.51.100.200"]],
      ["types 18-255", "unknown", []],
    ]);
    expect(r.results.filter((e) => e.source.id === "eni-web").map((e) => [e.ports, e.verdict])).toEqual([
      ["*", "allowed"],
    ]);
  });

  it("NAT gateways do not translate GRE", () => {
    const t = trace(tinyVpc(), { src: "eni-app", protocol: "47", port: undefined });
    expect(t).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "nat-1", kind: "nat-gateway", rule: null },
    });
  });

  it("a private NAT gateway's traffic is dropped at the internet gateway", () => {
    const d = tinyVpc();
    (d.NatGateways![0] as { ConnectivityType: string }).ConnectivityType = "private";
    expect(trace(d, { src: "eni-app" })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "nat-1", kind: "nat-gateway" },
    });
  });

  it("a transit gateway route is an exit whose beyond is unknown, never allowed", () => {
    const d = tinyVpc();
    privateRoutes(d).push({
      DestinationCidrBlock: "8.8.8.0/24",
      TransitGatewayId: "tgw-9",
      State: "active",
    });
    const t = trace(d, { src: "eni-app" });
    expect(t).toMatchObject({ verdict: "unknown", exit: "private", egressIp: null });
    expect(t.reason).toMatch(/transit gateway tgw-9; what lies beyond it was not analysed/);
  });
});

describe("NAT gateways as AWS now prints them", () => {
  it("a regional NAT gateway (no subnet) is unknown beyond, and listed among the unknowns", () => {
    const d = tinyVpc();
    const nat = d.NatGateways![0] as Record<string, unknown>;
    delete nat.SubnetId;
    nat.AvailabilityMode = "regional";
    const model = awsModel(docsOf(d), "test");
    const t = runTrace(model, [{ src: "eni-app", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!;
    expect(t).toMatchObject({ verdict: "unknown", blockedBy: null });
    expect(t.reason).toMatch(/nat-1 is a regional NAT gateway .* which this version does not analyse/);
    expect(model.unknowns.map((u) => u.resource)).toContain("nat-1");
  });

  it("an Elastic IP whose association failed is not an egress IP", () => {
    const d = tinyVpc();
    (d.NatGateways![0] as { NatGatewayAddresses: object[] }).NatGatewayAddresses.push({
      PrivateIp: "10.0.0.201",
      PublicIp: "198.51.100.77",
      IsPrimary: false,
      Status: "failed",
    });
    const [e] = audit(d, "tcp/443").results.filter((x) => x.source.id === "eni-app");
    expect(e).toMatchObject({ verdict: "allowed", egressIps: ["198.51.100.200"] });
  });
});

describe("an appliance in the sender's own subnet", () => {
  it("is reached without crossing the subnet's network ACL: unknown beyond it, not blocked by the ACL", () => {
    const d = tinyVpc();
    d.NetworkInterfaces!.push(eni("eni-fw", "subnet-priv", "10.0.1.5", ["sg-all"]));
    const routes = privateRoutes(d) as { DestinationCidrBlock?: string }[];
    routes.splice(
      routes.findIndex((x) => x.DestinationCidrBlock === "0.0.0.0/0"),
      1,
      { DestinationCidrBlock: "0.0.0.0/0", NetworkInterfaceId: "eni-fw", State: "active" } as object,
    );
    setAcl(d, "acl-priv", [all(100, true, "allow", "10.0.0.0/16"), all(100, false)]);
    const t = trace(d, { src: "eni-app" });
    expect(t).toMatchObject({ verdict: "unknown", blockedBy: null });
    expect(t.hops.some((h) => h.resource === "acl-priv")).toBe(false);
    // From another subnet the ACL of the sender's subnet does apply.
    setAcl(d, "acl-default", [all(100, true, "allow", "10.0.0.0/16"), all(100, false)]);
    publicRoutes(d).push({
      DestinationCidrBlock: "8.8.8.8/32",
      NetworkInterfaceId: "eni-fw",
      State: "active",
    });
    expect(trace(d, { src: "eni-web" })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "acl-default", rule: "*" },
    });
  });
});

describe("an interface whose describe output has no Groups field", () => {
  it("is unknown, not an interface without groups (which would let everything out)", () => {
    const d = tinyVpc();
    delete (d.NetworkInterfaces![0] as Record<string, unknown>).Groups;
    const model = awsModel(docsOf(d), "test");
    expect(model.unknowns).toContainEqual({
      resource: "eni-app",
      message: "the security groups of eni-app are not in the input (its describe output has no Groups)",
    });
    const t = runTrace(model, [{ src: "eni-app", dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!;
    expect(t).toMatchObject({ verdict: "unknown", blockedBy: null });
    expect(t.reason).toBe(
      "the security groups of eni-app are not in the input (its describe output has no Groups)",
    );
    // An empty list is an interface no group filters (as some AWS-managed ones are): what it sends is
    // not cut.
    const none = tinyVpc();
    Object.assign(none.NetworkInterfaces![1] as object, { Groups: [], RequesterId: "123456789012" });
    expect(awsModel(docsOf(none), "test").warnings).toEqual(awsModel(docsOf(tinyVpc()), "test").warnings);
    expect(trace(none, { src: "eni-web" }).verdict).toBe("allowed");
    // So is an Elastic VMware Service interface's (what groups those have is not documented).
    const evs = tinyVpc();
    Object.assign(evs.NetworkInterfaces![1] as object, { Groups: [], InterfaceType: "evs" });
    expect(trace(evs, { src: "eni-web" }).verdict).toBe("allowed");
  });

  it("with an empty list on an instance's or a customer's interface, which AWS never prints: a warning and unknown", () => {
    const message =
      "lists no security groups, which AWS never prints for an instance's or a customer's interface (every one has at least one), so what its groups let out is not known";
    // eni-app is an instance's; eni-web one a customer created (no RequesterId).
    for (const [i, id] of [
      [0, "eni-app"],
      [1, "eni-web"],
    ] as const) {
      const d = tinyVpc();
      (d.NetworkInterfaces![i] as Record<string, unknown>).Groups = [];
      const m = awsModel(docsOf(d), "test");
      expect(m.warnings).toContainEqual({
        resource: id,
        message: `${id} ${message} (NetworkInterfaces.json $.NetworkInterfaces[${i}].Groups)`,
      });
      expect(m.unknowns).toEqual(awsModel(docsOf(tinyVpc()), "test").unknowns);
      const t = runTrace(m, [{ src: id, dst: "8.8.8.8", protocol: "tcp", port: 443 }])[0]!;
      expect(t).toMatchObject({ verdict: "unknown", blockedBy: null, reason: `${id} ${message}` });
    }
  });
});

describe("replies from a NAT gateway (routed by its own subnet's table)", () => {
  /** The tiny VPC with a route in the NAT gateway's subnet's table taking the private subnet elsewhere. */
  const diverted = (route: object): Docs => {
    const d = tinyVpc();
    publicRoutes(d).push({
      DestinationCidrBlock: "10.0.1.0/24",
      ...route,
    });
    return d;
  };

  it("to a blackhole: blocked by that route, though the packets leave", () => {
    const d = diverted({ NetworkInterfaceId: "eni-gone", State: "blackhole" });
    const t = trace(d, { src: "eni-app" });
    expect(t).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "rtb-pub", kind: "route-table", rule: "10.0.1.0/24" },
    });
    expect(t.reason).toMatch(/replies from nat-1 to the source are routed by rtb-pub, .* into a blackhole/);
    expect(t.hops.at(-1)).toMatchObject({ resource: "rtb-pub", action: "drop", rule: "10.0.1.0/24" });
    // The audit agrees; a one-way ICMP message (destination unreachable) expects no reply, so the
    // blackhole does not stop it (the NAT gateway does not follow it: unknown).
    const rows = audit(d, "tcp/443,icmp").results.filter((e) => e.source.id === "eni-app");
    expect(rows.find((e) => e.protocol === "tcp")).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "rtb-pub", rule: "10.0.1.0/24" },
    });
    expect(rows.find((e) => e.ports === "types 0-7")?.verdict).toBe("unknown");
    expect(rows.find((e) => e.ports === "type 8")?.verdict).toBe("blocked");
  });

  it("into a blackhole even where the way beyond the NAT gateway is not known: blocked", () => {
    // The internet gateway's own route table sends the answers to an appliance first (unknown), but
    // whatever it does, the NAT gateway's answers to the client fall into the blackhole.
    const d = diverted({ NetworkInterfaceId: "eni-gone", State: "blackhole" });
    d.RouteTables!.push({
      RouteTableId: "rtb-edge",
      VpcId: "vpc-1",
      Associations: [{ GatewayId: "igw-1", AssociationState: { State: "associated" } }],
      Routes: [
        { DestinationCidrBlock: "10.0.0.0/16", GatewayId: "local", State: "active" },
        { DestinationCidrBlock: "10.0.0.0/24", NetworkInterfaceId: "eni-fw", State: "active" },
      ],
    });
    expect(trace(d, { src: "eni-app" })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "rtb-pub", rule: "10.0.1.0/24" },
    });
  });

  it("to an appliance (a firewall endpoint's interface): unknown, with the reason", () => {
    const t = trace(diverted({ NetworkInterfaceId: "eni-fw", State: "active" }), { src: "eni-app" });
    expect(t).toMatchObject({ verdict: "unknown", exit: "internet", blockedBy: null });
    expect(t.reason).toMatch(/replies from nat-1 to the source are routed by rtb-pub, .* to eni-fw/);
  });

  it("a route for another subnet, or a local one, leaves the replies alone", () => {
    const elsewhere = tinyVpc();
    publicRoutes(elsewhere).push({
      DestinationCidrBlock: "10.0.1.128/25",
      NetworkInterfaceId: "eni-gone",
      State: "blackhole",
    });
    expect(trace(elsewhere, { src: "eni-app" })).toMatchObject({
      verdict: "allowed",
      egressIp: "198.51.100.200",
    });
    expect(trace(diverted({ GatewayId: "local", State: "active" }), { src: "eni-app" }).verdict).toBe(
      "allowed",
    );
  });
});

/** eni-app's instance, as describe-instances lists it: a Linux one (no Platform). */
function onLinux(d: Docs): Docs {
  d.Reservations = [
    {
      Instances: [
        {
          InstanceId: "i-app",
          State: { Name: "running" },
          NetworkInterfaces: [{ NetworkInterfaceId: "eni-app" }],
        },
      ],
    },
  ];
  return d;
}

describe("network ACL return traffic (stateless)", () => {
  it("a request dropped further on is blocked by that drop, not by the rule its replies would meet", () => {
    // eni-web has no public address: the internet gateway drops its packets, whatever its subnet's
    // network ACL would do to replies (on some client ports, or on all of them).
    const noPublicIp = (inbound: object[]): Docs => {
      const d = tinyVpc();
      const web = d.NetworkInterfaces![1] as { PrivateIpAddresses: object[]; Association?: object };
      web.PrivateIpAddresses = [{ Primary: true, PrivateIpAddress: "10.0.0.10" }];
      delete web.Association;
      setAcl(d, "acl-default", [all(100, true), ...inbound]);
      return d;
    };
    for (const inbound of [[tcp(100, false, "allow", 1024, 40000)], []]) {
      const t = trace(noPublicIp(inbound), { src: "eni-web" });
      expect(t).toMatchObject({ verdict: "blocked", blockedBy: { resource: "igw-1" } });
      expect(t.reason).toMatch(/no public IPv4 address/);
    }
    // A NAT gateway that is gone: it decides, not the client subnet's inbound rule the replies would meet.
    const d = tinyVpc();
    (d.NatGateways![0] as { State: string }).State = "deleted";
    setAcl(d, "acl-priv", [all(100, true), all(50, false, "deny")]);
    expect(trace(d, { src: "eni-app" })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "nat-1" },
    });
    // Where the request gets through, the replies' rule decides, as before.
    (d.NatGateways![0] as { State: string }).State = "available";
    expect(trace(d, { src: "eni-app" })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "acl-priv", rule: "50" },
    });
  });

  it("of the rules replies meet, the first they meet decides: the NAT gateway's subnet's before the client's", () => {
    const d = tinyVpc();
    // Replies to the client leave the NAT's subnet (acl-default outbound) before they enter the
    // client's (acl-priv inbound): both deny them, and the first names the block.
    setAcl(d, "acl-priv", [all(100, true), all(50, false, "deny")]);
    setAcl(d, "acl-default", [all(100, false), all(60, true, "deny", "10.0.1.0/24"), all(100, true)]);
    const t = trace(d, { src: "eni-app" });
    expect(t).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "acl-default", rule: "60" },
    });
    // Those replies go to the client (from 8.8.8.8: the gateway keeps the far end's address).
    expect(t.hops.at(-1)?.detail).toBe(
      "outbound (replies from 8.8.8.8 to ports 1024-65535 of 10.0.1.10): rule 60: deny all traffic to 10.0.1.0/24",
    );
  });

  it("replies a NAT gateway does not get back are named as the gateway's, in the trace and the audit", () => {
    const d = tinyVpc();
    // nat-1's subnet lets in only what comes from the VPC: the replies from the internet to nat-1's
    // ports 1024-65535 meet the inbound `*` rule.
    setAcl(d, "acl-default", [all(100, true), all(100, false, "allow", "10.0.0.0/16")]);
    const reason = "replies to ports 1024-65535 of nat-1 are denied by inbound acl-default rule *";
    expect(trace(d, { src: "eni-app" })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "acl-default", rule: "*" },
      reason,
    });
    const row = audit(d, "tcp/443").results.find((e) => e.source.id === "eni-app");
    expect(row).toMatchObject({ verdict: "blocked", reason });
  });

  it("replies allowed on the whole Linux ephemeral range: allowed", () => {
    const d = onLinux(tinyVpc());
    setAcl(d, "acl-priv", [all(100, true), tcp(100, false, "allow", 32768, 60999)]);
    expect(trace(d, { src: "eni-app" }).verdict).toBe("allowed");
  });

  it("no inbound rule for the replies: blocked by the inbound `*` rule", () => {
    const d = onLinux(tinyVpc());
    setAcl(d, "acl-priv", [all(100, true), tcp(100, false, "allow", 22, 22)]);
    const t = trace(d, { src: "eni-app" });
    expect(t).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "acl-priv", kind: "network-acl", rule: "*" },
    });
    expect(t.reason).toBe("replies to ports 32768-60999 are denied by inbound acl-priv rule *");
    // The hop that blocks says which replies, as the hops of rules letting replies back do.
    expect(t.hops.at(-1)?.detail).toBe(
      "inbound (replies from 8.8.8.8 to ports 32768-60999 of 10.0.1.10): rule *: deny all traffic from 0.0.0.0/0",
    );
  });

  it("replies allowed on only part of the ephemeral range: unknown, with the reason", () => {
    const d = onLinux(tinyVpc());
    setAcl(d, "acl-priv", [all(100, true), tcp(100, false, "allow", 49152, 65535)]);
    const t = trace(d, { src: "eni-app" });
    expect(t.verdict).toBe("unknown");
    expect(t.reason).toMatch(/acl-priv lets replies through on only some of the ephemeral ports 32768-60999/);
    // The packets leave: the trace shows their whole way to the exit, and at acl-priv the rule letting
    // some replies back and the one stopping the rest (it showed the way up to acl-priv only).
    expect(t.exit).toBe("internet");
    expect(t.hops.map((h) => `${h.resource}:${h.action}:${h.rule}`)).toEqual([
      "sg-all:allow:#1",
      "rtb-priv:forward:0.0.0.0/0",
      "acl-priv:allow:100",
      "acl-priv:allow:100",
      "acl-priv:deny:*",
      "acl-default:allow:100",
      "acl-default:allow:100",
      "nat-1:translate:null",
      "rtb-pub:forward:0.0.0.0/0",
      "acl-default:allow:100",
      "acl-default:allow:100",
      "igw-1:translate:null",
      "igw-1:exit:null",
    ]);
    expect(t.hops.slice(3, 5).map((h) => h.detail)).toEqual([
      "inbound (replies from 8.8.8.8 to ports 49152-60999 of 10.0.1.10): rule 100: allow tcp 49152-65535 from 0.0.0.0/0",
      "inbound (replies from 8.8.8.8 to ports 32768-49151 of 10.0.1.10): rule *: deny all traffic from 0.0.0.0/0",
    ]);
  });

  it("an allowed trace names every rule that lets replies back, each part of a split ephemeral range", () => {
    const d = onLinux(tinyVpc());
    // Rule 100 lets part of 32768-60999 back, rule 110 the rest, rule 120 UDP's (not these replies').
    setAcl(d, "acl-priv", [
      all(100, true),
      tcp(100, false, "allow", 1024, 40000),
      tcp(110, false, "allow", 40001, 65535),
      { ...tcp(120, false, "allow", 1024, 65535), Protocol: "17" },
    ]);
    const t = trace(d, { src: "eni-app" });
    expect(t.verdict).toBe("allowed");
    expect(t.hops.filter((h) => h.resource === "acl-priv")).toEqual([
      {
        resource: "acl-priv",
        kind: "network-acl",
        action: "allow",
        rule: "100",
        detail: "outbound: rule 100: allow all traffic to 0.0.0.0/0",
      },
      {
        resource: "acl-priv",
        kind: "network-acl",
        action: "allow",
        rule: "100",
        detail:
          "inbound (replies from 8.8.8.8 to ports 32768-40000 of 10.0.1.10): rule 100: allow tcp 1024-40000 from 0.0.0.0/0",
      },
      {
        resource: "acl-priv",
        kind: "network-acl",
        action: "allow",
        rule: "110",
        detail:
          "inbound (replies from 8.8.8.8 to ports 40001-60999 of 10.0.1.10): rule 110: allow tcp 40001-65535 from 0.0.0.0/0",
      },
    ]);
    // A ping's replies are ICMP echo replies: the rule that lets those back is named.
    setAcl(d, "acl-priv", [
      all(100, true),
      { ...all(90, false), Protocol: "1", IcmpTypeCode: { Type: 0, Code: 0 } },
    ]);
    const ping = trace(d, { src: "eni-app", protocol: "icmp", port: null });
    expect(ping.verdict).toBe("allowed");
    expect(ping.hops.filter((h) => h.resource === "acl-priv").map((h) => h.detail)).toEqual([
      "outbound: rule 100: allow all traffic to 0.0.0.0/0",
      "inbound (ICMP replies from 8.8.8.8 to 10.0.1.10): rule 90: allow icmp type 0 code 0 from 0.0.0.0/0",
    ]);
  });

  it("an audit gives one row and one path where two rules share the reply ports (audit paths name no reply rule)", () => {
    const d = onLinux(tinyVpc());
    setAcl(d, "acl-priv", [
      all(100, true),
      tcp(100, false, "allow", 1024, 40000),
      tcp(110, false, "allow", 40001, 65535),
    ]);
    const r = audit(d, "tcp/443");
    // One row, one path: the two rules sharing the reply ports split nothing an audit shows.
    const rows = r.results.filter((e) => e.source.id === "eni-app");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ verdict: "allowed", ports: "443", blockedBy: null });
    expect(rows[0]!.paths.map((p) => [p.verdict, p.reason])).toEqual([
      ["allowed", expect.not.stringContaining("replies") as unknown],
    ]);
  });

  it("a client whose OS the input does not tell (its instance not in it) is judged on 1024-65535, as Lambda and load balancers", () => {
    const linuxOnly = (d: Docs) => {
      setAcl(d, "acl-priv", [all(100, true), tcp(100, false, "allow", 32768, 60999)]);
      return d;
    };
    expect(trace(linuxOnly(onLinux(tinyVpc())), { src: "eni-app" }).verdict).toBe("allowed");
    const t = trace(linuxOnly(tinyVpc()), { src: "eni-app" });
    expect(t.verdict).toBe("unknown");
    expect(t.reason).toMatch(/acl-priv lets replies through on only some of the ephemeral ports 1024-65535/);
    // A load balancer's interface (an instance's InterfaceType, made by amazon-elb): 1024-65535 too.
    const d = onLinux(tinyVpc());
    d.NetworkInterfaces!.push({
      ...eni("eni-alb", "subnet-priv", "10.0.1.20", ["sg-all"]),
      InterfaceType: "interface",
      RequesterId: "amazon-elb",
      Description: "ELB app/my-alb/50dc6c495c0c9188",
    });
    const alb = trace(linuxOnly(d), { src: "eni-alb" });
    expect(alb.reason).toMatch(/only some of the ephemeral ports 1024-65535/);
    // A trace from a subnet stands for any host there: its OS cannot be told either.
    const fromSubnet = trace(linuxOnly(onLinux(tinyVpc())), { src: "subnet-priv" });
    expect(fromSubnet.verdict).toBe("unknown");
    expect(fromSubnet.reason).toMatch(/only some of the ephemeral ports 1024-65535/);
  });

  it("the NAT gateway's subnet must let replies in on 1024-65535", () => {
    const d = tinyVpc();
    setAcl(d, "acl-default", [
      all(100, true),
      tcp(100, false, "allow", 32768, 65535),
      all(110, false, "allow", "10.0.0.0/16"),
    ]);
    const t = trace(d, { src: "eni-app" });
    expect(t.verdict).toBe("unknown");
    // It is the gateway that picks the port, from its own range (the audit says the same).
    const reason =
      "acl-default lets replies through on only some of nat-1's ports 1024-65535; the others are denied by inbound rule *: the connection works only when the gateway picks one of those";
    expect(t.reason).toBe(reason);
    expect(audit(d, "tcp/443").results.find((e) => e.source.id === "eni-app")?.reason).toBe(reason);
  });

  it("the NAT gateway's subnet ACL sees the client as the source on the way in", () => {
    const d = tinyVpc();
    setAcl(d, "acl-default", [all(100, true), all(90, false, "deny", "10.0.1.0/24"), all(100, false)]);
    expect(trace(d, { src: "eni-app" })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "acl-default", rule: "90" },
    });
  });

  it("ICMP echo needs the echo reply back; other ICMP messages expect none", () => {
    const d = tinyVpc();
    setAcl(d, "acl-priv", [
      all(100, true),
      {
        CidrBlock: "0.0.0.0/0",
        Egress: false,
        Protocol: "1",
        RuleAction: "deny",
        RuleNumber: 50,
        IcmpTypeCode: { Type: 0, Code: 0 },
      },
      all(100, false),
    ]);
    const ping = trace(d, { src: "eni-app", protocol: "icmp", port: undefined });
    expect(ping).toMatchObject({ verdict: "blocked", blockedBy: { rule: "50" } });
    expect(ping.reason).toBe(
      "ICMP replies are denied by inbound acl-priv rule 50; the ICMP requests are not stopped by it",
    );
    // A timestamp request's reply is type 14, which rule 50 does not touch; an unreachable expects
    // none, so rule 50 does not stop it either (it gets to nat-1, which does not translate it: unknown).
    expect(trace(d, { src: "eni-app", protocol: "icmp", port: 13 }).verdict).toBe("allowed");
    expect(trace(d, { src: "eni-app", protocol: "icmp", port: 3 })).toMatchObject({
      verdict: "unknown",
      hops: expect.arrayContaining([
        expect.objectContaining({ resource: "nat-1", action: "translate" }),
      ]) as unknown,
    });
  });

  it("a flow blocked by its replies says when its requests still get out (UDP), and not when they carry nothing (TCP)", () => {
    const d = tinyVpc();
    // Inbound: TCP replies only. A UDP datagram (syslog, say) leaves and delivers its data; only the
    // answers are lost, so "blocked" must not read as "nothing leaves".
    setAcl(d, "acl-priv", [all(100, true), tcp(100, false, "allow", 1024, 65535)]);
    expect(trace(d, { src: "eni-app", protocol: "udp", port: 514 })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "acl-priv", rule: "*" },
      reason:
        "replies to ports 1024-65535 are denied by inbound acl-priv rule *; one-way UDP datagrams are not stopped by it",
    });
    setAcl(d, "acl-priv", [all(100, true), { ...tcp(100, false, "allow", 1024, 65535), Protocol: "17" }]);
    const rows = audit(d, "tcp/443,udp/514").results.filter((e) => e.source.id === "eni-app");
    expect(rows.map((e) => [e.protocol, e.verdict, e.reason])).toEqual([
      ["tcp", "blocked", "replies to ports 1024-65535 are denied by inbound acl-priv rule *"],
      ["udp", "allowed", null],
    ]);
  });

  it("timestamp, information and address mask requests need their replies (14, 16, 18) back", () => {
    const d = tinyVpc();
    // Inbound: only TCP and UDP replies, as a NACL written with ping in mind never is.
    setAcl(d, "acl-priv", [
      all(100, true),
      tcp(100, false, "allow", 1024, 65535),
      { ...tcp(110, false, "allow", 1024, 65535), Protocol: "17" },
    ]);
    for (const port of [13, 15, 17])
      expect(trace(d, { src: "eni-app", protocol: "icmp", port })).toMatchObject({
        verdict: "blocked",
        blockedBy: { resource: "acl-priv", rule: "*" },
        reason: "ICMP replies are denied by inbound acl-priv rule *; the ICMP requests are not stopped by it",
      });
    // The rest of the ICMP messages expect no reply, so the ACL does not stop them (they get to nat-1,
    // which does not translate them: unknown); the audit agrees with the traces.
    const rows = audit(d, "icmp").results.filter((e) => e.source.id === "eni-app");
    expect(rows.map((e) => [e.ports, e.verdict])).toEqual([
      ["types 0-7", "unknown"],
      ["type 8", "blocked"],
      ["types 9-12", "unknown"],
      ["type 13", "blocked"],
      ["type 14", "unknown"],
      ["type 15", "blocked"],
      ["type 16", "unknown"],
      ["type 17", "blocked"],
      ["types 18-255", "unknown"],
    ]);
  });
});

describe("the audit matrix", () => {
  it("splits ports by fate and names the deciding rule per range", () => {
    const d = tinyVpc();
    setAcl(d, "acl-priv", [
      tcp(90, true, "deny", 25, 25),
      all(100, true),
      tcp(100, false, "allow", 1024, 65535),
    ]);
    const r = audit(d, "tcp");
    const app = r.results
      .filter((e) => e.source.id === "eni-app")
      .map((e) => [e.ports, e.verdict, e.blockedBy?.rule ?? null, e.egressIps.join()]);
    expect(app).toEqual([
      ["0-24", "allowed", null, "198.51.100.200"],
      ["25", "blocked", "90", ""],
      ["26-65535", "allowed", null, "198.51.100.200"],
    ]);
  });

  it("partial: some destinations allowed, the rest blocked, each path listed", () => {
    const d = tinyVpc();
    setAcl(d, "acl-priv", [all(90, true, "deny", "1.1.1.0/24"), all(100, true), all(100, false)]);
    const [e] = audit(d, "tcp/443", "8.8.8.0/24,1.1.1.0/24").results.filter((x) => x.source.id === "eni-app");
    expect(e).toMatchObject({
      verdict: "partial",
      reachable: ["8.8.8.0/24"],
      blockedBy: { resource: "acl-priv", rule: "90" },
    });
    expect(e!.paths.map((p) => [p.verdict, p.destinations])).toEqual([
      ["blocked", ["1.1.1.0/24"]],
      ["allowed", ["8.8.8.0/24"]],
    ]);
  });

  it("sources of one class share work but keep their own egress IPs", () => {
    const d = tinyVpc();
    d.NetworkInterfaces!.push(eni("eni-web2", "subnet-pub", "10.0.0.11", ["sg-all"], "198.51.100.11"));
    const r = audit(d, "tcp/443");
    const ips = Object.fromEntries(r.results.map((e) => [e.source.id, e.egressIps.join()]));
    expect(ips).toEqual({
      "eni-app": "198.51.100.200",
      "eni-web": "198.51.100.10",
      "eni-web2": "198.51.100.11",
    });
  });

  // Found by FUZZ_SEED=902698: two sources with the same groups in another order shared one result,
  // and the second was told its groups in the first one's order.
  it("sources listing the same groups in another order see them in one order (by id) in blockedBy", () => {
    const d = tinyVpc();
    const none = (id: string) => ({ GroupId: id, GroupName: id, VpcId: "vpc-1", IpPermissionsEgress: [] });
    d.SecurityGroups!.push(none("sg-a"), none("sg-b"));
    d.NetworkInterfaces!.push(
      eni("eni-ab", "subnet-pub", "10.0.0.11", ["sg-a", "sg-b"]),
      eni("eni-ba", "subnet-pub", "10.0.0.12", ["sg-b", "sg-a"]),
    );
    const by = Object.fromEntries(
      audit(d, "tcp/443").results.map((e) => [e.source.id, e.blockedBy?.resource]),
    );
    // AWS promises no order of an interface's groups: a report must not change with it.
    expect(by).toMatchObject({ "eni-ab": "sg-a, sg-b", "eni-ba": "sg-a, sg-b" });
  });

  describe("a dual-stack VPC whose IPv6 block is public (as Amazon's are)", () => {
    const internet = (d: Docs, ports: string) =>
      runAudit(awsModel(docsOf(d), "test"), {
        ports: parsePorts(ports),
        portsText: ports,
        dest: parseDest("internet"),
        destText: "internet",
        ownNetworkExcluded: isInternetOnly("internet"),
      });

    it("--dest internet leaves out the source's own VPC: open egress is allowed, not partial", () => {
      const r = internet(dualStack(), "tcp/443");
      expect(r.query.ownNetworkExcluded).toBe(true);
      const [e] = r.results.filter((x) => x.source.id === "eni-app");
      expect(e).toMatchObject({ verdict: "allowed", blockedBy: null });
      expect(e!.egressIps.sort()).toEqual(["198.51.100.200", "2600:1f18:1:1::10"]);
      const reach = cidrSet(e!.reachable);
      expect(reach.contains(parseIp("2606:4700::1111"))).toBe(true);
      expect(reach.overlaps(cidrSet(["2600:1f18:1::/56"]))).toBe(false);
      // Without the exclusion the VPC's own block counted as internet, and the row said partial.
      const asGiven = audit(dualStack(), "tcp/443").results.find((x) => x.source.id === "eni-app")!;
      expect(asGiven.verdict).toBe("partial");
      // CIDRs a user lists are audited as given.
      expect(isInternetOnly("internet,2600:1f18:1::/56")).toBe(false);
      expect(isInternetOnly(" Internet ")).toBe(true);
    });

    it("ICMP is audited to IPv4 destinations only, ICMPv6 to IPv6 ones", () => {
      const rows = internet(dualStack(), "icmp,icmpv6").results.filter((x) => x.source.id === "eni-app");
      const icmp = rows.filter((x) => x.protocol === "icmp").flatMap((x) => x.paths);
      const icmpv6 = rows.filter((x) => x.protocol === "icmpv6").flatMap((x) => x.paths);
      expect(icmp.length).toBeGreaterThan(0);
      expect(icmpv6.length).toBeGreaterThan(0);
      expect(icmp.every((p) => p.destinations.every((c) => !c.includes(":")))).toBe(true);
      expect(icmpv6.every((p) => p.destinations.every((c) => c.includes(":")))).toBe(true);
    });

    it("trace: a subnet as source sends from its IPv6 block too; ICMP of the wrong family is refused", () => {
      const d = dualStack();
      expect(
        trace(d, { src: "subnet-priv", dst: "2001:4860:4860::8888", protocol: "tcp", port: 443 }),
      ).toMatchObject({ verdict: "allowed", exit: "internet", egressIp: "2600:1f18:1:1::4" });
      expect(() => trace(d, { src: "eni-app", dst: "2001:4860:4860::8888", protocol: "icmp" })).toThrow(
        "--protocol icmp is IPv4's ICMP: for the IPv6 address 2001:4860:4860::8888 use icmpv6",
      );
      expect(() => trace(d, { src: "eni-app", protocol: "icmpv6" })).toThrow(
        "--protocol icmpv6 is IPv6's ICMP: for the IPv4 address 8.8.8.8 use icmp",
      );
      expect(() => trace(d, { src: "eni-app", protocol: "icmp", port: 256 })).toThrow(
        "--port: for ICMP the port is the message type, 0-255; got 256",
      );
    });
  });

  it("a source without IPv6 is audited for IPv4 destinations only", () => {
    const [e] = audit(tinyVpc(), "tcp/443").results;
    expect(e!.verdict).toBe("allowed");
    expect(e!.reachable.every((c) => !c.includes(":"))).toBe(true);
  });

  it("IPv6: an interface with an IPv6 address leaves through the egress-only gateway as itself", () => {
    const d = tinyVpc();
    (d.Vpcs![0] as Record<string, unknown>).Ipv6CidrBlockAssociationSet = [
      { Ipv6CidrBlock: "2600:1f18:1::/56", Ipv6CidrBlockState: { State: "associated" } },
    ];
    (d.Subnets![1] as Record<string, unknown>).Ipv6CidrBlockAssociationSet = [
      { Ipv6CidrBlock: "2600:1f18:1:1::/64" },
    ];
    privateRoutes(d).push({
      DestinationIpv6CidrBlock: "::/0",
      EgressOnlyInternetGatewayId: "eigw-1",
      State: "active",
    });
    (d.NetworkInterfaces![0] as Record<string, unknown>).Ipv6Addresses = [
      { Ipv6Address: "2600:1f18:1:1::10" },
    ];
    (
      d.SecurityGroups![0] as { IpPermissionsEgress: Record<string, unknown>[] }
    ).IpPermissionsEgress[0]!.Ipv6Ranges = [{ CidrIpv6: "::/0" }];
    const v6 = (n: number, egress: boolean) => ({
      Ipv6CidrBlock: "::/0",
      Egress: egress,
      Protocol: "-1",
      RuleAction: "allow",
      RuleNumber: n,
    });
    // NACL entries are per family: without ::/0 entries IPv6 falls to `*`.
    expect(trace(d, { src: "eni-app", dst: "2606:4700::1111" })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "acl-priv", rule: "*" },
    });
    setAcl(d, "acl-priv", [all(100, true), all(100, false), v6(101, true), v6(101, false)]);
    const t = trace(d, { src: "eni-app", dst: "2606:4700::1111" });
    expect(t).toMatchObject({ verdict: "allowed", exit: "internet", egressIp: "2600:1f18:1:1::10" });
    expect(t.hops.at(-1)).toMatchObject({ resource: "eigw-1", action: "exit" });
    // The audit covers both families for this source, each with its own egress address.
    const tcp = audit(d, "tcp/443").results.find((e) => e.source.id === "eni-app")!;
    expect(tcp.verdict).toBe("allowed");
    expect(tcp.egressIps.sort()).toEqual(["198.51.100.200", "2600:1f18:1:1::10"]);
    // NAT64: TCP and UDP to 64:ff9b::a.b.c.d routed to the NAT gateway go on as IPv4 to a.b.c.d, from
    // its address; they enter its subnet as IPv6, so that subnet's ACL must let IPv6 in (and back).
    privateRoutes(d).push(
      { DestinationIpv6CidrBlock: "64:ff9b::/96", NatGatewayId: "nat-1", State: "active" },
      { DestinationIpv6CidrBlock: "2001:db8:1::/48", NatGatewayId: "nat-1", State: "active" },
    );
    expect(trace(d, { src: "eni-app", dst: "64:ff9b::808:808" })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "acl-default", rule: "*" },
    });
    setAcl(d, "acl-default", [all(100, true), all(100, false), v6(101, true), v6(101, false)]);
    const nat64 = trace(d, { src: "eni-app", dst: "64:ff9b::808:808" });
    expect(nat64).toMatchObject({ verdict: "allowed", exit: "internet", egressIp: "198.51.100.200" });
    expect(nat64.hops.map((h) => `${h.resource}:${h.action}`)).toContain("nat-1:translate");
    // ... while 64:ff9b::c0a8:101 (192.168.1.1) is no internet address: dropped beyond the gateway.
    expect(trace(d, { src: "eni-app", dst: "64:ff9b::c0a8:101" }).verdict).toBe("blocked");
    // ICMPv6 is rewritten into ICMPv4 there: not followed. Other IPv6 sent to a NAT gateway is dropped.
    expect(
      trace(d, { src: "eni-app", dst: "64:ff9b::808:808", protocol: "icmpv6", port: 128 }),
    ).toMatchObject({
      verdict: "unknown",
      reason: "nat-1 rewrites ICMPv6 to 64:ff9b::/96 into ICMPv4 (NAT64); that is not analysed",
    });
    expect(trace(d, { src: "eni-app", dst: "2001:db8:1::1" })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "nat-1", kind: "nat-gateway" },
    });
    // The audit of that prefix says the same as the traces.
    const [e64] = audit(d, "tcp/443", "64:ff9b::808:808/128").results.filter(
      (x) => x.source.id === "eni-app",
    );
    expect(e64).toMatchObject({ verdict: "allowed", egressIps: ["198.51.100.200"], exits: ["internet"] });
  });
});

// A destination inside the VPC: the interface that has the address lets the flow in or not by its own
// security groups (Batfish's DENIED_IN); an audit leaves that to trace and says so.
describe("the input's own addresses on the internet", () => {
  /** The tiny VPC with public addresses that are on the internet: eni-web's 54.1.1.10, nat-1's 54.1.1.200. */
  const onInternet = (): Docs => {
    const d = tinyVpc();
    const web = d.NetworkInterfaces![1] as {
      PrivateIpAddresses: { Association?: { PublicIp: string } }[];
      Association?: { PublicIp: string };
    };
    web.PrivateIpAddresses[0]!.Association = { PublicIp: "54.1.1.10" };
    web.Association = { PublicIp: "54.1.1.10" };
    (d.NatGateways![0] as { NatGatewayAddresses: { PublicIp: string }[] }).NatGatewayAddresses[0]!.PublicIp =
      "54.1.1.200";
    return d;
  };

  it("a trace to an interface's public IP follows it back in: its network ACL and security groups decide", () => {
    // eni-web's only group (sg-all) lets nothing in: eni-app (through the NAT gateway) is refused there.
    const refused = trace(onInternet(), { src: "eni-app", dst: "54.1.1.10" });
    expect(refused).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "sg-all", kind: "security-group", rule: null },
      reason:
        "54.1.1.10 is the public IP of eni-web, but no inbound rule of sg-all on eni-web allows it from 54.1.1.200 (the packets leave as 54.1.1.200)",
    });
    expect(refused.hops.slice(-3).map((h) => [h.resource, h.action])).toEqual([
      ["igw-1", "exit"],
      ["acl-default", "allow"],
      ["sg-all", "deny"],
    ]);
    // Let in from the NAT gateway's address: allowed, as what leaves (its egress IP), delivered.
    const open = onInternet();
    (open.SecurityGroups![0] as { IpPermissions: object[] }).IpPermissions.push({
      IpProtocol: "tcp",
      FromPort: 443,
      ToPort: 443,
      IpRanges: [{ CidrIp: "54.1.1.200/32" }],
    });
    const t = trace(open, { src: "eni-app", dst: "54.1.1.10" });
    expect(t).toMatchObject({ verdict: "allowed", exit: "internet", egressIp: "54.1.1.200" });
    expect(t.hops.at(-1)).toMatchObject({
      resource: "eni-web",
      action: "exit",
      detail: "delivered as 10.0.0.10",
    });
    // Its own public IP: out and back in like any other (sg-all lets in only 54.1.1.200).
    expect(trace(open, { src: "eni-web", dst: "54.1.1.10" }).verdict).toBe("blocked");
    // A network ACL rule denying the sender decides first.
    const denied = onInternet();
    (open.SecurityGroups![0] as { IpPermissions: object[] }).IpPermissions.forEach((x) =>
      (denied.SecurityGroups![0] as { IpPermissions: object[] }).IpPermissions.push(x),
    );
    setAcl(denied, "acl-default", [
      { RuleNumber: 50, Protocol: "-1", RuleAction: "deny", Egress: false, CidrBlock: "54.1.1.200/32" },
      { RuleNumber: 100, Protocol: "-1", RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0" },
      { RuleNumber: 100, Protocol: "-1", RuleAction: "allow", Egress: true, CidrBlock: "0.0.0.0/0" },
    ]);
    expect(trace(denied, { src: "eni-app", dst: "54.1.1.10" })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "acl-default", kind: "network-acl", rule: "50" },
    });
    // Replies its subnet routes elsewhere than the gateway they came in by: not followed, unknown.
    const diverted = onInternet();
    (open.SecurityGroups![0] as { IpPermissions: object[] }).IpPermissions.forEach((x) =>
      (diverted.SecurityGroups![0] as { IpPermissions: object[] }).IpPermissions.push(x),
    );
    publicRoutes(diverted).push({
      DestinationCidrBlock: "54.1.1.200/32",
      NatGatewayId: "nat-1",
      State: "active",
    });
    const d = trace(diverted, { src: "eni-app", dst: "54.1.1.10" });
    expect(d.verdict).toBe("unknown");
    expect(d.reason).toMatch(/rtb-pub does not route the replies to 54\.1\.1\.200 back through igw-1$/);
    // Other addresses are the internet.
    expect(trace(onInternet(), { src: "eni-app", dst: "54.1.1.11" })).toMatchObject({
      verdict: "allowed",
      egressIp: "54.1.1.200",
    });
  });

  it("to an interface's public IP, other protocols than TCP and UDP are refused by its rules too; let in, one-way ICMP is delivered", () => {
    // sg-all lets nothing in: an echo request, GRE, refused there (they were unknown, whatever the rules).
    for (const flow of [
      { src: "eni-app", protocol: "icmp", port: 8 },
      { src: "eni-web", protocol: "47", port: undefined },
    ])
      expect(trace(onInternet(), { ...flow, dst: "54.1.1.10" })).toMatchObject({
        verdict: "blocked",
        blockedBy: { resource: "sg-all", kind: "security-group", rule: null },
      });
    // Let in: what answers an echo request is not followed (unknown); a message expecting no answer
    // (destination unreachable) is delivered; GRE, not let in, stays refused.
    const open = onInternet();
    (open.SecurityGroups![0] as { IpPermissions: object[] }).IpPermissions.push({
      IpProtocol: "icmp",
      FromPort: -1,
      ToPort: -1,
      IpRanges: [{ CidrIp: "54.1.1.0/24" }],
    });
    const echo = trace(open, { src: "eni-app", dst: "54.1.1.10", protocol: "icmp", port: 8 });
    expect(echo).toMatchObject({ verdict: "unknown", blockedBy: null });
    expect(echo.reason).toMatch(
      /eni-web's network ACL and security groups let them in from 54\.1\.1\.200, but what answers protocols other than TCP and UDP is not followed back out$/,
    );
    const unreachable = trace(open, { src: "eni-web", dst: "54.1.1.10", protocol: "icmp", port: 3 });
    expect(unreachable).toMatchObject({ verdict: "allowed", exit: "internet", egressIp: "54.1.1.10" });
    expect(unreachable.hops.at(-1)).toMatchObject({ resource: "eni-web", detail: "delivered as 10.0.0.10" });
    expect(trace(open, { src: "eni-web", dst: "54.1.1.10", protocol: "47", port: undefined }).verdict).toBe(
      "blocked",
    );
    // The network ACL decides first, for them as for TCP.
    setAcl(open, "acl-default", [
      { RuleNumber: 50, Protocol: "1", RuleAction: "deny", Egress: false, CidrBlock: "54.1.1.0/24" },
      { RuleNumber: 100, Protocol: "-1", RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0" },
      { RuleNumber: 100, Protocol: "-1", RuleAction: "allow", Egress: true, CidrBlock: "0.0.0.0/0" },
    ]);
    expect(trace(open, { src: "eni-app", dst: "54.1.1.10", protocol: "icmp", port: 8 })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "acl-default", kind: "network-acl", rule: "50" },
    });
  });

  it("through a NAT gateway with several Elastic IPs, a connection gets in only if each of them would", () => {
    const d = onInternet();
    (d.NatGateways![0] as { NatGatewayAddresses: object[] }).NatGatewayAddresses.push({
      PrivateIp: "10.0.0.201",
      PublicIp: "54.1.1.201",
      IsPrimary: false,
    });
    const letIn = (...cidrs: string[]) => {
      (d.SecurityGroups![0] as { IpPermissions: object[] }).IpPermissions = [
        { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: cidrs.map((CidrIp) => ({ CidrIp })) },
      ];
      return trace(d, { src: "eni-app", dst: "54.1.1.10" });
    };
    const some = letIn("54.1.1.200/32");
    expect(some.verdict).toBe("unknown");
    expect(some.reason).toMatch(
      /nat-1 spreads connections over its Elastic IPs 54\.1\.1\.200, 54\.1\.1\.201: its rules let in some of them and not others$/,
    );
    expect(letIn("54.1.1.200/32", "54.1.1.201/32").verdict).toBe("allowed");
    expect(letIn("192.0.2.0/24").verdict).toBe("blocked");
    // Its Elastic IPs themselves, any of them, take nothing unasked.
    expect(trace(d, { src: "eni-web", dst: "54.1.1.201" })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "nat-1" },
    });
  });

  it("NAT64: what a NAT gateway sends on to one of them (64:ff9b::a.b.c.d) is followed back in too", () => {
    const d = onInternet();
    // eni-app sends IPv6 to 64:ff9b::/96 through the NAT gateway.
    Object.assign(d.Subnets![1]!, {
      Ipv6CidrBlockAssociationSet: [
        { Ipv6CidrBlock: "2600:1f18:1:a01::/64", Ipv6CidrBlockState: { State: "associated" } },
      ],
    });
    Object.assign(d.NetworkInterfaces![0]!, { Ipv6Addresses: [{ Ipv6Address: "2600:1f18:1:a01::10" }] });
    privateRoutes(d).push({
      DestinationIpv6CidrBlock: "64:ff9b::/96",
      NatGatewayId: "nat-1",
      State: "active",
    });
    (d.SecurityGroups![0] as { IpPermissionsEgress: object[] }).IpPermissionsEgress.push({
      IpProtocol: "-1",
      Ipv6Ranges: [{ CidrIpv6: "::/0" }],
    });
    for (const acl of d.NetworkAcls as { Entries: object[] }[])
      acl.Entries.unshift(
        { RuleNumber: 1, Protocol: "-1", RuleAction: "allow", Egress: true, Ipv6CidrBlock: "::/0" },
        { RuleNumber: 1, Protocol: "-1", RuleAction: "allow", Egress: false, Ipv6CidrBlock: "::/0" },
      );
    // 8.8.8.8 is the internet; eni-web's public IP lets nothing in; the NAT gateway's takes nothing unasked.
    expect(trace(d, { src: "eni-app", dst: "64:ff9b::808:808" }).verdict).toBe("allowed");
    expect(trace(d, { src: "eni-app", dst: "64:ff9b::3601:10a" })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "sg-all" },
    });
    expect(trace(d, { src: "eni-app", dst: "64:ff9b::3601:1c8" })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "nat-1" },
    });
    const m = awsModel(docsOf(d), "test");
    const named = runAudit(m, {
      ports: parsePorts("tcp/443"),
      portsText: "tcp/443",
      dest: parseDest("64:ff9b::/96"),
      destText: "64:ff9b::/96",
    });
    expect(named.warnings.find((w) => w.resource === "--dest")?.message).toMatch(
      /\(54\.1\.1\.10\/32, 54\.1\.1\.200\/32\)/,
    );
  });

  it("replies let out by several network ACL rules together are let out; all denied, blocked by the rule", () => {
    const d = onInternet();
    (d.SecurityGroups![0] as { IpPermissions: object[] }).IpPermissions.push({
      IpProtocol: "tcp",
      FromPort: 443,
      ToPort: 443,
      IpRanges: [{ CidrIp: "54.1.1.200/32" }],
    });
    const inbound = {
      RuleNumber: 100,
      Protocol: "-1",
      RuleAction: "allow",
      Egress: false,
      CidrBlock: "0.0.0.0/0",
    };
    const out = (n: number, action: string, from: number, to: number) => ({
      RuleNumber: n,
      Protocol: "6",
      RuleAction: action,
      Egress: true,
      CidrBlock: "0.0.0.0/0",
      PortRange: { From: from, To: to },
    });
    setAcl(d, "acl-default", [inbound, out(100, "allow", 0, 32767), out(101, "allow", 32768, 65535)]);
    expect(trace(d, { src: "eni-app", dst: "54.1.1.10" }).verdict).toBe("allowed");
    setAcl(d, "acl-default", [inbound, out(90, "deny", 1024, 65535), out(100, "allow", 0, 65535)]);
    expect(trace(d, { src: "eni-app", dst: "54.1.1.10" })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "acl-default", rule: "90" },
    });
  });

  it("a public IP the input names for an interface but whose mapping is in doubt is unknown, not the internet", () => {
    // eni-web's listing shows Elastic IP 54.1.1.10 of the saving account, which describe-addresses
    // (saved beside it) does not list: whose it is now cannot be told.
    const d = onInternet();
    const web = d.NetworkInterfaces![1] as {
      PrivateIpAddresses: { Association?: object }[];
      Association?: object;
    };
    const eip = { PublicIp: "54.1.1.10", IpOwnerId: "111122223333", AllocationId: "eipalloc-1" };
    web.PrivateIpAddresses[0]!.Association = eip;
    web.Association = eip;
    for (const g of d.SecurityGroups as { OwnerId?: string }[]) g.OwnerId = "111122223333";
    const docs = [...docsOf(d), { file: "addresses.json", data: { Addresses: [] } }];
    const t = runTrace(awsModel(docs, "test"), [
      { src: "eni-app", dst: "54.1.1.10", protocol: "tcp", port: 443 },
    ])[0]!;
    expect(t.verdict).toBe("unknown");
    expect(t.reason).toMatch(
      /^54\.1\.1\.10 is named as a public IP of eni-web in the input: .* whether it is still its, and what lets the packets in, cannot be told/,
    );
  });

  it("a trace to a NAT gateway's Elastic IP is blocked by the gateway: it takes no connection it did not start", () => {
    const t = trace(onInternet(), { src: "eni-web", dst: "54.1.1.200" });
    expect(t).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "nat-1", kind: "nat-gateway", rule: null },
      reason:
        "54.1.1.200 is an Elastic IP of NAT gateway nat-1, which takes no connection it did not start: what comes to it unasked is dropped (the packets leave as 54.1.1.10)",
    });
    expect(t.hops.at(-1)).toMatchObject({ resource: "nat-1", action: "drop" });
  });

  it("a trace to another VPC's interface's IPv6 address is unknown, not reached", () => {
    const d = onInternet();
    ipv6Out(d);
    d.Vpcs!.push({
      VpcId: "vpc-2",
      CidrBlock: "10.9.0.0/16",
      Ipv6CidrBlockAssociationSet: [
        { Ipv6CidrBlock: "2600:1f18:9::/56", Ipv6CidrBlockState: { State: "associated" } },
      ],
    });
    d.Subnets!.push({ SubnetId: "subnet-x", VpcId: "vpc-2", CidrBlock: "10.9.0.0/24" });
    d.NetworkInterfaces!.push({
      ...eni("eni-x", "subnet-x", "10.9.0.5", ["sg-all"]),
      VpcId: "vpc-2",
      Ipv6Addresses: [{ Ipv6Address: "2600:1f18:9::5" }],
    });
    const t = trace(d, { src: "eni-web", dst: "2600:1f18:9::5" });
    expect(t.verdict).toBe("unknown");
    expect(t.reason).toMatch(/^the address is eni-x's in the input: the packets leave as /);
  });

  it("an audit of destinations named on purpose that include them warns; one of the internet does not", () => {
    const m = awsModel(docsOf(onInternet()), "test");
    const named = runAudit(m, {
      ports: parsePorts("tcp/443"),
      portsText: "tcp/443",
      dest: parseDest("54.1.1.0/24"),
      destText: "54.1.1.0/24",
    });
    expect(named.warnings.filter((w) => w.resource === "--dest")).toEqual([
      {
        resource: "--dest",
        message:
          "the destinations include addresses of the input's own interfaces or NAT gateways on the internet (54.1.1.10/32, 54.1.1.200/32): what reaches them is answered as for the internet (whether it gets out); whether it gets back in to them is decided by their own security groups and network ACLs, or refused by the NAT gateway: trace one (--dst) to see",
      },
    ]);
    const internet = runAudit(m, {
      ports: parsePorts("tcp/443"),
      portsText: "tcp/443",
      dest: parseDest("internet"),
      destText: "internet",
    });
    expect(internet.warnings.filter((w) => w.resource === "--dest")).toEqual([]);
  });
});

describe("destination hosts", () => {
  /** eni-web (10.0.0.10) also gets sg-web-in: tcp/443 in from the members of sg-app (eni-app only). */
  const withWebIn = (): Docs => {
    const d = tinyVpc();
    d.SecurityGroups!.push(
      {
        GroupId: "sg-app",
        GroupName: "app",
        VpcId: "vpc-1",
        IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
      },
      {
        GroupId: "sg-web-in",
        GroupName: "web-in",
        VpcId: "vpc-1",
        IpPermissions: [
          {
            IpProtocol: "tcp",
            FromPort: 443,
            ToPort: 443,
            UserIdGroupPairs: [{ GroupId: "sg-app", Description: "from app" }],
          },
        ],
        IpPermissionsEgress: [],
      },
    );
    const enis = d.NetworkInterfaces as { NetworkInterfaceId: string; Groups: { GroupId: string }[] }[];
    enis.find((e) => e.NetworkInterfaceId === "eni-app")!.Groups = [{ GroupId: "sg-app" }];
    enis.find((e) => e.NetworkInterfaceId === "eni-web")!.Groups.push({ GroupId: "sg-web-in" });
    return d;
  };

  it("trace: the destination's replies are routed by its own subnet's table, which may send them elsewhere", () => {
    const d = withWebIn();
    publicRoutes(d).push({
      DestinationCidrBlock: "10.0.1.0/24",
      NetworkInterfaceId: "eni-gone",
      State: "blackhole",
    });
    const t = trace(d, { src: "eni-app", dst: "10.0.0.10", port: 443 });
    expect(t).toMatchObject({ verdict: "blocked", blockedBy: { resource: "rtb-pub", rule: "10.0.1.0/24" } });
    expect(t.reason).toMatch(/^replies from the destination to the source are routed by rtb-pub/);
    // The audit, which does not evaluate the host's own groups, knows the answers are lost all the same.
    const [row] = audit(d, "tcp/443", "10.0.0.10/32").results.filter((e) => e.source.id === "eni-app");
    expect(row).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "rtb-pub", rule: "10.0.1.0/24" },
    });
  });

  it("trace: a port the destination's groups let in from the source is delivered to its interface", () => {
    const t = trace(withWebIn(), { src: "eni-app", dst: "10.0.0.10", port: 443 });
    expect(t).toMatchObject({
      verdict: "allowed",
      exit: "private",
      reason: "delivered to eni-web in subnet-pub",
    });
    expect(t.hops.slice(-2).map((h) => `${h.resource}:${h.action}:${h.rule ?? "-"}`)).toEqual([
      "sg-web-in:allow:from app",
      "eni-web:exit:-",
    ]);
  });

  it("trace: a port they do not let in is blocked by the destination's groups", () => {
    const t = trace(withWebIn(), { src: "eni-app", dst: "10.0.0.10", port: 22 });
    expect(t.verdict).toBe("blocked");
    expect(t.blockedBy).toEqual({
      resource: "sg-all, sg-web-in",
      kind: "security-group",
      rule: null,
      resources: ["sg-all", "sg-web-in"],
    });
    expect(t.reason).toBe("no inbound rule of sg-all, sg-web-in on eni-web allows it");
  });

  it("trace: a source outside the referenced group is not let in", () => {
    const d = withWebIn();
    d.NetworkInterfaces!.push(eni("eni-other", "subnet-priv", "10.0.1.20", ["sg-all"]));
    expect(trace(d, { src: "eni-other", dst: "10.0.0.10", port: 443 }).verdict).toBe("blocked");
  });

  it("trace: to the interface's own address, the host delivers it to itself", () => {
    const t = trace(withWebIn(), { src: "eni-web", dst: "10.0.0.10", port: 22 });
    expect(t).toMatchObject({ verdict: "allowed", exit: "private" });
    expect(t.hops.map((h) => `${h.resource}:${h.action}`)).toEqual(["eni-web:exit"]);
  });

  it("trace: an instance's name starts at its primary interface; an interface's own Name tag at that interface", () => {
    const d = tinyVpc();
    d.NetworkInterfaces!.push({
      ...eni("eni-app-mgmt", "subnet-priv", "10.0.1.20", ["sg-all"]),
      TagSet: [{ Key: "Name", Value: "app-mgmt" }],
      Attachment: { InstanceId: "i-app", DeviceIndex: 1 },
    });
    d.Reservations = [
      {
        Instances: [
          {
            InstanceId: "i-app",
            State: { Name: "running" },
            Tags: [{ Key: "Name", Value: "app" }],
            NetworkInterfaces: [
              { NetworkInterfaceId: "eni-app", Attachment: { DeviceIndex: 0 } },
              { NetworkInterfaceId: "eni-app-mgmt", Attachment: { DeviceIndex: 1 } },
            ],
          },
        ],
      },
    ];
    expect(trace(d, { src: "app" }).source).toEqual({ id: "eni-app", kind: "eni", address: "10.0.1.10" });
    expect(trace(d, { src: "app-mgmt" }).source).toEqual({
      id: "eni-app-mgmt",
      kind: "eni",
      address: "10.0.1.20",
    });
  });

  /** The tiny VPC with instance i-app ("app") holding eni-app (device 0) and eni-app-mgmt (device 1). */
  const withAppMgmt = (mgmtTags: { Key: string; Value: string }[] = []): Docs => {
    const d = tinyVpc();
    d.NetworkInterfaces!.push({
      ...eni("eni-app-mgmt", "subnet-pub", "10.0.0.20", ["sg-all"], "198.51.100.20"),
      TagSet: mgmtTags,
      Attachment: { InstanceId: "i-app", DeviceIndex: 1 },
    });
    d.Reservations = [
      {
        Instances: [
          { InstanceId: "i-app", State: { Name: "running" }, Tags: [{ Key: "Name", Value: "app" }] },
        ],
      },
    ];
    return d;
  };

  // They said "no interface ... by that name in the input", which was false.
  it("trace: an interface that is not a source by its type is named, with what it is", () => {
    const d = tinyVpc();
    d.NetworkInterfaces!.push(
      { ...eni("eni-nat", "subnet-pub", "10.0.0.200", []), InterfaceType: "nat_gateway" },
      { ...eni("eni-vpce", "subnet-priv", "10.0.1.50", ["sg-all"]), InterfaceType: "vpc_endpoint" },
    );
    const nat =
      "NAT gateway nat-1's own interface, which is not a source (AWS-managed: the gateway is analysed as a hop of the traffic routed through it)";
    expect(() => trace(d, { src: "eni-nat" })).toThrow(`--src "eni-nat" is ${nat}`);
    expect(() => trace(d, { src: "10.0.0.200" })).toThrow(`--src "10.0.0.200" is eni-nat, ${nat}`);
    expect(() => trace(d, { src: "10.0.1.50" })).toThrow(
      '--src "10.0.1.50" is eni-vpce, an interface of type vpc_endpoint, which is not a source (an interface VPC endpoint only answers: its address is a destination (cloud-service))',
    );
    // By its VPC and address where describe-nat-gateways does not name the interface.
    d.NetworkInterfaces![2] = {
      ...eni("eni-nat2", "subnet-pub", "10.0.0.200", []),
      InterfaceType: "natGateway",
    };
    expect(() => trace(d, { src: "eni-nat2" })).toThrow(`--src "eni-nat2" is ${nat}`);
    // Without describe-nat-gateways: which gateway cannot be told.
    delete d.NatGateways;
    expect(() => trace(d, { src: "eni-nat2" })).toThrow(
      `--src "eni-nat2" is a NAT gateway's own interface, which is not a source`,
    );
  });

  it("trace: an instance whose primary interface cannot be audited is refused, not started at another of its interfaces", () => {
    const d = withAppMgmt();
    delete (d.NetworkInterfaces![0] as { SubnetId?: string }).SubnetId; // eni-app, device index 0
    const why =
      'interface eni-app "app" (private IP 10.0.1.10, in vpc-1, attached to i-app) has no SubnetId in the input: which subnet it sends through (its route table and network ACL) is not known, so what it sends is not audited';
    expect(() => trace(d, { src: "eni-app" })).toThrow(
      `--src "eni-app" cannot be traced, it is listed under unknowns: ${why}`,
    );
    // eni-app-mgmt (public subnet, public IP) would say allowed: not the instance's answer.
    for (const src of ["i-app", "app"])
      expect(() => trace(d, { src })).toThrow(
        `--src "${src}" is instance i-app, whose primary interface eni-app cannot be traced, it is listed under unknowns: ${why}`,
      );
    expect(trace(d, { src: "eni-app-mgmt" })).toMatchObject({
      verdict: "allowed",
      egressIp: "198.51.100.20",
    });
    // Its primary interface missing from the input: refused too.
    d.NetworkInterfaces!.splice(0, 1);
    for (const src of ["i-app", "app"])
      expect(() => trace(d, { src })).toThrow(
        `--src "${src}" is instance i-app, whose primary interface is not in the input (only eni-app-mgmt): use an interface id`,
      );
  });

  it("trace: a name that an interface's own Name tag and another instance both have is not guessed at", () => {
    // eni-web (no instance) tagged "app", as instance i-app is named.
    const d = withAppMgmt();
    (d.NetworkInterfaces![1] as { TagSet?: object[] }).TagSet = [{ Key: "Name", Value: "app" }];
    const ambiguous = '--src "app" names 2 sources (eni-web, i-app): use an interface or instance id';
    expect(() => trace(d, { src: "app" })).toThrow(ambiguous);
    // Tagged apart from its own instance ("web", instance i-web), the same.
    d.NetworkInterfaces![1] = {
      ...d.NetworkInterfaces![1]!,
      Attachment: { InstanceId: "i-web", DeviceIndex: 0 },
    };
    d.Reservations!.push({
      Instances: [{ InstanceId: "i-web", State: { Name: "running" }, Tags: [{ Key: "Name", Value: "web" }] }],
    });
    expect(() => trace(d, { src: "app" })).toThrow(ambiguous);
    expect(trace(d, { src: "web" }).source.id).toBe("eni-web");
    // An interface tagged with its own instance's name is that instance's: not ambiguous.
    const own = withAppMgmt([{ Key: "Name", Value: "app" }]);
    expect(trace(own, { src: "app" }).source.id).toBe("eni-app");
    // An instance without a name, its interfaces tagged alike: the name is the instance's, as if it had it;
    // its primary interface named otherwise: the name is the other interface's own.
    const alike = withAppMgmt([{ Key: "Name", Value: "db" }]);
    alike.Reservations = [{ Instances: [{ InstanceId: "i-app", State: { Name: "running" } }] }];
    (alike.NetworkInterfaces![0] as { TagSet?: object[] }).TagSet = [{ Key: "Name", Value: "db" }];
    expect(trace(alike, { src: "db" }).source.id).toBe("eni-app");
    (alike.NetworkInterfaces![0] as { TagSet?: object[] }).TagSet = [{ Key: "Name", Value: "db-0" }];
    expect(trace(alike, { src: "db" }).source.id).toBe("eni-app-mgmt");
  });

  it("trace: an instance whose primary interface --vpc leaves out is refused, by its id and by its name", () => {
    // i-app's second interface is in vpc-2 (a multi-VPC attachment); a trace scoped to vpc-2 would
    // otherwise start there by the name and in vpc-1 by the id.
    const d = withAppMgmt();
    d.Vpcs!.push({ VpcId: "vpc-2", CidrBlock: "10.9.0.0/16" });
    d.Subnets!.push({ SubnetId: "subnet-2", VpcId: "vpc-2", CidrBlock: "10.9.0.0/24" });
    Object.assign(d.NetworkInterfaces![2]!, {
      SubnetId: "subnet-2",
      VpcId: "vpc-2",
      PrivateIpAddress: "10.9.0.20",
      PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: "10.9.0.20" }],
    });
    const m = awsModel(docsOf(d), "test");
    const scoped = m.endpoints.filter((e) => e.networkId === "vpc-2");
    const from = (src: string) =>
      runTrace(m, [{ src, dst: "8.8.8.8", protocol: "tcp", port: 443 }], scoped)[0]!;
    for (const src of ["i-app", "app"])
      expect(() => from(src)).toThrow(
        `--src "${src}" is instance i-app, whose primary interface eni-app is in vpc-1, which --vpc or --cluster leaves out: use an interface id to trace from another of its interfaces`,
      );
    expect(from("eni-app-mgmt").source.id).toBe("eni-app-mgmt");
  });

  it("trace: a private address that interfaces of two VPCs have is not guessed at", () => {
    const d = withWebIn();
    d.Vpcs!.push({ VpcId: "vpc-2", CidrBlock: "10.0.0.0/16" });
    d.Subnets!.push({ SubnetId: "subnet-2", VpcId: "vpc-2", CidrBlock: "10.0.0.0/24" });
    d.NetworkInterfaces!.push({ ...eni("eni-twin", "subnet-2", "10.0.0.10", ["sg-all"]), VpcId: "vpc-2" });
    expect(() => trace(d, { src: "10.0.0.10" })).toThrow(
      '--src "10.0.0.10" is an address of 2 interfaces (eni-twin in vpc-2, eni-web in vpc-1): use an interface or instance id, or --vpc',
    );
    expect(trace(d, { src: "eni-web" })).toMatchObject({ verdict: "allowed", egressIp: "198.51.100.10" });
    // --vpc says which (runTrace's sources: what --vpc selects), and a source it leaves out is refused.
    const m = awsModel(docsOf(d), "test");
    const inVpc1 = selectSources(m, { vpcIds: ["vpc-1"] }).sources;
    const flow = { src: "10.0.0.10", dst: "8.8.8.8", protocol: "tcp", port: 443 };
    expect(runTrace(m, [flow], inVpc1)[0]).toMatchObject({ verdict: "allowed", egressIp: "198.51.100.10" });
    expect(() => runTrace(m, [{ ...flow, src: "eni-twin" }], inVpc1)).toThrow(
      '--src "eni-twin" is eni-twin in vpc-2, which --vpc or --cluster leaves out',
    );
    // A host of subnet-pub has no public IP of its own: the internet gateway drops it.
    expect(runTrace(m, [{ ...flow, src: "subnet-pub" }], inVpc1)[0]).toMatchObject({ verdict: "blocked" });
    expect(() => runTrace(m, [{ ...flow, src: "subnet-2" }], inVpc1)).toThrow(
      '--src "subnet-2" is subnet-2 in vpc-2, which --vpc or --cluster leaves out',
    );
  });

  it("trace: a private address that an interface saved without its subnet has too is not guessed at", () => {
    // eni-twin (vpc-2) has 10.0.0.10 as eni-web (vpc-1) does, but was saved without its SubnetId.
    const d = withWebIn();
    d.Vpcs!.push({ VpcId: "vpc-2", CidrBlock: "10.0.0.0/16" });
    d.Subnets!.push({ SubnetId: "subnet-2", VpcId: "vpc-2", CidrBlock: "10.0.0.0/24" });
    const twin = { ...eni("eni-twin", "subnet-2", "10.0.0.10", ["sg-all"]), VpcId: "vpc-2" };
    delete (twin as { SubnetId?: string }).SubnetId;
    d.NetworkInterfaces!.push(twin);
    expect(() => trace(d, { src: "10.0.0.10" })).toThrow(
      '--src "10.0.0.10" is an address of 2 interfaces (eni-web in vpc-1, eni-twin in vpc-2): use an interface or instance id, or --vpc',
    );
    // --vpc vpc-1 says which.
    const m = awsModel(docsOf(d), "test");
    const inVpc1 = selectSources(m, { vpcIds: ["vpc-1"] }).sources;
    const flow = { src: "10.0.0.10", dst: "8.8.8.8", protocol: "tcp", port: 443 };
    expect(runTrace(m, [flow], inVpc1)[0]).toMatchObject({ verdict: "allowed", egressIp: "198.51.100.10" });
    // Its address alone (a secondary one, which its unknowns entry does not name): refused, naming it.
    (twin as { PrivateIpAddresses?: object[] }).PrivateIpAddresses = [
      { Primary: true, PrivateIpAddress: "10.0.0.10" },
      { Primary: false, PrivateIpAddress: "10.0.0.77" },
    ];
    const why = awsModel(docsOf(d), "test").unknowns.find((u) => u.resource === "eni-twin")!.message;
    expect(() => trace(d, { src: "10.0.0.77" })).toThrow(
      `--src "10.0.0.77" cannot be traced, it is listed under unknowns: ${why}`,
    );
    // An address of a prefix delegated to it counts as its own too, alone or beside an audited holder.
    (twin as { Ipv4Prefixes?: object[] }).Ipv4Prefixes = [{ Ipv4Prefix: "10.0.0.64/28" }];
    expect(() => trace(d, { src: "10.0.0.70" })).toThrow(
      `--src "10.0.0.70" cannot be traced, it is listed under unknowns: ${why}`,
    );
    (d.NetworkInterfaces![1] as { PrivateIpAddresses: object[] }).PrivateIpAddresses.push({
      Primary: false,
      PrivateIpAddress: "10.0.0.70",
    });
    expect(() => trace(d, { src: "10.0.0.70" })).toThrow(
      '--src "10.0.0.70" is an address of 2 interfaces (eni-web in vpc-1, eni-twin in vpc-2): use an interface or instance id, or --vpc',
    );
    // Its VPC not told either: --vpc cannot tell them apart, and the error does not offer it.
    delete (twin as { VpcId?: string }).VpcId;
    expect(() => trace(d, { src: "10.0.0.10" })).toThrow(
      /^--src "10\.0\.0\.10" is an address of 2 interfaces \(eni-web in vpc-1, eni-twin in a VPC the input does not tell\): use an interface or instance id$/,
    );
  });

  describe("prefixes delegated to an interface (EKS prefix mode: pods' addresses)", () => {
    /** withWebIn with 10.0.1.32/28 delegated to eni-app and 10.0.0.48/28 to eni-web. */
    const withPrefixes = (): Docs => {
      const d = withWebIn();
      const enis = d.NetworkInterfaces as Record<string, unknown>[];
      enis.find((e) => e.NetworkInterfaceId === "eni-app")!.Ipv4Prefixes = [{ Ipv4Prefix: "10.0.1.32/28" }];
      enis.find((e) => e.NetworkInterfaceId === "eni-web")!.Ipv4Prefixes = [{ Ipv4Prefix: "10.0.0.48/28" }];
      return d;
    };

    it("trace: a pod's address sends as itself, from its node's interface, a member of the node's groups", () => {
      const t = trace(withPrefixes(), { src: "10.0.1.37", dst: "10.0.0.10", port: 443 });
      expect(t).toMatchObject({ verdict: "allowed", reason: "delivered to eni-web in subnet-pub" });
      expect(t.hops[0]).toMatchObject({ resource: "sg-app", action: "allow" });
      expect(t.hops.at(-2)).toMatchObject({ resource: "sg-web-in", action: "allow", rule: "from app" });
      // Out to the internet: the NAT gateway translates it like any address of the subnet.
      expect(trace(withPrefixes(), { src: "10.0.1.37" })).toMatchObject({
        verdict: "allowed",
        egressIp: "198.51.100.200",
      });
    });

    it("trace: to a pod's address, its node's interface is the host, its groups decide", () => {
      expect(trace(withPrefixes(), { src: "eni-app", dst: "10.0.0.50", port: 443 })).toMatchObject({
        verdict: "allowed",
        reason: "delivered to eni-web in subnet-pub",
      });
      expect(trace(withPrefixes(), { src: "eni-app", dst: "10.0.0.50", port: 22 })).toMatchObject({
        verdict: "blocked",
        blockedBy: { resource: "sg-all, sg-web-in" },
      });
    });
  });

  it("trace and audit: to its own addresses, those of its delegated prefixes too, the host delivers it to itself", () => {
    // eni-web (10.0.0.10, prefix 10.0.0.48/28) and eni-web2 (10.0.0.11), both with a public IP, under
    // sg-web-in only: it lets nothing out.
    const d = withWebIn();
    d.NetworkInterfaces!.push(eni("eni-web2", "subnet-pub", "10.0.0.11", ["sg-web-in"], "198.51.100.11"));
    const enis = d.NetworkInterfaces as Record<string, unknown>[];
    const web = enis.find((e) => e.NetworkInterfaceId === "eni-web")!;
    web.Groups = [{ GroupId: "sg-web-in" }];
    web.Ipv4Prefixes = [{ Ipv4Prefix: "10.0.0.48/28" }];
    const own = "eni-web's own address: the host delivers it to itself, no filter or route applies";
    for (const [src, dst] of [
      ["eni-web", "10.0.0.10"],
      ["eni-web", "10.0.0.50"],
      ["10.0.0.50", "10.0.0.10"],
      ["10.0.0.50", "10.0.0.63"],
    ] as const)
      expect(trace(d, { src, dst, port: 22 })).toMatchObject({
        verdict: "allowed",
        exit: "private",
        reason: own,
      });
    expect(trace(d, { src: "eni-web", dst: "10.0.0.11", port: 22 })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "sg-web-in" },
    });
    // The audit agrees, for each source its own addresses only (eni-web2 shares eni-web's class else).
    const results = audit(d, "tcp/22", "10.0.0.0/26").results;
    const entry = (id: string) => results.find((x) => x.source.id === id)!;
    expect(entry("eni-web")).toMatchObject({
      verdict: "partial",
      reachable: ["10.0.0.10/32", "10.0.0.48/28"],
      exits: ["private"],
      blockedBy: { resource: "sg-web-in" },
    });
    expect(entry("eni-web").paths.filter((p) => p.verdict === "allowed")).toEqual([
      expect.objectContaining({
        destinations: ["10.0.0.10/32", "10.0.0.48/28"],
        exit: "private",
        reason: own,
      }),
    ]);
    expect(entry("eni-web2")).toMatchObject({
      verdict: "partial",
      reachable: ["10.0.0.11/32"],
      blockedBy: { resource: "sg-web-in" },
    });
    // Not asked about its own addresses, it shares its class's answer as before.
    const away = audit(d, "tcp/22", "10.0.1.0/24").results;
    expect(away.find((x) => x.source.id === "eni-web")).toMatchObject({ verdict: "blocked" });
  });

  it("audit: addresses of interfaces are unknown, each with its reason; so are addresses no interface has", () => {
    const [e] = audit(withWebIn(), "tcp/443", "10.0.0.0/24").results.filter((x) => x.source.id === "eni-app");
    expect(e!.verdict).toBe("unknown");
    const reasons = new Map(e!.paths.map((p) => [p.destinations.join(" "), p.reason]));
    expect(reasons.get("10.0.0.10/32")).toMatch(/does not evaluate destination hosts' own inbound filters/);
    const empty = e!.paths.find((p) => p.destinations.includes("10.0.0.128/25"))!;
    expect(empty).toMatchObject({ verdict: "unknown", exit: "private" });
    expect(empty.reason).toMatch(/an address no audited interface has/);
  });
});

describe("rules whose peers cannot be resolved", () => {
  it("a security group rule on a prefix list missing from the input makes its packets unknown, not blocked", () => {
    const d = tinyVpc();
    (d.SecurityGroups![0] as { IpPermissionsEgress: object[] }).IpPermissionsEgress = [
      { IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: "pl-gone" }] },
    ];
    const t = trace(d, { src: "eni-app" });
    expect(t).toMatchObject({ verdict: "unknown", blockedBy: null });
    expect(t.reason).toMatch(/prefix list pl-gone used by sg-all is not in the input/);
    // Other ports are blocked for sure: no rule could allow them.
    expect(trace(d, { src: "eni-app", port: 80 })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "sg-all" },
    });
    // Where the way on is blocked whatever the group does, that block decides: 10.0.200.1 is in the
    // VPC but in none of its subnets. The audit says the same.
    expect(trace(d, { src: "eni-app", dst: "10.0.200.1" })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "vpc-1" },
    });
    const [row] = audit(d, "tcp/443", "10.0.200.1/32").results.filter((r) => r.source.id === "eni-app");
    expect(row).toMatchObject({ verdict: "blocked", blockedBy: { resource: "vpc-1" } });
  });

  it("a prefix list named without its entries (describe-managed-prefix-lists output) is unknown, never empty", () => {
    // What `aws ec2 describe-managed-prefix-lists` prints: the same top-level key as
    // describe-prefix-lists, but no Cidrs.
    const listed = (id: string) => ({
      PrefixListId: id,
      AddressFamily: "IPv4",
      State: "create-complete",
      PrefixListName: "partners",
      MaxEntries: 10,
      OwnerId: "111122223333",
    });
    const sgToList = (): Docs => {
      const d = tinyVpc();
      (d.SecurityGroups![0] as { IpPermissionsEgress: object[] }).IpPermissionsEgress = [
        { IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: "pl-partners" }] },
      ];
      return { ...d, PrefixLists: [listed("pl-partners")] };
    };
    const t = trace(sgToList(), { src: "eni-app" });
    expect(t).toMatchObject({ verdict: "unknown", blockedBy: null });
    expect(t.reason).toMatch(
      /prefix list pl-partners used by sg-all is listed without its entries \(describe-managed-prefix-lists does not print them/,
    );
    // The run says so under unknowns, once per list (a nightly job exits 3 on it).
    expect(audit(sgToList(), "tcp/443").unknowns).toContainEqual({
      resource: "pl-partners",
      message: "prefix list pl-partners is listed without its entries (in PrefixLists.json) (used by sg-all)",
    });
    // A route to such a list: the route table's matching cannot be decided, so the NAT route does not
    // win by default.
    const routed = tinyVpc();
    privateRoutes(routed).unshift({
      DestinationPrefixListId: "pl-partners",
      TransitGatewayId: "tgw-1",
      State: "active",
    });
    routed.PrefixLists = [listed("pl-partners")];
    expect(trace(routed, { src: "eni-app" }).verdict).toBe("unknown");
    // With the entries saved too (in the collector's form, or describe-prefix-lists' Cidrs for an AWS
    // list), the listing without them is no conflict: the entries decide.
    routed.ManagedPrefixLists = [{ PrefixListId: "pl-partners", Entries: [{ Cidr: "8.8.8.0/24" }] }];
    expect(trace(routed, { src: "eni-app" })).toMatchObject({ verdict: "unknown", exit: "private" });
    expect(trace(routed, { src: "eni-app", dst: "1.1.1.1" }).verdict).toBe("allowed");
    routed.ManagedPrefixLists = [];
    routed.PrefixLists.push({
      PrefixListId: "pl-partners",
      PrefixListName: "partners",
      Cidrs: ["8.8.8.0/24"],
    });
    expect(trace(routed, { src: "eni-app", dst: "1.1.1.1" }).verdict).toBe("allowed");
  });

  it("the order AWS lists a rule's peers or an interface's groups in does not change a word of the report", () => {
    const build = (lists: string[], groups: string[]): Docs => {
      const d = tinyVpc();
      d.SecurityGroups!.push({
        GroupId: "sg-b",
        VpcId: "vpc-1",
        IpPermissions: [],
        IpPermissionsEgress: [
          {
            IpProtocol: "tcp",
            FromPort: 443,
            ToPort: 443,
            PrefixListIds: lists.map((PrefixListId) => ({ PrefixListId })),
          },
        ],
      });
      (d.SecurityGroups![0] as { IpPermissionsEgress: object[] }).IpPermissionsEgress = [];
      (d.NetworkInterfaces![0] as { Groups: object[] }).Groups = groups.map((GroupId) => ({ GroupId }));
      return d;
    };
    const one = audit(build(["pl-a", "pl-b"], ["sg-all", "sg-b"]), "tcp/443,tcp/80");
    const other = audit(build(["pl-b", "pl-a"], ["sg-b", "sg-all"]), "tcp/443,tcp/80");
    expect(JSON.stringify(other)).toBe(JSON.stringify(one));
    const app = one.results.filter((r) => r.source.id === "eni-app");
    expect(app.map((r) => [r.ports, r.verdict, r.reason])).toEqual([
      ["80", "blocked", "no outbound rule of sg-all, sg-b allows it"],
      ["443", "unknown", "prefix list pl-a used by sg-b is not in the input"],
    ]);
  });

  it("a rule referencing a group the input lacks is listed under unknowns; a peered VPC's group is not", () => {
    const d = tinyVpc();
    (d.SecurityGroups![0] as { IpPermissionsEgress: object[] }).IpPermissionsEgress.push(
      { IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: "sg-gone" }] },
      {
        IpProtocol: "tcp",
        FromPort: 5432,
        ToPort: 5432,
        UserIdGroupPairs: [{ GroupId: "sg-peer", VpcPeeringConnectionId: "pcx-1" }],
      },
    );
    const unknowns = audit(d, "tcp/443").unknowns.map((u) => u.resource);
    expect(unknowns).toContain("sg-gone");
    expect(unknowns).not.toContain("sg-peer");
    expect(audit(d, "tcp/443").unknowns).toContainEqual({
      resource: "sg-gone",
      message:
        "security group sg-gone is not in the input: who its members are is not known (referenced by sg-all)",
    });
  });

  it("a security group rule on a missing prefix list is listed under unknowns", () => {
    const d = tinyVpc();
    (d.SecurityGroups![0] as { IpPermissionsEgress: object[] }).IpPermissionsEgress = [
      { IpProtocol: "tcp", FromPort: 443, ToPort: 443, PrefixListIds: [{ PrefixListId: "pl-gone" }] },
    ];
    expect(audit(d, "tcp/443").unknowns).toContainEqual({
      resource: "pl-gone",
      message: "prefix list pl-gone is not in the input (used by sg-all)",
    });
  });

  it("a port spelling AWS would not print leaves the packets only that rule could decide unknown", () => {
    const d = tinyVpc();
    (d.SecurityGroups![0] as { IpPermissionsEgress: object[] }).IpPermissionsEgress = [
      { IpProtocol: "tcp", FromPort: 8000, ToPort: -1, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
      { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
    ];
    // 8443 could be opened by "8000 to -1" (Batfish reads it as 8000-65535), but that is a guess.
    const t = trace(d, { src: "eni-app", port: 8443 });
    expect(t).toMatchObject({ verdict: "unknown", blockedBy: null });
    expect(t.reason).toBe(
      "sg-all rule #1: ports 8000 to -1 is not a range AWS accepts, so what it allows is unknown",
    );
    // The trace shows where the decision stopped.
    expect(t.hops.map((h) => `${h.resource}:${h.action}`)).toEqual(["sg-all:deny"]);
    // A port a well-formed rule opens is allowed all the same; UDP is blocked for sure.
    expect(trace(d, { src: "eni-app", port: 443 })).toMatchObject({ verdict: "allowed" });
    expect(trace(d, { src: "eni-app", protocol: "udp", port: 53, dst: "8.8.8.8" })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "sg-all" },
    });
    const r = audit(d, "tcp/80,tcp/443", "8.8.8.8/32");
    expect(r.results.map((e) => [e.source.id, e.ports, e.verdict])).toEqual([
      ["eni-app", "80", "unknown"],
      ["eni-app", "443", "allowed"],
      ["eni-web", "80", "unknown"],
      ["eni-web", "443", "allowed"],
    ]);
    expect(ownWarnings(r).map((w) => w.message)).toEqual([
      "sg-all egress rule #1: ports 8000 to -1 is not a range AWS accepts; the packets only it could allow are unknown (SecurityGroups.json $.SecurityGroups[0].IpPermissionsEgress[0])",
    ]);
  });

  it("a network ACL entry with such a spelling stops the packets that reach it as unknown", () => {
    const d = tinyVpc();
    setAcl(d, "acl-priv", [
      { ...tcp(90, true, "deny", 25, 25) },
      { ...tcp(100, true, "deny", 70, 60) },
      all(200, true),
      all(100, false),
    ]);
    // tcp/443 reaches rule 100 first: whether that deny matches it cannot be told.
    const t = trace(d, { src: "eni-app" });
    expect(t).toMatchObject({ verdict: "unknown", blockedBy: null });
    expect(t.reason).toBe(
      "acl-priv outbound rule 100: ports 70 to 60 is not a range AWS accepts (from above to), so what it matches is unknown",
    );
    // The warning names the entry by direction (rule numbers repeat across the two) and its place.
    expect(ownWarnings(awsModel(docsOf(d), "test"))).toEqual([
      {
        resource: "acl-priv",
        message:
          "acl-priv outbound rule 100: ports 70 to 60 is not a range AWS accepts (from above to); the packets that reach it are unknown (NetworkAcls.json $.NetworkAcls[1].Entries[1])",
      },
    ]);
    // Rule 90 decides tcp/25 before it.
    expect(trace(d, { src: "eni-app", port: 25 })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "acl-priv", rule: "90" },
    });
    // Other protocols never match a TCP entry: UDP passes on to rule 200.
    expect(trace(d, { src: "eni-app", protocol: "udp", port: 53 })).toMatchObject({ verdict: "allowed" });
  });
});

describe("what AWS answers itself", () => {
  /** The tiny VPC with eni-app's instance in describe-instances, with these metadata options. */
  const withInstance = (options?: object): Docs =>
    tinyVpcWithInstance(options ? { MetadataOptions: options } : {});
  const imds = (d: Docs, dst = "169.254.169.254") => trace(d, { src: "eni-app", dst, port: 80 });

  // The IPv6 endpoint (off by default) is checked by the raw differential test on dual-stack VPCs.
  it("the metadata service answers an instance by its metadata options", () => {
    expect(imds(withInstance())).toMatchObject({ verdict: "allowed", exit: "cloud-service" });
    const off = imds(withInstance({ HttpEndpoint: "disabled", HttpProtocolIpv6: "enabled" }));
    expect(off).toMatchObject({ verdict: "blocked", blockedBy: { rule: "HttpEndpoint" } });
    expect(off.reason).toBe(
      "the source instance's metadata options turn the instance metadata service off (HttpEndpoint disabled)",
    );
    expect(imds(withInstance({ State: "pending", HttpEndpoint: "disabled" }))).toMatchObject({
      verdict: "unknown",
      reason: "the source instance's metadata options are being changed (State pending)",
    });
    // A port it does not serve is blocked whatever the options.
    expect(trace(withInstance(), { src: "eni-app", dst: "169.254.169.254", port: 443 })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "vpc-1", kind: "vpc", rule: "IMDS" },
    });
  });

  it("an interface whose instance is not in the input cannot tell whether the metadata service answers", () => {
    const t = imds(tinyVpc());
    expect(t).toMatchObject({ verdict: "unknown", blockedBy: null });
    expect(t.reason).toMatch(/^the source's instance is not in the input \(describe-instances\)/);
  });

  it("instances alike share one audit; one with the metadata service off gets its own answer", () => {
    const d = withInstance({ HttpEndpoint: "disabled" });
    d.NetworkInterfaces!.push(eni("eni-app2", "subnet-priv", "10.0.1.11", ["sg-all"]));
    (d.Reservations![0] as { Instances: object[] }).Instances.push({
      InstanceId: "i-app2",
      State: { Name: "running" },
      NetworkInterfaces: [{ NetworkInterfaceId: "eni-app2", Attachment: { DeviceIndex: 0 } }],
    });
    const r = audit(d, "tcp/80", "169.254.169.254/32");
    expect(r.results.map((e) => [e.source.id, e.verdict, e.blockedBy?.rule ?? null])).toEqual([
      ["eni-app", "blocked", "HttpEndpoint"],
      ["eni-app2", "allowed", null],
      ["eni-web", "unknown", null],
    ]);
  });

  // "instance-metadata-options" named no resource: each source's result names its own instance,
  // though instances alike still share one computation.
  it("a metadata service turned off is blamed on the source's own instance, in the audit and the trace", () => {
    const d = withInstance({ HttpEndpoint: "disabled" });
    d.NetworkInterfaces!.push(eni("eni-app2", "subnet-priv", "10.0.1.11", ["sg-all"]));
    (d.Reservations![0] as { Instances: object[] }).Instances.push({
      InstanceId: "i-app2",
      State: { Name: "running" },
      MetadataOptions: { HttpEndpoint: "disabled" },
      NetworkInterfaces: [{ NetworkInterfaceId: "eni-app2", Attachment: { DeviceIndex: 0 } }],
    });
    const r = audit(d, "tcp/80", "169.254.169.254/32");
    const named = (id: string) => {
      const e = r.results.find((x) => x.source.id === id)!;
      return [e.blockedBy, ...e.paths.map((p) => p.blockedBy)];
    };
    for (const [id, instance] of [
      ["eni-app", "i-app"],
      ["eni-app2", "i-app2"],
    ] as const)
      for (const b of named(id))
        expect(b).toEqual({ resource: instance, kind: "instance", rule: "HttpEndpoint" });
    const t = imds(d);
    expect(t.blockedBy).toEqual({ resource: "i-app", kind: "instance", rule: "HttpEndpoint" });
    expect(t.hops.map((h) => [h.resource, h.kind, h.rule])).toContainEqual([
      "i-app",
      "instance",
      "HttpEndpoint",
    ]);
  });

  /**
   * withInstance, dual-stack: eni-app also has an IPv6 address; its instance is of `type`, and the
   * input's InstanceTypes (describe-instance-types) are `types`.
   */
  const dualStack = (type: string | undefined, types: object[], options?: object): Docs => {
    const d = withInstance(options);
    const v6 = (Ipv6CidrBlock: string) => [{ Ipv6CidrBlock, Ipv6CidrBlockState: { State: "associated" } }];
    Object.assign(d.Vpcs![0]!, { Ipv6CidrBlockAssociationSet: v6("2600:1f18:1:a00::/56") });
    Object.assign(d.Subnets![1]!, { Ipv6CidrBlockAssociationSet: v6("2600:1f18:1:a01::/64") });
    Object.assign(d.NetworkInterfaces![0]!, { Ipv6Addresses: [{ Ipv6Address: "2600:1f18:1:a01::10" }] });
    if (type)
      Object.assign((d.Reservations![0] as { Instances: object[] }).Instances[0]!, { InstanceType: type });
    d.InstanceTypes = types;
    return d;
  };
  const DNS6 = { dst: "fd00:ec2::253", protocol: "udp", port: 53 } as const;
  const NTP6 = { dst: "fd00:ec2::123", protocol: "udp", port: 123 } as const;
  const IMDS6 = { dst: "fd00:ec2::254", protocol: "tcp", port: 80 } as const;
  const at = (d: Docs, flow: { dst: string; protocol: "tcp" | "udp"; port: number }) =>
    trace(d, { src: "eni-app", ...flow });

  it("the services' IPv6 addresses answer only instances whose type is built on the Nitro System", () => {
    const nitro = [{ InstanceType: "t3.micro", Hypervisor: "nitro", BareMetal: false }];
    for (const flow of [DNS6, NTP6])
      expect(at(dualStack("t3.micro", nitro), flow)).toMatchObject({
        verdict: "allowed",
        exit: "cloud-service",
      });
    // The metadata service's IPv6 endpoint needs the option too (off by default).
    expect(at(dualStack("t3.micro", nitro), IMDS6)).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "i-app", kind: "instance", rule: "HttpProtocolIpv6" },
    });
    expect(at(dualStack("t3.micro", nitro, { HttpProtocolIpv6: "enabled" }), IMDS6)).toMatchObject({
      verdict: "allowed",
    });
    // Bare metal types have no hypervisor and run on the Nitro System.
    expect(at(dualStack("m5.metal", [{ InstanceType: "m5.metal", BareMetal: true }]), DNS6)).toMatchObject({
      verdict: "allowed",
    });

    const xen = dualStack("t2.micro", [{ InstanceType: "t2.micro", Hypervisor: "xen" }], {
      HttpProtocolIpv6: "enabled",
    });
    for (const flow of [DNS6, NTP6, IMDS6]) {
      const t = at(xen, flow);
      expect(t).toMatchObject({
        verdict: "blocked",
        blockedBy: { resource: "t2.micro", kind: "instance-type", rule: "Hypervisor" },
      });
      expect(t.reason).toMatch(/^t2\.micro is a Xen-based instance type \(describe-instance-types\): /);
    }
    // Their IPv4 addresses answer every instance.
    expect(at(xen, { ...DNS6, dst: "169.254.169.253" })).toMatchObject({ verdict: "allowed" });
    expect(at(xen, { ...IMDS6, dst: "169.254.169.254" })).toMatchObject({ verdict: "allowed" });
    // A setting that turns the service off decides whatever the type: the VPC's DNS support.
    const dnsOff = dualStack("t3.micro", nitro);
    dnsOff.EnableDnsSupport = [{ VpcId: "vpc-1", EnableDnsSupport: { Value: false } }];
    expect(at(dnsOff, DNS6)).toMatchObject({ verdict: "blocked", blockedBy: { rule: "enableDnsSupport" } });
  });

  it("an instance type not in the input, not said, or with a hypervisor AWS does not print leaves the IPv6 addresses unknown", () => {
    const unsaved = at(dualStack("t3.micro", []), DNS6);
    expect(unsaved).toMatchObject({ verdict: "unknown", blockedBy: null });
    expect(unsaved.reason).toMatch(
      /^t3\.micro is not in the input's InstanceTypes \(aws ec2 describe-instance-types\)/,
    );
    expect(at(dualStack(undefined, []), NTP6).reason).toMatch(
      /^the source instance's type is not in the input/,
    );
    const odd = at(dualStack("m9.large", [{ InstanceType: "m9.large", Hypervisor: "kvm" }]), DNS6);
    expect(odd).toMatchObject({ verdict: "unknown" });
    expect(odd.reason).toMatch(/^describe-instance-types says Hypervisor "kvm" for m9\.large/);
    // Still blocked where the metadata options say so, whatever the type.
    expect(at(dualStack("t3.micro", []), IMDS6)).toMatchObject({
      verdict: "blocked",
      blockedBy: { rule: "HttpProtocolIpv6" },
    });
    // The IPv4 addresses need no type.
    expect(at(dualStack("t3.micro", []), { ...DNS6, dst: "10.0.0.2" })).toMatchObject({ verdict: "allowed" });
  });

  /** The unknowns of an audit of `ports` to `dest`, and of a trace of `flow` from eni-app (see AskedMissing). */
  const unknownsOf = (d: Docs, ports: string, dest: string) =>
    audit(d, ports, dest).unknowns.map((u) => `${u.resource}: ${u.message}`);
  const tracedUnknowns = (d: Docs, flow: { dst: string; protocol: "tcp" | "udp"; port: number }) => {
    const model = awsModel(docsOf(d), "test");
    const asked = new AskedMissing(model);
    runTrace(model, [{ src: "eni-app", ...flow }], model.endpoints, undefined, asked);
    return asked.unknowns().map((u) => `${u.resource}: ${u.message}`);
  };

  it("a type the input lacks is listed under unknowns when the run asks the services' IPv6 addresses something, else not", () => {
    const NOT_KNOWN =
      "whether it is built on the Nitro System is not known, so whether AWS's resolver, metadata and Time Sync services answer at their IPv6 addresses (fd00:ec2::253, ::254, ::123) is not known (for eni-app)";
    // InstanceTypes saved without t3.micro.
    const lacking = dualStack("t3.micro", [{ InstanceType: "m5.large", Hypervisor: "nitro" }]);
    const listed = `t3.micro: t3.micro is not in the input's InstanceTypes (aws ec2 describe-instance-types): ${NOT_KNOWN}`;
    expect(unknownsOf(lacking, "udp/53", "fd00:ec2::253/128")).toEqual([listed]);
    expect(unknownsOf(lacking, "all", "0.0.0.0/0,::/0")).toEqual([listed]);
    expect(tracedUnknowns(lacking, DNS6)).toEqual([listed]);
    expect(tracedUnknowns(lacking, NTP6)).toEqual([listed]);
    // Asked nothing there (the default: internet destinations), or only what is blocked whatever the
    // type (a port the service does not answer; the metadata service's IPv6 endpoint, off by default).
    expect(unknownsOf(lacking, "all", "internet")).toEqual([]);
    expect(unknownsOf(lacking, "tcp/443", "fd00:ec2::253/128")).toEqual([]);
    expect(tracedUnknowns(lacking, IMDS6)).toEqual([]);
    expect(tracedUnknowns(lacking, { ...DNS6, dst: "169.254.169.253" })).toEqual([]);
    // InstanceTypes not saved at all (a Batfish layout): one note for every type.
    const unsaved = dualStack("t3.micro", []);
    delete unsaved.InstanceTypes;
    expect(tracedUnknowns(unsaved, DNS6)).toEqual([
      `InstanceTypes: no InstanceTypes in the input (aws ec2 describe-instance-types was not saved): whether the instances' types are built on the Nitro System is not known, so whether AWS's resolver, metadata and Time Sync services answer at their IPv6 addresses (fd00:ec2::253, ::254, ::123) is not known (for eni-app)`,
    ]);
    expect(unknownsOf(unsaved, "all", "internet")).toEqual([]);
    // An instance without a type.
    expect(tracedUnknowns(dualStack(undefined, []), NTP6)).toEqual([
      `InstanceType: an instance's type is not in the input (its describe-instances output has no InstanceType): ${NOT_KNOWN}`,
    ]);
    // Without an IPv6 address the source asks nothing there; a type AWS says is Xen or Nitro decides.
    const v4only = withInstance();
    Object.assign((v4only.Reservations![0] as { Instances: object[] }).Instances[0]!, {
      InstanceType: "t3.micro",
    });
    expect(unknownsOf(v4only, "all", "0.0.0.0/0,::/0")).toEqual([]);
    for (const Hypervisor of ["xen", "nitro"])
      expect(
        unknownsOf(
          dualStack("t3.micro", [{ InstanceType: "t3.micro", Hypervisor }]),
          "all",
          "0.0.0.0/0,::/0",
        ),
      ).toEqual([]);
    // Metadata options still being applied leave the IPv6 endpoint unknown whatever the type; the type
    // is missing all the same, and a run asking it something is incomplete for that too.
    const pending = dualStack("t3.micro", [], {
      State: "pending",
      HttpEndpoint: "enabled",
      HttpProtocolIpv6: "enabled",
    });
    delete pending.InstanceTypes;
    expect(tracedUnknowns(pending, IMDS6)).toEqual([
      `InstanceTypes: no InstanceTypes in the input (aws ec2 describe-instance-types was not saved): whether the instances' types are built on the Nitro System is not known, so whether AWS's resolver, metadata and Time Sync services answer at their IPv6 addresses (fd00:ec2::253, ::254, ::123) is not known (for eni-app)`,
    ]);
    // A hypervisor AWS does not print is not data missing: unknown, not listed.
    expect(
      tracedUnknowns(dualStack("m9.large", [{ InstanceType: "m9.large", Hypervisor: "kvm" }]), DNS6),
    ).toEqual([]);
  });

  it("a source that is not an instance's cannot tell what answers at the link-local addresses; the resolver's VPC address answers it", () => {
    const d = tinyVpc();
    d.NetworkInterfaces!.push({
      ...eni("eni-fn", "subnet-priv", "10.0.1.40", ["sg-all"]),
      InterfaceType: "lambda",
    });
    const from = (dst: string, protocol: "tcp" | "udp", port: number) =>
      trace(d, { src: "eni-fn", dst, protocol, port });
    for (const [dst, protocol, port] of [
      ["169.254.169.123", "udp", 123],
      ["169.254.169.253", "udp", 53],
      ["169.254.169.250", "tcp", 1688],
    ] as const) {
      const t = from(dst, protocol, port);
      expect(t, dst).toMatchObject({ verdict: "unknown", blockedBy: null });
      expect(t.reason).toBe(
        "the source (a lambda interface) is not an EC2 instance's: whether AWS's services answer it at their link-local addresses (169.254.169.x) is not known",
      );
    }
    expect(from("10.0.0.2", "udp", 53)).toMatchObject({ verdict: "allowed", exit: "cloud-service" });
    // An instance's interface (eni-app: its instance is not in the input) is answered there.
    expect(trace(d, { src: "eni-app", dst: "169.254.169.123", protocol: "udp", port: 123 })).toMatchObject({
      verdict: "allowed",
    });
  });

  it("a VPC with DNS support off: the Amazon resolver does not answer; on or not saved, it does", () => {
    const dns = (value?: boolean) => {
      const d = tinyVpc();
      if (value !== undefined) d.EnableDnsSupport = [{ VpcId: "vpc-1", EnableDnsSupport: { Value: value } }];
      return trace(d, { src: "eni-app", dst: "10.0.0.2", protocol: "udp", port: 53 });
    };
    expect(dns()).toMatchObject({ verdict: "allowed", exit: "cloud-service" });
    expect(dns(true)).toMatchObject({ verdict: "allowed" });
    const off = dns(false);
    expect(off).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "vpc-1", kind: "vpc", rule: "enableDnsSupport" },
    });
    expect(off.hops.map((h) => `${h.resource}:${h.action}:${h.detail}`)).toEqual(["vpc-1:drop:turned off"]);
  });

  it("a VPC whose DNS support attribute is missing while others' are saved, or has no value, is unknown there and listed when asked", () => {
    const d = withInstance();
    d.EnableDnsSupport = [{ VpcId: "vpc-2", EnableDnsSupport: { Value: false } }];
    const why =
      "the DNS support attribute of vpc-1 is not in the input, though other VPCs' are (aws ec2 describe-vpc-attribute --attribute enableDnsSupport), so whether the Amazon-provided DNS resolver answers in it is not known";
    for (const dst of ["10.0.0.2", "169.254.169.253"]) {
      const t = trace(d, { src: "eni-app", dst, protocol: "udp", port: 53 });
      expect(t).toMatchObject({ verdict: "unknown", blockedBy: null, reason: why });
    }
    expect(tracedUnknowns(d, { dst: "10.0.0.2", protocol: "udp", port: 53 })).toEqual([
      `vpc-1: ${why} (for eni-app)`,
    ]);
    expect(unknownsOf(d, "udp/53", "169.254.169.253/32")).toEqual([`vpc-1: ${why} (for eni-app, eni-web)`]);
    // Not asked: internet destinations, another port.
    expect(unknownsOf(d, "all", "internet")).toEqual([]);
    expect(tracedUnknowns(d, { dst: "10.0.0.2", protocol: "tcp", port: 80 })).toEqual([]);
    // No VPC's attribute at all (the key absent, or an empty list): AWS's default, not missing data.
    d.EnableDnsSupport = [];
    expect(trace(d, { src: "eni-app", dst: "10.0.0.2", protocol: "udp", port: 53 })).toMatchObject({
      verdict: "allowed",
    });
    expect(tracedUnknowns(d, { dst: "10.0.0.2", protocol: "udp", port: 53 })).toEqual([]);
    // Saved without a value (describe-vpc-attribute always prints one).
    d.EnableDnsSupport = [{ VpcId: "vpc-1", EnableDnsSupport: {} }];
    expect(trace(d, { src: "eni-app", dst: "10.0.0.2", protocol: "udp", port: 53 })).toMatchObject({
      verdict: "unknown",
    });
    expect(tracedUnknowns(d, { dst: "10.0.0.2", protocol: "udp", port: 53 })).toEqual([
      "vpc-1: the DNS support attribute of vpc-1 has no value, so whether the Amazon-provided DNS resolver answers in it is not known (for eni-app)",
    ]);
  });
});

describe("security groups the two listings of an interface give differently", () => {
  // eni-db's listings name different groups (a change between the calls): whether it is a member of a
  // group only one names cannot be told, so a rule referencing that group is in doubt for its
  // addresses. It read describe-network-interfaces' groups: a false allowed where describe-instances'
  // were current (and a false blocked the other way).
  const withDb = (dni: string[], instances: string[]): Docs => {
    const d = tinyVpc();
    d.SecurityGroups!.push(
      {
        GroupId: "sg-client",
        GroupName: "client",
        VpcId: "vpc-1",
        IpPermissions: [],
        IpPermissionsEgress: [
          { IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: "sg-db" }] },
        ],
      },
      { GroupId: "sg-db", GroupName: "db", VpcId: "vpc-1", IpPermissions: [], IpPermissionsEgress: [] },
      {
        GroupId: "sg-open",
        GroupName: "open",
        VpcId: "vpc-1",
        IpPermissions: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "10.0.0.0/16" }] }],
        IpPermissionsEgress: [],
      },
    );
    (d.NetworkInterfaces![0] as { Groups: object[] }).Groups = [{ GroupId: "sg-client" }];
    // (eni-db2 is a member in both: sg-db has members whatever eni-db's listings say.)
    d.NetworkInterfaces!.push(
      { ...eni("eni-db", "subnet-priv", "10.0.1.20", dni), InterfaceType: "interface" },
      { ...eni("eni-db2", "subnet-priv", "10.0.1.30", ["sg-db"]), InterfaceType: "interface" },
    );
    d.Reservations = [
      {
        Instances: [
          {
            InstanceId: "i-db",
            State: { Name: "running" },
            SubnetId: "subnet-priv",
            VpcId: "vpc-1",
            PrivateIpAddress: "10.0.1.20",
            NetworkInterfaces: [
              {
                ...eni("eni-db", "subnet-priv", "10.0.1.20", instances),
                Attachment: { DeviceIndex: 0 },
              },
            ],
          },
        ],
      },
    ];
    return d;
  };
  const toDb = (d: Docs) => trace(d, { src: "eni-app", dst: "10.0.1.20", port: 5432 });

  it("a rule referencing a group only one listing puts the interface in is in doubt for it", () => {
    // Both listings agree: a member (allowed), not a member (blocked by sg-client).
    expect(toDb(withDb(["sg-db", "sg-open"], ["sg-db", "sg-open"]))).toMatchObject({ verdict: "allowed" });
    expect(toDb(withDb(["sg-open"], ["sg-open"]))).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "sg-client" },
    });
    for (const [dni, instances] of [
      [["sg-db", "sg-open"], ["sg-open"]],
      [["sg-open"], ["sg-db", "sg-open"]],
    ]) {
      const t = toDb(withDb(dni!, instances!));
      expect(t.verdict).toBe("unknown");
      expect(t.reason).toMatch(
        /whether an interface is a member of sg-db \(referenced by sg-client\) cannot be told: describe-network-interfaces and describe-instances list different security groups for eni-db /,
      );
    }
    // Two interfaces in doubt: each answer names its own dispute.
    const two = withDb(["sg-db", "sg-open"], ["sg-open"]);
    two.NetworkInterfaces!.push({
      ...eni("eni-db3", "subnet-priv", "10.0.1.40", ["sg-db", "sg-open"]),
      InterfaceType: "interface",
    });
    (two.Reservations as { Instances: object[] }[]).push({
      Instances: [
        {
          InstanceId: "i-db3",
          State: { Name: "running" },
          SubnetId: "subnet-priv",
          VpcId: "vpc-1",
          PrivateIpAddress: "10.0.1.40",
          NetworkInterfaces: [
            { ...eni("eni-db3", "subnet-priv", "10.0.1.40", ["sg-open"]), Attachment: { DeviceIndex: 0 } },
          ],
        },
      ],
    });
    expect(toDb(two).reason).toMatch(/list different security groups for eni-db /);
    const t3 = trace(two, { src: "eni-app", dst: "10.0.1.40", port: 5432 });
    expect(t3.verdict).toBe("unknown");
    expect(t3.reason).toMatch(/list different security groups for eni-db3 /);
  });

  it("a group whose only member is in doubt may have none: its reference is unresolved for the VPC's other addresses", () => {
    // Without eni-db2, sg-db has a member only if eni-db is one; with none in the input, a reference
    // to it may stand for any address of the VPC (as for any group without members): eni-x's, which
    // is in neither listing's sg-db, is not surely outside it. It read blocked by sg-client.
    for (const [dni, instances] of [
      [["sg-db", "sg-open"], ["sg-open"]],
      [["sg-open"], ["sg-db", "sg-open"]],
    ]) {
      const d = withDb(dni!, instances!);
      d.NetworkInterfaces = d.NetworkInterfaces!.filter(
        (e) => (e as { NetworkInterfaceId: string }).NetworkInterfaceId !== "eni-db2",
      );
      d.NetworkInterfaces.push({
        ...eni("eni-x", "subnet-priv", "10.0.1.50", ["sg-open"]),
        InterfaceType: "interface",
      });
      const t = trace(d, { src: "eni-app", dst: "10.0.1.50", port: 5432 });
      expect(t.verdict).toBe("unknown");
      expect(t.reason).toMatch(
        /whether sg-db \(referenced by sg-client\) has any member in the input cannot be told \(describe-network-interfaces and describe-instances list different security groups for eni-db /,
      );
      // With eni-db2 a member in both, sg-db has members: eni-x is not one.
      expect(trace(withDb(dni!, instances!), { src: "eni-app", dst: "10.0.1.50", port: 5432 })).toMatchObject(
        {
          verdict: "blocked",
          blockedBy: { resource: "sg-client" },
        },
      );
    }
  });
});

describe("a pod's address on an EKS node", () => {
  it("a trace from it leaving the VPC notes that the VPC CNI's default source NAT sends it as the node's primary address", () => {
    const d = tinyVpc();
    // eni-web (10.0.0.10, public IP 198.51.100.10) is node i-web's primary interface, with a prefix for
    // pods; eni-web2 its second interface (10.0.0.20, pods on 10.0.0.21). Both tagged for cluster shop.
    const tags = [{ Key: "eks:cluster-name", Value: "shop" }];
    Object.assign(d.NetworkInterfaces![1]!, {
      Ipv4Prefixes: [{ Ipv4Prefix: "10.0.0.32/28" }],
      TagSet: tags,
      Attachment: { InstanceId: "i-web", DeviceIndex: 0 },
    });
    d.NetworkInterfaces!.push({
      ...eni("eni-web2", "subnet-pub", "10.0.0.20", ["sg-all"]),
      PrivateIpAddresses: [
        { Primary: true, PrivateIpAddress: "10.0.0.20" },
        { Primary: false, PrivateIpAddress: "10.0.0.21" },
      ],
      TagSet: tags,
      Attachment: { InstanceId: "i-web", DeviceIndex: 1 },
    });
    const noteFor = (a: string, of: string) =>
      `${a} (of ${of}) is not the primary address of i-web, a node of EKS cluster shop: with the VPC CNI's defaults (AWS_VPC_K8S_CNI_EXTERNALSNAT=false) a pod's traffic leaving the VPC goes out as the node's primary address 10.0.0.10 (of eni-web), so a pod's answer is that of --src 10.0.0.10; this trace sends as ${a} itself, as with external SNAT on`;
    // (Besides, a node's replies are checked on 1024-65535: its pods' SNAT picks the port; a note says so.)
    const ports =
      /^replies are checked on ports 1024-65535: eni-web2? is an interface of a node of Kubernetes cluster shop,/;
    const notesOf = (t: { notes: string[] }) => t.notes.filter((n) => !ports.test(n));
    const pod = trace(d, { src: "10.0.0.33" });
    // As the VPC sees the pod's own address: no public IP at the internet gateway.
    expect(pod).toMatchObject({ verdict: "blocked", blockedBy: { resource: "igw-1" } });
    expect(pod.notes).toEqual([noteFor("10.0.0.33", "eni-web"), expect.stringMatching(ports)]);
    // A pod on the node's second interface goes out as the node's primary address too, not eni-web2's.
    expect(notesOf(trace(d, { src: "10.0.0.21" }))).toEqual([noteFor("10.0.0.21", "eni-web2")]);
    const node = trace(d, { src: "10.0.0.10" });
    expect(node).toMatchObject({ verdict: "allowed" });
    expect(notesOf(node)).toEqual([]);
    // Inside the VPC the CNI does not translate: nothing to say.
    expect(notesOf(trace(d, { src: "10.0.0.33", dst: "10.0.1.10" }))).toEqual([]);
    // Nor for an interface of no cluster.
    delete (d.NetworkInterfaces![1] as { TagSet?: unknown }).TagSet;
    expect(trace(d, { src: "10.0.0.33" }).notes).toEqual([]);
  });
});

describe("a route to an appliance", () => {
  it("whose interface has source/destination checking on drops what is routed to it; off or unsaid, what it does is unknown", () => {
    const d = tinyVpc();
    privateRoutes(d).push({
      DestinationCidrBlock: "8.8.8.0/24",
      NetworkInterfaceId: "eni-web",
      State: "active",
    });
    const web = d.NetworkInterfaces![1] as { SourceDestCheck?: boolean };
    web.SourceDestCheck = true;
    const t = trace(d, { src: "eni-app" });
    expect(t).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "eni-web", kind: "network-interface", rule: "SourceDestCheck" },
      reason:
        "eni-web has source/destination checking on, so EC2 drops what is routed through it (neither from nor to its own addresses); an appliance or NAT instance needs it off",
    });
    expect(t.hops.at(-1)).toMatchObject({ resource: "eni-web", action: "drop", rule: "SourceDestCheck" });
    // The audit agrees.
    const row = audit(d, "tcp/443", "8.8.8.0/24").results.find((e) => e.source.id === "eni-app");
    expect(row).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "eni-web", rule: "SourceDestCheck" },
    });
    for (const check of [false, undefined]) {
      web.SourceDestCheck = check;
      expect(trace(d, { src: "eni-app" })).toMatchObject({ verdict: "unknown", exit: "private" });
    }
  });
});

describe("an instance that is stopped", () => {
  /**
   * The tiny VPC with eni-web (public subnet) and eni-app (private subnet, behind nat-1) as the
   * interfaces of instances in `state`; eni-web without its public IP unless `publicIp` (then an
   * Elastic IP, which stays while it is stopped).
   */
  const stoppedVpc = (state: string, publicIp?: string): Docs => {
    const d = tinyVpc();
    const web = d.NetworkInterfaces![1] as Record<string, unknown>;
    web.Attachment = { InstanceId: "i-web", DeviceIndex: 0 };
    web.PrivateIpAddresses = [
      {
        Primary: true,
        PrivateIpAddress: "10.0.0.10",
        ...(publicIp ? { Association: { PublicIp: publicIp } } : {}),
      },
    ];
    if (publicIp) web.Association = { PublicIp: publicIp };
    else delete web.Association;
    if (publicIp)
      d.Addresses = [
        {
          PublicIp: publicIp,
          AllocationId: "eipalloc-1",
          NetworkInterfaceId: "eni-web",
          PrivateIpAddress: "10.0.0.10",
        },
      ];
    const instance = (id: string, ip: string, subnet: string) => ({
      InstanceId: id,
      State: { Name: state },
      PrivateIpAddress: ip,
      SubnetId: subnet,
      VpcId: "vpc-1",
      NetworkInterfaces: [],
    });
    d.Reservations = [
      {
        ReservationId: "r-1",
        Instances: [
          instance("i-web", "10.0.0.10", "subnet-pub"),
          instance("i-app", "10.0.1.10", "subnet-priv"),
        ],
      },
    ];
    return d;
  };
  const note = (id: string) =>
    `instance ${id} is stopped: it sends nothing until it is started; these are the answers once it is`;
  const why =
    "10.0.0.10 is the primary private IP of i-web, which is stopped and has no public IP or Elastic IP in the input: AWS releases a public IP when an instance stops and gives it a new one when it starts only if it was launched to get one, which describe output does not tell (the subnet's MapPublicIpOnLaunch applies at launch only and may have changed since), so whether 10.0.0.10 reaches the internet once it is started cannot be told";

  it("without a public IP in a public subnet: its internet traffic is unknown (it may get one when started), not blocked", () => {
    const d = stoppedVpc("stopped");
    const t = trace(d, { src: "eni-web" });
    expect(t).toMatchObject({ verdict: "unknown", blockedBy: null, reason: why, egressIp: null });
    expect(t.source).toEqual({ id: "eni-web", kind: "eni", address: "10.0.0.10", stopped: note("i-web") });
    expect(renderTraceText([t])).toContain(`  from: eni-web (10.0.0.10), ${note("i-web")}\n`);
    // What is not for the internet the gateway drops whatever public IP it has.
    expect(trace(d, { src: "eni-web", dst: "100.64.0.1" })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "igw-1" },
    });
    const a = audit(d, "tcp/443");
    const web = a.results.filter((r) => r.source.id === "eni-web");
    expect(web.map((r) => [r.verdict, r.reason, r.egressIps, r.source.publicIp, r.source.stopped])).toEqual([
      ["unknown", why, [], null, note("i-web")],
    ]);
    expect(renderAuditText(a)).toContain(
      `eni-web (i-web)  10.0.0.10  in subnet-pub / vpc-1  ${note("i-web")}\n`,
    );
    // Not missing data: nothing the run could read tells it.
    expect(a.unknowns).toEqual([]);
    // A running one without a public IP is blocked at the gateway, as before.
    expect(trace(stoppedVpc("running"), { src: "eni-web" })).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "igw-1" },
    });
    expect(trace(stoppedVpc("running"), { src: "eni-web" }).source).toEqual({
      id: "eni-web",
      kind: "eni",
      address: "10.0.0.10",
    });
  });

  it("stopping is read the same way", () => {
    const t = trace(stoppedVpc("stopping"), { src: "eni-web" });
    expect(t.verdict).toBe("unknown");
    expect(t.reason).toContain("i-web, which is stopping");
    expect(t.source.stopped).toBe(
      "instance i-web is stopping: it sends nothing once stopped, until it is started; these are the answers once it is",
    );
  });

  it("still listing a public IP: kept if an Elastic IP, else in doubt (AWS releases one it assigned as the instance stops)", () => {
    /** eni-web stopping with `association` as its public IP's listing, describe-addresses as `addresses`. */
    const listing = (association: Record<string, string>, addresses = false): Docs => {
      const d = stoppedVpc("stopping", "198.51.100.10");
      const web = d.NetworkInterfaces![1] as {
        PrivateIpAddresses: { Association?: object }[];
        Association?: object;
      };
      const full = { PublicIp: "198.51.100.10", ...association };
      web.PrivateIpAddresses[0]!.Association = full;
      web.Association = full;
      if (!addresses) d.Addresses = [];
      return d;
    };
    const assigned =
      "10.0.0.10 is the primary private IP of i-web, which is stopping: its public IP 198.51.100.10 is one AWS assigned (IpOwnerId amazon): AWS releases one it assigned as an instance stops, giving it a new one when it starts, so as what 10.0.0.10 reaches the internet once it is started cannot be told";
    expect(trace(listing({ IpOwnerId: "amazon" }), { src: "eni-web" })).toMatchObject({
      verdict: "unknown",
      egressIp: null,
      reason: assigned,
    });
    const untold = trace(listing({}), { src: "eni-web" });
    expect(untold).toMatchObject({ verdict: "unknown", egressIp: null });
    expect(untold.reason).toContain(
      "whether its public IP 198.51.100.10 is an Elastic IP, which stays, or one AWS assigned",
    );
    // An owner AWS does not print ("Amazon") tells nothing: in doubt, and missing data.
    const odd = listing({ IpOwnerId: "Amazon" });
    expect(trace(odd, { src: "eni-web" })).toMatchObject({ verdict: "unknown", egressIp: null });
    expect(audit(odd, "tcp/443").unknowns.map((u) => u.resource)).toEqual(["eni-web"]);
    // An Elastic IP, by its Association or by describe-addresses, stays.
    for (const d of [
      listing({ IpOwnerId: "123456789012", AllocationId: "eipalloc-1" }),
      listing({ IpOwnerId: "123456789012" }),
      listing({}, true),
    ])
      expect(trace(d, { src: "eni-web" })).toMatchObject({ verdict: "allowed", egressIp: "198.51.100.10" });
    // The audit says the same, and names no egress IP it may not keep; no data is missing.
    const a = audit(listing({ IpOwnerId: "amazon" }), "tcp/443");
    expect(
      a.results.filter((r) => r.source.id === "eni-web").map((r) => [r.verdict, r.egressIps, r.reason]),
    ).toEqual([["unknown", [], assigned]]);
    expect(a.unknowns).toEqual([]);
  });

  it("with an Elastic IP (kept while stopped), or behind a NAT gateway, the answers are those once it runs, said stopped", () => {
    const d = stoppedVpc("stopped", "198.51.100.10");
    const t = trace(d, { src: "eni-web" });
    expect(t).toMatchObject({ verdict: "allowed", egressIp: "198.51.100.10" });
    expect(t.source.stopped).toBe(note("i-web"));
    // Through the NAT gateway: its own Elastic IP, whatever the instance's public IP.
    const app = trace(stoppedVpc("stopped"), { src: "eni-app" });
    expect(app).toMatchObject({ verdict: "allowed", egressIp: "198.51.100.200" });
    expect(app.source.stopped).toBe(note("i-app"));
    const a = audit(stoppedVpc("stopped"), "tcp/443");
    expect(
      a.results
        .filter((r) => r.source.id === "eni-app")
        .map((r) => [r.verdict, r.egressIps, r.source.stopped]),
    ).toEqual([["allowed", ["198.51.100.200"], note("i-app")]]);
  });
});

describe("a partial row in the text report", () => {
  const tcp443 = (n: number, action: string, cidr: string) => ({
    CidrBlock: cidr,
    Egress: true,
    Protocol: "6",
    PortRange: { From: 443, To: 443 },
    RuleAction: action,
    RuleNumber: n,
  });
  const row = (d: Docs): string =>
    renderAuditText(audit(d, "tcp/443"))
      .split("\n")
      .find((l) => l.includes(" partial "))!;

  it("names the destinations that do not get out where they are fewer than those that do", () => {
    const d = tinyVpc();
    setAcl(d, "acl-priv", [tcp443(80, "deny", "1.2.3.0/24"), all(100, true), all(100, false)]);
    expect(row(d)).toMatch(
      /partial +198\.51\.100\.200 +to all destinations but 1\.2\.3\.0\/24; to those: \[acl-priv rule 80\] denied by outbound acl-priv rule 80/,
    );
  });

  it("with several parts not allowed, says which destinations the rule shown decides", () => {
    // Rule 81 decides the larger part: 1.2.3.0/24 is rule 80's, and must not read as rule 81's.
    const d = tinyVpc();
    setAcl(d, "acl-priv", [
      tcp443(80, "deny", "1.2.3.0/24"),
      tcp443(81, "deny", "200.0.0.0/8"),
      all(100, true),
      all(100, false),
    ]);
    expect(row(d)).toMatch(
      /to all destinations but 1\.2\.3\.0\/24, 200\.0\.0\.0\/8; to 200\.0\.0\.0\/8: \[acl-priv rule 81\] denied by outbound acl-priv rule 81 .*\(\+1 other path: --json lists them\)$/,
    );
  });

  it("names the destinations that get out where they are fewer", () => {
    const d = tinyVpc();
    setAcl(d, "acl-priv", [tcp443(80, "allow", "1.2.3.0/24"), all(100, false)]);
    expect(row(d)).toMatch(/partial +198\.51\.100\.200 +to 1\.2\.3\.0\/24 only; rest: \[acl-priv rule \*\] /);
  });
});

describe("blocked by an interface's security groups together", () => {
  it("blockedBy lists each group's id in resources (resource joins them for a reader); one group has no resources", () => {
    const d = tinyVpc();
    d.SecurityGroups!.push(
      { GroupId: "sg-a", GroupName: "a", VpcId: "vpc-1", IpPermissions: [], IpPermissionsEgress: [] },
      { GroupId: "sg-b", GroupName: "b", VpcId: "vpc-1", IpPermissions: [], IpPermissionsEgress: [] },
    );
    (d.NetworkInterfaces![0] as { Groups: object[] }).Groups = [{ GroupId: "sg-a" }, { GroupId: "sg-b" }];
    const both = { resource: "sg-a, sg-b", kind: "security-group", rule: null, resources: ["sg-a", "sg-b"] };
    expect(trace(d, { src: "eni-app" }).blockedBy).toEqual(both);
    const [e] = audit(d, "tcp/443").results.filter((x) => x.source.id === "eni-app");
    expect(e!.blockedBy).toEqual(both);
    expect(e!.paths.map((p) => p.blockedBy)).toEqual([both]);
    (d.NetworkInterfaces![0] as { Groups: object[] }).Groups = [{ GroupId: "sg-a" }];
    expect(trace(d, { src: "eni-app" }).blockedBy).toEqual({
      resource: "sg-a",
      kind: "security-group",
      rule: null,
    });
  });
});

describe("an interface with several IPv6 addresses", () => {
  it("lists each as an egress IP (a host may send from any), the first one first; a path names the first", () => {
    const d = tinyVpc();
    ipv6Out(d);
    (d.NetworkInterfaces![1] as { Ipv6Addresses: object[] }).Ipv6Addresses.push(
      { Ipv6Address: "2600:1f18:1:a00::30" },
      { Ipv6Address: "2600:1f18:1:a00::5" },
    );
    const [e] = audit(d, "tcp/443").results.filter((x) => x.source.id === "eni-web");
    expect(e!.verdict).toBe("allowed");
    const v6 = e!.egressIps.filter((ip) => ip.includes(":"));
    expect(v6).toEqual(["2600:1f18:1:a00::10", "2600:1f18:1:a00::5", "2600:1f18:1:a00::30"]);
    expect(e!.egressIps).toContain("198.51.100.10");
    expect(e!.paths.map((p) => p.egressIp).filter((ip) => ip?.includes(":"))).toEqual([
      "2600:1f18:1:a00::10",
    ]);
    // One address: as before.
    const one = tinyVpc();
    ipv6Out(one);
    const [f] = audit(one, "tcp/443").results.filter((x) => x.source.id === "eni-web");
    expect(f!.egressIps.filter((ip) => ip.includes(":"))).toEqual(["2600:1f18:1:a00::10"]);
  });
});

describe("an interface with IPv6 prefixes delegated to it (EKS IPv6 mode: its pods' addresses)", () => {
  /**
   * eni-app, a node of cluster shop, gets 2600:1f18:1:1::10 in the VPC's 2600:1f18:1::/56 and the
   * /80s :8000:: and :2000:: (listed in that order) of its subnet's /64 delegated to it, plus an IPv4
   * /28, with ::/0 to an egress-only internet gateway.
   */
  const node = (): Docs => {
    const d = dualStack();
    Object.assign(d.NetworkInterfaces![0]!, {
      Ipv6Prefixes: [{ Ipv6Prefix: "2600:1f18:1:1:8000::/80" }, { Ipv6Prefix: "2600:1f18:1:1:2000::/80" }],
      Ipv4Prefixes: [{ Ipv4Prefix: "10.0.1.32/28" }],
      TagSet: [{ Key: "eks:cluster-name", Value: "shop" }],
    });
    return d;
  };
  /** Destinations on the internet of both families (the VPC's own would be unknown: hosts). */
  const dest = "8.8.8.0/24,2001:4860::/32";
  const entryOf = (d: Docs) => audit(d, "tcp/443", dest).results.find((e) => e.source.id === "eni-app")!;
  const v6Paths = (e: AuditEntry) => e.paths.filter((p) => p.destinations.some((c) => c.includes(":")));

  it("lists each prefix as an egress IP after the interface's own IPv6 address, in address order; a path names the own one", () => {
    const e = entryOf(node());
    expect(e.verdict).toBe("allowed");
    // IPv4 leaves through the NAT gateway as before: pods' IPv4 is translated to the node's address.
    expect(e.egressIps).toEqual([
      "2600:1f18:1:1::10",
      "2600:1f18:1:1:2000::/80",
      "2600:1f18:1:1:8000::/80",
      "198.51.100.200",
    ]);
    expect(v6Paths(e).map((p) => p.egressIp)).toEqual(["2600:1f18:1:1::10"]);
    // The text report's EGRESS IP column reads them as the list they are.
    const text = renderAuditText(audit(node(), "tcp/443", dest));
    expect(text).toContain(
      "2600:1f18:1:1::10, 2600:1f18:1:1:2000::/80, 2600:1f18:1:1:8000::/80, 198.51.100.200",
    );
  });

  // The answers are worked out for one address: a prefix whose addresses a rule, route or address
  // block sets apart from it (a route to part of it, say) may get others. Listing it read as "its pods
  // get out too" (a false allowed for them).
  it("a prefix that something sets apart from the address the answers are worked out for is not listed, with a warning", () => {
    const d = node();
    privateRoutes(d).push({
      DestinationIpv6CidrBlock: "2600:1f18:1:1:2000::/96",
      NetworkInterfaceId: "eni-web",
      State: "active",
    });
    const r = audit(d, "tcp/443", dest);
    const e = r.results.find((x) => x.source.id === "eni-app")!;
    expect(e.egressIps).toEqual(["2600:1f18:1:1::10", "2600:1f18:1:1:8000::/80", "198.51.100.200"]);
    expect(r.warnings.filter((w) => w.resource === "eni-app").map((w) => w.message)).toContainEqual(
      expect.stringMatching(
        /^the IPv6 prefix 2600:1f18:1:1:2000::\/80 delegated to it \(its pods' addresses\) is not treated as 2600:1f18:1:1::10 \(the address its answers are worked out for\) is by the rules, routes or address blocks/,
      ),
    );
  });

  it("an interface with a prefix but no IPv6 address of its own is audited for IPv6 too, the prefix named as its egress IP", () => {
    const d = node();
    delete (d.NetworkInterfaces![0] as Record<string, unknown>).Ipv6Addresses;
    const e = entryOf(d);
    expect(e.source.ipv6).toBeNull();
    expect(e.verdict).toBe("allowed");
    expect(e.reachable.some((c) => c.includes(":"))).toBe(true);
    expect(e.egressIps).toEqual(["2600:1f18:1:1:2000::/80", "2600:1f18:1:1:8000::/80", "198.51.100.200"]);
    expect(v6Paths(e).map((p) => p.egressIp)).toEqual(["2600:1f18:1:1:2000::/80"]);
    // A trace from the interface agrees with the audit: it sends from the first prefix's first
    // address, saying so; one from a pod's address sends as that address.
    const fromEni = trace(d, { src: "eni-app", dst: "2001:4860::8888" });
    expect(fromEni).toMatchObject({
      verdict: "allowed",
      egressIp: "2600:1f18:1:1:2000::",
      source: { address: "2600:1f18:1:1:2000::" },
    });
    expect(fromEni.notes).toContainEqual(
      "eni-app has no IPv6 address of its own: traced from 2600:1f18:1:1:2000::, the first address of the IPv6 prefixes delegated to it (2600:1f18:1:1:2000::/80, 2600:1f18:1:1:8000::/80), which its pods send from; --src a pod's address traces that pod",
    );
    expect(trace(d, { src: "2600:1f18:1:1:2000::5", dst: "2001:4860::8888" })).toMatchObject({
      verdict: "allowed",
      egressIp: "2600:1f18:1:1:2000::5",
    });
    // Blocked for IPv6 by its security group: named, as for any source.
    (
      d.SecurityGroups![0] as { IpPermissionsEgress: Record<string, unknown>[] }
    ).IpPermissionsEgress[0]!.Ipv6Ranges = [];
    const blocked = entryOf(d);
    expect(blocked).toMatchObject({ verdict: "partial", egressIps: ["198.51.100.200"] });
    expect(v6Paths(blocked).map((p) => `${p.verdict} ${p.blockedBy?.resource}`)).toEqual(["blocked sg-all"]);
  });
});
