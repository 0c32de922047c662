import { inferShapes } from '../analysis/infer.js';
import { BadRequestError } from '../errors.js';
import { graphFromModel } from '../graph/graph.js';
import { readModel } from '../onnx/model-file.js';
import type { ModelProto } from '../onnx/types.js';
import type { ImageDataset, Split } from '../data/image-dataset.js';
import { loadImageSource } from '../data/image-source.js';
import { checkTensorSizes, DEFAULT_MAX_TENSOR_BYTES } from '../runtime/size-limit.js';

/** [channels, height, width] of a model's only image input. */
export function modelInputChw(model: ModelProto): [number, number, number] {
  // Bounds: one input (checked) whose shape has 4 axes (checked).
  const g = graphFromModel(model);
  if (g.inputs.length !== 1) throw new BadRequestError(`the model has ${g.inputs.length} inputs; cleave feeds images to a model with one input`);
  const name = g.inputs[0]!.name;
  const shape = inferShapes(g, { batch: 1 }).tensors.get(name)?.shape;
  if (!shape || shape.length !== 4) throw new BadRequestError(`input "${name}" has shape ${shape ? `[${shape.join(', ')}]` : 'unknown'}; cleave feeds images as [N, C, H, W]`);
  // Every image is resized to this shape: refuse a declared size no image should be blown up to.
  checkTensorSizes([[name, { dtype: 'float32', shape }]], DEFAULT_MAX_TENSOR_BYTES, 'converting images for the model');
  return [shape[1]!, shape[2]!, shape[3]!];
}

/**
 * Images for a model: `mnist` / `fashion-mnist` or a folder of class subfolders, converted to
 * the model's input (data/image-source.ts). `shared` says that a folder without splits served both.
 */
export function loadImages(spec: string, split: Split, model: ModelProto, limit?: number): { data: ImageDataset; shared: boolean } {
  return loadImageSource(spec, split, modelInputChw(model), limit);
}

/**
 * Reads a model file for ranking or retraining. A decoded opset entry and a node may lack their
 * domain (protobuf's default '' left unset), which hides the opset from graph code; it is set.
 * `bytes`: the file read already (see readModel).
 */
export function readClassifier(path: string, bytes?: Uint8Array): ModelProto {
  const model = readModel(path, bytes);
  return {
    ...model,
    opsetImport: model.opsetImport.map((o) => ({ ...o, domain: o.domain ?? '', version: Number(o.version) })),
    graph: { ...model.graph, node: model.graph.node.map((n) => ({ ...n, domain: n.domain ?? '' })) },
  };
}
