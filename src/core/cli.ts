// What every command shares: the common flags, parsing of --ports/--dest, output, and the mapping of
// errors to the exit-code table with a one-line message (stack only with --debug).
import { Flags } from "@oclif/core";
import {
  cidrSet,
  IntervalSet,
  NetsetInputError,
  PacketSet,
  parseIp,
  parsePortSpec,
  PUBLIC_INTERNET,
  toCidrs,
} from "../netset/index.js";
import { InputError } from "../model/errors.js";
import { writeJson } from "../report/json.js";
import { printable } from "../report/text.js";
import { EXIT } from "./exit-codes.js";

export const DEFAULT_PORTS = "tcp,udp,icmp";

export const commonFlags = {
  "from-dir": Flags.string({
    description:
      "Read saved describe/list JSON or YAML from this folder (any file names, any depth) instead of the cloud API",
  }),
  json: Flags.boolean({ description: "Print the result as JSON (the documented contract)", default: false }),
  debug: Flags.boolean({ description: "Show stack traces for errors", default: false }),
};

/** Where AWS data comes from: the live APIs (default) or a folder. */
export const awsInputFlags = {
  vpc: Flags.string({
    description: "VPC to audit (repeatable); with --from-dir, only sources in these VPCs",
    multiple: true,
  }),
  region: Flags.string({
    description:
      "AWS region (repeatable); default $AWS_REGION (else $AWS_DEFAULT_REGION), else the profile's region in ~/.aws/config",
    multiple: true,
  }),
  "all-regions": Flags.boolean({
    description: "Collect every region enabled for the account",
    default: false,
  }),
  profile: Flags.string({
    description: "AWS shared-config profile (default: the standard credential chain)",
  }),
  cluster: Flags.string({
    description: "EKS cluster: collect its VPC and audit (or trace from) its nodes only",
  }),
  "endpoint-url": Flags.string({
    description: "Send EC2 API calls to this endpoint (e.g. a local emulator)",
  }),
  "save-snapshot": Flags.string({
    description:
      "Also write the describe-* JSON this run read into this new folder (--from-dir reads it back)",
  }),
};

export const auditFlags = {
  ports: Flags.string({
    description:
      "Protocols and ports to audit, e.g. tcp/443,tcp/80,udp/53,tcp/1024-65535,icmp,icmpv6; `all` = every IP protocol",
    default: DEFAULT_PORTS,
  }),
  dest: Flags.string({
    description: "Destination CIDRs, comma-separated; `internet` = the public internet (default)",
    default: "internet",
  }),
};

export function parsePorts(text: string): PacketSet {
  try {
    return parsePortSpec(text);
  } catch (e) {
    if (e instanceof NetsetInputError) throw new InputError(`--ports: ${e.message}`);
    throw e;
  }
}

/**
 * Whether --dest is the word `internet` alone (the default): then each source's own network's blocks
 * are left out of its destinations (see AuditOptions.ownNetworkExcluded). CIDRs a user lists are
 * audited as given.
 */
export function isInternetOnly(text: string): boolean {
  const parts = text
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  return parts.length > 0 && parts.every((p) => p === "internet");
}

export function parseDest(text: string): IntervalSet {
  const parts = text.split(",").map((s) => s.trim());
  // As --ports refuses one: `8.8.8.8,,1.1.1.1` is more likely a value left out than meant.
  if (parts.includes(""))
    throw new InputError(`--dest: empty item in destination list ${JSON.stringify(text)}`);
  let out = IntervalSet.EMPTY;
  try {
    for (const p of parts) {
      const set = p.toLowerCase() === "internet" ? PUBLIC_INTERNET : cidrSet([p]);
      // 10.0.0.1/8 is most likely a typo for a host (/32) or for 10.0.0.0/8: do not widen it silently.
      if (p.includes("/") && parseIp(p.slice(0, p.indexOf("/"))) !== set.min())
        throw new InputError(
          `--dest: ${p} has bits set past its prefix length: write ${toCidrs(set).join(", ")} for that block, or the address alone for one host`,
        );
      out = out.union(set);
    }
  } catch (e) {
    if (e instanceof NetsetInputError) throw new InputError(`--dest: ${e.message}`);
    throw e;
  }
  if (out.isEmpty()) throw new InputError("--dest: expected at least one CIDR or `internet`");
  return out;
}

/** Set once stdout's reader has gone away (EPIPE): see writeOut. */
let readerGone = false;

/**
 * Writes to stdout and waits until it is flushed (large JSON would otherwise be cut at exit). When the
 * reader has gone away (`| head`), the rest is dropped quietly, as other command-line tools do, and the
 * run's exit code stays its own: a closed pipe is not an error of the input. Returns whether the reader
 * is still there.
 */
export async function writeOut(text: string): Promise<boolean> {
  if (readerGone) return false;
  watchStdout();
  await new Promise<void>((resolve, reject) =>
    process.stdout.write(text, (err) => {
      if (err && isEpipe(err)) readerGone = true;
      if (!err || readerGone) resolve();
      else reject(err);
    }),
  );
  return !readerGone;
}

function isEpipe(err: Error): boolean {
  return (err as NodeJS.ErrnoException).code === "EPIPE";
}

/** The exit code of the command once it has finished (see onStdoutError). */
let finished: number | undefined;
/** Set when a command's body starts (see guarded): until then, what stdout gets is oclif's own. */
let running = false;

/**
 * Handles a reader that goes away (see onStdoutError). bin/run.js calls it before oclif runs anything,
 * so that oclif's own output (--help, --version) to a closed pipe ends as a command's does.
 */
export function watchStdout(): void {
  // (Whatever other listeners there are: @oclif/core installs one that swallows EPIPE, and nothing more.)
  if (!process.stdout.listeners("error").includes(onStdoutError)) process.stdout.on("error", onStdoutError);
}

function onStdoutError(err: Error): void {
  if (!isEpipe(err)) throw err;
  readerGone = true;
  // The reader went away after the command finished, during oclif's final flush: that writes to the
  // closed pipe and waits for a drain that never comes (on an unref'd timer, so the process would end
  // with Node's "unsettled top-level await" warning and code 13). End with the run's own code. So
  // does oclif's help, which no command body runs: its code is 0 (or what oclif set).
  if (finished !== undefined) process.exit(finished);
  if (!running) process.exit(process.exitCode ?? 0);
}

/**
 * Runs a command body: InputErrors become one line on stderr and exit code 2; anything unexpected
 * too (stack only with --debug). Returns the exit code the body asked for.
 */
export async function guarded(debug: boolean, body: () => Promise<number>): Promise<number> {
  running = true;
  try {
    const code = await body();
    // oclif waits for stdout to drain after a command, which a closed pipe never does: end here.
    if (readerGone) process.exit(code);
    finished = code;
    return code;
  } catch (e) {
    const err = e as Error;
    const kind = e instanceof InputError ? "error" : "internal error";
    process.stderr.write(
      `egress-audit: ${kind}: ${printable(err.message)}${debug ? "" : kind === "internal error" ? " (run with --debug for details)" : ""}\n`,
    );
    if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
    return EXIT.INPUT;
  }
}

/**
 * oclif's own errors from reading the command line (an unknown flag, a value of the wrong type, an extra
 * argument), which it would follow with the whole usage: one line and exit code 2, as every other usage
 * error (`--help` shows the usage). Commands call it from their `catch`, which only these reach: a
 * command's body runs inside `guarded`.
 */
export function flagError(err: Error): number {
  const text = err.message
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("See more help with"))
    .join(" ");
  process.stderr.write(`egress-audit: error: ${printable(text)} (see --help)\n`);
  if (process.argv.includes("--debug") && err.stack) process.stderr.write(`${err.stack}\n`);
  return EXIT.INPUT;
}

/** A result as JSON on stdout, streamed (see report/json.ts). */
export async function writeJsonOut(value: unknown): Promise<void> {
  await writeJson(value, writeOut);
}
