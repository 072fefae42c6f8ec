#!/usr/bin/env node
// Entry point for `egress-audit` (npm bin). Commands are compiled to dist/src/commands by `npm run build`.
import { execute } from "@oclif/core";

await execute({ dir: import.meta.url });
