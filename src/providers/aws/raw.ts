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
const tags = z.array(z.looseObject({ Key: str.optional(), Value: str.optional() })).optional();

export const Vpc = z.looseObject({
  VpcId: str,
  CidrBlock: str.optional(),
  CidrBlockAssociationSet: z
    .array(
      z.looseObject({ CidrBlock: str, CidrBlockState: z.looseObject({ State: str.optional() }).optional() }),
    )
    .optional(),
  Ipv6CidrBlockAssociationSet: z
    .array(
      z.looseObject({
        Ipv6CidrBlock: str.optional(),
        Ipv6CidrBlockState: z.looseObject({ State: str.optional() }).optional(),
      }),
    )
    .optional(),
  Tags: tags,
});

export const Subnet = z.looseObject({
  SubnetId: str,
  VpcId: str,
  CidrBlock: str.optional(),
  Ipv6CidrBlockAssociationSet: z.array(z.looseObject({ Ipv6CidrBlock: str.optional() })).optional(),
  AvailabilityZone: str.optional(),
  Tags: tags,
});

export const Route = z.looseObject({
  DestinationCidrBlock: str.optional(),
  DestinationIpv6CidrBlock: str.optional(),
  DestinationPrefixListId: str.optional(),
  GatewayId: str.optional(),
  NatGatewayId: str.optional(),
  TransitGatewayId: str.optional(),
  VpcPeeringConnectionId: str.optional(),
  NetworkInterfaceId: str.optional(),
  InstanceId: str.optional(),
  EgressOnlyInternetGatewayId: str.optional(),
  LocalGatewayId: str.optional(),
  CarrierGatewayId: str.optional(),
  CoreNetworkArn: str.optional(),
  State: str.optional(),
  Origin: str.optional(),
});

export const RouteTable = z.looseObject({
  RouteTableId: str,
  VpcId: str,
  Associations: z
    .array(z.looseObject({ Main: bool.optional(), SubnetId: str.optional(), GatewayId: str.optional() }))
    .optional(),
  Routes: z.array(Route).optional(),
  Tags: tags,
});

export const NetworkAclEntry = z.looseObject({
  CidrBlock: str.optional(),
  Ipv6CidrBlock: str.optional(),
  Egress: bool,
  Protocol: z.union([str, num]),
  RuleAction: z.enum(["allow", "deny"]),
  RuleNumber: num,
  PortRange: z.looseObject({ From: port.optional(), To: port.optional() }).optional(),
  IcmpTypeCode: z.looseObject({ Type: icmpNumber.optional(), Code: icmpNumber.optional() }).optional(),
});

export const NetworkAcl = z.looseObject({
  NetworkAclId: str,
  VpcId: str,
  IsDefault: bool.optional(),
  Associations: z.array(z.looseObject({ SubnetId: str.optional() })).optional(),
  Entries: z.array(NetworkAclEntry).optional(),
  Tags: tags,
});

export const IpPermission = z.looseObject({
  IpProtocol: z.union([str, num]),
  FromPort: port.optional(),
  ToPort: port.optional(),
  IpRanges: z.array(z.looseObject({ CidrIp: str, Description: str.optional() })).optional(),
  Ipv6Ranges: z.array(z.looseObject({ CidrIpv6: str, Description: str.optional() })).optional(),
  PrefixListIds: z.array(z.looseObject({ PrefixListId: str, Description: str.optional() })).optional(),
  UserIdGroupPairs: z
    .array(
      z.looseObject({
        GroupId: str.optional(),
        Description: str.optional(),
        VpcPeeringConnectionId: str.optional(),
      }),
    )
    .optional(),
});

export const SecurityGroup = z.looseObject({
  GroupId: str,
  GroupName: str.optional(),
  VpcId: str.optional(),
  Description: str.optional(),
  IpPermissions: z.array(IpPermission).optional(),
  IpPermissionsEgress: z.array(IpPermission).optional(),
});

const PrivateIp = z.looseObject({
  PrivateIpAddress: str.optional(),
  Primary: bool.optional(),
  Association: z.looseObject({ PublicIp: str.optional() }).optional(),
});

export const NetworkInterface = z.looseObject({
  NetworkInterfaceId: str,
  SubnetId: str.optional(),
  VpcId: str.optional(),
  PrivateIpAddress: str.optional(),
  PrivateIpAddresses: z.array(PrivateIp).optional(),
  Ipv6Addresses: z.array(z.looseObject({ Ipv6Address: str.optional() })).optional(),
  Groups: z.array(z.looseObject({ GroupId: str, GroupName: str.optional() })).optional(),
  Association: z.looseObject({ PublicIp: str.optional() }).optional(),
  Attachment: z.looseObject({ InstanceId: str.optional(), DeviceIndex: num.optional() }).optional(),
  InterfaceType: str.optional(),
  Description: str.optional(),
  Status: str.optional(),
  TagSet: tags,
});

export const Instance = z.looseObject({
  InstanceId: str,
  State: z.looseObject({ Name: str.optional() }).optional(),
  SubnetId: str.optional(),
  VpcId: str.optional(),
  PrivateIpAddress: str.optional(),
  PublicIpAddress: str.optional(),
  Platform: str.optional(),
  NetworkInterfaces: z.array(NetworkInterface).optional(),
  Tags: tags,
});

export const Reservation = z.looseObject({ Instances: z.array(Instance).optional() });

const Attachments = z.array(z.looseObject({ VpcId: str.optional(), State: str.optional() })).optional();
export const InternetGateway = z.looseObject({ InternetGatewayId: str, Attachments, Tags: tags });
export const EgressOnlyInternetGateway = z.looseObject({
  EgressOnlyInternetGatewayId: str,
  Attachments,
  Tags: tags,
});

export const NatGateway = z.looseObject({
  NatGatewayId: str,
  SubnetId: str,
  VpcId: str.optional(),
  State: str.optional(),
  ConnectivityType: str.optional(),
  NatGatewayAddresses: z
    .array(z.looseObject({ PrivateIp: str.optional(), PublicIp: str.optional(), IsPrimary: bool.optional() }))
    .optional(),
  Tags: tags,
});

export const Address = z.looseObject({
  PublicIp: str.optional(),
  PrivateIpAddress: str.optional(),
  NetworkInterfaceId: str.optional(),
  InstanceId: str.optional(),
});

export const PrefixList = z.looseObject({
  PrefixListId: str,
  PrefixListName: str.optional(),
  Cidrs: z.array(str).optional(),
});
export const ManagedPrefixList = z.looseObject({
  PrefixListId: str,
  PrefixListName: str.optional(),
  // Added by egress-audit's collector (GetManagedPrefixListEntries); absent in plain describe output.
  Entries: z.array(z.looseObject({ Cidr: str, Description: str.optional() })).optional(),
});

export const VpcEndpoint = z.looseObject({
  VpcEndpointId: str,
  VpcEndpointType: str.optional(),
  VpcId: str.optional(),
  ServiceName: str.optional(),
  NetworkInterfaceIds: z.array(str).optional(),
});

export const VpcPeeringConnection = z.looseObject({ VpcPeeringConnectionId: str });

/** `aws eks describe-cluster` output (a single object under `cluster`). */
export const EksCluster = z.looseObject({
  name: str,
  arn: str.optional(),
  resourcesVpcConfig: z
    .looseObject({
      vpcId: str.optional(),
      subnetIds: z.array(str).optional(),
      securityGroupIds: z.array(str).optional(),
      clusterSecurityGroupId: str.optional(),
    })
    .optional(),
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
export type RawNatGateway = z.infer<typeof NatGateway>;
export type RawEksCluster = z.infer<typeof EksCluster>;
