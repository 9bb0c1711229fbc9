import { describe, expect, it } from 'vitest';
import {
  computeVtdRegs,
  decodeSmmuReg,
  decodeSmmuv3,
  decodeVtd,
  decodeVtdCap,
  decodeVtdEcap,
  encodeHwInfo,
  encodeSmmuv3,
  encodeVtd,
  getField64,
  IOMMU_HW_CAP_DIRTY_TRACKING,
  IOMMU_HW_CAP_PCI_PASID_EXEC,
  IOMMU_HW_CAP_PCI_PASID_PRIV,
  IOMMU_HW_INFO_TYPE_ARM_SMMUV3,
  IOMMU_HW_INFO_TYPE_INTEL_VTD,
  SMMU_IDR0,
  SMMU_IDR1,
  SMMU_IDR3,
  SMMU_IDR5,
  VTD_CAP,
  VTD_ECAP,
  VTD_SAGAW_48BIT_4LEVEL,
} from './hwinfo.js';
import { findDevice, loadProfile, unitOf, type HostProfile, type PciDevice } from './profile.js';

const intel = loadProfile('intel-vtd');
const arm = loadProfile('arm-smmuv3');

function dev(p: HostProfile, bdf: string): PciDevice {
  const d = findDevice(p, bdf);
  if (!d) throw new Error(`no device ${bdf}`);
  return d;
}

describe('VT-d hw_info', () => {
  it('dmar0: exact 24-byte iommu_hw_info_vtd with scalable-mode features', () => {
    const nic = dev(intel, '0000:01:00.0');
    const info = encodeHwInfo(unitOf(intel, nic), nic);
    expect(info.type).toBe(IOMMU_HW_INFO_TYPE_INTEL_VTD);
    expect(info.type).toBe(1);
    expect(info.data.length).toBe(24);
    expect(info.capabilities).toBe(IOMMU_HW_CAP_DIRTY_TRACKING);
    expect(info.maxPasidLog2).toBe(20);

    // struct layout: u32 flags, u32 __reserved, u64 cap_reg, u64 ecap_reg (little-endian)
    const dv = new DataView(info.data.buffer, info.data.byteOffset, info.data.byteLength);
    expect(dv.getUint32(0, true)).toBe(0);
    expect(dv.getUint32(4, true)).toBe(0);
    const cap = dv.getBigUint64(8, true);
    const ecap = dv.getBigUint64(16, true);
    // hand-assembled from the field list in hwinfo.ts
    expect(cap).toBe(0xc1d2078c406f0406n);
    expect(ecap).toBe(0x1ed9824f050dfn);
    expect([...info.data.subarray(8, 16)]).toEqual([0x06, 0x04, 0x6f, 0x40, 0x8c, 0x07, 0xd2, 0xc1]);

    const c = decodeVtdCap(cap);
    expect(c.MGAW).toBe(47);
    expect(c.SAGAW).toBe(VTD_SAGAW_48BIT_4LEVEL);
    expect(c.SAGAW).toBe(0b00100);
    expect(c.SLLPS).toBe(0b11);
    expect(c.ND).toBe(6); // 2^(4+2*6) = 65536 domains
    expect(c.PSI).toBe(1);
    expect(c.MAMV).toBe(18);
    expect(c.FL1GP).toBe(1);
    expect(c.FL5LP).toBe(0);
    expect(c.FRO).toBe(0x40);
    expect(c.NFR).toBe(7);
    expect(c.CM).toBe(0);
    expect(c.ZLR).toBe(1);
    expect(c.ESRTPS).toBe(1);
    expect(c.ESIRTPS).toBe(1);

    const e = decodeVtdEcap(ecap);
    expect(e.SMTS).toBe(1);
    expect(e.SLADS).toBe(1);
    expect(e.NEST).toBe(1);
    expect(e.PRS).toBe(1);
    expect(e.PASID).toBe(1);
    expect(e.PSS).toBe(19);
    expect(e.FLTS).toBe(1);
    expect(e.SLTS).toBe(1);
    expect(e.DT).toBe(1);
    expect(e.C).toBe(1);
    expect(e.QI).toBe(1);
    expect(e.IR).toBe(1);
    expect(e.EIM).toBe(1);
    expect(e.PT).toBe(1);
    expect(e.SC).toBe(1);
    expect(e.PDS).toBe(1);
    expect(e.SMPWC).toBe(1);
    expect(e.IRO).toBe(0x50);
    expect(e.VCS).toBe(0);

    expect(decodeVtd(info.data)).toEqual({ flags: 0, capReg: cap, ecapReg: ecap });
  });

  it('dmar0: a device without PASID gets max_pasid_log2 0 but still dirty tracking', () => {
    const nvme = dev(intel, '0000:02:00.0');
    const info = encodeHwInfo(unitOf(intel, nvme), nvme);
    expect(info.maxPasidLog2).toBe(0);
    expect(info.capabilities).toBe(IOMMU_HW_CAP_DIRTY_TRACKING);
  });

  it('dmar1: legacy mode, 2M only, no PASID/PRS/nesting/dirty bits', () => {
    const nic = dev(intel, '0000:80:00.0');
    const unit = unitOf(intel, nic);
    expect(unit.name).toBe('dmar1');
    const info = encodeHwInfo(unit, nic);
    expect(info.type).toBe(1);
    expect(info.capabilities).toBe(0n);
    expect(info.maxPasidLog2).toBe(0);
    const { capReg, ecapReg, flags } = decodeVtd(info.data);
    expect(flags).toBe(0);
    expect(capReg).toBe(0x00d20784406f0406n);
    expect(ecapReg).toBe(0xf050dbn);
    const c = decodeVtdCap(capReg);
    expect(c.MGAW).toBe(47);
    expect(c.SAGAW).toBe(0b00100);
    expect(c.SLLPS).toBe(0b01);
    expect(c.FL1GP).toBe(0);
    expect(c.ESRTPS).toBe(0);
    const e = decodeVtdEcap(ecapReg);
    for (const f of ['SMTS', 'SLADS', 'NEST', 'PRS', 'PASID', 'PSS', 'FLTS', 'SLTS', 'DT', 'PDS', 'SMPWC'] as const) {
      expect(e[f], f).toBe(0);
    }
    expect(e.IR).toBe(1);
    expect(e.QI).toBe(1);
    expect(e.C).toBe(1);
  });

  it('bit constants match the VT-d spec positions', () => {
    expect(getField64(1n << 39n, VTD_CAP.PSI)).toBe(1);
    expect(getField64(0x2fn << 16n, VTD_CAP.MGAW)).toBe(47);
    expect(getField64(1n << 43n, VTD_ECAP.SMTS)).toBe(1);
    expect(getField64(1n << 45n, VTD_ECAP.SLADS)).toBe(1);
    expect(getField64(1n << 26n, VTD_ECAP.NEST)).toBe(1);
    expect(getField64(1n << 29n, VTD_ECAP.PRS)).toBe(1);
    expect(getField64(1n << 40n, VTD_ECAP.PASID)).toBe(1);
    expect(getField64(0x1fn << 35n, VTD_ECAP.PSS)).toBe(31);
    expect(getField64(1n << 56n, VTD_CAP.FL1GP)).toBe(1);
    expect(getField64(0xfn << 34n, VTD_CAP.SLLPS)).toBe(15);
  });

  it('computed images follow the unit fields', () => {
    const base = unitOf(intel, dev(intel, '0000:01:00.0'));
    const noDirty = { ...base, dirtyTracking: false, vtd: undefined };
    expect(getField64(computeVtdRegs(noDirty).ecapReg, VTD_ECAP.SLADS)).toBe(0);
    const fiveLevel = { ...base, inputBits: 57, vtd: undefined };
    const c = decodeVtdCap(computeVtdRegs(fiveLevel).capReg);
    expect(c.SAGAW).toBe(0b01000);
    expect(c.MGAW).toBe(56);
    expect(c.FL5LP).toBe(1);
    const small = { ...base, domainIds: 256, pasidBits: 8, vtd: undefined };
    expect(decodeVtdCap(computeVtdRegs(small).capReg).ND).toBe(2);
    expect(decodeVtdEcap(computeVtdRegs(small).ecapReg).PSS).toBe(7);
  });

  it('PASID EXEC/PRIV capabilities only with a usable PASID', () => {
    const nic = dev(intel, '0000:01:00.0');
    const unit = unitOf(intel, nic);
    const both = { ...nic, pasidExec: true, pasidPriv: true };
    expect(encodeHwInfo(unit, both).capabilities).toBe(
      IOMMU_HW_CAP_DIRTY_TRACKING | IOMMU_HW_CAP_PCI_PASID_EXEC | IOMMU_HW_CAP_PCI_PASID_PRIV,
    );
    expect(encodeHwInfo(unit, { ...both, pasidBits: 12 }).maxPasidLog2).toBe(12);
    const noPasid = { ...both, pasidBits: 0 };
    expect(encodeHwInfo(unit, noPasid).capabilities).toBe(IOMMU_HW_CAP_DIRTY_TRACKING);
    expect(encodeHwInfo(unit, noPasid).maxPasidLog2).toBe(0);
  });

  it('encode/decode round-trip keeps flags and full 64-bit registers', () => {
    const regs = { flags: 1, capReg: 0xffffffffffffffffn, ecapReg: 0x8000000000000001n };
    const bytes = encodeVtd(regs);
    expect(bytes.length).toBe(24);
    expect([...bytes.subarray(0, 8)]).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(decodeVtd(bytes)).toEqual(regs);
    expect(() => decodeVtd(bytes.subarray(0, 23))).toThrow(RangeError);
  });
});

describe('SMMUv3 hw_info', () => {
  it('smmu0: exact 40-byte iommu_hw_info_arm_smmuv3 decoded field by field', () => {
    const nic = dev(arm, '0000:01:00.0');
    const info = encodeHwInfo(unitOf(arm, nic), nic);
    expect(info.type).toBe(IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
    expect(info.type).toBe(2);
    expect(info.data.length).toBe(40);
    expect(info.capabilities).toBe(IOMMU_HW_CAP_DIRTY_TRACKING);
    expect(info.maxPasidLog2).toBe(20);

    const dv = new DataView(info.data.buffer, info.data.byteOffset, info.data.byteLength);
    expect(dv.getUint32(0, true)).toBe(0); // flags
    expect(dv.getUint32(4, true)).toBe(0); // __reserved
    const idr = [0, 1, 2, 3, 4, 5].map((i) => dv.getUint32(8 + 4 * i, true));
    // hand-assembled images
    expect(idr).toEqual([0x084d349b, 0x02739d10, 0, 0x400, 0, 0x00800075]);
    expect(dv.getUint32(32, true)).toBe(0x4870043b); // IIDR: Arm MMU-700 r0p0
    expect(dv.getUint32(36, true)).toBe(0x02); // AIDR: SMMUv3.2

    const i0 = decodeSmmuReg(idr[0]!, SMMU_IDR0);
    expect(i0.S1P).toBe(1);
    expect(i0.S2P).toBe(1);
    expect(i0.TTF).toBe(0b10); // AArch64
    expect(i0.COHACC).toBe(1);
    expect(i0.HTTU).toBe(0b10);
    expect(i0.ATS).toBe(1);
    expect(i0.ASID16).toBe(1);
    expect(i0.VMID16).toBe(1);
    expect(i0.PRI).toBe(1);
    expect(i0.STALL_MODEL).toBe(0); // stall and terminate
    expect(i0.CD2L).toBe(1);
    expect(i0.ST_LEVEL).toBe(0b01);
    expect(i0.TTENDIAN).toBe(0b10);
    expect(i0.HYP).toBe(0);
    const i1 = decodeSmmuReg(idr[1]!, SMMU_IDR1);
    expect(i1.SIDSIZE).toBe(16);
    expect(i1.SSIDSIZE).toBe(20);
    expect(i1.PRIQS).toBe(19);
    const i3 = decodeSmmuReg(idr[3]!, SMMU_IDR3);
    expect(i3.RIL).toBe(1);
    expect(i3.BBML).toBe(0);
    const i5 = decodeSmmuReg(idr[5]!, SMMU_IDR5);
    expect(i5.OAS).toBe(0b101);
    expect(i5.GRAN4K).toBe(1);
    expect(i5.GRAN16K).toBe(1);
    expect(i5.GRAN64K).toBe(1);
    expect(i5.VAX).toBe(0);
    expect(i5.STALL_MAX).toBe(128);

    expect(decodeSmmuv3(info.data)).toEqual({ flags: 0, idr, iidr: 0x4870043b, aidr: 2 });
  });

  it('smmu0: a device without PASID reports max_pasid_log2 0', () => {
    const gpu = dev(arm, '0000:03:00.0');
    const info = encodeHwInfo(unitOf(arm, gpu), gpu);
    expect(info.maxPasidLog2).toBe(0);
    expect(info.capabilities).toBe(IOMMU_HW_CAP_DIRTY_TRACKING);
  });

  it('encoder refuses a wrong IDR count and decoder a short buffer', () => {
    expect(() => encodeSmmuv3({ flags: 0, idr: [1, 2, 3], iidr: 0, aidr: 0 })).toThrow(RangeError);
    const bytes = encodeSmmuv3({ flags: 0xffffffff, idr: [1, 2, 3, 4, 5, 0xffffffff], iidr: 7, aidr: 8 });
    expect(decodeSmmuv3(bytes)).toEqual({ flags: 0xffffffff, idr: [1, 2, 3, 4, 5, 0xffffffff], iidr: 7, aidr: 8 });
    expect(() => decodeSmmuv3(bytes.subarray(0, 39))).toThrow(RangeError);
  });
});
