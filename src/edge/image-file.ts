import { readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { BadRequestError, ioFailure } from '../errors.js';
import type { RawImage } from './pixels.js';

/** Reads a PNG or JPEG file (decided by its magic bytes, not its name). */
export function readImageFile(path: string): RawImage {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw ioFailure(`cannot read ${path}`, e);
  }
  try {
    if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
      const png = PNG.sync.read(bytes);
      return { width: png.width, height: png.height, channels: 4, data: new Uint8Array(png.data) };
    }
    if (bytes[0] === 0xff && bytes[1] === 0xd8) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 256 });
      return { width: img.width, height: img.height, channels: 4, data: img.data };
    }
  } catch (e) {
    throw new BadRequestError(`${path} is not a readable image: ${(e as Error).message}`);
  }
  throw new BadRequestError(`${path} is neither PNG nor JPEG`);
}
