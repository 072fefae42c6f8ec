// Small non-cryptographic hashing helpers for cached structural hashes (internal; not re-exported).
// Hashes only need to be deterministic and well spread: every use confirms a hash match with a
// structural equality check, so a collision costs time, never correctness.

/** One round of a multiplicative 32-bit mix (the murmur3 / splitmix family). */
export function mix(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x9e3779b1);
  return h ^ (h >>> 15);
}

// Reading a double's exact bit pattern through a typed-array view avoids the lossy `d | 0`
// (which yields 0 for any double >= 2^85) and allocates nothing.
const F64 = new Float64Array(1);
const I32 = new Int32Array(F64.buffer);
const EXACT = 1n << 53n;

function mixDouble(h: number, d: number): number {
  F64[0] = d;
  return mix(mix(h, I32[0]!), I32[1]!);
}

/**
 * Mixes v into h. Values below 2^53 (protocols, ports) convert to a double exactly. Larger values
 * (the 129-bit IP axis) are covered by three windows: Number(v) holds the top 53 significant bits,
 * Number(v mod 2^76) bits ~23..75, and v mod 2^32 the low bits, so for every value below 2^129
 * each bit reaches the hash. That costs two BigInt allocations instead of a shift loop.
 */
export function hashBigint(h: number, v: bigint): number {
  if (v >= 0n && v < EXACT) return mixDouble(h, Number(v));
  h = mixDouble(h, Number(v));
  h = mixDouble(h, Number(BigInt.asUintN(76, v)));
  return mix(h, Number(BigInt.asUintN(32, v)) | 0);
}
