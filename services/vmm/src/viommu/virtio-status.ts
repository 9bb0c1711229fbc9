/**
 * The device status register of a virtio 1.x device (OASIS virtio spec, "Device Status Field"),
 * shared by the virtio-iommu and the VM's other virtio devices.
 *
 * Driver-owned bits: ACKNOWLEDGE, DRIVER, DRIVER_OK, FEATURES_OK, FAILED. The device owns
 * DEVICE_NEEDS_RESET (set when it needs a reset). Writing 0 resets the device. The spec's rules:
 * the driver MUST NOT clear a status bit (only a reset does), the device MUST fail to set
 * FEATURES_OK when it does not accept the driver's features, and it initialises the field to 0
 * on reset. Bit 4 (SUSPEND) exists only with VIRTIO_F_SUSPEND, which no device here offers.
 */
import { DomainError } from '#libs/errno/index.js';

export const VIRTIO_STATUS = {
  ACKNOWLEDGE: 1,
  DRIVER: 2,
  DRIVER_OK: 4,
  FEATURES_OK: 8,
  DEVICE_NEEDS_RESET: 64,
  FAILED: 128,
} as const;

/** Bits a driver may set. */
export const DRIVER_STATUS_BITS = VIRTIO_STATUS.ACKNOWLEDGE | VIRTIO_STATUS.DRIVER | VIRTIO_STATUS.DRIVER_OK | VIRTIO_STATUS.FEATURES_OK | VIRTIO_STATUS.FAILED;

/** What a status write asks of the device. */
export type StatusWrite =
  | { reset: true }
  /** `bits`: the driver bits to hold (FEATURES_OK included if asked); `featuresOkRequested`: FEATURES_OK newly set */
  | { reset: false; bits: number; featuresOkRequested: boolean };

/**
 * Decides a driver's write of `value` to a status register whose driver bits are `current`.
 * Throws (nothing to change) for a value that is not a byte, a bit that is not offered, or a
 * driver bit cleared without a reset. DEVICE_NEEDS_RESET in `value` is ignored: Linux's
 * `virtio_add_status` writes back what it read, the device's bit included.
 */
export function decideStatusWrite(current: number, value: number): StatusWrite {
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new DomainError('INVALID_ARGUMENT', 'BAD_VIRTIO_STATUS', `device status ${value} is not a byte`);
  }
  if (value === 0) return { reset: true };
  const unknown = value & ~(DRIVER_STATUS_BITS | VIRTIO_STATUS.DEVICE_NEEDS_RESET);
  if (unknown !== 0) {
    throw new DomainError('INVALID_ARGUMENT', 'BAD_VIRTIO_STATUS', `device status 0x${value.toString(16)}: bit(s) 0x${unknown.toString(16)} are not defined for this device (SUSPEND needs VIRTIO_F_SUSPEND, which is not offered)`);
  }
  const bits = value & DRIVER_STATUS_BITS;
  const cleared = current & ~bits;
  if (cleared !== 0) {
    throw new DomainError(
      'FAILED_PRECONDITION',
      'VIRTIO_STATUS_CLEARED',
      `device status 0x${value.toString(16)} clears ${statusText(cleared)}: a driver must not clear a status bit; write 0 to reset the device`,
    );
  }
  return { reset: false, bits, featuresOkRequested: (bits & ~current & VIRTIO_STATUS.FEATURES_OK) !== 0 };
}

/** `ACKNOWLEDGE|DRIVER|FEATURES_OK` for a status byte (`0` for none). */
export function statusText(v: number): string {
  const names = (Object.keys(VIRTIO_STATUS) as Array<keyof typeof VIRTIO_STATUS>).filter((k) => (v & VIRTIO_STATUS[k]) !== 0);
  const rest = v & ~(DRIVER_STATUS_BITS | VIRTIO_STATUS.DEVICE_NEEDS_RESET);
  if (rest !== 0) names.push(`0x${rest.toString(16)}` as never);
  return names.length === 0 ? '0' : names.join('|');
}
