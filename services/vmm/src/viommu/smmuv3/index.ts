/**
 * The emulated Arm SMMUv3 (QEMU's `arm-smmuv3` on machine virt, registers at 0x0905_0000, 128 KiB)
 * as a guest drives it: 32/64-bit MMIO register accesses plus stream tables, context descriptors,
 * page tables and the command and event queues in guest RAM. Pure domain code: guest RAM through
 * `GuestMemory`, wired interrupts through `raise`, host effects (accel mode) through the
 * `Smmuv3AccelPort` the vmm sets.
 *
 * Pieces, as QEMU splits hw/arm/smmuv3.c: `idr.ts` the ID registers, `regs.ts` the register file,
 * `cmdq.ts` the command queue, `events.ts` event records and the EVTQ, `translate.ts` + `caches.ts`
 * the walks and the caches. services/vmm/SMMUV3.md lists where QEMU departs from the architecture
 * and which one the model follows.
 */
import { DomainError } from '#libs/errno/index.js';
import { SmmuCommandQueue, type SmmuCmdError } from './cmdq.js';
import { EVT_RECORD_SIZE, smmuv3PropagateEvent, smmuv3RecordEvent } from './events.js';
import { idrSidSize, smmuv3Idrs, type SmmuIdrs } from './idr.js';
import { Smmuv3Registers, Smmuv3RegState } from './regs.js';
import { SmmuTranslator } from './translate.js';
import { SMMU_MMIO, smmuCaps, type GuestMemory, type SmmuCaps, type SmmuInvalidationTarget, type SmmuIrq, type SmmuTranslation, type SteView, type Smmuv3AccelPort, type Smmuv3Config } from './types.js';

export { A, CERROR, CR0, GBPA, GERROR, IRQ_CTRL, SMMU_BASE_ADDR_MASK, SMMU_GBPA_RESET_VAL, SMMU_REG_WINDOW } from './regs.js';
export { CMD, CMD_SYNC_SIG, cmdDwords, rangeInvalidations } from './cmdq.js';
export type { CmdWords, SmmuCmdError } from './cmdq.js';
export { EVT_RECORD_SIZE, decodeEventRecord, encodeEventRecord } from './events.js';
export { A_IDREGS, IDR0, IDR3, IDR5, smmuv3Idrs } from './idr.js';
export type { SmmuIdrs } from './idr.js';

/** Everything the unit latched (QEMU's vmstate fields and more), for `ctl` / Inspect and tests. */
export interface Smmuv3State {
  idr: SmmuIdrs;
  cr0: number;
  cr0ack: number;
  cr1: number;
  cr2: number;
  statusr: number;
  gbpa: number;
  irqCtrl: number;
  gerror: number;
  gerrorn: number;
  gerrorIrqCfg0: bigint;
  gerrorIrqCfg1: number;
  gerrorIrqCfg2: number;
  strtabBase: bigint;
  strtabBaseCfg: number;
  /** SMMU_FEATURE_2LVL_STE latched (sticky until reset) and the SPLIT latched with it */
  twoLevel: boolean;
  sidSplit: number;
  eventqIrqCfg0: bigint;
  eventqIrqCfg1: number;
  eventqIrqCfg2: number;
  cmdq: SmmuQueueVmstate;
  eventq: SmmuQueueVmstate;
  /** commands completed since reset */
  commandsExecuted: number;
  /** the last command the queue refused (CERROR_ILL / CERROR_ABT) */
  lastCommandError?: SmmuCmdError;
}

/** One queue as `vmstate_smmuv3_queue` carries it. */
export interface SmmuQueueVmstate {
  base: bigint;
  prod: number;
  cons: number;
  log2size: number;
}

/**
 * What QEMU's vmstate `smmuv3` v1 carries (hw/arm/smmuv3.c `vmstate_smmuv3`), field for field, plus
 * `gbpa` (its `smmuv3/gbpa` subsection, sent when GBPA differs from its reset value).
 * viommu/smmuv3/vmstate.ts encodes and validates it.
 */
export interface Smmuv3MigrationState {
  features: number;
  sidSize: number;
  sidSplit: number;
  cr: [number, number, number];
  cr0ack: number;
  statusr: number;
  irqCtrl: number;
  gerror: number;
  gerrorn: number;
  gerrorIrqCfg0: bigint;
  gerrorIrqCfg1: number;
  gerrorIrqCfg2: number;
  strtabBase: bigint;
  strtabBaseCfg: number;
  eventqIrqCfg0: bigint;
  eventqIrqCfg1: number;
  eventqIrqCfg2: number;
  cmdq: SmmuQueueVmstate;
  eventq: SmmuQueueVmstate;
  gbpa: number;
}

/** A queue's migrated fields, copied. */
function queueVmstate(x: SmmuQueueVmstate): SmmuQueueVmstate {
  return { base: x.base, prod: x.prod, cons: x.cons, log2size: x.log2size };
}

/** What the unit needs of the translator: B's `SmmuTranslator`; unit tests may pass a recording object with these members. */
export type SmmuTranslatorPort = Pick<SmmuTranslator, 'table' | 'translate' | 'steView' | 'resetCaches' | keyof SmmuInvalidationTarget>;

export class Smmuv3 {
  static readonly BASE: bigint = SMMU_MMIO.base;
  static readonly SIZE: bigint = SMMU_MMIO.size;

  readonly caps: SmmuCaps;
  readonly translator: SmmuTranslator;
  /** set by the vmm when cfg.accel (services/vmm/src/backends/smmu-accel.ts) */
  accel: Smmuv3AccelPort | undefined;

  private readonly st: Smmuv3RegState;
  private readonly registers: Smmuv3Registers;
  private readonly cmdq: SmmuCommandQueue;

  constructor(
    readonly cfg: Smmuv3Config,
    private readonly mem: GuestMemory,
    private readonly raise: (irq: SmmuIrq) => void,
    /** The translator (default B's `SmmuTranslator`); unit tests may pass a recording fake. */
    translatorFactory: (mem: GuestMemory, caps: SmmuCaps) => SmmuTranslatorPort = (m, c) => new SmmuTranslator(m, c),
  ) {
    this.caps = smmuCaps(cfg);
    // A fake port stands in for the class in unit tests only; everything here uses the port's members.
    this.translator = translatorFactory(mem, this.caps) as SmmuTranslator;
    this.st = new Smmuv3RegState(smmuv3Idrs(cfg));
    this.cmdq = new SmmuCommandQueue({
      st: this.st,
      mem,
      caps: this.caps,
      raise,
      target: () => this.translator,
      accel: () => this.accel,
      steView: (sid) => this.translator.steView(sid),
    });
    this.registers = new Smmuv3Registers(this.st, {
      consumeCmdq: () => this.cmdq.consume(),
      streamTableChanged: () => this.publishTable(),
      bypassChanged: async () => {
        if (this.accel) await this.accel.bypassChanged(this.st.streamTable());
      },
      cr0Written: async (cr0) => {
        if (this.accel) await this.accel.cr0Written(cr0);
      },
    });
    this.reset();
  }

  /**
   * System reset (`smmu_reset_exit` → `smmuv3_reset`, then the common part dropping the
   * configuration cache and IOTLB). The accel backend re-attaches its GBPA HWPT itself
   * (QEMU `smmuv3_accel_reset`).
   */
  reset(): void {
    this.st.reset();
    this.cmdq.reset();
    this.publishTable();
    this.translator.resetCaches();
  }

  private publishTable(): void {
    this.translator.table = this.st.streamTable();
  }

  /** A register load at `offset` inside the 128 KiB window (size 4 or 8). */
  mmioRead(offset: number, size: 4 | 8): bigint {
    return this.registers.read(offset, size);
  }

  /** A register store; its side effects (CMDQ consumption on CMDQ_PROD, CR0, GERRORN writes; accel calls) finish before it resolves. */
  mmioWrite(offset: number, size: 4 | 8, value: bigint): Promise<void> {
    return this.registers.write(offset, size, value);
  }

  /**
   * A device access (virtio / emulated endpoint): `smmuv3_translate`, then the event recorded as
   * QEMU records it (only when the translator says so; nothing while EVENTQEN is clear; a full
   * queue toggles GERROR.EVENTQ_ABT_ERR). `recorded`: the record reached the guest's EVTQ.
   */
  dmaTranslate(sid: number, ssid: number | undefined, iova: bigint, write: boolean): SmmuTranslation & { recorded?: boolean } {
    const r = this.translator.translate(sid, ssid, iova, write);
    if (r.ok) return r;
    const recorded = r.record && r.event !== undefined ? smmuv3RecordEvent(this.st, this.mem, this.raise, r.event) : false;
    return { ...r, recorded };
  }

  /** The register state the accel backend reads (QEMU's s->cr[0] SMMUEN / EVENTQEN, s->gbpa ABORT, s->eventq.log2size). */
  regs(): { smmuEnabled: boolean; gbpaAbort: boolean; eventqEnabled: boolean; eventqLog2size: number } {
    const t = this.st.streamTable();
    return { smmuEnabled: t.smmuEnabled, gbpaAbort: t.gbpaAbort, eventqEnabled: this.st.eventqEnabled, eventqLog2size: this.st.eventq.log2size };
  }

  /** `smmu_find_ste` for the accel backend. */
  steView(sid: number): SteView {
    return this.translator.steView(sid);
  }

  /**
   * A host vEVENTQ record (32 bytes, SID already the guest's) into the guest EVTQ, verbatim:
   * `smmuv3_propagate_event`. False = dropped (EVENTQEN clear, queue full, queue outside RAM),
   * which toggles GERROR.EVENTQ_ABT_ERR as in QEMU.
   */
  injectEvent(record: Uint8Array): boolean {
    if (record.length !== EVT_RECORD_SIZE) {
      throw new DomainError('INVALID_ARGUMENT', 'BAD_EVENT_RECORD', `SMMUv3: an event record is ${EVT_RECORD_SIZE} bytes, got ${record.length}`, { length: String(record.length) });
    }
    return smmuv3PropagateEvent(this.st, this.mem, this.raise, record);
  }

  /** The state QEMU migrates (see Smmuv3MigrationState); `sidSize` is IDR1.SIDSIZE, as QEMU's `sid_size`. */
  migrationState(): Smmuv3MigrationState {
    const s = this.st;
    return {
      features: s.features,
      sidSize: idrSidSize(s.idr[1]),
      sidSplit: s.sidSplit,
      cr: [s.cr[0], s.cr[1], s.cr[2]],
      cr0ack: s.cr0ack,
      statusr: s.statusr,
      irqCtrl: s.irqCtrl,
      gerror: s.gerror,
      gerrorn: s.gerrorn,
      gerrorIrqCfg0: s.gerrorIrqCfg0,
      gerrorIrqCfg1: s.gerrorIrqCfg1,
      gerrorIrqCfg2: s.gerrorIrqCfg2,
      strtabBase: s.strtabBase,
      strtabBaseCfg: s.strtabBaseCfg,
      eventqIrqCfg0: s.eventqIrqCfg0,
      eventqIrqCfg1: s.eventqIrqCfg1,
      eventqIrqCfg2: s.eventqIrqCfg2,
      cmdq: queueVmstate(s.cmdq),
      eventq: queueVmstate(s.eventq),
      gbpa: s.gbpa,
    };
  }

  /**
   * Load a migrated state already validated against this unit (vmstate.ts). QEMU has no post_load:
   * its destination starts with empty caches and reads STEs/CDs lazily from guest RAM; here the
   * translator's latched stream-table state is republished and its caches dropped, to the same
   * effect. The twin's command counters (diagnostics) start again from zero. `sid_size` is not
   * stored: validation made sure it equals this unit's IDR1.SIDSIZE.
   */
  loadMigrationState(m: Smmuv3MigrationState): void {
    const s = this.st;
    s.features = m.features;
    s.sidSplit = m.sidSplit;
    s.cr = [m.cr[0], m.cr[1], m.cr[2]];
    s.cr0ack = m.cr0ack;
    s.statusr = m.statusr;
    s.irqCtrl = m.irqCtrl;
    s.gerror = m.gerror;
    s.gerrorn = m.gerrorn;
    s.gerrorIrqCfg0 = m.gerrorIrqCfg0;
    s.gerrorIrqCfg1 = m.gerrorIrqCfg1;
    s.gerrorIrqCfg2 = m.gerrorIrqCfg2;
    s.strtabBase = m.strtabBase;
    s.strtabBaseCfg = m.strtabBaseCfg;
    s.eventqIrqCfg0 = m.eventqIrqCfg0;
    s.eventqIrqCfg1 = m.eventqIrqCfg1;
    s.eventqIrqCfg2 = m.eventqIrqCfg2;
    for (const [dst, src] of [[s.cmdq, m.cmdq], [s.eventq, m.eventq]] as const) {
      dst.base = src.base;
      dst.prod = src.prod;
      dst.cons = src.cons;
      dst.log2size = src.log2size;
    }
    s.gbpa = m.gbpa;
    this.cmdq.reset();
    this.publishTable();
    this.translator.resetCaches();
  }

  state(): Smmuv3State {
    const s = this.st;
    return {
      idr: s.idr,
      cr0: s.cr[0],
      cr0ack: s.cr0ack,
      cr1: s.cr[1],
      cr2: s.cr[2],
      statusr: s.statusr,
      gbpa: s.gbpa,
      irqCtrl: s.irqCtrl,
      gerror: s.gerror,
      gerrorn: s.gerrorn,
      gerrorIrqCfg0: s.gerrorIrqCfg0,
      gerrorIrqCfg1: s.gerrorIrqCfg1,
      gerrorIrqCfg2: s.gerrorIrqCfg2,
      strtabBase: s.strtabBase,
      strtabBaseCfg: s.strtabBaseCfg,
      twoLevel: s.streamTable().twoLevel,
      sidSplit: s.sidSplit,
      eventqIrqCfg0: s.eventqIrqCfg0,
      eventqIrqCfg1: s.eventqIrqCfg1,
      eventqIrqCfg2: s.eventqIrqCfg2,
      cmdq: queueVmstate(s.cmdq),
      eventq: queueVmstate(s.eventq),
      commandsExecuted: this.cmdq.executed,
      ...(this.cmdq.lastError ? { lastCommandError: { ...this.cmdq.lastError } } : {}),
    };
  }
}
