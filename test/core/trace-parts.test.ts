// What a trace names as traced: the protocol by name, ICMP's type and code.
import { beforeAll, describe, expect, it } from "vitest";
import { loadModel } from "../../src/core/pipeline.js";
import type { Flow } from "../../src/core/result.js";
import { runTrace } from "../../src/core/trace.js";
import type { NetworkModel } from "../../src/model/types.js";
import { renderTraceText } from "../../src/report/text.js";

let shop: NetworkModel;
beforeAll(async () => {
  shop = await loadModel("aws", "examples/aws-shop");
});

const trace = (model: NetworkModel, flow: Omit<Flow, "src" | "dst"> & Partial<Flow>) =>
  runTrace(model, [{ src: "app-1", dst: "8.8.8.8", ...flow }])[0]!;

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
