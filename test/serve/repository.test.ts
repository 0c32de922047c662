import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BadModelError } from '../../src/errors.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { AttrType } from '../../src/onnx/types.js';
import { Session } from '../../src/runtime/session.js';
import { loadModels, modelSources } from '../../src/serve/repository.js';
import { runCli } from '../../test-support/cli/run-cli.js';
import { markExternal, writeWithExternalData } from '../../test-support/serve/external-model.js';
import { CUT_SHAPE, splitNet } from '../../test-support/serve/split-net.js';

const cut = Float32Array.from({ length: 8 * 14 * 14 }, (_, i) => ((i * 37) % 101) / 101 - 0.3);

describe('serve: model files', () => {
  const root = mkdtempSync(join(tmpdir(), 'cleave-repo-'));
  const cwd = process.cwd();
  after(() => {
    process.chdir(cwd);
    rmSync(root, { recursive: true, force: true });
  });

  it('an external-data model serves from any working directory, with the weights from its own folder', async () => {
    const folder = join(root, 'model');
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(folder);
    mkdirSync(elsewhere);
    const weights = writeWithExternalData(splitNet('tail'), folder, 'tail.onnx');
    // A decoy of the same size in the working directory: weights read from here would be zeros.
    writeFileSync(join(elsewhere, 'weights.bin'), new Uint8Array(weights.length));
    process.chdir(elsewhere);
    const [served] = await loadModels(modelSources([folder]));
    const reference = await Session.fromModel(splitNet('tail'));
    try {
      assert.ok(served);
      const got = await served.infer({ inputs: [{ name: 'cut', datatype: 'FP32', shape: [1, ...CUT_SHAPE], data: cut }] });
      const want = (await reference.run({ cut: { dtype: 'float32', dims: [1, ...CUT_SHAPE], data: cut } })).logits;
      assert.deepEqual(Array.from(got.outputs[0]?.data as Float32Array), Array.from(want?.data as Float32Array));
    } finally {
      process.chdir(cwd);
      await served?.release();
      await reference.release();
    }
  });

  it('external data outside the model folder is refused, naming the file', async () => {
    const folder = join(root, 'escape');
    mkdirSync(join(folder, 'inner'), { recursive: true });
    writeWithExternalData(splitNet('tail'), folder, join('inner', 'tail.onnx'), 'weights.bin', '../weights.bin');
    await assert.rejects(loadModels(modelSources([join(folder, 'inner')])),
      (e: unknown) => e instanceof BadModelError && /outside the model's folder/.test(e.message) && e.message.includes(join(folder, 'inner', 'tail.onnx')));
  });

  it('external data in a subgraph, which cleave does not read, is refused rather than left to ONNX Runtime', async () => {
    const folder = join(root, 'subgraph');
    mkdirSync(folder);
    const model = splitNet('tail');
    const hidden = { name: 'hidden', dims: [1], dataType: 1, rawData: new Uint8Array(4) };
    markExternal(hidden, '../../secret.bin', 0, 4);
    (model.graph.node[0]?.attribute ?? []).push({ name: 'body', type: AttrType.GRAPH, g: { name: 'g', node: [], initializer: [hidden], input: [], output: [], valueInfo: [] } });
    writeFileSync(join(folder, 'tail.onnx'), encodeModel(model));
    await assert.rejects(loadModels(modelSources([folder])), (e: unknown) => e instanceof BadModelError && /"hidden" keeps its data in an external file/.test(e.message));
  });

  it('serve DIR with one bad model names the file that failed and why', async () => {
    const folder = join(root, 'mixed');
    mkdirSync(folder);
    writeFileSync(join(folder, 'good.onnx'), encodeModel(splitNet('tail')));
    const bad = splitNet('tail');
    (bad.graph.node[0] as { opType: string }).opType = 'NoSuchOp';
    writeFileSync(join(folder, 'bad.onnx'), encodeModel(bad));
    await assert.rejects(loadModels(modelSources([folder])),
      (e: unknown) => e instanceof BadModelError && e.message.includes(join(folder, 'bad.onnx')) && /model "bad"/.test(e.message) && /NoSuchOp/.test(e.message));
    writeFileSync(join(folder, 'bad.onnx'), 'not a model');
    const r = await runCli('serve', folder, '--port', '0');
    assert.equal(r.code, 3);
    assert.match(r.stderr, new RegExp(`^cleave serve: .*${join(folder, 'bad.onnx').replace(/[.]/g, '\\.')}.*not a valid ONNX file`));
  });
});
