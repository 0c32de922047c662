import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeEmitter } from '../../src/autodiff/emitter.js';
import { ModelBuilder, valueInfo } from '../../src/graph/builder.js';

function base() {
  const b = new ModelBuilder({ opset: 13 });
  const x = b.input('x', 'float32', [2, 3]);
  b.output(b.node('Relu', [x], {}, 'y'));
  return b.build();
}

describe('nodeEmitter', () => {
  it('names avoid every name of the model and each other; constants and fills record their shapes', () => {
    const e = nodeEmitter(base());
    assert.equal(e.opset, 13);
    assert.equal(e.finalName('y'), 'y_1');
    assert.equal(e.emitOne('Neg', ['x'], 'x'), 'x_1');
    e.reserve('z');
    assert.deepEqual(e.emit('Split', ['x'], 2, 'z'), ['z_out0', 'z_out1']);
    const c = e.constant('x', 'int64', [2], [2, 3]);
    assert.equal(c, 'x_3', 'the Neg node took x_1 (its output) and x_2 (its name)');
    assert.deepEqual(e.shapes.get(c), { dtype: 'int64', shape: [2] });
    const f = e.fill('zeros', { dtype: 'float32', shape: [2, 3] }, 0);
    assert.deepEqual(e.shapes.get(f)?.shape, [2, 3]);
    assert.equal(e.sum([f], 'one'), f, 'a single contribution needs no Sum');
    assert.equal(e.nodes.filter((n) => n.opType === 'Sum').length, 0);
    const names = e.nodes.map((n) => n.name);
    assert.equal(new Set(names).size, names.length);
  });

  it('appendTo adds nodes, initializers and inputs after the model\'s; replaceIn swaps nodes in place', () => {
    const m = base();
    const e = nodeEmitter(m);
    const k = e.constant('k', 'float32', [], [2]);
    const doubled = e.emitOne('Mul', ['y', k], 'doubled');
    const out = e.appendTo(m, { extraInputs: [valueInfo('extra', 'float32', [1])], outputs: [valueInfo(doubled, 'float32', [2, 3])] });
    assert.deepEqual(out.graph.node.map((n) => n.opType), ['Relu', 'Mul']);
    assert.deepEqual(out.graph.input.map((v) => v.name), ['x', 'extra']);
    assert.deepEqual(out.graph.output.map((v) => v.name), [doubled]);
    assert.deepEqual(out.graph.initializer.map((t) => t.name), [k]);
    assert.equal(m.graph.node.length, 1, 'the model itself is unchanged');

    const relu = m.graph.node[0]!;
    const r = nodeEmitter(m);
    const swapped = r.capture(() => r.node('LeakyRelu', ['x'], ['y'], 'leaky'));
    assert.deepEqual(r.replaceIn(m, new Map([[relu, swapped]])).graph.node.map((n) => n.opType), ['LeakyRelu']);
  });
});
