import { readFileSync } from 'node:fs';
import { ioFailure } from '../errors.js';

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

/** `value` as indented JSON and a newline, the shape of every --json output. */
export function printJson(io: CliIo, value: unknown, replacer?: (key: string, value: unknown) => unknown): void {
  io.stdout(`${JSON.stringify(value, replacer, 2)}\n`);
}
