/**
 * Where exits can go and where K of them go by default. An exit reads one tensor that alone
 * separates the model (a single-tensor cut point, so the exit can run at the cut before the
 * upload) and is a float map [N, C, H, W] or vector [N, F]. Not a tensor whose only reader is a
 * BatchNormalization: ONNX Runtime folds that BN into the convolution before it, and a second
 * reader stops the folding and changes the backbone's rounding (up to 1e-5 measured on
 * MobileNetV2); the BN's output serves as well, since a branch's own first layer (its BN, or
 * its conv) can absorb the per-channel affine map. Placement by cumulative FLOPs:
 * exit i (of K) near F (i+1)/(K+1) ("linear") or F (1 - 0.8^(i+1)) ("pareto").
 */
import type { Analysis } from '../analysis/analyze.js';
import { singleCutHeadSums } from '../analysis/cut-index.js';
import { BadRequestError } from '../errors.js';

/** A tensor an exit can read. */
export interface ExitSite {
  readonly tensor: string;
  /** per-sample shape: [C, H, W] for a map, [F] for a vector */
  readonly shape: readonly number[];
  /** FLOPs of everything the tensor depends on (the head of its cut) */
  readonly headFlops: number;
  /** multiply-accumulates of the head: sites with equal MACs differ only by cheap ops (activation, pooling, norm) */
  readonly headMacs: number;
}

/** Explicit tensors, or K exits placed by cumulative FLOPs. */
export type ExitPlacement =
  | { readonly at: readonly string[] }
  | { readonly count: number; readonly placement: 'linear' | 'pareto' };

/** At most this many exits on one model. */
export const MAX_EXITS = 32;

/** Every tensor an exit can read, in order of depth (head FLOPs, then topological order). */
export function exitSites(analysis: Analysis): ExitSite[] {
  const { graph } = analysis.dataflow;
  const macs = singleCutHeadSums(analysis.dataflow, analysis.nodes.map((n) => n.macs));
  const sites: (ExitSite & { readonly order: number })[] = [];
  for (const cut of analysis.cutPoints) {
    if (cut.tensors.length !== 1) continue;
    const tensor = cut.tensors[0]!; // a single-tensor cut has one tensor
    const producer = graph.producer.get(tensor);
    if (unfit(analysis, tensor) !== undefined || producer === undefined) continue;
    sites.push({ tensor, shape: (analysis.inference.tensors.get(tensor)?.shape ?? []).slice(1), headFlops: cut.headFlops, headMacs: macs.get(tensor) ?? 0, order: producer });
  }
  sites.sort((a, b) => a.headFlops - b.headFlops || a.order - b.order);
  return sites.map(({ tensor, shape, headFlops, headMacs }) => ({ tensor, shape, headFlops, headMacs }));
}

/** Why a single-tensor cut point cannot feed an exit, or undefined when it can. */
function unfit(analysis: Analysis, tensor: string): string | undefined {
  // Bounds: readers[0] is read only when there is one reader, a node index of the graph.
  const { graph, inference, layerConsumers } = analysis.dataflow;
  const info = inference.tensors.get(tensor);
  if (!info || info.dtype !== 'float32' || (info.shape.length !== 2 && info.shape.length !== 4)) {
    return `is ${info ? `a ${info.dtype} [${info.shape.join(', ')}] tensor` : 'a tensor of unknown shape'}, not a float [N, C, H, W] map or [N, F] vector`;
  }
  const readers = layerConsumers.get(tensor) ?? [];
  const bn = readers.length === 1 ? graph.nodes[readers[0]!] : undefined;
  if (bn?.opType === 'BatchNormalization') {
    return `is read only by BatchNormalization "${graph.nodeNames[readers[0]!]}", which ONNX Runtime folds into the layer before unless something else reads "${tensor}"; put the exit on its output "${bn.output[0]}"`;
  }
  return undefined;
}

/** The cumulative-FLOP targets of `count` exits on a model of `totalFlops`. */
export function placementTargets(totalFlops: number, count: number, placement: 'linear' | 'pareto'): number[] {
  return Array.from({ length: count }, (_, i) => (placement === 'linear' ? (totalFlops * (i + 1)) / (count + 1) : totalFlops * (1 - 0.8 ** (i + 1))));
}

/** "a", "b", ... and how many more, for error messages listing sites. */
function listSites(sites: readonly ExitSite[]): string {
  const shown = sites.slice(0, 40).map((s) => `${s.tensor} [${s.shape.join('x')}]`);
  return `${shown.join(', ')}${sites.length > shown.length ? `, and ${sites.length - shown.length} more (see \`cleave analyze\`)` : ''}`;
}

/**
 * The sites of the exits, in order of depth. Placed exits snap to the nearest layer end: sites
 * whose heads have the same MACs (a conv's output, its activation, its pooling) are one layer,
 * and the exit reads the layer's last tensor, as BranchyNet's branches follow conv + ReLU +
 * pool; no two exits share a layer, and each comes after the one before.
 */
export function placeExits(analysis: Analysis, where: ExitPlacement): ExitSite[] {
  // Bounds: from <= best, k <= to < layerEnds.length, since at least count layer ends exist (checked) and each pick leaves room for the rest.
  const sites = exitSites(analysis);
  if ('at' in where) {
    if (where.at.length === 0 || where.at.length > MAX_EXITS) throw new BadRequestError(`give 1 to ${MAX_EXITS} tensors for exits, got ${where.at.length}`);
    const chosen = where.at.map((t, i) => {
      if (where.at.indexOf(t) !== i) throw new BadRequestError(`tensor "${t}" is listed twice`);
      const site = sites.find((s) => s.tensor === t);
      if (site) return site;
      const known = analysis.tensors.some((r) => r.name === t);
      const cut = analysis.cutPoints.some((c) => c.tensors.length === 1 && c.tensors[0] === t);
      const why = !known ? 'is no tensor of the model' : cut ? unfit(analysis, t) : 'is not a single-tensor cut point (other tensors cross the cut there too)';
      throw new BadRequestError(`an exit cannot read "${t}": it ${why}. Tensors that would work: ${listSites(sites)}`);
    });
    return sites.filter((s) => chosen.includes(s));
  }
  const { count, placement } = where;
  if (!Number.isInteger(count) || count < 1 || count > MAX_EXITS) throw new BadRequestError(`the exit count must be an integer from 1 to ${MAX_EXITS}, got ${count}`);
  if (placement !== 'linear' && placement !== 'pareto') throw new BadRequestError(`placement must be "linear" or "pareto", got "${String(placement)}"`);
  // One candidate per layer: the last site of each run with equal head MACs.
  const layerEnds = sites.filter((s, i) => (sites[i + 1]?.headMacs ?? Infinity) !== s.headMacs);
  if (layerEnds.length < count) {
    throw new BadRequestError(`the model has ${layerEnds.length} layer${layerEnds.length === 1 ? '' : 's'} an exit can follow, fewer than the ${count} asked for; give fewer exits or name tensors. Tensors that would work: ${listSites(sites)}`);
  }
  const picked: number[] = [];
  placementTargets(analysis.totals.flops, count, placement).forEach((target, i) => {
    // Leave room for the exits still to place after this one.
    const from = picked.length ? picked[picked.length - 1]! + 1 : 0;
    const to = layerEnds.length - (count - i);
    let best = from;
    for (let k = from + 1; k <= to; k++) {
      if (Math.abs(layerEnds[k]!.headFlops - target) < Math.abs(layerEnds[best]!.headFlops - target)) best = k;
    }
    picked.push(best);
  });
  return picked.map((k) => layerEnds[k]!);
}
