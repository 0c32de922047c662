import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadModelError } from '../../src/errors.js';
import { decodeModel } from '../../src/onnx/codec.js';

/** The key and length that open a length-delimited protobuf field of `length` bytes. */
function header(num: number, length: number): Uint8Array {
  const out: number[] = [];
  for (const v of [(num << 3) | 2, length]) {
    let n = v;
    for (; n >= 0x80; n >>>= 7) out.push((n & 0x7f) | 0x80);
    out.push(n);
  }
  return Uint8Array.from(out);
}

/**
 * A ModelProto whose graph holds a node whose attribute holds a graph, `depth` times (as If and
 * Loop bodies nest): GraphProto.node = 1, NodeProto.attribute = 5, AttributeProto.g = 6, and
 * the innermost graph named "inner" (GraphProto.name = 2). Headers are built inside out and
 * joined once.
 */
function nestedModel(depth: number): Uint8Array {
  const inner = Buffer.concat([header(2, 5), Buffer.from('inner')]);
  const headers: Uint8Array[] = [];
  let length = inner.length;
  for (let i = 0; i < depth; i++) {
    for (const num of [6, 5, 1]) {
      const h = header(num, length);
      headers.push(h);
      length += h.length;
    }
  }
  const opset = Uint8Array.from([0x10, 17]); // OperatorSetIdProto.version = 17
  return Buffer.concat([header(7, length), ...headers.reverse(), inner, header(8, opset.length), opset]);
}

describe('decodeModel nesting', () => {
  it('decodes subgraphs nested 30 deep (90 messages)', () => {
    let g = decodeModel(nestedModel(30)).graph;
    for (let i = 0; i < 30; i++) g = g.node[0]!.attribute[0]!.g!;
    assert.equal(g.name, 'inner');
  });

  it('refuses 100,000 levels with a BadModelError naming the nesting, not a stack overflow', () => {
    assert.throws(() => decodeModel(nestedModel(100_000), 'deep.onnx'), (e: unknown) => e instanceof BadModelError && /deep\.onnx nests messages .* more than 100 levels deep/.test(e.message));
  });
});
