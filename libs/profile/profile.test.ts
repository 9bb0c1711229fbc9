import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeVtdRegs, decodeVtd, encodeHwInfo } from './hwinfo.js';
import {
  builtinProfileDir,
  builtinProfileNames,
  DEFAULT_PROFILE,
  formatSize,
  loadProfile,
  parseProfile,
  parseSize,
  ProfileError,
  resvTypeNumber,
  type HostProfile,
} from './profile.js';

const KiB = 1024n;
const MiB = 1024n * KiB;
const GiB = 1024n * MiB;
const MSI_X86 = { start: 0xfee00000n, last: 0xfeefffffn, type: 'msi' };
const SW_MSI = { start: 0x08000000n, last: 0x080fffffn, type: 'sw_msi' };

function problemsOf(yaml: string): string[] {
  try {
    parseProfile(yaml, 'test.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ProfileError);
    return (e as ProfileError).problems;
  }
  throw new Error('profile was accepted');
}
function errorOf(yaml: string): ProfileError {
  try {
    parseProfile(yaml, 'test.yaml');
  } catch (e) {
    if (e instanceof ProfileError) return e;
    throw e;
  }
  throw new Error('profile was accepted');
}

function deviceRows(p: HostProfile) {
  return p.devices.map((d) => ({
    bdf: d.bdf,
    cdev: d.cdev,
    group: d.group,
    iommu: d.iommu,
    bars: d.bars.map((b) => [b.index, b.size, b.prefetchable]),
    ats: d.ats,
    pri: d.pri,
    pasidBits: d.pasidBits,
    driver: d.driver,
  }));
}

const STANDARD_PRINCIPALS = [
  {
    name: 'root',
    uid: 0,
    gids: [0],
    capabilities: ['CAP_SYS_ADMIN', 'CAP_IPC_LOCK', 'CAP_SYS_RESOURCE', 'CAP_SYS_RAWIO'],
    memlockBytes: 'unlimited',
    roles: [],
    limits: { nofile: 1024, pids: 'unlimited', memoryBytes: 'unlimited' },
  },
  { name: 'qemu', uid: 107, gids: [107], capabilities: [], memlockBytes: 64n * GiB, roles: [], limits: { nofile: 1024, pids: 512, memoryBytes: 256n * GiB } },
  { name: 'platform', gids: [], capabilities: [], memlockBytes: 0n, roles: ['platform'], limits: { nofile: 1024, pids: 'unlimited', memoryBytes: 'unlimited' } },
];
/** The limits of a principal whose entry names none: Linux's RLIMIT_NOFILE default, no cgroup limit. */
const DEFAULT_LIMITS = { nofile: 1024, pids: 'unlimited', memoryBytes: 'unlimited' };

describe('built-in profiles', () => {
  it('lists intel-vtd (the default) and arm-smmuv3', () => {
    expect(DEFAULT_PROFILE).toBe('intel-vtd');
    const names = builtinProfileNames();
    expect(names[0]).toBe('intel-vtd');
    expect(names).toContain('arm-smmuv3');
  });

  it('intel-vtd matches profiles.md', () => {
    const p = loadProfile('intel-vtd');
    expect(p.name).toBe('intel-vtd');
    expect(p.source).toBe('builtin:intel-vtd');
    expect(p.arch).toBe('x86_64');
    expect(p.ramBytes).toBe(512n * GiB);
    expect(p.pageSize).toBe(4096);
    expect(p.kernel).toEqual({
      version: '6.18',
      iommufd: true,
      vfioCompatContainer: true,
      nativeType1: false,
      dmabufP2p: false,
      iommufdFault: true,
      viommu: true,
    });

    expect(p.iommus.map((u) => u.name)).toEqual(['dmar0', 'dmar1']);
    const [dmar0, dmar1] = p.iommus;
    expect(dmar0).toMatchObject({
      type: 'vtd',
      inputBits: 48,
      pageSizes: [4n * KiB, 2n * MiB, 1n * GiB],
      granules: [4096],
      scalableMode: true,
      firstStage: true,
      secondStage: true,
      nesting: true,
      dirtyTracking: true,
      pasidBits: 20,
      prs: true,
      ats: true,
      stall: false,
    });
    expect(dmar0!.vtd).toBeDefined();
    expect(dmar1).toMatchObject({
      type: 'vtd',
      inputBits: 48,
      pageSizes: [4n * KiB, 2n * MiB],
      scalableMode: false,
      firstStage: false,
      nesting: false,
      dirtyTracking: false,
      pasidBits: 0,
      prs: false,
    });

    expect(deviceRows(p)).toEqual([
      { bdf: '0000:01:00.0', cdev: 'vfio0', group: 1, iommu: 'dmar0', bars: [[0, 64n * KiB, false], [2, 16n * KiB, false]], ats: true, pri: true, pasidBits: 20, driver: 'vfio-pci' },
      { bdf: '0000:02:00.0', cdev: 'vfio1', group: 2, iommu: 'dmar0', bars: [[0, 16n * KiB, false]], ats: false, pri: false, pasidBits: 0, driver: 'vfio-pci' },
      { bdf: '0000:03:00.0', cdev: 'vfio2', group: 3, iommu: 'dmar0', bars: [[0, 16n * MiB, false], [1, 256n * MiB, true]], ats: true, pri: true, pasidBits: 20, driver: 'vfio-pci' },
      { bdf: '0000:04:00.0', cdev: 'vfio3', group: 4, iommu: 'dmar0', bars: [[0, 16n * KiB, false]], ats: false, pri: false, pasidBits: 0, driver: 'vfio-pci' },
      { bdf: '0000:04:00.1', cdev: 'vfio4', group: 4, iommu: 'dmar0', bars: [[0, 16n * KiB, false]], ats: false, pri: false, pasidBits: 0, driver: 'vfio-pci' },
      { bdf: '0000:05:00.0', cdev: undefined, group: 5, iommu: 'dmar0', bars: [[0, 64n * KiB, false]], ats: false, pri: false, pasidBits: 0, driver: 'host' },
      { bdf: '0000:06:00.0', cdev: 'vfio5', group: 6, iommu: 'dmar0', bars: [[0, 16n * KiB, false]], ats: false, pri: false, pasidBits: 0, driver: 'vfio-pci' },
      { bdf: '0000:06:00.1', cdev: undefined, group: 6, iommu: 'dmar0', bars: [[0, 16n * KiB, false]], ats: false, pri: false, pasidBits: 0, driver: 'host' },
      { bdf: '0000:80:00.0', cdev: 'vfio6', group: 7, iommu: 'dmar1', bars: [[0, 64n * KiB, false]], ats: false, pri: false, pasidBits: 0, driver: 'vfio-pci' },
    ]);
    expect(p.devices.map((d) => d.description)).toEqual([
      'NIC',
      'NVMe',
      'GPU (P2P target)',
      'multifunction device, function 0',
      'multifunction device, function 1 (same group)',
      "the host's own NIC",
      'device whose group sibling is host-owned',
      'host-owned group sibling of 0000:06:00.0',
      'NIC behind the older unit',
    ]);
    expect(p.devices.map((d) => d.dirtyTracking)).toEqual([true, true, true, true, true, true, true, true, false]);

    // every device has the x86 MSI window; 02:00.0 also the RMRR (IOMMU_RESV_DIRECT)
    for (const d of p.devices) {
      const want = d.bdf === '0000:02:00.0' ? [MSI_X86, { start: 0xe0000n, last: 0xfffffn, type: 'direct' }] : [MSI_X86];
      expect(d.reservedRegions, d.bdf).toEqual(want);
    }
    expect(resvTypeNumber('direct')).toBe(0);
    expect(resvTypeNumber('msi')).toBe(3);
    expect(resvTypeNumber('sw_msi')).toBe(4);

    expect(p.principals).toEqual(STANDARD_PRINCIPALS);
    expect(p.nodes.map((n) => [n.path, n.uid, n.gid, n.mode.toString(8)])).toEqual([
      ['/dev/iommu', 0, 0, '660'],
      ['/dev/vfio/vfio', 0, 0, '666'],
      ['/dev/vfio/1', 0, 0, '600'],
      ['/dev/vfio/2', 0, 0, '600'],
      ['/dev/vfio/3', 0, 0, '600'],
      ['/dev/vfio/4', 0, 0, '600'],
      ['/dev/vfio/6', 0, 0, '600'],
      ['/dev/vfio/7', 0, 0, '600'],
      ['/dev/vfio/devices/vfio0', 0, 0, '600'],
      ['/dev/vfio/devices/vfio1', 0, 0, '600'],
      ['/dev/vfio/devices/vfio2', 0, 0, '600'],
      ['/dev/vfio/devices/vfio3', 0, 0, '600'],
      ['/dev/vfio/devices/vfio4', 0, 0, '600'],
      ['/dev/vfio/devices/vfio5', 0, 0, '600'],
      ['/dev/vfio/devices/vfio6', 0, 0, '600'],
    ]);
    expect(p.nodeTemplates['vfio-cdev']).toEqual({ uid: 0, gid: 0, mode: 0o600 });
    expect(p.nodeTemplates['vfio-group']).toEqual({ uid: 0, gid: 0, mode: 0o600 });
  });

  it('arm-smmuv3 matches profiles.md', () => {
    const p = loadProfile('arm-smmuv3');
    expect(p.name).toBe('arm-smmuv3');
    expect(p.arch).toBe('aarch64');
    expect(p.kernel).toMatchObject({
      iommufd: true,
      vfioCompatContainer: true,
      nativeType1: false,
      dmabufP2p: true,
      iommufdFault: true,
      viommu: true,
    });
    expect(p.iommus).toHaveLength(1);
    expect(p.iommus[0]).toMatchObject({
      name: 'smmu0',
      type: 'smmuv3',
      inputBits: 48,
      outputBits: 48,
      granules: [4096, 16384, 65536],
      pageSizes: [4n * KiB, 2n * MiB, 1n * GiB],
      firstStage: true,
      secondStage: true,
      nesting: true,
      dirtyTracking: true,
      pasidBits: 20,
      sidBits: 16,
      streamTableLevels: 2,
      prs: true,
      ats: true,
      stall: true,
      rangeInvalidation: true,
      scalableMode: false,
    });
    expect(p.iommus[0]!.smmuv3?.idr).toHaveLength(6);
    expect(deviceRows(p)).toEqual([
      { bdf: '0000:01:00.0', cdev: 'vfio0', group: 1, iommu: 'smmu0', bars: [[0, 64n * KiB, false], [2, 16n * KiB, false]], ats: true, pri: true, pasidBits: 20, driver: 'vfio-pci' },
      { bdf: '0000:02:00.0', cdev: 'vfio1', group: 2, iommu: 'smmu0', bars: [[0, 16n * KiB, false]], ats: false, pri: false, pasidBits: 0, driver: 'vfio-pci' },
      { bdf: '0000:03:00.0', cdev: 'vfio2', group: 3, iommu: 'smmu0', bars: [[0, 16n * MiB, false], [1, 256n * MiB, true]], ats: false, pri: false, pasidBits: 0, driver: 'vfio-pci' },
    ]);
    expect(p.devices.map((d) => d.rid)).toEqual([0x100, 0x200, 0x300]);
    for (const d of p.devices) expect(d.reservedRegions, d.bdf).toEqual([SW_MSI]);
    expect(p.principals).toEqual(STANDARD_PRINCIPALS);
    expect(p.nodes.map((n) => [n.path, n.mode.toString(8)])).toEqual([
      ['/dev/iommu', '660'],
      ['/dev/vfio/vfio', '666'],
      ['/dev/vfio/1', '600'],
      ['/dev/vfio/2', '600'],
      ['/dev/vfio/3', '600'],
      ['/dev/vfio/devices/vfio0', '600'],
      ['/dev/vfio/devices/vfio1', '600'],
      ['/dev/vfio/devices/vfio2', '600'],
    ]);
  });

  it('each load returns a fresh object', () => {
    const a = loadProfile('intel-vtd');
    a.devices[0]!.driver = 'host';
    expect(loadProfile('intel-vtd').devices[0]!.driver).toBe('vfio-pci');
  });
});

describe('loading by name or path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'iommutwin-profile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads a YAML file by path', () => {
    const file = join(dir, 'small.yaml');
    writeFileSync(file, 'name: small\narch: x86_64\nram: 1GiB\niommus: [{ name: dmar0, type: vtd }]\n');
    const p = loadProfile(file);
    expect(p.name).toBe('small');
    expect(p.source).toBe(file);
    expect(p.devices).toEqual([]);
  });

  it('refuses an unknown built-in name and a missing file', () => {
    expect(() => loadProfile('intel-vdt')).toThrow(ProfileError);
    try {
      loadProfile('intel-vdt');
    } catch (e) {
      expect((e as ProfileError).problems).toEqual([
        "unknown built-in profile 'intel-vdt' (built-ins: intel-vtd, arm-smmuv3, arm-smmuv3-s2, intel-vtd-legacy); to load a file give its path, e.g. ./intel-vdt.yaml",
      ]);
    }
    try {
      loadProfile(join(dir, 'nope.yaml'));
      throw new Error('accepted');
    } catch (e) {
      expect((e as ProfileError).problems).toEqual(['cannot read profile: ENOENT']);
    }
  });
});

describe('defaults for user profiles', () => {
  const yaml = `
name: my-host
arch: aarch64
ram: 64GiB
defaults:
  reservedRegions:
    - { start: 0x08000000, size: 1MiB, type: sw_msi }
  nodes:
    vfioCdev: { uid: qemu, gid: qemu, mode: "0660" }
iommus:
  - { name: smmu0, type: smmuv3, pasidBits: 16, ats: true, prs: true }
devices:
  - { bdf: "01:00.0", group: 1, ats: true, pri: true, pasidBits: 16, pasidExec: true }
  - { bdf: "0000:02:00.0", group: 2, cdev: vfio0 }
  - { bdf: "0000:03:00.0", group: 3, driver: host }
  - { bdf: "0000:04:00.0", group: 4, defaultReservedRegions: false,
      reservedRegions: [{ start: 0x10000000, last: 0x1000ffff, type: reserved }] }
principals:
  - { name: qemu, uid: 64055, gids: [64055, 36], memlock: unlimited }
  - { name: alice, uid: 1000, capabilities: [ipc_lock] }
nodes:
  - { path: /dev/vfio/2, uid: alice, mode: "0o640" }
`;
  const p = parseProfile(yaml, 'my-host.yaml');

  it('fills unit defaults for the type', () => {
    expect(p.iommus[0]).toMatchObject({
      granules: [4096, 16384, 65536],
      pageSizes: [4n * KiB, 2n * MiB, 1n * GiB],
      firstStage: true,
      secondStage: false,
      nesting: false,
      inputBits: 48,
      outputBits: 48,
      sidBits: 16,
      streamTableLevels: 2,
      iotlbEntries: 512,
      domainIds: 65536,
    });
  });

  it('assigns the only unit, normalises BDFs, and names cdevs around explicit ones', () => {
    expect(p.devices.map((d) => [d.bdf, d.iommu, d.cdev, d.driver])).toEqual([
      ['0000:01:00.0', 'smmu0', 'vfio1', 'vfio-pci'],
      ['0000:02:00.0', 'smmu0', 'vfio0', 'vfio-pci'],
      ['0000:03:00.0', 'smmu0', undefined, 'host'],
      ['0000:04:00.0', 'smmu0', 'vfio2', 'vfio-pci'],
    ]);
    expect(p.devices[0]!.pasidExec).toBe(true);
    expect(encodeHwInfo(p.iommus[0]!, p.devices[0]!).capabilities).toBe(2n); // PASID_EXEC, no dirty tracking
  });

  it('applies default reserved regions unless a device opts out', () => {
    const sw = { start: 0x08000000n, last: 0x080fffffn, type: 'sw_msi' };
    expect(p.devices[0]!.reservedRegions).toEqual([sw]);
    expect(p.devices[3]!.reservedRegions).toEqual([{ start: 0x10000000n, last: 0x1000ffffn, type: 'reserved' }]);
  });

  it('merges principals with the standard set by name', () => {
    expect(p.principals.map((x) => x.name)).toEqual(['root', 'qemu', 'platform', 'alice']);
    // a user entry replaces the standard one whole: the built-in qemu limits do not carry over
    expect(p.principals[1]).toEqual({ name: 'qemu', uid: 64055, gids: [64055, 36], capabilities: [], memlockBytes: 'unlimited', roles: [], limits: DEFAULT_LIMITS });
    expect(p.principals[3]).toEqual({ name: 'alice', uid: 1000, gids: [1000], capabilities: ['CAP_IPC_LOCK'], memlockBytes: 8n * MiB, roles: [], limits: DEFAULT_LIMITS });
  });

  it('applies node templates and per-node overrides (principal names resolve to ids)', () => {
    expect(p.nodeTemplates['vfio-cdev']).toEqual({ uid: 64055, gid: 64055, mode: 0o660 });
    const byPath = new Map(p.nodes.map((n) => [n.path, n]));
    expect(byPath.get('/dev/vfio/devices/vfio0')).toMatchObject({ uid: 64055, gid: 64055, mode: 0o660, kind: 'vfio-cdev', cdev: 'vfio0' });
    expect(byPath.get('/dev/vfio/2')).toMatchObject({ uid: 1000, gid: 0, mode: 0o640, kind: 'vfio-group', group: 2 });
    expect(byPath.has('/dev/vfio/3')).toBe(false); // group 3 has only a host-driver device
  });

  it('a legacy host without iommufd has no cdevs and no /dev/iommu', () => {
    const legacy = parseProfile(`
name: legacy
arch: x86_64
ram: 8GiB
kernel: { iommufd: false, nativeType1: true }
iommus: [{ name: dmar0, type: vtd }]
devices: [{ bdf: "0000:01:00.0", group: 1 }]
`);
    expect(legacy.kernel).toMatchObject({ iommufd: false, nativeType1: true, vfioCompatContainer: false, iommufdFault: false, viommu: false });
    expect(legacy.devices[0]!.cdev).toBeUndefined();
    expect(legacy.nodes.map((n) => n.path)).toEqual(['/dev/vfio/vfio', '/dev/vfio/1']);
  });
});

describe('validation', () => {
  it('device problems: unknown unit, duplicate BDF and cdev, bad BDF, group across units, PASID, regions, sizes, typos', () => {
    const yaml = `
name: bad-devices
arch: x86_64
ram: 16GiB
iommus:
  - { name: dmar0, type: vtd, scalableMode: true, firstStage: true, pasidBits: 8, ats: true }
  - { name: dmar1, type: vtd }
devices:
  - { bdf: "0000:01:00.0", group: 1, iommu: dmar0 }
  - { bdf: "0000:01:00.0", group: 2, iommu: dmar0 }
  - { bdf: "0000:1:00.0", group: 3, iommu: dmar0 }
  - { bdf: "0000:03:00.0", group: 4, iommu: dmar9 }
  - { bdf: "0000:04:00.0", group: 1, iommu: dmar1 }
  - { bdf: "0000:05:00.0", group: 5, iommu: dmar0, cdev: vfio7 }
  - { bdf: "0000:06:00.0", group: 6, iommu: dmar0, cdev: vfio7 }
  - { bdf: "0000:07:00.0", group: 7, iommu: dmar0, pasidBits: 20 }
  - { bdf: "0000:08:00.0", group: 8, iommu: dmar0, reservedRegions: [{ start: 0x100000, last: 0xfffff, type: direct }] }
  - { bdf: "0000:09:00.0", group: 9, iommu: dmar0, bars: [{ index: 0, size: 64KB }] }
  - { bdf: "0000:0a:00.0", group: 10, iommu: dmar0, drivr: host }
  - { bdf: "0000:0b:00.0", group: 11, iommu: dmar1, ats: true, pri: true }
  - { bdf: "0000:0c:00.0", group: 12, iommu: dmar0, cdev: dev3, driver: host }
  - { bdf: "0000:0d:00.0", group: 13, iommu: dmar0, pri: true }
  - { bdf: "0000:0e:00.0", group: 14 }
  - { bdf: "0000:20:00.0", group: 15, iommu: dmar0, bars: [{ index: 0, size: 64KiB, is64: true }, { index: 1, size: 24KiB }, { index: 2, size: 8GiB }] }
  - { bdf: "0000:21:00.0", group: 16, iommu: dmar0, reservedRegions: [{ start: 0x1000, last: 0x1fff, size: 4KiB, type: msi }, { start: 0x2000, size: 4KiB, type: msix }] }
`;
    expect(problemsOf(yaml)).toEqual([
      'devices[1].bdf: duplicate BDF 0000:01:00.0 (also devices[0])',
      "devices[2].bdf: bad BDF '0000:1:00.0' (expected DDDD:BB:DD.F, e.g. 0000:01:00.0)",
      "devices[3].iommu: unknown IOMMU unit 'dmar9'",
      "devices[4].group: group 1 spans IOMMU units 'dmar0' (devices[0]) and 'dmar1'; a group sits behind one unit",
      "devices[6].cdev: duplicate cdev name 'vfio7' (also devices[5])",
      "devices[7].pasidBits: 20 exceeds the PASID width of unit 'dmar0' (8 bits)",
      'devices[8].reservedRegions[0]: start 0x100000 is above last 0xfffff',
      "devices[9].bars[0].size: bad size '64KB' (ambiguous unit 'KB': write KiB)",
      "devices[10].drivr: unknown key (did you mean 'driver'?)",
      "devices[11].ats: unit 'dmar1' does not support ATS",
      "devices[11].pri: unit 'dmar1' does not support page requests (prs)",
      "devices[12].cdev: bad cdev name 'dev3' (expected vfioN, e.g. vfio0)",
      'devices[12].cdev: only a vfio-pci device has a VFIO cdev (driver is host)',
      'devices[13].pri: PRI needs ATS (ats: true)',
      "devices[13].pri: unit 'dmar0' does not support page requests (prs)",
      'devices[14].iommu: required (the host has 2 IOMMU units: dmar0, dmar1)',
      'devices[15].bars[1].index: BAR1 is already used by the upper half of 64-bit BAR0',
      'devices[15].bars[1].size: a memory BAR is a power of two of at least 16 bytes, got 24 KiB',
      'devices[15].bars[2].size: 8 GiB needs a 64-bit BAR (is64: true)',
      'devices[16].reservedRegions[0]: give either last or size, not both',
      "devices[16].reservedRegions[1].type: must be one of direct, direct_relaxable, reserved, msi, sw_msi, got 'msix' (did you mean 'msi'?)",
    ]);
  });

  it('unit problems: page sizes the granules cannot form, typos, duplicates, arch and feature dependencies', () => {
    const yaml = `
name: bad-units
arch: x86_64
ram: 1GiB
iommus:
  - name: dmar0
    type: vtd
    pageSizes: [4KiB, 8KiB, 2MiB]
    dirtyTraking: true
  - name: dmar0
    type: vtd
  - name: smmu0
    type: smmuv3
    granules: [4KiB, 8KiB]
    outputBits: 46
  - name: dmar2
    type: vtd
    firstStage: true
    prs: true
    stall: true
    domainIds: 1000
  - name: dmar3
    type: vtd
    pageSizes: [2MiB, 1GiB]
    nesting: true
    dirtyTracking: true
  - name: dmar4
    type: iommu
  - name: dmar5
    type: vtd
    inputBits: 64
    pasidBits: yes
    granules: [16KiB]
`;
    expect(problemsOf(yaml)).toEqual([
      "iommus[0].dirtyTraking: unknown key (did you mean 'dirtyTracking'?)",
      "iommus[0].pageSizes[1]: 8 KiB is not a leaf size the unit's granules can form (4 KiB granule: 4 KiB, 2 MiB, 1 GiB)",
      "iommus[1].name: duplicate IOMMU unit name 'dmar0' (also iommus[0])",
      "iommus[2].type: a smmuv3 unit needs arch aarch64 (the profile's arch is x86_64)",
      'iommus[2].outputBits: SMMUv3 output sizes are 32, 36, 40, 42, 44, 48, 52 bits, got 46',
      'iommus[2].granules[1]: 8 KiB is not an SMMUv3 translation granule (4 KiB, 16 KiB, 64 KiB)',
      'iommus[3].stall: only for smmuv3 units',
      'iommus[3].domainIds: VT-d supports 16, 64, 256, 1024, 4096, 16384 or 65536 domain IDs, got 1000',
      'iommus[3].firstStage: VT-d first-stage translation needs scalableMode',
      'iommus[3].prs: VT-d page requests need scalableMode',
      'iommus[3].prs: page requests (PRI) need ats',
      'iommus[4].pageSizes: must include the 4 KiB granule itself (the smallest leaf size)',
      'iommus[4].dirtyTracking: VT-d dirty tracking (SLADS) needs scalableMode',
      'iommus[4].nesting: nesting needs firstStage and secondStage',
      "iommus[5].type: must be one of vtd, smmuv3, got 'iommu'",
      'iommus[6].inputBits: 64 is out of range (32..57)',
      'iommus[6].granules[0]: VT-d has only the 4 KiB granule, got 16 KiB',
      "iommus[6].pasidBits: expected an integer, got 'yes'",
    ]);
  });

  it('SMMUv3 page sizes from two granules, and a stream ID beyond SIDSIZE', () => {
    const yaml = `
name: bad-smmu
arch: aarch64
ram: 1GiB
iommus:
  - { name: smmu0, type: smmuv3, pageSizes: [4KiB, 16KiB, 32MiB], sidBits: 8 }
  - { name: smmu1, type: smmuv3, sidBits: 8 }
devices:
  - { bdf: "0000:01:00.0", group: 1, iommu: smmu1 }
`;
    expect(problemsOf(yaml)).toEqual([
      'iommus[0].pageSizes: mixes page sizes of the 4 KiB and 16 KiB granules; a paging domain uses one granule',
      "devices[0].bdf: stream ID 0x100 does not fit unit 'smmu1' (8-bit SIDSIZE)",
    ]);
  });

  it('top-level problems: arch, sizes, kernel, principals, nodes', () => {
    const yaml = `
name: bad top
arch: arm64
ram: 512GB
pageSize: 64KiB
kernel: { nativeType1: true, vfioCompatContainer: true, version: 6.18, dmabuf: true }
principals:
  - { name: alice, uid: 1000, capabilities: [CAP_SYS_ADMN], memlock: lots, roles: [admin] }
  - { name: alice, uid: 1001 }
nodes:
  - { path: /dev/vfio/devices/vfio9, mode: "0600" }
  - { path: /dev/iommu, mode: 0660, uid: bob }
iommus: []
extra: 1
`;
    expect(problemsOf(yaml)).toEqual([
      "extra: unknown key",
      "name: bad profile name 'bad top' (letters, digits, '_', '.', '-')",
      "arch: must be one of x86_64, aarch64, got 'arm64'",
      "ram: bad size '512GB' (ambiguous unit 'GB': write GiB)",
      'pageSize: only 4 KiB host pages are modelled, got 64 KiB',
      "kernel.dmabuf: unknown key (did you mean 'dmabufP2p'?)",
      'kernel.version: write the version as a quoted string, e.g. "6.18" (YAML reads 6.18 as a number)',
      'kernel.nativeType1: conflicts with vfioCompatContainer (only one backend can serve /dev/vfio/vfio)',
      'iommus: must list at least one IOMMU unit',
      "principals[0].capabilities[0]: unknown capability 'CAP_SYS_ADMN' (did you mean 'CAP_SYS_ADMIN'?)",
      "principals[0].memlock: bad size 'lots' (write e.g. 4096, 0x1000, 64KiB, 2MiB, 1GiB)",
      "principals[0].roles[0]: unknown role 'admin' (roles: platform)",
      "nodes[0].path: no such device node '/dev/vfio/devices/vfio9'",
      "nodes[1].uid: unknown principal 'bob'",
      "nodes[1].mode: write file modes as a quoted octal string, e.g. '0660' (YAML reads an unquoted 660 as a decimal number)",
    ]);
  });

  it('principal limits: nofile, pids and memory are checked with the path of the bad value', () => {
    const yaml = `
name: p
arch: x86_64
ram: 1GiB
iommus: [{ name: dmar0, type: vtd }]
principals:
  - { name: a, uid: 1000, limits: { nofile: 3, pids: -1, memory: lots } }
  - { name: b, uid: 1001, limits: { nofile: 1048577, pids: 4294967295, memory: -4096 } }
  - { name: c, uid: 1002, limits: { nofile: "1024", pids: forever, cpu: 2 } }
  - { name: d, uid: 1003, limits: [nofile, 64] }
`;
    expect(problemsOf(yaml)).toEqual([
      'principals[0].limits.nofile: 3 is out of range (4..1048576)',
      'principals[0].limits.pids: -1 is out of range (0..4294967294)',
      "principals[0].limits.memory: bad size 'lots' (write e.g. 4096, 0x1000, 64KiB, 2MiB, 1GiB)",
      'principals[1].limits.nofile: 1048577 is out of range (4..1048576)',
      'principals[1].limits.pids: 4294967295 is out of range (0..4294967294)',
      'principals[1].limits.memory: bad size -4096',
      'principals[2].limits.cpu: unknown key',
      "principals[2].limits.nofile: expected an integer, got '1024'",
      "principals[2].limits.pids: expected an integer, got 'forever'",
      'principals[3].limits: expected a mapping, got a list',
    ]);
  });

  it('principal limits: values, unlimited, partial blocks take the defaults for the rest', () => {
    const p = parseProfile(
      `
name: p
arch: x86_64
ram: 1GiB
iommus: [{ name: dmar0, type: vtd }]
principals:
  - { name: tenant, uid: 2000, limits: { nofile: 64, pids: 8, memory: 256MiB } }
  - { name: wide, uid: 2001, limits: { pids: unlimited, memory: unlimited } }
  - { name: few, uid: 2002, limits: { pids: 0 } }
  - { name: plain, uid: 2003 }
`,
      'limits.yaml',
    );
    const limits = new Map(p.principals.map((x) => [x.name, x.limits]));
    expect(limits.get('tenant')).toEqual({ nofile: 64, pids: 8, memoryBytes: 256n * MiB });
    expect(limits.get('wide')).toEqual({ nofile: 1024, pids: 'unlimited', memoryBytes: 'unlimited' });
    expect(limits.get('few')).toEqual({ nofile: 1024, pids: 0, memoryBytes: 'unlimited' });
    expect(limits.get('plain')).toEqual(DEFAULT_LIMITS);
    // the standard principals keep the built-in limits: qemu is a bounded slice
    expect(limits.get('qemu')).toEqual({ nofile: 1024, pids: 512, memoryBytes: 256n * GiB });
    expect(limits.get('root')).toEqual(DEFAULT_LIMITS);
  });

  it('duplicate principals and RAM beyond a unit', () => {
    const yaml = `
name: p
arch: x86_64
ram: 1TiB
iommus: [{ name: dmar0, type: vtd, outputBits: 39 }]
principals:
  - { name: alice, uid: 1000 }
  - { name: alice, uid: 1001 }
`;
    expect(problemsOf(yaml)).toEqual([
      'iommus[0].outputBits: 39-bit output addresses cannot reach 1 TiB of RAM',
      'principals[1].name: duplicate principal \'alice\' (also principals[0])',
    ]);
  });

  it('a kernel without iommufd refuses iommufd-only features and cdev names', () => {
    const yaml = `
name: k
arch: x86_64
ram: 1GiB
kernel: { iommufd: false, viommu: true }
iommus: [{ name: dmar0, type: vtd }]
devices: [{ bdf: "0000:01:00.0", group: 1, cdev: vfio0 }]
`;
    expect(problemsOf(yaml)).toEqual([
      'kernel.viommu: needs iommufd',
      'devices[0].cdev: the kernel has no iommufd, so no VFIO device cdevs',
    ]);
  });

  it('reports line numbers, and YAML syntax / duplicate-key errors', () => {
    const err = errorOf(`name: x
arch: x86_64
ram: 1GiB
iommus:
  - { name: dmar0, type: vtd }
devices:
  - bdf: "0000:01:00.0"
    group: 1
    iommu: dmar9
`);
    expect(err.issues).toEqual([{ path: 'devices[0].iommu', message: "unknown IOMMU unit 'dmar9'", line: 9 }]);
    expect(err.message).toBe(
      "invalid host profile test.yaml: 1 problem\n  devices[0].iommu: unknown IOMMU unit 'dmar9' (line 9)",
    );

    const dup = errorOf('name: x\nname: y\n');
    expect(dup.issues).toHaveLength(1);
    expect(dup.issues[0]!.message).toMatch(/^YAML: Map keys must be unique/);
    expect(dup.issues[0]!.line).toBe(2);

    const syntax = errorOf('name: [x\n');
    expect(syntax.issues[0]!.message).toMatch(/^YAML: /);

    expect(problemsOf('')).toEqual(['empty document']);
    expect(problemsOf('- a\n- b\n')).toEqual(['expected a mapping, got a list']);
  });

  it('register images given in the profile must agree with the unit fields', () => {
    const ok = `
name: r
arch: x86_64
ram: 1GiB
iommus:
  - name: dmar0
    type: vtd
    scalableMode: true
    vtd: { capReg: 0x${computeVtdRegs({ ...baseVtdUnit() }).capReg.toString(16)}, flags: 1 }
`;
    const p = parseProfile(ok);
    expect(p.iommus[0]!.vtd!.flags).toBe(1);
    expect(decodeVtd(encodeHwInfo(p.iommus[0]!, { ...dummyDevice(), iommu: 'dmar0' }).data).flags).toBe(1);

    const bad = `
name: r
arch: x86_64
ram: 1GiB
iommus:
  - name: dmar0
    type: vtd
    vtd: { capReg: 0x00d2008c40660462, ecapReg: 0xf0505e }
`;
    expect(problemsOf(bad)).toEqual([
      "iommus[0].vtd.capReg: ND is 2 but the unit's fields give 6",
      "iommus[0].vtd.capReg: MGAW is 38 but the unit's fields give 47",
      "iommus[0].vtd.capReg: PSI is 1 but the unit's fields give 0",
      "iommus[0].vtd.ecapReg: C is 0 but the unit's fields give 1",
      "iommus[0].vtd.ecapReg: DT is 1 but the unit's fields give 0",
    ]);

    const badIdr = `
name: r
arch: aarch64
ram: 1GiB
iommus:
  - name: smmu0
    type: smmuv3
    smmuv3: { idr: [0x084d349b, 0x02739d10, 0, 0x400, 0, 0x00800075], iidr: 0x1234 }
`;
    expect(problemsOf(badIdr)).toEqual([
      "iommus[0].smmuv3.idr[0]: S2P is 1 but the unit's fields give 0",
      "iommus[0].smmuv3.idr[0]: HTTU is 2 but the unit's fields give 0",
      "iommus[0].smmuv3.idr[0]: ATS is 1 but the unit's fields give 0",
      "iommus[0].smmuv3.idr[0]: PRI is 1 but the unit's fields give 0",
      "iommus[0].smmuv3.idr[0]: CD2L is 1 but the unit's fields give 0",
      "iommus[0].smmuv3.idr[0]: STALL_MODEL is 0 but the unit's fields give 1",
      "iommus[0].smmuv3.idr[1]: SSIDSIZE is 20 but the unit's fields give 0",
      "iommus[0].smmuv3.idr[3]: RIL is 1 but the unit's fields give 0",
    ]);
  });
});

describe('sizes', () => {
  it('parses binary units, hex and plain numbers', () => {
    expect(parseSize('4096')).toBe(4096n);
    expect(parseSize('0x1000')).toBe(4096n);
    expect(parseSize('64KiB')).toBe(64n * KiB);
    expect(parseSize('2 MiB')).toBe(2n * MiB);
    expect(parseSize('1G')).toBe(GiB);
    expect(parseSize('512gib')).toBe(512n * GiB);
    expect(parseSize('15EiB')).toBe(15n << 60n);
    expect(() => parseSize('16EiB')).toThrow("bad size '16EiB' (above 2^64 - 1)");
  });
  it('refuses ambiguous and malformed sizes', () => {
    expect(() => parseSize('4KB')).toThrow("bad size '4KB' (ambiguous unit 'KB': write KiB)");
    expect(() => parseSize('1.5GiB')).toThrow("bad size '1.5GiB' (write e.g. 4096, 0x1000, 64KiB, 2MiB, 1GiB)");
    expect(() => parseSize('3 bananas')).toThrow("bad size '3 bananas' (unknown unit 'bananas')");
    expect(() => parseSize('0x10K')).toThrow("bad size '0x10K' (no unit after a hex number)");
    // units are looked up in a Map: Object.prototype names are unknown units, not crashes
    for (const u of ['constructor', 'toString', 'valueOf', 'hasOwnProperty']) {
      expect(() => parseSize(`1${u}`)).toThrow(`bad size '1${u}' (unknown unit '${u}')`);
    }
  });
  it('formats sizes', () => {
    expect(formatSize(64n * KiB)).toBe('64 KiB');
    expect(formatSize(512n * GiB)).toBe('512 GiB');
    expect(formatSize(1536n)).toBe('1536 B');
    expect(formatSize(3n * MiB)).toBe('3 MiB');
  });
});

function baseVtdUnit() {
  return {
    name: 'dmar0',
    type: 'vtd' as const,
    inputBits: 48,
    outputBits: 48,
    pageSizes: [4n * KiB, 2n * MiB, GiB],
    granules: [4096],
    pasidBits: 0,
    nesting: false,
    dirtyTracking: false,
    prs: false,
    ats: false,
    scalableMode: true,
    firstStage: false,
    secondStage: true,
    rangeInvalidation: false,
    stall: false,
    iotlbEntries: 512,
    domainIds: 65536,
    coherent: true,
    msiIsolation: true,
  };
}
function dummyDevice() {
  return {
    bdf: '0000:01:00.0',
    rid: 0x100,
    group: 1,
    iommu: 'dmar0',
    description: '',
    bars: [],
    ats: false,
    pri: false,
    pasidBits: 0,
    pasidExec: false,
    pasidPriv: false,
    driver: 'vfio-pci' as const,
    reservedRegions: [],
    dirtyTracking: false,
  };
}

describe('profiles/README.md', () => {
  it('its commented example is a valid profile', () => {
    const md = readFileSync(join(builtinProfileDir(), 'README.md'), 'utf8');
    const m = /```yaml\n([\s\S]*?)```/.exec(md);
    expect(m).not.toBeNull();
    const p = parseProfile(m![1]!, 'README example');
    expect(p.name).toBe('my-host');
    expect(p.devices.map((d) => [d.bdf, d.cdev, d.driver])).toEqual([
      ['0000:01:00.0', 'vfio0', 'vfio-pci'],
      ['0000:02:00.0', 'vfio1', 'vfio-pci'],
      ['0000:05:00.0', undefined, 'host'],
    ]);
    expect(p.devices[1]!.reservedRegions).toEqual([MSI_X86, { start: 0xe0000n, last: 0xfffffn, type: 'direct' }]);
    expect(p.principals.map((x) => x.name)).toEqual(['root', 'qemu', 'platform', 'ci']);
    expect(p.principals[3]).toMatchObject({ uid: 1500, capabilities: ['CAP_IPC_LOCK'], roles: ['platform'], limits: { nofile: 4096, pids: 64, memoryBytes: 8n * GiB } });
    const byPath = new Map(p.nodes.map((n) => [n.path, n]));
    expect(byPath.get('/dev/vfio/devices/vfio0')).toMatchObject({ uid: 64055, gid: 64055, mode: 0o600 });
    expect(byPath.get('/dev/vfio/devices/vfio1')).toMatchObject({ uid: 0, gid: 64055, mode: 0o660 });
  });
});

describe('device migration (profiles.md "Device migration support")', () => {
  const migrationRows = (name: string) =>
    loadProfile(name)
      .devices.filter((d) => d.migration)
      .map((d) => ({ bdf: d.bdf, ...d.migration }));

  it('intel-vtd and arm-smmuv3: the NIC has STOP_COPY|P2P|PRE_COPY with 1 MiB, the GPU STOP_COPY|P2P with 64 MiB, the others none', () => {
    for (const name of ['intel-vtd', 'arm-smmuv3']) {
      expect(migrationRows(name), name).toEqual([
        { bdf: '0000:01:00.0', stopCopy: true, p2p: true, preCopy: true, stateBytes: 1n * MiB },
        { bdf: '0000:03:00.0', stopCopy: true, p2p: true, preCopy: false, stateBytes: 64n * MiB },
      ]);
    }
  });

  it('intel-vtd-legacy: the NIC has STOP_COPY|P2P with 1 MiB; arm-smmuv3-s2: the NIC has STOP_COPY with 1 MiB', () => {
    expect(migrationRows('intel-vtd-legacy')).toEqual([{ bdf: '0000:01:00.0', stopCopy: true, p2p: true, preCopy: false, stateBytes: 1n * MiB }]);
    expect(migrationRows('arm-smmuv3-s2')).toEqual([{ bdf: '0000:01:00.0', stopCopy: true, p2p: false, preCopy: false, stateBytes: 1n * MiB }]);
  });

  it('no built-in device has device-side DMA logging; a device says so with dirtyTracking', () => {
    for (const name of builtinProfileNames()) expect(loadProfile(name).devices.every((d) => d.dmaLogging === false), name).toBe(true);
    const p = parseProfile(`
name: mig
arch: x86_64
ram: 8GiB
iommus: [{ name: dmar0, type: vtd }]
devices:
  - { bdf: "0000:01:00.0", group: 1, dirtyTracking: true, migration: { stateBytes: 8KiB } }
  - { bdf: "0000:02:00.0", group: 2 }
`);
    expect(p.devices.map((d) => [d.dmaLogging, d.migration])).toEqual([
      [true, { stopCopy: true, preCopy: false, p2p: false, stateBytes: 8n * KiB }],
      [false, undefined],
    ]);
  });

  it('refuses a migration without STOP_COPY, a state size that is not a multiple of 4 KiB or too large, unknown keys', () => {
    expect(
      problemsOf(`
name: bad-mig
arch: x86_64
ram: 8GiB
iommus: [{ name: dmar0, type: vtd }]
devices:
  - { bdf: "0000:01:00.0", group: 1, migration: { stopCopy: false, preCopy: true, stateBytes: 1MiB } }
  - { bdf: "0000:02:00.0", group: 2, migration: { stateBytes: 6000 } }
  - { bdf: "0000:03:00.0", group: 3, migration: { p2p: true } }
  - { bdf: "0000:04:00.0", group: 4, migration: { stateBytes: 32GiB, precopy: true } }
  - { bdf: "0000:05:00.0", group: 5, migration: { stateBytes: 0 } }
`),
    ).toEqual([
      'devices[0].migration.stopCopy: VFIO_MIGRATION_STOP_COPY is mandatory for VFIO migration (omit `migration` for a device that cannot migrate)',
      `devices[1].migration.stateBytes: must be a non-zero multiple of 4 KiB, got ${formatSize(6000n)}`,
      'devices[2].migration.stateBytes: required',
      "devices[3].migration.precopy: unknown key (did you mean 'preCopy'?)",
      'devices[3].migration.stateBytes: at most 16 GiB, got 32 GiB',
      'devices[4].migration.stateBytes: must be a non-zero multiple of 4 KiB, got 0 B',
    ]);
  });
});
