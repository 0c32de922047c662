// bench/analyze: load + analyse + list cut points of ResNet-50 and VGG-16 built to files, and
// cut ResNet-50 in two; each run in a fresh process (cold, like the CLI), median of N runs.
// Compared, in the same run, with the onnx Python package when it is installed.
// Usage: node build/bench/analyze/run.js [--runs N]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from '../../src/cli/format.js';
import { buildModel } from '../../src/models/catalogue.js';
import { writeModel } from '../../src/onnx/model-file.js';
import { median } from '../../src/net/stats.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../..');
const cache = join(root, 'bench/.cache');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;

interface Measure { analyzeMs: number; cutMs: number | null; peakRssMiB: number; cutPoints: number }
interface Reference { loadMs: number; cutMs: number | null; peakRssMiB: number }

function python(): string | undefined {
  for (const py of ['/usr/bin/python3', 'python3']) {
    try {
      execFileSync(py, ['-c', 'import onnx'], { stdio: 'ignore' });
      return py;
    } catch { /* try the next */ }
  }
  return undefined;
}

mkdirSync(cache, { recursive: true });
const models = [
  { name: 'resnet50', cut: 'layer3.0.relu3' },
  { name: 'vgg16', cut: undefined },
];
const py = python();
const rows: (string | number)[][] = [];
const results: Record<string, unknown>[] = [];
for (const m of models) {
  const file = join(cache, `${m.name}.onnx`);
  if (!existsSync(file)) writeModel(file, buildModel(m.name, { seed: 1 }));
  const sizeMiB = statSync(file).size / 2 ** 20;
  // Analysis and cutting run in separate processes so each one's peak RSS is its own.
  const measure = (args: string[]) => JSON.parse(execFileSync(process.execPath, [join(here, 'measure.js'), ...args], { encoding: 'utf8' })) as Measure;
  const ours: Measure[] = [];
  const cuts: Measure[] = [];
  for (let i = 0; i < runs; i++) {
    ours.push(measure([file]));
    if (m.cut) cuts.push(measure([file, m.cut]));
  }
  const ref: Reference[] = [];
  if (py) {
    for (let i = 0; i < Math.min(runs, 3); i++) {
      const r = spawnSync(py, [join(root, 'bench/analyze/reference.py'), file, ...(m.cut ? [m.cut] : [])], { encoding: 'utf8' });
      if (r.status === 0) ref.push(JSON.parse(r.stdout) as Reference);
    }
  }
  const res = {
    model: m.name,
    fileMiB: sizeMiB,
    cutPoints: ours[0]?.cutPoints,
    analyzeMs: median(ours.map((o) => o.analyzeMs)),
    peakRssMiB: median(ours.map((o) => o.peakRssMiB)),
    cutMs: m.cut ? median(cuts.map((o) => o.cutMs ?? 0)) : null,
    cutPeakRssMiB: m.cut ? median(cuts.map((o) => o.peakRssMiB)) : null,
    onnxPython: ref.length ? { loadInferMs: median(ref.map((r) => r.loadMs)), peakRssMiB: median(ref.map((r) => r.peakRssMiB)), extractMs: m.cut ? median(ref.map((r) => r.cutMs ?? 0)) : null } : null,
  };
  results.push(res);
  rows.push([
    m.name, res.fileMiB.toFixed(0), res.cutPoints ?? '', res.analyzeMs.toFixed(0), res.peakRssMiB.toFixed(0), res.cutMs === null ? '-' : `${res.cutMs.toFixed(0)} (${res.cutPeakRssMiB?.toFixed(0)} MiB)`,
    res.onnxPython ? res.onnxPython.loadInferMs.toFixed(0) : 'n/a', res.onnxPython ? res.onnxPython.peakRssMiB.toFixed(0) : 'n/a',
    res.onnxPython?.extractMs ? res.onnxPython.extractMs.toFixed(0) : '-',
  ]);
}
process.stdout.write(table(['model', 'file MiB', 'cuts', 'analyze ms', 'peak RSS MiB', 'cut ms (peak RSS)', 'onnx load+infer ms', 'onnx RSS MiB', 'onnx extract ms'], rows));
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/analyze.json'), `${JSON.stringify({ runs, node: process.version, results }, null, 2)}\n`);
