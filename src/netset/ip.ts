// The destination-IP dimension of a PacketSet.
//
// Both address families live on ONE bigint axis without overlapping:
//   IPv6 address a  ->  a                 (0 .. 2^128 - 1)
//   IPv4 address a  ->  2^128 + a         (2^128 .. 2^128 + 2^32 - 1)
// so an IPv6 rule (even ::/0) can never match an IPv4 packet and vice versa, and a single
// IntervalSet can describe a dual-stack destination set. IPv4-mapped IPv6 text (::ffff:1.2.3.4)
// is deliberately kept as IPv6: a cloud rule written as IPv6 only matches IPv6 packets.
//
// All address text is parsed by ipaddr.js; this file only validates the accepted spelling and
// converts between ipaddr.js' byte/part arrays and bigints.

import ipaddr from "ipaddr.js";
import { NetsetInputError } from "./errors.js";
import { IntervalSet, type Range } from "./interval-set.js";

export { NetsetInputError } from "./errors.js";

export const V4_OFFSET: bigint = 1n << 128n;
const V6_MAX = V4_OFFSET - 1n;
const V4_MAX = V4_OFFSET + (1n << 32n) - 1n;

export const IPV6_ALL: IntervalSet = IntervalSet.range(0n, V6_MAX);
export const IPV4_ALL: IntervalSet = IntervalSet.range(V4_OFFSET, V4_MAX);
/** Both families. The two blocks touch on the axis, so canonically this is one range. */
export const IP_ALL: IntervalSet = IPV6_ALL.union(IPV4_ALL);

interface Parsed {
  /** Address inside its own family (not yet offset). */
  readonly raw: bigint;
  readonly v4: boolean;
}

/**
 * Accepted spellings:
 *  - IPv4: strict dotted quad of decimal octets without leading zeros. ipaddr.js also accepts
 *    "10.1", "0x0a.0.0.1" and "010.0.0.1" (octal!), which inet_aton-style parsers read
 *    differently from the clouds' own validators; refusing them avoids silently auditing a
 *    different address than the operator meant.
 *  - IPv6: anything ipaddr.js accepts, except zone ids ("fe80::1%eth0": an interface scope, not a
 *    destination) and embedded IPv4 tails that are not strict dotted quads.
 */
function parseAddress(text: string): Parsed | undefined {
  const s = text.trim();
  if (s === "") return undefined;
  if (s.includes(":")) {
    if (s.includes("%")) return undefined;
    let t = s;
    if (t.includes(".")) {
      const tail = t.slice(t.lastIndexOf(":") + 1);
      if (!ipaddr.IPv4.isValidFourPartDecimal(tail)) return undefined;
      // ipaddr.js 2.x reads the deprecated IPv4-compatible form "::a.b.c.d" as the IPv4-MAPPED
      // address ::ffff:a.b.c.d. RFC 4291 section 2.5.5.1 defines "::a.b.c.d" as ::0:0:a.b.c.d, and
      // "0::a.b.c.d" (the same address) takes ipaddr.js' correct code path.
      if (t.startsWith("::") && t.indexOf(":", 2) === -1) t = `0${t}`;
    }
    if (!ipaddr.IPv6.isValid(t)) return undefined;
    let raw = 0n;
    for (const part of ipaddr.IPv6.parse(t).parts) raw = (raw << 16n) | BigInt(part);
    return { raw, v4: false };
  }
  const quad = strictDottedQuad(s);
  if (quad !== undefined) return { raw: quad, v4: true };
  if (!ipaddr.IPv4.isValidFourPartDecimal(s)) return undefined;
  let raw = 0n;
  for (const octet of ipaddr.IPv4.parse(s).octets) raw = (raw << 8n) | BigInt(octet);
  return { raw, v4: true };
}

/**
 * The common spelling, read without ipaddr.js (quota-size inputs hold ~10^5 addresses): four decimal
 * octets 0..255 without leading zeros. Returns undefined for anything else, which then takes the
 * general path above; everything accepted here is accepted there too, with the same value.
 */
function strictDottedQuad(s: string): bigint | undefined {
  const value = dottedQuadNumber(s, s.length);
  return value === undefined ? undefined : BigInt(value);
}

/** strictDottedQuad of s's first `end` characters, as a number. */
function dottedQuadNumber(s: string, end: number): number | undefined {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= end; i++) {
    const c = i < end ? s.charCodeAt(i) : 46; // the end closes the last octet like a "."
    if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return undefined; // a leading zero
      octet = octet * 10 + (c - 48);
      digits++;
      if (octet > 255) return undefined;
    } else if (c === 46) {
      if (digits === 0) return undefined;
      value = value * 256 + octet;
      parts++;
      octet = 0;
      digits = 0;
    } else return undefined;
  }
  return parts === 4 ? value : undefined;
}

/** Parses one IPv4 or IPv6 address into the shared IP axis. */
export function parseIp(text: string): bigint {
  const p = parseAddress(text);
  if (p === undefined) throw new NetsetInputError(`not an IP address: ${JSON.stringify(text)}`, text);
  return p.v4 ? V4_OFFSET + p.raw : p.raw;
}

/**
 * Parses "10.0.0.0/8", "::/0", "2001:db8::/32" or a bare address (= /32 or /128). Host bits are
 * masked off ("10.0.0.5/8" = 10.0.0.0/8) because AWS, GCP and Azure all accept and mask them.
 */
export function parseCidr(text: string): IntervalSet {
  // Real configurations repeat the same few CIDRs (0.0.0.0/0, the VPC's blocks) thousands of times;
  // the sets are immutable, so one parse serves them all. The common IPv4 spelling is looked up by its
  // block, in numbers: hashing ~10^5 freshly read texts cost more than reading them.
  const v4 = strictV4Cidr(text);
  if (v4 !== undefined) return v4;
  let hit = cidrCache.get(text);
  if (hit === undefined) {
    hit = parseCidrUncached(text);
    if (cidrCache.size >= CIDR_CACHE_MAX) cidrCache.clear();
    cidrCache.set(text, hit);
  }
  return hit;
}

const CIDR_CACHE_MAX = 100_000;
const cidrCache = new Map<string, IntervalSet>();

/** The IPv4 blocks strictV4Cidr has read, by prefix length and first address; one set per block. */
const v4Blocks: Map<number, IntervalSet>[] = Array.from({ length: 33 }, () => new Map<number, IntervalSet>());
let v4BlockCount = 0;

function parseCidrUncached(text: string): IntervalSet {
  const s = text.trim();
  const slash = s.indexOf("/");
  const addrText = slash === -1 ? s : s.slice(0, slash);
  const p = parseAddress(addrText);
  if (p === undefined) {
    throw new NetsetInputError(`not a CIDR block: ${JSON.stringify(text)} (bad address)`, text);
  }
  const bits = p.v4 ? 32 : 128;
  let prefix = bits;
  if (slash !== -1) {
    const lenText = s.slice(slash + 1);
    // Plain decimal only: "/ 8", "/+8", "/0x8" or "/8/9" are typos, not prefixes.
    if (!/^\d{1,3}$/.test(lenText) || Number(lenText) > bits) {
      throw new NetsetInputError(
        `not a CIDR block: ${JSON.stringify(text)} (prefix length must be 0..${bits})`,
        text,
      );
    }
    prefix = Number(lenText);
  }
  const hostBits = BigInt(bits - prefix);
  const base = (p.raw >> hostBits) << hostBits;
  const lo = (p.v4 ? V4_OFFSET : 0n) + base;
  return IntervalSet.range(lo, lo + (1n << hostBits) - 1n);
}

/**
 * The common IPv4 spelling "a.b.c.d/n" (a strict dotted quad, 1-3 digits of prefix length up to 32),
 * read in plain numbers: a quota-size region has ~10^5 distinct CIDRs, and the general path's BigInt
 * arithmetic was most of their cost. Undefined for anything else, which then takes the general path;
 * what is accepted here is accepted there too, with the same set.
 */
function strictV4Cidr(s: string): IntervalSet | undefined {
  const slash = s.indexOf("/");
  if (slash === -1 || s.length - slash - 1 > 3 || s.length - slash - 1 < 1) return undefined;
  let prefix = 0;
  for (let i = slash + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
    prefix = prefix * 10 + (c - 48);
  }
  if (prefix > 32) return undefined;
  const addr = dottedQuadNumber(s, slash);
  if (addr === undefined) return undefined;
  // The block's size as a number: 2^32 at most, exact.
  const size = 2 ** (32 - prefix);
  const lo = addr - (addr % size);
  // (A signed 32-bit key: a small integer, which a Map hashes and compares as it is.)
  const blocks = v4Blocks[prefix]!;
  let set = blocks.get(lo | 0);
  if (set === undefined) {
    if (++v4BlockCount > CIDR_CACHE_MAX) {
      for (const m of v4Blocks) m.clear();
      v4BlockCount = 1;
    }
    // (IPv4 is where IntervalSet keeps plain numbers: V4_OFFSET is its window's start.)
    blocks.set(lo | 0, (set = IntervalSet.windowRange(lo, lo + size - 1)));
  }
  return set;
}

/** Union of the given CIDR blocks (each parsed with parseCidr). */
export function cidrSet(list: Iterable<string>): IntervalSet {
  const ranges: Range[] = [];
  for (const text of list) {
    const r = parseCidr(text).ranges[0];
    if (r !== undefined) ranges.push(r);
  }
  return IntervalSet.fromRanges(ranges);
}

export function isV4(v: bigint): boolean {
  return v >= V4_OFFSET;
}

function checkAxis(v: bigint): void {
  if (v < 0n || v > V4_MAX) throw new RangeError(`not a value of the IP axis: ${v}`);
}

function formatV4(n: number): string {
  // Dotted quad straight from the number: this runs for every CIDR the audit prints.
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function formatV6(raw: bigint): string {
  const parts: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) parts.push(Number((raw >> shift) & 0xffffn));
  const addr = new ipaddr.IPv6(parts);
  // RFC 5952 section 5 recommends mixed notation for IPv4-mapped addresses (::ffff:1.2.3.4);
  // ipaddr.js' toRFC5952String prints them as hex (::ffff:102:304), which hides the IPv4 address
  // that operators wrote and would search for.
  if (addr.isIPv4MappedAddress()) return `::ffff:${addr.toIPv4Address().toString()}`;
  return addr.toRFC5952String();
}

/** Dotted quad for IPv4, RFC 5952 compressed text for IPv6. */
export function formatIp(v: bigint): string {
  checkAxis(v);
  return isV4(v) ? formatV4(Number(v - V4_OFFSET)) : formatV6(v);
}

function bitLength(v: bigint): number {
  if (v <= 0xffffffffn) return 32 - Math.clz32(Number(v));
  return v.toString(2).length;
}

/**
 * Minimal exact CIDR cover of [lo, hi] inside one family (raw values). Greedy from the left: at
 * each step emit the largest block that is aligned at `lo` (limited by lo's trailing zero bits)
 * and fits in the remaining span. That is the classic optimal range-to-prefix decomposition; it
 * emits at most 2*bits blocks per range and never looks at individual addresses.
 */
function rangeToCidrs(lo: bigint, hi: bigint, bits: number, fmt: (raw: bigint) => string, out: string[]) {
  let a = lo;
  while (a <= hi) {
    const align = a === 0n ? bits : bitLength(a & -a) - 1;
    const fit = bitLength(hi - a + 1n) - 1;
    const k = Math.min(align, fit, bits);
    out.push(`${fmt(a)}/${bits - k}`);
    a += 1n << BigInt(k);
  }
}

/** rangeToCidrs for IPv4 offsets (0 .. 2^32 - 1) in plain numbers: the audit prints ~10^6 of these. */
function v4RangeToCidrs(lo: number, hi: number, out: string[]) {
  let a = lo;
  while (a <= hi) {
    // Trailing zero bits of a (the block must start at a), and the largest block that still fits.
    const align = a === 0 ? 32 : 31 - Math.clz32((a & -a) >>> 0);
    const span = hi - a + 1;
    const fit = span >= 2 ** 32 ? 32 : 31 - Math.clz32(span);
    const k = align < fit ? align : fit;
    out.push(`${formatV4(a)}/${32 - k}`);
    a += 2 ** k;
  }
}

/**
 * Minimal list of CIDR blocks exactly covering the set, in ascending axis order (IPv6 first,
 * then IPv4). A range crossing the family boundary is split there, as each CIDR is one family.
 */
export function toCidrs(set: IntervalSet): string[] {
  const out: string[] = [];
  // IntervalSet stores the IPv4 block (from 2^128) as number offsets, cut at 2^128 like the families;
  // its other ranges are IPv6 (below 2^128) or off the axis.
  for (const [lo, hi] of set.storedBig) {
    checkAxis(lo);
    checkAxis(hi);
    rangeToCidrs(lo, hi, 128, formatV6, out);
  }
  const v4 = set.storedNumbers;
  for (let k = 0; k < v4.length; k += 2) {
    checkAxis(V4_OFFSET + BigInt(v4[k + 1]!));
    v4RangeToCidrs(v4[k]!, v4[k + 1]!, out);
  }
  // At its exact size: the audit keeps ~10^5 of these lists (see layer.ts exact()).
  return out.slice();
}

/**
 * Fixed human form of an IP set: "none" (empty), "any" (both families entirely), otherwise the
 * toCidrs blocks joined by ", ". IPV4_ALL prints "0.0.0.0/0" and IPV6_ALL "::/0".
 */
export function formatIpSet(set: IntervalSet): string {
  if (set.isEmpty()) return "none";
  if (set.equals(IP_ALL)) return "any";
  return toCidrs(set).join(", ");
}

/** RFC 1918 private IPv4 space. */
export const PRIVATE_IPV4: IntervalSet = cidrSet(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]);

// "The public internet" as a destination set: all of IPv4 plus the IPv6 global unicast block
// 2000::/3, minus every block that the IANA special-purpose registries mark as not globally
// reachable, plus IPv4 multicast and the former class E space, which are not unicast destinations.
//
// Sources (checked against the registries as updated 2024):
//  - IANA IPv4 Special-Purpose Address Registry,
//    https://www.iana.org/assignments/iana-ipv4-special-registry/ (RFC 6890, RFC 8190)
//  - IANA IPv6 Special-Purpose Address Registry,
//    https://www.iana.org/assignments/iana-ipv6-special-registry/ (RFC 6890, RFC 8190)
//  - IANA IPv4 Multicast Address Space Registry (224.0.0.0/4, RFC 5771)
//
// A few more-specific registry entries inside an excluded block are marked "Globally Reachable:
// True" and are therefore put back (the same carve-outs as CPython's ipaddress `is_global`):
// IPv4 192.0.0.9/32 (PCP anycast) and 192.0.0.10/32 (TURN anycast) inside 192.0.0.0/24; IPv6
// 2001:1::1/128 (PCP anycast), 2001:1::2/128 (TURN anycast), 2001:1::3/128 (DNS-SD SRP anycast),
// 2001:3::/32 (AMT), 2001:4:112::/48 (AS112-v6), 2001:20::/28 (ORCHIDv2) and 2001:30::/28 (DRIP
// DETs) inside 2001::/23. Registry entries that are globally reachable and not inside an excluded
// block (e.g. 192.31.196.0/24 AS112-v4, 192.52.193.0/24 AMT, 2620:4f:8000::/48) need nothing.
const NOT_GLOBAL_V4 = [
  "0.0.0.0/8", // "this network" (includes 0.0.0.0/32)
  "10.0.0.0/8", // RFC 1918
  "100.64.0.0/10", // shared address space (carrier-grade NAT)
  "127.0.0.0/8", // loopback
  "169.254.0.0/16", // link local (incl. cloud metadata 169.254.169.254)
  "172.16.0.0/12", // RFC 1918
  "192.0.0.0/24", // IETF protocol assignments (incl. DS-Lite 192.0.0.0/29, 192.0.0.170/31)
  "192.0.2.0/24", // TEST-NET-1 documentation
  "192.88.99.0/24", // deprecated 6to4 relay anycast (RFC 7526)
  "192.168.0.0/16", // RFC 1918
  "198.18.0.0/15", // benchmarking
  "198.51.100.0/24", // TEST-NET-2 documentation
  "203.0.113.0/24", // TEST-NET-3 documentation
  "224.0.0.0/4", // multicast
  "240.0.0.0/4", // reserved, incl. limited broadcast 255.255.255.255/32
];
const GLOBAL_EXCEPTIONS_V4 = ["192.0.0.9/32", "192.0.0.10/32"];
// Registry entries outside 2000::/3 (::1, ::ffff:0:0/96, 64:ff9b::/96, 100::/64, 5f00::/16,
// fc00::/7, fe80::/10, ...) are already outside the starting block.
const NOT_GLOBAL_V6 = [
  // IETF protocol assignments, incl. Teredo 2001::/32, benchmarking 2001:2::/48, ORCHID 2001:10::/28
  "2001::/23",
  "2001:db8::/32", // documentation
  "2002::/16", // 6to4
  "3fff::/20", // documentation (RFC 9637)
];
const GLOBAL_EXCEPTIONS_V6 = [
  "2001:1::1/128",
  "2001:1::2/128",
  "2001:1::3/128",
  "2001:3::/32",
  "2001:4:112::/48",
  "2001:20::/28",
  "2001:30::/28",
];

export const PUBLIC_INTERNET: IntervalSet = cidrSet(["0.0.0.0/0", "2000::/3"])
  .subtract(cidrSet([...NOT_GLOBAL_V4, ...NOT_GLOBAL_V6]))
  .union(cidrSet([...GLOBAL_EXCEPTIONS_V4, ...GLOBAL_EXCEPTIONS_V6]));
