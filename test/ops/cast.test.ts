import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inferShapes } from '../../src/analysis/infer.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { matchesOrt } from '../../test-support/tensor-op-check.js';

const FLOAT = 1;
const INT32 = 6;
const INT64 = 7;
const BOOL = 9;
const DOUBLE = 11;

describe('Cast', () => {
  it('Cast: the `to` type and the input shape, as ORT; data movement only', async () => {
    const r = await matchesOrt('Cast', [{ shape: [2, 3] }], { to: INT64 }, { opset: 9 });
    assert.equal(r.inferred[0]?.dtype, 'int64');
    assert.equal(r.cost.flops, 0);
    assert.equal(r.cost.bytesWritten, 6 * 8);
    await matchesOrt('Cast', [{ dtype: 'int64', shape: [4] }], { to: FLOAT }, { opset: 13 });
  });

  it('Cast: folds float -> int (truncation), int -> float, -> bool, int64 -> int32 like ORT', async () => {
    await matchesOrt('Cast', [{ shape: [4], value: [1.7, -1.7, 2.5, -0.2] }], { to: INT64 }, { opset: 13 });
    await matchesOrt('Cast', [{ dtype: 'int64', shape: [3], value: [224, -1, 3] }], { to: FLOAT }, { opset: 13 });
    await matchesOrt('Cast', [{ dtype: 'int64', shape: [3], value: [0, 5, -2] }], { to: BOOL }, { opset: 19 });
    await matchesOrt('Cast', [{ dtype: 'int64', shape: [2], value: [2 ** 33 + 5, -7] }], { to: INT32 }, { opset: 13 });
    await matchesOrt('Cast', [{ shape: [2], value: [0.1, 3] }], { to: DOUBLE }, { opset: 9 });
  });

  it('Cast: opset < 6 names the type as a string', () => {
    const b = new ModelBuilder({ opset: 5 });
    const y = b.node('Cast', [b.constant('c', 'float32', [2], [1.5, -2.5])], { to: 'INT64' });
    b.output(y);
    const inf = inferShapes(graphFromModel(b.build()));
    assert.deepEqual(inf.issues, []);
    assert.equal(inf.tensors.get(y)?.dtype, 'int64');
    assert.deepEqual(Array.from(inf.tensors.get(y)?.value?.data ?? []), [1, -2]);
  });
});
