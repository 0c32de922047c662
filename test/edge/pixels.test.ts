import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { readImageFile } from '../../src/edge/image-file.js';
import { PIXEL_SCALE } from '../../src/data/batches.js';
import { imageToTensor } from '../../src/edge/pixels.js';
import { BadRequestError } from '../../src/errors.js';
import { loadDataset } from '../../src/data/datasets.js';

function rgba(gray: Uint8Array, w: number, h: number): Buffer {
  const out = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) { out[i * 4] = out[i * 4 + 1] = out[i * 4 + 2] = gray[i]!; out[i * 4 + 3] = 255; }
  return out;
}

describe('images to tensors', () => {
  const ds = loadDataset('mnist', 'test', { limit: 1 });
  const digit = ds.images.subarray(0, 784);

  it('a PNG of an MNIST digit gives exactly the pixels the models were trained on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleave-img-'));
    try {
      const png = new PNG({ width: 28, height: 28 });
      rgba(digit, 28, 28).copy(png.data);
      writeFileSync(join(dir, 'd.png'), PNG.sync.write(png));
      const t = imageToTensor(readImageFile(join(dir, 'd.png')), 1, 28, 28);
      assert.deepEqual(t, Float32Array.from(digit, (v) => v * PIXEL_SCALE));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a JPEG comes close (lossy), a larger image is resized, garbage is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleave-img-'));
    try {
      writeFileSync(join(dir, 'd.jpg'), jpeg.encode({ data: rgba(digit, 28, 28), width: 28, height: 28 }, 95).data);
      const t = imageToTensor(readImageFile(join(dir, 'd.jpg')), 1, 28, 28);
      let err = 0;
      t.forEach((v, i) => { err += Math.abs(v - digit[i]! * PIXEL_SCALE); });
      assert.ok(err / 784 < 0.03, `mean abs error ${err / 784}`);
      // 2x nearest upscale, then back to 28x28: bilinear at the centres of 2x2 blocks averages equal pixels
      const big = new Uint8Array(56 * 56);
      for (let y = 0; y < 56; y++) for (let x = 0; x < 56; x++) big[y * 56 + x] = digit[(y >> 1) * 28 + (x >> 1)]!;
      const down = imageToTensor({ width: 56, height: 56, channels: 1, data: big }, 1, 28, 28);
      assert.deepEqual(down, Float32Array.from(digit, (v) => v * PIXEL_SCALE));
      writeFileSync(join(dir, 'x.png'), 'not an image');
      assert.throws(() => readImageFile(join(dir, 'x.png')), BadRequestError);
      assert.throws(() => imageToTensor({ width: 2, height: 2, channels: 1, data: new Uint8Array(3) }, 1, 2, 2), /does not match/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
