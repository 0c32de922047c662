/**
 * Facts about the machine a profile was measured on, so a profile brought back from a user's
 * device says what it was measured on: CPU model, cores, SIMD extensions, memory, runtime
 * versions; and a STREAM-copy-like memory bandwidth, the memory side of the roofline.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { median } from '../net/stats.js';

export interface MachineFacts {
  readonly hostname: string;
  readonly platform: string;
  readonly arch: string;
  readonly osRelease: string;
  readonly cpuModel: string;
  /** logical CPUs the process may use */
  readonly cpus: number;
  /** SIMD extensions the kernels can use (subset of /proc/cpuinfo flags or Features) */
  readonly simd: readonly string[];
  readonly memoryBytes: number;
  readonly node: string;
  readonly onnxruntime: string;
}

/** SIMD flags worth reporting: they decide which kernels ORT's MLAS picks. */
const SIMD_FLAGS = ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx512_bf16', 'amx_tile', 'neon', 'asimd', 'asimddp', 'sve', 'i8mm', 'bf16'];

function cpuinfo(): string {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return '';
  }
}

/** CPU model: os.cpus() names x86 parts; ARM boards often leave it empty and put it in /proc/cpuinfo. */
export function cpuModelFrom(cpus: readonly { model: string }[], info: string): string {
  const fromOs = cpus[0]?.model.trim();
  if (fromOs && fromOs !== 'unknown') return fromOs;
  for (const key of ['model name', 'Model', 'Hardware', 'CPU part']) {
    const m = new RegExp(`^${key}\\s*:\\s*(.+)$`, 'm').exec(info);
    if (m) return m[1]!.trim(); // the pattern's group is not optional
  }
  return 'unknown';
}

/** SIMD extensions listed in a /proc/cpuinfo text (x86 "flags", ARM "Features"). */
export function simdFrom(info: string): string[] {
  const m = /^(?:flags|Features)\s*:\s*(.+)$/m.exec(info);
  const flags = new Set(m ? m[1]!.split(/\s+/) : []); // the pattern's group is not optional
  return SIMD_FLAGS.filter((f) => flags.has(f));
}

function ortVersion(): string {
  try {
    const pkg = createRequire(import.meta.url)('onnxruntime-node/package.json') as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function machineFacts(): MachineFacts {
  const info = cpuinfo();
  return {
    hostname: os.hostname(),
    platform: os.platform(),
    arch: os.arch(),
    osRelease: os.release(),
    cpuModel: cpuModelFrom(os.cpus(), info),
    cpus: os.availableParallelism(),
    simd: simdFrom(info),
    memoryBytes: os.totalmem(),
    node: process.version,
    onnxruntime: ortVersion(),
  };
}

/**
 * Copy bandwidth, GB/s: bytes read plus bytes written per second by a large memcpy
 * (TypedArray.set), median of `repeats`. The buffers (2 x `bytes`) exceed the caches.
 */
export function measureCopyBandwidthGBps(bytes = 64 * 1024 * 1024, repeats = 7): number {
  const src = new Float64Array(bytes / 8).fill(1);
  const dst = new Float64Array(bytes / 8);
  dst.set(src); // touch every page once so the timed copies do not include page faults
  const gbps: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    dst.set(src);
    const s = (performance.now() - t0) / 1000;
    gbps.push((2 * bytes) / s / 1e9);
  }
  return median(gbps);
}
