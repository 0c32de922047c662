/**
 * A deployment's edge config (edge.json): what the edge side runs and what the plan expects of
 * it. Its shape is EDGE_CONFIG_SCHEMA (edge-config-schema.ts); `parseDeployEdgeConfig` checks a
 * file against it and for what a schema cannot say (the cut and the exits name layers, the
 * switching starts on the cut). Errors name the field.
 *
 * It is a superset of src/edge's edge config for several candidate cuts: the fields
 * `version`, `inputBytes`, `uplinkMbps`, `rttMs`, `layers`, `policy`, `exits`, `cuts` and
 * `switching` are that format's, with one cut; `multiCutEdgeConfig` drops the rest (`format`,
 * `plan`, `server`, `codec`, `placement`, `device`, `network`, `predicted`, and each exit's
 * `temperature`) and gives a file that format reads, for a split placement (a remote one cuts
 * before every layer, "input", which that format does not list as a candidate).
 */
import { BadProfileError } from '../errors.js';
import type { DeployedExit, ExitPolicy } from '../exits/policy.js';
import type { PopexLayer } from '../exits/popex.js';
import { validate } from '../qos/json-schema.js';
import { EDGE_CONFIG_FORMAT, EDGE_CONFIG_SCHEMA, EDGE_CONFIG_VERSION } from './edge-config-schema.js';

/** An enabled exit: POPEX's figures, its threshold in the policy's terms, and its temperature. */
export interface EdgeConfigExit extends DeployedExit {
  readonly temperature: number | null;
}

/** The deployed cut. */
export interface EdgeConfigCut {
  /** the layer the cut follows ("input" when remote) */
  readonly after: string;
  /** the head file, in the deployment folder */
  readonly head: string;
  /** the tail's model name on the server */
  readonly model: string;
  readonly cutOutput: string;
  readonly tailInput: string;
  readonly tailOutput: string;
}

/** What the plan predicts for the deployed configuration. */
export interface EdgeConfigPrediction {
  readonly latencyMs: number | null;
  readonly p99Ms: number | null;
  readonly latencySource: 'analytic' | 'simulated';
  readonly accuracy: number;
  readonly accuracySource: 'measured' | 'predicted';
  readonly bytes: number;
  readonly payloadBytes: number;
  readonly uploadFraction: number;
  readonly edgeMemoryBytes: number;
  readonly energyMj: number;
}

/** edge.json, version 1 (docs/planning.md describes every field). */
export interface DeployEdgeConfig {
  readonly format: typeof EDGE_CONFIG_FORMAT;
  readonly version: typeof EDGE_CONFIG_VERSION;
  readonly plan: { readonly file: string; readonly sha256: string; readonly entry: string; readonly field: string };
  readonly server: string;
  readonly codec: string;
  readonly placement: 'split' | 'remote';
  readonly device: string;
  readonly network: string;
  readonly inputBytes: number;
  readonly uplinkMbps: number;
  readonly rttMs: number;
  readonly layers: readonly PopexLayer[];
  readonly policy: ExitPolicy;
  readonly exits: readonly EdgeConfigExit[];
  readonly cuts: readonly [EdgeConfigCut];
  readonly switching: { readonly initialCut: string };
  readonly predicted: EdgeConfigPrediction;
}

/** POPEX's name for the cut before every layer (everything on the server). */
export const INPUT_CUT = 'input';

/** edge.json's text: indented JSON and a newline. */
export function edgeConfigJson(config: DeployEdgeConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** Reads edge.json text: the schema, then the cross-references. */
export function parseDeployEdgeConfig(text: string, source = 'edge.json'): DeployEdgeConfig {
  // Bounds: the schema requires at least one cut; at and cutAt were found or bad() threw (it returns never).
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    throw new BadProfileError(`${source}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const bad = (field: string, message: string): never => {
    throw new BadProfileError(`${source}: field "${field}" ${message}`);
  };
  const version = (value as { version?: unknown } | null)?.version;
  if (typeof value === 'object' && value !== null && version !== undefined && version !== EDGE_CONFIG_VERSION) bad('version', `is ${JSON.stringify(version)}; this cleave reads edge config version ${EDGE_CONFIG_VERSION} (deploy the plan again)`);
  const v = validate(value, EDGE_CONFIG_SCHEMA);
  if (v) throw new BadProfileError(`${source}: ${v.path ? `field "${v.path}" ` : ''}${v.message}`);
  const c = value as DeployEdgeConfig;
  const position = new Map<string, number>();
  c.layers.forEach((l, i) => {
    if (l.name === INPUT_CUT) bad(`layers[${i}].name`, `is "${INPUT_CUT}", the name of the cut before every layer`);
    if (position.has(l.name)) bad(`layers[${i}].name`, `repeats "${l.name}"`);
    position.set(l.name, i);
  });
  const cut = c.cuts[0];
  const cutAt = cut.after === INPUT_CUT ? -1 : position.get(cut.after);
  if (cutAt === undefined) bad('cuts[0].after', `names no layer: "${cut.after}"`);
  if (cutAt === c.layers.length - 1) bad('cuts[0].after', `is the last layer: a cut after it leaves nothing for the server`);
  if ((cut.after === INPUT_CUT) !== (c.placement === 'remote')) bad('cuts[0].after', `is "${cut.after}" but the placement is ${c.placement}`);
  if (c.switching.initialCut !== cut.after) bad('switching.initialCut', `is "${c.switching.initialCut}", not the deployed cut "${cut.after}"`);
  let last = -1;
  c.exits.forEach((e, j) => {
    const at = position.get(e.after);
    if (at === undefined) bad(`exits[${j}].after`, `names no layer: "${e.after}"`);
    if (at! > cutAt!) bad(`exits[${j}].after`, `is "${e.after}", beyond the cut: an exit runs in the head`);
    if (at! <= last) bad(`exits[${j}].after`, 'exits must be listed in order of depth, one per layer');
    last = at!;
    if (c.policy === 'max-softmax' && e.threshold > 1) bad(`exits[${j}].threshold`, `is ${e.threshold}; a max-softmax threshold is a probability in [0, 1]`);
  });
  return c;
}

/** The config as src/edge's edge config for several candidate cuts (here one), for a split placement. */
export function multiCutEdgeConfig(c: DeployEdgeConfig): Record<string, unknown> {
  return {
    version: c.version, inputBytes: c.inputBytes, uplinkMbps: c.uplinkMbps, rttMs: c.rttMs, layers: c.layers, policy: c.policy,
    exits: c.exits.map(({ temperature: _t, ...e }) => e), cuts: c.cuts, switching: c.switching,
  };
}
