// Original file: proto/iommutwin/vmm/v1/guest.proto


export interface MmioWriteResponse {
}

export interface MmioWriteResponse__Output {
}
