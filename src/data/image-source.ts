import { BadRequestError } from '../errors.js';
import { type ImageDataset, type Split } from './image-dataset.js';
import { loadDataset } from './datasets.js';
import { loadImageFolder, splitFolder } from './image-folder.js';

/**
 * Images at a model's input size [channels, height, width]: `mnist` / `fashion-mnist` from
 * their packages, or a folder of class subfolders (DIR/train and DIR/test when present),
 * converted to that size. `shared` says that a folder without splits served both.
 */
export function loadImageSource(spec: string, split: Split, chw: readonly [number, number, number], limit?: number): { data: ImageDataset; shared: boolean } {
  if (spec === 'mnist' || spec === 'fashion-mnist') {
    const data = loadDataset(spec, split, { limit });
    const got = [data.channels, data.height, data.width];
    if (got.join('x') !== chw.join('x')) throw new BadRequestError(`${spec} images are ${got.join('x')} but the model takes ${chw.join('x')}`);
    return { data, shared: false };
  }
  const { folder, shared } = splitFolder(spec, split);
  return { data: loadImageFolder(folder, { input: chw, limit }), shared };
}
