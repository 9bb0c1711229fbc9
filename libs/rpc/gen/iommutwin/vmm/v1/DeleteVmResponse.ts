// Original file: proto/iommutwin/vmm/v1/vmm.proto


/**
 * Response of DeleteVm.
 */
export interface DeleteVmResponse {
}

/**
 * Response of DeleteVm.
 */
export interface DeleteVmResponse__Output {
}
