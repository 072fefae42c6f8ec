// PrefixLists (AWS-managed service lists, with Cidrs) and ManagedPrefixLists (with the Entries our
// collector adds) -> prefix list id -> CIDRs, used by security group rules and routes.
// describe-managed-prefix-lists prints its lists under the same key PrefixLists, without Cidrs (and
// the collector's ManagedPrefixLists may lack Entries): such a list's contents are unknown, not empty.
import { IntervalSet } from "../../netset/index.js";
import { jsonPath } from "../../model/errors.js";
import { cidrAt, type AwsContext } from "./context.js";
import type { Located } from "./snapshot.js";

export function convertPrefixLists(ctx: AwsContext): void {
  // Where each list's contents were read, per key: one list listed twice (two snapshots in one
  // folder) with different contents cannot be told apart by which came last (see add).
  const seen = new Map<string, Located<unknown>>();
  for (const loc of ctx.raw.PrefixLists) {
    const pl = loc.item;
    if (!pl.Cidrs) {
      withoutEntries(ctx, pl.PrefixListId, loc.file);
      continue;
    }
    add(
      ctx,
      seen,
      loc,
      pl.PrefixListId,
      pl.PrefixListName ?? pl.PrefixListId,
      pl.Cidrs.map((c, i) => [c, ["Cidrs", i]] as const),
    );
  }
  // A list with entries fetched (the collector's ManagedPrefixLists) is read over the same list's
  // describe-prefix-lists Cidrs: both come from one collection.
  seen.clear();
  for (const loc of ctx.raw.ManagedPrefixLists) {
    const pl = loc.item;
    if (!pl.Entries) {
      withoutEntries(ctx, pl.PrefixListId, loc.file);
      continue;
    }
    add(
      ctx,
      seen,
      loc,
      pl.PrefixListId,
      pl.PrefixListName ?? pl.PrefixListId,
      pl.Entries.map((e, i) => [e.Cidr, ["Entries", i, "Cidr"]] as const),
    );
  }
}

/** A list named without its entries: unknown, unless another file has them (see unresolvedPrefixList). */
function withoutEntries(ctx: AwsContext, id: string, file: string): void {
  if (!ctx.prefixListsWithoutEntries.has(id)) ctx.prefixListsWithoutEntries.set(id, file);
}

function add(
  ctx: AwsContext,
  seen: Map<string, Located<unknown>>,
  loc: Located<unknown>,
  id: string,
  name: string,
  cidrs: ReadonlyArray<readonly [string, (string | number)[]]>,
): void {
  let set = IntervalSet.EMPTY;
  for (const [c, path] of cidrs) set = set.union(cidrAt(c, "any", loc, ...path));
  if (ctx.conflictingPrefixLists.has(id)) return;
  const first = seen.get(id);
  if (first) {
    if (ctx.prefixLists.get(id)!.set.equals(set)) return;
    // Two versions of one list (two snapshots in one folder, or two accounts' views of an AWS-managed
    // list taken while AWS changed it): which is current cannot be told. Not an error: it matters only
    // where a rule or route uses the list, and there its entries are unknown (see unresolvedPrefixList).
    ctx.conflictingPrefixLists.set(
      id,
      [first, loc].map((l) => `${l.file} ${jsonPath(l.path)}`) as [string, string],
    );
    ctx.prefixLists.delete(id);
    return;
  }
  seen.set(id, loc);
  ctx.prefixLists.set(id, { name, cidrs: cidrs.map(([c]) => c), set });
}
