// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { DestroyRequest as _iommutwin_host_v1_DestroyRequest, DestroyRequest__Output as _iommutwin_host_v1_DestroyRequest__Output } from '../../../iommutwin/host/v1/DestroyRequest.js';
import type { IoasAllocRequest as _iommutwin_host_v1_IoasAllocRequest, IoasAllocRequest__Output as _iommutwin_host_v1_IoasAllocRequest__Output } from '../../../iommutwin/host/v1/IoasAllocRequest.js';
import type { IoasIovaRangesRequest as _iommutwin_host_v1_IoasIovaRangesRequest, IoasIovaRangesRequest__Output as _iommutwin_host_v1_IoasIovaRangesRequest__Output } from '../../../iommutwin/host/v1/IoasIovaRangesRequest.js';
import type { IoasAllowIovasRequest as _iommutwin_host_v1_IoasAllowIovasRequest, IoasAllowIovasRequest__Output as _iommutwin_host_v1_IoasAllowIovasRequest__Output } from '../../../iommutwin/host/v1/IoasAllowIovasRequest.js';
import type { IoasMapRequest as _iommutwin_host_v1_IoasMapRequest, IoasMapRequest__Output as _iommutwin_host_v1_IoasMapRequest__Output } from '../../../iommutwin/host/v1/IoasMapRequest.js';
import type { IoasMapFileRequest as _iommutwin_host_v1_IoasMapFileRequest, IoasMapFileRequest__Output as _iommutwin_host_v1_IoasMapFileRequest__Output } from '../../../iommutwin/host/v1/IoasMapFileRequest.js';
import type { IoasCopyRequest as _iommutwin_host_v1_IoasCopyRequest, IoasCopyRequest__Output as _iommutwin_host_v1_IoasCopyRequest__Output } from '../../../iommutwin/host/v1/IoasCopyRequest.js';
import type { IoasUnmapRequest as _iommutwin_host_v1_IoasUnmapRequest, IoasUnmapRequest__Output as _iommutwin_host_v1_IoasUnmapRequest__Output } from '../../../iommutwin/host/v1/IoasUnmapRequest.js';
import type { IoasChangeProcessRequest as _iommutwin_host_v1_IoasChangeProcessRequest, IoasChangeProcessRequest__Output as _iommutwin_host_v1_IoasChangeProcessRequest__Output } from '../../../iommutwin/host/v1/IoasChangeProcessRequest.js';
import type { OptionRequest as _iommutwin_host_v1_OptionRequest, OptionRequest__Output as _iommutwin_host_v1_OptionRequest__Output } from '../../../iommutwin/host/v1/OptionRequest.js';
import type { VfioIoasRequest as _iommutwin_host_v1_VfioIoasRequest, VfioIoasRequest__Output as _iommutwin_host_v1_VfioIoasRequest__Output } from '../../../iommutwin/host/v1/VfioIoasRequest.js';
import type { GetHwInfoRequest as _iommutwin_host_v1_GetHwInfoRequest, GetHwInfoRequest__Output as _iommutwin_host_v1_GetHwInfoRequest__Output } from '../../../iommutwin/host/v1/GetHwInfoRequest.js';
import type { HwptAllocRequest as _iommutwin_host_v1_HwptAllocRequest, HwptAllocRequest__Output as _iommutwin_host_v1_HwptAllocRequest__Output } from '../../../iommutwin/host/v1/HwptAllocRequest.js';
import type { HwptSetDirtyTrackingRequest as _iommutwin_host_v1_HwptSetDirtyTrackingRequest, HwptSetDirtyTrackingRequest__Output as _iommutwin_host_v1_HwptSetDirtyTrackingRequest__Output } from '../../../iommutwin/host/v1/HwptSetDirtyTrackingRequest.js';
import type { HwptGetDirtyBitmapRequest as _iommutwin_host_v1_HwptGetDirtyBitmapRequest, HwptGetDirtyBitmapRequest__Output as _iommutwin_host_v1_HwptGetDirtyBitmapRequest__Output } from '../../../iommutwin/host/v1/HwptGetDirtyBitmapRequest.js';
import type { HwptInvalidateRequest as _iommutwin_host_v1_HwptInvalidateRequest, HwptInvalidateRequest__Output as _iommutwin_host_v1_HwptInvalidateRequest__Output } from '../../../iommutwin/host/v1/HwptInvalidateRequest.js';
import type { FaultQueueAllocRequest as _iommutwin_host_v1_FaultQueueAllocRequest, FaultQueueAllocRequest__Output as _iommutwin_host_v1_FaultQueueAllocRequest__Output } from '../../../iommutwin/host/v1/FaultQueueAllocRequest.js';
import type { RespondFaultsRequest as _iommutwin_host_v1_RespondFaultsRequest, RespondFaultsRequest__Output as _iommutwin_host_v1_RespondFaultsRequest__Output } from '../../../iommutwin/host/v1/RespondFaultsRequest.js';
import type { ViommuAllocRequest as _iommutwin_host_v1_ViommuAllocRequest, ViommuAllocRequest__Output as _iommutwin_host_v1_ViommuAllocRequest__Output } from '../../../iommutwin/host/v1/ViommuAllocRequest.js';
import type { VdeviceAllocRequest as _iommutwin_host_v1_VdeviceAllocRequest, VdeviceAllocRequest__Output as _iommutwin_host_v1_VdeviceAllocRequest__Output } from '../../../iommutwin/host/v1/VdeviceAllocRequest.js';
import type { VeventqAllocRequest as _iommutwin_host_v1_VeventqAllocRequest, VeventqAllocRequest__Output as _iommutwin_host_v1_VeventqAllocRequest__Output } from '../../../iommutwin/host/v1/VeventqAllocRequest.js';
import type { Long } from '@grpc/proto-loader';

/**
 * One request on the ioctl stream (Ioctls).
 */
export interface IoctlsRequest {
  /**
   * Caller-chosen value echoed in the response (not interpreted; may repeat).
   */
  'tag'?: (number | string | Long);
  /**
   * As the Destroy call: DestroyRequest.
   */
  'destroy'?: (_iommutwin_host_v1_DestroyRequest | null);
  /**
   * As the IoasAlloc call: IoasAllocRequest.
   */
  'ioas_alloc'?: (_iommutwin_host_v1_IoasAllocRequest | null);
  /**
   * As the IoasIovaRanges call: IoasIovaRangesRequest.
   */
  'ioas_iova_ranges'?: (_iommutwin_host_v1_IoasIovaRangesRequest | null);
  /**
   * As the IoasAllowIovas call: IoasAllowIovasRequest.
   */
  'ioas_allow_iovas'?: (_iommutwin_host_v1_IoasAllowIovasRequest | null);
  /**
   * As the IoasMap call: IoasMapRequest.
   */
  'ioas_map'?: (_iommutwin_host_v1_IoasMapRequest | null);
  /**
   * As the IoasMapFile call: IoasMapFileRequest.
   */
  'ioas_map_file'?: (_iommutwin_host_v1_IoasMapFileRequest | null);
  /**
   * As the IoasCopy call: IoasCopyRequest.
   */
  'ioas_copy'?: (_iommutwin_host_v1_IoasCopyRequest | null);
  /**
   * As the IoasUnmap call: IoasUnmapRequest.
   */
  'ioas_unmap'?: (_iommutwin_host_v1_IoasUnmapRequest | null);
  /**
   * As the IoasChangeProcess call: IoasChangeProcessRequest.
   */
  'ioas_change_process'?: (_iommutwin_host_v1_IoasChangeProcessRequest | null);
  /**
   * As the Option call: OptionRequest.
   */
  'option'?: (_iommutwin_host_v1_OptionRequest | null);
  /**
   * As the VfioIoas call: VfioIoasRequest.
   */
  'vfio_ioas'?: (_iommutwin_host_v1_VfioIoasRequest | null);
  /**
   * As the GetHwInfo call: GetHwInfoRequest.
   */
  'get_hw_info'?: (_iommutwin_host_v1_GetHwInfoRequest | null);
  /**
   * As the HwptAlloc call: HwptAllocRequest.
   */
  'hwpt_alloc'?: (_iommutwin_host_v1_HwptAllocRequest | null);
  /**
   * As the HwptSetDirtyTracking call: HwptSetDirtyTrackingRequest.
   */
  'hwpt_set_dirty_tracking'?: (_iommutwin_host_v1_HwptSetDirtyTrackingRequest | null);
  /**
   * As the HwptGetDirtyBitmap call: HwptGetDirtyBitmapRequest.
   */
  'hwpt_get_dirty_bitmap'?: (_iommutwin_host_v1_HwptGetDirtyBitmapRequest | null);
  /**
   * As the HwptInvalidate call: HwptInvalidateRequest.
   */
  'hwpt_invalidate'?: (_iommutwin_host_v1_HwptInvalidateRequest | null);
  /**
   * As the FaultQueueAlloc call: FaultQueueAllocRequest.
   */
  'fault_queue_alloc'?: (_iommutwin_host_v1_FaultQueueAllocRequest | null);
  /**
   * As the RespondFaults call: RespondFaultsRequest.
   */
  'respond_faults'?: (_iommutwin_host_v1_RespondFaultsRequest | null);
  /**
   * As the ViommuAlloc call: ViommuAllocRequest.
   */
  'viommu_alloc'?: (_iommutwin_host_v1_ViommuAllocRequest | null);
  /**
   * As the VdeviceAlloc call: VdeviceAllocRequest.
   */
  'vdevice_alloc'?: (_iommutwin_host_v1_VdeviceAllocRequest | null);
  /**
   * As the VeventqAlloc call: VeventqAllocRequest.
   */
  'veventq_alloc'?: (_iommutwin_host_v1_VeventqAllocRequest | null);
  /**
   * The ioctl: the request message of the unary method of the same name. A request with none
   * set answers INVALID_ARGUMENT (reason NO_IOCTL).
   */
  'ioctl'?: "destroy"|"ioas_alloc"|"ioas_iova_ranges"|"ioas_allow_iovas"|"ioas_map"|"ioas_map_file"|"ioas_copy"|"ioas_unmap"|"ioas_change_process"|"option"|"vfio_ioas"|"get_hw_info"|"hwpt_alloc"|"hwpt_set_dirty_tracking"|"hwpt_get_dirty_bitmap"|"hwpt_invalidate"|"fault_queue_alloc"|"respond_faults"|"viommu_alloc"|"vdevice_alloc"|"veventq_alloc";
}

/**
 * One request on the ioctl stream (Ioctls).
 */
export interface IoctlsRequest__Output {
  /**
   * Caller-chosen value echoed in the response (not interpreted; may repeat).
   */
  'tag': (string);
  /**
   * As the Destroy call: DestroyRequest.
   */
  'destroy'?: (_iommutwin_host_v1_DestroyRequest__Output | null);
  /**
   * As the IoasAlloc call: IoasAllocRequest.
   */
  'ioas_alloc'?: (_iommutwin_host_v1_IoasAllocRequest__Output | null);
  /**
   * As the IoasIovaRanges call: IoasIovaRangesRequest.
   */
  'ioas_iova_ranges'?: (_iommutwin_host_v1_IoasIovaRangesRequest__Output | null);
  /**
   * As the IoasAllowIovas call: IoasAllowIovasRequest.
   */
  'ioas_allow_iovas'?: (_iommutwin_host_v1_IoasAllowIovasRequest__Output | null);
  /**
   * As the IoasMap call: IoasMapRequest.
   */
  'ioas_map'?: (_iommutwin_host_v1_IoasMapRequest__Output | null);
  /**
   * As the IoasMapFile call: IoasMapFileRequest.
   */
  'ioas_map_file'?: (_iommutwin_host_v1_IoasMapFileRequest__Output | null);
  /**
   * As the IoasCopy call: IoasCopyRequest.
   */
  'ioas_copy'?: (_iommutwin_host_v1_IoasCopyRequest__Output | null);
  /**
   * As the IoasUnmap call: IoasUnmapRequest.
   */
  'ioas_unmap'?: (_iommutwin_host_v1_IoasUnmapRequest__Output | null);
  /**
   * As the IoasChangeProcess call: IoasChangeProcessRequest.
   */
  'ioas_change_process'?: (_iommutwin_host_v1_IoasChangeProcessRequest__Output | null);
  /**
   * As the Option call: OptionRequest.
   */
  'option'?: (_iommutwin_host_v1_OptionRequest__Output | null);
  /**
   * As the VfioIoas call: VfioIoasRequest.
   */
  'vfio_ioas'?: (_iommutwin_host_v1_VfioIoasRequest__Output | null);
  /**
   * As the GetHwInfo call: GetHwInfoRequest.
   */
  'get_hw_info'?: (_iommutwin_host_v1_GetHwInfoRequest__Output | null);
  /**
   * As the HwptAlloc call: HwptAllocRequest.
   */
  'hwpt_alloc'?: (_iommutwin_host_v1_HwptAllocRequest__Output | null);
  /**
   * As the HwptSetDirtyTracking call: HwptSetDirtyTrackingRequest.
   */
  'hwpt_set_dirty_tracking'?: (_iommutwin_host_v1_HwptSetDirtyTrackingRequest__Output | null);
  /**
   * As the HwptGetDirtyBitmap call: HwptGetDirtyBitmapRequest.
   */
  'hwpt_get_dirty_bitmap'?: (_iommutwin_host_v1_HwptGetDirtyBitmapRequest__Output | null);
  /**
   * As the HwptInvalidate call: HwptInvalidateRequest.
   */
  'hwpt_invalidate'?: (_iommutwin_host_v1_HwptInvalidateRequest__Output | null);
  /**
   * As the FaultQueueAlloc call: FaultQueueAllocRequest.
   */
  'fault_queue_alloc'?: (_iommutwin_host_v1_FaultQueueAllocRequest__Output | null);
  /**
   * As the RespondFaults call: RespondFaultsRequest.
   */
  'respond_faults'?: (_iommutwin_host_v1_RespondFaultsRequest__Output | null);
  /**
   * As the ViommuAlloc call: ViommuAllocRequest.
   */
  'viommu_alloc'?: (_iommutwin_host_v1_ViommuAllocRequest__Output | null);
  /**
   * As the VdeviceAlloc call: VdeviceAllocRequest.
   */
  'vdevice_alloc'?: (_iommutwin_host_v1_VdeviceAllocRequest__Output | null);
  /**
   * As the VeventqAlloc call: VeventqAllocRequest.
   */
  'veventq_alloc'?: (_iommutwin_host_v1_VeventqAllocRequest__Output | null);
  /**
   * The ioctl: the request message of the unary method of the same name. A request with none
   * set answers INVALID_ARGUMENT (reason NO_IOCTL).
   */
  'ioctl'?: "destroy"|"ioas_alloc"|"ioas_iova_ranges"|"ioas_allow_iovas"|"ioas_map"|"ioas_map_file"|"ioas_copy"|"ioas_unmap"|"ioas_change_process"|"option"|"vfio_ioas"|"get_hw_info"|"hwpt_alloc"|"hwpt_set_dirty_tracking"|"hwpt_get_dirty_bitmap"|"hwpt_invalidate"|"fault_queue_alloc"|"respond_faults"|"viommu_alloc"|"vdevice_alloc"|"veventq_alloc";
}
