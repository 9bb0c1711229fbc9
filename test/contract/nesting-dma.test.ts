/**
 * DMA through nested HWPTs over gRPC: the 2-D walk of the host (guest stage 1 in the VM
 * process's memory, every table fetch through the nest parent's stage 2), its caches and how its
 * faults are reported.
 *
 * intel-vtd: a VM process whose guest RAM is a memfd mapped in the process and IoasMapFile'd at
 * GPA G into an IOAS; a NEST_PARENT HWPT over it and an IOMMU_HWPT_DATA_VTD_S1 nested HWPT whose
 * first-stage tables (x86-64 4-level paging, nesting-and-vtd.md §B.5) the test writes with
 * Process.WriteMemory. DMA data is checked both ways, and so are the A/D bits the IOMMU writes
 * into the guest's table bytes (A on every entry used, D on the leaf of a write); a skipped
 * invalidation keeps the stale translation (Inspect shows it) until HwptInvalidate or the
 * InvalidationChannel removes it; stage-2 faults go to the host log with stage 2; ATS fills the
 * device ATC; page requests wait for RespondFaults.
 *
 * arm-smmuv3: vIOMMU + vDEVICE (virt_id = the guest StreamID) + vEVENTQ + a Cfg=S1 vSTE nested
 * HWPT whose CD and LPAE stage-1 tables are in guest RAM (smmuv3-and-migration.md §A.5, A.6,
 * A.11): a stage-1 fault reaches ReadVevents as the 32-byte event record with the guest
 * StreamID (§A.8, §A.10); a stage-2 fault does not (it stays in the host log).
 */
import type * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { call, callMeta } from '#libs/rpc/client.js';
import type { InvalidationChannelResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/InvalidationChannelResponse.js';
import { expectErrno, Nest, PAGE, useTestHost, watchEvents, type HostFixture, type Sys } from './harness.js';
import { G, GUEST_PAGES, GuestRam, S1Table } from './guest-tables.js';

const NEST_PARENT = 1 << 0;
const DIRTY_TRACKING = 1 << 1;
const FAULT_ID_VALID = 1 << 2;
const DATA_VTD_S1 = 1;
const DATA_ARM_SMMUV3 = 2;
const INV_VTD_S1 = 0;
const INV_SMMUV3 = 1;
const VIOMMU_ARM_SMMUV3 = 1;
const VEVENTQ_ARM_SMMUV3 = 1;
const RESP_SUCCESS = 0;
const RESP_INVALID = 1;

const NIC = '0000:01:00.0';
const I = 0x7f_0000_0000n; // guest IOVA (stage-1 input)

// x86 first-stage bits (§B.5)
const P = 1n;
const RW = 2n;
const US = 4n;
const A = 1n << 5n;
const D = 1n << 6n;

async function dma(t: HostFixture, iova: bigint, length: number, opts: { write?: Uint8Array; allowPageRequest?: boolean; pasid?: number } = {}) {
  return call(t.platform.Platform.DeviceDma, {
    bdf: NIC,
    ...(opts.pasid !== undefined ? { pasid: opts.pasid } : {}),
    iova: iova.toString(),
    length: String(length),
    write: opts.write !== undefined,
    data: Buffer.from(opts.write ?? new Uint8Array(0)),
    allow_page_request: opts.allowPageRequest ?? false,
  });
}

async function unitCache(t: HostFixture, unit: string) {
  const r = await call(t.platform.Platform.Inspect, { unit, include_iotlb_entries: true });
  const c = r.iotlbs.find((x) => x.cache === `${unit}/iotlb`)!;
  return {
    walks: Number(c.walks),
    refs: Number(c.memory_references),
    entries: c.entries.map((e) => ({ tag: e.domain_tag, iova: BigInt(e.iova as string), addr: BigInt(e.addr as string), size: BigInt(e.size as string), perm: e.perm })),
  };
}

/** The IOTLB entries of `unit` for guest IOVA `iova`. */
async function cached(t: HostFixture, unit: string, iova: bigint) {
  return (await unitCache(t, unit)).entries.filter((e) => e.iova === iova);
}

/** The InvalidationChannel of `sys`: write requests, wait for acks. */
function channel(sys: Sys) {
  const c = sys.c.Iommufd.InvalidationChannel(callMeta(sys.pid)) as unknown as grpc.ClientDuplexStream<Record<string, unknown>, InvalidationChannelResponse__Output>;
  const acks: InvalidationChannelResponse__Output[] = [];
  let wake: (() => void) | undefined;
  let failure: unknown;
  c.on('data', (m: InvalidationChannelResponse__Output) => {
    acks.push(m);
    wake?.();
  });
  c.on('error', (e) => {
    failure = e;
    wake?.();
  });
  return {
    send(req: { fd: number; sequence: bigint; hwpt_id: number; data_type: number; entry_len: number; entries: Uint8Array }): void {
      c.write({ ...req, sequence: req.sequence.toString(), entries: Buffer.from(req.entries) });
    },
    async ack(n: number): Promise<InvalidationChannelResponse__Output> {
      const deadline = Date.now() + 10_000;
      while (acks.length < n) {
        if (failure) throw failure;
        if (Date.now() > deadline) throw new Error(`only ${acks.length} acks`);
        await new Promise<void>((r) => {
          const tm = setTimeout(r, 500);
          wake = () => {
            clearTimeout(tm);
            r();
          };
        });
      }
      return acks[n - 1]!;
    },
    end(): void {
      c.end();
    },
  };
}

/** iommu_hwpt_vtd_s1 (24 bytes). */
function vtdS1(pgtbl: bigint, addrWidth = 48, flags = 0n): Uint8Array {
  const b = Buffer.alloc(24);
  b.writeBigUInt64LE(flags, 0);
  b.writeBigUInt64LE(pgtbl, 8);
  b.writeUInt32LE(addrWidth, 16);
  return b;
}

/** iommu_hwpt_vtd_s1_invalidate entries (24 bytes each). */
function vtdInv(addr: bigint, npages: bigint): Uint8Array {
  const b = Buffer.alloc(24);
  b.writeBigUInt64LE(addr, 0);
  b.writeBigUInt64LE(npages, 8);
  return b;
}

const pattern = (seed: number, n = 4096) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

// ======================================================================================
describe('intel-vtd: DMA through a VT-d nested HWPT (first stage in the VM process memory)', () => {
  const t = useTestHost('intel-vtd');

  async function setup(opts: { fault?: boolean; dirty?: boolean } = {}) {
    const d = await t.deviceSetup('vfio0');
    const n = new Nest(d.sys);
    const g = await GuestRam.create(d.sys, d.fd, d.ioas);
    const parent = await n.hwptAlloc(d.fd, { flags: NEST_PARENT | (opts.dirty ? DIRTY_TRACKING : 0), devId: d.devId, ptId: d.ioas });
    const s1 = new S1Table(g, 'x86');
    let fault: { id: number; fd: number } | undefined;
    if (opts.fault) fault = await n.faultQueueAlloc(d.fd);
    const nested = await n.hwptAlloc(d.fd, { devId: d.devId, ptId: parent, dataType: DATA_VTD_S1, data: vtdS1(s1.root), ...(fault ? { flags: FAULT_ID_VALID, faultId: fault.id } : {}) });
    await d.sys.attach(d.devFd, nested);
    return { ...d, n, g, parent, s1, nested, fault };
  }

  it('reads and writes guest memory through both stages; A on every entry used, D on the written leaf; 24 references per 2-D walk', async () => {
    const { g, s1 } = await setup();
    const page = g.alloc();
    const path = await s1.map(I, page);
    await g.write(page, pattern(1));
    const before = await unitCache(t, 'dmar0');

    const r = await dma(t, I, 4096);
    expect(r.result).toBe('data');
    expect(Buffer.from(r.data as Buffer)).toEqual(Buffer.from(pattern(1)));
    // the IOMMU set A in each of the four entries it used, and nothing else
    for (const e of path.slice(0, 3)) expect((await g.r64(e)) & (A | D)).toBe(A);
    expect((await g.r64(path[3]!)) & (A | D)).toBe(A);
    expect((await g.r64(path[3]!)) & ~(A | D)).toBe(s1.leaf(page, true));
    // one walk: 4 first-stage fetches, each through a 4-level second-stage walk, plus the final
    // second-stage walk of the output GPA (guest RAM is mapped with 4 KiB leaves)
    const after = await unitCache(t, 'dmar0');
    expect(after.walks - before.walks).toBe(1);
    expect(after.refs - before.refs).toBe(4 * (1 + 4) + 4);
    // the combined translation is cached at the guest IOVA
    const e = await cached(t, 'dmar0', I);
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ size: 4096n, perm: 3 });

    // a write: the bytes land in guest RAM, the leaf gets D (the cached clean entry re-walks)
    const w = await dma(t, I + 0x100n, 5, { write: Buffer.from('hello') });
    expect(w.result).toBe('written');
    expect((await g.read(page + 0x100n, 5)).toString()).toBe('hello');
    expect((await g.r64(path[3]!)) & (A | D)).toBe(A | D);
    for (const e2 of path.slice(0, 3)) expect((await g.r64(e2)) & D).toBe(0n);
    // and the host saw the same bytes the guest did
    const back = await dma(t, I + 0xfen, 10);
    expect(Buffer.from(back.data as Buffer)).toEqual(Buffer.from([...pattern(1).subarray(0xfe, 0x100), ...Buffer.from('hello'), ...pattern(1).subarray(0x105, 0x108)]));
  });

  it('faults by stage: stage-1 not-present / read-only / U/S, stage-2 (output GPA outside the IOAS) in the host log with stage 2', async () => {
    const { g, s1 } = await setup();
    const ro = g.alloc();
    await s1.map(I + PAGE, ro, false);
    const ev = watchEvents(t.platform);
    // not present (no leaf for I + 2 pages)
    const np = await dma(t, I + 2n * PAGE, 8);
    expect(np.result).toBe('fault');
    expect(np.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION', stage: 1, level: 1, addr: String(I + 2n * PAGE) });
    // read-only: reads work, writes fault at stage 1 (fault reason 0x85)
    expect((await dma(t, I + PAGE, 8)).result).toBe('data');
    const wf = await dma(t, I + PAGE, 4, { write: Buffer.from('nope') });
    expect(wf.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_PERMISSION', stage: 1, level: 1, write: true });
    expect(wf.fault!.detail).toContain('0x85');
    // a leaf whose output GPA is outside the IOAS: stage 2
    await s1.map(I + 3n * PAGE, 0x9000_0000n);
    const s2f = await dma(t, I + 3n * PAGE + 4n, 4);
    expect(s2f.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION', stage: 2 });
    // a first-stage table pointer (a PDPE in another PML4 slot) outside the IOAS: a stage-2
    // fault on the table fetch
    const I2 = I + (1n << 39n);
    const path = await s1.map(I2, g.alloc());
    await g.w64(path[1]!, 0x8000_0000n | P | RW | US);
    const tf = await dma(t, I2, 4);
    expect(tf.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION', stage: 2 });
    // the host log has the four faults with their stages
    const mine = (e: { kind: string; fault?: { addr: unknown } | null }) =>
      e.kind === 'HOST_EVENT_KIND_DMA_FAULT' && [I + 2n * PAGE, I + PAGE, I + 3n * PAGE + 4n, I2].map(String).includes(String(e.fault?.addr));
    await ev.until((e) => mine(e) && e.fault?.addr === String(I2));
    const logged = ev.seen.filter(mine).map((e) => [e.fault!.addr, e.fault!.reason, e.fault!.stage, e.fault!.unit]);
    expect(logged).toEqual([
      [String(I + 2n * PAGE), 'DMA_FAULT_REASON_TRANSLATION', 1, 'dmar0'],
      [String(I + PAGE), 'DMA_FAULT_REASON_PERMISSION', 1, 'dmar0'],
      [String(I + 3n * PAGE + 4n), 'DMA_FAULT_REASON_TRANSLATION', 2, 'dmar0'],
      [String(I2), 'DMA_FAULT_REASON_TRANSLATION', 2, 'dmar0'],
    ]);
    ev.cancel();
    // U/S = 0 in the leaf: every DMA is a user request (fault reason 0x81)
    const us = g.alloc();
    const p2 = await s1.map(I + 4n * PAGE, us);
    await g.w64(p2[3]!, us | P | RW);
    const usf = await dma(t, I + 4n * PAGE, 4);
    expect(usf.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_PERMISSION', stage: 1, level: 1 });
    expect(usf.fault!.detail).toContain('0x81');
  });

  it('a PTE changed without invalidation keeps the stale translation (Inspect shows it); HwptInvalidate and the InvalidationChannel remove it', async () => {
    const { sys, fd, g, s1, n, nested } = await setup();
    const p1 = g.alloc();
    const p2 = g.alloc();
    await g.write(p1, pattern(1));
    await g.write(p2, pattern(2));
    const path = await s1.map(I, p1);
    expect(Buffer.from((await dma(t, I, 64)).data as Buffer)).toEqual(Buffer.from(pattern(1).subarray(0, 64)));
    const stale = await cached(t, 'dmar0', I);
    expect(stale).toHaveLength(1);
    // the guest retargets the PTE and does not invalidate: DMA still reaches p1
    await g.w64(path[3]!, s1.leaf(p2, true));
    expect(Buffer.from((await dma(t, I, 64)).data as Buffer)).toEqual(Buffer.from(pattern(1).subarray(0, 64)));
    expect(await cached(t, 'dmar0', I)).toEqual(stale);
    // an invalidation of another page leaves it
    expect(await n.invalidate(fd, nested, INV_VTD_S1, 24, vtdInv(I + PAGE, 1n))).toBe(1);
    expect(await cached(t, 'dmar0', I)).toEqual(stale);
    // the page's invalidation removes it: the next DMA walks and reaches p2
    expect(await n.invalidate(fd, nested, INV_VTD_S1, 24, vtdInv(I, 1n))).toBe(1);
    expect(await cached(t, 'dmar0', I)).toEqual([]);
    expect(Buffer.from((await dma(t, I, 64)).data as Buffer)).toEqual(Buffer.from(pattern(2).subarray(0, 64)));

    // again, through the InvalidationChannel: the entry is gone when the ack arrives
    await g.w64(path[3]!, s1.leaf(p1, true));
    expect(Buffer.from((await dma(t, I, 64)).data as Buffer)).toEqual(Buffer.from(pattern(2).subarray(0, 64)));
    expect(await cached(t, 'dmar0', I)).toHaveLength(1);
    const ch = channel(sys);
    ch.send({ fd, sequence: 1n, hwpt_id: nested, data_type: INV_VTD_S1, entry_len: 24, entries: vtdInv(0n, (1n << 64n) - 1n) });
    const ack = await ch.ack(1);
    expect(ack.status?.code ?? 0).toBe(0);
    expect(ack.entry_num).toBe(1);
    expect(await cached(t, 'dmar0', I)).toEqual([]);
    ch.end();
    expect(Buffer.from((await dma(t, I, 64)).data as Buffer)).toEqual(Buffer.from(pattern(1).subarray(0, 64)));
  });

  it('DeviceDmaBatch translates through the 2-D walk: host addresses, leaf sizes, per-record faults with their levels', async () => {
    const { g, s1 } = await setup();
    const p1 = g.alloc();
    const ro = g.alloc();
    await s1.map(I, p1);
    await s1.map(I + PAGE, ro, false);
    const rec = Buffer.alloc(16 * 4);
    const put = (i: number, iova: bigint, flags: number) => {
      rec.writeBigUInt64LE(iova, i * 16);
      rec.writeUInt32LE(flags, i * 16 + 8);
    };
    put(0, I + 0x10n, 0);
    put(1, I + PAGE + 8n, 0);
    put(2, I + PAGE, 1); // write to read-only
    put(3, I + 7n * PAGE, 0); // not present
    const r = await call(t.platform.Platform.DeviceDmaBatch, { bdf: NIC, entries: rec });
    expect([r.translated, r.faults]).toEqual([2, 2]);
    const out = r.results as Buffer;
    const status = (i: number) => [out.readUInt32LE(i * 16 + 8), out.readUInt32LE(i * 16 + 12)];
    expect(status(0)).toEqual([0, 12]);
    expect(status(1)).toEqual([0, 12]);
    expect(status(2)).toEqual([3, 1]); // PERMISSION at the PTE
    expect(status(3)).toEqual([2, 1]); // TRANSLATION at the PTE
    expect(out.readBigUInt64LE(3 * 16)).toBe(I + 7n * PAGE);
    // the host address agrees with what DeviceAtsTranslate reports (below) and with the data
    const hostPa = out.readBigUInt64LE(0);
    expect(hostPa & 0xfffn).toBe(0x10n);
    const ats = await call(t.platform.Platform.DeviceAtsTranslate, { bdf: NIC, iova: (I + 0x10n).toString(), write: false });
    expect(BigInt(ats.translated_addr as string)).toBe(hostPa - 0x10n);
  });

  it('DeviceAtsTranslate fills the device ATC (Inspect <bdf>/atc); No-Write requests get W only on a dirty page; a device without ATS is EINVAL', async () => {
    const { g, s1 } = await setup();
    const p1 = g.alloc();
    const ro = g.alloc();
    const path = await s1.map(I, p1);
    await s1.map(I + PAGE, ro, false);
    const ats = (iova: bigint, write: boolean, bdf = NIC) => call(t.platform.Platform.DeviceAtsTranslate, { bdf, iova: iova.toString(), write });
    const r1 = await ats(I + 0x123n, false);
    expect(r1.fault).toBeFalsy();
    expect([r1.size, r1.perm]).toEqual(['4096', 1]); // clean page: no W for a read request
    expect((await g.r64(path[3]!)) & D).toBe(0n);
    const r2 = await ats(I, true);
    expect([r2.size, r2.perm]).toEqual(['4096', 3]);
    expect((await g.r64(path[3]!)) & D).toBe(D);
    expect((await ats(I, false)).perm).toBe(3); // dirty now
    const r3 = await ats(I + PAGE, true);
    expect(r3.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_PERMISSION', stage: 1 });
    expect(r3.perm).toBe(0);
    const ins = await call(t.platform.Platform.Inspect, { bdf: NIC, include_iotlb_entries: true });
    const atc = ins.iotlbs.find((c) => c.cache === `${NIC}/atc`)!;
    expect(atc).toBeDefined();
    expect(atc.entries.map((e) => [BigInt(e.iova as string), BigInt(e.addr as string), e.perm])).toEqual([[I, BigInt(r2.translated_addr as string), 3]]);
    await expectErrno(ats(I, false, '0000:02:00.0'), 'EINVAL'); // the NVMe has no ATS capability
  });

  it('dirty tracking on the nest parent: DMA writes through stage 1 and the IOMMU own A/D writes dirty stage-2 pages', async () => {
    const { sys, fd, g, s1, parent } = await setup({ dirty: true });
    const p1 = g.alloc();
    const path = await s1.map(I, p1);
    expect((await dma(t, I, 8)).result).toBe('data'); // A bits set before tracking starts
    await sys.setDirty(fd, parent, true);
    const bitmap = async () => {
      const b = await sys.dirtyBitmap(fd, parent, G, BigInt(GUEST_PAGES) * PAGE, PAGE);
      const pages: number[] = [];
      for (let i = 0; i < GUEST_PAGES; i++) if (b[i >> 3]! & (1 << (i & 7))) pages.push(i);
      return pages;
    };
    expect(await bitmap()).toEqual([]);
    await dma(t, I + 8n, 4, { write: Buffer.from('dirt') });
    // the data page, and the last-level table page whose leaf got D
    const pageOf = (gpa: bigint) => Number((gpa - G) / PAGE);
    expect(await bitmap()).toEqual([pageOf(path[3]!), pageOf(p1)].sort((a, b) => a - b));
    // read-and-clear: a second write hits the cached (dirty) translation and dirties the data page only
    await dma(t, I + 16n, 4, { write: Buffer.from('more') });
    expect(await bitmap()).toEqual([pageOf(p1)]);
  });

  it('IOPF: a page request waits for RespondFaults — SUCCESS retries and completes, INVALID faults PAGE_REQUEST_DENIED', async () => {
    const { g, s1, n, fault, devId } = await setup({ fault: true });
    const page = g.alloc();
    await g.write(page, pattern(7));
    const faults = n.readFaults(fault!.fd);
    // the stage-1 entry is missing: the DMA raises a page request and waits
    const pending = dma(t, I + 0x40n, 16, { allowPageRequest: true });
    const [grp] = await faults.take(1);
    expect(grp!.faults).toHaveLength(1);
    expect(grp!.faults[0]).toMatchObject({ dev_id: devId, perm: 1, addr: String(I), flags: 2 });
    // the server keeps serving while the DMA waits
    expect((await call(t.platform.Platform.Ping, { payload: Buffer.from('x') })).payload).toBeDefined();
    await s1.map(I, page);
    expect(await n.respondFaults(fault!.fd, [{ cookie: grp!.cookie, code: RESP_SUCCESS }])).toBe(1);
    const done = await pending;
    expect(done.result).toBe('data');
    expect(Buffer.from(done.data as Buffer)).toEqual(Buffer.from(pattern(7).subarray(0x40, 0x50)));
    expect(done.page_requests).toBe(1);
    // INVALID
    const denied = dma(t, I + 5n * PAGE, 4, { allowPageRequest: true });
    const [, g2] = await faults.take(2);
    await n.respondFaults(fault!.fd, [{ cookie: g2!.cookie, code: RESP_INVALID }]);
    const d = await denied;
    expect(d.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_PAGE_REQUEST_DENIED', recoverable: true });
    expect(d.page_requests).toBe(1);
    // SUCCESS without fixing the table: one retry, then the translation fault
    const again = dma(t, I + 6n * PAGE, 4, { allowPageRequest: true });
    const [, , g3] = await faults.take(3);
    await n.respondFaults(fault!.fd, [{ cookie: g3!.cookie, code: RESP_SUCCESS }]);
    const a = await again;
    expect(a.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION', stage: 1 });
    expect(a.page_requests).toBe(1);
    // without allow_page_request: a plain fault, no page request
    const plain = await dma(t, I + 6n * PAGE, 4);
    expect(plain.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION', recoverable: false });
    expect(plain.page_requests).toBe(0);
    expect(faults.seen).toHaveLength(3);
    faults.cancel();
  });
});

// ======================================================================================
describe('arm-smmuv3: DMA through a vSTE nested HWPT on a vIOMMU', () => {
  const t = useTestHost('arm-smmuv3');
  const VSID = 0x0842n;
  const ASID = 0x21n;

  /** A linear one-CD table: T0SZ 16, 4K granule, V, AA64, A, IPS 48 (R as asked), the ASID. */
  async function writeCd(g: GuestRam, ttb0: bigint, record: boolean): Promise<bigint> {
    const cd = g.alloc();
    const w0 = 16n | (1n << 30n) | (1n << 31n) | (5n << 32n) | (1n << 41n) | (record ? 1n << 45n : 0n) | (1n << 46n) | (ASID << 48n);
    await g.w64(cd, w0);
    await g.w64(cd + 8n, ttb0);
    return cd;
  }

  async function setup(opts: { record?: boolean } = {}) {
    const d = await t.deviceSetup('vfio0');
    const n = new Nest(d.sys);
    const g = await GuestRam.create(d.sys, d.fd, d.ioas);
    const parent = await n.hwptAlloc(d.fd, { flags: NEST_PARENT, devId: d.devId, ptId: d.ioas });
    const viommu = await n.viommuAlloc(d.fd, { type: VIOMMU_ARM_SMMUV3, devId: d.devId, hwptId: parent });
    await n.vdeviceAlloc(d.fd, viommu, d.devId, VSID);
    const q = await n.veventqAlloc(d.fd, { viommuId: viommu, type: VEVENTQ_ARM_SMMUV3, depth: 8 });
    const s1 = new S1Table(g, 'lpae');
    const cd = await writeCd(g, s1.root, opts.record ?? true);
    const ste = Buffer.alloc(16);
    ste.writeBigUInt64LE(1n | (5n << 1n) | cd, 0);
    const nested = await n.hwptAlloc(d.fd, { devId: d.devId, ptId: viommu, dataType: DATA_ARM_SMMUV3, data: ste });
    await d.sys.attach(d.devFd, nested);
    return { ...d, n, g, parent, viommu, q, s1, cd, nested };
  }

  it('a stage-1 fault reaches ReadVevents as the event record with the guest StreamID; a stage-2 fault does not', async () => {
    const { g, s1, n, q } = await setup();
    const page = g.alloc();
    await g.write(page, pattern(3));
    await s1.map(I, page);
    const ok = await dma(t, I + 0x20n, 16);
    expect(Buffer.from(ok.data as Buffer)).toEqual(Buffer.from(pattern(3).subarray(0x20, 0x30)));
    const ev = n.readVevents(q.fd);
    const ff = await dma(t, I + PAGE + 0x18n, 4);
    expect(ff.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION', stage: 1, level: 3 });
    const [v] = await ev.take(1);
    expect(v!.flags).toBe(0);
    const data = v!.data;
    expect(data.length).toBe(32);
    const evt0 = data.readBigUInt64LE(0);
    expect(evt0 & 0xffn).toBe(0x10n); // F_TRANSLATION
    expect(evt0 >> 32n).toBe(VSID); // the guest StreamID, not the physical one
    expect(data.readBigUInt64LE(16)).toBe(I + PAGE + 0x18n); // InputAddr
    const evt1 = data.readBigUInt64LE(8);
    expect((evt1 >> 35n) & 1n).toBe(1n); // RnW: a read
    expect((evt1 >> 39n) & 1n).toBe(0n); // S2 = 0
    expect((evt1 >> 40n) & 3n).toBe(1n); // CLASS = TT
    // a write to a read-only page: F_PERMISSION
    const ro = g.alloc();
    await s1.map(I + 2n * PAGE, ro, false);
    expect((await dma(t, I + 2n * PAGE, 4, { write: Buffer.from('abcd') })).fault).toMatchObject({ reason: 'DMA_FAULT_REASON_PERMISSION', stage: 1 });
    const [, v2] = await ev.take(2);
    expect(v2!.data.readBigUInt64LE(0) & 0xffn).toBe(0x13n);
    expect((v2!.data.readBigUInt64LE(8) >> 35n) & 1n).toBe(0n); // a write
    // a stage-2 fault (the output IPA is outside the IOAS): host log only
    const host = watchEvents(t.platform);
    await s1.map(I + 3n * PAGE, 0x9000_0000n);
    expect((await dma(t, I + 3n * PAGE, 4)).fault).toMatchObject({ stage: 2 });
    const logged = await host.until((e) => e.kind === 'HOST_EVENT_KIND_DMA_FAULT' && e.fault?.stage === 2 && e.fault.addr === String(I + 3n * PAGE));
    expect(logged.fault!.addr).toBe(String(I + 3n * PAGE));
    host.cancel();
    // a later stage-1 fault comes next in the queue: nothing for the stage-2 one in between
    await dma(t, I + 5n * PAGE, 4);
    const [, , v3] = await ev.take(3);
    expect(v3!.data.readBigUInt64LE(16)).toBe(I + 5n * PAGE);
    expect(BigInt(v3!.sequence) - BigInt(v2!.sequence)).toBe(1n);
    ev.cancel();
  });

  it('a CD without R records nothing; TLBI_NH_VA removes a stale combined entry tagged by VMID/ASID', async () => {
    const { sys, fd, g, s1, n, q, viommu } = await setup({ record: false });
    const ev = n.readVevents(q.fd);
    expect((await dma(t, I + PAGE, 4)).fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION', stage: 1 });
    const p1 = g.alloc();
    const p2 = g.alloc();
    await g.write(p1, pattern(1));
    await g.write(p2, pattern(2));
    const path = await s1.map(I, p1);
    expect(Buffer.from((await dma(t, I, 8)).data as Buffer)).toEqual(Buffer.from(pattern(1).subarray(0, 8)));
    const e = await cached(t, 'smmu0', I);
    expect(e).toHaveLength(1);
    expect(e[0]!.tag & 0xffff).toBe(Number(ASID)); // shown as vmid << 16 | asid
    await g.w64(path[3]!, s1.leaf(p2, true));
    expect(Buffer.from((await dma(t, I, 8)).data as Buffer)).toEqual(Buffer.from(pattern(1).subarray(0, 8)));
    const cmd = Buffer.alloc(16);
    cmd.writeBigUInt64LE(0x12n | (ASID << 48n), 0); // TLBI_NH_VA, the VMID is the vIOMMU's
    cmd.writeBigUInt64LE(I, 8);
    expect(await n.invalidate(fd, viommu, INV_SMMUV3, 16, cmd)).toBe(1);
    expect(await cached(t, 'smmu0', I)).toEqual([]);
    expect(Buffer.from((await dma(t, I, 8)).data as Buffer)).toEqual(Buffer.from(pattern(2).subarray(0, 8)));
    // nothing was recorded for the fault above (CD.R = 0)
    await new Promise((r) => setTimeout(r, 50));
    expect(ev.seen).toHaveLength(0);
    ev.cancel();
    void sys;
  });

  it('the CD is cached until CFGI_CD: a guest that repoints TTB0 and only flushes the TLB keeps the old tables', async () => {
    const { fd, g, s1, n, viommu, cd } = await setup();
    const p1 = g.alloc();
    const p2 = g.alloc();
    await g.write(p1, pattern(1));
    await g.write(p2, pattern(2));
    await s1.map(I, p1);
    const other = new S1Table(g, 'lpae');
    await other.map(I, p2);
    const read8 = async () => Buffer.from((await dma(t, I, 8)).data as Buffer);
    expect(await read8()).toEqual(Buffer.from(pattern(1).subarray(0, 8)));
    await g.w64(cd + 8n, other.root); // the guest repoints TTB0
    const cmd = (w0: bigint, w1: bigint) => {
      const b = Buffer.alloc(16);
      b.writeBigUInt64LE(w0, 0);
      b.writeBigUInt64LE(w1, 8);
      return b;
    };
    // TLBI_NH_ALL empties the IOTLB, but the walk still uses the cached CD (the old TTB0)
    expect(await n.invalidate(fd, viommu, INV_SMMUV3, 16, cmd(0x10n, 0n))).toBe(1);
    expect(await cached(t, 'smmu0', I)).toEqual([]);
    expect(await read8()).toEqual(Buffer.from(pattern(1).subarray(0, 8)));
    // CFGI_CD for the vSID (and SSID 0), then TLBI: the new CD and its tables
    expect(await n.invalidate(fd, viommu, INV_SMMUV3, 16, Buffer.concat([cmd(0x05n | (VSID << 32n), 1n), cmd(0x10n, 0n)]))).toBe(2);
    expect(await read8()).toEqual(Buffer.from(pattern(2).subarray(0, 8)));
  });

  it('Inspect names hwpt_nested and viommu objects (the host table is the parent stage 2); ATS needs EATS in the vSTE', async () => {
    const { sys, fd, devFd, devId, parent, viommu, nested, g, s1, cd } = await setup();
    const ins = (id: number) => call(t.platform.Platform.Inspect, { iommufd_object: { pid: sys.pid, fd, id }, include_iotlb_entries: true });
    const hn = await ins(nested);
    expect(hn.kind).toBe('HWPT_NESTED');
    expect(hn.page_tables.map((p) => p.hwpt_id)).toEqual([parent]);
    expect(hn.page_tables[0]!.format).toBe('lpae-s2-4k');
    expect(hn.iotlbs.map((c) => c.cache)).toEqual(['smmu0/iotlb']);
    const vi = await ins(viommu);
    expect(vi.kind).toBe('VIOMMU');
    expect(vi.page_tables.map((p) => p.hwpt_id)).toEqual([parent]);
    expect(vi.iotlbs.map((c) => c.cache)).toEqual(['smmu0/iotlb', `${NIC}/atc`]);
    // memory references of one 2-D walk (4 + 4×4 + 4) and of the CD fetch (1 + 4) show in the IOTLB stats
    const page = g.alloc();
    await s1.map(I, page);
    const before = await unitCache(t, 'smmu0');
    await dma(t, I, 4);
    const after = await unitCache(t, 'smmu0');
    expect(after.refs - before.refs).toBe(24 + 5);
    await dma(t, I + 8n, 4); // an IOTLB hit: no walk, no CD fetch (the CD is cached)
    expect((await unitCache(t, 'smmu0')).refs).toBe(after.refs);
    // the vSTE has EATS = 0: the kernel leaves ATS disabled, the device cannot send a request
    await expectErrno(call(t.platform.Platform.DeviceAtsTranslate, { bdf: NIC, iova: I.toString(), write: false }), 'EINVAL');
    // a vSTE with EATS = TRANS (word 1 bits 29:28 = 1): the translation completes into the ATC
    const n = new Nest(sys);
    const ste = Buffer.alloc(16);
    ste.writeBigUInt64LE(1n | (5n << 1n) | cd, 0);
    ste.writeBigUInt64LE(1n << 28n, 8);
    const withAts = await n.hwptAlloc(fd, { devId, ptId: viommu, dataType: DATA_ARM_SMMUV3, data: ste });
    await sys.attach(devFd, withAts);
    const r = await call(t.platform.Platform.DeviceAtsTranslate, { bdf: NIC, iova: (I + 0x80n).toString(), write: true });
    expect(r.fault).toBeFalsy();
    expect([r.size, r.perm]).toEqual(['4096', 3]);
    const atc = (await ins(viommu)).iotlbs.find((c) => c.cache === `${NIC}/atc`)!;
    expect(atc.entries.map((e) => [e.domain_tag, BigInt(e.iova as string), BigInt(e.addr as string)])).toEqual([[0, I, BigInt(r.translated_addr as string)]]);
  });
});
