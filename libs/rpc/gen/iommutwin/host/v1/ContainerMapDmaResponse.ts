// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Response of ContainerMapDma.
 */
export interface ContainerMapDmaResponse {
}

/**
 * Response of ContainerMapDma.
 */
export interface ContainerMapDmaResponse__Output {
}
