// Original file: proto/iommutwin/vmm/v1/guest.proto


/**
 * Response of VirtioIommuWriteBypass.
 */
export interface VirtioIommuWriteBypassResponse {
}

/**
 * Response of VirtioIommuWriteBypass.
 */
export interface VirtioIommuWriteBypassResponse__Output {
}
