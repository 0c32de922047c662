// bench/train: training throughput of LeNet (MNIST) and the small VGG (Fashion-MNIST) at
// batch 64, 2 ORT threads: samples/s over steady-state steps (each model in a fresh process,
// with its peak RSS). With --full, also the full training of both (the settings of
// models/make-models.sh): epoch times and test accuracy. PyTorch figures are those of
// PERFORMANCE.md (same machine class, not this run). "CPU-bound samples/s" divides by half the
// process CPU time per step (2 threads busy): what wall time would be on an idle machine,
// reported because shared machines inflate wall time by other processes' load.
// Usage: node build/bench/train/run.js [--steps N] [--full]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../..');
const arg = (name: string) => process.argv.indexOf(name);
const steps = arg('--steps') >= 0 ? Number(process.argv[arg('--steps') + 1]) : 100;
const full = arg('--full') >= 0;

const MODELS = [
  { arch: 'lenet', data: 'mnist', epochs: 5, pytorchSamplesPerSecond: 5419, target: 1.0 },
  { arch: 'small-vgg', data: 'fashion-mnist', epochs: 4, pytorchSamplesPerSecond: 591, target: 1.5 },
] as const;

function child(args: readonly string[]): Record<string, unknown> {
  return JSON.parse(execFileSync(process.execPath, [join(here, 'measure.js'), ...args], { encoding: 'utf8', maxBuffer: 1 << 24 })) as Record<string, unknown>;
}

const resultsFile = join(root, 'bench/results/train.json');
const previous = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as { full?: unknown }) : {};
const lines = [`${'model'.padEnd(26)}${'samples/s'.padEnd(12)}${'ms/step'.padEnd(10)}${'CPU ms/step'.padEnd(13)}${'CPU-bound samples/s'.padEnd(21)}${'peak RSS MiB'.padEnd(14)}${'PyTorch'.padEnd(10)}ratio (target)`];
const throughput = MODELS.map((m) => {
  const r = child([m.arch, m.data, 'steps', String(steps)]);
  const sps = r.samplesPerSecond as number;
  const bound = r.cpuBoundSamplesPerSecond as number;
  lines.push(`${`${m.arch}/${m.data}`.padEnd(26)}${sps.toFixed(0).padEnd(12)}${(r.msPerStep as number).toFixed(1).padEnd(10)}${(r.cpuMsPerStep as number).toFixed(1).padEnd(13)}${bound.toFixed(0).padEnd(21)}${(r.peakRssMiB as number).toFixed(0).padEnd(14)}${String(m.pytorchSamplesPerSecond).padEnd(10)}${(sps / m.pytorchSamplesPerSecond).toFixed(2)} wall, ${(bound / m.pytorchSamplesPerSecond).toFixed(2)} CPU-bound (>= ${m.target})`);
  return { ...r, pytorchSamplesPerSecond: m.pytorchSamplesPerSecond };
});
let fullRuns = previous.full;
if (full) {
  fullRuns = MODELS.map((m) => child([m.arch, m.data, 'full', String(m.epochs)]));
  for (const r of fullRuns as Record<string, unknown>[]) {
    const epochs = r.epochs as { seconds: number; samplesPerSecond: number }[];
    lines.push(`full ${r.arch}/${r.data}: test accuracy ${(100 * (r.testAccuracy as number)).toFixed(2)}%, epoch ${epochs.map((e) => `${e.seconds.toFixed(0)} s`).join(' / ')}, peak RSS ${(r.peakRssMiB as number).toFixed(0)} MiB`);
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(resultsFile, `${JSON.stringify({ date: new Date().toISOString(), batch: 64, threads: 2, throughput, full: fullRuns ?? null }, null, 2)}\n`);
