// The raw shapes of `aws ec2 describe-*` output (the AWS CLI's JSON, which is also the SDK's output),
// validated at the edge. Only the fields the audit reads are declared; everything else passes through
// untouched and is ignored. A declared field of the wrong type is an InputError naming file and JSON path.
import { z } from "zod";

const str = z.string();
const num = z.number();
const bool = z.boolean();
/** A port field: 0..65535, or -1 (all); for ICMP the type or code (checked against 0..255 where read). */
const port = z.number().int().min(-1).max(65535);
/** An ICMP type or code: 0..255, or -1 (all). */
const icmpNumber = z.number().int().min(-1).max(255);
const tags = z.array(z.looseObject({ Key: str.nullish(), Value: str.nullish() })).nullish();
/** A CIDR block association's state (VPC and subnet blocks): "associated", "disassociated" ... */
const blockState = z.looseObject({ State: str.nullish() }).nullish();
/** The security groups of an interface (GroupIdentifier list). */
const groupRefs = z.array(z.looseObject({ GroupId: str, GroupName: str.nullish() })).nullish();
/**
 * An address's public IP (NetworkInterfaceAssociation): IpOwnerId "amazon" for a public IP AWS assigned,
 * the owning account (and an AllocationId) for an Elastic IP.
 */
const publicAssociation = z
  .looseObject({ PublicIp: str.nullish(), IpOwnerId: str.nullish(), AllocationId: str.nullish() })
  .nullish();

export const Vpc = z.looseObject({
  VpcId: str,
  /** The account that owns the VPC (a shared VPC's participants see the owner's). */
  OwnerId: str.nullish(),
  CidrBlock: str.nullish(),
  CidrBlockAssociationSet: z.array(z.looseObject({ CidrBlock: str, CidrBlockState: blockState })).nullish(),
  Ipv6CidrBlockAssociationSet: z
    .array(
      z.looseObject({
        Ipv6CidrBlock: str.nullish(),
        Ipv6CidrBlockState: blockState,
        /** "public" or "private" (an IPAM block AWS does not advertise on the internet). */
        Ipv6AddressAttribute: str.nullish(),
        /** "Amazon", or the pool of a range brought to AWS (BYOIP) or managed by IPAM. */
        Ipv6Pool: str.nullish(),
      }),
    )
    .nullish(),
  Tags: tags,
});

export const Subnet = z.looseObject({
  SubnetId: str,
  VpcId: str,
  /** The account that owns the subnet, which is its VPC's owner (participants of a shared one see it too). */
  OwnerId: str.nullish(),
  CidrBlock: str.nullish(),
  Ipv6CidrBlockAssociationSet: z
    .array(z.looseObject({ Ipv6CidrBlock: str.nullish(), Ipv6CidrBlockState: blockState }))
    .nullish(),
  /**
   * Zone names are mapped per account (one subnet is us-east-1a to its owner, us-east-1c to a
   * participant); the zone's id (use1-az1) is the same for every account.
   */
  AvailabilityZone: str.nullish(),
  AvailabilityZoneId: str.nullish(),
  Tags: tags,
});

export const Route = z.looseObject({
  DestinationCidrBlock: str.nullish(),
  DestinationIpv6CidrBlock: str.nullish(),
  DestinationPrefixListId: str.nullish(),
  GatewayId: str.nullish(),
  NatGatewayId: str.nullish(),
  TransitGatewayId: str.nullish(),
  VpcPeeringConnectionId: str.nullish(),
  NetworkInterfaceId: str.nullish(),
  InstanceId: str.nullish(),
  EgressOnlyInternetGatewayId: str.nullish(),
  LocalGatewayId: str.nullish(),
  CarrierGatewayId: str.nullish(),
  CoreNetworkArn: str.nullish(),
  State: str.nullish(),
  Origin: str.nullish(),
});

export const RouteTable = z.looseObject({
  RouteTableId: str,
  VpcId: str,
  Associations: z
    .array(
      z.looseObject({
        Main: bool.nullish(),
        SubnetId: str.nullish(),
        GatewayId: str.nullish(),
        AssociationState: z.looseObject({ State: str.nullish() }).nullish(),
      }),
    )
    .nullish(),
  Routes: z.array(Route).nullish(),
  Tags: tags,
});

export const NetworkAclEntry = z.looseObject({
  CidrBlock: str.nullish(),
  Ipv6CidrBlock: str.nullish(),
  Egress: bool,
  Protocol: z.union([str, num]),
  RuleAction: z.enum(["allow", "deny"]),
  RuleNumber: num,
  PortRange: z.looseObject({ From: port.nullish(), To: port.nullish() }).nullish(),
  IcmpTypeCode: z.looseObject({ Type: icmpNumber.nullish(), Code: icmpNumber.nullish() }).nullish(),
});

export const NetworkAcl = z.looseObject({
  NetworkAclId: str,
  VpcId: str,
  IsDefault: bool.nullish(),
  Associations: z.array(z.looseObject({ SubnetId: str.nullish() })).nullish(),
  Entries: z.array(NetworkAclEntry).nullish(),
  Tags: tags,
});

export const IpPermission = z.looseObject({
  IpProtocol: z.union([str, num]),
  FromPort: port.nullish(),
  ToPort: port.nullish(),
  IpRanges: z.array(z.looseObject({ CidrIp: str, Description: str.nullish() })).nullish(),
  Ipv6Ranges: z.array(z.looseObject({ CidrIpv6: str, Description: str.nullish() })).nullish(),
  PrefixListIds: z.array(z.looseObject({ PrefixListId: str, Description: str.nullish() })).nullish(),
  UserIdGroupPairs: z
    .array(
      z.looseObject({
        GroupId: str.nullish(),
        Description: str.nullish(),
        VpcPeeringConnectionId: str.nullish(),
      }),
    )
    .nullish(),
});

export const SecurityGroup = z.looseObject({
  GroupId: str,
  GroupName: str.nullish(),
  VpcId: str.nullish(),
  Description: str.nullish(),
  IpPermissions: z.array(IpPermission).nullish(),
  IpPermissionsEgress: z.array(IpPermission).nullish(),
});

const PrivateIp = z.looseObject({
  PrivateIpAddress: str.nullish(),
  Primary: bool.nullish(),
  Association: publicAssociation,
});

export const NetworkInterface = z
  .looseObject({
    NetworkInterfaceId: str,
    SubnetId: str.nullish(),
    VpcId: str.nullish(),
    PrivateIpAddress: str.nullish(),
    PrivateIpAddresses: z.array(PrivateIp).nullish(),
    Ipv6Addresses: z.array(z.looseObject({ Ipv6Address: str.nullish() })).nullish(),
    /** Prefix delegation (EKS puts pods' addresses in these): blocks the interface owns. */
    Ipv4Prefixes: z.array(z.looseObject({ Ipv4Prefix: str.nullish() })).nullish(),
    Ipv6Prefixes: z.array(z.looseObject({ Ipv6Prefix: str.nullish() })).nullish(),
    Groups: groupRefs,
    Association: publicAssociation,
    Attachment: z
      .looseObject({ InstanceId: str.nullish(), DeviceIndex: num.nullish(), NetworkCardIndex: num.nullish() })
      .nullish(),
    InterfaceType: str.nullish(),
    Description: str.nullish(),
    /** Who made a requester-managed interface: "amazon-elb" for load balancers. */
    RequesterId: str.nullish(),
    Status: str.nullish(),
    /** Whether EC2 drops what is neither from nor to the interface's own addresses (on unless turned off). */
    SourceDestCheck: bool.nullish(),
    TagSet: tags,
    // An id makes the JSON Schema a definition of its own, which the generated validators check in a
    // function of its own (see scripts/aws-validators.ts): inlined into the instance's, it made one
    // function past what tsc can analyse.
  })
  .meta({ id: "NetworkInterface" });

export const Instance = z.looseObject({
  InstanceId: str,
  State: z.looseObject({ Name: str.nullish() }).nullish(),
  SubnetId: str.nullish(),
  VpcId: str.nullish(),
  PrivateIpAddress: str.nullish(),
  PublicIpAddress: str.nullish(),
  Platform: str.nullish(),
  /** The primary interface's source/destination check (see NetworkInterface). */
  SourceDestCheck: bool.nullish(),
  /** Looked up in InstanceTypes: whether it is built on the Nitro System. */
  InstanceType: str.nullish(),
  NetworkInterfaces: z.array(NetworkInterface).nullish(),
  /** Whether the instance metadata service answers it (HttpEndpoint, default enabled) and over IPv6 too. */
  MetadataOptions: z
    .looseObject({ State: str.nullish(), HttpEndpoint: str.nullish(), HttpProtocolIpv6: str.nullish() })
    .nullish(),
  Tags: tags,
});

export const Reservation = z.looseObject({ Instances: z.array(Instance).nullish() });

const Attachments = z.array(z.looseObject({ VpcId: str.nullish(), State: str.nullish() })).nullish();
export const InternetGateway = z.looseObject({ InternetGatewayId: str, Attachments, Tags: tags });
export const EgressOnlyInternetGateway = z.looseObject({
  EgressOnlyInternetGatewayId: str,
  Attachments,
  Tags: tags,
});

export const NatGateway = z.looseObject({
  NatGatewayId: str,
  /** Absent for a regional NAT gateway (AvailabilityMode regional), which no subnet holds. */
  SubnetId: str.nullish(),
  VpcId: str.nullish(),
  State: str.nullish(),
  ConnectivityType: str.nullish(),
  NatGatewayAddresses: z
    .array(
      z.looseObject({
        PrivateIp: str.nullish(),
        PublicIp: str.nullish(),
        /** The gateway's own interface (the same one for all its addresses). */
        NetworkInterfaceId: str.nullish(),
        IsPrimary: bool.nullish(),
        /** assigning, unassigning, associating, disassociating, succeeded or failed. */
        Status: str.nullish(),
      }),
    )
    .nullish(),
  Tags: tags,
});

export const Address = z.looseObject({
  PublicIp: str.nullish(),
  PrivateIpAddress: str.nullish(),
  NetworkInterfaceId: str.nullish(),
  InstanceId: str.nullish(),
  /** "amazon", or the pool of a range brought to AWS (BYOIP) or managed by IPAM. */
  PublicIpv4Pool: str.nullish(),
  /** The region ("us-east-1"), or a Local Zone's group in it ("us-west-2-lax-1"). */
  NetworkBorderGroup: str.nullish(),
});

/** `aws ec2 describe-byoip-cidrs`: the address ranges brought to AWS, and whether AWS advertises each. */
export const ByoipCidr = z.looseObject({
  Cidr: str,
  State: str.nullish(),
});

export const PrefixList = z.looseObject({
  PrefixListId: str,
  PrefixListName: str.nullish(),
  Cidrs: z.array(str).nullish(),
  /** describe-managed-prefix-lists prints its lists under this key too, with State (see ManagedPrefixList). */
  State: str.nullish(),
});
export const ManagedPrefixList = z.looseObject({
  PrefixListId: str,
  PrefixListName: str.nullish(),
  /** "AWS" for AWS-managed lists, else the owning account. */
  OwnerId: str.nullish(),
  /** create-complete, modify-in-progress, ... (see prefix-list.ts listStateDoubt). */
  State: str.nullish(),
  // Added by egress-audit's collector (GetManagedPrefixListEntries); absent in plain describe output.
  Entries: z.array(z.looseObject({ Cidr: str, Description: str.nullish() })).nullish(),
});

export const VpcEndpoint = z.looseObject({
  VpcEndpointId: str,
  VpcEndpointType: str.nullish(),
  State: str.nullish(),
  VpcId: str.nullish(),
  ServiceName: str.nullish(),
  NetworkInterfaceIds: z.array(str).nullish(),
  /** An interface endpoint's security groups: its interfaces' (the EC2 API reference). */
  Groups: groupRefs,
});

/** One side of a VPC peering connection (VpcPeeringConnectionVpcInfo): its VPC and that VPC's blocks. */
const peeringSide = z
  .looseObject({
    VpcId: str.nullish(),
    OwnerId: str.nullish(),
    Region: str.nullish(),
    CidrBlock: str.nullish(),
    CidrBlockSet: z.array(z.looseObject({ CidrBlock: str.nullish() })).nullish(),
    Ipv6CidrBlockSet: z.array(z.looseObject({ Ipv6CidrBlock: str.nullish() })).nullish(),
  })
  .nullish();

export const VpcPeeringConnection = z.looseObject({
  VpcPeeringConnectionId: str,
  AccepterVpcInfo: peeringSide,
  RequesterVpcInfo: peeringSide,
  Status: z.looseObject({ Code: str.nullish(), Message: str.nullish() }).nullish(),
});

/** `aws eks describe-cluster` output (a single object under `cluster`). */
export const EksCluster = z.looseObject({
  name: str,
  arn: str.nullish(),
  // Required: describe-cluster always prints it, and the cluster's nodes are found by it.
  resourcesVpcConfig: z.looseObject({
    vpcId: str.nullish(),
    subnetIds: z.array(str).nullish(),
    securityGroupIds: z.array(str).nullish(),
    clusterSecurityGroupId: str.nullish(),
  }),
});

/** Written by egress-audit's collector for calls it was not allowed to make. */
export const CollectionGap = z.looseObject({
  region: str,
  call: str,
  action: str,
  key: str,
  code: str,
  message: str,
});

/**
 * VPC Block Public Access: `aws ec2 describe-vpc-block-public-access-options` prints one object per
 * region under `VpcBlockPublicAccessOptions` (read as a one-item list, see snapshot.ts), and
 * describe-vpc-block-public-access-exclusions a list.
 */
export const BlockPublicAccessOptions = z.looseObject({
  /** The account whose setting it is: it governs the VPCs that account owns (Vpc.OwnerId). */
  AwsAccountId: str.nullish(),
  AwsRegion: str.nullish(),
  /** default-state (never changed), update-in-progress or update-complete. */
  State: str.nullish(),
  InternetGatewayBlockMode: str.nullish(),
  ExclusionsAllowed: str.nullish(),
});
/**
 * `aws ec2 describe-vpc-attribute --vpc-id ID --attribute enableDnsSupport` prints one object,
 * {"VpcId": ..., "EnableDnsSupport": {"Value": true}}, read as a one-item list (see snapshot.ts);
 * the collector stores a region's as a list under the same key.
 */
export const VpcDnsSupport = z.looseObject({
  VpcId: str,
  EnableDnsSupport: z.looseObject({ Value: bool.nullish() }).nullish(),
});

/**
 * `aws ec2 describe-instance-types` (InstanceTypeInfo): `Hypervisor` is "nitro" or "xen", absent for
 * bare metal types (which run on the Nitro System too). Instances' own `Hypervisor` field says "xen"
 * for both kinds, so the type is where to look.
 */
export const InstanceTypeInfo = z.looseObject({
  InstanceType: str,
  Hypervisor: str.nullish(),
  BareMetal: bool.nullish(),
});

export const BlockPublicAccessExclusion = z.looseObject({
  ExclusionId: str.nullish(),
  InternetGatewayExclusionMode: str.nullish(),
  ResourceArn: str.nullish(),
  State: str.nullish(),
});

/** Top-level keys the audit reads, with the schema of their items. Other keys are ignored. */
export const AWS_KEYS = {
  Vpcs: Vpc,
  Subnets: Subnet,
  RouteTables: RouteTable,
  NetworkAcls: NetworkAcl,
  SecurityGroups: SecurityGroup,
  NetworkInterfaces: NetworkInterface,
  Reservations: Reservation,
  InternetGateways: InternetGateway,
  EgressOnlyInternetGateways: EgressOnlyInternetGateway,
  NatGateways: NatGateway,
  Addresses: Address,
  PrefixLists: PrefixList,
  ManagedPrefixLists: ManagedPrefixList,
  VpcEndpoints: VpcEndpoint,
  VpcPeeringConnections: VpcPeeringConnection,
  EgressAuditCollectionGaps: CollectionGap,
  /** Not a describe-* list: `{"cluster": {...}}` objects are filed here (see snapshot.ts). */
  EksClusters: EksCluster,
  VpcBlockPublicAccessOptions: BlockPublicAccessOptions,
  VpcBlockPublicAccessExclusions: BlockPublicAccessExclusion,
  EnableDnsSupport: VpcDnsSupport,
  InstanceTypes: InstanceTypeInfo,
  ByoipCidrs: ByoipCidr,
} as const;

export type AwsKey = keyof typeof AWS_KEYS;
export type RawOf<K extends AwsKey> = z.infer<(typeof AWS_KEYS)[K]>;

export type RawVpc = z.infer<typeof Vpc>;
export type RawSubnet = z.infer<typeof Subnet>;
export type RawRouteTable = z.infer<typeof RouteTable>;
export type RawRoute = z.infer<typeof Route>;
export type RawNetworkAcl = z.infer<typeof NetworkAcl>;
export type RawSecurityGroup = z.infer<typeof SecurityGroup>;
export type RawIpPermission = z.infer<typeof IpPermission>;
export type RawNetworkInterface = z.infer<typeof NetworkInterface>;
export type RawInstance = z.infer<typeof Instance>;
export type RawInstanceType = z.infer<typeof InstanceTypeInfo>;
export type RawNatGateway = z.infer<typeof NatGateway>;
export type RawVpcPeeringConnection = z.infer<typeof VpcPeeringConnection>;
export type RawCollectionGap = z.infer<typeof CollectionGap>;
export type RawEksCluster = z.infer<typeof EksCluster>;
