// bench/train/profile-step: where one training step's time goes. Builds the training step of
// a catalogue model (batch 64, Adam), runs warm-up steps, then N steps under ORT's profiler
// and prints the kernels' total time by op type and the slowest nodes (median per run).
// Usage: node build/bench/train/profile-step.js [arch] [--steps N] [--top K] [--portable]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildModel } from '../../src/models/catalogue.js';
import { parseOrtTrace } from '../../src/profile/ort-trace.js';
import { type RunTensor, Session } from '../../src/runtime/session.js';
import { tensorValue } from '../../src/onnx/tensor.js';
import { makeBatch } from '../../src/data/batches.js';
import { loadDataset } from '../../src/data/datasets.js';
import { probeNchwcBlock } from '../../src/passes/nchwc.js';
import { buildTrainStep } from '../../src/train/train-step.js';
import { ADAM_BC1_INPUT, ADAM_BC2_INPUT, LR_INPUT } from '../../src/train/optimizers.js';
import { flag, option } from '../../src/cli/option-table.js';
import { integer, positive } from '../../src/cli/option-types.js';
import { benchArgs } from '../common/args.js';

const { values: v, positionals } = benchArgs({
  script: 'bench/train/profile-step.js',
  description: `Where one training step's time goes: builds the training step of a catalogue model (default
small-vgg; batch 64, Adam), runs warm-up steps, then steps under ORT's profiler, and prints the
kernels' total time by op type and the slowest nodes (median per run).`,
  options: {
    steps: option(integer, { default: 10, check: positive, help: 'profiled steps' }),
    top: option(integer, { default: 30, check: positive, arg: 'K', help: 'slowest nodes to list' }),
    portable: flag("without ORT's NCHWc kernels (as the Trainer where the CPU lacks them)"),
  },
  positionals: { min: 0, max: 1, usage: '[ARCH]' },
});
const arch = positionals[0] ?? 'small-vgg';
const { steps, top } = v;
const BATCH = 64;

const model = buildModel(arch, { seed: 1 });
// As the Trainer builds it: with ORT's NCHWc kernels where this CPU has them (--portable: without).
const nchwcBlock = v.portable ? undefined : await probeNchwcBlock();
const step = buildTrainStep(model, { batch: BATCH, optimizer: { kind: 'adam', lr: 0.001 }, nchwcBlock });
// onnxruntime-node 1.30's endProfiling returns no path: the trace is the one file in `dir`.
const dir = mkdtempSync(join(tmpdir(), 'cleave-train-profile-'));
const session = await Session.fromModel(step.model, { threads: 2, profile: true, profileFilePrefix: join(dir, 'ort') });
const f32 = (dims: readonly number[], fill = 0): RunTensor => ({ dtype: 'float32', dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(fill) });
const feeds: Record<string, RunTensor> = {};
const data = loadDataset(arch === 'lenet' ? 'mnist' : 'fashion-mnist', 'train', { limit: BATCH });
const batch = makeBatch(data, Array.from({ length: BATCH }, (_, i) => i), step.classes);
feeds[step.input] = { dtype: 'float32', dims: step.inputDims, data: batch.x };
feeds[step.labels] = { dtype: 'float32', dims: [BATCH, step.classes], data: batch.onehot };
feeds[LR_INPUT] = f32([], 0.001);
feeds[ADAM_BC1_INPUT] = f32([], 0.1);
feeds[ADAM_BC2_INPUT] = f32([], 0.001);
// The model's own initial weights, and each step's outputs fed back: the values (and so any
// denormal floats) of real training.
const inits = new Map(model.graph.initializer.map((t) => [t.name, t]));
const initial = (name: string, dims: readonly number[]): RunTensor => ({ dtype: 'float32', dims, data: Float32Array.from(tensorValue(inits.get(name)!).data) });
for (const p of step.params) {
  feeds[p.name] = initial(p.name, p.dims);
  for (const s of p.state) feeds[s.input] = f32(p.dims);
}
for (const b of step.buffers) feeds[b.name] = initial(b.name, b.dims);
for (let i = 0; i < 3 + steps; i++) {
  const out = await session.run(feeds);
  for (const p of step.params) {
    feeds[p.name] = out[p.output]!;
    for (const s of p.state) feeds[s.input] = out[s.output]!;
  }
  for (const b of step.buffers) feeds[b.name] = out[b.output]!;
}
session.endProfiling();
const file = join(dir, readdirSync(dir)[0]!);
const runs = parseOrtTrace(readFileSync(file, 'utf8'), file).slice(3);
rmSync(dir, { recursive: true });
await session.release();

const median = (v: number[]) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
const runMs = median(runs.map((r) => r.durUs / 1000));
const byNode = new Map<string, { op: string; us: number[] }>();
runs.forEach((r) => {
  const seen = new Map<string, number>();
  for (const k of r.kernels) seen.set(`${k.name}\u0000${k.opType}`, (seen.get(`${k.name}\u0000${k.opType}`) ?? 0) + k.durUs);
  for (const [key, us] of seen) {
    const e = byNode.get(key) ?? { op: key.split('\u0000')[1]!, us: [] };
    e.us.push(us);
    byNode.set(key, e);
  }
});
const nodes = [...byNode.entries()].map(([key, e]) => ({ name: key.split('\u0000')[0]!, op: e.op, ms: median(e.us) / 1000 }));
const kernelMs = nodes.reduce((a, n) => a + n.ms, 0);
const byOp = new Map<string, { ms: number; count: number }>();
for (const n of nodes) { const e = byOp.get(n.op) ?? { ms: 0, count: 0 }; e.ms += n.ms; e.count++; byOp.set(n.op, e); }
const lines = [`${arch}${nchwcBlock ? ` (NCHWc block ${nchwcBlock})` : ''}: run ${runMs.toFixed(1)} ms (median of ${runs.length}), kernels ${kernelMs.toFixed(1)} ms, ${nodes.length} kernels`, '', 'by op type:'];
for (const [op, e] of [...byOp.entries()].sort((a, b) => b[1].ms - a[1].ms)) lines.push(`  ${op.padEnd(28)}${e.ms.toFixed(2).padStart(9)} ms ${(100 * e.ms / kernelMs).toFixed(1).padStart(5)}%  x${e.count}`);
// Phases by the names autodiff and the optimiser give their nodes.
const phaseOf = (name: string) => (name.startsWith('opt/') ? 'optimizer' : name.includes('/grad/') ? 'backward' : 'forward and loss');
const byPhase = new Map<string, number>();
for (const n of nodes) byPhase.set(phaseOf(n.name), (byPhase.get(phaseOf(n.name)) ?? 0) + n.ms);
lines.push('', `by phase: ${[...byPhase.entries()].map(([k, ms]) => `${k} ${ms.toFixed(1)} ms`).join(', ')}`);
const byLayer = new Map<string, number>();
for (const n of nodes) if (phaseOf(n.name) === 'backward') { const layer = n.name.split('/grad/')[0]!; byLayer.set(layer, (byLayer.get(layer) ?? 0) + n.ms); }
lines.push('backward by forward node:', ...[...byLayer.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, ms]) => `  ${ms.toFixed(2).padStart(8)} ms  ${k}`));
lines.push('', `slowest ${top} nodes:`);
for (const n of nodes.sort((a, b) => b.ms - a.ms).slice(0, top)) lines.push(`  ${n.ms.toFixed(2).padStart(8)} ms  ${n.op.padEnd(22)}${n.name}`);
process.stdout.write(`${lines.join('\n')}\n`);
