/**
 * The ways the edge client can split a model: one route per candidate cut, each a head run here
 * (with the exits that lie in it as extra outputs) and a tail served under its own model name.
 * A client with one cut has one route.
 */
import { BadRequestError } from '../errors.js';
import type { ExitPolicy } from '../exits/policy.js';
import { checkThreshold, type ExitRule, exitIndexOf } from './exit-decision.js';
import type { ModelRunner } from './runtime.js';

/** One candidate cut: the head here, the tail on the server. */
export interface CutRoute {
  /** the cut's name, reported with every answer (in an edge config, the layer the cut follows; default: the cut output's name) */
  readonly cut?: string;
  /** the head of this cut, run on this device */
  readonly head: ModelRunner;
  /** the tail's model name on the server (e.g. `tail-<cut>`) */
  readonly model: string;
  readonly version?: string;
  /** head output that is the cut tensor (default: the first output that is not an exit) */
  readonly cutOutput?: string;
  /** tail input name on the server (default: the cut output's name) */
  readonly tailInput?: string;
  /** tail output to return (default: the first the server returns) */
  readonly tailOutput?: string;
  /** the exits in this head, in order of depth: the first confident one answers */
  readonly exits?: readonly ExitRule[];
}

/** A route checked against its head, with its URL. */
export interface ResolvedRoute {
  readonly cut: string;
  readonly head: ModelRunner;
  readonly inferUrl: string;
  readonly cutOutput: string;
  readonly tailInput: string;
  readonly tailOutput: string | undefined;
  readonly exits: readonly ExitRule[];
  /** the exit the caller named for the local fallback, when this head has it (tried first) */
  readonly fallbackExit: string | undefined;
  /** the deepest exit of this head (the fallback's last resort, after the whole model) */
  readonly deepestExit: string | undefined;
}

/** The v2 inference URL of a model on a server. */
export function inferUrlOf(serverUrl: string, model: string, version: string | undefined): string {
  const base = serverUrl.replace(/\/+$/, '');
  const v = version !== undefined ? `/versions/${encodeURIComponent(version)}` : '';
  return `${base}/v2/models/${encodeURIComponent(model)}${v}/infer`;
}

/**
 * Checks routes against their heads (the cut output and every exit are head outputs; names are
 * unique) and fills in the defaults. `fallbackExit` is the head output the caller named for the
 * local fallback, used on the routes whose head has it.
 */
export function resolveRoutes(serverUrl: string, routes: readonly CutRoute[], policy: ExitPolicy, fallbackExit: string | undefined): ResolvedRoute[] {
  if (routes.length === 0) throw new BadRequestError('the edge client needs a head and a tail model (or routes, one per candidate cut)');
  const seen = new Set<string>();
  return routes.map((given) => {
    const outputs = given.head.outputNames;
    const exitNames = new Set([...(given.exits ?? []).map((e) => e.output), ...(fallbackExit ? [fallbackExit] : [])]);
    const cutOutput = given.cutOutput ?? outputs.find((n) => !exitNames.has(n));
    const r = { ...given, cut: given.cut ?? cutOutput ?? '' };
    if (!cutOutput) throw new BadRequestError(`cut "${r.cut}": the head has no output to send: give cutOutput`);
    if (!outputs.includes(cutOutput)) throw new BadRequestError(`cut "${r.cut}": the head has no output "${cutOutput}" (outputs: ${outputs.join(', ')})`);
    if (seen.has(r.cut)) throw new BadRequestError(`two routes are named "${r.cut}": give each candidate cut its own name`);
    seen.add(r.cut);
    const labels = new Set<number>();
    const exits = (r.exits ?? []).map((e, i): ExitRule => {
      if (!outputs.includes(e.output)) throw new BadRequestError(`cut "${r.cut}": the head has no exit output "${e.output}" (outputs: ${outputs.join(', ')}); cut the model with the exits in the head (\`cleave cut\` keeps them)`);
      checkThreshold(policy, e.threshold, `cut "${r.cut}" exit "${e.output}"`);
      const index = e.index ?? exitIndexOf(e.output) ?? i;
      if (!Number.isInteger(index) || index < 0 || labels.has(index)) throw new BadRequestError(`cut "${r.cut}": exit "${e.output}" needs its own index >= 0 (it would answer as exit-${index})`);
      labels.add(index);
      return { output: e.output, threshold: e.threshold, index };
    });
    return {
      cut: r.cut, head: r.head, inferUrl: inferUrlOf(serverUrl, r.model, r.version), cutOutput, tailInput: r.tailInput ?? cutOutput,
      tailOutput: r.tailOutput, exits, fallbackExit: fallbackExit && outputs.includes(fallbackExit) ? fallbackExit : undefined,
      deepestExit: exits[exits.length - 1]?.output,
    };
  });
}
