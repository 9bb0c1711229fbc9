// Original file: proto/iommutwin/host/v1/process.proto


/**
 * Request of MemfdCreate.
 */
export interface MemfdCreateRequest {
  /**
   * memfd name.
   */
  'name'?: (string);
  /**
   * memfd_create flags (MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, MFD_HUGETLB = 4, with the
   * huge page size in bits 26..31).
   */
  'flags'?: (number);
}

/**
 * Request of MemfdCreate.
 */
export interface MemfdCreateRequest__Output {
  /**
   * memfd name.
   */
  'name': (string);
  /**
   * memfd_create flags (MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, MFD_HUGETLB = 4, with the
   * huge page size in bits 26..31).
   */
  'flags': (number);
}
