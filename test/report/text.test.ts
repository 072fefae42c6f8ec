// The text report shows what the input holds, but never lets it act on the terminal: a control
// character or a bidirectional override in a name or description is shown escaped.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { printable } from "../../src/report/text.js";
import { cli } from "../cli/run-cli.js";

/** Control characters, line separators and the bidirectional marks and overrides. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

describe("text output of names and descriptions from the input", () => {
  it("escapes control characters and bidirectional overrides, keeping one line per row", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "egress-audit-"));
    cpSync("examples/aws-shop", dir, { recursive: true });
    const edit = (file: string, from: string, to: string) => {
      const f = path.join(dir, "us-east-1", file);
      writeFileSync(f, readFileSync(f, "utf8").replaceAll(from, to));
    };
    // JSON escapes: a newline, an escape sequence that would clear the screen, a right-to-left override.
    edit("Reservations.json", '"app-1"', '"app\\n-1\\u001b[2J\\u202e"');
    edit("SecurityGroups.json", '"mail relay"', '"mail\\u001b[31m relay"');
    const audit = cli("aws", "--from-dir", dir, "--ports", "tcp/443");
    expect(audit.code).toBe(0);
    expect(audit.stdout).not.toMatch(UNSAFE);
    expect(audit.stdout).toContain('"app\\u000a-1\\u001b[2J\\u202e"');
    const flow = "--src i-0a1b2c3d4e5f60094 --dst 198.51.100.7 --protocol tcp --port 25";
    const trace = cli("aws", "trace", "--from-dir", dir, ...flow.split(" "));
    expect(trace.code).toBe(0);
    expect(trace.stdout).not.toMatch(UNSAFE);
    expect(trace.stdout).toMatch(/allow +mail\\u001b\[31m relay +egress tcp 25/);
    // The JSON keeps the input's text as it is.
    const json = cli("aws", "--from-dir", dir, "--ports", "tcp/443", "--json");
    expect(json.stdout).toContain(`"name": ${JSON.stringify("app\n-1\u001b[2J\u202e")}`);
  });

  it("printable leaves ordinary text alone and is idempotent", () => {
    const s = 'sg-1 "web" rule #2: tcp 443 to 0.0.0.0/0 — ok ü';
    expect(printable(s)).toBe(s);
    const bad = "a\tb\u0007c\u009bd\u2066e\u2028";
    expect(printable(bad)).toBe("a\\u0009b\\u0007c\\u009bd\\u2066e\\u2028");
    expect(printable(printable(bad))).toBe(printable(bad));
  });
});
