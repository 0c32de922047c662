// bench/isplit: does the I-SPLIT saliency S(l) predict the accuracy a cut keeps after a
// bottleneck is trained there, better than the bytes at the cut? For each model: rank every
// single-tensor cut by S(l) (Grad-CAM over test images, predicted class), retrain the
// bottleneck at the post-activation cuts (ReLU / pool / dense hidden outputs, as the paper's
// block outputs) and at every I-SPLIT candidate, measure test accuracy (overall and per class),
// and report Spearman's rho of S and of the bytes baseline against it, and the times.
// Usage: node build/bench/isplit/run.js [--only lenet|vgg] [--rank-images N] [--test N]
//        [--lenet FILE] [--vgg FILE] [--lenet-train N] [--vgg-train N] [--epochs E]
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { trainBottleneck } from '../../src/bottleneck/train.js';
import { accuracyOf } from '../../src/bottleneck/evaluate.js';
import { graphFromModel } from '../../src/graph/graph.js';
import { readClassifier } from '../../src/interpret/isplit-data.js';
import { type IsplitRanking, rankCuts, scanSaliency } from '../../src/interpret/isplit.js';
import { spearman } from '../../src/interpret/isplit-stats.js';
import { buildModel } from '../../src/models/catalogue.js';
import { writeModel } from '../../src/onnx/model-file.js';
import type { ModelProto } from '../../src/onnx/types.js';
import { isplitPlotSvg } from '../../src/report/isplit-plot.js';
import { loadDataset } from '../../src/data/datasets.js';
import { fit } from '../../src/train/fit.js';
import { flag, option } from '../../src/cli/option-table.js';
import { integer, oneOf, positive, text } from '../../src/cli/option-types.js';
import { benchArgs } from '../common/args.js';

const { values } = benchArgs({
  script: 'bench/isplit/run.js',
  description: `Does the I-SPLIT saliency S(l) predict the accuracy a cut keeps after a bottleneck is trained there,
better than the bytes at the cut? Ranks every cut of LeNet (MNIST) and the small VGG
(Fashion-MNIST) by S(l), retrains the bottleneck at the post-activation cuts and every I-SPLIT
candidate, and reports Spearman's rho of S and of bytes against the accuracies. Takes tens of
minutes.`,
  options: {
    only: option(oneOf('lenet', 'vgg'), { help: 'one model only' }),
    'rank-images': option(integer, { default: 1000, check: positive, help: 'test images I-SPLIT ranks with' }),
    test: option(integer, { default: 2000, check: positive, help: 'test images accuracy is measured on' }),
    lenet: option(text, { arg: 'FILE', help: 'LeNet model (default models/lenet-mnist.onnx)' }),
    vgg: option(text, { arg: 'FILE', help: 'small VGG model (default models/small-vgg-fashion.onnx)' }),
    'lenet-train': option(integer, { default: 60000, check: positive, help: 'training images per LeNet cut' }),
    'vgg-train': option(integer, { default: 6400, check: positive, help: 'training images per small VGG cut' }),
    epochs: option(integer, { default: 1, check: positive, help: 'bottleneck training epochs per cut' }),
    threads: option(integer, { check: positive, help: 'ORT threads (default ORT\'s)' }),
    // a variant run: results go to isplit-<model>-<tag>.json, outside the summary
    tag: option(text, { help: 'a variant run: results to bench/results/isplit-<model>-<tag>.json, outside the summary' }),
    'spatial-only': flag('retrain only at cuts with a spatial map (the paper\'s candidates)'),
  },
  notes: 'Writes bench/results/isplit.json, isplit.md, isplit-<model>.json and .svg.',
});
const threads = values.threads;

interface Setup {
  readonly key: string;
  readonly arch: string;
  readonly data: 'mnist' | 'fashion-mnist';
  readonly file: string | undefined;
  readonly trainImages: number;
}

const SETUPS: Setup[] = [
  { key: 'lenet', arch: 'lenet', data: 'mnist' as const, file: values.lenet ?? 'models/lenet-mnist.onnx', trainImages: values['lenet-train'] },
  { key: 'vgg', arch: 'small-vgg', data: 'fashion-mnist' as const, file: values.vgg ?? 'models/small-vgg-fashion.onnx', trainImages: values['vgg-train'] },
].filter((s) => !values.only || s.key === values.only);

/** The trained model: the given file, or a short training run of the architecture when it is missing. */
async function trainedModel(s: Setup): Promise<{ model: ModelProto; source: string; file: string }> {
  if (s.file && existsSync(s.file)) return { model: readClassifier(s.file), source: s.file, file: s.file };
  process.stderr.write(`${s.file} not found: training ${s.arch} on ${s.data} for one epoch\n`);
  const r = await fit(buildModel(s.arch, { seed: 1 }), loadDataset(s.data, 'train', { limit: s.arch === 'lenet' ? 60000 : 12000 }), undefined, {
    batch: 64, epochs: 1, optimizer: { kind: 'adam', lr: 1e-3 }, seed: 1, threads,
  });
  const out = `bench/results/isplit-${s.key}.onnx`;
  writeModel(out, r.model);
  return { model: r.model, source: `${out} (trained by the bench: ${s.arch}, 1 epoch)`, file: out };
}

/** Post-activation cuts: outputs of ReLU and pooling nodes (the paper's block outputs). */
function postActivation(model: ModelProto, tensor: string): boolean {
  const g = graphFromModel(model);
  const p = g.producer.get(tensor);
  return p !== undefined && ['Relu', 'MaxPool', 'AveragePool'].includes(g.nodes[p]?.opType ?? '');
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

async function benchModel(s: Setup): Promise<Record<string, unknown>> {
  const { model, source, file } = await trainedModel(s);
  const test = loadDataset(s.data, 'test', { limit: values.test });
  const train = loadDataset(s.data, 'train', { limit: s.trainImages });
  const base = await accuracyOf(model, test, { threads });

  // I-SPLIT scans test images: with the predicted class it reads no label (labels only pick the
  // class subsets) and trains nothing, so it cannot fit the accuracies measured on them.
  const scan = await scanSaliency(model, test, { images: values['rank-images'], batch: 50, threads });
  const all = rankCuts(scan);
  const perClass = Array.from({ length: scan.classes }, (_, c) => rankCuts(scan, [c]));
  if (!values.tag) writeFileSync(`bench/results/isplit-${s.key}.svg`, isplitPlotSvg(all.cuts.map((c) => ({ label: c.tensor, logScore: c.logScore, bytes: c.bytes, candidate: c.candidate, recommended: c.tensor === all.recommended })), { title: `I-SPLIT: ${s.arch} on ${s.data}` }));
  process.stderr.write(`${s.key}: I-SPLIT over ${all.images} images in ${scan.seconds.toFixed(1)} s; candidates ${all.candidates.join(', ')}; recommended ${all.recommended}\n`);

  const chosen = all.cuts.filter((c) => (postActivation(model, c.tensor) || c.candidate) && (!values['spatial-only'] || c.spatial.some((d) => d > 1)));
  const rows: Record<string, unknown>[] = [];
  let retrainSeconds = 0;
  for (const cut of chosen) {
    const r = await trainBottleneck(model, cut.tensor, train, test, { epochs: values.epochs, batch: 64, lr: 1e-3, seed: 1, threads });
    retrainSeconds += r.seconds;
    rows.push({
      cut: cut.tensor, shape: cut.shape.slice(1), bytes: cut.bytes, codeShape: r.bottleneck.codeShape, codeBytes: r.bottleneck.codeBytes,
      score: cut.score, logScore: cut.logScore, candidate: cut.candidate, rank: cut.rank, accuracy: r.accuracy, perClassAccuracy: r.perClass,
      trainAccuracy: r.history[r.history.length - 1]?.trainAccuracy, seconds: r.seconds,
    });
    process.stderr.write(`  ${cut.tensor.padEnd(14)} bytes ${String(cut.bytes).padStart(6)} -> ${String(r.bottleneck.codeBytes).padStart(5)}  S ${cut.score.toExponential(3)}  acc ${pct(r.accuracy)}  ${r.seconds.toFixed(0)} s\n`);
  }
  const acc = rows.map((r) => r.accuracy as number);
  const sub = (rk: IsplitRanking) => chosen.map((c) => rk.cuts.find((x) => x.tensor === c.tensor)?.score!);
  const rhoScore = spearman(sub(all), acc);
  const rhoBytes = spearman(chosen.map((c) => -c.bytes), acc);
  const rhoBytesRaw = spearman(chosen.map((c) => c.bytes), acc);
  const bestByAcc = rows.reduce((a, b) => ((b.accuracy as number) > (a.accuracy as number) ? b : a)).cut as string;
  // Per class: the best cut by S for that class among the retrained cuts, and by that class's accuracy.
  const classes = perClass.map((rk, c) => {
    const scores = sub(rk);
    const accs = rows.map((r) => (r.perClassAccuracy as number[])[c]!);
    const bestS = chosen[scores.indexOf(Math.max(...scores))]?.tensor;
    const bestA = chosen[accs.indexOf(Math.max(...accs))]?.tensor;
    return { class: c, name: scan.classNames[c], images: rk.images, recommended: rk.recommended, candidates: rk.candidates, bestRetrainedByScore: bestS, bestByAccuracy: bestA, spearman: spearman(scores, accs) };
  });
  const distinct = [...new Set(classes.map((c) => c.recommended))];
  return {
    model: s.arch, source, file, data: s.data, baseAccuracy: base.accuracy, testImages: test.count, trainImages: train.count, epochs: values.epochs,
    isplit: { images: all.images, seconds: scan.seconds, candidates: all.candidates, recommended: all.recommended, smallest: all.smallest, cuts: all.cuts },
    retrained: rows, retrainSeconds,
    spearmanScoreAccuracy: rhoScore, spearmanBaselineAccuracy: rhoBytes, spearmanBytesAccuracy: rhoBytesRaw,
    bestCutByAccuracy: bestByAcc, recommendedAccuracyRank: 1 + acc.filter((a) => a > ((rows.find((r) => r.cut === all.recommended)?.accuracy as number | undefined) ?? Infinity)).length,
    perClass: classes, distinctBestCutsAcrossClasses: distinct,
  };
}

function table(r: Record<string, unknown>): string {
  const rows = r.retrained as Record<string, unknown>[];
  const lines = [
    `### ${r.model} on ${r.data} (test accuracy without a bottleneck ${pct(r.baseAccuracy as number)}, ${r.testImages} test images)`,
    '',
    '| cut | shape | bytes | code bytes | S(l) | S rank | local max | accuracy after retraining |',
    '|---|---|---:|---:|---:|---:|:-:|---:|',
    ...rows.map((x) => `| ${x.cut} | ${(x.shape as number[]).join('x')} | ${x.bytes} | ${x.codeBytes} | ${(x.score as number).toExponential(3)} | ${x.rank} | ${x.candidate ? 'yes' : ''} | ${pct(x.accuracy as number)} |`),
    '',
    `Spearman rho (S(l), accuracy) = ${(r.spearmanScoreAccuracy as number).toFixed(3)}; bytes-only baseline rho (fewer bytes preferred, accuracy) = ${(r.spearmanBaselineAccuracy as number).toFixed(3)}`
      + ` (rho(bytes, accuracy) = ${(r.spearmanBytesAccuracy as number).toFixed(3)}).`,
    `I-SPLIT: ${(r.isplit as { seconds: number }).seconds.toFixed(1)} s over ${(r.isplit as { images: number }).images} images; retraining at ${rows.length} cuts: ${(r.retrainSeconds as number).toFixed(0)} s`
      + ` (${r.trainImages} training images, ${r.epochs} epoch each). Recommended: ${(r.isplit as { recommended: string }).recommended}; best by accuracy: ${r.bestCutByAccuracy}.`,
    `Best cut per class (by S): ${(r.perClass as { class: number; recommended: string }[]).map((c) => `${c.class}: ${c.recommended}`).join(', ')}.`,
    '',
  ];
  return lines.join('\n');
}

mkdirSync('bench/results', { recursive: true });
const json = (v: unknown) => `${JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x), 2)}\n`;
const machine = { cpus: cpus().length, load: loadavg()[0] };
for (const s of SETUPS) {
  const r = { ...(await benchModel(s)), date: new Date().toISOString(), machine };
  process.stdout.write(`${table(r)}\n`);
  // One file per model as soon as it is done; the summary gathers whichever models have run.
  writeFileSync(join('bench/results', `isplit-${s.key}${values.tag ? `-${values.tag}` : ''}.json`), json({ ...r, tag: values.tag }));
}
if (values.tag) process.exit(0);
const done = ['lenet', 'vgg'].map((k) => join('bench/results', `isplit-${k}.json`)).filter(existsSync).map((f) => JSON.parse(readFileSync(f, 'utf8')) as Record<string, unknown>);
writeFileSync('bench/results/isplit.json', json({ bench: 'isplit', results: done }));
writeFileSync('bench/results/isplit.md', done.map(table).join('\n'));
