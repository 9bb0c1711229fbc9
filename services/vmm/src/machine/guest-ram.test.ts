/** The vmm's copy of guest RAM the intel-iommu model reads (guest-ram.ts). */
import { describe, expect, it } from 'vitest';
import { GuestMemoryError, GuestRam } from './guest-ram.js';

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
