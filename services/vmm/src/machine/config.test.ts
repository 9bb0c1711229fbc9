/** VM spec parsing: names and ids a caller chooses are plain identifiers (issue #7, caller strings). */
import { describe, expect, it } from 'vitest';
import { DomainError } from '#libs/errno/index.js';
import { parseVmSpec } from './config.js';

const base = () => ({
  name: 'vm1',
  memory_bytes: String(64 << 20),
  machine: 'q35',
  iommufd_objects: [{ id: 'iommufd0' }],
  devices: [{ id: 'nic0', vfio: { host_bdf: '0000:01:00.0', iommufd: 'iommufd0', backend: 'VFIO_BACKEND_EMULATED' } }],
});

function reasonOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return (e as DomainError).reason;
  }
  throw new Error('parsed');
}

describe('VM names and ids', () => {
  it('accepts 1-63 characters of [A-Za-z0-9_.-] starting with a letter or digit', () => {
    const cfg = parseVmSpec({ ...base(), name: 'a'.repeat(63) });
    expect(cfg.name).toHaveLength(63);
    expect(cfg.devices.map((d) => d.id)).toEqual(['nic0']);
  });
  it.each(['__proto__', '_x', '', ' nic0', 'nic 0', '-x', 'a'.repeat(64), 'é'])('refuses the id %j for a device, an iommufd object and a VM', (id) => {
    expect(reasonOf(() => parseVmSpec({ ...base(), devices: [{ id, virtio: { type: 'VIRTIO_DEVICE_TYPE_NET' } }] }))).toBe('BAD_DEVICE');
    const objs = { ...base(), iommufd_objects: [{ id }], devices: [] };
    expect(reasonOf(() => parseVmSpec(objs))).toBe('BAD_OBJECT');
    expect(reasonOf(() => parseVmSpec({ ...base(), name: id }))).toBe('BAD_NAME');
  });
  it('keeps a refused name out of the message beyond 64 characters', () => {
    try {
      parseVmSpec({ ...base(), name: 'x'.repeat(100_000) });
    } catch (e) {
      expect((e as Error).message.length).toBeLessThan(200);
      return;
    }
    throw new Error('parsed');
  });
});

// ------------------------------------------------------------------ intel-iommu (vtd_decide_config)

function refusal(f: () => unknown): DomainError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('parsed');
}

const intelVm = (intel: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: 'vtd',
  memory_bytes: String(64 << 20),
  machine: 'q35',
  viommu: { model: 'VIOMMU_MODEL_INTEL_IOMMU', intel },
  iommufd_objects: [{ id: 'iommufd0' }],
  devices: [],
  ...extra,
});

describe('intel-iommu settings', () => {
  it("takes QEMU's defaults: aw-bits 48, dma-drain on, everything else off", () => {
    const cfg = parseVmSpec(intelVm({}));
    expect(cfg.viommu).toEqual({
      model: 'INTEL_IOMMU',
      intel: { awBits: 48, cachingMode: false, scalableMode: false, flts: false, pasidBits: 0, deviceIotlb: false, dmaDrain: true, snoopControl: false },
    });
  });

  it('keeps every setting it accepts', () => {
    const cfg = parseVmSpec(intelVm({ aw_bits: 39, caching_mode: true, scalable_mode: true, pasid_bits: 8, dma_drain: true, snoop_control: true }));
    expect(cfg.viommu.intel).toEqual({ awBits: 39, cachingMode: true, scalableMode: true, flts: false, pasidBits: 8, deviceIotlb: false, dmaDrain: true, snoopControl: true });
    expect(parseVmSpec(intelVm({ scalable_mode: true, flts: true })).viommu.intel).toMatchObject({ awBits: 48, flts: true, scalableMode: true });
    expect(parseVmSpec(intelVm({ dma_drain: false })).viommu.intel!.dmaDrain).toBe(false);
  });

  it.each([
    ['aw-bits 40 in legacy mode', { aw_bits: 40 }, 'spec.viommu.intel.aw_bits', 'Legacy mode: supported values for aw-bits are: 39, 48'],
    ['aw-bits 52 in scalable mode without flts', { aw_bits: 52, scalable_mode: true }, 'spec.viommu.intel.aw_bits', 'Scalable mode(flts=off): supported values for aw-bits are: 39, 48'],
    ['aw-bits 39 with flts', { aw_bits: 39, scalable_mode: true, flts: true }, 'spec.viommu.intel.aw_bits', 'Scalable mode(flts=on): supported value for aw-bits is: 48'],
    ['flts without scalable mode', { flts: true }, 'spec.viommu.intel.flts', 'x-flts is only available in scalable mode'],
    ['scalable mode without dma-drain', { scalable_mode: true, dma_drain: false }, 'spec.viommu.intel.dma_drain', 'Need to set dma_drain for scalable mode'],
    ['PASID without scalable mode', { pasid_bits: 8 }, 'spec.viommu.intel.pasid_bits', 'Need to set scalable mode for PASID'],
    ['PASID with device-iotlb', { scalable_mode: true, pasid_bits: 8, device_iotlb: true }, 'spec.viommu.intel.pasid_bits', 'PASID based device IOTLB is not supported'],
    ['21 PASID bits', { scalable_mode: true, pasid_bits: 21 }, 'spec.viommu.intel.pasid_bits', 'pasid_bits 21: 0 (no PASID) or 1-20'],
  ])('refuses %s with INVALID_ARGUMENT BAD_VIOMMU and QEMU\'s reason', (_what, intel, field, message) => {
    const e = refusal(() => parseVmSpec(intelVm(intel)));
    expect([e.status, e.reason]).toEqual(['INVALID_ARGUMENT', 'BAD_VIOMMU']);
    expect(e.message).toContain(message);
    expect(e.metadata.field).toBe(field);
    expect(e.metadata.count).toBe('1');
  });

  it('names every violation of one spec, in QEMU\'s check order', () => {
    const e = refusal(() => parseVmSpec(intelVm({ aw_bits: 39, flts: true, dma_drain: false, pasid_bits: 30, device_iotlb: true }, { machine: 'virt' })));
    const v = JSON.parse(e.metadata.violations!) as Array<{ field: string; detail: string }>;
    expect(v.map((x) => x.field)).toEqual([
      'spec.machine',
      'spec.viommu.intel.flts',
      'spec.viommu.intel.aw_bits',
      'spec.viommu.intel.pasid_bits',
      'spec.viommu.intel.pasid_bits',
      'spec.viommu.intel.pasid_bits',
    ]);
    expect(e.metadata.count).toBe('6');
    expect(v[0]!.detail).toContain("intel-iommu is a q35 device: machine 'virt'");
    for (const x of v) expect(e.message).toContain(x.detail);
  });

  it('NESTED: accepted for intel-iommu with flts (AUTO too: the plug decides), INVALID_ARGUMENT without flts, NOT_MODELLED for other models', () => {
    const dev = (backend: string) => [{ id: 'nic0', vfio: { host_bdf: '0000:01:00.0', iommufd: 'iommufd0', backend } }];
    expect(parseVmSpec(intelVm({ scalable_mode: true, flts: true }, { devices: dev('VFIO_BACKEND_NESTED') })).devices[0]).toMatchObject({ kind: 'vfio', backend: 'NESTED' });
    expect(parseVmSpec(intelVm({ scalable_mode: true, flts: true }, { devices: dev('VFIO_BACKEND_AUTO') })).devices[0]).toMatchObject({ kind: 'vfio', backend: 'AUTO' });
    const noFlts = refusal(() => parseVmSpec(intelVm({ caching_mode: true, scalable_mode: true }, { devices: dev('VFIO_BACKEND_NESTED') })));
    expect([noFlts.status, noFlts.reason]).toEqual(['INVALID_ARGUMENT', 'BAD_DEVICE']);
    expect(noFlts.message).toContain('flts');
    const virtio = refusal(() => parseVmSpec({ ...intelVm({}, { devices: dev('VFIO_BACKEND_NESTED') }), viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU' } }));
    expect([virtio.status, virtio.reason]).toEqual(['UNIMPLEMENTED', 'NOT_MODELLED']);
    // without flts AUTO is accepted here (the plug-time checks decide: caching mode → EMULATED)
    expect(parseVmSpec(intelVm({}, { devices: dev('VFIO_BACKEND_AUTO') })).devices[0]).toMatchObject({ kind: 'vfio', backend: 'AUTO' });
  });

});

// ------------------------------------------------------------------ SMMUv3 (smmu_validate_property)

const smmuVm = (smmuv3: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: 'smmu',
  memory_bytes: String(64 << 20),
  machine: 'virt',
  viommu: { model: 'VIOMMU_MODEL_SMMUV3', smmuv3 },
  iommufd_objects: [{ id: 'iommufd0' }],
  devices: [],
  ...extra,
});

describe('SMMUv3 settings', () => {
  it("takes QEMU's defaults: stage 1, oas 44, ssidsize 0, ril on, ats off, all granules", () => {
    expect(parseVmSpec(smmuVm({})).viommu).toEqual({
      model: 'SMMUV3',
      smmuv3: { stage: 1, accel: false, oas: 44, ssidsize: 0, ril: true, ats: false, granules: { g4k: true, g16k: true, g64k: true } },
    });
  });

  it('keeps every setting it accepts', () => {
    expect(parseVmSpec(smmuVm({ stage: 'SMMUV3_STAGE_2' })).viommu.smmuv3!.stage).toBe(2);
    expect(parseVmSpec(smmuVm({ stage: 'SMMUV3_STAGE_NESTED', granules: [65536, 4096] })).viommu.smmuv3).toMatchObject({ stage: 'nested', granules: { g4k: true, g16k: false, g64k: true } });
    expect(parseVmSpec(smmuVm({ accel: true, oas: 48, ssidsize: 20, ril: false, ats: true, stage: 'SMMUV3_STAGE_1' })).viommu.smmuv3).toEqual({
      stage: 1,
      accel: true,
      oas: 48,
      ssidsize: 20,
      ril: false,
      ats: true,
      granules: { g4k: true, g16k: true, g64k: true },
    });
  });

  it.each([
    ['ril off without accel', { ril: false }, 'spec.viommu.smmuv3.ril', 'ril can only be disabled if accel=on'],
    ['ats on without accel', { ats: true }, 'spec.viommu.smmuv3.ats', 'ats can only be enabled if accel=on'],
    ['oas 48 without accel', { oas: 48 }, 'spec.viommu.smmuv3.oas', 'OAS must be 44 bits when accel=off'],
    ['ssidsize without accel', { ssidsize: 8 }, 'spec.viommu.smmuv3.ssidsize', 'ssidsize can only be set if accel=on'],
    ['stage 2 with accel', { accel: true, stage: 'SMMUV3_STAGE_2' }, 'spec.viommu.smmuv3.stage', 'Only stage1 is supported for SMMUv3 with accel=on'],
    ['nested with accel', { accel: true, stage: 'SMMUV3_STAGE_NESTED' }, 'spec.viommu.smmuv3.stage', 'Only stage1 is supported for SMMUv3 with accel=on'],
    ['oas 52 with accel', { accel: true, oas: 52 }, 'spec.viommu.smmuv3.oas', 'OAS can only be set to 44 or 48 bits'],
    ['ssidsize 21 with accel', { accel: true, ssidsize: 21 }, 'spec.viommu.smmuv3.ssidsize', 'ssidsize must be in the range 0 to 20'],
    ['an unknown stage', { stage: 7 }, 'spec.viommu.smmuv3.stage', "stage '7'"],
    ['a granule of 8 KiB', { granules: [8192] }, 'spec.viommu.smmuv3.granules[0]', 'granule 8192: 4096, 16384 or 65536 bytes'],
    ['a granule twice', { granules: [4096, 4096] }, 'spec.viommu.smmuv3.granules[1]', 'granule 4096 is listed twice'],
  ])("refuses %s with INVALID_ARGUMENT BAD_VIOMMU and QEMU's reason", (_what, smmuv3, field, message) => {
    const e = refusal(() => parseVmSpec(smmuVm(smmuv3)));
    expect([e.status, e.reason]).toEqual(['INVALID_ARGUMENT', 'BAD_VIOMMU']);
    expect(e.message).toContain(message);
    expect(e.metadata.field).toBe(field);
    expect(e.metadata.count).toBe('1');
  });

  it("names every violation of one spec, in QEMU's check order, and the machine first", () => {
    const e = refusal(() => parseVmSpec(smmuVm({ ril: false, ats: true, oas: 48, ssidsize: 4 }, { machine: 'q35' })));
    const v = JSON.parse(e.metadata.violations!) as Array<{ field: string; detail: string }>;
    expect(v.map((x) => x.field)).toEqual(['spec.machine', 'spec.viommu.smmuv3.ril', 'spec.viommu.smmuv3.ats', 'spec.viommu.smmuv3.oas', 'spec.viommu.smmuv3.ssidsize']);
    expect(e.metadata.count).toBe('5');
    expect(v[0]!.detail).toContain("arm-smmuv3 is a virt device: machine 'q35'");
    for (const x of v) expect(e.message).toContain(x.detail);
    const accel = refusal(() => parseVmSpec(smmuVm({ accel: true, stage: 'SMMUV3_STAGE_NESTED', oas: 40, ssidsize: 30 })));
    expect(JSON.parse(accel.metadata.violations!).map((x: { field: string }) => x.field)).toEqual(['spec.viommu.smmuv3.stage', 'spec.viommu.smmuv3.oas', 'spec.viommu.smmuv3.ssidsize']);
  });

  it('NESTED: accepted with accel (AUTO too), INVALID_ARGUMENT without accel; EMULATED is left to the plug checks', () => {
    const dev = (backend: string) => [{ id: 'nic0', vfio: { host_bdf: '0000:01:00.0', iommufd: 'iommufd0', backend } }];
    expect(parseVmSpec(smmuVm({ accel: true }, { devices: dev('VFIO_BACKEND_NESTED') })).devices[0]).toMatchObject({ kind: 'vfio', backend: 'NESTED' });
    expect(parseVmSpec(smmuVm({ accel: true }, { devices: dev('VFIO_BACKEND_AUTO') })).devices[0]).toMatchObject({ kind: 'vfio', backend: 'AUTO' });
    const noAccel = refusal(() => parseVmSpec(smmuVm({}, { devices: dev('VFIO_BACKEND_NESTED') })));
    expect([noAccel.status, noAccel.reason]).toEqual(['INVALID_ARGUMENT', 'BAD_DEVICE']);
    expect(noAccel.message).toContain('NESTED needs SMMUv3 accel=on');
    expect(parseVmSpec(smmuVm({}, { devices: dev('VFIO_BACKEND_EMULATED') })).devices[0]).toMatchObject({ kind: 'vfio', backend: 'EMULATED' });
  });
});
