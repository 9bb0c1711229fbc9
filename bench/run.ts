/**
 * npm run bench [-- --quick] [-- --only b2,b4] [-- --soak]: runs every bench/b*.ts, writes one JSON file per
 * benchmark under bench/results/ and prints a table. Each benchmark measures its own limit in
 * the same run where one exists; compare ratios, not absolute numbers across runs.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult } from './types.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
/** --soak: the long soaks (B8's 10-minute one); the default run does short versions and says so. */
const soak = args.includes('--soak') && !quick;
const onlyIdx = args.indexOf('--only');
const only = onlyIdx >= 0 ? (args[onlyIdx + 1] ?? '').split(',').filter(Boolean) : [];

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-2)) return v.toExponential(3);
  return Number.isInteger(v) ? String(v) : v.toFixed(3);
}

async function main(): Promise<void> {
  const files = readdirSync(here)
    .filter((f) => /^b\d+[a-z]?-.*\.ts$/.test(f)) // b1c-nested.ts: a lettered case of a row
    .sort((a, b) => parseInt(a.slice(1), 10) - parseInt(b.slice(1), 10))
    .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o + '-')));
  const outDir = join(here, 'results');
  mkdirSync(outDir, { recursive: true });
  let failed = 0;
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(here, f)).href)) as { run(o: { quick: boolean; soak: boolean }): Promise<BenchResult> };
    const t0 = performance.now();
    let r: BenchResult;
    try {
      r = await mod.run({ quick, soak });
    } catch (e) {
      failed++;
      process.stdout.write(`\n${f}: FAILED: ${e instanceof Error ? e.stack : String(e)}\n`);
      continue;
    }
    const secs = (performance.now() - t0) / 1000;
    const doc = { name: r.name, node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, date: new Date().toISOString(), quick, soak, seconds: secs, metrics: r.metrics, limit: r.limit, ratio: r.ratio, notes: r.notes ?? [] };
    writeFileSync(join(outDir, `${r.name}.json`), JSON.stringify(doc, null, 2) + '\n');
    process.stdout.write(`\n== ${r.name} (${secs.toFixed(1)} s${quick ? ', quick' : ''})\n`);
    const rows: Array<[string, string, string]> = [];
    for (const [k, v] of Object.entries(r.metrics)) rows.push(['metric', k, fmt(v)]);
    for (const [k, v] of Object.entries(r.limit)) rows.push(['limit', k, fmt(v)]);
    for (const [k, v] of Object.entries(r.ratio)) rows.push(['ratio', k, fmt(v)]);
    const w = Math.max(...rows.map((x) => x[1].length), 10);
    for (const [kind, k, v] of rows) process.stdout.write(`  ${kind.padEnd(6)} ${k.padEnd(w)} ${v}\n`);
    for (const n of r.notes ?? []) process.stdout.write(`  note   ${n}\n`);
  }
  process.stdout.write(`\nresults written to bench/results/\n`);
  if (failed > 0) process.exit(1);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
