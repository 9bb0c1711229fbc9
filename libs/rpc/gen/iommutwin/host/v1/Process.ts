// Original file: proto/iommutwin/host/v1/process.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AllowDeviceRequest as _iommutwin_host_v1_AllowDeviceRequest, AllowDeviceRequest__Output as _iommutwin_host_v1_AllowDeviceRequest__Output } from '../../../iommutwin/host/v1/AllowDeviceRequest.js';
import type { AllowDeviceResponse as _iommutwin_host_v1_AllowDeviceResponse, AllowDeviceResponse__Output as _iommutwin_host_v1_AllowDeviceResponse__Output } from '../../../iommutwin/host/v1/AllowDeviceResponse.js';
import type { ChmodRequest as _iommutwin_host_v1_ChmodRequest, ChmodRequest__Output as _iommutwin_host_v1_ChmodRequest__Output } from '../../../iommutwin/host/v1/ChmodRequest.js';
import type { ChmodResponse as _iommutwin_host_v1_ChmodResponse, ChmodResponse__Output as _iommutwin_host_v1_ChmodResponse__Output } from '../../../iommutwin/host/v1/ChmodResponse.js';
import type { ChownRequest as _iommutwin_host_v1_ChownRequest, ChownRequest__Output as _iommutwin_host_v1_ChownRequest__Output } from '../../../iommutwin/host/v1/ChownRequest.js';
import type { ChownResponse as _iommutwin_host_v1_ChownResponse, ChownResponse__Output as _iommutwin_host_v1_ChownResponse__Output } from '../../../iommutwin/host/v1/ChownResponse.js';
import type { CloseRequest as _iommutwin_host_v1_CloseRequest, CloseRequest__Output as _iommutwin_host_v1_CloseRequest__Output } from '../../../iommutwin/host/v1/CloseRequest.js';
import type { CloseResponse as _iommutwin_host_v1_CloseResponse, CloseResponse__Output as _iommutwin_host_v1_CloseResponse__Output } from '../../../iommutwin/host/v1/CloseResponse.js';
import type { ExitRequest as _iommutwin_host_v1_ExitRequest, ExitRequest__Output as _iommutwin_host_v1_ExitRequest__Output } from '../../../iommutwin/host/v1/ExitRequest.js';
import type { ExitResponse as _iommutwin_host_v1_ExitResponse, ExitResponse__Output as _iommutwin_host_v1_ExitResponse__Output } from '../../../iommutwin/host/v1/ExitResponse.js';
import type { FtruncateRequest as _iommutwin_host_v1_FtruncateRequest, FtruncateRequest__Output as _iommutwin_host_v1_FtruncateRequest__Output } from '../../../iommutwin/host/v1/FtruncateRequest.js';
import type { FtruncateResponse as _iommutwin_host_v1_FtruncateResponse, FtruncateResponse__Output as _iommutwin_host_v1_FtruncateResponse__Output } from '../../../iommutwin/host/v1/FtruncateResponse.js';
import type { GetStatusRequest as _iommutwin_host_v1_GetStatusRequest, GetStatusRequest__Output as _iommutwin_host_v1_GetStatusRequest__Output } from '../../../iommutwin/host/v1/GetStatusRequest.js';
import type { GetStatusResponse as _iommutwin_host_v1_GetStatusResponse, GetStatusResponse__Output as _iommutwin_host_v1_GetStatusResponse__Output } from '../../../iommutwin/host/v1/GetStatusResponse.js';
import type { HeartbeatRequest as _iommutwin_host_v1_HeartbeatRequest, HeartbeatRequest__Output as _iommutwin_host_v1_HeartbeatRequest__Output } from '../../../iommutwin/host/v1/HeartbeatRequest.js';
import type { HeartbeatResponse as _iommutwin_host_v1_HeartbeatResponse, HeartbeatResponse__Output as _iommutwin_host_v1_HeartbeatResponse__Output } from '../../../iommutwin/host/v1/HeartbeatResponse.js';
import type { MemfdCreateRequest as _iommutwin_host_v1_MemfdCreateRequest, MemfdCreateRequest__Output as _iommutwin_host_v1_MemfdCreateRequest__Output } from '../../../iommutwin/host/v1/MemfdCreateRequest.js';
import type { MemfdCreateResponse as _iommutwin_host_v1_MemfdCreateResponse, MemfdCreateResponse__Output as _iommutwin_host_v1_MemfdCreateResponse__Output } from '../../../iommutwin/host/v1/MemfdCreateResponse.js';
import type { MmapRequest as _iommutwin_host_v1_MmapRequest, MmapRequest__Output as _iommutwin_host_v1_MmapRequest__Output } from '../../../iommutwin/host/v1/MmapRequest.js';
import type { MmapResponse as _iommutwin_host_v1_MmapResponse, MmapResponse__Output as _iommutwin_host_v1_MmapResponse__Output } from '../../../iommutwin/host/v1/MmapResponse.js';
import type { MunmapRequest as _iommutwin_host_v1_MunmapRequest, MunmapRequest__Output as _iommutwin_host_v1_MunmapRequest__Output } from '../../../iommutwin/host/v1/MunmapRequest.js';
import type { MunmapResponse as _iommutwin_host_v1_MunmapResponse, MunmapResponse__Output as _iommutwin_host_v1_MunmapResponse__Output } from '../../../iommutwin/host/v1/MunmapResponse.js';
import type { OpenRequest as _iommutwin_host_v1_OpenRequest, OpenRequest__Output as _iommutwin_host_v1_OpenRequest__Output } from '../../../iommutwin/host/v1/OpenRequest.js';
import type { OpenResponse as _iommutwin_host_v1_OpenResponse, OpenResponse__Output as _iommutwin_host_v1_OpenResponse__Output } from '../../../iommutwin/host/v1/OpenResponse.js';
import type { ReadMemoryRequest as _iommutwin_host_v1_ReadMemoryRequest, ReadMemoryRequest__Output as _iommutwin_host_v1_ReadMemoryRequest__Output } from '../../../iommutwin/host/v1/ReadMemoryRequest.js';
import type { ReadMemoryResponse as _iommutwin_host_v1_ReadMemoryResponse, ReadMemoryResponse__Output as _iommutwin_host_v1_ReadMemoryResponse__Output } from '../../../iommutwin/host/v1/ReadMemoryResponse.js';
import type { SendFdRequest as _iommutwin_host_v1_SendFdRequest, SendFdRequest__Output as _iommutwin_host_v1_SendFdRequest__Output } from '../../../iommutwin/host/v1/SendFdRequest.js';
import type { SendFdResponse as _iommutwin_host_v1_SendFdResponse, SendFdResponse__Output as _iommutwin_host_v1_SendFdResponse__Output } from '../../../iommutwin/host/v1/SendFdResponse.js';
import type { SpawnRequest as _iommutwin_host_v1_SpawnRequest, SpawnRequest__Output as _iommutwin_host_v1_SpawnRequest__Output } from '../../../iommutwin/host/v1/SpawnRequest.js';
import type { SpawnResponse as _iommutwin_host_v1_SpawnResponse, SpawnResponse__Output as _iommutwin_host_v1_SpawnResponse__Output } from '../../../iommutwin/host/v1/SpawnResponse.js';
import type { WriteMemoryRequest as _iommutwin_host_v1_WriteMemoryRequest, WriteMemoryRequest__Output as _iommutwin_host_v1_WriteMemoryRequest__Output } from '../../../iommutwin/host/v1/WriteMemoryRequest.js';
import type { WriteMemoryResponse as _iommutwin_host_v1_WriteMemoryResponse, WriteMemoryResponse__Output as _iommutwin_host_v1_WriteMemoryResponse__Output } from '../../../iommutwin/host/v1/WriteMemoryResponse.js';

/**
 * The processes of the modelled host and what they do with files and memory.
 */
export interface ProcessClient extends grpc.Client {
  /**
   * Adds a device node to a process's device allow-list (cgroup device ACL; root only).
   */
  AllowDevice(argument: _iommutwin_host_v1_AllowDeviceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_AllowDeviceResponse__Output>): grpc.ClientUnaryCall;
  AllowDevice(argument: _iommutwin_host_v1_AllowDeviceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_AllowDeviceResponse__Output>): grpc.ClientUnaryCall;
  AllowDevice(argument: _iommutwin_host_v1_AllowDeviceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_AllowDeviceResponse__Output>): grpc.ClientUnaryCall;
  AllowDevice(argument: _iommutwin_host_v1_AllowDeviceRequest, callback: grpc.requestCallback<_iommutwin_host_v1_AllowDeviceResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Adds a device node to a process's device allow-list (cgroup device ACL; root only).
   */
  allowDevice(argument: _iommutwin_host_v1_AllowDeviceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_AllowDeviceResponse__Output>): grpc.ClientUnaryCall;
  allowDevice(argument: _iommutwin_host_v1_AllowDeviceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_AllowDeviceResponse__Output>): grpc.ClientUnaryCall;
  allowDevice(argument: _iommutwin_host_v1_AllowDeviceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_AllowDeviceResponse__Output>): grpc.ClientUnaryCall;
  allowDevice(argument: _iommutwin_host_v1_AllowDeviceRequest, callback: grpc.requestCallback<_iommutwin_host_v1_AllowDeviceResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * chmod(2) of a device node (root only).
   */
  Chmod(argument: _iommutwin_host_v1_ChmodRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ChmodResponse__Output>): grpc.ClientUnaryCall;
  Chmod(argument: _iommutwin_host_v1_ChmodRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ChmodResponse__Output>): grpc.ClientUnaryCall;
  Chmod(argument: _iommutwin_host_v1_ChmodRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ChmodResponse__Output>): grpc.ClientUnaryCall;
  Chmod(argument: _iommutwin_host_v1_ChmodRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ChmodResponse__Output>): grpc.ClientUnaryCall;
  /**
   * chmod(2) of a device node (root only).
   */
  chmod(argument: _iommutwin_host_v1_ChmodRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ChmodResponse__Output>): grpc.ClientUnaryCall;
  chmod(argument: _iommutwin_host_v1_ChmodRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ChmodResponse__Output>): grpc.ClientUnaryCall;
  chmod(argument: _iommutwin_host_v1_ChmodRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ChmodResponse__Output>): grpc.ClientUnaryCall;
  chmod(argument: _iommutwin_host_v1_ChmodRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ChmodResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * chown(2) of a device node (root only).
   */
  Chown(argument: _iommutwin_host_v1_ChownRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ChownResponse__Output>): grpc.ClientUnaryCall;
  Chown(argument: _iommutwin_host_v1_ChownRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ChownResponse__Output>): grpc.ClientUnaryCall;
  Chown(argument: _iommutwin_host_v1_ChownRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ChownResponse__Output>): grpc.ClientUnaryCall;
  Chown(argument: _iommutwin_host_v1_ChownRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ChownResponse__Output>): grpc.ClientUnaryCall;
  /**
   * chown(2) of a device node (root only).
   */
  chown(argument: _iommutwin_host_v1_ChownRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ChownResponse__Output>): grpc.ClientUnaryCall;
  chown(argument: _iommutwin_host_v1_ChownRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ChownResponse__Output>): grpc.ClientUnaryCall;
  chown(argument: _iommutwin_host_v1_ChownRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ChownResponse__Output>): grpc.ClientUnaryCall;
  chown(argument: _iommutwin_host_v1_ChownRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ChownResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * close(2).
   */
  Close(argument: _iommutwin_host_v1_CloseRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_CloseResponse__Output>): grpc.ClientUnaryCall;
  Close(argument: _iommutwin_host_v1_CloseRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_CloseResponse__Output>): grpc.ClientUnaryCall;
  Close(argument: _iommutwin_host_v1_CloseRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_CloseResponse__Output>): grpc.ClientUnaryCall;
  Close(argument: _iommutwin_host_v1_CloseRequest, callback: grpc.requestCallback<_iommutwin_host_v1_CloseResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * exit: the process ends and every fd it holds is closed.
   */
  Exit(argument: _iommutwin_host_v1_ExitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ExitResponse__Output>): grpc.ClientUnaryCall;
  Exit(argument: _iommutwin_host_v1_ExitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ExitResponse__Output>): grpc.ClientUnaryCall;
  Exit(argument: _iommutwin_host_v1_ExitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ExitResponse__Output>): grpc.ClientUnaryCall;
  Exit(argument: _iommutwin_host_v1_ExitRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ExitResponse__Output>): grpc.ClientUnaryCall;
  /**
   * exit: the process ends and every fd it holds is closed.
   */
  exit(argument: _iommutwin_host_v1_ExitRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ExitResponse__Output>): grpc.ClientUnaryCall;
  exit(argument: _iommutwin_host_v1_ExitRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ExitResponse__Output>): grpc.ClientUnaryCall;
  exit(argument: _iommutwin_host_v1_ExitRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ExitResponse__Output>): grpc.ClientUnaryCall;
  exit(argument: _iommutwin_host_v1_ExitRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ExitResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * ftruncate(2).
   */
  Ftruncate(argument: _iommutwin_host_v1_FtruncateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_FtruncateResponse__Output>): grpc.ClientUnaryCall;
  Ftruncate(argument: _iommutwin_host_v1_FtruncateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_FtruncateResponse__Output>): grpc.ClientUnaryCall;
  Ftruncate(argument: _iommutwin_host_v1_FtruncateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_FtruncateResponse__Output>): grpc.ClientUnaryCall;
  Ftruncate(argument: _iommutwin_host_v1_FtruncateRequest, callback: grpc.requestCallback<_iommutwin_host_v1_FtruncateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * ftruncate(2).
   */
  ftruncate(argument: _iommutwin_host_v1_FtruncateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_FtruncateResponse__Output>): grpc.ClientUnaryCall;
  ftruncate(argument: _iommutwin_host_v1_FtruncateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_FtruncateResponse__Output>): grpc.ClientUnaryCall;
  ftruncate(argument: _iommutwin_host_v1_FtruncateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_FtruncateResponse__Output>): grpc.ClientUnaryCall;
  ftruncate(argument: _iommutwin_host_v1_FtruncateRequest, callback: grpc.requestCallback<_iommutwin_host_v1_FtruncateResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * proc/<pid>/status: pinned and locked memory and open fds.
   */
  GetStatus(argument: _iommutwin_host_v1_GetStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GetStatusResponse__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _iommutwin_host_v1_GetStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_GetStatusResponse__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _iommutwin_host_v1_GetStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GetStatusResponse__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _iommutwin_host_v1_GetStatusRequest, callback: grpc.requestCallback<_iommutwin_host_v1_GetStatusResponse__Output>): grpc.ClientUnaryCall;
  /**
   * proc/<pid>/status: pinned and locked memory and open fds.
   */
  getStatus(argument: _iommutwin_host_v1_GetStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GetStatusResponse__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _iommutwin_host_v1_GetStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_GetStatusResponse__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _iommutwin_host_v1_GetStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_GetStatusResponse__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _iommutwin_host_v1_GetStatusRequest, callback: grpc.requestCallback<_iommutwin_host_v1_GetStatusResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Renews the process's lease.
   */
  Heartbeat(argument: _iommutwin_host_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _iommutwin_host_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _iommutwin_host_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _iommutwin_host_v1_HeartbeatRequest, callback: grpc.requestCallback<_iommutwin_host_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Renews the process's lease.
   */
  heartbeat(argument: _iommutwin_host_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _iommutwin_host_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _iommutwin_host_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _iommutwin_host_v1_HeartbeatRequest, callback: grpc.requestCallback<_iommutwin_host_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * memfd_create(2).
   */
  MemfdCreate(argument: _iommutwin_host_v1_MemfdCreateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_MemfdCreateResponse__Output>): grpc.ClientUnaryCall;
  MemfdCreate(argument: _iommutwin_host_v1_MemfdCreateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_MemfdCreateResponse__Output>): grpc.ClientUnaryCall;
  MemfdCreate(argument: _iommutwin_host_v1_MemfdCreateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_MemfdCreateResponse__Output>): grpc.ClientUnaryCall;
  MemfdCreate(argument: _iommutwin_host_v1_MemfdCreateRequest, callback: grpc.requestCallback<_iommutwin_host_v1_MemfdCreateResponse__Output>): grpc.ClientUnaryCall;
  /**
   * memfd_create(2).
   */
  memfdCreate(argument: _iommutwin_host_v1_MemfdCreateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_MemfdCreateResponse__Output>): grpc.ClientUnaryCall;
  memfdCreate(argument: _iommutwin_host_v1_MemfdCreateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_MemfdCreateResponse__Output>): grpc.ClientUnaryCall;
  memfdCreate(argument: _iommutwin_host_v1_MemfdCreateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_MemfdCreateResponse__Output>): grpc.ClientUnaryCall;
  memfdCreate(argument: _iommutwin_host_v1_MemfdCreateRequest, callback: grpc.requestCallback<_iommutwin_host_v1_MemfdCreateResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * mmap(2).
   */
  Mmap(argument: _iommutwin_host_v1_MmapRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_MmapResponse__Output>): grpc.ClientUnaryCall;
  Mmap(argument: _iommutwin_host_v1_MmapRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_MmapResponse__Output>): grpc.ClientUnaryCall;
  Mmap(argument: _iommutwin_host_v1_MmapRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_MmapResponse__Output>): grpc.ClientUnaryCall;
  Mmap(argument: _iommutwin_host_v1_MmapRequest, callback: grpc.requestCallback<_iommutwin_host_v1_MmapResponse__Output>): grpc.ClientUnaryCall;
  /**
   * mmap(2).
   */
  mmap(argument: _iommutwin_host_v1_MmapRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_MmapResponse__Output>): grpc.ClientUnaryCall;
  mmap(argument: _iommutwin_host_v1_MmapRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_MmapResponse__Output>): grpc.ClientUnaryCall;
  mmap(argument: _iommutwin_host_v1_MmapRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_MmapResponse__Output>): grpc.ClientUnaryCall;
  mmap(argument: _iommutwin_host_v1_MmapRequest, callback: grpc.requestCallback<_iommutwin_host_v1_MmapResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * munmap(2).
   */
  Munmap(argument: _iommutwin_host_v1_MunmapRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_MunmapResponse__Output>): grpc.ClientUnaryCall;
  Munmap(argument: _iommutwin_host_v1_MunmapRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_MunmapResponse__Output>): grpc.ClientUnaryCall;
  Munmap(argument: _iommutwin_host_v1_MunmapRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_MunmapResponse__Output>): grpc.ClientUnaryCall;
  Munmap(argument: _iommutwin_host_v1_MunmapRequest, callback: grpc.requestCallback<_iommutwin_host_v1_MunmapResponse__Output>): grpc.ClientUnaryCall;
  /**
   * munmap(2).
   */
  munmap(argument: _iommutwin_host_v1_MunmapRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_MunmapResponse__Output>): grpc.ClientUnaryCall;
  munmap(argument: _iommutwin_host_v1_MunmapRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_MunmapResponse__Output>): grpc.ClientUnaryCall;
  munmap(argument: _iommutwin_host_v1_MunmapRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_MunmapResponse__Output>): grpc.ClientUnaryCall;
  munmap(argument: _iommutwin_host_v1_MunmapRequest, callback: grpc.requestCallback<_iommutwin_host_v1_MunmapResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * open(2) of a device node.
   */
  Open(argument: _iommutwin_host_v1_OpenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_OpenResponse__Output>): grpc.ClientUnaryCall;
  Open(argument: _iommutwin_host_v1_OpenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_OpenResponse__Output>): grpc.ClientUnaryCall;
  Open(argument: _iommutwin_host_v1_OpenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_OpenResponse__Output>): grpc.ClientUnaryCall;
  Open(argument: _iommutwin_host_v1_OpenRequest, callback: grpc.requestCallback<_iommutwin_host_v1_OpenResponse__Output>): grpc.ClientUnaryCall;
  /**
   * open(2) of a device node.
   */
  open(argument: _iommutwin_host_v1_OpenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_OpenResponse__Output>): grpc.ClientUnaryCall;
  open(argument: _iommutwin_host_v1_OpenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_OpenResponse__Output>): grpc.ClientUnaryCall;
  open(argument: _iommutwin_host_v1_OpenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_OpenResponse__Output>): grpc.ClientUnaryCall;
  open(argument: _iommutwin_host_v1_OpenRequest, callback: grpc.requestCallback<_iommutwin_host_v1_OpenResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The process reads its own memory.
   */
  ReadMemory(argument: _iommutwin_host_v1_ReadMemoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  ReadMemory(argument: _iommutwin_host_v1_ReadMemoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  ReadMemory(argument: _iommutwin_host_v1_ReadMemoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  ReadMemory(argument: _iommutwin_host_v1_ReadMemoryRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The process reads its own memory.
   */
  readMemory(argument: _iommutwin_host_v1_ReadMemoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  readMemory(argument: _iommutwin_host_v1_ReadMemoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  readMemory(argument: _iommutwin_host_v1_ReadMemoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  readMemory(argument: _iommutwin_host_v1_ReadMemoryRequest, callback: grpc.requestCallback<_iommutwin_host_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * SCM_RIGHTS: shares an open file with another process.
   */
  SendFd(argument: _iommutwin_host_v1_SendFdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_SendFdResponse__Output>): grpc.ClientUnaryCall;
  SendFd(argument: _iommutwin_host_v1_SendFdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_SendFdResponse__Output>): grpc.ClientUnaryCall;
  SendFd(argument: _iommutwin_host_v1_SendFdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_SendFdResponse__Output>): grpc.ClientUnaryCall;
  SendFd(argument: _iommutwin_host_v1_SendFdRequest, callback: grpc.requestCallback<_iommutwin_host_v1_SendFdResponse__Output>): grpc.ClientUnaryCall;
  /**
   * SCM_RIGHTS: shares an open file with another process.
   */
  sendFd(argument: _iommutwin_host_v1_SendFdRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_SendFdResponse__Output>): grpc.ClientUnaryCall;
  sendFd(argument: _iommutwin_host_v1_SendFdRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_SendFdResponse__Output>): grpc.ClientUnaryCall;
  sendFd(argument: _iommutwin_host_v1_SendFdRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_SendFdResponse__Output>): grpc.ClientUnaryCall;
  sendFd(argument: _iommutwin_host_v1_SendFdRequest, callback: grpc.requestCallback<_iommutwin_host_v1_SendFdResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * fork+exec: a new process owned by the caller's principal.
   */
  Spawn(argument: _iommutwin_host_v1_SpawnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_SpawnResponse__Output>): grpc.ClientUnaryCall;
  Spawn(argument: _iommutwin_host_v1_SpawnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_SpawnResponse__Output>): grpc.ClientUnaryCall;
  Spawn(argument: _iommutwin_host_v1_SpawnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_SpawnResponse__Output>): grpc.ClientUnaryCall;
  Spawn(argument: _iommutwin_host_v1_SpawnRequest, callback: grpc.requestCallback<_iommutwin_host_v1_SpawnResponse__Output>): grpc.ClientUnaryCall;
  /**
   * fork+exec: a new process owned by the caller's principal.
   */
  spawn(argument: _iommutwin_host_v1_SpawnRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_SpawnResponse__Output>): grpc.ClientUnaryCall;
  spawn(argument: _iommutwin_host_v1_SpawnRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_SpawnResponse__Output>): grpc.ClientUnaryCall;
  spawn(argument: _iommutwin_host_v1_SpawnRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_SpawnResponse__Output>): grpc.ClientUnaryCall;
  spawn(argument: _iommutwin_host_v1_SpawnRequest, callback: grpc.requestCallback<_iommutwin_host_v1_SpawnResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The process writes its own memory.
   */
  WriteMemory(argument: _iommutwin_host_v1_WriteMemoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  WriteMemory(argument: _iommutwin_host_v1_WriteMemoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  WriteMemory(argument: _iommutwin_host_v1_WriteMemoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  WriteMemory(argument: _iommutwin_host_v1_WriteMemoryRequest, callback: grpc.requestCallback<_iommutwin_host_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The process writes its own memory.
   */
  writeMemory(argument: _iommutwin_host_v1_WriteMemoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  writeMemory(argument: _iommutwin_host_v1_WriteMemoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_host_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  writeMemory(argument: _iommutwin_host_v1_WriteMemoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_host_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  writeMemory(argument: _iommutwin_host_v1_WriteMemoryRequest, callback: grpc.requestCallback<_iommutwin_host_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * The processes of the modelled host and what they do with files and memory.
 */
export interface ProcessHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Adds a device node to a process's device allow-list (cgroup device ACL; root only).
   */
  AllowDevice: grpc.handleUnaryCall<_iommutwin_host_v1_AllowDeviceRequest__Output, _iommutwin_host_v1_AllowDeviceResponse>;
  
  /**
   * chmod(2) of a device node (root only).
   */
  Chmod: grpc.handleUnaryCall<_iommutwin_host_v1_ChmodRequest__Output, _iommutwin_host_v1_ChmodResponse>;
  
  /**
   * chown(2) of a device node (root only).
   */
  Chown: grpc.handleUnaryCall<_iommutwin_host_v1_ChownRequest__Output, _iommutwin_host_v1_ChownResponse>;
  
  /**
   * close(2).
   */
  Close: grpc.handleUnaryCall<_iommutwin_host_v1_CloseRequest__Output, _iommutwin_host_v1_CloseResponse>;
  
  /**
   * exit: the process ends and every fd it holds is closed.
   */
  Exit: grpc.handleUnaryCall<_iommutwin_host_v1_ExitRequest__Output, _iommutwin_host_v1_ExitResponse>;
  
  /**
   * ftruncate(2).
   */
  Ftruncate: grpc.handleUnaryCall<_iommutwin_host_v1_FtruncateRequest__Output, _iommutwin_host_v1_FtruncateResponse>;
  
  /**
   * proc/<pid>/status: pinned and locked memory and open fds.
   */
  GetStatus: grpc.handleUnaryCall<_iommutwin_host_v1_GetStatusRequest__Output, _iommutwin_host_v1_GetStatusResponse>;
  
  /**
   * Renews the process's lease.
   */
  Heartbeat: grpc.handleUnaryCall<_iommutwin_host_v1_HeartbeatRequest__Output, _iommutwin_host_v1_HeartbeatResponse>;
  
  /**
   * memfd_create(2).
   */
  MemfdCreate: grpc.handleUnaryCall<_iommutwin_host_v1_MemfdCreateRequest__Output, _iommutwin_host_v1_MemfdCreateResponse>;
  
  /**
   * mmap(2).
   */
  Mmap: grpc.handleUnaryCall<_iommutwin_host_v1_MmapRequest__Output, _iommutwin_host_v1_MmapResponse>;
  
  /**
   * munmap(2).
   */
  Munmap: grpc.handleUnaryCall<_iommutwin_host_v1_MunmapRequest__Output, _iommutwin_host_v1_MunmapResponse>;
  
  /**
   * open(2) of a device node.
   */
  Open: grpc.handleUnaryCall<_iommutwin_host_v1_OpenRequest__Output, _iommutwin_host_v1_OpenResponse>;
  
  /**
   * The process reads its own memory.
   */
  ReadMemory: grpc.handleUnaryCall<_iommutwin_host_v1_ReadMemoryRequest__Output, _iommutwin_host_v1_ReadMemoryResponse>;
  
  /**
   * SCM_RIGHTS: shares an open file with another process.
   */
  SendFd: grpc.handleUnaryCall<_iommutwin_host_v1_SendFdRequest__Output, _iommutwin_host_v1_SendFdResponse>;
  
  /**
   * fork+exec: a new process owned by the caller's principal.
   */
  Spawn: grpc.handleUnaryCall<_iommutwin_host_v1_SpawnRequest__Output, _iommutwin_host_v1_SpawnResponse>;
  
  /**
   * The process writes its own memory.
   */
  WriteMemory: grpc.handleUnaryCall<_iommutwin_host_v1_WriteMemoryRequest__Output, _iommutwin_host_v1_WriteMemoryResponse>;
  
}

export interface ProcessDefinition extends grpc.ServiceDefinition {
  AllowDevice: MethodDefinition<_iommutwin_host_v1_AllowDeviceRequest, _iommutwin_host_v1_AllowDeviceResponse, _iommutwin_host_v1_AllowDeviceRequest__Output, _iommutwin_host_v1_AllowDeviceResponse__Output>
  Chmod: MethodDefinition<_iommutwin_host_v1_ChmodRequest, _iommutwin_host_v1_ChmodResponse, _iommutwin_host_v1_ChmodRequest__Output, _iommutwin_host_v1_ChmodResponse__Output>
  Chown: MethodDefinition<_iommutwin_host_v1_ChownRequest, _iommutwin_host_v1_ChownResponse, _iommutwin_host_v1_ChownRequest__Output, _iommutwin_host_v1_ChownResponse__Output>
  Close: MethodDefinition<_iommutwin_host_v1_CloseRequest, _iommutwin_host_v1_CloseResponse, _iommutwin_host_v1_CloseRequest__Output, _iommutwin_host_v1_CloseResponse__Output>
  Exit: MethodDefinition<_iommutwin_host_v1_ExitRequest, _iommutwin_host_v1_ExitResponse, _iommutwin_host_v1_ExitRequest__Output, _iommutwin_host_v1_ExitResponse__Output>
  Ftruncate: MethodDefinition<_iommutwin_host_v1_FtruncateRequest, _iommutwin_host_v1_FtruncateResponse, _iommutwin_host_v1_FtruncateRequest__Output, _iommutwin_host_v1_FtruncateResponse__Output>
  GetStatus: MethodDefinition<_iommutwin_host_v1_GetStatusRequest, _iommutwin_host_v1_GetStatusResponse, _iommutwin_host_v1_GetStatusRequest__Output, _iommutwin_host_v1_GetStatusResponse__Output>
  Heartbeat: MethodDefinition<_iommutwin_host_v1_HeartbeatRequest, _iommutwin_host_v1_HeartbeatResponse, _iommutwin_host_v1_HeartbeatRequest__Output, _iommutwin_host_v1_HeartbeatResponse__Output>
  MemfdCreate: MethodDefinition<_iommutwin_host_v1_MemfdCreateRequest, _iommutwin_host_v1_MemfdCreateResponse, _iommutwin_host_v1_MemfdCreateRequest__Output, _iommutwin_host_v1_MemfdCreateResponse__Output>
  Mmap: MethodDefinition<_iommutwin_host_v1_MmapRequest, _iommutwin_host_v1_MmapResponse, _iommutwin_host_v1_MmapRequest__Output, _iommutwin_host_v1_MmapResponse__Output>
  Munmap: MethodDefinition<_iommutwin_host_v1_MunmapRequest, _iommutwin_host_v1_MunmapResponse, _iommutwin_host_v1_MunmapRequest__Output, _iommutwin_host_v1_MunmapResponse__Output>
  Open: MethodDefinition<_iommutwin_host_v1_OpenRequest, _iommutwin_host_v1_OpenResponse, _iommutwin_host_v1_OpenRequest__Output, _iommutwin_host_v1_OpenResponse__Output>
  ReadMemory: MethodDefinition<_iommutwin_host_v1_ReadMemoryRequest, _iommutwin_host_v1_ReadMemoryResponse, _iommutwin_host_v1_ReadMemoryRequest__Output, _iommutwin_host_v1_ReadMemoryResponse__Output>
  SendFd: MethodDefinition<_iommutwin_host_v1_SendFdRequest, _iommutwin_host_v1_SendFdResponse, _iommutwin_host_v1_SendFdRequest__Output, _iommutwin_host_v1_SendFdResponse__Output>
  Spawn: MethodDefinition<_iommutwin_host_v1_SpawnRequest, _iommutwin_host_v1_SpawnResponse, _iommutwin_host_v1_SpawnRequest__Output, _iommutwin_host_v1_SpawnResponse__Output>
  WriteMemory: MethodDefinition<_iommutwin_host_v1_WriteMemoryRequest, _iommutwin_host_v1_WriteMemoryResponse, _iommutwin_host_v1_WriteMemoryRequest__Output, _iommutwin_host_v1_WriteMemoryResponse__Output>
}
