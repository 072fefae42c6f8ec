// NetworkInterfaces and Reservations (instances) -> Endpoint sources, plus two facts other converters
// need: which private addresses belong to each security group (for group references) and which private
// address maps to which public address (for the internet gateway's 1:1 translation).
import { InputError, jsonPath } from "../../model/errors.js";
import { innerList, innerMap, innerSet } from "../../model/maps.js";
import { someOf } from "../../model/missing.js";
import { ascending } from "../../model/order.js";
import { formatIp, IntervalSet, type IntervalSet as IpSet } from "../../netset/index.js";
import {
  ANY_CLIENT_PORTS,
  unreadGroup,
  unreadRule,
  type Endpoint,
  type LocalService,
  type RuleRef,
} from "../../model/types.js";
import { at, cidrAt, ipAt, missingReason, nameTag, unprinted, type AwsContext } from "./context.js";
import { instanceServices } from "./instance-services.js";
import { isNatGatewayType, notSourceWhy, sourceKindOf, type SourceKind } from "./interface-types.js";
import type { RawInstance, RawNetworkInterface, RawOf } from "./raw.js";
import type { Located } from "./snapshot.js";
import { endpointStateDoubt } from "./vpc-endpoint.js";
import { folderScopes } from "./folders.js";
import { dirname } from "node:path";

const LINUX_EPHEMERAL = IntervalSet.range(32768n, 60999n);
/** IANA's dynamic ports, which Windows and macOS pick client ports from. */
const IANA_EPHEMERAL = IntervalSet.range(49152n, 65535n);

/**
 * The ports a source's connections come from: an instance's by its platform (describe-instances says
 * "windows"; nothing for Linux); any other sender's cannot be told, so every range (see
 * ANY_CLIENT_PORTS): AWS-managed ones (Lambda, load balancers, as NAT gateways), one of a type this
 * version does not know, an interface whose instance is not in the input or that has none (a pod's
 * branch interface, a service's requester-managed one). Application and Classic Load Balancers' nodes
 * have interfaces of type "interface": told by their requester and description. A Kubernetes node's
 * (`node`: its instance or interface carries a cluster tag) are every range too, whatever its OS: its
 * pods' traffic leaving the VPC is translated to the node's address by the VPC CNI's SNAT rule, which
 * uses --random-fully unless AWS_VPC_K8S_CNI_RANDOMIZESNAT=none (set on the aws-node DaemonSet, in no
 * EC2 output), and Linux then picks the new source port from 1024-65535, not the OS's client range.
 */
function ephemeralPorts(
  eni: RawNetworkInterface,
  kind: SourceKind,
  instance: RawInstance | undefined,
  node: boolean,
): IpSet {
  const loadBalancer = eni.RequesterId === "amazon-elb" || (eni.Description ?? "").startsWith("ELB ");
  if (kind !== "instance" || loadBalancer || instance === undefined || node) return ANY_CLIENT_PORTS;
  // EC2 Mac instances (mac1.metal, mac2-m2pro.metal, mac-m4.metal ...: every type of the mac family)
  // run macOS, which describe-instances does not name as a platform ("Linux/UNIX" in PlatformDetails).
  const mac = /^mac/i.test(instance.InstanceType ?? "");
  return instance.Platform?.toLowerCase() === "windows" || mac ? IANA_EPHEMERAL : LINUX_EPHEMERAL;
}

/**
 * The EKS clusters a node belongs to, by the tags EKS and the Kubernetes AWS integrations put on
 * instances and interfaces.
 */
function clustersOf(
  ...tagLists: ({ Key?: string | null | undefined; Value?: string | null | undefined }[] | null | undefined)[]
): string[] {
  const names = new Set<string>();
  for (const tags of tagLists)
    for (const t of tags ?? []) {
      if (!t.Key) continue;
      if (
        (t.Key === "eks:cluster-name" ||
          t.Key === "aws:eks:cluster-name" ||
          t.Key === "cluster.k8s.amazonaws.com/name") &&
        t.Value
      )
        names.add(t.Value);
      else if (t.Key.startsWith("kubernetes.io/cluster/"))
        names.add(t.Key.slice("kubernetes.io/cluster/".length));
    }
  return [...names].sort();
}

/**
 * The interface endpoint an interface of type vpc_endpoint belongs to: its describe-vpc-endpoints
 * entry, found by the interface's id among the endpoint's NetworkInterfaceIds, else by the endpoint id
 * the interface's description names ("VPC Endpoint Interface vpce-..."); and that id. The groups are
 * the interface's, else the endpoint's (VpcEndpoint.Groups: its interfaces').
 */
interface EndpointOf {
  id: string;
  vpce: RawOf<"VpcEndpoints"> | undefined;
  groups: { GroupId: string }[] | undefined;
}

function endpointOf(ctx: AwsContext, eni: RawNetworkInterface): EndpointOf {
  const named = /vpce-[0-9a-f]+/.exec(eni.Description ?? "")?.[0];
  const vpce =
    ctx.raw.VpcEndpoints.find((e) => e.item.NetworkInterfaceIds?.includes(eni.NetworkInterfaceId))?.item ??
    (named === undefined
      ? undefined
      : ctx.raw.VpcEndpoints.find((e) => e.item.VpcEndpointId === named)?.item);
  return {
    id: vpce?.VpcEndpointId ?? named ?? eni.NetworkInterfaceId,
    vpce,
    groups: eni.Groups ?? vpce?.Groups ?? undefined,
  };
}

/** An interface VPC endpoint's addresses: where its AWS service answers inside the subnet. */
function addEndpointAddress(
  ctx: AwsContext,
  eni: RawNetworkInterface,
  { id, vpce, groups }: EndpointOf,
  ips: bigint[],
): void {
  const subnet = ctx.model.subnets.get(eni.SubnetId ?? "");
  if (!subnet || ips.length === 0) return;
  const service = vpce?.ServiceName ? ` (${vpce.ServiceName})` : "";
  const label = `the interface VPC endpoint ${id}${service}`;
  // An endpoint describe-vpc-endpoints lists that is not `available` may not answer; one it does not
  // list is read as its interface says (there, in use), unless the call failed: then its state is
  // data the run could not read.
  const gap = vpce ? undefined : ctx.gapReason("VpcEndpoints");
  const doubt = vpce
    ? endpointStateDoubt(id, vpce.State)
    : gap === undefined
      ? undefined
      : { why: `the state of ${id} could not be read (${gap})`, missing: true, gone: false };
  (subnet.serviceAddresses ??= []).push({
    ...(doubt && {
      inDoubt: {
        reason: doubt.gone
          ? `${doubt.why}, so whether anything answers at its address cannot be told`
          : doubt.why,
        ...(doubt.missing && { missing: { resource: id, message: doubt.why } }),
      },
    }),
    ips: IntervalSet.fromRanges(ips.map((ip) => [ip, ip] as const)),
    label,
    ref: { resource: id, kind: "vpc-endpoint", rule: null },
    // describe-network-interfaces lists an endpoint interface's groups as it does any interface's
    // (an empty list when it has none), and describe-vpc-endpoints the endpoint's (its interfaces'):
    // without either they are not known, and what reaches the addresses is unknown, data missing for
    // a run that gets there (not for one that never does).
    ...(groups
      ? { interface: { id: eni.NetworkInterfaceId, filterIds: groups.map((g) => g.GroupId) } }
      : {
          missing: {
            resource: id,
            message: `the security groups of ${label} are not in the input (its interface ${eni.NetworkInterfaceId} has no Groups${vpce ? `, nor has ${id} in describe-vpc-endpoints` : ""}): whether they let in what reaches ${someOf(ips.map(formatIp), 5)} is not known`,
          },
        }),
  });
}

/** An interface's description names it unless it is the console's generic one. */
function describes(d: string | null | undefined): string | undefined {
  return d && d !== "Primary network interface" ? d : undefined;
}

export interface InterfaceFacts {
  members: Map<string, IpSet>;
  /**
   * Group id -> addresses of interfaces that only one of their two listings puts in it (see
   * groupsInDoubt): whether they are members cannot be told, with why.
   */
  maybeMembers: Map<string, { ips: IpSet; why: string }[]>;
  /** VPC id -> every address of its interfaces in the input (one address, one interface). */
  held: Map<string, IpSet>;
  /** VPC id -> private IPv4 -> public IPv4. */
  publicIpOf: Map<string, Map<bigint, bigint>>;
  /** VPC id -> private IPv4 -> why its public address is in doubt (see InternetGateway). */
  publicIpInDoubt: Map<string, Map<bigint, string>>;
}

/** The private -> public IPv4 map of a VPC, created on first use (shared by the VPC's internet gateway). */
export function publicMapOf(facts: InterfaceFacts, vpc: string): Map<bigint, bigint> {
  let m = facts.publicIpOf.get(vpc);
  if (!m) facts.publicIpOf.set(vpc, (m = new Map<bigint, bigint>()));
  return m;
}

interface Seen {
  loc: Located<RawNetworkInterface>;
  eni: RawNetworkInterface;
  /** The instance it is attached to, where describe-instances lists it. */
  instance?: Located<RawInstance>;
}

export function convertNetworkInterfaces(ctx: AwsContext): InterfaceFacts {
  const enis = new Map<string, Seen>();
  /** Interface id -> what its two listings disagree on (public IPs of its addresses, its groups). */
  const disputes = new Map<string, ListingDispute[]>();
  for (const loc of ctx.raw.NetworkInterfaces) enis.set(loc.item.NetworkInterfaceId, { loc, eni: loc.item });
  /** Instances listed without their interfaces (see attachBareInstances). */
  const bare: Located<RawInstance>[] = [];
  for (const rloc of ctx.raw.Reservations) {
    rloc.item.Instances?.forEach((inst, i) => {
      const state = inst.State?.Name;
      if (state === "terminated" || state === "shutting-down") return;
      const iloc: Located<RawInstance> = {
        item: inst,
        file: rloc.file,
        path: [...rloc.path, "Instances", i],
      };
      if (!inst.NetworkInterfaces?.length) bare.push(iloc);
      inst.NetworkInterfaces?.forEach((eni, j) => {
        const seen = enis.get(eni.NetworkInterfaceId);
        if (seen) {
          // describe-instances saved twice (two files of one call) lists the interface twice: one
          // comparison says it all (a resource saved twice counts once).
          const again = seen.instance?.item.InstanceId === inst.InstanceId;
          const disputed = again
            ? undefined
            : sameInterface(ctx, seen.loc, {
                item: eni,
                file: rloc.file,
                path: [...rloc.path, "Instances", i, "NetworkInterfaces", j],
              });
          if (disputed && disputed.length > 0) disputes.set(eni.NetworkInterfaceId, disputed);
          seen.instance = iloc;
          // Status is not compared: the two calls are seconds apart and an interface being attached
          // or detached meanwhile is routine (it decides no verdict, only the note of an interface
          // attached to nothing). Listed under an instance as anything but "available", it is attached.
          if (seen.eni.Status === "available" && eni.Status && eni.Status !== "available")
            seen.eni = { ...seen.eni, Status: eni.Status };
          // What one listing leaves out the other may give (they agree where both say it: above).
          if ((!seen.eni.SubnetId && eni.SubnetId) || (!seen.eni.VpcId && eni.VpcId))
            seen.eni = {
              ...seen.eni,
              SubnetId: seen.eni.SubnetId ?? eni.SubnetId,
              VpcId: seen.eni.VpcId ?? eni.VpcId,
            };
          return;
        }
        const loc: Located<RawNetworkInterface> = {
          item: eni,
          file: rloc.file,
          path: [...rloc.path, "Instances", i, "NetworkInterfaces", j],
        };
        enis.set(eni.NetworkInterfaceId, { loc, eni: loc.item, instance: iloc });
      });
    });
  }
  attachBareInstances(ctx, enis, bare);
  for (const seen of enis.values()) seen.eni = withPlace(ctx, seen);

  const facts: InterfaceFacts = {
    members: new Map(),
    maybeMembers: new Map(),
    held: new Map(),
    publicIpOf: new Map(),
    publicIpInDoubt: new Map(),
  };
  const servicesOf = instanceServices(ctx);
  /**
   * Which NAT gateway a NAT gateway's interface is, by what describe-nat-gateways lists: its interface
   * id, else its VPC and primary address.
   */
  const natOf = new Map<string, string>();
  for (const { item: n } of ctx.raw.NatGateways)
    for (const a of n.NatGatewayAddresses ?? []) {
      if (a.NetworkInterfaceId) natOf.set(a.NetworkInterfaceId, n.NatGatewayId);
      if (a.PrivateIp && n.VpcId) natOf.set(`${n.VpcId}|${a.PrivateIp}`, n.NatGatewayId);
    }
  const pubMap = (vpc: string) => publicMapOf(facts, vpc);
  const vpcOfEni = new Map<string, string>();
  const vpcOfInstance = new Map<string, string>();
  // Each VPC's interfaces' addresses, united once at the end: growing one set per interface would
  // copy it ~10^4 times in a quota-size VPC.
  const heldBy = new Map<string, IpSet[]>();
  // Likewise each group's members' addresses.
  const membersBy = new Map<string, IpSet[]>();
  /**
   * What the interface listings say of each private address's public one (none, when its entry has no
   * Association), by VPC and address: describe-addresses must agree (see the Elastic IPs below).
   */
  const listedPublic: ListedPublic = new Map();
  /** Instances the source interfaces are attached to that describe-instances did not list: id -> ENIs. */
  const unlistedInstances = new Map<string, string[]>();
  /** Interfaces of a type this version does not know, audited as sources: type -> ENIs. */
  const unknownTypes = new Map<string, string[]>();
  /** EKS pods' own interfaces (security groups for pods), audited as the VPC CNI's default mode has them. */
  const branches: string[] = [];
  /** The primary private addresses of stopped instances (see stoppedPublicIps). */
  const stoppedPrimaries: StoppedPrimary[] = [];

  for (const { loc, eni, instance: iloc } of enis.values()) {
    const instance = iloc?.item;
    const privateIps: bigint[] = [];
    const primary = eni.PrivateIpAddresses?.find((p) => p.Primary) ?? eni.PrivateIpAddresses?.[0];
    const ordered = primary ? [primary, ...(eni.PrivateIpAddresses ?? []).filter((p) => p !== primary)] : [];
    const vpc = eni.VpcId ?? "";
    sameVpcAsSubnet(ctx, loc, eni);
    vpcOfEni.set(eni.NetworkInterfaceId, vpc);
    const owner = instance?.InstanceId ?? eni.Attachment?.InstanceId ?? undefined;
    if (owner) vpcOfInstance.set(owner, vpc);
    const listedIps: { ip: bigint; path: (string | number)[] }[] = [];
    ordered.forEach((p) => {
      if (!p.PrivateIpAddress) return;
      const idx = eni.PrivateIpAddresses!.indexOf(p);
      const ip = ipAt(p.PrivateIpAddress, 4, loc, "PrivateIpAddresses", idx, "PrivateIpAddress");
      privateIps.push(ip);
      const pub = p.Association?.PublicIp
        ? ipAt(p.Association.PublicIp, 4, loc, "PrivateIpAddresses", idx, "Association", "PublicIp")
        : undefined;
      if (pub !== undefined) pubMap(vpc).set(ip, pub);
      listedIps.push({ ip, path: ["PrivateIpAddresses", idx] });
    });
    if (privateIps.length === 0 && eni.PrivateIpAddress)
      privateIps.push(ipAt(eni.PrivateIpAddress, 4, loc, "PrivateIpAddress"));
    const primaryIp = privateIps[0];
    if (primaryIp !== undefined && eni.Association?.PublicIp && !pubMap(vpc).has(primaryIp))
      pubMap(vpc).set(primaryIp, ipAt(eni.Association.PublicIp, 4, loc, "Association", "PublicIp"));
    // The instance's public IP belongs to its primary interface's primary address: the one that is
    // the instance's PrivateIpAddress (device index 0 does not tell: an instance with several network
    // cards has an interface at device index 0 on each).
    if (
      primaryIp !== undefined &&
      iloc?.item.PublicIpAddress &&
      iloc.item.PrivateIpAddress &&
      !pubMap(vpc).has(primaryIp) &&
      ipAt(iloc.item.PrivateIpAddress, 4, iloc, "PrivateIpAddress") === primaryIp
    )
      pubMap(vpc).set(primaryIp, ipAt(iloc.item.PublicIpAddress, 4, iloc, "PublicIpAddress"));
    for (const d of disputes.get(eni.NetworkInterfaceId) ?? []) {
      if (!("priv" in d)) continue;
      const ip = ipAt(d.priv, 4, loc, "PrivateIpAddresses");
      pubMap(vpc).delete(ip);
      innerMap(facts.publicIpInDoubt, vpc).set(ip, d.reason);
      ctx.model.unknowns.push({ resource: eni.NetworkInterfaceId, message: d.why });
    }
    for (const { ip, path } of listedIps)
      innerMap(listedPublic, vpc).set(ip, { pub: pubMap(vpc).get(ip), loc, path });
    const ipv6 = (eni.Ipv6Addresses ?? []).flatMap((a, i) =>
      a.Ipv6Address ? [ipAt(a.Ipv6Address, 6, loc, "Ipv6Addresses", i, "Ipv6Address")] : [],
    );
    // Delegated prefixes: their addresses are the interface's as much as its own (a group's rules
    // match traffic from them; traffic to them is delivered to it).
    const prefixes = IntervalSet.unionAll([
      ...(eni.Ipv4Prefixes ?? []).flatMap((p, i) =>
        p.Ipv4Prefix ? [cidrAt(p.Ipv4Prefix, 4, loc, "Ipv4Prefixes", i, "Ipv4Prefix")] : [],
      ),
      ...(eni.Ipv6Prefixes ?? []).flatMap((p, i) =>
        p.Ipv6Prefix ? [cidrAt(p.Ipv6Prefix, 6, loc, "Ipv6Prefixes", i, "Ipv6Prefix")] : [],
      ),
    ]);
    // In id order: AWS does not promise one, and results name the groups as they are listed.
    const type = eni.InterfaceType ?? "interface";
    const endpoint = type === "vpc_endpoint" ? endpointOf(ctx, eni) : undefined;
    const groups = [...new Set((endpoint?.groups ?? eni.Groups ?? []).map((g) => g.GroupId))].sort(ascending);
    // describe output always lists an interface's groups (an empty list when it has none): without the
    // field they are not known, which is not the same as none (which would let everything out).
    let own = prefixes;
    for (const ip of [...privateIps, ...ipv6]) own = own.union(IntervalSet.point(ip));
    // Where the two listings name different groups, an interface is a member only of those both name;
    // of the others whether it is cannot be told (a rule referencing one is in doubt for its addresses).
    const groupDispute = disputes.get(eni.NetworkInterfaceId)?.find((d): d is GroupsDispute => "groups" in d);
    for (const g of groupDispute?.groups ?? groups) innerList(membersBy, g).push(own);
    for (const g of groupDispute?.either ?? [])
      innerList(facts.maybeMembers, g).push({ ips: own, why: groupDispute!.reason });
    innerList(heldBy, vpc).push(own);
    if (endpoint && eni.SubnetId) addEndpointAddress(ctx, eni, endpoint, [...privateIps, ...ipv6]);
    const stopped = stoppedState(instance);
    if (stopped && primaryIp !== undefined && holdsInstanceAddress(iloc!, eni, primaryIp)) {
      stoppedPrimaries.push({
        vpc,
        ip: primaryIp,
        instanceId: instance!.InstanceId,
        state: stopped,
        owner: publicIpOwner(primary?.Association ?? eni.Association),
        eni: eni.NetworkInterfaceId,
      });
    }
    const kind = sourceKindOf(type);
    if (kind === undefined) {
      // What a trace from it is told (its id or address as --src).
      (ctx.model.notSources ??= []).push({
        id: eni.NetworkInterfaceId,
        networkId: vpc,
        privateIps,
        ipv6,
        why: notSourceWhy(
          type,
          natOf.get(eni.NetworkInterfaceId) ?? natOf.get(`${vpc}|${eni.PrivateIpAddress ?? ""}`),
        )!,
      });
      continue;
    }
    const clusters = clustersOf(instance?.Tags, eni.TagSet);
    const instanceName = nameTag(instance?.Tags);
    const ownName = nameTag(eni.TagSet);
    // What --src names it by: its instance's name, else its own; an interface tagged apart from its
    // instance ("web-mgmt" on web's second interface) by its own too.
    const names = {
      name: instanceName ?? ownName ?? describes(eni.Description),
      ...(instanceName !== undefined && ownName !== undefined ? { ownName } : {}),
    };
    // The instance's primary interface: device index 0 on network card 0 (instances with several
    // network cards have an interface at device index 0 on each).
    const isPrimary =
      (eni.Attachment?.DeviceIndex ?? 0) === 0 && (eni.Attachment?.NetworkCardIndex ?? 0) === 0;
    if (!eni.SubnetId) {
      noteWithoutSubnet(ctx, eni, privateIps, instanceName ?? ownName, instance?.InstanceId);
      // What --vpc and --cluster select it by, for them to say it was not audited; what --src names it
      // by, for a trace from its instance to be refused rather than start at another of its interfaces.
      (ctx.model.unplaced ??= []).push({
        id: eni.NetworkInterfaceId,
        ...names,
        ...(owner ? { ownerId: owner, primary: isPrimary } : {}),
        networkId: vpc,
        privateIps,
        ipv6,
        ...(prefixes.isEmpty() ? {} : { prefixes }),
        filterIds: groups,
        ...(clusters.length > 0 ? { clusters } : {}),
      });
      continue;
    }
    if (kind === "unknown-type") innerList(unknownTypes, type).push(eni.NetworkInterfaceId);
    if (type === "branch") branches.push(eni.NetworkInterfaceId);
    const stateIds = iloc ? stateFilter(ctx, iloc) : [];
    const services =
      stateIds.length > 0
        ? servicesInDoubt(
            ctx,
            stateIds[0]!,
            servicesOf(vpc, instance, owner, type) ?? ctx.model.networks.get(vpc)?.services ?? [],
          )
        : servicesOf(vpc, instance, owner, type);
    if (owner && !instance) innerList(unlistedInstances, owner).push(eni.NetworkInterfaceId);
    const ep: Endpoint = {
      id: eni.NetworkInterfaceId,
      kind: "eni",
      ...names,
      ownerId: owner,
      ...(owner ? { primary: isPrimary } : {}),
      networkId: vpc,
      subnetId: eni.SubnetId,
      privateIps,
      ipv6,
      ...(prefixes.isEmpty() ? {} : { prefixes }),
      filterIds: [
        ...(groupsInDoubt(ctx, eni.NetworkInterfaceId, groupDispute) ??
          groupsOf(
            ctx,
            loc,
            eni,
            groups,
            kind === "instance" && type !== "evs" && (owner !== undefined || !eni.RequesterId),
          )),
        ...stateIds,
      ],
      ephemeralPorts: ephemeralPorts(eni, kind, instance, clusters.length > 0),
      ...(clusters.length > 0 ? { clusters } : {}),
      ...(services ? { services } : {}),
      // Created but attached to nothing: it sends nothing until it is attached. Still audited, since
      // its groups and subnet decide what it can do once attached.
      ...(eni.Status === "available"
        ? {
            unattached:
              "not attached (status available): it sends nothing until it is; these are the answers once it is",
          }
        : {}),
      // Its instance is stopped: likewise, audited as it would send once started (its public IP aside:
      // see stoppedPublicIps).
      ...(stopped ? { stopped: stoppedNote(instance!.InstanceId, stopped) } : {}),
    };
    ctx.model.endpoints.push(ep);
  }

  noteUnlistedInstances(ctx, unlistedInstances);
  noteUnknownTypes(ctx, unknownTypes);
  notePodInterfaces(ctx, branches);

  // Elastic IPs: associated with a private address of an interface.
  // A private address has one Elastic IP; two in the input (two snapshots) cannot both be current:
  // the one the interface's listing shows is used, else the lowest (never whichever is listed last),
  // and a warning says so.
  const eips = new Map<string, { vpc: string; priv: bigint; pubs: bigint[]; loc: Located<unknown> }>();
  for (const loc of ctx.raw.Addresses) {
    const a = loc.item;
    if (!a.PublicIp || !a.PrivateIpAddress) continue;
    const vpc =
      (a.NetworkInterfaceId && vpcOfEni.get(a.NetworkInterfaceId)) ||
      (a.InstanceId && vpcOfInstance.get(a.InstanceId));
    const priv = ipAt(a.PrivateIpAddress, 4, loc, "PrivateIpAddress");
    const pub = ipAt(a.PublicIp, 4, loc, "PublicIp");
    // Private addresses repeat across VPCs: an Elastic IP whose interface we do not know stays unused.
    if (vpc) {
      const key = `${vpc}|${priv}`;
      const e = eips.get(key);
      if (e) e.pubs.push(pub);
      else eips.set(key, { vpc, priv, pubs: [pub], loc });
    } else
      ctx.model.warnings.push({
        resource: a.PublicIp,
        message: `Elastic IP ${a.PublicIp} is associated with an interface not in the input`,
      });
  }
  for (const { vpc, priv, pubs, loc } of eips.values()) {
    // (The interface's two listings disagree already: in doubt whatever describe-addresses says.)
    if (facts.publicIpInDoubt.get(vpc)?.has(priv)) continue;
    const all = [...new Set(pubs)].sort(ascending);
    // describe-addresses and the interface listing disagree on this address's public one: the calls
    // were made at different moments (an address moved between them: it happens in a live run too),
    // so which is current cannot be told. What it sends through an internet gateway is unknown.
    // (A NAT gateway's own address is its own description's to say: see nat-gateway.ts.)
    const listed = listedPublic.get(vpc)?.get(priv);
    const nat = isNatGatewayType(listed?.loc.item.InterfaceType);
    if (listed && !nat && (listed.pub === undefined || !all.includes(listed.pub))) {
      const where = at(loc);
      const other = at(listed.loc, ...listed.path);
      const eni = listed.loc.item.NetworkInterfaceId;
      const why = `describe-addresses associates Elastic IP ${all.map(formatIp).join(", ")} with ${formatIp(priv)} of ${eni} (${where.file} ${where.path}), but its listing shows ${listed.pub === undefined ? "no public IP" : formatIp(listed.pub)} (${other.file} ${other.path}): saved at different moments, which is current cannot be told`;
      pubMap(vpc).delete(priv);
      // (The verdicts' reason names no file: it must not change with where a snapshot is kept.)
      innerMap(facts.publicIpInDoubt, vpc).set(
        priv,
        `describe-addresses and the listing of ${eni} disagree on the public IP of ${formatIp(priv)} (saved at different moments), so whether and as what ${formatIp(priv)} reaches the internet cannot be told`,
      );
      ctx.model.unknowns.push({ resource: eni, message: why });
      continue;
    }
    // Of several (two snapshots of describe-addresses), the one the interface shows, else the lowest.
    const used = listed?.pub ?? all[0]!;
    pubMap(vpc).set(priv, used);
    if (all.length > 1)
      ctx.model.warnings.push({
        resource: formatIp(priv),
        message: `Elastic IPs ${all.map(formatIp).join(", ")} are all associated with ${formatIp(priv)} in ${vpc} in the input (two snapshots in one folder?): ${formatIp(used)} is used`,
      });
  }
  unlistedElasticIps(ctx, facts, listedPublic, eips);
  // Every public IP named for an address, in use or in doubt (see NetworkModel.namedPublicIps).
  const named = (ctx.model.namedPublicIps ??= new Map<bigint, string>());
  for (const byIp of listedPublic.values())
    for (const { pub, loc } of byIp.values())
      if (pub !== undefined) named.set(pub, loc.item.NetworkInterfaceId);
  for (const { vpc, priv, pubs } of eips.values())
    for (const pub of pubs)
      if (!named.has(pub))
        named.set(pub, listedPublic.get(vpc)?.get(priv)?.loc.item.NetworkInterfaceId ?? formatIp(priv));
  const elastic = new Map<string, Set<bigint>>();
  for (const { vpc, priv } of eips.values()) innerSet(elastic, vpc).add(priv);
  stoppedPublicIps(ctx, facts, stoppedPrimaries, elastic);
  ctx.model.endpoints.sort((x, y) => ascending(x.id, y.id));
  ctx.model.unplaced?.sort((x, y) => ascending(x.id, y.id));
  for (const [vpc, sets] of heldBy) facts.held.set(vpc, IntervalSet.unionAll(sets));
  for (const [g, sets] of membersBy) facts.members.set(g, IntervalSet.unionAll(sets));
  return facts;
}

/** The instance states AWS prints (describe-instances' State.Name, EC2 API InstanceState). */
const INSTANCE_STATES = new Set(["pending", "running", "shutting-down", "terminated", "stopping", "stopped"]);

/** An instance state in which it sends nothing until it is (again) running. */
type NotRunning = "stopped" | "stopping" | "pending";

/**
 * The state of an instance that sends nothing until it is running: stopped (a hibernated one too),
 * stopping, or pending (being launched, or started after being stopped); undefined for others.
 */
function stoppedState(instance: RawInstance | undefined): NotRunning | undefined {
  const state = instance?.State?.Name;
  return state === "stopped" || state === "stopping" || state === "pending" ? state : undefined;
}

function stoppedNote(instanceId: string, state: NotRunning): string {
  switch (state) {
    case "stopped":
      return `instance ${instanceId} is stopped: it sends nothing until it is started; these are the answers once it is`;
    case "stopping":
      return `instance ${instanceId} is stopping: it sends nothing once stopped, until it is started; these are the answers once it is`;
    case "pending":
      return `instance ${instanceId} is pending (being launched or started): it sends nothing until it is running; these are the answers once it is`;
  }
}

/**
 * An instance whose state the input does not tell (saved without State, or with a value AWS does not
 * print: "Terminated", "Stopped") may be running, stopped (its public IP then in doubt) or gone
 * (terminated: its interfaces no source at all): missing data. Its interfaces get a filter after their
 * security groups whose one rule may match anything, so that what the groups allow is unknown (what they
 * block is blocked in every state), naming the instance (rule State), and the run lists the instance
 * under unknowns with the file and path.
 */
function stateFilter(ctx: AwsContext, iloc: Located<RawInstance>): string[] {
  const inst = iloc.item;
  const name = inst.State?.Name;
  if (name && INSTANCE_STATES.has(name)) return [];
  // Named by the instance (no group, list or table id is an instance's), one for all its interfaces.
  const id = inst.InstanceId;
  if (ctx.model.filters.has(id)) return [id];
  const what =
    "so whether it sends at all (a terminated instance's interfaces are detached or deleted) and from which public IP cannot be told";
  const reason = name
    ? `instance ${inst.InstanceId} has state ${unprinted(name, INSTANCE_STATES)}, ${what}`
    : `the state of instance ${inst.InstanceId} is not in the input (describe-instances prints State.Name for every instance), ${what}`;
  const where = at(iloc, ...(inst.State ? ["State", "Name"] : ["State"]));
  ctx.model.unknowns.push({ resource: inst.InstanceId, message: `${reason} (${where.file} ${where.path})` });
  const ref: RuleRef = {
    resource: inst.InstanceId,
    kind: "instance",
    rule: "State",
    description: "state not read",
  };
  const rule = unreadRule(ref, reason);
  ctx.model.filters.set(id, {
    id,
    kind: "instance",
    semantics: "first-match",
    stateful: true,
    egress: [rule],
    ingress: [rule],
    defaultRef: ref,
  });
  return [id];
}

/** servicesInDoubt's lists, by instance (one list object per instance: the engine shares by list). */
const doubtfulServices = new WeakMap<AwsContext, Map<string, LocalService[]>>();

/**
 * The platform services (DNS resolver, metadata, time) as an instance whose state cannot be read sees
 * them (`filterId`: its state filter, see stateFilter): they answer before any filter, so that filter
 * does not reach them, yet whether the instance sends at all is what cannot be told. What one would
 * answer is unknown for the same reason; what one refuses (a metadata endpoint turned off) stays
 * refused in every state.
 */
function servicesInDoubt(ctx: AwsContext, filterId: string, base: readonly LocalService[]): LocalService[] {
  let byInstance = doubtfulServices.get(ctx);
  if (!byInstance) doubtfulServices.set(ctx, (byInstance = new Map<string, LocalService[]>()));
  let list = byInstance.get(filterId);
  if (!list) {
    const filter = ctx.model.filters.get(filterId)!;
    const reason = filter.egress[0]!.unresolved!;
    list = base.map((s) =>
      s.off?.verdict === "blocked"
        ? s
        : { ...s, off: { verdict: "unknown", reason, ref: filter.defaultRef } },
    );
    byInstance.set(filterId, list);
  }
  return list;
}

/**
 * Whether interface `eni`, whose primary private address is `ip`, is its instance's primary interface:
 * the one holding the instance's PrivateIpAddress (device index 0 does not tell where there are several
 * network cards), or, for an instance listed without one, the one at device index 0 of network card 0.
 */
function holdsInstanceAddress(iloc: Located<RawInstance>, eni: RawNetworkInterface, ip: bigint): boolean {
  if (iloc.item.PrivateIpAddress) return ipAt(iloc.item.PrivateIpAddress, 4, iloc, "PrivateIpAddress") === ip;
  return (eni.Attachment?.DeviceIndex ?? 0) === 0 && (eni.Attachment?.NetworkCardIndex ?? 0) === 0;
}

/**
 * What the interface listings say of each private address's public one (none, when its entry has no
 * Association), by VPC and address, and where they say it.
 */
type ListedPublic = Map<
  string,
  Map<bigint, { pub: bigint | undefined; loc: Located<RawNetworkInterface>; path: (string | number)[] }>
>;

/**
 * Elastic IPs an interface's listing shows for one of its addresses (the Association's IpOwnerId is
 * the account that saved the listing) that describe-addresses, saved beside it by that account, does
 * not list for that address: describe-addresses lists every Elastic IP the account has in the region,
 * so the two were saved at different moments (the address was released or moved in between) and
 * which is current cannot be told, as where they name different ones (see convertNetworkInterfaces).
 * Only where describe-addresses was read (its call did not fail) in the listing's own folder and
 * that folder is one account's and region's (see folderScopes); an Elastic IP of another account (a
 * shared VPC's owner's, seen by a participant) is not its to list.
 */
function unlistedElasticIps(
  ctx: AwsContext,
  facts: InterfaceFacts,
  listedPublic: ListedPublic,
  eips: ReadonlyMap<string, unknown>,
): void {
  if (!ctx.raw.present.has("Addresses") || ctx.gapReason("Addresses") !== undefined) return;
  const folders = folderScopes(ctx);
  const savedIn = folders.savedIn("Addresses");
  for (const [vpc, byIp] of listedPublic)
    for (const [priv, { pub, loc, path }] of byIp) {
      if (pub === undefined || eips.has(`${vpc}|${priv}`) || facts.publicIpInDoubt.get(vpc)?.has(priv))
        continue;
      const eni = loc.item;
      if (isNatGatewayType(eni.InterfaceType)) continue;
      const folder = dirname(loc.file);
      if (!savedIn.has(folder) || folders.mixed(folder)) continue;
      const entry = eni.PrivateIpAddresses?.[path[1] as number]?.Association;
      const association = entry?.PublicIp ? entry : eni.Association;
      const owner = association?.IpOwnerId;
      if (!association?.PublicIp || !owner || owner !== folders.account(folder)) continue;
      const where = at(loc, ...path);
      publicMapOf(facts, vpc).delete(priv);
      innerMap(facts.publicIpInDoubt, vpc).set(
        priv,
        `the listing of ${eni.NetworkInterfaceId} shows Elastic IP ${formatIp(pub)} on ${formatIp(priv)}, but describe-addresses does not list it (saved at different moments: it may have been released or moved), so whether and as what ${formatIp(priv)} reaches the internet cannot be told`,
      );
      ctx.model.unknowns.push({
        resource: eni.NetworkInterfaceId,
        message: `its listing shows Elastic IP ${formatIp(pub)} (owner ${owner}) on ${formatIp(priv)} (${where.file} ${where.path}), but describe-addresses, saved beside it, does not list it: saved at different moments, which is current cannot be told`,
      });
    }
}

interface StoppedPrimary {
  vpc: string;
  ip: bigint;
  instanceId: string;
  state: NotRunning;
  /** Whose its public IP is, by its listing (see publicIpOwner). */
  owner: PublicIpOwner;
  /** Its interface, which an unknown names. */
  eni: string;
}

/**
 * Whose a listed public IP is, by the Association that lists it: an Elastic IP's has an AllocationId
 * and the owning account as IpOwnerId, one AWS assigned has IpOwnerId "amazon"; `odd` is an IpOwnerId
 * that is neither (one AWS does not print); undefined when it says nothing.
 */
type PublicIpOwner = "elastic" | "assigned" | { odd: string } | undefined;

function publicIpOwner(
  association: { IpOwnerId?: string | null; AllocationId?: string | null } | null | undefined,
): PublicIpOwner {
  if (association?.AllocationId) return "elastic";
  const owner = association?.IpOwnerId;
  if (owner === undefined || owner === null) return undefined;
  if (owner === "amazon") return "assigned";
  return /^\d{12}$/.test(owner) ? "elastic" : { odd: owner };
}

/**
 * A stopped instance's public IP: AWS releases an instance's public IPv4 address when it stops (or
 * hibernates) and gives it a new one when it starts; an Elastic IP stays. So a stopped instance's
 * primary address without a public IP in the input and without an Elastic IP may or may not have one
 * once started: that depends on how it was launched (AssociatePublicIpAddress, or the subnet's
 * MapPublicIpOnLaunch at the time: the attribute applies at launch only and may have changed since),
 * which describe output does not tell. What it sends through an internet gateway to the internet is
 * then unknown (not blocked: whoever may start it gets whatever that gives), by the same means as an
 * address whose public IP the input disputes. Not missing data (no call tells it): not an unknown of
 * the run. What it sends through a NAT gateway does not depend on its own public IP. A pending
 * instance (being launched or started) likewise: it may not list the public IP it is getting yet.
 * A stopped or stopping instance that still lists a public IP keeps it only if it is an Elastic IP
 * (describe-addresses lists it, or the listing's Association has an AllocationId or an IpOwnerId that
 * is an account): one AWS assigned (IpOwnerId "amazon") it releases as the instance stops, and the new
 * one it gets when started is not known; one the input does not tell apart is in doubt too. (`eips`:
 * the addresses describe-addresses gives an Elastic IP, by VPC.)
 */
function stoppedPublicIps(
  ctx: AwsContext,
  facts: InterfaceFacts,
  stopped: readonly StoppedPrimary[],
  eips: ReadonlyMap<string, ReadonlySet<bigint>>,
): void {
  for (const { vpc, ip, instanceId, state, owner, eni } of stopped) {
    if (facts.publicIpInDoubt.get(vpc)?.has(ip)) continue;
    const a = formatIp(ip);
    const pub = facts.publicIpOf.get(vpc)?.get(ip);
    if (pub !== undefined) {
      if (state === "pending" || eips.get(vpc)?.has(ip) || owner === "elastic") continue;
      const p = formatIp(pub);
      const released = `AWS releases one it assigned as an instance stops, giving it a new one when it starts, so as what ${a} reaches the internet once it is started cannot be told`;
      let why: string;
      if (owner === "assigned")
        why = `its public IP ${p} is one AWS assigned (IpOwnerId amazon): ${released}`;
      else if (owner === undefined)
        why = `whether its public IP ${p} is an Elastic IP, which stays, or one AWS assigned, the input does not tell (describe-addresses does not list it, and its listing's Association has neither an AllocationId nor an IpOwnerId): ${released}`;
      else {
        // Missing data: an owner AWS does not print, read as one not saved.
        why = `whether its public IP ${p} is an Elastic IP cannot be told: its listing's Association has IpOwnerId ${JSON.stringify(owner.odd)}, which is not one AWS prints ("amazon", or an account id); ${released}`;
        ctx.model.unknowns.push({
          resource: eni,
          message: `${a} of ${eni} (${instanceId}, ${state}): ${why}`,
        });
      }
      facts.publicIpOf.get(vpc)!.delete(ip);
      innerMap(facts.publicIpInDoubt, vpc).set(
        ip,
        `${a} is the primary private IP of ${instanceId}, which is ${state}: ${why}`,
      );
      continue;
    }
    innerMap(facts.publicIpInDoubt, vpc).set(
      ip,
      state === "pending"
        ? `${a} is the primary private IP of ${instanceId}, which is pending (being launched or started) and has no public IP or Elastic IP in the input: AWS gives an instance a public IP as it launches or starts only if it was launched to get one, which describe output does not tell until it has (the subnet's MapPublicIpOnLaunch applies at launch only and may have changed since), so whether ${a} reaches the internet once it is running cannot be told`
        : `${a} is the primary private IP of ${instanceId}, which is ${state} and has no public IP or Elastic IP in the input: AWS releases a public IP when an instance stops and gives it a new one when it starts only if it was launched to get one, which describe output does not tell (the subnet's MapPublicIpOnLaunch applies at launch only and may have changed since), so whether ${a} reaches the internet once it is started cannot be told`,
    );
  }
}

/**
 * The interface with its subnet and VPC filled in where its listing lacks them and the input tells them
 * for sure: the VPC is its subnet's; the instance's SubnetId and VpcId only for the instance's primary
 * interface (the one holding the instance's PrivateIpAddress): another interface may be in another
 * subnet, or even another VPC (multi-VPC ENI attachments).
 */
function withPlace(ctx: AwsContext, { eni, instance }: Seen): RawNetworkInterface {
  if (eni.SubnetId && eni.VpcId) return eni;
  const inst = instance?.item;
  const own = [
    eni.PrivateIpAddress,
    ...(eni.PrivateIpAddresses ?? []).filter((p) => p.Primary).map((p) => p.PrivateIpAddress),
  ];
  const primary = inst?.PrivateIpAddress ? own.includes(inst.PrivateIpAddress) : false;
  const subnetId = eni.SubnetId ?? (primary ? inst?.SubnetId : undefined) ?? undefined;
  const subnetVpc = subnetId
    ? ctx.raw.Subnets.find((s) => s.item.SubnetId === subnetId)?.item.VpcId
    : undefined;
  // The instance's VPC only for its primary interface: others may be in other VPCs (multi-VPC ENI
  // attachments).
  const vpcId = eni.VpcId ?? subnetVpc ?? (primary ? inst?.VpcId : undefined) ?? undefined;
  return { ...eni, ...(subnetId ? { SubnetId: subnetId } : {}), ...(vpcId ? { VpcId: vpcId } : {}) };
}

/**
 * A source interface whose subnet the input does not tell (its listing has no SubnetId, and no other
 * listing or its instance says it for sure): which route table and network ACL its traffic takes is not
 * known, so it is not audited, and the run lists it among its unknowns (exit 3) rather than leaving it
 * out without a word.
 */
function noteWithoutSubnet(
  ctx: AwsContext,
  eni: RawNetworkInterface,
  privateIps: readonly bigint[],
  name: string | undefined,
  instanceId: string | undefined,
): void {
  // Everything `trace --src` may name it by, so that its error can point here (see sourceResolver).
  const owner = instanceId ?? eni.Attachment?.InstanceId;
  const known = [
    privateIps[0] !== undefined ? `private IP ${formatIp(privateIps[0])}` : undefined,
    eni.VpcId ? `in ${eni.VpcId}` : undefined,
    owner ? `attached to ${owner}` : undefined,
  ].filter((x) => x !== undefined);
  const named = name === undefined ? "" : ` ${JSON.stringify(name)}`;
  ctx.model.unknowns.push({
    resource: eni.NetworkInterfaceId,
    message: `interface ${eni.NetworkInterfaceId}${named}${known.length > 0 ? ` (${known.join(", ")})` : ""} has no SubnetId in the input: which subnet it sends through (its route table and network ACL) is not known, so what it sends is not audited`,
  });
}

/**
 * The filters of a source interface: its security groups. Without the Groups field they are not known:
 * a stand-in filter makes what it sends unknown (or blocked where its way on is blocked for sure), and
 * the run lists it among its unknowns. An empty list is an interface no group filters, as some
 * AWS-managed ones are, except where AWS never prints one (`hasGroups`): an instance's interface, or one
 * a customer created, has at least one (an Elastic VMware Service one, on a VLAN, is left out: what
 * groups it has is not documented) (CreateNetworkInterface gives the VPC's default group when none is
 * named, and ModifyNetworkInterfaceAttribute refuses an empty list). Read as given that would let
 * everything out, so it is a warning and the same stand-in.
 */
function groupsOf(
  ctx: AwsContext,
  loc: Located<RawNetworkInterface>,
  eni: RawNetworkInterface,
  groups: string[],
  hasGroups: boolean,
): string[] {
  if (eni.Groups && (groups.length > 0 || !hasGroups)) return groups;
  const eniId = eni.NetworkInterfaceId;
  const id = `${eniId} security groups`;
  const reason = eni.Groups
    ? `${eniId} lists no security groups, which AWS never prints for an instance's or a customer's interface (every one has at least one), so what its groups let out is not known`
    : `the security groups of ${eniId} are not in the input (its describe output has no Groups)`;
  ctx.model.filters.set(id, unreadGroup(id, "security-group", reason, "groups not read"));
  if (eni.Groups) {
    const where = at(loc, "Groups");
    ctx.model.warnings.push({ resource: eniId, message: `${reason} (${where.file} ${where.path})` });
  } else ctx.model.unknowns.push({ resource: eniId, message: reason });
  return [id];
}

/**
 * The filters of an interface whose two listings name different security groups: the groups both name,
 * and a stand-in for the rest that may match anything (in the groups' allow-union, what a group both
 * name allows is allowed, anything else unknown, never a guess from either listing), listed under
 * unknowns. Undefined when they agree.
 */
function groupsInDoubt(ctx: AwsContext, eniId: string, d: GroupsDispute | undefined): string[] | undefined {
  if (d === undefined) return undefined;
  const id = `${eniId} security groups in doubt`;
  ctx.model.filters.set(id, unreadGroup(id, "security-group", d.reason, "groups in doubt"));
  ctx.model.unknowns.push({ resource: eniId, message: d.why });
  return [...d.groups.sort(ascending), id];
}

/**
 * An interface is in its subnet's VPC. Listings that disagree (saved from different accounts or
 * moments, or edited) would route the interface by one VPC's tables and answer it by another's
 * resolver and gateways: no answer drawn from that can be trusted.
 */
function sameVpcAsSubnet(ctx: AwsContext, loc: Located<RawNetworkInterface>, eni: RawNetworkInterface): void {
  const subnetVpc = ctx.model.subnets.get(eni.SubnetId ?? "")?.networkId;
  if (subnetVpc === undefined || eni.VpcId === undefined || eni.VpcId === null || eni.VpcId === subnetVpc)
    return;
  throw new InputError(
    `${eni.NetworkInterfaceId} is in ${eni.VpcId}, but describe-subnets puts its subnet ${eni.SubnetId} in ${subnetVpc} (listings from different accounts or moments: save them together)`,
    loc.file,
    // Where the VpcId came from the instance's listing, the interface's own entry is named.
    jsonPath(loc.item.VpcId === eni.VpcId ? [...loc.path, "VpcId"] : loc.path),
  );
}

/**
 * One interface in both listings. Its subnet and VPC never change: listings that disagree on them are
 * not of one account and moment, an input error naming both places. What changes while an interface
 * is in use (its groups, addresses, prefixes, source/destination check: the VPC CNI assigns and
 * releases pods' addresses all the time) may differ between two calls seconds apart, which a live run
 * makes: describe-network-interfaces' listing is used, and a warning names the interface, what differs
 * and both places, so that its answers are re-checked rather than the run refused.
 */
function sameInterface(
  ctx: AwsContext,
  a: Located<RawNetworkInterface>,
  b: Located<RawNetworkInterface>,
): ListingDispute[] {
  if (listedAlike(a.item, b.item)) return [];
  // A field either listing leaves out is not compared (a trimmed dump may hold only the ids).
  const sorted = <T>(xs: T[] | null | undefined, f: (x: T) => string | null | undefined) =>
    xs === null || xs === undefined
      ? undefined
      : xs
          .map((x) => f(x) ?? "")
          .sort(ascending)
          .join(",");
  const fixed = (e: RawNetworkInterface): Record<string, string | undefined> => ({
    SubnetId: e.SubnetId ?? undefined,
    VpcId: e.VpcId ?? undefined,
  });
  const changing = (e: RawNetworkInterface): Record<string, string | undefined> => ({
    Groups: sorted(e.Groups, (g) => g.GroupId),
    PrivateIpAddresses: sorted(
      e.PrivateIpAddresses,
      (p) => `${p.PrivateIpAddress ?? ""}>${p.Association?.PublicIp ?? ""}`,
    ),
    Ipv6Addresses: sorted(e.Ipv6Addresses, (x) => x.Ipv6Address),
    Ipv4Prefixes: sorted(e.Ipv4Prefixes, (x) => x.Ipv4Prefix),
    Ipv6Prefixes: sorted(e.Ipv6Prefixes, (x) => x.Ipv6Prefix),
    // It decides what a route to the interface does (see route-table.ts applianceOf).
    SourceDestCheck: typeof e.SourceDestCheck === "boolean" ? String(e.SourceDestCheck) : undefined,
  });
  const differing = (read: (e: RawNetworkInterface) => Record<string, string | undefined>): string[] => {
    const ra = read(a.item);
    const rb = read(b.item);
    return Object.keys(ra).filter((k) => ra[k] !== undefined && rb[k] !== undefined && ra[k] !== rb[k]);
  };
  const where = `${a.file} ${jsonPath(a.path)}`;
  const moved = differing(fixed);
  if (moved.length > 0)
    throw new InputError(
      `${a.item.NetworkInterfaceId} is also at ${where} with different ${moved[0]} (describe-network-interfaces and describe-instances from different accounts or moments: save them together)`,
      b.file,
      jsonPath(b.path),
    );
  const changed = differing(changing);
  // (The first listing is describe-network-interfaces' where the input has it.)
  const call = (l: Located<RawNetworkInterface>) =>
    l.path[0] === "NetworkInterfaces" ? "describe-network-interfaces" : "describe-instances";
  if (changed.length > 0)
    ctx.model.warnings.push({
      resource: a.item.NetworkInterfaceId,
      message: `${call(a)} (${where}) and ${call(b)} (${b.file} ${jsonPath(b.path)}) list different ${changed.join(", ")} for it: they were called at different moments, and it changed meanwhile (the VPC CNI assigning pods' addresses, an Elastic IP or group change); the listing of ${call(a)} is used, so re-check this interface's answers`,
    });
  // A private address both list with different public IPs (or one with none): an Elastic IP moved
  // between the calls, and which is current cannot be told, as when describe-addresses and the
  // listing disagree (see convertNetworkInterfaces): its internet traffic is unknown, not the first
  // listing's answer.
  const publicOf = (e: RawNetworkInterface) =>
    new Map(
      (e.PrivateIpAddresses ?? []).map((p) => [p.PrivateIpAddress, p.Association?.PublicIp ?? undefined]),
    );
  const pa = publicOf(a.item);
  const pb = publicOf(b.item);
  const disputes: ListingDispute[] = [];
  // Different groups: which are current cannot be told. Only what a group both list allows is sure
  // (see groupsInDoubt); the rest is unknown.
  if (changed.includes("Groups")) {
    const ga = (a.item.Groups ?? []).map((g) => g.GroupId);
    const gb = (b.item.Groups ?? []).map((g) => g.GroupId);
    disputes.push({
      groups: ga.filter((g) => gb.includes(g)),
      either: [...new Set([...ga, ...gb])].filter((g) => !(ga.includes(g) && gb.includes(g))).sort(ascending),
      why: `${call(a)} (${where}) lists security groups ${ga.join(", ") || "(none)"} for ${a.item.NetworkInterfaceId}, ${call(b)} (${b.file} ${jsonPath(b.path)}) ${gb.join(", ") || "(none)"}: saved at different moments, which are current cannot be told`,
      reason: `describe-network-interfaces and describe-instances list different security groups for ${a.item.NetworkInterfaceId} (saved at different moments): what only the groups of one listing allow cannot be told`,
    });
  }
  for (const [priv, pub] of pa)
    if (priv && pb.has(priv) && pb.get(priv) !== pub)
      disputes.push({
        priv,
        why: `${call(a)} (${where}) shows ${pub ?? "no public IP"} for ${priv} of ${a.item.NetworkInterfaceId}, ${call(b)} (${b.file} ${jsonPath(b.path)}) ${pb.get(priv) ?? "no public IP"}: saved at different moments, which is current cannot be told`,
        reason: `describe-network-interfaces and describe-instances disagree on the public IP of ${priv} (saved at different moments), so whether and as what ${priv} reaches the internet cannot be told`,
      });
  return disputes;
}

/**
 * Whether two listings of an interface agree, field by field and in the same order, on everything
 * sameInterface compares: then there is nothing to tell (no error, warning or dispute). Almost every
 * interface of a region is in both listings alike, and comparing them so needs none of the sorted
 * and joined texts (nor the file paths) that sameInterface builds to say what differs.
 */
function listedAlike(a: RawNetworkInterface, b: RawNetworkInterface): boolean {
  return (
    sameValue(a.SubnetId, b.SubnetId) &&
    sameValue(a.VpcId, b.VpcId) &&
    sameValue(a.SourceDestCheck, b.SourceDestCheck) &&
    sameList(a.Groups, b.Groups, sameGroup) &&
    sameList(a.PrivateIpAddresses, b.PrivateIpAddresses, samePrivateIp) &&
    sameList(a.Ipv6Addresses, b.Ipv6Addresses, sameIpv6) &&
    sameList(a.Ipv4Prefixes, b.Ipv4Prefixes, sameIpv4Prefix) &&
    sameList(a.Ipv6Prefixes, b.Ipv6Prefixes, sameIpv6Prefix)
  );
}

type Listed = RawNetworkInterface;
type Item<K extends keyof Listed> = NonNullable<Listed[K]> extends readonly (infer T)[] ? T : never;

/** Either leaves the field out (not compared, see sameInterface), or both say the same. */
function sameValue<T>(x: T | null | undefined, y: T | null | undefined): boolean {
  return x === null || x === undefined || y === null || y === undefined || x === y;
}

/** Lists: either left out, or the same length and `eq` item by item. */
function sameList<T>(
  xs: readonly T[] | null | undefined,
  ys: readonly T[] | null | undefined,
  eq: (x: T, y: T) => boolean,
): boolean {
  if (xs === null || xs === undefined || ys === null || ys === undefined) return true;
  if (xs.length !== ys.length) return false;
  for (let i = 0; i < xs.length; i++) if (!eq(xs[i]!, ys[i]!)) return false;
  return true;
}

const sameGroup = (x: Item<"Groups">, y: Item<"Groups">): boolean => x.GroupId === y.GroupId;
// (Null as absent, never as "": sameInterface tells an address with public IP "" from one without.)
const samePrivateIp = (x: Item<"PrivateIpAddresses">, y: Item<"PrivateIpAddresses">): boolean =>
  (x.PrivateIpAddress ?? undefined) === (y.PrivateIpAddress ?? undefined) &&
  (x.Association?.PublicIp ?? undefined) === (y.Association?.PublicIp ?? undefined);
const sameIpv6 = (x: Item<"Ipv6Addresses">, y: Item<"Ipv6Addresses">): boolean =>
  (x.Ipv6Address ?? "") === (y.Ipv6Address ?? "");
const sameIpv4Prefix = (x: Item<"Ipv4Prefixes">, y: Item<"Ipv4Prefixes">): boolean =>
  (x.Ipv4Prefix ?? "") === (y.Ipv4Prefix ?? "");
const sameIpv6Prefix = (x: Item<"Ipv6Prefixes">, y: Item<"Ipv6Prefixes">): boolean =>
  (x.Ipv6Prefix ?? "") === (y.Ipv6Prefix ?? "");

/**
 * What two listings of one interface disagree on that a verdict depends on (see sameInterface): a
 * private address's public IP, or the security groups (`groups`: those both list).
 */
type ListingDispute = ({ priv: string } | { groups: string[]; either: string[] }) & {
  /** For the unknowns entry: both places. */
  why: string;
  /** For the verdicts: no file names (a reason must not change with where a snapshot is kept). */
  reason: string;
};
/** The listings' groups differ: those both name, and those only one does. */
type GroupsDispute = Extract<ListingDispute, { groups: string[] }>;

/**
 * Sources whose instance the input lacks get `unknown` verdicts where its OS (ephemeral ports), metadata
 * options or type decide: data the run could not read, listed under unknowns (so the run exits 3). One
 * note for a describe-instances that was not saved (or failed: its gap is listed already), else one per
 * instance.
 */
function noteUnlistedInstances(ctx: AwsContext, unlisted: ReadonlyMap<string, string[]>): void {
  if (unlisted.size === 0) return;
  const what = "the OS (client ports), metadata options and type of the instances";
  if (!ctx.raw.present.has("Reservations")) {
    if (ctx.gapReason("Reservations") !== undefined) return;
    ctx.model.unknowns.push({
      resource: "Reservations",
      message: `${missingReason(ctx, "Reservations", `${what} are unknown`)} (instances ${someOf([...unlisted.keys()].sort(ascending), 5)})`,
    });
    return;
  }
  for (const [id, enis] of unlisted)
    ctx.model.unknowns.push({
      resource: id,
      message: `instance ${id} is not in the describe-instances output: its OS (client ports), metadata options and type are unknown (on ${someOf(enis, 5)})`,
    });
}

/**
 * An instance that describe-instances lists without its NetworkInterfaces (a trimmed dump, or a query
 * that left them out) is found through describe-network-interfaces, whose Attachment names the
 * instance: its interfaces get its OS, metadata options and type as if it had listed them. Where no
 * interface in the input is attached to it, it is not audited, and the run lists it among its
 * unknowns (exit 3): the instance's own PrivateIpAddress, SubnetId and SecurityGroups describe only
 * part of one interface (not its other interfaces, each with its own groups and subnet, nor secondary
 * addresses, IPv6 addresses or delegated prefixes), so an audit from them could leave out what the
 * rest sends.
 */
function attachBareInstances(
  ctx: AwsContext,
  enis: ReadonlyMap<string, Seen>,
  bare: readonly Located<RawInstance>[],
): void {
  if (bare.length === 0) return;
  const byInstance = new Map<string, Seen[]>();
  for (const seen of enis.values()) {
    const id = seen.eni.Attachment?.InstanceId;
    if (id) innerList(byInstance, id).push(seen);
  }
  const noted = new Set<string>();
  for (const iloc of bare) {
    const attached = byInstance.get(iloc.item.InstanceId) ?? [];
    for (const seen of attached) seen.instance ??= iloc;
    if (attached.length > 0 || noted.has(iloc.item.InstanceId)) continue;
    noted.add(iloc.item.InstanceId);
    const inst = iloc.item;
    const known = [
      inst.PrivateIpAddress ? `private IP ${inst.PrivateIpAddress}` : undefined,
      inst.SubnetId ? `subnet ${inst.SubnetId}` : undefined,
    ].filter((x) => x !== undefined);
    ctx.model.unknowns.push({
      resource: inst.InstanceId,
      message: `instance ${inst.InstanceId}${known.length > 0 ? ` (${known.join(", ")})` : ""} is listed without its NetworkInterfaces, and no interface in the input (describe-network-interfaces) is attached to it: its interfaces, their addresses and security groups are not known, so what it sends is not audited`,
    });
  }
}

/**
 * A pod's branch interface (security groups for pods) sends with the pod's own groups in the VPC CNI's
 * strict mode, its default, which is how it is audited. In standard mode (POD_SECURITY_GROUP_ENFORCING_MODE,
 * which Calico network policy and NodeLocal DNSCache need) its traffic leaving the VPC is translated to
 * the node's primary interface and filtered by that interface's groups instead ("Assign security groups
 * to individual Pods", EKS user guide): the mode is set on the aws-node DaemonSet, in no EC2 output, so
 * the answers hold for the default only, and the run says so.
 */
function notePodInterfaces(ctx: AwsContext, branches: string[]): void {
  if (branches.length === 0) return;
  ctx.model.warnings.push({
    resource: "POD_SECURITY_GROUP_ENFORCING_MODE",
    message: `${someOf(branches.sort(ascending), 5)} ${branches.length === 1 ? "is an EKS pod's branch interface" : "are EKS pods' branch interfaces"} (security groups for pods), audited with the pod's own security groups as in the VPC CNI's strict mode, its default; in standard mode (POD_SECURITY_GROUP_ENFORCING_MODE=standard on the aws-node DaemonSet, which no EC2 output shows) what leaves the VPC is translated to the node's primary interface and filtered by its security groups instead`,
  });
}

/**
 * Interfaces of a type this version does not know are audited as sources of unknown OS (any client
 * port): AWS adds types as it adds services, and dropping them would leave out what they send. A
 * warning per type names them, since whether they open connections of their own is not known.
 */
function noteUnknownTypes(ctx: AwsContext, unknownTypes: ReadonlyMap<string, string[]>): void {
  for (const [type, ids] of [...unknownTypes].sort(([a], [b]) => ascending(a, b)))
    ctx.model.warnings.push({
      resource: type,
      message: `interface type ${JSON.stringify(type)} is not one this version knows: ${someOf([...ids].sort(ascending), 5)} audited as sources whose OS is not known (client ports 1024-65535), though whether they open connections of their own is not known`,
    });
}
