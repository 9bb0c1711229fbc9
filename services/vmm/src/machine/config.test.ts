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
