import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventCore } from '../../src/net/event-core.js';
import { simulateTransfer } from '../../src/net/transfer-sim.js';

describe('EventCore', () => {
  it('fires in (time, priority, sequence) order', () => {
    const core = new EventCore();
    const fired: string[] = [];
    const h = (name: string): void => {
      fired.push(name);
    };
    core.schedule(2, h, 'late');
    core.schedule(1, h, 'b-prio1', 1);
    core.schedule(1, h, 'a-first');
    core.schedule(1, h, 'c-second');
    core.schedule(1, h, 'd-prio-1', -1);
    core.run();
    assert.deepEqual(fired, ['d-prio-1', 'a-first', 'c-second', 'b-prio1', 'late']);
    assert.equal(core.now, 2);
    assert.equal(core.fired, 5);
  });

  it('run(until) stops the clock at until and leaves later events pending', () => {
    const core = new EventCore();
    const fired: number[] = [];
    for (const t of [0.5, 1.5, 2.5]) core.schedule(t, (x: number) => fired.push(x), t);
    core.run(2);
    assert.deepEqual(fired, [0.5, 1.5]);
    assert.equal(core.now, 2);
    assert.equal(core.pending, 1);
  });

  it('handlers may schedule more events; slots are reused', () => {
    const core = new EventCore();
    let count = 0;
    const tick = (left: number): void => {
      count++;
      if (left > 0) core.schedule(0.001, tick, left - 1);
    };
    core.schedule(0, tick, 9999);
    core.run();
    assert.equal(count, 10000);
    assert.ok(Math.abs(core.now - 9.999) < 1e-9);
  });

  it('rejects events in the past', () => {
    const core = new EventCore();
    core.schedule(1, () => undefined, 0);
    core.run();
    assert.throws(() => core.scheduleAt(0.5, () => undefined, 0), /before now/);
  });

  it('keeps a heap order under random insertions', () => {
    const core = new EventCore();
    const times: number[] = [];
    let x = 12345;
    for (let i = 0; i < 5000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      core.schedule(x / 2147483648, (t: number) => times.push(t), x / 2147483648);
    }
    core.run();
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! >= times[i - 1]!);
  });
});

/** 9000 bytes, 1 Mbit/s, 10 ms RTT, 20% loss, Reno, seed 3: handshake, losses, a TLP and retransmissions. */
const GOLDEN = [
  '0.480 linkTxDone', '5.480 linkArrive', '5.960 linkTxDone', '10.960 linkArrive', '22.960 linkTxDone', '27.960 linkArrive',
  '28.376 linkTxDone', '33.376 linkArrive', '34.880 tcpTimer', '34.960 linkTxDone', '39.960 linkArrive', '46.960 linkTxDone',
  '51.960 linkArrive', '58.960 linkTxDone', '61.664 tcpTimer', '63.960 linkArrive', '70.960 linkTxDone', '75.960 linkArrive',
  '76.376 linkTxDone', '81.376 linkArrive', '82.960 linkTxDone', '85.872 linkTxDone', '87.960 linkArrive', '88.376 linkTxDone',
  '88.784 linkTxDone', '90.872 linkArrive', '91.288 linkTxDone', '93.376 linkArrive', '93.784 linkArrive', '94.200 linkTxDone',
  '96.288 linkArrive', '99.200 linkArrive', '108.288 linkTxDone', '113.288 linkArrive', '113.704 linkTxDone', '118.704 linkArrive',
  '120.288 linkTxDone', '125.288 linkArrive', '125.704 linkTxDone', '130.704 linkArrive', '132.288 linkTxDone', '137.288 linkArrive',
  '137.712 linkTxDone', '142.712 linkArrive',
];

describe('simulator determinism', () => {
  const run = (): { trace: string[]; ms: number } => {
    const trace: string[] = [];
    const r = simulateTransfer({
      bytes: 9000,
      seed: 3,
      hostOverheadMs: 0,
      path: { uplinkBps: 1e6, downlinkBps: 1e6, rttMs: 10, lossRate: 0.2, mtu: 1500, congestionControl: 'reno' },
      observer: (t, _p, _s, label) => trace.push(`${(t * 1e3).toFixed(3)} ${label}`),
    });
    return { trace, ms: r.ms };
  };

  it('a tiny fixed-seed transfer reproduces its golden event trace', () => {
    const { trace, ms } = run();
    assert.deepEqual(trace, GOLDEN);
    assert.equal(ms.toFixed(3), '142.712');
  });

  it('two runs with the same seed are identical; another seed differs', () => {
    assert.deepEqual(run().trace, run().trace);
    const other = simulateTransfer({ bytes: 9000, seed: 4, path: { uplinkBps: 1e6, downlinkBps: 1e6, rttMs: 10, lossRate: 0.2, mtu: 1500, congestionControl: 'reno' } });
    assert.notEqual(other.ms.toFixed(3), '142.712');
  });
});
