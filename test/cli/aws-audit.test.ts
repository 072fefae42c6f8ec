// End to end: `egress-audit aws` and `aws trace` on the bundled example, as the README shows them.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { cli, ROOT } from "./run-cli.js";
import AwsAudit from "../../src/commands/aws/index.js";
import AwsTrace from "../../src/commands/aws/trace.js";
import type { AuditResult, TraceResult } from "../../src/core/result.js";
import {
  deniedGap,
  eni,
  privateRoutes,
  tinyVpc,
  tinyVpcWithInstance,
  type Docs,
} from "../providers/aws/tiny-vpc.js";

const EXAMPLE = "examples/aws-shop";

function validator(file: string) {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  return ajv.compile(JSON.parse(readFileSync(file, "utf8")) as object);
}

describe("egress-audit aws --from-dir (example VPC)", () => {
  it("prints a per-source port matrix naming what blocks each range", () => {
    const r = cli("aws", "--from-dir", EXAMPLE);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    // app-1 reaches the internet on tcp/443 through the NAT gateway's Elastic IP ...
    expect(r.stdout).toMatch(/"app-1"[\s\S]*?tcp\s+443\s+allowed\s+203\.0\.113\.10/);
    // ... but tcp/25 is stopped by the app subnet's NACL rule 90, not by its security group.
    expect(r.stdout).toMatch(/tcp\s+25\s+blocked\s+-\s+\[acl-0a1b2c3d4e5f60072 rule 90\]/);
    // web-2 has no public IP in a public subnet: the internet gateway drops it.
    expect(r.stdout).toMatch(
      /"web-2"[\s\S]*?tcp\s+443\s+blocked\s+-\s+\[igw-0a1b2c3d4e5f60021\] the source's primary private IP has no public IPv4 address/,
    );
    // The bastion's security group and ACLs let out every TCP port, but EC2 restricts tcp/25 by default
    // unless AWS has lifted it for the account, which no describe output tells: unknown, saying so.
    expect(r.stdout).toMatch(
      /"bastion"[\s\S]*?tcp\s+0-24\s+allowed\s+3\.80\.10\.20[^\n]*\n\s+tcp\s+25\s+unknown\s+-\s+EC2 restricts outbound tcp\/25 \(SMTP\) by default; whether AWS has lifted it for the account \(on request\) no describe output tells\n\s+tcp\s+26-65535\s+allowed/,
    );
    // db-1's default route is a blackhole left by a deleted NAT gateway.
    expect(r.stdout).toMatch(
      /"db-1"[\s\S]*?tcp\s+\*\s+blocked\s+-\s+\[rtb-0a1b2c3d4e5f60053 rule 0\.0\.0\.0\/0\] route 0\.0\.0\.0\/0 in rtb-0a1b2c3d4e5f60053 is a blackhole/,
    );
  });

  it("prints the README's excerpt of the audit as it is", () => {
    const readme = readFileSync("README.md", "utf8");
    const m = /An excerpt of the audit:\n\n```\n([\s\S]*?)```\n/.exec(readme);
    expect(m).not.toBeNull();
    const lines = cli("aws", "--from-dir", EXAMPLE).stdout.split("\n");
    // The excerpt's header, table head and rows, each a line of the output, in its order.
    let at = -1;
    for (const line of m![1]!.trimEnd().split("\n")) {
      const next = lines.indexOf(line, at + 1);
      expect(next, line).toBeGreaterThan(at);
      at = next;
    }
  });

  // It said "all commands" of --ports and --dest, which `aws trace` refuses (Nonexistent flag).
  it("the README's table of useful flags names the commands that take each", () => {
    const readme = readFileSync("README.md", "utf8");
    const rows = [...readme.matchAll(/^\| `(--[a-z-]+)[^`]*` +\| ([^|]+)\|/gm)];
    expect(rows.map((r) => r[1])).toEqual(["--from-dir", "--json", "--ports", "--dest", "--vpc", "--debug"]);
    const help = {
      aws: cli("aws", "--help").stdout,
      "aws trace": cli("aws", "trace", "--help").stdout,
    };
    for (const [, flag, commands] of rows) {
      const listed = [...commands!.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
      for (const [command, text] of Object.entries(help))
        expect(text.includes(`${flag}=`) || text.includes(`${flag} `), `${command} ${flag}`).toBe(
          listed.includes(command),
        );
    }
  });

  it("--json output follows the committed AuditResult schema", () => {
    const r = cli("aws", "--from-dir", EXAMPLE, "--json");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as {
      results: {
        source: { name: string };
        protocol: string;
        ports: string;
        verdict: string;
        egressIps: string[];
      }[];
    };
    const validate = validator("schema/audit-result.schema.json");
    expect(validate(result), JSON.stringify(validate.errors)).toBe(true);
    const bastionTcp = result.results.filter((e) => e.source.name === "bastion" && e.protocol === "tcp");
    expect(bastionTcp.map((e) => [e.ports, e.verdict, e.egressIps])).toEqual([
      ["0-24", "allowed", ["3.80.10.20"]],
      ["25", "unknown", []],
      ["26-65535", "allowed", ["3.80.10.20"]],
    ]);
  });

  it("--ports and --dest narrow the audit", () => {
    const r = cli(
      "aws",
      "--from-dir",
      EXAMPLE,
      "--json",
      "--ports",
      "tcp/443,udp/53",
      "--dest",
      "8.8.8.0/24",
    );
    const result = JSON.parse(r.stdout) as {
      results: {
        protocol: string;
        ports: string;
        reachable: string[];
        verdict: string;
        source: { name: string };
      }[];
    };
    const app = result.results.filter((e) => e.source.name === "app-1");
    // udp/53: app-1 is an EKS node, whose pods' replies come back on 1024-65535; the app subnet's ACL
    // lets UDP replies in on 32768-65535 only (see "a Kubernetes node's replies ...").
    expect(app.map((e) => `${e.protocol}/${e.ports}:${e.verdict}`)).toEqual([
      "tcp/443:allowed",
      "udp/53:unknown",
    ]);
    expect(app[0]!.reachable).toEqual(["8.8.8.0/24"]);
  });

  // A dual-stack row whose IPv4 and IPv6 destinations different rules block names the rule by the
  // share of its family each part covers: by address count IPv6's part always won, so giving the VPC
  // an IPv6 block made the row name the security group (no IPv6 rule) where the ACL's rule 90 is what
  // stops tcp/25 to the IPv4 internet (the group's "mail relay" rule allows it).
  it("a dual-stack row names the rule blocking the larger share of its family, not the larger count", () => {
    const dir = editedExample((key, data) => {
      const v6 = (cidr: string) => [
        { AssociationId: "assoc-v6", Ipv6CidrBlock: cidr, Ipv6CidrBlockState: { State: "associated" } },
      ];
      if (key === "Vpcs")
        for (const v of data.Vpcs as Record<string, unknown>[])
          v.Ipv6CidrBlockAssociationSet = v6("2600:1f18:aaaa:bb00::/56");
      if (key === "Subnets")
        for (const sn of data.Subnets as Record<string, unknown>[])
          if (sn.SubnetId === "subnet-0a1b2c3d4e5f60012")
            sn.Ipv6CidrBlockAssociationSet = v6("2600:1f18:aaaa:bb10::/64");
      if (key === "NetworkInterfaces")
        for (const e of data.NetworkInterfaces as Record<string, unknown>[])
          if (e.NetworkInterfaceId === "eni-0a1b2c3d4e5f60104")
            e.Ipv6Addresses = [{ Ipv6Address: "2600:1f18:aaaa:bb10::31" }];
    });
    const json = JSON.parse(
      cli("aws", "--from-dir", dir, "--ports", "tcp/25", "--json").stdout,
    ) as AuditResult;
    const app = json.results.find((e) => e.source.name === "app-1")!;
    expect(app.paths.map((p) => p.blockedBy?.resource)).toEqual([
      "sg-0a1b2c3d4e5f60082",
      "acl-0a1b2c3d4e5f60072",
    ]);
    expect(app).toMatchObject({
      verdict: "blocked",
      blockedBy: { resource: "acl-0a1b2c3d4e5f60072", rule: "90" },
    });
  });

  it("a row that other rules decide for other destinations says how many more paths --json lists", () => {
    const args = ["aws", "--from-dir", "fixtures/aws/pybatfish-hybrid-cloud", "--dest", "10.0.0.0/8"];
    const json = JSON.parse(cli(...args, "--ports", "tcp/443", "--json").stdout) as AuditResult;
    const text = cli(...args, "--ports", "tcp/443").stdout;
    const rows = text.split("\n").filter((l) => l.startsWith("  tcp    443"));
    expect(rows).toHaveLength(json.results.length);
    json.results.forEach((e, i) => {
      const others = e.paths.filter((p) => p.verdict !== "allowed").length - 1;
      expect(others).toBeGreaterThan(0); // its own VPC's free addresses, the resolver, other VPCs...
      expect(rows[i]).toContain(`${e.reason} (+${others} other paths: --json lists them)`);
    });
  });

  it("says so when no source has an address of the destinations' family", () => {
    // The example is IPv4 only; NAT64 addresses are IPv6.
    const r = cli("aws", "--from-dir", EXAMPLE, "--dest", "64:ff9b::/96", "--ports", "tcp/443");
    expect(r.code).toBe(0);
    const silent =
      /5 of the 5 sources are asked nothing: they have no address of the destinations' family \(IPv4 or IPv6\), or the ports asked are only the other family's ICMP \(icmp is asked of IPv4 destinations, icmpv6 of IPv6 ones\); nothing to report for them\.\n\n0 results/;
    expect(r.stdout).toMatch(silent);
    // ICMPv6 to IPv4 destinations is asked of nobody (it said the sources had no IPv4 address).
    const v6 = cli("aws", "--from-dir", EXAMPLE, "--dest", "0.0.0.0/0", "--ports", "icmpv6");
    expect(v6.code).toBe(0);
    expect(v6.stdout).toMatch(silent);
  });
});

describe("egress-audit aws trace", () => {
  it("and the audit agree that a source's own address is delivered to itself", () => {
    // app-1 is 10.20.10.31, and its security group lets no tcp/80 out to it (the audit said blocked).
    const flow = "--src app-1 --dst 10.20.10.31 --port 80".split(" ");
    const t = cli("aws", "trace", "--from-dir", EXAMPLE, ...flow);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain("app-1 -> 10.20.10.31 tcp/80: ALLOWED\n");
    const r = cli("aws", "--from-dir", EXAMPLE, "--dest", "10.20.10.31/32", "--ports", "tcp/80", "--json");
    const app = (JSON.parse(r.stdout) as AuditResult).results.find((e) => e.source.name === "app-1")!;
    expect(app).toMatchObject({ verdict: "allowed", exits: ["private"], reachable: ["10.20.10.31/32"] });
    expect(app.paths[0]!.reason).toBe(
      "eni-0a1b2c3d4e5f60104's own address: the host delivers it to itself, no filter or route applies",
    );
  });

  it("explains a blocked flow hop by hop and names the deciding rule", () => {
    const r = cli(
      "aws",
      "trace",
      "--from-dir",
      EXAMPLE,
      "--src",
      "app-1",
      "--dst",
      "198.51.100.7",
      "--protocol",
      "tcp",
      "--port",
      "25",
      "--json",
    );
    expect(r.code).toBe(0);
    const [t] = JSON.parse(r.stdout) as [
      {
        verdict: string;
        blockedBy: unknown;
        hops: { resource: string; action: string; rule: string | null }[];
      },
    ];
    expect(t.verdict).toBe("blocked");
    expect(t.blockedBy).toEqual({ resource: "acl-0a1b2c3d4e5f60072", kind: "network-acl", rule: "90" });
    expect(t.hops.map((h) => `${h.resource}:${h.action}:${h.rule}`)).toEqual([
      "sg-0a1b2c3d4e5f60082:allow:mail relay",
      "rtb-0a1b2c3d4e5f60052:forward:0.0.0.0/0",
      "acl-0a1b2c3d4e5f60072:deny:90",
    ]);
    const validate = validator("schema/trace-result.schema.json");
    expect(validate(JSON.parse(r.stdout)), JSON.stringify(validate.errors)).toBe(true);
  });

  it("a flow without a port whose packets fare differently is unknown, listing its parts", () => {
    const flow = ["--src", "app-1", "--dst", "8.8.8.8", "--protocol", "tcp"];
    const r = cli("aws", "trace", "--from-dir", EXAMPLE, ...flow, "--json");
    // A mixed answer is not missing data: the exit code is the run's.
    expect(r.code).toBe(0);
    const traces = JSON.parse(r.stdout) as {
      traced: string;
      verdict: string;
      parts: { packets: string; verdict: string; egressIp: string | null }[];
    }[];
    const validate = validator("schema/trace-result.schema.json");
    expect(validate(traces), JSON.stringify(validate.errors)).toBe(true);
    expect(traces[0]).toMatchObject({ traced: "tcp", verdict: "unknown" });
    expect(traces[0]!.parts.map((p) => [p.packets, p.verdict, p.egressIp])).toContainEqual([
      "tcp 443 -> 8.8.8.8/32",
      "allowed",
      "203.0.113.10",
    ]);
    const text = cli("aws", "trace", "--from-dir", EXAMPLE, ...flow).stdout;
    expect(text).toContain("app-1 -> 8.8.8.8 tcp: UNKNOWN (3 parts)\n");
    expect(text).toContain(
      "  part 2: tcp 443 -> 8.8.8.8/32: ALLOWED, exit internet, egress IP 203.0.113.10\n",
    );
  });

  // An allowed trace is evidence that every rule on the way agreed: with stateless network ACLs, the
  // rules that let the replies back too (they were left out, and a later change to one of them could
  // not be traced to the answer).
  it("an allowed trace lists the network ACL rules that let the replies back", () => {
    const flow = ["--src", "app-1", "--dst", "8.8.8.8", "--protocol", "tcp", "--port", "443"];
    const r = cli("aws", "trace", "--from-dir", EXAMPLE, ...flow);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("app-1 -> 8.8.8.8 tcp/443: ALLOWED");
    const rows = r.stdout
      .split("\n")
      .filter((l) => /^ +\d+ /.test(l))
      .map((l) => l.trim().split(/ {2,}/));
    expect(rows.map((c) => `${c[1]} ${c[3]} ${c[4]} ${c[5]}`)).toEqual([
      "sg-0a1b2c3d4e5f60082 allow payment and partner APIs egress tcp 443 to 0.0.0.0/0",
      "rtb-0a1b2c3d4e5f60052 forward 0.0.0.0/0 0.0.0.0/0 -> nat-0a1b2c3d4e5f60031",
      "acl-0a1b2c3d4e5f60072 allow 110 outbound: rule 110: allow tcp 443 to 0.0.0.0/0",
      // The app subnet's inbound rule admitting 8.8.8.8's replies to the node's ports (its pods' SNAT
      // picks any of 1024-65535) ...
      "acl-0a1b2c3d4e5f60072 allow 100 inbound (replies from 8.8.8.8 to ports 1024-65535 of 10.20.10.31): rule 100: allow tcp 1024-65535 from 0.0.0.0/0",
      "acl-0a1b2c3d4e5f60070 allow 100 inbound: rule 100: allow all traffic from 0.0.0.0/0",
      // ... the NAT gateway's subnet's outbound rule passing them back to the instance ...
      "acl-0a1b2c3d4e5f60070 allow 100 outbound (replies from 8.8.8.8 to ports 1024-65535 of 10.20.10.31): rule 100: allow all traffic to 0.0.0.0/0",
      "nat-0a1b2c3d4e5f60031 translate - source -> 10.20.0.200, routed by subnet-0a1b2c3d4e5f60011",
      "rtb-0a1b2c3d4e5f60051 forward 0.0.0.0/0 0.0.0.0/0 -> igw-0a1b2c3d4e5f60021",
      "acl-0a1b2c3d4e5f60070 allow 100 outbound: rule 100: allow all traffic to 0.0.0.0/0",
      // ... and its inbound rule admitting them to the NAT gateway's ports.
      "acl-0a1b2c3d4e5f60070 allow 100 inbound (replies from 8.8.8.8 to ports 1024-65535 of 10.20.0.200): rule 100: allow all traffic from 0.0.0.0/0",
      "igw-0a1b2c3d4e5f60021 translate - source -> 203.0.113.10",
      "igw-0a1b2c3d4e5f60021 exit - internet",
    ]);
  });

  it("where two rules split the replies' ports, both are listed, each with its part (text and JSON)", () => {
    // The app subnet's ACL lets replies in on 1024-49999 by rule 100 and on 50000-65535 by rule 105;
    // app-1 is not a Kubernetes node here (its cluster tag removed): a Linux client, 32768-60999.
    const dir = editedExample((key, data) => {
      if (key === "Reservations") untagNodes(data);
      if (key !== "NetworkAcls") return;
      const acl = data.NetworkAcls!.find(
        (a) => (a as { NetworkAclId: string }).NetworkAclId === "acl-0a1b2c3d4e5f60072",
      ) as { Entries: { Egress: boolean; RuleNumber: number; PortRange?: object }[] };
      acl.Entries.find((e) => !e.Egress && e.RuleNumber === 100)!.PortRange = { From: 1024, To: 49999 };
      acl.Entries.push({
        CidrBlock: "0.0.0.0/0",
        Egress: false,
        Protocol: "6",
        RuleAction: "allow",
        RuleNumber: 105,
        PortRange: { From: 50000, To: 65535 },
      } as { Egress: boolean; RuleNumber: number });
    });
    const flow = ["--src", "app-1", "--dst", "8.8.8.8", "--protocol", "tcp", "--port", "443"];
    const text = cli("aws", "trace", "--from-dir", dir, ...flow);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      / {2}4 +acl-0a1b2c3d4e5f60072 +network-acl +allow +100 +inbound \(replies from 8\.8\.8\.8 to ports 32768-49999 of 10\.20\.10\.31\): rule 100: allow tcp 1024-49999 from 0\.0\.0\.0\/0\n {4}5 +acl-0a1b2c3d4e5f60072 +network-acl +allow +105 +inbound \(replies from 8\.8\.8\.8 to ports 50000-60999 of 10\.20\.10\.31\): rule 105: allow tcp 50000-65535 from 0\.0\.0\.0\/0\n/,
    );
    const r = cli("aws", "trace", "--from-dir", dir, ...flow, "--json");
    expect(r.code).toBe(0);
    const traces = JSON.parse(r.stdout) as { verdict: string; exit: string; hops: object[] }[];
    const validate = validator("schema/trace-result.schema.json");
    expect(validate(traces), JSON.stringify(validate.errors)).toBe(true);
    expect(traces[0]).toMatchObject({ verdict: "allowed", exit: "internet" });
    expect(traces[0]!.hops.slice(2, 5)).toEqual([
      {
        resource: "acl-0a1b2c3d4e5f60072",
        kind: "network-acl",
        action: "allow",
        rule: "110",
        detail: "outbound: rule 110: allow tcp 443 to 0.0.0.0/0",
      },
      {
        resource: "acl-0a1b2c3d4e5f60072",
        kind: "network-acl",
        action: "allow",
        rule: "100",
        detail:
          "inbound (replies from 8.8.8.8 to ports 32768-49999 of 10.20.10.31): rule 100: allow tcp 1024-49999 from 0.0.0.0/0",
      },
      {
        resource: "acl-0a1b2c3d4e5f60072",
        kind: "network-acl",
        action: "allow",
        rule: "105",
        detail:
          "inbound (replies from 8.8.8.8 to ports 50000-60999 of 10.20.10.31): rule 105: allow tcp 50000-65535 from 0.0.0.0/0",
      },
    ]);
  });

  // With the VPC CNI's defaults a pod's traffic leaving the VPC is translated to its node's address by
  // an SNAT rule with --random-fully: Linux then picks the source port from 1024-65535, not the OS's
  // 32768-60999. The app subnet's ACL lets UDP replies in on 32768-65535 only (rule 110), so about half
  // of the pods' DNS queries get no answer: app-1 (an EKS node) read allowed.
  it("a Kubernetes node's replies come back on 1024-65535, and an unknown names the rule denying the rest", () => {
    const flow = ["--src", "app-1", "--dst", "8.8.8.8", "--protocol", "udp", "--port", "53"];
    const audit = (dir: string) =>
      (
        JSON.parse(cli("aws", "--from-dir", dir, "--ports", "udp/53", "--json").stdout) as AuditResult
      ).results.find((e) => e.source.name === "app-1")!;
    const node = audit(EXAMPLE);
    expect(node).toMatchObject({ verdict: "unknown", blockedBy: null, egressIps: [] });
    // The entry says why its replies are checked on that range (the text prints it under the table).
    expect(node.notes).toEqual([
      expect.stringMatching(
        /^replies are checked on ports 1024-65535: eni-0a1b2c3d4e5f60104 is an interface of a node of Kubernetes cluster shop-eks, .*--random-fully/,
      ),
    ]);
    expect(node.reason).toBe(
      "acl-0a1b2c3d4e5f60072 lets replies through on only some of the ephemeral ports 1024-65535; the others are denied by inbound rule *: the connection works only when the client picks one of those",
    );
    const trace = cli("aws", "trace", "--from-dir", EXAMPLE, ...flow);
    expect(trace.stdout).toContain("app-1 -> 8.8.8.8 udp/53: UNKNOWN");
    expect(trace.stdout).toMatch(
      /note: replies are checked on ports 1024-65535: eni-0a1b2c3d4e5f60104 is an interface of a node of Kubernetes cluster shop-eks, .*--random-fully/,
    );
    expect(trace.stdout).toContain(
      "inbound (replies from 8.8.8.8 to ports 1024-32767 of 10.20.10.31): rule *: deny all traffic from 0.0.0.0/0",
    );
    // The interface tagged by the VPC CNI (not its instance) is a node's too.
    const eniTagged = editedExample((key, data) => {
      if (key === "Reservations") untagNodes(data);
      if (key !== "NetworkInterfaces") return;
      const eni = data.NetworkInterfaces!.find(
        (e) => (e as { NetworkInterfaceId: string }).NetworkInterfaceId === "eni-0a1b2c3d4e5f60104",
      ) as { TagSet?: object[] };
      eni.TagSet = [{ Key: "cluster.k8s.amazonaws.com/name", Value: "shop-eks" }];
    });
    expect(audit(eniTagged).verdict).toBe("unknown");
    // The same instance that is no node: a Linux host, whose replies rule 110 lets in.
    const host = editedExample((key, data) => {
      if (key === "Reservations") untagNodes(data);
    });
    expect(audit(host)).toMatchObject({ verdict: "allowed", egressIps: ["203.0.113.10"], notes: [] });
    const hostTrace = cli("aws", "trace", "--from-dir", host, ...flow).stdout;
    expect(hostTrace).toContain("app-1 -> 8.8.8.8 udp/53: ALLOWED");
    expect(hostTrace).toContain("to ports 32768-60999 of 10.20.10.31): rule 110");
    expect(hostTrace).not.toContain("note: replies are checked");
  });

  // A stateless ACL that stops only the replies makes the flow blocked, but the packets themselves
  // leave: one-way UDP carries its data all the same. An auditor reading "blocked" as "nothing gets
  // out" was misled, with nothing machine-readable to say otherwise.
  it("where only the replies are stopped, says the packets leave, by which exit and as which address", () => {
    const denyReplies = (key: string, data: Record<string, unknown[]>) => {
      if (key !== "NetworkAcls") return;
      const acl = (data.NetworkAcls as { NetworkAclId: string; Entries: object[] }[]).find(
        (a) => a.NetworkAclId === "acl-0a1b2c3d4e5f60070",
      )!;
      for (const [n, protocol] of [
        [50, "17"],
        [51, "6"],
      ] as const)
        acl.Entries.push({
          RuleNumber: n,
          Protocol: protocol,
          RuleAction: "deny",
          Egress: false,
          CidrBlock: "0.0.0.0/0",
          PortRange: { From: 0, To: 65535 },
        });
    };
    const dir = editedExample(denyReplies);
    const from = ["aws", "trace", "--from-dir", dir, "--src", "bastion", "--dst", "8.8.8.8"];
    const flow = (protocol: string, port: string) => [...from, "--protocol", protocol, "--port", port];
    const trace = (protocol: string, port: string) =>
      (JSON.parse(cli(...flow(protocol, port), "--json").stdout) as TraceResult[])[0]!;
    const leaves = { exit: "internet", egressIp: "3.80.10.20" };
    const udp = trace("udp", "53");
    expect(udp).toMatchObject({
      verdict: "blocked",
      exit: null,
      egressIp: null,
      leaves,
      blockedBy: { resource: "acl-0a1b2c3d4e5f60070", rule: "50" },
    });
    expect(udp.reason).toContain("one-way UDP datagrams are not stopped by it");
    expect(trace("tcp", "443")).toMatchObject({ verdict: "blocked", leaves });
    // EC2 may stop tcp/25 on the way out (see README): whether those packets leave is not known.
    const smtp = trace("tcp", "25");
    expect(smtp).toMatchObject({ verdict: "blocked", blockedBy: { rule: "51" } });
    expect(smtp.leaves).toBeUndefined();
    // The audit's paths say it too, and the text row.
    const entries = (
      JSON.parse(cli("aws", "--from-dir", dir, "--ports", "udp/53", "--json").stdout) as AuditResult
    ).results;
    const bastion = entries.find((e) => e.source.name === "bastion")!;
    expect(bastion.verdict).toBe("blocked");
    expect(bastion.paths).toEqual([
      expect.objectContaining({ verdict: "blocked", leaves: { ...leaves, egressIps: ["3.80.10.20"] } }),
    ]);
    // A source whose packets are dropped on the way (db-1: a blackhole route) does not leave.
    const db = entries.find((e) => e.source.name === "db-1")!;
    expect(db.paths.map((p) => p.leaves)).toEqual([undefined]);
    const text = cli("aws", "--from-dir", dir, "--ports", "udp/53").stdout;
    expect(text).toMatch(
      /udp +53 +blocked +- +\[acl-0a1b2c3d4e5f60070 rule 50\] .*; the packets leave as 3\.80\.10\.20\n/,
    );
    expect(cli(...flow("udp", "53")).stdout).toContain(
      "  leaves: exit internet   egress IP: 3.80.10.20   (the packets get out; their replies are what is stopped)",
    );
    // A NAT gateway spreads connections over its Elastic IPs: the packets leave as any of them.
    const twoEips = editedExample((key, data) => {
      if (key !== "NatGateways") return;
      (data.NatGateways![0] as { NatGatewayAddresses: object[] }).NatGatewayAddresses.push({
        PrivateIp: "10.20.0.201",
        PublicIp: "203.0.113.11",
        IsPrimary: false,
        Status: "succeeded",
      });
    });
    const app = (
      JSON.parse(cli("aws", "--from-dir", twoEips, "--ports", "udp/53", "--json").stdout) as AuditResult
    ).results.find((e) => e.source.name === "app-1")!;
    const viaNat = {
      exit: "internet",
      egressIp: "203.0.113.10",
      egressIps: ["203.0.113.10", "203.0.113.11"],
    };
    expect(app.paths).toEqual([expect.objectContaining({ verdict: "unknown", leaves: viaNat })]);
    expect(cli("aws", "--from-dir", twoEips, "--ports", "udp/53").stdout).toContain(
      "; the packets leave as 203.0.113.10, 203.0.113.11\n",
    );
    // Where the source's own security group may not let them out at all (it allows udp/53 only to a
    // prefix list the input lacks), a block does not say they leave.
    const unsure = editedExample((key, data) => {
      denyReplies(key, data);
      if (key !== "SecurityGroups") return;
      const sg = (data.SecurityGroups as { GroupId: string; IpPermissionsEgress: object[] }[]).find(
        (g) => g.GroupId === "sg-0a1b2c3d4e5f60084",
      )!;
      sg.IpPermissionsEgress = [
        {
          IpProtocol: "udp",
          FromPort: 53,
          ToPort: 53,
          IpRanges: [],
          Ipv6Ranges: [],
          PrefixListIds: [{ PrefixListId: "pl-0123456789abcdef0" }],
          UserIdGroupPairs: [],
        },
      ];
    });
    const inDoubt = cli("aws", "trace", "--from-dir", unsure, ...flow("udp", "53").slice(4), "--json");
    expect(inDoubt.code).toBe(3);
    const held = (JSON.parse(inDoubt.stdout) as TraceResult[])[0]!;
    expect(held).toMatchObject({ verdict: "blocked", blockedBy: { rule: "50" } });
    expect(held.leaves).toBeUndefined();
  });

  // Security groups are an allow-union: any rule that allows a packet lets it out. An allowed trace
  // named only the first, and an auditor revoking it would leave the flow open through the others.
  it("an allowed trace names every security group rule that allows the flow, not only the first", () => {
    const dir = editedExample((key, data) => {
      if (key !== "SecurityGroups") return;
      const sg = data.SecurityGroups!.find(
        (g) => (g as { GroupId: string }).GroupId === "sg-0a1b2c3d4e5f60082",
      ) as { IpPermissionsEgress: object[] };
      sg.IpPermissionsEgress.push({
        IpProtocol: "tcp",
        FromPort: 400,
        ToPort: 500,
        IpRanges: [{ CidrIp: "8.8.0.0/16", Description: "dns vendor" }],
      });
    });
    const flow = (dst: string) => [
      "--src",
      "app-1",
      "--dst",
      dst,
      "--protocol",
      "tcp",
      "--port",
      "443",
      "--json",
    ];
    const hops = (dst: string) =>
      (JSON.parse(cli("aws", "trace", "--from-dir", dir, ...flow(dst)).stdout) as { hops: object[] }[])[0]!
        .hops;
    expect(hops("8.8.8.8").slice(0, 3)).toEqual([
      expect.objectContaining({
        resource: "sg-0a1b2c3d4e5f60082",
        action: "allow",
        rule: "payment and partner APIs",
      }),
      {
        resource: "sg-0a1b2c3d4e5f60082",
        kind: "security-group",
        action: "allow",
        rule: "dns vendor",
        detail: "also: egress tcp 400-500 to 8.8.0.0/16",
      },
      expect.objectContaining({ kind: "route-table", action: "forward" }),
    ]);
    // Where the other rule does not allow it, it is not named.
    expect(hops("1.1.1.1")[1]).toMatchObject({ kind: "route-table" });
  });

  it("prints exactly the README's worked trace example", () => {
    const readme = readFileSync("README.md", "utf8");
    const section = readme.slice(readme.indexOf("## Reading a trace"));
    const m = /```sh\n\.\/nodew npx egress-audit (.*)\n```\n\n```\n([\s\S]*?)```\n/.exec(section);
    expect(m).not.toBeNull();
    const r = cli(...m![1]!.split(" "));
    expect(r.stdout).toBe(m![2]);
  });

  it("traces many flows from a JSON Lines file, in input order", () => {
    const r = cli("aws", "trace", "--from-dir", EXAMPLE, "--flows", "test/cli/flows.jsonl", "--json");
    expect(r.stderr).toBe("");
    const traces = JSON.parse(r.stdout) as {
      flow: { src: string };
      source: { id: string; address: string | null };
      verdict: string;
      egressIp: string | null;
      exit: string | null;
    }[];
    expect(traces.map((t) => [t.flow.src, t.verdict, t.exit, t.egressIp])).toEqual([
      ["app-1", "unknown", "internet", null],
      ["web-2", "blocked", null, null],
      ["i-0a1b2c3d4e5f60091", "allowed", "internet", "3.80.10.20"],
      ["10.20.10.31", "unknown", "private", null],
    ]);
    // Each says what --src resolved to: a name or an instance id to its (primary) interface.
    expect(traces.map((t) => [t.source.id, t.source.address])).toEqual([
      ["eni-0a1b2c3d4e5f60104", "10.20.10.31"],
      ["eni-0a1b2c3d4e5f60103", "10.20.0.22"],
      ["eni-0a1b2c3d4e5f60101", "10.20.0.10"],
      ["eni-0a1b2c3d4e5f60104", "10.20.10.31"],
    ]);
  });

  it("from the NAT gateway's own interface or address: says what it is, not that nothing has the name", () => {
    for (const src of ["eni-0a1b2c3d4e5f600a1", "10.20.0.200"]) {
      const t = cli("aws", "trace", "--from-dir", EXAMPLE, "--src", src, "--dst", "8.8.8.8", "--port", "443");
      expect(t.code).toBe(2);
      expect(t.stderr).toBe(
        `egress-audit: error: --src "${src}" is ${src.startsWith("eni-") ? "" : "eni-0a1b2c3d4e5f600a1, "}NAT gateway nat-0a1b2c3d4e5f60031's own interface, which is not a source (AWS-managed: the gateway is analysed as a hop of the traffic routed through it)\n`,
      );
    }
  });

  it("prints a readable trace by default", () => {
    const r = cli(
      "aws",
      "trace",
      "--from-dir",
      EXAMPLE,
      "--src",
      "web-2",
      "--dst",
      "8.8.8.8",
      "--protocol",
      "tcp",
      "--port",
      "443",
    );
    expect(r.stdout).toContain("web-2 -> 8.8.8.8 tcp/443: BLOCKED");
    expect(r.stdout).toContain("blocked by: igw-0a1b2c3d4e5f60021 (internet-gateway)");
  });

  // Windows PowerShell 5.1's `>` writes UTF-16 LE with a byte-order mark, `Out-File -Encoding utf8` a
  // UTF-8 one; such files read as the same describe output.
  it("reads describe output and flows files saved with a byte-order mark (UTF-8, UTF-16 LE and BE)", () => {
    const encodings: Record<string, (text: string) => Buffer> = {
      "utf-8 bom": (t) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, "utf8")]),
      "utf-16le": (t) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, "utf16le")]),
      "utf-16be": (t) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(t, "utf16le").swap16()]),
    };
    const plain = cli("aws", "--from-dir", EXAMPLE, "--json");
    expect(plain.code).toBe(0);
    const region = path.join(EXAMPLE, "us-east-1");
    const names = readdirSync(region).filter((f) => f.endsWith(".json"));
    expect(names.length).toBeGreaterThan(5);
    for (const [name, encode] of Object.entries(encodings)) {
      const dir = mkdtempSync(path.join(os.tmpdir(), "egress-audit-bom-"));
      for (const f of names)
        writeFileSync(path.join(dir, f), encode(readFileSync(path.join(region, f), "utf8")));
      const r = cli("aws", "--from-dir", dir, "--json");
      expect(r.stderr, name).toBe("");
      expect(r.stdout, name).toBe(plain.stdout);
      const flows = path.join(dir, "flows.jsonl");
      writeFileSync(flows, encode('{"src":"app-1","dst":"8.8.8.8","protocol":"tcp","port":443}\r\n'));
      const t = cli("aws", "trace", "--from-dir", EXAMPLE, "--flows", flows);
      expect(t.stderr, name).toBe("");
      expect(t.stdout, name).toContain("app-1 -> 8.8.8.8 tcp/443: ALLOWED");
    }
  });
});

describe("data the input refers to but lacks", () => {
  // A nightly job must tell an incomplete run from a complete one: each missing thing is listed under
  // `unknowns` once, with what refers to it, and the run exits 3 (a missing NAT gateway, say, used to
  // leave its sources' rows unknown with exit 0 and no entry).
  it("is listed under unknowns, and the run exits 3", () => {
    const region = path.join(EXAMPLE, "us-east-1");
    const dir = mkdtempSync(path.join(os.tmpdir(), "egress-audit-missing-"));
    for (const f of readdirSync(region).filter((x) => x.endsWith(".json") && x !== "NatGateways.json"))
      writeFileSync(path.join(dir, f), readFileSync(path.join(region, f)));
    const r = cli("aws", "--from-dir", dir, "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(3);
    const result = JSON.parse(r.stdout) as AuditResult;
    expect(result.unknowns).toEqual([
      {
        resource: "nat-0a1b2c3d4e5f60031",
        message:
          "route target nat-0a1b2c3d4e5f60031 is not in the input (referred to by rtb-0a1b2c3d4e5f60052)",
      },
    ]);
    expect(result.results.some((e) => e.verdict === "unknown" && e.source.name === "app-1")).toBe(true);
    const t = cli("aws", "trace", "--from-dir", dir, "--src", "app-1", "--dst", "8.8.8.8", "--port", "443");
    expect(t.code).toBe(3);
    expect(t.stdout).toContain("UNKNOWN");
  });
});

describe("an interface's other addresses with public IPs of their own", () => {
  // A host may send from any of its addresses: one whose secondary address has an Elastic IP gets out
  // as that address even where its primary address has no public IP (and was reported blocked alone).
  /**
   * The example with a secondary address for `eni` (as both listings show it), its Elastic IP
   * `publicIp`, and `addresses` added to describe-addresses (by default the same Elastic IP, as
   * describe-addresses lists it).
   */
  const withSecondary = (
    eni: string,
    address: string,
    publicIp: string,
    addresses: object[] = [{ PublicIp: publicIp, NetworkInterfaceId: eni, PrivateIpAddress: address }],
  ) => {
    const region = path.join(EXAMPLE, "us-east-1");
    const dir = mkdtempSync(path.join(os.tmpdir(), "egress-audit-secondary-"));
    const secondary = {
      Primary: false,
      PrivateIpAddress: address,
      Association: { IpOwnerId: "111122223333", PublicIp: publicIp },
    };
    const add = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(add);
      else if (typeof v === "object" && v !== null) {
        const o = v as { NetworkInterfaceId?: string; PrivateIpAddresses?: object[] };
        if (o.NetworkInterfaceId === eni && o.PrivateIpAddresses) o.PrivateIpAddresses.push(secondary);
        else Object.values(o).forEach(add);
      }
    };
    for (const f of readdirSync(region).filter((x) => x.endsWith(".json"))) {
      const doc = JSON.parse(readFileSync(path.join(region, f), "utf8")) as { Addresses?: object[] };
      add(doc);
      doc.Addresses?.push(...addresses);
      writeFileSync(path.join(dir, f), JSON.stringify(doc));
    }
    return dir;
  };
  const rows = (dir: string, name: string) =>
    (JSON.parse(cli("aws", "--from-dir", dir, "--ports", "tcp/443", "--json").stdout) as AuditResult).results
      .filter((e) => e.source.name === name)
      .map((e) => [e.source.privateIp, e.source.publicIp, e.verdict, e.egressIps.join(",")]);

  it("are audited too, each in a block of its own", () => {
    const dir = withSecondary("eni-0a1b2c3d4e5f60103", "10.20.0.23", "3.80.10.50");
    const r = cli("aws", "--from-dir", dir, "--ports", "tcp/443", "--json");
    expect(r.code).toBe(0);
    const web2 = (JSON.parse(r.stdout) as AuditResult).results
      .filter((e) => e.source.name === "web-2")
      .map((e) => [e.source.privateIp, e.source.publicIp, e.verdict, e.egressIps.join(",")]);
    expect(web2).toEqual([
      ["10.20.0.22", null, "blocked", ""],
      ["10.20.0.23", "3.80.10.50", "allowed", "3.80.10.50"],
    ]);
    const text = cli("aws", "--from-dir", dir, "--ports", "tcp/443").stdout;
    expect(text).toMatch(/^egress-audit aws: 6 sources;/);
    expect(text).toContain(
      'eni-0a1b2c3d4e5f60103 "web-2" (i-0a1b2c3d4e5f60093)  sending from its address 10.20.0.23, public 3.80.10.50\n',
    );
    expect(text).not.toContain("are asked nothing");
  });

  it("one whose public IP the input disagrees on is audited too (unknown); one answered alike is not repeated", () => {
    const doubt = withSecondary("eni-0a1b2c3d4e5f60103", "10.20.0.23", "198.51.100.5", [
      {
        PublicIp: "198.51.100.9",
        NetworkInterfaceId: "eni-0a1b2c3d4e5f60103",
        PrivateIpAddress: "10.20.0.23",
      },
    ]);
    expect(rows(doubt, "web-2")).toEqual([
      ["10.20.0.22", null, "blocked", ""],
      ["10.20.0.23", null, "unknown", ""],
    ]);
    // Behind the NAT gateway an address leaves as the gateway's, whichever it is.
    const nat = withSecondary("eni-0a1b2c3d4e5f60104", "10.20.10.32", "3.80.10.51");
    expect(rows(nat, "app-1")).toEqual([["10.20.10.31", null, "allowed", "203.0.113.10"]]);
  });
});

/** describe-instances output without the tags that make an instance a Kubernetes node. */
function untagNodes(data: Record<string, unknown[]>): void {
  for (const rsv of data.Reservations as { Instances: { Tags?: { Key: string }[] }[] }[])
    for (const i of rsv.Instances) i.Tags = i.Tags?.filter((t) => !/cluster/.test(t.Key));
}

/** A copy of the example's region folder, each file passed through `edit` (by its key) first. */
function editedExample(edit: (key: string, data: Record<string, unknown[]>) => void): string {
  const region = path.join(EXAMPLE, "us-east-1");
  const dir = mkdtempSync(path.join(os.tmpdir(), "egress-audit-edited-"));
  for (const f of readdirSync(region).filter((x) => x.endsWith(".json"))) {
    const data = JSON.parse(readFileSync(path.join(region, f), "utf8")) as Record<string, unknown[]>;
    edit(f.replace(/\.json$/, ""), data);
    writeFileSync(path.join(dir, f), JSON.stringify(data));
  }
  return dir;
}

describe("interfaces that are not instances' and instances without interfaces", () => {
  // An auditor reads the report as everything that can send: no interface or instance may drop out
  // of it silently (they used to, with exit 0).
  it("AWS-managed interfaces and ones of types this version does not know are audited and traced", () => {
    const dir = editedExample((key, data) => {
      if (key !== "NetworkInterfaces") return;
      const app = data.NetworkInterfaces!.find(
        (e) => (e as { NetworkInterfaceId: string }).NetworkInterfaceId === "eni-0a1b2c3d4e5f60104",
      ) as Record<string, unknown>;
      const like = (id: string, ip: string, type: string, description: string) => ({
        ...app,
        NetworkInterfaceId: id,
        InterfaceType: type,
        Description: description,
        RequesterManaged: true,
        Attachment: undefined,
        PrivateIpAddress: ip,
        PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: ip }],
      });
      data.NetworkInterfaces!.push(
        like("eni-0a1b2c3d4e5f601f1", "10.20.10.51", "quicksight", "Amazon QuickSight VPC connection"),
        like("eni-0a1b2c3d4e5f601f2", "10.20.10.52", "brand_new_type", "something new"),
      );
    });
    const r = cli("aws", "--from-dir", dir, "--ports", "tcp/443", "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as AuditResult;
    const sources = new Set(result.results.map((e) => e.source.id));
    expect(sources.has("eni-0a1b2c3d4e5f601f1")).toBe(true);
    expect(sources.has("eni-0a1b2c3d4e5f601f2")).toBe(true);
    expect(result.warnings).toContainEqual({
      resource: "brand_new_type",
      message: expect.stringContaining(
        "eni-0a1b2c3d4e5f601f2 audited as sources whose OS is not known",
      ) as string,
    });
    const flow = "--src eni-0a1b2c3d4e5f601f1 --dst 8.8.8.8 --protocol tcp --port 443".split(" ");
    const t = cli("aws", "trace", "--from-dir", dir, ...flow);
    expect(t.stderr).toBe("");
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/ALLOWED/);
  });

  it("an instance listed without its interfaces, none saved apart, is listed under unknowns (exit 3)", () => {
    const dir = editedExample((key, data) => {
      if (key === "NetworkInterfaces") data.NetworkInterfaces = [];
      if (key === "Reservations")
        for (const rsv of data.Reservations as { Instances: Record<string, unknown>[] }[])
          for (const inst of rsv.Instances)
            if (inst.InstanceId === "i-0a1b2c3d4e5f60094") delete inst.NetworkInterfaces;
    });
    const r = cli("aws", "--from-dir", dir, "--ports", "tcp/443", "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(3);
    const result = JSON.parse(r.stdout) as AuditResult;
    expect(result.unknowns).toContainEqual({
      resource: "i-0a1b2c3d4e5f60094",
      message: expect.stringMatching(
        /^instance i-0a1b2c3d4e5f60094 \(private IP 10\.20\.10\.31, subnet .* is listed without its NetworkInterfaces/,
      ) as string,
    });
    // The other instances are audited from their own listings.
    expect(result.results.some((e) => e.source.name === "web-1")).toBe(true);
  });
});

describe("interfaces attached to nothing, and ones whose subnet the input does not tell", () => {
  // app-1's interface as describe-network-interfaces shows a copy of it: `edit` changes the copy.
  const withCopy = (edit: (copy: Record<string, unknown>) => void) =>
    editedExample((key, data) => {
      if (key !== "NetworkInterfaces") return;
      const app = data.NetworkInterfaces!.find(
        (e) => (e as { NetworkInterfaceId: string }).NetworkInterfaceId === "eni-0a1b2c3d4e5f60104",
      ) as Record<string, unknown>;
      const copy: Record<string, unknown> = {
        ...app,
        NetworkInterfaceId: "eni-0a1b2c3d4e5f601e1",
        Attachment: undefined,
        PrivateIpAddress: "10.20.10.61",
        PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: "10.20.10.61" }],
        TagSet: [{ Key: "Name", Value: "spare" }],
      };
      edit(copy);
      data.NetworkInterfaces!.push(copy);
    });

  it("an interface with status available is audited and traced, saying it is not attached", () => {
    const dir = withCopy((c) => (c.Status = "available"));
    const r = cli("aws", "--from-dir", dir, "--ports", "tcp/443");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const header = r.stdout.split("\n").find((l) => l.startsWith("eni-0a1b2c3d4e5f601e1"));
    expect(header).toMatch(
      /"spare" {2}10\.20\.10\.61 {2}in subnet-0a1b2c3d4e5f60012 \/ vpc-0a1b2c3d4e5f60001 {2}not attached \(status available\): it sends nothing until it is; these are the answers once it is$/,
    );
    // Attached ones say nothing of it.
    expect(r.stdout.match(/not attached/g)).toHaveLength(1);
    const json = JSON.parse(
      cli("aws", "--from-dir", dir, "--ports", "tcp/443", "--json").stdout,
    ) as AuditResult;
    const mine = json.results.filter((e) => e.source.id === "eni-0a1b2c3d4e5f601e1");
    expect(mine.length).toBeGreaterThan(0);
    for (const e of mine) expect(e.source.unattached).toMatch(/^not attached \(status available\)/);
    expect(json.results.filter((e) => e.source.unattached !== undefined)).toEqual(mine);
    expect(validator("schema/audit-result.schema.json")(json)).toBe(true);
    const flow = "--src spare --dst 8.8.8.8 --protocol tcp --port 443".split(" ");
    const t = cli("aws", "trace", "--from-dir", dir, ...flow);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain(
      "  from: eni-0a1b2c3d4e5f601e1 (10.20.10.61), not attached (status available): it sends nothing until it is; these are the answers once it is",
    );
    const tj = JSON.parse(cli("aws", "trace", "--from-dir", dir, ...flow, "--json").stdout) as {
      source: { unattached?: string };
    }[];
    expect(tj[0]!.source.unattached).toMatch(/^not attached \(status available\)/);
    expect(validator("schema/trace-result.schema.json")(tj)).toBe(true);
  });

  it("an interface without SubnetId is listed under unknowns (exit 3), never left out silently", () => {
    const dir = withCopy((c) => delete c.SubnetId);
    const r = cli("aws", "--from-dir", dir, "--ports", "tcp/443", "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(3);
    const result = JSON.parse(r.stdout) as AuditResult;
    expect(result.unknowns).toEqual([
      {
        resource: "eni-0a1b2c3d4e5f601e1",
        message:
          'interface eni-0a1b2c3d4e5f601e1 "spare" (private IP 10.20.10.61, in vpc-0a1b2c3d4e5f60001) has no SubnetId in the input: which subnet it sends through (its route table and network ACL) is not known, so what it sends is not audited',
      },
    ]);
    expect(result.results.some((e) => e.source.id === "eni-0a1b2c3d4e5f601e1")).toBe(false);
    // A trace from it, by any name it has, points at that entry rather than saying nothing has the name.
    const traceFrom = (src: string, ...more: string[]) =>
      cli("aws", "trace", "--from-dir", dir, "--src", src, "--dst", "8.8.8.8", "--port", "443", ...more);
    for (const src of ["spare", "eni-0a1b2c3d4e5f601e1", "10.20.10.61"]) {
      const t = traceFrom(src);
      expect(t.code).toBe(2);
      expect(t.stderr).toBe(
        `egress-audit: error: --src "${src}" cannot be traced, it is listed under unknowns: ${result.unknowns[0]!.message}\n`,
      );
    }
    // A trace from another source exits 3 and says what the run could not read.
    const other = traceFrom("web-1");
    expect(other.code).toBe(3);
    const unread = `Could not be read (verdicts that depend on it are unknown):\n  - eni-0a1b2c3d4e5f601e1: ${result.unknowns[0]!.message}\n`;
    expect(other.stdout).toContain(`\n\n${unread}`);
    // --json: the array of traces on stdout, why it exits 3 on stderr.
    const json = traceFrom("web-1", "--json");
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toHaveLength(1);
    expect(json.stderr).toBe(unread);
    // An address that only begins like its address is not it.
    expect(traceFrom("10.20.10.6").stderr).toContain(
      "no interface, instance, name, private IP or subnet by that name",
    );
  });

  it("an instance's interface without SubnetId in one listing takes it from the other", () => {
    const dir = editedExample((key, data) => {
      if (key !== "NetworkInterfaces") return;
      for (const e of data.NetworkInterfaces as Record<string, unknown>[]) delete e.SubnetId;
    });
    const r = cli("aws", "--from-dir", dir, "--json");
    expect(r.code).toBe(0);
    const edited = JSON.parse(r.stdout) as AuditResult;
    const whole = JSON.parse(cli("aws", "--from-dir", EXAMPLE, "--json").stdout) as AuditResult;
    expect(edited.results).toEqual(whole.results);
  });
});

describe("stopped instances", () => {
  it("one without a public IP in a public subnet is unknown to the internet (a new public IP may come with a start), and says it is stopped", () => {
    // web-2 (public subnet, no public IP) and app-1 (behind the NAT gateway) stopped.
    const dir = editedExample((key, data) => {
      if (key !== "Reservations") return;
      for (const rsv of data.Reservations as { Instances: { InstanceId: string; State: object }[] }[])
        for (const i of rsv.Instances)
          if (["i-0a1b2c3d4e5f60093", "i-0a1b2c3d4e5f60094"].includes(i.InstanceId))
            i.State = { Code: 80, Name: "stopped" };
    });
    const note = (id: string) =>
      `instance ${id} is stopped: it sends nothing until it is started; these are the answers once it is`;
    const r = cli("aws", "--from-dir", dir, "--ports", "tcp/443");
    expect(r.stderr).toBe("");
    // Not missing data: no call tells how it was launched.
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /"web-2" \(i-0a1b2c3d4e5f60093\) {2}10\.20\.0\.22 {2}in subnet-0a1b2c3d4e5f60011 \/ vpc-0a1b2c3d4e5f60001 {2}instance i-0a1b2c3d4e5f60093 is stopped: it sends nothing until it is started; these are the answers once it is\n.*\n {2}tcp +443 +unknown +- +10\.20\.0\.22 is the primary private IP of i-0a1b2c3d4e5f60093, which is stopped and has no public IP or Elastic IP in the input: AWS releases a public IP when an instance stops/,
    );
    // Through the NAT gateway its Elastic IP is the egress IP, stopped or not.
    expect(r.stdout).toMatch(
      /"app-1" \(i-0a1b2c3d4e5f60094\) .* is stopped: .*\n.*\n {2}tcp +443 +allowed +203\.0\.113\.10/,
    );
    expect(r.stdout.match(/ is stopped: /g)).toHaveLength(2);
    const json = JSON.parse(
      cli("aws", "--from-dir", dir, "--ports", "tcp/443", "--json").stdout,
    ) as AuditResult;
    expect(validator("schema/audit-result.schema.json")(json)).toBe(true);
    const web2 = json.results.filter((e) => e.source.name === "web-2");
    expect(web2.map((e) => [e.verdict, e.egressIps, e.source.publicIp, e.source.stopped])).toEqual([
      ["unknown", [], null, note("i-0a1b2c3d4e5f60093")],
    ]);
    const stopped = json.results.filter((e) => e.source.stopped !== undefined).map((e) => e.source.name);
    expect([...new Set(stopped)].sort()).toEqual(["app-1", "web-2"]);
    const flow = "--src web-2 --dst 8.8.8.8 --protocol tcp --port 443".split(" ");
    const t = cli("aws", "trace", "--from-dir", dir, ...flow);
    expect(t.code).toBe(0);
    expect(t.stdout).toContain(
      `8.8.8.8 tcp/443: UNKNOWN\n  from: eni-0a1b2c3d4e5f60103 (10.20.0.22), ${note("i-0a1b2c3d4e5f60093")}\n`,
    );
    const tj = JSON.parse(cli("aws", "trace", "--from-dir", dir, ...flow, "--json").stdout) as {
      verdict: string;
      source: { stopped?: string };
    }[];
    expect(tj[0]).toMatchObject({ verdict: "unknown", source: { stopped: note("i-0a1b2c3d4e5f60093") } });
    expect(validator("schema/trace-result.schema.json")(tj)).toBe(true);
  });
});

/** A copy of the example's region without its DNS support attribute. */
function exampleWithoutDnsSupport(): string {
  const region = path.join(EXAMPLE, "us-east-1");
  const dir = mkdtempSync(path.join(os.tmpdir(), "egress-audit-nodns-"));
  for (const f of readdirSync(region).filter((x) => x.endsWith(".json") && !x.startsWith("EnableDnsSupport")))
    writeFileSync(path.join(dir, f), readFileSync(path.join(region, f)));
  return dir;
}

describe("optional inputs saved without", () => {
  // Read as AWS's defaults, which may let more out than AWS does: a warning says so, only when the
  // input is absent altogether (the example has them all: it prints none).
  it("the DNS support attribute: a warning naming the VPC", () => {
    const dir = exampleWithoutDnsSupport();
    const r = cli("aws", "--from-dir", dir, "--ports", "udp/53");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      "  - enableDnsSupport: the VPCs' DNS support attribute is not in the input (aws ec2 describe-vpc-attribute --attribute enableDnsSupport was not saved): it is read as on, AWS's default, for vpc-0a1b2c3d4e5f60001;",
    );
    expect(cli("aws", "--from-dir", EXAMPLE, "--ports", "udp/53").stdout).not.toContain("Warnings:");
    // A trace reaching the resolver says so too, once after its traces (its JSON stays the array of traces).
    const resolver = ["trace", "--src", "app-1", "--dst", "10.20.0.2", "--protocol", "udp", "--port", "53"];
    const t = cli("aws", ...resolver, "--from-dir", dir);
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(
      /: ALLOWED\n[^]*\n\nWarnings:\n {2}- enableDnsSupport: the VPCs' DNS support attribute is not in the input [^\n]*\n$/,
    );
    expect(cli("aws", ...resolver, "--from-dir", EXAMPLE).stdout).not.toContain("Warnings:");
    // Its JSON stays the array of traces; the warning goes to stderr (none without cause).
    const json = cli("aws", ...resolver, "--from-dir", dir, "--json");
    expect(Array.isArray(JSON.parse(json.stdout))).toBe(true);
    expect(json.stderr).toMatch(
      /^Warnings:\n {2}- enableDnsSupport: the VPCs' DNS support attribute is not in the input [^\n]*\n$/,
    );
    expect(cli("aws", ...resolver, "--from-dir", EXAMPLE, "--json").stderr).toBe("");
  });
});

describe("a narrowed audit", () => {
  // An auditor must not take an audit of one cluster's nodes for evidence about the whole input.
  it("says what it covers and how many interfaces it left out", () => {
    const r = cli("aws", "--from-dir", EXAMPLE, "--cluster", "shop-eks", "--ports", "tcp/443", "--json");
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as AuditResult;
    expect(result.query).toMatchObject({ vpcs: null, cluster: "shop-eks" });
    expect(result.summary).toMatchObject({ sources: 1, leftOut: 4 });
    const text = cli("aws", "--from-dir", EXAMPLE, "--cluster", "shop-eks", "--ports", "tcp/443").stdout;
    expect(text.split("\n")[0]).toBe(
      "egress-audit aws: 1 source (--cluster shop-eks; 4 other interfaces of the input not audited); ports tcp/443; destinations the public internet",
    );
    const whole = JSON.parse(cli("aws", "--from-dir", EXAMPLE, "--json").stdout) as AuditResult;
    expect(whole.query).toMatchObject({ vpcs: null, cluster: null });
    expect(whole.summary.leftOut).toBe(0);
  });
});

describe("--cluster with nodes the input does not place", () => {
  // The example with copies of app-1's interface saved without SubnetId (so not audited, each under
  // unknowns): one tagged for shop-eks, one carrying its cluster security group, two tagged for
  // other-eks (which has no other node), one of no cluster.
  const dir = editedExample((key, data) => {
    if (key !== "NetworkInterfaces") return;
    const app = data.NetworkInterfaces!.find(
      (e) => (e as { NetworkInterfaceId: string }).NetworkInterfaceId === "eni-0a1b2c3d4e5f60104",
    ) as Record<string, unknown>;
    const unplaced = (id: string, ip: string, extra: Record<string, unknown>) => ({
      ...app,
      NetworkInterfaceId: id,
      SubnetId: undefined,
      Attachment: undefined,
      PrivateIpAddress: ip,
      PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: ip }],
      ...extra,
    });
    const tagged = (cluster: string) => ({ TagSet: [{ Key: "eks:cluster-name", Value: cluster }] });
    data.NetworkInterfaces!.push(
      unplaced("eni-0a1b2c3d4e5f601f1", "10.20.10.71", tagged("shop-eks")),
      unplaced("eni-0a1b2c3d4e5f601f2", "10.20.10.72", { Groups: [{ GroupId: "sg-0a1b2c3d4e5f600e1" }] }),
      unplaced("eni-0a1b2c3d4e5f601f3", "10.20.10.73", tagged("other-eks")),
      unplaced("eni-0a1b2c3d4e5f601f4", "10.20.10.74", tagged("other-eks")),
      unplaced("eni-0a1b2c3d4e5f601f5", "10.20.10.75", {}),
    );
  });
  const audit = (cluster: string) => {
    const json = cli("aws", "--from-dir", dir, "--cluster", cluster, "--ports", "tcp/443", "--json");
    const text = cli("aws", "--from-dir", dir, "--cluster", cluster, "--ports", "tcp/443");
    expect(text.code).toBe(json.code);
    return { code: json.code, result: JSON.parse(json.stdout) as AuditResult, text: text.stdout };
  };
  /** The unknowns entries naming each interface, once each. */
  const entriesOf = (r: AuditResult, ids: string[]) =>
    ids.map((id) => r.unknowns.filter((u) => u.resource === id).map((u) => u.message));

  it("some of them: the others are audited, and the run says which nodes it could not audit (exit 3)", () => {
    const { code, result, text } = audit("shop-eks");
    expect(code).toBe(3);
    expect(result.summary).toMatchObject({
      sources: 1,
      notAudited: ["eni-0a1b2c3d4e5f601f1", "eni-0a1b2c3d4e5f601f2"],
    });
    expect(result.unknowns.filter((u) => u.resource === "shop-eks")).toEqual([
      {
        resource: "shop-eks",
        message:
          "2 of the 3 nodes of cluster shop-eks could not be audited, eni-0a1b2c3d4e5f601f1, eni-0a1b2c3d4e5f601f2: the input tells too little of them (see their own entries); the audit covers the other 1",
      },
    ]);
    for (const entries of entriesOf(result, ["eni-0a1b2c3d4e5f601f1", "eni-0a1b2c3d4e5f601f2"]))
      expect(entries).toEqual([expect.stringMatching(/has no SubnetId in the input/)]);
    expect(new Set(result.unknowns.map((u) => JSON.stringify(u))).size).toBe(result.unknowns.length);
    expect(text.split("\n")[0]).toBe(
      "egress-audit aws: 1 source (--cluster shop-eks; 4 other interfaces of the input not audited; 2 nodes of the cluster could not be audited, see unknowns); ports tcp/443; destinations the public internet",
    );
  });

  it("all of them: an audit of no source that says so (exit 3), not 'no nodes of this cluster'", () => {
    const { code, result, text } = audit("other-eks");
    expect(code).toBe(3);
    expect(result.summary).toMatchObject({
      sources: 0,
      notAudited: ["eni-0a1b2c3d4e5f601f3", "eni-0a1b2c3d4e5f601f4"],
    });
    expect(result.unknowns.filter((u) => u.resource === "other-eks")).toEqual([
      {
        resource: "other-eks",
        message:
          "none of the 2 nodes of cluster other-eks could be audited, eni-0a1b2c3d4e5f601f3, eni-0a1b2c3d4e5f601f4: the input tells too little of them (see their own entries)",
      },
    ]);
    expect(text.split("\n")[0]).toBe(
      "egress-audit aws: 0 sources (--cluster other-eks; 5 other interfaces of the input not audited; 2 nodes of the cluster could not be audited, see unknowns); ports tcp/443; destinations the public internet",
    );
    // --vpc of the nodes' VPC keeps them; a cluster with no node at all is still an error.
    expect(
      cli("aws", "--from-dir", dir, "--cluster", "other-eks", "--vpc", "vpc-0a1b2c3d4e5f60001").code,
    ).toBe(3);
    const none = cli("aws", "--from-dir", dir, "--cluster", "no-such-eks");
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--cluster no-such-eks: no nodes of this cluster in the input/);
  });
});

describe("--help", () => {
  // It said "cloud networks and Kubernetes", and listed aws under both TOPICS and COMMANDS.
  it("says what the tool audits today, and lists each command once", () => {
    const r = cli("--help");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(
      "Static egress auditor for AWS VPCs: which ports reach the internet, from which IP, and which rule blocks the rest.",
    );
    expect(r.stdout).not.toContain("TOPICS");
    expect(r.stdout.match(/^ {2}aws /gm)).toHaveLength(1);
    // aws's own help still lists aws trace.
    expect(cli("aws", "--help").stdout).toMatch(/^COMMANDS\n {2}aws trace /m);
  });
});

describe("--help examples", () => {
  // The examples `--help` shows on the bundled folder must run as written (placeholders such as
  // vpc-0123456789abcdef0 or flows.jsonl are for the user to fill in).
  const runnable = [AwsAudit, AwsTrace].flatMap((c) =>
    c.examples.filter((e) => e.includes("examples/aws-shop") && !e.includes("flows.jsonl")),
  );

  it.each(runnable)("%s", (example) => {
    const args = example.replace("<%= config.bin %> ", "").split(" ");
    const r = cli(...args);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });
});

describe("a reader that stops early (`| head`)", () => {
  it("ends the run quietly with its own exit code, not an error", async () => {
    // The example's JSON (~170 kB) is larger than a pipe's buffer, so writing meets the closed pipe.
    const child = spawn(
      process.execPath,
      [path.join(ROOT, "bin/run.js"), "aws", "--from-dir", EXAMPLE, "--json"],
      {
        cwd: ROOT,
      },
    );
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });

  // `--help | head -1` ended with code 13 and Node's "unsettled top-level await" warning: oclif's
  // final flush waited for a drain that a closed pipe never gives.
  it.each(["--help", "aws --help", "aws trace --help"])(
    "%s to a reader that has gone away: exit 0, nothing on stderr",
    async (command) => {
      const args = command.split(" ");
      const child = spawn(process.execPath, [path.join(ROOT, "bin/run.js"), ...args], { cwd: ROOT });
      let stderr = "";
      child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
      child.stdout.destroy();
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(stderr).toBe("");
      expect(code).toBe(0);
    },
  );
});

describe("exit code 3 follows the data missing for what the run asks", () => {
  /** A folder holding `d`, one file per key. */
  const dirOf = (d: Docs): string => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "egress-audit-tiny-"));
    for (const [key, items] of Object.entries(d))
      writeFileSync(path.join(dir, `${key}.json`), JSON.stringify({ [key]: items }));
    return dir;
  };

  /** `aws trace` of one flow on the folder. */
  const traceIn = (dir: string, src: string, dst: string, protocol: string, port: string) =>
    cli(
      "aws",
      "trace",
      "--from-dir",
      dir,
      "--src",
      src,
      "--dst",
      dst,
      "--protocol",
      protocol,
      "--port",
      port,
    );

  // The tiny VPC, dual-stack, eni-app an interface of instance i-app (t3.micro), no InstanceTypes saved.
  const dualStack = (): Docs => {
    const d = tinyVpcWithInstance({ InstanceType: "t3.micro" });
    const v6 = (Ipv6CidrBlock: string) => [{ Ipv6CidrBlock, Ipv6CidrBlockState: { State: "associated" } }];
    Object.assign(d.Vpcs![0]!, { Ipv6CidrBlockAssociationSet: v6("2600:1f18:1:a00::/56") });
    Object.assign(d.Subnets![1]!, { Ipv6CidrBlockAssociationSet: v6("2600:1f18:1:a01::/64") });
    Object.assign(d.NetworkInterfaces![0]!, { Ipv6Addresses: [{ Ipv6Address: "2600:1f18:1:a01::10" }] });
    return d;
  };

  it("an instance type not in the input: 3 where the run asks the services' IPv6 addresses something, else 0", () => {
    const dir = dirOf(dualStack());
    expect(cli("aws", "--from-dir", dir).code).toBe(0);
    const asked = cli("aws", "--from-dir", dir, "--ports", "udp/53", "--dest", "fd00:ec2::253");
    expect(asked.code).toBe(3);
    expect(asked.stdout).toContain(
      "  - InstanceTypes: no InstanceTypes in the input (aws ec2 describe-instance-types was not saved): whether the instances' types are built on the Nitro System is not known",
    );
    const trace = (dst: string) => traceIn(dir, "eni-app", dst, "udp", "53");
    const t = trace("fd00:ec2::253");
    expect(t.stdout).toContain("fd00:ec2::253 udp/53: UNKNOWN");
    expect(t.code).toBe(3);
    expect(trace("169.254.169.253").code).toBe(0);
  });

  // A denied call is data the run lacks only for the verdicts that need what it tells: the instance
  // types for the services' IPv6 addresses (an internet audit exited 3 for it, the saved output missing
  // exited 0), the peering connections for traffic routed to one; the transit gateway attachments for
  // none (saved for other readers): a warning.
  it("a call that failed counts as missing only for the verdicts that use its output", () => {
    const d = dualStack();
    d.EgressAuditCollectionGaps = [
      deniedGap("DescribeInstanceTypes", "InstanceTypes"),
      deniedGap("DescribeVpcPeeringConnections", "VpcPeeringConnections"),
      deniedGap("DescribeTransitGatewayAttachments", "TransitGatewayAttachments"),
    ];
    const dir = dirOf(d);
    const internet = cli("aws", "--from-dir", dir);
    expect(internet.code).toBe(0);
    expect(internet.stdout).toMatch(
      /Warnings:[\s\S]*ec2:DescribeTransitGatewayAttachments[\s\S]*\(not used by this version's verdicts\)/,
    );
    expect(internet.stdout).not.toContain("Could not be read");
    expect(internet.stdout).not.toContain("DescribeVpcPeeringConnections");
    // Traffic routed to a peering connection: what it delivers beyond the peer VPC is what was not read.
    const peered = structuredClone(d);
    privateRoutes(peered).push({
      DestinationCidrBlock: "8.8.8.0/24",
      VpcPeeringConnectionId: "pcx-1",
      State: "active",
    });
    const routed = cli("aws", "--from-dir", dirOf(peered));
    expect(routed.code).toBe(3);
    expect(routed.stdout).toMatch(
      / {2}- pcx-1: what VPC peering connection pcx-1 delivers is not known: ec2:DescribeVpcPeeringConnections failed in us-east-1 /,
    );
    const asked = cli("aws", "--from-dir", dir, "--ports", "udp/53", "--dest", "fd00:ec2::253");
    expect(asked.code).toBe(3);
    expect(asked.stdout).toMatch(
      / {2}- InstanceTypes: the instance types could not be read \(ec2:DescribeInstanceTypes failed in us-east-1 [^\n]*whether the instances' types are built on the Nitro System is not known/,
    );
  });

  // The tiny VPC with an interface VPC endpoint whose interface is saved without Groups, a gateway
  // endpoint and a Gateway Load Balancer endpoint (which have no security groups: not data missing),
  // and eni-shut, whose group lets nothing out.
  const withEndpoints = (): Docs => {
    const d = tinyVpc();
    delete (d.NetworkInterfaces![0] as { Attachment?: unknown }).Attachment;
    d.SecurityGroups!.push({
      GroupId: "sg-none",
      GroupName: "none",
      VpcId: "vpc-1",
      IpPermissions: [],
      IpPermissionsEgress: [],
    });
    d.NetworkInterfaces!.push(
      { ...eni("eni-shut", "subnet-priv", "10.0.1.20", ["sg-none"]), InterfaceType: "interface" },
      {
        NetworkInterfaceId: "eni-vpce",
        SubnetId: "subnet-pub",
        VpcId: "vpc-1",
        InterfaceType: "vpc_endpoint",
        PrivateIpAddress: "10.0.0.50",
        PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: "10.0.0.50" }],
        Description: "VPC Endpoint Interface vpce-ssm",
      },
      {
        ...eni("eni-gwlbe", "subnet-pub", "10.0.0.60", []),
        InterfaceType: "gateway_load_balancer_endpoint",
        Groups: undefined,
      },
    );
    d.VpcEndpoints = [
      {
        VpcEndpointId: "vpce-ssm",
        VpcEndpointType: "Interface",
        State: "available",
        VpcId: "vpc-1",
        ServiceName: "com.amazonaws.us-east-1.ssm",
        NetworkInterfaceIds: ["eni-vpce"],
      },
      {
        VpcEndpointId: "vpce-s3",
        VpcEndpointType: "Gateway",
        State: "available",
        VpcId: "vpc-1",
        ServiceName: "com.amazonaws.us-east-1.s3",
      },
      {
        VpcEndpointId: "vpce-gwlb",
        VpcEndpointType: "GatewayLoadBalancer",
        State: "available",
        VpcId: "vpc-1",
        NetworkInterfaceIds: ["eni-gwlbe"],
      },
    ];
    const priv = d.RouteTables!.find((t) => (t as { RouteTableId: string }).RouteTableId === "rtb-priv") as {
      Routes: object[];
    };
    priv.Routes.push(
      { DestinationCidrBlock: "52.216.0.0/15", GatewayId: "vpce-s3", State: "active" },
      { DestinationCidrBlock: "9.9.9.0/24", GatewayId: "vpce-gwlb", State: "active" },
    );
    return d;
  };

  it("an interface VPC endpoint saved without its security groups: 3 where a verdict reaches its addresses, else 0", () => {
    const dir = dirOf(withEndpoints());
    const entry =
      "  - vpce-ssm: the security groups of the interface VPC endpoint vpce-ssm (com.amazonaws.us-east-1.ssm) are not in the input (its interface eni-vpce has no Groups, nor has vpce-ssm in describe-vpc-endpoints): whether they let in what reaches 10.0.0.50 is not known";
    // The internet only, the endpoints' routes included: nothing reaches it.
    const whole = cli("aws", "--from-dir", dir);
    expect(whole.stdout).not.toContain("Could not be read");
    expect(whole.code).toBe(0);
    const gateways = cli(
      "aws",
      "--from-dir",
      dir,
      "--ports",
      "tcp/443",
      "--dest",
      "52.216.0.0/15,9.9.9.0/24",
    );
    expect(gateways.stdout).not.toContain("Could not be read");
    expect(gateways.code).toBe(0);
    // eni-app and eni-web reach it; eni-shut's group stops its packets first: its verdict is decided.
    const asked = cli("aws", "--from-dir", dir, "--ports", "tcp/443", "--dest", "10.0.0.0/24");
    expect(asked.stdout).toContain(`${entry} (for eni-app, eni-web)\n`);
    expect(asked.code).toBe(3);
    const json = JSON.parse(
      cli("aws", "--from-dir", dir, "--ports", "tcp/443", "--dest", "10.0.0.0/24", "--json").stdout,
    ) as AuditResult;
    expect(json.unknowns.filter((u) => u.resource === "vpce-ssm")).toHaveLength(1);
    const trace = (src: string, dst: string) => traceIn(dir, src, dst, "tcp", "443");
    const t = trace("eni-app", "10.0.0.50");
    expect(t.stdout).toContain("10.0.0.50 tcp/443: UNKNOWN");
    expect(t.stdout).toContain(`${entry} (for eni-app)\n`);
    expect(t.code).toBe(3);
    const shut = trace("eni-shut", "10.0.0.50");
    expect(shut.stdout).toContain("10.0.0.50 tcp/443: BLOCKED");
    expect(shut.code).toBe(0);
    // A Gateway Load Balancer endpoint's address, and where routes send packets to the other two.
    for (const dst of ["10.0.0.60", "52.216.0.10", "9.9.9.9"]) {
      const other = trace("eni-app", dst);
      expect(other.stdout, dst).not.toContain("Could not be read");
      expect(other.code, dst).toBe(0);
    }
  });

  it("a VPC whose DNS support attribute is missing while another VPC's is saved: 3 where DNS to its resolver is asked", () => {
    const dir = exampleWithoutDnsSupport();
    writeFileSync(
      path.join(dir, "EnableDnsSupport-vpc-0ffff.json"),
      JSON.stringify({ VpcId: "vpc-0ffff", EnableDnsSupport: { Value: true } }),
    );
    const t = cli(
      "aws",
      "trace",
      "--from-dir",
      dir,
      "--src",
      "app-1",
      "--dst",
      "10.20.0.2",
      "--protocol",
      "udp",
      "--port",
      "53",
    );
    expect(t.stdout).toContain("10.20.0.2 udp/53: UNKNOWN");
    expect(t.code).toBe(3);
    const asked = cli("aws", "--from-dir", dir, "--ports", "udp/53", "--dest", "169.254.169.253");
    expect(asked.code).toBe(3);
    expect(asked.stdout).toContain(
      "  - vpc-0a1b2c3d4e5f60001: the DNS support attribute of vpc-0a1b2c3d4e5f60001 is not in the input, though other VPCs' are",
    );
    // Nothing asked of the resolver: complete.
    expect(cli("aws", "--from-dir", dir).code).toBe(0);
  });
});
