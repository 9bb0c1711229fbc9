/**
 * AddressSpace.read / write, the bulk paths (ReadMemory / WriteMemory, live migration): runs of
 * a plain file VMA read and written as one run of the file, COW overlay runs read as one run,
 * MMIO and the rest page by page. Checked against the page-by-page algorithm (pageFor then
 * MemFile.read / write per 4 KiB piece) on twin address spaces: same bytes, same errors (errno
 * and message, i.e. the same faulting address), same pages faulted in and charged.
 */
import { describe, expect, it } from 'vitest';
import { KernelError } from '#libs/errno/index.js';
import { MemFile, withFaultRollback, type MemCgroup } from '#libs/memory/file.js';
import { PhysicalMemory } from '#libs/memory/phys.js';
import type { OpenFile } from './files.js';
import { AddressSpace, MAP_FIXED, MAP_PRIVATE, MAP_SHARED, PROT_READ, PROT_WRITE, type MmioBacking } from './mm.js';

const P = 4096n;
const RW = PROT_READ | PROT_WRITE;

class Cg implements MemCgroup {
  pages = 0;
  chargeMemory(n: number): void {
    this.pages += n;
  }
  unchargeMemory(n: number): void {
    this.pages -= n;
  }
}

/** A fake MMIO region: reads return offset-derived bytes; writes are logged. */
function mmio(log: string[]): MmioBacking {
  return {
    physBase: 0xf000_0000n,
    describe: 'bar0',
    holder: { get() {}, put() {} } as unknown as OpenFile,
    read(offset, length) {
      log.push(`r ${offset} ${length}`);
      const b = new Uint8Array(length);
      for (let i = 0; i < length; i++) b[i] = Number((offset + BigInt(i)) % 251n) + 1;
      return b;
    },
    write(offset, data) {
      log.push(`w ${offset} ${data.length}`);
    },
  };
}

/**
 * A layout with every kind of VMA, back to back and with gaps:
 *   A [0x100000, +4 pages)  shared memfd `ram` at file offset 2 pages
 *   B [A end,    +3 pages)  shared memfd `ram2` (adjacent to A)
 *   C [B end,    +4 pages)  private mapping of `ram` (COW overlay), from offset 0
 *   D [C end,    +2 pages)  MMIO
 *   gap of 1 page
 *   E [.., +3 pages)        anonymous, read-only
 *   F [.., +4 pages)        shared memfd `short`, 2.5 pages long (pages 3, 4 past its end: SIGBUS)
 */
function layout() {
  const mem = new PhysicalMemory({ ramBytes: 1n << 30n });
  const cg = new Cg();
  const as = new AddressSpace(mem, cg);
  const log: string[] = [];
  const ram = new MemFile(mem, 'ram');
  ram.truncate(8n * P);
  const ram2 = new MemFile(mem, 'ram2');
  ram2.truncate(3n * P);
  const short = new MemFile(mem, 'short');
  short.truncate(2n * P + 2048n);
  const fileCg = new Cg();
  // file contents written through the files (not through the mappings)
  for (let i = 0; i < 8; i++) if (i !== 3) ram.write(BigInt(i) * P + 10n, pattern(4000, i + 1), fileCg);
  ram2.write(P - 5n, pattern(20, 50), fileCg);
  short.write(0n, pattern(2 * 4096 + 2048, 60), fileCg);
  const base = 0x100000n;
  const fixed = MAP_FIXED;
  const A = as.mmap({ addr: base, length: 4n * P, prot: RW, flags: MAP_SHARED | fixed, file: ram, offset: 2n * P });
  const B = as.mmap({ addr: A + 4n * P, length: 3n * P, prot: RW, flags: MAP_SHARED | fixed, file: ram2, offset: 0n });
  const C = as.mmap({ addr: B + 3n * P, length: 4n * P, prot: RW, flags: MAP_PRIVATE | fixed, file: ram, offset: 0n });
  const D = as.mmap({ addr: C + 4n * P, length: 2n * P, prot: RW, flags: MAP_SHARED | fixed, offset: 0x1000n, mmio: mmio(log) });
  const E = as.mmap({ addr: D + 3n * P, length: 3n * P, prot: PROT_READ, flags: MAP_PRIVATE | fixed, offset: 0n });
  const F = as.mmap({ addr: E + 3n * P, length: 4n * P, prot: RW, flags: MAP_SHARED | fixed, file: short, offset: 0n });
  // COW pages 1 and 2 of C (page 2 holds a copy of a file page, then is changed)
  as.write(C + P + 100n, pattern(300, 70));
  as.write(C + 2n * P + 4000n, pattern(50, 71));
  return { mem, cg, as, log, files: [ram, ram2, short], A, B, C, D, E, F, end: F + 4n * P };
}

function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = ((i * 13 + seed * 29) % 253) + 1;
  return b;
}

/** The page-by-page algorithm AddressSpace.read had: the reference. */
function readRef(as: AddressSpace, va: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const a = va + BigInt(done);
    const inPage = Number(a & 0xfffn);
    const n = Math.min(length - done, 4096 - inPage);
    const { page, vma } = as.pageFor(a, false);
    if (page) out.set(page.file.read((BigInt(page.pageIndex) << 12n) + BigInt(inPage), n), done);
    else out.set(vma.mmio!.read(a - vma.start + vma.fileOffset, n), done);
    done += n;
  }
  return out;
}

/** The page-by-page algorithm AddressSpace.write had: the reference. */
function writeRef(as: AddressSpace, va: bigint, data: Uint8Array): void {
  withFaultRollback(as.mem, () => {
    for (let a = va - (va % 4096n); a < va + BigInt(data.length); a += 4096n) as.pageFor(a, true);
    let done = 0;
    while (done < data.length) {
      const a = va + BigInt(done);
      const inPage = Number(a & 0xfffn);
      const n = Math.min(data.length - done, 4096 - inPage);
      const { page, vma } = as.pageFor(a, true);
      const chunk = data.subarray(done, done + n);
      if (page) page.file.write((BigInt(page.pageIndex) << 12n) + BigInt(inPage), chunk, as.cgroup);
      else vma.mmio!.write(a - vma.start + vma.fileOffset, chunk);
      done += n;
    }
  });
}

function outcome(fn: () => unknown): unknown {
  try {
    return { ok: fn() ?? null };
  } catch (e) {
    if (!(e instanceof KernelError)) throw e;
    return { errno: e.errno, message: e.message };
  }
}

/** Everything observable of a layout: all mapped bytes (by the reference), frames, charges, MMIO log. */
function state(l: ReturnType<typeof layout>): unknown {
  const bytes: unknown[] = [];
  for (const v of l.as.vmas) bytes.push(outcome(() => Array.from(readRef(l.as, v.start, Number(v.end - v.start)))));
  return { bytes, frames: l.mem.dataFramesInUse, charged: l.cg.pages, present: l.files.map((f) => f.pagesPresent), log: [...l.log] };
}

describe('AddressSpace.read / write bulk paths', () => {
  it('read across two adjacent VMAs of different files returns each file’s bytes', () => {
    const { as, A, B, files } = layout();
    const [ram, ram2] = files;
    expect(B).toBe(A + 4n * P);
    const got = as.read(A + 4n * P - 30n, 60);
    expect(got.subarray(0, 30)).toEqual(ram!.read(6n * P - 30n, 30));
    expect(got.subarray(30)).toEqual(ram2!.read(0n, 30));
    // a whole run of A: pages 2..5 of ram, page 3 (file page 5) partly absent
    expect(as.read(A, 4 * 4096)).toEqual(ram!.read(2n * P, 4 * 4096));
  });

  it('read across a private mapping shows COW copies over the file, and the file is unchanged', () => {
    const { as, B, C, files } = layout();
    const ram = files[0]!;
    const got = as.read(C - 8n, Number(4n * P + 8n));
    expect(got.subarray(0, 8)).toEqual(files[1]!.read(3n * P - 8n, 8));
    const c = got.subarray(8);
    // page 0 and 3 read through to the file
    expect(c.subarray(0, 4096)).toEqual(ram.read(0n, 4096));
    expect(c.subarray(3 * 4096)).toEqual(ram.read(3n * P, 4096));
    // page 1: a copy of file page 1 with the write on top; page 2 likewise
    const p1 = ram.read(P, 4096);
    p1.set(pattern(300, 70), 100);
    expect(c.subarray(4096, 8192)).toEqual(p1);
    const p2 = ram.read(2n * P, 4096);
    p2.set(pattern(50, 71), 4000);
    expect(c.subarray(8192, 3 * 4096)).toEqual(p2);
    // the file itself was not written
    expect(ram.read(P + 100n, 300)).not.toEqual(pattern(300, 70));
    expect(B).toBeLessThan(C);
  });

  it('errors name the same faulting address as page by page: past the file end, a gap, a read-only VMA', () => {
    const { as, F, D, E } = layout();
    expect(() => as.read(F + 2n * P + 4000n, 200)).toThrow(`EFAULT: address 0x${(F + 3n * P).toString(16)} is past the end of short (SIGBUS)`);
    expect(() => as.read(F + 3n * P + 5n, 1)).toThrow(`EFAULT: address 0x${(F + 3n * P + 5n).toString(16)} is past the end of short (SIGBUS)`);
    expect(() => as.read(D + P, 4097)).toThrow(`EFAULT: address 0x${(D + 2n * P).toString(16)} is not mapped`);
    expect(() => as.write(E - 10n, new Uint8Array(20))).toThrow(`EFAULT: address 0x${(E - P).toString(16)} is not mapped`);
    expect(() => as.write(E + 10n, new Uint8Array(20))).toThrow(`EFAULT: address 0x${E.toString(16)} is not writable`);
    expect(() => as.write(F + 2n * P, new Uint8Array(4097))).toThrow(`EFAULT: address 0x${(F + 3n * P).toString(16)} is past the end of short (SIGBUS)`);
  });

  it('matches the page-by-page algorithm for reads and writes at every kind of boundary', () => {
    const ref = layout();
    const got = layout();
    expect(state(got)).toEqual(state(ref));
    const { A, C, D, E, F, end } = ref;
    // starts: VMA starts and ends ± a few bytes, page middles; lengths up to several pages
    const starts = new Set<bigint>();
    for (const v of [A, A + 4n * P, C, C + P, C + 3n * P, D, D + P, E, F, F + 2n * P, end]) {
      for (const d of [-4097n, -4096n, -5n, 0n, 1n, 2047n, 4095n]) starts.add(v + d);
    }
    const lengths = [0, 1, 7, 4096, 4097, 3 * 4096 - 3, 9 * 4096 + 5];
    let seed = 1;
    for (const va of starts) {
      for (const len of lengths) {
        const r = outcome(() => Array.from(readRef(ref.as, va, len)));
        expect(outcome(() => Array.from(got.as.read(va, len))), `read 0x${va.toString(16)} +${len}`).toEqual(r);
        const data = pattern(len, seed++);
        const w = outcome(() => writeRef(ref.as, va, data));
        expect(outcome(() => got.as.write(va, data)), `write 0x${va.toString(16)} +${len}`).toEqual(w);
      }
    }
    expect(state(got)).toEqual(state(ref));
  });

  it('an overlay run stops at the VMA end (overlay pages past it belong to no page of this VMA)', () => {
    const { as, cg, C, D, log } = layout();
    const c = as.find(C)!;
    // fault overlay pages right after C's end (as if a split left the overlay shared)
    for (const oi of [3, 4, 5]) c.overlay!.frameOf(oi, cg);
    as.write(C + 3n * P, pattern(4096, 80));
    const got = as.read(C + 3n * P, 3 * 4096);
    expect(got.subarray(0, 4096)).toEqual(pattern(4096, 80));
    expect(got.subarray(4096)).toEqual(readRef(as, D, 2 * 4096));
    expect(log.filter((e) => e.startsWith('r ')).length).toBe(4); // page by page, twice
  });

  it('reads a run in one pass into fresh memory: absent file pages and untouched COW copies are zeros', () => {
    const { as, C, E } = layout();
    expect(as.read(E, 3 * 4096).every((b) => b === 0)).toBe(true);
    // COW of a page never written in the file: the copy has no bytes and reads as zero
    as.write(C + 3n * P + 10n, new Uint8Array(0));
    const page3 = as.read(C + 3n * P, 4096);
    expect(page3.subarray(0, 10).every((b) => b === 0)).toBe(true);
  });
});
