// Original file: proto/iommutwin/vmm/v1/vmm.proto


/**
 * Response of StopVm.
 */
export interface StopVmResponse {
}

/**
 * Response of StopVm.
 */
export interface StopVmResponse__Output {
}
