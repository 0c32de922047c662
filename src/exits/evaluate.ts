/**
 * The exits' statistics on held-out images, clean and distorted (the exits issue, item 4): per
 * image condition, each exit's accuracy and mean confidence alone, and for each tau (the same on
 * every exit) the fraction leaving at each exit among the samples reaching it, the accuracy of
 * those answers and of the whole policy. The per-sample matrices behind them are the planner's
 * input (samplesFile).
 */
import type { ImageDataset } from '../data/image-dataset.js';
import type { ModelProto } from '../onnx/types.js';
import { type Distortion, distortionLabel } from './distortion.js';
import { exitLogits } from './exit-logits.js';
import type { SampleMatrix } from './exit-samples.js';
import { checkTaus, type ExitAccuracies, exitAccuracies, type ExitPolicy, sampleMatrix, samplesJson, tauTable, type TauRow } from './policy.js';
import type { BranchCost, ExitSamplesFile } from './samples-file.js';
import type { SamplesProvenance } from './samples-provenance.js';
import type { ExitStructure } from './structure.js';

export interface EvaluateExitsOptions {
  readonly policy: ExitPolicy;
  readonly taus: readonly number[];
  /** the conditions, in order (default: clean only) */
  readonly distortions?: readonly Distortion[];
  /** seed of the noise */
  readonly seed?: number;
  readonly threads?: number;
  readonly batch?: number;
}

/** What `cleave plan --exits` needs besides the samples: each exit's cost, the threshold grid, which images the samples are of. */
export interface SamplesForPlan {
  readonly costs: readonly BranchCost[];
  readonly thresholds: readonly number[];
  readonly provenance: SamplesProvenance;
}

/** What the exits do under one image condition. */
export interface ConditionStats {
  /** "clean", "noise 0.1", "blur 1" */
  readonly condition: string;
  readonly distortion: Distortion;
  readonly matrix: SampleMatrix;
  /** each exit's and the main output's accuracy, each on every sample */
  readonly accuracy: ExitAccuracies;
  /** each exit's mean confidence (max softmax, or minus the entropy) */
  readonly meanConfidence: readonly number[];
  readonly taus: readonly TauRow[];
}

export interface ExitEvaluation {
  readonly structure: ExitStructure;
  readonly policy: ExitPolicy;
  readonly images: number;
  readonly conditions: readonly ConditionStats[];
}

/** Mean of each column of a samples x exits matrix of confidences. */
function columnMeans(matrix: SampleMatrix): number[] {
  // Bounds: j < m, the length of sum, and the matrix holds n rows of m.
  const { samples: n, exits: m } = matrix;
  const sum = new Array<number>(m).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) sum[j] = sum[j]! + matrix.confidence[i * m + j]!;
  return sum.map((s) => s / n);
}

/** Runs the model on `data` under each condition and measures its exits. */
export async function evaluateExits(model: ModelProto, data: ImageDataset, options: EvaluateExitsOptions): Promise<ExitEvaluation> {
  checkTaus(options.policy, options.taus);
  const distortions: readonly Distortion[] = options.distortions?.length ? options.distortions : [{ kind: 'clean' }];
  const conditions: ConditionStats[] = [];
  let structure: ExitStructure | undefined;
  for (const distortion of distortions) {
    const logits = await exitLogits(model, data, { distortion, seed: options.seed, threads: options.threads, batch: options.batch });
    structure = logits.structure;
    const matrix = sampleMatrix(logits.exits, logits.main, options.policy);
    conditions.push({
      condition: distortionLabel(distortion), distortion, matrix,
      accuracy: exitAccuracies(matrix), meanConfidence: columnMeans(matrix), taus: tauTable(matrix, options.policy, options.taus),
    });
  }
  return { structure: structure!, policy: options.policy, images: data.count, conditions }; // at least one condition runs (clean when none is given), and each sets structure
}

/** The samples file of an evaluation (what `cleave exits plan` reads). */
export function samplesFile(evaluation: ExitEvaluation, data?: string, plan?: SamplesForPlan): ExitSamplesFile {
  return {
    policy: evaluation.policy,
    ...(data === undefined ? {} : { data }),
    exits: evaluation.structure.exits.map((e, j) => {
      const c = plan?.costs[j];
      return { output: e.output, at: e.at, ...(c ? { flops: c.flops, bytes: c.bytes, opClass: c.opClass, paramBytes: c.paramBytes } : {}) };
    }),
    ...(plan ? { thresholds: plan.thresholds, provenance: plan.provenance } : {}),
    sets: evaluation.conditions.map((c) => ({ condition: c.condition, samples: samplesJson(c.matrix) })),
  };
}
