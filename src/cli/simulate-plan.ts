/**
 * `cleave simulate plan.json`: a configuration of a plan (the recommended one, or a member of
 * its front) through the discrete-event simulator, with the plan's load or --devices/--fps.
 */
import { existsSync } from 'node:fs';
import { checkPlanModel, parsePlan, planEntry } from '../qos/plan-file.js';
import { simulatePlanEntry } from '../qos/simulate.js';
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

export function simulatePlan(file: string, a: PlanSimulationArgs, io: CliIo): number {
  const doc = parsePlan(readText(file, `plan ${file}`), file);
  // The figures are the plan's; the model is checked when it is at hand, so a stale plan is caught.
  if (existsSync(doc.model.path)) checkPlanModel(doc, readBytes(doc.model.path, `model ${doc.model.path}`), file);
  else if (!a.json) io.stderr(`note: ${doc.model.path} is not here; the plan's figures are simulated without checking its hash\n`);
  const { entry } = planEntry(doc, a.entry, file);
  const { load, simulated: sim } = simulatePlanEntry(doc, entry, { ...(a.devices !== undefined ? { devices: a.devices } : {}), ...(a.fps !== undefined ? { fps: a.fps } : {}), frames: a.frames, seed: a.seed });
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
