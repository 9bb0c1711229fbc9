/** Shared benchmark helpers: bounded measurement loops, CLI servers in child processes and worker threads. */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `x` rounded to `digits` decimals (for reported metrics). */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function pct(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
}

/** Run `op` with `inflight` concurrent chains until `maxOps` or `maxMs`; latencies in ms. */
export async function measure(op: (i: number) => Promise<unknown>, inflight: number, maxOps: number, maxMs: number): Promise<{ rate: number; p50: number; p99: number; n: number }> {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  const chain = async () => {
    while (next < maxOps && performance.now() - t0 < maxMs) {
      const i = next++;
      const s = performance.now();
      await op(i);
      lat.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: inflight }, chain));
  const secs = (performance.now() - t0) / 1000;
  lat.sort((a, b) => a - b);
  return { rate: lat.length / secs, p50: pct(lat, 0.5), p99: pct(lat, 0.99), n: lat.length };
}

export interface Child {
  child: ChildProcess;
  addr: string;
}

/**
 * `node --import tsx services/cli/main.ts <args>`, resolved once it prints `listening on`.
 * BENCH_CHILD_NODE_ARGS (space-separated) adds node options to the child, e.g.
 * `--cpu-prof --cpu-prof-dir=prof` to profile the server (NODE_OPTIONS refuses --cpu-prof).
 */
export async function startCli(args: string[], what: string): Promise<Child> {
  const nodeArgs = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(repo, 'services/cli/main.ts'), ...args], {
    cwd: repo,
    env: { ...process.env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  try {
    const addr = await new Promise<string>((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => reject(new Error(`${what} did not start within 30 s`)), 30_000);
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const m = /listening on (\S+)/.exec(buf);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${what} exited with ${code}`));
      });
    });
    return { child, addr };
  } catch (e) {
    await stopChild({ child, addr: '' });
    throw e;
  }
}

/** Children still running: killed if the bench process exits without stopping them. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** SIGTERM (graceful shutdown), SIGKILL after 15 s; resolves once the child is gone. */
export async function stopChild(c: Child | undefined): Promise<void> {
  if (!c || c.child.exitCode !== null || c.child.signalCode !== null) return;
  const gone = new Promise((r) => c.child.once('exit', r));
  c.child.kill('SIGTERM');
  const timer = setTimeout(() => c.child.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(timer);
}

/**
 * A worker thread running the bench file `moduleUrl` with `workerData` (the file goes through
 * tsx's loader, registered in the worker before the import). `ask` posts one request and
 * resolves to the worker's `{ ok: true }` answer, or rejects with `what: error` (one request at
 * a time).
 */
export function benchWorker<Req, Res extends { ok: true } | { ok: false; error: string }>(moduleUrl: string, workerData: unknown, what: string) {
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl)}); })`;
  const worker = new Worker(boot, { eval: true, workerData });
  const ask = (m: Req) =>
    new Promise<Extract<Res, { ok: true }>>((resolve, reject) => {
      const onMsg = (r: Res) => {
        worker.off('error', reject);
        if (r.ok) resolve(r as Extract<Res, { ok: true }>);
        else reject(new Error(`${what}: ${r.error}`));
      };
      worker.once('message', onMsg);
      worker.once('error', reject);
      worker.postMessage(m);
    });
  return { worker, ask };
}
