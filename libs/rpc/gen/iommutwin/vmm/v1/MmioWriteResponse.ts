// Original file: proto/iommutwin/vmm/v1/guest.proto


/**
 * Response of MmioWrite.
 */
export interface MmioWriteResponse {
}

/**
 * Response of MmioWrite.
 */
export interface MmioWriteResponse__Output {
}
