import { describe, expect, it } from 'vitest';
import { DomainError } from '#libs/errno/index.js';
import { CLASS_IN, CLASS_TT, encodeSmmuEvent } from '#libs/pgtable/nested.js';
import { decodeEventRecord, encodeEventRecord, smmuv3PropagateEvent, smmuv3RecordEvent } from './events.js';
import { FakeGuestRam } from './fixtures.js';
import { smmuv3Idrs } from './idr.js';
import { CR0, GERROR, IRQ_CTRL, Smmuv3RegState } from './regs.js';
import { SMMU_TEST_CFG } from './test-support.js';
import { EVT, EVT_CLASS, type SmmuEventInfo, type SmmuIrq } from './types.js';

const words = (b: Uint8Array): number[] => {
  const dv = new DataView(b.buffer, b.byteOffset, 32);
  return [0, 1, 2, 3, 4, 5, 6, 7].map((i) => dv.getUint32(i * 4, true));
};

const info = (o: Partial<SmmuEventInfo> & { id: number }): SmmuEventInfo => ({
  sid: 0x0101,
  inputAddr: 0x0000_1234_5678_9000n,
  addr2: 0x0000_00ab_cdef_0000n,
  rnw: true,
  pnu: false,
  ind: false,
  s2: false,
  cls: 0,
  stall: false,
  stag: 0,
  ...o,
});

describe('event records (smmuv3_record_event field choice, EVT_SET_* layout)', () => {
  it('F_TRANSLATION: every field at its place', () => {
    const r = encodeEventRecord(info({ id: EVT.F_TRANSLATION, ssid: 0x2a, s2: true, cls: EVT_CLASS.TT, rnw: false, pnu: true, ind: true, stall: true, stag: 0xbeef }));
    expect(words(r)).toEqual([0x10 | (1 << 11) | (0x2a << 12), 0x0101, 0x8000beef, (1 << 1) | (1 << 2) | (1 << 7) | (1 << 8), 0x56789000, 0x1234, 0xcdef0000, 0xab]);
    expect(decodeEventRecord(r)).toEqual({ id: 0x10, ssv: true, ssid: 0x2a, sid: 0x0101, stag: 0xbeef, stall: true, pnu: true, ind: true, rnw: false, s2: true, cls: 1, inputAddr: 0x1234_5678_9000n, addr2: 0xab_cdef_0000n });
  });

  it('gives the same bytes as the host encoder (libs/pgtable encodeSmmuEvent) for the forwarded translation events', () => {
    const cases = [
      { id: EVT.F_PERMISSION, sid: 0x0800, ssid: 5, write: true, s2: false, cls: CLASS_TT, inputAddr: 0x1234_5678n, addr2: 0x4000 },
      { id: EVT.F_TRANSLATION, sid: 1, ssid: -1, write: false, s2: true, cls: CLASS_IN, inputAddr: 0xffff_f000n, addr2: 0x9000 },
      { id: EVT.F_ACCESS, sid: 0xffff, ssid: 0xfffff, write: false, s2: false, cls: CLASS_TT, inputAddr: 0x7fff_ffff_f000n, addr2: 0 },
      { id: EVT.F_ADDR_SIZE, sid: 7, ssid: -1, write: true, s2: true, cls: CLASS_TT, inputAddr: 0x1_0000_0000_0000n, addr2: 0x8000_0000 },
    ];
    for (const c of cases) {
      const host = encodeSmmuEvent(new Uint8Array(32), { ...c, priv: false });
      const ours = encodeEventRecord(info({ id: c.id, sid: c.sid, ...(c.ssid >= 0 ? { ssid: c.ssid } : {}), rnw: !c.write, s2: c.s2, cls: c.cls, inputAddr: c.inputAddr, addr2: BigInt(c.addr2) }));
      expect(Array.from(ours)).toEqual(Array.from(host));
    }
  });

  it('configuration errors carry SSID/SSV only (C_BAD_STREAMID, C_BAD_STE, C_BAD_CD, F_CFG_CONFLICT)', () => {
    for (const id of [EVT.C_BAD_STREAMID, EVT.C_BAD_STE, EVT.C_BAD_CD, EVT.F_CFG_CONFLICT]) {
      expect(words(encodeEventRecord(info({ id, ssid: 3, s2: true, cls: 2 })))).toEqual([id | (1 << 11) | (3 << 12), 0x0101, 0, 0, 0, 0, 0, 0]);
      expect(words(encodeEventRecord(info({ id })))).toEqual([id, 0x0101, 0, 0, 0, 0, 0, 0]);
    }
  });

  it('F_STE_FETCH puts the fetch address in ADDR2, F_CD_FETCH in InputAddr (as QEMU writes them)', () => {
    expect(words(encodeEventRecord(info({ id: EVT.F_STE_FETCH, addr2: 0x8_0000_0040n })))).toEqual([0x03, 0x0101, 0, 0, 0, 0, 0x40, 0x8]);
    expect(words(encodeEventRecord(info({ id: EVT.F_CD_FETCH, inputAddr: 0x00ff_0000_1000_0040n, ssid: 1 })))).toEqual([0x09 | (1 << 11) | (1 << 12), 0x0101, 0, 0, 0x10000040, 0x00ff0000, 0, 0]);
  });

  it('C_BAD_SUBSTREAMID: SSID without SSV; F_STREAM_DISABLED: ID and SID only; F_TRANS_FORBIDDEN: address and RnW', () => {
    expect(words(encodeEventRecord(info({ id: EVT.C_BAD_SUBSTREAMID, ssid: 9 })))).toEqual([0x08 | (9 << 12), 0x0101, 0, 0, 0, 0, 0, 0]);
    expect(words(encodeEventRecord(info({ id: EVT.F_STREAM_DISABLED, ssid: 9 })))).toEqual([0x06, 0x0101, 0, 0, 0, 0, 0, 0]);
    expect(words(encodeEventRecord(info({ id: EVT.F_TRANS_FORBIDDEN, ssid: 9 })))).toEqual([0x07, 0x0101, 0, 1 << 3, 0x56789000, 0x1234, 0, 0]);
    expect(words(encodeEventRecord(info({ id: EVT.F_UUT, ssid: 2, ind: true, rnw: false })))).toEqual([0x01 | (1 << 11) | (2 << 12), 0x0101, 0, 1 << 2, 0x56789000, 0x1234, 0, 0]);
  });

  it('F_WALK_EABT carries CLASS CD and the fetch address', () => {
    expect(words(encodeEventRecord(info({ id: EVT.F_WALK_EABT, cls: EVT_CLASS.CD, addr2: 0x4010_0000n })))).toEqual([0x0b, 0x0101, 0, (1 << 3) | (0 << 8), 0x56789000, 0x1234, 0x40100000, 0]);
  });

  it('refuses the types QEMU never records (g_assert_not_reached)', () => {
    for (const id of [EVT.F_BAD_ATS_TREQ, EVT.F_TLB_CONFLICT, EVT.E_PAGE_REQ, 0x55]) {
      expect(() => encodeEventRecord(info({ id }))).toThrow(DomainError);
    }
  });
});

// ------------------------------------------------------------------------------ the EVTQ

function queue(log2size = 2) {
  const st = new Smmuv3RegState(smmuv3Idrs(SMMU_TEST_CFG));
  st.reset();
  const ram = new FakeGuestRam();
  const irqs: SmmuIrq[] = [];
  const raise = (i: SmmuIrq): void => {
    irqs.push(i);
  };
  st.eventq.base = 0x4008_0000n | BigInt(log2size);
  st.eventq.log2size = log2size;
  return { st, ram, irqs, raise };
}

describe('EVTQ writer (smmuv3_write_eventq / smmuv3_record_event / smmuv3_propagate_event)', () => {
  const ev = info({ id: EVT.F_TRANSLATION, cls: EVT_CLASS.IN });

  it('records nothing (and no GERROR) while CR0.EVENTQEN is clear', () => {
    const { st, ram, irqs, raise } = queue();
    expect(smmuv3RecordEvent(st, ram, raise, ev)).toBe(false);
    expect([ram.writes, st.eventq.prod, st.gerror, irqs.length]).toEqual([0, 0, 0, 0]);
  });

  it('writes the record at PROD, advances PROD, pulses EVTQ only with IRQ_CTRL.EVENTQ_IRQEN', () => {
    const { st, ram, irqs, raise } = queue();
    st.cr[0] = CR0.EVENTQEN;
    expect(smmuv3RecordEvent(st, ram, raise, ev)).toBe(true);
    expect(st.eventq.prod).toBe(1);
    expect(Array.from(ram.read(0x4008_0000n, 32))).toEqual(Array.from(encodeEventRecord(ev)));
    expect(irqs).toEqual([]);
    st.irqCtrl = IRQ_CTRL.EVENTQ_IRQEN;
    expect(smmuv3RecordEvent(st, ram, raise, info({ id: EVT.C_BAD_STE, sid: 9 }))).toBe(true);
    expect(decodeEventRecord(ram.read(0x4008_0020n, 32)).sid).toBe(9);
    expect(irqs).toEqual([{ source: 'evtq' }]);
  });

  it('a full queue drops the record and toggles GERROR.EVENTQ_ABT_ERR once (no overflow flag), IRQ only with GERROR_IRQEN', () => {
    const { st, ram, irqs, raise } = queue(1);
    st.cr[0] = CR0.EVENTQEN;
    st.irqCtrl = IRQ_CTRL.GERROR_IRQEN;
    expect(smmuv3RecordEvent(st, ram, raise, ev)).toBe(true);
    expect(smmuv3RecordEvent(st, ram, raise, ev)).toBe(true);
    // PROD 0b10 (wrap set, index 0), CONS 0: full
    expect(st.eventq.prod).toBe(2);
    expect(smmuv3RecordEvent(st, ram, raise, ev)).toBe(false);
    expect(st.gerror).toBe(GERROR.EVENTQ_ABT_ERR);
    expect(st.eventq.prod).toBe(2);
    expect(irqs).toEqual([{ source: 'gerror' }]);
    // still pending: no second toggle, no second pulse
    expect(smmuv3RecordEvent(st, ram, raise, ev)).toBe(false);
    expect(st.gerror).toBe(GERROR.EVENTQ_ABT_ERR);
    expect(irqs.length).toBe(1);
    // the guest consumes one and acks: the next record goes in at index 0 with the wrap bit
    st.eventq.cons = 1;
    st.gerrorn = GERROR.EVENTQ_ABT_ERR;
    expect(smmuv3RecordEvent(st, ram, raise, info({ id: EVT.C_BAD_CD, sid: 77 }))).toBe(true);
    expect(st.eventq.prod).toBe(3);
    expect(decodeEventRecord(ram.read(0x4008_0000n, 32)).sid).toBe(77);
  });

  it('PROD wraps: the wrap bit toggles and bits above it (the unused overflow flag) are dropped', () => {
    const { st, ram, raise } = queue(2);
    st.cr[0] = CR0.EVENTQEN;
    st.eventq.prod = 0x8000_0007; // index 3, wrap 1, high garbage
    st.eventq.cons = 0x8000_0004; // index 0, wrap 1: three records pending, not full
    expect(smmuv3RecordEvent(st, ram, raise, ev)).toBe(true);
    expect(st.eventq.prod).toBe(0); // (7 + 1) & 7
    expect(Array.from(ram.read(0x4008_0060n, 32))).toEqual(Array.from(encodeEventRecord(ev)));
  });

  it('a queue outside guest RAM is an abort (GERROR.EVENTQ_ABT_ERR)', () => {
    const { st, ram, raise } = queue();
    st.cr[0] = CR0.EVENTQEN;
    st.eventq.base = 0x1000n | 2n;
    expect(smmuv3RecordEvent(st, ram, raise, ev)).toBe(false);
    expect(st.gerror).toBe(GERROR.EVENTQ_ABT_ERR);
    expect(st.eventq.prod).toBe(0);
  });

  it('propagate (host record) with EVENTQEN clear: dropped and GERROR.EVENTQ_ABT_ERR toggled, as QEMU does', () => {
    const { st, ram, raise } = queue();
    expect(smmuv3PropagateEvent(st, ram, raise, encodeEventRecord(ev))).toBe(false);
    expect(st.gerror).toBe(GERROR.EVENTQ_ABT_ERR);
  });
});
