import { readFileSync } from 'node:fs';
import { inferShapes, type Inference } from '../src/analysis/infer.js';
import { graphFromModel } from '../src/graph/graph.js';
import { decodeModel } from '../src/onnx/codec.js';
import { numelOf, rawBytes } from '../src/onnx/tensor.js';
import type { ModelProto } from '../src/onnx/types.js';
import { Session } from '../src/runtime/session.js';
import { numbersOf } from './tensor-op-check.js';

/** test-fixtures/ in the source tree (tests run from build/). */
const FIXTURES = new URL('../../test-fixtures/', import.meta.url);

/**
 * Reads an exported model whose float weights were stripped (dims kept, data dropped) and
 * fills them with zeros: shapes and shape arithmetic do not depend on weight values.
 */
export function readStrippedModel(relative: string): ModelProto {
  const model = decodeModel(readFileSync(new URL(relative, FIXTURES)), relative);
  for (const t of model.graph.initializer) {
    const empty = !rawBytes(t) && !t.floatData?.length && !t.int32Data?.length && !t.int64Data?.length && !t.doubleData?.length;
    const bytes = t.dataType === 1 ? 4 : t.dataType === 10 ? 2 : 0;
    if (empty && bytes > 0) t.rawData = new Uint8Array(numelOf(t.dims.map(Number)) * bytes);
  }
  return model;
}

export interface ExportCheck {
  readonly inference: Inference;
  /** tensors whose inferred shape differs from ORT's, or whose folded values differ */
  readonly mismatches: readonly string[];
  readonly checked: number;
}

/**
 * Infers every tensor of `model` at batch `batch` and runs it in ONNX Runtime (graph
 * optimisations off, every node output requested), comparing each inferred shape with the
 * actual one and each folded non-float value with the actual values.
 */
export async function compareWithOrt(model: ModelProto, batch: number): Promise<ExportCheck> {
  const graph = graphFromModel(model);
  const inference = inferShapes(graph, { batch });
  const names = graph.nodes.flatMap((n) => n.output).filter((o) => o !== '');
  const probe: ModelProto = { ...model, graph: { ...model.graph, output: names.map((name) => ({ name, type: null })) } };
  const feeds = Object.fromEntries(graph.inputs.map((v) => {
    const shape = inference.tensors.get(v.name)?.shape ?? [];
    return [v.name, { dtype: 'float32' as const, dims: shape, data: new Float32Array(numelOf(shape)).fill(0.5) }];
  }));
  const session = await Session.fromModel(probe, { optimize: false });
  const mismatches: string[] = [];
  let checked = 0;
  try {
    const out = await session.run(feeds);
    for (const name of names) {
      const actual = out[name];
      const mine = inference.tensors.get(name);
      if (!actual || !mine) continue;
      checked++;
      if (mine.shape.join('x') !== actual.dims.join('x')) mismatches.push(`${name}: shape [${mine.shape}] vs ORT [${actual.dims}]`);
      else if (mine.value && actual.dtype !== 'float32' && Array.from(mine.value.data, Number).join() !== numbersOf(actual).join()) {
        mismatches.push(`${name}: values differ from ORT`);
      }
    }
  } finally {
    await session.release();
  }
  return { inference, mismatches, checked };
}
