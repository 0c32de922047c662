import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { buildModel, CATALOGUE, catalogueEntry, MODEL_NAMES } from '../../src/models/catalogue.js';
import { parameterCount } from '../../src/models/parameters.js';
import { analyzeModel, declaredDims } from '../../test-support/models/model-check.js';

describe('models/catalogue', () => {
  it('catalogue: lists every reference architecture by name', () => {
    assert.deepEqual(MODEL_NAMES, ['vgg16', 'resnet18', 'resnet50', 'mobilenetv2', 'densenet121', 'inception', 'lenet', 'small-vgg', 'small-cnn']);
  });

  it('catalogue: each entry builds a model whose input and output match what the entry declares', () => {
    for (const e of CATALOGUE) {
      // VGG-16's 138M weights are built in its own test; here a 32x32 input keeps it small
      const size = e.name === 'vgg16' ? 32 : e.input[1];
      const m = buildModel(e.name, { inputSize: size, batch: 1 });
      assert.deepEqual(declaredDims(m.graph.input[0]), [1, e.input[0], size, size], e.name);
      assert.deepEqual(declaredDims(m.graph.output[0]), [1, e.numClasses], e.name);
      assert.equal(m.graph.name, e.name);
    }
  });

  it('catalogue: the small models\' parameter and MAC figures match what cleave measures', () => {
    for (const name of ['lenet', 'small-vgg', 'small-cnn']) {
      const e = catalogueEntry(name);
      const m = e.build();
      assert.equal(parameterCount(m), e.params, name);
      assert.equal(analyzeModel(m).totals.macs, e.macs, name);
    }
  });

  it('catalogue: width is passed to the models that have one and refused by the others', () => {
    const narrow = buildModel('resnet18', { width: 0.25, inputSize: 32 });
    assert.ok(parameterCount(narrow) < 1_000_000);
    assert.throws(() => buildModel('lenet', { width: 2 }), BadRequestError);
  });

  it('catalogue: an unknown name is refused with the list of known names', () => {
    assert.throws(() => catalogueEntry('resnet19'), (e: unknown) => e instanceof BadRequestError && /resnet18/.test(e.message));
  });
});
