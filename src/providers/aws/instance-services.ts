// The services AWS answers inside a VPC (vpc.ts) as each interface's instance sees them:
// - the instance metadata service by the instance's MetadataOptions: HttpEndpoint (default enabled)
//   turns it off altogether, HttpProtocolIpv6 (default disabled) its IPv6 endpoint fd00:ec2::254;
// - the IPv6 addresses of the resolver, the metadata service and the Time Sync Service answer only
//   instances built on the Nitro System, which is a property of the instance type
//   (describe-instance-types' Hypervisor; the instance's own Hypervisor field says "xen" for both).
// An interface whose instance is not in the input, or that is not an instance's (Lambda, EKS pod
// interfaces), cannot tell; one that is not an instance's cannot tell about the link-local addresses
// either.
//
// Results name the instance type, or the source's own instance through a placeholder (SOURCE_OWNER,
// each source's result fills in its instance): naming the instance in the model would give every
// instance its own service list, so that instances alike could no longer share one computation.
import {
  SOURCE_OWNER,
  type Endpoint,
  type LocalService,
  type ModelNote,
  type RuleRef,
} from "../../model/types.js";
import { innerMap } from "../../model/maps.js";
import { unprinted, type AwsContext } from "./context.js";
import type { RawInstance, RawInstanceType } from "./raw.js";
import { primaryCidr, vpcServices, type InstanceView } from "./vpc.js";
import { notSavedText, saveCommand } from "./save-commands.js";

type Off = LocalService["off"];

function offOf(verdict: "blocked" | "unknown", reason: string, ref: RuleRef, missing?: ModelNote): Off {
  return { verdict, reason, ref, ...(missing ? { missing } : {}) };
}

/** A metadata option of the source's instance (the instance named per source, see SOURCE_OWNER). */
const optionRef = (rule: string): RuleRef => ({ resource: SOURCE_OWNER, kind: "instance", rule });

/** The values describe-instances prints for each metadata option (InstanceMetadataOptionsResponse). */
const OPTION_VALUES = {
  State: ["pending", "applied"],
  HttpEndpoint: ["enabled", "disabled"],
  HttpProtocolIpv6: ["enabled", "disabled"],
} as const;

/**
 * An option whose value is not one AWS prints ("Enabled", "Pending"): missing data, not a setting.
 * What it decides is unknown, and a run that asks the metadata service something lists it under
 * unknowns (see AskedMissing; the note names the sources it concerns).
 */
function oddOption(field: keyof typeof OPTION_VALUES, value: string): Off {
  const odd = `the source instance's metadata options say ${field} ${unprinted(value, OPTION_VALUES[field])}`;
  const what =
    field === "HttpProtocolIpv6"
      ? "whether the metadata service answers at its IPv6 endpoint cannot be told"
      : "whether the instance metadata service answers cannot be told";
  return offOf("unknown", `${odd}, so ${what}`, optionRef(field), {
    resource: "MetadataOptions",
    message: `an instance's metadata options say ${field} ${unprinted(value, OPTION_VALUES[field])}: ${what}`,
  });
}

/** Why the metadata service may or may not answer, at its IPv4 and its IPv6 endpoint. */
function metadataOffs(instance: RawInstance): [Off, Off] {
  const o = instance.MetadataOptions;
  const both = (off: Off): [Off, Off] => [off, off];
  // Absent options (older output, hand-made input) are AWS's defaults: State applied, HttpEndpoint
  // enabled, HttpProtocolIpv6 disabled.
  const state = o?.State ?? "applied";
  if (state === "pending")
    return both(
      offOf(
        "unknown",
        "the source instance's metadata options are being changed (State pending)",
        optionRef("State"),
      ),
    );
  if (state !== "applied") return both(oddOption("State", state));
  const endpoint = o?.HttpEndpoint ?? "enabled";
  if (endpoint === "disabled")
    return both(
      offOf(
        "blocked",
        "the source instance's metadata options turn the instance metadata service off (HttpEndpoint disabled)",
        optionRef("HttpEndpoint"),
      ),
    );
  if (endpoint !== "enabled") return both(oddOption("HttpEndpoint", endpoint));
  const v6 = o?.HttpProtocolIpv6 ?? "disabled";
  if (v6 === "enabled") return [undefined, undefined];
  return [
    undefined,
    v6 === "disabled"
      ? offOf(
          "blocked",
          "the source instance's metadata options leave the metadata service's IPv6 endpoint off (HttpProtocolIpv6 disabled, the default)",
          optionRef("HttpProtocolIpv6"),
        )
      : oddOption("HttpProtocolIpv6", v6),
  ];
}

/** Decisions by the instance type's hypervisor name the type (or, when it is not known, none). */
const hypervisorRef = (type?: string): RuleRef => ({
  resource: type ?? "instance-type",
  kind: "instance-type",
  rule: "Hypervisor",
});

const NITRO_ONLY =
  "AWS answers at the IPv6 addresses of its resolver, metadata and Time Sync services only instances built on the Nitro System";

/** What is not known for lack of a type's hypervisor, as listed under unknowns (see AskedMissing). */
const NITRO_UNKNOWN =
  "so whether AWS's resolver, metadata and Time Sync services answer at their IPv6 addresses (fd00:ec2::253, ::254, ::123) is not known";

/**
 * Whether the services' IPv6 addresses answer the instance: by its instance type's hypervisor. A type
 * the input lacks is data missing: listed under unknowns where a run asks those addresses something
 * (`missing`), unless the collector's failure to read the types is listed already (`gap`). A run that
 * asks them nothing (an audit of internet destinations, a snapshot without IPv6) is not incomplete
 * for it.
 */
function nitroOff(
  instance: RawInstance,
  types: ReadonlyMap<string, RawInstanceType>,
  typesSaved: boolean,
  gap: string | undefined,
): Off {
  const type = instance.InstanceType;
  const ref = hypervisorRef(type ?? undefined);
  if (!type)
    return offOf("unknown", `the source instance's type is not in the input: ${NITRO_ONLY}`, ref, {
      resource: "InstanceType",
      message: `an instance's type is not in the input (its describe-instances output has no InstanceType): whether it is built on the Nitro System is not known, ${NITRO_UNKNOWN}`,
    });
  const info = types.get(type);
  if (!info)
    return offOf(
      "unknown",
      gap === undefined
        ? `${type} is not in the input's InstanceTypes (${saveCommand("InstanceTypes")}), so whether it is built on the Nitro System is not known: ${NITRO_ONLY}`
        : `the instance types could not be read (${gap}): ${NITRO_ONLY}`,
      ref,
      gap !== undefined
        ? {
            resource: "InstanceTypes",
            message: `the instance types could not be read (${gap}): whether the instances' types are built on the Nitro System is not known, ${NITRO_UNKNOWN}`,
          }
        : typesSaved
          ? {
              resource: type,
              message: `${type} is not in the input's InstanceTypes (${saveCommand("InstanceTypes")}): whether it is built on the Nitro System is not known, ${NITRO_UNKNOWN}`,
            }
          : {
              resource: "InstanceTypes",
              message: `no InstanceTypes in the input (${notSavedText("InstanceTypes")}): whether the instances' types are built on the Nitro System is not known, ${NITRO_UNKNOWN}`,
            },
    );
  const h = info.Hypervisor;
  // Bare metal types have no hypervisor; they are built on the Nitro System.
  if (h === "nitro" || (h == null && info.BareMetal === true)) return undefined;
  if (h === "xen")
    return offOf(
      "blocked",
      `${type} is a Xen-based instance type (describe-instance-types): ${NITRO_ONLY}`,
      ref,
    );
  return offOf(
    "unknown",
    `describe-instance-types says Hypervisor ${JSON.stringify(h ?? null)} for ${type}, neither nitro nor xen: ${NITRO_ONLY}`,
    ref,
  );
}

/** What the source decides about the services (see InstanceView). */
function viewOf(
  instance: RawInstance | undefined,
  owner: string | undefined,
  type: string,
  types: ReadonlyMap<string, RawInstanceType>,
  typesSaved: boolean,
  gap: string | undefined,
): InstanceView {
  if (!instance) {
    const why = owner
      ? "the source's instance is not in the input (describe-instances), so whether"
      : `the source (a ${type} interface) is not an EC2 instance's: whether`;
    const imds = offOf(
      "unknown",
      `${why} the instance metadata service answers it is not known`,
      optionRef("HttpEndpoint"),
    );
    const ipv6 = offOf(
      "unknown",
      `${why} it is built on the Nitro System is not known: ${NITRO_ONLY}`,
      hypervisorRef(),
    );
    // An instance's own host answers the link-local addresses; whatever sends through another kind
    // of interface (a Lambda function runs in Lambda's own VPC, a pod behind a branch interface)
    // may meet something else there.
    const linkLocal = owner
      ? undefined
      : offOf(
          "unknown",
          `the source (a ${type} interface) is not an EC2 instance's: whether AWS's services answer it at their link-local addresses (169.254.169.x) is not known`,
          { resource: "link-local", kind: type, rule: null },
        );
    return { imds4: imds, imds6: imds, ipv6, linkLocal };
  }
  const [imds4, imds6] = metadataOffs(instance);
  return { imds4, imds6, ipv6: nitroOff(instance, types, typesSaved, gap), linkLocal: undefined };
}

/**
 * The service lists of a region's interfaces: one list object per VPC and view, so that endpoints
 * alike share it (the engine tells endpoints apart by their list object).
 */
export function instanceServices(
  ctx: AwsContext,
): (
  vpcId: string,
  instance: RawInstance | undefined,
  owner: string | undefined,
  type: string,
) => Endpoint["services"] {
  const types = new Map(ctx.raw.InstanceTypes.map((loc) => [loc.item.InstanceType, loc.item]));
  const gap = ctx.gapReason("InstanceTypes");
  const typesSaved = ctx.raw.present.has("InstanceTypes");
  const vpcs = new Map(ctx.raw.Vpcs.map((loc) => [loc.item.VpcId, loc]));
  // The view and its text by what viewOf reads (a quota-size region has ~10^4 interfaces and a few
  // views: each built and written out afresh was most of the interfaces' conversion time).
  const views = new Map<string, { view: InstanceView; text: string }>();
  /** By VPC, then by the view's text: views alike share one list, whatever they were made from. */
  const lists = new Map<string, Map<string, LocalService[]>>();
  return (vpcId, instance, owner, type) => {
    // Every VPC in the input is a network of the model (convertVpcs), a described one or a stand-in
    // made of its subnets (its primary block, so the resolver's address there, unknown); others have
    // no services here.
    const vpc = vpcs.get(vpcId);
    if (!vpc && !ctx.model.networks.has(vpcId)) return undefined;
    const o = instance?.MetadataOptions;
    const reads = JSON.stringify(
      instance
        ? [o?.State, o?.HttpEndpoint, o?.HttpProtocolIpv6, instance.InstanceType]
        : [owner !== undefined && owner !== "", type],
    );
    let seen = views.get(reads);
    if (!seen) {
      const view = viewOf(instance, owner, type, types, typesSaved, gap);
      views.set(reads, (seen = { view, text: JSON.stringify(view) }));
    }
    const byView = innerMap(lists, vpcId);
    let list = byView.get(seen.text);
    if (!list)
      byView.set(seen.text, (list = vpcServices(ctx, vpcId, vpc ? primaryCidr(vpc) : null, seen.view)));
    return list;
  };
}
