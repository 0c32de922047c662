import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, normalize, resolve, sep } from 'node:path';
import { BadModelError } from '../errors.js';
import { isExternal } from './tensor.js';
import type { ModelProto, TensorProto } from './types.js';

function entry(t: TensorProto, key: string): string | undefined {
  return t.externalData?.find((e) => e.key === key)?.value;
}

/**
 * Points every external-data initializer at a view of its bytes. Each referenced file is read
 * once; `location` must stay inside the model's folder (a model file is untrusted input).
 */
export function resolveExternalData(model: ModelProto, modelPath: string): void {
  const base = dirname(resolve(modelPath));
  const files = new Map<string, Uint8Array>();
  const tensors: TensorProto[] = [...model.graph.initializer];
  for (const n of model.graph.node) for (const a of n.attribute) if (a.t) tensors.push(a.t);
  for (const t of tensors) {
    if (!isExternal(t)) continue;
    const location = entry(t, 'location');
    if (!location) throw new BadModelError(`initializer "${t.name}" is external data without a location`);
    const full = normalize(resolve(base, location));
    if (isAbsolute(location) || !(full + sep).startsWith(base + sep)) {
      throw new BadModelError(`initializer "${t.name}": external data location "${location}" points outside the model's folder`);
    }
    let bytes = files.get(full);
    if (!bytes) {
      try {
        statSync(full);
        bytes = readFileSync(full);
      } catch {
        throw new BadModelError(`initializer "${t.name}": external data file "${location}" is missing next to the model`);
      }
      files.set(full, bytes);
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
