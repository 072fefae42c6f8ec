/**
 * Thrown for malformed user-supplied text (addresses, CIDRs, protocols, ports). It carries the
 * offending text in `input` so callers can point at the exact config value or CLI argument.
 */
export class NetsetInputError extends Error {
  readonly input: string;

  constructor(message: string, input: string) {
    super(message);
    this.name = "NetsetInputError";
    this.input = input;
  }
}
