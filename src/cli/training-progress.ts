import cliProgress from 'cli-progress';
import type { EpochStats, FitOptions } from '../train/fit.js';
import type { CliIo } from './io.js';

/**
 * Progress of a training run on stderr: a bar per epoch (on a terminal only) and one line per
 * epoch; nothing with --json, whose stdout is for the result.
 */
export function trainingProgress(io: CliIo, json: boolean, epochs: number): Pick<FitOptions, 'onStep' | 'onEpoch'> {
  const bar = !json && process.stderr.isTTY
    ? new cliProgress.SingleBar({ format: 'epoch {epoch} [{bar}] {value}/{total} steps | loss {loss} | acc {acc}', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic)
    : undefined;
  const line = (s: EpochStats) =>
    `epoch ${s.epoch}/${epochs}: loss ${s.loss.toFixed(4)}, train acc ${(100 * s.trainAccuracy).toFixed(2)}%` +
    `${s.testAccuracy === undefined ? '' : `, test acc ${(100 * s.testAccuracy).toFixed(2)}%`}, ${s.samplesPerSecond.toFixed(0)} samples/s, ${s.seconds.toFixed(1)} s\n`;
  return {
    onStep: (info) => {
      if (!bar) return;
      if (info.step === 1) bar.start(info.steps, 0, { epoch: info.epoch, loss: '-', acc: '-' });
      bar.update(info.step, { epoch: info.epoch, loss: info.loss.toFixed(4), acc: `${(100 * info.accuracy).toFixed(1)}%` });
      if (info.step === info.steps) bar.stop();
    },
    onEpoch: (s) => {
      if (!json) io.stderr(line(s));
    },
  };
}
