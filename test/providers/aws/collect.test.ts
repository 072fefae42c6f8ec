// Live collection against the wire-level EC2 emulator: the real EC2Client (serialiser, paginators, XML
// parser, adaptive retries) talking to 127.0.0.1 only, always with explicit static credentials, region
// and endpoint so the SDK never looks for instance metadata.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DescribeAvailabilityZonesCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it } from "vitest";
import {
  CALLS,
  collectAws,
  TIMED_OUT_RETRIES,
  listRegions,
  type AwsCollectOptions,
  type AwsSnapshot,
} from "../../../src/providers/aws/collect.js";
import { startEc2Emulator, type Ec2Emulator, type Ec2EmulatorOptions } from "../../emulators/ec2/index.js";
import { awsModel } from "../../../src/providers/aws/index.js";
import { findEksCluster } from "../../../src/providers/aws/collect-eks.js";

const FIXTURE = fileURLToPath(new URL("../../../fixtures/aws/batfish-test-subnet/", import.meta.url));
const REGION = "us-east-2";
const CREDENTIALS = { accessKeyId: "AKIDTEST", secretAccessKey: "secret" };

const running: Ec2Emulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function emulator(opts: Ec2EmulatorOptions): Promise<Ec2Emulator> {
  const e = await startEc2Emulator(opts);
  running.push(e);
  return e;
}

function options(e: Ec2Emulator, extra: Partial<AwsCollectOptions> = {}): AwsCollectOptions {
  return { regions: [REGION], endpoint: e.endpoint, credentials: CREDENTIALS, maxAttempts: 1, ...extra };
}

function file(snapshot: AwsSnapshot, path: string): Record<string, unknown> | undefined {
  return snapshot.files.find((f) => f.path === path)?.data;
}

function items(snapshot: AwsSnapshot, key: string, region = REGION): Array<Record<string, unknown>> {
  const data = file(snapshot, `${region}/${key}.json`);
  expect(data, `${region}/${key}.json`).toBeDefined();
  return (data?.[key] ?? []) as Array<Record<string, unknown>>;
}

/**
 * The only normalisation of the round trip: a timestamp is compared as an instant. The AWS CLI
 * (Python) prints `2020-02-12 18:00:16+00:00`; EC2 sends ISO 8601 and the SDK's Date serialises as
 * `2020-02-12T18:00:16.000Z`. Every other value (numbers, booleans, empty strings, empty lists) must
 * come back exactly as the fixture holds it.
 */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, normalise(v)]));
  }
  if (
    typeof value === "string" &&
    /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)
  ) {
    return new Date(value.replace(" ", "T")).toISOString();
  }
  return value;
}

function requestsFor(e: Ec2Emulator, action: string): Array<Record<string, string>> {
  return e.requests.filter((r) => r.action === action).map((r) => r.params);
}

// A small synthetic region: paging (pageSize 2 with 7 security groups), NAT gateways, internet
// gateways, managed prefix lists with entries, and resources outside the scoped VPC.
const sg = (id: string, vpc: string, prefixList?: string): Record<string, unknown> => ({
  GroupId: id,
  GroupName: id,
  Description: `group ${id}`,
  OwnerId: "111122223333",
  VpcId: vpc,
  IpPermissions: [],
  IpPermissionsEgress: [
    prefixList
      ? {
          IpProtocol: "tcp",
          FromPort: 443,
          ToPort: 443,
          IpRanges: [],
          Ipv6Ranges: [],
          PrefixListIds: [{ PrefixListId: prefixList }],
          UserIdGroupPairs: [],
        }
      : {
          IpProtocol: "-1",
          IpRanges: [{ CidrIp: "0.0.0.0/0" }],
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [],
        },
  ],
  Tags: [{ Key: "Name", Value: `<${id}> & "friends"` }],
});

const SYNTHETIC: Record<string, unknown[]> = {
  Vpcs: [
    {
      VpcId: "vpc-a",
      CidrBlock: "10.0.0.0/16",
      State: "available",
      IsDefault: false,
      OwnerId: "111122223333",
    },
    {
      VpcId: "vpc-b",
      CidrBlock: "10.1.0.0/16",
      State: "available",
      IsDefault: false,
      OwnerId: "111122223333",
    },
  ],
  SecurityGroups: [
    sg("sg-1", "vpc-a", "pl-custom"),
    sg("sg-2", "vpc-a"),
    sg("sg-3", "vpc-a"),
    sg("sg-4", "vpc-a"),
    sg("sg-5", "vpc-a"),
    sg("sg-6", "vpc-a"),
    sg("sg-7", "vpc-a"),
    sg("sg-8", "vpc-b", "pl-other"),
  ],
  RouteTables: [
    {
      RouteTableId: "rtb-a",
      VpcId: "vpc-a",
      OwnerId: "111122223333",
      Associations: [{ Main: true, RouteTableAssociationId: "rtbassoc-a", RouteTableId: "rtb-a" }],
      PropagatingVgws: [],
      Routes: [
        {
          DestinationCidrBlock: "10.0.0.0/16",
          GatewayId: "local",
          Origin: "CreateRouteTable",
          State: "active",
        },
        { DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: "nat-1", Origin: "CreateRoute", State: "active" },
        { DestinationPrefixListId: "pl-s3", GatewayId: "vpce-s3", Origin: "CreateRoute", State: "active" },
      ],
      Tags: [],
    },
  ],
  NatGateways: [1, 2, 3].map((n) => ({
    NatGatewayId: `nat-${n}`,
    VpcId: n === 3 ? "vpc-b" : "vpc-a",
    SubnetId: `subnet-${n}`,
    State: "available",
    ConnectivityType: "public",
    CreateTime: "2024-05-01T10:00:00.000Z",
    NatGatewayAddresses: [
      {
        AllocationId: `eipalloc-${n}`,
        NetworkInterfaceId: `eni-nat-${n}`,
        PrivateIp: `10.0.${n}.10`,
        PublicIp: `203.0.113.${n}`,
        IsPrimary: true,
        Status: "succeeded",
      },
    ],
    Tags: [],
  })),
  InternetGateways: [
    {
      InternetGatewayId: "igw-a",
      OwnerId: "111122223333",
      Attachments: [{ State: "available", VpcId: "vpc-a" }],
      Tags: [],
    },
    {
      InternetGatewayId: "igw-b",
      OwnerId: "111122223333",
      Attachments: [{ State: "available", VpcId: "vpc-b" }],
      Tags: [],
    },
    { InternetGatewayId: "igw-detached", OwnerId: "111122223333", Attachments: [], Tags: [] },
  ],
  EgressOnlyInternetGateways: [
    { EgressOnlyInternetGatewayId: "eigw-a", Attachments: [{ State: "attached", VpcId: "vpc-a" }], Tags: [] },
    { EgressOnlyInternetGatewayId: "eigw-b", Attachments: [{ State: "attached", VpcId: "vpc-b" }], Tags: [] },
  ],
  ManagedPrefixLists: [
    {
      PrefixListId: "pl-custom",
      PrefixListName: "partners",
      AddressFamily: "IPv4",
      MaxEntries: 10,
      Version: 3,
      State: "create-complete",
      OwnerId: "111122223333",
      PrefixListArn: "arn:aws:ec2:us-east-2:111122223333:prefix-list/pl-custom",
      Tags: [],
      Entries: [1, 2, 3, 4, 5].map((n) => ({ Cidr: `198.51.100.${n * 8}/29`, Description: `partner ${n}` })),
    },
    {
      PrefixListId: "pl-s3",
      PrefixListName: "com.amazonaws.us-east-2.s3",
      AddressFamily: "IPv4",
      MaxEntries: 0,
      Version: 1,
      State: "create-complete",
      OwnerId: "AWS",
      PrefixListArn: "arn:aws:ec2:us-east-2:aws:prefix-list/pl-s3",
      Tags: [],
      Entries: [{ Cidr: "52.219.80.0/20" }, { Cidr: "3.5.128.0/22" }],
    },
    {
      PrefixListId: "pl-other",
      PrefixListName: "only-vpc-b",
      AddressFamily: "IPv4",
      MaxEntries: 5,
      Version: 1,
      State: "create-complete",
      OwnerId: "111122223333",
      Tags: [],
      Entries: [{ Cidr: "192.0.2.0/24" }],
    },
  ],
  PrefixLists: [
    {
      PrefixListId: "pl-s3",
      PrefixListName: "com.amazonaws.us-east-2.s3",
      Cidrs: ["52.219.80.0/20", "3.5.128.0/22"],
    },
  ],
  VpcPeeringConnections: [
    {
      VpcPeeringConnectionId: "pcx-ab",
      AccepterVpcInfo: {
        VpcId: "vpc-a",
        CidrBlock: "10.0.0.0/16",
        CidrBlockSet: [{ CidrBlock: "10.0.0.0/16" }],
        OwnerId: "111122223333",
        Region: REGION,
      },
      RequesterVpcInfo: {
        VpcId: "vpc-b",
        CidrBlock: "10.1.0.0/16",
        CidrBlockSet: [{ CidrBlock: "10.1.0.0/16" }, { CidrBlock: "100.64.0.0/16" }],
        Ipv6CidrBlockSet: [{ Ipv6CidrBlock: "2600:1f18:aa:bb00::/56" }],
        OwnerId: "111122223333",
        Region: REGION,
      },
      Status: { Code: "active", Message: "Active" },
      Tags: [],
    },
    {
      VpcPeeringConnectionId: "pcx-bc",
      AccepterVpcInfo: { VpcId: "vpc-c", OwnerId: "111122223333" },
      RequesterVpcInfo: { VpcId: "vpc-b", OwnerId: "111122223333" },
      Status: { Code: "active", Message: "Active" },
      Tags: [],
    },
  ],
  TransitGatewayAttachments: [
    {
      TransitGatewayAttachmentId: "tgw-attach-a",
      TransitGatewayId: "tgw-1",
      ResourceType: "vpc",
      ResourceId: "vpc-a",
      State: "available",
      Tags: [],
    },
    {
      TransitGatewayAttachmentId: "tgw-attach-vpn",
      TransitGatewayId: "tgw-1",
      ResourceType: "vpn",
      ResourceId: "vpn-1",
      State: "available",
      Tags: [],
    },
    {
      TransitGatewayAttachmentId: "tgw-attach-b",
      TransitGatewayId: "tgw-2",
      ResourceType: "vpc",
      ResourceId: "vpc-b",
      State: "available",
      Tags: [],
    },
  ],
  Addresses: [
    { AllocationId: "eipalloc-1", PublicIp: "203.0.113.1", Domain: "vpc", NetworkInterfaceId: "eni-nat-1" },
  ],
};

describe("collectAws against the EC2 emulator", () => {
  it("round-trips the Batfish test-subnet fixture: every collected key equals the fixture", async () => {
    const e = await emulator({ dataDir: FIXTURE });
    const snapshot = await collectAws(options(e));
    expect(snapshot.gaps).toEqual([]);

    const fixtureKeys: string[] = [];
    for (const name of readdirSync(FIXTURE).filter((f) => f.endsWith(".json"))) {
      const fixture = JSON.parse(readFileSync(join(FIXTURE, name), "utf8")) as Record<string, unknown>;
      for (const key of Object.keys(fixture)) {
        if (!CALLS.some((c) => c.key === key)) continue; // AvailabilityZones: not collected (see below)
        fixtureKeys.push(key);
        expect(normalise(file(snapshot, `${REGION}/${key}.json`)), key).toEqual(normalise(fixture));
      }
    }
    expect(fixtureKeys.sort()).toEqual(
      [
        "Addresses",
        "NetworkAcls",
        "NetworkInterfaces",
        "Reservations",
        "RouteTables",
        "SecurityGroups",
        "Subnets",
        "Vpcs",
      ].sort(),
    );
    // Every other call answered an empty list, and still wrote its file: "none" is not "unknown".
    for (const spec of CALLS) {
      if (!fixtureKeys.includes(spec.key)) expect(items(snapshot, spec.key), spec.key).toEqual([]);
    }
    // Each VPC's DNS support attribute (the emulator's default: on), asked after DescribeVpcs.
    expect(items(snapshot, "EnableDnsSupport")).toEqual(
      items(snapshot, "Vpcs").map((v) => ({ VpcId: v.VpcId, EnableDnsSupport: { Value: true } })),
    );
    // The instances' types as EC2 describes them (the emulator's catalogue: t2 is Xen-based).
    expect(items(snapshot, "InstanceTypes")).toEqual([
      { InstanceType: "t2.micro", BareMetal: false, Hypervisor: "xen" },
    ]);
    expect(snapshot.files.map((f) => f.path).sort()).toEqual(
      [...CALLS.map((c) => c.key), "EnableDnsSupport", "InstanceTypes"]
        .map((k) => `${REGION}/${k}.json`)
        .sort(),
    );
    // Plain JSON: no $metadata, no Date objects.
    for (const f of snapshot.files) expect(JSON.parse(JSON.stringify(f.data))).toStrictEqual(f.data);
    expect(JSON.stringify(snapshot.files)).not.toContain("$metadata");
  });

  it("serves any operation the SDK models (DescribeAvailabilityZones) in the shape the SDK reads back", async () => {
    const e = await emulator({ dataDir: FIXTURE });
    const client = new EC2Client({
      region: REGION,
      endpoint: e.endpoint,
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      const out = await client.send(new DescribeAvailabilityZonesCommand({}));
      const fixture = JSON.parse(readFileSync(join(FIXTURE, "AvailabilityZones.json"), "utf8")) as unknown;
      expect({ AvailabilityZones: out.AvailabilityZones }).toEqual(fixture);
    } finally {
      client.destroy();
    }
  });

  it("follows NextToken across pages and fills every page", async () => {
    const e = await emulator({ data: SYNTHETIC, pageSize: 2 });
    const snapshot = await collectAws(options(e));
    expect(snapshot.gaps).toEqual([]);

    const sgRequests = requestsFor(e, "DescribeSecurityGroups");
    expect(sgRequests).toHaveLength(4); // 8 groups, 2 per page
    expect(sgRequests[0]?.NextToken).toBeUndefined();
    expect(sgRequests.slice(1).every((p) => typeof p.NextToken === "string" && p.NextToken !== "")).toBe(
      true,
    );
    expect(items(snapshot, "SecurityGroups").map((g) => g.GroupId)).toEqual([
      "sg-1",
      "sg-2",
      "sg-3",
      "sg-4",
      "sg-5",
      "sg-6",
      "sg-7",
      "sg-8",
    ]);
    expect(items(snapshot, "SecurityGroups")).toEqual(SYNTHETIC.SecurityGroups);
    expect(items(snapshot, "NatGateways")).toEqual(SYNTHETIC.NatGateways);
    expect(requestsFor(e, "DescribeNatGateways")).toHaveLength(2);
    expect(items(snapshot, "InternetGateways")).toEqual(SYNTHETIC.InternetGateways);
    expect(items(snapshot, "PrefixLists")).toEqual(SYNTHETIC.PrefixLists);
  });

  it("stops where a last page hands back the token it was asked with, instead of asking for it forever", async () => {
    // Exclusions are paged by hand (the SDK has no paginator for them).
    const exclusions = [1, 2, 3].map((n) => ({
      ExclusionId: `vpcbpa-exclude-${n}`,
      InternetGatewayExclusionMode: "allow-egress",
      ResourceArn: `arn:aws:ec2:us-east-1:111122223333:vpc/vpc-${n}`,
      State: "create-complete",
    }));
    const e = await emulator({
      data: { ...SYNTHETIC, VpcBlockPublicAccessExclusions: exclusions },
      pageSize: 2,
      repeatLastToken: [
        "DescribeSecurityGroups",
        "DescribeNatGateways",
        "GetManagedPrefixListEntries",
        "DescribeVpcBlockPublicAccessExclusions",
      ],
    });
    const snapshot = await collectAws(options(e));
    expect(snapshot.gaps).toEqual([]);
    expect(requestsFor(e, "DescribeSecurityGroups")).toHaveLength(4);
    expect(items(snapshot, "SecurityGroups")).toEqual(SYNTHETIC.SecurityGroups);
    expect(items(snapshot, "NatGateways")).toEqual(SYNTHETIC.NatGateways);
    expect(requestsFor(e, "DescribeVpcBlockPublicAccessExclusions")).toHaveLength(2);
    expect(items(snapshot, "VpcBlockPublicAccessExclusions")).toEqual(exclusions);
  });

  it("asks the address ranges brought to AWS with MaxResults (the operation requires it), page by page", async () => {
    const ranges = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"].map((Cidr, i) => ({
      Cidr,
      State: i === 1 ? "provisioned" : "advertised",
      StatusMessage: "ok",
    }));
    const e = await emulator({ data: { ...SYNTHETIC, ByoipCidrs: ranges }, pageSize: 2 });
    const snapshot = await collectAws(options(e));
    expect(snapshot.gaps).toEqual([]);
    const asked = requestsFor(e, "DescribeByoipCidrs");
    expect(asked).toHaveLength(2);
    expect(asked.every((p) => p.MaxResults === "100")).toBe(true);
    expect(items(snapshot, "ByoipCidrs")).toEqual(ranges);
    // What was saved reads back: the provisioned range is one the internet does not route to AWS.
    const model = awsModel(
      snapshot.files.map((f) => ({ file: f.path, data: f.data })),
      "snapshot",
    );
    expect(model.unannounced.map((u) => [u.ref.resource, u.verdict])).toEqual([
      ["198.51.100.0/24", "blocked"],
    ]);
  });

  it("stores the entries of every referenced managed prefix list under the added key Entries", async () => {
    const e = await emulator({ data: SYNTHETIC, pageSize: 2 });
    const snapshot = await collectAws(options(e));
    const lists = items(snapshot, "ManagedPrefixLists");
    // Referenced by a security group rule (pl-custom, pl-other) or a route (pl-s3): all three.
    expect(lists).toEqual(SYNTHETIC.ManagedPrefixLists);
    const entryRequests = requestsFor(e, "GetManagedPrefixListEntries");
    expect(entryRequests.filter((p) => p.PrefixListId === "pl-custom")).toHaveLength(3); // 5 entries, paged
    expect(new Set(entryRequests.map((p) => p.PrefixListId))).toEqual(
      new Set(["pl-custom", "pl-s3", "pl-other"]),
    );
  });

  it("scopes to the VPCs: vpc-id filters where the API has them, the same scope applied otherwise", async () => {
    // An Elastic IP of vpc-b's NAT gateway: describe-addresses has no VPC filter.
    const other = {
      AllocationId: "eipalloc-3",
      PublicIp: "203.0.113.3",
      Domain: "vpc",
      NetworkInterfaceId: "eni-nat-3",
    };
    const e = await emulator({ data: { ...SYNTHETIC, Addresses: [...(SYNTHETIC.Addresses ?? []), other] } });
    const snapshot = await collectAws(options(e, { vpcIds: ["vpc-a"] }));
    expect(snapshot.gaps).toEqual([]);

    const filtered: Record<string, string> = {
      DescribeVpcs: "vpc-id",
      DescribeSubnets: "vpc-id",
      DescribeRouteTables: "vpc-id",
      DescribeNetworkAcls: "vpc-id",
      DescribeSecurityGroups: "vpc-id",
      DescribeNetworkInterfaces: "vpc-id",
      DescribeInternetGateways: "attachment.vpc-id",
      DescribeNatGateways: "vpc-id",
      DescribeVpcEndpoints: "vpc-id",
    };
    // Instances by the VPC they run in, and again by their interfaces' (one may be in another VPC).
    expect(
      requestsFor(e, "DescribeInstances")
        .map((p) => [p["Filter.1.Name"], p["Filter.1.Value.1"], p["Filter.1.Value.2"]])
        .sort(),
    ).toEqual([
      ["network-interface.vpc-id", "vpc-a", undefined],
      ["vpc-id", "vpc-a", undefined],
    ]);
    for (const spec of CALLS) {
      if (spec.call === "DescribeInstances") continue;
      const [first, ...rest] = requestsFor(e, spec.call);
      expect(first, spec.call).toBeDefined();
      expect(rest, spec.call).toEqual([]);
      const name = filtered[spec.call];
      if (name) {
        expect(first, spec.call).toMatchObject({ "Filter.1.Name": name, "Filter.1.Value.1": "vpc-a" });
        expect(first?.["Filter.1.Value.2"], spec.call).toBeUndefined();
      } else {
        expect(
          Object.keys(first ?? {}).filter((k) => k.startsWith("Filter")),
          spec.call,
        ).toEqual([]);
      }
    }

    expect(items(snapshot, "Vpcs").map((v) => v.VpcId)).toEqual(["vpc-a"]);
    expect(items(snapshot, "SecurityGroups").map((g) => g.GroupId)).toEqual([
      "sg-1",
      "sg-2",
      "sg-3",
      "sg-4",
      "sg-5",
      "sg-6",
      "sg-7",
    ]);
    expect(items(snapshot, "NatGateways").map((g) => g.NatGatewayId)).toEqual(["nat-1", "nat-2"]);
    expect(items(snapshot, "InternetGateways").map((g) => g.InternetGatewayId)).toEqual(["igw-a"]);
    // No VPC filter in these APIs: the scope is applied to the answer.
    expect(items(snapshot, "EgressOnlyInternetGateways").map((g) => g.EgressOnlyInternetGatewayId)).toEqual([
      "eigw-a",
    ]);
    expect(items(snapshot, "VpcPeeringConnections").map((c) => c.VpcPeeringConnectionId)).toEqual(["pcx-ab"]);
    // The peer's blocks, which decide what a route to the connection delivers, come through the SDK whole.
    const { RequesterVpcInfo, AccepterVpcInfo } = SYNTHETIC.VpcPeeringConnections![0] as Record<
      string,
      object
    >;
    expect(items(snapshot, "VpcPeeringConnections")[0]).toMatchObject({ RequesterVpcInfo, AccepterVpcInfo });
    expect(items(snapshot, "TransitGatewayAttachments").map((a) => a.TransitGatewayAttachmentId)).toEqual([
      "tgw-attach-a",
      "tgw-attach-vpn",
    ]);
    // Only the Elastic IPs of the interfaces collected (here vpc-a's NAT gateway's).
    expect(items(snapshot, "Addresses")).toEqual(SYNTHETIC.Addresses);
    // Entries only for the lists that the collected rules and routes reference.
    const lists = items(snapshot, "ManagedPrefixLists");
    expect(lists.map((l) => [l.PrefixListId, Array.isArray(l.Entries)])).toEqual([
      ["pl-custom", true],
      ["pl-s3", true],
      ["pl-other", false],
    ]);
    expect(
      requestsFor(e, "GetManagedPrefixListEntries")
        .map((p) => p.PrefixListId)
        .sort(),
    ).toEqual(["pl-custom", "pl-s3"]);
  });

  it("scopes with the vpc-id filter, not VpcIds, so VPCs of other regions do not fail DescribeVpcs", async () => {
    const e = await emulator({ data: SYNTHETIC });
    // vpc-elsewhere lives in another region: with VpcIds EC2 would answer InvalidVpcID.NotFound.
    const snapshot = await collectAws(options(e, { vpcIds: ["vpc-a", "vpc-elsewhere"] }));
    expect(snapshot.gaps).toEqual([]);
    expect(items(snapshot, "Vpcs").map((v) => v.VpcId)).toEqual(["vpc-a"]);
    expect(requestsFor(e, "DescribeVpcs")[0]).toMatchObject({
      "Filter.1.Name": "vpc-id",
      "Filter.1.Value.1": "vpc-a",
      "Filter.1.Value.2": "vpc-elsewhere",
    });
    const client = new EC2Client({
      region: REGION,
      endpoint: e.endpoint,
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    try {
      await expect(
        client.send(new DescribeVpcsCommand({ VpcIds: ["vpc-a", "vpc-elsewhere"] })),
      ).rejects.toMatchObject({
        name: "InvalidVpcID.NotFound",
      });
    } finally {
      client.destroy();
    }
  });

  it("lets the SDK retry RequestLimitExceeded (adaptive retry mode)", async () => {
    const e = await emulator({ data: SYNTHETIC, throttle: { firstN: 2 } });
    const started = Date.now();
    const snapshot = await collectAws(options(e, { concurrency: 1, maxAttempts: 3 }));
    expect(snapshot.gaps).toEqual([]);
    // Concurrency 1: the first call (DescribeVpcs) took both throttled answers and succeeded on its third attempt.
    expect(requestsFor(e, "DescribeVpcs")).toHaveLength(3);
    expect(items(snapshot, "Vpcs")).toEqual(SYNTHETIC.Vpcs);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("records a gap, never an abort, when the SDK's retries are exhausted", async () => {
    // A server error, not throttling: adaptive mode would slow every following call after a throttle.
    const e = await emulator({
      data: SYNTHETIC,
      fail: {
        DescribeSubnets: { status: 500, code: "InternalError", message: "An internal error has occurred" },
      },
    });
    const snapshot = await collectAws(options(e, { maxAttempts: 2 }));
    expect(requestsFor(e, "DescribeSubnets")).toHaveLength(2); // retried once by the SDK
    expect(snapshot.gaps).toEqual([
      {
        region: REGION,
        call: "DescribeSubnets",
        action: "ec2:DescribeSubnets",
        key: "Subnets",
        code: "InternalError",
        message: "An internal error has occurred",
      },
    ]);
    expect(items(snapshot, "Vpcs")).toEqual(SYNTHETIC.Vpcs);
  });

  it("records a gap, and the gaps file, when a call is not authorized; the rest is collected", async () => {
    const e = await emulator({ dataDir: FIXTURE, deny: ["DescribeNetworkAcls"] });
    const snapshot = await collectAws(options(e));
    expect(snapshot.gaps).toEqual([
      {
        region: REGION,
        call: "DescribeNetworkAcls",
        action: "ec2:DescribeNetworkAcls",
        key: "NetworkAcls",
        code: "UnauthorizedOperation",
        message: "You are not authorized to perform this operation.",
      },
    ]);
    expect(file(snapshot, `${REGION}/EgressAuditCollectionGaps.json`)).toEqual({
      EgressAuditCollectionGaps: snapshot.gaps,
    });
    expect(file(snapshot, `${REGION}/NetworkAcls.json`)).toBeUndefined();
    expect(items(snapshot, "SecurityGroups")).toHaveLength(3);
    // A file per call but NetworkAcls, the VPCs' DNS support attributes, the instance types, and the
    // gaps file.
    expect(snapshot.files).toHaveLength(CALLS.length + 2);
  });

  it("asks each VPC's DNS support attribute; a denied one is a gap naming the VPC, and its resolver unknown", async () => {
    const off = { VpcId: "vpc-a", EnableDnsSupport: { Value: false } };
    const e = await emulator({ data: { ...SYNTHETIC, EnableDnsSupport: [off] } });
    const snapshot = await collectAws(options(e, { vpcIds: ["vpc-a"] }));
    expect(requestsFor(e, "DescribeVpcAttribute")).toMatchObject([
      { VpcId: "vpc-a", Attribute: "enableDnsSupport" },
    ]);
    expect(items(snapshot, "EnableDnsSupport")).toEqual([off]);
    const dns = (s: typeof snapshot) =>
      awsModel(
        s.files.map((f) => ({ file: f.path, data: f.data })),
        "live",
      ).networks.get("vpc-a")!.services![0]!.off;
    expect(dns(snapshot)).toMatchObject({ verdict: "blocked", ref: { rule: "enableDnsSupport" } });

    const denied = await emulator({ data: SYNTHETIC, deny: ["DescribeVpcAttribute"] });
    const partial = await collectAws(options(denied, { vpcIds: ["vpc-a"] }));
    expect(partial.gaps).toMatchObject([
      { call: "DescribeVpcAttribute", action: "ec2:DescribeVpcAttribute", key: "EnableDnsSupport" },
    ]);
    expect(partial.gaps[0]!.message).toMatch(/^vpc-a: /);
    expect(dns(partial)).toMatchObject({ verdict: "unknown" });
  });

  it("asks the collected instances' types, 100 a call; a denied call is a gap naming them", async () => {
    // 205 instances of 205 types (one Xen-based), listed in no particular order.
    const names = Array.from({ length: 204 }, (_, n) => `z${n}.large`)
      .concat("t2.micro")
      .reverse();
    const reservations = [
      {
        ReservationId: "r-1",
        Instances: names.map((InstanceType, n) => ({
          InstanceId: `i-${n}`,
          InstanceType,
          VpcId: "vpc-a",
          SubnetId: "subnet-a1",
          State: { Name: "running" },
        })),
      },
    ];
    const e = await emulator({ data: { ...SYNTHETIC, Reservations: reservations } });
    const snapshot = await collectAws(options(e, { vpcIds: ["vpc-a"] }));
    expect(snapshot.gaps).toEqual([]);
    const asked = requestsFor(e, "DescribeInstanceTypes").map((p) =>
      Object.keys(p)
        .filter((k) => k.startsWith("InstanceType."))
        .map((k) => p[k]),
    );
    const sorted = [...names].sort();
    expect(asked.map((a) => a.length).sort()).toEqual([100, 100, 5]);
    expect(asked.flat().sort()).toEqual(sorted);
    const types = items(snapshot, "InstanceTypes");
    expect(types.map((t) => t.InstanceType)).toEqual(sorted);
    expect(types.find((t) => t.InstanceType === "t2.micro")).toMatchObject({ Hypervisor: "xen" });

    const denied = await emulator({
      data: { ...SYNTHETIC, Reservations: reservations },
      deny: ["DescribeInstanceTypes"],
    });
    const partial = await collectAws(options(denied, { vpcIds: ["vpc-a"] }));
    expect(partial.gaps).toHaveLength(3);
    expect(partial.gaps).toMatchObject(
      Array(3).fill({
        call: "DescribeInstanceTypes",
        action: "ec2:DescribeInstanceTypes",
        key: "InstanceTypes",
      }),
    );
    expect(partial.gaps.map((g) => g.message).join(" ")).toContain("t2.micro");
    expect(items(partial, "InstanceTypes")).toEqual([]);
  });

  it("writes a snapshot that, served back, collects to the same files", async () => {
    const first = await emulator({ data: SYNTHETIC, pageSize: 3 });
    const regions = [REGION, "eu-west-1"];
    const progress: Array<{ region: string; done: number; total: number }> = [];
    const snapshot = await collectAws(
      options(first, {
        regions,
        onProgress: ({ region, done, total }) => progress.push({ region, done, total }),
      }),
    );
    expect(snapshot.gaps).toEqual([]);
    for (const region of regions) {
      const events = progress.filter((p) => p.region === region);
      expect(events.map((p) => p.done)).toEqual(events.map((_, i) => i + 1));
      expect(events.at(-1)?.done).toBe(events.at(-1)?.total);
      // The calls, entries of the 3 referenced prefix lists, and the 2 VPCs' DNS support attributes.
      expect(events.at(-1)?.total).toBe(CALLS.length + 3 + 2);
    }

    const dir = mkdtempSync(join(tmpdir(), "egress-audit-snapshot-"));
    try {
      for (const f of snapshot.files.filter((f) => f.path.startsWith(`${REGION}/`))) {
        mkdirSync(dirname(join(dir, f.path)), { recursive: true });
        writeFileSync(join(dir, f.path), JSON.stringify(f.data, null, 2));
      }
      const second = await emulator({ dataDir: dir, pageSize: 2 });
      const again = await collectAws(options(second));
      expect(again.files).toEqual(snapshot.files.filter((f) => f.path.startsWith(`${REGION}/`)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("throws one line when no call could get credentials", async () => {
    const e = await emulator({ data: SYNTHETIC });
    const credentials = (): Promise<never> =>
      Promise.reject(
        Object.assign(new Error("Could not load credentials from any providers"), {
          name: "CredentialsProviderError",
        }),
      );
    await expect(collectAws(options(e, { credentials }))).rejects.toThrow(
      /^AWS credentials not found: Could not load credentials from any providers$/,
    );
    expect(e.requests).toEqual([]);
  });

  it("--cluster without credentials says so as the EC2 calls do, not as a refusal of eks:DescribeCluster", async () => {
    const credentials = (): Promise<never> =>
      Promise.reject(
        Object.assign(new Error("Could not load credentials from any providers"), {
          name: "CredentialsProviderError",
        }),
      );
    // (No request is made: the SDK asks for credentials before it signs one.)
    await expect(
      findEksCluster({ name: "my-eks", regions: ["eu-west-1", "us-east-1"], credentials }),
    ).rejects.toThrow(/^AWS credentials not found: Could not load credentials from any providers$/);
  });

  it("throws one line when EC2 cannot be reached in any region", async () => {
    const e = await startEc2Emulator({});
    const endpoint = e.endpoint;
    await e.close(); // nothing listens on this 127.0.0.1 port any more
    await expect(
      collectAws({ regions: [REGION], endpoint, credentials: CREDENTIALS, maxAttempts: 1 }),
    ).rejects.toThrow(/^cannot reach EC2 in us-east-2: ECONNREFUSED/);
  });

  it("retries an attempt that gets no answer once, not up to maxAttempts, then records a gap; the rest is collected", async () => {
    const e = await emulator({ data: SYNTHETIC, hang: ["DescribeSubnets"] });
    const snapshot = await collectAws(options(e, { maxAttempts: 8, requestTimeoutMs: 200, concurrency: 1 }));
    expect(requestsFor(e, "DescribeSubnets")).toHaveLength(TIMED_OUT_RETRIES + 1);
    expect(snapshot.gaps.map((g) => [g.call, g.code])).toEqual([["DescribeSubnets", "NoAnswer"]]);
    expect(snapshot.gaps[0]?.message).toMatch(/^2 attempts got no answer in time/);
    expect(items(snapshot, "Vpcs")).toEqual(SYNTHETIC.Vpcs);
  });

  it("does not give up on a region whose other calls are being answered while one call gets no answer", async () => {
    // DescribeVpcs never answers; DescribeSubnets, asked at the same time, is answered "slow down" four
    // times (each an answer), still retrying when DescribeVpcs gives up (2 x 200 ms): the region is
    // answering, so the calls after them are asked.
    const e = await emulator({ data: SYNTHETIC, hang: ["DescribeVpcs"], throttle: { firstN: 4 } });
    const snapshot = await collectAws(options(e, { maxAttempts: 8, requestTimeoutMs: 200, concurrency: 2 }));
    expect(snapshot.gaps.map((g) => [g.call, g.code])).toEqual([["DescribeVpcs", "NoAnswer"]]);
    expect(items(snapshot, "SecurityGroups")).toEqual(SYNTHETIC.SecurityGroups);
    expect(items(snapshot, "RouteTables")).toEqual(SYNTHETIC.RouteTables);
  });

  it("gives up on an endpoint that accepts connections and never answers: after its first call's two attempts, nothing more is asked", async () => {
    const asked: string[] = [];
    const silent = createHttpServer((req) => {
      let body = "";
      req.on("data", (b: Buffer) => (body += b.toString()));
      req.on("end", () => asked.push(new URLSearchParams(body).get("Action") ?? ""));
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      await expect(
        collectAws({
          regions: [REGION],
          endpoint,
          credentials: CREDENTIALS,
          maxAttempts: 8,
          requestTimeoutMs: 200,
          concurrency: 1,
        }),
      ).rejects.toThrow(/^cannot reach EC2 in us-east-2: NoAnswer: 2 attempts got no answer in time/);
      expect(asked).toEqual(["DescribeVpcs", "DescribeVpcs"]);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it("throws one line when every call rejects the credentials (AuthFailure)", async () => {
    const e = await emulator({ data: SYNTHETIC, rejectCredentials: true });
    await expect(collectAws(options(e, { regions: [REGION, "eu-west-1"] }))).rejects.toThrow(
      /^AWS credentials rejected by EC2 in us-east-2: AuthFailure: AWS was not able to validate the provided access credentials$/,
    );
  });

  it("does not abort when every call is unauthorized: a report of gaps", async () => {
    const e = await emulator({ deny: CALLS.map((c) => c.call) });
    const snapshot = await collectAws(options(e));
    expect(snapshot.gaps.map((g) => g.call)).toEqual(CALLS.map((c) => c.call));
    expect(
      snapshot.gaps.every((g) => g.code === "UnauthorizedOperation" && g.action === `ec2:${g.call}`),
    ).toBe(true);
    expect(snapshot.files.map((f) => f.path)).toEqual([`${REGION}/EgressAuditCollectionGaps.json`]);
  });
});

describe("listRegions", () => {
  it("lists the enabled regions, sorted", async () => {
    const e = await emulator({
      data: {
        Regions: [
          {
            RegionName: "us-east-2",
            Endpoint: "ec2.us-east-2.amazonaws.com",
            OptInStatus: "opt-in-not-required",
          },
          {
            RegionName: "eu-west-1",
            Endpoint: "ec2.eu-west-1.amazonaws.com",
            OptInStatus: "opt-in-not-required",
          },
        ],
      },
    });
    const regions = await listRegions({
      region: REGION,
      endpoint: e.endpoint,
      credentials: CREDENTIALS,
      maxAttempts: 1,
    });
    expect(regions).toEqual(["eu-west-1", "us-east-2"]);
    expect(requestsFor(e, "DescribeRegions")).toHaveLength(1);
  });

  it("explains a refusal in one line", async () => {
    const e = await emulator({ deny: ["DescribeRegions"] });
    await expect(
      listRegions({ region: REGION, endpoint: e.endpoint, credentials: CREDENTIALS, maxAttempts: 1 }),
    ).rejects.toThrow(
      /^cannot list AWS regions \(ec2:DescribeRegions in us-east-2\): UnauthorizedOperation: /,
    );
  });
});
