import { describe, expect, it, vi } from 'vitest';
import { DomainError } from '#libs/errno/index.js';
import type { IntelIommuConfig } from './caps.js';
import { FlatRam, UNIT_CFG } from './fixtures.js';
import { CCMD, DMAR, GCMD, GSTS, IntelIommu, IOTLB, type VtdIrq } from './index.js';

// ------------------------------------------------------------------------------ fixture

function setup(o: Partial<IntelIommuConfig> = {}) {
  const irqs: VtdIrq[] = [];
  const ram = new FlatRam(1 << 20);
  const u = new IntelIommu({ ...UNIT_CFG, ...o }, ram, (i) => irqs.push(i));
  const r = (off: number, size: 4 | 8 = 4): bigint => u.mmioRead(off, size);
  const w = (off: number, v: bigint | number, size: 4 | 8 = 4): void => u.mmioWrite(off, size, BigInt(v));
  return { u, ram, irqs, r, w };
}

// ------------------------------------------------------------------------------ reset image

describe('register file: reset values (vtd_init)', () => {
  it('reads the reset image', () => {
    const { u, r } = setup();
    expect(r(DMAR.VER)).toBe(0x10n);
    expect(r(DMAR.CAP, 8)).toBe(u.cap);
    expect(r(DMAR.CAP)).toBe(u.cap & 0xffffffffn);
    expect(r(DMAR.CAP_HI)).toBe(u.cap >> 32n);
    expect(r(DMAR.ECAP, 8)).toBe(u.ecap);
    expect(r(DMAR.FECTL)).toBe(0x80000000n); // IM
    expect(r(DMAR.IECTL)).toBe(0x80000000n); // IM
    for (const off of [DMAR.GCMD, DMAR.GSTS, DMAR.FSTS, DMAR.FEDATA, DMAR.FEADDR, DMAR.FEUADDR, DMAR.PMEN, DMAR.ICS, DMAR.IEDATA, DMAR.IEADDR, DMAR.IEUADDR])
      expect(r(off), `0x${off.toString(16)}`).toBe(0n);
    for (const off of [DMAR.RTADDR, DMAR.CCMD, DMAR.IQH, DMAR.IQT, DMAR.IQA, DMAR.IRTA, DMAR.IVA, DMAR.IOTLB, DMAR.FRCD0_LO, DMAR.FRCD0_HI])
      expect(r(off, 8), `0x${off.toString(16)}`).toBe(0n);
  });

  it('reset() puts back the image after use', () => {
    const { u, r, w } = setup();
    w(DMAR.FEDATA, 0x1234);
    w(DMAR.RTADDR, 0x5000n, 8);
    w(DMAR.GCMD, GCMD.SRTP | GCMD.TE);
    expect(r(DMAR.GSTS)).toBe(BigInt((GSTS.TES | GSTS.RTPS) >>> 0));
    u.reset();
    expect(r(DMAR.FEDATA)).toBe(0n);
    expect(r(DMAR.RTADDR, 8)).toBe(0n);
    expect(r(DMAR.GSTS)).toBe(0n);
    expect(u.translator.root).toEqual({ rootGpa: 0n, scalable: false, translationEnabled: false });
  });
});

// ------------------------------------------------------------------------------ masks

describe('register file: write masks, write-only and read-only registers', () => {
  it('stores only the writable bits', () => {
    const { r, w } = setup();
    w(DMAR.FEDATA, 0xffffffff);
    expect(r(DMAR.FEDATA)).toBe(0xffffn);
    w(DMAR.FEADDR, 0xffffffff);
    expect(r(DMAR.FEADDR)).toBe(0xfffffffcn);
    w(DMAR.FEUADDR, 0xffffffff); // RsvdZ without EIM
    expect(r(DMAR.FEUADDR)).toBe(0n);
    w(DMAR.PMEN, 0x80000000); // RO: no PMR
    expect(r(DMAR.PMEN)).toBe(0n);
    w(DMAR.IEDATA, 0xffffffff);
    expect(r(DMAR.IEDATA)).toBe(0xffffffffn);
    w(DMAR.IEADDR, 0xffffffff);
    expect(r(DMAR.IEADDR)).toBe(0xfffffffcn);
    w(DMAR.RTADDR, 0xffffffffffffffffn, 8);
    expect(r(DMAR.RTADDR, 8)).toBe(0xfffffffffffffc00n);
    w(DMAR.IRTA, 0xffffffffffffffffn, 8);
    expect(r(DMAR.IRTA, 8)).toBe(0xfffffffffffff80fn);
    w(DMAR.IQT, 0xffffffffffffffffn, 8);
    expect(r(DMAR.IQT, 8)).toBe(0x7fff0n);
    w(DMAR.CAP, 0n, 8);
    w(DMAR.VER, 0);
    w(DMAR.GSTS, 0xffffffff);
    expect(r(DMAR.VER)).toBe(0x10n);
    expect(r(DMAR.GSTS)).toBe(0n);
  });

  it('GCMD, IVA and CCMD SID/FM are write-only (read as zero)', () => {
    const { r, w } = setup();
    w(DMAR.GCMD, GCMD.SFL);
    expect(r(DMAR.GCMD)).toBe(0n);
    w(DMAR.IVA, 0x12345047n, 8);
    expect(r(DMAR.IVA, 8)).toBe(0n);
    w(DMAR.CCMD, 0x00000003ffffffffn, 8); // no ICC: stored only
    expect(r(DMAR.CCMD, 8)).toBe(0xffffn); // DID reads back, SID/FM do not
  });

  it('IQA reads the base latched at QIE (0 before), plus QS and DW', () => {
    const { r, w } = setup();
    w(DMAR.IQA, 0x0000123456789807n, 8);
    expect(r(DMAR.IQA, 8)).toBe(0x807n);
    expect(r(DMAR.IQA_HI)).toBe(0n);
    w(DMAR.GCMD, GCMD.QIE);
    expect(r(DMAR.IQA, 8)).toBe(0x0000123456789807n);
    expect(r(DMAR.IQA)).toBe(0x56789807n);
    expect(r(DMAR.IQA_HI)).toBe(0x1234n);
  });
});

// ------------------------------------------------------------------------------ access sizes

describe('register file: 4/8-byte access rules', () => {
  it('an 8-byte read spans two 32-bit registers (GCMD reads 0, GSTS above it)', () => {
    const { r, w } = setup();
    w(DMAR.GCMD, GCMD.TE);
    expect(r(DMAR.GCMD, 8)).toBe(BigInt(GSTS.TES >>> 0) << 32n);
  });

  it('an 8-byte write at a 4-byte boundary arrives as two 4-byte writes: GSTS (RO) then RTADDR low', () => {
    const { r, w } = setup();
    w(DMAR.GSTS, 0x12345678_ffffffffn, 8);
    expect(r(DMAR.GSTS)).toBe(0n);
    expect(r(DMAR.RTADDR, 8)).toBe(0x12345400n);
    // and the 8-byte read at RTADDR_HI is two 4-byte reads: RTADDR_HI, CCMD low
    w(DMAR.RTADDR_HI, 0xabcd);
    w(DMAR.CCMD, 0x1234);
    expect(r(DMAR.RTADDR_HI, 8)).toBe(0x00001234_0000abcdn);
  });

  it('an 8-byte write at FRCD hi-high / CCMD_HI splits too, and the _HI half acts', () => {
    const { u, r, w } = setup();
    const g = vi.spyOn(u.translator, 'invalidateContextGlobal');
    w(DMAR.CCMD_HI, 0xa0000000_00000000n, 8); // low piece to 0x2c (0), high piece to 0x30 (unused)
    expect(g).not.toHaveBeenCalled();
    w(DMAR.FEUADDR - 4, 0xffffffff_00001234n, 8); // FEADDR (8-aligned, plain quad store)
    expect(r(DMAR.FEADDR)).toBe(0x1234n);
  });

  it('FEADDR takes an 8-byte write (Xen does it); FEUADDR is unchanged', () => {
    const { r, w } = setup();
    w(DMAR.FEADDR, 0xffffffff_fee01004n, 8);
    expect(r(DMAR.FEADDR)).toBe(0xfee01004n);
    expect(r(DMAR.FEUADDR)).toBe(0n);
  });

  it('8-byte accesses where QEMU asserts size == 4 are refused and change nothing', () => {
    const { r, w } = setup();
    w(DMAR.FEDATA, 0x55);
    for (const off of [DMAR.FECTL, DMAR.IECTL, DMAR.IEADDR, DMAR.PECTL]) {
      let err: unknown;
      try {
        w(off, 0xffffffffffffffffn, 8);
      } catch (e) {
        err = e;
      }
      expect(err, `0x${off.toString(16)}`).toBeInstanceOf(DomainError);
      expect((err as DomainError).reason).toBe('VTD_ACCESS_SIZE');
    }
    expect(r(DMAR.FEDATA)).toBe(0x55n);
    expect(r(DMAR.FECTL)).toBe(0x80000000n);
    expect(r(DMAR.IECTL)).toBe(0x80000000n);
    expect(r(DMAR.IEADDR)).toBe(0n);
  });

  it('beyond the 0x230-byte block: reads all-ones, writes ignored; misaligned: reads 0, writes dropped', () => {
    const { r, w } = setup();
    expect(r(0x230)).toBe(0xffffffffn);
    expect(r(0x800, 8)).toBe(0xffffffffffffffffn);
    w(0x230, 0x1234);
    expect(r(0x22c)).toBe(0n);
    expect(r(DMAR.FECTL + 2)).toBe(0n);
    w(DMAR.FEDATA + 1, 0xff);
    expect(r(DMAR.FEDATA)).toBe(0n);
  });
});

// ------------------------------------------------------------------------------ GCMD → GSTS

describe('GCMD → GSTS (vtd_handle_gcmd_write)', () => {
  it('SRTP latches RTADDR masked to HAW into the translator root and resets its caches', () => {
    const { u, r, w } = setup({ awBits: 39 });
    const reset = vi.spyOn(u.translator, 'resetCaches');
    w(DMAR.RTADDR, 0x0001_0000_1234_5c00n, 8); // bit 48 above HAW 39, SMT set but legacy unit
    w(DMAR.GCMD, GCMD.SRTP);
    expect(r(DMAR.GSTS)).toBe(BigInt(GSTS.RTPS));
    expect(u.translator.root).toEqual({ rootGpa: 0x12345000n, scalable: false, translationEnabled: false });
    expect(reset).toHaveBeenCalledTimes(1);
    expect(r(DMAR.RTADDR, 8)).toBe(0x0001_0000_1234_5c00n); // the register keeps what was written
  });

  it('SRTP honours RTADDR.SMT only with x-scalable-mode', () => {
    const { u, w } = setup({ scalableMode: true });
    w(DMAR.RTADDR, 0x20400n, 8);
    w(DMAR.GCMD, GCMD.SRTP);
    expect(u.translator.root).toMatchObject({ rootGpa: 0x20000n, scalable: true });
  });

  it('TE toggles GSTS.TES and the translator; a repeated TE write does nothing', () => {
    const { u, r, w } = setup();
    const reset = vi.spyOn(u.translator, 'resetCaches');
    w(DMAR.GCMD, GCMD.TE);
    expect(r(DMAR.GSTS)).toBe(BigInt(GSTS.TES >>> 0));
    expect(u.translator.root.translationEnabled).toBe(true);
    w(DMAR.GCMD, GCMD.TE);
    expect(reset).toHaveBeenCalledTimes(1);
    w(DMAR.GCMD, 0);
    expect(r(DMAR.GSTS)).toBe(0n);
    expect(u.translator.root.translationEnabled).toBe(false);
    expect(reset).toHaveBeenCalledTimes(2);
  });

  it('SFL, EAFL, WBF, CFI, IRE set no status; SIRTP sets IRTPS and latches IRTA', () => {
    const { u, r, w } = setup();
    w(DMAR.GCMD, GCMD.SFL | GCMD.EAFL | GCMD.WBF | GCMD.CFI | GCMD.IRE);
    expect(r(DMAR.GSTS)).toBe(0n);
    w(DMAR.IRTA, 0x7000n | 0x800n | 0x7n, 8);
    w(DMAR.GCMD, GCMD.SIRTP);
    expect(r(DMAR.GSTS)).toBe(BigInt(GSTS.IRTPS));
    expect(u.state().intr).toEqual({ root: 0x7000n, size: 256, eime: true });
  });
});

// ------------------------------------------------------------------------------ CCMD / IOTLB

describe('register-based invalidation (CCMD, IOTLB)', () => {
  it('CCMD global: ICC clears, CAIG = global', () => {
    const { u, r, w } = setup();
    const g = vi.spyOn(u.translator, 'invalidateContextGlobal');
    w(DMAR.CCMD, CCMD.ICC | CCMD.GLOBAL, 8);
    expect(g).toHaveBeenCalledTimes(1);
    expect(r(DMAR.CCMD, 8)).toBe(CCMD.GLOBAL | CCMD.GLOBAL_A); // 0x2800000000000000
    expect(r(DMAR.CCMD, 8)).toBe(0x2800000000000000n);
  });

  it('CCMD domain-selective is executed as global and reported so (CAIG = global)', () => {
    const { u, r, w } = setup();
    const g = vi.spyOn(u.translator, 'invalidateContextGlobal');
    w(DMAR.CCMD, CCMD.ICC | CCMD.DOMAIN | 7n, 8);
    expect(g).toHaveBeenCalledTimes(1);
    expect(r(DMAR.CCMD, 8)).toBe(0x4800000000000007n);
  });

  it('CCMD device-selective by two 32-bit writes acts on the _HI half only', () => {
    const { u, r, w } = setup();
    const d = vi.spyOn(u.translator, 'invalidateContextDevice');
    w(DMAR.CCMD, 0x01080005); // SID 0x0108, DID 5
    expect(d).not.toHaveBeenCalled();
    w(DMAR.CCMD_HI, Number((CCMD.ICC | CCMD.DEVICE | (2n << 32n)) >> 32n)); // FM 2
    expect(d).toHaveBeenCalledWith(0x0108, 2);
    expect(r(DMAR.CCMD, 8)).toBe(CCMD.DEVICE | CCMD.DEVICE_A | 5n); // 0x7800000000000005
  });

  it('CCMD CAIG is not guest-writable: it keeps the last reported granularity', () => {
    const { u, r, w } = setup();
    const g = vi.spyOn(u.translator, 'invalidateContextGlobal');
    w(DMAR.CCMD_HI, 0xa0000000); // ICC | global, via the high half: acts
    expect(g).toHaveBeenCalledTimes(1);
    w(DMAR.CCMD_HI, 0x18000000); // tries CAIG = 3
    w(DMAR.CCMD, 0);
    expect(r(DMAR.CCMD, 8)).toBe(0x0800000000000000n);
  });

  it('an ICC left set (QI was on) acts on a 32-bit write of the _HI half, not of the low half', () => {
    const { u, r, w, ram } = setup();
    const g = vi.spyOn(u.translator, 'invalidateContextGlobal');
    const dv = new DataView(ram.bytes.buffer);
    dv.setBigUint64(0x10000, 0x5n | (1n << 6n), true); // inv_wait FN: lets QI be turned off
    w(DMAR.IQA, 0x10000n, 8);
    w(DMAR.GCMD, GCMD.QIE);
    w(DMAR.CCMD, CCMD.ICC | CCMD.GLOBAL, 8); // ignored under QI: ICC stays
    w(DMAR.IQT, 1n << 4n, 8);
    w(DMAR.GCMD, 0);
    expect(r(DMAR.GSTS)).toBe(0n);
    w(DMAR.CCMD, 0x1234);
    expect(g).not.toHaveBeenCalled();
    expect(r(DMAR.CCMD, 8)).toBe(CCMD.ICC | CCMD.GLOBAL | 0x1234n);
    w(DMAR.CCMD_HI, Number((CCMD.ICC | CCMD.GLOBAL) >> 32n));
    expect(g).toHaveBeenCalledTimes(1);
    expect(r(DMAR.CCMD, 8)).toBe(CCMD.GLOBAL | CCMD.GLOBAL_A | 0x1234n);
  });

  it('CCMD with CIRG 0 reports CAIG 0 and clears ICC', () => {
    const { u, r, w } = setup();
    const g = vi.spyOn(u.translator, 'invalidateContextGlobal');
    w(DMAR.CCMD, CCMD.ICC, 8);
    expect(g).not.toHaveBeenCalled();
    expect(r(DMAR.CCMD, 8)).toBe(0n);
  });

  it('IOTLB PSI uses IVA (address, AM, IH) and reports IAIG = PSI', () => {
    const { u, r, w } = setup();
    const p = vi.spyOn(u.translator, 'invalidateIotlbPage');
    w(DMAR.IVA, 0x12345000n | 0x40n | 2n, 8);
    w(DMAR.IOTLB, IOTLB.IVT | IOTLB.PSI | (5n << 32n), 8);
    expect(p).toHaveBeenCalledWith(5, 0x12345000n, 2, true);
    expect(r(DMAR.IOTLB, 8)).toBe(0x3600000500000000n); // PSI | IAIG PSI | DID 5
  });

  it('IOTLB PSI with AM > MAMV: IAIG 0, nothing invalidated', () => {
    const { u, r, w } = setup();
    const p = vi.spyOn(u.translator, 'invalidateIotlbPage');
    w(DMAR.IVA, 0x12345000n | 19n, 8);
    w(DMAR.IOTLB, IOTLB.IVT | IOTLB.PSI | (5n << 32n), 8);
    expect(p).not.toHaveBeenCalled();
    expect(r(DMAR.IOTLB, 8)).toBe(0x3000000500000000n);
  });

  it('IOTLB global and domain-selective (32-bit write of the _HI half)', () => {
    const { u, r, w } = setup();
    const g = vi.spyOn(u.translator, 'invalidateIotlbGlobal');
    const d = vi.spyOn(u.translator, 'invalidateIotlbDomain');
    w(DMAR.IOTLB, IOTLB.IVT | IOTLB.GLOBAL, 8);
    expect(g).toHaveBeenCalledTimes(1);
    expect(r(DMAR.IOTLB, 8)).toBe(0x1200000000000000n);
    w(DMAR.IOTLB, 0);
    w(DMAR.IOTLB_HI, 0xa0000009); // IVT | DSI | DID 9
    expect(d).toHaveBeenCalledWith(9);
    expect(r(DMAR.IOTLB, 8)).toBe(0x2400000900000000n);
  });

  it('while QI is enabled register-based invalidation is ignored: ICC / IVT stay set', () => {
    const { u, r, w } = setup();
    const g = vi.spyOn(u.translator, 'invalidateContextGlobal');
    const t = vi.spyOn(u.translator, 'invalidateIotlbGlobal');
    w(DMAR.IQA, 0x10000n, 8);
    w(DMAR.GCMD, GCMD.QIE);
    w(DMAR.CCMD, CCMD.ICC | CCMD.GLOBAL, 8);
    w(DMAR.IOTLB, IOTLB.IVT | IOTLB.GLOBAL, 8);
    expect(g).not.toHaveBeenCalled();
    expect(t).not.toHaveBeenCalled();
    expect(r(DMAR.CCMD, 8)).toBe(CCMD.ICC | CCMD.GLOBAL);
    expect(r(DMAR.IOTLB, 8)).toBe(IOTLB.IVT | IOTLB.GLOBAL);
  });
});
