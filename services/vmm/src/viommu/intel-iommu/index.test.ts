import { describe, expect, it } from 'vitest';
import { FlatRam, UNIT_CFG } from './fixtures.js';
import { DMAR, FSTS, GCMD, GSTS, IntelIommu, VTD_FR, VTD_REGISTERS, vtdCaps, type VtdIrq } from './index.js';

// A legacy-mode guest setup as Linux's intel-iommu driver builds it: root table, one context
// entry for 00:01.0 (SID 0x0008, DID 5, 4-level), a 4-level second-stage table mapping
// IOVA 0x1000 → GPA 0x80000 read/write.
const ROOT = 0x10000, CTX = 0x11000, PML4 = 0x12000, PDPT = 0x13000, PD = 0x14000, PT = 0x15000, IQ = 0x20000, STATUS = 0x30000;
const SID = 0x0008;

function guest() {
  const irqs: VtdIrq[] = [];
  const ram = new FlatRam(1 << 21);
  const u = new IntelIommu(UNIT_CFG, ram, (i) => irqs.push(i));
  const r = (off: number, size: 4 | 8 = 4): bigint => u.mmioRead(off, size);
  const w = (off: number, v: bigint | number, size: 4 | 8 = 4): void => u.mmioWrite(off, size, BigInt(v));
  ram.q(ROOT, BigInt(CTX) | 1n);
  ram.q(CTX + 0x08 * 16, BigInt(PML4) | 1n); // P, TT 0
  ram.q(CTX + 0x08 * 16 + 8, 2n | (5n << 8n)); // AW 2 (48-bit), DID 5
  ram.q(PML4, BigInt(PDPT) | 3n);
  ram.q(PDPT, BigInt(PD) | 3n);
  ram.q(PD, BigInt(PT) | 3n);
  ram.q(PT + 8, 0x80000n | 3n);
  let tail = 0;
  const submit = (...descs: bigint[][]): void => {
    for (const d of descs) {
      ram.q(IQ + tail * 16, d[0]!);
      ram.q(IQ + tail * 16 + 8, d[1]!);
      tail++;
    }
    w(DMAR.IQT, BigInt(tail) << 4n, 8);
  };
  const bringUp = (): void => {
    w(DMAR.RTADDR, BigInt(ROOT), 8);
    w(DMAR.GCMD, GCMD.SRTP);
    w(DMAR.IQA, BigInt(IQ), 8);
    w(DMAR.GCMD, GCMD.QIE);
    submit([0x11n, 0n], [0x12n, 0n], [0x25n | (1n << 32n), BigInt(STATUS)]); // CC global, IOTLB global, wait SW
    w(DMAR.GCMD, GCMD.QIE | GCMD.TE);
  };
  return { u, ram, irqs, r, w, submit, bringUp };
}

describe('IntelIommu with the real translator', () => {
  it('BASE/SIZE are the q35 DMAR window; CAP/ECAP are vtdCaps of the spec', () => {
    expect(IntelIommu.BASE).toBe(0xfed90000n);
    expect(IntelIommu.SIZE).toBe(0x1000n);
    const { u, r } = guest();
    expect({ cap: r(DMAR.CAP, 8), ecap: r(DMAR.ECAP, 8) }).toEqual(vtdCaps(UNIT_CFG));
    expect(u.cap).toBe(0x80d2008c222f0686n);
  });

  it('bring-up as Linux does it: SRTP, QIE, CC/IOTLB global + wait, TE → GSTS, status word', () => {
    const { u, ram, r, bringUp } = guest();
    bringUp();
    expect(r(DMAR.GSTS)).toBe(BigInt((GSTS.TES | GSTS.RTPS | GSTS.QIES) >>> 0));
    expect(ram.dv.getUint32(STATUS, true)).toBe(1);
    expect(u.state()).toMatchObject({ dmarEnabled: true, root: BigInt(ROOT), rootScalable: false, qi: { enabled: true, head: 3, tail: 3 } });
  });

  it('DMA translates through the tables; a PTE change is invisible until the PSI, then applies', () => {
    const { u, ram, bringUp, submit } = guest();
    bringUp();
    expect(u.dmaTranslate(SID, undefined, 0x1234n, true)).toMatchObject({ ok: true, pa: 0x80234n, did: 5 });
    ram.q(PT + 8, 0x90000n | 3n); // guest edits the PTE, no invalidation
    expect(u.dmaTranslate(SID, undefined, 0x1234n, false)).toMatchObject({ ok: true, pa: 0x80234n });
    submit([0x32n | (5n << 16n), 0x1000n], [0x25n | (2n << 32n), BigInt(STATUS)]); // PSI DID 5, wait
    expect(u.dmaTranslate(SID, undefined, 0x1234n, false)).toMatchObject({ ok: true, pa: 0x90234n });
    expect(ram.dv.getUint32(STATUS, true)).toBe(2);
  });

  it('DMA after unmap + PSI faults READ with the FRCD contents and FSTS.PPF', () => {
    const { u, ram, r, bringUp, submit } = guest();
    bringUp();
    u.dmaTranslate(SID, undefined, 0x1000n, false);
    ram.q(PT + 8, 0n);
    submit([0x32n | (5n << 16n), 0x1000n]);
    const t = u.dmaTranslate(SID, undefined, 0x1abcn, false);
    expect(t).toMatchObject({ ok: false, reason: VTD_FR.READ });
    expect(r(DMAR.FRCD0_LO, 8)).toBe(0x1000n);
    expect(r(DMAR.FRCD0_HI, 8)).toBe(0xc000000600000008n); // F | T | FR 6 | SID 0x0008
    expect(r(DMAR.FSTS)).toBe(BigInt(FSTS.PPF));
  });

  it('TE off: DMA passes through untranslated and nothing is recorded', () => {
    const { u, r, w, bringUp } = guest();
    bringUp();
    w(DMAR.GCMD, GCMD.QIE);
    expect(r(DMAR.GSTS) & BigInt(GSTS.TES >>> 0)).toBe(0n);
    expect(u.dmaTranslate(0x0100, undefined, 0x7777n, true)).toMatchObject({ ok: true, pa: 0x7777n });
    expect(r(DMAR.FSTS)).toBe(0n);
  });

  it('every register reads the same on two units of one spec after the same accesses', () => {
    const a = guest();
    const b = guest();
    for (const g of [a, b]) g.bringUp();
    for (const reg of VTD_REGISTERS) expect(a.r(reg.offset, reg.width === 64 ? 8 : 4), reg.name).toBe(b.r(reg.offset, reg.width === 64 ? 8 : 4));
  });
});
