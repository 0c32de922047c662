import { readFileSync } from 'node:fs';
import { BadRequestError, ioFailure } from '../errors.js';

/** Where a command writes; tests pass their own to capture output. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** when a long-running command (serve) should stop; default: SIGINT or SIGTERM */
  readonly stop?: Promise<unknown>;
}

export const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/** A file named on the command line; a failure is an IoError naming it. */
export function readBytes(path: string, what = path): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw ioFailure(`cannot read ${what}`, e);
  }
}

/** A text file named on the command line, as readBytes. */
export function readText(path: string, what = path): string {
  return new TextDecoder().decode(readBytes(path, what));
}

/** A JSON file named on the command line, parsed: unreadable is an IoError, not JSON a BadRequestError. */
export function readJson(path: string, what = path): unknown {
  const text = readText(path, what);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new BadRequestError(`${what} is not JSON: ${(e as Error).message}`);
  }
}

/** `value` as indented JSON and a newline, the shape of every --json output. */
export function printJson(io: CliIo, value: unknown, replacer?: (key: string, value: unknown) => unknown): void {
  io.stdout(`${JSON.stringify(value, replacer, 2)}\n`);
}
