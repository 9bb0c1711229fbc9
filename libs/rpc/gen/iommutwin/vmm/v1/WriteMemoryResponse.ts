// Original file: proto/iommutwin/vmm/v1/guest.proto


/**
 * Response of WriteMemory.
 */
export interface WriteMemoryResponse {
}

/**
 * Response of WriteMemory.
 */
export interface WriteMemoryResponse__Output {
}
