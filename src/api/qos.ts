/**
 * `cleave/qos`: from a model and a requirement to a plan. The sweep of cut x codec x exits x
 * sparsity x device x network (analytic figures on typed arrays), the Pareto front, the
 * recommendation by margin and the nearest misses, Split-Et-Impera's four scenarios, accuracy
 * measured through the real numerics or predicted from I-SPLIT's order, exits and sparsity
 * variants read from models, plan.json read and written, and a plan entry re-simulated.
 * This file only re-exports; each module documents its own exports.
 */

export { makePlan, sweepFront, compareRanked, rank, scenarioOf, SCENARIOS, type PlanOptions, type PlanResult, type RankedConfiguration, type ScenarioName } from '../qos/plan.js';
export { sweep, objectivesOf, configurationOf, OBJECTIVE_NAMES, MAX_SWEEP_CONFIGURATIONS, CHOICE_COUNT, type ObjectiveName, type SweepResult } from '../qos/sweep.js';
export { buildTables, type Load, type SweepSpec, type Tables } from '../qos/tables.js';
export { paretoFront, dominates, type ObjectiveMatrix } from '../qos/pareto.js';
export { checkRequirements, margin, misses, slacks, upperSlack, accuracySlack, boundedLatency, hasRequirements, type Requirements, type RequirementName, type Miss } from '../qos/requirements.js';
export type { AccuracySource, Configuration, LatencyBreakdown, Objectives, Placement, PlannedExit } from '../qos/configuration.js';
export { cutCandidates, headComputes, type CutCandidate } from '../qos/candidates.js';
export { codedBytes, encodeMs, decodeMs, relativeStep, DEFAULT_CODECS } from '../qos/codec-model.js';
export { predictAccuracy, accuracyWithExits, type CutAccuracy, type SaliencyScores } from '../qos/accuracy.js';
export { measureAccuracy, type MeasureOptions } from '../qos/measure.js';
export { exitOptions, evaluate as evaluateExitOption, checkBranches, NO_EXITS, MAX_EXIT_OPTIONS, type ExitBranch, type ExitOption, type ExitStatistics } from '../qos/exit-option.js';
export { plannedModel, exitBranches, measureExitStatistics, type PlannedModel, type ExitMeasureOptions } from '../qos/model-exits.js';
export { DENSE, SPARSE_OP_TYPES, checkVariant, keptFraction, type SparsityVariant } from '../qos/sparsity-variant.js';
export { sparseModelVariant, measureSparseVariant, withMeasuredDelta, type SparseModelVariant } from '../qos/sparse-model-variant.js';
export { parseExitStatistics, parseSparsityVariants, parseRanking, EXIT_STATISTICS_SCHEMA, SPARSITY_VARIANT_SCHEMA } from '../qos/inputs.js';
export { planDocument, planJson, parsePlan, planEntry, checkPlanModel, configurationOfEntry, sha256Hex, type PlanContext, type PlanDocument, type PlanEntry } from '../qos/plan-file.js';
export { PLAN_SCHEMA, PLAN_FORMAT, PLAN_VERSION } from '../qos/plan-schema.js';
export { simulateConfiguration, simulatePlanEntry, DEFAULT_SIMULATED_FRAMES, type SimulationOptions, type SimulatedLatency, type PlanEntrySimulation } from '../qos/simulate.js';
