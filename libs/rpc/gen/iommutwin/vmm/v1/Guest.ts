// Original file: proto/iommutwin/vmm/v1/guest.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DmaRequest as _iommutwin_vmm_v1_DmaRequest, DmaRequest__Output as _iommutwin_vmm_v1_DmaRequest__Output } from '../../../iommutwin/vmm/v1/DmaRequest.js';
import type { DmaResponse as _iommutwin_vmm_v1_DmaResponse, DmaResponse__Output as _iommutwin_vmm_v1_DmaResponse__Output } from '../../../iommutwin/vmm/v1/DmaResponse.js';
import type { EventsRequest as _iommutwin_vmm_v1_EventsRequest, EventsRequest__Output as _iommutwin_vmm_v1_EventsRequest__Output } from '../../../iommutwin/vmm/v1/EventsRequest.js';
import type { EventsResponse as _iommutwin_vmm_v1_EventsResponse, EventsResponse__Output as _iommutwin_vmm_v1_EventsResponse__Output } from '../../../iommutwin/vmm/v1/EventsResponse.js';
import type { MmioReadRequest as _iommutwin_vmm_v1_MmioReadRequest, MmioReadRequest__Output as _iommutwin_vmm_v1_MmioReadRequest__Output } from '../../../iommutwin/vmm/v1/MmioReadRequest.js';
import type { MmioReadResponse as _iommutwin_vmm_v1_MmioReadResponse, MmioReadResponse__Output as _iommutwin_vmm_v1_MmioReadResponse__Output } from '../../../iommutwin/vmm/v1/MmioReadResponse.js';
import type { MmioWriteRequest as _iommutwin_vmm_v1_MmioWriteRequest, MmioWriteRequest__Output as _iommutwin_vmm_v1_MmioWriteRequest__Output } from '../../../iommutwin/vmm/v1/MmioWriteRequest.js';
import type { MmioWriteResponse as _iommutwin_vmm_v1_MmioWriteResponse, MmioWriteResponse__Output as _iommutwin_vmm_v1_MmioWriteResponse__Output } from '../../../iommutwin/vmm/v1/MmioWriteResponse.js';
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
import type { VirtioReadStatusRequest as _iommutwin_vmm_v1_VirtioReadStatusRequest, VirtioReadStatusRequest__Output as _iommutwin_vmm_v1_VirtioReadStatusRequest__Output } from '../../../iommutwin/vmm/v1/VirtioReadStatusRequest.js';
import type { VirtioReadStatusResponse as _iommutwin_vmm_v1_VirtioReadStatusResponse, VirtioReadStatusResponse__Output as _iommutwin_vmm_v1_VirtioReadStatusResponse__Output } from '../../../iommutwin/vmm/v1/VirtioReadStatusResponse.js';
import type { VirtioSetFeaturesRequest as _iommutwin_vmm_v1_VirtioSetFeaturesRequest, VirtioSetFeaturesRequest__Output as _iommutwin_vmm_v1_VirtioSetFeaturesRequest__Output } from '../../../iommutwin/vmm/v1/VirtioSetFeaturesRequest.js';
import type { VirtioSetFeaturesResponse as _iommutwin_vmm_v1_VirtioSetFeaturesResponse, VirtioSetFeaturesResponse__Output as _iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output } from '../../../iommutwin/vmm/v1/VirtioSetFeaturesResponse.js';
import type { VirtioWriteStatusRequest as _iommutwin_vmm_v1_VirtioWriteStatusRequest, VirtioWriteStatusRequest__Output as _iommutwin_vmm_v1_VirtioWriteStatusRequest__Output } from '../../../iommutwin/vmm/v1/VirtioWriteStatusRequest.js';
import type { VirtioWriteStatusResponse as _iommutwin_vmm_v1_VirtioWriteStatusResponse, VirtioWriteStatusResponse__Output as _iommutwin_vmm_v1_VirtioWriteStatusResponse__Output } from '../../../iommutwin/vmm/v1/VirtioWriteStatusResponse.js';
import type { WriteMemoryRequest as _iommutwin_vmm_v1_WriteMemoryRequest, WriteMemoryRequest__Output as _iommutwin_vmm_v1_WriteMemoryRequest__Output } from '../../../iommutwin/vmm/v1/WriteMemoryRequest.js';
import type { WriteMemoryResponse as _iommutwin_vmm_v1_WriteMemoryResponse, WriteMemoryResponse__Output as _iommutwin_vmm_v1_WriteMemoryResponse__Output } from '../../../iommutwin/vmm/v1/WriteMemoryResponse.js';

/**
 * What the guest OS and its drivers do.
 */
export interface GuestClient extends grpc.Client {
  /**
   * A device of the VM does DMA at an IOVA (through the vIOMMU and, for assigned devices, the host
   * IOMMU).
   */
  Dma(argument: _iommutwin_vmm_v1_DmaRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_DmaResponse__Output>): grpc.ClientUnaryCall;
  Dma(argument: _iommutwin_vmm_v1_DmaRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_DmaResponse__Output>): grpc.ClientUnaryCall;
  Dma(argument: _iommutwin_vmm_v1_DmaRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_DmaResponse__Output>): grpc.ClientUnaryCall;
  Dma(argument: _iommutwin_vmm_v1_DmaRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_DmaResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A device of the VM does DMA at an IOVA (through the vIOMMU and, for assigned devices, the host
   * IOMMU).
   */
  dma(argument: _iommutwin_vmm_v1_DmaRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_DmaResponse__Output>): grpc.ClientUnaryCall;
  dma(argument: _iommutwin_vmm_v1_DmaRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_DmaResponse__Output>): grpc.ClientUnaryCall;
  dma(argument: _iommutwin_vmm_v1_DmaRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_DmaResponse__Output>): grpc.ClientUnaryCall;
  dma(argument: _iommutwin_vmm_v1_DmaRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_DmaResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Guest-visible events of the VM (virtio-iommu fault reports, vIOMMU interrupts) from
   * after_sequence on, then as they happen.
   */
  Events(argument: _iommutwin_vmm_v1_EventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_vmm_v1_EventsResponse__Output>;
  Events(argument: _iommutwin_vmm_v1_EventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_vmm_v1_EventsResponse__Output>;
  /**
   * Guest-visible events of the VM (virtio-iommu fault reports, vIOMMU interrupts) from
   * after_sequence on, then as they happen.
   */
  events(argument: _iommutwin_vmm_v1_EventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_vmm_v1_EventsResponse__Output>;
  events(argument: _iommutwin_vmm_v1_EventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_vmm_v1_EventsResponse__Output>;
  
  /**
   * A 32- or 64-bit load from a vIOMMU register block (VmInfo.viommu_mmio; intel-iommu: the DMAR
   * unit at 0xfed90000). Offsets, reset values and read side effects are those of QEMU's model.
   * size other than 4 or 8 → INVALID_ARGUMENT BAD_MMIO_SIZE; an address (or access) outside
   * every register block of the VM → INVALID_ARGUMENT NO_MMIO_REGION; a VM not RUNNING →
   * FAILED_PRECONDITION VM_NOT_RUNNING.
   */
  MmioRead(argument: _iommutwin_vmm_v1_MmioReadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_MmioReadResponse__Output>): grpc.ClientUnaryCall;
  MmioRead(argument: _iommutwin_vmm_v1_MmioReadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_MmioReadResponse__Output>): grpc.ClientUnaryCall;
  MmioRead(argument: _iommutwin_vmm_v1_MmioReadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_MmioReadResponse__Output>): grpc.ClientUnaryCall;
  MmioRead(argument: _iommutwin_vmm_v1_MmioReadRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_MmioReadResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A 32- or 64-bit load from a vIOMMU register block (VmInfo.viommu_mmio; intel-iommu: the DMAR
   * unit at 0xfed90000). Offsets, reset values and read side effects are those of QEMU's model.
   * size other than 4 or 8 → INVALID_ARGUMENT BAD_MMIO_SIZE; an address (or access) outside
   * every register block of the VM → INVALID_ARGUMENT NO_MMIO_REGION; a VM not RUNNING →
   * FAILED_PRECONDITION VM_NOT_RUNNING.
   */
  mmioRead(argument: _iommutwin_vmm_v1_MmioReadRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_MmioReadResponse__Output>): grpc.ClientUnaryCall;
  mmioRead(argument: _iommutwin_vmm_v1_MmioReadRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_MmioReadResponse__Output>): grpc.ClientUnaryCall;
  mmioRead(argument: _iommutwin_vmm_v1_MmioReadRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_MmioReadResponse__Output>): grpc.ClientUnaryCall;
  mmioRead(argument: _iommutwin_vmm_v1_MmioReadRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_MmioReadResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * A 32- or 64-bit store to a vIOMMU register block: read-only and write-1-to-clear masks and
   * command side effects (SRTP, TE, QIE, CCMD/IOTLB invalidation, IQT → queue processing) are
   * those of QEMU's model. Errors as MmioRead.
   */
  MmioWrite(argument: _iommutwin_vmm_v1_MmioWriteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_MmioWriteResponse__Output>): grpc.ClientUnaryCall;
  MmioWrite(argument: _iommutwin_vmm_v1_MmioWriteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_MmioWriteResponse__Output>): grpc.ClientUnaryCall;
  MmioWrite(argument: _iommutwin_vmm_v1_MmioWriteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_MmioWriteResponse__Output>): grpc.ClientUnaryCall;
  MmioWrite(argument: _iommutwin_vmm_v1_MmioWriteRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_MmioWriteResponse__Output>): grpc.ClientUnaryCall;
  /**
   * A 32- or 64-bit store to a vIOMMU register block: read-only and write-1-to-clear masks and
   * command side effects (SRTP, TE, QIE, CCMD/IOTLB invalidation, IQT → queue processing) are
   * those of QEMU's model. Errors as MmioRead.
   */
  mmioWrite(argument: _iommutwin_vmm_v1_MmioWriteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_MmioWriteResponse__Output>): grpc.ClientUnaryCall;
  mmioWrite(argument: _iommutwin_vmm_v1_MmioWriteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_MmioWriteResponse__Output>): grpc.ClientUnaryCall;
  mmioWrite(argument: _iommutwin_vmm_v1_MmioWriteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_MmioWriteResponse__Output>): grpc.ClientUnaryCall;
  mmioWrite(argument: _iommutwin_vmm_v1_MmioWriteRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_MmioWriteResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Reads guest RAM at a guest-physical address (as the guest CPU would); outside
   * VmInfo.ram_ranges: INVALID_ARGUMENT.
   */
  ReadMemory(argument: _iommutwin_vmm_v1_ReadMemoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  ReadMemory(argument: _iommutwin_vmm_v1_ReadMemoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  ReadMemory(argument: _iommutwin_vmm_v1_ReadMemoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  ReadMemory(argument: _iommutwin_vmm_v1_ReadMemoryRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Reads guest RAM at a guest-physical address (as the guest CPU would); outside
   * VmInfo.ram_ranges: INVALID_ARGUMENT.
   */
  readMemory(argument: _iommutwin_vmm_v1_ReadMemoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  readMemory(argument: _iommutwin_vmm_v1_ReadMemoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  readMemory(argument: _iommutwin_vmm_v1_ReadMemoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  readMemory(argument: _iommutwin_vmm_v1_ReadMemoryRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReadMemoryResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Reads the virtio-iommu's config space (struct virtio_iommu_config) and feature state.
   */
  VirtioIommuConfig(argument: _iommutwin_vmm_v1_VirtioIommuConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuConfigResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuConfig(argument: _iommutwin_vmm_v1_VirtioIommuConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuConfigResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuConfig(argument: _iommutwin_vmm_v1_VirtioIommuConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuConfigResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuConfig(argument: _iommutwin_vmm_v1_VirtioIommuConfigRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuConfigResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Reads the virtio-iommu's config space (struct virtio_iommu_config) and feature state.
   */
  virtioIommuConfig(argument: _iommutwin_vmm_v1_VirtioIommuConfigRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuConfigResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuConfig(argument: _iommutwin_vmm_v1_VirtioIommuConfigRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuConfigResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuConfig(argument: _iommutwin_vmm_v1_VirtioIommuConfigRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuConfigResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuConfig(argument: _iommutwin_vmm_v1_VirtioIommuConfigRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuConfigResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The guest driver submits one request on the virtio-iommu's request queue (structured or raw
   * bytes) and gets the device-written tail.
   */
  VirtioIommuRequest(argument: _iommutwin_vmm_v1_VirtioIommuRequestRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuRequestResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuRequest(argument: _iommutwin_vmm_v1_VirtioIommuRequestRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuRequestResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuRequest(argument: _iommutwin_vmm_v1_VirtioIommuRequestRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuRequestResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuRequest(argument: _iommutwin_vmm_v1_VirtioIommuRequestRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuRequestResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The guest driver submits one request on the virtio-iommu's request queue (structured or raw
   * bytes) and gets the device-written tail.
   */
  virtioIommuRequest(argument: _iommutwin_vmm_v1_VirtioIommuRequestRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuRequestResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuRequest(argument: _iommutwin_vmm_v1_VirtioIommuRequestRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuRequestResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuRequest(argument: _iommutwin_vmm_v1_VirtioIommuRequestRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuRequestResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuRequest(argument: _iommutwin_vmm_v1_VirtioIommuRequestRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuRequestResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The guest driver writes the virtio-iommu's driver features.
   */
  VirtioIommuSetFeatures(argument: _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuSetFeatures(argument: _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuSetFeatures(argument: _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuSetFeatures(argument: _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The guest driver writes the virtio-iommu's driver features.
   */
  virtioIommuSetFeatures(argument: _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuSetFeatures(argument: _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuSetFeatures(argument: _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuSetFeatures(argument: _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The guest driver writes config.bypass (needs VIRTIO_IOMMU_F_BYPASS_CONFIG).
   */
  VirtioIommuWriteBypass(argument: _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuWriteBypass(argument: _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuWriteBypass(argument: _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output>): grpc.ClientUnaryCall;
  VirtioIommuWriteBypass(argument: _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The guest driver writes config.bypass (needs VIRTIO_IOMMU_F_BYPASS_CONFIG).
   */
  virtioIommuWriteBypass(argument: _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuWriteBypass(argument: _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuWriteBypass(argument: _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output>): grpc.ClientUnaryCall;
  virtioIommuWriteBypass(argument: _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The device status register of a virtio device (as VirtioWriteStatus selects it).
   */
  VirtioReadStatus(argument: _iommutwin_vmm_v1_VirtioReadStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioReadStatusResponse__Output>): grpc.ClientUnaryCall;
  VirtioReadStatus(argument: _iommutwin_vmm_v1_VirtioReadStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioReadStatusResponse__Output>): grpc.ClientUnaryCall;
  VirtioReadStatus(argument: _iommutwin_vmm_v1_VirtioReadStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioReadStatusResponse__Output>): grpc.ClientUnaryCall;
  VirtioReadStatus(argument: _iommutwin_vmm_v1_VirtioReadStatusRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioReadStatusResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The device status register of a virtio device (as VirtioWriteStatus selects it).
   */
  virtioReadStatus(argument: _iommutwin_vmm_v1_VirtioReadStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioReadStatusResponse__Output>): grpc.ClientUnaryCall;
  virtioReadStatus(argument: _iommutwin_vmm_v1_VirtioReadStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioReadStatusResponse__Output>): grpc.ClientUnaryCall;
  virtioReadStatus(argument: _iommutwin_vmm_v1_VirtioReadStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioReadStatusResponse__Output>): grpc.ClientUnaryCall;
  virtioReadStatus(argument: _iommutwin_vmm_v1_VirtioReadStatusRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioReadStatusResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The guest driver writes the driver features of a virtio device (net / blk).
   */
  VirtioSetFeatures(argument: _iommutwin_vmm_v1_VirtioSetFeaturesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  VirtioSetFeatures(argument: _iommutwin_vmm_v1_VirtioSetFeaturesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  VirtioSetFeatures(argument: _iommutwin_vmm_v1_VirtioSetFeaturesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  VirtioSetFeatures(argument: _iommutwin_vmm_v1_VirtioSetFeaturesRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The guest driver writes the driver features of a virtio device (net / blk).
   */
  virtioSetFeatures(argument: _iommutwin_vmm_v1_VirtioSetFeaturesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  virtioSetFeatures(argument: _iommutwin_vmm_v1_VirtioSetFeaturesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  virtioSetFeatures(argument: _iommutwin_vmm_v1_VirtioSetFeaturesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  virtioSetFeatures(argument: _iommutwin_vmm_v1_VirtioSetFeaturesRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The guest driver writes the virtio device status register (virtio 1.x, "Device Status
   * Field") of one of the VM's virtio devices: the virtio-iommu (`device_id` empty) or a virtio
   * device of the spec (`device_id`). Answers the register as read back right after the write.
   * 
   * 0                      device reset. The virtio-iommu destroys every domain (with its
   * mappings) and detaches every endpoint, as a guest DETACH would
   * (assigned devices' host IOAS follow: shadow mappings unmapped,
   * pins released); unattached endpoints then follow config.bypass,
   * which a device reset keeps (spec: `bypass` SHOULD NOT change on
   * device reset); negotiated features and FEATURES_OK are cleared;
   * DEVICE_NEEDS_RESET is cleared. A virtio-net/blk loses its driver
   * features and FEATURES_OK. Reads back 0.
   * ACKNOWLEDGE 1, DRIVER 2, DRIVER_OK 4, FAILED 128
   * stored as written (the driver's progress; FAILED = it gave up).
   * FEATURES_OK 8          newly set: the device checks the driver features written so far
   * (only VirtioIommuSetFeatures / VirtioSetFeatures write them, 0
   * after a reset) and keeps the bit only if it accepts them; the
   * driver reads the status back to learn the outcome.
   * DEVICE_NEEDS_RESET 64  the device's bit: ignored in a write (a driver's read-modify-write
   * writes back what it read); read back while the device needs a reset.
   * 16, 32                 not offered (VIRTIO_F_SUSPEND is not modelled): INVALID_ARGUMENT
   * BAD_VIRTIO_STATUS, nothing changed; so is a value above 255.
   * Clearing a driver bit without writing 0 (the driver MUST NOT): FAILED_PRECONDITION
   * VIRTIO_STATUS_CLEARED, nothing changed. A device that is not a virtio device of the VM:
   * NOT_FOUND DEVICE_NOT_FOUND; the virtio-iommu of a VM without one: FAILED_PRECONDITION
   * NO_VIRTIO_IOMMU; a VM not RUNNING: FAILED_PRECONDITION VM_NOT_RUNNING. If a backend fails to
   * follow a virtio-iommu reset, the reset still happens, the call answers INTERNAL
   * VIOMMU_BACKEND_FAILED and the device reads DEVICE_NEEDS_RESET (a further reset retries).
   */
  VirtioWriteStatus(argument: _iommutwin_vmm_v1_VirtioWriteStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioWriteStatusResponse__Output>): grpc.ClientUnaryCall;
  VirtioWriteStatus(argument: _iommutwin_vmm_v1_VirtioWriteStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioWriteStatusResponse__Output>): grpc.ClientUnaryCall;
  VirtioWriteStatus(argument: _iommutwin_vmm_v1_VirtioWriteStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioWriteStatusResponse__Output>): grpc.ClientUnaryCall;
  VirtioWriteStatus(argument: _iommutwin_vmm_v1_VirtioWriteStatusRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioWriteStatusResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The guest driver writes the virtio device status register (virtio 1.x, "Device Status
   * Field") of one of the VM's virtio devices: the virtio-iommu (`device_id` empty) or a virtio
   * device of the spec (`device_id`). Answers the register as read back right after the write.
   * 
   * 0                      device reset. The virtio-iommu destroys every domain (with its
   * mappings) and detaches every endpoint, as a guest DETACH would
   * (assigned devices' host IOAS follow: shadow mappings unmapped,
   * pins released); unattached endpoints then follow config.bypass,
   * which a device reset keeps (spec: `bypass` SHOULD NOT change on
   * device reset); negotiated features and FEATURES_OK are cleared;
   * DEVICE_NEEDS_RESET is cleared. A virtio-net/blk loses its driver
   * features and FEATURES_OK. Reads back 0.
   * ACKNOWLEDGE 1, DRIVER 2, DRIVER_OK 4, FAILED 128
   * stored as written (the driver's progress; FAILED = it gave up).
   * FEATURES_OK 8          newly set: the device checks the driver features written so far
   * (only VirtioIommuSetFeatures / VirtioSetFeatures write them, 0
   * after a reset) and keeps the bit only if it accepts them; the
   * driver reads the status back to learn the outcome.
   * DEVICE_NEEDS_RESET 64  the device's bit: ignored in a write (a driver's read-modify-write
   * writes back what it read); read back while the device needs a reset.
   * 16, 32                 not offered (VIRTIO_F_SUSPEND is not modelled): INVALID_ARGUMENT
   * BAD_VIRTIO_STATUS, nothing changed; so is a value above 255.
   * Clearing a driver bit without writing 0 (the driver MUST NOT): FAILED_PRECONDITION
   * VIRTIO_STATUS_CLEARED, nothing changed. A device that is not a virtio device of the VM:
   * NOT_FOUND DEVICE_NOT_FOUND; the virtio-iommu of a VM without one: FAILED_PRECONDITION
   * NO_VIRTIO_IOMMU; a VM not RUNNING: FAILED_PRECONDITION VM_NOT_RUNNING. If a backend fails to
   * follow a virtio-iommu reset, the reset still happens, the call answers INTERNAL
   * VIOMMU_BACKEND_FAILED and the device reads DEVICE_NEEDS_RESET (a further reset retries).
   */
  virtioWriteStatus(argument: _iommutwin_vmm_v1_VirtioWriteStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioWriteStatusResponse__Output>): grpc.ClientUnaryCall;
  virtioWriteStatus(argument: _iommutwin_vmm_v1_VirtioWriteStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioWriteStatusResponse__Output>): grpc.ClientUnaryCall;
  virtioWriteStatus(argument: _iommutwin_vmm_v1_VirtioWriteStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioWriteStatusResponse__Output>): grpc.ClientUnaryCall;
  virtioWriteStatus(argument: _iommutwin_vmm_v1_VirtioWriteStatusRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_VirtioWriteStatusResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Writes guest RAM at a guest-physical address (as the guest CPU would); outside
   * VmInfo.ram_ranges: INVALID_ARGUMENT.
   */
  WriteMemory(argument: _iommutwin_vmm_v1_WriteMemoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  WriteMemory(argument: _iommutwin_vmm_v1_WriteMemoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  WriteMemory(argument: _iommutwin_vmm_v1_WriteMemoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  WriteMemory(argument: _iommutwin_vmm_v1_WriteMemoryRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Writes guest RAM at a guest-physical address (as the guest CPU would); outside
   * VmInfo.ram_ranges: INVALID_ARGUMENT.
   */
  writeMemory(argument: _iommutwin_vmm_v1_WriteMemoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  writeMemory(argument: _iommutwin_vmm_v1_WriteMemoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  writeMemory(argument: _iommutwin_vmm_v1_WriteMemoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  writeMemory(argument: _iommutwin_vmm_v1_WriteMemoryRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_WriteMemoryResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * What the guest OS and its drivers do.
 */
export interface GuestHandlers extends grpc.UntypedServiceImplementation {
  /**
   * A device of the VM does DMA at an IOVA (through the vIOMMU and, for assigned devices, the host
   * IOMMU).
   */
  Dma: grpc.handleUnaryCall<_iommutwin_vmm_v1_DmaRequest__Output, _iommutwin_vmm_v1_DmaResponse>;
  
  /**
   * Guest-visible events of the VM (virtio-iommu fault reports, vIOMMU interrupts) from
   * after_sequence on, then as they happen.
   */
  Events: grpc.handleServerStreamingCall<_iommutwin_vmm_v1_EventsRequest__Output, _iommutwin_vmm_v1_EventsResponse>;
  
  /**
   * A 32- or 64-bit load from a vIOMMU register block (VmInfo.viommu_mmio; intel-iommu: the DMAR
   * unit at 0xfed90000). Offsets, reset values and read side effects are those of QEMU's model.
   * size other than 4 or 8 → INVALID_ARGUMENT BAD_MMIO_SIZE; an address (or access) outside
   * every register block of the VM → INVALID_ARGUMENT NO_MMIO_REGION; a VM not RUNNING →
   * FAILED_PRECONDITION VM_NOT_RUNNING.
   */
  MmioRead: grpc.handleUnaryCall<_iommutwin_vmm_v1_MmioReadRequest__Output, _iommutwin_vmm_v1_MmioReadResponse>;
  
  /**
   * A 32- or 64-bit store to a vIOMMU register block: read-only and write-1-to-clear masks and
   * command side effects (SRTP, TE, QIE, CCMD/IOTLB invalidation, IQT → queue processing) are
   * those of QEMU's model. Errors as MmioRead.
   */
  MmioWrite: grpc.handleUnaryCall<_iommutwin_vmm_v1_MmioWriteRequest__Output, _iommutwin_vmm_v1_MmioWriteResponse>;
  
  /**
   * Reads guest RAM at a guest-physical address (as the guest CPU would); outside
   * VmInfo.ram_ranges: INVALID_ARGUMENT.
   */
  ReadMemory: grpc.handleUnaryCall<_iommutwin_vmm_v1_ReadMemoryRequest__Output, _iommutwin_vmm_v1_ReadMemoryResponse>;
  
  /**
   * Reads the virtio-iommu's config space (struct virtio_iommu_config) and feature state.
   */
  VirtioIommuConfig: grpc.handleUnaryCall<_iommutwin_vmm_v1_VirtioIommuConfigRequest__Output, _iommutwin_vmm_v1_VirtioIommuConfigResponse>;
  
  /**
   * The guest driver submits one request on the virtio-iommu's request queue (structured or raw
   * bytes) and gets the device-written tail.
   */
  VirtioIommuRequest: grpc.handleUnaryCall<_iommutwin_vmm_v1_VirtioIommuRequestRequest__Output, _iommutwin_vmm_v1_VirtioIommuRequestResponse>;
  
  /**
   * The guest driver writes the virtio-iommu's driver features.
   */
  VirtioIommuSetFeatures: grpc.handleUnaryCall<_iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest__Output, _iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse>;
  
  /**
   * The guest driver writes config.bypass (needs VIRTIO_IOMMU_F_BYPASS_CONFIG).
   */
  VirtioIommuWriteBypass: grpc.handleUnaryCall<_iommutwin_vmm_v1_VirtioIommuWriteBypassRequest__Output, _iommutwin_vmm_v1_VirtioIommuWriteBypassResponse>;
  
  /**
   * The device status register of a virtio device (as VirtioWriteStatus selects it).
   */
  VirtioReadStatus: grpc.handleUnaryCall<_iommutwin_vmm_v1_VirtioReadStatusRequest__Output, _iommutwin_vmm_v1_VirtioReadStatusResponse>;
  
  /**
   * The guest driver writes the driver features of a virtio device (net / blk).
   */
  VirtioSetFeatures: grpc.handleUnaryCall<_iommutwin_vmm_v1_VirtioSetFeaturesRequest__Output, _iommutwin_vmm_v1_VirtioSetFeaturesResponse>;
  
  /**
   * The guest driver writes the virtio device status register (virtio 1.x, "Device Status
   * Field") of one of the VM's virtio devices: the virtio-iommu (`device_id` empty) or a virtio
   * device of the spec (`device_id`). Answers the register as read back right after the write.
   * 
   * 0                      device reset. The virtio-iommu destroys every domain (with its
   * mappings) and detaches every endpoint, as a guest DETACH would
   * (assigned devices' host IOAS follow: shadow mappings unmapped,
   * pins released); unattached endpoints then follow config.bypass,
   * which a device reset keeps (spec: `bypass` SHOULD NOT change on
   * device reset); negotiated features and FEATURES_OK are cleared;
   * DEVICE_NEEDS_RESET is cleared. A virtio-net/blk loses its driver
   * features and FEATURES_OK. Reads back 0.
   * ACKNOWLEDGE 1, DRIVER 2, DRIVER_OK 4, FAILED 128
   * stored as written (the driver's progress; FAILED = it gave up).
   * FEATURES_OK 8          newly set: the device checks the driver features written so far
   * (only VirtioIommuSetFeatures / VirtioSetFeatures write them, 0
   * after a reset) and keeps the bit only if it accepts them; the
   * driver reads the status back to learn the outcome.
   * DEVICE_NEEDS_RESET 64  the device's bit: ignored in a write (a driver's read-modify-write
   * writes back what it read); read back while the device needs a reset.
   * 16, 32                 not offered (VIRTIO_F_SUSPEND is not modelled): INVALID_ARGUMENT
   * BAD_VIRTIO_STATUS, nothing changed; so is a value above 255.
   * Clearing a driver bit without writing 0 (the driver MUST NOT): FAILED_PRECONDITION
   * VIRTIO_STATUS_CLEARED, nothing changed. A device that is not a virtio device of the VM:
   * NOT_FOUND DEVICE_NOT_FOUND; the virtio-iommu of a VM without one: FAILED_PRECONDITION
   * NO_VIRTIO_IOMMU; a VM not RUNNING: FAILED_PRECONDITION VM_NOT_RUNNING. If a backend fails to
   * follow a virtio-iommu reset, the reset still happens, the call answers INTERNAL
   * VIOMMU_BACKEND_FAILED and the device reads DEVICE_NEEDS_RESET (a further reset retries).
   */
  VirtioWriteStatus: grpc.handleUnaryCall<_iommutwin_vmm_v1_VirtioWriteStatusRequest__Output, _iommutwin_vmm_v1_VirtioWriteStatusResponse>;
  
  /**
   * Writes guest RAM at a guest-physical address (as the guest CPU would); outside
   * VmInfo.ram_ranges: INVALID_ARGUMENT.
   */
  WriteMemory: grpc.handleUnaryCall<_iommutwin_vmm_v1_WriteMemoryRequest__Output, _iommutwin_vmm_v1_WriteMemoryResponse>;
  
}

export interface GuestDefinition extends grpc.ServiceDefinition {
  Dma: MethodDefinition<_iommutwin_vmm_v1_DmaRequest, _iommutwin_vmm_v1_DmaResponse, _iommutwin_vmm_v1_DmaRequest__Output, _iommutwin_vmm_v1_DmaResponse__Output>
  Events: MethodDefinition<_iommutwin_vmm_v1_EventsRequest, _iommutwin_vmm_v1_EventsResponse, _iommutwin_vmm_v1_EventsRequest__Output, _iommutwin_vmm_v1_EventsResponse__Output>
  MmioRead: MethodDefinition<_iommutwin_vmm_v1_MmioReadRequest, _iommutwin_vmm_v1_MmioReadResponse, _iommutwin_vmm_v1_MmioReadRequest__Output, _iommutwin_vmm_v1_MmioReadResponse__Output>
  MmioWrite: MethodDefinition<_iommutwin_vmm_v1_MmioWriteRequest, _iommutwin_vmm_v1_MmioWriteResponse, _iommutwin_vmm_v1_MmioWriteRequest__Output, _iommutwin_vmm_v1_MmioWriteResponse__Output>
  ReadMemory: MethodDefinition<_iommutwin_vmm_v1_ReadMemoryRequest, _iommutwin_vmm_v1_ReadMemoryResponse, _iommutwin_vmm_v1_ReadMemoryRequest__Output, _iommutwin_vmm_v1_ReadMemoryResponse__Output>
  VirtioIommuConfig: MethodDefinition<_iommutwin_vmm_v1_VirtioIommuConfigRequest, _iommutwin_vmm_v1_VirtioIommuConfigResponse, _iommutwin_vmm_v1_VirtioIommuConfigRequest__Output, _iommutwin_vmm_v1_VirtioIommuConfigResponse__Output>
  VirtioIommuRequest: MethodDefinition<_iommutwin_vmm_v1_VirtioIommuRequestRequest, _iommutwin_vmm_v1_VirtioIommuRequestResponse, _iommutwin_vmm_v1_VirtioIommuRequestRequest__Output, _iommutwin_vmm_v1_VirtioIommuRequestResponse__Output>
  VirtioIommuSetFeatures: MethodDefinition<_iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest, _iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse, _iommutwin_vmm_v1_VirtioIommuSetFeaturesRequest__Output, _iommutwin_vmm_v1_VirtioIommuSetFeaturesResponse__Output>
  VirtioIommuWriteBypass: MethodDefinition<_iommutwin_vmm_v1_VirtioIommuWriteBypassRequest, _iommutwin_vmm_v1_VirtioIommuWriteBypassResponse, _iommutwin_vmm_v1_VirtioIommuWriteBypassRequest__Output, _iommutwin_vmm_v1_VirtioIommuWriteBypassResponse__Output>
  VirtioReadStatus: MethodDefinition<_iommutwin_vmm_v1_VirtioReadStatusRequest, _iommutwin_vmm_v1_VirtioReadStatusResponse, _iommutwin_vmm_v1_VirtioReadStatusRequest__Output, _iommutwin_vmm_v1_VirtioReadStatusResponse__Output>
  VirtioSetFeatures: MethodDefinition<_iommutwin_vmm_v1_VirtioSetFeaturesRequest, _iommutwin_vmm_v1_VirtioSetFeaturesResponse, _iommutwin_vmm_v1_VirtioSetFeaturesRequest__Output, _iommutwin_vmm_v1_VirtioSetFeaturesResponse__Output>
  VirtioWriteStatus: MethodDefinition<_iommutwin_vmm_v1_VirtioWriteStatusRequest, _iommutwin_vmm_v1_VirtioWriteStatusResponse, _iommutwin_vmm_v1_VirtioWriteStatusRequest__Output, _iommutwin_vmm_v1_VirtioWriteStatusResponse__Output>
  WriteMemory: MethodDefinition<_iommutwin_vmm_v1_WriteMemoryRequest, _iommutwin_vmm_v1_WriteMemoryResponse, _iommutwin_vmm_v1_WriteMemoryRequest__Output, _iommutwin_vmm_v1_WriteMemoryResponse__Output>
}
