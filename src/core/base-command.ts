// What every egress-audit command shares beyond its flags: oclif's own errors from reading the command
// line get the one-line treatment of every other usage error (see flagError).
import { Command } from "@oclif/core";
import { flagError } from "./cli.js";

export abstract class EgressCommand extends Command {
  protected override catch(err: Error): Promise<void> {
    // The command line was read, if not understood: oclif need not warn that it was not.
    this.parsed = true;
    process.exitCode = flagError(err);
    return Promise.resolve();
  }
}
