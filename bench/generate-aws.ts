// Synthetic AWS region generator for the egress-audit benchmark.
//
// Produces one region (us-east-1) at "quota scale" in exactly the shapes `aws ec2 describe-*` prints
// (PascalCase, real field names, one file per call): 1 VPC, 200 subnets over 3 AZs (20 public, each
// hosting a NAT gateway), 201 route tables of 100 routes, 201 NACLs (200 custom with 40 entries),
// 2,500 security groups with 60 egress rules each, 5,000 interface ENIs (4,500 attached to instances)
// plus the NAT gateways' ENIs, the instances, NAT gateways, the IGW and the Elastic IPs.
//
// Everything is derived from a seeded PRNG (mulberry32), so the same seed and scale always give
// byte-identical output. `scale` multiplies object counts (never below 1, and never below what keeps
// the topology coherent); per-object sizes (routes per table, rules per group, NACL entries) stay at
// quota size because they are what the audit has to chew through per lookup.
//
// CLI: node dist/bench/generate-aws.js --seed 1 --scale 1 --out bench/out/aws-quota [--indent 1]

import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

export interface GenerateAwsOptions {
  seed: number;
  /** 1 = quota scale; object counts are multiplied by this (tests use e.g. 0.01). */
  scale?: number;
  /** VPC IPv4 CIDR, default 10.0.0.0/16. Subnets are /24s (or smaller when many are needed). */
  vpcCidr?: string;
}

export const REGION = "us-east-1";
export const ACCOUNT_ID = "123456789012";

/** Counts at scale 1. */
export const QUOTA = {
  subnets: 200,
  publicSubnets: 20,
  natGateways: 20,
  securityGroups: 2500,
  interfaceEnis: 5000,
  attachedEnis: 4500,
  appliances: 10,
  routesPerTable: 100,
  naclEntriesPerDirection: 20,
  sgEgressRules: 60,
} as const;

// ---------------------------------------------------------------------------------------------
// PRNG

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashLabel(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  float(): number {
    return this.next();
  }
  u32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }
  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(arr: readonly T[]): T {
    return at(arr, Math.floor(this.next() * arr.length));
  }
  /** Picks by weight: items are [weight, value]. */
  weighted<T>(items: readonly (readonly [number, T])[]): T {
    let total = 0;
    for (const [w] of items) total += w;
    let r = this.next() * total;
    for (const [w, v] of items) {
      r -= w;
      if (r < 0) return v;
    }
    return at(items, items.length - 1)[1];
  }
  hex(n: number): string {
    let s = "";
    while (s.length < n) s += this.u32().toString(16).padStart(8, "0");
    return s.slice(0, n);
  }
}

function at<T>(arr: readonly T[], i: number): T {
  const v = arr[i];
  if (v === undefined) throw new Error(`index ${i} out of range (length ${arr.length})`);
  return v;
}

/** Unique AWS-style resource ids ("sg-0" + 16 hex, like the long ids AWS issues). */
class IdFactory {
  private readonly used = new Set<string>();
  constructor(private readonly rng: Rng) {}
  make(prefix: string, hexLen = 17): string {
    for (;;) {
      const id = `${prefix}-${hexLen === 17 ? "0" + this.rng.hex(16) : this.rng.hex(hexLen)}`;
      if (!this.used.has(id)) {
        this.used.add(id);
        return id;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// IPv4 helpers (addresses as unsigned 32-bit numbers)

function ipToInt(ip: string): number {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`bad IPv4 address ${ip}`);
  }
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

function intToIp(n: number): string {
  return `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

interface Cidr {
  base: number;
  len: number;
}

function parseCidr(s: string): Cidr {
  const [ip, lenStr] = s.split("/");
  const len = Number(lenStr);
  if (ip === undefined || !Number.isInteger(len) || len < 0 || len > 32) throw new Error(`bad CIDR ${s}`);
  const size = 2 ** (32 - len);
  const base = ipToInt(ip);
  if (base % size !== 0) throw new Error(`CIDR ${s} has host bits set`);
  return { base, len };
}

function cidrStr(c: Cidr): string {
  return `${intToIp(c.base)}/${c.len}`;
}

function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.len);
}

function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + cidrSize(b) && b.base < a.base + cidrSize(a);
}

/** A random prefix of length `len` inside `within` (len >= within.len). */
function randomPrefixIn(rng: Rng, within: Cidr, len: number): Cidr {
  const count = 2 ** (len - within.len);
  const size = 2 ** (32 - len);
  return { base: within.base + Math.floor(rng.float() * count) * size, len };
}

const TEN_8 = parseCidr("10.0.0.0/8");
const RFC1918 = [TEN_8, parseCidr("172.16.0.0/12"), parseCidr("192.168.0.0/16")] as const;
const PUBLIC_SLASH8 = [3, 13, 18, 34, 35, 44, 52, 54, 104, 151, 185].map((o) => ({
  base: o * 16777216,
  len: 8,
}));
const DOC_NETS = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"].map(parseCidr);
/** Public addresses handed out to EIPs, NAT gateways and auto-assigned public IPs. */
const EIP_POOLS = [3, 52, 54].map((o) => ({ base: o * 16777216, len: 8 }));

// ---------------------------------------------------------------------------------------------
// Model

interface SubnetRec {
  index: number;
  id: string;
  cidr: Cidr;
  az: number;
  isPublic: boolean;
  used: Set<number>;
  name: string;
}

interface EniRec {
  id: string;
  kind: "instance" | "elb" | "nat";
  subnet: SubnetRec;
  ip: number;
  secondaryIps: number[];
  groups: SgRec[];
  mac: string;
  description: string;
  sourceDestCheck: boolean;
  attachmentId: string;
  attachTime: string;
  deviceIndex: number;
  instanceId?: string;
  publicIp?: string;
  eip?: { allocationId: string; associationId: string };
  natId?: string;
}

interface InstanceRec {
  id: string;
  name: string;
  enis: EniRec[];
  instanceType: string;
  imageId: string;
  launchTime: string;
  keyName: string;
  appliance: boolean;
}

interface SgRec {
  id: string;
  name: string;
  description: string;
  team: string;
}

interface NatRec {
  id: string;
  subnet: SubnetRec;
  eni: EniRec;
  createTime: string;
}

type Obj = Record<string, unknown>;

/** Returns a copy of `o` with keys in sorted order (the classic awscli prints sorted keys). */
function sortedKeys(o: Obj): Obj {
  const out: Obj = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k];
  return out;
}

const AZS = [
  { name: `${REGION}a`, id: "use1-az4" },
  { name: `${REGION}b`, id: "use1-az6" },
  { name: `${REGION}c`, id: "use1-az1" },
] as const;

const TEAMS = [
  "payments",
  "search",
  "checkout",
  "identity",
  "data",
  "ml",
  "platform",
  "edge",
  "billing",
  "ops",
];
const APPS = [
  "api",
  "web",
  "worker",
  "batch",
  "cache",
  "db-client",
  "ingest",
  "scheduler",
  "gateway",
  "etl",
  "stream",
  "auth",
  "render",
  "notify",
  "export",
];
const INSTANCE_TYPES = ["m6i.large", "m6i.xlarge", "c6i.2xlarge", "r6i.large", "t3.medium", "m7g.large"];

function scaled(n: number, scale: number, min = 1): number {
  return Math.max(min, Math.round(n * scale));
}

const EPOCH_2023 = Date.UTC(2023, 0, 1);

function awsTime(rng: Rng): string {
  const ms = EPOCH_2023 + rng.int(0, 2 * 365 * 86400) * 1000;
  return new Date(ms).toISOString().replace(".000Z", "+00:00");
}

function publicDnsName(ip: string): string {
  return `ec2-${ip.replaceAll(".", "-")}.compute-1.amazonaws.com`;
}

function privateDnsName(ip: string): string {
  return `ip-${ip.replaceAll(".", "-")}.ec2.internal`;
}

// ---------------------------------------------------------------------------------------------
// Generator

export function generateAwsRegion(opts: GenerateAwsOptions): Map<string, unknown> {
  const scale = opts.scale ?? 1;
  if (!(scale > 0)) throw new Error(`scale must be > 0 (got ${scale})`);
  const vpcCidr = parseCidr(opts.vpcCidr ?? "10.0.0.0/16");
  const seed = opts.seed;
  const stream = (label: string) => new Rng(hashLabel(seed, label));
  const ids = new IdFactory(stream("ids"));

  // ---- counts
  const nSubnets = scaled(QUOTA.subnets, scale, 2);
  const nPublic = Math.min(nSubnets - 1, scaled(QUOTA.publicSubnets, scale));
  const nNat = Math.min(nPublic, scaled(QUOTA.natGateways, scale));
  const nAz = Math.min(AZS.length, nNat);
  const nSg = scaled(QUOTA.securityGroups, scale);
  const nEni = scaled(QUOTA.interfaceEnis, scale);
  const nAttached = Math.min(nEni, scaled(QUOTA.attachedEnis, scale));
  const nAppliances = scaled(QUOTA.appliances, scale);

  // ---- VPC
  const vpcId = ids.make("vpc");
  const ipv6Rng = stream("ipv6");
  const vpcIpv6 = `2600:1f18:${ipv6Rng.hex(4)}:${ipv6Rng.hex(2)}00::/56`;
  const vpc = sortedKeys({
    CidrBlock: cidrStr(vpcCidr),
    CidrBlockAssociationSet: [
      {
        AssociationId: ids.make("vpc-cidr-assoc"),
        CidrBlock: cidrStr(vpcCidr),
        CidrBlockState: { State: "associated" },
      },
    ],
    DhcpOptionsId: ids.make("dopt"),
    InstanceTenancy: "default",
    Ipv6CidrBlockAssociationSet: [
      {
        AssociationId: ids.make("vpc-cidr-assoc"),
        Ipv6CidrBlock: vpcIpv6,
        Ipv6CidrBlockState: { State: "associated" },
        Ipv6Pool: "Amazon",
        NetworkBorderGroup: REGION,
      },
    ],
    IsDefault: false,
    OwnerId: ACCOUNT_ID,
    State: "available",
    Tags: [{ Key: "Name", Value: "bench-quota-vpc" }],
    VpcId: vpcId,
  });

  // ---- subnets
  const bits = Math.ceil(Math.log2(nSubnets));
  const subLen = Math.max(24, vpcCidr.len + bits);
  if (subLen > 28) throw new Error(`${nSubnets} subnets do not fit in ${cidrStr(vpcCidr)}`);
  const subSize = 2 ** (32 - subLen);
  const subnets: SubnetRec[] = [];
  for (let i = 0; i < nSubnets; i++) {
    const isPublic = i < nPublic;
    const az = i % nAz;
    subnets.push({
      index: i,
      id: ids.make("subnet"),
      cidr: { base: vpcCidr.base + i * subSize, len: subLen },
      az,
      isPublic,
      used: new Set(),
      name: `${isPublic ? "public" : "private"}-${at(AZS, az).name.slice(-1)}-${String(i).padStart(3, "0")}`,
    });
  }
  const usableHosts = subSize - 5; // AWS reserves the first four and the last address

  const ipRng = stream("ips");
  function allocIp(s: SubnetRec): number {
    if (s.used.size >= usableHosts) throw new Error(`subnet ${cidrStr(s.cidr)} is full`);
    for (;;) {
      const off = ipRng.int(4, subSize - 2);
      if (!s.used.has(off)) {
        s.used.add(off);
        return s.cidr.base + off;
      }
    }
  }
  const usedPublic = new Set<number>();
  function allocPublicIp(): string {
    for (;;) {
      const n = randomPrefixIn(ipRng, ipRng.pick(EIP_POOLS), 32).base;
      const last = n % 256;
      if (last === 0 || last === 255 || usedPublic.has(n)) continue;
      usedPublic.add(n);
      return intToIp(n);
    }
  }
  function mac(rng: Rng): string {
    const h = rng.hex(10);
    return `0e:${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}:${h.slice(6, 8)}:${h.slice(8, 10)}`;
  }

  const publicSubnets = subnets.filter((s) => s.isPublic);
  const privateSubnets = subnets.filter((s) => !s.isPublic);
  const subnetsByAz = (az: number) => subnets.filter((s) => s.az === az);

  // ---- IGW, NAT gateways (with their ENIs and EIPs)
  const igwId = ids.make("igw");
  const natRng = stream("nat");
  const nats: NatRec[] = [];
  for (let i = 0; i < nNat; i++) {
    const subnet = at(publicSubnets, i);
    const natId = ids.make("nat");
    const eni: EniRec = {
      id: ids.make("eni"),
      kind: "nat",
      subnet,
      ip: allocIp(subnet),
      secondaryIps: [],
      groups: [],
      mac: mac(natRng),
      description: `Interface for NAT Gateway ${natId}`,
      sourceDestCheck: false,
      attachmentId: ids.make("ela-attach"),
      attachTime: awsTime(natRng),
      deviceIndex: 1,
      publicIp: allocPublicIp(),
      eip: { allocationId: ids.make("eipalloc"), associationId: ids.make("eipassoc") },
      natId,
    };
    nats.push({ id: natId, subnet, eni, createTime: eni.attachTime });
  }
  const natsInAz = (az: number) => nats.filter((n) => n.subnet.az === az);
  const deletedNatIds = [ids.make("nat"), ids.make("nat")];

  // ---- security groups
  const sgRng = stream("sg");
  const sgs: SgRec[] = [];
  for (let i = 0; i < nSg; i++) {
    const team = sgRng.pick(TEAMS);
    if (i === 0) {
      sgs.push({ id: ids.make("sg"), name: "default", description: "default VPC security group", team });
      continue;
    }
    const app = sgRng.pick(APPS);
    sgs.push({
      id: ids.make("sg"),
      name: `${team}-${app}-${String(i).padStart(4, "0")}`,
      description: `${team} ${app} tier (managed by terraform)`,
      team,
    });
  }
  const securityGroups = sgs.map((sg, i) => renderSecurityGroup(sg, i, sgs, sgRng, vpcId, vpcCidr, subnets));

  // ---- ENIs and instances
  const eniRng = stream("eni");
  /** A few groups are used very widely (default, monitoring, ...), the rest uniformly. */
  const popular = sgs.slice(0, Math.max(1, Math.ceil(nSg * 0.02)));
  function pickGroups(): SgRec[] {
    const n = eniRng.weighted([
      [40, 1],
      [30, 2],
      [15, 3],
      [10, 4],
      [5, 5],
    ] as const);
    const chosen = new Map<string, SgRec>();
    let guard = 0;
    while (chosen.size < Math.min(n, nSg) && guard++ < 100) {
      const g = eniRng.chance(0.25) ? eniRng.pick(popular) : eniRng.pick(sgs);
      chosen.set(g.id, g);
    }
    return [...chosen.values()];
  }
  function pickSubnet(pool: readonly SubnetRec[]): SubnetRec {
    const s = eniRng.pick(pool);
    if (s.used.size < usableHosts) return s;
    const alt = pool.find((x) => x.used.size < usableHosts);
    if (!alt) throw new Error(`all subnets are full: ${cidrStr(vpcCidr)} is too small for ${nEni} ENIs`);
    return alt;
  }
  function makeEni(kind: "instance" | "elb", subnet: SubnetRec, deviceIndex: number): EniRec {
    const eni: EniRec = {
      id: ids.make("eni"),
      kind,
      subnet,
      ip: allocIp(subnet),
      secondaryIps: [],
      groups: pickGroups(),
      mac: mac(eniRng),
      description: kind === "elb" ? "" : deviceIndex === 0 ? "Primary network interface" : "",
      sourceDestCheck: true,
      attachmentId: ids.make(kind === "elb" ? "ela-attach" : "eni-attach"),
      attachTime: awsTime(eniRng),
      deviceIndex,
    };
    if (eniRng.chance(0.05)) {
      const k = eniRng.int(1, 2);
      for (let j = 0; j < k && subnet.used.size < usableHosts; j++) eni.secondaryIps.push(allocIp(subnet));
    }
    if (subnet.isPublic) {
      if (kind === "instance" && eniRng.chance(0.3)) {
        eni.publicIp = allocPublicIp();
        eni.eip = { allocationId: ids.make("eipalloc"), associationId: ids.make("eipassoc") };
      } else if (deviceIndex === 0 || kind === "elb") {
        eni.publicIp = allocPublicIp(); // auto-assigned, IpOwnerId "amazon"
      }
    }
    return eni;
  }

  const instances: InstanceRec[] = [];
  const enis: EniRec[] = [];
  let attached = 0;
  while (attached < nAttached) {
    const appliance = instances.length < nAppliances;
    const wantTwo = (appliance || eniRng.chance(0.02)) && nAttached - attached >= 2;
    const primarySubnet = pickSubnet(appliance && privateSubnets.length > 0 ? privateSubnets : subnets);
    const instId = ids.make("i");
    const team = eniRng.pick(TEAMS);
    const inst: InstanceRec = {
      id: instId,
      name: appliance
        ? `egress-firewall-${String(instances.length).padStart(2, "0")}`
        : `${team}-${eniRng.pick(APPS)}-${String(instances.length).padStart(5, "0")}`,
      enis: [],
      instanceType: appliance ? "c6in.4xlarge" : eniRng.pick(INSTANCE_TYPES),
      imageId: `ami-0${eniRng.hex(16)}`,
      launchTime: awsTime(eniRng),
      keyName: `${team}-ops`,
      appliance,
    };
    const first = makeEni("instance", primarySubnet, 0);
    inst.enis.push(first);
    if (wantTwo) {
      inst.enis.push(makeEni("instance", pickSubnet(subnetsByAz(primarySubnet.az)), 1));
    }
    for (const e of inst.enis) {
      e.instanceId = instId;
      if (appliance) e.sourceDestCheck = false;
      e.attachTime = inst.launchTime;
    }
    enis.push(...inst.enis);
    attached += inst.enis.length;
    instances.push(inst);
  }
  for (let i = attached; i < nEni; i++) {
    const lbName = `${eniRng.pick(TEAMS)}-${eniRng.pick(APPS)}-alb`;
    const eni = makeEni("elb", pickSubnet(subnets), 1);
    eni.description = `ELB app/${lbName}/${eniRng.hex(16)}`;
    enis.push(eni);
  }
  const appliances = instances.filter((x) => x.appliance);

  // ---- route tables
  const rtRng = stream("routes");
  const tgwIds = [ids.make("tgw"), ids.make("tgw")];
  const vgwId = ids.make("vgw");
  const eigwId = ids.make("eigw");
  const peers: { id: string; cidr: Cidr }[] = [];
  const sharedRoutes = buildSharedRoutes(
    rtRng,
    ids,
    vpcCidr,
    tgwIds,
    vgwId,
    peers,
    appliances,
    deletedNatIds,
  );
  const routeTables: Obj[] = [];
  const mainRtId = ids.make("rtb");
  routeTables.push(
    renderRouteTable(rtRng, ids, {
      rtId: mainRtId,
      subnet: undefined,
      vpcId,
      vpcCidr,
      vpcIpv6,
      igwId,
      eigwId,
      vgwId,
      tgwIds,
      nat: at(nats, 0),
      shared: sharedRoutes,
      appliances,
      deletedNatIds,
    }),
  );
  for (const s of subnets) {
    const azNats = natsInAz(s.az);
    routeTables.push(
      renderRouteTable(rtRng, ids, {
        rtId: ids.make("rtb"),
        subnet: s,
        vpcId,
        vpcCidr,
        vpcIpv6,
        igwId,
        eigwId,
        vgwId,
        tgwIds,
        nat: at(azNats, s.index % azNats.length),
        shared: sharedRoutes,
        appliances,
        deletedNatIds,
      }),
    );
  }

  // ---- network ACLs
  const aclRng = stream("nacl");
  const networkAcls: Obj[] = [renderDefaultNacl(ids, vpcId)];
  for (const s of subnets) networkAcls.push(renderCustomNacl(aclRng, ids, s, vpcId, vpcCidr));

  // ---- render the rest
  const subnetObjs = subnets.map((s) =>
    sortedKeys({
      AssignIpv6AddressOnCreation: false,
      AvailabilityZone: at(AZS, s.az).name,
      AvailabilityZoneId: at(AZS, s.az).id,
      AvailableIpAddressCount: usableHosts - s.used.size,
      CidrBlock: cidrStr(s.cidr),
      DefaultForAz: false,
      EnableDns64: false,
      Ipv6CidrBlockAssociationSet: [],
      Ipv6Native: false,
      MapCustomerOwnedIpOnLaunch: false,
      MapPublicIpOnLaunch: s.isPublic,
      OwnerId: ACCOUNT_ID,
      PrivateDnsNameOptionsOnLaunch: {
        EnableResourceNameDnsAAAARecord: false,
        EnableResourceNameDnsARecord: false,
        HostnameType: "ip-name",
      },
      State: "available",
      SubnetArn: `arn:aws:ec2:${REGION}:${ACCOUNT_ID}:subnet/${s.id}`,
      SubnetId: s.id,
      Tags: [
        { Key: "Name", Value: s.name },
        { Key: "tier", Value: s.isPublic ? "public" : "private" },
      ],
      VpcId: vpcId,
    }),
  );

  const allEnis = [...enis, ...nats.map((n) => n.eni)];
  const networkInterfaces = allEnis.map((e) => renderEni(e, vpcId));

  const resRng = stream("reservations");
  const reservations: Obj[] = [];
  for (let i = 0; i < instances.length;) {
    const n = Math.min(
      instances.length - i,
      resRng.weighted([
        [85, 1],
        [10, 2],
        [5, 3],
      ] as const),
    );
    const batch = instances.slice(i, i + n);
    i += n;
    reservations.push({
      Groups: [],
      Instances: batch.map((inst, k) => renderInstance(inst, k, vpcId)),
      OwnerId: ACCOUNT_ID,
      ReservationId: ids.make("r"),
    });
  }

  const natGateways = nats.map((n) =>
    sortedKeys({
      ConnectivityType: "public",
      CreateTime: n.createTime,
      NatGatewayAddresses: [
        {
          AllocationId: n.eni.eip?.allocationId,
          AssociationId: n.eni.eip?.associationId,
          IsPrimary: true,
          NetworkInterfaceId: n.eni.id,
          PrivateIp: intToIp(n.eni.ip),
          PublicIp: n.eni.publicIp,
          Status: "succeeded",
        },
      ],
      NatGatewayId: n.id,
      State: "available",
      SubnetId: n.subnet.id,
      Tags: [{ Key: "Name", Value: `nat-${at(AZS, n.subnet.az).name}-${n.subnet.index}` }],
      VpcId: vpcId,
    }),
  );

  const addresses: Obj[] = [];
  for (const e of allEnis) {
    if (!e.eip || e.publicIp === undefined) continue;
    addresses.push(
      sortedKeys({
        AllocationId: e.eip.allocationId,
        AssociationId: e.eip.associationId,
        Domain: "vpc",
        ...(e.instanceId !== undefined ? { InstanceId: e.instanceId } : {}),
        NetworkBorderGroup: REGION,
        NetworkInterfaceId: e.id,
        NetworkInterfaceOwnerId: ACCOUNT_ID,
        PrivateIpAddress: intToIp(e.ip),
        PublicIp: e.publicIp,
        PublicIpv4Pool: "amazon",
        Tags: [{ Key: "Name", Value: e.natId !== undefined ? `eip-${e.natId}` : `eip-${e.id}` }],
      }),
    );
  }

  const igw = {
    Attachments: [{ State: "available", VpcId: vpcId }],
    InternetGatewayId: igwId,
    OwnerId: ACCOUNT_ID,
    Tags: [{ Key: "Name", Value: "bench-quota-igw" }],
  };

  const files = new Map<string, unknown>();
  const put = (name: string, key: string, value: unknown[]) =>
    files.set(`${REGION}/${name}.json`, { [key]: value });
  put("Addresses", "Addresses", addresses);
  put("InternetGateways", "InternetGateways", [igw]);
  put("NatGateways", "NatGateways", natGateways);
  put("NetworkAcls", "NetworkAcls", networkAcls);
  put("NetworkInterfaces", "NetworkInterfaces", networkInterfaces);
  put("Reservations", "Reservations", reservations);
  put("RouteTables", "RouteTables", routeTables);
  put("SecurityGroups", "SecurityGroups", securityGroups);
  put("Subnets", "Subnets", subnetObjs);
  put("Vpcs", "Vpcs", [vpc]);
  return files;
}

// ---------------------------------------------------------------------------------------------
// Security groups

interface SgRule {
  proto: string;
  from?: number;
  to?: number;
  kind: "cidr" | "cidr6" | "pl" | "sg";
  target: string;
  description?: string;
}

const TCP_PORTS = [
  80, 443, 22, 25, 53, 110, 143, 389, 445, 465, 587, 636, 993, 995, 1433, 1521, 2049, 2379, 3000, 3306, 3389,
  4317, 5000, 5432, 5439, 5601, 5671, 5672, 6379, 6443, 7000, 8080, 8081, 8443, 8888, 9000, 9090, 9092, 9200,
  9300, 9418, 10250, 11211, 15672, 27017, 50051,
];
const TCP_RANGES: readonly (readonly [number, number])[] = [
  [8000, 8999],
  [1024, 65535],
  [30000, 32767],
  [9000, 9100],
  [6000, 6010],
  [0, 65535],
  [3000, 3010],
  [7000, 7100],
  [20000, 20999],
  [49152, 65535],
];
const UDP_PORTS = [53, 123, 161, 162, 500, 514, 1194, 1812, 3478, 4500, 5353, 8125, 51820, 4789];
const UDP_RANGES: readonly (readonly [number, number])[] = [
  [1024, 65535],
  [33434, 33534],
  [60000, 61000],
  [10000, 20000],
];
const ICMP_TYPES: readonly (readonly [number, number])[] = [
  [-1, -1],
  [8, -1],
  [0, -1],
  [3, 4],
  [11, 0],
  [3, -1],
  [8, 0],
];
const PREFIX_LISTS = ["pl-63a5400a", "pl-02cd2c6b"]; // com.amazonaws.us-east-1.s3 / .dynamodb
const RULE_DESCRIPTIONS = [
  "HTTPS to internet",
  "package mirrors",
  "partner API",
  "DNS",
  "NTP",
  "metrics",
  "database",
  "legacy integration",
  "on-prem",
  "CI runners",
];

function portPair(rng: Rng, proto: "tcp" | "udp"): [number, number] {
  if (rng.chance(0.25)) {
    const r = rng.pick(proto === "tcp" ? TCP_RANGES : UDP_RANGES);
    return [r[0], r[1]];
  }
  const p = rng.pick(proto === "tcp" ? TCP_PORTS : UDP_PORTS);
  return [p, p];
}

function narrowPublicCidr(rng: Rng): Cidr {
  if (rng.chance(0.1)) return randomPrefixIn(rng, rng.pick(DOC_NETS), rng.int(24, 32));
  return randomPrefixIn(
    rng,
    rng.pick(PUBLIC_SLASH8),
    rng.weighted([
      [2, 12],
      [3, 16],
      [4, 20],
      [5, 24],
      [3, 28],
      [3, 32],
    ] as const),
  );
}

function privateCidr(rng: Rng, vpcCidr: Cidr, subnets: readonly SubnetRec[]): Cidr {
  const r = rng.float();
  if (r < 0.15) return vpcCidr;
  if (r < 0.35) return rng.pick(subnets).cidr;
  const block = rng.weighted([
    [6, RFC1918[0]],
    [2, RFC1918[1]],
    [2, RFC1918[2]],
  ] as const);
  return randomPrefixIn(rng, block, rng.int(block.len, 28));
}

function randomEgressRule(
  rng: Rng,
  sgs: readonly SgRec[],
  vpcCidr: Cidr,
  subnets: readonly SubnetRec[],
): SgRule {
  const kind = rng.weighted([
    [35, "world"],
    [22, "public"],
    [22, "private"],
    [8, "sg"],
    [5, "icmp"],
    [4, "ipv6"],
    [2, "numeric"],
    [1, "pl"],
    [1, "all-narrow"],
  ] as const);
  const proto: "tcp" | "udp" = rng.chance(0.8) ? "tcp" : "udp";
  switch (kind) {
    case "world": {
      const [from, to] = portPair(rng, proto);
      return { proto, from, to, kind: "cidr", target: "0.0.0.0/0" };
    }
    case "public": {
      const [from, to] = portPair(rng, proto);
      return { proto, from, to, kind: "cidr", target: cidrStr(narrowPublicCidr(rng)) };
    }
    case "private": {
      const [from, to] = portPair(rng, proto);
      return { proto, from, to, kind: "cidr", target: cidrStr(privateCidr(rng, vpcCidr, subnets)) };
    }
    case "sg": {
      const [from, to] = portPair(rng, "tcp");
      return { proto: "tcp", from, to, kind: "sg", target: rng.pick(sgs).id };
    }
    case "icmp": {
      const [t, c] = rng.pick(ICMP_TYPES);
      const target = rng.chance(0.5) ? "0.0.0.0/0" : cidrStr(privateCidr(rng, vpcCidr, subnets));
      return { proto: "icmp", from: t, to: c, kind: "cidr", target };
    }
    case "ipv6": {
      if (rng.chance(0.15)) return { proto: "icmpv6", from: -1, to: -1, kind: "cidr6", target: "::/0" };
      const [from, to] = portPair(rng, proto);
      const target = rng.chance(0.6) ? "::/0" : `2001:db8:${rng.hex(4)}::/48`;
      return { proto, from, to, kind: "cidr6", target };
    }
    case "numeric":
      return {
        proto: rng.pick(["50", "47", "51", "132"]),
        kind: "cidr",
        target: cidrStr(narrowPublicCidr(rng)),
      };
    case "pl":
      return { proto: "tcp", from: 443, to: 443, kind: "pl", target: rng.pick(PREFIX_LISTS) };
    case "all-narrow":
      return { proto: "-1", kind: "cidr", target: cidrStr(privateCidr(rng, vpcCidr, subnets)) };
  }
}

function ruleKey(r: SgRule): string {
  return `${r.proto}|${r.from ?? ""}|${r.to ?? ""}|${r.kind}|${r.target}`;
}

/** Groups rules into IpPermissions entries the way the API does (one per protocol/port range). */
function toPermissions(rules: readonly SgRule[]): Obj[] {
  const perms = new Map<
    string,
    { proto: string; from?: number; to?: number; ranges: Obj[]; v6: Obj[]; pl: Obj[]; pairs: Obj[] }
  >();
  for (const r of rules) {
    const key = `${r.proto}|${r.from ?? ""}|${r.to ?? ""}`;
    let p = perms.get(key);
    if (!p) {
      p = { proto: r.proto, from: r.from, to: r.to, ranges: [], v6: [], pl: [], pairs: [] };
      perms.set(key, p);
    }
    const desc = r.description !== undefined ? { Description: r.description } : {};
    if (r.kind === "cidr") p.ranges.push({ CidrIp: r.target, ...desc });
    else if (r.kind === "cidr6") p.v6.push({ CidrIpv6: r.target, ...desc });
    else if (r.kind === "pl") p.pl.push({ ...desc, PrefixListId: r.target });
    else p.pairs.push({ ...desc, GroupId: r.target, UserId: ACCOUNT_ID });
  }
  return [...perms.values()].map((p) => {
    const perm: Obj = {};
    if (p.from !== undefined) perm.FromPort = p.from;
    perm.IpProtocol = p.proto;
    perm.IpRanges = p.ranges;
    perm.Ipv6Ranges = p.v6;
    perm.PrefixListIds = p.pl;
    if (p.to !== undefined) perm.ToPort = p.to;
    perm.UserIdGroupPairs = p.pairs;
    return perm;
  });
}

function renderSecurityGroup(
  sg: SgRec,
  index: number,
  sgs: readonly SgRec[],
  rng: Rng,
  vpcId: string,
  vpcCidr: Cidr,
  subnets: readonly SubnetRec[],
): Obj {
  const egress: SgRule[] = [];
  const seen = new Set<string>();
  const add = (r: SgRule) => {
    const k = ruleKey(r);
    if (seen.has(k)) return;
    seen.add(k);
    if (r.description === undefined && rng.chance(0.25)) r.description = rng.pick(RULE_DESCRIPTIONS);
    egress.push(r);
  };
  const allOutbound = index === 0 || rng.chance(0.15);
  if (allOutbound) {
    add({ proto: "-1", kind: "cidr", target: "0.0.0.0/0" });
    if (rng.chance(0.5)) add({ proto: "-1", kind: "cidr6", target: "::/0" });
  }
  while (egress.length < QUOTA.sgEgressRules) add(randomEgressRule(rng, sgs, vpcCidr, subnets));

  const ingress: SgRule[] = [];
  const seenIn = new Set<string>();
  const addIn = (r: SgRule) => {
    const k = ruleKey(r);
    if (!seenIn.has(k)) {
      seenIn.add(k);
      ingress.push(r);
    }
  };
  if (index === 0) addIn({ proto: "-1", kind: "sg", target: sg.id });
  const nIn = rng.int(1, 5);
  while (ingress.length < nIn) {
    const choice = rng.int(0, 4);
    if (choice === 0) addIn({ proto: "tcp", from: 22, to: 22, kind: "cidr", target: cidrStr(vpcCidr) });
    else if (choice === 1) addIn({ proto: "tcp", from: 443, to: 443, kind: "cidr", target: "0.0.0.0/0" });
    else if (choice === 2) addIn({ proto: "-1", kind: "sg", target: sg.id });
    else if (choice === 3) {
      const p = rng.pick(TCP_PORTS);
      addIn({ proto: "tcp", from: p, to: p, kind: "sg", target: rng.pick(sgs).id });
    } else addIn({ proto: "tcp", from: 80, to: 80, kind: "cidr", target: "0.0.0.0/0" });
  }

  return {
    Description: sg.description,
    GroupId: sg.id,
    GroupName: sg.name,
    IpPermissions: toPermissions(ingress),
    IpPermissionsEgress: toPermissions(egress),
    OwnerId: ACCOUNT_ID,
    Tags: [
      { Key: "Name", Value: sg.name },
      { Key: "team", Value: sg.team },
    ],
    VpcId: vpcId,
  };
}

// ---------------------------------------------------------------------------------------------
// Route tables

type TargetSpec =
  | { t: "tgw"; id: string }
  | { t: "vgw"; id: string; propagated: boolean }
  | { t: "pcx"; id: string }
  | { t: "eni"; inst: InstanceRec }
  | { t: "blackhole"; natId: string }
  | { t: "nat" }
  | { t: "igw" };

interface RouteSpec {
  dest: Cidr;
  target: TargetSpec;
}

function randomRouteTarget(
  rng: Rng,
  publicDest: boolean,
  tgwIds: readonly string[],
  vgwId: string,
  appliances: readonly InstanceRec[],
): TargetSpec {
  const choices: [number, TargetSpec | "eni"][] = publicDest
    ? [
        [35, { t: "tgw", id: at(tgwIds, 0) }],
        [15, "eni"],
        [25, { t: "nat" }],
        [15, { t: "igw" }],
        [10, { t: "vgw", id: vgwId, propagated: false }],
      ]
    : [
        [45, { t: "tgw", id: rng.pick(tgwIds) }],
        [25, { t: "vgw", id: vgwId, propagated: rng.chance(0.5) }],
        [15, "eni"],
        [15, { t: "tgw", id: at(tgwIds, 0) }],
      ];
  const c = rng.weighted(choices);
  if (c !== "eni") return c;
  return appliances.length > 0 ? { t: "eni", inst: rng.pick(appliances) } : { t: "tgw", id: at(tgwIds, 0) };
}

/** A random destination that does not overlap the VPC and is not yet used. */
function randomDestination(rng: Rng, vpcCidr: Cidr, used: Set<string>): { dest: Cidr; isPublic: boolean } {
  for (;;) {
    const kind = rng.weighted([
      [45, "ten"],
      [15, "172"],
      [10, "192"],
      [25, "public"],
      [5, "doc"],
    ] as const);
    let dest: Cidr;
    if (kind === "ten")
      dest = randomPrefixIn(
        rng,
        TEN_8,
        rng.weighted([
          [1, 9],
          [2, 12],
          [5, 16],
          [6, 20],
          [6, 24],
          [3, 28],
        ] as const),
      );
    else if (kind === "172") dest = randomPrefixIn(rng, at(RFC1918, 1), rng.int(13, 28));
    else if (kind === "192") dest = randomPrefixIn(rng, at(RFC1918, 2), rng.int(17, 28));
    else if (kind === "public") dest = randomPrefixIn(rng, rng.pick(PUBLIC_SLASH8), rng.int(16, 24));
    else dest = rng.pick(DOC_NETS);
    const k = cidrStr(dest);
    if (overlaps(dest, vpcCidr) || used.has(k)) continue;
    used.add(k);
    return { dest, isPublic: kind === "public" || kind === "doc" };
  }
}

/** Routes most tables share: on-prem aggregates, peers, partner ranges (incl. overlapping more-specifics). */
function buildSharedRoutes(
  rng: Rng,
  ids: IdFactory,
  vpcCidr: Cidr,
  tgwIds: readonly string[],
  vgwId: string,
  peers: { id: string; cidr: Cidr }[],
  appliances: readonly InstanceRec[],
  deletedNatIds: readonly string[],
): RouteSpec[] {
  const used = new Set<string>();
  const routes: RouteSpec[] = [];
  const add = (dest: Cidr, target: TargetSpec) => {
    used.add(cidrStr(dest));
    routes.push({ dest, target });
  };
  // Aggregates (10/8 contains the VPC: a less-specific route than `local`, which AWS allows).
  if (!(vpcCidr.base === TEN_8.base && vpcCidr.len === TEN_8.len))
    add(TEN_8, { t: "tgw", id: at(tgwIds, 0) });
  add(at(RFC1918, 1), { t: "tgw", id: at(tgwIds, 0) });
  add(at(RFC1918, 2), { t: "vgw", id: vgwId, propagated: true });
  // Peered VPCs.
  for (let i = 0; i < 4; i++) {
    let dest = randomPrefixIn(rng, rng.pick(RFC1918), rng.int(16, 20));
    while (overlaps(dest, vpcCidr) || used.has(cidrStr(dest))) {
      dest = randomPrefixIn(rng, rng.pick(RFC1918), rng.int(16, 20));
    }
    used.add(cidrStr(dest));
    const id = ids.make("pcx");
    peers.push({ id, cidr: dest });
    routes.push({ dest, target: { t: "pcx", id } });
  }
  // Blackholes left behind by deleted NAT gateways.
  for (const natId of deletedNatIds) {
    const { dest } = randomDestination(rng, vpcCidr, used);
    routes.push({ dest, target: { t: "blackhole", natId } });
  }
  // Bulk of the shared routes, with ~10% overlapping more-specifics of an earlier route.
  while (routes.length < 72) {
    const prev = routes.length > 0 ? rng.pick(routes) : undefined;
    if (prev && rng.chance(0.1) && prev.dest.len <= 24) {
      const dest = randomPrefixIn(rng, prev.dest, Math.min(28, prev.dest.len + rng.int(2, 8)));
      const k = cidrStr(dest);
      if (used.has(k) || overlaps(dest, vpcCidr)) continue;
      used.add(k);
      const isPublic = !RFC1918.some((b) => overlaps(b, dest));
      routes.push({ dest, target: randomRouteTarget(rng, isPublic, tgwIds, vgwId, appliances) });
      continue;
    }
    const { dest, isPublic } = randomDestination(rng, vpcCidr, used);
    routes.push({ dest, target: randomRouteTarget(rng, isPublic, tgwIds, vgwId, appliances) });
  }
  return routes;
}

interface RouteTableCtx {
  rtId: string;
  subnet: SubnetRec | undefined;
  vpcId: string;
  vpcCidr: Cidr;
  vpcIpv6: string;
  igwId: string;
  eigwId: string;
  vgwId: string;
  tgwIds: readonly string[];
  nat: NatRec;
  shared: readonly RouteSpec[];
  appliances: readonly InstanceRec[];
  deletedNatIds: readonly string[];
}

function renderRouteTable(rng: Rng, ids: IdFactory, c: RouteTableCtx): Obj {
  const isPublic = c.subnet?.isPublic ?? false;
  const routes: Obj[] = [];
  const target = (t: TargetSpec): Obj => {
    switch (t.t) {
      case "tgw":
        return { Origin: "CreateRoute", State: "active", TransitGatewayId: t.id };
      case "vgw":
        return {
          GatewayId: t.id,
          Origin: t.propagated ? "EnableVgwRoutePropagation" : "CreateRoute",
          State: "active",
        };
      case "pcx":
        return { Origin: "CreateRoute", State: "active", VpcPeeringConnectionId: t.id };
      case "eni": {
        const eni = at(t.inst.enis, 0);
        return {
          InstanceId: t.inst.id,
          InstanceOwnerId: ACCOUNT_ID,
          NetworkInterfaceId: eni.id,
          Origin: "CreateRoute",
          State: "active",
        };
      }
      case "blackhole":
        return { NatGatewayId: t.natId, Origin: "CreateRoute", State: "blackhole" };
      case "nat":
        return { NatGatewayId: c.nat.id, Origin: "CreateRoute", State: "active" };
      case "igw":
        return { GatewayId: c.igwId, Origin: "CreateRoute", State: "active" };
    }
  };
  const v4 = (dest: Cidr, t: Obj) => routes.push({ DestinationCidrBlock: cidrStr(dest), ...t });

  v4(c.vpcCidr, { GatewayId: "local", Origin: "CreateRouteTable", State: "active" });
  routes.push({
    DestinationIpv6CidrBlock: c.vpcIpv6,
    GatewayId: "local",
    Origin: "CreateRouteTable",
    State: "active",
  });
  const zero = { base: 0, len: 0 };
  // ~3% of private subnets still point their default route at a deleted NAT gateway.
  const deadDefault = !isPublic && c.subnet !== undefined && rng.chance(0.03);
  v4(
    zero,
    target(
      isPublic
        ? { t: "igw" }
        : deadDefault
          ? { t: "blackhole", natId: at(c.deletedNatIds, 0) }
          : { t: "nat" },
    ),
  );
  routes.push(
    isPublic
      ? { DestinationIpv6CidrBlock: "::/0", GatewayId: c.igwId, Origin: "CreateRoute", State: "active" }
      : {
          DestinationIpv6CidrBlock: "::/0",
          EgressOnlyInternetGatewayId: c.eigwId,
          Origin: "CreateRoute",
          State: "active",
        },
  );
  const used = new Set<string>();
  for (const r of c.shared) {
    used.add(cidrStr(r.dest));
    v4(r.dest, target(r.target));
  }
  while (routes.length < QUOTA.routesPerTable) {
    const { dest, isPublic: pub } = randomDestination(rng, c.vpcCidr, used);
    v4(dest, target(randomRouteTarget(rng, pub, c.tgwIds, c.vgwId, c.appliances)));
  }
  const associations: Obj[] = c.subnet
    ? [
        {
          AssociationState: { State: "associated" },
          Main: false,
          RouteTableAssociationId: ids.make("rtbassoc"),
          RouteTableId: c.rtId,
          SubnetId: c.subnet.id,
        },
      ]
    : [
        {
          AssociationState: { State: "associated" },
          Main: true,
          RouteTableAssociationId: ids.make("rtbassoc"),
          RouteTableId: c.rtId,
        },
      ];
  const propagates = routes.some((r) => r.Origin === "EnableVgwRoutePropagation");
  return {
    Associations: associations,
    OwnerId: ACCOUNT_ID,
    PropagatingVgws: propagates ? [{ GatewayId: c.vgwId }] : [],
    RouteTableId: c.rtId,
    Routes: routes.map(sortedKeys),
    Tags: [{ Key: "Name", Value: c.subnet ? `rt-${c.subnet.name}` : "rt-main" }],
    VpcId: c.vpcId,
  };
}

// ---------------------------------------------------------------------------------------------
// Network ACLs

interface NaclRule {
  action: "allow" | "deny";
  proto: "-1" | "6" | "17" | "1";
  cidr: string;
  v6?: boolean;
  ports?: [number, number];
  icmp?: [number, number];
}

function naclEntry(r: NaclRule, egress: boolean, ruleNumber: number): Obj {
  const e: Obj = {};
  if (r.v6) e.Ipv6CidrBlock = r.cidr;
  else e.CidrBlock = r.cidr;
  e.Egress = egress;
  if (r.icmp) e.IcmpTypeCode = { Code: r.icmp[1], Type: r.icmp[0] };
  if (r.ports) e.PortRange = { From: r.ports[0], To: r.ports[1] };
  e.Protocol = r.proto;
  e.RuleAction = r.action;
  e.RuleNumber = ruleNumber;
  return sortedKeys(e);
}

function defaultEntries(egress: boolean): Obj[] {
  return [
    naclEntry({ action: "deny", proto: "-1", cidr: "0.0.0.0/0" }, egress, 32767),
    naclEntry({ action: "deny", proto: "-1", cidr: "::/0", v6: true }, egress, 32768),
  ];
}

function renderDefaultNacl(ids: IdFactory, vpcId: string): Obj {
  const entries: Obj[] = [];
  for (const egress of [true, false]) {
    entries.push(naclEntry({ action: "allow", proto: "-1", cidr: "0.0.0.0/0" }, egress, 100));
    entries.push(naclEntry({ action: "allow", proto: "-1", cidr: "::/0", v6: true }, egress, 101));
    entries.push(...defaultEntries(egress));
  }
  return {
    Associations: [],
    Entries: entries,
    IsDefault: true,
    NetworkAclId: ids.make("acl"),
    OwnerId: ACCOUNT_ID,
    Tags: [],
    VpcId: vpcId,
  };
}

function naclFiller(rng: Rng, denyBias: number): NaclRule {
  const action = rng.chance(denyBias) ? "deny" : "allow";
  const block = rng.pick(RFC1918);
  const cidr = rng.chance(0.5)
    ? cidrStr(narrowPublicCidr(rng))
    : cidrStr(randomPrefixIn(rng, block, rng.int(Math.max(12, block.len), 28)));
  const proto = rng.weighted([
    [45, "6"],
    [25, "17"],
    [15, "-1"],
    [15, "1"],
  ] as const);
  if (proto === "1") return { action, proto, cidr, icmp: rng.pick(ICMP_TYPES) as [number, number] };
  if (proto === "-1") return { action, proto, cidr };
  const [from, to] = portPair(rng, proto === "6" ? "tcp" : "udp");
  return { action, proto, cidr, ports: [from, to] };
}

function renderCustomNacl(rng: Rng, ids: IdFactory, s: SubnetRec, vpcId: string, vpcCidr: Cidr): Obj {
  const numbered = QUOTA.naclEntriesPerDirection - 2; // plus the two `*` entries per direction
  const profile = rng.weighted([
    [70, "open"],
    [20, "restricted"],
    [10, "locked"],
  ] as const);
  const vpc = cidrStr(vpcCidr);
  const world = "0.0.0.0/0";

  // Egress: denies first, then allows, then (open) a blanket allow as the last numbered rule.
  const eg: NaclRule[] = [
    { action: "deny", proto: "6", cidr: world, ports: [25, 25] },
    { action: "deny", proto: "17", cidr: world, ports: [1900, 1900] },
    { action: "deny", proto: "-1", cidr: cidrStr(randomPrefixIn(rng, rng.pick(DOC_NETS), 24)) },
    { action: "allow", proto: "-1", cidr: vpc },
    { action: "allow", proto: "-1", cidr: "10.0.0.0/8" },
  ];
  if (profile !== "locked") {
    eg.push(
      { action: "allow", proto: "6", cidr: world, ports: [443, 443] },
      { action: "allow", proto: "6", cidr: world, ports: [80, 80] },
      { action: "allow", proto: "17", cidr: world, ports: [53, 53] },
      { action: "allow", proto: "17", cidr: world, ports: [123, 123] },
      { action: "allow", proto: "6", cidr: world, ports: [1024, 65535] },
      { action: "allow", proto: "1", cidr: world, icmp: [-1, -1] },
      { action: "allow", proto: "6", cidr: "::/0", v6: true, ports: [443, 443] },
    );
  } else {
    eg.push({ action: "allow", proto: "6", cidr: cidrStr(narrowPublicCidr(rng)), ports: [443, 443] });
  }
  const egTail: NaclRule[] = profile === "open" ? [{ action: "allow", proto: "-1", cidr: world }] : [];
  while (eg.length + egTail.length < numbered) eg.push(naclFiller(rng, profile === "open" ? 0.6 : 0.3));

  // Ingress: some denies, VPC, then the ephemeral return ranges (missing for some subnets).
  const ing: NaclRule[] = [
    { action: "deny", proto: "-1", cidr: cidrStr(randomPrefixIn(rng, rng.pick(DOC_NETS), 24)) },
    { action: "deny", proto: "6", cidr: world, ports: [3389, 3389] },
    { action: "allow", proto: "-1", cidr: vpc },
    { action: "allow", proto: "-1", cidr: "10.0.0.0/8" },
  ];
  if (profile !== "locked" || rng.chance(0.5))
    ing.push({ action: "allow", proto: "6", cidr: world, ports: [1024, 65535] });
  if (profile === "open" || (profile === "restricted" && rng.chance(0.5))) {
    ing.push({ action: "allow", proto: "17", cidr: world, ports: [1024, 65535] });
  }
  ing.push({ action: "allow", proto: "1", cidr: world, icmp: [3, 4] });
  if (s.isPublic) {
    ing.push(
      { action: "allow", proto: "6", cidr: world, ports: [443, 443] },
      { action: "allow", proto: "6", cidr: world, ports: [80, 80] },
    );
  }
  ing.push({ action: "allow", proto: "6", cidr: "::/0", v6: true, ports: [1024, 65535] });
  while (ing.length < numbered) ing.push(naclFiller(rng, 0.5));

  const entries: Obj[] = [];
  [...eg, ...egTail].forEach((r, i) => entries.push(naclEntry(r, true, 100 + 10 * i)));
  entries.push(...defaultEntries(true));
  ing.forEach((r, i) => entries.push(naclEntry(r, false, 100 + 10 * i)));
  entries.push(...defaultEntries(false));

  const aclId = ids.make("acl");
  return {
    Associations: [{ NetworkAclAssociationId: ids.make("aclassoc"), NetworkAclId: aclId, SubnetId: s.id }],
    Entries: entries,
    IsDefault: false,
    NetworkAclId: aclId,
    OwnerId: ACCOUNT_ID,
    Tags: [
      { Key: "Name", Value: `nacl-${s.name}` },
      { Key: "profile", Value: profile },
    ],
    VpcId: vpcId,
  };
}

// ---------------------------------------------------------------------------------------------
// ENIs and instances

function association(e: EniRec): Obj | undefined {
  if (e.publicIp === undefined) return undefined;
  if (e.eip) {
    return {
      AllocationId: e.eip.allocationId,
      AssociationId: e.eip.associationId,
      IpOwnerId: ACCOUNT_ID,
      PublicDnsName: e.kind === "nat" ? "" : publicDnsName(e.publicIp),
      PublicIp: e.publicIp,
    };
  }
  return { IpOwnerId: "amazon", PublicDnsName: publicDnsName(e.publicIp), PublicIp: e.publicIp };
}

function privateIpEntries(e: EniRec): Obj[] {
  const assoc = association(e);
  const primary: Obj = {};
  if (assoc) primary.Association = assoc;
  primary.Primary = true;
  primary.PrivateDnsName = privateDnsName(intToIp(e.ip));
  primary.PrivateIpAddress = intToIp(e.ip);
  return [
    primary,
    ...e.secondaryIps.map((ip) => ({
      Primary: false,
      PrivateDnsName: privateDnsName(intToIp(ip)),
      PrivateIpAddress: intToIp(ip),
    })),
  ];
}

const groupRefs = (e: EniRec) => e.groups.map((g) => ({ GroupId: g.id, GroupName: g.name }));

function renderEni(e: EniRec, vpcId: string): Obj {
  const o: Obj = {};
  const assoc = association(e);
  if (assoc) o.Association = assoc;
  if (e.kind === "instance") {
    o.Attachment = {
      AttachTime: e.attachTime,
      AttachmentId: e.attachmentId,
      DeleteOnTermination: e.deviceIndex === 0,
      DeviceIndex: e.deviceIndex,
      InstanceId: e.instanceId,
      InstanceOwnerId: ACCOUNT_ID,
      NetworkCardIndex: 0,
      Status: "attached",
    };
  } else {
    o.Attachment = {
      AttachTime: e.attachTime,
      AttachmentId: e.attachmentId,
      DeleteOnTermination: false,
      DeviceIndex: 1,
      InstanceOwnerId: e.kind === "elb" ? "amazon-elb" : "amazon-aws",
      NetworkCardIndex: 0,
      Status: "attached",
    };
  }
  o.AvailabilityZone = at(AZS, e.subnet.az).name;
  o.Description = e.description;
  o.Groups = groupRefs(e);
  o.InterfaceType = e.kind === "nat" ? "nat_gateway" : "interface";
  o.Ipv6Addresses = [];
  o.MacAddress = e.mac;
  o.NetworkInterfaceId = e.id;
  o.OwnerId = ACCOUNT_ID;
  o.PrivateDnsName = privateDnsName(intToIp(e.ip));
  o.PrivateIpAddress = intToIp(e.ip);
  o.PrivateIpAddresses = privateIpEntries(e);
  if (e.kind === "elb") o.RequesterId = "amazon-elb";
  if (e.kind === "nat") o.RequesterId = "441286654165";
  o.RequesterManaged = e.kind !== "instance";
  o.SourceDestCheck = e.sourceDestCheck;
  o.Status = "in-use";
  o.SubnetId = e.subnet.id;
  o.TagSet = [];
  o.VpcId = vpcId;
  return o;
}

function renderInstance(inst: InstanceRec, launchIndex: number, vpcId: string): Obj {
  const primary = at(inst.enis, 0);
  const groups = new Map<string, Obj>();
  for (const e of inst.enis) for (const g of groupRefs(e)) groups.set(g.GroupId, g);
  const az = at(AZS, primary.subnet.az).name;
  const o: Obj = {
    AmiLaunchIndex: launchIndex,
    Architecture: inst.instanceType.includes("g.") ? "arm64" : "x86_64",
    ImageId: inst.imageId,
    InstanceId: inst.id,
    InstanceType: inst.instanceType,
    KeyName: inst.keyName,
    LaunchTime: inst.launchTime,
    Monitoring: { State: "disabled" },
    NetworkInterfaces: inst.enis.map((e) => {
      const n: Obj = {};
      const assoc = association(e);
      if (assoc) n.Association = assoc;
      n.Attachment = {
        AttachTime: e.attachTime,
        AttachmentId: e.attachmentId,
        DeleteOnTermination: e.deviceIndex === 0,
        DeviceIndex: e.deviceIndex,
        NetworkCardIndex: 0,
        Status: "attached",
      };
      n.Description = e.description;
      n.Groups = groupRefs(e);
      n.InterfaceType = "interface";
      n.Ipv6Addresses = [];
      n.MacAddress = e.mac;
      n.NetworkInterfaceId = e.id;
      n.OwnerId = ACCOUNT_ID;
      n.PrivateDnsName = privateDnsName(intToIp(e.ip));
      n.PrivateIpAddress = intToIp(e.ip);
      n.PrivateIpAddresses = privateIpEntries(e);
      n.SourceDestCheck = e.sourceDestCheck;
      n.Status = "in-use";
      n.SubnetId = e.subnet.id;
      n.VpcId = vpcId;
      return n;
    }),
    Placement: { AvailabilityZone: az, GroupName: "", Tenancy: "default" },
    PrivateDnsName: privateDnsName(intToIp(primary.ip)),
    PrivateIpAddress: intToIp(primary.ip),
    ProductCodes: [],
    PublicDnsName: primary.publicIp !== undefined ? publicDnsName(primary.publicIp) : "",
  };
  if (primary.publicIp !== undefined) o.PublicIpAddress = primary.publicIp;
  Object.assign(o, {
    RootDeviceName: "/dev/xvda",
    RootDeviceType: "ebs",
    SecurityGroups: [...groups.values()],
    SourceDestCheck: primary.sourceDestCheck,
    State: { Code: 16, Name: "running" },
    StateTransitionReason: "",
    SubnetId: primary.subnet.id,
    Tags: [
      { Key: "Name", Value: inst.name },
      ...(inst.appliance ? [{ Key: "role", Value: "egress-inspection" }] : []),
    ],
    VirtualizationType: "hvm",
    VpcId: vpcId,
  });
  return o;
}

// ---------------------------------------------------------------------------------------------
// Writing and CLI

export interface WriteOptions {
  /**
   * JSON indent. 0 (default) writes compact JSON: ~38 MB at scale 1. 1 matches the awscli's own
   * pretty-printing but inflates the same data to ~56 MB.
   */
  indent?: number;
}

export function serializeAwsFile(value: unknown, indent = 0): string {
  return (indent > 0 ? JSON.stringify(value, null, indent) : JSON.stringify(value)) + "\n";
}

export async function writeAwsRegion(
  dir: string,
  files: Map<string, unknown>,
  opts: WriteOptions = {},
): Promise<{ files: number; bytes: number }> {
  let bytes = 0;
  let count = 0;
  for (const [rel, value] of files) {
    const path = join(dir, rel);
    await mkdir(dirname(path), { recursive: true });
    const text = serializeAwsFile(value, opts.indent ?? 0);
    await writeFile(path, text);
    bytes += Buffer.byteLength(text);
    count++;
  }
  return { files: count, bytes };
}

/** Per-file object counts (top-level array lengths plus the nested items that matter). */
export function describeCounts(files: Map<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [rel, value] of files) {
    const [key, arr] = Object.entries(value as Record<string, unknown[]>)[0] ?? ["?", []];
    let extra = "";
    if (key === "RouteTables") {
      extra = `, ${arr.reduce((n: number, t) => n + (t as { Routes: unknown[] }).Routes.length, 0)} routes`;
    } else if (key === "NetworkAcls") {
      extra = `, ${arr.reduce((n: number, t) => n + (t as { Entries: unknown[] }).Entries.length, 0)} entries`;
    } else if (key === "SecurityGroups") {
      let rules = 0;
      for (const g of arr as { IpPermissionsEgress: Record<string, unknown[]>[] }[]) {
        for (const p of g.IpPermissionsEgress) {
          rules +=
            (p.IpRanges?.length ?? 0) +
            (p.Ipv6Ranges?.length ?? 0) +
            (p.PrefixListIds?.length ?? 0) +
            (p.UserIdGroupPairs?.length ?? 0);
        }
      }
      extra = `, ${rules} egress rules`;
    } else if (key === "Reservations") {
      extra = `, ${arr.reduce((n: number, r) => n + (r as { Instances: unknown[] }).Instances.length, 0)} instances`;
    }
    out[rel] = `${arr.length}${extra}`;
  }
  return out;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      seed: { type: "string", default: "1" },
      scale: { type: "string", default: "1" },
      out: { type: "string", default: "bench/out/aws-quota" },
      "vpc-cidr": { type: "string" },
      indent: { type: "string", default: "0" },
    },
  });
  const seed = Number(values.seed);
  const scale = Number(values.scale);
  if (!Number.isInteger(seed)) throw new Error(`--seed must be an integer (got ${values.seed})`);
  if (!(scale > 0)) throw new Error(`--scale must be > 0 (got ${values.scale})`);
  const out = resolve(values.out);
  const t0 = performance.now();
  const files = generateAwsRegion({ seed, scale, vpcCidr: values["vpc-cidr"] });
  const t1 = performance.now();
  const res = await writeAwsRegion(out, files, { indent: Number(values.indent) });
  const t2 = performance.now();
  for (const [rel, c] of Object.entries(describeCounts(files))) console.log(`${rel.padEnd(36)} ${c}`);
  console.log(
    `wrote ${res.files} files, ${(res.bytes / 1e6).toFixed(1)} MB to ${out} ` +
      `(generate ${((t1 - t0) / 1000).toFixed(2)} s, write ${((t2 - t1) / 1000).toFixed(2)} s)`,
  );
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(resolve(entry)).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
