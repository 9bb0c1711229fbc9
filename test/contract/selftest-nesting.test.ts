/**
 * Kernel selftests that exercise nesting (nesting-and-vtd.md §A.7 T1–T9; iommufd-kernel-semantics.md
 * §5.4 #15, §5.8 #57–64, §5.9 #65) ported over gRPC to the real profiles: intel-vtd (dmar0 nests with
 * IOMMU_HWPT_DATA_VTD_S1 = 1; dmar1 does not nest; VT-d has no vIOMMU type) and arm-smmuv3 (smmu0:
 * IOMMU_VIOMMU_TYPE_ARM_SMMUV3 = 1, IOMMU_HWPT_DATA_ARM_SMMUV3 = 2 with a 16-byte vSTE, vIOMMU
 * invalidation data type 1 with 16-byte SMMU commands — smmuv3-and-migration.md §A.5, §A.8).
 * Every expected value is derived from the reference notes (the section is cited next to it), not
 * from the implementation.
 *
 * Adaptations (what changed from the selftest and why):
 * - The mock device becomes vfio0 (0000:01:00.0, the PRI/PASID-capable NIC behind dmar0 / smmu0).
 *   The mock's "no_viommu" / "no_domain" variants (ids 0) are the ENOENT/EINVAL checks with
 *   unknown ids. IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE becomes VFIO_DEVICE_ATTACH_IOMMUFD_PT on an
 *   attached device (the cdev uAPI's replace); destroying the selftest object (stdev) becomes
 *   closing the device fd (VFIO unbind).
 * - T1 alloc_hwpt_nested: IOMMU_HWPT_DATA_SELFTEST becomes iommu_hwpt_vtd_s1 (24 bytes) on a
 *   NEST_PARENT HWPT of dmar0; "SELFTEST+1" becomes data type 2 (ARM_SMMUV3), which the Intel
 *   driver refuses with EOPNOTSUPP (§A.3 driver step 2); "len = min-1" is 23 bytes and the kernel's
 *   "len > sizeof" is 25 bytes, both EINVAL ([IH] in §A.3). The NULL data_uptr (EFAULT) and the
 *   `__reserved` fields have no gRPC form (the contract carries bytes, no pointers, no reserved
 *   fields). The mock's four IOTLB slots (0xbadbeef) become real IOTLB entries: a device read
 *   through the nested HWPT caches the combined translation of each guest IOVA page under the
 *   nested domain's tag, and `iotlb_id` k becomes "the 4 KiB page I+k" (an
 *   iommu_hwpt_vtd_s1_invalidate {addr, npages 1}); IOMMU_TEST_INVALIDATE_FLAG_ALL becomes the
 *   invalidate-all entry {addr 0, npages U64_MAX} (§A.2). An entry that is handled removes the
 *   cached translation (a stale one otherwise keeps serving DMA); an entry that is not handled
 *   leaves it — checked with Platform.Inspect and with DMA after the guest changed its table.
 *   The mock's invalid iotlb id 4 becomes an unaligned addr (EINVAL, §A.5).
 * - TRIGGER_IOPF becomes Platform.DeviceDma with allow_page_request on the PRI NIC at a guest IOVA
 *   whose stage-1 entry is not present: the page request reaches ReadFaults (one group, cookie,
 *   dev_id = the iommufd device id, LAST_PAGE, perm READ, page-aligned addr, length 0 — §A.6, §2.4),
 *   the test then writes the stage-1 entry and answers SUCCESS, and the DMA retries and reads the
 *   page. read()/write() of the fault fd become the ReadFaults stream and RespondFaults.
 * - T2–T8 (iommufd_viommu): the SELFTEST vIOMMU becomes ARM_SMMUV3 on smmu0 and the nested HWPT a
 *   vSTE (Cfg=S1 pointing at a guest CD whose TTB0 is a guest LPAE stage-1 table). Selftest data
 *   (viommu_alloc_with_data, T5) and the mock mmap region have no SMMUv3 equivalent (the SMMUv3
 *   vIOMMU takes no data) and are not ported; hw_queue (#63) is Tegra-only. The mock vEVENT trigger
 *   becomes a stage-1 translation fault by DMA on the nested HWPT whose CD has R=1 (record faults):
 *   the vEVENT is a 32-byte iommu_vevent_arm_smmuv3 with event id F_TRANSLATION (0x10), the vSID in
 *   evt[0] bits 63:32, InputAddr in evt[2] (§A.8, §A.10). The helper's "EOVERFLOW on LOST_EVENTS"
 *   becomes the assertion of the LOST_EVENTS header itself (flags 1, no payload, the newest
 *   sequence: §A.4). Only sequence differences are asserted, because the contract's
 *   `after_sequence = 0 means from the oldest` leaves the absolute origin to the implementation.
 * - vdevice_cache (T7): the mock's cache ids become SMMU commands on the vIOMMU (§A.8): TLBI_NH_VA
 *   per guest IOVA page, TLBI_NH_ASID, TLBI_NSNH_ALL, CFGI_CD / ATC_INV with a vSID; disallowed
 *   opcodes and unknown vSIDs are EIO (the SMMUv3 driver's errno, where the mock had EINVAL). The
 *   mock's "entry_len sizeof+1 → EINVAL" becomes the generic array copy of the SMMUv3 driver
 *   (iommu_copy_struct_from_full_user_array: a longer entry with a non-zero tail is E2BIG, with a
 *   zero tail it is accepted), and that helper refuses an empty array, so the mock's first step
 *   "entry_num 0 → OK" is EINVAL (entry_num 0) on SMMUv3. "[ok, bad] → entry_num 1" keeps the kernel's
 *   quirk that the first command of the unissued batch was never sent (§A.8): the entry stays cached.
 * - vdevice_tombstone (T8): the device goes away by closing its VFIO cdev fd.
 * - pasid_attach (T9): the mock's PASID_ATTACH on an attached pasid is EBUSY, but the cdev uAPI's
 *   VFIO_DEVICE_ATTACH_IOMMUFD_PT on an attached pasid is a replace, so that step becomes "replace
 *   nested[0] → nested[1] succeeds". The non-PASID mock device becomes vfio3 (0000:04:00.0, no PASID
 *   capability). The pasid 1024 fake-error step is mock-only. pasid 2048 on the iopf HWPT is an IOPF
 *   with PASID_VALID and pasid 2048.
 * - Added from the reference notes, not in the selftests: VT-d attach-time checks of the stored
 *   s1 config (addr_width, SRE/EAFE against ECAP — §A.3 driver step 5) read from GET_HW_INFO's ECAP;
 *   dmar1 refuses NEST_PARENT and nested HWPTs (EOPNOTSUPP); SMMUv3 vSTE validation (EIO, V=0
 *   accepted, §A.5); attach of a Cfg=S1 vSTE without a vDEVICE → ENOENT, abort/bypass allowed;
 *   VEVENTQ_ALLOC and VDEVICE_ALLOC check order (§A.4); the fd-held references of the fault queue and
 *   the vEVENTQ (DESTROY → EBUSY until the fd is closed, §3.2, §A.6); dirty tracking on nest
 *   parents (VT-d accepts, SMMUv3 refuses, §A.3 step 6 / §A.12); the fault fd's write semantics
 *   (responses in order, a bad one stops the batch but the consumed ones count, §A.6), fault cookies
 *   lowest-free from 1 (XA_FLAGS_ALLOC1), re-delivery of an unanswered group to a new reader
 *   (host-api ReadFaults); an unmap of the parent's IOAS flushing the nested translations and
 *   faulting in stage 2; stage-2 faults under a vSTE staying in the host (§A.8 "!event->s2") and
 *   F_PERMISSION forwarded; a V=0 vSTE installed as an abort STE (blocked, no C_BAD_STE vEVENT);
 *   fds as read(2)/write(2) see them (closed → EBADF; no write op on a vEVENTQ file, no read op on
 *   the iommufd → EINVAL).
 * - Not ported: viommu_alloc_with_data (T5: SELFTEST vIOMMU data and mmap), hw_queue (#63: Tegra /
 *   mock only), the pasid 1024 fake-error replace (mock only), cmd_length / __reserved / NULL-pointer
 *   variants (no size framing, reserved fields or pointers in the gRPC contract).
 */
import { describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import { entryNumOf, errorInfo, expectErrno, Nest, PAGE, useTestHost, type HostFixture } from './harness.js';
import { G, GUEST_PAGES, GuestRam, S1Table } from './guest-tables.js';

// §A.2 / §2.x constants
const NEST_PARENT = 1 << 0;
const DIRTY_TRACKING = 1 << 1;
const FAULT_ID_VALID = 1 << 2;
const ALLOC_PASID = 1 << 3;
const DATA_NONE = 0;
const DATA_VTD_S1 = 1;
const DATA_ARM_SMMUV3 = 2;
const INV_VTD_S1 = 0;
const INV_SMMUV3 = 1;
const VIOMMU_ARM_SMMUV3 = 1;
const VEVENTQ_ARM_SMMUV3 = 1;
const VEVENTQ_TEGRA241 = 2;
const LOST_EVENTS = 1;
const PGFAULT_PASID_VALID = 1 << 0;
const PGFAULT_LAST_PAGE = 1 << 1;
const PERM_READ = 1 << 0;
const RESP_SUCCESS = 0;
const RESP_INVALID = 1;
const U64_MAX = (1n << 64n) - 1n;
const VTD_S1_SRE = 1n << 0n;
const VTD_S1_EAFE = 1n << 1n;
const INV_FLAGS_LEAF = 1;

const NIC = '0000:01:00.0';
const I = 0x1_0000_0000n; // first guest IOVA (stage-1 input)

// ------------------------------------------------------------------------------------ encoders

/** struct iommu_hwpt_vtd_s1 (24 bytes, §A.1). */
function vtdS1(pgtbl: bigint, addrWidth = 48, flags = 0n, reserved = 0, len = 24): Uint8Array {
  const b = Buffer.alloc(Math.max(len, 24));
  b.writeBigUInt64LE(flags, 0);
  b.writeBigUInt64LE(pgtbl, 8);
  b.writeUInt32LE(addrWidth, 16);
  b.writeUInt32LE(reserved, 20);
  return b.subarray(0, len);
}

/** struct iommu_hwpt_vtd_s1_invalidate entries (24 bytes each, §A.1). */
function vtdInv(...e: Array<{ addr: bigint; npages: bigint; flags?: number; reserved?: number }>): Uint8Array {
  const b = Buffer.alloc(24 * e.length);
  e.forEach((x, i) => {
    b.writeBigUInt64LE(x.addr, 24 * i);
    b.writeBigUInt64LE(x.npages, 24 * i + 8);
    b.writeUInt32LE(x.flags ?? 0, 24 * i + 16);
    b.writeUInt32LE(x.reserved ?? 0, 24 * i + 20);
  });
  return b;
}

/** struct iommu_hwpt_arm_smmuv3 (the vSTE's two words, §A.5). */
function vste(w0: bigint, w1 = 0n, len = 16): Uint8Array {
  const b = Buffer.alloc(Math.max(len, 16));
  b.writeBigUInt64LE(w0, 0);
  b.writeBigUInt64LE(w1, 8);
  return b.subarray(0, len);
}
const STE_V = 1n;
const steCfg = (cfg: number) => BigInt(cfg) << 1n; // Config 0.[3:1]: 0 abort, 4 bypass, 5 S1, 6 S2, 7 nested
/** A Cfg=S1 vSTE with a linear one-entry CD table at `cd` (S1ContextPtr 0.[51:6]). */
const steS1 = (cd: bigint) => STE_V | steCfg(5) | cd;

/** SMMU commands (16 bytes each, §A.7). */
function cmds(...c: Array<[bigint, bigint]>): Uint8Array {
  const b = Buffer.alloc(16 * c.length);
  c.forEach(([a, z], i) => {
    b.writeBigUInt64LE(a, 16 * i);
    b.writeBigUInt64LE(z, 16 * i + 8);
  });
  return b;
}
const CMD = {
  CFGI_STE: (sid: bigint): [bigint, bigint] => [0x03n | (sid << 32n), 0n],
  CFGI_CD: (sid: bigint, ssid = 0n): [bigint, bigint] => [0x05n | (ssid << 12n) | (sid << 32n), 1n],
  CFGI_CD_ALL: (sid: bigint): [bigint, bigint] => [0x06n | (sid << 32n), 0n],
  TLBI_NH_ALL: (vmid = 0n): [bigint, bigint] => [0x10n | (vmid << 32n), 0n],
  TLBI_NH_ASID: (asid: bigint, vmid = 0n): [bigint, bigint] => [0x11n | (vmid << 32n) | (asid << 48n), 0n],
  TLBI_NH_VA: (asid: bigint, va: bigint, vmid = 0n): [bigint, bigint] => [0x12n | (vmid << 32n) | (asid << 48n), va & ~0xfffn],
  TLBI_S12_VMALL: (vmid = 0n): [bigint, bigint] => [0x28n | (vmid << 32n), 0n],
  TLBI_NSNH_ALL: (): [bigint, bigint] => [0x30n, 0n],
  ATC_INV: (sid: bigint, addr = 0n, size = 52n): [bigint, bigint] => [0x40n | (sid << 32n), (addr & ~0xfffn) | size],
  CMD_SYNC: (): [bigint, bigint] => [0x46n, 0n],
};

/** A linear CD table of one 64-byte CD (§A.6): 48-bit TTB0 at `ttb0`, 4 KiB granule, record faults (R). */
async function writeCd(g: GuestRam, ttb0: bigint, asid: bigint, opts: { record?: boolean } = {}): Promise<bigint> {
  const cd = g.alloc();
  const w0 =
    16n | // T0SZ = 64 - 48
    (0n << 6n) | // TG0 4K
    (1n << 8n) | (1n << 10n) | (3n << 12n) | // IRGN0/ORGN0 WBWA, SH0 inner
    (1n << 30n) | // EPD1 (no TTBR1 walks)
    (1n << 31n) | // V
    (5n << 32n) | // IPS 48 bits
    (1n << 41n) | // AA64
    ((opts.record ?? true) ? 1n << 45n : 0n) | // R: record faults
    (1n << 46n) | // A: abort on fault
    (asid << 48n);
  await g.w64(cd, w0);
  await g.w64(cd + 8n, ttb0 & ((1n << 52n) - 16n));
  await g.w64(cd + 24n, 0xffn); // MAIR0 attr 0 = normal WB
  return cd;
}

// -------------------------------------------------------------------------------- device side

async function dma(t: HostFixture, iova: bigint, length: number, opts: { pasid?: number; allowPageRequest?: boolean; write?: Uint8Array; bdf?: string } = {}) {
  return call(t.platform.Platform.DeviceDma, {
    bdf: opts.bdf ?? NIC,
    ...(opts.pasid !== undefined ? { pasid: opts.pasid } : {}),
    iova: iova.toString(),
    length: String(length),
    write: opts.write !== undefined,
    data: Buffer.from(opts.write ?? new Uint8Array(0)),
    allow_page_request: opts.allowPageRequest ?? false,
  });
}

/** Valid IOTLB entries of `unit` whose input address lies in [lo, hi). */
async function tlb(t: HostFixture, unit: string, lo: bigint, hi: bigint) {
  const r = await call(t.platform.Platform.Inspect, { unit, include_iotlb_entries: true });
  return r.iotlbs
    .flatMap((c) => c.entries)
    .map((e) => ({ tag: e.domain_tag, iova: BigInt(e.iova as string), size: BigInt(e.size as string) }))
    .filter((e) => e.iova >= lo && e.iova < hi)
    .sort((a, b) => (a.iova < b.iova ? -1 : a.iova > b.iova ? 1 : 0));
}
const pagesOf = (es: Array<{ iova: bigint }>) => es.map((e) => Number((e.iova - I) / PAGE));

async function atsTranslate(t: HostFixture, iova: bigint, opts: { write?: boolean; pasid?: number } = {}) {
  return call(t.platform.Platform.DeviceAtsTranslate, { bdf: NIC, ...(opts.pasid !== undefined ? { pasid: opts.pasid } : {}), iova: iova.toString(), write: opts.write ?? false });
}

/** Valid ATC entries of the NIC whose input address lies in [lo, hi). */
async function atc(t: HostFixture, lo: bigint, hi: bigint): Promise<bigint[]> {
  const r = await call(t.platform.Platform.Inspect, { bdf: NIC, include_iotlb_entries: true });
  return r.iotlbs
    .filter((c) => c.cache.endsWith('/atc'))
    .flatMap((c) => c.entries)
    .map((e) => BigInt(e.iova as string))
    .filter((v) => v >= lo && v < hi)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function expectInval(p: Promise<unknown>, errno: string, entryNum: number): Promise<void> {
  const e = await expectErrno(p, errno);
  expect(entryNumOf(e), 'ErrorInfo metadata entry_num').toBe(String(entryNum));
}

/** The hwpt a device's RID (or PASID) is attached to, per Platform.Inspect of the device. */
async function attachedHwpts(t: HostFixture, bdf = NIC): Promise<number[]> {
  const r = await call(t.platform.Platform.Inspect, { bdf });
  return r.page_tables.map((p) => p.hwpt_id);
}

// ======================================================================================
describe('nesting selftests on intel-vtd (dmar0 nests, dmar1 does not)', () => {
  const t = useTestHost('intel-vtd');

  /** vfio0 on an IOAS with guest RAM, a NEST_PARENT HWPT and a plain HWPT over it (T1 step 2). */
  async function vtdSetup() {
    const d = await t.deviceSetup('vfio0');
    const n = new Nest(d.sys);
    const g = await GuestRam.create(d.sys, d.fd, d.ioas, 'va');
    const parent = await d.sys.hwptAlloc(d.fd, d.devId, d.ioas, NEST_PARENT);
    const plain = await d.sys.hwptAlloc(d.fd, d.devId, d.ioas);
    const s1 = new S1Table(g, 'x86', true);
    return { ...d, n, g, parent, plain, s1 };
  }

  it('Describe: dmar0 nests with data type VTD_S1 and no vIOMMU type; dmar1 does not nest', async () => {
    const d = await t.hw.describe();
    const u = new Map(d.units.map((x) => [x.name, x]));
    expect(u.get('dmar0')).toMatchObject({ nesting: true, hwpt_data_types: [DATA_VTD_S1], viommu_types: [] });
    expect(u.get('dmar1')).toMatchObject({ nesting: false, hwpt_data_types: [], viommu_types: [] });
    expect(d.kernel_features).toMatchObject({ viommu: true, iommufd_fault: true });
  });

  it('iommufd_ioas.alloc_hwpt_nested (§A.7 T1 steps 1–5, §A.3): argument checks in kernel order', async () => {
    const { sys, fd, devId, ioas, hwpt, n, parent, plain, s1 } = await vtdSetup();
    const data = vtdS1(s1.root);
    // step 1 (§A.3 core 3–5)
    await expectErrno(n.hwptAlloc(fd, { devId: ioas, ptId: ioas }), 'ENOENT');
    await expectErrno(n.hwptAlloc(fd, { devId, ptId: devId }), 'EINVAL');
    await expectErrno(n.hwptAlloc(fd, { devId, ptId: ioas, flags: NEST_PARENT | FAULT_ID_VALID }), 'EOPNOTSUPP');
    // step 3: data_type/len pairing (core 2), unknown type (Intel 2), lengths ([IH]), flags (core 6), parent (core 6)
    await expectErrno(n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_NONE, data }), 'EINVAL');
    await expectErrno(n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1 }), 'EINVAL');
    await expectErrno(n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_ARM_SMMUV3, data }), 'EOPNOTSUPP');
    await expectErrno(n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data: vtdS1(s1.root, 48, 0n, 0, 23) }), 'EINVAL');
    await expectErrno(n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data: vtdS1(s1.root, 48, 0n, 0, 25) }), 'EINVAL');
    await expectErrno(n.hwptAlloc(fd, { devId, ptId: parent, flags: NEST_PARENT, dataType: DATA_VTD_S1, data }), 'EOPNOTSUPP');
    await expectErrno(n.hwptAlloc(fd, { devId, ptId: parent, flags: DIRTY_TRACKING, dataType: DATA_VTD_S1, data }), 'EOPNOTSUPP');
    await expectErrno(n.hwptAlloc(fd, { devId, ptId: plain, dataType: DATA_VTD_S1, data }), 'EINVAL');
    // flags are checked before the parent (core 6: flags, then auto_domain/nest_parent)
    await expectErrno(n.hwptAlloc(fd, { devId, ptId: plain, flags: NEST_PARENT, dataType: DATA_VTD_S1, data }), 'EOPNOTSUPP');
    // an auto domain is never a parent (core 6: parent->auto_domain)
    await expectErrno(n.hwptAlloc(fd, { devId, ptId: hwpt, dataType: DATA_VTD_S1, data }), 'EINVAL');
    // step 4: two nested HWPTs, an IOPF-capable one (fault_id must name a FAULT: ENOENT, §A.3 core 8)
    const fault = await n.faultQueueAlloc(fd);
    const nested0 = await n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data });
    const nested1 = await n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data });
    await expectErrno(n.hwptAlloc(fd, { devId, ptId: parent, flags: FAULT_ID_VALID, dataType: DATA_VTD_S1, data, faultId: 0xffffffff }), 'ENOENT');
    await expectErrno(n.hwptAlloc(fd, { devId, ptId: parent, flags: FAULT_ID_VALID, dataType: DATA_VTD_S1, data, faultId: parent }), 'ENOENT');
    const iopf = await n.hwptAlloc(fd, { devId, ptId: parent, flags: FAULT_ID_VALID, dataType: DATA_VTD_S1, data, faultId: fault.id });
    expect(new Set([nested0, nested1, iopf, fault.id]).size).toBe(4);
    const ins = await t.hw.inspect({ iommufd_object: { pid: sys.pid, fd, id: nested0 } });
    expect(ins.kind.toLowerCase()).toBe('hwpt_nested');
    // dirty tracking and bitmaps are HWPT_PAGING-only: a nested HWPT is ENOENT (§1.2)
    await expectErrno(sys.setDirty(fd, nested0, true), 'ENOENT');
    await expectErrno(sys.dirtyBitmap(fd, nested0, 0n, PAGE, PAGE), 'ENOENT');
    // step 5: nested on nested (core 5: any other type → EINVAL); the parent is referenced (EBUSY)
    await expectErrno(n.hwptAlloc(fd, { devId, ptId: nested0, dataType: DATA_VTD_S1, data }), 'EINVAL');
    await expectErrno(sys.destroy(fd, parent), 'EBUSY');
    // the FAULT is held by the iopf HWPT and by its fd (§A.6)
    await expectErrno(sys.destroy(fd, fault.id), 'EBUSY');
    // Intel: no validation of flags / addr_width / __reserved at alloc time (§A.3 driver step 4)
    const odd = await n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data: vtdS1(0x1234n, 39, 0xff00n, 7) });
    await sys.destroy(fd, odd);
    for (const id of [iopf, nested1, nested0]) await sys.destroy(fd, id);
    await expectErrno(sys.destroy(fd, fault.id), 'EBUSY'); // still held by its fd
    await sys.close(fault.fd);
    await sys.destroy(fd, fault.id);
    await sys.destroy(fd, parent);
    await sys.destroy(fd, plain);
  });

  it('iommufd_ioas.alloc_hwpt_nested (§A.7 T1 steps 6–7, §A.5): HWPT_INVALIDATE checks, entry_num on every path, and the real IOTLB', async () => {
    const { sys, fd, devFd, devId, ioas, n, g, parent, plain, s1 } = await vtdSetup();
    const data = vtdS1(s1.root);
    const nested0 = await n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data });
    const nested1 = await n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data });
    // guest IOVA pages I+0..I+3 → data pages filled with 0xa0+k; a spare page 0xee for remapping
    const dataPages: bigint[] = [];
    for (let k = 0; k < 4; k++) {
      const p = g.alloc();
      await g.fill(p, 0xa0 + k);
      dataPages.push(p);
      await s1.map(I + BigInt(k) * PAGE, p);
    }
    const spare = g.alloc();
    await g.fill(spare, 0xee);
    expect(await sys.attach(devFd, nested0)).toBe(nested0);
    const readAll = async () => {
      const out: number[] = [];
      for (let k = 0; k < 4; k++) {
        const r = await dma(t, I + BigInt(k) * PAGE + 8n, 8);
        expect(r.result, r.fault?.detail).toBe('data');
        out.push((r.data as Buffer)[0]!);
      }
      return out;
    };
    expect(await readAll()).toEqual([0xa0, 0xa1, 0xa2, 0xa3]);
    const cached = await tlb(t, 'dmar0', I, I + 4n * PAGE);
    expect(pagesOf(cached)).toEqual([0, 1, 2, 3]);
    expect(new Set(cached.map((e) => e.tag)).size).toBe(1);

    // step 6: on the parent (a paging HWPT) → EINVAL, entry_num 0 (core 4)
    await expectInval(n.invalidate(fd, parent, INV_VTD_S1, 24, vtdInv({ addr: 0n, npages: U64_MAX })), 'EINVAL', 0);
    await expectInval(n.invalidate(fd, plain, INV_VTD_S1, 24, vtdInv({ addr: 0n, npages: U64_MAX })), 'EINVAL', 0);
    await expectInval(n.invalidate(fd, 0xffff, INV_VTD_S1, 24, vtdInv({ addr: 0n, npages: U64_MAX })), 'ENOENT', 0);
    // entry_num 0 with the right type: the type probe succeeds; the wrong type fails even empty (Intel)
    expect(await n.invalidate(fd, nested0, INV_VTD_S1, 24, new Uint8Array(0))).toBe(0);
    await expectInval(n.invalidate(fd, nested0, INV_SMMUV3, 24, new Uint8Array(0)), 'EINVAL', 0);
    await expectInval(n.invalidate(fd, nested0, INV_SMMUV3, 24, vtdInv({ addr: I, npages: 1n })), 'EINVAL', 0);
    // entry_len: 0 (core 2), 25 and 23 and 1 (Intel copy: != 24 → EINVAL)
    await expectInval(n.invalidate(fd, nested0, INV_VTD_S1, 0, vtdInv({ addr: I, npages: 1n })), 'EINVAL', 0);
    const b25 = Buffer.concat([Buffer.from(vtdInv({ addr: I, npages: 1n })), Buffer.alloc(1)]);
    await expectInval(n.invalidate(fd, nested0, INV_VTD_S1, 25, b25), 'EINVAL', 0);
    await expectInval(n.invalidate(fd, nested0, INV_VTD_S1, 23, Buffer.from(vtdInv({ addr: I, npages: 1n })).subarray(0, 23)), 'EINVAL', 0);
    await expectInval(n.invalidate(fd, nested0, INV_VTD_S1, 1, new Uint8Array(1)), 'EINVAL', 0);
    // flags beyond LEAF, non-zero __reserved → EOPNOTSUPP; unaligned addr, U64_MAX pages at addr≠0 → EINVAL
    await expectInval(n.invalidate(fd, nested0, INV_VTD_S1, 24, vtdInv({ addr: I, npages: 1n, flags: 0xffffffff })), 'EOPNOTSUPP', 0);
    await expectInval(n.invalidate(fd, nested0, INV_VTD_S1, 24, vtdInv({ addr: I, npages: 1n, flags: 2 })), 'EOPNOTSUPP', 0);
    await expectInval(n.invalidate(fd, nested0, INV_VTD_S1, 24, vtdInv({ addr: I, npages: 1n, reserved: 1 })), 'EOPNOTSUPP', 0);
    await expectInval(n.invalidate(fd, nested0, INV_VTD_S1, 24, vtdInv({ addr: I + 0x800n, npages: 1n })), 'EINVAL', 0);
    await expectInval(n.invalidate(fd, nested0, INV_VTD_S1, 24, vtdInv({ addr: PAGE, npages: U64_MAX })), 'EINVAL', 0);
    // none of the failures above flushed anything
    expect(pagesOf(await tlb(t, 'dmar0', I, I + 4n * PAGE))).toEqual([0, 1, 2, 3]);

    // the guest retargets page 1 without invalidating: the stale translation keeps serving DMA
    await s1.map(I + PAGE, spare);
    expect(await readAll()).toEqual([0xa0, 0xa1, 0xa2, 0xa3]);
    // step 7: [ok page 1, bad flags] → EOPNOTSUPP, entry_num 1: page 1 flushed, the rest not
    await expectInval(n.invalidate(fd, nested0, INV_VTD_S1, 24, vtdInv({ addr: I + PAGE, npages: 1n }, { addr: I + 2n * PAGE, npages: 1n, flags: 2 })), 'EOPNOTSUPP', 1);
    expect(pagesOf(await tlb(t, 'dmar0', I, I + 4n * PAGE))).toEqual([0, 2, 3]);
    expect(await readAll()).toEqual([0xa0, 0xee, 0xa2, 0xa3]);
    // [ok page 2, unaligned] → EINVAL, entry_num 1
    await expectInval(n.invalidate(fd, nested0, INV_VTD_S1, 24, vtdInv({ addr: I + 2n * PAGE, npages: 1n, flags: INV_FLAGS_LEAF }, { addr: I + 0x10n, npages: 1n })), 'EINVAL', 1);
    expect(pagesOf(await tlb(t, 'dmar0', I, I + 4n * PAGE))).toEqual([0, 1, 3]); // page 1 was re-walked by readAll
    // a 2-page range (page 0 and 1) → entry_num 1
    expect(await n.invalidate(fd, nested0, INV_VTD_S1, 24, vtdInv({ addr: I, npages: 2n }))).toBe(1);
    expect(pagesOf(await tlb(t, 'dmar0', I, I + 4n * PAGE))).toEqual([3]);
    // invalidate-all {0, U64_MAX} (the mock's FLAG_ALL)
    await readAll();
    expect(await n.invalidate(fd, nested0, INV_VTD_S1, 24, vtdInv({ addr: 0n, npages: U64_MAX }))).toBe(1);
    expect(await tlb(t, 'dmar0', I, I + 4n * PAGE)).toEqual([]);
    // an invalidation of another nested HWPT (another DID) does not touch nested0's entries
    await readAll();
    expect(await n.invalidate(fd, nested1, INV_VTD_S1, 24, vtdInv({ addr: 0n, npages: U64_MAX }))).toBe(1);
    expect(pagesOf(await tlb(t, 'dmar0', I, I + 4n * PAGE))).toEqual([0, 1, 2, 3]);
    // several entries, all handled
    expect(await n.invalidate(fd, nested0, INV_VTD_S1, 24, vtdInv({ addr: I, npages: 1n }, { addr: I + 3n * PAGE, npages: 1n, flags: INV_FLAGS_LEAF }))).toBe(2);
    expect(pagesOf(await tlb(t, 'dmar0', I, I + 4n * PAGE))).toEqual([1, 2]);
    // unmapping stage 2 (the parent's IOAS) flushes the nested translations built on it (parent flush);
    // the next access faults in stage 2 (the first-stage table fetch) and reaches no fault queue
    await readAll();
    const size = BigInt(GUEST_PAGES) * PAGE;
    expect(await sys.unmap(fd, ioas, G, size)).toBe(size);
    expect(await tlb(t, 'dmar0', I, I + 4n * PAGE)).toEqual([]);
    const f = await dma(t, I, 8);
    expect(f.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION', stage: 2, recoverable: false });
    await sys.map(fd, ioas, g.va, size, G);
    expect(await readAll()).toEqual([0xa0, 0xee, 0xa2, 0xa3]);
    await sys.attach(devFd, parent);
  });

  it('iommufd_ioas.alloc_hwpt_nested (§A.7 T1 step 8): replace between nested HWPTs, DESTROY while attached → EBUSY, IOPF round trip, teardown order', async () => {
    const { sys, fd, devFd, devId, ioas, n, g, parent, plain, s1 } = await vtdSetup();
    const data = vtdS1(s1.root);
    const fault = await n.faultQueueAlloc(fd);
    const nested0 = await n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data });
    const nested1 = await n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data });
    const iopf = await n.hwptAlloc(fd, { devId, ptId: parent, flags: FAULT_ID_VALID, dataType: DATA_VTD_S1, data, faultId: fault.id });
    const page = g.alloc();
    await g.fill(page, 0x5a);

    expect(await sys.attach(devFd, nested0)).toBe(nested0);
    await expectErrno(sys.destroy(fd, nested0), 'EBUSY');
    expect(await sys.attach(devFd, nested1)).toBe(nested1);
    await expectErrno(sys.destroy(fd, nested1), 'EBUSY');
    await sys.destroy(fd, nested0);
    expect(await sys.attach(devFd, iopf)).toBe(iopf);
    await expectErrno(sys.destroy(fd, iopf), 'EBUSY');

    // the IOPF round trip: a read of a not-present guest IOVA raises a page request
    const reader = n.readFaults(fault.fd);
    const pending = dma(t, I + 5n * PAGE + 0x10n, 8, { allowPageRequest: true });
    const [grp] = await reader.take(1);
    expect(grp!.cookie).toBe(1); // a fresh queue: XA_FLAGS_ALLOC1, lowest free (§A.6)
    expect(grp!.faults).toHaveLength(1);
    expect(grp!.faults[0]).toMatchObject({ flags: PGFAULT_LAST_PAGE, dev_id: devId, pasid: 0, perm: PERM_READ, addr: (I + 5n * PAGE).toString(), length: 0 });
    // the guest maps the page, then answers SUCCESS; the device retries and reads it
    await s1.map(I + 5n * PAGE, page);
    expect(await n.respondFaults(fault.fd, [{ cookie: grp!.cookie, code: RESP_SUCCESS }])).toBe(1);
    const r = await pending;
    expect(r.result, r.fault?.detail).toBe('data');
    expect([...(r.data as Buffer)]).toEqual(new Array(8).fill(0x5a));
    expect(r.page_requests).toBe(1);
    // the cookie is freed by the response: answering it again → EINVAL (§A.6 write)
    await expectErrno(n.respondFaults(fault.fd, [{ cookie: grp!.cookie, code: RESP_SUCCESS }]), 'EINVAL');
    reader.cancel();

    expect(await sys.attach(devFd, parent)).toBe(parent);
    await sys.destroy(fd, nested1);
    await sys.destroy(fd, iopf);
    expect(await sys.attach(devFd, ioas)).not.toBe(parent);
    await sys.destroy(fd, parent);
    await sys.destroy(fd, plain);
    await expectErrno(sys.destroy(fd, fault.id), 'EBUSY'); // its fd still holds it (§A.6)
    await sys.close(fault.fd);
    await sys.destroy(fd, fault.id);
  });

  it('fault queue (§A.6): a bad code or unknown cookie → EINVAL and stops; INVALID answers the DMA with PAGE_REQUEST_DENIED; detach answers pending groups INVALID', async () => {
    const { sys, fd, devFd, devId, n, parent, s1 } = await vtdSetup();
    const fault = await n.faultQueueAlloc(fd);
    await expectErrno(n.faultQueueAlloc(fd, 1), 'EOPNOTSUPP');
    const iopf = await n.hwptAlloc(fd, { devId, ptId: parent, flags: FAULT_ID_VALID, dataType: DATA_VTD_S1, data: vtdS1(s1.root), faultId: fault.id });
    await sys.attach(devFd, iopf);
    const reader = n.readFaults(fault.fd);
    const p1 = dma(t, I + 7n * PAGE, 4, { allowPageRequest: true });
    const [g1] = await reader.take(1);
    // unknown cookie, bad code: EINVAL; nothing consumed
    await expectErrno(n.respondFaults(fault.fd, [{ cookie: g1!.cookie + 100, code: RESP_SUCCESS }]), 'EINVAL');
    await expectErrno(n.respondFaults(fault.fd, [{ cookie: g1!.cookie, code: 2 }]), 'EINVAL');
    expect(await n.respondFaults(fault.fd, [{ cookie: g1!.cookie, code: RESP_INVALID }])).toBe(1);
    const r1 = await p1;
    expect(r1.fault?.reason).toBe('DMA_FAULT_REASON_PAGE_REQUEST_DENIED');
    // a pending group is answered INVALID when the device is replaced away (iommufd_auto_response_faults)
    const p2 = dma(t, I + 8n * PAGE, 4, { allowPageRequest: true });
    const [, g2] = await reader.take(2);
    // cookies come from an XA_FLAGS_ALLOC1 xarray (lowest free ≥ 1): g1's was freed by its response (§A.6)
    expect([g1!.cookie, g2!.cookie]).toEqual([1, 1]);
    await sys.attach(devFd, parent);
    const r2 = await p2;
    expect(r2.fault?.reason).toBe('DMA_FAULT_REASON_PAGE_REQUEST_DENIED');
    await expectErrno(n.respondFaults(fault.fd, [{ cookie: g2!.cookie, code: RESP_SUCCESS }]), 'EINVAL');
    reader.cancel();
  });

  it('closing the fault fd does not answer pending faults (§A.6 close, §B.10 "close ≠ respond"); the replace away from the IOPF HWPT does', async () => {
    const { sys, fd, devFd, devId, n, parent, s1 } = await vtdSetup();
    const fault = await n.faultQueueAlloc(fd);
    const iopf = await n.hwptAlloc(fd, { devId, ptId: parent, flags: FAULT_ID_VALID, dataType: DATA_VTD_S1, data: vtdS1(s1.root), faultId: fault.id });
    await sys.attach(devFd, iopf);
    const reader = n.readFaults(fault.fd);
    let settled = false;
    const pending = dma(t, I + 12n * PAGE, 4, { allowPageRequest: true }).finally(() => {
      settled = true;
    });
    await reader.take(1);
    reader.cancel();
    await sys.close(fault.fd);
    await new Promise((r) => setTimeout(r, 300));
    await t.hw.describe(); // a round trip after the close
    expect(settled, 'the DMA was answered by the close').toBe(false);
    await expectErrno(sys.destroy(fd, fault.id), 'EBUSY'); // the iopf HWPT still holds the FAULT
    await sys.attach(devFd, parent);
    const r = await pending;
    expect(r.fault?.reason).toBe('DMA_FAULT_REASON_PAGE_REQUEST_DENIED');
    await sys.destroy(fd, iopf);
    await sys.destroy(fd, fault.id);
  });

  it('fault queue write semantics (§A.6): responses apply in order, a bad one stops the batch but what was consumed counts; an unanswered group is re-sent to a new reader with its cookie (host-api ReadFaults)', async () => {
    const { sys, fd, devFd, devId, n, g, parent, s1 } = await vtdSetup();
    const fault = await n.faultQueueAlloc(fd);
    const iopf = await n.hwptAlloc(fd, { devId, ptId: parent, flags: FAULT_ID_VALID, dataType: DATA_VTD_S1, data: vtdS1(s1.root), faultId: fault.id });
    await sys.attach(devFd, iopf);
    const pa = g.alloc();
    const pb = g.alloc();
    await g.fill(pa, 0x61);
    await g.fill(pb, 0x62);
    const r1 = n.readFaults(fault.fd);
    const da = dma(t, I + 10n * PAGE, 4, { allowPageRequest: true });
    const [ga] = await r1.take(1);
    const db = dma(t, I + 11n * PAGE, 4, { allowPageRequest: true });
    const [, gb] = await r1.take(2);
    expect([ga!.cookie, gb!.cookie]).toEqual([1, 2]); // two outstanding groups: lowest free cookies
    expect(ga!.faults[0]!.addr).toBe((I + 10n * PAGE).toString());
    expect(gb!.faults[0]!.addr).toBe((I + 11n * PAGE).toString());
    // [a SUCCESS, unknown cookie, b SUCCESS]: a is answered, the unknown one stops the batch, b is not answered
    await s1.map(I + 10n * PAGE, pa);
    expect(await n.respondFaults(fault.fd, [{ cookie: ga!.cookie, code: RESP_SUCCESS }, { cookie: 99, code: RESP_SUCCESS }, { cookie: gb!.cookie, code: RESP_SUCCESS }])).toBe(1);
    const ra = await da;
    expect([...(ra.data as Buffer)]).toEqual([0x61, 0x61, 0x61, 0x61]);
    // b is still pending: a new reader gets it again with the same cookie
    r1.cancel();
    const r2 = n.readFaults(fault.fd);
    const [again] = await r2.take(1);
    expect(again!.cookie).toBe(gb!.cookie);
    expect(again!.faults[0]!.addr).toBe((I + 11n * PAGE).toString());
    await s1.map(I + 11n * PAGE, pb);
    expect(await n.respondFaults(fault.fd, [{ cookie: gb!.cookie, code: RESP_SUCCESS }])).toBe(1);
    const rb = await db;
    expect([...(rb.data as Buffer)]).toEqual([0x62, 0x62, 0x62, 0x62]);
    // a batch whose first response is bad consumes nothing: the error itself
    await expectErrno(n.respondFaults(fault.fd, [{ cookie: 1, code: RESP_SUCCESS }]), 'EINVAL');
    r2.cancel();
    await sys.attach(devFd, parent);
  });

  it('ATS through a VT-d nested HWPT: DeviceAtsTranslate fills the ATC; a nested HWPT_INVALIDATE also drops the device TLB entries (§A.2: "device TLB invalidated automatically if ATS is enabled")', async () => {
    const { sys, fd, devFd, devId, n, g, parent, s1 } = await vtdSetup();
    const nested = await n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data: vtdS1(s1.root) });
    for (let k = 0; k < 2; k++) await s1.map(I + BigInt(k) * PAGE, g.alloc());
    await sys.attach(devFd, nested);
    for (let k = 0; k < 2; k++) {
      const r = await atsTranslate(t, I + BigInt(k) * PAGE, { write: true });
      expect(r.fault ?? null, r.fault?.detail).toBeNull();
      expect(BigInt(r.size as string)).toBe(PAGE);
      expect(r.perm & 3).toBe(3); // a writable page asked for write: R and W granted
    }
    expect(await atc(t, I, I + 2n * PAGE)).toEqual([I, I + PAGE]);
    expect(await n.invalidate(fd, nested, INV_VTD_S1, 24, vtdInv({ addr: I + PAGE, npages: 1n }))).toBe(1);
    expect(await atc(t, I, I + 2n * PAGE)).toEqual([I]);
    // a not-present stage-1 page: the translation completes with a fault and fills nothing
    const miss = await atsTranslate(t, I + 9n * PAGE);
    expect(miss.fault?.reason).toBe('DMA_FAULT_REASON_TRANSLATION');
    expect(await atc(t, I, I + 10n * PAGE)).toEqual([I]);
    await sys.attach(devFd, parent);
    expect(await atc(t, I, I + 2n * PAGE)).toEqual([]); // a domain change flushes the device TLB
  });

  it('dmar1 (no ECAP.NEST): NEST_PARENT → EOPNOTSUPP, a nested HWPT for its device → EOPNOTSUPP, attach to a dmar0 nested HWPT → EINVAL (§A.3 driver 1, 6)', async () => {
    const { sys, fd, devId, n, parent, s1 } = await vtdSetup();
    const f6 = await sys.open('/dev/vfio/devices/vfio6');
    const id6 = await sys.bind(f6, fd);
    const ioas6 = await sys.ioasAlloc(fd);
    await sys.attach(f6, ioas6);
    await expectErrno(sys.hwptAlloc(fd, id6, ioas6, NEST_PARENT), 'EOPNOTSUPP');
    await expectErrno(n.hwptAlloc(fd, { devId: id6, ptId: parent, dataType: DATA_VTD_S1, data: vtdS1(s1.root) }), 'EOPNOTSUPP');
    const nested = await n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data: vtdS1(s1.root) });
    const before = await attachedHwpts(t, '0000:80:00.0');
    await expectErrno(sys.attach(f6, nested), 'EINVAL'); // paging_domain_compatible: the parent needs ECAP.NEST
    expect(await attachedHwpts(t, '0000:80:00.0')).toEqual(before);
    // VT-d has no vIOMMU type (§A.2): DEFAULT (core 1) and ARM_SMMUV3 (no get_viommu_size, core 3) are refused
    await expectErrno(n.viommuAlloc(fd, { type: 0, devId, hwptId: parent }), 'EOPNOTSUPP');
    await expectErrno(n.viommuAlloc(fd, { type: VIOMMU_ARM_SMMUV3, devId, hwptId: parent }), 'EOPNOTSUPP');
    await expectErrno(n.viommuAlloc(fd, { type: VIOMMU_ARM_SMMUV3, devId: id6, hwptId: parent }), 'EOPNOTSUPP');
    await sys.destroy(fd, nested);
  });

  it('attach-time checks of the stored s1 config (§A.3 driver step 5): addr_width 48 ok, 39 → EINVAL, 57 needs CAP.FL5LP; SRE needs ECAP.SRS; EAFE needs ECAP.EAFS', async () => {
    const { sys, fd, devFd, devId, n, parent, s1 } = await vtdSetup();
    const info = await sys.hwInfo(fd, devId, 24);
    expect(info.out_data_type).toBe(1); // IOMMU_HW_INFO_TYPE_INTEL_VTD
    const cap = BigInt(info.vtd!.cap_reg as string);
    const ecap = BigInt(info.vtd!.ecap_reg as string);
    expect((ecap >> 26n) & 1n).toBe(1n); // ECAP.NEST on the nesting unit
    const fl5lp = ((cap >> 60n) & 1n) === 1n;
    const srs = ((ecap >> 31n) & 1n) === 1n;
    const eafs = ((ecap >> 34n) & 1n) === 1n;
    const tryAttach = async (data: Uint8Array, ok: boolean) => {
      const h = await n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data }); // alloc never validates (step 4)
      if (ok) {
        expect(await sys.attach(devFd, h)).toBe(h);
        await expectErrno(sys.destroy(fd, h), 'EBUSY');
        await sys.attach(devFd, parent);
        await sys.destroy(fd, h);
      } else {
        await expectErrno(sys.attach(devFd, h), 'EINVAL');
        await sys.destroy(fd, h); // not attached
        await expectErrno(sys.destroy(fd, parent), 'EBUSY'); // the old attachment is kept (only vfio0 holds it now)
      }
    };
    await sys.attach(devFd, parent);
    await tryAttach(vtdS1(s1.root, 48), true);
    await tryAttach(vtdS1(s1.root, 39), false);
    await tryAttach(vtdS1(s1.root, 0), false);
    await tryAttach(vtdS1(s1.root, 57), fl5lp);
    await tryAttach(vtdS1(s1.root, 48, VTD_S1_SRE), srs);
    await tryAttach(vtdS1(s1.root, 48, VTD_S1_EAFE), eafs);
  });

  it('dirty tracking on a nest parent (§A.3 step 6 [II]): NEST_PARENT|DIRTY_TRACKING|ALLOC_PASID is accepted on dmar0; other flags → EOPNOTSUPP', async () => {
    const { sys, fd, devId, ioas } = await t.deviceSetup('vfio0');
    const h = await sys.hwptAlloc(fd, devId, ioas, NEST_PARENT | DIRTY_TRACKING | ALLOC_PASID);
    await sys.setDirty(fd, h, true);
    await expectErrno(sys.hwptAlloc(fd, devId, ioas, NEST_PARENT | (1 << 4)), 'EOPNOTSUPP');
    await sys.destroy(fd, h);
  });

  it('iommufd_device_pasid.pasid_attach, nested parts (§A.7 T9, §3.6)', async () => {
    const { sys, fd, devFd, devId, ioas, n, g, parent, s1 } = await vtdSetup();
    const data = vtdS1(s1.root);
    const fault = await n.faultQueueAlloc(fd);
    const s2 = await sys.hwptAlloc(fd, devId, ioas, ALLOC_PASID);
    const nested0 = await n.hwptAlloc(fd, { devId, ptId: parent, flags: ALLOC_PASID, dataType: DATA_VTD_S1, data });
    const nested1 = await n.hwptAlloc(fd, { devId, ptId: parent, flags: ALLOC_PASID, dataType: DATA_VTD_S1, data });
    const nestedNoPasid = await n.hwptAlloc(fd, { devId, ptId: parent, dataType: DATA_VTD_S1, data });
    const iopf = await n.hwptAlloc(fd, { devId, ptId: parent, flags: FAULT_ID_VALID | ALLOC_PASID, dataType: DATA_VTD_S1, data, faultId: fault.id });
    // RID on the non-pasid-compat parent: a pasid attach is refused
    await sys.attach(devFd, parent);
    await expectErrno(sys.attach(devFd, nested0, 100), 'EINVAL');
    await sys.attach(devFd, s2);
    await expectErrno(sys.attach(devFd, nestedNoPasid, 100), 'EINVAL'); // not pasid_compat
    expect(await sys.attach(devFd, nested0, 100)).toBe(nested0);
    // RID replace to a non-pasid-compat HWPT while a pasid is attached → EINVAL
    await expectErrno(sys.attach(devFd, parent), 'EINVAL');
    // cdev re-attach of an attached pasid = replace
    expect(await sys.attach(devFd, nested1, 100)).toBe(nested1);
    await sys.detach(devFd, 100);
    expect((await dma(t, I, 8, { pasid: 100 })).fault?.reason).toBe('DMA_FAULT_REASON_PASID'); // detached: no PASID entry
    await sys.detach(devFd, 100); // detaching an unattached pasid is a no-op
    // a pasid-compat nested HWPT on the RID of a device without PASID; its pasid attach → EINVAL
    const f3 = await sys.open('/dev/vfio/devices/vfio3');
    const id3 = await sys.bind(f3, fd);
    void id3;
    expect(await sys.attach(f3, nested0)).toBe(nested0);
    await expectErrno(sys.attach(f3, nested1, 100), 'EINVAL');
    // pasid 2048 on the iopf HWPT: an IOPF carrying PASID_VALID and the pasid
    expect(await sys.attach(devFd, iopf, 2048)).toBe(iopf);
    const page = g.alloc();
    await g.fill(page, 0x33);
    const reader = n.readFaults(fault.fd);
    const pending = dma(t, I + 9n * PAGE, 8, { pasid: 2048, allowPageRequest: true });
    const [grp] = await reader.take(1);
    expect(grp!.faults[0]).toMatchObject({ flags: PGFAULT_PASID_VALID | PGFAULT_LAST_PAGE, dev_id: devId, pasid: 2048, addr: (I + 9n * PAGE).toString() });
    await s1.map(I + 9n * PAGE, page);
    expect(await n.respondFaults(fault.fd, [{ cookie: grp!.cookie, code: RESP_SUCCESS }])).toBe(1);
    const r = await pending;
    expect(r.result, r.fault?.detail).toBe('data');
    expect([...(r.data as Buffer)]).toEqual(new Array(8).fill(0x33));
    reader.cancel();
    expect(await sys.attach(devFd, s2, 2048)).toBe(s2);
    await sys.detach(devFd, 2048);
  });
});

// ======================================================================================
describe('iommufd_viommu selftests on arm-smmuv3 (smmu0, vIOMMU type ARM_SMMUV3)', () => {
  const t = useTestHost('arm-smmuv3');
  const VSID = 0x99n;
  const ASID = 5n;

  /** The iommufd_viommu fixture (T2): vfio0 on an IOAS, NEST_PARENT HWPT, vIOMMU; guest RAM with a CD and an LPAE stage 1. */
  async function viommuSetup(opts: { record?: boolean } = {}) {
    const d = await t.deviceSetup('vfio0');
    const n = new Nest(d.sys);
    const g = await GuestRam.create(d.sys, d.fd, d.ioas, 'va');
    const parent = await d.sys.hwptAlloc(d.fd, d.devId, d.ioas, NEST_PARENT);
    const viommu = await n.viommuAlloc(d.fd, { type: VIOMMU_ARM_SMMUV3, devId: d.devId, hwptId: parent });
    const s1 = new S1Table(g, 'lpae', true);
    const cd = await writeCd(g, s1.root, ASID, opts);
    return { ...d, n, g, parent, viommu, s1, cd };
  }

  it('Describe: smmu0 nests with data type ARM_SMMUV3 and vIOMMU type ARM_SMMUV3', async () => {
    const d = await t.hw.describe();
    expect(d.units.find((u) => u.name === 'smmu0')).toMatchObject({ nesting: true, hwpt_data_types: [DATA_ARM_SMMUV3], viommu_types: [VIOMMU_ARM_SMMUV3] });
  });

  it('iommufd_viommu.viommu_negative_tests (§A.7 T3, §A.4 VIOMMU_ALLOC order)', async () => {
    const { sys, fd, devId, ioas, n, parent, viommu, cd } = await viommuSetup();
    const plain = await sys.hwptAlloc(fd, devId, ioas);
    const nested = await n.hwptAlloc(fd, { devId, ptId: viommu, dataType: DATA_ARM_SMMUV3, data: vste(steS1(cd)) });
    await expectErrno(n.viommuAlloc(fd, { type: VIOMMU_ARM_SMMUV3, devId, hwptId: 0 }), 'ENOENT');
    await expectErrno(n.viommuAlloc(fd, { type: VIOMMU_ARM_SMMUV3, devId, hwptId: ioas }), 'ENOENT');
    await expectErrno(n.viommuAlloc(fd, { type: VIOMMU_ARM_SMMUV3, devId, hwptId: nested }), 'ENOENT');
    await expectErrno(n.viommuAlloc(fd, { type: VIOMMU_ARM_SMMUV3, devId, hwptId: plain }), 'EINVAL');
    await expectErrno(n.viommuAlloc(fd, { type: 0xdead, devId, hwptId: parent }), 'EOPNOTSUPP');
    await expectErrno(n.viommuAlloc(fd, { type: 2, devId, hwptId: parent }), 'EOPNOTSUPP'); // TEGRA241_CMDQV: no CMDQV here
    await expectErrno(n.viommuAlloc(fd, { type: 0, devId, hwptId: parent }), 'EOPNOTSUPP');
    await expectErrno(n.viommuAlloc(fd, { flags: 1, type: VIOMMU_ARM_SMMUV3, devId, hwptId: parent }), 'EOPNOTSUPP');
    // order: flags/type (1) before dev (2) before type support (4) before hwpt (5)
    await expectErrno(n.viommuAlloc(fd, { flags: 1, type: VIOMMU_ARM_SMMUV3, devId: 0, hwptId: 0 }), 'EOPNOTSUPP');
    await expectErrno(n.viommuAlloc(fd, { type: VIOMMU_ARM_SMMUV3, devId: 0, hwptId: parent }), 'ENOENT');
    await expectErrno(n.viommuAlloc(fd, { type: 0xdead, devId, hwptId: 0 }), 'EOPNOTSUPP');
    await expectErrno(sys.destroy(fd, parent), 'EBUSY');
    await expectErrno(sys.destroy(fd, viommu), 'EBUSY'); // the nested HWPT holds it
    await sys.destroy(fd, nested);
    await expectErrno(sys.destroy(fd, parent), 'EBUSY'); // the vIOMMU holds it
    await sys.destroy(fd, viommu);
    await sys.destroy(fd, parent);
    await sys.destroy(fd, plain);
  });

  it('vSTE validation (§A.5, §A.3 core 6–7): types, lengths and flags, EIO for disallowed bits, V=0 accepted', async () => {
    const { sys, fd, devId, n, parent, viommu, cd } = await viommuSetup();
    const ok = vste(steS1(cd));
    const alloc = (data: Uint8Array, more: { flags?: number; dataType?: number; ptId?: number } = {}) =>
      n.hwptAlloc(fd, { devId, ptId: more.ptId ?? viommu, flags: more.flags ?? 0, dataType: more.dataType ?? DATA_ARM_SMMUV3, data });
    await expectErrno(alloc(new Uint8Array(0), { dataType: DATA_NONE }), 'EOPNOTSUPP'); // !data_len on a vIOMMU (core 7)
    await expectErrno(alloc(ok, { dataType: DATA_NONE }), 'EINVAL'); // NONE with data (core 2)
    await expectErrno(alloc(ok, { dataType: DATA_VTD_S1 }), 'EINVAL'); // [IH] type != expected
    await expectErrno(alloc(vste(steS1(cd), 0n, 15)), 'EINVAL');
    await expectErrno(alloc(vste(steS1(cd), 0n, 17)), 'EINVAL');
    await expectErrno(alloc(ok, { flags: NEST_PARENT }), 'EOPNOTSUPP');
    await expectErrno(alloc(ok, { flags: FAULT_ID_VALID | (1 << 31) }), 'EOPNOTSUPP');
    // SMMUv3 has no domain_alloc_nested: a nested HWPT straight on the paging parent → EOPNOTSUPP (core 6)
    await expectErrno(alloc(ok, { ptId: parent }), 'EOPNOTSUPP');
    // EIO: bits outside the allowed masks, Cfg ∉ {abort, bypass, S1}, EATS ∉ {0, 1}
    await expectErrno(alloc(vste(steS1(cd) | (1n << 52n))), 'EIO'); // a RES0 bit above S1ContextPtr
    await expectErrno(alloc(vste(STE_V | steCfg(6))), 'EIO');
    await expectErrno(alloc(vste(STE_V | steCfg(7))), 'EIO');
    await expectErrno(alloc(vste(STE_V | steCfg(1))), 'EIO');
    await expectErrno(alloc(vste(steS1(cd), 2n << 28n)), 'EIO'); // EATS = S1CHK
    await expectErrno(alloc(vste(steS1(cd), 1n << 30n)), 'EIO'); // STRW is not allowed
    // V=0: zeroed and accepted even with garbage; abort, bypass and S1 with EATS=TRANS accepted
    const ids = [
      await alloc(vste(0xffff_ffff_ffff_fffen, 0xffff_ffff_ffff_ffffn)),
      await alloc(vste(STE_V | steCfg(0))),
      await alloc(vste(STE_V | steCfg(4))),
      await alloc(vste(steS1(cd), 1n << 28n)),
    ];
    expect(new Set(ids).size).toBe(4);
    // nested on nested → EINVAL (core 5)
    await expectErrno(alloc(ok, { ptId: ids[0]! }), 'EINVAL');
    for (const id of ids) await sys.destroy(fd, id);
    await sys.destroy(fd, viommu);
    await sys.destroy(fd, parent);
  });

  it('iommufd_viommu.viommu_alloc_nested_iopf (§A.7 T4): fault_id/flags checks, attach needs a vDEVICE, IOPF round trip', async () => {
    const { sys, fd, devFd, devId, ioas, n, g, viommu, s1, cd } = await viommuSetup();
    const fault = await n.faultQueueAlloc(fd);
    const data = vste(steS1(cd));
    await expectErrno(n.hwptAlloc(fd, { devId, ptId: viommu, flags: FAULT_ID_VALID, dataType: DATA_ARM_SMMUV3, data, faultId: 0xffffffff }), 'ENOENT');
    await expectErrno(n.hwptAlloc(fd, { devId, ptId: viommu, flags: FAULT_ID_VALID | (1 << 31), dataType: DATA_ARM_SMMUV3, data, faultId: fault.id }), 'EOPNOTSUPP');
    const iopf = await n.hwptAlloc(fd, { devId, ptId: viommu, flags: FAULT_ID_VALID, dataType: DATA_ARM_SMMUV3, data, faultId: fault.id });
    const before = await attachedHwpts(t);
    await expectErrno(sys.attach(devFd, iopf), 'ENOENT'); // Cfg=S1 needs a vDEVICE (iommufd_viommu_get_vdev_id)
    expect(await attachedHwpts(t)).toEqual(before);
    const vdev = await n.vdeviceAlloc(fd, viommu, devId, VSID);
    expect(await sys.attach(devFd, iopf)).toBe(iopf);
    await expectErrno(sys.destroy(fd, iopf), 'EBUSY');
    // IOPF round trip through the fault queue
    const page = g.alloc();
    await g.fill(page, 0x77);
    const reader = n.readFaults(fault.fd);
    const pending = dma(t, I + 3n * PAGE, 8, { allowPageRequest: true });
    const [grp] = await reader.take(1);
    expect(grp!.faults[0]).toMatchObject({ dev_id: devId, addr: (I + 3n * PAGE).toString(), length: 0 });
    expect(grp!.faults[0]!.flags & PGFAULT_LAST_PAGE).toBe(PGFAULT_LAST_PAGE);
    await s1.map(I + 3n * PAGE, page);
    expect(await n.respondFaults(fault.fd, [{ cookie: grp!.cookie, code: RESP_SUCCESS }])).toBe(1);
    const r = await pending;
    expect(r.result, r.fault?.detail).toBe('data');
    expect([...(r.data as Buffer)]).toEqual(new Array(8).fill(0x77));
    reader.cancel();
    await sys.attach(devFd, ioas);
    await sys.destroy(fd, iopf);
    await sys.destroy(fd, vdev);
    await sys.close(fault.fd);
    await sys.destroy(fd, fault.id);
  });

  it('attach of abort / bypass / invalid vSTEs works without a vDEVICE (GBPA case, §A.5); abort blocks DMA, bypass translates like the parent', async () => {
    const { sys, fd, devFd, devId, ioas, n, g, viommu } = await viommuSetup();
    const page = g.alloc();
    await g.fill(page, 0x42);
    const abort = await n.hwptAlloc(fd, { devId, ptId: viommu, dataType: DATA_ARM_SMMUV3, data: vste(STE_V | steCfg(0)) });
    const bypass = await n.hwptAlloc(fd, { devId, ptId: viommu, dataType: DATA_ARM_SMMUV3, data: vste(STE_V | steCfg(4)) });
    const invalid = await n.hwptAlloc(fd, { devId, ptId: viommu, dataType: DATA_ARM_SMMUV3, data: vste(0n) });
    expect(await sys.attach(devFd, bypass)).toBe(bypass);
    const r = await dma(t, page, 8);
    expect(r.result, r.fault?.detail).toBe('data');
    expect([...(r.data as Buffer)]).toEqual(new Array(8).fill(0x42));
    expect(await sys.attach(devFd, abort)).toBe(abort);
    expect((await dma(t, page, 8)).fault?.reason).toBe('DMA_FAULT_REASON_BLOCKED');
    expect(await sys.attach(devFd, invalid)).toBe(invalid);
    expect((await dma(t, page, 8)).fault?.reason).toBe('DMA_FAULT_REASON_BLOCKED');
    await sys.attach(devFd, ioas);
    for (const id of [abort, bypass, invalid]) await sys.destroy(fd, id);
  });

  it('a V=0 vSTE is installed as an abort STE (§A.5 2, arm_smmu_make_nested_domain_ste): DMA is blocked and no C_BAD_STE vEVENT is produced (an abort STE records nothing, §A.4)', async () => {
    const { sys, fd, devFd, devId, ioas, n, viommu, cd } = await viommuSetup({ record: true });
    const vdev = await n.vdeviceAlloc(fd, viommu, devId, VSID);
    const q = await n.veventqAlloc(fd, { viommuId: viommu, type: VEVENTQ_ARM_SMMUV3, depth: 8 });
    const invalid = await n.hwptAlloc(fd, { devId, ptId: viommu, dataType: DATA_ARM_SMMUV3, data: vste(0n) });
    const s1 = await n.hwptAlloc(fd, { devId, ptId: viommu, dataType: DATA_ARM_SMMUV3, data: vste(steS1(cd)) });
    await sys.attach(devFd, invalid);
    const r = await dma(t, I, 8);
    expect(r.result).toBe('fault');
    await sys.attach(devFd, s1);
    expect((await dma(t, I + 50n * PAGE, 8)).fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION', stage: 1 });
    const rd = n.readVevents(q.fd);
    const [first] = await rd.take(1);
    expect(Number(first!.data.readBigUInt64LE(0) & 0xffn), 'event id of the first vEVENT (0x04 = C_BAD_STE from the V=0 vSTE)').toBe(0x10);
    rd.cancel();
    expect(r.fault?.reason).toBe('DMA_FAULT_REASON_BLOCKED');
    await sys.attach(devFd, ioas);
    for (const id of [invalid, s1, vdev]) await sys.destroy(fd, id);
    await sys.close(q.fd);
    await sys.destroy(fd, q.id);
  });

  it('ATS under a vSTE (§A.5 5, §A.8): EATS=0 disables ATS for the device; EATS=TRANS fills the ATC and ATC_INV with the vSID (converted to the pSID) drops it', async () => {
    const { sys, fd, devFd, devId, ioas, n, g, viommu, s1, cd } = await viommuSetup();
    await s1.map(I, g.alloc());
    const vdev = await n.vdeviceAlloc(fd, viommu, devId, VSID);
    const noAts = await n.hwptAlloc(fd, { devId, ptId: viommu, dataType: DATA_ARM_SMMUV3, data: vste(steS1(cd)) });
    const ats = await n.hwptAlloc(fd, { devId, ptId: viommu, dataType: DATA_ARM_SMMUV3, data: vste(steS1(cd), 1n << 28n) });
    await sys.attach(devFd, noAts);
    // state.disable_ats = !enable_ats: the device's ATS is off, so no translation completes (the contract leaves
    // open whether the platform refuses the request or answers it with a fault)
    const refused = await atsTranslate(t, I).then(
      (r) => r.fault?.reason ?? 'translated',
      (e: Error) => `rejected: ${e.message}`,
    );
    expect(refused).not.toBe('translated');
    expect(await atc(t, I, I + PAGE)).toEqual([]);
    await sys.attach(devFd, ats);
    const r = await atsTranslate(t, I);
    expect(r.fault ?? null, r.fault?.detail).toBeNull();
    expect(await atc(t, I, I + PAGE)).toEqual([I]);
    // a TLBI does not touch the device's ATC; ATC_INV of the vSID does
    expect(await n.invalidate(fd, viommu, INV_SMMUV3, 16, cmds(CMD.TLBI_NH_ASID(ASID)))).toBe(1);
    expect(await atc(t, I, I + PAGE)).toEqual([I]);
    expect(await n.invalidate(fd, viommu, INV_SMMUV3, 16, cmds(CMD.ATC_INV(VSID)))).toBe(1);
    expect(await atc(t, I, I + PAGE)).toEqual([]);
    await sys.attach(devFd, ioas);
    for (const id of [noAts, ats, vdev]) await sys.destroy(fd, id);
  });

  it('VEVENTQ_ALLOC (§A.4): flags/type → EOPNOTSUPP, depth 0 → EINVAL, unknown vIOMMU → ENOENT, one queue per type → EEXIST; the fd holds the queue', async () => {
    const { sys, fd, n, parent, viommu } = await viommuSetup();
    await expectErrno(n.veventqAlloc(fd, { flags: 1, viommuId: viommu, type: VEVENTQ_ARM_SMMUV3, depth: 2 }), 'EOPNOTSUPP');
    await expectErrno(n.veventqAlloc(fd, { viommuId: viommu, type: 0, depth: 2 }), 'EOPNOTSUPP');
    await expectErrno(n.veventqAlloc(fd, { viommuId: viommu, type: 0, depth: 0 }), 'EOPNOTSUPP'); // type before depth
    await expectErrno(n.veventqAlloc(fd, { viommuId: viommu, type: VEVENTQ_ARM_SMMUV3, depth: 0 }), 'EINVAL');
    await expectErrno(n.veventqAlloc(fd, { viommuId: 0xffff, type: VEVENTQ_ARM_SMMUV3, depth: 0 }), 'EINVAL'); // depth before the lookup
    await expectErrno(n.veventqAlloc(fd, { viommuId: 0xffff, type: VEVENTQ_ARM_SMMUV3, depth: 2 }), 'ENOENT');
    await expectErrno(n.veventqAlloc(fd, { viommuId: parent, type: VEVENTQ_ARM_SMMUV3, depth: 2 }), 'ENOENT');
    const fdsBefore = (await sys.status()).fds.length;
    const q = await n.veventqAlloc(fd, { viommuId: viommu, type: VEVENTQ_ARM_SMMUV3, depth: 2 });
    expect((await sys.status()).fds.length).toBe(fdsBefore + 1);
    await expectErrno(n.veventqAlloc(fd, { viommuId: viommu, type: VEVENTQ_ARM_SMMUV3, depth: 8 }), 'EEXIST');
    expect((await sys.status()).fds.length).toBe(fdsBefore + 1);
    // fds as read(2)/write(2) see them: a closed fd → EBADF (fdget); the vEVENTQ file has no write op and the
    // iommufd file no read op → EINVAL (vfs_write / vfs_read without FMODE_CAN_WRITE / FMODE_CAN_READ, §A.4 "no write op")
    const f = await n.faultQueueAlloc(fd);
    await sys.close(f.fd);
    expect(errorInfo(await n.readVevents(f.fd).error())?.reason).toBe('EBADF');
    expect(errorInfo(await n.readFaults(f.fd).error())?.reason).toBe('EBADF');
    await expectErrno(n.respondFaults(f.fd, [{ cookie: 1, code: 0 }]), 'EBADF');
    await sys.destroy(fd, f.id);
    await expectErrno(n.respondFaults(q.fd, [{ cookie: 1, code: 0 }]), 'EINVAL');
    expect(errorInfo(await n.readVevents(fd).error())?.reason).toBe('EINVAL');
    // the core does not check the type against the driver, and has no depth bound: another type coexists
    const q2 = await n.veventqAlloc(fd, { viommuId: viommu, type: VEVENTQ_TEGRA241, depth: 0xffffffff });
    await expectErrno(sys.destroy(fd, viommu), 'EBUSY'); // the queues hold it
    await expectErrno(sys.destroy(fd, q.id), 'EBUSY'); // its fd holds it
    await sys.close(q.fd);
    await sys.destroy(fd, q.id);
    await sys.close(q2.fd);
    await sys.destroy(fd, q2.id);
    await sys.destroy(fd, viommu);
    await sys.destroy(fd, parent);
  });

  it('VDEVICE_ALLOC (§A.4): unknown vIOMMU / device → ENOENT; one vDEVICE per device and one virt_id per vIOMMU → EEXIST', async () => {
    const { sys, fd, devId, ioas, n, viommu } = await viommuSetup();
    const f1 = await sys.open('/dev/vfio/devices/vfio1');
    const id1 = await sys.bind(f1, fd);
    await expectErrno(n.vdeviceAlloc(fd, 0xffff, devId, VSID), 'ENOENT');
    await expectErrno(n.vdeviceAlloc(fd, ioas, devId, VSID), 'ENOENT');
    await expectErrno(n.vdeviceAlloc(fd, viommu, 0xffff, VSID), 'ENOENT');
    await expectErrno(n.vdeviceAlloc(fd, viommu, ioas, VSID), 'ENOENT');
    await expectErrno(n.vdeviceAlloc(fd, 0xffff, 0xfffe, VSID), 'ENOENT');
    const v0 = await n.vdeviceAlloc(fd, viommu, devId, VSID);
    await expectErrno(n.vdeviceAlloc(fd, viommu, devId, 0x88n), 'EEXIST'); // idev->vdev
    await expectErrno(n.vdeviceAlloc(fd, viommu, id1, VSID), 'EEXIST'); // virt_id taken
    const v1 = await n.vdeviceAlloc(fd, viommu, id1, 0x200n);
    await expectErrno(sys.destroy(fd, viommu), 'EBUSY');
    await sys.destroy(fd, v1);
    await sys.destroy(fd, v0);
    // after destroy both the device and the virt_id are free again
    const v2 = await n.vdeviceAlloc(fd, viommu, id1, VSID);
    await sys.destroy(fd, v2);
  });

  it('iommufd_viommu.vdevice_alloc (§A.7 T6, §A.4): vEVENTs from stage-1 faults carry the vSID; overflow gives one LOST_EVENTS header with the newest sequence', async () => {
    const { sys, fd, devFd, devId, ioas, n, viommu, cd } = await viommuSetup({ record: true });
    const nested = await n.hwptAlloc(fd, { devId, ptId: viommu, dataType: DATA_ARM_SMMUV3, data: vste(steS1(cd)) });
    await expectErrno(sys.attach(devFd, nested), 'ENOENT');
    const q = await n.veventqAlloc(fd, { viommuId: viommu, type: VEVENTQ_ARM_SMMUV3, depth: 2 });
    await expectErrno(n.veventqAlloc(fd, { viommuId: viommu, type: VEVENTQ_ARM_SMMUV3, depth: 2 }), 'EEXIST');
    const vdev = await n.vdeviceAlloc(fd, viommu, devId, VSID);
    expect(await sys.attach(devFd, nested)).toBe(nested);

    const fault = async (k: bigint) => {
      const r = await dma(t, I + k * PAGE, 8);
      expect(r.fault?.reason).toBe('DMA_FAULT_REASON_TRANSLATION');
      expect(r.fault?.stage).toBe(1);
    };
    const decode = (data: Buffer) => ({ len: data.length, id: Number(data.readBigUInt64LE(0) & 0xffn), sid: data.readBigUInt64LE(0) >> 32n, rnw: Number((data.readBigUInt64LE(8) >> 35n) & 1n), addr: data.readBigUInt64LE(16) });

    await fault(20n);
    const a = n.readVevents(q.fd);
    const [e0] = await a.take(1);
    expect(e0!.flags).toBe(0);
    expect(decode(e0!.data)).toEqual({ len: 32, id: 0x10, sid: VSID, rnw: 1, addr: I + 20n * PAGE });
    a.cancel();
    await new Promise((r) => setTimeout(r, 100)); // let the server see the cancel before more events
    const s0 = BigInt(e0!.sequence);

    await expectErrno(n.vdeviceAlloc(fd, viommu, devId, 0x77n), 'EEXIST');
    await sys.attach(devFd, ioas);
    await sys.destroy(fd, vdev);
    const vdev2 = await n.vdeviceAlloc(fd, viommu, devId, 0x88n);
    expect(await sys.attach(devFd, nested)).toBe(nested);
    // three events into a depth-2 queue: the third is dropped and consumes a sequence number
    await fault(21n);
    await fault(22n);
    await fault(23n);
    const b = n.readVevents(q.fd, s0);
    const got = await b.take(3);
    expect(got.map((e) => [e.flags, BigInt(e.sequence) - s0, e.data.length])).toEqual([
      [0, 1n, 32],
      [0, 2n, 32],
      [LOST_EVENTS, 3n, 0],
    ]);
    expect(decode(got[0]!.data)).toMatchObject({ sid: 0x88n, addr: I + 21n * PAGE });
    expect(decode(got[1]!.data)).toMatchObject({ sid: 0x88n, addr: I + 22n * PAGE });
    // one more event reads cleanly, after the LOST header's sequence
    await fault(24n);
    const [, , , e4] = await b.take(4);
    expect([e4!.flags, BigInt(e4!.sequence) - s0]).toEqual([0, 4n]);
    expect(decode(e4!.data)).toMatchObject({ sid: 0x88n, addr: I + 24n * PAGE });
    b.cancel();
    await sys.attach(devFd, ioas);
    await sys.destroy(fd, nested);
    await sys.destroy(fd, vdev2);
  });

  it('no vEVENT without a vEVENTQ (dropped, §A.4 report_event) nor for a CD with R=0 (not recorded, §A.10)', async () => {
    const { sys, fd, devFd, devId, ioas, n, viommu, cd, g, s1 } = await viommuSetup({ record: false });
    const quiet = await n.hwptAlloc(fd, { devId, ptId: viommu, dataType: DATA_ARM_SMMUV3, data: vste(steS1(cd)) });
    const cdR = await writeCd(g, s1.root, ASID, { record: true });
    const loud = await n.hwptAlloc(fd, { devId, ptId: viommu, dataType: DATA_ARM_SMMUV3, data: vste(steS1(cdR)) });
    const vdev = await n.vdeviceAlloc(fd, viommu, devId, VSID);
    await sys.attach(devFd, loud);
    // recorded, but no vEVENTQ yet: dropped
    expect((await dma(t, I + 29n * PAGE, 8)).fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION', stage: 1 });
    const q = await n.veventqAlloc(fd, { viommuId: viommu, type: VEVENTQ_ARM_SMMUV3, depth: 4 });
    // CD.R = 0: the fault is not recorded
    await sys.attach(devFd, quiet);
    expect((await dma(t, I + 30n * PAGE, 8)).fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION', stage: 1 });
    // CD.R = 1 with the queue: recorded and forwarded
    await sys.attach(devFd, loud);
    expect((await dma(t, I + 31n * PAGE, 8)).fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION', stage: 1 });
    const rd = n.readVevents(q.fd);
    const [e] = await rd.take(1);
    expect(e!.data.readBigUInt64LE(16)).toBe(I + 31n * PAGE); // nothing before it
    rd.cancel();
    await sys.attach(devFd, ioas);
    for (const id of [quiet, loud, vdev]) await sys.destroy(fd, id);
    await sys.close(q.fd);
    await sys.destroy(fd, q.id);
  });

  it('iommufd_viommu.vdevice_cache (§A.7 T7, §A.8): vIOMMU invalidation checks, VMID rewrite, vSID translation, entry_num and the real IOTLB', async () => {
    const { sys, fd, devFd, devId, ioas, n, g, viommu, s1, cd } = await viommuSetup();
    const nested = await n.hwptAlloc(fd, { devId, ptId: viommu, dataType: DATA_ARM_SMMUV3, data: vste(steS1(cd)) });
    const vdev = await n.vdeviceAlloc(fd, viommu, devId, VSID);
    await sys.attach(devFd, nested);
    for (let k = 0; k < 4; k++) {
      const p = g.alloc();
      await g.fill(p, 0xb0 + k);
      await s1.map(I + BigInt(k) * PAGE, p);
    }
    const readAll = async () => {
      const out: number[] = [];
      for (let k = 0; k < 4; k++) {
        const r = await dma(t, I + BigInt(k) * PAGE, 4);
        expect(r.result, r.fault?.detail).toBe('data');
        out.push((r.data as Buffer)[0]!);
      }
      return out;
    };
    const cached = async () => pagesOf(await tlb(t, 'smmu0', I, I + 4n * PAGE));
    expect(await readAll()).toEqual([0xb0, 0xb1, 0xb2, 0xb3]);
    expect(await cached()).toEqual([0, 1, 2, 3]);
    const inv = (data: Uint8Array, len = 16, type = INV_SMMUV3) => n.invalidate(fd, viommu, type, len, data);

    await expectInval(inv(new Uint8Array(0), 16, INV_VTD_S1), 'EINVAL', 0); // array type check first, even with no entries
    await expectInval(inv(cmds(CMD.TLBI_NH_ASID(ASID)), 0), 'EINVAL', 0); // core: entries without entry_len
    // longer entries: copy_struct_from_user per entry — a non-zero tail is E2BIG, a zero tail is accepted
    const long = Buffer.concat([Buffer.from(cmds(CMD.TLBI_NH_VA(ASID, I))), Buffer.from([0, 0, 0, 0, 0, 0, 0, 1])]);
    await expectInval(inv(long, 24), 'E2BIG', 0);
    // disallowed opcodes and unknown vSIDs → EIO, nothing done
    await expectInval(inv(cmds(CMD.CFGI_STE(VSID))), 'EIO', 0);
    await expectInval(inv(cmds(CMD.CMD_SYNC())), 'EIO', 0);
    await expectInval(inv(cmds(CMD.TLBI_S12_VMALL())), 'EIO', 0);
    await expectInval(inv(cmds(CMD.CFGI_CD(0x9n))), 'EIO', 0);
    await expectInval(inv(cmds(CMD.ATC_INV(0x9n))), 'EIO', 0);
    await expectInval(inv(cmds(CMD.CFGI_CD_ALL(BigInt(0x100)))), 'EIO', 0); // the physical SID is not a vSID
    expect(await cached()).toEqual([0, 1, 2, 3]);
    // [ok, bad]: EIO with entry_num 1, but the good command was in the unissued batch: still cached
    await expectInval(inv(cmds(CMD.TLBI_NH_VA(ASID, I), CMD.CFGI_STE(VSID))), 'EIO', 1);
    expect(await cached()).toEqual([0, 1, 2, 3]);
    // one TLBI_NH_VA: exactly that page; the guest's VMID field is overwritten (VMID 0xffff still hits)
    await s1.map(I + PAGE, await (async () => {
      const p = g.alloc();
      await g.fill(p, 0xcc);
      return p;
    })());
    expect(await readAll()).toEqual([0xb0, 0xb1, 0xb2, 0xb3]); // stale until invalidated
    expect(await inv(cmds(CMD.TLBI_NH_VA(ASID, I + PAGE, 0xffffn)))).toBe(1);
    expect(await cached()).toEqual([0, 2, 3]);
    expect(await readAll()).toEqual([0xb0, 0xcc, 0xb2, 0xb3]);
    // a zero-tailed 24-byte entry is a command like any other
    const zlong = Buffer.concat([Buffer.from(cmds(CMD.TLBI_NH_VA(ASID, I + 2n * PAGE))), Buffer.alloc(8)]);
    expect(await inv(zlong, 24)).toBe(1);
    expect(await cached()).toEqual([0, 1, 3]);
    // another ASID's invalidation does not touch ours; ours drops all four
    await readAll();
    expect(await inv(cmds(CMD.TLBI_NH_ASID(ASID + 1n)))).toBe(1);
    expect(await cached()).toEqual([0, 1, 2, 3]);
    expect(await inv(cmds(CMD.TLBI_NH_ASID(ASID)))).toBe(1);
    expect(await cached()).toEqual([]);
    // NSNH_ALL → NH_ALL of this VMID; NH_ALL too
    await readAll();
    expect(await inv(cmds(CMD.TLBI_NSNH_ALL()))).toBe(1);
    expect(await cached()).toEqual([]);
    await readAll();
    expect(await inv(cmds(CMD.TLBI_NH_ALL(0x1234n)))).toBe(1);
    expect(await cached()).toEqual([]);
    // CFGI_CD / CFGI_CD_ALL / ATC_INV with the vSID are translated and accepted; several in one call
    expect(await inv(cmds(CMD.CFGI_CD(VSID), CMD.CFGI_CD_ALL(VSID), CMD.ATC_INV(VSID), CMD.TLBI_NH_ASID(ASID)))).toBe(4);
    await sys.attach(devFd, ioas);
    await sys.destroy(fd, nested);
    await sys.destroy(fd, vdev);
  });

  it('iommufd_viommu.vdevice_cache first step (mock: entry_num 0 → OK) on SMMUv3: iommu_copy_struct_from_full_user_array refuses entry_num 0 → EINVAL, entry_num 0', async () => {
    // include/linux/iommu.h iommu_copy_struct_from_full_user_array: type != data_type → EINVAL, then
    // !entry_num → EINVAL (unlike the Intel driver's per-entry loop and the mock, where 0 entries is the type probe)
    const { fd, n, viommu } = await viommuSetup();
    await expectInval(n.invalidate(fd, viommu, INV_SMMUV3, 16, new Uint8Array(0)), 'EINVAL', 0);
    await expectInval(n.invalidate(fd, viommu, INV_SMMUV3, 0, new Uint8Array(0)), 'EINVAL', 0);
  });

  it('iommufd_viommu.vdevice_tombstone (§A.7 T8, §3.2): closing the device fd tombstones its vDEVICE (DESTROY → ENOENT, ID not reused)', async () => {
    const { sys, fd, devFd, devId, n, parent, viommu } = await viommuSetup();
    const vdev = await n.vdeviceAlloc(fd, viommu, devId, VSID);
    await sys.close(devFd);
    await expectErrno(sys.destroy(fd, vdev), 'ENOENT');
    const fresh: number[] = [];
    for (let k = 0; k < 3; k++) fresh.push(await sys.ioasAlloc(fd));
    expect.soft(fresh, 'a tombstoned ID is XA_ZERO_ENTRY: reserved until the iommufd is closed').not.toContain(vdev);
    // the tombstone no longer holds the vIOMMU
    await sys.destroy(fd, viommu);
    await sys.destroy(fd, parent);
  });

  it('dirty tracking is refused on an SMMUv3 nest parent (§A.12): NEST_PARENT|DIRTY_TRACKING → EOPNOTSUPP', async () => {
    const { sys, fd, devId, ioas } = await t.deviceSetup('vfio0');
    await expectErrno(sys.hwptAlloc(fd, devId, ioas, NEST_PARENT | DIRTY_TRACKING), 'EOPNOTSUPP');
    const h = await sys.hwptAlloc(fd, devId, ioas, NEST_PARENT);
    await sys.destroy(fd, h);
  });

  it('stage-1 DMA through the vSTE: bytes both ways; a read-only stage-1 page refuses writes (F_PERMISSION 0x13 to the vEVENTQ); a stage-2 fault stays in the host (§A.8 "only if !event->s2")', async () => {
    const { sys, fd, devFd, devId, ioas, n, g, viommu, s1, cd } = await viommuSetup({ record: true });
    const nested = await n.hwptAlloc(fd, { devId, ptId: viommu, dataType: DATA_ARM_SMMUV3, data: vste(steS1(cd)) });
    const vdev = await n.vdeviceAlloc(fd, viommu, devId, VSID);
    const q = await n.veventqAlloc(fd, { viommuId: viommu, type: VEVENTQ_ARM_SMMUV3, depth: 8 });
    await sys.attach(devFd, nested);
    const rw = g.alloc();
    const ro = g.alloc();
    await g.fill(rw, 0x11);
    await s1.map(I, rw);
    await s1.map(I + PAGE, ro, false);
    // an IPA outside the guest RAM, mapped in stage 2 by its own area so that it can be unmapped alone
    const G2 = G + 0x100_0000n;
    const extra = await sys.mmap(PAGE);
    await sys.map(fd, ioas, extra, PAGE, G2);
    await s1.map(I + 2n * PAGE, G2);
    const w = await dma(t, I + 0x100n, 4, { write: new Uint8Array([1, 2, 3, 4]) });
    expect(w.result, w.fault?.detail).toBe('written');
    expect([...(await g.read(rw + 0x100n, 4))]).toEqual([1, 2, 3, 4]);
    const r = await dma(t, I + 0xfen, 4);
    expect([...(r.data as Buffer)]).toEqual([0x11, 0x11, 1, 2]);
    expect((await dma(t, I + 2n * PAGE, 4)).result).toBe('data');
    // stage-1 permission fault: recorded (CD.R) and forwarded with the vSID
    const p = await dma(t, I + PAGE, 4, { write: new Uint8Array(4) });
    expect(p.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_PERMISSION', stage: 1 });
    // stage-2 fault (the IPA is unmapped from the parent): stays in the host, no vEVENT
    await sys.unmap(fd, ioas, G2, PAGE);
    const s2 = await dma(t, I + 2n * PAGE, 4);
    expect(s2.fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION', stage: 2 });
    // a stage-1 translation fault after it
    expect((await dma(t, I + 40n * PAGE, 4)).fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION', stage: 1 });
    const rd = n.readVevents(q.fd);
    const evs = await rd.take(2);
    const dec = (d: Buffer) => [Number(d.readBigUInt64LE(0) & 0xffn), d.readBigUInt64LE(0) >> 32n, Number((d.readBigUInt64LE(8) >> 35n) & 1n), d.readBigUInt64LE(16)];
    expect(evs.map((e) => dec(e.data))).toEqual([
      [0x13, VSID, 0, I + PAGE],
      [0x10, VSID, 1, I + 40n * PAGE],
    ]);
    expect(BigInt(evs[1]!.sequence) - BigInt(evs[0]!.sequence)).toBe(1n); // the stage-2 fault consumed no sequence number
    rd.cancel();
    await sys.attach(devFd, ioas);
    await sys.destroy(fd, nested);
    await sys.destroy(fd, vdev);
    await sys.close(q.fd);
    await sys.destroy(fd, q.id);
  });
});
