/**
 * A guest driver for the vmm's SMMUv3 (contract tests, B7 and `iommu-twin demo --scene smmuv3`):
 * it programs the unit through 32/64-bit register accesses and the structures it builds in guest
 * RAM, in the order Linux's
 * drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c and drivers/iommu/io-pgtable-arm.c do:
 *
 *   probe        arm_smmu_device_hw_probe(): IDR0 (ST_LVL, CD2L, TTENDIAN, PRI, ATS, SEV, MSI, HYP,
 *                HTTU, STALL_MODEL, S1P/S2P, TTF, ASID16, VMID16), IDR1 (TABLES/QUEUES_PRESET and
 *                REL refused, CMDQS, EVTQS, SSIDSIZE, SIDSIZE; no 2-level table when SIDSIZE ≤
 *                STRTAB_SPLIT), IDR3 (RIL), IDR5 (STALL_MAX, VAX, GRAN*, OAS); IIDR, AIDR.
 *   init         arm_smmu_init_queues() / arm_smmu_init_one_queue(): queue base = RWA | addr |
 *                LOG2SIZE, naturally aligned; arm_smmu_init_strtab_2lvl() (L1 of min(17, SIDSIZE −
 *                8) bits, STRTAB_BASE_CFG FMT 2LVL | LOG2SIZE | SPLIT 8) or _linear() (every STE
 *                an abort STE, arm_smmu_init_bypass_stes() with disable_bypass); STRTAB_BASE = addr | RA.
 *   reset        arm_smmu_device_reset(): GBPA ← ABORT if SMMUEN was on, CR0 ← 0 (wait CR0ACK), CR1
 *                (ISH, WB), CR2 (PTM | RECINVSID), STRTAB_BASE(_CFG), CMDQ_BASE/PROD/CONS, CR0 ←
 *                CMDQEN, CFGI_ALL + sync, TLBI_NSNH_ALL + sync, EVTQ_BASE/PROD/CONS (page 1), CR0
 *                |= EVTQEN, arm_smmu_setup_irqs() (IRQ_CTRL ← 0 then EVTQ|GERROR, each waited on
 *                IRQ_CTRLACK), CR0 |= SMMUEN. Every CR0 write is waited on CR0ACK
 *                (arm_smmu_write_reg_sync); GBPA follows arm_smmu_update_gbpa().
 *   streams      arm_smmu_init_l2_strtab(): an L2 table of 256 abort STEs, L1 = SPAN 9 | L2PTR;
 *                an STE update as arm_smmu_write_strtab_ent() does for a live change: every
 *                dword but 0, CFGI_STE(leaf) + sync, dword 0, CFGI_STE(leaf) + sync, then
 *                PREFETCH_CFG without a sync.
 *   attach       arm_smmu_make_s1_cd(): T0SZ 64−ias, TG0 4K, IRGN0/ORGN0 WBWA, SH0 IS, EPD1, V, IPS,
 *                AA64, R, A, ASET, ASID; TTB0; MAIR (io-pgtable-arm's NC/WBRWA/DEV/INC_OWBRWA);
 *                the CD written with the same ordering (dwords 1–3, CFGI_CD, dword 0, CFGI_CD);
 *                arm_smmu_make_cdtable_ste(): V, Cfg S1, S1Fmt linear, S1ContextPtr, S1CDMax,
 *                S1DSS SSID0, S1CIR/S1COR WBRA, S1CSH ISH, STRW NSEL1, SHCFG incoming.
 *                Stage 2 (arm_smmu_domain_finalise_s2 / make_s2_domain_ste): VMID from 1, VTCR
 *                (T0SZ, SL0, IRGN/ORGN WBWA, SH IS, TG 4K, PS), S2AA64 | S2PTW | S2R, S2TTB.
 *   tables       io-pgtable-arm, 4 KiB granule: stage 1 48-bit (levels 0–3), table descriptors
 *                addr | TYPE_TABLE; leaves addr | nG | AP_UNPRIV (| AP_RDONLY) | AttrIndx | SH |
 *                AF | TYPE_PAGE (arm_lpae_prot_to_pte); stage 2 with S2AP (HAP_READ/HAP_WRITE),
 *                MemAttr OIWB, AF, SH.
 *   map / unmap  4 KiB leaves only (Linux's iommu_map picks 2 MiB / 1 GiB blocks when IOVA, PA
 *                and size allow); no invalidation after a map (the SMMU does not cache invalid
 *                entries); unmap
 *                clears the leaves, then arm_smmu_iotlb_sync → __arm_smmu_tlb_inv_range():
 *                TLBI_NH_VA (stage 1, ASID) or TLBI_S2_IPA (stage 2, VMID), leaf; with IDR3.RIL
 *                one command per chunk with TG, TTL, SCALE, NUM as the kernel computes them,
 *                else one per 4 KiB page; then CMD_SYNC.
 *   CMDQ         arm_smmu_cmdq_issue_cmdlist(): entries at PROD, PROD ← prod, and with a sync
 *                the CMD_SYNC (CS = SEV without MSI polling, as Linux builds it on a unit without
 *                IDR0.MSI; CS = IRQ on request; MSH ISH, MSIATTR OIWB), then CONS polled until it
 *                passed the sync (queue_consumed). A stuck queue is a GERROR.CMDQ_ERR: the driver
 *                runs arm_smmu_gerror_handler() as the interrupt would (arm_smmu_cmdq_skip_err():
 *                CONS.ERR read, an illegal command overwritten with a CMD_SYNC, GERRORN ← GERROR).
 *   EVTQ         arm_smmu_evtq_thread(): records from CONS to PROD (page 1), CONS written after
 *                each one (queue_remove_raw), PROD's overflow flag compared with the last seen
 *                one, then queue_sync_cons_ovf().
 *
 * Register offsets and bit positions are Linux's arm-smmu-v3.h ones (QEMU smmuv3-common.h has the
 * same); see shared/reference/smmuv3-and-migration.md §A.
 */
import { call, type VmmClients } from '#libs/rpc/client.js';

/** virt's SMMUv3 register block (QEMU VIRT_SMMU) and the page-1 offset of EVTQ_PROD/CONS. */
export const SMMU_BASE = 0x0905_0000n;
export const PAGE1 = 0x10000;

export const REG = {
  IDR0: 0x0, IDR1: 0x4, IDR2: 0x8, IDR3: 0xc, IDR4: 0x10, IDR5: 0x14, IIDR: 0x18, AIDR: 0x1c,
  CR0: 0x20, CR0ACK: 0x24, CR1: 0x28, CR2: 0x2c, STATUSR: 0x40, GBPA: 0x44, AGBPA: 0x48,
  IRQ_CTRL: 0x50, IRQ_CTRLACK: 0x54, GERROR: 0x60, GERRORN: 0x64,
  GERROR_IRQ_CFG0: 0x68, GERROR_IRQ_CFG1: 0x70, GERROR_IRQ_CFG2: 0x74,
  STRTAB_BASE: 0x80, STRTAB_BASE_CFG: 0x88,
  CMDQ_BASE: 0x90, CMDQ_PROD: 0x98, CMDQ_CONS: 0x9c,
  EVTQ_BASE: 0xa0, EVTQ_PROD: 0xa8, EVTQ_CONS: 0xac,
  EVTQ_IRQ_CFG0: 0xb0, EVTQ_IRQ_CFG1: 0xb8, EVTQ_IRQ_CFG2: 0xbc,
  PRIQ_BASE: 0xc0, PRIQ_PROD: 0xc8, PRIQ_CONS: 0xcc,
  PRIQ_IRQ_CFG0: 0xd0, PRIQ_IRQ_CFG1: 0xd8, PRIQ_IRQ_CFG2: 0xdc,
} as const;

export const CR0 = { SMMUEN: 1 << 0, PRIQEN: 1 << 1, EVTQEN: 1 << 2, CMDQEN: 1 << 3, ATSCHK: 1 << 4 } as const;
export const CR2 = { E2H: 1 << 0, RECINVSID: 1 << 1, PTM: 1 << 2 } as const;
export const GBPA = { UPDATE: 0x8000_0000, ABORT: 1 << 20 } as const;
export const IRQ_CTRL = { GERROR_IRQEN: 1 << 0, PRIQ_IRQEN: 1 << 1, EVTQ_IRQEN: 1 << 2 } as const;
export const GERROR = {
  CMDQ_ERR: 1 << 0, EVTQ_ABT_ERR: 1 << 2, PRIQ_ABT_ERR: 1 << 3, MSI_CMDQ_ABT_ERR: 1 << 4,
  MSI_EVTQ_ABT_ERR: 1 << 5, MSI_PRIQ_ABT_ERR: 1 << 6, MSI_GERROR_ABT_ERR: 1 << 7, SFM_ERR: 1 << 8,
} as const;
export const GERROR_ERR_MASK = 0x1fd;
/** CMDQ_CONS.ERR (bits 30:24) values. */
export const CERROR = { NONE: 0, ILL: 1, ABT: 2, ATC_INV_SYNC: 3 } as const;
export const Q_OVERFLOW_FLAG = 0x8000_0000;
export const Q_BASE_RWA = 1n << 62n;
export const STRTAB_BASE_RA = 1n << 62n;
const ADDR_51_6 = ((1n << 52n) - 1n) & ~0x3fn;
const ADDR_51_5 = ((1n << 52n) - 1n) & ~0x1fn;
const ADDR_51_4 = ((1n << 52n) - 1n) & ~0xfn;
const ADDR_47_12 = ((1n << 48n) - 1n) & ~0xfffn;

/** STRTAB_SPLIT and the L2 span Linux writes (STRTAB_SPLIT + 1). */
export const STRTAB_SPLIT = 8;
export const STE = {
  V: 1n,
  CFG_ABORT: 0n << 1n,
  CFG_BYPASS: 4n << 1n,
  CFG_S1_TRANS: 5n << 1n,
  CFG_S2_TRANS: 6n << 1n,
  CFG_NESTED: 7n << 1n,
  S1FMT_LINEAR: 0n << 4n,
  S1DSS_TERMINATE: 0n,
  S1DSS_BYPASS: 1n,
  S1DSS_SSID0: 2n,
  S1C_CACHE_WBRA: 1n,
  S1STALLD: 1n << 27n,
  STRW_NSEL1: 0n << 30n,
  SHCFG_INCOMING: 1n << 44n,
  S2AA64: 1n << 51n,
  S2ENDI: 1n << 52n,
  S2AFFD: 1n << 53n,
  S2PTW: 1n << 54n,
  S2S: 1n << 57n,
  S2R: 1n << 58n,
} as const;
export const CD = {
  EPD0: 1n << 14n, ENDI: 1n << 15n, EPD1: 1n << 30n, V: 1n << 31n, TBI0: 1n << 38n, AA64: 1n << 41n,
  HD: 1n << 42n, HA: 1n << 43n, S: 1n << 44n, R: 1n << 45n, A: 1n << 46n, ASET: 1n << 47n, AFFD: 1n << 35n,
} as const;

/** Command opcodes (CMDQ_OP_*; QEMU SMMUCommandType). */
export const OP = {
  PREFETCH_CFG: 0x01, PREFETCH_ADDR: 0x02, CFGI_STE: 0x03, CFGI_ALL: 0x04, CFGI_STE_RANGE: 0x04, CFGI_CD: 0x05,
  CFGI_CD_ALL: 0x06, TLBI_NH_ALL: 0x10, TLBI_NH_ASID: 0x11, TLBI_NH_VA: 0x12, TLBI_NH_VAA: 0x13,
  TLBI_EL3_ALL: 0x18, TLBI_EL2_ALL: 0x20, TLBI_S12_VMALL: 0x28, TLBI_S2_IPA: 0x2a, TLBI_NSNH_ALL: 0x30,
  ATC_INV: 0x40, PRI_RESP: 0x41, RESUME: 0x44, STALL_TERM: 0x45, CMD_SYNC: 0x46,
} as const;
export const SYNC_CS = { NONE: 0, IRQ: 1, SEV: 2 } as const;
const ARM_SMMU_SH_ISH = 3n;
const ARM_SMMU_MEMATTR_OIWB = 0xfn;

/** LPAE descriptor bits (io-pgtable-arm.c). */
export const PTE = {
  TYPE_BLOCK: 1n, TYPE_TABLE: 3n, TYPE_PAGE: 3n,
  NS: 1n << 5n, AP_UNPRIV: 1n << 6n, AP_RDONLY: 2n << 6n, SH_OS: 2n << 8n, SH_IS: 3n << 8n,
  AF: 1n << 10n, nG: 1n << 11n, DBM: 1n << 51n, XN: 3n << 53n,
  HAP_READ: 1n << 6n, HAP_WRITE: 2n << 6n,
} as const;
/** MAIR indices and attributes io-pgtable-arm programs (ARM_LPAE_MAIR_ATTR_*). */
export const MAIR_IDX = { NC: 0, CACHE: 1, DEV: 2, INC_OCACHE: 3 } as const;
export const MAIR = (0x44n << 0n) | (0xffn << 8n) | (0x04n << 16n) | (0xf4n << 24n);
/** Stage-2 MemAttr (ARM_LPAE_MAIR_ATTR... for S2: ARM_LPAE_PTE_MEMATTR_*). */
export const S2_MEMATTR = { OIWB: 0xfn << 2n, NC: 0x5n << 2n, DEV: 0x1n << 2n } as const;

export const PAGE = 0x1000n;
const U64 = (1n << 64n) - 1n;

// ------------------------------------------------------------------------------ the bus

/** How the driver reaches the unit and guest RAM (gRPC Guest service or an in-process model). */
export interface SmmuGuestBus {
  mmioRead(addr: bigint, size: 4 | 8): Promise<bigint>;
  mmioWrite(addr: bigint, size: 4 | 8, value: bigint): Promise<void>;
  readMemory(gpa: bigint, len: number): Promise<Uint8Array>;
  writeMemory(gpa: bigint, data: Uint8Array): Promise<void>;
}

/** The bus over a VM's Guest.MmioRead/MmioWrite/ReadMemory/WriteMemory. */
export function grpcBus(g: VmmClients['Guest'], vm: string): SmmuGuestBus {
  return {
    mmioRead: async (addr, size) => BigInt((await call(g.MmioRead, { vm, addr: String(addr), size })).value),
    mmioWrite: async (addr, size, value) => void (await call(g.MmioWrite, { vm, addr: String(addr), size, value: String(value) })),
    readMemory: async (gpa, len) => new Uint8Array((await call(g.ReadMemory, { vm, gpa: String(gpa), length: String(len) })).data),
    writeMemory: async (gpa, data) => void (await call(g.WriteMemory, { vm, gpa: String(gpa), data: Buffer.from(data) })),
  };
}

/** What modelBus needs of guest RAM (structurally the vmm's GuestMemory; no import of the model). */
export interface SmmuGuestRam {
  read(gpa: bigint, len: number): Uint8Array;
  write(gpa: bigint, data: Uint8Array): void;
}

/** What modelBus needs of the model (services/vmm/src/viommu/smmuv3 Smmuv3). */
export interface SmmuMmio {
  mmioRead(offset: number, size: 4 | 8): bigint;
  mmioWrite(offset: number, size: 4 | 8, value: bigint): Promise<void>;
}

/** The bus over an in-process model and guest RAM; addresses outside the block throw. */
export function modelBus(smmu: SmmuMmio, mem: SmmuGuestRam, base = SMMU_BASE, size = 0x2_0000n): SmmuGuestBus {
  const off = (addr: bigint): number => {
    if (addr < base || addr >= base + size) throw new Error(`smmu-driver: MMIO 0x${addr.toString(16)} outside the SMMU block`);
    return Number(addr - base);
  };
  return {
    mmioRead: async (addr, sz) => smmu.mmioRead(off(addr), sz),
    mmioWrite: (addr, sz, value) => smmu.mmioWrite(off(addr), sz, value),
    readMemory: async (gpa, len) => mem.read(gpa, len),
    writeMemory: async (gpa, data) => mem.write(gpa, data),
  };
}

// ------------------------------------------------------------------------------ pure encoders

const bits = (v: bigint | number, shift: number, width: number): bigint => (BigInt(v) & ((1n << BigInt(width)) - 1n)) << BigInt(shift);

/** CMD_SYNC as arm_smmu_cmdq_build_cmd() builds it (CS, MSH ISH, MSIATTR OIWB; msiaddr with CS=IRQ). */
export function cmdSync(cs: number = SYNC_CS.SEV, msiaddr = 0n, msidata = 0): [bigint, bigint] {
  return [BigInt(OP.CMD_SYNC) | bits(cs, 12, 2) | (ARM_SMMU_SH_ISH << 22n) | (ARM_SMMU_MEMATTR_OIWB << 24n) | bits(msidata, 32, 32), msiaddr & (((1n << 52n) - 1n) & ~3n)];
}
export function cmdCfgiSte(sid: number, leaf = true): [bigint, bigint] {
  return [BigInt(OP.CFGI_STE) | bits(sid, 32, 32), leaf ? 1n : 0n];
}
/** CFGI_ALL = CFGI_STE_RANGE with RANGE 31 (the whole SID space). */
export function cmdCfgiAll(): [bigint, bigint] {
  return [BigInt(OP.CFGI_ALL), 31n];
}
export function cmdCfgiSteRange(sid: number, range: number): [bigint, bigint] {
  return [BigInt(OP.CFGI_STE_RANGE) | bits(sid, 32, 32), bits(range, 0, 5)];
}
export function cmdCfgiCd(sid: number, ssid: number, leaf = true): [bigint, bigint] {
  return [BigInt(OP.CFGI_CD) | bits(ssid, 12, 20) | bits(sid, 32, 32), leaf ? 1n : 0n];
}
export function cmdCfgiCdAll(sid: number): [bigint, bigint] {
  return [BigInt(OP.CFGI_CD_ALL) | bits(sid, 32, 32), 0n];
}
export function cmdPrefetchCfg(sid: number): [bigint, bigint] {
  return [BigInt(OP.PREFETCH_CFG) | bits(sid, 32, 32), 0n];
}
export interface TlbiFields {
  asid?: number;
  vmid?: number;
  addr?: bigint;
  leaf?: boolean;
  ttl?: number;
  tg?: number;
  num?: number;
  scale?: number;
}
/** TLBI_NH_VA / NH_VAA / S2_IPA / NH_ASID / NH_ALL / S12_VMALL / NSNH_ALL with Linux's field layout. */
export function cmdTlbi(op: number, f: TlbiFields = {}): [bigint, bigint] {
  let w0 = BigInt(op) | bits(f.num ?? 0, 12, 5) | bits(f.scale ?? 0, 20, 5) | bits(f.vmid ?? 0, 32, 16) | bits(f.asid ?? 0, 48, 16);
  let w1 = (f.leaf ? 1n : 0n) | bits(f.ttl ?? 0, 8, 2) | bits(f.tg ?? 0, 10, 2);
  if (op === OP.TLBI_S2_IPA) w1 |= (f.addr ?? 0n) & (((1n << 52n) - 1n) & ~0xfffn);
  else w1 |= (f.addr ?? 0n) & (U64 & ~0xfffn);
  if (op === OP.TLBI_NSNH_ALL || op === OP.TLBI_EL2_ALL) w0 = BigInt(op);
  return [w0, w1];
}
export function cmdAtcInv(sid: number, ssid: number | undefined, addr: bigint, size: number, global = false): [bigint, bigint] {
  return [BigInt(OP.ATC_INV) | (ssid !== undefined ? 1n << 11n : 0n) | (global ? 1n << 9n : 0n) | bits(ssid ?? 0, 12, 20) | bits(sid, 32, 32), bits(size, 0, 6) | (addr & (U64 & ~0xfffn))];
}

/** One 32-byte event record, decoded as Linux's EVTQ_* fields (plus the raw bytes). */
export interface SmmuEvent {
  raw: Uint8Array;
  id: number;
  ssv: boolean;
  ssid: number;
  sid: number;
  stag: number;
  stall: boolean;
  pnu: boolean;
  ind: boolean;
  rnw: boolean;
  s2: boolean;
  cls: number;
  ttRead: boolean;
  inputAddr: bigint;
  /** dword 3: IPA / fetch address (QEMU's ADDR2) */
  addr2: bigint;
  words: [bigint, bigint, bigint, bigint];
}

export function decodeEvent(raw: Uint8Array): SmmuEvent {
  const v = new DataView(raw.buffer, raw.byteOffset, 32);
  const w = [0, 1, 2, 3].map((i) => v.getBigUint64(i * 8, true)) as [bigint, bigint, bigint, bigint];
  const b = (word: bigint, bit: number) => ((word >> BigInt(bit)) & 1n) === 1n;
  return {
    raw: Uint8Array.from(raw.subarray(0, 32)),
    id: Number(w[0] & 0xffn),
    ssv: b(w[0], 11),
    ssid: Number((w[0] >> 12n) & 0xfffffn),
    sid: Number(w[0] >> 32n),
    stag: Number(w[1] & 0xffffn),
    stall: b(w[1], 31),
    pnu: b(w[1], 33),
    ind: b(w[1], 34),
    rnw: b(w[1], 35),
    s2: b(w[1], 39),
    cls: Number((w[1] >> 40n) & 3n),
    ttRead: b(w[1], 44),
    inputAddr: w[2],
    addr2: w[3],
    words: w,
  };
}

/** The 32 record bytes for the fields QEMU fills (EVT_SET_*), for expected values in tests. */
export function encodeEvent(e: { id: number; sid: number; ssid?: number; stag?: number; stall?: boolean; pnu?: boolean; ind?: boolean; rnw?: boolean; s2?: boolean; cls?: number; inputAddr?: bigint; addr2?: bigint }): Uint8Array {
  const w0 = bits(e.id, 0, 8) | (e.ssid !== undefined ? (1n << 11n) | bits(e.ssid, 12, 20) : 0n) | bits(e.sid, 32, 32);
  const w1 = bits(e.stag ?? 0, 0, 16) | (e.stall ? 1n << 31n : 0n) | (e.pnu ? 1n << 33n : 0n) | (e.ind ? 1n << 34n : 0n) | (e.rnw ? 1n << 35n : 0n) | (e.s2 ? 1n << 39n : 0n) | bits(e.cls ?? 0, 40, 2);
  const out = new Uint8Array(32);
  const v = new DataView(out.buffer);
  [w0, w1, e.inputAddr ?? 0n, e.addr2 ?? 0n].forEach((q, i) => v.setBigUint64(i * 8, q & U64, true));
  return out;
}

// ------------------------------------------------------------------------------ driver state

/** What arm_smmu_device_hw_probe() found. */
export interface SmmuFeatures {
  idr: number[];
  iidr: number;
  aidr: number;
  twoLvlStrtab: boolean;
  twoLvlCdtab: boolean;
  pri: boolean;
  ats: boolean;
  sev: boolean;
  msi: boolean;
  hyp: boolean;
  httu: number;
  coherent: boolean;
  stalls: boolean;
  stallForce: boolean;
  s1: boolean;
  s2: boolean;
  asidBits: number;
  vmidBits: number;
  cmdqShift: number;
  evtqShift: number;
  ssidBits: number;
  sidBits: number;
  ril: boolean;
  vax: boolean;
  stallMax: number;
  /** supported page sizes (4K → 4K|2M|1G, 16K → 16K|32M, 64K → 64K|512M) */
  pgsizeBitmap: bigint;
  oas: number;
  ias: number;
}

export class SmmuProbeError extends Error {}
export class SmmuTimeoutError extends Error {}

/** A queue as the driver tracks it (struct arm_smmu_queue / arm_smmu_ll_queue). */
export interface SmmuQueue {
  base: bigint;
  shift: number;
  entBytes: number;
  prod: number;
  cons: number;
  qBase: bigint;
}

export interface SmmuDomain {
  stage: 1 | 2;
  /** stage 1: ASID (from 1); stage 2: VMID (from 1, 0 is kept for bypass STEs) */
  asid: number;
  vmid: number;
  /** top-level table (TTB0 / S2TTB) */
  pgd: bigint;
  ias: number;
  startLevel: number;
}

export interface SmmuMaster {
  sid: number;
  /** the linear CD table (1 << s1cdmax CDs), allocated on first stage-1 attach */
  cdtab?: bigint;
  s1cdmax: number;
  domain?: SmmuDomain;
}

export interface SmmuDriverOptions {
  /** guest-physical bytes the driver allocates its structures from: [start, end) */
  pool: { start: bigint; end: bigint };
  base?: bigint;
  /**
   * Queue sizes (log2 entries), capped by IDR1 as Linux caps them. Linux takes the largest that
   * it can allocate (up to 2^19 commands); the default here is 256 commands / 128 events to fit
   * a small test pool.
   */
  cmdqLog2?: number;
  evtqLog2?: number;
  /** stream table format: 'auto' = 2-level when IDR0.ST_LVL says so (Linux), else linear */
  strtab?: 'auto' | 'linear' | '2lvl';
  /** SID bits a linear table covers (Linux: IDR1.SIDSIZE, 4 MiB at 16 bits; default 8 here) */
  linearSidBits?: number;
  /** CMD_SYNC completion signal: 'sev' as Linux without MSI polling, 'irq' (CS=IRQ), 'none' */
  syncCs?: 'sev' | 'irq' | 'none';
  /** run the GERROR handler when a CMD_SYNC does not complete and GERROR.CMDQ_ERR is active (the interrupt's work) */
  handleGerror?: boolean;
  /** record every MMIO access in `trace` (default on; long benchmark loops turn it off) */
  traceMmio?: boolean;
}

export interface GerrorReport {
  gerror: number;
  gerrorn: number;
  active: number;
  /** CMDQ_CONS read by arm_smmu_cmdq_skip_err (with ERR) */
  cons?: number;
  cerror?: number;
  /** the command that was skipped (overwritten with a CMD_SYNC) */
  skipped?: [bigint, bigint];
}

export class SmmuDriver {
  readonly base: bigint;
  features: SmmuFeatures | undefined;
  readonly cmdq: SmmuQueue = { base: 0n, shift: 0, entBytes: 16, prod: 0, cons: 0, qBase: 0n };
  readonly evtq: SmmuQueue = { base: 0n, shift: 0, entBytes: 32, prod: 0, cons: 0, qBase: 0n };
  strtabBase = 0n;
  strtabBaseCfg = 0;
  strtabGpa = 0n;
  twoLevel = false;
  numL1Ents = 0;
  /** CR0 bits the driver has enabled (its `enables`) */
  enables = 0;
  /** every MMIO access in order (register offsets) */
  readonly trace: Array<{ op: 'r' | 'w'; off: number; size: 4 | 8; value: bigint }> = [];
  /** the GERROR handler's reports, in order */
  readonly gerrors: GerrorReport[] = [];
  /** events drained so far */
  readonly events: SmmuEvent[] = [];
  evtqOverflows = 0;
  readonly masters = new Map<number, SmmuMaster>();
  private readonly l2 = new Map<number, bigint>();
  private readonly shadow = new Map<bigint, bigint[]>();
  private nextGpa: bigint;
  private nextAsid = 1;
  private nextVmid = 1;
  private readonly opts: Required<Omit<SmmuDriverOptions, 'base' | 'pool'>>;

  constructor(
    readonly bus: SmmuGuestBus,
    private readonly o: SmmuDriverOptions,
  ) {
    this.base = o.base ?? SMMU_BASE;
    this.nextGpa = o.pool.start;
    this.opts = {
      cmdqLog2: o.cmdqLog2 ?? 8,
      evtqLog2: o.evtqLog2 ?? 7,
      strtab: o.strtab ?? 'auto',
      linearSidBits: o.linearSidBits ?? 8,
      syncCs: o.syncCs ?? 'sev',
      handleGerror: o.handleGerror ?? true,
      traceMmio: o.traceMmio ?? true,
    };
  }

  get syncCs(): 'sev' | 'irq' | 'none' {
    return this.opts.syncCs;
  }
  set syncCs(v: 'sev' | 'irq' | 'none') {
    this.opts.syncCs = v;
  }
  get handleGerror(): boolean {
    return this.opts.handleGerror;
  }
  set handleGerror(v: boolean) {
    this.opts.handleGerror = v;
  }

  // ---------------------------------------------------------------- registers

  async read(off: number, size: 4 | 8): Promise<bigint> {
    const value = await this.bus.mmioRead(this.base + BigInt(off), size);
    if (this.opts.traceMmio) this.trace.push({ op: 'r', off, size, value });
    return value;
  }
  async write(off: number, size: 4 | 8, value: bigint | number): Promise<void> {
    const v = BigInt(value) & (size === 4 ? 0xffff_ffffn : U64);
    if (this.opts.traceMmio) this.trace.push({ op: 'w', off, size, value: v });
    await this.bus.mmioWrite(this.base + BigInt(off), size, v);
  }
  readl = async (off: number): Promise<number> => Number(await this.read(off, 4));
  readq = (off: number): Promise<bigint> => this.read(off, 8);
  writel = (off: number, v: number | bigint): Promise<void> => this.write(off, 4, v);
  writeq = (off: number, v: bigint): Promise<void> => this.write(off, 8, v);

  /** readl_relaxed_poll_timeout(): bounded polls, a short sleep after the first few. */
  private async poll(off: number, cond: (v: number) => boolean, what: string): Promise<number> {
    for (let i = 0; i < 100; i++) {
      const v = await this.readl(off);
      if (cond(v)) return v;
      if (i >= 4) await new Promise((r) => setTimeout(r, 1));
    }
    throw new SmmuTimeoutError(`arm-smmu-v3: ${what} timed out`);
  }

  /** arm_smmu_write_reg_sync(): write, then wait until the ACK register reads the same value. */
  async writeRegSync(val: number, regOff: number, ackOff: number): Promise<void> {
    await this.writel(regOff, val >>> 0);
    await this.poll(ackOff, (v) => v >>> 0 === val >>> 0, `0x${regOff.toString(16)} ack`);
  }

  /** arm_smmu_update_gbpa(): wait UPDATE clear, write (reg & ~clr | set) | UPDATE, wait UPDATE clear. */
  async updateGbpa(set: number, clr: number): Promise<number> {
    let reg = await this.poll(REG.GBPA, (v) => (v & GBPA.UPDATE) === 0, 'GBPA');
    reg = (reg & ~clr) | set;
    await this.writel(REG.GBPA, (reg | GBPA.UPDATE) >>> 0);
    return this.poll(REG.GBPA, (v) => (v & GBPA.UPDATE) === 0, 'GBPA not responding to update');
  }

  // ---------------------------------------------------------------- guest RAM

  async writeQwords(gpa: bigint, qs: readonly bigint[]): Promise<void> {
    const b = new Uint8Array(qs.length * 8);
    const v = new DataView(b.buffer);
    qs.forEach((q, i) => v.setBigUint64(i * 8, q & U64, true));
    await this.bus.writeMemory(gpa, b);
  }
  async readQwords(gpa: bigint, n: number): Promise<bigint[]> {
    const b = await this.bus.readMemory(gpa, n * 8);
    const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
    return Array.from({ length: n }, (_, i) => v.getBigUint64(i * 8, true));
  }

  /** A zeroed, `align`-aligned block of the pool (dmam_alloc_coherent). */
  async alloc(bytes: number, align = Number(PAGE)): Promise<bigint> {
    const a = BigInt(align);
    const gpa = (this.nextGpa + a - 1n) & ~(a - 1n);
    const end = gpa + BigInt(bytes);
    if (end > this.o.pool.end) throw new Error(`smmu-driver: pool exhausted (${bytes} bytes at 0x${gpa.toString(16)})`);
    this.nextGpa = end;
    await this.bus.writeMemory(gpa, new Uint8Array(bytes));
    return gpa;
  }

  // ---------------------------------------------------------------- probe

  /** arm_smmu_device_hw_probe() (+ IIDR, AIDR). */
  async probe(): Promise<SmmuFeatures> {
    const idr: number[] = [];
    for (let i = 0; i < 6; i++) idr.push((await this.readl(REG.IDR0 + 4 * i)) >>> 0);
    const iidr = (await this.readl(REG.IIDR)) >>> 0;
    const aidr = (await this.readl(REG.AIDR)) >>> 0;
    const [idr0, idr1, , idr3, , idr5] = idr as [number, number, number, number, number, number];
    const f = (v: number, hi: number, lo: number) => (v >>> lo) & ((1 << (hi - lo + 1)) - 1);
    const ttendian = f(idr0, 22, 21);
    if (ttendian !== 0 && ttendian !== 2) throw new SmmuProbeError('unknown/unsupported TT endianness!');
    const s1 = (idr0 & 2) !== 0;
    const s2 = (idr0 & 1) !== 0;
    if (!s1 && !s2) throw new SmmuProbeError('no translation support!');
    const ttf = f(idr0, 3, 2);
    if (ttf !== 2 && ttf !== 3) throw new SmmuProbeError('AArch64 table format not supported!');
    if (idr1 & ((1 << 30) | (1 << 29) | (1 << 28))) throw new SmmuProbeError('embedded implementation not supported');
    const stallModel = f(idr0, 25, 24);
    const sidBits = f(idr1, 5, 0);
    const gran4k = (idr5 & (1 << 4)) !== 0;
    const gran16k = (idr5 & (1 << 5)) !== 0;
    const gran64k = (idr5 & (1 << 6)) !== 0;
    let pgsize = 0n;
    if (gran4k) pgsize |= (1n << 12n) | (1n << 21n) | (1n << 30n);
    if (gran16k) pgsize |= (1n << 14n) | (1n << 25n);
    if (gran64k) pgsize |= (1n << 16n) | (1n << 29n);
    const oasBits = [32, 36, 40, 42, 44, 48, 52][f(idr5, 2, 0)];
    if (oasBits === undefined) throw new SmmuProbeError(`unknown output address size 0x${f(idr5, 2, 0).toString(16)}`);
    const feat: SmmuFeatures = {
      idr,
      iidr,
      aidr,
      twoLvlStrtab: f(idr0, 28, 27) === 1 && sidBits > STRTAB_SPLIT,
      twoLvlCdtab: (idr0 & (1 << 19)) !== 0,
      pri: (idr0 & (1 << 16)) !== 0,
      ats: (idr0 & (1 << 10)) !== 0,
      sev: (idr0 & (1 << 14)) !== 0,
      msi: (idr0 & (1 << 13)) !== 0,
      hyp: (idr0 & (1 << 9)) !== 0,
      httu: f(idr0, 7, 6),
      coherent: (idr0 & (1 << 4)) !== 0,
      stalls: stallModel === 0 || stallModel === 2,
      stallForce: stallModel === 2,
      s1,
      s2,
      asidBits: idr0 & (1 << 12) ? 16 : 8,
      vmidBits: idr0 & (1 << 18) ? 16 : 8,
      cmdqShift: f(idr1, 25, 21),
      evtqShift: f(idr1, 20, 16),
      ssidBits: f(idr1, 10, 6),
      sidBits,
      ril: (idr3 & (1 << 10)) !== 0,
      vax: f(idr5, 11, 10) === 1,
      stallMax: f(idr5, 31, 16),
      pgsizeBitmap: pgsize,
      oas: oasBits,
      // smmu->ias = max(ias, oas): ias is 40 only with the AArch32 table format (TTF = 3)
      ias: Math.max(ttf === 3 ? 40 : 0, oasBits),
    };
    if (!gran4k) throw new SmmuProbeError('smmu-driver: only the 4 KiB granule is implemented (IDR5.GRAN4K clear)');
    this.features = feat;
    return feat;
  }

  // ---------------------------------------------------------------- structures

  /** arm_smmu_init_one_queue(): naturally aligned entries, q_base = RWA | addr | LOG2SIZE. */
  private async initQueue(q: SmmuQueue, want: number, max: number): Promise<void> {
    q.shift = Math.min(want, max);
    const bytes = (1 << q.shift) * q.entBytes;
    q.base = await this.alloc(bytes, Math.max(bytes, 32));
    q.qBase = Q_BASE_RWA | (q.base & ADDR_51_5) | BigInt(q.shift);
    q.prod = 0;
    q.cons = 0;
  }

  /** arm_smmu_init_structures(): queues, then the stream table. */
  async initStructures(): Promise<void> {
    const f = this.features ?? (await this.probe());
    await this.initQueue(this.cmdq, this.opts.cmdqLog2, f.cmdqShift);
    await this.initQueue(this.evtq, this.opts.evtqLog2, f.evtqShift);
    this.twoLevel = this.opts.strtab === '2lvl' || (this.opts.strtab === 'auto' && f.twoLvlStrtab);
    if (this.twoLevel) {
      // arm_smmu_init_strtab_2lvl(): L1 of min(STRTAB_L1_SZ_SHIFT − 3, sid_bits − SPLIT) bits
      const size = Math.min(20 - 3, f.sidBits - STRTAB_SPLIT);
      this.numL1Ents = 1 << size;
      this.strtabGpa = await this.alloc(this.numL1Ents * 8, Math.max(64, this.numL1Ents * 8));
      this.strtabBaseCfg = (1 << 16) | ((size + STRTAB_SPLIT) & 0x3f) | (STRTAB_SPLIT << 6);
    } else {
      const sidBits = Math.min(f.sidBits, this.opts.linearSidBits);
      this.numL1Ents = 1 << sidBits;
      const bytes = this.numL1Ents * 64;
      this.strtabGpa = await this.alloc(bytes, Math.max(64, Math.min(bytes, 1 << 20)));
      this.strtabBaseCfg = sidBits & 0x3f;
      await this.initBypassStes(this.strtabGpa, this.numL1Ents);
    }
    this.strtabBase = (this.strtabGpa & ADDR_51_6) | STRTAB_BASE_RA;
  }

  /** arm_smmu_init_bypass_stes() with disable_bypass: V | Config abort, SHCFG incoming. */
  private async initBypassStes(gpa: bigint, n: number): Promise<void> {
    const qs: bigint[] = [];
    for (let i = 0; i < n; i++) qs.push(STE.V | STE.CFG_ABORT, STE.SHCFG_INCOMING, 0n, 0n, 0n, 0n, 0n, 0n);
    await this.writeQwords(gpa, qs);
  }

  /** arm_smmu_device_reset() (bypass = false: SMMUEN, as with disable_bypass). */
  async reset(opts: { enableSmmu?: boolean } = {}): Promise<void> {
    const f = this.features!;
    const cr0 = await this.readl(REG.CR0);
    if (cr0 & CR0.SMMUEN) await this.updateGbpa(GBPA.ABORT, 0);
    await this.writeRegSync(0, REG.CR0, REG.CR0ACK); // arm_smmu_device_disable()
    this.enables = 0;
    // CR1: table and queue memory attributes (ISH, WB, WB)
    const cr1 = (3 << 10) | (1 << 8) | (1 << 6) | (3 << 4) | (1 << 2) | (1 << 0);
    await this.writel(REG.CR1, cr1);
    // CR2: PTM | RECINVSID (E2H only for a VHE host kernel using the SMMU at EL2: not this guest)
    await this.writel(REG.CR2, CR2.PTM | CR2.RECINVSID);
    await this.writeq(REG.STRTAB_BASE, this.strtabBase);
    await this.writel(REG.STRTAB_BASE_CFG, this.strtabBaseCfg);
    await this.writeq(REG.CMDQ_BASE, this.cmdq.qBase);
    await this.writel(REG.CMDQ_PROD, this.cmdq.prod);
    await this.writel(REG.CMDQ_CONS, this.cmdq.cons);
    this.enables = CR0.CMDQEN;
    await this.writeRegSync(this.enables, REG.CR0, REG.CR0ACK);
    await this.issue([cmdCfgiAll()], true);
    await this.issue([cmdTlbi(OP.TLBI_NSNH_ALL)], true);
    await this.writeq(REG.EVTQ_BASE, this.evtq.qBase);
    await this.writel(PAGE1 + REG.EVTQ_PROD, this.evtq.prod);
    await this.writel(PAGE1 + REG.EVTQ_CONS, this.evtq.cons);
    this.enables |= CR0.EVTQEN;
    await this.writeRegSync(this.enables, REG.CR0, REG.CR0ACK);
    if (f.ats) {
      this.enables |= CR0.ATSCHK;
      await this.writeRegSync(this.enables, REG.CR0, REG.CR0ACK);
    }
    // arm_smmu_setup_irqs(): disable, (request lines), enable EVTQ | GERROR
    await this.writeRegSync(0, REG.IRQ_CTRL, REG.IRQ_CTRLACK);
    await this.writeq(REG.GERROR_IRQ_CFG0, 0n); // arm_smmu_setup_msis(): clear the MSI address regs
    await this.writeq(REG.EVTQ_IRQ_CFG0, 0n);
    await this.writeRegSync(IRQ_CTRL.EVTQ_IRQEN | IRQ_CTRL.GERROR_IRQEN, REG.IRQ_CTRL, REG.IRQ_CTRLACK);
    if (opts.enableSmmu ?? true) {
      this.enables |= CR0.SMMUEN;
      await this.writeRegSync(this.enables, REG.CR0, REG.CR0ACK);
    }
  }

  /** Probe, structures, reset: what arm_smmu_device_probe() does up to a working unit. */
  async init(opts: { enableSmmu?: boolean } = {}): Promise<SmmuFeatures> {
    const f = await this.probe();
    await this.initStructures();
    await this.reset(opts);
    return f;
  }

  // ---------------------------------------------------------------- command queue

  private qIdx(q: SmmuQueue, p: number): number {
    return p & ((1 << q.shift) - 1);
  }
  private qWrp(q: SmmuQueue, p: number): number {
    return p & (1 << q.shift);
  }
  private qInc(q: SmmuQueue, p: number, n: number): number {
    const v = ((this.qWrp(q, p) | this.qIdx(q, p)) + n) & ((2 << q.shift) - 1);
    return (p & Q_OVERFLOW_FLAG) | v;
  }
  private space(q: SmmuQueue, prod: number, cons: number): number {
    const p = this.qIdx(q, prod);
    const c = this.qIdx(q, cons);
    return this.qWrp(q, prod) === this.qWrp(q, cons) ? (1 << q.shift) - (p - c) : c - p;
  }
  /** queue_consumed(): CONS has passed `prod`. */
  private consumed(q: SmmuQueue, cons: number, prod: number): boolean {
    return (this.qWrp(q, cons) === this.qWrp(q, prod) && this.qIdx(q, cons) > this.qIdx(q, prod)) || (this.qWrp(q, cons) !== this.qWrp(q, prod) && this.qIdx(q, cons) <= this.qIdx(q, prod));
  }

  /** Current CMDQ_CONS (with ERR bits); the driver's cons follows its index+wrap. */
  async readCmdqCons(): Promise<number> {
    const c = (await this.readl(REG.CMDQ_CONS)) >>> 0;
    this.cmdq.cons = c & ((2 << this.cmdq.shift) - 1);
    return c;
  }

  /** Write `cmds` at PROD (wrapping), without touching the PROD register. Returns the new prod. */
  async queueCommands(cmds: ReadonlyArray<readonly [bigint, bigint]>): Promise<number> {
    const q = this.cmdq;
    if (cmds.length > (1 << q.shift)) throw new Error('smmu-driver: more commands than queue entries');
    for (let i = 0; i < 200 && this.space(q, q.prod, q.cons) < cmds.length; i++) {
      await this.readCmdqCons();
      if (this.space(q, q.prod, q.cons) >= cmds.length) break;
      if (await this.maybeHandleCmdqError()) continue;
      if (i >= 4) await new Promise((r) => setTimeout(r, 1));
    }
    if (this.space(q, q.prod, q.cons) < cmds.length) throw new SmmuTimeoutError('arm-smmu-v3: CMDQ timeout (no space)');
    let prod = q.prod;
    let run: bigint[] = [];
    let runStart = this.qIdx(q, prod);
    const flush = async () => {
      if (run.length) await this.writeQwords(q.base + BigInt(runStart) * 16n, run);
      run = [];
    };
    for (const c of cmds) {
      const idx = this.qIdx(q, prod);
      if (idx === 0 && run.length) {
        await flush();
        runStart = 0;
      }
      run.push(c[0], c[1]);
      prod = this.qInc(q, prod, 1);
    }
    await flush();
    q.prod = prod;
    return prod;
  }

  /** PROD ← the driver's prod (the doorbell: the unit consumes before the write returns). */
  async publishProd(): Promise<void> {
    await this.writel(REG.CMDQ_PROD, this.cmdq.prod);
  }

  /**
   * arm_smmu_cmdq_issue_cmdlist(): the commands (and a CMD_SYNC when `sync`), PROD written, and
   * with a sync CONS polled until it passed the CMD_SYNC. Returns the CONS read last.
   */
  async issue(cmds: ReadonlyArray<readonly [bigint, bigint]>, sync: boolean, cs?: 'sev' | 'irq' | 'none'): Promise<number> {
    const all = sync ? [...cmds, cmdSync(SYNC_CS[(cs ?? this.opts.syncCs).toUpperCase() as 'SEV' | 'IRQ' | 'NONE'])] : cmds;
    await this.queueCommands(all);
    const syncAt = this.qInc(this.cmdq, this.cmdq.prod, (2 << this.cmdq.shift) - 1); // prod − 1: the CMD_SYNC
    await this.publishProd();
    if (!sync) return this.cmdq.cons;
    return this.waitSync(syncAt);
  }

  /** __arm_smmu_cmdq_poll_until_consumed(): CONS past `syncProd`; a CMDQ error is handled meanwhile. */
  async waitSync(syncProd: number): Promise<number> {
    for (let i = 0; i < 200; i++) {
      const cons = await this.readCmdqCons();
      if (this.consumed(this.cmdq, this.cmdq.cons, syncProd)) return cons;
      if (await this.maybeHandleCmdqError()) continue;
      if (i >= 4) await new Promise((r) => setTimeout(r, 1));
    }
    throw new SmmuTimeoutError(`arm-smmu-v3: CMD_SYNC timeout at prod 0x${this.cmdq.prod.toString(16)}, cons 0x${this.cmdq.cons.toString(16)}`);
  }

  private async maybeHandleCmdqError(): Promise<boolean> {
    if (!this.opts.handleGerror) return false;
    const gerror = await this.readl(REG.GERROR);
    const gerrorn = await this.readl(REG.GERRORN);
    if (!((gerror ^ gerrorn) & GERROR.CMDQ_ERR)) return false;
    await this.gerrorHandler();
    return true;
  }

  /** arm_smmu_cmdq_issue_cmd_with_sync() */
  issueWithSync(cmd: readonly [bigint, bigint]): Promise<number> {
    return this.issue([cmd], true);
  }

  // ---------------------------------------------------------------- interrupts

  /**
   * arm_smmu_gerror_handler(): active = GERROR ^ GERRORN; CMDQ_ERR → arm_smmu_cmdq_skip_err();
   * then GERRORN ← GERROR (acking every active error).
   */
  async gerrorHandler(): Promise<GerrorReport | undefined> {
    const gerror = (await this.readl(REG.GERROR)) >>> 0;
    const gerrorn = (await this.readl(REG.GERRORN)) >>> 0;
    const active = (gerror ^ gerrorn) >>> 0;
    if (!(active & GERROR_ERR_MASK)) return undefined;
    const rep: GerrorReport = { gerror, gerrorn, active };
    if (active & GERROR.CMDQ_ERR) await this.skipErr(rep);
    await this.writel(REG.GERRORN, gerror);
    this.gerrors.push(rep);
    return rep;
  }

  /** __arm_smmu_cmdq_skip_err(): an illegal (or unknown-error) command becomes a CMD_SYNC (CS = SEV). */
  private async skipErr(rep: GerrorReport): Promise<void> {
    const cons = await this.readCmdqCons();
    const idx = (cons >>> 24) & 0x7f;
    rep.cons = cons;
    rep.cerror = idx;
    if (idx === CERROR.ABT || idx === CERROR.NONE || idx === CERROR.ATC_INV_SYNC) return;
    const at = this.cmdq.base + BigInt(this.qIdx(this.cmdq, cons)) * 16n;
    const [w0, w1] = (await this.readQwords(at, 2)) as [bigint, bigint];
    rep.skipped = [w0, w1];
    await this.writeQwords(at, cmdSync(SYNC_CS.SEV));
  }

  /**
   * arm_smmu_evtq_thread(): drain from CONS to PROD, CONS written after each record; PROD's
   * overflow flag compared with the last seen one (counted in evtqOverflows), then CONS's
   * overflow flag synced. Returns the records of this run.
   */
  async drainEvents(): Promise<SmmuEvent[]> {
    const q = this.evtq;
    const out: SmmuEvent[] = [];
    const mask = (2 << q.shift) - 1;
    for (let rounds = 0; rounds < 4; rounds++) {
      // queue_sync_prod_in()
      const prod = (await this.readl(PAGE1 + REG.EVTQ_PROD)) >>> 0;
      if ((prod & Q_OVERFLOW_FLAG) !== (q.prod & Q_OVERFLOW_FLAG)) this.evtqOverflows++;
      q.prod = prod;
      let n = 0;
      while (((q.prod ^ q.cons) & mask) !== 0 && n++ <= 1 << q.shift) {
        const raw = await this.bus.readMemory(q.base + BigInt(this.qIdx(q, q.cons)) * 32n, 32);
        const ev = decodeEvent(raw);
        out.push(ev);
        this.events.push(ev);
        q.cons = (q.cons & Q_OVERFLOW_FLAG) | (((q.cons & mask) + 1) & mask);
        await this.writel(PAGE1 + REG.EVTQ_CONS, q.cons);
      }
      const again = (await this.readl(PAGE1 + REG.EVTQ_PROD)) >>> 0;
      if ((again & mask) === (q.cons & mask)) {
        if ((again & Q_OVERFLOW_FLAG) !== (q.prod & Q_OVERFLOW_FLAG)) this.evtqOverflows++;
        q.prod = again;
        break;
      }
    }
    // queue_sync_cons_ovf()
    if ((q.prod & Q_OVERFLOW_FLAG) !== (q.cons & Q_OVERFLOW_FLAG)) {
      q.cons = (q.prod & Q_OVERFLOW_FLAG) | (q.cons & mask);
      await this.writel(PAGE1 + REG.EVTQ_CONS, q.cons);
    }
    return out;
  }

  // ---------------------------------------------------------------- stream table

  /** The GPA of `sid`'s STE (allocating its L2 table on a 2-level table: arm_smmu_init_l2_strtab). */
  async steGpa(sid: number, alloc = true): Promise<bigint | undefined> {
    if (!this.twoLevel) {
      if (sid >= this.numL1Ents) throw new Error(`smmu-driver: SID 0x${sid.toString(16)} beyond the linear table`);
      return this.strtabGpa + BigInt(sid) * 64n;
    }
    const l1 = sid >> STRTAB_SPLIT;
    if (l1 >= this.numL1Ents) throw new Error(`smmu-driver: SID 0x${sid.toString(16)} beyond the L1 table`);
    let t = this.l2.get(l1);
    if (t === undefined) {
      if (!alloc) return undefined;
      const bytes = 64 << STRTAB_SPLIT;
      t = await this.alloc(bytes, bytes);
      await this.initBypassStes(t, 1 << STRTAB_SPLIT);
      this.l2.set(l1, t);
      // arm_smmu_write_strtab_l1_desc(): SPAN = STRTAB_SPLIT + 1, L2PTR
      await this.writeQwords(this.strtabGpa + BigInt(l1) * 8n, [BigInt(STRTAB_SPLIT + 1) | (t & ADDR_51_6)]);
    }
    return t + BigInt(sid & ((1 << STRTAB_SPLIT) - 1)) * 64n;
  }
  l1DescGpa(sid: number): bigint {
    return this.strtabGpa + BigInt(sid >> STRTAB_SPLIT) * 8n;
  }

  /** arm_smmu_probe_device(): the master and (2-level) its L2 table. */
  async probeDevice(sid: number): Promise<SmmuMaster> {
    let m = this.masters.get(sid);
    if (m) return m;
    await this.steGpa(sid);
    m = { sid, s1cdmax: 0 };
    this.masters.set(sid, m);
    return m;
  }

  /**
   * Write an STE as arm_smmu_write_strtab_ent() does for a live change: dwords 1–7, CFGI_STE +
   * sync, dword 0, CFGI_STE + sync (`sync: false` = a buggy guest that skips the invalidation).
   */
  async writeSte(sid: number, ste: readonly bigint[], opts: { sync?: boolean } = {}): Promise<void> {
    const gpa = (await this.steGpa(sid))!;
    const sync = opts.sync ?? true;
    await this.writeQwords(gpa + 8n, ste.slice(1, 8).concat(new Array<bigint>(Math.max(0, 8 - ste.length)).fill(0n)).slice(0, 7));
    if (sync) await this.issue([cmdCfgiSte(sid)], true);
    await this.writeQwords(gpa, [ste[0]!]);
    if (!sync) return;
    await this.issue([cmdCfgiSte(sid)], true);
    // "It's likely that we'll want to use the new STE soon": PREFETCH_CFG, no sync
    await this.issue([cmdPrefetchCfg(sid)], false);
  }

  async readSte(sid: number): Promise<bigint[]> {
    return this.readQwords((await this.steGpa(sid))!, 8);
  }

  // ---------------------------------------------------------------- domains

  /**
   * A paging domain (arm_smmu_domain_finalise): stage 1 (ASID, 48-bit input, 4 levels) when the
   * unit has S1P, else stage 2 (VMID, ias = oas, start level and SL0 as io-pgtable-arm picks them).
   */
  async allocDomain(opts: { stage?: 1 | 2 } = {}): Promise<SmmuDomain> {
    const f = this.features!;
    let stage = opts.stage ?? 1;
    if (!f.s1) stage = 2;
    if (!f.s2) stage = 1;
    const pgd = await this.tablePage();
    if (stage === 1) {
      const asid = this.nextAsid++;
      if (asid >= 1 << f.asidBits) throw new Error('smmu-driver: out of ASIDs');
      return { stage, asid, vmid: 0, pgd, ias: 48, startLevel: 0 };
    }
    const vmid = this.nextVmid++;
    if (vmid >= 1 << f.vmidBits) throw new Error('smmu-driver: out of VMIDs');
    // io-pgtable-arm S2: levels = ceil((ias − 12) / 9); no concatenation for a 44/48-bit 4K pgd (> 16 entries)
    const ias = f.ias;
    const levels = Math.ceil((ias - 12) / 9);
    return { stage, asid: 0, vmid, pgd, ias, startLevel: 4 - levels };
  }

  /** TCR IPS / VTCR PS encoding of the unit's OAS (ARM_LPAE_TCR_PS_*). */
  private psField(): bigint {
    return BigInt([32, 36, 40, 42, 44, 48, 52].indexOf(this.features!.oas));
  }

  /** arm_smmu_make_s1_cd(). `r` (record faults) is Linux's CTXDESC_CD_0_R (always set). */
  s1Cd(d: SmmuDomain, opts: { r?: boolean; affd?: boolean } = {}): bigint[] {
    const tsz = BigInt(64 - d.ias);
    const w0 =
      tsz | (0n << 6n) /* TG0 4K */ | (1n << 8n) /* IRGN0 WBWA */ | (1n << 10n) /* ORGN0 WBWA */ | (3n << 12n) /* SH0 IS */ |
      CD.EPD1 | CD.V | (this.psField() << 32n) | CD.AA64 | ((opts.r ?? true) ? CD.R : 0n) | CD.A | CD.ASET | (opts.affd ? CD.AFFD : 0n) | (BigInt(d.asid) << 48n);
    return [w0, d.pgd & ADDR_51_4, 0n, MAIR, 0n, 0n, 0n, 0n];
  }

  /** arm_smmu_make_cdtable_ste() (S1DSS SSID0, WBRA, ISH, NSEL1, SHCFG incoming). */
  cdtableSte(m: SmmuMaster): bigint[] {
    const w0 = STE.V | STE.CFG_S1_TRANS | STE.S1FMT_LINEAR | (m.cdtab! & ADDR_51_6) | (BigInt(m.s1cdmax) << 59n);
    const w1 = STE.S1DSS_SSID0 | (STE.S1C_CACHE_WBRA << 2n) | (STE.S1C_CACHE_WBRA << 4n) | (ARM_SMMU_SH_ISH << 6n) | STE.STRW_NSEL1 | STE.SHCFG_INCOMING;
    return [w0, w1, 0n, 0n, 0n, 0n, 0n, 0n];
  }

  /** arm_smmu_make_s2_domain_ste(): Cfg S2, VMID, VTCR, S2AA64 | S2PTW | S2R, S2TTB. */
  s2Ste(d: SmmuDomain, opts: { s2r?: boolean; affd?: boolean } = {}): bigint[] {
    const sl = d.startLevel + 1; // 4K: SL0 format differs (sl++)
    const sl0 = BigInt(~sl & 3);
    const vtcr = BigInt(64 - d.ias) | (sl0 << 6n) | (1n << 8n) | (1n << 10n) | (3n << 12n) | (0n << 14n) | (this.psField() << 16n);
    const w2 = BigInt(d.vmid) | (vtcr << 32n) | STE.S2AA64 | STE.S2PTW | ((opts.s2r ?? true) ? STE.S2R : 0n) | (opts.affd ? STE.S2AFFD : 0n);
    return [STE.V | STE.CFG_S2_TRANS, STE.SHCFG_INCOMING, w2, d.pgd & ADDR_51_4, 0n, 0n, 0n, 0n];
  }

  /** The GPA of CD `ssid` of `sid`'s linear CD table. */
  cdGpa(sid: number, ssid = 0): bigint | undefined {
    const m = this.masters.get(sid);
    return m?.cdtab === undefined ? undefined : m.cdtab + BigInt(ssid) * 64n;
  }

  /**
   * arm_smmu_attach_dev(): stage 1 — the CD (dwords 1–3, CFGI_CD + sync when the STE is live,
   * dword 0, CFGI_CD + sync) in the master's CD table, then the CD-table STE; stage 2 — the STE.
   */
  async attach(d: SmmuDomain, sid: number, opts: { r?: boolean; s2r?: boolean; affd?: boolean } = {}): Promise<void> {
    const m = await this.probeDevice(sid);
    if (d.stage === 1) {
      const live = m.cdtab !== undefined && m.domain?.stage === 1;
      if (m.cdtab === undefined) m.cdtab = await this.alloc(64 << m.s1cdmax, 64);
      const cd = this.s1Cd(d, opts);
      await this.writeCd(sid, 0, cd, { sync: live });
      m.domain = d;
      if (!live) await this.writeSte(sid, this.cdtableSte(m));
      return;
    }
    m.domain = d;
    await this.writeSte(sid, this.s2Ste(d, opts));
  }

  /** Write CD `ssid` of `sid` with arm_smmu_write_ctx_desc()'s ordering. */
  async writeCd(sid: number, ssid: number, cd: readonly bigint[], opts: { sync?: boolean } = {}): Promise<void> {
    const gpa = this.cdGpa(sid, ssid);
    if (gpa === undefined) throw new Error(`smmu-driver: SID 0x${sid.toString(16)} has no CD table`);
    const sync = opts.sync ?? true;
    await this.writeQwords(gpa + 8n, cd.slice(1, 8));
    if (sync) await this.issue([cmdCfgiCd(sid, ssid)], true);
    await this.writeQwords(gpa, [cd[0]!]);
    if (sync) await this.issue([cmdCfgiCd(sid, ssid)], true);
  }

  /** arm_smmu_attach_dev_blocked / _identity: an abort or bypass STE. */
  async attachSpecial(sid: number, kind: 'abort' | 'bypass', opts: { sync?: boolean } = {}): Promise<void> {
    const m = await this.probeDevice(sid);
    m.domain = undefined;
    await this.writeSte(sid, [STE.V | (kind === 'abort' ? STE.CFG_ABORT : STE.CFG_BYPASS), STE.SHCFG_INCOMING, 0n, 0n, 0n, 0n, 0n, 0n], opts);
  }

  // ---------------------------------------------------------------- page tables (io-pgtable-arm, 4K)

  private async tablePage(): Promise<bigint> {
    const gpa = await this.alloc(Number(PAGE));
    this.shadow.set(gpa, new Array<bigint>(512).fill(0n));
    return gpa;
  }
  private async setEntry(table: bigint, idx: number, val: bigint): Promise<void> {
    this.shadow.get(table)![idx] = val;
    await this.writeQwords(table + BigInt(idx) * 8n, [val]);
  }
  private static idx(iova: bigint, level: number): number {
    return Number((iova >> BigInt(12 + 9 * (3 - level))) & 0x1ffn);
  }

  /** The level-3 table holding `iova`, allocating missing levels (table descriptors addr | TYPE_TABLE). */
  private leafTable(d: SmmuDomain, iova: bigint, alloc: boolean): Promise<bigint | undefined> {
    return this.tableAt(d, iova, 3, alloc);
  }

  /** The table whose entries are level-`target` entries on the walk of `iova`. */
  private async tableAt(d: SmmuDomain, iova: bigint, target: number, alloc: boolean): Promise<bigint | undefined> {
    let table = d.pgd;
    for (let level = d.startLevel; level < target; level++) {
      const i = SmmuDriver.idx(iova, level);
      const pte = this.shadow.get(table)![i]!;
      if ((pte & 3n) === PTE.TYPE_TABLE) {
        table = pte & ADDR_47_12;
        continue;
      }
      if (pte !== 0n) throw new Error(`smmu-driver: a block entry at level ${level} covers 0x${iova.toString(16)}`);
      if (!alloc) return undefined;
      const next = await this.tablePage();
      await this.setEntry(table, i, next | PTE.TYPE_TABLE);
      table = next;
    }
    return table;
  }

  /** The GPA of the entry at `level` on the walk of `iova` (tests poke tables with it). */
  async ptePointer(d: SmmuDomain, iova: bigint, level = 3): Promise<bigint | undefined> {
    let table = d.pgd;
    for (let l = d.startLevel; l < level; l++) {
      const pte = this.shadow.get(table)![SmmuDriver.idx(iova, l)]!;
      if ((pte & 3n) !== PTE.TYPE_TABLE) return undefined;
      table = pte & ADDR_47_12;
    }
    return table + BigInt(SmmuDriver.idx(iova, level)) * 8n;
  }

  /** arm_lpae_prot_to_pte() + __arm_lpae_init_pte() for a 4K page. */
  leafPte(d: SmmuDomain, pa: bigint, prot: SmmuProt): bigint {
    const read = prot.read ?? true;
    const write = prot.write ?? true;
    const cache = prot.cache ?? true;
    let pte: bigint;
    if (d.stage === 1) {
      pte = PTE.nG;
      if (!write && read) pte |= PTE.AP_RDONLY;
      if (!prot.priv) pte |= PTE.AP_UNPRIV;
      const idx = prot.mmio ? MAIR_IDX.DEV : cache ? MAIR_IDX.CACHE : MAIR_IDX.NC;
      pte |= BigInt(idx) << 2n;
    } else {
      pte = 0n;
      if (read) pte |= PTE.HAP_READ;
      if (write) pte |= PTE.HAP_WRITE;
      pte |= prot.mmio ? S2_MEMATTR.DEV : cache ? S2_MEMATTR.OIWB : S2_MEMATTR.NC;
    }
    pte |= cache ? PTE.SH_IS : PTE.SH_OS;
    if (prot.noexec) pte |= PTE.XN;
    if (!prot.noAf) pte |= PTE.AF;
    return (pa & ADDR_47_12) | pte | PTE.TYPE_PAGE;
  }

  /** iommu_map() of 4 KiB pages (no invalidation after a map, as Linux). */
  async map(d: SmmuDomain, iova: bigint, pa: bigint, len: bigint, prot: SmmuProt = {}): Promise<void> {
    if ((iova | pa | len) & 0xfffn || len === 0n) throw new Error('smmu-driver: map needs 4K-aligned arguments');
    if (iova + len > 1n << BigInt(d.ias)) throw new Error('smmu-driver: IOVA beyond the domain input size');
    for (let off = 0n; off < len; off += PAGE) {
      const va = iova + off;
      const t = (await this.leafTable(d, va, true))!;
      const i = SmmuDriver.idx(va, 3);
      if (this.shadow.get(t)![i] !== 0n) throw new Error(`smmu-driver: IOVA 0x${va.toString(16)} already mapped`);
      await this.setEntry(t, i, this.leafPte(d, pa + off, prot));
    }
  }

  /**
   * iommu_map() with 2 MiB blocks (level-2 block descriptors, io-pgtable's choice when IOVA, PA
   * and size are 2 MiB aligned). No invalidation after a map.
   */
  async mapBlocks(d: SmmuDomain, iova: bigint, pa: bigint, len: bigint, prot: SmmuProt = {}): Promise<void> {
    const B = 1n << 21n;
    if ((iova | pa | len) & (B - 1n) || len === 0n) throw new Error('smmu-driver: mapBlocks needs 2 MiB-aligned arguments');
    if (iova + len > 1n << BigInt(d.ias)) throw new Error('smmu-driver: IOVA beyond the domain input size');
    for (let off = 0n; off < len; off += B) {
      const t = (await this.tableAt(d, iova + off, 2, true))!;
      const i = SmmuDriver.idx(iova + off, 2);
      if (this.shadow.get(t)![i] !== 0n) throw new Error(`smmu-driver: IOVA 0x${(iova + off).toString(16)} already mapped`);
      await this.setEntry(t, i, (this.leafPte(d, pa + off, prot) & ~3n) | PTE.TYPE_BLOCK);
    }
  }

  /**
   * The STE of a nested configuration (Config 7: what a hypervisor, not Linux's guest driver,
   * programs): the CD table (by IPA) of `m` with the stage-1 fields of arm_smmu_make_cdtable_ste,
   * and the stage-2 fields of arm_smmu_make_s2_domain_ste for `s2`.
   */
  nestedSte(m: SmmuMaster, s2: SmmuDomain, opts: { s2r?: boolean } = {}): bigint[] {
    const s1 = this.cdtableSte(m);
    const s2w = this.s2Ste(s2, opts);
    return [(s1[0]! & ~(7n << 1n)) | STE.CFG_NESTED, s1[1]!, s2w[2]!, s2w[3]!, 0n, 0n, 0n, 0n];
  }

  /** A stage-1 domain over a stage-2 domain on `sid` (CD and stage-1 tables addressed by IPA). */
  async attachNested(s1: SmmuDomain, s2: SmmuDomain, sid: number, opts: { r?: boolean; s2r?: boolean } = {}): Promise<void> {
    const m = await this.probeDevice(sid);
    if (m.cdtab === undefined) m.cdtab = await this.alloc(64 << m.s1cdmax, 64);
    await this.writeCd(sid, 0, this.s1Cd(s1, opts), { sync: false });
    m.domain = s1;
    await this.writeSte(sid, this.nestedSte(m, s2, opts));
  }

  /** Rewrite the leaf of a mapped `iova` without any invalidation (the caller decides). */
  async setLeaf(d: SmmuDomain, iova: bigint, val: bigint): Promise<void> {
    const t = await this.leafTable(d, iova, false);
    if (t === undefined) throw new Error('smmu-driver: no table for IOVA');
    await this.setEntry(t, SmmuDriver.idx(iova, 3), val);
  }

  /**
   * iommu_unmap(): clear the leaves, then (unless `skipTlbi`: a buggy guest) arm_smmu_iotlb_sync
   * → the range invalidation + CMD_SYNC. Returns the invalidation commands sent.
   */
  async unmap(d: SmmuDomain, iova: bigint, len: bigint, opts: { skipTlbi?: boolean } = {}): Promise<Array<[bigint, bigint]>> {
    for (let off = 0n; off < len; off += PAGE) {
      const t = await this.leafTable(d, iova + off, false);
      if (t !== undefined) await this.setEntry(t, SmmuDriver.idx(iova + off, 3), 0n);
    }
    if (opts.skipTlbi) return [];
    return this.tlbInvRange(d, iova, len);
  }

  /**
   * __arm_smmu_tlb_inv_range() for leaf 4 KiB entries: with RIL, TG = 1 (4K), TTL = 3, and per
   * chunk SCALE = ffs(pages), NUM = ((pages >> SCALE) & 31) − 1; without RIL one command per
   * page. Stage 1: TLBI_NH_VA with the ASID; stage 2: TLBI_S2_IPA with the VMID. Then CMD_SYNC.
   */
  tlbiRangeCmds(d: SmmuDomain, iova: bigint, size: bigint, granule = PAGE, leaf = true): Array<[bigint, bigint]> {
    const op = d.stage === 1 ? OP.TLBI_NH_VA : OP.TLBI_S2_IPA;
    const base: TlbiFields = d.stage === 1 ? { asid: d.asid, leaf } : { vmid: d.vmid, leaf };
    const out: Array<[bigint, bigint]> = [];
    const end = iova + size;
    if (this.features!.ril) {
      const tg = 12;
      const ttl = leaf ? 4 - Math.floor((ilog2(granule) - 3) / (tg - 3)) : 0;
      let numPages = size >> BigInt(tg);
      while (iova < end && numPages > 0n) {
        const scale = ffs(numPages);
        const num = Number((numPages >> BigInt(scale)) & 31n);
        out.push(cmdTlbi(op, { ...base, tg: (tg - 10) / 2, ttl, scale, num: num - 1, addr: iova }));
        const range = BigInt(num) << BigInt(scale + tg);
        numPages -= BigInt(num) << BigInt(scale);
        iova += range;
      }
      return out;
    }
    for (; iova < end; iova += granule) out.push(cmdTlbi(op, { ...base, addr: iova }));
    return out;
  }

  async tlbInvRange(d: SmmuDomain, iova: bigint, size: bigint): Promise<Array<[bigint, bigint]>> {
    const cmds = this.tlbiRangeCmds(d, iova, size);
    // arm_smmu_cmdq_batch_add(): a full batch (CMDQ_BATCH_ENTRIES = 64) is issued without a sync,
    // arm_smmu_cmdq_batch_submit() issues the rest with one
    let i = 0;
    for (; cmds.length - i > 64; i += 64) await this.issue(cmds.slice(i, i + 64), false);
    await this.issue(cmds.slice(i), true);
    return cmds;
  }

  /** arm_smmu_tlb_inv_context(): TLBI_NH_ASID (stage 1) or TLBI_S12_VMALL (stage 2), with sync. */
  async tlbInvContext(d: SmmuDomain): Promise<void> {
    if (d.stage === 1) await this.issue([cmdTlbi(OP.TLBI_NH_ASID, { asid: d.asid })], true);
    else await this.issue([cmdTlbi(OP.TLBI_S12_VMALL, { vmid: d.vmid })], true);
  }

  /** arm_smmu_device_disable() */
  async disable(): Promise<void> {
    await this.writeRegSync(0, REG.CR0, REG.CR0ACK);
    this.enables = 0;
  }
}

/** io-pgtable protection of a mapping (IOMMU_READ/WRITE/CACHE/NOEXEC/MMIO/PRIV). */
export interface SmmuProt {
  read?: boolean;
  write?: boolean;
  cache?: boolean;
  noexec?: boolean;
  mmio?: boolean;
  priv?: boolean;
  /** leave AF clear (to provoke an access fault; Linux always sets it) */
  noAf?: boolean;
}

function ilog2(x: bigint): number {
  let n = -1;
  while (x > 0n) {
    x >>= 1n;
    n++;
  }
  return n;
}
function ffs(x: bigint): number {
  let n = 0;
  while (!(x & 1n)) {
    x >>= 1n;
    n++;
  }
  return n;
}
