/**
 * The places a model can be split, for the sweep: every cut point of the analysis (multi-tensor
 * ones with `maxTensors`), plus "remote" (the inputs cross: everything on the server) and
 * "local" (nothing crosses: everything on the edge).
 */
import type { Analysis } from '../analysis/analyze.js';
import { BitSet } from '../analysis/bitset.js';
import { describeCut } from '../analysis/cut-points.js';
import { headFor } from '../analysis/dataflow.js';
import type { Placement } from './configuration.js';

/** One candidate split. */
export interface CutCandidate {
  readonly placement: Placement;
  /** the tensors that cross: the inputs (remote), the cut tensors (split), the outputs (local) */
  readonly tensors: readonly string[];
  /** shape of each crossing tensor at the analysed batch (empty when local) */
  readonly shapes: readonly (readonly number[])[];
  /** float32 elements that cross (0 when local) */
  readonly elements: number;
  /** the nodes that run on the edge */
  readonly head: BitSet;
  /** peak live activation bytes while the head runs (the input itself when remote) */
  readonly headPeakActivationBytes: number;
}

/** remote, then the analysis's cut points in its order, then local. */
export function cutCandidates(analysis: Analysis, placements: readonly Placement[] = ['local', 'remote', 'split']): CutCandidate[] {
  const flow = analysis.dataflow;
  const { graph } = flow;
  const shapeOf = (t: string): readonly number[] => analysis.inference.tensors.get(t)?.shape ?? [];
  const numel = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
  const make = (placement: Placement, tensors: readonly string[], head: BitSet, peak: number, crossing: boolean): CutCandidate => {
    const shapes = crossing ? tensors.map(shapeOf) : [];
    return { placement, tensors, shapes, elements: shapes.reduce((s, x) => s + numel(x), 0), head, headPeakActivationBytes: peak };
  };
  const out: CutCandidate[] = [];
  if (placements.includes('remote')) {
    const inputs = graph.inputs.map((v) => v.name).filter((n) => flow.dataTensors.has(n));
    out.push(make('remote', inputs, new BitSet(graph.nodes.length), analysis.totals.inputBytes, true));
  }
  if (placements.includes('split')) {
    for (const c of analysis.cutPoints) out.push(make('split', c.tensors, headFor(flow, c.tensors), c.headPeakActivationBytes, true));
  }
  if (placements.includes('local')) {
    const all = new BitSet(graph.nodes.length);
    graph.nodes.forEach((_, i) => all.add(i));
    const outputs = graph.outputs.map((o) => o.name);
    const whole = describeCut(flow, all, outputs, { flops: analysis.nodes.map((n) => n.flops) });
    out.push(make('local', outputs, all, whole.headPeakActivationBytes, false));
  }
  return out;
}

/** Does the head of `cut` compute `tensor` (so that an exit reading it runs on the edge)? */
export function headComputes(analysis: Analysis, cut: CutCandidate, tensor: string): boolean {
  const p = analysis.dataflow.graph.producer.get(tensor);
  return p !== undefined && cut.head.has(p);
}
