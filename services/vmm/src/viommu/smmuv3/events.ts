/**
 * SMMUv3 event records and the event queue as QEMU writes them (hw/arm/smmuv3.c
 * `smmuv3_record_event`, `smmuv3_write_eventq`, `smmuv3_propagate_event`, `smmuv3_trigger_irq`;
 * `EVT_SET_*` of hw/arm/smmuv3-internal.h). Facts: shared/reference/smmuv3-and-migration.md
 * §A.3, A.9, A.10.
 *
 * Record layout (32 bytes, eight little-endian 32-bit words):
 *   word0 ID[7:0] SSV[11] SSID[31:12]; word1 SID; word2 STAG[15:0] STALL[31];
 *   word3 PnU[1] InD[2] RnW[3] S2[7] CLASS[9:8]; words4–5 InputAddr ("ADDR"); words6–7 ADDR2.
 * Which fields a record carries depends on its type, exactly as `smmuv3_record_event` picks them.
 * The host side (libs/pgtable/nested.ts `encodeSmmuEvent`) encodes the same layout for the
 * translation-class events it forwards; events.test.ts checks both give the same bytes. It is not
 * reused here: it has no STAG/STALL/InD nor per-type field choice, and takes ADDR2 as a number
 * (a CD pointer can reach bit 55).
 */
import { DomainError } from '#libs/errno/index.js';
import { GERROR, qEmpty, qFull, qProdEntry, queueProdIncr, type Smmuv3RegState } from './regs.js';
import { EVT, type GuestMemory, type SmmuEventInfo, type SmmuIrq } from './types.js';

export const EVT_RECORD_SIZE = 32;
/** `EVT_Q_OVERFLOW` (EVENTQ_PROD bit 31): defined by QEMU but never set. */
export const EVT_Q_OVERFLOW = 1 << 31;

/** Bits of word0 / word2 / word3 (`EVT_SET_*`). */
export const EVT_W0 = { SSV: 1 << 11, SSID_SHIFT: 12 } as const;
export const EVT_W2 = { STALL: 1 << 31, STAG_MASK: 0xffff } as const;
export const EVT_W3 = { PNU: 1 << 1, IND: 1 << 2, RNW: 1 << 3, S2: 1 << 7, CLASS_SHIFT: 8 } as const;

const M32 = 0xffff_ffffn;

/**
 * The 32-byte record of one event, with the fields QEMU's `smmuv3_record_event` sets for its type.
 * F_CD_FETCH carries the CD address in InputAddr (QEMU `EVT_SET_ADDR(f_cd_fetch.addr)`; the
 * translator puts it in `inputAddr`), while F_STE_FETCH carries its address in ADDR2. Types QEMU
 * never records (F_BAD_ATS_TREQ, F_TLB_CONFLICT, E_PAGE_REQ: `g_assert_not_reached`) are refused.
 */
export function encodeEventRecord(info: SmmuEventInfo): Uint8Array {
  const w = new Uint32Array(8);
  w[0] = info.id & 0xff;
  w[1] = info.sid >>> 0;
  const ssid = (): void => {
    if (info.ssid !== undefined) w[0] = (w[0]! & 0xfff) | ((info.ssid & 0xfffff) << EVT_W0.SSID_SHIFT);
  };
  const ssv = (): void => {
    if (info.ssid !== undefined) w[0] = w[0]! | EVT_W0.SSV;
  };
  const addr = (a: bigint): void => {
    w[4] = Number(a & M32);
    w[5] = Number((a >> 32n) & M32);
  };
  const addr2 = (a: bigint): void => {
    w[6] = Number(a & M32);
    w[7] = Number((a >> 32n) & M32);
  };
  const rnw = (): void => {
    if (info.rnw) w[3] = w[3]! | EVT_W3.RNW;
  };
  switch (info.id) {
    case EVT.F_UUT:
      ssid();
      ssv();
      addr(info.inputAddr);
      rnw();
      if (info.pnu) w[3] = w[3]! | EVT_W3.PNU;
      if (info.ind) w[3] = w[3]! | EVT_W3.IND;
      break;
    case EVT.C_BAD_STREAMID:
    case EVT.C_BAD_STE:
    case EVT.C_BAD_CD:
    case EVT.F_CFG_CONFLICT:
      ssid();
      ssv();
      break;
    case EVT.F_STE_FETCH:
      ssid();
      ssv();
      addr2(info.addr2);
      break;
    case EVT.F_STREAM_DISABLED:
      break;
    case EVT.F_TRANS_FORBIDDEN:
      addr(info.inputAddr);
      rnw();
      break;
    case EVT.C_BAD_SUBSTREAMID:
      // SSID without SSV, as QEMU
      ssid();
      break;
    case EVT.F_CD_FETCH:
      ssid();
      ssv();
      addr(info.inputAddr);
      break;
    case EVT.F_WALK_EABT:
    case EVT.F_TRANSLATION:
    case EVT.F_ADDR_SIZE:
    case EVT.F_ACCESS:
    case EVT.F_PERMISSION:
      if (info.stall) w[2] = w[2]! | EVT_W2.STALL;
      w[2] = w[2]! | (info.stag & EVT_W2.STAG_MASK);
      ssid();
      ssv();
      if (info.s2) w[3] = w[3]! | EVT_W3.S2;
      addr(info.inputAddr);
      rnw();
      if (info.pnu) w[3] = w[3]! | EVT_W3.PNU;
      if (info.ind) w[3] = w[3]! | EVT_W3.IND;
      w[3] = w[3]! | ((info.cls & 0x3) << EVT_W3.CLASS_SHIFT);
      addr2(info.addr2);
      break;
    default:
      throw new DomainError('INTERNAL', 'SMMU_EVENT_NOT_RECORDABLE', `SMMUv3: event 0x${info.id.toString(16)} is not one the model records (QEMU: g_assert_not_reached)`, {
        event: `0x${info.id.toString(16)}`,
      });
  }
  const out = new Uint8Array(EVT_RECORD_SIZE);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) dv.setUint32(i * 4, w[i]!, true);
  return out;
}

/** Field view of a 32-byte record (tests, ctl, traces): the inverse of the layout above. */
export function decodeEventRecord(rec: Uint8Array): {
  id: number;
  ssv: boolean;
  ssid: number;
  sid: number;
  stag: number;
  stall: boolean;
  pnu: boolean;
  ind: boolean;
  rnw: boolean;
  s2: boolean;
  cls: number;
  inputAddr: bigint;
  addr2: bigint;
} {
  const dv = new DataView(rec.buffer, rec.byteOffset, EVT_RECORD_SIZE);
  const w = (i: number): number => dv.getUint32(i * 4, true);
  return {
    id: w(0) & 0xff,
    ssv: (w(0) & EVT_W0.SSV) !== 0,
    ssid: w(0) >>> EVT_W0.SSID_SHIFT,
    sid: w(1),
    stag: w(2) & EVT_W2.STAG_MASK,
    stall: (w(2) & EVT_W2.STALL) !== 0,
    pnu: (w(3) & EVT_W3.PNU) !== 0,
    ind: (w(3) & EVT_W3.IND) !== 0,
    rnw: (w(3) & EVT_W3.RNW) !== 0,
    s2: (w(3) & EVT_W3.S2) !== 0,
    cls: (w(3) >>> EVT_W3.CLASS_SHIFT) & 0x3,
    inputAddr: dv.getBigUint64(16, true),
    addr2: dv.getBigUint64(24, true),
  };
}

/**
 * `smmuv3_trigger_irq`: EVTQ pulses only with IRQ_CTRL.EVENTQ_IRQEN; CMD_SYNC always; GERROR
 * toggles in GERROR only the bits of `gerrorMask` that are not already pending (GERROR ^ GERRORN)
 * and pulses (with GERROR_IRQEN) only if it toggled something; PRIQ never (PRI is not implemented).
 */
export function smmuv3TriggerIrq(st: Smmuv3RegState, raise: (irq: SmmuIrq) => void, irq: 'evtq' | 'cmdq_sync' | 'gerror', gerrorMask = 0): void {
  let pulse = false;
  switch (irq) {
    case 'evtq':
      pulse = st.eventqIrqEnabled;
      break;
    case 'cmdq_sync':
      pulse = true;
      break;
    case 'gerror': {
      const pending = st.gerror ^ st.gerrorn;
      const fresh = ~pending & gerrorMask;
      if (!fresh) return;
      st.gerror = (st.gerror ^ fresh) >>> 0;
      pulse = st.gerrorIrqEnabled;
      break;
    }
  }
  if (pulse) raise({ source: irq });
}

/**
 * `smmuv3_write_eventq`: refuses when CR0.EVENTQEN is clear or the queue is full (no overflow flag
 * is ever set), writes the record at PROD (a guest-memory failure refuses too), advances PROD
 * (wrap bit included) and pulses the EVTQ line when the queue is not empty.
 */
export function smmuv3WriteEventq(st: Smmuv3RegState, mem: GuestMemory, raise: (irq: SmmuIrq) => void, record: Uint8Array): boolean {
  const q = st.eventq;
  if (!st.eventqEnabled) return false;
  if (qFull(q)) return false;
  try {
    mem.write(qProdEntry(q), record);
  } catch {
    return false;
  }
  queueProdIncr(q);
  if (!qEmpty(q)) smmuv3TriggerIrq(st, raise, 'evtq');
  return true;
}

/**
 * `smmuv3_propagate_event`: a finished record (a host vEVENTQ record, SID already the guest's)
 * into the EVTQ; any refusal (EVENTQEN clear included, QEMU does not check it first) toggles
 * GERROR.EVENTQ_ABT_ERR. True when the record was written.
 */
export function smmuv3PropagateEvent(st: Smmuv3RegState, mem: GuestMemory, raise: (irq: SmmuIrq) => void, record: Uint8Array): boolean {
  const ok = smmuv3WriteEventq(st, mem, raise, record);
  if (!ok) smmuv3TriggerIrq(st, raise, 'gerror', GERROR.EVENTQ_ABT_ERR);
  return ok;
}

/**
 * `smmuv3_record_event`: nothing at all while CR0.EVENTQEN is clear; otherwise the record is
 * built and propagated (a full queue toggles GERROR.EVENTQ_ABT_ERR). True when written to the
 * guest's queue (QEMU's `info->recorded` is also set when the write failed; we report the write).
 */
export function smmuv3RecordEvent(st: Smmuv3RegState, mem: GuestMemory, raise: (irq: SmmuIrq) => void, info: SmmuEventInfo): boolean {
  if (!st.eventqEnabled) return false;
  return smmuv3PropagateEvent(st, mem, raise, encodeEventRecord(info));
}
