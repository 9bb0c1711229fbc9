// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Response of DeviceReset.
 */
export interface DeviceResetResponse {
}

/**
 * Response of DeviceReset.
 */
export interface DeviceResetResponse__Output {
}
