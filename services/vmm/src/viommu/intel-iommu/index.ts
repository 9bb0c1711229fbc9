/**
 * The emulated Intel VT-d unit (QEMU's `intel-iommu` device, q35 DMAR at 0xfed90000) as a guest
 * drives it: 32/64-bit MMIO register accesses plus structures in guest RAM. Pure domain code: it
 * reads and writes guest RAM through `GuestMemory`, raises interrupts through `raise`, and leaves
 * host effects to the translator's invalidation listeners (`translator.onInvalidate`).
 *
 * Pieces (QEMU keeps them apart in hw/i386/intel_iommu.c; so do we): `caps.ts` CAP/ECAP,
 * `regs.ts` the register file and command side effects, `qi.ts` the invalidation queue,
 * `fault.ts` fault recording, `translate.ts` + `caches.ts` (V2) the walks and the caches.
 * `services/vmm/INTEL-IOMMU.md` lists where QEMU departs from the VT-d spec and what we follow.
 */
import { vtdCaps, type GuestMemory, type IntelIommuConfig } from './caps.js';
import { VtdFaultRecorder, type FaultOutcome } from './fault.js';
import { VtdInvalidationQueue, type IqeInfo, type VtdInvalidationTarget } from './qi.js';
import { ccmdScope, DMAR_REG_SIZE, iotlbScope, resetRegisterFile, RTADDR_SMT, VtdRegisterFile, VtdRegisters, type VtdRaise } from './regs.js';
import { VtdTranslator, type VtdTranslation } from './translate.js';

export { CAP, ECAP, VTD_MAMV, hawMask, vtdCaps } from './caps.js';
export type { GuestMemory, IntelIommuConfig } from './caps.js';
export { FRCD, FRCD_COUNT, VTD_FR, frcdRecord } from './fault.js';
export type { FaultOutcome, VtdFault } from './fault.js';
export { INV_DESC, INV_DESC_RSVD, INV_WAIT } from './qi.js';
export type { IqeInfo, VtdInvalidationTarget } from './qi.js';
export { CCMD, DMAR, DMAR_REG_SIZE, FECTL, FSTS, GCMD, GSTS, ICS_IWC, IECTL, IOTLB, IQA, RTADDR_SMT, VTD_REGISTERS, VTD_VERSION } from './regs.js';
export type { VtdIrq, VtdRaise } from './regs.js';
export { NO_PASID, VtdTranslator } from './translate.js';
export type { VtdDeviceView, VtdInvalidateScope, VtdPasidBindingEvent, VtdRootState, VtdTranslation, VtdWalkEvent } from './translate.js';

/**
 * What the unit needs of the translator: V2's `VtdTranslator` (translate.ts) is the real one;
 * unit tests may pass a recording object with the same methods.
 */
export type VtdTranslatorPort = VtdInvalidationTarget & Pick<VtdTranslator, 'root' | 'translate' | 'resetCaches'>;

/** Everything the unit latched that the registers do not show directly (for `ctl` and tests). */
export interface IntelIommuState {
  dmarEnabled: boolean;
  root: bigint;
  rootScalable: boolean;
  qi: { enabled: boolean; base: bigint; head: number; tail: number; size: number; dw: boolean; lastDescType: number; lastError?: IqeInfo };
  intr: { root: bigint; size: number; eime: boolean };
}

/**
 * What QEMU's vmstate `iommu-intel` v1 carries (hw/i386/intel_iommu.c `vtd_vmstate`), field for
 * field: `root` as QEMU latches it (the root-table address with RTADDR.SMT), the interrupt
 * remapping table pointer, the invalidation-queue state, `next_frcd_reg`, the raw `csr` image
 * (DMAR_REG_SIZE bytes, little-endian as the registers), `iq_last_desc_type` and the enable bits.
 * viommu/intel-iommu/vmstate.ts encodes and validates it.
 */
export interface IntelIommuMigrationState {
  root: bigint;
  intrRoot: bigint;
  iq: bigint;
  intrSize: number;
  iqHead: number;
  iqTail: number;
  iqSize: number;
  nextFrcdReg: number;
  csr: Uint8Array;
  iqLastDescType: number;
  dmarEnabled: boolean;
  qiEnabled: boolean;
  intrEnabled: boolean;
  intrEime: boolean;
}

export class IntelIommu {
  /** q35 `Q35_HOST_BRIDGE_IOMMU_ADDR`; the block is 0x230 bytes (`DMAR_REG_SIZE`), one page mapped. */
  static readonly BASE = 0xfed90000n;
  static readonly SIZE = 0x1000n;

  readonly cap: bigint;
  readonly ecap: bigint;
  readonly translator: VtdTranslator;
  private readonly rf = new VtdRegisterFile();
  private readonly regs: VtdRegisters;
  private readonly faults: VtdFaultRecorder;
  private readonly qi: VtdInvalidationQueue;
  private dmarEnabled = false;
  private root = 0n;
  private rootScalable = false;
  private intr = { root: 0n, size: 0, eime: false };

  constructor(
    readonly cfg: IntelIommuConfig,
    mem: GuestMemory,
    raise: VtdRaise,
    /** The translator (default V2's `VtdTranslator`); unit tests may pass a recording fake. */
    translatorFactory: (mem: GuestMemory, cfg: IntelIommuConfig) => VtdTranslatorPort = (m, c) => new VtdTranslator(m, c),
  ) {
    ({ cap: this.cap, ecap: this.ecap } = vtdCaps(cfg));
    // A fake port stands in for the class in unit tests only; everything here uses the port's methods.
    this.translator = translatorFactory(mem, cfg) as VtdTranslator;
    this.faults = new VtdFaultRecorder(this.rf, raise);
    this.qi = new VtdInvalidationQueue(this.rf, cfg, this.ecap, mem, this.translator, this.faults, raise);
    this.regs = new VtdRegisters(
      this.rf,
      cfg,
      {
        setRoot: (root, scalable) => {
          this.root = root;
          this.rootScalable = scalable;
          this.publishRoot();
          this.translator.resetCaches();
        },
        setTranslation: (en) => {
          if (this.dmarEnabled === en) return;
          this.dmarEnabled = en;
          if (!en) this.faults.rewind();
          this.publishRoot();
          this.translator.resetCaches();
        },
        qieWrite: (en) => this.qi.qieWrite(en),
        iqaWritten: () => this.qi.iqaWritten(),
        iqtWritten: () => this.qi.iqtWritten(),
        contextInvalidate: (ccmd) => {
          const s = ccmdScope(ccmd);
          if (s.kind === 'global') this.translator.invalidateContextGlobal();
          else if (s.kind === 'device') this.translator.invalidateContextDevice(s.sid, s.fm);
          return s.caig;
        },
        iotlbInvalidate: (iotlb, iva) => {
          const s = iotlbScope(iotlb, iva);
          if (s.kind === 'global') this.translator.invalidateIotlbGlobal();
          else if (s.kind === 'domain') this.translator.invalidateIotlbDomain(s.did);
          else if (s.kind === 'page') this.translator.invalidateIotlbPage(s.did, s.addr, s.am, s.ih);
          return s.iaig;
        },
        irtpSet: (irta) => {
          // vtd_interrupt_remap_table_setup: latched although interrupt remapping is absent.
          this.intr = { root: irta & ((1n << BigInt(cfg.awBits)) - 1n) & ~0xfffn, size: 1 << (Number(irta & 0xfn) + 1), eime: (irta & 0x800n) !== 0n };
        },
        qiEnabled: () => this.qi.enabled,
        updatePpf: () => this.faults.updatePpf(),
        raise,
      },
      () => this.qi.iq,
    );
    this.reset();
  }

  /** System reset (`vtd_reset_exit` → `vtd_init`): registers to their reset image, caches dropped. */
  reset(): void {
    resetRegisterFile(this.rf, this.cap, this.ecap);
    this.qi.reset();
    this.faults.reset();
    this.dmarEnabled = false;
    this.root = 0n;
    this.rootScalable = false;
    this.intr = { root: 0n, size: 0, eime: false };
    this.publishRoot();
    this.translator.resetCaches();
  }

  private publishRoot(): void {
    this.translator.root = { rootGpa: this.root, scalable: this.rootScalable, translationEnabled: this.dmarEnabled };
  }

  /** A register read at `offset` inside the window (size checked by the caller: 4 or 8). */
  mmioRead(offset: number, size: 4 | 8): bigint {
    return this.regs.read(offset, size);
  }

  /** A register write at `offset` inside the window; its side effects run before it returns. */
  mmioWrite(offset: number, size: 4 | 8, value: bigint): void {
    this.regs.write(offset, size, value);
  }

  /** A device DMA translation; a fault is recorded (FRCD/FSTS/fault event) unless FPD suppresses it. */
  dmaTranslate(sid: number, pasid: number | undefined, iova: bigint, write: boolean): VtdTranslation {
    const r = this.translator.translate(sid, pasid, iova, write);
    if (!r.ok && r.recordable) this.lastFault = this.faults.report({ sid, reason: r.reason, addr: r.addr, write: r.isWrite, pasid: r.pasid });
    return r;
  }

  /** What happened to the last recorded-or-dropped fault (tests, traces). */
  lastFault: FaultOutcome | undefined;

  /** The state QEMU migrates (see IntelIommuMigrationState). */
  migrationState(): IntelIommuMigrationState {
    const csr = new Uint8Array(DMAR_REG_SIZE);
    const dv = new DataView(csr.buffer);
    for (let off = 0; off < DMAR_REG_SIZE; off += 8) dv.setBigUint64(off, this.rf.rawQuad(off), true);
    const q = this.qi;
    return {
      root: this.root | (this.rootScalable ? RTADDR_SMT : 0n),
      intrRoot: this.intr.root,
      iq: q.iq,
      intrSize: this.intr.size,
      iqHead: q.head,
      iqTail: q.tail,
      iqSize: q.size,
      nextFrcdReg: 0,
      csr,
      iqLastDescType: q.lastDescType,
      dmarEnabled: this.dmarEnabled,
      qiEnabled: q.enabled,
      // interrupt remapping is not modelled (intremap=off): IRE is ignored, so never enabled
      intrEnabled: false,
      intrEime: this.intr.eime,
    };
  }

  /**
   * Load a migrated state already validated against this unit (vmstate.ts): every migrated field
   * replaces the unit's, then `vtd_post_load`: the scalable-mode root and the 256-bit descriptor
   * width are recomputed (`vtd_update_scalable_state`, `vtd_update_iq_dw`), the translator sees
   * the new root and enable bit and its caches are dropped; its resetCaches re-switches every
   * address space (`vtd_switch_address_space_all`) and, in scalable mode, re-reads every PASID
   * entry from guest RAM, telling the nested backend to bind them again (x-flts:
   * `vtd_replay_pasid_bindings_all`). The twin's diagnostics (the last queue error, the last fault
   * outcome) start empty.
   */
  loadMigrationState(s: IntelIommuMigrationState): void {
    const dv = new DataView(s.csr.buffer, s.csr.byteOffset, s.csr.byteLength);
    for (let off = 0; off < DMAR_REG_SIZE; off += 8) this.rf.setRawQuad(off, dv.getBigUint64(off, true));
    const q = this.qi;
    q.iq = s.iq;
    q.head = s.iqHead;
    q.tail = s.iqTail;
    q.size = s.iqSize;
    q.enabled = s.qiEnabled;
    q.lastDescType = s.iqLastDescType;
    q.lastError = undefined;
    this.faults.rewind(); // next_frcd_reg: 0, the only index with one FRCD (validated)
    this.dmarEnabled = s.dmarEnabled;
    this.intr = { root: s.intrRoot, size: s.intrSize, eime: s.intrEime };
    this.lastFault = undefined;
    // vtd_post_load
    this.rootScalable = this.cfg.scalableMode && (s.root & RTADDR_SMT) !== 0n;
    this.root = s.root & ((1n << BigInt(this.cfg.awBits)) - 1n) & ~0xfffn;
    q.iqaWritten();
    this.publishRoot();
    this.translator.resetCaches();
  }

  state(): IntelIommuState {
    const q = this.qi;
    return {
      dmarEnabled: this.dmarEnabled,
      root: this.root,
      rootScalable: this.rootScalable,
      qi: { enabled: q.enabled, base: q.iq, head: q.head, tail: q.tail, size: q.size, dw: q.dw, lastDescType: q.lastDescType, ...(q.lastError ? { lastError: q.lastError } : {}) },
      intr: { ...this.intr },
    };
  }
}
