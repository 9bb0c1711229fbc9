// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Response of RespondFaults.
 */
export interface RespondFaultsResponse {
  /**
   * Number of responses applied.
   */
  'count'?: (number);
}

/**
 * Response of RespondFaults.
 */
export interface RespondFaultsResponse__Output {
  /**
   * Number of responses applied.
   */
  'count': (number);
}
