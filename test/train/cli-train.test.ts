import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { trainCommand } from '../../src/cli/train.js';
import { BadRequestError } from '../../src/errors.js';
import { readModel } from '../../src/onnx/model-file.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s) }, out, err };
}

describe('cleave train', () => {
  it('--help explains the command', async () => {
    const c = capture();
    assert.equal(await trainCommand.run(['--help'], c.io), 0);
    assert.match(c.out.join(''), /Usage: cleave train/);
  });

  it('trains LeNet briefly on MNIST and writes an inference model; --json reports each epoch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleave-train-'));
    try {
      const out = join(dir, 'lenet.onnx');
      const c = capture();
      const code = await trainCommand.run(['--arch', 'lenet', '--data', 'mnist', '--limit', '256', '--test-limit', '100', '--epochs', '2', '--batch', '32', '--lr', '0.003', '--json', '-o', out], c.io);
      assert.equal(code, 0);
      const report = JSON.parse(c.out.join('')) as { epochs: { loss: number; testAccuracy: number }[] };
      assert.equal(report.epochs.length, 2);
      assert.ok((report.epochs[1]?.loss ?? 9) < (report.epochs[0]?.loss ?? 0));
      assert.ok(statSync(out).size > 200_000);
      assert.deepEqual(readModel(out).graph.output.map((o) => o.name), ['logits']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad arguments are usage errors', async () => {
    const c = capture();
    await assert.rejects(trainCommand.run(['--arch', 'lenet', '--data', 'mnist', '--optimizer', 'rmsprop', '-o', 'x.onnx'], c.io), BadRequestError);
    await assert.rejects(trainCommand.run(['--arch', 'lenet', '--data', 'cifar', '-o', 'x.onnx'], c.io), /unknown dataset/);
    await assert.rejects(trainCommand.run(['--data', 'mnist', '-o', 'x.onnx'], c.io), /one MODEL file or --arch/);
    await assert.rejects(trainCommand.run(['--arch', 'nonet', '--data', 'mnist', '-o', 'x.onnx'], c.io), /unknown model/);
  });
});
