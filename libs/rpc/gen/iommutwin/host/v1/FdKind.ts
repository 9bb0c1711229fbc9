// Original file: proto/iommutwin/host/v1/process.proto

/**
 * The kind of open file an fd names.
 */
export const FdKind = {
  /**
   * Not set.
   */
  FD_KIND_UNSPECIFIED: 'FD_KIND_UNSPECIFIED',
  /**
   * dev/iommu.
   */
  FD_KIND_IOMMUFD: 'FD_KIND_IOMMUFD',
  /**
   * A VFIO device cdev (/dev/vfio/devices/vfioN) or a device fd from a group.
   */
  FD_KIND_VFIO_DEVICE: 'FD_KIND_VFIO_DEVICE',
  /**
   * A VFIO group (/dev/vfio/<group>).
   */
  FD_KIND_VFIO_GROUP: 'FD_KIND_VFIO_GROUP',
  /**
   * The legacy VFIO container (/dev/vfio/vfio).
   */
  FD_KIND_VFIO_CONTAINER: 'FD_KIND_VFIO_CONTAINER',
  /**
   * A memfd.
   */
  FD_KIND_MEMFD: 'FD_KIND_MEMFD',
  /**
   * A dma-buf exported by a VFIO device.
   */
  FD_KIND_DMABUF: 'FD_KIND_DMABUF',
  /**
   * An iommufd fault queue ([iommufd-pgfault]).
   */
  FD_KIND_FAULT_QUEUE: 'FD_KIND_FAULT_QUEUE',
  /**
   * An iommufd vEVENTQ ([iommufd-viommu-event]).
   */
  FD_KIND_VEVENTQ: 'FD_KIND_VEVENTQ',
  /**
   * A VFIO migration data fd (DeviceSetMigState of an arc that opens a data session).
   */
  FD_KIND_VFIO_MIG_DATA: 'FD_KIND_VFIO_MIG_DATA',
} as const;

/**
 * The kind of open file an fd names.
 */
export type FdKind =
  /**
   * Not set.
   */
  | 'FD_KIND_UNSPECIFIED'
  | 0
  /**
   * dev/iommu.
   */
  | 'FD_KIND_IOMMUFD'
  | 1
  /**
   * A VFIO device cdev (/dev/vfio/devices/vfioN) or a device fd from a group.
   */
  | 'FD_KIND_VFIO_DEVICE'
  | 2
  /**
   * A VFIO group (/dev/vfio/<group>).
   */
  | 'FD_KIND_VFIO_GROUP'
  | 3
  /**
   * The legacy VFIO container (/dev/vfio/vfio).
   */
  | 'FD_KIND_VFIO_CONTAINER'
  | 4
  /**
   * A memfd.
   */
  | 'FD_KIND_MEMFD'
  | 5
  /**
   * A dma-buf exported by a VFIO device.
   */
  | 'FD_KIND_DMABUF'
  | 6
  /**
   * An iommufd fault queue ([iommufd-pgfault]).
   */
  | 'FD_KIND_FAULT_QUEUE'
  | 7
  /**
   * An iommufd vEVENTQ ([iommufd-viommu-event]).
   */
  | 'FD_KIND_VEVENTQ'
  | 8
  /**
   * A VFIO migration data fd (DeviceSetMigState of an arc that opens a data session).
   */
  | 'FD_KIND_VFIO_MIG_DATA'
  | 9

/**
 * The kind of open file an fd names.
 */
export type FdKind__Output = typeof FdKind[keyof typeof FdKind]
