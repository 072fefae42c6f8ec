// `egress-audit aws` against the live API path: the real EC2 client in the real CLI process, talking to
// the wire-level EC2 emulator on 127.0.0.1 that serves the example VPC. Static credentials in the
// environment keep the SDK away from any other credential source.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
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

/** A live run of the example VPC against the emulator, --json, tcp/443. */
const liveVpc = (e: Ec2Emulator): string[] => [
  "aws",
  "--vpc",
  VPC,
  "--region",
  "us-east-1",
  "--endpoint-url",
  e.endpoint,
  "--json",
  "--ports",
  "tcp/443",
];

const VPC_B = "vpc-0b0000000000000002";
const ENI_B = "eni-0b000000000000201";

/**
 * The example account with a second VPC, B, and a second interface of app-1 (an instance of the
 * example's VPC) in B's subnet (a multi-VPC attachment), with an Elastic IP; B has its own route
 * table, network ACL and security group.
 */
function multiVpcFolder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "egress-audit-"));
  cpSync("examples/aws-shop", dir, { recursive: true });
  const file = (key: string) => path.join(dir, "us-east-1", `${key}.json`);
  const add = (key: string, items: unknown[]) => {
    const doc = JSON.parse(readFileSync(file(key), "utf8")) as Record<string, unknown[]>;
    doc[key] = [...(doc[key] ?? []), ...items];
    writeFileSync(file(key), JSON.stringify(doc));
  };
  const eni = {
    NetworkInterfaceId: ENI_B,
    SubnetId: "subnet-0b000000000000021",
    VpcId: VPC_B,
    PrivateIpAddress: "10.30.1.10",
    PrivateIpAddresses: [
      { Primary: true, PrivateIpAddress: "10.30.1.10", Association: { PublicIp: "198.51.100.30" } },
    ],
    Association: { PublicIp: "198.51.100.30" },
    Groups: [{ GroupId: "sg-0b000000000000021", GroupName: "b" }],
    InterfaceType: "interface",
    Status: "in-use",
    Attachment: {
      InstanceId: "i-0a1b2c3d4e5f60094",
      DeviceIndex: 1,
      NetworkCardIndex: 0,
      Status: "attached",
    },
  };
  const reservations = JSON.parse(readFileSync(file("Reservations"), "utf8")) as {
    Reservations: { Instances: { InstanceId: string; NetworkInterfaces: unknown[] }[] }[];
  };
  for (const r of reservations.Reservations)
    for (const i of r.Instances) if (i.InstanceId === "i-0a1b2c3d4e5f60094") i.NetworkInterfaces.push(eni);
  writeFileSync(file("Reservations"), JSON.stringify(reservations));
  add("NetworkInterfaces", [eni]);
  add("Vpcs", [{ VpcId: VPC_B, CidrBlock: "10.30.0.0/16", State: "available" }]);
  add("Subnets", [{ SubnetId: "subnet-0b000000000000021", VpcId: VPC_B, CidrBlock: "10.30.1.0/24" }]);
  add("RouteTables", [
    {
      RouteTableId: "rtb-0b000000000000021",
      VpcId: VPC_B,
      Associations: [{ Main: true, AssociationState: { State: "associated" } }],
      Routes: [{ DestinationCidrBlock: "10.30.0.0/16", GatewayId: "local", State: "active" }],
    },
  ]);
  const rule = (Egress: boolean) => ({
    CidrBlock: "0.0.0.0/0",
    Egress,
    Protocol: "-1",
    RuleAction: "allow",
    RuleNumber: 100,
  });
  add("NetworkAcls", [
    {
      NetworkAclId: "acl-0b000000000000021",
      VpcId: VPC_B,
      IsDefault: true,
      Associations: [{ SubnetId: "subnet-0b000000000000021" }],
      Entries: [rule(true), rule(false)],
    },
  ]);
  add("SecurityGroups", [
    {
      GroupId: "sg-0b000000000000021",
      GroupName: "b",
      VpcId: VPC_B,
      IpPermissions: [],
      IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
    },
  ]);
  add("Addresses", [
    {
      AllocationId: "eipalloc-0b000000000000021",
      AssociationId: "eipassoc-0b000000000000021",
      Domain: "vpc",
      NetworkInterfaceId: ENI_B,
      PrivateIpAddress: "10.30.1.10",
      PublicIp: "198.51.100.30",
      PublicIpv4Pool: "amazon",
    },
  ]);
  return dir;
}

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
            State: "update-complete",
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
    const r = await cliAsync(liveVpc(emu), ENV);
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

  it("--cluster asks each of the run's regions: a cluster in the second --region is found there", async () => {
    emu = await startEc2Emulator({ dataDir: "examples/aws-shop", region: "us-east-1" });
    eks = await startEksEmulator({ clusters: [CLUSTER] }); // its arn puts it in us-east-1
    const args = [
      "aws",
      "--cluster",
      "shop-eks",
      "--endpoint-url",
      emu.endpoint,
      "--json",
      "--ports",
      "tcp/443",
    ];
    const env = { ...ENV, AWS_ENDPOINT_URL_EKS: eks.endpoint };
    const r = await cliAsync([...args, "--region", "eu-west-1", "--region", "us-east-1"], env);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect([...eks.regions].sort()).toEqual(["eu-west-1", "us-east-1"]);
    const result = JSON.parse(r.stdout) as { results: { source: { name: string } }[] };
    expect([...new Set(result.results.map((e) => e.source.name))]).toEqual(["app-1"]);
    // Found nowhere: one line naming the regions asked.
    const none = await cliAsync([...args, "--region", "eu-west-1", "--region", "ap-south-1"], env);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      "egress-audit: error: --cluster shop-eks: no EKS cluster of that name in eu-west-1, ap-south-1 (eks:DescribeCluster answered ResourceNotFoundException)\n",
    );
  });

  it("--cluster found in two regions is refused, naming both; a region that refuses the call is passed over only once it is found in another", async () => {
    emu = await startEc2Emulator({ dataDir: "examples/aws-shop", region: "us-east-1" });
    const twin = { ...CLUSTER, arn: String(CLUSTER.arn).replace("us-east-1", "eu-west-1") };
    eks = await startEksEmulator({ clusters: [CLUSTER, twin] });
    const args = ["aws", "--cluster", "shop-eks", "--endpoint-url", emu.endpoint, "--region", "eu-west-1"];
    const env = { ...ENV, AWS_ENDPOINT_URL_EKS: eks.endpoint };
    const both = await cliAsync([...args, "--region", "us-east-1"], env);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe(
      "egress-audit: error: --cluster shop-eks: an EKS cluster of that name is in each of eu-west-1, us-east-1: pass --region to say which\n",
    );
    await eks.close();
    eks = await startEksEmulator({ clusters: [CLUSTER], deny: ["eu-west-1"] });
    const denied = await cliAsync([...args, "--region", "us-east-1"], {
      ...ENV,
      AWS_ENDPOINT_URL_EKS: eks.endpoint,
    });
    // Found in us-east-1 alone: eu-west-1's refusal (an organisation policy denying regions it does not
    // use, say) is not needed.
    expect(denied.code).toBe(0);
    expect(denied.stdout).toMatch(/--cluster shop-eks/);
    // Not found anywhere, a refusal may hide it: an error naming it.
    const nowhere = await cliAsync([...args, "--region", "us-west-2"], {
      ...ENV,
      AWS_ENDPOINT_URL_EKS: eks.endpoint,
    });
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(
      /^egress-audit: error: eks:DescribeCluster for shop-eks in eu-west-1 failed: AccessDeniedException: .*\n$/,
    );
  });

  it("a scoped run does not warn about the Elastic IPs of interfaces outside its VPCs; an unscoped one does", async () => {
    const elsewhere = {
      AllocationId: "eipalloc-0e0000000000000e1",
      AssociationId: "eipassoc-0e0000000000000e1",
      Domain: "vpc",
      NetworkInterfaceId: "eni-0e0000000000000e1",
      PrivateIpAddress: "10.99.0.5",
      PublicIp: "198.51.100.77",
      PublicIpv4Pool: "amazon",
    };
    emu = await startEc2Emulator({ dataDir: "examples/aws-shop", data: { Addresses: [elsewhere] } });
    const snap = path.join(mkdtempSync(path.join(os.tmpdir(), "egress-audit-")), "snap");
    const scoped = await cliAsync([...liveVpc(emu), "--save-snapshot", snap], ENV);
    expect(scoped.code).toBe(0);
    const warnings = (json: string) => (JSON.parse(json) as { warnings: { message: string }[] }).warnings;
    expect(warnings(scoped.stdout).filter((w) => w.message.includes("198.51.100.77"))).toEqual([]);
    // The snapshot keeps the VPC's own Elastic IP, and reads back to the same result.
    const saved = JSON.parse(readFileSync(path.join(snap, "us-east-1/Addresses.json"), "utf8")) as {
      Addresses: { PublicIp: string }[];
    };
    expect(saved.Addresses.map((a) => a.PublicIp)).toEqual(["203.0.113.10"]);
    expect(
      parsed(cli("aws", "--from-dir", snap, "--vpc", VPC, "--json", "--ports", "tcp/443").stdout),
    ).toEqual(parsed(scoped.stdout));
    const all = await cliAsync(
      liveVpc(emu).filter((a) => a !== "--vpc" && a !== VPC),
      ENV,
    );
    expect(warnings(all.stdout).map((w) => w.message)).toContain(
      "Elastic IP 198.51.100.77 is associated with an interface not in the input",
    );
  });

  it("--vpc whose VPC listing was denied: whether it exists cannot be told, listed under unknowns, exit code 3", async () => {
    emu = await startEc2Emulator({ dataDir: "examples/aws-shop", deny: ["DescribeVpcs", "DescribeSubnets"] });
    const r = await cliAsync(liveVpc(emu), ENV);
    expect(r.code).toBe(3);
    const result = JSON.parse(r.stdout) as { unknowns: { resource: string; message: string }[] };
    expect(result.unknowns.find((u) => u.resource === VPC)?.message).toMatch(
      /^--vpc vpc-0a1b2c3d4e5f60001: whether it exists cannot be told: the VPCs could not be listed \(ec2:DescribeVpcs failed in us-east-1 \(UnauthorizedOperation: /,
    );
    // A VPC the listing does not have, when it could be read: the regions looked in are named.
    await emu.close();
    emu = await startEc2Emulator({ dataDir: "examples/aws-shop" });
    const missing = await cliAsync(
      [
        "aws",
        "--region",
        "us-east-1",
        "--region",
        "eu-west-1",
        "--endpoint-url",
        emu.endpoint,
        "--vpc",
        "vpc-0fff",
      ],
      ENV,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /^egress-audit: error: --vpc vpc-0fff: not found in us-east-1, eu-west-1\n$/,
    );
  });

  it("describe-network-interfaces denied: the unknowns say that only instances' interfaces were audited", async () => {
    emu = await startEc2Emulator({ dataDir: "examples/aws-shop", deny: ["DescribeNetworkInterfaces"] });
    const r = await cliAsync(liveVpc(emu), ENV);
    expect(r.code).toBe(3);
    const result = JSON.parse(r.stdout) as { unknowns: { resource: string; message: string }[] };
    expect(result.unknowns.map((u) => u.message)).toContainEqual(
      expect.stringMatching(
        /^only instances' interfaces \(from describe-instances\) were audited: interfaces attached to no instance .* \(ec2:DescribeNetworkInterfaces failed in us-east-1 \(UnauthorizedOperation/,
      ),
    );
  });

  it("an instance with an interface in a second VPC: each --vpc gets its own interfaces, as offline", async () => {
    const dir = multiVpcFolder();
    emu = await startEc2Emulator({ dataDir: dir });
    const flags = ["--json", "--ports", "tcp/443,udp/53"];
    const keep = (json: string) => {
      const r = JSON.parse(json) as Record<string, unknown>;
      return { results: r.results, unknowns: r.unknowns, warnings: r.warnings };
    };
    for (const vpc of [VPC, VPC_B]) {
      const live = await cliAsync(
        ["aws", "--vpc", vpc, "--region", "us-east-1", "--endpoint-url", emu.endpoint, ...flags],
        ENV,
      );
      const offline = cli("aws", "--from-dir", dir, "--vpc", vpc, ...flags);
      expect(live.stderr, vpc).toBe("");
      expect(offline.code, vpc).toBe(0);
      expect(live.code, vpc).toBe(0);
      expect(keep(live.stdout), vpc).toEqual(keep(offline.stdout));
    }
    // The instance is in VPC A: asked by the VPC of its interfaces too, it is found from VPC B.
    expect(
      emu.requests.some(
        (q) =>
          q.action === "DescribeInstances" &&
          q.params["Filter.1.Name"] === "network-interface.vpc-id" &&
          q.params["Filter.1.Value.1"] === VPC_B,
      ),
    ).toBe(true);
    const b = JSON.parse(cli("aws", "--from-dir", dir, "--vpc", VPC_B, ...flags).stdout) as {
      results: { source: { id: string } }[];
    };
    expect([...new Set(b.results.map((e) => e.source.id))]).toEqual([ENI_B]);
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
