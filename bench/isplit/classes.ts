// bench/isplit/classes: does the best cut change with the class subset, and do the per-class
// accuracies after retraining agree? Re-scans Grad-CAM per class (fast) and joins it with the
// per-class test accuracies that bench/isplit/run.js measured at each retrained cut
// (bench/results/isplit-<model>.json). Ranked twice: over every cut, and over the spatial
// cuts only (the paper's conv/pool candidates).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readClassifier } from '../../src/interpret/isplit-data.js';
import { rankCuts, scanSaliency } from '../../src/interpret/isplit.js';
import { spearman } from '../../src/interpret/isplit-stats.js';
import { loadDataset } from '../../src/data/datasets.js';
import { option } from '../../src/cli/option-table.js';
import { integer, positive } from '../../src/cli/option-types.js';
import { benchArgs } from '../common/args.js';

const { values } = benchArgs({
  script: 'bench/isplit/classes.js',
  description: `Does the best cut change with the class subset, and do the per-class accuracies after retraining
agree? Re-scans Grad-CAM per class and joins it with the per-class test accuracies that
bench/isplit/run.js measured at each retrained cut (bench/results/isplit-<model>.json, and the
model files named there).`,
  options: { images: option(integer, { default: 2000, check: positive, help: 'test images scanned' }) },
  notes: 'Writes bench/results/isplit-classes.json and isplit-classes.md.',
});

interface Retrained { cut: string; accuracy: number; perClassAccuracy: number[] }
interface RunResult { model: string; file: string; data: 'mnist' | 'fashion-mnist'; retrained: Retrained[] }

const out: Record<string, unknown>[] = [];
const md: string[] = [];
for (const key of ['lenet', 'vgg']) {
  const file = `bench/results/isplit-${key}.json`;
  if (!existsSync(file)) continue;
  const run = JSON.parse(readFileSync(file, 'utf8')) as RunResult;
  const modelFile = run.file;
  const test = loadDataset(run.data, 'test', { limit: values.images });
  const scan = await scanSaliency(readClassifier(modelFile), test, { images: values.images, batch: 50 });
  for (const spatialOnly of [false, true]) {
    const retrained = run.retrained.filter((r) => scan.layers.some((l) => l.tensor === r.cut && (!spatialOnly || l.spatial.some((d) => d > 1))));
    const perClass = Array.from({ length: scan.classes }, (_, c) => {
      const rk = rankCuts(scan, [c], { spatialOnly });
      const s = retrained.map((r) => rk.cuts.find((x) => x.tensor === r.cut)?.score!);
      const a = retrained.map((r) => r.perClassAccuracy[c]!);
      const bestS = retrained[s.indexOf(Math.max(...s))]!.cut;
      const bestA = retrained[a.indexOf(Math.max(...a))]!.cut;
      return { class: c, name: scan.classNames[c], images: rk.images, recommended: rk.recommended, candidates: rk.candidates, bestRetrainedByScore: bestS, bestRetrainedByAccuracy: bestA, spearman: spearman(s, a), accuracyAt: Object.fromEntries(retrained.map((r) => [r.cut, r.perClassAccuracy[c]])) };
    });
    // Pairs of classes whose recommended (retrained) cuts differ: does each class keep more accuracy at its own cut?
    const pairs: Record<string, unknown>[] = [];
    for (const p of perClass) {
      for (const q of perClass) {
        if (q.class <= p.class || p.bestRetrainedByScore === q.bestRetrainedByScore) continue;
        const own = (x: typeof p, cut: string) => x.accuracyAt[cut]!;
        pairs.push({
          classes: [p.class, q.class], cuts: [p.bestRetrainedByScore, q.bestRetrainedByScore],
          agrees: own(p, p.bestRetrainedByScore) >= own(p, q.bestRetrainedByScore) && own(q, q.bestRetrainedByScore) >= own(q, p.bestRetrainedByScore),
        });
      }
    }
    const overall = rankCuts(scan, undefined, { spatialOnly });
    const acc = retrained.map((r) => r.accuracy);
    const rhoScore = spearman(retrained.map((r) => overall.cuts.find((x) => x.tensor === r.cut)?.score!), acc);
    const rhoBaseline = spearman(retrained.map((r) => -scan.layers.find((l) => l.tensor === r.cut)?.bytes!), acc);
    const rhos = perClass.map((p) => p.spearman).filter(Number.isFinite);
    const meanRho = rhos.reduce((a, b) => a + b, 0) / Math.max(1, rhos.length);
    out.push({ model: run.model, data: run.data, spatialOnly, spearmanScoreAccuracy: rhoScore, spearmanBaselineAccuracy: rhoBaseline, recommended: overall.recommended, candidates: overall.candidates, images: scan.counts.reduce((a, b) => a + b, 0), perClass, differingPairs: pairs.length, pairsWhereAccuracyAgrees: pairs.filter((x) => x.agrees).length, pairs, meanPerClassSpearman: meanRho });
    md.push(
      `#### ${run.model} on ${run.data}: per class, ${spatialOnly ? 'spatial cuts only' : 'all cuts'} (${retrained.length} retrained cuts)`,
      '',
      '| class | best cut by S | best retrained cut by S | best retrained cut by accuracy | Spearman (S, class accuracy) |',
      '|---|---|---|---|---:|',
      ...perClass.map((p) => `| ${p.class} ${p.name} | ${p.recommended} | ${p.bestRetrainedByScore} | ${p.bestRetrainedByAccuracy} | ${Number.isFinite(p.spearman) ? p.spearman.toFixed(3) : '-'} |`),
      '',
      `All classes: Spearman (S, accuracy) ${rhoScore.toFixed(3)}, bytes baseline (fewer preferred) ${rhoBaseline.toFixed(3)}; recommended ${overall.recommended}, candidates ${overall.candidates.join(', ')}.`,
      `Mean per-class Spearman ${meanRho.toFixed(3)}. Class pairs whose best retrained cut by S differs: ${pairs.length}; of those, pairs where each class keeps at least as much accuracy at its own cut as at the other's: ${pairs.filter((x) => x.agrees).length}.`,
      '',
    );
  }
}
writeFileSync('bench/results/isplit-classes.json', `${JSON.stringify(out, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`);
writeFileSync('bench/results/isplit-classes.md', md.join('\n'));
process.stdout.write(md.join('\n'));
