/**
 * A real, shaped network link between two Linux network namespaces, for checking the analytic
 * model and the simulator against the kernel's own TCP.
 *
 *   namespace A (sender)                         namespace B (receiver)
 *   ctun 10.199.S.1  --tbf rate--> [delay-line: one-way delay each way] --> ctun 10.199.S.2
 *                    <--tbf rate--                                     <--
 *   loss: an nftables rule in each namespace drops a random N % of the packets arriving on ctun.
 *
 * The kernels here have no netem, so: rate = tc tbf on each TUN device's egress, loss = nftables
 * `numgen random`, delay = native/delay-line (a C program built with the machine's cc). All
 * addresses live only inside the two namespaces this code creates; nothing is sent anywhere else.
 * Names carry the pid and a counter so parallel runs cannot clash, and `close()` (also run on
 * process exit) removes the namespaces, which takes their devices, qdiscs and nft tables along.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Repository root, found from build/test-support/net/ or test-support/net/. */
const repoRoot = existsSync(resolve(here, '../../../native')) ? resolve(here, '../../..') : resolve(here, '../..');
const delaySource = join(repoRoot, 'native/delay-line/delay-line.c');
const probeScript = resolve(here, 'tcp-probe.js');
const TUN = 'ctun';
/**
 * The delay line is the wire: it runs under SCHED_FIFO when the machine allows it, above
 * everything else, so no job on a loaded machine can hold a packet back. The Node processes of a
 * measurement (edge client, server) run as normal processes by default: the tests judge each
 * frame against the CPU waits recorded for it (split-score.ts), and two real-time Node processes
 * of two concurrent tests once held a loaded 2-core machine at 94% CPU each for 25 minutes
 * (real-time load leaves normal processes 5% of the CPU). A bench on a machine it has to itself
 * may ask for them too:
 * CLEAVE_NET_REALTIME=all puts the Node processes under SCHED_FIFO below the wire (fewer frames
 * set aside for CPU waits under load), =0 makes nothing real-time.
 */
export const RT_PRIORITY = { wire: 30, host: 20 } as const;
const RT_MODE = process.env.CLEAVE_NET_REALTIME ?? 'wire';
const RT_OK = RT_MODE !== '0' && spawnSync('chrt', ['-f', '1', 'true']).status === 0;
/** `cmd` under SCHED_FIFO at `priority` when chrt works here; else `cmd` as it is. */
export function withRt(cmd: readonly string[], priority: number = RT_PRIORITY.host): [string, string[]] {
  const rt = RT_OK && (RT_MODE !== 'wire' || priority === RT_PRIORITY.wire);
  const all = rt ? ['chrt', '-f', String(priority), ...cmd] : [...cmd];
  return [all[0]!, all.slice(1)];
}

/**
 * Runs `cmd` (under real-time priority where allowed, as withRt does) and parses each line it
 * prints as JSON; killed after `timeoutMs`, and refused on a non-zero exit with its stderr.
 */
export function runJsonLines<T>(cmd: readonly string[], what: string, timeoutMs: number): Promise<T[]> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(...withRt(cmd), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
      reject(new Error(`${what} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${what} exited ${code}: ${err.trim()}`));
      resolvePromise(out.split('\n').filter((l) => l.trim().length > 0).map((l) => JSON.parse(l) as T));
    });
  });
}
/** Whether measurements run under a real-time policy here (reported next to the figures). */
export function realTimeAvailable(): boolean {
  return RT_OK && RT_MODE !== 'wire';
}
const PORT = 5201;

export interface LinkSettings {
  /** Rate of each direction, bit/s (tc tbf). */
  readonly rateBps: number;
  /** Round-trip propagation delay, ms (half added each way by the delay line). */
  readonly rttMs: number;
  /** Random loss of packets in each direction, percent. */
  readonly lossPct: number;
  /** Drop-tail buffer of the bottleneck (tbf limit), bytes. */
  readonly queueBytes: number;
  /**
   * net.ipv4.tcp_slow_start_after_idle in both namespaces (a new namespace starts with Linux's
   * default, on); unset leaves it as it is.
   */
  readonly slowStartAfterIdle?: boolean;
  /**
   * tbf bucket, bytes (default burstBytesFor(rateBps)). After an idle gap it lets that many
   * bytes through at once, which the simulator's token-bucket link reproduces with the same
   * figure.
   */
  readonly burstBytes?: number;
}

/** The tbf bucket of the runs stored before issue 17 (rows that do not say which they used). */
export const LEGACY_BURST_BYTES = 1500;

/**
 * The tbf bucket for a rate: a millisecond of it, at least one full packet. A one-packet bucket
 * makes tbf wait for its watchdog timer before every packet and lose the timer's latency each
 * time: 2 MB transfers measured 46.6 Mbit/s on a 50 Mbit/s link and 83 on a 100 Mbit/s one
 * (load 18); with a bucket of two or three packets, 49.8 and 94.9.
 */
export function burstBytesFor(rateBps: number): number {
  return Math.max(1500, Math.round(rateBps / 8000));
}

/** One packet event seen by the delay line (native/delay-line/delay-line.c, "trace"). */
export interface WirePacket {
  /** CLOCK_MONOTONIC, ns: the clock of process.hrtime.bigint() on this machine. */
  readonly tNs: number;
  /** 0: A -> B (edge to server), 1: B -> A. */
  readonly dir: 0 | 1;
  /** 0: left the sender's qdisc (tbf); 1: handed to the receiver after the one-way delay. */
  readonly ev: 0 | 1;
  /** IP bytes. */
  readonly len: number;
  /** TCP payload bytes. */
  readonly payload: number;
  /** TCP flags (SYN 0x02, FIN 0x01). */
  readonly flags: number;
}

export interface TransferSample {
  readonly bytes: number;
  /** From just before connect() to the receiver's 1-byte application acknowledgement. */
  readonly ms: number;
}

/**
 * Why real-link tests cannot run here (not root, or no network namespaces), or undefined if they
 * can. Missing tools are not a reason to skip: see `missingTools`.
 */
export function netnsUnavailableReason(): string | undefined {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root (network namespaces need CAP_NET_ADMIN)';
  if (spawnSync('sh', ['-c', 'command -v ip']).status !== 0) return "'ip' (iproute2) is not installed, so network namespaces cannot be made";
  const probe = `cleave-probe-${process.pid}`;
  const add = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
  if (add.status !== 0) return `'ip netns add' is not possible here: ${add.stderr.trim()}`;
  spawnSync('ip', ['netns', 'del', probe]);
  return undefined;
}

/** Tools the real-link runs need besides ip (CI's .ci/run installs them). */
export function missingTools(): string[] {
  const missing = ['tc', 'nft', 'cc'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (!existsSync('/dev/net/tun')) missing.push('/dev/net/tun');
  return missing;
}

/** Namespaces of ours (this pid) still present: empty after every close(). */
export function leftoverNamespaces(): string[] {
  const out = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout ?? '';
  return out
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(`cleave-${process.pid}-`));
}

/** Compile the delay line once per source version into the temp directory; returns its path. */
export function buildDelayLine(): string {
  const source = readFileSync(delaySource);
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), 'cleave-native');
  const exe = join(dir, `delay-line-${hash}`);
  if (existsSync(exe)) return exe;
  mkdirSync(dir, { recursive: true });
  const partial = `${exe}.${process.pid}.tmp`;
  const cc = spawnSync('cc', ['-O2', '-Wall', '-o', partial, delaySource], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`building the delay line failed:\n${cc.stderr}`);
  renameSync(partial, exe); // atomic: a parallel build never sees a half-written binary
  return exe;
}

function run(args: readonly string[], input?: string): string {
  const r = spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr.trim()}`);
  return r.stdout;
}

function inNs(ns: string, args: readonly string[], input?: string): string {
  return run(['ip', 'netns', 'exec', ns, ...args], input);
}

/** Feed a child's stdout lines to `onLine` until it returns true; fail on the child's exit or a timeout. */
function untilLine(child: ChildProcess, onLine: (line: string) => boolean, what: string, timeoutMs: number): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    if (!child.stdout) return reject(new Error(`${what}: no stdout`));
    const rl = createInterface({ input: child.stdout });
    const timer = setTimeout(() => done(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
    const onExit = (code: number | null): void => done(new Error(`${what} exited (${code}) before it answered`));
    function done(err?: Error): void {
      clearTimeout(timer);
      rl.removeAllListeners('line');
      rl.close();
      child.off('exit', onExit);
      if (err) reject(err);
      else resolvePromise();
    }
    rl.on('line', (line) => {
      if (onLine(line)) done();
    });
    child.once('exit', onExit);
  });
}

/** Wait for a line on a child's stdout that satisfies `ok`, or fail on exit/timeout. */
export function waitForLine(child: ChildProcess, ok: (line: string) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  return untilLine(child, ok, what, timeoutMs);
}

/** The lines a child prints between a line that satisfies `first` and one that satisfies `last`. */
async function collectLines(child: ChildProcess, first: (line: string) => boolean, last: (line: string) => boolean, what: string, timeoutMs = 30_000): Promise<string[]> {
  const got: string[] = [];
  let started = false;
  await untilLine(child, (line) => {
    if (!started) started = first(line);
    else if (last(line)) return true;
    else got.push(line);
    return false;
  }, what, timeoutMs);
  return got;
}

let counter = 0;
const live = new Set<ShapedLink>();
function closeAll(): void {
  for (const link of live) link.closeSync();
}
process.once('exit', closeAll);
// A killed test or bench must still remove its namespaces, then die as it would have.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    closeAll();
    process.kill(process.pid, signal);
  });
}

export class ShapedLink {
  readonly nsA: string;
  readonly nsB: string;
  readonly addrA: string;
  readonly addrB: string;
  private delayLine: ChildProcess | undefined;
  private receiver: ChildProcess | undefined;
  private closed = false;
  private cc = '';
  /** the settings of the last configure(), which setRate() keeps but for the rate */
  private settings: LinkSettings | undefined;

  private constructor() {
    counter += 1;
    const tag = `${process.pid}-${counter}`;
    this.nsA = `cleave-${tag}-a`;
    this.nsB = `cleave-${tag}-b`;
    // Private to the namespaces, so any subnet works; vary it anyway to keep traces readable.
    const s = (process.pid + counter) % 250;
    this.addrA = `10.199.${s}.1`;
    this.addrB = `10.199.${s}.2`;
  }

  /** Create both namespaces, the TUN pair with its delay line, and the receiver. */
  static async create(congestionControl?: string): Promise<ShapedLink> {
    const link = new ShapedLink();
    live.add(link);
    try {
      await link.setUp(congestionControl);
    } catch (err) {
      link.closeSync();
      throw err;
    }
    return link;
  }

  private async setUp(congestionControl?: string): Promise<void> {
    const exe = buildDelayLine();
    run(['ip', 'netns', 'add', this.nsA]);
    run(['ip', 'netns', 'add', this.nsB]);
    this.delayLine = spawn(...withRt([exe, `/var/run/netns/${this.nsA}`, TUN, `/var/run/netns/${this.nsB}`, TUN, '0'], RT_PRIORITY.wire), {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    await waitForLine(this.delayLine, (l) => l === 'ready', 'delay-line');
    for (const [ns, local, peer] of [
      [this.nsA, this.addrA, this.addrB],
      [this.nsB, this.addrB, this.addrA],
    ] as const) {
      inNs(ns, ['ip', 'link', 'set', 'lo', 'up']);
      inNs(ns, ['ip', 'link', 'set', TUN, 'mtu', '1500', 'up']);
      inNs(ns, ['ip', 'addr', 'add', local, 'peer', `${peer}/32`, 'dev', TUN]);
      // Each transfer models a new device: no cached ssthresh/RTT from the previous one.
      inNs(ns, ['sysctl', '-q', '-w', 'net.ipv4.tcp_no_metrics_save=1']);
    }
    // The namespace's default cannot be changed here (EPERM outside the initial namespace), but
    // a route's congctl attribute picks the algorithm for every connection over it.
    this.cc = congestionControl ?? inNs(this.nsA, ['sysctl', '-n', 'net.ipv4.tcp_congestion_control']).trim();
    if (congestionControl) inNs(this.nsA, ['ip', 'route', 'replace', `${this.addrB}/32`, 'dev', TUN, 'congctl', congestionControl]);
    this.receiver = spawn(...withRt(['ip', 'netns', 'exec', this.nsB, process.execPath, probeScript, 'recv', String(PORT)]), {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await waitForLine(this.receiver, (l) => l === 'listening', 'tcp-probe receiver');
  }

  /** The sender's net.ipv4.tcp_slow_start_after_idle, read from its namespace. */
  slowStartAfterIdle(): boolean {
    return inNs(this.nsA, ['sysctl', '-n', 'net.ipv4.tcp_slow_start_after_idle']).trim() !== '0';
  }

  /** Congestion control of the sender's connections (the route's, else the kernel default). */
  congestionControl(): string {
    return this.cc;
  }

  /** Apply rate, delay, loss and buffer to both directions. */
  async configure(s: LinkSettings): Promise<void> {
    this.settings = s;
    const rate = `${Math.round(s.rateBps)}bit`;
    const burst = String(s.burstBytes ?? burstBytesFor(s.rateBps));
    for (const ns of [this.nsA, this.nsB]) {
      inNs(ns, ['tc', 'qdisc', 'replace', 'dev', TUN, 'root', 'tbf', 'rate', rate, 'burst', burst, 'limit', String(Math.round(s.queueBytes))]);
      const perTenThousand = Math.round(s.lossPct * 100);
      const rule = perTenThousand > 0 ? `iifname "${TUN}" numgen random mod 10000 < ${perTenThousand} drop` : '';
      inNs(ns, ['nft', '-f', '-'], `flush ruleset\ntable inet cleave_loss {\n chain pre {\n  type filter hook prerouting priority -300; policy accept;\n  ${rule}\n }\n}\n`);
    }
    if (s.slowStartAfterIdle !== undefined) {
      for (const ns of [this.nsA, this.nsB]) inNs(ns, ['sysctl', '-q', '-w', `net.ipv4.tcp_slow_start_after_idle=${s.slowStartAfterIdle ? 1 : 0}`]);
    }
    const dl = this.delayLine;
    if (!dl?.stdin) throw new Error('delay line is not running');
    const acked = waitForLine(dl, (l) => l === 'ok', 'delay-line delay change');
    dl.stdin.write(`delay ${Math.round((s.rttMs / 2) * 1000)}\n`);
    await acked;
  }

  /** Start recording packets on the wire (up to `capacity` events; a previous trace is dropped). */
  async startTrace(capacity = 400_000): Promise<void> {
    const dl = this.delayLine;
    if (!dl?.stdin) throw new Error('delay line is not running');
    const acked = waitForLine(dl, (l) => l === 'ok', 'delay-line trace');
    dl.stdin.write(`trace ${capacity}\n`);
    await acked;
  }

  /** The packets recorded since startTrace, in the order the delay line saw them; stops recording. */
  async dumpTrace(): Promise<WirePacket[]> {
    const dl = this.delayLine;
    if (!dl?.stdin) throw new Error('delay line is not running');
    const lines = collectLines(dl, (l) => l.startsWith('trace '), (l) => l === 'end', 'delay-line dump');
    dl.stdin.write('dump\n');
    return (await lines).map((l) => {
      const [t, dir, ev, len, payload, flags] = l.split(' ').map(Number);
      return { tNs: t!, dir: dir === 1 ? 1 : 0, ev: ev === 1 ? 1 : 0, len: len!, payload: payload!, flags: flags! };
    });
  }

  /** Pid of the delay line (its CPU starvation is part of a measurement's). */
  delayLinePid(): number | undefined {
    return this.delayLine?.pid;
  }

  /** Run `repeats` fresh TCP transfers of each size from A to B; one sample per transfer. */
  transfer(sizes: readonly number[], repeats: number, timeoutMs = 120_000): Promise<TransferSample[]> {
    const cmd = ['ip', 'netns', 'exec', this.nsA, process.execPath, probeScript, 'send', this.addrB, String(PORT), sizes.join(','), String(repeats), '50'];
    return runJsonLines<TransferSample>(cmd, 'tcp-probe send', timeoutMs);
  }

  /**
   * Change the rate of both directions in place (tc qdisc change: the packets queued in tbf
   * stay queued, connections carry on), keeping the delay, loss, buffer and bucket of the last
   * configure() (a bucket it left to the default follows the new rate, as burstBytesFor says).
   * For runs that change the link under a running client.
   */
  setRate(rateBps: number): void {
    const s = this.settings;
    if (!s) throw new Error('setRate needs a configure() first');
    this.settings = { ...s, rateBps };
    const burst = String(s.burstBytes ?? burstBytesFor(rateBps));
    for (const ns of [this.nsA, this.nsB]) {
      inNs(ns, ['tc', 'qdisc', 'change', 'dev', TUN, 'root', 'tbf', 'rate', `${Math.round(rateBps)}bit`, 'burst', burst, 'limit', String(Math.round(s.queueBytes))]);
    }
  }

  /** The tbf rate in force on the sender's side, bit/s, as tc reports it. */
  rateBps(): number {
    const out = inNs(this.nsA, ['tc', '-j', 'qdisc', 'show', 'dev', TUN]);
    const tbf = (JSON.parse(out) as { kind: string; options?: { rate?: number } }[]).find((q) => q.kind === 'tbf');
    if (tbf?.options?.rate === undefined) throw new Error(`no tbf rate on ${TUN}: ${out}`);
    // tc -j gives the rate in bytes per second.
    return tbf.options.rate * 8;
  }

  /** Remove everything this link made. Safe to call twice. */
  async close(): Promise<void> {
    this.closeSync();
  }

  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    live.delete(this);
    for (const child of [this.receiver, this.delayLine]) {
      if (child?.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    // Deleting a namespace kills nothing by itself, so the receiver was killed above first; the
    // receiver runs under `ip netns exec`, whose child node process gets killed via the netns pids.
    for (const ns of [this.nsA, this.nsB]) {
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout ?? '';
      for (const pid of pids.split(/\s+/).filter((p) => p.length > 0)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // already gone
        }
      }
      spawnSync('ip', ['netns', 'del', ns]);
    }
  }
}
