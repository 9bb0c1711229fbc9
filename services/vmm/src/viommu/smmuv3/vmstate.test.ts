import { describe, expect, it } from 'vitest';
import { cmdCfgiSte, decodeEvent, modelBus, SmmuDriver } from '#libs/guest/smmu-driver.js';
import { encodeSection } from '../vmstate-wire.js';
import { expectRefused } from '../vmstate-test-support.js';
import { FakeGuestRam, VIRT_RAM_BASE } from './fixtures.js';
import { A, GBPA, Smmuv3 } from './index.js';
import type { SmmuIrq, Smmuv3Config } from './types.js';
import { decodeSmmuv3State, loadSmmuv3State, saveSmmuv3State, SMMUV3_ACCEL_BLOCKER, SMMUV3_VMSTATE } from './vmstate.js';

const MiB = 1n << 20n;
const POOL = { start: VIRT_RAM_BASE + 16n * MiB, end: VIRT_RAM_BASE + 32n * MiB };
const CFG: Smmuv3Config = { stage: 1, accel: false, oas: 44, ssidsize: 0, ril: true, ats: false, granules: { g4k: true, g16k: true, g64k: true } };
const SID = 0x10;
const IOVA = 0x1_0000n;
const BUF = VIRT_RAM_BASE + 64n * MiB;

function copyRam(src: FakeGuestRam): FakeGuestRam {
  const r = new FakeGuestRam();
  for (const [k, v] of src.pages) r.pages.set(k, v.slice());
  return r;
}

/** Linux bring-up, a stage-1 domain on SID with three pages mapped, one translation fault left in the EVTQ. */
async function driven() {
  const ram = new FakeGuestRam();
  const irqs: SmmuIrq[] = [];
  const u = new Smmuv3(CFG, ram, (i) => irqs.push(i));
  const drv = new SmmuDriver(modelBus(u, ram), { pool: POOL });
  await drv.init();
  const d = await drv.allocDomain();
  await drv.attach(d, SID);
  await drv.map(d, IOVA, BUF, 0x2000n);
  await drv.map(d, IOVA + 0x4000n, BUF + 0x8000n, 0x1000n, { write: false });
  expect(u.dmaTranslate(SID, undefined, IOVA, true).ok).toBe(true);
  const f = u.dmaTranslate(SID, undefined, IOVA + 0x10000n, false);
  expect(f.ok).toBe(false);
  return { u, ram, irqs, drv };
}

/** Every 32-bit register read of page 0 (IDRs, control, queues). */
function registers(u: Smmuv3): bigint[] {
  const out: bigint[] = [];
  for (let off = 0; off < 0xc0; off += 4) out.push(u.mmioRead(off, 4));
  return out;
}

function guestView(u: Smmuv3) {
  const { commandsExecuted: _c, lastCommandError: _l, ...rest } = u.state();
  return rest;
}

/** Event records between EVTQ CONS and PROD, read from guest RAM. */
function pendingEvents(u: Smmuv3, ram: FakeGuestRam): string[] {
  const q = u.state().eventq;
  const size = 1 << q.log2size;
  const mask = (2 << q.log2size) - 1;
  const base = q.base & 0xf_ffff_ffff_ffc0n;
  const out: string[] = [];
  for (let c = q.cons & mask; c !== (q.prod & mask); c = (c + 1) & mask) out.push(Buffer.from(ram.read(base + BigInt((c & (size - 1)) * 32), 32)).toString('hex'));
  return out;
}

describe('SMMUv3 vmstate (QEMU "smmuv3" v1 + smmuv3/gbpa)', () => {
  it('round trip over a copy of guest RAM: registers, queues, pending EVTQ records and translations equal; caches empty after load', async () => {
    const src = await driven();
    expect(pendingEvents(src.u, src.ram)).toHaveLength(1);
    expect(src.u.translator.configCacheEntries().length).toBeGreaterThan(0);
    const bytes = saveSmmuv3State(src.u);
    const ram = copyRam(src.ram);
    const dst = new Smmuv3(CFG, ram, () => undefined);
    loadSmmuv3State(dst, bytes);
    expect(dst.translator.iotlbEntries()).toEqual([]);
    expect(dst.translator.configCacheEntries()).toEqual([]);
    expect(registers(dst)).toEqual(registers(src.u));
    expect(dst.mmioRead(A.STRTAB_BASE, 8)).toBe(src.u.mmioRead(A.STRTAB_BASE, 8));
    expect(dst.mmioRead(A.CMDQ_BASE, 8)).toBe(src.u.mmioRead(A.CMDQ_BASE, 8));
    expect(guestView(dst)).toEqual(guestView(src.u));
    expect(pendingEvents(dst, ram)).toEqual(pendingEvents(src.u, src.ram));
    expect(decodeEvent(Buffer.from(pendingEvents(dst, ram)[0]!, 'hex')).id).toBe(0x10); // F_TRANSLATION
    for (const iova of [IOVA, IOVA + 0x1fffn, IOVA + 0x4000n, IOVA + 0x10000n]) for (const write of [false, true]) {
      expect(dst.translator.translate(SID, undefined, iova, write), `0x${iova.toString(16)} ${write}`).toEqual(src.u.translator.translate(SID, undefined, iova, write));
    }
    expect(Buffer.from(saveSmmuv3State(dst)).equals(Buffer.from(bytes))).toBe(true);
  });

  it('the destination keeps running the guest: a command queued after load is consumed from the migrated CONS', async () => {
    const src = await driven();
    const ram = copyRam(src.ram);
    const dst = new Smmuv3(CFG, ram, () => undefined);
    loadSmmuv3State(dst, saveSmmuv3State(src.u));
    const drv = new SmmuDriver(modelBus(dst, ram), { pool: POOL });
    Object.assign(drv.cmdq, src.drv.cmdq);
    const before = dst.state().cmdq.cons;
    await drv.issue([cmdCfgiSte(SID)], true); // CFGI_STE + CMD_SYNC
    expect(dst.state().cmdq.cons).toBe((before + 2) & ((2 << dst.state().cmdq.log2size) - 1));
    expect(dst.state().commandsExecuted).toBe(2);
    expect(dst.state().gerror).toBe(src.u.state().gerror);
    expect(dst.state().lastCommandError).toBeUndefined();
  });

  it('GBPA: the subsection only when it differs from its reset value, and it round-trips', async () => {
    const ram = new FakeGuestRam();
    const u = new Smmuv3(CFG, ram, () => undefined);
    const plain = Buffer.from(saveSmmuv3State(u));
    expect(plain.includes(Buffer.from('smmuv3/gbpa'))).toBe(false);
    await u.mmioWrite(A.GBPA, 4, BigInt((GBPA.UPDATE | GBPA.ABORT) >>> 0));
    const b = saveSmmuv3State(u);
    expect(Buffer.from(b).includes(Buffer.from('smmuv3/gbpa'))).toBe(true);
    const dst = new Smmuv3(CFG, copyRam(ram), () => undefined);
    loadSmmuv3State(dst, b);
    expect(dst.mmioRead(A.GBPA, 4)).toBe(BigInt(GBPA.ABORT));
    expect(dst.translator.translate(3, undefined, 0x1000n, false).ok).toBe(false); // SMMUEN=0, GBPA.ABORT
    expect(decodeSmmuv3State(b).state.gbpa).toBe(GBPA.ABORT);
    expect(decodeSmmuv3State(plain).state.gbpa).toBe(0x1000);
  });

  it('the layout: section "smmuv3" v1, features, sid_size 16, sid_split, cr[3] …', async () => {
    const src = await driven();
    const b = Buffer.from(saveSmmuv3State(src.u));
    const at = 8 + 1 + 4 + 1 + 'smmuv3'.length + 4 + 4;
    expect(b.subarray(14, 20).toString()).toBe('smmuv3');
    expect(b.readUInt32BE(at - 4)).toBe(SMMUV3_VMSTATE.version);
    const s = src.u.state();
    expect(b.readUInt32BE(at)).toBe(s.twoLevel ? 1 : 0);
    expect(b[at + 4]).toBe(16);
    expect(b[at + 5]).toBe(s.sidSplit);
    expect([b.readUInt32BE(at + 6), b.readUInt32BE(at + 10), b.readUInt32BE(at + 14)]).toEqual([s.cr0, s.cr1, s.cr2]);
  });

  it('accel mode is blocked with QEMU\'s text', () => {
    const u = new Smmuv3({ ...CFG, accel: true }, new FakeGuestRam(), () => undefined);
    expectRefused(() => saveSmmuv3State(u), 'MIGRATION_BLOCKED', new RegExp(SMMUV3_ACCEL_BLOCKER));
  });

  it('refuses other IDRs, tampered/other-model bytes and forged fields; the destination stays unchanged', async () => {
    const src = await driven();
    const bytes = saveSmmuv3State(src.u);
    const s2 = new Smmuv3({ ...CFG, stage: 2 }, copyRam(src.ram), () => undefined);
    const before = registers(s2);
    const e = expectRefused(() => loadSmmuv3State(s2, bytes), 'VMSTATE_CONFIG_MISMATCH', /IDR0 0x[0-9a-f]+ ≠ destination/);
    expect(Number(e.metadata.count)).toBeGreaterThanOrEqual(1);
    expect(registers(s2)).toEqual(before);
    const dst = new Smmuv3(CFG, copyRam(src.ram), () => undefined);
    const clean = registers(dst);
    const t = bytes.slice();
    t[40]! ^= 0x80;
    expectRefused(() => loadSmmuv3State(dst, t), 'VMSTATE_CORRUPT', /checksum/);
    expectRefused(() => loadSmmuv3State(dst, encodeSection({ idstr: 'iommu-intel', version: 1, fields: () => undefined, subsections: [] })), 'VMSTATE_WRONG_DEVICE');
    const img = decodeSmmuv3State(bytes);
    const forge = (mut: (s: typeof img.state) => void, idr = img.idr!) => {
      const s = structuredClone(img.state);
      mut(s);
      return encodeSection({
        idstr: 'smmuv3',
        version: 1,
        fields: (w) => {
          w.u32(s.features).u8(s.sidSize).u8(s.sidSplit);
          for (const c of s.cr) w.u32(c);
          w.u32(s.cr0ack).u32(s.statusr).u32(s.irqCtrl).u32(s.gerror).u32(s.gerrorn).u64(s.gerrorIrqCfg0).u32(s.gerrorIrqCfg1).u32(s.gerrorIrqCfg2);
          w.u64(s.strtabBase).u32(s.strtabBaseCfg).u64(s.eventqIrqCfg0).u32(s.eventqIrqCfg1).u32(s.eventqIrqCfg2);
          for (const q of [s.cmdq, s.eventq]) w.u64(q.base).u32(q.prod).u32(q.cons).u8(q.log2size);
        },
        subsections: [
          ...(s.gbpa !== 0x1000 ? [{ name: 'smmuv3/gbpa', version: 1, fields: (w: import('../vmstate-wire.js').VmstateWriter) => void w.u32(s.gbpa) }] : []),
          { name: 'smmuv3/idr', version: 1, fields: (w) => {
            for (const v of idr.idr) w.u32(v);
            w.u32(idr.iidr).u32(idr.aidr);
          } },
        ],
      });
    };
    const cases: Array<[Uint8Array, string, RegExp]> = [
      [forge((s) => void (s.sidSize = 20)), 'VMSTATE_CONFIG_MISMATCH', /sid_size 20 ≠ destination 16/],
      [forge((s) => void (s.cr0ack = 0)), 'VMSTATE_INVALID', /cr0ack 0x0 ≠ CR0/],
      [forge((s) => void (s.features = 2)), 'VMSTATE_INVALID', /features 0x2/],
      [forge((s) => void (s.gbpa = GBPA.UPDATE | 0x1000)), 'VMSTATE_INVALID', /UPDATE set/],
      [forge((s) => void (s.eventq.log2size = 25)), 'VMSTATE_INVALID', /eventq.log2size 25 beyond IDR1.EVENTQS 19/],
      [forge((s) => void (s.gerror = 1 << 12)), 'VMSTATE_INVALID', /gerror 0x1000 has bits/],
      [forge((s) => void (s.statusr = 1)), 'VMSTATE_INVALID', /statusr/],
    ];
    for (const [b, reason, why] of cases) expectRefused(() => loadSmmuv3State(dst, b), reason, why);
    expect(registers(dst)).toEqual(clean);
    expect(dst.state().cr0).toBe(0);
  });
});
