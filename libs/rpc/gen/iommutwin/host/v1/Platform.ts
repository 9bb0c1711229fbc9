// Original file: proto/iommutwin/host/v1/platform.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DescribeRequest as _iommutwin_host_v1_DescribeRequest, DescribeRequest__Output as _iommutwin_host_v1_DescribeRequest__Output } from '../../../iommutwin/host/v1/DescribeRequest.js';
import type { DescribeResponse as _iommutwin_host_v1_DescribeResponse, DescribeResponse__Output as _iommutwin_host_v1_DescribeResponse__Output } from '../../../iommutwin/host/v1/DescribeResponse.js';
import type { DeviceAtsTranslateRequest as _iommutwin_host_v1_DeviceAtsTranslateRequest, DeviceAtsTranslateRequest__Output as _iommutwin_host_v1_DeviceAtsTranslateRequest__Output } from '../../../iommutwin/host/v1/DeviceAtsTranslateRequest.js';
import type { DeviceAtsTranslateResponse as _iommutwin_host_v1_DeviceAtsTranslateResponse, DeviceAtsTranslateResponse__Output as _iommutwin_host_v1_DeviceAtsTranslateResponse__Output } from '../../../iommutwin/host/v1/DeviceAtsTranslateResponse.js';
import type { DeviceDmaBatchRequest as _iommutwin_host_v1_DeviceDmaBatchRequest, DeviceDmaBatchRequest__Output as _iommutwin_host_v1_DeviceDmaBatchRequest__Output } from '../../../iommutwin/host/v1/DeviceDmaBatchRequest.js';
import type { DeviceDmaBatchResponse as _iommutwin_host_v1_DeviceDmaBatchResponse, DeviceDmaBatchResponse__Output as _iommutwin_host_v1_DeviceDmaBatchResponse__Output } from '../../../iommutwin/host/v1/DeviceDmaBatchResponse.js';
import type { DeviceDmaRequest as _iommutwin_host_v1_DeviceDmaRequest, DeviceDmaRequest__Output as _iommutwin_host_v1_DeviceDmaRequest__Output } from '../../../iommutwin/host/v1/DeviceDmaRequest.js';
import type { DeviceDmaResponse as _iommutwin_host_v1_DeviceDmaResponse, DeviceDmaResponse__Output as _iommutwin_host_v1_DeviceDmaResponse__Output } from '../../../iommutwin/host/v1/DeviceDmaResponse.js';
import type { InspectRequest as _iommutwin_host_v1_InspectRequest, InspectRequest__Output as _iommutwin_host_v1_InspectRequest__Output } from '../../../iommutwin/host/v1/InspectRequest.js';
import type { InspectResponse as _iommutwin_host_v1_InspectResponse, InspectResponse__Output as _iommutwin_host_v1_InspectResponse__Output } from '../../../iommutwin/host/v1/InspectResponse.js';
import type { PingRequest as _iommutwin_host_v1_PingRequest, PingRequest__Output as _iommutwin_host_v1_PingRequest__Output } from '../../../iommutwin/host/v1/PingRequest.js';
import type { PingResponse as _iommutwin_host_v1_PingResponse, PingResponse__Output as _iommutwin_host_v1_PingResponse__Output } from '../../../iommutwin/host/v1/PingResponse.js';
import type { PingStreamRequest as _iommutwin_host_v1_PingStreamRequest, PingStreamRequest__Output as _iommutwin_host_v1_PingStreamRequest__Output } from '../../../iommutwin/host/v1/PingStreamRequest.js';
import type { PingStreamResponse as _iommutwin_host_v1_PingStreamResponse, PingStreamResponse__Output as _iommutwin_host_v1_PingStreamResponse__Output } from '../../../iommutwin/host/v1/PingStreamResponse.js';
import type { PlugRequest as _iommutwin_host_v1_PlugRequest, PlugRequest__Output as _iommutwin_host_v1_PlugRequest__Output } from '../../../iommutwin/host/v1/PlugRequest.js';
import type { PlugResponse as _iommutwin_host_v1_PlugResponse, PlugResponse__Output as _iommutwin_host_v1_PlugResponse__Output } from '../../../iommutwin/host/v1/PlugResponse.js';
import type { SetBarDecodeRequest as _iommutwin_host_v1_SetBarDecodeRequest, SetBarDecodeRequest__Output as _iommutwin_host_v1_SetBarDecodeRequest__Output } from '../../../iommutwin/host/v1/SetBarDecodeRequest.js';
import type { SetBarDecodeResponse as _iommutwin_host_v1_SetBarDecodeResponse, SetBarDecodeResponse__Output as _iommutwin_host_v1_SetBarDecodeResponse__Output } from '../../../iommutwin/host/v1/SetBarDecodeResponse.js';
import type { SetDriverRequest as _iommutwin_host_v1_SetDriverRequest, SetDriverRequest__Output as _iommutwin_host_v1_SetDriverRequest__Output } from '../../../iommutwin/host/v1/SetDriverRequest.js';
import type { SetDriverResponse as _iommutwin_host_v1_SetDriverResponse, SetDriverResponse__Output as _iommutwin_host_v1_SetDriverResponse__Output } from '../../../iommutwin/host/v1/SetDriverResponse.js';
import type { UnplugRequest as _iommutwin_host_v1_UnplugRequest, UnplugRequest__Output as _iommutwin_host_v1_UnplugRequest__Output } from '../../../iommutwin/host/v1/UnplugRequest.js';
import type { UnplugResponse as _iommutwin_host_v1_UnplugResponse, UnplugResponse__Output as _iommutwin_host_v1_UnplugResponse__Output } from '../../../iommutwin/host/v1/UnplugResponse.js';
import type { WatchEventsRequest as _iommutwin_host_v1_WatchEventsRequest, WatchEventsRequest__Output as _iommutwin_host_v1_WatchEventsRequest__Output } from '../../../iommutwin/host/v1/WatchEventsRequest.js';
import type { WatchEventsResponse as _iommutwin_host_v1_WatchEventsResponse, WatchEventsResponse__Output as _iommutwin_host_v1_WatchEventsResponse__Output } from '../../../iommutwin/host/v1/WatchEventsResponse.js';

/**
 * The modelled hardware.
 */
export interface PlatformClient extends grpc.Client {
  /**
   * The host: kernel features, IOMMU units, PCI devices, groups and reserved regions.
   */
  Describe(argument: _iommutwin_host_v1_DescribeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  Describe(argument: _iommutwin_host_v1_DescribeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  Describe(argument: _iommutwin_host_v1_DescribeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  Describe(argument: _iommutwin_host_v1_DescribeRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The host: kernel features, IOMMU units, PCI devices, groups and reserved regions.
   */
  describe(argument: _iommutwin_host_v1_DescribeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  describe(argument: _iommutwin_host_v1_DescribeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  describe(argument: _iommutwin_host_v1_DescribeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  describe(argument: _iommutwin_host_v1_DescribeRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DescribeResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A device sends an ATS translation request (fills its ATC).
   */
  DeviceAtsTranslate(argument: _iommutwin_host_v1_DeviceAtsTranslateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceAtsTranslateResponse__Output>): grpc.ClientUnaryCall;
  DeviceAtsTranslate(argument: _iommutwin_host_v1_DeviceAtsTranslateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceAtsTranslateResponse__Output>): grpc.ClientUnaryCall;
  DeviceAtsTranslate(argument: _iommutwin_host_v1_DeviceAtsTranslateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceAtsTranslateResponse__Output>): grpc.ClientUnaryCall;
  DeviceAtsTranslate(argument: _iommutwin_host_v1_DeviceAtsTranslateRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceAtsTranslateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A device sends an ATS translation request (fills its ATC).
   */
  deviceAtsTranslate(argument: _iommutwin_host_v1_DeviceAtsTranslateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceAtsTranslateResponse__Output>): grpc.ClientUnaryCall;
  deviceAtsTranslate(argument: _iommutwin_host_v1_DeviceAtsTranslateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceAtsTranslateResponse__Output>): grpc.ClientUnaryCall;
  deviceAtsTranslate(argument: _iommutwin_host_v1_DeviceAtsTranslateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceAtsTranslateResponse__Output>): grpc.ClientUnaryCall;
  deviceAtsTranslate(argument: _iommutwin_host_v1_DeviceAtsTranslateRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceAtsTranslateResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A device performs one DMA.
   */
  DeviceDma(argument: _iommutwin_host_v1_DeviceDmaRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDmaResponse__Output>): grpc.ClientUnaryCall;
  DeviceDma(argument: _iommutwin_host_v1_DeviceDmaRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDmaResponse__Output>): grpc.ClientUnaryCall;
  DeviceDma(argument: _iommutwin_host_v1_DeviceDmaRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDmaResponse__Output>): grpc.ClientUnaryCall;
  DeviceDma(argument: _iommutwin_host_v1_DeviceDmaRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDmaResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A device performs one DMA.
   */
  deviceDma(argument: _iommutwin_host_v1_DeviceDmaRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDmaResponse__Output>): grpc.ClientUnaryCall;
  deviceDma(argument: _iommutwin_host_v1_DeviceDmaRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDmaResponse__Output>): grpc.ClientUnaryCall;
  deviceDma(argument: _iommutwin_host_v1_DeviceDmaRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDmaResponse__Output>): grpc.ClientUnaryCall;
  deviceDma(argument: _iommutwin_host_v1_DeviceDmaRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDmaResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A device performs many address translations in one call (packed entries).
   */
  DeviceDmaBatch(argument: _iommutwin_host_v1_DeviceDmaBatchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDmaBatchResponse__Output>): grpc.ClientUnaryCall;
  DeviceDmaBatch(argument: _iommutwin_host_v1_DeviceDmaBatchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDmaBatchResponse__Output>): grpc.ClientUnaryCall;
  DeviceDmaBatch(argument: _iommutwin_host_v1_DeviceDmaBatchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDmaBatchResponse__Output>): grpc.ClientUnaryCall;
  DeviceDmaBatch(argument: _iommutwin_host_v1_DeviceDmaBatchRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDmaBatchResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A device performs many address translations in one call (packed entries).
   */
  deviceDmaBatch(argument: _iommutwin_host_v1_DeviceDmaBatchRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDmaBatchResponse__Output>): grpc.ClientUnaryCall;
  deviceDmaBatch(argument: _iommutwin_host_v1_DeviceDmaBatchRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDmaBatchResponse__Output>): grpc.ClientUnaryCall;
  deviceDmaBatch(argument: _iommutwin_host_v1_DeviceDmaBatchRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDmaBatchResponse__Output>): grpc.ClientUnaryCall;
  deviceDmaBatch(argument: _iommutwin_host_v1_DeviceDmaBatchRequest, callback: grpc.requestCallback<_iommutwin_host_v1_DeviceDmaBatchResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Page-table, IOTLB, IOAS and pinning statistics of an object.
   */
  Inspect(argument: _iommutwin_host_v1_InspectRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_InspectResponse__Output>): grpc.ClientUnaryCall;
  Inspect(argument: _iommutwin_host_v1_InspectRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_InspectResponse__Output>): grpc.ClientUnaryCall;
  Inspect(argument: _iommutwin_host_v1_InspectRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_InspectResponse__Output>): grpc.ClientUnaryCall;
  Inspect(argument: _iommutwin_host_v1_InspectRequest, callback: grpc.requestCallback<_iommutwin_host_v1_InspectResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Page-table, IOTLB, IOAS and pinning statistics of an object.
   */
  inspect(argument: _iommutwin_host_v1_InspectRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_InspectResponse__Output>): grpc.ClientUnaryCall;
  inspect(argument: _iommutwin_host_v1_InspectRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_InspectResponse__Output>): grpc.ClientUnaryCall;
  inspect(argument: _iommutwin_host_v1_InspectRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_InspectResponse__Output>): grpc.ClientUnaryCall;
  inspect(argument: _iommutwin_host_v1_InspectRequest, callback: grpc.requestCallback<_iommutwin_host_v1_InspectResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * No-op unary call (the benchmark baseline).
   */
  Ping(argument: _iommutwin_host_v1_PingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  Ping(argument: _iommutwin_host_v1_PingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  Ping(argument: _iommutwin_host_v1_PingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  Ping(argument: _iommutwin_host_v1_PingRequest, callback: grpc.requestCallback<_iommutwin_host_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  /**
   * No-op unary call (the benchmark baseline).
   */
  ping(argument: _iommutwin_host_v1_PingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  ping(argument: _iommutwin_host_v1_PingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  ping(argument: _iommutwin_host_v1_PingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  ping(argument: _iommutwin_host_v1_PingRequest, callback: grpc.requestCallback<_iommutwin_host_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * No-op server stream of `count` messages (the streaming benchmark baseline).
   */
  PingStream(argument: _iommutwin_host_v1_PingStreamRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_host_v1_PingStreamResponse__Output>;
  PingStream(argument: _iommutwin_host_v1_PingStreamRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_host_v1_PingStreamResponse__Output>;
  /**
   * No-op server stream of `count` messages (the streaming benchmark baseline).
   */
  pingStream(argument: _iommutwin_host_v1_PingStreamRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_host_v1_PingStreamResponse__Output>;
  pingStream(argument: _iommutwin_host_v1_PingStreamRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_host_v1_PingStreamResponse__Output>;
  
  /**
   * Re-inserts an unplugged device.
   */
  Plug(argument: _iommutwin_host_v1_PlugRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_PlugResponse__Output>): grpc.ClientUnaryCall;
  Plug(argument: _iommutwin_host_v1_PlugRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_PlugResponse__Output>): grpc.ClientUnaryCall;
  Plug(argument: _iommutwin_host_v1_PlugRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_PlugResponse__Output>): grpc.ClientUnaryCall;
  Plug(argument: _iommutwin_host_v1_PlugRequest, callback: grpc.requestCallback<_iommutwin_host_v1_PlugResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Re-inserts an unplugged device.
   */
  plug(argument: _iommutwin_host_v1_PlugRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_PlugResponse__Output>): grpc.ClientUnaryCall;
  plug(argument: _iommutwin_host_v1_PlugRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_PlugResponse__Output>): grpc.ClientUnaryCall;
  plug(argument: _iommutwin_host_v1_PlugRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_PlugResponse__Output>): grpc.ClientUnaryCall;
  plug(argument: _iommutwin_host_v1_PlugRequest, callback: grpc.requestCallback<_iommutwin_host_v1_PlugResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Enables or disables a device's memory decode (disabling revokes its dma-bufs).
   */
  SetBarDecode(argument: _iommutwin_host_v1_SetBarDecodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_SetBarDecodeResponse__Output>): grpc.ClientUnaryCall;
  SetBarDecode(argument: _iommutwin_host_v1_SetBarDecodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_SetBarDecodeResponse__Output>): grpc.ClientUnaryCall;
  SetBarDecode(argument: _iommutwin_host_v1_SetBarDecodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_SetBarDecodeResponse__Output>): grpc.ClientUnaryCall;
  SetBarDecode(argument: _iommutwin_host_v1_SetBarDecodeRequest, callback: grpc.requestCallback<_iommutwin_host_v1_SetBarDecodeResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Enables or disables a device's memory decode (disabling revokes its dma-bufs).
   */
  setBarDecode(argument: _iommutwin_host_v1_SetBarDecodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_SetBarDecodeResponse__Output>): grpc.ClientUnaryCall;
  setBarDecode(argument: _iommutwin_host_v1_SetBarDecodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_SetBarDecodeResponse__Output>): grpc.ClientUnaryCall;
  setBarDecode(argument: _iommutwin_host_v1_SetBarDecodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_SetBarDecodeResponse__Output>): grpc.ClientUnaryCall;
  setBarDecode(argument: _iommutwin_host_v1_SetBarDecodeRequest, callback: grpc.requestCallback<_iommutwin_host_v1_SetBarDecodeResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Binds a device to a driver ("vfio-pci", "host", "none").
   */
  SetDriver(argument: _iommutwin_host_v1_SetDriverRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_SetDriverResponse__Output>): grpc.ClientUnaryCall;
  SetDriver(argument: _iommutwin_host_v1_SetDriverRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_SetDriverResponse__Output>): grpc.ClientUnaryCall;
  SetDriver(argument: _iommutwin_host_v1_SetDriverRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_SetDriverResponse__Output>): grpc.ClientUnaryCall;
  SetDriver(argument: _iommutwin_host_v1_SetDriverRequest, callback: grpc.requestCallback<_iommutwin_host_v1_SetDriverResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Binds a device to a driver ("vfio-pci", "host", "none").
   */
  setDriver(argument: _iommutwin_host_v1_SetDriverRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_SetDriverResponse__Output>): grpc.ClientUnaryCall;
  setDriver(argument: _iommutwin_host_v1_SetDriverRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_SetDriverResponse__Output>): grpc.ClientUnaryCall;
  setDriver(argument: _iommutwin_host_v1_SetDriverRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_SetDriverResponse__Output>): grpc.ClientUnaryCall;
  setDriver(argument: _iommutwin_host_v1_SetDriverRequest, callback: grpc.requestCallback<_iommutwin_host_v1_SetDriverResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Surprise removal of a device.
   */
  Unplug(argument: _iommutwin_host_v1_UnplugRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_UnplugResponse__Output>): grpc.ClientUnaryCall;
  Unplug(argument: _iommutwin_host_v1_UnplugRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_UnplugResponse__Output>): grpc.ClientUnaryCall;
  Unplug(argument: _iommutwin_host_v1_UnplugRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_UnplugResponse__Output>): grpc.ClientUnaryCall;
  Unplug(argument: _iommutwin_host_v1_UnplugRequest, callback: grpc.requestCallback<_iommutwin_host_v1_UnplugResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Surprise removal of a device.
   */
  unplug(argument: _iommutwin_host_v1_UnplugRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_UnplugResponse__Output>): grpc.ClientUnaryCall;
  unplug(argument: _iommutwin_host_v1_UnplugRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_UnplugResponse__Output>): grpc.ClientUnaryCall;
  unplug(argument: _iommutwin_host_v1_UnplugRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_UnplugResponse__Output>): grpc.ClientUnaryCall;
  unplug(argument: _iommutwin_host_v1_UnplugRequest, callback: grpc.requestCallback<_iommutwin_host_v1_UnplugResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The host event log as a resumable stream.
   */
  WatchEvents(argument: _iommutwin_host_v1_WatchEventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_host_v1_WatchEventsResponse__Output>;
  WatchEvents(argument: _iommutwin_host_v1_WatchEventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_host_v1_WatchEventsResponse__Output>;
  /**
   * The host event log as a resumable stream.
   */
  watchEvents(argument: _iommutwin_host_v1_WatchEventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_host_v1_WatchEventsResponse__Output>;
  watchEvents(argument: _iommutwin_host_v1_WatchEventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_host_v1_WatchEventsResponse__Output>;
  
}

/**
 * The modelled hardware.
 */
export interface PlatformHandlers extends grpc.UntypedServiceImplementation {
  /**
   * The host: kernel features, IOMMU units, PCI devices, groups and reserved regions.
   */
  Describe: grpc.handleUnaryCall<_iommutwin_host_v1_DescribeRequest__Output, _iommutwin_host_v1_DescribeResponse>;
  
  /**
   * A device sends an ATS translation request (fills its ATC).
   */
  DeviceAtsTranslate: grpc.handleUnaryCall<_iommutwin_host_v1_DeviceAtsTranslateRequest__Output, _iommutwin_host_v1_DeviceAtsTranslateResponse>;
  
  /**
   * A device performs one DMA.
   */
  DeviceDma: grpc.handleUnaryCall<_iommutwin_host_v1_DeviceDmaRequest__Output, _iommutwin_host_v1_DeviceDmaResponse>;
  
  /**
   * A device performs many address translations in one call (packed entries).
   */
  DeviceDmaBatch: grpc.handleUnaryCall<_iommutwin_host_v1_DeviceDmaBatchRequest__Output, _iommutwin_host_v1_DeviceDmaBatchResponse>;
  
  /**
   * Page-table, IOTLB, IOAS and pinning statistics of an object.
   */
  Inspect: grpc.handleUnaryCall<_iommutwin_host_v1_InspectRequest__Output, _iommutwin_host_v1_InspectResponse>;
  
  /**
   * No-op unary call (the benchmark baseline).
   */
  Ping: grpc.handleUnaryCall<_iommutwin_host_v1_PingRequest__Output, _iommutwin_host_v1_PingResponse>;
  
  /**
   * No-op server stream of `count` messages (the streaming benchmark baseline).
   */
  PingStream: grpc.handleServerStreamingCall<_iommutwin_host_v1_PingStreamRequest__Output, _iommutwin_host_v1_PingStreamResponse>;
  
  /**
   * Re-inserts an unplugged device.
   */
  Plug: grpc.handleUnaryCall<_iommutwin_host_v1_PlugRequest__Output, _iommutwin_host_v1_PlugResponse>;
  
  /**
   * Enables or disables a device's memory decode (disabling revokes its dma-bufs).
   */
  SetBarDecode: grpc.handleUnaryCall<_iommutwin_host_v1_SetBarDecodeRequest__Output, _iommutwin_host_v1_SetBarDecodeResponse>;
  
  /**
   * Binds a device to a driver ("vfio-pci", "host", "none").
   */
  SetDriver: grpc.handleUnaryCall<_iommutwin_host_v1_SetDriverRequest__Output, _iommutwin_host_v1_SetDriverResponse>;
  
  /**
   * Surprise removal of a device.
   */
  Unplug: grpc.handleUnaryCall<_iommutwin_host_v1_UnplugRequest__Output, _iommutwin_host_v1_UnplugResponse>;
  
  /**
   * The host event log as a resumable stream.
   */
  WatchEvents: grpc.handleServerStreamingCall<_iommutwin_host_v1_WatchEventsRequest__Output, _iommutwin_host_v1_WatchEventsResponse>;
  
}

export interface PlatformDefinition extends grpc.ServiceDefinition {
  Describe: MethodDefinition<_iommutwin_host_v1_DescribeRequest, _iommutwin_host_v1_DescribeResponse, _iommutwin_host_v1_DescribeRequest__Output, _iommutwin_host_v1_DescribeResponse__Output>
  DeviceAtsTranslate: MethodDefinition<_iommutwin_host_v1_DeviceAtsTranslateRequest, _iommutwin_host_v1_DeviceAtsTranslateResponse, _iommutwin_host_v1_DeviceAtsTranslateRequest__Output, _iommutwin_host_v1_DeviceAtsTranslateResponse__Output>
  DeviceDma: MethodDefinition<_iommutwin_host_v1_DeviceDmaRequest, _iommutwin_host_v1_DeviceDmaResponse, _iommutwin_host_v1_DeviceDmaRequest__Output, _iommutwin_host_v1_DeviceDmaResponse__Output>
  DeviceDmaBatch: MethodDefinition<_iommutwin_host_v1_DeviceDmaBatchRequest, _iommutwin_host_v1_DeviceDmaBatchResponse, _iommutwin_host_v1_DeviceDmaBatchRequest__Output, _iommutwin_host_v1_DeviceDmaBatchResponse__Output>
  Inspect: MethodDefinition<_iommutwin_host_v1_InspectRequest, _iommutwin_host_v1_InspectResponse, _iommutwin_host_v1_InspectRequest__Output, _iommutwin_host_v1_InspectResponse__Output>
  Ping: MethodDefinition<_iommutwin_host_v1_PingRequest, _iommutwin_host_v1_PingResponse, _iommutwin_host_v1_PingRequest__Output, _iommutwin_host_v1_PingResponse__Output>
  PingStream: MethodDefinition<_iommutwin_host_v1_PingStreamRequest, _iommutwin_host_v1_PingStreamResponse, _iommutwin_host_v1_PingStreamRequest__Output, _iommutwin_host_v1_PingStreamResponse__Output>
  Plug: MethodDefinition<_iommutwin_host_v1_PlugRequest, _iommutwin_host_v1_PlugResponse, _iommutwin_host_v1_PlugRequest__Output, _iommutwin_host_v1_PlugResponse__Output>
  SetBarDecode: MethodDefinition<_iommutwin_host_v1_SetBarDecodeRequest, _iommutwin_host_v1_SetBarDecodeResponse, _iommutwin_host_v1_SetBarDecodeRequest__Output, _iommutwin_host_v1_SetBarDecodeResponse__Output>
  SetDriver: MethodDefinition<_iommutwin_host_v1_SetDriverRequest, _iommutwin_host_v1_SetDriverResponse, _iommutwin_host_v1_SetDriverRequest__Output, _iommutwin_host_v1_SetDriverResponse__Output>
  Unplug: MethodDefinition<_iommutwin_host_v1_UnplugRequest, _iommutwin_host_v1_UnplugResponse, _iommutwin_host_v1_UnplugRequest__Output, _iommutwin_host_v1_UnplugResponse__Output>
  WatchEvents: MethodDefinition<_iommutwin_host_v1_WatchEventsRequest, _iommutwin_host_v1_WatchEventsResponse, _iommutwin_host_v1_WatchEventsRequest__Output, _iommutwin_host_v1_WatchEventsResponse__Output>
}
