// What the model refers to but does not hold: a subnet of an interface, a route's target, a subnet's
// route table or network ACL, a NAT gateway's subnet, a setting that could not be read. The engine
// gives what depends on each `unknown` verdicts with the reason; listed in `unknowns` as well, each
// once with what refers to it, they make the run end with exit code 3, so that a nightly job can tell
// an incomplete run from a complete one.
import { ascending } from "./order.js";
import type { Endpoint, ModelNote, NetworkModel } from "./types.js";

/** Adds what the model lacks to model.unknowns (a resource already listed there is not listed again). */
export function noteMissing(model: NetworkModel): void {
  const listed = new Set(model.unknowns.map((u) => u.resource));
  const found = new Map<string, { message: string; users: Set<string> }>();
  const note = (resource: string, message: string, user: string): void => {
    if (listed.has(resource)) return;
    let f = found.get(resource);
    if (!f) found.set(resource, (f = { message, users: new Set() }));
    f.users.add(user);
  };
  for (const ep of model.endpoints)
    if (!model.subnets.has(ep.subnetId))
      note(ep.subnetId, `subnet ${ep.subnetId} is not in the input`, ep.id);
  for (const s of model.subnets.values()) {
    if (s.routeTableId !== null && !model.routeTables.has(s.routeTableId))
      note(s.routeTableId, `route table ${s.routeTableId} is not in the input`, s.id);
    for (const id of s.boundaryFilterIds)
      if (!model.filters.has(id)) note(id, `network ACL ${id} is not in the input`, s.id);
  }
  for (const rt of model.routeTables.values())
    for (const r of rt.routes)
      if (r.target.kind === "gateway" && !model.gateways.has(r.target.gatewayId))
        note(r.target.gatewayId, `route target ${r.target.gatewayId} is not in the input`, rt.id);
  for (const g of model.gateways.values())
    if (g.kind === "nat" && !model.subnets.has(g.subnetId))
      note(g.subnetId, `subnet ${g.subnetId} of ${g.id} is not in the input`, g.id);
  for (const s of model.subnets.values()) {
    const n = model.networks.get(s.networkId);
    if (n?.unread !== undefined) note(n.id, n.unread, s.id);
    else if (!n) note(s.networkId, `${s.networkId} is not in the input`, s.id);
  }
  for (const n of model.networks.values()) {
    const block = n.internetBlock;
    const why = block?.unknown ?? block?.exclusionsUnknown;
    if (why !== undefined) note(block!.ref.resource, why, n.id);
  }
  const added: ModelNote[] = [...found].map(([resource, f]) => ({
    resource,
    message: `${f.message} (referred to by ${someOf([...f.users].sort(ascending), 5)})`,
  }));
  if (added.length === 0) return;
  model.unknowns.push(...added);
  model.unknowns.sort((a, b) => ascending(a.resource, b.resource) || ascending(a.message, b.message));
}

/**
 * The data missing for the verdicts a run gives: an unknown outcome that data the input lacks decides
 * carries it (`missing`: a platform service's setting, see LocalService.off, such as an instance type
 * not in the input leaving fd00:ec2::253 unknown for that instance; an interface VPC endpoint whose
 * security groups are not in the input, see ServiceAddress), and only a run that gives such a verdict
 * lists it. `reached` takes each source's outcomes; `unknowns` gives the model's unknowns with each
 * such note once, naming the sources it concerns, so that the run exits with 3 exactly when a verdict
 * it gives is unknown for lack of data (or the model lacks data regardless of the query).
 */
export class AskedMissing {
  private readonly found = new Map<string, { note: ModelNote; sources: Set<string> }>();

  constructor(private readonly model: NetworkModel) {}

  /** Source `ep` gets these outcomes (pieces' outcomes: see Outcome.missing). */
  reached(ep: Endpoint, outcomes: Iterable<{ readonly missing?: ModelNote | undefined }>): void {
    for (const o of outcomes) {
      const note = o.missing;
      if (note === undefined) continue;
      const key = JSON.stringify([note.resource, note.message]);
      let f = this.found.get(key);
      if (!f) this.found.set(key, (f = { note, sources: new Set() }));
      f.sources.add(ep.id);
    }
  }

  /** A note of the run's own (what its scope selects but could not audit), listed as it is. */
  add(note: ModelNote): void {
    const key = JSON.stringify([note.resource, note.message]);
    if (!this.found.has(key)) this.found.set(key, { note, sources: new Set() });
  }

  /** model.unknowns and the notes asked (in resource order, as model.unknowns are). */
  unknowns(): ModelNote[] {
    if (this.found.size === 0) return this.model.unknowns;
    const asked = [...this.found.values()].map(({ note, sources }) => ({
      resource: note.resource,
      message:
        sources.size === 0
          ? note.message
          : `${note.message} (for ${someOf([...sources].sort(ascending), 5)})`,
    }));
    return [...this.model.unknowns, ...asked].sort(
      (a, b) => ascending(a.resource, b.resource) || ascending(a.message, b.message),
    );
  }
}

/** "a, b, c, d, e and 3 more": a list shown in a message, cut at `max` names. */
export function someOf(list: readonly string[], max: number): string {
  return list.length > max
    ? `${list.slice(0, max).join(", ")} and ${list.length - max} more`
    : list.join(", ");
}
