// `egress-audit aws` against the live API path: the real EC2 client in the real CLI process, talking to
// the wire-level EC2 emulator on 127.0.0.1 that serves the example VPC. Static credentials in the
// environment keep the SDK away from any other credential source.
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startEc2Emulator, type Ec2Emulator } from "../emulators/ec2/index.js";
import { cli, cliAsync } from "./run-cli.js";

const ENV = {
  AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "secret",
  AWS_EC2_METADATA_DISABLED: "true",
  AWS_REGION: "",
  AWS_PROFILE: "",
};
const VPC = "vpc-0a1b2c3d4e5f60001";

let emu: Ec2Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

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
    // ... and the same as auditing the example folder itself.
    expect(parsed(cli("aws", "--from-dir", "examples/aws-shop", "--json").stdout)).toEqual(
      parsed(live.stdout),
    );
    expect(
      emu.requests.some((r) => r.action === "DescribeSecurityGroups" && r.params["Filter.1.Value.1"] === VPC),
    ).toBe(true);
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
});
