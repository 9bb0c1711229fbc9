/** The vmm's copy of guest RAM the intel-iommu model reads (guest-ram.ts). */
import { describe, expect, it } from 'vitest';
import { GuestMemoryError, GuestRam, overlapsRam, ramLastGpa, ramLayout, ramOffsetOf } from './guest-ram.js';

describe('GuestRam', () => {
  it('reads zero where nothing was written, across page boundaries', () => {
    const r = new GuestRam(1n << 20n);
    r.store(0xff8n, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect([...r.read(0xffcn, 8)]).toEqual([5, 6, 7, 8, 9, 10, 0, 0]);
    expect([...r.read(0x5000n, 4)]).toEqual([0, 0, 0, 0]);
    expect(r.residentPages).toBe(2);
  });

  it('keeps only pages holding data: storing zeros into an absent page allocates nothing', () => {
    const r = new GuestRam(1n << 30n);
    r.store(0n, new Uint8Array(1 << 20));
    expect(r.residentPages).toBe(0);
  });

  it("queues the model's writes for the host in order; stores from the host are not queued", () => {
    const r = new GuestRam(1n << 20n);
    r.store(0x100n, Uint8Array.from([9]));
    r.write(0x200n, Uint8Array.from([1, 2]));
    r.write(0x200n, Uint8Array.from([3]));
    expect([...r.read(0x200n, 2)]).toEqual([3, 2]);
    const p = r.takePending();
    expect(p.map((w) => [w.gpa, [...w.data]])).toEqual([
      [0x200n, [1, 2]],
      [0x200n, [3]],
    ]);
    expect(r.hasPending).toBe(false);
    expect(r.flushedWrites).toBe(2);
  });

  it('refuses any access outside guest RAM with a GuestMemoryError, changing nothing', () => {
    const r = new GuestRam(0x2000n);
    expect(() => r.read(0x1ffcn, 8)).toThrow(GuestMemoryError);
    expect(() => r.write(0x2000n, Uint8Array.from([1]))).toThrow(GuestMemoryError);
    expect(() => r.store(-1n, Uint8Array.from([1]))).toThrow(GuestMemoryError);
    expect(r.hasPending).toBe(false);
    expect(r.residentPages).toBe(0);
  });
});

describe('ramLayout: QEMU machine memory maps', () => {
  const GiB = 1n << 30n;
  const MiB = 1n << 20n;

  it('q35 below 0xb0000000: all of RAM from GPA 0, memfd offset = GPA', () => {
    expect(ramLayout('q35', 64n * MiB)).toEqual([{ gpa: 0n, size: 64n * MiB, offset: 0n }]);
    expect(ramLayout('q35', 0xb0000000n - 2n * MiB)).toEqual([{ gpa: 0n, size: 0xafe00000n, offset: 0n }]);
  });

  it('q35 from 0xb0000000 on: 2 GiB below 4 GiB (lowmem), the rest from 4 GiB at memfd offset 2 GiB', () => {
    expect(ramLayout('q35', 0xb0000000n)).toEqual([
      { gpa: 0n, size: 2n * GiB, offset: 0n },
      { gpa: 4n * GiB, size: 0x30000000n, offset: 2n * GiB },
    ]);
    expect(ramLayout('q35', 4n * GiB)).toEqual([
      { gpa: 0n, size: 2n * GiB, offset: 0n },
      { gpa: 4n * GiB, size: 2n * GiB, offset: 2n * GiB },
    ]);
  });

  it('virt: all of RAM at 0x4000_0000', () => {
    expect(ramLayout('virt', 4n * GiB)).toEqual([{ gpa: 0x40000000n, size: 4n * GiB, offset: 0n }]);
  });

  it('ramOffsetOf: inside one range only; the hole, the MSI window, the DMAR unit and straddles are not RAM', () => {
    const r = ramLayout('q35', 4n * GiB);
    expect(ramOffsetOf(r, 2n * GiB - 16n, 16n)).toBe(2n * GiB - 16n);
    expect(ramOffsetOf(r, 2n * GiB - 8n, 16n)).toBeUndefined();
    expect(ramOffsetOf(r, 2n * GiB)).toBeUndefined();
    expect(ramOffsetOf(r, 0xfee00000n, 4n)).toBeUndefined();
    expect(ramOffsetOf(r, 0xfed90000n, 8n)).toBeUndefined();
    expect(ramOffsetOf(r, 4n * GiB - 4n, 8n)).toBeUndefined();
    expect(ramOffsetOf(r, 4n * GiB + 0x1234n, 4n)).toBe(2n * GiB + 0x1234n);
    expect(ramOffsetOf(r, 6n * GiB - 4n, 4n)).toBe(4n * GiB - 4n);
    expect(ramOffsetOf(r, 6n * GiB - 2n, 4n)).toBeUndefined();
    expect(ramOffsetOf(r, -1n, 1n)).toBeUndefined();
    expect(ramLastGpa(r)).toBe(6n * GiB - 1n);
    expect(overlapsRam(r, 0xfee00000n, 0xfeefffffn)).toBe(false);
    expect(overlapsRam(r, 2n * GiB - 1n, 3n * GiB)).toBe(true);
    expect(overlapsRam(r, 3n * GiB, 4n * GiB)).toBe(true);
  });

  it('GuestRam over a split layout keeps data by GPA and refuses the hole', () => {
    const ram = new GuestRam(ramLayout('q35', 4n * GiB));
    expect(ram.size).toBe(4n * GiB);
    ram.store(4n * GiB + 0xff8n, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect([...ram.read(4n * GiB + 0xffcn, 6)]).toEqual([5, 6, 7, 8, 9, 0]);
    expect([...ram.read(0xffcn, 4)]).toEqual([0, 0, 0, 0]); // low GPA 0xffc is another page than 4 GiB + 0xffc
    expect(() => ram.read(2n * GiB, 4)).toThrow(GuestMemoryError);
    expect(() => ram.write(0xfee00000n, Uint8Array.from([1]))).toThrow(GuestMemoryError);
    expect(() => ram.store(2n * GiB - 2n, Uint8Array.from([1, 2, 3, 4]))).toThrow(GuestMemoryError);
    expect(ram.read(2n * GiB, 0).length).toBe(0); // an empty access at the end of low RAM
    expect(ram.hasPending).toBe(false);
    expect(ram.residentPages).toBe(2);
  });
});
