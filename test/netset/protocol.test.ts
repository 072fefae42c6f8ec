import { describe, expect, it } from "vitest";
import {
  IP_ALL,
  IntervalSet,
  NetsetInputError,
  PORT_ALL,
  PROTO,
  PROTO_ALL,
  PacketSet,
  hasPorts,
  icmpTypeCode,
  isIcmp,
  parsePortRange,
  parsePortSpec,
  parseProtocol,
  protocolName,
  usesPortDimension,
} from "../../src/netset/index.js";

const r = (lo: number, hi: number) => IntervalSet.range(BigInt(lo), BigInt(hi));
const p = (v: number) => IntervalSet.point(BigInt(v));

describe("protocol constants", () => {
  it("numbers and universes", () => {
    expect(PROTO).toEqual({ ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58, SCTP: 132 });
    expect(PROTO_ALL.equals(r(0, 255))).toBe(true);
    expect(PORT_ALL.equals(r(0, 65535))).toBe(true);
  });

  it.each<[number, boolean, boolean, string]>([
    [6, true, false, "tcp"],
    [17, true, false, "udp"],
    [132, true, false, "sctp"],
    [1, false, true, "icmp"],
    [58, false, true, "icmpv6"],
    [47, false, false, "47"],
    [0, false, false, "0"],
    [255, false, false, "255"],
  ])("protocol %i", (n, ports, icmp, name) => {
    expect(hasPorts(n)).toBe(ports);
    expect(isIcmp(n)).toBe(icmp);
    expect(usesPortDimension(n)).toBe(ports || icmp);
    expect(protocolName(n)).toBe(name);
  });
});

describe("parseProtocol", () => {
  it.each<[string, IntervalSet]>([
    ["tcp", p(6)],
    ["TCP", p(6)],
    [" Udp ", p(17)],
    ["sctp", p(132)],
    ["icmp", p(1)],
    ["ICMPv6", p(58)],
    ["gre", p(47)],
    ["esp", p(50)],
    ["ah", p(51)],
    ["all", PROTO_ALL],
    ["ALL", PROTO_ALL],
    ["-1", PROTO_ALL],
    ["0", p(0)],
    ["6", p(6)],
    ["47", p(47)],
    ["255", p(255)],
  ])("%j", (text, expected) => {
    expect(parseProtocol(text).equals(expected)).toBe(true);
  });

  it.each(["", "256", "-2", "1.5", "0x6", "tcp6", "icmp6x", "+6", "1000", "any"])("rejects %j", (text) => {
    expect(() => parseProtocol(text)).toThrow(NetsetInputError);
    expect(() => parseProtocol(text)).toThrow(`not a protocol: ${JSON.stringify(text)}`);
  });
});

describe("parsePortRange", () => {
  it.each<[string, IntervalSet]>([
    ["443", p(443)],
    ["0", p(0)],
    ["65535", p(65535)],
    ["0-65535", PORT_ALL],
    ["1024-65535", r(1024, 65535)],
    [" 80 - 81 ", r(80, 81)],
    ["22-22", p(22)],
    ["*", PORT_ALL],
    ["all", PORT_ALL],
    ["ALL", PORT_ALL],
  ])("%j", (text, expected) => {
    expect(parsePortRange(text).equals(expected)).toBe(true);
  });

  it.each(["", "65536", "-1", "10-5", "1-65536", "a", "1-", "-5", "1-2-3", "0x10", "443.0", "100000"])(
    "rejects %j",
    (text) => {
      expect(() => parsePortRange(text)).toThrow(NetsetInputError);
      expect(() => parsePortRange(text)).toThrow(`not a port range: ${JSON.stringify(text)}`);
    },
  );
});

describe("icmpTypeCode", () => {
  it.each<[number, number | undefined, IntervalSet]>([
    [8, undefined, r(2048, 2303)],
    [8, -1, r(2048, 2303)],
    [8, 0, p(2048)],
    [0, 0, p(0)],
    [255, 255, p(65535)],
    [3, 4, p(3 * 256 + 4)],
    [-1, undefined, PORT_ALL],
    [-1, -1, PORT_ALL],
  ])("type %i code %s", (type, code, expected) => {
    expect(icmpTypeCode(type, code).equals(expected)).toBe(true);
  });

  it.each<[number, number | undefined]>([
    [256, undefined],
    [-2, undefined],
    [1.5, undefined],
    [8, 256],
    [8, -2],
  ])("rejects type %d code %s", (type, code) => {
    expect(() => icmpTypeCode(type, code)).toThrow(NetsetInputError);
  });
});

describe("parsePortSpec", () => {
  const tcp = p(6);
  const udp = p(17);
  const icmp = p(1);
  it.each<[string, PacketSet, string]>([
    ["tcp/443", PacketSet.cube(tcp, p(443), IP_ALL), "tcp 443 -> any"],
    ["udp/53", PacketSet.cube(udp, p(53), IP_ALL), "udp 53 -> any"],
    ["tcp/1024-65535", PacketSet.cube(tcp, r(1024, 65535), IP_ALL), "tcp 1024-65535 -> any"],
    ["tcp", PacketSet.cube(tcp, PORT_ALL, IP_ALL), "tcp * -> any"],
    ["tcp/*", PacketSet.cube(tcp, PORT_ALL, IP_ALL), "tcp * -> any"],
    ["icmp", PacketSet.cube(icmp, PORT_ALL, IP_ALL), "icmp * -> any"],
    ["icmp/8", PacketSet.cube(icmp, r(2048, 2303), IP_ALL), "icmp type 8 -> any"],
    ["icmp/8:0", PacketSet.cube(icmp, p(2048), IP_ALL), "icmp type 8 code 0 -> any"],
    ["icmpv6/128", PacketSet.cube(p(58), r(128 * 256, 128 * 256 + 255), IP_ALL), "icmpv6 type 128 -> any"],
    ["all", PacketSet.ALL, "all * -> any"],
    ["-1", PacketSet.ALL, "all * -> any"],
    ["gre", PacketSet.cube(p(47), PORT_ALL, IP_ALL), "47 * -> any"],
    ["47", PacketSet.cube(p(47), PORT_ALL, IP_ALL), "47 * -> any"],
    ["6/22", PacketSet.cube(tcp, p(22), IP_ALL), "tcp 22 -> any"],
    ["tcp/0,tcp/65535", PacketSet.cube(tcp, p(0).union(p(65535)), IP_ALL), "tcp 0,65535 -> any"],
    ["tcp/443,udp/443", PacketSet.cube(tcp.union(udp), p(443), IP_ALL), "tcp,udp 443 -> any"],
    [
      "tcp/443, udp/53 ,TCP/80",
      PacketSet.cube(tcp, p(80).union(p(443)), IP_ALL).union(PacketSet.cube(udp, p(53), IP_ALL)),
      "tcp 80,443 -> any; udp 53 -> any",
    ],
    ["tcp/1-100,tcp/50-200", PacketSet.cube(tcp, r(1, 200), IP_ALL), "tcp 1-200 -> any"],
    ["tcp/443,all", PacketSet.ALL, "all * -> any"],
  ])("%j", (text, expected, printed) => {
    const got = parsePortSpec(text);
    expect(got.equals(expected)).toBe(true);
    expect(got.key()).toBe(expected.key());
    expect(got.toString()).toBe(printed);
    expect(got.ips().equals(IP_ALL)).toBe(true);
  });

  it.each<[string, string]>([
    ["", "empty item"],
    ["tcp/443,", "empty item"],
    [",tcp/443", "empty item"],
    ["tcp/65536", 'invalid port spec item "tcp/65536": not a port range: "65536"'],
    ["tcp/10-5", 'invalid port spec item "tcp/10-5"'],
    ["gre/5", 'invalid port spec item "gre/5": protocol 47 has no ports'],
    ["47/1", "has no ports"],
    ["all/443", "ports need a single protocol"],
    ["icmp/256", "not an ICMP type[:code]"],
    ["icmp/8:256", "not an ICMP type[:code]"],
    ["icmp/8:", "not an ICMP type[:code]"],
    ["icmp/x", "not an ICMP type[:code]"],
    ["foo", 'invalid port spec item "foo": not a protocol: "foo"'],
    ["tcp/443/1", "not a port range"],
  ])("rejects %j", (text, message) => {
    expect(() => parsePortSpec(text)).toThrow(NetsetInputError);
    expect(() => parsePortSpec(text)).toThrow(message);
  });

  it("names the failing item in .input", () => {
    try {
      parsePortSpec("tcp/443,udp/99999");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NetsetInputError);
      expect((e as NetsetInputError).input).toBe("udp/99999");
    }
  });

  it("keeps the unused port dimension full for port-less protocols", () => {
    const gre = parsePortSpec("gre");
    expect(gre.contains(47, 0, 0n)).toBe(true);
    expect(gre.contains(47, 65535, 0n)).toBe(true);
    expect(gre.existsPort().equals(gre)).toBe(true);
    expect(gre.forallPort(r(1024, 65535)).equals(gre)).toBe(true);
  });
});
