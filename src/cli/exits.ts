/** `cleave exits`: the early-exit commands, one file each. */
import { defineGroup } from './command.js';
import { exitsAddCommand } from './exits-add.js';
import { exitsCalibrateCommand } from './exits-calibrate.js';
import { exitsEvaluateCommand } from './exits-evaluate.js';
import { exitsPlanCommand } from './exits-plan.js';
import { exitsTrainCommand } from './exits-train.js';

export const exitsCommand = defineGroup({
  name: 'exits',
  summary: 'early exits: add, train, calibrate, evaluate them, and plan cut + exits + thresholds',
  description: `Early exits let the edge answer alone when it is sure: branches on the backbone that classify
from an intermediate tensor. The commands in the order of a workflow: add the branches, train
them, calibrate their confidences, measure what a threshold policy does on held-out images
(clean and distorted), and choose the cut, the exits and their thresholds per uplink rate.
\`cleave popex\` solves one POPEX problem given as a file.`,
  commands: [exitsAddCommand, exitsTrainCommand, exitsCalibrateCommand, exitsEvaluateCommand, exitsPlanCommand],
});
