// Which network interfaces are audited as sources, by their InterfaceType (describe-network-interfaces).
// An auditor reads the report as the list of everything that can send: an interface may be left out
// only where AWS documents that it opens no connection of its own through the customer's security
// groups and routes. Every other type is a source, a type this version does not know included (with a
// warning: what it is cannot be told, so it is audited rather than dropped). README.md ("What is
// audited") and docs/semantics.md list the same types.

/** Types an EC2 instance (or a pod, through a trunk's branch) sends through: its OS may be known. */
const INSTANCE_TYPES = new Set(["interface", "efa", "efa-only", "evs", "trunk", "branch"]);

/**
 * AWS-managed interfaces that open connections of their own, through the security groups and subnets
 * the customer gives them; what runs behind them is not an instance, so the client ports they use
 * cannot be told (ANY_CLIENT_PORTS). What AWS documents:
 * - lambda: a function in a VPC sends through its interface.
 * - quicksight: a QuickSight VPC connection reaches data sources through interfaces it creates with the
 *   customer's groups ("Configuring the VPC connection", Amazon QuickSight user guide).
 * - iot_rules_managed: a rule's VPC destination; "the rules engine creates an elastic network
 *   interface in each subnet" and sends to Kafka clusters through it, to public ones through a NAT
 *   gateway (AWS IoT Core, "Virtual private cloud (VPC) destinations").
 * - aws_codestar_connections_managed: a connections host set up with a VPC reaches a self-managed
 *   GitHub Enterprise Server or GitLab through its interfaces (Developer Tools console, "Create a host").
 * - api_gateway_managed: a VPC link's interfaces carry API Gateway's requests to private integrations
 *   ("Set up VPC links for HTTP APIs", API Gateway developer guide).
 * - ec2_instance_connect_endpoint: its security group "must allow outbound traffic destined for the
 *   target instances to leave the endpoint" (EC2 user guide, "Security groups for EC2 Instance Connect
 *   Endpoint").
 * - load_balancer: load balancer nodes connect to their targets and health-check them from their own
 *   addresses; an Application Load Balancer that authenticates users also calls the identity
 *   provider's endpoints on the internet, and AWS asks for outbound rules, network ACL entries and
 *   routes for it ("Authenticate users using an Application Load Balancer"; knowledge center,
 *   "elb-configure-authentication-alb"). (Application and Classic Load Balancers' nodes mostly have
 *   interfaces of type "interface", audited as any.)
 */
const MANAGED_SOURCE_TYPES = new Set([
  "lambda",
  "quicksight",
  "iot_rules_managed",
  "aws_codestar_connections_managed",
  "api_gateway_managed",
  "ec2_instance_connect_endpoint",
  "load_balancer",
]);

/** A NAT gateway's own interface: describe output spells its type nat_gateway, the SDKs' enum natGateway. */
const NAT_GATEWAY_TYPES: readonly string[] = ["nat_gateway", "natGateway"];

/** Types that open no connection of their own, and why (README.md lists them). */
export const NOT_SOURCE_TYPES: ReadonlyMap<string, string> = new Map([
  ...NAT_GATEWAY_TYPES.map(
    (t) => [t, "a NAT gateway's own interface: what it sends is analysed as the NAT gateway"] as const,
  ),
  [
    "network_load_balancer",
    "a Network Load Balancer connects only to its targets and health-checks them, in the VPC or in private ranges (an IP target cannot be publicly routable)",
  ],
  [
    "gateway_load_balancer",
    "a Gateway Load Balancer hands traffic to its appliances (targets in the VPC) and health-checks them",
  ],
  ["vpc_endpoint", "an interface VPC endpoint only answers: its address is a destination (cloud-service)"],
  [
    "gateway_load_balancer_endpoint",
    "a Gateway Load Balancer endpoint forwards others' traffic (a route target, unknown beyond)",
  ],
  [
    "transit_gateway",
    "a transit gateway attachment forwards others' traffic (a route target, unknown beyond)",
  ],
  ["global_accelerator_managed", "Global Accelerator forwards its clients' connections to the endpoint"],
]);

export type SourceKind = "instance" | "managed" | "unknown-type";

/**
 * How an interface of this type is audited: as an instance's (client ports by its OS), as an
 * AWS-managed sender's (any client port), as one of a type this version does not know (any client
 * port, and a warning), or not at all (undefined: NOT_SOURCE_TYPES).
 */
export function sourceKindOf(type: string): SourceKind | undefined {
  if (INSTANCE_TYPES.has(type)) return "instance";
  if (MANAGED_SOURCE_TYPES.has(type)) return "managed";
  return NOT_SOURCE_TYPES.has(type) ? undefined : "unknown-type";
}

/** A NAT gateway's own interface, in either spelling. */
export function isNatGatewayType(type: string | null | undefined): boolean {
  return type != null && NAT_GATEWAY_TYPES.includes(type);
}

/**
 * What an interface of `type` is and why it is not a source (undefined when it is one), e.g. "NAT
 * gateway nat-1's own interface, which is not a source (...)": for a NAT gateway's own interface,
 * naming the gateway where the input tells which (`natGatewayId`).
 */
export function notSourceWhy(type: string, natGatewayId?: string): string | undefined {
  if (isNatGatewayType(type))
    return `${natGatewayId === undefined ? "a NAT gateway's" : `NAT gateway ${natGatewayId}'s`} own interface, which is not a source (AWS-managed: the gateway is analysed as a hop of the traffic routed through it)`;
  const why = NOT_SOURCE_TYPES.get(type);
  return why === undefined ? undefined : `an interface of type ${type}, which is not a source (${why})`;
}
