import type { OpClass } from './device-profile.js';

/**
 * The device-profile op class of an ONNX op type: convolutions and dense matrix products reach
 * very different effective rates from everything else, which is bound by memory traffic.
 */
export function opClassOf(opType: string): OpClass {
  switch (opType) {
    case 'Conv':
    case 'ConvTranspose':
    case 'ConvInteger':
    case 'QLinearConv':
    case 'FusedConv':
      return 'conv';
    case 'Gemm':
    case 'MatMul':
    case 'MatMulInteger':
    case 'QLinearMatMul':
    case 'FusedGemm':
    case 'FusedMatMul':
      return 'gemm';
    default:
      return 'elementwise';
  }
}
