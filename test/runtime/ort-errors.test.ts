import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { EXIT } from '../../src/cli/exit-codes.js';
import { BadModelError, BadRequestError, fromAllocationFailure, TooLargeError, UnsupportedOpError } from '../../src/errors.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { writeModel } from '../../src/onnx/model-file.js';
import { ortReason } from '../../src/runtime/ort-errors.js';
import { Session } from '../../src/runtime/session.js';
import { checkTensorSizes } from '../../src/runtime/size-limit.js';

const CLEAVE = fileURLToPath(new URL('../../../bin/cleave.js', import.meta.url));

/** x [1, 4] -> Relu -> + ReduceSum(ConstantOfShape(shape)): ORT allocates prod(shape) floats. */
function constantOfShape(shape: readonly number[], fromInput = false) {
  const b = new ModelBuilder({ opset: 17 });
  const x = b.input('x', 'float32', [1, 4]);
  const s = fromInput ? b.input('shape', 'int64', [shape.length]) : b.ints('shape', shape);
  const big = b.node('ReduceSum', [b.node('ConstantOfShape', [s], {}, 'cos')], { keepdims: 0 }, 'total');
  b.output(b.node('Relu', [b.node('Add', [b.node('Relu', [x], {}, 'relu'), big], {}, 'add')], {}, 'out'));
  return b.build();
}

async function rejectsWith(p: Promise<unknown>, cls: new (...a: never[]) => Error, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof cls && message.test(e.message) && !/onnxruntime_src/.test(e.message));
}

describe('ONNX Runtime failures as cleave errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cleave-ort-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('load: a kernel ORT lacks is an unsupported op, an invalid graph a bad model; source paths are cut', async () => {
    const b = new ModelBuilder({ opset: 1 });
    b.output(b.node('Relu', [b.input('x', 'float32', [2])], {}, 'r1'));
    await rejectsWith(Session.fromModel(b.build()), UnsupportedOpError, /operator Relu \(node "r1", opset 1\) has no kernel in ONNX Runtime/);
    const c = new ModelBuilder({ opset: 9 });
    const x = c.input('x', 'float32', [2]);
    c.output(c.node('Equal', [x, x], {}, 'eq'), 'bool');
    await rejectsWith(Session.fromModel(c.build()), BadModelError, /^ONNX Runtime cannot load the model: .*Equal/);
    const opset = new ModelBuilder({ opset: 30 });
    opset.output(opset.node('Relu', [opset.input('x', 'float32', [2])]));
    await rejectsWith(Session.fromModel(opset.build()), BadModelError, /^ONNX Runtime cannot load the model: ONNX Runtime only \*guarantees\* support/);
  });

  it('run: an allocation ORT cannot make is too large, a failing node a bad model, wrong feeds a bad request', async () => {
    const s = await Session.fromModel(constantOfShape([0, 0], true));
    const x = { dtype: 'float32' as const, dims: [1, 4], data: new Float32Array(4) };
    const shape = (dims: number[]) => ({ dtype: 'int64' as const, dims: [dims.length], data: BigInt64Array.from(dims.map(BigInt)) });
    try {
      await rejectsWith(s.run({ x, shape: shape([1e6, 1e6]) }), TooLargeError, /ran out of memory running the model \(.*ConstantOfShape.*Failed to allocate memory/);
      await rejectsWith(s.run({ x, shape: shape([-3, 2]) }), BadModelError, /^ONNX Runtime failed running node "cos" \(ConstantOfShape\)/);
      await rejectsWith(s.run({ x: { ...x, dims: [2, 2] }, shape: shape([2, 2]) }), BadRequestError, /refused the inputs: Got invalid dimensions for input: x/);
      assert.ok((await s.run({ x, shape: shape([3, 2]) })).out);
    } finally {
      await s.release();
    }
  });

  it('ortReason drops C++ positions and signatures, nested parentheses and all', () => {
    assert.equal(ortReason("/onnxruntime_src/onnxruntime/core/framework/bfc_arena.cc:360 void* onnxruntime::BFCArena::AllocateRawInternal(size_t, bool, onnxruntime::Stream*) Failed to allocate memory for requested buffer of size 40"), 'Failed to allocate memory for requested buffer of size 40');
    assert.equal(ortReason("Non-zero status. Status Message: /onnxruntime_src/a/b.cc:1 int f(std::map<int, g(x)>&) const Bad thing\n"), 'Non-zero status. Status Message: Bad thing');
    assert.equal(ortReason('plain message'), 'plain message');
  });

  it('the engine\'s own allocation failures become too large; other errors stay as they are', () => {
    assert.ok(fromAllocationFailure(new RangeError('Invalid typed array length: 17179869184')) instanceof TooLargeError);
    assert.ok(fromAllocationFailure(new RangeError('Array buffer allocation failed')) instanceof TooLargeError);
    const other = new RangeError('Maximum call stack size exceeded');
    assert.equal(fromAllocationFailure(other), other);
  });

  it('the per-tensor limit names the tensor, its size and the flag', () => {
    assert.throws(() => checkTensorSizes([['x', { dtype: 'float32', shape: [1, 1, 32768, 32768] }]], 2 ** 30, 'cutting'), (e: unknown) => e instanceof TooLargeError && /cutting: tensor "x" of shape \[1, 1, 32768, 32768\] \(float32\) would take 4.0 GiB, over the 1.0 GiB limit.*--max-tensor-bytes/.test(e.message));
    checkTensorSizes([['x', { dtype: 'float32', shape: [1, 1, 16384, 16384] }]], 2 ** 30, 'cutting');
  });

  it('the CLI: ORT\'s own log stays quiet unless CLEAVE_ORT_LOG asks; the failure is one line with its exit code', () => {
    const model = join(dir, 'cos.onnx');
    writeModel(model, constantOfShape([1000000, 1000000]));
    const args = [CLEAVE, 'cut', model, '--at', 'relu', '-o', join(dir, 'out'), '--max-tensor-bytes', '100000GB'];
    const quiet = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, CLEAVE_ORT_LOG: '' } });
    assert.equal(quiet.status, EXIT.TOO_LARGE, quiet.stderr);
    assert.equal(quiet.stderr.trim().split('\n').length, 1, quiet.stderr);
    assert.match(quiet.stderr, /^cleave cut: ONNX Runtime ran out of memory running the model/);
    assert.doesNotMatch(quiet.stderr, /\x1b\[|please report/);
    const loud = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, CLEAVE_ORT_LOG: 'error' } });
    assert.equal(loud.status, EXIT.TOO_LARGE);
    assert.match(loud.stderr, /\[E:onnxruntime/);
    // Without the raised limit the declared size refuses it before ORT allocates anything.
    const refused = spawnSync(process.execPath, args.slice(0, -2), { encoding: 'utf8' });
    assert.equal(refused.status, EXIT.TOO_LARGE);
    assert.match(refused.stderr, /tensor "cos" of shape \[1000000, 1000000\] \(float32\) would take 3725.3 GiB, over the 1.0 GiB limit/);
  });
});
