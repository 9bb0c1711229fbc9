// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { Long } from '@grpc/proto-loader';

/**
 * One register or latched value of the SMMUv3 model, by QEMU's name (CR0, GBPA, STRTAB_BASE,
 * CMDQ_PROD, ...), for `ctl guest regs`.
 */
export interface Smmuv3Register {
  /**
   * The model's name of the value.
   */
  'name'?: (string);
  /**
   * Its value now (booleans as 0 or 1).
   */
  'value'?: (number | string | Long);
}

/**
 * One register or latched value of the SMMUv3 model, by QEMU's name (CR0, GBPA, STRTAB_BASE,
 * CMDQ_PROD, ...), for `ctl guest regs`.
 */
export interface Smmuv3Register__Output {
  /**
   * The model's name of the value.
   */
  'name': (string);
  /**
   * Its value now (booleans as 0 or 1).
   */
  'value': (string);
}
