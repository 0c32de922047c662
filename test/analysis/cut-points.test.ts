import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { describeCut, findCutPoints } from '../../src/analysis/cut-points.js';
import { headFor } from '../../src/analysis/dataflow.js';
import { resolveCut } from '../../src/cut/extract.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { Random } from '../../src/graph/random.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { referenceCutPoints, referenceDescribeCut } from '../../test-support/analysis/cut-points-reference.js';
import { chainModel, DEEP_WIDTH, randomDagModel } from '../../test-support/deep-graphs.js';

const costsOf = (a: ReturnType<typeof analyze>) => ({ flops: a.nodes.map((n) => n.flops) });

/** Random DAGs of 5 to 64 nodes, each with its own seed. */
function* randomDags(count: number): Generator<{ seed: number; model: ModelProto }> {
  for (let seed = 1; seed <= count; seed++) {
    const rng = new Random(seed);
    yield { seed, model: randomDagModel(rng, 5 + rng.int(60)) };
  }
}

describe('findCutPoints', () => {
  it('equals the per-cut walk (the reference) on random DAGs: same cuts, order and figures, up to 4 tensors', () => {
    let single = 0;
    let multi = 0;
    for (const { seed, model } of randomDags(60)) {
      for (const k of [1, 2, 3, 4]) {
        const a = analyze(graphFromModel(model), { batch: 2, maxTensors: k });
        assert.deepEqual(a.cutPoints, referenceCutPoints(a.dataflow, costsOf(a), k), `seed ${seed}, max tensors ${k}`);
        if (k === 1) single += a.cutPoints.length;
        else multi += a.cutPoints.length;
      }
    }
    // The sample must hold both kinds for the comparison to mean something.
    assert.ok(single > 100 && multi > 1000, `${single} single, ${multi} multi-tensor cuts`);
  });

  it('describeCut of an arbitrary head equals the reference, and headFor holds the producers and all they read', () => {
    for (const { seed, model } of randomDags(30)) {
      const a = analyze(graphFromModel(model), { batch: 3, maxTensors: 3 });
      for (const c of a.cutPoints) {
        const { head, tensors } = resolveCut(a, c.tensors);
        assert.deepEqual(describeCut(a.dataflow, head, tensors, costsOf(a)), referenceDescribeCut(a.dataflow, head, tensors, costsOf(a)), `seed ${seed}`);
        // Closed under dependence: every input of a head node comes from the head or from outside the graph's nodes.
        for (const i of headFor(a.dataflow, c.tensors)) {
          for (const t of a.dataflow.graph.nodes[i]?.input ?? []) {
            const p = t ? a.dataflow.graph.producer.get(t) : undefined;
            assert.ok(p === undefined || head.has(p), `seed ${seed}: ${t} read in the head, produced outside it`);
          }
        }
      }
    }
  });

  it('a layer read only by shape arithmetic ties the head to the layer that arithmetic reaches', () => {
    // x -> a -> b -> c = Reshape(b, Shape(d)) -> y, and d = Relu(a) is read by Shape alone.
    const m = new ModelBuilder({ name: 'shape-tie' });
    const x = m.input('x', 'float32', ['N', 4]);
    const a = m.node('Relu', [x], {}, 'a');
    const d = m.node('Relu', [a], {}, 'd');
    const b = m.node('Sigmoid', [a], {}, 'b');
    const c = m.node('Reshape', [b, m.node('Shape', [d], {}, 'shape')], {}, 'c');
    m.output(m.node('Relu', [c], {}, 'y'));
    const analysis = analyze(graphFromModel(m.build()));
    // After b, d still waits for its Shape to reach c, and a, read by d, crosses with b.
    assert.deepEqual(analysis.cutPoints.map((p) => p.tensors.join()), ['a', 'c']);
  });

  it('no single-tensor cut after an early exit: the exit branch reads what the trunk computed', () => {
    const m = new ModelBuilder({ name: 'exit' });
    const a = m.node('Relu', [m.input('x', 'float32', ['N', 4])], {}, 'a');
    m.output(m.node('Tanh', [a], {}, 'exit'));
    const b = m.node('Relu', [a], {}, 'b');
    m.output(m.node('Relu', [m.node('Sigmoid', [b], {}, 'c')], {}, 'y'));
    const analysis = analyze(graphFromModel(m.build()), { maxTensors: 2 });
    assert.deepEqual(analysis.cutPoints.map((p) => p.tensors.join()), ['a', 'a,b', 'a,c']);
  });

  it('a 3,000-layer chain: every tensor but the last is a cut, with figures by hand count', () => {
    const n = 3000;
    const batch = 2;
    const a = analyze(graphFromModel(chainModel(n)), { batch });
    const points = findCutPoints(a.dataflow, costsOf(a));
    assert.equal(points.length, n - 1);
    const activation = batch * DEEP_WIDTH * 4;
    // Layer i: MatMul (8x8 weight, 2*8 FLOPs per output), Add (bias of 8), Relu, repeating.
    const flops = (i: number) => (i % 3 === 0 ? 2 * DEEP_WIDTH : 1) * batch * DEEP_WIDTH;
    const weights = (i: number) => (i % 3 === 0 ? DEEP_WIDTH * DEEP_WIDTH * 4 : i % 3 === 1 ? DEEP_WIDTH * 4 : 0);
    let headFlops = 0;
    let paramBytes = 0;
    points.forEach((p, i) => {
      headFlops += flops(i);
      paramBytes += weights(i);
      assert.deepEqual(p, {
        tensors: [`l${i}`],
        bytes: activation,
        afterNode: `l${i}`,
        headLayers: i + 1,
        headFlops,
        tailFlops: a.totals.flops - headFlops,
        headParamBytes: paramBytes,
        // A layer's input and output are live together, nothing else.
        headPeakActivationBytes: 2 * activation,
      });
    });
  });
});
