/**
 * Calibrating a model's exits on held-out images (the exits issue, item 3): the exits' logits
 * on one set fit the temperatures (one per exit, or one global T), the ECE and NLL before and
 * after are measured on another set, and the temperatures go into the model (ORT then outputs
 * calibrated logits) and its metadata. A model calibrated before is refitted on its calibrated
 * logits, and its temperature becomes the product of the old and the new.
 */
import type { ImageDataset } from '../data/image-dataset.js';
import type { ModelProto } from '../onnx/types.js';
import { applyTemperatures, readTemperatures } from './apply-temperatures.js';
import { fitTemperatures, type LogitSet, meanNll, type TemperatureFit } from './calibration.js';
import { exitLogits, type ExitLogitsOptions } from './exit-logits.js';
import { ECE_BINS, expectedCalibrationError, type ReliabilityBin, reliabilityBins, softmaxConfidences } from './reliability.js';

export interface CalibrateExitsOptions extends Omit<ExitLogitsOptions, 'distortion' | 'seed'> {
  /** one temperature shared by every exit instead of one each */
  readonly global?: boolean;
}

/** One exit's calibration. */
export interface ExitCalibration {
  readonly output: string;
  /** the temperature now in the model (the previous one, if any, times the fitted one) */
  readonly temperature: number;
  /** the fit on the calibration images (over the logits as the model gave them) */
  readonly fit: TemperatureFit;
  /** on the check images: ECE (15 bins) and mean NLL before and after, and the reliability bins */
  readonly eceBefore: number;
  readonly eceAfter: number;
  readonly nllBefore: number;
  readonly nllAfter: number;
  readonly binsBefore: readonly ReliabilityBin[];
  readonly binsAfter: readonly ReliabilityBin[];
}

export interface CalibratedExits {
  readonly model: ModelProto;
  readonly global: boolean;
  /** the shared fit when global */
  readonly globalFit?: TemperatureFit;
  readonly exits: readonly ExitCalibration[];
  /** every exit's check samples together: ECE before and after, and the bins */
  readonly pooled: { readonly eceBefore: number; readonly eceAfter: number; readonly binsBefore: readonly ReliabilityBin[]; readonly binsAfter: readonly ReliabilityBin[] };
  /** images the temperatures were fitted on, and checked on */
  readonly fitImages: number;
  readonly checkImages: number;
}

/** Fits the exits' temperatures on `fitData`, checks them on `checkData`, and writes them into the model. */
export async function calibrateExits(model: ModelProto, fitData: ImageDataset, checkData: ImageDataset, options: CalibrateExitsOptions = {}): Promise<CalibratedExits> {
  // Bounds: exitLogits returns one logit set per exit of the structure, in its order (names), and fitTemperatures one fit per set it was given.
  const fitLogits = await exitLogits(model, fitData, options);
  const check = await exitLogits(model, checkData, options);
  const names = fitLogits.structure.exits.map((e) => e.output);
  const sets: Record<string, LogitSet> = {};
  names.forEach((n, k) => { sets[n] = fitLogits.exits[k]!; });
  const fits = fitTemperatures(sets);
  const prior = readTemperatures(model);
  const exits = names.map((output, k): ExitCalibration => {
    const fit = options.global ? fits.global : fits.perExit[output]!;
    const set = check.exits[k]!;
    const binsBefore = reliabilityBins(softmaxConfidences(set), ECE_BINS);
    const binsAfter = reliabilityBins(softmaxConfidences(set, fit.temperature), ECE_BINS);
    return {
      output,
      temperature: (prior[output] ?? 1) * fit.temperature,
      fit,
      eceBefore: expectedCalibrationError(binsBefore),
      eceAfter: expectedCalibrationError(binsAfter),
      nllBefore: meanNll(set, 1),
      nllAfter: meanNll(set, fit.temperature),
      binsBefore,
      binsAfter,
    };
  });
  const pool = (temperature: (k: number) => number) => {
    const parts = check.exits.map((set, k) => softmaxConfidences(set, temperature(k)));
    const confidence = Float64Array.from(parts.flatMap((p) => Array.from(p.confidence)));
    const correct = Uint8Array.from(parts.flatMap((p) => Array.from(p.correct)));
    return reliabilityBins({ confidence, correct }, ECE_BINS);
  };
  const binsBefore = pool(() => 1);
  const binsAfter = pool((k) => exits[k]!.fit.temperature);
  const pooled = { eceBefore: expectedCalibrationError(binsBefore), eceAfter: expectedCalibrationError(binsAfter), binsBefore, binsAfter };
  const calibrated = applyTemperatures(model, Object.fromEntries(exits.map((e) => [e.output, e.temperature])));
  return {
    model: calibrated,
    global: options.global ?? false,
    ...(options.global ? { globalFit: fits.global } : {}),
    exits,
    pooled,
    fitImages: fitData.count,
    checkImages: checkData.count,
  };
}
