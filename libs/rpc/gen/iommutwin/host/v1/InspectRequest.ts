// Original file: proto/iommutwin/host/v1/platform.proto

import type { IommufdObjectRef as _iommutwin_host_v1_IommufdObjectRef, IommufdObjectRef__Output as _iommutwin_host_v1_IommufdObjectRef__Output } from '../../../iommutwin/host/v1/IommufdObjectRef.js';

/**
 * Request of Inspect.
 */
export interface InspectRequest {
  /**
   * An iommufd object.
   */
  'iommufd_object'?: (_iommutwin_host_v1_IommufdObjectRef | null);
  /**
   * A PCI device (its attachments and ATC).
   */
  'bdf'?: (string);
  /**
   * An IOMMU unit (its domains and IOTLB).
   */
  'unit'?: (string);
  /**
   * The whole host.
   */
  'host'?: (boolean);
  /**
   * Also list valid IOTLB / ATC entries.
   */
  'include_iotlb_entries'?: (boolean);
  /**
   * At most this many entries per cache (0 = all).
   */
  'max_iotlb_entries'?: (number);
  /**
   * What to inspect.
   */
  'target'?: "iommufd_object"|"bdf"|"unit"|"host";
}

/**
 * Request of Inspect.
 */
export interface InspectRequest__Output {
  /**
   * An iommufd object.
   */
  'iommufd_object'?: (_iommutwin_host_v1_IommufdObjectRef__Output | null);
  /**
   * A PCI device (its attachments and ATC).
   */
  'bdf'?: (string);
  /**
   * An IOMMU unit (its domains and IOTLB).
   */
  'unit'?: (string);
  /**
   * The whole host.
   */
  'host'?: (boolean);
  /**
   * Also list valid IOTLB / ATC entries.
   */
  'include_iotlb_entries': (boolean);
  /**
   * At most this many entries per cache (0 = all).
   */
  'max_iotlb_entries': (number);
  /**
   * What to inspect.
   */
  'target'?: "iommufd_object"|"bdf"|"unit"|"host";
}
