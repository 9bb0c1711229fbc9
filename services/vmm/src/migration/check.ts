/**
 * Whether a VM can live-migrate: its migration blockers on this host (QEMU's, with their texts:
 * hw/vfio/migration.c vfio_migration_realize, hw/arm/smmuv3.c realize), and CheckMigration's
 * every reason it cannot move to a given destination host, with the backend each assigned device
 * would use there. Pure over the VM's configuration and the hosts' descriptions: nothing here
 * changes a VM or a host.
 *
 * Dirty tracking of an assigned device's DMA (what QEMU's realize checks before it lets a VFIO
 * device migrate): device DMA logging (VFIO_DEVICE_FEATURE_DMA_LOGGING_*) or IOMMU dirty
 * tracking. QEMU prefers device logging; the host offers no DMA_LOGGING calls, so the vmm uses
 * the IOMMU's wherever the host has it (QEMU with x-device-dirty-page-tracking=off) and device
 * logging only decides the blockers where it is all there is. On iommufd IOMMU tracking is a HWPT allocated with
 * IOMMU_HWPT_ALLOC_DIRTY_TRACKING on a unit with IOMMU_HW_CAP_DIRTY_TRACKING (QEMU's
 * iommufd_cdev_autodomains_get; the vmm allocates its HWPTs so); an SMMUv3 nest parent takes no
 * DIRTY_TRACKING. A legacy type1 container tracks with VFIO_IOMMU_DIRTY_PAGES, reporting every
 * mapped page dirty; QEMU counts it only with enable-migration=on (a warning then, its auto mode
 * blocks) — the twin counts it, so pools with type1 hosts can migrate, every mapped page resent
 * each round. iommufd's compatibility container serves no DIRTY_PAGES (ENOTTY).
 */
import * as grpc from '@grpc/grpc-js';
import { DomainError, type StatusName } from '#libs/errno/index.js';
import { call } from '#libs/rpc/client.js';
import { VFIO_MIGRATION_P2P, VFIO_MIGRATION_PRE_COPY, VFIO_MIGRATION_STOP_COPY } from '#libs/profile/describe.js';
import { peerClients } from './peer.js';
import { hostDescriptionOf, type HostDescription, type HostDevice } from '../hostlink/hostlink.js';
import type { DeviceConfig, VfioDeviceConfig, VmConfig } from '../machine/config.js';
import { VmManager, type Vm } from '../machine/vmm.js';

export interface MigrationViolation {
  device?: string;
  /** UPPER_SNAKE code */
  reason: string;
  /** QEMU's text where QEMU has one */
  detail: string;
}

/** VFIO_DEVICE_FEATURE_MIGRATION flags (include/uapi/linux/vfio.h). */
export { VFIO_MIGRATION_P2P, VFIO_MIGRATION_PRE_COPY, VFIO_MIGRATION_STOP_COPY };

/** How an assigned device's DMA is dirty-tracked on a host ('none': it is not). */
export type DmaDirtyTracking = 'iommu-hwpt' | 'type1' | 'device-logging' | 'none';

/** The arch whose hosts run a machine type (QEMU: q35 is qemu-system-x86_64's, virt qemu-system-aarch64's). */
const MACHINE_ARCH: ReadonlyMap<string, string> = new Map([
  ['q35', 'x86_64'],
  ['virt', 'aarch64'],
]);

function vfioDevices(devices: readonly DeviceConfig[]): VfioDeviceConfig[] {
  return devices.filter((d): d is VfioDeviceConfig => d.kind === 'vfio');
}

/** The backend a device of `cfg` uses on any host (never chosen by the host: guest-visible). */
export function backendOf(cfg: VmConfig): 'NONE' | 'EMULATED' | 'NESTED' {
  if (cfg.viommu.model === 'NONE') return 'NONE';
  if (cfg.viommu.intel?.flts || cfg.viommu.smmuv3?.accel) return 'NESTED';
  return 'EMULATED';
}

/**
 * How `d`'s DMA would be dirty-tracked on host `desc`: the IOMMU's where the host has it (an
 * iommufd HWPT with dirty tracking, or the native type1 container), else the device's own DMA
 * logging where it has that, else not at all.
 */
export function dmaDirtyTracking(cfg: VmConfig, d: VfioDeviceConfig, hd: HostDevice, desc: HostDescription): DmaDirtyTracking {
  if (d.legacyContainer) return desc.kernel.nativeType1 ? 'type1' : hd.dmaLogging ? 'device-logging' : 'none';
  const unit = desc.units.find((u) => u.name === hd.unit);
  // arm_smmu_domain_alloc_paging_flags: a nest parent takes no DIRTY_TRACKING (reference §A.12)
  const nestParentOnSmmu = backendOf(cfg) === 'NESTED' && unit?.type === 'IOMMU_TYPE_ARM_SMMUV3';
  if (desc.kernel.iommufd && unit?.dirtyTracking && !nestParentOnSmmu) return 'iommu-hwpt';
  return hd.dmaLogging ? 'device-logging' : 'none';
}

/**
 * The assigned devices' blockers on host `desc` (QEMU's vfio_migration_realize, in its order).
 * `fallback` (device id → host device) stands in for a device `desc` no longer lists; without it
 * (a destination, or a VM not yet created) such a device is skipped: the plug checks report it.
 */
export function deviceBlockers(cfg: VmConfig, desc: HostDescription, fallback: ReadonlyMap<string, HostDevice> | undefined): MigrationViolation[] {
  const out: MigrationViolation[] = [];
  const migratable: Array<{ d: VfioDeviceConfig; flags: number }> = [];
  for (const d of vfioDevices(cfg.devices)) {
    const hd = desc.devices.find((x) => x.bdf === d.hostBdf) ?? fallback?.get(d.id);
    if (!hd) {
      // on a destination the plug checks report it already
      if (fallback !== undefined) out.push({ device: d.id, reason: 'HOST_DEVICE_MISSING', detail: `${d.hostBdf}: no such PCI device on host ${desc.name}` });
      continue;
    }
    const flags = hd.migrationFlags ?? 0;
    // vfio_migration_init: VFIO_DEVICE_FEATURE_MIGRATION without mig_ops is ENOTTY
    if ((flags & VFIO_MIGRATION_STOP_COPY) === 0) {
      out.push({ device: d.id, reason: 'VFIO_MIGRATION_NOT_SUPPORTED', detail: `${d.hostBdf}: VFIO migration is not supported in kernel` });
      continue;
    }
    migratable.push({ d, flags });
    const tracking = dmaDirtyTracking(cfg, d, hd, desc);
    if (tracking === 'none') {
      out.push({ device: d.id, reason: 'VFIO_DIRTY_TRACKING_UNSUPPORTED', detail: `${d.hostBdf}: VFIO device doesn't support device and IOMMU dirty tracking` });
    } else if (tracking === 'device-logging') {
      if (cfg.viommu.model !== 'NONE') out.push({ device: d.id, reason: 'VFIO_VIOMMU_DEVICE_DIRTY_TRACKING', detail: `${d.hostBdf}: Migration is currently not supported with vIOMMU enabled` });
      else out.push({ device: d.id, reason: 'DEVICE_DIRTY_LOGGING_NOT_MODELLED', detail: `${d.hostBdf}: only device DMA logging could track this device's DMA on host ${desc.name}, and the host offers no VFIO_DEVICE_FEATURE_DMA_LOGGING calls` });
    }
  }
  // vfio_multiple_devices_migration_is_supported
  if (migratable.length > 1 && migratable.some((m) => (m.flags & VFIO_MIGRATION_P2P) === 0)) {
    out.push({ reason: 'VFIO_MULTIPLE_DEVICES_NO_P2P', detail: 'Multiple VFIO devices migration is supported only if all of them support P2P migration' });
  }
  return out;
}

/** Blockers of the VM's configuration itself (any host). */
function configBlockers(cfg: VmConfig): MigrationViolation[] {
  // QEMU registers this blocker at realize of an arm-smmuv3 with accel=on
  if (cfg.viommu.smmuv3?.accel) return [{ reason: 'SMMUV3_ACCEL', detail: 'Migration not supported with SMMUv3 accelerator mode enabled' }];
  return [];
}

/** The host devices the VM's assigned devices were plugged with (when `desc` no longer lists one). */
function pluggedDevices(vm: Vm): Map<string, HostDevice> {
  const out = new Map<string, HostDevice>();
  for (const [id, rt] of vm.vfio) out.set(id, rt.host);
  return out;
}

/** VmInfo.migration_blockers of a VM on this host (QEMU's blockers, B.3; reason codes). */
export function migrationBlockers(vm: Vm, desc: HostDescription): MigrationViolation[] {
  return [...configBlockers(vm.cfg), ...deviceBlockers(vm.cfg, desc, pluggedDevices(vm))];
}

/**
 * VmInfo.migration_blockers: migrationBlockers against this vmm's host as last described; before
 * the vmm has read its host, the configuration's own blockers and, with assigned devices, that
 * theirs are not known yet.
 */
export function vmMigrationBlockers(vm: Vm, desc: HostDescription | undefined): MigrationViolation[] {
  if (desc) return migrationBlockers(vm, desc);
  const out = configBlockers(vm.cfg);
  if (vfioDevices(vm.cfg.devices).length > 0) out.push({ reason: 'HOST_NOT_DESCRIBED', detail: 'the vmm has not read its host (Platform.Describe) yet: the assigned devices\' migration blockers are not known' });
  return out;
}

/** The VFIO path `d` takes on host `desc`: iommufd, or the legacy container and which one serves it. */
export function vfioPathOf(d: VfioDeviceConfig, desc: HostDescription): string {
  if (!d.legacyContainer) return 'iommufd';
  return `legacy container (${desc.kernel.nativeType1 ? 'native-type1' : desc.kernel.vfioCompatContainer ? 'iommufd-compat' : 'none'})`;
}

/** Where `d` goes on host `desc`: its backend, the VFIO path and how its DMA is dirty-tracked there. */
export function planOf(cfg: VmConfig, d: VfioDeviceConfig, desc: HostDescription): string {
  const hd = desc.devices.find((x) => x.bdf === d.hostBdf);
  if (!hd) return `refused: no PCI device ${d.hostBdf} on host ${desc.name}`;
  return `${backendOf(cfg)} via ${vfioPathOf(d, desc)}, dirty tracking ${dmaDirtyTracking(cfg, d, hd, desc)}`;
}

/**
 * The VM's configuration as a vmm on host `desc` places it: the VFIO path of each assigned device
 * (iommufd or the legacy container) is the host's business, not the guest's, so a device keeps
 * its path when that host serves it and can dirty-track its DMA there, else it takes the other
 * path when that one can (an iommufd VM landing on a host without iommufd uses the type1
 * container; a type1 VM landing on an iommufd host whose container is iommufd's compatibility
 * layer, which has no DIRTY_PAGES, uses iommufd). Otherwise it keeps its path (and the checks
 * report why it cannot move). Everything guest-visible is unchanged.
 */
export function placeOnHost(cfg: VmConfig, desc: HostDescription): VmConfig {
  const container = desc.kernel.nativeType1 || desc.kernel.vfioCompatContainer;
  let objects = cfg.iommufdObjects;
  let changed = false;
  const devices = cfg.devices.map((d): DeviceConfig => {
    if (d.kind !== 'vfio') return d;
    const hd = desc.devices.find((x) => x.bdf === d.hostBdf);
    if (!hd) return d;
    const viaIommufd = desc.kernel.iommufd && hd.cdev !== '';
    const works = (legacy: boolean) => (legacy ? container : viaIommufd) && dmaDirtyTracking(cfg, { ...d, legacyContainer: legacy }, hd, desc) !== 'none';
    if (works(d.legacyContainer) || !works(!d.legacyContainer)) return d;
    changed = true;
    if (d.legacyContainer) {
      // the device's iommufd object: the VM's first one, or a new one opened by the VM process
      if (objects.length === 0) objects = [{ id: 'iommufd0' }];
      const { fd: _fd, ...rest } = d;
      return { ...rest, legacyContainer: false, iommufd: objects[0]!.id };
    }
    const { fd: _fd, ...rest } = d;
    return { ...rest, legacyContainer: true, iommufd: '' };
  });
  return changed ? { ...cfg, iommufdObjects: objects, devices } : cfg;
}

/**
 * Every reason `vm` cannot move to a vmm whose host is `dst` and which already has `dstVms`
 * (name → state without the VM_STATE_ prefix, as peerDescribe gives them); and the per-device
 * backend it would use there. Pure: changes nothing.
 */
export function checkMigration(vm: Vm, src: HostDescription, dst: HostDescription, dstVms: ReadonlyMap<string, string>): { violations: MigrationViolation[]; plan: Record<string, string> } {
  const cfg = vm.cfg;
  // as the destination places the VM (its VFIO paths)
  const placed = placeOnHost(cfg, dst);
  const violations: MigrationViolation[] = [];
  if (vm.state !== 'RUNNING') violations.push({ reason: 'VM_NOT_RUNNING', detail: `VM ${vm.name} is ${vm.state}: only a running VM migrates` });
  if (vm.hostObjectsLost) violations.push({ reason: 'HOST_OBJECTS_LOST', detail: `VM ${vm.name} lost its host objects (${vm.message})` });
  violations.push(...migrationBlockers(vm, src));
  // the destination must run the same machine on the same architecture
  if (src.arch !== dst.arch) violations.push({ reason: 'ARCH_MISMATCH', detail: `source host ${src.name} is ${src.arch}, destination host ${dst.name} is ${dst.arch}` });
  const machineArch = MACHINE_ARCH.get(cfg.machine);
  if (machineArch !== dst.arch) violations.push({ reason: 'MACHINE_TYPE_UNSUPPORTED', detail: `machine type '${cfg.machine}' is a ${machineArch ?? 'unknown'} machine; destination host ${dst.name} is ${dst.arch}` });
  // the name: free there, or the destination prepared for it (QEMU -incoming)
  const there = dstVms.get(vm.name);
  if (there !== undefined && there !== 'INCOMING') {
    violations.push({ reason: 'VM_NAME_IN_USE', detail: `the destination vmm already has a VM named '${vm.name}' (${there}), not one prepared for this migration (INCOMING)` });
  }
  // the guest-visible configuration, checked against the destination's host as a plug there would be
  for (const v of VmManager.prototype.plugChecks(placed, placed.devices, dst)) {
    violations.push({ device: v.device, reason: 'VIOMMU_HOST_INCOMPATIBLE', detail: `destination host ${dst.name}: ${v.rule}: ${v.detail}` });
  }
  // the assigned devices must resume there (RESUMING needs migration support) and be tracked there too
  for (const v of deviceBlockers(placed, dst, undefined)) {
    violations.push({ ...v, detail: `${v.detail} (on destination host ${dst.name})` });
  }
  const plan: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const d of vfioDevices(placed.devices)) plan[d.id] = planOf(placed, d, dst);
  return { violations, plan };
}

/** One line per violation (CheckMigrationResponse.violations, Migrate's refusal). */
export function formatViolation(v: MigrationViolation): string {
  return `${v.reason}${v.device !== undefined ? ` [${v.device}]` : ''}: ${v.detail}`;
}

/** A destination vmm's refusal, as the source reports it (anything else: the peer is unreachable). */
const PEER_STATUS: ReadonlyMap<number, StatusName> = new Map([
  [grpc.status.UNAUTHENTICATED, 'UNAUTHENTICATED'],
  [grpc.status.PERMISSION_DENIED, 'PERMISSION_DENIED'],
  [grpc.status.UNIMPLEMENTED, 'UNIMPLEMENTED'],
  [grpc.status.FAILED_PRECONDITION, 'FAILED_PRECONDITION'],
]);

/**
 * The destination vmm's host and VMs, as a source vmm needs them for CheckMigration: its
 * GetHostCapabilities.host_description and ListVms (name → VM_STATE_*), over a vmm → vmm client
 * with the destination's root token and the host link's channel credentials.
 */
export async function peerDescribe(addr: string, token: string, credentials?: grpc.ChannelCredentials): Promise<{ host: HostDescription; vms: Map<string, string> }> {
  const peer = peerClients(addr, token, credentials);
  try {
    const caps = await call(peer.Vmm.GetHostCapabilities, {});
    if (!caps.host_description) throw new DomainError('FAILED_PRECONDITION', 'PEER_NO_HOST_DESCRIPTION', `the vmm at ${addr} does not describe its host (GetHostCapabilities.host_description): it cannot be a migration destination`, { destination: addr });
    const list = await call(peer.Vmm.ListVms, {});
    const vms = new Map<string, string>();
    for (const v of list.vms) if (v.spec) vms.set(v.spec.name, String(v.state).replace(/^VM_STATE_/, ''));
    return { host: hostDescriptionOf(caps.host_description), vms };
  } catch (e) {
    if (e instanceof DomainError) throw e;
    const err = e as grpc.ServiceError;
    const status = PEER_STATUS.get(err.code) ?? 'UNAVAILABLE';
    throw new DomainError(status, status === 'UNAVAILABLE' ? 'PEER_UNREACHABLE' : 'PEER_REFUSED', `destination vmm ${addr}: ${err.details ?? err.message}`, { destination: addr });
  } finally {
    peer.close();
  }
}

