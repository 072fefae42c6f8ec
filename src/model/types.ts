// The provider-neutral network model. Providers translate their resources into these types; the graph
// propagates packet sets over them. Every rule, route and gateway keeps a back-pointer (RuleRef) to the
// resource and rule it came from, so every verdict can name what decided it.
import { IntervalSet, PacketSet } from "../netset/index.js";

/**
 * The source ports of a client whose OS the input does not tell: 1024-65535 holds every ephemeral
 * range AWS's network ACL page lists (Linux 32768-60999, Windows 49152-65535, older Windows'
 * 1025-5000), so a stateless ACL that lets replies through on only part of it leaves the flow
 * unknown, never decided by a guessed OS.
 */
export const ANY_CLIENT_PORTS = IntervalSet.range(1024n, 65535n);

/** Where a rule, route or decision came from, in the provider's own words. */
export interface RuleRef {
  /** Provider resource id, e.g. "sg-0abc", "acl-0123", "rtb-0456", "igw-0789". */
  resource: string;
  /** Resource kind, e.g. "security-group", "network-acl", "route-table", "internet-gateway". */
  kind: string;
  /** The provider's own rule name or number (NACL rule number, SG rule description or index, route CIDR); null for implicit behaviour. */
  rule: string | null;
  /** Human-readable detail of the rule ("egress tcp 443 to 0.0.0.0/0"). */
  description?: string;
  /**
   * Where several resources decide together (an interface's security groups, none of whose rules
   * allows a packet): each id; `resource` then joins them with ", " for a reader.
   */
  resources?: string[];
}

/**
 * A RuleRef's `resource` standing for the source's own instance (its `ownerId`; the interface where it
 * has none): a setting of the sending instance, such as its metadata options, decides for every
 * instance alike in one shared computation, and each source's result names its own instance (see
 * Engine.sourceFixer).
 */
export const SOURCE_OWNER = "{source-owner}";

export type Action = "allow" | "deny";

/**
 * One filter rule. `match` is a PacketSet whose IP dimension is the PEER address: the destination for
 * egress rules, the source for ingress rules.
 */
export interface Rule {
  match: PacketSet;
  action: Action;
  ref: RuleRef;
  /**
   * Set when the rule's peer addresses could not be resolved (a prefix list or group not in the input).
   * `match` then holds every packet the rule COULD match; packets it would decide become `unknown`.
   */
  unresolved?: string;
}

/**
 * A packet filter.
 * - "union": allow-only rules, a packet passes if any rule matches (AWS security groups).
 * - "first-match": rules are already in evaluation order; the first match decides (NACLs, NSGs, GCP firewalls).
 * Stateless filters must also pass the return traffic; stateful ones admit it automatically.
 */
export interface Filter {
  id: string;
  kind: string;
  name?: string;
  semantics: "union" | "first-match";
  stateful: boolean;
  egress: Rule[];
  ingress: Rule[];
  /** What decides when no rule matches (the implicit deny). */
  defaultRef: RuleRef;
  /** Set when the filter could not be read: everything that reaches it is `unknown` for this reason. */
  unknown?: string;
}

export type ExitKind = "internet" | "cloud-service" | "vpn" | "peering" | "private";

export type RouteTarget =
  | { kind: "local"; networkId: string }
  | { kind: "gateway"; gatewayId: string }
  /** `why`: what makes it one, when it is not that the target no longer exists. */
  | { kind: "blackhole"; targetId: string | null; why?: string }
  /**
   * Where the route sends packets cannot be told from the input: routes that tie (equal prefix length
   * and preference, different next hops) where the provider picks one in a way the input does not
   * record, or a target whose description lacks what following it needs. What it takes is `unknown`,
   * for this reason. `label`: the target, when there is one.
   */
  | { kind: "undecided"; why: string; label?: string };

/** Where a route sends packets, in a word: as trace hops and route descriptions show it. */
export function targetLabel(t: RouteTarget): string {
  switch (t.kind) {
    case "local":
      return "local";
    case "gateway":
      return t.gatewayId;
    case "blackhole":
      return "blackhole";
    case "undecided":
      return t.label ?? "(which one is not known)";
  }
}

export interface Route {
  /** Destination addresses (a CIDR or a prefix list's entries). */
  dest: IntervalSet;
  /** For longest-prefix match: the CIDR's prefix length; prefix-list routes rank below equal-length CIDRs. */
  prefixLength: number;
  /** Ranks routes of equal prefix length: higher wins (AWS: static > prefix list > propagated). */
  preference: number;
  target: RouteTarget;
  ref: RuleRef;
}

export interface RouteTable {
  id: string;
  networkId: string;
  routes: Route[];
  unknown?: string;
}

/** The provider's gateways and next hops, by what they do to a packet. */
export type Gateway = InternetGateway | EgressOnlyInternetGateway | NatGateway | ExitGateway;

interface GatewayBase {
  id: string;
  networkId: string | null;
  ref: RuleRef;
}

/** Translates 1:1 between private and public IPv4 addresses; passes IPv6 unchanged. */
export interface InternetGateway extends GatewayBase {
  kind: "internet";
  /** Private IPv4 -> public IPv4 (public IPs and Elastic IPs). A source not in here is dropped. */
  publicIpOf: Map<bigint, bigint>;
  /**
   * Private IPv4 addresses whose public one the input contradicts itself about (describe calls made at
   * different moments), with why: what they send through the gateway is unknown.
   */
  publicIpInDoubt?: Map<bigint, string>;
  /**
   * Its gateway route table ("ingress routing", an edge association), if any: what comes in from the
   * internet, replies included, is routed by it to their private destination.
   */
  ingressTableId?: string;
}

/** IPv6-only, outbound-only. */
export interface EgressOnlyInternetGateway extends GatewayBase {
  kind: "egress-only-internet";
}

/** Source NAT to the gateway's own private address, then routed by its own subnet. */
export interface NatGateway extends GatewayBase {
  kind: "nat";
  subnetId: string;
  privateIp: bigint;
  connectivity: "public" | "private";
  /** The protocols it translates (AWS: TCP, UDP, ICMP). */
  protocols: IntervalSet;
  /** Source ports it uses after translation (return traffic must pass stateless filters on these). */
  ephemeralPorts: IntervalSet;
  /** Set when the gateway is not usable (e.g. state "failed"): traffic to it is dropped with this reason. */
  unusable?: string;
  /**
   * Its Elastic IPs, primary first, when it has more than one: it spreads connections over all of them
   * (the internet gateway's map names the primary, the one results give as the egress IP).
   */
  publicIps?: bigint[];
}

/** A next hop the audit does not follow: the verdict beyond it is `unknown` (or allowed for cloud services). */
export interface ExitGateway extends GatewayBase {
  kind: "exit";
  exit: ExitKind;
  /** What it is, for messages: "transit gateway", "VPC peering connection", "virtual private gateway" ... */
  label: string;
  /** When set, traffic leaving here counts as allowed to this exit (e.g. a gateway endpoint to a cloud service). */
  reaches?: boolean;
  /**
   * When set, it drops everything routed to it, and why, with the setting that decides (an appliance
   * interface with source/destination checking on forwards nothing that is not its own).
   */
  drops?: { reason: string; setting: string };
  /**
   * The subnet it is in, when it is an interface there (a network appliance): packets from inside that
   * subnet reach it without crossing the subnet's boundary (no network ACL applies).
   */
  subnetId?: string;
  /**
   * What it delivers, by the network packets come from, where the input tells (a VPC peering connection
   * delivers only to the peer VPC's own blocks: AWS routes nothing on through a peered VPC to its
   * gateways or connections); `otherwise` for a network without an entry. Absent: beyond it is simply
   * not analysed.
   */
  delivery?: { byNetwork: Map<string, Delivery>; otherwise?: Delivery };
}

/**
 * See ExitGateway.delivery. `only`: it delivers to `ips` alone and drops the rest, for `reason`, named
 * by `rule`. `unknown`: what it delivers is not known, for `reason` ("which delivers only to ...: why"),
 * with `missing` when data the input lacks would tell (see Outcome.missing).
 */
export type Delivery =
  | { kind: "only"; ips: IntervalSet; reason: string; rule: string }
  | { kind: "unknown"; reason: string; missing?: ModelNote };

export interface Subnet {
  id: string;
  networkId: string;
  name?: string;
  zone?: string;
  cidrs: IntervalSet;
  routeTableId: string | null;
  /** Stateless filters on the subnet boundary (NACLs), applied both ways to every crossing. */
  boundaryFilterIds: string[];
  /** Addresses in the subnet that belong to a cloud service (AWS interface VPC endpoints). */
  serviceAddresses?: ServiceAddress[];
}

/** An address inside a subnet where a cloud service answers (reaching it counts as exit cloud-service). */
export interface ServiceAddress {
  ips: IntervalSet;
  label: string;
  ref: RuleRef;
  /**
   * The interface that has the address, whose own filters (by id) must let packets in; absent when the
   * input does not say which filters it has.
   */
  interface?: { id: string; filterIds: string[] };
  /**
   * With `interface` absent: the data the input lacks, to list under unknowns when a run gives a
   * verdict that reaching the address leaves unknown (see AskedMissing): a run that never gets there,
   * say an audit of internet destinations, is not incomplete for it.
   */
  missing?: ModelNote;
  /**
   * Set when what answers there may not (AWS: an interface VPC endpoint that is not `available`):
   * what reaches the address is unknown, for `reason` (a trace still applies the interface's filters:
   * what they refuse is refused either way); `missing` as above, when the input lacks the data that
   * would tell.
   */
  inDoubt?: { reason: string; missing?: ModelNote };
}

/**
 * An address the platform answers itself, before any filter (AWS: the VPC resolver and the instance
 * metadata service): security groups and network ACLs do not apply to it.
 */
export interface LocalService {
  ips: IntervalSet;
  /** What it answers (protocol x port; IP dimension full). */
  serves: PacketSet;
  /** `serves` in words, e.g. "tcp and udp 53". */
  servesText: string;
  label: string;
  ref: RuleRef;
  /**
   * Set when it does not answer as the platform normally does: "blocked" when it is turned off (AWS: a
   * VPC with DNS support off, an instance with its metadata endpoint disabled), "unknown" when the
   * input cannot tell. What it would serve gets this verdict, named by `ref` (the deciding setting).
   * `missing`: for an "unknown" that comes from data the input lacks (and the model does not list
   * among its unknowns already), what to list under unknowns when a run gives that verdict, asking
   * the service something (see AskedMissing): a run that never reaches it, say an audit of internet
   * destinations, gives no such verdict and is not incomplete for it.
   */
  off?: { verdict: "blocked" | "unknown"; reason: string; ref: RuleRef; missing?: ModelNote };
}

/**
 * A restriction the provider may put on what leaves for the internet that no input tells (EC2's default
 * block of outbound tcp/25, which AWS lifts for an account on request): what would reach the internet
 * of `match` is `unknown` with `reason`, the gateway it leaves by adding a hop with `detail`.
 */
export interface InternetDoubt {
  match: PacketSet;
  reason: string;
  detail: string;
}

export interface Network {
  id: string;
  /** The provider's word for it, for messages: "vpc", "vnet", "network". */
  kind: string;
  name?: string;
  cidrs: IntervalSet;
  services?: LocalService[];
  /** An account-wide block on internet gateway traffic that applies to this network (AWS VPC BPA). */
  internetBlock?: InternetBlock;
  /**
   * Its IPv6 blocks that are not advertised on the internet (AWS: Ipv6AddressAttribute private):
   * nothing there can answer a source in them. (Unique local addresses, fc00::/7, never are.) With
   * `unread`, whether the block is advertised could not be read (why): what answers a source there
   * is unknown.
   */
  privateIpv6?: { cidr: string; ips: IntervalSet; unread?: string }[];
  /**
   * Set when the network's own description is not in the input (only what refers to it is): why.
   * What only it tells (whether its IPv6 blocks are advertised on the internet) is then unknown.
   */
  unread?: string;
}

/**
 * A block on traffic through internet gateways (AWS VPC Block Public Access), with exclusions by
 * subnet or network id. "bidirectional": nothing passes internet or egress-only gateways;
 * "ingress": only traffic a NAT gateway or an egress-only gateway sends out passes.
 */
export interface InternetBlock {
  mode: "bidirectional" | "ingress";
  /** Names the setting in results ({resource, kind, rule: its mode}). */
  ref: RuleRef;
  /** Effective exclusions by subnet or network id: what still passes ("egress" counts in bidirectional mode only). */
  exempt: Map<string, "bidirectional" | "egress">;
  /** Exclusions in flux by subnet or network id, with their state: whether they apply cannot be told. */
  pending: Map<string, string>;
  /** Set when which mode applies cannot be told: traffic it could block is unknown, with this reason. */
  unknown?: string;
  /**
   * Set when AWS is changing the setting (an update in progress): which mode applies meanwhile cannot
   * be told, so traffic it could block is unknown with this reason, as with `unknown`, but that is a
   * change in progress, not missing data (not listed under unknowns).
   */
  changing?: string;
  /**
   * Set when the mode is known but its exclusions are not (not saved, or not read): what the mode
   * would block is unknown, with this reason (an exclusion may exempt any VPC or subnet); what it lets
   * pass anyway passes.
   */
  exclusionsUnknown?: string;
}

export interface Endpoint {
  id: string;
  kind: string;
  name?: string;
  /** A name of its own where `name` is its owner's (an interface's Name tag): --src takes it too. */
  ownName?: string;
  /** The instance/VM it belongs to, when known. */
  ownerId?: string;
  /** The owner's primary interface (the one a trace from the owner starts at). */
  primary?: boolean;
  networkId: string;
  subnetId: string;
  /** Private IPv4 addresses, primary first (encoded in the netset IP dimension). */
  privateIps: bigint[];
  ipv6: bigint[];
  /**
   * Address blocks delegated to it (AWS prefix delegation, which EKS uses for pods): it is the host of
   * every address in them, and a trace may send from any of them (as itself).
   */
  prefixes?: IntervalSet;
  /** Filters applied to its traffic (security groups): union filters are combined into one allow-union. */
  filterIds: string[];
  /** Source ports its connections use (Linux default 32768-60999). */
  ephemeralPorts: IntervalSet;
  /** Kubernetes clusters whose node this is (from the provider's tags), for --cluster. */
  clusters?: string[];
  /**
   * The platform's own services as this endpoint sees them, when they differ from its network's (AWS:
   * an instance's metadata options). One list object per variant, shared by the endpoints that see it.
   */
  services?: LocalService[];
  /**
   * Set when the interface is attached to nothing (AWS: status "available"): it sends nothing until it
   * is, and what is audited of it is what it could send once attached. Says so, in the provider's words.
   */
  unattached?: string;
  /**
   * Set when its instance is stopped (or stopping, or hibernated: AWS says "stopped" for both), or
   * not yet running (AWS: pending): it sends nothing until the instance is (started and) running,
   * and what is audited of it is what it could send then.
   * Says so, in the provider's words.
   */
  stopped?: string;
}

/**
 * A source interface the input tells too little of to audit (AWS: saved without its subnet): not an
 * endpoint, listed under unknowns. Kept with what selects sources (its network, filters and cluster
 * tags), so that a run whose scope takes it (--vpc, --cluster) can say it was not audited, and with
 * what a trace's source names it by (its names, its addresses, its instance, whether it is the primary
 * one), so that a trace from its instance or address is refused rather than started at another
 * interface (another of the instance's, or another VPC's with the same private address).
 */
export interface UnplacedSource extends Pick<
  Endpoint,
  | "id"
  | "filterIds"
  | "clusters"
  | "name"
  | "ownName"
  | "ownerId"
  | "primary"
  | "privateIps"
  | "ipv6"
  | "prefixes"
> {
  /** Its network, "" when the input does not tell. */
  networkId: string;
}

/**
 * An interface of the input left out of the sources by its type (a NAT gateway's own, a load
 * balancer's that opens nothing beyond its targets ...), with why: what a trace's --src naming it by
 * id or address is told.
 */
export interface NotSource {
  id: string;
  networkId: string;
  privateIps: bigint[];
  ipv6: bigint[];
  /** What it is and why it is not a source, e.g. "NAT gateway nat-1's own interface, which is not a source (...)". */
  why: string;
}

/** A managed Kubernetes cluster as the cloud describes it (EKS, GKE, AKS). */
export interface ClusterInfo {
  name: string;
  networkId?: string;
  subnetIds: string[];
  /** Filters the platform puts on every node (EKS: the cluster security group). */
  nodeFilterIds: string[];
  /** Why the name does not tell one cluster (several of that name in the input), if it does not. */
  ambiguous?: string;
}

export interface ModelNote {
  resource: string;
  message: string;
}

export interface NetworkModel {
  provider: string;
  networks: Map<string, Network>;
  subnets: Map<string, Subnet>;
  routeTables: Map<string, RouteTable>;
  filters: Map<string, Filter>;
  gateways: Map<string, Gateway>;
  endpoints: Endpoint[];
  /** Source interfaces not audited for want of data (each also under `unknowns`). */
  unplaced?: UnplacedSource[];
  /** Interfaces that are not sources by their type (see NotSource). */
  notSources?: NotSource[];
  /** Data that could not be read or understood: each names the resource and why. */
  unknowns: ModelNote[];
  warnings: ModelNote[];
  /** What may be stopped on the way to the internet that no input tells. */
  internetDoubts: InternetDoubt[];
  clusters: Map<string, ClusterInfo>;
  /** Public addresses the internet may not route back to the cloud: the first range containing one decides. */
  unannounced: UnannouncedRange[];
  /**
   * Public IPv4 addresses the input names for its own interfaces (their listings, the provider's list
   * of its static addresses) by address, with whose: a trace to one that no gateway translates to now
   * (its public IP in doubt, its gateway not attached) cannot be followed back in (see OwnAddresses).
   */
  namedPublicIps?: Map<bigint, string>;
  /**
   * Set when the input may lack networks that exist because the calls that list them failed (AWS:
   * describe-vpcs, a gap): why. A network asked for by name and not in the input is then not known
   * not to exist.
   */
  networksUnlisted?: string;
  /** A live run's regions, where a network asked for by name and not found was looked for. */
  regions?: string[];
}

/**
 * Public addresses the internet may not route back to the cloud: a range brought to the provider
 * (AWS BYOIP) that it does not advertise, or one whose state could not be read. Traffic sent from
 * them may leave, but answers go wherever the internet routes the range, so no connection is made.
 */
export interface UnannouncedRange {
  ips: IntervalSet;
  /** blocked: the provider does not advertise the range; unknown: whether it does cannot be told (`reason`). */
  verdict: "blocked" | "unknown";
  /** Names the range in results: {resource: its CIDR, kind, rule: its state}. */
  ref: RuleRef;
  /** Why, for results: what the range is and in what state. */
  reason: string;
}

/**
 * Rules that were not read, as one rule that may match every packet (`unresolved`): what they would
 * decide is unknown for `reason`, while the filter's other rules (another group of an allow-union,
 * earlier entries of a first-match list) still decide what they match.
 */
export function unreadRule(ref: RuleRef, reason: string): Rule {
  return { match: PacketSet.ALL, action: "allow", ref, unresolved: reason };
}

/**
 * A security group (stateful allow-union) whose rules are not known, in neither direction (one the input
 * lacks, or an interface's groups not listed): the endpoint's union of groups decides, so what another
 * group of it allows is allowed, and the rest is unknown, or blocked where its way on is blocked for sure.
 */
export function unreadGroup(id: string, kind: string, reason: string, description: string): Filter {
  const rule = unreadRule({ resource: id, kind, rule: null, description }, reason);
  return {
    id,
    kind,
    semantics: "union",
    stateful: true,
    egress: [rule],
    ingress: [rule],
    defaultRef: { resource: id, kind, rule: null },
  };
}

/** A filter the input does not describe: every packet that reaches it is `unknown` for `reason`. */
export function unreadableFilter(
  id: string,
  kind: string,
  semantics: Filter["semantics"],
  stateful: boolean,
  reason: string,
): Filter {
  return {
    id,
    kind,
    semantics,
    stateful,
    egress: [],
    ingress: [],
    defaultRef: { resource: id, kind, rule: null },
    unknown: reason,
  };
}

export function emptyModel(provider: string): NetworkModel {
  return {
    provider,
    networks: new Map(),
    subnets: new Map(),
    routeTables: new Map(),
    filters: new Map(),
    gateways: new Map(),
    endpoints: [],
    unknowns: [],
    warnings: [],
    internetDoubts: [],
    clusters: new Map(),
    unannounced: [],
  };
}
