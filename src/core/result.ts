// The AuditResult and TraceResult contracts (ARCHITECTURE.md), as zod schemas: the TypeScript types are
// inferred from them and schema/*.schema.json is generated from them, so code, schema and output agree.
import { z } from "zod";
import { SCHEMA_VERSION } from "./version.js";

export { SCHEMA_VERSION };

const verdict3 = z.enum(["allowed", "blocked", "unknown"]);
const exitKind = z.enum(["internet", "cloud-service", "vpn", "peering", "private"]);

export const BlockedBySchema = z
  .object({
    resource: z
      .string()
      .describe(
        'Provider resource id that decided, e.g. sg-..., acl-..., rtb-...; where several decide together (an interface\'s security groups, none of whose rules allows it), their ids joined with ", " (see resources)',
      ),
    kind: z
      .string()
      .describe("Resource kind: security-group, network-acl, route-table, internet-gateway, ..."),
    rule: z
      .string()
      .nullable()
      .describe("The provider's own rule name or number; null for implicit behaviour"),
    resources: z
      .array(z.string())
      .optional()
      .describe(
        "Present only where several resources decide together (resource joins their ids): each id, for a script to look up",
      ),
  })
  .describe("The resource and rule that decided a block");

export const LeavesSchema = z
  .object({
    exit: exitKind,
    egressIp: z.string().nullable(),
  })
  .describe(
    "Present where the verdict is not allowed only because of the replies (a stateless filter or a route on their way back stops them, or may): the packets themselves do leave, by this exit, as this address, though no exchange completes; one-way UDP datagrams, ICMP requests and TCP SYNs get out. Absent otherwise, also where whether the packets leave is itself not known",
  );

/** An audit path's leaves: also every address the packets may leave as, as an entry's egressIps lists them. */
export const PathLeavesSchema = LeavesSchema.extend({
  egressIps: z
    .array(z.string())
    .describe(
      "Every address the packets may leave as (egressIp first), as an entry's egressIps lists an allowed path's: each Elastic IP of a NAT gateway, each IPv6 address of the interface and the IPv6 prefixes delegated to it",
    ),
});

export const NoteSchema = z.object({ resource: z.string(), message: z.string() });

export const SourceSchema = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string().nullable(),
  owner: z.string().nullable().describe("The instance or VM the interface belongs to"),
  network: z.string(),
  subnet: z.string(),
  privateIp: z.string().nullable(),
  ipv6: z.string().nullable(),
  publicIp: z.string().nullable(),
  unattached: z
    .string()
    .optional()
    .describe(
      "Set when the interface is attached to nothing (AWS: status available): it sends nothing until it is, and the entries are what it could send once attached; absent otherwise",
    ),
  stopped: z
    .string()
    .optional()
    .describe(
      "Set when the interface's instance is stopped (AWS: state stopped or stopping; hibernated ones too): it sends nothing until the instance is started, and the entries are what it could send then; absent otherwise",
    ),
});

export const PathSchema = z.object({
  verdict: verdict3,
  destinations: z.array(z.string()).describe("CIDR blocks this path covers"),
  exit: exitKind.nullable(),
  egressIp: z
    .string()
    .nullable()
    .describe(
      "The source address the destinations see; where the entry's egressIps list several for it, the first: for IPv6 the interface's first own address, or, for one with none but IPv6 prefixes delegated to it, the first prefix as a CIDR block",
    ),
  leaves: PathLeavesSchema.optional(),
  blockedBy: BlockedBySchema.nullable(),
  reason: z.string(),
});

export const AuditEntrySchema = z.object({
  source: SourceSchema,
  protocol: z.string().describe("tcp, udp, icmp, icmpv6, sctp, or an IP protocol number or range"),
  ports: z.string().describe('"443", "1024-65535", "*" (all), or for ICMP "type 8 code 0"'),
  portRange: z
    .object({ from: z.number().int(), to: z.number().int() })
    .nullable()
    .describe("Numeric port range (ICMP: type*256+code); null for protocols without ports"),
  verdict: z.enum(["allowed", "partial", "blocked", "unknown"]),
  reachable: z.array(z.string()).describe("Destination CIDR blocks that are reached"),
  exits: z.array(exitKind),
  egressIps: z
    .array(z.string())
    .describe(
      "Source addresses the destinations see: addresses, and CIDR blocks any of whose addresses may be the sender (an IPv6 prefix delegated to the interface, whose addresses its pods send from, listed after its own IPv6 addresses)",
    ),
  blockedBy: BlockedBySchema.nullable().describe(
    "What decided the part the entry names, its largest part that is not allowed (blocked or unknown; for an unknown entry its largest unknown part; largest by the share of its address family's destinations, IPv4 first when equal): the rule that blocks it, or null where that part is unknown (nothing blocked it). Each path names its own: a partial or unknown entry's blocked parts are in its paths.",
  ),
  reason: z
    .string()
    .nullable()
    .describe("Why the part the entry names (see blockedBy) is blocked or unknown"),
  paths: z.array(PathSchema).describe("The destinations split by outcome"),
  notes: z
    .array(z.string())
    .describe(
      "What else the reader should know about this entry's answer (a Kubernetes node's replies checked on ports 1024-65535, and why); empty otherwise",
    ),
});

export const AuditResultSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.literal("egress-audit"), version: z.string() }),
  provider: z.string(),
  query: z.object({
    ports: z.string().describe("The --ports list audited"),
    destinations: z.string().describe('The --dest list audited ("internet" = the public internet)'),
    destinationCidrs: z.array(z.string()).describe("The destinations as CIDR blocks"),
    ownNetworkExcluded: z
      .boolean()
      .describe(
        "Each source's own network's address blocks are left out of its destinations (--dest internet: the local route keeps them inside the network, they are not the internet)",
      ),
    vpcs: z
      .array(z.string())
      .nullable()
      .describe("The VPCs whose interfaces were audited (--vpc); null: every VPC of the input"),
    cluster: z
      .string()
      .nullable()
      .describe("The cluster whose nodes were audited (--cluster); null: no cluster filter"),
  }),
  summary: z.object({
    sources: z
      .number()
      .int()
      .describe(
        "Sources audited: interfaces, and an interface again for each other address with a public IP of its own",
      ),
    leftOut: z
      .number()
      .int()
      .describe("Interfaces in the input that --vpc or --cluster left out of the audit"),
    notAudited: z
      .array(z.string())
      .describe(
        "Source interfaces the audit's scope (all, --vpc, --cluster) takes that the input tells too little of to audit (saved without their subnet): each listed under unknowns",
      ),
    results: z.number().int(),
    allowed: z.number().int(),
    partial: z.number().int(),
    blocked: z.number().int(),
    unknown: z.number().int(),
  }),
  results: z.array(AuditEntrySchema),
  warnings: z.array(NoteSchema),
  unknowns: z.array(NoteSchema).describe("Data that could not be read or understood, and what it affects"),
});

export const HopSchema = z.object({
  resource: z.string(),
  kind: z.string(),
  action: z.enum(["allow", "deny", "forward", "translate", "exit", "drop"]),
  rule: z.string().nullable(),
  detail: z.string(),
});

// Strict: a misspelt key ("Port", "dport") would otherwise be dropped, and the flow traced on every port.
export const FlowSchema = z.strictObject({
  src: z.string(),
  dst: z.string(),
  protocol: z.string(),
  port: z.number().int().nullable().optional(),
  /** For ICMP: the message code (default 0); `port` is the type. */
  code: z.number().int().nullable().optional(),
});

/** One set of a flow's packets that share a fate, when the flow's packets do not all share one. */
export const TracePartSchema = z
  .object({
    packets: z
      .string()
      .describe(
        'The packets of the flow this part holds, e.g. "tcp 0-24,26-442 -> 8.8.8.8/32" (protocol, ports or ICMP types and codes, destination; clauses joined by "; ")',
      ),
    verdict: verdict3,
    exit: exitKind.nullable(),
    egressIp: z.string().nullable(),
    leaves: LeavesSchema.optional(),
    blockedBy: BlockedBySchema.nullable(),
    reason: z.string(),
    hops: z.array(HopSchema),
  })
  .describe("What happens to one part of the flow's packets");

export const TraceResultSchema = z.object({
  flow: FlowSchema,
  traced: z
    .string()
    .describe(
      "What was traced, as the text's first line names it: the protocol by its name where it has one (tcp for 6 or TCP), then /port where one was given; for ICMP the message type and code (icmp/8 code 0: an echo request where the flow gave no type)",
    ),
  source: z
    .object({
      id: z.string(),
      kind: z.string(),
      address: z.string().nullable(),
      unattached: z
        .string()
        .optional()
        .describe(
          "Set when the interface is attached to nothing (AWS: status available): it sends nothing until it is, and the answer is what it could send once attached; absent otherwise",
        ),
      stopped: z
        .string()
        .optional()
        .describe(
          "Set when the interface's instance is stopped (AWS: state stopped or stopping; hibernated ones too): it sends nothing until the instance is started, and the answer is what it could send then; absent otherwise",
        ),
    })
    .describe(
      "What the flow was sent from: the interface (or, for a subnet id, the subnet) --src resolved to, and the address of the destination's family it sends from (null: it has none)",
    ),
  verdict: verdict3.describe(
    "allowed: every packet of the flow gets there; blocked: none does; unknown: the data cannot decide, or the flow's packets fare differently (see parts)",
  ),
  exit: exitKind.nullable(),
  egressIp: z.string().nullable(),
  leaves: LeavesSchema.optional(),
  blockedBy: BlockedBySchema.nullable(),
  reason: z.string(),
  hops: z.array(HopSchema),
  parts: z
    .array(TracePartSchema)
    .optional()
    .describe(
      "Present only when the flow's packets do not all meet one fate (a flow without a port, or of protocol all, whose packets get different verdicts, or are decided by different rules): each part with its own, the first being the one whose exit, egressIp, leaves, blockedBy and hops the top level shows (the first blocked part, else the first unknown, else the first); absent when one outcome holds for all of the flow's packets",
    ),
  notes: z
    .array(z.string())
    .describe(
      "What else the reader should know about this answer (an EKS pod's address, a node's client ports)",
    ),
});

export const TraceResultListSchema = z.array(TraceResultSchema);

export type AuditResult = z.infer<typeof AuditResultSchema>;
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export type AuditSource = z.infer<typeof SourceSchema>;
export type AuditPath = z.infer<typeof PathSchema>;
export type TraceResult = z.infer<typeof TraceResultSchema>;
export type TracePart = z.infer<typeof TracePartSchema>;
export type Flow = z.infer<typeof FlowSchema>;
