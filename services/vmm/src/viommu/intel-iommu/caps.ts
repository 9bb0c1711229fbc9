/**
 * intel-iommu (VT-d) guest-visible configuration and the CAP / ECAP registers, built exactly as
 * QEMU's `vtd_cap_init()` (hw/i386/intel_iommu.c) builds them from the device properties, with
 * interrupt remapping absent (`intremap=off`), `dma-translation=on`, `pt=on` and `fs1gp=on`
 * (QEMU's defaults). Bit positions are those of `intel_iommu_internal.h`; facts:
 * shared/reference/nesting-and-vtd.md §B.2. `services/vmm/INTEL-IOMMU.md` lists where QEMU
 * departs from the VT-d specification and which one the model follows.
 */

/** The guest-visible settings of one DMAR unit (validated by the VM spec parser before this). */
export interface IntelIommuConfig {
  /** `aw-bits`: MGAW + 1 and the host-address width (HAW) of every pointer the unit reads. */
  awBits: 39 | 48;
  /** `caching-mode`: CAP.CM; required for assigned devices (EMULATED backend). */
  cachingMode: boolean;
  /** `x-scalable-mode`: ECAP.SMTS (+SRS, SSTS without flts); RTADDR.SMT and IQA.DW honoured. */
  scalableMode: boolean;
  /** `x-flts`: first-stage translation (ECAP.FSTS, no SSTS/SRS) — the nested backend. */
  flts: boolean;
  /** 0 = `x-pasid-mode=off`; else ECAP.PASID with PSS = pasidBits − 1 (QEMU 2026: 8 bits). */
  pasidBits: number;
  /** `device-iotlb`: ECAP.DT. */
  deviceIotlb: boolean;
  /** `dma-drain`: CAP.DRD + CAP.DWD. */
  dmaDrain: boolean;
  /** `snoop-control`: ECAP.SC. */
  snoopControl: boolean;
}

export type { GuestMemory } from '../guest-memory.js';

/** CAP_REG bits (`VTD_CAP_*`). */
export const CAP = {
  /** Number of domains supported: 6 = 16-bit domain ids (64K). */
  ND_64K: 6n,
  CM: 1n << 7n,
  SAGAW_39: 0x2n << 8n,
  SAGAW_48: 0x4n << 8n,
  SAGAW_MASK: 0x1fn << 8n,
  MGAW_SHIFT: 16n,
  /** Fault-recording register offset / 16 in bits 33:24 (0x220 → 0x22). */
  FRO: 0x220n << 20n,
  /** Second-stage large pages: 2M (34) and 1G (35). */
  SSLPS: (1n << 34n) | (1n << 35n),
  PSI: 1n << 39n,
  /** Number of fault-recording registers − 1 (bits 47:40): QEMU has one. */
  NFR: 0n << 40n,
  MAMV: 18n << 48n,
  DRAIN_WRITE: 1n << 54n,
  DRAIN_READ: 1n << 55n,
  FS1GP: 1n << 56n,
  ESRTPS: 1n << 63n,
} as const;

/** ECAP_REG bits (`VTD_ECAP_*`). */
export const ECAP = {
  QI: 1n << 1n,
  DT: 1n << 2n,
  IR: 1n << 3n,
  EIM: 1n << 4n,
  PT: 1n << 6n,
  SC: 1n << 7n,
  /** IOTLB register offset / 16 in bits 17:8 (0xf0 → 0xf). */
  IRO: 0xf0n << 4n,
  MHMV: 15n << 20n,
  SRS: 1n << 31n,
  PSS_SHIFT: 35n,
  PASID: 1n << 40n,
  SMTS: 1n << 43n,
  SSTS: 1n << 46n,
  FSTS: 1n << 47n,
} as const;

/** The largest invalidation address mask (CAP.MAMV) QEMU accepts in a PSI. */
export const VTD_MAMV = 18;

/** `VTD_HAW_MASK(aw)`: the bits a host address of `aw` bits may use. */
export function hawMask(awBits: number): bigint {
  return (1n << BigInt(awBits)) - 1n;
}

/** CAP and ECAP for `cfg`, as `vtd_cap_init()` builds them. */
export function vtdCaps(cfg: IntelIommuConfig): { cap: bigint; ecap: bigint } {
  const aw = BigInt(cfg.awBits);
  let cap = CAP.FRO | CAP.NFR | CAP.ND_64K | CAP.MAMV | CAP.PSI | CAP.SSLPS | CAP.ESRTPS | (((aw - 1n) & 0x3fn) << CAP.MGAW_SHIFT);
  if (cfg.dmaDrain) cap |= CAP.DRAIN_READ | CAP.DRAIN_WRITE;
  // dma-translation is always on in the twin: SAGAW lists the walks the unit can do.
  if (cfg.awBits >= 39) cap |= CAP.SAGAW_39;
  if (cfg.awBits >= 48) cap |= CAP.SAGAW_48;

  let ecap = ECAP.QI | ECAP.IRO;
  // Interrupt remapping is absent (intremap=off): no IR, MHMV, EIM.
  if (cfg.deviceIotlb) ecap |= ECAP.DT;
  ecap |= ECAP.PT; // pt=on (QEMU default)
  if (cfg.cachingMode) cap |= CAP.CM;
  if (cfg.flts) {
    ecap |= ECAP.SMTS | ECAP.FSTS;
    cap |= CAP.FS1GP; // fs1gp=on (QEMU default)
  } else if (cfg.scalableMode) {
    ecap |= ECAP.SMTS | ECAP.SRS | ECAP.SSTS;
  }
  if (cfg.snoopControl) ecap |= ECAP.SC;
  if (cfg.pasidBits > 0) ecap |= ECAP.PASID | ((BigInt(cfg.pasidBits - 1) & 0x1fn) << ECAP.PSS_SHIFT);
  return { cap, ecap };
}
