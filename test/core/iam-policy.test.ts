// The README's minimal IAM policy must name every call the collector makes (and no other).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CALLS, FOLLOW_UP_CALLS } from "../../src/providers/aws/collect.js";

describe("README IAM policy", () => {
  it("lists exactly the EC2 actions collection uses, plus DescribeRegions and eks:DescribeCluster", () => {
    const readme = readFileSync("README.md", "utf8");
    const block = /"Action": \[([\s\S]*?)\]/.exec(readme)![1]!;
    const listed = [...block.matchAll(/"([a-z0-9]+:[A-Za-z]+)"/g)].map((m) => m[1]).sort();
    const used = [
      ...new Set([
        ...[...CALLS.map((c) => c.call), ...FOLLOW_UP_CALLS].map((call) => `ec2:${call}`),
        "ec2:DescribeRegions",
        "eks:DescribeCluster",
      ]),
    ].sort();
    expect(listed).toEqual(used);
  });
});
