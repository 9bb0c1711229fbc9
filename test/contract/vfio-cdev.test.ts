/**
 * VFIO device cdev semantics over gRPC: bind / attach / replace / detach, IOMMU-group rules,
 * device reserved regions, and the PASID attach rules of selftest fixture
 * `iommufd_device_pasid` (test 65, reference notes §5.9 and §3.5–3.6), on real hosts.
 *
 * Adaptations (what changed from the selftest and why):
 * - The mock PASID device is vfio0 (0000:01:00.0, PASID 20 bits on dmar0); the "no_pasid" mock
 *   device is vfio1 (0000:02:00.0, no PASID capability); dmar1 (vfio6) has no PASID at all.
 * - VFIO cdev semantics: VFIO_DEVICE_ATTACH_IOMMUFD_PT on an attached device or PASID is a
 *   *replace* (vfio_iommufd_physical_pasid_attach_ioas), so the selftest's "attach again → EBUSY"
 *   and "replace of an unattached PASID → EINVAL" (iommufd_device_attach/replace called directly
 *   by IOMMU_TEST_OP_PASID_*) cannot be reached through VFIO and become "attach again replaces".
 * - The selftest's nested HWPTs (pasid-compat nested[0..2], vIOMMU nested, iopf HWPT) are replaced
 *   by pasid-compat paging HWPTs: nesting and fault queues are separate contract areas. The
 *   mock's fake-error PASID 1024 (replace rollback on ENOMEM) has no hardware analogue and is
 *   dropped.
 * - "pasid_check_hwpt" (IOMMU_TEST_OP_PASID_CHECK_HWPT) becomes Platform.DeviceDma with and
 *   without a PASID: each translates through its own HWPT, shown by different bytes at the same
 *   IOVA in two IOASes; a PASID with nothing attached faults with DMA_FAULT_REASON_PASID.
 * - Group rules use vfio3/vfio4 (two functions of IOMMU group 4) and vfio5 (group 6, whose
 *   sibling 0000:06:00.1 is bound to a host driver).
 * - Reserved regions: the VT-d MSI window (IOMMU_RESV_MSI) and vfio1's RMRR (IOMMU_RESV_DIRECT)
 *   enter the IOAS on attach; the Arm host's IOMMU_RESV_SW_MSI window likewise.
 * - Tests that port no selftest (bind, group and reserved-region rules of §3.3/§3.5) are titled
 *   by the kernel function whose behaviour they check.
 * - The IOMMU group is the unit of translation, as in the kernel: a group member that is not
 *   attached through iommufd (or was detached while a sibling stays attached) still translates
 *   through the group's domain.
 */
import { describe, expect, it } from 'vitest';
import { expectErrno, PAGE, Sys, useTestHost } from './harness.js';

const NIC = '0000:01:00.0'; // vfio0, PASID 20
const NVME = '0000:02:00.0'; // vfio1, RMRR, no PASID
const FN0 = '0000:04:00.0'; // vfio3, group 4
const FN1 = '0000:04:00.1'; // vfio4, group 4
const U64_MAX = (1n << 64n) - 1n;
const NEST_PARENT = 1 << 0;
const ALLOC_PASID = 1 << 3;

const t = useTestHost('intel-vtd');

/** A root process, exited after the test. */
async function spawn(): Promise<Sys> {
  return t.spawn(t.root, 'vfio-cdev');
}

function fill(n: number, byte: number): Uint8Array {
  return new Uint8Array(n).fill(byte);
}

/** DMA read of `len` bytes must return exactly `want`. */
async function reads(bdf: string, iova: bigint, want: Uint8Array, pasid?: number): Promise<void> {
  const r = await t.hw.dma(bdf, iova, want.length, pasid === undefined ? {} : { pasid });
  expect(r.result, r.fault?.detail).toBe('data');
  expect(Buffer.from(r.data!).equals(Buffer.from(want))).toBe(true);
}
async function faults(bdf: string, iova: bigint, reason: string, pasid?: number): Promise<void> {
  const r = await t.hw.dma(bdf, iova, 8, pasid === undefined ? {} : { pasid });
  expect(r.result).toBe('fault');
  expect(r.fault!.reason).toBe(reason);
}

/** A page of `byte`s mapped at a fixed IOVA of an IOAS. */
async function mapPage(sys: Sys, fd: number, ioas: number, iova: bigint, byte: number): Promise<void> {
  const va = await sys.mmap(PAGE);
  await sys.write(va, fill(4096, byte));
  await sys.map(fd, ioas, va, PAGE, iova);
}

describe('VFIO cdev bind and IOMMU groups (intel-vtd)', () => {
  it('vfio_df_ioctl_bind_iommufd (iommu_device_claim_dma_owner): a group bound to one iommufd refuses another (EPERM); a host-owned sibling makes the group non-viable (EPERM)', async () => {
    const a = await spawn();
    const fdA = await a.open('/dev/iommu');
    const f3 = await a.open('/dev/vfio/devices/vfio3');
    expect(await a.bind(f3, fdA)).toBe(1);
    // vfio4 is the other function of group 4: DMA ownership is per group
    const b = await spawn();
    const fdB = await b.open('/dev/iommu');
    const f4 = await b.open('/dev/vfio/devices/vfio4');
    await expectErrno(b.bind(f4, fdB), 'EPERM');
    // another iommufd in the same process is another owner too
    const fdA2 = await a.open('/dev/iommu');
    const f4a = await a.open('/dev/vfio/devices/vfio4');
    await expectErrno(a.bind(f4a, fdA2), 'EPERM');
    // the same iommufd shares the group
    expect(await a.bind(f4a, fdA)).toBe(2);
    // vfio5's group has 0000:06:00.1 on a host driver
    const f5 = await a.open('/dev/vfio/devices/vfio5');
    await expectErrno(a.bind(f5, fdA), 'EPERM');
    // unbinding (closing) every device of the group releases ownership
    await a.close(f3);
    await a.close(f4a);
    expect(await b.bind(f4, fdB)).toBe(1);
  });

  it('vfio_df_ioctl_bind_iommufd (vfio_df_open): a device bound through one open cannot be bound through a second open (EINVAL), nor twice through the same fd', async () => {
    const s = await spawn();
    const fd = await s.open('/dev/iommu');
    const f1 = await s.open('/dev/vfio/devices/vfio1');
    const f1b = await s.open('/dev/vfio/devices/vfio1');
    const id = await s.bind(f1, fd);
    await expectErrno(s.bind(f1b, fd), 'EINVAL');
    await expectErrno(s.bind(f1, fd), 'EINVAL');
    // the failed binds consumed no object ID
    expect(await s.ioasAlloc(fd)).toBe(id + 1);
    // once the first open is closed the second one can bind
    await s.close(f1);
    expect(await s.bind(f1b, fd)).toBe(id);
  });

  it('vfio_device_fops_unl_ioctl (access_granted): device ioctls before VFIO_DEVICE_BIND_IOMMUFD are EINVAL; IOMMU_DESTROY of a bound device is EBUSY', async () => {
    const s = await spawn();
    const fd = await s.open('/dev/iommu');
    const ioas = await s.ioasAlloc(fd);
    const f = await s.open('/dev/vfio/devices/vfio1');
    await expectErrno(s.attach(f, ioas), 'EINVAL');
    await expectErrno(s.attach(f, ioas, 1), 'EINVAL');
    await expectErrno(s.detach(f), 'EINVAL');
    await expectErrno(s.raw('Vfio', 'DeviceGetInfo', { device_fd: f }), 'EINVAL');
    await expectErrno(s.raw('Vfio', 'DeviceGetRegionInfo', { device_fd: f, index: 0 }), 'EINVAL');
    await expectErrno(s.raw('Vfio', 'DeviceReset', { device_fd: f }), 'EINVAL');
    const id = await s.bind(f, fd);
    await expectErrno(s.destroy(fd, id), 'EBUSY');
    await s.attach(f, ioas);
    await expectErrno(s.destroy(fd, id), 'EBUSY');
    await s.close(f);
    await expectErrno(s.destroy(fd, id), 'ENOENT');
  });

  it('iommufd_hw_pagetable_attach (group rules): vfio3 and vfio4 share one HWPT; a different HWPT (manual or a new auto one) is EINVAL; replace moves the whole group', async () => {
    const s = await spawn();
    const fd = await s.open('/dev/iommu');
    const f3 = await s.open('/dev/vfio/devices/vfio3');
    const f4 = await s.open('/dev/vfio/devices/vfio4');
    const id3 = await s.bind(f3, fd);
    await s.bind(f4, fd);
    const ioas = await s.ioasAlloc(fd);
    const ioas2 = await s.ioasAlloc(fd);
    await mapPage(s, fd, ioas, 0x100000n, 0xa1);
    await mapPage(s, fd, ioas2, 0x100000n, 0xb2);
    const A = await s.hwptAlloc(fd, id3, ioas);
    const B = await s.hwptAlloc(fd, id3, ioas2);
    const C = await s.hwptAlloc(fd, id3, ioas);
    expect([A, B, C]).toEqual([5, 6, 7]);
    expect(await s.attach(f3, A)).toBe(A);
    await expectErrno(s.attach(f4, C), 'EINVAL');
    // an IOAS attach would need a new auto HWPT (manual ones are never auto-picked): EINVAL, and
    // the auto HWPT it made is gone without consuming an ID
    await expectErrno(s.attach(f4, ioas), 'EINVAL');
    // the IOMMU group is the unit of translation: the group's domain (A, set up by vfio3's attach)
    // already translates vfio4's DMA although vfio4 is not attached through iommufd
    await reads(FN1, 0x100000n, fill(16, 0xa1));
    expect(await s.attach(f4, A)).toBe(A);
    await reads(FN0, 0x100000n, fill(16, 0xa1));
    await reads(FN1, 0x100000n, fill(16, 0xa1));
    await expectErrno(s.destroy(fd, A), 'EBUSY');
    // replacing one function moves the group's domain: both functions now translate through B
    expect(await s.attach(f4, B)).toBe(B);
    await reads(FN0, 0x100000n, fill(16, 0xb2));
    await reads(FN1, 0x100000n, fill(16, 0xb2));
    await s.destroy(fd, A); // A lost both devices
    await expectErrno(s.destroy(fd, B), 'EBUSY');
    // detaching one function keeps the group on B while its sibling is attached
    await s.detach(f3);
    await reads(FN0, 0x100000n, fill(16, 0xb2));
    await expectErrno(s.destroy(fd, B), 'EBUSY');
    await s.detach(f4);
    await faults(FN0, 0x100000n, 'DMA_FAULT_REASON_BLOCKED');
    await faults(FN1, 0x100000n, 'DMA_FAULT_REASON_BLOCKED');
    await s.destroy(fd, B);
    // every failed attach above left no object behind: the lowest free ID is A's
    expect(await s.ioasAlloc(fd)).toBe(A);
  });
});

describe('device reserved regions (intel-vtd)', () => {
  it('iopt_table_enforce_dev_resv_regions: attaching vfio0 reserves the MSI window: IOVA ranges [0, 0xfedfffff] and [0xfef00000, 2^48-1]', async () => {
    const { sys, fd, ioas } = await t.deviceSetup('vfio0');
    expect(await sys.iovaRanges(fd, ioas)).toEqual({
      ranges: [
        { start: 0n, last: 0xfedfffffn },
        { start: 0xfef00000n, last: (1n << 48n) - 1n },
      ],
      alignment: 4096n,
    });
  });

  it('iopt_table_enforce_dev_resv_regions: attaching 0000:02:00.0 adds its RMRR 0xe0000-0xfffff and the MSI window; FIXED maps over them are EINVAL; detach removes them', async () => {
    const { sys, fd, devFd, ioas } = await t.deviceSetup('vfio1');
    expect(await sys.iovaRanges(fd, ioas)).toEqual({
      ranges: [
        { start: 0n, last: 0xdffffn },
        { start: 0x100000n, last: 0xfedfffffn },
        { start: 0xfef00000n, last: (1n << 48n) - 1n },
      ],
      alignment: 4096n,
    });
    const va = await sys.mmap(2n * PAGE);
    await expectErrno(sys.map(fd, ioas, va, PAGE, 0xfee00000n), 'EINVAL');
    await expectErrno(sys.map(fd, ioas, va, 2n * PAGE, 0xfedff000n), 'EINVAL');
    await expectErrno(sys.map(fd, ioas, va, PAGE, 0xfeeff000n), 'EINVAL');
    await expectErrno(sys.map(fd, ioas, va, PAGE, 0xe0000n), 'EINVAL');
    await expectErrno(sys.map(fd, ioas, va, 2n * PAGE, 0xdf000n), 'EINVAL');
    expect((await sys.status()).pinned).toBe(0n);
    expect(await sys.map(fd, ioas, va, PAGE, 0xdf000n)).toBe(0xdf000n);
    expect(await sys.map(fd, ioas, va + PAGE, PAGE, 0xfef00000n)).toBe(0xfef00000n);
    await sys.detach(devFd);
    // no domain, no device: the whole space and alignment 1 again
    expect(await sys.iovaRanges(fd, ioas)).toEqual({ ranges: [{ start: 0n, last: U64_MAX }], alignment: 1n });
    expect(await sys.map(fd, ioas, va, PAGE, 0xfee00000n)).toBe(0xfee00000n);
  });

  it('iopt_table_enforce_dev_resv_regions (atomic attach): an existing area over the MSI window makes the attach fail with EADDRINUSE and leaves the device unattached (atomic)', async () => {
    const s = await spawn();
    const fd = await s.open('/dev/iommu');
    const f = await s.open('/dev/vfio/devices/vfio1');
    const id = await s.bind(f, fd);
    const ioas = await s.ioasAlloc(fd);
    const va = await s.mmap(PAGE);
    await s.write(va, fill(4096, 0x5a));
    await s.map(fd, ioas, va, PAGE, 0xfee00000n); // no domain yet: not reserved
    await s.map(fd, ioas, va, PAGE, 0x200000n);
    await expectErrno(s.attach(f, ioas), 'EADDRINUSE');
    await faults(NVME, 0x200000n, 'DMA_FAULT_REASON_BLOCKED');
    expect(await s.iovaRanges(fd, ioas)).toEqual({ ranges: [{ start: 0n, last: U64_MAX }], alignment: 1n });
    expect((await s.status()).pinned).toBe(0n);
    // a manual HWPT is refused the same way and stays usable elsewhere
    const h = await s.hwptAlloc(fd, id, ioas);
    await expectErrno(s.attach(f, h), 'EADDRINUSE');
    await faults(NVME, 0x200000n, 'DMA_FAULT_REASON_BLOCKED');
    await s.destroy(fd, h);
    // nothing was left behind: the next object takes the lowest free ID
    const probe = await s.ioasAlloc(fd);
    expect(probe).toBe(h);
    await s.destroy(fd, probe);
    // an allowed range over the window blocks the reservation as well
    expect(await s.unmap(fd, ioas, 0xfee00000n, PAGE)).toBe(PAGE);
    await s.allowIovas(fd, ioas, [{ start: 0xfe000000n, last: 0xfeffffffn }]);
    await expectErrno(s.attach(f, ioas), 'EADDRINUSE');
    await s.allowIovas(fd, ioas, []);
    const hwpt = await s.attach(f, ioas);
    expect(hwpt).toBeGreaterThan(0);
    await reads(NVME, 0x200000n, fill(32, 0x5a));
  });
});

describe('iommufd_device_pasid.pasid_attach over VFIO cdev (intel-vtd)', () => {
  it('iommufd_device_pasid.pasid_attach: pasid_compat rules, IOAS refusal, replace and detach, DMA per PASID', async () => {
    const s = await spawn();
    const fd = await s.open('/dev/iommu');
    const f0 = await s.open('/dev/vfio/devices/vfio0');
    const id0 = await s.bind(f0, fd);
    const ioasA = await s.ioasAlloc(fd);
    const ioasB = await s.ioasAlloc(fd);
    await mapPage(s, fd, ioasA, 0x100000n, 0xaa);
    await mapPage(s, fd, ioasB, 0x100000n, 0xbb);
    const auto = await s.attach(f0, ioasA);
    // detach of a never-attached PASID is a no-op
    await s.detach(f0, 100);
    const sA = await s.hwptAlloc(fd, id0, ioasA, ALLOC_PASID);
    const sB = await s.hwptAlloc(fd, id0, ioasB, ALLOC_PASID);
    const parent = await s.hwptAlloc(fd, id0, ioasA, NEST_PARENT);
    // the RID is on a non-pasid-compat HWPT (auto, then a manual parent): PASID attach is EINVAL
    await expectErrno(s.attach(f0, sB, 100), 'EINVAL');
    expect(await s.attach(f0, parent)).toBe(parent);
    await expectErrno(s.attach(f0, sB, 100), 'EINVAL');
    await faults(NIC, 0x100000n, 'DMA_FAULT_REASON_PASID', 100);
    await expectErrno(s.destroy(fd, auto), 'ENOENT'); // the auto HWPT left with the RID
    // with a pasid-compat RID HWPT it works
    expect(await s.attach(f0, sA)).toBe(sA);
    expect(await s.attach(f0, sB, 100)).toBe(sB);
    await reads(NIC, 0x100000n, fill(64, 0xaa));
    await reads(NIC, 0x100000n, fill(64, 0xbb), 100);
    await faults(NIC, 0x100000n, 'DMA_FAULT_REASON_PASID', 101);
    // an IOAS or a non-pasid-compat HWPT cannot take a PASID; the PASID stays detached
    await expectErrno(s.attach(f0, ioasB, 101), 'EINVAL');
    await expectErrno(s.attach(f0, parent, 101), 'EINVAL');
    await faults(NIC, 0x100000n, 'DMA_FAULT_REASON_PASID', 101);
    // ... nor replace an attached PASID's HWPT; it keeps translating through sB
    await expectErrno(s.attach(f0, ioasA, 100), 'EINVAL');
    await expectErrno(s.attach(f0, parent, 100), 'EINVAL');
    await reads(NIC, 0x100000n, fill(64, 0xbb), 100);
    // with a PASID attached, the RID cannot move to a non-pasid-compat HWPT (manual or auto)
    await expectErrno(s.attach(f0, parent), 'EINVAL');
    await expectErrno(s.attach(f0, ioasB), 'EINVAL');
    await reads(NIC, 0x100000n, fill(64, 0xaa));
    // attaching an attached PASID again replaces its HWPT (VFIO cdev semantics)
    expect(await s.attach(f0, sA, 100)).toBe(sA);
    await reads(NIC, 0x100000n, fill(64, 0xaa), 100);
    expect(await s.attach(f0, sB, 100)).toBe(sB);
    expect(await s.attach(f0, sB, 100)).toBe(sB);
    await reads(NIC, 0x100000n, fill(64, 0xbb), 100);
    await expectErrno(s.destroy(fd, sB), 'EBUSY');
    // a second PASID on the same HWPT as the RID
    expect(await s.attach(f0, sA, 200)).toBe(sA);
    await reads(NIC, 0x100000n, fill(64, 0xaa), 200);
    // PASIDs beyond the 20-bit width are refused
    await expectErrno(s.attach(f0, sB, 1 << 20), 'EINVAL');
    // detach: that PASID faults, the others and the RID keep translating
    await s.detach(f0, 100);
    await faults(NIC, 0x100000n, 'DMA_FAULT_REASON_PASID', 100);
    await reads(NIC, 0x100000n, fill(64, 0xaa), 200);
    await reads(NIC, 0x100000n, fill(64, 0xaa));
    await s.detach(f0, 100); // again: no-op
    await s.destroy(fd, sB);
    await s.detach(f0, 200);
    // no PASID attached any more: the RID may use a non-compat HWPT again
    expect(await s.attach(f0, parent)).toBe(parent);
    await reads(NIC, 0x100000n, fill(64, 0xaa));
  });

  it('iommufd_device_pasid (no_pasid variant): vfio1 has no PASID, so PASID attach is EINVAL, detach is a no-op, and its RID can use a pasid-compat HWPT', async () => {
    const s = await spawn();
    const fd = await s.open('/dev/iommu');
    const f0 = await s.open('/dev/vfio/devices/vfio0');
    const f1 = await s.open('/dev/vfio/devices/vfio1');
    const id0 = await s.bind(f0, fd);
    await s.bind(f1, fd);
    const ioas = await s.ioasAlloc(fd);
    await mapPage(s, fd, ioas, 0x200000n, 0xcc);
    const compat = await s.hwptAlloc(fd, id0, ioas, ALLOC_PASID);
    const plain = await s.hwptAlloc(fd, id0, ioas);
    await expectErrno(s.attach(f1, compat, 100), 'EINVAL');
    await expectErrno(s.attach(f1, plain, 100), 'EINVAL');
    await s.detach(f1, 100);
    expect(await s.attach(f1, compat)).toBe(compat);
    await reads(NVME, 0x200000n, fill(32, 0xcc));
    await expectErrno(s.attach(f1, compat, 100), 'EINVAL');
    await faults(NVME, 0x200000n, 'DMA_FAULT_REASON_PASID', 100);
  });

  it('iommufd_device_pasid (dmar1): IOMMU_HWPT_ALLOC_PASID on dmar1 (no PASID support) is EOPNOTSUPP; vfio6 cannot attach a PASID', async () => {
    const { sys, fd, devFd, devId, ioas } = await t.deviceSetup('vfio6');
    await expectErrno(sys.hwptAlloc(fd, devId, ioas, ALLOC_PASID), 'EOPNOTSUPP');
    const h = await sys.hwptAlloc(fd, devId, ioas);
    await expectErrno(sys.attach(devFd, h, 1), 'EINVAL');
    await sys.detach(devFd, 1);
  });
});

describe('VFIO cdev on arm-smmuv3', () => {
  const arm = useTestHost('arm-smmuv3');

  it('iopt_table_enforce_dev_resv_regions (SMMUv3): the software MSI window 0x08000000-0x080fffff enters the IOAS on attach', async () => {
    const { sys, fd, devFd, ioas } = await arm.deviceSetup('vfio1');
    expect(await sys.iovaRanges(fd, ioas)).toEqual({
      ranges: [
        { start: 0n, last: 0x7ffffffn },
        { start: 0x8100000n, last: (1n << 48n) - 1n },
      ],
      alignment: 4096n,
    });
    const va = await sys.mmap(PAGE);
    await expectErrno(sys.map(fd, ioas, va, PAGE, 0x8000000n), 'EINVAL');
    await sys.detach(devFd);
    expect(await sys.iovaRanges(fd, ioas)).toEqual({ ranges: [{ start: 0n, last: U64_MAX }], alignment: 1n });
  });

  it('iommufd_device_pasid.pasid_attach (core) on SMMUv3: RID and substream translate through their own HWPTs', async () => {
    const s = await arm.spawn(arm.root, 'vmm');
    const fd = await s.open('/dev/iommu');
    const f0 = await s.open('/dev/vfio/devices/vfio0');
    const id0 = await s.bind(f0, fd);
    const ioasA = await s.ioasAlloc(fd);
    const ioasB = await s.ioasAlloc(fd);
    await mapPage(s, fd, ioasA, 0x100000n, 0x11);
    await mapPage(s, fd, ioasB, 0x100000n, 0x22);
    await s.attach(f0, ioasA);
    const sA = await s.hwptAlloc(fd, id0, ioasA, ALLOC_PASID);
    const sB = await s.hwptAlloc(fd, id0, ioasB, ALLOC_PASID);
    await expectErrno(s.attach(f0, sB, 7), 'EINVAL');
    await s.attach(f0, sA);
    expect(await s.attach(f0, sB, 7)).toBe(sB);
    const rid = await arm.hw.dma(NIC, 0x100000n, 4);
    expect([...rid.data!]).toEqual([0x11, 0x11, 0x11, 0x11]);
    const ssid = await arm.hw.dma(NIC, 0x100000n, 4, { pasid: 7 });
    expect([...ssid.data!]).toEqual([0x22, 0x22, 0x22, 0x22]);
    await s.detach(f0, 7);
    expect((await arm.hw.dma(NIC, 0x100000n, 4, { pasid: 7 })).fault!.reason).toBe('DMA_FAULT_REASON_PASID');
  });
});
