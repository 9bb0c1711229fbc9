// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Response of Destroy.
 */
export interface DestroyResponse {
}

/**
 * Response of Destroy.
 */
export interface DestroyResponse__Output {
}
