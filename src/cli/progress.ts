import cliProgress from 'cli-progress';

/** A progress bar on stderr that starts itself at the first update and stops at done === total. */
export interface Progress {
  update(done: number, total: number, payload?: Readonly<Record<string, unknown>>): void;
  stop(): void;
}

/**
 * A bar in `format` (cli-progress tokens: {bar}, {value}, {total} and the payload's keys), drawn
 * only on a terminal and never with --json (whose stdout is the result); otherwise it does
 * nothing. A new update after the bar stopped (the next epoch, the next phase) starts it again.
 */
export function progressBar(format: string, json: boolean, options: { readonly clearOnComplete?: boolean } = {}): Progress {
  if (json || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({ format, hideCursor: true, stream: process.stderr, ...options }, cliProgress.Presets.shades_classic);
  let running = false;
  const stop = (): void => {
    if (running) bar.stop();
    running = false;
  };
  return {
    update(done, total, payload = {}) {
      if (!running) bar.start(total, 0, payload);
      running = true;
      bar.update(done, payload);
      if (done >= total) stop();
    },
    stop,
  };
}
