import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { bottleneckCommand } from '../../src/cli/bottleneck.js';
import { readModel, writeModel } from '../../src/onnx/model-file.js';
import { writeImageFolder } from '../../test-support/isplit/folder.js';
import { tinyIsplitModel } from '../../test-support/isplit/tiny.js';

describe('cleave bottleneck', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cleave-bottleneck-'));
  const model = join(dir, 'tiny.onnx');
  writeModel(model, tinyIsplitModel());
  const data = writeImageFolder({ a: [10, 20, 30, 40], b: [200, 210, 220, 230] }, 2);

  it('inserts, trains and writes the model, reporting bytes and accuracy as JSON', async () => {
    let out = '';
    let err = '';
    const target = join(dir, 'bn.onnx');
    const code = await bottleneckCommand.run([model, '--at', 'A', '--data', data, '--batch', '4', '--epochs', '2', '--json', '-o', target], { stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
    assert.equal(code, 0);
    const j = JSON.parse(out) as { cutShape: number[]; codeShape: number[]; cutBytes: number; codeBytes: number; accuracy: number; accuracyBefore: number; epochs: unknown[]; trainImages: number };
    assert.deepEqual(j.cutShape, [2, 2, 2]);
    assert.deepEqual(j.codeShape, [1, 1, 1]); // round(2 / 4) = 1 channel, 2 -> 1 -> 1
    assert.equal(j.cutBytes, 32);
    assert.equal(j.codeBytes, 4);
    assert.equal(j.epochs.length, 2);
    assert.equal(j.trainImages, 8);
    assert.ok(j.accuracy >= 0 && j.accuracy <= 1);
    assert.equal(err, '');
    assert.ok(existsSync(target));
    assert.ok(readModel(target).graph.node.some((n) => n.name === 'bottleneck/A/code'));
  });

  it('prints a summary and warns when the folder has no splits', async () => {
    let out = '';
    let err = '';
    await bottleneckCommand.run([model, '--at', 'flat', '--data', data, '--batch', '4', '--fine-tune-tail', '-o', join(dir, 'bn2.onnx')], { stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
    assert.match(out, /bottleneck at flat: \[8x1x1\] -> code bottleneck\/flat\/code \[2x1x1\]/);
    assert.match(out, /bytes crossing per image: 32 -> 8 \(4\.0x fewer\)/);
    assert.match(out, /tail fine-tuned \(1 tensors\)/);
    assert.match(err, /the same images train and test/);
  });

  it('has help and refuses bad arguments', async () => {
    let out = '';
    const io = { stdout: (s: string) => { out += s; }, stderr: () => {} };
    assert.equal(await bottleneckCommand.run(['-h'], io), 0);
    assert.equal(out, bottleneckCommand.help);
    await assert.rejects(bottleneckCommand.run([model, '--data', data, '-o', 'x.onnx'], io), /needs --at/);
    await assert.rejects(bottleneckCommand.run([model, '--at', 'A', '--data', data], io), /needs -o/);
    await assert.rejects(bottleneckCommand.run([model, '--at', 'nope', '--data', data, '--batch', '4', '-o', join(dir, 'x.onnx')], io), /no tensor computed/);
    await assert.rejects(bottleneckCommand.run([model, '--at', 'A', '--data', data, '--lr=-1', '-o', 'x.onnx'], io), /--lr must be a positive number, got "-1"/);
  });
});
