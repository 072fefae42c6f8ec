// Small non-cryptographic hashing helpers for cached structural hashes (internal; not re-exported).

/** One round of a multiplicative 32-bit mix (the murmur3 / splitmix family). */
export function mix(h: number, x: number): number {
  h = Math.imul(h ^ x, 0x9e3779b1);
  return h ^ (h >>> 15);
}

const CHUNK = 43n; // 43-bit chunks convert to doubles exactly and split into two int32 words
const SMALL = 1n << CHUNK;

/** Mixes every bit of v into h (IP-axis values have 129 bits; ports and protocols fit in one chunk). */
export function hashBigint(h: number, v: bigint): number {
  if (v >= 0n && v < SMALL) {
    const d = Number(v);
    return mix(mix(h, d | 0), (d / 4294967296) | 0);
  }
  let x = v;
  while (x !== 0n && x !== -1n) {
    const d = Number(BigInt.asUintN(43, x));
    h = mix(mix(h, d | 0), (d / 4294967296) | 0);
    x >>= CHUNK;
  }
  return mix(h, x === 0n ? 0 : -1);
}
