export {
  PROT_READ,
  PROT_WRITE,
  PROT_CACHE,
  PROT_NOEXEC,
  PROT_MMIO,
  PROT_PRIV,
  createPageTable,
  newWalkOut,
  packWalkInfo,
  unpackWalkInfo,
  leafLabel,
} from './pgtable.js';
export type { PageTable, PageTableFormat, PageTableOptions, PageTableStats, WalkOut, IommuPageTable } from './pgtable.js';
