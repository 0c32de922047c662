import { BadModelError } from '../errors.js';
import { dtypeFromCode } from '../onnx/dtype.js';
import { declaredDim } from '../onnx/model-check.js';
import type { ModelProto, ValueInfoProto } from '../onnx/types.js';
import { type V2Datatype, dtypeToV2 } from '../protocol/datatypes.js';

/** A model input or output as the v2 metadata endpoint describes it; -1 marks a dynamic dim. */
export interface TensorMeta {
  readonly name: string;
  readonly datatype: V2Datatype;
  readonly shape: readonly number[];
}

function tensorMeta(v: ValueInfoProto, where: string): TensorMeta {
  const tt = v.type?.tensorType;
  if (!tt) throw new BadModelError(`${where} "${v.name}" is not a tensor; only tensors can be served`);
  const dtype = dtypeFromCode(tt.elemType, `${where} "${v.name}"`);
  const datatype = dtypeToV2(dtype);
  if (!datatype) throw new BadModelError(`${where} "${v.name}" has type ${dtype}, which the v2 protocol cannot carry`);
  const shape = (tt.shape?.dim ?? []).map((d, i) => {
    const n = declaredDim(d);
    if (typeof n !== 'number') return -1;
    // 0 is a real size; a negative one is no size (readModel refuses it; a model built in memory may not have been read)
    if (n < 0) throw new BadModelError(`${where} "${v.name}" declares dimension ${n} at position ${i}, which is not a size`);
    return n;
  });
  return { name: v.name, datatype, shape };
}

/** Inputs (initializers excluded) and outputs of a model, from its declared graph signature. */
export function modelSignature(model: ModelProto): { inputs: TensorMeta[]; outputs: TensorMeta[] } {
  const inits = new Set(model.graph.initializer.map((t) => t.name));
  return {
    inputs: model.graph.input.filter((v) => !inits.has(v.name)).map((v) => tensorMeta(v, 'graph input')),
    outputs: model.graph.output.map((v) => tensorMeta(v, 'graph output')),
  };
}
