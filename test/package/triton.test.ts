import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BadRequestError } from '../../src/errors.js';
import { ModelBuilder } from '../../src/graph/builder.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';
import { type PbMessage, parsePbtxt } from '../../src/package/pbtxt.js';
import { k8sName, writeTritonRepository } from '../../src/package/triton.js';
import { modelSignature } from '../../src/serve/metadata.js';
import { splitNet } from '../../test-support/serve/split-net.js';

const V2_TO_TRITON: Record<string, string> = { FP32: 'TYPE_FP32', INT64: 'TYPE_INT64', FP16: 'TYPE_FP16', UINT8: 'TYPE_UINT8', BOOL: 'TYPE_BOOL' };

function one(m: PbMessage, field: string): unknown {
  const v = m[field];
  assert.ok(v && v.length === 1, `field ${field} appears once`);
  return v[0];
}

describe('Triton export', () => {
  it('config.pbtxt parses back and matches the model signature; model.onnx is the tail', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleave-triton-'));
    try {
      const tail = splitNet('tail');
      const bytes = encodeModel(tail);
      const out = writeTritonRepository(dir, 'tail', tail, bytes, { maxBatchSize: 16, storageUri: 'gs://bucket/repo' });
      assert.deepEqual(out.files, ['tail/config.pbtxt', 'tail/1/model.onnx', 'inference-service.yaml']);
      const cfg = parsePbtxt(readFileSync(join(dir, 'tail', 'config.pbtxt'), 'utf8'));
      assert.equal(one(cfg, 'name'), 'tail');
      assert.equal(one(cfg, 'platform'), 'onnxruntime_onnx');
      assert.equal(one(cfg, 'max_batch_size'), 16);
      assert.deepEqual(cfg.dynamic_batching, [{}]);
      const sig = modelSignature(tail);
      for (const [field, metas] of [['input', sig.inputs], ['output', sig.outputs]] as const) {
        const list = cfg[field] as PbMessage[];
        assert.equal(list.length, metas.length);
        list.forEach((t, i) => {
          const m = metas[i];
          assert.ok(m);
          assert.equal(one(t, 'name'), m.name);
          assert.equal(one(t, 'data_type'), V2_TO_TRITON[m.datatype]);
          // max_batch_size > 0: Triton owns the batch dim, dims are the rest
          assert.equal(m.shape[0], -1);
          assert.deepEqual(t.dims, m.shape.slice(1));
        });
      }
      assert.deepEqual(readFileSync(join(dir, 'tail', '1', 'model.onnx')), Buffer.from(bytes));
      decodeModel(readFileSync(join(dir, 'tail', '1', 'model.onnx')));
      const yaml = readFileSync(join(dir, 'inference-service.yaml'), 'utf8');
      assert.match(yaml, /^apiVersion: serving.kserve.io\/v1beta1\nkind: InferenceService\n/);
      assert.match(yaml, /\n {6}protocolVersion: v2\n/);
      assert.match(yaml, /\n {6}storageUri: "gs:\/\/bucket\/repo"\n/);
      assert.match(yaml, /\n {2}name: tail\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a fixed batch dim needs max_batch_size 0, and then dims keep it', () => {
    const b = new ModelBuilder();
    const x = b.input('x', 'float32', [1, 4]);
    b.output(b.node('Relu', [x], {}, 'y'), 'float32', [1, 4]);
    const m = b.build();
    const dir = mkdtempSync(join(tmpdir(), 'cleave-triton-'));
    try {
      assert.throws(() => writeTritonRepository(dir, 'm', m, encodeModel(m)), /fixed first dim 1/);
      writeTritonRepository(dir, 'm', m, encodeModel(m), { maxBatchSize: 0 });
      const cfg = parsePbtxt(readFileSync(join(dir, 'm', 'config.pbtxt'), 'utf8'));
      assert.equal(one(cfg, 'max_batch_size'), 0);
      assert.deepEqual((cfg.input as PbMessage[])[0]?.dims, [1, 4]);
      assert.equal(cfg.dynamic_batching, undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pbtxt: comments, repeated fields, nested messages, escapes; errors say where', () => {
    const m = parsePbtxt('# c\nname: "a\\"b" # trailing\nv: 1\nv: 2.5\nflag: true\nsub { k: [ 1, -2 ] inner { e: KIND_CPU } }\nlist [ { x: 1 }, { x: 2 } ]');
    assert.deepEqual(m, { name: ['a"b'], v: [1, 2.5], flag: [true], sub: [{ k: [1, -2], inner: [{ e: ['KIND_CPU'] }] }], list: [{ x: [1] }, { x: [2] }] });
    assert.throws(() => parsePbtxt('name: "x'), /unterminated string/);
    assert.throws(() => parsePbtxt('sub { a: 1'), /missing "}"/);
    assert.throws(() => parsePbtxt('dims: [ 1 2 ]'), BadRequestError);
    assert.throws(() => parsePbtxt('= 3'), /unexpected character/);
  });

  it('k8sName makes DNS-1035 labels', () => {
    assert.equal(k8sName('Tail_Model.v2'), 'tail-model-v2');
    assert.equal(k8sName('9lives'), 'lives');
    assert.equal(k8sName('__'), 'cleave-tail');
  });
});
