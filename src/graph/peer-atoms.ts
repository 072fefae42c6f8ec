// Classes of addresses that every given filter treats alike. Two sources in the same subnet and the same
// class get the same answers from stateless filters elsewhere, so their downstream results can be shared.
import type { Filter } from "../model/types.js";

export class PeerAtoms {
  /** Sorted distinct points where some rule's address set starts or stops. */
  private readonly cuts: bigint[];

  constructor(filters: ReadonlyArray<Filter | undefined>) {
    const points = new Set<bigint>();
    for (const f of filters) {
      if (!f) continue;
      for (const r of [...f.egress, ...f.ingress]) {
        for (const c of r.match.cubes()) {
          for (const [lo, hi] of c.ips.ranges) {
            points.add(lo);
            points.add(hi + 1n);
          }
        }
      }
    }
    this.cuts = [...points].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /** The class of `ip`: the number of cut points at or below it. */
  atomOf(ip: bigint): string {
    let lo = 0;
    let hi = this.cuts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cuts[mid]! <= ip) lo = mid + 1;
      else hi = mid;
    }
    return `a${lo}`;
  }
}
