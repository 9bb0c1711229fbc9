/** Test support of the vIOMMU vmstate unit tests (intel-iommu, smmuv3). */
import { expect } from 'vitest';
import { DomainError } from '#libs/errno/index.js';

/** `f` must throw a DomainError with `reason` (and a message matching `text`); returns it. */
export function expectRefused(f: () => void, reason: string, text?: RegExp): DomainError {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(DomainError);
  expect((err as DomainError).reason).toBe(reason);
  if (text) expect((err as DomainError).message).toMatch(text);
  return err as DomainError;
}
