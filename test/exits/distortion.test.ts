import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addNoise, blur, checkDistortion, distorter, distortionLabel, gaussianKernel } from '../../src/exits/distortion.js';
import { Random } from '../../src/graph/random.js';

describe('image distortions', () => {
  it('the Gaussian kernel: sums to 1, symmetric, radius ceil(3 sigma), exp(-i^2 / 2 sigma^2) ratios', () => {
    for (const sigma of [0.5, 1, 1.7, 3]) {
      const k = gaussianKernel(sigma);
      const r = Math.max(1, Math.ceil(3 * sigma));
      assert.equal(k.length, 2 * r + 1);
      assert.ok(Math.abs(k.reduce((s, v) => s + v, 0) - 1) < 1e-12);
      for (let i = 1; i <= r; i++) {
        assert.equal(k[r + i], k[r - i]);
        assert.ok(Math.abs(k[r + i]! / k[r]! - Math.exp(-(i * i) / (2 * sigma * sigma))) < 1e-12);
      }
    }
  });

  it('blur: a flat image stays flat (borders replicated); an impulse becomes the kernel outer product', () => {
    const flat = new Float32Array(2 * 9 * 11).fill(0.25);
    blur(flat, 2, 9, 11, 1.3);
    for (const v of flat) assert.ok(Math.abs(v - 0.25) < 1e-7);
    const [h, w, sigma] = [15, 15, 1];
    const x = new Float32Array(h * w);
    x[7 * w + 7] = 1;
    blur(x, 1, h, w, sigma);
    const k = gaussianKernel(sigma);
    const r = (k.length - 1) / 2;
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) {
      const di = i - 7;
      const dj = j - 7;
      const want = Math.abs(di) <= r && Math.abs(dj) <= r ? k[di + r]! * k[dj + r]! : 0;
      assert.ok(Math.abs(x[i * w + j]! - want) < 1e-7, `(${i}, ${j})`);
    }
  });

  it('noise: mean 0 and the asked standard deviation away from the clipping; clipped to [0, 1]; seeded', () => {
    const x = new Float32Array(40_000).fill(0.5);
    addNoise(x, 0.05, new Random(3));
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const std = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length);
    assert.ok(Math.abs(mean - 0.5) < 0.002, `mean ${mean}`);
    assert.ok(Math.abs(std - 0.05) < 0.002, `std ${std}`);
    const y = new Float32Array(1000).fill(0.9);
    addNoise(y, 1, new Random(1));
    assert.ok(y.every((v) => v >= 0 && v <= 1) && y.some((v) => v === 1) && y.some((v) => v === 0));
    const [a, b] = [new Float32Array(64).fill(0.5), new Float32Array(64).fill(0.5)];
    const [da, db] = [distorter({ kind: 'noise', strength: 0.1 }, 7), distorter({ kind: 'noise', strength: 0.1 }, 7)];
    da(a, [1, 1, 8, 8]);
    db(b, [1, 1, 8, 8]);
    assert.deepEqual(a, b);
    da(a, [1, 1, 8, 8]);
    assert.notDeepEqual(a, b);
  });

  it('labels and bad strengths', () => {
    assert.equal(distortionLabel({ kind: 'blur', strength: 1.5 }), 'blur 1.5');
    assert.equal(distortionLabel({ kind: 'clean' }), 'clean');
    assert.throws(() => checkDistortion({ kind: 'noise', strength: 2 }), /noise strength must be a number in \(0, 1\]/);
    assert.throws(() => checkDistortion({ kind: 'blur', strength: 0 }), /blur strength/);
  });
});
