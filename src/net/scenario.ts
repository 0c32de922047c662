/**
 * Many edge devices sharing one uplink to one server: the discrete-event simulation behind
 * `cleave simulate --devices N`. Each device makes frames (periodically at `fps`, with a random
 * phase, or as a Poisson process), runs the head (one frame at a time), sends the cut tensor
 * over TCP (one long-lived connection per device) or UDP (datagrams, no retransmission), the
 * server queues it for one of k workers, runs the tail, and replies over the downlink.
 * A frame's latency runs from its capture to the reply's arrival.
 */
import { nearestRank } from './stats.js';
import type { CongestionControlName } from './congestion.js';
import { EventCore } from './event-core.js';
import { linksOfPath } from './link.js';
import { PacketKind, PacketPool, type Packet, type PacketSink } from './packet.js';
import { checkPath, type PathSpec } from './path.js';
import { Random } from './random.js';
import { ServerQueue } from './server-queue.js';
import type { SplitFrame } from './split-latency.js';
import { TcpConnection } from './tcp.js';
import { BadRequestError } from '../errors.js';

export interface ScenarioOptions {
  readonly frame: SplitFrame;
  readonly path: PathSpec;
  readonly devices: number;
  readonly fps: number;
  readonly arrivals?: 'periodic' | 'poisson';
  /** Seconds of frame generation; the run then drains for up to `drainS` (default 30). */
  readonly durationS: number;
  readonly drainS?: number;
  readonly workers?: number;
  /** Tail service times: fixed at frame.tailMs or exponential with that mean. */
  readonly service?: 'fixed' | 'exponential';
  readonly transport?: 'tcp' | 'udp';
  readonly congestionControl?: CongestionControlName;
  readonly seed?: number;
  /** also return every completed frame's latency (for quantiles of a mixture, as qos/ needs) */
  readonly keepLatencies?: boolean;
}

export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
  readonly max: number;
}

export interface ScenarioResult {
  readonly framesSent: number;
  readonly framesCompleted: number;
  /** Frames that never completed (UDP loss, or still in flight when the drain ended). */
  readonly framesLost: number;
  readonly latencyMs: Percentiles;
  /** Completed frames per second of generation time. */
  readonly throughputFps: number;
  /** Cut-tensor bytes delivered per second, as bit/s. */
  readonly goodputBps: number;
  /** Packets of a frame lost on the way (before retransmission), mean per frame. */
  readonly packetsLostPerFrame: number;
  readonly uplink: { readonly utilisation: number; readonly meanQueuePackets: number; readonly maxQueuePackets: number; readonly droppedPackets: number };
  readonly server: { readonly utilisation: number; readonly meanQueue: number; readonly maxQueue: number; readonly meanWaitMs: number };
  readonly events: number;
  readonly simulatedS: number;
  /** each completed frame's latency, ms, ascending (with `keepLatencies`) */
  readonly latenciesMs?: Float64Array;
}

export function percentiles(values: Float64Array | number[]): Percentiles {
  // Bounds: i < n = sorted's length, and n > 0 (checked).
  const n = values.length;
  if (n === 0) return { p50: NaN, p95: NaN, p99: NaN, mean: NaN, max: NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number): number => nearestRank(sorted, q);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99), mean: sum / n, max: sorted[n - 1]! };
}

function checkScenario(o: ScenarioOptions): void {
  checkPath(o.path);
  const bad = (what: string): never => {
    throw new BadRequestError(what);
  };
  if (!(Number.isInteger(o.devices) && o.devices >= 1)) bad(`devices must be an integer >= 1, got ${o.devices}`);
  if (!(o.fps > 0)) bad(`fps must be > 0, got ${o.fps}`);
  if (!(o.durationS > 0)) bad(`duration must be > 0 s, got ${o.durationS}`);
  if (!(o.frame.payloadBytes > 0)) bad(`payload must be > 0 bytes, got ${o.frame.payloadBytes}`);
  if (!(o.frame.headMs >= 0) || !(o.frame.tailMs >= 0)) bad('head and tail times must be >= 0 ms');
}

/** UDP: the server side counts fragments per frame; the edge side gets the reply datagram. */
class UdpEndpoint implements PacketSink {
  constructor(
    private readonly onFragment: (frame: number, now: number) => void,
    private readonly onReply: (frame: number, now: number) => void,
    private readonly onLost: (frame: number, now: number) => void,
  ) {}
  receive(p: Packet, now: number): void {
    if (p.kind === PacketKind.Reply) this.onReply(p.message, now);
    else this.onFragment(p.message, now);
  }
  dropped(p: Packet, now: number): void {
    this.onLost(p.message, now);
  }
}

export function simulateScenario(o: ScenarioOptions): ScenarioResult {
  // Bounds: a job is a frame number < frames <= maxFrames (the per-frame arrays' length; generate stops at maxFrames), and a device d < o.devices indexes conns and heads, both filled with one entry per device before the first event runs.
  checkScenario(o);
  const core = new EventCore();
  const rng = new Random(o.seed ?? 1);
  const arrivalRng = rng.fork();
  const serviceRng = rng.fork();
  const pool = new PacketPool();
  const path = o.path;
  const overhead = path.linkOverheadBytes ?? 0;
  const { up: uplink, down: downlink } = linksOfPath(core, path, rng, pool);
  const frame = o.frame;
  const replyBytes = frame.replyBytes ?? 64;
  const headS = (frame.headMs + (frame.encodeMs ?? 0)) / 1000;
  const tailS = frame.tailMs / 1000;
  const period = 1 / o.fps;
  const maxFrames = Math.ceil(o.devices * o.fps * o.durationS * 1.5) + o.devices * 4 + 16;
  const created = new Float64Array(maxFrames);
  const done = new Float64Array(maxFrames).fill(-1);
  const lostPackets = new Int32Array(maxFrames);
  const fragmentsLeft = new Int32Array(maxFrames);
  const frameDevice = new Int32Array(maxFrames);
  const frameFailed = new Uint8Array(maxFrames);
  let frames = 0;

  const udp = o.transport === 'udp';
  const fragPayload = path.mtu - 28; // IPv4 20 + UDP 8
  const fragments = Math.ceil(frame.payloadBytes / fragPayload);
  const conns: TcpConnection[] = [];

  const server = new ServerQueue(
    core,
    o.workers ?? 1,
    o.service === 'exponential' ? () => serviceRng.exponential(tailS) : () => tailS,
    (job) => {
      const dev = frameDevice[job]!;
      if (udp) {
        const p = pool.take(PacketKind.Reply, 28 + replyBytes + overhead, udpEndpoint);
        p.message = job;
        p.sentAt = core.now;
        downlink.send(p);
      } else {
        conns[dev]!.reply(job);
      }
    },
  );
  let lastDone = 0;
  let completed = 0;
  let failed = 0;
  const complete = (job: number, now: number): void => {
    // job < frames, within the per-frame arrays
    if (done[job]! < 0) {
      done[job] = now;
      lastDone = now;
      completed++;
    }
  };
  const udpEndpoint = new UdpEndpoint(
    (job) => {
      fragmentsLeft[job] = fragmentsLeft[job]! - 1;
      if (fragmentsLeft[job] === 0 && !frameFailed[job]) server.submit(job);
    },
    complete,
    (job) => {
      lostPackets[job] = lostPackets[job]! + 1;
      // A lost reply also loses the frame (UDP has no retransmission).
      if (frameFailed[job] === 0 && done[job]! < 0) {
        frameFailed[job] = 1;
        failed++;
      }
    },
  );
  for (let d = 0; d < o.devices; d++) {
    const conn = new TcpConnection(
      core,
      uplink,
      downlink,
      pool,
      { mtu: path.mtu, congestionControl: o.congestionControl ?? path.congestionControl ?? 'bbr', linkOverheadBytes: overhead },
      {
        onMessageReceived: (job) => server.submit(job),
        onReply: complete,
        onDataLost: (job) => {
          lostPackets[job] = lostPackets[job]! + 1;
        },
      },
      replyBytes,
      false,
    );
    // Long-lived connections, opened before the first frame.
    conn.assumeEstablished(path.rttMs / 1000);
    conns.push(conn);
  }

  // Each device's head runs one frame at a time.
  const heads: ServerQueue[] = [];
  const sendFrame = (job: number): void => {
    // Bounds: job < frames <= maxFrames, the per-frame arrays' length, and its device < o.devices indexes conns.
    if (udp) {
      fragmentsLeft[job] = fragments;
      let left = frame.payloadBytes;
      for (let i = 0; i < fragments; i++) {
        const b = Math.min(left, fragPayload);
        left -= b;
        const p = pool.take(PacketKind.Datagram, 28 + b + overhead, udpEndpoint);
        p.message = job;
        p.seq = i;
        p.sentAt = core.now;
        uplink.send(p);
      }
    } else {
      conns[frameDevice[job]!]!.write(job, frame.payloadBytes);
    }
  };
  for (let d = 0; d < o.devices; d++) heads.push(new ServerQueue(core, 1, () => headS, sendFrame));

  const generate = function frameArrival(dev: number): void {
    const now = core.now;
    if (now >= o.durationS || frames >= maxFrames) return;
    const job = frames++;
    created[job] = now;
    frameDevice[job] = dev;
    heads[dev]!.submit(job); // dev < o.devices, one head each
    const gap = o.arrivals === 'poisson' ? arrivalRng.exponential(period) : period;
    core.schedule(gap, generate, dev);
  };
  for (let d = 0; d < o.devices; d++) {
    const first = o.arrivals === 'poisson' ? arrivalRng.exponential(period) : arrivalRng.next() * period;
    core.schedule(first, generate, d);
  }

  const endS = o.durationS + (o.drainS ?? 30);
  // The run may stop early once every frame has finished one way or the other.
  const allDone = (): boolean => completed + failed >= frames;
  while (core.pending > 0 && core.peek() <= endS) {
    core.step();
    if (core.now >= o.durationS && allDone()) break;
  }
  // Averages run over the time traffic existed: generation plus the drain actually needed.
  const now = Math.min(endS, Math.max(o.durationS, lastDone));
  uplink.settle(now);
  server.settle(now);

  const lat: number[] = [];
  let lostSum = 0;
  for (let j = 0; j < frames; j++) {
    if (done[j]! >= 0) lat.push((done[j]! - created[j]!) * 1000);
    lostSum += lostPackets[j]!;
  }
  const span = Math.max(now, 1e-9);
  const st = server.stats;
  return {
    framesSent: frames,
    framesCompleted: lat.length,
    framesLost: frames - lat.length,
    latencyMs: percentiles(lat),
    // Over the whole span (generation + the drain needed): an overloaded link shows its real rate.
    throughputFps: lat.length / span,
    goodputBps: (lat.length * frame.payloadBytes * 8) / span,
    packetsLostPerFrame: frames > 0 ? lostSum / frames : 0,
    uplink: {
      utilisation: uplink.stats.busyS / span,
      meanQueuePackets: uplink.stats.queueIntegral / span,
      maxQueuePackets: uplink.stats.maxQueuePackets,
      droppedPackets: uplink.stats.droppedQueue + uplink.stats.droppedRandom,
    },
    server: {
      utilisation: st.busyIntegral / (server.workers * span),
      meanQueue: st.queueIntegral / span,
      maxQueue: st.maxQueue,
      meanWaitMs: st.served > 0 ? (st.waitSum / st.served) * 1000 : 0,
    },
    events: core.fired,
    simulatedS: now,
    ...(o.keepLatencies ? { latenciesMs: Float64Array.from(lat).sort() } : {}),
  };
}
