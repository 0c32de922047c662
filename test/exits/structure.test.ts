import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { applyTemperatures, temperatureTensor } from '../../src/exits/apply-temperatures.js';
import { insertExits } from '../../src/exits/insert.js';
import { backboneModel, exitStructure } from '../../src/exits/structure.js';
import { buildModel } from '../../src/models/catalogue.js';
import { encodeModel } from '../../src/onnx/codec.js';

describe('exitStructure: the exits read back from the model', () => {
  const original = buildModel('small-vgg', { batchNorm: 'seeded', width: 0.25 });
  const added = insertExits(original, { count: 3, placement: 'linear' });

  it('the exits, their nodes and weights are the ones insertExits added; the backbone is the original', () => {
    const s = exitStructure(added.model);
    assert.equal(s.mainOutput, 'logits');
    assert.deepEqual(s.exits.map((e) => [e.output, e.at]), added.exits.map((e) => [e.output, e.at]));
    s.exits.forEach((e, k) => {
      const info = added.exits[k];
      assert.ok(info);
      assert.deepEqual(e.nodes, added.model.graph.node.filter((n) => n.name.startsWith(`exit_${k}/`)).map((n) => n.name));
      assert.deepEqual([...e.params].sort(), [...info.params].sort());
      assert.deepEqual([...e.buffers].sort(), [...info.buffers].sort());
    });
    assert.deepEqual(s.backboneNodes, original.graph.node.map((n) => n.name));
    // Without its branches the model is the original, byte for byte but for the metadata.
    const back = backboneModel(added.model, s);
    assert.deepEqual(encodeModel({ ...back, metadataProps: original.metadataProps }), encodeModel(original));
  });

  it('after calibration: the temperature is no weight of the branch, the probabilities output no main output', () => {
    const calibrated = applyTemperatures(added.model, { exit_0_logits: 1.5 }, { probabilities: true });
    const s = exitStructure(calibrated);
    assert.equal(s.mainOutput, 'logits');
    assert.ok(!s.exits[0]?.params.includes(temperatureTensor('exit_0_logits')));
    assert.ok(s.exits[0]?.nodes.includes('exit_0_logits/calibrate'));
  });

  it('no exits, an unknown main output, or several candidates: clear errors', () => {
    assert.throws(() => exitStructure(original), (e: unknown) => e instanceof BadRequestError && /no exits .*`cleave exits add`/.test(e.message));
    assert.throws(() => exitStructure(added.model, 'nope'), /"nope" is no output/);
    const two = { ...added.model, graph: { ...added.model.graph, output: [...added.model.graph.output, { name: 'flatten' }] } };
    assert.throws(() => exitStructure(two), /2 outputs besides its exits \(logits, flatten\)/);
    assert.equal(exitStructure(two, 'logits').mainOutput, 'logits');
  });
});
