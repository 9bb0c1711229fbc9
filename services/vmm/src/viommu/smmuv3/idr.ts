/**
 * The SMMUv3 identification registers as QEMU's `arm-smmuv3` computes them at realize
 * (hw/arm/smmuv3.c `smmuv3_init_id_regs`, then hw/arm/smmuv3-accel.c `smmuv3_accel_idr_override`
 * when `accel=on`), field positions of include/hw/arm/smmuv3-common.h. They never change after
 * realize (not on reset, not migrated: they follow from the properties). Facts:
 * shared/reference/smmuv3-and-migration.md §A.1–A.2.
 *
 * One twin-only setting: `granules` clears IDR5.GRAN4K/16K/64K a pool baseline lacks (QEMU always
 * offers all three; services/vmm/SMMUV3.md).
 */
import type { Smmuv3Config } from './types.js';

/** IDR0 fields (`R_IDR0_*`). */
export const IDR0 = {
  S2P: 1 << 0,
  S1P: 1 << 1,
  /** TTF[3:2] = 2: AArch64 tables only */
  TTF_AARCH64: 2 << 2,
  COHACC: 1 << 4,
  ATS: 1 << 10,
  ASID16: 1 << 12,
  VMID16: 1 << 18,
  /** TTENDIAN[22:21] = 2: little-endian */
  TTENDIAN_LE: 2 << 21,
  /** STALL_MODEL[25:24] = 1: stall not supported */
  STALL_MODEL_NOSTALL: 1 << 24,
  TERM_MODEL: 1 << 26,
  /** STLEVEL[28:27] = 1: 2-level stream table */
  STLEVEL_2LVL: 1 << 27,
} as const;

/** IDR1 field shifts. */
export const IDR1 = { SIDSIZE_SHIFT: 0, SSIDSIZE_SHIFT: 6, EVENTQS_SHIFT: 16, CMDQS_SHIFT: 21 } as const;

/** IDR1.SIDSIZE[5:0] of an IDR1 value: QEMU's `sid_size`. */
export function idrSidSize(idr1: number): number {
  return (idr1 >>> IDR1.SIDSIZE_SHIFT) & 0x3f;
}

/** IDR3 fields. */
export const IDR3 = { HAD: 1 << 2, XNX: 1 << 4, RIL: 1 << 10, BBML2: 2 << 11 } as const;

/** IDR5 fields: OAS[2:0] (4 = 44 bits, 5 = 48 bits), GRAN4K b4, GRAN16K b5, GRAN64K b6. */
export const IDR5 = { OAS_MASK: 0x7, OAS_44: 4, OAS_48: 5, GRAN4K: 1 << 4, GRAN16K: 1 << 5, GRAN64K: 1 << 6 } as const;

/** `SMMU_IDR1_SIDSIZE`, `SMMU_CMDQS`, `SMMU_EVENTQS`. */
export const SMMU_IDR1_SIDSIZE = 16;
export const SMMU_CMDQS = 19;
export const SMMU_EVENTQS = 19;

/** AIDR: SMMUv3.1 (`s->aidr = 0x1`); IIDR is never assigned in QEMU and reads 0. */
export const SMMU_AIDR = 0x1;
export const SMMU_IIDR = 0x0;

/** Offset of the first Primecell/CoreLink ID register (`A_IDREGS`); the block ends at 0xfff. */
export const A_IDREGS = 0xfd0;

/** `smmuv3_idreg`: "ARM implementation of MMU600 p1", one byte per 32-bit register 0xfd0..0xffc. */
const SMMUV3_IDS = [0x04, 0, 0, 0, 0x84, 0xb4, 0xf0, 0x10, 0x0d, 0xf0, 0x05, 0xb1] as const;

/** The ID register at `offset` (A_IDREGS ≤ offset ≤ A_IDREGS + 0x2f), as `smmuv3_idreg(offset - A_IDREGS)`. */
export function smmuv3Idreg(offset: number): number {
  return SMMUV3_IDS[Math.floor((offset - A_IDREGS) / 4)] ?? 0;
}

/** IDR0..IDR5 (index 0..5). */
export type SmmuIdrs = readonly [number, number, number, number, number, number];

/**
 * `smmuv3_init_id_regs` then `smmuv3_accel_idr_override`, then the twin's granule mask. The accel
 * override applies only with `accel` (QEMU returns early otherwise; the property checks forbid
 * ril=off, ats=on, oas=48 and ssidsize>0 without accel, so a validated config never differs).
 */
export function smmuv3Idrs(cfg: Smmuv3Config): SmmuIdrs {
  let idr0 = 0;
  if (cfg.stage === 2) idr0 |= IDR0.S2P;
  else if (cfg.stage === 'nested') idr0 |= IDR0.S1P | IDR0.S2P;
  else idr0 |= IDR0.S1P;
  idr0 |= IDR0.TTF_AARCH64 | IDR0.COHACC | IDR0.ASID16 | IDR0.VMID16 | IDR0.TTENDIAN_LE | IDR0.STALL_MODEL_NOSTALL | IDR0.TERM_MODEL | IDR0.STLEVEL_2LVL;

  let idr1 = (SMMU_IDR1_SIDSIZE << IDR1.SIDSIZE_SHIFT) | (SMMU_EVENTQS << IDR1.EVENTQS_SHIFT) | (SMMU_CMDQS << IDR1.CMDQS_SHIFT);

  let idr3 = IDR3.HAD;
  // XNX is a stage-2-specific feature
  if (idr0 & IDR0.S2P) idr3 |= IDR3.XNX;
  idr3 |= IDR3.RIL | IDR3.BBML2;

  let idr5 = IDR5.OAS_44 | IDR5.GRAN4K | IDR5.GRAN16K | IDR5.GRAN64K;

  if (cfg.accel) {
    // smmuv3_accel_idr_override
    if (!cfg.ril) idr3 &= ~IDR3.RIL;
    if (cfg.ats) idr0 |= IDR0.ATS;
    if (cfg.oas === 48) idr5 = (idr5 & ~IDR5.OAS_MASK) | IDR5.OAS_48;
    if (cfg.ssidsize > 0) idr1 = (idr1 & ~(0x1f << IDR1.SSIDSIZE_SHIFT)) | ((cfg.ssidsize & 0x1f) << IDR1.SSIDSIZE_SHIFT);
  }

  if (!cfg.granules.g4k) idr5 &= ~IDR5.GRAN4K;
  if (!cfg.granules.g16k) idr5 &= ~IDR5.GRAN16K;
  if (!cfg.granules.g64k) idr5 &= ~IDR5.GRAN64K;

  return [idr0 >>> 0, idr1 >>> 0, 0, idr3 >>> 0, 0, idr5 >>> 0];
}
