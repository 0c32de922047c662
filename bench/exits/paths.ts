// The strategies of bench/exits and how each is measured on samples. A configuration is a cut
// (layers on the edge) and a threshold per exit (null: off). Its measured time walks each
// sample down its actual path: the edge layers one by one with their profiled times, each
// enabled exit's branch, and, unless an exit answered or the cut is "output", the upload of the
// cut tensor (8 bytes / rate) and the cloud layers. This walk is written here from the
// definition, apart from POPEX's graph, so expected (POPEX, on the planning samples) and
// measured (this walk, on other samples) are computed independently.
import type { SampleMatrix } from '../../src/exits/exit-samples.js';
import { planExits } from '../../src/exits/plan.js';
import { solvePopex, transmitMs, type PopexLayer } from '../../src/exits/popex.js';
import { policyOutcome } from '../../src/exits/exit-samples.js';
import { samplesJson } from '../../src/exits/policy.js';

/** The layer chain with its exits, times in ms. */
export interface Chain {
  readonly inputBytes: number;
  readonly layers: readonly PopexLayer[];
  /** per exit column: the layer (1..N) it follows, and its branch's edge time */
  readonly exitAt: readonly number[];
  readonly exitMs: readonly number[];
}

export interface Configuration {
  /** layers on the edge: 0 = cloud only, N = edge only */
  readonly edgeLayers: number;
  /** per exit column; exits after the cut must be null */
  readonly thresholds: readonly (number | null)[];
}

export interface Figures {
  readonly ms: number;
  readonly accuracy: number;
  /** fraction of the samples uploaded */
  readonly uploaded: number;
}

/** Mean time and accuracy of a configuration over the samples, sample by sample. */
export function measure(chain: Chain, c: Configuration, m: SampleMatrix, uplinkMbps: number): Figures {
  const n = chain.layers.length;
  const exitAfter = new Map(chain.exitAt.map((k, j) => [k, j]));
  let total = 0;
  let right = 0;
  let uploaded = 0;
  for (let i = 0; i < m.samples; i++) {
    let ms = 0;
    let answer: number | undefined;
    for (let k = 1; k <= c.edgeLayers && answer === undefined; k++) {
      ms += chain.layers[k - 1]!.edgeMs;
      const j = exitAfter.get(k);
      const tau = j === undefined ? null : c.thresholds[j];
      if (j === undefined || tau === null || tau === undefined) continue;
      ms += chain.exitMs[j]!;
      if (m.confidence[i * m.exits + j]! >= tau) answer = m.correct[i * m.exits + j]!;
    }
    if (answer === undefined) {
      answer = m.mainCorrect[i]!;
      if (c.edgeLayers < n) {
        uploaded++;
        ms += transmitMs(c.edgeLayers === 0 ? chain.inputBytes : chain.layers[c.edgeLayers - 1]!.outputBytes, uplinkMbps);
        for (let k = c.edgeLayers + 1; k <= n; k++) ms += chain.layers[k - 1]!.cloudMs;
      }
    }
    total += ms;
    right += answer;
  }
  return { ms: total / m.samples, accuracy: right / m.samples, uploaded: uploaded / m.samples };
}

/** A strategy's choice: the configuration, its expected figures (planning samples) and a label of its exits. */
export interface Choice {
  readonly configuration: Configuration;
  readonly cut: string;
  readonly expected: Figures;
  /** enabled exits as "<after>@<tau>" */
  readonly exits: readonly string[];
}

function cutName(chain: Chain, s: number): string {
  return s === 0 ? 'input' : s === chain.layers.length ? 'output' : chain.layers[s - 1]!.name;
}

function choice(chain: Chain, configuration: Configuration, expectedMs: number, plan: SampleMatrix): Choice {
  const o = policyOutcome(plan, configuration.thresholds);
  const exits = configuration.thresholds.flatMap((t, j) => (t === null ? [] : [`${chain.layers[chain.exitAt[j]! - 1]!.name}@${t}`]));
  const uploaded = configuration.edgeLayers === chain.layers.length ? 0 : o.mainAnswered / plan.samples;
  return { configuration, cut: cutName(chain, configuration.edgeLayers), expected: { ms: expectedMs, accuracy: o.accuracy, uploaded }, exits };
}

const off = (chain: Chain) => chain.exitAt.map(() => null);

/** The POPEX problem of the chain at a rate with exits of the given probabilities (null: off). */
function popex(chain: Chain, uplinkMbps: number, p: readonly (number | null)[]) {
  return solvePopex({
    inputBytes: chain.inputBytes, uplinkMbps, layers: chain.layers,
    exits: p.flatMap((q, j) => (q === null ? [] : [{ after: chain.layers[chain.exitAt[j]! - 1]!.name, edgeMs: chain.exitMs[j]!, exitProbability: q }])),
  });
}

/** Edge only, cloud only and the best cut without exits (POPEX with no exits). */
export function withoutExits(chain: Chain, uplinkMbps: number, plan: SampleMatrix): { edgeOnly: Choice; cloudOnly: Choice; bestCut: Choice } {
  const s = popex(chain, uplinkMbps, off(chain));
  const at = (k: number) => choice(chain, { edgeLayers: k, thresholds: off(chain) }, s.cuts[k]!.expectedMs, plan);
  return { edgeOnly: at(chain.layers.length), cloudOnly: at(0), bestCut: at(s.edgeLayers) };
}

/**
 * POPEX as its authors run it: every exit on with one p_tar; the exit probabilities measured on
 * the planning samples; the cut by the shortest path. The exits after the cut do not run.
 */
export function popexChoice(chain: Chain, uplinkMbps: number, plan: SampleMatrix, pTar: number): Choice {
  const all = chain.exitAt.map(() => pTar);
  const o = policyOutcome(plan, all);
  const p = o.reached.map((r, j) => (r ? o.left[j]! / r : 0));
  const s = popex(chain, uplinkMbps, p);
  const thresholds = chain.exitAt.map((k) => (k <= s.edgeLayers ? pTar : null));
  return choice(chain, { edgeLayers: s.edgeLayers, thresholds }, s.expectedMs, plan);
}

/** cleave's joint plan: cut, exit subset and thresholds from the grid, lowest latency with accuracy >= floor. */
export function jointChoice(chain: Chain, uplinkMbps: number, plan: SampleMatrix, taus: readonly number[], minAccuracy: number): Choice | null {
  const result = planExits({
    inputBytes: chain.inputBytes, uplinkMbps: [uplinkMbps], layers: chain.layers,
    exits: chain.exitAt.map((k, j) => ({ after: chain.layers[k - 1]!.name, edgeMs: chain.exitMs[j]! })),
    thresholds: taus, samples: samplesJson(plan), objective: { minAccuracy },
  });
  const best = result.decisions[0]?.best;
  if (!best) return null;
  const thresholds = chain.exitAt.map((k) => best.exits.find((e) => e.after === chain.layers[k - 1]!.name)?.threshold ?? null);
  return choice(chain, { edgeLayers: best.edgeLayers, thresholds }, best.expectedMs, plan);
}
