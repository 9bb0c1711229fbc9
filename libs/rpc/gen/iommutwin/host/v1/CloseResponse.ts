// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Response of Close.
 */
export interface CloseResponse {
}

/**
 * Response of Close.
 */
export interface CloseResponse__Output {
}
