// Errors about the user's input. They carry where the problem is (file and JSON path) and what was
// expected, and print as one line; the CLI maps them to exit code 2 and hides the stack unless --debug.
export class InputError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly jsonPath?: string,
  ) {
    super([file, jsonPath, message].filter((x) => x !== undefined && x !== "").join(": "));
    this.name = "InputError";
  }
}

/** JSONPath text for a path of keys and indexes: ["Subnets", 0, "CidrBlock"] -> $.Subnets[0].CidrBlock */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "$";
  for (const k of path) {
    if (typeof k === "number") out += `[${k}]`;
    else if (typeof k === "string" && /^[A-Za-z_$][\w$]*$/.test(k)) out += `.${k}`;
    else out += `[${JSON.stringify(String(k))}]`;
  }
  return out;
}
