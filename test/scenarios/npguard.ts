// np-guard's vpc-network-config-analyzer as an oracle (fixtures/aws/npguard, see fixtures/NOTICE): its
// collector's AWS input, and the connectivity its analysis prints for every pair of instances and
// towards the public internet.
//
// The input has no route tables and no NAT gateways: np-guard calls a subnet public when
// MapPublicIpOnLaunch is set, and reaches the internet from it through the VPC's internet gateway.
// `npguardDocs` gives egress-audit the same picture as describe-* documents: per subnet a route table
// with the VPC's local routes, plus 0.0.0.0/0 to the internet gateway for the public ones.
import { readFileSync } from "node:fs";
import type { SourceDocument } from "../../src/model/document.js";

const DIR = "fixtures/aws/npguard";

interface Collected {
  instances: unknown[];
  security_groups: unknown[];
  network_acls: unknown[];
  subnets: { SubnetId: string; VpcId: string; MapPublicIpOnLaunch: boolean }[];
  vpcs: { VpcId: string; CidrBlock: string; CidrBlockAssociationSet?: { CidrBlock: string }[] | null }[];
  internet_gateways: { InternetGatewayId: string; Attachments?: { VpcId: string }[] | null }[];
}

/** The collector output of one example, as the describe-* documents `--from-dir` reads. */
export function npguardDocs(name: string): SourceDocument[] {
  const file = `${DIR}/input/input_${name}.json`;
  const c = JSON.parse(readFileSync(file, "utf8")) as Collected;
  const igwOf = new Map(
    c.internet_gateways.flatMap((g) => (g.Attachments ?? []).map((a) => [a.VpcId, g.InternetGatewayId])),
  );
  const cidrsOf = new Map(
    c.vpcs.map((v) => [v.VpcId, (v.CidrBlockAssociationSet ?? [v]).map((a) => a.CidrBlock)]),
  );
  const RouteTables = c.subnets.map((s) => {
    const igw = s.MapPublicIpOnLaunch ? igwOf.get(s.VpcId) : undefined;
    return {
      RouteTableId: `rtb-of-${s.SubnetId}`,
      VpcId: s.VpcId,
      Associations: [{ SubnetId: s.SubnetId }],
      Routes: [
        ...(cidrsOf.get(s.VpcId) ?? []).map((cidr) => ({
          DestinationCidrBlock: cidr,
          GatewayId: "local",
          State: "active",
        })),
        ...(igw ? [{ DestinationCidrBlock: "0.0.0.0/0", GatewayId: igw, State: "active" }] : []),
      ],
    };
  });
  return [
    { file, data: { Reservations: [{ Instances: c.instances }] } },
    { file, data: { SecurityGroups: c.security_groups } },
    { file, data: { NetworkAcls: c.network_acls } },
    { file, data: { Subnets: c.subnets } },
    { file, data: { Vpcs: c.vpcs } },
    { file, data: { InternetGateways: c.internet_gateways } },
    { file: `${file} (route tables from MapPublicIpOnLaunch)`, data: { RouteTables } },
  ];
}

type Ranges = [number, number][];

/** One line of np-guard's connectivity: a protocol ("all" for All Connections) and its ports. */
export interface Connection {
  protocol: "all" | "tcp" | "udp" | "icmp";
  srcPorts: Ranges;
  dstPorts: Ranges;
  /** False for TCP lines marked `*`: the response is not permitted (a stateless ACL drops it). */
  responds: boolean;
}

const ALL_PORTS: Ranges = [[0, 65535]];

function ranges(text: string): Ranges {
  return text.split(",").map((part) => {
    const [lo, hi] = part.split("-").map(Number);
    return [lo!, hi ?? lo!];
  });
}

/**
 * The analysis of one example: "src => dst" -> its connections. Of its instances (`endpoints`), keyed by
 * their private address, or of its subnets (`subnets`, np-guard's subnet-based analysis), keyed by
 * their Name tag; the public internet side by np-guard's text ("Public Internet (all ranges)",
 * "Public Internet 147.235.0.0/16").
 */
export function npguardConnectivity(
  name: string,
  of: "endpoints" | "subnets" = "endpoints",
): Map<string, Connection[]> {
  const file = of === "endpoints" ? `${name}_all_vpcs_.txt` : `${name}_all_vpcs_subnetsBased_withPGW.txt`;
  const text = readFileSync(`${DIR}/analysis/${file}`, "utf8");
  const out = new Map<string, Connection[]>();
  const side = (s: string): string => /\[(.*)\]$/.exec(s)?.[1] ?? s;
  for (const line of text.split("\n")) {
    const m = /^(.+?) => (.+?) : (.+?)\s*$/.exec(line);
    if (!m) continue;
    const key = `${side(m[1]!)} => ${side(m[2]!)}`;
    const list = out.get(key) ?? [];
    out.set(key, list);
    if (m[3] === "All Connections") {
      list.push({ protocol: "all", srcPorts: ALL_PORTS, dstPorts: ALL_PORTS, responds: true });
      continue;
    }
    const c = /^protocol: (TCP|UDP|ICMP)(?: src-ports: (\S+))?(?: dst-ports: (\S+))?( \*)?$/.exec(m[3]!);
    if (!c) throw new Error(`${name}: a connection np-guard prints that this reader does not know: ${m[3]}`);
    list.push({
      protocol: c[1]!.toLowerCase() as Connection["protocol"],
      srcPorts: c[2] ? ranges(c[2]) : ALL_PORTS,
      dstPorts: c[3] ? ranges(c[3]) : ALL_PORTS,
      responds: c[4] === undefined,
    });
  }
  return out;
}

const within = (rs: Ranges, v: number): boolean => rs.some(([lo, hi]) => v >= lo && v <= hi);

/**
 * egress-audit's verdict for one flow, from np-guard's connections between the two ends. TCP: np-guard
 * lists the client ports whose response gets back (stateless ACLs judge the reply by its destination
 * port, the client's); a Linux client picks one of 32768-60999, so the flow is allowed if every such
 * port is answered, blocked if none is, and unknown in between. UDP and ICMP: np-guard does not
 * follow their replies, so its answer is about the request; see the test for how far it carries.
 */
export function expectedVerdict(
  conns: readonly Connection[],
  protocol: "tcp" | "udp" | "icmp",
  port: number,
  clientPorts: readonly [number, number] = [32768, 60999],
): "allowed" | "blocked" | "unknown" {
  const hits = conns.filter(
    (c) =>
      (c.protocol === "all" || c.protocol === protocol) && (protocol === "icmp" || within(c.dstPorts, port)),
  );
  if (protocol !== "tcp") return hits.length > 0 ? "allowed" : "blocked";
  // The answered client ports within the client's range (Linux's by default), merged: all of them,
  // none, or some.
  const [lo, hi] = clientPorts;
  const answered = hits
    .filter((c) => c.responds)
    .flatMap((c) => c.srcPorts)
    .map(([a, b]): [number, number] => [Math.max(a, lo), Math.min(b, hi)])
    .filter(([a, b]) => a <= b)
    .sort((x, y) => x[0] - y[0]);
  if (answered.length === 0) return "blocked";
  let next = lo; // the first port not yet known to be answered
  for (const [a, b] of answered) if (a <= next) next = Math.max(next, b + 1);
  return next > hi ? "allowed" : "unknown";
}
