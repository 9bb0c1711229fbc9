import { describe, expect, it } from 'vitest';
import { describeProfile } from '#libs/profile/describe.js';
import { loadProfile } from '#libs/profile/profile.js';
import { baselineOf, guestReservedRegions, pageSizeNames, unitCapsOf, type CapsHost, type CapsUnit } from './index.js';

/** A host of the built-in profile `name`, every unit with a vfio-pci device and those devices' regions. */
function host(name: string): CapsHost {
  const d = describeProfile(loadProfile(name));
  const devs = d.devices.filter((x) => x.driver === 'vfio-pci');
  const units = new Set(devs.map((x) => x.unit));
  return {
    name: d.name,
    arch: d.arch,
    iommufd: d.kernel_features.iommufd,
    units: d.units.filter((u) => units.has(u.name)).map(unitCapsOf),
    regions: devs.flatMap((x) => x.reserved_regions.map((r) => ({ start: BigInt(r.start), last: BigInt(r.last), type: r.type }))),
  };
}

function vtdUnit(over: Partial<CapsUnit> = {}): CapsUnit {
  return { name: 'dmar0', type: 'IOMMU_TYPE_INTEL_VTD', pageSizes: 0x40201000n, inputBits: 48, pasidBits: 20, nesting: true, ats: true, scalableMode: true, ...over };
}
function synthetic(name: string, units: CapsUnit[], over: Partial<CapsHost> = {}): CapsHost {
  return { name, arch: 'x86_64', iommufd: true, units, regions: [{ start: 0xfee00000n, last: 0xfeefffffn, type: 'RESERVED_REGION_TYPE_MSI' }], ...over };
}

describe('unitCapsOf: a Describe unit as the algebra reads it', () => {
  it('VT-d units of intel-vtd: dmar0 scalable with nesting and 1 GiB pages, dmar1 legacy-mode', () => {
    const [dmar0, dmar1] = describeProfile(loadProfile('intel-vtd')).units.map(unitCapsOf);
    expect(dmar0).toEqual({ name: 'dmar0', type: 'IOMMU_TYPE_INTEL_VTD', pageSizes: 0x40201000n, inputBits: 48, pasidBits: 20, nesting: true, ats: true, scalableMode: true });
    expect(dmar1).toEqual({ name: 'dmar1', type: 'IOMMU_TYPE_INTEL_VTD', pageSizes: 0x201000n, inputBits: 48, pasidBits: 0, nesting: false, ats: false, scalableMode: false });
  });

  it('SMMUv3 fields come from the IDR images: arm-smmuv3 (S1, OAS 48, 4K|16K|64K, SSIDSIZE 20, RIL, ATS) and arm-smmuv3-s2 (no S1, OAS 44, 4K|64K)', () => {
    const full = unitCapsOf(describeProfile(loadProfile('arm-smmuv3')).units[0]!);
    expect(full.smmu).toEqual({ s1: true, oasBits: 48, granules: [4096, 16384, 65536], ssidBits: 20, ril: true, ats: true });
    const s2 = unitCapsOf(describeProfile(loadProfile('arm-smmuv3-s2')).units[0]!);
    expect(s2.smmu).toEqual({ s1: false, oasBits: 44, granules: [4096, 65536], ssidBits: 0, ril: false, ats: false });
    expect(s2.nesting).toBe(false);
  });

  it('scalable mode from ECAP.SMTS when Describe has no scalable_mode property', () => {
    const u = describeProfile(loadProfile('intel-vtd')).units[0]!;
    expect(unitCapsOf({ ...u, properties: {} }).scalableMode).toBe(true);
    const legacy = describeProfile(loadProfile('intel-vtd-legacy')).units[0]!;
    expect(unitCapsOf({ ...legacy, properties: {} }).scalableMode).toBe(false);
  });

  it('pageSizeNames', () => {
    expect(pageSizeNames(0x40201000n)).toBe('4K|2M|1G');
    expect(pageSizeNames(0n)).toBe('none');
  });
});

describe('INTEL_IOMMU baselines', () => {
  it('intel-vtd + intel-vtd-legacy (profiles.md): 39-bit, caching mode, no scalable mode, no PASID, no x-flts; the legacy host bounds the width', () => {
    const b = baselineOf('INTEL_IOMMU', [host('intel-vtd'), host('intel-vtd-legacy')]);
    expect(b.machine).toBe('q35');
    expect(b.spec).toEqual({
      model: 'VIOMMU_MODEL_INTEL_IOMMU',
      intel: { aw_bits: 39, caching_mode: true, scalable_mode: false, flts: false, pasid_bits: 0, device_iotlb: false, dma_drain: true, snoop_control: false },
    });
    // every assignable unit of intel-vtd counts: dmar1 is legacy-mode, so neither host is scalable
    expect(b.lacking).toEqual(new Map([['intel-vtd-legacy', ['aw-bits 48 (its VT-d is 39-bit)']]]));
    expect(b.reasons[0]).toBe('aw_bits 39: the narrowest host VT-d (intel-vtd-legacy)');
  });

  it('two scalable nesting hosts: x-flts (NESTED), 48-bit, the narrower PASID width; the host with fewer PASID bits lacks them', () => {
    const b = baselineOf('INTEL_IOMMU', [synthetic('a', [vtdUnit()]), synthetic('b', [vtdUnit({ pasidBits: 16 })])]);
    expect(b.spec.intel).toEqual({ aw_bits: 48, caching_mode: true, scalable_mode: true, flts: true, pasid_bits: 16, device_iotlb: false, dma_drain: true, snoop_control: false });
    expect(b.lacking).toEqual(new Map([['b', ['20-bit PASIDs (has 16)']]]));
  });

  it('no x-flts when one host has no 1 GiB pages or no iommufd; that host lacks first-stage nesting', () => {
    const noGig = baselineOf('INTEL_IOMMU', [synthetic('a', [vtdUnit()]), synthetic('b', [vtdUnit({ pageSizes: 0x201000n })])]);
    expect(noGig.spec.intel!.flts).toBe(false);
    expect(noGig.spec.intel!.scalable_mode).toBe(true);
    expect(noGig.lacking.get('b')).toEqual(['first-stage nesting for x-flts (NESTED: a nesting VT-d with 1 GiB pages, over iommufd)']);
    const noIommufd = baselineOf('INTEL_IOMMU', [synthetic('a', [vtdUnit()]), synthetic('b', [vtdUnit()], { iommufd: false })]);
    expect(noIommufd.spec.intel!.flts).toBe(false);
  });

  it('device-iotlb only when every unit has ATS and no PASIDs are offered', () => {
    const b = baselineOf('INTEL_IOMMU', [synthetic('a', [vtdUnit({ scalableMode: false, nesting: false, pasidBits: 0 })])]);
    expect(b.spec.intel).toMatchObject({ scalable_mode: false, pasid_bits: 0, device_iotlb: true });
  });

  it('an Arm host cannot run intel-iommu: it lacks the architecture and VT-d, and takes no part in the meet', () => {
    const b = baselineOf('INTEL_IOMMU', [host('intel-vtd'), host('arm-smmuv3')]);
    expect(b.spec.intel!.aw_bits).toBe(48);
    expect(b.lacking.get('arm-smmuv3')).toEqual(['architecture aarch64: a q35 VM runs on x86_64 hosts only (no migration across architectures)']);
    expect(b.lacking.has('intel-vtd')).toBe(false);
  });

  it('a host whose VT-d is narrower than 39 bits cannot back intel-iommu at all', () => {
    const b = baselineOf('INTEL_IOMMU', [synthetic('a', [vtdUnit()]), synthetic('b', [vtdUnit({ inputBits: 36 })])]);
    expect(b.lacking.get('b')).toContain("a 36-bit IOVA space: intel-iommu's smallest aw-bits is 39");
    expect(b.spec.intel!.aw_bits).toBe(48);
  });
});

describe('VIRTIO_IOMMU baselines', () => {
  it('intel-vtd + intel-vtd-legacy: page sizes 4K|2M, input range 39 bits, MSI window + the NVMe RMRR as RESERVED', () => {
    const b = baselineOf('VIRTIO_IOMMU', [host('intel-vtd'), host('intel-vtd-legacy')]);
    expect(b.machine).toBe('q35');
    expect(b.spec).toEqual({
      model: 'VIOMMU_MODEL_VIRTIO_IOMMU',
      virtio: {
        page_size_mask: String(0x201000),
        input_range: { start: '0', last: String((1n << 39n) - 1n) },
        reserved_regions: [
          { start: String(0xe0000), end: String(0xfffff), subtype: 0 },
          { start: String(0xfee00000), end: String(0xfeefffff), subtype: 1 },
        ],
        reserved_regions_set: true,
      },
    });
    // without devices every assignable unit counts: intel-vtd's dmar1 has no 1 GiB pages either
    expect(b.lacking).toEqual(new Map([['intel-vtd-legacy', ['a 48-bit IOVA space (smallest aperture 39-bit)']]]));
  });

  it('only the NIC units: intel-vtd (dmar0, 4K|2M|1G) against intel-vtd-legacy (4K|2M): the legacy host lacks 1G pages', () => {
    const nicOnly = (h: CapsHost): CapsHost => ({ ...h, units: h.units.filter((u) => u.name === 'dmar0') });
    const b = baselineOf('VIRTIO_IOMMU', [nicOnly(host('intel-vtd')), nicOnly(host('intel-vtd-legacy'))]);
    expect(b.spec.virtio!.page_size_mask).toBe(String(0x201000));
    expect(b.lacking).toEqual(new Map([['intel-vtd-legacy', ['page sizes 1G (has 4K|2M)', 'a 48-bit IOVA space (smallest aperture 39-bit)']]]));
  });

  it('Arm hosts: virt machine, the virt MSI window covers their SW_MSI regions', () => {
    const b = baselineOf('VIRTIO_IOMMU', [host('arm-smmuv3'), host('arm-smmuv3-s2')]);
    expect(b.machine).toBe('virt');
    expect(b.spec.virtio!.reserved_regions).toEqual([{ start: String(0x08000000), end: String(0x080fffff), subtype: 1 }]);
    expect(b.spec.virtio!.input_range).toEqual({ start: '0', last: String((1n << 44n) - 1n) });
  });

  it('hosts sharing no page size: every host lacks a common one', () => {
    const a = synthetic('a', [vtdUnit({ pageSizes: 0x1000n })]);
    const c = synthetic('c', [vtdUnit({ pageSizes: 0x10000n })]);
    const b = baselineOf('VIRTIO_IOMMU', [a, c]);
    expect(b.lacking.get('a')).toContain('a page size common to every host of the pool (the hosts share none)');
    expect(b.lacking.get('c')).toContain('a page size common to every host of the pool (the hosts share none)');
  });
});

describe('guestReservedRegions', () => {
  it('merges overlapping and adjacent host regions, cuts them around the MSI window, drops DIRECT_RELAXABLE', () => {
    const r = guestReservedRegions('q35', [
      { start: 0x1000n, last: 0x1fffn, type: 'RESERVED_REGION_TYPE_DIRECT' },
      { start: 0x2000n, last: 0x2fffn, type: 'RESERVED_REGION_TYPE_RESERVED' },
      { start: 0x1800n, last: 0x2800n, type: 'RESERVED_REGION_TYPE_DIRECT' },
      { start: 0x9000n, last: 0x9fffn, type: 'RESERVED_REGION_TYPE_DIRECT_RELAXABLE' },
      { start: 0xfed00000n, last: 0xfef0ffffn, type: 'RESERVED_REGION_TYPE_RESERVED' },
      { start: 0xfee00000n, last: 0xfeefffffn, type: 'RESERVED_REGION_TYPE_MSI' },
    ]);
    expect(r).toEqual([
      { start: 0x1000n, end: 0x2fffn, subtype: 0 },
      { start: 0xfed00000n, end: 0xfedfffffn, subtype: 0 },
      { start: 0xfee00000n, end: 0xfeefffffn, subtype: 1 },
      { start: 0xfef00000n, end: 0xfef0ffffn, subtype: 0 },
    ]);
  });
});

describe('SMMUV3 baselines', () => {
  it('arm-smmuv3 + arm-smmuv3-s2: never accel (it blocks migration), QEMU accel=off values, granules 4K|64K; the s2 host lacks 16K and stage-1 nesting', () => {
    const b = baselineOf('SMMUV3', [host('arm-smmuv3'), host('arm-smmuv3-s2')]);
    expect(b.machine).toBe('virt');
    expect(b.spec).toEqual({ model: 'VIOMMU_MODEL_SMMUV3', smmuv3: { accel: false, oas: 44, ssidsize: 0, ril: true, ats: false, granules: [4096, 65536], stage: 'SMMUV3_STAGE_1' } });
    expect(b.lacking).toEqual(
      new Map([['arm-smmuv3-s2', ['translation granules 16K', 'stage-1 nesting through an iommufd vIOMMU (accel=on), which would assign devices behind the SMMUv3 (accel blocks migration anyway)']]]),
    );
  });

  it('an x86 host in an SMMUv3 pool lacks the architecture', () => {
    const b = baselineOf('SMMUV3', [host('arm-smmuv3'), host('intel-vtd')]);
    expect(b.lacking.get('intel-vtd')).toEqual(['architecture x86_64: a virt VM runs on aarch64 hosts only (no migration across architectures)']);
    expect(b.spec.smmuv3!.granules).toEqual([4096, 16384, 65536]);
  });
});
