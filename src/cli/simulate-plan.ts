/**
 * `cleave simulate plan.json`: a configuration of a plan (the recommended one, or a member of
 * its front) through the discrete-event simulator, with the plan's load or --devices/--fps.
 */
import { existsSync } from 'node:fs';
import { BadRequestError } from '../errors.js';
import { checkPlanModel, configurationOfEntry, type PlanDocument, type PlanEntry, parsePlan } from '../qos/plan-file.js';
import { simulateConfiguration } from '../qos/simulate.js';
import { EXIT } from './exit-codes.js';
import { table } from './format.js';
import { type CliIo, printJson, readBytes, readText } from './io.js';

export interface PlanSimulationArgs {
  /** 'recommended' or the index of a front member */
  readonly entry: string;
  readonly devices?: number;
  readonly fps?: number;
  readonly frames: number;
  readonly seed: number;
  readonly json: boolean;
}

function pick(doc: PlanDocument, which: string, source: string): PlanEntry {
  if (which === 'recommended') return doc.recommended;
  const i = /^\d+$/.test(which) ? Number(which) : NaN;
  const e = doc.front[i];
  if (!e) throw new BadRequestError(`--entry must be recommended or a front index 0..${doc.front.length - 1} of ${source}, got "${which}"`);
  return e;
}

export function simulatePlan(file: string, a: PlanSimulationArgs, io: CliIo): number {
  const doc = parsePlan(readText(file, `plan ${file}`), file);
  // The figures are the plan's; the model is checked when it is at hand, so a stale plan is caught.
  if (existsSync(doc.model.path)) checkPlanModel(doc, readBytes(doc.model.path, `model ${doc.model.path}`), file);
  else if (!a.json) io.stderr(`note: ${doc.model.path} is not here; the plan's figures are simulated without checking its hash\n`);
  const entry = pick(doc, a.entry, file);
  const network = doc.networks[entry.network];
  const load = { ...doc.load, devices: a.devices ?? doc.load.devices, fps: a.fps ?? doc.load.fps };
  const sim = entry.placement === 'local' || !network
    ? { p50Ms: entry.breakdown.headMs ?? 0, p99Ms: entry.breakdown.headMs ?? 0, framesSent: 0, framesLost: 0, events: 0 }
    : simulateConfiguration(configurationOfEntry(entry), network, { load, frames: a.frames, arrivals: doc.load.arrivals, seed: a.seed });
  if (a.json) {
    printJson(io, { plan: file, entry: entry.id, load, predicted: entry.objectives, latencySource: entry.latencySource, simulated: sim }, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? null : x));
    return EXIT.OK;
  }
  const f = (x: number | null): string => (x === null || !Number.isFinite(x) ? 'unbounded' : x.toFixed(1));
  io.stdout(`${entry.id}\n${load.devices} device(s)${load.fps > 0 ? ` x ${load.fps} fps` : ', frames far apart'}, ${load.workers} worker(s), ${entry.placement === 'local' ? 'nothing sent (local)' : `${sim.framesSent} frames sent, ${sim.framesLost} lost`}\n\n`);
  io.stdout(table(['latency', 'plan ms', 'simulated now ms'], [
    ['p50', f(entry.objectives.latencyMs), f(sim.p50Ms)],
    ['p99', f(entry.objectives.p99Ms), f(sim.p99Ms)],
  ]));
  io.stdout(`(plan figures: ${entry.latencySource})\n`);
  return EXIT.OK;
}
