// The one exit-code table (README "Exit codes" shows the same).
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
