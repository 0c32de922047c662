import type { Analysis } from '../analysis/analyze.js';
import { analysisJson, unsupportedSummary } from '../analysis/report.js';
import { BadRequestError } from '../errors.js';
import { inputShapes, parse, positiveInt } from './args.js';
import { EXIT } from './exit-codes.js';
import { bytes, csv, si, table } from './format.js';
import { type CliIo, printHelp } from './io.js';
import { analyzeFile } from './load.js';

export const ANALYZE_HELP = `Usage: cleave analyze MODEL [options]

Shapes, FLOPs, parameters and bytes of every node of an ONNX model, and every cut point:
where the model can be split into head (edge) and tail (server), with the bytes that cross.

Options:
  --batch N            batch size for symbolic batch dims (default 1)
  --input-shape N=S    shape of an input with other symbolic dims, e.g. input=1x3x224x224 (repeatable)
  --max-tensors K      also list cuts where up to K tensors cross (default 1)
  --table WHICH        nodes, cuts or all (default all)
  --json               print the analysis as JSON (stable fields: totals, nodes, tensors, cutPoints, issues)
  --csv                print the table(s) as CSV
  -h, --help           show this help

FLOPs count one multiply-accumulate as 2; MACs are listed apart for Conv/Gemm/MatMul.
An op cleave has no rule for is reported on stderr (exit code 4); the rest is still analysed.

Examples:
  cleave analyze resnet50.onnx
  cleave analyze model.onnx --batch 8 --max-tensors 2 --table cuts
  cleave analyze model.onnx --json > analysis.json
`;

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

export async function runAnalyze(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parse(argv, {
    batch: { type: 'string' },
    'input-shape': { type: 'string', multiple: true },
    'max-tensors': { type: 'string' },
    table: { type: 'string' },
    json: { type: 'boolean' },
    csv: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  }, 'analyze');
  if (values.help) return printHelp(io, ANALYZE_HELP);
  if (positionals.length !== 1) throw new BadRequestError('analyze takes one MODEL file; see `cleave analyze --help`');
  const which = values.table ?? 'all';
  if (!['nodes', 'cuts', 'all'].includes(which)) throw new BadRequestError(`--table must be nodes, cuts or all, got "${which}"`);
  if (values.json && values.csv) throw new BadRequestError('--json and --csv exclude each other');
  const a = analyzeFile(positionals[0] as string, {
    batch: positiveInt(values.batch, 'batch', 1),
    maxTensors: positiveInt(values['max-tensors'], 'max-tensors', 1),
    inputShapes: inputShapes(values['input-shape']),
  });
  if (values.json) io.stdout(`${JSON.stringify(analysisJson(a), null, 2)}\n`);
  else if (values.csv) {
    if (which !== 'cuts') io.stdout(csv(NODE_HEADER, nodeRows(a)));
    if (which === 'all') io.stdout('\n');
    if (which !== 'nodes') io.stdout(csv(CUT_HEADER, cutRows(a)));
  } else {
    const t = a.totals;
    io.stdout(`${a.model.name || 'model'}: ${t.layers} layers (${t.nodes} nodes), ${si(t.params)} params (${bytes(t.paramBytes)}), ${si(t.flops)}FLOPs (${si(t.macs)}MACs) at batch ${a.batch}, opset ${a.model.opset}\n\n`);
    if (which !== 'cuts') io.stdout(table(NODE_HEADER, nodeRows(a)));
    if (which === 'all') io.stdout('\n');
    if (which !== 'nodes') io.stdout(a.cutPoints.length ? table(CUT_HEADER, cutRows(a)) : 'no cut point: every split leaves more than --max-tensors tensors crossing\n');
  }
  const unsupported = unsupportedSummary(a);
  for (const line of unsupported) io.stderr(`cleave: ${line}\n`);
  for (const i of a.issues) if (i.code !== 'UNSUPPORTED_OP') io.stderr(`cleave: ${i.message}\n`);
  return unsupported.length ? EXIT.UNSUPPORTED_OP : EXIT.OK;
}
