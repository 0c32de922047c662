/**
 * bench/compare/tables: the tables of docs/benchmarks.md that compare cleave with a reference
 * (the onnx Python package, PyTorch), generated from the JSON the benches wrote: analyze,
 * training throughput and Grad-CAM. Every ratio there is the median of per-pair ratios from one
 * run, where cleave and the reference alternated on the same model, weights and data; each table
 * says the command, when it finished, the threads and the load average during the pairs.
 *
 *   npm run build && node build/bench/compare/tables.js [--check]
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flag } from '../../src/cli/option-table.js';
import { benchArgs } from '../common/args.js';
import { type Cell, markdown, updatePage } from '../common/doc-tables.js';
import { type LoadRecord, type Spread, spread } from '../common/pairs.js';

const { values } = benchArgs({
  script: 'bench/compare/tables.js',
  description: `Rewrites the tables of docs/benchmarks.md that compare cleave with a reference (between
<!-- table:NAME --> and <!-- /table -->) from bench/results/analyze.json, train.json,
train-threads1.json, gradients.json and gradients-threads1.json.`,
  options: { check: flag('exit 1 when docs/benchmarks.md differs from what the JSON gives (nothing written)') },
});

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

function readJson<T>(file: string): T | undefined {
  const path = join(ROOT, 'bench/results', file);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}

/** "0.197x (0.182-0.350)": the median of the per-pair ratios and their range. */
const ratio = (r: Spread | null, digits = 2) => (r ? `${r.median.toFixed(digits)}x (${r.min.toFixed(digits)}-${r.max.toFixed(digits)})` : 'not installed');
/** "348 (248-523)" */
const range = (s: Spread | null, digits = 0) => (s ? `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}-${s.max.toFixed(digits)})` : 'not installed');
const load = (l: LoadRecord) => `${Math.min(...l.samples).toFixed(1)}-${l.max.toFixed(1)}`;
const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
/** The line above a table: the command, the file it wrote and when. */
const source = (command: string, file: string, date: string, extra: string) =>
  `\`${command}\` (bench/results/${file}, finished ${when(date)}${extra}):\n\n`;

interface Side { ms: Spread; peakRssMiB: Spread; processMs: Spread }
interface Comparison { cleave: Side; onnx: Side | null; ratios: { time: Spread; memory: Spread; process: Spread } | null; load: LoadRecord }
interface AnalyzeJson { date: string; command?: string; onnx: string | null; pairs: number; results: { model: string; fileMiB: number; cutPoints: number; analysis: Comparison; cut?: Comparison & { at: string } }[] }

function analyzeTable(j: AnalyzeJson): string {
  const rows: Cell[][] = [];
  const add = (what: string, c: Comparison) => rows.push([
    what, range(c.cleave.ms), range(c.onnx?.ms ?? null), ratio(c.ratios?.time ?? null, 3),
    `${c.cleave.peakRssMiB.median.toFixed(0)} / ${c.onnx ? c.onnx.peakRssMiB.median.toFixed(0) : '-'}`, ratio(c.ratios?.memory ?? null, 3),
    `${c.cleave.processMs.median.toFixed(0)} / ${c.onnx ? c.onnx.processMs.median.toFixed(0) : '-'}`, ratio(c.ratios?.process ?? null, 2),
    load(c.load),
  ]);
  for (const r of j.results) {
    add(`${r.model} (${r.fileMiB.toFixed(0)} MiB, ${r.cutPoints} cut points): analysis`, r.analysis);
    if (r.cut) add(`${r.model}: cut at ${r.cut.at}, both halves written`, r.cut);
  }
  const command = j.command ?? `node build/bench/analyze/run.js --pairs ${j.pairs}`;
  return source(command, 'analyze.json', j.date, `, onnx ${j.onnx ?? 'not installed'}, ${j.pairs} pairs`) + markdown(
    ['work', 'cleave ms', 'onnx ms', 'time cleave / onnx', 'peak RSS MiB cleave / onnx', 'memory cleave / onnx', 'whole process ms, CLI / python', 'whole process cleave / onnx', 'load average'],
    rows, [false, true, true, true, true, true, true, true, true],
  );
}

interface TrainRun { peakRssMiB: number }
interface TrainJson {
  date: string; command?: string; torch: string | null; threads: number; steps: number; pairs: number;
  throughput: { arch: string; data: string; architecture: { same?: boolean }; cleaveSamplesPerSecond: Spread; pytorchSamplesPerSecond: Spread | null; ratio: Spread | null; cpuTimeRatio: Spread | null; load: LoadRecord; runs: { cleave: TrainRun[]; reference: TrainRun[] } }[];
}

/** "164 / 276": each side's median peak RSS over its runs. */
const rss = (a: readonly { peakRssMiB: number }[], b: readonly { peakRssMiB: number }[]) => {
  const m = (xs: readonly { peakRssMiB: number }[]) => (xs.length ? spread(xs.map((x) => x.peakRssMiB)).median.toFixed(0) : '-');
  return `${m(a)} / ${m(b)}`;
};

function trainTable(j: TrainJson, file: string): string {
  const command = j.command ?? `node build/bench/train/run.js --steps ${j.steps} --pairs ${j.pairs}`;
  return source(command, file, j.date, `, ${j.threads} thread${j.threads === 1 ? '' : 's'} each, PyTorch ${j.torch ?? 'not installed'}, ${j.pairs} pairs of ${j.steps} steps at batch 64`) + markdown(
    ['model / data', 'same architecture', 'cleave samples/s', 'PyTorch samples/s', 'samples/s cleave / PyTorch', 'CPU time per step PyTorch / cleave', 'peak RSS MiB cleave / PyTorch', 'load average'],
    j.throughput.map((t) => [
      `${t.arch} / ${t.data}`, t.architecture.same === undefined ? '-' : t.architecture.same ? 'yes' : 'NO',
      range(t.cleaveSamplesPerSecond), range(t.pytorchSamplesPerSecond), ratio(t.ratio), ratio(t.cpuTimeRatio),
      rss(t.runs.cleave, t.runs.reference), load(t.load),
    ]),
    [false, false, true, true, true, true, true, true],
  );
}

interface GradCamFigure { batch: number; architecture: { same?: boolean }; cleaveMs: Spread; ratioToForward: Spread; pytorchMs: Spread | null; ratio: Spread | null; cpuTimeRatio?: Spread | null; load: LoadRecord; torch: string | null; runs: { cleave: { peakRssMiB: number }[]; reference: { peakRssMiB: number }[] } }
interface GradientsJson { gradcam?: { date: string; command?: string; threads?: number; runs: number; figures: GradCamFigure[] } }

function gradcamTable(j: GradientsJson, file: string): string | undefined {
  const g = j.gradcam;
  if (!g) return undefined;
  const threads = g.threads ?? 2;
  const pairs = g.figures[0]?.runs.cleave.length ?? 0;
  const command = g.command ?? `node build/bench/gradients/run.js --only gradcam --runs ${g.runs}`;
  return source(command, file, g.date, `, ${threads} thread${threads === 1 ? '' : 's'} each, PyTorch ${g.figures[0]?.torch ?? 'not installed'}, ${pairs} pairs`) + markdown(
    ['batch', 'same architecture', 'cleave ms', 'cleave / ORT forward (same process)', 'PyTorch ms', 'time cleave / PyTorch', 'CPU time cleave / PyTorch', 'peak RSS MiB cleave / PyTorch', 'load average'],
    g.figures.map((f) => [
      f.batch, f.architecture.same === undefined ? '-' : f.architecture.same ? 'yes' : 'NO',
      range(f.cleaveMs, 1), ratio(f.ratioToForward), range(f.pytorchMs, 1), ratio(f.ratio), f.cpuTimeRatio ? ratio(f.cpuTimeRatio) : 'not measured', rss(f.runs.cleave, f.runs.reference), load(f.load),
    ]),
    [true, false, true, true, true, true, true, true, true],
  );
}

const tables: Record<string, string> = {};
const put = (name: string, t: string | undefined) => {
  if (t !== undefined) tables[name] = t;
};
const analyze = readJson<AnalyzeJson>('analyze.json');
put('analyze', analyze && analyzeTable(analyze));
for (const file of ['train.json', 'train-threads1.json']) {
  const j = readJson<TrainJson>(file);
  put(basename(file, '.json'), j && trainTable(j, file));
}
for (const file of ['gradients.json', 'gradients-threads1.json']) {
  const j = readJson<GradientsJson>(file);
  put(`gradcam${basename(file, '.json').slice('gradients'.length)}`, j && gradcamTable(j, file));
}
updatePage(join(ROOT, 'docs/benchmarks.md'), tables, values.check, 'bench/compare/tables.js');
