/**
 * B5 — RPC costs against a host-iommu running in its own process (2 cores: server and client
 * each get one). (a) IoasMap + IoasUnmap calls vs a no-op unary RPC (Platform.Ping) on the
 * same server and client, serially (c=1) and with 16 calls in flight, as unary calls and as
 * messages on one Iommufd.Ioctls stream (stream_*); (b) batched translations
 * (Platform.DeviceDmaBatch, 4096 packed records per call) in translations/s.
 * Every loop is bounded in count and in time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, callMeta, createClients, type HostClients } from '#libs/rpc/client.js';
import { IoctlPipe } from '../services/vmm/src/hostlink/ioctls.js';
import { measure, startCli, stopChild } from './lib.js';
import type { BenchResult } from './types.js';


export async function run(opts: { quick: boolean }): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'iommu-twin-b5-'));
  const tokensFile = join(dir, 'tokens.json');
  writeFileSync(tokensFile, JSON.stringify({ 'b5-root': 'root' }), { mode: 0o600 });
  const server = await startCli(['host', '--listen', '127.0.0.1:0', '--tokens', tokensFile], 'host-iommu');
  const { addr } = server;
  const c: HostClients = createClients(addr, { token: 'b5-root', defaultDeadlineMs: 30_000 });
  const metrics: Record<string, number> = {};
  const limit: Record<string, number> = {};
  const ratio: Record<string, number> = {};
  const notes: string[] = [];
  try {
    await c.waitForReady(10_000);
    const { pid } = await call(c.Process.Spawn, { name: 'b5', lease_ms: 0 });
    const md = callMeta(pid);
    const fd = (await call(c.Process.Open, { path: '/dev/iommu', flags: 2 }, md)).fd;
    const dfd = (await call(c.Process.Open, { path: '/dev/vfio/devices/vfio0', flags: 2 }, md)).fd;
    await call(c.Vfio.DeviceBindIommufd, { device_fd: dfd, iommufd: fd, flags: 0 }, md);
    const ioas = (await call(c.Iommufd.IoasAlloc, { fd, flags: 0 }, md)).out_ioas_id;
    await call(c.Vfio.DeviceAttachPt, { device_fd: dfd, flags: 0, pt_id: ioas, pasid: 0 }, md);
    const mfd = (await call(c.Process.MemfdCreate, { name: 'ram', flags: 0 }, md)).fd;
    await call(c.Process.Ftruncate, { fd: mfd, length: String(1 << 30) }, md);
    const va = BigInt((await call(c.Process.Mmap, { addr: '0', length: String(1 << 30), prot: 3, flags: 1, fd: mfd, offset: '0' }, md)).addr as string);

    const maxMs = opts.quick ? 1500 : 8000;
    const maxCalls = opts.quick ? 3000 : 40000;
    const ping = () => call(c.Platform.Ping, { payload: Buffer.alloc(0) });
    // one 4 KiB page per pair, each pair at its own IOVA slot so in-flight pairs never collide
    const pair = async (i: number) => {
      const slot = BigInt(i % 4096);
      const iova = (1n << 32n) + slot * 4096n;
      await call(c.Iommufd.IoasMap, { fd, flags: 7, ioas_id: ioas, user_va: (va + slot * 4096n).toString(), length: '4096', iova: iova.toString() }, md);
      await call(c.Iommufd.IoasUnmap, { fd, ioas_id: ioas, iova: iova.toString(), length: '4096' }, md);
    };
    // the stream variant: every ioctl one message on one Ioctls stream, answers in order
    const ioctls = new IoctlPipe((m) => c.Iommufd.Ioctls(m), md, 30_000);
    const streamPair = async (i: number) => {
      const slot = BigInt(i % 4096);
      const iova = (1n << 32n) + slot * 4096n;
      const m = await ioctls.submit({ ioas_map: { fd, flags: 7, ioas_id: ioas, user_va: (va + slot * 4096n).toString(), length: '4096', iova: iova.toString() } });
      if (m.status?.code !== 0) throw new Error(`stream IoasMap: ${m.status?.message}`);
      const u = await ioctls.submit({ ioas_unmap: { fd, ioas_id: ioas, iova: iova.toString(), length: '4096' } });
      if (u.status?.code !== 0 || u.ioas_unmap?.length !== '4096') throw new Error(`stream IoasUnmap: ${u.status?.message}`);
    };
    await measure(ping, 1, 500, 1000); // warm-up
    await measure(pair, 1, 250, 1000);
    await measure(streamPair, 1, 250, 1000);
    for (const inflight of [1, 16]) {
      const p = await measure(ping, inflight, maxCalls, maxMs);
      const m = await measure(pair, inflight, maxCalls / 2, maxMs);
      const mapCallsPerSec = m.rate * 2;
      metrics[`c${inflight}_map_unmap_calls_per_s`] = mapCallsPerSec;
      metrics[`c${inflight}_map_unmap_pair_p50_ms`] = m.p50;
      metrics[`c${inflight}_map_unmap_pair_p99_ms`] = m.p99;
      limit[`c${inflight}_noop_calls_per_s`] = p.rate;
      limit[`c${inflight}_noop_p50_ms`] = p.p50;
      limit[`c${inflight}_noop_p99_ms`] = p.p99;
      ratio[`c${inflight}_map_unmap_vs_noop`] = mapCallsPerSec / p.rate;
      // the same pairs on one Iommufd.Ioctls stream (the fast path): `inflight` chains share it
      const sm = await measure(streamPair, inflight, maxCalls / 2, maxMs);
      metrics[`stream_c${inflight}_map_unmap_ioctls_per_s`] = sm.rate * 2;
      metrics[`stream_c${inflight}_map_unmap_pair_p50_ms`] = sm.p50;
      metrics[`stream_c${inflight}_map_unmap_pair_p99_ms`] = sm.p99;
      ratio[`stream_c${inflight}_map_unmap_vs_noop`] = (sm.rate * 2) / p.rate;
    }
    ioctls.close();
    notes.push(`(a) stream_*: the same IoasMap + IoasUnmap pairs as messages on one Iommufd.Ioctls stream (${ioctls.opened} stream), answers checked; compared with the no-op unary rate of the same run`);
    // (b) batched translations: map 16 MiB, translate 4096 random pages per call
    await call(c.Iommufd.IoasMap, { fd, flags: 7, ioas_id: ioas, user_va: va.toString(), length: String(16 << 20), iova: String(1 << 30) }, md);
    const N = 4096;
    const entries = Buffer.alloc(N * 16);
    let seed = 12345;
    for (let i = 0; i < N; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const iova = (1 << 30) + (seed % 4096) * 4096;
      entries.writeUInt32LE(iova >>> 0, i * 16);
      entries.writeUInt32LE(0, i * 16 + 4);
    }
    const batch = () => call(c.Platform.DeviceDmaBatch, { bdf: '0000:01:00.0', entries });
    const first = await batch();
    if (first.faults !== 0 || first.translated !== N) throw new Error(`batch translated ${first.translated}, faults ${first.faults}`);
    // the limit beside it: Platform.Ping echoing a payload of the same size (N * 16 bytes in,
    // N * 16 bytes out) on the same server and client, at the same calls in flight; reps of the
    // two loops interleaved so that load from other processes hits both alike
    const echoPayload = Buffer.alloc(N * 16);
    const echo = () => call(c.Platform.Ping, { payload: echoPayload });
    await measure(echo, 2, 100, 1000); // warm-up
    let bRate = 0;
    let eRate = 0;
    for (let rep = 0; rep < 3; rep++) {
      const b = await measure(batch, 2, opts.quick ? 150 : 1000, maxMs / 3);
      const e = await measure(echo, 2, opts.quick ? 150 : 1000, maxMs / 3);
      bRate = Math.max(bRate, b.rate);
      eRate = Math.max(eRate, e.rate);
    }
    metrics.batch_translations_per_s = bRate * N;
    metrics.batch_calls_per_s = bRate;
    limit.echo_same_size_calls_per_s = eRate;
    limit.echo_same_size_translations_per_s = eRate * N;
    limit.target_translations_per_s = 3e6;
    ratio.batch_vs_echo = bRate / eRate;
    ratio.batch_vs_target = (bRate * N) / 3e6;
    notes.push('server in a child process (node --import tsx services/cli/main.ts host), client in the bench process, loopback h2c');
    notes.push('a pair = IoasMap(FIXED_IOVA, 4 KiB, pins + PTE write) + IoasUnmap (PTE clear + IOTLB invalidation); calls/s counts both calls');
    notes.push(`(b) DeviceDmaBatch: ${N} packed 16-byte records per call over 4096 mapped pages, 2 calls in flight, best of 3 reps; limit: Ping echoing ${N * 16} bytes (the same bytes each way, no translation), reps interleaved`);
  } finally {
    c.close();
    await stopChild(server);
    rmSync(dir, { recursive: true, force: true });
  }
  return { name: 'b5-rpc', metrics, limit, ratio, notes };
}
