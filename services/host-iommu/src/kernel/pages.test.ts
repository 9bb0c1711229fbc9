/**
 * The compact per-mapping state of an IOAS (one IoptArea that is its own tree node, one Pages
 * holding one run and one pin user without arrays) keeps the io_pagetable semantics: pin users
 * shared by IOAS_COPY, runs split by partial unpins and merged back, the base and flags as given,
 * the area's packed fields.
 */
import { describe, expect, it } from 'vitest';
import { Host } from '../platform/host.js';
import { loadProfile } from '#libs/profile/profile.js';
import { IoptArea, IOMMU_READ, IOMMU_WRITE } from './ioas.js';
import { ACCOUNT_NONE, ACCOUNT_USER } from './pages.js';

const RW_FIXED = 1 | 2 | 4; // READABLE | WRITEABLE | FIXED_IOVA
const R_FIXED = 1 | 4;
const MAP_SHARED = 1;

function setup(pages = 8) {
  const host = new Host(loadProfile('intel-vtd'));
  const p = host.spawn(host.principal('root'), 'pages', 0);
  const ifd = host.open(p, '/dev/iommu', 2);
  const ctx = host.iommufd(p, ifd);
  const dfd = host.open(p, '/dev/vfio/devices/vfio0', 2);
  const vf = host.vfioDevice(p, dfd);
  vf.bind(p, ifd, 0);
  const ioas = ctx.ioasAlloc(p, 0);
  vf.attach(p, 0, ioas, 0);
  const mfd = host.memfdCreate(p, 'ram', 0);
  host.ftruncate(p, mfd, BigInt(pages) * 4096n);
  const va = host.mmap(p, { addr: 0n, length: BigInt(pages) * 4096n, prot: 3, flags: MAP_SHARED, fd: mfd, offset: 0n });
  const areaAt = (iova: bigint) => ctx.getIoas(ioas).iopt.areas.find(iova)!.value;
  return { host, p, ctx, ioas, va, areaAt };
}

describe('Pages: one run and one pin user held inline', () => {
  it('keeps base, kind, writable and account mode of an IoasMap at a VA above 2^38', () => {
    const s = setup();
    expect(s.va).toBeGreaterThan(1n << 38n);
    s.ctx.ioasMap(s.p, R_FIXED, s.ioas, s.va + 4096n, 2n * 4096n, 1n << 32n);
    const pg = s.areaAt(1n << 32n).pages;
    expect(pg.base).toBe(s.va + 4096n);
    expect(pg.kind).toBe('user');
    expect(pg.writable).toBe(false);
    expect(pg.accountMode).toBe(ACCOUNT_NONE); // root has CAP_IPC_LOCK
    expect(pg.npages).toBe(2);
    expect(pg.pinUsers).toBe(1);
    expect(pg.npinned).toBe(2);
    expect(pg.runs.length).toBe(1);
    expect(pg.runs[0]!.first).toBe(0);
    expect(pg.runs[0]!.n).toBe(2);
    expect(pg.pfnOf(1)).toBe(pg.runs[0]!.pfn + 1);
    expect(pg.pfnOf(2)).toBe(-1);
    expect(ACCOUNT_USER).not.toBe(pg.accountMode);
  });

  it('shares one pin among the IOAS_COPY users and unpins only what no user covers, splitting and merging runs', () => {
    const s = setup();
    const A = 1n << 32n;
    s.ctx.ioasMap(s.p, RW_FIXED, s.ioas, s.va, 4n * 4096n, A);
    const pg = s.areaAt(A).pages;
    const pfn0 = pg.runs[0]!.pfn;
    expect(s.p.pinnedPages).toBe(4);
    // pages 1..2 copied twice (users 2 and 3), page 3 once (user 4)
    s.ctx.ioasCopy(s.p, RW_FIXED, s.ioas, s.ioas, 2n * 4096n, 2n << 32n, A + 4096n);
    s.ctx.ioasCopy(s.p, RW_FIXED, s.ioas, s.ioas, 2n * 4096n, 3n << 32n, A + 4096n);
    s.ctx.ioasCopy(s.p, RW_FIXED, s.ioas, s.ioas, 4096n, 4n << 32n, A + 3n * 4096n);
    expect(s.areaAt(2n << 32n).pages).toBe(pg);
    expect(pg.pinUsers).toBe(4);
    expect(pg.refs).toBe(4);
    expect(pg.npinned).toBe(4);
    expect(s.p.pinnedPages).toBe(4);
    // the original goes: page 0 is unpinned, the run starts at page 1
    s.ctx.ioasUnmap(s.ioas, A, 4n * 4096n);
    expect(pg.pinUsers).toBe(3);
    expect(pg.npinned).toBe(3);
    expect(s.p.pinnedPages).toBe(3);
    expect(pg.runs.map((r) => [r.first, r.n, r.pfn - pfn0])).toEqual([[1, 3, 1]]);
    // the first copy goes: its pages are still covered by the second copy
    s.ctx.ioasUnmap(s.ioas, 2n << 32n, 2n * 4096n);
    expect(pg.pinUsers).toBe(2);
    expect(pg.npinned).toBe(3);
    // the second copy goes: pages 1..2 unpinned, page 3 stays (user 4)
    s.ctx.ioasUnmap(s.ioas, 3n << 32n, 2n * 4096n);
    expect(pg.pinUsers).toBe(1);
    expect(pg.runs.map((r) => [r.first, r.n, r.pfn - pfn0])).toEqual([[3, 1, 3]]);
    expect(s.p.pinnedPages).toBe(1);
    // a copy of page 3 again, and the last area: nothing left
    s.ctx.ioasCopy(s.p, RW_FIXED, s.ioas, s.ioas, 4096n, 5n << 32n, 4n << 32n);
    expect(pg.pinUsers).toBe(2);
    s.ctx.ioasUnmap(s.ioas, 4n << 32n, 4096n);
    s.ctx.ioasUnmap(s.ioas, 5n << 32n, 4096n);
    expect(pg.pinUsers).toBe(0);
    expect(pg.npinned).toBe(0);
    expect(pg.runs).toEqual([]);
    expect(pg.refs).toBe(0);
    expect(s.p.pinnedPages).toBe(0);
  });

  it('splits a run in the middle and merges it back when the hole is pinned again', () => {
    const s = setup();
    const A = 1n << 32n;
    // a second IOAS without a domain holds a copy that pins nothing: the source for re-pinning
    const spare = s.ctx.ioasAlloc(s.p, 0);
    s.ctx.ioasMap(s.p, RW_FIXED, s.ioas, s.va, 4n * 4096n, A);
    const pg = s.areaAt(A).pages;
    const pfn0 = pg.runs[0]!.pfn;
    s.ctx.ioasCopy(s.p, RW_FIXED, spare, s.ioas, 4n * 4096n, A, A);
    expect(pg.pinUsers).toBe(1);
    expect(pg.refs).toBe(2);
    s.ctx.ioasCopy(s.p, RW_FIXED, s.ioas, s.ioas, 4096n, 2n << 32n, A);
    s.ctx.ioasCopy(s.p, RW_FIXED, s.ioas, s.ioas, 4096n, 3n << 32n, A + 3n * 4096n);
    s.ctx.ioasUnmap(s.ioas, A, 4n * 4096n);
    expect(pg.runs.map((r) => [r.first, r.n, r.pfn - pfn0])).toEqual([
      [0, 1, 0],
      [3, 1, 3],
    ]);
    expect(pg.npinned).toBe(2);
    expect(s.p.pinnedPages).toBe(2);
    expect(pg.pfnOf(3)).toBe(pfn0 + 3);
    expect(pg.pfnOf(1)).toBe(-1);
    // pages 1..2 again, from the spare IOAS: the three runs become one
    s.ctx.ioasCopy(s.p, RW_FIXED, s.ioas, spare, 2n * 4096n, 4n << 32n, A + 4096n);
    expect(pg.runs.map((r) => [r.first, r.n, r.pfn - pfn0])).toEqual([[0, 4, 0]]);
    expect(pg.npinned).toBe(4);
    expect(pg.pinUsers).toBe(3);
    // the users go in another order than they came
    s.ctx.ioasUnmap(s.ioas, 3n << 32n, 4096n);
    expect(pg.runs.map((r) => [r.first, r.n])).toEqual([[0, 3]]);
    s.ctx.ioasUnmap(s.ioas, 2n << 32n, 4096n);
    expect(pg.runs.map((r) => [r.first, r.n, r.pfn - pfn0])).toEqual([[1, 2, 1]]);
    s.ctx.ioasUnmap(s.ioas, 4n << 32n, 2n * 4096n);
    expect(pg.runs.length).toBe(0);
    expect(pg.pinUsers).toBe(0);
    expect(s.p.pinnedPages).toBe(0);
    expect(pg.refs).toBe(1);
    s.ctx.ioasUnmap(spare, A, 4n * 4096n);
    expect(pg.refs).toBe(0);
  });
});

describe('IoptArea: the area is its own area-tree node', () => {
  it('packs page offset, prot and pinned, and refuses values that do not fit', () => {
    const s = setup();
    s.ctx.ioasMap(s.p, R_FIXED, s.ioas, s.va, 4096n, 1n << 32n);
    const a = s.areaAt(1n << 32n);
    expect(a).toBeInstanceOf(IoptArea);
    expect(a.value).toBe(a);
    expect(a.iova).toBe(1n << 32n);
    expect(a.start).toBe(a.iova);
    expect(a.last).toBe((1n << 32n) + 4095n);
    expect(a.prot).toBe(IOMMU_READ);
    expect(a.pinned).toBe(true);
    expect(a.pageOffset).toBe(0);
    const b = new IoptArea(0x10n, 0x2fn, a.pages, 0, 0xfff, IOMMU_READ | IOMMU_WRITE | 8);
    expect([b.pageOffset, b.prot, b.pinned]).toEqual([0xfff, 11, false]);
    b.pinned = true;
    expect([b.pageOffset, b.prot, b.pinned]).toEqual([0xfff, 11, true]);
    b.pinned = false;
    expect([b.pageOffset, b.prot, b.pinned]).toEqual([0xfff, 11, false]);
    expect(() => new IoptArea(0n, 1n, a.pages, 0, 4096, 1)).toThrow(RangeError);
    expect(() => new IoptArea(0n, 1n, a.pages, 0, -1, 1)).toThrow(RangeError);
    expect(() => new IoptArea(0n, 1n, a.pages, 0, 0, 16)).toThrow(RangeError);
  });

  it('an unmapped area leaves the tree; the tree stays valid through map, copy and unmap', () => {
    const s = setup();
    const iopt = s.ctx.getIoas(s.ioas).iopt;
    for (let i = 0; i < 6; i++) s.ctx.ioasMap(s.p, RW_FIXED, s.ioas, s.va + BigInt(i) * 4096n, 4096n, (1n << 32n) + BigInt(i) * 4096n);
    const a2 = s.areaAt((1n << 32n) + 2n * 4096n);
    iopt.areas.assertValid();
    s.ctx.ioasUnmap(s.ioas, (1n << 32n) + 2n * 4096n, 4096n);
    expect(a2.attached).toBe(false);
    expect(iopt.areas.size).toBe(5);
    iopt.areas.assertValid();
    expect([...iopt.areas].map((n) => Number((n.start - (1n << 32n)) >> 12n))).toEqual([0, 1, 3, 4, 5]);
    s.ctx.ioasUnmap(s.ioas, 0n, (1n << 64n) - 1n);
    expect(iopt.areas.size).toBe(0);
    expect(s.p.pinnedPages).toBe(0);
  });
});
