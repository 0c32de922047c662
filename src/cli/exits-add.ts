/** `cleave exits add`: exit branches on a classifier, verified in ONNX Runtime. */
import { BadRequestError } from '../errors.js';
import { addExits } from '../exits/add.js';
import type { ExitPlacement } from '../exits/placement.js';
import { readModel, writeModel } from '../onnx/model-file.js';
import { defineCommand } from './command.js';
import { EXIT } from './exit-codes.js';
import { si, table } from './format.js';
import { printJson } from './io.js';
import { option } from './option-table.js';
import { between, integer, list, oneOf, positive, text } from './option-types.js';

export const exitsAddCommand = defineCommand({
  name: 'exits add',
  summary: 'add early-exit branches to a classifier, verified against the original',
  usage: ['MODEL --at T1,T2 -o OUT.onnx [options]', 'MODEL --count K [--placement linear|pareto] -o OUT.onnx [options]'],
  description: `Adds one exit branch per tensor: for a map [N, C, H, W] BatchNormalization -> GlobalAveragePool
-> Flatten -> Gemm to the classes (--branch conv puts a 3x3 conv + ReLU + 2x2 max pool first),
for a vector [N, F] a Gemm alone. Each exit is an extra output exit_<k>_logits, k in order of
depth. With --count, exit i of K goes where the cumulative FLOPs reach F (i+1)/(K+1) (linear) or
F (1 - 0.8^(i+1)) (pareto), snapped to the end of a layer. An exit reads a tensor that alone
separates the model (so it can run at the cut, before the upload). The result is checked in ONNX
Runtime before it is written: the original outputs bit-identical with graph optimisations off,
within 1e-6 relative with them on. The branches start untrained: \`cleave exits train\` next.`,
  args: { min: 1, says: 'one MODEL file' },
  options: {
    at: option(list(text, 'tensor names'), { arg: 'T1,T2', help: 'the tensors the exits read (see `cleave analyze --table cuts`)' }),
    count: option(integer, { check: between(1, 32), arg: 'K', help: 'place K exits by cumulative FLOPs' }),
    placement: option(oneOf('linear', 'pareto'), { default: 'linear', arg: 'HOW', help: 'linear: F (i+1)/(K+1); pareto: F (1 - 0.8^(i+1))' }),
    branch: option(oneOf('bn-gap', 'conv'), { default: 'bn-gap', arg: 'KIND', help: 'bn-gap: BN -> global average pool -> Gemm; conv: a 3x3 conv + pool first' }),
    output: option(text, { arg: 'NAME', help: 'the classifier output the exits imitate (default: the only output)' }),
    seed: option(integer, { default: 1, check: positive, help: "the branches' weight seed" }),
    out: option(text, { required: true, short: 'o', arg: 'FILE', help: 'where to write the model with exits' }),
  },
  json: 'print the exits and the verification as JSON',
  examples: ['cleave exits add models/small-vgg-fashion.onnx --count 3 -o vgg-exits.onnx', 'cleave exits add lenet.onnx --at pool1,relu3 -o lenet-exits.onnx'],
  async run({ values: v, positionals: [file] }, io) {
    // Bounds: exactly one of --at and --count is given (checked first).
    if ((v.at === undefined) === (v.count === undefined)) throw new BadRequestError('say where the exits go: --at T1,T2 or --count K; see `cleave exits add --help`');
    const where: ExitPlacement = v.at ? { at: v.at } : { count: v.count!, placement: v.placement };
    const added = await addExits(readModel(file), where, { branch: v.branch, seed: v.seed, output: v.output });
    writeModel(v.out, added.model);
    const exits = added.exits.map((e) => ({ output: e.output, at: e.at, shape: e.shape, branch: e.branch, headFlops: e.headFlops, headFraction: e.headFraction, branchMacs: e.branchMacs, params: e.params }));
    if (v.json) {
      printJson(io, { out: v.out, mainOutput: added.mainOutput, classes: added.classes, exits, verification: added.verification });
      return EXIT.OK;
    }
    io.stdout(table(['exit', 'reads', 'shape', 'head FLOPs', 'of model', 'branch MACs'], exits.map((e) => [e.output, e.at, `[${e.shape.join('x')}]`, si(e.headFlops), `${(100 * e.headFraction).toFixed(1)}%`, si(e.branchMacs)])));
    io.stdout(`verified in ONNX Runtime: "${added.mainOutput}" ${added.verification.bitIdentical ? 'bit-identical' : 'CHANGED'} (optimisations off), max relative error ${added.verification.optimisedRelativeError.toExponential(2)} (optimisations on)\n`);
    io.stdout(`wrote ${v.out}\n`);
    return EXIT.OK;
  },
});
