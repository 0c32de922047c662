import { softmaxLike } from './shared/softmax-like.js';

/** Softmax (opset 1+): exp(x - max) / sum, over the axis (coerced 2-D before opset 13). 5 FLOPs per element. */
export const softmax = softmaxLike('Softmax');
