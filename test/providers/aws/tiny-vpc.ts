// A tiny VPC in describe-* shape for converter and engine tests: one VPC 10.0.0.0/16 with a public
// subnet (10.0.0.0/24, IGW, NAT gateway) and a private one (10.0.1.0/24, default route to the NAT).
// Tests override pieces to make the case they need.
import type { SourceDocument } from "../../../src/model/document.js";

export type Docs = Record<string, unknown[]>;

const allowAll = (n: number, egress: boolean) => ({
  CidrBlock: "0.0.0.0/0",
  Egress: egress,
  Protocol: "-1",
  RuleAction: "allow",
  RuleNumber: n,
});
export const star = [
  { CidrBlock: "0.0.0.0/0", Egress: true, Protocol: "-1", RuleAction: "deny", RuleNumber: 32767 },
  { CidrBlock: "0.0.0.0/0", Egress: false, Protocol: "-1", RuleAction: "deny", RuleNumber: 32767 },
];

export function tinyVpc(): Docs {
  return {
    Vpcs: [{ VpcId: "vpc-1", CidrBlock: "10.0.0.0/16" }],
    Subnets: [
      { SubnetId: "subnet-pub", VpcId: "vpc-1", CidrBlock: "10.0.0.0/24" },
      { SubnetId: "subnet-priv", VpcId: "vpc-1", CidrBlock: "10.0.1.0/24" },
    ],
    RouteTables: [
      {
        RouteTableId: "rtb-main",
        VpcId: "vpc-1",
        Associations: [{ Main: true }],
        Routes: [{ DestinationCidrBlock: "10.0.0.0/16", GatewayId: "local", State: "active" }],
      },
      {
        RouteTableId: "rtb-pub",
        VpcId: "vpc-1",
        Associations: [{ SubnetId: "subnet-pub" }],
        Routes: [
          { DestinationCidrBlock: "10.0.0.0/16", GatewayId: "local", State: "active" },
          { DestinationCidrBlock: "0.0.0.0/0", GatewayId: "igw-1", State: "active" },
        ],
      },
      {
        RouteTableId: "rtb-priv",
        VpcId: "vpc-1",
        Associations: [{ SubnetId: "subnet-priv" }],
        Routes: [
          { DestinationCidrBlock: "10.0.0.0/16", GatewayId: "local", State: "active" },
          { DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: "nat-1", State: "active" },
        ],
      },
    ],
    NetworkAcls: [
      {
        NetworkAclId: "acl-default",
        VpcId: "vpc-1",
        IsDefault: true,
        Associations: [{ SubnetId: "subnet-pub" }],
        Entries: [allowAll(100, true), allowAll(100, false), ...star],
      },
      {
        NetworkAclId: "acl-priv",
        VpcId: "vpc-1",
        IsDefault: false,
        Associations: [{ SubnetId: "subnet-priv" }],
        Entries: [allowAll(100, true), allowAll(100, false), ...star],
      },
    ],
    SecurityGroups: [
      {
        GroupId: "sg-all",
        GroupName: "all-out",
        VpcId: "vpc-1",
        IpPermissions: [],
        IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
      },
    ],
    NetworkInterfaces: [
      {
        NetworkInterfaceId: "eni-app",
        SubnetId: "subnet-priv",
        VpcId: "vpc-1",
        PrivateIpAddress: "10.0.1.10",
        PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: "10.0.1.10" }],
        Groups: [{ GroupId: "sg-all" }],
        InterfaceType: "interface",
        Attachment: { InstanceId: "i-app", DeviceIndex: 0 },
      },
      {
        NetworkInterfaceId: "eni-web",
        SubnetId: "subnet-pub",
        VpcId: "vpc-1",
        PrivateIpAddress: "10.0.0.10",
        PrivateIpAddresses: [
          { Primary: true, PrivateIpAddress: "10.0.0.10", Association: { PublicIp: "198.51.100.10" } },
        ],
        Association: { PublicIp: "198.51.100.10" },
        Groups: [{ GroupId: "sg-all" }],
        InterfaceType: "interface",
      },
    ],
    InternetGateways: [{ InternetGatewayId: "igw-1", Attachments: [{ VpcId: "vpc-1", State: "available" }] }],
    NatGateways: [
      {
        NatGatewayId: "nat-1",
        SubnetId: "subnet-pub",
        VpcId: "vpc-1",
        State: "available",
        ConnectivityType: "public",
        NatGatewayAddresses: [{ PrivateIp: "10.0.0.200", PublicIp: "198.51.100.200", IsPrimary: true }],
      },
    ],
  };
}

/**
 * The tiny VPC with eni-app's instance, i-app (running), in describe-instances, with `fields` added to
 * it (its MetadataOptions, InstanceType ...).
 */
export function tinyVpcWithInstance(fields: object = {}): Docs {
  const d = tinyVpc();
  d.Reservations = [
    {
      Instances: [
        {
          InstanceId: "i-app",
          State: { Name: "running" },
          SubnetId: "subnet-priv",
          VpcId: "vpc-1",
          ...fields,
          NetworkInterfaces: [{ NetworkInterfaceId: "eni-app", Attachment: { DeviceIndex: 0 } }],
        },
      ],
    },
  ];
  return d;
}

/** An interface of the tiny VPC in describe-network-interfaces shape, with its groups and public IP. */
export function eni(id: string, subnetId: string, ip: string, groupIds: string[], publicIp?: string): object {
  return {
    NetworkInterfaceId: id,
    SubnetId: subnetId,
    VpcId: "vpc-1",
    PrivateIpAddress: ip,
    PrivateIpAddresses: [
      { Primary: true, PrivateIpAddress: ip, ...(publicIp ? { Association: { PublicIp: publicIp } } : {}) },
    ],
    Groups: groupIds.map((GroupId) => ({ GroupId })),
  };
}

export function docsOf(d: Docs): SourceDocument[] {
  return Object.entries(d).map(([k, v]) => ({ file: `${k}.json`, data: { [k]: v } }));
}

/** The warnings that an optional input the tiny VPC leaves out is read as AWS's default (see NOT_SAVED). */
export const NOT_SAVED = ["vpc-block-public-access", "enableDnsSupport", "Addresses"];

/**
 * A model's (or an audit's) warnings but those that the tiny VPC leaves out its Block Public Access
 * setting, its DNS support attribute and describe-addresses (with describe-byoip-cidrs).
 */
export function ownWarnings<T extends { resource: string }>(m: { warnings: T[] }): T[] {
  return m.warnings.filter((w) => !NOT_SAVED.includes(w.resource));
}

/** The private subnet's route table's routes (rtb-priv), for a test to add to. */
export function privateRoutes(d: Docs): object[] {
  return (d.RouteTables![2] as { Routes: object[] }).Routes;
}

/** The public subnet's route table's routes (rtb-pub, where the NAT gateway and eni-web are). */
export function publicRoutes(d: Docs): object[] {
  return (d.RouteTables![1] as { Routes: object[] }).Routes;
}

/** Replaces one NACL's entries (keeping the `*` rules). */
export function setAcl(d: Docs, aclId: string, entries: object[]): void {
  const acl = (d.NetworkAcls as { NetworkAclId: string; Entries: object[] }[]).find(
    (a) => a.NetworkAclId === aclId,
  )!;
  acl.Entries = [...entries, ...star];
}

/** What the collector saves for a describe call that was denied (in us-east-1 unless `region`). */
export function deniedGap(call: string, key: string, region = "us-east-1"): object {
  return {
    region,
    call,
    action: `ec2:${call}`,
    key,
    code: "UnauthorizedOperation",
    message: "You are not authorized",
  };
}
