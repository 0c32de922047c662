import { inferShapes } from '../src/analysis/infer.js';
import { type AttrValue, ModelBuilder } from '../src/graph/builder.js';
import { graphFromModel } from '../src/graph/graph.js';
import type { DType } from '../src/onnx/dtype.js';
import type { TensorInfo } from '../src/graph/tensor-meta.js';
import type { Cost } from '../src/ops/op.js';
import { findOp } from '../src/ops/registry.js';
import { nodeContext } from '../src/analysis/infer.js';
import { type RunTensor, Session } from '../src/runtime/session.js';
import { randomTensor } from './random-tensor.js';

/** One input of a single-node test model: fed at run time, or a constant initializer. */
export interface OpInput {
  readonly dtype?: DType;
  readonly shape: readonly number[];
  /** makes it an initializer with these values */
  readonly value?: readonly number[];
  /** an omitted optional input (empty name) */
  readonly omitted?: boolean;
}

export interface OpCheck {
  /** what cleave's rule says */
  readonly inferred: readonly (TensorInfo | undefined)[];
  /** what ONNX Runtime actually produced */
  readonly actual: readonly RunTensor[];
  readonly cost: Cost;
}

/**
 * Builds a one-node model, infers its outputs with cleave's rules, runs it in ONNX Runtime on
 * seeded random data and returns both, so a test can compare shapes and values.
 */
export async function checkOp(
  opType: string,
  inputs: readonly OpInput[],
  attrs: Readonly<Record<string, AttrValue>> = {},
  options: { readonly outputs?: number; readonly opset?: number; readonly seed?: number } = {},
): Promise<OpCheck> {
  const b = new ModelBuilder({ opset: options.opset ?? 17, seed: options.seed ?? 7 });
  const feeds: Record<string, RunTensor> = {};
  const names = inputs.map((inp, i) => {
    if (inp.omitted) return '';
    const dtype = inp.dtype ?? 'float32';
    if (inp.value) return b.constant(`c${i}`, dtype, inp.shape, inp.value);
    const name = b.input(`x${i}`, dtype, inp.shape);
    feeds[name] = randomTensor(dtype, inp.shape, (options.seed ?? 7) + i);
    return name;
  });
  const outs = b.nodeN(opType, names, options.outputs ?? 1, attrs, 'op');
  for (const o of outs) b.output(o, 'float32');
  // Output dtypes are declared float32 above only as a placeholder: ORT needs no output types.
  const model = b.build();
  for (const o of model.graph.output) o.type = { tensorType: null };
  const graph = graphFromModel(model);
  const inference = inferShapes(graph);
  if (inference.issues.length) throw new Error(inference.issues.map((i) => i.message).join('; '));
  const inferred = outs.map((o) => inference.tensors.get(o));
  const session = await Session.fromModel(model);
  try {
    const result = await session.run(feeds);
    const actual = outs.map((o) => result[o]!);
    const node = graph.nodes[0];
    const rule = findOp('', opType, options.opset ?? 17);
    if (!node || !rule) throw new Error(`no rule for ${opType}`);
    const ctx = nodeContext(graph, node, 0);
    const cost = rule.cost(ctx, node.input.map((n) => (n ? inference.tensors.get(n) : undefined)), inferred as TensorInfo[]);
    return { inferred, actual, cost };
  } finally {
    await session.release();
  }
}
