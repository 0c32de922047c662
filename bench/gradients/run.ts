// bench/gradients: gradient graphs made by cleave, run by ONNX Runtime (--threads, default 2).
//  conv: a ResNet layer's conv (64 -> 64, 3x3, 56x56): weight gradient as cleave runs it (the
//     rule's im2col by a one-hot grouped Conv + batched MatMul, then optimiseForOrt) vs im2col
//     by strided Slices vs the textbook Conv over transposed tensors; input gradient as cleave
//     runs it (at stride 1 the passes make it a Conv with flipped weights) vs ConvTranspose;
//     the forward conv for scale.
//  vgg: the small VGG's conv layers at batch 64: forward as Conv, as cleave's im2col GEMM or on
//     ORT's NCHWc kernels (where the CPU has them), dW per sample or as cleave's rule (one GEMM
//     over the batch), dX by the rule vs ConvTranspose vs a flipped Conv (also on NCHWc);
//     interleaved in one process.
//  resnet18: ResNet-18 at 224x224, batch 1 and 8: forward; full backward (every weight and the
//     input).
//  gradcam: Grad-CAM at the 4 block outputs of ResNet-18 (one backward pass, no weight
//     gradients), batch 1 and 8, against PyTorch autograd on the same network, weights and
//     input, alternating fresh processes (cleave, PyTorch, ...); each cleave run also times one
//     ORT forward in the same process.
// Each configuration runs in a fresh process (its own peak RSS); medians of --runs runs.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from '../../src/cli/format.js';
import { option } from '../../src/cli/option-table.js';
import { integer, list, oneOf, positive, text } from '../../src/cli/option-types.js';
import { benchArgs } from '../common/args.js';
import { runNode } from '../common/child.js';
import { alternate, formatLoad, formatRatio, loadNow, pairRatios, spread } from '../common/pairs.js';
import { findPython, notInstalled, runPython } from '../common/reference.js';

const PARTS = ['conv', 'vgg', 'resnet18', 'gradcam'] as const;
const { values: v } = benchArgs({
  script: 'bench/gradients/run.js',
  description: `Gradient graphs made by cleave, run by ONNX Runtime. conv: a ResNet layer's weight
and input gradient formulations; vgg: the small VGG's conv layers at batch 64, each formulation
interleaved in one process; resnet18: ResNet-18's forward and full backward at batch 1 and 8;
gradcam: Grad-CAM at ResNet-18's 4 block outputs, batch 1 and 8, against PyTorch autograd on the
same network, weights and input, alternating fresh processes; the ratio is the median of the
per-pair ratios cleave / PyTorch (time: lower is better), with its range.`,
  options: {
    runs: option(integer, { default: 10, check: positive, help: 'timed runs per configuration (batch 8: half)' }),
    pairs: option(integer, { default: 5, check: positive, help: 'gradcam: cleave/PyTorch pairs per batch size' }),
    only: option(list(oneOf(...PARTS), 'parts'), { default: PARTS, arg: 'P1,P2', help: 'which parts to run' }),
    threads: option(integer, { default: 2, check: positive, help: 'intra-op threads of ONNX Runtime and of PyTorch (1 on a loaded machine: spinning OpenMP workers that lose their core slow PyTorch far more than the work)' }),
    out: option(text, { default: 'bench/results/gradients.json', arg: 'FILE', help: 'result file (relative to the repository)' }),
  },
  notes: `PyTorch: Debian's python3-torch under /usr/bin/python3 (sh scripts/install-bench-references.sh).
Without it the Grad-CAM ratio is skipped and cleave's own figures are still reported.
Writes --out (parts not run keep their previous figures from that file).`,
});

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../..');
const cache = join(root, 'bench/.cache');
const measureJs = join(here, 'measure.js');

interface Row { kind: string; batch: number; medianMs: number; peakRssMiB: number; nodes: number; [k: string]: unknown }
interface GradCamRow extends Row { forwardMs: number; ratioToForward: number; parameters: number; cpuMs: number }
interface Check { maxAbsDiff: number; maxAbs: number }
interface TorchGradCam { medianMs: number; minMs: number; cpuMs: number; peakRssMiB: number; parameters: number; checks: Record<string, Check>; torch: string }

const measure = <T extends Row = Row>(kind: string, batch: number, n = v.runs, extra: readonly string[] = []): T =>
  runNode<T>(measureJs, [kind, String(batch), String(n), '--threads', String(v.threads), ...extra]).result;
const runsAt = (batch: number) => (batch === 8 ? Math.max(3, Math.floor(v.runs / 2)) : v.runs);
const pad = (s: string | number, n: number) => String(s).padEnd(n);
const lines: string[] = [];
/** Each part's figures, stamped with when they were taken and the load then. */
const results: Record<string, unknown> = {};
const command = ['node', 'build/bench/gradients/run.js', ...process.argv.slice(2)].join(' ');
const stamp = <T>(figures: T) => ({ date: new Date().toISOString(), command, threads: v.threads, load: loadNow(), runs: v.runs, figures });

if (v.only.includes('conv')) {
  const convFlops = 2 * 8 * 64 * 64 * 9 * 56 * 56;
  lines.push('ResNet layer conv 64->64 3x3 56x56, batch 8 (one product: 3.70 GFLOP)');
  lines.push(`${pad('formulation', 34)}${pad('ms', 10)}GFLOP/s`);
  results.conv = stamp(['forward', 'dw-rule', 'dw-im2col-slices', 'dw-textbook', 'dx-rule', 'dx-convtranspose', 'dx-flipped-conv'].map((variant) => {
    const r = measure(`conv:${variant}`, 8);
    lines.push(`${pad(variant, 34)}${pad(r.medianMs.toFixed(1), 10)}${(convFlops / r.medianMs / 1e6).toFixed(1)}`);
    return r;
  }));
  lines.push('');
}
if (v.only.includes('vgg')) {
  // What the Conv rule and the training step's forward rewrite pick (rule / gemm rows) against
  // the other formulations, interleaved in one process (min / median ms).
  lines.push('small VGG layers 3x3 pad 1, batch 64, interleaved (min / median ms)');
  const VGG_LAYERS = [[32, 32, 28], [64, 64, 14], [128, 128, 7], [64, 128, 7]] as const;
  results.vgg = stamp(VGG_LAYERS.map(([c, cout, h]) => {
    const r = measure(`vgg:${c},${cout},${h}`, 64, Math.max(40, v.runs));
    const variants = r.variants as Record<string, { minMs: number; medianMs: number }>;
    lines.push(`  ${c}->${cout} ${h}x${h} (${(r.gflop as number).toFixed(2)} GFLOP per product): ${Object.entries(variants).map(([name, t]) => `${name} ${t.minMs.toFixed(1)}/${t.medianMs.toFixed(1)}`).join(', ')}`);
    return r;
  }));
  lines.push('');
}
if (v.only.includes('resnet18')) {
  lines.push('ResNet-18 224x224');
  lines.push(`${pad('pass', 22)}${pad('batch', 7)}${pad('ms', 10)}peak RSS MiB`);
  const rows: Row[] = [];
  for (const batch of [1, 8]) {
    for (const kind of ['resnet18-forward', 'resnet18-backward']) {
      const r = measure(kind, batch, runsAt(batch));
      rows.push(r);
      lines.push(`${pad(kind, 22)}${pad(batch, 7)}${pad(r.medianMs.toFixed(1), 10)}${r.peakRssMiB.toFixed(0)}`);
    }
  }
  results.resnet18 = stamp(rows);
  lines.push('');
}
if (v.only.includes('gradcam')) {
  const torch = findPython(['torch']);
  if (!torch) lines.push(notInstalled('PyTorch'));
  lines.push(`Grad-CAM at ResNet-18's 4 block outputs, 224x224: cleave and PyTorch alternating (${v.pairs} pairs per batch)`);
  const header = ['batch', 'cleave ms', 'x ORT forward (same process)', 'PyTorch ms', 'cleave / PyTorch', 'CPU time cleave / PyTorch', 'peak RSS MiB cleave / PyTorch', 'load'];
  const rows: string[][] = [];
  const checks: string[] = [];
  results.gradcam = stamp([1, 8].map((batch) => {
    const prefix = join(cache, `gradcam-b${batch}`);
    mkdirSync(cache, { recursive: true });
    if (torch) measure('resnet18-gradcam', batch, 1, ['--export', prefix]);
    const runs = alternate(
      v.pairs,
      () => measure<GradCamRow>('resnet18-gradcam', batch, runsAt(batch)),
      torch ? () => runPython<TorchGradCam>(torch, root, 'bench/gradients/reference.py', [prefix, '--runs', String(runsAt(batch)), '--threads', String(v.threads)]).result : undefined,
    );
    const ours = spread(runs.cleave.map((r) => r.medianMs));
    const toForward = spread(runs.cleave.map((r) => r.ratioToForward));
    const first = runs.reference[0];
    const theirs = first ? spread(runs.reference.map((r) => r.medianMs)) : undefined;
    const ratio = first ? pairRatios(runs, (a) => a.medianMs, (b) => b.medianMs) : undefined;
    // CPU time per Grad-CAM run, every thread of each process: less moved by other jobs than wall time.
    const cpuRatio = first ? pairRatios(runs, (a) => a.cpuMs, (b) => b.cpuMs) : undefined;
    const parameters = runs.cleave[0]?.parameters;
    // The same network: equal parameter counts; PyTorch's logits and maps from cleave's weights match cleave's.
    const worst = first ? Math.max(...Object.values(first.checks).map((c) => c.maxAbsDiff / Math.max(1e-12, c.maxAbs))) : undefined;
    const architecture = first && worst !== undefined
      ? { cleaveParameters: parameters, pytorchParameters: first.parameters, checks: first.checks, worstRelativeDiff: worst, same: first.parameters === parameters && worst <= 1e-3 }
      : { cleaveParameters: parameters };
    if (first && worst !== undefined) {
      checks.push(`batch ${batch}: ${architecture.same ? 'same architecture' : 'ARCHITECTURES DIFFER'}: ${parameters} parameters in cleave, ${first.parameters} in PyTorch; PyTorch's logits and 4 maps on cleave's weights differ from cleave's by at most ${worst.toExponential(1)} of their largest value`);
    }
    rows.push([
      String(batch),
      `${ours.median.toFixed(1)} (${ours.min.toFixed(1)}-${ours.max.toFixed(1)})`,
      formatRatio(toForward, 2, 'run'),
      theirs ? `${theirs.median.toFixed(1)} (${theirs.min.toFixed(1)}-${theirs.max.toFixed(1)})` : 'not installed',
      ratio ? formatRatio(ratio) : '-',
      cpuRatio ? formatRatio(cpuRatio) : '-',
      `${spread(runs.cleave.map((r) => r.peakRssMiB)).median.toFixed(0)} / ${first ? spread(runs.reference.map((r) => r.peakRssMiB)).median.toFixed(0) : '-'}`,
      formatLoad(runs.load),
    ]);
    return { batch, architecture, cleaveMs: ours, ratioToForward: toForward, pytorchMs: theirs ?? null, ratio: ratio ?? null, cpuTimeRatio: cpuRatio ?? null, load: runs.load, torch: torch?.versions.torch ?? null, runs };
  }));
  lines.push(table(header, rows).trimEnd(), ...checks);
}
process.stdout.write(`${lines.join('\n')}\n`);
const file = resolve(root, v.out);
const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
const kept = Object.fromEntries(PARTS.filter((p) => stored[p] !== undefined).map((p) => [p, stored[p]]));
mkdirSync(join(file, '..'), { recursive: true });
// Each part carries its own threads, date, load and command (stamp).
writeFileSync(file, `${JSON.stringify({ node: process.version, ...kept, ...results }, null, 2)}\n`);
