// Original file: proto/iommutwin/vmm/v1/vmm.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A device's translation structures read from guest RAM now (no cache), as the unit would.
 */
export interface VtdDeviceChain {
  /**
   * Source-id (bus << 8 | devfn), InspectViommuRequest.sid.
   */
  'sid'?: (number);
  /**
   * RTADDR.TTM was scalable when the root table pointer was last latched.
   */
  'scalable'?: (boolean);
  /**
   * The root entry (lo, hi); empty when it cannot be read.
   */
  'root_entry'?: (number | string | Long)[];
  /**
   * The context entry (2 or 4 words); empty when the chain stops before it.
   */
  'context_entry'?: (number | string | Long)[];
  /**
   * The PASID-directory entry (scalable mode).
   */
  'pasid_dir_entry'?: (number | string | Long);
  /**
   * The PASID entry (8 words, scalable mode).
   */
  'pasid_entry'?: (number | string | Long)[];
  /**
   * The fault reason (VT-d FR, a VtdFr value as a uint32) the chain stops with; 0 = none.
   */
  'fault'?: (number);
  /**
   * The domain id of the device's context / PASID entry.
   */
  'did'?: (number);
  /**
   * Legacy context TT or scalable PASID-entry PGTT.
   */
  'type'?: (number);
  /**
   * The page table a translation walks: base, levels, "first" or "second" stage; absent for
   * pass-through.
   */
  'table_base'?: (number | string | Long);
  /**
   * Levels of the page table walked (0 when there is none).
   */
  'table_levels'?: (number);
  /**
   * "first" or "second": the stage of the table walked; empty when there is none.
   */
  'table_stage'?: (string);
  '_pasid_dir_entry'?: "pasid_dir_entry";
  '_did'?: "did";
  '_type'?: "type";
  '_table_base'?: "table_base";
}

/**
 * A device's translation structures read from guest RAM now (no cache), as the unit would.
 */
export interface VtdDeviceChain__Output {
  /**
   * Source-id (bus << 8 | devfn), InspectViommuRequest.sid.
   */
  'sid': (number);
  /**
   * RTADDR.TTM was scalable when the root table pointer was last latched.
   */
  'scalable': (boolean);
  /**
   * The root entry (lo, hi); empty when it cannot be read.
   */
  'root_entry': (string)[];
  /**
   * The context entry (2 or 4 words); empty when the chain stops before it.
   */
  'context_entry': (string)[];
  /**
   * The PASID-directory entry (scalable mode).
   */
  'pasid_dir_entry'?: (string);
  /**
   * The PASID entry (8 words, scalable mode).
   */
  'pasid_entry': (string)[];
  /**
   * The fault reason (VT-d FR, a VtdFr value as a uint32) the chain stops with; 0 = none.
   */
  'fault': (number);
  /**
   * The domain id of the device's context / PASID entry.
   */
  'did'?: (number);
  /**
   * Legacy context TT or scalable PASID-entry PGTT.
   */
  'type'?: (number);
  /**
   * The page table a translation walks: base, levels, "first" or "second" stage; absent for
   * pass-through.
   */
  'table_base'?: (string);
  /**
   * Levels of the page table walked (0 when there is none).
   */
  'table_levels': (number);
  /**
   * "first" or "second": the stage of the table walked; empty when there is none.
   */
  'table_stage': (string);
  '_pasid_dir_entry'?: "pasid_dir_entry";
  '_did'?: "did";
  '_type'?: "type";
  '_table_base'?: "table_base";
}
