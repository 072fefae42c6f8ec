// Where the documents in each folder of the input were saved from. Some describe output is per account
// and region and cannot say so itself (describe-byoip-cidrs' ranges; describe-addresses' answer, empty
// for a region without Elastic IPs): it counts only beside what it belongs to, in the same folder, as
// users keep each account's region (acct-a/us-east-1/) and --save-snapshot writes each region
// (us-east-1/), and not where that folder holds several regions' or accounts' snapshots.
import { dirname } from "node:path";
import { innerSet } from "../../model/maps.js";
import { regionOfBorderGroup, regionOfZone, type AwsContext } from "./context.js";
import type { AwsKey } from "./raw.js";

export interface FolderScopes {
  /** The folders `key` was saved in (an empty answer too). */
  savedIn(key: AwsKey): Set<string>;
  /** Whether the documents of `folder` say they come from several regions or accounts. */
  mixed(folder: string): boolean;
  /** The account the documents of `folder` were saved by, where they say one and only one. */
  account(folder: string): string | undefined;
}

export function folderScopes(ctx: AwsContext): FolderScopes {
  const regions = new Map<string, Set<string>>();
  const accounts = new Map<string, Set<string>>();
  const note = (file: string, region: string | null | undefined, account?: string | null) => {
    if (region) innerSet(regions, dirname(file)).add(region);
    if (account) innerSet(accounts, dirname(file)).add(account);
  };
  for (const { item: s, file } of ctx.raw.Subnets)
    note(file, s.AvailabilityZone ? regionOfZone(s.AvailabilityZone) : undefined);
  for (const { item: a, file } of ctx.raw.Addresses)
    note(file, a.NetworkBorderGroup ? regionOfBorderGroup(a.NetworkBorderGroup) : undefined);
  for (const { item: o, file } of ctx.raw.VpcBlockPublicAccessOptions)
    note(file, o.AwsRegion, o.AwsAccountId);
  // The account that saved them: describe-instances and describe-security-groups list the caller's
  // own reservations and groups only (a shared VPC's participant sees neither the owner's nor other
  // participants'), where VPCs' and subnets' OwnerId are their owner's in a participant's view too.
  // (Not declared in raw.ts: they decide no verdict, only whose folder this is.)
  const ownerOf = (x: unknown): string | undefined => {
    const id = (x as { OwnerId?: unknown }).OwnerId;
    return typeof id === "string" && id !== "" ? id : undefined;
  };
  for (const { item, file } of ctx.raw.Reservations) note(file, undefined, ownerOf(item));
  for (const { item, file } of ctx.raw.SecurityGroups) note(file, undefined, ownerOf(item));
  return {
    savedIn: (key) => new Set([...(ctx.raw.presentIn.get(key) ?? [])].map((f) => dirname(f))),
    mixed: (folder) => (regions.get(folder)?.size ?? 0) > 1 || (accounts.get(folder)?.size ?? 0) > 1,
    account: (folder) => {
      const a = accounts.get(folder);
      return a?.size === 1 ? [...a][0] : undefined;
    },
  };
}
