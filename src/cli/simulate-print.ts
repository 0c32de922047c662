/** What `cleave simulate` prints without --json. */
import type { ScenarioComparison, TransferComparison } from '../net/compare.js';
import { formatBitRate } from '../net/units.js';
import { table } from './format.js';

/** One transfer: the analytic model's and the simulator's figures. */
export function transferTable(r: TransferComparison, label: string): string {
  const { analytic: a, simulated: s, connection } = r;
  return [
    `${r.payloadBytes} bytes over a ${connection} TCP connection (${label})\n\n`,
    table(['model', 'typical ms', 'mean ms', 'p95 ms', 'notes'], [
      ['analytic', a.typicalMs.toFixed(1), a.ms.toFixed(1), '', `${a.packets} packets, ${a.rounds} window rounds, handshake ${a.handshakeMs.toFixed(1)} ms`],
      ['simulated', s.medianMs.toFixed(1), s.meanMs.toFixed(1), s.p95Ms.toFixed(1), `${s.runs} runs, ${s.retransmissions.toFixed(2)} retransmissions/run`],
    ]),
    `\n(typical = median; from ${connection === 'new' ? 'connect()' : 'the write'} to the server's reply arriving)\n`,
  ].join('');
}

/** Many devices: latency percentiles, throughput, loss, queues and utilisation. */
export function scenarioTable({ options: o, simulated: r, analytic }: ScenarioComparison, label: string): string {
  const f = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  return [
    `${o.devices} devices x ${o.fps} fps (${o.arrivals}), ${o.frame.payloadBytes} B per frame over ${o.transport}, ${o.workers} worker(s), ${o.durationS} s (${label})`,
    '',
    table(['metric', 'value'], [
      ['latency p50 ms', f(r.latencyMs.p50)],
      ['latency p95 ms', f(r.latencyMs.p95)],
      ['latency p99 ms', f(r.latencyMs.p99)],
      ['latency mean ms', f(r.latencyMs.mean)],
      ['analytic mean ms (M/D/1 uplink + server queue)', f(analytic.ms)],
      ['frames sent / completed / lost', `${r.framesSent} / ${r.framesCompleted} / ${r.framesLost}`],
      ['throughput frames/s', f(r.throughputFps, 2)],
      ['goodput', formatBitRate(r.goodputBps)],
      ['packets lost per frame', f(r.packetsLostPerFrame, 3)],
      ['uplink utilisation', pct(r.uplink.utilisation)],
      ['uplink queue mean / max packets', `${f(r.uplink.meanQueuePackets, 2)} / ${r.uplink.maxQueuePackets}`],
      ['server utilisation', pct(r.server.utilisation)],
      ['server queue mean / max', `${f(r.server.meanQueue, 2)} / ${r.server.maxQueue}`],
      ['server wait mean ms', f(r.server.meanWaitMs, 2)],
      ['events simulated', String(r.events)],
    ]),
  ].join('\n');
}
