// What every AWS converter shares: the validated raw input, the model being built, and helpers that turn
// bad values into InputErrors naming the file and JSON path of the offending field.
import {
  IntervalSet,
  IPV4_ALL,
  IPV6_ALL,
  NetsetInputError,
  parseCidr,
  parseIp,
  V4_OFFSET,
} from "../../netset/index.js";
import { InputError, jsonPath } from "../../model/errors.js";
import { innerList, innerSet } from "../../model/maps.js";
import { ascending } from "../../model/order.js";
import { unreadRule, type NetworkModel, type Rule, type RuleRef } from "../../model/types.js";
import type { AwsKey, RawCollectionGap } from "./raw.js";
import { notSavedText, type SavedKey } from "./save-commands.js";
import type { AwsRaw, Located } from "./snapshot.js";

export interface AwsContext {
  raw: AwsRaw;
  model: NetworkModel;
  /** Prefix list id -> its CIDRs (AWS-managed service lists and customer-managed lists with entries). */
  prefixLists: Map<string, { name: string; cidrs: string[]; set: IntervalSet }>;
  /**
   * Lists the input names without their entries (plain describe-managed-prefix-lists output): id -> the
   * file. Their contents are unknown, never empty.
   */
  prefixListsWithoutEntries: Map<string, string>;
  /**
   * Lists the input holds in two versions with different entries: id -> where each is (file and
   * JSON path). Their contents are unknown, as those of a list without entries.
   */
  conflictingPrefixLists: Map<string, [string, string]>;
  /**
   * Lists whose State says the entries the input holds may not be those that the rules and routes using
   * them apply (a change in progress or one that failed, see listStateDoubt): id -> why, and whether
   * that is data the run lacks (a State AWS does not print).
   */
  prefixListsInDoubt: Map<string, { why: string; missing: boolean }>;
  /** Prefix lists that rules or routes use but the input does not resolve: id -> who uses them. */
  unresolvedPrefixLists: Map<string, Set<string>>;
  /** Groups that rules reference but the input does not describe: id -> the referencing groups. */
  unlistedGroups: Map<string, Set<string>>;
  /**
   * Route targets in the input whose description lacks what following them needs (a NAT gateway
   * without its private address): id -> why. Routes to them are `undecided`.
   */
  undecidedTargets: Map<string, string>;
  /** Why data of a key is missing, when the collector recorded that it could not read it. */
  gapReason(key: AwsKey): string | undefined;
}

export function at<T>(loc: Located<T>, ...rest: (string | number)[]): { file: string; path: string } {
  return { file: loc.file, path: jsonPath([...loc.path, ...rest]) };
}

// The JSON path of a value is built only when the value is bad: a quota-size region has ~10^5 CIDRs
// and addresses, and building every path up front cost more than parsing them.
function parsedAt<R>(
  parse: (text: string) => R,
  text: string,
  loc: Located<unknown>,
  rest: (string | number)[],
): R {
  try {
    return parse(text);
  } catch (e) {
    if (!(e instanceof NetsetInputError)) throw e;
    const where = at(loc, ...rest);
    throw new InputError(e.message, where.file, where.path);
  }
}

/**
 * parseCidr(text); a bad CIDR is an InputError naming loc's file and its path plus `rest`. `family` is
 * the one the field holds (CidrIp 4, Ipv6CidrBlock 6; "any" for the fields that take both): AWS never
 * prints the other family there, and read as given it would make a rule or route for other packets.
 */
export function cidrAt(
  text: string,
  family: 4 | 6 | "any",
  loc: Located<unknown>,
  ...rest: (string | number)[]
): IntervalSet {
  const ips = cidrOrWhy(text, family);
  if (typeof ips === "string") throw badAt(ips, loc, ...rest);
  return ips;
}

/**
 * cidrAt's set, or the message of its error: for loops over ~10^5 CIDRs (security group rules), which
 * then build no path for the good ones (see badAt).
 */
export function cidrOrWhy(text: string, family: 4 | 6 | "any"): IntervalSet | string {
  let ips: IntervalSet;
  try {
    ips = parseCidr(text);
  } catch (e) {
    if (!(e instanceof NetsetInputError)) throw e;
    return e.message;
  }
  // (A CIDR is one range of one family: the subset test is a compare or two.)
  if (family === "any" || ips.isSubsetOf(family === 4 ? IPV4_ALL : IPV6_ALL)) return ips;
  return `expected an IPv${family} CIDR, got ${JSON.stringify(text)}`;
}

/** The InputError saying `message` of the value at loc's path plus `rest`. */
export function badAt(message: string, loc: Located<unknown>, ...rest: (string | number)[]): InputError {
  const where = at(loc, ...rest);
  return new InputError(message, where.file, where.path);
}

/** parseIp(text), with errors and the family the field holds as cidrAt. */
export function ipAt(
  text: string,
  family: 4 | 6,
  loc: Located<unknown>,
  ...rest: (string | number)[]
): bigint {
  const ip = parsedAt(parseIp, text, loc, rest);
  if (ip >= V4_OFFSET === (family === 4)) return ip;
  const where = at(loc, ...rest);
  throw new InputError(
    `expected an IPv${family} address, got ${JSON.stringify(text)}`,
    where.file,
    where.path,
  );
}

export function nameTag(
  tags: { Key?: string | null | undefined; Value?: string | null | undefined }[] | null | undefined,
): string | undefined {
  return tags?.find((t) => t.Key === "Name")?.Value || undefined;
}

/**
 * Why the entries of prefix list `id` are unknown, recording `user` (a group or route table) as one that
 * needs them: the run lists each such list under `unknowns` once (see index.ts).
 */
export function unresolvedPrefixList(ctx: AwsContext, id: string, user: string): string {
  innerSet(ctx.unresolvedPrefixLists, id).add(user);
  const doubt = ctx.prefixListsInDoubt.get(id);
  if (doubt !== undefined) return `prefix list ${id} used by ${user}: ${doubt.why}`;
  if (ctx.conflictingPrefixLists.has(id))
    // (Not the files, as below: the unknowns entry names them.)
    return `prefix list ${id} used by ${user} is in the input twice with different entries (two snapshots, or two accounts' views, taken at different times): which is current cannot be told`;
  const listedIn = ctx.prefixListsWithoutEntries.get(id);
  return listedIn === undefined
    ? `prefix list ${id} used by ${user} is not in the input`
    : // (Not the file: a verdict's reason must not change with where the snapshot is kept; unknowns name it.)
      `prefix list ${id} used by ${user} is listed without its entries (describe-managed-prefix-lists does not print them; save them with get-managed-prefix-list-entries, see the README)`;
}

/**
 * The stand-in for rules whose field the input lacks (a security group without IpPermissionsEgress or
 * IpPermissions, a network ACL without Entries). describe-security-groups and describe-network-acls
 * always print these fields (an empty list when there are no rules), so without one the rules were not
 * read, which is not the same as none (that would block everything they decide). One rule that may
 * match every packet leaves what they would decide `unknown` for `reason`, in an allow-union filter
 * (where another group's rule allows a packet, it is still allowed) and a first-match one alike; the
 * run lists `ref.resource` among its unknowns.
 */
export function unreadRules(ctx: AwsContext, ref: RuleRef, reason: string): Rule[] {
  ctx.model.unknowns.push({ resource: ref.resource, message: reason });
  return [unreadRule(ref, reason)];
}

/**
 * A route target the input does not describe well enough (a NAT gateway without its state, an internet
 * gateway attachment without one, ...): routes to it are undecided for `why`, and the run lists it
 * among its unknowns.
 */
export function undecidedTarget(ctx: AwsContext, id: string, why: string): void {
  ctx.undecidedTargets.set(id, why);
  ctx.model.unknowns.push({ resource: id, message: why });
}

/**
 * Whether the input has no `key` at all, and not because the collector could not read it (a gap is
 * listed under unknowns already): a folder saved without that describe call, whose converter then
 * takes AWS's default; where the default can decide a verdict, a warning says so (see noteNotSaved).
 */
export function notSaved(ctx: AwsContext, key: AwsKey): boolean {
  return !ctx.raw.present.has(key) && ctx.gapReason(key) === undefined;
}

/**
 * "could not be read" text for a key that is absent from the input: the failed call's IAM action in a
 * live run, else the command to save (save-commands.ts).
 */
export function missingReason(ctx: AwsContext, key: SavedKey, what: string): string {
  const gap = ctx.gapReason(key);
  return gap ?? `${what}: no ${key} in the input (${notSavedText(key)})`;
}

/**
 * Whether a VPC or subnet CIDR block still belongs to it: "associated", or no state printed (older
 * output, hand-made input). One being associated, disassociated or failed does not (yet, or any more).
 */
export function blockAssociated(state: { State?: string | null } | null | undefined): boolean {
  return !state?.State || state.State === "associated";
}

/**
 * `"value", which is not one AWS prints (a, b, c)`: how messages name a value of an enum-like field that
 * is none of those AWS prints (`printed`), which the converters read as missing data.
 */
export function unprinted(value: unknown, printed: Iterable<string>): string {
  return `${JSON.stringify(value)}, which is not one AWS prints (${[...printed].join(", ")})`;
}

/** The states AWS prints for a VPC or subnet CIDR block (VpcCidrBlockState, SubnetCidrBlockState). */
const BLOCK_STATES = new Set([
  "associating",
  "associated",
  "disassociating",
  "disassociated",
  "failing",
  "failed",
]);

/**
 * Why whether CIDR block `cidr` of `owner` (a VPC or subnet) is its own cannot be told: its state is
 * not one AWS prints ("Associated"). Undefined for one AWS prints, or none (see blockAssociated).
 */
export function blockStateUnread(
  owner: string,
  cidr: string,
  state: { State?: string | null } | null | undefined,
): string | undefined {
  const s = state?.State;
  if (!s || BLOCK_STATES.has(s)) return undefined;
  return `${owner}'s CIDR block ${cidr} has state ${unprinted(s, BLOCK_STATES)}, so whether it is ${owner}'s cannot be told (it is read as not associated)`;
}

/** How a describe call that failed during collection is named in messages (see CollectionGap). */
export function gapText(g: RawCollectionGap): string {
  return `${g.action} failed in ${g.region} (${g.code}: ${g.message})`;
}

const REGION_OF_ZONE = /^([a-z]{2}(?:-[a-z]+)+-\d+)(?:[a-z]$|-)/;
const REGION_OF_GROUP = /^([a-z]{2}(?:-[a-z]+)+-\d+)(?:-|$)/;

/** The region an availability zone ("us-east-1a", "us-east-1-bos-1a") is in. */
export function regionOfZone(zone: string): string | undefined {
  return REGION_OF_ZONE.exec(zone)?.[1];
}

/** The regions availability zones are in ("us-east-1a", "us-east-1-bos-1a": us-east-1). */
export function regionsOf(zones: Iterable<string>): Set<string> {
  return new Set([...zones].flatMap((z) => regionOfZone(z) ?? []));
}

/** Each VPC's subnets' availability zones, as describe-subnets gives them. */
export function subnetZonesByVpc(ctx: AwsContext): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { item: s } of ctx.raw.Subnets)
    if (s.AvailabilityZone) innerList(out, s.VpcId).push(s.AvailabilityZone);
  return out;
}

/**
 * The calls for `key` that failed, by region: one text each (of several, as two snapshots may hold,
 * the first in text order, so the answer does not depend on the files' order).
 */
export function gapsByRegion(ctx: AwsContext, key: AwsKey): Map<string, string> {
  const out = new Map<string, string>();
  for (const { item: g } of ctx.raw.EgressAuditCollectionGaps)
    if (g.key === key) {
      const text = gapText(g);
      const seen = out.get(g.region);
      if (seen === undefined || ascending(text, seen) < 0) out.set(g.region, text);
    }
  return out;
}

/** The region a network border group ("us-east-1", a Local Zone's "us-west-2-lax-1") is in. */
export function regionOfBorderGroup(group: string): string | undefined {
  return REGION_OF_GROUP.exec(group)?.[1];
}
