/**
 * VFIO migration v2 over gRPC (host-api.md "service Vfio"; vfio.h's migration uAPI and
 * vfio_main.c): VFIO_DEVICE_FEATURE_MIGRATION, the state machine with its data fds, the
 * pre-copy temporary end of stream (ENOMSG) and VFIO_MIG_GET_PRECOPY_INFO, the STOP_COPY end of
 * stream, MIG_DATA_SIZE, the resuming side's validation, and a device migrated between two hosts
 * that ends RUNNING with the same BAR contents and internal state (and keeps behaving the same).
 *
 * The stream layout asserted here is the twin's documented one (kernel/vfio_migration.ts): a
 * 56-byte header for a two-BAR device, 4104-byte chunk records, 4112-byte BAR page records, a
 * 16-byte end record. The NIC (0000:01:00.0, vfio0) has STOP_COPY|P2P|PRE_COPY and 1 MiB of
 * state (256 chunks), the GPU (vfio2) STOP_COPY|P2P and 64 MiB, the NVMe (vfio1) none.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callMeta, type HostClients } from '#libs/rpc/client.js';
import { errorInfo, expectErrno, expectStatus, Hw, PAGE, startTestHost, Sys, useTestHost, VfioLegacy, type TestHost } from './harness.js';

const NIC = '0000:01:00.0';
const HEADER = 24 + 16 * 2;
const CHUNK_REC = 8 + 4096;
const BAR_REC = 16 + 4096;
const END_REC = 16;
const NIC_CHUNKS = 256;
const NIC_FULL = HEADER + NIC_CHUNKS * CHUNK_REC + END_REC;
const PREFIX = 'VFIO_DEVICE_MIG_STATE_';

const t = useTestHost('intel-vtd');

// ------------------------------------------------------------------ helpers

async function setState(sys: Sys, devFd: number, state: string): Promise<number> {
  return (await sys.raw<{ data_fd: number }>('Vfio', 'DeviceSetMigState', { device_fd: devFd, device_state: PREFIX + state })).data_fd;
}
async function getState(sys: Sys, devFd: number): Promise<string> {
  return (await sys.raw<{ device_state: string }>('Vfio', 'DeviceGetMigState', { device_fd: devFd })).device_state.slice(PREFIX.length);
}
async function dataSize(sys: Sys, devFd: number): Promise<number> {
  return Number((await sys.raw<{ stop_copy_length: string }>('Vfio', 'DeviceMigDataSize', { device_fd: devFd })).stop_copy_length);
}
async function precopyInfo(sys: Sys, dataFd: number): Promise<[number, number]> {
  const r = await sys.raw<{ initial_bytes: string; dirty_bytes: string }>('Vfio', 'DevicePrecopyInfo', { data_fd: dataFd });
  return [Number(r.initial_bytes), Number(r.dirty_bytes)];
}

/** ReadMigData to its end: the bytes, or the stream's error. */
function readData(c: HostClients, sys: Sys, dataFd: number, length = 0, chunkBytes = 0): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    const s = c.Vfio.ReadMigData({ data_fd: dataFd, length: String(length), chunk_bytes: chunkBytes }, callMeta(sys.pid));
    s.on('data', (m: { data: Buffer }) => parts.push(m.data));
    s.on('error', reject);
    s.on('end', () => resolve(Buffer.concat(parts)));
  });
}

/** WriteMigData of `chunks` (the first names the fd): bytes written, or the call's error. */
function writeData(c: HostClients, sys: Sys, dataFd: number, chunks: Uint8Array[]): Promise<bigint> {
  return new Promise((resolve, reject) => {
    const s = c.Vfio.WriteMigData(callMeta(sys.pid), (err: grpc.ServiceError | null, res?: { written: string }) => (err ? reject(err) : resolve(BigInt(res!.written))));
    chunks.forEach((d, i) => s.write({ data_fd: i === 0 ? dataFd : 0, data: Buffer.from(d) }));
    s.end();
  });
}

/**
 * A root process with `cdev` bound to an iommufd, reset (VFIO_DEVICE_RESET: the BARs and the
 * internal state of earlier tests are gone) and attached to an IOAS with one RAM page at IOVA 0x100000.
 */
async function migratable(c: HostClients, spawn: (c: HostClients, n?: string) => Promise<Sys>, cdev = 'vfio0') {
  const sys = await spawn(c, 'mig');
  const fd = await sys.open('/dev/iommu');
  const devFd = await sys.open(`/dev/vfio/devices/${cdev}`);
  await sys.bind(devFd, fd);
  await sys.raw('Vfio', 'DeviceReset', { device_fd: devFd });
  const ioas = await sys.ioasAlloc(fd);
  await sys.attach(devFd, ioas);
  const va = await sys.mmap(PAGE);
  await sys.map(fd, ioas, va, PAGE, 0x100000n);
  return { sys, fd, devFd, ioas, va };
}

/** QEMU's legacy path to the NIC: a type1v2 container with group 1 set on it, the device fd by name (VFIO_GROUP_GET_DEVICE_FD), reset. */
async function nicThroughGroup(sys: Sys): Promise<{ group: number; devFd: number }> {
  const v = new VfioLegacy(sys);
  const container = await sys.open('/dev/vfio/vfio');
  const group = await sys.open('/dev/vfio/1');
  await v.setContainer(group, container);
  await v.setIommu(container, 3);
  const devFd = await v.deviceFd(group, NIC);
  await sys.raw('Vfio', 'DeviceReset', { device_fd: devFd });
  return { group, devFd };
}

function u32(b: Buffer, o: number): number {
  return b.readUInt32LE(o);
}
function u64(b: Buffer, o: number): bigint {
  return b.readBigUInt64LE(o);
}

/** The record types of a stream after its header, in order. */
function recordKinds(b: Buffer, from = HEADER): string[] {
  const out: string[] = [];
  let o = from;
  while (o < b.length) {
    const tag = u32(b, o);
    if (tag === 1) {
      out.push(`chunk ${u32(b, o + 4)}`);
      o += CHUNK_REC;
    } else if (tag === 2) {
      out.push(`bar ${u32(b, o + 4)}:${u64(b, o + 8)}`);
      o += BAR_REC;
    } else if (tag === 3) {
      out.push(`end ${u64(b, o + 8)}`);
      o += END_REC;
    } else throw new Error(`bad record ${tag} at ${o}`);
  }
  return out;
}

// ------------------------------------------------------------------ tests

describe('VFIO migration v2 on intel-vtd', () => {
  it('VFIO_DEVICE_FEATURE_MIGRATION: NIC STOP_COPY|P2P|PRE_COPY, GPU STOP_COPY|P2P, NVMe ENOTTY; an unbound cdev fd is EINVAL; Describe shows the same', async () => {
    const sys = await t.spawn(t.root);
    const fd = await sys.open('/dev/iommu');
    const nic = await sys.open('/dev/vfio/devices/vfio0');
    await expectErrno(sys.raw('Vfio', 'DeviceFeatureMigration', { device_fd: nic }), 'EINVAL');
    await sys.bind(nic, fd);
    expect((await sys.raw<{ flags: number }>('Vfio', 'DeviceFeatureMigration', { device_fd: nic })).flags).toBe(7);
    const gpu = await sys.open('/dev/vfio/devices/vfio2');
    await sys.bind(gpu, fd);
    expect((await sys.raw<{ flags: number }>('Vfio', 'DeviceFeatureMigration', { device_fd: gpu })).flags).toBe(3);
    expect(await dataSize(sys, gpu)).toBe(HEADER + 16384 * CHUNK_REC + END_REC);
    const nvme = await sys.open('/dev/vfio/devices/vfio1');
    await sys.bind(nvme, fd);
    await expectErrno(sys.raw('Vfio', 'DeviceFeatureMigration', { device_fd: nvme }), 'ENOTTY');
    await expectErrno(sys.raw('Vfio', 'DeviceGetMigState', { device_fd: nvme }), 'ENOTTY');
    await expectErrno(sys.raw('Vfio', 'DeviceMigDataSize', { device_fd: nvme }), 'ENOTTY');
    await expectErrno(sys.raw('Vfio', 'DeviceFeatureMigration', { device_fd: fd }), 'ENOTTY');
    const d = await t.hw.describe();
    const rows = d.devices.filter((x) => x.migration_flags !== 0).map((x) => [x.bdf, x.migration_flags, x.migration_state_bytes, x.dma_logging]);
    expect(rows).toEqual([
      [NIC, 7, String(1 << 20), false],
      ['0000:03:00.0', 3, String(64 << 20), false],
    ]);
  });

  it('the state machine: RUNNING at open; arcs without a session answer data_fd -1; STOP_COPY → PRE_COPY and ERROR are EINVAL and change nothing; an unknown state is EINVAL', async () => {
    const { sys, devFd } = await migratable(t.root, t.spawn);
    expect(await getState(sys, devFd)).toBe('RUNNING');
    expect(await setState(sys, devFd, 'RUNNING_P2P')).toBe(-1);
    expect(await setState(sys, devFd, 'STOP')).toBe(-1);
    expect(await setState(sys, devFd, 'STOP')).toBe(-1);
    const dataFd = await setState(sys, devFd, 'STOP_COPY');
    expect(dataFd).toBeGreaterThan(devFd);
    await expectErrno(setState(sys, devFd, 'PRE_COPY'), 'EINVAL');
    await expectErrno(setState(sys, devFd, 'PRE_COPY_P2P'), 'EINVAL');
    await expectErrno(setState(sys, devFd, 'ERROR'), 'EINVAL');
    await expectErrno(sys.raw('Vfio', 'DeviceSetMigState', { device_fd: devFd, device_state: 9 }), 'EINVAL');
    expect(await getState(sys, devFd)).toBe('STOP_COPY');
    // STOP_COPY → RUNNING walks STOP, RUNNING_P2P, RUNNING and ends the session
    expect(await setState(sys, devFd, 'RUNNING')).toBe(-1);
    expect(await getState(sys, devFd)).toBe('RUNNING');
    await expectErrno(readData(t.root, sys, dataFd), 'ENODEV');
  });

  it('a stopped device initiates no DMA (STOP, STOP_COPY, RESUMING): FAILED_PRECONDITION DEVICE_STOPPED; RUNNING_P2P still reaches RAM; RUNNING again works', async () => {
    const { sys, devFd } = await migratable(t.root, t.spawn);
    expect((await t.hw.dma(NIC, 0x100000n, 8)).result).toBe('data');
    await setState(sys, devFd, 'RUNNING_P2P');
    expect((await t.hw.dma(NIC, 0x100000n, 8, { write: new Uint8Array(8).fill(1) })).result).toBe('written');
    for (const s of ['STOP', 'STOP_COPY', 'RESUMING']) {
      await setState(sys, devFd, s);
      const e = await expectStatus(t.hw.dma(NIC, 0x100000n, 8), grpc.status.FAILED_PRECONDITION, 'DEVICE_STOPPED');
      expect(errorInfo(e)?.metadata.state).toBe(s);
    }
    // leaving RESUMING with no data fails (EINVAL) and the device stays in RESUMING; a reset recovers
    await expectErrno(setState(sys, devFd, 'RUNNING'), 'EINVAL');
    expect(await getState(sys, devFd)).toBe('RESUMING');
    await sys.raw('Vfio', 'DeviceReset', { device_fd: devFd });
    expect(await getState(sys, devFd)).toBe('RUNNING');
    expect((await t.hw.dma(NIC, 0x100000n, 8)).result).toBe('data');
  });

  it('STOP_COPY from STOP: MIG_DATA_SIZE is the stream length; the stream is the header, every chunk (the DMA ring records in chunk 0), the written BAR pages and END; then read returns 0 (end of stream)', async () => {
    const { sys, devFd } = await migratable(t.root, t.spawn);
    await t.hw.dma(NIC, 0x100000n, 64, { write: new Uint8Array(64).fill(7) });
    await t.hw.dma(NIC, 0x100010n, 16);
    const bar = await sys.mmap(0x10000n, { fd: devFd, offset: 0n });
    await sys.write(bar + 0x3000n, new Uint8Array([1, 2, 3, 4]));
    await setState(sys, devFd, 'STOP');
    expect(await dataSize(sys, devFd)).toBe(NIC_FULL + BAR_REC);
    const dataFd = await setState(sys, devFd, 'STOP_COPY');
    const b = await readData(t.root, sys, dataFd, 0, 10_000);
    expect(b.length).toBe(NIC_FULL + BAR_REC);
    expect([u32(b, 0), u32(b, 4), u64(b, 8), u32(b, 16)]).toEqual([0x474d5449, 1, 1n << 20n, 2]);
    expect([u32(b, 24), u64(b, 32), u32(b, 40), u64(b, 48)]).toEqual([0, 0x10000n, 2, 0x4000n]);
    const kinds = recordKinds(b);
    expect(kinds.slice(0, 2)).toEqual(['chunk 0', 'chunk 1']);
    expect(kinds.slice(-2)).toEqual(['bar 0:3', 'end 2']);
    // chunk 0 starts with the two ring records {seq, iova, length, write}
    const c0 = HEADER + 8;
    expect([u64(b, c0), u64(b, c0 + 8), u32(b, c0 + 16), u32(b, c0 + 20)]).toEqual([1n, 0x100000n, 64, 1]);
    expect([u64(b, c0 + 32), u64(b, c0 + 40), u32(b, c0 + 48), u32(b, c0 + 52)]).toEqual([2n, 0x100010n, 16, 0]);
    const barRec = b.subarray(b.length - END_REC - BAR_REC);
    expect([...barRec.subarray(16, 16 + 4)]).toEqual([1, 2, 3, 4]);
    // end of stream: read returns 0 bytes, never ENOMSG in STOP_COPY
    expect((await readData(t.root, sys, dataFd)).length).toBe(0);
    expect(await dataSize(sys, devFd)).toBe(0);
    await expectErrno(precopyInfo(sys, dataFd), 'EINVAL');
    // the data fd is read-only and has no write; STOP_COPY → STOP ends the session (ENODEV)
    await expectErrno(writeData(t.root, sys, dataFd, [new Uint8Array(4)]), 'EBADF');
    await setState(sys, devFd, 'STOP');
    await expectErrno(readData(t.root, sys, dataFd), 'ENODEV');
  });

  it('PRE_COPY: initial bytes, then ENOMSG at the temporary end; device DMA and BAR writes become dirty bytes; PRE_COPY → STOP_COPY keeps the fd and adds END', async () => {
    const { sys, devFd } = await migratable(t.root, t.spawn);
    await t.hw.dma(NIC, 0x100000n, 8);
    const dataFd = await setState(sys, devFd, 'PRE_COPY');
    expect(await precopyInfo(sys, dataFd)).toEqual([NIC_FULL - END_REC, 0]);
    const first = await readData(t.root, sys, dataFd, 1000);
    expect(first.length).toBe(1000);
    expect(await precopyInfo(sys, dataFd)).toEqual([NIC_FULL - END_REC - 1000, 0]);
    const rest = await readData(t.root, sys, dataFd);
    expect(first.length + rest.length).toBe(NIC_FULL - END_REC);
    expect(await precopyInfo(sys, dataFd)).toEqual([0, 0]);
    await expectErrno(readData(t.root, sys, dataFd), 'ENOMSG');
    // the running device dirties chunk 0 (its next ring record) and a BAR page
    await t.hw.dma(NIC, 0x100000n, 8, { write: new Uint8Array(8) });
    const bar = await sys.mmap(0x4000n, { fd: devFd, offset: 2n << 40n });
    await sys.write(bar + 0x1008n, new Uint8Array([9]));
    expect(await precopyInfo(sys, dataFd)).toEqual([0, CHUNK_REC + BAR_REC]);
    const dirty = await readData(t.root, sys, dataFd);
    expect(recordKinds(dirty, 0)).toEqual(['chunk 0', 'bar 2:1']);
    expect(await precopyInfo(sys, dataFd)).toEqual([0, 0]);
    // PRE_COPY → PRE_COPY_P2P → STOP_COPY: the same fd continues with what is left and END
    await t.hw.dma(NIC, 0x100000n, 8);
    expect(await dataSize(sys, devFd)).toBe(CHUNK_REC + END_REC);
    expect(await setState(sys, devFd, 'STOP_COPY')).toBe(-1);
    await expectErrno(precopyInfo(sys, dataFd), 'EINVAL');
    const last = await readData(t.root, sys, dataFd);
    expect(recordKinds(last, 0)).toEqual(['chunk 0', 'end 3']);
    expect((await readData(t.root, sys, dataFd)).length).toBe(0);
  });

  it('the resuming fd: write-only (read EBADF, no PRECOPY_INFO: ENOTTY); a stream of another device layout or bytes after END are EINVAL; leaving RESUMING with an incomplete stream is EINVAL', async () => {
    const { sys, devFd } = await migratable(t.root, t.spawn);
    const inFd = await setState(sys, devFd, 'RESUMING');
    await expectErrno(readData(t.root, sys, inFd), 'EBADF');
    await expectErrno(precopyInfo(sys, inFd), 'ENOTTY');
    // a GPU header (64 MiB of state, other BARs)
    const gpu = await migratable(t.root, t.spawn, 'vfio2');
    await setState(gpu.sys, gpu.devFd, 'STOP');
    const gpuFd = await setState(gpu.sys, gpu.devFd, 'STOP_COPY');
    const gpuHeader = await readData(t.root, gpu.sys, gpuFd, HEADER);
    expect(gpuHeader.length).toBe(HEADER);
    // the GPU process's data fd is its own: this process may not use it
    await expectErrno(writeData(t.root, sys, gpuFd + 100, [gpuHeader]), 'EBADF');
    await expectErrno(writeData(t.root, sys, inFd, [gpuHeader]), 'EINVAL');
    await expectErrno(setState(sys, devFd, 'RUNNING'), 'EINVAL');
    expect(await getState(sys, devFd)).toBe('RESUMING');
    // a fresh session: a complete NIC stream plus one stray byte
    await sys.raw('Vfio', 'DeviceReset', { device_fd: devFd });
    await setState(sys, devFd, 'STOP');
    const outFd = await setState(sys, devFd, 'STOP_COPY');
    const full = await readData(t.root, sys, outFd);
    const in2 = await setState(sys, devFd, 'RESUMING');
    expect(in2).not.toBe(outFd);
    await expectErrno(writeData(t.root, sys, in2, [full.subarray(0, 5000)]).then(() => setState(sys, devFd, 'STOP')), 'EINVAL');
    await sys.raw('Vfio', 'DeviceReset', { device_fd: devFd });
    await setState(sys, devFd, 'STOP');
    const in3 = await setState(sys, devFd, 'RESUMING');
    await expectErrno(writeData(t.root, sys, in3, [full, new Uint8Array(1)]), 'EINVAL');
  });
});

describe('a device migrated between two hosts', () => {
  let dst: TestHost | undefined;
  beforeAll(async () => {
    dst = await startTestHost('intel-vtd');
  });
  afterAll(async () => {
    await dst?.close();
  });

  it('pre-copy with DMA and BAR writes in between, STOP_COPY, RESUMING on the other host in odd-sized chunks → RUNNING with the same BARs, blob and ring position; both then behave the same', async () => {
    const src = await migratable(t.root, t.spawn);
    const hwDst = new Hw(dst!.platform);
    const dstSpawn = (c: HostClients, n?: string) => Sys.spawn(c, n);
    const to = await migratable(dst!.root, dstSpawn);
    try {
      const srcBar = await src.sys.mmap(0x10000n, { fd: src.devFd, offset: 0n });
      await src.sys.write(srcBar, new Uint8Array([0xde, 0xad, 0xbe, 0xef]));
      for (let i = 0; i < 5; i++) await t.hw.dma(NIC, 0x100000n + BigInt(i * 8), 8, { write: new Uint8Array(8).fill(i) });
      // source pre-copy
      const outFd = await setState(src.sys, src.devFd, 'PRE_COPY');
      const stream: Buffer[] = [await readData(t.root, src.sys, outFd)];
      await src.sys.write(srcBar + 0x8000n, new Uint8Array([0x55]));
      await t.hw.dma(NIC, 0x100000n, 8);
      stream.push(await readData(t.root, src.sys, outFd));
      // stop and copy the rest
      await setState(src.sys, src.devFd, 'STOP_COPY');
      stream.push(await readData(t.root, src.sys, outFd));
      const all = Buffer.concat(stream);
      // destination: RUNNING → RESUMING (through RUNNING_P2P and STOP), the bytes in 3000-byte writes
      const inFd = await setState(to.sys, to.devFd, 'RESUMING');
      const pieces: Uint8Array[] = [];
      for (let o = 0; o < all.length; o += 3000) pieces.push(all.subarray(o, o + 3000));
      expect(await writeData(dst!.root, to.sys, inFd, pieces)).toBe(BigInt(all.length));
      expect(await setState(to.sys, to.devFd, 'RUNNING')).toBe(-1);
      expect(await getState(to.sys, to.devFd)).toBe('RUNNING');
      // BAR contents read back through the destination's own mmap
      const dstBar = await to.sys.mmap(0x10000n, { fd: to.devFd, offset: 0n });
      expect([...(await to.sys.read(dstBar, 4))]).toEqual([0xde, 0xad, 0xbe, 0xef]);
      expect([...(await to.sys.read(dstBar + 0x8000n, 1))]).toEqual([0x55]);
      // the whole state: full STOP_COPY streams of both devices are byte-identical
      const fullOf = async (sys: Sys, devFd: number, c: HostClients) => {
        await setState(sys, devFd, 'STOP');
        return readData(c, sys, await setState(sys, devFd, 'STOP_COPY'));
      };
      const a = await fullOf(src.sys, src.devFd, t.root);
      const b = await fullOf(to.sys, to.devFd, dst!.root);
      expect(a.length).toBe(NIC_FULL + 2 * BAR_REC);
      expect(recordKinds(b).slice(-3)).toEqual(['bar 0:0', 'bar 0:8', 'end 6']);
      expect(b.equals(a)).toBe(true);
      // and they keep behaving the same: one more DMA each → identical states again
      await setState(src.sys, src.devFd, 'RUNNING');
      await setState(to.sys, to.devFd, 'RUNNING');
      await t.hw.dma(NIC, 0x100008n, 8);
      await hwDst.dma(NIC, 0x100008n, 8);
      const a2 = await fullOf(src.sys, src.devFd, t.root);
      const b2 = await fullOf(to.sys, to.devFd, dst!.root);
      expect(recordKinds(a2).at(-1)).toBe('end 7');
      expect(b2.equals(a2)).toBe(true);
    } finally {
      await to.sys.exit();
    }
  });
});

describe('P2P quiescence on arm-smmuv3 (the GPU BAR through a dma-buf)', () => {
  const a = useTestHost('arm-smmuv3');

  it('RUNNING_P2P and PRE_COPY_P2P: NIC DMA to the GPU BAR is refused (DEVICE_STOPPED) while DMA to RAM goes on; back in RUNNING it reaches the BAR again', async () => {
    const { sys, fd, ioas, devFd } = await migratable(a.root, a.spawn);
    const gpuFd = await sys.open('/dev/vfio/devices/vfio2');
    await sys.bind(gpuFd, fd);
    const { dmabuf_fd: buf } = await sys.raw<{ dmabuf_fd: number }>('Vfio', 'DeviceGetDmabuf', { device_fd: gpuFd, region_index: 0, ranges: [{ offset: '0', length: String(PAGE) }], open_flags: 2 });
    await sys.mapFile(fd, ioas, buf, 0n, PAGE, 0x400000n, 1 | 2 | 4);
    const gpuBar = await sys.mmap(PAGE, { fd: gpuFd, offset: 0n });
    const w = await a.hw.dma(NIC, 0x400000n, 4, { write: new Uint8Array([1, 2, 3, 4]) });
    expect(w.result, w.fault?.detail).toBe('written');
    expect([...(await sys.read(gpuBar, 4))]).toEqual([1, 2, 3, 4]);
    for (const s of ['RUNNING_P2P', 'PRE_COPY_P2P']) {
      await setState(sys, devFd, s);
      const e = await expectStatus(a.hw.dma(NIC, 0x400000n, 4, { write: new Uint8Array([9, 9, 9, 9]) }), grpc.status.FAILED_PRECONDITION, 'DEVICE_STOPPED');
      expect(errorInfo(e)?.metadata.state).toBe(s);
      expect((await a.hw.dma(NIC, 0x100000n, 8)).result).toBe('data');
    }
    expect([...(await sys.read(gpuBar, 4))]).toEqual([1, 2, 3, 4]);
    await setState(sys, devFd, 'RUNNING');
    expect((await a.hw.dma(NIC, 0x400000n, 4, { write: new Uint8Array([5, 6, 7, 8]) })).result).toBe('written');
    expect([...(await sys.read(gpuBar, 4))]).toEqual([5, 6, 7, 8]);
  });
});

describe('through the group path on intel-vtd-legacy (native type1)', () => {
  const l = useTestHost('intel-vtd-legacy');

  it('a device fd from VFIO_GROUP_GET_DEVICE_FD migrates the same way: STOP_COPY|P2P (PRE_COPY is EINVAL), a full STOP_COPY stream, RUNNING again', async () => {
    const sys = await l.spawn(l.root, 'qemu-legacy');
    const { group, devFd } = await nicThroughGroup(sys);
    expect((await sys.raw<{ flags: number }>('Vfio', 'DeviceFeatureMigration', { device_fd: devFd })).flags).toBe(3);
    await expectErrno(setState(sys, devFd, 'PRE_COPY'), 'EINVAL');
    expect(await getState(sys, devFd)).toBe('RUNNING');
    const dataFd = await setState(sys, devFd, 'STOP_COPY');
    expect(await getState(sys, devFd)).toBe('STOP_COPY');
    const b = await readData(l.root, sys, dataFd);
    expect(b.length).toBe(NIC_FULL);
    expect(recordKinds(b).at(-1)).toBe('end 0');
    expect(await setState(sys, devFd, 'RUNNING')).toBe(-1);
    // the last close of the device fd ends the session state: a new open starts RUNNING
    await setState(sys, devFd, 'STOP');
    await sys.close(devFd);
    const again = (await sys.raw<{ device_fd: number }>('Vfio', 'GroupGetDeviceFd', { group_fd: group, name: NIC })).device_fd;
    expect(await getState(sys, again)).toBe('RUNNING');
  });
});

describe('intel-vtd → intel-vtd-legacy (a migration pool of issue #12)', () => {
  const src = useTestHost('intel-vtd');
  const dst = useTestHost('intel-vtd-legacy');

  it('the NIC state saved through its cdev (pre-copy then STOP_COPY) resumes through the legacy group path: same BARs and state', async () => {
    const from = await migratable(src.root, src.spawn);
    const bar = await from.sys.mmap(0x4000n, { fd: from.devFd, offset: 2n << 40n });
    await from.sys.write(bar + 0x100n, new Uint8Array([0x11, 0x22]));
    await src.hw.dma(NIC, 0x100000n, 16, { write: new Uint8Array(16).fill(3) });
    const outFd = await setState(from.sys, from.devFd, 'PRE_COPY');
    const parts = [await readData(src.root, from.sys, outFd)];
    await src.hw.dma(NIC, 0x100000n, 16);
    await setState(from.sys, from.devFd, 'STOP_COPY');
    parts.push(await readData(src.root, from.sys, outFd));

    const sys = await dst.spawn(dst.root, 'qemu-legacy');
    const { devFd } = await nicThroughGroup(sys);
    const inFd = await setState(sys, devFd, 'RESUMING');
    await writeData(dst.root, sys, inFd, parts);
    await setState(sys, devFd, 'RUNNING');
    const dstBar = await sys.mmap(0x4000n, { fd: devFd, offset: 2n << 40n });
    expect([...(await sys.read(dstBar + 0x100n, 2))]).toEqual([0x11, 0x22]);
    // full streams of both sides are equal
    await setState(from.sys, from.devFd, 'STOP');
    const a = await readData(src.root, from.sys, await setState(from.sys, from.devFd, 'STOP_COPY'));
    await setState(sys, devFd, 'STOP');
    const b = await readData(dst.root, sys, await setState(sys, devFd, 'STOP_COPY'));
    expect(recordKinds(b).at(-1)).toBe('end 2');
    expect(b.equals(a)).toBe(true);
  });
});
