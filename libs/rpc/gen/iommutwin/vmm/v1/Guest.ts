// Original file: proto/iommutwin/vmm/v1/guest.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DmaRequest as _iommutwin_vmm_v1_DmaRequest, DmaRequest__Output as _iommutwin_vmm_v1_DmaRequest__Output } from '../../../iommutwin/vmm/v1/DmaRequest.js';
import type { DmaResponse as _iommutwin_vmm_v1_DmaResponse, DmaResponse__Output as _iommutwin_vmm_v1_DmaResponse__Output } from '../../../iommutwin/vmm/v1/DmaResponse.js';
import type { EventsRequest as _iommutwin_vmm_v1_EventsRequest, EventsRequest__Output as _iommutwin_vmm_v1_EventsRequest__Output } from '../../../iommutwin/vmm/v1/EventsRequest.js';
import type { EventsResponse as _iommutwin_vmm_v1_EventsResponse, EventsResponse__Output as _iommutwin_vmm_v1_EventsResponse__Output } from '../../../iommutwin/vmm/v1/EventsResponse.js';
import type { ReadMemoryRequest as _iommutwin_vmm_v1_ReadMemoryRequest, ReadMemoryRequest__Output as _iommutwin_vmm_v1_ReadMemoryRequest__Output } from '../../../iommutwin/vmm/v1/ReadMemoryRequest.js';
import type { ReadMemoryResponse as _iommutwin_vmm_v1_ReadMemoryResponse, ReadMemoryResponse__Output as _iommutwin_vmm_v1_ReadMemoryResponse__Output } from '../../../iommutwin/vmm/v1/ReadMemoryResponse.js';
import type { VirtioIommuConfigRequest as _iommutwin_vmm_v1_VirtioIommuConfigRequest, VirtioIommuConfigRequest__Output as _iommutwin_vmm_v1_VirtioIommuConfigRequest__Output } from '../../../iommutwin/vmm/v1/VirtioIommuConfigRequest.js';
import type { VirtioIommuConfigResponse as _iommutwin_vmm_v1_VirtioIommuConfigResponse, VirtioIommuConfigResponse__Output as _iommutwin_vmm_v1_VirtioIommuConfigResponse__Output } from '../../../iommutwin/vmm/v1/VirtioIommuConfigResponse.js';
import type { VirtioIommuRequestRequest as _iommutwin_vmm_v1_VirtioIommuRequestRequest, VirtioIommuRequestRequest__Output as _iommutwin_vmm_v1_VirtioIommuRequestRequest__Output } from '../../../iommutwin/vmm/v1/VirtioIommuRequestRequest.js';
import type { VirtioIommuRequestResponse as _iommutwin_vmm_v1_VirtioIommuRequestResponse, VirtioIommuRequestResponse__Output as _iommutwin_vmm_v1_VirtioIommuRequestResponse__Output } from '../../../iommutwin/vmm/v1/VirtioIommuRequestResponse.js';
import type { VirtioIommuSetFeaturesRequest as _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, VirtioIommuSetFeaturesRequest__Output as _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest__Output } from '../../../iommutwin/vmm/v1/VirtioIommuSetFeaturesRequest.js';
import type { VirtioIommuSetFeaturesResponse as _iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse, VirtioIommuSetFeaturesResponse__Output as _iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output } from '../../../iommutwin/vmm/v1/VirtioIommuSetFeaturesResponse.js';
import type { VirtioIommuWriteBypassRequest as _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, VirtioIommuWriteBypassRequest__Output as _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest__Output } from '../../../iommutwin/vmm/v1/VirtioIommuWriteBypassRequest.js';
import type { VirtioIommuWriteBypassResponse as _iommutwin_vmm_v1_VirtioIommuWriteBypassResponse, VirtioIommuWriteBypassResponse__Output as _iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output } from '../../../iommutwin/vmm/v1/VirtioIommuWriteBypassResponse.js';
import type { VirtioSetFeaturesRequest as _iommutwin_vmm_v1_VirtioSetFeaturesRequest, VirtioSetFeaturesRequest__Output as _iommutwin_vmm_v1_VirtioSetFeaturesRequest__Output } from '../../../iommutwin/vmm/v1/VirtioSetFeaturesRequest.js';
import type { VirtioSetFeaturesResponse as _iommutwin_vmm_v1_VirtioSetFeaturesResponse, VirtioSetFeaturesResponse__Output as _iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output } from '../../../iommutwin/vmm/v1/VirtioSetFeaturesResponse.js';
import type { WriteMemoryRequest as _iommutwin_vmm_v1_WriteMemoryRequest, WriteMemoryRequest__Output as _iommutwin_vmm_v1_WriteMemoryRequest__Output } from '../../../iommutwin/vmm/v1/WriteMemoryRequest.js';
import type { WriteMemoryResponse as _iommutwin_vmm_v1_WriteMemoryResponse, WriteMemoryResponse__Output as _iommutwin_vmm_v1_WriteMemoryResponse__Output } from '../../../iommutwin/vmm/v1/WriteMemoryResponse.js';

/**
 * What the guest OS and its drivers do.
 */
export interface GuestClient extends grpc.Client {
  Dma(argument: _iommutwin_vmm_v1_DmaRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_DmaResponse__Output>): grpc.ClientUnaryCall;
  Dma(argument: _iommutwin_vmm_v1_DmaRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_DmaResponse__Output>): grpc.ClientUnaryCall;
  Dma(argument: _iommutwin_vmm_v1_DmaRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_DmaResponse__Output>): grpc.ClientUnaryCall;
  Dma(argument: _iommutwin_vmm_v1_DmaRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_DmaResponse__Output>): grpc.ClientUnaryCall;
  dma(argument: _iommutwin_vmm_v1_DmaRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_DmaResponse__Output>): grpc.ClientUnaryCall;
  dma(argument: _iommutwin_vmm_v1_DmaRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_DmaResponse__Output>): grpc.ClientUnaryCall;
  dma(argument: _iommutwin_vmm_v1_DmaRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_DmaResponse__Output>): grpc.ClientUnaryCall;
  dma(argument: _iommutwin_vmm_v1_DmaRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_DmaResponse__Output>): grpc.ClientUnaryCall;
  
  Events(argument: _iommutwin_vmm_v1_EventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_vmm_v1_EventsResponse__Output>;
  Events(argument: _iommutwin_vmm_v1_EventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_vmm_v1_EventsResponse__Output>;
  events(argument: _iommutwin_vmm_v1_EventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_vmm_v1_EventsResponse__Output>;
  events(argument: _iommutwin_vmm_v1_EventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_vmm_v1_EventsResponse__Output>;
  
  ReadMemory(argument: _iommutwin_vmm_v1_ReadMemoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  ReadMemory(argument: _iommutwin_vmm_v1_ReadMemoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  ReadMemory(argument: _iommutwin_vmm_v1_ReadMemoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  ReadMemory(argument: _iommutwin_vmm_v1_ReadMemoryRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  readMemory(argument: _iommutwin_vmm_v1_ReadMemoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  readMemory(argument: _iommutwin_vmm_v1_ReadMemoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  readMemory(argument: _iommutwin_vmm_v1_ReadMemoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  readMemory(argument: _iommutwin_vmm_v1_ReadMemoryRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  
  VirtioIommuConfig(argument: _iommutwin_vmm_v1_VirtioIommuConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuConfigResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuConfig(argument: _iommutwin_vmm_v1_VirtioIommuConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuConfigResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuConfig(argument: _iommutwin_vmm_v1_VirtioIommuConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuConfigResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuConfig(argument: _iommutwin_vmm_v1_VirtioIommuConfigRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuConfigResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuConfig(argument: _iommutwin_vmm_v1_VirtioIommuConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuConfigResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuConfig(argument: _iommutwin_vmm_v1_VirtioIommuConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuConfigResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuConfig(argument: _iommutwin_vmm_v1_VirtioIommuConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuConfigResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuConfig(argument: _iommutwin_vmm_v1_VirtioIommuConfigRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuConfigResponse__Output>): grpc.ClientUnaryCall;
  
  VirtioIommuRequest(argument: _iommutwin_vmm_v1_VirtioIommuRequestRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuRequestResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuRequest(argument: _iommutwin_vmm_v1_VirtioIommuRequestRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuRequestResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuRequest(argument: _iommutwin_vmm_v1_VirtioIommuRequestRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuRequestResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuRequest(argument: _iommutwin_vmm_v1_VirtioIommuRequestRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuRequestResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuRequest(argument: _iommutwin_vmm_v1_VirtioIommuRequestRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuRequestResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuRequest(argument: _iommutwin_vmm_v1_VirtioIommuRequestRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuRequestResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuRequest(argument: _iommutwin_vmm_v1_VirtioIommuRequestRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuRequestResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuRequest(argument: _iommutwin_vmm_v1_VirtioIommuRequestRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuRequestResponse__Output>): grpc.ClientUnaryCall;
  
  VirtioIommuSetFeatures(argument: _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuSetFeatures(argument: _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuSetFeatures(argument: _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuSetFeatures(argument: _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuSetFeatures(argument: _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuSetFeatures(argument: _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuSetFeatures(argument: _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuSetFeatures(argument: _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  
  VirtioIommuWriteBypass(argument: _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuWriteBypass(argument: _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuWriteBypass(argument: _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuWriteBypass(argument: _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuWriteBypass(argument: _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuWriteBypass(argument: _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuWriteBypass(argument: _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuWriteBypass(argument: _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output>): grpc.ClientUnaryCall;
  
  VirtioSetFeatures(argument: _iommutwin_vmm_v1_VirtioSetFeaturesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  VirtioSetFeatures(argument: _iommutwin_vmm_v1_VirtioSetFeaturesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  VirtioSetFeatures(argument: _iommutwin_vmm_v1_VirtioSetFeaturesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  VirtioSetFeatures(argument: _iommutwin_vmm_v1_VirtioSetFeaturesRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  virtioSetFeatures(argument: _iommutwin_vmm_v1_VirtioSetFeaturesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  virtioSetFeatures(argument: _iommutwin_vmm_v1_VirtioSetFeaturesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  virtioSetFeatures(argument: _iommutwin_vmm_v1_VirtioSetFeaturesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  virtioSetFeatures(argument: _iommutwin_vmm_v1_VirtioSetFeaturesRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  
  WriteMemory(argument: _iommutwin_vmm_v1_WriteMemoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  WriteMemory(argument: _iommutwin_vmm_v1_WriteMemoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  WriteMemory(argument: _iommutwin_vmm_v1_WriteMemoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  WriteMemory(argument: _iommutwin_vmm_v1_WriteMemoryRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  writeMemory(argument: _iommutwin_vmm_v1_WriteMemoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  writeMemory(argument: _iommutwin_vmm_v1_WriteMemoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  writeMemory(argument: _iommutwin_vmm_v1_WriteMemoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  writeMemory(argument: _iommutwin_vmm_v1_WriteMemoryRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * What the guest OS and its drivers do.
 */
export interface GuestHandlers extends grpc.UntypedServiceImplementation {
  Dma: grpc.handleUnaryCall<_iommutwin_vmm_v1_DmaRequest__Output, _iommutwin_vmm_v1_DmaResponse>;
  
  Events: grpc.handleServerStreamingCall<_iommutwin_vmm_v1_EventsRequest__Output, _iommutwin_vmm_v1_EventsResponse>;
  
  ReadMemory: grpc.handleUnaryCall<_iommutwin_vmm_v1_ReadMemoryRequest__Output, _iommutwin_vmm_v1_ReadMemoryResponse>;
  
  VirtioIommuConfig: grpc.handleUnaryCall<_iommutwin_vmm_v1_VirtioIommuConfigRequest__Output, _iommutwin_vmm_v1_VirtioIommuConfigResponse>;
  
  VirtioIommuRequest: grpc.handleUnaryCall<_iommutwin_vmm_v1_VirtioIommuRequestRequest__Output, _iommutwin_vmm_v1_VirtioIommuRequestResponse>;
  
  VirtioIommuSetFeatures: grpc.handleUnaryCall<_iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest__Output, _iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse>;
  
  VirtioIommuWriteBypass: grpc.handleUnaryCall<_iommutwin_vmm_v1_VirtioIommuWriteBypassRequest__Output, _iommutwin_vmm_v1_VirtioIommuWriteBypassResponse>;
  
  VirtioSetFeatures: grpc.handleUnaryCall<_iommutwin_vmm_v1_VirtioSetFeaturesRequest__Output, _iommutwin_vmm_v1_VirtioSetFeaturesResponse>;
  
  WriteMemory: grpc.handleUnaryCall<_iommutwin_vmm_v1_WriteMemoryRequest__Output, _iommutwin_vmm_v1_WriteMemoryResponse>;
  
}

export interface GuestDefinition extends grpc.ServiceDefinition {
  Dma: MethodDefinition<_iommutwin_vmm_v1_DmaRequest, _iommutwin_vmm_v1_DmaResponse, _iommutwin_vmm_v1_DmaRequest__Output, _iommutwin_vmm_v1_DmaResponse__Output>
  Events: MethodDefinition<_iommutwin_vmm_v1_EventsRequest, _iommutwin_vmm_v1_EventsResponse, _iommutwin_vmm_v1_EventsRequest__Output, _iommutwin_vmm_v1_EventsResponse__Output>
  ReadMemory: MethodDefinition<_iommutwin_vmm_v1_ReadMemoryRequest, _iommutwin_vmm_v1_ReadMemoryResponse, _iommutwin_vmm_v1_ReadMemoryRequest__Output, _iommutwin_vmm_v1_ReadMemoryResponse__Output>
  VirtioIommuConfig: MethodDefinition<_iommutwin_vmm_v1_VirtioIommuConfigRequest, _iommutwin_vmm_v1_VirtioIommuConfigResponse, _iommutwin_vmm_v1_VirtioIommuConfigRequest__Output, _iommutwin_vmm_v1_VirtioIommuConfigResponse__Output>
  VirtioIommuRequest: MethodDefinition<_iommutwin_vmm_v1_VirtioIommuRequestRequest, _iommutwin_vmm_v1_VirtioIommuRequestResponse, _iommutwin_vmm_v1_VirtioIommuRequestRequest__Output, _iommutwin_vmm_v1_VirtioIommuRequestResponse__Output>
  VirtioIommuSetFeatures: MethodDefinition<_iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, _iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse, _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest__Output, _iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output>
  VirtioIommuWriteBypass: MethodDefinition<_iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, _iommutwin_vmm_v1_VirtioIommuWriteBypassResponse, _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest__Output, _iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output>
  VirtioSetFeatures: MethodDefinition<_iommutwin_vmm_v1_VirtioSetFeaturesRequest, _iommutwin_vmm_v1_VirtioSetFeaturesResponse, _iommutwin_vmm_v1_VirtioSetFeaturesRequest__Output, _iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output>
  WriteMemory: MethodDefinition<_iommutwin_vmm_v1_WriteMemoryRequest, _iommutwin_vmm_v1_WriteMemoryResponse, _iommutwin_vmm_v1_WriteMemoryRequest__Output, _iommutwin_vmm_v1_WriteMemoryResponse__Output>
}
