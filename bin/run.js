#!/usr/bin/env node
// Entry point for `egress-audit` (npm bin). Commands are compiled to dist/src/commands by `npm run build`.
import { execute } from "@oclif/core";
import { watchStdout } from "../dist/src/core/cli.js";

// A reader that goes away (`--help | head -1`) ends the run quietly, with its own exit code.
watchStdout();

await execute({ dir: import.meta.url });
