import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDataset } from '../../src/data/datasets.js';
import { cutCandidates } from '../../src/qos/candidates.js';
import { measureSparseVariant, sparseModelVariant, withMeasuredDelta } from '../../src/qos/sparse-model-variant.js';
import { measureAccuracy } from '../../src/qos/measure.js';
import { analyze } from '../../src/analysis/analyze.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { sparsify } from '../../src/sparsity/sparsify.js';
import { lenet } from '../../test-support/qos/specs.js';

describe('sparseModelVariant', () => {
  it('reads the layers a sparse model thins and their form from its records; the other layers stay dense', () => {
    const { model, analysis } = lenet();
    const sparse = sparsify(model, { layers: ['conv2', 'fc1'], density: 0.5 }).model;
    assert.deepEqual(sparseModelVariant(analysis, sparse, 'half', 'half.onnx').variant, { label: 'half', density: 1, nodeDensity: { conv2: 0.5, fc1: 0.5 }, structured: false, accuracyDelta: 0 });
    const grouped = sparsify(model, { layers: ['conv2'], density: 0.5, structured: true }).model;
    assert.deepEqual(sparseModelVariant(analysis, grouped, 'g', 'g.onnx').variant, { label: 'g', density: 1, nodeDensity: { conv2: 0.5 }, structured: true, accuracyDelta: 0 });
  });

  it('refuses a dense model and one that mixes structured and compact layers', () => {
    const { model, analysis } = lenet();
    assert.throws(() => sparseModelVariant(analysis, model, 'x', 'dense.onnx'), /dense\.onnx has no sparse layer/);
    const mixed = sparsify(sparsify(model, { layers: ['conv2'], density: 0.5, structured: true }).model, { layers: ['fc1'], density: 0.5 }).model;
    assert.throws(() => sparseModelVariant(analysis, mixed, 'x', 'mixed.onnx'), /mixed\.onnx mixes structured and compact sparse layers/);
  });

  it('measures the sparse model where the head holds its sparse layers: fp32 through a cut equals the whole sparse model; elsewhere NaN', async () => {
    const { model, analysis } = lenet();
    const v = sparseModelVariant(analysis, sparsify(model, { layers: ['conv2'], density: 0.5, structured: true }).model, 'g', 'g.onnx');
    const cuts = cutCandidates(analysis);
    const data = loadDataset('mnist', 'test', { limit: 40 });
    const own = await measureSparseVariant(v, cuts, [{ name: 'fp32' }], data);
    const at = (name: string): number => own.at[cuts.findIndex((c) => c.placement === name || (c.placement === 'split' && c.tensors.join() === name))]!;
    assert.ok(Number.isNaN(at('remote')));
    assert.ok(Number.isNaN(at('pool1')), 'conv2 runs after pool1: that head holds no sparse layer');
    for (const cut of ['pool2', 'fc1', 'fc2']) assert.equal(at(cut), at('local'), cut);
    // The whole sparse model measured on its own agrees, and so does the variant's change against the dense model.
    const whole = await measureAccuracy(v.model, analyze(graphFromModel(v.model), { batch: 1 }), cutCandidates(analyze(graphFromModel(v.model), { batch: 1 }), ['local']), [{ name: 'fp32' }], data);
    assert.equal(own.base, whole.base);
    const dense = await measureAccuracy(model, analysis, cutCandidates(analysis, ['local']), [{ name: 'fp32' }], data);
    assert.equal(withMeasuredDelta(v.variant, own, dense).accuracyDelta, whole.base - dense.base);
  });
});
