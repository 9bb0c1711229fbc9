// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Response of GroupUnsetContainer.
 */
export interface GroupUnsetContainerResponse {
}

/**
 * Response of GroupUnsetContainer.
 */
export interface GroupUnsetContainerResponse__Output {
}
