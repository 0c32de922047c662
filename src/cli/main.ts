import { fromAllocationFailure } from '../errors.js';
import { setOrtLogLevel } from '../runtime/session.js';
import { VERSION } from '../version.js';
import { COMMANDS } from './commands.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { type CliIo, processIo } from './io.js';

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: cleave COMMAND [options]   (cleave COMMAND --help for details)

cleave designs and runs split-computing deep-learning applications over ONNX models.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}
`;
}

/** Runs the CLI: never throws; errors become one line on stderr and an exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.stdout(usage());
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${VERSION}\n`);
    return EXIT.OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`cleave: unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(', ')}\n`);
    return EXIT.USAGE;
  }
  try {
    // ONNX Runtime's own log stays quiet (cleave reports its failures) unless CLEAVE_ORT_LOG names a level.
    setOrtLogLevel(process.env.CLEAVE_ORT_LOG || 'fatal');
    return await command.run(rest, io);
  } catch (thrown) {
    const e = fromAllocationFailure(thrown);
    const code = exitCodeFor(e);
    const message = e instanceof Error ? e.message : String(e);
    io.stderr(`cleave ${name}: ${code === EXIT.INTERNAL ? `internal error: ${message} (please report it)` : message}\n`);
    if (code === EXIT.INTERNAL && process.env.CLEAVE_DEBUG && e instanceof Error) io.stderr(`${e.stack}\n`);
    return code;
  }
}
