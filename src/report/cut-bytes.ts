/**
 * Bytes per cut along the network: what crosses each cut point of the model as it is (the
 * analysis, in the network's order) beside the fewest encoded bytes the plan found for that cut.
 */
import type { Analysis } from '../analysis/analyze.js';
import type { PlanDocument, PlanEntry } from '../qos/plan-file.js';
import { cutLabel, planEntries } from './plan-labels.js';

export interface CutBytesRow {
  /** the cut's tensors joined by '+', or (remote) */
  readonly label: string;
  /** bytes that cross as the model computes them (float32 activations: 4 per element); null without the model */
  readonly rawBytes: number | null;
  /** the smallest encoded payload per upload among the plan's configurations at this cut (null: none) */
  readonly planBytes: number | null;
  /** the codec that gives planBytes */
  readonly planCodec: string | null;
  /** a front member cuts here */
  readonly onFront: boolean;
  /** the recommended configuration cuts here */
  readonly recommended: boolean;
}

function smallestPayload(entries: readonly PlanEntry[], label: string): { bytes: number; codec: string } | null {
  let best: { bytes: number; codec: string } | null = null;
  for (const e of entries) {
    const b = e.breakdown.payloadBytes;
    if (cutLabel(e) === label && b !== null && (!best || b < best.bytes)) best = { bytes: b, codec: e.codec };
  }
  return best;
}

function row(doc: PlanDocument, entries: readonly PlanEntry[], label: string, rawBytes: number | null): CutBytesRow {
  const best = smallestPayload(entries, label);
  return {
    label,
    rawBytes,
    planBytes: best?.bytes ?? null,
    planCodec: best?.codec ?? null,
    onFront: doc.front.some((e) => cutLabel(e) === label),
    recommended: cutLabel(doc.recommended) === label,
  };
}

/**
 * With the model: remote (the input crosses), then every cut point of `analysis` in the
 * network's order (analysed at batch 1 with the plan's --max-tensors). Local sends nothing and
 * is left out.
 */
export function cutBytesAlongNetwork(doc: PlanDocument, analysis: Analysis): CutBytesRow[] {
  const entries = planEntries(doc);
  return [
    row(doc, entries, '(remote)', analysis.totals.inputBytes),
    ...analysis.cutPoints.map((c) => row(doc, entries, cutLabel({ placement: 'split', cut: c.tensors }), c.bytes)),
  ];
}

/** Without the model: the cuts the plan's configurations use, as the plan first names them (not the network's order). */
export function cutBytesInPlan(doc: PlanDocument): CutBytesRow[] {
  const entries = planEntries(doc);
  const labels = [...new Set(entries.filter((e) => e.placement !== 'local').map(cutLabel))];
  return labels.map((label) => row(doc, entries, label, null));
}
