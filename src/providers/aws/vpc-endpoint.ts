// What a VPC endpoint's State (describe-vpc-endpoints) says of whether it carries traffic. Gateway and
// Gateway Load Balancer endpoints are route targets (route-table.ts); an interface endpoint answers at
// its interfaces' addresses (network-interface.ts). Either way only an `available` endpoint surely does.
import { unprinted } from "./context.js";

/** The states describe-vpc-endpoints prints (VpcEndpoint State; the API reference capitalises them). */
const ENDPOINT_STATES = new Set([
  "pendingAcceptance",
  "pending",
  "available",
  "deleting",
  "deleted",
  "rejected",
  "failed",
  "expired",
  "partial",
]);
/** Of those, the states of an endpoint AWS is still setting up or taking down. */
const ENDPOINT_CHANGING = new Set(["pendingAcceptance", "pending", "deleting", "partial"]);

/**
 * Why endpoint `id` in `state` may not carry traffic, or undefined when it does (`available`):
 * `missing` for a State the input lacks (describe-vpc-endpoints always prints one) or one AWS does not
 * print ("Available"), data the run did not read; `gone` for one AWS has taken down for good (deleted,
 * rejected, failed, expired), whose `why` the caller completes with what that means where it looks;
 * neither for one AWS is still setting up or taking down, which carries traffic or not by the moment.
 */
export function endpointStateDoubt(
  id: string,
  state: string | null | undefined,
): { why: string; missing: boolean; gone: boolean } | undefined {
  if (state === "available") return undefined;
  if (!state)
    return {
      why: `the state of ${id} is not in the input (describe-vpc-endpoints prints State), so whether it carries traffic cannot be told`,
      missing: true,
      gone: false,
    };
  if (!ENDPOINT_STATES.has(state))
    return {
      why: `${id} has state ${unprinted(state, ENDPOINT_STATES)}, so whether it carries traffic cannot be told`,
      missing: true,
      gone: false,
    };
  if (ENDPOINT_CHANGING.has(state))
    return {
      why: `${id} is ${state} (AWS is still setting it up or taking it down), so whether it carries traffic yet cannot be told`,
      missing: false,
      gone: false,
    };
  return { why: `${id} is ${state}: it carries no traffic`, missing: false, gone: true };
}
