import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelBuilder } from '../../src/graph/builder.js';
import { withoutDeadNodes } from '../../src/passes/dead-nodes.js';

describe('withoutDeadNodes', () => {
  it('drops nodes and initializers no output depends on, keeps the rest in order', () => {
    const b = new ModelBuilder({ seed: 1, opset: 17 });
    const x = b.input('x', 'float32', [1, 2]);
    const dead = b.node('Mul', [x, b.constant('k', 'float32', [], [2])], {}, 'dead');
    b.node('Relu', [dead], {}, 'dead2');
    b.output(b.node('Neg', [b.node('Relu', [x], {}, 'a')], {}, 'y'));
    const m = withoutDeadNodes({ model: b.build(), shapes: new Map() }).model;
    assert.deepEqual(m.graph.node.map((n) => n.output[0]), ['a', 'y']);
    assert.deepEqual(m.graph.initializer.map((t) => t.name), []);
  });
});
