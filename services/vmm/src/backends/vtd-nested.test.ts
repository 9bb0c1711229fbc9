/**
 * VtdNested against a recording host link: the host calls QEMU's x-flts makes (§B.9 of
 * shared/reference/nesting-and-vtd.md), their order, the VTD_S1 data and invalidation entries
 * byte for byte (§A.1/A.2), and the ordering of binding changes and invalidations in queue order.
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { HostCallError, type HostLink } from '../hostlink/hostlink.js';
import type { BackendVm, VfioRuntime } from '../machine/runtime.js';
import { packS1, s1DataOf, VtdNested, type NestedTranslator } from './vtd-nested.js';

const U64_MAX = (1n << 64n) - 1n;

class FakeLink {
  calls: string[] = [];
  next = 100;
  failAttachOf = new Set<number>();
  invalidations: Array<{ hwpt: number; type: number; len: number; entries: Uint8Array }> = [];
  async ioasAlloc() {
    this.calls.push('ioasAlloc');
    return this.next++;
  }
  async hwptAlloc(_pid: number, _fd: number, devId: number, ptId: number, flags: number, dataType = 0, data?: Uint8Array) {
    const id = this.next++;
    this.calls.push(`hwptAlloc dev=${devId} pt=${ptId} flags=${flags} type=${dataType}${data ? ` data=${Buffer.from(data).toString('hex')}` : ''} → ${id}`);
    return id;
  }
  async attach(_pid: number, _fd: number, pt: number) {
    this.calls.push(`attach ${pt}`);
    if (this.failAttachOf.has(pt)) throw new HostCallError('INVALID_ARGUMENT', 'EINVAL', 'attach refused', {}, 3);
    return pt;
  }
  async detach() {
    this.calls.push('detach');
  }
  async destroy(_pid: number, _fd: number, id: number) {
    this.calls.push(`destroy ${id}`);
  }
  async iovaRanges() {
    return [{ start: 0n, last: 0xfedfffffn }, { start: 0xfef00000n, last: (1n << 48n) - 1n }];
  }
  async ioasMapFixed(_pid: number, _fd: number, ioas: number, va: bigint, len: bigint, iova: bigint) {
    this.calls.push(`map ioas=${ioas} iova=0x${iova.toString(16)} len=0x${len.toString(16)} va=0x${va.toString(16)}`);
  }
  async ioasUnmap() {
    return 0n;
  }
  async invalidate(_pid: number, _fd: number, hwpt: number, type: number, len: number, entries: Uint8Array) {
    this.calls.push(`invalidate ${hwpt}`);
    this.invalidations.push({ hwpt, type, len, entries });
    return 1;
  }
}

function setup() {
  const link = new FakeLink();
  const rt: VfioRuntime = {
    cfg: { kind: 'vfio', id: 'nic0', guestBdf: '0000:00:03.0', endpointId: 0x18, hostBdf: '0000:01:00.0', iommufd: 'iommufd0', backend: 'NESTED', legacyContainer: false },
    host: { bdf: '0000:01:00.0', cdev: 'vfio0', group: 1, unit: 'dmar0', driver: 'vfio-pci', reservedRegions: [] },
    iommufd: 3,
    deviceFd: 4,
    devId: 1,
    ioas: 0,
    hwpt: 0,
    backend: 'NESTED',
    ownFd: false,
  };
  const vfio = new Map([[rt.cfg.id, rt]]);
  const vm = {
    name: 'vm',
    cfg: {} as never,
    hostPid: 42,
    ramVa: 0x7f0000000000n,
    ramRanges: [{ gpa: 0n, size: 64n << 20n, offset: 0n }],
    vfio,
    vfioByEndpoint: () => rt,
  } satisfies BackendVm;
  const spaces: number[] = [];
  const tr: NestedTranslator = { root: { rootGpa: 0x1000n, scalable: true, translationEnabled: true }, addAddressSpace: (sid) => void spaces.push(sid) };
  const n = new VtdNested(link as unknown as HostLink, vm, pino({ level: 'silent' }), tr);
  return { link, rt, n, tr, spaces };
}

/** A first-stage PASID entry: PGTT FST, DID, FSPTPTR with SRE / WPE / EAFE / FSPM bits. */
function fsEntry(did: number, fsptptr: bigint, bits = 0n): bigint[] {
  return [(1n << 6n) | 1n, BigInt(did), fsptptr | bits, 0n, 0n, 0n, 0n, 0n];
}

function inv(e: Uint8Array) {
  const v = new DataView(e.buffer, e.byteOffset, e.byteLength);
  return { addr: v.getBigUint64(0, true), npages: v.getBigUint64(8, true), flags: v.getUint32(16, true), rsvd: v.getUint32(20, true) };
}

describe('VtdNested (QEMU x-flts, §B.9)', () => {
  it('VTD_S1 data from the PASID entry: SRE bit 128 → 1, EAFE bit 135 → 2, WPE bit 132 → 4, FSPTPTR, addr_width 48 + 9·FSPM; 24 bytes LE', () => {
    expect(s1DataOf(fsEntry(1, 0x123456000n))).toEqual({ flags: 0n, pgtblAddr: 0x123456000n, addrWidth: 48 });
    expect(s1DataOf(fsEntry(1, 0x5000n, 1n | (1n << 4n) | (1n << 7n) | (1n << 2n)))).toEqual({ flags: 7n, pgtblAddr: 0x5000n, addrWidth: 57 });
    expect(s1DataOf(fsEntry(1, 0x5000n, 1n << 7n)).flags).toBe(2n);
    expect(Buffer.from(packS1({ flags: 5n, pgtblAddr: 0x1234000n, addrWidth: 48 })).toString('hex')).toBe('0500000000000000' + '0040230100000000' + '30000000' + '00000000');
  });

  it('plug: IOAS, NEST_PARENT HWPT (flags 1, pt = IOAS), attach, then guest RAM identity-mapped around the host reserved window; the RID address space is registered', async () => {
    const { link, rt, n, spaces } = setup();
    await n.plug(rt);
    expect(link.calls).toEqual([
      'ioasAlloc',
      'hwptAlloc dev=1 pt=100 flags=1 type=0 → 101',
      'attach 101',
      'map ioas=100 iova=0x0 len=0x4000000 va=0x7f0000000000',
    ]);
    expect([rt.ioas, rt.hwpt]).toEqual([100, 101]);
    expect(n.stateOf(rt)).toEqual({ parent: 101, attached: 'parent' });
    expect(spaces).toEqual([0x18]);
  });

  it('bind (FST) → HwptAlloc(VTD_S1, pt = parent) + attach; replace → new HWPT attached before the old one is destroyed; PT → parent; unbind → detach (DMAR on) or parent (DMAR off)', async () => {
    const { link, rt, n, tr } = setup();
    await n.plug(rt);
    link.calls = [];
    n.noteBinding({ sid: 0x18, change: 'bind', entry: fsEntry(5, 0x200000n, 1n) });
    await n.drain();
    expect(link.calls).toEqual([`hwptAlloc dev=1 pt=101 flags=0 type=1 data=${Buffer.from(packS1({ flags: 1n, pgtblAddr: 0x200000n, addrWidth: 48 })).toString('hex')} → 102`, 'attach 102']);
    expect(n.stateOf(rt)).toEqual({ parent: 101, nested: 102, attached: 'nested' });
    link.calls = [];
    // the same entry again changes nothing; another one replaces
    n.noteBinding({ sid: 0x18, change: 'replace', entry: fsEntry(5, 0x200000n, 1n) });
    n.noteBinding({ sid: 0x18, change: 'replace', entry: fsEntry(5, 0x300000n) });
    await n.drain();
    expect(link.calls.map((c) => c.replace(/ data=\w+/, ''))).toEqual(['hwptAlloc dev=1 pt=101 flags=0 type=1 → 103', 'attach 103', 'destroy 102']);
    link.calls = [];
    n.noteBinding({ sid: 0x18, change: 'replace', entry: [(4n << 6n) | 1n, 5n, 0n, 0n, 0n, 0n, 0n, 0n] });
    await n.drain();
    expect(link.calls).toEqual(['attach 101', 'destroy 103']);
    link.calls = [];
    n.noteBinding({ sid: 0x18, change: 'unbind' });
    await n.drain();
    expect(link.calls).toEqual(['detach']);
    expect(n.stateOf(rt)!.attached).toBe('blocked');
    link.calls = [];
    tr.root = { ...tr.root, translationEnabled: false };
    n.noteBinding({ sid: 0x18, change: 'unbind' });
    await n.drain();
    expect(link.calls).toEqual(['attach 101']);
    // other SIDs and requests with PASID are not this backend's
    link.calls = [];
    n.noteBinding({ sid: 0x20, change: 'bind', entry: fsEntry(5, 0x200000n) });
    n.noteBinding({ sid: 0x18, pasid: 3, change: 'bind', entry: fsEntry(5, 0x200000n) });
    await n.drain();
    expect(link.calls).toEqual([]);
  });

  it('a failed attach frees the new HWPT and leaves the device where it was; an SST entry is refused without host calls', async () => {
    const { link, rt, n } = setup();
    await n.plug(rt);
    link.failAttachOf.add(102);
    link.calls = [];
    n.noteBinding({ sid: 0x18, change: 'bind', entry: fsEntry(5, 0x200000n) });
    await n.drain();
    expect(link.calls.map((c) => c.replace(/ data=\w+/, ''))).toEqual(['hwptAlloc dev=1 pt=101 flags=0 type=1 → 102', 'attach 102', 'destroy 102']);
    expect(n.stateOf(rt)).toEqual({ parent: 101, attached: 'parent' });
    expect(n.hostFailures).toBe(1);
    link.calls = [];
    n.noteBinding({ sid: 0x18, change: 'replace', entry: [(2n << 6n) | 1n, 5n, 0n, 0n, 0n, 0n, 0n, 0n] });
    await n.drain();
    expect(link.calls).toEqual([]);
    expect(n.hostFailures).toBe(2);
  });

  it('only PASID-IOTLB of PASID 0 with the cached DID and PGTT FST is forwarded: all → {0, U64_MAX, 0}, PSI → {addr, 2^AM, LEAF iff IH}; in queue order with the bindings', async () => {
    const { link, rt, n } = setup();
    await n.plug(rt);
    // before any binding nothing is forwarded
    n.noteInvalidation({ kind: 'domain', did: 5, pasid: 0 });
    // queue: bind, PSI (IH), all-in-PASID, another DID, PASID 3, type-2 (no pasid), unbind, PSI
    n.noteBinding({ sid: 0x18, change: 'bind', entry: fsEntry(5, 0x200000n) });
    n.noteInvalidation({ kind: 'page', did: 5, pasid: 0, addr: 0x7000n, am: 2, ih: true });
    n.noteInvalidation({ kind: 'domain', did: 5, pasid: 0 });
    n.noteInvalidation({ kind: 'page', did: 6, pasid: 0, addr: 0x7000n, am: 0 });
    n.noteInvalidation({ kind: 'page', did: 5, pasid: 3, addr: 0x7000n, am: 0 });
    n.noteInvalidation({ kind: 'page', did: 5, addr: 0x7000n, am: 0 });
    n.noteInvalidation({ kind: 'page', did: 5, pasid: 0, addr: 0x9000n, am: 0 });
    n.noteBinding({ sid: 0x18, change: 'unbind' });
    n.noteInvalidation({ kind: 'page', did: 5, pasid: 0, addr: 0xa000n, am: 0 });
    link.calls = [];
    await n.drain();
    expect(link.calls.map((c) => c.replace(/ data=\w+/, ''))).toEqual(['hwptAlloc dev=1 pt=101 flags=0 type=1 → 102', 'attach 102', 'invalidate 102', 'invalidate 102', 'invalidate 102', 'detach', 'destroy 102']);
    expect(link.invalidations.map((x) => [x.hwpt, x.type, x.len, inv(x.entries)])).toEqual([
      [102, 0, 24, { addr: 0x7000n, npages: 4n, flags: 1, rsvd: 0 }],
      [102, 0, 24, { addr: 0n, npages: U64_MAX, flags: 0, rsvd: 0 }],
      [102, 0, 24, { addr: 0x9000n, npages: 1n, flags: 0, rsvd: 0 }],
    ]);
    expect(n.forwarded).toBe(3);
  });

  it('a host invalidation error is logged only; ESRCH (the VM process gone) propagates', async () => {
    const { link, rt, n } = setup();
    await n.plug(rt);
    n.noteBinding({ sid: 0x18, change: 'bind', entry: fsEntry(5, 0x200000n) });
    await n.drain();
    link.invalidate = async () => {
      throw new HostCallError('INVALID_ARGUMENT', 'EINVAL', 'bad entry', { entry_num: '0' }, 3);
    };
    n.noteInvalidation({ kind: 'domain', did: 5, pasid: 0 });
    await n.drain();
    expect(n.hostFailures).toBe(1);
    link.invalidate = async () => {
      throw new HostCallError('NOT_FOUND', 'ESRCH', 'gone', {}, 5);
    };
    n.noteInvalidation({ kind: 'domain', did: 5, pasid: 0 });
    await expect(n.drain()).rejects.toMatchObject({ reason: 'ESRCH' });
  });

  it('gpaOf walks the guest first stage (4K and 2M leaves) from the vmm copy; parent = identity; blocked = none', async () => {
    const { rt, n } = setup();
    await n.plug(rt);
    const mem = new Map<bigint, bigint>();
    const reader = { read: (gpa: bigint, len: number) => {
      const b = new Uint8Array(len);
      new DataView(b.buffer).setBigUint64(0, mem.get(gpa) ?? 0n, true);
      return b;
    } };
    expect(n.gpaOf(rt, 0x1234n, reader)).toBe(0x1234n);
    // PML4 0x10000 → PDPT 0x11000 → PD 0x12000 → PT 0x13000; IOVA 0x40000000 + 0x5123
    mem.set(0x10000n, 0x11000n | 7n);
    mem.set(0x11000n + 8n, 0x12000n | 7n);
    mem.set(0x12000n, 0x13000n | 7n);
    mem.set(0x13000n + 5n * 8n, 0x2a0000n | 7n);
    mem.set(0x12000n + 8n, 0x400000n | 0x80n | 7n); // 2M leaf at 0x40200000
    n.noteBinding({ sid: 0x18, change: 'bind', entry: fsEntry(5, 0x10000n) });
    await n.drain();
    expect(n.gpaOf(rt, 0x40005123n, reader)).toBe(0x2a0123n);
    expect(n.gpaOf(rt, 0x40212345n, reader)).toBe(0x412345n);
    expect(n.gpaOf(rt, 0x40006000n, reader)).toBeUndefined();
    n.noteBinding({ sid: 0x18, change: 'unbind' });
    await n.drain();
    expect(n.gpaOf(rt, 0x1234n, reader)).toBeUndefined();
  });
});
