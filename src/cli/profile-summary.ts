/** What `cleave profile` prints without --json. */
import type { MeasuredDevice } from '../profile/measured-device.js';
import type { ModelProfile } from '../profile/profile-model.js';
import { bytes, si, table } from './format.js';

/** Milliseconds with enough digits for sub-millisecond kernels. */
function ms(x: number): string {
  return x >= 100 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3);
}

/** The text `cleave profile` prints: end-to-end vs node sums, the top nodes, op classes and types, cuts, the device line. */
export function profileSummary(device: MeasuredDevice, profile: ModelProfile, top: number): string {
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
