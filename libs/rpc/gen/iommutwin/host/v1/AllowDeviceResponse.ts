// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Response of AllowDevice.
 */
export interface AllowDeviceResponse {
}

/**
 * Response of AllowDevice.
 */
export interface AllowDeviceResponse__Output {
}
