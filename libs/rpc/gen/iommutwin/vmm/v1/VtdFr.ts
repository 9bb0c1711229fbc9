// Original file: proto/iommutwin/vmm/v1/types.proto

/**
 * VT-d fault reasons (QEMU's VTDFaultReason, the VT-d spec's FR codes): VtdFault.reason and
 * VtdDeviceChain.fault (a uint32 on the wire).
 */
export const VtdFr = {
  /**
   * 0: no fault (QEMU's reserved value).
   */
  VTD_FR_RESERVED: 'VTD_FR_RESERVED',
  /**
   * Root entry not present.
   */
  VTD_FR_ROOT_ENTRY_P: 'VTD_FR_ROOT_ENTRY_P',
  /**
   * Context entry not present.
   */
  VTD_FR_CONTEXT_ENTRY_P: 'VTD_FR_CONTEXT_ENTRY_P',
  /**
   * Invalid programming of a context entry.
   */
  VTD_FR_CONTEXT_ENTRY_INV: 'VTD_FR_CONTEXT_ENTRY_INV',
  /**
   * Input address above the guest address width.
   */
  VTD_FR_ADDR_BEYOND_MGAW: 'VTD_FR_ADDR_BEYOND_MGAW',
  /**
   * Write without write permission.
   */
  VTD_FR_WRITE: 'VTD_FR_WRITE',
  /**
   * Read without read permission.
   */
  VTD_FR_READ: 'VTD_FR_READ',
  /**
   * Invalid paging entry (second stage).
   */
  VTD_FR_PAGING_ENTRY_INV: 'VTD_FR_PAGING_ENTRY_INV',
  /**
   * Root table address invalid.
   */
  VTD_FR_ROOT_TABLE_INV: 'VTD_FR_ROOT_TABLE_INV',
  /**
   * Context table pointer invalid.
   */
  VTD_FR_CONTEXT_TABLE_INV: 'VTD_FR_CONTEXT_TABLE_INV',
  /**
   * Reserved bits set in a root entry.
   */
  VTD_FR_ROOT_ENTRY_RSVD: 'VTD_FR_ROOT_ENTRY_RSVD',
  /**
   * Reserved bits set in a context entry.
   */
  VTD_FR_CONTEXT_ENTRY_RSVD: 'VTD_FR_CONTEXT_ENTRY_RSVD',
  /**
   * Reserved bits set in a paging entry.
   */
  VTD_FR_PAGING_ENTRY_RSVD: 'VTD_FR_PAGING_ENTRY_RSVD',
  /**
   * Invalid translation type in a context entry.
   */
  VTD_FR_CONTEXT_ENTRY_TT: 'VTD_FR_CONTEXT_ENTRY_TT',
  /**
   * A DMA write to the interrupt address range.
   */
  VTD_FR_INTERRUPT_ADDR: 'VTD_FR_INTERRUPT_ADDR',
  /**
   * Interrupt remapping: reserved field set in the request.
   */
  VTD_FR_IR_REQ_RSVD: 'VTD_FR_IR_REQ_RSVD',
  /**
   * Interrupt remapping: index beyond the table size.
   */
  VTD_FR_IR_INDEX_OVER: 'VTD_FR_IR_INDEX_OVER',
  /**
   * Interrupt remapping: IRTE not present.
   */
  VTD_FR_IR_ENTRY_P: 'VTD_FR_IR_ENTRY_P',
  /**
   * Interrupt remapping: table address invalid.
   */
  VTD_FR_IR_ROOT_INVAL: 'VTD_FR_IR_ROOT_INVAL',
  /**
   * Interrupt remapping: reserved bits set in the IRTE.
   */
  VTD_FR_IR_IRTE_RSVD: 'VTD_FR_IR_IRTE_RSVD',
  /**
   * Interrupt remapping: compatibility-format request blocked.
   */
  VTD_FR_IR_REQ_COMPAT: 'VTD_FR_IR_REQ_COMPAT',
  /**
   * Interrupt remapping: source-id check failed.
   */
  VTD_FR_IR_SID_ERR: 'VTD_FR_IR_SID_ERR',
  /**
   * RTADDR.TTM invalid (scalable mode without ECAP.SMTS).
   */
  VTD_FR_RTADDR_INV_TTM: 'VTD_FR_RTADDR_INV_TTM',
  /**
   * Scalable mode: the PRE bit of a present scalable-mode context entry is 0.
   */
  VTD_FR_SM_PRE_ABS: 'VTD_FR_SM_PRE_ABS',
  /**
   * Scalable mode: error accessing the PASID directory.
   */
  VTD_FR_PASID_DIR_ACCESS_ERR: 'VTD_FR_PASID_DIR_ACCESS_ERR',
  /**
   * Scalable mode: PASID directory entry not present.
   */
  VTD_FR_PASID_DIR_ENTRY_P: 'VTD_FR_PASID_DIR_ENTRY_P',
  /**
   * Scalable mode: error accessing the PASID table.
   */
  VTD_FR_PASID_TABLE_ACCESS_ERR: 'VTD_FR_PASID_TABLE_ACCESS_ERR',
  /**
   * Scalable mode: PASID entry not present.
   */
  VTD_FR_PASID_ENTRY_P: 'VTD_FR_PASID_ENTRY_P',
  /**
   * Scalable mode: invalid PASID entry (e.g. PGTT invalid).
   */
  VTD_FR_PASID_TABLE_ENTRY_INV: 'VTD_FR_PASID_TABLE_ENTRY_INV',
  /**
   * First stage: invalid paging entry.
   */
  VTD_FR_FS_PAGING_ENTRY_INV: 'VTD_FR_FS_PAGING_ENTRY_INV',
  /**
   * First stage: paging entry not present.
   */
  VTD_FR_FS_PAGING_ENTRY_P: 'VTD_FR_FS_PAGING_ENTRY_P',
  /**
   * First stage: reserved bits set in a paging entry.
   */
  VTD_FR_FS_PAGING_ENTRY_RSVD: 'VTD_FR_FS_PAGING_ENTRY_RSVD',
  /**
   * First stage: invalid first-stage table pointer in the PASID entry.
   */
  VTD_FR_PASID_ENTRY_FSPTPTR_INV: 'VTD_FR_PASID_ENTRY_FSPTPTR_INV',
  /**
   * First stage: non-canonical input address.
   */
  VTD_FR_FS_NON_CANONICAL: 'VTD_FR_FS_NON_CANONICAL',
  /**
   * First stage: user access to a supervisor page.
   */
  VTD_FR_FS_PAGING_ENTRY_US: 'VTD_FR_FS_PAGING_ENTRY_US',
  /**
   * Scalable mode: write without write permission.
   */
  VTD_FR_SM_WRITE: 'VTD_FR_SM_WRITE',
  /**
   * Scalable mode: a DMA write to the interrupt address range.
   */
  VTD_FR_SM_INTERRUPT_ADDR: 'VTD_FR_SM_INTERRUPT_ADDR',
  /**
   * First stage: the A/D bit update failed.
   */
  VTD_FR_FS_BIT_UPDATE_FAILED: 'VTD_FR_FS_BIT_UPDATE_FAILED',
} as const;

/**
 * VT-d fault reasons (QEMU's VTDFaultReason, the VT-d spec's FR codes): VtdFault.reason and
 * VtdDeviceChain.fault (a uint32 on the wire).
 */
export type VtdFr =
  /**
   * 0: no fault (QEMU's reserved value).
   */
  | 'VTD_FR_RESERVED'
  | 0
  /**
   * Root entry not present.
   */
  | 'VTD_FR_ROOT_ENTRY_P'
  | 1
  /**
   * Context entry not present.
   */
  | 'VTD_FR_CONTEXT_ENTRY_P'
  | 2
  /**
   * Invalid programming of a context entry.
   */
  | 'VTD_FR_CONTEXT_ENTRY_INV'
  | 3
  /**
   * Input address above the guest address width.
   */
  | 'VTD_FR_ADDR_BEYOND_MGAW'
  | 4
  /**
   * Write without write permission.
   */
  | 'VTD_FR_WRITE'
  | 5
  /**
   * Read without read permission.
   */
  | 'VTD_FR_READ'
  | 6
  /**
   * Invalid paging entry (second stage).
   */
  | 'VTD_FR_PAGING_ENTRY_INV'
  | 7
  /**
   * Root table address invalid.
   */
  | 'VTD_FR_ROOT_TABLE_INV'
  | 8
  /**
   * Context table pointer invalid.
   */
  | 'VTD_FR_CONTEXT_TABLE_INV'
  | 9
  /**
   * Reserved bits set in a root entry.
   */
  | 'VTD_FR_ROOT_ENTRY_RSVD'
  | 10
  /**
   * Reserved bits set in a context entry.
   */
  | 'VTD_FR_CONTEXT_ENTRY_RSVD'
  | 11
  /**
   * Reserved bits set in a paging entry.
   */
  | 'VTD_FR_PAGING_ENTRY_RSVD'
  | 12
  /**
   * Invalid translation type in a context entry.
   */
  | 'VTD_FR_CONTEXT_ENTRY_TT'
  | 13
  /**
   * A DMA write to the interrupt address range.
   */
  | 'VTD_FR_INTERRUPT_ADDR'
  | 14
  /**
   * Interrupt remapping: reserved field set in the request.
   */
  | 'VTD_FR_IR_REQ_RSVD'
  | 32
  /**
   * Interrupt remapping: index beyond the table size.
   */
  | 'VTD_FR_IR_INDEX_OVER'
  | 33
  /**
   * Interrupt remapping: IRTE not present.
   */
  | 'VTD_FR_IR_ENTRY_P'
  | 34
  /**
   * Interrupt remapping: table address invalid.
   */
  | 'VTD_FR_IR_ROOT_INVAL'
  | 35
  /**
   * Interrupt remapping: reserved bits set in the IRTE.
   */
  | 'VTD_FR_IR_IRTE_RSVD'
  | 36
  /**
   * Interrupt remapping: compatibility-format request blocked.
   */
  | 'VTD_FR_IR_REQ_COMPAT'
  | 37
  /**
   * Interrupt remapping: source-id check failed.
   */
  | 'VTD_FR_IR_SID_ERR'
  | 38
  /**
   * RTADDR.TTM invalid (scalable mode without ECAP.SMTS).
   */
  | 'VTD_FR_RTADDR_INV_TTM'
  | 49
  /**
   * Scalable mode: the PRE bit of a present scalable-mode context entry is 0.
   */
  | 'VTD_FR_SM_PRE_ABS'
  | 71
  /**
   * Scalable mode: error accessing the PASID directory.
   */
  | 'VTD_FR_PASID_DIR_ACCESS_ERR'
  | 80
  /**
   * Scalable mode: PASID directory entry not present.
   */
  | 'VTD_FR_PASID_DIR_ENTRY_P'
  | 81
  /**
   * Scalable mode: error accessing the PASID table.
   */
  | 'VTD_FR_PASID_TABLE_ACCESS_ERR'
  | 88
  /**
   * Scalable mode: PASID entry not present.
   */
  | 'VTD_FR_PASID_ENTRY_P'
  | 89
  /**
   * Scalable mode: invalid PASID entry (e.g. PGTT invalid).
   */
  | 'VTD_FR_PASID_TABLE_ENTRY_INV'
  | 91
  /**
   * First stage: invalid paging entry.
   */
  | 'VTD_FR_FS_PAGING_ENTRY_INV'
  | 112
  /**
   * First stage: paging entry not present.
   */
  | 'VTD_FR_FS_PAGING_ENTRY_P'
  | 113
  /**
   * First stage: reserved bits set in a paging entry.
   */
  | 'VTD_FR_FS_PAGING_ENTRY_RSVD'
  | 114
  /**
   * First stage: invalid first-stage table pointer in the PASID entry.
   */
  | 'VTD_FR_PASID_ENTRY_FSPTPTR_INV'
  | 115
  /**
   * First stage: non-canonical input address.
   */
  | 'VTD_FR_FS_NON_CANONICAL'
  | 128
  /**
   * First stage: user access to a supervisor page.
   */
  | 'VTD_FR_FS_PAGING_ENTRY_US'
  | 129
  /**
   * Scalable mode: write without write permission.
   */
  | 'VTD_FR_SM_WRITE'
  | 133
  /**
   * Scalable mode: a DMA write to the interrupt address range.
   */
  | 'VTD_FR_SM_INTERRUPT_ADDR'
  | 135
  /**
   * First stage: the A/D bit update failed.
   */
  | 'VTD_FR_FS_BIT_UPDATE_FAILED'
  | 145

/**
 * VT-d fault reasons (QEMU's VTDFaultReason, the VT-d spec's FR codes): VtdFault.reason and
 * VtdDeviceChain.fault (a uint32 on the wire).
 */
export type VtdFr__Output = typeof VtdFr[keyof typeof VtdFr]
