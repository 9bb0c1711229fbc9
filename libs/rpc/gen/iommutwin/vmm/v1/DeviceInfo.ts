// Original file: proto/iommutwin/vmm/v1/types.proto

import type { HostObjects as _iommutwin_vmm_v1_HostObjects, HostObjects__Output as _iommutwin_vmm_v1_HostObjects__Output } from '../../../iommutwin/vmm/v1/HostObjects.js';
import type { GuestBar as _iommutwin_vmm_v1_GuestBar, GuestBar__Output as _iommutwin_vmm_v1_GuestBar__Output } from '../../../iommutwin/vmm/v1/GuestBar.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A device of the VM as it is now.
 */
export interface DeviceInfo {
  /**
   * DeviceSpec.id.
   */
  'id'?: (string);
  /**
   * The resolved guest BDF (DDDD:BB:DD.F).
   */
  'guest_bdf'?: (string);
  /**
   * virtio-iommu endpoint ID = bus << 8 | devfn.
   */
  'endpoint_id'?: (number);
  /**
   * virtio-net | virtio-blk | vfio
   */
  'kind'?: (string);
  /**
   * EMULATED | NESTED | NONE | - (virtio)
   */
  'backend'?: (string);
  /**
   * The host objects of an assigned device; unset for virtio devices.
   */
  'host'?: (_iommutwin_vmm_v1_HostObjects | null);
  /**
   * Host PCI address of an assigned device; empty for virtio devices.
   */
  'host_bdf'?: (string);
  /**
   * virtio: driver features accepted so far.
   */
  'driver_features'?: (number | string | Long);
  /**
   * virtio: the device accepted the driver features (FEATURES_OK).
   */
  'features_ok'?: (boolean);
  /**
   * Assigned devices: the guest BARs (guest-physical ranges of the device's host BARs, in the
   * machine's PCI MMIO window), once the VM runs.
   */
  'bars'?: (_iommutwin_vmm_v1_GuestBar)[];
}

/**
 * A device of the VM as it is now.
 */
export interface DeviceInfo__Output {
  /**
   * DeviceSpec.id.
   */
  'id': (string);
  /**
   * The resolved guest BDF (DDDD:BB:DD.F).
   */
  'guest_bdf': (string);
  /**
   * virtio-iommu endpoint ID = bus << 8 | devfn.
   */
  'endpoint_id': (number);
  /**
   * virtio-net | virtio-blk | vfio
   */
  'kind': (string);
  /**
   * EMULATED | NESTED | NONE | - (virtio)
   */
  'backend': (string);
  /**
   * The host objects of an assigned device; unset for virtio devices.
   */
  'host': (_iommutwin_vmm_v1_HostObjects__Output | null);
  /**
   * Host PCI address of an assigned device; empty for virtio devices.
   */
  'host_bdf': (string);
  /**
   * virtio: driver features accepted so far.
   */
  'driver_features': (string);
  /**
   * virtio: the device accepted the driver features (FEATURES_OK).
   */
  'features_ok': (boolean);
  /**
   * Assigned devices: the guest BARs (guest-physical ranges of the device's host BARs, in the
   * machine's PCI MMIO window), once the VM runs.
   */
  'bars': (_iommutwin_vmm_v1_GuestBar__Output)[];
}
