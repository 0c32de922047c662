import assert from 'node:assert/strict';
import { type AddressInfo, createServer } from 'node:net';
import { after, before } from 'node:test';
import { EdgeClient, type EdgeClientOptions, type Prediction } from '../../src/edge/client.js';
import { loadRunner } from '../../src/edge/node-runtime.js';
import type { EdgeTensor, ModelRunner } from '../../src/edge/runtime.js';
import type { Transport } from '../../src/edge/transport.js';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import { ServedModel } from '../../src/serve/served-model.js';
import { splitNet } from './split-net.js';

/** A deterministic MNIST-shaped input for the split-net fixtures. */
export function image(seed: number): Record<string, EdgeTensor> {
  return { x: { dtype: 'float32', dims: [1, 1, 28, 28], data: Float32Array.from({ length: 784 }, (_, i) => ((i * 31 + seed * 977) % 256) / 255) } };
}

/** A port nobody listens on: bound, then released. */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A generous timeout: healthy replies must never time out on a loaded machine; fault tests set their own. */
export const FAST_RETRY = { timeoutMs: 15_000, retries: 2, backoffMs: 5 };

/**
 * Sends `count` requests at once, calls `kill` once `ready()` says they are all inside the
 * server, and checks that each got exactly one answer (with its own request id).
 */
export async function predictThroughKill(client: EdgeClient, count: number, ready: () => boolean, kill: () => void): Promise<Prediction[]> {
  const answers = new Map<number, Prediction[]>();
  const all = Array.from({ length: count }, (_, k) => client.predict(image(k)).then((p) => {
    answers.set(k, [...(answers.get(k) ?? []), p]);
    return p;
  }));
  while (!ready()) await new Promise((r) => setTimeout(r, 5));
  kill();
  const results = await Promise.all(all);
  assert.equal(answers.size, count);
  for (const [k, list] of answers) assert.equal(list.length, 1, `request ${k} answered ${list.length} times`);
  assert.equal(new Set(results.map((p) => p.requestId)).size, count);
  return results;
}

/** A faulty server's requests: the client retried twice, then answered from the early exit. */
export async function expectLocalAfterRetries(client: EdgeClient, fault: { requests(): number; close(): Promise<void> }, seed: number): Promise<void> {
  try {
    const p = await client.predict(image(seed));
    assert.equal(p.origin, 'local-exit');
    assert.equal(p.attempts, 3);
    assert.equal(fault.requests(), 3);
  } finally {
    await fault.close();
  }
}

/** A faulty server that fails the first attempt only: the retry got the server's answer. */
export async function expectServerOnRetry(client: EdgeClient, fault: { close(): Promise<void> }, seed: number): Promise<void> {
  try {
    const p = await client.predict(image(seed));
    assert.equal(p.origin, 'server');
    assert.equal(p.attempts, 2);
  } finally {
    await fault.close();
  }
}

/** The edge side of the split-net fixture: head, head with an early exit, whole model. */
export interface SplitServing {
  /** the served tail's URL on the transport under test (REST, or the stream port) */
  readonly url: string;
  /** the head alone, the head with its early exit, and the whole model */
  readonly head: ModelRunner;
  readonly headExit: ModelRunner;
  readonly full: ModelRunner;
  /** an edge client on the served tail: the exit head, falling back on the exit, then the whole model */
  client(over?: Partial<EdgeClientOptions>): EdgeClient;
  /** checks that `p` came from the server and equals the whole model's output on `x` */
  expectWhole(p: Prediction, x: Record<string, EdgeTensor>): Promise<void>;
}

/**
 * Serves the split-net tail (REST, or its stream port) for the describe block that calls this,
 * with the edge side's runners loaded beside it; both are released after the block.
 */
export function serveSplitNet(options: { readonly stream: boolean; readonly transport: Transport }): SplitServing {
  let server: RunningServer | undefined;
  let runners: ModelRunner[] = [];
  before(async () => {
    const tail = splitNet('tail');
    server = await startServer([await ServedModel.load('tail', tail, tail)], options.stream ? { streamPort: 0 } : {});
    runners = await Promise.all([loadRunner(splitNet('head')), loadRunner(splitNet('head-exit')), loadRunner(splitNet('full'))]);
  });
  after(async () => {
    await server?.close();
    for (const r of runners) await r.release();
  });
  const runner = (i: number) => {
    const r = runners[i];
    if (!r) throw new Error('serveSplitNet: the runners load in before(); use them inside a test');
    return r;
  };
  const serving: SplitServing = {
    get url() {
      if (!server) throw new Error('serveSplitNet: the server starts in before(); use it inside a test');
      return options.stream ? server.streamUrl! : server.url;
    },
    get head() { return runner(0); },
    get headExit() { return runner(1); },
    get full() { return runner(2); },
    client: (over = {}) => new EdgeClient({
      serverUrl: serving.url, model: 'tail', head: serving.headExit, retry: FAST_RETRY, transport: options.transport,
      fallback: { exitOutput: 'exit_logits', full: serving.full }, ...over,
    }),
    expectWhole: async (p, x) => {
      assert.equal(p.origin, 'server', p.fallbackReason);
      const want = (await serving.full.run(x)).logits!;
      assert.deepEqual(Array.from(p.scores.data as Float32Array), Array.from(want.data as Float32Array));
    },
  };
  return serving;
}
