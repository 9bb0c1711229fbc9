// Original file: proto/iommutwin/host/v1/platform.proto


/**
 * Response of SetDriver.
 */
export interface SetDriverResponse {
}

/**
 * Response of SetDriver.
 */
export interface SetDriverResponse__Output {
}
