import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  IPV4_ALL,
  IPV6_ALL,
  IP_ALL,
  IntervalSet,
  PORT_ALL,
  PROTO_ALL,
  PacketSet,
  V4_OFFSET,
  cidrSet,
  icmpTypeCode,
  parseCidr,
  parseIp,
  parsePortSpec,
  type Cube,
} from "../../src/netset/index.js";

const r = (lo: number, hi: number) => IntervalSet.range(BigInt(lo), BigInt(hi));
const p = (v: number) => IntervalSet.point(BigInt(v));
const TCP = p(6);
const UDP = p(17);
const ICMP = p(1);
const V6_MAX = (1n << 128n) - 1n;
const V4_MAX = V4_OFFSET + 0xffffffffn;

describe("PacketSet basics", () => {
  it("EMPTY and ALL", () => {
    expect(PacketSet.EMPTY.isEmpty()).toBe(true);
    expect(PacketSet.ALL.isEmpty()).toBe(false);
    expect(PacketSet.ALL.complement().isEmpty()).toBe(true);
    expect(PacketSet.EMPTY.complement().equals(PacketSet.ALL)).toBe(true);
    expect(PacketSet.of({}).equals(PacketSet.ALL)).toBe(true);
    expect(PacketSet.cube(PROTO_ALL, PORT_ALL, IP_ALL).key()).toBe(PacketSet.ALL.key());
    expect(PacketSet.cube(TCP, IntervalSet.EMPTY, IP_ALL)).toBe(PacketSet.EMPTY);
    expect(PacketSet.cube(IntervalSet.EMPTY, PORT_ALL, IP_ALL)).toBe(PacketSet.EMPTY);
    expect(PacketSet.cube(TCP, PORT_ALL, IntervalSet.EMPTY)).toBe(PacketSet.EMPTY);
    expect([...PacketSet.EMPTY.cubes()]).toEqual([]);
    expect(PacketSet.EMPTY.ips().isEmpty()).toBe(true);
    expect(PacketSet.unionAll([]).isEmpty()).toBe(true);
  });

  it("contains at the corners of the universe", () => {
    const all = PacketSet.ALL;
    for (const [proto, port, ip] of [
      [0, 0, 0n],
      [255, 65535, V4_MAX],
      [255, 65535, V6_MAX],
      [0, 0, V4_OFFSET],
    ] as const) {
      expect(all.contains(proto, port, ip)).toBe(true);
      expect(PacketSet.EMPTY.contains(proto, port, ip)).toBe(false);
    }
    const s = PacketSet.cube(TCP, r(0, 0).union(p(65535)), parseCidr("255.255.255.255"));
    expect(s.contains(6, 0, V4_MAX)).toBe(true);
    expect(s.contains(6, 65535, V4_MAX)).toBe(true);
    expect(s.contains(6, 1, V4_MAX)).toBe(false);
    expect(s.contains(6, 0, V4_MAX - 1n)).toBe(false);
    expect(s.contains(17, 0, V4_MAX)).toBe(false);
  });

  it("IPv6 ::/0 never matches IPv4 packets", () => {
    const v6 = PacketSet.of({ ips: parseCidr("::/0") });
    const v4 = PacketSet.of({ ips: parseCidr("0.0.0.0/0") });
    expect(v6.overlaps(v4)).toBe(false);
    expect(v6.contains(6, 443, parseIp("8.8.8.8"))).toBe(false);
    expect(v6.contains(6, 443, parseIp("::ffff:8.8.8.8"))).toBe(true);
    expect(v6.union(v4).equals(PacketSet.ALL)).toBe(true);
  });

  it("of / cube / restrict", () => {
    const web = PacketSet.of({ protocols: TCP, ports: p(443) });
    expect(web.equals(PacketSet.cube(TCP, p(443), IP_ALL))).toBe(true);
    const all = PacketSet.ALL;
    expect(all.restrictPorts(p(443)).equals(PacketSet.of({ ports: p(443) }))).toBe(true);
    expect(all.restrictProtocols(TCP).equals(PacketSet.of({ protocols: TCP }))).toBe(true);
    expect(all.restrictIps(IPV4_ALL).equals(PacketSet.of({ ips: IPV4_ALL }))).toBe(true);
    expect(web.restrictPorts(p(80)).isEmpty()).toBe(true);
    expect(web.restrictIps(PacketSet.EMPTY.ips()).isEmpty()).toBe(true);
  });

  it("canonical merging of touching and equal pieces", () => {
    const a = PacketSet.cube(TCP, r(0, 99), IPV4_ALL);
    const b = PacketSet.cube(TCP, r(100, 65535), IPV4_ALL);
    const c = PacketSet.cube(UDP, PORT_ALL, IPV4_ALL);
    const merged = a.union(b).union(c);
    expect(merged.equals(PacketSet.cube(TCP.union(UDP), PORT_ALL, IPV4_ALL))).toBe(true);
    expect([...merged.cubes()]).toHaveLength(1);
    const d = PacketSet.cube(TCP, PORT_ALL, IPV6_ALL);
    expect([...merged.union(d).cubes()].map((x) => x.ips.key())).toEqual([IP_ALL.key(), IPV4_ALL.key()]);
  });

  it("cubes, ips, protocols projections", () => {
    const s = parsePortSpec("tcp/443,udp/53").restrictIps(cidrSet(["10.0.0.0/8", "2001:db8::/32"]));
    const cubes: Cube[] = [...s.cubes()];
    expect(cubes.map((c) => [c.protocols.key(), c.ports.key()])).toEqual([
      [TCP.key(), p(443).key()],
      [UDP.key(), p(53).key()],
    ]);
    expect(s.ips().equals(cidrSet(["10.0.0.0/8", "2001:db8::/32"]))).toBe(true);
    expect(s.protocols().equals(TCP.union(UDP))).toBe(true);
  });

  it("existsPort / forallPort for stateless return traffic", () => {
    const ephemeral = r(1024, 65535);
    const nacl = PacketSet.cube(TCP, ephemeral, IPV4_ALL).union(
      PacketSet.cube(UDP, r(1024, 60000), IPV4_ALL),
    );
    // tcp: every ephemeral port passes; udp: 60001..65535 is missing.
    expect(nacl.forallPort(ephemeral).equals(PacketSet.cube(TCP, PORT_ALL, IPV4_ALL))).toBe(true);
    expect(nacl.existsPort().equals(PacketSet.cube(TCP.union(UDP), PORT_ALL, IPV4_ALL))).toBe(true);
    // Split across entries with different IPs: only the common IPs pass for all ports.
    const split = PacketSet.cube(TCP, r(1024, 2000), cidrSet(["10.0.0.0/8", "11.0.0.0/8"])).union(
      PacketSet.cube(TCP, r(2001, 65535), cidrSet(["10.0.0.0/8", "12.0.0.0/8"])),
    );
    expect(split.forallPort(ephemeral).equals(PacketSet.cube(TCP, PORT_ALL, parseCidr("10.0.0.0/8")))).toBe(
      true,
    );
    expect(split.forallPort(IntervalSet.EMPTY).equals(PacketSet.ALL)).toBe(true);
    expect(PacketSet.EMPTY.forallPort(ephemeral).isEmpty()).toBe(true);
    expect(PacketSet.ALL.forallPort(ephemeral).equals(PacketSet.ALL)).toBe(true);
    expect(PacketSet.ALL.existsPort()).toBe(PacketSet.ALL);
  });

  it("rejects values outside the dimensions", () => {
    expect(() => PacketSet.cube(r(0, 256), PORT_ALL, IP_ALL)).toThrow(RangeError);
    expect(() => PacketSet.cube(TCP, r(0, 65536), IP_ALL)).toThrow("ports must lie in 0..65535");
    expect(() => PacketSet.cube(TCP, IntervalSet.point(-1n), IP_ALL)).toThrow(RangeError);
    expect(() => PacketSet.cube(TCP, PORT_ALL, IntervalSet.point(V4_MAX + 1n))).toThrow(RangeError);
    expect(() => PacketSet.ALL.forallPort(r(1024, 70000))).toThrow(RangeError);
    expect(() => PacketSet.ALL.restrictPorts(r(65535, 65536))).toThrow(RangeError);
    // The extremes themselves are fine.
    expect(PacketSet.cube(p(255), p(65535), IntervalSet.point(V4_MAX)).contains(255, 65535, V4_MAX)).toBe(
      true,
    );
  });

  it("key() is a deterministic canonical string", () => {
    const a = parsePortSpec("tcp/443,udp/53");
    const b = parsePortSpec("udp/53").union(parsePortSpec("tcp/443"));
    expect(a.key()).toBe(b.key());
    expect(a.hash()).toBe(b.hash());
    expect(a.key()).not.toBe(parsePortSpec("tcp/443").key());
    expect(PacketSet.EMPTY.key()).toBe("");
  });

  it("short-circuits keep identity", () => {
    const a = parsePortSpec("tcp/443");
    expect(a.union(a)).toBe(a);
    expect(a.intersect(a)).toBe(a);
    expect(a.subtract(a)).toBe(PacketSet.EMPTY);
    expect(a.union(PacketSet.EMPTY)).toBe(a);
    expect(a.intersect(PacketSet.ALL)).toBe(a);
    expect(a.union(PacketSet.ALL)).toBe(PacketSet.ALL);
    expect(a.subtract(PacketSet.ALL)).toBe(PacketSet.EMPTY);
    expect(a.union(parsePortSpec("tcp/443"))).toBe(a);
    expect(a.union(parsePortSpec("tcp/443").restrictPorts(p(443)))).toBe(a);
    expect(a.isSubsetOf(PacketSet.ALL)).toBe(true);
    expect(PacketSet.ALL.isSubsetOf(a)).toBe(false);
  });
});

describe("PacketSet.toString golden strings", () => {
  const v4 = (c: string) => parseCidr(c);
  it.each<[string, PacketSet, string]>([
    ["empty", PacketSet.EMPTY, "none"],
    ["all", PacketSet.ALL, "all * -> any"],
    ["tcp 443 v4", PacketSet.cube(TCP, p(443), IPV4_ALL), "tcp 443 -> 0.0.0.0/0"],
    ["tcp 443 v6", PacketSet.cube(TCP, p(443), IPV6_ALL), "tcp 443 -> ::/0"],
    ["no ips: empty", PacketSet.cube(TCP, p(443), IntervalSet.EMPTY), "none"],
    ["tcp+udp merged", PacketSet.cube(TCP.union(UDP), p(53), v4("10.0.0.0/8")), "tcp,udp 53 -> 10.0.0.0/8"],
    [
      "two clauses",
      PacketSet.cube(TCP, p(443), IP_ALL).union(PacketSet.cube(UDP, p(53), v4("10.0.0.0/8"))),
      "tcp 443 -> any; udp 53 -> 10.0.0.0/8",
    ],
    [
      "port list",
      PacketSet.cube(TCP, p(22).union(p(80)).union(r(1024, 65535)), IP_ALL),
      "tcp 22,80,1024-65535 -> any",
    ],
    ["port 0 and 65535", PacketSet.cube(UDP, p(0).union(p(65535)), IP_ALL), "udp 0,65535 -> any"],
    [
      "dual-stack ips",
      PacketSet.cube(TCP, p(22), cidrSet(["10.0.0.0/8", "2001:db8::/32"])),
      "tcp 22 -> 2001:db8::/32, 10.0.0.0/8",
    ],
    ["icmp type/code", PacketSet.cube(ICMP, icmpTypeCode(8, 0), IP_ALL), "icmp type 8 code 0 -> any"],
    ["icmp type", PacketSet.cube(ICMP, icmpTypeCode(8), IP_ALL), "icmp type 8 -> any"],
    ["icmp all", PacketSet.cube(ICMP, icmpTypeCode(-1), IP_ALL), "icmp * -> any"],
    [
      "icmp types list",
      PacketSet.cube(ICMP, icmpTypeCode(0).union(icmpTypeCode(8)), IP_ALL),
      "icmp type 0, type 8 -> any",
    ],
    ["icmp type range", PacketSet.cube(ICMP, r(3 * 256, 6 * 256 - 1), IP_ALL), "icmp type 3-5 -> any"],
    [
      "icmp partial types",
      PacketSet.cube(ICMP, r(3 * 256 + 1, 5 * 256 + 4), IP_ALL),
      "icmp type 3 code 1-255, type 4, type 5 code 0-4 -> any",
    ],
    [
      "icmp code range",
      PacketSet.cube(p(58), r(1 * 256 + 0, 1 * 256 + 4), IP_ALL),
      "icmpv6 type 1 code 0-4 -> any",
    ],
    [
      "icmp and tcp sharing a port set are printed apart",
      PacketSet.cube(ICMP.union(TCP), icmpTypeCode(8), IP_ALL),
      "icmp type 8 -> any; tcp 2048-2303 -> any",
    ],
    [
      "protocol ranges mixing icmp",
      PacketSet.cube(r(0, 5), p(80), IP_ALL),
      "0,2-5 80 -> any; icmp type 0 code 80 -> any",
    ],
    ["port-less protocol", PacketSet.cube(p(47), PORT_ALL, v4("192.0.2.1")), "47 * -> 192.0.2.1/32"],
    ["sctp", PacketSet.cube(p(132), p(3868), IP_ALL), "sctp 3868 -> any"],
    [
      "complement of tcp/443",
      parsePortSpec("tcp/443").complement(),
      "0-5,7-255 * -> any; tcp 0-442,444-65535 -> any",
    ],
    [
      "all minus private v4",
      PacketSet.ALL.subtract(PacketSet.of({ ips: v4("10.0.0.0/8") })),
      "all * -> ::/0, 0.0.0.0/5, 8.0.0.0/7, 11.0.0.0/8, 12.0.0.0/6, 16.0.0.0/4, 32.0.0.0/3, 64.0.0.0/2, 128.0.0.0/1",
    ],
  ])("%s", (_name, set, expected) => {
    expect(set.toString()).toBe(expected);
  });
});

// ---- property tests against a brute-force model ----
//
// Each dimension is cut into a few "regions" (intervals). Random sets are built only from cubes
// whose sides are unions of whole regions, and every operation maps such sets to such sets, so
// a set is exactly described by which region triples it contains. The model is a Set of triple
// indices, and each region is probed at both ends. The regions include the dimension maxima and
// huge ranges (e.g. all IPv6 but ::, ::1), so this is exact on the real universe, not a toy one.

const PROTO_REGIONS: [bigint, bigint][] = [
  [0n, 0n],
  [1n, 1n],
  [2n, 2n],
  [3n, 3n],
  [4n, 255n],
];
const PORT_REGIONS: [bigint, bigint][] = [
  [0n, 0n],
  [1n, 1n],
  [2n, 2n],
  [3n, 3n],
  [4n, 4n],
  [5n, 5n],
  [6n, 65535n],
];
const IP_REGIONS: [bigint, bigint][] = [
  [0n, 0n],
  [1n, 1n],
  [2n, V6_MAX],
  ...Array.from({ length: 8 }, (_, k): [bigint, bigint] => [V4_OFFSET + BigInt(k), V4_OFFSET + BigInt(k)]),
  [V4_OFFSET + 8n, V4_MAX],
];
const NP = PROTO_REGIONS.length;
const NQ = PORT_REGIONS.length;
const NI = IP_REGIONS.length;
const idx = (a: number, b: number, c: number) => (a * NQ + b) * NI + c;

type Model = Set<number>;
interface Built {
  set: PacketSet;
  model: Model;
}

function regionsToSet(regions: [bigint, bigint][], picks: number[]): IntervalSet {
  return IntervalSet.fromRanges(picks.map((k) => regions[k]!));
}

/** A side of a cube: a non-empty union of regions, given as region indices. */
const sideArb = (n: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: n });
const cubeArb = fc.record({ ps: sideArb(NP), qs: sideArb(NQ), is: sideArb(NI) });
type CubeSpec = { ps: number[]; qs: number[]; is: number[] };

function cubeSet(c: CubeSpec): PacketSet {
  return PacketSet.cube(
    regionsToSet(PROTO_REGIONS, c.ps),
    regionsToSet(PORT_REGIONS, c.qs),
    regionsToSet(IP_REGIONS, c.is),
  );
}
function cubeModel(c: CubeSpec): Model {
  const m: Model = new Set();
  for (const a of c.ps) for (const b of c.qs) for (const d of c.is) m.add(idx(a, b, d));
  return m;
}
const mUnion = (x: Model, y: Model): Model => new Set([...x, ...y]);
const mInter = (x: Model, y: Model): Model => new Set([...x].filter((v) => y.has(v)));
const mSub = (x: Model, y: Model): Model => new Set([...x].filter((v) => !y.has(v)));
const UNIVERSE: Model = new Set(Array.from({ length: NP * NQ * NI }, (_, k) => k));
const mSame = (x: Model, y: Model) => x.size === y.size && [...x].every((v) => y.has(v));

/** Random sets: a start (empty or everything) then a few union/subtract/intersect steps with cubes. */
const builtArb: fc.Arbitrary<Built> = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.tuple(fc.constantFrom("u", "u", "u", "s", "i"), cubeArb), { minLength: 0, maxLength: 5 }),
  )
  .map(([full, steps]) => {
    let set = full ? PacketSet.ALL : PacketSet.EMPTY;
    let model: Model = full ? new Set(UNIVERSE) : new Set();
    for (const [op, c] of steps) {
      const cs = cubeSet(c);
      const cm = cubeModel(c);
      if (op === "u") [set, model] = [set.union(cs), mUnion(model, cm)];
      else if (op === "s") [set, model] = [set.subtract(cs), mSub(model, cm)];
      else [set, model] = [set.intersect(cs), mInter(model, cm)];
    }
    return { set, model };
  });

/** The same point set built a different way: one region triple at a time, in reverse order. */
function fromModel(m: Model): PacketSet {
  const parts: PacketSet[] = [];
  for (const k of [...m].sort((x, y) => y - x)) {
    const d = k % NI;
    const b = Math.floor(k / NI) % NQ;
    const a = Math.floor(k / (NI * NQ));
    parts.push(cubeSet({ ps: [a], qs: [b], is: [d] }));
  }
  return parts.reduce((acc, x) => acc.union(x), PacketSet.EMPTY);
}

/** Checks membership at both ends of every region triple, plus the canonical invariants. */
function expectMatches(set: PacketSet, m: Model): void {
  for (let a = 0; a < NP; a++) {
    for (let b = 0; b < NQ; b++) {
      for (let d = 0; d < NI; d++) {
        const want = m.has(idx(a, b, d));
        const [p0, p1] = PROTO_REGIONS[a]!;
        const [q0, q1] = PORT_REGIONS[b]!;
        const [i0, i1] = IP_REGIONS[d]!;
        if (
          set.contains(Number(p0), Number(q0), i0) !== want ||
          set.contains(Number(p1), Number(q1), i1) !== want
        ) {
          throw new Error(
            `membership mismatch at region (${a},${b},${d}): want ${want} in ${set.toString()}`,
          );
        }
      }
    }
  }
  expect(set.isEmpty()).toBe(m.size === 0);
  expectCanonical(set);
}

/** Canonical form, seen through cubes(): disjoint sorted keys, non-empty subs, no equal subs. */
function expectCanonical(set: PacketSet): void {
  const groups: { protocols: IntervalSet; entries: Cube[] }[] = [];
  for (const c of set.cubes()) {
    const last = groups[groups.length - 1];
    if (last !== undefined && last.protocols === c.protocols) last.entries.push(c);
    else groups.push({ protocols: c.protocols, entries: [c] });
  }
  const checkKeys = (keys: IntervalSet[]) => {
    for (const k of keys) expect(k.isEmpty()).toBe(false);
    for (let x = 1; x < keys.length; x++) expect(keys[x - 1]!.min()! < keys[x]!.min()!).toBe(true);
    for (let x = 0; x < keys.length; x++)
      for (let y = x + 1; y < keys.length; y++) expect(keys[x]!.overlaps(keys[y]!)).toBe(false);
  };
  checkKeys(groups.map((g) => g.protocols));
  const signatures = new Set<string>();
  for (const g of groups) {
    checkKeys(g.entries.map((e) => e.ports));
    const ipKeys = new Set<string>();
    for (const e of g.entries) {
      expect(e.ips.isEmpty()).toBe(false);
      ipKeys.add(e.ips.key());
    }
    expect(ipKeys.size).toBe(g.entries.length); // no two port entries with equal IP sets
    signatures.add(g.entries.map((e) => `${e.ports.key()}=${e.ips.key()}`).join(";"));
  }
  expect(signatures.size).toBe(groups.length); // no two protocol entries with equal sub-layers
}

function expectSameSet(set: PacketSet, m: Model): void {
  expectMatches(set, m);
  const other = fromModel(m);
  expect(set.key()).toBe(other.key());
  expect(set.hash()).toBe(other.hash());
  expect(set.equals(other)).toBe(true);
  expect(other.equals(set)).toBe(true);
}

function portRegionSetModel(picks: number[]): (b: number) => boolean {
  const s = new Set(picks);
  return (b) => s.has(b);
}

describe("PacketSet properties (brute-force region model)", () => {
  const runs = { numRuns: 250 };

  it("random construction matches the model and is canonical", () => {
    fc.assert(
      fc.property(builtArb, ({ set, model }) => expectSameSet(set, model)),
      runs,
    );
  });

  it("union / intersect / subtract / complement match the model", () => {
    fc.assert(
      fc.property(builtArb, builtArb, (A, B) => {
        expectSameSet(A.set.union(B.set), mUnion(A.model, B.model));
        expectSameSet(A.set.intersect(B.set), mInter(A.model, B.model));
        expectSameSet(A.set.subtract(B.set), mSub(A.model, B.model));
        expectSameSet(A.set.complement(), mSub(UNIVERSE, A.model));
      }),
      runs,
    );
  });

  it("predicates match the model", () => {
    fc.assert(
      fc.property(builtArb, builtArb, (A, B) => {
        const same = mSame(A.model, B.model);
        expect(A.set.equals(B.set)).toBe(same);
        expect(A.set.key() === B.set.key()).toBe(same);
        if (same) expect(A.set.hash()).toBe(B.set.hash());
        expect(A.set.isSubsetOf(B.set)).toBe([...A.model].every((v) => B.model.has(v)));
        expect(A.set.overlaps(B.set)).toBe([...A.model].some((v) => B.model.has(v)));
      }),
      runs,
    );
  });

  it("shiftIps moves every packet's address and nothing else", () => {
    // The IPv4 regions are single addresses up to V4_OFFSET + 7, then the rest: a shift by one within
    // IPv4 maps region k to k+1 for those, which the model can follow.
    const v4 = IntervalSet.range(V4_OFFSET, V4_OFFSET + 6n);
    fc.assert(
      fc.property(builtArb, ({ set }) => {
        const part = set.restrictIps(v4);
        const moved = part.shiftIps(1n);
        for (const [p0] of PROTO_REGIONS)
          for (const [q0] of PORT_REGIONS)
            for (let k = 0n; k < 8n; k++)
              expect(moved.contains(Number(p0), Number(q0), V4_OFFSET + k + 1n)).toBe(
                part.contains(Number(p0), Number(q0), V4_OFFSET + k),
              );
        expect(moved.shiftIps(-1n).equals(part)).toBe(true);
        expect(moved.isEmpty()).toBe(part.isEmpty());
      }),
    );
    expect(() => PacketSet.ALL.shiftIps(1n)).toThrow(RangeError);
  });

  it("existsPort / forallPort match the model", () => {
    fc.assert(
      fc.property(builtArb, sideArb(NQ), ({ set, model }, within) => {
        const inWithin = portRegionSetModel(within);
        const ex: Model = new Set();
        const fa: Model = new Set();
        for (let a = 0; a < NP; a++) {
          for (let d = 0; d < NI; d++) {
            let any = false;
            let every = true;
            for (let b = 0; b < NQ; b++) {
              const has = model.has(idx(a, b, d));
              any ||= has;
              if (inWithin(b) && !has) every = false;
            }
            for (let b = 0; b < NQ; b++) {
              if (any) ex.add(idx(a, b, d));
              if (every) fa.add(idx(a, b, d));
            }
          }
        }
        const w = regionsToSet(PORT_REGIONS, within);
        expectSameSet(set.existsPort(), ex);
        expectSameSet(set.forallPort(w), fa);
        // The defining identity from the spec.
        const viaExists = set
          .complement()
          .intersect(PacketSet.of({ ports: w }))
          .existsPort()
          .complement();
        expect(set.forallPort(w).equals(viaExists)).toBe(true);
      }),
      runs,
    );
  });

  it("projections and cubes() match the model", () => {
    fc.assert(
      fc.property(builtArb, ({ set, model }) => {
        let total = 0;
        const covered: Model = new Set();
        const regionsIn = (regions: [bigint, bigint][], s: IntervalSet) =>
          regions.flatMap(([lo, hi], k) => (IntervalSet.range(lo, hi).isSubsetOf(s) ? [k] : []));
        for (const c of set.cubes()) {
          const ps = regionsIn(PROTO_REGIONS, c.protocols);
          const qs = regionsIn(PORT_REGIONS, c.ports);
          const is = regionsIn(IP_REGIONS, c.ips);
          total += ps.length * qs.length * is.length;
          for (const v of cubeModel({ ps, qs, is })) covered.add(v);
        }
        // Disjoint cover: the cube sizes add up to exactly the set.
        expect(total).toBe(model.size);
        expect(mSame(covered, model)).toBe(true);
        const ipRegions = new Set([...model].map((k) => k % NI));
        expect(set.ips().equals(regionsToSet(IP_REGIONS, [...ipRegions]))).toBe(true);
        const protoRegions = new Set([...model].map((k) => Math.floor(k / (NI * NQ))));
        expect(set.protocols().equals(regionsToSet(PROTO_REGIONS, [...protoRegions]))).toBe(true);
      }),
      runs,
    );
  });

  it("unionAll of many sets matches the model and the pairwise fold", () => {
    fc.assert(
      fc.property(fc.array(builtArb, { maxLength: 7 }), (xs) => {
        const u = PacketSet.unionAll(xs.map((x) => x.set));
        const fold = xs.reduce((acc, x) => acc.union(x.set), PacketSet.EMPTY);
        expect(u.key()).toBe(fold.key());
        expect(u.equals(fold)).toBe(true);
        expect(u.equals(fromModel(xs.reduce((m, x) => mUnion(m, x.model), new Set<number>())))).toBe(true);
      }),
      runs,
    );
  });

  it("unionWithin is the union cut down to a set, canonical, and an input when equal to it", () => {
    fc.assert(
      fc.property(fc.array(builtArb, { maxLength: 7 }), builtArb, (xs, w) => {
        const u = PacketSet.unionWithin(
          xs.map((x) => x.set),
          w.set,
        );
        const want = xs.reduce((acc, x) => acc.union(x.set), PacketSet.EMPTY).intersect(w.set);
        expect(u.key()).toBe(want.key());
        expect(u.equals(want)).toBe(true);
        const model = xs.reduce((m, x) => mUnion(m, x.model), new Set<number>());
        expect(u.equals(fromModel(new Set([...model].filter((k) => w.model.has(k)))))).toBe(true);
        // Inside its bounds nothing is cut: the input itself comes back.
        for (const x of xs)
          if (!x.set.isEmpty())
            expect(PacketSet.unionWithin([x.set], x.set.union(w.set)) === x.set).toBe(true);
      }),
      runs,
    );
  });

  it("set laws and canonicity across operation orders", () => {
    fc.assert(
      fc.property(builtArb, builtArb, builtArb, ({ set: a }, { set: b }, { set: c }) => {
        const eq = (x: PacketSet, y: PacketSet) => {
          expect(x.key()).toBe(y.key());
          expect(x.equals(y)).toBe(true);
        };
        eq(a.union(b), b.union(a));
        eq(a.intersect(b), b.intersect(a));
        eq(a.union(b).union(c), a.union(b.union(c)));
        eq(a.union(b).union(c), PacketSet.unionAll([c, a, b]));
        eq(a.intersect(b).intersect(c), a.intersect(b.intersect(c)));
        eq(a.intersect(b.union(c)), a.intersect(b).union(a.intersect(c)));
        eq(a.union(b.intersect(c)), a.union(b).intersect(a.union(c)));
        eq(a.union(b).complement(), a.complement().intersect(b.complement()));
        eq(a.intersect(b).complement(), a.complement().union(b.complement()));
        eq(a.subtract(b), a.intersect(b.complement()));
        eq(a.subtract(b).union(a.intersect(b)), a);
        eq(a.complement().complement(), a);
        eq(a.union(a), a);
        eq(a.intersect(a), a);
        expect(a.subtract(b).intersect(b).isEmpty()).toBe(true);
        expect(a.subtract(b).overlaps(b)).toBe(false);
        expect(a.intersect(b).isSubsetOf(a)).toBe(true);
        expect(a.isSubsetOf(a.union(b))).toBe(true);
        expect(a.isSubsetOf(b)).toBe(a.subtract(b).isEmpty());
        expect(a.overlaps(b)).toBe(!a.intersect(b).isEmpty());
        eq(a.existsPort().existsPort(), a.existsPort());
        expect(a.isSubsetOf(a.existsPort())).toBe(true);
        expect(a.forallPort(PORT_ALL).isSubsetOf(a)).toBe(true);
        // A toString round trip through the canonical structure is deterministic.
        expect(a.union(b).toString()).toBe(b.union(a).toString());
      }),
      runs,
    );
  });
});

describe("scale sanity (real universe)", () => {
  it("the union of 60 random CIDR/port cubes stays small and all ops finish", () => {
    const cubeArbReal = fc.record({
      proto: fc.constantFrom(6, 17, 1, 47),
      lo: fc.integer({ min: 0, max: 65535 }),
      len: fc.integer({ min: 0, max: 5000 }),
      v6: fc.boolean(),
      raw: fc.bigInt({ min: 0n, max: V6_MAX }),
      prefix: fc.integer({ min: 0, max: 32 }),
    });
    fc.assert(
      fc.property(fc.array(cubeArbReal, { minLength: 60, maxLength: 60 }), (specs) => {
        const cubes = specs.map((c) => {
          const bits = c.v6 ? 128 : 32;
          const raw = c.v6 ? c.raw : c.raw & 0xffffffffn;
          const host = BigInt(bits - Math.min(c.prefix * (c.v6 ? 4 : 1), bits));
          const base = (raw >> host) << host;
          const off = c.v6 ? 0n : V4_OFFSET;
          const ips = IntervalSet.range(off + base, off + base + (1n << host) - 1n);
          const ports = c.proto === 47 ? PORT_ALL : r(c.lo, Math.min(65535, c.lo + c.len));
          return { set: PacketSet.cube(p(c.proto), ports, ips), proto: c.proto, ports, ips };
        });
        const u = PacketSet.unionAll(cubes.map((c) => c.set));
        const n = [...u.cubes()].length;
        // Port keys are cut at most at 2 * 60 points per protocol, 4 protocols.
        expect(n).toBeLessThanOrEqual(4 * (2 * 60 + 1));
        // Same set whichever way it is folded.
        expect(cubes.reduce((acc, c) => c.set.union(acc), PacketSet.EMPTY).equals(u)).toBe(true);
        // Membership agrees with "some input cube contains the point" at cube corners.
        for (const c of cubes) {
          for (const port of [c.ports.min()!, c.ports.max()!]) {
            for (const ip of [c.ips.min()!, c.ips.max()!]) {
              expect(u.contains(c.proto, Number(port), ip)).toBe(true);
              const next = ip + 1n;
              const want = cubes.some(
                (d) => d.proto === c.proto && d.ports.contains(port) && d.ips.contains(next),
              );
              expect(u.contains(c.proto, Number(port), next)).toBe(want);
            }
          }
        }
        const comp = u.complement();
        expect(comp.overlaps(u)).toBe(false);
        expect(comp.union(u).equals(PacketSet.ALL)).toBe(true);
        expect(u.subtract(cubes[0]!.set).isSubsetOf(u)).toBe(true);
        expect(u.existsPort().isSubsetOf(u.existsPort().existsPort())).toBe(true);
        expect(u.forallPort(r(1024, 65535)).isSubsetOf(u.existsPort())).toBe(true);
        expect(u.toString().length).toBeGreaterThan(0);
      }),
      { numRuns: 20 },
    );
  });
});
