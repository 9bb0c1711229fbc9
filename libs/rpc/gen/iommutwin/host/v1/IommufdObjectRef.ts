// Original file: proto/iommutwin/host/v1/platform.proto


/**
 * An iommufd object of a process.
 */
export interface IommufdObjectRef {
  /**
   * The process holding the iommufd.
   */
  'pid'?: (number);
  /**
   * The iommufd fd in that process.
   */
  'fd'?: (number);
  /**
   * Object ID (IOAS, HWPT, device, vIOMMU, ...).
   */
  'id'?: (number);
}

/**
 * An iommufd object of a process.
 */
export interface IommufdObjectRef__Output {
  /**
   * The process holding the iommufd.
   */
  'pid': (number);
  /**
   * The iommufd fd in that process.
   */
  'fd': (number);
  /**
   * Object ID (IOAS, HWPT, device, vIOMMU, ...).
   */
  'id': (number);
}
