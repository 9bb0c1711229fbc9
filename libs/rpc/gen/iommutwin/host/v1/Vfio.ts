// Original file: proto/iommutwin/host/v1/vfio.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ContainerCheckExtensionRequest as _iommutwin_host_v1_ContainerCheckExtensionRequest, ContainerCheckExtensionRequest__Output as _iommutwin_host_v1_ContainerCheckExtensionRequest__Output } from '../../../iommutwin/host/v1/ContainerCheckExtensionRequest.js';
import type { ContainerCheckExtensionResponse as _iommutwin_host_v1_ContainerCheckExtensionResponse, ContainerCheckExtensionResponse__Output as _iommutwin_host_v1_ContainerCheckExtensionResponse__Output } from '../../../iommutwin/host/v1/ContainerCheckExtensionResponse.js';
import type { ContainerDirtyPagesRequest as _iommutwin_host_v1_ContainerDirtyPagesRequest, ContainerDirtyPagesRequest__Output as _iommutwin_host_v1_ContainerDirtyPagesRequest__Output } from '../../../iommutwin/host/v1/ContainerDirtyPagesRequest.js';
import type { ContainerDirtyPagesResponse as _iommutwin_host_v1_ContainerDirtyPagesResponse, ContainerDirtyPagesResponse__Output as _iommutwin_host_v1_ContainerDirtyPagesResponse__Output } from '../../../iommutwin/host/v1/ContainerDirtyPagesResponse.js';
import type { ContainerGetApiVersionRequest as _iommutwin_host_v1_ContainerGetApiVersionRequest, ContainerGetApiVersionRequest__Output as _iommutwin_host_v1_ContainerGetApiVersionRequest__Output } from '../../../iommutwin/host/v1/ContainerGetApiVersionRequest.js';
import type { ContainerGetApiVersionResponse as _iommutwin_host_v1_ContainerGetApiVersionResponse, ContainerGetApiVersionResponse__Output as _iommutwin_host_v1_ContainerGetApiVersionResponse__Output } from '../../../iommutwin/host/v1/ContainerGetApiVersionResponse.js';
import type { ContainerGetInfoRequest as _iommutwin_host_v1_ContainerGetInfoRequest, ContainerGetInfoRequest__Output as _iommutwin_host_v1_ContainerGetInfoRequest__Output } from '../../../iommutwin/host/v1/ContainerGetInfoRequest.js';
import type { ContainerGetInfoResponse as _iommutwin_host_v1_ContainerGetInfoResponse, ContainerGetInfoResponse__Output as _iommutwin_host_v1_ContainerGetInfoResponse__Output } from '../../../iommutwin/host/v1/ContainerGetInfoResponse.js';
import type { ContainerMapDmaRequest as _iommutwin_host_v1_ContainerMapDmaRequest, ContainerMapDmaRequest__Output as _iommutwin_host_v1_ContainerMapDmaRequest__Output } from '../../../iommutwin/host/v1/ContainerMapDmaRequest.js';
import type { ContainerMapDmaResponse as _iommutwin_host_v1_ContainerMapDmaResponse, ContainerMapDmaResponse__Output as _iommutwin_host_v1_ContainerMapDmaResponse__Output } from '../../../iommutwin/host/v1/ContainerMapDmaResponse.js';
import type { ContainerSetIommuRequest as _iommutwin_host_v1_ContainerSetIommuRequest, ContainerSetIommuRequest__Output as _iommutwin_host_v1_ContainerSetIommuRequest__Output } from '../../../iommutwin/host/v1/ContainerSetIommuRequest.js';
import type { ContainerSetIommuResponse as _iommutwin_host_v1_ContainerSetIommuResponse, ContainerSetIommuResponse__Output as _iommutwin_host_v1_ContainerSetIommuResponse__Output } from '../../../iommutwin/host/v1/ContainerSetIommuResponse.js';
import type { ContainerUnmapDmaRequest as _iommutwin_host_v1_ContainerUnmapDmaRequest, ContainerUnmapDmaRequest__Output as _iommutwin_host_v1_ContainerUnmapDmaRequest__Output } from '../../../iommutwin/host/v1/ContainerUnmapDmaRequest.js';
import type { ContainerUnmapDmaResponse as _iommutwin_host_v1_ContainerUnmapDmaResponse, ContainerUnmapDmaResponse__Output as _iommutwin_host_v1_ContainerUnmapDmaResponse__Output } from '../../../iommutwin/host/v1/ContainerUnmapDmaResponse.js';
import type { DeviceAttachPtRequest as _iommutwin_host_v1_DeviceAttachPtRequest, DeviceAttachPtRequest__Output as _iommutwin_host_v1_DeviceAttachPtRequest__Output } from '../../../iommutwin/host/v1/DeviceAttachPtRequest.js';
import type { DeviceAttachPtResponse as _iommutwin_host_v1_DeviceAttachPtResponse, DeviceAttachPtResponse__Output as _iommutwin_host_v1_DeviceAttachPtResponse__Output } from '../../../iommutwin/host/v1/DeviceAttachPtResponse.js';
import type { DeviceBindIommufdRequest as _iommutwin_host_v1_DeviceBindIommufdRequest, DeviceBindIommufdRequest__Output as _iommutwin_host_v1_DeviceBindIommufdRequest__Output } from '../../../iommutwin/host/v1/DeviceBindIommufdRequest.js';
import type { DeviceBindIommufdResponse as _iommutwin_host_v1_DeviceBindIommufdResponse, DeviceBindIommufdResponse__Output as _iommutwin_host_v1_DeviceBindIommufdResponse__Output } from '../../../iommutwin/host/v1/DeviceBindIommufdResponse.js';
import type { DeviceDetachPtRequest as _iommutwin_host_v1_DeviceDetachPtRequest, DeviceDetachPtRequest__Output as _iommutwin_host_v1_DeviceDetachPtRequest__Output } from '../../../iommutwin/host/v1/DeviceDetachPtRequest.js';
import type { DeviceDetachPtResponse as _iommutwin_host_v1_DeviceDetachPtResponse, DeviceDetachPtResponse__Output as _iommutwin_host_v1_DeviceDetachPtResponse__Output } from '../../../iommutwin/host/v1/DeviceDetachPtResponse.js';
import type { DeviceFeatureMigrationRequest as _iommutwin_host_v1_DeviceFeatureMigrationRequest, DeviceFeatureMigrationRequest__Output as _iommutwin_host_v1_DeviceFeatureMigrationRequest__Output } from '../../../iommutwin/host/v1/DeviceFeatureMigrationRequest.js';
import type { DeviceFeatureMigrationResponse as _iommutwin_host_v1_DeviceFeatureMigrationResponse, DeviceFeatureMigrationResponse__Output as _iommutwin_host_v1_DeviceFeatureMigrationResponse__Output } from '../../../iommutwin/host/v1/DeviceFeatureMigrationResponse.js';
import type { DeviceGetDmabufRequest as _iommutwin_host_v1_DeviceGetDmabufRequest, DeviceGetDmabufRequest__Output as _iommutwin_host_v1_DeviceGetDmabufRequest__Output } from '../../../iommutwin/host/v1/DeviceGetDmabufRequest.js';
import type { DeviceGetDmabufResponse as _iommutwin_host_v1_DeviceGetDmabufResponse, DeviceGetDmabufResponse__Output as _iommutwin_host_v1_DeviceGetDmabufResponse__Output } from '../../../iommutwin/host/v1/DeviceGetDmabufResponse.js';
import type { DeviceGetInfoRequest as _iommutwin_host_v1_DeviceGetInfoRequest, DeviceGetInfoRequest__Output as _iommutwin_host_v1_DeviceGetInfoRequest__Output } from '../../../iommutwin/host/v1/DeviceGetInfoRequest.js';
import type { DeviceGetInfoResponse as _iommutwin_host_v1_DeviceGetInfoResponse, DeviceGetInfoResponse__Output as _iommutwin_host_v1_DeviceGetInfoResponse__Output } from '../../../iommutwin/host/v1/DeviceGetInfoResponse.js';
import type { DeviceGetMigStateRequest as _iommutwin_host_v1_DeviceGetMigStateRequest, DeviceGetMigStateRequest__Output as _iommutwin_host_v1_DeviceGetMigStateRequest__Output } from '../../../iommutwin/host/v1/DeviceGetMigStateRequest.js';
import type { DeviceGetMigStateResponse as _iommutwin_host_v1_DeviceGetMigStateResponse, DeviceGetMigStateResponse__Output as _iommutwin_host_v1_DeviceGetMigStateResponse__Output } from '../../../iommutwin/host/v1/DeviceGetMigStateResponse.js';
import type { DeviceGetRegionInfoRequest as _iommutwin_host_v1_DeviceGetRegionInfoRequest, DeviceGetRegionInfoRequest__Output as _iommutwin_host_v1_DeviceGetRegionInfoRequest__Output } from '../../../iommutwin/host/v1/DeviceGetRegionInfoRequest.js';
import type { DeviceGetRegionInfoResponse as _iommutwin_host_v1_DeviceGetRegionInfoResponse, DeviceGetRegionInfoResponse__Output as _iommutwin_host_v1_DeviceGetRegionInfoResponse__Output } from '../../../iommutwin/host/v1/DeviceGetRegionInfoResponse.js';
import type { DeviceMigDataSizeRequest as _iommutwin_host_v1_DeviceMigDataSizeRequest, DeviceMigDataSizeRequest__Output as _iommutwin_host_v1_DeviceMigDataSizeRequest__Output } from '../../../iommutwin/host/v1/DeviceMigDataSizeRequest.js';
import type { DeviceMigDataSizeResponse as _iommutwin_host_v1_DeviceMigDataSizeResponse, DeviceMigDataSizeResponse__Output as _iommutwin_host_v1_DeviceMigDataSizeResponse__Output } from '../../../iommutwin/host/v1/DeviceMigDataSizeResponse.js';
import type { DevicePrecopyInfoRequest as _iommutwin_host_v1_DevicePrecopyInfoRequest, DevicePrecopyInfoRequest__Output as _iommutwin_host_v1_DevicePrecopyInfoRequest__Output } from '../../../iommutwin/host/v1/DevicePrecopyInfoRequest.js';
import type { DevicePrecopyInfoResponse as _iommutwin_host_v1_DevicePrecopyInfoResponse, DevicePrecopyInfoResponse__Output as _iommutwin_host_v1_DevicePrecopyInfoResponse__Output } from '../../../iommutwin/host/v1/DevicePrecopyInfoResponse.js';
import type { DeviceResetRequest as _iommutwin_host_v1_DeviceResetRequest, DeviceResetRequest__Output as _iommutwin_host_v1_DeviceResetRequest__Output } from '../../../iommutwin/host/v1/DeviceResetRequest.js';
import type { DeviceResetResponse as _iommutwin_host_v1_DeviceResetResponse, DeviceResetResponse__Output as _iommutwin_host_v1_DeviceResetResponse__Output } from '../../../iommutwin/host/v1/DeviceResetResponse.js';
import type { DeviceSetMigStateRequest as _iommutwin_host_v1_DeviceSetMigStateRequest, DeviceSetMigStateRequest__Output as _iommutwin_host_v1_DeviceSetMigStateRequest__Output } from '../../../iommutwin/host/v1/DeviceSetMigStateRequest.js';
import type { DeviceSetMigStateResponse as _iommutwin_host_v1_DeviceSetMigStateResponse, DeviceSetMigStateResponse__Output as _iommutwin_host_v1_DeviceSetMigStateResponse__Output } from '../../../iommutwin/host/v1/DeviceSetMigStateResponse.js';
import type { GroupGetDeviceFdRequest as _iommutwin_host_v1_GroupGetDeviceFdRequest, GroupGetDeviceFdRequest__Output as _iommutwin_host_v1_GroupGetDeviceFdRequest__Output } from '../../../iommutwin/host/v1/GroupGetDeviceFdRequest.js';
import type { GroupGetDeviceFdResponse as _iommutwin_host_v1_GroupGetDeviceFdResponse, GroupGetDeviceFdResponse__Output as _iommutwin_host_v1_GroupGetDeviceFdResponse__Output } from '../../../iommutwin/host/v1/GroupGetDeviceFdResponse.js';
import type { GroupGetStatusRequest as _iommutwin_host_v1_GroupGetStatusRequest, GroupGetStatusRequest__Output as _iommutwin_host_v1_GroupGetStatusRequest__Output } from '../../../iommutwin/host/v1/GroupGetStatusRequest.js';
import type { GroupGetStatusResponse as _iommutwin_host_v1_GroupGetStatusResponse, GroupGetStatusResponse__Output as _iommutwin_host_v1_GroupGetStatusResponse__Output } from '../../../iommutwin/host/v1/GroupGetStatusResponse.js';
import type { GroupSetContainerRequest as _iommutwin_host_v1_GroupSetContainerRequest, GroupSetContainerRequest__Output as _iommutwin_host_v1_GroupSetContainerRequest__Output } from '../../../iommutwin/host/v1/GroupSetContainerRequest.js';
import type { GroupSetContainerResponse as _iommutwin_host_v1_GroupSetContainerResponse, GroupSetContainerResponse__Output as _iommutwin_host_v1_GroupSetContainerResponse__Output } from '../../../iommutwin/host/v1/GroupSetContainerResponse.js';
import type { GroupUnsetContainerRequest as _iommutwin_host_v1_GroupUnsetContainerRequest, GroupUnsetContainerRequest__Output as _iommutwin_host_v1_GroupUnsetContainerRequest__Output } from '../../../iommutwin/host/v1/GroupUnsetContainerRequest.js';
import type { GroupUnsetContainerResponse as _iommutwin_host_v1_GroupUnsetContainerResponse, GroupUnsetContainerResponse__Output as _iommutwin_host_v1_GroupUnsetContainerResponse__Output } from '../../../iommutwin/host/v1/GroupUnsetContainerResponse.js';
import type { ReadMigDataRequest as _iommutwin_host_v1_ReadMigDataRequest, ReadMigDataRequest__Output as _iommutwin_host_v1_ReadMigDataRequest__Output } from '../../../iommutwin/host/v1/ReadMigDataRequest.js';
import type { ReadMigDataResponse as _iommutwin_host_v1_ReadMigDataResponse, ReadMigDataResponse__Output as _iommutwin_host_v1_ReadMigDataResponse__Output } from '../../../iommutwin/host/v1/ReadMigDataResponse.js';
import type { WriteMigDataRequest as _iommutwin_host_v1_WriteMigDataRequest, WriteMigDataRequest__Output as _iommutwin_host_v1_WriteMigDataRequest__Output } from '../../../iommutwin/host/v1/WriteMigDataRequest.js';
import type { WriteMigDataResponse as _iommutwin_host_v1_WriteMigDataResponse, WriteMigDataResponse__Output as _iommutwin_host_v1_WriteMigDataResponse__Output } from '../../../iommutwin/host/v1/WriteMigDataResponse.js';

/**
 * VFIO: device cdevs (the iommufd path), groups and the type1 container (the legacy path).
 */
export interface VfioClient extends grpc.Client {
  /**
   * VFIO_CHECK_EXTENSION.
   */
  ContainerCheckExtension(argument: _iommutwin_host_v1_ContainerCheckExtensionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerCheckExtensionResponse__Output>): grpc.ClientUnaryCall;
  ContainerCheckExtension(argument: _iommutwin_host_v1_ContainerCheckExtensionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerCheckExtensionResponse__Output>): grpc.ClientUnaryCall;
  ContainerCheckExtension(argument: _iommutwin_host_v1_ContainerCheckExtensionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerCheckExtensionResponse__Output>): grpc.ClientUnaryCall;
  ContainerCheckExtension(argument: _iommutwin_host_v1_ContainerCheckExtensionRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerCheckExtensionResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_CHECK_EXTENSION.
   */
  containerCheckExtension(argument: _iommutwin_host_v1_ContainerCheckExtensionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerCheckExtensionResponse__Output>): grpc.ClientUnaryCall;
  containerCheckExtension(argument: _iommutwin_host_v1_ContainerCheckExtensionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerCheckExtensionResponse__Output>): grpc.ClientUnaryCall;
  containerCheckExtension(argument: _iommutwin_host_v1_ContainerCheckExtensionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerCheckExtensionResponse__Output>): grpc.ClientUnaryCall;
  containerCheckExtension(argument: _iommutwin_host_v1_ContainerCheckExtensionRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerCheckExtensionResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_IOMMU_DIRTY_PAGES (native type1 only; iommufd's compatibility layer answers ENOTTY).
   */
  ContainerDirtyPages(argument: _iommutwin_host_v1_ContainerDirtyPagesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerDirtyPagesResponse__Output>): grpc.ClientUnaryCall;
  ContainerDirtyPages(argument: _iommutwin_host_v1_ContainerDirtyPagesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerDirtyPagesResponse__Output>): grpc.ClientUnaryCall;
  ContainerDirtyPages(argument: _iommutwin_host_v1_ContainerDirtyPagesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerDirtyPagesResponse__Output>): grpc.ClientUnaryCall;
  ContainerDirtyPages(argument: _iommutwin_host_v1_ContainerDirtyPagesRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerDirtyPagesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_IOMMU_DIRTY_PAGES (native type1 only; iommufd's compatibility layer answers ENOTTY).
   */
  containerDirtyPages(argument: _iommutwin_host_v1_ContainerDirtyPagesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerDirtyPagesResponse__Output>): grpc.ClientUnaryCall;
  containerDirtyPages(argument: _iommutwin_host_v1_ContainerDirtyPagesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerDirtyPagesResponse__Output>): grpc.ClientUnaryCall;
  containerDirtyPages(argument: _iommutwin_host_v1_ContainerDirtyPagesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerDirtyPagesResponse__Output>): grpc.ClientUnaryCall;
  containerDirtyPages(argument: _iommutwin_host_v1_ContainerDirtyPagesRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerDirtyPagesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_GET_API_VERSION.
   */
  ContainerGetApiVersion(argument: _iommutwin_host_v1_ContainerGetApiVersionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerGetApiVersionResponse__Output>): grpc.ClientUnaryCall;
  ContainerGetApiVersion(argument: _iommutwin_host_v1_ContainerGetApiVersionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerGetApiVersionResponse__Output>): grpc.ClientUnaryCall;
  ContainerGetApiVersion(argument: _iommutwin_host_v1_ContainerGetApiVersionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerGetApiVersionResponse__Output>): grpc.ClientUnaryCall;
  ContainerGetApiVersion(argument: _iommutwin_host_v1_ContainerGetApiVersionRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerGetApiVersionResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_GET_API_VERSION.
   */
  containerGetApiVersion(argument: _iommutwin_host_v1_ContainerGetApiVersionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerGetApiVersionResponse__Output>): grpc.ClientUnaryCall;
  containerGetApiVersion(argument: _iommutwin_host_v1_ContainerGetApiVersionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerGetApiVersionResponse__Output>): grpc.ClientUnaryCall;
  containerGetApiVersion(argument: _iommutwin_host_v1_ContainerGetApiVersionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerGetApiVersionResponse__Output>): grpc.ClientUnaryCall;
  containerGetApiVersion(argument: _iommutwin_host_v1_ContainerGetApiVersionRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerGetApiVersionResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_IOMMU_GET_INFO.
   */
  ContainerGetInfo(argument: _iommutwin_host_v1_ContainerGetInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerGetInfoResponse__Output>): grpc.ClientUnaryCall;
  ContainerGetInfo(argument: _iommutwin_host_v1_ContainerGetInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerGetInfoResponse__Output>): grpc.ClientUnaryCall;
  ContainerGetInfo(argument: _iommutwin_host_v1_ContainerGetInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerGetInfoResponse__Output>): grpc.ClientUnaryCall;
  ContainerGetInfo(argument: _iommutwin_host_v1_ContainerGetInfoRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerGetInfoResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_IOMMU_GET_INFO.
   */
  containerGetInfo(argument: _iommutwin_host_v1_ContainerGetInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerGetInfoResponse__Output>): grpc.ClientUnaryCall;
  containerGetInfo(argument: _iommutwin_host_v1_ContainerGetInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerGetInfoResponse__Output>): grpc.ClientUnaryCall;
  containerGetInfo(argument: _iommutwin_host_v1_ContainerGetInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerGetInfoResponse__Output>): grpc.ClientUnaryCall;
  containerGetInfo(argument: _iommutwin_host_v1_ContainerGetInfoRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerGetInfoResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_IOMMU_MAP_DMA.
   */
  ContainerMapDma(argument: _iommutwin_host_v1_ContainerMapDmaRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerMapDmaResponse__Output>): grpc.ClientUnaryCall;
  ContainerMapDma(argument: _iommutwin_host_v1_ContainerMapDmaRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerMapDmaResponse__Output>): grpc.ClientUnaryCall;
  ContainerMapDma(argument: _iommutwin_host_v1_ContainerMapDmaRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerMapDmaResponse__Output>): grpc.ClientUnaryCall;
  ContainerMapDma(argument: _iommutwin_host_v1_ContainerMapDmaRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerMapDmaResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_IOMMU_MAP_DMA.
   */
  containerMapDma(argument: _iommutwin_host_v1_ContainerMapDmaRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerMapDmaResponse__Output>): grpc.ClientUnaryCall;
  containerMapDma(argument: _iommutwin_host_v1_ContainerMapDmaRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerMapDmaResponse__Output>): grpc.ClientUnaryCall;
  containerMapDma(argument: _iommutwin_host_v1_ContainerMapDmaRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerMapDmaResponse__Output>): grpc.ClientUnaryCall;
  containerMapDma(argument: _iommutwin_host_v1_ContainerMapDmaRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerMapDmaResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_SET_IOMMU.
   */
  ContainerSetIommu(argument: _iommutwin_host_v1_ContainerSetIommuRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerSetIommuResponse__Output>): grpc.ClientUnaryCall;
  ContainerSetIommu(argument: _iommutwin_host_v1_ContainerSetIommuRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerSetIommuResponse__Output>): grpc.ClientUnaryCall;
  ContainerSetIommu(argument: _iommutwin_host_v1_ContainerSetIommuRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerSetIommuResponse__Output>): grpc.ClientUnaryCall;
  ContainerSetIommu(argument: _iommutwin_host_v1_ContainerSetIommuRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerSetIommuResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_SET_IOMMU.
   */
  containerSetIommu(argument: _iommutwin_host_v1_ContainerSetIommuRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerSetIommuResponse__Output>): grpc.ClientUnaryCall;
  containerSetIommu(argument: _iommutwin_host_v1_ContainerSetIommuRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerSetIommuResponse__Output>): grpc.ClientUnaryCall;
  containerSetIommu(argument: _iommutwin_host_v1_ContainerSetIommuRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerSetIommuResponse__Output>): grpc.ClientUnaryCall;
  containerSetIommu(argument: _iommutwin_host_v1_ContainerSetIommuRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerSetIommuResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_IOMMU_UNMAP_DMA.
   */
  ContainerUnmapDma(argument: _iommutwin_host_v1_ContainerUnmapDmaRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerUnmapDmaResponse__Output>): grpc.ClientUnaryCall;
  ContainerUnmapDma(argument: _iommutwin_host_v1_ContainerUnmapDmaRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerUnmapDmaResponse__Output>): grpc.ClientUnaryCall;
  ContainerUnmapDma(argument: _iommutwin_host_v1_ContainerUnmapDmaRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerUnmapDmaResponse__Output>): grpc.ClientUnaryCall;
  ContainerUnmapDma(argument: _iommutwin_host_v1_ContainerUnmapDmaRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerUnmapDmaResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_IOMMU_UNMAP_DMA.
   */
  containerUnmapDma(argument: _iommutwin_host_v1_ContainerUnmapDmaRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerUnmapDmaResponse__Output>): grpc.ClientUnaryCall;
  containerUnmapDma(argument: _iommutwin_host_v1_ContainerUnmapDmaRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerUnmapDmaResponse__Output>): grpc.ClientUnaryCall;
  containerUnmapDma(argument: _iommutwin_host_v1_ContainerUnmapDmaRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerUnmapDmaResponse__Output>): grpc.ClientUnaryCall;
  containerUnmapDma(argument: _iommutwin_host_v1_ContainerUnmapDmaRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ContainerUnmapDmaResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_DEVICE_ATTACH_IOMMUFD_PT (attaching again replaces).
   */
  DeviceAttachPt(argument: _iommutwin_host_v1_DeviceAttachPtRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceAttachPtResponse__Output>): grpc.ClientUnaryCall;
  DeviceAttachPt(argument: _iommutwin_host_v1_DeviceAttachPtRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceAttachPtResponse__Output>): grpc.ClientUnaryCall;
  DeviceAttachPt(argument: _iommutwin_host_v1_DeviceAttachPtRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceAttachPtResponse__Output>): grpc.ClientUnaryCall;
  DeviceAttachPt(argument: _iommutwin_host_v1_DeviceAttachPtRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceAttachPtResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_DEVICE_ATTACH_IOMMUFD_PT (attaching again replaces).
   */
  deviceAttachPt(argument: _iommutwin_host_v1_DeviceAttachPtRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceAttachPtResponse__Output>): grpc.ClientUnaryCall;
  deviceAttachPt(argument: _iommutwin_host_v1_DeviceAttachPtRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceAttachPtResponse__Output>): grpc.ClientUnaryCall;
  deviceAttachPt(argument: _iommutwin_host_v1_DeviceAttachPtRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceAttachPtResponse__Output>): grpc.ClientUnaryCall;
  deviceAttachPt(argument: _iommutwin_host_v1_DeviceAttachPtRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceAttachPtResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_DEVICE_BIND_IOMMUFD.
   */
  DeviceBindIommufd(argument: _iommutwin_host_v1_DeviceBindIommufdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceBindIommufdResponse__Output>): grpc.ClientUnaryCall;
  DeviceBindIommufd(argument: _iommutwin_host_v1_DeviceBindIommufdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceBindIommufdResponse__Output>): grpc.ClientUnaryCall;
  DeviceBindIommufd(argument: _iommutwin_host_v1_DeviceBindIommufdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceBindIommufdResponse__Output>): grpc.ClientUnaryCall;
  DeviceBindIommufd(argument: _iommutwin_host_v1_DeviceBindIommufdRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceBindIommufdResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_DEVICE_BIND_IOMMUFD.
   */
  deviceBindIommufd(argument: _iommutwin_host_v1_DeviceBindIommufdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceBindIommufdResponse__Output>): grpc.ClientUnaryCall;
  deviceBindIommufd(argument: _iommutwin_host_v1_DeviceBindIommufdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceBindIommufdResponse__Output>): grpc.ClientUnaryCall;
  deviceBindIommufd(argument: _iommutwin_host_v1_DeviceBindIommufdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceBindIommufdResponse__Output>): grpc.ClientUnaryCall;
  deviceBindIommufd(argument: _iommutwin_host_v1_DeviceBindIommufdRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceBindIommufdResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_DEVICE_DETACH_IOMMUFD_PT.
   */
  DeviceDetachPt(argument: _iommutwin_host_v1_DeviceDetachPtRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDetachPtResponse__Output>): grpc.ClientUnaryCall;
  DeviceDetachPt(argument: _iommutwin_host_v1_DeviceDetachPtRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDetachPtResponse__Output>): grpc.ClientUnaryCall;
  DeviceDetachPt(argument: _iommutwin_host_v1_DeviceDetachPtRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDetachPtResponse__Output>): grpc.ClientUnaryCall;
  DeviceDetachPt(argument: _iommutwin_host_v1_DeviceDetachPtRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDetachPtResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_DEVICE_DETACH_IOMMUFD_PT.
   */
  deviceDetachPt(argument: _iommutwin_host_v1_DeviceDetachPtRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDetachPtResponse__Output>): grpc.ClientUnaryCall;
  deviceDetachPt(argument: _iommutwin_host_v1_DeviceDetachPtRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDetachPtResponse__Output>): grpc.ClientUnaryCall;
  deviceDetachPt(argument: _iommutwin_host_v1_DeviceDetachPtRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDetachPtResponse__Output>): grpc.ClientUnaryCall;
  deviceDetachPt(argument: _iommutwin_host_v1_DeviceDetachPtRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDetachPtResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_DEVICE_FEATURE with VFIO_DEVICE_FEATURE_MIGRATION (GET).
   */
  DeviceFeatureMigration(argument: _iommutwin_host_v1_DeviceFeatureMigrationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceFeatureMigrationResponse__Output>): grpc.ClientUnaryCall;
  DeviceFeatureMigration(argument: _iommutwin_host_v1_DeviceFeatureMigrationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceFeatureMigrationResponse__Output>): grpc.ClientUnaryCall;
  DeviceFeatureMigration(argument: _iommutwin_host_v1_DeviceFeatureMigrationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceFeatureMigrationResponse__Output>): grpc.ClientUnaryCall;
  DeviceFeatureMigration(argument: _iommutwin_host_v1_DeviceFeatureMigrationRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceFeatureMigrationResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_DEVICE_FEATURE with VFIO_DEVICE_FEATURE_MIGRATION (GET).
   */
  deviceFeatureMigration(argument: _iommutwin_host_v1_DeviceFeatureMigrationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceFeatureMigrationResponse__Output>): grpc.ClientUnaryCall;
  deviceFeatureMigration(argument: _iommutwin_host_v1_DeviceFeatureMigrationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceFeatureMigrationResponse__Output>): grpc.ClientUnaryCall;
  deviceFeatureMigration(argument: _iommutwin_host_v1_DeviceFeatureMigrationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceFeatureMigrationResponse__Output>): grpc.ClientUnaryCall;
  deviceFeatureMigration(argument: _iommutwin_host_v1_DeviceFeatureMigrationRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceFeatureMigrationResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_DEVICE_FEATURE with VFIO_DEVICE_FEATURE_DMA_BUF.
   */
  DeviceGetDmabuf(argument: _iommutwin_host_v1_DeviceGetDmabufRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetDmabufResponse__Output>): grpc.ClientUnaryCall;
  DeviceGetDmabuf(argument: _iommutwin_host_v1_DeviceGetDmabufRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetDmabufResponse__Output>): grpc.ClientUnaryCall;
  DeviceGetDmabuf(argument: _iommutwin_host_v1_DeviceGetDmabufRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetDmabufResponse__Output>): grpc.ClientUnaryCall;
  DeviceGetDmabuf(argument: _iommutwin_host_v1_DeviceGetDmabufRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetDmabufResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_DEVICE_FEATURE with VFIO_DEVICE_FEATURE_DMA_BUF.
   */
  deviceGetDmabuf(argument: _iommutwin_host_v1_DeviceGetDmabufRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetDmabufResponse__Output>): grpc.ClientUnaryCall;
  deviceGetDmabuf(argument: _iommutwin_host_v1_DeviceGetDmabufRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetDmabufResponse__Output>): grpc.ClientUnaryCall;
  deviceGetDmabuf(argument: _iommutwin_host_v1_DeviceGetDmabufRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetDmabufResponse__Output>): grpc.ClientUnaryCall;
  deviceGetDmabuf(argument: _iommutwin_host_v1_DeviceGetDmabufRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetDmabufResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_DEVICE_GET_INFO.
   */
  DeviceGetInfo(argument: _iommutwin_host_v1_DeviceGetInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetInfoResponse__Output>): grpc.ClientUnaryCall;
  DeviceGetInfo(argument: _iommutwin_host_v1_DeviceGetInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetInfoResponse__Output>): grpc.ClientUnaryCall;
  DeviceGetInfo(argument: _iommutwin_host_v1_DeviceGetInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetInfoResponse__Output>): grpc.ClientUnaryCall;
  DeviceGetInfo(argument: _iommutwin_host_v1_DeviceGetInfoRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetInfoResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_DEVICE_GET_INFO.
   */
  deviceGetInfo(argument: _iommutwin_host_v1_DeviceGetInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetInfoResponse__Output>): grpc.ClientUnaryCall;
  deviceGetInfo(argument: _iommutwin_host_v1_DeviceGetInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetInfoResponse__Output>): grpc.ClientUnaryCall;
  deviceGetInfo(argument: _iommutwin_host_v1_DeviceGetInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetInfoResponse__Output>): grpc.ClientUnaryCall;
  deviceGetInfo(argument: _iommutwin_host_v1_DeviceGetInfoRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetInfoResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_DEVICE_FEATURE with VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE (GET).
   */
  DeviceGetMigState(argument: _iommutwin_host_v1_DeviceGetMigStateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetMigStateResponse__Output>): grpc.ClientUnaryCall;
  DeviceGetMigState(argument: _iommutwin_host_v1_DeviceGetMigStateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetMigStateResponse__Output>): grpc.ClientUnaryCall;
  DeviceGetMigState(argument: _iommutwin_host_v1_DeviceGetMigStateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetMigStateResponse__Output>): grpc.ClientUnaryCall;
  DeviceGetMigState(argument: _iommutwin_host_v1_DeviceGetMigStateRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetMigStateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_DEVICE_FEATURE with VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE (GET).
   */
  deviceGetMigState(argument: _iommutwin_host_v1_DeviceGetMigStateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetMigStateResponse__Output>): grpc.ClientUnaryCall;
  deviceGetMigState(argument: _iommutwin_host_v1_DeviceGetMigStateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetMigStateResponse__Output>): grpc.ClientUnaryCall;
  deviceGetMigState(argument: _iommutwin_host_v1_DeviceGetMigStateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetMigStateResponse__Output>): grpc.ClientUnaryCall;
  deviceGetMigState(argument: _iommutwin_host_v1_DeviceGetMigStateRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetMigStateResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_DEVICE_GET_REGION_INFO.
   */
  DeviceGetRegionInfo(argument: _iommutwin_host_v1_DeviceGetRegionInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetRegionInfoResponse__Output>): grpc.ClientUnaryCall;
  DeviceGetRegionInfo(argument: _iommutwin_host_v1_DeviceGetRegionInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetRegionInfoResponse__Output>): grpc.ClientUnaryCall;
  DeviceGetRegionInfo(argument: _iommutwin_host_v1_DeviceGetRegionInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetRegionInfoResponse__Output>): grpc.ClientUnaryCall;
  DeviceGetRegionInfo(argument: _iommutwin_host_v1_DeviceGetRegionInfoRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetRegionInfoResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_DEVICE_GET_REGION_INFO.
   */
  deviceGetRegionInfo(argument: _iommutwin_host_v1_DeviceGetRegionInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetRegionInfoResponse__Output>): grpc.ClientUnaryCall;
  deviceGetRegionInfo(argument: _iommutwin_host_v1_DeviceGetRegionInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetRegionInfoResponse__Output>): grpc.ClientUnaryCall;
  deviceGetRegionInfo(argument: _iommutwin_host_v1_DeviceGetRegionInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetRegionInfoResponse__Output>): grpc.ClientUnaryCall;
  deviceGetRegionInfo(argument: _iommutwin_host_v1_DeviceGetRegionInfoRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceGetRegionInfoResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_DEVICE_FEATURE with VFIO_DEVICE_FEATURE_MIG_DATA_SIZE (GET).
   */
  DeviceMigDataSize(argument: _iommutwin_host_v1_DeviceMigDataSizeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceMigDataSizeResponse__Output>): grpc.ClientUnaryCall;
  DeviceMigDataSize(argument: _iommutwin_host_v1_DeviceMigDataSizeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceMigDataSizeResponse__Output>): grpc.ClientUnaryCall;
  DeviceMigDataSize(argument: _iommutwin_host_v1_DeviceMigDataSizeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceMigDataSizeResponse__Output>): grpc.ClientUnaryCall;
  DeviceMigDataSize(argument: _iommutwin_host_v1_DeviceMigDataSizeRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceMigDataSizeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_DEVICE_FEATURE with VFIO_DEVICE_FEATURE_MIG_DATA_SIZE (GET).
   */
  deviceMigDataSize(argument: _iommutwin_host_v1_DeviceMigDataSizeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceMigDataSizeResponse__Output>): grpc.ClientUnaryCall;
  deviceMigDataSize(argument: _iommutwin_host_v1_DeviceMigDataSizeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceMigDataSizeResponse__Output>): grpc.ClientUnaryCall;
  deviceMigDataSize(argument: _iommutwin_host_v1_DeviceMigDataSizeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceMigDataSizeResponse__Output>): grpc.ClientUnaryCall;
  deviceMigDataSize(argument: _iommutwin_host_v1_DeviceMigDataSizeRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceMigDataSizeResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_MIG_GET_PRECOPY_INFO on a PRE_COPY data fd.
   */
  DevicePrecopyInfo(argument: _iommutwin_host_v1_DevicePrecopyInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DevicePrecopyInfoResponse__Output>): grpc.ClientUnaryCall;
  DevicePrecopyInfo(argument: _iommutwin_host_v1_DevicePrecopyInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DevicePrecopyInfoResponse__Output>): grpc.ClientUnaryCall;
  DevicePrecopyInfo(argument: _iommutwin_host_v1_DevicePrecopyInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DevicePrecopyInfoResponse__Output>): grpc.ClientUnaryCall;
  DevicePrecopyInfo(argument: _iommutwin_host_v1_DevicePrecopyInfoRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DevicePrecopyInfoResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_MIG_GET_PRECOPY_INFO on a PRE_COPY data fd.
   */
  devicePrecopyInfo(argument: _iommutwin_host_v1_DevicePrecopyInfoRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DevicePrecopyInfoResponse__Output>): grpc.ClientUnaryCall;
  devicePrecopyInfo(argument: _iommutwin_host_v1_DevicePrecopyInfoRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DevicePrecopyInfoResponse__Output>): grpc.ClientUnaryCall;
  devicePrecopyInfo(argument: _iommutwin_host_v1_DevicePrecopyInfoRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DevicePrecopyInfoResponse__Output>): grpc.ClientUnaryCall;
  devicePrecopyInfo(argument: _iommutwin_host_v1_DevicePrecopyInfoRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DevicePrecopyInfoResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_DEVICE_RESET.
   */
  DeviceReset(argument: _iommutwin_host_v1_DeviceResetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceResetResponse__Output>): grpc.ClientUnaryCall;
  DeviceReset(argument: _iommutwin_host_v1_DeviceResetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceResetResponse__Output>): grpc.ClientUnaryCall;
  DeviceReset(argument: _iommutwin_host_v1_DeviceResetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceResetResponse__Output>): grpc.ClientUnaryCall;
  DeviceReset(argument: _iommutwin_host_v1_DeviceResetRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceResetResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_DEVICE_RESET.
   */
  deviceReset(argument: _iommutwin_host_v1_DeviceResetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceResetResponse__Output>): grpc.ClientUnaryCall;
  deviceReset(argument: _iommutwin_host_v1_DeviceResetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceResetResponse__Output>): grpc.ClientUnaryCall;
  deviceReset(argument: _iommutwin_host_v1_DeviceResetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceResetResponse__Output>): grpc.ClientUnaryCall;
  deviceReset(argument: _iommutwin_host_v1_DeviceResetRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceResetResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_DEVICE_FEATURE with VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE (SET): move the device's
   * migration state machine; an arc that opens a data session returns its data fd.
   */
  DeviceSetMigState(argument: _iommutwin_host_v1_DeviceSetMigStateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceSetMigStateResponse__Output>): grpc.ClientUnaryCall;
  DeviceSetMigState(argument: _iommutwin_host_v1_DeviceSetMigStateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceSetMigStateResponse__Output>): grpc.ClientUnaryCall;
  DeviceSetMigState(argument: _iommutwin_host_v1_DeviceSetMigStateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceSetMigStateResponse__Output>): grpc.ClientUnaryCall;
  DeviceSetMigState(argument: _iommutwin_host_v1_DeviceSetMigStateRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceSetMigStateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_DEVICE_FEATURE with VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE (SET): move the device's
   * migration state machine; an arc that opens a data session returns its data fd.
   */
  deviceSetMigState(argument: _iommutwin_host_v1_DeviceSetMigStateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceSetMigStateResponse__Output>): grpc.ClientUnaryCall;
  deviceSetMigState(argument: _iommutwin_host_v1_DeviceSetMigStateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceSetMigStateResponse__Output>): grpc.ClientUnaryCall;
  deviceSetMigState(argument: _iommutwin_host_v1_DeviceSetMigStateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceSetMigStateResponse__Output>): grpc.ClientUnaryCall;
  deviceSetMigState(argument: _iommutwin_host_v1_DeviceSetMigStateRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceSetMigStateResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_GROUP_GET_DEVICE_FD.
   */
  GroupGetDeviceFd(argument: _iommutwin_host_v1_GroupGetDeviceFdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GroupGetDeviceFdResponse__Output>): grpc.ClientUnaryCall;
  GroupGetDeviceFd(argument: _iommutwin_host_v1_GroupGetDeviceFdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_GroupGetDeviceFdResponse__Output>): grpc.ClientUnaryCall;
  GroupGetDeviceFd(argument: _iommutwin_host_v1_GroupGetDeviceFdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GroupGetDeviceFdResponse__Output>): grpc.ClientUnaryCall;
  GroupGetDeviceFd(argument: _iommutwin_host_v1_GroupGetDeviceFdRequest, callback: grpc.requestCallback<_iommutwin_host_v1_GroupGetDeviceFdResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_GROUP_GET_DEVICE_FD.
   */
  groupGetDeviceFd(argument: _iommutwin_host_v1_GroupGetDeviceFdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GroupGetDeviceFdResponse__Output>): grpc.ClientUnaryCall;
  groupGetDeviceFd(argument: _iommutwin_host_v1_GroupGetDeviceFdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_GroupGetDeviceFdResponse__Output>): grpc.ClientUnaryCall;
  groupGetDeviceFd(argument: _iommutwin_host_v1_GroupGetDeviceFdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GroupGetDeviceFdResponse__Output>): grpc.ClientUnaryCall;
  groupGetDeviceFd(argument: _iommutwin_host_v1_GroupGetDeviceFdRequest, callback: grpc.requestCallback<_iommutwin_host_v1_GroupGetDeviceFdResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_GROUP_GET_STATUS.
   */
  GroupGetStatus(argument: _iommutwin_host_v1_GroupGetStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GroupGetStatusResponse__Output>): grpc.ClientUnaryCall;
  GroupGetStatus(argument: _iommutwin_host_v1_GroupGetStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_GroupGetStatusResponse__Output>): grpc.ClientUnaryCall;
  GroupGetStatus(argument: _iommutwin_host_v1_GroupGetStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GroupGetStatusResponse__Output>): grpc.ClientUnaryCall;
  GroupGetStatus(argument: _iommutwin_host_v1_GroupGetStatusRequest, callback: grpc.requestCallback<_iommutwin_host_v1_GroupGetStatusResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_GROUP_GET_STATUS.
   */
  groupGetStatus(argument: _iommutwin_host_v1_GroupGetStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GroupGetStatusResponse__Output>): grpc.ClientUnaryCall;
  groupGetStatus(argument: _iommutwin_host_v1_GroupGetStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_GroupGetStatusResponse__Output>): grpc.ClientUnaryCall;
  groupGetStatus(argument: _iommutwin_host_v1_GroupGetStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GroupGetStatusResponse__Output>): grpc.ClientUnaryCall;
  groupGetStatus(argument: _iommutwin_host_v1_GroupGetStatusRequest, callback: grpc.requestCallback<_iommutwin_host_v1_GroupGetStatusResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_GROUP_SET_CONTAINER.
   */
  GroupSetContainer(argument: _iommutwin_host_v1_GroupSetContainerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GroupSetContainerResponse__Output>): grpc.ClientUnaryCall;
  GroupSetContainer(argument: _iommutwin_host_v1_GroupSetContainerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_GroupSetContainerResponse__Output>): grpc.ClientUnaryCall;
  GroupSetContainer(argument: _iommutwin_host_v1_GroupSetContainerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GroupSetContainerResponse__Output>): grpc.ClientUnaryCall;
  GroupSetContainer(argument: _iommutwin_host_v1_GroupSetContainerRequest, callback: grpc.requestCallback<_iommutwin_host_v1_GroupSetContainerResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_GROUP_SET_CONTAINER.
   */
  groupSetContainer(argument: _iommutwin_host_v1_GroupSetContainerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GroupSetContainerResponse__Output>): grpc.ClientUnaryCall;
  groupSetContainer(argument: _iommutwin_host_v1_GroupSetContainerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_GroupSetContainerResponse__Output>): grpc.ClientUnaryCall;
  groupSetContainer(argument: _iommutwin_host_v1_GroupSetContainerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GroupSetContainerResponse__Output>): grpc.ClientUnaryCall;
  groupSetContainer(argument: _iommutwin_host_v1_GroupSetContainerRequest, callback: grpc.requestCallback<_iommutwin_host_v1_GroupSetContainerResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * VFIO_GROUP_UNSET_CONTAINER.
   */
  GroupUnsetContainer(argument: _iommutwin_host_v1_GroupUnsetContainerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GroupUnsetContainerResponse__Output>): grpc.ClientUnaryCall;
  GroupUnsetContainer(argument: _iommutwin_host_v1_GroupUnsetContainerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_GroupUnsetContainerResponse__Output>): grpc.ClientUnaryCall;
  GroupUnsetContainer(argument: _iommutwin_host_v1_GroupUnsetContainerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GroupUnsetContainerResponse__Output>): grpc.ClientUnaryCall;
  GroupUnsetContainer(argument: _iommutwin_host_v1_GroupUnsetContainerRequest, callback: grpc.requestCallback<_iommutwin_host_v1_GroupUnsetContainerResponse__Output>): grpc.ClientUnaryCall;
  /**
   * VFIO_GROUP_UNSET_CONTAINER.
   */
  groupUnsetContainer(argument: _iommutwin_host_v1_GroupUnsetContainerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GroupUnsetContainerResponse__Output>): grpc.ClientUnaryCall;
  groupUnsetContainer(argument: _iommutwin_host_v1_GroupUnsetContainerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_GroupUnsetContainerResponse__Output>): grpc.ClientUnaryCall;
  groupUnsetContainer(argument: _iommutwin_host_v1_GroupUnsetContainerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GroupUnsetContainerResponse__Output>): grpc.ClientUnaryCall;
  groupUnsetContainer(argument: _iommutwin_host_v1_GroupUnsetContainerRequest, callback: grpc.requestCallback<_iommutwin_host_v1_GroupUnsetContainerResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * read(2) on a migration data fd (PRE_COPY / STOP_COPY saving session), as a stream of chunks.
   */
  ReadMigData(argument: _iommutwin_host_v1_ReadMigDataRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_host_v1_ReadMigDataResponse__Output>;
  ReadMigData(argument: _iommutwin_host_v1_ReadMigDataRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_host_v1_ReadMigDataResponse__Output>;
  /**
   * read(2) on a migration data fd (PRE_COPY / STOP_COPY saving session), as a stream of chunks.
   */
  readMigData(argument: _iommutwin_host_v1_ReadMigDataRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_host_v1_ReadMigDataResponse__Output>;
  readMigData(argument: _iommutwin_host_v1_ReadMigDataRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_host_v1_ReadMigDataResponse__Output>;
  
  /**
   * write(2) on a migration data fd (RESUMING session): the first message names the fd.
   */
  WriteMigData(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_WriteMigDataResponse__Output>): grpc.ClientWritableStream<_iommutwin_host_v1_WriteMigDataRequest>;
  WriteMigData(metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_WriteMigDataResponse__Output>): grpc.ClientWritableStream<_iommutwin_host_v1_WriteMigDataRequest>;
  WriteMigData(options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_WriteMigDataResponse__Output>): grpc.ClientWritableStream<_iommutwin_host_v1_WriteMigDataRequest>;
  WriteMigData(callback: grpc.requestCallback<_iommutwin_host_v1_WriteMigDataResponse__Output>): grpc.ClientWritableStream<_iommutwin_host_v1_WriteMigDataRequest>;
  /**
   * write(2) on a migration data fd (RESUMING session): the first message names the fd.
   */
  writeMigData(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_WriteMigDataResponse__Output>): grpc.ClientWritableStream<_iommutwin_host_v1_WriteMigDataRequest>;
  writeMigData(metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_WriteMigDataResponse__Output>): grpc.ClientWritableStream<_iommutwin_host_v1_WriteMigDataRequest>;
  writeMigData(options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_WriteMigDataResponse__Output>): grpc.ClientWritableStream<_iommutwin_host_v1_WriteMigDataRequest>;
  writeMigData(callback: grpc.requestCallback<_iommutwin_host_v1_WriteMigDataResponse__Output>): grpc.ClientWritableStream<_iommutwin_host_v1_WriteMigDataRequest>;
  
}

/**
 * VFIO: device cdevs (the iommufd path), groups and the type1 container (the legacy path).
 */
export interface VfioHandlers extends grpc.UntypedServiceImplementation {
  /**
   * VFIO_CHECK_EXTENSION.
   */
  ContainerCheckExtension: grpc.handleUnaryCall<_iommutwin_host_v1_ContainerCheckExtensionRequest__Output, _iommutwin_host_v1_ContainerCheckExtensionResponse>;
  
  /**
   * VFIO_IOMMU_DIRTY_PAGES (native type1 only; iommufd's compatibility layer answers ENOTTY).
   */
  ContainerDirtyPages: grpc.handleUnaryCall<_iommutwin_host_v1_ContainerDirtyPagesRequest__Output, _iommutwin_host_v1_ContainerDirtyPagesResponse>;
  
  /**
   * VFIO_GET_API_VERSION.
   */
  ContainerGetApiVersion: grpc.handleUnaryCall<_iommutwin_host_v1_ContainerGetApiVersionRequest__Output, _iommutwin_host_v1_ContainerGetApiVersionResponse>;
  
  /**
   * VFIO_IOMMU_GET_INFO.
   */
  ContainerGetInfo: grpc.handleUnaryCall<_iommutwin_host_v1_ContainerGetInfoRequest__Output, _iommutwin_host_v1_ContainerGetInfoResponse>;
  
  /**
   * VFIO_IOMMU_MAP_DMA.
   */
  ContainerMapDma: grpc.handleUnaryCall<_iommutwin_host_v1_ContainerMapDmaRequest__Output, _iommutwin_host_v1_ContainerMapDmaResponse>;
  
  /**
   * VFIO_SET_IOMMU.
   */
  ContainerSetIommu: grpc.handleUnaryCall<_iommutwin_host_v1_ContainerSetIommuRequest__Output, _iommutwin_host_v1_ContainerSetIommuResponse>;
  
  /**
   * VFIO_IOMMU_UNMAP_DMA.
   */
  ContainerUnmapDma: grpc.handleUnaryCall<_iommutwin_host_v1_ContainerUnmapDmaRequest__Output, _iommutwin_host_v1_ContainerUnmapDmaResponse>;
  
  /**
   * VFIO_DEVICE_ATTACH_IOMMUFD_PT (attaching again replaces).
   */
  DeviceAttachPt: grpc.handleUnaryCall<_iommutwin_host_v1_DeviceAttachPtRequest__Output, _iommutwin_host_v1_DeviceAttachPtResponse>;
  
  /**
   * VFIO_DEVICE_BIND_IOMMUFD.
   */
  DeviceBindIommufd: grpc.handleUnaryCall<_iommutwin_host_v1_DeviceBindIommufdRequest__Output, _iommutwin_host_v1_DeviceBindIommufdResponse>;
  
  /**
   * VFIO_DEVICE_DETACH_IOMMUFD_PT.
   */
  DeviceDetachPt: grpc.handleUnaryCall<_iommutwin_host_v1_DeviceDetachPtRequest__Output, _iommutwin_host_v1_DeviceDetachPtResponse>;
  
  /**
   * VFIO_DEVICE_FEATURE with VFIO_DEVICE_FEATURE_MIGRATION (GET).
   */
  DeviceFeatureMigration: grpc.handleUnaryCall<_iommutwin_host_v1_DeviceFeatureMigrationRequest__Output, _iommutwin_host_v1_DeviceFeatureMigrationResponse>;
  
  /**
   * VFIO_DEVICE_FEATURE with VFIO_DEVICE_FEATURE_DMA_BUF.
   */
  DeviceGetDmabuf: grpc.handleUnaryCall<_iommutwin_host_v1_DeviceGetDmabufRequest__Output, _iommutwin_host_v1_DeviceGetDmabufResponse>;
  
  /**
   * VFIO_DEVICE_GET_INFO.
   */
  DeviceGetInfo: grpc.handleUnaryCall<_iommutwin_host_v1_DeviceGetInfoRequest__Output, _iommutwin_host_v1_DeviceGetInfoResponse>;
  
  /**
   * VFIO_DEVICE_FEATURE with VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE (GET).
   */
  DeviceGetMigState: grpc.handleUnaryCall<_iommutwin_host_v1_DeviceGetMigStateRequest__Output, _iommutwin_host_v1_DeviceGetMigStateResponse>;
  
  /**
   * VFIO_DEVICE_GET_REGION_INFO.
   */
  DeviceGetRegionInfo: grpc.handleUnaryCall<_iommutwin_host_v1_DeviceGetRegionInfoRequest__Output, _iommutwin_host_v1_DeviceGetRegionInfoResponse>;
  
  /**
   * VFIO_DEVICE_FEATURE with VFIO_DEVICE_FEATURE_MIG_DATA_SIZE (GET).
   */
  DeviceMigDataSize: grpc.handleUnaryCall<_iommutwin_host_v1_DeviceMigDataSizeRequest__Output, _iommutwin_host_v1_DeviceMigDataSizeResponse>;
  
  /**
   * VFIO_MIG_GET_PRECOPY_INFO on a PRE_COPY data fd.
   */
  DevicePrecopyInfo: grpc.handleUnaryCall<_iommutwin_host_v1_DevicePrecopyInfoRequest__Output, _iommutwin_host_v1_DevicePrecopyInfoResponse>;
  
  /**
   * VFIO_DEVICE_RESET.
   */
  DeviceReset: grpc.handleUnaryCall<_iommutwin_host_v1_DeviceResetRequest__Output, _iommutwin_host_v1_DeviceResetResponse>;
  
  /**
   * VFIO_DEVICE_FEATURE with VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE (SET): move the device's
   * migration state machine; an arc that opens a data session returns its data fd.
   */
  DeviceSetMigState: grpc.handleUnaryCall<_iommutwin_host_v1_DeviceSetMigStateRequest__Output, _iommutwin_host_v1_DeviceSetMigStateResponse>;
  
  /**
   * VFIO_GROUP_GET_DEVICE_FD.
   */
  GroupGetDeviceFd: grpc.handleUnaryCall<_iommutwin_host_v1_GroupGetDeviceFdRequest__Output, _iommutwin_host_v1_GroupGetDeviceFdResponse>;
  
  /**
   * VFIO_GROUP_GET_STATUS.
   */
  GroupGetStatus: grpc.handleUnaryCall<_iommutwin_host_v1_GroupGetStatusRequest__Output, _iommutwin_host_v1_GroupGetStatusResponse>;
  
  /**
   * VFIO_GROUP_SET_CONTAINER.
   */
  GroupSetContainer: grpc.handleUnaryCall<_iommutwin_host_v1_GroupSetContainerRequest__Output, _iommutwin_host_v1_GroupSetContainerResponse>;
  
  /**
   * VFIO_GROUP_UNSET_CONTAINER.
   */
  GroupUnsetContainer: grpc.handleUnaryCall<_iommutwin_host_v1_GroupUnsetContainerRequest__Output, _iommutwin_host_v1_GroupUnsetContainerResponse>;
  
  /**
   * read(2) on a migration data fd (PRE_COPY / STOP_COPY saving session), as a stream of chunks.
   */
  ReadMigData: grpc.handleServerStreamingCall<_iommutwin_host_v1_ReadMigDataRequest__Output, _iommutwin_host_v1_ReadMigDataResponse>;
  
  /**
   * write(2) on a migration data fd (RESUMING session): the first message names the fd.
   */
  WriteMigData: grpc.handleClientStreamingCall<_iommutwin_host_v1_WriteMigDataRequest__Output, _iommutwin_host_v1_WriteMigDataResponse>;
  
}

export interface VfioDefinition extends grpc.ServiceDefinition {
  ContainerCheckExtension: MethodDefinition<_iommutwin_host_v1_ContainerCheckExtensionRequest, _iommutwin_host_v1_ContainerCheckExtensionResponse, _iommutwin_host_v1_ContainerCheckExtensionRequest__Output, _iommutwin_host_v1_ContainerCheckExtensionResponse__Output>
  ContainerDirtyPages: MethodDefinition<_iommutwin_host_v1_ContainerDirtyPagesRequest, _iommutwin_host_v1_ContainerDirtyPagesResponse, _iommutwin_host_v1_ContainerDirtyPagesRequest__Output, _iommutwin_host_v1_ContainerDirtyPagesResponse__Output>
  ContainerGetApiVersion: MethodDefinition<_iommutwin_host_v1_ContainerGetApiVersionRequest, _iommutwin_host_v1_ContainerGetApiVersionResponse, _iommutwin_host_v1_ContainerGetApiVersionRequest__Output, _iommutwin_host_v1_ContainerGetApiVersionResponse__Output>
  ContainerGetInfo: MethodDefinition<_iommutwin_host_v1_ContainerGetInfoRequest, _iommutwin_host_v1_ContainerGetInfoResponse, _iommutwin_host_v1_ContainerGetInfoRequest__Output, _iommutwin_host_v1_ContainerGetInfoResponse__Output>
  ContainerMapDma: MethodDefinition<_iommutwin_host_v1_ContainerMapDmaRequest, _iommutwin_host_v1_ContainerMapDmaResponse, _iommutwin_host_v1_ContainerMapDmaRequest__Output, _iommutwin_host_v1_ContainerMapDmaResponse__Output>
  ContainerSetIommu: MethodDefinition<_iommutwin_host_v1_ContainerSetIommuRequest, _iommutwin_host_v1_ContainerSetIommuResponse, _iommutwin_host_v1_ContainerSetIommuRequest__Output, _iommutwin_host_v1_ContainerSetIommuResponse__Output>
  ContainerUnmapDma: MethodDefinition<_iommutwin_host_v1_ContainerUnmapDmaRequest, _iommutwin_host_v1_ContainerUnmapDmaResponse, _iommutwin_host_v1_ContainerUnmapDmaRequest__Output, _iommutwin_host_v1_ContainerUnmapDmaResponse__Output>
  DeviceAttachPt: MethodDefinition<_iommutwin_host_v1_DeviceAttachPtRequest, _iommutwin_host_v1_DeviceAttachPtResponse, _iommutwin_host_v1_DeviceAttachPtRequest__Output, _iommutwin_host_v1_DeviceAttachPtResponse__Output>
  DeviceBindIommufd: MethodDefinition<_iommutwin_host_v1_DeviceBindIommufdRequest, _iommutwin_host_v1_DeviceBindIommufdResponse, _iommutwin_host_v1_DeviceBindIommufdRequest__Output, _iommutwin_host_v1_DeviceBindIommufdResponse__Output>
  DeviceDetachPt: MethodDefinition<_iommutwin_host_v1_DeviceDetachPtRequest, _iommutwin_host_v1_DeviceDetachPtResponse, _iommutwin_host_v1_DeviceDetachPtRequest__Output, _iommutwin_host_v1_DeviceDetachPtResponse__Output>
  DeviceFeatureMigration: MethodDefinition<_iommutwin_host_v1_DeviceFeatureMigrationRequest, _iommutwin_host_v1_DeviceFeatureMigrationResponse, _iommutwin_host_v1_DeviceFeatureMigrationRequest__Output, _iommutwin_host_v1_DeviceFeatureMigrationResponse__Output>
  DeviceGetDmabuf: MethodDefinition<_iommutwin_host_v1_DeviceGetDmabufRequest, _iommutwin_host_v1_DeviceGetDmabufResponse, _iommutwin_host_v1_DeviceGetDmabufRequest__Output, _iommutwin_host_v1_DeviceGetDmabufResponse__Output>
  DeviceGetInfo: MethodDefinition<_iommutwin_host_v1_DeviceGetInfoRequest, _iommutwin_host_v1_DeviceGetInfoResponse, _iommutwin_host_v1_DeviceGetInfoRequest__Output, _iommutwin_host_v1_DeviceGetInfoResponse__Output>
  DeviceGetMigState: MethodDefinition<_iommutwin_host_v1_DeviceGetMigStateRequest, _iommutwin_host_v1_DeviceGetMigStateResponse, _iommutwin_host_v1_DeviceGetMigStateRequest__Output, _iommutwin_host_v1_DeviceGetMigStateResponse__Output>
  DeviceGetRegionInfo: MethodDefinition<_iommutwin_host_v1_DeviceGetRegionInfoRequest, _iommutwin_host_v1_DeviceGetRegionInfoResponse, _iommutwin_host_v1_DeviceGetRegionInfoRequest__Output, _iommutwin_host_v1_DeviceGetRegionInfoResponse__Output>
  DeviceMigDataSize: MethodDefinition<_iommutwin_host_v1_DeviceMigDataSizeRequest, _iommutwin_host_v1_DeviceMigDataSizeResponse, _iommutwin_host_v1_DeviceMigDataSizeRequest__Output, _iommutwin_host_v1_DeviceMigDataSizeResponse__Output>
  DevicePrecopyInfo: MethodDefinition<_iommutwin_host_v1_DevicePrecopyInfoRequest, _iommutwin_host_v1_DevicePrecopyInfoResponse, _iommutwin_host_v1_DevicePrecopyInfoRequest__Output, _iommutwin_host_v1_DevicePrecopyInfoResponse__Output>
  DeviceReset: MethodDefinition<_iommutwin_host_v1_DeviceResetRequest, _iommutwin_host_v1_DeviceResetResponse, _iommutwin_host_v1_DeviceResetRequest__Output, _iommutwin_host_v1_DeviceResetResponse__Output>
  DeviceSetMigState: MethodDefinition<_iommutwin_host_v1_DeviceSetMigStateRequest, _iommutwin_host_v1_DeviceSetMigStateResponse, _iommutwin_host_v1_DeviceSetMigStateRequest__Output, _iommutwin_host_v1_DeviceSetMigStateResponse__Output>
  GroupGetDeviceFd: MethodDefinition<_iommutwin_host_v1_GroupGetDeviceFdRequest, _iommutwin_host_v1_GroupGetDeviceFdResponse, _iommutwin_host_v1_GroupGetDeviceFdRequest__Output, _iommutwin_host_v1_GroupGetDeviceFdResponse__Output>
  GroupGetStatus: MethodDefinition<_iommutwin_host_v1_GroupGetStatusRequest, _iommutwin_host_v1_GroupGetStatusResponse, _iommutwin_host_v1_GroupGetStatusRequest__Output, _iommutwin_host_v1_GroupGetStatusResponse__Output>
  GroupSetContainer: MethodDefinition<_iommutwin_host_v1_GroupSetContainerRequest, _iommutwin_host_v1_GroupSetContainerResponse, _iommutwin_host_v1_GroupSetContainerRequest__Output, _iommutwin_host_v1_GroupSetContainerResponse__Output>
  GroupUnsetContainer: MethodDefinition<_iommutwin_host_v1_GroupUnsetContainerRequest, _iommutwin_host_v1_GroupUnsetContainerResponse, _iommutwin_host_v1_GroupUnsetContainerRequest__Output, _iommutwin_host_v1_GroupUnsetContainerResponse__Output>
  ReadMigData: MethodDefinition<_iommutwin_host_v1_ReadMigDataRequest, _iommutwin_host_v1_ReadMigDataResponse, _iommutwin_host_v1_ReadMigDataRequest__Output, _iommutwin_host_v1_ReadMigDataResponse__Output>
  WriteMigData: MethodDefinition<_iommutwin_host_v1_WriteMigDataRequest, _iommutwin_host_v1_WriteMigDataResponse, _iommutwin_host_v1_WriteMigDataRequest__Output, _iommutwin_host_v1_WriteMigDataResponse__Output>
}
