/** gRPC adapters of the vmm: decode → VmManager → encode. */
import { DomainError } from '#libs/errno/index.js';
import { clientStream, serverStream, unary } from '#libs/rpc/handlers.js';
import { vmmService, type ServiceRegistration } from '#libs/rpc/proto.js';
import { followLog } from '#libs/seqlog/index.js';
import { parseU64, u64 } from '#libs/u64/index.js';
import { NO_PASID } from '../viommu/intel-iommu/translate.js';
import { parseVmSpec, SMMU_MMIO, VTD_MMIO, type DeviceConfig, type VmConfig } from '../machine/config.js';
import type { VfioRuntime, Vm, VmManager } from '../machine/vmm.js';
import type { HostDescription, HostLinkStatus } from '../hostlink/hostlink.js';
import { checkMigration, formatViolation, peerDescribe, vmMigrationBlockers } from '../migration/check.js';
import { computeBaseline } from '../migration/baseline.js';
import { iommufdReplacement } from '../backends/p2p.js';
import { migrate } from '../migration/source.js';
import { receiveMigration } from '../migration/destination.js';
import type { VirtioIommu, RequestResult } from '../viommu/virtio-iommu.js';
import * as W from '../viommu/wire.js';
import type { VirtioIommuRequestRequest__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/VirtioIommuRequestRequest.js';

/** Guest.VirtioIommuRequest: typed requests are encoded to the exact wire bytes; raw goes as is. */
async function viommuRequest(dev: VirtioIommu, req: VirtioIommuRequestRequest__Output) {
  let r: RequestResult;
  let properties: W.ProbeProperty[] = [];
  switch (req.req) {
    case 'attach': {
      const a = req.attach!;
      const bytes = W.encodeAttach({ domain: a.domain, endpoint: a.endpoint, flags: a.flags });
      new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(16, a.reserved, true);
      r = await dev.request(bytes, W.TAIL_SIZE);
      break;
    }
    case 'detach':
      r = await dev.detach({ domain: req.detach!.domain, endpoint: req.detach!.endpoint });
      break;
    case 'map': {
      const m = req.map!;
      r = await dev.map({ domain: m.domain, virtStart: parseU64(m.virt_start, 'virt_start'), virtEnd: parseU64(m.virt_end, 'virt_end'), physStart: parseU64(m.phys_start, 'phys_start'), flags: m.flags });
      break;
    }
    case 'unmap': {
      const u = req.unmap!;
      r = await dev.unmap({ domain: u.domain, virtStart: parseU64(u.virt_start, 'virt_start'), virtEnd: parseU64(u.virt_end, 'virt_end') });
      break;
    }
    case 'probe': {
      const p = await dev.probe({ endpoint: req.probe!.endpoint });
      r = p;
      properties = p.properties;
      break;
    }
    case 'raw':
      r = await dev.request(req.raw!.request, req.raw!.writable_len);
      break;
    default:
      throw new DomainError('INVALID_ARGUMENT', 'EMPTY_REQUEST', 'one of attach, detach, map, unmap, probe or raw is required');
  }
  return {
    ...(r.status !== undefined ? { status: r.status } : {}),
    used_len: r.usedLen,
    properties: properties.map((p) => ({ type: p.type, subtype: p.subtype ?? 0, start: u64(p.start ?? 0n), end: u64(p.end ?? 0n) })),
    raw: Buffer.from(r.writable.buffer, r.writable.byteOffset, r.writable.byteLength),
  };
}

function specMessage(cfg: VmConfig) {
  const v = cfg.viommu.virtio;
  const intel = cfg.viommu.intel;
  const smmu = cfg.viommu.smmuv3;
  return {
    name: cfg.name,
    memory_bytes: u64(cfg.memoryBytes),
    machine: cfg.machine,
    viommu: {
      model: `VIOMMU_MODEL_${cfg.viommu.model}` as const,
      ...(v
        ? {
            virtio: {
              page_size_mask: u64(v.pageSizeMask),
              input_range: { start: u64(v.inputRange.start), last: u64(v.inputRange.end) },
              domain_range_start: v.domainRange.start,
              domain_range_end: v.domainRange.end,
              probe_size: v.probeSize,
              boot_bypass: v.bootBypass,
              reserved_regions: v.reservedRegions.map((r) => ({ start: u64(r.start), end: u64(r.end), subtype: r.subtype })),
              reserved_regions_set: true,
              offered_features: u64(v.offeredFeatures),
            },
          }
        : {}),
      ...(intel
        ? {
            intel: {
              aw_bits: intel.awBits,
              caching_mode: intel.cachingMode,
              scalable_mode: intel.scalableMode,
              flts: intel.flts,
              pasid_bits: intel.pasidBits,
              device_iotlb: intel.deviceIotlb,
              dma_drain: intel.dmaDrain,
              snoop_control: intel.snoopControl,
            },
          }
        : {}),
      ...(smmu
        ? {
            smmuv3: {
              stage: smmu.stage === 'nested' ? ('SMMUV3_STAGE_NESTED' as const) : smmu.stage === 2 ? ('SMMUV3_STAGE_2' as const) : ('SMMUV3_STAGE_1' as const),
              accel: smmu.accel,
              oas: smmu.oas,
              ssidsize: smmu.ssidsize,
              ril: smmu.ril,
              ats: smmu.ats,
              granules: [...(smmu.granules.g4k ? [4096] : []), ...(smmu.granules.g16k ? [16384] : []), ...(smmu.granules.g64k ? [65536] : [])],
            },
          }
        : {}),
    },
    iommufd_objects: cfg.iommufdObjects.map((o) => ({ id: o.id, ...(o.fd !== undefined ? { fd: o.fd } : {}) })),
    devices: cfg.devices.map(deviceSpecMessage),
  };
}

function deviceSpecMessage(d: DeviceConfig) {
  if (d.kind === 'virtio') return { id: d.id, guest_bdf: d.guestBdf, virtio: { type: d.type === 'net' ? ('VIRTIO_DEVICE_TYPE_NET' as const) : ('VIRTIO_DEVICE_TYPE_BLK' as const), access_platform: d.accessPlatform } };
  return { id: d.id, guest_bdf: d.guestBdf, vfio: { host_bdf: d.hostBdf, iommufd: d.iommufd, legacy_container: d.legacyContainer, backend: `VFIO_BACKEND_${d.backend}` as const, ...(d.fd !== undefined ? { fd: d.fd } : {}), p2p: d.p2p ?? false } };
}

/**
 * VmInfo of `vm`; its migration blockers are QEMU's against `host` (the vmm's host as last
 * described; without one, only that they are not known yet).
 */
export function vmInfo(vm: Vm, host?: HostDescription) {
  const blockers = vmMigrationBlockers(vm, host).map((b) => ({ reason: b.reason, detail: b.detail }));
  return {
    spec: specMessage(vm.cfg),
    state: `VM_STATE_${vm.state}` as const,
    host_pid: vm.hostPid,
    devices: vm.cfg.devices.map((d) => {
      const rt = vm.vfio.get(d.id);
      const vr = vm.virtio.get(d.id);
      return {
        id: d.id,
        guest_bdf: d.guestBdf,
        endpoint_id: d.endpointId,
        kind: d.kind === 'vfio' ? 'vfio' : `virtio-${d.type}`,
        backend: rt ? rt.backend : d.kind === 'vfio' ? (vm.cfg.viommu.model === 'NONE' ? 'NONE' : vm.cfg.viommu.intel?.flts || vm.cfg.viommu.smmuv3?.accel ? 'NESTED' : 'EMULATED') : '-',
        ...(rt ? { host: hostObjects(vm, rt) } : {}),
        host_bdf: d.kind === 'vfio' ? d.hostBdf : '',
        driver_features: u64(vr?.driverFeatures ?? 0n),
        features_ok: vr?.featuresOk ?? false,
        bars: (vm.guestBars.get(d.id) ?? []).map((b) => ({ index: b.index, gpa: u64(b.gpa), size: u64(b.size) })),
      };
    }),
    migration_blockers: blockers,
    ram_fd: vm.ramFd,
    ram_va: u64(vm.ramVa),
    host_objects_lost: vm.hostObjectsLost,
    message: vm.message,
    ...(vm.cfg.viommu.model === 'INTEL_IOMMU' ? { viommu_mmio: { base: u64(VTD_MMIO.base), size: u64(VTD_MMIO.size) } } : {}),
    ...(vm.cfg.viommu.model === 'SMMUV3' ? { viommu_mmio: { base: u64(SMMU_MMIO.base), size: u64(SMMU_MMIO.size) } } : {}),
    ram_ranges: vm.ramRanges.map((r) => ({ gpa: u64(r.gpa), size: u64(r.size), memfd_offset: u64(r.offset) })),
    removed_devices: vm.removed.map((r) => ({ id: r.id, host_bdf: r.hostBdf, guest_bdf: r.guestBdf, reason: r.reason, host_sequence: u64(r.hostSequence) })),
  };
}

/**
 * An assigned device's host objects: its IOAS, its HWPTs (the EMULATED/NONE attachment, or the
 * NEST_PARENT then the nested HWPT of NESTED), and under SMMUv3 accel its vIOMMU and vDEVICE.
 */
function hostObjects(vm: Vm, rt: VfioRuntime) {
  const vtd = rt.backend === 'NESTED' ? vm.nested?.stateOf(rt) : undefined;
  const smmu = rt.backend === 'NESTED' ? vm.smmuAccel?.stateOf(rt) : undefined;
  const nested = vtd?.nested ?? smmu?.hwpt;
  const l = rt.legacy;
  // P2P: the peers' BARs mapped into the device's DMA space
  const p2p = (vm.p2p?.mappingsOf(rt.space?.key ?? `${rt.iommufd}:${rt.ioas}`) ?? []).map((m) => ({ peer: m.peer, bar: m.bar, gpa: u64(m.gpa), size: u64(m.size), via: m.via }));
  if (l) {
    // legacy_container: no iommufd object; the group and the container it is set on
    return { iommufd: -1, device_fd: rt.deviceFd, dev_id: 0, ioas_ids: [], hwpt_ids: [], container_fd: l.containerFd, group_fd: l.groupFd, group: l.group, iommu_type: l.iommuType, container_backend: l.containerBackend, p2p };
  }
  return {
    p2p,
    iommufd: rt.iommufd,
    device_fd: rt.deviceFd,
    dev_id: rt.devId,
    ioas_ids: [rt.ioas],
    hwpt_ids: [rt.hwpt, ...(nested !== undefined && nested !== rt.hwpt ? [nested] : [])],
    ...(smmu ? { viommu_id: smmu.viommu, ...(smmu.vdevice !== undefined ? { vdevice_id: smmu.vdevice } : {}) } : {}),
  };
}

/** The SMMUv3 model's latched state as named values: nested objects dotted, arrays indexed, booleans 0/1. */
function smmuRegisters(state: object): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  const walk = (prefix: string, v: unknown) => {
    if (typeof v === 'bigint') out.push({ name: prefix, value: u64(BigInt.asUintN(64, v)) });
    else if (typeof v === 'number') out.push({ name: prefix, value: u64(BigInt.asUintN(64, BigInt(Math.trunc(v)))) });
    else if (typeof v === 'boolean') out.push({ name: prefix, value: v ? '1' : '0' });
    else if (Array.isArray(v)) v.forEach((x, i) => walk(`${prefix}[${i}]`, x));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(prefix ? `${prefix}.${k}` : k, x);
  };
  walk('', state);
  return out;
}

/** JSON of a decoded structure, 64-bit values as "0x..." strings. */
function jsonOf(v: object): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `0x${x.toString(16)}` : x instanceof Uint8Array ? Buffer.from(x).toString('hex') : x));
}

/**
 * `passed_fds` (object or device id → fd) as a null-prototype record: the VM manager looks ids
 * from the VM spec up in it, and a device named `constructor` or `toString` must find nothing
 * (not Object.prototype's function) when no fd was passed for it.
 */
function fds(m: Record<string, number> | undefined): Record<string, number> {
  const out = Object.create(null) as Record<string, number>;
  for (const [k, v] of Object.entries(m ?? {})) if (typeof v === 'number') out[k] = v;
  return out;
}

export function vmmServices(mgr: VmManager, hostName: () => Promise<string>, linkStatus?: () => Readonly<HostLinkStatus>): ServiceRegistration[] {
  /** VmInfo with the migration blockers against this vmm's host as last described. */
  const info = (vm: Vm) => vmInfo(vm, mgr.link.lastDescription);
  const vmm = vmmService('Vmm', {
    CreateVm: unary(async (req) => ({ vm: info(await mgr.create(parseVmSpec(req.spec), { incoming: req.incoming === true })) })),
    StartVm: unary(async (req) => ({ vm: info(await mgr.start(req.name, fds(req.passed_fds))) })),
    StopVm: unary(async (req) => {
      await mgr.stop(req.name);
      return {};
    }),
    DeleteVm: unary(async (req) => {
      await mgr.delete(req.name);
      return {};
    }),
    GetVm: unary((req) => ({ vm: info(mgr.vm(req.name)) })),
    ListVms: unary(() => ({ vms: [...mgr.vms.values()].map((v) => info(v)) })),
    HotplugDevice: unary(async (req) => ({ vm: info(await mgr.hotplug(req.name, req.device, fds(req.passed_fds))) })),
    UnplugDevice: unary(async (req) => ({ vm: info(await mgr.unplug(req.name, req.device_id)) })),
    GetHostCapabilities: unary(async (req) => {
      const d = await mgr.link.describe();
      const replacement = req.spec ? iommufdReplacement(parseVmSpec(req.spec), d) : undefined;
      return {
        vfio: {
          iommufd: d.kernel.iommufd,
          container: d.kernel.nativeType1 ? 'native-type1' : d.kernel.vfioCompatContainer ? 'iommufd-compat' : 'none',
          p2p_bar_va: d.kernel.nativeType1,
          p2p_dmabuf: d.kernel.dmabufP2p,
        },
        ...(replacement ? { iommufd_replacement: { possible: replacement.possible, reasons: replacement.reasons, placement: Object.fromEntries(replacement.placement) } } : {}),
        host: await hostName(),
        ...(mgr.link.lastDescribe ? { host_description: mgr.link.lastDescribe } : {}),
        units: d.units.map((u) => ({
          unit: u.name,
          type: u.type,
          page_sizes: u64(u.pageSizes),
          input_address_width: u.inputBits,
          pasid_bits: u.pasidBits,
          nesting: u.nesting,
          dirty_tracking: u.dirtyTracking,
          models: {
            NONE: d.iommufd ? 'identity: guest RAM mapped once into a shared IOAS (legacy_container: into one shared type1 container)' : 'identity: guest RAM mapped once into one shared type1 container (legacy_container only: host has no iommufd)',
            VIRTIO_IOMMU: d.iommufd ? 'emulated: one IOAS per endpoint, guest MAP/UNMAP shadowed (legacy_container: one type1 container per endpoint)' : 'emulated through the legacy container only (host has no iommufd): one type1 container per endpoint, guest MAP/UNMAP shadowed',
            INTEL_IOMMU: d.iommufd ? u.nesting ? 'emulated: caching-mode shadow of the guest second stage, one IOAS per device; NESTED with x-flts (the guest first stage bound to the host)' : 'emulated: caching-mode shadow of the guest second stage, one IOAS per device (x-flts refused: this unit does not nest)' : 'emulated through the legacy container only (host has no iommufd): caching-mode shadow, one type1 container per device; x-flts refused (Need IOMMUFD backend)',
            SMMUV3: !d.iommufd
              ? 'virtio devices only: host has no iommufd'
              : u.type === 'IOMMU_TYPE_ARM_SMMUV3' && u.nesting
                ? 'emulated for virtio devices; assigned devices NESTED with accel=on (host vIOMMU, one vDEVICE per device, guest STEs installed)'
                : `virtio devices only: assigned devices need accel=on and a host SMMUv3 that nests (${u.name} does not)`,
          },
          devices: d.devices.filter((x) => x.unit === u.name).map((x) => x.bdf),
        })),
        ...(linkStatus ? { host_link: hostLinkMessage(linkStatus()) } : {}),
      };
    }),
    ComputeBaseline: unary((req) => {
      const r = computeBaseline(req.hosts, req.model, req.devices);
      return {
        baseline: r.baseline,
        machine: r.machine,
        backend_plan: Object.fromEntries(r.backendPlan),
        lacking: Object.fromEntries([...r.lacking].map(([h, l]) => [h, l.join('; ')])),
        devices: Object.fromEntries([...r.devices].map(([h, l]) => [h, l.join(',')])),
        reasons: r.reasons,
      };
    }),
    CheckMigration: unary(async (req) => {
      const vm = mgr.vm(req.name);
      if (!req.destination) throw new DomainError('INVALID_ARGUMENT', 'BAD_DESTINATION', 'destination: the address (host:port) of the destination vmm is required');
      const src = await mgr.link.describe();
      // the destination's host and VMs, over the vmm → vmm link (destination_token, else the host link's own token)
      const peer = await peerDescribe(req.destination, req.destination_token || mgr.link.opts.token, mgr.link.opts.credentials);
      const r = checkMigration(vm, src, peer.host, peer.vms);
      return { compatible: r.violations.length === 0, violations: r.violations.map(formatViolation), plan: r.plan };
    }),
    Migrate: serverStream(async (req, out, ctx) => {
      if (!req.destination) throw new DomainError('INVALID_ARGUMENT', 'BAD_DESTINATION', 'destination: the address (host:port) of the destination vmm is required');
      const opts = { destination: req.destination, token: req.destination_token, maxDowntimeMs: req.max_downtime_ms, maxRounds: req.max_rounds, bandwidthBytesPerS: parseU64(req.bandwidth_bytes_per_s, 'bandwidth_bytes_per_s') };
      await migrate(mgr, req.name, opts, (p) => out.send({ phase: p.phase, round: p.round, bytes_sent: u64(p.bytesSent), dirty_pages: u64(p.dirtyPages), downtime_ms: u64(p.downtimeMs), remaining_bytes: u64(p.remainingBytes), detail: p.detail }), ctx.signal, (vm) => specMessage(vm.cfg));
    }),
    ReceiveMigration: clientStream(async (requests, ctx) => ({ result: await receiveMigration(mgr, requests, specMessage, ctx.logger) })),
    Ping: unary((req) => ({ payload: req.payload })),
    InspectViommu: unary(async (req) => {
      if (mgr.vm(req.name).cfg.viommu.model === 'SMMUV3') {
        const r = await mgr.inspectSmmuv3(req.name, req.sid ?? undefined, req.pasid ?? undefined);
        return {
          smmuv3: {
            registers: smmuRegisters(r.state),
            config_cache: r.configCache.map((e) => ({ sid: e.sid, ste: e.ste.map(u64), cd: (e.cd ?? []).map(u64) })),
            iotlb: r.iotlb.map((e) => ({ asid: e.asid, vmid: e.vmid, iova: u64(e.iova), pa: u64(e.pa), page_shift: e.pageShift, perm: e.perm, stage: String(e.stage) })),
            ...(r.stream ? { stream: { sid: r.stream.sid, ...(r.stream.ssid !== undefined ? { ssid: r.stream.ssid } : {}), decoded_json: jsonOf(r.stream.decoded) } } : {}),
          },
        };
      }
      const r = await mgr.inspectIntelIommu(req.name, req.sid ?? undefined, req.pasid ?? undefined);
      const pasidOf = (p: number) => (p === NO_PASID ? {} : { pasid: p });
      const words = (ws: readonly bigint[]) => ws.map(u64);
      const d = r.device;
      return {
        dmar_enabled: r.state.dmarEnabled,
        root: u64(r.state.root),
        root_scalable: r.state.rootScalable,
        iotlb: r.iotlb.map((e) => ({ sid: e.sid, did: e.did, ...(e.pasid !== undefined ? { pasid: e.pasid } : {}), iova: u64(e.iova), pa: u64(e.pa), page_shift: e.pageShift, perm: e.perm })),
        context_cache: r.contextCache.map((e) => ({ sid: e.sid, ...pasidOf(e.pasid), entry: words(e.ce), scalable: e.scalable })),
        pasid_cache: r.pasidCache.map((e) => ({ sid: e.sid, ...pasidOf(e.pasid), entry: words(e.entry) })),
        ...(d
          ? {
              device: {
                sid: d.sid,
                scalable: d.scalable,
                root_entry: d.rootEntry ? [u64(d.rootEntry.lo), u64(d.rootEntry.hi)] : [],
                context_entry: words(d.contextEntry ?? []),
                ...(d.pasidDirEntry !== undefined ? { pasid_dir_entry: u64(d.pasidDirEntry) } : {}),
                pasid_entry: words(d.pasidEntry ?? []),
                fault: d.fault ?? 0,
                ...(d.did !== undefined ? { did: d.did } : {}),
                ...(d.type !== undefined ? { type: d.type } : {}),
                ...(d.table ? { table_base: u64(d.table.base), table_levels: d.table.levels, table_stage: d.table.stage } : {}),
              },
            }
          : {}),
      };
    }),
  });

  const guest = vmmService('Guest', {
    ReadMemory: unary(async (req) => ({ data: await mgr.readMemory(req.vm, parseU64(req.gpa, 'gpa'), parseU64(req.length, 'length')) })),
    WriteMemory: unary(async (req) => {
      await mgr.writeMemory(req.vm, parseU64(req.gpa, 'gpa'), req.data);
      return {};
    }),
    VirtioIommuConfig: unary((req) => {
      const { dev } = mgr.viommuOf(req.vm);
      const raw = dev.configBytes();
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      return {
        device_features: u64(dev.deviceFeatures),
        page_size_mask: u64(dv.getBigUint64(0, true)),
        input_range: { start: u64(dv.getBigUint64(8, true)), last: u64(dv.getBigUint64(16, true)) },
        domain_range_start: dv.getUint32(24, true),
        domain_range_end: dv.getUint32(28, true),
        probe_size: dv.getUint32(32, true),
        bypass: dv.getUint8(36),
        raw: Buffer.from(raw),
        driver_features: u64(dev.driverFeatures),
        features_ok: dev.featuresOk,
      };
    }),
    VirtioIommuSetFeatures: unary(async (req) => {
      const { vm, dev } = mgr.viommuOf(req.vm);
      return { features_ok: await vm.lock(() => dev.setDriverFeatures(parseU64(req.driver_features, 'driver_features'))) };
    }),
    VirtioIommuWriteBypass: unary(async (req) => {
      const { vm, dev } = mgr.viommuOf(req.vm);
      await vm.lock(() => dev.writeBypass(req.bypass));
      return {};
    }),
    VirtioIommuRequest: unary(async (req) => {
      const { vm, dev } = mgr.viommuOf(req.vm);
      return vm.lock(() => viommuRequest(dev, req));
    }),
    VirtioSetFeatures: unary((req) => ({ features_ok: mgr.setVirtioFeatures(req.vm, req.device_id, parseU64(req.driver_features, 'driver_features')) })),
    VirtioWriteStatus: unary(async (req) => {
      const r = await mgr.writeVirtioStatus(req.vm, req.device_id, req.status);
      return { status: r.status, needs_reset: r.needsReset };
    }),
    VirtioReadStatus: unary((req) => {
      const r = mgr.readVirtioStatus(req.vm, req.device_id);
      return { status: r.status, needs_reset: r.needsReset };
    }),
    Dma: unary(async (req) => {
      const pasid = req.pasid ?? undefined;
      const r = await mgr.dma(req.vm, req.device_id, parseU64(req.iova, 'iova'), parseU64(req.length, 'length'), req.write, req.data, pasid);
      if ('data' in r) return { data: r.data };
      if ('written' in r) return { written: u64(r.written) };
      if ('virtioFault' in r) return { virtio_fault: { ...r.virtioFault, address: u64(r.virtioFault.address) } };
      if ('vtdFault' in r) return { vtd_fault: { ...r.vtdFault, address: u64(r.vtdFault.address) } };
      if ('smmuFault' in r) {
        const f = r.smmuFault;
        return { smmu_fault: { event_id: f.eventId, sid: f.sid, address: u64(f.address), write: f.write, ...(f.ssid !== undefined ? { ssid: f.ssid } : {}), recorded: f.recorded, record: Buffer.from(f.record) } };
      }
      return { host_fault: r.hostFault };
    }),
    MmioRead: unary(async (req) => ({ value: u64(await mgr.mmioRead(req.vm, parseU64(req.addr, 'addr'), req.size)) })),
    MmioWrite: unary(async (req) => {
      await mgr.mmioWrite(req.vm, parseU64(req.addr, 'addr'), req.size, parseU64(req.value, 'value'));
      return {};
    }),
    Events: serverStream(async (req, out, ctx) => {
      const vm = mgr.vm(req.vm);
      await followLog(
        vm.events,
        parseU64(req.after_sequence, 'after_sequence'),
        (e) =>
          e.kind === 'interrupt'
            ? out.send({ sequence: u64(e.sequence), interrupt: { source: e.source, msi_addr: u64(e.msiAddr), msi_data: e.msiData } })
            : e.kind === 'device_removed'
              ? out.send({ sequence: u64(e.sequence), device_removed: { device_id: e.deviceId, guest_bdf: e.guestBdf, reason: e.reason } })
              : out.send({ sequence: u64(e.sequence), virtio_fault: { reason: e.reason, flags: e.flags, endpoint: e.endpoint, address: u64(e.address) }, raw: Buffer.from(e.raw) }),
        ctx.signal,
        async (oldest) => {
          throw new DomainError('OUT_OF_RANGE', 'CURSOR_EXPIRED', `events before ${oldest} are no longer retained`, { oldestSequence: oldest.toString() });
        },
      );
    }),
  });
  return [vmm, guest];
}

function hostLinkMessage(s: Readonly<HostLinkStatus>) {
  return {
    events_seen: u64(BigInt(s.eventsSeen)),
    last_sequence: u64(s.lastSequence),
    stream_breaks: u64(BigInt(s.streamBreaks)),
    host_restarts: u64(BigInt(s.hostRestarts)),
    rechecks: u64(BigInt(s.rechecks)),
  };
}
