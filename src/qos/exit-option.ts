/**
 * Exit configurations as the sweep takes them. An exit branch reads a tensor of the head and
 * answers on the edge when it is confident; a configuration says which exits are on and with
 * which threshold, and carries what that policy does on held-out data. The sweep needs no
 * more than this, so any source of exit statistics (src/exits, a JSON file) can feed it.
 */
import type { Analysis } from '../analysis/analyze.js';
import { closestNames } from '../cut/extract.js';
import { BadRequestError } from '../errors.js';
import type { SampleMatrix } from '../exits/exit-samples.js';
import type { OpClass } from '../profile/device-profile.js';

/** One exit branch of a model. */
export interface ExitBranch {
  /** its output (exit_<k>_logits) */
  readonly name: string;
  /** the tensor it reads: it runs on the edge only when the head computes that tensor */
  readonly after: string;
  /** work of the branch per inference: FLOPs, bytes moved, and the op class that bounds it */
  readonly flops: number;
  readonly bytes: number;
  readonly opClass: OpClass;
  /** bytes of its weights (edge memory) */
  readonly paramBytes: number;
}

/** Which exits are on, with their thresholds, and the policy's effect on held-out data. */
export interface ExitOption {
  /** 'none', or the enabled exits as name@threshold joined by '+' */
  readonly label: string;
  /** enabled exits in the order they are tried, each with its threshold */
  readonly exits: readonly (ExitBranch & { readonly threshold: number })[];
  /** fraction of all samples answered at the exits (1 - the upload fraction) */
  readonly exitFraction: number;
  /** fraction of all samples answered right at an exit */
  readonly rightAtExits: number;
  /**
   * fraction of all samples that reach the main output and are answered right there by the
   * uncut model (with no exit on, every sample reaches it and accuracy.ts uses the cut's own
   * accuracy instead)
   */
  readonly rightAtMain: number;
  /**
   * Per held-out sample, in the order of the data the sweep measures on: the exit that answers
   * (index into `exits`, -1 for the main output) and whether that exit is right. With it the
   * accuracy of (cut, codec, exits) is measured exactly; without, it is combined (see accuracy.ts).
   */
  readonly perSample?: { readonly exitTaken: Int8Array; readonly rightAtExit: Uint8Array };
}

/** No exit on: every inference goes to the main output. */
export const NO_EXITS: ExitOption = { label: 'none', exits: [], exitFraction: 0, rightAtExits: 0, rightAtMain: 0 };

/**
 * Per-sample statistics of a model's exits on held-out data: src/exits' sample matrix (each
 * exit's confidence, max softmax or minus the entropy, and correctness per sample; the main
 * output's correctness) with the branches its columns belong to.
 */
export interface ExitStatistics extends SampleMatrix {
  readonly branches: readonly ExitBranch[];
}

/** Checks that every branch reads a tensor the model computes; `where` names the source in errors. */
export function checkBranches(analysis: Analysis, branches: readonly ExitBranch[], where: string): void {
  const tensors = [...analysis.dataflow.dataTensors];
  branches.forEach((b, j) => {
    if (analysis.dataflow.dataTensors.has(b.after) && analysis.dataflow.graph.producer.has(b.after)) return;
    throw new BadRequestError(`${where}: field "exits[${j}].after" names "${b.after}", which no layer of the model computes; closest: ${closestNames(b.after, tensors).map((t) => `"${t}"`).join(', ')}`);
  });
}

/** The most exit options one sweep enumerates. */
export const MAX_EXIT_OPTIONS = 10_000;

/**
 * Every exit configuration over `stats`: each non-empty subset of the branches with each
 * threshold of `grid` per enabled exit (policy: answer at the first enabled exit whose
 * confidence >= its threshold), after NO_EXITS. Refuses more than MAX_EXIT_OPTIONS.
 */
export function exitOptions(stats: ExitStatistics, grid: readonly number[]): ExitOption[] {
  const m = stats.branches.length;
  const total = (grid.length + 1) ** m;
  if (total > MAX_EXIT_OPTIONS) throw new BadRequestError(`${m} exits x ${grid.length} thresholds make ${total} exit configurations; at most ${MAX_EXIT_OPTIONS}: give fewer thresholds or exits`);
  if (grid.some((t) => !Number.isFinite(t))) throw new BadRequestError(`exit thresholds must be finite confidences, got ${grid.join(', ')}`);
  const options: ExitOption[] = [NO_EXITS];
  // choice[j] = 0: exit j off; c > 0: on with threshold grid[c - 1].
  const choice = new Array<number>(m).fill(0);
  for (let code = 1; code < total; code++) {
    let c = code;
    for (let j = 0; j < m; j++) {
      choice[j] = c % (grid.length + 1);
      c = Math.floor(c / (grid.length + 1));
    }
    options.push(evaluate(stats, choice.map((k) => (k === 0 ? null : grid[k - 1]!)))); // k >= 1 indexes the grid from 1
  }
  return options;
}

/** The option for given thresholds (null = exit off), evaluated on the samples. */
export function evaluate(stats: ExitStatistics, thresholds: readonly (number | null)[]): ExitOption {
  // Bounds: i < n samples and j < m branches index the n x m statistics; on holds branches whose threshold is a number.
  const { samples: n, branches } = stats;
  const m = branches.length;
  const on = thresholds.map((t, j) => (t === null ? -1 : j)).filter((j) => j >= 0);
  const exitTaken = new Int8Array(n).fill(-1);
  const rightAtExit = new Uint8Array(n);
  let exited = 0;
  let rightExit = 0;
  let rightMain = 0;
  for (let i = 0; i < n; i++) {
    for (let e = 0; e < on.length; e++) {
      const j = on[e]!;
      if (stats.confidence[i * m + j]! >= thresholds[j]!) {
        exitTaken[i] = e;
        rightAtExit[i] = stats.correct[i * m + j]!;
        break;
      }
    }
    if (exitTaken[i] === -1) rightMain += stats.mainCorrect[i]!;
    else {
      exited++;
      rightExit += rightAtExit[i]!;
    }
  }
  const exits = on.map((j) => ({ ...branches[j]!, threshold: thresholds[j]! }));
  return {
    label: exits.map((e) => `${e.name}@${e.threshold}`).join('+'),
    exits,
    exitFraction: exited / n,
    rightAtExits: rightExit / n,
    rightAtMain: rightMain / n,
    perSample: { exitTaken, rightAtExit },
  };
}
