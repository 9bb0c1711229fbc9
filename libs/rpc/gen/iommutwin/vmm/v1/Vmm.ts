// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CheckMigrationRequest as _iommutwin_vmm_v1_CheckMigrationRequest, CheckMigrationRequest__Output as _iommutwin_vmm_v1_CheckMigrationRequest__Output } from '../../../iommutwin/vmm/v1/CheckMigrationRequest.js';
import type { CheckMigrationResponse as _iommutwin_vmm_v1_CheckMigrationResponse, CheckMigrationResponse__Output as _iommutwin_vmm_v1_CheckMigrationResponse__Output } from '../../../iommutwin/vmm/v1/CheckMigrationResponse.js';
import type { ComputeBaselineRequest as _iommutwin_vmm_v1_ComputeBaselineRequest, ComputeBaselineRequest__Output as _iommutwin_vmm_v1_ComputeBaselineRequest__Output } from '../../../iommutwin/vmm/v1/ComputeBaselineRequest.js';
import type { ComputeBaselineResponse as _iommutwin_vmm_v1_ComputeBaselineResponse, ComputeBaselineResponse__Output as _iommutwin_vmm_v1_ComputeBaselineResponse__Output } from '../../../iommutwin/vmm/v1/ComputeBaselineResponse.js';
import type { CreateVmRequest as _iommutwin_vmm_v1_CreateVmRequest, CreateVmRequest__Output as _iommutwin_vmm_v1_CreateVmRequest__Output } from '../../../iommutwin/vmm/v1/CreateVmRequest.js';
import type { CreateVmResponse as _iommutwin_vmm_v1_CreateVmResponse, CreateVmResponse__Output as _iommutwin_vmm_v1_CreateVmResponse__Output } from '../../../iommutwin/vmm/v1/CreateVmResponse.js';
import type { DeleteVmRequest as _iommutwin_vmm_v1_DeleteVmRequest, DeleteVmRequest__Output as _iommutwin_vmm_v1_DeleteVmRequest__Output } from '../../../iommutwin/vmm/v1/DeleteVmRequest.js';
import type { DeleteVmResponse as _iommutwin_vmm_v1_DeleteVmResponse, DeleteVmResponse__Output as _iommutwin_vmm_v1_DeleteVmResponse__Output } from '../../../iommutwin/vmm/v1/DeleteVmResponse.js';
import type { GetHostCapabilitiesRequest as _iommutwin_vmm_v1_GetHostCapabilitiesRequest, GetHostCapabilitiesRequest__Output as _iommutwin_vmm_v1_GetHostCapabilitiesRequest__Output } from '../../../iommutwin/vmm/v1/GetHostCapabilitiesRequest.js';
import type { GetHostCapabilitiesResponse as _iommutwin_vmm_v1_GetHostCapabilitiesResponse, GetHostCapabilitiesResponse__Output as _iommutwin_vmm_v1_GetHostCapabilitiesResponse__Output } from '../../../iommutwin/vmm/v1/GetHostCapabilitiesResponse.js';
import type { GetVmRequest as _iommutwin_vmm_v1_GetVmRequest, GetVmRequest__Output as _iommutwin_vmm_v1_GetVmRequest__Output } from '../../../iommutwin/vmm/v1/GetVmRequest.js';
import type { GetVmResponse as _iommutwin_vmm_v1_GetVmResponse, GetVmResponse__Output as _iommutwin_vmm_v1_GetVmResponse__Output } from '../../../iommutwin/vmm/v1/GetVmResponse.js';
import type { HotplugDeviceRequest as _iommutwin_vmm_v1_HotplugDeviceRequest, HotplugDeviceRequest__Output as _iommutwin_vmm_v1_HotplugDeviceRequest__Output } from '../../../iommutwin/vmm/v1/HotplugDeviceRequest.js';
import type { HotplugDeviceResponse as _iommutwin_vmm_v1_HotplugDeviceResponse, HotplugDeviceResponse__Output as _iommutwin_vmm_v1_HotplugDeviceResponse__Output } from '../../../iommutwin/vmm/v1/HotplugDeviceResponse.js';
import type { InspectViommuRequest as _iommutwin_vmm_v1_InspectViommuRequest, InspectViommuRequest__Output as _iommutwin_vmm_v1_InspectViommuRequest__Output } from '../../../iommutwin/vmm/v1/InspectViommuRequest.js';
import type { InspectViommuResponse as _iommutwin_vmm_v1_InspectViommuResponse, InspectViommuResponse__Output as _iommutwin_vmm_v1_InspectViommuResponse__Output } from '../../../iommutwin/vmm/v1/InspectViommuResponse.js';
import type { ListVmsRequest as _iommutwin_vmm_v1_ListVmsRequest, ListVmsRequest__Output as _iommutwin_vmm_v1_ListVmsRequest__Output } from '../../../iommutwin/vmm/v1/ListVmsRequest.js';
import type { ListVmsResponse as _iommutwin_vmm_v1_ListVmsResponse, ListVmsResponse__Output as _iommutwin_vmm_v1_ListVmsResponse__Output } from '../../../iommutwin/vmm/v1/ListVmsResponse.js';
import type { MigrateRequest as _iommutwin_vmm_v1_MigrateRequest, MigrateRequest__Output as _iommutwin_vmm_v1_MigrateRequest__Output } from '../../../iommutwin/vmm/v1/MigrateRequest.js';
import type { MigrateResponse as _iommutwin_vmm_v1_MigrateResponse, MigrateResponse__Output as _iommutwin_vmm_v1_MigrateResponse__Output } from '../../../iommutwin/vmm/v1/MigrateResponse.js';
import type { PingRequest as _iommutwin_vmm_v1_PingRequest, PingRequest__Output as _iommutwin_vmm_v1_PingRequest__Output } from '../../../iommutwin/vmm/v1/PingRequest.js';
import type { PingResponse as _iommutwin_vmm_v1_PingResponse, PingResponse__Output as _iommutwin_vmm_v1_PingResponse__Output } from '../../../iommutwin/vmm/v1/PingResponse.js';
import type { ReceiveMigrationRequest as _iommutwin_vmm_v1_ReceiveMigrationRequest, ReceiveMigrationRequest__Output as _iommutwin_vmm_v1_ReceiveMigrationRequest__Output } from '../../../iommutwin/vmm/v1/ReceiveMigrationRequest.js';
import type { ReceiveMigrationResponse as _iommutwin_vmm_v1_ReceiveMigrationResponse, ReceiveMigrationResponse__Output as _iommutwin_vmm_v1_ReceiveMigrationResponse__Output } from '../../../iommutwin/vmm/v1/ReceiveMigrationResponse.js';
import type { StartVmRequest as _iommutwin_vmm_v1_StartVmRequest, StartVmRequest__Output as _iommutwin_vmm_v1_StartVmRequest__Output } from '../../../iommutwin/vmm/v1/StartVmRequest.js';
import type { StartVmResponse as _iommutwin_vmm_v1_StartVmResponse, StartVmResponse__Output as _iommutwin_vmm_v1_StartVmResponse__Output } from '../../../iommutwin/vmm/v1/StartVmResponse.js';
import type { StopVmRequest as _iommutwin_vmm_v1_StopVmRequest, StopVmRequest__Output as _iommutwin_vmm_v1_StopVmRequest__Output } from '../../../iommutwin/vmm/v1/StopVmRequest.js';
import type { StopVmResponse as _iommutwin_vmm_v1_StopVmResponse, StopVmResponse__Output as _iommutwin_vmm_v1_StopVmResponse__Output } from '../../../iommutwin/vmm/v1/StopVmResponse.js';
import type { UnplugDeviceRequest as _iommutwin_vmm_v1_UnplugDeviceRequest, UnplugDeviceRequest__Output as _iommutwin_vmm_v1_UnplugDeviceRequest__Output } from '../../../iommutwin/vmm/v1/UnplugDeviceRequest.js';
import type { UnplugDeviceResponse as _iommutwin_vmm_v1_UnplugDeviceResponse, UnplugDeviceResponse__Output as _iommutwin_vmm_v1_UnplugDeviceResponse__Output } from '../../../iommutwin/vmm/v1/UnplugDeviceResponse.js';

/**
 * The management plane of one VMM instance (QEMU-like), a client of its host-iommu.
 */
export interface VmmClient extends grpc.Client {
  /**
   * Every reason the VM cannot move to `destination` (checked against the destination's host);
   * changes nothing.
   */
  CheckMigration(argument: _iommutwin_vmm_v1_CheckMigrationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_CheckMigrationResponse__Output>): grpc.ClientUnaryCall;
  CheckMigration(argument: _iommutwin_vmm_v1_CheckMigrationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_CheckMigrationResponse__Output>): grpc.ClientUnaryCall;
  CheckMigration(argument: _iommutwin_vmm_v1_CheckMigrationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_CheckMigrationResponse__Output>): grpc.ClientUnaryCall;
  CheckMigration(argument: _iommutwin_vmm_v1_CheckMigrationRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_CheckMigrationResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Every reason the VM cannot move to `destination` (checked against the destination's host);
   * changes nothing.
   */
  checkMigration(argument: _iommutwin_vmm_v1_CheckMigrationRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_CheckMigrationResponse__Output>): grpc.ClientUnaryCall;
  checkMigration(argument: _iommutwin_vmm_v1_CheckMigrationRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_CheckMigrationResponse__Output>): grpc.ClientUnaryCall;
  checkMigration(argument: _iommutwin_vmm_v1_CheckMigrationRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_CheckMigrationResponse__Output>): grpc.ClientUnaryCall;
  checkMigration(argument: _iommutwin_vmm_v1_CheckMigrationRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_CheckMigrationResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The richest ViommuSpec every given host can back, with per-host backend plan and what each host
   * lacks.
   */
  ComputeBaseline(argument: _iommutwin_vmm_v1_ComputeBaselineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_ComputeBaselineResponse__Output>): grpc.ClientUnaryCall;
  ComputeBaseline(argument: _iommutwin_vmm_v1_ComputeBaselineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_ComputeBaselineResponse__Output>): grpc.ClientUnaryCall;
  ComputeBaseline(argument: _iommutwin_vmm_v1_ComputeBaselineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_ComputeBaselineResponse__Output>): grpc.ClientUnaryCall;
  ComputeBaseline(argument: _iommutwin_vmm_v1_ComputeBaselineRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_ComputeBaselineResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The richest ViommuSpec every given host can back, with per-host backend plan and what each host
   * lacks.
   */
  computeBaseline(argument: _iommutwin_vmm_v1_ComputeBaselineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_ComputeBaselineResponse__Output>): grpc.ClientUnaryCall;
  computeBaseline(argument: _iommutwin_vmm_v1_ComputeBaselineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_ComputeBaselineResponse__Output>): grpc.ClientUnaryCall;
  computeBaseline(argument: _iommutwin_vmm_v1_ComputeBaselineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_ComputeBaselineResponse__Output>): grpc.ClientUnaryCall;
  computeBaseline(argument: _iommutwin_vmm_v1_ComputeBaselineRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_ComputeBaselineResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Defines a VM from a VmSpec (state DEFINED) and creates its host process (host_pid, principal
   * qemu).
   */
  CreateVm(argument: _iommutwin_vmm_v1_CreateVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_CreateVmResponse__Output>): grpc.ClientUnaryCall;
  CreateVm(argument: _iommutwin_vmm_v1_CreateVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_CreateVmResponse__Output>): grpc.ClientUnaryCall;
  CreateVm(argument: _iommutwin_vmm_v1_CreateVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_CreateVmResponse__Output>): grpc.ClientUnaryCall;
  CreateVm(argument: _iommutwin_vmm_v1_CreateVmRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_CreateVmResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Defines a VM from a VmSpec (state DEFINED) and creates its host process (host_pid, principal
   * qemu).
   */
  createVm(argument: _iommutwin_vmm_v1_CreateVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_CreateVmResponse__Output>): grpc.ClientUnaryCall;
  createVm(argument: _iommutwin_vmm_v1_CreateVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_CreateVmResponse__Output>): grpc.ClientUnaryCall;
  createVm(argument: _iommutwin_vmm_v1_CreateVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_CreateVmResponse__Output>): grpc.ClientUnaryCall;
  createVm(argument: _iommutwin_vmm_v1_CreateVmRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_CreateVmResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Stops the VM if needed and forgets it.
   */
  DeleteVm(argument: _iommutwin_vmm_v1_DeleteVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_DeleteVmResponse__Output>): grpc.ClientUnaryCall;
  DeleteVm(argument: _iommutwin_vmm_v1_DeleteVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_DeleteVmResponse__Output>): grpc.ClientUnaryCall;
  DeleteVm(argument: _iommutwin_vmm_v1_DeleteVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_DeleteVmResponse__Output>): grpc.ClientUnaryCall;
  DeleteVm(argument: _iommutwin_vmm_v1_DeleteVmRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_DeleteVmResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Stops the VM if needed and forgets it.
   */
  deleteVm(argument: _iommutwin_vmm_v1_DeleteVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_DeleteVmResponse__Output>): grpc.ClientUnaryCall;
  deleteVm(argument: _iommutwin_vmm_v1_DeleteVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_DeleteVmResponse__Output>): grpc.ClientUnaryCall;
  deleteVm(argument: _iommutwin_vmm_v1_DeleteVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_DeleteVmResponse__Output>): grpc.ClientUnaryCall;
  deleteVm(argument: _iommutwin_vmm_v1_DeleteVmRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_DeleteVmResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * What this vmm's host can back, per IOMMU unit and per vIOMMU model, and the state of the link
   * to host-iommu.
   */
  GetHostCapabilities(argument: _iommutwin_vmm_v1_GetHostCapabilitiesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_GetHostCapabilitiesResponse__Output>): grpc.ClientUnaryCall;
  GetHostCapabilities(argument: _iommutwin_vmm_v1_GetHostCapabilitiesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_GetHostCapabilitiesResponse__Output>): grpc.ClientUnaryCall;
  GetHostCapabilities(argument: _iommutwin_vmm_v1_GetHostCapabilitiesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_GetHostCapabilitiesResponse__Output>): grpc.ClientUnaryCall;
  GetHostCapabilities(argument: _iommutwin_vmm_v1_GetHostCapabilitiesRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_GetHostCapabilitiesResponse__Output>): grpc.ClientUnaryCall;
  /**
   * What this vmm's host can back, per IOMMU unit and per vIOMMU model, and the state of the link
   * to host-iommu.
   */
  getHostCapabilities(argument: _iommutwin_vmm_v1_GetHostCapabilitiesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_GetHostCapabilitiesResponse__Output>): grpc.ClientUnaryCall;
  getHostCapabilities(argument: _iommutwin_vmm_v1_GetHostCapabilitiesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_GetHostCapabilitiesResponse__Output>): grpc.ClientUnaryCall;
  getHostCapabilities(argument: _iommutwin_vmm_v1_GetHostCapabilitiesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_GetHostCapabilitiesResponse__Output>): grpc.ClientUnaryCall;
  getHostCapabilities(argument: _iommutwin_vmm_v1_GetHostCapabilitiesRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_GetHostCapabilitiesResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The VM named `name`.
   */
  GetVm(argument: _iommutwin_vmm_v1_GetVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  GetVm(argument: _iommutwin_vmm_v1_GetVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  GetVm(argument: _iommutwin_vmm_v1_GetVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  GetVm(argument: _iommutwin_vmm_v1_GetVmRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The VM named `name`.
   */
  getVm(argument: _iommutwin_vmm_v1_GetVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  getVm(argument: _iommutwin_vmm_v1_GetVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  getVm(argument: _iommutwin_vmm_v1_GetVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  getVm(argument: _iommutwin_vmm_v1_GetVmRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_GetVmResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Plugs a device into a VM (with the plug-time checks of its backend).
   */
  HotplugDevice(argument: _iommutwin_vmm_v1_HotplugDeviceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_HotplugDeviceResponse__Output>): grpc.ClientUnaryCall;
  HotplugDevice(argument: _iommutwin_vmm_v1_HotplugDeviceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_HotplugDeviceResponse__Output>): grpc.ClientUnaryCall;
  HotplugDevice(argument: _iommutwin_vmm_v1_HotplugDeviceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_HotplugDeviceResponse__Output>): grpc.ClientUnaryCall;
  HotplugDevice(argument: _iommutwin_vmm_v1_HotplugDeviceRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_HotplugDeviceResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Plugs a device into a VM (with the plug-time checks of its backend).
   */
  hotplugDevice(argument: _iommutwin_vmm_v1_HotplugDeviceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_HotplugDeviceResponse__Output>): grpc.ClientUnaryCall;
  hotplugDevice(argument: _iommutwin_vmm_v1_HotplugDeviceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_HotplugDeviceResponse__Output>): grpc.ClientUnaryCall;
  hotplugDevice(argument: _iommutwin_vmm_v1_HotplugDeviceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_HotplugDeviceResponse__Output>): grpc.ClientUnaryCall;
  hotplugDevice(argument: _iommutwin_vmm_v1_HotplugDeviceRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_HotplugDeviceResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The intel-iommu model's state that no register shows (for `ctl guest vtd-device` / `iotlb`):
   * the IOTLB, context cache and PASID cache as the model holds them now, and optionally one
   * device's root → context → PASID chain read from guest RAM through the model's own checks.
   * An SMMUv3 answers in `smmuv3`: its registers, configuration cache, IOTLB and optionally
   * one StreamID's STE/CD (`sid`, `pasid` = SSID) decoded from guest RAM.
   * FAILED_PRECONDITION VM_NOT_RUNNING, NO_INTEL_IOMMU (the VM's vIOMMU is neither model).
   */
  InspectViommu(argument: _iommutwin_vmm_v1_InspectViommuRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_InspectViommuResponse__Output>): grpc.ClientUnaryCall;
  InspectViommu(argument: _iommutwin_vmm_v1_InspectViommuRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_InspectViommuResponse__Output>): grpc.ClientUnaryCall;
  InspectViommu(argument: _iommutwin_vmm_v1_InspectViommuRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_InspectViommuResponse__Output>): grpc.ClientUnaryCall;
  InspectViommu(argument: _iommutwin_vmm_v1_InspectViommuRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_InspectViommuResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The intel-iommu model's state that no register shows (for `ctl guest vtd-device` / `iotlb`):
   * the IOTLB, context cache and PASID cache as the model holds them now, and optionally one
   * device's root → context → PASID chain read from guest RAM through the model's own checks.
   * An SMMUv3 answers in `smmuv3`: its registers, configuration cache, IOTLB and optionally
   * one StreamID's STE/CD (`sid`, `pasid` = SSID) decoded from guest RAM.
   * FAILED_PRECONDITION VM_NOT_RUNNING, NO_INTEL_IOMMU (the VM's vIOMMU is neither model).
   */
  inspectViommu(argument: _iommutwin_vmm_v1_InspectViommuRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_InspectViommuResponse__Output>): grpc.ClientUnaryCall;
  inspectViommu(argument: _iommutwin_vmm_v1_InspectViommuRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_InspectViommuResponse__Output>): grpc.ClientUnaryCall;
  inspectViommu(argument: _iommutwin_vmm_v1_InspectViommuRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_InspectViommuResponse__Output>): grpc.ClientUnaryCall;
  inspectViommu(argument: _iommutwin_vmm_v1_InspectViommuRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_InspectViommuResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Every VM of this vmm.
   */
  ListVms(argument: _iommutwin_vmm_v1_ListVmsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  ListVms(argument: _iommutwin_vmm_v1_ListVmsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  ListVms(argument: _iommutwin_vmm_v1_ListVmsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  ListVms(argument: _iommutwin_vmm_v1_ListVmsRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Every VM of this vmm.
   */
  listVms(argument: _iommutwin_vmm_v1_ListVmsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  listVms(argument: _iommutwin_vmm_v1_ListVmsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  listVms(argument: _iommutwin_vmm_v1_ListVmsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  listVms(argument: _iommutwin_vmm_v1_ListVmsRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_ListVmsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Moves a running VM to another vmm, streaming progress; a failure before the destination
   * resumes ends with a FAILED message and leaves the VM running here.
   */
  Migrate(argument: _iommutwin_vmm_v1_MigrateRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_vmm_v1_MigrateResponse__Output>;
  Migrate(argument: _iommutwin_vmm_v1_MigrateRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_vmm_v1_MigrateResponse__Output>;
  /**
   * Moves a running VM to another vmm, streaming progress; a failure before the destination
   * resumes ends with a FAILED message and leaves the VM running here.
   */
  migrate(argument: _iommutwin_vmm_v1_MigrateRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_vmm_v1_MigrateResponse__Output>;
  migrate(argument: _iommutwin_vmm_v1_MigrateRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_iommutwin_vmm_v1_MigrateResponse__Output>;
  
  /**
   * No-op for benchmarks (extra RPC).
   */
  Ping(argument: _iommutwin_vmm_v1_PingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  Ping(argument: _iommutwin_vmm_v1_PingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  Ping(argument: _iommutwin_vmm_v1_PingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  Ping(argument: _iommutwin_vmm_v1_PingRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  /**
   * No-op for benchmarks (extra RPC).
   */
  ping(argument: _iommutwin_vmm_v1_PingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  ping(argument: _iommutwin_vmm_v1_PingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  ping(argument: _iommutwin_vmm_v1_PingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  ping(argument: _iommutwin_vmm_v1_PingRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_PingResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * The destination side of Migrate: a client stream of migration chunks (vmm to vmm).
   */
  ReceiveMigration(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReceiveMigrationResponse__Output>): grpc.ClientWritableStream<_iommutwin_vmm_v1_ReceiveMigrationRequest>;
  ReceiveMigration(metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReceiveMigrationResponse__Output>): grpc.ClientWritableStream<_iommutwin_vmm_v1_ReceiveMigrationRequest>;
  ReceiveMigration(options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReceiveMigrationResponse__Output>): grpc.ClientWritableStream<_iommutwin_vmm_v1_ReceiveMigrationRequest>;
  ReceiveMigration(callback: grpc.requestCallback<_iommutwin_vmm_v1_ReceiveMigrationResponse__Output>): grpc.ClientWritableStream<_iommutwin_vmm_v1_ReceiveMigrationRequest>;
  /**
   * The destination side of Migrate: a client stream of migration chunks (vmm to vmm).
   */
  receiveMigration(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReceiveMigrationResponse__Output>): grpc.ClientWritableStream<_iommutwin_vmm_v1_ReceiveMigrationRequest>;
  receiveMigration(metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReceiveMigrationResponse__Output>): grpc.ClientWritableStream<_iommutwin_vmm_v1_ReceiveMigrationRequest>;
  receiveMigration(options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_ReceiveMigrationResponse__Output>): grpc.ClientWritableStream<_iommutwin_vmm_v1_ReceiveMigrationRequest>;
  receiveMigration(callback: grpc.requestCallback<_iommutwin_vmm_v1_ReceiveMigrationResponse__Output>): grpc.ClientWritableStream<_iommutwin_vmm_v1_ReceiveMigrationRequest>;
  
  /**
   * Starts a DEFINED VM: opens its host objects with the fds passed in passed_fds and plugs its
   * devices (state RUNNING).
   */
  StartVm(argument: _iommutwin_vmm_v1_StartVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_StartVmResponse__Output>): grpc.ClientUnaryCall;
  StartVm(argument: _iommutwin_vmm_v1_StartVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_StartVmResponse__Output>): grpc.ClientUnaryCall;
  StartVm(argument: _iommutwin_vmm_v1_StartVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_StartVmResponse__Output>): grpc.ClientUnaryCall;
  StartVm(argument: _iommutwin_vmm_v1_StartVmRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_StartVmResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Starts a DEFINED VM: opens its host objects with the fds passed in passed_fds and plugs its
   * devices (state RUNNING).
   */
  startVm(argument: _iommutwin_vmm_v1_StartVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_StartVmResponse__Output>): grpc.ClientUnaryCall;
  startVm(argument: _iommutwin_vmm_v1_StartVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_StartVmResponse__Output>): grpc.ClientUnaryCall;
  startVm(argument: _iommutwin_vmm_v1_StartVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_StartVmResponse__Output>): grpc.ClientUnaryCall;
  startVm(argument: _iommutwin_vmm_v1_StartVmRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_StartVmResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Stops a VM: its host process exits, every host object goes with it (state STOPPED).
   */
  StopVm(argument: _iommutwin_vmm_v1_StopVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_StopVmResponse__Output>): grpc.ClientUnaryCall;
  StopVm(argument: _iommutwin_vmm_v1_StopVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_StopVmResponse__Output>): grpc.ClientUnaryCall;
  StopVm(argument: _iommutwin_vmm_v1_StopVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_StopVmResponse__Output>): grpc.ClientUnaryCall;
  StopVm(argument: _iommutwin_vmm_v1_StopVmRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_StopVmResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Stops a VM: its host process exits, every host object goes with it (state STOPPED).
   */
  stopVm(argument: _iommutwin_vmm_v1_StopVmRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_StopVmResponse__Output>): grpc.ClientUnaryCall;
  stopVm(argument: _iommutwin_vmm_v1_StopVmRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_StopVmResponse__Output>): grpc.ClientUnaryCall;
  stopVm(argument: _iommutwin_vmm_v1_StopVmRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_StopVmResponse__Output>): grpc.ClientUnaryCall;
  stopVm(argument: _iommutwin_vmm_v1_StopVmRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_StopVmResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Unplugs a device from a VM, releasing its host objects.
   */
  UnplugDevice(argument: _iommutwin_vmm_v1_UnplugDeviceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_UnplugDeviceResponse__Output>): grpc.ClientUnaryCall;
  UnplugDevice(argument: _iommutwin_vmm_v1_UnplugDeviceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_UnplugDeviceResponse__Output>): grpc.ClientUnaryCall;
  UnplugDevice(argument: _iommutwin_vmm_v1_UnplugDeviceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_UnplugDeviceResponse__Output>): grpc.ClientUnaryCall;
  UnplugDevice(argument: _iommutwin_vmm_v1_UnplugDeviceRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_UnplugDeviceResponse__Output>): grpc.ClientUnaryCall;
  /**
   * Unplugs a device from a VM, releasing its host objects.
   */
  unplugDevice(argument: _iommutwin_vmm_v1_UnplugDeviceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_UnplugDeviceResponse__Output>): grpc.ClientUnaryCall;
  unplugDevice(argument: _iommutwin_vmm_v1_UnplugDeviceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_iommutwin_vmm_v1_UnplugDeviceResponse__Output>): grpc.ClientUnaryCall;
  unplugDevice(argument: _iommutwin_vmm_v1_UnplugDeviceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_iommutwin_vmm_v1_UnplugDeviceResponse__Output>): grpc.ClientUnaryCall;
  unplugDevice(argument: _iommutwin_vmm_v1_UnplugDeviceRequest, callback: grpc.requestCallback<_iommutwin_vmm_v1_UnplugDeviceResponse__Output>): grpc.ClientUnaryCall;
  
}

/**
 * The management plane of one VMM instance (QEMU-like), a client of its host-iommu.
 */
export interface VmmHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Every reason the VM cannot move to `destination` (checked against the destination's host);
   * changes nothing.
   */
  CheckMigration: grpc.handleUnaryCall<_iommutwin_vmm_v1_CheckMigrationRequest__Output, _iommutwin_vmm_v1_CheckMigrationResponse>;
  
  /**
   * The richest ViommuSpec every given host can back, with per-host backend plan and what each host
   * lacks.
   */
  ComputeBaseline: grpc.handleUnaryCall<_iommutwin_vmm_v1_ComputeBaselineRequest__Output, _iommutwin_vmm_v1_ComputeBaselineResponse>;
  
  /**
   * Defines a VM from a VmSpec (state DEFINED) and creates its host process (host_pid, principal
   * qemu).
   */
  CreateVm: grpc.handleUnaryCall<_iommutwin_vmm_v1_CreateVmRequest__Output, _iommutwin_vmm_v1_CreateVmResponse>;
  
  /**
   * Stops the VM if needed and forgets it.
   */
  DeleteVm: grpc.handleUnaryCall<_iommutwin_vmm_v1_DeleteVmRequest__Output, _iommutwin_vmm_v1_DeleteVmResponse>;
  
  /**
   * What this vmm's host can back, per IOMMU unit and per vIOMMU model, and the state of the link
   * to host-iommu.
   */
  GetHostCapabilities: grpc.handleUnaryCall<_iommutwin_vmm_v1_GetHostCapabilitiesRequest__Output, _iommutwin_vmm_v1_GetHostCapabilitiesResponse>;
  
  /**
   * The VM named `name`.
   */
  GetVm: grpc.handleUnaryCall<_iommutwin_vmm_v1_GetVmRequest__Output, _iommutwin_vmm_v1_GetVmResponse>;
  
  /**
   * Plugs a device into a VM (with the plug-time checks of its backend).
   */
  HotplugDevice: grpc.handleUnaryCall<_iommutwin_vmm_v1_HotplugDeviceRequest__Output, _iommutwin_vmm_v1_HotplugDeviceResponse>;
  
  /**
   * The intel-iommu model's state that no register shows (for `ctl guest vtd-device` / `iotlb`):
   * the IOTLB, context cache and PASID cache as the model holds them now, and optionally one
   * device's root → context → PASID chain read from guest RAM through the model's own checks.
   * An SMMUv3 answers in `smmuv3`: its registers, configuration cache, IOTLB and optionally
   * one StreamID's STE/CD (`sid`, `pasid` = SSID) decoded from guest RAM.
   * FAILED_PRECONDITION VM_NOT_RUNNING, NO_INTEL_IOMMU (the VM's vIOMMU is neither model).
   */
  InspectViommu: grpc.handleUnaryCall<_iommutwin_vmm_v1_InspectViommuRequest__Output, _iommutwin_vmm_v1_InspectViommuResponse>;
  
  /**
   * Every VM of this vmm.
   */
  ListVms: grpc.handleUnaryCall<_iommutwin_vmm_v1_ListVmsRequest__Output, _iommutwin_vmm_v1_ListVmsResponse>;
  
  /**
   * Moves a running VM to another vmm, streaming progress; a failure before the destination
   * resumes ends with a FAILED message and leaves the VM running here.
   */
  Migrate: grpc.handleServerStreamingCall<_iommutwin_vmm_v1_MigrateRequest__Output, _iommutwin_vmm_v1_MigrateResponse>;
  
  /**
   * No-op for benchmarks (extra RPC).
   */
  Ping: grpc.handleUnaryCall<_iommutwin_vmm_v1_PingRequest__Output, _iommutwin_vmm_v1_PingResponse>;
  
  /**
   * The destination side of Migrate: a client stream of migration chunks (vmm to vmm).
   */
  ReceiveMigration: grpc.handleClientStreamingCall<_iommutwin_vmm_v1_ReceiveMigrationRequest__Output, _iommutwin_vmm_v1_ReceiveMigrationResponse>;
  
  /**
   * Starts a DEFINED VM: opens its host objects with the fds passed in passed_fds and plugs its
   * devices (state RUNNING).
   */
  StartVm: grpc.handleUnaryCall<_iommutwin_vmm_v1_StartVmRequest__Output, _iommutwin_vmm_v1_StartVmResponse>;
  
  /**
   * Stops a VM: its host process exits, every host object goes with it (state STOPPED).
   */
  StopVm: grpc.handleUnaryCall<_iommutwin_vmm_v1_StopVmRequest__Output, _iommutwin_vmm_v1_StopVmResponse>;
  
  /**
   * Unplugs a device from a VM, releasing its host objects.
   */
  UnplugDevice: grpc.handleUnaryCall<_iommutwin_vmm_v1_UnplugDeviceRequest__Output, _iommutwin_vmm_v1_UnplugDeviceResponse>;
  
}

export interface VmmDefinition extends grpc.ServiceDefinition {
  CheckMigration: MethodDefinition<_iommutwin_vmm_v1_CheckMigrationRequest, _iommutwin_vmm_v1_CheckMigrationResponse, _iommutwin_vmm_v1_CheckMigrationRequest__Output, _iommutwin_vmm_v1_CheckMigrationResponse__Output>
  ComputeBaseline: MethodDefinition<_iommutwin_vmm_v1_ComputeBaselineRequest, _iommutwin_vmm_v1_ComputeBaselineResponse, _iommutwin_vmm_v1_ComputeBaselineRequest__Output, _iommutwin_vmm_v1_ComputeBaselineResponse__Output>
  CreateVm: MethodDefinition<_iommutwin_vmm_v1_CreateVmRequest, _iommutwin_vmm_v1_CreateVmResponse, _iommutwin_vmm_v1_CreateVmRequest__Output, _iommutwin_vmm_v1_CreateVmResponse__Output>
  DeleteVm: MethodDefinition<_iommutwin_vmm_v1_DeleteVmRequest, _iommutwin_vmm_v1_DeleteVmResponse, _iommutwin_vmm_v1_DeleteVmRequest__Output, _iommutwin_vmm_v1_DeleteVmResponse__Output>
  GetHostCapabilities: MethodDefinition<_iommutwin_vmm_v1_GetHostCapabilitiesRequest, _iommutwin_vmm_v1_GetHostCapabilitiesResponse, _iommutwin_vmm_v1_GetHostCapabilitiesRequest__Output, _iommutwin_vmm_v1_GetHostCapabilitiesResponse__Output>
  GetVm: MethodDefinition<_iommutwin_vmm_v1_GetVmRequest, _iommutwin_vmm_v1_GetVmResponse, _iommutwin_vmm_v1_GetVmRequest__Output, _iommutwin_vmm_v1_GetVmResponse__Output>
  HotplugDevice: MethodDefinition<_iommutwin_vmm_v1_HotplugDeviceRequest, _iommutwin_vmm_v1_HotplugDeviceResponse, _iommutwin_vmm_v1_HotplugDeviceRequest__Output, _iommutwin_vmm_v1_HotplugDeviceResponse__Output>
  InspectViommu: MethodDefinition<_iommutwin_vmm_v1_InspectViommuRequest, _iommutwin_vmm_v1_InspectViommuResponse, _iommutwin_vmm_v1_InspectViommuRequest__Output, _iommutwin_vmm_v1_InspectViommuResponse__Output>
  ListVms: MethodDefinition<_iommutwin_vmm_v1_ListVmsRequest, _iommutwin_vmm_v1_ListVmsResponse, _iommutwin_vmm_v1_ListVmsRequest__Output, _iommutwin_vmm_v1_ListVmsResponse__Output>
  Migrate: MethodDefinition<_iommutwin_vmm_v1_MigrateRequest, _iommutwin_vmm_v1_MigrateResponse, _iommutwin_vmm_v1_MigrateRequest__Output, _iommutwin_vmm_v1_MigrateResponse__Output>
  Ping: MethodDefinition<_iommutwin_vmm_v1_PingRequest, _iommutwin_vmm_v1_PingResponse, _iommutwin_vmm_v1_PingRequest__Output, _iommutwin_vmm_v1_PingResponse__Output>
  ReceiveMigration: MethodDefinition<_iommutwin_vmm_v1_ReceiveMigrationRequest, _iommutwin_vmm_v1_ReceiveMigrationResponse, _iommutwin_vmm_v1_ReceiveMigrationRequest__Output, _iommutwin_vmm_v1_ReceiveMigrationResponse__Output>
  StartVm: MethodDefinition<_iommutwin_vmm_v1_StartVmRequest, _iommutwin_vmm_v1_StartVmResponse, _iommutwin_vmm_v1_StartVmRequest__Output, _iommutwin_vmm_v1_StartVmResponse__Output>
  StopVm: MethodDefinition<_iommutwin_vmm_v1_StopVmRequest, _iommutwin_vmm_v1_StopVmResponse, _iommutwin_vmm_v1_StopVmRequest__Output, _iommutwin_vmm_v1_StopVmResponse__Output>
  UnplugDevice: MethodDefinition<_iommutwin_vmm_v1_UnplugDeviceRequest, _iommutwin_vmm_v1_UnplugDeviceResponse, _iommutwin_vmm_v1_UnplugDeviceRequest__Output, _iommutwin_vmm_v1_UnplugDeviceResponse__Output>
}
