// Random small VPCs as `aws ec2 describe-*` prints them, for the end-to-end differential test
// (raw-differential.test.ts): one VPC 10.0.0.0/16 (often dual-stack) with 2-4 subnets, security groups,
// network ACLs, route tables, internet and egress-only gateways, NAT gateways (NAT64 too), interfaces
// and instances, each drawn from small pools so that rules, routes and destinations overlap often.
// Every referenced resource is present; now and then a port spelling AWS does not print (the product
// leaves what such a rule decides unknown).
import type { Rand } from "../../graph/random-network.js";

export interface RawRange {
  CidrIp: string;
  Description?: string;
}
export interface RawPerm {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges: RawRange[];
  Ipv6Ranges: { CidrIpv6: string }[];
  PrefixListIds: { PrefixListId: string }[];
  UserIdGroupPairs: { GroupId: string; UserId: string; VpcPeeringConnectionId?: string }[];
}
export interface RawGroup {
  GroupId: string;
  GroupName: string;
  VpcId: string;
  IpPermissions: RawPerm[];
  IpPermissionsEgress: RawPerm[];
}
export interface RawEntry {
  RuleNumber: number;
  Protocol: string;
  RuleAction: "allow" | "deny";
  Egress: boolean;
  CidrBlock?: string;
  Ipv6CidrBlock?: string;
  PortRange?: { From?: number; To: number };
  IcmpTypeCode?: { Type: number; Code: number };
}
export interface RawAcl {
  NetworkAclId: string;
  VpcId: string;
  IsDefault: boolean;
  Entries: RawEntry[];
  Associations: { NetworkAclAssociationId: string; NetworkAclId: string; SubnetId: string }[];
}
export interface RawRoute {
  DestinationCidrBlock?: string;
  DestinationIpv6CidrBlock?: string;
  DestinationPrefixListId?: string;
  GatewayId?: string;
  EgressOnlyInternetGatewayId?: string;
  NatGatewayId?: string;
  VpcPeeringConnectionId?: string;
  TransitGatewayId?: string;
  NetworkInterfaceId?: string;
  InstanceId?: string;
  LocalGatewayId?: string;
  CarrierGatewayId?: string;
  CoreNetworkArn?: string;
  /** A target kind newer than the product (AWS adds them): an exit, never a blackhole. */
  FutureGatewayId?: string;
  Origin: string;
  State: "active" | "blackhole";
}
export interface RawTable {
  RouteTableId: string;
  VpcId: string;
  Routes: RawRoute[];
  Associations: {
    RouteTableAssociationId: string;
    RouteTableId: string;
    Main: boolean;
    SubnetId?: string;
    /** An edge association: the table routes what comes in through this gateway. */
    GatewayId?: string;
    AssociationState?: { State: string };
  }[];
}
export interface RawNat {
  NatGatewayId: string;
  SubnetId: string;
  VpcId: string;
  State: string;
  ConnectivityType: "public" | "private";
  NatGatewayAddresses: {
    PrivateIp: string;
    PublicIp?: string;
    NetworkInterfaceId: string;
    IsPrimary: boolean;
  }[];
}
/** An address's public IP; IpOwnerId "amazon" for one AWS assigned, an account for an Elastic IP. */
interface PublicAssociation {
  PublicIp: string;
  IpOwnerId?: string;
  AllocationId?: string;
}

export interface RawEni {
  NetworkInterfaceId: string;
  SubnetId: string;
  VpcId: string;
  InterfaceType: string;
  Status: string;
  PrivateIpAddress: string;
  PrivateIpAddresses: { Primary: boolean; PrivateIpAddress: string; Association?: PublicAssociation }[];
  Association?: PublicAssociation;
  Ipv6Addresses?: { Ipv6Address: string }[];
  /** Prefix delegation: blocks the interface owns (EKS puts pods' addresses in them). */
  Ipv4Prefixes?: { Ipv4Prefix: string }[];
  Ipv6Prefixes?: { Ipv6Prefix: string }[];
  Groups: { GroupId: string; GroupName: string }[];
  Description?: string;
  /** On (true) unless turned off, as for an appliance; absent in a trimmed dump. */
  SourceDestCheck?: boolean;
  /** describe-network-interfaces names the instance an interface is attached to. */
  Attachment?: { InstanceId?: string; DeviceIndex: number };
  /** Who created it, for an interface an AWS service manages (requester-managed). */
  RequesterId?: string;
  /** The VPC CNI tags the interfaces it creates for a node's pods with the cluster's name. */
  TagSet?: Tag[];
}

export interface Tag {
  Key: string;
  Value: string;
}

export interface RawInstance {
  InstanceId: string;
  /** Absent now and then (see oddInstanceStates). */
  State?: { Name: string };
  SubnetId: string;
  VpcId: string;
  PrivateIpAddress: string;
  PublicIpAddress?: string;
  Platform?: "windows";
  /** Its primary interface's. */
  SourceDestCheck?: boolean;
  /**
   * Absent or empty now and then (a trimmed dump, a --query that left them out): the instance takes
   * the interfaces describe-network-interfaces attaches to it (bareInstances).
   */
  NetworkInterfaces?: (Omit<RawEni, "InterfaceType" | "Attachment"> & {
    Attachment: { DeviceIndex: number };
  })[];
  MetadataOptions?: { State?: string; HttpEndpoint?: string; HttpProtocolIpv6?: string };
  InstanceType?: string;
  /** A Kubernetes node's name its cluster (eks:cluster-name, kubernetes.io/cluster/NAME ...). */
  Tags?: Tag[];
}

/** One side of a VPC peering connection's listing (VpcPeeringConnectionVpcInfo). */
export interface PeeringSide {
  VpcId?: string;
  CidrBlock?: string;
  CidrBlockSet?: { CidrBlock: string }[];
  Ipv6CidrBlockSet?: { Ipv6CidrBlock: string }[];
}

export interface RawPeering {
  VpcPeeringConnectionId: string;
  RequesterVpcInfo?: PeeringSide;
  AccepterVpcInfo?: PeeringSide;
  Status?: { Code: string };
}

/** One region's describe-* output, by top-level key. */
type V6Blocks = {
  Ipv6CidrBlock: string;
  Ipv6CidrBlockState: { State: string };
  Ipv6AddressAttribute?: string;
  Ipv6Pool?: string;
}[];

export interface AwsDump {
  Vpcs: {
    VpcId: string;
    /** The owning account (absent: hand-made dumps). */
    OwnerId?: string;
    CidrBlock: string;
    CidrBlockAssociationSet?: { CidrBlock: string; CidrBlockState: { State: string } }[];
    Ipv6CidrBlockAssociationSet?: V6Blocks;
  }[];
  Subnets: {
    SubnetId: string;
    VpcId: string;
    CidrBlock: string;
    Ipv6CidrBlockAssociationSet?: V6Blocks;
    AvailabilityZone?: string;
  }[];
  SecurityGroups: RawGroup[];
  NetworkAcls: RawAcl[];
  RouteTables: RawTable[];
  InternetGateways: { InternetGatewayId: string; Attachments: { VpcId: string; State?: string }[] }[];
  EgressOnlyInternetGateways: {
    EgressOnlyInternetGatewayId: string;
    Attachments: { VpcId: string; State?: string }[];
  }[];
  NatGateways: RawNat[];
  /** AWS-managed service lists (describe-prefix-lists) and customer lists with their entries. */
  PrefixLists: { PrefixListId: string; PrefixListName: string; Cidrs: string[] }[];
  ManagedPrefixLists: {
    PrefixListId: string;
    PrefixListName: string;
    /** "AWS" for AWS-managed lists, else the owning account (absent: older dumps, hand-made ones). */
    OwnerId?: string;
    /** create-complete, modify-in-progress, ... (absent: a hand-made file, read as settled). */
    State?: string;
    Entries: { Cidr: string }[];
  }[];
  /** describe-vpc-block-public-access-options prints one object: written as such (see docsOf). */
  VpcBlockPublicAccessOptions: {
    /** Whose setting it is (absent: output from before the field): it governs that account's VPCs. */
    AwsAccountId?: string;
    AwsRegion: string;
    /** default-state, update-in-progress or update-complete (absent: not saved). */
    State?: string;
    InternetGatewayBlockMode: string;
    ExclusionsAllowed: string;
  }[];
  VpcBlockPublicAccessExclusions: {
    ExclusionId: string;
    InternetGatewayExclusionMode: string;
    ResourceArn: string;
    State: string;
  }[];
  VpcEndpoints: {
    VpcEndpointId: string;
    VpcEndpointType: string;
    State?: string;
    ServiceName: string;
    VpcId: string;
    NetworkInterfaceIds?: string[];
  }[];
  NetworkInterfaces: RawEni[];
  Reservations: { ReservationId: string; Instances: RawInstance[] }[];
  /**
   * describe-vpc-peering-connections (absent: not saved). pcx-1 (which the routes use) peers the VPC
   * with vpc-peer, whose blocks the listing may or may not give.
   */
  VpcPeeringConnections?: RawPeering[];
  /** describe-vpc-attribute --attribute enableDnsSupport prints one object: written as such (see docsOf). */
  EnableDnsSupport: { VpcId: string; EnableDnsSupport: { Value: boolean } }[];
  /** describe-instance-types: Hypervisor nitro or xen, none for bare metal. */
  InstanceTypes: { InstanceType: string; Hypervisor?: string; BareMetal: boolean }[];
  Addresses: {
    PublicIp: string;
    AllocationId: string;
    NetworkInterfaceId: string;
    PrivateIpAddress: string;
    PublicIpv4Pool?: string;
  }[];
  /** describe-byoip-cidrs, when saved. */
  ByoipCidrs?: { Cidr: string; State: string }[];
}

export const VPC_ID = "vpc-1";
export const VPC_CIDR = "10.0.0.0/16";
/** A secondary IPv4 block (EKS custom networking puts pods in one like it). */
const VPC_SECONDARY = "100.65.0.0/16";
const VPC_V6 = "2600:1f18:1:a00::/56";
/** Subnet i's IPv6 block, and an address in it. */
const v6Block = (i: number): string => `2600:1f18:1:a0${i}::/64`;
const v6In = (i: number, host: string): string => `2600:1f18:1:a0${i}::${host}`;

/** Destinations outside the VPC: public ones, and private or special ones an internet gateway drops. */
export const OUTSIDE = [
  "8.8.8.8",
  "8.8.4.4",
  "1.1.1.1",
  "52.1.2.3",
  "9.9.9.9",
  "52.217.10.1", // in the S3 prefix list
  "192.168.1.1",
  "100.64.0.1",
  "2001:4860:4860::8888",
  "2606:4700::1111",
  "fd00::1", // unique local: not the internet
  "64:ff9b::808:808", // 8.8.8.8 through NAT64
  "64:ff9b::c0a8:101", // 192.168.1.1 through NAT64
];
/**
 * describe-vpc-peering-connections, now and then not saved or not listing pcx-1: pcx-1 between the VPC
 * (either side) and vpc-peer, whose blocks (some public, holding destinations above) the listing gives
 * in its fields, or not at all; once in a while listed twice (a cross-region connection is in both
 * regions' output).
 */
function peeringsOf(r: Rand): Pick<AwsDump, "VpcPeeringConnections"> {
  if (chance(r, 20)) return {};
  if (chance(r, 10)) return { VpcPeeringConnections: [] };
  const peer = (): PeeringSide => {
    const side: PeeringSide = { VpcId: "vpc-peer" };
    if (chance(r, 10)) return side;
    const blocks = [pick(r, ["192.168.0.0/16", "8.8.8.0/24", "10.1.0.0/16", "52.0.0.0/8"])];
    if (chance(r, 40)) blocks.push(pick(r, ["1.1.1.0/24", "100.64.0.0/16", "9.9.9.0/24"]));
    if (chance(r, 80)) side.CidrBlock = blocks[0];
    if (chance(r, 90)) side.CidrBlockSet = blocks.map((CidrBlock) => ({ CidrBlock }));
    if (chance(r, 30))
      side.Ipv6CidrBlockSet = [{ Ipv6CidrBlock: pick(r, ["2001:4860::/32", "2600:1f00::/24"]) }];
    return side;
  };
  const own: PeeringSide = { VpcId: VPC_ID, CidrBlock: VPC_CIDR, CidrBlockSet: [{ CidrBlock: VPC_CIDR }] };
  const listing = (): RawPeering => {
    const other = peer();
    // Now and then listings that disagree on the peer (saved from different accounts or moments).
    if (chance(r, 5)) other.VpcId = "vpc-other";
    const ownFirst = chance(r, 50);
    return {
      VpcPeeringConnectionId: "pcx-1",
      RequesterVpcInfo: ownFirst ? own : other,
      AccepterVpcInfo: ownFirst ? other : own,
      Status: { Code: "active" },
    };
  };
  const list = [listing()];
  if (chance(r, 10)) list.push(listing());
  return { VpcPeeringConnections: list };
}

/** CIDRs rules and routes draw from: overlapping each other and the destinations above. */
const CIDRS = [
  "0.0.0.0/0",
  "0.0.0.0/0",
  "8.8.8.0/24",
  "8.0.0.0/8",
  "1.1.1.1/32",
  "52.0.0.0/8",
  "192.168.0.0/16",
  "10.0.0.0/8",
  "10.0.1.0/24",
  "100.64.0.0/10",
];
const V6_CIDRS = ["::/0", "::/0", "2001:4860::/32", VPC_V6, "64:ff9b::/96", "fd00::/8"];
const PORT_RANGES: [number, number][] = [
  [0, 65535],
  [443, 443],
  [25, 25],
  [53, 53],
  [1024, 65535],
  [32768, 60999],
  [49152, 65535],
  [40000, 50000],
  [20, 1500],
];

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[r.int(0, xs.length - 1)]!;
const chance = (r: Rand, percent: number): boolean => r.int(1, 100) <= percent;

/**
 * A TCP/UDP port range, now and then in a spelling AWS does not print (the product cannot tell what
 * such a rule matches: its packets are unknown). No range at all (both ends missing, or both -1) is
 * one of them: AWS always gives a TCP/UDP rule both ends, so it is not "all ports".
 */
function ports(r: Rand): [number | undefined, number | undefined] {
  if (chance(r, 5))
    return pick(r, [
      [30, -1],
      [-1, 50],
      [undefined, 53],
      [600, 500],
      [undefined, undefined],
      [-1, -1],
    ] as [number | undefined, number | undefined][]);
  return pick(r, PORT_RANGES);
}

function icmpTypeCode(r: Rand, v6: boolean): [number, number] {
  if (chance(r, 5)) return [-1, 4]; // a code without a type: in doubt
  const type = pick(r, v6 ? [-1, -1, 1, 128, 129] : [-1, -1, 0, 3, 8]);
  return [type, type === -1 ? -1 : pick(r, [-1, 0, 4])];
}

/** The S3 service's prefix list (AWS-managed), reached through a gateway endpoint. */
const S3_LIST = {
  PrefixListId: "pl-s3",
  PrefixListName: "com.amazonaws.us-east-1.s3",
  Cidrs: ["52.216.0.0/15", "3.5.0.0/19"],
};

function permission(r: Rand, groups: readonly string[], lists: readonly string[]): RawPerm {
  const proto = pick(r, ["-1", "-1", "tcp", "tcp", "udp", "icmp", "icmpv6", "47"]);
  const perm: RawPerm = {
    IpProtocol: proto,
    IpRanges: [],
    Ipv6Ranges: [],
    PrefixListIds: [],
    UserIdGroupPairs: [],
  };
  if (proto === "tcp" || proto === "udp") {
    // A missing end is left out, as a hand-made or trimmed file would.
    const [from, to] = ports(r);
    if (from !== undefined) perm.FromPort = from;
    if (to !== undefined) perm.ToPort = to;
  } else if (proto === "icmp" || proto === "icmpv6")
    [perm.FromPort, perm.ToPort] = icmpTypeCode(r, proto === "icmpv6");
  for (let n = r.int(chance(r, 30) ? 0 : 1, 2); n > 0; n--)
    perm.IpRanges.push({
      CidrIp: pick(r, CIDRS),
      ...(chance(r, 40) ? { Description: `d${r.int(1, 9)}` } : {}),
    });
  if (chance(r, 40)) perm.Ipv6Ranges.push({ CidrIpv6: pick(r, V6_CIDRS) });
  if (lists.length > 0 && chance(r, 20)) perm.PrefixListIds.push({ PrefixListId: pick(r, lists) });
  // A group of this VPC, or now and then one in a peered VPC (its members are not in the input).
  if (chance(r, 20))
    perm.UserIdGroupPairs.push(
      chance(r, 25)
        ? { GroupId: "sg-peer", UserId: "444455556666", VpcPeeringConnectionId: "pcx-1" }
        : { GroupId: pick(r, groups), UserId: "111122223333" },
    );
  return perm;
}

/** Entry n (and n + 1 for IPv6 in a dual-stack VPC) matching everything. */
function catchAll(n: number, action: "allow" | "deny", egress: boolean, v6: boolean): RawEntry[] {
  const all = { Protocol: "-1", RuleAction: action, Egress: egress };
  const v4: RawEntry = { RuleNumber: n, ...all, CidrBlock: "0.0.0.0/0" };
  return v6 ? [v4, { RuleNumber: n + 1, ...all, Ipv6CidrBlock: "::/0" }] : [v4];
}

function aclEntries(r: Rand, egress: boolean, v6: boolean): RawEntry[] {
  const entries: RawEntry[] = [];
  const used = new Set<number>();
  for (let n = r.int(1, 4); n > 0; n--) {
    let num = r.int(1, 20) * 10;
    while (used.has(num)) num += 1;
    used.add(num);
    const proto = pick(r, ["-1", "6", "6", "17", "1", "58", "47"]);
    const e: RawEntry = {
      RuleNumber: num,
      Protocol: proto,
      RuleAction: chance(r, 65) ? "allow" : "deny",
      Egress: egress,
      ...(v6 && chance(r, 35) ? { Ipv6CidrBlock: pick(r, V6_CIDRS) } : { CidrBlock: pick(r, CIDRS) }),
    };
    if (proto === "6" || proto === "17") {
      const [From, To] = ports(r);
      // A missing end, or no PortRange at all, is one of the spellings in doubt.
      if (To !== undefined) e.PortRange = From === undefined ? { To } : { From, To };
    } else if (proto === "1" || proto === "58") {
      const [Type, Code] = icmpTypeCode(r, proto === "58");
      e.IcmpTypeCode = { Type, Code };
    }
    entries.push(e);
  }
  // Often a catch-all allow late in the list, so that more flows get past the ACL to what follows.
  if (chance(r, 50)) entries.push(...catchAll(1000, "allow", egress, v6));
  // The built-in `*` entries as AWS prints them: 32767 (IPv4) and, in a dual-stack VPC, 32768 (IPv6).
  entries.push(...catchAll(32767, "deny", egress, v6));
  return entries;
}

const associated = (block: string): V6Blocks => [
  { Ipv6CidrBlock: block, Ipv6CidrBlockState: { State: "associated" } },
];

export function randomAwsVpc(r: Rand): AwsDump {
  const v6 = chance(r, 50);
  const secondary = chance(r, 30);
  const subnets: AwsDump["Subnets"] = Array.from({ length: r.int(2, 4) }, (_, i) => ({
    SubnetId: `subnet-${i}`,
    VpcId: VPC_ID,
    // The last subnet in the secondary block, when the VPC has one.
    CidrBlock: secondary && i > 1 && chance(r, 50) ? `100.65.${i}.0/24` : `10.0.${i}.0/24`,
    ...(v6 && chance(r, 70) ? { Ipv6CidrBlockAssociationSet: associated(v6Block(i)) } : {}),
  }));
  /** An address in subnet i. */
  const hostIn = (i: number, host: number): string => subnets[i]!.CidrBlock.replace(/\.0\/24$/, `.${host}`);
  const igw = chance(r, 80) ? "igw-1" : undefined;
  const eigw = v6 && chance(r, 50) ? "eigw-1" : undefined;

  const managed = chance(r, 60)
    ? [
        {
          PrefixListId: "pl-1",
          PrefixListName: "partners",
          // Mostly settled; now and then being changed, after a change that failed, or deleted.
          ...(chance(r, 30)
            ? {
                State: pick(r, [
                  "create-complete",
                  "modify-complete",
                  "delete-failed",
                  "modify-in-progress",
                  "restore-failed",
                  "delete-complete",
                ]),
              }
            : {}),
          Entries: pick(r, [["8.8.8.0/24", "1.1.1.1/32"], ["52.0.0.0/8"], ["8.0.0.0/8", "9.9.9.9/32"]]).map(
            (Cidr) => ({ Cidr }),
          ),
        },
      ]
    : [];
  const s3 = chance(r, 60);
  const lists = [...managed.map((l) => l.PrefixListId), ...(s3 ? [S3_LIST.PrefixListId] : [])];
  const groupIds = Array.from({ length: r.int(1, 3) }, (_, i) => `sg-${i}`);
  const groups: RawGroup[] = groupIds.map((id) => ({
    GroupId: id,
    GroupName: `group ${id}`,
    VpcId: VPC_ID,
    IpPermissions: Array.from({ length: r.int(0, 2) }, () => permission(r, groupIds, lists)),
    IpPermissionsEgress: chance(r, 25)
      ? [
          {
            IpProtocol: "-1",
            IpRanges: [{ CidrIp: "0.0.0.0/0" }],
            Ipv6Ranges: v6 ? [{ CidrIpv6: "::/0" }] : [],
            PrefixListIds: [],
            UserIdGroupPairs: [],
          },
        ]
      : Array.from({ length: r.int(0, 3) }, () => permission(r, groupIds, lists)),
  }));

  const defaultAcl: RawAcl = {
    NetworkAclId: "acl-default",
    VpcId: VPC_ID,
    IsDefault: true,
    Entries: [true, false].flatMap((egress) => [
      ...catchAll(100, "allow", egress, v6),
      ...catchAll(32767, "deny", egress, v6),
    ]),
    Associations: [],
  };
  const acls: RawAcl[] = [defaultAcl];
  for (let i = r.int(0, 2); i > 0; i--)
    acls.push({
      NetworkAclId: `acl-${i}`,
      VpcId: VPC_ID,
      IsDefault: false,
      Entries: [...aclEntries(r, true, v6), ...aclEntries(r, false, v6)],
      Associations: [],
    });
  for (const s of subnets) {
    const acl = pick(r, acls);
    // A subnet on the default ACL is sometimes left out of its Associations (a dump saved with a
    // filter, or a subnet created between describe-network-acls and describe-subnets): where other
    // subnets are listed, which ACL applies is unknown.
    if (acl === defaultAcl && chance(r, 30)) continue;
    acl.Associations.push({
      NetworkAclAssociationId: `aclassoc-${s.SubnetId}`,
      NetworkAclId: acl.NetworkAclId,
      SubnetId: s.SubnetId,
    });
  }
  const nats: RawNat[] = [];
  for (let i = r.int(0, 2); i > 0; i--) {
    const s = r.int(0, subnets.length - 1);
    const pub = chance(r, 80);
    nats.push({
      NatGatewayId: `nat-${i}`,
      SubnetId: subnets[s]!.SubnetId,
      VpcId: VPC_ID,
      State: chance(r, 90) ? "available" : pick(r, ["pending", "failed"]),
      ConnectivityType: pub ? "public" : "private",
      NatGatewayAddresses: [
        {
          PrivateIp: hostIn(s, 200 + i),
          NetworkInterfaceId: `eni-nat-${i}`,
          IsPrimary: true,
          ...(pub ? { PublicIp: `52.0.0.${i}` } : {}),
        },
      ],
    });
    // Secondary addresses (each with an Elastic IP on a public gateway), listed before or after the
    // primary: the gateway spreads connections over all its Elastic IPs.
    const addrs = nats[nats.length - 1]!.NatGatewayAddresses;
    for (let k = chance(r, 30) ? r.int(1, 2) : 0; k > 0; k--) {
      const secondary = {
        PrivateIp: hostIn(s, 210 + 2 * i + k),
        NetworkInterfaceId: `eni-nat-${i}`,
        IsPrimary: false,
        ...(pub ? { PublicIp: `52.0.${k}.${i}` } : {}),
      };
      if (chance(r, 50)) addrs.unshift(secondary);
      else addrs.push(secondary);
    }
  }

  const targets: Omit<RawRoute, "DestinationCidrBlock" | "DestinationPrefixListId">[] = [
    ...(igw ? [{ GatewayId: igw, Origin: "CreateRoute", State: "active" as const }] : []),
    ...nats.map((n) => ({ NatGatewayId: n.NatGatewayId, Origin: "CreateRoute", State: "active" as const })),
    { VpcPeeringConnectionId: "pcx-1", Origin: "CreateRoute", State: "active" },
    { TransitGatewayId: "tgw-1", Origin: "CreateRoute", State: "active" },
    { NatGatewayId: "nat-deleted", Origin: "CreateRoute", State: "blackhole" },
    // Appliances and the rarer gateways: exits whose far side is not analysed.
    pick(r, [
      { NetworkInterfaceId: "eni-appliance", Origin: "CreateRoute", State: "active" as const },
      // An interface of the input (eni-1 always is), whose source/destination check decides (below).
      { NetworkInterfaceId: "eni-1", Origin: "CreateRoute", State: "active" as const },
      { InstanceId: "i-1", NetworkInterfaceId: "eni-1", Origin: "CreateRoute", State: "active" as const },
      {
        InstanceId: "i-appliance",
        NetworkInterfaceId: "eni-appliance",
        Origin: "CreateRoute",
        State: "active" as const,
      },
      { LocalGatewayId: "lgw-1", Origin: "CreateRoute", State: "active" as const },
      { CarrierGatewayId: "cagw-1", Origin: "CreateRoute", State: "active" as const },
      {
        CoreNetworkArn: "arn:aws:networkmanager::1:core-network/core-network-1",
        Origin: "CreateRoute",
        State: "active" as const,
      },
      { FutureGatewayId: "fgw-1", Origin: "CreateRoute", State: "active" as const },
    ]),
  ];
  const table = (id: string): RawTable => {
    const routes: RawRoute[] = [
      { DestinationCidrBlock: VPC_CIDR, GatewayId: "local", Origin: "CreateRouteTable", State: "active" },
    ];
    // Each IPv4 block of the VPC has its local route.
    if (secondary)
      routes.push({
        DestinationCidrBlock: VPC_SECONDARY,
        GatewayId: "local",
        Origin: "CreateRouteTable",
        State: "active",
      });
    if (v6) {
      routes.push({
        DestinationIpv6CidrBlock: VPC_V6,
        GatewayId: "local",
        Origin: "CreateRouteTable",
        State: "active",
      });
      const to = pick(r, [igw, eigw, eigw, undefined]);
      if (to) {
        const target = to === eigw ? { EgressOnlyInternetGatewayId: to } : { GatewayId: to };
        routes.push({ DestinationIpv6CidrBlock: "::/0", ...target, Origin: "CreateRoute", State: "active" });
      }
      // NAT64: DNS64 answers IPv4-only names with 64:ff9b::/96 addresses, routed to a NAT gateway.
      if (nats.length > 0 && chance(r, 50))
        routes.push({
          DestinationIpv6CidrBlock: "64:ff9b::/96",
          NatGatewayId: pick(r, nats).NatGatewayId,
          Origin: "CreateRoute",
          State: "active",
        });
    }
    // The S3 gateway endpoint's route (its target is the endpoint), and a route to the customer list.
    if (s3 && chance(r, 70))
      routes.push({
        DestinationPrefixListId: S3_LIST.PrefixListId,
        GatewayId: "vpce-s3",
        Origin: "CreateRoute",
        State: "active",
      });
    if (managed.length > 0 && chance(r, 40))
      routes.push({ DestinationPrefixListId: "pl-1", ...pick(r, targets) });
    const dests = new Set<string>([VPC_CIDR, VPC_SECONDARY]);
    for (let n = r.int(0, 4); n > 0; n--) {
      const dest = chance(r, 40) ? "0.0.0.0/0" : pick(r, CIDRS);
      // A destination once per table (AWS refuses a second static route to it), never inside the VPC.
      if (dests.has(dest) || dest.startsWith("10.0.")) continue;
      dests.add(dest);
      const route: RawRoute = { DestinationCidrBlock: dest, ...pick(r, targets) };
      // A route the virtual private gateway propagates to the same prefix, listed before or after the
      // static one (the static one wins either way), or alone.
      const propagated: RawRoute = {
        DestinationCidrBlock: dest,
        GatewayId: "vgw-1",
        Origin: "EnableVgwRoutePropagation",
        State: "active",
      };
      const way = r.int(1, 20);
      if (way === 1) routes.push(propagated);
      else if (way <= 3) routes.push(propagated, route);
      else if (way <= 5) routes.push(route, propagated);
      else routes.push(route);
    }
    return { RouteTableId: id, VpcId: VPC_ID, Routes: routes, Associations: [] };
  };
  const main = table("rtb-main");
  main.Associations.push({ RouteTableAssociationId: "rtbassoc-main", RouteTableId: "rtb-main", Main: true });
  const tables = [main];
  for (let i = r.int(0, 2); i > 0; i--) tables.push(table(`rtb-${i}`));
  for (const s of subnets) {
    const t = pick(r, tables);
    if (t === main && chance(r, 70)) continue; // most subnets use the main table implicitly
    t.Associations.push({
      RouteTableAssociationId: `rtbassoc-${s.SubnetId}`,
      RouteTableId: t.RouteTableId,
      Main: false,
      SubnetId: s.SubnetId,
    });
  }
  // Ingress routing: a gateway route table on the internet gateway, sending what comes in for some
  // subnets (replies included) to an inspection appliance first, or into a blackhole.
  if (igw && chance(r, 40)) {
    const edge: RawTable = {
      RouteTableId: "rtb-edge",
      VpcId: VPC_ID,
      Routes: [
        { DestinationCidrBlock: VPC_CIDR, GatewayId: "local", Origin: "CreateRouteTable", State: "active" },
        ...(v6
          ? [
              {
                DestinationIpv6CidrBlock: VPC_V6,
                GatewayId: "local",
                Origin: "CreateRouteTable",
                State: "active" as const,
              },
            ]
          : []),
      ],
      Associations: [
        { RouteTableAssociationId: "rtbassoc-edge", RouteTableId: "rtb-edge", Main: false, GatewayId: igw },
      ],
    };
    for (const sn of subnets)
      if (chance(r, 60)) {
        const diverted = pick(r, [
          { NetworkInterfaceId: "eni-firewall", Origin: "CreateRoute", State: "active" as const },
          { GatewayId: "vpce-gwlb", Origin: "CreateRoute", State: "active" as const },
          { NetworkInterfaceId: "eni-gone", Origin: "CreateRoute", State: "blackhole" as const },
        ]);
        edge.Routes.push({ DestinationCidrBlock: sn.CidrBlock, ...diverted });
        if (sn.Ipv6CidrBlockAssociationSet && chance(r, 50))
          edge.Routes.push({
            DestinationIpv6CidrBlock: sn.Ipv6CidrBlockAssociationSet[0]!.Ipv6CidrBlock,
            ...diverted,
          });
      }
    tables.push(edge);
  }

  // Interfaces, listed by describe-network-interfaces, or as an instance's in describe-instances, or both.
  const enis: RawEni[] = [];
  const reservations: AwsDump["Reservations"] = [];
  const addresses: AwsDump["Addresses"] = [];
  for (let k = 1, n = r.int(1, 4); k <= n; k++) {
    const s = r.int(0, subnets.length - 1);
    const ip = hostIn(s, 10 + k);
    const pub = chance(r, 50) ? { PublicIp: `3.0.0.${k}` } : undefined;
    const gs = groupIds.filter(() => chance(r, 50));
    if (gs.length === 0) gs.push(pick(r, groupIds));
    const v6Host = subnets[s]!.Ipv6CidrBlockAssociationSet && chance(r, 70) ? v6In(s, `${k}`) : undefined;
    // A secondary address (listed first half the time: the primary flag says which is which), with
    // an Elastic IP of its own now and then; the interface sends from its primary address.
    const secondary = chance(r, 30)
      ? [
          {
            Primary: false,
            PrivateIpAddress: hostIn(s, 50 + k),
            ...(chance(r, 50) ? { Association: { PublicIp: `3.0.1.${k}` } } : {}),
          },
        ]
      : [];
    const primary = { Primary: true, PrivateIpAddress: ip, ...(pub ? { Association: pub } : {}) };
    // A Kubernetes node now and then, told by its instance's tags or (the VPC CNI's) its interface's.
    const nodeTag = pick(r, [
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      { Key: "eks:cluster-name", Value: "c1" },
      { Key: "kubernetes.io/cluster/c1", Value: "owned" },
      { Key: "cluster.k8s.amazonaws.com/name", Value: "c1" },
    ]);
    const onEni = nodeTag !== undefined && chance(r, 30);
    // On by default; an appliance has it off; a trimmed dump does not say.
    const check = pick(r, [true, true, false, undefined]);
    const eni: RawEni = {
      NetworkInterfaceId: `eni-${k}`,
      SubnetId: subnets[s]!.SubnetId,
      VpcId: VPC_ID,
      InterfaceType: "interface",
      Status: "in-use",
      PrivateIpAddress: ip,
      PrivateIpAddresses: chance(r, 50) ? [primary, ...secondary] : [...secondary, primary],
      ...(pub ? { Association: pub } : {}),
      ...(onEni ? { TagSet: [nodeTag] } : {}),
      ...(v6Host ? { Ipv6Addresses: [{ Ipv6Address: v6Host }] } : {}),
      Groups: gs.map((g) => ({ GroupId: g, GroupName: `group ${g}` })),
      ...(check === undefined ? {} : { SourceDestCheck: check }),
    };
    // Elastic IPs are also listed by describe-addresses, and their Association says whose they are
    // (an allocation, an account); a public IP AWS assigned says "amazon". A third of them say neither
    // (trimmed dumps). (Decided by k: no draw, so a seed makes the VPC it made before.)
    for (const a of eni.PrivateIpAddresses)
      if (a.Association && chance(r, 50)) {
        addresses.push({
          PublicIp: a.Association.PublicIp,
          AllocationId: `eipalloc-${a.Association.PublicIp}`,
          NetworkInterfaceId: eni.NetworkInterfaceId,
          PrivateIpAddress: a.PrivateIpAddress,
        });
        if (k % 3 !== 0)
          Object.assign(a.Association, {
            AllocationId: `eipalloc-${a.Association.PublicIp}`,
            IpOwnerId: "123456789012",
          });
      } else if (a.Association && k % 3 !== 0) Object.assign(a.Association, { IpOwnerId: "amazon" });
    const listing = pick(r, ["eni", "eni", "instance", "both"]);
    if (listing !== "instance") enis.push(eni);
    if (listing !== "eni") {
      // describe-instances lists no tags of an instance's interfaces.
      const { InterfaceType: _, TagSet: __, ...attached } = eni;
      reservations.push({
        ReservationId: `r-${k}`,
        Instances: [
          {
            InstanceId: `i-${k}`,
            State: { Name: "running" },
            SubnetId: eni.SubnetId,
            VpcId: VPC_ID,
            PrivateIpAddress: ip,
            ...(pub ? { PublicIpAddress: pub.PublicIp } : {}),
            ...(chance(r, 20) ? { Platform: "windows" as const } : {}),
            ...(nodeTag !== undefined && !onEni ? { Tags: [nodeTag] } : {}),
            ...(check === undefined ? {} : { SourceDestCheck: check }),
            NetworkInterfaces: [{ ...attached, Attachment: { DeviceIndex: 0 } }],
          },
        ],
      });
    }
  }
  // A NAT gateway's own interface is listed too (AWS-managed: never a source).
  for (const n of nats)
    if (chance(r, 50))
      enis.push({
        NetworkInterfaceId: primaryOf(n).NetworkInterfaceId,
        SubnetId: n.SubnetId,
        VpcId: VPC_ID,
        InterfaceType: "nat_gateway",
        Status: "in-use",
        PrivateIpAddress: primaryOf(n).PrivateIp,
        PrivateIpAddresses: n.NatGatewayAddresses.map((a) => ({
          Primary: a.IsPrimary,
          PrivateIpAddress: a.PrivateIp,
        })),
        Groups: [],
      });
  // An interface endpoint: its interface in a subnet, with security groups of its own, answering for
  // an AWS service; described by describe-vpc-endpoints or only by its interface's description.
  const endpoints: AwsDump["VpcEndpoints"] = [];
  if (s3 && chance(r, 60))
    endpoints.push({
      VpcEndpointId: "vpce-s3",
      VpcEndpointType: "Gateway",
      // Now and then one AWS is setting up, one that is gone, or one of a state AWS does not print.
      State: chance(r, 80) ? "available" : pick(r, ["pending", "deleting", "rejected", "Available"]),
      ServiceName: S3_LIST.PrefixListName,
      VpcId: VPC_ID,
    });
  if (chance(r, 40)) {
    const s = r.int(0, subnets.length - 1);
    enis.push({
      NetworkInterfaceId: "eni-vpce",
      SubnetId: subnets[s]!.SubnetId,
      VpcId: VPC_ID,
      InterfaceType: "vpc_endpoint",
      Status: "in-use",
      PrivateIpAddress: hostIn(s, 77),
      PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: hostIn(s, 77) }],
      Groups: [{ GroupId: pick(r, groupIds), GroupName: "endpoint" }],
      Description: "VPC Endpoint Interface vpce-if1",
    });
    if (chance(r, 60))
      endpoints.push({
        VpcEndpointId: "vpce-if1",
        VpcEndpointType: "Interface",
        // Now and then one that may not answer: being accepted, gone, or of a state AWS does not print.
        State: chance(r, 75) ? "available" : pick(r, ["pendingAcceptance", "deleted", "Available"]),
        ServiceName: "com.amazonaws.us-east-1.ssm",
        VpcId: VPC_ID,
        NetworkInterfaceIds: ["eni-vpce"],
      });
  }

  // VPC Block Public Access: the region's mode, and exclusions for subnets or the VPC.
  const bpa: AwsDump["VpcBlockPublicAccessOptions"] = chance(r, 35)
    ? [
        {
          AwsRegion: "us-east-1",
          InternetGatewayBlockMode: pick(r, ["off", "block-bidirectional", "block-ingress"]),
          ExclusionsAllowed: chance(r, 80) ? "allowed" : "not-allowed",
        },
      ]
    : [];
  const exclusions: AwsDump["VpcBlockPublicAccessExclusions"] = [];
  for (let k = bpa.length > 0 ? r.int(0, 2) : 0; k > 0; k--) {
    const subnet = chance(r, 70) ? pick(r, subnets).SubnetId : undefined;
    exclusions.push({
      ExclusionId: `vpcbpa-exclude-${k}`,
      InternetGatewayExclusionMode: pick(r, ["allow-bidirectional", "allow-egress"]),
      ResourceArn: `arn:aws:ec2:us-east-1:111122223333:${subnet ? `subnet/${subnet}` : `vpc/${VPC_ID}`}`,
      State: pick(r, [
        "create-complete",
        "create-complete",
        "update-complete",
        "create-in-progress",
        "delete-complete",
      ]),
    });
  }

  // Drawn after everything else, so that earlier seeds still make the VPCs they made before these
  // were added (ONCE_FOUND in raw-differential.test.ts).
  // describe-network-interfaces names the instance an interface is attached to, which
  // describe-instances may not list.
  for (const eni of enis)
    if (eni.InterfaceType === "interface" && chance(r, 60))
      eni.Attachment = { InstanceId: `i-${eni.NetworkInterfaceId.slice(4)}`, DeviceIndex: 0 };
  // Whether the metadata service answers an instance: absent (older output: the defaults), the
  // defaults, IPv6 on, off, a change in progress, a value AWS does not print.
  for (const rsv of reservations)
    for (const instance of rsv.Instances) {
      const o = pick<RawInstance["MetadataOptions"]>(r, [
        undefined,
        { State: "applied", HttpEndpoint: "enabled", HttpProtocolIpv6: "disabled" },
        { State: "applied", HttpEndpoint: "enabled", HttpProtocolIpv6: "enabled" },
        { State: "applied", HttpEndpoint: "disabled", HttpProtocolIpv6: "enabled" },
        { State: "pending", HttpEndpoint: "enabled", HttpProtocolIpv6: "enabled" },
        { HttpEndpoint: pick(r, ["enabled", "on"]) },
      ]);
      if (o) instance.MetadataOptions = o;
    }
  // The VPC's DNS support attribute: often not saved (then on, the default), on, or off.
  const dns = chance(r, 50) ? [] : [{ VpcId: VPC_ID, EnableDnsSupport: { Value: chance(r, 60) } }];
  // Instance types, and what describe-instance-types says of them: Nitro, Xen, bare metal (Nitro
  // without a hypervisor), a value AWS does not print; a type may be missing from the input, and an
  // instance may not say its type.
  const catalogue: AwsDump["InstanceTypes"][number][] = [
    { InstanceType: "t3.micro", Hypervisor: "nitro", BareMetal: false },
    { InstanceType: "t2.micro", Hypervisor: "xen", BareMetal: false },
    { InstanceType: "m5.metal", BareMetal: true },
    { InstanceType: "m5.large", Hypervisor: "kvm", BareMetal: false },
    // EC2 Mac instances: macOS, whose client ports are IANA's 49152-65535.
    { InstanceType: "mac2.metal", BareMetal: true },
    { InstanceType: "mac-m4.metal", BareMetal: true },
  ];
  for (const rsv of reservations)
    for (const instance of rsv.Instances) {
      const type = pick(r, [
        undefined,
        "t3.micro",
        "t3.micro",
        "t2.micro",
        "m5.metal",
        "m5.large",
        "c9.large",
        "mac2.metal",
        "mac-m4.metal",
      ]);
      if (type) instance.InstanceType = type;
    }
  const instanceTypes = catalogue.filter(() => chance(r, 80));
  // Now and then a gateway that routes still name is attached elsewhere, being attached, being
  // detached or detached (a snapshot taken meanwhile: AWS marks such routes blackholes only once it is
  // detached).
  // (An internet gateway's state is "available" once attached and not printed otherwise, so one being
  // attached or detached is listed without it; an egress-only one's is attaching, attached, detaching
  // or detached.)
  const attachment = (attached: string, changing: { VpcId: string; State?: string }[][]) =>
    pick(r, [
      ...Array<{ VpcId: string; State?: string }[]>(12).fill([{ VpcId: VPC_ID, State: attached }]),
      ...changing,
      [{ VpcId: "vpc-elsewhere", State: attached }],
      [],
    ]);
  const igwAttachments = attachment("available", [
    [{ VpcId: VPC_ID }],
    [{ VpcId: VPC_ID, State: "attached" }],
  ]);
  const eigwAttachments = attachment("attached", [
    [{ VpcId: VPC_ID, State: "attaching" }],
    [{ VpcId: VPC_ID, State: "detaching" }],
  ]);
  // Sometimes the VPC's IPv6 block is a private one (from an IPAM pool): not advertised on the internet.
  // (Now and then one AWS does not print: whether the block is advertised is unknown.)
  const v6Attribute = pick(r, [undefined, "public", "public", "private", "private", "Private"]);
  // Association states as describe-route-tables prints them: now and then one that is gone (the subnet
  // falls back to the main table), one being made or undone, or a second table claiming the subnet
  // (two snapshots in one folder).
  for (const t of tables)
    for (const a of t.Associations) {
      if (a.GatewayId !== undefined) continue;
      const state = pick(r, [
        undefined,
        "associated",
        "associated",
        "associated",
        "disassociated",
        "associating",
      ]);
      if (state === "associating" && chance(r, 70)) continue;
      if (state !== undefined) a.AssociationState = { State: state };
    }
  // (Subnet tables only: a gateway route table routes to appliances a subnet table here never does.)
  const subnetTables = tables.filter((t) => t.Associations.every((a) => a.GatewayId === undefined));
  if (subnetTables.length > 1 && chance(r, 10)) {
    const s = pick(r, subnets);
    const t = pick(r, subnetTables.slice(1));
    t.Associations.push({
      RouteTableAssociationId: `rtbassoc-again-${s.SubnetId}`,
      RouteTableId: t.RouteTableId,
      Main: false,
      SubnetId: s.SubnetId,
    });
  }
  // Block Public Access as AWS prints it meanwhile or not at all: the setting's State (now and then an
  // update in progress, or a case variant AWS does not print), a case variant of ExclusionsAllowed,
  // and exclusions whose mode or state AWS does not print, or an update of one that failed.
  for (const o of bpa) {
    const state = pick(r, [
      undefined,
      "update-complete",
      "update-complete",
      "default-state",
      "update-in-progress",
      "Update-Complete",
    ]);
    if (state !== undefined && (state !== "default-state" || o.InternetGatewayBlockMode === "off"))
      o.State = state;
    if (chance(r, 5)) o.ExclusionsAllowed = "Allowed";
  }
  for (const e of exclusions)
    if (chance(r, 10))
      if (chance(r, 50)) e.InternetGatewayExclusionMode = "Allow-Bidirectional";
      else e.State = pick(r, ["Create-Complete", "update-failed", "disable-complete"]);

  const dump: AwsDump = {
    VpcBlockPublicAccessOptions: bpa,
    VpcBlockPublicAccessExclusions: exclusions,
    Vpcs: [
      {
        VpcId: VPC_ID,
        CidrBlock: VPC_CIDR,
        ...(secondary
          ? {
              CidrBlockAssociationSet: [VPC_CIDR, VPC_SECONDARY].map((CidrBlock) => ({
                CidrBlock,
                CidrBlockState: { State: "associated" },
              })),
            }
          : {}),
        ...(v6
          ? {
              Ipv6CidrBlockAssociationSet: associated(VPC_V6).map((a) =>
                v6Attribute ? { ...a, Ipv6AddressAttribute: v6Attribute } : a,
              ),
            }
          : {}),
      },
    ],
    Subnets: subnets,
    SecurityGroups: groups,
    NetworkAcls: acls,
    RouteTables: tables,
    InternetGateways: igw ? [{ InternetGatewayId: igw, Attachments: igwAttachments }] : [],
    EgressOnlyInternetGateways: eigw
      ? [{ EgressOnlyInternetGatewayId: eigw, Attachments: eigwAttachments }]
      : [],
    NatGateways: nats,
    // A copy: the corrupt-input test alters dumps in place, and later VPCs must not see that.
    PrefixLists: s3 ? [{ ...S3_LIST, Cidrs: [...S3_LIST.Cidrs] }] : [],
    ManagedPrefixLists: managed,
    // A gateway endpoint is not always in the input: its prefix-list route says what it is.
    VpcEndpoints: endpoints,
    NetworkInterfaces: enis,
    Reservations: reservations,
    Addresses: addresses,
    EnableDnsSupport: dns,
    ...peeringsOf(r),
    InstanceTypes: instanceTypes,
  };
  // Drawn last, so that earlier seeds still make the VPCs they made before.
  if (chance(r, 40)) byoip(r, dump);
  delegatePrefixes(r, dump);
  if (chance(r, 40)) twins(r, dump);
  if (chance(r, 40)) tiedPrefixLists(r, dump);
  lambdas(r, dump);
  delegateV6Prefixes(r, dump);
  if (chance(r, 30)) propagatedIntoVpc(r, dump);
  if (chance(r, 30)) natSubnetDivert(r, dump);
  if (chance(r, 25)) gatewayLoadBalancerEndpoint(r, dump);
  if (chance(r, 30)) deletedNat(r, dump);
  if (dump.Vpcs[0]!.Ipv6CidrBlockAssociationSet && chance(r, 30)) formerSubnetBlock(r, dump);
  // The subnets' zones, now and then: in the region of the Block Public Access setting, or another.
  if (chance(r, 50)) {
    const region = pick(r, ["us-east-1", "eu-west-1"]);
    for (const s of dump.Subnets) s.AvailabilityZone = region + pick(r, ["a", "b", "-bos-1a"]);
  }
  // Drawn after the zones, so that earlier seeds still make the VPCs they made before.
  if (chance(r, 35)) otherInterfaceTypes(r, dump);
  if (chance(r, 30)) bareInstances(r, dump);
  if (chance(r, 35)) secondaryPublicIps(r, dump);
  if (chance(r, 50)) stoppedInstances(r, dump);
  if (chance(r, 25)) grouplessInterface(r, dump);
  if (chance(r, 40)) accounts(r, dump);
  if (chance(r, 20)) missingKey(r, dump);
  if (chance(r, 10)) govCloud(r, dump);
  if (chance(r, 20)) unattached(r, dump);
  if (chance(r, 25)) groupsChanged(r, dump);
  // Drawn last, so that earlier seeds still make the VPCs they made before.
  if (chance(r, 15)) oddInstanceStates(r, dump);
  return dump;
}

/**
 * An interface attached to nothing (Status available: created, or detached, a Lambda function's idle
 * one): it sends nothing until it is attached, and is audited as if it were (its groups and subnet
 * decide), its results saying it is not attached (source.unattached).
 */
function unattached(r: Rand, d: AwsDump): void {
  const owned = new Set(
    d.Reservations.flatMap((x) => x.Instances.flatMap((i) => i.NetworkInterfaces ?? [])).map(
      (e) => e.NetworkInterfaceId,
    ),
  );
  const candidates = d.NetworkInterfaces.filter(
    (e) => !owned.has(e.NetworkInterfaceId) && e.Attachment?.InstanceId === undefined,
  );
  if (candidates.length === 0) return;
  const eni = pick(r, candidates);
  eni.Status = "available";
  delete eni.Attachment;
}

/**
 * An instance's interface whose security groups changed between describe-network-interfaces and
 * describe-instances: the latter's listing names one group more, one fewer, another one, or none.
 * Which is current cannot be told: what a group both name allows is allowed, the rest unknown.
 */
function groupsChanged(r: Rand, d: AwsDump): void {
  const listed = new Set(d.NetworkInterfaces.map((e) => e.NetworkInterfaceId));
  const candidates = d.Reservations.flatMap((x) =>
    x.Instances.flatMap((i) => i.NetworkInterfaces ?? []),
  ).filter((e) => listed.has(e.NetworkInterfaceId));
  if (candidates.length === 0) return;
  const listing = pick(r, candidates);
  const ids = listing.Groups.map((g) => g.GroupId);
  const others = d.SecurityGroups.filter((g) => !ids.includes(g.GroupId));
  const kind = r.int(0, 3);
  let groups = d.SecurityGroups.filter((g) => ids.includes(g.GroupId));
  if (kind === 0 && others.length > 0) groups.push(pick(r, others));
  else if (kind === 1 && groups.length > 1) groups.splice(r.int(0, groups.length - 1), 1);
  else if (kind === 2 && others.length > 0) groups = [pick(r, others)];
  else groups = [];
  listing.Groups = groups.map((g) => ({ GroupId: g.GroupId, GroupName: g.GroupName }));
}

/**
 * The VPC in AWS GovCloud (US-West), a region whose name has four parts (its zones us-gov-west-1a,
 * us-gov-west-1b): the subnets' zones say so, and the Block Public Access setting moves along (its
 * exclusions' ARNs in the aws-us-gov partition), so that it still applies as it did (zones of another
 * region than the setting's are drawn above).
 */
function govCloud(r: Rand, d: AwsDump): void {
  const region = "us-gov-west-1";
  for (const s of d.Subnets) s.AvailabilityZone = region + pick(r, ["a", "b"]);
  for (const o of d.VpcBlockPublicAccessOptions) o.AwsRegion = region;
  for (const e of d.VpcBlockPublicAccessExclusions)
    e.ResourceArn = e.ResourceArn.replace(/^arn:aws:ec2:[^:]+:/, `arn:aws-us-gov:ec2:${region}:`);
}

/**
 * A key describe output always prints, left out (a trimmed or hand-made file): a route's State, a
 * route table's Associations or Routes, a network ACL's Associations, an internet gateway's
 * Attachments. Each is missing data: what it decides is unknown (the reference reads them with
 * `saved`).
 */
function missingKey(r: Rand, d: AwsDump): void {
  const drop = (o: object, key: string): void => {
    delete (o as Record<string, unknown>)[key];
  };
  const kind = r.int(0, 4);
  if (kind === 0) {
    // A CIDR route's (one of a prefix list shares its list's fate with the others that list names).
    const routes = d.RouteTables.flatMap((t) => t.Routes.filter((x) => !x.DestinationPrefixListId));
    if (routes.length > 0) drop(pick(r, routes), "State");
  } else if (kind === 1) drop(pick(r, d.RouteTables), "Associations");
  else if (kind === 2) drop(pick(r, d.RouteTables), "Routes");
  else if (kind === 3) drop(pick(r, d.NetworkAcls), "Associations");
  else if (d.InternetGateways.length > 0) drop(d.InternetGateways[0]!, "Attachments");
}

/**
 * An interface listed with no security groups: one an AWS service created (requester-managed), which
 * no group filters, or now and then an instance's or a customer's, which AWS never prints that way.
 */
function grouplessInterface(r: Rand, d: AwsDump): void {
  const candidates = d.NetworkInterfaces.filter((e) => e.InterfaceType === "interface");
  if (candidates.length === 0) return;
  const eni = pick(r, candidates);
  const owned = d.Reservations.some((x) =>
    x.Instances.some((i) =>
      i.NetworkInterfaces?.some((n) => n.NetworkInterfaceId === eni.NetworkInterfaceId),
    ),
  );
  if (!owned && eni.Attachment?.InstanceId === undefined && chance(r, 60)) eni.RequesterId = "123456789012";
  for (const listing of [
    eni,
    ...d.Reservations.flatMap((x) => x.Instances.flatMap((i) => i.NetworkInterfaces ?? [])),
  ])
    if (listing.NetworkInterfaceId === eni.NetworkInterfaceId) listing.Groups = [];
}

/**
 * Instances stopped (hibernated ones say so too) or stopping: most without the public IP AWS released
 * when they stopped (in every listing; an Elastic IP stays), now and then still showing it.
 */
function stoppedInstances(r: Rand, d: AwsDump): void {
  for (const rsv of d.Reservations)
    for (const instance of rsv.Instances) {
      if (!chance(r, 50)) continue;
      instance.State = { Name: pick(r, ["stopped", "stopped", "stopping"]) };
      withoutPublicIp(r, d, instance);
    }
}

/** Now and then (not with an Elastic IP) an instance's public IP gone from every listing. */
function withoutPublicIp(r: Rand, d: AwsDump, instance: RawInstance): void {
  const ip = instance.PrivateIpAddress;
  if (ip === undefined || d.Addresses.some((a) => a.PrivateIpAddress === ip) || chance(r, 25)) return;
  delete instance.PublicIpAddress;
  const listings = [
    ...d.NetworkInterfaces,
    ...d.Reservations.flatMap((x) => x.Instances.flatMap((i) => i.NetworkInterfaces ?? [])),
  ].filter((e) => e.PrivateIpAddresses.some((a) => a.PrivateIpAddress === ip));
  for (const eni of listings) {
    // (The listings of an interface in both calls may share one list.)
    eni.PrivateIpAddresses = eni.PrivateIpAddresses.map((a) => {
      if (a.PrivateIpAddress !== ip) return a;
      const { Association: _, ...rest } = a;
      return rest;
    });
    if (eni.PrivateIpAddress === ip) delete eni.Association;
  }
}

/**
 * An instance pending (being launched or started: its public IP not yet listed, now and then), or
 * with a state AWS does not print ("Running") or none at all (missing data); now and then with
 * metadata options in a state AWS does not print ("Applied").
 */
function oddInstanceStates(r: Rand, d: AwsDump): void {
  for (const rsv of d.Reservations)
    for (const instance of rsv.Instances) {
      if (!chance(r, 40)) continue;
      const state = pick(r, ["pending", "pending", "Running", "absent"]);
      if (state === "absent") delete instance.State;
      else instance.State = { Name: state };
      if (state === "pending") withoutPublicIp(r, d, instance);
      // Metadata options whose state AWS does not print.
      if (chance(r, 30)) instance.MetadataOptions = { ...instance.MetadataOptions, State: "Applied" };
    }
}

/**
 * Interfaces of the other types describe-network-interfaces prints, now and then: an instance's of
 * another kind (EFA, trunk); on an interface no instance has, an AWS-managed one that opens
 * connections of its own (a load balancer's, an API Gateway VPC link's...), one that does not (a
 * Network Load Balancer's, a transit gateway attachment's...), a pod's branch interface, or a type
 * AWS may add later; and a NAT gateway's own interface in the SDKs' spelling.
 */
function otherInterfaceTypes(r: Rand, d: AwsDump): void {
  const types = [
    "load_balancer",
    "api_gateway_managed",
    "quicksight",
    "ec2_instance_connect_endpoint",
    "iot_rules_managed",
    "aws_codestar_connections_managed",
    "network_load_balancer",
    "gateway_load_balancer",
    "gateway_load_balancer_endpoint",
    "transit_gateway",
    "global_accelerator_managed",
    "branch",
    "satellite_uplink_managed",
  ];
  const owned = new Set(interfacesOf(d).flatMap((x) => (x.instance ? [x.eni.NetworkInterfaceId] : [])));
  for (const eni of d.NetworkInterfaces) {
    if (eni.InterfaceType === "nat_gateway" && chance(r, 40)) eni.InterfaceType = "natGateway";
    if (eni.InterfaceType !== "interface" || !chance(r, 40)) continue;
    eni.InterfaceType =
      owned.has(eni.NetworkInterfaceId) || eni.Attachment?.InstanceId !== undefined
        ? pick(r, ["efa", "efa-only", "trunk", "evs"])
        : pick(r, types);
  }
  // And one more such interface (.60 of a subnet), with the VPC's groups, a public IP now and then.
  if (chance(r, 25)) return;
  const s = r.int(0, d.Subnets.length - 1);
  const ip = d.Subnets[s]!.CidrBlock.replace(/\.0\/24$/, ".60");
  const pub = chance(r, 40) ? { PublicIp: "3.0.6.1" } : undefined;
  const v6 = d.Subnets[s]!.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock;
  const groups = d.SecurityGroups.filter(() => chance(r, 50));
  if (groups.length === 0) groups.push(pick(r, d.SecurityGroups));
  d.NetworkInterfaces.push({
    NetworkInterfaceId: "eni-svc",
    SubnetId: d.Subnets[s]!.SubnetId,
    VpcId: VPC_ID,
    InterfaceType: pick(r, types),
    Status: "in-use",
    PrivateIpAddress: ip,
    PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: ip, ...(pub ? { Association: pub } : {}) }],
    ...(pub ? { Association: pub } : {}),
    ...(v6 && chance(r, 50) ? { Ipv6Addresses: [{ Ipv6Address: v6.replace(/::\/64$/, "::60") }] } : {}),
    Groups: groups.map((g) => ({ GroupId: g.GroupId, GroupName: g.GroupName })),
  });
}

/**
 * Instances listed without their interfaces (NetworkInterfaces absent or empty): one whose interface
 * describe-network-interfaces lists (attached to it by Attachment.InstanceId most of the time), one
 * whose interface is listed nowhere else (the instance is then an unknown), and now and then an
 * instance with no interface in the input at all.
 */
function bareInstances(r: Rand, d: AwsDump): void {
  for (const rsv of d.Reservations)
    for (const instance of rsv.Instances) {
      if (!/^i-\d+$/.test(instance.InstanceId) || !chance(r, 50)) continue;
      const ids = (instance.NetworkInterfaces ?? []).map((e) => e.NetworkInterfaceId);
      if (chance(r, 50)) instance.NetworkInterfaces = [];
      else delete instance.NetworkInterfaces;
      for (const eni of d.NetworkInterfaces)
        if (ids.includes(eni.NetworkInterfaceId) && chance(r, 75))
          eni.Attachment = { InstanceId: instance.InstanceId, DeviceIndex: 0 };
    }
  if (chance(r, 30))
    d.Reservations.push({
      ReservationId: "r-bare",
      Instances: [
        {
          InstanceId: "i-bare",
          State: { Name: "running" },
          SubnetId: d.Subnets[0]!.SubnetId,
          VpcId: VPC_ID,
          PrivateIpAddress: d.Subnets[0]!.CidrBlock.replace(/\.0\/24$/, ".240"),
        },
      ],
    });
}

/**
 * Secondary private addresses with public IPs of their own: now and then another one with an Elastic
 * IP (.70 + k, 3.0.3.k for eni-k, in every listing of it, and in describe-addresses half the time),
 * and an address (primary or secondary) that describe-addresses associates with another Elastic IP
 * than its listing shows (3.0.9.x), or with one where the listing shows none (an Elastic IP moved
 * between the two calls): its public IP is in doubt. Now and then describe-addresses keeps the listed
 * one beside the other (two snapshots): that one is used.
 */
function secondaryPublicIps(r: Rand, d: AwsDump): void {
  eachNumberedInterface(d, (k, copies) => {
    if (!chance(r, 30)) return;
    const subnet = d.Subnets.find((s) => s.SubnetId === copies[0]!.SubnetId);
    if (!subnet) return;
    const PrivateIpAddress = subnet.CidrBlock.replace(/\.0\/24$/, `.${70 + k}`);
    const PublicIp = `3.0.3.${k}`;
    const added = { Primary: false, PrivateIpAddress, Association: { PublicIp } };
    // (The listings of an interface in both calls may share one list.)
    const at = r.int(0, copies[0]!.PrivateIpAddresses.length);
    for (const list of new Set(copies.map((c) => c.PrivateIpAddresses))) list.splice(at, 0, added);
    if (chance(r, 50))
      d.Addresses.push({
        PublicIp,
        AllocationId: `eipalloc-${PublicIp}`,
        NetworkInterfaceId: `eni-${k}`,
        PrivateIpAddress,
      });
  });
  const held = interfacesOf(d).flatMap(({ eni }) =>
    /^eni-\d+$/.test(eni.NetworkInterfaceId)
      ? eni.PrivateIpAddresses.map((a) => ({ eni: eni.NetworkInterfaceId, a }))
      : [],
  );
  const secondaries = held.filter((x) => !x.a.Primary);
  for (let n = r.int(1, 2); n > 0 && held.length > 0; n--) {
    const { eni, a } = pick(r, secondaries.length > 0 && chance(r, 60) ? secondaries : held);
    const listed = a.Association?.PublicIp;
    // describe-addresses without the listed one (the dispute), or, now and then, with it too.
    if (listed === undefined || chance(r, 75))
      d.Addresses = d.Addresses.filter((x) => x.PrivateIpAddress !== a.PrivateIpAddress);
    const PublicIp = `3.0.9.${a.PrivateIpAddress.split(".")[3]}`;
    d.Addresses.push({
      PublicIp,
      AllocationId: `eipalloc-${PublicIp}`,
      NetworkInterfaceId: eni,
      PrivateIpAddress: a.PrivateIpAddress,
    });
  }
}

/**
 * A route in a NAT gateway's subnet's table that takes another subnet's block away from the local
 * route (AWS middlebox routing, as the Network Firewall architecture with a NAT gateway has): to an
 * appliance's interface, or to one that is gone (a blackhole). The NAT gateway's replies to clients
 * there do not come straight back.
 */
function natSubnetDivert(r: Rand, d: AwsDump): void {
  if (d.NatGateways.length === 0) return;
  const nat = pick(r, d.NatGateways);
  const others = d.Subnets.filter((s) => s.SubnetId !== nat.SubnetId);
  if (others.length === 0) return;
  const client = pick(r, others);
  const table =
    d.RouteTables.find((t) => t.Associations.some((a) => a.SubnetId === nat.SubnetId)) ??
    d.RouteTables.find((t) => t.Associations.some((a) => a.Main));
  if (!table) return;
  const v6 = client.Ipv6CidrBlockAssociationSet?.[0]?.Ipv6CidrBlock;
  const dest: Pick<RawRoute, "DestinationCidrBlock" | "DestinationIpv6CidrBlock"> =
    v6 !== undefined && chance(r, 30)
      ? { DestinationIpv6CidrBlock: v6 }
      : { DestinationCidrBlock: client.CidrBlock };
  const appliance =
    d.NetworkInterfaces.length > 0 ? pick(r, d.NetworkInterfaces).NetworkInterfaceId : "eni-0appliance";
  table.Routes.push(
    chance(r, 50)
      ? { ...dest, NetworkInterfaceId: appliance, State: "active", Origin: "CreateRoute" }
      : { ...dest, NetworkInterfaceId: "eni-0gone", State: "blackhole", Origin: "CreateRoute" },
  );
}

/**
 * An IPv6 block a subnet had (disassociated, failed) or is giving up, listed with its others:
 * 2600:1f18:1:aff::/64, where no subnet's block is (the destinations hold its ::1).
 */
function formerSubnetBlock(r: Rand, d: AwsDump): void {
  const s = pick(r, d.Subnets);
  const former = {
    Ipv6CidrBlock: "2600:1f18:1:aff::/64",
    Ipv6CidrBlockState: { State: pick(r, ["disassociated", "disassociating", "failed"]) },
  };
  const blocks = (s.Ipv6CidrBlockAssociationSet ??= []);
  if (chance(r, 50)) blocks.push(former);
  else blocks.unshift(former);
}

/**
 * A deleted NAT gateway, still listed (describe-nat-gateways shows them for a while): the private
 * address it had, now an interface's or a newer gateway's, and Elastic IPs, one of which may be a newer
 * gateway's now. AWS disassociated them: nothing of it may reach an audit.
 */
function deletedNat(r: Rand, d: AwsDump): void {
  const holders = [
    ...d.NetworkInterfaces.map((e) => ({ SubnetId: e.SubnetId, ip: e.PrivateIpAddress })),
    ...d.NatGateways.map((n) => ({ SubnetId: n.SubnetId, ip: primaryOf(n).PrivateIp })),
  ];
  if (holders.length === 0) return;
  const { SubnetId, ip } = pick(r, holders);
  const reused = d.NatGateways.flatMap((n) => (primaryOf(n).PublicIp ? [primaryOf(n).PublicIp!] : []));
  const addresses = [
    {
      PrivateIp: ip,
      PublicIp: reused.length > 0 && chance(r, 50) ? pick(r, reused) : "52.9.9.9",
      NetworkInterfaceId: "eni-nat-deleted",
      IsPrimary: true,
    },
  ];
  if (chance(r, 50))
    addresses.push({
      PrivateIp: ip.replace(/\.\d+$/, ".249"),
      PublicIp: "52.9.9.10",
      NetworkInterfaceId: "eni-nat-deleted",
      IsPrimary: false,
    });
  d.NatGateways.push({
    NatGatewayId: "nat-deleted",
    SubnetId,
    VpcId: VPC_ID,
    State: "deleted",
    ConnectivityType: "public",
    NatGatewayAddresses: chance(r, 50) ? addresses : addresses.reverse(),
  });
}

/**
 * The VPC's owner and the Block Public Access setting's account, each said or not: a setting of
 * another account than the VPC's owner does not apply to it.
 */
function accounts(r: Rand, d: AwsDump): void {
  if (chance(r, 70)) d.Vpcs[0]!.OwnerId = "111122223333";
  for (const o of d.VpcBlockPublicAccessOptions)
    if (chance(r, 70)) o.AwsAccountId = pick(r, ["111122223333", "444455556666"]);
}

/**
 * A Gateway Load Balancer endpoint in a subnet table (its traffic goes to an inspection appliance): by
 * a CIDR, now and then by the customer list or the S3 list too (AWS routes a gateway endpoint by its
 * service's list alone), described by describe-vpc-endpoints or not; the customer lists printed with
 * their owner or without.
 */
function gatewayLoadBalancerEndpoint(r: Rand, d: AwsDump): void {
  for (const l of d.ManagedPrefixLists) if (chance(r, 50)) l.OwnerId = "111122223333";
  const t = pick(
    r,
    d.RouteTables.filter((x) => x.Associations.every((a) => a.GatewayId === undefined)),
  );
  const to = { GatewayId: "vpce-gwlb", Origin: "CreateRoute", State: "active" as const };
  // Listed before or after the table's other routes: what the endpoint is must not follow the order.
  const add = (route: RawRoute) => (chance(r, 50) ? t.Routes.push(route) : t.Routes.unshift(route));
  const dest = pick(r, ["0.0.0.0/0", "8.8.8.0/24", "1.1.1.1/32"]);
  if (chance(r, 70) && !t.Routes.some((x) => x.DestinationCidrBlock === dest))
    add({ DestinationCidrBlock: dest, ...to });
  const lists = [...d.ManagedPrefixLists, ...d.PrefixLists].map((l) => l.PrefixListId);
  for (const id of lists)
    if (chance(r, 40) && !t.Routes.some((x) => x.DestinationPrefixListId === id))
      add({ DestinationPrefixListId: id, ...to });
  if (chance(r, 50))
    d.VpcEndpoints.push({
      VpcEndpointId: "vpce-gwlb",
      VpcEndpointType: "GatewayLoadBalancer",
      State: "available",
      ServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-1",
      VpcId: VPC_ID,
    });
}

/**
 * A route the virtual private gateway propagates into the VPC's own addresses (an on-premises network
 * that overlaps it): a subnet's block, one address of it, or a block reaching past the VPC. The local
 * route keeps the VPC's addresses however specific the propagated route is.
 */
function propagatedIntoVpc(r: Rand, d: AwsDump): void {
  const subnet = pick(r, d.Subnets);
  const dest = pick(r, [
    subnet.CidrBlock,
    subnet.CidrBlock.replace(/\.0\/24$/, ".99/32"),
    "10.0.0.0/15",
    "10.0.200.0/24",
  ]);
  const t = pick(r, d.RouteTables);
  const route: RawRoute = {
    DestinationCidrBlock: dest,
    GatewayId: "vgw-1",
    Origin: "EnableVgwRoutePropagation",
    State: "active",
  };
  if (chance(r, 50)) t.Routes.push(route);
  else t.Routes.unshift(route);
}

/**
 * Now and then an IPv6 /80 delegated to an interface with an IPv6 address, in every listing of it:
 * :(10 + k):: of its subnet's block for eni-k, where no other address is.
 */
function delegateV6Prefixes(r: Rand, d: AwsDump): void {
  eachNumberedInterface(d, (k, copies) => {
    if (!chance(r, 25)) return;
    const block = d.Subnets.find((s) => s.SubnetId === copies[0]!.SubnetId)?.Ipv6CidrBlockAssociationSet?.[0];
    if (!block) return;
    const Ipv6Prefix = block.Ipv6CidrBlock.replace(/::\/64$/, `:${10 + k}::/80`);
    for (const c of copies) c.Ipv6Prefixes = [{ Ipv6Prefix }];
  });
}

/**
 * Now and then an interface no instance has is a Lambda function's (InterfaceType lambda): a source
 * whose replies come back on 1024-65535, which the network ACLs must let in.
 */
function lambdas(r: Rand, d: AwsDump): void {
  const attached = new Set(
    d.Reservations.flatMap((rsv) =>
      rsv.Instances.flatMap((i) => (i.NetworkInterfaces ?? []).map((e) => e.NetworkInterfaceId)),
    ),
  );
  for (const eni of d.NetworkInterfaces)
    if (
      eni.InterfaceType === "interface" &&
      !eni.Attachment &&
      !attached.has(eni.NetworkInterfaceId) &&
      chance(r, 50)
    )
      eni.InterfaceType = "lambda";
}

/**
 * A second customer prefix list with an entry of a list a table already routes, routed by that table
 * too: mostly to another target (the routes tie: AWS picks one, the input does not say which), now
 * and then to the same one (no tie).
 */
function tiedPrefixLists(r: Rand, d: AwsDump): void {
  const routed = d.RouteTables.flatMap((t) =>
    t.Routes.filter(
      (x) => x.DestinationPrefixListId && !t.Routes.some((y) => y.DestinationPrefixListId === "pl-2"),
    ).map((x) => ({ t, x })),
  );
  if (routed.length === 0) return;
  const { t, x } = pick(r, routed);
  const id = x.DestinationPrefixListId!;
  const entries =
    d.ManagedPrefixLists.find((l) => l.PrefixListId === id)?.Entries.map((e) => e.Cidr) ??
    d.PrefixLists.find((l) => l.PrefixListId === id)!.Cidrs;
  d.ManagedPrefixLists.push({
    PrefixListId: "pl-2",
    PrefixListName: "partners-copy",
    Entries: [{ Cidr: pick(r, entries) }, { Cidr: "198.51.100.0/24" }],
  });
  const { DestinationPrefixListId: _, ...target } = x;
  const other = pick(r, [
    { TransitGatewayId: "tgw-1", Origin: "CreateRoute", State: "active" as const },
    { VpcPeeringConnectionId: "pcx-1", Origin: "CreateRoute", State: "active" as const },
  ]);
  const route = { DestinationPrefixListId: "pl-2", ...(chance(r, 25) ? target : other) };
  if (chance(r, 50)) t.Routes.push(route);
  else t.Routes.unshift(route);
}

/**
 * Interfaces made like another one: its subnet, groups and listings, an instance like its own (type,
 * platform, metadata options), with addresses of their own (.30 + j, a public IP if it has one, an
 * IPv6 address if it has one). The audit computes such look-alikes once and fills each one's
 * addresses in, which must not show: the raw differential audits each source alone as well.
 */
function twins(r: Rand, d: AwsDump): void {
  const all = interfacesOf(d).filter((x) => /^eni-\d+$/.test(x.eni.NetworkInterfaceId));
  for (let j = 1, n = r.int(1, 2); j <= n && all.length > 0; j++) {
    const { eni, instance } = pick(r, all);
    const id = `eni-twin${j}`;
    const ip = eni.PrivateIpAddress.replace(/\.\d+$/, `.${30 + j}`);
    const pub = eni.Association ? { PublicIp: `3.0.2.${j}` } : undefined;
    const v6 = eni.Ipv6Addresses?.[0]?.Ipv6Address.replace(/::[0-9a-f]+$/, `::${30 + j}`);
    const twin = {
      NetworkInterfaceId: id,
      SubnetId: eni.SubnetId,
      VpcId: eni.VpcId,
      Status: eni.Status,
      PrivateIpAddress: ip,
      PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: ip, ...(pub ? { Association: pub } : {}) }],
      ...(pub ? { Association: pub } : {}),
      ...(v6 ? { Ipv6Addresses: [{ Ipv6Address: v6 }] } : {}),
      Groups: eni.Groups.map((g) => ({ ...g })),
    };
    const listed = d.NetworkInterfaces.some((e) => e.NetworkInterfaceId === eni.NetworkInterfaceId);
    if (listed)
      d.NetworkInterfaces.push({
        ...twin,
        InterfaceType: eni.InterfaceType,
        ...(eni.Attachment && instance
          ? { Attachment: { ...eni.Attachment, InstanceId: `i-twin${j}` } }
          : {}),
      });
    if (instance) {
      const copy: RawInstance = {
        ...instance,
        InstanceId: `i-twin${j}`,
        PrivateIpAddress: ip,
        NetworkInterfaces: [{ ...twin, Attachment: { DeviceIndex: 0 } }],
      };
      if (pub) copy.PublicIpAddress = pub.PublicIp;
      else delete copy.PublicIpAddress;
      d.Reservations.push({ ReservationId: `r-twin${j}`, Instances: [copy] });
    }
  }
}

/**
 * Now and then a /28 delegated to an interface (EKS prefix mode), in every listing of it, at a place
 * of its subnet no other address uses (.96 + 16 k for eni-k).
 */
function delegatePrefixes(r: Rand, d: AwsDump): void {
  eachNumberedInterface(d, (k, copies) => {
    if (!chance(r, 20)) return;
    const subnet = d.Subnets.find((s) => s.SubnetId === copies[0]!.SubnetId);
    if (!subnet) return;
    const Ipv4Prefix = subnet.CidrBlock.replace(/\.0\/24$/, `.${96 + 16 * k}/28`);
    for (const c of copies) c.Ipv4Prefixes = [{ Ipv4Prefix }];
  });
}

/** What every listing of an interface has, and the generator's later draws add to. */
type Listing = Pick<RawEni, "SubnetId" | "Ipv4Prefixes" | "Ipv6Prefixes" | "PrivateIpAddresses">;

/**
 * Calls `f` for each interface eni-k, in id order, with every listing of it (describe-network-interfaces
 * and the instances'), so that what it adds is in all of them.
 */
function eachNumberedInterface(d: AwsDump, f: (k: number, copies: Listing[]) => void): void {
  const listings = new Map<string, Listing[]>();
  for (const eni of d.NetworkInterfaces) listings.set(eni.NetworkInterfaceId, [eni]);
  for (const rsv of d.Reservations)
    for (const instance of rsv.Instances)
      for (const eni of instance.NetworkInterfaces ?? [])
        listings.set(eni.NetworkInterfaceId, [...(listings.get(eni.NetworkInterfaceId) ?? []), eni]);
  for (const [id, copies] of [...listings].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const k = Number(/^eni-(\d+)$/.exec(id)?.[1] ?? -1);
    if (k >= 0) f(k, copies);
  }
}

/**
 * Public addresses from ranges brought to AWS (BYOIP): pools on Elastic IPs and the VPC's IPv6 block
 * (Amazon's, a BYOIP pool, an IPAM pool), and most of the time describe-byoip-cidrs, whose ranges
 * (nested now and then, as two snapshots could make them) hold some of the interfaces', NAT
 * gateways' or the VPC's addresses, each in a state.
 */
function byoip(r: Rand, d: AwsDump): void {
  const pools4 = ["amazon", "ipv4pool-ec2-0a1b2c3d4e5f60001", "ipam-pool-0a1b2c3d4e5f60002"];
  for (const a of d.Addresses) if (chance(r, 80)) a.PublicIpv4Pool = pick(r, pools4);
  const pools6 = ["Amazon", "ipv6pool-ec2-0a1b2c3d4e5f60003", "IPAM Managed"];
  for (const b of d.Vpcs[0]!.Ipv6CidrBlockAssociationSet ?? [])
    if (chance(r, 60)) b.Ipv6Pool = pick(r, pools6);
  if (chance(r, 30)) return;
  // Ranges around addresses in use (their /24, and now and then the /16 around that as well, each in
  // its own state), others: a range no address is in, the VPC's IPv6 block and one around it.
  const used = [
    ...d.NetworkInterfaces.flatMap((e) => e.PrivateIpAddresses.flatMap((a) => a.Association?.PublicIp ?? [])),
    ...d.NatGateways.flatMap((n) => n.NatGatewayAddresses.flatMap((a) => a.PublicIp ?? [])),
  ];
  const states = [
    "advertised",
    "provisioned",
    "provisioned-not-publicly-advertisable",
    "pending-advertising",
  ];
  states.push("failed-provision");
  const ranges: { Cidr: string; State: string }[] = [];
  const add = (Cidr: string): void => {
    if (!ranges.some((c) => c.Cidr === Cidr)) ranges.push({ Cidr, State: pick(r, states) });
  };
  for (let k = r.int(0, 3); k > 0; k--) {
    if (used.length > 0 && chance(r, 60)) {
      const [a, b, c] = pick(r, used).split(".");
      add(`${a}.${b}.${c}.0/24`);
      if (chance(r, 50)) add(`${a}.${b}.0.0/16`);
    } else add(pick(r, ["198.51.100.0/24", "2600:1f18:1::/48", VPC_V6]));
  }
  d.ByoipCidrs = ranges;
}

/** A NAT gateway's primary address (the one its traffic leaves from, and its primary Elastic IP). */
export function primaryOf(n: RawNat): RawNat["NatGatewayAddresses"][number] {
  return n.NatGatewayAddresses.find((a) => a.IsPrimary)!;
}

/**
 * Every interface, wherever it is listed, with the instance it belongs to: the one that lists it, or
 * an instance listed without its interfaces that its Attachment names.
 */
export function interfacesOf(d: AwsDump): { eni: RawEni; instance?: RawInstance }[] {
  const out = new Map<string, { eni: RawEni; instance?: RawInstance }>();
  for (const eni of d.NetworkInterfaces) out.set(eni.NetworkInterfaceId, { eni });
  const bare: RawInstance[] = [];
  for (const rsv of d.Reservations)
    for (const instance of rsv.Instances) {
      if ((instance.NetworkInterfaces ?? []).length === 0) bare.push(instance);
      for (const attached of instance.NetworkInterfaces ?? []) {
        const eni = out.get(attached.NetworkInterfaceId)?.eni ?? { ...attached, InterfaceType: "interface" };
        out.set(eni.NetworkInterfaceId, { eni, instance });
      }
    }
  for (const x of out.values())
    x.instance ??= bare.find((i) => i.InstanceId === x.eni.Attachment?.InstanceId);
  return [...out.values()];
}

/** Instances listed without their interfaces whose interfaces no listing attaches to them. */
export function lostInstances(d: AwsDump): string[] {
  const found = new Set(interfacesOf(d).flatMap((x) => (x.instance ? [x.instance.InstanceId] : [])));
  return d.Reservations.flatMap((rsv) =>
    rsv.Instances.filter((i) => (i.NetworkInterfaces ?? []).length === 0 && !found.has(i.InstanceId)).map(
      (i) => i.InstanceId,
    ),
  );
}

/** Destinations worth asking about: outside the VPC, every interface, a free address per subnet, none. */
export function destinationsOf(d: AwsDump): string[] {
  return [
    ...OUTSIDE,
    ...interfacesOf(d).flatMap((x) => [
      ...x.eni.PrivateIpAddresses.map((a) => a.PrivateIpAddress),
      ...(x.eni.Ipv6Addresses ?? []).map((a) => a.Ipv6Address),
      // An address of a delegated prefix (a pod's): its second.
      ...(x.eni.Ipv4Prefixes ?? []).map((p) => {
        const [a, b, c, last] = p.Ipv4Prefix.split("/")[0]!.split(".");
        return `${a}.${b}.${c}.${Number(last) + 1}`;
      }),
      ...(x.eni.Ipv6Prefixes ?? []).map((p) => p.Ipv6Prefix.replace(/::\/80$/, "::1")),
    ]),
    ...d.Subnets.flatMap((s, i) => [
      s.CidrBlock.replace(/\.0\/24$/, ".99"),
      ...(s.Ipv6CidrBlockAssociationSet ? [v6In(i, "99")] : []),
    ]),
    "10.0.200.1", // in the VPC, in no subnet
    ...(d.Vpcs[0]!.CidrBlockAssociationSet ? ["100.65.200.1"] : []),
    // What AWS answers itself: the VPC resolver (base + 2), the link-local services, and IPv6 ones.
    "10.0.0.2",
    "169.254.169.253",
    "169.254.169.254",
    "169.254.169.123",
    "169.254.169.251",
    "169.254.169.1", // link-local, no service
    "fd00:ec2::253",
    "fd00:ec2::254",
    "fd00:ec2::123",
    ...(d.Vpcs[0]!.Ipv6CidrBlockAssociationSet ? ["2600:1f18:1:aff::1"] : []),
  ];
}
