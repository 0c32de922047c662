import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { inferShapes } from '../../src/analysis/infer.js';
import { UnsupportedOpError } from '../../src/errors.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { differentiableAt } from '../../src/ops/op.js';
import { ALL_OPS, findOp, firstOpset, getOp } from '../../src/ops/registry.js';

/** The compiled test files of a folder under build/test, except this one, as one text. */
function testsOf(folder: string): string {
  const dir = fileURLToPath(new URL(`../${folder}/`, import.meta.url));
  const self = fileURLToPath(import.meta.url);
  return readdirSync(dir).filter((f) => f.endsWith('.test.js') && `${dir}${f}` !== self).map((f) => readFileSync(`${dir}${f}`, 'utf8')).join('\n');
}

describe('op registry', () => {
  it('every rule with a differentiable input has a gradient, and every gradient has a differentiable input', () => {
    const disagree = ALL_OPS.filter((d) => (d.differentiable ?? []).some(Boolean) !== (d.gradient !== undefined));
    assert.deepEqual(disagree.map((d) => `${d.opType} (since ${d.sinceVersion})`), []);
  });

  it('every op has a test under test/ops, and every gradient rule a finite-difference test under test/autodiff or test/passes', () => {
    const ops = testsOf('ops');
    const grads = `${testsOf('autodiff')}\n${testsOf('passes')}`;
    assert.deepEqual(ALL_OPS.filter((d) => !ops.includes(`'${d.opType}'`)).map((d) => d.opType), []);
    assert.deepEqual(ALL_OPS.filter((d) => d.gradient && !grads.includes(`'${d.opType}'`)).map((d) => d.opType), []);
  });

  it('a variadic op\'s last differentiable entry covers its further inputs', () => {
    const sum = findOp('', 'Sum', 13);
    assert.ok(sum && differentiableAt(sum, 5));
  });

  it('below an op\'s first opset there is no rule: getOp throws UnsupportedOpError, inference reports the node', () => {
    assert.equal(firstOpset('', 'Range'), 11);
    assert.equal(findOp('', 'Range', 10), undefined);
    assert.equal(findOp('', 'Range', 11)?.sinceVersion, 11);
    assert.throws(() => getOp('', 'Range', 10, 'r'), (e: unknown) => e instanceof UnsupportedOpError && e.opset === 10 && /Range \(node "r", opset 10\) has no rule before opset 11/.test(e.message));
    assert.throws(() => getOp('', 'NoSuchOp', 17, 'n'), (e: unknown) => e instanceof UnsupportedOpError && /has no rule in cleave/.test(e.message));
    const b = new ModelBuilder({ opset: 10 });
    const start = b.constant('start', 'float32', [], [0]);
    b.output(b.node('Range', [start, b.constant('limit', 'float32', [], [4]), b.constant('delta', 'float32', [], [1])], {}, 'r'));
    const inf = inferShapes(graphFromModel(b.build()));
    assert.deepEqual(inf.issues.map((i) => [i.node, i.code]), [['r', 'UNSUPPORTED_OP']]);
  });
});
