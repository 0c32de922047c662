/**
 * plan.json: the document `cleave plan` writes and `cleave simulate`, `deploy` and `run` read.
 * The same inputs give the same bytes (no timings or dates in it).
 * Its shape is PLAN_SCHEMA (plan-schema.ts, written out as schemas/plan.schema.json); numbers
 * that are not finite (an unstable queue's latency, the margin without requirements) are
 * written as null and read back as such. A plan read from a file is checked against the schema,
 * then for what a schema cannot say (every entry names a device and a network the plan
 * describes; profiles pass their own checks); errors name the field.
 */
import { createHash } from 'node:crypto';
import type { CodecSpec } from '../compress/codec.js';
import { codecLabel } from '../compress/codec.js';
import { BadProfileError, BadRequestError } from '../errors.js';
import type { SamplesProvenance } from '../exits/samples-provenance.js';
import type { Connection } from '../net/compare.js';
import { checkNetworkProfile, type NetworkProfile } from '../net/profiles.js';
import { checkDeviceProfile, type DeviceProfile } from '../profile/device-profile.js';
import { VERSION } from '../version.js';
import type { CutAccuracy } from './accuracy.js';
import type { Configuration, Objectives } from './configuration.js';
import { validate } from './json-schema.js';
import type { PlanResult, RankedConfiguration, ScenarioName } from './plan.js';
import { PLAN_FORMAT, PLAN_SCHEMA, PLAN_VERSION } from './plan-schema.js';
import type { Miss, Requirements } from './requirements.js';
import type { SparsityVariant } from './sparsity-variant.js';

/** Numbers as plan.json holds them: null where the figure is unbounded or undefined. */
type Nullable<T> = { readonly [K in keyof T]: T[K] extends number ? number | null : T[K] };

/** One configuration in plan.json. */
export interface PlanEntry extends Omit<Configuration, 'objectives' | 'breakdown'> {
  readonly objectives: Nullable<Objectives>;
  readonly breakdown: Nullable<Configuration['breakdown']>;
  readonly margin: number | null;
  readonly feasible: boolean;
  readonly missed: readonly Nullable<Miss>[];
  readonly simulatedFrames: number;
}

/** plan.json's `accuracy.exits`: the --exits file, which images its samples are of, and whether its per-image figures were used. */
export interface ExitsFileRecord {
  readonly file: string;
  /** measured: the samples are the plan's measured images, counted per image; else predicted, `note` says why */
  readonly source: CutAccuracy['source'];
  readonly provenance?: SamplesProvenance;
  readonly note?: string;
}

/** plan.json, version 1 (docs/planning.md describes every field). */
export interface PlanDocument {
  readonly format: typeof PLAN_FORMAT;
  readonly version: typeof PLAN_VERSION;
  readonly cleaveVersion: string;
  readonly model: { readonly path: string; readonly sha256: string; readonly name: string; readonly inputs: readonly string[]; readonly outputs: readonly string[] };
  readonly server: DeviceProfile;
  readonly devices: Readonly<Record<string, DeviceProfile>>;
  readonly networks: Readonly<Record<string, NetworkProfile>>;
  readonly load: { readonly devices: number; readonly fps: number; readonly workers: number; readonly connection: Connection; readonly arrivals: 'periodic' | 'poisson' };
  readonly requirements: Requirements & { readonly latencyPercentile: 'p50' | 'p99' };
  /** from: the index in the test split of the first image measured, when not 0 */
  readonly accuracy: { readonly source: CutAccuracy['source']; readonly base: number; readonly data?: string; readonly images?: number; readonly from?: number; readonly saliency?: string; readonly exits?: ExitsFileRecord };
  readonly sweep: {
    readonly configurations: number;
    readonly cuts: number;
    readonly maxTensors: number;
    readonly codecs: readonly string[];
    readonly exitConfigurations: number;
    readonly sparsity: readonly SparsityVariant[];
    readonly frontObjectives: readonly string[];
  };
  readonly feasible: boolean;
  readonly recommended: PlanEntry;
  readonly front: readonly PlanEntry[];
  readonly misses: readonly PlanEntry[];
  readonly scenarios: Readonly<Record<ScenarioName, PlanEntry | null>>;
}

/** What a plan says besides the sweep's result. */
export interface PlanContext {
  readonly modelPath: string;
  readonly modelBytes: Uint8Array;
  readonly modelName: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly server: DeviceProfile;
  readonly devices: readonly DeviceProfile[];
  readonly networks: readonly NetworkProfile[];
  readonly load: PlanDocument['load'];
  readonly requirements: Requirements;
  readonly accuracy: PlanDocument['accuracy'];
  readonly maxTensors: number;
  readonly codecs: readonly CodecSpec[];
  readonly variants: readonly SparsityVariant[];
  readonly exitConfigurations: number;
}

/** Hex SHA-256 of a model file's bytes: the identity a plan is tied to. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

function nullable<T extends object>(o: T): Nullable<T> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? finite(v) : v])) as Nullable<T>;
}

function entry(c: RankedConfiguration): PlanEntry {
  return {
    id: c.id,
    placement: c.placement,
    cut: c.cut,
    codec: c.codec,
    exits: c.exits,
    sparsity: c.sparsity,
    device: c.device,
    network: c.network,
    objectives: nullable(c.objectives),
    latencySource: c.latencySource,
    breakdown: nullable(c.breakdown),
    margin: finite(c.margin),
    feasible: c.feasible,
    missed: c.missed.map(nullable),
    simulatedFrames: c.simulatedFrames,
  };
}

/**
 * The plan.json document. `recommended` is the feasible recommendation, or with `bestEffort`
 * the configuration nearest to feasible (then `feasible` is false); without either there is no
 * plan to write and the caller reports the misses instead.
 */
export function planDocument(result: PlanResult, ctx: PlanContext, bestEffort: boolean): PlanDocument | undefined {
  const chosen = result.recommended ?? (bestEffort ? result.front[0] : undefined);
  if (!chosen) return undefined;
  const s = result.sweep;
  return {
    format: PLAN_FORMAT,
    version: PLAN_VERSION,
    cleaveVersion: VERSION,
    model: { path: ctx.modelPath, sha256: sha256Hex(ctx.modelBytes), name: ctx.modelName, inputs: ctx.inputs, outputs: ctx.outputs },
    server: ctx.server,
    devices: Object.fromEntries(ctx.devices.map((d) => [d.name, d])),
    networks: Object.fromEntries(ctx.networks.map((n) => [n.name, n])),
    load: ctx.load,
    requirements: { ...ctx.requirements, latencyPercentile: ctx.requirements.latencyPercentile ?? 'p50' },
    accuracy: ctx.accuracy,
    sweep: {
      configurations: s.count,
      cuts: s.tables.sizes.C,
      maxTensors: ctx.maxTensors,
      codecs: ctx.codecs.map(codecLabel),
      exitConfigurations: ctx.exitConfigurations,
      sparsity: ctx.variants,
      frontObjectives: [ctx.requirements.latencyPercentile === 'p99' ? 'p99Ms' : 'latencyMs', 'accuracy', 'edgeMemoryBytes', 'energyMj', 'bytes'],
    },
    feasible: chosen.feasible,
    recommended: entry(chosen),
    front: result.front.map(entry),
    misses: result.misses.map(entry),
    scenarios: {
      local: result.scenarios.local && entry(result.scenarios.local),
      remote: result.scenarios.remote && entry(result.scenarios.remote),
      split: result.scenarios.split && entry(result.scenarios.split),
      earlyExit: result.scenarios.earlyExit && entry(result.scenarios.earlyExit),
    },
  };
}

/** plan.json's text: indented JSON and a newline. */
export function planJson(doc: PlanDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Reads plan.json text: schema, then the cross-references; errors name the field. */
export function parsePlan(text: string, source = 'plan.json'): PlanDocument {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    throw new BadProfileError(`${source}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const version = (value as { version?: unknown } | null)?.version;
  if (typeof value === 'object' && value !== null && version !== undefined && version !== PLAN_VERSION) {
    throw new BadProfileError(`${source}: field "version" is ${JSON.stringify(version)}; this cleave reads plan version ${PLAN_VERSION} (re-run \`cleave plan\`)`);
  }
  const v = validate(value, PLAN_SCHEMA);
  if (v) throw new BadProfileError(`${source}: ${v.path ? `field "${v.path}" ` : ''}${v.message}`);
  const doc = value as PlanDocument;
  checkDeviceProfile(doc.server, `${source}: field "server"`);
  for (const [name, d] of Object.entries(doc.devices)) checkDeviceProfile(d, `${source}: field "devices.${name}"`);
  for (const [name, n] of Object.entries(doc.networks)) checkNetworkProfile(n, `${source}: field "networks.${name}"`);
  const entries: [string, PlanEntry | null][] = [
    ['recommended', doc.recommended],
    ...doc.front.map((e, i) => [`front[${i}]`, e] as [string, PlanEntry]),
    ...doc.misses.map((e, i) => [`misses[${i}]`, e] as [string, PlanEntry]),
    ...Object.entries(doc.scenarios).map(([k, e]) => [`scenarios.${k}`, e] as [string, PlanEntry | null]),
  ];
  for (const [field, e] of entries) {
    if (!e) continue;
    if (!Object.hasOwn(doc.devices, e.device)) throw new BadProfileError(`${source}: field "${field}.device" names unknown device "${e.device}" (the plan describes: ${Object.keys(doc.devices).join(', ')})`);
    const none = e.placement === 'local' && e.network === 'none';
    if (!none && !Object.hasOwn(doc.networks, e.network)) throw new BadProfileError(`${source}: field "${field}.network" names unknown network "${e.network}" (the plan describes: ${Object.keys(doc.networks).join(', ')})`);
  }
  return doc;
}

/**
 * Checks that `bytes` (read from `path`) hash to the SHA-256 a plan recorded in `field` (in the
 * plan file `source`); `what` names the model in the message and `otherwise` what else to do.
 */
export function checkRecordedModel(recorded: string, bytes: Uint8Array, o: { readonly source: string; readonly field: string; readonly path: string; readonly what: string; readonly otherwise?: string }): void {
  const actual = sha256Hex(bytes);
  if (actual !== recorded) {
    throw new BadProfileError(`${o.source}: field "${o.field}" is ${recorded}, but ${o.path} hashes to ${actual}: the ${o.what} changed since the plan was made; re-run \`cleave plan\`${o.otherwise ?? ''}`);
  }
}

/** Checks that `bytes` (read from `modelPath`, by default the plan's) are the model the plan was made for. */
export function checkPlanModel(doc: PlanDocument, bytes: Uint8Array, source = 'plan.json', modelPath = doc.model.path): void {
  checkRecordedModel(doc.model.sha256, bytes, { source, field: 'model.sha256', path: modelPath, what: 'model' });
}

/** The plan entry `which` names: 'recommended' or the index of a front member; `field` says where it is (`front[3]`). */
export function planEntry(doc: PlanDocument, which: string, source = 'plan.json'): { entry: PlanEntry; field: string } {
  if (which === 'recommended') return { entry: doc.recommended, field: 'recommended' };
  const i = /^\d+$/.test(which) ? Number(which) : NaN;
  const entry = doc.front[i];
  if (!entry) throw new BadRequestError(`--entry must be recommended or a front index 0..${doc.front.length - 1} of ${source}, got "${which}"`);
  return { entry, field: `front[${i}]` };
}

/** A plan entry's configuration with unbounded figures back as Infinity. */
export function configurationOfEntry(e: PlanEntry): Configuration {
  const inf = (x: number | null): number => x ?? Infinity;
  return {
    ...e,
    objectives: { ...e.objectives, latencyMs: inf(e.objectives.latencyMs), p99Ms: inf(e.objectives.p99Ms), accuracy: e.objectives.accuracy ?? 0, edgeMemoryBytes: inf(e.objectives.edgeMemoryBytes), energyMj: inf(e.objectives.energyMj), bytes: inf(e.objectives.bytes) },
    breakdown: Object.fromEntries(Object.entries(e.breakdown).map(([k, v]) => [k, inf(v as number | null)])) as unknown as Configuration['breakdown'],
  };
}
