import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Random } from '../../src/graph/random.js';
import { readModel, writeModel } from '../../src/onnx/model-file.js';
import { tensorValue } from '../../src/onnx/tensor.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { densify } from '../../src/sparsity/densify.js';
import { sparseRecords } from '../../src/sparsity/metadata.js';
import { sparsify } from '../../src/sparsity/sparsify.js';
import type { OptimizerSpec } from '../../src/train/optimizers.js';
import { Trainer } from '../../src/train/trainer.js';
import { junctionNet, maskedDense } from '../../test-support/sparsity/models.js';

const BATCH = 4;
const CLASSES = 4;

function weightOf(model: ModelProto, name: string): Float32Array {
  return Float32Array.from(tensorValue(model.graph.initializer.find((t) => t.name === name)!).data);
}

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

/** Dropped weights stay dropped under every update rule the trainer has; each also moves the kept ones. */
const OPTIMIZERS: readonly (readonly [string, OptimizerSpec])[] = [
  ['SGD with momentum', { kind: 'sgd', lr: 0.05, momentum: 0.9 }],
  ['SGD, Nesterov', { kind: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true }],
  ['SGD with weight decay', { kind: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 0.05 }],
  ['Adam', { kind: 'adam', lr: 1e-2 }],
  ['AdamW', { kind: 'adam', lr: 1e-2, weightDecay: 0.1 }],
];
/** Enough steps for momentum and Adam's moments to build up on every kept weight. */
const STEPS = 40;

describe('a sparse model in cleave\'s trainer (as written, no training-graph change)', () => {
  for (const structured of [false, true]) {
    for (const [what, optimizer] of OPTIMIZERS) {
      it(`${structured ? 'structured' : 'compact'}, ${what}: only kept weights are parameters, dropped ones stay zero after ${STEPS} steps, the masks travel`, async () => {
        const model = junctionNet();
        const { model: sparse, layers } = sparsify(model, { density: 0.25, seed: 3, structured });
        const trainer = await Trainer.create(sparse, { batch: BATCH, optimizer, threads: 1 });
        try {
          const names = trainer.step.params.map((p) => p.name);
          assert.ok(!names.some((n) => n.includes('/mask') || n.includes('/expand/') || n.includes('/permutation')), names.join(' '));
          if (!structured) assert.ok(names.includes('c2.weight/values') && !names.includes('c2.weight'), names.join(' '));
          const rng = new Random(1);
          for (let s = 0; s < STEPS; s++) {
            const labels = Uint8Array.from({ length: BATCH }, () => rng.int(CLASSES));
            const onehot = new Float32Array(BATCH * CLASSES);
            labels.forEach((l, i) => { onehot[i * CLASSES + l] = 1; });
            await trainer.train({ size: BATCH, x: Float32Array.from({ length: BATCH * 3 * 36 }, () => rng.normal()), labels, onehot });
          }
          // The trained model as a file reads back with its records, and its zeros are the masks' zeros.
          const dir = mkdtempSync(join(tmpdir(), 'cleave-sparse-train-'));
          let reread: ModelProto;
          try {
            writeModel(join(dir, 'trained.onnx'), trainer.checkpoint());
            reread = readModel(join(dir, 'trained.onnx'));
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
          assert.deepEqual(sparseRecords(reread), sparseRecords(sparse));
          const trained = densify(reread);
          const reference = maskedDense(model, layers);
          const masked = layers.filter((l) => l.mask);
          assert.deepEqual(masked.map((l) => l.node), ['c2', 'fc1', 'fc2', 'fc3']);
          assert.equal(revived(trained, reference, masked.map((l) => `${l.node}.weight`)), 0);
          // Every masked layer's kept weights moved: the check above is not vacuous.
          for (const l of masked) {
            const before = weightOf(densify(sparse), `${l.node}.weight`);
            const after = weightOf(trained, `${l.node}.weight`);
            assert.ok(after.some((v, i) => v !== before[i]), `${l.node}: no kept weight moved`);
          }
        } finally {
          await trainer.release();
        }
      });
    }
  }
});
