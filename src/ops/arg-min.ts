import { argReduceOp } from './shared/arg-reduce.js';

/** ArgMin (opset 1+; select_last_index since 12): int64 index of the smallest element along `axis`. */
export const argMin = argReduceOp('ArgMin', (a, b) => a < b);
