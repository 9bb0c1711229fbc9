/**
 * The spirit of the kernel's iommufd_fail_nth (iommufd-kernel-semantics.md §5.10: "every ioctl must be
 * fully atomic on failure — no partial state, no leaked pins/IDs"; the `device` test walks NEST_PARENT →
 * vIOMMU → vDEVICE → fault queue → iopf nested HWPT) for the nesting RPCs, over gRPC.
 *
 * fail_nth injects an allocation failure at every point of a call; a gRPC client cannot inject, so each
 * RPC is driven instead through every failure the kernel's own check order reaches (nesting-and-vtd.md
 * §A.3 HWPT_ALLOC, §A.4 VIOMMU/VDEVICE/VEVENTQ_ALLOC, §A.5 HWPT_INVALIDATE, §A.6 FAULT_QUEUE_ALLOC,
 * §A.3 driver step 5 / smmuv3-and-migration.md §A.5 attach, §A.8 vIOMMU invalidation), including the
 * late ones that fail after the driver has built its object (fault_id lookup after the nested domain
 * exists, vIOMMU on a non-nest-parent after the type check, EEXIST after the vEVENTQ lookup, attach
 * checks after the domain is chosen). After each failure the test checks that nothing changed:
 * - the next object ID (IDs are lowest-free, §1: a leaked or half-made object would take it),
 * - Process.GetStatus: the same fds (no vEVENTQ / fault fd left behind), pinned and locked bytes,
 * - Platform.Inspect: the same host page tables (no domain left behind), the same pinned pages on the
 *   host and in the IOAS, the same IOTLB contents of the unit,
 * - the device is still attached where it was (Inspect of the device),
 * and at the end that IOMMU_DESTROY of the pieces works in the kernel's order (§3.2: a holder makes
 * DESTROY EBUSY, so a leaked reference would show there) and the process exit leaves no pin and no
 * page table (checkTeardown).
 */
import type * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { call, callMeta } from '#libs/rpc/client.js';
import { errorInfoOfStatus } from '#libs/rpc/errors.js';
import { entryNumOf, expectErrno, Nest, PAGE, useTestHost, type HostFixture, type Sys } from './harness.js';

const NEST_PARENT = 1;
const DIRTY_TRACKING = 2;
const FAULT_ID_VALID = 4;
const ALLOC_PASID = 8;
const DATA_VTD_S1 = 1;
const DATA_ARM_SMMUV3 = 2;
const INV_VTD_S1 = 0;
const INV_SMMUV3 = 1;
const VIOMMU_ARM_SMMUV3 = 1;
const VEVENTQ_ARM_SMMUV3 = 1;
const U64_MAX = (1n << 64n) - 1n;
const G = 0x4000_0000n;
const GUEST_PAGES = 16n;

function vtdS1(pgtbl: bigint, addrWidth = 48, len = 24): Uint8Array {
  const b = Buffer.alloc(Math.max(24, len));
  b.writeBigUInt64LE(pgtbl, 8);
  b.writeUInt32LE(addrWidth, 16);
  return b.subarray(0, len);
}
function vtdInv(addr: bigint, npages: bigint, flags = 0): Uint8Array {
  const b = Buffer.alloc(24);
  b.writeBigUInt64LE(addr, 0);
  b.writeBigUInt64LE(npages, 8);
  b.writeUInt32LE(flags, 16);
  return b;
}
function vste(w0: bigint, w1 = 0n, len = 16): Uint8Array {
  const b = Buffer.alloc(Math.max(16, len));
  b.writeBigUInt64LE(w0, 0);
  b.writeBigUInt64LE(w1, 8);
  return b.subarray(0, len);
}
function cmd(w0: bigint, w1 = 0n): Uint8Array {
  return vste(w0, w1);
}
/** A Cfg=S1 vSTE (V | Config 5) with the CD table at `cd`. */
const steS1 = (cd: bigint) => 1n | (5n << 1n) | cd;

/** Everything a failed call must leave as it was. */
async function snapshot(t: HostFixture, sys: Sys, fd: number, ioas: number, unit: string, bdfs: string[]) {
  // next object ID: IDs are lowest-free, so an IOAS allocated and destroyed right away shows it
  const next = await sys.ioasAlloc(fd);
  await sys.destroy(fd, next);
  const st = await sys.status();
  const host = await t.hw.inspect({ host: true });
  const io = await t.hw.inspect({ iommufd_object: { pid: sys.pid, fd, id: ioas } });
  const u = await call(t.platform.Platform.Inspect, { unit, include_iotlb_entries: true });
  const devices: Record<string, number[]> = {};
  for (const bdf of bdfs) devices[bdf] = (await call(t.platform.Platform.Inspect, { bdf })).page_tables.map((p) => p.hwpt_id);
  return {
    next,
    fds: st.fds,
    pinned: st.pinned,
    locked: st.locked,
    hostPinned: host.pinned?.pages,
    hostTables: host.page_tables.map((p) => [p.hwpt_id, p.unit, p.format, p.table_pages]),
    ioasPinned: io.pinned?.pages,
    ioasAreas: io.areas.map((a) => [a.iova, a.last, a.pinned_pages]),
    iotlb: u.iotlbs.flatMap((c) => c.entries.map((e) => [e.domain_tag, e.pasid, e.iova, e.addr, e.size, e.perm].join(':'))).sort(),
    devices,
  };
}

interface Case {
  what: string;
  run: () => Promise<unknown>;
  errno: string;
  entryNum?: number;
}

async function failsCleanly(take: () => ReturnType<typeof snapshot>, cases: Case[]): Promise<void> {
  for (const c of cases) {
    const before = await take();
    const e = await expectErrno(c.run(), c.errno).catch((err: Error) => {
      throw new Error(`${c.what}: ${err.message}`);
    });
    if (c.entryNum !== undefined) expect(entryNumOf(e), `${c.what}: entry_num`).toBe(String(c.entryNum));
    expect(await take(), `${c.what}: state after the failure`).toEqual(before);
  }
}

// ======================================================================================
describe('nesting RPCs fail atomically on intel-vtd', () => {
  const t = useTestHost('intel-vtd', { checkTeardown: true });

  async function setup() {
    const d = await t.deviceSetup('vfio0');
    const { sys, fd, ioas, devId } = d;
    const n = new Nest(sys);
    const mfd = await sys.memfd('guest', GUEST_PAGES * PAGE);
    const va = await sys.mmap(GUEST_PAGES * PAGE, { fd: mfd });
    await sys.map(fd, ioas, va, GUEST_PAGES * PAGE, G);
    const parent = await sys.hwptAlloc(fd, devId, ioas, NEST_PARENT);
    const plain = await sys.hwptAlloc(fd, devId, ioas);
    const f6 = await sys.open('/dev/vfio/devices/vfio6');
    const id6 = await sys.bind(f6, fd);
    const take = () => snapshot(t, sys, fd, ioas, 'dmar0', ['0000:01:00.0', '0000:80:00.0']);
    return { ...d, n, va, parent, plain, f6, id6, take };
  }

  it('HwptAlloc (nested, §A.3), ViommuAlloc (§A.4) and FaultQueueAlloc (§A.6): every failure leaves objects, IDs, fds, pins and tables unchanged', async () => {
    const { sys, fd, ioas, devId, hwpt: auto, n, parent, plain, id6, take } = await setup();
    const fault = await n.faultQueueAlloc(fd);
    const data = vtdS1(G);
    const nested = await n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data });
    const nest = (a: { flags?: number; devId?: number; ptId?: number; dataType?: number; data?: Uint8Array; faultId?: number }) =>
      n.hwptAlloc(fd, { devId: a.devId ?? devId, ptId: a.ptId ?? parent, flags: a.flags ?? 0, dataType: a.dataType ?? DATA_VTD_S1, data: a.data ?? data, faultId: a.faultId ?? 0 });
    await failsCleanly(take, [
      { what: 'data_type NONE with data (core 2)', run: () => nest({ dataType: 0 }), errno: 'EINVAL' },
      { what: 'VTD_S1 without data (core 2)', run: () => nest({ data: new Uint8Array(0) }), errno: 'EINVAL' },
      { what: 'dev_id is an IOAS (core 3)', run: () => nest({ devId: ioas }), errno: 'ENOENT' },
      { what: 'pt_id unknown (core 4)', run: () => nest({ ptId: 0xffff }), errno: 'EINVAL' },
      { what: 'pt_id is a device (core 5)', run: () => nest({ ptId: devId }), errno: 'EINVAL' },
      { what: 'pt_id is a nested HWPT (core 5)', run: () => nest({ ptId: nested }), errno: 'EINVAL' },
      { what: 'pt_id is a FAULT (core 5)', run: () => nest({ ptId: fault.id }), errno: 'EINVAL' },
      { what: 'flags NEST_PARENT (core 6)', run: () => nest({ flags: NEST_PARENT }), errno: 'EOPNOTSUPP' },
      { what: 'flags DIRTY_TRACKING (core 6)', run: () => nest({ flags: DIRTY_TRACKING }), errno: 'EOPNOTSUPP' },
      { what: 'parent not NEST_PARENT (core 6)', run: () => nest({ ptId: plain }), errno: 'EINVAL' },
      { what: 'parent is an auto domain (core 6)', run: () => nest({ ptId: auto }), errno: 'EINVAL' },
      { what: 'data type ARM_SMMUV3 (Intel 2)', run: () => nest({ dataType: DATA_ARM_SMMUV3 }), errno: 'EOPNOTSUPP' },
      { what: 'data 23 bytes (Intel 4, [IH])', run: () => nest({ data: vtdS1(G, 48, 23) }), errno: 'EINVAL' },
      { what: 'data 25 bytes (Intel 4, [IH])', run: () => nest({ data: vtdS1(G, 48, 25) }), errno: 'EINVAL' },
      { what: 'device behind dmar1 (Intel 1)', run: () => nest({ devId: id6 }), errno: 'EOPNOTSUPP' },
      { what: 'fault_id unknown, after the driver built the domain (core 8)', run: () => nest({ flags: FAULT_ID_VALID, faultId: 0xffff }), errno: 'ENOENT' },
      { what: 'fault_id names the parent (core 8)', run: () => nest({ flags: FAULT_ID_VALID | ALLOC_PASID, faultId: parent }), errno: 'ENOENT' },
      { what: 'VIOMMU_ALLOC flags (§A.4 1)', run: () => n.viommuAlloc(fd, { flags: 1, type: VIOMMU_ARM_SMMUV3, devId, hwptId: parent }), errno: 'EOPNOTSUPP' },
      { what: 'VIOMMU_ALLOC type DEFAULT (§A.4 1)', run: () => n.viommuAlloc(fd, { type: 0, devId, hwptId: parent }), errno: 'EOPNOTSUPP' },
      { what: 'VIOMMU_ALLOC unknown dev (§A.4 2)', run: () => n.viommuAlloc(fd, { type: VIOMMU_ARM_SMMUV3, devId: 0xffff, hwptId: parent }), errno: 'ENOENT' },
      { what: 'VIOMMU_ALLOC on VT-d (§A.4 3, no vIOMMU type)', run: () => n.viommuAlloc(fd, { type: VIOMMU_ARM_SMMUV3, devId, hwptId: parent }), errno: 'EOPNOTSUPP' },
      { what: 'FAULT_QUEUE_ALLOC flags (§A.6)', run: () => n.faultQueueAlloc(fd, 1), errno: 'EOPNOTSUPP' },
      { what: 'FAULT_QUEUE_ALLOC high flag (§A.6)', run: () => n.faultQueueAlloc(fd, 0x80000000), errno: 'EOPNOTSUPP' },
    ]);
    // a failed alloc took no reference: the successful one after it gets the ID the probe saw
    const before = await take();
    const iopf = await nest({ flags: FAULT_ID_VALID, faultId: fault.id });
    expect(iopf).toBe(before.next);
    // teardown in the kernel's order (§3.2): holders first
    await expectErrno(sys.destroy(fd, parent), 'EBUSY');
    await expectErrno(sys.destroy(fd, fault.id), 'EBUSY');
    await sys.destroy(fd, iopf);
    await sys.destroy(fd, nested);
    await expectErrno(sys.destroy(fd, fault.id), 'EBUSY'); // its fd
    await sys.close(fault.fd);
    await sys.destroy(fd, fault.id);
    await sys.destroy(fd, parent);
    await sys.destroy(fd, plain);
    await expectErrno(sys.destroy(fd, ioas), 'EBUSY'); // the auto domain of vfio0
  });

  it('HwptInvalidate (§A.5) and attach/replace to nested HWPTs (§A.3 driver 5, §3.6): failures change no IOTLB entry and no attachment', async () => {
    const { sys, fd, devFd, devId, n, va, parent, plain, f6, take } = await setup();
    // stage-1 tables in the guest RAM: PML4 at G, PDPT at G+1p, PD at G+2p, PT at G+3p, data at G+4p
    const w = async (gpa: bigint, v: bigint) => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(v);
      await sys.write(va + (gpa - G), b);
    };
    const S1 = 0x1_0000_0000n; // PML4 index 0, PDPT index 4
    await w(G, (G + PAGE) | 7n);
    await w(G + PAGE + 4n * 8n, (G + 2n * PAGE) | 7n);
    await w(G + 2n * PAGE, (G + 3n * PAGE) | 7n);
    await w(G + 3n * PAGE, (G + 4n * PAGE) | 7n);
    const nested = await n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data: vtdS1(G) });
    const nestedPasid = await n.hwptAlloc(fd, { devId, ptId: parent, flags: ALLOC_PASID, dataType: DATA_VTD_S1, data: vtdS1(G) });
    const bad39 = await n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data: vtdS1(G, 39) });
    expect(await sys.attach(devFd, nested)).toBe(nested);
    const r = await t.hw.dma('0000:01:00.0', S1, 8);
    expect(r.result, r.fault?.detail).toBe('data');
    expect((await take()).iotlb.length).toBeGreaterThan(0); // the checks below have an entry to lose
    const inv = (hwpt: number, type: number, len: number, entries: Uint8Array) => n.invalidate(fd, hwpt, type, len, entries);
    await failsCleanly(take, [
      { what: 'invalidate the parent (core 4)', run: () => inv(parent, INV_VTD_S1, 24, vtdInv(0n, U64_MAX)), errno: 'EINVAL', entryNum: 0 },
      { what: 'invalidate a plain HWPT (core 4)', run: () => inv(plain, INV_VTD_S1, 24, vtdInv(0n, U64_MAX)), errno: 'EINVAL', entryNum: 0 },
      { what: 'invalidate an unknown id (core 3)', run: () => inv(0xffff, INV_VTD_S1, 24, vtdInv(0n, U64_MAX)), errno: 'ENOENT', entryNum: 0 },
      { what: 'entries without entry_len (core 2)', run: () => inv(nested, INV_VTD_S1, 0, vtdInv(0n, U64_MAX)), errno: 'EINVAL', entryNum: 0 },
      { what: 'wrong data type (Intel)', run: () => inv(nested, INV_SMMUV3, 24, vtdInv(0n, U64_MAX)), errno: 'EINVAL', entryNum: 0 },
      { what: 'entry_len 25 (Intel)', run: () => inv(nested, INV_VTD_S1, 25, Buffer.concat([Buffer.from(vtdInv(0n, U64_MAX)), Buffer.alloc(1)])), errno: 'EINVAL', entryNum: 0 },
      { what: 'unknown entry flags (Intel)', run: () => inv(nested, INV_VTD_S1, 24, vtdInv(S1, 1n, 2)), errno: 'EOPNOTSUPP', entryNum: 0 },
      { what: 'unaligned addr (Intel)', run: () => inv(nested, INV_VTD_S1, 24, vtdInv(S1 + 8n, 1n)), errno: 'EINVAL', entryNum: 0 },
      { what: 'npages U64_MAX at addr≠0 (Intel)', run: () => inv(nested, INV_VTD_S1, 24, vtdInv(S1, U64_MAX)), errno: 'EINVAL', entryNum: 0 },
      { what: 'attach a nested HWPT with addr_width 39 (Intel attach)', run: () => sys.attach(devFd, bad39), errno: 'EINVAL' },
      { what: 'attach a dmar1 device to a dmar0 nested HWPT', run: () => sys.attach(f6, nested), errno: 'EINVAL' },
      { what: 'pasid attach of a non-pasid-compat nested HWPT (§3.6)', run: () => sys.attach(devFd, nested, 7), errno: 'EINVAL' },
      { what: 'pasid attach while the RID is on a non-pasid-compat HWPT (§3.6)', run: () => sys.attach(devFd, nestedPasid, 7), errno: 'EINVAL' },
      { what: 'replace to an unknown id (ENOENT from the object lookup)', run: () => sys.attach(devFd, 0xffff), errno: 'ENOENT' },
    ]);
    // the cached translation survived every failure and is removed by a good call
    expect(await inv(nested, INV_VTD_S1, 24, vtdInv(0n, U64_MAX))).toBe(1);
    await expectErrno(sys.destroy(fd, nested), 'EBUSY');
    await expectErrno(sys.destroy(fd, parent), 'EBUSY');
    await sys.attach(devFd, parent);
    for (const id of [bad39, nestedPasid, nested]) await sys.destroy(fd, id);
    await sys.destroy(fd, plain);
    await expectErrno(sys.destroy(fd, parent), 'EBUSY'); // vfio0 is attached to it
  });
});

type Ack = { sequence: string; entry_num: number; status: { code: number; details: unknown[] } | null };

/** The InvalidationChannel of `sys` with a pull interface over its acks. */
function channel(sys: Sys) {
  const c = sys.c.Iommufd.InvalidationChannel(callMeta(sys.pid)) as unknown as grpc.ClientDuplexStream<Record<string, unknown>, Ack>;
  const acks: Ack[] = [];
  let failure: unknown;
  let wake: (() => void) | undefined;
  c.on('data', (m: Ack) => {
    acks.push(m);
    wake?.();
  });
  c.on('error', (e: unknown) => {
    failure = e;
    wake?.();
  });
  return {
    acks,
    send(req: { fd: number; sequence: bigint; hwpt_id: number; data_type: number; entry_len: number; entries: Uint8Array }): void {
      c.write({ ...req, sequence: req.sequence.toString(), entries: Buffer.from(req.entries) });
    },
    async take(n: number): Promise<Ack[]> {
      const deadline = Date.now() + 10_000;
      while (acks.length < n) {
        if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`only ${acks.length} of ${n} acks`);
        await new Promise<void>((r) => {
          const tm = setTimeout(r, left);
          wake = () => {
            clearTimeout(tm);
            r();
          };
        });
        wake = undefined;
      }
      return acks.slice(0, n);
    },
    end(): void {
      c.end();
    },
  };
}

describe('InvalidationChannel failures are atomic and do not end the stream (intel-vtd)', () => {
  const t = useTestHost('intel-vtd', { checkTeardown: true });

  it('each failing request is acked in order with the unary errno and entry_num; nothing changes; later requests still apply', async () => {
    const { sys, fd, devFd, devId, ioas } = await t.deviceSetup('vfio0');
    const n = new Nest(sys);
    const mfd = await sys.memfd('guest', GUEST_PAGES * PAGE);
    const va = await sys.mmap(GUEST_PAGES * PAGE, { fd: mfd });
    await sys.map(fd, ioas, va, GUEST_PAGES * PAGE, G);
    const w = async (gpa: bigint, v: bigint) => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(v);
      await sys.write(va + (gpa - G), b);
    };
    const S1 = 0x1_0000_0000n;
    await w(G, (G + PAGE) | 7n);
    await w(G + PAGE + 4n * 8n, (G + 2n * PAGE) | 7n);
    await w(G + 2n * PAGE, (G + 3n * PAGE) | 7n);
    await w(G + 3n * PAGE, (G + 4n * PAGE) | 7n);
    const parent = await sys.hwptAlloc(fd, devId, ioas, NEST_PARENT);
    const nested = await n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data: vtdS1(G) });
    await sys.attach(devFd, nested);
    expect((await t.hw.dma('0000:01:00.0', S1, 8)).result).toBe('data');
    const take = () => snapshot(t, sys, fd, ioas, 'dmar0', ['0000:01:00.0']);
    const ch = channel(sys);
    const bad: Array<{ hwpt: number; type: number; len: number; entries: Uint8Array; reason: string; code: number; entryNum: number }> = [
      { hwpt: parent, type: INV_VTD_S1, len: 24, entries: vtdInv(0n, U64_MAX), reason: 'EINVAL', code: 3, entryNum: 0 },
      { hwpt: 0xffff, type: INV_VTD_S1, len: 24, entries: vtdInv(0n, U64_MAX), reason: 'ENOENT', code: 5, entryNum: 0 },
      { hwpt: nested, type: INV_SMMUV3, len: 24, entries: vtdInv(0n, U64_MAX), reason: 'EINVAL', code: 3, entryNum: 0 },
      { hwpt: nested, type: INV_VTD_S1, len: 24, entries: vtdInv(S1, 1n, 4), reason: 'EOPNOTSUPP', code: 12, entryNum: 0 },
      { hwpt: nested, type: INV_VTD_S1, len: 24, entries: vtdInv(S1 + 1n, 1n), reason: 'EINVAL', code: 3, entryNum: 0 },
    ];
    let seq = 10n;
    for (const [i, b] of bad.entries()) {
      const before = await take();
      ch.send({ fd, sequence: seq, hwpt_id: b.hwpt, data_type: b.type, entry_len: b.len, entries: b.entries });
      const ack = (await ch.take(i + 1))[i]!;
      expect(ack.sequence).toBe(seq.toString());
      expect(ack.entry_num, b.reason).toBe(b.entryNum);
      expect(ack.status?.code, b.reason).toBe(b.code);
      expect(errorInfoOfStatus(ack.status as never)?.reason).toBe(b.reason);
      expect(await take(), `after the ${b.reason} request`).toEqual(before);
      seq += 3n;
    }
    // a good request after the failures: acked OK with entry_num 1 once the entry is gone
    ch.send({ fd, sequence: seq, hwpt_id: nested, data_type: INV_VTD_S1, entry_len: 24, entries: vtdInv(S1, 1n) });
    const ok = (await ch.take(bad.length + 1))[bad.length]!;
    expect([ok.sequence, ok.entry_num, ok.status?.code ?? 0]).toEqual([seq.toString(), 1, 0]);
    const u = await call(t.platform.Platform.Inspect, { unit: 'dmar0', include_iotlb_entries: true });
    expect(u.iotlbs.flatMap((c) => c.entries).filter((e) => BigInt(e.iova as string) === S1)).toEqual([]);
    ch.end();
    await sys.attach(devFd, ioas);
    await sys.destroy(fd, nested);
    await sys.destroy(fd, parent);
  });
});

describe('process exit with the whole nesting chain alive (intel-vtd, §3.2 close(iommufd), §A.6 FAULT destroy)', () => {
  const t = useTestHost('intel-vtd', { checkTeardown: true });

  it('exit frees every object, pin and table; a DMA waiting on a page request is answered INVALID', async () => {
    const { sys, fd, devFd, devId, ioas } = await t.deviceSetup('vfio0');
    const n = new Nest(sys);
    const mfd = await sys.memfd('guest', GUEST_PAGES * PAGE);
    const va = await sys.mmap(GUEST_PAGES * PAGE, { fd: mfd });
    await sys.map(fd, ioas, va, GUEST_PAGES * PAGE, G);
    // PML4 at G with no entries: every guest IOVA is not present in stage 1
    const parent = await sys.hwptAlloc(fd, devId, ioas, NEST_PARENT | DIRTY_TRACKING);
    const fault = await n.faultQueueAlloc(fd);
    const iopf = await n.hwptAlloc(fd, { devId, ptId: parent, flags: FAULT_ID_VALID | ALLOC_PASID, dataType: DATA_VTD_S1, data: vtdS1(G), faultId: fault.id });
    await sys.attach(devFd, iopf);
    const reader = n.readFaults(fault.fd);
    const pending = call(t.platform.Platform.DeviceDma, { bdf: '0000:01:00.0', iova: '4294967296', length: '8', write: false, data: Buffer.alloc(0), allow_page_request: true });
    await reader.take(1);
    expect(BigInt((await sys.status()).pinned)).toBeGreaterThan(0n);
    await sys.exit();
    const r = await pending;
    expect(r.fault?.reason).toBe('DMA_FAULT_REASON_PAGE_REQUEST_DENIED');
    reader.cancel();
    // checkTeardown (afterEach) then asserts no pinned page and no page table on the host
  });
});

// ======================================================================================
describe('nesting RPCs fail atomically on arm-smmuv3', () => {
  const t = useTestHost('arm-smmuv3', { checkTeardown: true });
  const VSID = 0x99n;

  async function setup() {
    const d = await t.deviceSetup('vfio0');
    const { sys, fd, ioas, devId } = d;
    const n = new Nest(sys);
    const mfd = await sys.memfd('guest', GUEST_PAGES * PAGE);
    const va = await sys.mmap(GUEST_PAGES * PAGE, { fd: mfd });
    await sys.map(fd, ioas, va, GUEST_PAGES * PAGE, G);
    const parent = await sys.hwptAlloc(fd, devId, ioas, NEST_PARENT);
    const plain = await sys.hwptAlloc(fd, devId, ioas);
    const f1 = await sys.open('/dev/vfio/devices/vfio1');
    const id1 = await sys.bind(f1, fd);
    const take = () => snapshot(t, sys, fd, ioas, 'smmu0', ['0000:01:00.0', '0000:02:00.0']);
    return { ...d, n, va, parent, plain, f1, id1, take };
  }

  it('ViommuAlloc, HwptAlloc on a vIOMMU, VdeviceAlloc, VeventqAlloc (§A.4, §A.5): every failure leaves objects, IDs, fds, pins and tables unchanged', async () => {
    const { sys, fd, ioas, devId, n, parent, plain, id1, take } = await setup();
    await failsCleanly(take, [
      { what: 'VIOMMU_ALLOC flags (1)', run: () => n.viommuAlloc(fd, { flags: 1, type: VIOMMU_ARM_SMMUV3, devId, hwptId: parent }), errno: 'EOPNOTSUPP' },
      { what: 'VIOMMU_ALLOC type DEFAULT (1)', run: () => n.viommuAlloc(fd, { type: 0, devId, hwptId: parent }), errno: 'EOPNOTSUPP' },
      { what: 'VIOMMU_ALLOC unknown dev (2)', run: () => n.viommuAlloc(fd, { type: VIOMMU_ARM_SMMUV3, devId: 0xffff, hwptId: parent }), errno: 'ENOENT' },
      { what: 'VIOMMU_ALLOC unknown type (4)', run: () => n.viommuAlloc(fd, { type: 0xdead, devId, hwptId: parent }), errno: 'EOPNOTSUPP' },
      { what: 'VIOMMU_ALLOC hwpt unknown (5)', run: () => n.viommuAlloc(fd, { type: VIOMMU_ARM_SMMUV3, devId, hwptId: 0xffff }), errno: 'ENOENT' },
      { what: 'VIOMMU_ALLOC hwpt is an IOAS (5)', run: () => n.viommuAlloc(fd, { type: VIOMMU_ARM_SMMUV3, devId, hwptId: ioas }), errno: 'ENOENT' },
      { what: 'VIOMMU_ALLOC hwpt not NEST_PARENT (6)', run: () => n.viommuAlloc(fd, { type: VIOMMU_ARM_SMMUV3, devId, hwptId: plain }), errno: 'EINVAL' },
    ]);
    const before = await take();
    const viommu = await n.viommuAlloc(fd, { type: VIOMMU_ARM_SMMUV3, devId, hwptId: parent });
    expect(viommu).toBe(before.next);
    const fault = await n.faultQueueAlloc(fd);
    const cd = G + PAGE; // not read at alloc time
    const nest = (a: { flags?: number; dataType?: number; data?: Uint8Array; faultId?: number; ptId?: number }) =>
      n.hwptAlloc(fd, { devId, ptId: a.ptId ?? viommu, flags: a.flags ?? 0, dataType: a.dataType ?? DATA_ARM_SMMUV3, data: a.data ?? vste(steS1(cd)), faultId: a.faultId ?? 0 });
    const nested = await nest({});
    await failsCleanly(take, [
      { what: 'nested: no data on a vIOMMU (core 7)', run: () => nest({ dataType: 0, data: new Uint8Array(0) }), errno: 'EOPNOTSUPP' },
      { what: 'nested: flags (core 7)', run: () => nest({ flags: NEST_PARENT }), errno: 'EOPNOTSUPP' },
      { what: 'nested: data type VTD_S1 ([IH])', run: () => nest({ dataType: DATA_VTD_S1 }), errno: 'EINVAL' },
      { what: 'nested: 15-byte vSTE ([IH])', run: () => nest({ data: vste(steS1(cd), 0n, 15) }), errno: 'EINVAL' },
      { what: 'nested: Cfg 7 (§A.5 4)', run: () => nest({ data: vste(1n | (7n << 1n)) }), errno: 'EIO' },
      { what: 'nested: a disallowed word-1 bit (§A.5 3)', run: () => nest({ data: vste(steS1(cd), 1n << 30n) }), errno: 'EIO' },
      { what: 'nested: EATS 2 (§A.5 5)', run: () => nest({ data: vste(steS1(cd), 2n << 28n) }), errno: 'EIO' },
      { what: 'nested: on the paging parent (no domain_alloc_nested)', run: () => nest({ ptId: parent }), errno: 'EOPNOTSUPP' },
      { what: 'nested: on a nested HWPT (core 5)', run: () => nest({ ptId: nested }), errno: 'EINVAL' },
      { what: 'nested: fault_id unknown, after the driver built the domain (core 8)', run: () => nest({ flags: FAULT_ID_VALID, faultId: 0xffff }), errno: 'ENOENT' },
      { what: 'nested: fault_id names the vIOMMU (core 8)', run: () => nest({ flags: FAULT_ID_VALID, faultId: viommu }), errno: 'ENOENT' },
      { what: 'VDEVICE: unknown vIOMMU (2)', run: () => n.vdeviceAlloc(fd, 0xffff, devId, VSID), errno: 'ENOENT' },
      { what: 'VDEVICE: vIOMMU id is the parent (2)', run: () => n.vdeviceAlloc(fd, parent, devId, VSID), errno: 'ENOENT' },
      { what: 'VDEVICE: unknown device (3)', run: () => n.vdeviceAlloc(fd, viommu, 0xffff, VSID), errno: 'ENOENT' },
      { what: 'VEVENTQ: flags (1)', run: () => n.veventqAlloc(fd, { flags: 1, viommuId: viommu, type: VEVENTQ_ARM_SMMUV3, depth: 4 }), errno: 'EOPNOTSUPP' },
      { what: 'VEVENTQ: type DEFAULT (1)', run: () => n.veventqAlloc(fd, { viommuId: viommu, type: 0, depth: 4 }), errno: 'EOPNOTSUPP' },
      { what: 'VEVENTQ: depth 0 (2)', run: () => n.veventqAlloc(fd, { viommuId: viommu, type: VEVENTQ_ARM_SMMUV3, depth: 0 }), errno: 'EINVAL' },
      { what: 'VEVENTQ: unknown vIOMMU (3)', run: () => n.veventqAlloc(fd, { viommuId: 0xffff, type: VEVENTQ_ARM_SMMUV3, depth: 4 }), errno: 'ENOENT' },
    ]);
    const vdev = await n.vdeviceAlloc(fd, viommu, devId, VSID);
    const q = await n.veventqAlloc(fd, { viommuId: viommu, type: VEVENTQ_ARM_SMMUV3, depth: 4 });
    await failsCleanly(take, [
      { what: 'VDEVICE: the device already has one (6)', run: () => n.vdeviceAlloc(fd, viommu, devId, 0x77n), errno: 'EEXIST' },
      { what: 'VDEVICE: virt_id taken (8)', run: () => n.vdeviceAlloc(fd, viommu, id1, VSID), errno: 'EEXIST' },
      { what: 'VEVENTQ: one of this type exists (4) — no fd left behind', run: () => n.veventqAlloc(fd, { viommuId: viommu, type: VEVENTQ_ARM_SMMUV3, depth: 4 }), errno: 'EEXIST' },
    ]);
    // a successful call after the failures gets the probe's ID: nothing was consumed
    const b2 = await take();
    const v1 = await n.vdeviceAlloc(fd, viommu, id1, 0x200n);
    expect(v1).toBe(b2.next);
    // teardown in the kernel's order (§3.2)
    await expectErrno(sys.destroy(fd, viommu), 'EBUSY');
    await expectErrno(sys.destroy(fd, parent), 'EBUSY');
    await expectErrno(sys.destroy(fd, q.id), 'EBUSY'); // its fd
    await sys.close(q.fd);
    await sys.destroy(fd, q.id);
    await sys.destroy(fd, v1);
    await sys.destroy(fd, vdev);
    await sys.destroy(fd, nested);
    await sys.destroy(fd, viommu);
    await sys.destroy(fd, parent);
    await sys.destroy(fd, plain);
    await sys.close(fault.fd);
    await sys.destroy(fd, fault.id);
  });

  it('iommufd_viommu.viommu_auto_destroy (§5.8 #57): exit with vIOMMU, vDEVICE, vEVENTQ, fault queue and an attached vSTE HWPT alive frees everything', async () => {
    const { sys, fd, devFd, devId, n, parent } = await setup();
    const viommu = await n.viommuAlloc(fd, { type: VIOMMU_ARM_SMMUV3, devId, hwptId: parent });
    await n.vdeviceAlloc(fd, viommu, devId, VSID);
    const q = await n.veventqAlloc(fd, { viommuId: viommu, type: VEVENTQ_ARM_SMMUV3, depth: 8 });
    const fault = await n.faultQueueAlloc(fd);
    const nested = await n.hwptAlloc(fd, { devId, ptId: viommu, flags: FAULT_ID_VALID, dataType: DATA_ARM_SMMUV3, data: vste(steS1(G + PAGE)), faultId: fault.id });
    expect(await sys.attach(devFd, nested)).toBe(nested);
    const kinds = (await sys.status()).fds.map((f) => f.kind);
    expect(kinds.length).toBeGreaterThanOrEqual(5); // iommufd, vfio0, vfio1, memfd, vEVENTQ, fault
    void q;
    await sys.exit();
    // checkTeardown (afterEach) asserts no pinned page and no page table left on the host
  });

  it('HwptInvalidate on a vIOMMU (§A.8) and attach to a vSTE HWPT (§A.5 attach): failures at entry 0 change nothing; attach failures keep the old attachment', async () => {
    const { sys, fd, devFd, devId, ioas, n, va, parent, take } = await setup();
    const w = async (gpa: bigint, v: bigint) => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(v);
      await sys.write(va + (gpa - G), b);
    };
    // guest CD at G+1p (ASID 5, R, A, 48-bit TTB0 4K granule) and an LPAE stage 1: L0..L3 at G+2p..G+5p, data at G+6p
    const ASID = 5n;
    const cd = G + PAGE;
    await w(cd, 16n | (1n << 8n) | (1n << 10n) | (3n << 12n) | (1n << 30n) | (1n << 31n) | (5n << 32n) | (1n << 41n) | (1n << 45n) | (1n << 46n) | (ASID << 48n));
    await w(cd + 8n, G + 2n * PAGE);
    await w(cd + 24n, 0xffn);
    const S1 = 0x1_0000_0000n; // L0 index 0, L1 index 4, L2 index 0, L3 index 0
    await w(G + 2n * PAGE, (G + 3n * PAGE) | 3n);
    await w(G + 3n * PAGE + 4n * 8n, (G + 4n * PAGE) | 3n);
    await w(G + 4n * PAGE, (G + 5n * PAGE) | 3n);
    await w(G + 5n * PAGE, (G + 6n * PAGE) | 3n | (1n << 10n) | (3n << 8n) | (1n << 6n));
    const viommu = await n.viommuAlloc(fd, { type: VIOMMU_ARM_SMMUV3, devId, hwptId: parent });
    const nested = await n.hwptAlloc(fd, { devId, ptId: viommu, dataType: DATA_ARM_SMMUV3, data: vste(steS1(cd)) });
    const bypass = await n.hwptAlloc(fd, { devId, ptId: viommu, dataType: DATA_ARM_SMMUV3, data: vste(1n | (4n << 1n)) });
    // bypass translates like the S2 parent
    expect(await sys.attach(devFd, bypass)).toBe(bypass);
    const r = await t.hw.dma('0000:01:00.0', G, 8);
    expect(r.result, r.fault?.detail).toBe('data');
    await failsCleanly(take, [{ what: 'attach Cfg=S1 without a vDEVICE → ENOENT, the bypass attachment stays', run: () => sys.attach(devFd, nested), errno: 'ENOENT' }]);
    await expectErrno(sys.destroy(fd, bypass), 'EBUSY'); // still attached there
    const vdev = await n.vdeviceAlloc(fd, viommu, devId, VSID);
    expect(await sys.attach(devFd, nested)).toBe(nested);
    const s1 = await t.hw.dma('0000:01:00.0', S1, 8);
    expect(s1.result, s1.fault?.detail).toBe('data');
    expect((await take()).iotlb.length).toBeGreaterThan(0); // the checks below have a stage-1 entry to lose
    const inv = (type: number, len: number, entries: Uint8Array) => n.invalidate(fd, viommu, type, len, entries);
    const NSNH_ALL = cmd(0x30n);
    await failsCleanly(take, [
      { what: 'invalidate: wrong data type', run: () => inv(INV_VTD_S1, 16, NSNH_ALL), errno: 'EINVAL', entryNum: 0 },
      { what: 'invalidate: entries without entry_len (core 2)', run: () => inv(INV_SMMUV3, 0, NSNH_ALL), errno: 'EINVAL', entryNum: 0 },
      { what: 'invalidate: non-zero tail of a longer entry (E2BIG)', run: () => inv(INV_SMMUV3, 24, Buffer.concat([Buffer.from(NSNH_ALL), Buffer.from([1, 0, 0, 0, 0, 0, 0, 0])])), errno: 'E2BIG', entryNum: 0 },
      { what: 'invalidate: CFGI_STE', run: () => inv(INV_SMMUV3, 16, cmd(0x03n | (VSID << 32n))), errno: 'EIO', entryNum: 0 },
      { what: 'invalidate: CFGI_CD of an unknown vSID', run: () => inv(INV_SMMUV3, 16, cmd(0x05n | (0x9n << 32n))), errno: 'EIO', entryNum: 0 },
      { what: 'invalidate: [NSNH_ALL, CMD_SYNC] — the first was never issued (§A.8 quirk)', run: () => inv(INV_SMMUV3, 16, Buffer.concat([Buffer.from(NSNH_ALL), Buffer.from(cmd(0x46n))])), errno: 'EIO', entryNum: 1 },
      { what: 'invalidate: [NH_ASID, TLBI_S12_VMALL]', run: () => inv(INV_SMMUV3, 16, Buffer.concat([Buffer.from(cmd(0x11n | (ASID << 48n))), Buffer.from(cmd(0x28n))])), errno: 'EIO', entryNum: 1 },
      { what: 'invalidate: the paging parent', run: () => n.invalidate(fd, parent, INV_SMMUV3, 16, NSNH_ALL), errno: 'EINVAL', entryNum: 0 },
      { what: 'invalidate: the nested HWPT (SMMUv3 nested domains have no cache_invalidate_user)', run: () => n.invalidate(fd, nested, INV_SMMUV3, 16, NSNH_ALL), errno: 'EOPNOTSUPP', entryNum: 0 },
    ]);
    // the good command alone does drop it
    expect(await inv(INV_SMMUV3, 16, NSNH_ALL)).toBe(1);
    const u = await call(t.platform.Platform.Inspect, { unit: 'smmu0', include_iotlb_entries: true });
    expect(u.iotlbs.flatMap((c) => c.entries).filter((e) => BigInt(e.iova as string) === S1)).toEqual([]);
    await sys.attach(devFd, ioas);
    await sys.destroy(fd, vdev);
    await sys.destroy(fd, nested);
    await sys.destroy(fd, bypass);
    await sys.destroy(fd, viommu);
    await sys.destroy(fd, parent);
  });
});
