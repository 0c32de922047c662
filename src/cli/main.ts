import { readFileSync } from 'node:fs';
import { ANALYZE_HELP, runAnalyze } from './analyze.js';
import { BOTTLENECK_HELP, runBottleneck } from './bottleneck.js';
import { BUILD_MODEL_HELP, runBuildModel } from './build-model.js';
import { CUT_HELP, runCut } from './cut.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { EXPORT_HELP, runExport } from './export.js';
import { GRADCAM_HELP, runGradcam } from './gradcam.js';
import { PROFILE_HELP, runProfile } from './profile.js';
import { RANK_HELP, runRank } from './rank.js';
import { RUN_HELP, runRun } from './run.js';
import { SERVE_HELP, runServe } from './serve.js';
import { SIMULATE_HELP, runSimulate } from './simulate.js';
import { TRAIN_HELP, runTrain } from './train.js';
import { type CliIo, processIo } from './io.js';

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

/** Subcommands: name -> [one-line summary, runner]. */
const COMMANDS: Readonly<Record<string, readonly [string, Command]>> = {
  analyze: ['shapes, FLOPs, bytes of every node, and every cut point', runAnalyze],
  cut: ['split a model into head.onnx + tail.onnx, verified', runCut],
  'build-model': ['write a reference architecture (ResNet, VGG, MobileNetV2, ...) as ONNX', runBuildModel],
  train: ['train a model (or only some of its weights) on MNIST / Fashion-MNIST with ORT', runTrain],
  gradcam: ['Grad-CAM heatmaps of any layers for an image (gradients computed by ORT)', runGradcam],
  rank: ['I-SPLIT: rank the cut points by Grad-CAM saliency, per class subset', runRank],
  bottleneck: ['insert and train an autoencoder bottleneck at a cut; accuracy and bytes after', runBottleneck],
  profile: ['per-node latency on this machine (ORT profiler), head/tail per cut, and a device profile JSON', runProfile],
  simulate: ['transfer time of a cut tensor (analytic + simulated), or many devices sharing a link and a server', runSimulate],
  serve: ['serve models (a cut folder: head + tail + browser page) over the KServe v2 protocol', (argv, io) => runServe(argv, io)],
  run: ['edge client: head here, tail on a v2 server, local fallback when it fails', runRun],
  export: ['export the tail as a Triton model repository + KServe InferenceService', runExport],
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `Usage: cleave COMMAND [options]   (cleave COMMAND --help for details)

cleave designs and runs split-computing deep-learning applications over ONNX models.

Commands:
${Object.entries(COMMANDS).map(([name, [summary]]) => `  ${name.padEnd(width)}  ${summary}`).join('\n')}
`;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs the CLI: never throws; errors become one line on stderr and an exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.stdout(usage());
    return name === undefined ? EXIT.USAGE : EXIT.OK;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${version()}\n`);
    return EXIT.OK;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`cleave: unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return EXIT.USAGE;
  }
  try {
    return await command[1](rest, io);
  } catch (e) {
    const code = exitCodeFor(e);
    const message = e instanceof Error ? e.message : String(e);
    io.stderr(`cleave ${name}: ${code === EXIT.INTERNAL ? `internal error: ${message} (please report it)` : message}\n`);
    if (code === EXIT.INTERNAL && process.env.CLEAVE_DEBUG && e instanceof Error) io.stderr(`${e.stack}\n`);
    return code;
  }
}

export const HELP_TEXTS: Readonly<Record<string, string>> = {
  analyze: ANALYZE_HELP, cut: CUT_HELP, 'build-model': BUILD_MODEL_HELP, train: TRAIN_HELP, gradcam: GRADCAM_HELP, rank: RANK_HELP, bottleneck: BOTTLENECK_HELP, profile: PROFILE_HELP, simulate: SIMULATE_HELP,
  serve: SERVE_HELP, run: RUN_HELP, export: EXPORT_HELP,
};
