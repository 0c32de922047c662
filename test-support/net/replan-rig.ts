/**
 * A re-planning run over a real shaped link: a model with exits cut at several candidate cuts,
 * each tail served under its own name by `cleave serve`'s server in one namespace, one edge
 * client process (replan-client.ts) in the other holding the heads and the edge config, and
 * the link's rate changed while the client runs.
 *
 *   namespace A (edge):   replan-client.js  EdgeClient: head of the current cut, exits, upload
 *   shaped link:          tbf rate (changed mid-run with ShapedLink.setRate), delay line
 *   namespace B (server): split-server.js   tail-<cut> for every candidate cut
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ClientStats } from '../../src/edge/client-stats.js';
import type { EdgeConfig } from '../../src/edge/edge-config.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { writeExitDeployment } from '../edge/exit-net.js';
import type { ReplanClientConfig, ReplanRecord } from './replan-client.js';
import { type LinkSettings, ShapedLink, waitForLine, withRt } from './shaped-link.js';

const here = dirname(fileURLToPath(import.meta.url));
const clientScript = resolve(here, 'replan-client.js');
const serverScript = resolve(here, 'split-server.js');
const PORT = 8000;
/** No answer from the client process for this long means it is stuck, however loaded the machine. */
const CLIENT_SILENCE_MS = 180_000;
/** `args` in namespace `ns`, real-time as the shaped link's other processes are (withRt). */
function inNamespace(ns: string, args: readonly string[]): [string, string[]] {
  return withRt(['ip', 'netns', 'exec', ns, ...args]);
}

export interface ReplanRigOptions {
  readonly model: ModelProto;
  /** the candidate cuts (tensor names of the model, also its layer names in `config`) */
  readonly cuts: readonly string[];
  /** the edge config's problem and settings (cuts and files are filled in) */
  readonly config: Omit<EdgeConfig, 'cuts' | 'version' | 'full'>;
  /** the model's inputs the client cycles through, each [1, ...dims] */
  readonly inputs: readonly Float32Array[];
  readonly inputName: string;
  readonly dims: readonly number[];
  readonly link: LinkSettings;
}

export class ReplanRig {
  private constructor(
    readonly link: ShapedLink,
    private readonly dir: string,
    private readonly client: ChildProcess,
    private readonly lines: Interface,
  ) {}

  static async create(o: ReplanRigOptions): Promise<ReplanRig> {
    const dir = mkdtempSync(join(tmpdir(), `cleave-replan-${process.pid}-`));
    let link: ShapedLink | undefined;
    try {
      const deployment = writeExitDeployment(dir, o.model, o.cuts, o.config);
      const inputsPath = join(dir, 'inputs.f32');
      const flat = new Float32Array(o.inputs.reduce((n, x) => n + x.length, 0));
      let at = 0;
      for (const x of o.inputs) {
        flat.set(x, at);
        at += x.length;
      }
      writeFileSync(inputsPath, new Uint8Array(flat.buffer));
      link = await ShapedLink.create();
      await link.configure(o.link);
      // The link's cleanup kills every process in its namespaces: this server and the client.
      const server = spawn(...inNamespace(link.nsB, [process.execPath, serverScript, deployment.tails.map((t) => `${t.model}=${t.path}`).join(','), link.addrB, String(PORT)]), {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await waitForLine(server, (l) => l === 'listening', 'split-server', 60_000);
      const config: ReplanClientConfig = {
        serverUrl: `http://${link.addrB}:${PORT}`, edgeConfigPath: deployment.configPath, inputsPath,
        inputName: o.inputName, dims: o.dims, count: o.inputs.length,
      };
      const configPath = join(dir, 'client.json');
      writeFileSync(configPath, JSON.stringify(config));
      const client = spawn(...inNamespace(link.nsA, [process.execPath, clientScript, configPath]), { stdio: ['pipe', 'pipe', 'inherit'] });
      const lines = createInterface({ input: client.stdout as NonNullable<typeof client.stdout> });
      const rig = new ReplanRig(link, dir, client, lines);
      const ready = await rig.nextLine();
      if (ready !== 'ready') throw new Error(`replan-client said "${ready}" instead of ready`);
      return rig;
    } catch (err) {
      link?.closeSync();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  private iterator: AsyncIterator<string> | undefined;

  /** The client's next line on stdout; fails when it exits or stays silent too long. */
  private async nextLine(): Promise<string> {
    this.iterator ??= this.lines[Symbol.asyncIterator]();
    let timer: NodeJS.Timeout | undefined;
    const silent = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`replan-client: no line for ${CLIENT_SILENCE_MS} ms`)), CLIENT_SILENCE_MS);
    });
    try {
      const r = await Promise.race([this.iterator.next(), silent]);
      if (r.done) throw new Error(`replan-client exited (${this.client.exitCode})`);
      return r.value;
    } finally {
      clearTimeout(timer);
    }
  }

  private async send(command: string): Promise<void> {
    this.client.stdin?.write(`${command}\n`);
  }

  /**
   * Sends `n` requests, one after the other; `onRecord` sees each answer as it arrives, while
   * the client goes on with the next request (so a rate change there happens mid-run).
   */
  async run(n: number, onRecord: (r: ReplanRecord) => void = () => undefined): Promise<ReplanRecord[]> {
    await this.send(`run ${n}`);
    const records: ReplanRecord[] = [];
    for (;;) {
      const v = JSON.parse(await this.nextLine()) as ReplanRecord | { ran: number };
      if ('ran' in v) return records;
      records.push(v);
      onRecord(v);
    }
  }

  async stats(): Promise<ClientStats> {
    await this.send('stats');
    return (JSON.parse(await this.nextLine()) as { stats: ClientStats }).stats;
  }

  /** Requests the server answered with 200, per model, from its /metrics. */
  async served(): Promise<Record<string, number>> {
    await this.send('metrics');
    return (JSON.parse(await this.nextLine()) as { served: Record<string, number> }).served;
  }

  async close(): Promise<void> {
    this.client.stdin?.end('quit\n');
    this.lines.close();
    this.link.closeSync();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
