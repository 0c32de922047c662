import { inferShapes, type ShapeBinding } from '../analysis/infer.js';
import { UnsupportedOpError } from '../errors.js';
import { Attrs } from '../graph/attributes.js';
import { nodeAttribute } from '../graph/builder.js';
import { graphFromModel } from '../graph/graph.js';
import type { DType } from '../onnx/dtype.js';
import type { ModelProto, NodeProto } from '../onnx/types.js';
import { onnxOpset } from '../ops/opset-check.js';
import { changesBetween } from '../ops/opset-schema.js';
import { type NodeEmitter, nodeEmitter } from './emitter.js';

/**
 * The lowest opset at which every form cleave's gradient rules, Grad-CAM and training heads
 * emit exists: Pad with pads as an input (11), Equal on floats (11), Range, ScatterND, CumSum
 * (11), Where (9), Expand (8). Models below it are raised to it before anything is emitted.
 *
 * Why raise rather than emit old forms: an opset-7 model has no Expand, Where, or Pad with
 * input pads, which dozens of gradient rules use; rewriting each rule for three old opsets
 * would multiply the rules, while raising touches only the few ops whose definition changed
 * between opsets 7 and 11, each converted below so that it keeps its meaning (ORT checks the
 * raised model against the original in the tests). A plain bump of the opset import is not
 * enough: Slice, Clip, Pad, TopK and Upsample change their inputs, Scatter its name.
 */
export const EMIT_MIN_OPSET = 11;

/** Lowest opset raiseOpset converts from: below 7, Add/Mul/Gemm broadcast by an attribute. */
export const RAISE_FROM_OPSET = 7;

interface Upgrade {
  readonly node: NodeProto;
  readonly attrs: Attrs;
  readonly e: NodeEmitter;
  readonly dtypeOf: (tensor: string) => DType;
  readonly name: string;
  /** the model's opset before raising */
  readonly opset: number;
}

/** A conversion of the nodes written at an opset below `before`, where the op's inputs changed; its later changes up to opset 11 keep the meaning. */
interface Converter {
  readonly before: number;
  readonly convert: (u: Upgrade) => NodeProto;
}

/** The node with `inputs` and its attributes less `drop`, plus `add`. */
function rewritten(u: Upgrade, inputs: readonly string[], drop: readonly string[], add: Readonly<Record<string, string | number>> = {}): NodeProto {
  let n = inputs.length;
  while (n > 0 && !inputs[n - 1]) n--;
  return {
    ...u.node,
    input: inputs.slice(0, n),
    attribute: [...u.node.attribute.filter((a) => !drop.includes(a.name) && !(a.name in add)), ...Object.entries(add).map(([k, v]) => nodeAttribute(k, v))],
  };
}

/** An int64 constant from an ints attribute; int64 extremes ("to the end") clamp to 2^53 - 1, which any dim is below. */
function intsInput(u: Upgrade, purpose: string, values: readonly number[]): string {
  const clamped = values.map((v) => Math.max(-Number.MAX_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, v)));
  return u.e.constant(`${u.name}/${purpose}`, 'int64', [clamped.length], clamped);
}

/** A scalar of the node's first input's dtype. */
function scalarInput(u: Upgrade, purpose: string, value: number): string {
  return u.e.constant(`${u.name}/${purpose}`, u.dtypeOf(u.node.input[0]!), [], [value]); // the ops upgraded here all have input 0
}

/** Resize-11 equivalent of Upsample and Resize-10: asymmetric coordinates, nearest rounding down. */
function asResize(u: Upgrade, scales: string): NodeProto {
  const mode = u.attrs.string('mode', 'nearest') as string;
  const roi = u.e.constant(`${u.name}/roi`, 'float32', [0], []);
  // Upsample has input 0
  return {
    ...rewritten(u, [u.node.input[0]!, roi, scales], ['mode', 'scales'], {
      mode, coordinate_transformation_mode: 'asymmetric', ...(mode === 'nearest' ? { nearest_mode: 'floor' } : {}),
    }),
    opType: 'Resize',
  };
}

/** Ops whose changes up to opset 11 leave an existing node's meaning as it is (more types, negative axes, new optional attributes whose defaults are the old behaviour). */
const SAME_MEANING: readonly string[] = [
  'Abs', 'Add', 'And', 'ArgMax', 'ArgMin', 'AveragePool', 'Cast', 'Ceil', 'Compress', 'Concat', 'Constant', 'Conv', 'ConvTranspose',
  'DepthToSpace', 'Div', 'Dropout', 'Elu', 'Equal', 'Exp', 'Flatten', 'Floor', 'Gather', 'Gemm', 'GlobalAveragePool', 'GlobalMaxPool',
  'Greater', 'HardSigmoid', 'Hardmax', 'Identity', 'InstanceNormalization', 'LeakyRelu', 'Less', 'Log', 'LogSoftmax', 'LpNormalization',
  'LpPool', 'LRN', 'MatMul', 'Max', 'MaxPool', 'Mean', 'Min', 'Mul', 'Neg', 'Not', 'OneHot', 'Or', 'Pow', 'PRelu', 'Reciprocal', 'ReduceL1',
  'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceMax', 'ReduceMean', 'ReduceMin', 'ReduceProd', 'ReduceSum', 'ReduceSumSquare',
  'Relu', 'Reshape', 'Selu', 'Shape', 'Sigmoid', 'Size', 'Softmax', 'Softplus', 'Softsign', 'SpaceToDepth', 'Split', 'Sqrt', 'Squeeze',
  'Sub', 'Sum', 'Tanh', 'Tile', 'Transpose', 'Unsqueeze', 'Xor',
];

/** Conversions of the ops whose inputs changed between opsets 7 and 11. */
const CONVERT: Readonly<Record<string, Converter>> = {
  // Clip-6: min and max attributes -> optional inputs (absent: unbounded on that side).
  Clip: {
    before: 11,
    convert: (u) => {
      const min = u.attrs.float('min');
      const max = u.attrs.float('max');
      return rewritten(u, [u.node.input[0]!, min === undefined ? '' : scalarInput(u, 'min', min), max === undefined ? '' : scalarInput(u, 'max', max)], ['min', 'max']);
    },
  },
  // Pad-2: pads and value attributes -> inputs.
  Pad: {
    before: 11,
    convert: (u) => {
      const value = u.attrs.float('value', 0) as number;
      return rewritten(u, [u.node.input[0]!, intsInput(u, 'pads', u.attrs.ints('pads') ?? []), value === 0 ? '' : scalarInput(u, 'value', value)], ['pads', 'value']);
    },
  },
  // Slice-1: starts, ends, axes attributes -> inputs (steps did not exist: all 1). Slice-11 only allows negative indices.
  Slice: {
    before: 10,
    convert: (u) => {
      const axes = u.attrs.ints('axes');
      return rewritten(u, [u.node.input[0]!, intsInput(u, 'starts', u.attrs.ints('starts') ?? []), intsInput(u, 'ends', u.attrs.ints('ends') ?? []), axes ? intsInput(u, 'axes', axes) : ''], ['starts', 'ends', 'axes']);
    },
  },
  // TopK-1: attribute k -> a 1-element input K. TopK-11 adds `largest` and `sorted`, defaults as before.
  TopK: { before: 10, convert: (u) => rewritten(u, [u.node.input[0]!, intsInput(u, 'k', [u.attrs.int('k') ?? 1])], ['k']) },
  // Upsample-7 (scales attribute), Upsample-9 (scales input) -> Resize-11.
  Upsample: {
    before: 11,
    convert: (u) => {
      const scales = u.node.input[1] || u.e.constant(`${u.name}/scales`, 'float32', [(u.attrs.floats('scales') ?? []).length], u.attrs.floats('scales') ?? []);
      return asResize(u, scales);
    },
  },
  // Resize-10 (X, scales) -> Resize-11 (X, roi, scales) with Resize-10's coordinate rule.
  Resize: { before: 11, convert: (u) => asResize(u, u.node.input[1]!) },
  // Scatter-9: renamed ScatterElements at 11, same inputs and meaning.
  Scatter: { before: 11, convert: (u) => ({ ...u.node, opType: 'ScatterElements' }) },
  // BatchNormalization-7: `spatial` went at 9; 1 (the default) is what later versions do.
  BatchNormalization: {
    before: 9,
    convert: (u) => {
      if (u.attrs.int('spatial', 1) !== 1) throw new UnsupportedOpError('BatchNormalization', u.name, u.opset, 'conversion for spatial=0 (per-activation statistics)', 'cleave (re-export the model at opset 9 or later)');
      return rewritten(u, u.node.input, ['spatial']);
    },
  },
};

/**
 * The model at `target` (>= its own opset) with the same meaning: the opset import raised and
 * every ai.onnx node whose definition changed in between converted (CONVERT) or kept
 * (SAME_MEANING); any other change is refused, naming the op. Below RAISE_FROM_OPSET models are
 * refused. A model already at `target` or above is returned as it is. `binding` binds symbolic
 * dims for the shape inference that gives the dtypes of new constants.
 */
export function raiseOpset(model: ModelProto, target: number, binding: ShapeBinding = {}): ModelProto {
  const opset = onnxOpset(model);
  if (opset >= target) return model;
  if (opset < RAISE_FROM_OPSET) {
    throw new UnsupportedOpError(model.graph.node[0]?.opType ?? 'graph', model.graph.node[0]?.name ?? '', opset, `gradient support below opset ${RAISE_FROM_OPSET}`, `cleave (re-export the model at opset ${EMIT_MIN_OPSET} or later)`);
  }
  const graph = graphFromModel(model);
  const tensors = inferShapes(graph, binding).tensors;
  const e = nodeEmitter(model);
  const replaced = new Map<NodeProto, NodeProto[]>();
  graph.nodes.forEach((node, index) => {
    if (node.domain && node.domain !== 'ai.onnx') return;
    const name = graph.nodeNames[index]!; // index is a node of the graph
    const changes = changesBetween(node.opType, opset, target);
    if (changes.length === 0) return;
    const converter = CONVERT[node.opType];
    if (converter && opset < converter.before) {
      replaced.set(node, [converter.convert({ node, attrs: new Attrs(node), e, name, opset, dtypeOf: (t) => tensors.get(t)?.dtype ?? 'float32' })]);
      return;
    }
    if (converter || SAME_MEANING.includes(node.opType)) return;
    throw new UnsupportedOpError(node.opType, name, opset, `conversion to opset ${target}`, `cleave (its definition changed at opset ${changes.join(', ')}; re-export the model at opset ${target} or later)`);
  });
  const raised = e.replaceIn(model, replaced);
  return {
    ...raised,
    opsetImport: raised.opsetImport.map((o) => (!o.domain || o.domain === 'ai.onnx' ? { ...o, version: target } : o)),
  };
}
