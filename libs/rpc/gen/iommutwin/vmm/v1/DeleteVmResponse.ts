// Original file: proto/iommutwin/vmm/v1/vmm.proto


export interface DeleteVmResponse {
}

export interface DeleteVmResponse__Output {
}
