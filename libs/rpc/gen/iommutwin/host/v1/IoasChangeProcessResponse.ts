// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Response of IoasChangeProcess.
 */
export interface IoasChangeProcessResponse {
}

/**
 * Response of IoasChangeProcess.
 */
export interface IoasChangeProcessResponse__Output {
}
