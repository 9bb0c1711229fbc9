/**
 * Helpers of the observability and TLS contract tests: the `iommu-twin` CLI as a child process,
 * a Prometheus text-format reader, and polling.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface CliChild {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with all stdout so far once `pred` holds for it (20 s at most). */
  until(pred: (stdout: string) => boolean): Promise<string>;
  stdout(): string;
  stderr(): string;
}

/** Runs `iommu-twin <args>` (through tsx) from the repository root. */
export function startCli(args: string[], env: Record<string, string> = {}): CliChild {
  const child = spawn(process.execPath, ['--import', 'tsx', 'services/cli/main.ts', ...args], {
    cwd: REPO,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    out += d;
    for (const w of [...waiters]) w();
  });
  child.stderr!.on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const until = (pred: (s: string) => boolean) =>
    new Promise<string>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`CLI output did not match in time:\n${out}\n${err}`));
      }, 20_000);
      const check = () => {
        if (pred(out)) {
          done();
          resolve(out);
        }
      };
      waiters.add(check);
      void exited.then(() => {
        if (!waiters.has(check)) return;
        done();
        reject(new Error(`CLI exited early:\n${out}\n${err}`));
      });
      check();
    });
  return { child, exited, until, stdout: () => out, stderr: () => err };
}

/** One series of a scrape. */
export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition format (the subset prom-client writes). */
export function parseProm(text: string): Series[] {
  const out: Series[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    if (m[2]) {
      for (const l of m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** A scrape: `get(name, labels)` is the value of the series with exactly those labels. */
export class Scrape {
  constructor(
    readonly text: string,
    readonly series: Series[],
  ) {}

  find(name: string, labels: Record<string, string> = {}): Series | undefined {
    const want = Object.entries(labels);
    return this.series.find((s) => s.name === name && Object.keys(s.labels).length === want.length && want.every(([k, v]) => s.labels[k] === v));
  }

  /** The value; fails the test when the series is absent. */
  get(name: string, labels: Record<string, string> = {}): number {
    const s = this.find(name, labels);
    expect(s, `series ${name}${JSON.stringify(labels)} in the scrape`).toBeDefined();
    return s!.value;
  }

  /** Names of every metric family with at least one series. */
  names(): Set<string> {
    return new Set(this.series.map((s) => s.name));
  }
}

/** GET `url`; asserts a 200 with the Prometheus text content type. */
export async function scrape(url: string): Promise<Scrape> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  const text = await res.text();
  return new Scrape(text, parseProm(text));
}

/** Polls `probe` until it returns a defined value (5 s at most). */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
