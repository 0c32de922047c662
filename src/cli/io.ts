import { EXIT } from './exit-codes.js';

/** Where a command writes; tests pass their own to capture output. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/** `--help`: the command's text on stdout, and success. */
export function printHelp(io: CliIo, text: string): number {
  io.stdout(text);
  return EXIT.OK;
}
