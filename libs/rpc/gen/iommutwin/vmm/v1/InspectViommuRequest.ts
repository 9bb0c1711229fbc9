// Original file: proto/iommutwin/vmm/v1/vmm.proto


/**
 * Request of InspectViommu.
 */
export interface InspectViommuRequest {
  /**
   * The VM (VmSpec.name).
   */
  'name'?: (string);
  /**
   * A requester id (bus << 8 | devfn, < 0x10000): also decode this device's entry chain
   * (SMMUv3: the StreamID whose STE and CD to decode).
   */
  'sid'?: (number);
  /**
   * With sid: the PASID whose PASID entry to decode (scalable mode; absent = requests without
   * PASID, i.e. PASID 0 / RID_PASID). Must be below 2^20. SMMUv3: the SubstreamID whose CD to
   * decode.
   */
  'pasid'?: (number);
  '_sid'?: "sid";
  '_pasid'?: "pasid";
}

/**
 * Request of InspectViommu.
 */
export interface InspectViommuRequest__Output {
  /**
   * The VM (VmSpec.name).
   */
  'name': (string);
  /**
   * A requester id (bus << 8 | devfn, < 0x10000): also decode this device's entry chain
   * (SMMUv3: the StreamID whose STE and CD to decode).
   */
  'sid'?: (number);
  /**
   * With sid: the PASID whose PASID entry to decode (scalable mode; absent = requests without
   * PASID, i.e. PASID 0 / RID_PASID). Must be below 2^20. SMMUv3: the SubstreamID whose CD to
   * decode.
   */
  'pasid'?: (number);
  '_sid'?: "sid";
  '_pasid'?: "pasid";
}
