import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IoError, ioFailure } from '../errors.js';
import { encodeModel } from '../onnx/codec.js';
import type { CutModels } from './extract.js';
import type { CutManifest } from './manifest.js';

/** Files a cut writes into its output folder. */
export const CUT_FILES = { head: 'head.onnx', tail: 'tail.onnx', manifest: 'cut.json' } as const;

/**
 * Writes head.onnx, tail.onnx and cut.json into `dir`. Every file is written under a temporary
 * name first and renamed only once all are written, so a failure leaves no partial output.
 */
export function writeCut(dir: string, cut: CutModels, manifest: CutManifest): string[] {
  // Bounds: tmp has one entry per file.
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw new IoError('not a directory');
  } catch (e) {
    throw ioFailure(`cannot write to ${dir}`, e);
  }
  const files: [string, Uint8Array | string][] = [
    [CUT_FILES.head, encodeModel(cut.head)],
    [CUT_FILES.tail, encodeModel(cut.tail)],
    [CUT_FILES.manifest, `${JSON.stringify(manifest, null, 2)}\n`],
  ];
  const tmp = files.map(([name]) => join(dir, `.${name}.${process.pid}.tmp`));
  try {
    files.forEach(([, data], i) => writeFileSync(tmp[i]!, data));
    files.forEach(([name], i) => renameSync(tmp[i]!, join(dir, name)));
  } catch (e) {
    for (const t of tmp) rmSync(t, { force: true });
    throw ioFailure(`cannot write the cut into ${dir}`, e);
  }
  return files.map(([name]) => join(dir, name));
}

/** One half of a cut: `path` itself, or its head.onnx / tail.onnx when it is a cut folder. */
export function cutHalfPath(path: string, half: 'head' | 'tail'): string {
  try {
    return statSync(path).isDirectory() ? join(path, CUT_FILES[half]) : path;
  } catch {
    return path; // reading the model reports the missing file
  }
}
