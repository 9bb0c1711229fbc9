// Original file: proto/iommutwin/vmm/v1/guest.proto

import type { Long } from '@grpc/proto-loader';

/**
 * An SMMUv3 event as an emulated device's access raised it (QEMU smmuv3_translate).
 */
export interface SmmuFault {
  /**
   * The event type, a SmmuEvt value as a uint32 (EVT_*: F_TRANSLATION 0x10, F_PERMISSION 0x13,
   * C_BAD_STE 0x04, ...); 0 (SMMU_EVT_NONE) when
   * the access was aborted without an event (STE Config abort, GBPA.ABORT while SMMUEN = 0).
   */
  'event_id'?: (number);
  /**
   * The StreamID of the access: bus << 8 | devfn of the guest BDF.
   */
  'sid'?: (number);
  /**
   * The faulting input address (IOVA).
   */
  'address'?: (number | string | Long);
  /**
   * The access was a write.
   */
  'write'?: (boolean);
  /**
   * The SubstreamID of the access, when it carried one (DmaRequest.pasid).
   */
  'ssid'?: (number);
  /**
   * The 32-byte record was written to the guest's EVTQ: QEMU records only what the CD (R bit)
   * or STE (S2R) asks for, and the queue drops records while EVENTQEN = 0 or when it is full.
   */
  'recorded'?: (boolean);
  /**
   * The 32-byte event record as the model encodes it (little-endian words); empty when the
   * access raised no event.
   */
  'record'?: (Buffer | Uint8Array | string);
  '_ssid'?: "ssid";
}

/**
 * An SMMUv3 event as an emulated device's access raised it (QEMU smmuv3_translate).
 */
export interface SmmuFault__Output {
  /**
   * The event type, a SmmuEvt value as a uint32 (EVT_*: F_TRANSLATION 0x10, F_PERMISSION 0x13,
   * C_BAD_STE 0x04, ...); 0 (SMMU_EVT_NONE) when
   * the access was aborted without an event (STE Config abort, GBPA.ABORT while SMMUEN = 0).
   */
  'event_id': (number);
  /**
   * The StreamID of the access: bus << 8 | devfn of the guest BDF.
   */
  'sid': (number);
  /**
   * The faulting input address (IOVA).
   */
  'address': (string);
  /**
   * The access was a write.
   */
  'write': (boolean);
  /**
   * The SubstreamID of the access, when it carried one (DmaRequest.pasid).
   */
  'ssid'?: (number);
  /**
   * The 32-byte record was written to the guest's EVTQ: QEMU records only what the CD (R bit)
   * or STE (S2R) asks for, and the queue drops records while EVENTQEN = 0 or when it is full.
   */
  'recorded': (boolean);
  /**
   * The 32-byte event record as the model encodes it (little-endian words); empty when the
   * access raised no event.
   */
  'record': (Buffer);
  '_ssid'?: "ssid";
}
