import { describe, expect, it } from 'vitest';
import { A_IDREGS, smmuv3Idreg, smmuv3Idrs } from './idr.js';
import type { Smmuv3Config } from './types.js';

const ALL = { g4k: true, g16k: true, g64k: true };
const S1: Smmuv3Config = { stage: 1, accel: false, oas: 44, ssidsize: 0, ril: true, ats: false, granules: ALL };

const hex = (v: readonly number[]): string[] => v.map((x) => '0x' + x.toString(16).padStart(8, '0'));

describe('IDR0-5 (smmuv3_init_id_regs + smmuv3_accel_idr_override; reference §A.2 table)', () => {
  it('stage 1 (default): IDR0 0x0D44101A, IDR1 0x02730010, IDR3 0x1404, IDR5 0x74', () => {
    expect(hex(smmuv3Idrs(S1))).toEqual(hex([0x0d44101a, 0x02730010, 0, 0x00001404, 0, 0x00000074]));
  });

  it('stage 2: S2P instead of S1P, IDR3.XNX', () => {
    expect(hex(smmuv3Idrs({ ...S1, stage: 2 }))).toEqual(hex([0x0d441019, 0x02730010, 0, 0x00001414, 0, 0x74]));
  });

  it('nested: S1P and S2P, IDR3.XNX', () => {
    expect(hex(smmuv3Idrs({ ...S1, stage: 'nested' }))).toEqual(hex([0x0d44101b, 0x02730010, 0, 0x00001414, 0, 0x74]));
  });

  it('accel overrides: ril=off clears IDR3.RIL, ats=on sets IDR0.ATS, oas=48 → OAS 5, ssidsize → IDR1.SSIDSIZE', () => {
    const a: Smmuv3Config = { ...S1, accel: true };
    expect(hex(smmuv3Idrs(a))).toEqual(hex(smmuv3Idrs(S1)));
    expect(smmuv3Idrs({ ...a, ril: false })[3]).toBe(0x1004);
    expect(smmuv3Idrs({ ...a, ats: true })[0]).toBe(0x0d44141a);
    expect(smmuv3Idrs({ ...a, oas: 48 })[5]).toBe(0x75);
    expect(smmuv3Idrs({ ...a, ssidsize: 20 })[1]).toBe(0x02730510);
    expect(smmuv3Idrs({ ...a, ssidsize: 5 })[1]).toBe(0x02730010 | (5 << 6));
    expect(hex(smmuv3Idrs({ ...a, ril: false, ats: true, oas: 48, ssidsize: 20 }))).toEqual(hex([0x0d44141a, 0x02730510, 0, 0x1004, 0, 0x75]));
  });

  it('the accel override runs only with accel (QEMU returns early otherwise)', () => {
    expect(hex(smmuv3Idrs({ ...S1, ril: false, ats: true, oas: 48, ssidsize: 8 }))).toEqual(hex(smmuv3Idrs(S1)));
  });

  it('granules clear IDR5.GRAN4K (b4) / GRAN16K (b5) / GRAN64K (b6), with or without accel', () => {
    expect(smmuv3Idrs({ ...S1, granules: { g4k: true, g16k: false, g64k: true } })[5]).toBe(0x54);
    expect(smmuv3Idrs({ ...S1, granules: { g4k: true, g16k: false, g64k: false } })[5]).toBe(0x14);
    expect(smmuv3Idrs({ ...S1, accel: true, oas: 48, granules: { g4k: false, g16k: true, g64k: true } })[5]).toBe(0x65);
  });
});

describe('ID registers 0xfd0..0xffc (smmuv3_idreg, MMU-600 p1)', () => {
  it('reads the twelve PIDR/CIDR bytes', () => {
    const v = [];
    for (let off = A_IDREGS; off <= 0xffc; off += 4) v.push(smmuv3Idreg(off));
    expect(v).toEqual([0x04, 0, 0, 0, 0x84, 0xb4, 0xf0, 0x10, 0x0d, 0xf0, 0x05, 0xb1]);
  });
});
