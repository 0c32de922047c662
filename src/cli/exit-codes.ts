import { CleaveError } from '../errors.js';

/** Exit codes, one per failure class; scripts may rely on them. */
export const EXIT = {
  OK: 0,
  INTERNAL: 1,
  USAGE: 2,
  BAD_MODEL: 3,
  UNSUPPORTED_OP: 4,
  BAD_CUT: 5,
  IO: 6,
  NETWORK: 7,
  BAD_PROFILE: 8,
  NO_FEASIBLE_PLAN: 9,
  TOO_LARGE: 10,
} as const;

const BY_CODE: Readonly<Record<string, number>> = {
  // a guarantee of cleave's own code failed: a bug, reported as one
  INTERNAL: EXIT.INTERNAL,
  BAD_REQUEST: EXIT.USAGE,
  BAD_MODEL: EXIT.BAD_MODEL,
  UNSUPPORTED_OP: EXIT.UNSUPPORTED_OP,
  BAD_CUT: EXIT.BAD_CUT,
  IO: EXIT.IO,
  NETWORK: EXIT.NETWORK,
  BAD_PROFILE: EXIT.BAD_PROFILE,
  NO_FEASIBLE_PLAN: EXIT.NO_FEASIBLE_PLAN,
  // a model naming a path outside its folder is a bad (hostile) model
  UNSAFE_PATH: EXIT.BAD_MODEL,
  TOO_LARGE: EXIT.TOO_LARGE,
};

/** The exit code for an error: its class's, or INTERNAL for anything unexpected. */
export function exitCodeFor(e: unknown): number {
  return e instanceof CleaveError ? (BY_CODE[e.code] ?? EXIT.INTERNAL) : EXIT.INTERNAL;
}
