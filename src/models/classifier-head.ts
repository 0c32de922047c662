import type { ModelProto } from '../onnx/types.js';
import { dropout, flatten, globalAvgPool, linear } from './layers.js';
import { finishModel, type ModelOptions, type Start } from './options.js';

/** The fully connected layer's name, and the dropout before it when the network has one. */
export interface ClassifierNames {
  readonly fc: string;
  readonly dropout?: { readonly name: string; readonly ratio: number };
}

/**
 * The ending the ImageNet networks share (torchvision's names): global average pool, flatten,
 * an optional dropout, the fully connected layer to the classes (1000 unless told), and the
 * model finished with its logits as output.
 */
export function poolAndClassify(s: Start, x: string, channels: number, options: ModelOptions, names: ClassifierNames): ModelProto {
  const { b } = s;
  let y = flatten(b, globalAvgPool(b, x, 'avgpool'), 'flatten');
  if (names.dropout) y = dropout(b, y, names.dropout.name, names.dropout.ratio);
  const numClasses = options.numClasses ?? 1000;
  return finishModel(s, linear(b, y, names.fc, { inFeatures: channels, outFeatures: numClasses }), numClasses, options.batch);
}
