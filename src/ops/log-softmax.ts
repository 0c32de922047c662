import { softmaxLike } from './shared/softmax-like.js';

/** LogSoftmax (opset 1+): x - max - log(sum exp(x - max)), over the axis (coerced 2-D before opset 13). 5 FLOPs per element. */
export const logSoftmax = softmaxLike('LogSoftmax');
