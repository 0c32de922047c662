/**
 * Exit configurations straight from a model that holds its exits (`cleave exits add`, `train`,
 * `calibrate`): no statistics file in between.
 *
 * - The sweep runs on the backbone (the model without its branches): its cut points, costs and
 *   accuracy are the plain model's, and a branch's tensor does not cross every later cut.
 * - Each branch's cost is counted from the analysis of the model with exits: its nodes beyond
 *   the backbone give the FLOPs, the bytes moved and the op class of the heaviest node (its
 *   time on each device by roofline); its weights and BatchNormalization statistics give the
 *   edge memory.
 * - Its per-sample behaviour is measured through the real numerics: the model with exits runs
 *   in ONNX Runtime one image at a time (as the edge client runs its head) over the same images,
 *   in the same order, as measure.ts's accuracy, so the accuracy of every (cut, codec, exits)
 *   is counted per image and is `measured`.
 */
import type { Analysis } from '../analysis/analyze.js';
import { analyze } from '../analysis/analyze.js';
import type { ImageDataset } from '../data/image-dataset.js';
import { BadRequestError } from '../errors.js';
import { exitLogits } from '../exits/exit-logits.js';
import { sliceImages } from '../data/image-dataset.js';
import { type ExitPolicy, sampleMatrix } from '../exits/policy.js';
import { backboneModel, type ExitStructure, exitStructure, hasExits } from '../exits/structure.js';
import { graphFromModel } from '../graph/graph.js';
import type { ModelProto } from '../onnx/types.js';
import { opClassOf } from '../profile/op-class.js';
import type { ExitBranch, ExitStatistics } from './exit-option.js';

/** The model a plan sweeps, and its exits when it has any. */
export interface PlannedModel {
  /** the backbone when the model has exits, else the model itself */
  readonly model: ModelProto;
  /** the model as given, its exits and their branches' costs (undefined without exits) */
  readonly exits?: { readonly model: ModelProto; readonly structure: ExitStructure; readonly branches: readonly ExitBranch[] };
}

/** Each exit's branch as the sweep costs it, counted from the analysis of the model with exits. */
export function exitBranches(analysis: Analysis, structure: ExitStructure): ExitBranch[] {
  const bytes = new Map(analysis.tensors.map((t) => [t.name, t.bytes]));
  return structure.exits.map((e) => {
    const own = new Set(e.nodes);
    const rows = analysis.nodes.filter((n) => own.has(n.name));
    if (rows.length === 0) throw new BadRequestError(`exit "${e.output}" has no node of its own beyond the backbone`);
    const heaviest = rows.reduce((a, b) => (b.flops > a.flops ? b : a));
    return {
      name: e.output,
      after: e.at,
      flops: rows.reduce((s, n) => s + n.flops, 0),
      bytes: rows.reduce((s, n) => s + n.bytesRead + n.bytesWritten, 0),
      opClass: opClassOf(heaviest.opType),
      paramBytes: [...e.params, ...e.buffers].reduce((s, t) => s + (bytes.get(t) ?? 0), 0),
    };
  });
}

/** The model a plan sweeps: a model with exits is planned on its backbone, its exits kept aside. */
export function plannedModel(model: ModelProto): PlannedModel {
  if (!hasExits(model)) return { model };
  const structure = exitStructure(model);
  const branches = exitBranches(analyze(graphFromModel(model), { batch: 1 }), structure);
  return { model: backboneModel(model, structure), exits: { model, structure, branches } };
}

export interface ExitMeasureOptions {
  /** the first `images` images of the data (default all), as measure.ts takes them */
  readonly images?: number;
  /** confidence: max softmax, or minus the entropy (default max-softmax) */
  readonly policy?: ExitPolicy;
  readonly threads?: number;
}

/**
 * Per image, each exit's confidence and correctness and the main output's correctness, on the
 * first `images` images of `data` (unnormalised pixels, as the edge client feeds them).
 */
export async function measureExitStatistics(planned: PlannedModel, data: ImageDataset, o: ExitMeasureOptions = {}): Promise<ExitStatistics> {
  const exits = planned.exits;
  if (!exits) throw new BadRequestError('the model has no exits to measure; add them with `cleave exits add`');
  const count = Math.min(o.images ?? data.count, data.count);
  if (count < 1) throw new BadRequestError('no image to measure the exits on');
  const logits = await exitLogits(exits.model, sliceImages(data, 0, count), { batch: 1, mainOutput: exits.structure.mainOutput, ...(o.threads !== undefined ? { threads: o.threads } : {}) });
  return { ...sampleMatrix(logits.exits, logits.main, o.policy ?? 'max-softmax'), branches: exits.branches };
}
