// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { AttachReq as _iommutwin_vmm_v1_AttachReq, AttachReq__Output as _iommutwin_vmm_v1_AttachReq__Output } from '../../../iommutwin/vmm/v1/AttachReq.js';
import type { DetachReq as _iommutwin_vmm_v1_DetachReq, DetachReq__Output as _iommutwin_vmm_v1_DetachReq__Output } from '../../../iommutwin/vmm/v1/DetachReq.js';
import type { MapReq as _iommutwin_vmm_v1_MapReq, MapReq__Output as _iommutwin_vmm_v1_MapReq__Output } from '../../../iommutwin/vmm/v1/MapReq.js';
import type { UnmapReq as _iommutwin_vmm_v1_UnmapReq, UnmapReq__Output as _iommutwin_vmm_v1_UnmapReq__Output } from '../../../iommutwin/vmm/v1/UnmapReq.js';
import type { ProbeReq as _iommutwin_vmm_v1_ProbeReq, ProbeReq__Output as _iommutwin_vmm_v1_ProbeReq__Output } from '../../../iommutwin/vmm/v1/ProbeReq.js';
import type { RawReq as _iommutwin_vmm_v1_RawReq, RawReq__Output as _iommutwin_vmm_v1_RawReq__Output } from '../../../iommutwin/vmm/v1/RawReq.js';

export interface VirtioIommuRequestRequest {
  'vm'?: (string);
  'attach'?: (_iommutwin_vmm_v1_AttachReq | null);
  'detach'?: (_iommutwin_vmm_v1_DetachReq | null);
  'map'?: (_iommutwin_vmm_v1_MapReq | null);
  'unmap'?: (_iommutwin_vmm_v1_UnmapReq | null);
  'probe'?: (_iommutwin_vmm_v1_ProbeReq | null);
  'raw'?: (_iommutwin_vmm_v1_RawReq | null);
  'req'?: "attach"|"detach"|"map"|"unmap"|"probe"|"raw";
}

export interface VirtioIommuRequestRequest__Output {
  'vm': (string);
  'attach'?: (_iommutwin_vmm_v1_AttachReq__Output | null);
  'detach'?: (_iommutwin_vmm_v1_DetachReq__Output | null);
  'map'?: (_iommutwin_vmm_v1_MapReq__Output | null);
  'unmap'?: (_iommutwin_vmm_v1_UnmapReq__Output | null);
  'probe'?: (_iommutwin_vmm_v1_ProbeReq__Output | null);
  'raw'?: (_iommutwin_vmm_v1_RawReq__Output | null);
  'req'?: "attach"|"detach"|"map"|"unmap"|"probe"|"raw";
}
