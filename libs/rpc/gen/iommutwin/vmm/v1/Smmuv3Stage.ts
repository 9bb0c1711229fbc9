// Original file: proto/iommutwin/vmm/v1/types.proto

/**
 * The translation stages an SMMUv3 offers (QEMU's `stage` property: "1", "2", "nested").
 */
export const Smmuv3Stage = {
  /**
   * Not set: stage 1, QEMU's default.
   */
  SMMUV3_STAGE_UNSPECIFIED: 'SMMUV3_STAGE_UNSPECIFIED',
  /**
   * Stage 1 only (IDR0.S1P).
   */
  SMMUV3_STAGE_1: 'SMMUV3_STAGE_1',
  /**
   * Stage 2 only (IDR0.S2P).
   */
  SMMUV3_STAGE_2: 'SMMUV3_STAGE_2',
  /**
   * Both stages (IDR0.S1P and S2P); refused with accel ("Only stage1 is supported for SMMUv3
   * with accel=on").
   */
  SMMUV3_STAGE_NESTED: 'SMMUV3_STAGE_NESTED',
} as const;

/**
 * The translation stages an SMMUv3 offers (QEMU's `stage` property: "1", "2", "nested").
 */
export type Smmuv3Stage =
  /**
   * Not set: stage 1, QEMU's default.
   */
  | 'SMMUV3_STAGE_UNSPECIFIED'
  | 0
  /**
   * Stage 1 only (IDR0.S1P).
   */
  | 'SMMUV3_STAGE_1'
  | 1
  /**
   * Stage 2 only (IDR0.S2P).
   */
  | 'SMMUV3_STAGE_2'
  | 2
  /**
   * Both stages (IDR0.S1P and S2P); refused with accel ("Only stage1 is supported for SMMUv3
   * with accel=on").
   */
  | 'SMMUV3_STAGE_NESTED'
  | 3

/**
 * The translation stages an SMMUv3 offers (QEMU's `stage` property: "1", "2", "nested").
 */
export type Smmuv3Stage__Output = typeof Smmuv3Stage[keyof typeof Smmuv3Stage]
