import { describe, expect, it } from 'vitest';
import { DomainError } from '#libs/errno/index.js';
import { describeProfile, migrationFlagsOf, parseDescribeJson } from './describe.js';
import { loadProfile } from './profile.js';

/** The JSON `ctl describe --json` prints: bytes as hex, the rest as the message holds it. */
function jsonOf(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && (x as { type?: unknown }).type === 'Buffer' ? '' : x));
}

function camel(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camel);
  if (v && typeof v === 'object' && !Buffer.isBuffer(v)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), k === 'properties' ? x : camel(x)]));
  }
  return v;
}

function problems(text: string): string {
  try {
    parseDescribeJson(text, 'hosts[0]');
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).reason).toBe('BAD_HOST');
    return (e as DomainError).message;
  }
  throw new Error('accepted');
}

describe('describeProfile: the static Platform.Describe of a profile', () => {
  it('intel-vtd: units with register images, devices with migration flags, groups with viability', () => {
    const d = describeProfile(loadProfile('intel-vtd'));
    expect(d.name).toBe('intel-vtd');
    expect(d.boot_id).toBe('');
    expect(d.kernel_features).toEqual({ iommufd: true, vfio_compat_container: true, native_type1: false, dmabuf_p2p: false, iommufd_fault: true, viommu: true });
    expect(d.units.map((u) => [u.name, u.type, u.page_sizes, u.input_address_width, u.nesting, u.dirty_tracking, u.properties.scalable_mode])).toEqual([
      ['dmar0', 'IOMMU_TYPE_INTEL_VTD', String(0x40201000), 48, true, true, 'true'],
      ['dmar1', 'IOMMU_TYPE_INTEL_VTD', String(0x201000), 48, false, false, 'false'],
    ]);
    expect(d.units[0]!.hw_info!.type).toBe(1);
    expect(d.units[0]!.hw_info!.data.length).toBe(24);
    const nic = d.devices.find((x) => x.bdf === '0000:01:00.0')!;
    expect(nic).toMatchObject({ cdev: 'vfio0', group: 1, unit: 'dmar0', driver: 'vfio-pci', rid: 0x100, migration_flags: 7, migration_state_bytes: String(1 << 20), present: true });
    expect(nic.bars.map((b) => [b.index, b.size, b.addr])).toEqual([
      [0, String(64 << 10), '0'],
      [2, String(16 << 10), '0'],
    ]);
    expect(nic.reserved_regions).toEqual([{ start: String(0xfee00000), last: String(0xfeefffff), type: 'RESERVED_REGION_TYPE_MSI' }]);
    // group 6 holds a host-owned sibling: not viable
    expect(d.groups.find((g) => g.id === 6)).toEqual({ id: 6, unit: 'dmar0', devices: ['0000:06:00.0', '0000:06:00.1'], viable: false });
    expect(d.groups.find((g) => g.id === 4)!.viable).toBe(true);
  });

  it('migrationFlagsOf: STOP_COPY = 1, P2P = 2, PRE_COPY = 4; nothing without STOP_COPY', () => {
    expect(migrationFlagsOf(undefined)).toBe(0);
    expect(migrationFlagsOf({ stopCopy: true, p2p: true, preCopy: false, stateBytes: 0n })).toBe(3);
    expect(migrationFlagsOf({ stopCopy: false, p2p: true, preCopy: true, stateBytes: 0n })).toBe(0);
  });
});

describe('parseDescribeJson: a Describe output given as JSON', () => {
  const d = describeProfile(loadProfile('intel-vtd-legacy'));

  it('reads back what it describes (snake_case and the proto3 JSON lowerCamelCase alike)', () => {
    for (const text of [jsonOf(d), jsonOf(camel(d))]) {
      const back = parseDescribeJson(text, 'hosts[0]');
      expect({ ...back, units: back.units.map(({ hw_info: _h, hwpt_data_types: _a, viommu_types: _b, ...u }) => u) }).toEqual({
        ...d,
        units: d.units.map(({ hw_info: _h, hwpt_data_types: _a, viommu_types: _b, ...u }) => ({ ...u, properties: { scalable_mode: 'false', granules: '4096' } })),
      });
      expect(back.units[0]!.hw_info!.vtd).toEqual(d.units[0]!.hw_info!.vtd);
    }
  });

  it('u64 as safe numbers and enums by number are accepted', () => {
    const doc = JSON.parse(jsonOf(d));
    doc.units[0].page_sizes = 0x201000;
    doc.units[0].type = 1;
    const back = parseDescribeJson(JSON.stringify(doc), 'h');
    expect(back.units[0]!.page_sizes).toBe(String(0x201000));
    expect(back.units[0]!.type).toBe('IOMMU_TYPE_INTEL_VTD');
  });

  it('reserved-region types by number follow the proto enum (0 UNSPECIFIED, 1 DIRECT .. 5 SW_MSI)', () => {
    const withType = (type: unknown) => {
      const doc = JSON.parse(jsonOf(d));
      const dev = doc.devices.find((x: { reserved_regions: unknown[] }) => x.reserved_regions.length > 0);
      dev.reserved_regions[0].type = type;
      return { text: JSON.stringify(doc), bdf: dev.bdf as string };
    };
    const wire = ['DIRECT', 'DIRECT_RELAXABLE', 'RESERVED', 'MSI', 'SW_MSI'];
    wire.forEach((name, i) => {
      for (const type of [i + 1, `RESERVED_REGION_TYPE_${name}`, name]) {
        const { text, bdf } = withType(type);
        const back = parseDescribeJson(text, 'h');
        expect(back.devices.find((x) => x.bdf === bdf)!.reserved_regions[0]!.type).toBe(`RESERVED_REGION_TYPE_${name}`);
      }
    });
    // UNSPECIFIED is refused by number as by name; so is a number past the enum
    for (const type of [0, 'RESERVED_REGION_TYPE_UNSPECIFIED', 'UNSPECIFIED', 6]) {
      expect(problems(withType(type).text)).toMatch(/\$\.devices\[\d+\]\.reserved_regions\[0\]\.type: '[A-Z_0-9]+' is not one of RESERVED_REGION_TYPE_DIRECT, /);
    }
  });

  it('refuses with every problem and its path', () => {
    const doc = JSON.parse(jsonOf(d));
    doc.devices[0].unit = 'dmar9';
    doc.devices[1].bdf = doc.devices[0].bdf;
    doc.units[0].page_sizes = 'lots';
    delete doc.kernel_features;
    const msg = problems(JSON.stringify(doc));
    expect(msg).toContain("$.devices[0].unit: unknown IOMMU unit 'dmar9'");
    expect(msg).toContain('$.devices[1].bdf: 0000:01:00.0 is listed twice');
    expect(msg).toContain('$.units[0].page_sizes: not a u64');
    expect(msg).toContain('$.kernel_features: missing');
    expect(msg.startsWith('hosts[0]: not a valid Describe output')).toBe(true);
  });

  it('refuses what is not JSON, not an object, or has no units', () => {
    expect(problems('{"name": ')).toMatch(/^hosts\[0\]: not JSON/);
    expect(problems('[1]')).toBe('hosts[0]: a Describe output is a JSON object');
    expect(problems(JSON.stringify({ name: 'x', arch: 'x86_64', kernel_features: {} }))).toContain('$.units: no IOMMU unit');
    expect(problems(JSON.stringify({ ...JSON.parse(jsonOf(d)), arch: 'riscv64' }))).toContain("$.arch: 'riscv64': x86_64 or aarch64");
  });
});
