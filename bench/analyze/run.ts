// bench/analyze: load + analyse + list cut points of ResNet-50 and VGG-16 built to files, and
// cut ResNet-50 in two, against the onnx Python package (onnx.load + infer_shapes; two
// onnx.utils.extract_model calls) on the same files. Each side runs in fresh processes,
// alternating (cleave, onnx, cleave, ...): the library figures (time in the process, peak RSS)
// from bench/analyze/measure.js, the whole-process figures (start-up included) from the CLI.
// Quoted: the median of the per-pair ratios cleave / onnx, with their range.
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from '../../src/cli/format.js';
import { option } from '../../src/cli/option-table.js';
import { integer, list, oneOf, positive, text } from '../../src/cli/option-types.js';
import { buildModel } from '../../src/models/catalogue.js';
import { writeModel } from '../../src/onnx/model-file.js';
import { benchArgs } from '../common/args.js';
import { runNode } from '../common/child.js';
import { type Alternated, alternate, formatLoad, formatRatio, pairRatios, type Spread, spread } from '../common/pairs.js';
import { findPython, notInstalled, type ReferenceRun, runPython } from '../common/reference.js';

const { values: v } = benchArgs({
  script: 'bench/analyze/run.js',
  description: `Load + shape analysis + cut points of ResNet-50 and VGG-16 (224x224, real-size weights), and cutting
ResNet-50 into head.onnx and tail.onnx, against the onnx Python package on the same files
(onnx.load + shape_inference.infer_shapes; onnx.utils.extract_model for each half). cleave and
onnx run alternately, each in a fresh process: library time and peak RSS from a process that
does only that, whole-process time from the CLI (\`cleave analyze\`, \`cleave cut --no-verify\`)
against the Python process. Ratios are medians of the per-pair ratios cleave / onnx (lower is
better), with their range.`,
  options: {
    pairs: option(integer, { default: 5, check: positive, help: 'cleave/onnx pairs per comparison' }),
    models: option(list(oneOf('resnet50', 'vgg16'), 'models'), { default: ['resnet50', 'vgg16'], arg: 'M1,M2', help: 'which models' }),
    out: option(text, { default: 'bench/results/analyze.json', arg: 'FILE', help: 'result file (relative to the repository)' }),
  },
  notes: `The onnx package: Debian's python3-onnx under /usr/bin/python3 (sh scripts/install-bench-references.sh).
Without it the ratios are skipped and cleave's own figures are still reported.
The models are built once into bench/.cache/. Writes --out.`,
});

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../..');
const cache = join(root, 'bench/.cache');
const measureJs = join(here, 'measure.js');
const cli = join(root, 'bin/cleave.js');
const MODELS = [
  { name: 'resnet50', cut: 'layer3.0.relu3' },
  { name: 'vgg16', cut: undefined },
] as const;

interface Library { analyzeMs: number; pathMs: number | null; peakRssMiB: number; cutPoints: number }
interface Python { ms: number; peakRssMiB: number; onnx: string }
interface Ours { library: Library; processMs: number }

const onnx = findPython(['onnx']);
const fresh = (name: string) => {
  const dir = join(cache, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
};

/** The three ratios of one comparison (time in the process, peak RSS, whole process), when the reference ran. */
function ratios(runs: Alternated<Ours, ReferenceRun<Python>>, libraryMs: (l: Library) => number) {
  if (!runs.reference.length) return null;
  return {
    time: pairRatios(runs, (a) => libraryMs(a.library), (b) => b.result.ms),
    memory: pairRatios(runs, (a) => a.library.peakRssMiB, (b) => b.result.peakRssMiB),
    process: pairRatios(runs, (a) => a.processMs, (b) => b.processMs),
  };
}

const range = (s: Spread, digits = 0) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}-${s.max.toFixed(digits)})`;

/** One table row: cleave's figures, onnx's, and the ratios. */
function row(what: string, runs: Alternated<Ours, ReferenceRun<Python>>, libraryMs: (l: Library) => number): { cells: string[]; json: Record<string, unknown> } {
  const r = ratios(runs, libraryMs);
  const ours = { ms: spread(runs.cleave.map((a) => libraryMs(a.library))), peakRssMiB: spread(runs.cleave.map((a) => a.library.peakRssMiB)), processMs: spread(runs.cleave.map((a) => a.processMs)) };
  const theirs = runs.reference.length ? { ms: spread(runs.reference.map((b) => b.result.ms)), peakRssMiB: spread(runs.reference.map((b) => b.result.peakRssMiB)), processMs: spread(runs.reference.map((b) => b.processMs)) } : null;
  const cells = [
    what,
    range(ours.ms), theirs ? range(theirs.ms) : 'not installed', r ? formatRatio(r.time, 3) : '-',
    `${ours.peakRssMiB.median.toFixed(0)} / ${theirs ? theirs.peakRssMiB.median.toFixed(0) : '-'}`, r ? formatRatio(r.memory, 3) : '-',
    `${ours.processMs.median.toFixed(0)} / ${theirs ? theirs.processMs.median.toFixed(0) : '-'}`, r ? formatRatio(r.process, 3) : '-',
    formatLoad(runs.load),
  ];
  return { cells, json: { cleave: ours, onnx: theirs, ratios: r, load: runs.load, runs } };
}

mkdirSync(cache, { recursive: true });
const rows: string[][] = [];
const results: Record<string, unknown>[] = [];
for (const m of MODELS.filter((x) => v.models.includes(x.name))) {
  const file = join(cache, `${m.name}.onnx`);
  if (!existsSync(file)) writeModel(file, buildModel(m.name, { seed: 1 }));
  const fileMiB = statSync(file).size / 2 ** 20;
  const analysis = alternate(
    v.pairs,
    () => ({ library: runNode<Library>(measureJs, [file]).result, processMs: runNode(cli, ['analyze', file, '--table', 'cuts'], () => null).processMs }),
    onnx ? () => runPython<Python>(onnx, root, 'bench/analyze/reference.py', ['load', file]) : undefined,
  );
  const a = row(`${m.name} (${fileMiB.toFixed(0)} MiB): analysis`, analysis, (l) => l.analyzeMs);
  rows.push(a.cells);
  const result: Record<string, unknown> = { model: m.name, fileMiB, cutPoints: analysis.cleave[0]?.library.cutPoints, analysis: a.json };
  if (m.cut) {
    const cut = m.cut;
    const cutting = alternate(
      v.pairs,
      () => ({
        library: runNode<Library>(measureJs, [file, cut, '--out', fresh('cut-library')]).result,
        processMs: runNode(cli, ['cut', file, '--at', cut, '-o', fresh('cut-cli'), '--no-verify'], () => null).processMs,
      }),
      onnx ? () => runPython<Python>(onnx, root, 'bench/analyze/reference.py', ['cut', file, cut, fresh('cut-onnx'), '--inputs', 'input', '--outputs', 'logits']) : undefined,
    );
    const c = row(`${m.name}: cut at ${cut}`, cutting, (l) => l.pathMs ?? Number.NaN);
    rows.push(c.cells);
    result.cut = { at: cut, ...c.json };
  }
  results.push(result);
}
if (!onnx) process.stdout.write(`${notInstalled('the onnx Python package')}\n`);
process.stdout.write(table(['work', 'cleave ms', 'onnx ms', 'time cleave / onnx', 'peak RSS MiB cleave / onnx', 'memory cleave / onnx', 'whole process ms CLI / python', 'whole process cleave / onnx', 'load'], rows));
const resultsFile = resolve(root, v.out);
mkdirSync(join(resultsFile, '..'), { recursive: true });
writeFileSync(resultsFile, `${JSON.stringify({ date: new Date().toISOString(), command: ['node', 'build/bench/analyze/run.js', ...process.argv.slice(2)].join(' '), node: process.version, onnx: onnx?.versions.onnx ?? null, pairs: v.pairs, results }, null, 2)}\n`);
