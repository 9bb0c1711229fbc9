/**
 * ComputeBaseline over real hosts: a pool of intel-vtd and intel-vtd-legacy given as a live
 * Describe output (JSON) and profile YAML / a built-in name; the baselines for intel-iommu and
 * virtio-iommu; a VM built from each starts on both hosts with an assigned NIC (iommufd on
 * intel-vtd, the native type1 container on intel-vtd-legacy) and shows no migration blocker.
 * Also: the static Describe of a profile equals a freshly started host's, and bad hosts are
 * refused precisely. Two host-iommu + vmm pairs in-process over gRPC.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import { describeProfile, parseDescribeJson } from '#libs/profile/describe.js';
import { builtinProfileDir, loadProfile } from '#libs/profile/profile.js';
import type { ComputeBaselineResponse__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/ComputeBaselineResponse.js';
import { jsonText } from '../../services/cli/format.js';
import { baselineHostArgs, baselineModelArg, parseVmSpecText } from '../../services/cli/ctl.js';
import { errorInfo, expectStatus } from './harness.js';
import { hostLeftClean, Orchestrator, startTestTwin, type TestTwin } from './vmm-harness.js';

const MiB = 1n << 20n;
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('ComputeBaseline: intel-vtd + intel-vtd-legacy', () => {
  let vtd: TestTwin;
  let legacy: TestTwin;
  let orchVtd: Orchestrator;
  let orchLegacy: Orchestrator;
  const live: Array<[TestTwin, string]> = [];

  beforeAll(async () => {
    vtd = await startTestTwin('intel-vtd');
    legacy = await startTestTwin('intel-vtd-legacy');
    orchVtd = await Orchestrator.create(vtd);
    orchLegacy = await Orchestrator.create(legacy);
  });
  afterEach(async () => {
    for (const [t, name] of live.splice(0)) {
      await call(t.v.Vmm.StopVm, { name }).catch(() => undefined);
      await call(t.v.Vmm.DeleteVm, { name }).catch(() => undefined);
    }
    await hostLeftClean(vtd);
    await hostLeftClean(legacy);
  });
  afterAll(async () => {
    await orchVtd?.sys.exit();
    await orchLegacy?.sys.exit();
    await vtd?.close();
    await legacy?.close();
  });

  /** the live host's Describe, as `ctl describe --json` prints it */
  async function describeJson(t: TestTwin): Promise<string> {
    return jsonText(await call(t.host.platform.Platform.Describe, {}));
  }

  it('the static Describe of a profile is what a freshly started host answers, but for its boot id and BAR addresses', async () => {
    for (const [t, name] of [
      [vtd, 'intel-vtd'],
      [legacy, 'intel-vtd-legacy'],
    ] as const) {
      const liveDesc = parseDescribeJson(await describeJson(t), name);
      const fromProfile = parseDescribeJson(jsonText(describeProfile(loadProfile(name))), name);
      expect(liveDesc.boot_id).not.toBe('');
      expect(liveDesc.devices.flatMap((d) => d.bars).every((b) => BigInt(b.addr) > 0n)).toBe(true);
      const noRuntime = (d: typeof liveDesc) => ({ ...d, boot_id: '', devices: d.devices.map((x) => ({ ...x, bars: x.bars.map((b) => ({ ...b, addr: '0' })) })) });
      expect(noRuntime(liveDesc)).toEqual(noRuntime(fromProfile));
    }
  });

  it('INTEL_IOMMU with a NIC, from a live Describe and profile YAML: 39-bit caching-mode legacy-mode vIOMMU, EMULATED on both (legacy through the type1 container)', async () => {
    const yaml = readFileSync(join(builtinProfileDir(), 'intel-vtd-legacy.yaml'), 'utf8');
    const r = await call(vtd.v.Vmm.ComputeBaseline, { hosts: [await describeJson(vtd), yaml], model: 'VIOMMU_MODEL_INTEL_IOMMU', devices: ['NIC'] });
    expect(r.machine).toBe('q35');
    expect(r.baseline!.model).toBe('VIOMMU_MODEL_INTEL_IOMMU');
    expect(r.baseline!.intel).toMatchObject({ aw_bits: 39, caching_mode: true, scalable_mode: false, flts: false, pasid_bits: 0, device_iotlb: false, dma_drain: true, snoop_control: false });
    expect(r.backend_plan).toEqual({
      'intel-vtd': '0000:01:00.0 EMULATED via iommufd, dirty tracking iommu-hwpt',
      'intel-vtd-legacy': '0000:01:00.0 EMULATED via legacy container (native-type1), dirty tracking type1',
    });
    expect(r.devices).toEqual({ 'intel-vtd': '0000:01:00.0', 'intel-vtd-legacy': '0000:01:00.0' });
    expect(r.lacking).toEqual({
      'intel-vtd-legacy':
        'aw-bits 48 (its VT-d is 39-bit); scalable mode (a unit is legacy-mode only); PASID; first-stage nesting for x-flts (NESTED: a nesting VT-d with 1 GiB pages, over iommufd); ATS (device-iotlb)',
    });
    expect(r.reasons).toContain('aw_bits 39: the narrowest host VT-d (intel-vtd-legacy)');
  });

  it('a host that still fails the plug checks says why: the NVMe with its RMRR cannot sit behind intel-iommu, devices without migration support cannot move', async () => {
    const r = await call(vtd.v.Vmm.ComputeBaseline, { hosts: ['intel-vtd', 'intel-vtd-legacy'], model: 'VIOMMU_MODEL_INTEL_IOMMU', devices: ['0000:02:00.0', 'GPU'] });
    expect(r.lacking['intel-vtd']).toBe(
      [
        '0000:02:00.0: reserved region: host reserved region [0xe0000, 0xfffff] (DIRECT) of 0000:02:00.0 is outside the x86 interrupt window [0xfee00000, 0xfeefffff], the only range an intel-iommu guest cannot map',
        '0000:02:00.0: VFIO migration is not supported in kernel (no STOP_COPY in its profile)',
      ].join('; '),
    );
    // intel-vtd's GPU migrates (STOP_COPY|P2P): one migratable device, so no multi-device blocker there
    // intel-vtd-legacy's NVMe has no RMRR; its GPU has no migration support at all
    expect(r.lacking['intel-vtd-legacy']).toContain('0000:03:00.0: VFIO migration is not supported in kernel (no STOP_COPY in its profile)');
    expect(r.devices).toEqual({ 'intel-vtd': '0000:02:00.0,0000:03:00.0', 'intel-vtd-legacy': '0000:02:00.0,0000:03:00.0' });
  });

  /** Starts the baseline with the NIC on both hosts: `name` on intel-vtd (iommufd), `name-b` on intel-vtd-legacy (type1 container). */
  async function startOnBoth(r: ComputeBaselineResponse__Output, name: string): Promise<void> {
    const common = { memory_bytes: String(64n * MiB), machine: r.machine, viommu: r.baseline };
    const a = await call(vtd.v.Vmm.CreateVm, { spec: { ...common, name, iommufd_objects: [{ id: 'iommufd0' }], devices: [{ id: 'nic0', vfio: { host_bdf: '0000:01:00.0', iommufd: 'iommufd0' } }] } as never });
    live.push([vtd, name]);
    const pidA = a.vm!.host_pid;
    const infoA = (await call(vtd.v.Vmm.StartVm, { name, passed_fds: { iommufd0: await orchVtd.pass('/dev/iommu', pidA), nic0: await orchVtd.pass('/dev/vfio/devices/vfio0', pidA) } })).vm!;
    // on the other host under another name, so that each side can be checked against the other
    const nameB = `${name}-b`;
    const b = await call(legacy.v.Vmm.CreateVm, { spec: { ...common, name: nameB, iommufd_objects: [], devices: [{ id: 'nic0', vfio: { host_bdf: '0000:01:00.0', legacy_container: true } }] } as never });
    live.push([legacy, nameB]);
    const pidB = b.vm!.host_pid;
    const infoB = (await call(legacy.v.Vmm.StartVm, { name: nameB, passed_fds: { nic0: await orchLegacy.pass('/dev/vfio/1', pidB) } })).vm!;
    for (const info of [infoA, infoB]) {
      expect(info.state).toBe('VM_STATE_RUNNING');
      expect(info.devices.find((d) => d.id === 'nic0')!.backend).toBe('EMULATED');
      expect(info.migration_blockers).toEqual([]);
      // the guest sees exactly the baseline on both hosts
      expect(info.spec!.viommu!.model).toBe(r.baseline!.model);
    }
    expect(infoA.spec!.viommu).toEqual(infoB.spec!.viommu);
    expect(infoB.devices[0]!.host!.container_backend).toBe('native-type1');
  }

  it('a VM built from the INTEL_IOMMU baseline starts on both hosts with the NIC, without a migration blocker, and CheckMigration finds nothing against the other host', async () => {
    const r = await call(vtd.v.Vmm.ComputeBaseline, { hosts: ['intel-vtd', 'intel-vtd-legacy'], model: 'VIOMMU_MODEL_INTEL_IOMMU', devices: ['NIC'] });
    await startOnBoth(r, 'base-intel');
    // both ways: each host places the NIC on its own VFIO path, guest-visible nothing changes
    const ab = await call(vtd.v.Vmm.CheckMigration, { name: 'base-intel', destination: legacy.vmm.addr, destination_token: 'vmm-root' });
    expect(ab.violations).toEqual([]);
    expect(ab.compatible).toBe(true);
    expect(ab.plan).toEqual({ nic0: 'EMULATED via legacy container (native-type1), dirty tracking type1' });
    const ba = await call(legacy.v.Vmm.CheckMigration, { name: 'base-intel-b', destination: vtd.vmm.addr, destination_token: 'vmm-root' });
    expect(ba.violations).toEqual([]);
    expect(ba.plan).toEqual({ nic0: 'EMULATED via iommufd, dirty tracking iommu-hwpt' });
  });

  it('VIRTIO_IOMMU: page sizes 4K|2M, a 39-bit input range, the q35 MSI window; a VM built from it starts on both hosts and may move either way', async () => {
    const r = await call(legacy.v.Vmm.ComputeBaseline, { hosts: ['intel-vtd', 'intel-vtd-legacy'], model: 'VIOMMU_MODEL_VIRTIO_IOMMU', devices: ['NIC'] });
    expect(r.baseline!.virtio).toMatchObject({
      page_size_mask: String(0x201000),
      input_range: { start: '0', last: String((1n << 39n) - 1n) },
      reserved_regions: [{ start: String(0xfee00000), end: String(0xfeefffff), subtype: 1 }],
      reserved_regions_set: true,
    });
    expect(r.lacking).toEqual({ 'intel-vtd-legacy': 'page sizes 1G (has 4K|2M); a 48-bit IOVA space (smallest aperture 39-bit)' });
    await startOnBoth(r, 'base-virtio');
    for (const [from, name, to] of [
      [vtd, 'base-virtio', legacy],
      [legacy, 'base-virtio-b', vtd],
    ] as const) {
      const c = await call(from.v.Vmm.CheckMigration, { name, destination: to.vmm.addr, destination_token: 'vmm-root' });
      expect(c.violations).toEqual([]);
    }
  });

  it('SMMUV3 over arm-smmuv3 + arm-smmuv3-s2: no accel, granules 4K|64K, virtio devices only', async () => {
    const r = await call(vtd.v.Vmm.ComputeBaseline, { hosts: ['arm-smmuv3', 'arm-smmuv3-s2'], model: 'VIOMMU_MODEL_SMMUV3' });
    expect(r.machine).toBe('virt');
    expect(r.baseline!.smmuv3).toMatchObject({ accel: false, oas: 44, ssidsize: 0, ril: true, ats: false, granules: [4096, 65536] });
    expect(Object.keys(r.lacking)).toEqual(['arm-smmuv3-s2']);
    expect(r.backend_plan['arm-smmuv3']).toBe('EMULATED: virtio devices only (assigned devices need accel=on, which blocks migration)');
    // with an assigned device every host says why it cannot back it
    const d = await call(vtd.v.Vmm.ComputeBaseline, { hosts: ['arm-smmuv3', 'arm-smmuv3-s2'], model: 'VIOMMU_MODEL_SMMUV3', devices: ['NIC'] });
    expect(d.lacking['arm-smmuv3']).toMatch(/^0000:01:00\.0: accel: device 00\.03\.0 requires iommu MAP notifier/);
  });

  it('bad hosts and devices are refused precisely (which host, what)', async () => {
    const bad = async (req: object, reason: string, text: string) => {
      const e = await expectStatus(call(vtd.v.Vmm.ComputeBaseline, req as never), grpc.status.INVALID_ARGUMENT, reason);
      expect(e.details).toContain(text);
      return errorInfo(e);
    };
    const info = await bad({ hosts: ['intel-vtd', 'no-such-host'], model: 'VIOMMU_MODEL_INTEL_IOMMU' }, 'BAD_HOST', "hosts[1]: 'no-such-host' is no built-in profile");
    expect(info?.metadata?.field).toBe('hosts[1]');
    await bad({ hosts: ['intel-vtd', 'name: x\narch: sparc\n'], model: 'VIOMMU_MODEL_INTEL_IOMMU' }, 'BAD_HOST', 'hosts[1]: not a valid host profile');
    await bad({ hosts: ['{"name": "h", "arch": "x86_64", "kernel_features": {}, "units": [{"name": "u", "type": "IOMMU_TYPE_INTEL_VTD", "page_sizes": "4096", "input_address_width": 39}], "devices": [{"bdf": "0000:01:00.0", "unit": "dmar0", "driver": "vfio-pci"}]}'], model: 'VIOMMU_MODEL_INTEL_IOMMU' }, 'BAD_HOST', "$.devices[0].unit: unknown IOMMU unit 'dmar0'");
    await bad({ hosts: ['intel-vtd', 'intel-vtd'], model: 'VIOMMU_MODEL_INTEL_IOMMU' }, 'BAD_HOST', "hosts[1]: host name 'intel-vtd' is also hosts[0]'s");
    await bad({ hosts: ['intel-vtd'], model: 'VIOMMU_MODEL_NONE' }, 'BAD_MODEL', 'a baseline is computed for VIRTIO_IOMMU, INTEL_IOMMU or SMMUV3');
    await bad({ hosts: [], model: 'VIOMMU_MODEL_INTEL_IOMMU' }, 'BAD_HOST', 'give at least one host');
    await bad({ hosts: ['intel-vtd'], model: 'VIOMMU_MODEL_INTEL_IOMMU', devices: ['nope=0000:01:00.0'] }, 'BAD_DEVICE', "no host named 'nope'");
    await bad({ hosts: ['intel-vtd'], model: 'VIOMMU_MODEL_INTEL_IOMMU', devices: ['../etc'] }, 'BAD_DEVICE', 'is neither a host BDF');
    // a path is never read: only built-in names
    await bad({ hosts: ['./profiles/intel-vtd.yaml'], model: 'VIOMMU_MODEL_INTEL_IOMMU' }, 'BAD_HOST', 'is no built-in profile');
  });

  it('per-host BDFs (HOST=BDF) and a device missing on one host', async () => {
    const r = await call(vtd.v.Vmm.ComputeBaseline, { hosts: ['intel-vtd', 'intel-vtd-legacy'], model: 'VIOMMU_MODEL_INTEL_IOMMU', devices: ['intel-vtd=0000:80:00.0,intel-vtd-legacy=0000:01:00.0', '0000:04:00.0'] });
    expect(r.devices).toEqual({ 'intel-vtd': '0000:80:00.0,0000:04:00.0', 'intel-vtd-legacy': '0000:01:00.0,-' });
    expect(r.lacking['intel-vtd-legacy']).toContain('devices[1]: no PCI device 0000:04:00.0 on host intel-vtd-legacy');
  });
});

describe('ctl baseline', () => {
  let t: TestTwin;
  beforeAll(async () => {
    t = await startTestTwin('intel-vtd');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('prints a viommu block a VM YAML takes as is (the CLI\'s own VmSpec reader), then per host the backend and what it lacks', async () => {
    const args = ['--import', 'tsx', join(repo, 'services/cli/main.ts'), 'ctl', 'baseline', '--vmm', t.vmm.addr, '--vmm-token', 'vmm-root'];
    const run = async (more: string[]) => (await promisify(execFile)(process.execPath, [...args, ...more], { cwd: repo, encoding: 'utf8' })).stdout;
    const text = await run(['--host', 'intel-vtd', '--host', join(builtinProfileDir(), 'intel-vtd-legacy.yaml'), '--model', 'intel-iommu', '--device', 'NIC']);
    const spec = parseVmSpecText(`name: from-baseline\nmemory_bytes: 64MiB\n${text}`, 'vm.yaml');
    const rpc = await call(t.v.Vmm.ComputeBaseline, { hosts: ['intel-vtd', 'intel-vtd-legacy'], model: 'VIOMMU_MODEL_INTEL_IOMMU', devices: ['NIC'] });
    expect(spec.machine).toBe('q35');
    expect(spec.viommu).toEqual({ model: 'VIOMMU_MODEL_INTEL_IOMMU', intel: { aw_bits: 39, caching_mode: true, scalable_mode: false, flts: false, pasid_bits: 0, device_iotlb: false, dma_drain: true, snoop_control: false } });
    expect(rpc.baseline!.intel).toMatchObject(spec.viommu!.intel!);
    expect(text).toContain('#   intel-vtd: 0000:01:00.0 EMULATED via iommufd, dirty tracking iommu-hwpt\n#     devices: 0000:01:00.0\n#     lacks nothing\n');
    expect(text).toContain('#   intel-vtd-legacy: 0000:01:00.0 EMULATED via legacy container (native-type1), dirty tracking type1\n#     devices: 0000:01:00.0\n#     lacks: aw-bits 48 (its VT-d is 39-bit)\n#            scalable mode (a unit is legacy-mode only)\n');
    // virtio-iommu: u64 settings in hex, read back exactly
    const v = parseVmSpecText(`name: v\nmemory_bytes: 64MiB\n${await run(['intel-vtd', 'intel-vtd-legacy', '--model', 'virtio-iommu', '--device', '0000:01:00.0'])}`, 'vm.yaml');
    expect(v.viommu!.virtio).toEqual({ page_size_mask: String(0x201000), input_range: { start: '0', last: String((1n << 39n) - 1n) }, reserved_regions: [{ start: String(0xfee00000), end: String(0xfeefffff), subtype: 1 }], reserved_regions_set: true });
  }, 60_000);

  it('--host after `baseline` names pool hosts (ctl\'s own --host is the host-iommu address), in command-line order; models by short name', () => {
    expect(baselineHostArgs(['node', 'main', 'ctl', '--host', '127.0.0.1:1', 'baseline', '--host', 'a', '--model', 'x', '--host=b.yaml', '--', '--host', 'c'], ['d'])).toEqual(['a', 'b.yaml', 'd']);
    expect(baselineModelArg('intel-iommu')).toBe('VIOMMU_MODEL_INTEL_IOMMU');
    expect(baselineModelArg('VIOMMU_MODEL_SMMUV3')).toBe('VIOMMU_MODEL_SMMUV3');
    expect(() => baselineModelArg('none')).toThrow("--model 'none': virtio-iommu, intel-iommu or smmuv3");
  });
});
