import type { EpochStats, FitOptions } from '../train/fit.js';
import type { CliIo } from './io.js';
import { progressBar } from './progress.js';

/**
 * Progress of a training run on stderr: a bar per epoch (on a terminal only) and one line per
 * epoch; nothing with --json, whose stdout is for the result.
 */
export function trainingProgress(io: CliIo, json: boolean, epochs: number): Pick<FitOptions, 'onStep' | 'onEpoch'> {
  const bar = progressBar('epoch {epoch} [{bar}] {value}/{total} steps | loss {loss} | acc {acc}', json);
  const line = (s: EpochStats) =>
    `epoch ${s.epoch}/${epochs}: loss ${s.loss.toFixed(4)}, train acc ${(100 * s.trainAccuracy).toFixed(2)}%` +
    `${s.testAccuracy === undefined ? '' : `, test acc ${(100 * s.testAccuracy).toFixed(2)}%`}, ${s.samplesPerSecond.toFixed(0)} samples/s, ${s.seconds.toFixed(1)} s\n`;
  return {
    onStep: (info) => bar.update(info.step, info.steps, { epoch: info.epoch, loss: info.loss.toFixed(4), acc: `${(100 * info.accuracy).toFixed(1)}%` }),
    onEpoch: (s) => {
      if (!json) io.stderr(line(s));
    },
  };
}
