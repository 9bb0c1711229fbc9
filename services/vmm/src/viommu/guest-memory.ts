/**
 * Guest RAM as a hardware vIOMMU model (intel-iommu, SMMUv3) reads and writes it: the tables,
 * queues and descriptors the guest built, and what the unit writes back (inv_wait status words,
 * EVTQ records, A/D bits). The vmm's implementation is machine/guest-ram.ts (GuestRam).
 */

/**
 * Both throw for a GPA range outside RAM; a model treats any throw as QEMU treats a failed
 * `dma_memory_read/write` (a MEMTX error).
 */
export interface GuestMemory {
  read(gpa: bigint, len: number): Uint8Array;
  write(gpa: bigint, data: Uint8Array): void;
}

/**
 * `n` little-endian 64-bit words at `gpa` (table entries, descriptors), or undefined when the
 * read throws or comes back short: the caller reports it as its MEMTX error.
 */
export function readU64s(mem: GuestMemory, gpa: bigint, n: number): bigint[] | undefined {
  let b: Uint8Array;
  try {
    b = mem.read(gpa, n * 8);
  } catch {
    return undefined;
  }
  if (b.length < n * 8) return undefined;
  const dv = new DataView(b.buffer, b.byteOffset, n * 8);
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) out.push(dv.getBigUint64(i * 8, true));
  return out;
}
