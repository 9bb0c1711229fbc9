// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Response of GroupSetContainer.
 */
export interface GroupSetContainerResponse {
}

/**
 * Response of GroupSetContainer.
 */
export interface GroupSetContainerResponse__Output {
}
