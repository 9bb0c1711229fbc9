/** Shared benchmark helpers: bounded measurement loops, CLI servers in child processes and worker threads. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
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

/** How startNode runs a child and when it counts as started. */
export interface StartNodeOptions {
  /** Names the child in errors (`<what> did not start within ...`, `<what> exited with ...`). */
  what: string;
  /** Added to the child's environment (over this process's and LOG_LEVEL=silent). */
  env?: Record<string, string>;
  /** Started once stdout has at least `n` matches of each `re` (its group 1 is what is kept). */
  want: ReadonlyArray<{ re: RegExp; n: number }>;
  /** Default 30 s. */
  timeoutMs?: number;
  /** Keep the child's stdout in the file `<stdoutTo>.<pid>` too. */
  stdoutTo?: string;
}

/**
 * `node --import tsx <script> <args>` with LOG_LEVEL silent, resolved once its stdout shows every
 * pattern of `want` (`found[i]`: group 1 of each match of `want[i]`, in order; `addr`: the first
 * of `found[0]`). The child is killed if the bench process exits without stopping it.
 * BENCH_CHILD_NODE_ARGS (space-separated) adds node options to the child, e.g.
 * `--cpu-prof --cpu-prof-dir=prof` to profile it (NODE_OPTIONS refuses --cpu-prof).
 */
export async function startNode(script: string, args: string[], o: StartNodeOptions): Promise<Child & { found: string[][] }> {
  const nodeArgs = (process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const timeoutMs = o.timeoutMs ?? 30_000;
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args], {
    cwd: repo,
    env: { ...process.env, LOG_LEVEL: 'silent', ...o.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (o.stdoutTo) child.stdout!.pipe(createWriteStream(`${o.stdoutTo}.${child.pid}`));
  const res = o.want.map((w) => new RegExp(w.re.source, w.re.flags.includes('g') ? w.re.flags : `${w.re.flags}g`));
  try {
    const found = await new Promise<string[][]>((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(() => reject(new Error(`${o.what} did not start within ${timeoutMs / 1000} s`)), timeoutMs);
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const all = res.map((re) => [...buf.matchAll(re)].map((m) => m[1]!));
        if (all.every((x, i) => x.length >= o.want[i]!.n)) {
          clearTimeout(timer);
          resolve(all);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${o.what} exited with ${code}`));
      });
    });
    return { child, addr: found[0]?.[0] ?? '', found };
  } catch (e) {
    await stopChild({ child, addr: '' });
    throw e;
  }
}

/** `services/cli/main.ts <args>` by startNode, resolved once it prints `listening on <addr>`. */
export async function startCli(args: string[], what: string): Promise<Child> {
  const { child, addr } = await startNode(join(repo, 'services/cli/main.ts'), args, { what, want: [{ re: /listening on (\S+)/, n: 1 }] });
  return { child, addr };
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
