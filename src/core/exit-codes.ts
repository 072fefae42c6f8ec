// The one exit-code table (README "Exit codes" shows the same).
import os from "node:os";

export const EXIT = {
  /** Success; with --policy: every expectation met. */
  OK: 0,
  /** A --policy expectation was violated. */
  VIOLATION: 1,
  /** Usage or input error: bad flags, unreadable or malformed input. */
  INPUT: 2,
  /** The audit ran but some data could not be read (missing permissions, missing files): see `unknowns`. */
  INCOMPLETE: 3,
} as const;

/** The exit code of a run a signal ended, as shells report it: 128 + its number (SIGINT 130, SIGTERM 143). */
export function signalExit(signal: NodeJS.Signals): number {
  return 128 + (os.constants.signals[signal] ?? os.constants.signals.SIGTERM);
}
