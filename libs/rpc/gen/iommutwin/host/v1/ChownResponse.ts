// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Response of Chown.
 */
export interface ChownResponse {
}

/**
 * Response of Chown.
 */
export interface ChownResponse__Output {
}
