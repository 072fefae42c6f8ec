// VpcBlockPublicAccessOptions and VpcBlockPublicAccessExclusions -> each VPC's internet block. The
// options are one object per account and region, and govern the VPCs that account owns; a VPC takes its
// region's from its subnets' availability zones ("us-east-1a" is in us-east-1), or, where those do not
// tell the region, the only options in the input; and its owner's (describe-vpcs' OwnerId) where the
// input holds several accounts' settings for that region.
import { dirname } from "node:path";
import { innerSet } from "../../model/maps.js";
import { someOf } from "../../model/missing.js";
import { ascending } from "../../model/order.js";
import type { InternetBlock } from "../../model/types.js";
import { gapsByRegion, regionsOf, subnetZonesByVpc, unprinted, type AwsContext } from "./context.js";
import type { AwsRaw } from "./snapshot.js";
import { notSavedText } from "./save-commands.js";

const MODES: Record<string, InternetBlock["mode"] | null> = {
  off: null,
  "block-bidirectional": "bidirectional",
  "block-ingress": "ingress",
};
const EXCLUSION_MODES: Record<string, "bidirectional" | "egress"> = {
  "allow-bidirectional": "bidirectional",
  "allow-egress": "egress",
};
/** The setting's states AWS prints (VpcBlockPublicAccessState). */
const STATES = new Set(["default-state", "update-in-progress", "update-complete"]);
/** Whether the setting lets exclusions apply, as AWS prints it (VpcBlockPublicAccessExclusionsAllowed). */
const EXCLUSIONS_ALLOWED = new Set(["allowed", "not-allowed"]);
/** An exclusion's states AWS prints (VpcBlockPublicAccessExclusionState). */
const EXCLUSION_STATES = new Set([
  "create-in-progress",
  "create-complete",
  "create-failed",
  "update-in-progress",
  "update-complete",
  "update-failed",
  "delete-in-progress",
  "delete-complete",
  "disable-in-progress",
  "disable-complete",
]);
/** Exclusion states in which it exempts nothing, and never will: it was not made, or is gone. */
const EXCLUSION_GONE = new Set(["create-failed", "delete-complete", "disable-complete"]);

/** `field "value", which is not one AWS prints (a, b, c)`: a value read as missing data. */
function fieldUnprinted(field: string, value: string, printed: Iterable<string>): string {
  return `${field} ${unprinted(value, printed)}`;
}

export function convertBlockPublicAccess(ctx: AwsContext): void {
  const zonesByVpc = subnetZonesByVpc(ctx);
  const owners = vpcOwners(ctx);
  // A read that failed (denied, say) leaves internet gateway traffic undecided: the setting may block
  // it. The setting is per account and region, but a gap names only the region (a live run reads one
  // account; a folder holding several accounts' snapshots cannot tell whose call failed): a failure in
  // one region leaves that region's VPCs undecided, whichever account owns them, and those whose region
  // cannot be told (other regions' VPCs keep what their own reads said).
  const gaps = gapsByRegion(ctx, "VpcBlockPublicAccessOptions");
  const gap = ctx.gapReason("VpcBlockPublicAccessOptions");
  const exclusionGaps = gapsByRegion(ctx, "VpcBlockPublicAccessExclusions");
  const unread = new Set<string>();
  /** Exclusions already listed under unknowns (one may concern several VPCs' settings). */
  const noted = new Set<string>();
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
  // One setting per account and region: the same one saved twice (two snapshots in one folder) counts
  // once. A setting printed without AwsAccountId (output from before the field, a hand-made file) is
  // its region's setting of an account not said.
  const byKey = new Map<string, RawOptions>();
  const conflicting = new Set<string>();
  const foldersOf = new Map<string, Set<string>>();
  const keysIn = new Map<string, Set<string>>();
  for (const { item: o, file } of ctx.raw.VpcBlockPublicAccessOptions) {
    const key = keyOf(o);
    innerSet(foldersOf, key).add(dirname(file));
    innerSet(keysIn, dirname(file)).add(key);
    const seen = byKey.get(key);
    // (One saved while AWS was updating it beside one saved after, say: which is the newer cannot be told.)
    if (
      seen &&
      (modeText(seen) !== modeText(o) ||
        seen.ExclusionsAllowed !== o.ExclusionsAllowed ||
        settled(seen) !== settled(o))
    )
      conflicting.add(key);
    byKey.set(key, o);
  }
  const options = [...byKey.values()];
  // Exclusions not saved are not "none" (one may exempt any VPC or subnet). With one setting in the
  // input, any exclusions saved are its; with several accounts' or regions', describe-vpc-block-public-
  // access-exclusions' answer (an empty list, often) does not say whose: they count as saved for a
  // setting saved in the same folder only (as each account's region is kept, and --save-snapshot
  // writes each region), and one that holds no other account's or region's setting (whose they are
  // cannot be told there: a flat folder of two accounts' files).
  const exclusionFolders = new Set(
    [...(ctx.raw.presentIn.get("VpcBlockPublicAccessExclusions") ?? [])].map((f) => dirname(f)),
  );
  const exclusionsSaved = (o: RawOptions): boolean =>
    options.length <= 1
      ? ctx.raw.present.has("VpcBlockPublicAccessExclusions")
      : [...(foldersOf.get(keyOf(o)) ?? [])].some(
          (f) => exclusionFolders.has(f) && keysIn.get(f)!.size === 1,
        );
  // The regions whose settings the input holds for more than one account: the resource a verdict names
  // there says whose it is.
  const accountsIn = new Map<string, Set<string>>();
  for (const o of options) innerSet(accountsIn, o.AwsRegion ?? "").add(o.AwsAccountId ?? "");
  /** VPCs whose owner's setting is not in the input though other accounts' in their region are. */
  const ownerNotSaved = new Map<string, string>();
  for (const net of ctx.model.networks.values()) {
    if (unread.has(net.id)) continue;
    const zones = zonesByVpc.get(net.id) ?? [];
    const regions = regionsOf(zones);
    const inRegion = (region: string | null | undefined): boolean =>
      !!region && zones.some((z) => z.startsWith(region) && /^[a-z-]/.test(z.slice(region.length)));
    // A setting is its region's only: a VPC whose region the input has none for is audited as one
    // saved without it. Only where the zones do not tell the region does the only setting apply.
    const inItsRegion =
      regions.size > 0
        ? options.filter((o) => regions.has(o.AwsRegion ?? ""))
        : options.length === 1
          ? options
          : options.filter((o) => inRegion(o.AwsRegion));
    if ((regions.size > 0 || options.length === 0) && inItsRegion.length === 0) continue;
    // And its account's only (AWS: it blocks "resources in VPCs and subnets that you own"): the VPC's
    // owner's, where both are known. Where either is not, the region's settings must be one account's.
    const owner = owners.get(net.id);
    const accounts = new Set(inItsRegion.map((o) => o.AwsAccountId ?? ""));
    let mine = inItsRegion;
    let whose: string | undefined;
    if (owner && !accounts.has("") && !accounts.has(owner)) {
      // Other accounts' settings only: this VPC's owner's was not saved.
      ownerNotSaved.set(net.id, owner);
      continue;
    }
    if (accounts.size > 1) {
      if (owner && !accounts.has("")) mine = inItsRegion.filter((o) => o.AwsAccountId === owner);
      else
        whose =
          owner === undefined
            ? `the account that owns ${net.id} is not in the input (describe-vpcs prints it as OwnerId), and the input holds the VPC Block Public Access settings of ${accounts.size} accounts for its region: which applies cannot be told`
            : `the input holds VPC Block Public Access settings for ${net.id}'s region saved without AwsAccountId beside other accounts' ones: whether one is its owner's (${owner}) cannot be told`;
    }
    // Off in each setting it may be, and not being changed: nothing blocks, whichever applies.
    if (
      mine.length > 0 &&
      mine.every((o) => modeText(o) === "off" && settled(o) && !conflicting.has(keyOf(o)))
    )
      continue;
    const o0 = mine[0];
    const region = o0?.AwsRegion ?? "?";
    const ref = {
      resource:
        o0?.AwsAccountId && (accountsIn.get(region)?.size ?? 0) > 1
          ? `vpc-block-public-access/${region}/${o0.AwsAccountId}`
          : `vpc-block-public-access/${region}`,
      kind: "vpc-block-public-access",
      rule: null,
    };
    if (whose !== undefined || mine.length !== 1 || conflicting.has(keyOf(mine[0]!))) {
      net.internetBlock = {
        mode: "bidirectional",
        ref,
        exempt: new Map(),
        pending: new Map(),
        unknown:
          whose ??
          (mine.length === 1
            ? `the input holds two different VPC Block Public Access settings for ${region}${mine[0]!.AwsAccountId ? ` of account ${mine[0]!.AwsAccountId}` : ""}`
            : `which region's VPC Block Public Access applies to ${net.id} cannot be told (its subnets' availability zones match ${mine.length} of the ${options.length} regions' settings)`),
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
    // describe-vpc-block-public-access-options prints a State beside the mode: one AWS does not print
    // leaves whether that mode applies untold (missing data), and an update in progress (a change AWS
    // is making: not missing data) may leave the old mode in force a while, which the input does not
    // hold: whatever either could block is unknown. A State not saved is missing data too.
    if (o.State == null || !STATES.has(o.State)) {
      net.internetBlock = {
        mode: "bidirectional",
        ref,
        exempt: new Map(),
        pending: new Map(),
        unknown: `VPC Block Public Access in ${region} ${o.State == null ? "is in the input without its State (describe-vpc-block-public-access-options always prints it)" : `has ${fieldUnprinted("State", o.State, STATES)}`}, so whether its mode (${text}) applies cannot be told: it may block internet gateway traffic`,
      };
      continue;
    }
    if (o.State === "update-in-progress") {
      net.internetBlock = {
        mode: "bidirectional",
        ref: { ...ref, rule: text },
        exempt: new Map(),
        pending: new Map(),
        changing: `VPC Block Public Access in ${region} is being changed (State update-in-progress; mode ${text} printed): which mode applies until AWS completes the update cannot be told`,
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
    // A gap in the exclusions of the setting's region (or, where the setting does not say its region,
    // any region's).
    const exclusionsGap =
      o.AwsRegion && exclusionGaps.size > 0
        ? exclusionGaps.get(o.AwsRegion)
        : ctx.gapReason("VpcBlockPublicAccessExclusions");
    if (mode === undefined)
      block.unknown = `VPC Block Public Access in ${region} has ${fieldUnprinted("InternetGatewayBlockMode", text, Object.keys(MODES))}, so what it blocks cannot be told`;
    else if (exclusionsGap !== undefined && o.ExclusionsAllowed !== "not-allowed")
      block.exclusionsUnknown = `VPC Block Public Access is ${text} in ${region}, and its exclusions could not be read (${exclusionsGap})`;
    // Exclusions not saved are not "none": one may exempt any VPC or subnet.
    else if (!exclusionsSaved(o) && o.ExclusionsAllowed !== "not-allowed")
      block.exclusionsUnknown = ctx.raw.present.has("VpcBlockPublicAccessExclusions")
        ? `VPC Block Public Access is ${text} in ${region}${o.AwsAccountId ? ` for account ${o.AwsAccountId}` : ""}, and its exclusions are not in the input beside it (describe-vpc-block-public-access-exclusions was saved only for other accounts' or regions' settings, or in a folder holding several accounts' or regions' settings, where whose it is cannot be told: save it beside describe-vpc-block-public-access-options, one folder per account and region)`
        : `VPC Block Public Access is ${text} in ${region}, and its exclusions are not in the input (${notSavedText("VpcBlockPublicAccessExclusions")})`;
    if (o.ExclusionsAllowed !== "not-allowed") readExclusions(ctx, net.id, block, o, region, noted);
    net.internetBlock = block;
  }
  noteNotSaved(ctx, unread, ownerNotSaved);
}

/**
 * The exclusions of setting `o` into `block`, the block of VPC `vpc` (where exclusions may apply):
 * one complete exempts its VPC or subnet, one in progress (or whose update failed: its mode then is
 * not printed) leaves it in doubt (`pending`: unknown, not missing data), and one with a mode or
 * state AWS does not print, or none, or under an ExclusionsAllowed AWS does not print, leaves it in
 * doubt as missing data: listed under unknowns where it concerns this VPC or one of its subnets. One
 * without ResourceArn may exempt any of them: what the mode blocks is then unknown.
 */
function readExclusions(
  ctx: AwsContext,
  vpc: string,
  block: InternetBlock,
  o: RawOptions,
  region: string,
  noted: Set<string>,
): void {
  const mine = (id: string): boolean =>
    id === vpc || ctx.raw.Subnets.some(({ item: s }) => s.SubnetId === id && s.VpcId === vpc);
  const inDoubt = new Set<string>();
  const doubt = (id: string, now: string, why: string, resource: string): void => {
    block.pending.set(id, now);
    inDoubt.add(id);
    if (!mine(id) || noted.has(resource)) return;
    noted.add(resource);
    ctx.model.unknowns.push({ resource, message: why });
  };
  const allowedRead = o.ExclusionsAllowed == null || EXCLUSIONS_ALLOWED.has(o.ExclusionsAllowed);
  for (const { item: e } of ctx.raw.VpcBlockPublicAccessExclusions) {
    if (e.State != null && EXCLUSION_GONE.has(e.State)) continue;
    const id = e.ResourceArn?.split("/").pop();
    const name = e.ExclusionId ?? "an exclusion";
    if (!id) {
      block.exclusionsUnknown ??= `VPC Block Public Access is ${block.ref.rule} in ${region}, and ${name} is in the input without its ResourceArn (describe-vpc-block-public-access-exclusions always prints it): which VPC or subnet it exempts cannot be told`;
      continue;
    }
    const mode = e.InternetGatewayExclusionMode;
    const [field, value, printed] =
      e.State == null || !EXCLUSION_STATES.has(e.State)
        ? ["State", e.State, EXCLUSION_STATES]
        : mode == null || !EXCLUSION_MODES[mode]
          ? ["InternetGatewayExclusionMode", mode, Object.keys(EXCLUSION_MODES)]
          : [];
    if (field !== undefined) {
      const bad = value == null ? `without its ${field}` : `of ${fieldUnprinted(field, value, printed!)}`;
      doubt(
        id,
        bad,
        `${name} for ${id} is in the input ${bad}${value == null ? " (describe-vpc-block-public-access-exclusions always prints it)" : ""}, so whether it lets ${id}'s internet gateway traffic out cannot be told`,
        e.ExclusionId ?? id,
      );
      continue;
    }
    const allows = EXCLUSION_MODES[mode!]!;
    const state = e.State!;
    if (state === "create-complete" || state === "update-complete") {
      if (!allowedRead) {
        doubt(
          id,
          `under ${fieldUnprinted("ExclusionsAllowed", o.ExclusionsAllowed!, EXCLUSIONS_ALLOWED)}`,
          `VPC Block Public Access in ${region} has ${fieldUnprinted("ExclusionsAllowed", o.ExclusionsAllowed!, EXCLUSIONS_ALLOWED)}, so whether ${name} for ${id} applies cannot be told`,
          block.ref.resource,
        );
        continue;
      }
      // AWS keeps one exclusion per VPC or subnet; two that disagree (two snapshots) cannot be told apart.
      const seen = block.exempt.get(id);
      if (seen !== undefined && seen !== allows) {
        block.pending.set(id, "listed twice with different modes");
        inDoubt.add(id);
      }
      block.exempt.set(id, allows);
    } else block.pending.set(id, state);
  }
  // An exclusion in doubt does not let anything out.
  for (const id of inDoubt) block.exempt.delete(id);
}

/** Whether the setting is as AWS printed it last: not being changed, and in a state AWS prints. */
function settled(o: RawOptions): boolean {
  return o.State != null && STATES.has(o.State) && o.State !== "update-in-progress";
}

/** A setting's account and region, as one key. */
function keyOf(o: RawOptions): string {
  return `${o.AwsAccountId ?? ""}\u0000${o.AwsRegion ?? ""}`;
}

/**
 * The account that owns each VPC: describe-vpcs' OwnerId, else its subnets' (a subnet is its VPC's
 * owner's: participants of a shared VPC see the owner's account there too). Absent where neither
 * says, or where they disagree.
 */
function vpcOwners(ctx: AwsContext): Map<string, string | undefined> {
  const owners = new Map<string, string | undefined>();
  for (const { item: v } of ctx.raw.Vpcs) if (v.OwnerId) owners.set(v.VpcId, v.OwnerId);
  const fromSubnets = new Map<string, Set<string>>();
  for (const { item: s } of ctx.raw.Subnets) if (s.OwnerId) innerSet(fromSubnets, s.VpcId).add(s.OwnerId);
  for (const [vpc, ids] of fromSubnets)
    if (!owners.has(vpc)) owners.set(vpc, ids.size === 1 ? [...ids][0] : undefined);
  return owners;
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
 * A warning naming the VPCs that route to an internet or egress-only gateway when their setting is not
 * in the input: not at all (a Batfish layout, a folder saved before the setting existed), or, for a VPC
 * whose owner is known, not its owner's while other accounts' for its region are (one account's folder
 * saved without it beside another's). They are audited as with it off, its default. Only "allowed" can
 * be wrong that way (where it is on, AWS blocks more), so it is a warning rather than an unknown: what
 * the audit says gets out is never less than what does. (A folder with some regions' settings, or a
 * live read in a region that does not offer the setting, which saves none, cannot be told from a
 * region whose setting was not saved: no warning there.)
 */
function noteNotSaved(
  ctx: AwsContext,
  unread: ReadonlySet<string>,
  ownerNotSaved: ReadonlyMap<string, string>,
): void {
  const none = !ctx.raw.present.has("VpcBlockPublicAccessOptions");
  if (!none && ownerNotSaved.size === 0) return;
  const concerned = new Set<string>();
  for (const { item: t } of ctx.raw.RouteTables)
    if (
      !unread.has(t.VpcId) &&
      (none || ownerNotSaved.has(t.VpcId)) &&
      (t.Routes ?? []).some(
        (r) => r.GatewayId?.startsWith("igw-") === true || !!r.EgressOnlyInternetGatewayId,
      )
    )
      concerned.add(t.VpcId);
  if (concerned.size === 0) return;
  const vpcs = [...concerned].sort(ascending);
  ctx.model.warnings.push({
    resource: "vpc-block-public-access",
    message: none
      ? `VPC Block Public Access is not in the input (${notSavedText("VpcBlockPublicAccessOptions")}): ${someOf(vpcs, 5)} audited as with it off, its default; where it is on, AWS blocks internet gateway traffic this audit reports as allowed`
      : `VPC Block Public Access of the accounts that own ${someOf(
          vpcs.map((v) => `${v} (${ownerNotSaved.get(v)})`),
          5,
        )} is not in the input (only other accounts' settings for their region are: ${notSavedText("VpcBlockPublicAccessOptions")} in those accounts): audited as with it off, its default; where it is on, AWS blocks internet gateway traffic this audit reports as allowed`,
  });
}
