// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Response of Munmap.
 */
export interface MunmapResponse {
}

/**
 * Response of Munmap.
 */
export interface MunmapResponse__Output {
}
