// Instances' MetadataOptions -> the instance metadata service as each interface sees it. Whether it
// answers is the instance's setting: HttpEndpoint (default enabled) turns it off altogether,
// HttpProtocolIpv6 (default disabled) its IPv6 endpoint fd00:ec2::254. An interface whose instance
// is not in the input, or that is not an instance's (Lambda, EKS pod interfaces), cannot tell.
//
// Results name the setting generically ("the source instance's metadata options"): the source's
// instance is in every result already, and naming it in the outcome would give every instance its own
// service list, so that instances alike could no longer share one computation.
import type { Endpoint, LocalService } from "../../model/types.js";
import type { AwsContext } from "./context.js";
import type { RawInstance } from "./raw.js";
import { withImds } from "./vpc.js";

type Off = LocalService["off"];

const ref = (rule: string) => ({ resource: "instance-metadata-options", kind: "instance", rule });

function offOf(verdict: "blocked" | "unknown", reason: string, rule: string): Off {
  return { verdict, reason, ref: ref(rule) };
}

/** The same for both endpoints. */
function both(verdict: "blocked" | "unknown", reason: string, rule: string): [Off, Off] {
  const off = offOf(verdict, reason, rule);
  return [off, off];
}

/** Why the metadata service may or may not answer, for the IPv4 and the IPv6 endpoint. */
function offs(instance: RawInstance | undefined, owner: string | undefined, type: string): [Off, Off] {
  if (!instance)
    return both(
      "unknown",
      owner
        ? "the source's instance is not in the input (describe-instances), so whether the instance metadata service answers it is not known"
        : `the source (a ${type} interface) is not an EC2 instance's: whether anything answers at the instance metadata address is not known`,
      "HttpEndpoint",
    );
  const o = instance.MetadataOptions;
  if (o?.State === "pending")
    return both(
      "unknown",
      "the source instance's metadata options are being changed (State pending)",
      "State",
    );
  const odd = (field: string, value: string) =>
    `the source instance's metadata options say ${field} ${JSON.stringify(value)}, which is neither enabled nor disabled`;
  const endpoint = o?.HttpEndpoint ?? "enabled";
  if (endpoint === "disabled")
    return both(
      "blocked",
      "the source instance's metadata options turn the instance metadata service off (HttpEndpoint disabled)",
      "HttpEndpoint",
    );
  if (endpoint !== "enabled") return both("unknown", odd("HttpEndpoint", endpoint), "HttpEndpoint");
  const v6 = o?.HttpProtocolIpv6 ?? "disabled";
  if (v6 === "enabled") return [undefined, undefined];
  return [
    undefined,
    v6 === "disabled"
      ? offOf(
          "blocked",
          "the source instance's metadata options leave the metadata service's IPv6 endpoint off (HttpProtocolIpv6 disabled, the default)",
          "HttpProtocolIpv6",
        )
      : offOf("unknown", odd("HttpProtocolIpv6", v6), "HttpProtocolIpv6"),
  ];
}

/**
 * The service lists of a region's interfaces: one list object per VPC and metadata setting, so that
 * endpoints alike share it (the engine tells endpoints apart by their list object).
 */
export function metadataViews(
  ctx: AwsContext,
): (
  vpcId: string,
  instance: RawInstance | undefined,
  owner: string | undefined,
  type: string,
) => Endpoint["services"] {
  const lists = new Map<string, LocalService[]>();
  return (vpcId, instance, owner, type) => {
    const base = ctx.model.networks.get(vpcId)?.services;
    if (!base) return undefined;
    const [off4, off6] = offs(instance, owner, type);
    const key = JSON.stringify([vpcId, off4, off6]);
    let list = lists.get(key);
    if (!list) lists.set(key, (list = withImds(base, vpcId, off4, off6)));
    return list;
  };
}
