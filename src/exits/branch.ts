/**
 * The nodes of one exit branch. For a map [N, C, H, W]: BatchNormalization -> GlobalAveragePool
 * -> Flatten -> Gemm to the classes (POPEX's MobileNetV2 branches); "conv" puts a 3x3 Conv
 * (C channels, padding 1) + ReLU + 2x2 MaxPool first, so that an early, high-resolution exit
 * has a layer of its own before the pooling averages everything away. For a vector [N, F]: a
 * Gemm alone (the branch kind changes nothing there).
 */
import type { Random } from '../graph/random.js';
import { makeTensor } from '../onnx/tensor.js';
import { AttrType, type AttributeProto, type NodeProto, type TensorProto } from '../onnx/types.js';

export type BranchKind = 'bn-gap' | 'conv';

export interface BranchSpec {
  /** the tensor the branch reads */
  readonly at: string;
  /** per-sample shape of `at`: [C, H, W] or [F] */
  readonly shape: readonly number[];
  readonly classes: number;
  readonly kind: BranchKind;
  /** names start with this (`exit_<k>`) */
  readonly prefix: string;
  /** the logits tensor it ends with (`exit_<k>_logits`) */
  readonly output: string;
}

export interface Branch {
  readonly nodes: readonly NodeProto[];
  readonly initializers: readonly TensorProto[];
  /** learned weights (to train) */
  readonly params: readonly string[];
  /** BatchNormalization running statistics */
  readonly buffers: readonly string[];
  /** multiply-accumulates per sample of the branch's Conv and Gemm */
  readonly macs: number;
}

const ints = (name: string, v: readonly number[]): AttributeProto => ({ name, type: AttrType.INTS, ints: [...v] });

/** Builds the branch; weights come from `rng` (He normal for the conv, PyTorch's Linear uniform for the Gemm). */
export function buildBranch(spec: BranchSpec, rng: Random): Branch {
  const nodes: NodeProto[] = [];
  const initializers: TensorProto[] = [];
  const params: string[] = [];
  const buffers: string[] = [];
  const p = spec.prefix;
  let macs = 0;
  const tensor = (name: string, dims: readonly number[], fill: (data: Float32Array) => void, list: string[]) => {
    const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
    fill(data);
    initializers.push(makeTensor(name, 'float32', dims, new Uint8Array(data.buffer), true));
    list.push(name);
    return name;
  };
  const node = (opType: string, name: string, inputs: readonly string[], attribute: AttributeProto[] = [], output = `${p}/${name}`) => {
    nodes.push({ name: `${p}/${name}`, opType, domain: '', input: [...inputs], output: [output], attribute });
    return output;
  };
  const uniform = (bound: number) => (d: Float32Array) => { for (let i = 0; i < d.length; i++) d[i] = (2 * rng.next() - 1) * bound; };

  let x = spec.at;
  let features = spec.shape[0]!; // an exit site's shape is [C, H, W] or [F]: never empty
  if (spec.shape.length === 3) {
    const [c, h, w] = spec.shape as [number, number, number];
    if (spec.kind === 'conv') {
      const weight = tensor(`${p}/conv.weight`, [c, c, 3, 3], (d) => rng.fillNormal(d, Math.sqrt(2 / (c * 9))), params);
      const bias = tensor(`${p}/conv.bias`, [c], (d) => d.fill(0), params);
      x = node('Conv', 'conv', [x, weight, bias], [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])]);
      macs += c * c * 9 * h * w;
      x = node('Relu', 'relu', [x]);
      const kernel = [Math.min(2, h), Math.min(2, w)];
      x = node('MaxPool', 'pool', [x], [ints('kernel_shape', kernel), ints('strides', kernel)]);
    }
    const stat = (name: string, value: number, list: string[]) => tensor(`${p}/bn.${name}`, [c], (d) => d.fill(value), list);
    x = node('BatchNormalization', 'bn', [x, stat('weight', 1, params), stat('bias', 0, params), stat('running_mean', 0, buffers), stat('running_var', 1, buffers)], [{ name: 'epsilon', type: AttrType.FLOAT, f: 1e-5 }]);
    x = node('GlobalAveragePool', 'gap', [x]);
    x = node('Flatten', 'flatten', [x], [{ name: 'axis', type: AttrType.INT, i: 1 }]);
    features = c;
  }
  const bound = 1 / Math.sqrt(features);
  const weight = tensor(`${p}/fc.weight`, [spec.classes, features], uniform(bound), params);
  const bias = tensor(`${p}/fc.bias`, [spec.classes], uniform(bound), params);
  node('Gemm', 'fc', [x, weight, bias], [{ name: 'transB', type: AttrType.INT, i: 1 }], spec.output);
  macs += spec.classes * features;
  return { nodes, initializers, params, buffers, macs };
}
