/** Option rows the `cleave exits` commands share. */
import { DEFAULT_TAUS, EXIT_POLICIES } from '../exits/policy.js';
import { option } from './option-table.js';
import { atLeast, each, list, number, oneOf, text } from './option-types.js';

/** --data: a packaged data set or a folder of class subfolders. */
export const exitsDataOption = option(text, { required: true, arg: 'SRC', help: "mnist | fashion-mnist | DIR of class subfolders (PNG/JPEG; DIR/train and DIR/test when present), converted to the model's input" });

/** --taus: the threshold grid, in the policy's terms. */
export const tausOption = option(list(number), {
  check: each(atLeast(0)),
  arg: 'T1,T2',
  help: `thresholds: max softmax >= tau (default ${DEFAULT_TAUS['max-softmax'].join(',')}), or with the entropy policy entropy <= tau in nats (default ${DEFAULT_TAUS.entropy.join(',')})`,
});

export const policyOption = option(oneOf(...EXIT_POLICIES), { default: 'max-softmax', arg: 'RULE', help: 'exit when max softmax >= tau, or when the entropy <= tau' });
