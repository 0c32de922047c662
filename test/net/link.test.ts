import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventCore } from '../../src/net/event-core.js';
import { Link } from '../../src/net/link.js';
import { PacketKind, PacketPool, type Packet, type PacketSink } from '../../src/net/packet.js';
import { Random } from '../../src/net/random.js';

function collector(): PacketSink & { arrivals: number[]; drops: number } {
  const s = {
    arrivals: [] as number[],
    drops: 0,
    receive(_p: Packet, now: number): void {
      s.arrivals.push(now);
    },
    dropped(): void {
      s.drops++;
    },
  };
  return s;
}

describe('Link', () => {
  it('one packet on an idle link takes size / bandwidth + propagation', () => {
    const core = new EventCore();
    const pool = new PacketPool();
    const link = new Link(core, { bandwidthBps: 10e6, propagationS: 0.025, queueBytes: 100_000 }, new Random(1), pool);
    const sink = collector();
    link.send(pool.take(PacketKind.Datagram, 1500, sink));
    core.run();
    assert.equal(sink.arrivals.length, 1);
    assert.ok(Math.abs(sink.arrivals[0]! - (1500 * 8) / 10e6 - 0.025) < 1e-12);
  });

  it('back-to-back packets are serialised one after another', () => {
    const core = new EventCore();
    const pool = new PacketPool();
    const link = new Link(core, { bandwidthBps: 1e6, propagationS: 0.01, queueBytes: 100_000 }, new Random(1), pool);
    const sink = collector();
    for (let i = 0; i < 3; i++) link.send(pool.take(PacketKind.Datagram, 1000, sink));
    core.run();
    assert.deepEqual(
      sink.arrivals.map((t) => +t.toFixed(9)),
      [0.018, 0.026, 0.034],
    );
    link.settle(core.now);
    assert.ok(Math.abs(link.stats.busyS - 0.024) < 1e-12);
  });

  it('drop-tail: packets beyond the buffer are dropped and reported', () => {
    const core = new EventCore();
    const pool = new PacketPool();
    const link = new Link(core, { bandwidthBps: 1e6, propagationS: 0, queueBytes: 3000 }, new Random(1), pool);
    const sink = collector();
    for (let i = 0; i < 10; i++) link.send(pool.take(PacketKind.Datagram, 1000, sink));
    core.run();
    // One in service + three waiting fit; six are dropped.
    assert.equal(sink.arrivals.length, 4);
    assert.equal(sink.drops, 6);
    assert.equal(link.stats.droppedQueue, 6);
    assert.equal(link.stats.maxQueuePackets, 3);
  });

  it('random loss drops about the configured fraction', () => {
    const core = new EventCore();
    const pool = new PacketPool();
    const link = new Link(core, { bandwidthBps: 1e9, propagationS: 0, queueBytes: 1e9, lossRate: 0.1 }, new Random(5), pool);
    const sink = collector();
    for (let i = 0; i < 20000; i++) link.send(pool.take(PacketKind.Datagram, 100, sink));
    core.run();
    const lost = sink.drops / 20000;
    assert.ok(Math.abs(lost - 0.1) < 0.01, `lost ${lost}`);
  });

  it('token bucket: after idle one bucket of bytes leaves at once, then the rate applies', () => {
    const core = new EventCore();
    const pool = new PacketPool();
    const link = new Link(core, { bandwidthBps: 1e6, propagationS: 0, queueBytes: 1e6, burstBytes: 1500 }, new Random(1), pool);
    const sink = collector();
    for (let i = 0; i < 3; i++) link.send(pool.take(PacketKind.Datagram, 1500, sink));
    core.run();
    assert.deepEqual(
      sink.arrivals.map((t) => +t.toFixed(9)),
      [0, 0.012, 0.024],
    );
  });

  it('jitter never reorders packets', () => {
    const core = new EventCore();
    const pool = new PacketPool();
    const link = new Link(core, { bandwidthBps: 100e6, propagationS: 0.01, queueBytes: 1e6, jitterS: 0.005 }, new Random(9), pool);
    const sink = collector();
    for (let i = 0; i < 500; i++) link.send(pool.take(PacketKind.Datagram, 1500, sink));
    core.run();
    for (let i = 1; i < sink.arrivals.length; i++) assert.ok(sink.arrivals[i]! >= sink.arrivals[i - 1]!);
  });

  it('rejects a non-positive bandwidth', () => {
    assert.throws(() => new Link(new EventCore(), { bandwidthBps: 0, propagationS: 0, queueBytes: 1 }, new Random(1), new PacketPool()), /bandwidth must be > 0/);
  });
});
