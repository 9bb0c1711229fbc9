// Original file: proto/iommutwin/host/v1/platform.proto


/**
 * An IOMMU group.
 */
export interface IommuGroup {
  /**
   * Group number (`/dev/vfio/<group>`).
   */
  'id'?: (number);
  /**
   * IOMMU unit name.
   */
  'unit'?: (string);
  /**
   * Member BDFs.
   */
  'devices'?: (string)[];
  /**
   * VFIO_GROUP_FLAGS_VIABLE: every member is bound to vfio-pci or to no driver.
   */
  'viable'?: (boolean);
}

/**
 * An IOMMU group.
 */
export interface IommuGroup__Output {
  /**
   * Group number (`/dev/vfio/<group>`).
   */
  'id': (number);
  /**
   * IOMMU unit name.
   */
  'unit': (string);
  /**
   * Member BDFs.
   */
  'devices': (string)[];
  /**
   * VFIO_GROUP_FLAGS_VIABLE: every member is bound to vfio-pci or to no driver.
   */
  'viable': (boolean);
}
