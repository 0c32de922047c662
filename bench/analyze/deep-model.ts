// Child process of bench/analyze/deep: builds one deep model (test-support/deep-graphs.ts) and
// writes it, so the bench's own process stays small. Linux carries a process's peak RSS across
// fork and exec into its children, so a parent that held a 100,000-node model would raise every
// peak the children report.
import { writeModel } from '../../src/onnx/model-file.js';
import { chainModel, dagModel } from '../../test-support/deep-graphs.js';
import { benchArgs, usageError } from '../common/args.js';

const spec = {
  script: 'bench/analyze/deep-model.js',
  description: `Child process of bench/analyze/deep (deep.js): builds a chain (MatMul, Add, Relu) or a DAG of
residual and branching blocks with about NODES nodes (test-support/deep-graphs.ts), writes it to
FILE and prints {"nodes": N}, the node count it has.`,
  options: {},
  positionals: { min: 3, max: 3, usage: 'chain|dag NODES FILE' },
};
const [kind, size, file] = benchArgs(spec).positionals as [string, string, string];
const nodes = Number(size);
if (kind !== 'chain' && kind !== 'dag') usageError(spec, `the kind must be chain or dag, got "${kind}"`);
if (!Number.isInteger(nodes) || nodes < 1) usageError(spec, `NODES must be a positive integer, got "${size}"`);
const model = kind === 'chain' ? chainModel(nodes) : dagModel(nodes);
writeModel(file, model);
process.stdout.write(JSON.stringify({ nodes: model.graph.node.length }));
