/**
 * HWPT_NESTED on intel-vtd at kernel level: IOMMU_HWPT_ALLOC with IOMMU_HWPT_DATA_VTD_S1 (the
 * core's then the driver's checks, in order, each failure atomic: no object, no ID, no DID),
 * references (parent, fault queue), attach / replace / detach with the first-stage checks,
 * IOMMU_HWPT_INVALIDATE (iommu_hwpt_vtd_s1_invalidate) and its effect on the unit's IOTLB and the
 * device ATC — entries are inserted under the nested DID and each command is checked for which
 * survive (PSI address masks included) — and the parent-domain flush when stage 2 changes.
 */
import { describe, expect, it, vi } from 'vitest';
import { kernelFailure } from '#libs/errno/index.js';
import { U64_MAX } from '#libs/u64/index.js';
import { Host } from '../platform/host.js';
import { loadProfile } from '#libs/profile/profile.js';
import { faultQueueAlloc } from './eventq.js';
import {
  HwptNestedObj,
  IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
  IOMMU_HWPT_ALLOC_NEST_PARENT,
  IOMMU_HWPT_ALLOC_PASID,
  IOMMU_HWPT_DATA_ARM_SMMUV3,
  IOMMU_HWPT_DATA_VTD_S1,
  IOMMU_HWPT_FAULT_ID_VALID,
  IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
  IOMMU_VTD_S1_EAFE,
  IOMMU_VTD_S1_SRE,
  IOMMU_VTD_S1_WPE,
} from './hw_pagetable.js';
import type { HwptObj } from './hw_pagetable.js';

const MAP_SHARED = 1;
const MAP_ANONYMOUS = 0x20;

const fail = kernelFailure;
const errnoOf = (f: () => unknown) => fail(f)?.errno;

/** struct iommu_hwpt_vtd_s1 */
function vtdS1(opts: { flags?: number; pgtbl?: bigint; addrWidth?: number; reserved?: number } = {}): Uint8Array {
  const b = new Uint8Array(24);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, BigInt(opts.flags ?? 0), true);
  v.setBigUint64(8, opts.pgtbl ?? 0x1000n, true);
  v.setUint32(16, opts.addrWidth ?? 48, true);
  v.setUint32(20, opts.reserved ?? 0, true);
  return b;
}

/** struct iommu_hwpt_vtd_s1_invalidate entries */
function inv(...es: Array<{ addr: bigint; npages: bigint; flags?: number; reserved?: number }>): Uint8Array {
  const b = new Uint8Array(24 * es.length);
  const v = new DataView(b.buffer);
  es.forEach((e, i) => {
    v.setBigUint64(i * 24, e.addr, true);
    v.setBigUint64(i * 24 + 8, e.npages, true);
    v.setUint32(i * 24 + 16, e.flags ?? 0, true);
    v.setUint32(i * 24 + 20, e.reserved ?? 0, true);
  });
  return b;
}

function setup() {
  const host = new Host(loadProfile('intel-vtd'));
  const p = host.spawn(host.principal('root'), 'nesting', 0);
  const ifd = host.open(p, '/dev/iommu', 2);
  const ctx = host.iommufd(p, ifd);
  const dfd = host.open(p, '/dev/vfio/devices/vfio0', 2);
  const vf = host.vfioDevice(p, dfd);
  const devId = vf.bind(p, ifd, 0);
  const ioas = ctx.ioasAlloc(p, 0);
  const autoId = vf.attach(p, 0, ioas, 0);
  const parentId = ctx.hwptAlloc(p, IOMMU_HWPT_ALLOC_NEST_PARENT, devId, ioas, 0, new Uint8Array(0), 0);
  const parent = ctx.lookup(parentId) as HwptObj;
  const dev = host.device('0000:01:00.0');
  const unit = dev.unit;
  const nested = (flags = 0, data = vtdS1(), faultId = 0) => ctx.hwptAlloc(p, flags, devId, parentId, IOMMU_HWPT_DATA_VTD_S1, data, faultId);
  return { host, p, ifd, ctx, dfd, vf, devId, ioas, autoId, parentId, parent, dev, unit, nested };
}

describe('IOMMU_HWPT_ALLOC with IOMMU_HWPT_DATA_VTD_S1 (intel-vtd)', () => {
  it('refuses in the kernel order, each failure leaving no object, ID or DID', () => {
    const s = setup();
    const { ctx, p, devId, ioas, parentId, autoId } = s;
    const plainId = ctx.hwptAlloc(p, 0, devId, ioas, 0, new Uint8Array(0), 0);
    const before = { ids: [...ctx.objects.keys()], dids: s.unit.domainsInUse, users: s.parent.users };
    const a = (flags: number, dev: number, pt: number, type: number, data: Uint8Array, fault = 0) => errnoOf(() => ctx.hwptAlloc(p, flags, dev, pt, type, data, fault));
    // core: data_type / data_len, dev, pt lookup, pt type
    expect(a(0, devId, parentId, 0, vtdS1())).toBe('EINVAL');
    expect(a(0, devId, parentId, IOMMU_HWPT_DATA_VTD_S1, new Uint8Array(0))).toBe('EINVAL');
    expect(a(0, ioas, parentId, IOMMU_HWPT_DATA_VTD_S1, vtdS1())).toBe('ENOENT');
    expect(a(0, devId, 999, IOMMU_HWPT_DATA_VTD_S1, vtdS1())).toBe('EINVAL');
    expect(a(0, devId, devId, IOMMU_HWPT_DATA_VTD_S1, vtdS1())).toBe('EINVAL');
    // iommufd_hwpt_nested_alloc: flags, then the parent
    expect(a(IOMMU_HWPT_ALLOC_NEST_PARENT, devId, parentId, IOMMU_HWPT_DATA_VTD_S1, vtdS1())).toBe('EOPNOTSUPP');
    expect(a(IOMMU_HWPT_ALLOC_DIRTY_TRACKING, devId, parentId, IOMMU_HWPT_DATA_VTD_S1, vtdS1())).toBe('EOPNOTSUPP');
    expect(a(0, devId, plainId, IOMMU_HWPT_DATA_VTD_S1, vtdS1())).toBe('EINVAL');
    expect(a(0, devId, autoId, IOMMU_HWPT_DATA_VTD_S1, vtdS1())).toBe('EINVAL');
    // the driver: data type, then the struct length (exactly 24 bytes)
    expect(a(0, devId, parentId, IOMMU_HWPT_DATA_ARM_SMMUV3, vtdS1())).toBe('EOPNOTSUPP');
    expect(a(0, devId, parentId, IOMMU_HWPT_DATA_VTD_S1, vtdS1().subarray(0, 23))).toBe('EINVAL');
    expect(a(0, devId, parentId, IOMMU_HWPT_DATA_VTD_S1, new Uint8Array(25))).toBe('EINVAL');
    // flags are checked before the parent, the parent before the data
    expect(a(1 << 5, devId, plainId, IOMMU_HWPT_DATA_ARM_SMMUV3, new Uint8Array(3))).toBe('EOPNOTSUPP');
    expect(a(0, devId, plainId, IOMMU_HWPT_DATA_ARM_SMMUV3, new Uint8Array(3))).toBe('EINVAL');
    // FAULT_ID_VALID: the fault_id is looked up last
    expect(a(IOMMU_HWPT_FAULT_ID_VALID, devId, parentId, IOMMU_HWPT_DATA_VTD_S1, vtdS1(), 0xffffffff)).toBe('ENOENT');
    expect(a(IOMMU_HWPT_FAULT_ID_VALID, devId, parentId, IOMMU_HWPT_DATA_VTD_S1, vtdS1(), ioas)).toBe('ENOENT');
    expect(a(IOMMU_HWPT_FAULT_ID_VALID, devId, parentId, IOMMU_HWPT_DATA_VTD_S1, new Uint8Array(24).fill(0), 0xffffffff)).toBe('ENOENT');
    expect([...ctx.objects.keys()]).toEqual(before.ids);
    expect(s.unit.domainsInUse).toBe(before.dids);
    expect(s.parent.users).toBe(before.users);
  });

  it('a device behind dmar1 (no nesting) is refused over a dmar0 parent; dmar1 cannot make a nest parent', () => {
    const s = setup();
    const dfd6 = s.host.open(s.p, '/dev/vfio/devices/vfio6', 2);
    const dev6 = s.host.vfioDevice(s.p, dfd6).bind(s.p, s.ifd, 0);
    expect(errnoOf(() => s.ctx.hwptAlloc(s.p, 0, dev6, s.parentId, IOMMU_HWPT_DATA_VTD_S1, vtdS1(), 0))).toBe('EOPNOTSUPP');
    expect(errnoOf(() => s.ctx.hwptAlloc(s.p, IOMMU_HWPT_ALLOC_NEST_PARENT, dev6, s.ioas, 0, new Uint8Array(0), 0))).toBe('EOPNOTSUPP');
  });

  it('stores the stage-1 config unvalidated, takes its own DID and holds its parent', () => {
    const s = setup();
    const dids = s.unit.domainsInUse;
    const id = s.nested(IOMMU_HWPT_ALLOC_PASID, vtdS1({ flags: 0xf0, pgtbl: 0x1234_5000n, addrWidth: 39, reserved: 7 }));
    const h = s.ctx.lookup(id) as HwptNestedObj;
    expect(h).toBeInstanceOf(HwptNestedObj);
    expect(h.type).toBe('HWPT_NESTED');
    expect(h.s1).toEqual({ kind: 'vtd', flags: 0xf0, pgtblAddr: 0x1234_5000n, addrWidth: 39 });
    expect(h.pasidCompat).toBe(true);
    expect(h.parent).toBe(s.parent);
    expect(h.viommu).toBeUndefined();
    expect(s.unit.domainsInUse).toBe(dids + 1);
    expect(h.tag).not.toBe(s.parent.domain.tag);
    expect(s.parent.domain.nestedTags.has(h.tag)).toBe(true);
    // a nested HWPT is no parent; the parent is busy while the nested HWPT exists
    expect(errnoOf(() => s.ctx.hwptAlloc(s.p, 0, s.devId, id, IOMMU_HWPT_DATA_VTD_S1, vtdS1(), 0))).toBe('EINVAL');
    expect(errnoOf(() => s.ctx.destroy(s.parentId))).toBe('EBUSY');
    s.ctx.destroy(id);
    expect(s.unit.domainsInUse).toBe(dids);
    expect(s.parent.domain.nestedTags.size).toBe(0);
    s.ctx.destroy(s.parentId);
  });

  it('FAULT_ID_VALID on nested and on paging HWPTs holds the fault queue', () => {
    const s = setup();
    const fq = faultQueueAlloc(s.ctx, s.p, 0);
    const fault = s.ctx.lookup(fq.id);
    const u0 = fault.users;
    const n = s.nested(IOMMU_HWPT_FAULT_ID_VALID, vtdS1(), fq.id);
    const pg = s.ctx.hwptAlloc(s.p, IOMMU_HWPT_FAULT_ID_VALID, s.devId, s.ioas, 0, new Uint8Array(0), fq.id);
    expect((s.ctx.lookup(n) as HwptNestedObj).fault).toBe(fault);
    expect((s.ctx.lookup(pg) as HwptObj).fault).toBe(fault);
    expect(fault.users).toBe(u0 + 2);
    // a paging HWPT whose fault_id is not a FAULT is undone whole
    const ids = [...s.ctx.objects.keys()];
    const areas = s.ctx.getIoas(s.ioas).hwpts.size;
    expect(errnoOf(() => s.ctx.hwptAlloc(s.p, IOMMU_HWPT_FAULT_ID_VALID, s.devId, s.ioas, 0, new Uint8Array(0), s.ioas))).toBe('ENOENT');
    expect([...s.ctx.objects.keys()]).toEqual(ids);
    expect(s.ctx.getIoas(s.ioas).hwpts.size).toBe(areas);
    s.ctx.destroy(n);
    s.ctx.destroy(pg);
    expect(fault.users).toBe(u0);
  });

  it('dirty tracking is allowed on a VT-d nest parent', () => {
    const s = setup();
    const id = s.ctx.hwptAlloc(s.p, IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_DIRTY_TRACKING, s.devId, s.ioas, 0, new Uint8Array(0), 0);
    s.ctx.hwptSetDirtyTracking(1, id);
    expect((s.ctx.lookup(id) as HwptObj).domain.dirtyEnabled).toBe(true);
  });
});

describe('attach / replace / detach of nested HWPTs (intel-vtd)', () => {
  it('checks addr_width, SRE and EAFE against CAP/ECAP at attach, atomically', () => {
    const s = setup();
    const ok = s.nested(0, vtdS1({ flags: IOMMU_VTD_S1_WPE }));
    expect(s.vf.attach(s.p, 0, ok, 0)).toBe(ok);
    const h = s.ctx.lookup(ok) as HwptNestedObj;
    expect(h.users).toBe(2);
    expect(s.dev.group.rid?.hwpt).toBe(h);
    for (const [data, why] of [
      [vtdS1({ addrWidth: 39 }), 'addr_width 39'],
      [vtdS1({ addrWidth: 57 }), 'addr_width 57 without FL5LP'],
      [vtdS1({ flags: IOMMU_VTD_S1_SRE }), 'SRE without ECAP.SRS'],
      [vtdS1({ flags: IOMMU_VTD_S1_EAFE }), 'EAFE without ECAP.EAFS'],
    ] as const) {
      const bad = s.nested(0, data);
      expect(errnoOf(() => s.vf.attach(s.p, 0, bad, 0)), why).toBe('EINVAL');
      expect(s.dev.group.rid?.hwpt, why).toBe(h);
      expect((s.ctx.lookup(bad) as HwptNestedObj).users).toBe(1);
    }
    expect(errnoOf(() => s.ctx.destroy(ok))).toBe('EBUSY');
  });

  it('enforces the reserved regions in the parent IOAS; replace and detach move the references', () => {
    const s = setup();
    const a = s.nested();
    const b = s.nested();
    const iopt = s.ctx.getIoas(s.ioas).iopt;
    s.vf.attach(s.p, 0, a, 0);
    // the auto domain was the only user of the IOAS's auto HWPT: it is gone
    expect(s.ctx.objects.has(s.autoId)).toBe(false);
    expect(iopt.intersectsReserved(0xfee00000n, 0xfee00000n)).toBe(true);
    s.vf.attach(s.p, 0, b, 0);
    expect((s.ctx.lookup(a) as HwptNestedObj).users).toBe(1);
    expect((s.ctx.lookup(b) as HwptNestedObj).users).toBe(2);
    s.ctx.destroy(a);
    s.vf.detach(0, 0);
    expect((s.ctx.lookup(b) as HwptNestedObj).users).toBe(1);
    expect(iopt.intersectsReserved(0xfee00000n, 0xfee00000n)).toBe(false);
  });

  it('PASIDs: a PASID-compatible nested HWPT on the RID and on PASIDs; detach and replace auto-respond faults', () => {
    const s = setup();
    const plain = s.nested();
    expect(errnoOf(() => s.vf.attach(s.p, 1, plain, 5))).toBe('EINVAL'); // not ALLOC_PASID
    const ridCompat = s.nested(IOMMU_HWPT_ALLOC_PASID);
    const pasidHwpt = s.nested(IOMMU_HWPT_ALLOC_PASID);
    expect(errnoOf(() => s.vf.attach(s.p, 1, pasidHwpt, 5))).toBe('EINVAL'); // the RID's auto domain is not PASID-compatible
    s.vf.attach(s.p, 0, ridCompat, 0);
    expect(s.vf.attach(s.p, 1, pasidHwpt, 5)).toBe(pasidHwpt);
    expect(s.dev.pasids.get(5)?.id).toBe(pasidHwpt);
    // a RID replace to a non-PASID-compatible HWPT is refused while PASIDs are attached
    expect(errnoOf(() => s.vf.attach(s.p, 0, plain, 0))).toBe('EINVAL');
    // IOPF-capable HWPT: leaving it answers its pending faults of that PASID
    const fq = faultQueueAlloc(s.ctx, s.p, 0);
    const fault = s.ctx.getFault(fq.id);
    const spy = vi.spyOn(fault, 'autoRespond');
    const iopf = s.nested(IOMMU_HWPT_ALLOC_PASID | IOMMU_HWPT_FAULT_ID_VALID, vtdS1(), fq.id);
    s.vf.attach(s.p, 1, iopf, 7);
    expect(spy).not.toHaveBeenCalled();
    s.vf.attach(s.p, 1, pasidHwpt, 7); // replace away
    expect(spy).toHaveBeenCalledWith(s.ctx.lookup(iopf), 7, new Set([s.devId]));
    s.vf.attach(s.p, 1, iopf, 7);
    s.vf.detach(1, 7);
    expect(spy).toHaveBeenCalledTimes(2);
    s.vf.attach(s.p, 0, iopf, 0);
    s.vf.detach(0, 0);
    expect(spy).toHaveBeenLastCalledWith(s.ctx.lookup(iopf), 0, new Set([s.devId]));
    expect(spy).toHaveBeenCalledTimes(3);
  });

  it('a RID attach handle belongs to the group: its page requests are answered when the group leaves, not before, and no other group\'s are', () => {
    const s = setup();
    // group 4 (0000:04:00.0 and .1) on dmar0 beside the NIC's group 1, all on one IOPF-capable paging HWPT
    const fq = faultQueueAlloc(s.ctx, s.p, 0);
    const fault = s.ctx.getFault(fq.id);
    const iopf = s.ctx.hwptAlloc(s.p, IOMMU_HWPT_FAULT_ID_VALID, s.devId, s.ioas, 0, new Uint8Array(0), fq.id);
    const bindAttach = (cdev: string) => {
      const vf = s.host.vfioDevice(s.p, s.host.open(s.p, `/dev/vfio/devices/${cdev}`, 2));
      const id = vf.bind(s.p, s.ifd, 0);
      vf.attach(s.p, 0, iopf, 0);
      return { vf, id };
    };
    const f0 = bindAttach('vfio3');
    const f1 = bindAttach('vfio4');
    s.vf.attach(s.p, 0, iopf, 0);
    const answers = new Map<number, number[]>();
    const raise = (devId: number) => {
      const got: number[] = [];
      answers.set(devId, got);
      fault.deliver({ devId, faults: [{ flags: 2, pasid: 0, grpid: 1, perm: 1, addr: 0x1000n }], hwpt: s.ctx.lookup(iopf), pasid: 0, respond: (code) => got.push(code) });
    };
    raise(f0.id);
    raise(f1.id);
    raise(s.devId);
    f0.vf.detach(0, 0); // .1 still holds group 4's handle
    expect([...answers.values()].map((a) => a.length)).toEqual([0, 0, 0]);
    f1.vf.detach(0, 0); // the group's handle goes: both of its devices' requests, INVALID
    expect(answers.get(f0.id)).toEqual([1]);
    expect(answers.get(f1.id)).toEqual([1]);
    expect(answers.get(s.devId)).toEqual([]); // group 1's handle stays
    s.vf.attach(s.p, 0, s.ioas, 0); // replace group 1 away
    expect(answers.get(s.devId)).toEqual([1]);
  });
});

describe('IOMMU_HWPT_INVALIDATE on a VT-d nested HWPT', () => {
  it('core and driver checks, entry_num on every path', () => {
    const s = setup();
    const id = s.nested();
    const T = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1;
    const f = (hwpt: number, type: number, len: number, e: Uint8Array) => fail(() => s.ctx.hwptInvalidate(hwpt, type, len, e));
    const one = inv({ addr: 0n, npages: 1n });
    expect(f(s.parentId, T, 24, one)).toEqual({ errno: 'EINVAL', meta: { entry_num: '0' } });
    expect(f(999, T, 24, one)).toEqual({ errno: 'ENOENT', meta: { entry_num: '0' } });
    expect(f(id, T, 0, one)).toEqual({ errno: 'EINVAL', meta: { entry_num: '0' } });
    expect(f(id, T, 24, one.subarray(0, 20))).toEqual({ errno: 'EINVAL', meta: { entry_num: '0' } });
    // the array type is checked before the loop: even with no entries
    expect(f(id, 1, 24, new Uint8Array(0))).toEqual({ errno: 'EINVAL', meta: { entry_num: '0' } });
    expect(s.ctx.hwptInvalidate(id, T, 24, new Uint8Array(0))).toBe(0);
    expect(f(id, T, 25, new Uint8Array(25))).toEqual({ errno: 'EINVAL', meta: { entry_num: '0' } });
    expect(f(id, T, 12, new Uint8Array(24))).toEqual({ errno: 'EINVAL', meta: { entry_num: '0' } });
    // per entry, stopping at the first bad one
    expect(f(id, T, 24, inv({ addr: 0n, npages: 1n }, { addr: 0n, npages: 1n, flags: 2 }))).toEqual({ errno: 'EOPNOTSUPP', meta: { entry_num: '1' } });
    expect(f(id, T, 24, inv({ addr: 0n, npages: 1n }, { addr: 0n, npages: 1n, reserved: 1 }))).toEqual({ errno: 'EOPNOTSUPP', meta: { entry_num: '1' } });
    expect(f(id, T, 24, inv({ addr: 0n, npages: 1n }, { addr: 0x800n, npages: 1n }))).toEqual({ errno: 'EINVAL', meta: { entry_num: '1' } });
    expect(f(id, T, 24, inv({ addr: 0x1000n, npages: 1n }, { addr: 0x1000n, npages: U64_MAX }))).toEqual({ errno: 'EINVAL', meta: { entry_num: '1' } });
    expect(s.ctx.hwptInvalidate(id, T, 24, inv({ addr: 0n, npages: U64_MAX }, { addr: 0x3000n, npages: 2n, flags: 1 }))).toBe(2);
  });

  it('flushes the nested DID with the PSI address mask, and the attached device ATC', () => {
    const s = setup();
    const id = s.nested();
    const other = s.nested();
    const h = s.ctx.lookup(id) as HwptNestedObj;
    const o = s.ctx.lookup(other) as HwptNestedObj;
    s.vf.attach(s.p, 0, id, 0);
    const tlb = s.unit.tlb;
    const fill = () => {
      for (const pfn of [0x10, 0x13, 0x14, 0x20]) tlb.insert(h.tag, pfn, 0x9000 + pfn, 12, 3);
      tlb.insert(h.tag, 0x200, 0x80000, 21, 3); // a 2 MiB leaf [0x200, 0x400)
      tlb.insert(o.tag, 0x10, 0x7777, 12, 3);
      tlb.insert(s.parent.domain.tag, 0x10, 0x6666, 12, 3);
      s.dev.atc.insert(0, 0x10, 0x5555, 12, 3);
      s.dev.atc.insert(0, 0x20, 0x5556, 12, 3);
    };
    const left = (tag: number) =>
      tlb
        .snapshot()
        .filter((e) => e.tag === tag)
        .map((e) => e.iovaPfn)
        .sort((a, b) => a - b);
    const atc = () =>
      s.dev.atc
        .snapshot()
        .map((e) => e.iovaPfn)
        .sort((a, b) => a - b);
    const T = IOMMU_HWPT_INVALIDATE_DATA_VTD_S1;
    fill();
    // 3 pages at 0x10: the PSI mask is 2, so [0x10, 0x14) goes (0x13 with it), 0x14 stays
    expect(s.ctx.hwptInvalidate(id, T, 24, inv({ addr: 0x10000n, npages: 3n }))).toBe(1);
    expect(left(h.tag)).toEqual([0x14, 0x20, 0x200]);
    expect(atc()).toEqual([0x20]);
    expect(left(o.tag)).toEqual([0x10]);
    expect(left(s.parent.domain.tag)).toEqual([0x10]);
    // unaligned 2 pages at 0x13: mask widened to cover 0x13..0x14 → [0x10, 0x18)
    fill();
    s.ctx.hwptInvalidate(id, T, 24, inv({ addr: 0x13000n, npages: 2n }));
    expect(left(h.tag)).toEqual([0x20, 0x200]);
    // a page inside the 2 MiB leaf drops the leaf
    s.ctx.hwptInvalidate(id, T, 24, inv({ addr: 0x234000n, npages: 1n }));
    expect(left(h.tag)).toEqual([0x20]);
    // invalidate-all: only this DID, and the whole ATC of the attachment
    fill();
    s.ctx.hwptInvalidate(id, T, 24, inv({ addr: 0n, npages: U64_MAX }));
    expect(left(h.tag)).toEqual([]);
    expect(atc()).toEqual([]);
    expect(left(o.tag)).toEqual([0x10]);
    expect(left(s.parent.domain.tag)).toEqual([0x10]);
    // a skipped invalidation leaves the stale entry in place
    tlb.insert(h.tag, 0x30, 0x1, 12, 3);
    s.ctx.hwptInvalidate(id, T, 24, inv({ addr: 0x40000n, npages: 1n }));
    expect(left(h.tag)).toEqual([0x30]);
  });

  it('a stage-2 unmap of the parent flushes the nested DIDs and the ATC of devices on them', () => {
    const s = setup();
    const id = s.nested();
    const h = s.ctx.lookup(id) as HwptNestedObj;
    s.vf.attach(s.p, 0, id, 0);
    const va = s.host.mmap(s.p, { addr: 0n, length: 0x4000n, prot: 3, flags: MAP_SHARED | MAP_ANONYMOUS, fd: -1, offset: 0n });
    s.ctx.ioasMap(s.p, 1 | 2 | 4, s.ioas, va, 0x4000n, 0x100000n);
    s.unit.tlb.insert(h.tag, 0x7000, 0x100, 12, 3); // stage-1 IOVA: unrelated to the GPA range
    s.unit.tlb.insert(h.tag + 1000, 0x7000, 0x100, 12, 3); // another domain's tag
    s.dev.atc.insert(0, 0x7000, 0x100, 12, 3);
    s.ctx.ioasUnmap(s.ioas, 0x100000n, 0x4000n);
    const tags = s.unit.tlb.snapshot().map((e) => e.tag);
    expect(tags).not.toContain(h.tag);
    expect(tags).toContain(h.tag + 1000);
    expect(s.dev.atc.validEntries).toBe(0);
  });

  it('replace and detach flush the old DID (domain-selective) and the device ATC', () => {
    const s = setup();
    const a = s.nested();
    const b = s.nested();
    const ha = s.ctx.lookup(a) as HwptNestedObj;
    const hb = s.ctx.lookup(b) as HwptNestedObj;
    s.vf.attach(s.p, 0, a, 0);
    s.unit.tlb.insert(ha.tag, 0x10, 0x1, 12, 3);
    s.unit.tlb.insert(hb.tag, 0x10, 0x1, 12, 3);
    s.dev.atc.insert(0, 0x10, 0x1, 12, 3);
    s.vf.attach(s.p, 0, b, 0);
    expect(s.unit.tlb.snapshot().map((e) => e.tag)).toEqual([hb.tag]);
    expect(s.dev.atc.validEntries).toBe(0);
    s.vf.detach(0, 0);
    expect(s.unit.tlb.validEntries).toBe(0);
  });

  it('a nested HWPT destroyed drops its DID and its IOTLB entries', () => {
    const s = setup();
    const id = s.nested();
    const h = s.ctx.lookup(id) as HwptNestedObj;
    s.unit.tlb.insert(h.tag, 0x10, 0x1, 12, 3);
    s.ctx.destroy(id);
    expect(s.unit.tlb.snapshot().filter((e) => e.tag === h.tag)).toEqual([]);
  });

  it('VT-d has no vIOMMU type', () => {
    const s = setup();
    expect(errnoOf(() => s.ctx.viommuAlloc(s.p, 0, 1, s.devId, s.parentId))).toBe('EOPNOTSUPP');
    expect(errnoOf(() => s.ctx.viommuAlloc(s.p, 0, 0, s.devId, s.parentId))).toBe('EOPNOTSUPP');
    expect(errnoOf(() => s.ctx.viommuAlloc(s.p, 0, 1, 999, s.parentId))).toBe('ENOENT');
  });
});
