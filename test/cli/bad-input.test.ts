// Bad input gets one line naming the file, the JSON path and what was expected; exit code 2; no stack.
import { cpSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AuditResult } from "../../src/core/result.js";
import { cli, type CliRun } from "./run-cli.js";

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "egress-audit-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function expectOneLineError(r: ReturnType<typeof cli>, pattern: RegExp): void {
  expect(r.code).toBe(2);
  expect(r.stdout).toBe("");
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^egress-audit: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

interface ReservationsJson {
  Reservations: { Instances: { NetworkInterfaces: Record<string, unknown>[] }[] }[];
}

/** A copy of the bundled example with one of its files edited. */
function exampleEdited<T>(file: string, edit: (data: T) => void): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "egress-audit-"));
  cpSync("examples/aws-shop", dir, { recursive: true });
  const at = path.join(dir, "us-east-1", file);
  const data = JSON.parse(readFileSync(at, "utf8")) as T;
  edit(data);
  writeFileSync(at, JSON.stringify(data));
  return dir;
}

describe("bad input", () => {
  it("missing directory", () => {
    expectOneLineError(
      cli("aws", "--from-dir", "/nonexistent/egress-audit"),
      /\/nonexistent\/egress-audit: directory not found/,
    );
  });

  it("empty directory", () => {
    expectOneLineError(cli("aws", "--from-dir", dirWith({})), /no \.json or \.yaml files found/);
  });

  it("a folder without any describe output", () => {
    expectOneLineError(
      cli("aws", "--from-dir", dirWith({ "zones.json": '{"AvailabilityZones": []}' })),
      /no aws ec2 describe-\* output found .*; the files hold only AvailabilityZones, which the audit does not read$/,
    );
  });

  it("broken JSON names the file", () => {
    const dir = dirWith({ "r/SecurityGroups.json": '{"SecurityGroups": [ {"GroupId": "sg-1",' });
    expectOneLineError(cli("aws", "--from-dir", dir), /r\/SecurityGroups\.json: invalid JSON: /);
  });

  it("broken JSON spanning lines, with control characters and a newline in the file name: one escaped line", () => {
    const dir = dirWith({ "a\nb.json": '{\n  "Vpcs": [,\u001b[31m]\n}' });
    const r = cli("aws", "--from-dir", dir);
    // V8 gives no position for an unexpected token: the line and column are found for it.
    expectOneLineError(r, /a\\u000ab\.json: invalid JSON: Unexpected token ',', .* \(line 2 column 12\)$/);
    expect(r.stderr).not.toContain("\u001b");
    expect(r.stderr).toContain("\\u001b[31m");
  });

  it("a folder a killed --save-snapshot left is refused: what it holds is incomplete", () => {
    const dir = dirWith({
      "Vpcs.json": '{"Vpcs": []}',
      ".egress-audit-partial-4242/us-east-1/Subnets.json": '{"Subnets": []}',
    });
    expectOneLineError(
      cli("aws", "--from-dir", dir),
      /\.egress-audit-partial-4242: a --save-snapshot that did not finish \(the process was killed\) left this folder/,
    );
  });

  it("a file that is not UTF-8 (Latin-1, say) is an error, not text with replacement characters", () => {
    const dir = dirWith({});
    writeFileSync(
      path.join(dir, "SecurityGroups.json"),
      Buffer.from('{"SecurityGroups":[{"GroupId":"sg-1","GroupName":"caf\u00e9"}]}', "latin1"),
    );
    expectOneLineError(
      cli("aws", "--from-dir", dir),
      /SecurityGroups\.json: cannot read the file as text: it is not UTF-8 text \(nor UTF-16 with a byte-order mark\)/,
    );
  });

  it("UTF-16 without a byte-order mark is an error saying so, also in a flows file", () => {
    const dir = dirWith({});
    writeFileSync(path.join(dir, "Vpcs.json"), Buffer.from('{"Vpcs": []}', "utf16le"));
    expectOneLineError(
      cli("aws", "--from-dir", dir),
      /Vpcs\.json: cannot read the file as text: it is UTF-16 LE text without a byte-order mark \(every other byte is 0\): save it as UTF-8, e\.g\. with iconv -f utf-16le -t utf-8$/,
    );
    writeFileSync(
      path.join(dir, "flows.jsonl"),
      Buffer.from('{"src":"app-1","dst":"8.8.8.8","protocol":"tcp"}\n', "utf16le"),
    );
    expectOneLineError(
      cli("aws", "trace", "--from-dir", "examples/aws-shop", "--flows", path.join(dir, "flows.jsonl")),
      /flows\.jsonl: cannot read the flows file: it is UTF-16 LE text without a byte-order mark/,
    );
  });

  it("a YAML alias bomb is an input error naming the file", () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (const [k, c] of [..."bcdefghi"].entries())
      bomb.push(`${c}: &${c} [${Array(9).fill(`*${"abcdefghi"[k]}`).join(", ")}]`);
    expectOneLineError(
      cli("aws", "--from-dir", dirWith({ "x.yaml": bomb.join("\n") })),
      /x\.yaml: invalid YAML: Excessive alias count indicates a resource exhaustion attack$/,
    );
  });

  /** A copy of the example whose describe-instances lists app-1's interface with `key` set to `value`. */
  const appInterfaceListed = (key: string, value: unknown) =>
    exampleEdited("Reservations.json", (data: ReservationsJson) => {
      const eni = data.Reservations.flatMap((r) => r.Instances.flatMap((i) => i.NetworkInterfaces)).find(
        (e) => e.NetworkInterfaceId === "eni-0a1b2c3d4e5f60104",
      )!;
      eni[key] = value;
    });

  it.each([
    ["SubnetId", "subnet-0a1b2c3d4e5f60011"],
    ["VpcId", "vpc-0a1b2c3d4e5f69999"],
  ])(
    "an interface listed with a different %s by describe-network-interfaces and describe-instances (which never changes)",
    (key, value) => {
      expectOneLineError(
        cli("aws", "--from-dir", appInterfaceListed(key, value)),
        new RegExp(
          `Reservations\\.json: \\$\\.Reservations\\[\\d+\\]\\.Instances\\[0\\]\\.NetworkInterfaces\\[0\\]: eni-0a1b2c3d4e5f60104 is also at .*NetworkInterfaces\\.json \\$\\.NetworkInterfaces\\[\\d+\\] with different ${key}`,
        ),
      );
    },
  );

  it.each([
    ["SourceDestCheck", false],
    [
      "PrivateIpAddresses",
      [{ Primary: true, PrivateIpAddress: "10.20.10.31" }, { PrivateIpAddress: "10.20.10.99" }],
    ],
  ])(
    "an interface listed with different %s by the two calls (which change while it is in use) is read, with a warning",
    (key, value) => {
      // A live run calls them seconds apart: on an EKS account the VPC CNI changes nodes' addresses
      // all the time, and refusing the run would fail a nightly job at random.
      const r = cli("aws", "--from-dir", appInterfaceListed(key, value), "--json");
      expect(r.code).toBe(0);
      const warnings = (JSON.parse(r.stdout) as AuditResult).warnings;
      expect(warnings.filter((w) => w.resource === "eni-0a1b2c3d4e5f60104").map((w) => w.message)).toEqual([
        expect.stringMatching(
          new RegExp(
            `^describe-network-interfaces \\(.*NetworkInterfaces\\.json \\$\\.NetworkInterfaces\\[\\d+\\]\\) and describe-instances \\(.*Reservations\\.json \\$\\.Reservations\\[\\d+\\]\\.Instances\\[0\\]\\.NetworkInterfaces\\[0\\]\\) list different ${key} for it: .*the listing of describe-network-interfaces is used, so re-check this interface's answers$`,
          ),
        ),
      ]);
    },
  );

  it("security groups the two listings give differently are in doubt: only what a group both list allows is allowed", () => {
    // describe-instances lists app-1's interface with another group beside its own (a change between
    // the calls): what only one listing's groups decide is unknown (it read the first listing's, exit 0).
    const both = (extra: string) =>
      appInterfaceListed("Groups", [
        { GroupId: "sg-0a1b2c3d4e5f60082", GroupName: "app" },
        { GroupId: extra, GroupName: "other" },
      ]);
    const { result, about } = incomplete(
      cli("aws", "--from-dir", both("sg-0a1b2c3d4e5f60081"), "--ports", "tcp/443,tcp/80", "--json"),
      "eni-0a1b2c3d4e5f60104",
    );
    expect(about).toEqual([
      expect.stringMatching(
        /^describe-network-interfaces \(.*\) lists security groups sg-0a1b2c3d4e5f60082 for eni-0a1b2c3d4e5f60104, describe-instances \(.*\) sg-0a1b2c3d4e5f60082, sg-0a1b2c3d4e5f60081: saved at different moments, which are current cannot be told$/,
      ),
    ]);
    const app = result.results.filter((e) => e.source.id === "eni-0a1b2c3d4e5f60104");
    // tcp/443: its own group (in both listings) allows it; tcp/80: only the other listing's group might.
    expect(app.map((e) => [e.ports, e.verdict])).toEqual([
      ["80", "unknown"],
      ["443", "allowed"],
    ]);
    expect(app[0]!.reason).toBe(
      "describe-network-interfaces and describe-instances list different security groups for eni-0a1b2c3d4e5f60104 (saved at different moments): what only the groups of one listing allow cannot be told",
    );
  });

  it("an address the two listings give different public IPs is in doubt (unknown, exit 3), not the first listing's", () => {
    // describe-instances lists the bastion's primary address with another public IP (an Elastic IP
    // moved between the calls): which one it sends as cannot be told, as when describe-addresses and
    // the interface listing disagree. (It was allowed from describe-network-interfaces' one, exit 0.)
    const dir = exampleEdited("Reservations.json", (data: ReservationsJson) => {
      const eni = data.Reservations.flatMap((r) => r.Instances.flatMap((i) => i.NetworkInterfaces)).find(
        (e) => e.NetworkInterfaceId === "eni-0a1b2c3d4e5f60101",
      )!;
      eni.PrivateIpAddresses = [
        { Primary: true, PrivateIpAddress: "10.20.0.10", Association: { PublicIp: "3.80.10.77" } },
      ];
    });
    const { result, about } = incomplete(
      cli("aws", "--from-dir", dir, "--ports", "tcp/443", "--json"),
      "eni-0a1b2c3d4e5f60101",
    );
    expect(about).toEqual([
      expect.stringMatching(
        /^describe-network-interfaces \(.*NetworkInterfaces\.json \$\.NetworkInterfaces\[\d+\]\) shows 3\.80\.10\.20 for 10\.20\.0\.10 of eni-0a1b2c3d4e5f60101, describe-instances \(.*Reservations\.json .*\) 3\.80\.10\.77: saved at different moments, which is current cannot be told$/,
      ),
    ]);
    const bastion = result.results.find((e) => e.source.id === "eni-0a1b2c3d4e5f60101")!;
    expect(bastion).toMatchObject({
      verdict: "unknown",
      egressIps: [],
      reason:
        "describe-network-interfaces and describe-instances disagree on the public IP of 10.20.0.10 (saved at different moments), so whether and as what 10.20.0.10 reaches the internet cannot be told",
    });
  });

  it("an interface whose VpcId is not its subnet's VPC", () => {
    // The NAT gateway's interface: describe-instances does not list it, so only the subnet disagrees.
    const dir = exampleEdited(
      "NetworkInterfaces.json",
      (data: { NetworkInterfaces: Record<string, unknown>[] }) => {
        data.NetworkInterfaces[5]!.VpcId = "vpc-0a1b2c3d4e5f69999";
      },
    );
    expectOneLineError(
      cli("aws", "--from-dir", dir),
      /NetworkInterfaces\.json: \$\.NetworkInterfaces\[5\]\.VpcId: eni-0a1b2c3d4e5f600a1 is in vpc-0a1b2c3d4e5f69999, but describe-subnets puts its subnet subnet-\w+ in vpc-0a1b2c3d4e5f60001 /,
    );
  });

  it("a wrong type names the file, the JSON path and what was expected", () => {
    const dir = dirWith({
      "x.json": '{"Subnets":[{"SubnetId":"subnet-1","VpcId":"vpc-1"},{"SubnetId":5,"VpcId":"vpc-1"}]}',
    });
    expectOneLineError(
      cli("aws", "--from-dir", dir),
      /x\.json: \$\.Subnets\[1\]\.SubnetId: expected string, received number$/,
    );
  });

  it("in a YAML file of several documents, names the document", () => {
    const dir = dirWith({
      "x.yaml": "Vpcs:\n  - VpcId: vpc-1\n---\nSubnets:\n  - SubnetId: 5\n    VpcId: vpc-1\n",
    });
    expectOneLineError(
      cli("aws", "--from-dir", dir),
      /x\.yaml \(document 2\): \$\.Subnets\[0\]\.SubnetId: expected string, received number$/,
    );
  });

  it("flags for reading the AWS API next to --from-dir", () => {
    expectOneLineError(
      cli("aws", "--from-dir", "examples/aws-shop", "--region", "eu-west-1", "--all-regions"),
      /--region, --all-regions: for reading the AWS API; with --from-dir the folder decides what is read/,
    );
    const traceArgs = "aws trace --from-dir examples/aws-shop --dst 8.8.8.8 --src".split(" ");
    expectOneLineError(cli(...traceArgs, "app-1", "--profile", "p"), /--profile: for reading the AWS API/);
    // A trace source that --vpc or --cluster leaves out.
    expectOneLineError(
      cli(...traceArgs, "web-1", "--cluster", "shop-eks"),
      /--src "web-1" is eni-\w+ in vpc-\w+, which --vpc or --cluster leaves out$/,
    );
  });

  it("a top-level key that is not a list", () => {
    expectOneLineError(
      cli("aws", "--from-dir", dirWith({ "x.json": '{"Vpcs": {"VpcId": "vpc-1"}}' })),
      /x\.json: \$\.Vpcs: expected an array$/,
    );
  });

  it("a malformed CIDR deep inside a rule", () => {
    const sg = {
      SecurityGroups: [
        {
          GroupId: "sg-1",
          IpPermissionsEgress: [
            { IpProtocol: "tcp", FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: "10.0.0.0/40" }] },
          ],
        },
      ],
    };
    expectOneLineError(
      cli("aws", "--from-dir", dirWith({ "sg.json": JSON.stringify(sg) })),
      /sg\.json: \$\.SecurityGroups\[0\]\.IpPermissionsEgress\[0\]\.IpRanges\[0\]\.CidrIp: not a CIDR block: "10\.0\.0\.0\/40"/,
    );
  });

  it("bad --ports and --dest", () => {
    expectOneLineError(
      cli("aws", "--from-dir", "examples/aws-shop", "--ports", "tcp/70000"),
      /^egress-audit: error: --ports: .*"tcp\/70000"/,
    );
    expectOneLineError(
      cli("aws", "--from-dir", "examples/aws-shop", "--dest", "10.0.0.0/99"),
      /^egress-audit: error: --dest: /,
    );
    // A host address with a block's length is not widened to the block silently.
    expectOneLineError(
      cli("aws", "--from-dir", "examples/aws-shop", "--dest", "internet,10.0.0.1/8"),
      /--dest: 10\.0\.0\.1\/8 has bits set past its prefix length: write 10\.0\.0\.0\/8 for that block, or the address alone for one host$/,
    );
    // An empty item (a value left out) is refused by both, alike.
    expectOneLineError(
      cli("aws", "--from-dir", "examples/aws-shop", "--ports", "tcp/443,,udp/53"),
      /^egress-audit: error: --ports: empty item in port list "tcp\/443,,udp\/53"$/,
    );
    expectOneLineError(
      cli("aws", "--from-dir", "examples/aws-shop", "--dest", "8.8.8.8,,"),
      /^egress-audit: error: --dest: empty item in destination list "8\.8\.8\.8,,"$/,
    );
  });

  it("an unknown trace source, and a broken flows file", () => {
    expectOneLineError(
      cli("aws", "trace", "--from-dir", "examples/aws-shop", "--src", "nobody", "--dst", "1.1.1.1"),
      /--src "nobody": no interface/,
    );
    const dir = dirWith({
      "flows.jsonl":
        '{"src":"app-1","dst":"8.8.8.8","protocol":"tcp","port":443}\n{"src":"app-1","dst":"8.8.8.8","protocol":"tcp","port":"x"}\n',
    });
    expectOneLineError(
      cli("aws", "trace", "--from-dir", "examples/aws-shop", "--flows", path.join(dir, "flows.jsonl")),
      /flows\.jsonl:2: port: expected an integer 0-65535, received string$/,
    );
    // A misspelt key is an error, not a flow on every port.
    writeFileSync(
      path.join(dir, "flows.jsonl"),
      '{"src":"app-1","dst":"8.8.8.8","protocol":"tcp","Port":443}\n',
    );
    expectOneLineError(
      cli("aws", "trace", "--from-dir", "examples/aws-shop", "--flows", path.join(dir, "flows.jsonl")),
      /flows\.jsonl:1: flow: Unrecognized key: "Port" \(a flow has "src", "dst", "protocol", "port" and, for ICMP, "code"\)$/,
    );
    // A line that is not JSON: the line is in the location, the column (of "tcp", where V8 reads the
    // start of "true" and stumbles on its second letter) in the message.
    writeFileSync(path.join(dir, "flows.jsonl"), '\n{"src":"app-1","dst":"8.8.8.8","protocol":tcp}\n');
    expectOneLineError(
      cli("aws", "trace", "--from-dir", "examples/aws-shop", "--flows", path.join(dir, "flows.jsonl")),
      /flows\.jsonl:2: invalid JSON: Unexpected token 'c', .* \(column 43\)$/,
    );
    // A flow that reads but names no source, or no address, is named by its line too (blank lines count).
    const named = dirWith({
      "flows.jsonl":
        '{"src":"app-1","dst":"8.8.8.8","protocol":"tcp","port":443}\n\n{"src":"nobody","dst":"8.8.8.8","protocol":"udp"}\n{"src":"app-1","dst":"8.8.8.888","protocol":"udp"}\n',
    });
    const flowsArgs = [
      "aws",
      "trace",
      "--from-dir",
      "examples/aws-shop",
      "--flows",
      path.join(named, "flows.jsonl"),
    ];
    // Named by the line's key, not the command line's flag.
    expectOneLineError(cli(...flowsArgs), /flows\.jsonl:3: src "nobody": no interface/);
    writeFileSync(
      path.join(named, "flows.jsonl"),
      '{"src":"app-1","dst":"8.8.8.8","protocol":"udp"}\n{"src":"app-1","dst":"8.8.8.888","protocol":"udp"}\n',
    );
    expectOneLineError(cli(...flowsArgs), /flows\.jsonl:2: dst: not an IP address: "8\.8\.8\.888"$/);
    for (const [line, error] of [
      ['"protocol":"tcp","port":443.5', /flows\.jsonl:1: port: expected an integer 0-65535, got 443\.5$/],
      ['"protocol":"gre","port":80', /flows\.jsonl:1: port: gre has no ports; leave port out$/],
      ['"protocol":"icmp","code":4', /flows\.jsonl:1: code: give the message type with port too$/],
      ['"protocol":"icmp","port":3,"code":4.5', /flows\.jsonl:1: code: expected an integer 0-255, got 4\.5$/],
      ['"protocol":"icmp","code":"4"', /flows\.jsonl:1: code: expected an integer 0-255, received string$/],
      ['"port":443', /flows\.jsonl:1: protocol: expected string or number, received undefined$/],
    ] as const) {
      writeFileSync(path.join(named, "flows.jsonl"), `{"src":"app-1","dst":"8.8.8.8",${line}}\n`);
      expectOneLineError(cli(...flowsArgs), error);
    }
  });

  it("a flows line's protocol may be a number, as the protocol's text may", () => {
    const dir = dirWith({
      "flows.jsonl": '{"src":"app-1","dst":"8.8.8.8","protocol":6,"port":443}\n',
      "text.jsonl": '{"src":"app-1","dst":"8.8.8.8","protocol":"6","port":443}\n',
    });
    const trace = (file: string) =>
      cli("aws", "trace", "--from-dir", "examples/aws-shop", "--flows", path.join(dir, file), "--json");
    const number = trace("flows.jsonl");
    expect(number.stderr).toBe("");
    expect(number.code).toBe(0);
    expect(number.stdout).toBe(trace("text.jsonl").stdout);
  });

  it("flags oclif cannot read: one line, not the whole usage", () => {
    expectOneLineError(
      cli("aws", "--from-dir", "examples/aws-shop", "--bogus"),
      /Nonexistent flag: --bogus \(see --help\)$/,
    );
    const trace = "aws trace --from-dir examples/aws-shop --src app-1 --dst 8.8.8.8".split(" ");
    expectOneLineError(
      cli(...trace, "--port", "abc"),
      /Parsing --port Expected an integer but received: abc \(see --help\)$/,
    );
    // A command line naming no command (a typo after the provider) is a usage error like any other.
    expectOneLineError(
      cli("aws", "extra", "--from-dir", "examples/aws-shop"),
      /error: no command 'aws extra'; the commands are 'aws', 'aws trace' \(see --help\)$/,
    );
  });

  it("an empty flag value (a script's unset variable) is a usage error, never the flag left out", () => {
    const empty = /: expected a value, got an empty one \(see --help\)$/;
    // Left out, --from-dir would audit the live account.
    expectOneLineError(cli("aws", "--from-dir", ""), /error: --from-dir: expected a value/);
    expectOneLineError(cli("aws", "--from-dir="), /error: --from-dir: expected a value/);
    for (const flag of ["--save-snapshot", "--cluster", "--vpc", "--ports", "--dest"])
      expectOneLineError(cli("aws", "--from-dir", "examples/aws-shop", flag, ""), empty);
    expectOneLineError(
      cli("aws", "--from-dir", "examples/aws-shop", "--vpc", "vpc-0a1b2c3d4e5f60001", "--vpc", ""),
      /error: --vpc: expected a value/,
    );
    const trace = ["aws", "trace", "--from-dir", "examples/aws-shop"];
    for (const args of [
      ["--src", "", "--dst", "8.8.8.8"],
      ["--src", "app-1", "--dst", ""],
      ["--src", "app-1", "--dst", "8.8.8.8", "--protocol", ""],
      ["--flows", ""],
    ])
      expectOneLineError(
        cli(...trace, ...args),
        new RegExp(`error: ${args[args.indexOf("") - 1]}: expected a value`),
      );
  });

  it("a YAML file whose value holds itself is an input error naming it, also with --save-snapshot", () => {
    const dir = dirWith({ "v.yaml": "Vpcs: &a [ {VpcId: vpc-1, CidrBlock: 10.0.0.0/16, Self: *a} ]\n" });
    const target = path.join(dirWith({}), "snap");
    expectOneLineError(
      cli("aws", "--from-dir", dir, "--save-snapshot", target),
      /v\.yaml: \$\.Vpcs\[0\]\.Self: a YAML alias refers to a node that holds it/,
    );
  });

  it("trace flags that would be silently meaningless", () => {
    const base = "aws trace --from-dir examples/aws-shop --src app-1 --dst 8.8.8.8".split(" ");
    expectOneLineError(
      cli(...base, "--protocol", "gre", "--port", "443"),
      /--port: gre has no ports; leave --port out$/,
    );
    const flows = dirWith({ "f.jsonl": '{"src":"app-1","dst":"8.8.8.8","protocol":"tcp","port":443}\n' });
    expectOneLineError(
      cli(
        "aws",
        "trace",
        "--from-dir",
        "examples/aws-shop",
        "--flows",
        path.join(flows, "f.jsonl"),
        "--protocol",
        "udp",
      ),
      /use either --flows FILE or --src\/--dst\/--protocol\/--port, not both/,
    );
  });

  it("--debug adds the stack", () => {
    const r = cli("aws", "--from-dir", "/nonexistent/egress-audit", "--debug");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});

describe("source selection", () => {
  it("an unknown --vpc is an error listing the VPCs the input has", () => {
    expectOneLineError(
      cli("aws", "--from-dir", "examples/aws-shop", "--vpc", "vpc-nope"),
      /--vpc vpc-nope: not in the input \(it has vpc-0a1b2c3d4e5f60001\)/,
    );
  });
  it("an EKS cluster file without resourcesVpcConfig is an error, not a cluster passed over; another CLI's `cluster` is", () => {
    const dir = dirWith({});
    cpSync("examples/aws-shop", dir, { recursive: true });
    const file = path.join(dir, "us-east-1/EksCluster-shop-eks.json");
    const doc = JSON.parse(readFileSync(file, "utf8")) as { cluster: Record<string, unknown> };
    // Known as EKS's by its ARN (arn:aws:eks:...).
    doc.cluster.ResourcesVpcConfig = doc.cluster.resourcesVpcConfig;
    delete doc.cluster.resourcesVpcConfig;
    writeFileSync(file, JSON.stringify(doc));
    expectOneLineError(
      cli("aws", "--from-dir", dir, "--cluster", "shop-eks"),
      /EksCluster-shop-eks\.json: \$\.cluster\.resourcesVpcConfig: expected a value/,
    );
    // `aws ecs create-cluster` prints a top-level `cluster` too: not EKS output, passed over.
    writeFileSync(
      file,
      '{"cluster": {"clusterName": "shop", "clusterArn": "arn:aws:ecs:us-east-1:111122223333:cluster/shop"}}',
    );
    const r = cli("aws", "--from-dir", dir, "--ports", "tcp/443");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("an unknown --cluster is an error saying how nodes are recognised", () => {
    expectOneLineError(
      cli("aws", "--from-dir", "examples/aws-shop", "--cluster", "nope"),
      /--cluster nope: no nodes of this cluster/,
    );
    // --cluster and --vpc together: the cluster's nodes in those VPCs; none there is a contradiction.
    const dir = dirWith({
      "more/Vpcs.json": '{"Vpcs": [{"VpcId": "vpc-other", "CidrBlock": "10.99.0.0/16"}]}',
    });
    cpSync("examples/aws-shop", dir, { recursive: true });
    expectOneLineError(
      cli("aws", "--from-dir", dir, "--cluster", "shop-eks", "--vpc", "vpc-other"),
      /--cluster shop-eks: none of its nodes is in --vpc vpc-other$/,
    );
  });
});

/** A run that must exit 3 (data missing or in doubt): its result and the unknowns entries about `id`. */
function incomplete(r: CliRun, id: string): { result: AuditResult; about: string[] } {
  expect(r.code).toBe(3);
  const result = JSON.parse(r.stdout) as AuditResult;
  return { result, about: result.unknowns.filter((u) => u.resource === id).map((u) => u.message) };
}
