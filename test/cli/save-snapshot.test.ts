// --save-snapshot of a --from-dir run: the snapshot is the audit's evidence, so it must read back to the
// same audit whatever the folder held, and it never touches a folder the user already has.
import {
  chmodSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { distinctPaths, saveSnapshot } from "../../src/core/save-snapshot.js";
import { cli } from "./run-cli.js";

const EXAMPLE = "examples/aws-shop/us-east-1";

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), "egress-audit-"));
}

function read(file: string): unknown {
  return JSON.parse(readFileSync(path.join(EXAMPLE, file), "utf8"));
}

describe("--save-snapshot with --from-dir", () => {
  it("keeps every file when two would get one name (JSON and YAML of one stem, names differing in case)", () => {
    const dir = tmp();
    cpSync(EXAMPLE, dir, { recursive: true });
    // The network ACLs as YAML beside SecurityGroups.json, the subnets as two files whose names differ
    // in case only, and the route tables as a multi-document YAML file: each is saved as JSON.
    rmSync(path.join(dir, "NetworkAcls.json"));
    writeFileSync(path.join(dir, "SecurityGroups.yaml"), stringify(read("NetworkAcls.json")));
    const subnets = (read("Subnets.json") as { Subnets: unknown[] }).Subnets;
    rmSync(path.join(dir, "Subnets.json"));
    writeFileSync(path.join(dir, "subnets.json"), JSON.stringify({ Subnets: subnets.slice(0, 1) }));
    writeFileSync(path.join(dir, "Subnets.JSON"), JSON.stringify({ Subnets: subnets.slice(1) }));
    const tables = (read("RouteTables.json") as { RouteTables: unknown[] }).RouteTables;
    rmSync(path.join(dir, "RouteTables.json"));
    writeFileSync(
      path.join(dir, "RouteTables.yml"),
      tables.map((t) => stringify({ RouteTables: [t] })).join("---\n"),
    );
    const original = cli("aws", "--from-dir", dir, "--json");
    expect(original.stderr).toBe("");
    expect(original.code).toBe(0);

    const snap = path.join(tmp(), "snap");
    const saved = cli("aws", "--from-dir", dir, "--save-snapshot", snap, "--json");
    expect(saved.code).toBe(0);
    expect(saved.stdout).toBe(original.stdout);
    const names = readdirSync(snap);
    expect(names.filter((n) => /^securitygroups/i.test(n)).sort()).toEqual([
      "SecurityGroups-2.json",
      "SecurityGroups.json",
    ]);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    expect(cli("aws", "--from-dir", snap, "--json").stdout).toBe(original.stdout);
  });

  it("refuses a folder that exists and is not empty, and leaves it as it was", () => {
    const snap = tmp();
    writeFileSync(path.join(snap, "notes.txt"), "mine");
    const r = cli("aws", "--from-dir", "examples/aws-shop", "--save-snapshot", snap);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^egress-audit: error: .*the folder exists and is not empty/);
    expect(readdirSync(snap)).toEqual(["notes.txt"]);
    expect(readFileSync(path.join(snap, "notes.txt"), "utf8")).toBe("mine");
  });

  it("refuses a file, and leaves it as it was", () => {
    const file = path.join(tmp(), "evidence.txt");
    writeFileSync(file, "mine");
    const r = cli("aws", "--from-dir", "examples/aws-shop", "--save-snapshot", file);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^egress-audit: error: .*--save-snapshot: this is a file, not a folder/);
    expect(readFileSync(file, "utf8")).toBe("mine");
    // A folder that cannot be made (under that file): one line too, nothing left behind.
    const under = cli("aws", "--from-dir", "examples/aws-shop", "--save-snapshot", path.join(file, "snap"));
    expect(under.code).toBe(2);
    expect(under.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(under.stderr).toMatch(
      /^egress-audit: error: .*--save-snapshot: cannot write the snapshot: ENOTDIR/,
    );
    expect(readdirSync(path.dirname(file))).toEqual(["evidence.txt"]);
  });

  it("fills an empty folder that exists, keeping the folder itself (a mount point cannot be replaced)", () => {
    const snap = tmp();
    chmodSync(snap, 0o750);
    const before = statSync(snap);
    const r = cli("aws", "--from-dir", "examples/aws-shop", "--save-snapshot", snap, "--json");
    expect(r.code).toBe(0);
    expect(readdirSync(snap)).toEqual(["us-east-1"]);
    const after = statSync(snap);
    expect([after.ino, after.mode]).toEqual([before.ino, before.mode]);
    expect(cli("aws", "--from-dir", snap, "--json").stdout).toBe(r.stdout);
  });
});

describe("reports of one snapshot kept in different folders", () => {
  it("are byte-identical: messages name input files by their path inside the folder", () => {
    const copy = (dir: string): string => {
      cpSync("examples/aws-shop", dir, { recursive: true });
      // A rule AWS would not print: its warning names the file and JSON path.
      const file = path.join(dir, "us-east-1", "SecurityGroups.json");
      const doc = JSON.parse(readFileSync(file, "utf8")) as {
        SecurityGroups: { IpPermissionsEgress: object[] }[];
      };
      doc.SecurityGroups[0]!.IpPermissionsEgress.push({
        IpProtocol: "tcp",
        FromPort: 8000,
        ToPort: -1,
        IpRanges: [{ CidrIp: "0.0.0.0/0" }],
      });
      writeFileSync(file, JSON.stringify(doc));
      return dir;
    };
    const one = cli("aws", "--from-dir", copy(path.join(tmp(), "2026-11-26")), "--json");
    const other = cli("aws", "--from-dir", copy(path.join(tmp(), "evidence", "2026-11-27")), "--json");
    expect(one.code).toBe(0);
    expect(other.stdout).toBe(one.stdout);
    expect((JSON.parse(one.stdout) as { warnings: { message: string }[] }).warnings[0]!.message).toMatch(
      /\(us-east-1\/SecurityGroups\.json \$\.SecurityGroups\[0\]\.IpPermissionsEgress\[\d+\]\)$/,
    );
  });
});

describe("saveSnapshot", () => {
  it("never removes what someone else puts in the folder while it saves", async () => {
    for (const name of ["us-east-1", "notes.txt"]) {
      const snap = tmp();
      const saving = saveSnapshot(snap, [{ path: "us-east-1/Vpcs.json", data: { Vpcs: [] } }]);
      // Whether it lands before the check or during the writes, the save stops and the file stays.
      writeFileSync(path.join(snap, name), "mine");
      await expect(saving).rejects.toThrow(/--save-snapshot: /);
      expect(readdirSync(snap)).toEqual([name]);
      expect(readFileSync(path.join(snap, name), "utf8")).toBe("mine");
    }
  });
});

describe("distinctPaths", () => {
  it("suffixes a later path that would land on an earlier one, case-insensitively", () => {
    expect(
      distinctPaths(["a/X.json", "a/x.json", "a/X.json", "a/x-2.json", "b/X.json", "a/./y.json"]),
    ).toEqual(["a/X.json", "a/x-2.json", "a/X-3.json", "a/x-2-2.json", "b/X.json", "a/y.json"]);
  });
});
