// --cluster: which interfaces are the cluster's nodes, audited or not (see src/core/cluster-sources.ts).
import { describe, expect, it } from "vitest";
import { runAudit } from "../../src/core/audit.js";
import { parseDest, parsePorts } from "../../src/core/cli.js";
import { selectSources } from "../../src/core/pipeline.js";
import { InputError } from "../../src/model/errors.js";
import { awsModel } from "../../src/providers/aws/index.js";
import { docsOf, eni, tinyVpc } from "../providers/aws/tiny-vpc.js";

/**
 * The tiny VPC with cluster "c1" (cluster security group sg-c1) and interfaces saved without SubnetId:
 * one tagged for c1 on its instance, one carrying sg-c1 with its VPC, one carrying sg-c1 without it
 * (a group is one VPC's: still the cluster's), one of another VPC carrying sg-c1's id, one of none.
 */
function model() {
  const d = tinyVpc();
  d.SecurityGroups!.push({ GroupId: "sg-c1", VpcId: "vpc-1", IpPermissions: [], IpPermissionsEgress: [] });
  const unplaced = (id: string, ip: string, groups: string[], vpc: string | undefined, extra = {}) => ({
    ...eni(id, "subnet-x", ip, groups),
    SubnetId: undefined,
    VpcId: vpc,
    InterfaceType: "interface",
    ...extra,
  });
  d.NetworkInterfaces!.push(
    { ...eni("eni-node", "subnet-priv", "10.0.1.30", ["sg-c1"]), InterfaceType: "interface" },
    unplaced("eni-tagged", "10.0.1.31", ["sg-all"], "vpc-1", {
      Attachment: { InstanceId: "i-t", DeviceIndex: 1 },
    }),
    unplaced("eni-group", "10.0.1.32", ["sg-c1"], "vpc-1"),
    unplaced("eni-novpc", "10.0.1.33", ["sg-c1"], undefined),
    unplaced("eni-elsewhere", "10.9.1.34", ["sg-c1"], "vpc-9"),
    unplaced("eni-none", "10.0.1.35", ["sg-all"], "vpc-1"),
  );
  d.Reservations = [
    {
      Instances: [
        {
          InstanceId: "i-t",
          State: { Name: "running" },
          Tags: [{ Key: "kubernetes.io/cluster/c1", Value: "owned" }],
          NetworkInterfaces: [{ NetworkInterfaceId: "eni-tagged", Attachment: { DeviceIndex: 1 } }],
        },
      ],
    },
  ];
  d.EksClusters = [
    { name: "c1", resourcesVpcConfig: { vpcId: "vpc-1", clusterSecurityGroupId: "sg-c1", subnetIds: [] } },
  ];
  return awsModel(docsOf(d), "test");
}

describe("--cluster nodes", () => {
  it("the interfaces not audited are told the cluster's by the same tags and group as the audited ones", () => {
    const m = model();
    const { sources, unaudited } = selectSources(m, { cluster: "c1" });
    expect(sources.map((e) => e.id)).toEqual(["eni-node"]);
    expect(unaudited.map((u) => u.id)).toEqual(["eni-group", "eni-novpc", "eni-tagged"]);
    // Every one of them is listed under unknowns, once.
    for (const id of ["eni-group", "eni-novpc", "eni-tagged", "eni-elsewhere", "eni-none"])
      expect(m.unknowns.filter((u) => u.resource === id)).toHaveLength(1);
  });

  it("--vpc keeps those of its VPCs and those whose VPC is not known; no node at all is an error", () => {
    const m = model();
    expect(selectSources(m, { cluster: "c1", vpcIds: ["vpc-1"] }).unaudited.map((u) => u.id)).toEqual([
      "eni-group",
      "eni-novpc",
      "eni-tagged",
    ]);
    expect(selectSources(m, {}).unaudited.map((u) => u.id)).toEqual([
      "eni-elsewhere",
      "eni-group",
      "eni-none",
      "eni-novpc",
      "eni-tagged",
    ]);
    expect(() => selectSources(m, { cluster: "c2" })).toThrow(InputError);
  });

  it("a cluster whose only node could not be audited says so in the singular", () => {
    const m = model();
    const only = m.unplaced!.find((u) => u.id === "eni-group")!;
    const r = runAudit(m, {
      ports: parsePorts("tcp/443"),
      portsText: "tcp/443",
      dest: parseDest("internet"),
      destText: "internet",
      sources: [],
      unaudited: [only],
      scope: { cluster: "c1" },
    });
    expect(r.unknowns.find((u) => u.resource === "c1")?.message).toBe(
      "the only node of cluster c1, eni-group, could not be audited: the input tells too little of it (see its own entry)",
    );
  });
});

describe("EKS clusters of one name", () => {
  const cluster = (arn: string, vpcId: string) => ({
    name: "c1",
    arn,
    resourcesVpcConfig: { vpcId, clusterSecurityGroupId: "sg-c1", subnetIds: [] },
  });
  const withClusters = (...clusters: object[]) => {
    const d = tinyVpc();
    d.SecurityGroups!.push({ GroupId: "sg-c1", VpcId: "vpc-1", IpPermissions: [], IpPermissionsEgress: [] });
    d.NetworkInterfaces!.push({
      ...eni("eni-node", "subnet-priv", "10.0.1.30", ["sg-c1"]),
      InterfaceType: "interface",
    });
    d.EksClusters = clusters;
    return awsModel(docsOf(d), "test");
  };
  const east = "arn:aws:eks:us-east-1:111122223333:cluster/c1";
  const west = "arn:aws:eks:eu-west-1:111122223333:cluster/c1";

  it("two (two regions' snapshots in one folder): --cluster cannot tell which is meant, whichever was read last", () => {
    for (const order of [
      [cluster(east, "vpc-1"), cluster(west, "vpc-9")],
      [cluster(west, "vpc-9"), cluster(east, "vpc-1")],
    ]) {
      const m = withClusters(...order);
      expect(() => selectSources(m, { cluster: "c1" })).toThrow(InputError);
      expect(() => selectSources(m, { cluster: "c1" })).toThrow(
        `--cluster c1: the input holds 2 EKS clusters named c1 (${west}, ${east}): which one is meant cannot be told; audit a folder that holds one of them`,
      );
    }
  });

  it("one saved twice is one; with different content, an error naming both places", () => {
    expect(() =>
      selectSources(withClusters(cluster(east, "vpc-1"), cluster(east, "vpc-1")), { cluster: "c1" }),
    ).not.toThrow();
    expect(() => withClusters(cluster(east, "vpc-1"), cluster(east, "vpc-9"))).toThrow(
      /is also at .* with different content \(two versions of one resource/,
    );
  });
});
