/**
 * ComputeBaseline: the fleet question — given the hosts of a migration pool (Describe outputs,
 * profile YAML or built-in profile names) and a vIOMMU model, the richest guest-visible
 * ViommuSpec every host can back (libs/caps: the meet of the hosts' capabilities), the backend
 * each host would use, and per host what it lacks. The result is then checked the way a plug
 * would check it on each host (VmManager.plugChecks, after the host's own placement of the VFIO
 * path: placeOnHost) and, with devices, against the VFIO migration blockers: a host that still
 * fails lists why in `lacking`. Pure over its inputs: no host is contacted, nothing changes.
 */
import { DomainError } from '#libs/errno/index.js';
import { baselineOf, unitCapsOf, type BaselineModel, type CapsHost, type CapsRegion } from '#libs/caps/index.js';
import { describeProfile, parseDescribeJson, type DescribedDevice, type HostDescribe } from '#libs/profile/describe.js';
import { builtinProfileNames, loadProfile, parseProfile, ProfileError } from '#libs/profile/profile.js';
import { parseU64 } from '#libs/u64/index.js';
import type { ViommuSpec } from '#libs/rpc/gen/iommutwin/vmm/v1/ViommuSpec.js';
import type { DescribeResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/DescribeResponse.js';
import { hostDescriptionOf, type HostDescription } from '../hostlink/hostlink.js';
import { parseVmSpec, type VfioDeviceConfig, type VmConfig } from '../machine/config.js';
import { VmManager } from '../machine/vmm.js';
import { backendOf, deviceBlockers, placeOnHost, planOf, vfioPathOf } from './check.js';

/** Bounds of a request (costs follow what exists, not what a caller asks for). */
const MAX_HOSTS = 64;
const MAX_HOST_TEXT = 1 << 20;
const MAX_DEVICES = 32;
/** PCI devices of one host (each assignable one is plug-checked on its own when no devices are given). */
const MAX_HOST_DEVICES = 1024;
/** Guest RAM of the VM the plug checks are run for (the baseline does not depend on it). */
const CHECK_MEMORY = '1073741824';

const BDF_RE = /^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-1][0-9a-fA-F]\.[0-7]$/;
const CLASS_RE = /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

export interface BaselineResult {
  baseline: ViommuSpec;
  machine: string;
  backendPlan: Map<string, string>;
  lacking: Map<string, string[]>;
  /** host → resolved host BDFs, in request order ('-' where nothing resolved) */
  devices: Map<string, string[]>;
  reasons: string[];
}

function badHost(i: number, msg: string): DomainError {
  return new DomainError('INVALID_ARGUMENT', 'BAD_HOST', `hosts[${i}]: ${msg}`, { field: `hosts[${i}]` });
}

/**
 * One `hosts[]` entry: a Describe output (JSON object), a built-in profile name, or profile YAML.
 * A name is looked up among the built-in profiles only (never a path on this machine).
 */
export function parseHostEntry(text: string, i: number): HostDescribe {
  if (text.length > MAX_HOST_TEXT) throw badHost(i, `${text.length} bytes (at most ${MAX_HOST_TEXT})`);
  const t = text.trim();
  if (t === '') throw badHost(i, 'empty: give a Describe output (JSON), profile YAML or a built-in profile name');
  if (t.startsWith('{')) {
    try {
      return parseDescribeJson(t, `hosts[${i}] (Describe JSON)`);
    } catch (e) {
      if (e instanceof DomainError) throw new DomainError('INVALID_ARGUMENT', 'BAD_HOST', e.message, { field: `hosts[${i}]` });
      throw e;
    }
  }
  if (!/\s|:/.test(t)) {
    const names = builtinProfileNames();
    if (!names.includes(t)) throw badHost(i, `'${t.slice(0, 64)}' is no built-in profile (${names.join(', ')}); give its Describe output or YAML instead`);
    return describeProfile(loadProfile(t));
  }
  try {
    return describeProfile(parseProfile(text, `hosts[${i}]`));
  } catch (e) {
    if (e instanceof ProfileError) throw badHost(i, `not a valid host profile: ${e.message}`);
    throw e;
  }
}

/** The model names ComputeBaseline takes (with or without the VIOMMU_MODEL_ prefix). */
function modelOf(v: unknown): BaselineModel {
  const s = String(v ?? '').replace(/^VIOMMU_MODEL_/, '');
  if (s === 'VIRTIO_IOMMU' || s === 'INTEL_IOMMU' || s === 'SMMUV3') return s;
  throw new DomainError('INVALID_ARGUMENT', 'BAD_MODEL', `model '${s.slice(0, 40) || 'UNSPECIFIED'}': a baseline is computed for VIRTIO_IOMMU, INTEL_IOMMU or SMMUV3`, { field: 'model' });
}

/** First word of a device description, the device class `NIC` of "NIC behind the older unit". */
function classOf(description: string): string {
  return (/^[A-Za-z0-9_-]+/.exec(description)?.[0] ?? '').toLowerCase();
}

/**
 * `devices[]` resolved on each host: a BDF (the same everywhere), `HOST=BDF,...`, or a class.
 * Returns per host the resolved device of each entry (undefined where none) and what is missing.
 */
export function resolveDevices(entries: readonly string[], hosts: readonly HostDescribe[]): { perHost: Array<Array<DescribedDevice | undefined>>; missing: Map<string, string[]> } {
  if (entries.length > MAX_DEVICES) throw new DomainError('INVALID_ARGUMENT', 'BAD_DEVICE', `${entries.length} devices (at most ${MAX_DEVICES})`, { field: 'devices' });
  const hostNames = new Set(hosts.map((h) => h.name));
  const missing = new Map<string, string[]>();
  const miss = (h: string, what: string) => (missing.get(h) ?? missing.set(h, []).get(h)!).push(what);
  const perHost = hosts.map(() => [] as Array<DescribedDevice | undefined>);
  entries.forEach((raw, k) => {
    const e = raw.trim();
    const field = `devices[${k}]`;
    let pick: (h: HostDescribe, taken: ReadonlySet<DescribedDevice>) => DescribedDevice | undefined;
    let what: (h: HostDescribe) => string;
    if (BDF_RE.test(e)) {
      const bdf = e.toLowerCase();
      pick = (h) => h.devices.find((d) => d.bdf === bdf);
      what = (h) => `${field}: no PCI device ${bdf} on host ${h.name}`;
    } else if (e.includes('=')) {
      const per = new Map<string, string>();
      for (const pair of e.split(',')) {
        const m = /^([^=]+)=(.+)$/.exec(pair.trim());
        if (!m || !BDF_RE.test(m[2]!.trim())) throw new DomainError('INVALID_ARGUMENT', 'BAD_DEVICE', `${field}: '${pair.slice(0, 80)}' is not HOST=DDDD:BB:DD.F`, { field });
        const host = m[1]!.trim();
        if (!hostNames.has(host)) throw new DomainError('INVALID_ARGUMENT', 'BAD_DEVICE', `${field}: no host named '${host.slice(0, 64)}' among the request's hosts (${[...hostNames].join(', ')})`, { field });
        per.set(host, m[2]!.trim().toLowerCase());
      }
      pick = (h) => (per.has(h.name) ? h.devices.find((d) => d.bdf === per.get(h.name)) : undefined);
      what = (h) => (per.has(h.name) ? `${field}: no PCI device ${per.get(h.name)} on host ${h.name}` : `${field}: no device given for host ${h.name}`);
    } else if (CLASS_RE.test(e)) {
      const cls = e.toLowerCase();
      pick = (h, taken) => h.devices.find((d) => d.driver === 'vfio-pci' && classOf(d.description) === cls && !taken.has(d));
      what = (h) => `${field}: no (other) vfio-pci device of class ${e} on host ${h.name}`;
    } else {
      throw new DomainError('INVALID_ARGUMENT', 'BAD_DEVICE', `${field}: '${e.slice(0, 80)}' is neither a host BDF, HOST=BDF pairs nor a device class (the first word of a device's description, e.g. NIC)`, { field });
    }
    hosts.forEach((h, i) => {
      const taken = new Set(perHost[i]!.filter((d): d is DescribedDevice => d !== undefined));
      const d = pick(h, taken);
      if (d && taken.has(d)) {
        miss(h.name, `${field}: ${d.bdf} on host ${h.name} is already an earlier entry of devices`);
        perHost[i]!.push(undefined);
        return;
      }
      if (!d) miss(h.name, what(h));
      perHost[i]!.push(d);
    });
  });
  return { perHost, missing };
}

/** The units and reserved regions of `devs` on `h` (without devices: every vfio-pci device's). */
function capsHostOf(h: HostDescribe, devs: ReadonlyArray<DescribedDevice | undefined> | undefined): CapsHost {
  const chosen = devs ? devs.filter((d): d is DescribedDevice => d !== undefined) : h.devices.filter((d) => d.driver === 'vfio-pci');
  const unitNames = new Set(chosen.map((d) => d.unit));
  const regions: CapsRegion[] = chosen.flatMap((d) => d.reserved_regions.map((r) => ({ start: parseU64(r.start, 'start'), last: parseU64(r.last, 'last'), type: r.type })));
  return {
    name: h.name,
    arch: h.arch,
    iommufd: h.kernel_features.iommufd,
    units: h.units.filter((u) => unitNames.has(u.name)).map(unitCapsOf),
    regions,
  };
}

/** A one-VM configuration with the baseline and these host devices, as the host would place it. */
function checkConfig(spec: ViommuSpec, machine: string, bdfs: readonly string[], desc: HostDescription): VmConfig {
  const cfg = parseVmSpec({
    name: 'baseline-check',
    memory_bytes: CHECK_MEMORY,
    machine,
    viommu: spec,
    iommufd_objects: [{ id: 'iommufd0' }],
    devices: bdfs.map((bdf, k) => ({ id: `dev${k}`, vfio: { host_bdf: bdf, iommufd: 'iommufd0' } })),
  });
  return placeOnHost(cfg, desc);
}

/** VFIO migration blockers of the devices of `cfg` on `desc` (check.ts's, for a VM not yet running). */
function migrationLacks(cfg: VmConfig, desc: HostDescription): string[] {
  return deviceBlockers(cfg, desc, undefined).map((v) => (v.reason === 'VFIO_MIGRATION_NOT_SUPPORTED' ? `${v.detail} (no STOP_COPY in its profile)` : v.detail));
}

/** ComputeBaseline over wire inputs. */
export function computeBaseline(hostsText: readonly string[], model: unknown, deviceEntries: readonly string[] = []): BaselineResult {
  const m = modelOf(model);
  if (hostsText.length === 0) throw new DomainError('INVALID_ARGUMENT', 'BAD_HOST', 'hosts: give at least one host (Describe JSON, profile YAML or a built-in profile name)', { field: 'hosts' });
  if (hostsText.length > MAX_HOSTS) throw new DomainError('INVALID_ARGUMENT', 'BAD_HOST', `hosts: ${hostsText.length} hosts (at most ${MAX_HOSTS})`, { field: 'hosts' });
  const hosts = hostsText.map((t, i) => parseHostEntry(t, i));
  hosts.forEach((h, i) => {
    if (h.devices.length > MAX_HOST_DEVICES) throw badHost(i, `${h.devices.length} PCI devices (at most ${MAX_HOST_DEVICES})`);
  });
  const seen = new Map<string, number>();
  hosts.forEach((h, i) => {
    if (!NAME_RE.test(h.name)) throw badHost(i, `host name '${h.name.slice(0, 64)}': 1-63 chars of [A-Za-z0-9_.-]`);
    if (seen.has(h.name)) throw badHost(i, `host name '${h.name}' is also hosts[${seen.get(h.name)}]'s: every host of a pool needs its own name (rename one profile)`);
    seen.set(h.name, i);
  });
  const withDevices = deviceEntries.length > 0;
  const { perHost, missing } = withDevices ? resolveDevices(deviceEntries, hosts) : { perHost: undefined, missing: new Map<string, string[]>() };
  const caps = hosts.map((h, i) => capsHostOf(h, perHost?.[i]));
  const b = baselineOf(m, caps);
  const lacking = new Map<string, string[]>();
  const lack = (h: string, what: readonly string[]) => {
    if (what.length === 0) return;
    const l = lacking.get(h);
    if (l) for (const w of what) if (!l.includes(w)) l.push(w);
    if (!l) lacking.set(h, [...new Set(what)]);
  };
  for (const [h, l] of missing) lack(h, l);
  for (const [h, l] of b.lacking) lack(h, l);
  const backendPlan = new Map<string, string>();
  const devices = new Map<string, string[]>();
  hosts.forEach((h, i) => {
    const desc = hostDescriptionOf(h as unknown as DescribeResponse__Output);
    const resolved = perHost ? perHost[i]! : undefined;
    if (resolved) devices.set(h.name, resolved.map((d) => d?.bdf ?? '-'));
    if (m === 'SMMUV3' && !withDevices) {
      backendPlan.set(h.name, 'EMULATED: virtio devices only (assigned devices need accel=on, which blocks migration)');
      return;
    }
    // with devices: all of them in one VM; without: each assignable device on its own
    const sets: string[][] = resolved ? [resolved.filter((d): d is DescribedDevice => d !== undefined).map((d) => d.bdf)] : h.devices.filter((d) => d.driver === 'vfio-pci').map((d) => [d.bdf]);
    const plan: string[] = [];
    for (const bdfs of sets) {
      const cfg = checkConfig(b.spec, b.machine, bdfs, desc);
      const vfio = cfg.devices.filter((d): d is VfioDeviceConfig => d.kind === 'vfio');
      for (const v of VmManager.prototype.plugChecks(cfg, cfg.devices, desc)) {
        const bdf = vfio.find((d) => d.id === v.device)?.hostBdf ?? v.device;
        lack(h.name, [`${bdf}: ${v.rule}: ${v.detail}`]);
      }
      if (withDevices) {
        lack(h.name, migrationLacks(cfg, desc));
        // the devices are the host's own (checkConfig took their BDFs from its description)
        for (const d of vfio) plan.push(`${d.hostBdf} ${planOf(cfg, d, desc)}`);
      } else if (plan.length === 0) {
        const d = vfio[0];
        if (d) plan.push(`${backendOf(cfg)} via ${vfioPathOf(d, desc)}`);
      }
    }
    backendPlan.set(h.name, plan.length > 0 ? plan.join('; ') : 'none: no assignable device');
  });
  return { baseline: b.spec, machine: b.machine, backendPlan, lacking, devices, reasons: b.reasons };
}
