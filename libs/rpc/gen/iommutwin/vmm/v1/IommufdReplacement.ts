// Original file: proto/iommutwin/vmm/v1/vmm.proto


/**
 * Whether iommufd can replace the legacy container for a VM spec on this host.
 */
export interface IommufdReplacement {
  /**
   * true when every assigned device of the spec could use iommufd here with everything the spec
   * asks of it (P2P included).
   */
  'possible'?: (boolean);
  /**
   * Every reason it cannot (empty when possible).
   */
  'reasons'?: (string)[];
  /**
   * Device id → where the vmm places it on this host as the spec stands: "iommufd",
   * "iommufd + dma-buf P2P", "legacy container (native-type1)", "legacy container
   * (iommufd-compat)", or "refused: <why>".
   */
  'placement'?: ({[key: string]: string});
}

/**
 * Whether iommufd can replace the legacy container for a VM spec on this host.
 */
export interface IommufdReplacement__Output {
  /**
   * true when every assigned device of the spec could use iommufd here with everything the spec
   * asks of it (P2P included).
   */
  'possible': (boolean);
  /**
   * Every reason it cannot (empty when possible).
   */
  'reasons': (string)[];
  /**
   * Device id → where the vmm places it on this host as the spec stands: "iommufd",
   * "iommufd + dma-buf P2P", "legacy container (native-type1)", "legacy container
   * (iommufd-compat)", or "refused: <why>".
   */
  'placement': ({[key: string]: string});
}
