import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { GOOGLENET_MODULES, inception, inceptionOutChannels } from '../../src/models/inception.js';
import { allFinite, analyzeModel, relError, runLogits } from '../../test-support/models/model-check.js';

/** MACs of one module at side x side: 1x1 | 1x1->3x3 | 1x1->5x5 | pool->1x1. */
function moduleMacs(side: number, cin: number, m: (typeof GOOGLENET_MODULES)[number]): number {
  return side * side * (cin * m.ch1x1 + cin * m.ch3x3red + m.ch3x3red * m.ch3x3 * 9 + cin * m.ch5x5red + m.ch5x5red * m.ch5x5 * 25 + cin * m.poolProj);
}

describe('models/inception', () => {
  it('inception: MACs at 224x224 equal the hand count and the paper\'s Table 1 within 1%', () => {
    const a = analyzeModel(inception());
    assert.equal(a.issues.length, 0);
    // stem: 7x7/2 conv to 64 at 112x112; 1x1 64 and 3x3 192 at 56x56
    let hand = 112 * 112 * 64 * 3 * 49 + 56 * 56 * 64 * 64 + 56 * 56 * 192 * 64 * 9;
    const sides = [28, 28, 14, 14, 14, 14, 14, 7, 7];
    let cin = 192;
    GOOGLENET_MODULES.forEach((m, i) => {
      hand += moduleMacs(sides[i]!, cin, m);
      cin = inceptionOutChannels(m);
    });
    hand += 1024 * 1000;
    assert.equal(hand, 1_582_671_872);
    assert.equal(a.totals.macs, hand);
    // Szegedy et al. 2015, Table 1 "ops" column (M): 118, 360, 128, 304, 73, 88, 100, 119, 170, 54, 71, 1
    const paper = (118 + 360 + 128 + 304 + 73 + 88 + 100 + 119 + 170 + 54 + 71 + 1) * 1e6;
    assert.ok(relError(a.totals.macs, paper) < 0.01, `${a.totals.macs} vs ${paper}`);
  });

  it('inception: each module concatenates four branches to the paper\'s widths (256 ... 1024)', () => {
    const a = analyzeModel(inception());
    const widths = GOOGLENET_MODULES.map((m) => a.tensors.find((t) => t.name === `${m.name}.concat`)?.shape?.[1]);
    assert.deepEqual(widths, [256, 480, 512, 512, 512, 528, 832, 832, 1024]);
    const concat = a.nodes.find((n) => n.name === 'inception4a.concat');
    assert.deepEqual(concat?.inputs, ['inception4a.branch1.relu', 'inception4a.branch2.1.relu', 'inception4a.branch3.1.relu', 'inception4a.branch4.1.relu']);
    assert.deepEqual(a.tensors.find((t) => t.name === 'inception5b.concat')?.shape, [1, 1024, 7, 7]);
    // single-tensor cuts fall between modules, never inside the branches
    const cuts = a.cutPoints.map((c) => c.tensors.join('+'));
    for (const m of GOOGLENET_MODULES) assert.ok(cuts.includes(`${m.name}.concat`), m.name);
    assert.ok(!cuts.some((c) => c.includes('branch')));
  });

  it('inception: runs in ONNX Runtime at 64x64 (ceil-mode pools), full and with two modules', async () => {
    const full = await runLogits(inception({ inputSize: 64 }), [1, 3, 64, 64]);
    assert.deepEqual(full.dims, [1, 1000]);
    assert.ok(allFinite(full));
    const small = inception({ inputSize: 64, modules: 2, numClasses: 10 });
    assert.equal(small.graph.node.filter((n) => n.opType === 'Concat').length, 2);
    assert.deepEqual((await runLogits(small, [1, 3, 64, 64])).dims, [1, 10]);
  });

  it('inception: a module count outside 1..9 is refused', () => {
    assert.throws(() => inception({ modules: 0 }), BadRequestError);
    assert.throws(() => inception({ modules: 10 }), BadRequestError);
  });
});
