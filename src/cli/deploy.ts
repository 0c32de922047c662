import { DEFAULT_SERVER, deployPlan } from '../package/deploy.js';
import { defineCommand } from './command.js';
import { EXIT } from './exit-codes.js';
import { bytes } from './format.js';
import { printJson } from './io.js';
import { flag, option } from './option-table.js';
import { matches, text } from './option-types.js';

const ms = (x: number | null): string => (x === null ? 'unbounded' : `${x.toFixed(2)} ms`);

export const deployCommand = defineCommand({
  name: 'deploy',
  summary: 'deploy a plan: head (+ exits), tail, edge config, Triton repository, in one folder',
  usage: 'plan.json -o DIR [options]',
  description: `Writes exactly the configuration plan.json recommends (or front member --entry N) into DIR:
head.onnx with the exits the plan enables, tail.onnx, edge.json (server, codec, cut, exits and
thresholds, the plan's predictions; schemas/edge-config.schema.json), a Triton model repository
and KServe manifest for the tail (triton/), cut.json and a copy of plan.json. The model must hash
to the plan's model.sha256, and head -> tail must reproduce it in ONNX Runtime; nothing is
written otherwise, and DIR appears whole or not at all. Then: cleave serve DIR, and
cleave run --plan DIR/plan.json. An entry with exits needs --exits-model, unless the plan was
made from the model with exits (then they come from it). One with a sparsity variant takes the
sparse model the plan measured (plan --sparsity FILE.onnx records its path and SHA-256), or
--sparse-model (the trained sparse model; deploy never sparsifies).`,
  args: { min: 1, max: 1, says: 'one plan.json' },
  options: {
    out: option(text, { required: true, short: 'o', arg: 'DIR', help: 'the deployment folder (absent or empty, or --force)' }),
    entry: option(text, { default: 'recommended', arg: 'E', help: 'recommended, or the index of a front member' }),
    model: option(text, { arg: 'PATH', help: "the model file, if not at the plan's model.path (its hash is checked)" }),
    'exits-model': option(text, { arg: 'PATH', help: "the plan's model with its exits added and trained (cleave exits add/train/calibrate)" }),
    'sparse-model': option(text, { arg: 'PATH', help: "the entry's sparsity variant, sparsified and trained (default: the file the plan recorded)" }),
    server: option(text, { default: DEFAULT_SERVER, check: matches(/^(https?|tcp):\/\/[^/]+/, 'an http://, https:// or tcp:// URL'), arg: 'URL', help: 'the server the edge config names' }),
    'storage-uri': option(text, { arg: 'URI', help: 'where KServe finds the Triton repository (default pvc://models)' }),
    force: flag('replace DIR when it is not empty'),
  },
  json: 'print the written files and the edge config as JSON',
  notes: `Exit codes: 0 deployed; 2 bad options, an entry deploy cannot run (local, several cut tensors)
or a model that does not match the plan's exits or sparsity; 5 head -> tail does not reproduce the
model; 6 a file cannot be read or written; 8 a malformed plan or a model that does not hash to it.`,
  examples: [
    'cleave deploy plan.json -o deploy/ && cleave serve deploy/   # then: cleave run --plan deploy/plan.json --dataset mnist',
    'cleave deploy plan.json -o deploy/ --entry 2 --exits-model lenet-exits.onnx',
  ],
  async run({ values: v, positionals: [plan] }, io) {
    const r = await deployPlan(plan, {
      out: v.out, entry: v.entry, server: v.server, force: v.force,
      ...(v.model !== undefined ? { model: v.model } : {}),
      ...(v['exits-model'] !== undefined ? { exitsModel: v['exits-model'] } : {}),
      ...(v['sparse-model'] !== undefined ? { sparseModel: v['sparse-model'] } : {}),
      ...(v['storage-uri'] !== undefined ? { storageUri: v['storage-uri'] } : {}),
    });
    const verification = r.models.verification;
    if (v.json) {
      printJson(io, { dir: r.dir, entry: r.entry.id, field: r.field, files: r.files, verification, edgeConfig: r.config });
      return EXIT.OK;
    }
    const p = r.config.predicted;
    io.stdout(`deployed ${r.field}: ${r.entry.id}\n`);
    io.stdout(`head: ${r.entry.placement === 'remote' ? 'passes the input on (remote)' : `up to ${r.entry.cut.join(', ')}`}${r.config.exits.length ? ` with exits ${r.config.exits.map((e) => `${e.output} (${r.config.policy} ${e.threshold}${e.temperature !== null ? `, T=${e.temperature.toPrecision(3)}` : ''})`).join(', ')}` : ''}; codec ${r.config.codec}; server ${r.config.server}\n`);
    io.stdout(verification ? `verified: head -> tail reproduces ${r.models.source.path} (max relative error ${Math.max(...verification.outputs.map((o) => o.relativeError)).toExponential(2)})\n` : 'the tail is the whole model (remote)\n');
    io.stdout(`predicted: p50 ${ms(p.latencyMs)}, p99 ${ms(p.p99Ms)} (${p.latencySource}), accuracy ${(100 * p.accuracy).toFixed(2)}% (${p.accuracySource}), ${bytes(p.bytes)} sent per inference\n`);
    for (const f of r.files) io.stdout(`wrote ${r.dir.replace(/\/+$/, '')}/${f}\n`);
    io.stdout(`next: cleave serve ${r.dir}   then: cleave run --plan ${r.dir.replace(/\/+$/, '')}/plan.json\n`);
    return EXIT.OK;
  },
});
