// PrefixLists (AWS-managed service lists, with Cidrs) and ManagedPrefixLists (with the Entries our
// collector adds) -> prefix list id -> CIDRs, used by security group rules and routes.
// describe-managed-prefix-lists prints its lists under the same key PrefixLists, without Cidrs (and
// the collector's ManagedPrefixLists may lack Entries): such a list's contents are unknown, not empty.
import { IntervalSet } from "../../netset/index.js";
import { jsonPath } from "../../model/errors.js";
import { cidrAt, unprinted, type AwsContext } from "./context.js";
import type { Located } from "./snapshot.js";

/** The states describe-managed-prefix-lists prints (ManagedPrefixList State). */
const LIST_STATES = new Set([
  "create-in-progress",
  "create-complete",
  "create-failed",
  "modify-in-progress",
  "modify-complete",
  "modify-failed",
  "restore-in-progress",
  "restore-complete",
  "restore-failed",
  "delete-in-progress",
  "delete-complete",
  "delete-failed",
]);
/**
 * Of those, the states of a list whose entries are those the rules and routes using it apply: its last
 * change done, or a delete that did not happen (AWS deletes only a list nothing uses).
 */
const LIST_SETTLED = new Set(["create-complete", "modify-complete", "restore-complete", "delete-failed"]);

/**
 * Why the entries listed for a prefix list in `state` may not be those the resources using it apply,
 * or undefined when they are. Adding or removing entries makes a new version, which AWS then applies
 * to every security group rule and route that uses the list: while it does (`*-in-progress`), some may
 * still apply the previous version; after a change that failed (`*-failed`; AWS does not say which
 * version each resource was left with), which one each applies cannot be told from the listing. A
 * deleted list is one nothing used when it went, so a rule or route naming it was saved at another
 * time. `missing`: a State AWS does not print, data the run did not read. No State (a file made by
 * hand) is read as settled.
 */
function listStateDoubt(state: string | null | undefined): { why: string; missing: boolean } | undefined {
  if (!state || LIST_SETTLED.has(state)) return undefined;
  if (!LIST_STATES.has(state))
    return {
      why: `its state is ${unprinted(state, LIST_STATES)}, so which of its entries apply cannot be told`,
      missing: true,
    };
  if (state.endsWith("-in-progress"))
    return {
      why: `it is being changed (${state}): the rules and routes that use it may still apply its previous entries`,
      missing: false,
    };
  if (state === "delete-complete")
    return {
      why: "it is deleted (delete-complete), which AWS does only once nothing uses it: the input was saved while it changed, so what its users match cannot be told",
      missing: false,
    };
  return {
    why: `its last change failed (${state}): which of its entries the rules and routes that use it apply cannot be told`,
    missing: false,
  };
}

export function convertPrefixLists(ctx: AwsContext): void {
  // Where each list's contents were read, per key: one list listed twice (two snapshots in one
  // folder) with different contents cannot be told apart by which came last (see add).
  const seen = new Map<string, Located<unknown>>();
  const doubt = (id: string, state: string | null | undefined): void => {
    const d = listStateDoubt(state);
    // Of two listings in doubt, the one that is data the run lacks says the most.
    if (d && !ctx.prefixListsInDoubt.get(id)?.missing) ctx.prefixListsInDoubt.set(id, d);
  };
  for (const loc of ctx.raw.PrefixLists) {
    const pl = loc.item;
    doubt(pl.PrefixListId, pl.State);
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
    doubt(pl.PrefixListId, pl.State);
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
  // What the rules and routes using a list in doubt match is unknown, as a list's not in the input is
  // (see unresolvedPrefixList), whatever entries another listing of it gives.
  for (const id of ctx.prefixListsInDoubt.keys()) ctx.prefixLists.delete(id);
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
