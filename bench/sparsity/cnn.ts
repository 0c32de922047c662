/**
 * bench/sparsity/cnn: the small VGG on Fashion-MNIST, split at a cut (default block3.pool)
 * with early exits in the head (default after block1.pool and block2.pool, "conv" branches),
 * its head and exits made sparse before training at densities 1/2, 1/4, 1/8, unstructured
 * (compact) and structured (grouped), against the dense model with the same seed, data order
 * and epochs. The tail stays dense.
 *
 * Per model: test accuracy (Fashion-MNIST's 10,000 held-out images) of the whole model and of
 * each exit; of the edge part (head alone, and head + exits): file bytes, FLOPs and params
 * counted from nonzeros, the median ONNX Runtime latency of one inference here (batch 1, one
 * thread, all models interleaved), and the energy of one inference on a device profile
 * (busy power x roofline time; "as run": a compact layer counted dense, as ORT runs it once
 * the mask is folded into the weight). Also the density from which accuracy drops by more
 * than 1 point against dense, per form.
 *
 * A density list item may name layers that take another density than the rest: `1/4;block3.conv1=1/8`
 * (the head's and exits' convs at 1/4, block3.conv1 at 1/8). Each exit's classifier (its last
 * Gemm, 10 outputs) stays dense, as the output junction of Dey et al.'s MLP does (fo = 10 of 10):
 * it holds a few hundred weights, and at 1/2 every class would read half of the features.
 *
 * Training: the backbone first (Adam lr 1e-3, cosine, batch 64, BN in training mode); then
 * the exits are added (exits/), made sparse like the head, and trained together on the frozen
 * backbone as `cleave exits train` does (trainExits: only the branches' weights, the branches'
 * BN in training mode, the backbone's outputs unchanged). Accuracy is measured once, after
 * training, on the test set (no per-epoch evaluation: it would cost more than it tells).
 * Prints tables; writes bench/results/sparsity-cnn.json.
 *
 *   npm run build && node build/bench/sparsity/cnn.js [--epochs E] [--exit-epochs X] [--limit N]
 *     [--densities D1,D2] [--cut T] [--exits T1,T2 | --no-exits] [--device NAME] [--seed S]
 *     [--threads T] [--repeats R] [--quick]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { table } from '../../src/cli/format.js';
import { loadDataset } from '../../src/data/datasets.js';
import { addExits } from '../../src/exits/add.js';
import { trainExits } from '../../src/exits/train-exits.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { smallVgg } from '../../src/models/small-vgg.js';
import { writeModel } from '../../src/onnx/model-file.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { getDevice } from '../../src/profile/device-catalogue.js';
import { randomFeeds } from '../../src/runtime/random-feeds.js';
import { densify } from '../../src/sparsity/densify.js';
import { formatDensity } from '../../src/sparsity/degrees.js';
import { sparsify } from '../../src/sparsity/sparsify.js';
import { fit } from '../../src/train/fit.js';
import type { OptimizerSpec } from '../../src/train/optimizers.js';
import {
  accuracies, type DensitySpec, deviceLatencyMs, fileBytes, formatSpec, load1m, machine, machineLine, parseDensitySpecs, positiveInt, sparseAnalysis, subModel, timeModels, writeResult,
} from './shared.js';

const USAGE = `Usage: node build/bench/sparsity/cnn.js [options]
  --epochs E       backbone training epochs (default 3)
  --exit-epochs X  epochs of each exit on the frozen backbone (default 1)
  --limit N        train on the first N of the 60,000 training images (default all)
  --densities D,D  densities of the head and exits (default 1/2,1/4,1/8,1/4;block3.conv1=1/8;block3.conv2=1/8);
                   an item D;layer=D2;... gives the named layers D2 and the others D
  --cut T          the head ends at tensor T (default block3.pool)
  --exits T1,T2    exits after these tensors (default block1.pool,block2.pool)
  --no-exits       no exits: the head alone
  --device NAME    device profile for the energy (default raspberry-pi-4)
  --seed S         weights, masks and data order (default 1)
  --threads T      ORT threads for training and evaluation (default 2); latency runs on 1
  --repeats R      timed rounds per model (default 200)
  --forms F,F      sparse forms to train: compact, structured (default both)
  --save DIR       also write each trained model (with its exits) to DIR/<model>.onnx
  --out NAME       write bench/results/sparsity-NAME.json (default cnn)
  --quick          1 epoch on 3,000 images, 1,000 test images, density 1/4, 30 rounds (a smoke run)
  --help           this text
Writes bench/results/sparsity-NAME.json.`;

const { values } = parseArgs({
  options: {
    epochs: { type: 'string' }, 'exit-epochs': { type: 'string' }, limit: { type: 'string' }, densities: { type: 'string' },
    cut: { type: 'string', default: 'block3.pool' }, exits: { type: 'string', default: 'block1.pool,block2.pool' }, 'no-exits': { type: 'boolean', default: false },
    device: { type: 'string', default: 'raspberry-pi-4' }, seed: { type: 'string', default: '1' }, threads: { type: 'string', default: '2' },
    repeats: { type: 'string' }, out: { type: 'string', default: 'cnn' }, forms: { type: 'string', default: 'compact,structured' }, save: { type: 'string' }, quick: { type: 'boolean', default: false }, help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const quick = values.quick ?? false;
const epochs = positiveInt(values.epochs ?? (quick ? '1' : '3'), 'epochs', USAGE);
const exitEpochs = positiveInt(values['exit-epochs'] ?? '1', 'exit-epochs', USAGE);
const limit = values.limit === undefined ? (quick ? 3000 : undefined) : positiveInt(values.limit, 'limit', USAGE);
const densities = parseDensitySpecs(values.densities ?? (quick ? '1/4' : '1/2,1/4,1/8,1/4;block3.conv1=1/8;block3.conv2=1/8'), USAGE);
const cut = values.cut as string;
const exitsAt = values['no-exits'] ? [] : (values.exits as string).split(',').map((t) => t.trim()).filter(Boolean);
const device = getDevice(values.device as string);
const seed = positiveInt(values.seed, 'seed', USAGE, 0);
const threads = positiveInt(values.threads, 'threads', USAGE);
const repeats = positiveInt(values.repeats ?? (quick ? '30' : '200'), 'repeats', USAGE);
const BATCH = 64;
const OPTIMIZER: OptimizerSpec = { kind: 'adam', lr: 1e-3 };

const m = machine();
console.log(`small VGG on Fashion-MNIST, cut at ${cut}, exits after ${exitsAt.join(', ') || '(none)'}; ${epochs} epoch(s) + ${exitEpochs} per exit, batch ${BATCH}, Adam lr ${OPTIMIZER.lr} (cosine), seed ${seed}`);
console.log(`${machineLine(m)}\n`);

const train = loadDataset('fashion-mnist', 'train', { limit });
const test = loadDataset('fashion-mnist', 'test', { limit: quick ? 1000 : undefined });

interface Config {
  readonly name: string;
  readonly form: 'dense' | 'compact' | 'structured';
  /** the density of every selected layer but those in `spec.layers` */
  readonly density: number;
  readonly spec: DensitySpec;
}
const forms = (values.forms as string).split(',').map((f) => f.trim());
if (forms.length === 0 || forms.some((f) => f !== 'compact' && f !== 'structured')) {
  console.error(`--forms must be compact, structured or both, got "${values.forms}"\n${USAGE}`);
  process.exit(2);
}
const configs: Config[] = [
  { name: 'dense', form: 'dense', density: 1, spec: { density: 1, layers: {} } },
  ...densities.flatMap((spec): Config[] => (forms as ('compact' | 'structured')[]).map((form) => ({ name: `${form} ${formatSpec(spec)}`, form, density: spec.density, spec }))),
];

/** The density of each of `layers` under `spec`. */
function perLayer(layers: readonly string[], spec: DensitySpec): Record<string, number> {
  return Object.fromEntries(layers.map((l) => [l, spec.layers[l] ?? spec.density]));
}

// The layers made sparse: the head's (every Conv/Gemm/MatMul before the cut) and the exits'
// convs (each branch's classifier, its Gemm, stays dense: see the header). A layer a density
// spec names must be one of them; checked before hours of training.
const headLayers = sparsify(smallVgg({ seed }), { density: 1 / 2, seed, headOf: cut }).layers.map((l) => l.node);
const exitLayers = exitsAt.length
  ? (await addExits(smallVgg({ seed }), { at: exitsAt }, { branch: 'conv', seed })).model.graph.node.filter((n) => n.name.startsWith('exit_') && n.opType === 'Conv').map((n) => n.name)
  : [];
for (const spec of densities) {
  const stray = Object.keys(spec.layers).filter((l) => !headLayers.includes(l) && !exitLayers.includes(l));
  if (stray.length) {
    console.error(`--densities names ${stray.map((l) => `"${l}"`).join(', ')}, not a Conv/Gemm/MatMul of the head or a conv of an exit; those are: ${[...headLayers, ...exitLayers].join(', ')}\n${USAGE}`);
    process.exit(2);
  }
}

interface EpochLine { readonly epoch: number; readonly loss: number; readonly trainAccuracy: number; readonly seconds: number }
const epochLine = (e: EpochLine): EpochLine => ({ epoch: e.epoch, loss: e.loss, trainAccuracy: e.trainAccuracy, seconds: e.seconds });
const log = (name: string) => (e: EpochLine) =>
  console.log(`${name} epoch ${e.epoch}: loss ${e.loss.toFixed(4)}, train ${(100 * e.trainAccuracy).toFixed(2)}%, ${e.seconds.toFixed(0)} s, load ${load1m().toFixed(1)}`);

interface Trained {
  readonly config: Config;
  readonly model: ModelProto;
  readonly exitOutputs: readonly string[];
  readonly backboneHistory: readonly EpochLine[];
  readonly exitHistory: readonly EpochLine[];
  readonly layers: readonly { node: string; density: number; kept: number; weights: number; groups?: number; note?: string }[];
  readonly loadAvg1m: { readonly start: number; readonly end: number };
}

/** Trained backbones by form and head densities: configs that differ only in their exits share one. */
const backbones = new Map<string, { readonly model: ModelProto; readonly layers: Trained['layers']; readonly history: readonly EpochLine[] }>();

async function run(c: Config): Promise<Trained> {
  const start = load1m();
  const sparseOptions = { seed, structured: c.form === 'structured' };
  const dense = smallVgg({ seed });
  const headDensities = c.form === 'dense' ? {} : perLayer(headLayers, c.spec);
  const key = `${c.form} ${JSON.stringify(headDensities)}`;
  let trained = backbones.get(key);
  if (trained) console.log(`${c.name}: the backbone trained for a config with the same head densities`);
  else {
    const backbone = c.form === 'dense' ? { model: dense, layers: [] } : sparsify(dense, { ...sparseOptions, density: headDensities });
    const fitted = await fit(backbone.model, train, undefined, {
      batch: BATCH, optimizer: OPTIMIZER, epochs, seed, schedule: 'cosine', threads, onEpoch: log(c.name),
    });
    trained = { model: fitted.model, layers: backbone.layers, history: fitted.history.map(epochLine) };
    backbones.set(key, trained);
  }
  let model = trained.model;
  let layers = [...trained.layers];
  const exitOutputs: string[] = [];
  let exitHistory: EpochLine[] = [];
  if (exitsAt.length) {
    const added = await addExits(model, { at: exitsAt }, { branch: 'conv', seed });
    model = added.model;
    exitOutputs.push(...added.exits.map((e) => e.output));
    if (c.form !== 'dense') {
      const s = sparsify(model, { ...sparseOptions, density: perLayer(exitLayers, c.spec) });
      model = s.model;
      layers = [...layers, ...s.layers];
    }
    const r = await trainExits(model, train, undefined, {
      batch: BATCH, optimizer: OPTIMIZER, epochs: exitEpochs, seed, schedule: 'cosine', threads, onEpoch: log(`${c.name} exits`),
    });
    model = r.model;
    exitHistory = r.history.map(epochLine);
  }
  return {
    config: c, model, exitOutputs,
    backboneHistory: trained.history,
    exitHistory,
    layers: layers.map((l) => ({ node: l.node, density: l.density, kept: l.kept, weights: l.weights, ...(l.groups ? { groups: l.groups } : {}), ...(l.note ? { note: l.note } : {}) })),
    loadAvg1m: { start, end: load1m() },
  };
}

const outputsOf = (r: Trained) => [graphFromModel(r.model).outputs[0]!.name, ...r.exitOutputs];
const runs: (Trained & { readonly accuracy: Record<string, number> })[] = [];
for (const c of configs) {
  const r = await run(c);
  // Measured as each model is done, so a long run says how it goes.
  const acc = await accuracies(r.model, test, outputsOf(r), 'input', 500, threads);
  runs.push({ ...r, accuracy: acc });
  console.log(`${c.name}: test accuracy ${Object.entries(acc).map(([o, a]) => `${o} ${(100 * a).toFixed(2)}%`).join(', ')}`);
  if (values.save !== undefined) writeModel(join(values.save, `${c.name.replace(/[^\w.=-]+/g, '_')}.onnx`), r.model);
}

/** Edge figures of one part (the head, or the head with its exits). */
function part(model: ModelProto, form: Config['form']) {
  const a = sparseAnalysis(model, 1);
  // ORT folds a compact layer's mask into a dense weight at load and runs the dense layer.
  const asRun = form === 'compact' ? densify(model) : model;
  const ms = deviceLatencyMs(model, device);
  const asRunMs = deviceLatencyMs(asRun, device);
  return {
    bytes: fileBytes(model), flops: a.totals.flops, params: a.totals.params,
    deviceMs: ms, energyMj: device.busyW * ms, energyAsRunMj: device.busyW * asRunMs,
  };
}

interface Row {
  readonly name: string;
  readonly form: Config['form'];
  readonly density: number;
  readonly densities: Readonly<Record<string, number>>;
  readonly accuracy: Record<string, number>;
  readonly head: ReturnType<typeof part>;
  readonly edge: ReturnType<typeof part>;
  readonly run: Trained;
}
const rows: Row[] = [];
const heads: Record<string, ModelProto> = {};
const edges: Record<string, ModelProto> = {};
for (const r of runs) {
  const head = subModel(r.model, [cut]);
  const edge = subModel(r.model, [cut, ...r.exitOutputs]);
  heads[r.config.name] = head;
  edges[r.config.name] = edge;
  rows.push({ name: r.config.name, form: r.config.form, density: r.config.density, densities: r.config.spec.layers, accuracy: r.accuracy, head: part(head, r.config.form), edge: part(edge, r.config.form), run: r });
}
const feeds = randomFeeds(graphFromModel(heads.dense!), sparseAnalysis(heads.dense!, 1).inference, seed);
const timingLoad = load1m();
const headTimes = await timeModels(heads, feeds, { repeats, threads: 1 });
const edgeTimes = exitsAt.length ? await timeModels(edges, feeds, { repeats, threads: 1 }) : headTimes;

const main = 'logits';
const base = rows[0]!;
const pct = (x: number | undefined) => (x === undefined ? '' : `${(100 * x).toFixed(2)}%`);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
console.log(`\nFashion-MNIST test set (${test.count} images); latency: batch 1, 1 ORT thread, median of ${repeats} rounds, load ${timingLoad.toFixed(1)}; energy on ${device.name} (${device.busyW} W busy)`);
console.log(table(
  ['model', 'whole acc', 'vs dense', ...runs[0]!.exitOutputs.map((o) => `${o.replace('_logits', '')} acc`), 'head KiB', 'head+exits KiB', 'smaller', 'head+exits MFLOPs', 'fewer', 'head ms', 'head+exits ms', 'speed-up', 'mJ', 'mJ as run'],
  rows.map((r) => [
    r.name, pct(r.accuracy[main]), (100 * ((r.accuracy[main] ?? 0) - (base.accuracy[main] ?? 0))).toFixed(2), ...r.run.exitOutputs.map((o) => pct(r.accuracy[o])),
    (r.head.bytes / 1024).toFixed(1), (r.edge.bytes / 1024).toFixed(1), ratio(base.edge.bytes, r.edge.bytes), (r.edge.flops / 1e6).toFixed(2), ratio(base.edge.flops, r.edge.flops),
    headTimes[r.name]!.medianMs.toFixed(3), edgeTimes[r.name]!.medianMs.toFixed(3), ratio(edgeTimes.dense!.medianMs, edgeTimes[r.name]!.medianMs),
    r.edge.energyMj.toFixed(3), r.edge.energyAsRunMj.toFixed(3),
  ]),
));

/** Points of accuracy `r` is below dense on output `o`; the most over all outputs (the model and its exits). */
const below = (r: Row, o: string) => 100 * ((base.accuracy[o] ?? 0) - (r.accuracy[o] ?? 0));
const worst = (r: Row) => Math.max(...Object.keys(base.accuracy).map((o) => below(r, o)));

/** Per form: the first density (densest first) whose whole-model or exit accuracy is more than 1 point below dense. */
const drops = (['compact', 'structured'] as const).map((form) => {
  const byDensity = rows.filter((r) => r.form === form && Object.keys(r.densities).length === 0).sort((a, b) => b.density - a.density);
  const first = byDensity.find((r) => worst(r) > 1);
  const within = [...byDensity].reverse().find((r) => worst(r) <= 1);
  console.log(`${form}: more than 1 point below dense (whole model or an exit) from density ${first ? formatDensity(first.density) : '- (none measured)'}; sparsest within 1 point: ${within ? formatDensity(within.density) : 'none'}`);
  return { form, moreThanOnePointFrom: first?.density ?? null, sparsestWithinOnePoint: within?.density ?? null };
});

/** Per sparse model: does it meet the issue's target, >= 4x less storage and FLOPs on head + exits within 1 point of dense accuracy: the model's (modelMet), and every exit's too (met)? */
const target = rows.filter((r) => r.form !== 'dense').map((r) => {
  const smaller = base.edge.bytes / r.edge.bytes;
  const fewer = base.edge.flops / r.edge.flops;
  const worstPoints = worst(r);
  const modelPoints = below(r, main);
  const met = smaller >= 4 && fewer >= 4 && worstPoints <= 1;
  const modelMet = smaller >= 4 && fewer >= 4 && modelPoints <= 1;
  console.log(`${r.name}: ${smaller.toFixed(2)}x smaller, ${fewer.toFixed(2)}x fewer FLOPs, the model ${modelPoints.toFixed(2)} and the worst output ${worstPoints.toFixed(2)} points below dense: target ${modelMet ? 'met' : 'not met'} for the model, ${met ? 'met' : 'not met'} for every exit too`);
  return { name: r.name, smaller, fewerFlops: fewer, modelPointsBelowDense: modelPoints, worstPointsBelowDense: worstPoints, modelMet, met };
});

writeResult(values.out as string, {
  machine: m,
  options: {
    epochs, exitEpochs, limit: limit ?? null, trainImages: train.count, testImages: test.count, densities, cut, exits: exitsAt, exitBranch: 'conv',
    device: device.name, seed, threads, batch: BATCH, optimizer: OPTIMIZER, schedule: 'cosine', latency: { batch: 1, threads: 1, repeats, loadAvg1m: timingLoad },
  },
  rows: rows.map((r) => ({
    name: r.name, form: r.form, density: r.density, densities: r.densities, accuracy: r.accuracy, head: { ...r.head, latency: headTimes[r.name] }, edge: { ...r.edge, latency: edgeTimes[r.name] },
    layers: r.run.layers, backboneHistory: r.run.backboneHistory, exitHistory: r.run.exitHistory, loadAvg1m: r.run.loadAvg1m,
  })),
  accuracyDrop: drops,
  target,
});
