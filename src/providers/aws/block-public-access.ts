// VpcBlockPublicAccessOptions and VpcBlockPublicAccessExclusions -> each VPC's internet block. The
// options are one object per region; a VPC takes its region's from its subnets' availability zones
// ("us-east-1a" is in us-east-1), or, where those do not tell the region, the only options in the input.
import { innerList } from "../../model/maps.js";
import { someOf } from "../../model/missing.js";
import { ascending } from "../../model/order.js";
import type { InternetBlock } from "../../model/types.js";
import { gapText, type AwsContext } from "./context.js";
import type { AwsRaw } from "./snapshot.js";

const MODES: Record<string, InternetBlock["mode"] | null> = {
  off: null,
  "block-bidirectional": "bidirectional",
  "block-ingress": "ingress",
};
const EXCLUSION_MODES: Record<string, "bidirectional" | "egress"> = {
  "allow-bidirectional": "bidirectional",
  "allow-egress": "egress",
};

const REGION_OF_ZONE = /^([a-z]{2}(?:-[a-z]+)+-\d+)(?:[a-z]$|-)/;

/** The regions a VPC's subnets' availability zones are in ("us-east-1a", "us-east-1-bos-1a": us-east-1). */
function regionsOf(zones: readonly string[]): Set<string> {
  return new Set(zones.flatMap((z) => REGION_OF_ZONE.exec(z)?.[1] ?? []));
}

export function convertBlockPublicAccess(ctx: AwsContext): void {
  const zonesByVpc = new Map<string, string[]>();
  for (const { item: s } of ctx.raw.Subnets)
    if (s.AvailabilityZone) innerList(zonesByVpc, s.VpcId).push(s.AvailabilityZone);
  // A read that failed (denied, say) leaves internet gateway traffic undecided: the setting may block
  // it. The setting is per region: a failure in one region leaves that region's VPCs undecided, and
  // those whose region cannot be told (other regions' VPCs keep what their own reads said).
  const gaps = new Map<string, string>();
  for (const { item: g } of ctx.raw.EgressAuditCollectionGaps)
    if (g.key === "VpcBlockPublicAccessOptions") gaps.set(g.region, gapText(g));
  const gap = ctx.gapReason("VpcBlockPublicAccessOptions");
  const exclusionsGap = ctx.gapReason("VpcBlockPublicAccessExclusions");
  const unread = new Set<string>();
  if (gap !== undefined)
    for (const net of ctx.model.networks.values()) {
      const regions = regionsOf(zonesByVpc.get(net.id) ?? []);
      const failed = [...regions].find((r) => gaps.has(r));
      if (regions.size > 0 && failed === undefined) continue;
      unread.add(net.id);
      net.internetBlock = {
        mode: "bidirectional",
        ref: { resource: "vpc-block-public-access", kind: "vpc-block-public-access", rule: null },
        exempt: new Map(),
        pending: new Map(),
        unknown: `VPC Block Public Access could not be read (${failed !== undefined ? gaps.get(failed)! : gap}): it may block internet gateway traffic`,
      };
    }
  // One setting per region: the same region saved twice (two snapshots in one folder) counts once.
  const byRegion = new Map<string, RawOptions>();
  const conflicting = new Set<string>();
  for (const { item: o } of ctx.raw.VpcBlockPublicAccessOptions) {
    const key = o.AwsRegion ?? "";
    const seen = byRegion.get(key);
    if (seen && (modeText(seen) !== modeText(o) || seen.ExclusionsAllowed !== o.ExclusionsAllowed))
      conflicting.add(key);
    byRegion.set(key, o);
  }
  const options = [...byRegion.values()];
  noteNotSaved(ctx, unread);
  // Off everywhere (the default): nothing to tell apart.
  if (conflicting.size === 0 && options.every((o) => modeText(o) === "off")) return;
  for (const net of ctx.model.networks.values()) {
    if (unread.has(net.id)) continue;
    const zones = zonesByVpc.get(net.id) ?? [];
    const regions = regionsOf(zones);
    const inRegion = (region: string | null | undefined): boolean =>
      !!region && zones.some((z) => z.startsWith(region) && /^[a-z-]/.test(z.slice(region.length)));
    // A setting is its region's only: a VPC whose region the input has none for is audited as one
    // saved without it. Only where the zones do not tell the region does the only setting apply.
    const mine =
      regions.size > 0
        ? options.filter((o) => regions.has(o.AwsRegion ?? ""))
        : options.length === 1
          ? options
          : options.filter((o) => inRegion(o.AwsRegion));
    if (regions.size > 0 && mine.length === 0) continue;
    const region = mine[0]?.AwsRegion ?? "?";
    const ref = {
      resource: `vpc-block-public-access/${region}`,
      kind: "vpc-block-public-access",
      rule: null,
    };
    if (mine.length !== 1 || conflicting.has(mine[0]!.AwsRegion ?? "")) {
      net.internetBlock = {
        mode: "bidirectional",
        ref,
        exempt: new Map(),
        pending: new Map(),
        unknown:
          mine.length === 1
            ? `the input holds two different VPC Block Public Access settings for ${region}`
            : `which region's VPC Block Public Access applies to ${net.id} cannot be told (its subnets' availability zones match ${mine.length} of the ${options.length} regions' settings)`,
      };
      continue;
    }
    const o = mine[0]!;
    const text = modeText(o);
    if (text === undefined) {
      net.internetBlock = {
        mode: "bidirectional",
        ref,
        exempt: new Map(),
        pending: new Map(),
        unknown: `VPC Block Public Access in ${region} is ${o.State ?? "of no state"} in the input but its InternetGatewayBlockMode is not (describe-vpc-block-public-access-options always prints it): it may block internet gateway traffic`,
      };
      continue;
    }
    const mode = MODES[text];
    if (mode === null) continue;
    const block: InternetBlock = {
      mode: mode ?? "bidirectional",
      ref: { ...ref, rule: text },
      exempt: new Map(),
      pending: new Map(),
    };
    if (mode === undefined)
      block.unknown = `VPC Block Public Access mode ${JSON.stringify(text)} in ${region} is not one this version knows`;
    else if (exclusionsGap !== undefined && o.ExclusionsAllowed !== "not-allowed")
      block.exclusionsUnknown = `VPC Block Public Access is ${text} in ${region}, and its exclusions could not be read (${exclusionsGap})`;
    // Exclusions not saved are not "none": one may exempt any VPC or subnet.
    else if (!ctx.raw.present.has("VpcBlockPublicAccessExclusions") && o.ExclusionsAllowed !== "not-allowed")
      block.exclusionsUnknown = `VPC Block Public Access is ${text} in ${region}, and its exclusions are not in the input (aws ec2 describe-vpc-block-public-access-exclusions was not saved)`;
    if (o.ExclusionsAllowed !== "not-allowed")
      for (const { item: e } of ctx.raw.VpcBlockPublicAccessExclusions) {
        const id = e.ResourceArn?.split("/").pop();
        const allows = EXCLUSION_MODES[e.InternetGatewayExclusionMode ?? ""];
        if (!id || !allows) continue;
        const state = e.State ?? "create-complete";
        if (state === "create-complete" || state === "update-complete") {
          // AWS keeps one exclusion per VPC or subnet; two that disagree (two snapshots) cannot be told apart.
          const seen = block.exempt.get(id);
          if (seen !== undefined && seen !== allows)
            block.pending.set(id, "listed twice with different modes");
          block.exempt.set(id, allows);
        } else if (state.endsWith("-in-progress") || state === "update-failed") block.pending.set(id, state);
      }
    // An exclusion in doubt does not let anything out.
    for (const id of block.pending.keys())
      if (block.pending.get(id) === "listed twice with different modes") block.exempt.delete(id);
    net.internetBlock = block;
  }
}

type RawOptions = AwsRaw["VpcBlockPublicAccessOptions"][number]["item"];

/**
 * The setting's mode as the input gives it. describe-vpc-block-public-access-options always prints it;
 * without it, it is off only where State says the setting was never changed (default-state), and
 * otherwise not known (undefined): an update may have turned it on.
 */
function modeText(o: RawOptions): string | undefined {
  return o.InternetGatewayBlockMode ?? (o.State === "default-state" ? "off" : undefined);
}

/**
 * A warning naming the VPCs that route to an internet or egress-only gateway when the setting is not in
 * the input at all (a Batfish layout, a folder saved before the setting existed): they are audited as
 * with it off, its default. Only "allowed" can be wrong that way (where it is on, AWS blocks more), so
 * it is a warning rather than an unknown: what the audit says gets out is never less than what does.
 * (A folder with some regions' settings, or a live read in a region that does not offer the setting,
 * which saves none, cannot be told from a region whose setting was not saved: no warning there.)
 */
function noteNotSaved(ctx: AwsContext, unread: ReadonlySet<string>): void {
  if (ctx.raw.present.has("VpcBlockPublicAccessOptions")) return;
  const concerned = new Set<string>();
  for (const { item: t } of ctx.raw.RouteTables)
    if (
      !unread.has(t.VpcId) &&
      (t.Routes ?? []).some(
        (r) => r.GatewayId?.startsWith("igw-") === true || !!r.EgressOnlyInternetGatewayId,
      )
    )
      concerned.add(t.VpcId);
  if (concerned.size === 0) return;
  ctx.model.warnings.push({
    resource: "vpc-block-public-access",
    message: `VPC Block Public Access is not in the input (aws ec2 describe-vpc-block-public-access-options was not saved): ${someOf([...concerned].sort(ascending), 5)} audited as with it off, its default; where it is on, AWS blocks internet gateway traffic this audit reports as allowed`,
  });
}
