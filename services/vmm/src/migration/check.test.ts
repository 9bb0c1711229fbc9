/** Migration blockers (QEMU's texts) and CheckMigration's every violation against a destination host (pure). */
import { describe, expect, it } from 'vitest';
import type { HostDescription, HostDevice, HostUnit } from '../hostlink/hostlink.js';
import { parseVmSpec } from '../machine/config.js';
import { Vm } from '../machine/vmm.js';
import { checkMigration, formatViolation, migrationBlockers, placeOnHost, vmMigrationBlockers } from './check.js';

const STOP_COPY = 1;
const P2P = 2;
const PRE_COPY = 4;

const VTD_RESV = [{ start: 0xfee00000n, last: 0xfeefffffn, type: 'RESERVED_REGION_TYPE_MSI' }];

function unit(dirtyTracking: boolean, over: Partial<HostUnit> = {}): HostUnit {
  return { name: 'dmar0', type: 'IOMMU_TYPE_INTEL_VTD', pageSizes: 0x40201000n, inputBits: 48, pasidBits: 20, nesting: true, dirtyTracking, ...over };
}

function dev(bdf: string, group: number, migrationFlags: number, over: Partial<HostDevice> = {}): HostDevice {
  return { bdf, cdev: `vfio${group}`, group, unit: 'dmar0', driver: 'vfio-pci', reservedRegions: VTD_RESV, bars: [{ index: 0, size: 0x10000n }], present: true, migrationFlags, dmaLogging: false, ...over };
}

/** An intel-vtd-like host: iommufd, a dirty-tracking VT-d, a NIC (STOP_COPY|P2P|PRE_COPY), an NVMe (no migration), a GPU (STOP_COPY only). */
function vtdHost(over: Partial<HostDescription> = {}): HostDescription {
  return {
    name: 'vtd-a',
    arch: 'x86_64',
    units: [unit(true)],
    devices: [dev('0000:01:00.0', 1, STOP_COPY | P2P | PRE_COPY), dev('0000:02:00.0', 2, 0), dev('0000:03:00.0', 3, STOP_COPY)],
    iommufd: true,
    kernel: { iommufd: true, vfioCompatContainer: true, nativeType1: false, dmabufP2p: true },
    groups: [1, 2, 3].map((id) => ({ id, viable: true, devices: [] })),
    bootId: 'boot-a',
    ...over,
  };
}

/** An intel-vtd-legacy-like host: no iommufd, native type1, a VT-d without dirty tracking. */
function legacyHost(): HostDescription {
  const h = vtdHost({ name: 'legacy-b', units: [unit(false, { nesting: false, inputBits: 39, pageSizes: 0x201000n })], iommufd: false, kernel: { iommufd: false, vfioCompatContainer: false, nativeType1: true, dmabufP2p: false } });
  h.devices = h.devices.map((d) => ({ ...d, cdev: '' }));
  return h;
}

const nic = (id: string, hostBdf: string, legacy = false) => ({ id, vfio: { host_bdf: hostBdf, ...(legacy ? { legacy_container: true } : { iommufd: 'iommufd0' }) } });

function vmOf(devices: unknown[], viommu: object = { model: 'VIOMMU_MODEL_VIRTIO_IOMMU' }, state: Vm['state'] = 'RUNNING', name = 'vm1'): Vm {
  const cfg = parseVmSpec({ name, memory_bytes: String(64n << 20n), machine: 'q35', viommu, iommufd_objects: [{ id: 'iommufd0' }], devices });
  const vm = new Vm(cfg, { bootId: 'boot-a', pid: 10, startTime: 1n });
  vm.state = state;
  return vm;
}

describe('migrationBlockers (QEMU vfio_migration_realize, B.3)', () => {
  it('a NIC with STOP_COPY on a dirty-tracking iommufd unit has none', () => {
    expect(migrationBlockers(vmOf([nic('nic0', '0000:01:00.0')]), vtdHost())).toEqual([]);
  });

  it('a device without migration: "VFIO migration is not supported in kernel", and nothing more for it (QEMU stops at init)', () => {
    const h = vtdHost({ units: [unit(false)] });
    expect(migrationBlockers(vmOf([nic('nvme0', '0000:02:00.0')]), h)).toEqual([{ device: 'nvme0', reason: 'VFIO_MIGRATION_NOT_SUPPORTED', detail: '0000:02:00.0: VFIO migration is not supported in kernel' }]);
  });

  it('no IOMMU dirty tracking and no device logging: "VFIO device doesn\'t support device and IOMMU dirty tracking"', () => {
    expect(migrationBlockers(vmOf([nic('nic0', '0000:01:00.0')]), vtdHost({ units: [unit(false)] }))).toEqual([
      { device: 'nic0', reason: 'VFIO_DIRTY_TRACKING_UNSUPPORTED', detail: "0000:01:00.0: VFIO device doesn't support device and IOMMU dirty tracking" },
    ]);
  });

  it('legacy container: native type1 tracks (DIRTY_PAGES), iommufd\'s compatibility container does not', () => {
    const vm = vmOf([nic('nic0', '0000:01:00.0', true)]);
    expect(migrationBlockers(vm, legacyHost())).toEqual([]);
    const compat = vtdHost({ units: [unit(false)] });
    expect(migrationBlockers(vm, compat).map((b) => b.reason)).toEqual(['VFIO_DIRTY_TRACKING_UNSUPPORTED']);
    // a dirty-tracking unit does not help a type1-compat container: the HWPT is iommufd's business
    expect(migrationBlockers(vm, vtdHost()).map((b) => b.reason)).toEqual(['VFIO_DIRTY_TRACKING_UNSUPPORTED']);
  });

  it('device DMA logging behind a vIOMMU: "Migration is currently not supported with vIOMMU enabled"', () => {
    const h = vtdHost({ units: [unit(false)] });
    h.devices[0] = { ...h.devices[0]!, dmaLogging: true };
    expect(migrationBlockers(vmOf([nic('nic0', '0000:01:00.0')]), h)).toEqual([{ device: 'nic0', reason: 'VFIO_VIOMMU_DEVICE_DIRTY_TRACKING', detail: '0000:01:00.0: Migration is currently not supported with vIOMMU enabled' }]);
  });

  it('two migratable devices, one without P2P: the multiple-devices blocker; two with P2P: none', () => {
    const two = vmOf([nic('nic0', '0000:01:00.0'), nic('gpu0', '0000:03:00.0')]);
    expect(migrationBlockers(two, vtdHost())).toEqual([{ reason: 'VFIO_MULTIPLE_DEVICES_NO_P2P', detail: 'Multiple VFIO devices migration is supported only if all of them support P2P migration' }]);
    const h = vtdHost();
    h.devices[2] = { ...h.devices[2]!, migrationFlags: STOP_COPY | P2P };
    expect(migrationBlockers(two, h)).toEqual([]);
    // a device that cannot migrate at all does not count among the migratable ones
    expect(migrationBlockers(vmOf([nic('nic0', '0000:01:00.0'), nic('nvme0', '0000:02:00.0')]), vtdHost()).map((b) => b.reason)).toEqual(['VFIO_MIGRATION_NOT_SUPPORTED']);
  });

  it('SMMUv3 accel: QEMU\'s realize blocker, and its nest parent cannot track dirty pages', () => {
    const h = vtdHost({ name: 'arm', arch: 'aarch64', units: [unit(true, { name: 'smmu0', type: 'IOMMU_TYPE_ARM_SMMUV3' })] });
    h.devices = h.devices.map((d) => ({ ...d, unit: 'smmu0', reservedRegions: [] }));
    const cfg = parseVmSpec({ name: 'a', memory_bytes: String(64n << 20n), machine: 'virt', viommu: { model: 'VIOMMU_MODEL_SMMUV3', smmuv3: { accel: true } }, iommufd_objects: [{ id: 'iommufd0' }], devices: [nic('nic0', '0000:01:00.0')] });
    const vm = new Vm(cfg, { bootId: 'b', pid: 1, startTime: 1n });
    expect(migrationBlockers(vm, h)).toEqual([
      { reason: 'SMMUV3_ACCEL', detail: 'Migration not supported with SMMUv3 accelerator mode enabled' },
      { device: 'nic0', reason: 'VFIO_DIRTY_TRACKING_UNSUPPORTED', detail: "0000:01:00.0: VFIO device doesn't support device and IOMMU dirty tracking" },
    ]);
  });

  it('before the host was described: the configuration\'s blockers and that the devices\' are unknown', () => {
    expect(vmMigrationBlockers(vmOf([nic('nic0', '0000:01:00.0')]), undefined).map((b) => b.reason)).toEqual(['HOST_NOT_DESCRIBED']);
    expect(vmMigrationBlockers(vmOf([]), undefined)).toEqual([]);
  });
});

describe('checkMigration', () => {
  it('a NIC VM between two dirty-tracking iommufd hosts: compatible, planned EMULATED via iommufd', () => {
    const r = checkMigration(vmOf([nic('nic0', '0000:01:00.0')]), vtdHost(), vtdHost({ name: 'vtd-b' }), new Map());
    expect(r).toEqual({ violations: [], plan: { nic0: 'EMULATED via iommufd, dirty tracking iommu-hwpt' } });
  });

  it('legacy container VM to a type1 host: planned through its container with type1 tracking', () => {
    const r = checkMigration(vmOf([nic('nic0', '0000:01:00.0', true)], { model: 'VIOMMU_MODEL_NONE' }), legacyHost(), legacyHost(), new Map([['vm1', 'INCOMING']]));
    expect(r.violations).toEqual([]);
    expect(r.plan).toEqual({ nic0: 'NONE via legacy container (native-type1), dirty tracking type1' });
  });

  it('every violation, not the first: source blockers, destination plug checks and blockers, arch, machine, name', () => {
    const vm = vmOf([nic('nic0', '0000:01:00.0'), nic('nvme0', '0000:02:00.0')]);
    const dst = legacyHost();
    dst.arch = 'aarch64';
    dst.devices[0] = { ...dst.devices[0]!, migrationFlags: 0 };
    const r = checkMigration(vm, vtdHost(), dst, new Map([['vm1', 'RUNNING']]));
    expect(r.violations.map(formatViolation)).toEqual([
      'VFIO_MIGRATION_NOT_SUPPORTED [nvme0]: 0000:02:00.0: VFIO migration is not supported in kernel',
      'ARCH_MISMATCH: source host vtd-a is x86_64, destination host legacy-b is aarch64',
      "MACHINE_TYPE_UNSUPPORTED: machine type 'q35' is a x86_64 machine; destination host legacy-b is aarch64",
      "VM_NAME_IN_USE: the destination vmm already has a VM named 'vm1' (RUNNING), not one prepared for this migration (INCOMING)",
      // the guest-visible configuration against the destination (placed on its type1 container):
      // the virtio-iommu's 48-bit input range is beyond the 39-bit legacy VT-d
      'VIOMMU_HOST_INCOMPATIBLE [nic0]: destination host legacy-b: input range: guest input range [0x0, 0xffffffffffff] does not fit host aperture [0, 0x7fffffffff] of dmar0',
      'VIOMMU_HOST_INCOMPATIBLE [nvme0]: destination host legacy-b: input range: guest input range [0x0, 0xffffffffffff] does not fit host aperture [0, 0x7fffffffff] of dmar0',
      'VFIO_MIGRATION_NOT_SUPPORTED [nic0]: 0000:01:00.0: VFIO migration is not supported in kernel (on destination host legacy-b)',
      'VFIO_MIGRATION_NOT_SUPPORTED [nvme0]: 0000:02:00.0: VFIO migration is not supported in kernel (on destination host legacy-b)',
    ]);
    // the destination has no iommufd: both devices are placed on its type1 container
    expect(r.plan).toEqual({ nic0: 'EMULATED via legacy container (native-type1), dirty tracking type1', nvme0: 'EMULATED via legacy container (native-type1), dirty tracking type1' });
  });

  it('a destination unit without dirty tracking and a VM not running', () => {
    const r = checkMigration(vmOf([nic('nic0', '0000:01:00.0')], undefined, 'DEFINED'), vtdHost(), vtdHost({ name: 'vtd-c', units: [unit(false)] }), new Map([['other', 'RUNNING']]));
    expect(r.violations).toEqual([
      { reason: 'VM_NOT_RUNNING', detail: 'VM vm1 is DEFINED: only a running VM migrates' },
      { device: 'nic0', reason: 'VFIO_DIRTY_TRACKING_UNSUPPORTED', detail: "0000:01:00.0: VFIO device doesn't support device and IOMMU dirty tracking (on destination host vtd-c)" },
    ]);
  });

  it('placeOnHost: the VFIO path follows the destination (iommufd ↔ type1 container), nothing guest-visible changes', () => {
    const onVtd = vmOf([nic('nic0', '0000:01:00.0')]).cfg;
    const onLegacy = placeOnHost(onVtd, legacyHost());
    expect(onLegacy.devices).toEqual([{ ...onVtd.devices[0], legacyContainer: true, iommufd: '' }]);
    expect(onLegacy.viommu).toBe(onVtd.viommu);
    // back: iommufd's compatibility container has no DIRTY_PAGES, so the device takes iommufd again
    expect(placeOnHost(onLegacy, vtdHost()).devices).toEqual(onVtd.devices);
    // a path the destination serves and tracks is kept (the same object)
    expect(placeOnHost(onVtd, vtdHost())).toBe(onVtd);
    // a legacy-container VM without iommufd objects gets one for the device
    const bare = parseVmSpec({ name: 'l', memory_bytes: String(64n << 20n), machine: 'q35', viommu: { model: 'VIOMMU_MODEL_NONE' }, devices: [nic('nic0', '0000:01:00.0', true)] });
    const placed = placeOnHost(bare, vtdHost());
    expect(placed.iommufdObjects).toEqual([{ id: 'iommufd0' }]);
    expect(placed.devices[0]).toMatchObject({ legacyContainer: false, iommufd: 'iommufd0' });
  });

  it('changes nothing: the VM and both descriptions are as they were', () => {
    const vm = vmOf([nic('nic0', '0000:01:00.0')]);
    const src = vtdHost();
    const dst = legacyHost();
    const before = JSON.stringify([vm.cfg, vm.state, src, dst], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    checkMigration(vm, src, dst, new Map());
    expect(JSON.stringify([vm.cfg, vm.state, src, dst], (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).toBe(before);
  });
});
