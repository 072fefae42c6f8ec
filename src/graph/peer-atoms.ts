// Classes of addresses that every given rule treats alike. Two sources in the same subnet and the same
// class get the same answers from the filters those rules belong to, so their downstream results can be
// shared.
import { ascending } from "../model/order.js";
import type { Rule } from "../model/types.js";

export class PeerAtoms {
  /** Sorted distinct points where some rule's address set starts or stops. */
  private readonly cuts: bigint[];

  constructor(ruleLists: Iterable<readonly Rule[]>) {
    const points = new Set<bigint>();
    for (const rules of ruleLists) {
      for (const r of rules) {
        for (const c of r.match.cubes()) {
          for (const [lo, hi] of c.ips.ranges) {
            points.add(lo);
            points.add(hi + 1n);
          }
        }
      }
    }
    this.cuts = [...points].sort(ascending);
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
