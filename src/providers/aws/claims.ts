// Which route table or network ACL applies to something when the input has several claims on it: the
// one they agree on, unless an association is still being made or undone, or two disagree (two
// snapshots in one folder); never the one the input happened to list first.
import { innerList } from "../../model/maps.js";
import { someOf } from "../../model/missing.js";
import { ascending } from "../../model/order.js";
import { unprinted } from "./context.js";
import type { RawRouteTable } from "./raw.js";

/**
 * A table (or ACL) claiming to apply to a subnet or, as main or default one, to a VPC, and the state of
 * the association when it has one (route tables).
 */
export interface Claim {
  id: string;
  state?: string;
}

/**
 * A route table's claim by one of its associations (to a subnet, as main table, or to a gateway), with
 * the association's state; null for one that is gone (describe output lists such ones a while after):
 * it no longer applies.
 */
export function associationClaim(
  tableId: string,
  a: NonNullable<RawRouteTable["Associations"]>[number],
): Claim | null {
  const state = a.AssociationState?.State ?? undefined;
  if (state === "disassociated" || state === "failed") return null;
  return { id: tableId, ...(state !== undefined ? { state } : {}) };
}

/** The states describe-route-tables prints for an association (RouteTableAssociationStateCode). */
const ASSOCIATION_STATES = new Set([
  "associating",
  "associated",
  "disassociating",
  "disassociated",
  "failed",
]);

/**
 * Which of the claims on `what` applies: the one, if they agree and none is still being made or
 * undone; else why that cannot be told (the input order must not decide it), and whether that is data
 * the input lacks (`missing`: an association state AWS does not print, read as one not saved; two
 * tables claiming it) rather than a change AWS is making (`associating`, `disassociating`).
 */
export function settle(
  claims: Claim[] | undefined,
  what: string,
  kind: string,
): { id: string } | { why: string; missing: boolean } | undefined {
  if (!claims || claims.length === 0) return undefined;
  const sorted = [...claims].sort((a, b) => ascending(a.id, b.id));
  // Data missing outweighs a change in progress: a state AWS does not print, or two tables each
  // settled on it (two snapshots in one folder), whatever else is changing.
  const odd = sorted.find((c) => c.state !== undefined && !ASSOCIATION_STATES.has(c.state));
  if (odd)
    return {
      why: `the association of ${odd.id} with ${what} has state ${unprinted(odd.state, ASSOCIATION_STATES)}, so which ${kind} applies cannot be told`,
      missing: true,
    };
  const settled = [
    ...new Set(sorted.filter((c) => (c.state ?? "associated") === "associated").map((c) => c.id)),
  ];
  if (settled.length > 1)
    return {
      why: `${settled.join(" and ")} are each the ${kind} of ${what} in the input: which is current cannot be told (two snapshots in one folder?)`,
      missing: true,
    };
  const changing = sorted.find((c) => c.state !== undefined && c.state !== "associated");
  if (changing)
    return {
      why: `${changing.id} is ${changing.state} with ${what}: which ${kind} applies while that changes is not known`,
      missing: false,
    };
  return { id: settled[0]! };
}

/**
 * The tables (or ACLs) saved without Associations, by VPC, in id order. describe-route-tables and
 * describe-network-acls always print the key (an empty list where nothing is associated), so one
 * without it was not read: it may be the one that applies to any subnet no other lists, or the main
 * (default) one. An explicit empty list is data, and is not here.
 */
export function withoutAssociations<T extends { VpcId: string; Associations?: readonly unknown[] | null }>(
  items: readonly { item: T }[],
  idOf: (item: T) => string,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { item } of items) if (item.Associations == null) innerList(out, item.VpcId).push(idOf(item));
  for (const list of out.values()) list.sort(ascending);
  return out;
}

/**
 * Why what applies to `subject` (a subnet's route table or ACL, an internet gateway's gateway route
 * table: `cannot`) is not known when no table (ACL) of the input lists it and `unread` of its VPC were
 * saved without their Associations (see withoutAssociations).
 */
export function unlistedWhy(
  subject: string,
  kind: string,
  unread: readonly string[],
  call: string,
  cannot: string,
): string {
  const which = `${someOf(unread, 5)} ${unread.length === 1 ? "is" : "are"}`;
  return `${subject} is in no ${kind}'s Associations and ${which} in the input without Associations (${call} always prints them), so ${cannot} cannot be told`;
}

/**
 * Subnet id -> why its route table and network ACL may be missing: it is shared (AWS RAM) by the
 * account that owns it (its OwnerId, its VPC's owner's), and the interfaces in it are other accounts'
 * (their OwnerId): a participant's describe output lists the subnet, not its owner's route tables and
 * network ACLs. Only subnets with such an interface.
 */
export function sharedSubnets(
  subnets: readonly { item: { SubnetId: string; OwnerId?: string | null } }[],
  interfaces: readonly { SubnetId?: string | null }[],
): Map<string, string> {
  const owner = new Map<string, string>();
  for (const { item: s } of subnets) if (s.OwnerId) owner.set(s.SubnetId, s.OwnerId);
  const others = new Map<string, Set<string>>();
  for (const e of interfaces) {
    // (Not declared in raw.ts: it decides no verdict, only this wording, so two listings of one
    // interface that print it differently are not two versions of it.)
    const account = (e as { OwnerId?: unknown }).OwnerId;
    const o = e.SubnetId ? owner.get(e.SubnetId) : undefined;
    if (o !== undefined && typeof account === "string" && account !== "" && account !== o) {
      const set = others.get(e.SubnetId!) ?? new Set<string>();
      others.set(e.SubnetId!, set.add(account));
    }
  }
  const out = new Map<string, string>();
  for (const [subnet, accounts] of others)
    out.set(
      subnet,
      `${subnet} is shared by account ${owner.get(subnet)!} (the interfaces in it are ${someOf([...accounts].sort(ascending), 3)}'s): its route table and network ACL are that account's, and only its describe-route-tables and describe-network-acls can tell them`,
    );
  return out;
}
