// What every AWS converter shares: the validated raw input, the model being built, and helpers that turn
// bad values into InputErrors naming the file and JSON path of the offending field.
import { IntervalSet, NetsetInputError, parseCidr, parseIp } from "../../netset/index.js";
import { InputError, jsonPath } from "../../model/errors.js";
import type { NetworkModel } from "../../model/types.js";
import type { AwsKey } from "./raw.js";
import type { AwsRaw, Located } from "./snapshot.js";

export interface AwsContext {
  raw: AwsRaw;
  model: NetworkModel;
  /** Prefix list id -> its CIDRs (AWS-managed service lists and customer-managed lists with entries). */
  prefixLists: Map<string, { name: string; cidrs: string[]; set: IntervalSet }>;
  /** Why data of a key is missing, when the collector recorded that it could not read it. */
  gapReason(key: AwsKey): string | undefined;
}

export function at<T>(loc: Located<T>, ...rest: (string | number)[]): { file: string; path: string } {
  return { file: loc.file, path: jsonPath([...loc.path, ...rest]) };
}

function wrap<R>(where: { file: string; path: string }, f: () => R): R {
  try {
    return f();
  } catch (e) {
    if (e instanceof NetsetInputError) throw new InputError(e.message, where.file, where.path);
    throw e;
  }
}

export function cidrAt(text: string, where: { file: string; path: string }): IntervalSet {
  return wrap(where, () => parseCidr(text));
}

export function ipAt(text: string, where: { file: string; path: string }): bigint {
  return wrap(where, () => parseIp(text));
}

export function nameTag(
  tags: { Key?: string | undefined; Value?: string | undefined }[] | undefined,
): string | undefined {
  return tags?.find((t) => t.Key === "Name")?.Value || undefined;
}

/** "could not be read" text for a key that is absent from the input. */
export function missingReason(ctx: AwsContext, key: AwsKey, what: string): string {
  const gap = ctx.gapReason(key);
  return gap ?? `${what}: no ${key} in the input (describe output for it was not provided)`;
}
