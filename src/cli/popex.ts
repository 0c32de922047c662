/** `cleave popex`: the best cut of a model with early exits, as a shortest path. */
import { solvePopex } from '../exits/popex.js';
import { defineCommand } from './command.js';
import { EXIT } from './exit-codes.js';
import { table } from './format.js';
import { printJson, readJson } from './io.js';

export const popexCommand = defineCommand({
  name: 'popex',
  summary: 'POPEX: the best cut of a model with early exits, as a shortest path',
  usage: 'PROBLEM.json [--json]',
  description: `Reads a POPEX problem (the layers in order with their times on the edge and in the cloud and
the bytes of their outputs; the exits with their time on the edge and the fraction of the
samples reaching them that leave there; the uplink rate) and finds the cut with the lowest
expected time by Dijkstra on POPEX's graph. Exits run on the edge only; an exit after the cut
layer runs before the upload, so the samples it answers are never sent. Prints every cut's
expected time, the best, edge-only and cloud-only. The problem file is checked first: a missing
or unknown field, a negative time, a probability outside [0, 1], an exit after an unknown
layer or duplicate names is one error naming the field (exit code 2).`,
  args: { min: 1, says: 'one PROBLEM.json file' },
  options: {},
  json: 'print { cut, expectedMs, edgeOnlyMs, cloudOnlyMs, path, cuts } as JSON',
  notes: `The problem file:
  { "inputBytes": 3072, "uplinkMbps": 5.85, "rttMs": 0,
    "layers": [ { "name": "conv1", "edgeMs": 12.0, "cloudMs": 0.1, "outputBytes": 65536 } ],
    "exits":  [ { "after": "conv1", "edgeMs": 1.5, "exitProbability": 0.3 } ] }
rttMs (default 0) and exits (default none) are optional; tx(bytes) = 8 bytes / (uplinkMbps 1000) ms + rttMs.`,
  examples: ['cleave popex problem.json', 'cleave popex problem.json --json'],
  async run({ values: v, positionals: [file] }, io) {
    const problem = readJson(file, `problem file ${file}`);
    const s = solvePopex(problem);
    if (v.json) {
      printJson(io, s);
      return EXIT.OK;
    }
    io.stdout(table(['cut', 'edge layers', 'uploaded', 'expected ms', ''], s.cuts.map((c) => [
      c.cut, c.edgeLayers, `${(100 * c.uploadProbability).toFixed(1)}%`, c.expectedMs.toFixed(3),
      [c.cut === s.cut ? '<- best' : '', c.edgeLayers === 0 ? '(cloud only)' : '', c.cut === 'output' ? '(edge only)' : ''].filter(Boolean).join(' '),
    ])));
    io.stdout(`best cut: ${s.cut}, ${s.expectedMs.toFixed(3)} ms expected (edge only ${s.edgeOnlyMs.toFixed(3)} ms, cloud only ${s.cloudOnlyMs.toFixed(3)} ms)\n`);
    io.stdout(`path: ${s.path.join(' -> ')}\n`);
    return EXIT.OK;
  },
});
