/**
 * `cleave/profile`: compute costs: device profiles (roofline latency, energy) and their
 * catalogue, per-cut estimates, and per-node latency measured on this machine with ONNX
 * Runtime's profiler, turned into a measured device profile.
 * This file only re-exports; each module documents its own exports.
 */

// Devices: profiles, roofline latency, energy.
export { OP_CLASSES, calibrateDevice, checkDeviceProfile, estimateEnergyJ, estimateNodeLatencyMs, parseDeviceProfile, type DeviceProfile, type EnergyEstimate, type OpClass } from '../profile/device-profile.js';
export { DEVICE_CATALOGUE, deviceNames, getDevice } from '../profile/device-catalogue.js';
export { estimateCut, type CutEstimate } from '../profile/cut-estimate.js';
export { opClassOf } from '../profile/op-class.js';

// Profiling on this machine: per-node latency (ORT profiler), head/tail per cut, measured device profile.
export { profileModel, recordOrtTrace, type CutProfile, type MeasuredCut, type ModelProfile, type OptimizedKernels, type ProfileOptions } from '../profile/profile-model.js';
export { parseOrtTrace, type TraceKernel, type TraceRun } from '../profile/ort-trace.js';
export { attributeKernels, type KernelAttribution, type NodeLatency, type UnmappedKernel } from '../profile/node-times.js';
export { cutLatencies, type CutLatency } from '../profile/cut-latency.js';
export { MEASURED_FORMAT, deviceProfileOf, measuredDevice, nodeBandwidthGBps, opClassThroughput, opTypeTimes, rooflineModelMs, type DeviceOptions, type MeasuredDevice, type MeasuredSection, type NodeRecord, type OpClassThroughput, type OpTypeTime } from '../profile/measured-device.js';
export { machineFacts, measureCopyBandwidthGBps, type MachineFacts } from '../profile/machine.js';
