#!/usr/bin/env node
// Generates the TypeScript types for every .proto under proto/ into libs/rpc/gen/ with
// proto-loader-gen-types (no protoc needed).
//
//   node scripts/gen-proto.mjs           regenerate libs/rpc/gen/
//   node scripts/gen-proto.mjs --check   exit 1 if libs/rpc/gen/ is stale (for CI)
//
// All files are reached through one generated entry file (`all.proto`, written to a temp
// dir, never committed), so libs/rpc/gen/all.ts holds a single `ProtoGrpcType` covering
// every package. The flags below MUST equal the runtime loadSync options in
// libs/rpc/proto.ts (LOAD_OPTIONS); libs/rpc/rpc.test.ts checks that they do.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** proto/ relative to the repo root: generated files name their source as `proto/...`. */
export const PROTO_DIR = 'proto';
/** Output directory relative to the repo root. */
export const GEN_DIR = path.join('libs', 'rpc', 'gen');
/** Name of the synthetic entry file (→ gen/all.ts). */
export const ENTRY_PROTO = 'all.proto';

/** The codegen flags (see the ecosystem notes §3). */
export const GEN_FLAGS = [
  '--keepCase',
  '--longs=String',
  '--enums=String',
  '--defaults',
  '--oneofs',
  '--includeComments',
  '--grpcLib=@grpc/grpc-js',
  '--importFileExtension=.js',
];

/** Every .proto under proto/, as include-relative paths with '/' separators, sorted. */
export function listProtoFiles(root = path.join(REPO_ROOT, PROTO_DIR)) {
  const out = [];
  const walk = (dir, rel) => {
    for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) walk(path.join(dir, ent.name), r);
      else if (ent.isFile() && ent.name.endsWith('.proto')) out.push(r);
    }
  };
  walk(root, '');
  return out.sort();
}

/** Relative paths of every file under dir, sorted. */
function listFiles(dir) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  const walk = (d, rel) => {
    for (const ent of fs.readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) walk(path.join(d, ent.name), r);
      else out.push(r);
    }
  };
  walk(dir, '');
  return out.sort();
}

/** Runs the generator into outDir (absolute). Throws with the tool's output on failure. */
export function generate(outDir) {
  const files = listProtoFiles();
  if (files.length === 0) throw new Error(`no .proto files under ${PROTO_DIR}/`);
  const entryDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iommutwin-proto-entry-'));
  try {
    const entry =
      '// Generated entry point: imports every proto file so one ProtoGrpcType covers them all.\n' +
      'syntax = "proto3";\n\n' +
      files.map((f) => `import "${f}";\n`).join('');
    fs.writeFileSync(path.join(entryDir, ENTRY_PROTO), entry);
    const bin = path.join(REPO_ROOT, 'node_modules', '.bin', 'proto-loader-gen-types');
    if (!fs.existsSync(bin)) throw new Error(`${bin} not found: run npm ci first`);
    // The repo's proto/ comes first and is relative, so generated "Original file" comments
    // read `proto/...` on every machine.
    const args = [...GEN_FLAGS, '-I', PROTO_DIR, '-I', entryDir, '-O', outDir, ENTRY_PROTO];
    const res = spawnSync(bin, args, { cwd: REPO_ROOT, encoding: 'utf8' });
    if (res.error) throw res.error;
    if (res.status !== 0) {
      throw new Error(`proto-loader-gen-types failed (exit ${res.status}):\n${res.stdout}${res.stderr}`);
    }
  } finally {
    fs.rmSync(entryDir, { recursive: true, force: true });
  }
}

/** Compares two generated trees; returns human-readable differences (empty = identical). */
export function diffTrees(expectedDir, actualDir) {
  const want = listFiles(expectedDir);
  const have = listFiles(actualDir);
  const haveSet = new Set(have);
  const wantSet = new Set(want);
  const diffs = [];
  for (const f of want) {
    if (!haveSet.has(f)) diffs.push(`missing: ${f}`);
    else if (!fs.readFileSync(path.join(expectedDir, f)).equals(fs.readFileSync(path.join(actualDir, f)))) {
      diffs.push(`differs: ${f}`);
    }
  }
  for (const f of have) if (!wantSet.has(f)) diffs.push(`stale (no longer generated): ${f}`);
  return diffs;
}

function main(argv) {
  const check = argv.includes('--check');
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    console.error(`usage: node scripts/gen-proto.mjs [--check]  (unknown: ${unknown.join(' ')})`);
    return 2;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'iommutwin-gen-'));
  try {
    generate(tmp);
    const genDir = path.join(REPO_ROOT, GEN_DIR);
    if (check) {
      const diffs = diffTrees(tmp, genDir);
      if (diffs.length > 0) {
        console.error(
          `${GEN_DIR}/ is out of date with ${PROTO_DIR}/ (${diffs.length} file(s)):\n` +
            diffs.map((d) => `  ${d}`).join('\n') +
            `\nrun: npm run gen   (node scripts/gen-proto.mjs) and commit the result`,
        );
        return 1;
      }
      console.log(`${GEN_DIR}/ is up to date (${listFiles(tmp).length} files)`);
      return 0;
    }
    fs.rmSync(genDir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(genDir), { recursive: true });
    fs.cpSync(tmp, genDir, { recursive: true });
    console.log(`generated ${listFiles(genDir).length} files in ${GEN_DIR}/ from ${listProtoFiles().length} proto files`);
    return 0;
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    return 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
