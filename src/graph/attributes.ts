import { BadModelError } from '../errors.js';
import { AttrType, type AttributeProto, type NodeProto, type TensorProto } from '../onnx/types.js';

const decoder = new TextDecoder();

/** Typed access to a node's attributes with defaults, failing loudly on a wrong type. */
export class Attrs {
  private readonly byName = new Map<string, AttributeProto>();
  constructor(private readonly node: NodeProto) {
    for (const a of node.attribute) this.byName.set(a.name, a);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  private get(name: string, type: number): AttributeProto | undefined {
    const a = this.byName.get(name);
    if (a && a.type !== type && a.type !== 0) {
      throw new BadModelError(`node "${this.node.name || this.node.opType}": attribute ${name} has type ${a.type}, expected ${type}`);
    }
    return a;
  }

  int(name: string, fallback: number): number;
  int(name: string): number | undefined;
  int(name: string, fallback?: number): number | undefined {
    const a = this.get(name, AttrType.INT);
    return a ? Number(a.i ?? 0) : fallback;
  }

  float(name: string, fallback: number): number;
  float(name: string): number | undefined;
  float(name: string, fallback?: number): number | undefined {
    const a = this.get(name, AttrType.FLOAT);
    return a ? Number(a.f ?? 0) : fallback;
  }

  ints(name: string, fallback: readonly number[]): number[];
  ints(name: string): number[] | undefined;
  ints(name: string, fallback?: readonly number[]): number[] | undefined {
    const a = this.get(name, AttrType.INTS);
    return a ? (a.ints ?? []).map(Number) : fallback && [...fallback];
  }

  floats(name: string, fallback?: readonly number[]): number[] | undefined {
    const a = this.get(name, AttrType.FLOATS);
    return a ? (a.floats ?? []).map(Number) : fallback && [...fallback];
  }

  string(name: string, fallback: string): string;
  string(name: string): string | undefined;
  string(name: string, fallback?: string): string | undefined {
    const a = this.get(name, AttrType.STRING);
    return a?.s ? decoder.decode(a.s) : fallback;
  }

  tensor(name: string): TensorProto | undefined {
    return this.get(name, AttrType.TENSOR)?.t ?? undefined;
  }
}
