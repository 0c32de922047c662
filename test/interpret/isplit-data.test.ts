import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { graphFromModel, opsetOf } from '../../src/graph/graph.js';
import { loadImages, modelInputChw, readClassifier } from '../../src/interpret/isplit-data.js';
import { buildModel } from '../../src/models/catalogue.js';
import { writeModel } from '../../src/onnx/model-file.js';
import { writeImageFolder } from '../../test-support/isplit/folder.js';

describe('isplit data', () => {
  it('reads a saved model with its default-domain opset visible to graph code', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cleave-isplit-')), 'lenet.onnx');
    writeModel(file, buildModel('lenet'));
    const model = readClassifier(file);
    assert.equal(opsetOf(graphFromModel(model), ''), 17);
    assert.ok(model.graph.node.every((n) => n.domain === ''));
  });

  it('loads the named sets and folders at the model input, and refuses a mismatch', () => {
    const lenet = buildModel('lenet');
    assert.deepEqual(modelInputChw(lenet), [1, 28, 28]);
    const mnist = loadImages('mnist', 'test', lenet, 10);
    assert.equal(mnist.data.count, 10);
    assert.equal(mnist.shared, false);
    const dir = writeImageFolder({ a: [1, 2], b: [3] }, 5);
    const folder = loadImages(dir, 'test', lenet);
    assert.deepEqual([folder.data.count, folder.data.height, folder.shared], [3, 28, true]);
    assert.throws(() => loadImages('mnist', 'test', buildModel('lenet', { inputSize: 32 }), 1), /1x28x28 but the model takes 1x32x32/);
  });
});
