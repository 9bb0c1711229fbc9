// Original file: proto/iommutwin/host/v1/vfio.proto


/**
 * Response of DeviceDetachPt.
 */
export interface DeviceDetachPtResponse {
}

/**
 * Response of DeviceDetachPt.
 */
export interface DeviceDetachPtResponse__Output {
}
