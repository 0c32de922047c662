import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { cutModel } from '../../src/cut/extract.js';
import { verifyCut } from '../../src/cut/verify.js';
import { BadModelError, IoError, UnsafePathError } from '../../src/errors.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { readModel, writeFileAtomic } from '../../src/onnx/model-file.js';
import { EXTERNAL_DATA, type ModelProto } from '../../src/onnx/types.js';
import { residualNet } from '../../test-support/tiny-models.js';

/** Moves every initializer's bytes into `weights.bin` beside the model, as onnx.save(..., save_as_external_data=True) does. */
function withExternalData(model: ModelProto, dir: string, location = 'weights.bin'): ModelProto {
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const t of model.graph.initializer) {
    const raw = t.rawData!;
    chunks.push(raw);
    t.externalData = [{ key: 'location', value: location }, { key: 'offset', value: String(offset) }, { key: 'length', value: String(raw.length) }];
    t.dataLocation = EXTERNAL_DATA;
    t.rawData = new Uint8Array(0);
    offset += raw.length;
  }
  writeFileSync(join(dir, 'weights.bin'), Buffer.concat(chunks));
  return model;
}

describe('readModel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cleave-onnx-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('external-data weights are read from the file beside the model, and cuts of it verify', async () => {
    const path = join(dir, 'external.onnx');
    writeFileSync(path, encodeModel(withExternalData(residualNet(), dir)));
    const analysis = analyze(graphFromModel(readModel(path)));
    assert.equal(analysis.totals.params, 4 * 3 * 9 + 4 + 2 * 4 * 4 * 9 + 2 * 4 * 64);
    const v = await verifyCut(analysis, cutModel(analysis, ['block.relu']));
    assert.ok(v.ok);
  });

  it('external data that points outside the model folder is refused', () => {
    const path = join(dir, 'escape.onnx');
    writeFileSync(path, encodeModel(withExternalData(residualNet(), dir, '../weights.bin')));
    assert.throws(() => readModel(path), (e: unknown) => e instanceof BadModelError && /outside the model's folder/.test(e.message));
  });

  it('external data reached through a symbolic link that leaves the folder is refused: a file, a folder, `..`, an absolute path', () => {
    const outside = mkdtempSync(join(tmpdir(), 'cleave-outside-'));
    try {
      const secret = join(outside, 'secret.bin');
      writeFileSync(secret, new Uint8Array(4096).fill(7));
      const refused = (folder: string, location: string) => {
        mkdirSync(folder, { recursive: true });
        const model = withExternalData(residualNet(), folder);
        for (const t of model.graph.initializer) t.externalData![0] = { key: 'location', value: location };
        const path = join(folder, 'model.onnx');
        writeFileSync(path, encodeModel(model));
        assert.throws(() => readModel(path), (e: unknown) => e instanceof UnsafePathError && e.code === 'UNSAFE_PATH' && e instanceof BadModelError && /outside the model's folder/.test(e.message), location);
      };
      // A link to a file outside; a linked folder inside that points outside.
      symlinkSync(secret, join(dir, 'link.bin'));
      refused(dir, 'link.bin');
      symlinkSync(outside, join(dir, 'linked-folder'));
      refused(dir, 'linked-folder/secret.bin');
      refused(dir, `sub/../../${basename(outside)}/secret.bin`);
      refused(dir, secret);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('a model folder reached through a symbolic link, and `..` that stays inside, still read their data', () => {
    const real = join(dir, 'real-folder');
    mkdirSync(join(real, 'sub'), { recursive: true });
    writeFileSync(join(real, 'model.onnx'), encodeModel(withExternalData(residualNet(), real)));
    symlinkSync(real, join(dir, 'alias'));
    assert.equal(analyze(graphFromModel(readModel(join(dir, 'alias', 'model.onnx')))).totals.params, 4 * 3 * 9 + 4 + 2 * 4 * 4 * 9 + 2 * 4 * 64);
    const model = withExternalData(residualNet(), real);
    for (const t of model.graph.initializer) t.externalData![0] = { key: 'location', value: 'sub/../weights.bin' };
    writeFileSync(join(real, 'dotdot.onnx'), encodeModel(model));
    assert.equal(readModel(join(dir, 'alias', 'dotdot.onnx')).graph.initializer.length, model.graph.initializer.length);
  });

  it('a missing external-data file is named', () => {
    const path = join(dir, 'missing.onnx');
    const model = withExternalData(residualNet(), dir);
    for (const t of model.graph.initializer) t.externalData![0] = { key: 'location', value: 'nowhere.bin' };
    writeFileSync(path, encodeModel(model));
    assert.throws(() => readModel(path), /"nowhere.bin" is missing/);
  });

  it('opset 21 models analyse and cut like any other', async () => {
    const b = new ModelBuilder({ opset: 21, seed: 4 });
    const x = b.input('x', 'float32', ['N', 6]);
    const h = b.node('Relu', [b.node('Gemm', [x, b.param('w1', [8, 6]), b.param('b1', [8])], { transB: 1 }, 'fc1')], {}, 'act');
    const y = b.node('Gemm', [h, b.param('w2', [3, 8])], { transB: 1 }, 'fc2');
    b.output(y);
    const path = join(dir, 'opset21.onnx');
    writeFileSync(path, encodeModel(b.build()));
    const analysis = analyze(graphFromModel(readModel(path)), { batch: 5 });
    assert.equal(analysis.model.opset, 21);
    assert.equal(analysis.totals.macs, 5 * (6 * 8 + 8 * 3));
    assert.ok((await verifyCut(analysis, cutModel(analysis, ['act']))).ok);
  });
});

describe('writeFileAtomic', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cleave-atomic-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the whole file, leaves no temporary file, and replaces an old one', () => {
    const path = join(dir, 'a.bin');
    writeFileSync(path, 'old');
    writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    assert.deepEqual([...readFileSync(path)], [1, 2, 3]);
    assert.deepEqual(readdirSync(dir), ['a.bin']);
  });

  it('a folder that is a file: an IoError naming the path and the reason, not a crash', () => {
    const file = join(dir, 'plain');
    writeFileSync(file, 'x');
    assert.throws(() => writeFileAtomic(join(file, 'b.bin'), new Uint8Array(1)), (e: unknown) => e instanceof IoError && /cannot write .*plain\/b\.bin: (ENOTDIR|EEXIST)/.test(e.message));
  });
});
