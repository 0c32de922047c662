/** `cleave exits calibrate`: temperature scaling of a model's exits on held-out images. */
import { calibrateExits } from '../exits/calibrate-model.js';
import { heldOutPart } from '../exits/held-out.js';
import { loadImages } from '../interpret/isplit-data.js';
import { readModel, writeFileAtomic, writeModel } from '../onnx/model-file.js';
import { reliabilityDiagramSvg } from '../report/reliability-diagram.js';
import { defineCommand } from './command.js';
import { threadsOption } from './common-options.js';
import { EXIT } from './exit-codes.js';
import { exitsDataOption } from './exits-options.js';
import { table } from './format.js';
import { printJson } from './io.js';
import { flag, option } from './option-table.js';
import { integer, positive, text } from './option-types.js';

export const exitsCalibrateCommand = defineCommand({
  name: 'exits calibrate',
  summary: "temperature scaling of a model's exits: ECE before/after, temperatures into the model",
  usage: 'MODEL --data SRC -o OUT.onnx [--global] [--diagram FILE.svg] [options]',
  description: `Fits a temperature T > 0 per exit (or one global T with --global) that divides the exit's
logits, by minimising the negative log-likelihood over log T (so T stays positive), on the
first half of the test images (the calibration half); then measures the expected calibration
error (15 equal-width bins) and the NLL before and after on the second half (the evaluation
half, which \`cleave exits evaluate\` also uses). Writes the temperatures into the model (each
exit output becomes its logits / T, so ONNX Runtime gives calibrated probabilities) and into
its metadata (cleave.exits.temperatures). A model calibrated before is refitted on top.`,
  args: { min: 1, says: 'one MODEL file with exits' },
  options: {
    data: exitsDataOption,
    out: option(text, { required: true, short: 'o', arg: 'FILE', help: 'where to write the calibrated model' }),
    global: flag('one temperature shared by every exit'),
    images: option(integer, { check: positive, help: 'images of each half to use (default: all of them)' }),
    diagram: option(text, { arg: 'FILE.svg', help: 'write a reliability diagram of every exit pooled, before and after' }),
    threads: threadsOption,
  },
  json: 'print the temperatures and the ECE and NLL before and after as JSON',
  examples: ['cleave exits calibrate vgg-exits-trained.onnx --data fashion-mnist -o vgg-exits-calibrated.onnx --diagram reliability.svg'],
  async run({ values: v, positionals: [file] }, io) {
    const model = readModel(file);
    const { data } = loadImages(v.data, 'test', model);
    const r = await calibrateExits(model, heldOutPart(data, 'calibration', v.images), heldOutPart(data, 'evaluation', v.images), { global: v.global, threads: v.threads });
    writeModel(v.out, r.model);
    if (v.diagram) {
      const svg = reliabilityDiagramSvg([{ label: 'before', bins: r.pooled.binsBefore }, { label: 'after', bins: r.pooled.binsAfter }], { title: `${r.exits.length} exits of ${file}, ${r.checkImages} ${v.data} evaluation images` });
      writeFileAtomic(v.diagram, new TextEncoder().encode(svg));
    }
    const exits = r.exits.map((e) => ({ output: e.output, temperature: e.temperature, fitted: e.fit.temperature, atBound: e.fit.atBound, eceBefore: e.eceBefore, eceAfter: e.eceAfter, nllBefore: e.nllBefore, nllAfter: e.nllAfter }));
    if (v.json) {
      printJson(io, { out: v.out, data: v.data, global: r.global, fitImages: r.fitImages, checkImages: r.checkImages, exits, pooled: { eceBefore: r.pooled.eceBefore, eceAfter: r.pooled.eceAfter }, diagram: v.diagram ?? null });
      return EXIT.OK;
    }
    const f = (x: number) => x.toFixed(4);
    io.stdout(`temperatures fitted on ${r.fitImages} calibration images; ECE (15 bins) and NLL on ${r.checkImages} evaluation images\n`);
    io.stdout(table(['exit', 'T', 'ECE before', 'ECE after', 'NLL before', 'NLL after'], [
      ...exits.map((e) => [e.output, `${e.temperature.toFixed(3)}${e.atBound ? ' (at bound)' : ''}`, f(e.eceBefore), f(e.eceAfter), f(e.nllBefore), f(e.nllAfter)]),
      ['all exits', r.global ? 'global' : 'per exit', f(r.pooled.eceBefore), f(r.pooled.eceAfter), '', ''],
    ]));
    if (v.diagram) io.stdout(`wrote ${v.diagram}\n`);
    io.stdout(`wrote ${v.out}\n`);
    return EXIT.OK;
  },
});
