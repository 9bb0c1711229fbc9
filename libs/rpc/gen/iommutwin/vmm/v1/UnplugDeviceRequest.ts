// Original file: proto/iommutwin/vmm/v1/vmm.proto


/**
 * Request of UnplugDevice.
 */
export interface UnplugDeviceRequest {
  /**
   * The VM (VmSpec.name).
   */
  'name'?: (string);
  /**
   * The device (DeviceSpec.id).
   */
  'device_id'?: (string);
}

/**
 * Request of UnplugDevice.
 */
export interface UnplugDeviceRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'name': (string);
  /**
   * The device (DeviceSpec.id).
   */
  'device_id': (string);
}
