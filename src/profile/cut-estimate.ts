import type { Analysis } from '../analysis/analyze.js';
import { describeCut } from '../analysis/cut-points.js';
import { resolveCut } from '../cut/extract.js';
import { type DeviceProfile, estimateNodeLatencyMs } from './device-profile.js';
import { opClassOf } from './op-class.js';

/** What one inference of a cut costs, estimated from the analysis and two device profiles. */
export interface CutEstimate {
  readonly tensors: readonly string[];
  /** bytes of the cut tensors at the analysed batch (fp32 unless the model says otherwise) */
  readonly payloadBytes: number;
  /** head on the edge device, roofline per node, ms */
  readonly headMs: number;
  /** tail on the server, ms */
  readonly tailMs: number;
  readonly headFlops: number;
  readonly tailFlops: number;
}

/**
 * Head and tail latency of a cut on two devices: each layer's roofline time (FLOPs against the
 * device's throughput for its op class, bytes against its memory bandwidth, times its
 * calibration), summed on each side. Folded nodes cost nothing.
 */
export function estimateCut(analysis: Analysis, tensors: readonly string[], edge: DeviceProfile, server: DeviceProfile): CutEstimate {
  const cut = resolveCut(analysis, tensors);
  const point = describeCut(analysis.dataflow, cut.head, cut.tensors, { flops: analysis.nodes.map((n) => n.flops) });
  let headMs = 0;
  let tailMs = 0;
  for (const n of analysis.nodes) {
    if (n.folded || !n.known) continue;
    const onEdge = cut.head.has(n.index);
    const ms = estimateNodeLatencyMs(n.flops, n.bytesRead + n.bytesWritten, opClassOf(n.opType), onEdge ? edge : server);
    if (onEdge) headMs += ms;
    else tailMs += ms;
  }
  return { tensors: point.tensors, payloadBytes: point.bytes, headMs, tailMs, headFlops: point.headFlops, tailFlops: point.tailFlops };
}
