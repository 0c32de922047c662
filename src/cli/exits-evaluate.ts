/** `cleave exits evaluate`: what an exit policy does on held-out images, clean and distorted. */
import { type Distortion, checkDistortion } from '../exits/distortion.js';
import { type ConditionStats, evaluateExits, samplesFile } from '../exits/evaluate.js';
import { heldOutPart, heldOutRange } from '../exits/held-out.js';
import { checkTaus, DEFAULT_TAUS, thresholdOf } from '../exits/policy.js';
import { loadImages } from '../interpret/isplit-data.js';
import { readModel, writeFileAtomic } from '../onnx/model-file.js';
import { plannedModel } from '../qos/model-exits.js';
import { defineCommand } from './command.js';
import { threadsOption } from './common-options.js';
import { EXIT } from './exit-codes.js';
import { exitsDataOption, policyOption, tausOption } from './exits-options.js';
import { table } from './format.js';
import { printJson } from './io.js';
import { option } from './option-table.js';
import { each, integer, list, number, positive, text } from './option-types.js';

const pct = (v: number | null) => (v === null ? '-' : `${(100 * v).toFixed(1)}%`);

/** One condition as text: each exit alone, then a row per tau. */
function conditionText(c: ConditionStats, exits: readonly string[], policy: string): string {
  // Bounds: the condition's per-exit figures have one entry per exit.
  const alone = exits.map((e, j) => `${e} ${pct(c.accuracy.exits[j]!)} (mean ${policy === 'entropy' ? 'entropy' : 'confidence'} ${Math.abs(c.meanConfidence[j]!).toFixed(3)})`).join(', ');
  const head = ['tau', ...exits.map((_, j) => `exit ${j}: leave | acc`), 'main: share | acc', 'accuracy'];
  const rows = c.taus.map((t) => [
    String(t.tau),
    ...t.exits.map((e) => `${pct(e.exitFraction)} | ${pct(e.accuracyLeaving)}`),
    `${pct(t.mainFraction)} | ${pct(t.mainAccuracy)}`,
    pct(t.accuracy),
  ]);
  return `${c.condition}: alone ${alone}, main ${pct(c.accuracy.main)}\n${table(head, rows)}`;
}

export const exitsEvaluateCommand = defineCommand({
  name: 'exits evaluate',
  summary: 'exit policy statistics per threshold on held-out images, clean and distorted',
  usage: 'MODEL --data SRC [--policy max-softmax|entropy] [--taus T1,T2] [--noise S1,S2] [--blur S1,S2] [--samples FILE.json] [options]',
  description: `Runs the model on the evaluation half of the test images (the half \`cleave exits calibrate\`
does not fit on) and applies the policy "leave at the first exit where max softmax >= tau"
(or entropy <= tau) with each tau of the grid on every exit. Per tau: the fraction of the
samples reaching each exit that leave there (POPEX's exit probability), the accuracy of those
answers, the share and accuracy of the main output, and the accuracy of the whole policy. The
same under Gaussian pixel noise (--noise: standard deviations, pixels in [0, 1], clipped) and
Gaussian blur (--blur: sigmas in pixels) of each strength. --samples writes the per-sample
confidences and correctness of every condition, each exit's cost, the thresholds and which
images they are: the input of \`cleave exits plan\` and of \`cleave plan --exits\`.`,
  args: { min: 1, says: 'one MODEL file with exits' },
  options: {
    data: exitsDataOption,
    policy: policyOption,
    taus: tausOption,
    noise: option(list(number), { check: each(positive), arg: 'S1,S2', help: 'also with Gaussian noise of these standard deviations (e.g. 0.1,0.2)' }),
    blur: option(list(number), { check: each(positive), arg: 'S1,S2', help: 'also with Gaussian blur of these sigmas, in pixels (e.g. 1,2)' }),
    images: option(integer, { check: positive, help: 'evaluation images to use (default: the whole evaluation half)' }),
    seed: option(integer, { default: 1, check: positive, help: 'seed of the noise' }),
    samples: option(text, { arg: 'FILE.json', help: 'write the per-sample statistics (the input of `cleave exits plan` and `cleave plan --exits`)' }),
    threads: threadsOption,
  },
  json: 'print the statistics of every condition as JSON',
  examples: ['cleave exits evaluate vgg-exits-calibrated.onnx --data fashion-mnist --noise 0.1,0.2 --blur 1,2 --samples samples.json'],
  async run({ values: v, positionals: [file] }, io) {
    const model = readModel(file);
    const taus = checkTaus(v.policy, v.taus ?? DEFAULT_TAUS[v.policy]);
    const distortions: Distortion[] = [
      { kind: 'clean' },
      ...(v.noise ?? []).map((strength) => checkDistortion({ kind: 'noise', strength })),
      ...(v.blur ?? []).map((strength) => checkDistortion({ kind: 'blur', strength })),
    ];
    const all = loadImages(v.data, 'test', model).data;
    const data = heldOutPart(all, 'evaluation', v.images);
    const r = await evaluateExits(model, data, { policy: v.policy, taus, distortions, seed: v.seed, threads: v.threads });
    if (v.samples) {
      // What `cleave plan --exits` needs too: each branch's cost, the thresholds, which images these are (raw pixels).
      const costs = plannedModel(model).exits?.branches ?? [];
      const forPlan = { costs, thresholds: taus.map((t) => thresholdOf(v.policy, t)), provenance: { data: v.data, split: 'test', ...heldOutRange(all.count, 'evaluation', v.images) } };
      writeFileAtomic(v.samples, new TextEncoder().encode(`${JSON.stringify(samplesFile(r, v.data, forPlan))}\n`));
    }
    const exits = r.structure.exits.map((e) => e.output);
    if (v.json) {
      printJson(io, {
        model: file, data: v.data, policy: r.policy, images: r.images,
        exits: r.structure.exits.map((e) => ({ output: e.output, at: e.at })), mainOutput: r.structure.mainOutput,
        conditions: r.conditions.map((c) => ({ condition: c.condition, accuracy: c.accuracy, meanConfidence: c.meanConfidence, taus: c.taus })),
        samples: v.samples ?? null,
      });
      return EXIT.OK;
    }
    io.stdout(`${r.policy} policy on ${r.images} ${v.data} evaluation images; exits ${r.structure.exits.map((e, j) => `${j} = ${e.output} after ${e.at}`).join(', ')}\n`);
    io.stdout(`leave: of the samples reaching the exit, the share leaving there; acc: accuracy of those answers\n\n`);
    io.stdout(r.conditions.map((c) => conditionText(c, exits, r.policy)).join('\n'));
    if (v.samples) io.stdout(`\nwrote ${v.samples}\n`);
    return EXIT.OK;
  },
});
