/**
 * `cleave/exits`: early exits on any ONNX classifier: branches placed by FLOPs and verified
 * against the original, temperature calibration with ECE and a reliability diagram, POPEX (the
 * cut as a shortest path) and the joint choice of cut, exits and thresholds.
 * This file only re-exports; each module documents its own exports.
 */

export { addExits, type AddExitsOptions, type AddedExits } from '../exits/add.js';
export { insertExits, EXITS_METADATA_KEY, type ExitInfo, type ExitOptions, type ModelWithExits } from '../exits/insert.js';
export { exitSites, placeExits, placementTargets, MAX_EXITS, type ExitPlacement, type ExitSite } from '../exits/placement.js';
export type { BranchKind } from '../exits/branch.js';
export { verifyExits, EXITS_OPTIMISED_RTOL, type ExitVerification, type VerifyExitsOptions } from '../exits/verify.js';
export { fitTemperature, fitTemperatures, meanNll, MIN_TEMPERATURE, MAX_TEMPERATURE, type LogitSet, type TemperatureFit } from '../exits/calibration.js';
export { expectedCalibrationError, reliabilityBins, softmaxConfidences, ECE_BINS, type Confidences, type ReliabilityBin } from '../exits/reliability.js';
export { applyTemperatures, readTemperatures, probabilitiesName, temperatureTensor, TEMPERATURES_METADATA_KEY, type ApplyTemperatureOptions } from '../exits/apply-temperatures.js';
export { parsePopexProblem, solvePopex, transmitMs, MAX_POPEX_LAYERS, MAX_POPEX_EXITS, type PopexProblem, type PopexLayer, type PopexExit, type PopexCut, type PopexSolution } from '../exits/popex.js';
export { planExits, MAX_EXIT_PLAN_CONFIGURATIONS, MAX_EXIT_PLAN_SAMPLE_WORK, MAX_EXIT_PLAN_SOLVES, type ExitPlanInput, type ExitPlan, type ExitDecision, type ExitConfiguration, type ExitChoice, type PlanExit, type PlanObjective } from '../exits/plan.js';
export { policyOutcome, MAX_EXIT_SAMPLES, type ExitSamples, type PolicyOutcome, type SampleMatrix } from '../exits/exit-samples.js';
export { BadFieldError } from '../exits/fields.js';
export { reliabilityDiagramSvg, type ReliabilitySeries, type ReliabilityDiagramOptions } from '../report/reliability-diagram.js';
export { exitStructure, backboneModel, type ExitStructure, type ExitBranchInfo } from '../exits/structure.js';
export { trainExits, exitLossWeights, linspace, type TrainExitsOptions, type TrainedExits, type ExitTrainingMode } from '../exits/train-exits.js';
export { exitLogits, type ExitLogits, type ExitLogitsOptions } from '../exits/exit-logits.js';
export { addNoise, blur, checkDistortion, distorter, distortionLabel, gaussianKernel, type Distortion } from '../exits/distortion.js';
export { checkTaus, DEFAULT_TAUS, entropies, EXIT_POLICIES, exitAccuracies, policyConfidences, sampleMatrix, samplesJson, tauOf, tauTable, thresholdOf, type ExitAccuracies, type ExitPolicy, type ExitRow, type TauRow } from '../exits/policy.js';
export { heldOutPart, type HeldOutPart } from '../exits/held-out.js';
export { sliceImages } from '../data/image-dataset.js';
export { calibrateExits, type CalibrateExitsOptions, type CalibratedExits, type ExitCalibration } from '../exits/calibrate-model.js';
export { evaluateExits, samplesFile, type ConditionStats, type EvaluateExitsOptions, type ExitEvaluation } from '../exits/evaluate.js';
export { readExitSamplesFile, type ExitSamplesFile, type SampleSet } from '../exits/samples-file.js';
export { exitLayers, rooflineTime, type ExitLayers, type LayerExit, type NodeTime } from '../exits/exit-layers.js';
export { planModelExits, type ConditionPlan, type ModelPlanOptions } from '../exits/model-plan.js';
