/**
 * The caching-mode shadow of assigned devices behind the intel-iommu (QEMU's MAP/UNMAP notifiers,
 * nesting-and-vtd.md §B.8), over the real translator and a recording host link: what reaches the
 * host IOAS after each invalidation, large leaves, costs bounded by what the guest mapped, table
 * loops, host failures.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { HostCallError, type HostLink } from '../hostlink/hostlink.js';
import type { IntelIommuSettings } from '../machine/config.js';
import { GuestRam } from '../machine/guest-ram.js';
import type { BackendVm, VfioRuntime } from '../machine/runtime.js';
import { VtdTranslator } from '../viommu/intel-iommu/translate.js';
import { VtdShadow } from './vtd-shadow.js';

const RAM = 64n << 20n;
const RAM_VA = 0x7f0000000000n;
const CFG: IntelIommuSettings = { awBits: 48, cachingMode: true, scalableMode: false, flts: false, pasidBits: 0, deviceIotlb: false, dmaDrain: true, snoopControl: false };
const SID = 0x18;
const DID = 7;

interface Area {
  iova: bigint;
  length: bigint;
  gpa: bigint;
  read: boolean;
  write: boolean;
}

/** The host IOAS as the shadow's ioctls leave it (FIXED_IOVA maps; unmaps of whole areas). */
class FakeHost {
  readonly areas = new Map<bigint, Area>();
  calls: string[] = [];
  failMapAt: bigint | undefined;
  link = {
    ioasMapFixed: async (_pid: number, _fd: number, _ioas: number, va: bigint, length: bigint, iova: bigint, read: boolean, write: boolean) => {
      this.calls.push(`map 0x${iova.toString(16)}+0x${length.toString(16)}`);
      if (iova === this.failMapAt) throw new HostCallError('INVALID_ARGUMENT', 'EINVAL', 'IoasMap: reserved IOVA', {}, 3);
      for (const a of this.areas.values()) if (iova < a.iova + a.length && a.iova < iova + length) throw new HostCallError('ALREADY_EXISTS', 'EEXIST', 'IoasMap: overlap', {}, 6);
      this.areas.set(iova, { iova, length, gpa: va - RAM_VA, read, write });
    },
    ioasUnmap: async (_pid: number, _fd: number, _ioas: number, iova: bigint, length: bigint) => {
      this.calls.push(`unmap 0x${iova.toString(16)}+0x${length.toString(16)}`);
      const a = this.areas.get(iova);
      if (!a || a.length !== length) throw new HostCallError('NOT_FOUND', 'ENOENT', 'IoasUnmap: no such area', {}, 5);
      this.areas.delete(iova);
      return length;
    },
    ioasUnmapAll: async () => {
      this.calls.push('unmap-all');
      this.areas.clear();
      return 0n;
    },
    iovaRanges: async () => [{ start: 0n, last: (1n << 48n) - 1n }],
  };
  list(): Array<[bigint, bigint, bigint]> {
    return [...this.areas.values()].sort((a, b) => (a.iova < b.iova ? -1 : 1)).map((a) => [a.iova, a.length, a.gpa]);
  }
}

function setup() {
  const ram = new GuestRam(RAM);
  let reads = 0;
  const mem = {
    read: (gpa: bigint, len: number) => {
      reads++;
      return ram.read(gpa, len);
    },
    write: (gpa: bigint, d: Uint8Array) => ram.write(gpa, d),
  };
  const tr = new VtdTranslator(mem, CFG);
  const host = new FakeHost();
  const rt = { cfg: { id: 'nic0', endpointId: SID }, iommufd: 3, ioas: 2, backend: 'EMULATED' } as unknown as VfioRuntime;
  const vm = { name: 'vm', cfg: { memoryBytes: RAM }, hostPid: 100, ramVa: RAM_VA, ramRanges: [{ gpa: 0n, size: RAM, offset: 0n }], vfio: new Map([['nic0', rt]]), vfioByEndpoint: () => rt } as unknown as BackendVm;
  const shadow = new VtdShadow(host.link as unknown as HostLink, vm, pino({ level: 'silent' }), CFG, tr);
  tr.onInvalidate = (s) => shadow.note(s);
  const q = (gpa: bigint, v: bigint) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v, true);
    ram.store(gpa, b);
  };
  // legacy root 0x100000 → context 0x101000 → PML4 0x102000 → PDPT 0x103000 → PD 0x104000 → PT 0x105000
  q(0x100000n, 0x101000n | 1n);
  q(0x101000n + BigInt(SID) * 16n, 0x102000n | 1n);
  q(0x101000n + BigInt(SID) * 16n + 8n, 2n | (BigInt(DID) << 8n));
  q(0x102000n, 0x103000n | 3n);
  q(0x103000n, 0x104000n | 3n);
  q(0x104000n, 0x105000n | 3n);
  const enable = async () => {
    tr.root = { rootGpa: 0x100000n, scalable: false, translationEnabled: true };
    tr.resetCaches();
    await shadow.drain();
  };
  return { ram, tr, host, rt, shadow, q, enable, reads: () => reads, resetReads: () => (reads = 0) };
}

describe('VtdShadow', () => {
  it('TE off → identity; TE on → the guest leaves, a 2M leaf as one area, R/W stacked over the levels', async () => {
    const s = setup();
    await s.shadow.sync(s.rt);
    expect(s.host.list()).toEqual([[0n, RAM, 0n]]);
    s.q(0x105000n + 0x10n * 8n, 0x200000n | 3n); // 0x10000 → 0x200000 RW
    s.q(0x104000n + 1n * 8n, 0x400000n | 0x80n | 1n); // 2M leaf at 0x200000 → 0x400000, R
    await s.enable();
    expect(s.host.list()).toEqual([
      [0x10000n, 0x1000n, 0x200000n],
      [0x200000n, 0x200000n, 0x400000n],
    ]);
    expect(s.host.areas.get(0x200000n)).toMatchObject({ read: true, write: false });
    expect(s.shadow.gpaOf(s.rt, 0x200123n)).toBe(0x400123n);
    expect(s.shadow.gpaOf(s.rt, 0x11000n)).toBeUndefined();
    // a read-only upper level takes W away from everything below it
    s.q(0x103000n, 0x104000n | 1n);
    await s.shadow.sync(s.rt);
    expect(s.host.areas.get(0x10000n)).toMatchObject({ read: true, write: false });
  });

  it('a PSI of the domain maps new and unmaps gone leaves in its range only; unchanged leaves are not touched', async () => {
    const s = setup();
    s.q(0x105000n + 0x10n * 8n, 0x200000n | 3n);
    await s.enable();
    s.host.calls = [];
    s.q(0x105000n + 0x11n * 8n, 0x201000n | 3n);
    s.q(0x105000n + 0x40n * 8n, 0x202000n | 3n); // outside the PSI below: stays unseen
    s.tr.invalidateIotlbPage(DID, 0x10000n, 1, false);
    s.tr.invalidateIotlbPage(DID + 1, 0x40000n, 0, false); // another domain: nothing
    await s.shadow.drain();
    expect(s.host.calls).toEqual(['map 0x11000+0x1000']);
    s.q(0x105000n + 0x10n * 8n, 0n);
    s.tr.invalidateIotlbPage(DID, 0x10000n, 0, false);
    await s.shadow.drain();
    expect(s.host.list()).toEqual([[0x11000n, 0x1000n, 0x201000n]]);
    // a domain invalidation brings in everything
    s.tr.invalidateIotlbDomain(DID);
    await s.shadow.drain();
    expect(s.host.list()).toEqual([
      [0x11000n, 0x1000n, 0x201000n],
      [0x40000n, 0x1000n, 0x202000n],
    ]);
  });

  it("a PSI with the largest address mask over sparse tables reads only the tables that exist, not 2^AM pages", async () => {
    const s = setup();
    s.q(0x105000n + 0x10n * 8n, 0x200000n | 3n);
    await s.enable();
    s.resetReads();
    s.tr.invalidateIotlbPage(DID, 0n, 18, false); // 2^18 pages = 1 GiB
    await s.shadow.drain();
    // context chain + at most one read per slot of the 4 tables on the path
    expect(s.reads()).toBeLessThan(4 * 512 + 16);
    expect(s.host.list()).toEqual([[0x10000n, 0x1000n, 0x200000n]]);
  });

  it('a guest table loop stops at the walk budget and leaves the host IOAS as it was', async () => {
    const s = setup();
    s.q(0x105000n + 0x10n * 8n, 0x200000n | 3n);
    await s.enable();
    // every PD entry points at the same PD: an aliasing loop of 512^2 leaves per PDPT entry
    for (let i = 0n; i < 512n; i++) s.q(0x103000n + i * 8n, 0x104000n | 3n);
    for (let i = 1n; i < 512n; i++) s.q(0x104000n + i * 8n, 0x104000n | 3n);
    for (let i = 1n; i < 512n; i++) s.q(0x102000n + i * 8n, 0x103000n | 3n);
    s.tr.invalidateIotlbGlobal();
    await s.shadow.drain();
    expect(s.shadow.truncated).toBe(1);
    expect(s.host.list()).toEqual([[0x10000n, 0x1000n, 0x200000n]]);
  });

  it('a leaf outside guest RAM is not mirrored; a host refusal is counted and the other leaves still go', async () => {
    const s = setup();
    s.q(0x105000n + 0x10n * 8n, (RAM + 0x1000n) | 3n);
    s.q(0x105000n + 0x11n * 8n, 0x201000n | 3n);
    s.q(0x105000n + 0x12n * 8n, 0x202000n | 3n);
    s.host.failMapAt = 0x11000n;
    await s.enable();
    expect(s.shadow.skipped).toBe(1);
    expect(s.shadow.hostFailures).toBe(1);
    expect(s.host.list()).toEqual([[0x12000n, 0x1000n, 0x202000n]]);
    // the next sync retries what the host refused
    s.host.failMapAt = undefined;
    s.tr.invalidateIotlbDomain(DID);
    await s.shadow.drain();
    expect(s.host.list()).toEqual([
      [0x11000n, 0x1000n, 0x201000n],
      [0x12000n, 0x1000n, 0x202000n],
    ]);
  });

  it('context not present → nothing mapped; TE off again → identity', async () => {
    const s = setup();
    s.q(0x105000n + 0x10n * 8n, 0x200000n | 3n);
    await s.enable();
    s.q(0x101000n + BigInt(SID) * 16n, 0n);
    s.tr.invalidateContextGlobal();
    await s.shadow.drain();
    expect(s.host.list()).toEqual([]);
    s.tr.root = { rootGpa: 0x100000n, scalable: false, translationEnabled: false };
    s.tr.resetCaches();
    await s.shadow.drain();
    expect(s.host.list()).toEqual([[0n, RAM, 0n]]);
  });
});
