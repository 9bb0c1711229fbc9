// Original file: proto/iommutwin/vmm/v1/vmm.proto


export interface ListVmsRequest {
}

export interface ListVmsRequest__Output {
}
