// Original file: proto/iommutwin/vmm/v1/guest.proto


/**
 * An assigned device the host surprise-removed, removed from the guest (as a PCIe hot-removal the
 * guest sees: its slot is empty now).
 */
export interface DeviceRemoved {
  /**
   * DeviceSpec.id.
   */
  'device_id'?: (string);
  /**
   * The guest BDF it had.
   */
  'guest_bdf'?: (string);
  /**
   * Why (the host's DEVICE_UNPLUGGED message).
   */
  'reason'?: (string);
}

/**
 * An assigned device the host surprise-removed, removed from the guest (as a PCIe hot-removal the
 * guest sees: its slot is empty now).
 */
export interface DeviceRemoved__Output {
  /**
   * DeviceSpec.id.
   */
  'device_id': (string);
  /**
   * The guest BDF it had.
   */
  'guest_bdf': (string);
  /**
   * Why (the host's DEVICE_UNPLUGGED message).
   */
  'reason': (string);
}
