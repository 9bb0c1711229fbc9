// Original file: proto/iommutwin/vmm/v1/vmm.proto


/**
 * Request of GetHostCapabilities.
 */
export interface GetHostCapabilitiesRequest {
}

/**
 * Request of GetHostCapabilities.
 */
export interface GetHostCapabilitiesRequest__Output {
}
