import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { serveCommand } from '../../src/cli/serve.js';
import type { CliIo } from '../../src/cli/io.js';
import type { PlanDocument, PlanEntry } from '../../src/qos/plan-file.js';
import { type CliResult, runCli } from '../cli/run-cli.js';
import { LENET_PATH } from '../qos/specs.js';

/** `cleave plan` over the shipped LeNet on a Raspberry Pi 4 and 4G, with `extra` arguments; writes `out`. */
export async function lenetPlan(out: string, ...extra: string[]): Promise<CliResult> {
  return runCli('plan', LENET_PATH, '--device', 'raspberry-pi-4', '--network', '4g', '--max-latency', '200ms', '--simulate-max', '20', '--frames', '50', '-o', out, '--json', ...extra);
}

/** The front index of the first entry `pick` accepts (throws when none does: the test's premise failed). */
export function frontIndex(doc: PlanDocument, pick: (e: PlanEntry) => boolean, what: string): number {
  const i = doc.front.findIndex(pick);
  if (i < 0) throw new Error(`the plan's front has no ${what}: ${doc.front.map((e) => e.id).join('; ')}`);
  return i;
}

/** Every file under `dir`, relative and sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

export interface Serving {
  readonly url: string;
  readonly models: readonly string[];
  readonly page: string | null;
  stop(): Promise<void>;
}

/** `cleave serve DIR` in this process on a free port, until `stop`. */
export async function serveFolder(dir: string): Promise<Serving> {
  let release: () => void = () => undefined;
  const stopped = new Promise<void>((r) => { release = r; });
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (s) => { out.push(s); }, stderr: (s) => { err.push(s); }, stop: stopped };
  const serving = serveCommand.run([dir, '--port', '0', '--json'], io);
  let failed: unknown;
  serving.catch((e: unknown) => { failed = e; });
  while (out.length === 0) {
    if (failed !== undefined) throw failed;
    await new Promise((r) => setTimeout(r, 10));
  }
  const info = JSON.parse(out[0]!) as { url: string; models: string[]; page: string | null };
  return {
    ...info,
    async stop() {
      release();
      const code = await serving;
      if (code !== 0) throw new Error(`serve ended with ${code}: ${err.join('')}`);
    },
  };
}
