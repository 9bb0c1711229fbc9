/**
 * MemFile.readInto (the allocation-free bulk read Mm.read and live migration use) and the Number
 * fast path of read/write: absent or never-written pages read as zeros even into a dirty buffer,
 * unaligned offsets, ranges crossing pages and folios, outOffset > 0, offsets past 2^53 (the
 * BigInt path), and bytes outside the target range left alone.
 */
import { describe, expect, it } from 'vitest';
import { MemFile, type MemCgroup } from './file.js';
import { PhysicalMemory } from './phys.js';

const GiB = 1n << 30n;

const cg: MemCgroup = { chargeMemory() {}, unchargeMemory() {} };

/** A file with a byte model of its first `bytes` bytes; some pages written, others absent. */
function setup(folioOrder = 0, base = 0n) {
  const mem = new PhysicalMemory({ ramBytes: 1n * GiB });
  const f = new MemFile(mem, 'ram', folioOrder);
  f.get();
  f.truncate(base + (64n << 20n));
  const model = new Uint8Array(8 * 4096);
  const put = (off: number, bytes: Uint8Array) => {
    f.write(base + BigInt(off), bytes, cg);
    model.set(bytes, off);
  };
  // page 0 partly written, page 1 absent, pages 2-3 written across their boundary, page 4 absent,
  // page 5 fully written, page 6 present (faulted in) but never written, page 7 absent
  put(100, fill(200, 1));
  put(2 * 4096 + 4000, fill(300, 2));
  put(5 * 4096, fill(4096, 3));
  expect(f.frameOf(6 + Number(base >> 12n), cg)).toBeGreaterThanOrEqual(0);
  return { mem, f, model };
}

function fill(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = ((i * 31 + seed * 17) % 255) + 1; // never 0
  return b;
}

describe('MemFile.readInto', () => {
  for (const [what, order, base] of [
    ['4 KiB folios', 0, 0n],
    ['2 MiB folios', 9, 0n],
    ['offsets past 2^53 (BigInt path)', 0, 1n << 60n],
  ] as const) {
    it(`matches the file's bytes for every alignment, into a dirty buffer at outOffset > 0 (${what})`, () => {
      const { f, model } = setup(order, base);
      const cases: Array<[number, number]> = [
        [0, 8 * 4096], // everything
        [4096, 4096], // one absent page
        [6 * 4096, 4096], // present, never written
        [50, 300], // inside page 0, around the written bytes
        [4000, 200], // page 0 → absent page 1
        [4095, 2], // one byte either side of a boundary
        [2 * 4096 + 3990, 320], // across the written 2|3 boundary
        [3 * 4096 + 7, 3 * 4096], // page 3 (partly written) → absent 4 → full 5 → into never-written 6
        [7 * 4096 + 4095, 1],
        [123, 0],
      ];
      for (const [off, len] of cases) {
        for (const outOffset of [0, 1, 4096, 5000]) {
          const out = new Uint8Array(outOffset + len + 37).fill(0xee);
          f.readInto(base + BigInt(off), out, outOffset, len);
          expect(out.subarray(outOffset, outOffset + len)).toEqual(model.subarray(off, off + len));
          // nothing outside the target range is touched
          expect(out.subarray(0, outOffset).every((b) => b === 0xee)).toBe(true);
          expect(out.subarray(outOffset + len).every((b) => b === 0xee)).toBe(true);
          expect(f.read(base + BigInt(off), len)).toEqual(model.subarray(off, off + len));
        }
      }
    });
  }

  it('absent pages overwrite stale bytes with zeros when the buffer is reused', () => {
    const { f } = setup();
    const out = new Uint8Array(3 * 4096);
    f.readInto(4n * 4096n, out, 0, out.length); // absent, full, present-unwritten
    expect(out.subarray(0, 4096).every((b) => b === 0)).toBe(true);
    expect(out.subarray(4096, 8192)).toEqual(fill(4096, 3));
    out.fill(0x5a);
    f.readInto(6n * 4096n, out, 0, 2 * 4096); // never-written then absent
    expect(out.subarray(0, 8192).every((b) => b === 0)).toBe(true);
    expect(out.subarray(8192).every((b) => b === 0x5a)).toBe(true);
  });

  it('refuses a target range outside the buffer, and does not fault pages in', () => {
    const { mem, f } = setup();
    const used = mem.dataFramesInUse;
    expect(() => f.readInto(0n, new Uint8Array(10), 5, 6)).toThrow(RangeError);
    expect(() => f.readInto(0n, new Uint8Array(10), -1, 2)).toThrow(RangeError);
    expect(() => f.readInto(0n, new Uint8Array(10), 0, -1)).toThrow(RangeError);
    f.readInto(4096n * 20n, new Uint8Array(1 << 20), 0, 1 << 20);
    expect(mem.dataFramesInUse).toBe(used);
  });

  it('write across pages at unaligned offsets (Number and BigInt paths) reads back', () => {
    for (const base of [0n, (1n << 53n) - 8192n + 5n, 1n << 60n]) {
      const mem = new PhysicalMemory({ ramBytes: 1n * GiB });
      const f = new MemFile(mem, 'w');
      f.get();
      f.truncate(base + (1n << 20n));
      const data = fill(3 * 4096 + 11, 9);
      f.write(base + 4093n, data, cg);
      expect(f.read(base + 4093n, data.length)).toEqual(data);
      expect(f.read(base + 4090n, 3)).toEqual(new Uint8Array(3));
      const o = base + 4093n;
      expect(f.pagesPresent).toBe(Number((o + BigInt(data.length) - 1n) / 4096n - o / 4096n + 1n));
    }
  });
});
