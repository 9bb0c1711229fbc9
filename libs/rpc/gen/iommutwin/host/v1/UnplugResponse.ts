// Original file: proto/iommutwin/host/v1/platform.proto


/**
 * Response of Unplug.
 */
export interface UnplugResponse {
}

/**
 * Response of Unplug.
 */
export interface UnplugResponse__Output {
}
