// Original file: proto/iommutwin/vmm/v1/vmm.proto


export interface StopVmResponse {
}

export interface StopVmResponse__Output {
}
