// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Response of Chmod.
 */
export interface ChmodResponse {
}

/**
 * Response of Chmod.
 */
export interface ChmodResponse__Output {
}
