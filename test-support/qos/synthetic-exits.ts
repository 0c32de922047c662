import { Random } from '../../src/graph/random.js';
import type { ExitBranch, ExitStatistics } from '../../src/qos/exit-option.js';

/**
 * Per-sample exit statistics drawn from a seed: exit j's confidence on a sample is uniform in
 * [0.3 + 0.15 j, 1) (deeper exits are surer), and its answer is right with probability equal
 * to that confidence (a calibrated exit); the main output is right with probability `main`.
 * For tests of the exit bookkeeping and for timing the sweep, not for figures about models.
 */
export function syntheticExitStatistics(branches: readonly ExitBranch[], samples: number, seed = 1, main = 0.95): ExitStatistics {
  const rng = new Random(seed);
  const m = branches.length;
  const confidence = new Float64Array(samples * m);
  const correct = new Uint8Array(samples * m);
  const mainCorrect = new Uint8Array(samples);
  for (let i = 0; i < samples; i++) {
    for (let j = 0; j < m; j++) {
      const lo = Math.min(0.9, 0.3 + 0.15 * j);
      const c = lo + (1 - lo) * rng.next();
      confidence[i * m + j] = c;
      correct[i * m + j] = rng.next() < c ? 1 : 0;
    }
    mainCorrect[i] = rng.next() < main ? 1 : 0;
  }
  return { branches, samples, exits: m, confidence, correct, mainCorrect };
}

/** A branch BN -> GAP -> Flatten -> Gemm reading a [1, C, H, W] map, to `classes` classes: its FLOPs, bytes and weights. */
export function gapGemmBranch(name: string, after: string, channels: number, height: number, width: number, classes = 10): ExitBranch {
  const map = channels * height * width;
  return {
    name,
    after,
    // BN: 2 FLOPs per element; GAP: 1 per element; Gemm: 2 C classes + classes.
    flops: 3 * map + 2 * channels * classes + classes,
    bytes: 4 * (3 * map + channels * classes + classes + 4 * channels),
    opClass: 'gemm',
    paramBytes: 4 * (4 * channels + channels * classes + classes),
  };
}
