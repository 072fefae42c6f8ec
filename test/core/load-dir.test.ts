// What --from-dir reads: every describe file below the folder as users keep them, linked in from
// elsewhere, unpacked from a Mac's zip, or several documents in one YAML file.
import { spawnSync } from "node:child_process";
import {
  closeSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadDir, notRead } from "../../src/core/load-dir.js";
import { CALLS, GAPS_KEY } from "../../src/providers/aws/collect.js";
import { InputError } from "../../src/model/errors.js";
import { cli, ROOT } from "../cli/run-cli.js";

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), "egress-audit-"));
}

function write(file: string, text: string | Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

const names = (dir: string, docs: { file: string }[]): string[] =>
  docs.map((d) => path.relative(dir, d.file));

describe("loadDir", () => {
  it("follows links to files and folders, and reads a folder reached twice once (no loop)", async () => {
    const shared = tmp();
    write(path.join(shared, "Vpcs.json"), '{"Vpcs": []}');
    write(path.join(shared, "more", "Subnets.json"), '{"Subnets": []}');
    const dir = tmp();
    write(path.join(dir, "own", "NetworkAcls.json"), '{"NetworkAcls": []}');
    symlinkSync(path.join(shared, "Vpcs.json"), path.join(dir, "Vpcs.json"));
    symlinkSync(path.join(shared, "more"), path.join(dir, "region"));
    symlinkSync(path.join(shared, "more"), path.join(dir, "same-again"));
    symlinkSync(dir, path.join(dir, "own", "up"));
    const docs = await loadDir(dir);
    expect(names(dir, docs)).toEqual(["Vpcs.json", "own/NetworkAcls.json", "region/Subnets.json"]);
    expect(docs.map((d) => d.data)).toEqual([{ Vpcs: [] }, { NetworkAcls: [] }, { Subnets: [] }]);
  });

  it("a link to nothing named like a describe file is an error naming it; others are passed over", async () => {
    const dir = tmp();
    write(path.join(dir, "Vpcs.json"), '{"Vpcs": []}');
    symlinkSync(path.join(dir, "gone"), path.join(dir, "notes.txt"));
    expect(names(dir, await loadDir(dir))).toEqual(["Vpcs.json"]);
    symlinkSync(path.join(dir, "gone.json"), path.join(dir, "Subnets.json"));
    await expect(loadDir(dir)).rejects.toThrow(InputError);
    await expect(loadDir(dir)).rejects.toThrow(
      `${path.join(dir, "Subnets.json")}: a symbolic link to nothing`,
    );
  });

  it("passes over macOS's AppleDouble '._' files, but not a describe file that happens to be named so", async () => {
    const dir = tmp();
    write(path.join(dir, "Vpcs.json"), '{"Vpcs": []}');
    const appleDouble = Buffer.concat([
      Buffer.from([0x00, 0x05, 0x16, 0x07, 0x00, 0x02, 0x00, 0x00]),
      Buffer.from("Mac OS X        "),
    ]);
    write(path.join(dir, "__MACOSX", "._Vpcs.json"), appleDouble);
    write(path.join(dir, "._Subnets.json"), appleDouble);
    write(path.join(dir, "._NetworkAcls.json"), '{"NetworkAcls": []}');
    const docs = await loadDir(dir);
    expect(names(dir, docs)).toEqual(["._NetworkAcls.json", "Vpcs.json"]);
    // The same bytes under another name are not passed over: they are not describe output.
    write(path.join(dir, "Routes.json"), appleDouble);
    await expect(loadDir(dir)).rejects.toThrow(/Routes\.json: invalid JSON/);
  });

  it("reads each document of a multi-document YAML file, named by its number", async () => {
    const dir = tmp();
    write(path.join(dir, "all.yaml"), "Vpcs: []\n---\n---\nSubnets: []\n");
    write(path.join(dir, "one.yml"), "---\nNetworkAcls: []\n");
    const docs = await loadDir(dir);
    expect(docs).toEqual([
      {
        file: path.join(dir, "all.yaml (document 1)"),
        origin: path.join(dir, "all.yaml"),
        data: { Vpcs: [] },
      },
      {
        file: path.join(dir, "all.yaml (document 2)"),
        origin: path.join(dir, "all.yaml"),
        data: { Subnets: [] },
      },
      { file: path.join(dir, "one.yml"), data: { NetworkAcls: [] } },
    ]);
  });

  it("reads a top-level list of describe outputs (--output yaml-stream's pages) item by item", async () => {
    const dir = tmp();
    write(
      path.join(dir, "sg.yaml"),
      "- NextToken: abc\n  SecurityGroups: [{GroupId: sg-1}]\n- SecurityGroups: [{GroupId: sg-2}]\n",
    );
    write(path.join(dir, "one.json"), '[{"Vpcs": []}]');
    write(path.join(dir, "all.yaml"), "Subnets: []\n---\n- Vpcs: []\n- NetworkAcls: []\n");
    const sg = path.join(dir, "sg.yaml");
    const all = path.join(dir, "all.yaml");
    expect(await loadDir(dir)).toEqual([
      { file: `${all} (document 1)`, origin: all, data: { Subnets: [] } },
      { file: `${all} (document 2, item 1)`, origin: all, data: { Vpcs: [] } },
      { file: `${all} (document 2, item 2)`, origin: all, data: { NetworkAcls: [] } },
      { file: path.join(dir, "one.json (item 1)"), origin: path.join(dir, "one.json"), data: { Vpcs: [] } },
      {
        file: `${sg} (item 1)`,
        origin: sg,
        data: { NextToken: "abc", SecurityGroups: [{ GroupId: "sg-1" }] },
      },
      { file: `${sg} (item 2)`, origin: sg, data: { SecurityGroups: [{ GroupId: "sg-2" }] } },
    ]);
    // A list any of whose items is not describe output stays one (unread) value: see notRead.
    write(path.join(dir, "mixed.yaml"), "- Vpcs: []\n- Zones: []\n");
    expect((await loadDir(dir)).find((d) => d.file.includes("mixed"))).toEqual({
      file: path.join(dir, "mixed.yaml"),
      data: [{ Vpcs: [] }, { Zones: [] }],
    });
  });

  it("a YAML alias bomb is an input error naming the file (and document), not an internal error", async () => {
    const dir = tmp();
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (const [k, c] of [..."bcdefghi"].entries()) {
      const prev = "abcdefghi"[k]!;
      bomb.push(`${c}: &${c} [${Array(9).fill(`*${prev}`).join(", ")}]`);
    }
    write(path.join(dir, "x.yaml"), `${bomb.join("\n")}\n`);
    const err = await loadDir(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(
      `${path.join(dir, "x.yaml")}: invalid YAML: Excessive alias count indicates a resource exhaustion attack`,
    );
    write(path.join(dir, "x.yaml"), `Vpcs: []\n---\n${bomb.join("\n")}\n`);
    await expect(loadDir(dir)).rejects.toThrow(
      `${path.join(dir, "x.yaml (document 2)")}: invalid YAML: Excessive`,
    );
  });

  it("a YAML value that holds itself (an alias to a node around it) is an error naming the document and path", async () => {
    const dir = tmp();
    // Aliases that only repeat a node are read (each use a copy of it, as JSON would say it).
    write(path.join(dir, "a.yaml"), "Vpcs: [&v {VpcId: vpc-1, CidrBlock: 10.0.0.0/16}, *v]\n");
    expect((await loadDir(dir))[0]!.data).toEqual({
      Vpcs: [
        { VpcId: "vpc-1", CidrBlock: "10.0.0.0/16" },
        { VpcId: "vpc-1", CidrBlock: "10.0.0.0/16" },
      ],
    });
    write(
      path.join(dir, "b.yaml"),
      "Subnets: []\n---\nVpcs: &a [ {VpcId: vpc-1, CidrBlock: 10.0.0.0/16, Self: *a} ]\n",
    );
    const err = await loadDir(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe(
      `${path.join(dir, "b.yaml (document 2)")}: $.Vpcs[0].Self: a YAML alias refers to a node that holds it (describe output never contains itself)`,
    );
  });

  it("an empty file (a describe call that failed) is an error naming it", async () => {
    const dir = tmp();
    write(path.join(dir, "Vpcs.json"), '{"Vpcs": []}');
    write(path.join(dir, "SecurityGroups.json"), "\n");
    await expect(loadDir(dir)).rejects.toThrow(
      `${path.join(dir, "SecurityGroups.json")}: the file is empty (a describe call that failed`,
    );
  });

  it("passes over egress-audit's own reports by their first bytes, unread (they can be gigabytes)", async () => {
    const dir = tmp();
    write(path.join(dir, "Vpcs.json"), '{"Vpcs": []}');
    // Only the start of a report: read as a whole it would be broken JSON.
    write(
      path.join(dir, "audit.json"),
      '{\n  "schemaVersion": "1.0",\n  "tool": {\n    "name": "egress-audit",',
    );
    expect(names(dir, await loadDir(dir))).toEqual(["Vpcs.json"]);
  });
});

describe("notRead", () => {
  const doc = (data: unknown, file = "/d/x.json") => ({ file, data });
  const shown = (f: string) => f.replace(/^\/d\//, "");
  const warned = (data: unknown) => notRead([doc(data)], shown);

  it("warns of each file that holds nothing the audit reads, naming it and what it holds", () => {
    expect(warned([{ GroupId: "sg-1" }])).toEqual([
      {
        resource: "x.json",
        message:
          "not read: it holds a bare list (1 item), not the object a describe command prints ({\"SecurityGroups\": [...]}, say; --query 'SecurityGroups[]' saves only the list): save the output without --query",
      },
    ]);
    // Other calls' output: one warning names every such file (a Batfish folder has a dozen per region).
    expect(
      notRead(
        [
          doc({ Zones: [], AvailabilityZones: [] }),
          doc({ DBInstances: [] }, "/d/rds.json"),
          doc({ Vpcs: [] }),
        ],
        shown,
      ),
    ).toEqual([
      {
        resource: "input",
        message:
          "not read: 2 files hold only top-level keys the audit does not read (it reads aws ec2 describe-* output: Vpcs, Subnets, SecurityGroups ...): rds.json (DBInstances), x.json (AvailabilityZones, Zones)",
      },
    ]);
    // Raw get-managed-prefix-list-entries output: which list it is of, only the file name could say.
    expect(warned({ Entries: [{ Cidr: "198.51.100.0/24" }] })[0]!.message).toMatch(
      /^not read: its only top-level key is Entries, .* does not say which prefix list the entries are of \(only the file's name might, .*--query "\{ManagedPrefixLists: \[\{PrefixListId: 'pl-\.\.\.', Entries: Entries\}\]\}"$/,
    );
    expect(warned({})[0]!.message).toBe("not read: it holds an empty object");
    expect(warned("Vpcs")[0]!.message).toBe(
      "not read: it holds a string, not the object a describe command prints",
    );
    expect(warned([])[0]!.message).toMatch(/^not read: it holds a bare list \(0 items\)/);
    // A document of a YAML file is named as one.
    expect(notRead([doc({}, "/d/a.yaml (document 2)")], shown)[0]!.resource).toBe("a.yaml (document 2)");
  });

  it("not for what is read, a call that answered nothing, the collector's own files or a trace report", () => {
    expect(warned({ Vpcs: [] })).toEqual([]);
    expect(warned({ Vpcs: [], Zones: [] })).toEqual([]);
    expect(warned({ cluster: { arn: "arn:aws:eks:us-east-1:1:cluster/c" } })).toEqual([]);
    expect(warned(null)).toEqual([]);
    expect(warned([{ flow: {}, verdict: "allowed" }])).toEqual([]);
    // Every file --save-snapshot writes, read or kept as evidence.
    for (const key of [...CALLS.map((c) => c.key), GAPS_KEY]) expect(warned({ [key]: [] })).toEqual([]);
  });

  it("names them in the report's warnings, as they are inside the folder", () => {
    const dir = tmp();
    cpSync("examples/aws-shop", dir, { recursive: true });
    const sg = path.join(dir, "us-east-1", "SecurityGroups.json");
    const groups = (JSON.parse(readFileSync(sg, "utf8")) as { SecurityGroups: unknown[] }).SecurityGroups;
    writeFileSync(sg, JSON.stringify(groups));
    const r = cli("aws", "--from-dir", dir, "--json");
    expect(r.code).toBe(3);
    expect((JSON.parse(r.stdout) as { warnings: unknown[] }).warnings).toContainEqual({
      resource: "us-east-1/SecurityGroups.json",
      message: expect.stringMatching(/^not read: it holds a bare list \(4 items\)/) as unknown,
    });
    // Saved by --output yaml-stream, it is read.
    rmSync(sg);
    write(path.join(dir, "us-east-1", "SecurityGroups.yaml"), stringify([{ SecurityGroups: groups }]));
    const yaml = cli("aws", "--from-dir", dir, "--json");
    expect(yaml.code).toBe(0);
    expect(JSON.parse(yaml.stdout)).toEqual(
      JSON.parse(cli("aws", "--from-dir", "examples/aws-shop", "--json").stdout),
    );
  });
});

describe("--json into a file inside the folder it reads", () => {
  it("does not read its own output (which the shell has already made, empty)", () => {
    const dir = tmp();
    cpSync("examples/aws-shop", dir, { recursive: true });
    const expected = cli("aws", "--from-dir", "examples/aws-shop", "--json").stdout;
    const report = path.join(dir, "us-east-1", "audit.json");
    for (let night = 1; night <= 2; night++) {
      const fd = openSync(report, "w");
      const r = spawnSync(
        process.execPath,
        [path.join(ROOT, "bin/run.js"), "aws", "--from-dir", dir, "--json"],
        {
          cwd: ROOT,
          stdio: ["ignore", fd, "pipe"],
          encoding: "utf8",
        },
      );
      closeSync(fd);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(readFileSync(report, "utf8")).toBe(expected);
    }
  });
});
