/**
 * viommu: the VIOMMU and VDEVICE objects (drivers/iommu/iommufd/viommu.c with the SMMUv3
 * driver's arm-smmu-v3-iommufd.c).
 *
 * A vIOMMU is the slice of one physical SMMUv3 given to a VM: its stage 2 (the NEST_PARENT
 * paging HWPT it holds), its VMID (the parent's domain id: vsmmu->vmid = s2_parent->vmid), the
 * table of its vDEVICEs (virt_id = the guest's StreamID → the physical device) and its vEVENTQs.
 * Guest invalidation commands reach the physical SMMU through IOMMU_HWPT_INVALIDATE on the
 * vIOMMU (arm_vsmmu_cache_invalidate): the VMID is rewritten to the vIOMMU's, a vSID to the
 * physical StreamID, anything else is EIO; they act on the unit's IOTLB (tags asidTag(vmid,
 * asid)), on the CD cache of the DMA path (invalidateCdCache) and on device ATCs.
 * The VT-d driver has no vIOMMU type (VT-d nesting is a nested HWPT on a paging parent).
 */
import { kerr } from '#libs/errno/index.js';
import { ULONG_MAX } from '#libs/u64/index.js';
import type { Cgroup } from '../process/principal.js';
import { atcInvalidate, invalErr, IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 } from './hw_pagetable.js';
import { invalidateCdCache } from './nested_walk.js';
import { IObj, KMEM_PAGES, type VeventqSink } from './object.js';
import {
  asidTag,
  type DeviceState,
  type IommufdCtxOps,
  type IommufdDevice,
  type IommufdHwptPaging,
  type IommufdVdevice,
  type IommufdViommu,
  type UnitState,
} from './topology.js';

/** enum iommu_viommu_type */
export const IOMMU_VIOMMU_TYPE_DEFAULT = 0;
export const IOMMU_VIOMMU_TYPE_ARM_SMMUV3 = 1;
/** enum iommu_veventq_type */
export const IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 = 1;
/** struct iommu_viommu_arm_smmuv3_invalidate: one 128-bit command. */
export const IOMMU_VIOMMU_ARM_SMMUV3_INVALIDATE_SIZE = 16;

/** SMMUv3 command opcodes the kernel forwards (CMDQ_OP_*). */
export const CMDQ_OP_CFGI_CD = 0x05;
export const CMDQ_OP_CFGI_CD_ALL = 0x06;
export const CMDQ_OP_TLBI_NH_ALL = 0x10;
export const CMDQ_OP_TLBI_NH_ASID = 0x11;
export const CMDQ_OP_TLBI_NH_VA = 0x12;
export const CMDQ_OP_TLBI_NH_VAA = 0x13;
export const CMDQ_OP_TLBI_NSNH_ALL = 0x30;
export const CMDQ_OP_ATC_INV = 0x40;
/** Commands issued per CMD_SYNC batch (CMDQ_BATCH_ENTRIES - 1, BITS_PER_LONG - 1). */
export const CMDQ_BATCH = 63;

const VMID_SHIFT = 32n;
const VMID_MASK = 0xffffn << VMID_SHIFT;
const SID_SHIFT = 32n;
const SID_MASK = 0xffffffffn << SID_SHIFT;
const ATC_SIZE_ALL = 52;
const PFN_LIMIT = 2 ** 52;

export class ViommuObj extends IObj<IommufdCtxOps> implements IommufdViommu {
  readonly type = 'VIOMMU';
  /** virt_id → vDEVICE */
  readonly vdevs = new Map<bigint, IommufdVdevice>();
  /** veventq type → queue (one per type) */
  readonly veventqs = new Map<number, VeventqSink>();
  constructor(
    ctx: IommufdCtxOps,
    id: number,
    readonly viommuType: number,
    /** nest parent (stage 2) */
    readonly parent: IommufdHwptPaging,
    readonly unit: UnitState,
    /** = the S2 parent's domain id (vsmmu->vmid = s2_parent->vmid) */
    readonly vmid: number,
  ) {
    super(ctx, id);
  }
  destroy(): void {
    // nested HWPTs, vDEVICEs and vEVENTQs hold users, so nothing else refers to it now
    this.parent.users--;
    this.uncharge();
  }
}

export class VdeviceObj extends IObj<IommufdCtxOps> implements IommufdVdevice {
  readonly type = 'VDEVICE';
  constructor(
    ctx: IommufdCtxOps,
    id: number,
    readonly viommu: IommufdViommu,
    readonly idev: IommufdDevice,
    readonly virtId: bigint,
  ) {
    super(ctx, id);
  }
  destroy(): void {
    this.viommu.vdevs.delete(this.virtId);
    this.viommu.users--;
    if (this.idev.vdev === this) this.idev.vdev = undefined;
    this.uncharge();
  }
}

// ------------------------------------------------------------------ IOMMU_VIOMMU_ALLOC

/**
 * iommufd_viommu_alloc_ioctl with the SMMUv3 driver's get_viommu_size / viommu_init, in order.
 * Returns the vIOMMU and the driver data written back (ARM_SMMUV3 has no driver struct: none).
 */
export function viommuAlloc(ctx: IommufdCtxOps, memcg: Cgroup, flags: number, type: number, devId: number, hwptId: number): { viommu: ViommuObj; data: Uint8Array } {
  if (flags !== 0 || type === IOMMU_VIOMMU_TYPE_DEFAULT) throw kerr('EOPNOTSUPP', flags !== 0 ? 'VIOMMU_ALLOC flags must be 0' : 'IOMMU_VIOMMU_TYPE_DEFAULT is reserved');
  const dev = ctx.getDevice(devId);
  const unit = dev.dev.unit;
  if (unit.spec.type !== 'smmuv3') throw kerr('EOPNOTSUPP', `${unit.name} (VT-d) has no vIOMMU type: VT-d nesting is a nested HWPT on a NEST_PARENT HWPT`);
  // arm_smmu_get_viommu_size: FEAT_NESTING (S1P && S2P), then the type
  if (!unit.spec.nesting || type !== IOMMU_VIOMMU_TYPE_ARM_SMMUV3) throw kerr('EOPNOTSUPP', !unit.spec.nesting ? `${unit.name} cannot nest` : `vIOMMU type ${type} is not supported by ${unit.name}`);
  memcg.chargeMemory(KMEM_PAGES.VIOMMU);
  let parent: IommufdHwptPaging;
  try {
    const o = ctx.objects.get(hwptId);
    if (!o || o.type !== 'HWPT_PAGING') throw kerr('ENOENT', `id ${hwptId} is not a HWPT_PAGING`);
    parent = o;
    if (!parent.domain.opts.nestParent) throw kerr('EINVAL', `HWPT ${hwptId} is not a NEST_PARENT`);
    // arm_vsmmu_init
    if (parent.domain.unit !== unit) throw kerr('EINVAL', `the parent HWPT is on ${parent.domain.unit.name}, the device is behind ${unit.name}`);
  } catch (e) {
    memcg.unchargeMemory(KMEM_PAGES.VIOMMU);
    throw e;
  }
  const v = ctx.install((id) => new ViommuObj(ctx, id, type, parent, unit, parent.domain.did));
  v.kmem = { memcg, pages: KMEM_PAGES.VIOMMU };
  parent.users++;
  return { viommu: v, data: new Uint8Array(0) };
}

// ------------------------------------------------------------------ IOMMU_VDEVICE_ALLOC

export function vdeviceAlloc(ctx: IommufdCtxOps, memcg: Cgroup, viommuId: number, devId: number, virtId: bigint): VdeviceObj {
  if (virtId > ULONG_MAX) throw kerr('EINVAL', 'virt_id exceeds ULONG_MAX');
  const vo = ctx.objects.get(viommuId);
  if (!vo || vo.type !== 'VIOMMU') throw kerr('ENOENT', `id ${viommuId} is not a vIOMMU`);
  const viommu = vo;
  const idev = ctx.getDevice(devId);
  if (idev.dev.unit !== viommu.unit) throw kerr('EINVAL', `${idev.dev.bdf} is behind ${idev.dev.unit.name}, vIOMMU ${viommuId} is on ${viommu.unit.name}`);
  if (idev.vdev) throw kerr('EEXIST', `device ${devId} already has vDEVICE ${idev.vdev.id}`);
  memcg.chargeMemory(KMEM_PAGES.VDEVICE);
  if (viommu.vdevs.has(virtId)) {
    memcg.unchargeMemory(KMEM_PAGES.VDEVICE);
    throw kerr('EEXIST', `virt_id 0x${virtId.toString(16)} is taken on vIOMMU ${viommuId}`);
  }
  const vdev = ctx.install((id) => new VdeviceObj(ctx, id, viommu, idev, virtId));
  vdev.kmem = { memcg, pages: KMEM_PAGES.VDEVICE };
  viommu.vdevs.set(virtId, vdev);
  viommu.users++;
  idev.vdev = vdev;
  return vdev;
}

/**
 * The device object is going away (unbind): its vDEVICE is destroyed and its ID becomes a
 * tombstone, reserved until the iommufd is released (IOMMU_DESTROY of it: ENOENT).
 */
export function tombstoneVdevice(idev: IommufdDevice): void {
  const vdev = idev.vdev;
  if (!vdev) return;
  const ctx = vdev.ctx;
  ctx.objects.delete(vdev.id);
  ctx.tombstones.add(vdev.id);
  vdev.users = 0;
  vdev.destroy();
}

// ------------------------------------------------------------------ IOMMU_HWPT_INVALIDATE on a vIOMMU

function deviceBySid(unit: UnitState, sid: number): DeviceState | undefined {
  for (const d of unit.devices) if (d.rid === sid) return d;
  return undefined;
}

/** Range of a TLBI_NH_VA/VAA: one page (TG 0) or the RIL range (NUM+1)·2^SCALE granules. */
function tlbiRange(cmd0: bigint, cmd1: bigint): { pfn: number; n: number } {
  const va = cmd1 & ~0xfffn;
  const pfn = Number(va >> 12n);
  const tg = Number((cmd1 >> 10n) & 3n);
  if (tg === 0) return { pfn, n: 1 };
  const num = Number((cmd0 >> 12n) & 0x1fn);
  const scale = Number((cmd0 >> 20n) & 0x1fn);
  const granulePages = tg === 1 ? 1 : tg === 2 ? 4 : 16;
  return { pfn, n: (num + 1) * 2 ** scale * granulePages };
}

function dropTags(c: { invalidateTagsRange(t: number, count: number, pfn: number, n: number): number }, firstTag: number, count: number, pfn: number, n: number): void {
  if (pfn >= PFN_LIMIT) return;
  c.invalidateTagsRange(firstTag, count, pfn, Math.min(n, PFN_LIMIT - pfn));
}

/** One converted command reaching the physical SMMU (after CMD_SYNC of its batch). */
function issue(viommu: IommufdViommu, cmd0: bigint, cmd1: bigint): void {
  const unit = viommu.unit;
  const tlb = unit.tlb;
  const op = Number(cmd0 & 0xffn);
  const vmid = Number((cmd0 & VMID_MASK) >> VMID_SHIFT);
  const asid = Number((cmd0 >> 48n) & 0xffffn);
  switch (op) {
    case CMDQ_OP_TLBI_NH_ALL:
      tlb.invalidateTags(asidTag(vmid, 0), 0x10000);
      return;
    case CMDQ_OP_TLBI_NH_ASID:
      tlb.invalidateTag(asidTag(vmid, asid));
      return;
    case CMDQ_OP_TLBI_NH_VA: {
      const { pfn, n } = tlbiRange(cmd0, cmd1);
      dropTags(tlb, asidTag(vmid, asid), 1, pfn, n);
      return;
    }
    case CMDQ_OP_TLBI_NH_VAA: {
      const { pfn, n } = tlbiRange(cmd0, cmd1);
      dropTags(tlb, asidTag(vmid, 0), 0x10000, pfn, n);
      return;
    }
    case CMDQ_OP_ATC_INV: {
      const dev = deviceBySid(unit, Number((cmd0 & SID_MASK) >> SID_SHIFT));
      if (!dev) return;
      // without a PASID prefix (SSV clear) the ATS invalidation hits every PASID's entries
      const ssv = (cmd0 >> 11n) & 1n;
      const pasid = ssv ? Number((cmd0 >> 12n) & 0xfffffn) : 0;
      const size = Number(cmd1 & 0x3fn);
      if (size >= ATC_SIZE_ALL) {
        atcInvalidate(dev, pasid);
        return;
      }
      const n = 2 ** size;
      atcInvalidate(dev, pasid, Math.floor(Number((cmd1 & ~0xfffn) >> 12n) / n) * n, n);
      return;
    }
    case CMDQ_OP_CFGI_CD:
    case CMDQ_OP_CFGI_CD_ALL: {
      const dev = deviceBySid(unit, Number((cmd0 & SID_MASK) >> SID_SHIFT));
      const rid = dev?.group.rid;
      if (!dev || !rid || !dev.bound || !rid.devices.has(dev.bound) || rid.hwpt.type !== 'HWPT_NESTED') return;
      invalidateCdCache(rid.hwpt, op === CMDQ_OP_CFGI_CD ? Number((cmd0 >> 12n) & 0xfffffn) : undefined);
      return;
    }
  }
}

/**
 * arm_vsmmu_convert_user_cmd: rewrite one guest command for the physical SMMU, or EIO.
 * Returns the converted words.
 */
function convert(viommu: IommufdViommu, cmd0: bigint, cmd1: bigint, i: number, done: number): [bigint, bigint] {
  const op = Number(cmd0 & 0xffn);
  switch (op) {
    case CMDQ_OP_TLBI_NSNH_ALL:
      return [BigInt(CMDQ_OP_TLBI_NH_ALL) | (BigInt(viommu.vmid) << VMID_SHIFT), 0n];
    case CMDQ_OP_TLBI_NH_VA:
    case CMDQ_OP_TLBI_NH_VAA:
    case CMDQ_OP_TLBI_NH_ALL:
    case CMDQ_OP_TLBI_NH_ASID:
      return [(cmd0 & ~VMID_MASK) | (BigInt(viommu.vmid) << VMID_SHIFT), cmd1];
    case CMDQ_OP_ATC_INV:
    case CMDQ_OP_CFGI_CD:
    case CMDQ_OP_CFGI_CD_ALL: {
      const vsid = (cmd0 & SID_MASK) >> SID_SHIFT;
      const vdev = viommu.vdevs.get(vsid);
      if (!vdev) throw invalErr('EIO', `entry ${i}: vSID 0x${vsid.toString(16)} has no vDEVICE on vIOMMU ${viommu.id}`, done);
      return [(cmd0 & ~SID_MASK) | (BigInt(vdev.idev.dev.rid) << SID_SHIFT), cmd1];
    }
    default:
      throw invalErr('EIO', `entry ${i}: command opcode 0x${op.toString(16)} is not forwarded to the host SMMU`, done);
  }
}

/**
 * arm_vsmmu_cache_invalidate: copy the whole array (type, entry_num 0 → EINVAL; an entry_len
 * other than 16 is copied item by item: shorter is zero-extended, longer needs a zero tail
 * else E2BIG), convert entry by entry and issue in batches of CMDQ_BATCH with a sync. On a
 * conversion error the converted-but-unissued commands of the current batch are dropped and
 * entry_num = the failing index (the kernel's `cur - cmds`).
 */
export function viommuInvalidate(viommu: IommufdViommu, dataType: number, entryLen: number, entries: Uint8Array): number {
  if (dataType !== IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3) throw invalErr('EINVAL', `data_type ${dataType} is not IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3`, 0);
  const n = entryLen === 0 ? 0 : entries.length / entryLen;
  if (n === 0) throw invalErr('EINVAL', 'the SMMUv3 vIOMMU needs at least one command', 0);
  const cmds = new BigUint64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const e = entries.subarray(i * entryLen, (i + 1) * entryLen);
    for (let b = IOMMU_VIOMMU_ARM_SMMUV3_INVALIDATE_SIZE; b < e.length; b++) {
      if (e[b] !== 0) throw invalErr('E2BIG', `entry ${i}: bytes past the 16-byte command are not zero`, 0);
    }
    const w = new Uint8Array(16);
    w.set(e.subarray(0, Math.min(16, e.length)));
    const dv = new DataView(w.buffer);
    cmds[2 * i] = dv.getBigUint64(0, true);
    cmds[2 * i + 1] = dv.getBigUint64(8, true);
  }
  let last = 0;
  for (let cur = 0; cur < n; ) {
    const [c0, c1] = convert(viommu, cmds[2 * cur]!, cmds[2 * cur + 1]!, cur, cur);
    cmds[2 * cur] = c0;
    cmds[2 * cur + 1] = c1;
    cur++;
    if (cur !== n && cur - last !== CMDQ_BATCH) continue;
    for (let k = last; k < cur; k++) issue(viommu, cmds[2 * k]!, cmds[2 * k + 1]!);
    last = cur;
  }
  return n;
}
