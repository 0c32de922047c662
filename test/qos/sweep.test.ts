import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateSplitLatency } from '../../src/net/split-latency.js';
import { getNetworkProfile, pathFromProfile } from '../../src/net/profiles.js';
import { IP_TCP_HEADER_BYTES } from '../../src/net/tcp.js';
import { estimateCut } from '../../src/profile/cut-estimate.js';
import { getDevice } from '../../src/profile/device-catalogue.js';
import { estimateEnergyJ, estimateNodeLatencyMs } from '../../src/profile/device-profile.js';
import { opClassOf } from '../../src/profile/op-class.js';
import { decodeMs, encodeMs } from '../../src/qos/codec-model.js';
import { exitOptions } from '../../src/qos/exit-option.js';
import { configurationOf, sweep } from '../../src/qos/sweep.js';
import { gapGemmBranch, syntheticExitStatistics } from '../../test-support/qos/synthetic-exits.js';
import { lenetSpec } from '../../test-support/qos/specs.js';

const close = (a: number, b: number, what: string, rel = 1e-9): void => assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

describe('sweep', () => {
  it('enumerates every configuration that can run: (remote + 11 cuts) x 3 codecs x 2 devices x 2 networks + local on 2 devices', () => {
    const r = sweep(lenetSpec());
    assert.equal(r.tables.spec.cuts.length, 13);
    assert.equal(r.count, 12 * 3 * 2 * 2 + 2);
    const ids = new Set(Array.from({ length: r.count }, (_, i) => configurationOf(r, i).id));
    assert.equal(ids.size, r.count, 'configuration ids are unique');
  });

  it("a split configuration's figures equal the lower layers' own models (roofline per node, TCP model, queues, energy, analysis)", () => {
    const load = { devices: 10, fps: 5, workers: 2, connection: 'kept-alive' as const };
    const spec = lenetSpec({ load });
    const r = sweep(spec);
    const { analysis } = spec;
    let checked = 0;
    for (let i = 0; i < r.count; i++) {
      const c = configurationOf(r, i);
      if (c.placement !== 'split') continue;
      const device = getDevice(c.device);
      const network = getNetworkProfile(c.network);
      const server = spec.server;
      const codec = spec.codecs.find((k) => `${k.name}${k.deflate ? '+deflate' : ''}` === c.codec);
      assert.ok(codec);
      const point = analysis.cutPoints.find((p) => p.tensors.join() === c.cut.join());
      assert.ok(point);
      const elements = point.bytes / 4;
      const est = estimateCut(analysis, c.cut, device, server);
      const b = c.breakdown;
      close(b.headMs, est.headMs, 'head');
      close(b.tailMs, est.tailMs + decodeMs(codec, elements, server), 'tail + decode');
      close(b.encodeMs, encodeMs(codec, elements, device), 'encode');
      const replyBytes = Math.max(64, analysis.totals.outputBytes);
      const split = estimateSplitLatency({ headMs: b.headMs, encodeMs: b.encodeMs, payloadBytes: b.payloadBytes, tailMs: b.tailMs, replyBytes }, pathFromProfile(network), { arrivalsPerS: 10 * 5, workers: 2, service: 'fixed' }, 'kept-alive');
      close(b.transferMs, split.transfer.typicalMs, 'transfer');
      close(b.uplinkQueueMs, split.uplinkQueueMs, 'uplink queue');
      close(b.serverQueueMs, split.queueMs, 'server queue');
      close(c.objectives.latencyMs, b.headMs + b.encodeMs + split.uplinkQueueMs + split.transfer.typicalMs + split.queueMs + b.tailMs, 'latency');
      const energy = estimateEnergyJ(device, b.headMs + b.encodeMs, 0, network, split.transfer.wireBytes, replyBytes + IP_TCP_HEADER_BYTES);
      close(c.objectives.energyMj, energy.totalJ * 1000, 'energy');
      assert.equal(c.objectives.edgeMemoryBytes, point.headParamBytes + point.headPeakActivationBytes);
      assert.equal(c.objectives.bytes, elements * (codec.name === 'fp32' ? 4 : codec.name === 'fp16' ? 2 : 1));
      assert.ok(c.objectives.p99Ms >= c.objectives.latencyMs);
      checked++;
    }
    assert.equal(checked, 11 * 3 * 2 * 2);
  });

  it('local runs every node on the edge and sends nothing; remote sends the input and holds only it', () => {
    const spec = lenetSpec();
    const r = sweep(spec);
    const all = Array.from({ length: r.count }, (_, i) => configurationOf(r, i));
    const local = all.filter((c) => c.placement === 'local');
    assert.deepEqual(local.map((c) => [c.device, c.network, c.codec, c.cut.join()]), [['raspberry-pi-4', 'none', 'none', 'logits'], ['jetson-nano', 'none', 'none', 'logits']]);
    for (const c of local) {
      const device = getDevice(c.device);
      const whole = spec.analysis.nodes.reduce((s, n) => s + (n.folded ? 0 : estimateNodeLatencyMs(n.flops, n.bytesRead + n.bytesWritten, opClassOf(n.opType), device)), 0);
      close(c.objectives.latencyMs, whole, 'local latency');
      assert.equal(c.objectives.p99Ms, c.objectives.latencyMs);
      assert.equal(c.objectives.bytes, 0);
      close(c.objectives.energyMj, device.busyW * whole, 'local energy');
      assert.ok(c.objectives.edgeMemoryBytes > spec.analysis.totals.paramBytes);
    }
    const remote = all.filter((c) => c.placement === 'remote');
    assert.equal(remote.length, 3 * 2 * 2);
    for (const c of remote) {
      assert.deepEqual(c.cut, ['input']);
      assert.equal(c.breakdown.headMs, 0);
      assert.equal(c.objectives.edgeMemoryBytes, spec.analysis.totals.inputBytes);
      assert.equal(c.objectives.bytes, c.codec === 'fp32' ? 3136 : c.codec === 'int8' ? 784 : c.breakdown.payloadBytes);
    }
  });

  it('a structured sparsity variant halves the head weights of Conv/Gemm (biases kept) and their FLOPs; its accuracy change is added and labelled predicted', () => {
    const half = { label: 'half', density: 0.5, structured: true, accuracyDelta: -0.01 };
    const spec = lenetSpec({ variants: [{ label: 'dense', density: 1, structured: true, accuracyDelta: 0 }, half], codecs: [{ name: 'fp32' }], devices: [getDevice('raspberry-pi-4')], networks: [getNetworkProfile('4g')] });
    const r = sweep(spec);
    const all = Array.from({ length: r.count }, (_, i) => configurationOf(r, i));
    const at = (label: string) => all.find((c) => c.sparsity === label && c.cut.join() === 'pool2');
    const dense = at('dense');
    const sparse = at('half');
    assert.ok(dense && sparse);
    // conv1: 6x1x5x5 weights + 6 biases, conv2: 16x6x5x5 + 16, float32.
    const weights = 4 * (6 * 25 + 16 * 6 * 25);
    const biases = 4 * (6 + 16);
    const peak = spec.cuts.find((c) => c.tensors.join() === 'pool2')?.headPeakActivationBytes ?? 0;
    assert.equal(dense.objectives.edgeMemoryBytes - peak, weights + biases);
    assert.equal(sparse.objectives.edgeMemoryBytes - peak, weights / 2 + biases);
    assert.ok(sparse.breakdown.headMs < dense.breakdown.headMs);
    close(sparse.objectives.accuracy, dense.objectives.accuracy - 0.01, 'accuracy');
    assert.equal(sparse.objectives.accuracySource, 'predicted');
  });

  it('exits run only where the head computes what they read; exited inferences send nothing', () => {
    const { analysis } = lenetSpec();
    const shape = (t: string) => analysis.inference.tensors.get(t)?.shape ?? [];
    const branches = ['pool1', 'pool2'].map((t, j) => {
      const [, c, h, w] = shape(t);
      return gapGemmBranch(`exit_${j}_logits`, t, c ?? 1, h ?? 1, w ?? 1);
    });
    const options = exitOptions(syntheticExitStatistics(branches, 200), [0.7, 0.9]);
    assert.equal(options.length, 9); // none + (2 thresholds + off)^2 - 1 with something on
    const spec = lenetSpec({ exits: options, codecs: [{ name: 'int8' }], devices: [getDevice('raspberry-pi-4')], networks: [getNetworkProfile('4g')] });
    const r = sweep(spec);
    const all = Array.from({ length: r.count }, (_, i) => configurationOf(r, i));
    const order = spec.cuts.map((c) => c.tensors.join());
    for (const c of all) {
      if (c.exits.length === 0) continue;
      assert.equal(c.placement, 'split');
      for (const x of c.exits) assert.ok(order.indexOf(c.cut.join()) >= order.indexOf(x.after), `${c.id}: exit after ${x.after} runs on the edge`);
      const option = options.find((o) => o.label === c.id.split(' ')[2]?.slice('exits='.length));
      assert.ok(option);
      close(c.breakdown.uploadFraction, 1 - option.exitFraction, 'upload fraction');
      close(c.objectives.bytes, c.breakdown.uploadFraction * c.breakdown.payloadBytes, 'bytes');
      assert.ok(c.breakdown.exitMs > 0);
    }
    // Cuts at conv1/relu1 come before pool1: no exit there; from pool2 on, all 9 options.
    const perCut = (t: string) => all.filter((c) => c.cut.join() === t).length;
    assert.equal(perCut('relu1'), 1);
    assert.equal(perCut('pool1'), 3);
    assert.equal(perCut('fc1'), 9);
  });

  it('refuses a sweep too large to hold, saying what to cut down', () => {
    const devices = Array.from({ length: 300 }, (_, i) => ({ ...getDevice('raspberry-pi-4'), name: `pi-${i}` }));
    const networks = Array.from({ length: 300 }, (_, i) => ({ ...getNetworkProfile('4g'), name: `net-${i}` }));
    assert.throws(() => sweep(lenetSpec({ devices, networks })), /the sweep has 3240300 configurations \(13 cuts x 3 codecs x 1 exit configurations x 1 sparsity variants x 300 devices x 300 networks, less those that cannot run\); at most 2000000/);
  });
});
