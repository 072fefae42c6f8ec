// AWS: validated describe-* documents -> the neutral model, one converter per resource kind.
import type { SourceDocument } from "../../model/document.js";
import { InputError } from "../../model/errors.js";
import { innerList } from "../../model/maps.js";
import { someOf } from "../../model/missing.js";
import { ascending } from "../../model/order.js";
import { emptyModel, unreadGroup, type ModelNote, type NetworkModel } from "../../model/types.js";
import { gapText, missingReason, type AwsContext } from "./context.js";
import { notSavedText } from "./save-commands.js";
import { convertBlockPublicAccess } from "./block-public-access.js";
import { convertByoip, noteAddressesNotSaved } from "./byoip.js";
import { convertEksClusters } from "./eks-cluster.js";
import { convertInternetGateways } from "./internet-gateway.js";
import { convertNatGateways } from "./nat-gateway.js";
import { convertNetworkAcls } from "./network-acl.js";
import { convertNetworkInterfaces } from "./network-interface.js";
import { convertPrefixLists } from "./prefix-list.js";
import type { AwsKey } from "./raw.js";
import { convertRouteTables } from "./route-table.js";
import { convertSecurityGroups } from "./security-group.js";
import { indexAwsDocuments, isAwsDocument } from "./snapshot.js";
import { convertSubnets } from "./subnet.js";
import { convertVpcs, noteDnsSupportNotSaved } from "./vpc.js";

export { isAwsDocument };

/**
 * Calls whose output no verdict depends on (saved for a snapshot's other readers): one that failed is a
 * warning, not data the run lacks (exit 3 promises verdicts that are unknown for it).
 */
const NOT_READ = new Set<string>(["TransitGatewayAttachments"]);
/**
 * Calls whose output only some verdicts use (which instance types are built on the Nitro System: the
 * IPv6 addresses of the instance services; what a VPC peering connection routed to delivers): one that
 * failed is listed under unknowns by the verdicts that need it (see Endpoint services' `missing`,
 * ExitGateway.delivery), as when the output was not saved.
 */
const READ_WHEN_ASKED = new Set<string>(["InstanceTypes", "VpcPeeringConnections"]);

export function awsModel(docs: readonly SourceDocument[], where: string): NetworkModel {
  const raw = indexAwsDocuments(docs);
  if (raw.present.size === 0) throw new InputError(nothingRead(docs), where);
  const model = emptyModel("aws");
  const gaps = new Map<string, string>();
  for (const { item: g } of raw.EgressAuditCollectionGaps) {
    const text = gapText(g);
    gaps.set(g.key, gaps.has(g.key) ? `${gaps.get(g.key)}; ${text}` : text);
    if (NOT_READ.has(g.key))
      model.warnings.push({ resource: g.key, message: `${text} (not used by this version's verdicts)` });
    else if (!READ_WHEN_ASKED.has(g.key)) model.unknowns.push({ resource: g.key, message: text });
  }
  const ctx: AwsContext = {
    raw,
    model,
    prefixLists: new Map(),
    prefixListsWithoutEntries: new Map(),
    conflictingPrefixLists: new Map(),
    prefixListsInDoubt: new Map(),
    unresolvedPrefixLists: new Map(),
    unlistedGroups: new Map(),
    undecidedTargets: new Map(),
    gapReason: (key: AwsKey) => gaps.get(key),
  };
  convertPrefixLists(ctx);
  convertVpcs(ctx);
  convertBlockPublicAccess(ctx);
  convertByoip(ctx);
  convertNetworkAcls(ctx);
  convertSubnets(ctx);
  const facts = convertNetworkInterfaces(ctx);
  convertSecurityGroups(ctx, facts);
  convertNatGateways(ctx, facts);
  convertInternetGateways(ctx, facts);
  convertRouteTables(ctx, facts);
  convertEksClusters(ctx);
  // Optional inputs absent altogether: read as AWS's defaults, which may let more out than AWS does.
  noteDnsSupportNotSaved(ctx);
  noteAddressesNotSaved(ctx, facts);
  // A group the interfaces name but the input lacks: one stand-in per group whose rules may match
  // anything (see unreadGroup), so its reason is shared by every interface that has it and names none
  // of them (an audit shows it under each source); the note lists them.
  const missingGroups = new Map<string, string[]>();
  for (const ep of model.endpoints)
    for (const id of ep.filterIds) if (!model.filters.has(id)) innerList(missingGroups, id).push(ep.id);
  for (const [id, users] of missingGroups) {
    const reason = raw.present.has("SecurityGroups")
      ? `security group ${id} is not in the input`
      : missingReason(ctx, "SecurityGroups", `security group ${id} is unknown`);
    model.filters.set(id, unreadGroup(id, "security-group", reason, "rules not read"));
    model.unknowns.push({ resource: id, message: `${reason} (on ${someOf(users, 5)})` });
  }
  for (const [id, users] of ctx.unlistedGroups)
    if (!missingGroups.has(id))
      model.unknowns.push({
        resource: id,
        message: `security group ${id} is not in the input: who its members are is not known (referenced by ${someOf([...users].sort(ascending), 5)})`,
      });
  for (const [id, users] of ctx.unresolvedPrefixLists) {
    const usedBy = `used by ${someOf([...users].sort(ascending), 5)}`;
    const doubt = ctx.prefixListsInDoubt.get(id);
    // A change in progress or one that failed is not data the run lacks: the verdicts say unknown and
    // why, and a warning says it once; a State AWS does not print is.
    if (doubt !== undefined) {
      (doubt.missing ? model.unknowns : model.warnings).push({
        resource: id,
        message: `prefix list ${id}: ${doubt.why} (${usedBy})`,
      });
      continue;
    }
    const listedIn = ctx.prefixListsWithoutEntries.get(id);
    const twice = ctx.conflictingPrefixLists.get(id);
    const why =
      twice !== undefined
        ? `prefix list ${id} is in the input twice with different entries (at ${twice[0]} and at ${twice[1]}): which is current cannot be told`
        : listedIn === undefined
          ? `prefix list ${id} is not in the input`
          : `prefix list ${id} is listed without its entries (in ${listedIn})`;
    model.unknowns.push({ resource: id, message: `${why} (${usedBy})` });
  }
  if (!raw.present.has("NetworkInterfaces") && !raw.present.has("Reservations")) {
    // Nothing to audit is not "nothing gets out": say what is missing.
    model.unknowns.push({
      resource: "NetworkInterfaces",
      message:
        missingReason(ctx, "NetworkInterfaces", "no sources to audit") +
        ` (and no Reservations either: ${ctx.gapReason("Reservations") ?? notSavedText("Reservations")})`,
    });
  } else if (!raw.present.has("NetworkInterfaces")) {
    // The instances' interfaces come with describe-instances; every other sender's only with
    // describe-network-interfaces. Neither the gap nor the missing file says that they are missing
    // from the audit, whose list of sources an auditor reads as everything that can send. Not saved
    // (a folder of instances only) is a warning: no answer given is wrong, only the list is short.
    const gap = gaps.get("NetworkInterfaces");
    const note = {
      resource: "NetworkInterfaces",
      message: `only instances' interfaces (from describe-instances) were audited: interfaces attached to no instance (EKS pods' branch interfaces, Lambda functions, load balancers, NAT gateways, VPC endpoints) are listed only by describe-network-interfaces, which ${gap === undefined ? "was not saved" : `could not be read (${gap})`}`,
    };
    (gap === undefined ? model.warnings : model.unknowns).push(note);
  }
  // A VPC the run is asked for and does not have may exist: the call that lists VPCs failed.
  const vpcGap = gaps.get("Vpcs");
  if (vpcGap !== undefined) model.networksUnlisted = vpcGap;
  // In a fixed order, not the order the input listed things in (which AWS does not promise): a
  // nightly job comparing reports must not see a change where there is none.
  const byResource = (a: ModelNote, b: ModelNote) =>
    ascending(a.resource, b.resource) || ascending(a.message, b.message);
  model.warnings.sort(byResource);
  model.unknowns.sort(byResource);
  return model;
}

/**
 * Why a folder gave the audit nothing: no describe output it reads, and which top-level keys the files
 * do hold, if any (say only TransitGatewayAttachments, which the collector saves but the audit does
 * not read), so the user sees what was found rather than a folder that looks empty.
 */
function nothingRead(docs: readonly SourceDocument[]): string {
  const keys = new Set<string>();
  for (const d of docs)
    if (typeof d.data === "object" && d.data !== null && !Array.isArray(d.data))
      for (const k of Object.keys(d.data)) keys.add(k);
  const found = [...keys].sort();
  const shown = someOf(found, 5);
  return (
    "no aws ec2 describe-* output found (expected files with top-level keys such as Vpcs, Subnets, SecurityGroups)" +
    (found.length > 0 ? `; the files hold only ${shown}, which the audit does not read` : "")
  );
}
