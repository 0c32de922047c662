import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jpeg from 'jpeg-js';
import { BadRequestError } from '../../src/errors.js';
import { decodeImage, encodePng, sniffImage } from '../../src/image/decode.js';
import { jet, normaliseMap, overlayHeatmap } from '../../src/image/heatmap.js';
import { parseNpy, parseRawFloat32 } from '../../src/image/npy.js';
import { imageToTensor, resizeBilinear, upscaleNearest } from '../../src/image/transform.js';

function gradient(w: number, h: number): Uint8Array {
  const d = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    d[4 * i] = (i % w) * 10;
    d[4 * i + 1] = Math.floor(i / w) * 10;
    d[4 * i + 2] = 128;
    d[4 * i + 3] = 255;
  }
  return d;
}

/** A .npy file (version 1) of float32 values. */
function npy(dims: readonly number[], values: readonly number[], descr = '<f4'): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${dims.join(', ')}${dims.length === 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const size = descr === '<f8' ? 8 : 4;
  const out = new Uint8Array(10 + header.length + values.length * size);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const view = new DataView(out.buffer, 10 + header.length);
  values.forEach((v, i) => (size === 8 ? view.setFloat64(8 * i, v, true) : view.setFloat32(4 * i, v, true)));
  return out;
}

describe('image I/O', () => {
  it('PNG round trip and JPEG decode by magic bytes', () => {
    const img = { width: 5, height: 4, data: gradient(5, 4) };
    const png = encodePng(img);
    assert.equal(sniffImage(png), 'png');
    assert.deepEqual(decodeImage(png), img);
    const jpg = jpeg.encode({ width: 5, height: 4, data: Buffer.from(img.data) }, 95).data;
    assert.equal(sniffImage(jpg), 'jpeg');
    const back = decodeImage(jpg);
    assert.equal(back.width, 5);
    assert.ok(Math.abs(back.data[4 * 7]! - 20) < 12); // lossy, but close
  });

  it('neither PNG nor JPEG, or a damaged PNG: a BadRequestError', () => {
    assert.throws(() => decodeImage(new TextEncoder().encode('GIF89a....')), (e: unknown) => e instanceof BadRequestError && /neither PNG nor JPEG/.test(e.message));
    const png = encodePng({ width: 2, height: 2, data: gradient(2, 2) });
    assert.throws(() => decodeImage(png.subarray(0, 30)), BadRequestError);
  });

  it('imageToTensor: grey by luma or RGB planes, resized, scaled and normalised', () => {
    const white = { width: 4, height: 4, data: new Uint8Array(64).fill(255) };
    const grey = imageToTensor(white, 1, 2, 2);
    assert.deepEqual(Array.from(grey, (v) => Number(v.toFixed(5))), [1, 1, 1, 1]);
    const rgb = imageToTensor({ width: 1, height: 1, data: Uint8Array.of(255, 0, 51, 255) }, 3, 1, 1, { mean: [0.5], std: [0.5] });
    assert.deepEqual(Array.from(rgb, (v) => Number(v.toFixed(5))), [1, -1, -0.6]);
    assert.throws(() => imageToTensor(white, 4, 2, 2), BadRequestError);
  });

  it('resizeBilinear keeps constants and interpolates between pixel centres', () => {
    assert.deepEqual(Array.from(resizeBilinear(Float32Array.of(2, 2, 2, 2), 1, 2, 2, 3, 3)), new Array(9).fill(2));
    const up = resizeBilinear(Float32Array.of(0, 1), 1, 1, 2, 1, 4);
    assert.deepEqual(Array.from(up), [0, 0.25, 0.75, 1]);
    assert.equal(upscaleNearest({ width: 2, height: 1, data: gradient(2, 1) }, 3).width, 6);
  });

  it('.npy float32/float64 and raw float32 must match the expected size', () => {
    const t = parseNpy(npy([1, 2], [0.5, -1]));
    assert.deepEqual(t.dims, [1, 2]);
    assert.deepEqual(Array.from(t.data), [0.5, -1]);
    assert.deepEqual(Array.from(parseNpy(npy([3], [1, 2, 3], '<f8')).data), [1, 2, 3]);
    assert.throws(() => parseNpy(npy([2], [1, 2], '<i8')), /float32/);
    const raw = new Uint8Array(Float32Array.of(1, 2, 3).buffer);
    assert.deepEqual(Array.from(parseRawFloat32(raw, [3]).data), [1, 2, 3]);
    assert.throws(() => parseRawFloat32(raw, [1, 4]), (e: unknown) => e instanceof BadRequestError && /needs 16/.test(e.message));
  });

  it('heat map: jet runs blue to red; the overlay blends the map over the image', () => {
    assert.deepEqual(jet(0), [0, 0, 128]);
    assert.deepEqual(jet(1), [128, 0, 0]);
    assert.deepEqual(Array.from(normaliseMap(Float32Array.of(0, 2, 4))), [0, 0.5, 1]);
    const out = overlayHeatmap({ width: 2, height: 1, data: new Uint8Array(8) }, Float32Array.of(1), 1, 1, 1);
    assert.deepEqual(Array.from(out.data.subarray(0, 4)), [128, 0, 0, 255]);
  });
});
