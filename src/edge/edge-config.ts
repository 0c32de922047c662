/**
 * The edge config: what an edge device needs to run a model with exits split at one of several
 * candidate cuts and to re-plan the cut as its uplink changes (pure code: the browser parses it
 * too). A JSON file, written by a deploy step (or by hand), documented in
 * docs/serving-and-edge.md:
 *
 *   { "version": 1,
 *     "inputBytes": 12288, "uplinkMbps": 20, "rttMs": 2,
 *     "layers": [ { "name": "block1", "edgeMs": 3, "cloudMs": 0.3, "outputBytes": 131072 }, ... ],
 *     "policy": "max-softmax",
 *     "exits": [ { "output": "exit_0_logits", "after": "block1", "edgeMs": 0.2,
 *                  "exitProbability": 0.3, "threshold": 0.9 } ],
 *     "cuts": [ { "after": "block1", "head": "block1/head.onnx", "model": "tail-block1" }, ... ],
 *     "full": "full.onnx",
 *     "switching": { "initialCut": "block1", "hysteresis": 0.2, "dwell": 3, "window": 5, "minSamples": 3 } }
 *
 * inputBytes, uplinkMbps, rttMs, layers and the exits' after/edgeMs/exitProbability are a POPEX
 * problem (`cleave popex`'s format, checked by the same code); the table of the candidate cuts
 * (cut-table.ts) is computed from it once, at load. Each cut names its head (a path or URL
 * relative to the config) and its tail's model name on the server; its head carries the exits
 * placed at or before its layer as extra outputs (`cleave cut` keeps them there).
 */
import { BadFieldError, readArray, readNumber, readObject, readString } from '../exits/fields.js';
import { type CheckedPopexProblem, MAX_POPEX_EXITS, parsePopexProblem, type PopexLayer } from '../exits/popex.js';
import { CutTable } from './cut-table.js';
import type { SwitchingOptions } from './cut-switcher.js';
import { type DeployedExit, EXIT_POLICIES, type ExitPolicy } from '../exits/policy.js';
import { type ExitRule, exitIndexOf } from './exit-decision.js';
import { MAX_RATE_WINDOW, type RateEstimatorOptions } from './rate-estimator.js';
import type { CutRoute } from './routes.js';
import type { ModelRunner } from './runtime.js';

/** The format version this code reads. */
export const EDGE_CONFIG_VERSION = 1;

/** At most this many candidate cuts (each is a head on the device and a tail on the server). */
export const MAX_EDGE_CUTS = 32;

/** An exit as the edge config lists it: where it is, what POPEX needs, and its threshold. */
export type EdgeConfigExit = DeployedExit;

/** A candidate cut: its head here and its tail on the server. */
export interface EdgeConfigCut {
  /** the layer the cut follows (its name in `layers`) */
  readonly after: string;
  /** the head model: a path (Node) or URL (browser), relative to the config's location */
  readonly head: string;
  /** the tail's model name on the server */
  readonly model: string;
  readonly version?: string;
  readonly cutOutput?: string;
  readonly tailInput?: string;
  readonly tailOutput?: string;
}

/** The edge config file, as written. */
export interface EdgeConfig {
  readonly version: number;
  readonly inputBytes: number;
  /** the rate assumed at start when `switching.initialCut` is not given, Mbit/s */
  readonly uplinkMbps?: number;
  readonly rttMs?: number;
  readonly layers: readonly PopexLayer[];
  readonly policy?: ExitPolicy;
  /** in order of depth */
  readonly exits?: readonly EdgeConfigExit[];
  readonly cuts: readonly EdgeConfigCut[];
  /** the whole model, for the local fallback (a path or URL relative to the config) */
  readonly full?: string;
  readonly switching?: SwitchingOptions & Pick<RateEstimatorOptions, 'window' | 'minSamples'> & { readonly initialCut?: string };
}

/** A candidate cut with the exits its head runs (those placed at or before its layer). */
export interface CheckedEdgeCut extends EdgeConfigCut {
  readonly exits: readonly ExitRule[];
}

/** A checked config: its POPEX problem, the table of its cuts, and the client's settings. */
export interface CheckedEdgeConfig {
  readonly problem: CheckedPopexProblem;
  readonly policy: ExitPolicy;
  readonly exits: readonly EdgeConfigExit[];
  readonly cuts: readonly CheckedEdgeCut[];
  readonly table: CutTable;
  readonly initialCut: string;
  readonly switching: SwitchingOptions;
  readonly rate: RateEstimatorOptions;
  readonly full?: string;
}

const optionalString = (v: unknown, field: string): string | undefined => (v === undefined ? undefined : readString(v, field));

function readExit(v: unknown, field: string, policy: ExitPolicy): EdgeConfigExit {
  const o = readObject(v, field, ['output', 'after', 'edgeMs', 'exitProbability', 'threshold']);
  const threshold = readNumber(o.threshold, `${field}.threshold`, policy === 'entropy' ? { min: 0, unit: 'an entropy in nats' } : { min: 0, max: 1, unit: 'a max-softmax probability' });
  // after, edgeMs and exitProbability are checked with the POPEX problem.
  return { output: readString(o.output, `${field}.output`), after: o.after as string, edgeMs: o.edgeMs as number, exitProbability: o.exitProbability as number, threshold };
}

function readCut(v: unknown, field: string): EdgeConfigCut {
  const o = readObject(v, field, ['after', 'head', 'model'], ['version', 'cutOutput', 'tailInput', 'tailOutput']);
  const optional = Object.fromEntries((['version', 'cutOutput', 'tailInput', 'tailOutput'] as const).flatMap((k) => {
    const s = optionalString(o[k], `${field}.${k}`);
    return s === undefined ? [] : [[k, s]];
  }));
  return { after: readString(o.after, `${field}.after`), head: readString(o.head, `${field}.head`), model: readString(o.model, `${field}.model`), ...optional };
}

function readSwitching(v: unknown): NonNullable<EdgeConfig['switching']> {
  if (v === undefined) return {};
  const o = readObject(v, 'switching', [], ['initialCut', 'hysteresis', 'dwell', 'window', 'minSamples']);
  const int = (k: string, min: number, max: number) => {
    if (o[k] === undefined) return {};
    const n = readNumber(o[k], `switching.${k}`, { min, max });
    if (!Number.isInteger(n)) throw new BadFieldError(`switching.${k}`, `must be an integer, got ${n}`);
    return { [k]: n };
  };
  const window = int('window', 1, MAX_RATE_WINDOW);
  const minSamples = int('minSamples', 1, (window.window as number | undefined) ?? 5);
  return {
    ...(o.initialCut !== undefined ? { initialCut: readString(o.initialCut, 'switching.initialCut') } : {}),
    ...(o.hysteresis !== undefined ? { hysteresis: readNumber(o.hysteresis, 'switching.hysteresis', { min: 0, max: 10 }) } : {}),
    ...int('dwell', 0, 1_000_000), ...window, ...minSamples,
  };
}

/** Checks an untrusted edge config (a parsed JSON file); errors name the bad field. */
export function parseEdgeConfig(value: unknown): CheckedEdgeConfig {
  const top = readObject(value, '', ['version', 'inputBytes', 'layers', 'cuts'], ['uplinkMbps', 'rttMs', 'policy', 'exits', 'full', 'switching']);
  if (top.version !== EDGE_CONFIG_VERSION) throw new BadFieldError('version', `must be ${EDGE_CONFIG_VERSION} (this cleave reads edge config version ${EDGE_CONFIG_VERSION}), got ${JSON.stringify(top.version)}`);
  const policy = top.policy === undefined ? 'max-softmax' : (readString(top.policy, 'policy') as ExitPolicy);
  if (!EXIT_POLICIES.includes(policy)) throw new BadFieldError('policy', `must be one of ${EXIT_POLICIES.join(', ')}, got "${policy}"`);
  const exits = (top.exits === undefined ? [] : readArray(top.exits, 'exits', MAX_POPEX_EXITS)).map((v, j) => readExit(v, `exits[${j}]`, policy));
  const problem = parsePopexProblem({
    inputBytes: top.inputBytes, uplinkMbps: top.uplinkMbps ?? 1, layers: top.layers,
    ...(top.rttMs !== undefined ? { rttMs: top.rttMs } : {}),
    exits: exits.map((e) => ({ after: e.after, edgeMs: e.edgeMs, exitProbability: e.exitProbability })),
  });
  // POPEX sorts exits by depth; the config lists them so, which keeps `exits[j]` one exit.
  problem.exits.forEach((e, j) => {
    if (e.after !== exits[j]!.after) throw new BadFieldError(`exits[${j}].after`, 'exits must be listed in order of depth (the order of their layers)');
  });
  const outputs = new Set<string>();
  exits.forEach((e, j) => {
    if (outputs.has(e.output)) throw new BadFieldError(`exits[${j}].output`, `"${e.output}" is listed twice`);
    outputs.add(e.output);
  });
  const position = new Map(problem.layers.map((l, i) => [l.name, i + 1]));
  const n = problem.layers.length;
  const cuts = readArray(top.cuts, 'cuts', MAX_EDGE_CUTS, 1).map((v, i): CheckedEdgeCut => {
    const c = readCut(v, `cuts[${i}]`);
    const s = position.get(c.after);
    if (s === undefined) throw new BadFieldError(`cuts[${i}].after`, `names no layer: "${c.after}"`);
    if (s === n) throw new BadFieldError(`cuts[${i}].after`, `"${c.after}" is the last layer: a cut after it leaves nothing for the server`);
    // The exits at or before the cut's layer run in its head; one at the cut runs before the upload.
    const inHead = exits.flatMap((e, j) => (problem.exitAt[j]! <= s ? [{ output: e.output, threshold: e.threshold, index: exitIndexOf(e.output) ?? j }] : []));
    return { ...c, exits: inHead };
  });
  cuts.forEach((c, i) => {
    if (cuts.findIndex((d) => d.after === c.after) !== i) throw new BadFieldError(`cuts[${i}].after`, `cut "${c.after}" is listed twice`);
  });
  const switching = readSwitching(top.switching);
  const table = CutTable.fromProblem(problem, cuts.map((c) => c.after));
  const initialCut = switching.initialCut ?? (top.uplinkMbps !== undefined ? table.best(problem.uplinkMbps) : cuts[0]!.after); // the schema requires at least one cut
  if (!table.has(initialCut)) throw new BadFieldError('switching.initialCut', `"${initialCut}" is not one of the cuts (${cuts.map((c) => c.after).join(', ')})`);
  const full = optionalString(top.full, 'full');
  return {
    problem, policy, exits, cuts, table, initialCut,
    switching: { ...(switching.hysteresis !== undefined ? { hysteresis: switching.hysteresis } : {}), ...(switching.dwell !== undefined ? { dwell: switching.dwell } : {}) },
    rate: { rttMs: problem.rttMs, ...(switching.window !== undefined ? { window: switching.window } : {}), ...(switching.minSamples !== undefined ? { minSamples: switching.minSamples } : {}) },
    ...(full !== undefined ? { full } : {}),
  };
}

/**
 * The EdgeClient options of a checked config, given the loaded head of each cut (keyed by the
 * cut's `after`): the routes, the re-planning table, the exit policy and the rate estimate.
 */
export function edgeConfigOptions(config: CheckedEdgeConfig, heads: ReadonlyMap<string, ModelRunner>): {
  readonly routes: readonly CutRoute[];
  readonly replan: { readonly table: CutTable; readonly initialCut: string; readonly switching: SwitchingOptions };
  readonly exitPolicy: ExitPolicy;
  readonly rate: RateEstimatorOptions;
} {
  const routes = config.cuts.map((c): CutRoute => {
    const head = heads.get(c.after);
    if (!head) throw new BadFieldError(`cuts[${config.cuts.indexOf(c)}].head`, `no head was loaded for cut "${c.after}"`);
    return {
      cut: c.after, head, model: c.model, exits: c.exits,
      ...(c.version !== undefined ? { version: c.version } : {}), ...(c.cutOutput !== undefined ? { cutOutput: c.cutOutput } : {}),
      ...(c.tailInput !== undefined ? { tailInput: c.tailInput } : {}), ...(c.tailOutput !== undefined ? { tailOutput: c.tailOutput } : {}),
    };
  });
  return { routes, replan: { table: config.table, initialCut: config.initialCut, switching: config.switching }, exitPolicy: config.policy, rate: config.rate };
}
