// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Response of IoasAllowIovas.
 */
export interface IoasAllowIovasResponse {
}

/**
 * Response of IoasAllowIovas.
 */
export interface IoasAllowIovasResponse__Output {
}
