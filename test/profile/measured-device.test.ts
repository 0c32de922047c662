import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { analyze, type Analysis } from '../../src/analysis/analyze.js';
import { BadProfileError, BadRequestError } from '../../src/errors.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { buildModel } from '../../src/models/catalogue.js';
import { getDevice } from '../../src/profile/device-catalogue.js';
import { estimateNodeLatencyMs, parseDeviceProfile } from '../../src/profile/device-profile.js';
import { cpuModelFrom, machineFacts, simdFrom } from '../../src/profile/machine.js';
import { deviceProfileOf, MEASURED_FORMAT, measuredDevice, nodeBandwidthGBps, opClassThroughput, opTypeTimes, rooflineModelMs } from '../../src/profile/measured-device.js';
import type { NodeLatency } from '../../src/profile/node-times.js';
import { type ModelProfile, profileModel } from '../../src/profile/profile-model.js';
import { summarize } from '../../src/net/stats.js';

function node(name: string, opClass: NodeLatency['opClass'], flops: number, ms: number): NodeLatency {
  return { index: 0, name, opType: name, opClass, flops, bytes: 1000, stats: summarize([ms]), kernels: [name], measured: true };
}

describe('opClassThroughput', () => {
  it('divides class FLOPs by class time, and copies a rate the model cannot measure, saying so', () => {
    const c = opClassThroughput([node('Conv', 'conv', 2e9, 10), node('Conv', 'conv', 1e9, 20), node('Relu', 'elementwise', 1e6, 1)]);
    const by = Object.fromEntries(c.map((x) => [x.opClass, x]));
    assert.equal(by.conv?.gflops, 100); // 3 GFLOP in 30 ms
    assert.equal(by.conv?.source, 'measured');
    assert.equal(by.elementwise?.gflops, 1);
    assert.equal(by.gemm?.gflops, 100);
    assert.equal(by.gemm?.source, 'copied from conv');
    assert.equal(by.gemm?.nodes, 0);
  });

  it('refuses a model with no measurable FLOPs', () => {
    assert.throws(() => opClassThroughput([node('Flatten', 'elementwise', 0, 1)]), BadRequestError);
  });
});

describe('opTypeTimes', () => {
  it('sums node medians per op type, slowest first', () => {
    const t = opTypeTimes([node('Conv', 'conv', 10, 2), node('Relu', 'elementwise', 1, 0.5), node('Conv', 'conv', 5, 1)]);
    assert.deepEqual(t, [{ opType: 'Conv', nodes: 2, flops: 15, ms: 3 }, { opType: 'Relu', nodes: 1, flops: 1, ms: 0.5 }]);
  });
});

describe('nodeBandwidthGBps', () => {
  it('is the p90 of bytes / time over measured nodes', () => {
    // bytes 1000 each; 1000 B in 1e-3 ms = 1 GB/s ... 10 GB/s
    const nodes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((k) => node('Relu', 'elementwise', 1, 1e-3 / k));
    assert.ok(Math.abs(nodeBandwidthGBps(nodes) - 9.1) < 1e-9);
    assert.equal(nodeBandwidthGBps([]), 0);
  });
});

describe('machine facts', () => {
  it('reads the CPU model and SIMD flags from /proc/cpuinfo text (x86 and ARM layouts)', () => {
    assert.equal(cpuModelFrom([{ model: '' }], 'processor\t: 0\nModel\t\t: Raspberry Pi 4 Model B Rev 1.4\n'), 'Raspberry Pi 4 Model B Rev 1.4');
    assert.equal(cpuModelFrom([{ model: 'AMD EPYC 7B13' }], ''), 'AMD EPYC 7B13');
    assert.deepEqual(simdFrom('Features\t: fp asimd evtstrm crc32 asimddp\n'), ['asimd', 'asimddp']);
    assert.deepEqual(simdFrom('flags\t\t: fpu sse4_2 avx avx2 fma avx512f\n'), ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f']);
    const m = machineFacts();
    assert.ok(m.cpus >= 1 && m.memoryBytes > 0 && /^\d+\.\d+/.test(m.onnxruntime));
  });
});

describe('measuredDevice', () => {
  let analysis: Analysis;
  let profile: ModelProfile;
  before(async () => {
    analysis = analyze(graphFromModel(buildModel('small-cnn')));
    profile = await profileModel(analysis, { warmup: 1, repeats: 3, threads: 1, measureCuts: 1 });
  });

  it('is a device profile whose whole file (measurement included) passes the device-profile schema', () => {
    const d = measuredDevice(analysis, profile, machineFacts(), { name: 'my-board', copyBandwidthGBps: 4.2, reference: getDevice('dev-vm-2core'), date: '2026-11-22T00:00:00Z' });
    const text = JSON.stringify(d);
    const device = parseDeviceProfile(text, 'my-board.json');
    assert.equal(deviceProfileOf(device, 'my-board.json'), device);
    assert.equal(device.name, 'my-board');
    assert.equal(device.kind, 'edge');
    assert.equal(device.memoryBandwidthGBps, Math.max(4.2, d.measured.nodeBandwidthGBps));
    assert.ok(d.measured.nodeBandwidthGBps > 0);
    assert.equal(d.measured.format, MEASURED_FORMAT);
    assert.equal(d.measured.nodes.length, analysis.nodes.length);
    assert.equal(d.measured.cuts.length, analysis.cutPoints.length);
    assert.equal(d.measured.reference?.device, 'dev-vm-2core');
    assert.match(d.measured.power, /not measured/);
  });

  it('calibration makes the roofline estimate of the profiled model equal its measured end-to-end time', () => {
    const d = measuredDevice(analysis, profile, machineFacts(), { name: 'x', copyBandwidthGBps: 10 });
    const estimate = rooflineModelMs(profile.perNode.nodes, d);
    assert.ok(Math.abs(estimate - profile.endToEnd.optimized.medianMs) <= 1e-9 * estimate);
    assert.equal(d.calibration, d.measured.calibration.factor);
    // Each conv node's uncalibrated estimate is at most its measured time: the class rate is a mean.
    const raw = { ...d, calibration: undefined };
    const convMs = profile.perNode.nodes.filter((n) => n.opClass === 'conv').reduce((s, n) => s + n.stats.medianMs, 0);
    const convEst = profile.perNode.nodes.filter((n) => n.opClass === 'conv').reduce((s, n) => s + estimateNodeLatencyMs(n.flops, n.bytes, 'conv', raw), 0);
    assert.ok(convEst >= convMs * (1 - 1e-9), `${convEst} >= ${convMs}`);
  });

  it('deviceProfileOf names a broken field', () => {
    const d = JSON.parse(JSON.stringify(measuredDevice(analysis, profile, machineFacts(), { name: 'x', copyBandwidthGBps: 10 }))) as Record<string, unknown>;
    d.memoryBandwidthGBps = -1;
    assert.throws(() => deviceProfileOf(d, 'x.json'), (e: unknown) => e instanceof BadProfileError && /x\.json: field "memoryBandwidthGBps"/.test(e.message));
    assert.throws(() => deviceProfileOf([], 'x.json'), BadProfileError);
    d.memoryBandwidthGBps = 10;
    d.measured = { format: 'something-else/9' };
    assert.throws(() => deviceProfileOf(d, 'x.json'), (e: unknown) => e instanceof BadProfileError && /field "measured.format" must be "cleave-measured-device\/1"/.test(e.message));
  });
});
