import { BadRequestError } from '../errors.js';
import { type DType, dtypeCode } from '../onnx/dtype.js';
import { makeTensor, numelOf } from '../onnx/tensor.js';
import { AttrType, type AttributeProto, type ModelProto, type NodeProto, type TensorProto, type ValueInfoProto } from '../onnx/types.js';
import { Random } from './random.js';
import { VERSION } from '../version.js';

/** A dimension: a size, or a symbolic name such as `N` for the batch. */
export type Dim = number | string;

/** Forces a float attribute where a JS number would otherwise be read as an integer. */
export class FloatAttr {
  constructor(readonly values: number | readonly number[]) {}
}
export const float = (v: number | readonly number[]): FloatAttr => new FloatAttr(v);

export type AttrValue = number | string | readonly number[] | readonly string[] | FloatAttr | TensorProto;

/** How a parameter's values are drawn. */
export type Init =
  | { kind: 'he' } // normal * sqrt(2 / fan_in): keeps ReLU nets' activations in range
  | { kind: 'xavier' }
  | { kind: 'normal'; std: number }
  | { kind: 'uniform'; low: number; high: number }
  | { kind: 'const'; value: number }
  | { kind: 'values'; data: ArrayLike<number> };

export interface BuilderOptions {
  readonly name?: string;
  readonly opset?: number;
  readonly seed?: number;
  readonly producer?: string;
}

const encoder = new TextEncoder();

/**
 * An AttributeProto from a builder-style value: integers become INT, other numbers FLOAT,
 * `float()` forces FLOAT; arrays likewise (an empty array is INTS); strings STRING(S).
 */
export function nodeAttribute(name: string, v: AttrValue): AttributeProto {
  if (v instanceof FloatAttr) {
    return Array.isArray(v.values)
      ? { name, type: AttrType.FLOATS, floats: [...(v.values as number[])] }
      : { name, type: AttrType.FLOAT, f: v.values as number };
  }
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: AttrType.INT, i: v } : { name, type: AttrType.FLOAT, f: v };
  if (typeof v === 'string') return { name, type: AttrType.STRING, s: encoder.encode(v) };
  if (Array.isArray(v)) {
    if (v.length > 0 && v.every((x) => typeof x === 'string')) return { name, type: AttrType.STRINGS, strings: v.map((s: string) => encoder.encode(s)) };
    const nums = v as number[];
    return nums.every(Number.isInteger) ? { name, type: AttrType.INTS, ints: [...nums] } : { name, type: AttrType.FLOATS, floats: [...nums] };
  }
  return { name, type: AttrType.TENSOR, t: v as TensorProto };
}

export function valueInfo(name: string, dtype: DType, shape?: readonly Dim[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: dtypeCode(dtype),
        shape: shape && { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function uniqueIn(used: Set<string>, base: string): string {
  let name = base;
  for (let k = 1; used.has(name); k++) name = `${base}_${k}`;
  used.add(name);
  return name;
}

/**
 * A small DSL that builds ONNX models: inputs, seeded or given weights, nodes, outputs.
 * Tensor names and node names are unique (each in its own namespace, as in ONNX): a repeated
 * name gets a numeric suffix. A node's single output takes the node's name.
 */
export class ModelBuilder {
  readonly rng: Random;
  private readonly nodes: NodeProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly inits: TensorProto[] = [];
  private readonly used = new Set<string>();
  private readonly nodeNames = new Set<string>();
  private readonly opset: number;

  constructor(private readonly options: BuilderOptions = {}) {
    this.rng = new Random(options.seed ?? 1);
    this.opset = options.opset ?? 17;
  }

  /** A tensor name not used yet, based on `base`. */
  unique(base: string): string {
    return uniqueIn(this.used, base);
  }

  input(name: string, dtype: DType, shape: readonly Dim[]): string {
    const n = this.unique(name);
    this.inputs.push(valueInfo(n, dtype, shape));
    return n;
  }

  /** A float32 weight with values from `init` (He normal by default). */
  param(name: string, dims: readonly number[], init: Init = { kind: 'he' }): string {
    const n = numelOf(dims);
    const data = new Float32Array(n);
    const fanIn = dims.length > 1 ? numelOf(dims.slice(1)) : Math.max(1, dims[0] ?? 1);
    const fanOut = (dims[0] ?? 1) * (dims.length > 2 ? numelOf(dims.slice(2)) : 1);
    switch (init.kind) {
      case 'he': this.rng.fillNormal(data, Math.sqrt(2 / fanIn)); break;
      case 'xavier': this.rng.fillNormal(data, Math.sqrt(2 / (fanIn + fanOut))); break;
      case 'normal': this.rng.fillNormal(data, init.std); break;
      case 'uniform': for (let i = 0; i < n; i++) data[i] = init.low + (init.high - init.low) * this.rng.next(); break;
      case 'const': data.fill(init.value); break;
      case 'values':
        if (init.data.length !== n) throw new BadRequestError(`param ${name}: ${init.data.length} values given for shape [${dims.join(', ')}]`);
        data.set(Array.from(init.data));
        break;
    }
    return this.constant(name, 'float32', dims, new Uint8Array(data.buffer), true);
  }

  /** An initializer with given values (`raw`: `data` already holds the little-endian bytes). */
  constant(name: string, dtype: DType, dims: readonly number[], data: ArrayLike<number> | Uint8Array, raw = false): string {
    const n = this.unique(name);
    this.inits.push(makeTensor(n, dtype, dims, data, raw));
    return n;
  }

  /** An int64 initializer, the type ONNX uses for shapes, axes and indices. */
  ints(name: string, values: readonly number[]): string {
    return this.constant(name, 'int64', [values.length], values);
  }

  /** Adds a node with one output and returns that output's name. */
  node(opType: string, inputs: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}, name?: string): string {
    return this.nodeN(opType, inputs, 1, attrs, name)[0]!; // nodeN returns the one output asked for
  }

  /** Adds a node with `outputs` outputs and returns their names. */
  nodeN(opType: string, inputs: readonly string[], outputs: number, attrs: Readonly<Record<string, AttrValue>> = {}, name?: string, domain = ''): string[] {
    const nodeName = uniqueIn(this.nodeNames, name ?? opType.toLowerCase());
    const outs = Array.from({ length: outputs }, (_, k) => this.unique(outputs === 1 ? nodeName : `${nodeName}_out${k}`));
    this.nodes.push({
      name: nodeName,
      opType,
      domain,
      input: [...inputs],
      output: outs,
      attribute: Object.entries(attrs).map(([k, v]) => nodeAttribute(k, v)),
    });
    return outs;
  }

  output(name: string, dtype: DType = 'float32', shape?: readonly Dim[]): void {
    this.outputs.push(valueInfo(name, dtype, shape));
  }

  build(): ModelProto {
    return {
      irVersion: this.opset >= 21 ? 10 : this.opset >= 19 ? 9 : 8,
      opsetImport: [{ domain: '', version: this.opset }],
      producerName: this.options.producer ?? 'cleave',
      producerVersion: VERSION,
      graph: {
        name: this.options.name ?? 'model',
        node: [...this.nodes],
        initializer: [...this.inits],
        input: [...this.inputs],
        output: [...this.outputs],
        valueInfo: [],
      },
    };
  }
}
