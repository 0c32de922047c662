/**
 * cleave counts one multiply-accumulate (MAC) as 2 floating-point operations (FLOPs), the
 * convention of most papers' "FLOPs" and of fvcore/thop when doubled. Rules report both: `flops`
 * for everything the op does, `macs` for the products of Conv/Gemm/MatMul alone, which is the
 * figure published model complexities quote ("ResNet-50: 4.1 GMACs").
 */
export const FLOPS_PER_MAC = 2;
