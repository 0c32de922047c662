import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { cutModel } from '../../src/cut/extract.js';
import { verifyCut } from '../../src/cut/verify.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { smallVgg } from '../../src/models/small-vgg.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';
import { readModel, writeModel } from '../../src/onnx/model-file.js';
import { densify } from '../../src/sparsity/densify.js';
import { presentRecords, sparseRecords } from '../../src/sparsity/metadata.js';
import { indexType, withSparseInitializers } from '../../src/sparsity/sparse-initializer.js';
import { type SparseLayerReport, sparsify } from '../../src/sparsity/sparsify.js';
import { feedsFor, relativeDifference, runModel } from '../../test-support/sparsity/models.js';
import { runWeb } from '../../test-support/sparsity/web.js';

const TOLERANCE = 1e-5;
/**
 * Per sparse layer: the 13 nodes of its expansion subgraph with their names (~2 KB for
 * small VGG's names), 8 small int constants and its metadata record (~260 bytes).
 */
const OVERHEAD_PER_LAYER = 3072;

/** Bytes of a compact file: the dense file less the dropped weights, plus one mask bit per connection. */
function compactFloor(denseBytes: number, layers: readonly SparseLayerReport[]): number {
  const sparse = layers.filter((l) => l.mask);
  return denseBytes - sparse.reduce((s, l) => s + 4 * (l.weights - l.kept) - Math.ceil((l.inputs * l.outputs) / 8), 0);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe('compact storage', () => {
  const model = smallVgg({ seed: 3, batchNorm: 'seeded' });
  const dense = encodeModel(model).length;

  it('the file shrinks by the dropped weights, less one bit per connection and a small subgraph per layer', () => {
    const { model: sparse, layers } = sparsify(model, { density: 0.25, seed: 1 });
    const bytes = encodeModel(sparse).length;
    // Every layer but the first conv (1 input channel); fc2 (256 -> 10) takes 1/2, its nearest.
    assert.deepEqual(layers.map((l) => l.density), [1, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.5]);
    const floor = compactFloor(dense, layers);
    assert.ok(bytes >= floor && bytes <= floor + OVERHEAD_PER_LAYER * 7, `${bytes} bytes, expected ${floor} + overhead`);
    assert.ok(bytes < 0.3 * dense, `${bytes} of ${dense} bytes`);
  });

  it('round-trips through writeModel/readModel and runs the same', async () => {
    const { model: sparse } = sparsify(model, { density: 0.5, seed: 2, perElement: true });
    const dir = mkdtempSync(join(tmpdir(), 'cleave-sparse-'));
    try {
      const path = join(dir, 'sparse.onnx');
      writeModel(path, sparse);
      assert.equal(statSync(path).size, encodeModel(sparse).length);
      const back = readModel(path);
      assert.deepEqual(sparseRecords(back), sparseRecords(sparse));
      assert.equal(await relativeDifference(sparse, back, feedsFor(model, 2)), 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads in onnxruntime-web (wasm) and computes what onnxruntime-node does', async () => {
    const { model: sparse } = sparsify(model, { density: 0.25, seed: 4 });
    const feeds = feedsFor(model, 2);
    const node = (await runModel(sparse, feeds)).logits!.data as Float32Array;
    const web = (await runWeb(encodeModel(sparse), feeds)).logits!;
    assert.ok(maxDiff(node, web) < TOLERANCE * Math.max(...Array.from(node, Math.abs)));
  });

  it('a cut of a compact model verifies, and its head stays compact', async () => {
    const { model: sparse, layers } = sparsify(model, { density: 0.25, seed: 5, headOf: 'block2.pool' });
    const analysis = analyze(graphFromModel(decodeModel(encodeModel(sparse))), { batch: 2 });
    const cut = cutModel(analysis, ['block2.pool']);
    const verification = await verifyCut(analysis, cut);
    assert.ok(verification.ok, JSON.stringify(verification.outputs));
    assert.deepEqual(presentRecords(cut.head).map((r) => r.node), ['block1.conv2', 'block2.conv1', 'block2.conv2']);
    assert.ok(cut.head.graph.initializer.some((t) => t.name === 'block2.conv2.weight/values'));
    assert.ok(!cut.head.graph.initializer.some((t) => t.name === 'block2.conv2.weight'));
    const denseHead = encodeModel(cutModel(analyze(graphFromModel(model), { batch: 2 }), ['block2.pool']).head).length;
    const floor = compactFloor(denseHead, layers);
    const bytes = encodeModel(cut.head).length;
    assert.ok(bytes >= floor && bytes <= floor + OVERHEAD_PER_LAYER * 3, `head ${bytes} bytes, expected ${floor} + overhead`);
  });
});

describe('ONNX sparse_initializer (for comparison)', () => {
  const model = smallVgg({ seed: 3 });

  it('index types: the smallest ONNX Runtime accepts', () => {
    assert.deepEqual([100, 128, 129, 32768, 32769, 2 ** 31, 2 ** 31 + 1].map(indexType), ['int8', 'int8', 'int16', 'int16', 'int32', 'int32', 'int64']);
  });

  it('onnxruntime-node and onnxruntime-web load it and compute the masked dense model; the codec round-trips it', async () => {
    const { model: sparse, layers } = sparsify(model, { density: 0.25, seed: 6 });
    const masked = densify(sparse);
    const weights = layers.filter((l) => l.mask).map((l) => `${l.node}.weight`);
    const withSparse = withSparseInitializers(masked, weights);
    const bytes = encodeModel(withSparse);
    assert.equal(decodeModel(bytes).graph.sparseInitializer?.length, weights.length);
    assert.deepEqual(encodeModel(decodeModel(bytes)), bytes);
    const feeds = feedsFor(model, 2);
    const want = (await runModel(masked, feeds)).logits!.data as Float32Array;
    const scale = Math.max(...Array.from(want, Math.abs));
    const node = (await runModel(withSparse, feeds)).logits!.data as Float32Array;
    assert.ok(maxDiff(want, node) <= TOLERANCE * scale);
    const web = (await runWeb(bytes, feeds)).logits!;
    assert.ok(maxDiff(want, web) <= TOLERANCE * scale);
  });

  it('costs more than the dense weight at density 1/2 (an int32 index per kept weight), where the compact form halves it', () => {
    const { model: sparse } = sparsify(model, { density: 0.5, seed: 7, layers: ['fc1'] });
    const masked = densify(sparse);
    const denseBytes = encodeModel(masked).length;
    const sparseInit = encodeModel(withSparseInitializers(masked, ['fc1.weight'])).length;
    assert.ok(sparseInit >= denseBytes, `${sparseInit} vs dense ${denseBytes}`);
    assert.ok(encodeModel(sparse).length < denseBytes - 0.45 * 4 * 1152 * 256);
  });
});
