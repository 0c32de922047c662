// Child process of bench/train: trains one model in a fresh process (its own peak RSS) and
// prints JSON. Modes: `steps N` times N steady-state steps (after 5 warm-up steps);
// `full EPOCHS` trains on the whole training set and evaluates on the whole test set.
import { buildModel } from '../../src/models/catalogue.js';
import { writeModel } from '../../src/onnx/model-file.js';
import { batches } from '../../src/data/batches.js';
import { loadDataset } from '../../src/data/datasets.js';
import { fit } from '../../src/train/fit.js';
import type { OptimizerSpec } from '../../src/train/optimizers.js';
import { Trainer } from '../../src/train/trainer.js';

const [arch, data, mode, countText, out] = process.argv.slice(2) as [string, string, string, string, string | undefined];
const BATCH = 64;
const THREADS = 2;
/** The settings of models/make-models.sh. */
const OPTIMIZER: Readonly<Record<string, OptimizerSpec>> = {
  lenet: { kind: 'adam', lr: 0.002 },
  'small-vgg': { kind: 'adam', lr: 0.001 },
};

async function main(): Promise<Record<string, unknown>> {
  const optimizer = OPTIMIZER[arch] ?? { kind: 'adam', lr: 0.001 };
  const model = buildModel(arch, { seed: 1 });
  if (mode === 'steps') {
    const steps = Number(countText);
    const train = loadDataset(data, 'train', { limit: (steps + 5) * BATCH });
    const trainer = await Trainer.create(model, { batch: BATCH, optimizer, threads: THREADS });
    let done = 0;
    let t0 = 0;
    let cpu0 = process.cpuUsage();
    for (const b of batches(train, BATCH, { seed: 1 })) {
      if (done === 5) {
        t0 = performance.now();
        cpu0 = process.cpuUsage();
      }
      await trainer.train(b);
      done++;
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    await trainer.release();
    const n = done - 5;
    // CPU time per step is less sensitive than wall time to other processes on a shared
    // machine; with 2 threads fully busy, wall time would be about half of it.
    const cpuMsPerStep = (cpu.user + cpu.system) / 1000 / n;
    return { steps: n, samplesPerSecond: (n * BATCH) / seconds, msPerStep: (1000 * seconds) / n, cpuMsPerStep, cpuBoundSamplesPerSecond: (BATCH * 1000) / (cpuMsPerStep / THREADS) };
  }
  const epochs = Number(countText);
  const train = loadDataset(data, 'train');
  const test = loadDataset(data, 'test');
  const r = await fit(model, train, test, { batch: BATCH, optimizer, epochs, schedule: 'cosine', seed: 1, threads: THREADS });
  if (out) writeModel(out, r.model);
  return { epochs: r.history, testAccuracy: r.history[r.history.length - 1]?.testAccuracy };
}

const result = await main();
process.stdout.write(JSON.stringify({ arch, data, mode, batch: BATCH, threads: THREADS, ...result, peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
