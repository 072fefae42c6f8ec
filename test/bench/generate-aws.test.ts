import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import {
  QUOTA,
  REGION,
  generateAwsRegion,
  serializeAwsFile,
  writeAwsRegion,
} from "../../bench/generate-aws.js";
import { jsonParseBaseline } from "../../bench/json-baseline.js";

// Minimal views of the describe-* shapes the assertions need.
interface Subnet {
  SubnetId: string;
  CidrBlock: string;
  AvailabilityZone: string;
  VpcId: string;
  MapPublicIpOnLaunch: boolean;
}
interface Route {
  DestinationCidrBlock?: string;
  DestinationIpv6CidrBlock?: string;
  GatewayId?: string;
  NatGatewayId?: string;
  NetworkInterfaceId?: string;
  InstanceId?: string;
  TransitGatewayId?: string;
  VpcPeeringConnectionId?: string;
  EgressOnlyInternetGatewayId?: string;
  State: "active" | "blackhole";
  Origin: string;
}
interface RouteTable {
  RouteTableId: string;
  Associations: { Main: boolean; SubnetId?: string; RouteTableId: string }[];
  Routes: Route[];
}
interface NaclEntry {
  CidrBlock?: string;
  Ipv6CidrBlock?: string;
  Egress: boolean;
  Protocol: string;
  RuleAction: "allow" | "deny";
  RuleNumber: number;
  PortRange?: { From: number; To: number };
  IcmpTypeCode?: { Code: number; Type: number };
}
interface Nacl {
  NetworkAclId: string;
  IsDefault: boolean;
  Associations: { NetworkAclId: string; SubnetId: string }[];
  Entries: NaclEntry[];
}
interface Permission {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges: { CidrIp: string }[];
  Ipv6Ranges: { CidrIpv6: string }[];
  PrefixListIds: { PrefixListId: string }[];
  UserIdGroupPairs: { GroupId: string; UserId: string }[];
}
interface SecurityGroup {
  GroupId: string;
  GroupName: string;
  IpPermissions: Permission[];
  IpPermissionsEgress: Permission[];
}
interface Association {
  PublicIp: string;
  IpOwnerId: string;
}
interface Eni {
  NetworkInterfaceId: string;
  InterfaceType: string;
  SubnetId: string;
  PrivateIpAddress: string;
  PrivateIpAddresses: { Primary: boolean; PrivateIpAddress: string; Association?: Association }[];
  Groups: { GroupId: string; GroupName: string }[];
  Association?: Association;
  Attachment?: { InstanceId?: string; DeviceIndex: number };
  Status: string;
}
interface Instance {
  InstanceId: string;
  SubnetId: string;
  PrivateIpAddress: string;
  PublicIpAddress?: string;
  NetworkInterfaces: { NetworkInterfaceId: string; PrivateIpAddress: string }[];
  SecurityGroups: { GroupId: string }[];
  State: { Code: number; Name: string };
}
interface NatGateway {
  NatGatewayId: string;
  SubnetId: string;
  State: string;
  ConnectivityType: string;
  NatGatewayAddresses: {
    AllocationId: string;
    NetworkInterfaceId: string;
    PrivateIp: string;
    PublicIp: string;
  }[];
}
interface Address {
  AllocationId: string;
  NetworkInterfaceId: string;
  PrivateIpAddress: string;
  PublicIp: string;
  Domain: string;
}

function region(files: Map<string, unknown>) {
  const get = <T>(name: string): T[] => {
    const v = files.get(`${REGION}/${name}.json`) as Record<string, T[]> | undefined;
    const arr = v?.[name];
    if (!arr) throw new Error(`missing ${name}`);
    return arr;
  };
  return {
    vpcs: get<{ VpcId: string; CidrBlock: string }>("Vpcs"),
    subnets: get<Subnet>("Subnets"),
    routeTables: get<RouteTable>("RouteTables"),
    nacls: get<Nacl>("NetworkAcls"),
    sgs: get<SecurityGroup>("SecurityGroups"),
    enis: get<Eni>("NetworkInterfaces"),
    reservations: get<{ Instances: Instance[] }>("Reservations"),
    nats: get<NatGateway>("NatGateways"),
    igws: get<{ InternetGatewayId: string; Attachments: { State: string; VpcId: string }[] }>(
      "InternetGateways",
    ),
    addresses: get<Address>("Addresses"),
  };
}

const inCidr = (ip: string, cidr: string) => ipaddr.parse(ip).match(ipaddr.parseCIDR(cidr));
const isCanonicalV4Cidr = (cidr: string) =>
  ipaddr.IPv4.isValidCIDR(cidr) && ipaddr.IPv4.networkAddressFromCIDR(cidr).toString() === cidr.split("/")[0];
const ruleCount = (p: Permission) =>
  p.IpRanges.length + p.Ipv6Ranges.length + p.PrefixListIds.length + p.UserIdGroupPairs.length;
const expectedCount = (n: number, scale: number, min = 1) => Math.max(min, Math.round(n * scale));

describe("generateAwsRegion determinism", () => {
  it("gives deep-equal and byte-identical output for the same seed", () => {
    const a = generateAwsRegion({ seed: 42, scale: 0.01 });
    const b = generateAwsRegion({ seed: 42, scale: 0.01 });
    expect(a).toEqual(b);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [k, v] of a) {
      expect(JSON.stringify(v)).toBe(JSON.stringify(b.get(k)));
      expect(serializeAwsFile(v, 1)).toBe(serializeAwsFile(b.get(k), 1));
    }
  });

  it("differs for a different seed", () => {
    const a = generateAwsRegion({ seed: 1, scale: 0.01 });
    const b = generateAwsRegion({ seed: 2, scale: 0.01 });
    expect(JSON.stringify(a.get(`${REGION}/SecurityGroups.json`))).not.toBe(
      JSON.stringify(b.get(`${REGION}/SecurityGroups.json`)),
    );
  });
});

describe.each([0.01, 0.1])("generateAwsRegion at scale %s", (scale) => {
  const files = generateAwsRegion({ seed: 7, scale });
  const r = region(files);
  const subnetById = new Map(r.subnets.map((s) => [s.SubnetId, s]));
  const sgIds = new Set(r.sgs.map((g) => g.GroupId));
  const eniById = new Map(r.enis.map((e) => [e.NetworkInterfaceId, e]));
  const instances = r.reservations.flatMap((x) => x.Instances);
  const natIds = new Set(r.nats.map((n) => n.NatGatewayId));
  const igwIds = new Set(r.igws.map((g) => g.InternetGatewayId));

  it("writes one file per describe call under the region folder", () => {
    expect([...files.keys()].sort()).toEqual(
      [
        "Addresses",
        "InternetGateways",
        "NatGateways",
        "NetworkAcls",
        "NetworkInterfaces",
        "Reservations",
        "RouteTables",
        "SecurityGroups",
        "Subnets",
        "Vpcs",
      ].map((n) => `${REGION}/${n}.json`),
    );
  });

  it("scales the counts", () => {
    const nSubnets = expectedCount(QUOTA.subnets, scale, 2);
    const nPublic = Math.min(nSubnets - 1, expectedCount(QUOTA.publicSubnets, scale));
    expect(r.vpcs).toHaveLength(1);
    expect(r.igws).toHaveLength(1);
    expect(r.subnets).toHaveLength(nSubnets);
    expect(r.subnets.filter((s) => s.MapPublicIpOnLaunch)).toHaveLength(nPublic);
    expect(r.nats).toHaveLength(Math.min(nPublic, expectedCount(QUOTA.natGateways, scale)));
    expect(r.routeTables).toHaveLength(nSubnets + 1);
    expect(r.nacls).toHaveLength(nSubnets + 1);
    expect(r.sgs).toHaveLength(expectedCount(QUOTA.securityGroups, scale));
    const iface = r.enis.filter((e) => e.InterfaceType === "interface");
    expect(iface).toHaveLength(expectedCount(QUOTA.interfaceEnis, scale));
    expect(iface.filter((e) => e.Attachment?.InstanceId !== undefined)).toHaveLength(
      expectedCount(QUOTA.attachedEnis, scale),
    );
    expect(r.enis.filter((e) => e.InterfaceType === "nat_gateway")).toHaveLength(r.nats.length);
    // Per-object sizes stay at quota size whatever the scale.
    for (const t of r.routeTables) expect(t.Routes).toHaveLength(QUOTA.routesPerTable);
    for (const g of r.sgs) {
      expect(g.IpPermissionsEgress.reduce((n, p) => n + ruleCount(p), 0)).toBe(QUOTA.sgEgressRules);
    }
    for (const n of r.nacls.filter((x) => !x.IsDefault)) {
      expect(n.Entries).toHaveLength(2 * QUOTA.naclEntriesPerDirection);
      expect(n.Entries.filter((e) => e.Egress)).toHaveLength(QUOTA.naclEntriesPerDirection);
    }
  });

  it("carves subnets inside the VPC, public ones routed to the IGW", () => {
    const vpc = r.vpcs[0];
    expect(vpc?.CidrBlock).toBe("10.0.0.0/16");
    const cidrs = new Set<string>();
    for (const s of r.subnets) {
      expect(s.VpcId).toBe(vpc?.VpcId);
      expect(isCanonicalV4Cidr(s.CidrBlock)).toBe(true);
      expect(inCidr(s.CidrBlock.split("/")[0] ?? "", "10.0.0.0/16")).toBe(true);
      cidrs.add(s.CidrBlock);
    }
    expect(cidrs.size).toBe(r.subnets.length);
  });

  it("gives every subnet exactly one route table and one NACL association", () => {
    for (const s of r.subnets) {
      const rts = r.routeTables.filter((t) => t.Associations.some((a) => a.SubnetId === s.SubnetId));
      expect(rts).toHaveLength(1);
      const acls = r.nacls.flatMap((n) => n.Associations).filter((a) => a.SubnetId === s.SubnetId);
      expect(acls).toHaveLength(1);
    }
    expect(r.routeTables.filter((t) => t.Associations.some((a) => a.Main))).toHaveLength(1);
    expect(r.nacls.filter((n) => n.IsDefault)).toHaveLength(1);
    for (const n of r.nacls) for (const a of n.Associations) expect(a.NetworkAclId).toBe(n.NetworkAclId);
  });

  it("points routes at existing targets with well-formed destinations", () => {
    const vpcCidr = r.vpcs[0]?.CidrBlock ?? "";
    for (const t of r.routeTables) {
      const dests = t.Routes.map((x) => x.DestinationCidrBlock ?? x.DestinationIpv6CidrBlock);
      expect(new Set(dests).size).toBe(dests.length);
      const local = t.Routes.filter((x) => x.GatewayId === "local");
      expect(local.map((x) => x.DestinationCidrBlock ?? x.DestinationIpv6CidrBlock)).toContain(vpcCidr);
      expect(t.Routes.filter((x) => x.DestinationCidrBlock === "0.0.0.0/0")).toHaveLength(1);
      const subnetId = t.Associations[0]?.SubnetId;
      const subnet = subnetId !== undefined ? subnetById.get(subnetId) : undefined;
      for (const route of t.Routes) {
        if (route.DestinationCidrBlock !== undefined) {
          expect(isCanonicalV4Cidr(route.DestinationCidrBlock)).toBe(true);
        }
        if (route.State === "blackhole") {
          expect(route.NatGatewayId).toMatch(/^nat-0[0-9a-f]{16}$/);
          expect(natIds.has(route.NatGatewayId ?? "")).toBe(false);
          continue;
        }
        expect(route.State).toBe("active");
        if (route.NatGatewayId !== undefined) expect(natIds.has(route.NatGatewayId)).toBe(true);
        if (route.GatewayId?.startsWith("igw-")) expect(igwIds.has(route.GatewayId)).toBe(true);
        if (route.NetworkInterfaceId !== undefined) {
          const eni = eniById.get(route.NetworkInterfaceId);
          expect(eni?.Attachment?.InstanceId).toBe(route.InstanceId);
        }
      }
      const def = t.Routes.find((x) => x.DestinationCidrBlock === "0.0.0.0/0");
      if (subnet?.MapPublicIpOnLaunch) {
        expect(igwIds.has(def?.GatewayId ?? "")).toBe(true);
      } else if (subnet && def?.State === "active") {
        // Private subnets leave through a NAT gateway in their own AZ.
        const nat = r.nats.find((n) => n.NatGatewayId === def.NatGatewayId);
        expect(nat).toBeDefined();
        expect(subnetById.get(nat?.SubnetId ?? "")?.AvailabilityZone).toBe(subnet.AvailabilityZone);
      }
    }
  });

  it("writes NACL entries in the CLI shape", () => {
    for (const n of r.nacls) {
      for (const egress of [true, false]) {
        const entries = n.Entries.filter((e) => e.Egress === egress);
        const numbers = entries.map((e) => e.RuleNumber);
        expect(new Set(numbers).size).toBe(numbers.length);
        expect(entries).toContainEqual({
          CidrBlock: "0.0.0.0/0",
          Egress: egress,
          Protocol: "-1",
          RuleAction: "deny",
          RuleNumber: 32767,
        });
      }
      for (const e of n.Entries) {
        expect((e.CidrBlock === undefined) !== (e.Ipv6CidrBlock === undefined)).toBe(true);
        if (e.CidrBlock !== undefined) expect(isCanonicalV4Cidr(e.CidrBlock)).toBe(true);
        expect(["-1", "6", "17", "1"]).toContain(e.Protocol);
        expect(e.PortRange !== undefined).toBe(e.Protocol === "6" || e.Protocol === "17");
        expect(e.IcmpTypeCode !== undefined).toBe(e.Protocol === "1");
      }
    }
  });

  it("references existing security groups and writes canonical CIDRs", () => {
    for (const g of r.sgs) {
      expect(g.GroupId).toMatch(/^sg-[0-9a-f]{17}$/);
      for (const p of [...g.IpPermissions, ...g.IpPermissionsEgress]) {
        for (const pair of p.UserIdGroupPairs) expect(sgIds.has(pair.GroupId)).toBe(true);
        for (const range of p.IpRanges) expect(isCanonicalV4Cidr(range.CidrIp)).toBe(true);
        for (const range of p.Ipv6Ranges) expect(ipaddr.IPv6.isValidCIDR(range.CidrIpv6)).toBe(true);
        if (p.IpProtocol === "tcp" || p.IpProtocol === "udp") {
          expect(p.FromPort).toBeLessThanOrEqual(p.ToPort ?? -1);
        } else if (p.IpProtocol === "-1" || /^\d+$/.test(p.IpProtocol)) {
          expect(p.FromPort).toBeUndefined();
        }
      }
    }
    expect(new Set(r.sgs.map((g) => g.GroupName)).size).toBe(r.sgs.length);
  });

  it("places ENIs in existing subnets with in-range IPs and existing groups", () => {
    const seenIps = new Set<string>();
    for (const e of r.enis) {
      const subnet = subnetById.get(e.SubnetId);
      expect(subnet).toBeDefined();
      const ips = e.PrivateIpAddresses.map((p) => p.PrivateIpAddress);
      expect(e.PrivateIpAddresses.find((p) => p.Primary)?.PrivateIpAddress).toBe(e.PrivateIpAddress);
      for (const ip of ips) {
        expect(inCidr(ip, subnet?.CidrBlock ?? "")).toBe(true);
        expect(seenIps.has(ip)).toBe(false);
        seenIps.add(ip);
      }
      for (const g of e.Groups) expect(sgIds.has(g.GroupId)).toBe(true);
      if (e.InterfaceType === "interface") {
        expect(e.Groups.length).toBeGreaterThanOrEqual(1);
        expect(e.Groups.length).toBeLessThanOrEqual(5);
      }
      if (e.Association) {
        expect(subnet?.MapPublicIpOnLaunch).toBe(true);
        expect(e.PrivateIpAddresses.find((p) => p.Primary)?.Association).toEqual(e.Association);
      }
      expect(e.Status).toBe("in-use");
    }
  });

  it("has instances for the attached ENIs", () => {
    const attachedIds = new Set(
      r.enis.filter((e) => e.Attachment?.InstanceId !== undefined).map((e) => e.NetworkInterfaceId),
    );
    const fromInstances = new Set(
      instances.flatMap((i) => i.NetworkInterfaces.map((n) => n.NetworkInterfaceId)),
    );
    expect(fromInstances).toEqual(attachedIds);
    for (const inst of instances) {
      expect(inst.State).toEqual({ Code: 16, Name: "running" });
      expect(subnetById.has(inst.SubnetId)).toBe(true);
      for (const n of inst.NetworkInterfaces) {
        expect(eniById.get(n.NetworkInterfaceId)?.Attachment?.InstanceId).toBe(inst.InstanceId);
      }
      for (const g of inst.SecurityGroups) expect(sgIds.has(g.GroupId)).toBe(true);
      const primary = eniById.get(inst.NetworkInterfaces[0]?.NetworkInterfaceId ?? "");
      expect(inst.PrivateIpAddress).toBe(primary?.PrivateIpAddress);
      expect(inst.PublicIpAddress).toBe(primary?.Association?.PublicIp);
    }
  });

  it("ties NAT gateways and Elastic IPs to their ENIs", () => {
    for (const n of r.nats) {
      expect(n.State).toBe("available");
      expect(n.ConnectivityType).toBe("public");
      expect(subnetById.get(n.SubnetId)?.MapPublicIpOnLaunch).toBe(true);
      const addr = n.NatGatewayAddresses[0];
      const eni = eniById.get(addr?.NetworkInterfaceId ?? "");
      expect(eni?.InterfaceType).toBe("nat_gateway");
      expect(eni?.PrivateIpAddress).toBe(addr?.PrivateIp);
      expect(eni?.Association?.PublicIp).toBe(addr?.PublicIp);
      expect(r.addresses.some((a) => a.AllocationId === addr?.AllocationId)).toBe(true);
    }
    const publicIps = new Set<string>();
    for (const a of r.addresses) {
      expect(a.Domain).toBe("vpc");
      const eni = eniById.get(a.NetworkInterfaceId);
      expect(eni?.PrivateIpAddress).toBe(a.PrivateIpAddress);
      expect(eni?.Association?.PublicIp).toBe(a.PublicIp);
      expect(publicIps.has(a.PublicIp)).toBe(false);
      publicIps.add(a.PublicIp);
    }
    // ENI public IPs that are not EIPs are Amazon-owned auto-assigned addresses.
    for (const e of r.enis) {
      if (e.Association && !publicIps.has(e.Association.PublicIp))
        expect(e.Association.IpOwnerId).toBe("amazon");
    }
  });
});

describe("writeAwsRegion and jsonParseBaseline", () => {
  it("writes the files and parses them back", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gen-aws-"));
    try {
      const files = generateAwsRegion({ seed: 3, scale: 0.01 });
      const res = await writeAwsRegion(dir, files);
      expect(res.files).toBe(files.size);
      const text = await readFile(join(dir, REGION, "Subnets.json"), "utf8");
      expect(JSON.parse(text)).toEqual(files.get(`${REGION}/Subnets.json`));
      const base = await jsonParseBaseline(dir, 2);
      expect(base.files).toBe(files.size);
      expect(base.bytes).toBe(res.bytes);
      expect(base.medianMs).toBeGreaterThanOrEqual(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
