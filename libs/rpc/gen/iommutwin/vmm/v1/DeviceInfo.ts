// Original file: proto/iommutwin/vmm/v1/types.proto

import type { HostObjects as _iommutwin_vmm_v1_HostObjects, HostObjects__Output as _iommutwin_vmm_v1_HostObjects__Output } from '../../../iommutwin/vmm/v1/HostObjects.js';
import type { Long } from '@grpc/proto-loader';

export interface DeviceInfo {
  'id'?: (string);
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
  'host'?: (_iommutwin_vmm_v1_HostObjects | null);
  'host_bdf'?: (string);
  /**
   * virtio: driver features accepted so far.
   */
  'driver_features'?: (number | string | Long);
  'features_ok'?: (boolean);
}

export interface DeviceInfo__Output {
  'id': (string);
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
  'host': (_iommutwin_vmm_v1_HostObjects__Output | null);
  'host_bdf': (string);
  /**
   * virtio: driver features accepted so far.
   */
  'driver_features': (string);
  'features_ok': (boolean);
}
