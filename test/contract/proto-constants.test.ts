/**
 * The uAPI constant enums of the contract (proto/iommutwin/**: IommuIoasMap, IommuHwptAlloc,
 * VirtioIommuS, SmmuEvt, VtdFr, ...) name the numbers the wire carries in uint32 fields. They
 * are documentation for clients, so nothing in the server reads them: this test keeps them equal
 * to the constants the server actually uses, name by name and value by value.
 */
import path from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { PROTO_DIR, PROTO_FILES } from '#libs/rpc/proto.js';
import * as iommufd from '../../services/host-iommu/src/kernel/iommufd.js';
import * as hwpt from '../../services/host-iommu/src/kernel/hw_pagetable.js';
import * as wire from '../../services/vmm/src/viommu/wire.js';
import { S as VIRTIO_IOMMU_S, STATUS_NAMES, VIRTIO_IOMMU_F } from '../../services/vmm/src/viommu/virtio-iommu.js';
import { VIRTIO_STATUS } from '../../services/vmm/src/viommu/virtio-status.js';
import { EVT } from '../../services/vmm/src/viommu/smmuv3/types.js';
import { VTD_FR } from '../../services/vmm/src/viommu/intel-iommu/reasons.js';

const root = new protobuf.Root();
root.resolvePath = (_origin, target) => path.join(PROTO_DIR, target);
root.loadSync([...PROTO_FILES], { keepCase: true });

/** The enum's values as name → number. */
function enumValues(fullName: string): Record<string, number> {
  return { ...root.lookupEnum(fullName).values };
}

/** `{ KEY: v }` → `{ PREFIX_KEY: v }`. */
function prefixed(prefix: string, table: Readonly<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [`${prefix}${k}`, v]));
}

const HOST = 'iommutwin.host.v1';
const VMM = 'iommutwin.vmm.v1';

describe('uAPI constant enums equal the server constants', () => {
  it('IommuIoasMap is the IOMMU_IOAS_MAP_* bit masks of the iommufd model', () => {
    expect(enumValues(`${HOST}.IommuIoasMap`)).toEqual({
      IOMMU_IOAS_MAP_UNSPECIFIED: 0,
      IOMMU_IOAS_MAP_FIXED_IOVA: iommufd.IOMMU_IOAS_MAP_FIXED_IOVA,
      IOMMU_IOAS_MAP_WRITEABLE: iommufd.IOMMU_IOAS_MAP_WRITEABLE,
      IOMMU_IOAS_MAP_READABLE: iommufd.IOMMU_IOAS_MAP_READABLE,
    });
  });

  it('IommuHwptAlloc / IommuHwptData / IommuHwptInvalidateData match hw_pagetable', () => {
    expect(enumValues(`${HOST}.IommuHwptAlloc`)).toEqual({
      IOMMU_HWPT_ALLOC_UNSPECIFIED: 0,
      IOMMU_HWPT_ALLOC_NEST_PARENT: hwpt.IOMMU_HWPT_ALLOC_NEST_PARENT,
      IOMMU_HWPT_ALLOC_DIRTY_TRACKING: hwpt.IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
      IOMMU_HWPT_ALLOC_FAULT_ID_VALID: hwpt.IOMMU_HWPT_FAULT_ID_VALID,
      IOMMU_HWPT_ALLOC_PASID: hwpt.IOMMU_HWPT_ALLOC_PASID,
    });
    // AMD_GUEST (3) is the kernel's number; the twin models no AMD nested HWPT, so only the
    // types it handles are compared with its constants.
    expect(enumValues(`${HOST}.IommuHwptData`)).toMatchObject({
      IOMMU_HWPT_DATA_NONE: iommufd.IOMMU_HWPT_DATA_NONE,
      IOMMU_HWPT_DATA_VTD_S1: hwpt.IOMMU_HWPT_DATA_VTD_S1,
      IOMMU_HWPT_DATA_ARM_SMMUV3: hwpt.IOMMU_HWPT_DATA_ARM_SMMUV3,
      IOMMU_HWPT_DATA_AMD_GUEST: 3,
    });
    expect(Object.keys(enumValues(`${HOST}.IommuHwptData`))).toHaveLength(4);
    expect(enumValues(`${HOST}.IommuHwptInvalidateData`)).toEqual({
      IOMMU_HWPT_INVALIDATE_DATA_VTD_S1: hwpt.IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
      IOMMU_HWPT_INVALIDATE_DATA_ARM_SMMUV3: hwpt.IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
    });
  });

  it('the option, VFIO compat and dirty-tracking enums match the iommufd model', () => {
    expect(enumValues(`${HOST}.IommuOption`)).toEqual({
      IOMMU_OPTION_RLIMIT_MODE: iommufd.IOMMU_OPTION_RLIMIT_MODE,
      IOMMU_OPTION_HUGE_PAGES: iommufd.IOMMU_OPTION_HUGE_PAGES,
    });
    expect(enumValues(`${HOST}.IommuOptionOp`)).toEqual({
      IOMMU_OPTION_OP_SET: iommufd.IOMMU_OPTION_OP_SET,
      IOMMU_OPTION_OP_GET: iommufd.IOMMU_OPTION_OP_GET,
    });
    expect(enumValues(`${HOST}.IommuVfioIoas`)).toEqual({
      IOMMU_VFIO_IOAS_GET: iommufd.IOMMU_VFIO_IOAS_GET,
      IOMMU_VFIO_IOAS_SET: iommufd.IOMMU_VFIO_IOAS_SET,
      IOMMU_VFIO_IOAS_CLEAR: iommufd.IOMMU_VFIO_IOAS_CLEAR,
    });
    expect(enumValues(`${HOST}.IommuHwptDirtyTracking`)).toEqual({
      IOMMU_HWPT_DIRTY_TRACKING_UNSPECIFIED: 0,
      IOMMU_HWPT_DIRTY_TRACKING_ENABLE: iommufd.IOMMU_HWPT_DIRTY_TRACKING_ENABLE,
    });
    expect(enumValues(`${HOST}.IommuHwptGetDirtyBitmap`)).toEqual({
      IOMMU_HWPT_GET_DIRTY_BITMAP_UNSPECIFIED: 0,
      IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR: iommufd.IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR,
    });
  });

  it('the virtio-iommu enums match the device model', () => {
    expect(enumValues(`${VMM}.VirtioIommuS`)).toEqual(prefixed('VIRTIO_IOMMU_S_', VIRTIO_IOMMU_S));
    // the names the server prints are the enum's names, in number order
    expect(Object.keys(enumValues(`${VMM}.VirtioIommuS`))).toEqual(STATUS_NAMES);
    expect(enumValues(`${VMM}.VirtioIommuF`)).toEqual(prefixed('VIRTIO_IOMMU_F_', VIRTIO_IOMMU_F));
    expect(enumValues(`${VMM}.VirtioIommuAttachF`)).toEqual({
      VIRTIO_IOMMU_ATTACH_F_UNSPECIFIED: 0,
      VIRTIO_IOMMU_ATTACH_F_BYPASS: wire.ATTACH_F_BYPASS,
    });
    expect(enumValues(`${VMM}.VirtioIommuMapF`)).toEqual({
      VIRTIO_IOMMU_MAP_F_UNSPECIFIED: 0,
      VIRTIO_IOMMU_MAP_F_READ: wire.MAP_F_READ,
      VIRTIO_IOMMU_MAP_F_WRITE: wire.MAP_F_WRITE,
      VIRTIO_IOMMU_MAP_F_MMIO: wire.MAP_F_MMIO,
    });
    expect(enumValues(`${VMM}.VirtioIommuProbeT`)).toEqual({
      VIRTIO_IOMMU_PROBE_T_NONE: wire.PROBE_T_NONE,
      VIRTIO_IOMMU_PROBE_T_RESV_MEM: wire.PROBE_T_RESV_MEM,
    });
    expect(enumValues(`${VMM}.VirtioIommuResvMemT`)).toEqual({
      VIRTIO_IOMMU_RESV_MEM_T_RESERVED: wire.RESV_MEM_T_RESERVED,
      VIRTIO_IOMMU_RESV_MEM_T_MSI: wire.RESV_MEM_T_MSI,
    });
    expect(enumValues(`${VMM}.VirtioIommuFaultR`)).toEqual({
      VIRTIO_IOMMU_FAULT_R_UNKNOWN: wire.FAULT_R_UNKNOWN,
      VIRTIO_IOMMU_FAULT_R_DOMAIN: wire.FAULT_R_DOMAIN,
      VIRTIO_IOMMU_FAULT_R_MAPPING: wire.FAULT_R_MAPPING,
    });
    expect(enumValues(`${VMM}.VirtioIommuFaultF`)).toEqual({
      VIRTIO_IOMMU_FAULT_F_UNSPECIFIED: 0,
      VIRTIO_IOMMU_FAULT_F_READ: wire.FAULT_F_READ,
      VIRTIO_IOMMU_FAULT_F_WRITE: wire.FAULT_F_WRITE,
      VIRTIO_IOMMU_FAULT_F_ADDRESS: wire.FAULT_F_ADDRESS,
    });
  });

  it('VirtioConfigS is the virtio device status bits of the model', () => {
    const { DEVICE_NEEDS_RESET, ...rest } = VIRTIO_STATUS;
    expect(enumValues(`${VMM}.VirtioConfigS`)).toEqual({
      VIRTIO_CONFIG_S_UNSPECIFIED: 0,
      ...prefixed('VIRTIO_CONFIG_S_', rest),
      // include/uapi/linux/virtio_config.h names the bit NEEDS_RESET
      VIRTIO_CONFIG_S_NEEDS_RESET: DEVICE_NEEDS_RESET,
    });
  });

  it('SmmuEvt is the SMMUv3 model event ids (plus SMMU_EVT_NONE = 0)', () => {
    expect(enumValues(`${VMM}.SmmuEvt`)).toEqual({ SMMU_EVT_NONE: 0, ...prefixed('SMMU_EVT_', EVT) });
  });

  it('VtdFr is the intel-iommu model fault reasons (plus VTD_FR_RESERVED = 0)', () => {
    expect(enumValues(`${VMM}.VtdFr`)).toEqual({ VTD_FR_RESERVED: 0, ...prefixed('VTD_FR_', VTD_FR) });
  });
});
