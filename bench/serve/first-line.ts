import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

/** The first line a bench child prints (its address, once it listens); fails if it exits first. */
export function firstLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}`)));
  });
}
