// bench/exits: early exits and POPEX on a model cleave trained (the small VGG on Fashion-MNIST,
// models/small-vgg-fashion.onnx) with K exits added by FLOPs and trained on the frozen backbone.
// The exits are calibrated (a temperature each) on the first half of the test split; every
// statistic used to plan (the "expected" figures) comes from that half, every "measured" figure
// from the second half. Times per layer are measured here with ORT's profiler (one thread,
// graph optimisations off, so each kernel is one ONNX node). As in POPEX (t_edge = gamma
// t_cloud), those are the cloud's times and the edge is gamma times slower; the grid is also
// computed with them as the edge's and the cloud gamma times faster. The upload is
// 8 bytes / rate. Measured time = those per-layer times
// along each evaluation sample's actual path (which exit answered it, whether it was uploaded)
// plus the transfer formula; no network is run. Grid: uplink 1.1, 5.85, 18.8 Mbit/s x gamma
// 10, 100, 1000 (POPEX's), for clean images and under Gaussian noise and blur.
// Usage: node build/bench/exits/run.js [--help] [--exits K] [--train-limit N] [--epochs E]
//        [--images N] [--repeats R] [--refresh]
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { analyze } from '../../src/analysis/analyze.js';
import { loadFashionMnist } from '../../src/data/datasets.js';
import { addExits } from '../../src/exits/add.js';
import { calibrateExits } from '../../src/exits/calibrate-model.js';
import type { LogitSet } from '../../src/exits/calibration.js';
import { type Distortion, distortionLabel } from '../../src/exits/distortion.js';
import { exitLayers } from '../../src/exits/exit-layers.js';
import { exitLogits } from '../../src/exits/exit-logits.js';
import type { SampleMatrix } from '../../src/exits/exit-samples.js';
import { heldOutPart } from '../../src/exits/held-out.js';
import { DEFAULT_TAUS, exitAccuracies, sampleMatrix } from '../../src/exits/policy.js';
import { exitStructure } from '../../src/exits/structure.js';
import { trainExits } from '../../src/exits/train-exits.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { readModel, writeModel } from '../../src/onnx/model-file.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { profileModel } from '../../src/profile/profile-model.js';
import { type Chain, type Choice, type Figures, jointChoice, measure, popexChoice, withoutExits } from './paths.js';
import { type ExitsBench, printTables } from './tables.js';

const HELP = `Usage: node build/bench/exits/run.js [options]

Early exits and POPEX on the small VGG (Fashion-MNIST): exits added and trained, calibrated,
profiled per layer with ORT; expected (planning half) and measured (evaluation half) time and
accuracy of edge-only, cloud-only, the best cut without exits, POPEX (p_tar on every exit) with
uncalibrated and calibrated exits, and cleave's joint plan, over uplink x gamma, clean and
distorted. Prints the tables and writes bench/results/exits.json.

Options:
  --exits K          exits to add (default 4)
  --train-limit N    training images for the exits (default 20000)
  --epochs E         epochs (default 2)
  --images N         images of each held-out half (default all 5000)
  --repeats R        profiled runs (default 50)
  --refresh          train again even if bench/.cache has the model
  -h, --help         this help
`;

const { values: v } = parseArgs({
  options: {
    exits: { type: 'string', default: '4' },
    'train-limit': { type: 'string', default: '20000' },
    epochs: { type: 'string', default: '2' },
    images: { type: 'string' },
    repeats: { type: 'string', default: '50' },
    refresh: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (v.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../..');
const K = Number(v.exits);
const TRAIN = Number(v['train-limit']);
const EPOCHS = Number(v.epochs);
const IMAGES = v.images === undefined ? undefined : Number(v.images);
const REPEATS = Number(v.repeats);
const UPLINKS = [1.1, 5.85, 18.8];
const GAMMAS = [10, 100, 1000];
const P_TAR = 0.8;
const TAUS = DEFAULT_TAUS['max-softmax'];
/** The joint plan's floor: at most this far below the main output's accuracy on the planning half. */
const ACCURACY_SLACK = 0.01;
const CONDITIONS: readonly Distortion[] = [
  { kind: 'clean' }, { kind: 'noise', strength: 0.1 }, { kind: 'noise', strength: 0.2 }, { kind: 'blur', strength: 0.8 }, { kind: 'blur', strength: 1.2 },
];
const started = performance.now();
const load0 = loadavg()[0]!;
const log = (s: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${s}\n`);

// 1. The model with exits, trained on the frozen backbone (cached by its settings).
const base = readModel(join(root, 'models/small-vgg-fashion.onnx'));
const key = createHash('sha256').update(JSON.stringify({ K, TRAIN, EPOCHS, v: 1 })).update(readFileSync(join(root, 'models/small-vgg-fashion.onnx'))).digest('hex').slice(0, 12);
const cacheDir = join(root, 'bench/.cache');
const cached = join(cacheDir, `exits-small-vgg-${key}.onnx`);
let trained: ModelProto;
let training: unknown;
if (existsSync(cached) && !v.refresh) {
  trained = readModel(cached);
  training = JSON.parse(readFileSync(`${cached}.json`, 'utf8'));
  log(`trained model from ${cached}`);
} else {
  const added = await addExits(base, { count: K, placement: 'linear' });
  log(`added ${K} exits at ${added.exits.map((e) => e.at).join(', ')}; training on ${TRAIN} images, ${EPOCHS} epochs`);
  const t0 = performance.now();
  const r = await trainExits(added.model, loadFashionMnist('train', { limit: TRAIN }), undefined, {
    batch: 64, epochs: EPOCHS, optimizer: { kind: 'adam', lr: 3e-3 }, seed: 1,
    onEpoch: (s) => log(`epoch ${s.epoch}: loss ${s.loss.toFixed(3)}, ${s.samplesPerSecond.toFixed(0)} samples/s`),
  });
  trained = r.model;
  training = { images: TRAIN, epochs: EPOCHS, seconds: (performance.now() - t0) / 1000, history: r.history, verification: added.verification, exits: added.exits.map((e) => ({ output: e.output, at: e.at, headFraction: e.headFraction, branchMacs: e.branchMacs })) };
  mkdirSync(cacheDir, { recursive: true });
  writeModel(cached, trained);
  writeFileSync(`${cached}.json`, JSON.stringify(training));
}
const structure = exitStructure(trained);

// 2. Calibration on the first half of the test split; ECE on the second.
const test = loadFashionMnist('test');
const planHalf = heldOutPart(test, 'calibration', IMAGES);
const evalHalf = heldOutPart(test, 'evaluation', IMAGES);
const calibration = await calibrateExits(trained, planHalf, evalHalf);
const temperatures = calibration.exits.map((e) => e.temperature);
log(`calibrated: T = ${temperatures.map((t) => t.toFixed(3)).join(', ')}`);

// 3. Edge times per node, measured with ORT's profiler (1 thread, optimisations off).
const analysis = analyze(graphFromModel(trained), { batch: 1 });
const profile = await profileModel(analysis, { warmup: 10, repeats: REPEATS, threads: 1, measureCuts: 0 });
const nodeMs = new Map(profile.perNode.nodes.map((n) => [n.name, n.stats.medianMs]));
const layers = exitLayers(trained, structure, (n) => nodeMs.get(n.name) ?? 0, (n) => nodeMs.get(n.name) ?? 0);
const position = new Map(layers.layers.map((l, i) => [l.name, i + 1]));
/**
 * The chain at a speed ratio gamma. "cloud-measured" is POPEX's own construction (MISSION.md
 * section 3: t_edge = gamma t_cloud): the times measured here are the cloud's, the edge is gamma
 * times slower. "edge-measured": the times measured here are the edge's, the cloud gamma times
 * faster.
 */
type Variant = 'cloud-measured' | 'edge-measured';
const VARIANTS: readonly Variant[] = ['cloud-measured', 'edge-measured'];
const chainAt = (variant: Variant, gamma: number): Chain => {
  const [edge, cloud] = variant === 'cloud-measured' ? [gamma, 1] : [1, 1 / gamma];
  return {
    inputBytes: layers.inputBytes,
    layers: layers.layers.map((l) => ({ ...l, edgeMs: l.edgeMs * edge, cloudMs: l.edgeMs * cloud })),
    exitAt: layers.exits.map((e) => position.get(e.after)!),
    exitMs: layers.exits.map((e) => e.edgeMs * edge),
  };
};
log(`profiled: backbone ${layers.layers.reduce((s, l) => s + l.edgeMs, 0).toFixed(3)} ms over ${layers.layers.length} layers, exits ${layers.exits.map((e) => e.edgeMs.toFixed(3)).join(', ')} ms`);

// 4. Sample matrices, uncalibrated and calibrated, per condition and half.
const scaled = (set: LogitSet, t: number): LogitSet => ({ ...set, logits: Float32Array.from(set.logits as Float32Array, (z) => z / t) });
interface Matrices { readonly raw: SampleMatrix; readonly calibrated: SampleMatrix }
async function matrices(data: typeof planHalf, d: Distortion): Promise<Matrices> {
  const l = await exitLogits(trained, data, { distortion: d, seed: 1 });
  return { raw: sampleMatrix(l.exits, l.main, 'max-softmax'), calibrated: sampleMatrix(l.exits.map((s, j) => scaled(s, temperatures[j]!)), l.main, 'max-softmax') };
}
const byCondition = new Map<string, { plan: Matrices; evaluation: Matrices }>();
for (const d of CONDITIONS) {
  byCondition.set(distortionLabel(d), { plan: await matrices(planHalf, d), evaluation: await matrices(evalHalf, d) });
  log(`samples: ${distortionLabel(d)}`);
}

const meanColumns = (m: SampleMatrix) => Array.from({ length: m.exits }, (_, j) => {
  let s = 0;
  for (let i = 0; i < m.samples; i++) s += m.confidence[i * m.exits + j]!;
  return s / m.samples;
});

// 5. The grid: each strategy chosen on the planning half, measured on the evaluation half.
interface Row { readonly strategy: string; readonly cut: string; readonly exits: readonly string[]; readonly expected: Figures; readonly measured: Figures }
const row = (strategy: string, c: Choice, chain: Chain, evaluation: SampleMatrix, rate: number): Row => ({ strategy, cut: c.cut, exits: c.exits, expected: c.expected, measured: measure(chain, c.configuration, evaluation, rate) });
function strategies(chain: Chain, rate: number, plan: Matrices, evaluation: Matrices): Row[] {
  const floor = exitAccuracies(plan.raw).main - ACCURACY_SLACK;
  const base = withoutExits(chain, rate, plan.raw);
  const rows = [
    row('edge only', base.edgeOnly, chain, evaluation.raw, rate),
    row('cloud only', base.cloudOnly, chain, evaluation.raw, rate),
    row('best cut, no exits', base.bestCut, chain, evaluation.raw, rate),
    row(`POPEX p_tar ${P_TAR}, uncalibrated`, popexChoice(chain, rate, plan.raw, P_TAR), chain, evaluation.raw, rate),
    row(`POPEX p_tar ${P_TAR}, calibrated`, popexChoice(chain, rate, plan.calibrated, P_TAR), chain, evaluation.calibrated, rate),
  ];
  for (const [name, p, e] of [['uncalibrated', plan.raw, evaluation.raw], ['calibrated', plan.calibrated, evaluation.calibrated]] as const) {
    const c = jointChoice(chain, rate, p, TAUS, floor);
    if (c) rows.push(row(`cleave plan, ${name}`, c, chain, e, rate));
  }
  return rows;
}
const clean = byCondition.get('clean')!;
const grid: { variant: Variant; uplinkMbps: number; gamma: number; condition: string; planOn: string; rows: Row[] }[] = [];
for (const variant of VARIANTS) {
  for (const gamma of GAMMAS) {
    const chain = chainAt(variant, gamma);
    for (const rate of UPLINKS) {
      for (const [condition, m] of byCondition) {
        // The edge-measured variant is summarised for clean images only.
        if (variant === 'edge-measured' && condition !== 'clean') continue;
        grid.push({ variant, uplinkMbps: rate, gamma, condition, planOn: 'clean', rows: strategies(chain, rate, clean.plan, m.evaluation) });
        if (condition !== 'clean') grid.push({ variant, uplinkMbps: rate, gamma, condition, planOn: condition, rows: strategies(chain, rate, m.plan, m.evaluation) });
      }
    }
    log(`grid: ${variant}, gamma ${gamma}`);
  }
}

const result = {
  date: new Date().toISOString(),
  command: `node build/bench/exits/run.js${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
  machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavgStart: load0, loadavgEnd: loadavg()[0] },
  seconds: (performance.now() - started) / 1000,
  settings: { exits: K, trainImages: TRAIN, epochs: EPOCHS, planImages: planHalf.count, evaluationImages: evalHalf.count, uplinks: UPLINKS, gammas: GAMMAS, pTar: P_TAR, taus: TAUS, accuracySlack: ACCURACY_SLACK, profileRepeats: REPEATS, profileThreads: 1 },
  training,
  exits: structure.exits.map((e, j) => ({
    output: e.output, at: e.at,
    accuracy: exitAccuracies(clean.evaluation.raw).exits[j],
    temperature: temperatures[j],
    eceBefore: calibration.exits[j]?.eceBefore, eceAfter: calibration.exits[j]?.eceAfter,
    nllBefore: calibration.exits[j]?.nllBefore, nllAfter: calibration.exits[j]?.nllAfter,
    edgeMs: layers.exits[j]?.edgeMs,
  })),
  mainAccuracy: exitAccuracies(clean.evaluation.raw).main,
  pooledEce: { before: calibration.pooled.eceBefore, after: calibration.pooled.eceAfter },
  profile: {
    layers: layers.layers, inputBytes: layers.inputBytes,
    nodeSumMs: profile.perNode.nodeSumMs, endToEndUnoptimizedMs: profile.endToEnd.unoptimized.medianMs, endToEndOptimizedMs: profile.endToEnd.optimized.medianMs,
  },
  conditions: [...byCondition].map(([condition, m]) => ({
    condition,
    accuracy: exitAccuracies(m.evaluation.raw),
    meanConfidence: meanColumns(m.evaluation.raw),
    meanConfidenceCalibrated: meanColumns(m.evaluation.calibrated),
  })),
  grid,
};
mkdirSync(join(root, 'bench/results'), { recursive: true });
const file = join(root, 'bench/results/exits.json');
// Figures to 5 significant digits; one grid cell per line, so the file stays small and diffs read.
const round = (_k: string, x: unknown) => (typeof x === 'number' && !Number.isInteger(x) ? Number(x.toPrecision(5)) : x);
const head = JSON.stringify({ ...result, grid: [] }, round, 1).replace(/"grid": \[\]\n}$/, '"grid": [\n');
writeFileSync(file, `${head}${result.grid.map((c) => `  ${JSON.stringify(c, round)}`).join(',\n')}\n ]\n}\n`);
// The tables come from the JSON as written, as docs/early-exits.md's do.
process.stdout.write(printTables(JSON.parse(readFileSync(file, 'utf8')) as ExitsBench, 'text'));
log('wrote bench/results/exits.json');
