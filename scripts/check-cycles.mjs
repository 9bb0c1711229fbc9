#!/usr/bin/env node
// Import-cycle check over the TypeScript sources (services/, libs/, bench/): every relative or
// `#libs/...` import, type-only ones included, is an edge; any strongly connected component of
// more than one module is a cycle. Dependencies must point one way (transport → domain → libs):
// break a cycle by moving the shared type down, not with lazy imports. Exit 1 on a cycle.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const aliases = Object.entries(pkg.imports ?? {}).map(([k, v]) => [k.replace(/\*$/, ''), String(v).replace(/\*$/, '')]);

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'gen' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.d.ts')) out.push(p);
  }
  return out;
}
const files = ['services', 'libs', 'bench'].filter((d) => existsSync(join(root, d))).flatMap((d) => walk(join(root, d), []));
const known = new Set(files);

function resolveImport(from, spec) {
  let base;
  if (spec.startsWith('.')) base = resolve(dirname(from), spec);
  else {
    const a = aliases.find(([k]) => spec.startsWith(k));
    if (!a) return undefined;
    base = resolve(root, a[1] + spec.slice(a[0].length));
  }
  for (const c of [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')]) if (known.has(c)) return c;
  return undefined;
}

const edges = new Map();
const re = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]/g;
for (const f of files) {
  const src = readFileSync(f, 'utf8');
  const out = new Set();
  for (const m of src.matchAll(re)) {
    const t = resolveImport(f, m[1]);
    if (t && t !== f) out.add(t);
  }
  edges.set(f, out);
}

// Tarjan's strongly connected components
let index = 0;
const idx = new Map(), low = new Map(), onStack = new Set(), stack = [], sccs = [];
function strong(v) {
  idx.set(v, index); low.set(v, index); index++;
  stack.push(v); onStack.add(v);
  for (const w of edges.get(v)) {
    if (!idx.has(w)) { strong(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const c = [];
    let w;
    do { w = stack.pop(); onStack.delete(w); c.push(w); } while (w !== v);
    if (c.length > 1) sccs.push(c);
  }
}
for (const f of files) if (!idx.has(f)) strong(f);
if (sccs.length === 0) {
  console.log(`import cycles: none in ${files.length} modules`);
  process.exit(0);
}
for (const c of sccs) console.error(`import cycle: ${c.map((f) => relative(root, f)).sort().join(' ↔ ')}`);
process.exit(1);
