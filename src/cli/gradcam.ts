import { extname } from 'node:path';
import { BadRequestError } from '../errors.js';
import { camInput, camJson, camOverlays } from '../interpret/gradcam-image.js';
import { GradCam } from '../interpret/gradcam-run.js';
import { readModel, writeFileAtomic } from '../onnx/model-file.js';
import { defineCommand } from './command.js';
import { option } from './option-table.js';
import { maxTensorBytesOption, normalisationOptions } from './common-options.js';
import { EXIT } from './exit-codes.js';
import { printJson, readBytes } from './io.js';
import { atLeast, between, integer, list, number, text } from './option-types.js';

/** OUT.png for one layer, OUT-<layer>.png for each of several. */
function outPath(base: string, layer: string, many: boolean): string {
  if (!many) return base;
  const ext = extname(base) || '.png';
  const stem = base.slice(0, base.length - extname(base).length);
  return `${stem}-${layer.replace(/[^A-Za-z0-9._-]+/g, '_')}${ext}`;
}

export const gradcamCommand = defineCommand({
  name: 'gradcam',
  summary: 'Grad-CAM heatmaps of any layers for an image (gradients computed by ORT)',
  usage: 'MODEL IMAGE --layer T [--layer T2 ...] -o OUT.png [options]',
  description: `Grad-CAM: where in the image the model looked for a class. For each --layer tensor A (an
activation [1, C, H, W]), alpha_k is the spatial mean of dy_c/dA_k and the map is
ReLU(sum_k alpha_k A_k), with y_c the score of the predicted class (or --class). All layers
come from one backward pass, computed by cleave as an ONNX graph in ONNX Runtime. Writes the
map as a heat map over the image (one PNG per layer: OUT.png, or OUT-<layer>.png for several).

IMAGE is a PNG or JPEG (converted to the model's channels, resized to its input size, scaled
to [0, 1], then --mean/--std), or a .npy / raw float32 file holding exactly the model input.`,
  args: { min: 2, says: 'MODEL and IMAGE' },
  options: {
    layer: option(list(text, 'tensor names'), { required: true, repeat: true, arg: 'T', help: 'tensor to explain (see `cleave analyze` for names)' }),
    out: option(text, { short: 'o', arg: 'FILE', help: 'heat-map PNG to write' }),
    class: option(integer, { check: atLeast(0), arg: 'C', help: 'explain class C instead of the predicted one' }),
    ...normalisationOptions,
    alpha: option(number, { default: 0.5, check: between(0, 1), help: 'heat-map opacity in the overlay' }),
    'max-tensor-bytes': maxTensorBytesOption,
  },
  json: "print the class, its score and each map's values as JSON",
  examples: ['cleave gradcam models/lenet-mnist.onnx digit.png --layer relu1 --layer relu2 -o cam.png'],
  async run({ values: v, positionals: [modelPath, imagePath] }, io) {
    if (!v.out && !v.json) throw new BadRequestError('gradcam needs -o OUT.png (or --json)');
    const model = readModel(modelPath);
    const cam = await GradCam.create(model, { layers: v.layer, batch: 1, target: v.class === undefined ? 'predicted' : 'given', maxTensorBytes: v['max-tensor-bytes'] });
    try {
      const input = camInput(readBytes(imagePath), cam.spec.inputDims, imagePath, { mean: v.mean, std: v.std });
      const result = await cam.run(input.x, v.class === undefined ? undefined : [v.class]);
      const files: string[] = [];
      if (v.out) {
        const out = v.out;
        for (const o of camOverlays(input.picture, result, v.alpha)) {
          const file = outPath(out, o.layer, result.maps.length > 1);
          writeFileAtomic(file, o.png);
          files.push(file);
        }
      }
      if (v.json) printJson(io, { ...camJson(result), files });
      else io.stdout(`class ${result.classes[0]} (score ${result.scores[0]?.toFixed(4)}): wrote ${files.join(', ')}\n`);
      return EXIT.OK;
    } finally {
      await cam.release();
    }
  },
});
