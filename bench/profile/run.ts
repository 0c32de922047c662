/**
 * bench/profile: `cleave profile` on reference models at small inputs, at 1 and 2 ORT threads.
 * Per model: end-to-end (optimisation all / disabled), ORT's own profiled run time, the sum of
 * per-node medians, conv GFLOP/s, the calibration factor of the derived device profile, and for
 * the measured cuts the median error of head/tail predicted from node sums (scaled by the
 * calibration) and from the fused kernels' sums, against head and tail run apart. The machine is shared: the 1-minute load average is recorded
 * with each row, since wall-clock times stretch with it while per-kernel medians barely move.
 * Prints a table; writes bench/results/profile.json.
 *
 *   npx tsc -p tsconfig.json && node build/bench/profile/run.js [--repeats R]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze } from '../../src/analysis/analyze.js';
import { table } from '../../src/cli/format.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { buildModel } from '../../src/models/catalogue.js';
import { machineFacts, measureCopyBandwidthGBps } from '../../src/profile/machine.js';
import { measuredDevice } from '../../src/profile/measured-device.js';
import { profileModel } from '../../src/profile/profile-model.js';
import { median } from '../../src/net/stats.js';
import { option } from '../../src/cli/option-table.js';
import { integer, positive } from '../../src/cli/option-types.js';
import { benchArgs } from '../common/args.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const { values: v } = benchArgs({
  script: 'bench/profile/run.js',
  description: `\`cleave profile\` on ResNet-18, MobileNetV2 (64x64) and the small VGG at 1 and 2 ORT threads:
end-to-end times, per-node sums, conv GFLOP/s, the derived device profile's calibration, and
head/tail predicted from node sums against the cuts run apart, with the load average per row.`,
  options: { repeats: option(integer, { default: 30, check: positive, help: 'profiled runs per model' }) },
  notes: 'Prints a table; writes bench/results/profile.json.',
});
const repeats = v.repeats;

const MODELS = [
  { name: 'resnet18', inputSize: 64 },
  { name: 'mobilenetv2', inputSize: 64 },
  { name: 'small-vgg', inputSize: 28 },
] as const;

const machine = machineFacts();
const copy = measureCopyBandwidthGBps();
const rows: Record<string, unknown>[] = [];
for (const m of MODELS) {
  const analysis = analyze(graphFromModel(buildModel(m.name, { inputSize: m.inputSize })));
  for (const threads of [1, 2]) {
    const load = loadavg()[0]!;
    const p = await profileModel(analysis, { warmup: 5, repeats, threads, measureCuts: 3 });
    const d = measuredDevice(analysis, p, machine, { name: 'bench', copyBandwidthGBps: copy });
    const cal = d.calibration ?? 1;
    const rel = (predicted: number, measured: number) => Math.abs(predicted - measured) / measured;
    const measuredCuts = p.cuts.flatMap((c) => (c.measured ? [{ c, mc: c.measured }] : []));
    // Node sum x calibration: what the derived device profile says for each side.
    const errors = measuredCuts.flatMap(({ c, mc }) => [rel(c.headMs * cal, mc.head.medianMs), rel(c.tailMs * cal, mc.tail.medianMs)]);
    // Sum of the fused kernels each side (optimisation all), no calibration.
    const fusedErrors = measuredCuts.flatMap(({ c, mc }) => [rel(c.optimizedHeadMs, mc.head.medianMs), rel(c.optimizedTailMs, mc.tail.medianMs)]);
    rows.push({
      model: `${m.name}@${m.inputSize}`,
      threads,
      loadAvg1m: load,
      gflop: analysis.totals.flops / 1e9,
      e2eAllMs: p.endToEnd.optimized.medianMs,
      e2eAllP90Ms: p.endToEnd.optimized.p90Ms,
      e2eDisabledMs: p.endToEnd.unoptimized.medianMs,
      profiledRunMs: p.perNode.run.medianMs,
      nodeSumMs: p.perNode.nodeSumMs,
      overheadRatio: p.overheadRatio,
      convGflops: d.throughputGflops.conv,
      calibration: cal,
      cutMedianRelError: errors.length ? median(errors) : null,
      cutFusedMedianRelError: fusedErrors.length ? median(fusedErrors) : null,
    });
  }
}

const pct = (x: unknown) => (typeof x === 'number' ? `${(100 * x).toFixed(0)}%` : '-');
const f = (x: unknown, d = 2) => (typeof x === 'number' ? x.toFixed(d) : String(x));
console.log(`${machine.cpuModel}, ${machine.cpus} CPUs, ONNX Runtime ${machine.onnxruntime}; ${repeats} repeats; memcpy ${copy.toFixed(1)} GB/s`);
console.log(table(
  ['model', 'thr', 'load', 'GFLOP', 'e2e all ms', 'e2e off ms', 'ORT run ms', 'node sum ms', 'e2e/sum', 'conv GFLOP/s', 'calib', 'cut err', 'fused err'],
  rows.map((r) => [r.model as string, r.threads as number, f(r.loadAvg1m, 1), f(r.gflop, 3), f(r.e2eAllMs), f(r.e2eDisabledMs), f(r.profiledRunMs), f(r.nodeSumMs), f(r.overheadRatio),
    f(r.convGflops, 1), f(r.calibration), pct(r.cutMedianRelError), pct(r.cutFusedMedianRelError)]),
));
const out = join(root, 'bench/results/profile.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify({ machine, repeats, copyBandwidthGBps: copy, rows }, null, 2)}\n`);
console.log(`wrote ${out}`);
