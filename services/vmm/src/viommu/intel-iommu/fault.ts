/**
 * DMA-remapping fault recording as QEMU's intel-iommu does it (`vtd_report_dmar_fault`,
 * `vtd_report_frcd_fault`, `vtd_generate_fault_event`, `vtd_update_fsts_ppf`): one fault recording
 * register (FRCD0 at 0x220, CAP.NFR = 0), PFO when it is still pending, collapse of a second fault of
 * the same source-id while one is pending, PPF derived from FRCD.F, FRI, and the fault event
 * (FEADDR/FEDATA) only when no status was already pending, else FECTL.IP / nothing.
 * Facts: shared/reference/nesting-and-vtd.md §B.6.
 */
import { DMAR, FECTL, FSTS, msi, type VtdRaise, type VtdRegisterFile } from './regs.js';

export { VTD_FR } from './reasons.js';

/** FRCD high-quadword fields (`VTD_FRCD_*`). */
export const FRCD = {
  F: 1n << 63n,
  T: 1n << 62n,
  PP: 1n << 31n,
  SID_MASK: 0xffffn,
  FR_SHIFT: 32n,
  PV_SHIFT: 40n,
} as const;

/** Number of fault recording registers (`DMAR_FRCD_REG_NR`). */
export const FRCD_COUNT = 1;

/** One DMA-remapping fault to record. */
export interface VtdFault {
  sid: number;
  reason: number;
  addr: bigint;
  write: boolean;
  /** Present when QEMU records the fault with PP=1 (PV = pasid & 0xffff, as QEMU masks it). */
  pasid?: number;
}

/** The FRCD image of one fault (`vtd_report_dmar_fault`): lo = page address, hi = SID|PP|FR|PV|T. */
export function frcdRecord(f: VtdFault): { lo: bigint; hi: bigint } {
  const lo = f.addr & ~0xfffn & 0xffffffffffffffffn;
  let hi = (BigInt(f.sid) & FRCD.SID_MASK) | ((BigInt(f.reason) & 0xffn) << FRCD.FR_SHIFT);
  if (f.pasid !== undefined) hi |= ((BigInt(f.pasid) & 0xffffn) << FRCD.PV_SHIFT) | FRCD.PP;
  if (!f.write) hi |= FRCD.T;
  return { lo, hi };
}

/** What happened to a reported fault (for tests and traces; the guest sees only registers). */
export type FaultOutcome = 'recorded' | 'recorded-no-event' | 'dropped-pfo' | 'dropped-collapsed' | 'overflow';

export class VtdFaultRecorder {
  /** `s->next_frcd_reg`. */
  private next = 0;

  constructor(
    private readonly rf: VtdRegisterFile,
    private readonly raise: VtdRaise,
  ) {}

  reset(): void {
    this.next = 0;
  }

  /** TE off rewinds the index of the next fault recording register. */
  rewind(): void {
    this.next = 0;
  }

  private frcdHiOffset(index: number): number {
    return DMAR.FRCD0_LO + index * 16 + 8;
  }

  private frcdPending(index: number): boolean {
    return (this.rf.rawQuad(this.frcdHiOffset(index)) & FRCD.F) !== 0n;
  }

  /** `vtd_update_fsts_ppf`: PPF = any FRCD.F. */
  updatePpf(): void {
    let ppf = 0;
    for (let i = 0; i < FRCD_COUNT; i++) if (this.frcdPending(i)) ppf = FSTS.PPF;
    this.rf.setClearLong(DMAR.FSTS, FSTS.PPF, ppf);
  }

  /** `vtd_generate_fault_event(s, pre_fsts)`. */
  generateFaultEvent(preFsts: number): void {
    if (preFsts & (FSTS.PPF | FSTS.PFO | FSTS.IQE)) return; // previous conditions pending
    this.rf.setClearLong(DMAR.FECTL, 0, FECTL.IP);
    if (this.rf.rawLong(DMAR.FECTL) & FECTL.IM) return; // masked: IP stays set
    this.raise(msi(this.rf, 'dmar-fault'));
    this.rf.setClearLong(DMAR.FECTL, FECTL.IP, 0);
  }

  /** `vtd_handle_inv_queue_error`: FSTS.IQE and the fault event. */
  invalidationQueueError(): void {
    const pre = this.rf.rawLong(DMAR.FSTS);
    this.rf.setClearLong(DMAR.FSTS, 0, FSTS.IQE);
    this.generateFaultEvent(pre);
  }

  /** `vtd_report_dmar_fault` → `vtd_report_frcd_fault`. */
  report(f: VtdFault): FaultOutcome {
    const { lo, hi } = frcdRecord(f);
    const fsts = this.rf.rawLong(DMAR.FSTS);
    if (fsts & FSTS.PFO) return 'dropped-pfo';
    for (let i = 0; i < FRCD_COUNT; i++) {
      const h = this.rf.rawQuad(this.frcdHiOffset(i));
      if (h & FRCD.F && (h & FRCD.SID_MASK) === (BigInt(f.sid) & FRCD.SID_MASK)) return 'dropped-collapsed';
    }
    if (this.frcdPending(this.next)) {
      this.rf.setClearLong(DMAR.FSTS, 0, FSTS.PFO);
      return 'overflow';
    }
    const slot = this.next;
    this.rf.setRawQuad(DMAR.FRCD0_LO + slot * 16, lo);
    this.rf.setRawQuad(this.frcdHiOffset(slot), hi);
    const advance = (): void => {
      this.rf.setClearQuad(this.frcdHiOffset(slot), 0n, FRCD.F);
      this.updatePpf();
      this.next = (slot + 1) % FRCD_COUNT;
    };
    if (fsts & FSTS.PPF) {
      advance();
      return 'recorded-no-event';
    }
    this.rf.setClearLong(DMAR.FSTS, FSTS.FRI_MASK, (slot << 8) & FSTS.FRI_MASK);
    advance();
    this.generateFaultEvent(fsts);
    return 'recorded';
  }
}
