import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../src/graph/random.js';
import { decodeModel } from '../src/onnx/codec.js';
import { dtypeFromCode, isFloat } from '../src/onnx/dtype.js';
import { numelOf, rawBytes } from '../src/onnx/tensor.js';
import type { ModelProto, NodeProto, TensorProto } from '../src/onnx/types.js';

/** test-fixtures/ in the source tree (tests run from build/). */
export const FIXTURES = fileURLToPath(new URL('../../test-fixtures/', import.meta.url));

function hasData(t: TensorProto): boolean {
  return rawBytes(t) !== undefined || (t.floatData?.length ?? 0) > 0 || (t.int32Data?.length ?? 0) > 0;
}

/** What a stripped weight is for, from the node that reads it: it decides a sane value range. */
function role(model: ModelProto, name: string): 'positive' | 'small' | 'weight' {
  const readers: [NodeProto, number][] = [];
  for (const n of model.graph.node) n.input.forEach((t, i) => { if (t === name) readers.push([n, i]); });
  for (const [n, i] of readers) {
    if (n.opType === 'BatchNormalization' && (i === 1 || i === 4)) return 'positive';
    if ((n.opType === 'LayerNormalization' || n.opType === 'InstanceNormalization') && i === 1) return 'positive';
    if (n.opType === 'BatchNormalization' || n.opType === 'LayerNormalization' || n.opType === 'InstanceNormalization') return 'small';
  }
  return 'weight';
}

/**
 * Loads a fixture exported with stripped weights and refills every empty float initializer
 * with seeded values in a range its role allows (BN variances and scales positive, weights
 * scaled by 1/sqrt(fan-in)), so the model computes finite, non-trivial outputs.
 */
export function loadFixture(relative: string, seed = 1): ModelProto {
  return refillWeights(loadStrippedFixture(relative), seed);
}

/** A fixture as stored: graph and shapes, float weights without values (enough to analyse). */
export function loadStrippedFixture(relative: string): ModelProto {
  return decodeModel(readFileSync(join(FIXTURES, relative)), relative);
}

/** Fills the stripped weights of a fixture in place (see loadFixture). */
export function refillWeights(model: ModelProto, seed = 1): ModelProto {
  const rng = new Random(seed);
  for (const t of model.graph.initializer) {
    const dtype = dtypeFromCode(t.dataType, t.name);
    if (hasData(t) || !isFloat(dtype) || dtype !== 'float32') continue;
    const dims = t.dims.map(Number);
    const n = numelOf(dims);
    const data = new Float32Array(n);
    const r = role(model, t.name);
    if (r === 'positive') for (let i = 0; i < n; i++) data[i] = 0.5 + rng.next();
    else if (r === 'small') rng.fillNormal(data, 0.1);
    else {
      const fan = dims.length > 1 ? Math.max(...dims.slice(1).map((d, k) => (k === 0 ? numelOf(dims.slice(1)) : d))) : Math.max(1, dims[0] ?? 1);
      rng.fillNormal(data, Math.sqrt(1 / fan));
    }
    t.rawData = new Uint8Array(data.buffer);
  }
  return model;
}
