/**
 * bench/qos sweep: how fast `cleave plan` scores configurations. The analytic sweep (tables
 * built once, then arithmetic per configuration) over a real model's cut points x the 8 codecs
 * x exit configurations x sparsity variants x devices x networks, and the Pareto front of the
 * result. Target (PERFORMANCE.md): 10^5 configurations in under a second.
 *
 * The exit statistics are synthetic (seeded; test-support/qos/synthetic-exits.ts) and the
 * accuracy predicted: only the timing is measured here, not figures about the model.
 * Runs the sweep several times and reports the median (the machine is shared).
 *
 *   npx tsc -p tsconfig.json && node build/bench/qos/sweep.js [--model FILE] [--runs N] [--thresholds N]
 * -> table + bench/results/qos-sweep.json
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { analyze } from '../../src/analysis/analyze.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { NETWORK_PROFILES } from '../../src/net/profiles.js';
import { median } from '../../src/net/stats.js';
import { readModel } from '../../src/onnx/model-file.js';
import { getDevice } from '../../src/profile/device-catalogue.js';
import { predictAccuracy } from '../../src/qos/accuracy.js';
import { cutCandidates } from '../../src/qos/candidates.js';
import { DEFAULT_CODECS } from '../../src/qos/codec-model.js';
import { exitOptions } from '../../src/qos/exit-option.js';
import { sweepFront } from '../../src/qos/plan.js';
import { DENSE } from '../../src/qos/sparsity-variant.js';
import { sweep } from '../../src/qos/sweep.js';
import type { SweepSpec } from '../../src/qos/tables.js';
import { gapGemmBranch, syntheticExitStatistics } from '../../test-support/qos/synthetic-exits.js';

const HELP = `Usage: node build/bench/qos/sweep.js [--model FILE] [--runs N] [--thresholds N]

Times the analytic QoS sweep (cuts x codecs x exits x sparsity x devices x networks) and the
Pareto front of its result. Prints a table and writes bench/results/qos-sweep.json.

  --model FILE      a classifier with [N, C, H, W] maps (default models/small-vgg-fashion.onnx)
  --runs N          repetitions; the median is reported (default 7)
  --thresholds N    thresholds per exit (default 4: exit configurations = (N + 1)^3)
  -h, --help        this text
`;

const { values } = parseArgs({ options: { model: { type: 'string' }, runs: { type: 'string' }, thresholds: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const modelPath = values.model ?? join(root, 'models', 'small-vgg-fashion.onnx');
const runs = Number(values.runs ?? 7);
const grid = [0.6, 0.8, 0.9, 0.95, 0.97, 0.99].slice(0, Number(values.thresholds ?? 4));

const analysis = analyze(graphFromModel(readModel(modelPath)), { batch: 1 });
const cuts = cutCandidates(analysis);
// Three exits on the pooled maps of the first, middle and last thirds of the single-tensor cuts.
const maps = analysis.cutPoints.filter((c) => c.tensors.length === 1 && (analysis.inference.tensors.get(c.tensors[0]!)?.shape.length ?? 0) === 4);
const picks = [maps[Math.floor(maps.length / 4)], maps[Math.floor(maps.length / 2)], maps[Math.floor((3 * maps.length) / 4)]].filter((c) => c !== undefined);
const branches = picks.map((c, j) => {
  const [, ch, h, w] = analysis.inference.tensors.get(c.tensors[0]!)?.shape ?? [];
  return gapGemmBranch(`exit_${j}_logits`, c.tensors[0]!, ch ?? 1, h ?? 1, w ?? 1);
});
const exits = exitOptions(syntheticExitStatistics(branches, 1000), grid);
const variants = [DENSE, { label: 'half-structured', density: 0.5, structured: true, accuracyDelta: -0.002 }, { label: 'quarter-structured', density: 0.25, structured: true, accuracyDelta: -0.008 }];
const devices = ['raspberry-pi-4', 'jetson-nano', 'snapdragon-865'].map(getDevice);
const networks = Object.values(NETWORK_PROFILES);
const spec: SweepSpec = {
  analysis, cuts, codecs: DEFAULT_CODECS, exits, variants, devices, networks, server: getDevice('xeon-server'),
  load: { devices: 10, fps: 5, workers: 2, connection: 'kept-alive' },
  accuracy: predictAccuracy(cuts, DEFAULT_CODECS),
};

const samples: { tablesMs: number; loopMs: number; totalMs: number; paretoMs: number; front: number; count: number }[] = [];
for (let r = 0; r < runs; r++) {
  const s = sweep(spec);
  const p0 = performance.now();
  const front = sweepFront(s, { latencyPercentile: 'p50' });
  samples.push({ tablesMs: s.tablesMs, loopMs: s.loopMs, totalMs: s.tablesMs + s.loopMs, paretoMs: performance.now() - p0, front: front.length, count: s.count });
}
const med = (f: (x: (typeof samples)[number]) => number): number => median(samples.map(f));
const count = samples[0]?.count ?? 0;
const result = {
  model: modelPath.startsWith(root) ? modelPath.slice(root.length + 1) : modelPath,
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', loadAverage1m: loadavg()[0] ?? 0 },
  sizes: { cuts: cuts.length, codecs: DEFAULT_CODECS.length, exitConfigurations: exits.length, sparsityVariants: variants.length, devices: devices.length, networks: networks.length },
  configurations: count,
  runs,
  medianMs: { tables: med((x) => x.tablesMs), loop: med((x) => x.loopMs), analytic: med((x) => x.totalMs), pareto: med((x) => x.paretoMs) },
  nsPerConfiguration: (med((x) => x.totalMs) * 1e6) / count,
  front: samples[0]?.front ?? 0,
  samples,
};
const rows: [string, string][] = [
  ['model', result.model],
  ['cuts (incl. local, remote) x codecs x exit configs x sparsity x devices x networks', `${cuts.length} x ${DEFAULT_CODECS.length} x ${exits.length} x ${variants.length} x ${devices.length} x ${networks.length}`],
  ['configurations that can run (exits need their tensor in the head)', String(count)],
  ['tables (precomputed once), median ms', result.medianMs.tables.toFixed(1)],
  ['inner loop, median ms', result.medianMs.loop.toFixed(1)],
  ['analytic sweep total, median ms', result.medianMs.analytic.toFixed(1)],
  ['per configuration, ns', result.nsPerConfiguration.toFixed(0)],
  ['Pareto front (5 objectives), median ms', result.medianMs.pareto.toFixed(1)],
  ['front size', String(result.front)],
  ['load average (1 min) / cpus', `${result.machine.loadAverage1m.toFixed(1)} / ${result.machine.cpus}`],
];
const width = Math.max(...rows.map(([k]) => k.length));
process.stdout.write(`${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`);
const out = join(root, 'bench', 'results', 'qos-sweep.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`wrote ${out}\n`);
