/** Plug-time checks of an assigned device behind an SMMUv3 (smmu.ts), on hand-made hosts. */
import { describe, expect, it } from 'vitest';
import type { HostDevice, HostUnit } from '../hostlink/hostlink.js';
import type { Smmuv3Settings, VfioDeviceConfig } from './config.js';
import { ramLayout } from './guest-ram.js';
import { smmuInterrupt, smmuPlugViolations, VIRT_GITS_TRANSLATER } from './smmu.js';

const cfg = (over: Partial<Smmuv3Settings> = {}): Smmuv3Settings => ({ stage: 1, accel: true, oas: 44, ssidsize: 0, ril: true, ats: false, granules: { g4k: true, g16k: true, g64k: true }, ...over });
const dev: VfioDeviceConfig = { kind: 'vfio', id: 'nic0', guestBdf: '0000:00:03.0', endpointId: 0x18, hostBdf: '0000:01:00.0', iommufd: 'iommufd0', backend: 'AUTO', legacyContainer: false };
const unit: HostUnit = { name: 'smmu0', type: 'IOMMU_TYPE_ARM_SMMUV3', pageSizes: 0x40201000n, inputBits: 48, pasidBits: 20, nesting: true, dirtyTracking: true };
const swMsi = { start: 0x0800_0000n, last: 0x080f_ffffn, type: 'RESERVED_REGION_TYPE_SW_MSI' };
const hd = (regions = [swMsi]): HostDevice => ({ bdf: '0000:01:00.0', cdev: 'vfio0', group: 1, unit: 'smmu0', driver: 'vfio-pci', reservedRegions: regions });
const RAM = ramLayout('virt', 64n << 20n);
/** IDR0 with ATS, IDR1 SSIDSIZE 20, IDR3 RIL, IDR5 OAS 48 + all granules. */
const FULL = [0x0d44141b, 0x02730510, 0, 0x1414, 0, 0x75];
const withIdr = (u: typeof unit, idr: readonly number[]) => ({ ...u, smmuIdr: idr });

describe('smmuPlugViolations', () => {
  it('a nesting host with every feature: no violation', () => {
    expect(smmuPlugViolations(cfg({ oas: 48, ssidsize: 20, ats: true }), RAM, dev, hd(), withIdr(unit, FULL))).toEqual([]);
  });

  it('the guest may offer less than the host (granules, RIL off); more is refused with QEMU text', () => {
    expect(smmuPlugViolations(cfg({ ril: false, granules: { g4k: true, g16k: false, g64k: false } }), RAM, dev, hd(), withIdr(unit, [0x0d44101b, 0x02730010, 0, 0x1004, 0, 0x54]))).toEqual([]);
    const v = smmuPlugViolations(cfg({ oas: 48, ssidsize: 4, ats: true }), RAM, dev, hd(), withIdr(unit, [0x0d44101b, 0x02730010, 0, 0x1004, 0, 0x54]));
    expect(v.map((x) => x.detail)).toEqual([
      'Host SMMUv3 SSIDSIZE not compatible (host=0, QEMU=4)',
      "Host SMMUv3 doesn't support Range Invalidation",
      'Host SMMUv3 supports only 44-bit IPA, but the vSMMU OAS implies 48-bit IPA',
      "Host SMMUv3 doesn't support 16K translation granule",
      'the vSMMU advertises ATS (ats=on) and host unit smmu0 has none (IDR0.ATS = 0)',
    ]);
  });

  it('without the host ID registers the checks that need them fail closed; SSIDSIZE falls back to the PASID width', () => {
    const v = smmuPlugViolations(cfg({ ssidsize: 21 }), RAM, dev, hd(), unit);
    expect(v.map((x) => x.rule)).toEqual(['ssidsize', 'hw info']);
    expect(v[0]!.detail).toBe('Host SMMUv3 SSIDSIZE not compatible (host=20, QEMU=21)');
  });

  it('a host unit that is not an SMMUv3, or cannot nest', () => {
    expect(smmuPlugViolations(cfg(), RAM, dev, hd(), withIdr({ ...unit, type: 'IOMMU_TYPE_INTEL_VTD' }, FULL)).map((x) => x.rule)).toEqual(['nesting']);
    expect(smmuPlugViolations(cfg(), RAM, dev, hd(), withIdr({ ...unit, nesting: false }, FULL)).map((x) => x.rule)).toEqual(['nesting']);
  });

  it('no accel or EMULATED: the refusals come first and the host is not consulted without accel', () => {
    const v = smmuPlugViolations(cfg({ accel: false }), RAM, { ...dev, backend: 'EMULATED' }, hd(), { ...unit, nesting: false });
    expect(v.map((x) => x.rule)).toEqual(['accel', 'backend']);
    expect(v[0]!.detail).toMatch(/^device 00\.03\.0 requires iommu MAP notifier which is not currently supported/);
  });

  it('a host reserved region inside guest RAM, and a SW_MSI window without the guest doorbell', () => {
    const inRam = { start: 0x4100_0000n, last: 0x4100_ffffn, type: 'RESERVED_REGION_TYPE_RESERVED' };
    const relaxable = { start: 0x4200_0000n, last: 0x4200_ffffn, type: 'RESERVED_REGION_TYPE_DIRECT_RELAXABLE' };
    const elsewhere = { start: 0x0a00_0000n, last: 0x0a0f_ffffn, type: 'RESERVED_REGION_TYPE_SW_MSI' };
    const v = smmuPlugViolations(cfg(), RAM, dev, hd([inRam, relaxable, elsewhere]), withIdr(unit, FULL));
    expect(v.map((x) => x.rule)).toEqual(['reserved region', 'msi window']);
    expect(v[0]!.detail).toContain('[0x41000000, 0x4100ffff] (RESERVED) of 0000:01:00.0 lies inside guest RAM');
    expect(v[1]!.detail).toContain(`GITS_TRANSLATER 0x${VIRT_GITS_TRANSLATER.toString(16)}`);
    expect(v[1]!.detail).toContain('[0xa000000, 0xa0fffff]');
    // no SW_MSI region (a hardware MSI window): nothing to map, no rule
    expect(smmuPlugViolations(cfg(), RAM, dev, hd([]), withIdr(unit, FULL))).toEqual([]);
  });
});

describe('smmuInterrupt', () => {
  it("the wired lines as QEMU's virt machine wires them: GIC SPIs 74..77, no MSI address", () => {
    expect(['evtq', 'priq', 'cmdq_sync', 'gerror'].map((source) => smmuInterrupt({ source } as never))).toEqual([
      { kind: 'interrupt', source: 'evtq', msiAddr: 0n, msiData: 74 },
      { kind: 'interrupt', source: 'priq', msiAddr: 0n, msiData: 75 },
      { kind: 'interrupt', source: 'cmdq_sync', msiAddr: 0n, msiData: 76 },
      { kind: 'interrupt', source: 'gerror', msiAddr: 0n, msiData: 77 },
    ]);
  });
});
