import cliProgress from 'cli-progress';
import { BadRequestError } from '../errors.js';
import { writeFileAtomic } from '../onnx/model-file.js';
import { getDevice } from '../profile/device-catalogue.js';
import { machineFacts, measureCopyBandwidthGBps } from '../profile/machine.js';
import { type MeasuredDevice, measuredDevice } from '../profile/measured-device.js';
import { type ModelProfile, profileModel } from '../profile/profile-model.js';
import { inputShapes, parse, positiveInt } from './args.js';
import { EXIT } from './exit-codes.js';
import { bytes, si, table } from './format.js';
import { type CliIo, printHelp } from './io.js';
import { analyzeFile } from './load.js';

export const PROFILE_HELP = `Usage: cleave profile MODEL [options]

Per-node latency of an ONNX model on this machine, measured with ONNX Runtime's profiler, the
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
               calibration factor: measured end-to-end / roofline estimate

Options:
  --batch N            batch size for symbolic batch dims (default 1)
  --input-shape N=S    shape of an input with other symbolic dims (repeatable)
  --warmup W           runs before measuring, per phase (default 5)
  --repeats R          measured runs per phase (default 20)
  --threads T          ONNX Runtime intra-op threads (default: ORT's choice)
  --measure-cuts K     run head and tail models for K cut points spread over the model, or
                       "all" (default 3; 0 for none)
  --top K              nodes listed in the table (default 15)
  -o, --out FILE       write the device profile (with the measurements) as JSON
  --name NAME          device name in the profile (default: the host name)
  --kind KIND          edge, phone or server (default edge)
  --idle-w W, --busy-w W   power at idle / under load from a power meter (default: not measured, 0)
  --reference DEVICE   compare with a catalogue device's roofline estimate (e.g. dev-vm-2core)
  --seed N             seed of the random input (default 1)
  --json               print the device profile with measurements as JSON on stdout
  -h, --help           show this help

Examples:
  cleave build-model resnet18 --input-size 64 -o resnet18-64.onnx
  cleave profile resnet18-64.onnx --threads 2 -o this-machine.json
  cleave profile model.onnx --repeats 50 --measure-cuts all --json > profile.json
`;

function nonNegativeInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new BadRequestError(`--${name} must be an integer >= 0, got "${value}"`);
  return n;
}

function watts(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new BadRequestError(`--${name} must be a number of watts >= 0, got "${value}"`);
  return n;
}

/** Milliseconds with enough digits for sub-millisecond kernels. */
function ms(x: number): string {
  return x >= 100 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3);
}

function progressBar(enabled: boolean): { update: (phase: string, done: number, total: number) => void; stop: () => void } {
  if (!enabled) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({ format: '{phase} [{bar}] {value}/{total} runs', hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  let current = '';
  return {
    update: (phase, done, total) => {
      if (phase !== current) {
        if (current) bar.stop();
        current = phase;
        bar.start(total, 0, { phase });
      }
      bar.update(done, { phase });
    },
    stop: () => {
      if (current) bar.stop();
    },
  };
}

function summary(device: MeasuredDevice, profile: ModelProfile, top: number): string {
  const m = device.measured;
  const out: string[] = [];
  const mc = m.machine;
  out.push(`${m.model.name || 'model'} at batch ${m.model.batch} on ${mc.cpuModel} (${mc.cpus} CPUs, ${mc.simd.join(' ') || 'no SIMD flags'}), ONNX Runtime ${mc.onnxruntime}, threads ${m.threads}`);
  out.push(`${m.settings.warmup} warm-up + ${m.settings.repeats} measured runs per phase; times are medians [p10-p90]\n`);
  const e = m.endToEnd;
  out.push(`end-to-end, optimisation all:       ${ms(e.optimized.medianMs)} ms [${ms(e.optimized.p10Ms)}-${ms(e.optimized.p90Ms)}]`);
  out.push(`end-to-end, optimisation disabled:  ${ms(e.unoptimized.medianMs)} ms [${ms(e.unoptimized.p10Ms)}-${ms(e.unoptimized.p90Ms)}]`);
  out.push(`profiled runs (disabled, ORT's own): ${ms(m.profiledRun.medianMs)} ms [${ms(m.profiledRun.p10Ms)}-${ms(m.profiledRun.p90Ms)}]`);
  out.push(`sum of node medians (disabled):     ${ms(m.nodeSumMs)} ms; end-to-end / node sum = ${m.overheadRatio.toFixed(2)} (above 1: time outside kernels; below 1: profiler cost on tiny kernels)`);
  out.push(`kernels with optimisation all:      ${m.optimizedKernels.kernels} kernels, ${ms(m.optimizedKernels.mappedMs)} ms mapped to ONNX nodes, ${ms(m.optimizedKernels.unmappedMs)} ms unmapped${m.optimizedKernels.unmapped.length ? ` (${m.optimizedKernels.unmapped.map((u) => `${u.name} ${ms(u.medianMs)}`).join(', ')})` : ''}; ${m.optimizedKernels.fusedAway.length} nodes fused away`);
  if (m.unmappedMs > 0) out.push(`unmapped kernel time with optimisation disabled: ${ms(m.unmappedMs)} ms`);
  out.push('');

  const total = m.nodeSumMs || 1;
  const rows = [...profile.perNode.nodes].sort((a, b) => b.stats.medianMs - a.stats.medianMs).slice(0, top).map((n) => [
    n.index, n.name, n.opType, si(n.flops), ms(n.stats.medianMs), `${ms(n.stats.p10Ms)}-${ms(n.stats.p90Ms)}`, ms(n.stats.madMs),
    `${((100 * n.stats.medianMs) / total).toFixed(1)}%`, n.flops > 0 && n.stats.medianMs > 0 ? (n.flops / n.stats.medianMs / 1e6).toFixed(1) : '-',
    ms(profile.optimized.nodeMs[n.index] ?? 0),
  ]);
  out.push(`top ${rows.length} of ${profile.perNode.nodes.length} nodes by time (optimisation disabled; "fused ms" = its kernel with optimisation all):`);
  out.push(table(['#', 'node', 'op', 'FLOPs', 'ms', 'p10-p90', 'MAD', 'share', 'GFLOP/s', 'fused ms'], rows));

  out.push('per op class:');
  out.push(table(['class', 'nodes', 'FLOPs', 'bytes', 'ms', 'GFLOP/s', 'source'], m.opClasses.map((c) => [
    c.opClass, c.nodes, si(c.flops), bytes(c.bytes), ms(c.ms), c.gflops.toFixed(1), c.source,
  ])));

  out.push('per op type:');
  out.push(table(['op', 'nodes', 'FLOPs', 'ms', 'share'], m.opTypes.map((t) => [t.opType, t.nodes, si(t.flops), ms(t.ms), `${((100 * t.ms) / total).toFixed(1)}%`])));

  if (m.cuts.length) {
    out.push('head/tail per cut: sums of node medians (optimisation disabled), sums of fused kernels (all), and measured = head and tail models run apart (all):');
    out.push(table(['cut', 'tensor(s)', 'bytes', 'head ms', 'tail ms', 'fused head', 'fused tail', 'measured head', 'measured tail'], m.cuts.map((c, i) => [
      i, c.tensors.join(','), bytes(c.bytes), ms(c.headMs), ms(c.tailMs), ms(c.optimizedHeadMs), ms(c.optimizedTailMs),
      c.measured ? ms(c.measured.head.medianMs) : '', c.measured ? ms(c.measured.tail.medianMs) : '',
    ])));
  } else out.push('no cut point with one crossing tensor\n');

  const t = device.throughputGflops;
  out.push(`device profile "${device.name}": conv ${t.conv.toFixed(1)}, gemm ${t.gemm.toFixed(1)}, elementwise ${t.elementwise.toFixed(2)} GFLOP/s, memory ${device.memoryBandwidthGBps.toFixed(1)} GB/s (memcpy ${m.copyBandwidthGBps.toFixed(1)}, nodes p90 ${m.nodeBandwidthGBps.toFixed(1)})`);
  out.push(`calibration ${m.calibration.factor.toFixed(3)} = measured ${ms(m.calibration.measuredMs)} ms / roofline ${ms(m.calibration.estimateMs)} ms`);
  if (m.reference) out.push(`vs catalogue "${m.reference.device}": roofline ${ms(m.reference.estimateMs)} ms, measured/estimate ${m.reference.calibration.toFixed(3)}`);
  out.push(`power: ${m.power}`);
  return `${out.join('\n')}\n`;
}

export async function runProfile(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    batch: { type: 'string' },
    'input-shape': { type: 'string', multiple: true },
    warmup: { type: 'string' },
    repeats: { type: 'string' },
    threads: { type: 'string' },
    'measure-cuts': { type: 'string' },
    top: { type: 'string' },
    out: { type: 'string', short: 'o' },
    name: { type: 'string' },
    kind: { type: 'string' },
    'idle-w': { type: 'string' },
    'busy-w': { type: 'string' },
    reference: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, 'profile');
  if (values.help) return printHelp(io, PROFILE_HELP);
  if (positionals.length !== 1) throw new BadRequestError('profile takes one MODEL file; see `cleave profile --help`');
  const warmup = nonNegativeInt(values.warmup, 'warmup', 5);
  const repeats = positiveInt(values.repeats, 'repeats', 20);
  const threads = values.threads === undefined ? undefined : positiveInt(values.threads, 'threads', 1);
  const mc = values['measure-cuts'];
  if (mc !== undefined && mc !== 'all' && !/^\d+$/.test(mc)) throw new BadRequestError(`--measure-cuts takes a count >= 0 or "all", got "${mc}"`);
  const measureCuts = mc === 'all' ? 'all' : nonNegativeInt(mc, 'measure-cuts', 3);
  const top = positiveInt(values.top, 'top', 15);
  const kind = values.kind ?? 'edge';
  if (kind !== 'edge' && kind !== 'phone' && kind !== 'server') throw new BadRequestError(`--kind must be edge, phone or server, got "${kind}"`);
  const idleW = watts(values['idle-w'], 'idle-w');
  const busyW = watts(values['busy-w'], 'busy-w');
  if (idleW !== undefined && busyW !== undefined && busyW < idleW) throw new BadRequestError(`--busy-w (${busyW}) must be >= --idle-w (${idleW})`);
  const reference = values.reference === undefined ? undefined : getDevice(values.reference);
  const seed = nonNegativeInt(values.seed, 'seed', 1);

  const analysis = analyzeFile(positionals[0] as string, { batch: positiveInt(values.batch, 'batch', 1), inputShapes: inputShapes(values['input-shape']) });
  const bar = progressBar(!values.json && process.stderr.isTTY === true);
  let profile: ModelProfile;
  try {
    profile = await profileModel(analysis, { warmup, repeats, threads, measureCuts, seed, onProgress: bar.update });
  } finally {
    bar.stop();
  }
  const machine = machineFacts();
  const device = measuredDevice(analysis, profile, machine, {
    name: values.name ?? machine.hostname,
    kind,
    idleW,
    busyW,
    copyBandwidthGBps: measureCopyBandwidthGBps(),
    reference,
  });
  // Six significant digits: sub-microsecond noise in sums of medians is not information.
  const json = `${JSON.stringify(device, (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v), 2)}\n`;
  if (values.out) writeFileAtomic(values.out, new TextEncoder().encode(json));
  if (values.json) io.stdout(json);
  else {
    io.stdout(summary(device, profile, top));
    if (values.out) io.stdout(`wrote ${values.out}\n`);
  }
  return EXIT.OK;
}
