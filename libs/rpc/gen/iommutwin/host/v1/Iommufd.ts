// Original file: proto/iommutwin/host/v1/iommufd.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DestroyRequest as _iommutwin_host_v1_DestroyRequest, DestroyRequest__Output as _iommutwin_host_v1_DestroyRequest__Output } from '../../../iommutwin/host/v1/DestroyRequest.js';
import type { DestroyResponse as _iommutwin_host_v1_DestroyResponse, DestroyResponse__Output as _iommutwin_host_v1_DestroyResponse__Output } from '../../../iommutwin/host/v1/DestroyResponse.js';
import type { FaultQueueAllocRequest as _iommutwin_host_v1_FaultQueueAllocRequest, FaultQueueAllocRequest__Output as _iommutwin_host_v1_FaultQueueAllocRequest__Output } from '../../../iommutwin/host/v1/FaultQueueAllocRequest.js';
import type { FaultQueueAllocResponse as _iommutwin_host_v1_FaultQueueAllocResponse, FaultQueueAllocResponse__Output as _iommutwin_host_v1_FaultQueueAllocResponse__Output } from '../../../iommutwin/host/v1/FaultQueueAllocResponse.js';
import type { GetHwInfoRequest as _iommutwin_host_v1_GetHwInfoRequest, GetHwInfoRequest__Output as _iommutwin_host_v1_GetHwInfoRequest__Output } from '../../../iommutwin/host/v1/GetHwInfoRequest.js';
import type { GetHwInfoResponse as _iommutwin_host_v1_GetHwInfoResponse, GetHwInfoResponse__Output as _iommutwin_host_v1_GetHwInfoResponse__Output } from '../../../iommutwin/host/v1/GetHwInfoResponse.js';
import type { HwptAllocRequest as _iommutwin_host_v1_HwptAllocRequest, HwptAllocRequest__Output as _iommutwin_host_v1_HwptAllocRequest__Output } from '../../../iommutwin/host/v1/HwptAllocRequest.js';
import type { HwptAllocResponse as _iommutwin_host_v1_HwptAllocResponse, HwptAllocResponse__Output as _iommutwin_host_v1_HwptAllocResponse__Output } from '../../../iommutwin/host/v1/HwptAllocResponse.js';
import type { HwptGetDirtyBitmapRequest as _iommutwin_host_v1_HwptGetDirtyBitmapRequest, HwptGetDirtyBitmapRequest__Output as _iommutwin_host_v1_HwptGetDirtyBitmapRequest__Output } from '../../../iommutwin/host/v1/HwptGetDirtyBitmapRequest.js';
import type { HwptGetDirtyBitmapResponse as _iommutwin_host_v1_HwptGetDirtyBitmapResponse, HwptGetDirtyBitmapResponse__Output as _iommutwin_host_v1_HwptGetDirtyBitmapResponse__Output } from '../../../iommutwin/host/v1/HwptGetDirtyBitmapResponse.js';
import type { HwptInvalidateRequest as _iommutwin_host_v1_HwptInvalidateRequest, HwptInvalidateRequest__Output as _iommutwin_host_v1_HwptInvalidateRequest__Output } from '../../../iommutwin/host/v1/HwptInvalidateRequest.js';
import type { HwptInvalidateResponse as _iommutwin_host_v1_HwptInvalidateResponse, HwptInvalidateResponse__Output as _iommutwin_host_v1_HwptInvalidateResponse__Output } from '../../../iommutwin/host/v1/HwptInvalidateResponse.js';
import type { HwptSetDirtyTrackingRequest as _iommutwin_host_v1_HwptSetDirtyTrackingRequest, HwptSetDirtyTrackingRequest__Output as _iommutwin_host_v1_HwptSetDirtyTrackingRequest__Output } from '../../../iommutwin/host/v1/HwptSetDirtyTrackingRequest.js';
import type { HwptSetDirtyTrackingResponse as _iommutwin_host_v1_HwptSetDirtyTrackingResponse, HwptSetDirtyTrackingResponse__Output as _iommutwin_host_v1_HwptSetDirtyTrackingResponse__Output } from '../../../iommutwin/host/v1/HwptSetDirtyTrackingResponse.js';
import type { InvalidationChannelRequest as _iommutwin_host_v1_InvalidationChannelRequest, InvalidationChannelRequest__Output as _iommutwin_host_v1_InvalidationChannelRequest__Output } from '../../../iommutwin/host/v1/InvalidationChannelRequest.js';
import type { InvalidationChannelResponse as _iommutwin_host_v1_InvalidationChannelResponse, InvalidationChannelResponse__Output as _iommutwin_host_v1_InvalidationChannelResponse__Output } from '../../../iommutwin/host/v1/InvalidationChannelResponse.js';
import type { IoasAllocRequest as _iommutwin_host_v1_IoasAllocRequest, IoasAllocRequest__Output as _iommutwin_host_v1_IoasAllocRequest__Output } from '../../../iommutwin/host/v1/IoasAllocRequest.js';
import type { IoasAllocResponse as _iommutwin_host_v1_IoasAllocResponse, IoasAllocResponse__Output as _iommutwin_host_v1_IoasAllocResponse__Output } from '../../../iommutwin/host/v1/IoasAllocResponse.js';
import type { IoasAllowIovasRequest as _iommutwin_host_v1_IoasAllowIovasRequest, IoasAllowIovasRequest__Output as _iommutwin_host_v1_IoasAllowIovasRequest__Output } from '../../../iommutwin/host/v1/IoasAllowIovasRequest.js';
import type { IoasAllowIovasResponse as _iommutwin_host_v1_IoasAllowIovasResponse, IoasAllowIovasResponse__Output as _iommutwin_host_v1_IoasAllowIovasResponse__Output } from '../../../iommutwin/host/v1/IoasAllowIovasResponse.js';
import type { IoasChangeProcessRequest as _iommutwin_host_v1_IoasChangeProcessRequest, IoasChangeProcessRequest__Output as _iommutwin_host_v1_IoasChangeProcessRequest__Output } from '../../../iommutwin/host/v1/IoasChangeProcessRequest.js';
import type { IoasChangeProcessResponse as _iommutwin_host_v1_IoasChangeProcessResponse, IoasChangeProcessResponse__Output as _iommutwin_host_v1_IoasChangeProcessResponse__Output } from '../../../iommutwin/host/v1/IoasChangeProcessResponse.js';
import type { IoasCopyRequest as _iommutwin_host_v1_IoasCopyRequest, IoasCopyRequest__Output as _iommutwin_host_v1_IoasCopyRequest__Output } from '../../../iommutwin/host/v1/IoasCopyRequest.js';
import type { IoasCopyResponse as _iommutwin_host_v1_IoasCopyResponse, IoasCopyResponse__Output as _iommutwin_host_v1_IoasCopyResponse__Output } from '../../../iommutwin/host/v1/IoasCopyResponse.js';
import type { IoasIovaRangesRequest as _iommutwin_host_v1_IoasIovaRangesRequest, IoasIovaRangesRequest__Output as _iommutwin_host_v1_IoasIovaRangesRequest__Output } from '../../../iommutwin/host/v1/IoasIovaRangesRequest.js';
import type { IoasIovaRangesResponse as _iommutwin_host_v1_IoasIovaRangesResponse, IoasIovaRangesResponse__Output as _iommutwin_host_v1_IoasIovaRangesResponse__Output } from '../../../iommutwin/host/v1/IoasIovaRangesResponse.js';
import type { IoasMapFileRequest as _iommutwin_host_v1_IoasMapFileRequest, IoasMapFileRequest__Output as _iommutwin_host_v1_IoasMapFileRequest__Output } from '../../../iommutwin/host/v1/IoasMapFileRequest.js';
import type { IoasMapFileResponse as _iommutwin_host_v1_IoasMapFileResponse, IoasMapFileResponse__Output as _iommutwin_host_v1_IoasMapFileResponse__Output } from '../../../iommutwin/host/v1/IoasMapFileResponse.js';
import type { IoasMapRequest as _iommutwin_host_v1_IoasMapRequest, IoasMapRequest__Output as _iommutwin_host_v1_IoasMapRequest__Output } from '../../../iommutwin/host/v1/IoasMapRequest.js';
import type { IoasMapResponse as _iommutwin_host_v1_IoasMapResponse, IoasMapResponse__Output as _iommutwin_host_v1_IoasMapResponse__Output } from '../../../iommutwin/host/v1/IoasMapResponse.js';
import type { IoasUnmapRequest as _iommutwin_host_v1_IoasUnmapRequest, IoasUnmapRequest__Output as _iommutwin_host_v1_IoasUnmapRequest__Output } from '../../../iommutwin/host/v1/IoasUnmapRequest.js';
import type { IoasUnmapResponse as _iommutwin_host_v1_IoasUnmapResponse, IoasUnmapResponse__Output as _iommutwin_host_v1_IoasUnmapResponse__Output } from '../../../iommutwin/host/v1/IoasUnmapResponse.js';
import type { IoctlsRequest as _iommutwin_host_v1_IoctlsRequest, IoctlsRequest__Output as _iommutwin_host_v1_IoctlsRequest__Output } from '../../../iommutwin/host/v1/IoctlsRequest.js';
import type { IoctlsResponse as _iommutwin_host_v1_IoctlsResponse, IoctlsResponse__Output as _iommutwin_host_v1_IoctlsResponse__Output } from '../../../iommutwin/host/v1/IoctlsResponse.js';
import type { OptionRequest as _iommutwin_host_v1_OptionRequest, OptionRequest__Output as _iommutwin_host_v1_OptionRequest__Output } from '../../../iommutwin/host/v1/OptionRequest.js';
import type { OptionResponse as _iommutwin_host_v1_OptionResponse, OptionResponse__Output as _iommutwin_host_v1_OptionResponse__Output } from '../../../iommutwin/host/v1/OptionResponse.js';
import type { ReadFaultsRequest as _iommutwin_host_v1_ReadFaultsRequest, ReadFaultsRequest__Output as _iommutwin_host_v1_ReadFaultsRequest__Output } from '../../../iommutwin/host/v1/ReadFaultsRequest.js';
import type { ReadFaultsResponse as _iommutwin_host_v1_ReadFaultsResponse, ReadFaultsResponse__Output as _iommutwin_host_v1_ReadFaultsResponse__Output } from '../../../iommutwin/host/v1/ReadFaultsResponse.js';
import type { ReadVeventsRequest as _iommutwin_host_v1_ReadVeventsRequest, ReadVeventsRequest__Output as _iommutwin_host_v1_ReadVeventsRequest__Output } from '../../../iommutwin/host/v1/ReadVeventsRequest.js';
import type { ReadVeventsResponse as _iommutwin_host_v1_ReadVeventsResponse, ReadVeventsResponse__Output as _iommutwin_host_v1_ReadVeventsResponse__Output } from '../../../iommutwin/host/v1/ReadVeventsResponse.js';
import type { RespondFaultsRequest as _iommutwin_host_v1_RespondFaultsRequest, RespondFaultsRequest__Output as _iommutwin_host_v1_RespondFaultsRequest__Output } from '../../../iommutwin/host/v1/RespondFaultsRequest.js';
import type { RespondFaultsResponse as _iommutwin_host_v1_RespondFaultsResponse, RespondFaultsResponse__Output as _iommutwin_host_v1_RespondFaultsResponse__Output } from '../../../iommutwin/host/v1/RespondFaultsResponse.js';
import type { VdeviceAllocRequest as _iommutwin_host_v1_VdeviceAllocRequest, VdeviceAllocRequest__Output as _iommutwin_host_v1_VdeviceAllocRequest__Output } from '../../../iommutwin/host/v1/VdeviceAllocRequest.js';
import type { VdeviceAllocResponse as _iommutwin_host_v1_VdeviceAllocResponse, VdeviceAllocResponse__Output as _iommutwin_host_v1_VdeviceAllocResponse__Output } from '../../../iommutwin/host/v1/VdeviceAllocResponse.js';
import type { VeventqAllocRequest as _iommutwin_host_v1_VeventqAllocRequest, VeventqAllocRequest__Output as _iommutwin_host_v1_VeventqAllocRequest__Output } from '../../../iommutwin/host/v1/VeventqAllocRequest.js';
import type { VeventqAllocResponse as _iommutwin_host_v1_VeventqAllocResponse, VeventqAllocResponse__Output as _iommutwin_host_v1_VeventqAllocResponse__Output } from '../../../iommutwin/host/v1/VeventqAllocResponse.js';
import type { VfioIoasRequest as _iommutwin_host_v1_VfioIoasRequest, VfioIoasRequest__Output as _iommutwin_host_v1_VfioIoasRequest__Output } from '../../../iommutwin/host/v1/VfioIoasRequest.js';
import type { VfioIoasResponse as _iommutwin_host_v1_VfioIoasResponse, VfioIoasResponse__Output as _iommutwin_host_v1_VfioIoasResponse__Output } from '../../../iommutwin/host/v1/VfioIoasResponse.js';
import type { ViommuAllocRequest as _iommutwin_host_v1_ViommuAllocRequest, ViommuAllocRequest__Output as _iommutwin_host_v1_ViommuAllocRequest__Output } from '../../../iommutwin/host/v1/ViommuAllocRequest.js';
import type { ViommuAllocResponse as _iommutwin_host_v1_ViommuAllocResponse, ViommuAllocResponse__Output as _iommutwin_host_v1_ViommuAllocResponse__Output } from '../../../iommutwin/host/v1/ViommuAllocResponse.js';

/**
 * The iommufd character device.
 */
export interface IommufdClient extends grpc.Client {
  /**
   * IOMMU_DESTROY.
   */
  Destroy(argument: _iommutwin_host_v1_DestroyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DestroyResponse__Output>): grpc.ClientUnaryCall;
  Destroy(argument: _iommutwin_host_v1_DestroyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DestroyResponse__Output>): grpc.ClientUnaryCall;
  Destroy(argument: _iommutwin_host_v1_DestroyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DestroyResponse__Output>): grpc.ClientUnaryCall;
  Destroy(argument: _iommutwin_host_v1_DestroyRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DestroyResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IOMMU_DESTROY.
   */
  destroy(argument: _iommutwin_host_v1_DestroyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DestroyResponse__Output>): grpc.ClientUnaryCall;
  destroy(argument: _iommutwin_host_v1_DestroyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DestroyResponse__Output>): grpc.ClientUnaryCall;
  destroy(argument: _iommutwin_host_v1_DestroyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DestroyResponse__Output>): grpc.ClientUnaryCall;
  destroy(argument: _iommutwin_host_v1_DestroyRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DestroyResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * IOMMU_FAULT_QUEUE_ALLOC.
   */
  FaultQueueAlloc(argument: _iommutwin_host_v1_FaultQueueAllocRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_FaultQueueAllocResponse__Output>): grpc.ClientUnaryCall;
  FaultQueueAlloc(argument: _iommutwin_host_v1_FaultQueueAllocRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_FaultQueueAllocResponse__Output>): grpc.ClientUnaryCall;
  FaultQueueAlloc(argument: _iommutwin_host_v1_FaultQueueAllocRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_FaultQueueAllocResponse__Output>): grpc.ClientUnaryCall;
  FaultQueueAlloc(argument: _iommutwin_host_v1_FaultQueueAllocRequest, callback: grpc.requestCallback<_iommutwin_host_v1_FaultQueueAllocResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IOMMU_FAULT_QUEUE_ALLOC.
   */
  faultQueueAlloc(argument: _iommutwin_host_v1_FaultQueueAllocRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_FaultQueueAllocResponse__Output>): grpc.ClientUnaryCall;
  faultQueueAlloc(argument: _iommutwin_host_v1_FaultQueueAllocRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_FaultQueueAllocResponse__Output>): grpc.ClientUnaryCall;
  faultQueueAlloc(argument: _iommutwin_host_v1_FaultQueueAllocRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_FaultQueueAllocResponse__Output>): grpc.ClientUnaryCall;
  faultQueueAlloc(argument: _iommutwin_host_v1_FaultQueueAllocRequest, callback: grpc.requestCallback<_iommutwin_host_v1_FaultQueueAllocResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * IOMMU_GET_HW_INFO.
   */
  GetHwInfo(argument: _iommutwin_host_v1_GetHwInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GetHwInfoResponse__Output>): grpc.ClientUnaryCall;
  GetHwInfo(argument: _iommutwin_host_v1_GetHwInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_GetHwInfoResponse__Output>): grpc.ClientUnaryCall;
  GetHwInfo(argument: _iommutwin_host_v1_GetHwInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GetHwInfoResponse__Output>): grpc.ClientUnaryCall;
  GetHwInfo(argument: _iommutwin_host_v1_GetHwInfoRequest, callback: grpc.requestCallback<_iommutwin_host_v1_GetHwInfoResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IOMMU_GET_HW_INFO.
   */
  getHwInfo(argument: _iommutwin_host_v1_GetHwInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GetHwInfoResponse__Output>): grpc.ClientUnaryCall;
  getHwInfo(argument: _iommutwin_host_v1_GetHwInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_GetHwInfoResponse__Output>): grpc.ClientUnaryCall;
  getHwInfo(argument: _iommutwin_host_v1_GetHwInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GetHwInfoResponse__Output>): grpc.ClientUnaryCall;
  getHwInfo(argument: _iommutwin_host_v1_GetHwInfoRequest, callback: grpc.requestCallback<_iommutwin_host_v1_GetHwInfoResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * IOMMU_HWPT_ALLOC.
   */
  HwptAlloc(argument: _iommutwin_host_v1_HwptAllocRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_HwptAllocResponse__Output>): grpc.ClientUnaryCall;
  HwptAlloc(argument: _iommutwin_host_v1_HwptAllocRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_HwptAllocResponse__Output>): grpc.ClientUnaryCall;
  HwptAlloc(argument: _iommutwin_host_v1_HwptAllocRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_HwptAllocResponse__Output>): grpc.ClientUnaryCall;
  HwptAlloc(argument: _iommutwin_host_v1_HwptAllocRequest, callback: grpc.requestCallback<_iommutwin_host_v1_HwptAllocResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IOMMU_HWPT_ALLOC.
   */
  hwptAlloc(argument: _iommutwin_host_v1_HwptAllocRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_HwptAllocResponse__Output>): grpc.ClientUnaryCall;
  hwptAlloc(argument: _iommutwin_host_v1_HwptAllocRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_HwptAllocResponse__Output>): grpc.ClientUnaryCall;
  hwptAlloc(argument: _iommutwin_host_v1_HwptAllocRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_HwptAllocResponse__Output>): grpc.ClientUnaryCall;
  hwptAlloc(argument: _iommutwin_host_v1_HwptAllocRequest, callback: grpc.requestCallback<_iommutwin_host_v1_HwptAllocResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * IOMMU_HWPT_GET_DIRTY_BITMAP.
   */
  HwptGetDirtyBitmap(argument: _iommutwin_host_v1_HwptGetDirtyBitmapRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_HwptGetDirtyBitmapResponse__Output>): grpc.ClientUnaryCall;
  HwptGetDirtyBitmap(argument: _iommutwin_host_v1_HwptGetDirtyBitmapRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_HwptGetDirtyBitmapResponse__Output>): grpc.ClientUnaryCall;
  HwptGetDirtyBitmap(argument: _iommutwin_host_v1_HwptGetDirtyBitmapRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_HwptGetDirtyBitmapResponse__Output>): grpc.ClientUnaryCall;
  HwptGetDirtyBitmap(argument: _iommutwin_host_v1_HwptGetDirtyBitmapRequest, callback: grpc.requestCallback<_iommutwin_host_v1_HwptGetDirtyBitmapResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IOMMU_HWPT_GET_DIRTY_BITMAP.
   */
  hwptGetDirtyBitmap(argument: _iommutwin_host_v1_HwptGetDirtyBitmapRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_HwptGetDirtyBitmapResponse__Output>): grpc.ClientUnaryCall;
  hwptGetDirtyBitmap(argument: _iommutwin_host_v1_HwptGetDirtyBitmapRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_HwptGetDirtyBitmapResponse__Output>): grpc.ClientUnaryCall;
  hwptGetDirtyBitmap(argument: _iommutwin_host_v1_HwptGetDirtyBitmapRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_HwptGetDirtyBitmapResponse__Output>): grpc.ClientUnaryCall;
  hwptGetDirtyBitmap(argument: _iommutwin_host_v1_HwptGetDirtyBitmapRequest, callback: grpc.requestCallback<_iommutwin_host_v1_HwptGetDirtyBitmapResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * IOMMU_HWPT_INVALIDATE. On error the handled count is in ErrorInfo metadata `entry_num`.
   */
  HwptInvalidate(argument: _iommutwin_host_v1_HwptInvalidateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_HwptInvalidateResponse__Output>): grpc.ClientUnaryCall;
  HwptInvalidate(argument: _iommutwin_host_v1_HwptInvalidateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_HwptInvalidateResponse__Output>): grpc.ClientUnaryCall;
  HwptInvalidate(argument: _iommutwin_host_v1_HwptInvalidateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_HwptInvalidateResponse__Output>): grpc.ClientUnaryCall;
  HwptInvalidate(argument: _iommutwin_host_v1_HwptInvalidateRequest, callback: grpc.requestCallback<_iommutwin_host_v1_HwptInvalidateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IOMMU_HWPT_INVALIDATE. On error the handled count is in ErrorInfo metadata `entry_num`.
   */
  hwptInvalidate(argument: _iommutwin_host_v1_HwptInvalidateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_HwptInvalidateResponse__Output>): grpc.ClientUnaryCall;
  hwptInvalidate(argument: _iommutwin_host_v1_HwptInvalidateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_HwptInvalidateResponse__Output>): grpc.ClientUnaryCall;
  hwptInvalidate(argument: _iommutwin_host_v1_HwptInvalidateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_HwptInvalidateResponse__Output>): grpc.ClientUnaryCall;
  hwptInvalidate(argument: _iommutwin_host_v1_HwptInvalidateRequest, callback: grpc.requestCallback<_iommutwin_host_v1_HwptInvalidateResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * IOMMU_HWPT_SET_DIRTY_TRACKING.
   */
  HwptSetDirtyTracking(argument: _iommutwin_host_v1_HwptSetDirtyTrackingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_HwptSetDirtyTrackingResponse__Output>): grpc.ClientUnaryCall;
  HwptSetDirtyTracking(argument: _iommutwin_host_v1_HwptSetDirtyTrackingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_HwptSetDirtyTrackingResponse__Output>): grpc.ClientUnaryCall;
  HwptSetDirtyTracking(argument: _iommutwin_host_v1_HwptSetDirtyTrackingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_HwptSetDirtyTrackingResponse__Output>): grpc.ClientUnaryCall;
  HwptSetDirtyTracking(argument: _iommutwin_host_v1_HwptSetDirtyTrackingRequest, callback: grpc.requestCallback<_iommutwin_host_v1_HwptSetDirtyTrackingResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IOMMU_HWPT_SET_DIRTY_TRACKING.
   */
  hwptSetDirtyTracking(argument: _iommutwin_host_v1_HwptSetDirtyTrackingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_HwptSetDirtyTrackingResponse__Output>): grpc.ClientUnaryCall;
  hwptSetDirtyTracking(argument: _iommutwin_host_v1_HwptSetDirtyTrackingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_HwptSetDirtyTrackingResponse__Output>): grpc.ClientUnaryCall;
  hwptSetDirtyTracking(argument: _iommutwin_host_v1_HwptSetDirtyTrackingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_HwptSetDirtyTrackingResponse__Output>): grpc.ClientUnaryCall;
  hwptSetDirtyTracking(argument: _iommutwin_host_v1_HwptSetDirtyTrackingRequest, callback: grpc.requestCallback<_iommutwin_host_v1_HwptSetDirtyTrackingResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The streaming form of IOMMU_HWPT_INVALIDATE: requests are applied strictly in order and
   * each is acknowledged once, only after the invalidation took effect.
   */
  InvalidationChannel(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_iommutwin_host_v1_InvalidationChannelRequest, _iommutwin_host_v1_InvalidationChannelResponse__Output>;
  InvalidationChannel(options?: grpc.CallOptions): grpc.ClientDuplexStream<_iommutwin_host_v1_InvalidationChannelRequest, _iommutwin_host_v1_InvalidationChannelResponse__Output>;
  /**
   * The streaming form of IOMMU_HWPT_INVALIDATE: requests are applied strictly in order and
   * each is acknowledged once, only after the invalidation took effect.
   */
  invalidationChannel(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_iommutwin_host_v1_InvalidationChannelRequest, _iommutwin_host_v1_InvalidationChannelResponse__Output>;
  invalidationChannel(options?: grpc.CallOptions): grpc.ClientDuplexStream<_iommutwin_host_v1_InvalidationChannelRequest, _iommutwin_host_v1_InvalidationChannelResponse__Output>;
  
  /**
   * IOMMU_IOAS_ALLOC.
   */
  IoasAlloc(argument: _iommutwin_host_v1_IoasAllocRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasAllocResponse__Output>): grpc.ClientUnaryCall;
  IoasAlloc(argument: _iommutwin_host_v1_IoasAllocRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_IoasAllocResponse__Output>): grpc.ClientUnaryCall;
  IoasAlloc(argument: _iommutwin_host_v1_IoasAllocRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasAllocResponse__Output>): grpc.ClientUnaryCall;
  IoasAlloc(argument: _iommutwin_host_v1_IoasAllocRequest, callback: grpc.requestCallback<_iommutwin_host_v1_IoasAllocResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IOMMU_IOAS_ALLOC.
   */
  ioasAlloc(argument: _iommutwin_host_v1_IoasAllocRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasAllocResponse__Output>): grpc.ClientUnaryCall;
  ioasAlloc(argument: _iommutwin_host_v1_IoasAllocRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_IoasAllocResponse__Output>): grpc.ClientUnaryCall;
  ioasAlloc(argument: _iommutwin_host_v1_IoasAllocRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasAllocResponse__Output>): grpc.ClientUnaryCall;
  ioasAlloc(argument: _iommutwin_host_v1_IoasAllocRequest, callback: grpc.requestCallback<_iommutwin_host_v1_IoasAllocResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * IOMMU_IOAS_ALLOW_IOVAS.
   */
  IoasAllowIovas(argument: _iommutwin_host_v1_IoasAllowIovasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasAllowIovasResponse__Output>): grpc.ClientUnaryCall;
  IoasAllowIovas(argument: _iommutwin_host_v1_IoasAllowIovasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_IoasAllowIovasResponse__Output>): grpc.ClientUnaryCall;
  IoasAllowIovas(argument: _iommutwin_host_v1_IoasAllowIovasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasAllowIovasResponse__Output>): grpc.ClientUnaryCall;
  IoasAllowIovas(argument: _iommutwin_host_v1_IoasAllowIovasRequest, callback: grpc.requestCallback<_iommutwin_host_v1_IoasAllowIovasResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IOMMU_IOAS_ALLOW_IOVAS.
   */
  ioasAllowIovas(argument: _iommutwin_host_v1_IoasAllowIovasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasAllowIovasResponse__Output>): grpc.ClientUnaryCall;
  ioasAllowIovas(argument: _iommutwin_host_v1_IoasAllowIovasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_IoasAllowIovasResponse__Output>): grpc.ClientUnaryCall;
  ioasAllowIovas(argument: _iommutwin_host_v1_IoasAllowIovasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasAllowIovasResponse__Output>): grpc.ClientUnaryCall;
  ioasAllowIovas(argument: _iommutwin_host_v1_IoasAllowIovasRequest, callback: grpc.requestCallback<_iommutwin_host_v1_IoasAllowIovasResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * IOMMU_IOAS_CHANGE_PROCESS.
   */
  IoasChangeProcess(argument: _iommutwin_host_v1_IoasChangeProcessRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasChangeProcessResponse__Output>): grpc.ClientUnaryCall;
  IoasChangeProcess(argument: _iommutwin_host_v1_IoasChangeProcessRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_IoasChangeProcessResponse__Output>): grpc.ClientUnaryCall;
  IoasChangeProcess(argument: _iommutwin_host_v1_IoasChangeProcessRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasChangeProcessResponse__Output>): grpc.ClientUnaryCall;
  IoasChangeProcess(argument: _iommutwin_host_v1_IoasChangeProcessRequest, callback: grpc.requestCallback<_iommutwin_host_v1_IoasChangeProcessResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IOMMU_IOAS_CHANGE_PROCESS.
   */
  ioasChangeProcess(argument: _iommutwin_host_v1_IoasChangeProcessRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasChangeProcessResponse__Output>): grpc.ClientUnaryCall;
  ioasChangeProcess(argument: _iommutwin_host_v1_IoasChangeProcessRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_IoasChangeProcessResponse__Output>): grpc.ClientUnaryCall;
  ioasChangeProcess(argument: _iommutwin_host_v1_IoasChangeProcessRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasChangeProcessResponse__Output>): grpc.ClientUnaryCall;
  ioasChangeProcess(argument: _iommutwin_host_v1_IoasChangeProcessRequest, callback: grpc.requestCallback<_iommutwin_host_v1_IoasChangeProcessResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * IOMMU_IOAS_COPY.
   */
  IoasCopy(argument: _iommutwin_host_v1_IoasCopyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasCopyResponse__Output>): grpc.ClientUnaryCall;
  IoasCopy(argument: _iommutwin_host_v1_IoasCopyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_IoasCopyResponse__Output>): grpc.ClientUnaryCall;
  IoasCopy(argument: _iommutwin_host_v1_IoasCopyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasCopyResponse__Output>): grpc.ClientUnaryCall;
  IoasCopy(argument: _iommutwin_host_v1_IoasCopyRequest, callback: grpc.requestCallback<_iommutwin_host_v1_IoasCopyResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IOMMU_IOAS_COPY.
   */
  ioasCopy(argument: _iommutwin_host_v1_IoasCopyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasCopyResponse__Output>): grpc.ClientUnaryCall;
  ioasCopy(argument: _iommutwin_host_v1_IoasCopyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_IoasCopyResponse__Output>): grpc.ClientUnaryCall;
  ioasCopy(argument: _iommutwin_host_v1_IoasCopyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasCopyResponse__Output>): grpc.ClientUnaryCall;
  ioasCopy(argument: _iommutwin_host_v1_IoasCopyRequest, callback: grpc.requestCallback<_iommutwin_host_v1_IoasCopyResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * IOMMU_IOAS_IOVA_RANGES (returns every range; never EMSGSIZE).
   */
  IoasIovaRanges(argument: _iommutwin_host_v1_IoasIovaRangesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasIovaRangesResponse__Output>): grpc.ClientUnaryCall;
  IoasIovaRanges(argument: _iommutwin_host_v1_IoasIovaRangesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_IoasIovaRangesResponse__Output>): grpc.ClientUnaryCall;
  IoasIovaRanges(argument: _iommutwin_host_v1_IoasIovaRangesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasIovaRangesResponse__Output>): grpc.ClientUnaryCall;
  IoasIovaRanges(argument: _iommutwin_host_v1_IoasIovaRangesRequest, callback: grpc.requestCallback<_iommutwin_host_v1_IoasIovaRangesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IOMMU_IOAS_IOVA_RANGES (returns every range; never EMSGSIZE).
   */
  ioasIovaRanges(argument: _iommutwin_host_v1_IoasIovaRangesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasIovaRangesResponse__Output>): grpc.ClientUnaryCall;
  ioasIovaRanges(argument: _iommutwin_host_v1_IoasIovaRangesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_IoasIovaRangesResponse__Output>): grpc.ClientUnaryCall;
  ioasIovaRanges(argument: _iommutwin_host_v1_IoasIovaRangesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasIovaRangesResponse__Output>): grpc.ClientUnaryCall;
  ioasIovaRanges(argument: _iommutwin_host_v1_IoasIovaRangesRequest, callback: grpc.requestCallback<_iommutwin_host_v1_IoasIovaRangesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * IOMMU_IOAS_MAP.
   */
  IoasMap(argument: _iommutwin_host_v1_IoasMapRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasMapResponse__Output>): grpc.ClientUnaryCall;
  IoasMap(argument: _iommutwin_host_v1_IoasMapRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_IoasMapResponse__Output>): grpc.ClientUnaryCall;
  IoasMap(argument: _iommutwin_host_v1_IoasMapRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasMapResponse__Output>): grpc.ClientUnaryCall;
  IoasMap(argument: _iommutwin_host_v1_IoasMapRequest, callback: grpc.requestCallback<_iommutwin_host_v1_IoasMapResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IOMMU_IOAS_MAP.
   */
  ioasMap(argument: _iommutwin_host_v1_IoasMapRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasMapResponse__Output>): grpc.ClientUnaryCall;
  ioasMap(argument: _iommutwin_host_v1_IoasMapRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_IoasMapResponse__Output>): grpc.ClientUnaryCall;
  ioasMap(argument: _iommutwin_host_v1_IoasMapRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasMapResponse__Output>): grpc.ClientUnaryCall;
  ioasMap(argument: _iommutwin_host_v1_IoasMapRequest, callback: grpc.requestCallback<_iommutwin_host_v1_IoasMapResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * IOMMU_IOAS_MAP_FILE.
   */
  IoasMapFile(argument: _iommutwin_host_v1_IoasMapFileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasMapFileResponse__Output>): grpc.ClientUnaryCall;
  IoasMapFile(argument: _iommutwin_host_v1_IoasMapFileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_IoasMapFileResponse__Output>): grpc.ClientUnaryCall;
  IoasMapFile(argument: _iommutwin_host_v1_IoasMapFileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasMapFileResponse__Output>): grpc.ClientUnaryCall;
  IoasMapFile(argument: _iommutwin_host_v1_IoasMapFileRequest, callback: grpc.requestCallback<_iommutwin_host_v1_IoasMapFileResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IOMMU_IOAS_MAP_FILE.
   */
  ioasMapFile(argument: _iommutwin_host_v1_IoasMapFileRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasMapFileResponse__Output>): grpc.ClientUnaryCall;
  ioasMapFile(argument: _iommutwin_host_v1_IoasMapFileRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_IoasMapFileResponse__Output>): grpc.ClientUnaryCall;
  ioasMapFile(argument: _iommutwin_host_v1_IoasMapFileRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasMapFileResponse__Output>): grpc.ClientUnaryCall;
  ioasMapFile(argument: _iommutwin_host_v1_IoasMapFileRequest, callback: grpc.requestCallback<_iommutwin_host_v1_IoasMapFileResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * IOMMU_IOAS_UNMAP.
   */
  IoasUnmap(argument: _iommutwin_host_v1_IoasUnmapRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasUnmapResponse__Output>): grpc.ClientUnaryCall;
  IoasUnmap(argument: _iommutwin_host_v1_IoasUnmapRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_IoasUnmapResponse__Output>): grpc.ClientUnaryCall;
  IoasUnmap(argument: _iommutwin_host_v1_IoasUnmapRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasUnmapResponse__Output>): grpc.ClientUnaryCall;
  IoasUnmap(argument: _iommutwin_host_v1_IoasUnmapRequest, callback: grpc.requestCallback<_iommutwin_host_v1_IoasUnmapResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IOMMU_IOAS_UNMAP.
   */
  ioasUnmap(argument: _iommutwin_host_v1_IoasUnmapRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasUnmapResponse__Output>): grpc.ClientUnaryCall;
  ioasUnmap(argument: _iommutwin_host_v1_IoasUnmapRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_IoasUnmapResponse__Output>): grpc.ClientUnaryCall;
  ioasUnmap(argument: _iommutwin_host_v1_IoasUnmapRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_IoasUnmapResponse__Output>): grpc.ClientUnaryCall;
  ioasUnmap(argument: _iommutwin_host_v1_IoasUnmapRequest, callback: grpc.requestCallback<_iommutwin_host_v1_IoasUnmapResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The ordered ioctl stream: the fast path for any client that replays many ioctls (a VMM
   * shadowing guest mappings, a migration replaying a map list). Each request carries one
   * Iommufd request message, as the unary method of the same name takes it; the server answers
   * every request with exactly one IoctlsResponse, strictly in request order, with the status
   * and ErrorInfo that unary call would have returned (a failing request changes nothing and
   * does not end the stream). The acting process is the stream's metadata (`x-iommutwin-pid`,
   * and `x-iommutwin-boot-id` / `x-iommutwin-start-time` when given), checked per request as
   * each unary call checks it: once the process is gone, later requests answer ESRCH. Requests
   * may be pipelined; the server reads at most a bounded window ahead of the responses the
   * client has not read (HTTP/2 flow control holds the rest). The stream itself ends only on a
   * transport or authentication error, the client's half-close or cancel, or server shutdown
   * (UNAVAILABLE, SHUTTING_DOWN); a request in flight then has no answer and may or may not
   * have taken effect, exactly as a unary call cut off by a broken connection.
   */
  Ioctls(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_iommutwin_host_v1_IoctlsRequest, _iommutwin_host_v1_IoctlsResponse__Output>;
  Ioctls(options?: grpc.CallOptions): grpc.ClientDuplexStream<_iommutwin_host_v1_IoctlsRequest, _iommutwin_host_v1_IoctlsResponse__Output>;
  /**
   * The ordered ioctl stream: the fast path for any client that replays many ioctls (a VMM
   * shadowing guest mappings, a migration replaying a map list). Each request carries one
   * Iommufd request message, as the unary method of the same name takes it; the server answers
   * every request with exactly one IoctlsResponse, strictly in request order, with the status
   * and ErrorInfo that unary call would have returned (a failing request changes nothing and
   * does not end the stream). The acting process is the stream's metadata (`x-iommutwin-pid`,
   * and `x-iommutwin-boot-id` / `x-iommutwin-start-time` when given), checked per request as
   * each unary call checks it: once the process is gone, later requests answer ESRCH. Requests
   * may be pipelined; the server reads at most a bounded window ahead of the responses the
   * client has not read (HTTP/2 flow control holds the rest). The stream itself ends only on a
   * transport or authentication error, the client's half-close or cancel, or server shutdown
   * (UNAVAILABLE, SHUTTING_DOWN); a request in flight then has no answer and may or may not
   * have taken effect, exactly as a unary call cut off by a broken connection.
   */
  ioctls(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_iommutwin_host_v1_IoctlsRequest, _iommutwin_host_v1_IoctlsResponse__Output>;
  ioctls(options?: grpc.CallOptions): grpc.ClientDuplexStream<_iommutwin_host_v1_IoctlsRequest, _iommutwin_host_v1_IoctlsResponse__Output>;
  
  /**
   * IOMMU_OPTION.
   */
  Option(argument: _iommutwin_host_v1_OptionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_OptionResponse__Output>): grpc.ClientUnaryCall;
  Option(argument: _iommutwin_host_v1_OptionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_OptionResponse__Output>): grpc.ClientUnaryCall;
  Option(argument: _iommutwin_host_v1_OptionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_OptionResponse__Output>): grpc.ClientUnaryCall;
  Option(argument: _iommutwin_host_v1_OptionRequest, callback: grpc.requestCallback<_iommutwin_host_v1_OptionResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IOMMU_OPTION.
   */
  option(argument: _iommutwin_host_v1_OptionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_OptionResponse__Output>): grpc.ClientUnaryCall;
  option(argument: _iommutwin_host_v1_OptionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_OptionResponse__Output>): grpc.ClientUnaryCall;
  option(argument: _iommutwin_host_v1_OptionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_OptionResponse__Output>): grpc.ClientUnaryCall;
  option(argument: _iommutwin_host_v1_OptionRequest, callback: grpc.requestCallback<_iommutwin_host_v1_OptionResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * read(fault_fd): fault groups as a resumable stream.
   */
  ReadFaults(argument: _iommutwin_host_v1_ReadFaultsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_host_v1_ReadFaultsResponse__Output>;
  ReadFaults(argument: _iommutwin_host_v1_ReadFaultsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_host_v1_ReadFaultsResponse__Output>;
  /**
   * read(fault_fd): fault groups as a resumable stream.
   */
  readFaults(argument: _iommutwin_host_v1_ReadFaultsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_host_v1_ReadFaultsResponse__Output>;
  readFaults(argument: _iommutwin_host_v1_ReadFaultsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_host_v1_ReadFaultsResponse__Output>;
  
  /**
   * read(veventq_fd): virtual events as a resumable stream.
   */
  ReadVevents(argument: _iommutwin_host_v1_ReadVeventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_host_v1_ReadVeventsResponse__Output>;
  ReadVevents(argument: _iommutwin_host_v1_ReadVeventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_host_v1_ReadVeventsResponse__Output>;
  /**
   * read(veventq_fd): virtual events as a resumable stream.
   */
  readVevents(argument: _iommutwin_host_v1_ReadVeventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_host_v1_ReadVeventsResponse__Output>;
  readVevents(argument: _iommutwin_host_v1_ReadVeventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_host_v1_ReadVeventsResponse__Output>;
  
  /**
   * write(fault_fd): page responses.
   */
  RespondFaults(argument: _iommutwin_host_v1_RespondFaultsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_RespondFaultsResponse__Output>): grpc.ClientUnaryCall;
  RespondFaults(argument: _iommutwin_host_v1_RespondFaultsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_RespondFaultsResponse__Output>): grpc.ClientUnaryCall;
  RespondFaults(argument: _iommutwin_host_v1_RespondFaultsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_RespondFaultsResponse__Output>): grpc.ClientUnaryCall;
  RespondFaults(argument: _iommutwin_host_v1_RespondFaultsRequest, callback: grpc.requestCallback<_iommutwin_host_v1_RespondFaultsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * write(fault_fd): page responses.
   */
  respondFaults(argument: _iommutwin_host_v1_RespondFaultsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_RespondFaultsResponse__Output>): grpc.ClientUnaryCall;
  respondFaults(argument: _iommutwin_host_v1_RespondFaultsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_RespondFaultsResponse__Output>): grpc.ClientUnaryCall;
  respondFaults(argument: _iommutwin_host_v1_RespondFaultsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_RespondFaultsResponse__Output>): grpc.ClientUnaryCall;
  respondFaults(argument: _iommutwin_host_v1_RespondFaultsRequest, callback: grpc.requestCallback<_iommutwin_host_v1_RespondFaultsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * IOMMU_VDEVICE_ALLOC.
   */
  VdeviceAlloc(argument: _iommutwin_host_v1_VdeviceAllocRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_VdeviceAllocResponse__Output>): grpc.ClientUnaryCall;
  VdeviceAlloc(argument: _iommutwin_host_v1_VdeviceAllocRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_VdeviceAllocResponse__Output>): grpc.ClientUnaryCall;
  VdeviceAlloc(argument: _iommutwin_host_v1_VdeviceAllocRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_VdeviceAllocResponse__Output>): grpc.ClientUnaryCall;
  VdeviceAlloc(argument: _iommutwin_host_v1_VdeviceAllocRequest, callback: grpc.requestCallback<_iommutwin_host_v1_VdeviceAllocResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IOMMU_VDEVICE_ALLOC.
   */
  vdeviceAlloc(argument: _iommutwin_host_v1_VdeviceAllocRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_VdeviceAllocResponse__Output>): grpc.ClientUnaryCall;
  vdeviceAlloc(argument: _iommutwin_host_v1_VdeviceAllocRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_VdeviceAllocResponse__Output>): grpc.ClientUnaryCall;
  vdeviceAlloc(argument: _iommutwin_host_v1_VdeviceAllocRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_VdeviceAllocResponse__Output>): grpc.ClientUnaryCall;
  vdeviceAlloc(argument: _iommutwin_host_v1_VdeviceAllocRequest, callback: grpc.requestCallback<_iommutwin_host_v1_VdeviceAllocResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * IOMMU_VEVENTQ_ALLOC.
   */
  VeventqAlloc(argument: _iommutwin_host_v1_VeventqAllocRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_VeventqAllocResponse__Output>): grpc.ClientUnaryCall;
  VeventqAlloc(argument: _iommutwin_host_v1_VeventqAllocRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_VeventqAllocResponse__Output>): grpc.ClientUnaryCall;
  VeventqAlloc(argument: _iommutwin_host_v1_VeventqAllocRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_VeventqAllocResponse__Output>): grpc.ClientUnaryCall;
  VeventqAlloc(argument: _iommutwin_host_v1_VeventqAllocRequest, callback: grpc.requestCallback<_iommutwin_host_v1_VeventqAllocResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IOMMU_VEVENTQ_ALLOC.
   */
  veventqAlloc(argument: _iommutwin_host_v1_VeventqAllocRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_VeventqAllocResponse__Output>): grpc.ClientUnaryCall;
  veventqAlloc(argument: _iommutwin_host_v1_VeventqAllocRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_VeventqAllocResponse__Output>): grpc.ClientUnaryCall;
  veventqAlloc(argument: _iommutwin_host_v1_VeventqAllocRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_VeventqAllocResponse__Output>): grpc.ClientUnaryCall;
  veventqAlloc(argument: _iommutwin_host_v1_VeventqAllocRequest, callback: grpc.requestCallback<_iommutwin_host_v1_VeventqAllocResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * IOMMU_VFIO_IOAS.
   */
  VfioIoas(argument: _iommutwin_host_v1_VfioIoasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_VfioIoasResponse__Output>): grpc.ClientUnaryCall;
  VfioIoas(argument: _iommutwin_host_v1_VfioIoasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_VfioIoasResponse__Output>): grpc.ClientUnaryCall;
  VfioIoas(argument: _iommutwin_host_v1_VfioIoasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_VfioIoasResponse__Output>): grpc.ClientUnaryCall;
  VfioIoas(argument: _iommutwin_host_v1_VfioIoasRequest, callback: grpc.requestCallback<_iommutwin_host_v1_VfioIoasResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IOMMU_VFIO_IOAS.
   */
  vfioIoas(argument: _iommutwin_host_v1_VfioIoasRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_VfioIoasResponse__Output>): grpc.ClientUnaryCall;
  vfioIoas(argument: _iommutwin_host_v1_VfioIoasRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_VfioIoasResponse__Output>): grpc.ClientUnaryCall;
  vfioIoas(argument: _iommutwin_host_v1_VfioIoasRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_VfioIoasResponse__Output>): grpc.ClientUnaryCall;
  vfioIoas(argument: _iommutwin_host_v1_VfioIoasRequest, callback: grpc.requestCallback<_iommutwin_host_v1_VfioIoasResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * IOMMU_VIOMMU_ALLOC.
   */
  ViommuAlloc(argument: _iommutwin_host_v1_ViommuAllocRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ViommuAllocResponse__Output>): grpc.ClientUnaryCall;
  ViommuAlloc(argument: _iommutwin_host_v1_ViommuAllocRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ViommuAllocResponse__Output>): grpc.ClientUnaryCall;
  ViommuAlloc(argument: _iommutwin_host_v1_ViommuAllocRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ViommuAllocResponse__Output>): grpc.ClientUnaryCall;
  ViommuAlloc(argument: _iommutwin_host_v1_ViommuAllocRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ViommuAllocResponse__Output>): grpc.ClientUnaryCall;
  /**
   * IOMMU_VIOMMU_ALLOC.
   */
  viommuAlloc(argument: _iommutwin_host_v1_ViommuAllocRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ViommuAllocResponse__Output>): grpc.ClientUnaryCall;
  viommuAlloc(argument: _iommutwin_host_v1_ViommuAllocRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ViommuAllocResponse__Output>): grpc.ClientUnaryCall;
  viommuAlloc(argument: _iommutwin_host_v1_ViommuAllocRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ViommuAllocResponse__Output>): grpc.ClientUnaryCall;
  viommuAlloc(argument: _iommutwin_host_v1_ViommuAllocRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ViommuAllocResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * The iommufd character device.
 */
export interface IommufdHandlers extends grpc.UntypedServiceImplementation {
  /**
   * IOMMU_DESTROY.
   */
  Destroy: grpc.handleUnaryCall<_iommutwin_host_v1_DestroyRequest__Output, _iommutwin_host_v1_DestroyResponse>;
  
  /**
   * IOMMU_FAULT_QUEUE_ALLOC.
   */
  FaultQueueAlloc: grpc.handleUnaryCall<_iommutwin_host_v1_FaultQueueAllocRequest__Output, _iommutwin_host_v1_FaultQueueAllocResponse>;
  
  /**
   * IOMMU_GET_HW_INFO.
   */
  GetHwInfo: grpc.handleUnaryCall<_iommutwin_host_v1_GetHwInfoRequest__Output, _iommutwin_host_v1_GetHwInfoResponse>;
  
  /**
   * IOMMU_HWPT_ALLOC.
   */
  HwptAlloc: grpc.handleUnaryCall<_iommutwin_host_v1_HwptAllocRequest__Output, _iommutwin_host_v1_HwptAllocResponse>;
  
  /**
   * IOMMU_HWPT_GET_DIRTY_BITMAP.
   */
  HwptGetDirtyBitmap: grpc.handleUnaryCall<_iommutwin_host_v1_HwptGetDirtyBitmapRequest__Output, _iommutwin_host_v1_HwptGetDirtyBitmapResponse>;
  
  /**
   * IOMMU_HWPT_INVALIDATE. On error the handled count is in ErrorInfo metadata `entry_num`.
   */
  HwptInvalidate: grpc.handleUnaryCall<_iommutwin_host_v1_HwptInvalidateRequest__Output, _iommutwin_host_v1_HwptInvalidateResponse>;
  
  /**
   * IOMMU_HWPT_SET_DIRTY_TRACKING.
   */
  HwptSetDirtyTracking: grpc.handleUnaryCall<_iommutwin_host_v1_HwptSetDirtyTrackingRequest__Output, _iommutwin_host_v1_HwptSetDirtyTrackingResponse>;
  
  /**
   * The streaming form of IOMMU_HWPT_INVALIDATE: requests are applied strictly in order and
   * each is acknowledged once, only after the invalidation took effect.
   */
  InvalidationChannel: grpc.handleBidiStreamingCall<_iommutwin_host_v1_InvalidationChannelRequest__Output, _iommutwin_host_v1_InvalidationChannelResponse>;
  
  /**
   * IOMMU_IOAS_ALLOC.
   */
  IoasAlloc: grpc.handleUnaryCall<_iommutwin_host_v1_IoasAllocRequest__Output, _iommutwin_host_v1_IoasAllocResponse>;
  
  /**
   * IOMMU_IOAS_ALLOW_IOVAS.
   */
  IoasAllowIovas: grpc.handleUnaryCall<_iommutwin_host_v1_IoasAllowIovasRequest__Output, _iommutwin_host_v1_IoasAllowIovasResponse>;
  
  /**
   * IOMMU_IOAS_CHANGE_PROCESS.
   */
  IoasChangeProcess: grpc.handleUnaryCall<_iommutwin_host_v1_IoasChangeProcessRequest__Output, _iommutwin_host_v1_IoasChangeProcessResponse>;
  
  /**
   * IOMMU_IOAS_COPY.
   */
  IoasCopy: grpc.handleUnaryCall<_iommutwin_host_v1_IoasCopyRequest__Output, _iommutwin_host_v1_IoasCopyResponse>;
  
  /**
   * IOMMU_IOAS_IOVA_RANGES (returns every range; never EMSGSIZE).
   */
  IoasIovaRanges: grpc.handleUnaryCall<_iommutwin_host_v1_IoasIovaRangesRequest__Output, _iommutwin_host_v1_IoasIovaRangesResponse>;
  
  /**
   * IOMMU_IOAS_MAP.
   */
  IoasMap: grpc.handleUnaryCall<_iommutwin_host_v1_IoasMapRequest__Output, _iommutwin_host_v1_IoasMapResponse>;
  
  /**
   * IOMMU_IOAS_MAP_FILE.
   */
  IoasMapFile: grpc.handleUnaryCall<_iommutwin_host_v1_IoasMapFileRequest__Output, _iommutwin_host_v1_IoasMapFileResponse>;
  
  /**
   * IOMMU_IOAS_UNMAP.
   */
  IoasUnmap: grpc.handleUnaryCall<_iommutwin_host_v1_IoasUnmapRequest__Output, _iommutwin_host_v1_IoasUnmapResponse>;
  
  /**
   * The ordered ioctl stream: the fast path for any client that replays many ioctls (a VMM
   * shadowing guest mappings, a migration replaying a map list). Each request carries one
   * Iommufd request message, as the unary method of the same name takes it; the server answers
   * every request with exactly one IoctlsResponse, strictly in request order, with the status
   * and ErrorInfo that unary call would have returned (a failing request changes nothing and
   * does not end the stream). The acting process is the stream's metadata (`x-iommutwin-pid`,
   * and `x-iommutwin-boot-id` / `x-iommutwin-start-time` when given), checked per request as
   * each unary call checks it: once the process is gone, later requests answer ESRCH. Requests
   * may be pipelined; the server reads at most a bounded window ahead of the responses the
   * client has not read (HTTP/2 flow control holds the rest). The stream itself ends only on a
   * transport or authentication error, the client's half-close or cancel, or server shutdown
   * (UNAVAILABLE, SHUTTING_DOWN); a request in flight then has no answer and may or may not
   * have taken effect, exactly as a unary call cut off by a broken connection.
   */
  Ioctls: grpc.handleBidiStreamingCall<_iommutwin_host_v1_IoctlsRequest__Output, _iommutwin_host_v1_IoctlsResponse>;
  
  /**
   * IOMMU_OPTION.
   */
  Option: grpc.handleUnaryCall<_iommutwin_host_v1_OptionRequest__Output, _iommutwin_host_v1_OptionResponse>;
  
  /**
   * read(fault_fd): fault groups as a resumable stream.
   */
  ReadFaults: grpc.handleServerStreamingCall<_iommutwin_host_v1_ReadFaultsRequest__Output, _iommutwin_host_v1_ReadFaultsResponse>;
  
  /**
   * read(veventq_fd): virtual events as a resumable stream.
   */
  ReadVevents: grpc.handleServerStreamingCall<_iommutwin_host_v1_ReadVeventsRequest__Output, _iommutwin_host_v1_ReadVeventsResponse>;
  
  /**
   * write(fault_fd): page responses.
   */
  RespondFaults: grpc.handleUnaryCall<_iommutwin_host_v1_RespondFaultsRequest__Output, _iommutwin_host_v1_RespondFaultsResponse>;
  
  /**
   * IOMMU_VDEVICE_ALLOC.
   */
  VdeviceAlloc: grpc.handleUnaryCall<_iommutwin_host_v1_VdeviceAllocRequest__Output, _iommutwin_host_v1_VdeviceAllocResponse>;
  
  /**
   * IOMMU_VEVENTQ_ALLOC.
   */
  VeventqAlloc: grpc.handleUnaryCall<_iommutwin_host_v1_VeventqAllocRequest__Output, _iommutwin_host_v1_VeventqAllocResponse>;
  
  /**
   * IOMMU_VFIO_IOAS.
   */
  VfioIoas: grpc.handleUnaryCall<_iommutwin_host_v1_VfioIoasRequest__Output, _iommutwin_host_v1_VfioIoasResponse>;
  
  /**
   * IOMMU_VIOMMU_ALLOC.
   */
  ViommuAlloc: grpc.handleUnaryCall<_iommutwin_host_v1_ViommuAllocRequest__Output, _iommutwin_host_v1_ViommuAllocResponse>;
  
}

export interface IommufdDefinition extends grpc.ServiceDefinition {
  Destroy: MethodDefinition<_iommutwin_host_v1_DestroyRequest, _iommutwin_host_v1_DestroyResponse, _iommutwin_host_v1_DestroyRequest__Output, _iommutwin_host_v1_DestroyResponse__Output>
  FaultQueueAlloc: MethodDefinition<_iommutwin_host_v1_FaultQueueAllocRequest, _iommutwin_host_v1_FaultQueueAllocResponse, _iommutwin_host_v1_FaultQueueAllocRequest__Output, _iommutwin_host_v1_FaultQueueAllocResponse__Output>
  GetHwInfo: MethodDefinition<_iommutwin_host_v1_GetHwInfoRequest, _iommutwin_host_v1_GetHwInfoResponse, _iommutwin_host_v1_GetHwInfoRequest__Output, _iommutwin_host_v1_GetHwInfoResponse__Output>
  HwptAlloc: MethodDefinition<_iommutwin_host_v1_HwptAllocRequest, _iommutwin_host_v1_HwptAllocResponse, _iommutwin_host_v1_HwptAllocRequest__Output, _iommutwin_host_v1_HwptAllocResponse__Output>
  HwptGetDirtyBitmap: MethodDefinition<_iommutwin_host_v1_HwptGetDirtyBitmapRequest, _iommutwin_host_v1_HwptGetDirtyBitmapResponse, _iommutwin_host_v1_HwptGetDirtyBitmapRequest__Output, _iommutwin_host_v1_HwptGetDirtyBitmapResponse__Output>
  HwptInvalidate: MethodDefinition<_iommutwin_host_v1_HwptInvalidateRequest, _iommutwin_host_v1_HwptInvalidateResponse, _iommutwin_host_v1_HwptInvalidateRequest__Output, _iommutwin_host_v1_HwptInvalidateResponse__Output>
  HwptSetDirtyTracking: MethodDefinition<_iommutwin_host_v1_HwptSetDirtyTrackingRequest, _iommutwin_host_v1_HwptSetDirtyTrackingResponse, _iommutwin_host_v1_HwptSetDirtyTrackingRequest__Output, _iommutwin_host_v1_HwptSetDirtyTrackingResponse__Output>
  InvalidationChannel: MethodDefinition<_iommutwin_host_v1_InvalidationChannelRequest, _iommutwin_host_v1_InvalidationChannelResponse, _iommutwin_host_v1_InvalidationChannelRequest__Output, _iommutwin_host_v1_InvalidationChannelResponse__Output>
  IoasAlloc: MethodDefinition<_iommutwin_host_v1_IoasAllocRequest, _iommutwin_host_v1_IoasAllocResponse, _iommutwin_host_v1_IoasAllocRequest__Output, _iommutwin_host_v1_IoasAllocResponse__Output>
  IoasAllowIovas: MethodDefinition<_iommutwin_host_v1_IoasAllowIovasRequest, _iommutwin_host_v1_IoasAllowIovasResponse, _iommutwin_host_v1_IoasAllowIovasRequest__Output, _iommutwin_host_v1_IoasAllowIovasResponse__Output>
  IoasChangeProcess: MethodDefinition<_iommutwin_host_v1_IoasChangeProcessRequest, _iommutwin_host_v1_IoasChangeProcessResponse, _iommutwin_host_v1_IoasChangeProcessRequest__Output, _iommutwin_host_v1_IoasChangeProcessResponse__Output>
  IoasCopy: MethodDefinition<_iommutwin_host_v1_IoasCopyRequest, _iommutwin_host_v1_IoasCopyResponse, _iommutwin_host_v1_IoasCopyRequest__Output, _iommutwin_host_v1_IoasCopyResponse__Output>
  IoasIovaRanges: MethodDefinition<_iommutwin_host_v1_IoasIovaRangesRequest, _iommutwin_host_v1_IoasIovaRangesResponse, _iommutwin_host_v1_IoasIovaRangesRequest__Output, _iommutwin_host_v1_IoasIovaRangesResponse__Output>
  IoasMap: MethodDefinition<_iommutwin_host_v1_IoasMapRequest, _iommutwin_host_v1_IoasMapResponse, _iommutwin_host_v1_IoasMapRequest__Output, _iommutwin_host_v1_IoasMapResponse__Output>
  IoasMapFile: MethodDefinition<_iommutwin_host_v1_IoasMapFileRequest, _iommutwin_host_v1_IoasMapFileResponse, _iommutwin_host_v1_IoasMapFileRequest__Output, _iommutwin_host_v1_IoasMapFileResponse__Output>
  IoasUnmap: MethodDefinition<_iommutwin_host_v1_IoasUnmapRequest, _iommutwin_host_v1_IoasUnmapResponse, _iommutwin_host_v1_IoasUnmapRequest__Output, _iommutwin_host_v1_IoasUnmapResponse__Output>
  Ioctls: MethodDefinition<_iommutwin_host_v1_IoctlsRequest, _iommutwin_host_v1_IoctlsResponse, _iommutwin_host_v1_IoctlsRequest__Output, _iommutwin_host_v1_IoctlsResponse__Output>
  Option: MethodDefinition<_iommutwin_host_v1_OptionRequest, _iommutwin_host_v1_OptionResponse, _iommutwin_host_v1_OptionRequest__Output, _iommutwin_host_v1_OptionResponse__Output>
  ReadFaults: MethodDefinition<_iommutwin_host_v1_ReadFaultsRequest, _iommutwin_host_v1_ReadFaultsResponse, _iommutwin_host_v1_ReadFaultsRequest__Output, _iommutwin_host_v1_ReadFaultsResponse__Output>
  ReadVevents: MethodDefinition<_iommutwin_host_v1_ReadVeventsRequest, _iommutwin_host_v1_ReadVeventsResponse, _iommutwin_host_v1_ReadVeventsRequest__Output, _iommutwin_host_v1_ReadVeventsResponse__Output>
  RespondFaults: MethodDefinition<_iommutwin_host_v1_RespondFaultsRequest, _iommutwin_host_v1_RespondFaultsResponse, _iommutwin_host_v1_RespondFaultsRequest__Output, _iommutwin_host_v1_RespondFaultsResponse__Output>
  VdeviceAlloc: MethodDefinition<_iommutwin_host_v1_VdeviceAllocRequest, _iommutwin_host_v1_VdeviceAllocResponse, _iommutwin_host_v1_VdeviceAllocRequest__Output, _iommutwin_host_v1_VdeviceAllocResponse__Output>
  VeventqAlloc: MethodDefinition<_iommutwin_host_v1_VeventqAllocRequest, _iommutwin_host_v1_VeventqAllocResponse, _iommutwin_host_v1_VeventqAllocRequest__Output, _iommutwin_host_v1_VeventqAllocResponse__Output>
  VfioIoas: MethodDefinition<_iommutwin_host_v1_VfioIoasRequest, _iommutwin_host_v1_VfioIoasResponse, _iommutwin_host_v1_VfioIoasRequest__Output, _iommutwin_host_v1_VfioIoasResponse__Output>
  ViommuAlloc: MethodDefinition<_iommutwin_host_v1_ViommuAllocRequest, _iommutwin_host_v1_ViommuAllocResponse, _iommutwin_host_v1_ViommuAllocRequest__Output, _iommutwin_host_v1_ViommuAllocResponse__Output>
}
