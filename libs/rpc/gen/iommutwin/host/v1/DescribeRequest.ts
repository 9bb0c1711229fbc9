// Original file: proto/iommutwin/host/v1/platform.proto


/**
 * Request of Describe.
 */
export interface DescribeRequest {
}

/**
 * Request of Describe.
 */
export interface DescribeRequest__Output {
}
