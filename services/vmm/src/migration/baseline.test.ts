/** ComputeBaseline's migration lacks are CheckMigration's device blockers (pure, over profile YAML). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinProfileDir } from '#libs/profile/profile.js';
import { computeBaseline } from './baseline.js';

/** intel-vtd with its NIC behind dmar1 (no IOMMU dirty tracking) made migratable, with device DMA logging only. */
function loggingOnlyHost(): string {
  const text = readFileSync(join(builtinProfileDir(), 'intel-vtd.yaml'), 'utf8');
  const nic = '    description: NIC behind the older unit\n    bars:\n      - { index: 0, size: 64KiB, is64: true }\n    driver: vfio-pci\n';
  expect(text).toContain(nic);
  return text.replace(nic, `${nic}    migration: { stopCopy: true, p2p: true, stateBytes: 1MiB }\n    dirtyTracking: true\n`);
}

describe('computeBaseline: migration lacks', () => {
  it('a device only its own DMA logging can track, behind the vIOMMU: QEMU\'s "not supported with vIOMMU enabled", as CheckMigration reports it', () => {
    const r = computeBaseline([loggingOnlyHost()], 'VIOMMU_MODEL_VIRTIO_IOMMU', ['0000:80:00.0']);
    expect(r.backendPlan.get('intel-vtd')).toBe('0000:80:00.0 EMULATED via iommufd, dirty tracking device-logging');
    expect(r.lacking.get('intel-vtd')).toEqual(['0000:80:00.0: Migration is currently not supported with vIOMMU enabled']);
  });

  it('a device without STOP_COPY says so, naming its profile', () => {
    const r = computeBaseline(['intel-vtd'], 'VIOMMU_MODEL_VIRTIO_IOMMU', ['0000:80:00.0']);
    expect(r.lacking.get('intel-vtd')).toEqual(['0000:80:00.0: VFIO migration is not supported in kernel (no STOP_COPY in its profile)']);
  });
});
