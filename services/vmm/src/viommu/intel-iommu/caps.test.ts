import { describe, expect, it } from 'vitest';
import { CAP, ECAP, hawMask, vtdCaps, type IntelIommuConfig } from './caps.js';

const base: IntelIommuConfig = {
  awBits: 48,
  cachingMode: false,
  scalableMode: false,
  flts: false,
  pasidBits: 0,
  deviceIotlb: false,
  dmaDrain: true,
  snoopControl: false,
};
const cfg = (o: Partial<IntelIommuConfig>): IntelIommuConfig => ({ ...base, ...o });

// Bits (intel_iommu_internal.h): ND=6 (2:0) · CM 7 · SAGAW 39-bit 0x200, 48-bit 0x400 · MGAW (aw-1)<<16 ·
// FRO 0x22<<24 · SSLPS 34,35 · PSI 39 · MAMV 18<<48 · DRAIN 54,55 · FS1GP 56 · ESRTPS 63.
// ECAP: QI 1 · DT 2 · PT 6 · SC 7 · IRO 0xf<<8 · SRS 31 · PSS 39:35 · PASID 40 · SMTS 43 · SSTS 46 · FSTS 47.
describe('vtdCaps (vtd_cap_init)', () => {
  it('QEMU defaults (aw-bits 48, dma-drain, intremap off): the familiar 0xd2008c222f0686 plus ESRTPS', () => {
    // 6 | 0x600 | 0x2f0000 | 0x22000000 | 0xc00000000 | 0x8000000000 | 0x12000000000000 | 0xc0000000000000 | 1<<63
    expect(vtdCaps(base)).toEqual({ cap: 0x80d2008c222f0606n, ecap: 0xf42n });
  });

  it('caching-mode adds CM (bit 7) only', () => {
    const { cap, ecap } = vtdCaps(cfg({ cachingMode: true }));
    expect(cap).toBe(0x80d2008c222f0686n);
    expect(cap ^ vtdCaps(base).cap).toBe(CAP.CM);
    expect(ecap).toBe(0xf42n);
  });

  it('aw-bits 39 without dma-drain: MGAW 38, SAGAW 39-bit only, no DRAIN', () => {
    // 6 | 0x200 | 0x260000 | 0x22000000 | 0xc00000000 | 0x8000000000 | 0x12000000000000 | 1<<63
    expect(vtdCaps(cfg({ awBits: 39, dmaDrain: false }))).toEqual({ cap: 0x8012008c22260206n, ecap: 0xf42n });
  });

  it('x-scalable-mode: SMTS | SRS | SSTS; x-pasid-mode with 8 PASID bits: PASID | PSS=7', () => {
    const { cap, ecap } = vtdCaps(cfg({ scalableMode: true, cachingMode: true, pasidBits: 8 }));
    expect(cap).toBe(0x80d2008c222f0686n);
    // 0x4000_0000_0000 | 0x800_0000_0000 | 0x100_0000_0000 | 0x38_0000_0000 | 0x8000_0000 | 0xf42
    expect(ecap).toBe(0x493880000f42n);
    expect(ecap & (0x1fn << ECAP.PSS_SHIFT)).toBe(7n << 35n);
  });

  it('x-flts: SMTS | FSTS without SSTS / SRS, and CAP.FS1GP (fs1gp=on)', () => {
    const { cap, ecap } = vtdCaps(cfg({ scalableMode: true, flts: true, cachingMode: true }));
    expect(ecap).toBe(0x880000000f42n);
    expect(ecap & ECAP.SSTS).toBe(0n);
    expect(ecap & ECAP.SRS).toBe(0n);
    expect(cap).toBe(0x81d2008c222f0686n);
  });

  it('device-iotlb → DT, snoop-control → SC; never IR / EIM / MHMV', () => {
    const { ecap } = vtdCaps(cfg({ deviceIotlb: true, snoopControl: true }));
    expect(ecap).toBe(0xfc6n);
    expect(ecap & (ECAP.IR | ECAP.EIM | ECAP.MHMV)).toBe(0n);
  });

  it('fixed fields decode as the spec reads them', () => {
    const { cap, ecap } = vtdCaps(base);
    expect(Number((cap >> 24n) & 0x3ffn) * 16).toBe(0x220); // FRO → the FRCD offset
    expect(Number((cap >> 40n) & 0xffn)).toBe(0); // NFR: one fault recording register
    expect(Number((cap >> 48n) & 0x3fn)).toBe(18); // MAMV
    expect(Number((cap >> 16n) & 0x3fn) + 1).toBe(48); // MGAW + 1
    expect(Number((ecap >> 8n) & 0x3ffn) * 16).toBe(0xf0); // IRO → the IVA offset
    expect(hawMask(39)).toBe(0x7fffffffffn);
  });
});
