// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { VmSpec as _iommutwin_vmm_v1_VmSpec, VmSpec__Output as _iommutwin_vmm_v1_VmSpec__Output } from '../../../iommutwin/vmm/v1/VmSpec.js';

/**
 * Request of CreateVm.
 */
export interface CreateVmRequest {
  /**
   * The VM to define.
   */
  'spec'?: (_iommutwin_vmm_v1_VmSpec | null);
  /**
   * Prepare the VM as a live-migration destination (QEMU's -incoming): state INCOMING, a host
   * process but no guest running; StartVm only records its passed fds; a Migrate to this vmm
   * fills it and resumes it.
   */
  'incoming'?: (boolean);
}

/**
 * Request of CreateVm.
 */
export interface CreateVmRequest__Output {
  /**
   * The VM to define.
   */
  'spec': (_iommutwin_vmm_v1_VmSpec__Output | null);
  /**
   * Prepare the VM as a live-migration destination (QEMU's -incoming): state INCOMING, a host
   * process but no guest running; StartVm only records its passed fds; a Migrate to this vmm
   * fills it and resumes it.
   */
  'incoming': (boolean);
}
