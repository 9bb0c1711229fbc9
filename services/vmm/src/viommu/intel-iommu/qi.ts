/**
 * The VT-d invalidation queue as QEMU's intel-iommu processes it (`vtd_handle_gcmd_qie`,
 * `vtd_handle_iqt_write`, `vtd_fetch_inv_desc`, `vtd_process_inv_desc` and the per-type
 * `vtd_process_*_desc`): 128-bit descriptors, or 256-bit when IQA.DW is set and ECAP.SMTS is
 * present; the queue is processed synchronously on each IQT write (and when QIE turns on with
 * IQT ≠ 0, the Windows quirk); a bad descriptor sets FSTS.IQE (+ fault event) and stops the queue
 * with IQH at it; nothing after it runs until the guest clears IQE and writes IQT again.
 * Facts: shared/reference/nesting-and-vtd.md §B.7.
 */
import { ECAP, VTD_MAMV, hawMask, type GuestMemory, type IntelIommuConfig } from './caps.js';
import type { VtdFaultRecorder } from './fault.js';
import { DMAR, FSTS, GSTS, ICS_IWC, IECTL, IQA, IQH_QH_MASK, IQT_QT_256_RSV_BIT, msi, type VtdRaise, type VtdRegisterFile } from './regs.js';

/** Descriptor types: `lo[3:0] | lo[11:9] << 4` (`VTD_INV_DESC_TYPE`). */
export const INV_DESC = {
  NONE: 0,
  CC: 0x1,
  IOTLB: 0x2,
  DEVICE: 0x3,
  IEC: 0x4,
  WAIT: 0x5,
  PIOTLB: 0x6,
  PC: 0x7,
  DEV_PIOTLB: 0x8,
  PGRESP: 0x9,
} as const;

const ALL = 0xffffffffffffffffn;

/** Reserved-bit masks QEMU checks per descriptor type ([val0, val1, val2, val3]). */
export const INV_DESC_RSVD = {
  CC: [0xfffc00000000f1c0n, ALL, ALL, ALL],
  IOTLB: [0xffffffff0000f100n, 0xf80n, ALL, ALL],
  DEVICE: [0xffff0000ffe0f1f0n, 0xffen, ALL, ALL],
  IEC: [0xffff000007fff1e0n, ALL, ALL, ALL],
  WAIT: [0xfffff180n, 0x3n, ALL, ALL],
  PIOTLB: [0xfff000000000f1c0n, 0xf80n, ALL, ALL],
  PC: [0xfff000000000f1c0n, ALL, ALL, ALL],
  DEV_PIOTLB: [0xfff000000000f000n, 0x7fen, ALL, ALL],
  PGRESP: [0xfff00000000001e0n, 0xfffffffffffff003n],
} as const;

export const INV_WAIT = { IF: 1n << 4n, SW: 1n << 5n, FN: 1n << 6n } as const;

/** The cache-invalidation side of the translator (V2's `VtdTranslator` implements it). */
export interface VtdInvalidationTarget {
  invalidateContextGlobal(): void;
  invalidateContextDevice(sid: number, fm: number): void;
  invalidateIotlbGlobal(): void;
  invalidateIotlbDomain(did: number): void;
  invalidateIotlbPage(did: number, addr: bigint, am: number, ih: boolean): void;
  /** DSI: (did); PASID-selective: (did, pasid) — descriptor PASID 0 names the RID address space; global: (0, undefined, true). */
  invalidatePasidCache(did: number, pasid?: number, global?: boolean): void;
  invalidatePiotlb(did: number, pasid: number, addr?: bigint, am?: number, ih?: boolean): void;
}

/** Why the queue stopped (kept for tests, traces and `ctl` — the guest sees FSTS.IQE and IQH). */
export interface IqeInfo {
  reason: 'tail-beyond-queue' | 'tail-reserved-bit' | 'fetch-failed' | 'reserved-bits' | 'bad-granularity' | 'unknown-type' | '256-bit-only' | 'am-too-large' | 'wait-status-write-failed' | 'wait-no-action' | 'pgresp-no-pasid';
  head: number;
  desc?: bigint[];
}

export class VtdInvalidationQueue {
  /** `s->iq`: base latched when QI is enabled. */
  iq = 0n;
  head = 0;
  tail = 0;
  /** Entries in the queue (`s->iq_size`). */
  size = 0;
  /** 256-bit descriptors (`s->iq_dw`), latched on every IQA write. */
  dw = false;
  enabled = false;
  lastDescType: number = INV_DESC.NONE;
  lastError: IqeInfo | undefined;

  constructor(
    private readonly rf: VtdRegisterFile,
    private readonly cfg: IntelIommuConfig,
    private readonly ecap: bigint,
    private readonly mem: GuestMemory,
    private readonly target: VtdInvalidationTarget,
    private readonly faults: VtdFaultRecorder,
    private readonly raise: VtdRaise,
  ) {}

  reset(): void {
    this.iq = 0n;
    this.head = 0;
    this.tail = 0;
    this.size = 0;
    this.dw = false;
    this.enabled = false;
    this.lastDescType = INV_DESC.NONE;
    this.lastError = undefined;
  }

  /** `vtd_update_iq_dw`. */
  iqaWritten(): void {
    this.dw = (this.ecap & ECAP.SMTS) !== 0n && (this.rf.rawQuad(DMAR.IQA) & IQA.DW) !== 0n;
  }

  /** `vtd_handle_gcmd_qie`. */
  qieWrite(enable: boolean): void {
    const iqa = this.rf.rawQuad(DMAR.IQA);
    if (enable) {
      this.iq = iqa & (hawMask(this.cfg.awBits) ^ 0xfffn);
      this.size = 1 << (Number(iqa & IQA.QS) + 8 - (this.dw ? 1 : 0));
      this.enabled = true;
      this.rf.setClearLong(DMAR.GSTS, 0, GSTS.QIES);
      // A spec violation Windows commits: IQT already set when QI is enabled. QEMU processes it.
      if (this.tail !== 0 && !(this.rf.rawLong(DMAR.FSTS) & FSTS.IQE)) this.fetch();
      return;
    }
    // Disable only when the queue is drained and its last descriptor was a wait; else ignored.
    if (this.enabled && this.tail === this.head && this.lastDescType === INV_DESC.WAIT) {
      this.rf.setRawQuad(DMAR.IQH, 0n);
      this.head = 0;
      this.enabled = false;
      this.rf.setClearLong(DMAR.GSTS, GSTS.QIES, 0);
    }
  }

  /** `vtd_handle_iqt_write`. */
  iqtWritten(): void {
    const val = this.rf.rawQuad(DMAR.IQT);
    if (this.dw && val & IQT_QT_256_RSV_BIT) {
      this.queueError({ reason: 'tail-reserved-bit', head: this.head });
      return;
    }
    this.tail = Number(this.dw ? (val >> 5n) & 0x3fffn : (val >> 4n) & 0x7fffn);
    if (this.enabled && !(this.rf.rawLong(DMAR.FSTS) & FSTS.IQE)) this.fetch();
  }

  private queueError(info: IqeInfo): void {
    this.lastError = info;
    this.faults.invalidationQueueError();
  }

  /** `vtd_fetch_inv_desc`. */
  private fetch(): void {
    const shift = this.dw ? 5n : 4n;
    if (this.tail >= this.size) {
      this.queueError({ reason: 'tail-beyond-queue', head: this.head });
      return;
    }
    while (this.head !== this.tail) {
      const err = this.processOne();
      if (err) {
        this.queueError(err);
        return;
      }
      this.rf.setRawQuad(DMAR.IQH, (BigInt(this.head) << shift) & IQH_QH_MASK);
    }
  }

  /** `vtd_process_inv_desc`: one descriptor at head; advances head on success. */
  private processOne(): IqeInfo | undefined {
    const bytes = this.dw ? 32 : 16;
    let raw: Uint8Array;
    try {
      raw = this.mem.read(this.iq + BigInt(this.head * bytes), bytes);
    } catch {
      this.lastDescType = INV_DESC.NONE;
      return { reason: 'fetch-failed', head: this.head };
    }
    const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const val = [0n, 0n, 0n, 0n];
    for (let i = 0; i < bytes / 8; i++) val[i] = dv.getBigUint64(i * 8, true);
    const lo = val[0]!;
    const type = Number(((lo >> 5n) & 0x70n) | (lo & 0xfn));
    this.lastDescType = type;
    const fail = (reason: IqeInfo['reason']): IqeInfo => ({ reason, head: this.head, desc: val.slice(0, bytes / 8) });
    const r = this.processDesc(type, val, fail);
    if (r) return r;
    this.head++;
    if (this.head === this.size) this.head = 0;
    return undefined;
  }

  /** `vtd_inv_desc_reserved_check`. */
  private reservedOk(val: bigint[], mask: readonly bigint[], only256: boolean): 'ok' | 'reserved-bits' | '256-bit-only' {
    if (this.dw) {
      for (let i = 0; i < 4; i++) if (val[i]! & mask[i]!) return 'reserved-bits';
      return 'ok';
    }
    if (only256) return '256-bit-only';
    if (val[0]! & mask[0]! || val[1]! & mask[1]!) return 'reserved-bits';
    return 'ok';
  }

  private processDesc(type: number, val: bigint[], fail: (r: IqeInfo['reason']) => IqeInfo): IqeInfo | undefined {
    const [v0, v1] = [val[0]!, val[1]!];
    const check = (mask: readonly bigint[], only256: boolean): IqeInfo | undefined => {
      const r = this.reservedOk(val, mask, only256);
      return r === 'ok' ? undefined : fail(r);
    };
    const did = Number((v0 >> 16n) & 0xffffn);
    switch (type) {
      case INV_DESC.CC: {
        const e = check(INV_DESC_RSVD.CC, false);
        if (e) return e;
        switch (v0 & 0x30n) {
          case 0x20n: // domain-selective: executed as global
          case 0x10n:
            this.target.invalidateContextGlobal();
            return undefined;
          case 0x30n:
            this.target.invalidateContextDevice(Number((v0 >> 32n) & 0xffffn), Number((v0 >> 48n) & 3n));
            return undefined;
          default:
            return fail('bad-granularity');
        }
      }
      case INV_DESC.IOTLB: {
        const e = check(INV_DESC_RSVD.IOTLB, false);
        if (e) return e;
        switch (v0 & 0x30n) {
          case 0x10n:
            this.target.invalidateIotlbGlobal();
            return undefined;
          case 0x20n:
            this.target.invalidateIotlbDomain(did);
            return undefined;
          case 0x30n: {
            const am = Number(v1 & 0x3fn);
            if (am > VTD_MAMV) return fail('am-too-large');
            this.target.invalidateIotlbPage(did, v1 & ~0xfffn & ALL, am, (v1 & 0x40n) !== 0n);
            return undefined;
          }
          default:
            return fail('bad-granularity');
        }
      }
      case INV_DESC.DEVICE:
        // Device-TLB: QEMU notifies DEVIOTLB_UNMAP listeners of the SID's address space (vhost
        // with ATS); the twin has no device-side ATC, so a valid descriptor completes.
        return check(INV_DESC_RSVD.DEVICE, false);
      case INV_DESC.IEC:
        // Interrupt-entry cache: interrupt remapping is absent; QEMU only notifies IEC listeners.
        return check(INV_DESC_RSVD.IEC, false);
      case INV_DESC.WAIT:
        return this.waitDesc(v0, v1, check);
      case INV_DESC.PIOTLB: {
        const e = check(INV_DESC_RSVD.PIOTLB, true);
        if (e) return e;
        const pasid = Number((v0 >> 32n) & 0xfffffn);
        switch (v0 & 0x30n) {
          case 0x20n:
            this.target.invalidatePiotlb(did, pasid);
            return undefined;
          case 0x30n: {
            // QEMU has no AM ≤ MAMV check for this descriptor (only type 2 has one) and
            // invalidates 2^AM pages. Above MAMV the model drops everything of (DID, PASID)
            // instead: a superset of the range, which a guest cannot tell from QEMU's result
            // except by relying on a stale non-first-stage entry surviving (INTEL-IOMMU.md).
            const am = Number(v1 & 0x3fn);
            if (am > VTD_MAMV) this.target.invalidatePiotlb(did, pasid);
            else this.target.invalidatePiotlb(did, pasid, v1 & ~0xfffn & ALL, am, (v1 & 0x40n) !== 0n);
            return undefined;
          }
          default:
            return fail('bad-granularity');
        }
      }
      case INV_DESC.PC: {
        const e = check(INV_DESC_RSVD.PC, true);
        if (e) return e;
        const pasid = Number((v0 >> 32n) & 0xfffffn);
        switch (Number((v0 >> 4n) & 3n)) {
          case 0: // domain-selective
            this.target.invalidatePasidCache(did);
            return undefined;
          case 1: // PASID-selective (implies DID)
            this.target.invalidatePasidCache(did, pasid);
            return undefined;
          case 3: // global
            this.target.invalidatePasidCache(0, undefined, true);
            return undefined;
          default:
            return fail('bad-granularity');
        }
      }
      case INV_DESC.DEV_PIOTLB:
        // PASID-based device-TLB: no device ATC in the twin (see DEVICE).
        return check(INV_DESC_RSVD.DEV_PIOTLB, true);
      case INV_DESC.PGRESP:
        // QEMU checks lo/hi only (any queue width); a response without PASID is unsupported.
        if (v0 & INV_DESC_RSVD.PGRESP[0] || v1 & INV_DESC_RSVD.PGRESP[1]) return fail('reserved-bits');
        if (!((v0 >> 4n) & 1n)) return fail('pgresp-no-pasid');
        // No device with a page-request interface is modelled: QEMU finds no address space and
        // completes the descriptor.
        return undefined;
      default:
        return fail('unknown-type');
    }
  }

  /** `vtd_process_wait_desc`. */
  private waitDesc(v0: bigint, v1: bigint, check: (mask: readonly bigint[], only256: boolean) => IqeInfo | undefined): IqeInfo | undefined {
    const e = check(INV_DESC_RSVD.WAIT, false);
    if (e) return e;
    let err: IqeInfo | undefined;
    if (v0 & INV_WAIT.SW) {
      const data = new Uint8Array(4);
      new DataView(data.buffer).setUint32(0, Number((v0 >> 32n) & 0xffffffffn), true);
      try {
        // QEMU writes to the full 64-bit address (no HAW mask: a FIXME in its source).
        this.mem.write(v1, data);
      } catch {
        err = { reason: 'wait-status-write-failed', head: this.head, desc: [v0, v1] };
      }
    }
    if (v0 & INV_WAIT.IF) this.completionEvent();
    if (!(v0 & (INV_WAIT.IF | INV_WAIT.SW | INV_WAIT.FN))) return { reason: 'wait-no-action', head: this.head, desc: [v0, v1] };
    return err;
  }

  /** `vtd_generate_completion_event`. */
  private completionEvent(): void {
    if (this.rf.rawLong(DMAR.ICS) & ICS_IWC) return; // one pending: skip
    this.rf.setClearLong(DMAR.ICS, 0, ICS_IWC);
    this.rf.setClearLong(DMAR.IECTL, 0, IECTL.IP);
    if (this.rf.rawLong(DMAR.IECTL) & IECTL.IM) return;
    this.raise(msi(this.rf, 'dmar-inv'));
    this.rf.setClearLong(DMAR.IECTL, IECTL.IP, 0);
  }
}
