import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { cutModel } from '../../src/cut/extract.js';
import { referenceOutputs, verifyCut } from '../../src/cut/verify.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { buildModel } from '../../src/models/catalogue.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';

describe('multi-tensor cut points', () => {
  it('Inception: with --max-tensors 4 every combination of branch depths of a module is a cut', async () => {
    const model = decodeModel(encodeModel(buildModel('inception', { inputSize: 64, numClasses: 10, seed: 3 })));
    const analysis = analyze(graphFromModel(model), { maxTensors: 4 });
    const keys = new Set(analysis.cutPoints.map((c) => [...c.tensors].sort().join(',')));
    // Each branch stopped after its first conv: a cut no topological order of the file reaches.
    const firstConvs = ['inception3a.branch1.conv', 'inception3a.branch2.0.conv', 'inception3a.branch3.0.conv', 'inception3a.branch4.1.conv'];
    assert.ok(keys.has([...firstConvs].sort().join(',')));
    // One branch done, the others not started: the module input crosses once for all three.
    assert.ok(keys.has(['inception3a.branch1.relu', 'maxpool2'].sort().join(',')));
    const module3a = analysis.cutPoints.filter((c) => c.tensors.every((t) => t.startsWith('inception3a.') || t === 'maxpool2') && c.tensors.length > 1);
    // Branch states: branch1 0..3 layers, branch2 0..6, branch3 0..6, branch4 0..4: 4*7*7*5 heads,
    // one of which (nothing started) is the cut at maxpool2; with the concat one more, a single tensor.
    assert.equal(module3a.length, 4 * 7 * 7 * 5 - 1);
    const expected = await referenceOutputs(analysis);
    for (const c of [module3a[0], module3a[Math.floor(module3a.length / 2)], module3a[module3a.length - 1]]) {
      const v = await verifyCut(analysis, cutModel(analysis, c?.tensors ?? []), { expected });
      assert.ok(v.ok, c?.tensors.join(','));
    }
  });

  it('ResNet: two-tensor cuts pair each main-branch position with each shortcut position inside a block', () => {
    const analysis = analyze(graphFromModel(buildModel('resnet18', { inputSize: 32, width: 0.25, numClasses: 10 })), { maxTensors: 2 });
    const inBlock = analysis.cutPoints.filter((c) => c.tensors.length === 2 && c.tensors.includes('maxpool'));
    // layer1.0: conv1, bn1, relu1, conv2, bn2 on the main branch (5 positions), the block input on the shortcut.
    assert.deepEqual(inBlock.map((c) => c.tensors.filter((t) => t !== 'maxpool')).map((t) => t.join()), [
      'layer1.0.conv1', 'layer1.0.bn1', 'layer1.0.relu1', 'layer1.0.conv2', 'layer1.0.bn2',
    ]);
  });
});
