// Recognises `aws ec2 describe-*` documents by their top-level keys (never by file name) and validates
// every item the audit reads. Items keep where they came from, so later errors can name file and path.
import { isDeepStrictEqual } from "node:util";
import type { ErrorObject, ValidateFunction } from "ajv";
import { InputError, jsonPath } from "../../model/errors.js";
import { innerSet } from "../../model/maps.js";
import type { SourceDocument } from "../../model/document.js";
import { regionOfZone } from "./context.js";
import type { AwsKey, RawOf } from "./raw.js";
import * as validators from "./validators.generated.js";

export interface Located<T> {
  item: T;
  file: string;
  path: (string | number)[];
}

export type AwsRaw = { [K in AwsKey]: Located<RawOf<K>>[] } & {
  /** The keys that appeared in the input at all (absent keys make what depends on them unknown). */
  present: Set<AwsKey>;
  /**
   * The files each present key appeared in (an empty list too: "read, none" is not "not read"), for
   * what is per account and region and cannot say so itself (describe-byoip-cidrs' empty answer).
   */
  presentIn: Map<AwsKey, Set<string>>;
};

/** Every key the reader understands, in raw.ts order (from the generated module: no zod at run time). */
const KEYS = (validators as unknown as { AWS_KEY_ORDER: AwsKey[] }).AWS_KEY_ORDER;

/** The fields raw.ts declares for an item, as a tree (lists are transparent; 1 marks a value). */
type Declared = 1 | { [field: string]: Declared };
const DECLARED = (validators as unknown as { AWS_DECLARED: Record<AwsKey, Declared> }).AWS_DECLARED;

/**
 * What the audit reads of an item: its declared fields, without tags (names, not verdicts) and with
 * null as absent. Two descriptions of one resource that agree on this are the same resource to the
 * audit, whatever else differs (counts of free addresses, timestamps, another account's tags on a
 * shared subnet).
 */
function readPart(value: unknown, fields: Declared): unknown {
  if (fields === 1 || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => readPart(v, fields));
  const out: Record<string, unknown> = {};
  for (const [k, sub] of Object.entries(fields)) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined && v !== null && k !== "Tags" && k !== "TagSet") out[k] = readPart(v, sub);
  }
  return out;
}

export function emptyAwsRaw(): AwsRaw {
  const raw = { present: new Set<AwsKey>(), presentIn: new Map() } as AwsRaw;
  for (const k of KEYS) (raw as Record<AwsKey, unknown[]>)[k] = [];
  return raw;
}

// The zod schemas in raw.ts are the single description of the input; for speed at quota scale (tens of
// MB) they are compiled into ajv validators (JSON Schema) ahead of time (scripts/aws-validators.ts,
// kept in step by a test), which check a whole list in one call without copying it.
function validatorFor(key: AwsKey): ValidateFunction {
  return (validators as unknown as Record<AwsKey, ValidateFunction>)[key];
}

function kindOf(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

/** One line for the first validation error, and where it is (relative to the list). */
function describe(err: ErrorObject, list: unknown): { path: (string | number)[]; message: string } {
  const path = err.instancePath
    .split("/")
    .slice(1)
    .map((p) => p.replaceAll("~1", "/").replaceAll("~0", "~"))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  let value: unknown = list;
  for (const p of path) value = (value as Record<string | number, unknown> | undefined)?.[p];
  const params = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case "type": {
      // Optional fields also take null (= absent): not worth saying in the error.
      const types = String(params.type)
        .split(",")
        .filter((t) => t !== "null");
      return { path, message: `expected ${types.join(" or ")}, received ${kindOf(value)}` };
    }
    case "required":
      return {
        path: [...path, String(params.missingProperty)],
        message: "expected a value, received undefined",
      };
    case "enum":
      return {
        path,
        message: `expected one of ${(params.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(", ")}, received ${JSON.stringify(value)}`,
      };
    case "minimum":
    case "maximum":
      return {
        path,
        // (String: JSON.stringify says "null" for Infinity, which a 1e400 in the file parses to.)
        message: `expected a number ${String(params.comparison)} ${String(params.limit)}, received ${typeof value === "number" ? String(value) : JSON.stringify(value)}`,
      };
    case "anyOf":
      return { path, message: `expected string or number, received ${kindOf(value)}` };
    default:
      return { path, message: err.message ?? "invalid value" };
  }
}

/**
 * `aws eks describe-cluster` prints one object under `cluster`; it is read as a one-item EksClusters list.
 * Other AWS CLIs print a top-level `cluster` too (`aws ecs create-cluster`): EKS's has resourcesVpcConfig
 * or an EKS ARN. One known by its ARN alone is still EKS's and is validated (resourcesVpcConfig is
 * required there): passed over, `--cluster` would audit fewer sources without a word.
 */
function asEksCluster(data: object): unknown[] | undefined {
  const c = (data as { cluster?: unknown }).cluster;
  if (typeof c !== "object" || c === null) return undefined;
  const arn = (c as { arn?: unknown }).arn;
  return "resourcesVpcConfig" in c || (typeof arn === "string" && arn.includes(":eks:")) ? [c] : undefined;
}

const isObject = (v: unknown): v is object => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Keys whose value may be the one object a describe command prints, not a list: the region's VPC
 * Block Public Access options, and a VPC's DNS support attribute (read as the whole document: the VPC
 * id is beside the value, which may be null as tools on the Go or Java SDKs print an absent one).
 * Each says where the object is in the document, if it holds one.
 */
type Found = { item: unknown; path: string[] } | undefined;
const OBJECT_VALUED: Partial<Record<AwsKey, (doc: Record<string, unknown>) => Found>> = {
  VpcBlockPublicAccessOptions: (doc) => {
    const v = doc.VpcBlockPublicAccessOptions;
    return isObject(v) ? { item: v, path: ["VpcBlockPublicAccessOptions"] } : undefined;
  },
  EnableDnsSupport: (doc) => {
    const v = doc.EnableDnsSupport;
    return isObject(v) || (v === null && "VpcId" in doc) ? { item: doc, path: [] } : undefined;
  },
};

/** The one object of `key` this document holds, if any: those above, and `aws eks describe-cluster`'s `cluster`. */
function oneObject(key: AwsKey, doc: Record<string, unknown>): Found {
  if (key !== "EksClusters") return OBJECT_VALUED[key]?.(doc);
  const c = asEksCluster(doc);
  return c ? { item: c[0], path: ["cluster"] } : undefined;
}

/** True if the document has at least one top-level key the AWS reader understands. */
export function isAwsDocument(data: unknown): boolean {
  return (
    typeof data === "object" &&
    data !== null &&
    !Array.isArray(data) &&
    (KEYS.some((k) => k in data) || asEksCluster(data) !== undefined)
  );
}

/**
 * The field that names an item of a list: one resource is one item, however many files mention it.
 * Only resources that live in one region of one account: a peering connection across regions is
 * described in both (with each side's own tags), and prefix lists are read as they are.
 */
const ID_FIELD: Partial<Record<AwsKey, string>> = {
  Vpcs: "VpcId",
  Subnets: "SubnetId",
  RouteTables: "RouteTableId",
  NetworkAcls: "NetworkAclId",
  SecurityGroups: "GroupId",
  NetworkInterfaces: "NetworkInterfaceId",
  InternetGateways: "InternetGatewayId",
  EgressOnlyInternetGateways: "EgressOnlyInternetGatewayId",
  NatGateways: "NatGatewayId",
  VpcEndpoints: "VpcEndpointId",
  EnableDnsSupport: "VpcId",
  // An Elastic IP is named by its address. (Instances: see NESTED.)
  Addresses: "PublicIp",
  // One type described in several regions' snapshots reads the same (what the audit reads of it).
  InstanceTypes: "InstanceType",
  ByoipCidrs: "Cidr",
  EksClusters: "arn",
  // An exclusion saved twice with different states (two snapshots, one taken after it was deleted):
  // which is current cannot be told.
  VpcBlockPublicAccessExclusions: "ExclusionId",
};

/**
 * Whether `loc` describes a resource already seen (`byId`: the key's items so far, by id) the way the
 * audit reads it; an InputError if it describes one differently. Records it otherwise.
 */
function repeats(key: AwsKey, byId: Map<string, Located<unknown>>, loc: Located<unknown>): boolean {
  return repeatsAs(ID_FIELD[key], DECLARED[key], byId, loc, FOLD[key]);
}

/**
 * Resources listed inside the items of a key: an instance is one resource however many reservation
 * listings hold it (describe-instances filtered two ways lists one reservation with different
 * instances), so its reservation cannot be compared as a whole; its instances are, by id.
 */
const NESTED: Partial<Record<AwsKey, { list: string; id: string }>> = {
  Reservations: { list: "Instances", id: "InstanceId" },
};

/** repeats for the resources nested in an item (see NESTED); the nested ones are kept either way. */
function nestedRepeats(key: AwsKey, byId: Map<string, Located<unknown>>, loc: Located<unknown>): void {
  const nested = NESTED[key];
  if (!nested) return;
  const list = (loc.item as Record<string, unknown>)[nested.list];
  const fields = (DECLARED[key] as Record<string, Declared>)[nested.list]!;
  if (Array.isArray(list))
    list.forEach((item: unknown, j) =>
      repeatsAs(nested.id, fields, byId, { item, file: loc.file, path: [...loc.path, nested.list, j] }),
    );
}

/**
 * What two accounts' views of one shared resource may print differently and the audit need not tell
 * apart, folded out of what is compared. A subnet's AvailabilityZone: zone names are mapped per account
 * (the owner's us-east-1a may be a participant's us-east-1c); with the same AvailabilityZoneId it is one
 * zone, and only its region is read (Block Public Access, BYOIP), which both names say. The first
 * view read is kept, its name among them: the name itself decides nothing. (Its other per-account or
 * changing fields, MapPublicIpOnLaunch, AvailableIpAddressCount, are not read and so not compared;
 * OwnerId is the owner's in both views.)
 */
const FOLD: Partial<Record<AwsKey, (part: Record<string, unknown>) => Record<string, unknown>>> = {
  Subnets: (part) => {
    const zone = part.AvailabilityZone;
    if (typeof zone !== "string" || typeof part.AvailabilityZoneId !== "string") return part;
    return { ...part, AvailabilityZone: `in ${regionOfZone(zone) ?? zone}` };
  },
};

function repeatsAs(
  idField: string | undefined,
  fields: Declared,
  byId: Map<string, Located<unknown>>,
  loc: Located<unknown>,
  fold?: (part: Record<string, unknown>) => Record<string, unknown>,
): boolean {
  const id = idField === undefined ? undefined : (loc.item as Record<string, unknown>)[idField];
  if (typeof id !== "string") return false;
  const first = byId.get(id);
  if (!first) {
    byId.set(id, loc);
    return false;
  }
  const part = (item: unknown): unknown => {
    const read = readPart(item, fields);
    return fold && typeof read === "object" && read !== null ? fold(read as Record<string, unknown>) : read;
  };
  if (isDeepStrictEqual(part(first.item), part(loc.item))) return true;
  throw new InputError(
    `${id} is also at ${first.file} ${jsonPath(first.path)} with different content (two versions of one resource, e.g. two snapshots in one folder: keep one)`,
    loc.file,
    jsonPath(loc.path),
  );
}

/**
 * Every document's items by key. A resource listed twice that reads the same (see readPart: the same
 * describe output saved twice, or a shared subnet described by two accounts) counts once; listed twice
 * with different content the audit reads (two snapshots in one folder) is an InputError naming both
 * places: which one is current cannot be told, and silently taking whichever file happens to be read
 * last could decide a verdict.
 */
export function indexAwsDocuments(docs: readonly SourceDocument[]): AwsRaw {
  const raw = emptyAwsRaw();
  const seen = new Map<AwsKey, Map<string, Located<unknown>>>();
  for (const doc of docs) {
    if (!isAwsDocument(doc.data)) continue;
    const obj = doc.data as Record<string, unknown>;
    for (const key of KEYS) {
      const one = oneObject(key, obj);
      if (!(key in obj) && !one) continue;
      // A key with null (tools on the Go or Java SDKs print a call's empty answer so): none.
      const list = one ? [one.item] : obj[key] === null ? [] : obj[key];
      if (!Array.isArray(list))
        throw new InputError(
          key in OBJECT_VALUED
            ? "expected an object (as the CLI prints it) or an array"
            : "expected an array",
          doc.file,
          jsonPath([key]),
        );
      raw.present.add(key);
      innerSet(raw.presentIn, key).add(doc.file);
      const at = (i: number): (string | number)[] => (one ? one.path : [key, i]);
      const validate = validatorFor(key);
      if (!validate(list)) {
        const { path, message } = describe(validate.errors![0]!, list);
        const [i, ...rest] = path;
        throw new InputError(message, doc.file, jsonPath([...at(Number(i)), ...rest]));
      }
      const out = raw[key] as Located<unknown>[];
      let byId = seen.get(key);
      if (!byId) seen.set(key, (byId = new Map<string, Located<unknown>>()));
      list.forEach((item: unknown, i) => {
        const loc = { item, file: doc.file, path: at(i) };
        if (repeats(key, byId, loc)) return;
        out.push(loc);
        nestedRepeats(key, byId, loc);
      });
    }
  }
  return raw;
}
