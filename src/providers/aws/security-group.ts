// SecurityGroups -> stateful allow-union Filter. Each permission expands to one rule per peer entry
// (CIDR, IPv6 CIDR, prefix list, referenced group). A referenced group matches only its members' private
// addresses, so it can never open the internet; one we cannot resolve leaves only non-public addresses
// in doubt.
import {
  IntervalSet,
  IP_ALL,
  IPV4_ALL,
  NetsetInputError,
  parseCidr,
  PUBLIC_INTERNET,
} from "../../netset/index.js";
import { InputError } from "../../model/errors.js";
import type { Rule } from "../../model/types.js";
import { at, type AwsContext } from "./context.js";
import { awsProtocol, protoPorts, protoPortsText } from "./match.js";
import type { RawIpPermission } from "./raw.js";
import type { Located } from "./snapshot.js";

/** Addresses a reference to an unknown group could still stand for: anything but the public internet. */
const NON_PUBLIC = IPV4_ALL.subtract(PUBLIC_INTERNET);

export function convertSecurityGroups(ctx: AwsContext, members: Map<string, IntervalSet>): void {
  for (const loc of ctx.raw.SecurityGroups) {
    const sg = loc.item;
    const egress = expand(ctx, loc, "IpPermissionsEgress", sg.IpPermissionsEgress ?? [], members);
    const ingress = expand(ctx, loc, "IpPermissions", sg.IpPermissions ?? [], members);
    ctx.model.filters.set(sg.GroupId, {
      id: sg.GroupId,
      kind: "security-group",
      name: sg.GroupName,
      semantics: "union",
      stateful: true,
      egress,
      ingress,
      defaultRef: { resource: sg.GroupId, kind: "security-group", rule: null },
    });
  }
}

function expand(
  ctx: AwsContext,
  loc: Located<{ GroupId: string }>,
  field: "IpPermissionsEgress" | "IpPermissions",
  perms: RawIpPermission[],
  members: Map<string, IntervalSet>,
): Rule[] {
  const groupId = loc.item.GroupId;
  const dir = field === "IpPermissionsEgress" ? "egress" : "ingress";
  const to = dir === "egress" ? "to" : "from";
  const rules: Rule[] = [];
  perms.forEach((p, i) => {
    let proto: number | null;
    try {
      proto = awsProtocol(p.IpProtocol);
    } catch (e) {
      if (e instanceof NetsetInputError) {
        const w = at(loc, field, i, "IpProtocol");
        throw new InputError(e.message, w.file, w.path);
      }
      throw e;
    }
    const what = protoPortsText(proto, p.FromPort, p.ToPort);
    const add = (peer: string, ips: IntervalSet, description: string | undefined, unresolved?: string) => {
      const n = rules.length + 1;
      const rule: Rule = {
        match: protoPorts(proto, p.FromPort, p.ToPort, ips),
        action: "allow",
        ref: {
          resource: groupId,
          kind: "security-group",
          rule: description || `#${n}`,
          description: `${dir} ${what} ${to} ${peer}`,
        },
      };
      if (unresolved) rule.unresolved = unresolved;
      rules.push(rule);
    };
    // What cidrAt does, with the JSON path built only for a bad CIDR: a quota-size region has ~10^5
    // rules, and building every path up front cost more than parsing.
    const cidr = (text: string, list: string, j: number, key: string): IntervalSet => {
      try {
        return parseCidr(text);
      } catch (e) {
        if (!(e instanceof NetsetInputError)) throw e;
        const w = at(loc, field, i, list, j, key);
        throw new InputError(e.message, w.file, w.path);
      }
    };
    p.IpRanges?.forEach((r, j) => add(r.CidrIp, cidr(r.CidrIp, "IpRanges", j, "CidrIp"), r.Description));
    p.Ipv6Ranges?.forEach((r, j) =>
      add(r.CidrIpv6, cidr(r.CidrIpv6, "Ipv6Ranges", j, "CidrIpv6"), r.Description),
    );
    for (const r of p.PrefixListIds ?? []) {
      const pl = ctx.prefixLists.get(r.PrefixListId);
      if (pl) add(`${r.PrefixListId} (${pl.name})`, pl.set, r.Description);
      // Unknown entries could be any address: the rule may match anything on its protocol and ports.
      else
        add(
          r.PrefixListId,
          IP_ALL,
          r.Description,
          `prefix list ${r.PrefixListId} used by ${groupId} is not in the input`,
        );
    }
    for (const r of p.UserIdGroupPairs ?? []) {
      const ref = r.GroupId ?? "(unnamed group)";
      const ips = r.GroupId ? members.get(r.GroupId) : undefined;
      if (ips && !r.VpcPeeringConnectionId) add(`members of ${ref}`, ips, r.Description);
      else
        add(
          `members of ${ref}`,
          NON_PUBLIC,
          r.Description,
          `the members of ${ref} referenced by ${groupId} are not in the input`,
        );
    }
  });
  return rules;
}
