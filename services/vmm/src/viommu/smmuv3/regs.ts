/**
 * The SMMUv3 register file as QEMU's `arm-smmuv3` keeps it (hw/arm/smmuv3.c `smmu_readl`,
 * `smmu_readll`, `smmu_writel`, `smmu_writell`, `smmuv3_reset`; offsets and fields of
 * include/hw/arm/smmuv3-common.h; queue macros of hw/arm/smmuv3-internal.h). Facts:
 * shared/reference/smmuv3-and-migration.md §A.1, A.3, A.9, A.13.
 *
 * The state is QEMU's SMMUv3State fields one for one (what its vmstate migrates, plus the IDRs);
 * the side effects of writes (command-queue consumption, the stream-table state the translator
 * latches, the accel port) go through `SmmuRegisterHooks`, wired by index.ts.
 */
import { DomainError } from '#libs/errno/index.js';
import { A_IDREGS, SMMU_AIDR, SMMU_CMDQS, SMMU_EVENTQS, SMMU_IIDR, smmuv3Idreg, type SmmuIdrs } from './idr.js';
import type { SmmuStreamTableState } from './types.js';

/** Register offsets (`A_*`), page 0 (page 1 at +0x10000 aliases it). */
export const A = {
  IDR0: 0x00,
  IDR1: 0x04,
  IDR2: 0x08,
  IDR3: 0x0c,
  IDR4: 0x10,
  IDR5: 0x14,
  IIDR: 0x18,
  AIDR: 0x1c,
  CR0: 0x20,
  CR0ACK: 0x24,
  CR1: 0x28,
  CR2: 0x2c,
  STATUSR: 0x40,
  GBPA: 0x44,
  IRQ_CTRL: 0x50,
  IRQ_CTRL_ACK: 0x54,
  GERROR: 0x60,
  GERRORN: 0x64,
  /** 64-bit */
  GERROR_IRQ_CFG0: 0x68,
  GERROR_IRQ_CFG1: 0x70,
  GERROR_IRQ_CFG2: 0x74,
  /** 64-bit */
  STRTAB_BASE: 0x80,
  STRTAB_BASE_CFG: 0x88,
  /** 64-bit */
  CMDQ_BASE: 0x90,
  CMDQ_PROD: 0x98,
  CMDQ_CONS: 0x9c,
  /** 64-bit */
  EVENTQ_BASE: 0xa0,
  EVENTQ_PROD: 0xa8,
  EVENTQ_CONS: 0xac,
  /** 64-bit */
  EVENTQ_IRQ_CFG0: 0xb0,
  EVENTQ_IRQ_CFG1: 0xb8,
  EVENTQ_IRQ_CFG2: 0xbc,
  IDREGS: A_IDREGS,
} as const;

/** The register window (QEMU's `memory_region_init_io(..., 0x20000)`). */
export const SMMU_REG_WINDOW = 0x20000;
/** "CONSTRAINED UNPREDICTABLE choice to have page0/1 be exact aliases": `offset &= ~0x10000`. */
export const SMMU_PAGE1_ALIAS = 0x10000;

export const CR0 = { SMMUEN: 1 << 0, PRIQEN: 1 << 1, EVENTQEN: 1 << 2, CMDQEN: 1 << 3, ATSCHK: 1 << 4 } as const;
/**
 * `SMMU_CR0_RESERVED`: CR0ACK = CR0 & ~this. QEMU master has 0xFFFFFA20 ("hw/arm/smmuv3: Fix
 * incorrect reserved mask for SMMU CR0 register": bit 10 DPT_WALK_EN is a field, bit 9 RES0);
 * releases before the fix had 0xFFFFFC20.
 */
export const SMMU_CR0_RESERVED = 0xfffffa20;
export const GBPA = { ABORT: 1 << 20, UPDATE: 1 << 31 } as const;
/** `SMMU_GBPA_RESET_VAL` ("use incoming" SHCFG). */
export const SMMU_GBPA_RESET_VAL = 0x1000;
export const IRQ_CTRL = { GERROR_IRQEN: 1 << 0, PRI_IRQEN: 1 << 1, EVENTQ_IRQEN: 1 << 2 } as const;
export const GERROR = {
  CMDQ_ERR: 1 << 0,
  EVENTQ_ABT_ERR: 1 << 2,
  PRIQ_ABT_ERR: 1 << 3,
  MSI_CMDQ_ABT_ERR: 1 << 4,
  MSI_EVENTQ_ABT_ERR: 1 << 5,
  MSI_PRIQ_ABT_ERR: 1 << 6,
  MSI_GERROR_ABT_ERR: 1 << 7,
  MSI_SFM_ERR: 1 << 8,
} as const;
/** STRTAB_BASE_CFG: LOG2SIZE[5:0], SPLIT[10:6], FMT[17:16] (1 = 2-level). */
export const STRTAB_BASE_CFG = { LOG2SIZE_MASK: 0x3f, SPLIT_SHIFT: 6, SPLIT_MASK: 0x1f, FMT_SHIFT: 16, FMT_MASK: 0x3, FMT_2LVL: 1 } as const;
/** `SMMU_BASE_ADDR_MASK`: bits 51:6 of STRTAB_BASE / CMDQ_BASE / EVENTQ_BASE. */
export const SMMU_BASE_ADDR_MASK = 0xf_ffff_ffff_ffc0n;
/** `SMMU_FEATURE_2LVL_STE`. */
export const SMMU_FEATURE_2LVL_STE = 1 << 0;
/** CMDQ_CONS.ERR[30:24] (`SMMUCmdError`). */
export const CMDQ_CONS_ERR_SHIFT = 24;
export const CMDQ_CONS_ERR_MASK = 0x7f << CMDQ_CONS_ERR_SHIFT;
export const CERROR = { NONE: 0, ILL: 1, ABT: 2, ATC_INV_SYNC: 3 } as const;

const M32 = 0xffff_ffffn;
const M64 = 0xffff_ffff_ffff_ffffn;

/** `SMMUQueue`: BASE as written (LOG2SIZE in bits 4:0), PROD/CONS as written, the clamped LOG2SIZE latched on BASE writes. */
export interface SmmuQueue {
  base: bigint;
  prod: number;
  cons: number;
  log2size: number;
  /** 16 (command) or 32 (event) */
  readonly entrySize: number;
}

// ------------------------------------------------------------------ queue macros (smmuv3-internal.h)

const wrapMask = (q: SmmuQueue): number => 2 ** q.log2size;
const indexMask = (q: SmmuQueue): number => 2 ** q.log2size - 1;
const wrapIndexMask = (q: SmmuQueue): number => 2 ** (q.log2size + 1) - 1;

/** `Q_PROD(q)` / `Q_CONS(q)`: the index bits. */
export const qProd = (q: SmmuQueue): number => (q.prod & indexMask(q)) >>> 0;
export const qCons = (q: SmmuQueue): number => (q.cons & indexMask(q)) >>> 0;
/** `Q_PROD_WRAP` / `Q_CONS_WRAP`. */
export const qProdWrap = (q: SmmuQueue): number => ((q.prod & wrapMask(q)) >>> 0) >>> q.log2size;
export const qConsWrap = (q: SmmuQueue): number => ((q.cons & wrapMask(q)) >>> 0) >>> q.log2size;
/** `Q_CONS_ENTRY` / `Q_PROD_ENTRY`: base & SMMU_BASE_ADDR_MASK + entry_size × index. */
export const qConsEntry = (q: SmmuQueue): bigint => (q.base & SMMU_BASE_ADDR_MASK) + BigInt(q.entrySize * qCons(q));
export const qProdEntry = (q: SmmuQueue): bigint => (q.base & SMMU_BASE_ADDR_MASK) + BigInt(q.entrySize * qProd(q));
/** `smmuv3_q_full`: `((cons ^ prod) & WRAP_INDEX_MASK) == WRAP_MASK`. */
export const qFull = (q: SmmuQueue): boolean => ((q.cons ^ q.prod) & wrapIndexMask(q)) >>> 0 === wrapMask(q);
/** `smmuv3_q_empty`. */
export const qEmpty = (q: SmmuQueue): boolean => ((q.cons & wrapIndexMask(q)) >>> 0) === ((q.prod & wrapIndexMask(q)) >>> 0);
/** `queue_prod_incr`: PROD = (PROD + 1) & WRAP_INDEX_MASK (bits above the wrap bit are dropped). */
export function queueProdIncr(q: SmmuQueue): void {
  q.prod = ((q.prod + 1) & wrapIndexMask(q)) >>> 0;
}
/** `queue_cons_incr`: deposit32(cons, 0, log2size + 1, cons + 1), keeping CONS.ERR and any other high bits. */
export function queueConsIncr(q: SmmuQueue): void {
  const m = wrapIndexMask(q);
  q.cons = ((q.cons & ~m) | ((q.cons + 1) & m)) >>> 0;
}

// The 32-bit halves of a 64-bit register as `smmu_readl` / `smmu_writel` reach them: `at` is the
// access offset minus the register's offset, 0 for the low half, 4 for the high half.

/** `extract64(v, at * 8, 32)`. */
function half32of64(v: bigint, at: number): number {
  return Number((v >> BigInt(at * 8)) & M32);
}

/** A queue's BASE written: its LOG2SIZE field [4:0] latched, capped at the queue's maximum `max`. */
function latchLog2size(q: SmmuQueue, max: number): void {
  q.log2size = Math.min(Number(q.base & 0x1fn), max);
}

/** `deposit64(v, at * 8, 32, half)`. */
function deposit32of64(v: bigint, at: number, half: number): bigint {
  const shift = BigInt(at * 8);
  return ((v & ~(M32 << shift)) | ((BigInt(half) & M32) << shift)) & M64;
}

/**
 * QEMU's SMMUv3State register fields. Field names follow QEMU so the two can be read side by side.
 */
export class Smmuv3RegState {
  readonly idr: SmmuIdrs;
  readonly iidr = SMMU_IIDR;
  readonly aidr = SMMU_AIDR;
  /** cr[0..2] */
  cr: [number, number, number] = [0, 0, 0];
  cr0ack = 0;
  statusr = 0;
  gbpa = SMMU_GBPA_RESET_VAL;
  irqCtrl = 0;
  gerror = 0;
  gerrorn = 0;
  gerrorIrqCfg0 = 0n;
  gerrorIrqCfg1 = 0;
  gerrorIrqCfg2 = 0;
  strtabBase = 0n;
  strtabBaseCfg = 0;
  /** SMMU_FEATURE_2LVL_STE: set by a STRTAB_BASE_CFG write with FMT = 1, cleared only by reset */
  features = 0;
  /** SPLIT latched with the 2-level feature */
  sidSplit = 0;
  eventqIrqCfg0 = 0n;
  eventqIrqCfg1 = 0;
  eventqIrqCfg2 = 0;
  readonly cmdq: SmmuQueue = { base: 0n, prod: 0, cons: 0, log2size: 0, entrySize: 16 };
  readonly eventq: SmmuQueue = { base: 0n, prod: 0, cons: 0, log2size: 0, entrySize: 32 };

  constructor(idr: SmmuIdrs) {
    this.idr = idr;
  }

  /**
   * `smmuv3_reset` (reset exit): only these fields. CR1, CR2, STRTAB_BASE(_CFG), the IRQ_CFG
   * registers, the queue BASE bits above LOG2SIZE and the latched queue log2size keep their values,
   * as in QEMU (a fresh unit starts from zeros).
   */
  reset(): void {
    this.cmdq.base = (this.cmdq.base & ~0x1fn) | BigInt(SMMU_CMDQS);
    this.cmdq.prod = 0;
    this.cmdq.cons = 0;
    this.eventq.base = (this.eventq.base & ~0x1fn) | BigInt(SMMU_EVENTQS);
    this.eventq.prod = 0;
    this.eventq.cons = 0;
    this.features = 0;
    this.sidSplit = 0;
    this.cr[0] = 0;
    this.cr0ack = 0;
    this.irqCtrl = 0;
    this.gerror = 0;
    this.gerrorn = 0;
    this.statusr = 0;
    this.gbpa = SMMU_GBPA_RESET_VAL;
  }

  get smmuEnabled(): boolean {
    return (this.cr[0] & CR0.SMMUEN) !== 0;
  }
  get cmdqEnabled(): boolean {
    return (this.cr[0] & CR0.CMDQEN) !== 0;
  }
  get eventqEnabled(): boolean {
    return (this.cr[0] & CR0.EVENTQEN) !== 0;
  }
  get eventqIrqEnabled(): boolean {
    return (this.irqCtrl & IRQ_CTRL.EVENTQ_IRQEN) !== 0;
  }
  get gerrorIrqEnabled(): boolean {
    return (this.irqCtrl & IRQ_CTRL.GERROR_IRQEN) !== 0;
  }

  /** What the translator latches (`smmu_find_ste` inputs, `smmu_enabled`, GBPA.ABORT). */
  streamTable(): SmmuStreamTableState {
    return {
      smmuEnabled: this.smmuEnabled,
      gbpaAbort: (this.gbpa & GBPA.ABORT) !== 0,
      strtabBase: this.strtabBase & SMMU_BASE_ADDR_MASK,
      log2size: this.strtabBaseCfg & STRTAB_BASE_CFG.LOG2SIZE_MASK,
      split: this.sidSplit,
      twoLevel: (this.features & SMMU_FEATURE_2LVL_STE) !== 0,
    };
  }

  /** `smmu_write_cmdq_err`: CONS.ERR = err. */
  writeCmdqErr(err: number): void {
    this.cmdq.cons = ((this.cmdq.cons & ~CMDQ_CONS_ERR_MASK) | ((err & 0x7f) << CMDQ_CONS_ERR_SHIFT)) >>> 0;
  }
}

/** The side effects of register writes, provided by the unit (index.ts). */
export interface SmmuRegisterHooks {
  /** `smmuv3_cmdq_consume` (CMDQ_PROD, CR0, GERRORN writes); resolves false when a host (accel) call failed in it. */
  consumeCmdq(): Promise<boolean>;
  /** STRTAB_BASE, STRTAB_BASE_CFG, CR0.SMMUEN or GBPA changed: republish the translator's SmmuStreamTableState. */
  streamTableChanged(): void;
  /** accel: GBPA written with UPDATE (QEMU `smmuv3_accel_attach_gbpa_hwpt`) or CR0.SMMUEN toggled. */
  bypassChanged(): Promise<void>;
  /** accel: CR0 written, after its consumption reported no host failure (QEMU allocates the vEVENTQ there). */
  cr0Written(cr0: number): Promise<void>;
}

/**
 * MMIO accesses to the 128 KiB window, offsets relative to the base. As QEMU's memory core
 * delivers them (ops `valid`/`impl` 4..8 bytes, not unaligned): an 8-byte access at a 4-byte but
 * not 8-byte boundary arrives as two 4-byte accesses (low address first); an access not 4-byte
 * aligned breaks into pieces below the 4-byte minimum, which are refused (read 0, write dropped).
 * Then page 1 folds onto page 0 and `smmu_readl`/`smmu_readll`/`smmu_writel`/`smmu_writell` run:
 * unknown offsets read as zero and ignore writes; an 8-byte access reaches only GERROR_IRQ_CFG0,
 * STRTAB_BASE, CMDQ_BASE, EVENTQ_BASE (and, for writes, EVENTQ_IRQ_CFG0).
 */
export class Smmuv3Registers {
  constructor(
    readonly st: Smmuv3RegState,
    private readonly hooks: SmmuRegisterHooks,
  ) {}

  read(offset: number, size: 4 | 8): bigint {
    checkAccess(offset, size);
    if (offset % 4 !== 0) return 0n;
    if (size === 8 && offset % 8 !== 0) return this.read(offset, 4) | (this.read(offset + 4, 4) << 32n);
    const off = offset & ~SMMU_PAGE1_ALIAS;
    return size === 8 ? this.readll(off) : BigInt(this.readl(off) >>> 0);
  }

  async write(offset: number, size: 4 | 8, value: bigint): Promise<void> {
    checkAccess(offset, size);
    if (offset % 4 !== 0) return;
    if (size === 8 && offset % 8 !== 0) {
      await this.write(offset, 4, value & M32);
      await this.write(offset + 4, 4, (value >> 32n) & M32);
      return;
    }
    const off = offset & ~SMMU_PAGE1_ALIAS;
    if (size === 8) this.writell(off, value & M64);
    else await this.writel(off, Number(value & M32) >>> 0);
  }

  /** `smmu_readll`. */
  private readll(off: number): bigint {
    const s = this.st;
    switch (off) {
      case A.GERROR_IRQ_CFG0:
        return s.gerrorIrqCfg0;
      case A.STRTAB_BASE:
        return s.strtabBase;
      case A.CMDQ_BASE:
        return s.cmdq.base;
      case A.EVENTQ_BASE:
        return s.eventq.base;
      default:
        // "Unexpected 64-bit access (RAZ)"
        return 0n;
    }
  }

  /** `smmu_readl`. */
  private readl(off: number): number {
    const s = this.st;
    if (off >= A_IDREGS && off <= A_IDREGS + 0x2f) return smmuv3Idreg(off);
    if (off >= A.IDR0 && off <= A.IDR5) return s.idr[(off - A.IDR0) / 4]!;
    switch (off) {
      case A.IIDR:
        return s.iidr;
      case A.AIDR:
        return s.aidr;
      case A.CR0:
        return s.cr[0];
      case A.CR0ACK:
        return s.cr0ack;
      case A.CR1:
        return s.cr[1];
      case A.CR2:
        return s.cr[2];
      case A.STATUSR:
        return s.statusr;
      case A.GBPA:
        return s.gbpa;
      case A.IRQ_CTRL:
      case A.IRQ_CTRL_ACK:
        return s.irqCtrl;
      case A.GERROR:
        return s.gerror;
      case A.GERRORN:
        return s.gerrorn;
      case A.GERROR_IRQ_CFG0:
      case A.GERROR_IRQ_CFG0 + 4:
        return half32of64(s.gerrorIrqCfg0, off - A.GERROR_IRQ_CFG0);
      case A.GERROR_IRQ_CFG1:
        return s.gerrorIrqCfg1;
      case A.GERROR_IRQ_CFG2:
        return s.gerrorIrqCfg2;
      case A.STRTAB_BASE:
      case A.STRTAB_BASE + 4:
        return half32of64(s.strtabBase, off - A.STRTAB_BASE);
      case A.STRTAB_BASE_CFG:
        return s.strtabBaseCfg;
      case A.CMDQ_BASE:
      case A.CMDQ_BASE + 4:
        return half32of64(s.cmdq.base, off - A.CMDQ_BASE);
      case A.CMDQ_PROD:
        return s.cmdq.prod;
      case A.CMDQ_CONS:
        return s.cmdq.cons;
      case A.EVENTQ_BASE:
      case A.EVENTQ_BASE + 4:
        return half32of64(s.eventq.base, off - A.EVENTQ_BASE);
      case A.EVENTQ_PROD:
        return s.eventq.prod;
      case A.EVENTQ_CONS:
        return s.eventq.cons;
      default:
        // "unhandled 32-bit access (RAZ)": PRIQ_*, EVENTQ_IRQ_CFG0/1/2 (write-only in QEMU), holes
        return 0;
    }
  }

  /** `smmu_writell`. */
  private writell(off: number, data: bigint): void {
    const s = this.st;
    switch (off) {
      case A.GERROR_IRQ_CFG0:
        s.gerrorIrqCfg0 = data;
        return;
      case A.STRTAB_BASE:
        s.strtabBase = data;
        this.hooks.streamTableChanged();
        return;
      case A.CMDQ_BASE:
        s.cmdq.base = data;
        latchLog2size(s.cmdq, SMMU_CMDQS);
        return;
      case A.EVENTQ_BASE:
        s.eventq.base = data;
        latchLog2size(s.eventq, SMMU_EVENTQS);
        return;
      case A.EVENTQ_IRQ_CFG0:
        s.eventqIrqCfg0 = data;
        return;
      default:
        // "Unexpected 64-bit access (WI)"
        return;
    }
  }

  /** `smmu_writel`. */
  private async writel(off: number, data: number): Promise<void> {
    const s = this.st;
    switch (off) {
      case A.CR0: {
        const wasEnabled = s.smmuEnabled;
        s.cr[0] = data;
        s.cr0ack = (data & ~SMMU_CR0_RESERVED) >>> 0;
        if (s.smmuEnabled !== wasEnabled) {
          this.hooks.streamTableChanged();
          await this.hooks.bypassChanged();
        }
        // in case the command queue has been enabled
        const hostOk = await this.hooks.consumeCmdq();
        // Allocate the vEVENTQ if the guest enables the event queue (only when the consumption reported no host error)
        if (hostOk) await this.hooks.cr0Written(data);
        return;
      }
      case A.CR1:
        s.cr[1] = data;
        return;
      case A.CR2:
        s.cr[2] = data;
        return;
      case A.IRQ_CTRL:
        s.irqCtrl = data;
        return;
      case A.GERRORN:
        // smmuv3_write_gerrorn: toggling non-pending bits is CONSTRAINED UNPREDICTABLE and accepted
        s.gerrorn = data;
        // by acknowledging CMDQ_ERR, software may have made commands processable again
        await this.hooks.consumeCmdq();
        return;
      case A.GERROR_IRQ_CFG0:
      case A.GERROR_IRQ_CFG0 + 4:
        s.gerrorIrqCfg0 = deposit32of64(s.gerrorIrqCfg0, off - A.GERROR_IRQ_CFG0, data);
        return;
      case A.GERROR_IRQ_CFG1:
        s.gerrorIrqCfg1 = data;
        return;
      case A.GERROR_IRQ_CFG2:
        s.gerrorIrqCfg2 = data;
        return;
      case A.GBPA:
        // Without UPDATE the write is ignored; with it the update completes at once (UPDATE reads 0).
        if (data & GBPA.UPDATE) {
          s.gbpa = (data & ~GBPA.UPDATE) >>> 0;
          this.hooks.streamTableChanged();
          await this.hooks.bypassChanged();
        }
        return;
      case A.STRTAB_BASE:
      case A.STRTAB_BASE + 4:
        s.strtabBase = deposit32of64(s.strtabBase, off - A.STRTAB_BASE, data);
        this.hooks.streamTableChanged();
        return;
      case A.STRTAB_BASE_CFG:
        s.strtabBaseCfg = data;
        if (((data >>> STRTAB_BASE_CFG.FMT_SHIFT) & STRTAB_BASE_CFG.FMT_MASK) === STRTAB_BASE_CFG.FMT_2LVL) {
          s.sidSplit = (data >>> STRTAB_BASE_CFG.SPLIT_SHIFT) & STRTAB_BASE_CFG.SPLIT_MASK;
          s.features |= SMMU_FEATURE_2LVL_STE;
        }
        this.hooks.streamTableChanged();
        return;
      case A.CMDQ_BASE:
      case A.CMDQ_BASE + 4:
        s.cmdq.base = deposit32of64(s.cmdq.base, off - A.CMDQ_BASE, data);
        // only the low half carries LOG2SIZE
        if (off === A.CMDQ_BASE) latchLog2size(s.cmdq, SMMU_CMDQS);
        return;
      case A.CMDQ_PROD:
        s.cmdq.prod = data;
        await this.hooks.consumeCmdq();
        return;
      case A.CMDQ_CONS:
        s.cmdq.cons = data;
        return;
      case A.EVENTQ_BASE:
      case A.EVENTQ_BASE + 4:
        s.eventq.base = deposit32of64(s.eventq.base, off - A.EVENTQ_BASE, data);
        // only the low half carries LOG2SIZE
        if (off === A.EVENTQ_BASE) latchLog2size(s.eventq, SMMU_EVENTQS);
        return;
      case A.EVENTQ_PROD:
        s.eventq.prod = data;
        return;
      case A.EVENTQ_CONS:
        s.eventq.cons = data;
        return;
      case A.EVENTQ_IRQ_CFG0:
      case A.EVENTQ_IRQ_CFG0 + 4:
        s.eventqIrqCfg0 = deposit32of64(s.eventqIrqCfg0, off - A.EVENTQ_IRQ_CFG0, data);
        return;
      case A.EVENTQ_IRQ_CFG1:
        s.eventqIrqCfg1 = data;
        return;
      case A.EVENTQ_IRQ_CFG2:
        s.eventqIrqCfg2 = data;
        return;
      default:
        // "Unexpected 32-bit access (WI)": IDRs, CR0ACK, STATUSR, IRQ_CTRL_ACK, GERROR, PRIQ_*, holes
        return;
    }
  }
}

/** Sizes other than 4 and 8 are QEMU's MEMTX_ERROR; the access must lie inside the 128 KiB window. */
function checkAccess(offset: number, size: number): void {
  if (size !== 4 && size !== 8) {
    throw new DomainError('INVALID_ARGUMENT', 'BAD_MMIO_SIZE', `SMMUv3: MMIO access size ${size}: 4 or 8 bytes (QEMU answers MEMTX_ERROR)`, { size: String(size) });
  }
  if (!Number.isInteger(offset) || offset < 0 || offset + size > SMMU_REG_WINDOW) {
    throw new DomainError('INVALID_ARGUMENT', 'NO_MMIO_REGION', `SMMUv3: offset 0x${offset.toString(16)} (+${size}) is outside the 0x${SMMU_REG_WINDOW.toString(16)}-byte register window`, {
      offset: String(offset),
    });
  }
}
