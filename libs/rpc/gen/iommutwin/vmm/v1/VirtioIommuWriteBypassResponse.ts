// Original file: proto/iommutwin/vmm/v1/guest.proto


export interface VirtioIommuWriteBypassResponse {
}

export interface VirtioIommuWriteBypassResponse__Output {
}
