import { describe, expect, it } from 'vitest';
import { decodeEventRecord, encodeEventRecord } from './events.js';
import { FakeGuestRam } from './fixtures.js';
import { Smmuv3 } from './index.js';
import { A } from './regs.js';
import { SmmuTranslator } from './translate.js';
import { SMMU_TEST_CFG, smmuUnit } from './test-support.js';
import { EVT, EVT_CLASS, SMMU_MMIO, type SmmuEventInfo, type Smmuv3Config } from './types.js';

// ------------------------------------------------------------------------------ fixture (test-support.ts)

const EVTQ_GPA = 0x4004_0000n;

const unit = smmuUnit;

const fault = (o: Partial<SmmuEventInfo> = {}): SmmuEventInfo => ({
  id: EVT.F_TRANSLATION,
  sid: 0x10,
  inputAddr: 0x8000_1000n,
  addr2: 0n,
  rnw: false,
  pnu: false,
  ind: false,
  s2: false,
  cls: EVT_CLASS.IN,
  stall: false,
  stag: 0,
  ...o,
});

async function withEvtq(o: Partial<Smmuv3Config> = {}, log2size = 2) {
  const t = unit(o);
  await t.w(A.EVENTQ_BASE, EVTQ_GPA | BigInt(log2size), 8);
  await t.w(A.IRQ_CTRL, 0x5); // GERROR_IRQEN | EVENTQ_IRQEN
  await t.w(A.CR0, 0x4); // EVENTQEN
  return t;
}

describe('Smmuv3: the unit (index.ts)', () => {
  it('BASE / SIZE are virt\'s VIRT_SMMU window; caps follow the config', () => {
    expect([Smmuv3.BASE, Smmuv3.SIZE]).toEqual([SMMU_MMIO.base, SMMU_MMIO.size]);
    expect(unit({ stage: 'nested', oas: 48, accel: true }).u.caps).toMatchObject({ s1p: true, s2p: true, oasBits: 48, sidBits: 16 });
  });

  it('dmaTranslate passes a success through untouched and records nothing', async () => {
    const { u, fake, ram } = await withEvtq();
    const ok = u.dmaTranslate(0x10, undefined, 0x1000n, true);
    expect(ok).toEqual({ ok: true, pa: 0x4000_0000n, perm: 3, pageShift: 12, bypass: false });
    expect(fake.calls).toContain('translate 16 undefined 0x1000 true');
    expect(Array.from(ram.read(EVTQ_GPA, 32)).every((x) => x === 0)).toBe(true);
  });

  it('a fault the translator marks `record` is written to the EVTQ (bytes of encodeEventRecord) with an evtq pulse', async () => {
    const { u, fake, ram, r, irqs } = await withEvtq();
    const ev = fault({ ssid: 3, rnw: false });
    fake.next = { ok: false, event: ev, record: true };
    const res = u.dmaTranslate(0x10, 3, 0x8000_1000n, true);
    expect(res).toEqual({ ok: false, event: ev, record: true, recorded: true });
    expect(Array.from(ram.read(EVTQ_GPA, 32))).toEqual(Array.from(encodeEventRecord(ev)));
    expect(decodeEventRecord(ram.read(EVTQ_GPA, 32))).toMatchObject({ id: 0x10, sid: 0x10, ssv: true, ssid: 3, rnw: false, cls: 2, inputAddr: 0x8000_1000n });
    expect([r(A.EVENTQ_PROD), irqs]).toEqual([1n, [{ source: 'evtq' }]]);
  });

  it('not recorded: record=false (CD.R / STE.S2R clear), no event (silent abort), EVENTQEN clear', async () => {
    const t = await withEvtq();
    t.fake.next = { ok: false, event: fault(), record: false };
    expect(t.u.dmaTranslate(1, undefined, 0n, false)).toMatchObject({ ok: false, recorded: false });
    t.fake.next = { ok: false, event: undefined, record: false };
    expect(t.u.dmaTranslate(1, undefined, 0n, false)).toMatchObject({ ok: false, recorded: false });
    await t.w(A.CR0, 0);
    t.fake.next = { ok: false, event: fault(), record: true };
    expect(t.u.dmaTranslate(1, undefined, 0n, false)).toMatchObject({ ok: false, recorded: false });
    expect([t.r(A.EVENTQ_PROD), t.r(A.GERROR), t.irqs]).toEqual([0n, 0n, []]);
  });

  it('a full EVTQ: recorded=false, GERROR.EVENTQ_ABT_ERR toggled once with a gerror pulse', async () => {
    const t = await withEvtq({}, 1);
    t.fake.next = { ok: false, event: fault(), record: true };
    expect([t.u.dmaTranslate(1, undefined, 0n, false).recorded, t.u.dmaTranslate(1, undefined, 0n, false).recorded]).toEqual([true, true]);
    expect(t.u.dmaTranslate(1, undefined, 0n, false)).toMatchObject({ recorded: false });
    expect([t.r(A.EVENTQ_PROD), t.r(A.GERROR)]).toEqual([2n, 4n]);
    expect(t.irqs).toEqual([{ source: 'evtq' }, { source: 'evtq' }, { source: 'gerror' }]);
  });

  it('injectEvent copies a host record verbatim; dropped with EVENTQEN clear (GERROR.EVENTQ_ABT_ERR); refuses a record that is not 32 bytes', async () => {
    const t = await withEvtq();
    const rec = new Uint8Array(32).map((_, i) => (i * 7 + 1) & 0xff);
    expect(t.u.injectEvent(rec)).toBe(true);
    expect(Array.from(t.ram.read(EVTQ_GPA, 32))).toEqual(Array.from(rec));
    expect(() => t.u.injectEvent(new Uint8Array(16))).toThrow(expect.objectContaining({ reason: 'BAD_EVENT_RECORD' }));
    await t.w(A.CR0, 0);
    expect(t.u.injectEvent(rec)).toBe(false);
    expect(t.r(A.GERROR)).toBe(4n);
  });

  it('steView and regs() answer the accel backend', async () => {
    const t = unit();
    expect(t.u.steView(0)).toEqual({ kind: 'disabled', abort: true });
    await t.w(A.EVENTQ_BASE, EVTQ_GPA | 7n, 8);
    await t.w(A.GBPA, (1 << 31) | (1 << 20));
    await t.w(A.CR0, 0x5);
    expect(t.u.regs()).toEqual({ smmuEnabled: true, gbpaAbort: true, eventqEnabled: true, eventqLog2size: 7 });
  });

  it('state() shows every latched register, the queues and the last command error', async () => {
    const t = unit();
    await t.w(A.CMDQ_BASE, 0x4008_0000n | 2n, 8);
    await t.w(A.STRTAB_BASE_CFG, (1 << 16) | (4 << 6) | 8);
    await t.w(A.CR0, 0x8);
    await t.w(A.CMDQ_PROD, 1); // an all-zero entry: opcode 0 is CERROR_ILL
    const s = t.u.state();
    expect(s).toMatchObject({
      cr0: 8,
      cr0ack: 8,
      gbpa: 0x1000,
      gerror: 1,
      gerrorn: 0,
      strtabBaseCfg: (1 << 16) | (4 << 6) | 8,
      twoLevel: true,
      sidSplit: 4,
      cmdq: { base: 0x4008_0002n, prod: 1, cons: 1 << 24, log2size: 2 },
      eventq: { base: 0x13n, prod: 0, cons: 0, log2size: 0 },
      commandsExecuted: 0,
      lastCommandError: { cons: 0, opcode: 0, error: 'ILL', reason: 'Illegal command type: 0' },
    });
    expect(s.idr).toEqual([0x0d44101a, 0x02730010, 0, 0x1404, 0, 0x74]);
    t.u.reset();
    expect(t.u.state().lastCommandError).toBeUndefined();
    expect(t.fake.calls.filter((c) => c === 'resetCaches').length).toBe(2);
  });

  it('the default translator is SmmuTranslator (SMMUEN=0 with GBPA bypass passes the address through)', () => {
    const u = new Smmuv3(SMMU_TEST_CFG, new FakeGuestRam(), () => {});
    expect(u.translator).toBeInstanceOf(SmmuTranslator);
    expect(u.dmaTranslate(3, undefined, 0x4000_2000n, false)).toMatchObject({ ok: true, pa: 0x4000_2000n, bypass: true });
  });
});
