// Child process of bench/gradients: one configuration in a fresh process (so peak RSS is its
// own), timing ORT runs after warm-up; prints JSON. Also run by hand to compare builds, e.g.
// `node build/bench/gradients/measure.js resnet18-gradcam 8 7`.
import { buildGradientModel, type GradientModel } from '../../src/autodiff/backward.js';
import { liftInitializers } from '../../src/autodiff/lift.js';
import { ModelBuilder, nodeAttribute } from '../../src/graph/builder.js';
import { buildGradCamModel, type GradCamModel } from '../../src/interpret/gradcam.js';
import { Attrs } from '../../src/graph/attributes.js';
import { buildModel } from '../../src/models/catalogue.js';
import { tensorValue } from '../../src/onnx/tensor.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { median } from '../../src/net/stats.js';
import { type RunTensor, Session } from '../../src/runtime/session.js';
import { inferShapes } from '../../src/analysis/infer.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { convParams } from '../../src/ops/shared/conv-geometry.js';
import { convByGemm, convByGemmPays } from '../../src/passes/conv-gemm.js';
import { convsToNchwc, probeNchwcBlock } from '../../src/passes/nchwc.js';
import { optimiseForOrt } from '../../src/passes/optimise.js';
import type { NodeSink } from '../../src/passes/shaped-model.js';
import { option } from '../../src/cli/option-table.js';
import { integer, positive, text } from '../../src/cli/option-types.js';
import { benchArgs } from '../common/args.js';
import { peakRssMiB } from '../common/peak-rss.js';
import { modelWeights, parameterCount, writeTensors } from '../common/tensor-file.js';

const { values, positionals } = benchArgs({
  script: 'bench/gradients/measure.js',
  description: `Child process of bench/gradients (run.js): times one configuration with ONNX Runtime
in a fresh process and prints JSON (median ms, peak RSS). KIND is conv:VARIANT (forward, dw-rule,
dw-im2col-slices, dw-textbook, dx-rule, dx-convtranspose, dx-flipped-conv), vgg:C,COUT,H,
resnet18-forward, resnet18-backward or resnet18-gradcam; BATCH the batch size, RUNS the timed runs
(default 10).`,
  options: {
    threads: option(integer, { default: 2, check: positive, help: 'ONNX Runtime intra-op threads' }),
    export: option(text, { arg: 'PREFIX', help: 'resnet18-gradcam: also write the weights, the input and cleave\'s outputs for the PyTorch reference' }),
  },
  positionals: { min: 2, max: 3, usage: 'KIND BATCH [RUNS]' },
});
const [kind, batchText, runsText] = positionals as [string, string, string | undefined];
const batch = Number(batchText);
const runs = Number(runsText ?? 10);
const THREADS = values.threads;

function random(dims: readonly number[], seed = 1): RunTensor {
  let s = seed >>> 0;
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 32 - 0.5;
  }
  return { dtype: 'float32', dims, data };
}

/** A gradient model as cleave runs it with fed weights: autodiff's plain rules, then the ORT passes. */
function asRun(g: GradientModel): ModelProto {
  return optimiseForOrt(g.model, g.shapes, { weights: 'fed', forwardConvs: new Set() });
}

/** The NCHWc rewrite of a small model (shapes inferred at its own batch). */
function nchwc(m: ModelProto, block: number): ModelProto {
  return convsToNchwc({ model: m, shapes: inferShapes(graphFromModel(m)).tensors }, block).model;
}

async function time(model: ModelProto, feeds: Record<string, RunTensor>): Promise<{ medianMs: number; nodes: number }> {
  const session = await Session.fromModel(model, { threads: THREADS });
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await session.run(feeds);
    ms.push(performance.now() - t0);
  }
  await session.release();
  ms.sort((a, b) => a - b);
  return { medianMs: ms[Math.floor(ms.length / 2)]!, nodes: model.graph.node.length };
}

/** A ResNet layer's conv (64 -> 64, 3x3, pad 1, 56x56) with dY as an input: gradient formulations. */
function convLayer(variant: string): { model: ModelProto; feeds: Record<string, RunTensor> } {
  const [c, h, k] = [64, 56, 3];
  const x = random([batch, c, h, h], 1);
  const dy = random([batch, c, h, h], 2);
  const w = random([c, c, k, k], 3);
  const b = new ModelBuilder({ opset: 17 });
  const xi = b.input('x', 'float32', [batch, c, h, h]);
  const wi = b.input('w', 'float32', [c, c, k, k]);
  const dyi = b.input('dy', 'float32', [batch, c, h, h]);
  if (variant === 'forward') {
    b.output(b.node('Conv', [xi, wi], { pads: [1, 1, 1, 1] }, 'y'));
  } else if (variant === 'dw-textbook') {
    // dW[co, ci] = sum_n X[n, ci] (*) dY[n, co]: a Conv over transposed tensors, dY as the kernel.
    const xt = b.node('Transpose', [xi], { perm: [1, 0, 2, 3] }, 'xt');
    const dyt = b.node('Transpose', [dyi], { perm: [1, 0, 2, 3] }, 'dyt');
    const g = b.node('Conv', [xt, dyt], { pads: [1, 1, 1, 1] }, 'dw_t');
    b.output(b.node('Transpose', [g], { perm: [1, 0, 2, 3] }, 'dw'));
  } else if (variant === 'dw-im2col-slices') {
    // im2col by k*k strided Slices of the padded input, stacked, then the same batched MatMul.
    const padded = b.node('Pad', [xi, b.ints('pads', [0, 0, 1, 1, 0, 0, 1, 1])], {}, 'xpad');
    const parts: string[] = [];
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const sl = b.node('Slice', [padded, b.ints(`s${i}${j}`, [i, j]), b.ints(`e${i}${j}`, [i + h, j + h]), b.ints(`a${i}${j}`, [2, 3])], {}, `sl${i}${j}`);
        parts.push(b.node('Unsqueeze', [sl, b.ints(`u${i}${j}`, [2])], {}, `un${i}${j}`));
      }
    }
    const stacked = b.node('Concat', parts, { axis: 2 }, 'patches');
    const pm = b.node('Reshape', [stacked, b.ints('pshape', [batch, c * k * k, h * h])], {}, 'pm');
    const dym = b.node('Reshape', [dyi, b.ints('dshape', [batch, c, h * h])], {}, 'dym');
    const dyt = b.node('Transpose', [dym], { perm: [0, 2, 1] }, 'dyt');
    const prod = b.node('MatMul', [pm, dyt], {}, 'prod');
    const summed = b.node('ReduceSum', [prod, b.ints('ax', [0])], { keepdims: 0 }, 'sum');
    const t = b.node('Transpose', [summed], { perm: [1, 0] }, 'dwt');
    b.output(b.node('Reshape', [t, b.ints('wshape', [c, c, k, k])], {}, 'dw'));
  } else if (variant === 'dx-convtranspose') {
    b.output(b.node('ConvTranspose', [dyi, wi], { pads: [1, 1, 1, 1] }, 'dx'));
  } else if (variant === 'dx-flipped-conv') {
    // Stride 1: dX = Conv(dY, W^T flipped) with pads k-1-p.
    const wt = b.node('Transpose', [wi], { perm: [1, 0, 2, 3] }, 'wt');
    const flip = b.node('Slice', [wt, b.ints('s', [-1, -1]), b.ints('e', [-(2 ** 31), -(2 ** 31)]), b.ints('a', [2, 3]), b.ints('st', [-1, -1])], {}, 'wflip');
    b.output(b.node('Conv', [dyi, flip], { pads: [1, 1, 1, 1] }, 'dx'));
  } else {
    // cleave's rule for Conv, differentiated by autodiff: 'dw-rule' (im2col) or 'dx-rule' (flipped Conv at stride 1).
    const fb = new ModelBuilder({ opset: 17 });
    const fx = fb.input('x', 'float32', [batch, c, h, h]);
    const fw = fb.input('w', 'float32', [c, c, k, k]);
    fb.output(fb.node('Conv', [fx, fw], { pads: [1, 1, 1, 1] }, 'y'));
    const g = asRun(buildGradientModel(fb.build(), { seeds: [{ tensor: 'y', grad: 'dy' }], wrt: [variant === 'dw-rule' ? 'w' : 'x'], outputs: [] }));
    // Only the gradient: drop the forward Conv (ORT would run it although nothing reads it).
    const model = { ...g, graph: { ...g.graph, node: g.graph.node.filter((n) => n.output[0] !== 'y') } };
    return { model, feeds: { x, w, dy } };
  }
  return { model: b.build(), feeds: { x, w, dy } };
}

/** The one-hot kernel that makes a grouped Conv copy each channel's k*k positions (im2col). */
function onehotKernel(channels: number, k: number): number[] {
  const data = new Array<number>(channels * k * k * k * k).fill(0);
  for (let ch = 0; ch < channels; ch++) for (let j = 0; j < k * k; j++) data[(ch * k * k + j) * k * k + j] = 1;
  return data;
}

/**
 * A small-VGG layer (3x3, pad 1) at a training batch: each formulation of its forward, dW and
 * dX as one model. 'rule' variants are what cleave emits at this batch (autodiff of the Conv);
 * 'forward-gemm' is the portable training step's rewrite of the forward Conv, marked where it is
 * picked; the 'nchwc' rows are what the Trainer runs where the CPU has ORT's NCHWc kernels.
 */
function vggLayer(c: number, cout: number, h: number, nchwcBlock: number | undefined): Record<string, { model: ModelProto; feeds: Record<string, RunTensor> }> {
  const k = 3;
  const x = random([batch, c, h, h], 1);
  const w = random([cout, c, k, k], 3);
  const dy = random([batch, cout, h, h], 2);
  const feeds = { x, w, dy };
  const out: Record<string, { model: ModelProto; feeds: Record<string, RunTensor> }> = {};
  const start = () => {
    const b = new ModelBuilder({ opset: 17 });
    return { b, xi: b.input('x', 'float32', [batch, c, h, h]), wi: b.input('w', 'float32', [cout, c, k, k]), dyi: b.input('dy', 'float32', [batch, cout, h, h]) };
  };
  const only = (m: ModelProto, inputs: readonly string[]) => ({ model: { ...m, graph: { ...m.graph, input: m.graph.input.filter((v) => inputs.includes(v.name)) } }, feeds: Object.fromEntries(inputs.map((n) => [n, feeds[n as keyof typeof feeds]])) });
  {
    const { b, xi, wi } = start();
    b.output(b.node('Conv', [xi, wi], { pads: [1, 1, 1, 1] }, 'y'));
    const m = b.build();
    out['forward-conv'] = only(m, ['x', 'w']);
    // What the Trainer runs where the CPU has ORT's NCHWc kernels.
    if (nchwcBlock !== undefined) out['forward-nchwc'] = only(nchwc(m, nchwcBlock), ['x', 'w']);
  }
  {
    // The training step's forward rewrite (convByGemm), here whether or not it would pick it.
    const { b, xi, wi } = start();
    const sink: NodeSink = {
      opset: 17,
      emit: (opType, inputs, purpose, attrs) => b.node(opType, inputs, attrs ?? {}, purpose),
      constant: (purpose, dtype, dims, data) => b.constant(purpose, dtype, dims, data),
    };
    const node = { name: 'y', opType: 'Conv', domain: '', input: [], output: [], attribute: [nodeAttribute('pads', [1, 1, 1, 1])] };
    const ctx = { node, name: 'y', opset: 17, attrs: new Attrs(node) };
    b.output(convByGemm(sink, xi, wi, '', [batch, c, h, h], [cout, c, k, k], [batch, cout, h, h], convParams(ctx, [batch, c, h, h], [k, k])));
    out[`forward-gemm${convByGemmPays(batch, 1, c * k * k, h * h) ? ' (picked)' : ''}`] = only(b.build(), ['x', 'w']);
  }
  {
    // The per-sample weight gradient (the rule below batch 16): one-hot grouped Conv patches
    // [N, C*9, L], batched MatMul with dY, ReduceSum over the batch.
    const { b, xi, dyi } = start();
    const patches = b.node('Conv', [xi, b.constant('onehot', 'float32', [c * k * k, 1, k, k], onehotKernel(c, k))], { group: c, pads: [1, 1, 1, 1] }, 'patches');
    const pm = b.node('Reshape', [patches, b.ints('ps', [batch, c * k * k, h * h])], {}, 'pm');
    const dyt = b.node('Transpose', [b.node('Reshape', [dyi, b.ints('ds', [batch, cout, h * h])], {}, 'dym')], { perm: [0, 2, 1] }, 'dyt');
    const summed = b.node('ReduceSum', [b.node('MatMul', [pm, dyt], {}, 'prod'), b.ints('ax', [0])], { keepdims: 0 }, 'sum');
    b.output(b.node('Reshape', [b.node('Transpose', [summed], { perm: [1, 0] }, 'dwt'), b.ints('ws', [cout, c, k, k])], {}, 'dw'));
    out['dw-per-sample'] = only(b.build(), ['x', 'dy']);
  }
  // 'rule' rows: what autodiff emits for this Conv at this batch.
  for (const wrt of ['w', 'x'] as const) {
    const { b, xi, wi } = start();
    b.output(b.node('Conv', [xi, wi], { pads: [1, 1, 1, 1] }, 'y'));
    const g = asRun(buildGradientModel(b.build(), { seeds: [{ tensor: 'y', grad: 'dy' }], wrt: [wrt], outputs: [] }));
    const model = { ...g, graph: { ...g.graph, node: g.graph.node.filter((n) => n.output[0] !== 'y') } };
    out[wrt === 'w' ? 'dw-rule' : 'dx-rule'] = only(model, wrt === 'w' ? ['x', 'dy'] : ['w', 'dy']);
  }
  {
    const { b, wi, dyi } = start();
    b.output(b.node('ConvTranspose', [dyi, wi], { pads: [1, 1, 1, 1] }, 'dx'));
    out['dx-convtranspose'] = only(b.build(), ['w', 'dy']);
  }
  {
    const { b, wi, dyi } = start();
    const wt = b.node('Transpose', [wi], { perm: [1, 0, 2, 3] }, 'wt');
    const flip = b.node('Slice', [wt, b.ints('s', [-1, -1]), b.ints('e', [-(2 ** 31), -(2 ** 31)]), b.ints('a', [2, 3]), b.ints('st', [-1, -1])], {}, 'wflip');
    b.output(b.node('Conv', [dyi, flip], { pads: [1, 1, 1, 1] }, 'dx'));
    out['dx-flipped-conv'] = only(b.build(), ['w', 'dy']);
    if (nchwcBlock !== undefined) out['dx-flipped-conv-nchwc'] = only(nchwc(b.build(), nchwcBlock), ['w', 'dy']);
  }
  return out;
}

/** Runs the variants round-robin in one process (a ratio between them survives other load); min and median ms. */
async function interleaved(variants: Record<string, { model: ModelProto; feeds: Record<string, RunTensor> }>): Promise<Record<string, { minMs: number; medianMs: number }>> {
  const entries = await Promise.all(Object.entries(variants).map(async ([name, v]) => ({ name, v, session: await Session.fromModel(v.model, { threads: THREADS }), ms: [] as number[] })));
  for (let r = 0; r < runs + 3; r++) {
    for (const e of entries) {
      const t0 = performance.now();
      await e.session.run(e.v.feeds);
      if (r >= 3) e.ms.push(performance.now() - t0);
    }
  }
  for (const e of entries) await e.session.release();
  return Object.fromEntries(entries.map((e) => [e.name, { minMs: Math.min(...e.ms), medianMs: median(e.ms) }]));
}

const BLOCKS = ['layer1.1.relu2', 'layer2.1.relu2', 'layer3.1.relu2', 'layer4.1.relu2'];

/** What the PyTorch reference needs to run the same network on the same input and check its outputs: cleave's weights, the input, cleave's logits and maps. */
async function exportGradCam(resnet: ModelProto, g: GradCamModel, input: RunTensor, prefix: string): Promise<void> {
  const session = await Session.fromModel(g.model, { threads: THREADS });
  const out = await session.run({ [g.input]: input });
  await session.release();
  const tensor = (name: string, from: string) => {
    const t = out[from];
    if (!t) throw new Error(`the Grad-CAM model has no output ${from}`);
    return { name, dims: t.dims, data: t.data as Float32Array };
  };
  writeTensors(`${prefix}-weights`, modelWeights(resnet));
  writeTensors(`${prefix}-data`, [{ name: 'input', dims: input.dims, data: input.data as Float32Array }, tensor('logits', g.logits), ...g.layers.map((l, i) => tensor(`cam${i + 1}`, l.cam))]);
}

async function main(): Promise<Record<string, unknown>> {
  if (kind?.startsWith('vgg:')) {
    const [c, cout, h] = kind.slice(4).split(',').map(Number) as [number, number, number];
    const nchwcBlock = await probeNchwcBlock();
    return { variants: await interleaved(vggLayer(c, cout, h, nchwcBlock)), gflop: (2 * batch * cout * c * 9 * h * h) / 1e9, nchwcBlock: nchwcBlock ?? null };
  }
  if (kind?.startsWith('conv:')) {
    const { model, feeds } = convLayer(kind.slice(5));
    return { ...(await time(model, feeds)) };
  }
  const resnet = buildModel('resnet18', { seed: 1 });
  const input = random([batch, 3, 224, 224], 7);
  if (kind === 'resnet18-forward') return time(resnet, { input });
  if (kind === 'resnet18-backward') {
    // d(sum of logits)/d(every weight and the input): a full backward pass.
    const names = resnet.graph.initializer.map((t) => t.name).filter((n) => n.endsWith('.weight') || n.endsWith('.bias'));
    const { model, lifted } = liftInitializers(resnet, names);
    const g = buildGradientModel(model, { of: 'logits', wrt: ['input', ...names], binding: { batch } });
    const feeds: Record<string, RunTensor> = { input };
    for (const t of lifted) feeds[t.name] = { dtype: 'float32', dims: t.dims.map(Number), data: Float32Array.from(tensorValue(t).data) };
    return { ...(await time(asRun(g), feeds)), gradients: g.grads.size };
  }
  if (kind === 'resnet18-gradcam') {
    // The plain forward pass in the same process for the ratio, in alternating blocks of runs:
    // run by run, each session's spinning thread pool would steal the other's cores (2 threads
    // on 2 CPUs) and slow both down ~2x; blocks still let load drifts hit both alike.
    const g = buildGradCamModel(resnet, { layers: BLOCKS, batch });
    if (values.export) await exportGradCam(resnet, g, input, values.export);
    const fwd = await Session.fromModel(resnet, { threads: THREADS });
    const cam = await Session.fromModel(g.model, { threads: THREADS });
    const tf: number[] = [];
    const tc: number[] = [];
    // CPU time (user + system, every thread of the process) of the timed Grad-CAM runs: other
    // jobs on a shared machine stretch wall time far more than the work's CPU time.
    let camCpuMicros = 0;
    const block = async (session: Session, times: number[], n: number) => {
      for (let i = 0; i < 2; i++) await session.run({ input });
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await session.run({ input });
        times.push(performance.now() - t0);
      }
      const cpu = process.cpuUsage(cpu0);
      if (session === cam) camCpuMicros += cpu.user + cpu.system;
    };
    for (let rep = 0; rep < 3; rep++) {
      await block(fwd, tf, Math.ceil(runs / 3));
      await block(cam, tc, Math.ceil(runs / 3));
    }
    await fwd.release();
    await cam.release();
    return { medianMs: median(tc), cpuMs: camCpuMicros / 1000 / tc.length, forwardMs: median(tf), ratioToForward: median(tc) / median(tf), nodes: g.model.graph.node.length, layers: BLOCKS, parameters: parameterCount(resnet) };
  }
  throw new Error(`unknown configuration ${kind}`);
}

const result = await main();
process.stdout.write(JSON.stringify({ kind, batch, ...result, peakRssMiB: peakRssMiB() }));
