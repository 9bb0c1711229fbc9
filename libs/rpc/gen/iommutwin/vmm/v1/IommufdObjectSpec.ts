// Original file: proto/iommutwin/vmm/v1/types.proto


/**
 * An iommufd object of the VM (like -object iommufd,id=...,fd=...).
 */
export interface IommufdObjectSpec {
  /**
   * The object's id, referenced by VfioDeviceSpec.iommufd and by StartVmRequest.passed_fds.
   */
  'id'?: (string);
  /**
   * fd already passed into the VM's host process (also settable at StartVm via passed_fds).
   */
  'fd'?: (number);
  '_fd'?: "fd";
}

/**
 * An iommufd object of the VM (like -object iommufd,id=...,fd=...).
 */
export interface IommufdObjectSpec__Output {
  /**
   * The object's id, referenced by VfioDeviceSpec.iommufd and by StartVmRequest.passed_fds.
   */
  'id': (string);
  /**
   * fd already passed into the VM's host process (also settable at StartVm via passed_fds).
   */
  'fd'?: (number);
  '_fd'?: "fd";
}
