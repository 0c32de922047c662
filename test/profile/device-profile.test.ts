import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadProfileError } from '../../src/errors.js';
import { getNetworkProfile } from '../../src/net/profiles.js';
import { DEVICE_CATALOGUE, deviceNames, getDevice } from '../../src/profile/device-catalogue.js';
import { boundOf, calibrateDevice, checkDeviceProfile, estimateEnergyJ, estimateNodeLatencyMs, parseDeviceProfile } from '../../src/profile/device-profile.js';

describe('device profiles', () => {
  it('the catalogue has edge boards, a phone and servers, all valid', () => {
    for (const name of ['raspberry-pi-4', 'jetson-nano', 'snapdragon-865', 'xeon-server', 'a100-server']) assert.ok(deviceNames().includes(name), name);
    for (const d of Object.values(DEVICE_CATALOGUE)) assert.equal(checkDeviceProfile(d, d.name), d);
    assert.ok(getDevice('a100-server').throughputGflops.conv > getDevice('raspberry-pi-4').throughputGflops.conv * 100);
  });

  it('unknown device names list the known ones', () => {
    assert.throws(() => getDevice('pi5'), (e: unknown) => e instanceof BadProfileError && /unknown device "pi5" \(known: a100-server, .*raspberry-pi-4/.test(e.message));
  });

  it('roofline: compute-bound and memory-bound nodes', () => {
    const pi = getDevice('raspberry-pi-4'); // conv 7 GFLOP/s, 4.5 GB/s
    // 7 GFLOP of convolution with little traffic: 1 s.
    assert.ok(Math.abs(estimateNodeLatencyMs(7e9, 1e6, 'conv', pi) - 1000) < 1e-9);
    assert.equal(boundOf(7e9, 1e6, 'conv', pi), 'compute');
    // An elementwise op moving 45 MB: 10 ms of memory time beats its compute time.
    assert.ok(Math.abs(estimateNodeLatencyMs(1e6, 45e6, 'elementwise', pi) - 10) < 1e-9);
    assert.equal(boundOf(1e6, 45e6, 'elementwise', pi), 'memory');
  });

  it('calibration scales estimates to match a measurement', () => {
    const dev = getDevice('dev-vm-2core');
    const est = estimateNodeLatencyMs(1.05e9, 0, 'conv', dev); // 10 ms
    const cal = calibrateDevice(dev, 15, est);
    assert.ok(Math.abs(estimateNodeLatencyMs(1.05e9, 0, 'conv', cal) - 15) < 1e-9);
    assert.throws(() => calibrateDevice(dev, 0, est), /positive/);
  });

  it('energy = busy power x compute + idle power x wait + radio energy per bit', () => {
    const pi = getDevice('raspberry-pi-4');
    const net = getNetworkProfile('wifi');
    const e = estimateEnergyJ(pi, 100, 50, net, 125_000);
    assert.ok(Math.abs(e.computeJ - 0.64) < 1e-12);
    assert.ok(Math.abs(e.idleJ - 0.135) < 1e-12);
    assert.ok(Math.abs(e.radioJ - (1e6 * net.radioTxW) / net.uplinkBps) < 1e-12);
    assert.ok(Math.abs(e.totalJ - (e.computeJ + e.idleJ + e.radioJ)) < 1e-12);
  });

  it('user JSON: errors name the field', () => {
    const good = { ...getDevice('jetson-nano'), name: 'mine' };
    assert.equal(parseDeviceProfile(JSON.stringify(good), 'd.json').name, 'mine');
    assert.throws(() => parseDeviceProfile(JSON.stringify({ ...good, throughputGflops: { conv: 1, gemm: -1, elementwise: 1 } }), 'd.json'), /field "throughputGflops.gemm"/);
    assert.throws(() => parseDeviceProfile(JSON.stringify({ ...good, kind: 'laptop' }), 'd.json'), /field "kind" must be one of edge, phone, server/);
    assert.throws(() => parseDeviceProfile(JSON.stringify({ ...good, busyW: 0.5 }), 'd.json'), /busyW/);
    assert.throws(() => parseDeviceProfile(JSON.stringify({ ...good, memoryBandwidthGBps: 0 }), 'd.json'), /memoryBandwidthGBps/);
    assert.throws(() => parseDeviceProfile(JSON.stringify({ ...good, flops: 1 }), 'd.json'), /unknown field "flops"/);
  });
});
