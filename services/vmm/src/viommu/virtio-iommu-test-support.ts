/** Test support of the virtio-iommu unit tests (the device, its vmstate): the configuration they start from. */
import { featureBit, VIRTIO_IOMMU_F as F, type VirtioIommuConfig } from './virtio-iommu.js';

/** Every feature the device implements (INPUT_RANGE, DOMAIN_RANGE, MAP_UNMAP, PROBE, MMIO, BYPASS_CONFIG). */
export const ALL = [F.INPUT_RANGE, F.DOMAIN_RANGE, F.MAP_UNMAP, F.PROBE, F.MMIO, F.BYPASS_CONFIG].reduce((a, b) => a | featureBit(b), 0n);

/** The x86 MSI window, as a reserved region of subtype MSI (1). */
export const MSI_WINDOW = { start: 0xfee00000n, end: 0xfeefffffn, subtype: 1 as const };

/** 4 KiB pages and up, a 48-bit input range, every domain id, the MSI window, every feature; `o` overrides. */
export function config(o: Partial<VirtioIommuConfig> = {}): VirtioIommuConfig {
  return {
    pageSizeMask: 0xfffffffffffff000n,
    inputRange: { start: 0n, end: (1n << 48n) - 1n },
    domainRange: { start: 0, end: 0xffffffff },
    probeSize: 512,
    bootBypass: false,
    reservedRegions: [MSI_WINDOW],
    offeredFeatures: ALL,
    ...o,
  };
}
