import { inferShapes } from '../analysis/infer.js';
import { BadRequestError } from '../errors.js';
import { graphFromModel, opsetOf } from '../graph/graph.js';
import { Random } from '../graph/random.js';
import { makeTensor } from '../onnx/tensor.js';
import { AttrType, type AttributeProto, type ModelProto, type NodeProto, type TensorProto } from '../onnx/types.js';

export interface BottleneckOptions {
  /** weight seed (He normal), default 1 */
  readonly seed?: number;
}

/** The model with an undercomplete autoencoder at a cut, and what now crosses the cut. */
export interface Bottleneck {
  readonly model: ModelProto;
  /** the cut tensor the autoencoder sits on */
  readonly at: string;
  /** the encoder's output: the tensor that crosses the network instead of `at` */
  readonly code: string;
  /** [C, H, W] of the cut (a dense [F] cut is seen as [F, 1, 1]) */
  readonly cutShape: readonly number[];
  /** [C/4, ceil(ceil(H/2)/2), ...] of the code */
  readonly codeShape: readonly number[];
  /** channels of the first and second encoder convolutions: round(C/8), round(C/4) */
  readonly widths: readonly [number, number];
  readonly cutBytes: number;
  readonly codeBytes: number;
  /** the autoencoder's initializers (to train) */
  readonly params: readonly string[];
  /** the autoencoder's BatchNormalization statistics */
  readonly buffers: readonly string[];
}

const ints = (name: string, v: readonly number[]): AttributeProto => ({ name, type: AttrType.INTS, ints: [...v] });

/** Tensors whose values are >= 0 by construction: a ReLU output, seen through pools and views. */
function nonNegative(model: ModelProto, tensor: string): boolean {
  // Bounds: p is a producer from the graph, and every op followed here (pools, views, Dropout) has input 0.
  const g = graphFromModel(model);
  let t = tensor;
  for (;;) {
    const p = g.producer.get(t);
    if (p === undefined) return false;
    const n = g.nodes[p]!;
    if (n.opType === 'Relu') return true;
    if (!['MaxPool', 'AveragePool', 'Flatten', 'Reshape', 'Identity', 'Dropout', 'Squeeze', 'Unsqueeze'].includes(n.opType)) return false;
    t = n.input[0]!;
  }
}

/**
 * Inserts the I-SPLIT validation bottleneck at `at`: encoder Conv 3x3 stride 2 (pad 1) + BN
 * + ReLU twice, to round(C/8) then round(C/4) channels; decoder the mirror with
 * ConvTranspose 3x3 stride 2 back to C channels, output_padding chosen per axis so the
 * output has the cut's exact H x W (odd sizes included). The last decoder ReLU is kept only
 * when the cut tensor is non-negative (after a ReLU); otherwise it ends with BN. A dense
 * cut [N, F] is unsqueezed to [N, F, 1, 1] and flattened back. Consumers of `at` read the
 * decoder's output; the rest of the model is unchanged.
 */
export function insertBottleneck(model: ModelProto, at: string, options: BottleneckOptions = {}): Bottleneck {
  const graph = graphFromModel(model);
  if (!graph.producer.has(at)) throw new BadRequestError(`"${at}" is no tensor computed by the model`);
  if (graph.outputs.some((o) => o.name === at)) throw new BadRequestError(`"${at}" is a model output: nothing after it to feed`);
  const opset = opsetOf(graph, '') ?? 13;
  if (opset < 13) throw new BadRequestError(`the bottleneck needs opset >= 13 (the model has ${opset})`);
  const info = inferShapes(graph, { batch: 1 }).tensors.get(at);
  if (!info || info.dtype !== 'float32' || (info.shape.length !== 2 && info.shape.length !== 4)) {
    throw new BadRequestError(`"${at}" has shape ${info ? `[${info.shape.join(', ')}]` : 'unknown'}; the bottleneck needs a float [N, C, H, W] or [N, F] tensor`);
  }
  const dense = info.shape.length === 2;
  const [c, h, w] = dense ? [info.shape[1]!, 1, 1] : (info.shape.slice(1) as [number, number, number]); // a dense cut is [N, F]
  const c1 = Math.max(1, Math.round(c / 8));
  const c2 = Math.max(1, Math.round(c / 4));
  const half = (n: number) => Math.ceil(n / 2);
  const [h1, w1, h2, w2] = [half(h), half(w), half(half(h)), half(half(w))];
  const rng = new Random(options.seed ?? 1);
  const p = `bottleneck/${at}`;
  const inits: TensorProto[] = [];
  const params: string[] = [];
  const buffers: string[] = [];
  const nodes: NodeProto[] = [];
  const weight = (name: string, dims: number[], fanIn: number) => {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    rng.fillNormal(data, Math.sqrt(2 / fanIn));
    inits.push(makeTensor(name, 'float32', dims, new Uint8Array(data.buffer), true));
    params.push(name);
    return name;
  };
  const constant = (name: string, n: number, value: number, list: string[]) => {
    inits.push(makeTensor(name, 'float32', [n], new Float32Array(n).fill(value)));
    list.push(name);
    return name;
  };
  const bn = (x: string, name: string, n: number) => {
    const out = `${p}/${name}`;
    nodes.push({
      name: out, opType: 'BatchNormalization', domain: '', output: [out],
      input: [x, constant(`${out}.weight`, n, 1, params), constant(`${out}.bias`, n, 0, params), constant(`${out}.running_mean`, n, 0, buffers), constant(`${out}.running_var`, n, 1, buffers)],
      attribute: [{ name: 'epsilon', type: AttrType.FLOAT, f: 1e-5 }],
    });
    return out;
  };
  const relu = (x: string, name: string) => {
    const out = `${p}/${name}`;
    nodes.push({ name: out, opType: 'Relu', domain: '', input: [x], output: [out], attribute: [] });
    return out;
  };
  const conv = (x: string, name: string, cin: number, cout: number) => {
    const out = `${p}/${name}`;
    const W = weight(`${out}.weight`, [cout, cin, 3, 3], cin * 9);
    nodes.push({ name: out, opType: 'Conv', domain: '', input: [x, W], output: [out], attribute: [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), ints('pads', [1, 1, 1, 1])] });
    return out;
  };
  const deconv = (x: string, name: string, cin: number, cout: number, outH: number, outW: number, inH: number, inW: number) => {
    const out = `${p}/${name}`;
    // ConvTranspose weight is [C_in, C_out, k, k]; fan-in of an output is C_in * 9 / stride^2.
    const W = weight(`${out}.weight`, [cin, cout, 3, 3], Math.max(1, Math.round((cin * 9) / 4)));
    // Output size (in - 1) * 2 - 2 + 3 + output_padding = 2 in - 1 + op: op = 1 for an even target, 0 for odd.
    const op = [outH - (2 * inH - 1), outW - (2 * inW - 1)];
    nodes.push({
      name: out, opType: 'ConvTranspose', domain: '', input: [x, W], output: [out],
      attribute: [ints('kernel_shape', [3, 3]), ints('strides', [2, 2]), ints('pads', [1, 1, 1, 1]), ints('output_padding', op)],
    });
    return out;
  };

  let x = at;
  if (dense) {
    inits.push(makeTensor(`${p}/axes`, 'int64', [2], [2, 3]));
    x = `${p}/map`;
    nodes.push({ name: x, opType: 'Unsqueeze', domain: '', input: [at, `${p}/axes`], output: [x], attribute: [] });
  }
  x = relu(bn(conv(x, 'enc1', c, c1), 'enc1_bn', c1), 'enc1_relu');
  const code = relu(bn(conv(x, 'enc2', c1, c2), 'enc2_bn', c2), 'code');
  x = relu(bn(deconv(code, 'dec1', c2, c1, h1, w1, h2, w2), 'dec1_bn', c1), 'dec1_relu');
  x = bn(deconv(x, 'dec2', c1, c, h, w, h1, w1), 'dec2_bn', c);
  if (nonNegative(model, at)) x = relu(x, 'dec2_relu');
  if (dense) {
    const flat = `${p}/flat`;
    nodes.push({ name: flat, opType: 'Flatten', domain: '', input: [x], output: [flat], attribute: [{ name: 'axis', type: AttrType.INT, i: 1 }] });
    x = flat;
  }
  const out = x;

  const rewired: NodeProto[] = [];
  for (const n of model.graph.node) {
    rewired.push({ ...n, input: n.input.map((t) => (t === at ? out : t)) });
    if (n.output.includes(at)) rewired.push(...nodes);
  }
  const bytes = (dims: number[]) => 4 * dims.reduce((a, b) => a * b, 1);
  return {
    model: { ...model, graph: { ...model.graph, node: rewired, initializer: [...model.graph.initializer, ...inits] } },
    at,
    code,
    cutShape: [c, h, w],
    codeShape: [c2, h2, w2],
    widths: [c1, c2],
    cutBytes: bytes(info.shape.slice(1) as number[]),
    codeBytes: bytes([c2, h2, w2]),
    params,
    buffers,
  };
}
