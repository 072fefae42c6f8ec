// Messages about input that was not saved name the command that saves it (as the live collector's
// name the IAM action of the call that failed), from one table that stays in step with the collector.
import { describe, expect, it } from "vitest";
import { CALLS, FOLLOW_UP_CALLS } from "../../../src/providers/aws/collect.js";
import { awsModel } from "../../../src/providers/aws/index.js";
import { AWS_KEYS } from "../../../src/providers/aws/raw.js";
import { saveCommand, type SavedKey } from "../../../src/providers/aws/save-commands.js";
import { docsOf, tinyVpc } from "./tiny-vpc.js";

const kebab = (call: string) => call.replace(/(?<!^)([A-Z])/g, "-$1").toLowerCase();
const isSaved = (key: string): key is SavedKey => key in AWS_KEYS && key !== "EgressAuditCollectionGaps";

describe("save commands", () => {
  it("name the CLI form of the operation the live collector calls for each key", () => {
    const collected = CALLS.filter((c) => isSaved(c.key));
    expect(collected.length).toBeGreaterThan(10);
    for (const c of collected) expect(saveCommand(c.key as SavedKey)).toBe(`aws ec2 ${kebab(c.call)}`);
    for (const [key, call] of [
      ["EnableDnsSupport", "DescribeVpcAttribute"],
      ["InstanceTypes", "DescribeInstanceTypes"],
    ] as const) {
      expect(FOLLOW_UP_CALLS).toContain(call);
      expect(saveCommand(key).startsWith(`aws ec2 ${kebab(call)}`)).toBe(true);
    }
  });

  // Each key the tiny VPC holds, left out in turn: every unknown and warning saying it is not in the
  // input names the command to run, never only the key ("describe output for it was not provided").
  const keys = Object.keys(tinyVpc()).filter(isSaved);
  it.each(keys)("an input without %s: the messages name the command to save it", (key) => {
    const d = tinyVpc();
    delete d[key];
    const m = awsModel(docsOf(d), "test");
    const notes = [...m.unknowns, ...m.warnings].filter((n) => n.message.includes(`no ${key} in the input`));
    for (const n of notes) expect(n.message).toContain(`(${saveCommand(key)} was not saved)`);
    if (["RouteTables", "NetworkAcls"].includes(key)) expect(notes.length).toBeGreaterThan(0);
  });

  it("an input without NetworkAcls: the subnets' ACLs are unknown, naming aws ec2 describe-network-acls", () => {
    const d = tinyVpc();
    delete d.NetworkAcls;
    const m = awsModel(docsOf(d), "test");
    expect(m.unknowns.find((u) => u.resource === "subnet-priv")?.message).toBe(
      "the network ACL of subnet-priv is unknown: no NetworkAcls in the input (aws ec2 describe-network-acls was not saved)",
    );
  });
});
