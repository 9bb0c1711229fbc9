// Original file: proto/iommutwin/host/v1/platform.proto


/**
 * Response of DeviceDmaBatch.
 * 
 * `results` packs one 16-byte little-endian record per request record, in order:
 * offset 0: u64 addr    (output physical address on success; the faulting iova otherwise)
 * offset 8: u32 status  (0 = translated, else the DmaFaultReason number)
 * offset 12: u32 info   (success: log2 of the leaf page size; fault: the walk level)
 */
export interface DeviceDmaBatchResponse {
  /**
   * Packed 16-byte result records.
   */
  'results'?: (Buffer | Uint8Array | string);
  /**
   * Number of records translated successfully.
   */
  'translated'?: (number);
  /**
   * Number of records that faulted.
   */
  'faults'?: (number);
}

/**
 * Response of DeviceDmaBatch.
 * 
 * `results` packs one 16-byte little-endian record per request record, in order:
 * offset 0: u64 addr    (output physical address on success; the faulting iova otherwise)
 * offset 8: u32 status  (0 = translated, else the DmaFaultReason number)
 * offset 12: u32 info   (success: log2 of the leaf page size; fault: the walk level)
 */
export interface DeviceDmaBatchResponse__Output {
  /**
   * Packed 16-byte result records.
   */
  'results': (Buffer);
  /**
   * Number of records translated successfully.
   */
  'translated': (number);
  /**
   * Number of records that faulted.
   */
  'faults': (number);
}
