// A per-packet reference that reads `aws ec2 describe-*` output directly, for the end-to-end differential
// test (raw-differential.test.ts). The engine's own reference (test/graph/reference.ts) starts from the
// neutral model, so it cannot catch a converter that reads a field wrongly; this one starts from what AWS
// prints and applies AWS's rules as docs/semantics.md states them, for the shapes random-aws.ts makes
// (one VPC, every referenced resource present). Addresses are parsed with ipaddr.js; it shares no code
// with src/ beyond the IANA public-internet set.
import ipaddr from "ipaddr.js";
import { leaving, settle, type RefOutcome } from "../../graph/reference.js";
import { PUBLIC_INTERNET, V4_OFFSET } from "../../../src/netset/index.js";
import {
  interfacesOf,
  primaryOf,
  type AwsDump,
  type RawAcl,
  type RawEni,
  type RawEntry,
  type RawGroup,
  type RawInstance,
  type RawNat,
  type RawPerm,
  type RawRoute,
  type RawTable,
} from "./random-aws.js";

/** Protocol number, port (tcp/udp) or type*256+code (icmp, icmpv6), destination address text. */
export interface RawPacket {
  proto: number;
  port: number;
  dst: string;
}

const TCP = 6;
const UDP = 17;
const ICMP = 1;
const ICMPV6 = 58;
type Ports = [number, number];
const LINUX_EPHEMERAL: Ports = [32768, 60999];
/** Windows' and macOS's (EC2 Mac instances) client ports. */
const WINDOWS_EPHEMERAL: Ports = [49152, 65535];
const NAT_EPHEMERAL: Ports = [1024, 65535];

const isV6 = (ip: string): boolean => ip.includes(":");

/** Managed prefix list states whose entries are those its users apply (see listInDoubt). */
const SETTLED_LIST_STATES = ["create-complete", "modify-complete", "restore-complete", "delete-failed"];
/** The states AWS prints for a VPC Block Public Access exclusion. */
const EXCLUSION_STATES = [
  ...["create", "update", "delete", "disable"].flatMap((x) => [`${x}-in-progress`, `${x}-complete`]),
  "create-failed",
  "update-failed",
];

/**
 * How an interface of a type sends, as docs/semantics.md ("Sources") lists the types: as an
 * instance's (its client ports by its OS, when its instance is in the input), as an AWS-managed
 * sender's (client ports 1024-65535), as one of a type not listed there ("unlisted": audited as a
 * sender of unknown OS, with a warning naming the type), or not at all (null: it opens no connection
 * of its own beyond private ranges, or only answers).
 */
export function sendsAs(type: string): "instance" | "managed" | "unlisted" | null {
  if (["interface", "efa", "efa-only", "evs", "trunk", "branch"].includes(type)) return "instance";
  if (MANAGED_SENDERS.includes(type)) return "managed";
  return NOT_SENDERS.includes(type) ? null : "unlisted";
}

/** AWS-managed interface types that send (see sendsAs), as docs/semantics.md lists them. */
export const MANAGED_SENDERS: readonly string[] = [
  "lambda",
  "quicksight",
  "iot_rules_managed",
  "aws_codestar_connections_managed",
  "api_gateway_managed",
  "ec2_instance_connect_endpoint",
  "load_balancer",
];

/** Interface types that open no connection of their own (see sendsAs). */
export const NOT_SENDERS: readonly string[] = [
  "nat_gateway",
  "natGateway",
  "network_load_balancer",
  "gateway_load_balancer",
  "vpc_endpoint",
  "gateway_load_balancer_endpoint",
  "transit_gateway",
  "global_accelerator_managed",
];

function inCidr(ip: string, cidr: string | undefined): boolean {
  if (cidr === undefined) return false;
  const a = ipaddr.parse(ip);
  const [net, len] = ipaddr.parseCIDR(cidr);
  return a.kind() === net.kind() && a.match(net, len);
}

/**
 * A zone's region. A region's name is words then a number (us-east-1, us-gov-west-1); a zone's adds a
 * letter or a Local Zone's dash and name (us-east-1a, us-gov-west-1a, us-east-1-bos-1a: us-east-1).
 */
function regionOfZone(zone: string): string {
  const parts = zone.split("-");
  const number = parts.findIndex((p) => /^\d/.test(p));
  return number < 0
    ? zone
    : parts
        .slice(0, number + 1)
        .join("-")
        .replace(/[a-z]$/, "");
}

function isPublic(ip: string): boolean {
  const bytes = ipaddr.parse(ip).toByteArray();
  const n = bytes.reduce((v, b) => v * 256n + BigInt(b), 0n);
  return PUBLIC_INTERNET.contains(isV6(ip) ? n : V4_OFFSET + n);
}

/** 64:ff9b::a.b.c.d -> a.b.c.d; undefined outside the NAT64 prefix. */
function nat64Target(ip: string): string | undefined {
  if (!isV6(ip) || !inCidr(ip, "64:ff9b::/96")) return undefined;
  return ipaddr.parse(ip).toByteArray().slice(12).join(".");
}

const prefixOf = (cidr: string): number => Number(cidr.split("/")[1]);
/**
 * A key AWS always prints that the random VPCs now and then leave out (missingKey in random-aws.ts):
 * undefined then, which is missing data, never a default.
 */
function saved<T, K extends keyof T>(x: T, key: K): T[K] | undefined {
  return (x as Partial<T>)[key];
}

/** How a route names its destination: its CIDR, or its prefix list. */
const destOf = (r: RawRoute): string =>
  r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId!;
const blocked = (resource: string, kind: string, rule: string | null, why: string): RefOutcome => ({
  verdict: "blocked",
  exit: null,
  egressIp: null,
  blockedBy: { resource, kind, rule },
  why,
});
/**
 * The reply type of an ICMP query (its code is 0): echo 8 -> 0, timestamp 13 -> 14, information
 * 15 -> 16, address mask 17 -> 18; ICMPv6 echo 128 -> 129. Other messages expect none (undefined).
 */
function icmpReplyType(pkt: RawPacket): number | undefined {
  const type = pkt.port >> 8;
  return pkt.proto === ICMP ? { 8: 0, 13: 14, 15: 16, 17: 18 }[type] : type === 128 ? 129 : undefined;
}

const unknown = (exit: RefOutcome["exit"], why: string): RefOutcome => ({
  verdict: "unknown",
  exit,
  egressIp: null,
  blockedBy: null,
  why,
});
const allowed = (exit: RefOutcome["exit"], egressIp: string | null, why: string): RefOutcome => ({
  verdict: "allowed",
  exit,
  egressIp,
  blockedBy: null,
  why,
});

/**
 * A packet out through an internet or egress-only gateway: allowed, but EC2 restricts outbound tcp/25
 * unless AWS has lifted the restriction for the account, which no describe output tells: unknown.
 */
const reachesInternet = (pkt: RawPacket, egressIp: string | null, why: string): RefOutcome =>
  pkt.proto === TCP && pkt.port === 25
    ? unknown("internet", "EC2's default tcp/25 restriction")
    : allowed("internet", egressIp, why);

/** Whether an ICMP type/code pattern (-1: any) matches an ICMP packet's type*256+code. */
function icmpMatches(type: number, code: number, port: number): boolean {
  return (type === -1 || type === port >> 8) && (code === -1 || code === (port & 255));
}

const none = (x: number | undefined): boolean => x === undefined || x === -1;

/**
 * Protocol and ports of a packet against a rule's (FromPort/ToPort, or an ACL entry's fields): "yes",
 * "no", or "doubt" for a packet of the rule's protocol when the rule spells its ports in a way AWS does
 * not print (a TCP/UDP rule with no port range, both ends missing or -1, or one end so, from above to;
 * an ICMP code without a type): what it matches then is not known (docs/semantics.md, "Port spellings":
 * AWS requires and prints both ends of a TCP/UDP range, so none is not "all ports").
 */
function protoPortsMatch(
  proto: string,
  from: number | undefined,
  to: number | undefined,
  pkt: RawPacket,
): "yes" | "no" | "doubt" {
  if (proto === "-1") return "yes";
  const n =
    ({ tcp: TCP, udp: UDP, icmp: ICMP, icmpv6: ICMPV6 } as Record<string, number>)[proto] ?? Number(proto);
  if (n !== pkt.proto) return "no";
  if (n === TCP || n === UDP) {
    if (none(from) || none(to) || from! > to!) return "doubt";
    return from! <= pkt.port && pkt.port <= to! ? "yes" : "no";
  }
  if (n === ICMP || n === ICMPV6) {
    if (none(from) && !none(to)) return "doubt";
    return icmpMatches(from ?? -1, to ?? -1, pkt.port) ? "yes" : "no";
  }
  return "yes";
}

const permMatches = (p: RawPerm, pkt: RawPacket) => protoPortsMatch(p.IpProtocol, p.FromPort, p.ToPort, pkt);

function entryMatches(e: RawEntry, pkt: RawPacket, peer: string): "yes" | "no" | "doubt" {
  if (!inCidr(peer, e.CidrBlock ?? e.Ipv6CidrBlock)) return "no";
  const icmp = e.Protocol === "1" || e.Protocol === "58";
  const from = icmp ? e.IcmpTypeCode?.Type : e.PortRange?.From;
  const to = icmp ? e.IcmpTypeCode?.Code : e.PortRange?.To;
  return protoPortsMatch(e.Protocol, from, to, pkt);
}

/** A Kubernetes node's interface: its instance or the interface itself tagged with a cluster's name. */
function isNode(instance: RawInstance, eni: RawEni): boolean {
  const named = new Set(["eks:cluster-name", "aws:eks:cluster-name", "cluster.k8s.amazonaws.com/name"]);
  return [...(instance.Tags ?? []), ...(eni.TagSet ?? [])].some(
    (t) => (named.has(t.Key) && t.Value !== "") || t.Key.startsWith("kubernetes.io/cluster/"),
  );
}

/** Where a packet is on its way: the subnet it leaves, its source address there, the client's ports. */
interface Leg {
  subnetId: string;
  src: string;
  ephemeral: Ports;
  /** The NAT gateway it came through, and every NAT gateway on the way. */
  nat: RawNat | null;
  visited: readonly string[];
}

export class RawReference {
  private readonly interfaces: { eni: RawEni; instance?: RawInstance }[];

  constructor(private readonly d: AwsDump) {
    this.interfaces = interfacesOf(d);
  }

  private group(id: string): RawGroup {
    return this.d.SecurityGroups.find((g) => g.GroupId === id)!;
  }

  /** A group's members: a group reference matches their addresses and delegated prefixes. */
  private members(groupId: string): RawEni[] {
    return this.interfaces
      .filter(({ eni }) => eni.Groups.some((g) => g.GroupId === groupId))
      .map(({ eni }) => eni);
  }

  /**
   * Whether a permission's peers hold `peer`: "yes", "no", or "maybe" for a referenced group whose
   * members the input does not hold (none of its interfaces are in the input, or it is across a
   * peering connection): they could be any non-public IPv4 address and, for a group of this VPC, any
   * address of the VPC's own blocks (IPv6 ones are public).
   */
  private peersHold(p: RawPerm, peer: string): "yes" | "no" | "maybe" {
    const cidrs = [
      ...p.IpRanges.map((r) => r.CidrIp),
      ...p.Ipv6Ranges.map((r) => r.CidrIpv6),
      ...p.PrefixListIds.filter((l) => !this.listInDoubt(l.PrefixListId)).flatMap((l) =>
        this.listCidrs(l.PrefixListId),
      ),
    ];
    if (cidrs.some((c) => inCidr(peer, c))) return "yes";
    // A list in doubt may hold any address.
    let maybe = p.PrefixListIds.some((l) => this.listInDoubt(l.PrefixListId));
    for (const u of p.UserIdGroupPairs) {
      const members = u.VpcPeeringConnectionId ? [] : this.members(u.GroupId);
      // An interface whose two listings name different groups is surely a member of a group both name
      // only; of one that one of them names, maybe.
      const holder = members.find((m) => holds(m, peer));
      if (holder !== undefined && this.groupsBothName(holder)?.includes(u.GroupId) !== false) return "yes";
      if (holder !== undefined) maybe = true;
      if (
        !u.VpcPeeringConnectionId &&
        this.interfaces.some(
          ({ eni }) =>
            holds(eni, peer) && this.otherListing(eni)?.Groups.some((g) => g.GroupId === u.GroupId),
        )
      )
        maybe = true;
      // Without a surely member interface (only ones whose listings disagree on it), the group may have
      // none in the input.
      const surely = members.filter((m) => this.groupsBothName(m)?.includes(u.GroupId) !== false);
      if (surely.some((m) => addressesOf(m).length > 0)) continue;
      const vpc = this.d.Vpcs[0]!;
      const own = [
        vpc.CidrBlock,
        ...(vpc.CidrBlockAssociationSet ?? []).map((b) => b.CidrBlock),
        ...(vpc.Ipv6CidrBlockAssociationSet ?? []).map((b) => b.Ipv6CidrBlock),
      ];
      if ((!isV6(peer) && !isPublic(peer)) || (!u.VpcPeeringConnectionId && own.some((c) => inCidr(peer, c))))
        maybe = true;
    }
    return maybe ? "maybe" : "no";
  }

  /**
   * The union of an interface's groups' rules in one direction: "allow" when a rule surely allows the
   * packet to/from peer, "unknown" when a rule might (its peers or its ports are in doubt), else "deny".
   */
  private groupsAllow(
    eni: RawEni,
    dir: "egress" | "ingress",
    pkt: RawPacket,
    peer: string,
  ): "allow" | "unknown" | "deny" {
    // Two listings naming different groups: what a group both name allows is allowed, the rest unknown.
    const common = this.groupsBothName(eni);
    if (common !== undefined)
      return this.rulesAllow(common, dir, pkt, peer) === "allow" ? "allow" : "unknown";
    // An instance's or a customer's interface always has a group: an empty list AWS never prints, and
    // what its groups allow is not known. An AWS service's empty list: no group filters it.
    if (eni.Groups.length === 0 && sendsAs(eni.InterfaceType) === "instance" && eni.InterfaceType !== "evs") {
      const owned = this.interfaces.some(
        (x) => x.eni.NetworkInterfaceId === eni.NetworkInterfaceId && x.instance,
      );
      return owned || eni.Attachment?.InstanceId !== undefined || eni.RequesterId === undefined
        ? "unknown"
        : "allow";
    }
    return this.rulesAllow(
      eni.Groups.map((g) => g.GroupId),
      dir,
      pkt,
      peer,
    );
  }

  /**
   * The groups both listings of an interface name (describe-network-interfaces' and describe-instances'),
   * where they name different ones (a change between the two calls); undefined where they agree or it
   * is listed once.
   */
  private groupsBothName(eni: RawEni): string[] | undefined {
    const other = this.otherListing(eni);
    if (other === undefined) return undefined;
    const a = new Set(eni.Groups.map((g) => g.GroupId));
    const b = new Set(other.Groups.map((g) => g.GroupId));
    if (a.size === b.size && [...a].every((g) => b.has(g))) return undefined;
    return [...a].filter((g) => b.has(g));
  }

  /** describe-instances' listing of an interface describe-network-interfaces lists too. */
  private otherListing(eni: RawEni): { Groups: RawEni["Groups"] } | undefined {
    if (!this.d.NetworkInterfaces.includes(eni)) return undefined;
    return this.d.Reservations.flatMap((x) => x.Instances.flatMap((i) => i.NetworkInterfaces ?? [])).find(
      (e) => e.NetworkInterfaceId === eni.NetworkInterfaceId,
    );
  }

  /** The union of groups' rules in one direction (see groupsAllow). */
  private rulesAllow(
    groupIds: readonly string[],
    dir: "egress" | "ingress",
    pkt: RawPacket,
    peer: string,
  ): "allow" | "unknown" | "deny" {
    const perms = groupIds.flatMap((id) => {
      const g = this.group(id);
      return dir === "egress" ? g.IpPermissionsEgress : g.IpPermissions;
    });
    let maybe = false;
    for (const p of perms) {
      const ports = permMatches(p, pkt);
      if (ports === "no") continue;
      const peers = this.peersHold(p, peer);
      if (ports === "yes" && peers === "yes") return "allow";
      // A permission whose ports are in doubt may allow any port of its protocol to its peers.
      if (peers !== "no") maybe = true;
    }
    return maybe ? "unknown" : "deny";
  }

  /** A prefix list's CIDRs (AWS-managed lists print Cidrs, customer lists Entries). */
  private listCidrs(id: string): string[] {
    const managed = this.d.ManagedPrefixLists.find((l) => l.PrefixListId === id);
    return managed
      ? managed.Entries.map((e) => e.Cidr)
      : this.d.PrefixLists.find((l) => l.PrefixListId === id)!.Cidrs;
  }

  /**
   * Whether the entries of a prefix list may not be those its users apply: its State says it is being
   * changed, that its last change failed, or that it is deleted (only a delete that failed, or a change
   * done, leaves them applied; no State is read as settled).
   */
  private listInDoubt(id: string): boolean {
    const state = this.d.ManagedPrefixLists.find((l) => l.PrefixListId === id)?.State;
    return state !== undefined && !SETTLED_LIST_STATES.includes(state);
  }

  /**
   * A route table's routes, undefined where they were not saved or where one names a prefix list in
   * doubt (which addresses it takes is not known, so neither is the longest-prefix match).
   */
  private routesOf(table: RawTable): RawRoute[] | undefined {
    const routes = saved(table, "Routes");
    return routes?.some((r) => r.DestinationPrefixListId && this.listInDoubt(r.DestinationPrefixListId))
      ? undefined
      : routes;
  }

  /**
   * The subnet's network ACL: the one whose Associations list it; where none does, the default one if
   * no ACL lists any subnet, else undefined (not known: describe-network-acls lists every subnet's
   * association, so the one that applies is missing from the input, or is an ACL whose Associations
   * were not saved).
   */
  private aclOf(subnetId: string): RawAcl | undefined {
    const acls = this.d.NetworkAcls;
    const own = acls.find((a) => (saved(a, "Associations") ?? []).some((x) => x.SubnetId === subnetId));
    if (own !== undefined) return own;
    const unknowable = acls.some((a) => {
      const listed = saved(a, "Associations");
      return listed === undefined || listed.length > 0;
    });
    return unknowable ? undefined : acls.find((a) => a.IsDefault)!;
  }

  /** First match by rule number; the entry that decides, or null when none matches (implicit deny). */
  private firstEntry(acl: RawAcl, egress: boolean, pkt: RawPacket, peer: string): RawEntry | null {
    const entries = acl.Entries.filter((e) => e.Egress === egress).sort(
      (a, b) => a.RuleNumber - b.RuleNumber,
    );
    return entries.find((e) => entryMatches(e, pkt, peer) !== "no") ?? null;
  }

  /** The replies a stateless ACL must pass: every ephemeral port (as one port per stretch no entry cuts), an ICMP query's reply, or one. */
  private replies(acl: RawAcl, ephemeral: Ports, pkt: RawPacket): RawPacket[] {
    if (pkt.proto === TCP || pkt.proto === UDP) {
      const [lo, hi] = ephemeral;
      const cuts = new Set([lo]);
      for (const e of acl.Entries)
        for (const c of e.PortRange ? [e.PortRange.From ?? lo, e.PortRange.To + 1] : [])
          if (c > lo && c <= hi) cuts.add(c);
      return [...cuts].map((port) => ({ ...pkt, port }));
    }
    if (pkt.proto === ICMP || pkt.proto === ICMPV6) {
      const reply = icmpReplyType(pkt);
      return reply === undefined ? [] : [{ ...pkt, port: reply * 256 }];
    }
    return [pkt];
  }

  /**
   * Crossing a subnet's network ACL: "out" judges the packet by egress entries with the destination as
   * peer, "in" by ingress entries with the source as peer: an entry that stops it decides (`stop`). The
   * replies are judged by the other direction's entries, same peer (every reply denied: blocked by the
   * first denying entry; some: unknown), which decides only once the rest of the way is known: `held`,
   * for `settle`.
   */
  private crossAcl(
    subnetId: string,
    dir: "out" | "in",
    leg: Leg,
    pkt: RawPacket,
  ): { stop: RefOutcome } | { held: RefOutcome[] } {
    const acl = this.aclOf(subnetId);
    if (acl === undefined)
      return { stop: unknown(null, `${dir} of ${subnetId}: which network ACL applies is not known`) };
    const peer = dir === "out" ? pkt.dst : leg.src;
    // User entries are numbered up to 32766; above are the built-in `*` ones (32767 IPv4, 32768 IPv6).
    const name = (e: RawEntry | null): string =>
      e === null || e.RuleNumber > 32766 ? "*" : String(e.RuleNumber);
    const fwd = this.firstEntry(acl, dir === "out", pkt, peer);
    // An entry whose ports are in doubt stops what reaches it: undecided.
    const doubt = (e: RawEntry | null, p: RawPacket): boolean =>
      e !== null && entryMatches(e, p, peer) === "doubt";
    if (doubt(fwd, pkt)) return { stop: unknown(null, `${dir} of ${subnetId}: entry ${name(fwd)} in doubt`) };
    if (fwd === null || fwd.RuleAction === "deny")
      return { stop: blocked(acl.NetworkAclId, "network-acl", name(fwd), `${dir} of ${subnetId}`) };
    const asked = this.replies(acl, leg.ephemeral, pkt);
    const replies = asked.map((r) => this.firstEntry(acl, dir !== "out", r, peer));
    if (replies.some((e, i) => doubt(e, asked[i]!)))
      return { held: [unknown(null, `${dir} of ${subnetId}: a reply reaches an entry in doubt`)] };
    const denied = replies.filter((e) => e === null || e.RuleAction === "deny");
    if (denied.length === 0) return { held: [] };
    if (denied.length < replies.length)
      return { held: [unknown(null, `some replies denied at ${acl.NetworkAclId}`)] };
    const first = denied.reduce((a, b) => ((a?.RuleNumber ?? 1e9) <= (b?.RuleNumber ?? 1e9) ? a : b));
    return {
      held: [blocked(acl.NetworkAclId, "network-acl", name(first), `replies denied at ${acl.NetworkAclId}`)],
    };
  }

  /**
   * The subnet's route table: its associated one, else the main one. An association that is gone does
   * not count; one being made or undone, or two tables claiming the subnet: which applies is unknown.
   */
  private tableOf(subnetId: string): RawTable | undefined {
    const pickOf = (claims: (a: RawTable["Associations"][number]) => boolean) => {
      const live = this.d.RouteTables.flatMap((t) =>
        (saved(t, "Associations") ?? [])
          .filter((a) => claims(a) && a.AssociationState?.State !== "disassociated")
          .map((a) => ({
            t,
            state: a.AssociationState?.State,
          })),
      );
      if (live.length === 0) return null;
      if (live.some((x) => x.state !== undefined && x.state !== "associated")) return undefined;
      const ids = new Set(live.map((x) => x.t.RouteTableId));
      return ids.size === 1 ? live[0]!.t : undefined;
    };
    const own = pickOf((a) => a.SubnetId === subnetId);
    if (own !== null) return own;
    // A table whose Associations were not saved may be the subnet's, or the main one.
    if (this.d.RouteTables.some((t) => saved(t, "Associations") === undefined)) return undefined;
    return pickOf((a) => a.Main) ?? undefined;
  }

  /**
   * Longest prefix of the destination's family (a prefix-list route by its entry that holds the
   * destination); at equal length a static CIDR route beats a prefix-list route, which beats a
   * propagated one. Routes of the best rank to different targets (prefix lists with an entry in
   * common): "tie", since AWS picks one and the input does not say which. A propagated route never
   * takes an address of a local route, however specific it is.
   */
  private lookup(routes: RawRoute[], dst: string): (RawRoute & { name: string }) | "tie" | undefined {
    let best: { r: RawRoute[]; rank: number } | undefined;
    const isLocal = routes.some(
      (r) => r.GatewayId === "local" && inCidr(dst, r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock!),
    );
    for (const r of routes) {
      if (isLocal && r.Origin === "EnableVgwRoutePropagation") continue;
      const cidrs = r.DestinationPrefixListId
        ? this.listCidrs(r.DestinationPrefixListId)
        : [r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock!];
      const kind = r.DestinationPrefixListId ? 1 : r.Origin === "EnableVgwRoutePropagation" ? 0 : 2;
      for (const c of cidrs.filter((x) => inCidr(dst, x))) {
        const rank = prefixOf(c) * 3 + kind;
        if (best === undefined || rank > best.rank) best = { r: [r], rank };
        else if (rank === best.rank) best.r.push(r);
      }
    }
    if (best === undefined) return undefined;
    const targetOf = (r: RawRoute): string => {
      const { DestinationCidrBlock: _a, DestinationIpv6CidrBlock: _b, DestinationPrefixListId: _c, ...t } = r;
      return JSON.stringify(t);
    };
    if (new Set(best.r.map(targetOf)).size > 1) return "tie";
    // Routes of one block and rank to one target (two prefix lists): named by all of them.
    const names = [...new Set(best.r.map(destOf))].sort();
    return { ...best.r[0]!, name: names.join(", ") };
  }

  private route(leg: Leg, pkt: RawPacket): RefOutcome {
    const table = this.tableOf(leg.subnetId);
    if (table === undefined) return unknown(null, "which route table applies is not known");
    const routes = this.routesOf(table);
    if (routes === undefined) return unknown(null, "the route table's routes are not known");
    const r = this.lookup(routes, pkt.dst);
    if (r === undefined) return blocked(table.RouteTableId, "route-table", null, "no route");
    if (r === "tie") return unknown(null, "routes tie");
    const dest = r.name;
    if (r.State === undefined) return unknown(null, "a route without State");
    if (r.State === "blackhole") return blocked(table.RouteTableId, "route-table", dest, "blackhole");
    // An internet gateway described as not attached to the VPC carries none of its traffic.
    const gateway =
      this.d.InternetGateways.find((g) => g.InternetGatewayId === r.GatewayId) ??
      this.d.EgressOnlyInternetGateways.find(
        (g) => g.EgressOnlyInternetGatewayId === r.EgressOnlyInternetGatewayId,
      );
    // An internet gateway's attachment reads "available" once attached and has no state otherwise
    // (being attached or detached); an egress-only one's is attaching, attached, detaching or detached.
    // Anything else AWS does not print for the kind.
    const internet = gateway !== undefined && "InternetGatewayId" in gateway;
    const vpcId = this.d.Vpcs[0]!.VpcId;
    const attachments = gateway && saved(gateway, "Attachments");
    if (gateway && attachments === undefined) return unknown(null, "gateway attachments not saved");
    if (gateway) {
      const ours = attachments!.filter((a) => a.VpcId === vpcId);
      if (!ours.some((a) => a.State === (internet ? "available" : "attached"))) {
        // (Ours is not attached here: for an internet gateway any entry is then undecided, for an
        // egress-only one any but a detached one.)
        const undecided = ours.some((a) => internet || a.State !== "detached");
        if (undecided)
          return unknown(null, "gateway being attached or detached, or a state AWS does not print");
        return blocked(table.RouteTableId, "route-table", dest, "gateway not attached");
      }
    }
    if (r.GatewayId === "local") return this.local(leg, pkt);
    // A listed VPC endpoint carries traffic only while available: in any other state (or none),
    // whether the route still holds it cannot be told.
    const endpoint = this.d.VpcEndpoints.find((e) => e.VpcEndpointId === r.GatewayId);
    if (endpoint && endpoint.State !== "available") return unknown(null, "VPC endpoint not available");
    const nat = r.NatGatewayId ? this.d.NatGateways.find((n) => n.NatGatewayId === r.NatGatewayId)! : null;
    // A NAT gateway or an appliance (an interface, an instance) in the sender's own subnet is reached
    // without crossing its network ACL.
    const appliance = r.NetworkInterfaceId
      ? this.interfaces.find((x) => x.eni.NetworkInterfaceId === r.NetworkInterfaceId)?.eni.SubnetId
      : r.InstanceId
        ? this.d.Reservations.flatMap((x) => x.Instances).find((i) => i.InstanceId === r.InstanceId)?.SubnetId
        : undefined;
    let held: RefOutcome[] = [];
    if ((nat ? nat.SubnetId : appliance) !== leg.subnetId) {
      const out = this.crossAcl(leg.subnetId, "out", leg, pkt);
      if ("stop" in out) return out.stop;
      held = out.held;
    }
    return settle(this.toTarget(r, nat, leg, pkt), held);
  }

  /** Past the source subnet's boundary: the route's target on. */
  private toTarget(r: RawRoute, nat: RawNat | null, leg: Leg, pkt: RawPacket): RefOutcome {
    if (nat) return this.throughNat(nat, leg, pkt);
    if (r.GatewayId?.startsWith("vpce-"))
      return this.gatewayEndpoint(r.GatewayId)
        ? allowed("cloud-service", null, "a gateway endpoint")
        : unknown("private", "a Gateway Load Balancer endpoint: an inspection appliance, not analysed");
    if (r.VpcPeeringConnectionId) {
      // AWS carries nothing through a peered VPC beyond its own addresses (no edge-to-edge routing).
      const peer = this.peerBlocks(r.VpcPeeringConnectionId);
      if (peer && !peer.cidrs.some((c) => inCidr(pkt.dst, c)))
        return blocked(r.VpcPeeringConnectionId, "vpc-peering-connection", peer.side, "beyond the peer VPC");
      return unknown("peering", "a peered VPC, not analysed");
    }
    if (r.TransitGatewayId) return unknown("private", "a transit gateway, not analysed");
    if (r.GatewayId?.startsWith("vgw-")) return unknown("vpn", "a VPN gateway, not analysed");
    if (r.CarrierGatewayId) return unknown("internet", "a carrier gateway, not analysed");
    // An interface (or instance) with its source/destination check on forwards nothing not its own.
    const applianceId = r.NetworkInterfaceId ?? r.InstanceId;
    const checked = r.NetworkInterfaceId
      ? this.interfaces.find((x) => x.eni.NetworkInterfaceId === r.NetworkInterfaceId)?.eni.SourceDestCheck
      : this.d.Reservations.flatMap((x) => x.Instances).find((i) => i.InstanceId === r.InstanceId)
          ?.SourceDestCheck;
    if (applianceId !== undefined && checked === true)
      return blocked(
        applianceId,
        r.NetworkInterfaceId ? "network-interface" : "instance",
        "SourceDestCheck",
        "source/destination check on",
      );
    if (r.InstanceId ?? r.NetworkInterfaceId ?? r.LocalGatewayId ?? r.CoreNetworkArn ?? r.FutureGatewayId)
      return unknown("private", "an appliance or gateway whose far side is not analysed");
    if (r.EgressOnlyInternetGatewayId) {
      const eigw = r.EgressOnlyInternetGatewayId;
      if (!isPublic(pkt.dst)) return blocked(eigw, "egress-only-internet-gateway", null, "not public");
      // What expects no answer (one-way ICMP) has left: the checks on the way back do not concern it.
      const oneWay = (pkt.proto === ICMP || pkt.proto === ICMPV6) && icmpReplyType(pkt) === undefined;
      return (
        this.publicAccess(leg, true) ??
        (oneWay ? reachesInternet(pkt, leg.src, `internet via ${eigw}`) : null) ??
        this.unadvertised(leg) ??
        this.unannounced([leg.src]) ??
        reachesInternet(pkt, leg.src, `internet via ${eigw}`)
      );
    }
    // The internet gateway: IPv4 1:1 to the sender's public address, IPv6 as it is; public destinations only.
    const igw = r.GatewayId!;
    let egressIp = leg.src;
    // The public addresses it may leave from: the sender's own, or each Elastic IP of its NAT gateway.
    let publics = [leg.src];
    if (!isV6(pkt.dst)) {
      if (leg.nat?.ConnectivityType === "private")
        return blocked(leg.nat.NatGatewayId, "nat-gateway", null, "private NAT");
      const own = leg.nat ? undefined : this.publicOf(leg.src);
      // Which public IP it has cannot be told: what it sends through the gateway to the internet is
      // unknown (what is not for the internet is dropped whatever it has).
      if (own?.disputed)
        return isPublic(pkt.dst)
          ? unknown(null, "public IP in doubt")
          : blocked(igw, "internet-gateway", null, "not a public destination");
      const pub = leg.nat
        ? leg.nat.NatGatewayAddresses.find((a) => a.PrivateIp === leg.src)?.PublicIp
        : own?.ip;
      if (pub === undefined) return blocked(igw, "internet-gateway", null, "no public address");
      egressIp = pub;
      const others = (leg.nat?.NatGatewayAddresses ?? []).flatMap((a) =>
        a.PublicIp && a.PublicIp !== pub ? [a.PublicIp] : [],
      );
      publics = [pub, ...others];
    }
    if (!isPublic(pkt.dst)) return blocked(igw, "internet-gateway", null, "not a public destination");
    const block = this.publicAccess(leg, false);
    if (block !== null) return block;
    // What expects no answer (one-way ICMP) has left: the checks on the way back do not concern it.
    if ((pkt.proto === ICMP || pkt.proto === ICMPV6) && icmpReplyType(pkt) === undefined)
      return reachesInternet(pkt, egressIp, `internet via ${igw}`);
    const back4 = this.unadvertised(leg) ?? this.unannounced(publics);
    if (back4 !== null) return back4;
    // Replies come back through the gateway to the sender's private address; its gateway route table
    // (an edge association) may send them elsewhere first. The packet has left all the same (unless
    // EC2 may stop it: see reachesInternet), as egressIp.
    const left = (o: RefOutcome): RefOutcome => leaving(o, reachesInternet(pkt, egressIp, ""));
    const edge = this.d.RouteTables.find((t) =>
      (saved(t, "Associations") ?? []).some((a) => a.GatewayId === igw),
    );
    // No table lists the gateway, but one whose Associations were not saved may be its table.
    if (!edge && this.d.RouteTables.some((t) => saved(t, "Associations") === undefined))
      return left(unknown(null, "the gateway route table is not known"));
    const edgeRoutes = edge && this.routesOf(edge);
    if (edge && edgeRoutes === undefined)
      return left(unknown(null, "the gateway route table's routes are not known"));
    const back = edgeRoutes && this.lookup(edgeRoutes, leg.src);
    if (back === "tie") return left(unknown("internet", "replies routed by routes that tie"));
    if (back && back.State === undefined)
      return left(unknown("internet", "replies routed by a route without State"));
    if (edge && back?.State === "blackhole")
      return left(blocked(edge.RouteTableId, "route-table", back.name, "replies blackholed"));
    if (back && back.GatewayId !== "local")
      return left(unknown("internet", "replies diverted to an appliance"));
    return reachesInternet(pkt, egressIp, `internet via ${igw}`);
  }

  /**
   * Whether a vpce- route target is a gateway endpoint: by its type where describe-vpc-endpoints lists
   * it; else only when every route to it, in every table, is to an AWS-managed service list (S3,
   * DynamoDB): AWS routes to gateway endpoints only so, and CreateRoute takes a CIDR or a customer's
   * list to an endpoint only for Gateway Load Balancer endpoints.
   */
  /**
   * The blocks of the VPC a peering connection joins this one to, as its listings give them (all of
   * them, where it is listed twice), and the field naming that VPC; undefined where no listing names
   * this VPC, where listings name different peers (or none), or give no blocks of it, or not all its
   * IPv4 ones (a listing without CidrBlockSet).
   */
  private peerBlocks(id: string): { cidrs: string[]; side: string } | undefined {
    const vpcId = this.d.Vpcs[0]!.VpcId;
    const peers = new Set<string | undefined>();
    const cidrs: string[] = [];
    let side: string | undefined;
    let complete = true;
    for (const p of this.d.VpcPeeringConnections ?? []) {
      if (p.VpcPeeringConnectionId !== id) continue;
      const ours = p.RequesterVpcInfo?.VpcId === vpcId ? "RequesterVpcInfo" : "AccepterVpcInfo";
      if (p[ours]?.VpcId !== vpcId) continue;
      const theirs = ours === "RequesterVpcInfo" ? "AccepterVpcInfo" : "RequesterVpcInfo";
      const info = p[theirs];
      side ??= theirs;
      peers.add(info?.VpcId === vpcId ? undefined : info?.VpcId);
      if (info?.CidrBlock) cidrs.push(info.CidrBlock);
      for (const b of info?.CidrBlockSet ?? []) cidrs.push(b.CidrBlock);
      for (const b of info?.Ipv6CidrBlockSet ?? []) cidrs.push(b.Ipv6CidrBlock);
      if (info?.CidrBlockSet === undefined) complete = false;
    }
    if (side === undefined || peers.size !== 1 || peers.has(undefined) || cidrs.length === 0 || !complete)
      return undefined;
    return { cidrs, side };
  }

  private gatewayEndpoint(id: string): boolean {
    const listed = this.d.VpcEndpoints.find((e) => e.VpcEndpointId === id);
    if (listed) return listed.VpcEndpointType === "Gateway";
    const service = /^com\.amazonaws\.[a-z0-9-]+\.(s3|dynamodb)$/;
    return this.d.RouteTables.every((t) =>
      (saved(t, "Routes") ?? []).every(
        (r) =>
          r.GatewayId !== id ||
          (r.DestinationPrefixListId !== undefined &&
            [
              ...this.d.PrefixLists,
              ...this.d.ManagedPrefixLists.filter((l) => (l.OwnerId ?? "AWS") === "AWS"),
            ].some((l) => l.PrefixListId === r.DestinationPrefixListId && service.test(l.PrefixListName)) &&
            !this.d.ManagedPrefixLists.some(
              (l) => l.PrefixListId === r.DestinationPrefixListId && (l.OwnerId ?? "AWS") !== "AWS",
            )),
      ),
    );
  }

  /** A sender in an IPv6 block the VPC does not advertise on the internet (or a unique local one): no answer returns. */
  private unadvertised(leg: { src: string }): RefOutcome | null {
    if (!isV6(leg.src)) return null;
    const vpc = this.d.Vpcs[0]!;
    if (inCidr(leg.src, "fc00::/7")) return blocked(vpc.VpcId, "vpc", "fc00::/7", "unique local source");
    // Whatever the block's association state; an attribute AWS does not print (public, private, or
    // none in older output) cannot tell.
    const block = vpc.Ipv6CidrBlockAssociationSet?.find(
      (a) =>
        a.Ipv6AddressAttribute !== undefined &&
        a.Ipv6AddressAttribute !== "public" &&
        inCidr(leg.src, a.Ipv6CidrBlock),
    );
    if (block && block.Ipv6AddressAttribute !== "private")
      return unknown(null, "IPv6 block's Ipv6AddressAttribute not one AWS prints");
    return block ? blocked(vpc.VpcId, "vpc", block.Ipv6CidrBlock, "private IPv6 source") : null;
  }

  /**
   * Public addresses the internet may not route back to AWS: an address's smallest BYOIP range (from
   * describe-byoip-cidrs) decides it: advertised, it comes back; provisioned (publicly advertisable
   * or not), it does not; any other state, unknown. An address in no range read: an Elastic IP's or
   * the VPC IPv6 block's pool that is not Amazon's is unknown when describe-byoip-cidrs was not
   * saved, or when it is a BYOIP pool (ipv4pool-ec2-..., ipv6pool-ec2-...). Blocked when every
   * address is blocked (a NAT gateway's first); unknown when any is in doubt or blocked.
   */
  /** The regions the dump's documents name: its subnets' zones', its Block Public Access setting's. */
  private regions(): Set<string> {
    const out = new Set<string>();
    for (const s of this.d.Subnets) if (s.AvailabilityZone) out.add(regionOfZone(s.AvailabilityZone));
    for (const o of this.d.VpcBlockPublicAccessOptions) out.add(o.AwsRegion);
    return out;
  }

  private unannounced(publics: string[]): RefOutcome | null {
    const fates = publics.map((a): RefOutcome | "ok" => {
      const ranges = (this.d.ByoipCidrs ?? []).filter((c) => inCidr(a, c.Cidr));
      ranges.sort((x, y) => prefixOf(y.Cidr) - prefixOf(x.Cidr));
      const c = ranges[0];
      if (c) {
        if (c.State === "advertised") return "ok";
        if (c.State === "provisioned" || c.State === "provisioned-not-publicly-advertisable")
          return blocked(c.Cidr, "byoip-cidr", c.State, "BYOIP range not advertised");
        return unknown(null, "BYOIP range in flux");
      }
      const pool = isV6(a)
        ? this.d.Vpcs[0]!.Ipv6CidrBlockAssociationSet?.find((b) => inCidr(a, b.Ipv6CidrBlock))?.Ipv6Pool
        : this.d.Addresses.find((x) => x.PublicIp === a)?.PublicIpv4Pool;
      const byoipPool = pool !== undefined && /^ipv[46]pool-ec2-/.test(pool);
      // The ranges read are per account and region: an answer saved beside another region's
      // documents (this dump's files are one folder) cannot be told to be this VPC's.
      const read = this.d.ByoipCidrs !== undefined && this.regions().size <= 1;
      if (pool && pool.toLowerCase() !== "amazon" && (!read || byoipPool))
        return unknown(null, "address pool not Amazon's, range not read");
      return "ok";
    });
    if (fates.every((f) => f === "ok")) return null;
    if (fates.every((f) => f !== "ok" && f.verdict === "blocked")) return fates[0] as RefOutcome;
    return unknown(null, "some public addresses may get no answers");
  }

  /**
   * VPC Block Public Access on what the leg sends through an internet gateway (or an egress-only one):
   * block-bidirectional stops it all, block-ingress all but what a NAT gateway or an egress-only
   * gateway sends; an exclusion for the leg's subnet or the VPC (create- or update-complete, when
   * exclusions are allowed) lets it out: allow-bidirectional always, allow-egress in bidirectional
   * mode. One in progress: unknown. Null when it passes.
   */
  private publicAccess(leg: Leg, egressOnly: boolean): RefOutcome | null {
    const o = this.d.VpcBlockPublicAccessOptions[0];
    if (!o) return null;
    // A State not saved or one AWS does not print, or an update in progress: which mode applies
    // cannot be told.
    const settled = o.State !== undefined && ["default-state", "update-complete"].includes(o.State);
    if (o.InternetGatewayBlockMode === "off" && settled) return null;
    // A setting is its region's only; a VPC whose subnets' zones say no region takes the only one.
    const zone = this.d.Subnets.find((s) => s.AvailabilityZone !== undefined)?.AvailabilityZone;
    const region = zone === undefined ? undefined : regionOfZone(zone);
    if (region !== undefined && region !== o.AwsRegion) return null;
    // And its account's only: the VPC's owner's, where both are said.
    const owner = this.d.Vpcs[0]!.OwnerId;
    if (o.AwsAccountId !== undefined && owner !== undefined && o.AwsAccountId !== owner) return null;
    if (!settled) return unknown(null, `VPC Block Public Access State ${o.State}`);
    const bidirectional = o.InternetGatewayBlockMode === "block-bidirectional";
    if (!bidirectional && (leg.nat !== null || egressOnly)) return null;
    const ours = (e: AwsDump["VpcBlockPublicAccessExclusions"][number]): boolean =>
      o.ExclusionsAllowed !== "not-allowed" &&
      [`subnet/${leg.subnetId}`, `vpc/${this.d.Vpcs[0]!.VpcId}`].some((x) => e.ResourceArn.endsWith(x));
    const exclusions = this.d.VpcBlockPublicAccessExclusions.filter(ours);
    // The modes of the effective exclusions, by resource: AWS keeps one per resource, so two that
    // disagree (two snapshots) leave that resource in doubt; so does one whose state or mode is not
    // one AWS prints, and a complete one where ExclusionsAllowed is not one AWS prints.
    const modes = new Map<string, Set<string>>();
    // (Not saved: output from before the field, when exclusions were always allowed.)
    const allowedRead = [undefined, "allowed", "not-allowed"].includes(o.ExclusionsAllowed);
    const complete = (e: (typeof exclusions)[number]): boolean =>
      ["create-complete", "update-complete"].includes(e.State);
    const printed = (e: (typeof exclusions)[number]): boolean =>
      EXCLUSION_STATES.includes(e.State) &&
      (["create-failed", "delete-complete", "disable-complete"].includes(e.State) ||
        ["allow-bidirectional", "allow-egress"].includes(e.InternetGatewayExclusionMode));
    for (const e of exclusions)
      if (complete(e) && printed(e))
        (modes.get(e.ResourceArn) ?? modes.set(e.ResourceArn, new Set()).get(e.ResourceArn)!).add(
          allowedRead ? e.InternetGatewayExclusionMode : "?",
        );
    for (const e of exclusions)
      if (!printed(e))
        (modes.get(e.ResourceArn) ?? modes.set(e.ResourceArn, new Set()).get(e.ResourceArn)!).add("?");
    const lets = (m: string): boolean =>
      m === "allow-bidirectional" || (m === "allow-egress" && bidirectional);
    if ([...modes.values()].some((m) => m.size === 1 && lets([...m][0]!))) return null;
    if (
      [...modes.values()].some((m) => m.size > 1 || m.has("?")) ||
      exclusions.some((e) => e.State.endsWith("-in-progress") || e.State === "update-failed")
    )
      return unknown(null, "an exclusion in progress or in doubt");
    return blocked(
      `vpc-block-public-access/${o.AwsRegion}`,
      "vpc-block-public-access",
      o.InternetGatewayBlockMode,
      "VPC Block Public Access",
    );
  }

  /** Source NAT to the gateway's private address (IPv6 only to NAT64 addresses, as IPv4), then its subnet on. */
  private throughNat(n: RawNat, leg: Leg, pkt: RawPacket): RefOutcome {
    const stop = (why: string) => blocked(n.NatGatewayId, "nat-gateway", null, why);
    if (n.State !== "available") return stop(`NAT ${n.State}`);
    if (leg.visited.includes(n.NatGatewayId)) return stop("NAT loop");
    let dst = pkt.dst;
    if (isV6(pkt.dst)) {
      const v4 = nat64Target(pkt.dst);
      if (v4 === undefined) return stop("IPv6 outside the NAT64 prefix");
      if (pkt.proto === ICMPV6) return unknown(null, "ICMPv6 through NAT64, not followed");
      if (pkt.proto !== TCP && pkt.proto !== UDP) return stop("protocol");
      dst = v4;
    } else if (![TCP, UDP, ICMP].includes(pkt.proto)) return stop("protocol");
    let held: RefOutcome[] = [];
    if (n.SubnetId !== leg.subnetId) {
      const inn = this.crossAcl(n.SubnetId, "in", leg, pkt);
      if ("stop" in inn) return inn.stop;
      held = inn.held;
    }
    const next: Leg = {
      subnetId: n.SubnetId,
      src: primaryOf(n).PrivateIp,
      ephemeral: NAT_EPHEMERAL,
      nat: n,
      visited: [...leg.visited, n.NatGatewayId],
    };
    const result = settle(this.repliesRouted(n.SubnetId, leg, pkt, this.route(next, { ...pkt, dst })), held);
    // Only ICMP query requests have a mapping of their own (RFC 5508); AWS does not say what becomes
    // of the rest: what would get out is unknown, what is stopped on the way stays stopped.
    return pkt.proto === ICMP && icmpReplyType(pkt) === undefined && result.verdict === "allowed"
      ? unknown(result.exit, "ICMP other than a query request through a NAT")
      : result;
  }

  /**
   * `beyond` once the replies are routed: whoever answers the client (a NAT gateway, a destination
   * host) sends them by its own subnet's route table, which may take the client's subnet away from the
   * local route: a blackhole blocks what would be allowed, anything else leaves it unknown. Only
   * packets that expect a reply, only across subnets.
   */
  private repliesRouted(subnetId: string, leg: Leg, pkt: RawPacket, beyond: RefOutcome): RefOutcome {
    const oneWay = (pkt.proto === ICMP || pkt.proto === ICMPV6) && icmpReplyType(pkt) === undefined;
    if (beyond.verdict === "blocked" || subnetId === leg.subnetId || oneWay) return beyond;
    const table = this.tableOf(subnetId);
    const routes = table && this.routesOf(table);
    // Which table applies, or its routes, not known: the replies may go anywhere. Either way the
    // packet left as beyond says.
    if (routes === undefined)
      return beyond.verdict === "allowed"
        ? leaving(unknown(beyond.exit, "replies' route table not known"), beyond)
        : beyond;
    const back = this.lookup(routes, leg.src);
    // A blackhole drops the answers whatever became of the request; elsewhere, an unknown stays one.
    if (back !== "tie" && back?.State === "blackhole")
      return leaving(blocked(table!.RouteTableId, "route-table", back.name, "replies blackholed"), beyond);
    if (beyond.verdict !== "allowed") return beyond;
    if (back === "tie") return leaving(unknown(beyond.exit, "replies routed by routes that tie"), beyond);
    if (back && back.State === undefined)
      return leaving(unknown(beyond.exit, "replies routed by a route without State"), beyond);
    if (back && back.GatewayId !== "local") return leaving(unknown(beyond.exit, "replies diverted"), beyond);
    return beyond;
  }

  /** Inside the VPC: to the destination's subnet across both ACLs, then the interface with the address. */
  private local(leg: Leg, pkt: RawPacket): RefOutcome {
    const dstSubnet = this.d.Subnets.find(
      (s) =>
        inCidr(pkt.dst, s.CidrBlock) ||
        // A block no longer (or not yet) associated is not the subnet's.
        (s.Ipv6CidrBlockAssociationSet ?? []).some(
          (b) => b.Ipv6CidrBlockState.State === "associated" && inCidr(pkt.dst, b.Ipv6CidrBlock),
        ),
    );
    if (dstSubnet === undefined) return blocked(this.d.Vpcs[0]!.VpcId, "vpc", null, "no subnet");
    // The replies meet the destination's subnet routing, then its ACL, then the source's.
    if (dstSubnet.SubnetId === leg.subnetId) return this.atHost(dstSubnet.SubnetId, leg, pkt);
    const out = this.crossAcl(leg.subnetId, "out", leg, pkt);
    if ("stop" in out) return out.stop;
    const inn = this.crossAcl(dstSubnet.SubnetId, "in", leg, pkt);
    if ("stop" in inn) return settle(inn.stop, out.held);
    return settle(settle(this.atHost(dstSubnet.SubnetId, leg, pkt), inn.held), out.held);
  }

  /** At the destination address, in its subnet. */
  private atHost(dstSubnetId: string, leg: Leg, pkt: RawPacket): RefOutcome {
    // Whatever answers there (if anything does) sends its answers by the subnet's own table.
    return this.repliesRouted(dstSubnetId, leg, pkt, this.arrive(leg, pkt));
  }

  /** What answers at the destination address. */
  private arrive(leg: Leg, pkt: RawPacket): RefOutcome {
    // A sender's interface (an instance's, an AWS-managed one's), or an interface endpoint's (which
    // answers for its AWS service): its security groups must let the flow in. Other addresses (free,
    // a NAT gateway's, a Network Load Balancer's): nothing known answers.
    const found = this.interfaces.find(
      ({ eni }) =>
        (sendsAs(eni.InterfaceType) !== null || eni.InterfaceType === "vpc_endpoint") && holds(eni, pkt.dst),
    );
    if (found === undefined) return unknown("private", "no audited interface has the address");
    const host = found.eni;
    const inbound = this.groupsAllow(host, "ingress", pkt, leg.src);
    if (inbound === "unknown") return unknown(null, "only a member-less group reference could let it in");
    if (inbound === "deny")
      return blocked(host.Groups.map((g) => g.GroupId).join(", "), "security-group", null, "host inbound");
    if (stateUnread(found.instance)) return unknown(null, "host instance state not read");
    // An interface endpoint describe-vpc-endpoints lists but not as available may not answer at all
    // (what its groups refuse is refused either way).
    const endpoint = this.d.VpcEndpoints.find((e) =>
      e.NetworkInterfaceIds?.includes(host.NetworkInterfaceId),
    );
    if (host.InterfaceType === "vpc_endpoint" && endpoint && endpoint.State !== "available")
      return unknown(null, "the interface endpoint is not available");
    return host.InterfaceType === "vpc_endpoint"
      ? allowed("cloud-service", null, "an interface endpoint")
      : allowed("private", null, `delivered to ${host.NetworkInterfaceId}`);
  }

  /**
   * The services AWS answers inside the VPC without security groups or network ACLs: served packets
   * reach them, others stop there, named by the service.
   */
  private service(pkt: RawPacket, instance: RawInstance | undefined, eni: RawEni): RefOutcome | null {
    const vpc = this.d.Vpcs[0]!;
    const base = ipaddr.parse(vpc.CidrBlock.split("/")[0]!).toByteArray();
    base[3]! += 2;
    const services: [string, string[], [number, number][]][] = [
      [
        "Amazon DNS",
        [base.join("."), "169.254.169.253", "fd00:ec2::253"],
        [
          [UDP, 53],
          [TCP, 53],
        ],
      ],
      ["IMDS", ["169.254.169.254", "fd00:ec2::254"], [[TCP, 80]]],
      ["Amazon Time Sync", ["169.254.169.123", "fd00:ec2::123"], [[UDP, 123]]],
      ["Windows activation", ["169.254.169.250", "169.254.169.251"], [[TCP, 1688]]],
    ];
    for (const [name, ips, serves] of services) {
      if (!ips.some((ip) => ipaddr.parse(ip).toString() === ipaddr.parse(pkt.dst).toString())) continue;
      if (!serves.some(([proto, port]) => pkt.proto === proto && pkt.port === port))
        return blocked(vpc.VpcId, "vpc", name, `${name} does not serve it`);
      if (name === "Amazon DNS" && this.d.EnableDnsSupport[0]?.EnableDnsSupport.Value === false)
        return blocked(vpc.VpcId, "vpc", "enableDnsSupport", "DNS support off");
      // Only an instance's own host is known to answer at the link-local addresses.
      const ownHost = instance !== undefined || eni.Attachment?.InstanceId !== undefined;
      if (pkt.dst.startsWith("169.254.") && !ownHost && name !== "IMDS")
        return unknown(null, "not an instance's interface");
      const metadata = name === "IMDS" ? this.metadata(instance, isV6(pkt.dst)) : null;
      if (metadata?.verdict === "blocked") return metadata;
      // The IPv6 addresses answer only instances built on the Nitro System.
      const nitro = isV6(pkt.dst) ? this.nitro(instance) : null;
      if (nitro?.verdict === "blocked") return nitro;
      // An instance whose state is not read may not be running (or not exist): what a service would
      // answer is unknown; what it refuses is refused whatever the state.
      if (stateUnread(instance)) return unknown(null, "instance state not read");
      return metadata?.verdict === "unknown"
        ? metadata
        : (nitro ?? metadata ?? allowed("cloud-service", null, name));
    }
    return null;
  }

  /** Whether an instance is built on the Nitro System, by its type: null when it is, else why not or why unknown. */
  private nitro(instance: RawInstance | undefined): RefOutcome | null {
    if (instance?.InstanceType === undefined) return unknown(null, "no instance type");
    const info = this.d.InstanceTypes.find((t) => t.InstanceType === instance.InstanceType);
    if (info === undefined) return unknown(null, "instance type not in the input");
    if (info.Hypervisor === "nitro" || (info.Hypervisor === undefined && info.BareMetal)) return null;
    if (info.Hypervisor === "xen") return blocked(info.InstanceType, "instance-type", "Hypervisor", "Xen");
    return unknown(null, "odd hypervisor");
  }

  /** Whether the metadata service answers an instance, by its metadata options (AWS defaults when absent). */
  private metadata(instance: RawInstance | undefined, v6: boolean): RefOutcome {
    if (instance === undefined) return unknown(null, "not an instance in the input");
    const setting = (rule: string) => blocked(instance.InstanceId, "instance", rule, `${rule} off`);
    const o = instance.MetadataOptions;
    if (o?.State === "pending") return unknown(null, "options changing");
    if (o?.State !== undefined && o.State !== "applied") return unknown(null, "odd State");
    const endpoint = o?.HttpEndpoint ?? "enabled";
    if (endpoint === "disabled") return setting("HttpEndpoint");
    if (endpoint !== "enabled") return unknown(null, "odd HttpEndpoint");
    if (!v6) return allowed("cloud-service", null, "IMDS");
    const ipv6 = o?.HttpProtocolIpv6 ?? "disabled";
    if (ipv6 === "disabled") return setting("HttpProtocolIpv6");
    return ipv6 === "enabled"
      ? allowed("cloud-service", null, "IMDS")
      : unknown(null, "odd HttpProtocolIpv6");
  }

  /**
   * The public IPv4 address of an interface's private address: its listing's, unless describe-addresses
   * associates Elastic IPs with the address (on an interface in the input) and none is the listed
   * one (none listed included): then the two calls were made at different moments and which is
   * current cannot be told (disputed). Of several in describe-addresses, the listed one. A stopped
   * instance's primary address without one is disputed too (it may get one when started).
   */
  publicOf(ip: string): { ip: string | undefined; disputed: boolean } {
    const holder = this.interfaces.find(({ eni }) =>
      eni.PrivateIpAddresses.some((a) => a.PrivateIpAddress === ip),
    );
    const listed = holder?.eni.PrivateIpAddresses.find((a) => a.PrivateIpAddress === ip);
    if (listed === undefined) return { ip: undefined, disputed: false };
    const known = new Set(this.interfaces.map(({ eni }) => eni.NetworkInterfaceId));
    const eips = this.d.Addresses.filter(
      (a) => a.PrivateIpAddress === ip && known.has(a.NetworkInterfaceId),
    ).map((a) => a.PublicIp);
    const pub = listed.Association?.PublicIp;
    if (eips.length > 0 && (pub === undefined || !eips.includes(pub)))
      return { ip: undefined, disputed: true };
    // A stopped instance's own address without one: AWS released its public IP, if any, and whether it
    // gets a new one on start the input does not tell (its primary interface's primary address only).
    // With one that is not surely an Elastic IP (which stays), stopped or stopping: AWS releases it
    // (or may), and the one it gets on start is not known.
    const instance = holder?.instance;
    const state = instance?.State?.Name ?? "";
    const stopped = ["stopped", "stopping", "pending"].includes(state);
    const primary = instance?.PrivateIpAddress
      ? instance.PrivateIpAddress === ip
      : listed.Primary && (holder?.eni.Attachment?.DeviceIndex ?? 0) === 0;
    const owner = listed.Association?.IpOwnerId;
    // (An account is twelve digits; "amazon" is a public IP AWS assigned; anything else AWS does not
    // print, so it tells nothing.)
    const elastic =
      eips.length > 0 ||
      listed.Association?.AllocationId !== undefined ||
      (owner !== undefined && /^\d{12}$/.test(owner));
    if (pub !== undefined && primary && (state === "stopped" || state === "stopping") && !elastic)
      return { ip: undefined, disputed: true };
    return { ip: pub, disputed: pub === undefined && stopped && primary };
  }

  /**
   * A packet sent by an interface, from its primary address (its first IPv6 one to an IPv6
   * destination) or `from`: a private IPv4 address of it, or an IPv6 address of it or of a prefix
   * delegated to it (a pod's), each for destinations of its family.
   */
  outcome(eniId: string, pkt: RawPacket, from?: string): RefOutcome {
    const { eni, instance } = this.interfaces.find((x) => x.eni.NetworkInterfaceId === eniId)!;
    const mine = from !== undefined && isV6(from) === isV6(pkt.dst) ? from : undefined;
    const src = mine ?? (isV6(pkt.dst) ? eni.Ipv6Addresses?.[0]?.Ipv6Address : eni.PrivateIpAddress);
    if (src === undefined) return blocked(eni.NetworkInterfaceId, "eni", null, "no address of the family");
    // To its own address, or one of a prefix delegated to it: the host keeps it.
    if (holds(eni, pkt.dst)) return allowed("private", null, "own address");
    const service = this.service(pkt, instance, eni);
    if (service !== null) return service;
    const outbound = this.groupsAllow(eni, "egress", pkt, pkt.dst);
    if (outbound === "deny")
      return blocked(eni.Groups.map((g) => g.GroupId).join(", "), "security-group", null, "no egress rule");
    // An instance whose state the input does not tell may be running, stopped or gone.
    if (stateUnread(instance)) return unknown(null, "instance state not read");
    // Lambda functions and the other AWS-managed senders use the wide range, as NAT gateways do; an
    // interface whose instance is not in the input (or that has none) too, and one of a type not
    // listed: its OS, and so its range, cannot be told. A Kubernetes node's too: its pods' traffic is
    // translated to its address with source ports Linux picks from 1024-65535 (SNAT --random-fully).
    const ephemeral =
      sendsAs(eni.InterfaceType) !== "instance" || instance === undefined || isNode(instance, eni)
        ? NAT_EPHEMERAL
        : instance.Platform === "windows" || /^mac/i.test(instance.InstanceType ?? "")
          ? WINDOWS_EPHEMERAL
          : LINUX_EPHEMERAL;
    const beyond = this.route({ subnetId: eni.SubnetId, src, ephemeral, nat: null, visited: [] }, pkt);
    // Only a group reference in doubt could let it out: it may leave or not, so a drop further on
    // blocks it either way; if not dropped, it is unknown.
    if (outbound === "unknown")
      return settle(beyond, [unknown(null, "only a member-less group reference could let it out")], false);
    return beyond;
  }
}

/** Whether an instance's state is missing or one AWS does not print (pending ... stopped). */
function stateUnread(instance: RawInstance | undefined): boolean {
  if (instance === undefined) return false;
  const name = instance.State?.Name;
  return !["pending", "running", "shutting-down", "terminated", "stopping", "stopped"].includes(name ?? "");
}

/** Every address of an interface: its private IPv4 addresses (primary and secondary) and IPv6 ones. */
function addressesOf(eni: RawEni): string[] {
  return [
    ...eni.PrivateIpAddresses.map((a) => a.PrivateIpAddress),
    ...(eni.Ipv6Addresses ?? []).map((a) => a.Ipv6Address),
  ];
}

/** Whether an address is the interface's: one of its own, or in a prefix delegated to it. */
function holds(eni: RawEni, ip: string): boolean {
  return (
    addressesOf(eni).includes(ip) ||
    (eni.Ipv4Prefixes ?? []).some((p) => inCidr(ip, p.Ipv4Prefix)) ||
    (eni.Ipv6Prefixes ?? []).some((p) => inCidr(ip, p.Ipv6Prefix))
  );
}
