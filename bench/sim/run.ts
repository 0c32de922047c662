/**
 * bench/sim: speed of the network models.
 *  - event core alone: events/s of a self-rescheduling load (heap of 1000 pending events);
 *  - the simulator on a real workload: a multi-device scenario (TCP, loss, shared uplink,
 *    server queue), events/s;
 *  - the analytic model: configurations/s over a 10^4-point sweep.
 * Prints a table; writes bench/results/sim.json.
 *
 *   npx tsc -p tsconfig.json && node build/bench/sim/run.js
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { estimateTransfer } from '../../src/net/analytic.js';
import { EventCore } from '../../src/net/event-core.js';
import { Random } from '../../src/net/random.js';
import { simulateScenario } from '../../src/net/scenario.js';
import { median } from '../../src/net/stats.js';
import { benchArgs } from '../common/args.js';

benchArgs({
  script: 'bench/sim/run.js',
  description: `Speed of the network models: the event core alone (events/s, 1000 pending), the simulator on a
multi-device scenario (TCP, loss, shared uplink, server queue: events/s), and the analytic model
over a 10^4-point sweep (configurations/s). Medians of 5.`,
  options: {},
  notes: 'Prints a table; writes bench/results/sim.json.',
});

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');

function coreEventsPerS(): number {
  const core = new EventCore();
  const rng = new Random(1);
  const target = 2_000_000;
  let fired = 0;
  const tick = (_: number): void => {
    if (++fired < target) core.schedule(rng.next(), tick, 0);
  };
  for (let i = 0; i < 1000; i++) core.schedule(rng.next(), tick, 0);
  const t0 = performance.now();
  core.run();
  return core.fired / ((performance.now() - t0) / 1000);
}

function scenarioEventsPerS(): { eventsPerS: number; events: number; ms: number } {
  const t0 = performance.now();
  const r = simulateScenario({
    frame: { headMs: 5, payloadBytes: 50_000, tailMs: 4 },
    path: { uplinkBps: 50e6, downlinkBps: 100e6, rttMs: 20, lossRate: 0.01, mtu: 1500 },
    devices: 10,
    fps: 10,
    durationS: 30,
    workers: 2,
    seed: 1,
  });
  const ms = performance.now() - t0;
  return { eventsPerS: r.events / (ms / 1000), events: r.events, ms };
}

function sweepConfigsPerS(): { configsPerS: number; configs: number; ms: number } {
  const configs: { bytes: number; bw: number; rtt: number; loss: number }[] = [];
  for (const bytes of [1e3, 1e4, 3e4, 1e5, 3e5, 1e6, 3e6, 1e7, 3e7, 1e8])
    for (const bw of [1e5, 1e6, 5e6, 1e7, 5e7, 1e8, 5e8, 1e9, 2e9, 1e10])
      for (const rtt of [1, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]) for (const loss of [0, 0.001, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]) configs.push({ bytes, bw, rtt, loss });
  const t0 = performance.now();
  let sink = 0;
  for (const c of configs) sink += estimateTransfer(c.bytes, { uplinkBps: c.bw, downlinkBps: c.bw, rttMs: c.rtt, lossRate: c.loss, mtu: 1500 }).ms;
  const ms = performance.now() - t0;
  if (!(sink > 0)) throw new Error('sweep produced nothing');
  return { configsPerS: configs.length / (ms / 1000), configs: configs.length, ms };
}

const repeats = 5;
const coreRates: number[] = [];
const scenarioRates: number[] = [];
const sweepRates: number[] = [];
let scenario = { eventsPerS: 0, events: 0, ms: 0 };
let sweep = { configsPerS: 0, configs: 0, ms: 0 };
for (let i = 0; i < repeats; i++) {
  coreRates.push(coreEventsPerS());
  scenario = scenarioEventsPerS();
  scenarioRates.push(scenario.eventsPerS);
  sweep = sweepConfigsPerS();
  sweepRates.push(sweep.configsPerS);
}
const result = {
  date: new Date().toISOString(),
  repeats,
  eventCoreEventsPerS: median(coreRates),
  scenarioEventsPerS: median(scenarioRates),
  scenarioEvents: scenario.events,
  analyticConfigsPerS: median(sweepRates),
  analyticSweepConfigs: sweep.configs,
  analyticSweepMs: sweep.configs / median(sweepRates) * 1000,
};
const f = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M` : `${(x / 1e3).toFixed(0)} k`);
process.stdout.write(
  [
    `| measure | median of ${repeats} |`,
    '|---|---:|',
    `| event core, events/s (1000 pending) | ${f(result.eventCoreEventsPerS)} |`,
    `| simulator, 10 devices x 10 fps, TCP, 1% loss, 2 workers: events/s | ${f(result.scenarioEventsPerS)} |`,
    `| analytic model, configurations/s | ${f(result.analyticConfigsPerS)} |`,
    `| analytic sweep of ${result.analyticSweepConfigs} configurations | ${result.analyticSweepMs.toFixed(1)} ms |`,
  ].join('\n') + '\n',
);
const out = join(root, 'bench/results/sim.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
