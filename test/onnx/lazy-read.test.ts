import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { cutModel } from '../../src/cut/extract.js';
import { verifyCut } from '../../src/cut/verify.js';
import { BadModelError } from '../../src/errors.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';
import { LAZY_RAW_BYTES, readModelLazily } from '../../src/onnx/lazy-read.js';
import { chainModel } from '../../test-support/deep-graphs.js';

/** An MLP whose weights are above and below the lazy threshold, plus an int64 shape constant. */
function mlp() {
  const b = new ModelBuilder({ seed: 8 });
  const x = b.input('x', 'float32', ['N', 64]);
  const h = b.node('Relu', [b.node('Gemm', [x, b.param('w1', [48, 64]), b.param('b1', [48])], { transB: 1 }, 'fc1')], {}, 'act1');
  const r = b.node('Reshape', [h, b.ints('shape', [-1, 48])], {}, 'flat');
  const y = b.node('Gemm', [r, b.param('w2', [10, 48])], { transB: 1 }, 'fc2');
  b.output(y);
  return b.build();
}

describe('readModelLazily', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cleave-lazy-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'mlp.onnx');
  writeFileSync(path, encodeModel(mlp()));

  it('leaves large raw_data in the file and reads it on use: same model, same cut bytes', async () => {
    const lazy = readModelLazily(path, statSync(path).size);
    const eager = decodeModel(readFileSync(path));
    const w1 = lazy.graph.initializer.find((t) => t.name === 'w1');
    assert.ok(48 * 64 * 4 >= LAZY_RAW_BYTES);
    assert.deepEqual(Buffer.from(w1?.rawData ?? []), Buffer.from(eager.graph.initializer.find((t) => t.name === 'w1')?.rawData ?? []));
    const a = analyze(graphFromModel(lazy), { batch: 3 });
    const b = analyze(graphFromModel(eager), { batch: 3 });
    assert.deepEqual(a.totals, b.totals);
    const lazyCut = cutModel(a, ['act1']);
    assert.deepEqual(Buffer.from(encodeModel(lazyCut.tail)), Buffer.from(encodeModel(cutModel(b, ['act1']).tail)));
    assert.ok((await verifyCut(a, lazyCut)).ok);
  });

  it('reads a graph of 30,000 nodes, whose fields outnumber what a call takes as arguments, to the same bytes', () => {
    const deep = join(dir, 'chain.onnx');
    writeFileSync(deep, encodeModel(chainModel(30_000)));
    const lazy = readModelLazily(deep, statSync(deep).size);
    assert.equal(lazy.graph.node.length, 30_000);
    assert.ok(Buffer.from(encodeModel(lazy)).equals(readFileSync(deep)));
  });

  it('a truncated file is a BadModelError', () => {
    const cut = join(dir, 'truncated.onnx');
    const bytes = readFileSync(path);
    // Cut in the middle of w1's data (skipped, not read) and in the middle of the graph's tail.
    for (const at of [200, Math.floor(bytes.length / 2), bytes.length - 20]) {
      writeFileSync(cut, bytes.subarray(0, at));
      assert.throws(() => readModelLazily(cut, statSync(cut).size), BadModelError, `truncated at ${at}`);
    }
  });
});
