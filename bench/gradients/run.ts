// bench/gradients: gradient graphs made by cleave, run by ONNX Runtime (2 threads).
//  1. A ResNet layer's conv (64 -> 64, 3x3, 56x56): weight gradient as cleave runs it (the
//     rule's im2col by a one-hot grouped Conv + batched MatMul, then optimiseForOrt) vs im2col
//     by strided Slices vs the textbook Conv over transposed tensors; input gradient as cleave
//     runs it (at stride 1 the passes make it a Conv with flipped weights) vs ConvTranspose;
//     the forward conv for scale.
//  2. The small VGG's conv layers at batch 64: forward as Conv, as cleave's im2col GEMM or on
//     ORT's NCHWc kernels (where the CPU has them), dW per sample or as cleave's rule (one GEMM
//     over the batch), dX by the rule vs ConvTranspose vs a flipped Conv (also on NCHWc);
//     interleaved in one process.
//  3. ResNet-18 at 224x224, batch 1 and 8: forward; full backward (every weight and the
//     input); Grad-CAM at the 4 block outputs (one backward pass, no weight gradients).
// Each configuration runs in a fresh process (its own peak RSS); medians of --runs runs.
// PyTorch figures are those of PERFORMANCE.md (same machine class, not this run).
// Usage: node build/bench/gradients/run.js [--runs N]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../..');
const runsArg = process.argv.indexOf('--runs');
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 10;

interface Row { kind: string; batch: number; medianMs: number; peakRssMiB: number; nodes: number; [k: string]: unknown }

function measure(kind: string, batch: number, n = runs): Row {
  const out = execFileSync(process.execPath, [join(here, 'measure.js'), kind, String(batch), String(n)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out) as Row;
}

const PYTORCH_GRADCAM_MS: Readonly<Record<number, number>> = { 1: 48.8, 8: 298 };
const convFlops = 2 * 8 * 64 * 64 * 9 * 56 * 56;
const rows: Row[] = [];
const lines: string[] = [];
const pad = (s: string | number, n: number) => String(s).padEnd(n);

lines.push('ResNet layer conv 64->64 3x3 56x56, batch 8 (one product: 3.70 GFLOP)');
lines.push(`${pad('formulation', 34)}${pad('ms', 10)}GFLOP/s`);
for (const v of ['forward', 'dw-rule', 'dw-im2col-slices', 'dw-textbook', 'dx-rule', 'dx-convtranspose', 'dx-flipped-conv']) {
  const r = measure(`conv:${v}`, 8);
  rows.push(r);
  lines.push(`${pad(v, 34)}${pad(r.medianMs.toFixed(1), 10)}${(convFlops / r.medianMs / 1e6).toFixed(1)}`);
}
lines.push('');
// The small VGG's layers at the training batch: what the Conv rule and the training step's
// forward rewrite pick (rule / gemm rows) against the other formulations, interleaved in one
// process (min / median ms).
lines.push('small VGG layers 3x3 pad 1, batch 64, interleaved (min / median ms)');
const VGG_LAYERS = [[32, 32, 28], [64, 64, 14], [128, 128, 7], [64, 128, 7]] as const;
for (const [c, cout, h] of VGG_LAYERS) {
  const r = measure(`vgg:${c},${cout},${h}`, 64, Math.max(40, runs));
  rows.push(r);
  const v = r.variants as Record<string, { minMs: number; medianMs: number }>;
  lines.push(`  ${c}->${cout} ${h}x${h} (${(r.gflop as number).toFixed(2)} GFLOP per product): ${Object.entries(v).map(([name, t]) => `${name} ${t.minMs.toFixed(1)}/${t.medianMs.toFixed(1)}`).join(', ')}`);
}
lines.push('');
lines.push('ResNet-18 224x224');
lines.push(`${pad('pass', 34)}${pad('batch', 7)}${pad('ms', 10)}${pad('peak RSS MiB', 14)}${pad('x forward', 20)}PyTorch ms`);
for (const batch of [1, 8]) {
  for (const kind of ['resnet18-forward', 'resnet18-backward', 'resnet18-gradcam']) {
    const r = measure(kind, batch, batch === 8 ? Math.max(3, Math.floor(runs / 2)) : runs);
    rows.push(r);
    const ref = kind === 'resnet18-gradcam' ? String(PYTORCH_GRADCAM_MS[batch]) : '';
    const ratio = typeof r.ratioToForward === 'number' ? `${r.ratioToForward.toFixed(2)} (same run)` : '';
    lines.push(`${pad(kind, 34)}${pad(batch, 7)}${pad(r.medianMs.toFixed(1), 10)}${pad(r.peakRssMiB.toFixed(0), 14)}${pad(ratio, 20)}${ref}`);
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/gradients.json'), `${JSON.stringify({ date: new Date().toISOString(), runs, threads: 2, pytorchGradcamMs: PYTORCH_GRADCAM_MS, rows }, null, 2)}\n`);
