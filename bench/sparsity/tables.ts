/**
 * bench/sparsity/tables: the tables of docs/sparsity.md, generated from the benches' JSON
 * (bench/results/sparsity-{latency,mlp,cnn,cnn-uniform,cnn-target,cnn-target-e4}.json). Each table sits in docs/sparsity.md between
 * `<!-- table:NAME -->` and `<!-- /table -->`; this script rewrites what is between them, so
 * every figure there is one a bench wrote. A missing JSON leaves its tables as they are.
 *
 *   npm run build && node build/bench/sparsity/tables.js [--check]
 *     --check: exit 1 when docs/sparsity.md differs from what the JSON gives (nothing written)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDensity } from '../../src/sparsity/degrees.js';
import { type Cell, markdown, updatePage } from '../common/doc-tables.js';
import { ROOT } from './shared.js';

const USAGE = `Usage: node build/bench/sparsity/tables.js [--check]
Rewrites the tables of docs/sparsity.md from bench/results/sparsity-*.json.`;
const { values } = parseArgs({ options: { check: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const kib = (b: number) => (b / 1024).toFixed(1);
const pct = (x: number | undefined) => (x === undefined ? '-' : `${(100 * x).toFixed(2)}%`);
const times = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;

function readJson<T>(name: string): T | undefined {
  const path = join(ROOT, `bench/results/sparsity-${name}.json`);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}

interface Timing { medianMs: number; p10Ms: number }

interface LatencyRow { scope: string; density: number; form: string; bytes: number; sparseInitializerBytes?: number; mflops: number; medianMs: number; p10Ms: number; loadAvg1m: number; channelsPerGroup?: number[] }
interface LatencyJson { options: { repeats: number; batch: number; threads: number }; rows: LatencyRow[] }

function latencyTables(j: LatencyJson): Record<string, string> {
  const dense = new Map(j.rows.filter((r) => r.form === 'dense').map((r) => [`${r.scope}@${r.density}`, r]));
  const speed = (r: LatencyRow) => times(dense.get(`${r.scope}@${r.density}`)!.medianMs, r.medianMs);
  const head = j.rows.filter((r) => r.scope === 'head');
  const headTable = markdown(
    ['density', 'form', 'file KiB', 'as sparse_initializer KiB', 'MFLOPs', 'median ms', 'p10 ms', 'speed-up'],
    head.map((r) => [formatDensity(r.density), r.form, kib(r.bytes), r.sparseInitializerBytes === undefined ? '' : kib(r.sparseInitializerBytes), r.mflops.toFixed(2), r.medianMs.toFixed(3), r.p10Ms.toFixed(3), speed(r)]),
    [false, false, true, true, true, true, true, true],
  );
  // Per layer: dense, compact and structured side by side, with the effective rate.
  const scopes = [...new Set(j.rows.filter((r) => r.scope !== 'head').map((r) => r.scope))];
  const densities = [...new Set(j.rows.map((r) => r.density))];
  // Runs before the rows carried channels per group (latency.ts writes them now) get no such column.
  const perGroup = j.rows.some((r) => r.channelsPerGroup !== undefined);
  const layerRows: Cell[][] = [];
  for (const d of densities) {
    for (const s of scopes) {
      const at = (form: string) => j.rows.find((r) => r.scope === s && r.density === d && r.form === form);
      const [de, co, st, gr] = [at('dense'), at('compact'), at('structured'), at('grouped')];
      if (!de || !co || !st || !gr) continue;
      const rate = (r: LatencyRow) => ((r.mflops * 1e6) / (r.medianMs * 1e6)).toFixed(0);
      layerRows.push([s, formatDensity(d), ...(perGroup ? [gr.channelsPerGroup?.[0] ?? '-'] : []), de.medianMs.toFixed(3), `${co.medianMs.toFixed(3)} (${speed(co)})`, `${st.medianMs.toFixed(3)} (${speed(st)})`, `${gr.medianMs.toFixed(3)} (${speed(gr)})`, rate(de), rate(gr)]);
    }
  }
  const layerTable = markdown(
    ['layer', 'density', ...(perGroup ? ['input channels per group'] : []), 'dense ms', 'compact ms', 'structured ms', 'grouped only ms', 'dense GFLOP/s', 'grouped GFLOP/s'],
    layerRows, [false, false, ...(perGroup ? [true] : []), true, true, true, true, true, true, true],
  );
  return { 'latency-head': headTable, 'latency-layers': layerTable };
}

interface MlpRow {
  name: string; form: string; baseline?: string; weights: number; nonzeroWeights: number; bytes: number; flops: number; testAccuracy: number; bestTestAccuracy: number;
  latencyBatch1?: Timing; latencyBatch256?: Timing; layers?: { node: string; density: number; fo: number; fi: number }[];
}
interface MlpJson { rows: MlpRow[]; maskedDense: { bytes: number; latencyBatch1?: Timing; latencyBatch256?: Timing }; accuracyDrop: { moreThanOnePointFrom: string | null; sparsestWithinOnePoint: string | null } }

function mlpTables(j: MlpJson): Record<string, string> {
  const first = j.rows[0]!;
  // Each model against its own dense model (runs before the paper's 800-100-10 had one baseline).
  const baseOf = (r: MlpRow) => j.rows.find((b) => b.name === r.baseline) ?? first;
  const ms = (t: Timing | undefined) => (t ? t.medianMs.toFixed(4) : '-');
  const rows: Cell[][] = j.rows.map((r) => {
    const base = baseOf(r);
    return [
      r.name, r.layers ? r.layers.map((l) => formatDensity(l.density)).join(', ') : 'dense', r.weights, times(base.weights, r.weights), r.nonzeroWeights,
      pct(r.testAccuracy), signed(100 * (r.testAccuracy - base.testAccuracy)), r.bytes, times(base.bytes, r.bytes), r.flops, times(base.flops, r.flops),
      ms(r.latencyBatch1), ms(r.latencyBatch256),
    ];
  });
  rows.push(['dey, as masked dense', '', '', '', '', '', '', j.maskedDense.bytes, times(first.bytes, j.maskedDense.bytes), first.flops, '1.00x', ms(j.maskedDense.latencyBatch1), ms(j.maskedDense.latencyBatch256)]);
  return {
    mlp: markdown(
      ['model', 'density per layer', 'weights', 'fewer', 'nonzero after training', 'test accuracy', 'points vs dense', 'file bytes', 'smaller', 'FLOPs', 'fewer', 'ms, batch 1', 'ms, batch 256'],
      rows, [false, false, true, true, true, true, true, true, true, true, true, true, true],
    ),
  };
}

interface Part { bytes: number; flops: number; params: number; deviceMs: number; energyMj: number; energyAsRunMj: number; latency: Timing }
interface CnnRow { name: string; form: string; density: number; accuracy: Record<string, number>; head: Part; edge: Part }
interface CnnTarget { name: string; smaller: number; fewerFlops: number; worstPointsBelowDense: number; met: boolean }
interface CnnJson {
  options: { device: string; epochs: number; exitEpochs: number; trainImages: number }; rows: CnnRow[]; accuracyDrop: { form: string; moreThanOnePointFrom: number | null; sparsestWithinOnePoint: number | null }[];
  /** runs from per-layer densities on carry the verdict on the >= 4x within 1 point target */
  target?: CnnTarget[];
}

/** Points of accuracy `r` is below `base` on output `o` (a missing row or output counts 0%). */
const pointsBelow = (base: CnnRow, r: CnnRow | undefined, o: string) => 100 * ((base.accuracy[o] ?? 0) - (r?.accuracy[o] ?? 0));
/** The most points below `base` over `outputs`. */
const worstBelow = (base: CnnRow, r: CnnRow | undefined, outputs: readonly string[]) => Math.max(...outputs.map((o) => pointsBelow(base, r, o)));

/** The tables of one CNN run: `cnn-accuracy` and `cnn-cost` (named from `prefix`), and `-target` when the run has verdicts. */
function cnnTables(j: CnnJson, prefix = 'cnn'): Record<string, string> {
  const base = j.rows[0]!;
  const outputs = Object.keys(base.accuracy);
  const accuracy = markdown(
    ['model', ...outputs.map((o) => (o === 'logits' ? 'whole model' : o.replace('_logits', ''))), 'worst points vs dense'],
    j.rows.map((r) => [
      r.name, ...outputs.map((o) => pct(r.accuracy[o])),
      signed(-worstBelow(base, r, outputs)),
    ]),
    [false, ...outputs.map(() => true), true],
  );
  const cost = markdown(
    ['model', 'head KiB', 'head + exits KiB', 'smaller', 'head + exits MFLOPs', 'fewer', 'params (head + exits)', 'head ms', 'head + exits ms', 'speed-up', `energy mJ (${j.options.device})`, 'energy mJ as ORT runs it'],
    j.rows.map((r) => [
      r.name, kib(r.head.bytes), kib(r.edge.bytes), times(base.edge.bytes, r.edge.bytes), (r.edge.flops / 1e6).toFixed(2), times(base.edge.flops, r.edge.flops), r.edge.params,
      r.head.latency.medianMs.toFixed(3), r.edge.latency.medianMs.toFixed(3), times(base.edge.latency.medianMs, r.edge.latency.medianMs), r.edge.energyMj.toFixed(2), r.edge.energyAsRunMj.toFixed(2),
    ]),
    [false, true, true, true, true, true, true, true, true, true, true, true],
  );
  const out: Record<string, string> = { [`${prefix}-accuracy`]: accuracy, [`${prefix}-cost`]: cost };
  if (j.target) {
    // The model's accuracy (its main output) and its exits' apart: the target reads "within 1 point of dense accuracy".
    const main = outputs[0]!; // the model's output comes first, then its exits
    out[`${prefix}-target`] = markdown(
      ['model', 'head + exits smaller', 'FLOPs fewer', 'model: points below dense', 'worst exit: points below', '>= 4x, the model within 1 point', 'and every exit within 1 point'],
      j.target.map((t) => {
        const r = j.rows.find((x) => x.name === t.name);
        const model = pointsBelow(base, r, main);
        const exits = worstBelow(base, r, outputs.slice(1));
        const fourX = t.smaller >= 4 && t.fewerFlops >= 4;
        return [t.name, `${t.smaller.toFixed(2)}x`, `${t.fewerFlops.toFixed(2)}x`, model.toFixed(2), outputs.length > 1 ? exits.toFixed(2) : '-', fourX && model <= 1 ? 'yes' : 'no', t.met ? 'yes' : 'no'];
      }),
      [false, true, true, true, true, false, false],
    );
  }
  return out;
}

/** The same models trained for longer: accuracy and the worst drop against each run's own dense model. */
function budgetTable(runs: readonly CnnJson[]): string {
  const names = [...new Set(runs.flatMap((j) => j.rows.map((r) => r.name)))];
  const outputs = Object.keys(runs[0]!.rows[0]!.accuracy);
  const rows: Cell[][] = [];
  for (const name of names) {
    for (const j of runs) {
      const r = j.rows.find((x) => x.name === name);
      if (!r) continue;
      const base = j.rows[0]!;
      const worst = -worstBelow(base, r, outputs);
      rows.push([name, `${j.options.epochs} + ${j.options.exitEpochs} on ${j.options.trainImages}`, ...outputs.map((o) => pct(r.accuracy[o])), signed(worst)]);
    }
  }
  return markdown(
    ['model', 'epochs: backbone + exits, on images', ...outputs.map((o) => (o === 'logits' ? 'whole model' : o.replace('_logits', ''))), 'worst points vs dense'],
    rows, [false, false, ...outputs.map(() => true), true],
  );
}

const tables: Record<string, string> = {};
const latency = readJson<LatencyJson>('latency');
if (latency) Object.assign(tables, latencyTables(latency));
const mlp = readJson<MlpJson>('mlp');
if (mlp) Object.assign(tables, mlpTables(mlp));
const cnn = readJson<CnnJson>('cnn');
if (cnn) Object.assign(tables, cnnTables(cnn));
const cnnTarget = readJson<CnnJson>('cnn-target');
if (cnnTarget) Object.assign(tables, cnnTables(cnnTarget, 'cnn-target'));
const cnnUniform = readJson<CnnJson>('cnn-uniform');
if (cnnUniform) Object.assign(tables, cnnTables(cnnUniform, 'cnn-uniform'));
const cnnTargetShort = readJson<CnnJson>('cnn-target-e4');
if (cnnTarget && cnnTargetShort) tables['cnn-target-budget'] = budgetTable([cnnTargetShort, cnnTarget]);

updatePage(join(ROOT, 'docs/sparsity.md'), tables, values.check, 'bench/sparsity/tables.js');
