// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Response of GroupGetStatus.
 */
export interface GroupGetStatusResponse {
  /**
   * VFIO_GROUP_FLAGS_VIABLE = 1, VFIO_GROUP_FLAGS_CONTAINER_SET = 2.
   */
  'flags'?: (number);
}

/**
 * Response of GroupGetStatus.
 */
export interface GroupGetStatusResponse__Output {
  /**
   * VFIO_GROUP_FLAGS_VIABLE = 1, VFIO_GROUP_FLAGS_CONTAINER_SET = 2.
   */
  'flags': (number);
}
