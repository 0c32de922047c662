import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadModelError } from '../../src/errors.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { Random } from '../../src/graph/random.js';
import type { NodeProto } from '../../src/onnx/types.js';
import { chainModel, randomDagModel } from '../../test-support/deep-graphs.js';

/** The order by its definition: repeatedly, the first node in the file whose inputs are all available. */
function firstReadyOrder(nodes: readonly NodeProto[], available: Iterable<string>): NodeProto[] {
  const have = new Set(available);
  const left = [...nodes];
  const order: NodeProto[] = [];
  while (left.length) {
    const k = left.findIndex((n) => n.input.every((t) => !t || have.has(t)));
    const [node] = left.splice(k, 1) as [NodeProto];
    order.push(node);
    for (const o of node.output) have.add(o);
  }
  return order;
}

describe('graphFromModel', () => {
  it('orders nodes topologically, the first ready node in the file first, on shuffled random DAGs', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rng = new Random(seed);
      const model = randomDagModel(rng, 10 + rng.int(80));
      rng.shuffle(model.graph.node);
      const g = model.graph;
      const expected = firstReadyOrder(g.node, [...g.input.map((v) => v.name), ...g.initializer.map((t) => t.name)]);
      assert.deepEqual(graphFromModel(model).nodes.map((n) => n.name), expected.map((n) => n.name), `seed ${seed}`);
    }
  });

  it('sorts a 20,000-node chain listed backwards, and indexes producers and readers', () => {
    const n = 20_000;
    const model = chainModel(n);
    model.graph.node.reverse();
    const g = graphFromModel(model);
    assert.deepEqual(g.nodes.map((x) => x.name), Array.from({ length: n }, (_, i) => `l${i}`));
    assert.equal(g.producer.get(`l${n - 1}`), n - 1);
    assert.deepEqual(g.consumers.get('l0'), [1]);
  });

  it('a cycle is a BadModelError', () => {
    const model = chainModel(3);
    model.graph.node[0]!.input[0] = 'l2';
    assert.throws(() => graphFromModel(model), BadModelError);
  });
});
