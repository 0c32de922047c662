import { type AttrValue, nodeAttribute } from '../graph/builder.js';
import type { ModelProto, NodeProto } from '../onnx/types.js';

/**
 * Fresh tensor and node names for nodes added to a model: a taken name gets a numeric suffix,
 * as the builder does, so an edit never collides with what the model already has.
 */
export class Names {
  private readonly tensors = new Set<string>();
  private readonly nodes = new Set<string>();

  constructor(model: ModelProto) {
    const g = model.graph;
    for (const t of g.initializer) this.tensors.add(t.name);
    for (const v of [...g.input, ...g.output, ...g.valueInfo]) this.tensors.add(v.name);
    for (const n of g.node) {
      this.nodes.add(n.name);
      for (const t of [...n.input, ...n.output]) if (t) this.tensors.add(t);
    }
  }

  tensor(base: string): string {
    return take(this.tensors, base);
  }

  node(base: string): string {
    return take(this.nodes, base);
  }

  /** An ai.onnx node named from `base` (made unique) that reads `inputs` and writes `outputs`. */
  make(base: string, opType: string, inputs: readonly string[], outputs: readonly string[], attrs: Readonly<Record<string, AttrValue>> = {}): NodeProto {
    return {
      name: this.node(base), opType, domain: '', input: [...inputs], output: [...outputs],
      attribute: Object.entries(attrs).map(([k, v]) => nodeAttribute(k, v)),
    };
  }
}

function take(used: Set<string>, base: string): string {
  let name = base;
  for (let k = 1; used.has(name); k++) name = `${base}_${k}`;
  used.add(name);
  return name;
}
