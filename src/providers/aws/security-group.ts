// SecurityGroups -> stateful allow-union Filter. Each permission expands to one rule per peer entry
// (CIDR, IPv6 CIDR, prefix list, referenced group). A referenced group matches only its members'
// addresses, so it can never open the internet as a whole; one we cannot resolve leaves in doubt the
// non-public IPv4 addresses and, for a group of the same VPC, the VPC's own blocks (its members' IPv6
// addresses are public ones, and a VPC may use public IPv4 ranges).
import { IntervalSet, IP_ALL, IPV4_ALL, NetsetInputError, PUBLIC_INTERNET } from "../../netset/index.js";
import { InputError } from "../../model/errors.js";
import { innerSet } from "../../model/maps.js";
import type { Rule } from "../../model/types.js";
import { at, badAt, cidrOrWhy, unreadRules, unresolvedPrefixList, type AwsContext } from "./context.js";
import { awsProtocol, IcmpFieldError, protoPortsText, ruleShape, shapeSet, type Shape } from "./match.js";
import type { RawIpPermission } from "./raw.js";
import type { InterfaceFacts } from "./network-interface.js";
import type { Located } from "./snapshot.js";
import { notSavedText } from "./save-commands.js";

/** Addresses a reference to an unknown group in another VPC could still stand for. */
const NON_PUBLIC = IPV4_ALL.subtract(PUBLIC_INTERNET);

export function convertSecurityGroups(ctx: AwsContext, facts: InterfaceFacts): void {
  // One string object per distinct description start ("egress tcp 443 to "), with the permission's
  // shape (one object per protocol and ports, see match.ts), found by its protocol and ports: the
  // groups of a region repeat a few thousand of them ~10^5 times, and each built afresh was a tree of
  // concatenations.
  const texts: Texts = { egress: new Map(), ingress: new Map() };
  // What an unresolved reference of a group in VPC v may stand for, by v (see NON_PUBLIC).
  const unresolvedByVpc = new Map<string, IntervalSet>();
  const unresolvedIn = (vpcId: string | null | undefined): IntervalSet => {
    const cidrs = vpcId ? ctx.model.networks.get(vpcId)?.cidrs : undefined;
    if (!cidrs) return NON_PUBLIC;
    let set = unresolvedByVpc.get(vpcId!);
    if (!set) unresolvedByVpc.set(vpcId!, (set = NON_PUBLIC.union(cidrs)));
    return set;
  };
  // Without describe-network-interfaces, members are known only as instances' interfaces: a group's
  // other members (databases, load balancers, Lambda functions ...) may be anywhere a member can be.
  const partial = ctx.raw.present.has("NetworkInterfaces")
    ? undefined
    : (ctx.gapReason("NetworkInterfaces") ??
      `no NetworkInterfaces in the input: ${notSavedText("NetworkInterfaces")}`);
  const listed = new Set(ctx.raw.SecurityGroups.map((l) => l.item.GroupId));
  for (const loc of ctx.raw.SecurityGroups) {
    const sg = loc.item;
    const sameVpc = unresolvedIn(sg.VpcId);
    const refs: Refs = {
      listed,
      members: facts.members,
      maybeMembers: facts.maybeMembers,
      sameVpc,
      // An address an interface in the input has is not another's: the members not in the input
      // may have only the others.
      otherMembers:
        partial === undefined
          ? undefined
          : sameVpc.subtract(facts.held.get(sg.VpcId ?? "") ?? IntervalSet.EMPTY),
      partial,
    };
    const egress = rulesOf(ctx, loc, "IpPermissionsEgress", sg.IpPermissionsEgress, refs, texts);
    const ingress = rulesOf(ctx, loc, "IpPermissions", sg.IpPermissions, refs, texts);
    ctx.model.filters.set(sg.GroupId, {
      id: sg.GroupId,
      kind: "security-group",
      name: sg.GroupName ?? undefined,
      semantics: "union",
      stateful: true,
      egress,
      ingress,
      defaultRef: { resource: sg.GroupId, kind: "security-group", rule: null },
    });
  }
}

/** One direction's rules; a field the input lacks (or holds null) is rules not read, see unreadRules. */
function rulesOf(
  ctx: AwsContext,
  loc: Located<{ GroupId: string }>,
  field: "IpPermissionsEgress" | "IpPermissions",
  perms: RawIpPermission[] | null | undefined,
  refs: Refs,
  texts: Texts,
): Rule[] {
  if (perms) return expand(ctx, loc, field, perms, refs, texts);
  const id = loc.item.GroupId;
  const dir = field === "IpPermissionsEgress" ? "outbound" : "inbound";
  return unreadRules(
    ctx,
    { resource: id, kind: "security-group", rule: null, description: `${dir} rules not read` },
    `the ${dir} rules of security group ${id} are not in the input (its describe-security-groups output has no ${field})`,
  );
}

function expand(
  ctx: AwsContext,
  loc: Located<{ GroupId: string }>,
  field: "IpPermissionsEgress" | "IpPermissions",
  perms: RawIpPermission[],
  refs: Refs,
  texts: Texts,
): Rule[] {
  const groupId = loc.item.GroupId;
  const dir = field === "IpPermissionsEgress" ? "egress" : "ingress";
  const to = dir === "egress" ? "to" : "from";
  const rules: Rule[] = [];
  // A quota-size region has ~10^5 rules: what depends only on the permission (its protocol and port
  // set shape, the start of each rule's description) is worked out once per permission, and a CIDR's
  // JSON path only when it is bad.
  for (let i = 0; i < perms.length; i++) {
    const p = perms[i]!;
    let proto: number | null;
    try {
      proto = awsProtocol(p.IpProtocol);
    } catch (e) {
      if (!(e instanceof NetsetInputError)) throw e;
      const w = at(loc, field, i, "IpProtocol");
      throw new InputError(e.message, w.file, w.path);
    }
    const fromPort = p.FromPort ?? undefined;
    const toPort = p.ToPort ?? undefined;
    // One number for the protocol and both ports (integers in -1..65535 by the input schema; absent
    // as -2): one lookup per permission instead of ruleShape's three and the text's.
    const key = ((proto ?? 256) * 65538 + (fromPort ?? -2) + 2) * 65538 + (toPort ?? -2) + 2;
    let kind = texts[dir].get(key);
    if (kind === undefined) {
      let shape: Shape;
      try {
        shape = ruleShape(proto, fromPort, toPort);
      } catch (e) {
        if (!(e instanceof IcmpFieldError)) throw e;
        const w = at(loc, field, i, e.end === 0 ? "FromPort" : "ToPort");
        throw new InputError(e.message, w.file, w.path);
      }
      texts[dir].set(
        key,
        (kind = { shape, text: `${dir} ${protoPortsText(proto, fromPort, toPort)} ${to} ` }),
      );
    }
    const { shape, text } = kind;
    const first = rules.length;
    const perm: Permission = { groupId, shape, text, rules };
    const ranges = p.IpRanges ?? [];
    for (let j = 0; j < ranges.length; j++) {
      const r = ranges[j]!;
      const ips = cidrOrWhy(r.CidrIp, 4);
      if (typeof ips === "string") throw badAt(ips, loc, field, i, "IpRanges", j, "CidrIp");
      add(perm, r.CidrIp, ips, r.Description);
    }
    const ranges6 = p.Ipv6Ranges ?? [];
    for (let j = 0; j < ranges6.length; j++) {
      const r = ranges6[j]!;
      const ips = cidrOrWhy(r.CidrIpv6, 6);
      if (typeof ips === "string") throw badAt(ips, loc, field, i, "Ipv6Ranges", j, "CidrIpv6");
      add(perm, r.CidrIpv6, ips, r.Description);
    }
    for (const r of p.PrefixListIds ?? []) {
      const pl = ctx.prefixLists.get(r.PrefixListId);
      if (pl) add(perm, `${r.PrefixListId} (${pl.name})`, pl.set, r.Description);
      // Unknown entries could be any address: the rule may match anything on its protocol and ports.
      else
        add(perm, r.PrefixListId, IP_ALL, r.Description, unresolvedPrefixList(ctx, r.PrefixListId, groupId));
    }
    for (const r of p.UserIdGroupPairs ?? []) {
      const ref = r.GroupId ?? "(unnamed group)";
      const maybe = r.GroupId ? refs.maybeMembers.get(r.GroupId) : undefined;
      const ips = r.GroupId ? refs.members.get(r.GroupId) : undefined;
      if ((ips || maybe) && !r.VpcPeeringConnectionId) {
        const known = add(perm, `members of ${ref}`, ips ?? IntervalSet.EMPTY, r.Description);
        // Interfaces whose two listings disagree on whether they are in the group: in doubt, each
        // naming its own dispute.
        for (const m of maybe ?? []) {
          const doubtful = m.ips.subtract(ips ?? IntervalSet.EMPTY);
          if (!doubtful.isEmpty())
            perm.rules.push({
              ...known,
              match: shapeSet(perm.shape, doubtful),
              ref: { ...known.ref, description: `${perm.text}members of ${ref} in doubt` },
              unresolved: `whether an interface is a member of ${ref} (referenced by ${groupId}) cannot be told: ${m.why}`,
            });
        }
        // No interface surely a member, only disputed ones: if none of them is, the group has no
        // member in the input, and the reference stands for what an unresolved one may (below).
        if (ips === undefined && maybe) {
          const none = refs.sameVpc.subtract(IntervalSet.unionAll(maybe.map((m) => m.ips)));
          if (!none.isEmpty())
            perm.rules.push({
              ...known,
              match: shapeSet(perm.shape, none),
              ref: { ...known.ref, description: `${perm.text}members of ${ref} if it has none in the input` },
              unresolved: `whether ${ref} (referenced by ${groupId}) has any member in the input cannot be told (${maybe[0]!.why}); if not, its members are not in the input`,
            });
        }
        const rest = refs.otherMembers?.subtract(ips ?? IntervalSet.EMPTY) ?? IntervalSet.EMPTY;
        if (!rest.isEmpty())
          perm.rules.push({
            ...known,
            match: shapeSet(perm.shape, rest),
            ref: { ...known.ref, description: `${perm.text}other members of ${ref}` },
            unresolved: `the members of ${ref} referenced by ${groupId} other than instances' interfaces are not in the input (${refs.partial})`,
          });
      } else {
        add(
          perm,
          `members of ${ref}`,
          r.VpcPeeringConnectionId ? NON_PUBLIC : refs.sameVpc,
          r.Description,
          `the members of ${ref} referenced by ${groupId} are not in the input`,
        );
        // A group of this account's network that the input lacks is data the run did not read (a
        // peered VPC's is beyond what it reads at all).
        if (r.GroupId && !r.VpcPeeringConnectionId && !refs.listed.has(r.GroupId))
          innerSet(ctx.unlistedGroups, r.GroupId).add(groupId);
      }
    }
    if (shape.doubt !== undefined && rules.length > first) {
      const w = at(loc, field, i);
      const names = rules.slice(first).map((r) => r.ref.rule);
      ctx.model.warnings.push({
        resource: groupId,
        message: `${groupId} ${dir} rule ${names.join(", ")}: ${shape.doubt}; the packets only it could allow are unknown (${w.file} ${w.path})`,
      });
    }
  }
  return rules;
}

/** Group references: the members of each group in the input, and what an unresolved one may stand for. */
interface Refs {
  /** The groups the input describes. */
  listed: ReadonlySet<string>;
  members: Map<string, IntervalSet>;
  /** Addresses whose membership is in doubt (see InterfaceFacts.maybeMembers). */
  maybeMembers: Map<string, { ips: IntervalSet; why: string }[]>;
  /** For a group of the referencing group's VPC: non-public IPv4 and the VPC's own blocks. */
  sameVpc: IntervalSet;
  /** Why the members in the input may not be all of them, if they may not. */
  partial: string | undefined;
  /** Then, the addresses the other members of a group of the referencing group's VPC may have. */
  otherMembers: IntervalSet | undefined;
}

/** What the rules of one permission share. */
interface Permission {
  groupId: string;
  shape: Shape;
  /** "egress tcp 443 to ": the rule's description up to its peer. */
  text: string;
  /** The group's rule list (for this direction) the rules go to. */
  rules: Rule[];
}

/** One rule per peer entry: named by the entry's description, else by its position in the group. */
function add(
  perm: Permission,
  peer: string,
  ips: IntervalSet,
  description: string | null | undefined,
  unresolved?: string,
): Rule {
  const rule: Rule = {
    match: shapeSet(perm.shape, ips),
    action: "allow",
    ref: {
      resource: perm.groupId,
      kind: "security-group",
      rule: description || positionName(perm.rules.length + 1),
      description: perm.text + peer,
    },
  };
  // A doubtful port spelling leaves the whole rule undecided, whatever its peer.
  const doubt =
    perm.shape.doubt === undefined
      ? undefined
      : `${perm.groupId} rule ${rule.ref.rule}: ${perm.shape.doubt}, so what it allows is unknown`;
  const why = unresolved ?? doubt;
  if (why !== undefined) rule.unresolved = why;
  perm.rules.push(rule);
  return rule;
}

/** By direction, and protocol and ports (see expand): the permissions' shape and description start. */
interface Texts {
  egress: Map<number, { shape: Shape; text: string }>;
  ingress: Map<number, { shape: Shape; text: string }>;
}

/** "#n": the name of an undescribed rule, one string per position for every group. */
const positionNames: string[] = [];
function positionName(n: number): string {
  return (positionNames[n] ??= `#${n}`);
}
