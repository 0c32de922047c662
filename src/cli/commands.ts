/**
 * The subcommands, in the order `cleave --help` lists them. Adding a command: write
 * src/cli/<name>.ts exporting `<name>Command = defineCommand({...})` (command.ts describes the
 * option table), and add it here.
 */
import { analyzeCommand } from './analyze.js';
import { bottleneckCommand } from './bottleneck.js';
import { buildModelCommand } from './build-model.js';
import type { Command } from './command.js';
import { cutCommand } from './cut.js';
import { deployCommand } from './deploy.js';
import { exitsCommand } from './exits.js';
import { exportCommand } from './export.js';
import { gradcamCommand } from './gradcam.js';
import { popexCommand } from './popex.js';
import { planCommand } from './plan.js';
import { profileCommand } from './profile.js';
import { rankCommand } from './rank.js';
import { reportCommand } from './report.js';
import { runCommand } from './run.js';
import { serveCommand } from './serve.js';
import { simulateCommand } from './simulate.js';
import { sparsifyCommand } from './sparsify.js';
import { trainCommand } from './train.js';

export const COMMANDS: readonly Command[] = [
  analyzeCommand,
  cutCommand,
  buildModelCommand,
  trainCommand,
  sparsifyCommand,
  gradcamCommand,
  rankCommand,
  bottleneckCommand,
  profileCommand,
  simulateCommand,
  exitsCommand,
  popexCommand,
  planCommand,
  reportCommand,
  deployCommand,
  serveCommand,
  runCommand,
  exportCommand,
];
