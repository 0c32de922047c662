import { inferShapes } from '../analysis/infer.js';
import { BadRequestError } from '../errors.js';
import { graphFromModel } from '../graph/graph.js';
import { readModel } from '../onnx/model-file.js';
import type { ModelProto } from '../onnx/types.js';
import { type ImageDataset, loadDataset, type Split } from '../train/datasets.js';
import { loadImageFolder, splitFolder } from '../train/image-folder.js';

/** [channels, height, width] of a model's only image input. */
export function modelInputChw(model: ModelProto): [number, number, number] {
  const g = graphFromModel(model);
  if (g.inputs.length !== 1) throw new BadRequestError(`the model has ${g.inputs.length} inputs; cleave feeds images to a model with one input`);
  const name = g.inputs[0]?.name as string;
  const shape = inferShapes(g, { batch: 1 }).tensors.get(name)?.shape;
  if (!shape || shape.length !== 4) throw new BadRequestError(`input "${name}" has shape ${shape ? `[${shape.join(', ')}]` : 'unknown'}; cleave feeds images as [N, C, H, W]`);
  return [shape[1] as number, shape[2] as number, shape[3] as number];
}

/**
 * Images for a model: `mnist` / `fashion-mnist` from their packages, or a folder of class
 * subfolders (DIR/train and DIR/test when present), converted to the model's input.
 * `shared` says that a folder without splits served both.
 */
export function loadImages(spec: string, split: Split, model: ModelProto, limit?: number): { data: ImageDataset; shared: boolean } {
  const chw = modelInputChw(model);
  if (spec === 'mnist' || spec === 'fashion-mnist') {
    const data = loadDataset(spec, split, { limit });
    const got = [data.channels, data.height, data.width];
    if (got.join('x') !== chw.join('x')) throw new BadRequestError(`${spec} images are ${got.join('x')} but the model takes ${chw.join('x')}`);
    return { data, shared: false };
  }
  const { folder, shared } = splitFolder(spec, split);
  return { data: loadImageFolder(folder, { input: chw, limit }), shared };
}

/**
 * Reads a model file for ranking or retraining. A decoded opset entry and a node may lack their
 * domain (protobuf's default '' left unset), which hides the opset from graph code; it is set.
 */
export function readClassifier(path: string): ModelProto {
  const model = readModel(path);
  return {
    ...model,
    opsetImport: model.opsetImport.map((o) => ({ ...o, domain: o.domain ?? '', version: Number(o.version) })),
    graph: { ...model.graph, node: model.graph.node.map((n) => ({ ...n, domain: n.domain ?? '' })) },
  };
}
