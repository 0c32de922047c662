import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { smallVgg } from '../../src/models/small-vgg.js';
import type { RunTensor } from '../../src/runtime/session.js';
import { makeBatch } from '../../src/data/batches.js';
import { loadFashionMnist } from '../../src/data/datasets.js';
import { convsToNchwc, NCHWC_DOMAIN, probeNchwcBlock } from '../../src/train/nchwc.js';
import { Trainer } from '../../src/train/trainer.js';
import { randomTensor } from '../../test-support/random-tensor.js';
import { convModel, runFirstOutput } from '../../test-support/train/conv-model.js';

describe('ONNX Runtime NCHWc kernels for training-step Convs', async () => {
  const block = await probeNchwcBlock();

  it('the probe finds a block of 8 or 16 channels, or none', () => {
    assert.ok(block === undefined || block === 8 || block === 16, String(block));
  });

  it('a rewritten Conv computes what the Conv computes (pads, strides, dilations, bias); others are left alone', async (t) => {
    if (block === undefined) {
      // Without NCHWc kernels the pass is never asked for; the Trainer test below covers the fallback.
      assert.equal(await probeNchwcBlock(), undefined);
      return;
    }
    for (const [x, w, attrs, bias] of [
      [[3, 2 * block, 9, 8], [block, 2 * block, 3, 3], { pads: [1, 1, 1, 1] }, true],
      [[2, block, 9, 8], [2 * block, block, 3, 2], { strides: [2, 1], dilations: [1, 2], pads: [1, 0, 2, 1] }, false],
    ] as const) {
      const model = convModel(x, w, attrs, bias);
      const rewritten = convsToNchwc(model, block, x[0]);
      assert.deepEqual(rewritten.graph.node.filter((n) => n.domain === NCHWC_DOMAIN).map((n) => n.opType), ['ReorderInput', 'Conv', 'ReorderOutput']);
      assert.ok(!rewritten.graph.node.some((n) => n.opType === 'Conv' && n.domain === ''));
      const feeds: Record<string, RunTensor> = { x: randomTensor('float32', x, 1), w: randomTensor('float32', w, 2) };
      if (bias) feeds.b = randomTensor('float32', [w[0]], 3);
      const [want, got] = [await runFirstOutput(model, feeds), await runFirstOutput(rewritten, feeds)];
      let max = 0;
      for (let i = 0; i < want.length; i++) max = Math.max(max, Math.abs((want[i] as number) - (got[i] as number)));
      assert.ok(max < 1e-4, `${t.name}: max |diff| ${max}`);
    }
    for (const [x, w, attrs] of [
      [[2, block + 4, 6, 6], [block, block + 4, 3, 3], {}],
      [[2, 2 * block, 6, 6], [2 * block, block, 3, 3], { group: 2 }],
    ] as const) {
      const model = convModel(x, w, attrs, false);
      assert.equal(convsToNchwc(model, block, 2), model, 'channels not a multiple of the block, or groups');
    }
  });

  it('the Trainer takes them by default and matches the portable step on the first step', async () => {
    const ds = loadFashionMnist('train', { limit: 16 });
    const batch = makeBatch(ds, Array.from({ length: 16 }, (_, i) => i), 10);
    const model = smallVgg({ seed: 1, dropout: 0 });
    const options = { batch: 16, optimizer: { kind: 'sgd' as const, lr: 0.01 }, threads: 1 };
    const fast = await Trainer.create(model, options);
    const portable = await Trainer.create(model, { ...options, nchwc: false });
    assert.equal(fast.step.model.graph.node.some((n) => n.domain === NCHWC_DOMAIN), block !== undefined);
    assert.ok(!portable.step.model.graph.node.some((n) => n.domain === NCHWC_DOMAIN));
    const [a, b] = [await fast.train(batch), await portable.train(batch)];
    assert.ok(Math.abs(a.loss - b.loss) < 1e-4 * Math.max(1, Math.abs(b.loss)), `loss ${a.loss} vs ${b.loss}`);
    await fast.release();
    await portable.release();
  });
});
