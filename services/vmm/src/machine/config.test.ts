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

  it('still refuses SMMUV3 as not modelled', () => {
    const e = refusal(() => parseVmSpec({ ...intelVm({}), viommu: { model: 'VIOMMU_MODEL_SMMUV3' } }));
    expect([e.status, e.reason]).toEqual(['UNIMPLEMENTED', 'NOT_MODELLED']);
  });
});
