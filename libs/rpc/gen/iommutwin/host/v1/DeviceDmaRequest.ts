// Original file: proto/iommutwin/host/v1/platform.proto

import type { ProcessIdentity as _iommutwin_host_v1_ProcessIdentity, ProcessIdentity__Output as _iommutwin_host_v1_ProcessIdentity__Output } from '../../../iommutwin/host/v1/ProcessIdentity.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Request of DeviceDma.
 */
export interface DeviceDmaRequest {
  /**
   * The device.
   */
  'bdf'?: (string);
  /**
   * PASID of the transaction; absent = a request without PASID.
   */
  'pasid'?: (number);
  /**
   * Input address.
   */
  'iova'?: (number | string | Long);
  /**
   * Number of bytes (reads); must equal data.length for writes.
   */
  'length'?: (number | string | Long);
  /**
   * A write (true) or a read (false).
   */
  'write'?: (boolean);
  /**
   * Bytes to write.
   */
  'data'?: (Buffer | Uint8Array | string);
  /**
   * With a PRI-capable device behind an IOPF-capable HWPT: a recoverable fault raises a page
   * request, waits for its response and retries.
   */
  'allow_page_request'?: (boolean);
  /**
   * Owner assertion (an extension of the twin, for VMMs that DMA on behalf of one process):
   * when set, the DMA is done only if this live process holds the device's binding — a VFIO
   * device fd of it bound to an iommufd that the process also holds. Else nothing moves and no
   * fault is logged: ESRCH when no such process lives (another boot id, a pid that is not
   * alive, or another start time: the process died and the pid names another one), EPERM when
   * it lives but does not hold the device's binding (unbound, or bound by another process).
   */
  'expect_owner'?: (_iommutwin_host_v1_ProcessIdentity | null);
  '_pasid'?: "pasid";
}

/**
 * Request of DeviceDma.
 */
export interface DeviceDmaRequest__Output {
  /**
   * The device.
   */
  'bdf': (string);
  /**
   * PASID of the transaction; absent = a request without PASID.
   */
  'pasid'?: (number);
  /**
   * Input address.
   */
  'iova': (string);
  /**
   * Number of bytes (reads); must equal data.length for writes.
   */
  'length': (string);
  /**
   * A write (true) or a read (false).
   */
  'write': (boolean);
  /**
   * Bytes to write.
   */
  'data': (Buffer);
  /**
   * With a PRI-capable device behind an IOPF-capable HWPT: a recoverable fault raises a page
   * request, waits for its response and retries.
   */
  'allow_page_request': (boolean);
  /**
   * Owner assertion (an extension of the twin, for VMMs that DMA on behalf of one process):
   * when set, the DMA is done only if this live process holds the device's binding — a VFIO
   * device fd of it bound to an iommufd that the process also holds. Else nothing moves and no
   * fault is logged: ESRCH when no such process lives (another boot id, a pid that is not
   * alive, or another start time: the process died and the pid names another one), EPERM when
   * it lives but does not hold the device's binding (unbound, or bound by another process).
   */
  'expect_owner': (_iommutwin_host_v1_ProcessIdentity__Output | null);
  '_pasid'?: "pasid";
}
