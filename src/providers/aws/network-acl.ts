// NetworkAcls -> stateless first-match Filter. Entries are evaluated lowest rule number first in each
// direction; the `*` entries (printed as 32767 for IPv4 and 32768 for IPv6) and the implicit end deny.
import { NetsetInputError, PROTO } from "../../netset/index.js";
import { InputError, jsonPath } from "../../model/errors.js";
import type { Filter, Rule } from "../../model/types.js";
import { at, cidrAt, nameTag, unreadRules, type AwsContext } from "./context.js";
import type { RawNetworkAcl } from "./raw.js";
import { awsProtocol, protoPorts, protoPortsText } from "./match.js";

/** User rules are numbered 1..32766; above are the built-in `*` entries (32767 IPv4, 32768 IPv6). */
const LAST_USER_RULE = 32766;
const STAR_IPV4 = 32767;
const STAR_IPV6 = 32768;

export function convertNetworkAcls(ctx: AwsContext): void {
  for (const loc of ctx.raw.NetworkAcls) {
    const acl = loc.item;
    const egress: { n: number; rule: Rule }[] = [];
    const ingress: { n: number; rule: Rule }[] = [];
    // AWS numbers each direction's entries uniquely: where one number is there twice, which entry
    // comes first cannot be told (the first listed would be a guess). The same entry twice is read once.
    const byNumber = new Map<string, { i: number; rule: Rule }>();
    const entries = acl.Entries;
    if (!entries) {
      // Both directions' rules are in Entries: neither was read (see unreadRules).
      const reason = `the entries of network ACL ${acl.NetworkAclId} are not in the input (its describe-network-acls output has no Entries)`;
      const ref = {
        resource: acl.NetworkAclId,
        kind: "network-acl",
        rule: null,
        description: "entries not read",
      };
      const rules = unreadRules(ctx, ref, reason);
      ctx.model.filters.set(acl.NetworkAclId, { ...aclFilter(acl), egress: rules, ingress: rules });
      continue;
    }
    entries.forEach((e, i) => {
      const cidrText = e.CidrBlock ?? e.Ipv6CidrBlock;
      if (!cidrText) {
        const where = at(loc, "Entries", i);
        throw new InputError("expected CidrBlock or Ipv6CidrBlock", where.file, where.path);
      }
      const ips = e.CidrBlock
        ? cidrAt(e.CidrBlock, 4, loc, "Entries", i, "CidrBlock")
        : cidrAt(cidrText, 6, loc, "Entries", i, "Ipv6CidrBlock");
      let proto: number | null;
      try {
        proto = awsProtocol(e.Protocol);
      } catch (err) {
        if (!(err instanceof NetsetInputError)) throw err;
        const where = at(loc, "Entries", i, "Protocol");
        throw new InputError(err.message, where.file, where.path);
      }
      // The type and code for ICMP, the port range for TCP/UDP: some tools print both fields on every
      // entry, and the one that does not fit the protocol means nothing.
      const icmp = proto === PROTO.ICMP || proto === PROTO.ICMPV6;
      const a = (icmp ? e.IcmpTypeCode?.Type : e.PortRange?.From) ?? undefined;
      const b = (icmp ? e.IcmpTypeCode?.Code : e.PortRange?.To) ?? undefined;
      const n = e.RuleNumber;
      const star = n === STAR_IPV4 || n === STAR_IPV6;
      const ruleName = star ? "*" : String(n);
      const text = `${e.RuleAction} ${protoPortsText(proto, a, b)} ${e.Egress ? "to" : "from"} ${cidrText}`;
      // (The input schema bounds IcmpTypeCode to -1..255, so the spelling is never out of range here.)
      const spelled = protoPorts(proto, a, b, ips);
      const rule: Rule = {
        match: spelled.match,
        action: e.RuleAction,
        ref: {
          resource: acl.NetworkAclId,
          kind: "network-acl",
          rule: ruleName,
          description: `rule ${ruleName}: ${text}`,
        },
      };
      // AWS numbers user entries 1..32766 and prints its `*` entries as 32767 and 32768: another number
      // (0, -5, 1.5, 40000: a hand-made or damaged file) says nothing sure of where the entry stands.
      const numbered = star || (Number.isInteger(n) && n >= 1 && n <= LAST_USER_RULE);
      const doubt = numbered
        ? spelled.doubt
        : `rule number ${n} is not one AWS gives (1-32766, and 32767 or 32768 for its * entries)`;
      if (doubt !== undefined) {
        // First match: the packets that reach this entry stop there, undecided.
        // Rule numbers repeat across the two directions: the direction names the entry.
        const entry = `${acl.NetworkAclId} ${e.Egress ? "outbound" : "inbound"} rule ${ruleName}`;
        rule.unresolved = `${entry}: ${doubt}, so what it matches is unknown`;
        const where = at(loc, "Entries", i);
        ctx.model.warnings.push({
          resource: acl.NetworkAclId,
          message: `${entry}: ${doubt}; the packets that reach it are unknown (${where.file} ${where.path})`,
        });
      }
      const key = `${e.Egress ? "outbound" : "inbound"} rule ${e.RuleNumber}`;
      const twin = byNumber.get(key);
      if (twin) {
        const t = twin.rule;
        if (t.action === rule.action && t.match.equals(rule.match) && t.unresolved === rule.unresolved)
          return;
        const where = at(loc, "Entries", i);
        throw new InputError(
          `${key} is also at ${jsonPath([...loc.path, "Entries", twin.i])} and says otherwise (AWS numbers each direction's rules uniquely; two versions of ${acl.NetworkAclId}?)`,
          where.file,
          where.path,
        );
      }
      byNumber.set(key, { i, rule });
      (e.Egress ? egress : ingress).push({ n: e.RuleNumber, rule });
    });
    const ordered = (list: { n: number; rule: Rule }[]) => list.sort((x, y) => x.n - y.n).map((x) => x.rule);
    ctx.model.filters.set(acl.NetworkAclId, {
      ...aclFilter(acl),
      egress: ordered(egress),
      ingress: ordered(ingress),
    });
  }
}

/** The filter of a network ACL, without its rules. */
function aclFilter(acl: RawNetworkAcl): Omit<Filter, "egress" | "ingress"> {
  return {
    id: acl.NetworkAclId,
    kind: "network-acl",
    name: nameTag(acl.Tags),
    semantics: "first-match",
    stateful: false,
    defaultRef: {
      resource: acl.NetworkAclId,
      kind: "network-acl",
      rule: "*",
      description: "rule *: deny everything else",
    },
  };
}
