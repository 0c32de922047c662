import { BadRequestError } from '../errors.js';
import { valueInfo } from '../graph/builder.js';
import { dtypeFromCode } from '../onnx/dtype.js';
import type { ModelProto, TensorProto } from '../onnx/types.js';

/**
 * Turns initializers into graph inputs of the same name, type and shape, so that a training
 * step or a finite-difference check can feed them each run. Returns the new model (the input
 * model is not changed) and the lifted tensors (their stored values, for the first feed).
 */
export function liftInitializers(model: ModelProto, names: readonly string[]): { model: ModelProto; lifted: TensorProto[] } {
  const wanted = new Set(names);
  const lifted: TensorProto[] = [];
  const kept: TensorProto[] = [];
  for (const t of model.graph.initializer) (wanted.has(t.name) ? lifted : kept).push(t);
  if (lifted.length !== wanted.size) {
    const found = new Set(lifted.map((t) => t.name));
    const missing = names.filter((n) => !found.has(n));
    throw new BadRequestError(`no initializer named ${missing.map((m) => `"${m}"`).join(', ')}`);
  }
  // Old exporters also list initializers among the inputs: drop those entries before re-adding.
  const inputs = model.graph.input.filter((v) => !wanted.has(v.name));
  const added = lifted.map((t) => valueInfo(t.name, dtypeFromCode(t.dataType, t.name), t.dims.map(Number)));
  return { model: { ...model, graph: { ...model.graph, initializer: kept, input: [...inputs, ...added] } }, lifted };
}
