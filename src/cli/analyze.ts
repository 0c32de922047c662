import type { Analysis } from '../analysis/analyze.js';
import { analysisJson, unsupportedSummary } from '../analysis/report.js';
import { BadRequestError } from '../errors.js';
import { defineCommand } from './command.js';
import { flag, option } from './option-table.js';
import { EXIT } from './exit-codes.js';
import { bytes, csv, si, table } from './format.js';
import { printJson } from './io.js';
import { analyzeFile } from './load.js';
import { inputShapes, integer, oneOf, positive } from './option-types.js';

function nodeRows(a: Analysis) {
  const total = a.totals.flops || 1;
  return a.nodes
    .filter((n) => !n.folded)
    .map((n) => [
      n.index, n.name, n.opType, n.outputShapes.map((s) => (s.length ? s.join('x') : '?')).join(' '), si(n.params), si(n.flops),
      bytes(n.outputBytes), `${((100 * n.cumulativeFlops) / total).toFixed(1)}%`,
    ]);
}

function cutRows(a: Analysis) {
  return a.cutPoints.map((c, i) => [
    i, c.tensors.join(','), bytes(c.bytes), si(c.headFlops), si(c.tailFlops), bytes(c.headParamBytes), bytes(c.headPeakActivationBytes),
  ]);
}

const NODE_HEADER = ['#', 'node', 'op', 'output shape', 'params', 'FLOPs', 'out bytes', 'cum FLOPs'];
const CUT_HEADER = ['cut', 'tensors', 'bytes', 'head FLOPs', 'tail FLOPs', 'head params', 'head peak mem'];

export const analyzeCommand = defineCommand({
  name: 'analyze',
  summary: 'shapes, FLOPs, bytes of every node, and every cut point',
  usage: 'MODEL [options]',
  description: `Shapes, FLOPs, parameters and bytes of every node of an ONNX model, and every cut point:
where the model can be split into head (edge) and tail (server), with the bytes that cross.`,
  args: { min: 1, says: 'one MODEL file' },
  options: {
    batch: option(integer, { default: 1, check: positive, help: 'batch size for symbolic batch dims' }),
    'input-shape': option(inputShapes, { repeat: true, help: 'shape of an input with other symbolic dims' }),
    'max-tensors': option(integer, { default: 1, check: positive, arg: 'K', help: 'also list cuts where up to K tensors cross' }),
    table: option(oneOf('nodes', 'cuts', 'all'), { default: 'all', arg: 'WHICH', help: 'the table(s) to print: nodes, cuts or all' }),
    csv: flag('print the table(s) as CSV'),
  },
  json: 'print the analysis as JSON (stable fields: totals, nodes, tensors, cutPoints, issues)',
  notes: `FLOPs count one multiply-accumulate as 2; MACs are listed apart for Conv/Gemm/MatMul.
An op cleave has no rule for is reported on stderr (exit code 4); the rest is still analysed.
A node whose inputs contradict its op is reported too, with the bad-model exit code 3.
Sparse layers (\`cleave sparsify\`) count their kept weights only, in params, FLOPs and bytes;
a note under the node table (\`note\` in --json) names each.`,
  examples: [
    'cleave analyze resnet50.onnx',
    'cleave analyze model.onnx --batch 8 --max-tensors 2 --table cuts',
    'cleave analyze model.onnx --json > analysis.json',
  ],
  async run({ values: v, positionals: [model] }, io) {
    if (v.json && v.csv) throw new BadRequestError('--json and --csv exclude each other');
    const a = analyzeFile(model, { batch: v.batch, maxTensors: v['max-tensors'], inputShapes: v['input-shape'] });
    const which = v.table;
    if (v.json) printJson(io, analysisJson(a));
    else {
      const render = v.csv ? csv : table;
      if (!v.csv) {
        const t = a.totals;
        io.stdout(`${a.model.name || 'model'}: ${t.layers} layers (${t.nodes} nodes), ${si(t.params)} params (${bytes(t.paramBytes)}), ${si(t.flops)}FLOPs (${si(t.macs)}MACs) at batch ${a.batch}, opset ${a.model.opset}\n\n`);
      }
      if (which !== 'cuts') io.stdout(render(NODE_HEADER, nodeRows(a)));
      if (which !== 'cuts' && !v.csv) for (const n of a.nodes) if (n.note) io.stdout(`note: ${n.name}: ${n.note}\n`);
      if (which === 'all') io.stdout('\n');
      if (which !== 'nodes') io.stdout(a.cutPoints.length || v.csv ? render(CUT_HEADER, cutRows(a)) : 'no cut point: every split leaves more than --max-tensors tensors crossing\n');
    }
    const unsupported = unsupportedSummary(a);
    for (const line of unsupported) io.stderr(`cleave: ${line}\n`);
    for (const i of a.issues) if (i.code !== 'UNSUPPORTED_OP') io.stderr(`cleave: ${i.message}\n`);
    if (unsupported.length) return EXIT.UNSUPPORTED_OP;
    // A node whose inputs contradict its op (shapes, ranks, attributes) makes ONNX Runtime refuse the model.
    return a.issues.some((i) => i.code === 'BAD_MODEL') ? EXIT.BAD_MODEL : EXIT.OK;
  },
});
