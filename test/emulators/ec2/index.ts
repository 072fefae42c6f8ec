// A wire-level emulator of the EC2 Query API for tests: plain node:http on 127.0.0.1, form-encoded
// requests in, EC2's XML out, so the real @aws-sdk/client-ec2 exercises its serialiser, paginators,
// XML parser, error handling and retry strategy against it.
//
// Generic over operations: any action whose schema @aws-sdk/client-ec2 exports answers from the data
// under the top-level key of its output's list member (DescribeSecurityGroups -> SecurityGroups), or
// of its one struct member, answered with the first item stored there (a region's settings),
// except DescribeManagedPrefixLists (-> ManagedPrefixLists, egress-audit's key, because
// DescribePrefixLists also answers `PrefixLists`), GetManagedPrefixListEntries (-> the `Entries` that
// egress-audit stores in each ManagedPrefixLists item), DescribeVpcAttribute and DescribeInstanceTypes
// (see their functions below).
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { getOperation, type MemberRef, type Operation } from "./schema.js";
import { decodeQuery, encodeMembers, escapeXml } from "./wire.js";

export interface Ec2EmulatorOptions {
  /** Every *.json below this folder (recursively), indexed by top-level key, e.g. Batfish's aws_configs. */
  dataDir?: string;
  /** Items by top-level key, e.g. { SecurityGroups: [...] }; added after dataDir's. */
  data?: Record<string, unknown[]>;
  /**
   * The region the data is in: requests signed (SigV4) for another region are answered as from a
   * region with nothing in it. Without it, every region answers with the data.
   */
  region?: string;
  /** Server-side page size: caps MaxResults, and pages even when the client sends none. */
  pageSize?: number;
  /** Answer RequestLimitExceeded (HTTP 503) to the first N requests and/or every Nth request. */
  throttle?: { everyNth?: number; firstN?: number };
  /** Operation names answering UnauthorizedOperation (HTTP 403). */
  deny?: string[];
  /** Operation names answering the given error every time, e.g. { DescribeSubnets: { status: 500, code: "InternalError" } }. */
  fail?: Record<string, { status: number; code: string; message?: string }>;
  /**
   * Operation names whose last page carries the token it was asked with instead of none (how some
   * services end a list): a client that follows tokens blindly asks for that page forever.
   */
  repeatLastToken?: string[];
  /** Operation names never answered: the request is read and left open (a network that drops packets). */
  hang?: string[];
  /** Answer every request AuthFailure (HTTP 401), as EC2 does for credentials it cannot validate. */
  rejectCredentials?: boolean;
}

export interface Ec2EmulatorRequest {
  action: string;
  params: Record<string, string>;
}

export interface Ec2Emulator {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  /** Every request received, throttled and denied ones included, in arrival order. */
  requests: Ec2EmulatorRequest[];
  close(): Promise<void>;
}

const XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/";

/** Data keys that differ from the output member's name. */
const DATA_KEY: Record<string, string> = {
  DescribeManagedPrefixLists: "ManagedPrefixLists",
};

/** Instance families of the Xen generation (the emulator's coarse catalogue, see instanceTypes). */
const XEN_FAMILIES = new Set([
  "t1",
  "t2",
  "m1",
  "m2",
  "m3",
  "m4",
  "c1",
  "c3",
  "c4",
  "r3",
  "r4",
  "i2",
  "i3",
  "d2",
  "x1",
]);

class Ec2Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads every *.json below dir and indexes the array values of its top-level keys. */
export function loadDataDir(dir: string): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".json"))
    .sort();
  for (const file of files) {
    const doc: unknown = JSON.parse(readFileSync(join(dir, file), "utf8"));
    if (!isRecord(doc)) continue;
    // What `aws ec2 describe-vpc-attribute --attribute enableDnsSupport` prints: one VPC's, beside its id.
    if (typeof doc.VpcId === "string" && isRecord(doc.EnableDnsSupport)) {
      (out.EnableDnsSupport ??= []).push(doc);
      continue;
    }
    for (const [key, value] of Object.entries(doc)) {
      if (Array.isArray(value)) (out[key] ??= []).push(...(value as unknown[]));
      // A setting the CLI prints as one object (describe-vpc-block-public-access-options).
      else if (isRecord(value) && key === "VpcBlockPublicAccessOptions") (out[key] ??= []).push(value);
    }
  }
  return out;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((v) => typeof v === "string") ? value : undefined;
}

interface Selector {
  filters: Array<{ name: string; values: string[] }>;
  /** Id lists from the input, by the item field they select on: VpcIds -> VpcId. */
  ids: Array<{ field: string; values: string[] }>;
}

function selector(input: Record<string, unknown>): Selector {
  const filters: Selector["filters"] = [];
  // Most operations call the list `Filters`; DescribeNatGateways calls it `Filter`.
  for (const list of [input.Filters, input.Filter]) {
    if (!Array.isArray(list)) continue;
    for (const f of list as unknown[]) {
      if (isRecord(f) && typeof f.Name === "string") {
        filters.push({ name: f.Name, values: stringList(f.Values) ?? [] });
      }
    }
  }
  const ids: Selector["ids"] = [];
  for (const [name, value] of Object.entries(input)) {
    const values = stringList(value);
    if (name.endsWith("Ids") && values) ids.push({ field: name.slice(0, -1), values });
  }
  return { filters, ids };
}

function matches(item: unknown, sel: Selector): boolean {
  if (!isRecord(item)) return true;
  for (const f of sel.filters) {
    if (f.name === "vpc-id") {
      if (typeof item.VpcId !== "string" || !f.values.includes(item.VpcId)) return false;
    } else if (f.name === "attachment.vpc-id") {
      const attachments = Array.isArray(item.Attachments) ? (item.Attachments as unknown[]) : [];
      const hit = attachments.some(
        (a) => isRecord(a) && typeof a.VpcId === "string" && f.values.includes(a.VpcId),
      );
      if (!hit) return false;
    } else if (f.name === "network-interface.vpc-id") {
      // An instance's interfaces, each in its own VPC (multi-VPC attachments): any of them.
      const enis = Array.isArray(item.NetworkInterfaces) ? (item.NetworkInterfaces as unknown[]) : [];
      if (!enis.some((n) => isRecord(n) && typeof n.VpcId === "string" && f.values.includes(n.VpcId)))
        return false;
    }
    // Other filters are not emulated: they match everything.
  }
  for (const { field, values } of sel.ids) {
    const v = item[field];
    if (typeof v === "string" && !values.includes(v)) return false;
  }
  return true;
}

/** Filters apply to the instances of a reservation; a reservation without matching instances is dropped. */
function select(key: string, items: unknown[], sel: Selector): unknown[] {
  if (key !== "Reservations") return items.filter((item) => matches(item, sel));
  const out: unknown[] = [];
  for (const r of items) {
    if (!isRecord(r) || !Array.isArray(r.Instances)) continue;
    const instances = (r.Instances as unknown[]).filter((i) => matches(i, sel));
    if (instances.length > 0) out.push({ ...r, Instances: instances });
  }
  return out;
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), "utf8").toString("base64url");
}

function decodeToken(token: string): number {
  try {
    const v: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    if (isRecord(v) && typeof v.offset === "number" && Number.isInteger(v.offset) && v.offset >= 0)
      return v.offset;
  } catch {
    // fall through
  }
  throw new Ec2Error(400, "InvalidNextToken", `The token '${token}' is invalid.`);
}

function errorXml(code: string, message: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors>` +
    `<RequestID>${randomUUID()}</RequestID></Response>`
  );
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function startEc2Emulator(opts: Ec2EmulatorOptions = {}): Promise<Ec2Emulator> {
  const data: Record<string, unknown[]> = opts.dataDir ? loadDataDir(opts.dataDir) : {};
  for (const [key, items] of Object.entries(opts.data ?? {}))
    if (key === "VpcBlockPublicAccessOptions" || key === "EnableDnsSupport")
      data[key] = [...items]; // a setting replaces the folder's (the region's; the VPCs' attribute)
    else (data[key] ??= []).push(...items);
  const requests: Ec2EmulatorRequest[] = [];
  const deny = new Set(opts.deny ?? []);
  let count = 0;

  /** The output's list member, or (for settings such as DescribeVpcBlockPublicAccessOptions) its one struct. */
  function listMember(op: Operation): MemberRef {
    const members = op.output.members ?? [];
    const m =
      members.find((x) => x.shape().kind === "list") ?? members.find((x) => x.shape().kind === "struct");
    if (!m)
      throw new Ec2Error(400, "InvalidAction", `The action ${op.name} is not supported by this emulator.`);
    return m;
  }

  function itemsFor(
    data: Record<string, unknown[]>,
    op: Operation,
    key: string,
    input: Record<string, unknown>,
  ): unknown[] {
    if (op.name === "GetManagedPrefixListEntries") {
      const id = input.PrefixListId;
      const list = (data.ManagedPrefixLists ?? []).find((p) => isRecord(p) && p.PrefixListId === id);
      if (!isRecord(list)) {
        throw new Ec2Error(
          400,
          "InvalidPrefixListID.NotFound",
          `The prefix list ID '${String(id)}' does not exist`,
        );
      }
      return Array.isArray(list.Entries) ? (list.Entries as unknown[]) : [];
    }
    if (op.name === "DescribeInstanceTypes") return instanceTypes(data, input);
    const all = data[DATA_KEY[op.name] ?? key] ?? [];
    // As EC2 does, an explicit VPC id that does not exist fails the whole DescribeVpcs call.
    const missing =
      op.name === "DescribeVpcs"
        ? stringList(input.VpcIds)?.find((id) => !all.some((v) => isRecord(v) && v.VpcId === id))
        : undefined;
    if (missing !== undefined)
      throw new Ec2Error(400, "InvalidVpcID.NotFound", `The vpc ID '${missing}' does not exist`);
    return select(key, all, selector(input));
  }

  /**
   * DescribeVpcAttribute answers one attribute of one VPC, from the items stored under the attribute's
   * output member (EnableDnsSupport: {VpcId, EnableDnsSupport: {Value}}, as the CLI prints them); a VPC
   * without one has the AWS default, true.
   */
  function vpcAttribute(data: Record<string, unknown[]>, input: Record<string, unknown>): unknown[] {
    const id = input.VpcId;
    if (!(data.Vpcs ?? []).some((v) => isRecord(v) && v.VpcId === id))
      throw new Ec2Error(400, "InvalidVpcID.NotFound", `The vpc ID '${String(id)}' does not exist`);
    const attr = String(input.Attribute);
    const member = attr.charAt(0).toUpperCase() + attr.slice(1);
    const stored = (data[member] ?? []).find((a) => isRecord(a) && a.VpcId === id);
    return [isRecord(stored) ? stored : { VpcId: id, [member]: { Value: true } }];
  }

  /**
   * DescribeInstanceTypes answers the asked types (all stored ones when none is asked): the item stored
   * under InstanceTypes, else what EC2's catalogue says, modelled coarsely (XEN_FAMILIES; `.metal`
   * types are bare metal, without a hypervisor; every other type is Nitro-based).
   */
  function instanceTypes(data: Record<string, unknown[]>, input: Record<string, unknown>): unknown[] {
    const stored = (data.InstanceTypes ?? []).filter(isRecord);
    const asked = stringList(input.InstanceTypes);
    if (!asked) return stored;
    return asked.map((name) => {
      const item = stored.find((t) => t.InstanceType === name);
      if (item) return item;
      const [family, size] = name.split(".");
      if (size === "metal") return { InstanceType: name, BareMetal: true };
      return {
        InstanceType: name,
        BareMetal: false,
        Hypervisor: XEN_FAMILIES.has(family ?? "") ? "xen" : "nitro",
      };
    });
  }

  function answer(data: Record<string, unknown[]>, action: string, params: Map<string, string>): string {
    const op = getOperation(action);
    if (!op)
      throw new Ec2Error(400, "InvalidAction", `The action ${action} is not valid for this web service.`);
    const decoded = decodeQuery(op.input, params);
    const input = isRecord(decoded) ? decoded : {};
    if (op.name === "DescribeVpcAttribute") {
      // Several members (the VPC id and the asked attribute), not one list or struct.
      const body = encodeMembers(op.output, vpcAttribute(data, input)[0] as Record<string, unknown>);
      return (
        `<?xml version="1.0" encoding="UTF-8"?>\n` +
        `<${action}Response xmlns="${XMLNS}"><requestId>${randomUUID()}</requestId>${body}</${action}Response>`
      );
    }
    const member = listMember(op);
    const all = itemsFor(data, op, member.name, input);
    const output: Record<string, unknown> = {};
    const paginated = (op.output.members ?? []).some((m) => m.name === "NextToken");
    if (member.shape().kind === "struct") {
      // One object: the first item stored under its key, if any.
      if (all.length > 0) output[member.name] = all[0];
    } else if (paginated) {
      const offset = typeof input.NextToken === "string" ? decodeToken(input.NextToken) : 0;
      const max = typeof input.MaxResults === "number" && input.MaxResults > 0 ? input.MaxResults : Infinity;
      const size = Math.min(max, opts.pageSize ?? Infinity);
      const end = Math.min(all.length, offset + size);
      output[member.name] = all.slice(offset, end);
      if (end < all.length) output.NextToken = encodeToken(end);
      else if (typeof input.NextToken === "string" && opts.repeatLastToken?.includes(op.name))
        output.NextToken = input.NextToken;
    } else {
      output[member.name] = all;
    }
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n` +
      `<${action}Response xmlns="${XMLNS}"><requestId>${randomUUID()}</requestId>` +
      `${encodeMembers(op.output, output)}</${action}Response>`
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const params = new Map<string, string>(url.searchParams);
    if (req.method === "POST")
      for (const [k, v] of new URLSearchParams(await readBody(req))) params.set(k, v);
    const action = params.get("Action") ?? "";
    requests.push({ action, params: Object.fromEntries(params) });
    if (opts.hang?.includes(action)) return;
    const n = ++count;
    let status = 200;
    let body: string;
    try {
      const t = opts.throttle;
      if (
        t &&
        ((t.firstN !== undefined && n <= t.firstN) || (t.everyNth !== undefined && n % t.everyNth === 0))
      ) {
        throw new Ec2Error(503, "RequestLimitExceeded", "Request limit exceeded.");
      }
      if (opts.rejectCredentials) {
        throw new Ec2Error(
          401,
          "AuthFailure",
          "AWS was not able to validate the provided access credentials",
        );
      }
      if (action === "")
        throw new Ec2Error(400, "MissingAction", "The request must contain the parameter Action.");
      if (deny.has(action)) {
        throw new Ec2Error(403, "UnauthorizedOperation", "You are not authorized to perform this operation.");
      }
      const failure = opts.fail?.[action];
      if (failure)
        throw new Ec2Error(failure.status, failure.code, failure.message ?? `${failure.code} (injected)`);
      const region = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(req.headers.authorization ?? "")?.[1];
      body = answer(opts.region === undefined || region === opts.region ? data : {}, action, params);
    } catch (err) {
      const e = err instanceof Ec2Error ? err : new Ec2Error(500, "InternalError", String(err));
      status = e.status;
      body = errorXml(e.code, e.message);
    }
    res.writeHead(status, {
      "content-type": "text/xml;charset=UTF-8",
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
