// Original file: proto/iommutwin/host/v1/process.proto


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
