/**
 * Which held-out images each step of the exits' pipeline uses. The test split is cut in two
 * halves: temperatures are fitted on the first ("calibration") and everything measured after
 * calibration (ECE after, the policy's statistics, the plan's samples, the bench's measured
 * figures) uses the second ("evaluation"), so no figure is measured on the images that tuned
 * it. Both halves are balanced when the split is (cleave's loaders interleave the classes).
 */
import { type ImageDataset, sliceImages } from '../data/image-dataset.js';
import { BadRequestError } from '../errors.js';

export type HeldOutPart = 'calibration' | 'evaluation';

/** Which images of a held-out set of `total` one half is: the index of its first and how many (at most `limit`). */
export function heldOutRange(total: number, part: HeldOutPart, limit?: number): { from: number; count: number } {
  if (total < 2) throw new BadRequestError(`the held-out set has ${total} image(s); calibration and evaluation need at least one each`);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new BadRequestError(`the image limit must be a positive integer, got ${limit}`);
  const half = Math.floor(total / 2);
  const [from, size] = part === 'calibration' ? [0, half] : [half, total - half];
  return { from, count: Math.min(size, limit ?? size) };
}

/** One half of a held-out set, its first `limit` images when given. */
export function heldOutPart(ds: ImageDataset, part: HeldOutPart, limit?: number): ImageDataset {
  if (ds.count < 2) throw new BadRequestError(`${ds.name} has ${ds.count} image(s); calibration and evaluation need at least one each`);
  const r = heldOutRange(ds.count, part, limit);
  return sliceImages(ds, r.from, r.count);
}
