/**
 * The SMMUv3 vIOMMU at kernel level (arm-smmuv3): IOMMU_VIOMMU_ALLOC and IOMMU_VDEVICE_ALLOC in
 * the kernel's order (atomic failures), vSTE nested HWPTs (arm_smmu_validate_vste: EIO, V=0
 * zeroed, EATS stripped), attach with and without a vDEVICE, vDEVICE tombstones, and
 * IOMMU_HWPT_INVALIDATE on the vIOMMU: VMID rewrite, vSID → pSID, EIO, batches of 63, and the
 * effect of each command on the unit's IOTLB (tags asidTag(vmid, asid)), the device ATC and the
 * CD cache.
 */
import { describe, expect, it } from 'vitest';
import { kernelFailure } from '#libs/errno/index.js';
import { Host } from '../platform/host.js';
import { loadProfile } from '#libs/profile/profile.js';
import {
  HwptNestedObj,
  IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
  IOMMU_HWPT_ALLOC_NEST_PARENT,
  IOMMU_HWPT_ALLOC_PASID,
  IOMMU_HWPT_DATA_ARM_SMMUV3,
  IOMMU_HWPT_DATA_VTD_S1,
  IOMMU_HWPT_FAULT_ID_VALID,
  IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
} from './hw_pagetable.js';
import type { HwptObj } from './hw_pagetable.js';
import { cdCacheOf } from './nested_walk.js';
import { asidTag } from './topology.js';
import {
  CMDQ_OP_ATC_INV,
  CMDQ_OP_CFGI_CD,
  CMDQ_OP_CFGI_CD_ALL,
  CMDQ_OP_TLBI_NH_ALL,
  CMDQ_OP_TLBI_NH_ASID,
  CMDQ_OP_TLBI_NH_VA,
  CMDQ_OP_TLBI_NH_VAA,
  CMDQ_OP_TLBI_NSNH_ALL,
  IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
  ViommuObj,
  VdeviceObj,
} from './viommu.js';

const fail = kernelFailure;
const errnoOf = (f: () => unknown) => fail(f)?.errno;

const V = 1n;
const cfg = (c: bigint) => c << 1n;
const EATS = (e: bigint) => e << 28n;
function vste(w0: bigint, w1 = 0n): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setBigUint64(0, w0, true);
  v.setBigUint64(8, w1, true);
  return b;
}
const S1 = vste(V | cfg(5n) | (0x8_0000n << 6n));

/** Commands as 16-byte little-endian entries. */
function cmds(...cs: Array<[bigint, bigint]>): Uint8Array {
  const b = new Uint8Array(16 * cs.length);
  const v = new DataView(b.buffer);
  cs.forEach(([a, c], i) => {
    v.setBigUint64(16 * i, a, true);
    v.setBigUint64(16 * i + 8, c, true);
  });
  return b;
}
const op = (o: number) => BigInt(o);
const vmidF = (v: number) => BigInt(v) << 32n;
const asidF = (a: number) => BigInt(a) << 48n;
const sidF = (s: number) => BigInt(s) << 32n;

function setup() {
  const host = new Host(loadProfile('arm-smmuv3'));
  const p = host.spawn(host.principal('root'), 'viommu', 0);
  const ifd = host.open(p, '/dev/iommu', 2);
  const ctx = host.iommufd(p, ifd);
  const dfd = host.open(p, '/dev/vfio/devices/vfio0', 2);
  const vf = host.vfioDevice(p, dfd);
  const devId = vf.bind(p, ifd, 0);
  const dfd1 = host.open(p, '/dev/vfio/devices/vfio1', 2);
  const vf1 = host.vfioDevice(p, dfd1);
  const devId1 = vf1.bind(p, ifd, 0);
  const ioas = ctx.ioasAlloc(p, 0);
  vf.attach(p, 0, ioas, 0);
  const parentId = ctx.hwptAlloc(p, IOMMU_HWPT_ALLOC_NEST_PARENT, devId, ioas, 0, new Uint8Array(0), 0);
  const parent = ctx.lookup(parentId) as HwptObj;
  const dev = host.device('0000:01:00.0');
  const unit = dev.unit;
  return { host, p, ifd, ctx, dfd, vf, devId, dfd1, vf1, devId1, ioas, parentId, parent, dev, unit };
}

function withViommu() {
  const s = setup();
  const { id } = s.ctx.viommuAlloc(s.p, 0, IOMMU_VIOMMU_TYPE_ARM_SMMUV3, s.devId, s.parentId);
  const viommu = s.ctx.lookup(id) as ViommuObj;
  const nested = (data: Uint8Array = S1, flags = 0, faultId = 0) => s.ctx.hwptAlloc(s.p, flags, s.devId, id, IOMMU_HWPT_DATA_ARM_SMMUV3, data, faultId);
  return { ...s, viommuId: id, viommu, nested };
}

describe('IOMMU_VIOMMU_ALLOC (arm-smmuv3)', () => {
  it('refuses in the kernel order; vmid = the parent domain id; holds the parent', () => {
    const s = setup();
    const plain = s.ctx.hwptAlloc(s.p, 0, s.devId, s.ioas, 0, new Uint8Array(0), 0);
    const ids = [...s.ctx.objects.keys()];
    const a = (flags: number, type: number, dev: number, hwpt: number) => errnoOf(() => s.ctx.viommuAlloc(s.p, flags, type, dev, hwpt));
    expect(a(1, 1, s.devId, s.parentId)).toBe('EOPNOTSUPP');
    expect(a(0, 0, s.devId, s.parentId)).toBe('EOPNOTSUPP');
    expect(a(0, 1, 999, s.parentId)).toBe('ENOENT');
    expect(a(0, 2, s.devId, s.parentId)).toBe('EOPNOTSUPP'); // TEGRA241_CMDQV: not this SMMU
    expect(a(0, 2, s.devId, 0)).toBe('EOPNOTSUPP'); // the type before the HWPT
    expect(a(0, 1, s.devId, 0)).toBe('ENOENT');
    expect(a(0, 1, s.devId, s.ioas)).toBe('ENOENT');
    expect(a(0, 1, s.devId, plain)).toBe('EINVAL');
    expect([...s.ctx.objects.keys()]).toEqual(ids);
    const r = s.ctx.viommuAlloc(s.p, 0, 1, s.devId, s.parentId);
    expect(r.data.length).toBe(0);
    const v = s.ctx.lookup(r.id) as ViommuObj;
    expect(v.vmid).toBe(s.parent.domain.did);
    expect(v.parent).toBe(s.parent);
    expect(errnoOf(() => s.ctx.destroy(s.parentId))).toBe('EBUSY');
    s.ctx.destroy(r.id);
    s.ctx.destroy(s.parentId);
  });

  it('freeing a nest parent frees its VMID: every stage-1 entry of that VMID goes', () => {
    const s = setup();
    const did = s.parent.domain.did;
    s.unit.tlb.insert(asidTag(did, 5), 0x10, 0x1, 12, 3);
    s.unit.tlb.insert(asidTag(did + 1, 5), 0x10, 0x1, 12, 3);
    s.ctx.destroy(s.parentId);
    expect(s.unit.tlb.snapshot().map((e) => e.tag)).toEqual([asidTag(did + 1, 5)]);
  });

  it('an SMMUv3 nest parent takes neither DIRTY_TRACKING nor PASID', () => {
    const s = setup();
    expect(errnoOf(() => s.ctx.hwptAlloc(s.p, IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_DIRTY_TRACKING, s.devId, s.ioas, 0, new Uint8Array(0), 0))).toBe('EOPNOTSUPP');
    expect(errnoOf(() => s.ctx.hwptAlloc(s.p, IOMMU_HWPT_ALLOC_NEST_PARENT | IOMMU_HWPT_ALLOC_PASID, s.devId, s.ioas, 0, new Uint8Array(0), 0))).toBe('EOPNOTSUPP');
    // a plain dirty-tracking S1 domain is still fine
    s.ctx.hwptAlloc(s.p, IOMMU_HWPT_ALLOC_DIRTY_TRACKING, s.devId, s.ioas, 0, new Uint8Array(0), 0);
  });
});

describe('vSTE nested HWPTs (IOMMU_HWPT_DATA_ARM_SMMUV3)', () => {
  it('core and driver checks in order; EIO for bits outside the allowed masks', () => {
    const s = withViommu();
    const ids = [...s.ctx.objects.keys()];
    const users = s.viommu.users;
    const a = (data: Uint8Array, flags = 0, type = IOMMU_HWPT_DATA_ARM_SMMUV3, fault = 0) => errnoOf(() => s.ctx.hwptAlloc(s.p, flags, s.devId, s.viommuId, type, data, fault));
    // pt_id = a paging HWPT: SMMUv3 has no domain_alloc_nested
    expect(errnoOf(() => s.ctx.hwptAlloc(s.p, 0, s.devId, s.parentId, IOMMU_HWPT_DATA_ARM_SMMUV3, S1, 0))).toBe('EOPNOTSUPP');
    expect(a(S1, IOMMU_HWPT_ALLOC_NEST_PARENT)).toBe('EOPNOTSUPP');
    expect(a(S1, IOMMU_HWPT_FAULT_ID_VALID | (1 << 31))).toBe('EOPNOTSUPP');
    expect(a(S1, IOMMU_HWPT_ALLOC_PASID)).toBe('EOPNOTSUPP'); // arm_vsmmu_alloc_domain_nested: flags != 0
    expect(a(S1, 0, IOMMU_HWPT_DATA_VTD_S1)).toBe('EINVAL');
    expect(a(S1.subarray(0, 15))).toBe('EINVAL');
    expect(a(new Uint8Array(17))).toBe('EINVAL');
    expect(a(vste(V | cfg(5n) | (1n << 52n)))).toBe('EIO'); // CTXPTR bit 52: RES0
    expect(a(vste(V | cfg(5n) | (1n << 56n)))).toBe('EIO');
    expect(a(vste(V | cfg(5n), 1n << 8n))).toBe('EIO'); // S1 ... word1 bit 8 not allowed
    expect(a(vste(V | cfg(6n)))).toBe('EIO'); // S2
    expect(a(vste(V | cfg(7n)))).toBe('EIO'); // nested
    expect(a(vste(V | cfg(1n)))).toBe('EIO');
    expect(a(vste(V | cfg(5n), EATS(2n)))).toBe('EIO'); // S1CHK
    expect(a(S1, IOMMU_HWPT_FAULT_ID_VALID, IOMMU_HWPT_DATA_ARM_SMMUV3, 0xffffffff)).toBe('ENOENT');
    // the EIO check comes before the fault lookup
    expect(a(vste(V | cfg(6n)), IOMMU_HWPT_FAULT_ID_VALID, IOMMU_HWPT_DATA_ARM_SMMUV3, 0xffffffff)).toBe('EIO');
    expect([...s.ctx.objects.keys()]).toEqual(ids);
    expect(s.viommu.users).toBe(users);
  });

  it('V=0 is stored zeroed, EATS is stripped, the vIOMMU (not the parent) is held', () => {
    const s = withViommu();
    const pUsers = s.parent.users;
    const z = s.ctx.lookup(s.nested(vste(0n, (1n << 40n) | 0xffn))) as HwptNestedObj;
    expect(z.s1).toEqual({ kind: 'smmuv3', ste: [0n, 0n], enableAts: false });
    const w0 = V | cfg(5n) | (3n << 4n) | (0x1234n << 6n) | (5n << 59n);
    const w1 = 2n | (3n << 2n) | (1n << 27n) | EATS(1n);
    const h = s.ctx.lookup(s.nested(vste(w0, w1))) as HwptNestedObj;
    expect(h.s1).toEqual({ kind: 'smmuv3', ste: [w0, w1 & ~(3n << 28n)], enableAts: true });
    expect(h.viommu).toBe(s.viommu);
    expect(h.parent).toBe(s.parent);
    expect(h.tag).toBe(asidTag(s.viommu.vmid, 0));
    expect(s.parent.users).toBe(pUsers);
    expect(s.viommu.users).toBe(3);
    expect(errnoOf(() => s.ctx.destroy(s.viommuId))).toBe('EBUSY');
    s.ctx.destroy(z.id);
    s.ctx.destroy(h.id);
    s.ctx.destroy(s.viommuId);
  });
});

describe('IOMMU_VDEVICE_ALLOC and attach', () => {
  it('checks in order, both EEXIST cases, and holds the vIOMMU', () => {
    const s = withViommu();
    const ids = [...s.ctx.objects.keys()];
    expect(errnoOf(() => s.ctx.vdeviceAlloc(s.p, 999, s.devId, 0x100n))).toBe('ENOENT');
    expect(errnoOf(() => s.ctx.vdeviceAlloc(s.p, s.parentId, s.devId, 0x100n))).toBe('ENOENT');
    expect(errnoOf(() => s.ctx.vdeviceAlloc(s.p, s.viommuId, 999, 0x100n))).toBe('ENOENT');
    expect([...s.ctx.objects.keys()]).toEqual(ids);
    const vd = s.ctx.vdeviceAlloc(s.p, s.viommuId, s.devId, 0x100n);
    const vdev = s.ctx.lookup(vd) as VdeviceObj;
    expect(s.viommu.vdevs.get(0x100n)).toBe(vdev);
    expect(errnoOf(() => s.ctx.vdeviceAlloc(s.p, s.viommuId, s.devId, 0x101n))).toBe('EEXIST'); // one per device
    expect(errnoOf(() => s.ctx.vdeviceAlloc(s.p, s.viommuId, s.devId1, 0x100n))).toBe('EEXIST'); // virt_id taken
    const ids2 = [...s.ctx.objects.keys()];
    s.ctx.vdeviceAlloc(s.p, s.viommuId, s.devId1, 0x108n);
    expect(errnoOf(() => s.ctx.destroy(s.viommuId))).toBe('EBUSY');
    expect([...s.ctx.objects.keys()].length).toBe(ids2.length + 1);
  });

  it('Cfg=S1 needs a vDEVICE (ENOENT); abort and bypass do not', () => {
    const s = withViommu();
    const s1 = s.nested();
    const bypass = s.nested(vste(V | cfg(4n)));
    const abort = s.nested(vste(V));
    const before = s.dev.group.rid?.hwpt;
    expect(errnoOf(() => s.vf.attach(s.p, 0, s1, 0))).toBe('ENOENT');
    expect(s.dev.group.rid?.hwpt).toBe(before);
    expect(s.vf.attach(s.p, 0, bypass, 0)).toBe(bypass);
    expect(s.vf.attach(s.p, 0, abort, 0)).toBe(abort);
    // a vDEVICE on another vIOMMU does not count
    s.ctx.vdeviceAlloc(s.p, s.viommuId, s.devId, 0x100n);
    expect(s.vf.attach(s.p, 0, s1, 0)).toBe(s1);
    expect((s.ctx.lookup(s1) as HwptNestedObj).users).toBe(2);
    expect(errnoOf(() => s.ctx.destroy(s1))).toBe('EBUSY');
  });

  it('an unbound device tombstones its vDEVICE: DESTROY is ENOENT and the ID stays reserved', () => {
    const s = withViommu();
    const vd = s.ctx.vdeviceAlloc(s.p, s.viommuId, s.devId1, 0x108n);
    const users = s.viommu.users;
    s.p.close(s.dfd1);
    expect(s.ctx.objects.has(vd)).toBe(false);
    expect(s.viommu.users).toBe(users - 1);
    expect(s.viommu.vdevs.has(0x108n)).toBe(false);
    // the ID is not reused while tombstoned
    const next = s.ctx.ioasAlloc(s.p, 0);
    expect(next).not.toBe(vd);
    expect(errnoOf(() => s.ctx.destroy(vd))).toBe('ENOENT');
    expect(errnoOf(() => s.ctx.destroy(vd))).toBe('ENOENT');
    expect(s.ctx.ioasAlloc(s.p, 0)).not.toBe(vd);
  });
});

describe('IOMMU_HWPT_INVALIDATE on an SMMUv3 vIOMMU', () => {
  function invSetup() {
    const s = withViommu();
    s.ctx.vdeviceAlloc(s.p, s.viommuId, s.devId, 0x100n); // vSID 0x100 → pSID 0x0100 (01:00.0)
    const h = s.nested();
    s.vf.attach(s.p, 0, h, 0);
    const vmid = s.viommu.vmid;
    const tlb = s.unit.tlb;
    const inval = (...cs: Array<[bigint, bigint]>) => s.ctx.hwptInvalidate(s.viommuId, IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, 16, cmds(...cs));
    const left = () =>
      tlb
        .snapshot()
        .map((e) => `${e.tag === s.parent.domain.tag ? 's2' : `${(e.tag - asidTag(0, 0)) >> 16 === vmid ? 'v' : 'x'}:${(e.tag - asidTag(0, 0)) & 0xffff}`}@${e.iovaPfn.toString(16)}`)
        .sort();
    const fill = () => {
      tlb.invalidateAll();
      for (const asid of [1, 2]) for (const pfn of [0x10, 0x11, 0x40]) tlb.insert(asidTag(vmid, asid), pfn, 0x100 + pfn, 12, 3);
      tlb.insert(asidTag(vmid + 7, 1), 0x10, 0x1, 12, 3); // another VMID
      tlb.insert(s.parent.domain.tag, 0x10, 0x2, 12, 3); // stage 2 of the parent
    };
    return { ...s, h, vmid, tlb, inval, left, fill };
  }

  it('core and copy checks: type, entry_num 0, entry_len shorter (zero-extended) or longer (zero tail)', () => {
    const s = invSetup();
    const f = (type: number, len: number, e: Uint8Array) => fail(() => s.ctx.hwptInvalidate(s.viommuId, type, len, e));
    const nsnh = cmds([op(CMDQ_OP_TLBI_NSNH_ALL), 0n]);
    expect(f(0, 16, nsnh)).toEqual({ errno: 'EINVAL', meta: { entry_num: '0' } });
    expect(f(1, 16, new Uint8Array(0))).toEqual({ errno: 'EINVAL', meta: { entry_num: '0' } });
    // the nested HWPT itself has no cache_invalidate_user on SMMUv3
    expect(fail(() => s.ctx.hwptInvalidate(s.h, 1, 16, nsnh))).toEqual({ errno: 'EOPNOTSUPP', meta: { entry_num: '0' } });
    const long = new Uint8Array(24);
    long.set(nsnh);
    expect(s.ctx.hwptInvalidate(s.viommuId, 1, 24, long)).toBe(1);
    long[20] = 1;
    expect(f(1, 24, long)).toEqual({ errno: 'E2BIG', meta: { entry_num: '0' } });
    s.fill();
    expect(s.ctx.hwptInvalidate(s.viommuId, 1, 8, nsnh.subarray(0, 8))).toBe(1); // word 1 zero-extended
    expect(s.left()).toEqual(['s2@10', 'x:1@10']);
  });

  it('TLBI commands act on the vIOMMU VMID whatever VMID the guest wrote', () => {
    const s = invSetup();
    s.fill();
    expect(s.inval([op(CMDQ_OP_TLBI_NH_ASID) | vmidF(s.vmid + 7) | asidF(2), 0n])).toBe(1);
    expect(s.left()).toEqual(['s2@10', 'v:1@10', 'v:1@11', 'v:1@40', 'x:1@10']);
    s.fill();
    s.inval([op(CMDQ_OP_TLBI_NH_ALL) | vmidF(s.vmid + 7), 0n]);
    expect(s.left()).toEqual(['s2@10', 'x:1@10']);
    s.fill();
    s.inval([op(CMDQ_OP_TLBI_NSNH_ALL), 0xdeadn]);
    expect(s.left()).toEqual(['s2@10', 'x:1@10']);
    // NH_VA without range (TG 0): one page of one ASID
    s.fill();
    s.inval([op(CMDQ_OP_TLBI_NH_VA) | asidF(1), 0x11000n]);
    expect(s.left()).toEqual(['s2@10', 'v:1@10', 'v:1@40', 'v:2@10', 'v:2@11', 'v:2@40', 'x:1@10']);
    // NH_VAA with RIL: TG 4K, SCALE 1, NUM 0 → 2 pages at 0x10 of every ASID
    s.fill();
    s.inval([op(CMDQ_OP_TLBI_NH_VAA) | (1n << 20n), 0x10000n | (1n << 10n)]);
    expect(s.left()).toEqual(['s2@10', 'v:1@40', 'v:2@40', 'x:1@10']);
    // NH_VA with RIL, 16K granule: NUM 3 → 4 × 16K = 16 pages from 0x40 for ASID 2
    s.fill();
    s.inval([op(CMDQ_OP_TLBI_NH_VA) | asidF(2) | (3n << 12n), 0x40000n | (2n << 10n)]);
    expect(s.left()).toEqual(['s2@10', 'v:1@10', 'v:1@11', 'v:1@40', 'v:2@10', 'v:2@11', 'x:1@10']);
  });

  it('vSID → pSID for ATC_INV and CFGI_CD(_ALL); EIO for an unknown vSID or another opcode', () => {
    const s = invSetup();
    const atc = s.dev.atc;
    const atcLeft = () =>
      atc
        .snapshot()
        .map((e) => `${e.tag}@${e.iovaPfn.toString(16)}`)
        .sort();
    const fillAtc = () => {
      atc.invalidateAll();
      for (const pasid of [0, 3]) for (const pfn of [0x10, 0x13, 0x20]) atc.insert(pasid, pfn, 0x1, 12, 3);
    };
    fillAtc();
    // SSV, SSID 3, SIZE 2 (4 pages) at 0x10
    s.inval([op(CMDQ_OP_ATC_INV) | sidF(0x100) | (1n << 11n) | (3n << 12n), 0x10000n | 2n]);
    expect(atcLeft()).toEqual(['0@10', '0@13', '0@20', '3@20']);
    // no SSV: every PASID in the range; SIZE 52: everything
    fillAtc();
    s.inval([op(CMDQ_OP_ATC_INV) | sidF(0x100), 0x20000n]);
    expect(atcLeft()).toEqual(['0@10', '0@13', '3@10', '3@13']);
    s.inval([op(CMDQ_OP_ATC_INV) | sidF(0x100), 52n]);
    expect(atcLeft()).toEqual([]);
    // CD cache of the nested HWPT the device is attached to
    const cds = cdCacheOf(s.ctx.lookup(s.h));
    cds.set(0, {} as never);
    cds.set(5, {} as never);
    cds.set(6, {} as never);
    s.inval([op(CMDQ_OP_CFGI_CD) | sidF(0x100) | (5n << 12n), 0n]);
    expect([...cds.keys()].sort()).toEqual([0, 6]);
    s.inval([op(CMDQ_OP_CFGI_CD_ALL) | sidF(0x100), 0n]);
    expect(cds.size).toBe(0);
    // errors: entry_num = the failing index
    s.fill();
    expect(fail(() => s.inval([op(CMDQ_OP_TLBI_NH_ASID) | asidF(1), 0n], [op(CMDQ_OP_ATC_INV) | sidF(0x99), 0n]))).toEqual({ errno: 'EIO', meta: { entry_num: '1' } });
    expect(fail(() => s.inval([op(0x03) | sidF(0x100), 0n]))).toEqual({ errno: 'EIO', meta: { entry_num: '0' } }); // CFGI_STE
    expect(fail(() => s.inval([op(0x46), 0n]))).toEqual({ errno: 'EIO', meta: { entry_num: '0' } }); // CMD_SYNC
    expect(fail(() => s.inval([op(0x28) | vmidF(s.vmid), 0n]))).toEqual({ errno: 'EIO', meta: { entry_num: '0' } }); // S12_VMALL
    // ...and the converted-but-unissued commands of that batch never reached the SMMU
    expect(s.left()).toContain(`v:1@10`);
  });

  it('commands are issued in batches of 63: a bad command drops the unissued rest of its batch', () => {
    const s = invSetup();
    const good = (asid: number): [bigint, bigint] => [op(CMDQ_OP_TLBI_NH_ASID) | asidF(asid), 0n];
    const bad: [bigint, bigint] = [op(0x01), 0n];
    s.fill();
    // the bad command is the 64th: the first batch of 63 (ASID 1 among them) went out
    const list1 = [good(1), ...Array.from({ length: 62 }, () => good(9)), bad];
    expect(fail(() => s.inval(...list1))).toEqual({ errno: 'EIO', meta: { entry_num: '63' } });
    expect(s.left().filter((x) => x.startsWith('v:1'))).toEqual([]);
    // the bad command is the 63rd: nothing was issued
    s.fill();
    const list2 = [good(1), ...Array.from({ length: 61 }, () => good(9)), bad];
    expect(fail(() => s.inval(...list2))).toEqual({ errno: 'EIO', meta: { entry_num: '62' } });
    expect(s.left().filter((x) => x.startsWith('v:1')).length).toBe(3);
    // 130 good commands: all issued
    s.fill();
    expect(s.inval(...Array.from({ length: 129 }, () => good(9)), good(2))).toBe(130);
    expect(s.left().filter((x) => x.startsWith('v:2'))).toEqual([]);
  });

  it('a stage-2 unmap of the parent flushes the whole VMID and the ATC of devices on nested HWPTs', () => {
    const s = invSetup();
    const va = s.host.mmap(s.p, { addr: 0n, length: 0x4000n, prot: 3, flags: 1 | 0x20, fd: -1, offset: 0n });
    s.ctx.ioasMap(s.p, 1 | 2 | 4, s.ioas, va, 0x4000n, 0x100000n);
    s.fill();
    s.dev.atc.insert(3, 0x7000, 0x1, 12, 3);
    s.ctx.ioasUnmap(s.ioas, 0x100000n, 0x4000n);
    expect(s.left()).toEqual(['s2@10', 'x:1@10']);
    expect(s.dev.atc.validEntries).toBe(0);
  });
});
