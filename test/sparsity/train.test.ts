import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Random } from '../../src/graph/random.js';
import { tensorValue } from '../../src/onnx/tensor.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { densify } from '../../src/sparsity/densify.js';
import { sparsify } from '../../src/sparsity/sparsify.js';
import type { OptimizerSpec } from '../../src/train/optimizers.js';
import { Trainer } from '../../src/train/trainer.js';
import { junctionNet, maskedDense } from '../../test-support/sparsity/models.js';

const BATCH = 4;
const CLASSES = 4;

/** Weights of the trained model (densified) that are nonzero where the masked dense `reference` has a zero. */
function revived(trained: ModelProto, reference: ModelProto, weights: readonly string[]): number {
  let count = 0;
  for (const name of weights) {
    const want = tensorValue(reference.graph.initializer.find((t) => t.name === name)!).data;
    const got = tensorValue(trained.graph.initializer.find((t) => t.name === name)!).data;
    for (let i = 0; i < want.length; i++) if (want[i] === 0 && got[i] !== 0) count++;
  }
  return count;
}

describe('a sparse model in cleave\'s trainer (as written, no training-graph change)', () => {
  const OPTIMIZERS: readonly OptimizerSpec[] = [
    { kind: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-2 },
    { kind: 'adam', lr: 1e-2, weightDecay: 0.1 },
  ];
  for (const structured of [false, true]) {
    for (const optimizer of OPTIMIZERS) {
      it(`${structured ? 'structured' : 'compact'}, ${optimizer.kind}: only kept weights are parameters, and dropped ones stay zero`, async () => {
        const model = junctionNet();
        const { model: sparse, layers } = sparsify(model, { density: 0.25, seed: 3, structured });
        const trainer = await Trainer.create(sparse, { batch: BATCH, optimizer, threads: 1 });
        const names = trainer.step.params.map((p) => p.name);
        if (!structured) assert.ok(names.includes('c2.weight/values') && !names.some((n) => n.includes('/mask') || n.includes('/expand/')), names.join(' '));
        const rng = new Random(1);
        for (let s = 0; s < 8; s++) {
          const labels = Uint8Array.from({ length: BATCH }, () => rng.int(CLASSES));
          const onehot = new Float32Array(BATCH * CLASSES);
          labels.forEach((l, i) => { onehot[i * CLASSES + l] = 1; });
          await trainer.train({ size: BATCH, x: Float32Array.from({ length: BATCH * 3 * 36 }, () => rng.normal()), labels, onehot });
        }
        const trained = densify(trainer.checkpoint());
        const reference = maskedDense(model, layers);
        assert.equal(revived(trained, reference, layers.filter((l) => l.mask).map((l) => `${l.node}.weight`)), 0);
        // The kept weights did move: the check above is not vacuous.
        const before = tensorValue(reference.graph.initializer.find((t) => t.name === 'fc1.weight')!).data;
        const after = tensorValue(trained.graph.initializer.find((t) => t.name === 'fc1.weight')!).data;
        assert.ok(Array.from(after).some((v, i) => v !== before[i]));
      });
    }
  }
});
