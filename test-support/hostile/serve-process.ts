import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { repoRoot } from '../../src/serve/bundle.js';

/** `cleave serve` in a process of its own, so its memory is measured apart from the clients'. */
export interface ServeProcess {
  readonly url: string;
  readonly streamUrl: string;
  /** its resident memory and the request body bytes it holds, from its /metrics */
  metrics(): Promise<{ readonly rssBytes: number; readonly heldBytes: number }>;
  /** SIGTERM, then its exit code */
  stop(): Promise<number | null>;
}

function gauge(text: string, name: string): number {
  const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  if (!m) throw new Error(`/metrics has no ${name}`);
  return Number(m[1]);
}

/** Starts `node bin/cleave.js serve ARGS --port 0 --stream-port 0 --json` and waits for its address. */
export async function serveProcess(args: readonly string[]): Promise<ServeProcess> {
  const child: ChildProcess = spawn(process.execPath, [`${repoRoot()}bin/cleave.js`, 'serve', ...args, '--port', '0', '--stream-port', '0', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr?.on('data', (c: Buffer) => { err += c.toString(); });
  const exited = once(child, 'exit');
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    void exited.then(() => reject(new Error(`cleave serve exited before it served: ${err}`)));
  });
  const { url, stream } = JSON.parse(line) as { url: string; stream: string };
  return {
    url,
    streamUrl: stream,
    metrics: async () => {
      const text = await (await fetch(`${url}/metrics`)).text();
      return { rssBytes: gauge(text, 'process_resident_memory_bytes'), heldBytes: gauge(text, 'cleave_request_body_bytes_held') };
    },
    stop: async () => {
      child.kill('SIGTERM');
      const [code] = await exited as [number | null];
      return code;
    },
  };
}
