/**
 * A model with exits as POPEX sees it: the backbone as a chain of layers, one per single-tensor
 * cut point (a layer is every node the cut's head adds to the previous cut's; the last runs to
 * the main output), each with its time on the edge and in the cloud and the bytes of its output;
 * and each exit after the layer whose output it reads, with its branch's time on the edge.
 * Node times come from the caller: roofline estimates from device profiles, or ORT's profiler.
 */
import { lookup } from '../checked.js';
import { analyze, type NodeRow } from '../analysis/analyze.js';
import { BadRequestError } from '../errors.js';
import { graphFromModel } from '../graph/graph.js';
import type { ModelProto } from '../onnx/types.js';
import { cutLatencies } from '../profile/cut-latency.js';
import { type DeviceProfile, estimateNodeLatencyMs } from '../profile/device-profile.js';
import { opClassOf } from '../profile/op-class.js';
import type { PopexLayer } from './popex.js';
import { backboneModel, type ExitStructure } from './structure.js';

/** Milliseconds of one node (of the analysis at batch 1) on a device. */
export type NodeTime = (node: NodeRow) => number;

/** An exit placed on the layer chain. */
export interface LayerExit {
  readonly output: string;
  /** the layer whose output it reads */
  readonly after: string;
  readonly edgeMs: number;
}

export interface ExitLayers {
  /** bytes of one input image (uploaded when the cut is "input") */
  readonly inputBytes: number;
  readonly layers: readonly PopexLayer[];
  /** in order of depth */
  readonly exits: readonly LayerExit[];
}

/** A node's roofline time on a device profile (nothing for nodes folded to constants or unknown). */
export function rooflineTime(device: DeviceProfile): NodeTime {
  return (n) => (n.folded || !n.known ? 0 : estimateNodeLatencyMs(n.flops, n.bytesRead + n.bytesWritten, opClassOf(n.opType), device));
}

/** The layer chain of a model with exits, timed by `edge` and `cloud` per node. */
export function exitLayers(model: ModelProto, structure: ExitStructure, edge: NodeTime, cloud: NodeTime): ExitLayers {
  // Bounds: sums gives one time per cut plus the whole backbone (cuts.length + 1 = layers.length entries), and cuts are single-tensor.
  const full = analyze(graphFromModel(model), { batch: 1 });
  const backbone = analyze(graphFromModel(backboneModel(model, structure)), { batch: 1 });
  const last = backbone.tensors.find((t) => t.name === structure.mainOutput);
  // The chain: single-tensor cuts with something after them, in order of their heads' size.
  const cuts = backbone.cutPoints.filter((c) => c.tensors.length === 1 && c.tensors[0] !== structure.mainOutput);
  const sums = (time: NodeTime) => {
    const ms = backbone.nodes.map(time);
    const heads = cutLatencies(backbone, ms, cuts).map((c) => c.headMs);
    return [...heads, ms.reduce((s, t) => s + t, 0)];
  };
  const edgeHeads = sums(edge);
  const cloudHeads = sums(cloud);
  const layers: PopexLayer[] = [...cuts.map((c) => c.tensors[0]!), structure.mainOutput].map((name, i) => ({
    name,
    edgeMs: Math.max(0, edgeHeads[i]! - (i ? edgeHeads[i - 1]! : 0)),
    cloudMs: Math.max(0, cloudHeads[i]! - (i ? cloudHeads[i - 1]! : 0)),
    outputBytes: i < cuts.length ? (cuts[i] as { bytes: number }).bytes : (last?.bytes ?? 0),
  }));
  const byName = new Map(full.nodes.map((n) => [n.name, n]));
  const names = new Set(layers.map((l) => l.name));
  const exits = structure.exits.map((e): LayerExit => {
    if (!names.has(e.at)) throw new BadRequestError(`exit "${e.output}" reads "${e.at}", which is no single-tensor cut point of the backbone; POPEX needs each exit after a layer of the chain`);
    const edgeMs = e.nodes.reduce((s, n) => s + edge(lookup(byName, n, 'node of an exit branch')), 0);
    return { output: e.output, after: e.at, edgeMs };
  });
  return { inputBytes: backbone.totals.inputBytes, layers, exits };
}
