// Original file: proto/iommutwin/vmm/v1/types.proto


/**
 * Host objects backing one assigned device (for inspection).
 */
export interface HostObjects {
  'iommufd'?: (number);
  'device_fd'?: (number);
  'dev_id'?: (number);
  'ioas_ids'?: (number)[];
  'hwpt_ids'?: (number)[];
}

/**
 * Host objects backing one assigned device (for inspection).
 */
export interface HostObjects__Output {
  'iommufd': (number);
  'device_fd': (number);
  'dev_id': (number);
  'ioas_ids': (number)[];
  'hwpt_ids': (number)[];
}
