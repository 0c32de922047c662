/**
 * Built-in device profiles. Throughputs are *effective* figures for batch-1 inference with a
 * production runtime (what a model actually reaches), derived from published per-model
 * latencies: effective GFLOP/s = model FLOPs / latency (ResNet-50: 4.1 GMAC = 8.2 GFLOP;
 * MobileNetV2: 0.3 GMAC = 0.6 GFLOP). Elementwise ops are bandwidth bound everywhere, so their
 * throughput is roughly bandwidth x (1 FLOP per 8-12 bytes moved).
 */
import { BadProfileError } from '../errors.js';
import type { DeviceProfile } from './device-profile.js';

export const DEVICE_CATALOGUE: Readonly<Record<string, DeviceProfile>> = {
  // Raspberry Pi 4 B (4x Cortex-A72 @ 1.5 GHz, LPDDR4-3200 32-bit). ONNX Runtime / TFLite on
  // 4 threads run ResNet-50 in ~1.1-1.3 s (~7 GFLOP/s) and MobileNetV2 in ~80-100 ms. STREAM
  // copy ~4.5 GB/s. Power (Raspberry Pi Foundation / Tom's Hardware measurements): 2.7 W idle,
  // 6.4 W with all cores loaded.
  'raspberry-pi-4': {
    name: 'raspberry-pi-4',
    description: 'Raspberry Pi 4 Model B, 4x Cortex-A72 1.5 GHz, CPU inference',
    kind: 'edge',
    throughputGflops: { conv: 7, gemm: 6, elementwise: 0.5 },
    memoryBandwidthGBps: 4.5,
    idleW: 2.7,
    busyW: 6.4,
    source: 'published ORT/TFLite ResNet-50 and MobileNetV2 latencies on Pi 4; RPi Foundation power figures',
  },
  // NVIDIA Jetson Nano (128-core Maxwell GPU, 472 GFLOP/s FP16 peak, 25.6 GB/s LPDDR4). NVIDIA's
  // Jetson benchmarks: ResNet-50 (TensorRT, FP16) ~36 img/s, i.e. ~300 GFLOP/s for convolutions;
  // fully connected layers reach less. 10 W power mode; ~1.5 W idle.
  'jetson-nano': {
    name: 'jetson-nano',
    description: 'NVIDIA Jetson Nano 4 GB, TensorRT FP16, 10 W mode',
    kind: 'edge',
    throughputGflops: { conv: 290, gemm: 120, elementwise: 2 },
    memoryBandwidthGBps: 20,
    idleW: 1.5,
    busyW: 10,
    source: 'NVIDIA Jetson Nano deep-learning benchmarks (TensorRT); Jetson Nano data sheet',
  },
  // Phone SoC: Qualcomm Snapdragon 865 (Cortex-A77 big cores, LPDDR5 44 GB/s peak). TFLite with
  // XNNPACK on 4 big cores: MobileNetV2 ~12 ms (~50 GFLOP/s), ResNet-50 ~150 ms (~55 GFLOP/s).
  // SoC power under sustained CPU inference ~5 W, ~0.5 W idle with the screen off.
  'snapdragon-865': {
    name: 'snapdragon-865',
    description: 'Phone SoC (Snapdragon 865), TFLite XNNPACK on the CPU big cores',
    kind: 'phone',
    throughputGflops: { conv: 55, gemm: 40, elementwise: 2.5 },
    memoryBandwidthGBps: 25,
    idleW: 0.5,
    busyW: 5,
    source: 'TFLite/XNNPACK published benchmarks; AI-Benchmark (Ignatov et al. 2019) power',
  },
  // CPU server: 2x Intel Xeon Gold 6248 (2x 20 cores, AVX-512, 6-channel DDR4-2933 each).
  // On this project's 2-core AVX-512 VM, ORT runs convolutions at ~105 GFLOP/s (PERFORMANCE.md);
  // scaling to 40 cores with ~60% efficiency for batch 1 gives ~2 TFLOP/s. STREAM triad ~200 GB/s
  // for two sockets. Power: ~150 W idle, ~450 W loaded (two 150 W TDP parts + platform).
  'xeon-server': {
    name: 'xeon-server',
    description: 'CPU server, 2x Xeon Gold 6248, ONNX Runtime',
    kind: 'server',
    throughputGflops: { conv: 2000, gemm: 1500, elementwise: 20 },
    memoryBandwidthGBps: 200,
    idleW: 150,
    busyW: 450,
    source: 'Intel ARK (6248); PERFORMANCE.md per-core ORT conv rate; STREAM results for Cascade Lake',
  },
  // GPU server: NVIDIA A100 40 GB PCIe (19.5 TFLOP/s FP32, 312 TFLOP/s FP16 tensor, 1555 GB/s).
  // Batch-1 inference is latency bound: MLPerf/TensorRT ResNet-50 batch 1 ~0.8 ms, i.e.
  // ~10 TFLOP/s effective. 250 W TDP; ~50 W idle (nvidia-smi on an idle A100).
  'a100-server': {
    name: 'a100-server',
    description: 'GPU server, NVIDIA A100 40 GB PCIe, TensorRT FP16, batch 1',
    kind: 'server',
    throughputGflops: { conv: 10000, gemm: 8000, elementwise: 100 },
    memoryBandwidthGBps: 1300,
    idleW: 50,
    busyW: 250,
    source: 'NVIDIA A100 data sheet; MLPerf Inference (ResNet-50 single-stream)',
  },
  // The development VM this project measures on (PERFORMANCE.md): 2 cores with AVX-512, ORT
  // forward convolutions ~105 GFLOP/s; ResNet-50 in 40.1 ms (8.2 GFLOP -> ~205 GFLOP/s would
  // overcount: ~45% of its time is outside large convolutions).
  'dev-vm-2core': {
    name: 'dev-vm-2core',
    description: "This project's 2-core AVX-512 development VM, ONNX Runtime CPU",
    kind: 'server',
    throughputGflops: { conv: 105, gemm: 90, elementwise: 2 },
    memoryBandwidthGBps: 15,
    idleW: 10,
    busyW: 35,
    source: 'measured: /work/shared/design/PERFORMANCE.md',
  },
};

export function deviceNames(): string[] {
  return Object.keys(DEVICE_CATALOGUE).sort();
}

/** A catalogue device by name; unknown names list the known ones. */
export function getDevice(name: string): DeviceProfile {
  const d = Object.hasOwn(DEVICE_CATALOGUE, name) ? DEVICE_CATALOGUE[name] : undefined;
  if (!d) throw new BadProfileError(`unknown device "${name}" (known: ${deviceNames().join(', ')})`);
  return d;
}
