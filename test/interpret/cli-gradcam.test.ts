import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import jpeg from 'jpeg-js';
import { gradcamCommand } from '../../src/cli/gradcam.js';
import { BadRequestError } from '../../src/errors.js';
import { decodeImage, encodePng } from '../../src/image/decode.js';
import { loadMnist } from '../../src/data/datasets.js';

const MODEL = 'models/lenet-mnist.onnx';

function capture() {
  const out: string[] = [];
  return { io: { stdout: (s: string) => out.push(s), stderr: () => undefined }, out };
}

describe('cleave gradcam', () => {
  let dir = '';
  let digit = '';
  let label = 0;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cleave-gradcam-'));
    const ds = loadMnist('test', { limit: 1 });
    label = ds.labels[0]!;
    const rgba = new Uint8Array(28 * 28 * 4);
    for (let i = 0; i < 784; i++) rgba.fill(ds.images[i]!, 4 * i, 4 * i + 3).fill(255, 4 * i + 3, 4 * i + 4);
    digit = join(dir, 'digit.png');
    writeFileSync(digit, encodePng({ width: 28, height: 28, data: rgba }));
    writeFileSync(join(dir, 'digit.jpg'), jpeg.encode({ width: 28, height: 28, data: Buffer.from(rgba) }, 95).data);
    writeFileSync(join(dir, 'digit.raw'), new Uint8Array(Float32Array.from(ds.images, (p) => p / 255).buffer));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--help explains the command', async () => {
    const c = capture();
    assert.equal(await gradcamCommand.run(['--help'], c.io), 0);
    assert.match(c.out.join(''), /Usage: cleave gradcam MODEL IMAGE --layer T/);
  });

  it('writes one heat-map PNG per layer and prints class, score and maps with --json', async () => {
    const c = capture();
    const out = join(dir, 'cam.png');
    assert.equal(await gradcamCommand.run([MODEL, digit, '--layer', 'relu1', '--layer', 'relu2', '-o', out, '--json'], c.io), 0);
    const r = JSON.parse(c.out.join('')) as { class: number; score: number; layers: { layer: string; shape: number[]; map: number[] }[]; files: string[] };
    assert.equal(r.class, label);
    assert.deepEqual(r.layers.map((l) => [l.layer, l.shape]), [['relu1', [28, 28]], ['relu2', [10, 10]]]);
    assert.ok(r.layers.every((l) => l.map.every((v) => v >= 0)));
    assert.ok(r.layers[1]?.map.some((v) => v > 0));
    assert.deepEqual(r.files, [join(dir, 'cam-relu1.png'), join(dir, 'cam-relu2.png')]);
    const png = decodeImage(readFileSync(r.files[0]!));
    assert.equal(png.width, 224); // 28x28 inputs are enlarged 8x to be seen
  });

  it('reads JPEG and raw float32 input; --class explains another class', async () => {
    for (const file of ['digit.jpg', 'digit.raw']) {
      const c = capture();
      assert.equal(await gradcamCommand.run([MODEL, join(dir, file), '--layer', 'relu2', '--class', '3', '--json'], c.io), 0);
      assert.equal((JSON.parse(c.out.join('')) as { class: number }).class, 3);
    }
  });

  it('bad input: unknown layer, wrong raw size, not an image, class out of range', async () => {
    const c = capture();
    await assert.rejects(gradcamCommand.run([MODEL, digit, '--layer', 'relu9', '-o', join(dir, 'x.png')], c.io), (e: unknown) => e instanceof BadRequestError && /relu9/.test(e.message));
    writeFileSync(join(dir, 'short.raw'), new Uint8Array(100));
    await assert.rejects(gradcamCommand.run([MODEL, join(dir, 'short.raw'), '--layer', 'relu1', '--json'], c.io), /needs 3136/);
    await assert.rejects(gradcamCommand.run([MODEL, digit, '--layer', 'relu1', '--class', '10', '--json'], c.io), /out of range/);
    await assert.rejects(gradcamCommand.run([MODEL, digit, '-o', join(dir, 'x.png')], c.io), /--layer/);
  });
});
