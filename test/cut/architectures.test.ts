import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { cutModel } from '../../src/cut/extract.js';
import { referenceOutputs, verifyCut } from '../../src/cut/verify.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { buildModel } from '../../src/models/catalogue.js';
import type { ModelOptions } from '../../src/models/options.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';

/**
 * Every single-tensor cut of every reference architecture reproduces the model through
 * head -> tail. Small inputs (and ResNets at 1/4, VGG-16 at 1/8 width) keep ORT fast; the
 * graphs, and so the cut points, are the full architectures'.
 */
const ARCHITECTURES: readonly [string, ModelOptions, number][] = [
  ['small-cnn', {}, 8],
  ['lenet', {}, 8],
  ['small-vgg', {}, 20],
  ['resnet18', { inputSize: 64, numClasses: 10, width: 0.25 } as ModelOptions, 20],
  ['resnet50', { inputSize: 64, numClasses: 10, width: 0.25 } as ModelOptions, 30],
  ['mobilenetv2', { inputSize: 64, numClasses: 10 }, 30],
  ['densenet121', { inputSize: 64, numClasses: 10 }, 20],
  ['inception', { inputSize: 64, numClasses: 10 }, 15],
  ['vgg16', { inputSize: 32, numClasses: 10, width: 0.125 } as ModelOptions, 30],
];

describe('cuts of the reference architectures', () => {
  for (const [name, options, minCuts] of ARCHITECTURES) {
    it(`${name}: every single-tensor cut reproduces the model`, async () => {
      const model = decodeModel(encodeModel(buildModel(name, { seed: 2, batchNorm: 'seeded', ...options })));
      const analysis = analyze(graphFromModel(model), { batch: 2 });
      assert.ok(analysis.cutPoints.length >= minCuts, `${analysis.cutPoints.length} cut points`);
      const expected = await referenceOutputs(analysis);
      for (const c of analysis.cutPoints) {
        const v = await verifyCut(analysis, cutModel(analysis, c.tensors), { expected });
        assert.ok(v.ok, `cut at ${c.tensors.join(',')}: relative error ${Math.max(...v.outputs.map((o) => o.relativeError))}`);
      }
    });
  }
});
