// What every egress-audit command shares beyond its flags: oclif's own errors from reading the command
// line get the one-line treatment of every other usage error (see flagError), and so does an empty
// flag value.
import { Command, type Interfaces } from "@oclif/core";
import { InputError } from "../model/errors.js";
import { flagError } from "./cli.js";

// oclif's FlagOutput and ArgOutput, which @oclif/core does not export: an override must take its bounds.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Output = Record<string, any>;

export abstract class EgressCommand extends Command {
  /**
   * oclif hands an empty value on (`--from-dir "$UNSET"`), and a command reading it as "not given"
   * does something else than asked: a live run instead of the folder, every source instead of a
   * cluster's, no snapshot. No string flag of ours has a meaning for an empty value, so each is refused
   * here, for every command and flag alike.
   */
  protected override async parse<F extends Output, B extends Output, A extends Output>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    const parsed = await super.parse(options, argv);
    for (const [name, value] of Object.entries(parsed.flags)) {
      const values: unknown[] = Array.isArray(value) ? value : [value];
      if (values.includes("")) throw new InputError(`--${name}: expected a value, got an empty one`);
    }
    return parsed;
  }

  protected override catch(err: Error): Promise<void> {
    // The command line was read, if not understood: oclif need not warn that it was not.
    this.parsed = true;
    process.exitCode = flagError(err);
    return Promise.resolve();
  }
}
