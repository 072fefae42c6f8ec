// Live AWS collection: EC2 Describe* calls -> the JSON that `aws ec2 describe-*` prints (PascalCase,
// one object per call, e.g. { "SecurityGroups": [...] }), one file per key per region. The offline
// reader (`--from-dir`) recognises files by that top-level key, so `--save-snapshot DIR` writes exactly
// what a later offline run reads back.
//
// egress-audit's additions to the AWS shapes (both documented here, both read back offline):
// - `ManagedPrefixLists` (the key under which DescribeManagedPrefixLists' `PrefixLists` are stored,
//   because DescribePrefixLists also answers `PrefixLists`, with a different item shape): each list
//   that a collected security group rule or route references carries an added key `Entries`, the
//   GetManagedPrefixListEntries answer. A list without `Entries` was not referenced, so its entries
//   were not fetched.
// - `EgressAuditCollectionGaps`: the calls that could not be read (permissions, errors), so an offline
//   re-run reports the same unknowns. Written only when there are gaps.
import {
  DescribeAddressesCommand,
  DescribeRegionsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcBlockPublicAccessExclusionsCommand,
  DescribeVpcBlockPublicAccessOptionsCommand,
  EC2Client,
  paginateDescribeByoipCidrs,
  paginateDescribeEgressOnlyInternetGateways,
  paginateDescribeInstances,
  paginateDescribeInstanceTypes,
  paginateDescribeInternetGateways,
  paginateDescribeManagedPrefixLists,
  paginateDescribeNatGateways,
  paginateDescribeNetworkAcls,
  paginateDescribeNetworkInterfaces,
  paginateDescribePrefixLists,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeTransitGatewayAttachments,
  paginateDescribeVpcEndpoints,
  paginateDescribeVpcPeeringConnections,
  paginateDescribeVpcs,
  paginateGetManagedPrefixListEntries,
  type EC2ClientConfig,
  type Address,
  type EgressOnlyInternetGateway,
  type Filter,
  type ManagedPrefixList,
  type NatGateway,
  type NetworkInterface,
  type Reservation,
  type _InstanceType,
  type RouteTable,
  type SecurityGroup,
  type TransitGatewayAttachment,
  type Vpc,
  type VpcPeeringConnection,
} from "@aws-sdk/client-ec2";

/** Static credentials or a credentials provider (AwsCredentialIdentity | AwsCredentialIdentityProvider). */
export type AwsCredentials = NonNullable<EC2ClientConfig["credentials"]>;

export interface AwsCollectOptions {
  /** At least one. */
  regions: string[];
  /** Scope: the `vpc-id` filter where the API has one, else the same scope applied to the answer. */
  vpcIds?: string[];
  /** A profile of the standard credential chain (shared config/credentials files). */
  profile?: string;
  /** Endpoint override (tests: the emulator). */
  endpoint?: string;
  /** Explicit credentials; without them the SDK's default chain is used. */
  credentials?: AwsCredentials;
  /** Attempts per call, retries included (the SDK's adaptive retry mode). Default 8. */
  maxAttempts?: number;
  /** How long one attempt may wait for its answer, in ms (see httpTimeouts). Default 60 s. */
  requestTimeoutMs?: number;
  /** Parallel calls per region. Default 4. */
  concurrency?: number;
  onProgress?: (event: { region: string; call: string; done: number; total: number }) => void;
}

/** A call that could not be read: the audit marks what depends on it `unknown`. */
export interface CollectGap {
  region: string;
  /** The EC2 operation, e.g. "DescribeNetworkAcls". */
  call: string;
  /** The IAM action, e.g. "ec2:DescribeNetworkAcls". */
  action: string;
  /** The top-level key it would have filled, e.g. "NetworkAcls". */
  key: string;
  /** The error code, e.g. "UnauthorizedOperation". */
  code: string;
  message: string;
}

export interface AwsSnapshotFile {
  /** Relative, e.g. "us-east-1/SecurityGroups.json". */
  path: string;
  data: Record<string, unknown>;
}

export interface AwsSnapshot {
  files: AwsSnapshotFile[];
  gaps: CollectGap[];
}

/** The top-level key of the gaps file. */
export const GAPS_KEY = "EgressAuditCollectionGaps";

const DEFAULT_MAX_ATTEMPTS = 8;
const DEFAULT_CONCURRENCY = 4;

/** One Describe call: the file it fills and how it is scoped. */
export interface CollectCall {
  /** The EC2 operation name. */
  call: string;
  /** The top-level key of its file. */
  key: string;
  /** The server-side filter used to scope it to the VPCs, or how it is scoped otherwise (documentation). */
  scope: string;
  fetch(client: EC2Client, vpcIds: readonly string[] | undefined): Promise<unknown[]>;
}

/**
 * Paginator settings for every call: stop when a page hands back the token it was asked with. The
 * SDK's paginators follow tokens for as long as pages carry one, so a service that marks its last
 * page that way (some do) would be asked for the same page forever and the run would never end.
 */
function paging(client: EC2Client): { client: EC2Client; stopOnSameToken: true } {
  return { client, stopOnSameToken: true };
}

/** All items of all pages. */
async function drain<P>(
  pages: AsyncIterable<P>,
  pick: (page: P) => readonly unknown[] | undefined,
): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const page of pages) out.push(...(pick(page) ?? []));
  return out;
}

function vpcFilter(name: string, vpcIds: readonly string[] | undefined): Filter[] | undefined {
  return vpcIds && vpcIds.length > 0 ? [{ Name: name, Values: [...vpcIds] }] : undefined;
}

function inScope(vpcIds: readonly string[] | undefined, vpcId: string | undefined): boolean {
  return !vpcIds || vpcIds.length === 0 || (vpcId !== undefined && vpcIds.includes(vpcId));
}

/**
 * The reservations of a scoped run, each instance once (both questions may list it), each listing
 * only its interfaces in the VPCs: an interface in another VPC is outside the run's scope, as an
 * offline --vpc run leaves it out, and that VPC's subnets and groups were not collected, so keeping it
 * would report them missing. An interface whose VPC is not printed is kept.
 */
function scopeReservations(reservations: readonly Reservation[], vpcIds: readonly string[]): Reservation[] {
  const seen = new Set<string>();
  const out: Reservation[] = [];
  for (const r of reservations) {
    const instances = (r.Instances ?? []).flatMap((i) => {
      if (i.InstanceId !== undefined) {
        if (seen.has(i.InstanceId)) return [];
        seen.add(i.InstanceId);
      }
      if (!i.NetworkInterfaces) return [i];
      return [
        { ...i, NetworkInterfaces: i.NetworkInterfaces.filter((n) => !n.VpcId || inScope(vpcIds, n.VpcId)) },
      ];
    });
    if (instances.length > 0 || !r.Instances) out.push({ ...r, Instances: instances });
  }
  return out;
}

/**
 * A region or partition that does not offer an operation (VPC Block Public Access is recent) answers
 * InvalidAction or UnsupportedOperation: the feature cannot be on there, so nothing is missing.
 */
async function unlessUnsupported(fetch: () => Promise<unknown[]>): Promise<unknown[]> {
  try {
    return await fetch();
  } catch (e) {
    const name = (e as { name?: unknown }).name;
    if (name === "InvalidAction" || name === "UnsupportedOperation") return [];
    throw e;
  }
}

/** The Describe calls, in file order. */
export const CALLS: readonly CollectCall[] = [
  {
    call: "DescribeVpcs",
    key: "Vpcs",
    // Not VpcIds: an id that is not in this region (multi-region scope) fails the whole call with
    // InvalidVpcID.NotFound; the filter just matches nothing.
    scope: "filter vpc-id",
    fetch: (client, vpcIds) =>
      drain(paginateDescribeVpcs(paging(client), { Filters: vpcFilter("vpc-id", vpcIds) }), (p) => p.Vpcs),
  },
  {
    call: "DescribeSubnets",
    key: "Subnets",
    scope: "filter vpc-id",
    fetch: (client, vpcIds) =>
      drain(
        paginateDescribeSubnets(paging(client), { Filters: vpcFilter("vpc-id", vpcIds) }),
        (p) => p.Subnets,
      ),
  },
  {
    call: "DescribeRouteTables",
    key: "RouteTables",
    scope: "filter vpc-id",
    fetch: (client, vpcIds) =>
      drain(
        paginateDescribeRouteTables(paging(client), { Filters: vpcFilter("vpc-id", vpcIds) }),
        (p) => p.RouteTables,
      ),
  },
  {
    call: "DescribeNetworkAcls",
    key: "NetworkAcls",
    scope: "filter vpc-id",
    fetch: (client, vpcIds) =>
      drain(
        paginateDescribeNetworkAcls(paging(client), { Filters: vpcFilter("vpc-id", vpcIds) }),
        (p) => p.NetworkAcls,
      ),
  },
  {
    call: "DescribeSecurityGroups",
    key: "SecurityGroups",
    scope: "filter vpc-id",
    fetch: (client, vpcIds) =>
      drain(
        paginateDescribeSecurityGroups(paging(client), { Filters: vpcFilter("vpc-id", vpcIds) }),
        (p) => p.SecurityGroups,
      ),
  },
  {
    call: "DescribeNetworkInterfaces",
    key: "NetworkInterfaces",
    scope: "filter vpc-id",
    fetch: (client, vpcIds) =>
      drain(
        paginateDescribeNetworkInterfaces(paging(client), { Filters: vpcFilter("vpc-id", vpcIds) }),
        (p) => p.NetworkInterfaces,
      ),
  },
  {
    call: "DescribeInstances",
    key: "Reservations",
    scope:
      "filter vpc-id, and again filter network-interface.vpc-id (an instance with an interface in another VPC), each instance once, with only its interfaces in the VPCs",
    fetch: async (client, vpcIds) => {
      const ask = (filter: string): Promise<Reservation[]> =>
        drain(
          paginateDescribeInstances(paging(client), { Filters: vpcFilter(filter, vpcIds) }),
          (p) => p.Reservations,
        ) as Promise<Reservation[]>;
      if (!vpcIds || vpcIds.length === 0) return ask("vpc-id");
      // `vpc-id` is the VPC an instance runs in (its primary interface's); an instance may have
      // further interfaces in other VPCs (multi-VPC attachments), which `network-interface.vpc-id`
      // finds. One question cannot ask both (filters are ANDed).
      const [running, attached] = await Promise.all([ask("vpc-id"), ask("network-interface.vpc-id")]);
      return scopeReservations([...running, ...attached], vpcIds);
    },
  },
  {
    call: "DescribeInternetGateways",
    key: "InternetGateways",
    scope: "filter attachment.vpc-id",
    fetch: (client, vpcIds) =>
      drain(
        paginateDescribeInternetGateways(paging(client), { Filters: vpcFilter("attachment.vpc-id", vpcIds) }),
        (p) => p.InternetGateways,
      ),
  },
  {
    call: "DescribeEgressOnlyInternetGateways",
    key: "EgressOnlyInternetGateways",
    scope: "no VPC filter in the API: all, then those attached to the VPCs",
    fetch: async (client, vpcIds) => {
      const all = (await drain(
        paginateDescribeEgressOnlyInternetGateways(paging(client), {}),
        (p) => p.EgressOnlyInternetGateways,
      )) as EgressOnlyInternetGateway[];
      return all.filter(
        (g) => !vpcIds || vpcIds.length === 0 || (g.Attachments ?? []).some((a) => inScope(vpcIds, a.VpcId)),
      );
    },
  },
  {
    call: "DescribeNatGateways",
    key: "NatGateways",
    scope: "filter vpc-id",
    // This operation's filter list is called `Filter`, not `Filters`.
    fetch: (client, vpcIds) =>
      drain(
        paginateDescribeNatGateways(paging(client), { Filter: vpcFilter("vpc-id", vpcIds) }),
        (p) => p.NatGateways,
      ),
  },
  {
    call: "DescribeAddresses",
    key: "Addresses",
    scope:
      "not paginated, no VPC filter: all, then (scoped) those of the interfaces and instances collected (see scopeAddresses)",
    fetch: async (client) => (await client.send(new DescribeAddressesCommand({}))).Addresses ?? [],
  },
  {
    call: "DescribeByoipCidrs",
    key: "ByoipCidrs",
    scope: "no VPC filter: all (the account's address ranges brought to AWS, whether each is advertised)",
    // MaxResults is required by this operation (5..100).
    fetch: (client) =>
      drain(paginateDescribeByoipCidrs(paging(client), { MaxResults: 100 }), (p) => p.ByoipCidrs),
  },
  {
    call: "DescribeManagedPrefixLists",
    key: "ManagedPrefixLists",
    scope: "no VPC filter: all (entries are fetched for the referenced ones)",
    fetch: (client) => drain(paginateDescribeManagedPrefixLists(paging(client), {}), (p) => p.PrefixLists),
  },
  {
    call: "DescribePrefixLists",
    key: "PrefixLists",
    scope: "no VPC filter: all (AWS service prefix lists with their Cidrs)",
    fetch: (client) => drain(paginateDescribePrefixLists(paging(client), {}), (p) => p.PrefixLists),
  },
  {
    call: "DescribeVpcEndpoints",
    key: "VpcEndpoints",
    scope: "filter vpc-id",
    fetch: (client, vpcIds) =>
      drain(
        paginateDescribeVpcEndpoints(paging(client), { Filters: vpcFilter("vpc-id", vpcIds) }),
        (p) => p.VpcEndpoints,
      ),
  },
  {
    call: "DescribeVpcBlockPublicAccessOptions",
    key: "VpcBlockPublicAccessOptions",
    scope: "the account's settings in the region: one object",
    fetch: (client) =>
      unlessUnsupported(async () => {
        const o = (await client.send(new DescribeVpcBlockPublicAccessOptionsCommand({})))
          .VpcBlockPublicAccessOptions;
        return o ? [o] : [];
      }),
  },
  {
    call: "DescribeVpcBlockPublicAccessExclusions",
    key: "VpcBlockPublicAccessExclusions",
    scope: "no VPC filter: all (exclusions name their VPC or subnet by ARN)",
    fetch: (client) =>
      unlessUnsupported(async () => {
        // No paginator in the SDK for this one: follow NextToken by hand, stopping, as paging() does,
        // at a page that hands back the token it was asked with.
        const out: unknown[] = [];
        let token: string | undefined;
        let asked: string | undefined;
        do {
          asked = token;
          const page = await client.send(
            new DescribeVpcBlockPublicAccessExclusionsCommand({ NextToken: token }),
          );
          out.push(...(page.VpcBlockPublicAccessExclusions ?? []));
          token = page.NextToken;
        } while (token && token !== asked);
        return out;
      }),
  },
  {
    call: "DescribeVpcPeeringConnections",
    key: "VpcPeeringConnections",
    scope: "no vpc-id filter (only per side): all, then those with a VPC on either side",
    fetch: async (client, vpcIds) => {
      const all = (await drain(
        paginateDescribeVpcPeeringConnections(paging(client), {}),
        (p) => p.VpcPeeringConnections,
      )) as VpcPeeringConnection[];
      return all.filter(
        (c) =>
          !vpcIds ||
          vpcIds.length === 0 ||
          inScope(vpcIds, c.AccepterVpcInfo?.VpcId) ||
          inScope(vpcIds, c.RequesterVpcInfo?.VpcId),
      );
    },
  },
  {
    call: "DescribeTransitGatewayAttachments",
    key: "TransitGatewayAttachments",
    scope:
      "no vpc-id filter: all, then every attachment of a transit gateway that one of the VPCs attaches to",
    fetch: async (client, vpcIds) => {
      const all = (await drain(
        paginateDescribeTransitGatewayAttachments(paging(client), {}),
        (p) => p.TransitGatewayAttachments,
      )) as TransitGatewayAttachment[];
      if (!vpcIds || vpcIds.length === 0) return all;
      const tgws = new Set(
        all
          .filter((a) => a.ResourceType === "vpc" && inScope(vpcIds, a.ResourceId))
          .map((a) => a.TransitGatewayId),
      );
      return all.filter((a) => tgws.has(a.TransitGatewayId));
    },
  },
];

const ENTRIES_CALL = "GetManagedPrefixListEntries";
/**
 * Asked once per collected VPC, after the calls above: its enableDnsSupport attribute, stored under
 * `EnableDnsSupport` as a list of what `aws ec2 describe-vpc-attribute` prints for each VPC.
 */
const VPC_ATTRIBUTE_CALL = "DescribeVpcAttribute";
const DNS_SUPPORT_KEY = "EnableDnsSupport";
/**
 * Asked for the instance types of the collected instances, up to 100 per call (the API's limit):
 * whether each is built on the Nitro System, stored under `InstanceTypes` as `aws ec2
 * describe-instance-types` prints it.
 */
const INSTANCE_TYPES_CALL = "DescribeInstanceTypes";
const INSTANCE_TYPES_KEY = "InstanceTypes";
const TYPES_PER_CALL = 100;
/** The operations asked per item of the calls' answers (the IAM policy must allow them too). */
export const FOLLOW_UP_CALLS: readonly string[] = [ENTRIES_CALL, VPC_ATTRIBUTE_CALL, INSTANCE_TYPES_CALL];

// ---------------------------------------------------------------------------------------------------
// Errors

type ErrorKind =
  /** The principal may not call this operation: a gap. */
  | "permission"
  /** The credentials were rejected (AuthFailure and friends): a gap, fatal when every call has it. */
  | "auth"
  /** No credentials could be loaded: fatal when every call has it. */
  | "credentials"
  /** The endpoint could not be reached: fatal when every call has it. */
  | "connection"
  | "other";

interface ErrorInfo {
  kind: ErrorKind;
  code: string;
  message: string;
}

const AUTH_CODES = new Set([
  "AuthFailure",
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "ExpiredToken",
  "RequestExpired",
  "UnrecognizedClientException",
  "OptInRequired",
]);

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "TimeoutError",
  "RequestTimeout",
  "NoAnswer",
]);

function firstLine(text: string): string {
  return (text.split(/\r?\n/).find((l) => l.trim() !== "") ?? text).trim();
}

function describeError(err: unknown): ErrorInfo {
  if (err instanceof AggregateError && err.errors.length > 0 && !(err as { code?: unknown }).code) {
    return describeError(err.errors[0]);
  }
  const e = (typeof err === "object" && err !== null ? err : {}) as {
    name?: unknown;
    code?: unknown;
    Code?: unknown;
    message?: unknown;
  };
  const name = typeof e.name === "string" ? e.name : "Error";
  const code =
    typeof e.Code === "string" && e.Code !== ""
      ? e.Code
      : typeof e.code === "string" && e.code !== ""
        ? e.code
        : name;
  const message = firstLine(typeof e.message === "string" && e.message !== "" ? e.message : String(err));
  let kind: ErrorKind = "other";
  if (
    name === "CredentialsProviderError" ||
    code === "CredentialsProviderError" ||
    name === "TokenProviderError"
  ) {
    kind = "credentials";
  } else if (code === "UnauthorizedOperation" || code.startsWith("AccessDenied")) {
    kind = "permission";
  } else if (AUTH_CODES.has(code)) {
    kind = "auth";
  } else if (CONNECTION_CODES.has(code) || CONNECTION_CODES.has(name)) {
    kind = "connection";
  }
  return { kind, code, message };
}

/**
 * "AWS credentials not found: ..." where `err` is the SDK's failure to find credentials (which no
 * service or region has a part in), so every live command says it alike; undefined for other errors.
 */
export function credentialsNotFound(err: unknown): string | undefined {
  const info = describeError(err);
  return info.kind === "credentials" ? fatalMessage("", info) : undefined;
}

function fatalMessage(region: string, info: ErrorInfo): string {
  switch (info.kind) {
    case "credentials":
      return `AWS credentials not found: ${info.message}`;
    case "auth":
      return `AWS credentials rejected by EC2 in ${region}: ${info.code}: ${info.message}`;
    case "connection":
      return `cannot reach EC2 in ${region}: ${info.code}: ${info.message}`;
    case "permission":
      return `not authorized for EC2 in ${region}: ${info.code}: ${info.message}`;
    default:
      return `EC2 call failed in ${region}: ${info.code}: ${info.message}`;
  }
}

function isFatalKind(kind: ErrorKind): boolean {
  return kind === "credentials" || kind === "auth" || kind === "connection";
}

// ---------------------------------------------------------------------------------------------------
// Plumbing

/**
 * Timeouts for each attempt. The SDK's own defaults wait forever for a connection that was accepted
 * and never answered (a proxy or firewall that drops packets), which would hang a nightly job with no
 * word; and since @smithy/node-http-handler 4.4 a request timeout only warns unless told to throw.
 * A timed-out attempt is retried once (see limitTimedOutRetries), then the call becomes a gap.
 */
export function httpTimeouts(requestTimeoutMs = 60_000): {
  connectionTimeout: number;
  requestTimeout: number;
  throwOnRequestTimeout: true;
} {
  return { connectionTimeout: 10_000, requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true };
}

/** How many times an attempt that got no answer in time is retried (other failures: up to maxAttempts). */
export const TIMED_OUT_RETRIES = 1;

/**
 * Bounds a call that never answers: the SDK retries a timed-out attempt as it does throttling, up to
 * maxAttempts (8: with 60 s per attempt, some eight minutes for one call). Between the retry step and
 * each attempt, this counts the call's timed-out attempts and, past TIMED_OUT_RETRIES retries, ends the
 * call with an error the SDK does not retry (named NoAnswer, a connection failure to the collector).
 * Throttling and server errors keep their retries.
 */
export function limitTimedOutRetries(client: { middlewareStack: RelativeStack }): { answered: boolean } {
  /** Whether any attempt of any call through this client got an answer (see collectRegion). */
  const heard = { answered: false };
  const middleware = (next: (args: unknown) => Promise<unknown>) => {
    let timedOut = 0; // one handler per call: its attempts go through it
    return async (args: unknown) => {
      try {
        const out = await next(args);
        heard.answered = true;
        return out;
      } catch (err) {
        // An error the service sent (throttling, a denial) is an answer too.
        if (hasStatus(err)) heard.answered = true;
        if (!isTimeout(err) || ++timedOut <= TIMED_OUT_RETRIES) throw err;
        // No cause, no code, no $metadata: nothing the SDK's classification reads as transient.
        throw Object.assign(
          new Error(`${timedOut} attempts got no answer in time (${(err as Error).message})`),
          {
            name: "NoAnswer",
          },
        );
      }
    };
  };
  client.middlewareStack.addRelativeTo(middleware as never, {
    relation: "after",
    toMiddleware: "retryMiddleware",
    name: "egressAuditTimedOutRetries",
  });
  return heard;
}

function hasStatus(err: unknown): boolean {
  const meta = (err as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata;
  return typeof meta?.httpStatusCode === "number";
}

/** What limitTimedOutRetries needs of a client's middleware stack (EC2's, EKS's). */
interface RelativeStack {
  // The SDK's middleware types are per client (its input and output unions): any one's will do.
  addRelativeTo(middleware: never, options: { relation: "after"; toMiddleware: string; name: string }): void;
}

function isTimeout(err: unknown): boolean {
  const e = (typeof err === "object" && err !== null ? err : {}) as { name?: unknown; code?: unknown };
  return e.name === "TimeoutError" || e.code === "ETIMEDOUT";
}

function makeClient(
  region: string,
  opts: Omit<AwsCollectOptions, "regions">,
): { client: EC2Client; heard: { answered: boolean } } {
  const client = new EC2Client({
    region,
    retryMode: "adaptive",
    maxAttempts: opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestHandler: httpTimeouts(opts.requestTimeoutMs),
    ...(opts.endpoint !== undefined ? { endpoint: opts.endpoint } : {}),
    ...(opts.credentials !== undefined ? { credentials: opts.credentials } : {}),
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
  });
  return { client, heard: limitTimedOutRetries(client) };
}

/** At most `limit` tasks at once. */
function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    while (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/** Plain JSON: Dates become ISO strings, undefined members disappear. */
function plain(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

/** The managed prefix lists that the collected security group rules and routes reference. */
function referencedPrefixLists(results: Map<string, unknown[]>): Set<string> | undefined {
  const groups = results.get("SecurityGroups") as SecurityGroup[] | undefined;
  const tables = results.get("RouteTables") as RouteTable[] | undefined;
  if (!groups || !tables) return undefined; // not known: fetch entries for every list
  const ids = new Set<string>();
  for (const g of groups) {
    for (const p of [...(g.IpPermissions ?? []), ...(g.IpPermissionsEgress ?? [])]) {
      for (const pl of p.PrefixListIds ?? []) if (pl.PrefixListId) ids.add(pl.PrefixListId);
    }
  }
  for (const t of tables) {
    for (const r of t.Routes ?? []) if (r.DestinationPrefixListId) ids.add(r.DestinationPrefixListId);
  }
  return ids;
}

/**
 * A scoped run keeps the Elastic IPs of the interfaces (and instances) it collected, those of its
 * VPCs: DescribeAddresses has no VPC filter, and an address of an interface elsewhere would read as
 * one whose interface is missing from the input, on every run. An interface the run could not list
 * (its call failed: a gap) is not a source either, so its address would decide nothing.
 */
function scopeAddresses(results: Map<string, unknown[]>): void {
  const addresses = results.get("Addresses") as Address[] | undefined;
  if (!addresses) return;
  const interfaces = new Set<string>();
  const instances = new Set<string>();
  for (const n of (results.get("NetworkInterfaces") ?? []) as NetworkInterface[])
    if (n.NetworkInterfaceId) interfaces.add(n.NetworkInterfaceId);
  for (const r of (results.get("Reservations") ?? []) as Reservation[])
    for (const i of r.Instances ?? []) {
      if (i.InstanceId) instances.add(i.InstanceId);
      for (const n of i.NetworkInterfaces ?? [])
        if (n.NetworkInterfaceId) interfaces.add(n.NetworkInterfaceId);
    }
  for (const g of (results.get("NatGateways") ?? []) as NatGateway[])
    for (const a of g.NatGatewayAddresses ?? [])
      if (a.NetworkInterfaceId) interfaces.add(a.NetworkInterfaceId);
  results.set(
    "Addresses",
    addresses.filter((a) =>
      a.NetworkInterfaceId
        ? interfaces.has(a.NetworkInterfaceId)
        : !!a.InstanceId && instances.has(a.InstanceId),
    ),
  );
}

interface RegionResult {
  files: AwsSnapshotFile[];
  gaps: CollectGap[];
  calls: number;
  /** The failures whose kind is fatal if every call has one. */
  fatal: ErrorInfo[];
}

async function collectRegion(region: string, opts: AwsCollectOptions): Promise<RegionResult> {
  const { client, heard } = makeClient(region, opts);
  const run = limiter(Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY));
  const vpcIds = opts.vpcIds && opts.vpcIds.length > 0 ? [...new Set(opts.vpcIds)] : undefined;
  const results = new Map<string, unknown[]>();
  const gaps: CollectGap[] = [];
  const fatal: ErrorInfo[] = [];
  let calls = 0;
  let done = 0;
  let total = CALLS.length;

  const fail = (call: string, key: string, err: unknown, subject?: string, kind?: ErrorKind): void => {
    const info = describeError(err);
    if (kind) info.kind = kind;
    if (info.kind === "credentials" && info.code === "Error") info.code = "CredentialsProviderError";
    if (isFatalKind(info.kind)) fatal.push(info);
    const message = subject ? `${subject}: ${info.message}` : info.message;
    gaps.push({ region, call, action: `ec2:${call}`, key, code: info.code, message });
  };
  const progress = (call: string): void => {
    done++;
    opts.onProgress?.({ region, call, done, total });
  };

  try {
    // Resolve the credentials once, before the calls: without them every call would walk the whole
    // default chain (files, SSO, container and instance metadata) again.
    try {
      await client.config.credentials();
    } catch (err) {
      for (const spec of CALLS) {
        calls++;
        fail(spec.call, spec.key, err, undefined, "credentials");
        progress(spec.call);
      }
      return finish(region, results, gaps, calls, fatal);
    }
    // An endpoint that never answers: once a call has timed out on every attempt it was given while
    // no attempt of any call of the region has been answered at all (a page, a throttling reply or a
    // denial is an answer: `heard`), the calls not yet asked are not (each is a gap saying so), instead
    // of each waiting out its own attempts.
    let silent: Error | undefined;
    await Promise.all(
      CALLS.map((spec) =>
        run(async () => {
          calls++;
          try {
            if (silent) throw silent;
            results.set(spec.key, await spec.fetch(client, vpcIds));
          } catch (err) {
            const info = describeError(err);
            if (info.code === "NoAnswer" && !heard.answered && !silent)
              silent = Object.assign(
                new Error(
                  `not asked: ${spec.call} got no answer in ${region}, where no call had been answered (${info.message})`,
                ),
                { name: "NoAnswer" },
              );
            fail(spec.call, spec.key, err);
          }
          progress(spec.call);
        }),
      ),
    );

    if (vpcIds) scopeAddresses(results);

    // Calls asked once per item of an answer (a referenced prefix list, a VPC), after the calls
    // above and through the same limit; a failure is a gap naming its item.
    const perItem = <T>(
      call: string,
      key: string,
      items: readonly T[],
      subject: (item: T) => string | undefined,
      ask: (item: T, index: number) => Promise<void>,
    ): Promise<unknown> => {
      total += items.length;
      return Promise.all(
        items.map((item, i) =>
          run(async () => {
            calls++;
            try {
              await ask(item, i);
            } catch (err) {
              fail(call, key, err, subject(item));
            }
            progress(call);
          }),
        ),
      );
    };
    const lists = results.get("ManagedPrefixLists") as
      (ManagedPrefixList & { Entries?: unknown[] })[] | undefined;
    if (lists) {
      const wanted = referencedPrefixLists(results);
      const targets = lists.filter((l) => l.PrefixListId && (!wanted || wanted.has(l.PrefixListId)));
      await perItem(
        ENTRIES_CALL,
        "ManagedPrefixLists",
        targets,
        (list) => list.PrefixListId,
        async (list) => {
          list.Entries = await drain(
            paginateGetManagedPrefixListEntries(paging(client), { PrefixListId: list.PrefixListId }),
            (p) => p.Entries,
          );
        },
      );
    }
    const vpcs = results.get("Vpcs") as Vpc[] | undefined;
    if (vpcs) {
      const ids = vpcs.flatMap((v) => (v.VpcId ? [v.VpcId] : []));
      // In VPC order, whichever answer comes first; a VPC whose call failed has none.
      const attributes: unknown[] = [];
      await perItem(
        VPC_ATTRIBUTE_CALL,
        DNS_SUPPORT_KEY,
        ids,
        (VpcId) => VpcId,
        async (VpcId, i) => {
          const a = await client.send(
            new DescribeVpcAttributeCommand({ VpcId, Attribute: "enableDnsSupport" }),
          );
          attributes[i] = { VpcId: a.VpcId ?? VpcId, EnableDnsSupport: a.EnableDnsSupport ?? null };
        },
      );
      results.set(
        DNS_SUPPORT_KEY,
        attributes.filter((a) => a !== undefined),
      );
    }
    const reservations = results.get("Reservations") as Reservation[] | undefined;
    if (reservations) {
      const names = [
        ...new Set(reservations.flatMap((r) => (r.Instances ?? []).flatMap((i) => i.InstanceType ?? []))),
      ].sort();
      const batches: string[][] = [];
      for (let k = 0; k < names.length; k += TYPES_PER_CALL) batches.push(names.slice(k, k + TYPES_PER_CALL));
      // In type name order, whichever answer comes first; a batch whose call failed has none.
      const infos: unknown[][] = [];
      await perItem(
        INSTANCE_TYPES_CALL,
        INSTANCE_TYPES_KEY,
        batches,
        (batch) => batch.join(", "),
        async (batch, i) => {
          infos[i] = await drain(
            paginateDescribeInstanceTypes(paging(client), { InstanceTypes: batch as _InstanceType[] }),
            (p) => p.InstanceTypes,
          );
        },
      );
      results.set(INSTANCE_TYPES_KEY, infos.flat());
    }
  } finally {
    client.destroy();
  }
  return finish(region, results, gaps, calls, fatal);
}

function finish(
  region: string,
  results: Map<string, unknown[]>,
  gaps: CollectGap[],
  calls: number,
  fatal: ErrorInfo[],
): RegionResult {
  // Completion order varies: keep the gaps in call order, so snapshots are reproducible.
  const order = (call: string): number => {
    const i = CALLS.findIndex((c) => c.call === call);
    return i < 0 ? CALLS.length : i;
  };
  gaps.sort((a, b) => order(a.call) - order(b.call) || a.message.localeCompare(b.message));
  const files: AwsSnapshotFile[] = [];
  for (const key of [...CALLS.map((c) => c.key), DNS_SUPPORT_KEY, INSTANCE_TYPES_KEY]) {
    const items = results.get(key);
    if (items) files.push({ path: `${region}/${key}.json`, data: plain({ [key]: items }) });
  }
  if (gaps.length > 0) files.push({ path: `${region}/${GAPS_KEY}.json`, data: plain({ [GAPS_KEY]: gaps }) });
  return { files, gaps, calls, fatal };
}

// ---------------------------------------------------------------------------------------------------
// API

/**
 * Collects the EC2 network configuration of each region. A call that fails (permissions, throttling
 * beyond the SDK's retries, any other error) becomes a gap, never an abort; the only error thrown is
 * when every call of every region failed for want of credentials or of a connection.
 */
export async function collectAws(opts: AwsCollectOptions): Promise<AwsSnapshot> {
  const regions = [...new Set(opts.regions)];
  if (regions.length === 0) throw new Error("no AWS region given");
  const results = await Promise.all(regions.map((region) => collectRegion(region, opts)));
  const calls = results.reduce((n, r) => n + r.calls, 0);
  const fatal = results.reduce((n, r) => n + r.fatal.length, 0);
  if (calls > 0 && fatal === calls) {
    const i = results.findIndex((r) => r.fatal.length > 0);
    const first = results[i]?.fatal[0];
    if (first) throw new Error(fatalMessage(regions[i] ?? "", first));
  }
  return { files: results.flatMap((r) => r.files), gaps: results.flatMap((r) => r.gaps) };
}

/**
 * The region the SDK's own chain gives when none is passed: AWS_REGION, else the `region` of the
 * profile in the shared config file (~/.aws/config), as the AWS CLI uses it.
 */
export async function configuredRegion(profile?: string): Promise<string | undefined> {
  const client = new EC2Client(profile !== undefined ? { profile } : {});
  try {
    return (await client.config.region()) || undefined;
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
}

/** The regions enabled for the account (DescribeRegions), sorted; for --all-regions. */
export async function listRegions(
  opts: Omit<AwsCollectOptions, "regions"> & { region: string },
): Promise<string[]> {
  const { client } = makeClient(opts.region, opts);
  try {
    const out = await client.send(new DescribeRegionsCommand({}));
    return (out.Regions ?? [])
      .map((r) => r.RegionName)
      .filter((n): n is string => typeof n === "string" && n !== "")
      .sort();
  } catch (err) {
    const info = describeError(err);
    const message =
      info.kind === "other" || info.kind === "permission"
        ? `cannot list AWS regions (ec2:DescribeRegions in ${opts.region}): ${info.code}: ${info.message}`
        : fatalMessage(opts.region, info);
    throw new Error(message, { cause: err });
  } finally {
    client.destroy();
  }
}
