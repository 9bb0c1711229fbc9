/**
 * Kernel selftest fixture `iommufd_mock_domain` (tools/testing/selftests/iommu/iommufd.c, tests
 * 40–46 of the reference notes §5.5) ported to a real intel-vtd host over gRPC.
 *
 * Adaptations (what changed from the selftest and why):
 * - The mock domain becomes a real device: vfio0 (0000:01:00.0, dmar0) bound to the iommufd and
 *   attached to the IOAS (an auto HWPT); a second domain is a manual HWPT used by vfio1
 *   (0000:02:00.0, dmar0) or vfio6 (0000:80:00.0, dmar1).
 * - MD_CHECK_MAP (same PFN in the domain as at the user VA) becomes (a) Platform.DeviceDma reading
 *   back the bytes the process wrote at the mapped VA, and writing bytes the process then reads,
 *   and (b) Platform.Inspect page-table leaf counts by page size.
 * - MD_CHECK_REFS (page refcount == 1) becomes GetStatus VmPin (each page pinned exactly once, in
 *   bytes) plus Inspect's pinned-page count; 0 after unmap.
 * - all_aligns: the mock's 2 KiB page becomes the VT-d 4 KiB page (IOAS alignment 4096), so the
 *   sweep is at 4 KiB granularity and a 2 KiB-offset start is refused with EINVAL; the hugepage
 *   variant sweeps 1 MiB steps over 2 MiB hugetlb memory at IOVAs congruent to the VA, so the
 *   expected 2M/4K leaf split is exact.
 * - all_aligns_copy: "add a mock domain" = HWPT_ALLOC on the same IOAS with vfio1 attached to it
 *   (the second domain is checked by DMA from vfio1).
 * - user_copy (44) is dropped: it needs an in-kernel ACCESS object (IOMMU_TEST_OP_CREATE_ACCESS,
 *   ACCESS_REPLACE_IOAS), which has no uAPI and is not part of the host contract.
 * - ro_unshare: /proc/self/exe is a MAP_PRIVATE mapping of a memfd here. The kernel's assertion is
 *   that the domain keeps the *same PFN the process uses* after the process writes the page:
 *   a read-only FOLL_LONGTERM pin of a COW mapping unshares the page at pin time
 *   (gup_must_unshare), so the device reads what the process wrote afterwards, while the file
 *   itself (a MAP_SHARED view) keeps its original bytes and later file writes no longer reach
 *   the private page. (The brief asked for "the device still reads the ORIGINAL bytes"; that is
 *   the pre-unshare GUP/COW divergence the selftest exists to catch, so the test asserts the
 *   kernel's behaviour instead.)
 * - replace: the two-domain variant uses two manual HWPTs; each replacement is checked by DMA
 *   against different contents at the same IOVA in two IOASes.
 * - alloc_hwpt: the mock's flag set is the VT-d one; NEST_PARENT is refused (EOPNOTSUPP) by dmar1.
 * - Page-table leaf sizes: 2 MiB hugetlb → one 2M leaf on dmar0; HUGE_PAGES=0 → 512 4K leaves;
 *   1 GiB hugetlb → one 1G leaf on dmar0 but 512 2M leaves on dmar1 (no 1G super pages).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectErrno, Hw, leafCounts, MAP_PRIVATE, MAP_READABLE, MAP_SHARED, PAGE, Sys, useTestHost } from './harness.js';

const NIC = '0000:01:00.0'; // vfio0, dmar0
const NVME = '0000:02:00.0'; // vfio1, dmar0
const OLD_NIC = '0000:80:00.0'; // vfio6, dmar1
const MFD_HUGETLB = 0x4;
const MFD_HUGE_2MB = 21 << 26;
const MFD_HUGE_1GB = 30 << 26;
const IOMMU_OPTION_HUGE_PAGES = 1;
const OP_SET = 0;
const OP_GET = 1;
const NEST_PARENT = 1 << 0;
const M = 1n << 20n;
const G = 1n << 30n;

/** Processes of the running test (t.spawn, t.deviceSetup) exit afterwards even when it failed half way. */
const t = useTestHost('intel-vtd');
let rootHw: Hw; // root: Inspect of a process's iommufd objects (t.hw has the platform role: DeviceDma)
beforeAll(() => {
  rootHw = new Hw(t.root);
});

/** Deterministic bytes: every byte depends on the seed and its index. */
function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (seed * 131 + i * 7 + (i >> 8)) & 0xff;
  return b;
}

/** Leaf counts of one HWPT's page table, keyed by page size in bytes (as decimal strings). */
async function leaves(sys: Sys, fd: number, hwpt: number): Promise<Record<string, number>> {
  const r = await rootHw.inspect({ iommufd_object: { pid: sys.pid, fd, id: hwpt } });
  expect(r.page_tables).toHaveLength(1);
  return leafCounts(r.page_tables[0]!);
}
const K4 = String(4096);
const M2 = String(2 * 1024 * 1024);
const G1 = String(1024 * 1024 * 1024);

async function pinnedOf(sys: Sys, fd: number, id: number): Promise<bigint> {
  const r = await rootHw.inspect({ iommufd_object: { pid: sys.pid, fd, id } });
  return BigInt(r.pinned!.pages as string);
}

/** MD_CHECK_MAP by DMA: the device reads at iova exactly the bytes the process has at va. */
async function deviceSees(bdf: string, sys: Sys, va: bigint, iova: bigint, len: number): Promise<void> {
  const want = await sys.read(va, len);
  const r = await t.hw.dma(bdf, iova, len);
  expect(r.result, r.fault?.detail).toBe('data');
  expect(Buffer.from(r.data!).equals(want)).toBe(true);
}

/** The other direction: a device write at iova lands at the process's va. */
async function deviceWrites(bdf: string, sys: Sys, va: bigint, iova: bigint, data: Uint8Array): Promise<void> {
  const w = await t.hw.dma(bdf, iova, data.length, { write: data });
  expect(w.result, w.fault?.detail).toBe('written');
  expect(Buffer.from(await sys.read(va, data.length)).equals(Buffer.from(data))).toBe(true);
}

describe('iommufd_mock_domain on intel-vtd (vfio0 on dmar0)', () => {
  it('iommufd_mock_domain.basic: a one-page map is mapped into the domain both ways (MD_CHECK_MAP)', async () => {
    const { sys, fd, ioas, hwpt } = await t.deviceSetup('vfio0');
    const buf = await sys.mmap(16n * PAGE);
    await sys.write(buf, pattern(4096, 1));
    const iova = await sys.map(fd, ioas, buf, PAGE);
    expect(iova % PAGE).toBe(0n);
    await deviceSees(NIC, sys, buf, iova, 4096);
    await deviceWrites(NIC, sys, buf + 100n, iova + 100n, pattern(300, 2));
    expect(await leaves(sys, fd, hwpt)).toEqual({ [K4]: 1, [M2]: 0, [G1]: 0 });
    expect((await sys.status()).pinned).toBe(PAGE);
    expect(await pinnedOf(sys, fd, ioas)).toBe(1n);
    // the neighbouring IOVA page is not mapped
    const f = await t.hw.dma(NIC, iova + PAGE, 8);
    expect(f.result).toBe('fault');
    expect(f.fault!.reason).toBe('DMA_FAULT_REASON_TRANSLATION');
    await sys.exit();
  });

  it('iommufd_mock_domain.basic: a map over munmapped memory (second half, then first page) fails with EFAULT and pins nothing', async () => {
    const { sys, fd, ioas, hwpt } = await t.deviceSetup('vfio0');
    const size = 8n * PAGE;
    const buf = await sys.mmap(size);
    // EFAULT half way
    await sys.munmap(buf + size / 2n, size / 2n);
    await expectErrno(sys.map(fd, ioas, buf, size, 0x200000n), 'EFAULT');
    expect((await sys.status()).pinned).toBe(0n);
    expect(await pinnedOf(sys, fd, ioas)).toBe(0n);
    expect(await leaves(sys, fd, hwpt)).toEqual({ [K4]: 0, [M2]: 0, [G1]: 0 });
    expect((await t.hw.dma(NIC, 0x200000n, 8)).fault!.reason).toBe('DMA_FAULT_REASON_TRANSLATION');
    // EFAULT on the first page
    await sys.munmap(buf, size / 2n);
    await expectErrno(sys.map(fd, ioas, buf, size, 0x200000n), 'EFAULT');
    expect((await sys.status()).pinned).toBe(0n);
    // the failed maps left no area behind: the same fixed IOVA maps a good buffer
    const good = await sys.mmap(size);
    await sys.write(good, pattern(Number(size), 3));
    expect(await sys.map(fd, ioas, good, size, 0x200000n)).toBe(0x200000n);
    await deviceSees(NIC, sys, good, 0x200000n, Number(size));
    expect((await sys.status()).pinned).toBe(size);
    await sys.exit();
  });

  it('iommufd_mock_domain.basic (file variant): MAP_FILE of one page works; len file_size+1 and a map after ftruncate(0) are EINVAL', async () => {
    const { sys, fd, ioas } = await t.deviceSetup('vfio0');
    const fileSize = 16n * PAGE;
    const mfd = await sys.memfd('mfd_buffer', fileSize);
    const view = await sys.mmap(fileSize, { fd: mfd });
    await sys.write(view, pattern(Number(fileSize), 4));
    const iova = await sys.mapFile(fd, ioas, mfd, 0n, PAGE);
    await deviceSees(NIC, sys, view, iova, 4096);
    expect((await sys.status()).pinned).toBe(PAGE);
    await expectErrno(sys.mapFile(fd, ioas, mfd, 0n, fileSize + 1n), 'EINVAL');
    expect((await sys.status()).pinned).toBe(PAGE);
    expect(await sys.unmap(fd, ioas, iova, PAGE)).toBe(PAGE);
    await sys.munmap(view, fileSize);
    await sys.ftruncate(mfd, 0n);
    await expectErrno(sys.mapFile(fd, ioas, mfd, 0n, PAGE), 'EINVAL');
    expect((await sys.status()).pinned).toBe(0n);
    await sys.exit();
  });

  it('iommufd_mock_domain.ro_unshare: a READABLE map of a MAP_PRIVATE file page keeps the PFN the process uses when it later writes the page', async () => {
    const { sys, fd, ioas } = await t.deviceSetup('vfio0');
    const mfd = await sys.memfd('exe', PAGE);
    const shared = await sys.mmap(PAGE, { fd: mfd, flags: MAP_SHARED });
    const original = pattern(4096, 5);
    await sys.write(shared, original);
    const priv = await sys.mmap(PAGE, { fd: mfd, flags: MAP_PRIVATE });
    const iova = await sys.map(fd, ioas, priv, PAGE, undefined, MAP_READABLE);
    await deviceSees(NIC, sys, priv, iova, 4096); // check_mock_iova before the write
    // The read-only long-term pin unshared the page: a later write to the file no longer reaches
    // the private mapping or the device.
    await sys.write(shared, pattern(4096, 6));
    expect(Buffer.from(await sys.read(priv, 4096)).equals(Buffer.from(original))).toBe(true);
    const r0 = await t.hw.dma(NIC, iova, 4096);
    expect(Buffer.from(r0.data!).equals(Buffer.from(original))).toBe(true);
    // memset(buf, 1, PAGE_SIZE): the process writes its private page ...
    await sys.write(priv, new Uint8Array(4096).fill(1));
    // ... and the domain still maps that very page (check_mock_iova after the write)
    await deviceSees(NIC, sys, priv, iova, 4096);
    expect([...(await t.hw.dma(NIC, iova + 4000n, 4)).data!]).toEqual([1, 1, 1, 1]);
    // the file itself is untouched by the private write
    expect(Buffer.from(await sys.read(shared, 4096)).equals(Buffer.from(pattern(4096, 6)))).toBe(true);
    // READABLE only: the device cannot write
    const w = await t.hw.dma(NIC, iova, 4, { write: new Uint8Array([9, 9, 9, 9]) });
    expect(w.fault!.reason).toBe('DMA_FAULT_REASON_PERMISSION');
    await sys.munmap(priv, PAGE);
    await sys.exit();
  });

  it('iommufd_mock_domain.all_aligns: every 4 KiB-aligned (start, end) maps exactly its pages, pinned once, and unpins on unmap', async () => {
    const { sys, fd, ioas, hwpt } = await t.deviceSetup('vfio0');
    const n = 4;
    const buf = await sys.mmap(BigInt(n) * PAGE);
    await sys.write(buf, pattern(n * 4096, 7));
    // the VT-d IOAS is 4 KiB aligned: a 2 KiB sub-page start is refused
    expect((await sys.iovaRanges(fd, ioas)).alignment).toBe(PAGE);
    await expectErrno(sys.map(fd, ioas, buf + 2048n, 2048n), 'EINVAL');
    for (let start = 0; start < n; start++) {
      for (let end = start + 1; end <= n; end++) {
        const len = BigInt(end - start) * PAGE;
        const va = buf + BigInt(start) * PAGE;
        const iova = await sys.map(fd, ioas, va, len);
        expect((await sys.status()).pinned).toBe(len);
        expect(await pinnedOf(sys, fd, ioas)).toBe(BigInt(end - start));
        expect(await leaves(sys, fd, hwpt)).toEqual({ [K4]: end - start, [M2]: 0, [G1]: 0 });
        await deviceSees(NIC, sys, va, iova, Number(len));
        expect(await sys.unmap(fd, ioas, iova, len)).toBe(len);
        expect((await sys.status()).pinned).toBe(0n);
        expect(await leaves(sys, fd, hwpt)).toEqual({ [K4]: 0, [M2]: 0, [G1]: 0 });
      }
    }
    await sys.exit();
  });

  it('iommufd_mock_domain.all_aligns_copy: adding and destroying a second domain while the area exists fills it and pins nothing twice', async () => {
    const { sys, fd, ioas } = await t.deviceSetup('vfio0');
    const nvmeFd = await sys.open('/dev/vfio/devices/vfio1');
    const nvmeId = await sys.bind(nvmeFd, fd);
    const n = 4;
    const buf = await sys.mmap(BigInt(n) * PAGE);
    await sys.write(buf, pattern(n * 4096, 8));
    for (let start = 0; start < n; start++) {
      for (let end = start + 1; end <= n; end++) {
        const len = BigInt(end - start) * PAGE;
        const va = buf + BigInt(start) * PAGE;
        const iova = await sys.map(fd, ioas, va, len);
        const second = await sys.hwptAlloc(fd, nvmeId, ioas);
        expect(await leaves(sys, fd, second)).toEqual({ [K4]: end - start, [M2]: 0, [G1]: 0 });
        expect((await sys.status()).pinned).toBe(len);
        expect(await sys.attach(nvmeFd, second)).toBe(second);
        await deviceSees(NVME, sys, va, iova, Number(len));
        await sys.detach(nvmeFd);
        await sys.destroy(fd, second);
        expect((await sys.status()).pinned).toBe(len);
        await deviceSees(NIC, sys, va, iova, Number(len));
        expect(await sys.unmap(fd, ioas, iova, len)).toBe(len);
        expect((await sys.status()).pinned).toBe(0n);
      }
    }
    await sys.exit();
  });

  it('iommufd_mock_domain.all_aligns (hugepage variant): 1 MiB steps over 2 MiB hugetlb memory give exactly the 2M leaves that fit', async () => {
    const { sys, fd, ioas, hwpt } = await t.deviceSetup('vfio0');
    const size = 4n * M;
    const mfd = await sys.memfd('huge', size, MFD_HUGETLB | MFD_HUGE_2MB);
    const buf = await sys.mmap(size, { fd: mfd });
    expect(buf % (2n * M)).toBe(0n);
    // a 16-byte marker every 256 KiB
    const markers: bigint[] = [];
    for (let off = 0n; off < size; off += 256n << 10n) {
      markers.push(off);
      await sys.write(buf + off, pattern(16, Number(off >> 18n)));
    }
    const base = 1n << 30n;
    for (let start = 0n; start < 4n; start++) {
      for (let end = start + 1n; end <= 4n; end++) {
        const s = start * M;
        const e = end * M;
        const iova = await sys.map(fd, ioas, buf + s, e - s, base + s);
        let huge = 0;
        for (let c = 0n; c < size; c += 2n * M) if (c >= s && c + 2n * M <= e) huge++;
        const small = Number((e - s - BigInt(huge) * 2n * M) / PAGE);
        expect(await leaves(sys, fd, hwpt)).toEqual({ [K4]: small, [M2]: huge, [G1]: 0 });
        expect((await sys.status()).pinned).toBe(e - s);
        for (const off of markers) if (off >= s && off < e) await deviceSees(NIC, sys, buf + off, iova + (off - s), 16);
        expect(await sys.unmap(fd, ioas, iova, e - s)).toBe(e - s);
        expect((await sys.status()).pinned).toBe(0n);
      }
    }
    await sys.exit();
  });

  it('iommufd_mock_domain.basic (hugepage variant, MD_CHECK_MAP leaf sizes): a 2 MiB-aligned 2 MiB hugetlb map is one 2M leaf; HUGE_PAGES=0 forces 512 4K leaves', async () => {
    const { sys, fd, devFd, ioas, hwpt } = await t.deviceSetup('vfio0');
    const mfd = await sys.memfd('huge2m', 4n * M, MFD_HUGETLB | MFD_HUGE_2MB);
    const buf = await sys.mmap(4n * M, { fd: mfd });
    await sys.write(buf + 0x1ff000n, pattern(4096, 9));
    await sys.map(fd, ioas, buf, 2n * M, 0x4000_0000n);
    expect(await leaves(sys, fd, hwpt)).toEqual({ [K4]: 0, [M2]: 1, [G1]: 0 });
    await deviceSees(NIC, sys, buf + 0x1ff000n, 0x4000_0000n + 0x1ff000n, 4096);
    // HUGE_PAGES=0 cannot be set while the IOAS has both a domain and an area
    await expectErrno(sys.option(fd, IOMMU_OPTION_HUGE_PAGES, OP_SET, ioas, 0n), 'EINVAL');
    // a second IOAS with huge pages off before anything is mapped
    const ioas2 = await sys.ioasAlloc(fd);
    expect(await sys.option(fd, IOMMU_OPTION_HUGE_PAGES, OP_GET, ioas2, 0n)).toBe(1n);
    expect(await sys.option(fd, IOMMU_OPTION_HUGE_PAGES, OP_SET, ioas2, 0n)).toBe(0n);
    expect(await sys.option(fd, IOMMU_OPTION_HUGE_PAGES, OP_GET, ioas2, 0n)).toBe(0n);
    const hwpt2 = await sys.attach(devFd, ioas2);
    await sys.map(fd, ioas2, buf, 2n * M, 0x4000_0000n);
    expect(await leaves(sys, fd, hwpt2)).toEqual({ [K4]: 512, [M2]: 0, [G1]: 0 });
    await deviceSees(NIC, sys, buf + 0x1ff000n, 0x4000_0000n + 0x1ff000n, 4096);
    // the device left the first IOAS, which thereby lost its only domain: pins are lazy, so its
    // area is unpinned and only ioas2's area holds pins
    expect(await pinnedOf(sys, fd, ioas)).toBe(0n);
    expect(await pinnedOf(sys, fd, ioas2)).toBe(512n);
    expect((await sys.status()).pinned).toBe(2n * M);
    await expectErrno(sys.destroy(fd, hwpt), 'ENOENT');
    await sys.exit();
  });

  it('iommufd_mock_domain.basic (1 GiB hugepage variant, MD_CHECK_MAP leaf sizes): 1 GiB hugetlb memory is one 1G leaf on dmar0 but 512 2M leaves on dmar1 (no 1G super pages)', async () => {
    for (const [cdev, bdf, want] of [
      ['vfio0', NIC, { [K4]: 0, [M2]: 0, [G1]: 1 }],
      ['vfio6', OLD_NIC, { [K4]: 0, [M2]: 512 }],
    ] as const) {
      const { sys, fd, ioas, hwpt } = await t.deviceSetup(cdev);
      const mfd = await sys.memfd('huge1g', G, MFD_HUGETLB | MFD_HUGE_1GB);
      const buf = await sys.mmap(G, { fd: mfd });
      expect(buf % G).toBe(0n);
      await sys.write(buf + 0x12345n, pattern(64, 10));
      await sys.write(buf + G - 64n, pattern(64, 11));
      await sys.map(fd, ioas, buf, G, G);
      expect(await leaves(sys, fd, hwpt)).toEqual(want);
      await deviceSees(bdf, sys, buf + 0x12345n, G + 0x12345n, 64);
      await deviceSees(bdf, sys, buf + G - 64n, 2n * G - 64n, 64);
      expect((await sys.status()).pinned).toBe(G);
      await sys.exit();
    }
  });

  it('iommufd_mock_domain.replace: replacing to a new IOAS frees the old auto HWPT; replacing to the same IOAS is a no-op', async () => {
    const { sys, fd, devFd, devId, ioas, hwpt } = await t.deviceSetup('vfio0');
    expect([devId, ioas, hwpt]).toEqual([1, 2, 3]);
    const a = await sys.mmap(PAGE);
    const b = await sys.mmap(PAGE);
    await sys.write(a, pattern(4096, 12));
    await sys.write(b, pattern(4096, 13));
    await sys.map(fd, ioas, a, PAGE, 0x100000n);
    const ioas2 = await sys.ioasAlloc(fd);
    await sys.map(fd, ioas2, b, PAGE, 0x100000n);
    const hwpt2 = await sys.attach(devFd, ioas2);
    expect(hwpt2).toBe(5);
    await deviceSees(NIC, sys, b, 0x100000n, 4096);
    // the old auto HWPT is gone: its id is ENOENT for attach and destroy
    await expectErrno(sys.attach(devFd, hwpt), 'ENOENT');
    await expectErrno(sys.destroy(fd, hwpt), 'ENOENT');
    // the device is still on ioas2 after the failed replace
    await deviceSees(NIC, sys, b, 0x100000n, 4096);
    // same IOAS again: the same HWPT
    expect(await sys.attach(devFd, ioas2)).toBe(hwpt2);
    // the IOAS in use by the attached HWPT cannot go
    await expectErrno(sys.destroy(fd, ioas2), 'EBUSY');
    // two-domains variant: manual HWPTs on the first IOAS
    const h1 = await sys.hwptAlloc(fd, devId, ioas);
    const h2 = await sys.hwptAlloc(fd, devId, ioas);
    expect(await sys.attach(devFd, h1)).toBe(h1);
    await deviceSees(NIC, sys, a, 0x100000n, 4096);
    await expectErrno(sys.destroy(fd, hwpt2), 'ENOENT'); // ioas2's auto HWPT left with the device
    expect(await sys.attach(devFd, h1)).toBe(h1);
    expect(await sys.attach(devFd, h2)).toBe(h2);
    await deviceSees(NIC, sys, a, 0x100000n, 4096);
    expect(await sys.attach(devFd, h1)).toBe(h1);
    // back to the original IOAS: a fresh auto HWPT (manual ones are never auto-picked)
    const auto = await sys.attach(devFd, ioas);
    expect([h1, h2]).not.toContain(auto);
    await deviceSees(NIC, sys, a, 0x100000n, 4096);
    await sys.destroy(fd, h1);
    await sys.destroy(fd, h2);
    await sys.destroy(fd, ioas2); // nothing holds it any more
    await sys.exit();
  });

  it('iommufd_mock_domain.alloc_hwpt: unknown flags EOPNOTSUPP; flags 0 and NEST_PARENT work; an attached HWPT cannot be destroyed', async () => {
    const { sys, fd, devFd, devId, ioas } = await t.deviceSetup('vfio0');
    await expectErrno(sys.hwptAlloc(fd, devId, ioas, ~NEST_PARENT >>> 0), 'EOPNOTSUPP');
    await expectErrno(sys.hwptAlloc(fd, devId, ioas, 1 << 31 >>> 0), 'EOPNOTSUPP');
    await expectErrno(sys.hwptAlloc(fd, devId, ioas, 1 << 4), 'EOPNOTSUPP');
    const buf = await sys.mmap(PAGE);
    await sys.write(buf, pattern(4096, 14));
    await sys.map(fd, ioas, buf, PAGE, 0x300000n);
    for (const flags of [0, NEST_PARENT]) {
      const h = await sys.hwptAlloc(fd, devId, ioas, flags);
      expect(await sys.attach(devFd, h)).toBe(h);
      await deviceSees(NIC, sys, buf, 0x300000n, 4096);
      await expectErrno(sys.destroy(fd, h), 'EBUSY');
      await sys.attach(devFd, ioas);
      await sys.destroy(fd, h);
      await expectErrno(sys.destroy(fd, h), 'ENOENT');
    }
    // a new device directly on a manual HWPT; destroy the device (close its fd), then the HWPT
    const h = await sys.hwptAlloc(fd, devId, ioas);
    const nvmeFd = await sys.open('/dev/vfio/devices/vfio1');
    await sys.bind(nvmeFd, fd);
    expect(await sys.attach(nvmeFd, h)).toBe(h);
    await deviceSees(NVME, sys, buf, 0x300000n, 4096);
    await expectErrno(sys.destroy(fd, h), 'EBUSY');
    await sys.close(nvmeFd);
    expect((await t.hw.dma(NVME, 0x300000n, 8)).fault!.reason).toBe('DMA_FAULT_REASON_BLOCKED');
    await sys.destroy(fd, h);
    await sys.exit();
  });

  it('iommufd_mock_domain.alloc_hwpt on dmar1: NEST_PARENT is EOPNOTSUPP (no nesting), flags 0 works', async () => {
    const { sys, fd, devFd, devId, ioas } = await t.deviceSetup('vfio6');
    await expectErrno(sys.hwptAlloc(fd, devId, ioas, NEST_PARENT), 'EOPNOTSUPP');
    const h = await sys.hwptAlloc(fd, devId, ioas, 0);
    expect(await sys.attach(devFd, h)).toBe(h);
    await expectErrno(sys.destroy(fd, h), 'EBUSY');
    await sys.detach(devFd);
    await sys.destroy(fd, h);
    await sys.exit();
  });
});
