/**
 * Contract tests of service Platform over gRPC: the platform role, Describe against
 * profiles.md, device DMA and its faults, batched translations, driver binding and group
 * viability, the resumable host event log, and Inspect (IOTLB and page-table statistics).
 * Groups whose assertions depend on host-global counters run on their own host.
 */
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import { deviceSetup, expectStatus, MAP_READABLE, PAGE, Sys, text, useTestHost, watchEvents } from './harness.js';

const MiB = 1n << 20n;
const MFD_HUGETLB = 4;
const MFD_HUGE_2MB = 21 << 26;
const MSI_BASE = 0xfee00000n;
const TOP = 1n << 48n;
const REASON_NUMBER: Record<string, number> = {
  DMA_FAULT_REASON_BLOCKED: 1,
  DMA_FAULT_REASON_TRANSLATION: 2,
  DMA_FAULT_REASON_PERMISSION: 3,
  DMA_FAULT_REASON_ADDRESS_SIZE: 4,
  DMA_FAULT_REASON_RESERVED: 9,
};

/** Packs DeviceDmaBatch request records {u64 iova, u32 flags, u32 reserved}. */
function pack(records: Array<{ iova: bigint; write?: boolean; flags?: number; reserved?: number }>): Buffer {
  const b = Buffer.alloc(records.length * 16);
  records.forEach((r, i) => {
    b.writeBigUInt64LE(r.iova, i * 16);
    b.writeUInt32LE(r.flags ?? (r.write ? 1 : 0), i * 16 + 8);
    b.writeUInt32LE(r.reserved ?? 0, i * 16 + 12);
  });
  return b;
}

function unpack(b: Buffer): Array<{ addr: bigint; status: number; info: number }> {
  const out = [];
  for (let i = 0; i < b.length; i += 16) out.push({ addr: b.readBigUInt64LE(i), status: b.readUInt32LE(i + 8), info: b.readUInt32LE(i + 12) });
  return out;
}

// ======================================================================================
describe('the platform role', () => {
  const t = useTestHost();

  it('callers without the platform role (qemu) get PERMISSION_DENIED / EPERM on every Platform RPC', async () => {
    const q = await Sys.spawn(t.qemu, 'qemu');
    const m = await q.memfd('m', 0n);
    const P = t.qemu.Platform;
    await expectStatus(call(P.Describe, {}), grpc.status.PERMISSION_DENIED, 'EPERM');
    await expectStatus(call(P.DeviceDma, { bdf: '0000:01:00.0', iova: '0', length: '4', write: false, data: Buffer.alloc(0), allow_page_request: false }), grpc.status.PERMISSION_DENIED, 'EPERM');
    await expectStatus(call(P.DeviceDmaBatch, { bdf: '0000:01:00.0', entries: pack([{ iova: 0n }]) }), grpc.status.PERMISSION_DENIED, 'EPERM');
    await expectStatus(call(P.SetDriver, { bdf: '0000:04:00.1', driver: 'host' }), grpc.status.PERMISSION_DENIED, 'EPERM');
    await expectStatus(call(P.Inspect, { host: true }), grpc.status.PERMISSION_DENIED, 'EPERM');
    await expectStatus(call(P.Inspect, { unit: 'dmar0' }), grpc.status.PERMISSION_DENIED, 'EPERM');
    await expectStatus(call(P.Inspect, { bdf: '0000:01:00.0' }), grpc.status.PERMISSION_DENIED, 'EPERM');
    // even the objects of qemu's own process: Inspect is the host's view, not a uAPI
    await expectStatus(call(P.Inspect, { iommufd_object: { pid: q.pid, fd: m, id: 1 } }), grpc.status.PERMISSION_DENIED, 'EPERM');
    const w = watchEvents(t.qemu, 0n);
    const err = await w.error();
    expect(err.code).toBe(grpc.status.PERMISSION_DENIED);
    // the refused SetDriver changed nothing
    const d = await call(t.platform.Platform.Describe, {});
    expect(d.devices.find((x) => x.bdf === '0000:04:00.1')!.driver).toBe('vfio-pci');
    // root holds every role
    expect((await call(t.root.Platform.Describe, {})).name).toBe('intel-vtd');
    await q.exit();
  });
});

// ======================================================================================
describe('Describe (intel-vtd, profiles.md)', () => {
  const t = useTestHost();

  it('host, kernel features and RAM', async () => {
    const d = await t.hw.describe();
    expect(d.name).toBe('intel-vtd');
    expect(d.profile).toBe('intel-vtd');
    expect(d.arch).toBe('x86_64');
    expect(d.ram_bytes).toBe(String(512n << 30n));
    expect(d.kernel_features).toEqual({ iommufd: true, vfio_compat_container: true, native_type1: false, dmabuf_p2p: false, iommufd_fault: true, viommu: true });
  });

  it('IOMMU units dmar0 (scalable, nesting, dirty, PASID 20, PRS, ATS) and dmar1 (legacy) with agreeing register images', async () => {
    const d = await t.hw.describe();
    expect(d.units.map((u) => u.name)).toEqual(['dmar0', 'dmar1']);
    const [d0, d1] = d.units as [(typeof d.units)[0], (typeof d.units)[0]];
    const K = 1n << 12n;
    const M2 = 1n << 21n;
    const G1 = 1n << 30n;
    expect(d0).toMatchObject({ type: 'IOMMU_TYPE_INTEL_VTD', input_address_width: 48, pasid_bits: 20, nesting: true, dirty_tracking: true, page_requests: true, ats: true, capabilities: '1' });
    expect(d0.page_sizes).toBe(String(K | M2 | G1));
    expect(d0.hwpt_data_types).toEqual([1]); // IOMMU_HWPT_DATA_VTD_S1
    expect(d1).toMatchObject({ type: 'IOMMU_TYPE_INTEL_VTD', input_address_width: 48, pasid_bits: 0, nesting: false, dirty_tracking: false, page_requests: false, ats: false, capabilities: '0' });
    expect(d1.page_sizes).toBe(String(K | M2));
    expect(d1.hwpt_data_types).toEqual([]);
    const bits = (x: bigint, hi: number, lo: number) => Number((x >> BigInt(lo)) & ((1n << BigInt(hi - lo + 1)) - 1n));
    const regs = (u: typeof d0) => {
      expect(u.hw_info!.type).toBe(1); // IOMMU_HW_INFO_TYPE_INTEL_VTD
      expect(u.hw_info!.data!.length).toBe(24); // struct iommu_hw_info_vtd
      const cap = BigInt(u.hw_info!.vtd!.cap_reg as string);
      const ecap = BigInt(u.hw_info!.vtd!.ecap_reg as string);
      // the raw struct bytes carry the same images (u32 flags, u32 reserved, u64 cap, u64 ecap)
      const raw = Buffer.from(u.hw_info!.data!);
      expect(raw.readBigUInt64LE(8)).toBe(cap);
      expect(raw.readBigUInt64LE(16)).toBe(ecap);
      return {
        sagaw: bits(cap, 12, 8),
        mgaw: bits(cap, 21, 16) + 1,
        sllps: bits(cap, 37, 34),
        dt: bits(ecap, 2, 2),
        nest: bits(ecap, 26, 26),
        prs: bits(ecap, 29, 29),
        pss: bits(ecap, 39, 35),
        pasid: bits(ecap, 40, 40),
        smts: bits(ecap, 43, 43),
        slads: bits(ecap, 45, 45),
      };
    };
    // SAGAW: 4-level only; MGAW 48 bits; SLLPS 2M|1G on dmar0, 2M on dmar1
    expect(regs(d0)).toEqual({ sagaw: 0b00100, mgaw: 48, sllps: 0b0011, dt: 1, nest: 1, prs: 1, pss: 19, pasid: 1, smts: 1, slads: 1 });
    expect(regs(d1)).toEqual({ sagaw: 0b00100, mgaw: 48, sllps: 0b0001, dt: 0, nest: 0, prs: 0, pss: 0, pasid: 0, smts: 0, slads: 0 });
  });

  it('nine PCI devices with cdevs, groups, units, BARs, capabilities, drivers and reserved regions', async () => {
    const d = await t.hw.describe();
    const KiB = 1n << 10n;
    const row = (x: (typeof d.devices)[0]) => [
      x.bdf,
      x.cdev,
      x.group,
      x.unit,
      x.bars.map((b) => [b.index, BigInt(b.size as string), b.prefetchable]),
      x.ats,
      x.pri,
      x.pasid_bits,
      x.driver,
      x.present,
    ];
    expect(d.devices.map(row)).toEqual([
      ['0000:01:00.0', 'vfio0', 1, 'dmar0', [[0, 64n * KiB, false], [2, 16n * KiB, false]], true, true, 20, 'vfio-pci', true],
      ['0000:02:00.0', 'vfio1', 2, 'dmar0', [[0, 16n * KiB, false]], false, false, 0, 'vfio-pci', true],
      ['0000:03:00.0', 'vfio2', 3, 'dmar0', [[0, 16n * MiB, false], [1, 256n * MiB, true]], true, true, 20, 'vfio-pci', true],
      ['0000:04:00.0', 'vfio3', 4, 'dmar0', [[0, 16n * KiB, false]], false, false, 0, 'vfio-pci', true],
      ['0000:04:00.1', 'vfio4', 4, 'dmar0', [[0, 16n * KiB, false]], false, false, 0, 'vfio-pci', true],
      ['0000:05:00.0', '', 5, 'dmar0', [[0, 64n * KiB, false]], false, false, 0, 'host', true],
      ['0000:06:00.0', 'vfio5', 6, 'dmar0', [[0, 16n * KiB, false]], false, false, 0, 'vfio-pci', true],
      ['0000:06:00.1', '', 6, 'dmar0', [[0, 16n * KiB, false]], false, false, 0, 'host', true],
      ['0000:80:00.0', 'vfio6', 7, 'dmar1', [[0, 64n * KiB, false]], false, false, 0, 'vfio-pci', true],
    ]);
    // requester IDs follow the BDFs
    expect(d.devices.map((x) => x.rid)).toEqual([0x0100, 0x0200, 0x0300, 0x0400, 0x0401, 0x0500, 0x0600, 0x0601, 0x8000]);
    // BARs: naturally aligned, distinct, above RAM
    const ram = BigInt(d.ram_bytes as string);
    const windows: Array<[bigint, bigint]> = [];
    for (const x of d.devices) {
      for (const b of x.bars) {
        const a = BigInt(b.addr as string);
        const s = BigInt(b.size as string);
        expect(a % s, `${x.bdf} BAR${b.index}`).toBe(0n);
        expect(a >= ram).toBe(true);
        for (const [wa, ws] of windows) expect(a + s <= wa || wa + ws <= a, `${x.bdf} BAR${b.index} overlaps`).toBe(true);
        windows.push([a, s]);
      }
    }
    // reserved regions: the MSI window everywhere, the RMRR on 02:00.0 only
    const msi = { start: String(MSI_BASE), last: String(0xfeefffffn), type: 'RESERVED_REGION_TYPE_MSI' };
    for (const x of d.devices) {
      const want = x.bdf === '0000:02:00.0' ? [msi, { start: String(0xe0000n), last: String(0xfffffn), type: 'RESERVED_REGION_TYPE_DIRECT' }] : [msi];
      expect(x.reserved_regions.sort((a, b) => (BigInt(a.start as string) < BigInt(b.start as string) ? 1 : -1)), x.bdf).toEqual(want);
    }
  });

  it('groups and their viability: 5 and 6 hold host-owned devices and are not viable', async () => {
    const d = await t.hw.describe();
    expect(d.groups.map((g) => [g.id, g.unit, g.devices, g.viable])).toEqual([
      [1, 'dmar0', ['0000:01:00.0'], true],
      [2, 'dmar0', ['0000:02:00.0'], true],
      [3, 'dmar0', ['0000:03:00.0'], true],
      [4, 'dmar0', ['0000:04:00.0', '0000:04:00.1'], true],
      [5, 'dmar0', ['0000:05:00.0'], false],
      [6, 'dmar0', ['0000:06:00.0', '0000:06:00.1'], false],
      [7, 'dmar1', ['0000:80:00.0'], true],
    ]);
  });
});

// ======================================================================================
describe('DeviceDma faults and DeviceDmaBatch', () => {
  const t = useTestHost();

  /** vfio0 (01:00.0, dmar0) attached to an IOAS with: RW [0x100000, +8K), RW 0x1ff000, READ-only 0x200000, RW top page. */
  async function setup() {
    const s = await t.deviceSetup('vfio0');
    const ram = await s.sys.memfd('ram', 8n * PAGE);
    const va = await s.sys.mmap(8n * PAGE, { fd: ram });
    await s.sys.map(s.fd, s.ioas, va, 2n * PAGE, 0x100000n);
    await s.sys.map(s.fd, s.ioas, va + 3n * PAGE, PAGE, 0x1ff000n);
    await s.sys.map(s.fd, s.ioas, va + 2n * PAGE, PAGE, 0x200000n, MAP_READABLE);
    await s.sys.map(s.fd, s.ioas, va + 4n * PAGE, PAGE, TOP - PAGE);
    return { ...s, va };
  }

  it('a device with no attachment is BLOCKED (bound or not)', async () => {
    const f = await t.hw.dma('0000:80:00.0', 0x1000n, 8);
    expect(f.result).toBe('fault');
    expect(f.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_BLOCKED', addr: '4096', write: false, unit: 'dmar1', recoverable: false });
    const p = await t.spawn(t.root);
    const ifd = await p.open('/dev/iommu');
    const dfd = await p.open('/dev/vfio/devices/vfio6');
    await p.bind(dfd, ifd);
    const w = await t.hw.dma('0000:80:00.0', 0x1000n, 2, { write: new Uint8Array([1, 2]) });
    expect(w.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_BLOCKED', write: true, unit: 'dmar1' });
  });

  it('unmapped → TRANSLATION, write to READABLE-only → PERMISSION, MSI window → RESERVED, beyond 48 bits → ADDRESS_SIZE', async () => {
    const { sys, va } = await setup();
    await sys.write(va + 2n * PAGE + 0x10n, text('read-only page'));
    // reads of the READABLE-only mapping work, writes fault
    const r = await t.hw.dma('0000:01:00.0', 0x200010n, 14);
    expect(Buffer.from(r.data!).toString()).toBe('read-only page');
    const p = await t.hw.dma('0000:01:00.0', 0x200010n, 4, { write: text('nope') });
    expect(p.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_PERMISSION', addr: String(0x200010n), write: true, unit: 'dmar0' });
    expect(Buffer.from(await sys.read(va + 2n * PAGE + 0x10n, 4)).toString()).toBe('read');
    // unmapped
    const u = await t.hw.dma('0000:01:00.0', 0x300008n, 8);
    expect(u.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION', addr: String(0x300008n), write: false });
    // the MSI window is not translated memory: reads and writes of it are refused
    for (const iova of [MSI_BASE, MSI_BASE + 0x10n, 0xfeeffffcn]) {
      const m = await t.hw.dma('0000:01:00.0', iova, 4, { write: new Uint8Array([0, 0, 0, 0]) });
      expect(m.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_RESERVED', addr: String(iova) });
      expect((await t.hw.dma('0000:01:00.0', iova, 4)).fault?.reason).toBe('DMA_FAULT_REASON_RESERVED');
    }
    // an access that runs into the window faults at the window's first byte
    expect((await t.hw.dma('0000:01:00.0', MSI_BASE - 4n, 8)).fault).toMatchObject({ reason: 'DMA_FAULT_REASON_RESERVED', addr: String(MSI_BASE) });
    // the last page below 2^48 works; 2^48 and above is beyond the input address width
    await sys.write(va + 4n * PAGE + 0xff8n, text('top-8by'));
    expect(Buffer.from((await t.hw.dma('0000:01:00.0', TOP - 8n, 7)).data!).toString()).toBe('top-8by');
    expect((await t.hw.dma('0000:01:00.0', TOP, 8)).fault).toMatchObject({ reason: 'DMA_FAULT_REASON_ADDRESS_SIZE', addr: String(TOP) });
    expect((await t.hw.dma('0000:01:00.0', 1n << 63n, 8)).fault).toMatchObject({ reason: 'DMA_FAULT_REASON_ADDRESS_SIZE', addr: String(1n << 63n) });
    // straddling the top: the first byte that cannot be translated is 2^48
    const s = await t.hw.dma('0000:01:00.0', TOP - 8n, 16, { write: new Uint8Array(16).fill(0xee) });
    expect(s.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_ADDRESS_SIZE', addr: String(TOP) });
    expect(Buffer.from(await sys.read(va + 4n * PAGE + 0xff8n, 7)).toString()).toBe('top-8by');
  });

  it('a faulting multi-page DMA transfers nothing', async () => {
    const { sys, va } = await setup();
    await sys.write(va + 0xff0n, text('keep-me-intact!!'));
    await sys.write(va + 3n * PAGE, text('also-intact'));
    // RW page 0x101000 then the unmapped 0x102000
    const t1 = await t.hw.dma('0000:01:00.0', 0x100ff0n, 0x2000, { write: new Uint8Array(0x2000).fill(0x55) });
    expect(t1.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION', addr: String(0x102000n) });
    expect(Buffer.from(await sys.read(va + 0xff0n, 16)).toString()).toBe('keep-me-intact!!');
    expect([...(await sys.read(va + 0x1000n, 4))]).toEqual([0, 0, 0, 0]);
    // RW page 0x1ff000 then the READABLE-only 0x200000
    const t2 = await t.hw.dma('0000:01:00.0', 0x1ff000n, 0x2000, { write: new Uint8Array(0x2000).fill(0x66) });
    expect(t2.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_PERMISSION', addr: String(0x200000n) });
    expect(Buffer.from(await sys.read(va + 3n * PAGE, 11)).toString()).toBe('also-intact');
    // a read spanning the same pages returns no data
    const t3 = await t.hw.dma('0000:01:00.0', 0x100ff0n, 0x2000);
    expect(t3.result).toBe('fault');
    expect(t3.data).toBeFalsy();
    // the same DMA inside the mapping succeeds and moves every byte
    const ok = await t.hw.dma('0000:01:00.0', 0x100ff0n, 0x20, { write: new Uint8Array(0x20).fill(0x77) });
    expect(ok.result).toBe('written');
    expect(ok.written).toBe('32');
    expect([...(await sys.read(va + 0xff0n, 0x20))]).toEqual(new Array(0x20).fill(0x77));
    // malformed requests
    await expectStatus(t.hw.dma('0000:01:00.0', 0x100000n, 0), grpc.status.INVALID_ARGUMENT, 'EINVAL');
    await expectStatus(
      call(t.platform.Platform.DeviceDma, { bdf: '0000:01:00.0', iova: String(0x100000n), length: '8', write: true, data: Buffer.alloc(4), allow_page_request: false }),
      grpc.status.INVALID_ARGUMENT,
      'EINVAL',
    );
    await expectStatus(t.hw.dma('0000:09:00.0', 0n, 4), grpc.status.NOT_FOUND, 'ENODEV');
  });

  it('DeviceDmaBatch: packed translations agree with DeviceDma one by one', async () => {
    const { sys, fd, ioas, va } = await setup();
    // a 2 MiB hugetlb area for a large leaf
    const huge = await sys.memfd('huge', 2n * MiB, MFD_HUGETLB | MFD_HUGE_2MB);
    const hva = await sys.mmap(2n * MiB, { fd: huge });
    await sys.map(fd, ioas, hva, 2n * MiB, 0x40000000n);
    await sys.write(va + 0x10n, text('P0'));
    await sys.write(va + PAGE + 0xff8n, text('P1'));
    await sys.write(va + 2n * PAGE, text('RO'));
    await sys.write(hva + 0x123456n, text('HG'));
    const recs = [
      { iova: 0x100010n, write: false },
      { iova: 0x101ff8n, write: true },
      { iova: 0x200000n, write: false },
      { iova: 0x200004n, write: true }, // PERMISSION
      { iova: 0x300000n, write: false }, // TRANSLATION
      { iova: MSI_BASE + 0x10n, write: true }, // RESERVED
      { iova: TOP, write: false }, // ADDRESS_SIZE
      { iova: 0x40123456n, write: false }, // inside the 2 MiB leaf
      { iova: 0x100010n, write: false, flags: 0b110 }, // EXEC | PRIV bits are accepted
    ];
    const r = await call(t.platform.Platform.DeviceDmaBatch, { bdf: '0000:01:00.0', entries: pack(recs) });
    const res = unpack(r.results as Buffer);
    expect(res.length).toBe(recs.length);
    expect(r.translated).toBe(5);
    expect(r.faults).toBe(4);
    expect(res.map((x) => x.status)).toEqual([0, 0, 0, 3, 2, 9, 4, 0, 0]);
    // faults carry the faulting iova
    expect(res[3]!.addr).toBe(0x200004n);
    expect(res[4]!.addr).toBe(0x300000n);
    expect(res[5]!.addr).toBe(MSI_BASE + 0x10n);
    expect(res[6]!.addr).toBe(TOP);
    // successes: the output physical address holds the bytes the process wrote; info = leaf size
    const host = t.srv.host;
    const at = (i: number, n: number) => Buffer.from(host.mem.read(res[i]!.addr, n)).toString();
    expect(at(0, 2)).toBe('P0');
    expect(at(1, 2)).toBe('P1');
    expect(at(2, 2)).toBe('RO');
    expect(at(7, 2)).toBe('HG');
    expect(res[8]!.addr).toBe(res[0]!.addr);
    expect(res.map((x) => (x.status === 0 ? x.info : -1))).toEqual([12, 12, 12, -1, -1, -1, -1, 21, 12]);
    expect(res[0]!.addr & 0xfffn).toBe(0x10n);
    expect(res[7]!.addr & 0x1fffffn).toBe(0x123456n);
    // one by one, DeviceDma agrees on every record
    for (let i = 0; i < recs.length; i++) {
      const rec = recs[i]!;
      const one = await t.hw.dma('0000:01:00.0', rec.iova, 1, rec.write ? { write: new Uint8Array([0xab]) } : {});
      if (res[i]!.status === 0) expect(one.result, `record ${i}`).toBe(rec.write ? 'written' : 'data');
      else {
        expect(one.result, `record ${i}`).toBe('fault');
        expect(REASON_NUMBER[one.fault!.reason as string], `record ${i}`).toBe(res[i]!.status);
        expect(BigInt(one.fault!.addr as string), `record ${i}`).toBe(res[i]!.addr);
      }
    }
    // a device without attachment: every record BLOCKED
    const b = await call(t.platform.Platform.DeviceDmaBatch, { bdf: '0000:80:00.0', entries: pack([{ iova: 0n }, { iova: 0x1000n, write: true }]) });
    expect(unpack(b.results as Buffer).map((x) => [x.addr, x.status])).toEqual([
      [0n, 1],
      [0x1000n, 1],
    ]);
    expect([b.translated, b.faults]).toEqual([0, 2]);
    // malformed batches
    const bad = (entries: Buffer) => call(t.platform.Platform.DeviceDmaBatch, { bdf: '0000:01:00.0', entries });
    await expectStatus(bad(pack([{ iova: 0x100000n }]).subarray(0, 15)), grpc.status.INVALID_ARGUMENT, 'EINVAL');
    await expectStatus(bad(Buffer.concat([pack([{ iova: 0x100000n }]), Buffer.alloc(1)])), grpc.status.INVALID_ARGUMENT, 'EINVAL');
    await expectStatus(bad(pack([{ iova: 0x100000n, flags: 8 }])), grpc.status.INVALID_ARGUMENT, 'EINVAL');
    await expectStatus(bad(pack([{ iova: 0x100000n, reserved: 1 }])), grpc.status.INVALID_ARGUMENT, 'EINVAL');
    // an empty batch is a valid no-op
    const empty = await bad(Buffer.alloc(0));
    expect([(empty.results as Buffer).length, empty.translated, empty.faults]).toEqual([0, 0, 0]);
  });
});

// ======================================================================================
describe('SetDriver and group viability', () => {
  const t = useTestHost();
  const setDriver = (bdf: string, driver: string) => call(t.platform.Platform.SetDriver, { bdf, driver });
  const viable = async (group: number) => (await call(t.platform.Platform.Describe, {})).groups.find((g) => g.id === group)!.viable;

  it('vfio-pci → host while a cdev is open is EBUSY; after close the device leaves VFIO (cdev gone, group not viable)', async () => {
    const p = await Sys.spawn(t.root);
    const dfd = await p.open('/dev/vfio/devices/vfio1');
    await expectStatus(setDriver('0000:02:00.0', 'host'), grpc.status.FAILED_PRECONDITION, 'EBUSY');
    expect(await viable(2)).toBe(true);
    await p.close(dfd);
    await setDriver('0000:02:00.0', 'host');
    const d = await call(t.platform.Platform.Describe, {});
    expect(d.devices.find((x) => x.bdf === '0000:02:00.0')!.driver).toBe('host');
    expect(await viable(2)).toBe(false);
    await expectStatus(p.open('/dev/vfio/devices/vfio1'), grpc.status.NOT_FOUND, 'ENOENT');
    await setDriver('0000:02:00.0', 'vfio-pci');
    expect(await viable(2)).toBe(true);
    const again = await p.open('/dev/vfio/devices/vfio1');
    const ifd = await p.open('/dev/iommu');
    expect(await p.bind(again, ifd)).toBe(1);
    await p.exit();
  });

  it('a host driver on one group member makes the group non-viable: binding a sibling is EPERM (iommu_device_claim_dma_owner) until it leaves', async () => {
    await setDriver('0000:04:00.1', 'host');
    expect(await viable(4)).toBe(false);
    const p = await Sys.spawn(t.root);
    const ifd = await p.open('/dev/iommu');
    const dfd = await p.open('/dev/vfio/devices/vfio3');
    await expectStatus(p.bind(dfd, ifd), grpc.status.PERMISSION_DENIED, 'EPERM');
    // "none" (no driver) keeps the group viable
    await setDriver('0000:04:00.1', 'none');
    expect(await viable(4)).toBe(true);
    expect(await p.bind(dfd, ifd)).toBe(1);
    // the group is now DMA-owned by p's iommufd: a host driver cannot take the sibling
    await expectStatus(setDriver('0000:04:00.1', 'host'), grpc.status.FAILED_PRECONDITION, 'EBUSY');
    expect(await viable(4)).toBe(true);
    await p.exit();
    await setDriver('0000:04:00.1', 'vfio-pci');
    expect(await viable(4)).toBe(true);
  });

  it('group 6 becomes usable when its host-owned sibling is unbound, and unusable again after', async () => {
    const p = await Sys.spawn(t.root);
    const ifd = await p.open('/dev/iommu');
    const dfd = await p.open('/dev/vfio/devices/vfio5');
    await expectStatus(p.bind(dfd, ifd), grpc.status.PERMISSION_DENIED, 'EPERM');
    await setDriver('0000:06:00.1', 'none');
    expect(await viable(6)).toBe(true);
    expect(await p.bind(dfd, ifd)).toBe(1);
    await p.close(dfd);
    await setDriver('0000:06:00.1', 'host');
    expect(await viable(6)).toBe(false);
    const d2 = await p.open('/dev/vfio/devices/vfio5');
    await expectStatus(p.bind(d2, ifd), grpc.status.PERMISSION_DENIED, 'EPERM');
    await p.exit();
  });

  it('unknown drivers and devices are refused', async () => {
    await expectStatus(setDriver('0000:04:00.1', 'nvme'), grpc.status.INVALID_ARGUMENT, 'EINVAL');
    await expectStatus(setDriver('0000:09:00.0', 'host'), grpc.status.NOT_FOUND, 'ENODEV');
  });
});

// ======================================================================================
describe('WatchEvents', () => {
  const t = useTestHost();

  it('is resumable by after_sequence: no duplicates, no gaps, then live events', async () => {
    const fault = (i: number) => t.hw.dma('0000:80:00.0', BigInt(i) << 12n, 4); // unattached: BLOCKED, logged
    for (let i = 1; i <= 5; i++) expect((await fault(i)).fault?.reason).toBe('DMA_FAULT_REASON_BLOCKED');
    const first = watchEvents(t.platform, 0n);
    const three = await first.take(3);
    first.cancel();
    expect(three.map((e) => e.kind)).toEqual(['HOST_EVENT_KIND_DMA_FAULT', 'HOST_EVENT_KIND_DMA_FAULT', 'HOST_EVENT_KIND_DMA_FAULT']);
    expect(three.map((e) => [e.bdf, e.unit, e.fault?.reason, e.fault?.addr])).toEqual([1, 2, 3].map((i) => ['0000:80:00.0', 'dmar1', 'DMA_FAULT_REASON_BLOCKED', String(BigInt(i) << 12n)]));
    const s = three.map((e) => BigInt(e.sequence));
    expect(s[1]).toBe(s[0]! + 1n);
    expect(s[2]).toBe(s[1]! + 1n);
    // more happens while nobody listens
    for (let i = 6; i <= 7; i++) await fault(i);
    const second = watchEvents(t.platform, s[1]!);
    try {
      const got = await second.take(5);
      expect(got.map((e) => BigInt(e.sequence))).toEqual([0n, 1n, 2n, 3n, 4n].map((k) => s[2]! + k));
      expect(got.map((e) => e.fault?.addr)).toEqual([3, 4, 5, 6, 7].map((i) => String(BigInt(i) << 12n)));
      // live: a process exit arrives next, with the following sequence
      const p = await Sys.spawn(t.root, 'watched');
      await p.exit();
      const live = await second.take(6);
      expect(live[5]).toMatchObject({ kind: 'HOST_EVENT_KIND_PROCESS_EXITED', pid: p.pid, sequence: String(s[2]! + 5n) });
      expect(second.seen.length).toBe(6);
    } finally {
      second.cancel();
    }
    // resuming at the head delivers only what comes later
    const head = s[2]! + 5n;
    const third = watchEvents(t.platform, head);
    try {
      await fault(9);
      const [e] = await third.take(1);
      expect(e).toMatchObject({ sequence: String(head + 1n), kind: 'HOST_EVENT_KIND_DMA_FAULT' });
      expect(e!.fault?.addr).toBe(String(9n << 12n));
    } finally {
      third.cancel();
    }
  });

  it('boot_id (issue #7 item 4): the log of this boot is served; another boot id is refused with BOOT_ID_MISMATCH, as a restarted host would', async () => {
    const boot = (await t.hw.describe()).boot_id;
    expect(boot).toBe(t.srv.host.bootId);
    const p = await Sys.spawn(t.root, 'booted');
    await p.exit();
    const firstEvent = (bootId: string) =>
      new Promise<{ kind: string; pid: number } | grpc.ServiceError>((resolve) => {
        const stream = t.platform.Platform.WatchEvents({ after_sequence: String(t.srv.host.events.headSequence - 1n), boot_id: bootId });
        stream.on('data', (m: { kind: string; pid: number }) => {
          resolve(m);
          stream.cancel();
        });
        stream.on('error', (e: grpc.ServiceError) => resolve(e));
      });
    expect(await firstEvent(boot)).toMatchObject({ kind: 'HOST_EVENT_KIND_PROCESS_EXITED', pid: p.pid });
    await expectStatus(
      firstEvent('00000000-0000-4000-8000-000000000000').then((r) => Promise.reject(r)),
      grpc.status.FAILED_PRECONDITION,
      'BOOT_ID_MISMATCH',
    );
  });
});

// ======================================================================================
describe('Inspect: IOTLB and page tables', () => {
  const t = useTestHost();

  const iotlb = async (unit: string, entries = false) => {
    const r = await call(t.platform.Platform.Inspect, { unit, include_iotlb_entries: entries });
    expect(r.kind).toBe('UNIT');
    expect(r.iotlbs.length).toBe(1);
    const s = r.iotlbs[0]!;
    expect(s.cache).toBe(`${unit}/iotlb`);
    return {
      hits: Number(s.hits),
      misses: Number(s.misses),
      walks: Number(s.walks),
      refs: Number(s.memory_references),
      valid: Number(s.valid_entries),
      invalidations: Number(s.invalidations),
      entries: s.entries.map((e) => ({ tag: e.domain_tag, iova: BigInt(e.iova as string), addr: BigInt(e.addr as string), size: BigInt(e.size as string), perm: e.perm })),
      pageTables: r.page_tables,
    };
  };

  it('IOTLB: first DMA to a page misses and walks, the second hits; entries are listed; unmap invalidates them (strict)', async () => {
    const { sys, fd, ioas, hwpt } = await deviceSetup(t.root, 'vfio6'); // 80:00.0 behind dmar1
    const ram = await sys.memfd('ram', 4n * PAGE);
    const va = await sys.mmap(4n * PAGE, { fd: ram });
    await sys.map(fd, ioas, va, 4n * PAGE, 0x100000n);
    const s0 = await iotlb('dmar1');
    expect([s0.hits, s0.misses, s0.walks, s0.valid]).toEqual([0, 0, 0, 0]);
    expect(s0.pageTables.map((p) => p.hwpt_id)).toEqual([hwpt]);

    expect((await t.hw.dma('0000:80:00.0', 0x100010n, 8)).result).toBe('data');
    const s1 = await iotlb('dmar1');
    expect([s1.hits, s1.misses, s1.walks, s1.valid]).toEqual([0, 1, 1, 1]);
    expect(s1.refs).toBe(4); // a 4-level second-stage walk to a 4 KiB leaf reads one entry per level

    expect((await t.hw.dma('0000:80:00.0', 0x100ff0n, 8)).result).toBe('data');
    const s2 = await iotlb('dmar1');
    expect([s2.hits, s2.misses, s2.walks, s2.valid, s2.refs]).toEqual([1, 1, 1, 1, 4]);

    // two more pages in one DMA: two misses and two walks; a write to them afterwards hits
    expect((await t.hw.dma('0000:80:00.0', 0x101ff0n, 0x20)).result).toBe('data');
    expect((await t.hw.dma('0000:80:00.0', 0x102000n, 4, { write: new Uint8Array([1, 2, 3, 4]) })).result).toBe('written');
    const s3 = await iotlb('dmar1', true);
    expect([s3.hits, s3.misses, s3.walks, s3.valid]).toEqual([2, 3, 3, 3]);
    // the entries: one per touched page, tagged by the domain, RW, 4 KiB, pointing at the memfd's frames
    const batch = unpack(
      (await call(t.platform.Platform.DeviceDmaBatch, { bdf: '0000:80:00.0', entries: pack([{ iova: 0x100000n }, { iova: 0x101000n }, { iova: 0x102000n }]) })).results as Buffer,
    );
    const s3b = await iotlb('dmar1');
    expect([s3b.hits, s3b.misses]).toEqual([5, 3]); // the batch hit all three
    const tags = new Set(s3.entries.map((e) => e.tag));
    expect(tags.size).toBe(1);
    expect(s3.entries.map((e) => [e.iova, e.addr, e.size, e.perm & 3]).sort((a, b) => (a[0]! < b[0]! ? -1 : 1))).toEqual([
      [0x100000n, batch[0]!.addr, PAGE, 3],
      [0x101000n, batch[1]!.addr, PAGE, 3],
      [0x102000n, batch[2]!.addr, PAGE, 3],
    ]);
    expect(Buffer.from(t.srv.host.mem.read(batch[2]!.addr, 4))).toEqual(Buffer.from([1, 2, 3, 4]));

    // unmapping 0x101000..0x102fff drops exactly those entries, and the next DMA there faults (no stale hit)
    await sys.unmap(fd, ioas, 0x100000n, 4n * PAGE);
    await sys.map(fd, ioas, va, PAGE, 0x100000n);
    const s4 = await iotlb('dmar1', true);
    expect(s4.invalidations).toBeGreaterThan(s3.invalidations);
    expect(s4.entries.filter((e) => e.iova >= 0x101000n && e.iova < 0x104000n)).toEqual([]);
    expect((await t.hw.dma('0000:80:00.0', 0x101000n, 4)).fault?.reason).toBe('DMA_FAULT_REASON_TRANSLATION');
    expect((await t.hw.dma('0000:80:00.0', 0x102000n, 4)).fault?.reason).toBe('DMA_FAULT_REASON_TRANSLATION');
    // the remapped page is walked again
    const before = await iotlb('dmar1');
    expect((await t.hw.dma('0000:80:00.0', 0x100000n, 4)).result).toBe('data');
    const after = await iotlb('dmar1');
    expect(after.walks).toBe(before.walks + 1);
    // a device's view: its attachment's page table and its unit's IOTLB
    const dev = await call(t.platform.Platform.Inspect, { bdf: '0000:80:00.0' });
    expect(dev.kind).toBe('DEVICE');
    expect(dev.page_tables.map((p) => [p.hwpt_id, p.unit])).toEqual([[hwpt, 'dmar1']]);
    expect(dev.iotlbs.map((c) => c.cache)).toEqual(['dmar1/iotlb']);
    // dmar0 saw none of it
    const d0 = await iotlb('dmar0');
    expect([d0.hits, d0.misses, d0.walks]).toEqual([0, 0, 0]);
    await sys.exit();
    const gone = await iotlb('dmar1', true);
    expect(gone.entries).toEqual([]);
    expect(gone.pageTables).toEqual([]);
  });

  const tableOf = (sys: Sys, fd: number, hwpt: number) => async () => {
    const r = await call(t.platform.Platform.Inspect, { iommufd_object: { pid: sys.pid, fd, id: hwpt } });
    expect(r.kind).toBe('HWPT_PAGING');
    expect(r.page_tables.length).toBe(1);
    const p = r.page_tables[0]!;
    return { levels: p.levels, format: p.format, unit: p.unit, pages: Number(p.table_pages), bytes: BigInt(p.table_bytes as string), leaves: p.leaves.filter((l) => l.count !== '0').map((l) => [BigInt(l.page_size as string), Number(l.count)]) };
  };

  it('page tables: levels, leaf counts by size and table bytes follow the mappings', async () => {
    const { sys, fd, ioas, hwpt } = await deviceSetup(t.root, 'vfio0'); // dmar0: 4K|2M|1G
    const table = tableOf(sys, fd, hwpt);
    const empty = await table();
    expect(empty).toMatchObject({ levels: 4, unit: 'dmar0', pages: 1, bytes: PAGE, leaves: [] });
    // four 4 KiB pages: PML4 + PDPT + PD + PT
    const ram = await sys.memfd('ram', 4n * PAGE);
    const va = await sys.mmap(4n * PAGE, { fd: ram });
    await sys.map(fd, ioas, va, 4n * PAGE, 0x100000n);
    expect(await table()).toMatchObject({ pages: 4, bytes: 4n * PAGE, leaves: [[PAGE, 4]] });
    // a 2 MiB huge page at 1 GiB: one more PD (a new PDPT entry), a 2 MiB leaf, no PT
    const huge = await sys.memfd('huge', 4n * MiB, MFD_HUGETLB | MFD_HUGE_2MB);
    const hva = await sys.mmap(4n * MiB, { fd: huge });
    await sys.map(fd, ioas, hva, 4n * MiB, 1n << 30n);
    expect(await table()).toMatchObject({ pages: 5, bytes: 5n * PAGE, leaves: [[PAGE, 4], [2n * MiB, 2]] });
    // the IOAS view lists both areas, pinned
    const io = await call(t.platform.Platform.Inspect, { iommufd_object: { pid: sys.pid, fd, id: ioas } });
    expect(io.kind).toBe('IOAS');
    expect(io.areas.map((a) => [BigInt(a.iova as string), BigInt(a.last as string), a.flags, a.source, Number(a.pinned_pages)])).toEqual([
      [0x100000n, 0x103fffn, 6, 'AREA_SOURCE_USER_VA', 4],
      [1n << 30n, (1n << 30n) + 4n * MiB - 1n, 6, 'AREA_SOURCE_USER_VA', 1024],
    ]);
    expect(io.pinned!.pages).toBe(String(4 + 1024));
    // unmapping the 4 KiB area removes exactly its leaves
    await sys.unmap(fd, ioas, 0x100000n, 4n * PAGE);
    expect((await table()).leaves).toEqual([[2n * MiB, 2]]);
    await sys.exit();
    // unknown selectors
    await expectStatus(call(t.platform.Platform.Inspect, { unit: 'dmar9' }), grpc.status.NOT_FOUND, 'ENODEV');
    await expectStatus(call(t.platform.Platform.Inspect, { bdf: '0000:09:00.0' }), grpc.status.NOT_FOUND, 'ENODEV');
    await expectStatus(call(t.platform.Platform.Inspect, { iommufd_object: { pid: sys.pid, fd, id: hwpt } }), grpc.status.NOT_FOUND, 'ESRCH');
    const p = await Sys.spawn(t.root);
    const ifd = await p.open('/dev/iommu');
    await expectStatus(call(t.platform.Platform.Inspect, { iommufd_object: { pid: p.pid, fd: ifd, id: 7 } }), grpc.status.NOT_FOUND, 'ENOENT');
    await expectStatus(call(t.platform.Platform.Inspect, { iommufd_object: { pid: p.pid, fd: ifd + 1, id: 1 } }), grpc.status.INVALID_ARGUMENT, 'EBADF');
    await p.exit();
  });

  // KNOWN MODEL DEVIATION (libs/pgtable, not host-iommu): the VT-d driver (dma_pte_clear_level)
  // and the generic page table (__unmap_range) free a table only when the unmapped range covers
  // its whole span; libs/pgtable frees every table that becomes empty. Kept as it.fails so it
  // turns red (flip it to it()) once the page-table library keeps partially-covered tables.
  it('page tables: an unmap keeps tables it does not fully cover (kernel behaviour)', async () => {
    const { sys, fd, ioas, hwpt } = await deviceSetup(t.root, 'vfio0');
    const table = tableOf(sys, fd, hwpt);
    const ram = await sys.memfd('ram', 2n * MiB);
    const va = await sys.mmap(2n * MiB, { fd: ram });
    await sys.map(fd, ioas, va, 4n * PAGE, 0x100000n);
    await sys.map(fd, ioas, va, 2n * MiB, 0x200000n);
    try {
      // 4 KiB leaves under one PD: PML4 + PDPT + PD + two PTs
      expect(await table()).toMatchObject({ pages: 5, leaves: [[PAGE, 4 + 512]] });
      // the first area covers 16 KiB of its PT's 2 MiB span: that PT stays
      await sys.unmap(fd, ioas, 0x100000n, 4n * PAGE);
      expect(await table()).toMatchObject({ pages: 5, leaves: [[PAGE, 512]] });
      // the second covers its PT exactly: that PT goes, the PD (1 GiB span) and PDPT stay
      await sys.unmap(fd, ioas, 0x200000n, 2n * MiB);
      expect(await table()).toMatchObject({ pages: 4, leaves: [] });
    } finally {
      await sys.exit();
    }
  });
});
