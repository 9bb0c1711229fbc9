// Original file: proto/iommutwin/vmm/v1/types.proto

/**
 * SMMUv3 event ids (QEMU's SMMUEventType, the Arm SMMUv3 EVT_* codes): SmmuFault.event_id (a
 * uint32 on the wire).
 */
export const SmmuEvt = {
  /**
   * No event (the access was aborted without one).
   */
  SMMU_EVT_NONE: 'SMMU_EVT_NONE',
  /**
   * Unsupported upstream transaction.
   */
  SMMU_EVT_F_UUT: 'SMMU_EVT_F_UUT',
  /**
   * StreamID out of range.
   */
  SMMU_EVT_C_BAD_STREAMID: 'SMMU_EVT_C_BAD_STREAMID',
  /**
   * External abort fetching the STE.
   */
  SMMU_EVT_F_STE_FETCH: 'SMMU_EVT_F_STE_FETCH',
  /**
   * Invalid STE.
   */
  SMMU_EVT_C_BAD_STE: 'SMMU_EVT_C_BAD_STE',
  /**
   * Bad ATS translation request.
   */
  SMMU_EVT_F_BAD_ATS_TREQ: 'SMMU_EVT_F_BAD_ATS_TREQ',
  /**
   * Stream disabled: the STE's configuration refuses the transaction.
   */
  SMMU_EVT_F_STREAM_DISABLED: 'SMMU_EVT_F_STREAM_DISABLED',
  /**
   * Translation forbidden (ATS-translated traffic not allowed).
   */
  SMMU_EVT_F_TRANS_FORBIDDEN: 'SMMU_EVT_F_TRANS_FORBIDDEN',
  /**
   * SubstreamID out of range or not allowed.
   */
  SMMU_EVT_C_BAD_SUBSTREAMID: 'SMMU_EVT_C_BAD_SUBSTREAMID',
  /**
   * External abort fetching the CD.
   */
  SMMU_EVT_F_CD_FETCH: 'SMMU_EVT_F_CD_FETCH',
  /**
   * Invalid CD.
   */
  SMMU_EVT_C_BAD_CD: 'SMMU_EVT_C_BAD_CD',
  /**
   * External abort during a table walk.
   */
  SMMU_EVT_F_WALK_EABT: 'SMMU_EVT_F_WALK_EABT',
  /**
   * Translation fault (no valid descriptor).
   */
  SMMU_EVT_F_TRANSLATION: 'SMMU_EVT_F_TRANSLATION',
  /**
   * Address size fault.
   */
  SMMU_EVT_F_ADDR_SIZE: 'SMMU_EVT_F_ADDR_SIZE',
  /**
   * Access flag fault.
   */
  SMMU_EVT_F_ACCESS: 'SMMU_EVT_F_ACCESS',
  /**
   * Permission fault.
   */
  SMMU_EVT_F_PERMISSION: 'SMMU_EVT_F_PERMISSION',
  /**
   * TLB conflict.
   */
  SMMU_EVT_F_TLB_CONFLICT: 'SMMU_EVT_F_TLB_CONFLICT',
  /**
   * Configuration cache conflict.
   */
  SMMU_EVT_F_CFG_CONFLICT: 'SMMU_EVT_F_CFG_CONFLICT',
  /**
   * Page request (PRI).
   */
  SMMU_EVT_E_PAGE_REQ: 'SMMU_EVT_E_PAGE_REQ',
} as const;

/**
 * SMMUv3 event ids (QEMU's SMMUEventType, the Arm SMMUv3 EVT_* codes): SmmuFault.event_id (a
 * uint32 on the wire).
 */
export type SmmuEvt =
  /**
   * No event (the access was aborted without one).
   */
  | 'SMMU_EVT_NONE'
  | 0
  /**
   * Unsupported upstream transaction.
   */
  | 'SMMU_EVT_F_UUT'
  | 1
  /**
   * StreamID out of range.
   */
  | 'SMMU_EVT_C_BAD_STREAMID'
  | 2
  /**
   * External abort fetching the STE.
   */
  | 'SMMU_EVT_F_STE_FETCH'
  | 3
  /**
   * Invalid STE.
   */
  | 'SMMU_EVT_C_BAD_STE'
  | 4
  /**
   * Bad ATS translation request.
   */
  | 'SMMU_EVT_F_BAD_ATS_TREQ'
  | 5
  /**
   * Stream disabled: the STE's configuration refuses the transaction.
   */
  | 'SMMU_EVT_F_STREAM_DISABLED'
  | 6
  /**
   * Translation forbidden (ATS-translated traffic not allowed).
   */
  | 'SMMU_EVT_F_TRANS_FORBIDDEN'
  | 7
  /**
   * SubstreamID out of range or not allowed.
   */
  | 'SMMU_EVT_C_BAD_SUBSTREAMID'
  | 8
  /**
   * External abort fetching the CD.
   */
  | 'SMMU_EVT_F_CD_FETCH'
  | 9
  /**
   * Invalid CD.
   */
  | 'SMMU_EVT_C_BAD_CD'
  | 10
  /**
   * External abort during a table walk.
   */
  | 'SMMU_EVT_F_WALK_EABT'
  | 11
  /**
   * Translation fault (no valid descriptor).
   */
  | 'SMMU_EVT_F_TRANSLATION'
  | 16
  /**
   * Address size fault.
   */
  | 'SMMU_EVT_F_ADDR_SIZE'
  | 17
  /**
   * Access flag fault.
   */
  | 'SMMU_EVT_F_ACCESS'
  | 18
  /**
   * Permission fault.
   */
  | 'SMMU_EVT_F_PERMISSION'
  | 19
  /**
   * TLB conflict.
   */
  | 'SMMU_EVT_F_TLB_CONFLICT'
  | 32
  /**
   * Configuration cache conflict.
   */
  | 'SMMU_EVT_F_CFG_CONFLICT'
  | 33
  /**
   * Page request (PRI).
   */
  | 'SMMU_EVT_E_PAGE_REQ'
  | 36

/**
 * SMMUv3 event ids (QEMU's SMMUEventType, the Arm SMMUv3 EVT_* codes): SmmuFault.event_id (a
 * uint32 on the wire).
 */
export type SmmuEvt__Output = typeof SmmuEvt[keyof typeof SmmuEvt]
