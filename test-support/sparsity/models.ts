import { Attrs } from '../../src/graph/attributes.js';
import { float, ModelBuilder } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { Random } from '../../src/graph/random.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { makeTensor, tensorValue } from '../../src/onnx/tensor.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { randomTensorOf } from '../../src/runtime/random-feeds.js';
import { type RunTensor, Session } from '../../src/runtime/session.js';
import type { SparseLayerReport } from '../../src/sparsity/sparsify.js';

/**
 * A small net with every kind of junction sparsify handles: a first Conv with 3 input
 * channels (no density below 1 divides 3 -> 8), a strided 3x3 Conv 8 -> 16 without bias, a Gemm with transB=1, a MatMul ([p, n] weight),
 * and a Gemm with transB=0, alpha and beta. Input [N, 3, 6, 6], output `logits` [N, 4].
 */
export function junctionNet(seed = 5): ModelProto {
  const b = new ModelBuilder({ seed, name: 'junctions' });
  const x = b.input('input', 'float32', ['N', 3, 6, 6]);
  const c1 = b.node('Conv', [x, b.param('c1.weight', [8, 3, 3, 3]), b.param('c1.bias', [8], { kind: 'normal', std: 0.1 })], { pads: [1, 1, 1, 1] }, 'c1');
  const r1 = b.node('Relu', [c1], {}, 'r1');
  const c2 = b.node('Conv', [r1, b.param('c2.weight', [16, 8, 3, 3])], { pads: [1, 1, 1, 1], strides: [2, 2] }, 'c2');
  const r2 = b.node('Relu', [c2], {}, 'r2');
  const f = b.node('Flatten', [r2], {}, 'flatten');
  const fc1 = b.node('Gemm', [f, b.param('fc1.weight', [24, 144]), b.param('fc1.bias', [24], { kind: 'normal', std: 0.1 })], { transB: 1 }, 'fc1');
  const r3 = b.node('Relu', [fc1], {}, 'r3');
  const fc2 = b.node('MatMul', [r3, b.param('fc2.weight', [24, 12])], {}, 'fc2');
  const fc3 = b.node('Gemm', [fc2, b.param('fc3.weight', [12, 4]), b.param('fc3.bias', [4], { kind: 'normal', std: 0.1 })], { alpha: float(0.5), beta: float(2) }, 'fc3');
  b.output(fc3, 'float32', ['N', 4]);
  return b.build();
}

/**
 * Dey's MLP shape at a small size with a rank-3 input to the MatMul layers (a sequence of
 * tokens), for the structured MatMul route: [N, 3, 16] -> 16 -> 8 -> 4.
 */
export function tokenMlp(seed = 7): ModelProto {
  const b = new ModelBuilder({ seed, name: 'tokens' });
  const x = b.input('input', 'float32', ['N', 3, 16]);
  const h = b.node('Relu', [b.node('MatMul', [x, b.param('m1.weight', [16, 8])], {}, 'm1')], {}, 'relu');
  b.output(b.node('MatMul', [h, b.param('m2.weight', [8, 4])], {}, 'm2'), 'float32', ['N', 3, 4]);
  return b.build();
}

/**
 * The reference masked dense model, written independently of sparsify's packing: the original
 * model with each reported layer's weight multiplied by its mask (a kernel per channel pair,
 * or a weight per entry), read straight from the layer's op and layout.
 */
export function maskedDense(model: ModelProto, layers: readonly SparseLayerReport[]): ModelProto {
  const copy: ModelProto = { ...model, graph: { ...model.graph, initializer: [...model.graph.initializer] } };
  for (const l of layers) {
    if (!l.mask) continue;
    const node = model.graph.node.find((n) => n.name === l.node)!;
    const wi = copy.graph.initializer.findIndex((t) => t.name === node.input[1]);
    const t = copy.graph.initializer[wi]!;
    const w = Float32Array.from(tensorValue(t).data);
    const dims = t.dims.map(Number);
    const { keep, inputs: p, outputs: n } = l.mask;
    if (l.op === 'Conv') {
      const per = w.length / n; // weights per output
      const block = per / p; // a kernel per channel, or 1 at element granularity
      for (let o = 0; o < n; o++) for (let k = 0; k < per; k++) if (!keep[o * p + Math.floor(k / block)]) w[o * per + k] = 0;
    } else {
      const transB = l.op === 'Gemm' && new Attrs(node).int('transB', 0) === 1;
      for (let o = 0; o < n; o++) for (let j = 0; j < p; j++) if (!keep[o * p + j]) w[transB ? o * p + j : j * n + o] = 0;
    }
    copy.graph.initializer[wi] = makeTensor(t.name, 'float32', dims, w);
  }
  return copy;
}

/** Seeded feeds for a model's inputs at batch `batch`. */
export function feedsFor(model: ModelProto, batch: number, seed = 3): Record<string, RunTensor> {
  const rng = new Random(seed);
  const feeds: Record<string, RunTensor> = {};
  for (const v of graphFromModel(model).inputs) {
    const dims = (v.type?.tensorType?.shape?.dim ?? []).map((d, i) => (i === 0 ? batch : Number(d.dimValue)));
    feeds[v.name] = randomTensorOf('float32', dims, rng);
  }
  return feeds;
}

/** Every output of a model on `feeds`, run by ONNX Runtime. */
export async function runModel(model: ModelProto, feeds: Readonly<Record<string, RunTensor>>, optimize = true): Promise<Record<string, RunTensor>> {
  const s = await Session.fromModel(encodeModel(model), { optimize });
  try {
    return await s.run(feeds);
  } finally {
    await s.release();
  }
}

/** max |a - b| over every output, relative to max |a| (as cut verification measures). */
export async function relativeDifference(a: ModelProto, b: ModelProto, feeds: Readonly<Record<string, RunTensor>>): Promise<number> {
  const [ra, rb] = [await runModel(a, feeds), await runModel(b, feeds)];
  let worst = 0;
  for (const [name, ta] of Object.entries(ra)) {
    const tb = rb[name];
    if (!tb || tb.dims.join() !== ta.dims.join()) return Infinity;
    let scale = 0;
    let diff = 0;
    for (let i = 0; i < ta.data.length; i++) {
      const x = Number(ta.data[i]);
      scale = Math.max(scale, Math.abs(x));
      diff = Math.max(diff, Math.abs(x - Number(tb.data[i])));
    }
    worst = Math.max(worst, diff / Math.max(scale, Number.MIN_VALUE));
  }
  return worst;
}
