import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { encodePng } from '../../src/image/decode.js';

/** A solid-colour RGBA image. */
export function solid(width: number, height: number, rgb: readonly [number, number, number]): { width: number; height: number; data: Uint8Array } {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([rgb[0], rgb[1], rgb[2], 255], 4 * i);
  return { width, height, data };
}

/**
 * Writes DIR/<class>/<k>.png for each class and its list of grey levels (one image per level,
 * `size` x `size`), plus a stray non-image file; returns DIR.
 */
export function writeImageFolder(classes: Readonly<Record<string, readonly number[]>>, size = 4, dir = mkdtempSync(join(tmpdir(), 'cleave-isplit-'))): string {
  for (const [name, levels] of Object.entries(classes)) {
    mkdirSync(join(dir, name), { recursive: true });
    levels.forEach((v, k) => writeFileSync(join(dir, name, `${String(k).padStart(3, '0')}.png`), encodePng(solid(size, size, [v, v, v]))));
    writeFileSync(join(dir, name, 'notes.txt'), 'not an image');
  }
  return dir;
}

/** A solid grey JPEG. */
export function greyJpeg(size: number, v: number): Uint8Array {
  return new Uint8Array(jpeg.encode({ width: size, height: size, data: Buffer.from(solid(size, size, [v, v, v]).data) }, 95).data);
}
