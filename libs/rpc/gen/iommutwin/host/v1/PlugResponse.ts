// Original file: proto/iommutwin/host/v1/platform.proto


/**
 * Response of Plug.
 */
export interface PlugResponse {
}

/**
 * Response of Plug.
 */
export interface PlugResponse__Output {
}
