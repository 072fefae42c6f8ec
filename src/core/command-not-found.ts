// oclif runs this hook for a command line that names no command (`egress-audit aws extra`, a typo in
// the provider): the one-line usage error and exit code 2 of every other usage error, listing the
// commands there are, instead of oclif's own "command aws:extra not found".
import type { Hook } from "@oclif/core";
import { flagError } from "./cli.js";

const commandNotFound: Hook<"command_not_found"> = function ({ id }) {
  const spaced = (commandId: string): string => commandId.replaceAll(":", " ");
  const known = this.config.commandIDs
    .map(spaced)
    .sort()
    .map((c) => `'${c}'`)
    .join(", ");
  process.exitCode = flagError(new Error(`no command '${spaced(id)}'; the commands are ${known}`));
  return Promise.resolve();
};

export default commandNotFound;
