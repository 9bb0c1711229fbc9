// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { AttachReq as _iommutwin_vmm_v1_AttachReq, AttachReq__Output as _iommutwin_vmm_v1_AttachReq__Output } from '../../../iommutwin/vmm/v1/AttachReq.js';
import type { DetachReq as _iommutwin_vmm_v1_DetachReq, DetachReq__Output as _iommutwin_vmm_v1_DetachReq__Output } from '../../../iommutwin/vmm/v1/DetachReq.js';
import type { MapReq as _iommutwin_vmm_v1_MapReq, MapReq__Output as _iommutwin_vmm_v1_MapReq__Output } from '../../../iommutwin/vmm/v1/MapReq.js';
import type { UnmapReq as _iommutwin_vmm_v1_UnmapReq, UnmapReq__Output as _iommutwin_vmm_v1_UnmapReq__Output } from '../../../iommutwin/vmm/v1/UnmapReq.js';
import type { ProbeReq as _iommutwin_vmm_v1_ProbeReq, ProbeReq__Output as _iommutwin_vmm_v1_ProbeReq__Output } from '../../../iommutwin/vmm/v1/ProbeReq.js';
import type { RawReq as _iommutwin_vmm_v1_RawReq, RawReq__Output as _iommutwin_vmm_v1_RawReq__Output } from '../../../iommutwin/vmm/v1/RawReq.js';

/**
 * Request of VirtioIommuRequest.
 */
export interface VirtioIommuRequestRequest {
  /**
   * The VM (VmSpec.name).
   */
  'vm'?: (string);
  /**
   * ATTACH.
   */
  'attach'?: (_iommutwin_vmm_v1_AttachReq | null);
  /**
   * DETACH.
   */
  'detach'?: (_iommutwin_vmm_v1_DetachReq | null);
  /**
   * MAP.
   */
  'map'?: (_iommutwin_vmm_v1_MapReq | null);
  /**
   * UNMAP.
   */
  'unmap'?: (_iommutwin_vmm_v1_UnmapReq | null);
  /**
   * PROBE.
   */
  'probe'?: (_iommutwin_vmm_v1_ProbeReq | null);
  /**
   * Any request as bytes.
   */
  'raw'?: (_iommutwin_vmm_v1_RawReq | null);
  /**
   * The request.
   */
  'req'?: "attach"|"detach"|"map"|"unmap"|"probe"|"raw";
}

/**
 * Request of VirtioIommuRequest.
 */
export interface VirtioIommuRequestRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'vm': (string);
  /**
   * ATTACH.
   */
  'attach'?: (_iommutwin_vmm_v1_AttachReq__Output | null);
  /**
   * DETACH.
   */
  'detach'?: (_iommutwin_vmm_v1_DetachReq__Output | null);
  /**
   * MAP.
   */
  'map'?: (_iommutwin_vmm_v1_MapReq__Output | null);
  /**
   * UNMAP.
   */
  'unmap'?: (_iommutwin_vmm_v1_UnmapReq__Output | null);
  /**
   * PROBE.
   */
  'probe'?: (_iommutwin_vmm_v1_ProbeReq__Output | null);
  /**
   * Any request as bytes.
   */
  'raw'?: (_iommutwin_vmm_v1_RawReq__Output | null);
  /**
   * The request.
   */
  'req'?: "attach"|"detach"|"map"|"unmap"|"probe"|"raw";
}
