// bench/train: training throughput of LeNet (MNIST) and the small VGG (Fashion-MNIST) at batch
// 64, the same number of threads on both sides (--threads), against PyTorch on the same architecture, weights, batches and optimiser,
// run alternately in fresh processes (cleave, PyTorch, cleave, ...); the ratio quoted is the
// median of the per-pair ratios. With --full, also the full training of both (the settings of
// models/make-models.sh): epoch times and test accuracy.
import { mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from '../../src/cli/format.js';
import { flag, option } from '../../src/cli/option-table.js';
import { integer, list, oneOf, positive, text } from '../../src/cli/option-types.js';
import { benchArgs } from '../common/args.js';
import { runNode } from '../common/child.js';
import { alternate, formatLoad, formatRatio, pairRatios, spread } from '../common/pairs.js';
import { findPython, notInstalled, runPython } from '../common/reference.js';

const { values: v } = benchArgs({
  script: 'bench/train/run.js',
  description: `Training throughput (samples/s at batch 64) of LeNet on MNIST and the small VGG (BatchNorm,
Dropout, AdamW) on Fashion-MNIST, against PyTorch training the same architecture from the same
weights on the same batches. cleave and PyTorch run alternately, each in a fresh process; the
ratio is the median of the per-pair ratios cleave / PyTorch, with its range.`,
  options: {
    steps: option(integer, { default: 100, check: positive, help: 'timed steps per run (after 5 warm-up steps)' }),
    pairs: option(integer, { default: 5, check: positive, help: 'cleave/PyTorch pairs per model' }),
    models: option(list(oneOf('lenet', 'small-vgg'), 'models'), { default: ['lenet', 'small-vgg'], arg: 'M1,M2', help: 'which models' }),
    threads: option(integer, { default: 2, check: positive, help: 'intra-op threads of both ONNX Runtime and PyTorch (1 on a loaded machine: spinning OpenMP workers that lose their core slow PyTorch far more than the work)' }),
    out: option(text, { default: 'bench/results/train.json', arg: 'FILE', help: 'result file (relative to the repository)' }),
    full: flag('also train both models fully (minutes to an hour) and report test accuracy'),
  },
  notes: `PyTorch: Debian's python3-torch under /usr/bin/python3 (sh scripts/install-bench-references.sh).
Without it the ratios are skipped and cleave's own figures are still reported.
Writes --out (the full runs of --full are kept from the previous file when not re-run).`,
});

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../..');
const cache = join(root, 'bench/.cache');
const MODELS = [
  { arch: 'lenet', data: 'mnist', epochs: 5, target: 2.0 },
  { arch: 'small-vgg', data: 'fashion-mnist', epochs: 4, target: 1.5 },
] as const;

interface Ours { samplesPerSecond: number; msPerStep: number; cpuMsPerStep: number; peakRssMiB: number; optimizer: { lr: number } }
interface Theirs { samplesPerSecond: number; msPerStep: number; cpuMsPerStep: number; peakRssMiB: number; parameters: number; forwardMaxAbsDiff: number; forwardMaxAbs: number; torch: string; threads: number }

const measure = join(here, 'measure.js');
const torch = findPython(['torch']);
const notes: string[] = [];
if (!torch) notes.push(notInstalled('PyTorch'));
mkdirSync(cache, { recursive: true });
const rows: (string | number)[][] = [];
const throughput = MODELS.filter((m) => v.models.includes(m.arch)).map((m) => {
  const prefix = join(cache, `train-${m.arch}`);
  const exported = runNode<{ parameters: number; optimizer: { lr: number } }>(measure, [m.arch, m.data, 'export', String(v.steps), prefix]).result;
  const runs = alternate(
    v.pairs,
    () => runNode<Ours>(measure, [m.arch, m.data, 'steps', String(v.steps), '--threads', String(v.threads)]).result,
    torch ? () => runPython<Theirs>(torch, root, 'bench/train/reference.py', [m.arch, prefix, '--lr', String(exported.optimizer.lr), '--threads', String(v.threads)]).result : undefined,
  );
  const ours = spread(runs.cleave.map((r) => r.samplesPerSecond));
  const first = runs.reference[0];
  // The same network: equal parameter counts, and PyTorch's forward on cleave's weights gives cleave's output.
  const architecture = first ? {
    cleaveParameters: exported.parameters,
    pytorchParameters: first.parameters,
    forwardMaxAbsDiff: first.forwardMaxAbsDiff,
    forwardMaxAbs: first.forwardMaxAbs,
    same: first.parameters === exported.parameters && first.forwardMaxAbsDiff <= 1e-4 * Math.max(1, first.forwardMaxAbs),
  } : { cleaveParameters: exported.parameters };
  const ratio = first ? pairRatios(runs, (a) => a.samplesPerSecond, (b) => b.samplesPerSecond) : undefined;
  // CPU time per step (ours / theirs inverted: > 1 means cleave uses less): less moved by other jobs than wall time.
  const cpuRatio = first ? pairRatios(runs, (a) => 1 / a.cpuMsPerStep, (b) => 1 / b.cpuMsPerStep) : undefined;
  const theirs = first ? spread(runs.reference.map((r) => r.samplesPerSecond)) : undefined;
  if (first) {
    notes.push(`${m.arch}: ${architecture.same ? 'same architecture' : 'ARCHITECTURES DIFFER'}: ${exported.parameters} parameters in cleave, ${first.parameters} in PyTorch; PyTorch's forward on cleave's weights differs from cleave's by at most ${first.forwardMaxAbsDiff.toExponential(1)} (outputs up to ${first.forwardMaxAbs.toFixed(2)})`);
  }
  rows.push([
    `${m.arch}/${m.data}`,
    `${ours.median.toFixed(0)} (${ours.min.toFixed(0)}-${ours.max.toFixed(0)})`,
    theirs ? `${theirs.median.toFixed(0)} (${theirs.min.toFixed(0)}-${theirs.max.toFixed(0)})` : 'not installed',
    ratio ? formatRatio(ratio) : '-',
    `>= ${m.target}`,
    cpuRatio ? formatRatio(cpuRatio) : '-',
    `${spread(runs.cleave.map((r) => r.peakRssMiB)).median.toFixed(0)} / ${first ? spread(runs.reference.map((r) => r.peakRssMiB)).median.toFixed(0) : '-'}`,
    formatLoad(runs.load),
  ]);
  return { arch: m.arch, data: m.data, target: m.target, optimizer: exported.optimizer, architecture, cleaveSamplesPerSecond: ours, pytorchSamplesPerSecond: theirs ?? null, ratio: ratio ?? null, cpuTimeRatio: cpuRatio ?? null, load: runs.load, runs };
});

const resultsFile = resolve(root, v.out);
const previous = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as { full?: unknown }) : {};
let full = previous.full ?? null;
if (v.full) {
  full = MODELS.filter((m) => v.models.includes(m.arch)).map((m) => runNode<Record<string, unknown>>(measure, [m.arch, m.data, 'full', String(m.epochs), '--threads', String(v.threads)]).result);
  for (const r of full as Record<string, unknown>[]) {
    const epochs = r.epochs as { seconds: number }[];
    notes.push(`full ${r.arch}/${r.data}: test accuracy ${(100 * (r.testAccuracy as number)).toFixed(2)}%, epoch ${epochs.map((e) => `${e.seconds.toFixed(0)} s`).join(' / ')}, peak RSS ${(r.peakRssMiB as number).toFixed(0)} MiB`);
  }
}
process.stdout.write(table(['model', 'cleave samples/s', 'PyTorch samples/s', 'cleave / PyTorch', 'target', 'CPU time PyTorch / cleave', 'peak RSS MiB cleave / PyTorch', 'load'], rows));
process.stdout.write(`${notes.join('\n')}\n`);
mkdirSync(join(resultsFile, '..'), { recursive: true });
writeFileSync(resultsFile, `${JSON.stringify({ date: new Date().toISOString(), command: ['node', 'build/bench/train/run.js', ...process.argv.slice(2)].join(' '), node: process.version, torch: torch?.versions.torch ?? null, batch: 64, threads: v.threads, steps: v.steps, pairs: v.pairs, throughput, full }, null, 2)}\n`);
