import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { BadRequestError, ioFailure } from '../errors.js';
import { decodeImage, encodePng, type RgbaImage, sniffImage } from '../image/decode.js';
import { normaliseMap, overlayHeatmap, tensorToImage } from '../image/heatmap.js';
import { isNpy, parseNpy, parseRawFloat32 } from '../image/npy.js';
import { imageToTensor, upscaleNearest } from '../image/transform.js';
import { GradCam } from '../interpret/gradcam-run.js';
import { readModel, writeFileAtomic } from '../onnx/model-file.js';
import { normalisationOf, parse } from './args.js';
import { EXIT } from './exit-codes.js';
import { type CliIo, printHelp } from './io.js';

export const GRADCAM_HELP = `Usage: cleave gradcam MODEL IMAGE --layer T [--layer T2 ...] -o OUT.png [options]

Grad-CAM: where in the image the model looked for a class. For each --layer tensor A (an
activation [1, C, H, W]), alpha_k is the spatial mean of dy_c/dA_k and the map is
ReLU(sum_k alpha_k A_k), with y_c the score of the predicted class (or --class). All layers
come from one backward pass, computed by cleave as an ONNX graph in ONNX Runtime. Writes the
map as a heat map over the image (one PNG per layer: OUT.png, or OUT-<layer>.png for several).

IMAGE is a PNG or JPEG (converted to the model's channels, resized to its input size, scaled
to [0, 1], then --mean/--std), or a .npy / raw float32 file holding exactly the model input.

Options:
  --layer T            tensor to explain (repeatable; see \`cleave analyze\` for names)
  -o, --out FILE       heat-map PNG to write
  --class C            explain class C instead of the predicted one
  --mean M1[,M2,M3]    per-channel mean subtracted after scaling to [0, 1] (default 0)
  --std S1[,S2,S3]     per-channel std divided by (default 1)
  --alpha X            heat-map opacity in the overlay (default 0.5)
  --json               print the class, its score and each map's values as JSON
  -h, --help           show this help

Example:
  cleave gradcam models/lenet-mnist.onnx digit.png --layer relu1 --layer relu2 -o cam.png
`;

function outPath(base: string, layer: string, many: boolean): string {
  if (!many) return base;
  const ext = extname(base) || '.png';
  const stem = base.slice(0, base.length - extname(base).length);
  return `${stem}-${layer.replace(/[^A-Za-z0-9._-]+/g, '_')}${ext}`;
}

export async function runGradcam(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    layer: { type: 'string', multiple: true },
    out: { type: 'string', short: 'o' },
    class: { type: 'string' },
    mean: { type: 'string' },
    std: { type: 'string' },
    alpha: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, 'gradcam');
  if (values.help) return printHelp(io, GRADCAM_HELP);
  if (positionals.length !== 2) throw new BadRequestError('gradcam takes MODEL and IMAGE; see `cleave gradcam --help`');
  const layers = (values.layer ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  if (layers.length === 0) throw new BadRequestError('gradcam needs --layer TENSOR (repeatable)');
  if (!values.out && !values.json) throw new BadRequestError('gradcam needs -o OUT.png (or --json)');
  const alpha = values.alpha === undefined ? 0.5 : Number(values.alpha);
  if (!(alpha >= 0 && alpha <= 1)) throw new BadRequestError(`--alpha must be in [0, 1], got "${values.alpha}"`);
  const [modelPath, imagePath] = positionals as [string, string];
  const model = readModel(modelPath);
  const target = values.class === undefined ? undefined : Number(values.class);
  if (target !== undefined && !Number.isInteger(target)) throw new BadRequestError(`--class must be an integer, got "${values.class}"`);
  const cam = await GradCam.create(model, { layers, batch: 1, target: target === undefined ? 'predicted' : 'given' });
  try {
    const dims = cam.spec.inputDims;
    if (dims.length !== 4) throw new BadRequestError(`the model input has shape [${dims.join(', ')}]; gradcam takes image models [N, C, H, W]`);
    const [, channels, height, width] = dims as [number, number, number, number];
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(imagePath);
    } catch (e) {
      throw ioFailure(`cannot read ${imagePath}`, e);
    }
    let x: Float32Array;
    let picture: RgbaImage;
    if (sniffImage(bytes)) {
      picture = decodeImage(bytes, imagePath);
      x = imageToTensor(picture, channels, height, width, normalisationOf(values));
    } else {
      const t = isNpy(bytes) ? parseNpy(bytes, imagePath) : parseRawFloat32(bytes, dims, imagePath);
      const n = dims.reduce((a, b) => a * b, 1);
      if (t.data.length !== n) throw new BadRequestError(`${imagePath} holds a tensor [${t.dims.join(', ')}]; the model input is [${dims.join(', ')}]`);
      x = t.data;
      picture = tensorToImage(x, channels, height, width);
    }
    const result = await cam.run(x, target === undefined ? undefined : [target]);
    const files: string[] = [];
    // Small inputs (28x28 digits) get an overlay of at least 224 pixels across, to be seen.
    picture = upscaleNearest(picture, Math.max(1, Math.floor(224 / Math.max(picture.width, picture.height))));
    if (values.out) {
      for (const m of result.maps) {
        const [h, w] = m.spatial.length === 2 ? (m.spatial as [number, number]) : [1, m.values.length];
        const file = outPath(values.out, m.layer, result.maps.length > 1);
        writeFileAtomic(file, encodePng(overlayHeatmap(picture, normaliseMap(m.values), h, w, alpha)));
        files.push(file);
      }
    }
    if (values.json) {
      io.stdout(`${JSON.stringify({
        class: result.classes[0], score: result.scores[0], logits: Array.from(result.logits),
        layers: result.maps.map((m) => ({ layer: m.layer, shape: m.spatial, map: Array.from(m.values, (v) => Number(v.toPrecision(6))) })),
        files,
      }, null, 2)}\n`);
    } else {
      io.stdout(`class ${result.classes[0]} (score ${result.scores[0]?.toFixed(4)}): wrote ${files.join(', ')}\n`);
    }
    return EXIT.OK;
  } finally {
    await cam.release();
  }
}
