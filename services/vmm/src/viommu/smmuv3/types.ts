/**
 * The types every part of the SMMUv3 model shares (registers, command queue, events, translation
 * and caches, the accel backend), kept below all of them so the parts depend on this file and
 * not on each other. Facts: shared/reference/smmuv3-and-migration.md §A; QEMU hw/arm/smmuv3.c,
 * smmu-common.c, smmuv3-accel.c; Linux drivers/iommu/arm/arm-smmu-v3/.
 */
export type { GuestMemory } from '../guest-memory.js';

/** Guest-visible SMMUv3 settings (QEMU's `arm-smmuv3` properties), validated by the VM spec parser. */
export interface Smmuv3Config {
  /** `stage`: 1 (default), 2 or 'nested' (QEMU: "1", "2", "nested"); accel allows only 1. */
  stage: 1 | 2 | 'nested';
  /** `accel`: assigned devices through the host's nested SMMUv3 (iommufd vIOMMU). */
  accel: boolean;
  /** `oas`: 44 (IDR5.OAS = 4) or, with accel, 48 (5). */
  oas: 44 | 48;
  /** `ssidsize`: IDR1.SSIDSIZE, 0..20 (non-zero only with accel, as QEMU). */
  ssidsize: number;
  /** `ril`: IDR3.RIL (range invalidation); may be off only with accel. Default on. */
  ril: boolean;
  /** `ats`: IDR0.ATS; may be on only with accel. Default off. */
  ats: boolean;
  /**
   * Translation granules offered in IDR5 (GRAN4K / GRAN16K / GRAN64K). QEMU offers all three and
   * has no property for it; the twin lets a pool's baseline drop granules some hosts lack
   * (default all three; SMMUV3.md).
   */
  granules: { g4k: boolean; g16k: boolean; g64k: boolean };
}

/** The capabilities the IDRs advertise, as the model's parts consult them. */
export interface SmmuCaps {
  /** IDR0.S1P / S2P */
  s1p: boolean;
  s2p: boolean;
  /** IDR1.SIDSIZE (16) */
  sidBits: number;
  /** IDR1.SSIDSIZE */
  ssidBits: number;
  /** IDR5.OAS in bits (44 or 48) */
  oasBits: number;
  gran4k: boolean;
  gran16k: boolean;
  gran64k: boolean;
  /** IDR3.RIL */
  ril: boolean;
  /** IDR0.ATS */
  ats: boolean;
  /** IDR0.HTTU: always 0 (QEMU implements no hardware A/D update) */
  httu: 0;
}

export function smmuCaps(cfg: Smmuv3Config): SmmuCaps {
  return {
    s1p: cfg.stage === 1 || cfg.stage === 'nested',
    s2p: cfg.stage === 2 || cfg.stage === 'nested',
    sidBits: 16,
    ssidBits: cfg.ssidsize,
    oasBits: cfg.oas,
    gran4k: cfg.granules.g4k,
    gran16k: cfg.granules.g16k,
    gran64k: cfg.granules.g64k,
    ril: cfg.ril,
    ats: cfg.ats,
    httu: 0,
  };
}

/** The guest-physical register block on virt (QEMU's VIRT_SMMU base, SMMU_IO_LEN); page 1 aliases page 0. */
export const SMMU_MMIO = { base: 0x0905_0000n, size: 0x2_0000n } as const;

/** The wired interrupt lines of the SMMU on virt: GIC SPIs 74..77 in QEMU's order (SMMU_IRQ_*). */
export const SMMU_IRQ_SPI = { evtq: 74, priq: 75, cmdq_sync: 76, gerror: 77 } as const;
export type SmmuIrqLine = keyof typeof SMMU_IRQ_SPI;

/** A pulse on one of the SMMU's wired lines (Guest.Events `interrupt {source, msi_data = SPI}`). */
export interface SmmuIrq {
  source: SmmuIrqLine;
}

/** Event record fields (QEMU SMMUEventInfo / EVT_SET_*; Linux EVTQ_*). */
export interface SmmuEventInfo {
  /** EVT_* id: F_UUT 0x01 … C_BAD_STREAMID 0x02, F_STE_FETCH 0x03, C_BAD_STE 0x04, … F_PERMISSION 0x13 */
  id: number;
  sid: number;
  /** present = SSV set with this SSID */
  ssid?: number;
  /** dword2: the input address (IOVA; the CD address for F_CD_FETCH, as QEMU's EVT_SET_ADDR) */
  inputAddr: bigint;
  /** dword3 ("ADDR2"): fetch address (F_STE_FETCH, F_WALK_EABT) or the IPA of a stage-2 fault */
  addr2: bigint;
  /** RnW: the access was a read */
  rnw: boolean;
  pnu: boolean;
  ind: boolean;
  /** S2: the fault is a stage-2 one */
  s2: boolean;
  /** CLASS: 0 CD, 1 TT, 2 IN */
  cls: number;
  stall: boolean;
  stag: number;
}

/** EVT_* ids (QEMU SMMUEventType). */
export const EVT = {
  F_UUT: 0x01,
  C_BAD_STREAMID: 0x02,
  F_STE_FETCH: 0x03,
  C_BAD_STE: 0x04,
  F_BAD_ATS_TREQ: 0x05,
  F_STREAM_DISABLED: 0x06,
  F_TRANS_FORBIDDEN: 0x07,
  C_BAD_SUBSTREAMID: 0x08,
  F_CD_FETCH: 0x09,
  C_BAD_CD: 0x0a,
  F_WALK_EABT: 0x0b,
  F_TRANSLATION: 0x10,
  F_ADDR_SIZE: 0x11,
  F_ACCESS: 0x12,
  F_PERMISSION: 0x13,
  F_TLB_CONFLICT: 0x20,
  F_CFG_CONFLICT: 0x21,
  E_PAGE_REQ: 0x24,
} as const;

/** Event CLASS values (QEMU SMMUPTWEventClass). */
export const EVT_CLASS = { CD: 0, TT: 1, IN: 2 } as const;

/**
 * One device translation by the model (smmuv3_translate). A failure carries the event QEMU would
 * build, or none when the transaction is aborted silently (STE Config abort, GBPA.ABORT while
 * SMMUEN=0); `record` is QEMU's decision to write it to the EVTQ (CD.R for stage-1 translation,
 * access, permission and address-size faults, STE.S2R for stage-2 ones; configuration errors
 * always). The EVTQ itself may still drop it (EVENTQEN=0, queue full).
 */
export type SmmuTranslation =
  | {
      ok: true;
      /** output (guest-physical) address of `iova` */
      pa: bigint;
      /** PERM_R | PERM_W allowed by the translation */
      perm: number;
      /** log2 of the page or block size the translation covers */
      pageShift: number;
      /** no translation applied (STE bypass, S1DSS bypass, SMMUEN=0 with GBPA bypass) */
      bypass: boolean;
    }
  | { ok: false; event: SmmuEventInfo | undefined; record: boolean };

export const PERM_R = 1;
export const PERM_W = 2;

/** What the register file tells the translator (it latches these on CR0, GBPA, STRTAB_BASE(_CFG) writes). */
export interface SmmuStreamTableState {
  /** CR0.SMMUEN (as acknowledged in CR0ACK) */
  smmuEnabled: boolean;
  /** GBPA.ABORT: what an SMMUEN=0 unit does with a transaction */
  gbpaAbort: boolean;
  /** STRTAB_BASE address (bits 51:6) */
  strtabBase: bigint;
  /** STRTAB_BASE_CFG.LOG2SIZE */
  log2size: number;
  /** STRTAB_BASE_CFG.SPLIT */
  split: number;
  /** the 2-level format feature (QEMU keeps it once set until reset: A.1) */
  twoLevel: boolean;
}

/** How the model found a StreamID's STE (smmu_find_ste), for the accel backend's install. */
export type SteView =
  | { kind: 'disabled'; abort: boolean }
  | { kind: 'ste'; addr: bigint; words: readonly bigint[] }
  | { kind: 'error'; event: SmmuEventInfo };

/** The range/page form of a TLBI_NH_VA / NH_VAA / S2_IPA after QEMU's smmuv3_range_inval split. */
export interface SmmuIovaInvalidation {
  /** ASID to match, -1 for any (NH_VAA, and NH_VA on a unit without S1… never: see cmdq.ts) */
  asid: number;
  /** VMID to match, -1 for any (no stage 2) */
  vmid: number;
  /** base address (IOVA, or IPA for stage 2), aligned to the invalidation's size */
  addr: bigint;
  /** TG field of the command (0 = no range hint: RIL off / TG 0) */
  tg: number;
  /** number of granules (a power of two after the split) */
  numPages: bigint;
  /** TTL field (level hint, 0 = any) */
  ttl: number;
  /** 1: stage-1 entries (NH_VA/VAA), 2: stage-2 entries by IPA (S2_IPA) */
  stage: 1 | 2;
}

/**
 * The invalidations the command queue asks of the configuration cache and the IOTLB, one method
 * per QEMU helper (smmuv3.c / smmu-common.c). Unknown SIDs are ignored, as in QEMU.
 */
export interface SmmuInvalidationTarget {
  /** CFGI_STE: drop the SID's configuration (STE + CD) */
  invalidateSte(sid: number): void;
  /** CFGI_STE_RANGE: the 2^(range+1) SIDs aligned around `sid` (range 31 = all) */
  invalidateSteRange(sid: number, range: number): void;
  /** CFGI_CD (ssid as given, QEMU drops the SID's whole configuration) */
  invalidateCd(sid: number, ssid: number): void;
  /** CFGI_CD_ALL */
  invalidateCdAll(sid: number): void;
  /** TLBI_NSNH_ALL, and TLBI_NH_ALL on a unit without stage 2: every entry */
  invalidateAll(): void;
  /** TLBI_NH_ALL on a unit with stage 2: the stage-1 entries of the VMID */
  invalidateVmidS1(vmid: number): void;
  /** TLBI_NH_ASID (vmid -1 on a unit without stage 2) */
  invalidateAsid(asid: number, vmid: number): void;
  /** TLBI_NH_VA / NH_VAA / S2_IPA pieces */
  invalidateIova(inv: SmmuIovaInvalidation): void;
  /** TLBI_S12_VMALL: every entry of the VMID */
  invalidateVmid(vmid: number): void;
}

/**
 * What the unit asks of the accel backend (QEMU smmuv3-accel.c), awaited in command order inside
 * the command-queue consumption: a command whose host call fails completes with CERROR_ILL, and a
 * CMD_SYNC completes only after every earlier host call resolved (the host acked).
 */
export interface Smmuv3AccelPort {
  /** the host backs this StreamID (an assigned device with a vDEVICE or about to get one) */
  backs(sid: number): boolean;
  /** every StreamID the host backs (CFGI_STE_RANGE / CFGI_ALL walk these, never the guest's range) */
  backedSids(): readonly number[];
  /** CFGI_STE / CFGI_STE_RANGE / CFGI_ALL covering a backed SID: read its STE again and install it; false → CERROR_ILL */
  installSte(sid: number, ste: SteView): Promise<boolean>;
  /**
   * Forward one command as the guest wrote it (two little-endian 64-bit words) through the host's
   * InvalidationChannel: `sid` for SID-scoped commands (CFGI_CD, CFGI_CD_ALL, ATC_INV), undefined
   * for unit-wide ones (TLBI_*); false → CERROR_ILL.
   */
  invalidate(cmd: readonly [bigint, bigint], sid: number | undefined): Promise<boolean>;
  /** GBPA changed (UPDATE done) or SMMUEN toggled: re-attach what an SMMUEN=0 unit applies */
  bypassChanged(state: SmmuStreamTableState): Promise<void>;
  /** CR0 written (QEMU allocates the vEVENTQ when EVENTQEN is first set) */
  cr0Written(cr0: number): Promise<void>;
}
