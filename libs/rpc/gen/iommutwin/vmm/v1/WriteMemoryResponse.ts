// Original file: proto/iommutwin/vmm/v1/guest.proto


export interface WriteMemoryResponse {
}

export interface WriteMemoryResponse__Output {
}
