import { it } from "vitest";
import { handModel, pkt, route, via } from "./hand-models.js";
import { engineOutcome } from "./compare.js";
import { referenceOutcome } from "./reference.js";
import { parseIp } from "../../src/netset/index.js";
import { singlePacketQuery } from "./hand-models.js";
it("p", () => {
  for (const variant of ["second igw same network", "igw networkId null", "igw of other network"]) {
    const m = handModel();
    const igw2 = { id: "igw-2", kind: "internet" as const, networkId: variant === "igw networkId null" ? null : variant === "igw of other network" ? "vpc-2" : "vpc-1", ref: { resource: "igw-2", kind: "internet-gateway", rule: null }, publicIpOf: new Map([[parseIp("10.0.0.4"), parseIp("54.0.0.99")]]) };
    m.gateways.set("igw-2", igw2);
    if (variant !== "second igw same network") {
      m.gateways.delete("igw-1");
      const t = m.routeTables.get("rtb-pub")!;
      t.routes = t.routes.map((x) => (x.target.kind === "gateway" && x.target.gatewayId === "igw-1" ? { ...x, target: via("igw-2") } : x));
    }
    m.routeTables.get("rtb-pub")!.routes.push(route("rtb-pub", "8.8.8.0/30", via("igw-2")));
    const ep = m.endpoints[0]!;
    for (const p of [pkt(6, 443, "8.8.8.1"), pkt(6, 443, "8.8.8.8")]) {
      for (const mode of ["detail", "audit"] as const) {
        console.log(variant, mode, p.dst === parseIp("8.8.8.1") ? "8.8.8.1" : "8.8.8.8", JSON.stringify(engineOutcome(m, ep, p, mode, { query: singlePacketQuery(p) })), "REF", JSON.stringify(referenceOutcome(m, ep, p)));
      }
    }
  }
});
