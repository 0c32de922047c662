/**
 * `cleave report plan.json -o report.html`: the plan as one self-contained HTML page (src/report):
 * Pareto plot, latency breakdown, the four scenarios, bytes per cut, I-SPLIT saliency and
 * Grad-CAM thumbnails. Thin: read the files, check the model's hash, call the library, write.
 */
import { existsSync } from 'node:fs';
import { BadRequestError } from '../errors.js';
import { loadImages, readClassifier } from '../interpret/isplit-data.js';
import { writeFileAtomic } from '../onnx/model-file.js';
import { parseRanking } from '../qos/inputs.js';
import { checkPlanModel, parsePlan } from '../qos/plan-file.js';
import { planReport } from '../report/plan-report.js';
import { defineCommand } from './command.js';
import { normalisationOptions, threadsOption } from './common-options.js';
import { EXIT } from './exit-codes.js';
import { printJson, readBytes, readText } from './io.js';
import { option } from './option-table.js';
import { atLeast, integer, positive, text } from './option-types.js';
import { progressBar } from './progress.js';

export const reportCommand = defineCommand({
  name: 'report',
  summary: 'write a plan as one self-contained HTML page: Pareto plot, latency breakdown, scenarios, saliency, Grad-CAM',
  usage: 'plan.json -o report.html [--model MODEL.onnx] [--data SRC] [options]',
  description: `Writes one HTML file that needs nothing else (charts drawn by Chart.js, bundled inline;
images as data URLs; it fetches nothing): the plan's header (model and its SHA-256, devices,
networks, load, requirements, how accuracy was obtained), an interactive Pareto plot of latency
against accuracy (colour by cut, size by bytes sent, hover for the whole configuration, the
recommendation and the requirement lines marked), the latency of the recommended and front
configurations broken down (head, exits, encode, uplink queue, transfer, server queue, tail),
Split-Et-Impera's four scenarios side by side, the bytes at each cut along the network, the
I-SPLIT saliency curve and Grad-CAM thumbnails at the candidate cuts. Every chart has a table
of its numbers under it.

The model is the plan's (model.path) when that file is here, or --model; its SHA-256 must be the
plan's. With the model the bytes of every cut are shown in the network's order; with the model
and --data the saliency curve and the thumbnails are computed (or --rank reads the curve from
cleave rank --json). Without them those sections say they are absent.`,
  args: { min: 1, says: 'one plan.json file' },
  options: {
    out: option(text, { required: true, short: 'o', arg: 'FILE', help: 'the HTML file to write (atomically)' }),
    model: option(text, { arg: 'MODEL.onnx', help: "the plan's model (default: the plan's model.path when present)" }),
    data: option(text, { arg: 'SRC', help: 'held-out images for the saliency curve and the Grad-CAM thumbnails: mnist | fashion-mnist (test split) | DIR of class subfolders' }),
    rank: option(text, { arg: 'FILE', help: "without --data: the saliency curve from `cleave rank --json` (default: the plan's accuracy.saliency when present)" }),
    images: option(integer, { default: 256, check: positive, help: 'images for the I-SPLIT scan' }),
    thumbnails: option(integer, { default: 4, check: atLeast(0), help: 'images with Grad-CAM thumbnails' }),
    'cam-layers': option(integer, { default: 4, check: atLeast(0), help: 'cuts to draw Grad-CAM at (the plan\'s, then I-SPLIT\'s choice and candidates)' }),
    top: option(integer, { default: 20, check: positive, help: 'configurations in the latency breakdown (the recommended, then the front)' }),
    ...normalisationOptions,
    threads: threadsOption,
  },
  json: 'print what the report holds: { report, bytes, front, saliency, thumbnails, cutBytes }',
  examples: [
    'cleave report plan.json -o report.html',
    'cleave report plan.json -o report.html --model models/small-vgg-fashion.onnx --data fashion-mnist --images 128',
  ],
  async run({ values: v, positionals: [planFile] }, io) {
    const doc = parsePlan(readText(planFile, `plan ${planFile}`), planFile);
    const modelPath = v.model ?? (existsSync(doc.model.path) ? doc.model.path : undefined);
    if (v.data !== undefined && modelPath === undefined) throw new BadRequestError(`--data needs the plan's model, and ${doc.model.path} is not here: give --model MODEL.onnx`);
    if (v.data !== undefined && v.rank !== undefined) throw new BadRequestError('--rank reads a saliency curve; with --data it is computed: give one of them');
    if (modelPath !== undefined) checkPlanModel(doc, readBytes(modelPath, `model ${modelPath}`), planFile, modelPath);
    const model = modelPath === undefined ? undefined : readClassifier(modelPath);
    const rankFile = v.rank ?? (v.data === undefined && doc.accuracy.saliency !== undefined && existsSync(doc.accuracy.saliency) ? doc.accuracy.saliency : undefined);
    const ranking = rankFile === undefined ? undefined : { scores: parseRanking(readText(rankFile, `ranking ${rankFile}`), rankFile), source: rankFile };
    const data = v.data === undefined || !model ? undefined : { name: v.data, images: loadImages(v.data, 'test', model).data };
    const bar = progressBar('I-SPLIT [{bar}] {value}/{total} images', v.json);
    const report = await planReport(doc, {
      planFile, model, data, ranking,
      scanImages: v.images, thumbnails: v.thumbnails, camLayers: v['cam-layers'], breakdownMax: v.top,
      normalisation: { mean: v.mean, std: v.std }, threads: v.threads, onProgress: (d, t) => bar.update(d, t),
    });
    bar.stop();
    const bytes = new TextEncoder().encode(report.html);
    writeFileAtomic(v.out, bytes);
    const r = report.inputs;
    if (v.json) {
      printJson(io, {
        report: v.out, bytes: bytes.length, front: doc.front.length,
        saliency: r.saliency ? { source: r.saliency.source, cuts: r.saliency.points.length } : null,
        thumbnails: r.thumbnails ? { layers: r.thumbnails.layers, images: r.thumbnails.images.length } : null,
        cutBytes: { cuts: r.cutBytes.length, networkOrder: model !== undefined },
      });
      return EXIT.OK;
    }
    io.stdout(`wrote ${v.out} (${(bytes.length / 1024).toFixed(0)} KiB): ${doc.front.length} front configurations, ${r.cutBytes.length} cuts${model ? ' in network order' : ''}, `
      + `saliency ${r.saliency ? `(${r.saliency.source})` : 'absent'}, Grad-CAM ${r.thumbnails?.images.length ? `${r.thumbnails.images.length} images at ${r.thumbnails.layers.join(', ')}` : 'absent'}\n`);
    return EXIT.OK;
  },
});
