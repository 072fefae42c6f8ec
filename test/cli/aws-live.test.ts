// `egress-audit aws` against the live API path: the real EC2 client in the real CLI process, talking to
// the wire-level EC2 emulator on 127.0.0.1 that serves the example VPC. Static credentials in the
// environment keep the SDK away from any other credential source.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { startEc2Emulator, type Ec2Emulator } from "../emulators/ec2/index.js";
import { startEksEmulator, type EksEmulator } from "../emulators/eks/index.js";
import { cli, cliAsync, ROOT } from "./run-cli.js";

const ENV = {
  AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "secret",
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_REGION: "",
  AWS_PROFILE: "",
};
const VPC = "vpc-0a1b2c3d4e5f60001";

let emu: Ec2Emulator | undefined;
let eks: EksEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  await eks?.close();
  emu = undefined;
  eks = undefined;
});

const CLUSTER = (
  JSON.parse(readFileSync("examples/aws-shop/us-east-1/EksCluster-shop-eks.json", "utf8")) as {
    cluster: Record<string, unknown>;
  }
).cluster;

const parsed = (json: string): unknown => JSON.parse(json);

describe("live AWS collection", () => {
  it("live -> --save-snapshot -> --from-dir gives the same AuditResult", async () => {
    emu = await startEc2Emulator({ dataDir: "examples/aws-shop", pageSize: 2 });
    const snap = path.join(mkdtempSync(path.join(os.tmpdir(), "egress-audit-")), "snap");
    const live = await cliAsync(
      [
        "aws",
        "--vpc",
        VPC,
        "--region",
        "us-east-1",
        "--endpoint-url",
        emu.endpoint,
        "--save-snapshot",
        snap,
        "--json",
      ],
      ENV,
    );
    expect(live.stderr).toBe("");
    expect(live.code).toBe(0);
    const offline = cli("aws", "--from-dir", snap, "--vpc", VPC, "--json");
    expect(offline.code).toBe(0);
    expect(parsed(offline.stdout)).toEqual(parsed(live.stdout));
    // ... and the same as auditing the example folder itself (for that VPC, as the result says).
    expect(parsed(cli("aws", "--from-dir", "examples/aws-shop", "--vpc", VPC, "--json").stdout)).toEqual(
      parsed(live.stdout),
    );
    expect(
      emu.requests.some((r) => r.action === "DescribeSecurityGroups" && r.params["Filter.1.Value.1"] === VPC),
    ).toBe(true);
  });

  it("takes the region from the profile in the shared config file, as the AWS CLI does; none at all is an error", async () => {
    emu = await startEc2Emulator({ dataDir: "examples/aws-shop" });
    const dir = mkdtempSync(path.join(os.tmpdir(), "egress-audit-"));
    const config = path.join(dir, "config");
    writeFileSync(config, "[default]\nregion = us-east-1\n");
    const env = { ...ENV, AWS_DEFAULT_REGION: "", AWS_CONFIG_FILE: config };
    const args = ["aws", "--vpc", VPC, "--endpoint-url", emu.endpoint, "--ports", "tcp/443", "--json"];
    const r = await cliAsync(args, env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { summary: { sources: number } }).summary.sources).toBe(5);
    const none = await cliAsync(args, { ...env, AWS_CONFIG_FILE: path.join(dir, "missing") });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^egress-audit: error: no AWS region: pass --region/);
  });

  it("refuses a --save-snapshot folder that has files before collecting anything, and leaves it alone", async () => {
    emu = await startEc2Emulator({ dataDir: "examples/aws-shop" });
    const snap = mkdtempSync(path.join(os.tmpdir(), "egress-audit-"));
    writeFileSync(path.join(snap, "mine.json"), "{}");
    const args = ["aws", "--vpc", VPC, "--region", "us-east-1", "--endpoint-url", emu.endpoint];
    const r = await cliAsync([...args, "--save-snapshot", snap], ENV);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^egress-audit: error: .*--save-snapshot: the folder exists and is not empty/);
    expect(emu.requests).toEqual([]);
    expect(readdirSync(snap)).toEqual(["mine.json"]);
  });

  it("reads VPC Block Public Access live (one object, and exclusions), saves it, and audits by it", async () => {
    emu = await startEc2Emulator({
      dataDir: "examples/aws-shop",
      pageSize: 2,
      data: {
        VpcBlockPublicAccessOptions: [
          {
            AwsRegion: "us-east-1",
            InternetGatewayBlockMode: "block-bidirectional",
            ExclusionsAllowed: "allowed",
          },
        ],
        VpcBlockPublicAccessExclusions: [
          {
            ExclusionId: "vpcbpa-exclude-1",
            InternetGatewayExclusionMode: "allow-egress",
            ResourceArn: "arn:aws:ec2:us-east-1:111122223333:subnet/subnet-0a1b2c3d4e5f60013",
            State: "create-complete",
          },
        ],
      },
    });
    const snap = path.join(mkdtempSync(path.join(os.tmpdir(), "egress-audit-")), "snap");
    const args = ["aws", "--vpc", VPC, "--region", "us-east-1", "--endpoint-url", emu.endpoint];
    const live = await cliAsync([...args, "--save-snapshot", snap, "--ports", "tcp/443", "--json"], ENV);
    expect(live.stderr).toBe("");
    const result = parsed(live.stdout) as {
      results: { source: { name: string }; verdict: string; blockedBy: { resource: string } | null }[];
    };
    // The bastion's subnet has no exclusion: its direct internet gateway traffic is blocked by the setting.
    const bastion = result.results.find((e) => e.source.name === "bastion")!;
    expect(bastion.verdict).toBe("blocked");
    expect(bastion.blockedBy?.resource).toBe("vpc-block-public-access/us-east-1");
    // The snapshot keeps both, and reads back to the same result.
    const offline = cli("aws", "--from-dir", snap, "--vpc", VPC, "--ports", "tcp/443", "--json");
    expect(parsed(offline.stdout)).toEqual(parsed(live.stdout));
  });

  it("asks each VPC's DNS support and the instances' metadata options live, saves them, and traces by them", async () => {
    emu = await startEc2Emulator({
      dataDir: "examples/aws-shop",
      data: { EnableDnsSupport: [{ VpcId: VPC, EnableDnsSupport: { Value: false } }] },
    });
    const snap = path.join(mkdtempSync(path.join(os.tmpdir(), "egress-audit-")), "snap");
    const flow = [
      "--src",
      "web-1",
      "--dst",
      "169.254.169.253",
      "--protocol",
      "udp",
      "--port",
      "53",
      "--json",
    ];
    const args = ["aws", "trace", "--vpc", VPC, "--region", "us-east-1", "--endpoint-url", emu.endpoint];
    const live = await cliAsync([...args, "--save-snapshot", snap, ...flow], ENV);
    expect(live.stderr).toBe("");
    expect(live.code).toBe(0);
    expect(parsed(live.stdout)).toMatchObject([
      { verdict: "blocked", blockedBy: { resource: VPC, kind: "vpc", rule: "enableDnsSupport" } },
    ]);
    expect(
      emu.requests.filter((r) => r.action === "DescribeVpcAttribute").map((r) => r.params),
    ).toMatchObject([{ VpcId: VPC, Attribute: "enableDnsSupport" }]);
    const offline = cli("aws", "trace", "--from-dir", snap, ...flow);
    expect(parsed(offline.stdout)).toEqual(parsed(live.stdout));
    // The instance metadata service, by each instance's metadata options as the API returned them:
    // web-1 has the defaults, db-1 has it turned off.
    for (const [src, verdict] of [
      ["web-1", "allowed"],
      ["db-1", "blocked"],
    ] as const)
      expect(
        parsed(
          cli(
            "aws",
            "trace",
            "--from-dir",
            snap,
            "--src",
            src,
            "--dst",
            "169.254.169.254",
            "--port",
            "80",
            "--json",
          ).stdout,
        ),
      ).toMatchObject([{ verdict }]);
  });

  it("Block Public Access that cannot be read leaves internet gateway traffic unknown, exit code 3", async () => {
    emu = await startEc2Emulator({
      dataDir: "examples/aws-shop",
      deny: ["DescribeVpcBlockPublicAccessOptions"],
    });
    const args = ["aws", "--vpc", VPC, "--region", "us-east-1", "--endpoint-url", emu.endpoint];
    const live = await cliAsync([...args, "--ports", "tcp/443", "--json"], ENV);
    expect(live.code).toBe(3);
    const result = parsed(live.stdout) as {
      results: { source: { name: string }; verdict: string; reason: string | null }[];
    };
    const bastion = result.results.find((e) => e.source.name === "bastion")!;
    expect(bastion.verdict).toBe("unknown");
    expect(bastion.reason).toMatch(/VPC Block Public Access could not be read/);
  });

  it("a region without Block Public Access (InvalidAction) is not missing data: it cannot be on there", async () => {
    emu = await startEc2Emulator({
      dataDir: "examples/aws-shop",
      fail: {
        DescribeVpcBlockPublicAccessOptions: { status: 400, code: "InvalidAction" },
        DescribeVpcBlockPublicAccessExclusions: { status: 400, code: "UnsupportedOperation" },
      },
    });
    const args = ["aws", "--vpc", VPC, "--region", "us-east-1", "--endpoint-url", emu.endpoint];
    const live = await cliAsync([...args, "--ports", "tcp/443", "--json"], ENV);
    expect(live.stderr).toBe("");
    expect(live.code).toBe(0);
    const result = parsed(live.stdout) as { results: { source: { name: string }; verdict: string }[] };
    expect(result.results.find((e) => e.source.name === "bastion")!.verdict).toBe("allowed");
  });

  it("a denied call does not abort: its resources become unknown, named by IAM action, exit code 3", async () => {
    emu = await startEc2Emulator({ dataDir: "examples/aws-shop", deny: ["DescribeNetworkAcls"] });
    const r = await cliAsync(
      [
        "aws",
        "--vpc",
        VPC,
        "--region",
        "us-east-1",
        "--endpoint-url",
        emu.endpoint,
        "--json",
        "--ports",
        "tcp/443",
      ],
      ENV,
    );
    expect(r.code).toBe(3);
    const result = JSON.parse(r.stdout) as {
      unknowns: { message: string }[];
      results: { verdict: string; reason: string | null; source: { name: string } }[];
    };
    expect(
      result.unknowns.some((u) =>
        /ec2:DescribeNetworkAcls failed in us-east-1 \(UnauthorizedOperation/.test(u.message),
      ),
    ).toBe(true);
    const app = result.results.find((e) => e.source.name === "app-1")!;
    expect(app.verdict).toBe("unknown");
    expect(app.reason).toMatch(/ec2:DescribeNetworkAcls/);
    // Every path out crosses a subnet boundary, whose NACL is now unknown: nothing may be called allowed.
    expect(result.results.every((e) => e.verdict !== "allowed")).toBe(true);
  });

  it("no credentials reachable at all: one line, exit code 2", async () => {
    emu = await startEc2Emulator({ dataDir: "examples/aws-shop", rejectCredentials: true });
    const r = await cliAsync(
      ["aws", "--vpc", VPC, "--region", "us-east-1", "--endpoint-url", emu.endpoint],
      ENV,
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^egress-audit: error: /);
  });

  it("--cluster finds the EKS cluster's VPC and audits its nodes only; the snapshot keeps the cluster", async () => {
    emu = await startEc2Emulator({ dataDir: "examples/aws-shop" });
    eks = await startEksEmulator({ clusters: [CLUSTER] });
    const snap = path.join(mkdtempSync(path.join(os.tmpdir(), "egress-audit-")), "snap");
    const r = await cliAsync(
      [
        "aws",
        "--cluster",
        "shop-eks",
        "--region",
        "us-east-1",
        "--endpoint-url",
        emu.endpoint,
        "--save-snapshot",
        snap,
        "--json",
        "--ports",
        "tcp/443",
      ],
      { ...ENV, AWS_ENDPOINT_URL_EKS: eks.endpoint },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(eks.requests).toEqual(["GET /clusters/shop-eks"]);
    // The cluster's VPC scoped the EC2 calls.
    expect(
      emu.requests.some((q) => q.action === "DescribeSubnets" && q.params["Filter.1.Value.1"] === VPC),
    ).toBe(true);
    const result = JSON.parse(r.stdout) as { results: { source: { name: string } }[] };
    expect([...new Set(result.results.map((e) => e.source.name))]).toEqual(["app-1"]);
    const offline = cli("aws", "--from-dir", snap, "--cluster", "shop-eks", "--json", "--ports", "tcp/443");
    expect(parsed(offline.stdout)).toEqual(parsed(r.stdout));
  });

  it("--cluster without eks:DescribeCluster permission: one line naming the action, exit code 2", async () => {
    emu = await startEc2Emulator({ dataDir: "examples/aws-shop" });
    eks = await startEksEmulator({ clusters: [CLUSTER], deny: true });
    const r = await cliAsync(
      ["aws", "--cluster", "shop-eks", "--region", "us-east-1", "--endpoint-url", emu.endpoint],
      {
        ...ENV,
        AWS_ENDPOINT_URL_EKS: eks.endpoint,
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^egress-audit: error: eks:DescribeCluster for shop-eks in us-east-1 failed: AccessDeniedException/,
    );
  });
});

describe("Ctrl-C during a live collection on a terminal", () => {
  // A terminal is needed for the progress bar: Python's pty module gives the CLI one. Without python3
  // on the machine there is no way to make one here, and the test says so instead of passing.
  const python = spawnSync("python3", ["-c", "import pty"]).status === 0;

  it.runIf(python)("gives the terminal its cursor back and exits 130", async () => {
    // An endpoint that accepts connections and never answers: the collection waits until interrupted.
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const driver = `
import os, pty, select, signal, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b""
def read(until):
    global out
    while time.time() < until:
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                d = os.read(fd, 65536)
            except OSError:
                return False
            if not d:
                return False
            out += d
            if b"collecting" in out and not sent[0]:
                return True
    return True
sent = [False]
read(time.time() + 30)
os.kill(pid, signal.SIGINT)
sent[0] = True
read(time.time() + 10)
_, status = os.waitpid(pid, 0)
sys.stdout.write(str(os.waitstatus_to_exitcode(status)) + " " + ("shown" if b"\\x1b[?25h" in out.split(b"collecting", 1)[-1] else "hidden"))
`;
    const r = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        "python3",
        [
          "-c",
          driver,
          process.execPath,
          path.join(ROOT, "bin/run.js"),
          "aws",
          "--region",
          "us-east-1",
          "--endpoint-url",
          `http://127.0.0.1:${port}`,
        ],
        { env: { ...process.env, ...ENV } },
      );
      let out = "";
      child.stdout.on("data", (b: Buffer) => (out += b.toString()));
      child.on("error", reject);
      child.on("close", () => resolve(out));
    });
    silent.close();
    expect(r).toBe("130 shown");
  });
});
