// Original file: proto/iommutwin/host/v1/iommufd.proto


/**
 * Response of HwptSetDirtyTracking.
 */
export interface HwptSetDirtyTrackingResponse {
}

/**
 * Response of HwptSetDirtyTracking.
 */
export interface HwptSetDirtyTrackingResponse__Output {
}
