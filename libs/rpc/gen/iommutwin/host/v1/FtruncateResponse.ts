// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Response of Ftruncate.
 */
export interface FtruncateResponse {
}

/**
 * Response of Ftruncate.
 */
export interface FtruncateResponse__Output {
}
