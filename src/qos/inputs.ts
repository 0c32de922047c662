/**
 * Files `cleave plan` reads besides the model, each validated (errors name the field):
 * - exit statistics (--exits): the exit branches and their per-sample behaviour on held-out
 *   data, from which every exit configuration is enumerated (exit-option.ts);
 * - sparsity variants (--sparsity): sparsity-variant.ts's fields, one object per variant;
 * - an I-SPLIT ranking (--rank): what `cleave rank --json` prints; its scores order the
 *   predicted accuracy of lossy codecs (accuracy.ts).
 */
import { BadRequestError } from '../errors.js';
import { readExitSamples } from '../exits/exit-samples.js';
import { BadFieldError } from '../exits/fields.js';
import { DEFAULT_TAUS, thresholdOf } from '../exits/policy.js';
import { readExitSamplesFile } from '../exits/samples-file.js';
import { readSamplesProvenance, type SamplesProvenance } from '../exits/samples-provenance.js';
import { OP_CLASSES } from '../profile/device-profile.js';
import type { SaliencyScores } from './accuracy.js';
import type { ExitBranch, ExitStatistics } from './exit-option.js';
import { type JsonSchema, validate } from './json-schema.js';
import { checkVariant, type SparsityVariant } from './sparsity-variant.js';

const NON_NEGATIVE: JsonSchema = { type: 'number', minimum: 0 };

/** --exits FILE. */
export const EXIT_STATISTICS_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    exits: {
      type: 'array',
      minItems: 1,
      maxItems: 8,
      items: {
        type: 'object',
        properties: {
          name: { type: 'string', minLength: 1 },
          after: { type: 'string', minLength: 1 },
          flops: NON_NEGATIVE,
          bytes: NON_NEGATIVE,
          opClass: { enum: [...OP_CLASSES] },
          paramBytes: NON_NEGATIVE,
        },
        required: ['name', 'after', 'flops', 'bytes', 'opClass', 'paramBytes'],
        additionalProperties: false,
      },
    },
    thresholds: { type: 'array', minItems: 1, maxItems: 100, items: { type: 'number' } },
    samples: { type: 'object', description: "src/exits' ExitSamples: confidence and correct (samples x exits), mainCorrect (per sample)" },
    provenance: { type: 'object', description: "src/exits' SamplesProvenance: the images the samples are of (data, split, from, count, normalisation)" },
  },
  required: ['exits', 'thresholds', 'samples'],
  additionalProperties: false,
};

/** One sparsity variant (a --sparsity file holds an array of them). */
export const SPARSITY_VARIANT_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    label: { type: 'string', minLength: 1 },
    density: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    nodeDensity: { type: 'object', additionalProperties: { type: 'number', exclusiveMinimum: 0, maximum: 1 } },
    structured: { type: 'boolean' },
    accuracyDelta: { type: 'number', minimum: -1, maximum: 1 },
    model: {
      type: 'object',
      description: 'the sparse model file the variant was read from: its path as given to cleave plan, and its SHA-256',
      properties: { path: { type: 'string', minLength: 1 }, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
      required: ['path', 'sha256'],
      additionalProperties: false,
    },
  },
  required: ['label', 'density', 'structured', 'accuracyDelta'],
  additionalProperties: false,
};

const RANKING_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    ranking: {
      type: 'object',
      properties: { cuts: { type: 'array', items: { type: 'object', properties: { tensor: { type: 'string' }, score: { type: ['number', 'string'] } }, required: ['tensor', 'score'] } } },
      required: ['cuts'],
    },
  },
  required: ['ranking'],
};

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new BadRequestError(`${source}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
}

function checked<T>(text: string, schema: JsonSchema, source: string, value = parseJson(text, source)): T {
  const v = validate(value, schema);
  if (v) throw new BadRequestError(`${source}: ${v.path ? `field "${v.path}" ` : ''}${v.message}`);
  return value as T;
}

interface ExitStatisticsFile {
  readonly exits: ExitStatistics['branches'];
  readonly thresholds: readonly number[];
  readonly samples: unknown;
  readonly provenance?: unknown;
}

/** An exit statistics file as read: the branches and samples, the threshold grid, and which images the samples are of (absent in files made before it was recorded). */
export interface ParsedExitStatistics {
  readonly stats: ExitStatistics;
  readonly thresholds: readonly number[];
  readonly provenance?: SamplesProvenance;
}

/** `read` with src/exits' field errors restated as `source: field "..." ...`. */
function naming<T>(source: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof BadFieldError) throw new BadRequestError(`${source}: field "${e.field}" ${e.message.slice(e.field.length + 2)}`);
    throw e;
  }
}

/**
 * Reads what `cleave exits evaluate --samples` writes (src/exits' samples file): its clean set,
 * each exit's cost, the threshold grid (default: the policy's default taus) and the provenance.
 */
function fromSamplesFile(value: unknown, source: string): ParsedExitStatistics {
  const f = naming(source, () => readExitSamplesFile(value));
  const k = f.sets.findIndex((s) => s.condition === 'clean');
  const set = f.sets[k];
  if (!set) throw new BadRequestError(`${source}: field "sets" has no "clean" set; the plan measures clean images`);
  const branches = f.exits.map((e, j): ExitBranch => {
    const { flops, bytes, opClass, paramBytes } = e;
    if (flops === undefined || bytes === undefined || opClass === undefined || paramBytes === undefined) {
      throw new BadRequestError(`${source}: field "exits[${j}].flops" is missing: the plan needs each exit's cost; re-make the file with \`cleave exits evaluate --samples\` of this cleave`);
    }
    return { name: e.output, after: e.at, flops, bytes, opClass, paramBytes };
  });
  const matrix = naming(source, () => readExitSamples(set.samples, `sets[${k}].samples`, branches.map((_, j) => j)));
  const thresholds = f.thresholds ?? DEFAULT_TAUS[f.policy].map((t) => thresholdOf(f.policy, t));
  return { stats: { ...matrix, branches }, thresholds: [...new Set(thresholds)].sort((a, b) => a - b), ...(f.provenance ? { provenance: f.provenance } : {}) };
}

/**
 * Reads an exit statistics file: the branches, the threshold grid, the sample matrix and the
 * provenance (read by src/exits). Takes this module's format and `cleave exits evaluate
 * --samples`'s (told apart by its "sets").
 */
export function parseExitStatistics(text: string, source: string): ParsedExitStatistics {
  const value = parseJson(text, source);
  if (typeof value === 'object' && value !== null && Object.hasOwn(value, 'sets')) return fromSamplesFile(value, source);
  const f = checked<ExitStatisticsFile>(text, EXIT_STATISTICS_SCHEMA, source, value);
  const names = new Set<string>();
  f.exits.forEach((e, j) => {
    if (names.has(e.name)) throw new BadRequestError(`${source}: field "exits[${j}].name" repeats "${e.name}"`);
    names.add(e.name);
  });
  const matrix = naming(source, () => readExitSamples(f.samples, 'samples', f.exits.map((_, j) => j)));
  const provenance = f.provenance === undefined ? undefined : naming(source, () => readSamplesProvenance(f.provenance, 'provenance'));
  return { stats: { ...matrix, branches: f.exits }, thresholds: [...new Set(f.thresholds)].sort((a, b) => a - b), ...(provenance ? { provenance } : {}) };
}

/** Reads a sparsity variants file (a JSON array of variants). */
export function parseSparsityVariants(text: string, source: string): SparsityVariant[] {
  const list = checked<SparsityVariant[]>(text, { type: 'array', minItems: 1, maxItems: 64, items: SPARSITY_VARIANT_SCHEMA }, source);
  const labels = new Set<string>(['dense']);
  list.forEach((v, i) => {
    checkVariant(v, `${source}: [${i}]`);
    if (labels.has(v.label)) throw new BadRequestError(`${source}: field "[${i}].label" repeats "${v.label}" ('dense' is the model as it is)`);
    labels.add(v.label);
  });
  return list;
}

/** Reads `cleave rank --json` output: S(l) by cut tensor. */
export function parseRanking(text: string, source: string): SaliencyScores {
  const f = checked<{ ranking: { cuts: { tensor: string; score: number | string }[] } }>(text, RANKING_SCHEMA, source);
  // rank --json writes non-finite scores as text; they carry no order.
  return new Map(f.ranking.cuts.map((c) => [c.tensor, typeof c.score === 'number' ? c.score : 0]));
}
