import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { BadModelError, IoError, ioFailure } from '../errors.js';
import { decodeModel, encodeModel } from './codec.js';
import { resolveExternalData } from './external-data.js';
import { readModelLazily } from './lazy-read.js';
import { checkModel } from './model-check.js';
import type { ModelProto } from './types.js';

/** Files from this size on are read lazily (see lazy-read.ts). */
export const LAZY_FILE_BYTES = 32 * 2 ** 20;

/** Largest model file cleave reads (protobuf itself caps a message at 2 GiB). */
export const MAX_MODEL_BYTES = 2 ** 31 - 1;

/**
 * Reads and decodes an ONNX file; external data is resolved relative to it, and the model is
 * checked as ONNX Runtime would check it on load (model-check.ts). `bytes`: the file's bytes,
 * read already by the caller (to hash them, say), decoded instead of reading the file again.
 */
export function readModel(path: string, bytes?: Uint8Array): ModelProto {
  const model = bytes === undefined ? decodeFile(path) : decodeBytes(bytes, path);
  resolveExternalData(model, path);
  checkModel(model, path);
  return model;
}

function decodeBytes(bytes: Uint8Array, path: string): ModelProto {
  if (bytes.length === 0) throw new BadModelError(`${path} is empty`);
  return decodeModel(bytes, path);
}

function decodeFile(path: string): ModelProto {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new BadModelError(`${path} is not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof BadModelError) throw e;
    throw new IoError(`cannot read ${path}: no such file`);
  }
  if (size > MAX_MODEL_BYTES) throw new BadModelError(`${path} is ${size} bytes, over the 2 GiB protobuf limit; save it with external data`);
  // Large files are read without their weights, which load on first use.
  return size >= LAZY_FILE_BYTES ? readModelLazily(path, size) : decodeBytes(readFileSync(path), path);
}

/** Writes bytes to a temporary file beside `path`, then renames: never a half-written file. */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    // When the folder is not there or is a file (ENOTDIR), there is no temporary file to remove either.
    try {
      rmSync(tmp, { force: true });
    } catch { /* nothing was written */ }
    throw ioFailure(`cannot write ${path}`, e);
  }
}

export function writeModel(path: string, model: ModelProto): void {
  writeFileAtomic(path, encodeModel(model));
}
