import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeAttribute } from '../../src/graph/builder.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { convsToNchwc, NCHWC_DOMAIN, probeNchwcBlock } from '../../src/passes/nchwc.js';
import type { RunTensor } from '../../src/runtime/session.js';
import { randomTensor } from '../../test-support/random-tensor.js';
import { convModel } from '../../test-support/passes/conv-model.js';
import { assertCloseToScale, firstOutput, shaped } from '../../test-support/passes/rewrite-checks.js';

describe('convsToNchwc: Convs on ONNX Runtime NCHWc kernels', async () => {
  const block = await probeNchwcBlock();

  it('the probe finds a block of 8 or 16 channels, or none', () => {
    assert.ok(block === undefined || block === 8 || block === 16, String(block));
  });

  it('a rewritten Conv computes what the Conv computes (pads, strides, dilations, bias)', async () => {
    if (block === undefined) {
      // Without NCHWc kernels the pass is never asked for; the Trainer test covers that case.
      assert.equal(await probeNchwcBlock(), undefined);
      return;
    }
    for (const [x, w, attrs, bias] of [
      [[3, 2 * block, 9, 8], [block, 2 * block, 3, 3], { pads: [1, 1, 1, 1] }, true],
      [[2, block, 9, 8], [2 * block, block, 3, 2], { strides: [2, 1], dilations: [1, 2], pads: [1, 0, 2, 1] }, false],
    ] as const) {
      const model = convModel(x, w, attrs, bias);
      const rewritten: ModelProto = convsToNchwc(shaped(model), block).model;
      assert.deepEqual(rewritten.graph.node.filter((n) => n.domain === NCHWC_DOMAIN).map((n) => n.opType), ['ReorderInput', 'Conv', 'ReorderOutput']);
      assert.ok(!rewritten.graph.node.some((n) => n.opType === 'Conv' && n.domain === ''));
      const feeds: Record<string, RunTensor> = { x: randomTensor('float32', x, 1), w: randomTensor('float32', w, 2) };
      if (bias) feeds.b = randomTensor('float32', [w[0]], 3);
      assertCloseToScale(await firstOutput(rewritten, feeds), await firstOutput(model, feeds), 1e-5);
    }
  });

  it('leaves alone channels that are not whole blocks, groups, and attributes the NCHWc Conv lacks', () => {
    const b = block ?? 16;
    for (const [x, w, attrs] of [
      [[2, b + 4, 6, 6], [b, b + 4, 3, 3], {}],
      [[2, 2 * b, 6, 6], [2 * b, b, 3, 3], { group: 2 }],
    ] as const) {
      const m = shaped(convModel(x, w, attrs, false));
      assert.equal(convsToNchwc(m, b), m, 'channels not a multiple of the block, or groups');
    }
    // A Conv whose attribute the NCHWc schema does not declare: ORT would refuse the rewritten model.
    const model = convModel([2, b, 6, 6], [b, b, 3, 3], {}, false);
    const odd = { ...model, graph: { ...model.graph, node: model.graph.node.map((n) => (n.opType === 'Conv' ? { ...n, attribute: [...n.attribute, nodeAttribute('storage_order', 0)] } : n)) } };
    const m = shaped(odd);
    assert.equal(convsToNchwc(m, b), m);
    assert.equal(convsToNchwc(shaped(model), b).model.graph.node.filter((n) => n.domain === NCHWC_DOMAIN).length, 3, 'the same Conv without it is rewritten');
  });
});
