// Drives bench/serve/floor.c: the same split pattern (head here, cut tensor over loopback TCP,
// tail in another process, small reply) with no software stack, so bench/serve can tell what
// part of the split path's overhead this machine imposes on any program.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const source = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bench', 'serve', 'floor.c');

export interface FloorPair {
  readonly oneProcessMs: number;
  readonly splitMs: number;
}

export interface Floor {
  /** one run of head + tail in one process, then one split run */
  pair(): Promise<FloorPair>;
  close(): void;
}

let compiled: string | { exe: string } | undefined;

/** floor.c built once per process (into a temp dir removed at exit), or why it cannot be. */
function floorExe(): string | { exe: string } {
  if (compiled) return compiled;
  const dir = mkdtempSync(join(tmpdir(), 'cleave-floor-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const exe = join(dir, 'floor');
  const cc = spawnSync('cc', ['-O2', '-o', exe, source], { encoding: 'utf8' });
  compiled = cc.error || cc.status !== 0
    ? `cannot compile ${source} (${cc.error?.message ?? cc.stderr.trim()}); install a C compiler (apt-get install gcc)`
    : { exe };
  return compiled;
}

/**
 * Starts floor.c calibrated to these times, its tail streaming `tailBytes` of weights; a string
 * says why it cannot run.
 */
export async function startFloor(headMs: number, tailMs: number, cutBytes: number, replyBytes: number, tailBytes: number): Promise<Floor | string> {
  const built = floorExe();
  if (typeof built === 'string') return built;
  const { exe } = built;
  const child: ChildProcess = spawn(exe, [headMs.toFixed(3), tailMs.toFixed(3), String(cutBytes), String(replyBytes), String(tailBytes)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (l) => waiting.shift()?.(l));
  const exited = new Promise<string>((resolve) => child.once('exit', (code) => resolve(`floor exited with ${code}`)));
  const next = () => Promise.race([new Promise<string>((r) => waiting.push(r)), exited.then((why) => { throw new Error(why); })]);
  try {
    if ((await next()) !== 'ready') throw new Error('floor did not start');
  } catch (e) {
    child.kill();
    return (e as Error).message;
  }
  return {
    pair: async () => {
      const reply = next();
      child.stdin?.write('\n');
      const [one, split] = (await reply).split(' ').map(Number);
      if (!(Number.isFinite(one) && Number.isFinite(split))) throw new Error('floor printed something that is not two times');
      return { oneProcessMs: one!, splitMs: split! };
    },
    close: () => {
      child.stdin?.end();
    },
  };
}
