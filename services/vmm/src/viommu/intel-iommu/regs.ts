/**
 * The VT-d register file as QEMU's intel-iommu keeps it (hw/i386/intel_iommu.c `vtd_init()`,
 * `vtd_mem_read()`, `vtd_mem_write()`, `vtd_handle_*_write()`): a byte image of the 0x230-byte
 * register block with, per byte, a write mask, a write-1-to-clear mask and a write-only (reads as
 * zero) mask, so that every 4- and 8-byte access — including an 8-byte access that spans two 32-bit
 * registers — behaves byte for byte as in QEMU. Facts: shared/reference/nesting-and-vtd.md §B.1.
 *
 * Side effects of writes (GCMD → GSTS, CCMD / IOTLB register-based invalidation, FSTS / FECTL /
 * ICS / IECTL interrupt-pending rules, FRCD F clear, IQT / IQA) are in `VtdRegisters`; the
 * invalidation queue is `qi.ts`, fault recording `fault.ts`.
 */
import { DomainError } from '#libs/errno/index.js';
import { hawMask, VTD_MAMV, type IntelIommuConfig } from './caps.js';

/** Register offsets (`DMAR_*_REG`). */
export const DMAR = {
  VER: 0x00,
  CAP: 0x08,
  CAP_HI: 0x0c,
  ECAP: 0x10,
  ECAP_HI: 0x14,
  GCMD: 0x18,
  GSTS: 0x1c,
  RTADDR: 0x20,
  RTADDR_HI: 0x24,
  CCMD: 0x28,
  CCMD_HI: 0x2c,
  FSTS: 0x34,
  FECTL: 0x38,
  FEDATA: 0x3c,
  FEADDR: 0x40,
  FEUADDR: 0x44,
  AFLOG: 0x58,
  PMEN: 0x64,
  PLMBASE: 0x68,
  PLMLIMIT: 0x6c,
  PHMBASE: 0x70,
  PHMLIMIT: 0x78,
  IQH: 0x80,
  IQH_HI: 0x84,
  IQT: 0x88,
  IQT_HI: 0x8c,
  IQA: 0x90,
  IQA_HI: 0x94,
  ICS: 0x9c,
  IECTL: 0xa0,
  IEDATA: 0xa4,
  IEADDR: 0xa8,
  IEUADDR: 0xac,
  IRTA: 0xb8,
  IRTA_HI: 0xbc,
  PQH: 0xc0,
  PQT: 0xc8,
  PQA: 0xd0,
  PRS: 0xdc,
  PECTL: 0xe0,
  PEDATA: 0xe4,
  PEADDR: 0xe8,
  PEUADDR: 0xec,
  IVA: 0xf0,
  IVA_HI: 0xf4,
  IOTLB: 0xf8,
  IOTLB_HI: 0xfc,
  FRCD0_LO: 0x220,
  FRCD0_LO_HI: 0x224,
  FRCD0_HI: 0x228,
  FRCD0_HI_HI: 0x22c,
} as const;

/** Bytes of register block QEMU implements (`DMAR_REG_SIZE`); the rest of the page is unbacked. */
export const DMAR_REG_SIZE = 0x230;

/** `VER_REG` value QEMU hard-wires in `vtd_init()` (version 1.0). */
export const VTD_VERSION = 0x10;

export const GCMD = { TE: 1 << 31, SRTP: 1 << 30, SFL: 1 << 29, EAFL: 1 << 28, WBF: 1 << 27, QIE: 1 << 26, IRE: 1 << 25, SIRTP: 1 << 24, CFI: 1 << 23 } as const;
export const GSTS = { TES: 1 << 31, RTPS: 1 << 30, FLS: 1 << 29, AFLS: 1 << 28, WBFS: 1 << 27, QIES: 1 << 26, IRES: 1 << 25, IRTPS: 1 << 24, CFIS: 1 << 23 } as const;
export const CCMD = {
  ICC: 1n << 63n,
  CIRG_MASK: 3n << 61n,
  GLOBAL: 1n << 61n,
  DOMAIN: 2n << 61n,
  DEVICE: 3n << 61n,
  CAIG_MASK: 3n << 59n,
  GLOBAL_A: 1n << 59n,
  DOMAIN_A: 2n << 59n,
  DEVICE_A: 3n << 59n,
} as const;
export const IOTLB = {
  IVT: 1n << 63n,
  IIRG_MASK: 3n << 60n,
  GLOBAL: 1n << 60n,
  DSI: 2n << 60n,
  PSI: 3n << 60n,
  IAIG_MASK: 3n << 57n,
  GLOBAL_A: 1n << 57n,
  DSI_A: 2n << 57n,
  PSI_A: 3n << 57n,
} as const;
export const RTADDR_SMT = 1n << 10n;
export const FSTS = { PFO: 1, PPF: 1 << 1, IQE: 1 << 4, FRI_MASK: 0xff00 } as const;
export const FECTL = { IM: 1 << 31, IP: 1 << 30 } as const;
export const IECTL = { IM: 1 << 31, IP: 1 << 30 } as const;
export const ICS_IWC = 1;
export const IQA = { QS: 0x7n, DW: 0x800n } as const;
export const IQT_QT_256_RSV_BIT = 0x10n;
export const IQH_QH_MASK = 0x7fff0n;

/** An interrupt the unit raises: a fault event (FEADDR/FEDATA) or an invalidation completion (IEADDR/IEDATA). */
export interface VtdIrq {
  source: 'dmar-fault' | 'dmar-inv';
  msiAddr: bigint;
  msiData: number;
}
export type VtdRaise = (irq: VtdIrq) => void;

const M32 = 0xffffffffn;
const M64 = 0xffffffffffffffffn;

/**
 * QEMU's four byte arrays (`csr`, `wmask`, `w1cmask`, `womask`) and its accessors. Offsets are
 * inside the register block; callers check range.
 */
export class VtdRegisterFile {
  private readonly csr = new DataView(new ArrayBuffer(DMAR_REG_SIZE));
  private readonly wmask = new DataView(new ArrayBuffer(DMAR_REG_SIZE));
  private readonly w1c = new DataView(new ArrayBuffer(DMAR_REG_SIZE));
  private readonly womask = new DataView(new ArrayBuffer(DMAR_REG_SIZE));

  clear(): void {
    for (const v of [this.csr, this.wmask, this.w1c, this.womask]) new Uint8Array(v.buffer).fill(0);
  }
  defineQuad(off: number, val: bigint, wmask: bigint, w1c: bigint): void {
    this.csr.setBigUint64(off, val & M64, true);
    this.wmask.setBigUint64(off, wmask & M64, true);
    this.w1c.setBigUint64(off, w1c & M64, true);
  }
  defineQuadWo(off: number, mask: bigint): void {
    this.womask.setBigUint64(off, mask & M64, true);
  }
  defineLong(off: number, val: number, wmask: number, w1c: number): void {
    this.csr.setUint32(off, val >>> 0, true);
    this.wmask.setUint32(off, wmask >>> 0, true);
    this.w1c.setUint32(off, w1c >>> 0, true);
  }
  defineLongWo(off: number, mask: number): void {
    this.womask.setUint32(off, mask >>> 0, true);
  }
  /** A guest write: `((old & ~wmask) | (val & wmask)) & ~(w1c & val)` (`vtd_set_quad`). */
  setQuad(off: number, val: bigint): void {
    const v = val & M64;
    const old = this.csr.getBigUint64(off, true);
    const wm = this.wmask.getBigUint64(off, true);
    const w1c = this.w1c.getBigUint64(off, true);
    this.csr.setBigUint64(off, ((old & ~wm) | (v & wm)) & ~(w1c & v) & M64, true);
  }
  /** `vtd_set_long`. */
  setLong(off: number, val: number): void {
    const v = val >>> 0;
    const old = this.csr.getUint32(off, true);
    const wm = this.wmask.getUint32(off, true);
    const w1c = this.w1c.getUint32(off, true);
    this.csr.setUint32(off, (((old & ~wm) | (v & wm)) & ~(w1c & v)) >>> 0, true);
  }
  /** A guest read: write-only bits read as zero (`vtd_get_quad`). */
  getQuad(off: number): bigint {
    return this.csr.getBigUint64(off, true) & ~this.womask.getBigUint64(off, true) & M64;
  }
  getLong(off: number): number {
    return (this.csr.getUint32(off, true) & ~this.womask.getUint32(off, true)) >>> 0;
  }
  rawQuad(off: number): bigint {
    return this.csr.getBigUint64(off, true);
  }
  rawLong(off: number): number {
    return this.csr.getUint32(off, true);
  }
  setRawQuad(off: number, val: bigint): void {
    this.csr.setBigUint64(off, val & M64, true);
  }
  /** `vtd_set_clear_mask_long`: clear then set bits; returns the new value. */
  setClearLong(off: number, clear: number, set: number): number {
    const v = ((this.csr.getUint32(off, true) & ~clear) | set) >>> 0;
    this.csr.setUint32(off, v, true);
    return v;
  }
  setClearQuad(off: number, clear: bigint, set: bigint): bigint {
    const v = ((this.csr.getBigUint64(off, true) & ~clear) | set) & M64;
    this.csr.setBigUint64(off, v, true);
    return v;
  }
}

/** The reset image of `vtd_init()` (interrupt remapping absent, no page-request queue). */
export function resetRegisterFile(rf: VtdRegisterFile, cap: bigint, ecap: bigint): void {
  rf.clear();
  rf.defineLong(DMAR.VER, VTD_VERSION, 0, 0);
  rf.defineQuad(DMAR.CAP, cap, 0n, 0n);
  rf.defineQuad(DMAR.ECAP, ecap, 0n, 0n);
  rf.defineLong(DMAR.GCMD, 0, 0xff800000, 0);
  rf.defineLongWo(DMAR.GCMD, 0xff800000);
  rf.defineLong(DMAR.GSTS, 0, 0, 0);
  rf.defineQuad(DMAR.RTADDR, 0n, 0xfffffffffffffc00n, 0n);
  rf.defineQuad(DMAR.CCMD, 0n, 0xe0000003ffffffffn, 0n);
  rf.defineQuadWo(DMAR.CCMD, 0x3ffff0000n);
  // Advanced fault logging not supported.
  rf.defineLong(DMAR.FSTS, 0, 0, 0x11);
  rf.defineLong(DMAR.FECTL, 0x80000000, 0x80000000, 0);
  rf.defineLong(DMAR.FEDATA, 0, 0x0000ffff, 0);
  rf.defineLong(DMAR.FEADDR, 0, 0xfffffffc, 0);
  // RsvdZ without ECAP.EIM.
  rf.defineLong(DMAR.FEUADDR, 0, 0, 0);
  // Read-only: CAP.PLMR/PHMR are clear.
  rf.defineLong(DMAR.PMEN, 0, 0, 0);
  rf.defineQuad(DMAR.IQH, 0n, 0n, 0n);
  rf.defineQuad(DMAR.IQT, 0n, 0x7fff0n, 0n);
  rf.defineQuad(DMAR.IQA, 0n, 0xfffffffffffff807n, 0n);
  rf.defineLong(DMAR.ICS, 0, 0, 0x1);
  rf.defineLong(DMAR.IECTL, 0x80000000, 0x80000000, 0);
  rf.defineLong(DMAR.IEDATA, 0, 0xffffffff, 0);
  rf.defineLong(DMAR.IEADDR, 0, 0xfffffffc, 0);
  rf.defineLong(DMAR.IEUADDR, 0, 0, 0);
  rf.defineQuad(DMAR.IOTLB, 0n, 0xb003ffff00000000n, 0n);
  rf.defineQuad(DMAR.IVA, 0n, 0xfffffffffffff07fn, 0n);
  rf.defineQuadWo(DMAR.IVA, 0xfffffffffffff07fn);
  rf.defineQuad(DMAR.FRCD0_LO, 0n, 0n, 0n);
  rf.defineQuad(DMAR.FRCD0_HI, 0n, 0n, 0x8000000000000000n);
  rf.defineQuad(DMAR.IRTA, 0n, 0xfffffffffffff80fn, 0n);
}

/** The registers of the block, for dumps (`ctl guest`) and the INTEL-IOMMU.md table. */
export const VTD_REGISTERS: ReadonlyArray<{ name: string; offset: number; width: 32 | 64 }> = [
  { name: 'VER', offset: DMAR.VER, width: 32 },
  { name: 'CAP', offset: DMAR.CAP, width: 64 },
  { name: 'ECAP', offset: DMAR.ECAP, width: 64 },
  { name: 'GCMD', offset: DMAR.GCMD, width: 32 },
  { name: 'GSTS', offset: DMAR.GSTS, width: 32 },
  { name: 'RTADDR', offset: DMAR.RTADDR, width: 64 },
  { name: 'CCMD', offset: DMAR.CCMD, width: 64 },
  { name: 'FSTS', offset: DMAR.FSTS, width: 32 },
  { name: 'FECTL', offset: DMAR.FECTL, width: 32 },
  { name: 'FEDATA', offset: DMAR.FEDATA, width: 32 },
  { name: 'FEADDR', offset: DMAR.FEADDR, width: 32 },
  { name: 'FEUADDR', offset: DMAR.FEUADDR, width: 32 },
  { name: 'PMEN', offset: DMAR.PMEN, width: 32 },
  { name: 'IQH', offset: DMAR.IQH, width: 64 },
  { name: 'IQT', offset: DMAR.IQT, width: 64 },
  { name: 'IQA', offset: DMAR.IQA, width: 64 },
  { name: 'ICS', offset: DMAR.ICS, width: 32 },
  { name: 'IECTL', offset: DMAR.IECTL, width: 32 },
  { name: 'IEDATA', offset: DMAR.IEDATA, width: 32 },
  { name: 'IEADDR', offset: DMAR.IEADDR, width: 32 },
  { name: 'IEUADDR', offset: DMAR.IEUADDR, width: 32 },
  { name: 'IRTA', offset: DMAR.IRTA, width: 64 },
  { name: 'IVA', offset: DMAR.IVA, width: 64 },
  { name: 'IOTLB', offset: DMAR.IOTLB, width: 64 },
  { name: 'FRCD0_LO', offset: DMAR.FRCD0_LO, width: 64 },
  { name: 'FRCD0_HI', offset: DMAR.FRCD0_HI, width: 64 },
];

/**
 * Offsets where QEMU's `vtd_mem_read` / `vtd_mem_write` `assert(size == 4)`: an 8-byte access
 * there aborts QEMU (a guest-triggerable abort). The model refuses it instead (nothing changes).
 * Only the 8-byte-aligned ones are reachable (FECTL, IECTL, IEADDR, PECTL): QEMU's memory core
 * splits an 8-byte access at a 4-byte boundary into two 4-byte ones before the device sees it.
 */
const READ_ONLY_4 = new Set<number>([DMAR.RTADDR_HI, DMAR.IQA_HI, DMAR.PEUADDR]);
const WRITE_ONLY_4 = new Set<number>([
  DMAR.CCMD_HI, DMAR.IOTLB_HI, DMAR.PEUADDR, DMAR.IVA_HI, DMAR.FSTS, DMAR.FECTL, DMAR.FEDATA, DMAR.FEUADDR,
  DMAR.PMEN, DMAR.RTADDR_HI, DMAR.IQT_HI, DMAR.IQA_HI, DMAR.ICS, DMAR.IECTL, DMAR.IEDATA, DMAR.IEADDR,
  DMAR.IEUADDR, DMAR.FRCD0_LO_HI, DMAR.FRCD0_HI_HI, DMAR.IRTA_HI, DMAR.PRS, DMAR.PECTL,
]);

function qemuAssert(offset: number, size: number, write: boolean): never {
  throw new DomainError(
    'INVALID_ARGUMENT',
    'VTD_ACCESS_SIZE',
    `intel-iommu: ${size}-byte ${write ? 'write to' : 'read of'} offset 0x${offset.toString(16)} is a 32-bit-only access (QEMU asserts size == 4 and aborts)`,
    { offset: `0x${offset.toString(16)}`, size: String(size) },
  );
}

/** What the register side effects act on (provided by `IntelIommu`). */
export interface VtdRegisterHooks {
  /** SRTP: latch the root pointer (already masked to HAW) and the SMT bit. */
  setRoot(root: bigint, scalable: boolean): void;
  /** TE toggled (QEMU `vtd_handle_gcmd_te`, only called on a change). */
  setTranslation(enabled: boolean): void;
  /** QIE toggled (the queue sets or refuses GSTS.QIES as QEMU's `vtd_handle_gcmd_qie`). */
  qieWrite(enable: boolean): void;
  /** IQA written (the DW bit latches at once, `vtd_update_iq_dw`). */
  iqaWritten(): void;
  /** IQT written. */
  iqtWritten(): void;
  /** CCMD with ICC while QI is off: returns CAIG. */
  contextInvalidate(ccmd: bigint): bigint;
  /** IOTLB with IVT while QI is off: returns IAIG. */
  iotlbInvalidate(iotlb: bigint, iva: bigint): bigint;
  /** SIRTP: QEMU latches IRTA (intr_root/size) even without interrupt remapping. */
  irtpSet(irta: bigint): void;
  qiEnabled(): boolean;
  /** FRCD F written: PPF is re-derived. */
  updatePpf(): void;
  raise: VtdRaise;
}

/**
 * MMIO access to the register block, offsets relative to the unit's base. `size` is 4 or 8
 * (the caller rejects others). As QEMU's memory core delivers it (`flatview_*_continue` →
 * `memory_access_size`, ops `valid` 4..8 bytes, not unaligned): an 8-byte access at a 4-byte
 * boundary arrives as two 4-byte accesses (low address first); an access not 4-byte aligned breaks
 * into pieces below the 4-byte minimum, which are refused (read 0, write dropped). Past the 0x230
 * bytes of the block: reads all-ones, writes ignored (`vtd_mem_read`'s "MMIO over range").
 */
export class VtdRegisters {
  constructor(
    readonly rf: VtdRegisterFile,
    private readonly cfg: IntelIommuConfig,
    private readonly hooks: VtdRegisterHooks,
    /** `s->iq`: the queue base latched when QI was last enabled (IQA reads return it). */
    private readonly iqBase: () => bigint,
  ) {}

  read(offset: number, size: 4 | 8): bigint {
    const all = size === 4 ? M32 : M64;
    if (offset % 4 !== 0) return 0n;
    // QEMU's flatview splits an access at a smaller alignment into aligned pieces, low first.
    if (size === 8 && offset % 8 !== 0) return this.read(offset, 4) | (this.read(offset + 4, 4) << 32n);
    if (offset < 0 || offset + size > DMAR_REG_SIZE) return all;
    if (size === 8 && READ_ONLY_4.has(offset)) qemuAssert(offset, size, false);
    const rf = this.rf;
    switch (offset) {
      case DMAR.RTADDR: {
        const v = rf.rawQuad(DMAR.RTADDR);
        return size === 4 ? v & M32 : v;
      }
      case DMAR.RTADDR_HI:
        return rf.rawQuad(DMAR.RTADDR) >> 32n;
      case DMAR.IQA: {
        const v = this.iqBase() | (rf.getQuad(DMAR.IQA) & (IQA.QS | IQA.DW));
        return size === 4 ? v & M32 : v;
      }
      case DMAR.IQA_HI:
        return this.iqBase() >> 32n;
      default:
        return size === 4 ? BigInt(rf.getLong(offset)) : rf.getQuad(offset);
    }
  }

  write(offset: number, size: 4 | 8, value: bigint): void {
    if (offset % 4 !== 0) return;
    if (size === 8 && offset % 8 !== 0) {
      this.write(offset, 4, value & M32);
      this.write(offset + 4, 4, (value >> 32n) & M32);
      return;
    }
    if (offset < 0 || offset + size > DMAR_REG_SIZE) return;
    if (size === 8 && WRITE_ONLY_4.has(offset)) qemuAssert(offset, size, true);
    const rf = this.rf;
    const v = value & (size === 4 ? M32 : M64);
    const put = (): void => (size === 4 ? rf.setLong(offset, Number(v)) : rf.setQuad(offset, v));
    switch (offset) {
      case DMAR.GCMD:
        rf.setLong(offset, Number(v & M32));
        this.gcmdWritten();
        return;
      case DMAR.CCMD:
        put();
        if (size === 8) this.ccmdWritten();
        return;
      case DMAR.CCMD_HI:
        put();
        this.ccmdWritten();
        return;
      case DMAR.IOTLB:
        put();
        if (size === 8) this.iotlbWritten();
        return;
      case DMAR.IOTLB_HI:
        put();
        this.iotlbWritten();
        return;
      case DMAR.FSTS:
        put();
        this.fstsWritten();
        return;
      case DMAR.FECTL:
        put();
        this.fectlWritten();
        return;
      case DMAR.IQT:
        put();
        this.hooks.iqtWritten();
        return;
      case DMAR.IQA:
        put();
        this.hooks.iqaWritten();
        return;
      case DMAR.ICS:
        put();
        this.icsWritten();
        return;
      case DMAR.IECTL:
        put();
        this.iectlWritten();
        return;
      case DMAR.FRCD0_HI:
        put();
        if (size === 8) this.hooks.updatePpf(); // may clear F (bit 127)
        return;
      case DMAR.FRCD0_HI_HI:
        put();
        this.hooks.updatePpf();
        return;
      default:
        // Everything else, including FEADDR written with 8 bytes (Xen does) and the _HI halves
        // QEMU lets through, is a plain masked store.
        put();
    }
  }

  /** `vtd_handle_gcmd_write`: acts on GCMD ^ GSTS for TE/QIE/IRE, on set bits for SRTP/SIRTP. */
  private gcmdWritten(): void {
    const rf = this.rf;
    const status = rf.rawLong(DMAR.GSTS);
    const val = rf.rawLong(DMAR.GCMD);
    const changed = status ^ val;
    if (changed & GCMD.TE) {
      // dma-translation=on. Disabling also rewinds the next FRCD index (hook).
      const en = (val & GCMD.TE) !== 0;
      rf.setClearLong(DMAR.GSTS, en ? 0 : GSTS.TES, en ? GSTS.TES : 0);
      this.hooks.setTranslation(en);
    }
    if (val & GCMD.SRTP) {
      const rtaddr = rf.rawQuad(DMAR.RTADDR);
      const root = rtaddr & (hawMask(this.cfg.awBits) ^ 0xfffn);
      const scalable = this.cfg.scalableMode && (rtaddr & RTADDR_SMT) !== 0n;
      rf.setClearLong(DMAR.GSTS, 0, GSTS.RTPS);
      this.hooks.setRoot(root, scalable);
    }
    if (changed & GCMD.QIE) this.hooks.qieWrite((val & GCMD.QIE) !== 0);
    if (val & GCMD.SIRTP) {
      this.hooks.irtpSet(rf.rawQuad(DMAR.IRTA));
      rf.setClearLong(DMAR.GSTS, 0, GSTS.IRTPS);
    }
    // IRE: interrupt remapping is not supported (intremap=off) → ignored. SFL, EAFL, WBF, CFI
    // have no handler in QEMU: their status bits never set.
  }

  /** `vtd_handle_ccmd_write`. */
  private ccmdWritten(): void {
    const rf = this.rf;
    const val = rf.rawQuad(DMAR.CCMD);
    if (!(val & CCMD.ICC)) return;
    // "Queued Invalidation enabled, should not use register-based invalidation": ICC stays set.
    if (this.hooks.qiEnabled()) return;
    const caig = this.hooks.contextInvalidate(val);
    rf.setClearQuad(DMAR.CCMD, CCMD.ICC, 0n);
    rf.setClearQuad(DMAR.CCMD, CCMD.CAIG_MASK, caig);
  }

  /** `vtd_handle_iotlb_write`. */
  private iotlbWritten(): void {
    const rf = this.rf;
    const val = rf.rawQuad(DMAR.IOTLB);
    if (!(val & IOTLB.IVT)) return;
    if (this.hooks.qiEnabled()) return;
    const iaig = this.hooks.iotlbInvalidate(val, rf.rawQuad(DMAR.IVA));
    rf.setClearQuad(DMAR.IOTLB, IOTLB.IVT, 0n);
    rf.setClearQuad(DMAR.IOTLB, IOTLB.IAIG_MASK, iaig);
  }

  /** `vtd_handle_fsts_write`: clearing every status bit clears FECTL.IP. */
  private fstsWritten(): void {
    const fsts = this.rf.rawLong(DMAR.FSTS);
    const fectl = this.rf.rawLong(DMAR.FECTL);
    if (fectl & FECTL.IP && !(fsts & (FSTS.PFO | FSTS.PPF | FSTS.IQE))) this.rf.setClearLong(DMAR.FECTL, FECTL.IP, 0);
  }

  /** `vtd_handle_fectl_write`: IM clear with IP set fires the pending fault event. */
  private fectlWritten(): void {
    const fectl = this.rf.rawLong(DMAR.FECTL);
    if (fectl & FECTL.IP && !(fectl & FECTL.IM)) {
      this.hooks.raise(msi(this.rf, 'dmar-fault'));
      this.rf.setClearLong(DMAR.FECTL, FECTL.IP, 0);
    }
  }

  /** `vtd_handle_ics_write`. */
  private icsWritten(): void {
    if (this.rf.rawLong(DMAR.IECTL) & IECTL.IP && !(this.rf.rawLong(DMAR.ICS) & ICS_IWC)) this.rf.setClearLong(DMAR.IECTL, IECTL.IP, 0);
  }

  /** `vtd_handle_iectl_write`. */
  private iectlWritten(): void {
    const iectl = this.rf.rawLong(DMAR.IECTL);
    if (iectl & IECTL.IP && !(iectl & IECTL.IM)) {
      this.hooks.raise(msi(this.rf, 'dmar-inv'));
      this.rf.setClearLong(DMAR.IECTL, IECTL.IP, 0);
    }
  }
}

/** `vtd_generate_interrupt`: the MSI built from FEADDR/FEDATA or IEADDR/IEDATA (32-bit each). */
export function msi(rf: VtdRegisterFile, source: VtdIrq['source']): VtdIrq {
  const [a, d] = source === 'dmar-fault' ? [DMAR.FEADDR, DMAR.FEDATA] : [DMAR.IEADDR, DMAR.IEDATA];
  return { source, msiAddr: BigInt(rf.rawLong(a)), msiData: rf.rawLong(d) };
}

/** Context-cache register invalidation granularity → CAIG (`vtd_context_cache_invalidate`). */
export function ccmdScope(ccmd: bigint): { kind: 'global'; caig: bigint } | { kind: 'device'; sid: number; fm: number; caig: bigint } | { kind: 'invalid'; caig: 0n } {
  switch (ccmd & CCMD.CIRG_MASK) {
    case CCMD.DOMAIN: // QEMU executes a domain-selective request as global
    case CCMD.GLOBAL:
      return { kind: 'global', caig: CCMD.GLOBAL_A };
    case CCMD.DEVICE:
      return { kind: 'device', sid: Number((ccmd >> 16n) & 0xffffn), fm: Number((ccmd >> 32n) & 3n), caig: CCMD.DEVICE_A };
    default:
      return { kind: 'invalid', caig: 0n };
  }
}

/** IOTLB register invalidation request → IAIG (`vtd_iotlb_flush`). */
export function iotlbScope(
  iotlb: bigint,
  iva: bigint,
): { kind: 'global'; iaig: bigint } | { kind: 'domain'; did: number; iaig: bigint } | { kind: 'page'; did: number; addr: bigint; am: number; ih: boolean; iaig: bigint } | { kind: 'invalid'; iaig: 0n } {
  const did = Number((iotlb >> 32n) & 0xffffn);
  switch (iotlb & IOTLB.IIRG_MASK) {
    case IOTLB.GLOBAL:
      return { kind: 'global', iaig: IOTLB.GLOBAL_A };
    case IOTLB.DSI:
      return { kind: 'domain', did, iaig: IOTLB.DSI_A };
    case IOTLB.PSI: {
      const am = Number(iva & 0x3fn);
      if (am > VTD_MAMV) return { kind: 'invalid', iaig: 0n }; // "address mask overflow"
      return { kind: 'page', did, addr: iva & ~0xfffn & M64, am, ih: (iva & 0x40n) !== 0n, iaig: IOTLB.PSI_A };
    }
    default:
      return { kind: 'invalid', iaig: 0n };
  }
}
