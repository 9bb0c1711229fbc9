// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Response of ContainerSetIommu.
 */
export interface ContainerSetIommuResponse {
}

/**
 * Response of ContainerSetIommu.
 */
export interface ContainerSetIommuResponse__Output {
}
