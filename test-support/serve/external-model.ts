import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeModel } from '../../src/onnx/codec.js';
import { EXTERNAL_DATA, type ModelProto, type TensorProto } from '../../src/onnx/types.js';

/** Points `t` at `length` bytes of `location` from `offset`, as onnx.save(..., save_as_external_data=True) does. */
export function markExternal(t: TensorProto, location: string, offset: number, length: number): void {
  t.externalData = [{ key: 'location', value: location }, { key: 'offset', value: String(offset) }, { key: 'length', value: String(length) }];
  t.dataLocation = EXTERNAL_DATA;
  t.rawData = new Uint8Array(0);
}

/**
 * Writes `model` to `dir/file` with every initializer's bytes moved into `dir/weights`, which
 * the model names as `location` (the same file, unless a test wants a location elsewhere).
 * Returns the weights' bytes.
 */
export function writeWithExternalData(model: ModelProto, dir: string, file: string, weights = 'weights.bin', location = weights): Uint8Array {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const t of model.graph.initializer) {
    const raw = t.rawData!;
    chunks.push(raw);
    markExternal(t, location, offset, raw.length);
    offset += raw.length;
  }
  const bytes = Buffer.concat(chunks);
  writeFileSync(join(dir, weights), bytes);
  writeFileSync(join(dir, file), encodeModel(model));
  return bytes;
}
