// Original file: proto/iommutwin/host/v1/platform.proto


/**
 * Response of SetBarDecode.
 */
export interface SetBarDecodeResponse {
}

/**
 * Response of SetBarDecode.
 */
export interface SetBarDecodeResponse__Output {
}
