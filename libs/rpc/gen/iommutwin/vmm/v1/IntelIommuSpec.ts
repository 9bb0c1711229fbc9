// Original file: proto/iommutwin/vmm/v1/types.proto


/**
 * Guest-visible intel-iommu settings (QEMU's intel-iommu properties). They fix VER/CAP/ECAP,
 * never the host. Unset optional fields take QEMU's defaults; the combination is checked as
 * QEMU's vtd_decide_config / vtd_realize check it (INVALID_ARGUMENT BAD_VIOMMU, every violation
 * in the message).
 */
export interface IntelIommuSpec {
  /**
   * Guest address width (`aw-bits`): 39 (3-level) or 48 (4-level); 48 only with flts. 0 = 48.
   */
  'aw_bits'?: (number);
  /**
   * `caching-mode`: CAP.CM; required for assigned devices with the EMULATED backend.
   */
  'caching_mode'?: (boolean);
  /**
   * `x-scalable-mode`: scalable-mode root/context/PASID tables (ECAP.SMTS).
   */
  'scalable_mode'?: (boolean);
  /**
   * `x-flts`: first-stage translation (ECAP.FSTS, no SSTS) = the NESTED backend; needs scalable_mode.
   */
  'flts'?: (boolean);
  /**
   * `x-pasid-mode` width: 0 = no PASID support (ECAP.PASID clear); else PASID bits (needs
   * scalable_mode; ECAP.PSS = pasid_bits - 1).
   */
  'pasid_bits'?: (number);
  /**
   * `device-iotlb`: ECAP.DT.
   */
  'device_iotlb'?: (boolean);
  /**
   * `dma-drain`: CAP.DRD/DWD. Unset = true (QEMU's default); scalable_mode requires it.
   */
  'dma_drain'?: (boolean);
  /**
   * `snoop-control`: ECAP.SC. Assigned devices are then refused (QEMU: "Snoop Control with vhost
   * or VFIO is not supported").
   */
  'snoop_control'?: (boolean);
  '_dma_drain'?: "dma_drain";
}

/**
 * Guest-visible intel-iommu settings (QEMU's intel-iommu properties). They fix VER/CAP/ECAP,
 * never the host. Unset optional fields take QEMU's defaults; the combination is checked as
 * QEMU's vtd_decide_config / vtd_realize check it (INVALID_ARGUMENT BAD_VIOMMU, every violation
 * in the message).
 */
export interface IntelIommuSpec__Output {
  /**
   * Guest address width (`aw-bits`): 39 (3-level) or 48 (4-level); 48 only with flts. 0 = 48.
   */
  'aw_bits': (number);
  /**
   * `caching-mode`: CAP.CM; required for assigned devices with the EMULATED backend.
   */
  'caching_mode': (boolean);
  /**
   * `x-scalable-mode`: scalable-mode root/context/PASID tables (ECAP.SMTS).
   */
  'scalable_mode': (boolean);
  /**
   * `x-flts`: first-stage translation (ECAP.FSTS, no SSTS) = the NESTED backend; needs scalable_mode.
   */
  'flts': (boolean);
  /**
   * `x-pasid-mode` width: 0 = no PASID support (ECAP.PASID clear); else PASID bits (needs
   * scalable_mode; ECAP.PSS = pasid_bits - 1).
   */
  'pasid_bits': (number);
  /**
   * `device-iotlb`: ECAP.DT.
   */
  'device_iotlb': (boolean);
  /**
   * `dma-drain`: CAP.DRD/DWD. Unset = true (QEMU's default); scalable_mode requires it.
   */
  'dma_drain'?: (boolean);
  /**
   * `snoop-control`: ECAP.SC. Assigned devices are then refused (QEMU: "Snoop Control with vhost
   * or VFIO is not supported").
   */
  'snoop_control': (boolean);
  '_dma_drain'?: "dma_drain";
}
