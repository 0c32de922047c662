import { BadRequestError } from '../errors.js';
import { writeFileAtomic } from '../onnx/model-file.js';
import { getDevice } from '../profile/device-catalogue.js';
import { machineFacts, measureCopyBandwidthGBps } from '../profile/machine.js';
import { measuredDevice, measuredDeviceJson } from '../profile/measured-device.js';
import { type ModelProfile, profileModel } from '../profile/profile-model.js';
import { defineCommand } from './command.js';
import { option } from './option-table.js';
import { inputShapeOption, threadsOption } from './common-options.js';
import { EXIT } from './exit-codes.js';
import { analyzeFile } from './load.js';
import { atLeast, integer, number, oneOf, positive, text, type ValueType } from './option-types.js';
import { profileSummary } from './profile-summary.js';
import { progressBar } from './progress.js';

/** --measure-cuts: a count of cut points or all of them. */
const countOrAll: ValueType<number | 'all'> = {
  noun: 'count',
  accepts: 'a count >= 0 or "all"',
  arg: 'K',
  parse: (t) => (t === 'all' ? 'all' : /^\d+$/.test(t) ? Number(t) : undefined),
};

export const profileCommand = defineCommand({
  name: 'profile',
  summary: 'per-node latency on this machine (ORT profiler), head/tail per cut, and a device profile JSON',
  usage: 'MODEL [options]',
  description: `Per-node latency of an ONNX model on this machine, measured with ONNX Runtime's profiler, the
head and tail latency of every cut point, and a device profile of this machine that
\`cleave simulate\`/\`cleave plan\` load with --device FILE. Run it on your own device (Raspberry
Pi, Jetson, phone with Node) and bring the -o file back.

What is measured:
  per node     ORT profiler kernel times with graph optimisations DISABLED, so each kernel is
               one ONNX node; median, p10/p90 and MAD over the repeats
  end-to-end   plain runs (no profiler) with optimisations ALL (what deployment gets) and
               DISABLED; next to the sum of node medians, the ratio shows framework overhead
  fused        the ORT kernels with optimisations ALL, mapped back to ONNX node names where
               their names allow; the rest is listed as unmapped time
  cuts         head/tail = sums of node medians on each side (and of the fused kernels); a few
               cuts (--measure-cuts) are also cut with cleave's extractor and run as two models
  device       GFLOP/s per op class (conv, gemm, elementwise) from node FLOPs / node time,
               memory bandwidth (the larger of memcpy and what the nodes reached), and a
               calibration factor: measured end-to-end / roofline estimate`,
  args: { min: 1, says: 'one MODEL file' },
  options: {
    batch: option(integer, { default: 1, check: positive, help: 'batch size for symbolic batch dims' }),
    'input-shape': inputShapeOption,
    warmup: option(integer, { default: 5, check: atLeast(0), arg: 'W', help: 'runs before measuring, per phase' }),
    repeats: option(integer, { default: 20, check: positive, arg: 'R', help: 'measured runs per phase' }),
    threads: threadsOption,
    'measure-cuts': option(countOrAll, { default: 3, help: 'run head and tail models for K cut points spread over the model, or "all" (0 for none)' }),
    top: option(integer, { default: 15, check: positive, arg: 'K', help: 'nodes listed in the table' }),
    out: option(text, { short: 'o', arg: 'FILE', help: 'write the device profile (with the measurements) as JSON' }),
    name: option(text, { arg: 'NAME', help: 'device name in the profile (default: the host name)' }),
    kind: option(oneOf('edge', 'phone', 'server'), { default: 'edge', arg: 'KIND', help: 'edge, phone or server' }),
    'idle-w': option(number, { check: atLeast(0), arg: 'W', help: 'power at idle from a power meter (default: not measured, 0)' }),
    'busy-w': option(number, { check: atLeast(0), arg: 'W', help: 'power under load from a power meter (default: not measured, 0)' }),
    reference: option(text, { arg: 'DEVICE', help: "compare with a catalogue device's roofline estimate (e.g. dev-vm-2core)" }),
    seed: option(integer, { default: 1, check: atLeast(0), help: 'seed of the random input' }),
  },
  json: 'print the device profile with measurements as JSON on stdout',
  examples: [
    'cleave build-model resnet18 --input-size 64 -o resnet18-64.onnx',
    'cleave profile resnet18-64.onnx --threads 2 -o this-machine.json',
    'cleave profile model.onnx --repeats 50 --measure-cuts all --json > profile.json',
  ],
  async run({ values: v, positionals: [file] }, io) {
    const [idleW, busyW] = [v['idle-w'], v['busy-w']];
    if (idleW !== undefined && busyW !== undefined && busyW < idleW) throw new BadRequestError(`--busy-w (${busyW}) must be >= --idle-w (${idleW})`);
    const reference = v.reference === undefined ? undefined : getDevice(v.reference);
    const analysis = analyzeFile(file, { batch: v.batch, inputShapes: v['input-shape'] });
    const bar = progressBar('{phase} [{bar}] {value}/{total} runs', v.json, { clearOnComplete: true });
    let profile: ModelProfile;
    try {
      profile = await profileModel(analysis, {
        warmup: v.warmup, repeats: v.repeats, threads: v.threads, measureCuts: v['measure-cuts'], seed: v.seed,
        onProgress: (phase, done, total) => bar.update(done, total, { phase }),
      });
    } finally {
      bar.stop();
    }
    const machine = machineFacts();
    const device = measuredDevice(analysis, profile, machine, {
      name: v.name ?? machine.hostname, kind: v.kind, idleW, busyW, copyBandwidthGBps: measureCopyBandwidthGBps(), reference,
    });
    const json = measuredDeviceJson(device);
    if (v.out) writeFileAtomic(v.out, new TextEncoder().encode(json));
    if (v.json) io.stdout(json);
    else {
      io.stdout(profileSummary(device, profile, v.top));
      if (v.out) io.stdout(`wrote ${v.out}\n`);
    }
    return EXIT.OK;
  },
});
