/** `cleave exits plan`: cut, exits and thresholds chosen together, per uplink rate. */
import { BadRequestError } from '../errors.js';
import { exitLayers, rooflineTime } from '../exits/exit-layers.js';
import { planModelExits } from '../exits/model-plan.js';
import type { ExitConfiguration, PlanObjective } from '../exits/plan.js';
import { checkTaus, DEFAULT_TAUS, type ExitPolicy, tauOf } from '../exits/policy.js';
import { readExitSamplesFile } from '../exits/samples-file.js';
import { exitStructure } from '../exits/structure.js';
import { readModel } from '../onnx/model-file.js';
import { getDevice } from '../profile/device-catalogue.js';
import { defineCommand } from './command.js';
import { deviceType } from './common-options.js';
import { EXIT } from './exit-codes.js';
import { tausOption } from './exits-options.js';
import { table } from './format.js';
import { printJson, readJson } from './io.js';
import { option } from './option-table.js';
import { atLeast, between, duration, each, list, number, positive, text } from './option-types.js';

/** A configuration with its thresholds as the policy's taus. */
function withTaus(c: ExitConfiguration, policy: ExitPolicy) {
  return { ...c, exits: c.exits.map((e) => ({ ...e, tau: tauOf(policy, e.threshold) })) };
}

const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

function exitsText(c: ReturnType<typeof withTaus>): string {
  return c.exits.length ? c.exits.map((e) => `${e.after}@${e.tau} (${pct(e.exitProbability)})`).join(' ') : 'none';
}

export const exitsPlanCommand = defineCommand({
  name: 'exits plan',
  summary: 'choose the cut, the exits and their thresholds together, per uplink rate',
  usage: 'MODEL --samples FILE.json --device EDGE [--server SERVER] --uplink R1,R2 (--min-accuracy A | --max-latency TIME) [options]',
  description: `The decision table of the exits: for each uplink rate (Mbit/s), the configuration (where to
cut, which exits are on, the threshold of each) with the lowest expected latency whose
expected accuracy is at least --min-accuracy, or the highest accuracy whose expected latency is
at most --max-latency. The backbone is a chain of layers, one per single-tensor cut point; each
layer's time on the edge and on the server is the roofline estimate of its nodes on the device
profiles (a catalogue name, or a profile written by \`cleave profile -o\`), its output's bytes
cross the link when the cut is after it (8 bytes / rate, plus --rtt). The exits' statistics are
the per-sample file of \`cleave exits evaluate --samples\` (a table per image condition in it).
The search is exhaustive: every exit subset and every threshold of the grid per exit, the best
cut of each by POPEX's shortest path (an enabled exit runs on the edge, before the upload).`,
  args: { min: 1, says: 'one MODEL file with exits' },
  options: {
    samples: option(text, { required: true, arg: 'FILE.json', help: 'per-sample statistics from `cleave exits evaluate --samples`' }),
    device: option(deviceType, { required: true, help: 'the edge device: a catalogue name (raspberry-pi-4, jetson-nano, ...) or a profile JSON' }),
    server: option(deviceType, { default: getDevice('xeon-server'), help: 'the server' }),
    uplink: option(list(number), { required: true, check: each(positive), arg: 'R1,R2', help: 'uplink rates in Mbit/s, e.g. 1.1,5.85,18.8 (POPEX\'s grid)' }),
    rtt: option(duration, { default: 0, check: atLeast(0), help: 'added to every upload (e.g. 20ms)' }),
    'min-accuracy': option(number, { check: between(0, 1), arg: 'A', help: 'lowest latency with expected accuracy >= A (a fraction, e.g. 0.9)' }),
    'max-latency': option(duration, { check: atLeast(0), help: 'highest accuracy with expected latency <= TIME (e.g. 40ms)' }),
    taus: tausOption,
  },
  json: 'print the layer chain and the decisions as JSON',
  examples: ['cleave exits plan vgg-exits-calibrated.onnx --samples samples.json --device raspberry-pi-4 --uplink 1.1,5.85,18.8 --min-accuracy 0.9'],
  async run({ values: v, positionals: [file] }, io) {
    // Bounds: exactly one objective is given (checked first).
    if ((v['min-accuracy'] === undefined) === (v['max-latency'] === undefined)) throw new BadRequestError('give exactly one objective: --min-accuracy A or --max-latency TIME; see `cleave exits plan --help`');
    const objective: PlanObjective = v['min-accuracy'] !== undefined ? { minAccuracy: v['min-accuracy'] } : { maxLatencyMs: v['max-latency']! };
    const parsed = readJson(v.samples, `samples file ${v.samples}`);
    const samples = readExitSamplesFile(parsed);
    const taus = checkTaus(samples.policy, v.taus ?? DEFAULT_TAUS[samples.policy]);
    const model = readModel(file);
    const layers = exitLayers(model, exitStructure(model), rooflineTime(v.device), rooflineTime(v.server));
    const plans = planModelExits(layers, samples, { uplinkMbps: v.uplink, rttMs: v.rtt, taus, objective });
    const decisions = plans.map((p) => ({
      condition: p.condition,
      configurations: p.plan.configurations,
      decisions: p.plan.decisions.map((d) => ({ uplinkMbps: d.uplinkMbps, best: d.best && withTaus(d.best, samples.policy), withoutExits: withTaus(d.withoutExits, samples.policy) })),
    }));
    if (v.json) {
      printJson(io, { model: file, samples: v.samples, device: v.device.name, server: v.server.name, policy: samples.policy, taus, objective, rttMs: v.rtt, layers, conditions: decisions });
      return EXIT.OK;
    }
    const sum = (f: (l: { edgeMs: number; cloudMs: number }) => number) => layers.layers.reduce((s, l) => s + f(l), 0);
    io.stdout(`${layers.layers.length} layers; all on ${v.device.name}: ${sum((l) => l.edgeMs).toFixed(2)} ms, all on ${v.server.name}: ${sum((l) => l.cloudMs).toFixed(3)} ms (roofline estimates); exits after ${layers.exits.map((e) => `${e.after} (${e.edgeMs.toFixed(3)} ms)`).join(', ')}\n`);
    io.stdout(`objective: ${'minAccuracy' in objective ? `lowest expected latency with accuracy >= ${pct(objective.minAccuracy)}` : `highest accuracy with expected latency <= ${objective.maxLatencyMs} ms`}; ${samples.policy} thresholds ${taus.join(',')}\n`);
    for (const c of decisions) {
      io.stdout(`\n${c.condition} (${c.configurations} exit configurations per rate):\n`);
      io.stdout(table(['Mbit/s', 'cut', 'exits on (tau, leave)', 'expected ms', 'accuracy', 'uploaded', 'no exits: cut', 'ms', 'accuracy'], c.decisions.map((d) => [
        String(d.uplinkMbps),
        d.best?.cut ?? 'none meets the objective', d.best ? exitsText(d.best) : '-', d.best ? d.best.expectedMs.toFixed(2) : '-', d.best ? pct(d.best.expectedAccuracy) : '-', d.best ? pct(d.best.uploadFraction) : '-',
        d.withoutExits.cut, d.withoutExits.expectedMs.toFixed(2), pct(d.withoutExits.expectedAccuracy),
      ])));
    }
    return EXIT.OK;
  },
});
