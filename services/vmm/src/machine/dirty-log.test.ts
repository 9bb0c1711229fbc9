import { describe, expect, it } from 'vitest';
import { DomainError } from '#libs/errno/index.js';
import { dirtyLogOf, DirtyLog, dirtyPageGpas, dirtyRuns, markDirty } from './dirty-log.js';
import { Q35_ABOVE_4G, ramLayout } from './guest-ram.js';

const GiB = 1n << 30n;
// q35 with 3 GiB: [0, 2 GiB) and [4 GiB, 5 GiB)
const LAYOUT = ramLayout('q35', 3n * GiB);

function reason(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return (e as DomainError).reason;
  }
  throw new Error('did not throw');
}

describe('DirtyLog (the vmm\'s migration dirty bitmap of guest RAM)', () => {
  it('off by default: mark does nothing, collect/stop refuse; start allocates one bit per page of each RAM range', () => {
    const log = new DirtyLog(() => LAYOUT);
    expect(log.active).toBe(false);
    log.mark(0x1000n, 4096);
    expect(reason(() => log.collect())).toBe('DIRTY_LOG_OFF');
    expect(reason(() => log.stop())).toBe('DIRTY_LOG_OFF');
    log.start();
    expect(reason(() => log.start())).toBe('DIRTY_LOG_ACTIVE');
    const r = log.collect();
    expect([...dirtyPageGpas(r)]).toEqual([]);
    expect(r.ranges.map((x) => [x.gpa, x.size, x.bitmap.length])).toEqual([
      [0n, 2n * GiB, (2 * 2 ** 30) / 4096 / 8],
      [Q35_ABOVE_4G, GiB, 2 ** 30 / 4096 / 8],
    ]);
  });

  it('marks exactly the pages a write touches, across a page boundary and in the high range; collect reads and clears', () => {
    const log = new DirtyLog(() => LAYOUT);
    log.start();
    log.mark(0x1ffcn, 8); // pages 1 and 2
    log.mark(0x5000n, 1); // page 5
    log.mark(Q35_ABOVE_4G + 0x3000n, 0x2000); // high pages 3, 4
    log.mark(0x9000n, 0); // nothing
    expect(log.dirtyPages).toBe(5);
    const r = log.collect();
    expect([...dirtyPageGpas(r)]).toEqual([0x1000n, 0x2000n, 0x5000n, Q35_ABOVE_4G + 0x3000n, Q35_ABOVE_4G + 0x4000n]);
    expect(r.ranges[0]!.bitmap[0]).toBe(0b0010_0110);
    expect(dirtyRuns(r)).toEqual([
      { gpa: 0x1000n, length: 0x2000n },
      { gpa: 0x5000n, length: 0x1000n },
      { gpa: Q35_ABOVE_4G + 0x3000n, length: 0x2000n },
    ]);
    expect(log.dirtyPages).toBe(0);
    expect([...dirtyPageGpas(log.collect())]).toEqual([]);
    log.mark(0x1000n, 1);
    expect([...dirtyPageGpas(log.collect())]).toEqual([0x1000n]);
  });

  it('a large write fills whole bytes (bit-exact at both edges); non-RAM parts (the PCI hole) are not logged', () => {
    const log = new DirtyLog(() => LAYOUT);
    log.start();
    // pages 3 .. 40 (38 pages): bits 3..7 of byte 0, bytes 1..4, bit 0 of byte 5
    log.mark(0x3000n, 38 * 4096);
    const bm = log.collect().ranges[0]!.bitmap;
    expect([...bm.subarray(0, 6)]).toEqual([0xf8, 0xff, 0xff, 0xff, 0xff, 0x01]);
    // a write straddling the end of low RAM and the hole: only the RAM page is dirty
    log.mark(2n * GiB - 0x1000n, 0x10000);
    log.mark(0xfed90000n, 0x1000); // DMAR MMIO
    const r = log.collect();
    expect([...dirtyPageGpas(r)]).toEqual([2n * GiB - 0x1000n]);
  });

  it('all of RAM marked: every page counted, one run; stop frees and a restart begins clean', () => {
    const layout = ramLayout('virt', 64n << 20n);
    const log = new DirtyLog(() => layout);
    log.start();
    for (const x of layout) log.mark(x.gpa, x.size);
    expect(log.dirtyPages).toBe((64 << 20) / 4096);
    const r = log.collect();
    expect(dirtyRuns(r)).toEqual([{ gpa: 0x4000_0000n, length: 64n << 20n }]);
    log.mark(0x4000_0000n, 1);
    log.stop();
    expect(log.active).toBe(false);
    log.start();
    expect(log.dirtyPages).toBe(0);
    expect([...dirtyPageGpas(log.collect())]).toEqual([]);
  });

  it('a RAM size that is not a page multiple (never a VM\'s: RAM ranges are 2 MiB multiples): the last partial page is tracked', () => {
    const log = new DirtyLog(() => [{ gpa: 0n, size: 0x2800n, offset: 0n }]);
    log.start();
    log.mark(0x2400n, 0x100);
    const r = log.collect();
    expect([...dirtyPageGpas(r)]).toEqual([0x2000n]);
  });

  it('per VM: dirtyLogOf makes one log per VM object, markDirty marks only a started log and allocates nothing otherwise', () => {
    const vmA = { ramRanges: LAYOUT };
    const vmB = { ramRanges: LAYOUT };
    markDirty(vmA, 0x1000n, 10); // no log yet: nothing happens
    const a = dirtyLogOf(vmA);
    expect(dirtyLogOf(vmA)).toBe(a);
    expect(dirtyLogOf(vmB)).not.toBe(a);
    a.start();
    markDirty(vmA, 0x1000n, 10);
    markDirty(vmB, 0x2000n, 10);
    expect([...dirtyPageGpas(a.collect())]).toEqual([0x1000n]);
    expect(dirtyLogOf(vmB).active).toBe(false);
  });

  it('cost is bounded by RAM size: 1 TiB of RAM is a 32 MiB bitmap, a 16 MiB write sets 4096 bits quickly', () => {
    const log = new DirtyLog(() => [{ gpa: 0n, size: 1n << 40n, offset: 0n }]);
    log.start();
    const t0 = performance.now();
    for (let i = 0n; i < 64n; i++) log.mark(i * (16n << 20n), 16 << 20);
    const ms = performance.now() - t0;
    expect(log.dirtyPages).toBe(64 * 4096);
    const r = log.collect();
    expect(r.ranges[0]!.bitmap.length).toBe(32 << 20);
    expect(ms).toBeLessThan(200);
  });
});
