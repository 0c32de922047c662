/**
 * The server side of a real split inference, run inside the server namespace with
 * `ip netns exec NS node split-server.js TAIL.onnx HOST PORT`: `cleave serve`'s library call
 * (serveModels) serving the tail as model "tail" on HOST:PORT, one ORT thread. Several tails
 * (one per candidate cut): `name=path,name=path` instead of TAIL.onnx. Prints
 * `listening` once it accepts requests; exits on SIGTERM/SIGKILL from the orchestrator (the
 * namespace cleanup kills it in any case).
 */
import { serveModels } from '../../src/serve/serve-models.js';

async function main(tails: string, host: string, port: number): Promise<void> {
  const models = tails.includes('=') ? tails.split(',') : [`tail=${tails}`];
  const { server } = await serveModels(models, { host, port, page: false, threads: 1 });
  process.stdout.write('listening\n');
  const stop = (): void => {
    void server.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

const [tailPath, host, port] = process.argv.slice(2);
main(String(tailPath), String(host), Number(port)).catch((err: unknown) => {
  process.stderr.write(`split-server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
