// Tracing single flows: the same engine as the audit, in detail mode (exact addresses, allowed packets
// attributed to the rule that allowed them), on the one packet (or the few) the flow describes.
import {
  formatIp,
  icmpTypeCode,
  IntervalSet,
  isV4,
  NetsetInputError,
  PacketSet,
  parseIp,
  parseProtocol,
  PORT_ALL,
  protocolLabel,
  PROTO,
  toCidrs,
} from "../netset/index.js";
import { InputError } from "../model/errors.js";
import type { AskedMissing } from "../model/missing.js";
import { ascending } from "../model/order.js";
import {
  ANY_CLIENT_PORTS,
  type Endpoint,
  type NetworkModel,
  type NotSource,
  type UnplacedSource,
} from "../model/types.js";
import { Engine } from "../graph/propagate.js";
import { OwnAddresses } from "../graph/hairpin.js";
import type { Piece } from "../graph/outcome.js";
import { PORT_PROTOCOLS } from "../graph/returns.js";
import { clientPortsNote, ipv6PrefixesOf, ipv6Sender, withoutForeignIcmp } from "./audit.js";
import type { Flow, TracePart, TraceResult } from "./result.js";

/**
 * How an error names a field of a flow: as the command-line flag (`--port`, `--icmp-code`), or, for a
 * line of a --flows file, as the line's JSON key (`port`, `code`).
 */
export type FieldName = (field: keyof Flow) => string;

export const AS_FLAG: FieldName = (field) => (field === "code" ? "--icmp-code" : `--${field}`);
export const AS_KEY: FieldName = (field) => field;

/**
 * What finds the endpoint a --src names: interface id, instance id or name, private IP, or subnet id,
 * among `endpoints` (what --vpc or --cluster selects; default all) and the subnets of their VPCs.
 */
export function sourceResolver(
  model: NetworkModel,
  endpoints: readonly Endpoint[] = model.endpoints,
  name: FieldName = AS_FLAG,
): (src: string) => Endpoint {
  const scoped = endpoints !== model.endpoints;
  const networks = scoped ? new Set(endpoints.map((e) => e.networkId)) : null;
  return (src) => {
    const found = findSource(model, src, endpoints, networks, name);
    if (found) return found;
    const outside = scoped ? findSource(model, src, model.endpoints, null, name) : undefined;
    if (outside)
      throw new InputError(
        `${name("src")} "${src}" is ${outside.id} in ${outside.networkId}, which --vpc or --cluster leaves out`,
      );
    // An interface left out of the sources by its type (a NAT gateway's own, say) is in the input:
    // say what it is rather than that nothing has the name.
    const other = notSource(model, src);
    if (other)
      throw new InputError(
        `${name("src")} "${src}" is ${other.id === src ? "" : `${other.id}, `}${other.why}`,
      );
    // An interface the input tells too little of to audit (say, saved without its subnet) is not a
    // source, but its unknowns entry names it: say that rather than that nothing has the name.
    const unread = model.unknowns.find((u) => u.resource === src || mentions(u.message, src));
    throw new InputError(
      unread
        ? `${name("src")} "${src}" cannot be traced, it is listed under unknowns: ${unread.message}`
        : `${name("src")} "${src}": no interface, instance, name, private IP or subnet by that name in the input`,
    );
  };
}

/** The interface left out of the sources by its type that `src` names by id or address, if any. */
function notSource(model: NetworkModel, src: string): NotSource | undefined {
  const ip = ipOrNull(src);
  // (Several with one address, in VPCs that use the same ranges: the lowest id, so the message does
  // not follow the input's order.)
  return (model.notSources ?? [])
    .filter((n) => n.id === src || (ip !== null && (n.privateIps.includes(ip) || n.ipv6.includes(ip))))
    .sort((a, b) => ascending(a.id, b.id))[0];
}

/** The address `src` is, or null when it is no address (an id or a name). */
function ipOrNull(src: string): bigint | null {
  try {
    return parseIp(src);
  } catch {
    return null;
  }
}

/** What the run's unknowns say of the interface `id` (one the input tells too little of to trace). */
function unknownsEntry(model: NetworkModel, id: string): string | undefined {
  return model.unknowns.find((u) => u.resource === id)?.message;
}

/** Whether `text` names `token` as a whole word (an id or an address, not part of a longer one). */
function mentions(text: string, token: string): boolean {
  const literal = token.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  // No id or address character on either side (a sentence's full stop after it is not one).
  return new RegExp(`(?<![\\w.:-])${literal}(?![\\w:-]|\\.\\w)`).test(text);
}

/** The source `src` names among `endpoints` and the subnets of `networks` (all when null), if any. */
function findSource(
  model: NetworkModel,
  src: string,
  endpoints: readonly Endpoint[],
  networks: ReadonlySet<string> | null,
  name: FieldName,
): Endpoint | undefined {
  const byId = endpoints.filter((e) => e.id === src);
  if (byId.length > 0) return byId[0]!;
  // An instance's traffic starts at its primary interface (device index 0), and nowhere else.
  if (endpoints.some((e) => e.ownerId === src)) return instanceStart(model, src, src, name, endpoints);
  const ip = ipOrNull(src);
  if (ip !== null) {
    const holds = (e: Pick<Endpoint, "privateIps" | "ipv6" | "prefixes">): boolean =>
      e.privateIps.includes(ip) || e.ipv6.includes(ip) || (e.prefixes?.contains(ip) ?? false);
    const holders = endpoints.filter(holds);
    // Interfaces the input tells too little of to audit (saved without their subnet) hold addresses
    // too: one of another VPC (or of one the input does not tell) with this address makes it as
    // ambiguous, and when it alone has it, the caller refuses naming its unknowns entry.
    const unread = inScope(model, networks).filter(holds);
    // VPCs may use the same private addresses: which interface is meant cannot be guessed.
    if (holders.length + unread.length > 1) {
      const all = [...holders, ...unread];
      // --vpc can tell them apart only where each one's VPC is known.
      const vpcHelps = all.every((e) => e.networkId !== "");
      throw new InputError(
        `${name("src")} "${src}" is an address of ${all.length} interfaces (${all.map((e) => `${e.id} in ${e.networkId || "a VPC the input does not tell"}`).join(", ")}): use an interface or instance id${vpcHelps ? ", or --vpc" : ""}`,
      );
    }
    const [alone] = unread;
    if (alone !== undefined && holders.length === 0) {
      const why = unknownsEntry(model, alone.id);
      throw new InputError(
        `${name("src")} "${src}" cannot be traced, it is listed under unknowns: ${why ?? alone.id}`,
      );
    }
    const byIp = holders[0];
    // A secondary address, or one of a delegated prefix, sends as itself (a pod's address on a node's
    // interface, say): its own Elastic IP at an internet gateway, and rules that tell it apart from
    // the primary.
    if (byIp)
      return isV4(ip)
        ? { ...byIp, privateIps: first(byIp.privateIps, ip) }
        : { ...byIp, ipv6: first(byIp.ipv6, ip) };
  }
  const subnet = model.subnets.get(src);
  if (subnet && (networks === null || networks.has(subnet.networkId))) {
    // A host of the subnet with no filters of its own: shows what the subnet and beyond allow.
    // Its first usable address of each family (AWS reserves a block's first four).
    const first = subnet.cidrs.ranges.find(([lo]) => lo >= 1n << 128n)?.[0];
    const first6 = subnet.cidrs.ranges.find(([lo]) => lo < 1n << 128n)?.[0];
    return {
      id: subnet.id,
      kind: "subnet",
      networkId: subnet.networkId,
      subnetId: subnet.id,
      privateIps: first === undefined ? [] : [first + 4n],
      ipv6: first6 === undefined ? [] : [first6 + 4n],
      filterIds: [],
      // Any host of the subnet: its OS, so its client ports, cannot be told.
      ephemeralPorts: ANY_CLIENT_PORTS,
    };
  }
  return byName(model, src, endpoints, networks, name);
}

/**
 * The source a name picks: an interface's own Name tag that interface; an instance's name (which its
 * interfaces carry) the instance, so its primary interface. Where the name picks more than one of
 * them (two instances, or an interface's tag and another instance), which is meant is not guessed.
 * Interfaces the input tells too little of to audit (model.unplaced) count too: a name they share
 * is as ambiguous, and an instance whose primary interface is one of them is refused.
 */
function byName(
  model: NetworkModel,
  src: string,
  endpoints: readonly Endpoint[],
  networks: ReadonlySet<string> | null,
  name: FieldName,
): Endpoint | undefined {
  const unplaced = inScope(model, networks);
  // Candidates by what they are: an interface by its id, an instance (its interfaces so named) by its.
  const picks = new Map<string, Named[]>();
  for (const e of [...endpoints, ...unplaced]) {
    const key =
      e.ownName === src && e.ownName !== e.name ? e.id : e.name === src ? (e.ownerId ?? e.id) : undefined;
    if (key !== undefined) picks.set(key, [...(picks.get(key) ?? []), e]);
  }
  if (picks.size > 1) {
    const ids = [...picks.keys()].sort(ascending);
    throw new InputError(
      `${name("src")} "${src}" names ${ids.length} sources (${ids.join(", ")}): use an interface or instance id`,
    );
  }
  const [pick] = picks;
  if (pick === undefined) return undefined;
  const [key, named] = pick;
  const placed = (e: Named): e is Endpoint => endpoints.includes(e as Endpoint);
  if (named.length === 1 && named[0]!.id === key) return named.filter(placed)[0];
  // Several interfaces of one instance share the name: the instance's, unless it has a primary
  // interface named otherwise (then the name is theirs: an instance without one, its interfaces
  // tagged alike).
  const primary = [...model.endpoints, ...(model.unplaced ?? [])].find((e) => e.ownerId === key && e.primary);
  // (The instance's name on a primary interface --vpc or --cluster leaves out is still the instance's:
  // refused there, never answered from another of its interfaces.)
  if (primary === undefined || named.includes(primary) || primary.name === src)
    return instanceStart(model, src, key, name, endpoints);
  if (named.length === 1) return named.filter(placed)[0];
  const ids = named.map((e) => e.id).sort(ascending);
  throw new InputError(
    `${name("src")} "${src}" names ${ids.length} interfaces of ${key} (${ids.join(", ")}): use an interface id`,
  );
}

/** The interfaces the input tells too little of to audit (model.unplaced) in `networks` (all when null). */
function inScope(model: NetworkModel, networks: ReadonlySet<string> | null): UnplacedSource[] {
  return (model.unplaced ?? []).filter(
    (u) => networks === null || u.networkId === "" || networks.has(u.networkId),
  );
}

type Named = Pick<Endpoint, "id" | "name" | "ownName" | "ownerId" | "primary">;

/**
 * Where a trace from instance `owner` (which `src` names) starts: its primary interface. One the input
 * tells too little of to audit is refused as that interface's id is; one the input lacks, or one
 * outside `endpoints` (what --vpc or --cluster leaves in), too: another interface of the instance is
 * not where its traffic starts.
 */
function instanceStart(
  model: NetworkModel,
  src: string,
  owner: string,
  name: FieldName,
  endpoints: readonly Endpoint[],
): Endpoint | undefined {
  const start = model.endpoints.find((e) => e.ownerId === owner && e.primary);
  if (start && endpoints.includes(start)) return start;
  if (start)
    throw new InputError(
      `${name("src")} "${src}" is instance ${owner}, whose primary interface ${start.id} is in ${start.networkId}, which --vpc or --cluster leaves out: use an interface id to trace from another of its interfaces`,
    );
  const unread = model.unplaced?.find((u) => u.ownerId === owner && u.primary);
  if (unread) {
    const why = unknownsEntry(model, unread.id);
    throw new InputError(
      `${name("src")} "${src}" is instance ${owner}, whose primary interface ${unread.id} cannot be traced, it is listed under unknowns${why === undefined ? "" : `: ${why}`}`,
    );
  }
  const others = model.endpoints.filter((e) => e.ownerId === owner).map((e) => e.id);
  // None of its interfaces can be traced: the caller says why.
  if (others.length === 0) return undefined;
  throw new InputError(
    `${name("src")} "${src}" is instance ${owner}, whose primary interface is not in the input (only ${others.sort(ascending).join(", ")}${model.regions ? "; a live run narrowed by --vpc or --cluster reads only its VPCs' interfaces" : ""}): use an interface id`,
  );
}

/** `list` with `x` at the front (moved there if it holds x). */
function first(list: bigint[], x: bigint): bigint[] {
  return [x, ...list.filter((y) => y !== x)];
}

const PORTED = new Set<number>([PROTO.TCP, PROTO.UDP, PROTO.SCTP]);

/**
 * The packets a flow stands for: one destination, one protocol, the port (or all ports), ICMP echo by
 * default. Errors name the flow's fields by `name`.
 */
export function flowPackets(flow: Flow, name: FieldName = AS_FLAG): PacketSet {
  let dst: bigint;
  let protocols: IntervalSet;
  try {
    dst = parseIp(flow.dst);
  } catch (e) {
    throw new InputError(`${name("dst")}: ${(e as NetsetInputError).message}`);
  }
  try {
    protocols = parseProtocol(flow.protocol);
  } catch (e) {
    throw new InputError(`${name("protocol")}: ${(e as NetsetInputError).message}`);
  }
  const single = protocols.min() === protocols.max() ? Number(protocols.min()) : null;
  // Each address family has its own ICMP: say so rather than trace a packet no host sends.
  if (single === PROTO.ICMP && !isV4(dst))
    throw new InputError(
      `${name("protocol")} icmp is IPv4's ICMP: for the IPv6 address ${flow.dst} use icmpv6`,
    );
  if (single === PROTO.ICMPV6 && isV4(dst))
    throw new InputError(
      `${name("protocol")} icmpv6 is IPv6's ICMP: for the IPv4 address ${flow.dst} use icmp`,
    );
  let ports = PORT_ALL;
  const port = flow.port ?? null;
  if (port !== null && (!Number.isInteger(port) || port < 0 || port > 65535))
    throw new InputError(`${name("port")}: expected an integer 0-65535, got ${port}`);
  const code = flow.code ?? null;
  const icmp = single === PROTO.ICMP || single === PROTO.ICMPV6;
  if (code !== null && (!icmp || port === null))
    throw new InputError(
      icmp
        ? `${name("code")}: give the message type with ${name("port")} too`
        : `${name("code")}: only ICMP messages have codes, not ${flow.protocol}`,
    );
  if (code !== null && (!Number.isInteger(code) || code < 0 || code > 255))
    throw new InputError(`${name("code")}: expected an integer 0-255, got ${code}`);
  if (icmp) {
    // For ICMP the "port" is the message type (and --icmp-code its code, default 0: rules may allow
    // one code of a type only, "fragmentation needed" among the destination-unreachable ones); without
    // one, trace a ping (echo request).
    if (port !== null && port > 255)
      throw new InputError(`${name("port")}: for ICMP the port is the message type, 0-255; got ${port}`);
    ports = icmpTypeCode(port ?? echoRequest(single), code ?? 0);
  } else if (port !== null) {
    // A port of a protocol without ports (gre, esp ...) would be silently meaningless.
    if (single === null || !PORTED.has(single))
      throw new InputError(`${name("port")}: ${flow.protocol} has no ports; leave ${name("port")} out`);
    ports = IntervalSet.point(BigInt(port));
  }
  return withoutForeignIcmp(PacketSet.cube(protocols, ports, IntervalSet.point(dst)));
}

/** The message type of an echo request (a ping) in ICMP (protocol 1) or ICMPv6 (58). */
function echoRequest(icmp: number): number {
  return icmp === PROTO.ICMP ? 8 : 128;
}

/** The one protocol a flow (one flowPackets accepted) names; null for all of them. */
function singleProtocol(flow: Flow): number | null {
  const protocols = parseProtocol(flow.protocol);
  return protocols.min() === protocols.max() ? Number(protocols.min()) : null;
}

/**
 * What a flow (one flowPackets accepted) traces, as its headline names it: the protocol by name where
 * it has one (`6` and `TCP` are tcp), the port if given, and for ICMP the type and code always
 * (`icmp/8 code 0` where the flow gave no type: the echo request flowPackets traces then).
 */
export function tracedName(flow: Flow): string {
  const n = singleProtocol(flow);
  if (n === null) return "all";
  const name = protocolLabel(n);
  if (n === PROTO.ICMP || n === PROTO.ICMPV6)
    return `${name}/${flow.port ?? echoRequest(n)} code ${flow.code ?? 0}`;
  return flow.port === undefined || flow.port === null ? name : `${name}/${flow.port}`;
}

/**
 * Traces each flow; `endpoints` are the sources --src may name (what --vpc or --cluster selects).
 * `where` names a flow's place in its file (`flows.jsonl:7`) for an error about it; `asked` collects
 * the data missing for the verdicts the flows get (see AskedMissing).
 */
export function runTrace(
  model: NetworkModel,
  flows: readonly Flow[],
  endpoints: readonly Endpoint[] = model.endpoints,
  where?: (index: number) => string,
  asked?: AskedMissing,
): TraceResult[] {
  const engine = new Engine(model, { detail: true });
  const own = new OwnAddresses(model);
  // A --flows file's errors name the line's keys, not the command line's flags.
  const name = where ? AS_KEY : AS_FLAG;
  const resolve = sourceResolver(model, endpoints, name);
  return flows.map((flow, i) => {
    let named: Endpoint;
    let packets: PacketSet;
    try {
      named = resolve(flow.src);
      packets = flowPackets(flow, name);
    } catch (e) {
      if (e instanceof InputError && where) throw new InputError(e.message, where(i));
      throw e;
    }
    // An interface with IPv6 prefixes delegated to it but no IPv6 address of its own sends IPv6 from
    // the prefixes (its pods do): traced from the first one's first address, as the audit works it out.
    const v4 = isV4(parseIp(flow.dst));
    const ep = v4 ? named : ipv6Sender(named);
    // (What reaches the internet to one of the input's own addresses comes back in: see OwnAddresses.)
    const pieces = own.comeBack(engine.resolveSource(ep, engine.fromEndpoint(ep, packets)));
    asked?.reached(
      ep,
      pieces.map((p) => p.outcome),
    );
    // A name or an instance id stands for one of several interfaces and addresses: say which.
    const address = v4 ? ep.privateIps[0] : ep.ipv6[0];
    const source = {
      id: ep.id,
      kind: ep.kind,
      address: address === undefined ? null : formatIp(address),
      ...(ep.unattached !== undefined ? { unattached: ep.unattached } : {}),
      ...(ep.stopped !== undefined ? { stopped: ep.stopped } : {}),
    };
    const notes: string[] = [];
    if (ep !== named && address !== undefined)
      notes.push(
        `${ep.id} has no IPv6 address of its own: traced from ${formatIp(address)}, the first address of the IPv6 prefixes delegated to it (${toCidrs(ipv6PrefixesOf(ep)).join(", ")}), which its pods send from; --src a pod's address traces that pod`,
      );
    const pod = podAddressNote(model, ep, flow.dst);
    if (pod) notes.push(pod);
    const ports = nodePortsNote(ep, pieces);
    if (ports) notes.push(ports);
    return { flow, traced: tracedName(flow), source, ...traceOf(pieces, flow, name), notes };
  });
}

/**
 * A trace from an address of an EKS node other than the node's primary one (a pod's, from a secondary
 * address or a delegated prefix of any of its interfaces) to outside the VPC sends as that address, as
 * the VPC sees it when the node does not rewrite it. With the VPC CNI's defaults
 * (AWS_VPC_K8S_CNI_EXTERNALSNAT=false) a pod's traffic leaving the VPC is translated to "the primary
 * private IPv4 address of the primary network interface" of the node ("Enable outbound internet access
 * for Pods", EKS user guide), so a pod's answer is that address's: say so, naming it.
 */
function podAddressNote(model: NetworkModel, ep: Endpoint, dst: string): string | undefined {
  const cluster = ep.clusters?.[0];
  const sent = ep.privateIps[0];
  if (cluster === undefined || sent === undefined || ep.ownerId === undefined) return;
  const node = model.endpoints.find((e) => e.ownerId === ep.ownerId && e.primary === true);
  const primary = node?.privateIps[0];
  if (node === undefined || primary === undefined || sent === primary) return;
  const to = parseIp(dst);
  if (!isV4(to) || model.networks.get(ep.networkId)?.cidrs.contains(to)) return;
  return `${formatIp(sent)} (of ${ep.id}) is not the primary address of ${ep.ownerId}, a node of EKS cluster ${cluster}: with the VPC CNI's defaults (AWS_VPC_K8S_CNI_EXTERNALSNAT=false) a pod's traffic leaving the VPC goes out as the node's primary address ${formatIp(primary)} (of ${node.id}), so a pod's answer is that of --src ${formatIp(primary)}; this trace sends as ${formatIp(sent)} itself, as with external SNAT on`;
}

/**
 * Why the replies of a Kubernetes node's connections are checked on 1024-65535 rather than its OS's
 * client ports (see the AWS converter's ephemeralPorts): said where a network ACL judged replies (its
 * hop says so) on a protocol with ports.
 */
function nodePortsNote(ep: Endpoint, pieces: readonly Piece[]): string | undefined {
  // (A node's client ports are always 1024-65535: see the AWS converter's ephemeralPorts.)
  const note = clientPortsNote(ep);
  if (note === undefined) return;
  const withPorts = pieces.some(
    (p) =>
      !p.packets.restrictProtocols(PORT_PROTOCOLS).isEmpty() &&
      p.outcome.hops.some((h) => h.kind === "network-acl" && /\breplies\b/.test(h.detail)),
  );
  if (!withPorts) return;
  return note;
}

type Answer = Omit<TraceResult, "flow" | "traced" | "source" | "notes" | "parts">;

/**
 * One flow's answer. A flow without a port (or of protocol all) covers many packets, which may fare
 * differently: then each part (the packets that share an outcome) is listed in `parts`, and the
 * verdict is allowed only if every part is allowed, blocked only if every part is blocked, otherwise
 * unknown (its reason lists each part's fate and asks for the port). The top level's exit, egressIp,
 * blockedBy and hops are those of parts[0]: the first blocked part, else the first unknown one, else
 * the first.
 */
function traceOf(pieces: readonly Piece[], flow: Flow, name: FieldName): Answer & { parts?: TracePart[] } {
  const parts = partsOf(pieces);
  const shown = parts[0];
  if (!shown) throw new Error("trace produced no outcome");
  const top = {
    exit: shown.exit,
    egressIp: shown.egressIp,
    ...(shown.leaves && { leaves: shown.leaves }),
    blockedBy: shown.blockedBy,
    hops: shown.hops,
  };
  if (parts.length === 1) return { verdict: shown.verdict, ...top, reason: shown.reason };
  const alike = parts.every((p) => p.verdict === shown.verdict);
  const verdict = alike ? shown.verdict : "unknown";
  const each = parts.map((p, i) => `part ${i + 1} (${p.packets}): ${fateOf(p)}`).join("; ");
  const shows = `the ${top.blockedBy === null ? "hops" : "hops and blockedBy"} shown are part 1's`;
  const reason = alike
    ? `${shown.reason} (for part 1 of ${parts.length}; ${each}; ${shows})`
    : `the flow's packets fare differently, ${oneAnswer(flow, name)}: ${each}; ${shows}`;
  return { verdict, ...top, reason, parts };
}

/**
 * A flow's pieces as parts: pieces with the same outcome joined (in the order of the first), the one
 * the top level shows first (see traceOf).
 */
function partsOf(pieces: readonly Piece[]): TracePart[] {
  const joined = new Map<string, { packets: PacketSet; outcome: Piece["outcome"] }>();
  for (const p of pieces) {
    const o = p.outcome;
    const key = JSON.stringify([o.verdict, o.exit, o.egressIp, o.leaves, o.blockedBy, o.reason, o.hops]);
    const same = joined.get(key);
    joined.set(key, { packets: same ? same.packets.union(p.packets) : p.packets, outcome: o });
  }
  const all = [...joined.values()];
  const shown =
    all.find((p) => p.outcome.verdict === "blocked") ??
    all.find((p) => p.outcome.verdict === "unknown") ??
    all[0];
  return [...(shown ? [shown] : []), ...all.filter((p) => p !== shown)].map(({ packets, outcome: o }) => ({
    packets: packets.toString(),
    verdict: o.verdict,
    exit: o.exit,
    egressIp: o.egressIp,
    ...(o.leaves && { leaves: o.leaves }),
    blockedBy: o.blockedBy,
    reason: o.reason,
    hops: o.hops,
  }));
}

/** A part's fate in a few words: where it gets out and as whom, what blocks it, or why it cannot be told. */
function fateOf(p: TracePart): string {
  if (p.verdict === "allowed")
    return `allowed, exit ${p.exit ?? "-"}${p.egressIp === null ? "" : ` as ${p.egressIp}`}`;
  if (p.verdict === "unknown") return `unknown: ${p.reason}`;
  const by = p.blockedBy;
  return by === null
    ? `blocked: ${p.reason}`
    : `blocked by ${by.resource}${by.rule === null ? "" : ` rule ${by.rule}`}`;
}

/** What a flow that covers packets of different fates should give to get one answer. */
function oneAnswer(flow: Flow, name: FieldName): string {
  if (singleProtocol(flow) !== null) return `give ${name("port")} for one answer`;
  return `give one ${name("protocol")} (and ${name("port")}) for one answer`;
}
