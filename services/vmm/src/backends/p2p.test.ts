/** Guest BAR placement, P2P path choice per host, and the iommufd-replacement answer (pure functions). */
import { describe, expect, it } from 'vitest';
import type { HostDescription } from '../hostlink/hostlink.js';
import type { VfioDeviceConfig, VmConfig } from '../machine/config.js';
import { allocateGuestBars, iommufdReplacement, p2pPath, p2pViolations } from './p2p.js';

const KiB = 1024n;
const MiB = 1024n * KiB;

function host(kernel: Partial<HostDescription['kernel']>): HostDescription {
  const k = { iommufd: false, vfioCompatContainer: false, nativeType1: false, dmabufP2p: false, ...kernel };
  return {
    name: 'h',
    arch: 'x86_64',
    units: [],
    devices: [
      { bdf: '0000:01:00.0', cdev: k.iommufd ? 'vfio0' : '', group: 1, unit: 'u', driver: 'vfio-pci', reservedRegions: [] },
      { bdf: '0000:03:00.0', cdev: k.iommufd ? 'vfio2' : '', group: 3, unit: 'u', driver: 'vfio-pci', reservedRegions: [] },
    ],
    iommufd: k.iommufd,
    kernel: k,
    groups: [],
    bootId: 'b',
  };
}

function vfio(id: string, hostBdf: string, legacyContainer: boolean, p2p = false): VfioDeviceConfig {
  return { kind: 'vfio', id, guestBdf: '0000:00:03.0', endpointId: 0x18, hostBdf, iommufd: legacyContainer ? '' : 'fd0', backend: 'AUTO', legacyContainer, p2p };
}

const cfgOf = (devices: VfioDeviceConfig[]): VmConfig => ({ name: 'v', memoryBytes: 64n * MiB, machine: 'q35', viommu: { model: 'NONE' }, iommufdObjects: [], devices });

describe('allocateGuestBars', () => {
  it('natural alignment in BAR order from the window start, around BARs in use; 4 KiB minimum', () => {
    const a = allocateGuestBars('q35', [], [
      { index: 2, size: 16n * KiB },
      { index: 0, size: 64n * KiB },
    ]);
    expect(a).toEqual([
      { index: 0, gpa: 0xc0000000n, size: 64n * KiB },
      { index: 2, gpa: 0xc0010000n, size: 16n * KiB },
    ]);
    const b = allocateGuestBars('q35', a, [
      { index: 0, size: 16n * MiB },
      { index: 1, size: 256n * MiB },
      { index: 4, size: 256n },
    ]);
    expect(b).toEqual([
      { index: 0, gpa: 0xc1000000n, size: 16n * MiB },
      { index: 1, gpa: 0xd0000000n, size: 256n * MiB },
      { index: 4, gpa: 0xc0014000n, size: 4096n },
    ]);
    expect(allocateGuestBars('virt', [], [{ index: 0, size: 4096n }])).toEqual([{ index: 0, gpa: 0x10000000n, size: 4096n }]);
  });

  it('a BAR that does not fit the 32-bit window goes to the 64-bit one; one that fits neither is refused', () => {
    expect(allocateGuestBars('virt', [], [{ index: 0, size: 1n << 30n }])).toEqual([{ index: 0, gpa: 0x80_0000_0000n, size: 1n << 30n }]);
    // q35: pci-hole64 from the first 1 GiB boundary above RAM (and 4 GiB)
    expect(allocateGuestBars('q35', [], [{ index: 1, size: 2n << 30n }], 0x1_4000_0001n)).toEqual([{ index: 1, gpa: 0x1_8000_0000n, size: 2n << 30n }]);
    expect(() => allocateGuestBars('q35', [], [{ index: 0, size: 64n << 30n }])).toThrow(/no room for a 68719476736-byte BAR in the q35 PCI MMIO windows \[0xc0000000, 0xfec00000\) and \[0x100000000, 0x900000000\)/);
  });
});

describe('p2pPath / p2pViolations', () => {
  it('native type1 maps a BAR VA; the compat container and iommufd without dma-buf cannot; iommufd with dma-buf can', () => {
    expect(p2pPath({ legacyContainer: true }, host({ nativeType1: true }))).toEqual({ via: 'bar-va' });
    expect(p2pPath({ legacyContainer: true }, host({ iommufd: true, vfioCompatContainer: true }))).toMatchObject({ refused: expect.stringContaining('EFAULT') });
    expect(p2pPath({ legacyContainer: false }, host({ iommufd: true }))).toMatchObject({ refused: expect.stringContaining('no dma-buf P2P') });
    expect(p2pPath({ legacyContainer: false }, host({ iommufd: true, dmabufP2p: true }))).toEqual({ via: 'dma-buf' });
  });

  it('a violation per (p2p device, peer that cannot reach it) involving an added device; none for the p2p device alone', () => {
    const gpu = vfio('gpu0', '0000:03:00.0', true, true);
    const nic = vfio('nic0', '0000:01:00.0', true);
    const compat = host({ iommufd: true, vfioCompatContainer: true });
    expect(p2pViolations([gpu], [gpu], compat)).toEqual([]);
    expect(p2pViolations([nic, gpu], [nic], compat).map((v) => [v.device, v.rule])).toEqual([['gpu0', 'p2p']]);
    expect(p2pViolations([nic, gpu], [nic], host({ nativeType1: true }))).toEqual([]);
    // neither among the added ones: already checked
    expect(p2pViolations([nic, gpu], [vfio('x', '0000:01:00.0', true)], compat)).toEqual([]);
  });
});

describe('iommufdReplacement', () => {
  it('no iommufd: impossible, every device stays on the container', () => {
    const r = iommufdReplacement(cfgOf([vfio('nic0', '0000:01:00.0', true), vfio('gpu0', '0000:03:00.0', true, true)]), host({ nativeType1: true }));
    expect(r.possible).toBe(false);
    // every reason: no iommufd at all, and nic0's P2P would need dma-buf there too
    expect(r.reasons).toEqual(['host h has no iommufd (/dev/iommu, VFIO device cdevs)', expect.stringMatching(/^'nic0' needs P2P to its peers' BARs: iommufd maps no BAR VA/)]);
    expect(Object.fromEntries(r.placement)).toEqual({ nic0: 'legacy container (native-type1)', gpu0: 'legacy container (native-type1)' });
  });

  it('iommufd without dma-buf: impossible for a VM needing P2P; with dma-buf: possible', () => {
    const c = cfgOf([vfio('nic0', '0000:01:00.0', false), vfio('gpu0', '0000:03:00.0', false, true)]);
    const no = iommufdReplacement(c, host({ iommufd: true, vfioCompatContainer: true }));
    expect(no.possible).toBe(false);
    expect(no.reasons).toHaveLength(1);
    expect(no.placement.get('nic0')).toMatch(/^refused: iommufd maps no BAR VA/);
    expect(no.placement.get('gpu0')).toBe('iommufd');
    const yes = iommufdReplacement(c, host({ iommufd: true, vfioCompatContainer: true, dmabufP2p: true }));
    expect(yes).toEqual({ possible: true, reasons: [], placement: new Map([['nic0', 'iommufd + dma-buf P2P'], ['gpu0', 'iommufd']]) });
  });
});
