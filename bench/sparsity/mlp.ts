/**
 * bench/sparsity/mlp: Dey et al.'s MNIST MLP (800-40-40-10, out-degrees fo = [2, 9, 10]:
 * 2,360 of 34,000 weights) trained by cleave's trainer on real MNIST against the dense MLP
 * with the same seed, data order and epochs (Adam lr 1e-3, batch 256, as their code), and a
 * sweep of uniform densities on fc1 and fc2 to find where accuracy starts to drop.
 *
 * Models: dense; dey (Dey's degrees, stored compact: packed kept weights + a bit mask);
 * dey-structured (the nearest densities 1/G per layer as block-diagonal MatMuls: fc1 1/20, fc2
 * 1/4 for 9/40); uniform D (fc1 and fc2 at density D, fc3 dense, compact) for each --densities.
 * For each: test accuracy on MNIST's 10,000 held-out digits (per epoch and final), weights
 * kept, file bytes, FLOPs counted from nonzeros, and the ONNX Runtime latency of one inference
 * at batch 1 and of a batch of 256 (the masked dense form of Dey's model timed beside them).
 * Also the configuration the paper reports (800-100-10, fo = [50, 10]: 97.97% against 98.09%
 * dense), dense and sparse, each compared with its own dense model.
 * Prints tables; writes bench/results/sparsity-mlp.json.
 *
 *   npm run build && node build/bench/sparsity/mlp.js [--epochs E] [--seed S] [--limit N]
 *     [--densities D1,D2] [--threads T] [--repeats R] [--quick]
 */
import { parseArgs } from 'node:util';
import { table } from '../../src/cli/format.js';
import { loadDataset } from '../../src/data/datasets.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { tensorValue } from '../../src/onnx/tensor.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { randomFeeds } from '../../src/runtime/random-feeds.js';
import { densify } from '../../src/sparsity/densify.js';
import { formatDensity } from '../../src/sparsity/degrees.js';
import { type SparseLayerReport, sparsify } from '../../src/sparsity/sparsify.js';
import { fit, type EpochStats } from '../../src/train/fit.js';
import { deyDensities, deyMlp, PAPER_OUT_DEGREES, PAPER_WIDTHS } from './dey-mlp.js';
import { countedFlops, fileBytes, load1m, machine, machineLine, parseDensities, positiveInt, sparseAnalysis, type Timing, timeModels, writeResult } from './shared.js';

const USAGE = `Usage: node build/bench/sparsity/mlp.js [options]
  --epochs E       training epochs of each model (default 20; Dey et al. ran 50)
  --seed S         weights, masks and data order (default 1)
  --limit N        train on the first N of MNIST's 60,000 training digits (default all)
  --densities D,D  the uniform sweep on fc1 and fc2 (default 1/2,1/4,1/8; "none" for none)
  --threads T      ORT threads for training (default 2); latency runs on 1
  --repeats R      timed inference rounds (default 300)
  --quick          2 epochs on 6,000 digits, density 1/4 only, 50 rounds (a smoke run)
  --help           this text
Writes bench/results/sparsity-mlp.json.`;

const { values } = parseArgs({
  options: {
    epochs: { type: 'string' }, seed: { type: 'string', default: '1' }, limit: { type: 'string' }, densities: { type: 'string' },
    threads: { type: 'string', default: '2' }, repeats: { type: 'string' }, quick: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const quick = values.quick ?? false;
const epochs = positiveInt(values.epochs ?? (quick ? '2' : '20'), 'epochs', USAGE);
const seed = positiveInt(values.seed, 'seed', USAGE, 0);
const limit = values.limit === undefined ? (quick ? 6000 : undefined) : positiveInt(values.limit, 'limit', USAGE);
const densities = values.densities === 'none' ? [] : parseDensities(values.densities ?? (quick ? '1/4' : '1/2,1/4,1/8'), USAGE);
const threads = positiveInt(values.threads, 'threads', USAGE);
const repeats = positiveInt(values.repeats ?? (quick ? '50' : '300'), 'repeats', USAGE);
const BATCH = 256;
const LR = 1e-3;
const LATENCY_BATCHES = [1, BATCH] as const;

const m = machine();
console.log(`Dey et al.'s MNIST MLP 800-40-40-10, fo = [2, 9, 10], and the paper's 800-100-10, fo = [50, 10]; Adam lr ${LR}, batch ${BATCH}, ${epochs} epochs, seed ${seed}`);
console.log(`${machineLine(m)}\n`);

interface Config {
  readonly name: string;
  readonly model: ModelProto;
  readonly form: 'dense' | 'compact' | 'structured';
  readonly layers?: readonly SparseLayerReport[];
  /** the dense model this one is compared with (its name) */
  readonly baseline: string;
}

const dense = deyMlp(seed);
const paperDense = deyMlp(seed, PAPER_WIDTHS);
const PAPER = `dense ${PAPER_WIDTHS.join('-')}`;
const sparseConfig = (name: string, density: Readonly<Record<string, number>>, structured = false, from = dense, baseline = 'dense'): Config => {
  const r = sparsify(from, { density, seed, structured });
  return { name, model: r.model, form: structured ? 'structured' : 'compact', layers: r.layers, baseline };
};
const configs: Config[] = [
  { name: 'dense', model: dense, form: 'dense', baseline: 'dense' },
  sparseConfig('dey', deyDensities()),
  sparseConfig('dey-structured', deyDensities(), true),
  ...densities.map((d) => sparseConfig(`uniform ${formatDensity(d)}`, { fc1: d, fc2: d, fc3: 1 })),
  { name: PAPER, model: paperDense, form: 'dense', baseline: PAPER },
  sparseConfig(`dey ${PAPER_WIDTHS.join('-')}`, deyDensities(PAPER_WIDTHS, PAPER_OUT_DEGREES), false, paperDense, PAPER),
];
const train = loadDataset('mnist', 'train', { limit });
const test = loadDataset('mnist', 'test');

interface Trained {
  readonly model: ModelProto;
  readonly history: readonly EpochStats[];
  readonly loadAvg1m: { readonly start: number; readonly end: number };
}

async function trained(c: Config): Promise<Trained> {
  const start = load1m();
  const r = await fit(c.model, train, test, {
    batch: BATCH, optimizer: { kind: 'adam', lr: LR }, epochs, seed, threads,
    onEpoch: (e) => console.log(`${c.name} epoch ${e.epoch}/${epochs}: loss ${e.loss.toFixed(4)}, test ${(100 * (e.testAccuracy ?? 0)).toFixed(2)}%, ${e.seconds.toFixed(1)} s`),
  });
  return { model: r.model, history: r.history, loadAvg1m: { start, end: load1m() } };
}

const runs: Trained[] = [];
for (const c of configs) runs.push(await trained(c));

/** Gemm weights that are nonzero after training, read from the masked dense form. */
function nonzeroWeights(model: ModelProto): number {
  const masked = densify(model);
  const weights = new Set(masked.graph.node.filter((n) => n.opType === 'Gemm').map((n) => n.input[1]!));
  let count = 0;
  for (const t of masked.graph.initializer) {
    if (!weights.has(t.name)) continue;
    const v = tensorValue(t).data;
    for (let i = 0; i < v.length; i++) if (v[i] !== 0) count++;
  }
  return count;
}

const deyIndex = configs.findIndex((c) => c.name === 'dey');
const timed: Record<string, ModelProto> = Object.fromEntries(configs.map((c, i) => [c.name, runs[i]!.model]));
timed['dey masked-dense'] = densify(runs[deyIndex]!.model);
const latency: Record<number, { loadAvg1m: number; times: Record<string, Timing> }> = {};
for (const batch of LATENCY_BATCHES) {
  const graph = graphFromModel(dense);
  const loadAvg1m = load1m();
  latency[batch] = { loadAvg1m, times: await timeModels(timed, randomFeeds(graph, sparseAnalysis(dense, batch).inference, seed), { repeats, threads: 1 }) };
}

/** Weights of each dense model, from a sparse model of it (its layers' full sizes). */
const denseWeights = (baseline: string) => (configs.find((c) => c.baseline === baseline && c.layers)?.layers ?? []).reduce((s, l) => s + l.weights, 0);
const rows = configs.map((c, i) => {
  const run = runs[i]!;
  const last = run.history[run.history.length - 1];
  return {
    name: c.name,
    form: c.form,
    baseline: c.baseline,
    weights: c.layers ? c.layers.reduce((s, l) => s + l.kept, 0) : denseWeights(c.baseline),
    nonzeroWeights: nonzeroWeights(run.model),
    bytes: fileBytes(run.model),
    flops: countedFlops(run.model, 1),
    testAccuracy: last?.testAccuracy ?? 0,
    bestTestAccuracy: Math.max(...run.history.map((e) => e.testAccuracy ?? 0)),
    latencyBatch1: latency[1]?.times[c.name],
    latencyBatch256: latency[BATCH]?.times[c.name],
    trainSeconds: run.history.reduce((s, e) => s + e.seconds, 0),
    loadAvg1m: run.loadAvg1m,
    history: run.history.map((e) => ({ epoch: e.epoch, loss: e.loss, trainAccuracy: e.trainAccuracy, testAccuracy: e.testAccuracy, seconds: e.seconds })),
    ...(c.layers ? {
      layers: c.layers.map((l) => ({
        node: l.node, inputs: l.inputs, outputs: l.outputs, fo: l.fo, fi: l.fi, askedDensity: l.askedDensity, density: l.density, weights: l.weights, kept: l.kept,
        ...(l.groups ? { groups: l.groups } : {}), ...(l.note ? { note: l.note } : {}),
      })),
    } : {}),
  };
});
const maskedDense = { bytes: fileBytes(timed['dey masked-dense'] as ModelProto), latencyBatch1: latency[1]?.times['dey masked-dense'], latencyBatch256: latency[BATCH]?.times['dey masked-dense'] };

const baseOf = (r: (typeof rows)[number]) => rows.find((b) => b.name === r.baseline)!; // every baseline is a config's name
/** Dey's 800-40-40-10 family, ordered from dense to sparsest: the first model more than 1 point below dense, and the sparsest within 1 point. */
const bySize = rows.filter((r) => r.baseline === 'dense').sort((a, b) => b.weights - a.weights);
const drop = (r: (typeof rows)[number]) => 100 * (baseOf(r).testAccuracy - r.testAccuracy);
const firstDrop = bySize.find((r) => drop(r) > 1);
const sparsestWithin = [...bySize].reverse().find((r) => drop(r) <= 1);

const ms = (t: Timing | undefined) => (t ? t.medianMs.toFixed(4) : '');
console.log(`\nMNIST test set (${test.count} digits), after ${epochs} epochs; latency: 1 ORT thread, median of ${repeats} rounds, load ${latency[1]?.loadAvg1m.toFixed(1)}`);
console.log(table(
  ['model', 'densities', 'weights', 'fewer', 'test acc', 'vs dense', 'bytes', 'smaller', 'FLOPs', 'ms batch 1', 'ms batch 256'],
  [
    ...rows.map((r, i) => [
      r.name, configs[i]?.layers ? configs[i].layers.map((l) => formatDensity(l.density)).join(' ') : 'dense', r.weights, `${(baseOf(r).weights / r.weights).toFixed(1)}x`,
      `${(100 * r.testAccuracy).toFixed(2)}%`, `${(-drop(r)).toFixed(2)}`, r.bytes, `${(baseOf(r).bytes / r.bytes).toFixed(1)}x`, r.flops, ms(r.latencyBatch1), ms(r.latencyBatch256),
    ]),
    ['dey masked-dense', '', '', '', '', '', maskedDense.bytes, `${(rows[0]!.bytes / maskedDense.bytes).toFixed(1)}x`, rows[0]!.flops, ms(maskedDense.latencyBatch1), ms(maskedDense.latencyBatch256)],
  ],
));
console.log(`more than 1 point below dense from: ${firstDrop ? `${firstDrop.name} (${firstDrop.weights} weights)` : 'none'}; sparsest within 1 point: ${sparsestWithin ? `${sparsestWithin.name} (${sparsestWithin.weights} weights)` : 'none'}`);

writeResult('mlp', {
  machine: m,
  options: { epochs, seed, limit: limit ?? null, trainImages: train.count, testImages: test.count, batch: BATCH, optimizer: { kind: 'adam', lr: LR }, threads, densities, latency: { threads: 1, repeats, batches: LATENCY_BATCHES, loadAvg1m: Object.fromEntries(Object.entries(latency).map(([b, l]) => [b, l.loadAvg1m])) } },
  rows,
  maskedDense,
  accuracyDrop: { moreThanOnePointFrom: firstDrop?.name ?? null, sparsestWithinOnePoint: sparsestWithin?.name ?? null },
});
