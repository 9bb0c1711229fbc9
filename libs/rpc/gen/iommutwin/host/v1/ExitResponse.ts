// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Response of Exit.
 */
export interface ExitResponse {
}

/**
 * Response of Exit.
 */
export interface ExitResponse__Output {
}
