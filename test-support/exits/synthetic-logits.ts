import type { LogitSet } from '../../src/exits/calibration.js';
import { Random } from '../../src/graph/random.js';

/**
 * Calibrated logits by construction: z ~ N(0, scale^2) per class, the label drawn from
 * softmax(z). Logits z T0 are then miscalibrated by exactly T0 (T0 > 1: overconfident).
 */
export function syntheticLogits(seed: number, samples: number, classes: number, scale: number, t0 = 1): LogitSet {
  const rng = new Random(seed);
  const logits = new Float64Array(samples * classes);
  const labels = new Int32Array(samples);
  const p = new Float64Array(classes);
  for (let i = 0; i < samples; i++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const z = scale * rng.normal();
      logits[i * classes + c] = z * t0;
      p[c] = Math.exp(z);
      sum += p[c]!;
    }
    let u = rng.next() * sum;
    let y = 0;
    while (y < classes - 1 && (u -= p[y]!) > 0) y++;
    labels[i] = y;
  }
  return { logits, labels, classes };
}

/** Mean NLL of logits / T straight from log softmax, one sample at a time. */
export function referenceNll(set: LogitSet, temperature: number): number {
  let total = 0;
  for (let i = 0; i < set.labels.length; i++) {
    const row = Array.from({ length: set.classes }, (_, c) => set.logits[i * set.classes + c]! / temperature);
    const max = Math.max(...row);
    const logSum = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    total += logSum - row[set.labels[i]!]!;
  }
  return total / set.labels.length;
}
