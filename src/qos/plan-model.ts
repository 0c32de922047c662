/**
 * `cleave plan` as one library call: a model (with its exits, if it holds any) and what to
 * sweep it over, to the sweep's result and plan.json. The steps: the planned model (the
 * backbone of a model with exits, model-exits.ts); its cut candidates; accuracy measured on
 * held-out images (measure.ts; the exits' per-sample figures and each sparse model's accuracy
 * on the same images) or predicted; the exit configurations and sparsity variants; the sweep,
 * front and recommendation (plan.ts); the document (plan-file.ts).
 */
import { analyze } from '../analysis/analyze.js';
import { type CodecSpec, codecLabel } from '../compress/codec.js';
import type { ImageDataset } from '../data/image-dataset.js';
import { BadRequestError } from '../errors.js';
import { checkTaus, DEFAULT_TAUS, type ExitPolicy, thresholdOf } from '../exits/policy.js';
import { type SamplesProvenance, samplesMismatch } from '../exits/samples-provenance.js';
import { graphFromModel } from '../graph/graph.js';
import type { Normalisation } from '../image/transform.js';
import type { ModelProto } from '../onnx/types.js';
import { type CutAccuracy, predictAccuracy, type SaliencyScores } from './accuracy.js';
import { cutCandidates } from './candidates.js';
import { DEFAULT_CODECS } from './codec-model.js';
import { checkBranches, type ExitOption, exitOptions, NO_EXITS } from './exit-option.js';
import type { ParsedExitStatistics } from './inputs.js';
import { measureAccuracy } from './measure.js';
import { measureExitStatistics, type PlannedModel, plannedModel } from './model-exits.js';
import { makePlan, type PlanOptions, type PlanResult } from './plan.js';
import { type ExitsFileRecord, type PlanContext, type PlanDocument, planDocument } from './plan-file.js';
import { checkRequirements } from './requirements.js';
import { measureSparseVariant, sparseModelVariant, withMeasuredDelta } from './sparse-model-variant.js';
import { DENSE, type SparsityVariant } from './sparsity-variant.js';

/** What to plan: the model file as read (plan.json records its path and the SHA-256 of its bytes), the profiles and load, and what to sweep. */
export interface PlanModelInput extends PlanOptions, Pick<PlanContext, 'modelPath' | 'modelBytes' | 'server' | 'devices' | 'networks' | 'load'> {
  readonly model: ModelProto;
  /** default: DEFAULT_CODECS */
  readonly codecs?: readonly CodecSpec[];
  /** also cuts where up to this many tensors cross (default 1) */
  readonly maxTensors?: number;
  /**
   * exit statistics from a file (not with a model that holds exits: those are measured); their
   * per-sample figures count as measured only when their provenance is `data`'s images
   */
  readonly exitStatistics?: ParsedExitStatistics & { readonly source: string };
  /** with a model that holds exits: the policy and the thresholds swept (default max-softmax, DEFAULT_TAUS) */
  readonly exitPolicy?: ExitPolicy;
  readonly taus?: readonly number[];
  /** sparsity variants described (JSON), and sparse models made from the model, each with its label */
  readonly variants?: readonly SparsityVariant[];
  /** sha256: of the file's bytes, recorded with the variant so deploy finds the same model */
  readonly sparseModels?: readonly { readonly label: string; readonly model: ModelProto; readonly source: string; readonly sha256?: string }[];
  /**
   * held-out images to measure accuracy on (the first `count` of them), the name plan.json
   * records, the split they are from (default "test"), and the index in that split of the
   * first of them (default 0)
   */
  readonly data?: { readonly name: string; readonly images: ImageDataset; readonly count?: number; readonly split?: string; readonly from?: number };
  readonly normalisation?: Normalisation;
  readonly threads?: number;
  /** without data: I-SPLIT scores (and the file they came from) and the uncut model's accuracy */
  readonly saliency?: { readonly scores: SaliencyScores; readonly source: string };
  readonly baseAccuracy?: number;
  /** write the nearest plan when none is feasible */
  readonly bestEffort?: boolean;
  /** progress of the accuracy measurement: cuts done, cuts in all */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface PlannedResult {
  readonly planned: PlannedModel;
  readonly result: PlanResult;
  /** undefined when no configuration is feasible and `bestEffort` is off */
  readonly doc: PlanDocument | undefined;
}

const unique = <T>(xs: readonly T[], key: (x: T) => string): T[] => xs.filter((x, i) => xs.findIndex((y) => key(y) === key(x)) === i);

const withoutPerSample = ({ perSample: _, ...rest }: ExitOption): ExitOption => rest;

/**
 * What plan.json says of an exit statistics file: where it is, which images its samples are of,
 * and whether its per-image figures are used (`measured`) or, with the reason in `note`, not.
 */
function exitsFileRecord(f: NonNullable<PlanModelInput['exitStatistics']>, data: PlanModelInput['data'], norm: Normalisation | undefined): ExitsFileRecord {
  const why = data?.count === undefined
    ? 'no held-out images were measured (no data): every figure is predicted'
    : samplesMismatch(f.provenance, { data: data.name, split: data.split ?? 'test', from: data.from ?? 0, count: data.count, normalisation: { mean: norm?.mean ?? [], std: norm?.std ?? [] } });
  return { file: f.source, source: why ? 'predicted' : 'measured', ...(f.provenance ? { provenance: f.provenance } : {}), ...(why ? { note: why } : {}) };
}

/**
 * Which test images of `data` a plan measures: the first `images` (all when undefined), or,
 * when an exit statistics file is of `data`'s test images prepared the same way and no other
 * count is asked for, exactly its images (`cleave exits evaluate` takes the evaluation half,
 * past the images calibration fitted on), so that its per-image figures count as measured.
 */
export function measuredImages(data: string, images: number | undefined, samples: SamplesProvenance | undefined, norm?: Normalisation): { from: number; count: number | undefined } {
  const same = samples !== undefined && (images === undefined || images === samples.count)
    && samplesMismatch(samples, { data, split: 'test', from: samples.from, count: samples.count, normalisation: { mean: norm?.mean ?? [], std: norm?.std ?? [] } }) === undefined;
  return same ? { from: samples.from, count: samples.count } : { from: 0, count: images };
}

/** Sweeps a model and makes its plan. */
export async function planModel(i: PlanModelInput): Promise<PlannedResult> {
  checkRequirements(i.requirements);
  if (i.data && (i.saliency || i.baseAccuracy !== undefined)) throw new BadRequestError('I-SPLIT scores and a base accuracy are for predicted accuracy; with data it is measured');
  const planned = plannedModel(i.model);
  const where = i.modelPath;
  if (planned.exits && i.exitStatistics) throw new BadRequestError(`${where} holds exits (${planned.exits.branches.map((b) => b.name).join(', ')}): with data they are measured from it; give no exit statistics, or plan the model without exits`);
  if (planned.exits && i.data && (i.normalisation?.mean?.length || i.normalisation?.std?.length)) throw new BadRequestError('the exits are measured on unnormalised pixels, as the edge client sends them: drop the normalisation, or put it in the model');
  if (!planned.exits && (i.taus !== undefined || (i.exitPolicy ?? 'max-softmax') !== 'max-softmax')) throw new BadRequestError(`exit thresholds and policies are for a model with exits; ${where} has none`);
  const analysis = analyze(graphFromModel(planned.model), { batch: 1, maxTensors: i.maxTensors ?? 1 });
  const cuts = cutCandidates(analysis);
  const codecs = i.codecs?.length ? unique(i.codecs, codecLabel) : DEFAULT_CODECS;
  if (i.exitStatistics) checkBranches(analysis, i.exitStatistics.stats.branches, i.exitStatistics.source);

  const sparse = i.sparseModels?.map((s) => sparseModelVariant(analysis, s.model, s.label, s.source, s.sha256)) ?? [];
  const variants = [...(i.variants ?? []), ...sparse.map((s) => s.variant)];
  variants.forEach((x, k) => {
    if (x.label === 'dense' || variants.findIndex((y) => y.label === x.label) !== k) throw new BadRequestError(`two sparsity variants are labelled "${x.label}" ('dense' is the model as it is); rename one`);
  });

  const own = new Map<string, CutAccuracy>();
  let accuracy: CutAccuracy;
  let exitStats = i.exitStatistics;
  if (i.data) {
    const o = { images: i.data.count ?? i.data.images.count, normalisation: i.normalisation, threads: i.threads };
    accuracy = await measureAccuracy(planned.model, analysis, cuts, codecs, i.data.images, { ...o, onProgress: i.onProgress });
    for (const s of sparse) {
      const a = await measureSparseVariant(s, cuts, codecs, i.data.images, o);
      own.set(s.variant.label, a);
      variants[variants.indexOf(s.variant)] = withMeasuredDelta(s.variant, a, accuracy);
    }
    if (planned.exits) {
      const policy = i.exitPolicy ?? 'max-softmax';
      const taus = checkTaus(policy, i.taus ?? DEFAULT_TAUS[policy]);
      const stats = await measureExitStatistics(planned, i.data.images, { images: o.images, policy, threads: i.threads });
      exitStats = { stats, thresholds: taus.map((t) => thresholdOf(policy, t)).sort((a, b) => a - b), source: i.data.name };
    }
  } else {
    accuracy = predictAccuracy(cuts, codecs, i.baseAccuracy ?? 1, i.saliency?.scores);
  }
  const fileExits = i.exitStatistics && exitsFileRecord(i.exitStatistics, i.data && accuracy.images !== undefined ? { ...i.data, count: accuracy.images } : undefined, i.normalisation);
  const options = exitStats ? exitOptions(exitStats.stats, exitStats.thresholds) : [NO_EXITS];
  // Statistics of other images than the measured ones are not per-image figures for them: drop
  // the per-sample decisions, so accuracy.ts combines the rates and labels the result predicted.
  const exits = fileExits?.note === undefined ? options : options.map(withoutPerSample);
  const all = [DENSE, ...variants];
  const { arrivals, ...load } = i.load;
  const result = makePlan(
    { analysis, cuts, codecs, exits, variants: all, variantAccuracy: all.map((x) => own.get(x.label)), devices: i.devices, networks: i.networks, server: i.server, load, accuracy },
    { requirements: i.requirements, simulateMax: i.simulateMax, frames: i.frames, arrivals, seed: i.seed, misses: i.misses },
  );
  const doc = planDocument(result, {
    modelPath: i.modelPath,
    modelBytes: i.modelBytes,
    modelName: analysis.model.name,
    inputs: cuts.find((c) => c.placement === 'remote')?.tensors ?? [],
    outputs: analysis.dataflow.graph.outputs.map((o) => o.name),
    server: i.server,
    devices: i.devices,
    networks: i.networks,
    load: i.load,
    requirements: i.requirements,
    accuracy: {
      source: accuracy.source,
      base: accuracy.base,
      ...(i.data ? { data: i.data.name, images: accuracy.images, ...(i.data.from ? { from: i.data.from } : {}) } : {}),
      ...(i.saliency ? { saliency: i.saliency.source } : {}),
      ...(fileExits ? { exits: fileExits } : {}),
    },
    maxTensors: i.maxTensors ?? 1,
    codecs,
    variants,
    exitConfigurations: exits.length,
  }, i.bestEffort ?? false);
  return { planned, result, doc };
}
