import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../src/analysis/analyze.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { sparseNodeCounts } from '../../src/sparsity/counts.js';
import { sparsify } from '../../src/sparsity/sparsify.js';
import { junctionNet } from '../../test-support/sparsity/models.js';

/**
 * Hand count of junctionNet at density 1/2 (compact, batch 1). Every output of a Dey pattern
 * reads fi of its inputs, so MACs = outputs x fi x (weights per connection):
 *   c1  dense 3 -> 8, 6x6 out:        288 outputs x 27          = 7,776 MACs; + 288 bias adds; 216 + 8 params
 *   c2  8 -> 16, 3x3 out, fi = 4 ch:  144 outputs x 4 x 9       = 5,184 MACs;                  576 params
 *   fc1 144 -> 24, fi = 72:           24 x 72                   = 1,728 MACs; + 24 bias adds;  1,728 + 24 params
 *   fc2 24 -> 12 (MatMul), fi = 12:   12 x 12                   =   144 MACs;                  144 params
 *   fc3 12 -> 4, fi = 6, alpha/beta:  4 x 6                     =    24 MACs; + 3 x 4 (alpha, beta, add); 24 + 4 params
 */
const HAND = {
  c1: { macs: 7776, flops: 2 * 7776 + 288, params: 224 },
  c2: { macs: 5184, flops: 2 * 5184, params: 576 },
  fc1: { macs: 1728, flops: 2 * 1728 + 24, params: 1752 },
  fc2: { macs: 144, flops: 288, params: 144 },
  fc3: { macs: 24, flops: 48 + 12, params: 28 },
} as const;

describe('sparseNodeCounts (the analysis hook)', () => {
  const { model } = sparsify(junctionNet(), { density: 0.5, seed: 8 });
  const graph = graphFromModel(model);
  const analysis = analyze(graph, { nodeCounts: sparseNodeCounts(graph) });
  const row = (name: string) => analysis.nodes.find((n) => n.name === name)!;

  it('counts parameters, MACs and FLOPs of sparse layers from their nonzeros, equal to a hand count', () => {
    for (const [name, want] of Object.entries(HAND)) {
      const r = row(name);
      assert.deepEqual({ macs: r.macs, flops: r.flops, params: r.params }, want, name);
    }
    assert.equal(analysis.totals.params, 224 + 576 + 1752 + 144 + 28);
    // The expansion subgraphs are folded constants cleave has rules for: no issue, no extra layer.
    assert.deepEqual(analysis.issues, []);
    assert.equal(analysis.totals.layers, analyze(graphFromModel(junctionNet())).totals.layers);
  });

  it('counts the weight bytes read as the kept values plus the mask bits, and says so per node', () => {
    // c2 reads its input [1, 8, 6, 6] (1,152 bytes), 576 kept weights (2,304) and 128 mask bits (16).
    assert.equal(row('c2').bytesRead, 1152 + 2304 + 16);
    assert.match(row('c2').note ?? '', /sparse 1\/2 \(channel mask, compact\): 576 of 1152 weights/);
    assert.equal(row('c1').note, undefined);
  });

  it('the cut table\'s head FLOPs follow', () => {
    const cut = analysis.cutPoints.find((c) => c.tensors.join() === 'r2')!;
    const relus = 288 + 144;
    assert.equal(cut.headFlops, HAND.c1.flops + HAND.c2.flops + relus);
  });

  it('without the hook, the op rules count the dense MACs (what ORT runs after expanding the weight)', () => {
    const plain = analyze(graph);
    assert.equal(plain.nodes.find((n) => n.name === 'c2')!.macs, 2 * HAND.c2.macs);
  });

  it('structured layers keep their rule counts (already 1/G) and get a note', () => {
    const s = sparsify(junctionNet(), { density: 0.5, structured: true, seed: 8 }).model;
    const g = graphFromModel(s);
    const a = analyze(g, { nodeCounts: sparseNodeCounts(g) });
    const c2 = a.nodes.find((n) => n.name === 'c2')!;
    assert.equal(c2.macs, HAND.c2.macs);
    assert.equal(c2.params, 576);
    assert.match(c2.note ?? '', /structured, 2 groups/);
  });
});
