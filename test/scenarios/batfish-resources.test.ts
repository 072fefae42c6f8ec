// Batfish's per-resource AWS test inputs (fixtures/aws/batfish-resources, see fixtures/NOTICE): real
// describe-* shapes, including the odd ones Batfish keeps to test its own reader. Each file alone is a
// --from-dir input; what it holds must come out of the converters as AWS means it.
import { describe, expect, it } from "vitest";
import type { NetworkModel } from "../../src/model/types.js";
import { icmpTypeCode, IntervalSet, PacketSet, parseCidr, PROTO } from "../../src/netset/index.js";
import { awsModel } from "../../src/providers/aws/index.js";
import { readFileSync } from "node:fs";

const DIR = "fixtures/aws/batfish-resources";

function model(name: string): NetworkModel {
  const file = `${DIR}/${name}.json`;
  return awsModel([{ file, data: JSON.parse(readFileSync(file, "utf8")) as unknown }], file);
}

const point = (n: number): IntervalSet => IntervalSet.point(BigInt(n));

describe("Batfish's per-resource AWS inputs", () => {
  it("instances and interfaces become sources, with their names and groups", () => {
    for (const name of ["InstanceTest", "NetworkInterfaceTest"]) {
      const m = model(name);
      expect(m.endpoints.length).toBeGreaterThan(0);
      for (const ep of m.endpoints) expect(ep.filterIds.length).toBeGreaterThan(0);
    }
    const eni = model("NetworkInterfaceTest").endpoints.find((e) => e.id === "eni-bd11cc9d")!;
    expect(eni).toMatchObject({
      name: "primary",
      ownerId: "i-05f467abe21e9b883",
      subnetId: "subnet-9a0c48fc",
    });
  });

  it("a deleted NAT gateway drops traffic; an available one translates", () => {
    const m = model("NatGatewayTest");
    const gone = m.gateways.get("nat-07de522fdf38aba9d")!;
    const live = m.gateways.get("nat-05dba92075d71c408")!;
    expect(gone.kind === "nat" && gone.unusable).toMatch(/deleted/);
    expect(live.kind === "nat" && live.unusable).toBeUndefined();
  });

  it("network ACL entries: ICMP type and code, IPv6 blocks, ports, in rule order", () => {
    const icmp = model("NetworkAclIcmpTest").filters.get("acl-4db39c28")!;
    // (No `*` entries in this file: the implicit deny is the filter's default.)
    expect(icmp.egress.map((r) => r.ref.rule)).toEqual(["100", "200"]);
    expect(
      icmp.egress[0]!.match.equals(
        PacketSet.cube(point(PROTO.ICMP), icmpTypeCode(-1), parseCidr("0.0.0.0/0")),
      ),
    ).toBe(true);
    expect(
      icmp.egress[1]!.match.equals(
        PacketSet.cube(point(PROTO.ICMP), icmpTypeCode(0, 1), parseCidr("0.0.0.0/0")),
      ),
    ).toBe(true);
    const v6 = model("NetworkAclV6Test").filters.get("acl-4db39c28")!;
    expect(v6.egress[0]!.match.ips().equals(parseCidr("::/0"))).toBe(true);
    const tcp = model("NetworkAclTest").filters.get("acl-4db39c28")!;
    expect(tcp.ingress[0]).toMatchObject({ action: "deny", ref: { rule: "100" } });
    expect(
      tcp.ingress[0]!.match.equals(
        PacketSet.cube(point(PROTO.TCP), point(3306), parseCidr("162.243.144.192/32")),
      ),
    ).toBe(true);
  });

  it("route tables: IPv4 and IPv6 local routes", () => {
    for (const [name, cidr] of [
      ["RouteTableTest", "10.100.0.0/16"],
      ["RouteV6TableTest", "2600:1f16:751:7800::/56"],
    ] as const) {
      const [route] = model(name).routeTables.get("rtb-296bf350")!.routes;
      expect(route!.dest.equals(parseCidr(cidr))).toBe(true);
      expect(route!.target.kind).toBe("local");
    }
  });

  it("a VPC's secondary CIDR belongs to it; a subnet has its block", () => {
    expect(
      model("VpcTest")
        .networks.get("vpc-CCCCCC")!
        .cidrs.equals(parseCidr("10.100.0.0/16").union(parseCidr("10.200.0.0/16"))),
    ).toBe(true);
    expect(model("SubnetTest").subnets.get("subnet-1")!.cidrs.equals(parseCidr("172.31.0.0/20"))).toBe(true);
  });

  it("a security group rule on a prefix list the input does not hold is unresolved, not dropped", () => {
    const g = model("SecurityGroupTestDeser").filters.get("sg-01a88a2ecd621d9ba")!;
    expect(g.egress.map((r) => r.unresolved ?? null)).toEqual([
      null,
      "prefix list pl-7ba54012 used by sg-01a88a2ecd621d9ba is not in the input",
    ]);
    expect(g.ingress[0]).toMatchObject({ ref: { rule: "Allowing single port" } });
    expect(
      g.ingress[0]!.match.equals(PacketSet.cube(point(PROTO.TCP), point(22), parseCidr("1.2.3.4/32"))),
    ).toBe(true);
  });

  it("two versions of one resource are rejected, naming both places, unless the audit reads them alike", () => {
    expect(() => model("SecurityGroupTest")).toThrow(
      /\$\.SecurityGroups\[10\]: sg-0de0ddfa8a5a12348 is also at .*SecurityGroupTest\.json \$\.SecurityGroups\[9\] with different content/,
    );
    // The same endpoint once "available" with a Name tag, once "pending" without: its state is read
    // (a route to an endpoint that is not available is unknown), so which version is current decides
    // verdicts, and cannot be told. (Its tags are not read: they alone would not make two versions.)
    expect(() => model("VpcEndpointTest")).toThrow(
      /\$\.VpcEndpoints\[2\]: vpce-0d4dd62ef8577fa8e is also at .*VpcEndpointTest\.json \$\.VpcEndpoints\[0\] with different content/,
    );
  });

  it("every other file reads without a warning", () => {
    for (const name of [
      "InternetGatewayTest",
      "PrefixListTest",
      "VpcPeeringConnectionsTest",
      "VpcPeeringConnectionsTestIgnoreNonActive",
    ])
      expect(model(name).warnings).toEqual([]);
  });
});
