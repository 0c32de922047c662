import { readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { BadModelError, UnsafePathError } from '../errors.js';
import { isExternal } from './tensor.js';
import type { ModelProto, TensorProto } from './types.js';

function entry(t: TensorProto, key: string): string | undefined {
  return t.externalData?.find((e) => e.key === key)?.value;
}

/** Is `path` `folder` itself or inside it (both absolute, normalised)? */
function inside(folder: string, path: string): boolean {
  const r = relative(folder, path);
  return r !== '' && r !== '..' && !r.startsWith(`..${sep}`) && !isAbsolute(r);
}

/**
 * The real path of an external-data file, refused unless it stays inside the model's folder.
 * Checked twice: the path as written (no absolute path, no `..` that climbs out), then the path
 * with every symbolic link resolved against the folder's own real path, so a link inside the
 * folder that points elsewhere is refused too (the folder itself may be reached through links).
 * The file is then read through the resolved path, not the link.
 */
function containedFile(base: string, realBase: string, location: string, tensor: string): string {
  const written = resolve(base, location);
  if (location.includes('\0') || isAbsolute(location) || !inside(base, written)) {
    throw new UnsafePathError(`initializer "${tensor}": external data location "${location}" points outside the model's folder; keep the data file next to the model`);
  }
  let real: string;
  try {
    real = realpathSync(written);
  } catch {
    throw new BadModelError(`initializer "${tensor}": external data file "${location}" is missing next to the model`);
  }
  if (!inside(realBase, real)) {
    throw new UnsafePathError(`initializer "${tensor}": external data file "${location}" is a symbolic link to ${real}, outside the model's folder; copy the file next to the model instead`);
  }
  if (!statSync(real).isFile()) throw new BadModelError(`initializer "${tensor}": external data location "${location}" is not a regular file`);
  return real;
}

/**
 * Points every external-data initializer at a view of its bytes. Each referenced file is read
 * once; `location` must stay inside the model's folder, symbolic links resolved (a model file
 * is untrusted input).
 */
export function resolveExternalData(model: ModelProto, modelPath: string): void {
  const base = dirname(resolve(modelPath));
  const tensors: TensorProto[] = [...model.graph.initializer];
  for (const n of model.graph.node) for (const a of n.attribute) if (a.t) tensors.push(a.t);
  const external = tensors.filter(isExternal);
  if (external.length === 0) return;
  const realBase = realpathSync(base);
  const files = new Map<string, Uint8Array>();
  for (const t of external) {
    const location = entry(t, 'location');
    if (!location) throw new BadModelError(`initializer "${t.name}" is external data without a location`);
    const real = containedFile(base, realBase, location, t.name);
    let bytes = files.get(real);
    if (!bytes) {
      try {
        bytes = readFileSync(real);
      } catch {
        throw new BadModelError(`initializer "${t.name}": external data file "${location}" cannot be read`);
      }
      files.set(real, bytes);
    }
    const offset = Number(entry(t, 'offset') ?? 0);
    const length = entry(t, 'length') === undefined ? bytes.length - offset : Number(entry(t, 'length'));
    if (!(offset >= 0 && length >= 0 && offset + length <= bytes.length)) {
      throw new BadModelError(`initializer "${t.name}": external data range ${offset}+${length} exceeds "${location}" (${bytes.length} bytes)`);
    }
    t.rawData = bytes.subarray(offset, offset + length);
    t.dataLocation = 0;
    t.externalData = [];
  }
}
