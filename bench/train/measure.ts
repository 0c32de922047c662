// Child process of bench/train: trains one model in a fresh process (its own peak RSS) and
// prints JSON. Modes:
//   ARCH DATA steps N          times N steady-state steps after 5 warm-up steps;
//   ARCH DATA export N PREFIX  writes what the PyTorch reference needs to run the same steps:
//                              the initial weights, the same N + 5 batches in the same order,
//                              and cleave's forward output (inference mode) on the first batch;
//   ARCH DATA full EPOCHS [OUT] trains on the whole training set, evaluates on the test set.
import { buildModel } from '../../src/models/catalogue.js';
import { writeModel } from '../../src/onnx/model-file.js';
import { type Batch, batches } from '../../src/data/batches.js';
import { loadDataset } from '../../src/data/datasets.js';
import { Session } from '../../src/runtime/session.js';
import { fit } from '../../src/train/fit.js';
import type { OptimizerSpec } from '../../src/train/optimizers.js';
import { Trainer } from '../../src/train/trainer.js';
import { option } from '../../src/cli/option-table.js';
import { integer, positive } from '../../src/cli/option-types.js';
import { benchArgs } from '../common/args.js';
import { peakRssMiB } from '../common/peak-rss.js';
import { modelWeights, parameterCount, writeTensors } from '../common/tensor-file.js';

const { values, positionals } = benchArgs({
  script: 'bench/train/measure.js',
  description: `Child process of bench/train (run.js): one training measurement of a catalogue model in a fresh
process, printed as JSON. MODE steps N: samples/s over N steps after 5 warm-up steps; export N
PREFIX: the weights, batches and a forward output for the PyTorch reference; full EPOCHS [OUT]:
a whole training run with test accuracy (the settings of models/make-models.sh).`,
  options: {
    threads: option(integer, { default: 2, check: positive, help: 'ONNX Runtime intra-op threads' }),
  },
  positionals: { min: 4, max: 5, usage: 'ARCH DATA MODE COUNT [PREFIX|OUT]' },
});
const [arch, data, mode, countText, out] = positionals as [string, string, string, string, string | undefined];
const BATCH = 64;
const THREADS = values.threads;
const WARMUP = 5;
/** The settings of models/make-models.sh; cleave's 'adam' is AdamW (decoupled decay, none here). */
const OPTIMIZER: Readonly<Record<string, OptimizerSpec>> = {
  lenet: { kind: 'adam', lr: 0.002 },
  'small-vgg': { kind: 'adam', lr: 0.001 },
};

/** The batches both sides train on: the first (steps + warm-up) of the seeded shuffle, made before timing. */
function trainingBatches(steps: number): Batch[] {
  const train = loadDataset(data, 'train', { limit: (steps + WARMUP) * BATCH });
  return [...batches(train, BATCH, { seed: 1 })];
}

async function main(): Promise<Record<string, unknown>> {
  const optimizer = OPTIMIZER[arch] ?? { kind: 'adam', lr: 0.001 };
  const model = buildModel(arch, { seed: 1 });
  const count = Number(countText);
  if (mode === 'steps') {
    const all = trainingBatches(count);
    const trainer = await Trainer.create(model, { batch: BATCH, optimizer, threads: THREADS });
    for (const b of all.slice(0, WARMUP)) await trainer.train(b);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (const b of all.slice(WARMUP)) await trainer.train(b);
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    await trainer.release();
    const n = all.length - WARMUP;
    // CPU time per step is less sensitive than wall time to other processes on a shared
    // machine; with THREADS threads fully busy, wall time would be 1/THREADS of it.
    const cpuMsPerStep = (cpu.user + cpu.system) / 1000 / n;
    return { optimizer, steps: n, samplesPerSecond: (n * BATCH) / seconds, msPerStep: (1000 * seconds) / n, cpuMsPerStep, cpuBoundSamplesPerSecond: (BATCH * 1000) / (cpuMsPerStep / THREADS) };
  }
  if (mode === 'export') {
    if (!out) throw new Error('export needs a PREFIX');
    const all = trainingBatches(count);
    const first = all[0]!;
    const session = await Session.fromModel(model, { threads: THREADS });
    const logits = (await session.run({ input: { dtype: 'float32', dims: [BATCH, 1, 28, 28], data: first.x } })).logits;
    await session.release();
    writeTensors(`${out}-weights`, modelWeights(model));
    const pixels = first.x.length;
    const x = new Float32Array(all.length * pixels);
    const labels = new Int32Array(all.length * BATCH);
    all.forEach((b, i) => {
      x.set(b.x, i * pixels);
      labels.set(b.labels, i * BATCH);
    });
    writeTensors(`${out}-data`, [
      { name: 'x', dims: [all.length, BATCH, 1, 28, 28], data: x },
      { name: 'labels', dims: [all.length, BATCH], data: labels },
      { name: 'cleave_logits', dims: [BATCH, 10], data: logits?.data as Float32Array },
    ]);
    return { optimizer, parameters: parameterCount(model), warmup: WARMUP, steps: count };
  }
  const train = loadDataset(data, 'train');
  const test = loadDataset(data, 'test');
  const r = await fit(model, train, test, { batch: BATCH, optimizer, epochs: count, schedule: 'cosine', seed: 1, threads: THREADS });
  if (out) writeModel(out, r.model);
  return { epochs: r.history, testAccuracy: r.history[r.history.length - 1]?.testAccuracy };
}

const result = await main();
process.stdout.write(JSON.stringify({ arch, data, mode, batch: BATCH, threads: THREADS, ...result, peakRssMiB: peakRssMiB() }));
