// Original file: proto/iommutwin/host/v1/iommufd.proto

import type { Status as _google_rpc_Status, Status__Output as _google_rpc_Status__Output } from '../../../google/rpc/Status.js';
import type { DestroyResponse as _iommutwin_host_v1_DestroyResponse, DestroyResponse__Output as _iommutwin_host_v1_DestroyResponse__Output } from '../../../iommutwin/host/v1/DestroyResponse.js';
import type { IoasAllocResponse as _iommutwin_host_v1_IoasAllocResponse, IoasAllocResponse__Output as _iommutwin_host_v1_IoasAllocResponse__Output } from '../../../iommutwin/host/v1/IoasAllocResponse.js';
import type { IoasIovaRangesResponse as _iommutwin_host_v1_IoasIovaRangesResponse, IoasIovaRangesResponse__Output as _iommutwin_host_v1_IoasIovaRangesResponse__Output } from '../../../iommutwin/host/v1/IoasIovaRangesResponse.js';
import type { IoasAllowIovasResponse as _iommutwin_host_v1_IoasAllowIovasResponse, IoasAllowIovasResponse__Output as _iommutwin_host_v1_IoasAllowIovasResponse__Output } from '../../../iommutwin/host/v1/IoasAllowIovasResponse.js';
import type { IoasMapResponse as _iommutwin_host_v1_IoasMapResponse, IoasMapResponse__Output as _iommutwin_host_v1_IoasMapResponse__Output } from '../../../iommutwin/host/v1/IoasMapResponse.js';
import type { IoasMapFileResponse as _iommutwin_host_v1_IoasMapFileResponse, IoasMapFileResponse__Output as _iommutwin_host_v1_IoasMapFileResponse__Output } from '../../../iommutwin/host/v1/IoasMapFileResponse.js';
import type { IoasCopyResponse as _iommutwin_host_v1_IoasCopyResponse, IoasCopyResponse__Output as _iommutwin_host_v1_IoasCopyResponse__Output } from '../../../iommutwin/host/v1/IoasCopyResponse.js';
import type { IoasUnmapResponse as _iommutwin_host_v1_IoasUnmapResponse, IoasUnmapResponse__Output as _iommutwin_host_v1_IoasUnmapResponse__Output } from '../../../iommutwin/host/v1/IoasUnmapResponse.js';
import type { IoasChangeProcessResponse as _iommutwin_host_v1_IoasChangeProcessResponse, IoasChangeProcessResponse__Output as _iommutwin_host_v1_IoasChangeProcessResponse__Output } from '../../../iommutwin/host/v1/IoasChangeProcessResponse.js';
import type { OptionResponse as _iommutwin_host_v1_OptionResponse, OptionResponse__Output as _iommutwin_host_v1_OptionResponse__Output } from '../../../iommutwin/host/v1/OptionResponse.js';
import type { VfioIoasResponse as _iommutwin_host_v1_VfioIoasResponse, VfioIoasResponse__Output as _iommutwin_host_v1_VfioIoasResponse__Output } from '../../../iommutwin/host/v1/VfioIoasResponse.js';
import type { GetHwInfoResponse as _iommutwin_host_v1_GetHwInfoResponse, GetHwInfoResponse__Output as _iommutwin_host_v1_GetHwInfoResponse__Output } from '../../../iommutwin/host/v1/GetHwInfoResponse.js';
import type { HwptAllocResponse as _iommutwin_host_v1_HwptAllocResponse, HwptAllocResponse__Output as _iommutwin_host_v1_HwptAllocResponse__Output } from '../../../iommutwin/host/v1/HwptAllocResponse.js';
import type { HwptSetDirtyTrackingResponse as _iommutwin_host_v1_HwptSetDirtyTrackingResponse, HwptSetDirtyTrackingResponse__Output as _iommutwin_host_v1_HwptSetDirtyTrackingResponse__Output } from '../../../iommutwin/host/v1/HwptSetDirtyTrackingResponse.js';
import type { HwptGetDirtyBitmapResponse as _iommutwin_host_v1_HwptGetDirtyBitmapResponse, HwptGetDirtyBitmapResponse__Output as _iommutwin_host_v1_HwptGetDirtyBitmapResponse__Output } from '../../../iommutwin/host/v1/HwptGetDirtyBitmapResponse.js';
import type { HwptInvalidateResponse as _iommutwin_host_v1_HwptInvalidateResponse, HwptInvalidateResponse__Output as _iommutwin_host_v1_HwptInvalidateResponse__Output } from '../../../iommutwin/host/v1/HwptInvalidateResponse.js';
import type { FaultQueueAllocResponse as _iommutwin_host_v1_FaultQueueAllocResponse, FaultQueueAllocResponse__Output as _iommutwin_host_v1_FaultQueueAllocResponse__Output } from '../../../iommutwin/host/v1/FaultQueueAllocResponse.js';
import type { RespondFaultsResponse as _iommutwin_host_v1_RespondFaultsResponse, RespondFaultsResponse__Output as _iommutwin_host_v1_RespondFaultsResponse__Output } from '../../../iommutwin/host/v1/RespondFaultsResponse.js';
import type { ViommuAllocResponse as _iommutwin_host_v1_ViommuAllocResponse, ViommuAllocResponse__Output as _iommutwin_host_v1_ViommuAllocResponse__Output } from '../../../iommutwin/host/v1/ViommuAllocResponse.js';
import type { VdeviceAllocResponse as _iommutwin_host_v1_VdeviceAllocResponse, VdeviceAllocResponse__Output as _iommutwin_host_v1_VdeviceAllocResponse__Output } from '../../../iommutwin/host/v1/VdeviceAllocResponse.js';
import type { VeventqAllocResponse as _iommutwin_host_v1_VeventqAllocResponse, VeventqAllocResponse__Output as _iommutwin_host_v1_VeventqAllocResponse__Output } from '../../../iommutwin/host/v1/VeventqAllocResponse.js';
import type { Long } from '@grpc/proto-loader';

/**
 * The answer to one IoctlsRequest, in request order.
 */
export interface IoctlsResponse {
  /**
   * The request's tag.
   */
  'tag'?: (number | string | Long);
  /**
   * Outcome: code 0 (OK) on success; otherwise the code, message and details (one
   * google.rpc.ErrorInfo) the unary call would have returned, and no result below.
   */
  'status'?: (_google_rpc_Status | null);
  /**
   * The result of Destroy: DestroyResponse.
   */
  'destroy'?: (_iommutwin_host_v1_DestroyResponse | null);
  /**
   * The result of IoasAlloc: IoasAllocResponse.
   */
  'ioas_alloc'?: (_iommutwin_host_v1_IoasAllocResponse | null);
  /**
   * The result of IoasIovaRanges: IoasIovaRangesResponse.
   */
  'ioas_iova_ranges'?: (_iommutwin_host_v1_IoasIovaRangesResponse | null);
  /**
   * The result of IoasAllowIovas: IoasAllowIovasResponse.
   */
  'ioas_allow_iovas'?: (_iommutwin_host_v1_IoasAllowIovasResponse | null);
  /**
   * The result of IoasMap: IoasMapResponse.
   */
  'ioas_map'?: (_iommutwin_host_v1_IoasMapResponse | null);
  /**
   * The result of IoasMapFile: IoasMapFileResponse.
   */
  'ioas_map_file'?: (_iommutwin_host_v1_IoasMapFileResponse | null);
  /**
   * The result of IoasCopy: IoasCopyResponse.
   */
  'ioas_copy'?: (_iommutwin_host_v1_IoasCopyResponse | null);
  /**
   * The result of IoasUnmap: IoasUnmapResponse.
   */
  'ioas_unmap'?: (_iommutwin_host_v1_IoasUnmapResponse | null);
  /**
   * The result of IoasChangeProcess: IoasChangeProcessResponse.
   */
  'ioas_change_process'?: (_iommutwin_host_v1_IoasChangeProcessResponse | null);
  /**
   * The result of Option: OptionResponse.
   */
  'option'?: (_iommutwin_host_v1_OptionResponse | null);
  /**
   * The result of VfioIoas: VfioIoasResponse.
   */
  'vfio_ioas'?: (_iommutwin_host_v1_VfioIoasResponse | null);
  /**
   * The result of GetHwInfo: GetHwInfoResponse.
   */
  'get_hw_info'?: (_iommutwin_host_v1_GetHwInfoResponse | null);
  /**
   * The result of HwptAlloc: HwptAllocResponse.
   */
  'hwpt_alloc'?: (_iommutwin_host_v1_HwptAllocResponse | null);
  /**
   * The result of HwptSetDirtyTracking: HwptSetDirtyTrackingResponse.
   */
  'hwpt_set_dirty_tracking'?: (_iommutwin_host_v1_HwptSetDirtyTrackingResponse | null);
  /**
   * The result of HwptGetDirtyBitmap: HwptGetDirtyBitmapResponse.
   */
  'hwpt_get_dirty_bitmap'?: (_iommutwin_host_v1_HwptGetDirtyBitmapResponse | null);
  /**
   * The result of HwptInvalidate: HwptInvalidateResponse.
   */
  'hwpt_invalidate'?: (_iommutwin_host_v1_HwptInvalidateResponse | null);
  /**
   * The result of FaultQueueAlloc: FaultQueueAllocResponse.
   */
  'fault_queue_alloc'?: (_iommutwin_host_v1_FaultQueueAllocResponse | null);
  /**
   * The result of RespondFaults: RespondFaultsResponse.
   */
  'respond_faults'?: (_iommutwin_host_v1_RespondFaultsResponse | null);
  /**
   * The result of ViommuAlloc: ViommuAllocResponse.
   */
  'viommu_alloc'?: (_iommutwin_host_v1_ViommuAllocResponse | null);
  /**
   * The result of VdeviceAlloc: VdeviceAllocResponse.
   */
  'vdevice_alloc'?: (_iommutwin_host_v1_VdeviceAllocResponse | null);
  /**
   * The result of VeventqAlloc: VeventqAllocResponse.
   */
  'veventq_alloc'?: (_iommutwin_host_v1_VeventqAllocResponse | null);
  /**
   * On success, the response message of the unary method of the same name (the member
   * matching the request's).
   */
  'result'?: "destroy"|"ioas_alloc"|"ioas_iova_ranges"|"ioas_allow_iovas"|"ioas_map"|"ioas_map_file"|"ioas_copy"|"ioas_unmap"|"ioas_change_process"|"option"|"vfio_ioas"|"get_hw_info"|"hwpt_alloc"|"hwpt_set_dirty_tracking"|"hwpt_get_dirty_bitmap"|"hwpt_invalidate"|"fault_queue_alloc"|"respond_faults"|"viommu_alloc"|"vdevice_alloc"|"veventq_alloc";
}

/**
 * The answer to one IoctlsRequest, in request order.
 */
export interface IoctlsResponse__Output {
  /**
   * The request's tag.
   */
  'tag': (string);
  /**
   * Outcome: code 0 (OK) on success; otherwise the code, message and details (one
   * google.rpc.ErrorInfo) the unary call would have returned, and no result below.
   */
  'status': (_google_rpc_Status__Output | null);
  /**
   * The result of Destroy: DestroyResponse.
   */
  'destroy'?: (_iommutwin_host_v1_DestroyResponse__Output | null);
  /**
   * The result of IoasAlloc: IoasAllocResponse.
   */
  'ioas_alloc'?: (_iommutwin_host_v1_IoasAllocResponse__Output | null);
  /**
   * The result of IoasIovaRanges: IoasIovaRangesResponse.
   */
  'ioas_iova_ranges'?: (_iommutwin_host_v1_IoasIovaRangesResponse__Output | null);
  /**
   * The result of IoasAllowIovas: IoasAllowIovasResponse.
   */
  'ioas_allow_iovas'?: (_iommutwin_host_v1_IoasAllowIovasResponse__Output | null);
  /**
   * The result of IoasMap: IoasMapResponse.
   */
  'ioas_map'?: (_iommutwin_host_v1_IoasMapResponse__Output | null);
  /**
   * The result of IoasMapFile: IoasMapFileResponse.
   */
  'ioas_map_file'?: (_iommutwin_host_v1_IoasMapFileResponse__Output | null);
  /**
   * The result of IoasCopy: IoasCopyResponse.
   */
  'ioas_copy'?: (_iommutwin_host_v1_IoasCopyResponse__Output | null);
  /**
   * The result of IoasUnmap: IoasUnmapResponse.
   */
  'ioas_unmap'?: (_iommutwin_host_v1_IoasUnmapResponse__Output | null);
  /**
   * The result of IoasChangeProcess: IoasChangeProcessResponse.
   */
  'ioas_change_process'?: (_iommutwin_host_v1_IoasChangeProcessResponse__Output | null);
  /**
   * The result of Option: OptionResponse.
   */
  'option'?: (_iommutwin_host_v1_OptionResponse__Output | null);
  /**
   * The result of VfioIoas: VfioIoasResponse.
   */
  'vfio_ioas'?: (_iommutwin_host_v1_VfioIoasResponse__Output | null);
  /**
   * The result of GetHwInfo: GetHwInfoResponse.
   */
  'get_hw_info'?: (_iommutwin_host_v1_GetHwInfoResponse__Output | null);
  /**
   * The result of HwptAlloc: HwptAllocResponse.
   */
  'hwpt_alloc'?: (_iommutwin_host_v1_HwptAllocResponse__Output | null);
  /**
   * The result of HwptSetDirtyTracking: HwptSetDirtyTrackingResponse.
   */
  'hwpt_set_dirty_tracking'?: (_iommutwin_host_v1_HwptSetDirtyTrackingResponse__Output | null);
  /**
   * The result of HwptGetDirtyBitmap: HwptGetDirtyBitmapResponse.
   */
  'hwpt_get_dirty_bitmap'?: (_iommutwin_host_v1_HwptGetDirtyBitmapResponse__Output | null);
  /**
   * The result of HwptInvalidate: HwptInvalidateResponse.
   */
  'hwpt_invalidate'?: (_iommutwin_host_v1_HwptInvalidateResponse__Output | null);
  /**
   * The result of FaultQueueAlloc: FaultQueueAllocResponse.
   */
  'fault_queue_alloc'?: (_iommutwin_host_v1_FaultQueueAllocResponse__Output | null);
  /**
   * The result of RespondFaults: RespondFaultsResponse.
   */
  'respond_faults'?: (_iommutwin_host_v1_RespondFaultsResponse__Output | null);
  /**
   * The result of ViommuAlloc: ViommuAllocResponse.
   */
  'viommu_alloc'?: (_iommutwin_host_v1_ViommuAllocResponse__Output | null);
  /**
   * The result of VdeviceAlloc: VdeviceAllocResponse.
   */
  'vdevice_alloc'?: (_iommutwin_host_v1_VdeviceAllocResponse__Output | null);
  /**
   * The result of VeventqAlloc: VeventqAllocResponse.
   */
  'veventq_alloc'?: (_iommutwin_host_v1_VeventqAllocResponse__Output | null);
  /**
   * On success, the response message of the unary method of the same name (the member
   * matching the request's).
   */
  'result'?: "destroy"|"ioas_alloc"|"ioas_iova_ranges"|"ioas_allow_iovas"|"ioas_map"|"ioas_map_file"|"ioas_copy"|"ioas_unmap"|"ioas_change_process"|"option"|"vfio_ioas"|"get_hw_info"|"hwpt_alloc"|"hwpt_set_dirty_tracking"|"hwpt_get_dirty_bitmap"|"hwpt_invalidate"|"fault_queue_alloc"|"respond_faults"|"viommu_alloc"|"vdevice_alloc"|"veventq_alloc";
}
