// PrefixLists (AWS-managed service lists, with Cidrs) and ManagedPrefixLists (with the Entries our
// collector adds) -> prefix list id -> CIDRs, used by security group rules and routes.
import { IntervalSet } from "../../netset/index.js";
import { cidrAt, type AwsContext } from "./context.js";
import type { Located } from "./snapshot.js";

export function convertPrefixLists(ctx: AwsContext): void {
  for (const loc of ctx.raw.PrefixLists) {
    const pl = loc.item;
    add(
      ctx,
      pl.PrefixListId,
      pl.PrefixListName ?? pl.PrefixListId,
      (pl.Cidrs ?? []).map((c, i) => [c, loc, ["Cidrs", i]] as const),
    );
  }
  for (const loc of ctx.raw.ManagedPrefixLists) {
    const pl = loc.item;
    // Without entries (plain describe-managed-prefix-lists output) the list's contents are unknown.
    if (!pl.Entries) continue;
    add(
      ctx,
      pl.PrefixListId,
      pl.PrefixListName ?? pl.PrefixListId,
      pl.Entries.map((e, i) => [e.Cidr, loc, ["Entries", i, "Cidr"]] as const),
    );
  }
}

function add(
  ctx: AwsContext,
  id: string,
  name: string,
  cidrs: ReadonlyArray<readonly [string, Located<unknown>, (string | number)[]]>,
): void {
  let set = IntervalSet.EMPTY;
  for (const [c, loc, path] of cidrs) set = set.union(cidrAt(c, loc, ...path));
  ctx.prefixLists.set(id, { name, cidrs: cidrs.map(([c]) => c), set });
}
