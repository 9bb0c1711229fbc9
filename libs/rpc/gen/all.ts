import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Any as _google_protobuf_Any, Any__Output as _google_protobuf_Any__Output } from './google/protobuf/Any.js';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from './google/protobuf/Duration.js';
import type { BadRequest as _google_rpc_BadRequest, BadRequest__Output as _google_rpc_BadRequest__Output } from './google/rpc/BadRequest.js';
import type { DebugInfo as _google_rpc_DebugInfo, DebugInfo__Output as _google_rpc_DebugInfo__Output } from './google/rpc/DebugInfo.js';
import type { ErrorInfo as _google_rpc_ErrorInfo, ErrorInfo__Output as _google_rpc_ErrorInfo__Output } from './google/rpc/ErrorInfo.js';
import type { Help as _google_rpc_Help, Help__Output as _google_rpc_Help__Output } from './google/rpc/Help.js';
import type { LocalizedMessage as _google_rpc_LocalizedMessage, LocalizedMessage__Output as _google_rpc_LocalizedMessage__Output } from './google/rpc/LocalizedMessage.js';
import type { PreconditionFailure as _google_rpc_PreconditionFailure, PreconditionFailure__Output as _google_rpc_PreconditionFailure__Output } from './google/rpc/PreconditionFailure.js';
import type { QuotaFailure as _google_rpc_QuotaFailure, QuotaFailure__Output as _google_rpc_QuotaFailure__Output } from './google/rpc/QuotaFailure.js';
import type { RequestInfo as _google_rpc_RequestInfo, RequestInfo__Output as _google_rpc_RequestInfo__Output } from './google/rpc/RequestInfo.js';
import type { ResourceInfo as _google_rpc_ResourceInfo, ResourceInfo__Output as _google_rpc_ResourceInfo__Output } from './google/rpc/ResourceInfo.js';
import type { RetryInfo as _google_rpc_RetryInfo, RetryInfo__Output as _google_rpc_RetryInfo__Output } from './google/rpc/RetryInfo.js';
import type { Status as _google_rpc_Status, Status__Output as _google_rpc_Status__Output } from './google/rpc/Status.js';
import type { AmdHwInfo as _iommutwin_common_v1_AmdHwInfo, AmdHwInfo__Output as _iommutwin_common_v1_AmdHwInfo__Output } from './iommutwin/common/v1/AmdHwInfo.js';
import type { DmaFault as _iommutwin_common_v1_DmaFault, DmaFault__Output as _iommutwin_common_v1_DmaFault__Output } from './iommutwin/common/v1/DmaFault.js';
import type { HwInfo as _iommutwin_common_v1_HwInfo, HwInfo__Output as _iommutwin_common_v1_HwInfo__Output } from './iommutwin/common/v1/HwInfo.js';
import type { IovaRange as _iommutwin_common_v1_IovaRange, IovaRange__Output as _iommutwin_common_v1_IovaRange__Output } from './iommutwin/common/v1/IovaRange.js';
import type { Smmuv3HwInfo as _iommutwin_common_v1_Smmuv3HwInfo, Smmuv3HwInfo__Output as _iommutwin_common_v1_Smmuv3HwInfo__Output } from './iommutwin/common/v1/Smmuv3HwInfo.js';
import type { VtdHwInfo as _iommutwin_common_v1_VtdHwInfo, VtdHwInfo__Output as _iommutwin_common_v1_VtdHwInfo__Output } from './iommutwin/common/v1/VtdHwInfo.js';
import type { AllowDeviceRequest as _iommutwin_host_v1_AllowDeviceRequest, AllowDeviceRequest__Output as _iommutwin_host_v1_AllowDeviceRequest__Output } from './iommutwin/host/v1/AllowDeviceRequest.js';
import type { AllowDeviceResponse as _iommutwin_host_v1_AllowDeviceResponse, AllowDeviceResponse__Output as _iommutwin_host_v1_AllowDeviceResponse__Output } from './iommutwin/host/v1/AllowDeviceResponse.js';
import type { Bar as _iommutwin_host_v1_Bar, Bar__Output as _iommutwin_host_v1_Bar__Output } from './iommutwin/host/v1/Bar.js';
import type { ChmodRequest as _iommutwin_host_v1_ChmodRequest, ChmodRequest__Output as _iommutwin_host_v1_ChmodRequest__Output } from './iommutwin/host/v1/ChmodRequest.js';
import type { ChmodResponse as _iommutwin_host_v1_ChmodResponse, ChmodResponse__Output as _iommutwin_host_v1_ChmodResponse__Output } from './iommutwin/host/v1/ChmodResponse.js';
import type { ChownRequest as _iommutwin_host_v1_ChownRequest, ChownRequest__Output as _iommutwin_host_v1_ChownRequest__Output } from './iommutwin/host/v1/ChownRequest.js';
import type { ChownResponse as _iommutwin_host_v1_ChownResponse, ChownResponse__Output as _iommutwin_host_v1_ChownResponse__Output } from './iommutwin/host/v1/ChownResponse.js';
import type { CloseRequest as _iommutwin_host_v1_CloseRequest, CloseRequest__Output as _iommutwin_host_v1_CloseRequest__Output } from './iommutwin/host/v1/CloseRequest.js';
import type { CloseResponse as _iommutwin_host_v1_CloseResponse, CloseResponse__Output as _iommutwin_host_v1_CloseResponse__Output } from './iommutwin/host/v1/CloseResponse.js';
import type { ContainerCheckExtensionRequest as _iommutwin_host_v1_ContainerCheckExtensionRequest, ContainerCheckExtensionRequest__Output as _iommutwin_host_v1_ContainerCheckExtensionRequest__Output } from './iommutwin/host/v1/ContainerCheckExtensionRequest.js';
import type { ContainerCheckExtensionResponse as _iommutwin_host_v1_ContainerCheckExtensionResponse, ContainerCheckExtensionResponse__Output as _iommutwin_host_v1_ContainerCheckExtensionResponse__Output } from './iommutwin/host/v1/ContainerCheckExtensionResponse.js';
import type { ContainerDirtyPagesRequest as _iommutwin_host_v1_ContainerDirtyPagesRequest, ContainerDirtyPagesRequest__Output as _iommutwin_host_v1_ContainerDirtyPagesRequest__Output } from './iommutwin/host/v1/ContainerDirtyPagesRequest.js';
import type { ContainerDirtyPagesResponse as _iommutwin_host_v1_ContainerDirtyPagesResponse, ContainerDirtyPagesResponse__Output as _iommutwin_host_v1_ContainerDirtyPagesResponse__Output } from './iommutwin/host/v1/ContainerDirtyPagesResponse.js';
import type { ContainerGetApiVersionRequest as _iommutwin_host_v1_ContainerGetApiVersionRequest, ContainerGetApiVersionRequest__Output as _iommutwin_host_v1_ContainerGetApiVersionRequest__Output } from './iommutwin/host/v1/ContainerGetApiVersionRequest.js';
import type { ContainerGetApiVersionResponse as _iommutwin_host_v1_ContainerGetApiVersionResponse, ContainerGetApiVersionResponse__Output as _iommutwin_host_v1_ContainerGetApiVersionResponse__Output } from './iommutwin/host/v1/ContainerGetApiVersionResponse.js';
import type { ContainerGetInfoRequest as _iommutwin_host_v1_ContainerGetInfoRequest, ContainerGetInfoRequest__Output as _iommutwin_host_v1_ContainerGetInfoRequest__Output } from './iommutwin/host/v1/ContainerGetInfoRequest.js';
import type { ContainerGetInfoResponse as _iommutwin_host_v1_ContainerGetInfoResponse, ContainerGetInfoResponse__Output as _iommutwin_host_v1_ContainerGetInfoResponse__Output } from './iommutwin/host/v1/ContainerGetInfoResponse.js';
import type { ContainerMapDmaRequest as _iommutwin_host_v1_ContainerMapDmaRequest, ContainerMapDmaRequest__Output as _iommutwin_host_v1_ContainerMapDmaRequest__Output } from './iommutwin/host/v1/ContainerMapDmaRequest.js';
import type { ContainerMapDmaResponse as _iommutwin_host_v1_ContainerMapDmaResponse, ContainerMapDmaResponse__Output as _iommutwin_host_v1_ContainerMapDmaResponse__Output } from './iommutwin/host/v1/ContainerMapDmaResponse.js';
import type { ContainerSetIommuRequest as _iommutwin_host_v1_ContainerSetIommuRequest, ContainerSetIommuRequest__Output as _iommutwin_host_v1_ContainerSetIommuRequest__Output } from './iommutwin/host/v1/ContainerSetIommuRequest.js';
import type { ContainerSetIommuResponse as _iommutwin_host_v1_ContainerSetIommuResponse, ContainerSetIommuResponse__Output as _iommutwin_host_v1_ContainerSetIommuResponse__Output } from './iommutwin/host/v1/ContainerSetIommuResponse.js';
import type { ContainerUnmapDmaRequest as _iommutwin_host_v1_ContainerUnmapDmaRequest, ContainerUnmapDmaRequest__Output as _iommutwin_host_v1_ContainerUnmapDmaRequest__Output } from './iommutwin/host/v1/ContainerUnmapDmaRequest.js';
import type { ContainerUnmapDmaResponse as _iommutwin_host_v1_ContainerUnmapDmaResponse, ContainerUnmapDmaResponse__Output as _iommutwin_host_v1_ContainerUnmapDmaResponse__Output } from './iommutwin/host/v1/ContainerUnmapDmaResponse.js';
import type { DescribeRequest as _iommutwin_host_v1_DescribeRequest, DescribeRequest__Output as _iommutwin_host_v1_DescribeRequest__Output } from './iommutwin/host/v1/DescribeRequest.js';
import type { DescribeResponse as _iommutwin_host_v1_DescribeResponse, DescribeResponse__Output as _iommutwin_host_v1_DescribeResponse__Output } from './iommutwin/host/v1/DescribeResponse.js';
import type { DestroyRequest as _iommutwin_host_v1_DestroyRequest, DestroyRequest__Output as _iommutwin_host_v1_DestroyRequest__Output } from './iommutwin/host/v1/DestroyRequest.js';
import type { DestroyResponse as _iommutwin_host_v1_DestroyResponse, DestroyResponse__Output as _iommutwin_host_v1_DestroyResponse__Output } from './iommutwin/host/v1/DestroyResponse.js';
import type { DeviceAtsTranslateRequest as _iommutwin_host_v1_DeviceAtsTranslateRequest, DeviceAtsTranslateRequest__Output as _iommutwin_host_v1_DeviceAtsTranslateRequest__Output } from './iommutwin/host/v1/DeviceAtsTranslateRequest.js';
import type { DeviceAtsTranslateResponse as _iommutwin_host_v1_DeviceAtsTranslateResponse, DeviceAtsTranslateResponse__Output as _iommutwin_host_v1_DeviceAtsTranslateResponse__Output } from './iommutwin/host/v1/DeviceAtsTranslateResponse.js';
import type { DeviceAttachPtRequest as _iommutwin_host_v1_DeviceAttachPtRequest, DeviceAttachPtRequest__Output as _iommutwin_host_v1_DeviceAttachPtRequest__Output } from './iommutwin/host/v1/DeviceAttachPtRequest.js';
import type { DeviceAttachPtResponse as _iommutwin_host_v1_DeviceAttachPtResponse, DeviceAttachPtResponse__Output as _iommutwin_host_v1_DeviceAttachPtResponse__Output } from './iommutwin/host/v1/DeviceAttachPtResponse.js';
import type { DeviceBindIommufdRequest as _iommutwin_host_v1_DeviceBindIommufdRequest, DeviceBindIommufdRequest__Output as _iommutwin_host_v1_DeviceBindIommufdRequest__Output } from './iommutwin/host/v1/DeviceBindIommufdRequest.js';
import type { DeviceBindIommufdResponse as _iommutwin_host_v1_DeviceBindIommufdResponse, DeviceBindIommufdResponse__Output as _iommutwin_host_v1_DeviceBindIommufdResponse__Output } from './iommutwin/host/v1/DeviceBindIommufdResponse.js';
import type { DeviceDetachPtRequest as _iommutwin_host_v1_DeviceDetachPtRequest, DeviceDetachPtRequest__Output as _iommutwin_host_v1_DeviceDetachPtRequest__Output } from './iommutwin/host/v1/DeviceDetachPtRequest.js';
import type { DeviceDetachPtResponse as _iommutwin_host_v1_DeviceDetachPtResponse, DeviceDetachPtResponse__Output as _iommutwin_host_v1_DeviceDetachPtResponse__Output } from './iommutwin/host/v1/DeviceDetachPtResponse.js';
import type { DeviceDmaBatchRequest as _iommutwin_host_v1_DeviceDmaBatchRequest, DeviceDmaBatchRequest__Output as _iommutwin_host_v1_DeviceDmaBatchRequest__Output } from './iommutwin/host/v1/DeviceDmaBatchRequest.js';
import type { DeviceDmaBatchResponse as _iommutwin_host_v1_DeviceDmaBatchResponse, DeviceDmaBatchResponse__Output as _iommutwin_host_v1_DeviceDmaBatchResponse__Output } from './iommutwin/host/v1/DeviceDmaBatchResponse.js';
import type { DeviceDmaRequest as _iommutwin_host_v1_DeviceDmaRequest, DeviceDmaRequest__Output as _iommutwin_host_v1_DeviceDmaRequest__Output } from './iommutwin/host/v1/DeviceDmaRequest.js';
import type { DeviceDmaResponse as _iommutwin_host_v1_DeviceDmaResponse, DeviceDmaResponse__Output as _iommutwin_host_v1_DeviceDmaResponse__Output } from './iommutwin/host/v1/DeviceDmaResponse.js';
import type { DeviceFeatureMigrationRequest as _iommutwin_host_v1_DeviceFeatureMigrationRequest, DeviceFeatureMigrationRequest__Output as _iommutwin_host_v1_DeviceFeatureMigrationRequest__Output } from './iommutwin/host/v1/DeviceFeatureMigrationRequest.js';
import type { DeviceFeatureMigrationResponse as _iommutwin_host_v1_DeviceFeatureMigrationResponse, DeviceFeatureMigrationResponse__Output as _iommutwin_host_v1_DeviceFeatureMigrationResponse__Output } from './iommutwin/host/v1/DeviceFeatureMigrationResponse.js';
import type { DeviceGetDmabufRequest as _iommutwin_host_v1_DeviceGetDmabufRequest, DeviceGetDmabufRequest__Output as _iommutwin_host_v1_DeviceGetDmabufRequest__Output } from './iommutwin/host/v1/DeviceGetDmabufRequest.js';
import type { DeviceGetDmabufResponse as _iommutwin_host_v1_DeviceGetDmabufResponse, DeviceGetDmabufResponse__Output as _iommutwin_host_v1_DeviceGetDmabufResponse__Output } from './iommutwin/host/v1/DeviceGetDmabufResponse.js';
import type { DeviceGetInfoRequest as _iommutwin_host_v1_DeviceGetInfoRequest, DeviceGetInfoRequest__Output as _iommutwin_host_v1_DeviceGetInfoRequest__Output } from './iommutwin/host/v1/DeviceGetInfoRequest.js';
import type { DeviceGetInfoResponse as _iommutwin_host_v1_DeviceGetInfoResponse, DeviceGetInfoResponse__Output as _iommutwin_host_v1_DeviceGetInfoResponse__Output } from './iommutwin/host/v1/DeviceGetInfoResponse.js';
import type { DeviceGetMigStateRequest as _iommutwin_host_v1_DeviceGetMigStateRequest, DeviceGetMigStateRequest__Output as _iommutwin_host_v1_DeviceGetMigStateRequest__Output } from './iommutwin/host/v1/DeviceGetMigStateRequest.js';
import type { DeviceGetMigStateResponse as _iommutwin_host_v1_DeviceGetMigStateResponse, DeviceGetMigStateResponse__Output as _iommutwin_host_v1_DeviceGetMigStateResponse__Output } from './iommutwin/host/v1/DeviceGetMigStateResponse.js';
import type { DeviceGetRegionInfoRequest as _iommutwin_host_v1_DeviceGetRegionInfoRequest, DeviceGetRegionInfoRequest__Output as _iommutwin_host_v1_DeviceGetRegionInfoRequest__Output } from './iommutwin/host/v1/DeviceGetRegionInfoRequest.js';
import type { DeviceGetRegionInfoResponse as _iommutwin_host_v1_DeviceGetRegionInfoResponse, DeviceGetRegionInfoResponse__Output as _iommutwin_host_v1_DeviceGetRegionInfoResponse__Output } from './iommutwin/host/v1/DeviceGetRegionInfoResponse.js';
import type { DeviceMigDataSizeRequest as _iommutwin_host_v1_DeviceMigDataSizeRequest, DeviceMigDataSizeRequest__Output as _iommutwin_host_v1_DeviceMigDataSizeRequest__Output } from './iommutwin/host/v1/DeviceMigDataSizeRequest.js';
import type { DeviceMigDataSizeResponse as _iommutwin_host_v1_DeviceMigDataSizeResponse, DeviceMigDataSizeResponse__Output as _iommutwin_host_v1_DeviceMigDataSizeResponse__Output } from './iommutwin/host/v1/DeviceMigDataSizeResponse.js';
import type { DevicePrecopyInfoRequest as _iommutwin_host_v1_DevicePrecopyInfoRequest, DevicePrecopyInfoRequest__Output as _iommutwin_host_v1_DevicePrecopyInfoRequest__Output } from './iommutwin/host/v1/DevicePrecopyInfoRequest.js';
import type { DevicePrecopyInfoResponse as _iommutwin_host_v1_DevicePrecopyInfoResponse, DevicePrecopyInfoResponse__Output as _iommutwin_host_v1_DevicePrecopyInfoResponse__Output } from './iommutwin/host/v1/DevicePrecopyInfoResponse.js';
import type { DeviceResetRequest as _iommutwin_host_v1_DeviceResetRequest, DeviceResetRequest__Output as _iommutwin_host_v1_DeviceResetRequest__Output } from './iommutwin/host/v1/DeviceResetRequest.js';
import type { DeviceResetResponse as _iommutwin_host_v1_DeviceResetResponse, DeviceResetResponse__Output as _iommutwin_host_v1_DeviceResetResponse__Output } from './iommutwin/host/v1/DeviceResetResponse.js';
import type { DeviceSetMigStateRequest as _iommutwin_host_v1_DeviceSetMigStateRequest, DeviceSetMigStateRequest__Output as _iommutwin_host_v1_DeviceSetMigStateRequest__Output } from './iommutwin/host/v1/DeviceSetMigStateRequest.js';
import type { DeviceSetMigStateResponse as _iommutwin_host_v1_DeviceSetMigStateResponse, DeviceSetMigStateResponse__Output as _iommutwin_host_v1_DeviceSetMigStateResponse__Output } from './iommutwin/host/v1/DeviceSetMigStateResponse.js';
import type { DmaRange as _iommutwin_host_v1_DmaRange, DmaRange__Output as _iommutwin_host_v1_DmaRange__Output } from './iommutwin/host/v1/DmaRange.js';
import type { ExitRequest as _iommutwin_host_v1_ExitRequest, ExitRequest__Output as _iommutwin_host_v1_ExitRequest__Output } from './iommutwin/host/v1/ExitRequest.js';
import type { ExitResponse as _iommutwin_host_v1_ExitResponse, ExitResponse__Output as _iommutwin_host_v1_ExitResponse__Output } from './iommutwin/host/v1/ExitResponse.js';
import type { FaultQueueAllocRequest as _iommutwin_host_v1_FaultQueueAllocRequest, FaultQueueAllocRequest__Output as _iommutwin_host_v1_FaultQueueAllocRequest__Output } from './iommutwin/host/v1/FaultQueueAllocRequest.js';
import type { FaultQueueAllocResponse as _iommutwin_host_v1_FaultQueueAllocResponse, FaultQueueAllocResponse__Output as _iommutwin_host_v1_FaultQueueAllocResponse__Output } from './iommutwin/host/v1/FaultQueueAllocResponse.js';
import type { FdInfo as _iommutwin_host_v1_FdInfo, FdInfo__Output as _iommutwin_host_v1_FdInfo__Output } from './iommutwin/host/v1/FdInfo.js';
import type { FtruncateRequest as _iommutwin_host_v1_FtruncateRequest, FtruncateRequest__Output as _iommutwin_host_v1_FtruncateRequest__Output } from './iommutwin/host/v1/FtruncateRequest.js';
import type { FtruncateResponse as _iommutwin_host_v1_FtruncateResponse, FtruncateResponse__Output as _iommutwin_host_v1_FtruncateResponse__Output } from './iommutwin/host/v1/FtruncateResponse.js';
import type { GetHwInfoRequest as _iommutwin_host_v1_GetHwInfoRequest, GetHwInfoRequest__Output as _iommutwin_host_v1_GetHwInfoRequest__Output } from './iommutwin/host/v1/GetHwInfoRequest.js';
import type { GetHwInfoResponse as _iommutwin_host_v1_GetHwInfoResponse, GetHwInfoResponse__Output as _iommutwin_host_v1_GetHwInfoResponse__Output } from './iommutwin/host/v1/GetHwInfoResponse.js';
import type { GetStatusRequest as _iommutwin_host_v1_GetStatusRequest, GetStatusRequest__Output as _iommutwin_host_v1_GetStatusRequest__Output } from './iommutwin/host/v1/GetStatusRequest.js';
import type { GetStatusResponse as _iommutwin_host_v1_GetStatusResponse, GetStatusResponse__Output as _iommutwin_host_v1_GetStatusResponse__Output } from './iommutwin/host/v1/GetStatusResponse.js';
import type { GroupGetDeviceFdRequest as _iommutwin_host_v1_GroupGetDeviceFdRequest, GroupGetDeviceFdRequest__Output as _iommutwin_host_v1_GroupGetDeviceFdRequest__Output } from './iommutwin/host/v1/GroupGetDeviceFdRequest.js';
import type { GroupGetDeviceFdResponse as _iommutwin_host_v1_GroupGetDeviceFdResponse, GroupGetDeviceFdResponse__Output as _iommutwin_host_v1_GroupGetDeviceFdResponse__Output } from './iommutwin/host/v1/GroupGetDeviceFdResponse.js';
import type { GroupGetStatusRequest as _iommutwin_host_v1_GroupGetStatusRequest, GroupGetStatusRequest__Output as _iommutwin_host_v1_GroupGetStatusRequest__Output } from './iommutwin/host/v1/GroupGetStatusRequest.js';
import type { GroupGetStatusResponse as _iommutwin_host_v1_GroupGetStatusResponse, GroupGetStatusResponse__Output as _iommutwin_host_v1_GroupGetStatusResponse__Output } from './iommutwin/host/v1/GroupGetStatusResponse.js';
import type { GroupSetContainerRequest as _iommutwin_host_v1_GroupSetContainerRequest, GroupSetContainerRequest__Output as _iommutwin_host_v1_GroupSetContainerRequest__Output } from './iommutwin/host/v1/GroupSetContainerRequest.js';
import type { GroupSetContainerResponse as _iommutwin_host_v1_GroupSetContainerResponse, GroupSetContainerResponse__Output as _iommutwin_host_v1_GroupSetContainerResponse__Output } from './iommutwin/host/v1/GroupSetContainerResponse.js';
import type { GroupUnsetContainerRequest as _iommutwin_host_v1_GroupUnsetContainerRequest, GroupUnsetContainerRequest__Output as _iommutwin_host_v1_GroupUnsetContainerRequest__Output } from './iommutwin/host/v1/GroupUnsetContainerRequest.js';
import type { GroupUnsetContainerResponse as _iommutwin_host_v1_GroupUnsetContainerResponse, GroupUnsetContainerResponse__Output as _iommutwin_host_v1_GroupUnsetContainerResponse__Output } from './iommutwin/host/v1/GroupUnsetContainerResponse.js';
import type { HeartbeatRequest as _iommutwin_host_v1_HeartbeatRequest, HeartbeatRequest__Output as _iommutwin_host_v1_HeartbeatRequest__Output } from './iommutwin/host/v1/HeartbeatRequest.js';
import type { HeartbeatResponse as _iommutwin_host_v1_HeartbeatResponse, HeartbeatResponse__Output as _iommutwin_host_v1_HeartbeatResponse__Output } from './iommutwin/host/v1/HeartbeatResponse.js';
import type { HwptAllocRequest as _iommutwin_host_v1_HwptAllocRequest, HwptAllocRequest__Output as _iommutwin_host_v1_HwptAllocRequest__Output } from './iommutwin/host/v1/HwptAllocRequest.js';
import type { HwptAllocResponse as _iommutwin_host_v1_HwptAllocResponse, HwptAllocResponse__Output as _iommutwin_host_v1_HwptAllocResponse__Output } from './iommutwin/host/v1/HwptAllocResponse.js';
import type { HwptGetDirtyBitmapRequest as _iommutwin_host_v1_HwptGetDirtyBitmapRequest, HwptGetDirtyBitmapRequest__Output as _iommutwin_host_v1_HwptGetDirtyBitmapRequest__Output } from './iommutwin/host/v1/HwptGetDirtyBitmapRequest.js';
import type { HwptGetDirtyBitmapResponse as _iommutwin_host_v1_HwptGetDirtyBitmapResponse, HwptGetDirtyBitmapResponse__Output as _iommutwin_host_v1_HwptGetDirtyBitmapResponse__Output } from './iommutwin/host/v1/HwptGetDirtyBitmapResponse.js';
import type { HwptInvalidateRequest as _iommutwin_host_v1_HwptInvalidateRequest, HwptInvalidateRequest__Output as _iommutwin_host_v1_HwptInvalidateRequest__Output } from './iommutwin/host/v1/HwptInvalidateRequest.js';
import type { HwptInvalidateResponse as _iommutwin_host_v1_HwptInvalidateResponse, HwptInvalidateResponse__Output as _iommutwin_host_v1_HwptInvalidateResponse__Output } from './iommutwin/host/v1/HwptInvalidateResponse.js';
import type { HwptSetDirtyTrackingRequest as _iommutwin_host_v1_HwptSetDirtyTrackingRequest, HwptSetDirtyTrackingRequest__Output as _iommutwin_host_v1_HwptSetDirtyTrackingRequest__Output } from './iommutwin/host/v1/HwptSetDirtyTrackingRequest.js';
import type { HwptSetDirtyTrackingResponse as _iommutwin_host_v1_HwptSetDirtyTrackingResponse, HwptSetDirtyTrackingResponse__Output as _iommutwin_host_v1_HwptSetDirtyTrackingResponse__Output } from './iommutwin/host/v1/HwptSetDirtyTrackingResponse.js';
import type { InspectRequest as _iommutwin_host_v1_InspectRequest, InspectRequest__Output as _iommutwin_host_v1_InspectRequest__Output } from './iommutwin/host/v1/InspectRequest.js';
import type { InspectResponse as _iommutwin_host_v1_InspectResponse, InspectResponse__Output as _iommutwin_host_v1_InspectResponse__Output } from './iommutwin/host/v1/InspectResponse.js';
import type { InvalidationChannelRequest as _iommutwin_host_v1_InvalidationChannelRequest, InvalidationChannelRequest__Output as _iommutwin_host_v1_InvalidationChannelRequest__Output } from './iommutwin/host/v1/InvalidationChannelRequest.js';
import type { InvalidationChannelResponse as _iommutwin_host_v1_InvalidationChannelResponse, InvalidationChannelResponse__Output as _iommutwin_host_v1_InvalidationChannelResponse__Output } from './iommutwin/host/v1/InvalidationChannelResponse.js';
import type { IoasAllocRequest as _iommutwin_host_v1_IoasAllocRequest, IoasAllocRequest__Output as _iommutwin_host_v1_IoasAllocRequest__Output } from './iommutwin/host/v1/IoasAllocRequest.js';
import type { IoasAllocResponse as _iommutwin_host_v1_IoasAllocResponse, IoasAllocResponse__Output as _iommutwin_host_v1_IoasAllocResponse__Output } from './iommutwin/host/v1/IoasAllocResponse.js';
import type { IoasAllowIovasRequest as _iommutwin_host_v1_IoasAllowIovasRequest, IoasAllowIovasRequest__Output as _iommutwin_host_v1_IoasAllowIovasRequest__Output } from './iommutwin/host/v1/IoasAllowIovasRequest.js';
import type { IoasAllowIovasResponse as _iommutwin_host_v1_IoasAllowIovasResponse, IoasAllowIovasResponse__Output as _iommutwin_host_v1_IoasAllowIovasResponse__Output } from './iommutwin/host/v1/IoasAllowIovasResponse.js';
import type { IoasArea as _iommutwin_host_v1_IoasArea, IoasArea__Output as _iommutwin_host_v1_IoasArea__Output } from './iommutwin/host/v1/IoasArea.js';
import type { IoasChangeProcessRequest as _iommutwin_host_v1_IoasChangeProcessRequest, IoasChangeProcessRequest__Output as _iommutwin_host_v1_IoasChangeProcessRequest__Output } from './iommutwin/host/v1/IoasChangeProcessRequest.js';
import type { IoasChangeProcessResponse as _iommutwin_host_v1_IoasChangeProcessResponse, IoasChangeProcessResponse__Output as _iommutwin_host_v1_IoasChangeProcessResponse__Output } from './iommutwin/host/v1/IoasChangeProcessResponse.js';
import type { IoasCopyRequest as _iommutwin_host_v1_IoasCopyRequest, IoasCopyRequest__Output as _iommutwin_host_v1_IoasCopyRequest__Output } from './iommutwin/host/v1/IoasCopyRequest.js';
import type { IoasCopyResponse as _iommutwin_host_v1_IoasCopyResponse, IoasCopyResponse__Output as _iommutwin_host_v1_IoasCopyResponse__Output } from './iommutwin/host/v1/IoasCopyResponse.js';
import type { IoasIovaRangesRequest as _iommutwin_host_v1_IoasIovaRangesRequest, IoasIovaRangesRequest__Output as _iommutwin_host_v1_IoasIovaRangesRequest__Output } from './iommutwin/host/v1/IoasIovaRangesRequest.js';
import type { IoasIovaRangesResponse as _iommutwin_host_v1_IoasIovaRangesResponse, IoasIovaRangesResponse__Output as _iommutwin_host_v1_IoasIovaRangesResponse__Output } from './iommutwin/host/v1/IoasIovaRangesResponse.js';
import type { IoasMapFileRequest as _iommutwin_host_v1_IoasMapFileRequest, IoasMapFileRequest__Output as _iommutwin_host_v1_IoasMapFileRequest__Output } from './iommutwin/host/v1/IoasMapFileRequest.js';
import type { IoasMapFileResponse as _iommutwin_host_v1_IoasMapFileResponse, IoasMapFileResponse__Output as _iommutwin_host_v1_IoasMapFileResponse__Output } from './iommutwin/host/v1/IoasMapFileResponse.js';
import type { IoasMapRequest as _iommutwin_host_v1_IoasMapRequest, IoasMapRequest__Output as _iommutwin_host_v1_IoasMapRequest__Output } from './iommutwin/host/v1/IoasMapRequest.js';
import type { IoasMapResponse as _iommutwin_host_v1_IoasMapResponse, IoasMapResponse__Output as _iommutwin_host_v1_IoasMapResponse__Output } from './iommutwin/host/v1/IoasMapResponse.js';
import type { IoasUnmapRequest as _iommutwin_host_v1_IoasUnmapRequest, IoasUnmapRequest__Output as _iommutwin_host_v1_IoasUnmapRequest__Output } from './iommutwin/host/v1/IoasUnmapRequest.js';
import type { IoasUnmapResponse as _iommutwin_host_v1_IoasUnmapResponse, IoasUnmapResponse__Output as _iommutwin_host_v1_IoasUnmapResponse__Output } from './iommutwin/host/v1/IoasUnmapResponse.js';
import type { IoctlsRequest as _iommutwin_host_v1_IoctlsRequest, IoctlsRequest__Output as _iommutwin_host_v1_IoctlsRequest__Output } from './iommutwin/host/v1/IoctlsRequest.js';
import type { IoctlsResponse as _iommutwin_host_v1_IoctlsResponse, IoctlsResponse__Output as _iommutwin_host_v1_IoctlsResponse__Output } from './iommutwin/host/v1/IoctlsResponse.js';
import type { IommuGroup as _iommutwin_host_v1_IommuGroup, IommuGroup__Output as _iommutwin_host_v1_IommuGroup__Output } from './iommutwin/host/v1/IommuGroup.js';
import type { IommuUnit as _iommutwin_host_v1_IommuUnit, IommuUnit__Output as _iommutwin_host_v1_IommuUnit__Output } from './iommutwin/host/v1/IommuUnit.js';
import type { IommufdClient as _iommutwin_host_v1_IommufdClient, IommufdDefinition as _iommutwin_host_v1_IommufdDefinition } from './iommutwin/host/v1/Iommufd.js';
import type { IommufdObjectRef as _iommutwin_host_v1_IommufdObjectRef, IommufdObjectRef__Output as _iommutwin_host_v1_IommufdObjectRef__Output } from './iommutwin/host/v1/IommufdObjectRef.js';
import type { IotlbEntry as _iommutwin_host_v1_IotlbEntry, IotlbEntry__Output as _iommutwin_host_v1_IotlbEntry__Output } from './iommutwin/host/v1/IotlbEntry.js';
import type { IotlbStats as _iommutwin_host_v1_IotlbStats, IotlbStats__Output as _iommutwin_host_v1_IotlbStats__Output } from './iommutwin/host/v1/IotlbStats.js';
import type { KernelFeatures as _iommutwin_host_v1_KernelFeatures, KernelFeatures__Output as _iommutwin_host_v1_KernelFeatures__Output } from './iommutwin/host/v1/KernelFeatures.js';
import type { LeafCount as _iommutwin_host_v1_LeafCount, LeafCount__Output as _iommutwin_host_v1_LeafCount__Output } from './iommutwin/host/v1/LeafCount.js';
import type { MemfdCreateRequest as _iommutwin_host_v1_MemfdCreateRequest, MemfdCreateRequest__Output as _iommutwin_host_v1_MemfdCreateRequest__Output } from './iommutwin/host/v1/MemfdCreateRequest.js';
import type { MemfdCreateResponse as _iommutwin_host_v1_MemfdCreateResponse, MemfdCreateResponse__Output as _iommutwin_host_v1_MemfdCreateResponse__Output } from './iommutwin/host/v1/MemfdCreateResponse.js';
import type { MmapRequest as _iommutwin_host_v1_MmapRequest, MmapRequest__Output as _iommutwin_host_v1_MmapRequest__Output } from './iommutwin/host/v1/MmapRequest.js';
import type { MmapResponse as _iommutwin_host_v1_MmapResponse, MmapResponse__Output as _iommutwin_host_v1_MmapResponse__Output } from './iommutwin/host/v1/MmapResponse.js';
import type { MunmapRequest as _iommutwin_host_v1_MunmapRequest, MunmapRequest__Output as _iommutwin_host_v1_MunmapRequest__Output } from './iommutwin/host/v1/MunmapRequest.js';
import type { MunmapResponse as _iommutwin_host_v1_MunmapResponse, MunmapResponse__Output as _iommutwin_host_v1_MunmapResponse__Output } from './iommutwin/host/v1/MunmapResponse.js';
import type { OpenRequest as _iommutwin_host_v1_OpenRequest, OpenRequest__Output as _iommutwin_host_v1_OpenRequest__Output } from './iommutwin/host/v1/OpenRequest.js';
import type { OpenResponse as _iommutwin_host_v1_OpenResponse, OpenResponse__Output as _iommutwin_host_v1_OpenResponse__Output } from './iommutwin/host/v1/OpenResponse.js';
import type { OptionRequest as _iommutwin_host_v1_OptionRequest, OptionRequest__Output as _iommutwin_host_v1_OptionRequest__Output } from './iommutwin/host/v1/OptionRequest.js';
import type { OptionResponse as _iommutwin_host_v1_OptionResponse, OptionResponse__Output as _iommutwin_host_v1_OptionResponse__Output } from './iommutwin/host/v1/OptionResponse.js';
import type { PageFault as _iommutwin_host_v1_PageFault, PageFault__Output as _iommutwin_host_v1_PageFault__Output } from './iommutwin/host/v1/PageFault.js';
import type { PageResponse as _iommutwin_host_v1_PageResponse, PageResponse__Output as _iommutwin_host_v1_PageResponse__Output } from './iommutwin/host/v1/PageResponse.js';
import type { PageTableStats as _iommutwin_host_v1_PageTableStats, PageTableStats__Output as _iommutwin_host_v1_PageTableStats__Output } from './iommutwin/host/v1/PageTableStats.js';
import type { PciDevice as _iommutwin_host_v1_PciDevice, PciDevice__Output as _iommutwin_host_v1_PciDevice__Output } from './iommutwin/host/v1/PciDevice.js';
import type { PingRequest as _iommutwin_host_v1_PingRequest, PingRequest__Output as _iommutwin_host_v1_PingRequest__Output } from './iommutwin/host/v1/PingRequest.js';
import type { PingResponse as _iommutwin_host_v1_PingResponse, PingResponse__Output as _iommutwin_host_v1_PingResponse__Output } from './iommutwin/host/v1/PingResponse.js';
import type { PingStreamRequest as _iommutwin_host_v1_PingStreamRequest, PingStreamRequest__Output as _iommutwin_host_v1_PingStreamRequest__Output } from './iommutwin/host/v1/PingStreamRequest.js';
import type { PingStreamResponse as _iommutwin_host_v1_PingStreamResponse, PingStreamResponse__Output as _iommutwin_host_v1_PingStreamResponse__Output } from './iommutwin/host/v1/PingStreamResponse.js';
import type { PinnedPages as _iommutwin_host_v1_PinnedPages, PinnedPages__Output as _iommutwin_host_v1_PinnedPages__Output } from './iommutwin/host/v1/PinnedPages.js';
import type { PlatformClient as _iommutwin_host_v1_PlatformClient, PlatformDefinition as _iommutwin_host_v1_PlatformDefinition } from './iommutwin/host/v1/Platform.js';
import type { PlugRequest as _iommutwin_host_v1_PlugRequest, PlugRequest__Output as _iommutwin_host_v1_PlugRequest__Output } from './iommutwin/host/v1/PlugRequest.js';
import type { PlugResponse as _iommutwin_host_v1_PlugResponse, PlugResponse__Output as _iommutwin_host_v1_PlugResponse__Output } from './iommutwin/host/v1/PlugResponse.js';
import type { ProcessClient as _iommutwin_host_v1_ProcessClient, ProcessDefinition as _iommutwin_host_v1_ProcessDefinition } from './iommutwin/host/v1/Process.js';
import type { ProcessIdentity as _iommutwin_host_v1_ProcessIdentity, ProcessIdentity__Output as _iommutwin_host_v1_ProcessIdentity__Output } from './iommutwin/host/v1/ProcessIdentity.js';
import type { ReadFaultsRequest as _iommutwin_host_v1_ReadFaultsRequest, ReadFaultsRequest__Output as _iommutwin_host_v1_ReadFaultsRequest__Output } from './iommutwin/host/v1/ReadFaultsRequest.js';
import type { ReadFaultsResponse as _iommutwin_host_v1_ReadFaultsResponse, ReadFaultsResponse__Output as _iommutwin_host_v1_ReadFaultsResponse__Output } from './iommutwin/host/v1/ReadFaultsResponse.js';
import type { ReadMemoryRequest as _iommutwin_host_v1_ReadMemoryRequest, ReadMemoryRequest__Output as _iommutwin_host_v1_ReadMemoryRequest__Output } from './iommutwin/host/v1/ReadMemoryRequest.js';
import type { ReadMemoryResponse as _iommutwin_host_v1_ReadMemoryResponse, ReadMemoryResponse__Output as _iommutwin_host_v1_ReadMemoryResponse__Output } from './iommutwin/host/v1/ReadMemoryResponse.js';
import type { ReadMigDataRequest as _iommutwin_host_v1_ReadMigDataRequest, ReadMigDataRequest__Output as _iommutwin_host_v1_ReadMigDataRequest__Output } from './iommutwin/host/v1/ReadMigDataRequest.js';
import type { ReadMigDataResponse as _iommutwin_host_v1_ReadMigDataResponse, ReadMigDataResponse__Output as _iommutwin_host_v1_ReadMigDataResponse__Output } from './iommutwin/host/v1/ReadMigDataResponse.js';
import type { ReadVeventsRequest as _iommutwin_host_v1_ReadVeventsRequest, ReadVeventsRequest__Output as _iommutwin_host_v1_ReadVeventsRequest__Output } from './iommutwin/host/v1/ReadVeventsRequest.js';
import type { ReadVeventsResponse as _iommutwin_host_v1_ReadVeventsResponse, ReadVeventsResponse__Output as _iommutwin_host_v1_ReadVeventsResponse__Output } from './iommutwin/host/v1/ReadVeventsResponse.js';
import type { ReservedRegion as _iommutwin_host_v1_ReservedRegion, ReservedRegion__Output as _iommutwin_host_v1_ReservedRegion__Output } from './iommutwin/host/v1/ReservedRegion.js';
import type { RespondFaultsRequest as _iommutwin_host_v1_RespondFaultsRequest, RespondFaultsRequest__Output as _iommutwin_host_v1_RespondFaultsRequest__Output } from './iommutwin/host/v1/RespondFaultsRequest.js';
import type { RespondFaultsResponse as _iommutwin_host_v1_RespondFaultsResponse, RespondFaultsResponse__Output as _iommutwin_host_v1_RespondFaultsResponse__Output } from './iommutwin/host/v1/RespondFaultsResponse.js';
import type { SendFdRequest as _iommutwin_host_v1_SendFdRequest, SendFdRequest__Output as _iommutwin_host_v1_SendFdRequest__Output } from './iommutwin/host/v1/SendFdRequest.js';
import type { SendFdResponse as _iommutwin_host_v1_SendFdResponse, SendFdResponse__Output as _iommutwin_host_v1_SendFdResponse__Output } from './iommutwin/host/v1/SendFdResponse.js';
import type { SetBarDecodeRequest as _iommutwin_host_v1_SetBarDecodeRequest, SetBarDecodeRequest__Output as _iommutwin_host_v1_SetBarDecodeRequest__Output } from './iommutwin/host/v1/SetBarDecodeRequest.js';
import type { SetBarDecodeResponse as _iommutwin_host_v1_SetBarDecodeResponse, SetBarDecodeResponse__Output as _iommutwin_host_v1_SetBarDecodeResponse__Output } from './iommutwin/host/v1/SetBarDecodeResponse.js';
import type { SetDriverRequest as _iommutwin_host_v1_SetDriverRequest, SetDriverRequest__Output as _iommutwin_host_v1_SetDriverRequest__Output } from './iommutwin/host/v1/SetDriverRequest.js';
import type { SetDriverResponse as _iommutwin_host_v1_SetDriverResponse, SetDriverResponse__Output as _iommutwin_host_v1_SetDriverResponse__Output } from './iommutwin/host/v1/SetDriverResponse.js';
import type { SpawnRequest as _iommutwin_host_v1_SpawnRequest, SpawnRequest__Output as _iommutwin_host_v1_SpawnRequest__Output } from './iommutwin/host/v1/SpawnRequest.js';
import type { SpawnResponse as _iommutwin_host_v1_SpawnResponse, SpawnResponse__Output as _iommutwin_host_v1_SpawnResponse__Output } from './iommutwin/host/v1/SpawnResponse.js';
import type { UnplugRequest as _iommutwin_host_v1_UnplugRequest, UnplugRequest__Output as _iommutwin_host_v1_UnplugRequest__Output } from './iommutwin/host/v1/UnplugRequest.js';
import type { UnplugResponse as _iommutwin_host_v1_UnplugResponse, UnplugResponse__Output as _iommutwin_host_v1_UnplugResponse__Output } from './iommutwin/host/v1/UnplugResponse.js';
import type { VdeviceAllocRequest as _iommutwin_host_v1_VdeviceAllocRequest, VdeviceAllocRequest__Output as _iommutwin_host_v1_VdeviceAllocRequest__Output } from './iommutwin/host/v1/VdeviceAllocRequest.js';
import type { VdeviceAllocResponse as _iommutwin_host_v1_VdeviceAllocResponse, VdeviceAllocResponse__Output as _iommutwin_host_v1_VdeviceAllocResponse__Output } from './iommutwin/host/v1/VdeviceAllocResponse.js';
import type { VeventqAllocRequest as _iommutwin_host_v1_VeventqAllocRequest, VeventqAllocRequest__Output as _iommutwin_host_v1_VeventqAllocRequest__Output } from './iommutwin/host/v1/VeventqAllocRequest.js';
import type { VeventqAllocResponse as _iommutwin_host_v1_VeventqAllocResponse, VeventqAllocResponse__Output as _iommutwin_host_v1_VeventqAllocResponse__Output } from './iommutwin/host/v1/VeventqAllocResponse.js';
import type { VfioClient as _iommutwin_host_v1_VfioClient, VfioDefinition as _iommutwin_host_v1_VfioDefinition } from './iommutwin/host/v1/Vfio.js';
import type { VfioIoasRequest as _iommutwin_host_v1_VfioIoasRequest, VfioIoasRequest__Output as _iommutwin_host_v1_VfioIoasRequest__Output } from './iommutwin/host/v1/VfioIoasRequest.js';
import type { VfioIoasResponse as _iommutwin_host_v1_VfioIoasResponse, VfioIoasResponse__Output as _iommutwin_host_v1_VfioIoasResponse__Output } from './iommutwin/host/v1/VfioIoasResponse.js';
import type { ViommuAllocRequest as _iommutwin_host_v1_ViommuAllocRequest, ViommuAllocRequest__Output as _iommutwin_host_v1_ViommuAllocRequest__Output } from './iommutwin/host/v1/ViommuAllocRequest.js';
import type { ViommuAllocResponse as _iommutwin_host_v1_ViommuAllocResponse, ViommuAllocResponse__Output as _iommutwin_host_v1_ViommuAllocResponse__Output } from './iommutwin/host/v1/ViommuAllocResponse.js';
import type { WatchEventsRequest as _iommutwin_host_v1_WatchEventsRequest, WatchEventsRequest__Output as _iommutwin_host_v1_WatchEventsRequest__Output } from './iommutwin/host/v1/WatchEventsRequest.js';
import type { WatchEventsResponse as _iommutwin_host_v1_WatchEventsResponse, WatchEventsResponse__Output as _iommutwin_host_v1_WatchEventsResponse__Output } from './iommutwin/host/v1/WatchEventsResponse.js';
import type { WriteMemoryRequest as _iommutwin_host_v1_WriteMemoryRequest, WriteMemoryRequest__Output as _iommutwin_host_v1_WriteMemoryRequest__Output } from './iommutwin/host/v1/WriteMemoryRequest.js';
import type { WriteMemoryResponse as _iommutwin_host_v1_WriteMemoryResponse, WriteMemoryResponse__Output as _iommutwin_host_v1_WriteMemoryResponse__Output } from './iommutwin/host/v1/WriteMemoryResponse.js';
import type { WriteMigDataRequest as _iommutwin_host_v1_WriteMigDataRequest, WriteMigDataRequest__Output as _iommutwin_host_v1_WriteMigDataRequest__Output } from './iommutwin/host/v1/WriteMigDataRequest.js';
import type { WriteMigDataResponse as _iommutwin_host_v1_WriteMigDataResponse, WriteMigDataResponse__Output as _iommutwin_host_v1_WriteMigDataResponse__Output } from './iommutwin/host/v1/WriteMigDataResponse.js';
import type { AttachReq as _iommutwin_vmm_v1_AttachReq, AttachReq__Output as _iommutwin_vmm_v1_AttachReq__Output } from './iommutwin/vmm/v1/AttachReq.js';
import type { CheckMigrationRequest as _iommutwin_vmm_v1_CheckMigrationRequest, CheckMigrationRequest__Output as _iommutwin_vmm_v1_CheckMigrationRequest__Output } from './iommutwin/vmm/v1/CheckMigrationRequest.js';
import type { CheckMigrationResponse as _iommutwin_vmm_v1_CheckMigrationResponse, CheckMigrationResponse__Output as _iommutwin_vmm_v1_CheckMigrationResponse__Output } from './iommutwin/vmm/v1/CheckMigrationResponse.js';
import type { ComputeBaselineRequest as _iommutwin_vmm_v1_ComputeBaselineRequest, ComputeBaselineRequest__Output as _iommutwin_vmm_v1_ComputeBaselineRequest__Output } from './iommutwin/vmm/v1/ComputeBaselineRequest.js';
import type { ComputeBaselineResponse as _iommutwin_vmm_v1_ComputeBaselineResponse, ComputeBaselineResponse__Output as _iommutwin_vmm_v1_ComputeBaselineResponse__Output } from './iommutwin/vmm/v1/ComputeBaselineResponse.js';
import type { CreateVmRequest as _iommutwin_vmm_v1_CreateVmRequest, CreateVmRequest__Output as _iommutwin_vmm_v1_CreateVmRequest__Output } from './iommutwin/vmm/v1/CreateVmRequest.js';
import type { CreateVmResponse as _iommutwin_vmm_v1_CreateVmResponse, CreateVmResponse__Output as _iommutwin_vmm_v1_CreateVmResponse__Output } from './iommutwin/vmm/v1/CreateVmResponse.js';
import type { DeleteVmRequest as _iommutwin_vmm_v1_DeleteVmRequest, DeleteVmRequest__Output as _iommutwin_vmm_v1_DeleteVmRequest__Output } from './iommutwin/vmm/v1/DeleteVmRequest.js';
import type { DeleteVmResponse as _iommutwin_vmm_v1_DeleteVmResponse, DeleteVmResponse__Output as _iommutwin_vmm_v1_DeleteVmResponse__Output } from './iommutwin/vmm/v1/DeleteVmResponse.js';
import type { DetachReq as _iommutwin_vmm_v1_DetachReq, DetachReq__Output as _iommutwin_vmm_v1_DetachReq__Output } from './iommutwin/vmm/v1/DetachReq.js';
import type { DeviceInfo as _iommutwin_vmm_v1_DeviceInfo, DeviceInfo__Output as _iommutwin_vmm_v1_DeviceInfo__Output } from './iommutwin/vmm/v1/DeviceInfo.js';
import type { DeviceRemoved as _iommutwin_vmm_v1_DeviceRemoved, DeviceRemoved__Output as _iommutwin_vmm_v1_DeviceRemoved__Output } from './iommutwin/vmm/v1/DeviceRemoved.js';
import type { DeviceSpec as _iommutwin_vmm_v1_DeviceSpec, DeviceSpec__Output as _iommutwin_vmm_v1_DeviceSpec__Output } from './iommutwin/vmm/v1/DeviceSpec.js';
import type { DmaRequest as _iommutwin_vmm_v1_DmaRequest, DmaRequest__Output as _iommutwin_vmm_v1_DmaRequest__Output } from './iommutwin/vmm/v1/DmaRequest.js';
import type { DmaResponse as _iommutwin_vmm_v1_DmaResponse, DmaResponse__Output as _iommutwin_vmm_v1_DmaResponse__Output } from './iommutwin/vmm/v1/DmaResponse.js';
import type { EventsRequest as _iommutwin_vmm_v1_EventsRequest, EventsRequest__Output as _iommutwin_vmm_v1_EventsRequest__Output } from './iommutwin/vmm/v1/EventsRequest.js';
import type { EventsResponse as _iommutwin_vmm_v1_EventsResponse, EventsResponse__Output as _iommutwin_vmm_v1_EventsResponse__Output } from './iommutwin/vmm/v1/EventsResponse.js';
import type { GetHostCapabilitiesRequest as _iommutwin_vmm_v1_GetHostCapabilitiesRequest, GetHostCapabilitiesRequest__Output as _iommutwin_vmm_v1_GetHostCapabilitiesRequest__Output } from './iommutwin/vmm/v1/GetHostCapabilitiesRequest.js';
import type { GetHostCapabilitiesResponse as _iommutwin_vmm_v1_GetHostCapabilitiesResponse, GetHostCapabilitiesResponse__Output as _iommutwin_vmm_v1_GetHostCapabilitiesResponse__Output } from './iommutwin/vmm/v1/GetHostCapabilitiesResponse.js';
import type { GetVmRequest as _iommutwin_vmm_v1_GetVmRequest, GetVmRequest__Output as _iommutwin_vmm_v1_GetVmRequest__Output } from './iommutwin/vmm/v1/GetVmRequest.js';
import type { GetVmResponse as _iommutwin_vmm_v1_GetVmResponse, GetVmResponse__Output as _iommutwin_vmm_v1_GetVmResponse__Output } from './iommutwin/vmm/v1/GetVmResponse.js';
import type { GuestClient as _iommutwin_vmm_v1_GuestClient, GuestDefinition as _iommutwin_vmm_v1_GuestDefinition } from './iommutwin/vmm/v1/Guest.js';
import type { GuestBar as _iommutwin_vmm_v1_GuestBar, GuestBar__Output as _iommutwin_vmm_v1_GuestBar__Output } from './iommutwin/vmm/v1/GuestBar.js';
import type { GuestInterrupt as _iommutwin_vmm_v1_GuestInterrupt, GuestInterrupt__Output as _iommutwin_vmm_v1_GuestInterrupt__Output } from './iommutwin/vmm/v1/GuestInterrupt.js';
import type { HostLinkStatus as _iommutwin_vmm_v1_HostLinkStatus, HostLinkStatus__Output as _iommutwin_vmm_v1_HostLinkStatus__Output } from './iommutwin/vmm/v1/HostLinkStatus.js';
import type { HostObjects as _iommutwin_vmm_v1_HostObjects, HostObjects__Output as _iommutwin_vmm_v1_HostObjects__Output } from './iommutwin/vmm/v1/HostObjects.js';
import type { HotplugDeviceRequest as _iommutwin_vmm_v1_HotplugDeviceRequest, HotplugDeviceRequest__Output as _iommutwin_vmm_v1_HotplugDeviceRequest__Output } from './iommutwin/vmm/v1/HotplugDeviceRequest.js';
import type { HotplugDeviceResponse as _iommutwin_vmm_v1_HotplugDeviceResponse, HotplugDeviceResponse__Output as _iommutwin_vmm_v1_HotplugDeviceResponse__Output } from './iommutwin/vmm/v1/HotplugDeviceResponse.js';
import type { InspectViommuRequest as _iommutwin_vmm_v1_InspectViommuRequest, InspectViommuRequest__Output as _iommutwin_vmm_v1_InspectViommuRequest__Output } from './iommutwin/vmm/v1/InspectViommuRequest.js';
import type { InspectViommuResponse as _iommutwin_vmm_v1_InspectViommuResponse, InspectViommuResponse__Output as _iommutwin_vmm_v1_InspectViommuResponse__Output } from './iommutwin/vmm/v1/InspectViommuResponse.js';
import type { IntelIommuSpec as _iommutwin_vmm_v1_IntelIommuSpec, IntelIommuSpec__Output as _iommutwin_vmm_v1_IntelIommuSpec__Output } from './iommutwin/vmm/v1/IntelIommuSpec.js';
import type { IommufdObjectSpec as _iommutwin_vmm_v1_IommufdObjectSpec, IommufdObjectSpec__Output as _iommutwin_vmm_v1_IommufdObjectSpec__Output } from './iommutwin/vmm/v1/IommufdObjectSpec.js';
import type { IommufdReplacement as _iommutwin_vmm_v1_IommufdReplacement, IommufdReplacement__Output as _iommutwin_vmm_v1_IommufdReplacement__Output } from './iommutwin/vmm/v1/IommufdReplacement.js';
import type { ListVmsRequest as _iommutwin_vmm_v1_ListVmsRequest, ListVmsRequest__Output as _iommutwin_vmm_v1_ListVmsRequest__Output } from './iommutwin/vmm/v1/ListVmsRequest.js';
import type { ListVmsResponse as _iommutwin_vmm_v1_ListVmsResponse, ListVmsResponse__Output as _iommutwin_vmm_v1_ListVmsResponse__Output } from './iommutwin/vmm/v1/ListVmsResponse.js';
import type { MapReq as _iommutwin_vmm_v1_MapReq, MapReq__Output as _iommutwin_vmm_v1_MapReq__Output } from './iommutwin/vmm/v1/MapReq.js';
import type { MigrateRequest as _iommutwin_vmm_v1_MigrateRequest, MigrateRequest__Output as _iommutwin_vmm_v1_MigrateRequest__Output } from './iommutwin/vmm/v1/MigrateRequest.js';
import type { MigrateResponse as _iommutwin_vmm_v1_MigrateResponse, MigrateResponse__Output as _iommutwin_vmm_v1_MigrateResponse__Output } from './iommutwin/vmm/v1/MigrateResponse.js';
import type { MigrationBlocker as _iommutwin_vmm_v1_MigrationBlocker, MigrationBlocker__Output as _iommutwin_vmm_v1_MigrationBlocker__Output } from './iommutwin/vmm/v1/MigrationBlocker.js';
import type { MmioReadRequest as _iommutwin_vmm_v1_MmioReadRequest, MmioReadRequest__Output as _iommutwin_vmm_v1_MmioReadRequest__Output } from './iommutwin/vmm/v1/MmioReadRequest.js';
import type { MmioReadResponse as _iommutwin_vmm_v1_MmioReadResponse, MmioReadResponse__Output as _iommutwin_vmm_v1_MmioReadResponse__Output } from './iommutwin/vmm/v1/MmioReadResponse.js';
import type { MmioRegion as _iommutwin_vmm_v1_MmioRegion, MmioRegion__Output as _iommutwin_vmm_v1_MmioRegion__Output } from './iommutwin/vmm/v1/MmioRegion.js';
import type { MmioWriteRequest as _iommutwin_vmm_v1_MmioWriteRequest, MmioWriteRequest__Output as _iommutwin_vmm_v1_MmioWriteRequest__Output } from './iommutwin/vmm/v1/MmioWriteRequest.js';
import type { MmioWriteResponse as _iommutwin_vmm_v1_MmioWriteResponse, MmioWriteResponse__Output as _iommutwin_vmm_v1_MmioWriteResponse__Output } from './iommutwin/vmm/v1/MmioWriteResponse.js';
import type { P2pMapping as _iommutwin_vmm_v1_P2pMapping, P2pMapping__Output as _iommutwin_vmm_v1_P2pMapping__Output } from './iommutwin/vmm/v1/P2pMapping.js';
import type { PingRequest as _iommutwin_vmm_v1_PingRequest, PingRequest__Output as _iommutwin_vmm_v1_PingRequest__Output } from './iommutwin/vmm/v1/PingRequest.js';
import type { PingResponse as _iommutwin_vmm_v1_PingResponse, PingResponse__Output as _iommutwin_vmm_v1_PingResponse__Output } from './iommutwin/vmm/v1/PingResponse.js';
import type { ProbeProperty as _iommutwin_vmm_v1_ProbeProperty, ProbeProperty__Output as _iommutwin_vmm_v1_ProbeProperty__Output } from './iommutwin/vmm/v1/ProbeProperty.js';
import type { ProbeReq as _iommutwin_vmm_v1_ProbeReq, ProbeReq__Output as _iommutwin_vmm_v1_ProbeReq__Output } from './iommutwin/vmm/v1/ProbeReq.js';
import type { RamRange as _iommutwin_vmm_v1_RamRange, RamRange__Output as _iommutwin_vmm_v1_RamRange__Output } from './iommutwin/vmm/v1/RamRange.js';
import type { RawReq as _iommutwin_vmm_v1_RawReq, RawReq__Output as _iommutwin_vmm_v1_RawReq__Output } from './iommutwin/vmm/v1/RawReq.js';
import type { ReadMemoryRequest as _iommutwin_vmm_v1_ReadMemoryRequest, ReadMemoryRequest__Output as _iommutwin_vmm_v1_ReadMemoryRequest__Output } from './iommutwin/vmm/v1/ReadMemoryRequest.js';
import type { ReadMemoryResponse as _iommutwin_vmm_v1_ReadMemoryResponse, ReadMemoryResponse__Output as _iommutwin_vmm_v1_ReadMemoryResponse__Output } from './iommutwin/vmm/v1/ReadMemoryResponse.js';
import type { ReceiveMigrationRequest as _iommutwin_vmm_v1_ReceiveMigrationRequest, ReceiveMigrationRequest__Output as _iommutwin_vmm_v1_ReceiveMigrationRequest__Output } from './iommutwin/vmm/v1/ReceiveMigrationRequest.js';
import type { ReceiveMigrationResponse as _iommutwin_vmm_v1_ReceiveMigrationResponse, ReceiveMigrationResponse__Output as _iommutwin_vmm_v1_ReceiveMigrationResponse__Output } from './iommutwin/vmm/v1/ReceiveMigrationResponse.js';
import type { RemovedDevice as _iommutwin_vmm_v1_RemovedDevice, RemovedDevice__Output as _iommutwin_vmm_v1_RemovedDevice__Output } from './iommutwin/vmm/v1/RemovedDevice.js';
import type { SmmuFault as _iommutwin_vmm_v1_SmmuFault, SmmuFault__Output as _iommutwin_vmm_v1_SmmuFault__Output } from './iommutwin/vmm/v1/SmmuFault.js';
import type { Smmuv3ConfigCacheEntry as _iommutwin_vmm_v1_Smmuv3ConfigCacheEntry, Smmuv3ConfigCacheEntry__Output as _iommutwin_vmm_v1_Smmuv3ConfigCacheEntry__Output } from './iommutwin/vmm/v1/Smmuv3ConfigCacheEntry.js';
import type { Smmuv3Inspect as _iommutwin_vmm_v1_Smmuv3Inspect, Smmuv3Inspect__Output as _iommutwin_vmm_v1_Smmuv3Inspect__Output } from './iommutwin/vmm/v1/Smmuv3Inspect.js';
import type { Smmuv3IotlbEntry as _iommutwin_vmm_v1_Smmuv3IotlbEntry, Smmuv3IotlbEntry__Output as _iommutwin_vmm_v1_Smmuv3IotlbEntry__Output } from './iommutwin/vmm/v1/Smmuv3IotlbEntry.js';
import type { Smmuv3Register as _iommutwin_vmm_v1_Smmuv3Register, Smmuv3Register__Output as _iommutwin_vmm_v1_Smmuv3Register__Output } from './iommutwin/vmm/v1/Smmuv3Register.js';
import type { Smmuv3Spec as _iommutwin_vmm_v1_Smmuv3Spec, Smmuv3Spec__Output as _iommutwin_vmm_v1_Smmuv3Spec__Output } from './iommutwin/vmm/v1/Smmuv3Spec.js';
import type { Smmuv3StreamView as _iommutwin_vmm_v1_Smmuv3StreamView, Smmuv3StreamView__Output as _iommutwin_vmm_v1_Smmuv3StreamView__Output } from './iommutwin/vmm/v1/Smmuv3StreamView.js';
import type { StartVmRequest as _iommutwin_vmm_v1_StartVmRequest, StartVmRequest__Output as _iommutwin_vmm_v1_StartVmRequest__Output } from './iommutwin/vmm/v1/StartVmRequest.js';
import type { StartVmResponse as _iommutwin_vmm_v1_StartVmResponse, StartVmResponse__Output as _iommutwin_vmm_v1_StartVmResponse__Output } from './iommutwin/vmm/v1/StartVmResponse.js';
import type { StopVmRequest as _iommutwin_vmm_v1_StopVmRequest, StopVmRequest__Output as _iommutwin_vmm_v1_StopVmRequest__Output } from './iommutwin/vmm/v1/StopVmRequest.js';
import type { StopVmResponse as _iommutwin_vmm_v1_StopVmResponse, StopVmResponse__Output as _iommutwin_vmm_v1_StopVmResponse__Output } from './iommutwin/vmm/v1/StopVmResponse.js';
import type { UnitCapability as _iommutwin_vmm_v1_UnitCapability, UnitCapability__Output as _iommutwin_vmm_v1_UnitCapability__Output } from './iommutwin/vmm/v1/UnitCapability.js';
import type { UnmapReq as _iommutwin_vmm_v1_UnmapReq, UnmapReq__Output as _iommutwin_vmm_v1_UnmapReq__Output } from './iommutwin/vmm/v1/UnmapReq.js';
import type { UnplugDeviceRequest as _iommutwin_vmm_v1_UnplugDeviceRequest, UnplugDeviceRequest__Output as _iommutwin_vmm_v1_UnplugDeviceRequest__Output } from './iommutwin/vmm/v1/UnplugDeviceRequest.js';
import type { UnplugDeviceResponse as _iommutwin_vmm_v1_UnplugDeviceResponse, UnplugDeviceResponse__Output as _iommutwin_vmm_v1_UnplugDeviceResponse__Output } from './iommutwin/vmm/v1/UnplugDeviceResponse.js';
import type { VfioDeviceSpec as _iommutwin_vmm_v1_VfioDeviceSpec, VfioDeviceSpec__Output as _iommutwin_vmm_v1_VfioDeviceSpec__Output } from './iommutwin/vmm/v1/VfioDeviceSpec.js';
import type { VfioPathCapability as _iommutwin_vmm_v1_VfioPathCapability, VfioPathCapability__Output as _iommutwin_vmm_v1_VfioPathCapability__Output } from './iommutwin/vmm/v1/VfioPathCapability.js';
import type { ViommuSpec as _iommutwin_vmm_v1_ViommuSpec, ViommuSpec__Output as _iommutwin_vmm_v1_ViommuSpec__Output } from './iommutwin/vmm/v1/ViommuSpec.js';
import type { VirtioDeviceSpec as _iommutwin_vmm_v1_VirtioDeviceSpec, VirtioDeviceSpec__Output as _iommutwin_vmm_v1_VirtioDeviceSpec__Output } from './iommutwin/vmm/v1/VirtioDeviceSpec.js';
import type { VirtioFault as _iommutwin_vmm_v1_VirtioFault, VirtioFault__Output as _iommutwin_vmm_v1_VirtioFault__Output } from './iommutwin/vmm/v1/VirtioFault.js';
import type { VirtioIommuConfigRequest as _iommutwin_vmm_v1_VirtioIommuConfigRequest, VirtioIommuConfigRequest__Output as _iommutwin_vmm_v1_VirtioIommuConfigRequest__Output } from './iommutwin/vmm/v1/VirtioIommuConfigRequest.js';
import type { VirtioIommuConfigResponse as _iommutwin_vmm_v1_VirtioIommuConfigResponse, VirtioIommuConfigResponse__Output as _iommutwin_vmm_v1_VirtioIommuConfigResponse__Output } from './iommutwin/vmm/v1/VirtioIommuConfigResponse.js';
import type { VirtioIommuRequestRequest as _iommutwin_vmm_v1_VirtioIommuRequestRequest, VirtioIommuRequestRequest__Output as _iommutwin_vmm_v1_VirtioIommuRequestRequest__Output } from './iommutwin/vmm/v1/VirtioIommuRequestRequest.js';
import type { VirtioIommuRequestResponse as _iommutwin_vmm_v1_VirtioIommuRequestResponse, VirtioIommuRequestResponse__Output as _iommutwin_vmm_v1_VirtioIommuRequestResponse__Output } from './iommutwin/vmm/v1/VirtioIommuRequestResponse.js';
import type { VirtioIommuSetFeaturesRequest as _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, VirtioIommuSetFeaturesRequest__Output as _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest__Output } from './iommutwin/vmm/v1/VirtioIommuSetFeaturesRequest.js';
import type { VirtioIommuSetFeaturesResponse as _iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse, VirtioIommuSetFeaturesResponse__Output as _iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output } from './iommutwin/vmm/v1/VirtioIommuSetFeaturesResponse.js';
import type { VirtioIommuSpec as _iommutwin_vmm_v1_VirtioIommuSpec, VirtioIommuSpec__Output as _iommutwin_vmm_v1_VirtioIommuSpec__Output } from './iommutwin/vmm/v1/VirtioIommuSpec.js';
import type { VirtioIommuWriteBypassRequest as _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, VirtioIommuWriteBypassRequest__Output as _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest__Output } from './iommutwin/vmm/v1/VirtioIommuWriteBypassRequest.js';
import type { VirtioIommuWriteBypassResponse as _iommutwin_vmm_v1_VirtioIommuWriteBypassResponse, VirtioIommuWriteBypassResponse__Output as _iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output } from './iommutwin/vmm/v1/VirtioIommuWriteBypassResponse.js';
import type { VirtioReadStatusRequest as _iommutwin_vmm_v1_VirtioReadStatusRequest, VirtioReadStatusRequest__Output as _iommutwin_vmm_v1_VirtioReadStatusRequest__Output } from './iommutwin/vmm/v1/VirtioReadStatusRequest.js';
import type { VirtioReadStatusResponse as _iommutwin_vmm_v1_VirtioReadStatusResponse, VirtioReadStatusResponse__Output as _iommutwin_vmm_v1_VirtioReadStatusResponse__Output } from './iommutwin/vmm/v1/VirtioReadStatusResponse.js';
import type { VirtioReservedRegion as _iommutwin_vmm_v1_VirtioReservedRegion, VirtioReservedRegion__Output as _iommutwin_vmm_v1_VirtioReservedRegion__Output } from './iommutwin/vmm/v1/VirtioReservedRegion.js';
import type { VirtioSetFeaturesRequest as _iommutwin_vmm_v1_VirtioSetFeaturesRequest, VirtioSetFeaturesRequest__Output as _iommutwin_vmm_v1_VirtioSetFeaturesRequest__Output } from './iommutwin/vmm/v1/VirtioSetFeaturesRequest.js';
import type { VirtioSetFeaturesResponse as _iommutwin_vmm_v1_VirtioSetFeaturesResponse, VirtioSetFeaturesResponse__Output as _iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output } from './iommutwin/vmm/v1/VirtioSetFeaturesResponse.js';
import type { VirtioWriteStatusRequest as _iommutwin_vmm_v1_VirtioWriteStatusRequest, VirtioWriteStatusRequest__Output as _iommutwin_vmm_v1_VirtioWriteStatusRequest__Output } from './iommutwin/vmm/v1/VirtioWriteStatusRequest.js';
import type { VirtioWriteStatusResponse as _iommutwin_vmm_v1_VirtioWriteStatusResponse, VirtioWriteStatusResponse__Output as _iommutwin_vmm_v1_VirtioWriteStatusResponse__Output } from './iommutwin/vmm/v1/VirtioWriteStatusResponse.js';
import type { VmInfo as _iommutwin_vmm_v1_VmInfo, VmInfo__Output as _iommutwin_vmm_v1_VmInfo__Output } from './iommutwin/vmm/v1/VmInfo.js';
import type { VmSpec as _iommutwin_vmm_v1_VmSpec, VmSpec__Output as _iommutwin_vmm_v1_VmSpec__Output } from './iommutwin/vmm/v1/VmSpec.js';
import type { VmmClient as _iommutwin_vmm_v1_VmmClient, VmmDefinition as _iommutwin_vmm_v1_VmmDefinition } from './iommutwin/vmm/v1/Vmm.js';
import type { VtdContextCacheEntry as _iommutwin_vmm_v1_VtdContextCacheEntry, VtdContextCacheEntry__Output as _iommutwin_vmm_v1_VtdContextCacheEntry__Output } from './iommutwin/vmm/v1/VtdContextCacheEntry.js';
import type { VtdDeviceChain as _iommutwin_vmm_v1_VtdDeviceChain, VtdDeviceChain__Output as _iommutwin_vmm_v1_VtdDeviceChain__Output } from './iommutwin/vmm/v1/VtdDeviceChain.js';
import type { VtdFault as _iommutwin_vmm_v1_VtdFault, VtdFault__Output as _iommutwin_vmm_v1_VtdFault__Output } from './iommutwin/vmm/v1/VtdFault.js';
import type { VtdIotlbEntry as _iommutwin_vmm_v1_VtdIotlbEntry, VtdIotlbEntry__Output as _iommutwin_vmm_v1_VtdIotlbEntry__Output } from './iommutwin/vmm/v1/VtdIotlbEntry.js';
import type { VtdPasidCacheEntry as _iommutwin_vmm_v1_VtdPasidCacheEntry, VtdPasidCacheEntry__Output as _iommutwin_vmm_v1_VtdPasidCacheEntry__Output } from './iommutwin/vmm/v1/VtdPasidCacheEntry.js';
import type { WriteMemoryRequest as _iommutwin_vmm_v1_WriteMemoryRequest, WriteMemoryRequest__Output as _iommutwin_vmm_v1_WriteMemoryRequest__Output } from './iommutwin/vmm/v1/WriteMemoryRequest.js';
import type { WriteMemoryResponse as _iommutwin_vmm_v1_WriteMemoryResponse, WriteMemoryResponse__Output as _iommutwin_vmm_v1_WriteMemoryResponse__Output } from './iommutwin/vmm/v1/WriteMemoryResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      Any: MessageTypeDefinition<_google_protobuf_Any, _google_protobuf_Any__Output>
      Duration: MessageTypeDefinition<_google_protobuf_Duration, _google_protobuf_Duration__Output>
    }
    rpc: {
      BadRequest: MessageTypeDefinition<_google_rpc_BadRequest, _google_rpc_BadRequest__Output>
      DebugInfo: MessageTypeDefinition<_google_rpc_DebugInfo, _google_rpc_DebugInfo__Output>
      ErrorInfo: MessageTypeDefinition<_google_rpc_ErrorInfo, _google_rpc_ErrorInfo__Output>
      Help: MessageTypeDefinition<_google_rpc_Help, _google_rpc_Help__Output>
      LocalizedMessage: MessageTypeDefinition<_google_rpc_LocalizedMessage, _google_rpc_LocalizedMessage__Output>
      PreconditionFailure: MessageTypeDefinition<_google_rpc_PreconditionFailure, _google_rpc_PreconditionFailure__Output>
      QuotaFailure: MessageTypeDefinition<_google_rpc_QuotaFailure, _google_rpc_QuotaFailure__Output>
      RequestInfo: MessageTypeDefinition<_google_rpc_RequestInfo, _google_rpc_RequestInfo__Output>
      ResourceInfo: MessageTypeDefinition<_google_rpc_ResourceInfo, _google_rpc_ResourceInfo__Output>
      RetryInfo: MessageTypeDefinition<_google_rpc_RetryInfo, _google_rpc_RetryInfo__Output>
      Status: MessageTypeDefinition<_google_rpc_Status, _google_rpc_Status__Output>
    }
  }
  iommutwin: {
    common: {
      v1: {
        AmdHwInfo: MessageTypeDefinition<_iommutwin_common_v1_AmdHwInfo, _iommutwin_common_v1_AmdHwInfo__Output>
        DmaFault: MessageTypeDefinition<_iommutwin_common_v1_DmaFault, _iommutwin_common_v1_DmaFault__Output>
        DmaFaultReason: EnumTypeDefinition
        HwInfo: MessageTypeDefinition<_iommutwin_common_v1_HwInfo, _iommutwin_common_v1_HwInfo__Output>
        IommuType: EnumTypeDefinition
        IovaRange: MessageTypeDefinition<_iommutwin_common_v1_IovaRange, _iommutwin_common_v1_IovaRange__Output>
        Smmuv3HwInfo: MessageTypeDefinition<_iommutwin_common_v1_Smmuv3HwInfo, _iommutwin_common_v1_Smmuv3HwInfo__Output>
        VtdHwInfo: MessageTypeDefinition<_iommutwin_common_v1_VtdHwInfo, _iommutwin_common_v1_VtdHwInfo__Output>
      }
    }
    host: {
      v1: {
        AllowDeviceRequest: MessageTypeDefinition<_iommutwin_host_v1_AllowDeviceRequest, _iommutwin_host_v1_AllowDeviceRequest__Output>
        AllowDeviceResponse: MessageTypeDefinition<_iommutwin_host_v1_AllowDeviceResponse, _iommutwin_host_v1_AllowDeviceResponse__Output>
        AreaSource: EnumTypeDefinition
        Bar: MessageTypeDefinition<_iommutwin_host_v1_Bar, _iommutwin_host_v1_Bar__Output>
        ChmodRequest: MessageTypeDefinition<_iommutwin_host_v1_ChmodRequest, _iommutwin_host_v1_ChmodRequest__Output>
        ChmodResponse: MessageTypeDefinition<_iommutwin_host_v1_ChmodResponse, _iommutwin_host_v1_ChmodResponse__Output>
        ChownRequest: MessageTypeDefinition<_iommutwin_host_v1_ChownRequest, _iommutwin_host_v1_ChownRequest__Output>
        ChownResponse: MessageTypeDefinition<_iommutwin_host_v1_ChownResponse, _iommutwin_host_v1_ChownResponse__Output>
        CloseRequest: MessageTypeDefinition<_iommutwin_host_v1_CloseRequest, _iommutwin_host_v1_CloseRequest__Output>
        CloseResponse: MessageTypeDefinition<_iommutwin_host_v1_CloseResponse, _iommutwin_host_v1_CloseResponse__Output>
        ContainerCheckExtensionRequest: MessageTypeDefinition<_iommutwin_host_v1_ContainerCheckExtensionRequest, _iommutwin_host_v1_ContainerCheckExtensionRequest__Output>
        ContainerCheckExtensionResponse: MessageTypeDefinition<_iommutwin_host_v1_ContainerCheckExtensionResponse, _iommutwin_host_v1_ContainerCheckExtensionResponse__Output>
        ContainerDirtyPagesRequest: MessageTypeDefinition<_iommutwin_host_v1_ContainerDirtyPagesRequest, _iommutwin_host_v1_ContainerDirtyPagesRequest__Output>
        ContainerDirtyPagesResponse: MessageTypeDefinition<_iommutwin_host_v1_ContainerDirtyPagesResponse, _iommutwin_host_v1_ContainerDirtyPagesResponse__Output>
        ContainerGetApiVersionRequest: MessageTypeDefinition<_iommutwin_host_v1_ContainerGetApiVersionRequest, _iommutwin_host_v1_ContainerGetApiVersionRequest__Output>
        ContainerGetApiVersionResponse: MessageTypeDefinition<_iommutwin_host_v1_ContainerGetApiVersionResponse, _iommutwin_host_v1_ContainerGetApiVersionResponse__Output>
        ContainerGetInfoRequest: MessageTypeDefinition<_iommutwin_host_v1_ContainerGetInfoRequest, _iommutwin_host_v1_ContainerGetInfoRequest__Output>
        ContainerGetInfoResponse: MessageTypeDefinition<_iommutwin_host_v1_ContainerGetInfoResponse, _iommutwin_host_v1_ContainerGetInfoResponse__Output>
        ContainerMapDmaRequest: MessageTypeDefinition<_iommutwin_host_v1_ContainerMapDmaRequest, _iommutwin_host_v1_ContainerMapDmaRequest__Output>
        ContainerMapDmaResponse: MessageTypeDefinition<_iommutwin_host_v1_ContainerMapDmaResponse, _iommutwin_host_v1_ContainerMapDmaResponse__Output>
        ContainerSetIommuRequest: MessageTypeDefinition<_iommutwin_host_v1_ContainerSetIommuRequest, _iommutwin_host_v1_ContainerSetIommuRequest__Output>
        ContainerSetIommuResponse: MessageTypeDefinition<_iommutwin_host_v1_ContainerSetIommuResponse, _iommutwin_host_v1_ContainerSetIommuResponse__Output>
        ContainerUnmapDmaRequest: MessageTypeDefinition<_iommutwin_host_v1_ContainerUnmapDmaRequest, _iommutwin_host_v1_ContainerUnmapDmaRequest__Output>
        ContainerUnmapDmaResponse: MessageTypeDefinition<_iommutwin_host_v1_ContainerUnmapDmaResponse, _iommutwin_host_v1_ContainerUnmapDmaResponse__Output>
        DescribeRequest: MessageTypeDefinition<_iommutwin_host_v1_DescribeRequest, _iommutwin_host_v1_DescribeRequest__Output>
        DescribeResponse: MessageTypeDefinition<_iommutwin_host_v1_DescribeResponse, _iommutwin_host_v1_DescribeResponse__Output>
        DestroyRequest: MessageTypeDefinition<_iommutwin_host_v1_DestroyRequest, _iommutwin_host_v1_DestroyRequest__Output>
        DestroyResponse: MessageTypeDefinition<_iommutwin_host_v1_DestroyResponse, _iommutwin_host_v1_DestroyResponse__Output>
        DeviceAtsTranslateRequest: MessageTypeDefinition<_iommutwin_host_v1_DeviceAtsTranslateRequest, _iommutwin_host_v1_DeviceAtsTranslateRequest__Output>
        DeviceAtsTranslateResponse: MessageTypeDefinition<_iommutwin_host_v1_DeviceAtsTranslateResponse, _iommutwin_host_v1_DeviceAtsTranslateResponse__Output>
        DeviceAttachPtRequest: MessageTypeDefinition<_iommutwin_host_v1_DeviceAttachPtRequest, _iommutwin_host_v1_DeviceAttachPtRequest__Output>
        DeviceAttachPtResponse: MessageTypeDefinition<_iommutwin_host_v1_DeviceAttachPtResponse, _iommutwin_host_v1_DeviceAttachPtResponse__Output>
        DeviceBindIommufdRequest: MessageTypeDefinition<_iommutwin_host_v1_DeviceBindIommufdRequest, _iommutwin_host_v1_DeviceBindIommufdRequest__Output>
        DeviceBindIommufdResponse: MessageTypeDefinition<_iommutwin_host_v1_DeviceBindIommufdResponse, _iommutwin_host_v1_DeviceBindIommufdResponse__Output>
        DeviceDetachPtRequest: MessageTypeDefinition<_iommutwin_host_v1_DeviceDetachPtRequest, _iommutwin_host_v1_DeviceDetachPtRequest__Output>
        DeviceDetachPtResponse: MessageTypeDefinition<_iommutwin_host_v1_DeviceDetachPtResponse, _iommutwin_host_v1_DeviceDetachPtResponse__Output>
        DeviceDmaBatchRequest: MessageTypeDefinition<_iommutwin_host_v1_DeviceDmaBatchRequest, _iommutwin_host_v1_DeviceDmaBatchRequest__Output>
        DeviceDmaBatchResponse: MessageTypeDefinition<_iommutwin_host_v1_DeviceDmaBatchResponse, _iommutwin_host_v1_DeviceDmaBatchResponse__Output>
        DeviceDmaRequest: MessageTypeDefinition<_iommutwin_host_v1_DeviceDmaRequest, _iommutwin_host_v1_DeviceDmaRequest__Output>
        DeviceDmaResponse: MessageTypeDefinition<_iommutwin_host_v1_DeviceDmaResponse, _iommutwin_host_v1_DeviceDmaResponse__Output>
        DeviceFeatureMigrationRequest: MessageTypeDefinition<_iommutwin_host_v1_DeviceFeatureMigrationRequest, _iommutwin_host_v1_DeviceFeatureMigrationRequest__Output>
        DeviceFeatureMigrationResponse: MessageTypeDefinition<_iommutwin_host_v1_DeviceFeatureMigrationResponse, _iommutwin_host_v1_DeviceFeatureMigrationResponse__Output>
        DeviceGetDmabufRequest: MessageTypeDefinition<_iommutwin_host_v1_DeviceGetDmabufRequest, _iommutwin_host_v1_DeviceGetDmabufRequest__Output>
        DeviceGetDmabufResponse: MessageTypeDefinition<_iommutwin_host_v1_DeviceGetDmabufResponse, _iommutwin_host_v1_DeviceGetDmabufResponse__Output>
        DeviceGetInfoRequest: MessageTypeDefinition<_iommutwin_host_v1_DeviceGetInfoRequest, _iommutwin_host_v1_DeviceGetInfoRequest__Output>
        DeviceGetInfoResponse: MessageTypeDefinition<_iommutwin_host_v1_DeviceGetInfoResponse, _iommutwin_host_v1_DeviceGetInfoResponse__Output>
        DeviceGetMigStateRequest: MessageTypeDefinition<_iommutwin_host_v1_DeviceGetMigStateRequest, _iommutwin_host_v1_DeviceGetMigStateRequest__Output>
        DeviceGetMigStateResponse: MessageTypeDefinition<_iommutwin_host_v1_DeviceGetMigStateResponse, _iommutwin_host_v1_DeviceGetMigStateResponse__Output>
        DeviceGetRegionInfoRequest: MessageTypeDefinition<_iommutwin_host_v1_DeviceGetRegionInfoRequest, _iommutwin_host_v1_DeviceGetRegionInfoRequest__Output>
        DeviceGetRegionInfoResponse: MessageTypeDefinition<_iommutwin_host_v1_DeviceGetRegionInfoResponse, _iommutwin_host_v1_DeviceGetRegionInfoResponse__Output>
        DeviceMigDataSizeRequest: MessageTypeDefinition<_iommutwin_host_v1_DeviceMigDataSizeRequest, _iommutwin_host_v1_DeviceMigDataSizeRequest__Output>
        DeviceMigDataSizeResponse: MessageTypeDefinition<_iommutwin_host_v1_DeviceMigDataSizeResponse, _iommutwin_host_v1_DeviceMigDataSizeResponse__Output>
        DevicePrecopyInfoRequest: MessageTypeDefinition<_iommutwin_host_v1_DevicePrecopyInfoRequest, _iommutwin_host_v1_DevicePrecopyInfoRequest__Output>
        DevicePrecopyInfoResponse: MessageTypeDefinition<_iommutwin_host_v1_DevicePrecopyInfoResponse, _iommutwin_host_v1_DevicePrecopyInfoResponse__Output>
        DeviceResetRequest: MessageTypeDefinition<_iommutwin_host_v1_DeviceResetRequest, _iommutwin_host_v1_DeviceResetRequest__Output>
        DeviceResetResponse: MessageTypeDefinition<_iommutwin_host_v1_DeviceResetResponse, _iommutwin_host_v1_DeviceResetResponse__Output>
        DeviceSetMigStateRequest: MessageTypeDefinition<_iommutwin_host_v1_DeviceSetMigStateRequest, _iommutwin_host_v1_DeviceSetMigStateRequest__Output>
        DeviceSetMigStateResponse: MessageTypeDefinition<_iommutwin_host_v1_DeviceSetMigStateResponse, _iommutwin_host_v1_DeviceSetMigStateResponse__Output>
        DmaRange: MessageTypeDefinition<_iommutwin_host_v1_DmaRange, _iommutwin_host_v1_DmaRange__Output>
        ExitRequest: MessageTypeDefinition<_iommutwin_host_v1_ExitRequest, _iommutwin_host_v1_ExitRequest__Output>
        ExitResponse: MessageTypeDefinition<_iommutwin_host_v1_ExitResponse, _iommutwin_host_v1_ExitResponse__Output>
        FaultQueueAllocRequest: MessageTypeDefinition<_iommutwin_host_v1_FaultQueueAllocRequest, _iommutwin_host_v1_FaultQueueAllocRequest__Output>
        FaultQueueAllocResponse: MessageTypeDefinition<_iommutwin_host_v1_FaultQueueAllocResponse, _iommutwin_host_v1_FaultQueueAllocResponse__Output>
        FdInfo: MessageTypeDefinition<_iommutwin_host_v1_FdInfo, _iommutwin_host_v1_FdInfo__Output>
        FdKind: EnumTypeDefinition
        FtruncateRequest: MessageTypeDefinition<_iommutwin_host_v1_FtruncateRequest, _iommutwin_host_v1_FtruncateRequest__Output>
        FtruncateResponse: MessageTypeDefinition<_iommutwin_host_v1_FtruncateResponse, _iommutwin_host_v1_FtruncateResponse__Output>
        GetHwInfoRequest: MessageTypeDefinition<_iommutwin_host_v1_GetHwInfoRequest, _iommutwin_host_v1_GetHwInfoRequest__Output>
        GetHwInfoResponse: MessageTypeDefinition<_iommutwin_host_v1_GetHwInfoResponse, _iommutwin_host_v1_GetHwInfoResponse__Output>
        GetStatusRequest: MessageTypeDefinition<_iommutwin_host_v1_GetStatusRequest, _iommutwin_host_v1_GetStatusRequest__Output>
        GetStatusResponse: MessageTypeDefinition<_iommutwin_host_v1_GetStatusResponse, _iommutwin_host_v1_GetStatusResponse__Output>
        GroupGetDeviceFdRequest: MessageTypeDefinition<_iommutwin_host_v1_GroupGetDeviceFdRequest, _iommutwin_host_v1_GroupGetDeviceFdRequest__Output>
        GroupGetDeviceFdResponse: MessageTypeDefinition<_iommutwin_host_v1_GroupGetDeviceFdResponse, _iommutwin_host_v1_GroupGetDeviceFdResponse__Output>
        GroupGetStatusRequest: MessageTypeDefinition<_iommutwin_host_v1_GroupGetStatusRequest, _iommutwin_host_v1_GroupGetStatusRequest__Output>
        GroupGetStatusResponse: MessageTypeDefinition<_iommutwin_host_v1_GroupGetStatusResponse, _iommutwin_host_v1_GroupGetStatusResponse__Output>
        GroupSetContainerRequest: MessageTypeDefinition<_iommutwin_host_v1_GroupSetContainerRequest, _iommutwin_host_v1_GroupSetContainerRequest__Output>
        GroupSetContainerResponse: MessageTypeDefinition<_iommutwin_host_v1_GroupSetContainerResponse, _iommutwin_host_v1_GroupSetContainerResponse__Output>
        GroupUnsetContainerRequest: MessageTypeDefinition<_iommutwin_host_v1_GroupUnsetContainerRequest, _iommutwin_host_v1_GroupUnsetContainerRequest__Output>
        GroupUnsetContainerResponse: MessageTypeDefinition<_iommutwin_host_v1_GroupUnsetContainerResponse, _iommutwin_host_v1_GroupUnsetContainerResponse__Output>
        HeartbeatRequest: MessageTypeDefinition<_iommutwin_host_v1_HeartbeatRequest, _iommutwin_host_v1_HeartbeatRequest__Output>
        HeartbeatResponse: MessageTypeDefinition<_iommutwin_host_v1_HeartbeatResponse, _iommutwin_host_v1_HeartbeatResponse__Output>
        HostEventKind: EnumTypeDefinition
        HwptAllocRequest: MessageTypeDefinition<_iommutwin_host_v1_HwptAllocRequest, _iommutwin_host_v1_HwptAllocRequest__Output>
        HwptAllocResponse: MessageTypeDefinition<_iommutwin_host_v1_HwptAllocResponse, _iommutwin_host_v1_HwptAllocResponse__Output>
        HwptGetDirtyBitmapRequest: MessageTypeDefinition<_iommutwin_host_v1_HwptGetDirtyBitmapRequest, _iommutwin_host_v1_HwptGetDirtyBitmapRequest__Output>
        HwptGetDirtyBitmapResponse: MessageTypeDefinition<_iommutwin_host_v1_HwptGetDirtyBitmapResponse, _iommutwin_host_v1_HwptGetDirtyBitmapResponse__Output>
        HwptInvalidateRequest: MessageTypeDefinition<_iommutwin_host_v1_HwptInvalidateRequest, _iommutwin_host_v1_HwptInvalidateRequest__Output>
        HwptInvalidateResponse: MessageTypeDefinition<_iommutwin_host_v1_HwptInvalidateResponse, _iommutwin_host_v1_HwptInvalidateResponse__Output>
        HwptSetDirtyTrackingRequest: MessageTypeDefinition<_iommutwin_host_v1_HwptSetDirtyTrackingRequest, _iommutwin_host_v1_HwptSetDirtyTrackingRequest__Output>
        HwptSetDirtyTrackingResponse: MessageTypeDefinition<_iommutwin_host_v1_HwptSetDirtyTrackingResponse, _iommutwin_host_v1_HwptSetDirtyTrackingResponse__Output>
        InspectRequest: MessageTypeDefinition<_iommutwin_host_v1_InspectRequest, _iommutwin_host_v1_InspectRequest__Output>
        InspectResponse: MessageTypeDefinition<_iommutwin_host_v1_InspectResponse, _iommutwin_host_v1_InspectResponse__Output>
        InvalidationChannelRequest: MessageTypeDefinition<_iommutwin_host_v1_InvalidationChannelRequest, _iommutwin_host_v1_InvalidationChannelRequest__Output>
        InvalidationChannelResponse: MessageTypeDefinition<_iommutwin_host_v1_InvalidationChannelResponse, _iommutwin_host_v1_InvalidationChannelResponse__Output>
        IoasAllocRequest: MessageTypeDefinition<_iommutwin_host_v1_IoasAllocRequest, _iommutwin_host_v1_IoasAllocRequest__Output>
        IoasAllocResponse: MessageTypeDefinition<_iommutwin_host_v1_IoasAllocResponse, _iommutwin_host_v1_IoasAllocResponse__Output>
        IoasAllowIovasRequest: MessageTypeDefinition<_iommutwin_host_v1_IoasAllowIovasRequest, _iommutwin_host_v1_IoasAllowIovasRequest__Output>
        IoasAllowIovasResponse: MessageTypeDefinition<_iommutwin_host_v1_IoasAllowIovasResponse, _iommutwin_host_v1_IoasAllowIovasResponse__Output>
        IoasArea: MessageTypeDefinition<_iommutwin_host_v1_IoasArea, _iommutwin_host_v1_IoasArea__Output>
        IoasChangeProcessRequest: MessageTypeDefinition<_iommutwin_host_v1_IoasChangeProcessRequest, _iommutwin_host_v1_IoasChangeProcessRequest__Output>
        IoasChangeProcessResponse: MessageTypeDefinition<_iommutwin_host_v1_IoasChangeProcessResponse, _iommutwin_host_v1_IoasChangeProcessResponse__Output>
        IoasCopyRequest: MessageTypeDefinition<_iommutwin_host_v1_IoasCopyRequest, _iommutwin_host_v1_IoasCopyRequest__Output>
        IoasCopyResponse: MessageTypeDefinition<_iommutwin_host_v1_IoasCopyResponse, _iommutwin_host_v1_IoasCopyResponse__Output>
        IoasIovaRangesRequest: MessageTypeDefinition<_iommutwin_host_v1_IoasIovaRangesRequest, _iommutwin_host_v1_IoasIovaRangesRequest__Output>
        IoasIovaRangesResponse: MessageTypeDefinition<_iommutwin_host_v1_IoasIovaRangesResponse, _iommutwin_host_v1_IoasIovaRangesResponse__Output>
        IoasMapFileRequest: MessageTypeDefinition<_iommutwin_host_v1_IoasMapFileRequest, _iommutwin_host_v1_IoasMapFileRequest__Output>
        IoasMapFileResponse: MessageTypeDefinition<_iommutwin_host_v1_IoasMapFileResponse, _iommutwin_host_v1_IoasMapFileResponse__Output>
        IoasMapRequest: MessageTypeDefinition<_iommutwin_host_v1_IoasMapRequest, _iommutwin_host_v1_IoasMapRequest__Output>
        IoasMapResponse: MessageTypeDefinition<_iommutwin_host_v1_IoasMapResponse, _iommutwin_host_v1_IoasMapResponse__Output>
        IoasUnmapRequest: MessageTypeDefinition<_iommutwin_host_v1_IoasUnmapRequest, _iommutwin_host_v1_IoasUnmapRequest__Output>
        IoasUnmapResponse: MessageTypeDefinition<_iommutwin_host_v1_IoasUnmapResponse, _iommutwin_host_v1_IoasUnmapResponse__Output>
        IoctlsRequest: MessageTypeDefinition<_iommutwin_host_v1_IoctlsRequest, _iommutwin_host_v1_IoctlsRequest__Output>
        IoctlsResponse: MessageTypeDefinition<_iommutwin_host_v1_IoctlsResponse, _iommutwin_host_v1_IoctlsResponse__Output>
        IommuGroup: MessageTypeDefinition<_iommutwin_host_v1_IommuGroup, _iommutwin_host_v1_IommuGroup__Output>
        IommuHwptAlloc: EnumTypeDefinition
        IommuHwptData: EnumTypeDefinition
        IommuHwptDirtyTracking: EnumTypeDefinition
        IommuHwptGetDirtyBitmap: EnumTypeDefinition
        IommuHwptInvalidateData: EnumTypeDefinition
        IommuIoasMap: EnumTypeDefinition
        IommuOption: EnumTypeDefinition
        IommuOptionOp: EnumTypeDefinition
        IommuUnit: MessageTypeDefinition<_iommutwin_host_v1_IommuUnit, _iommutwin_host_v1_IommuUnit__Output>
        IommuVfioIoas: EnumTypeDefinition
        /**
         * The iommufd character device.
         */
        Iommufd: SubtypeConstructor<typeof grpc.Client, _iommutwin_host_v1_IommufdClient> & { service: _iommutwin_host_v1_IommufdDefinition }
        IommufdObjectRef: MessageTypeDefinition<_iommutwin_host_v1_IommufdObjectRef, _iommutwin_host_v1_IommufdObjectRef__Output>
        IotlbEntry: MessageTypeDefinition<_iommutwin_host_v1_IotlbEntry, _iommutwin_host_v1_IotlbEntry__Output>
        IotlbStats: MessageTypeDefinition<_iommutwin_host_v1_IotlbStats, _iommutwin_host_v1_IotlbStats__Output>
        KernelFeatures: MessageTypeDefinition<_iommutwin_host_v1_KernelFeatures, _iommutwin_host_v1_KernelFeatures__Output>
        LeafCount: MessageTypeDefinition<_iommutwin_host_v1_LeafCount, _iommutwin_host_v1_LeafCount__Output>
        MemfdCreateRequest: MessageTypeDefinition<_iommutwin_host_v1_MemfdCreateRequest, _iommutwin_host_v1_MemfdCreateRequest__Output>
        MemfdCreateResponse: MessageTypeDefinition<_iommutwin_host_v1_MemfdCreateResponse, _iommutwin_host_v1_MemfdCreateResponse__Output>
        MmapRequest: MessageTypeDefinition<_iommutwin_host_v1_MmapRequest, _iommutwin_host_v1_MmapRequest__Output>
        MmapResponse: MessageTypeDefinition<_iommutwin_host_v1_MmapResponse, _iommutwin_host_v1_MmapResponse__Output>
        MunmapRequest: MessageTypeDefinition<_iommutwin_host_v1_MunmapRequest, _iommutwin_host_v1_MunmapRequest__Output>
        MunmapResponse: MessageTypeDefinition<_iommutwin_host_v1_MunmapResponse, _iommutwin_host_v1_MunmapResponse__Output>
        OpenRequest: MessageTypeDefinition<_iommutwin_host_v1_OpenRequest, _iommutwin_host_v1_OpenRequest__Output>
        OpenResponse: MessageTypeDefinition<_iommutwin_host_v1_OpenResponse, _iommutwin_host_v1_OpenResponse__Output>
        OptionRequest: MessageTypeDefinition<_iommutwin_host_v1_OptionRequest, _iommutwin_host_v1_OptionRequest__Output>
        OptionResponse: MessageTypeDefinition<_iommutwin_host_v1_OptionResponse, _iommutwin_host_v1_OptionResponse__Output>
        PageFault: MessageTypeDefinition<_iommutwin_host_v1_PageFault, _iommutwin_host_v1_PageFault__Output>
        PageResponse: MessageTypeDefinition<_iommutwin_host_v1_PageResponse, _iommutwin_host_v1_PageResponse__Output>
        PageTableStats: MessageTypeDefinition<_iommutwin_host_v1_PageTableStats, _iommutwin_host_v1_PageTableStats__Output>
        PciDevice: MessageTypeDefinition<_iommutwin_host_v1_PciDevice, _iommutwin_host_v1_PciDevice__Output>
        PingRequest: MessageTypeDefinition<_iommutwin_host_v1_PingRequest, _iommutwin_host_v1_PingRequest__Output>
        PingResponse: MessageTypeDefinition<_iommutwin_host_v1_PingResponse, _iommutwin_host_v1_PingResponse__Output>
        PingStreamRequest: MessageTypeDefinition<_iommutwin_host_v1_PingStreamRequest, _iommutwin_host_v1_PingStreamRequest__Output>
        PingStreamResponse: MessageTypeDefinition<_iommutwin_host_v1_PingStreamResponse, _iommutwin_host_v1_PingStreamResponse__Output>
        PinnedPages: MessageTypeDefinition<_iommutwin_host_v1_PinnedPages, _iommutwin_host_v1_PinnedPages__Output>
        /**
         * The modelled hardware.
         */
        Platform: SubtypeConstructor<typeof grpc.Client, _iommutwin_host_v1_PlatformClient> & { service: _iommutwin_host_v1_PlatformDefinition }
        PlugRequest: MessageTypeDefinition<_iommutwin_host_v1_PlugRequest, _iommutwin_host_v1_PlugRequest__Output>
        PlugResponse: MessageTypeDefinition<_iommutwin_host_v1_PlugResponse, _iommutwin_host_v1_PlugResponse__Output>
        /**
         * The processes of the modelled host and what they do with files and memory.
         */
        Process: SubtypeConstructor<typeof grpc.Client, _iommutwin_host_v1_ProcessClient> & { service: _iommutwin_host_v1_ProcessDefinition }
        ProcessIdentity: MessageTypeDefinition<_iommutwin_host_v1_ProcessIdentity, _iommutwin_host_v1_ProcessIdentity__Output>
        ReadFaultsRequest: MessageTypeDefinition<_iommutwin_host_v1_ReadFaultsRequest, _iommutwin_host_v1_ReadFaultsRequest__Output>
        ReadFaultsResponse: MessageTypeDefinition<_iommutwin_host_v1_ReadFaultsResponse, _iommutwin_host_v1_ReadFaultsResponse__Output>
        ReadMemoryRequest: MessageTypeDefinition<_iommutwin_host_v1_ReadMemoryRequest, _iommutwin_host_v1_ReadMemoryRequest__Output>
        ReadMemoryResponse: MessageTypeDefinition<_iommutwin_host_v1_ReadMemoryResponse, _iommutwin_host_v1_ReadMemoryResponse__Output>
        ReadMigDataRequest: MessageTypeDefinition<_iommutwin_host_v1_ReadMigDataRequest, _iommutwin_host_v1_ReadMigDataRequest__Output>
        ReadMigDataResponse: MessageTypeDefinition<_iommutwin_host_v1_ReadMigDataResponse, _iommutwin_host_v1_ReadMigDataResponse__Output>
        ReadVeventsRequest: MessageTypeDefinition<_iommutwin_host_v1_ReadVeventsRequest, _iommutwin_host_v1_ReadVeventsRequest__Output>
        ReadVeventsResponse: MessageTypeDefinition<_iommutwin_host_v1_ReadVeventsResponse, _iommutwin_host_v1_ReadVeventsResponse__Output>
        ReservedRegion: MessageTypeDefinition<_iommutwin_host_v1_ReservedRegion, _iommutwin_host_v1_ReservedRegion__Output>
        ReservedRegionType: EnumTypeDefinition
        RespondFaultsRequest: MessageTypeDefinition<_iommutwin_host_v1_RespondFaultsRequest, _iommutwin_host_v1_RespondFaultsRequest__Output>
        RespondFaultsResponse: MessageTypeDefinition<_iommutwin_host_v1_RespondFaultsResponse, _iommutwin_host_v1_RespondFaultsResponse__Output>
        SendFdRequest: MessageTypeDefinition<_iommutwin_host_v1_SendFdRequest, _iommutwin_host_v1_SendFdRequest__Output>
        SendFdResponse: MessageTypeDefinition<_iommutwin_host_v1_SendFdResponse, _iommutwin_host_v1_SendFdResponse__Output>
        SetBarDecodeRequest: MessageTypeDefinition<_iommutwin_host_v1_SetBarDecodeRequest, _iommutwin_host_v1_SetBarDecodeRequest__Output>
        SetBarDecodeResponse: MessageTypeDefinition<_iommutwin_host_v1_SetBarDecodeResponse, _iommutwin_host_v1_SetBarDecodeResponse__Output>
        SetDriverRequest: MessageTypeDefinition<_iommutwin_host_v1_SetDriverRequest, _iommutwin_host_v1_SetDriverRequest__Output>
        SetDriverResponse: MessageTypeDefinition<_iommutwin_host_v1_SetDriverResponse, _iommutwin_host_v1_SetDriverResponse__Output>
        SpawnRequest: MessageTypeDefinition<_iommutwin_host_v1_SpawnRequest, _iommutwin_host_v1_SpawnRequest__Output>
        SpawnResponse: MessageTypeDefinition<_iommutwin_host_v1_SpawnResponse, _iommutwin_host_v1_SpawnResponse__Output>
        UnplugRequest: MessageTypeDefinition<_iommutwin_host_v1_UnplugRequest, _iommutwin_host_v1_UnplugRequest__Output>
        UnplugResponse: MessageTypeDefinition<_iommutwin_host_v1_UnplugResponse, _iommutwin_host_v1_UnplugResponse__Output>
        VdeviceAllocRequest: MessageTypeDefinition<_iommutwin_host_v1_VdeviceAllocRequest, _iommutwin_host_v1_VdeviceAllocRequest__Output>
        VdeviceAllocResponse: MessageTypeDefinition<_iommutwin_host_v1_VdeviceAllocResponse, _iommutwin_host_v1_VdeviceAllocResponse__Output>
        VeventqAllocRequest: MessageTypeDefinition<_iommutwin_host_v1_VeventqAllocRequest, _iommutwin_host_v1_VeventqAllocRequest__Output>
        VeventqAllocResponse: MessageTypeDefinition<_iommutwin_host_v1_VeventqAllocResponse, _iommutwin_host_v1_VeventqAllocResponse__Output>
        /**
         * VFIO: device cdevs (the iommufd path), groups and the type1 container (the legacy path).
         */
        Vfio: SubtypeConstructor<typeof grpc.Client, _iommutwin_host_v1_VfioClient> & { service: _iommutwin_host_v1_VfioDefinition }
        VfioDeviceMigState: EnumTypeDefinition
        VfioIoasRequest: MessageTypeDefinition<_iommutwin_host_v1_VfioIoasRequest, _iommutwin_host_v1_VfioIoasRequest__Output>
        VfioIoasResponse: MessageTypeDefinition<_iommutwin_host_v1_VfioIoasResponse, _iommutwin_host_v1_VfioIoasResponse__Output>
        ViommuAllocRequest: MessageTypeDefinition<_iommutwin_host_v1_ViommuAllocRequest, _iommutwin_host_v1_ViommuAllocRequest__Output>
        ViommuAllocResponse: MessageTypeDefinition<_iommutwin_host_v1_ViommuAllocResponse, _iommutwin_host_v1_ViommuAllocResponse__Output>
        WatchEventsRequest: MessageTypeDefinition<_iommutwin_host_v1_WatchEventsRequest, _iommutwin_host_v1_WatchEventsRequest__Output>
        WatchEventsResponse: MessageTypeDefinition<_iommutwin_host_v1_WatchEventsResponse, _iommutwin_host_v1_WatchEventsResponse__Output>
        WriteMemoryRequest: MessageTypeDefinition<_iommutwin_host_v1_WriteMemoryRequest, _iommutwin_host_v1_WriteMemoryRequest__Output>
        WriteMemoryResponse: MessageTypeDefinition<_iommutwin_host_v1_WriteMemoryResponse, _iommutwin_host_v1_WriteMemoryResponse__Output>
        WriteMigDataRequest: MessageTypeDefinition<_iommutwin_host_v1_WriteMigDataRequest, _iommutwin_host_v1_WriteMigDataRequest__Output>
        WriteMigDataResponse: MessageTypeDefinition<_iommutwin_host_v1_WriteMigDataResponse, _iommutwin_host_v1_WriteMigDataResponse__Output>
      }
    }
    vmm: {
      v1: {
        AttachReq: MessageTypeDefinition<_iommutwin_vmm_v1_AttachReq, _iommutwin_vmm_v1_AttachReq__Output>
        CheckMigrationRequest: MessageTypeDefinition<_iommutwin_vmm_v1_CheckMigrationRequest, _iommutwin_vmm_v1_CheckMigrationRequest__Output>
        CheckMigrationResponse: MessageTypeDefinition<_iommutwin_vmm_v1_CheckMigrationResponse, _iommutwin_vmm_v1_CheckMigrationResponse__Output>
        ComputeBaselineRequest: MessageTypeDefinition<_iommutwin_vmm_v1_ComputeBaselineRequest, _iommutwin_vmm_v1_ComputeBaselineRequest__Output>
        ComputeBaselineResponse: MessageTypeDefinition<_iommutwin_vmm_v1_ComputeBaselineResponse, _iommutwin_vmm_v1_ComputeBaselineResponse__Output>
        CreateVmRequest: MessageTypeDefinition<_iommutwin_vmm_v1_CreateVmRequest, _iommutwin_vmm_v1_CreateVmRequest__Output>
        CreateVmResponse: MessageTypeDefinition<_iommutwin_vmm_v1_CreateVmResponse, _iommutwin_vmm_v1_CreateVmResponse__Output>
        DeleteVmRequest: MessageTypeDefinition<_iommutwin_vmm_v1_DeleteVmRequest, _iommutwin_vmm_v1_DeleteVmRequest__Output>
        DeleteVmResponse: MessageTypeDefinition<_iommutwin_vmm_v1_DeleteVmResponse, _iommutwin_vmm_v1_DeleteVmResponse__Output>
        DetachReq: MessageTypeDefinition<_iommutwin_vmm_v1_DetachReq, _iommutwin_vmm_v1_DetachReq__Output>
        DeviceInfo: MessageTypeDefinition<_iommutwin_vmm_v1_DeviceInfo, _iommutwin_vmm_v1_DeviceInfo__Output>
        DeviceRemoved: MessageTypeDefinition<_iommutwin_vmm_v1_DeviceRemoved, _iommutwin_vmm_v1_DeviceRemoved__Output>
        DeviceSpec: MessageTypeDefinition<_iommutwin_vmm_v1_DeviceSpec, _iommutwin_vmm_v1_DeviceSpec__Output>
        DmaRequest: MessageTypeDefinition<_iommutwin_vmm_v1_DmaRequest, _iommutwin_vmm_v1_DmaRequest__Output>
        DmaResponse: MessageTypeDefinition<_iommutwin_vmm_v1_DmaResponse, _iommutwin_vmm_v1_DmaResponse__Output>
        EventsRequest: MessageTypeDefinition<_iommutwin_vmm_v1_EventsRequest, _iommutwin_vmm_v1_EventsRequest__Output>
        EventsResponse: MessageTypeDefinition<_iommutwin_vmm_v1_EventsResponse, _iommutwin_vmm_v1_EventsResponse__Output>
        GetHostCapabilitiesRequest: MessageTypeDefinition<_iommutwin_vmm_v1_GetHostCapabilitiesRequest, _iommutwin_vmm_v1_GetHostCapabilitiesRequest__Output>
        GetHostCapabilitiesResponse: MessageTypeDefinition<_iommutwin_vmm_v1_GetHostCapabilitiesResponse, _iommutwin_vmm_v1_GetHostCapabilitiesResponse__Output>
        GetVmRequest: MessageTypeDefinition<_iommutwin_vmm_v1_GetVmRequest, _iommutwin_vmm_v1_GetVmRequest__Output>
        GetVmResponse: MessageTypeDefinition<_iommutwin_vmm_v1_GetVmResponse, _iommutwin_vmm_v1_GetVmResponse__Output>
        /**
         * What the guest OS and its drivers do.
         */
        Guest: SubtypeConstructor<typeof grpc.Client, _iommutwin_vmm_v1_GuestClient> & { service: _iommutwin_vmm_v1_GuestDefinition }
        GuestBar: MessageTypeDefinition<_iommutwin_vmm_v1_GuestBar, _iommutwin_vmm_v1_GuestBar__Output>
        GuestInterrupt: MessageTypeDefinition<_iommutwin_vmm_v1_GuestInterrupt, _iommutwin_vmm_v1_GuestInterrupt__Output>
        HostLinkStatus: MessageTypeDefinition<_iommutwin_vmm_v1_HostLinkStatus, _iommutwin_vmm_v1_HostLinkStatus__Output>
        HostObjects: MessageTypeDefinition<_iommutwin_vmm_v1_HostObjects, _iommutwin_vmm_v1_HostObjects__Output>
        HotplugDeviceRequest: MessageTypeDefinition<_iommutwin_vmm_v1_HotplugDeviceRequest, _iommutwin_vmm_v1_HotplugDeviceRequest__Output>
        HotplugDeviceResponse: MessageTypeDefinition<_iommutwin_vmm_v1_HotplugDeviceResponse, _iommutwin_vmm_v1_HotplugDeviceResponse__Output>
        InspectViommuRequest: MessageTypeDefinition<_iommutwin_vmm_v1_InspectViommuRequest, _iommutwin_vmm_v1_InspectViommuRequest__Output>
        InspectViommuResponse: MessageTypeDefinition<_iommutwin_vmm_v1_InspectViommuResponse, _iommutwin_vmm_v1_InspectViommuResponse__Output>
        IntelIommuSpec: MessageTypeDefinition<_iommutwin_vmm_v1_IntelIommuSpec, _iommutwin_vmm_v1_IntelIommuSpec__Output>
        IommufdObjectSpec: MessageTypeDefinition<_iommutwin_vmm_v1_IommufdObjectSpec, _iommutwin_vmm_v1_IommufdObjectSpec__Output>
        IommufdReplacement: MessageTypeDefinition<_iommutwin_vmm_v1_IommufdReplacement, _iommutwin_vmm_v1_IommufdReplacement__Output>
        ListVmsRequest: MessageTypeDefinition<_iommutwin_vmm_v1_ListVmsRequest, _iommutwin_vmm_v1_ListVmsRequest__Output>
        ListVmsResponse: MessageTypeDefinition<_iommutwin_vmm_v1_ListVmsResponse, _iommutwin_vmm_v1_ListVmsResponse__Output>
        MapReq: MessageTypeDefinition<_iommutwin_vmm_v1_MapReq, _iommutwin_vmm_v1_MapReq__Output>
        MigrateRequest: MessageTypeDefinition<_iommutwin_vmm_v1_MigrateRequest, _iommutwin_vmm_v1_MigrateRequest__Output>
        MigrateResponse: MessageTypeDefinition<_iommutwin_vmm_v1_MigrateResponse, _iommutwin_vmm_v1_MigrateResponse__Output>
        MigrationBlocker: MessageTypeDefinition<_iommutwin_vmm_v1_MigrationBlocker, _iommutwin_vmm_v1_MigrationBlocker__Output>
        MmioReadRequest: MessageTypeDefinition<_iommutwin_vmm_v1_MmioReadRequest, _iommutwin_vmm_v1_MmioReadRequest__Output>
        MmioReadResponse: MessageTypeDefinition<_iommutwin_vmm_v1_MmioReadResponse, _iommutwin_vmm_v1_MmioReadResponse__Output>
        MmioRegion: MessageTypeDefinition<_iommutwin_vmm_v1_MmioRegion, _iommutwin_vmm_v1_MmioRegion__Output>
        MmioWriteRequest: MessageTypeDefinition<_iommutwin_vmm_v1_MmioWriteRequest, _iommutwin_vmm_v1_MmioWriteRequest__Output>
        MmioWriteResponse: MessageTypeDefinition<_iommutwin_vmm_v1_MmioWriteResponse, _iommutwin_vmm_v1_MmioWriteResponse__Output>
        P2pMapping: MessageTypeDefinition<_iommutwin_vmm_v1_P2pMapping, _iommutwin_vmm_v1_P2pMapping__Output>
        PingRequest: MessageTypeDefinition<_iommutwin_vmm_v1_PingRequest, _iommutwin_vmm_v1_PingRequest__Output>
        PingResponse: MessageTypeDefinition<_iommutwin_vmm_v1_PingResponse, _iommutwin_vmm_v1_PingResponse__Output>
        ProbeProperty: MessageTypeDefinition<_iommutwin_vmm_v1_ProbeProperty, _iommutwin_vmm_v1_ProbeProperty__Output>
        ProbeReq: MessageTypeDefinition<_iommutwin_vmm_v1_ProbeReq, _iommutwin_vmm_v1_ProbeReq__Output>
        RamRange: MessageTypeDefinition<_iommutwin_vmm_v1_RamRange, _iommutwin_vmm_v1_RamRange__Output>
        RawReq: MessageTypeDefinition<_iommutwin_vmm_v1_RawReq, _iommutwin_vmm_v1_RawReq__Output>
        ReadMemoryRequest: MessageTypeDefinition<_iommutwin_vmm_v1_ReadMemoryRequest, _iommutwin_vmm_v1_ReadMemoryRequest__Output>
        ReadMemoryResponse: MessageTypeDefinition<_iommutwin_vmm_v1_ReadMemoryResponse, _iommutwin_vmm_v1_ReadMemoryResponse__Output>
        ReceiveMigrationRequest: MessageTypeDefinition<_iommutwin_vmm_v1_ReceiveMigrationRequest, _iommutwin_vmm_v1_ReceiveMigrationRequest__Output>
        ReceiveMigrationResponse: MessageTypeDefinition<_iommutwin_vmm_v1_ReceiveMigrationResponse, _iommutwin_vmm_v1_ReceiveMigrationResponse__Output>
        RemovedDevice: MessageTypeDefinition<_iommutwin_vmm_v1_RemovedDevice, _iommutwin_vmm_v1_RemovedDevice__Output>
        SmmuEvt: EnumTypeDefinition
        SmmuFault: MessageTypeDefinition<_iommutwin_vmm_v1_SmmuFault, _iommutwin_vmm_v1_SmmuFault__Output>
        Smmuv3ConfigCacheEntry: MessageTypeDefinition<_iommutwin_vmm_v1_Smmuv3ConfigCacheEntry, _iommutwin_vmm_v1_Smmuv3ConfigCacheEntry__Output>
        Smmuv3Inspect: MessageTypeDefinition<_iommutwin_vmm_v1_Smmuv3Inspect, _iommutwin_vmm_v1_Smmuv3Inspect__Output>
        Smmuv3IotlbEntry: MessageTypeDefinition<_iommutwin_vmm_v1_Smmuv3IotlbEntry, _iommutwin_vmm_v1_Smmuv3IotlbEntry__Output>
        Smmuv3Register: MessageTypeDefinition<_iommutwin_vmm_v1_Smmuv3Register, _iommutwin_vmm_v1_Smmuv3Register__Output>
        Smmuv3Spec: MessageTypeDefinition<_iommutwin_vmm_v1_Smmuv3Spec, _iommutwin_vmm_v1_Smmuv3Spec__Output>
        Smmuv3Stage: EnumTypeDefinition
        Smmuv3StreamView: MessageTypeDefinition<_iommutwin_vmm_v1_Smmuv3StreamView, _iommutwin_vmm_v1_Smmuv3StreamView__Output>
        StartVmRequest: MessageTypeDefinition<_iommutwin_vmm_v1_StartVmRequest, _iommutwin_vmm_v1_StartVmRequest__Output>
        StartVmResponse: MessageTypeDefinition<_iommutwin_vmm_v1_StartVmResponse, _iommutwin_vmm_v1_StartVmResponse__Output>
        StopVmRequest: MessageTypeDefinition<_iommutwin_vmm_v1_StopVmRequest, _iommutwin_vmm_v1_StopVmRequest__Output>
        StopVmResponse: MessageTypeDefinition<_iommutwin_vmm_v1_StopVmResponse, _iommutwin_vmm_v1_StopVmResponse__Output>
        UnitCapability: MessageTypeDefinition<_iommutwin_vmm_v1_UnitCapability, _iommutwin_vmm_v1_UnitCapability__Output>
        UnmapReq: MessageTypeDefinition<_iommutwin_vmm_v1_UnmapReq, _iommutwin_vmm_v1_UnmapReq__Output>
        UnplugDeviceRequest: MessageTypeDefinition<_iommutwin_vmm_v1_UnplugDeviceRequest, _iommutwin_vmm_v1_UnplugDeviceRequest__Output>
        UnplugDeviceResponse: MessageTypeDefinition<_iommutwin_vmm_v1_UnplugDeviceResponse, _iommutwin_vmm_v1_UnplugDeviceResponse__Output>
        VfioBackend: EnumTypeDefinition
        VfioDeviceSpec: MessageTypeDefinition<_iommutwin_vmm_v1_VfioDeviceSpec, _iommutwin_vmm_v1_VfioDeviceSpec__Output>
        VfioPathCapability: MessageTypeDefinition<_iommutwin_vmm_v1_VfioPathCapability, _iommutwin_vmm_v1_VfioPathCapability__Output>
        ViommuModel: EnumTypeDefinition
        ViommuSpec: MessageTypeDefinition<_iommutwin_vmm_v1_ViommuSpec, _iommutwin_vmm_v1_ViommuSpec__Output>
        VirtioConfigS: EnumTypeDefinition
        VirtioDeviceSpec: MessageTypeDefinition<_iommutwin_vmm_v1_VirtioDeviceSpec, _iommutwin_vmm_v1_VirtioDeviceSpec__Output>
        VirtioDeviceType: EnumTypeDefinition
        VirtioFault: MessageTypeDefinition<_iommutwin_vmm_v1_VirtioFault, _iommutwin_vmm_v1_VirtioFault__Output>
        VirtioIommuAttachF: EnumTypeDefinition
        VirtioIommuConfigRequest: MessageTypeDefinition<_iommutwin_vmm_v1_VirtioIommuConfigRequest, _iommutwin_vmm_v1_VirtioIommuConfigRequest__Output>
        VirtioIommuConfigResponse: MessageTypeDefinition<_iommutwin_vmm_v1_VirtioIommuConfigResponse, _iommutwin_vmm_v1_VirtioIommuConfigResponse__Output>
        VirtioIommuF: EnumTypeDefinition
        VirtioIommuFaultF: EnumTypeDefinition
        VirtioIommuFaultR: EnumTypeDefinition
        VirtioIommuMapF: EnumTypeDefinition
        VirtioIommuProbeT: EnumTypeDefinition
        VirtioIommuRequestRequest: MessageTypeDefinition<_iommutwin_vmm_v1_VirtioIommuRequestRequest, _iommutwin_vmm_v1_VirtioIommuRequestRequest__Output>
        VirtioIommuRequestResponse: MessageTypeDefinition<_iommutwin_vmm_v1_VirtioIommuRequestResponse, _iommutwin_vmm_v1_VirtioIommuRequestResponse__Output>
        VirtioIommuResvMemT: EnumTypeDefinition
        VirtioIommuS: EnumTypeDefinition
        VirtioIommuSetFeaturesRequest: MessageTypeDefinition<_iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest__Output>
        VirtioIommuSetFeaturesResponse: MessageTypeDefinition<_iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse, _iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output>
        VirtioIommuSpec: MessageTypeDefinition<_iommutwin_vmm_v1_VirtioIommuSpec, _iommutwin_vmm_v1_VirtioIommuSpec__Output>
        VirtioIommuWriteBypassRequest: MessageTypeDefinition<_iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest__Output>
        VirtioIommuWriteBypassResponse: MessageTypeDefinition<_iommutwin_vmm_v1_VirtioIommuWriteBypassResponse, _iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output>
        VirtioReadStatusRequest: MessageTypeDefinition<_iommutwin_vmm_v1_VirtioReadStatusRequest, _iommutwin_vmm_v1_VirtioReadStatusRequest__Output>
        VirtioReadStatusResponse: MessageTypeDefinition<_iommutwin_vmm_v1_VirtioReadStatusResponse, _iommutwin_vmm_v1_VirtioReadStatusResponse__Output>
        VirtioReservedRegion: MessageTypeDefinition<_iommutwin_vmm_v1_VirtioReservedRegion, _iommutwin_vmm_v1_VirtioReservedRegion__Output>
        VirtioSetFeaturesRequest: MessageTypeDefinition<_iommutwin_vmm_v1_VirtioSetFeaturesRequest, _iommutwin_vmm_v1_VirtioSetFeaturesRequest__Output>
        VirtioSetFeaturesResponse: MessageTypeDefinition<_iommutwin_vmm_v1_VirtioSetFeaturesResponse, _iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output>
        VirtioWriteStatusRequest: MessageTypeDefinition<_iommutwin_vmm_v1_VirtioWriteStatusRequest, _iommutwin_vmm_v1_VirtioWriteStatusRequest__Output>
        VirtioWriteStatusResponse: MessageTypeDefinition<_iommutwin_vmm_v1_VirtioWriteStatusResponse, _iommutwin_vmm_v1_VirtioWriteStatusResponse__Output>
        VmInfo: MessageTypeDefinition<_iommutwin_vmm_v1_VmInfo, _iommutwin_vmm_v1_VmInfo__Output>
        VmSpec: MessageTypeDefinition<_iommutwin_vmm_v1_VmSpec, _iommutwin_vmm_v1_VmSpec__Output>
        VmState: EnumTypeDefinition
        /**
         * The management plane of one VMM instance (QEMU-like), a client of its host-iommu.
         */
        Vmm: SubtypeConstructor<typeof grpc.Client, _iommutwin_vmm_v1_VmmClient> & { service: _iommutwin_vmm_v1_VmmDefinition }
        VtdContextCacheEntry: MessageTypeDefinition<_iommutwin_vmm_v1_VtdContextCacheEntry, _iommutwin_vmm_v1_VtdContextCacheEntry__Output>
        VtdDeviceChain: MessageTypeDefinition<_iommutwin_vmm_v1_VtdDeviceChain, _iommutwin_vmm_v1_VtdDeviceChain__Output>
        VtdFault: MessageTypeDefinition<_iommutwin_vmm_v1_VtdFault, _iommutwin_vmm_v1_VtdFault__Output>
        VtdFr: EnumTypeDefinition
        VtdIotlbEntry: MessageTypeDefinition<_iommutwin_vmm_v1_VtdIotlbEntry, _iommutwin_vmm_v1_VtdIotlbEntry__Output>
        VtdPasidCacheEntry: MessageTypeDefinition<_iommutwin_vmm_v1_VtdPasidCacheEntry, _iommutwin_vmm_v1_VtdPasidCacheEntry__Output>
        WriteMemoryRequest: MessageTypeDefinition<_iommutwin_vmm_v1_WriteMemoryRequest, _iommutwin_vmm_v1_WriteMemoryRequest__Output>
        WriteMemoryResponse: MessageTypeDefinition<_iommutwin_vmm_v1_WriteMemoryResponse, _iommutwin_vmm_v1_WriteMemoryResponse__Output>
      }
    }
  }
}

