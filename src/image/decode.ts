import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { BadRequestError } from '../errors.js';

/** An 8-bit RGBA image, row-major, 4 bytes per pixel. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export type ImageFormat = 'png' | 'jpeg';

/** The format from the file's magic bytes, or undefined when it is neither PNG nor JPEG. */
export function sniffImage(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return undefined;
}

/** Decodes a PNG or JPEG into RGBA bytes; anything else is a BadRequestError. */
export function decodeImage(bytes: Uint8Array, what = 'image'): RgbaImage {
  const format = sniffImage(bytes);
  try {
    if (format === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    }
    if (format === 'jpeg') {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 512 });
      return { width: img.width, height: img.height, data: img.data };
    }
  } catch (e) {
    throw new BadRequestError(`${what} is a damaged ${format === 'png' ? 'PNG' : 'JPEG'}: ${(e as Error).message}`);
  }
  throw new BadRequestError(`${what} is neither PNG nor JPEG (give a .png, .jpg, or a .npy / raw float32 tensor)`);
}

/** Encodes RGBA bytes as a PNG. */
export function encodePng(img: RgbaImage): Uint8Array {
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  return new Uint8Array(PNG.sync.write(png));
}
