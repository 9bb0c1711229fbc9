// Original file: proto/iommutwin/vmm/v1/vmm.proto


/**
 * Request of ListVms.
 */
export interface ListVmsRequest {
}

/**
 * Request of ListVms.
 */
export interface ListVmsRequest__Output {
}
