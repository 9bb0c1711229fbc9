/**
 * The normalised hardware of a host profile: IOMMU units, PCI devices, reserved regions and the
 * kernel's features, as the loader (profile.ts) produces them and the register images (hwinfo.ts)
 * and the kernel model read them. Types only, plus the IOMMU_RESV_* numbering: nothing here
 * imports the loader, so hwinfo and profile both depend on this file and not on each other.
 */
export type Arch = 'x86_64' | 'aarch64';
export type IommuType = 'vtd' | 'smmuv3';
export type Driver = 'vfio-pci' | 'host' | 'none';

export interface KernelFeatures {
  version?: string;
  iommufd: boolean;
  vfioCompatContainer: boolean;
  nativeType1: boolean;
  dmabufP2p: boolean;
  iommufdFault: boolean;
  viommu: boolean;
}

export interface IommuUnit {
  name: string;
  type: IommuType;
  description?: string;
  /** IOVA width (VT-d: MGAW + 1; SMMUv3: input/VA size). */
  inputBits: number;
  /** Output address width (VT-d: host address width; SMMUv3: OAS). */
  outputBits: number;
  /** Leaf sizes a paging domain supports, ascending, e.g. [4096n, 2097152n, 1073741824n]. */
  pageSizes: bigint[];
  /** Translation granules: smmuv3 a subset of [4096, 16384, 65536]; vtd [4096]. */
  granules: number[];
  /** PASID width; 0 = no PASID. */
  pasidBits: number;
  nesting: boolean;
  dirtyTracking: boolean;
  /** Page requests (VT-d PRS / SMMUv3 PRI). */
  prs: boolean;
  /** Device-TLB / ATS support. */
  ats: boolean;
  /** VT-d scalable mode (always false for smmuv3). */
  scalableMode: boolean;
  firstStage: boolean;
  secondStage: boolean;
  /** VT-d PSI / SMMUv3 RIL. */
  rangeInvalidation: boolean;
  /** SMMUv3 stall model (stalling faulting transactions); always false for vtd. */
  stall: boolean;
  /** SMMUv3 only: 1 (linear) or 2. */
  streamTableLevels?: number;
  /** SMMUv3 only: IDR1.SIDSIZE. */
  sidBits?: number;
  /** SMMUv3 only: IDR3.BBML (0, 1, 2). */
  bbml?: number;
  /** Modelled IOTLB capacity (entries). */
  iotlbEntries: number;
  /** Domain IDs (VT-d CAP.ND: 16..65536; SMMUv3: 256 or 65536 = ASID16/VMID16). */
  domainIds: number;
  /** Coherent page-table walks (VT-d ECAP.C/SC, SMMUv3 IDR0.COHACC). */
  coherent: boolean;
  /** Interrupt remapping / MSI isolation (VT-d ECAP.IR/EIM). VFIO bind needs it. */
  msiIsolation: boolean;
  /** Register images (always present after load for the unit's type). */
  vtd?: { capReg: bigint; ecapReg: bigint; flags: number };
  smmuv3?: { idr: number[]; iidr: number; aidr: number; flags: number };
}

/** IOMMU_RESV_* order: DIRECT=0, DIRECT_RELAXABLE=1, RESERVED=2, MSI=3, SW_MSI=4. */
export type ResvType = 'direct' | 'direct_relaxable' | 'reserved' | 'msi' | 'sw_msi';
export const RESV_TYPES: readonly ResvType[] = ['direct', 'direct_relaxable', 'reserved', 'msi', 'sw_msi'];
/** The uAPI/kernel number of a reserved-region type (IOMMU_RESV_*). */
export function resvTypeNumber(t: ResvType): number {
  return RESV_TYPES.indexOf(t);
}

export interface ReservedRegion {
  start: bigint;
  last: bigint;
  type: ResvType;
}
export interface Bar {
  index: number;
  size: bigint;
  prefetchable: boolean;
  is64: boolean;
}
export interface PciDevice {
  /** DDDD:BB:DD.F, lower-case hex. */
  bdf: string;
  /** Requester ID: bus << 8 | device << 3 | function (the SMMUv3 StreamID). */
  rid: number;
  /** VFIO cdev name (vfioN) for vfio-pci devices on an iommufd kernel. */
  cdev?: string;
  group: number;
  iommu: string;
  description: string;
  bars: Bar[];
  ats: boolean;
  pri: boolean;
  pasidBits: number;
  /** PCI PASID control Execute / Privileged mode enabled (IOMMU_HW_CAP_PCI_PASID_EXEC/PRIV). */
  pasidExec: boolean;
  pasidPriv: boolean;
  driver: Driver;
  reservedRegions: ReservedRegion[];
  /** Derived from the unit. */
  dirtyTracking: boolean;
  /** VFIO migration support (profile `migration`); absent: the device cannot migrate (no mig_ops). */
  migration?: DeviceMigration;
  /** Device-side DMA logging (profile device key `dirtyTracking`: VFIO_DEVICE_FEATURE_DMA_LOGGING_*). */
  dmaLogging?: boolean;
}

/** What VFIO_DEVICE_FEATURE_MIGRATION reports for a device, and the size of its internal state. */
export interface DeviceMigration {
  /** VFIO_MIGRATION_STOP_COPY (mandatory for any migration). */
  stopCopy: boolean;
  /** VFIO_MIGRATION_PRE_COPY */
  preCopy: boolean;
  /** VFIO_MIGRATION_P2P */
  p2p: boolean;
  /** Bytes of the device's internal state blob (a multiple of 4096). */
  stateBytes: bigint;
}
