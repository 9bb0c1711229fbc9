/**
 * IOMMU hardware-info encoders: the register images a host profile's IOMMU units show, and the
 * exact IOMMU_GET_HW_INFO uAPI payloads built from them.
 *
 * VT-d: CAP_REG / ECAP_REG bit positions from the VT-d specification (the same positions as
 * Linux `drivers/iommu/intel/iommu.h` cap_* / ecap_* accessors). SMMUv3: IDR0..IDR5, IIDR and
 * AIDR fields from the SMMUv3 architecture (Linux `arm-smmu-v3.h` IDR* masks).
 *
 * uAPI structs (little-endian, `include/uapi/linux/iommufd.h`):
 *   struct iommu_hw_info_vtd         { u32 flags; u32 __reserved; u64 cap_reg; u64 ecap_reg; }          24 B
 *   struct iommu_hw_info_arm_smmuv3  { u32 flags; u32 __reserved; u32 idr[6]; u32 iidr; u32 aidr; }     40 B
 *
 * This is a control path (called per GET_HW_INFO and at profile load): bigint is fine here.
 */
import type { IommuUnit, PciDevice } from './hardware.js';

// ---------------------------------------------------------------------------------------------
// uAPI constants

export const IOMMU_HW_INFO_TYPE_NONE = 0;
export const IOMMU_HW_INFO_TYPE_DEFAULT = 0;
export const IOMMU_HW_INFO_TYPE_INTEL_VTD = 1;
export const IOMMU_HW_INFO_TYPE_ARM_SMMUV3 = 2;

/** enum iommufd_hw_capabilities (out_capabilities). */
export const IOMMU_HW_CAP_DIRTY_TRACKING = 1n << 0n;
export const IOMMU_HW_CAP_PCI_PASID_EXEC = 1n << 1n;
export const IOMMU_HW_CAP_PCI_PASID_PRIV = 1n << 2n;
/** Newest kernels only; exported for decoding, never reported by encodeHwInfo. */
export const IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED = 1n << 3n;

/** iommu_hw_info_vtd.flags */
export const IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17 = 1 << 0;

export const IOMMU_HW_INFO_VTD_SIZE = 24;
export const IOMMU_HW_INFO_ARM_SMMUV3_SIZE = 40;

// ---------------------------------------------------------------------------------------------
// Bit fields

/** A register field: `width` bits starting at bit `shift`. */
export interface BitField {
  readonly shift: number;
  readonly width: number;
}
const bf = (shift: number, width = 1): BitField => ({ shift, width });

/** Mask of a field in a 64-bit register, in place. */
export function fieldMask64(f: BitField): bigint {
  return ((1n << BigInt(f.width)) - 1n) << BigInt(f.shift);
}
export function getField64(reg: bigint, f: BitField): number {
  return Number((reg >> BigInt(f.shift)) & ((1n << BigInt(f.width)) - 1n));
}
function putField64(reg: bigint, f: BitField, value: number | bigint | boolean): bigint {
  const v = BigInt(typeof value === 'boolean' ? (value ? 1 : 0) : value);
  const max = (1n << BigInt(f.width)) - 1n;
  if (v < 0n || v > max) throw new RangeError(`value ${v} does not fit a ${f.width}-bit field`);
  return (reg & ~fieldMask64(f)) | (v << BigInt(f.shift));
}
/** Mask of a field in a 32-bit register, in place (an unsigned number). */
export function fieldMask32(f: BitField): number {
  return ((2 ** f.width - 1) * 2 ** f.shift) >>> 0;
}
export function getField32(reg: number, f: BitField): number {
  return Math.floor((reg >>> 0) / 2 ** f.shift) % 2 ** f.width;
}
function putField32(reg: number, f: BitField, value: number | boolean): number {
  const v = typeof value === 'boolean' ? (value ? 1 : 0) : value;
  if (!Number.isInteger(v) || v < 0 || v >= 2 ** f.width) {
    throw new RangeError(`value ${v} does not fit a ${f.width}-bit field`);
  }
  return ((((reg >>> 0) & ~fieldMask32(f)) >>> 0) + v * 2 ** f.shift) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// VT-d registers

/** CAP_REG (offset 0x08) fields. */
export const VTD_CAP = {
  /** Number of domains supported: 2^(4 + 2*ND). */
  ND: bf(0, 3),
  AFL: bf(3),
  RWBF: bf(4),
  PLMR: bf(5),
  PHMR: bf(6),
  /** Caching mode (set by virtual IOMMUs only). */
  CM: bf(7),
  /** Supported adjusted guest address widths: bit 1 = 39-bit/3-level, bit 2 = 48-bit/4-level, bit 3 = 57-bit/5-level. */
  SAGAW: bf(8, 5),
  /** Maximum guest address width minus one. */
  MGAW: bf(16, 6),
  ZLR: bf(22),
  /** Fault-recording register offset, in 16-byte units. */
  FRO: bf(24, 10),
  /** Second-level large page support: bit 0 = 2 MiB, bit 1 = 1 GiB. */
  SLLPS: bf(34, 4),
  /** Page-selective invalidation. */
  PSI: bf(39),
  /** Number of fault-recording registers minus one. */
  NFR: bf(40, 8),
  /** Maximum address mask value for PSI. */
  MAMV: bf(48, 6),
  DWD: bf(54),
  DRD: bf(55),
  /** First-level 1 GiB pages. */
  FL1GP: bf(56),
  PI: bf(59),
  /** First-level 5-level paging. */
  FL5LP: bf(60),
  ESIRTPS: bf(62),
  ESRTPS: bf(63),
} as const satisfies Record<string, BitField>;

/** ECAP_REG (offset 0x10) fields. */
export const VTD_ECAP = {
  /** Page-walk coherency. */
  C: bf(0),
  /** Queued invalidation. */
  QI: bf(1),
  /** Device-TLB (ATS). */
  DT: bf(2),
  /** Interrupt remapping. */
  IR: bf(3),
  /** Extended interrupt mode (x2APIC). */
  EIM: bf(4),
  /** Pass-through. */
  PT: bf(6),
  /** Snoop control. */
  SC: bf(7),
  /** IOTLB register offset, in 16-byte units. */
  IRO: bf(8, 10),
  MHMV: bf(20, 4),
  MTS: bf(25),
  /** Nested translation. */
  NEST: bf(26),
  /** Page requests. */
  PRS: bf(29),
  ERS: bf(30),
  SRS: bf(31),
  NWFS: bf(33),
  EAFS: bf(34),
  /** PASID size supported minus one. */
  PSS: bf(35, 5),
  PASID: bf(40),
  DIT: bf(41),
  /** Page-request drain. */
  PDS: bf(42),
  /** Scalable-mode translation. */
  SMTS: bf(43),
  VCS: bf(44),
  /** Second-stage accessed/dirty (dirty tracking). */
  SLADS: bf(45),
  /** Second-stage translation (scalable mode). */
  SLTS: bf(46),
  /** First-stage translation. */
  FLTS: bf(47),
  /** Scalable-mode page-walk coherency. */
  SMPWC: bf(48),
  RPS: bf(49),
} as const satisfies Record<string, BitField>;

export type VtdCapField = keyof typeof VTD_CAP;
export type VtdEcapField = keyof typeof VTD_ECAP;

export const VTD_SAGAW_39BIT_3LEVEL = 1 << 1;
export const VTD_SAGAW_48BIT_4LEVEL = 1 << 2;
export const VTD_SAGAW_57BIT_5LEVEL = 1 << 3;
export const VTD_SLLPS_2M = 1 << 0;
export const VTD_SLLPS_1G = 1 << 1;

/** Fixed register-layout choices of the modelled VT-d units (MMIO offsets in 16-byte units). */
const VTD_FRO = 0x400 / 16;
const VTD_NFR = 8;
const VTD_IRO = 0x500 / 16;
const VTD_MAMV = 18;

export interface VtdRegs {
  capReg: bigint;
  ecapReg: bigint;
  flags: number;
}

const SZ_2M = 2n * 1024n * 1024n;
const SZ_1G = 1024n * 1024n * 1024n;

/** VT-d paging levels for an input width: 3 (39 bits), 4 (48 bits) or 5 (57 bits). */
export function vtdLevels(inputBits: number): 3 | 4 | 5 {
  return inputBits <= 39 ? 3 : inputBits <= 48 ? 4 : 5;
}

/** ND encoding for a number of domain IDs (16, 64, …, 65536); undefined when not encodable. */
export function vtdNdFor(domainIds: number): number | undefined {
  for (let nd = 0; nd <= 6; nd++) if (2 ** (4 + 2 * nd) === domainIds) return nd;
  return undefined;
}

/**
 * CAP_REG / ECAP_REG images whose bits agree with the unit's fields. Bits with no profile field
 * are fixed: ZLR, DRD, DWD, QI, PT set; CM, AFL, RWBF, PLMR, PHMR, PI, MTS, ERS, SRS, NWFS, EAFS,
 * DIT, VCS, RPS clear; ESRTPS/ESIRTPS and SMPWC follow scalable mode; FRO/NFR/IRO/MAMV are fixed
 * layout values.
 */
export function computeVtdRegs(unit: IommuUnit): VtdRegs {
  const hasPasid = unit.pasidBits > 0;
  const sm = unit.scalableMode;
  const has = (size: bigint) => unit.pageSizes.includes(size);
  let cap = 0n;
  cap = putField64(cap, VTD_CAP.ND, vtdNdFor(unit.domainIds) ?? 6);
  cap = putField64(cap, VTD_CAP.SAGAW, 1 << (vtdLevels(unit.inputBits) - 2));
  cap = putField64(cap, VTD_CAP.MGAW, unit.inputBits - 1);
  cap = putField64(cap, VTD_CAP.ZLR, true);
  cap = putField64(cap, VTD_CAP.FRO, VTD_FRO);
  cap = putField64(cap, VTD_CAP.SLLPS, (has(SZ_2M) ? VTD_SLLPS_2M : 0) | (has(SZ_1G) ? VTD_SLLPS_1G : 0));
  cap = putField64(cap, VTD_CAP.PSI, unit.rangeInvalidation);
  cap = putField64(cap, VTD_CAP.NFR, VTD_NFR - 1);
  cap = putField64(cap, VTD_CAP.MAMV, unit.rangeInvalidation ? VTD_MAMV : 0);
  cap = putField64(cap, VTD_CAP.DWD, true);
  cap = putField64(cap, VTD_CAP.DRD, true);
  cap = putField64(cap, VTD_CAP.FL1GP, unit.firstStage && has(SZ_1G));
  cap = putField64(cap, VTD_CAP.FL5LP, unit.firstStage && vtdLevels(unit.inputBits) === 5);
  cap = putField64(cap, VTD_CAP.ESIRTPS, sm);
  cap = putField64(cap, VTD_CAP.ESRTPS, sm);

  let ecap = 0n;
  ecap = putField64(ecap, VTD_ECAP.C, unit.coherent);
  ecap = putField64(ecap, VTD_ECAP.QI, true);
  ecap = putField64(ecap, VTD_ECAP.DT, unit.ats);
  ecap = putField64(ecap, VTD_ECAP.IR, unit.msiIsolation);
  ecap = putField64(ecap, VTD_ECAP.EIM, unit.msiIsolation);
  ecap = putField64(ecap, VTD_ECAP.PT, true);
  ecap = putField64(ecap, VTD_ECAP.SC, unit.coherent);
  ecap = putField64(ecap, VTD_ECAP.IRO, VTD_IRO);
  ecap = putField64(ecap, VTD_ECAP.MHMV, unit.msiIsolation ? 0xf : 0);
  ecap = putField64(ecap, VTD_ECAP.NEST, unit.nesting);
  ecap = putField64(ecap, VTD_ECAP.PRS, unit.prs);
  ecap = putField64(ecap, VTD_ECAP.PSS, hasPasid ? unit.pasidBits - 1 : 0);
  ecap = putField64(ecap, VTD_ECAP.PASID, hasPasid);
  ecap = putField64(ecap, VTD_ECAP.PDS, unit.prs);
  ecap = putField64(ecap, VTD_ECAP.SMTS, sm);
  ecap = putField64(ecap, VTD_ECAP.SLADS, unit.dirtyTracking);
  ecap = putField64(ecap, VTD_ECAP.SLTS, sm && unit.secondStage);
  ecap = putField64(ecap, VTD_ECAP.FLTS, sm && unit.firstStage);
  ecap = putField64(ecap, VTD_ECAP.SMPWC, sm && unit.coherent);
  return { capReg: cap, ecapReg: ecap, flags: 0 };
}

/** Every CAP_REG field by name. */
export function decodeVtdCap(capReg: bigint): Record<VtdCapField, number> {
  const out = {} as Record<VtdCapField, number>;
  for (const k of Object.keys(VTD_CAP) as VtdCapField[]) out[k] = getField64(capReg, VTD_CAP[k]);
  return out;
}
/** Every ECAP_REG field by name. */
export function decodeVtdEcap(ecapReg: bigint): Record<VtdEcapField, number> {
  const out = {} as Record<VtdEcapField, number>;
  for (const k of Object.keys(VTD_ECAP) as VtdEcapField[]) out[k] = getField64(ecapReg, VTD_ECAP[k]);
  return out;
}

/** The fields that carry profile semantics (compared when a profile gives its own images). */
export const VTD_CAP_SEMANTIC: readonly VtdCapField[] = ['ND', 'SAGAW', 'MGAW', 'SLLPS', 'PSI', 'FL1GP', 'FL5LP'];
export const VTD_ECAP_SEMANTIC: readonly VtdEcapField[] = [
  'C', 'DT', 'IR', 'NEST', 'PRS', 'PSS', 'PASID', 'SMTS', 'SLADS', 'SLTS', 'FLTS',
];

// ---------------------------------------------------------------------------------------------
// SMMUv3 registers

export const SMMU_IDR0 = {
  S2P: bf(0),
  S1P: bf(1),
  /** Translation table formats: 2 = AArch64, 3 = AArch32 and AArch64. */
  TTF: bf(2, 2),
  COHACC: bf(4),
  BTM: bf(5),
  /** Hardware table update: 1 = access flag, 2 = access flag and dirty state. */
  HTTU: bf(6, 2),
  DORMHINT: bf(8),
  HYP: bf(9),
  ATS: bf(10),
  NS1ATS: bf(11),
  ASID16: bf(12),
  MSI: bf(13),
  SEV: bf(14),
  ATOS: bf(15),
  PRI: bf(16),
  VMW: bf(17),
  VMID16: bf(18),
  CD2L: bf(19),
  VATOS: bf(20),
  /** 0 = mixed, 2 = little-endian, 3 = big-endian. */
  TTENDIAN: bf(21, 2),
  /** 0 = stall and terminate, 1 = terminate only, 2 = stall forced. */
  STALL_MODEL: bf(24, 2),
  TERM_MODEL: bf(26),
  /** 0 = linear stream table, 1 = 2-level. */
  ST_LEVEL: bf(27, 2),
} as const satisfies Record<string, BitField>;

export const SMMU_IDR1 = {
  SIDSIZE: bf(0, 6),
  SSIDSIZE: bf(6, 5),
  PRIQS: bf(11, 5),
  EVENTQS: bf(16, 5),
  CMDQS: bf(21, 5),
  ATTR_PERMS_OVR: bf(26),
  ATTR_TYPES_OVR: bf(27),
  REL: bf(28),
  QUEUES_PRESET: bf(29),
  TABLES_PRESET: bf(30),
  ECMDQ: bf(31),
} as const satisfies Record<string, BitField>;

export const SMMU_IDR3 = {
  HAD: bf(2),
  PBHA: bf(3),
  XNX: bf(4),
  PPS: bf(5),
  MPAM: bf(7),
  FWB: bf(8),
  STT: bf(9),
  /** Range invalidation. */
  RIL: bf(10),
  /** Break-before-make level: 0, 1 or 2. */
  BBML: bf(11, 2),
} as const satisfies Record<string, BitField>;

export const SMMU_IDR5 = {
  /** Output address size: 0=32, 1=36, 2=40, 3=42, 4=44, 5=48, 6=52 bits. */
  OAS: bf(0, 3),
  GRAN4K: bf(4),
  GRAN16K: bf(5),
  GRAN64K: bf(6),
  /** Virtual address extend: 0 = 48-bit VA, 1 = 52-bit VA. */
  VAX: bf(10, 2),
  STALL_MAX: bf(16, 16),
} as const satisfies Record<string, BitField>;

export const SMMU_IIDR = {
  IMPLEMENTER: bf(0, 12),
  REVISION: bf(12, 4),
  VARIANT: bf(16, 4),
  PRODUCTID: bf(20, 12),
} as const satisfies Record<string, BitField>;

export const SMMU_AIDR = {
  ARCH_MINOR_REV: bf(0, 4),
  ARCH_MAJOR_REV: bf(4, 4),
} as const satisfies Record<string, BitField>;

export const SMMU_TTF_AARCH64 = 2;
export const SMMU_TTF_AARCH32_64 = 3;
export const SMMU_HTTU_ACCESS = 1;
export const SMMU_HTTU_ACCESS_DIRTY = 2;
export const SMMU_STALL_MODEL_STALL = 0;
export const SMMU_STALL_MODEL_TERMINATE = 1;
export const SMMU_STALL_MODEL_FORCE = 2;
export const SMMU_TTENDIAN_MIXED = 0;
export const SMMU_TTENDIAN_LE = 2;
export const SMMU_TTENDIAN_BE = 3;
export const SMMU_ST_LEVEL_LINEAR = 0;
export const SMMU_ST_LEVEL_2LVL = 1;

/** IDR5.OAS encodings by output address width. */
export const SMMU_OAS_ENCODING: Readonly<Record<number, number>> = { 32: 0, 36: 1, 40: 2, 42: 3, 44: 4, 48: 5, 52: 6 };

/** Default IIDR: Arm Ltd (JEP106 0x43B), product 0x487 (MMU-700), r0p0. */
export const SMMU_DEFAULT_IIDR = ((0x487 << 20) | 0x43b) >>> 0;
/** Default AIDR: SMMUv3.2. */
export const SMMU_DEFAULT_AIDR = 0x02;

/** Queue sizes (log2 entries) the modelled SMMUs advertise. */
const SMMU_QUEUE_LOG2 = 19;
const SMMU_STALL_MAX = 128;

export interface Smmuv3Regs {
  idr: number[];
  iidr: number;
  aidr: number;
  flags: number;
}

/**
 * IDR0..IDR5 / IIDR / AIDR images whose fields agree with the unit. Fixed choices: TTF =
 * AArch64, TTENDIAN = little-endian, MSI set, HYP/BTM/SEV clear, queues of 2^19 entries
 * (PRIQ only with PRI), STALL_MAX 128 when stalls are supported, IDR2 and IDR4 zero.
 */
export function computeSmmuv3Regs(unit: IommuUnit): Smmuv3Regs {
  const wide = unit.domainIds >= 65536;
  let idr0 = 0;
  idr0 = putField32(idr0, SMMU_IDR0.S2P, unit.secondStage);
  idr0 = putField32(idr0, SMMU_IDR0.S1P, unit.firstStage);
  idr0 = putField32(idr0, SMMU_IDR0.TTF, SMMU_TTF_AARCH64);
  idr0 = putField32(idr0, SMMU_IDR0.COHACC, unit.coherent);
  idr0 = putField32(idr0, SMMU_IDR0.HTTU, unit.dirtyTracking ? SMMU_HTTU_ACCESS_DIRTY : 0);
  idr0 = putField32(idr0, SMMU_IDR0.ATS, unit.ats);
  idr0 = putField32(idr0, SMMU_IDR0.ASID16, wide && unit.firstStage);
  idr0 = putField32(idr0, SMMU_IDR0.MSI, true);
  idr0 = putField32(idr0, SMMU_IDR0.PRI, unit.prs);
  idr0 = putField32(idr0, SMMU_IDR0.VMID16, wide && unit.secondStage);
  idr0 = putField32(idr0, SMMU_IDR0.CD2L, unit.pasidBits > 0);
  idr0 = putField32(idr0, SMMU_IDR0.TTENDIAN, SMMU_TTENDIAN_LE);
  idr0 = putField32(idr0, SMMU_IDR0.STALL_MODEL, unit.stall ? SMMU_STALL_MODEL_STALL : SMMU_STALL_MODEL_TERMINATE);
  idr0 = putField32(
    idr0,
    SMMU_IDR0.ST_LEVEL,
    (unit.streamTableLevels ?? 1) === 2 ? SMMU_ST_LEVEL_2LVL : SMMU_ST_LEVEL_LINEAR,
  );

  let idr1 = 0;
  idr1 = putField32(idr1, SMMU_IDR1.SIDSIZE, unit.sidBits ?? 0);
  idr1 = putField32(idr1, SMMU_IDR1.SSIDSIZE, unit.pasidBits);
  idr1 = putField32(idr1, SMMU_IDR1.PRIQS, unit.prs ? SMMU_QUEUE_LOG2 : 0);
  idr1 = putField32(idr1, SMMU_IDR1.EVENTQS, SMMU_QUEUE_LOG2);
  idr1 = putField32(idr1, SMMU_IDR1.CMDQS, SMMU_QUEUE_LOG2);

  let idr3 = 0;
  idr3 = putField32(idr3, SMMU_IDR3.RIL, unit.rangeInvalidation);
  idr3 = putField32(idr3, SMMU_IDR3.BBML, unit.bbml ?? 0);

  let idr5 = 0;
  const oas = SMMU_OAS_ENCODING[unit.outputBits];
  if (oas === undefined) throw new RangeError(`${unit.name}: ${unit.outputBits}-bit OAS has no IDR5.OAS encoding`);
  idr5 = putField32(idr5, SMMU_IDR5.OAS, oas);
  idr5 = putField32(idr5, SMMU_IDR5.GRAN4K, unit.granules.includes(4096));
  idr5 = putField32(idr5, SMMU_IDR5.GRAN16K, unit.granules.includes(16384));
  idr5 = putField32(idr5, SMMU_IDR5.GRAN64K, unit.granules.includes(65536));
  idr5 = putField32(idr5, SMMU_IDR5.VAX, unit.inputBits > 48 ? 1 : 0);
  idr5 = putField32(idr5, SMMU_IDR5.STALL_MAX, unit.stall ? SMMU_STALL_MAX : 0);

  return { idr: [idr0, idr1, 0, idr3, 0, idr5], iidr: SMMU_DEFAULT_IIDR, aidr: SMMU_DEFAULT_AIDR, flags: 0 };
}

type FieldTable = Record<string, BitField>;
/** Every field of a 32-bit register by name, e.g. `decodeSmmuReg(idr[0], SMMU_IDR0).HTTU`. */
export function decodeSmmuReg<T extends FieldTable>(reg: number, table: T): Record<keyof T, number> {
  const out = {} as Record<keyof T, number>;
  for (const k of Object.keys(table) as (keyof T)[]) out[k] = getField32(reg, table[k]!);
  return out;
}

/** Fields with profile semantics, per IDR index (compared when a profile gives its own images). */
export const SMMU_SEMANTIC: readonly { idr: number; table: FieldTable; fields: readonly string[] }[] = [
  {
    idr: 0,
    table: SMMU_IDR0,
    fields: ['S2P', 'S1P', 'COHACC', 'HTTU', 'ATS', 'PRI', 'CD2L', 'STALL_MODEL', 'ST_LEVEL'],
  },
  { idr: 1, table: SMMU_IDR1, fields: ['SIDSIZE', 'SSIDSIZE'] },
  { idr: 3, table: SMMU_IDR3, fields: ['RIL', 'BBML'] },
  { idr: 5, table: SMMU_IDR5, fields: ['OAS', 'GRAN4K', 'GRAN16K', 'GRAN64K', 'VAX'] },
];

// ---------------------------------------------------------------------------------------------
// IOMMU_GET_HW_INFO

export interface HwInfo {
  /** IOMMU_HW_INFO_TYPE_* (out_data_type). */
  type: number;
  /** The uAPI struct's exact little-endian bytes, at the kernel's size. */
  data: Uint8Array;
  /** IOMMU_HW_CAP_* (out_capabilities). */
  capabilities: bigint;
  /** log2 of the PASIDs the device may use (0 = no PASID). */
  maxPasidLog2: number;
}

export function vtdRegsOf(unit: IommuUnit): VtdRegs {
  return unit.vtd ?? computeVtdRegs(unit);
}
export function smmuv3RegsOf(unit: IommuUnit): Smmuv3Regs {
  return unit.smmuv3 ?? computeSmmuv3Regs(unit);
}

export function encodeVtd(regs: VtdRegs): Uint8Array {
  const out = new Uint8Array(IOMMU_HW_INFO_VTD_SIZE);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, regs.flags >>> 0, true);
  dv.setUint32(4, 0, true);
  dv.setBigUint64(8, regs.capReg, true);
  dv.setBigUint64(16, regs.ecapReg, true);
  return out;
}

export function encodeSmmuv3(regs: Smmuv3Regs): Uint8Array {
  if (regs.idr.length !== 6) throw new RangeError(`SMMUv3 hw_info needs 6 IDR words, got ${regs.idr.length}`);
  const out = new Uint8Array(IOMMU_HW_INFO_ARM_SMMUV3_SIZE);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, regs.flags >>> 0, true);
  dv.setUint32(4, 0, true);
  for (let i = 0; i < 6; i++) dv.setUint32(8 + 4 * i, regs.idr[i]! >>> 0, true);
  dv.setUint32(32, regs.iidr >>> 0, true);
  dv.setUint32(36, regs.aidr >>> 0, true);
  return out;
}

/**
 * What IOMMU_GET_HW_INFO reports for `dev` behind `unit`:
 * - data: the unit's register images (VT-d cap/ecap or SMMUv3 IDRs);
 * - capabilities: DIRTY_TRACKING when the unit tracks dirty state (VT-d: SLADS in scalable
 *   mode; SMMUv3: HTTU access+dirty with coherent walks); PCI_PASID_EXEC / PCI_PASID_PRIV when
 *   PASID is usable and the device's PASID control enables them (PciDevice.pasidExec/pasidPriv);
 *   PCI_ATS_NOT_SUPPORTED is not reported (a newest-kernel addition);
 * - maxPasidLog2 = min(device PASID bits, unit PASID bits), 0 when either has none.
 */
export function encodeHwInfo(unit: IommuUnit, dev: PciDevice): HwInfo {
  const maxPasidLog2 = dev.pasidBits > 0 && unit.pasidBits > 0 ? Math.min(dev.pasidBits, unit.pasidBits) : 0;
  let capabilities = 0n;
  if (unit.dirtyTracking) capabilities |= IOMMU_HW_CAP_DIRTY_TRACKING;
  if (maxPasidLog2 > 0) {
    if (dev.pasidExec) capabilities |= IOMMU_HW_CAP_PCI_PASID_EXEC;
    if (dev.pasidPriv) capabilities |= IOMMU_HW_CAP_PCI_PASID_PRIV;
  }
  if (unit.type === 'vtd') {
    return { type: IOMMU_HW_INFO_TYPE_INTEL_VTD, data: encodeVtd(vtdRegsOf(unit)), capabilities, maxPasidLog2 };
  }
  return { type: IOMMU_HW_INFO_TYPE_ARM_SMMUV3, data: encodeSmmuv3(smmuv3RegsOf(unit)), capabilities, maxPasidLog2 };
}

/** Decode `struct iommu_hw_info_vtd` (the gRPC decoded view). */
export function decodeVtd(data: Uint8Array): VtdRegs {
  if (data.length < IOMMU_HW_INFO_VTD_SIZE) {
    throw new RangeError(`iommu_hw_info_vtd is ${IOMMU_HW_INFO_VTD_SIZE} bytes, got ${data.length}`);
  }
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return { flags: dv.getUint32(0, true), capReg: dv.getBigUint64(8, true), ecapReg: dv.getBigUint64(16, true) };
}

/** Decode `struct iommu_hw_info_arm_smmuv3` (the gRPC decoded view). */
export function decodeSmmuv3(data: Uint8Array): Smmuv3Regs {
  if (data.length < IOMMU_HW_INFO_ARM_SMMUV3_SIZE) {
    throw new RangeError(`iommu_hw_info_arm_smmuv3 is ${IOMMU_HW_INFO_ARM_SMMUV3_SIZE} bytes, got ${data.length}`);
  }
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const idr: number[] = [];
  for (let i = 0; i < 6; i++) idr.push(dv.getUint32(8 + 4 * i, true));
  return { flags: dv.getUint32(0, true), idr, iidr: dv.getUint32(32, true), aidr: dv.getUint32(36, true) };
}

/**
 * Compare a given register image with the one computed from the unit's fields; returns one
 * message per semantic field that disagrees (used by the profile validator).
 */
export function regImageMismatches(unit: IommuUnit, given: VtdRegs | Smmuv3Regs): { where: string; message: string }[] {
  const out: { where: string; message: string }[] = [];
  if ('capReg' in given) {
    const want = computeVtdRegs(unit);
    for (const f of VTD_CAP_SEMANTIC) {
      const g = getField64(given.capReg, VTD_CAP[f]);
      const w = getField64(want.capReg, VTD_CAP[f]);
      if (g !== w) out.push({ where: 'capReg', message: `${f} is ${g} but the unit's fields give ${w}` });
    }
    for (const f of VTD_ECAP_SEMANTIC) {
      const g = getField64(given.ecapReg, VTD_ECAP[f]);
      const w = getField64(want.ecapReg, VTD_ECAP[f]);
      if (g !== w) out.push({ where: 'ecapReg', message: `${f} is ${g} but the unit's fields give ${w}` });
    }
    return out;
  }
  const want = computeSmmuv3Regs(unit);
  for (const s of SMMU_SEMANTIC) {
    for (const f of s.fields) {
      const g = getField32(given.idr[s.idr] ?? 0, s.table[f]!);
      const w = getField32(want.idr[s.idr]!, s.table[f]!);
      if (g !== w) out.push({ where: `idr[${s.idr}]`, message: `${f} is ${g} but the unit's fields give ${w}` });
    }
  }
  const ttf = getField32(given.idr[0] ?? 0, SMMU_IDR0.TTF);
  if (ttf !== SMMU_TTF_AARCH64 && ttf !== SMMU_TTF_AARCH32_64) {
    out.push({ where: 'idr[0]', message: `TTF is ${ttf}; the model needs AArch64 tables (2 or 3)` });
  }
  return out;
}
