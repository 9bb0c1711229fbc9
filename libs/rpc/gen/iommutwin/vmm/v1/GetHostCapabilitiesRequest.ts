// Original file: proto/iommutwin/vmm/v1/vmm.proto


export interface GetHostCapabilitiesRequest {
}

export interface GetHostCapabilitiesRequest__Output {
}
