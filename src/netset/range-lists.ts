// The merges behind IntervalSet, over canonical range lists (sorted, disjoint, non-touching), in two
// representations of the bounds:
//  - bigint ranges [lo, hi] (any value);
//  - plain numbers, flattened as [lo0, hi0, lo1, hi1, ...] (values below 2^53, exact as doubles).
// The algorithms are the same linear merges for both; they are written twice because a shared generic
// version would either allocate a BigInt for every +1/-1 or go through callbacks on the hot path, and
// the number form is what makes IPv4 sets cheap (see IntervalSet).
//
// Every operation returns one of its operands (the same array object) when the result equals it:
// IntervalSet keeps set identity that way, which lets callers short-circuit on `===`.

/** One inclusive range [lo, hi] with lo <= hi. */
export type Range = readonly [bigint, bigint];

export const NO_RANGES: readonly Range[] = [];
export const NO_NUMBERS: readonly number[] = [];

// Scratch outputs (the operations never run inside one another): a result is copied out at its exact
// size, instead of growing a fresh array push by push.
const BIG: Range[] = [];
const NUM: number[] = [];

function bigResult(n: number, a: readonly Range[], b: readonly Range[]): readonly Range[] {
  if (n === 0) return NO_RANGES;
  if (sameBig(n, a)) return a;
  if (sameBig(n, b)) return b;
  return BIG.slice(0, n);
}

function sameBig(n: number, b: readonly Range[]): boolean {
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) {
    const x = BIG[i]!;
    const y = b[i]!;
    if (x !== y && (x[0] !== y[0] || x[1] !== y[1])) return false;
  }
  return true;
}

function numResult(n: number, a: readonly number[], b: readonly number[]): readonly number[] {
  if (n === 0) return NO_NUMBERS;
  if (sameNum(n, a)) return a;
  if (sameNum(n, b)) return b;
  return NUM.slice(0, n);
}

function sameNum(n: number, b: readonly number[]): boolean {
  if (n !== b.length) return false;
  for (let i = 0; i < n; i++) if (NUM[i] !== b[i]) return false;
  return true;
}

// ---- bigint ranges ----

export function bigUnion(a: readonly Range[], b: readonly Range[]): readonly Range[] {
  if (a === b || b.length === 0) return a;
  if (a.length === 0) return b;
  const out = BIG;
  let n = 0;
  let i = 0;
  let j = 0;
  // The range being built: it started as `first` and has grown to curHi.
  let first: Range | undefined;
  let curHi = 0n;
  while (i < a.length || j < b.length) {
    // Take whichever next range starts first; the output is then built in ascending order.
    let r: Range;
    if (j >= b.length || (i < a.length && a[i]![0] <= b[j]![0])) r = a[i++]!;
    else r = b[j++]!;
    if (first === undefined) {
      first = r;
      curHi = r[1];
    } else if (r[0] <= curHi || r[0] === curHi + 1n) {
      // Overlapping or touching: extend (this is what keeps the result canonical).
      if (r[1] > curHi) curHi = r[1];
    } else {
      out[n++] = curHi === first[1] ? first : [first[0], curHi];
      first = r;
      curHi = r[1];
    }
  }
  out[n++] = curHi === first![1] ? first! : [first![0], curHi];
  return bigResult(n, a, b);
}

/** The index of the first range of `rs` that ends at or after v (rs.length if none). */
function bigFirstEndingAtOrAfter(rs: readonly Range[], v: bigint): number {
  let lo = 0;
  let hi = rs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rs[mid]![1] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function bigIntersect(a: readonly Range[], b: readonly Range[]): readonly Range[] {
  if (a === b) return a;
  if (a.length === 0 || b.length === 0) return NO_RANGES;
  // Disjoint hulls cannot meet.
  if (a[a.length - 1]![1] < b[0]![0] || b[b.length - 1]![1] < a[0]![0]) return NO_RANGES;
  const out = BIG;
  let n = 0;
  let i = 0;
  let j = 0;
  // A few ranges against many (a CIDR against the public internet): skip to where the first
  // small range starts by binary search instead of walking the long list from its start.
  if (a.length <= 2 && b.length > 16) j = bigFirstEndingAtOrAfter(b, a[0]![0]);
  else if (b.length <= 2 && a.length > 16) i = bigFirstEndingAtOrAfter(a, b[0]![0]);
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const lo = x[0] > y[0] ? x[0] : y[0];
    const hi = x[1] < y[1] ? x[1] : y[1];
    if (lo <= hi) out[n++] = lo === x[0] && hi === x[1] ? x : lo === y[0] && hi === y[1] ? y : [lo, hi];
    // Advance the range that ends first; the other may still overlap the next one.
    if (x[1] < y[1]) i++;
    else j++;
  }
  // Pieces of two canonical lists are separated by gaps of the inputs, so the output is canonical.
  return bigResult(n, a, b);
}

export function bigSubtract(a: readonly Range[], b: readonly Range[]): readonly Range[] {
  if (a === b) return NO_RANGES;
  if (a.length === 0 || b.length === 0) return a;
  const out = BIG;
  let n = 0;
  let j = 0;
  for (const x of a) {
    let lo = x[0];
    const hi = x[1];
    // Skip holes that end before this range starts. Holes are not consumed past that point:
    // one hole may also cut the next range of `a`.
    while (j < b.length && b[j]![1] < lo) j++;
    for (let k = j; lo <= hi && k < b.length && b[k]![0] <= hi; k++) {
      const y = b[k]!;
      if (y[0] > lo) out[n++] = [lo, y[0] - 1n];
      lo = y[1] + 1n; // y[1] >= lo here, so lo only moves forward
    }
    if (lo <= hi) out[n++] = lo === x[0] ? x : [lo, hi];
  }
  return bigResult(n, a, b);
}

export function bigIsSubset(a: readonly Range[], b: readonly Range[]): boolean {
  let j = 0;
  for (const x of a) {
    while (j < b.length && b[j]![1] < x[0]) j++;
    const y = b[j];
    // Ranges of `b` never touch, so x must fit inside a single range of b.
    if (y === undefined || y[0] > x[0] || y[1] < x[1]) return false;
  }
  return true;
}

export function bigOverlaps(a: readonly Range[], b: readonly Range[]): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x[1] < y[0]) i++;
    else if (y[1] < x[0]) j++;
    else return true;
  }
  return false;
}

/** Binary search: O(log n). */
export function bigContains(rs: readonly Range[], v: bigint): boolean {
  let a = 0;
  let b = rs.length - 1;
  while (a <= b) {
    const m = (a + b) >>> 1;
    const r = rs[m]!;
    if (v < r[0]) b = m - 1;
    else if (v > r[1]) a = m + 1;
    else return true;
  }
  return false;
}

// ---- number ranges, flattened [lo0, hi0, lo1, hi1, ...] ----

export function numUnion(a: readonly number[], b: readonly number[]): readonly number[] {
  if (a === b || b.length === 0) return a;
  if (a.length === 0) return b;
  const out = NUM;
  let n = 0;
  let i = 0;
  let j = 0;
  let curLo = 0;
  let curHi = -1;
  let started = false;
  while (i < a.length || j < b.length) {
    let lo: number;
    let hi: number;
    if (j >= b.length || (i < a.length && a[i]! <= b[j]!)) {
      lo = a[i]!;
      hi = a[i + 1]!;
      i += 2;
    } else {
      lo = b[j]!;
      hi = b[j + 1]!;
      j += 2;
    }
    if (!started) {
      started = true;
      curLo = lo;
      curHi = hi;
    } else if (lo <= curHi + 1) {
      if (hi > curHi) curHi = hi;
    } else {
      out[n++] = curLo;
      out[n++] = curHi;
      curLo = lo;
      curHi = hi;
    }
  }
  out[n++] = curLo;
  out[n++] = curHi;
  return numResult(n, a, b);
}

/** The index (even) of the first range of `rs` that ends at or after v (rs.length if none). */
function numFirstEndingAtOrAfter(rs: readonly number[], v: number): number {
  let lo = 0;
  let hi = rs.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rs[2 * mid + 1]! < v) lo = mid + 1;
    else hi = mid;
  }
  return 2 * lo;
}

export function numIntersect(a: readonly number[], b: readonly number[]): readonly number[] {
  if (a === b) return a;
  if (a.length === 0 || b.length === 0) return NO_NUMBERS;
  if (a[a.length - 1]! < b[0]! || b[b.length - 1]! < a[0]!) return NO_NUMBERS;
  const out = NUM;
  let n = 0;
  let i = 0;
  let j = 0;
  if (a.length <= 4 && b.length > 32) j = numFirstEndingAtOrAfter(b, a[0]!);
  else if (b.length <= 4 && a.length > 32) i = numFirstEndingAtOrAfter(a, b[0]!);
  while (i < a.length && j < b.length) {
    const xHi = a[i + 1]!;
    const yHi = b[j + 1]!;
    const lo = a[i]! > b[j]! ? a[i]! : b[j]!;
    const hi = xHi < yHi ? xHi : yHi;
    if (lo <= hi) {
      out[n++] = lo;
      out[n++] = hi;
    }
    if (xHi < yHi) i += 2;
    else j += 2;
  }
  return numResult(n, a, b);
}

export function numSubtract(a: readonly number[], b: readonly number[]): readonly number[] {
  if (a === b) return NO_NUMBERS;
  if (a.length === 0 || b.length === 0) return a;
  const out = NUM;
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let lo = a[i]!;
    const hi = a[i + 1]!;
    while (j < b.length && b[j + 1]! < lo) j += 2;
    for (let k = j; lo <= hi && k < b.length && b[k]! <= hi; k += 2) {
      if (b[k]! > lo) {
        out[n++] = lo;
        out[n++] = b[k]! - 1;
      }
      lo = b[k + 1]! + 1;
    }
    if (lo <= hi) {
      out[n++] = lo;
      out[n++] = hi;
    }
  }
  return numResult(n, a, b);
}

export function numIsSubset(a: readonly number[], b: readonly number[]): boolean {
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    while (j < b.length && b[j + 1]! < a[i]!) j += 2;
    if (j >= b.length || b[j]! > a[i]! || b[j + 1]! < a[i + 1]!) return false;
  }
  return true;
}

export function numOverlaps(a: readonly number[], b: readonly number[]): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i + 1]! < b[j]!) i += 2;
    else if (b[j + 1]! < a[i]!) j += 2;
    else return true;
  }
  return false;
}

export function numContains(rs: readonly number[], v: number): boolean {
  let a = 0;
  let b = (rs.length >> 1) - 1;
  while (a <= b) {
    const m = (a + b) >>> 1;
    if (v < rs[2 * m]!) b = m - 1;
    else if (v > rs[2 * m + 1]!) a = m + 1;
    else return true;
  }
  return false;
}
