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
