// Child process of bench/analyze/deep: builds one deep model (test-support/deep-graphs.ts) and
// writes it, so the bench's own process stays small. Linux carries a process's peak RSS across
// fork and exec into its children, so a parent that held a 100,000-node model would raise every
// peak the children report.
// Usage: deep-model chain|dag NODES FILE; prints {"nodes": N}.
import { writeModel } from '../../src/onnx/model-file.js';
import { chainModel, dagModel } from '../../test-support/deep-graphs.js';

const [kind, size, file] = process.argv.slice(2);
const nodes = Number(size);
if ((kind !== 'chain' && kind !== 'dag') || !(nodes >= 1) || !file) throw new Error('usage: deep-model chain|dag NODES FILE');
const model = kind === 'chain' ? chainModel(nodes) : dagModel(nodes);
writeModel(file, model);
process.stdout.write(JSON.stringify({ nodes: model.graph.node.length }));
