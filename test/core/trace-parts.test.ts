// A trace of a flow that covers many packets (no port, or protocol all) whose packets fare differently:
// the verdict is allowed or blocked only where every part is, each part is listed with its fate, and
// the first line names what was traced (the protocol by name, ICMP's type and code).
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadModel } from "../../src/core/pipeline.js";
import type { Flow } from "../../src/core/result.js";
import { runTrace } from "../../src/core/trace.js";
import type { NetworkModel } from "../../src/model/types.js";
import { renderTraceText } from "../../src/report/text.js";

const APP_SG = "sg-0a1b2c3d4e5f60082";
const APP_ACL = "acl-0a1b2c3d4e5f60072";

let shop: NetworkModel;
beforeAll(async () => {
  shop = await loadModel("aws", "examples/aws-shop");
});

const trace = (model: NetworkModel, flow: Omit<Flow, "src" | "dst"> & Partial<Flow>) =>
  runTrace(model, [{ src: "app-1", dst: "8.8.8.8", ...flow }])[0]!;

describe("a trace whose packets fare differently", () => {
  it("is unknown, not blocked, where a part gets out, and lists each part with its fate", () => {
    // app-1's security group lets tcp/443 out (through the NAT gateway, as 203.0.113.10), tcp/25 too
    // (which the subnet's network ACL denies), and nothing else.
    const t = trace(shop, { protocol: "tcp" });
    expect(t.verdict).toBe("unknown");
    expect(
      t.parts?.map((p) => [p.packets, p.verdict, p.exit, p.egressIp, p.blockedBy?.resource ?? null]),
    ).toEqual([
      ["tcp 0-24,26-442,444-65535 -> 8.8.8.8/32", "blocked", null, null, APP_SG],
      ["tcp 443 -> 8.8.8.8/32", "allowed", "internet", "203.0.113.10", null],
      ["tcp 25 -> 8.8.8.8/32", "blocked", null, null, APP_ACL],
    ]);
    // The top level shows the first blocked part's exit, blockedBy and hops, and says it does.
    const [shown] = t.parts!;
    expect(t).toMatchObject({ exit: null, egressIp: null, blockedBy: shown!.blockedBy, hops: shown!.hops });
    expect(t.reason).toBe(
      `the flow's packets fare differently, give --port for one answer: ` +
        `part 1 (tcp 0-24,26-442,444-65535 -> 8.8.8.8/32): blocked by ${APP_SG}; ` +
        `part 2 (tcp 443 -> 8.8.8.8/32): allowed, exit internet as 203.0.113.10; ` +
        `part 3 (tcp 25 -> 8.8.8.8/32): blocked by ${APP_ACL} rule 90; ` +
        `the hops and blockedBy shown are part 1's`,
    );
    // Each part's own reason is the engine's, as a trace of its packets alone gives it.
    const alone = trace(shop, { protocol: "tcp", port: 25 });
    expect(t.parts![2]).toMatchObject({ reason: alone.reason, hops: alone.hops, blockedBy: alone.blockedBy });
  });

  it("is unknown where a part is unknown, beside blocked ones (replies back on only some ports)", async () => {
    // The app subnet's network ACL lets replies in on 1024-40000 only: tcp/443 may or may not work.
    const dir = mkdtempSync(path.join(os.tmpdir(), "egress-audit-"));
    cpSync("examples/aws-shop", dir, { recursive: true });
    const file = path.join(dir, "us-east-1", "NetworkAcls.json");
    const doc = JSON.parse(readFileSync(file, "utf8")) as {
      NetworkAcls: {
        NetworkAclId: string;
        Entries: { Egress: boolean; RuleNumber: number; PortRange?: object }[];
      }[];
    };
    const rule = doc.NetworkAcls.find((a) => a.NetworkAclId === APP_ACL)!.Entries.find(
      (e) => !e.Egress && e.RuleNumber === 100,
    )!;
    rule.PortRange = { From: 1024, To: 40000 };
    writeFileSync(file, JSON.stringify(doc));
    const t = trace(await loadModel("aws", dir), { protocol: "tcp" });
    expect(t.verdict).toBe("unknown");
    expect(t.parts?.map((p) => [p.packets, p.verdict])).toEqual([
      ["tcp 0-24,26-442,444-65535 -> 8.8.8.8/32", "blocked"],
      ["tcp 443 -> 8.8.8.8/32", "unknown"],
      ["tcp 25 -> 8.8.8.8/32", "blocked"],
    ]);
    // Why the unknown part cannot be told is in the reason.
    expect(t.reason).toContain(`part 2 (tcp 443 -> 8.8.8.8/32): unknown: ${t.parts![1]!.reason}; `);
  });

  it("is blocked where every part is, each naming what blocks it", () => {
    // web-2 has no public IP: what its security group lets out the internet gateway drops.
    const t = runTrace(shop, [{ src: "web-2", dst: "8.8.8.8", protocol: "tcp" }])[0]!;
    expect(t.verdict).toBe("blocked");
    expect(t.parts?.map((p) => [p.verdict, p.blockedBy?.resource])).toEqual([
      ["blocked", "sg-0a1b2c3d4e5f60081"],
      ["blocked", "igw-0a1b2c3d4e5f60021"],
      ["blocked", "igw-0a1b2c3d4e5f60021"],
    ]);
    expect(t.blockedBy).toEqual(t.parts![0]!.blockedBy);
    expect(t.reason).toMatch(
      /^no outbound rule of sg-0a1b2c3d4e5f60081 allows it \(for part 1 of 3; part 1 \(/,
    );
  });

  it("asks for a port, or one protocol, in the words of the flow's source", () => {
    const where = (i: number) => `flows.jsonl:${i + 1}`;
    const [tcp, all] = runTrace(
      shop,
      [
        { src: "app-1", dst: "8.8.8.8", protocol: "tcp" },
        { src: "app-1", dst: "8.8.8.8", protocol: "all" },
      ],
      shop.endpoints,
      where,
    );
    expect(tcp!.reason).toMatch(/^the flow's packets fare differently, give port for one answer: /);
    expect(all!.reason).toMatch(
      /^the flow's packets fare differently, give one protocol \(and port\) for one answer: /,
    );
    expect(trace(shop, { protocol: "all" }).reason).toMatch(
      /give one --protocol \(and --port\) for one answer/,
    );
  });

  it("asks for a port where the part shown first is unknown and the others allowed", () => {
    // The bastion lets every TCP port out; tcp/25 is unknown (EC2's default restriction): the part
    // shown first is that unknown one, and the flow, unknown as well, still fares differently.
    const t = trace(shop, { src: "bastion", protocol: "tcp" });
    expect(t.verdict).toBe("unknown");
    expect(t.parts!.map((p) => p.verdict)).toEqual(["unknown", "allowed"]);
    expect(t.reason).toMatch(/^the flow's packets fare differently, give --port for one answer: /);
  });

  it("has no parts where one outcome holds for every packet", () => {
    expect(trace(shop, { protocol: "tcp", port: 443 }).parts).toBeUndefined();
    expect(trace(shop, { protocol: "icmp" }).parts).toBeUndefined();
  });

  it("prints one line per part under the first, then the hops of the part shown", () => {
    const text = renderTraceText([trace(shop, { protocol: "tcp" })]);
    expect(text).toContain(
      [
        "app-1 -> 8.8.8.8 tcp: UNKNOWN (3 parts)",
        "  from: eni-0a1b2c3d4e5f60104 (10.20.10.31)",
        `  part 1: tcp 0-24,26-442,444-65535 -> 8.8.8.8/32: BLOCKED by ${APP_SG} (security-group)`,
        "  part 2: tcp 443 -> 8.8.8.8/32: ALLOWED, exit internet, egress IP 203.0.113.10",
        `  part 3: tcp 25 -> 8.8.8.8/32: BLOCKED by ${APP_ACL} (network-acl) rule 90`,
        "  reason: the flow's packets fare differently, give --port for one answer: ",
      ].join("\n"),
    );
    expect(text).toContain("\n  hops of part 1:\n    #  RESOURCE");
    // No top-level "blocked by" line under an UNKNOWN: the parts say what blocks what.
    expect(text).not.toContain("  blocked by:");
  });
});

describe("what a trace names as traced", () => {
  it("the protocol by its name, ICMP's type and code (an echo request by default)", () => {
    const traced = (protocol: string, port?: number, code?: number) =>
      trace(shop, {
        protocol,
        ...(port === undefined ? {} : { port }),
        ...(code === undefined ? {} : { code }),
      }).traced;
    expect(traced("icmp")).toBe("icmp/8 code 0");
    expect(traced("1", 3, 4)).toBe("icmp/3 code 4");
    expect(traced("6", 80)).toBe("tcp/80");
    expect(traced("TCP", 443)).toBe("tcp/443");
    expect(traced(" udp ")).toBe("udp");
    expect(traced("47")).toBe("gre");
    expect(traced("99")).toBe("99");
    expect(traced("all")).toBe("all");
    expect(traced("-1")).toBe("all");
    expect(runTrace(shop, [{ src: "app-1", dst: "2001:db8::1", protocol: "ICMPv6" }])[0]!.traced).toBe(
      "icmpv6/128 code 0",
    );
  });

  it("and the first line of the text shows it", () => {
    const text = renderTraceText([
      trace(shop, { protocol: "icmp" }),
      trace(shop, { protocol: "6", port: 80 }),
      trace(shop, { protocol: "TCP", port: 443 }),
    ]);
    expect(text).toMatch(/^app-1 -> 8\.8\.8\.8 icmp\/8 code 0: BLOCKED$/m);
    expect(text).toMatch(/^app-1 -> 8\.8\.8\.8 tcp\/80: BLOCKED$/m);
    expect(text).toMatch(/^app-1 -> 8\.8\.8\.8 tcp\/443: ALLOWED$/m);
  });
});
