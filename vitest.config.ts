import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Only a guard against a hang, never a performance check: the differential and property tests run
    // for tens of seconds each on a 2-core machine, and several times that on a shared, busy one.
    testTimeout: 300_000,
    hookTimeout: 60_000,
  },
});
