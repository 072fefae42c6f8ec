// Batfish's own answers (fixtures/aws/*, see fixtures/NOTICE and the oracle EXPECTED.md files). Inside a
// VPC both apply the destination instance's inbound security group (DENIED_IN). Batfish also follows
// peering and transit gateways to the far instance; egress-audit stops at such exits with `unknown`
// (never "allowed").
import { beforeAll, describe, expect, it } from "vitest";
import { runAudit } from "../../src/core/audit.js";
import { parseDest, parsePorts } from "../../src/core/cli.js";
import { loadModel } from "../../src/core/pipeline.js";
import { runTrace } from "../../src/core/trace.js";
import type { Flow } from "../../src/core/result.js";
import type { NetworkModel } from "../../src/model/types.js";

function tracer(dir: string) {
  let model: NetworkModel;
  beforeAll(async () => {
    model = await loadModel("aws", dir);
  });
  return (flow: Flow) => runTrace(model, [flow])[0]!;
}

describe("Batfish AWS test-subnet", () => {
  const trace = tracer("fixtures/aws/batfish-test-subnet");
  it("1. inst1 -> 10.10.1.44 (same subnet): DENIED_IN by inst2's security group, no NACL hop", () => {
    const t = trace({ src: "i-08ef86e76fceabd8d", dst: "10.10.1.44", protocol: "icmp" });
    expect(t.verdict).toBe("blocked");
    expect(t.blockedBy).toEqual({ resource: "sg-02566e413c0030c70", kind: "security-group", rule: null });
    expect(t.hops.map((h) => `${h.kind}:${h.action}`)).toEqual([
      "security-group:allow",
      "route-table:forward",
      "security-group:deny",
    ]);
  });
  it("1. inst2's security group lets tcp/22 in: delivered to its interface", () => {
    const t = trace({ src: "i-08ef86e76fceabd8d", dst: "10.10.1.44", protocol: "tcp", port: 22 });
    expect(t).toMatchObject({ verdict: "allowed", exit: "private" });
    expect(t.hops.map((h) => `${h.resource}:${h.action}`)).toEqual([
      "sg-03dbad9f9c0cd1949:allow",
      "rtb-07243bb4843d61c35:forward",
      "sg-02566e413c0030c70:allow",
      "eni-029bf1092de61fb40:exit",
    ]);
  });
  it("2. inst1 -> 10.10.0.1: NULL_ROUTED in the VPC (inside the VPC CIDR, in no subnet)", () => {
    const t = trace({ src: "i-08ef86e76fceabd8d", dst: "10.10.0.1", protocol: "icmp" });
    expect(t.verdict).toBe("blocked");
    expect(t.blockedBy).toEqual({ resource: "vpc-062867d29dbf9386f", kind: "vpc", rule: null });
  });
  it("egress to the internet: no route (the VPC has no internet gateway route)", () => {
    const t = trace({ src: "i-08ef86e76fceabd8d", dst: "8.8.8.8", protocol: "tcp", port: 443 });
    expect(t.blockedBy).toEqual({ resource: "rtb-07243bb4843d61c35", kind: "route-table", rule: null });
  });
});

describe("Batfish AWS test-vpc-endpoint-interface", () => {
  const trace = tracer("fixtures/aws/batfish-test-vpc-endpoint-interface");
  it("1. same-subnet instance -> endpoint 10.1.101.97:443 reaches the endpoint's service", () => {
    const t = trace({ src: "i-0a0fbd0cfa774970f", dst: "10.1.101.97", protocol: "tcp", port: 443 });
    expect(t).toMatchObject({ verdict: "allowed", exit: "cloud-service" });
    expect(t.hops.at(-1)).toMatchObject({
      resource: "vpce-083c683a6be29b889",
      kind: "vpc-endpoint",
      action: "exit",
    });
    expect(t.reason).toMatch(/com\.amazonaws\.us-east-1\.cloudtrail/);
  });
  it("2. other-subnet instance -> endpoint: through its subnet, the VPC and the endpoint's subnet (both ways)", () => {
    const t = trace({ src: "i-0eb6eb395a0d09117", dst: "10.1.101.97", protocol: "tcp", port: 443 });
    expect(t).toMatchObject({ verdict: "allowed", exit: "cloud-service" });
    // Each network ACL lets the request through and its replies back.
    expect(t.hops.filter((h) => h.kind === "network-acl").map((h) => h.action)).toEqual([
      "allow",
      "allow",
      "allow",
      "allow",
    ]);
    expect(t.hops.filter((h) => h.kind === "network-acl").map((h) => h.detail.replace(/\).*/, ")"))).toEqual([
      "outbound: rule 1000: allow all traffic to 0.0.0.0/0",
      "inbound (replies from 10.1.101.97 to ports 32768-60999 of 10.1.1.88)",
      "inbound: rule 1000: allow all traffic from 0.0.0.0/0",
      "outbound (replies from 10.1.101.97 to ports 32768-60999 of 10.1.1.88)",
    ]);
    // The endpoint's own security group lets tcp/443 in ("HTTP Access").
    expect(t.hops.at(-2)).toMatchObject({
      resource: "sg-0973207c61f3466e1",
      action: "allow",
      rule: "HTTP Access",
    });
  });
  it("the endpoint's security group does not let tcp/80 in: blocked by it", () => {
    const t = trace({ src: "i-0eb6eb395a0d09117", dst: "10.1.101.97", protocol: "tcp", port: 80 });
    expect(t.verdict).toBe("blocked");
    expect(t.blockedBy).toEqual({ resource: "sg-0973207c61f3466e1", kind: "security-group", rule: null });
    expect(t.reason).toBe("no inbound rule of sg-0973207c61f3466e1 on eni-0084b734451ba23ca allows it");
  });
  it("an audit leaves the endpoint's security group to trace: unknown, with the reason", async () => {
    const model = await loadModel("aws", "fixtures/aws/batfish-test-vpc-endpoint-interface");
    const r = runAudit(model, {
      ports: parsePorts("tcp/443"),
      portsText: "tcp/443",
      dest: parseDest("10.1.101.97/32"),
      destText: "10.1.101.97/32",
    });
    for (const e of r.results) {
      expect(e).toMatchObject({ verdict: "unknown", reachable: [] });
      expect(e.reason).toMatch(/does not evaluate its own security groups \(a trace of the flow does\)$/);
    }
  });
});

describe("Batfish AWS test-vpc-peering", () => {
  const trace = tracer("fixtures/aws/batfish-test-vpc-peering");
  it("1. A -> B (192.168.1.106) leaves through the peering connection: unknown beyond it, never allowed", () => {
    const t = trace({ src: "i-06ba034d88c84ef07", dst: "192.168.1.106", protocol: "tcp", port: 22 });
    expect(t).toMatchObject({ verdict: "unknown", exit: "peering" });
    expect(t.hops.at(-1)).toMatchObject({ resource: "pcx-0b89b559e3319d6cf", action: "exit" });
  });
  it("3. A -> 192.168.100.1: NO_ROUTE at A's subnet", () => {
    const t = trace({ src: "i-06ba034d88c84ef07", dst: "192.168.100.1", protocol: "tcp", port: 22 });
    expect(t.verdict).toBe("blocked");
    expect(t.blockedBy?.kind).toBe("route-table");
  });
  it("4./5. B -> A's VPC leaves through the peering connection (Batfish decides on A's side)", () => {
    for (const dst of ["10.10.100.1", "10.10.10.11"]) {
      const t = trace({ src: "i-0b14080af811fda3d", dst, protocol: "tcp", port: 22 });
      expect(t).toMatchObject({ verdict: "unknown", exit: "peering" });
    }
  });
});

describe("pybatfish hybrid cloud (2 regions, transit gateway)", () => {
  const trace = tracer("fixtures/aws/pybatfish-hybrid-cloud");
  it("2. east2_public -> 10.40.2.80 tcp/22: leaves via the IGW and is dropped (DENIED_OUT: private destination)", () => {
    const t = trace({ src: "i-01602d9efaed4409a", dst: "10.40.2.80", protocol: "tcp", port: 22 });
    expect(t.verdict).toBe("blocked");
    expect(t.blockedBy).toEqual({ resource: "igw-02fd68f94367a67c7", kind: "internet-gateway", rule: null });
  });
  it("3. east2_public -> 54.191.42.182 tcp/22: ACCEPTED, source NAT to 13.59.144.125 at the IGW", () => {
    const t = trace({ src: "i-01602d9efaed4409a", dst: "54.191.42.182", protocol: "tcp", port: 22 });
    expect(t).toMatchObject({ verdict: "allowed", exit: "internet", egressIp: "13.59.144.125" });
  });
  it("1. east2_private -> 10.20.1.207 tcp/22 goes through the transit gateway: unknown beyond it", () => {
    const t = trace({ src: "i-04cd3db5124a05ee6", dst: "10.20.1.207", protocol: "tcp", port: 22 });
    expect(t).toMatchObject({ verdict: "unknown", exit: "private" });
    expect(t.hops.at(-1)?.resource).toBe("tgw-06b348adabd13452d");
  });
  it("6. the private hosts cannot reach the internet; the public ones can, with their public IPs", () => {
    expect(trace({ src: "i-04cd3db5124a05ee6", dst: "8.8.8.8", protocol: "tcp", port: 443 }).verdict).toBe(
      "blocked",
    );
    expect(trace({ src: "i-0a5d64b8b58c6dd09", dst: "8.8.8.8", protocol: "tcp", port: 443 }).verdict).toBe(
      "blocked",
    );
    expect(trace({ src: "i-02cae6eaa9edeed70", dst: "8.8.8.8", protocol: "tcp", port: 443 })).toMatchObject({
      verdict: "allowed",
      egressIp: "54.191.42.182",
    });
  });
});
