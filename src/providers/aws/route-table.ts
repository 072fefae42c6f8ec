// RouteTables -> RouteTable. Every route keeps its destination text as the rule name. Targets the audit
// follows: local, internet and egress-only gateways, NAT gateways. Every other target AWS documents is an
// exit whose far side is not analysed (its verdict is `unknown`), or, for gateway endpoints, a cloud service;
// a VPC peering connection drops what is not for the peer VPC (see peering.ts).
import { IntervalSet, parseCidr, toCidrs } from "../../netset/index.js";
import { InputError } from "../../model/errors.js";
import { ascending } from "../../model/order.js";
import {
  targetLabel,
  type ExitGateway,
  type ExitKind,
  type Route,
  type RouteTarget,
} from "../../model/types.js";
import { innerList } from "../../model/maps.js";
import { associationClaim, settle, unlistedWhy, withoutAssociations, type Claim } from "./claims.js";
import {
  at,
  cidrAt,
  missingReason,
  undecidedTarget,
  unresolvedPrefixList,
  type AwsContext,
} from "./context.js";
import { publicMapOf, type InterfaceFacts } from "./network-interface.js";
import { peeringDeliveries, unlistedPeering, type Deliveries } from "./peering.js";
import type { RawRoute, RawRouteTable } from "./raw.js";
import type { Located } from "./snapshot.js";
import { endpointStateDoubt } from "./vpc-endpoint.js";

/** At equal prefix length: a static CIDR beats a prefix-list route, which beats a propagated one. */
const PREF_STATIC = 3;
const PREF_PREFIX_LIST = 2;
const PREF_PROPAGATED = 1;

const EXITS: {
  field: keyof RawRoute;
  prefix?: string;
  exit: ExitKind;
  label: string;
  kind: string;
}[] = [
  { field: "GatewayId", prefix: "vgw-", exit: "vpn", label: "virtual private gateway", kind: "vpn-gateway" },
  { field: "TransitGatewayId", exit: "private", label: "transit gateway", kind: "transit-gateway" },
  {
    field: "VpcPeeringConnectionId",
    exit: "peering",
    label: "VPC peering connection",
    kind: "vpc-peering-connection",
  },
  { field: "NetworkInterfaceId", exit: "private", label: "network appliance", kind: "network-interface" },
  { field: "InstanceId", exit: "private", label: "network appliance", kind: "instance" },
  { field: "LocalGatewayId", exit: "private", label: "local gateway", kind: "local-gateway" },
  { field: "CarrierGatewayId", exit: "internet", label: "carrier gateway", kind: "carrier-gateway" },
  { field: "CoreNetworkArn", exit: "private", label: "Cloud WAN core network", kind: "core-network" },
];

/**
 * What the input says of an appliance a route sends to (its interface, or its instance's primary one):
 * its subnet, through which traffic from inside that subnet reaches it without crossing the subnet's
 * boundary, and its source/destination check.
 */
function applianceOf(ctx: AwsContext, r: RawRoute): { subnetId?: string; sourceDestCheck?: boolean } {
  const of = (subnetId: string | null | undefined, check: boolean | null | undefined) => ({
    ...(subnetId ? { subnetId } : {}),
    ...(typeof check === "boolean" ? { sourceDestCheck: check } : {}),
  });
  if (r.NetworkInterfaceId) {
    const id = r.NetworkInterfaceId;
    const eni = ctx.raw.NetworkInterfaces.find((e) => e.item.NetworkInterfaceId === id)?.item;
    for (const { item: rsv } of ctx.raw.Reservations)
      for (const inst of rsv.Instances ?? [])
        for (const e of inst.NetworkInterfaces ?? [])
          if (e.NetworkInterfaceId === id)
            return of(
              eni?.SubnetId ?? e.SubnetId ?? inst.SubnetId,
              eni?.SourceDestCheck ?? e.SourceDestCheck,
            );
    if (eni) return of(eni.SubnetId, eni.SourceDestCheck);
  } else if (r.InstanceId) {
    for (const { item: rsv } of ctx.raw.Reservations)
      for (const inst of rsv.Instances ?? [])
        if (inst.InstanceId === r.InstanceId) return of(inst.SubnetId, inst.SourceDestCheck);
  }
  return {};
}

export function convertRouteTables(ctx: AwsContext, facts: InterfaceFacts): void {
  const known: KnownTargets = { endpoints: unlistedEndpoints(ctx), peerings: peeringDeliveries(ctx) };
  noteEndpointStates(ctx);
  for (const loc of ctx.raw.RouteTables) {
    const rt = loc.item;
    const routes: Route[] = [];
    const locals: IntervalSet[] = [];
    (rt.Routes ?? []).forEach((r, i) => {
      oneTarget(loc, i, r);
      const target = stateDoubt(ctx, loc, i, r) ?? routeTarget(ctx, facts, known, rt.VpcId, r);
      const preference = r.Origin === "EnableVgwRoutePropagation" ? PREF_PROPAGATED : PREF_STATIC;
      const targetText = textOf(target);
      const cidrText = r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock;
      if (cidrText) {
        const dest = r.DestinationCidrBlock
          ? cidrAt(cidrText, 4, loc, "Routes", i, "DestinationCidrBlock")
          : cidrAt(cidrText, 6, loc, "Routes", i, "DestinationIpv6CidrBlock");
        if (r.GatewayId === "local") locals.push(dest);
        routes.push({
          dest,
          prefixLength: prefixLengthOf(cidrText),
          preference,
          target,
          ref: {
            resource: rt.RouteTableId,
            kind: "route-table",
            rule: cidrText,
            description: `${cidrText} -> ${targetText}`,
          },
        });
      } else if (r.DestinationPrefixListId) {
        const pl = ctx.prefixLists.get(r.DestinationPrefixListId);
        if (!pl) {
          // Which addresses this route takes is unknown: the table is (see hasUnresolvedPl), and the
          // run lists the list under unknowns.
          unresolvedPrefixList(ctx, r.DestinationPrefixListId, rt.RouteTableId);
          return;
        }
        for (const c of pl.cidrs)
          routes.push({
            dest: parseCidr(c),
            prefixLength: prefixLengthOf(c),
            preference: PREF_PREFIX_LIST,
            target,
            ref: {
              resource: rt.RouteTableId,
              kind: "route-table",
              rule: r.DestinationPrefixListId,
              description: `${r.DestinationPrefixListId} (${c}) -> ${targetText}`,
            },
          });
      } else {
        const where = at(loc, "Routes", i);
        throw new InputError(
          "expected DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId",
          where.file,
          where.path,
        );
      }
    });
    const unresolvedPl = (rt.Routes ?? []).find(
      (r) => r.DestinationPrefixListId && !ctx.prefixLists.has(r.DestinationPrefixListId),
    )?.DestinationPrefixListId;
    // describe-route-tables always prints Routes (every table has its local route): without them, the
    // routes were not read, which is not "no route matches".
    const unread =
      rt.Routes == null
        ? `the routes of ${rt.RouteTableId} are not in the input (its describe-route-tables output has no Routes)`
        : undefined;
    if (unread !== undefined) ctx.model.unknowns.push({ resource: rt.RouteTableId, message: unread });
    ctx.model.routeTables.set(rt.RouteTableId, {
      id: rt.RouteTableId,
      networkId: rt.VpcId,
      routes: settleTies(underLocal(routes, locals)),
      ...(unread !== undefined
        ? { unknown: unread }
        : unresolvedPl
          ? {
              // Why that list's entries are not known (not saved, listed without them, in two versions).
              unknown: `${unresolvedPrefixList(ctx, unresolvedPl, rt.RouteTableId)}, so the longest-prefix match of ${rt.RouteTableId} cannot be decided`,
            }
          : {}),
    });
  }
  // Gateway route tables: a table associated with an internet gateway routes what comes in through it.
  // A gateway has one; where the input has two, or one being made or undone, which applies is unknown.
  const byGateway = new Map<string, Claim[]>();
  for (const { item: rt } of ctx.raw.RouteTables)
    for (const a of rt.Associations ?? []) {
      const c = associationClaim(rt.RouteTableId, a);
      if (c && a.GatewayId) innerList(byGateway, a.GatewayId).push(c);
    }
  // A gateway no table lists has none, unless a table of its VPC was saved without its associations:
  // that one may be its gateway route table (and route the replies elsewhere).
  const unreadTables = withoutAssociations(ctx.raw.RouteTables, (t) => t.RouteTableId);
  for (const g of ctx.model.gateways.values())
    if (
      g.kind === "internet" &&
      !byGateway.has(g.id) &&
      g.networkId !== null &&
      unreadTables.has(g.networkId)
    )
      byGateway.set(g.id, []);
  for (const [gatewayId, claims] of byGateway) {
    const g = ctx.model.gateways.get(gatewayId);
    if (g?.kind !== "internet") continue;
    const unread = claims.length === 0 ? unreadTables.get(g.networkId!) : undefined;
    const applies = unread
      ? {
          why: unlistedWhy(
            gatewayId,
            "route table",
            unread,
            "describe-route-tables",
            "whether a gateway route table routes what comes in through it",
          ),
          missing: true,
        }
      : settle(claims, gatewayId, "gateway route table")!;
    if ("id" in applies) {
      g.ingressTableId = applies.id;
      continue;
    }
    // A stand-in that is not read, with the reason (as for a subnet, see subnet.ts).
    g.ingressTableId = `rtb-unknown:${gatewayId}`;
    ctx.model.routeTables.set(g.ingressTableId, {
      id: g.ingressTableId,
      // The claiming tables were all converted above.
      networkId: claims.length > 0 ? ctx.model.routeTables.get(claims[0]!.id)!.networkId : g.networkId!,
      routes: [],
      unknown: applies.why,
    });
    // (An association AWS is making or undoing is no data missing: unknown with the reason only.)
    if (applies.missing) ctx.model.unknowns.push({ resource: gatewayId, message: applies.why });
  }
  if (!ctx.raw.present.has("RouteTables")) {
    for (const s of ctx.model.subnets.values()) {
      if (s.routeTableId !== null) continue;
      const id = `rtb-unknown:${s.id}`;
      ctx.model.routeTables.set(id, {
        id,
        networkId: s.networkId,
        routes: [],
        unknown: missingReason(ctx, "RouteTables", `the route table of ${s.id} is unknown`),
      });
      s.routeTableId = id;
    }
  }
}

/**
 * Propagated routes (VPN, Direct Connect) never take the VPC's own addresses: where one overlaps a
 * local route, the local route wins even when the propagated one is more specific (Site-to-Site VPN
 * user guide, "Route tables and VPN route priority"). Static routes more specific than local do take
 * them (AWS accepts those only for whole subnets, to appliances, NAT gateways and endpoints).
 * `locals` are the local routes' blocks, whatever their State says: one saved without State (or in a
 * state AWS does not print) is undecided, but what it covers is still the VPC's own.
 */
function underLocal(routes: Route[], locals: IntervalSet[]): Route[] {
  if (locals.length === 0) return routes;
  const local = IntervalSet.unionAll(locals);
  const out: Route[] = [];
  for (const r of routes) {
    if (r.preference !== PREF_PROPAGATED || !r.dest.overlaps(local)) out.push(r);
    else if (!r.dest.isSubsetOf(local)) out.push({ ...r, dest: r.dest.subtract(local) });
  }
  return out;
}

/** A CIDR's prefix length ("/n", else a bare address's); only for text parseCidr has read (one "/"). */
function prefixLengthOf(cidr: string): number {
  const slash = cidr.indexOf("/");
  return slash === -1 ? (cidr.includes(":") ? 128 : 32) : Number(cidr.slice(slash + 1));
}

/** A route's target as its description names it: a blackhole with the target it lost. */
function textOf(t: RouteTarget): string {
  return t.kind === "blackhole" ? `blackhole (${t.targetId ?? "?"})` : targetLabel(t);
}

/**
 * Routes of one destination block and one rank (AWS allows that only for prefix lists with an entry in
 * common) become one route named by all of them, in a fixed order rather than the table's. To one
 * target, that target. To different targets, `undecided`: AWS picks one of the routes at random and
 * then always uses it ("How route priority works", VPC user guide), and which one it picked is not in
 * the describe output, where the first listed would be a guess. (Two static routes to one block
 * cannot be made; a file that has them is read the same way.)
 */
function settleTies(routes: Route[]): Route[] {
  // Routes of one block are rare: the blocks' hashes (numbers the sets cache) find the routes that
  // may be such, without a key string per route (its bounds in hex, which cost more than the rest of
  // reading the route); only those are grouped, comparing the blocks exactly.
  const seen = new Set<number>();
  const twice = new Set<number>();
  for (const r of routes) {
    const h = r.dest.hash();
    if (seen.has(h)) twice.add(h);
    else seen.add(h);
  }
  /** Hash -> the routes of each block and rank of that hash. */
  const groups = new Map<number, Route[][]>();
  for (const r of routes) {
    const h = r.dest.hash();
    if (!twice.has(h)) continue;
    const list = innerList(groups, h);
    const same = list.find((g) => g[0]!.preference === r.preference && g[0]!.dest.equals(r.dest));
    if (same) same.push(r);
    else list.push([r]);
  }
  const out: Route[] = [];
  for (const r of routes) {
    const same = groups.get(r.dest.hash())?.find((g) => g.includes(r)) ?? [r];
    if (same.length === 1) out.push(r);
    if (same.length === 1 || same[0] !== r) continue;
    const block = toCidrs(r.dest).join(", ");
    const named = same.map((x) => ({ rule: x.ref.rule ?? "?", to: textOf(x.target), route: x }));
    named.sort((a, b) => ascending(a.rule, b.rule) || ascending(a.to, b.to));
    const unique = [...new Set(named.map((x) => x.rule))];
    const tie = new Set(named.map((x) => x.to)).size > 1;
    // A route listed twice (a hand-merged file) is that route.
    if (unique.length === 1 && !tie) {
      out.push(r);
      continue;
    }
    const rules = unique.join(", ");
    const each = tie ? named.map((x) => `${x.rule} -> ${x.to}`).join(", ") : `${rules} -> ${named[0]!.to}`;
    out.push({
      ...r,
      target: tie
        ? {
            kind: "undecided",
            why: `${block} is routed by ${each} alike (same prefix length): AWS picks one of such routes and keeps to it, and which one is not in the describe output`,
          }
        : named[0]!.route.target,
      ref: { resource: r.ref.resource, kind: "route-table", rule: rules, description: `${block}: ${each}` },
    });
  }
  return out;
}

/** Route fields that are not the target. */
const NOT_TARGET = new Set([
  "DestinationCidrBlock",
  "DestinationIpv6CidrBlock",
  "DestinationPrefixListId",
  "InstanceOwnerId",
]);

/**
 * A target field this version does not know (AWS adds target kinds): its name and value, if any. VPC
 * Route Server's routes name their next hop by address alone (IpAddress).
 */
function otherTarget(r: RawRoute): [string, string] | null {
  for (const [k, v] of Object.entries(r))
    if (!NOT_TARGET.has(k) && (k === "IpAddress" || /(Id|Arn)$/.test(k)) && typeof v === "string" && v !== "")
      return [k, v];
  return null;
}

/** The target fields this version reads, in the order a route's target is taken from them. */
const TARGET_FIELDS = [
  "GatewayId",
  "NatGatewayId",
  "EgressOnlyInternetGatewayId",
  "TransitGatewayId",
  "VpcPeeringConnectionId",
  "NetworkInterfaceId",
  "InstanceId",
  "LocalGatewayId",
  "CarrierGatewayId",
  "CoreNetworkArn",
] as const;

/** A route's target id and, when it is a field this version does not know, that field's name. */
function targetOf(r: RawRoute): { id: string | null; other: [string, string] | null } {
  const field = TARGET_FIELDS.find((f) => r[f] != null);
  const known = field === undefined ? null : r[field]!;
  const other = known === null ? otherTarget(r) : null;
  return { id: known ?? other?.[1] ?? null, other };
}

/**
 * A route has one target. AWS prints two fields for one only where the target is an instance: its id
 * and its primary interface's (InstanceId and NetworkInterfaceId). Any other pair is an input error:
 * which the route sends to cannot be told, and reading the first would be a guess.
 */
function oneTarget(loc: Located<unknown>, i: number, r: RawRoute): void {
  let count = 0;
  for (const f of TARGET_FIELDS) if (r[f] != null) count++;
  if (count < 2) return;
  const set = TARGET_FIELDS.filter((f) => r[f] != null);
  if (set.length < 2 || (set.length === 2 && set[0] === "NetworkInterfaceId" && set[1] === "InstanceId"))
    return;
  const where = at(loc, "Routes", i);
  throw new InputError(
    `expected one route target, got ${set.map((f) => `${f} ${JSON.stringify(r[f])}`).join(" and ")} (AWS prints two only for an instance: InstanceId and its NetworkInterfaceId)`,
    where.file,
    where.path,
  );
}

/** The route states AWS prints. */
const ROUTE_STATES = new Set(["active", "blackhole"]);

/**
 * A route saved without State (absent or null; describe-route-tables prints it on every route), or
 * with one AWS does not print (it prints active or blackhole): whether it carries traffic or drops it
 * cannot be told, so it is undecided, and listed under unknowns naming the table and where the route
 * is (for one without State, its destination too): that is missing data, as a NAT gateway's state
 * AWS does not print is, and reading it as active (or as a blackhole) would be a guess.
 */
function stateDoubt(
  ctx: AwsContext,
  loc: Located<RawRouteTable>,
  i: number,
  r: RawRoute,
): RouteTarget | null {
  if (r.State != null && ROUTE_STATES.has(r.State)) return null;
  const rtId = loc.item.RouteTableId;
  const label = targetOf(r).id ?? "(no target)";
  if (r.State == null) {
    const why =
      "its State is not in the input (describe-route-tables prints active or blackhole on every route), so whether it carries traffic or drops it cannot be told";
    const where = at(loc, "Routes", i);
    const dest =
      r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId ?? "(no destination)";
    ctx.model.unknowns.push({
      resource: rtId,
      message: `the route of ${rtId} to ${dest} (-> ${label}): ${why} (${where.file} ${where.path})`,
    });
    return { kind: "undecided", why, label };
  }
  const why = `its State ${JSON.stringify(r.State)} is not one AWS prints (active or blackhole), so whether it carries traffic or drops it cannot be told`;
  const where = at(loc, "Routes", i, "State");
  ctx.model.unknowns.push({
    resource: rtId,
    message: `a route of ${rtId}: ${why} (${where.file} ${where.path})`,
  });
  return { kind: "undecided", why, label };
}

/**
 * AWS-managed prefix lists of the services gateway endpoints serve (S3, DynamoDB): AWS adds a route
 * to such a list, to the endpoint, for each route table associated with a gateway endpoint. A
 * customer cannot make such a list ("The name cannot start with com.amazonaws", CreateManagedPrefixList).
 */
const GATEWAY_SERVICE_LIST = /^com\.amazonaws\.[a-z0-9-]+\.(s3|dynamodb)$/;

function isGatewayServiceList(ctx: AwsContext, id: string): boolean {
  const managed = ctx.raw.ManagedPrefixLists.filter((l) => l.item.PrefixListId === id).map((l) => l.item);
  // Owned by an account: a customer's list, whatever its name says.
  if (managed.some((l) => l.OwnerId && l.OwnerId !== "AWS")) return false;
  return [...ctx.raw.PrefixLists.map((l) => l.item).filter((l) => l.PrefixListId === id), ...managed].some(
    (l) => GATEWAY_SERVICE_LIST.test(l.PrefixListName ?? ""),
  );
}

/**
 * Routes to a listed VPC endpoint that is not `available` are undecided: one without a State (which
 * describe-vpc-endpoints always prints) or with one AWS does not print ("Available") is missing data,
 * listed under unknowns; one AWS is setting up or taking down (pendingAcceptance, pending, deleting,
 * partial) carries traffic or not by the moment; and of one that is gone (deleted, rejected, failed,
 * expired) AWS removes the routes, or marks them blackholes, in its own time, so whether the route
 * still holds the traffic (dropped) or a wider one takes it cannot be told either. Only endpoints some
 * route of the input names are concerned.
 */
function noteEndpointStates(ctx: AwsContext): void {
  const routed = new Set<string>();
  for (const { item: rt } of ctx.raw.RouteTables)
    for (const r of rt.Routes ?? []) {
      const { id } = targetOf(r);
      if (id?.startsWith("vpce-")) routed.add(id);
    }
  for (const { item: e } of ctx.raw.VpcEndpoints) {
    const id = e.VpcEndpointId;
    if (!routed.has(id) || ctx.undecidedTargets.has(id)) continue;
    const doubt = endpointStateDoubt(id, e.State);
    if (!doubt) continue;
    if (doubt.missing) undecidedTarget(ctx, id, doubt.why);
    else
      ctx.undecidedTargets.set(
        id,
        doubt.gone
          ? `${doubt.why}, and whether routes to it drop the traffic (blackholes) or are gone, leaving it to a wider route, cannot be told`
          : doubt.why,
      );
  }
}

/**
 * What each vpce- route target that describe-vpc-endpoints does not list is, by every route that
 * names it (never by the first one read): AWS routes to a gateway endpoint only through the AWS-managed
 * list of its service, and CreateRoute accepts a VpcEndpointId only for Gateway Load Balancer
 * endpoints. So an endpoint routed by any CIDR, or by a list of the customer's (or one not in the
 * input), is taken as a Gateway Load Balancer endpoint; only one routed by service lists alone as a
 * gateway endpoint. Id -> true for a gateway endpoint.
 */
function unlistedEndpoints(ctx: AwsContext): Map<string, boolean> {
  const listed = new Set(ctx.raw.VpcEndpoints.map((e) => e.item.VpcEndpointId));
  const out = new Map<string, boolean>();
  for (const { item: rt } of ctx.raw.RouteTables)
    for (const r of rt.Routes ?? []) {
      const { id } = targetOf(r);
      if (!id?.startsWith("vpce-") || listed.has(id)) continue;
      const gateway = !!r.DestinationPrefixListId && isGatewayServiceList(ctx, r.DestinationPrefixListId);
      out.set(id, (out.get(id) ?? true) && gateway);
    }
  return out;
}

/** What routes' targets are that their own listings do not say (see unlistedEndpoints, peering.ts). */
interface KnownTargets {
  /** vpce- targets describe-vpc-endpoints does not list: id -> whether a gateway endpoint. */
  endpoints: ReadonlyMap<string, boolean>;
  /** Peering connection id -> what it delivers (see peering.ts). */
  peerings: Deliveries;
}

/** What a route's VPC peering connection delivers, as its exit gateway says (nothing for other targets). */
function peeringOf(ctx: AwsContext, known: KnownTargets, r: RawRoute): Pick<ExitGateway, "delivery"> {
  const id = r.VpcPeeringConnectionId;
  if (!id) return {};
  return { delivery: known.peerings.get(id) ?? unlistedPeering(ctx, id) };
}

function routeTarget(
  ctx: AwsContext,
  facts: InterfaceFacts,
  known: KnownTargets,
  vpcId: string,
  r: RawRoute,
): RouteTarget {
  const { id, other } = targetOf(r);
  if (r.State === "blackhole") return { kind: "blackhole", targetId: id };
  if (r.GatewayId === "local") return { kind: "local", networkId: vpcId };
  // AWS prints a target on every route; one without any this version reads cannot be followed, and
  // only State says a route is a blackhole.
  if (id === null)
    return { kind: "undecided", why: "it names no target this version can read", label: "(no target)" };
  const undecided = ctx.undecidedTargets.get(id);
  if (undecided !== undefined) return { kind: "undecided", why: undecided, label: id };
  const gateways = ctx.model.gateways;
  const g = gateways.get(id);
  // An internet gateway carries only the traffic of the VPC it is attached to: AWS marks a route to
  // one that is not a blackhole, which a snapshot taken while it was being detached (or a hand-made
  // one) may not say yet.
  if ((g?.kind === "internet" || g?.kind === "egress-only-internet") && g.networkId !== vpcId)
    return {
      kind: "blackhole",
      targetId: id,
      why: `its target ${id} is not attached to ${vpcId} (${g.networkId === null ? "it is attached to no VPC" : `it is attached to ${g.networkId}`})`,
    };
  // A NAT gateway serves the route tables of its own VPC (AWS takes no route to another VPC's): listings
  // that say otherwise (saved from different accounts or moments) cannot tell what such a route does.
  if (g?.kind === "nat" && g.networkId !== null && g.networkId !== vpcId)
    return {
      kind: "undecided",
      why: `its target ${id} is a NAT gateway of ${g.networkId}, not of ${vpcId}, which AWS does not route to (listings from different accounts or moments?)`,
      label: id,
    };
  if (g) return { kind: "gateway", gatewayId: id };
  const exit = (
    exitKind: ExitKind,
    label: string,
    kind: string,
    reaches = false,
    appliance: { subnetId?: string; sourceDestCheck?: boolean } = {},
    beyond: Pick<ExitGateway, "delivery"> = {},
  ) =>
    gateways.set(id, {
      id,
      kind: "exit",
      networkId: vpcId,
      exit: exitKind,
      label,
      ref: { resource: id, kind, rule: null },
      ...(reaches ? { reaches: true } : {}),
      ...(appliance.subnetId !== undefined ? { subnetId: appliance.subnetId } : {}),
      // An appliance forwards only with the check off (a NAT instance, a firewall): on, EC2 drops at
      // its interface what is neither from nor to its own addresses, which is all that is routed to it.
      ...(appliance.sourceDestCheck === true
        ? {
            drops: {
              reason: `${id} has source/destination checking on, so EC2 drops what is routed through it (neither from nor to its own addresses); an appliance or NAT instance needs it off`,
              setting: "SourceDestCheck",
            },
          }
        : {}),
      ...beyond,
    });
  // Gateways that need no description of their own are created from the route that uses them, unless
  // their describe call was read and does not list them: then what the route reaches is not known
  // (deleted, or attached elsewhere), which is `unknown`, never a working gateway.
  if (
    (id.startsWith("igw-") && ctx.raw.present.has("InternetGateways")) ||
    (id.startsWith("eigw-") && ctx.raw.present.has("EgressOnlyInternetGateways"))
  )
    return { kind: "gateway", gatewayId: id };
  // Their describe call failed (denied, say): the run already lists that data as missing, and whether
  // the gateway is still attached to this VPC is what it would have told (a route's State can lag a
  // detach, which is why a listed gateway's attachment is checked above): unknown, not a working one.
  const gap = id.startsWith("igw-")
    ? ctx.gapReason("InternetGateways")
    : id.startsWith("eigw-")
      ? ctx.gapReason("EgressOnlyInternetGateways")
      : undefined;
  if (gap !== undefined)
    return {
      kind: "undecided",
      why: `whether ${id} is attached to ${vpcId} could not be read (${gap})`,
      label: id,
    };
  if (id.startsWith("igw-"))
    gateways.set(id, {
      id,
      kind: "internet",
      networkId: vpcId,
      ref: { resource: id, kind: "internet-gateway", rule: null },
      publicIpOf: publicMapOf(facts, vpcId),
      // (As for a listed one, see internet-gateway.ts: addresses whose public IP is in doubt.)
      ...(facts.publicIpInDoubt.has(vpcId) ? { publicIpInDoubt: facts.publicIpInDoubt.get(vpcId)! } : {}),
    });
  else if (id.startsWith("eigw-"))
    gateways.set(id, {
      id,
      kind: "egress-only-internet",
      networkId: vpcId,
      ref: { resource: id, kind: "egress-only-internet-gateway", rule: null },
    });
  else if (id.startsWith("vpce-")) {
    // A gateway endpoint (S3, DynamoDB) delivers to the service; a Gateway Load Balancer endpoint hands
    // the traffic to an inspection appliance whose decision is not in the input.
    const listed = ctx.raw.VpcEndpoints.find((e) => e.item.VpcEndpointId === id);
    const type = listed?.item.VpcEndpointType;
    if (type === "Gateway" || (!listed && known.endpoints.get(id) === true))
      exit("cloud-service", "gateway VPC endpoint", "vpc-endpoint", true);
    else if (type === "GatewayLoadBalancer")
      exit("private", "Gateway Load Balancer endpoint (inspection appliance)", "vpc-endpoint");
    else if (!listed)
      exit(
        "private",
        "Gateway Load Balancer endpoint (not in the input: only those take CIDR or customer prefix-list routes)",
        "vpc-endpoint",
      );
    else
      exit(
        "private",
        `VPC endpoint${type ? ` of type ${type}` : " (of no type in the input)"}`,
        "vpc-endpoint",
      );
  } else {
    const e = EXITS.find((x) => r[x.field] === id && (!x.prefix || id.startsWith(x.prefix)));
    if (e) exit(e.exit, e.label, e.kind, false, applianceOf(ctx, r), peeringOf(ctx, known, r));
    else if (other?.[0] === "IpAddress")
      // (The id is the address: "leaves through the VPC Route Server next hop 10.0.2.10".)
      exit("private", "VPC Route Server next hop", "route-server-next-hop");
    else if (other) exit("private", `route target (${other[0]})`, "route-target");
  }
  return { kind: "gateway", gatewayId: id };
}
