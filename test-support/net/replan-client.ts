/**
 * The edge side of a re-planning run, inside the client namespace with
 * `ip netns exec NS node replan-client.js CONFIG.json`: one EdgeClient from an edge config (a
 * head per candidate cut, their exits, the POPEX table), kept for the whole run so its uplink
 * estimate and its cut carry over. Reads commands on stdin, one per line:
 *   run N     send the next N inputs one after the other; one JSON record per answer, then {"ran": N}
 *   stats     {"stats": ClientStats}
 *   metrics   {"served": {model: requests answered 200}} from the server's /metrics
 *   quit      exit
 * Prints `ready` once the models are loaded.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { EdgeClient } from '../../src/edge/client.js';
import { loadEdgeConfig } from '../../src/edge/node-edge-config.js';
import { nodeGet, nodeTransport } from '../../src/edge/node-transport.js';

export interface ReplanClientConfig {
  readonly serverUrl: string;
  readonly edgeConfigPath: string;
  /** raw float32 inputs, `count` of them, each of `dims` (batch 1) */
  readonly inputsPath: string;
  readonly inputName: string;
  readonly dims: readonly number[];
  readonly count: number;
}

/** One answered request. */
export interface ReplanRecord {
  /** request number in the run, from 0 */
  readonly i: number;
  /** which input (i mod count) */
  readonly input: number;
  readonly requestId: string;
  readonly origin: string;
  readonly cut: string;
  readonly bytesSent: number;
  readonly attempts: number;
  /** the client's uplink estimate after this answer, Mbit/s (null: none yet) */
  readonly uplinkMbps: number | null;
  readonly label: number;
}

async function main(configPath: string): Promise<void> {
  const c = JSON.parse(readFileSync(configPath, 'utf8')) as ReplanClientConfig;
  const raw = readFileSync(c.inputsPath);
  const all = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const per = all.length / c.count;
  const loaded = await loadEdgeConfig(c.edgeConfigPath, { threads: 1 });
  // Decisions, not timings, are the point: a slow answer must be waited for, never retried.
  const client = new EdgeClient({ serverUrl: c.serverUrl, ...loaded.options, transport: nodeTransport, retry: { timeoutMs: 120_000, retries: 0 } });
  let i = 0;
  const out = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);
  const commands = createInterface({ input: process.stdin });
  process.stdout.write('ready\n');
  for await (const line of commands) {
    const [cmd, arg] = line.trim().split(/\s+/);
    if (cmd === 'run') {
      const n = Number(arg);
      for (let k = 0; k < n; k++, i++) {
        const input = i % c.count;
        const p = await client.predict({ [c.inputName]: { dtype: 'float32', dims: c.dims, data: all.slice(input * per, (input + 1) * per) } });
        const record: ReplanRecord = {
          i, input, requestId: p.requestId, origin: p.origin, cut: p.cut, bytesSent: p.bytesSent, attempts: p.attempts,
          uplinkMbps: client.uplinkMbps ?? null, label: p.labels[0] ?? -1,
        };
        out(record);
      }
      out({ ran: n });
    } else if (cmd === 'stats') {
      out({ stats: client.stats() });
    } else if (cmd === 'metrics') {
      const text = (await nodeGet(`${c.serverUrl}/metrics`)).body.toString();
      const served: Record<string, number> = {};
      for (const m of text.matchAll(/^cleave_inference_requests_total\{model="([^"]+)",status="200"\} (\d+)$/gm)) served[m[1]!] = Number(m[2]);
      out({ served });
    } else if (cmd === 'quit') {
      break;
    }
  }
  await loaded.release();
}

if (process.argv[1]?.endsWith('replan-client.js')) {
  main(String(process.argv[2])).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`replan-client: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
