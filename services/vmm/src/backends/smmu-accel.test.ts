/**
 * SmmuAccel against a recording host link: the host calls QEMU's smmuv3-accel.c makes
 * (shared/reference/smmuv3-and-migration.md §A.5, A.8, A.10, A.12), their order, the vSTE data and
 * invalidation entries byte for byte, CERROR_ILL cases (false), GBPA / SMMUEN re-attach, the
 * vDEVICE once per SID, unplug order, and the vEVENTQ follower (records injected in order, one at
 * a time; LOST_EVENTS counted; resumed after a broken stream; stopped by close).
 */
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { HostCallError, type HostLink, type HostVevent } from '../hostlink/hostlink.js';
import type { BackendVm, VfioRuntime } from '../machine/runtime.js';
import type { SteView } from '../viommu/smmuv3/types.js';
import { packCmd, packVste, SmmuAccel, STE0_MASK, STE1_MASK, steAction, type SmmuAccelRegs } from './smmu-accel.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const le64 = (v: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return b.toString('hex');
};

class FakeLink {
  calls: string[] = [];
  next = 100;
  failAttachOf = new Set<number>();
  failAlloc: HostCallError | undefined;
  invalidations: Array<{ hwpt: number; type: number; len: number; entries: string }> = [];
  invalidateError: HostCallError | undefined;
  vevents: HostVevent[] = [];
  readers = 0;
  breakOnce = false;
  private wake: (() => void) | undefined;

  private id(): number {
    return this.next++;
  }
  async ioasAlloc() {
    const id = this.id();
    this.calls.push(`ioasAlloc → ${id}`);
    return id;
  }
  async hwptAlloc(_pid: number, _fd: number, devId: number, ptId: number, flags: number, dataType = 0, data?: Uint8Array) {
    if (this.failAlloc && dataType === 2) {
      this.calls.push(`hwptAlloc dev=${devId} pt=${ptId} refused`);
      throw this.failAlloc;
    }
    const id = this.id();
    this.calls.push(`hwptAlloc dev=${devId} pt=${ptId} flags=${flags} type=${dataType}${data ? ` data=${hex(data)}` : ''} → ${id}`);
    return id;
  }
  async viommuAlloc(_pid: number, _fd: number, devId: number, hwptId: number, type: number) {
    const id = this.id();
    this.calls.push(`viommuAlloc dev=${devId} hwpt=${hwptId} type=${type} → ${id}`);
    return id;
  }
  async vdeviceAlloc(_pid: number, _fd: number, viommuId: number, devId: number, virtId: bigint) {
    const id = this.id();
    this.calls.push(`vdeviceAlloc viommu=${viommuId} dev=${devId} virt=0x${virtId.toString(16)} → ${id}`);
    return id;
  }
  async veventqAlloc(_pid: number, _fd: number, viommuId: number, type: number, depth: number) {
    const id = this.id();
    this.calls.push(`veventqAlloc viommu=${viommuId} type=${type} depth=${depth} → ${id} fd=50`);
    return { id, fd: 50 };
  }
  async attach(_pid: number, fd: number, pt: number) {
    this.calls.push(`attach fd=${fd} ${pt}`);
    if (this.failAttachOf.has(pt)) throw new HostCallError('INVALID_ARGUMENT', 'EINVAL', 'attach refused', {}, 3);
    return pt;
  }
  async detach(_pid: number, fd: number) {
    this.calls.push(`detach fd=${fd}`);
  }
  async destroy(_pid: number, _fd: number, id: number) {
    this.calls.push(`destroy ${id}`);
  }
  async closeFd(_pid: number, fd: number) {
    this.calls.push(`close ${fd}`);
  }
  async iovaRanges() {
    return [{ start: 0n, last: (1n << 48n) - 1n }];
  }
  async ioasMapFixed(_pid: number, _fd: number, ioas: number, va: bigint, len: bigint, iova: bigint) {
    this.calls.push(`map ioas=${ioas} iova=0x${iova.toString(16)} len=0x${len.toString(16)} va=0x${va.toString(16)}`);
  }
  async invalidate(_pid: number, _fd: number, hwpt: number, type: number, len: number, entries: Uint8Array) {
    this.calls.push(`invalidate ${hwpt}`);
    if (this.invalidateError) throw this.invalidateError;
    this.invalidations.push({ hwpt, type, len, entries: hex(entries) });
    return 1;
  }
  push(...evs: HostVevent[]) {
    this.vevents.push(...evs);
    this.wake?.();
  }
  async readVevents(_pid: number, fd: number, after: bigint, onEvent: (e: HostVevent) => Promise<void>, signal: AbortSignal) {
    this.calls.push(`readVevents fd=${fd} after=${after}`);
    this.readers++;
    try {
      while (!signal.aborted) {
        const ev = this.vevents.shift();
        if (ev) {
          await onEvent(ev);
          continue;
        }
        if (this.breakOnce) {
          this.breakOnce = false;
          throw new HostCallError('UNAVAILABLE', 'HOST_UNAVAILABLE', 'stream broken', {}, 14);
        }
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        this.wake = undefined;
      }
    } finally {
      this.readers--;
    }
  }
}

function runtime(id: string, sid: number, group: number, opts: { devId: number; deviceFd: number; unit?: string; iommufd?: number }): VfioRuntime {
  return {
    cfg: { kind: 'vfio', id, guestBdf: `0000:00:0${sid & 7}.0`, endpointId: sid, hostBdf: `0000:0${group}:00.${sid & 7}`, iommufd: 'iommufd0', backend: 'NESTED', legacyContainer: false },
    host: { bdf: `0000:0${group}:00.${sid & 7}`, cdev: `vfio${sid}`, group, unit: opts.unit ?? 'smmu0', driver: 'vfio-pci', reservedRegions: [] },
    iommufd: opts.iommufd ?? 3,
    deviceFd: opts.deviceFd,
    devId: opts.devId,
    ioas: 0,
    hwpt: 0,
    backend: 'NESTED',
    ownFd: false,
  };
}

/** A guest STE's first two words (Config, V, S1ContextPtr). */
const s1Ste = (cd: bigint, extra0 = 0n, w1 = 0n): bigint[] => [1n | (5n << 1n) | cd | extra0, w1, 0n, 0n, 0n, 0n, 0n, 0n];
const cfgSte = (cfg: number, v = 1n): bigint[] => [v | (BigInt(cfg) << 1n), 0n, 0n, 0n, 0n, 0n, 0n, 0n];

function setup(regs: Partial<SmmuAccelRegs> = {}) {
  const link = new FakeLink();
  const nic = runtime('nic0', 0x18, 1, { devId: 1, deviceFd: 4 });
  const nvme = runtime('nvme0', 0x20, 2, { devId: 2, deviceFd: 5 });
  const vfio = new Map<string, VfioRuntime>([
    [nic.cfg.id, nic],
    [nvme.cfg.id, nvme],
  ]);
  const vm = {
    name: 'vm',
    cfg: {} as never,
    hostPid: 42,
    ramVa: 0x7f0000000000n,
    ramRanges: [{ gpa: 0x4000_0000n, size: 64n << 20n, offset: 0n }],
    vfio,
    vfioByEndpoint: (ep: number) => [...vfio.values()].find((r) => r.cfg.endpointId === ep),
  } satisfies BackendVm;
  const state: SmmuAccelRegs = { smmuEnabled: false, gbpaAbort: false, eventqEnabled: false, eventqLog2size: 7, ...regs };
  const stes = new Map<number, SteView>();
  const model = { steView: (sid: number): SteView => stes.get(sid) ?? { kind: 'error', event: { id: 0x02, sid, inputAddr: 0n, addr2: 0n, rnw: true, pnu: false, ind: false, s2: false, cls: 0, stall: false, stag: 0 } }, regs: () => state };
  const injected: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const inject = async (r: Uint8Array) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((res) => setTimeout(res, 2));
    injected.push(hex(r));
    inFlight--;
  };
  const a = new SmmuAccel(link as unknown as HostLink, vm, pino({ level: 'silent' }), model, inject);
  return { link, nic, nvme, vm, state, stes, a, injected, maxInFlight: () => maxInFlight };
}

/** An event record: ID, SID, input address (32 bytes). */
function record(id: number, sid: number, iova: bigint): Uint8Array {
  const b = Buffer.alloc(32);
  b.writeBigUInt64LE(BigInt(id) | (BigInt(sid) << 32n), 0);
  b.writeBigUInt64LE(iova, 16);
  return new Uint8Array(b);
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const ABORT_DATA = le64(1n) + le64(0n);
const BYPASS_DATA = le64(9n) + le64(0n);

describe('SmmuAccel data (QEMU STE0_MASK / STE1_MASK, struct iommu_hwpt_arm_smmuv3, iommu_viommu_arm_smmuv3_invalidate)', () => {
  it('the vSTE keeps V, Config, S1Fmt, S1ContextPtr 55:6, S1CDMax and S1DSS/CIR/COR/CSH/STALLD/EATS only, 16 bytes LE', () => {
    expect(STE0_MASK).toBe(0xf8ff_ffff_ffff_ffffn);
    expect(STE1_MASK).toBe(0x3800_00ffn);
    // bits 56..58 of word 0 and 8..26, 30.. of word 1 go; bits 52..55 (RES0 for the kernel) stay
    const w0 = 0x0755_0000_1234_5000n | (5n << 1n) | 1n | (2n << 4n) | (3n << 59n);
    const w1 = 0xffff_ffff_ffff_ffffn;
    expect(hex(packVste(w0, w1))).toBe(le64(0x1855_0000_1234_502bn) + le64(0x3800_00ffn));
    expect(hex(packCmd([0x12n | (0x21n << 48n), 0x7f_0000_1000n]))).toBe(le64(0x0021_0000_0000_0012n) + le64(0x7f_0000_1000n));
  });

  it('STE action: V=0 or Config 0–3 abort, 4 bypass, 5 stage 1, 6/7 invalid', () => {
    expect([0, 1, 2, 3].map((c) => steAction(BigInt(c << 1) | 1n))).toEqual(['abort', 'abort', 'abort', 'abort']);
    expect(steAction(5n << 1n)).toBe('abort');
    expect(steAction((4n << 1n) | 1n)).toBe('bypass');
    expect(steAction((5n << 1n) | 1n)).toBe('s1');
    expect(steAction((6n << 1n) | 1n)).toBe('invalid');
    expect(steAction((7n << 1n) | 1n)).toBe('invalid');
  });
});

describe('SmmuAccel plug (smmuv3_accel_set_iommu_device / alloc_viommu)', () => {
  it('first device, SMMUEN=0, GBPA bypass: IOAS, NEST_PARENT, attach, RAM identity map, vIOMMU, abort {V} and bypass {V|Cfg4} HWPTs, the bypass HWPT attached', async () => {
    const { link, nic, a } = setup();
    await a.plug(nic);
    expect(link.calls).toEqual([
      'ioasAlloc → 100',
      'hwptAlloc dev=1 pt=100 flags=1 type=0 → 101',
      'attach fd=4 101',
      'map ioas=100 iova=0x40000000 len=0x4000000 va=0x7f0000000000',
      'viommuAlloc dev=1 hwpt=101 type=1 → 102',
      `hwptAlloc dev=1 pt=102 flags=0 type=2 data=${ABORT_DATA} → 103`,
      `hwptAlloc dev=1 pt=102 flags=0 type=2 data=${BYPASS_DATA} → 104`,
      'attach fd=4 104',
    ]);
    expect(a.stateOf(nic)).toEqual({ viommu: 102, parent: 101, attached: 'bypass' });
    expect([nic.ioas, nic.hwpt]).toEqual([100, 101]);
    expect(a.backs(0x18)).toBe(true);
    expect(a.backs(0x20)).toBe(false);
    expect(a.backedSids()).toEqual([0x18]);
  });

  it('GBPA.ABORT → the abort HWPT; EVENTQEN already set → the vEVENTQ (depth 2^log2size) and its reader before the attach', async () => {
    const { link, nic, a } = setup({ gbpaAbort: true, eventqEnabled: true, eventqLog2size: 5 });
    await a.plug(nic);
    expect(link.calls.slice(7)).toEqual(['veventqAlloc viommu=102 type=1 depth=32 → 105 fd=50', 'readVevents fd=50 after=0', 'attach fd=4 103']);
    expect(a.stateOf(nic)!.attached).toBe('abort');
    a.close();
    await a.follower();
    expect(link.readers).toBe(0);
  });

  it('SMMUEN=1 at plug: the STE as found now is installed (vDEVICE, vSTE HWPT); an unusable STE → abort HWPT', async () => {
    const { link, nic, nvme, stes, a } = setup({ smmuEnabled: true });
    stes.set(0x18, { kind: 'ste', addr: 0x1000n, words: s1Ste(0x8000_0000n) });
    await a.plug(nic);
    expect(link.calls.slice(7)).toEqual(['vdeviceAlloc viommu=102 dev=1 virt=0x18 → 105', `hwptAlloc dev=1 pt=102 flags=0 type=2 data=${le64(0x8000_000bn)}${le64(0n)} → 106`, 'attach fd=4 106']);
    expect(a.stateOf(nic)).toEqual({ viommu: 102, vdevice: 105, parent: 101, hwpt: 106, attached: 's1' });
    link.calls = [];
    stes.set(0x20, { kind: 'ste', addr: 0x1040n, words: cfgSte(6) });
    await a.plug(nvme);
    expect(link.calls).toEqual(['attach fd=5 101', 'vdeviceAlloc viommu=102 dev=2 virt=0x20 → 107', 'attach fd=5 103']);
    expect(a.stateOf(nvme)).toEqual({ viommu: 102, vdevice: 107, parent: 101, attached: 'abort' });
  });

  it('atomic: a failure undoes everything in reverse order; a second device that fails leaves the first alone; refusals before any call', async () => {
    const { link, nic, nvme, a } = setup();
    link.failAttachOf.add(104);
    await expect(a.plug(nic)).rejects.toMatchObject({ reason: 'EINVAL' });
    expect(link.calls.slice(7)).toEqual(['attach fd=4 104', 'destroy 104', 'destroy 103', 'destroy 102', 'detach fd=4', 'destroy 101', 'destroy 100']);
    expect(a.stateOf(nic)).toBeUndefined();
    expect(a.backs(0x18)).toBe(false);
    link.failAttachOf.clear();
    await a.plug(nic);
    const core = a.objects()!;
    expect(core).toEqual({ ioas: 105, parent: 106, viommu: 107, abortHwpt: 108, bypassHwpt: 109 });
    link.calls = [];
    await expect(a.plug(nic)).rejects.toMatchObject({ reason: 'SMMU_ACCEL_SID_TAKEN' });
    await expect(a.plug({ ...nvme, iommufd: 9 })).rejects.toMatchObject({ reason: 'SMMU_ACCEL_IOMMUFD' });
    await expect(a.plug({ ...nvme, host: { ...nvme.host, unit: 'smmu1' } })).rejects.toMatchObject({ reason: 'SMMU_ACCEL_UNIT' });
    expect(link.calls).toEqual([]);
    link.failAttachOf.add(109);
    await expect(a.plug(nvme)).rejects.toMatchObject({ reason: 'EINVAL' });
    expect(link.calls).toEqual(['attach fd=5 106', 'attach fd=5 109', 'detach fd=5']);
    expect(a.stateOf(nvme)).toBeUndefined();
    expect(a.stateOf(nic)).toEqual({ viommu: 107, parent: 106, attached: 'bypass' });
  });
});

describe('SmmuAccel installSte (smmuv3_accel_install_ste)', () => {
  it('vDEVICE once per SID; Cfg 5 → vSTE HWPT on the vIOMMU, attach, previous freed; abort / V=0 / bypass / disabled / unfetchable; Cfg 6/7 → false', async () => {
    const { link, nic, a } = setup({ smmuEnabled: true });
    await a.plug(nic); // no STE in the table yet: abort
    expect(link.calls.slice(-2)).toEqual(['vdeviceAlloc viommu=102 dev=1 virt=0x18 → 105', 'attach fd=4 103']);
    link.calls = [];
    expect(await a.installSte(0x18, { kind: 'ste', addr: 0n, words: s1Ste(0x9000_0000n, 0n, 1n << 28n) })).toBe(true);
    expect(link.calls).toEqual([`hwptAlloc dev=1 pt=102 flags=0 type=2 data=${le64(0x9000_000bn)}${le64(1n << 28n)} → 106`, 'attach fd=4 106']);
    link.calls = [];
    expect(await a.installSte(0x18, { kind: 'ste', addr: 0n, words: s1Ste(0xa000_0000n) })).toBe(true);
    expect(link.calls.map((c) => c.replace(/ data=\w+/, ''))).toEqual(['hwptAlloc dev=1 pt=102 flags=0 type=2 → 107', 'attach fd=4 107', 'destroy 106']);
    expect(a.stateOf(nic)).toEqual({ viommu: 102, vdevice: 105, parent: 101, hwpt: 107, attached: 's1' });
    const steps: Array<[SteView, string[]]> = [
      [{ kind: 'ste', addr: 0n, words: cfgSte(0) }, ['attach fd=4 103', 'destroy 107']],
      [{ kind: 'ste', addr: 0n, words: cfgSte(5, 0n) }, ['attach fd=4 103']],
      [{ kind: 'ste', addr: 0n, words: cfgSte(4) }, ['attach fd=4 104']],
      [{ kind: 'disabled', abort: true }, ['attach fd=4 103']],
      [{ kind: 'disabled', abort: false }, ['attach fd=4 104']],
      [{ kind: 'error', event: { id: 0x03, sid: 0x18, inputAddr: 0n, addr2: 0x1000n, rnw: true, pnu: false, ind: false, s2: false, cls: 0, stall: false, stag: 0 } }, ['attach fd=4 103']],
    ];
    for (const [view, calls] of steps) {
      link.calls = [];
      expect(await a.installSte(0x18, view)).toBe(true);
      expect(link.calls).toEqual(calls);
    }
    link.calls = [];
    expect(await a.installSte(0x18, { kind: 'ste', addr: 0n, words: cfgSte(6) })).toBe(false);
    expect(await a.installSte(0x18, { kind: 'ste', addr: 0n, words: cfgSte(7) })).toBe(false);
    // a SID the host does not back: nothing to do
    expect(await a.installSte(0x99, { kind: 'ste', addr: 0n, words: s1Ste(0x1000n) })).toBe(true);
    expect(link.calls).toEqual([]);
    expect(a.installs).toBe(1 + 2 + steps.length);
    expect(a.hostFailures).toBe(0);
  });

  it('host refusals → false (CERROR_ILL): the new HWPT is freed when its attach fails, the device stays; ESRCH propagates', async () => {
    const { link, nic, a } = setup();
    await a.plug(nic);
    link.calls = [];
    link.failAttachOf.add(106);
    expect(await a.installSte(0x18, { kind: 'ste', addr: 0n, words: s1Ste(0x9000_0000n) })).toBe(false);
    expect(link.calls.map((c) => c.replace(/ data=\w+/, ''))).toEqual(['vdeviceAlloc viommu=102 dev=1 virt=0x18 → 105', 'hwptAlloc dev=1 pt=102 flags=0 type=2 → 106', 'attach fd=4 106', 'destroy 106']);
    expect(a.stateOf(nic)).toEqual({ viommu: 102, vdevice: 105, parent: 101, attached: 'bypass' });
    link.calls = [];
    link.failAlloc = new HostCallError('INVALID_ARGUMENT', 'EIO', 'vSTE sets bits outside the nesting-allowed fields', {}, 3);
    expect(await a.installSte(0x18, { kind: 'ste', addr: 0n, words: s1Ste(0x9000_0000n, 1n << 52n) })).toBe(false);
    expect(link.calls).toEqual(['hwptAlloc dev=1 pt=102 refused']); // the vDEVICE is kept from the first install
    expect(a.hostFailures).toBe(2);
    link.failAlloc = new HostCallError('NOT_FOUND', 'ESRCH', 'gone', {}, 5);
    await expect(a.installSte(0x18, { kind: 'ste', addr: 0n, words: s1Ste(0x9000_0000n) })).rejects.toMatchObject({ reason: 'ESRCH' });
  });
});

describe('SmmuAccel invalidate (smmuv3_accel_issue_inv_cmd)', () => {
  it('one command per request on the vIOMMU (data type 1, 16-byte entry); SID-scoped only with a vDEVICE; nothing without a device; failure → false', async () => {
    const { link, nic, a } = setup();
    expect(await a.invalidate([0x10n, 0n], undefined)).toBe(true);
    expect(link.calls).toEqual([]);
    await a.plug(nic);
    link.calls = [];
    const nhVa: [bigint, bigint] = [0x12n | (0x21n << 48n) | (3n << 12n), 0x7f_0000_1000n | (1n << 10n)];
    expect(await a.invalidate(nhVa, undefined)).toBe(true);
    const cfgiCd: [bigint, bigint] = [0x05n | (0x18n << 32n), 1n];
    expect(await a.invalidate(cfgiCd, 0x18)).toBe(true); // no vDEVICE yet: not forwarded
    expect(await a.invalidate([0x40n | (0x77n << 32n), 0n], 0x77)).toBe(true); // no such device
    await a.installSte(0x18, { kind: 'disabled', abort: false });
    expect(await a.invalidate(cfgiCd, 0x18)).toBe(true);
    expect(link.invalidations).toEqual([
      { hwpt: 102, type: 1, len: 16, entries: le64(nhVa[0]) + le64(nhVa[1]) },
      { hwpt: 102, type: 1, len: 16, entries: le64(cfgiCd[0]) + le64(cfgiCd[1]) },
    ]);
    expect(a.forwarded).toBe(2);
    link.invalidateError = new HostCallError('INVALID_ARGUMENT', 'EIO', 'entry 0: vSID has no vDEVICE', { entry_num: '0' }, 3);
    expect(await a.invalidate([0x40n | (0x18n << 32n), 0n], 0x18)).toBe(false);
    expect(a.hostFailures).toBe(1);
    link.invalidateError = new HostCallError('NOT_FOUND', 'ESRCH', 'gone', {}, 5);
    await expect(a.invalidate([0x10n, 0n], undefined)).rejects.toMatchObject({ reason: 'ESRCH' });
  });
});

describe('SmmuAccel GBPA / SMMUEN (smmuv3_accel_attach_gbpa_hwpt)', () => {
  it('SMMUEN=0: every group onto the GBPA HWPT (stage-1 HWPT kept); SMMUEN=1: every STE installed again', async () => {
    const { link, nic, nvme, stes, a } = setup();
    await a.plug(nic);
    await a.plug(nvme);
    await a.installSte(0x18, { kind: 'ste', addr: 0n, words: s1Ste(0x9000_0000n) });
    const s1 = a.stateOf(nic)!.hwpt!;
    link.calls = [];
    await a.bypassChanged({ smmuEnabled: false, gbpaAbort: true, strtabBase: 0n, log2size: 0, split: 0, twoLevel: false });
    expect(link.calls).toEqual(['attach fd=4 103', 'attach fd=5 103']);
    expect(a.stateOf(nic)).toMatchObject({ attached: 'abort', hwpt: s1 });
    link.calls = [];
    await a.bypassChanged({ smmuEnabled: false, gbpaAbort: false, strtabBase: 0n, log2size: 0, split: 0, twoLevel: false });
    expect(link.calls).toEqual(['attach fd=4 104', 'attach fd=5 104']);
    link.calls = [];
    stes.set(0x18, { kind: 'ste', addr: 0n, words: s1Ste(0xb000_0000n) });
    stes.set(0x20, { kind: 'ste', addr: 0n, words: cfgSte(0) });
    await a.bypassChanged({ smmuEnabled: true, gbpaAbort: false, strtabBase: 0x1000n, log2size: 8, split: 0, twoLevel: false });
    expect(link.calls.map((c) => c.replace(/ data=\w+/, ''))).toEqual([
      `hwptAlloc dev=1 pt=102 flags=0 type=2 → ${s1 + 1}`,
      `attach fd=4 ${s1 + 1}`,
      `destroy ${s1}`,
      `vdeviceAlloc viommu=102 dev=2 virt=0x20 → ${s1 + 2}`,
      'attach fd=5 103',
    ]);
    expect(a.stateOf(nvme)!.attached).toBe('abort');
    expect(a.backedSids()).toEqual([0x18, 0x20]);
  });
});

describe('SmmuAccel vEVENTQ (smmuv3_accel_alloc_veventq / event_read)', () => {
  it('allocated when EVENTQEN is first seen with a vIOMMU, once; records injected in order one at a time; LOST_EVENTS counted; close stops the reader', async () => {
    const { link, nic, state, a, injected, maxInFlight } = setup({ eventqLog2size: 25 });
    await a.cr0Written(0x4); // no vIOMMU yet
    expect(link.calls).toEqual([]);
    await a.plug(nic);
    link.calls = [];
    await a.cr0Written(0x1); // SMMUEN only
    expect(link.calls).toEqual([]);
    await a.cr0Written(0xd);
    expect(link.calls).toEqual(['veventqAlloc viommu=102 type=1 depth=524288 → 105 fd=50', 'readVevents fd=50 after=0']);
    state.eventqLog2size = 3;
    await a.cr0Written(0xd);
    expect(link.calls).toHaveLength(2);
    const r = [record(0x10, 0x18, 0x1000n), record(0x13, 0x18, 0x2000n), record(0x10, 0x18, 0x3000n), record(0x0a, 0x18, 0n)];
    link.push({ flags: 0, sequence: 0n, data: r[0]! }, { flags: 0, sequence: 1n, data: r[1]! }, { flags: 1, sequence: 2n, data: new Uint8Array(0) }, { flags: 0, sequence: 3n, data: r[2]! });
    // a gap (4 lost) and a short record: logged; the gap's record is still injected
    link.push({ flags: 0, sequence: 8n, data: r[3]! }, { flags: 0, sequence: 9n, data: new Uint8Array(16) });
    await until(() => injected.length === 4 && link.vevents.length === 0, 'four injections');
    expect(injected).toEqual(r.map(hex));
    expect(maxInFlight()).toBe(1);
    expect([a.injected, a.lostEvents]).toEqual([4, 1]);
    const done = a.follower()!;
    a.close();
    await done;
    expect(link.readers).toBe(0);
  });

  it('a broken stream is resumed after the last sequence read', async () => {
    const { link, nic, a, injected } = setup({ eventqEnabled: true });
    await a.plug(nic);
    link.push({ flags: 0, sequence: 0n, data: record(0x10, 0x18, 0x1000n) }, { flags: 0, sequence: 1n, data: record(0x10, 0x18, 0x2000n) });
    await until(() => injected.length === 2, 'two injections');
    link.breakOnce = true;
    link.push();
    await until(() => link.calls.includes('readVevents fd=50 after=1'), 'the resumed read');
    link.push({ flags: 0, sequence: 2n, data: record(0x10, 0x18, 0x3000n) });
    await until(() => injected.length === 3, 'the third injection');
    a.close();
    await a.follower();
    expect(link.readers).toBe(0);
  });
});

describe('SmmuAccel unplug (smmuv3_accel_unset_iommu_device, free_viommu)', () => {
  it('a device: back on the parent, its stage-1 HWPT and vDEVICE freed; the last one: vEVENTQ (fd, object), bypass, abort, vIOMMU, detach, parent, IOAS', async () => {
    const { link, nic, nvme, a } = setup({ eventqEnabled: true });
    await a.plug(nic);
    await a.plug(nvme);
    await a.installSte(0x20, { kind: 'ste', addr: 0n, words: s1Ste(0x9000_0000n) });
    await a.installSte(0x18, { kind: 'ste', addr: 0n, words: cfgSte(4) });
    const nvmeState = a.stateOf(nvme)!;
    const nicState = a.stateOf(nic)!;
    link.calls = [];
    await a.unplug(nvme);
    expect(link.calls).toEqual(['attach fd=5 101', `destroy ${nvmeState.hwpt}`, `destroy ${nvmeState.vdevice}`]);
    expect(a.backs(0x20)).toBe(false);
    link.calls = [];
    const follower = a.follower()!;
    await a.unplug(nic);
    expect(link.calls).toEqual(['attach fd=4 101', `destroy ${nicState.vdevice}`, 'close 50', 'destroy 105', 'destroy 104', 'destroy 103', 'destroy 102', 'detach fd=4', 'destroy 101', 'destroy 100']);
    await follower;
    expect(link.readers).toBe(0);
    expect(a.objects()).toBeUndefined();
    expect(a.hostFailures).toBe(0);
  });

  it('host-group siblings share the group HWPT: a sibling joins it (with its vDEVICE under a stage-1 HWPT); a Cfg 5 install gives every member a vDEVICE; a sibling leaving keeps the group attached', async () => {
    const { link, nic, a } = setup();
    const nic1 = runtime('nic1', 0x19, 1, { devId: 7, deviceFd: 8 });
    await a.plug(nic);
    link.calls = [];
    await a.plug(nic1);
    expect(link.calls).toEqual(['attach fd=8 104']);
    link.calls = [];
    await a.installSte(0x18, { kind: 'ste', addr: 0n, words: s1Ste(0x9000_0000n) });
    expect(link.calls.map((c) => c.replace(/ data=\w+/, ''))).toEqual([
      'vdeviceAlloc viommu=102 dev=1 virt=0x18 → 105',
      'vdeviceAlloc viommu=102 dev=7 virt=0x19 → 106',
      'hwptAlloc dev=1 pt=102 flags=0 type=2 → 107',
      'attach fd=4 107',
    ]);
    expect(a.stateOf(nic1)).toEqual({ viommu: 102, vdevice: 106, parent: 101, hwpt: 107, attached: 's1' });
    link.calls = [];
    await a.unplug(nic1);
    expect(link.calls).toEqual(['destroy 106']);
    expect(a.stateOf(nic)).toEqual({ viommu: 102, vdevice: 105, parent: 101, hwpt: 107, attached: 's1' });
    // a new sibling under the stage-1 HWPT gets its vDEVICE before it joins
    link.calls = [];
    await a.plug(nic1);
    expect(link.calls).toEqual(['vdeviceAlloc viommu=102 dev=7 virt=0x19 → 108', 'attach fd=8 107']);
  });
});
