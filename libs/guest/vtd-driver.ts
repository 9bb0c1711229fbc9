/**
 * A guest driver for the vmm's intel-iommu (contract tests and B7): it programs the DMAR unit
 * over gRPC (Guest.MmioRead/MmioWrite on the register block, Guest.ReadMemory/WriteMemory for the
 * structures in guest RAM) in the order Linux's drivers/iommu/intel/ driver does:
 *
 *   probe        map_iommu()/alloc_iommu(): VER, CAP, ECAP, then GSTS (translation pre-enabled?)
 *   init         intel_iommu_init_qi(): dmar_fault() to clear stale records, dmar_disable_qi(),
 *                __dmar_enable_qi(): IQT ← 0, IQA ← queue | (DW|QS when ECAP.SMTS), GCMD ← gcmd|QIE,
 *                wait GSTS.QIES; iommu_alloc_root_entry(); dmar_set_interrupt(): FEDATA, FEADDR,
 *                FEUADDR, FECTL ← 0 (unmask), dmar_fault(); iommu_set_root_entry(): RTADDR (| SMT),
 *                GCMD ← gcmd|SRTP, wait GSTS.RTPS, and unless CAP.ESRTPS a global context-cache,
 *                (scalable: global PASID-cache) and global IOTLB flush; iommu_enable_translation():
 *                gcmd |= TE, wait GSTS.TES.
 *   attach       domain_context_mapping_one(): the context table allocated on first use (root
 *                entry = table | P), context entry = DID, AW = agaw, SLPTPTR, TT 0, FPD clear, P;
 *                with CAP.CM a device-selective context-cache flush then a DSI IOTLB flush.
 *   map / unmap  4-level (aw 48) or 3-level (aw 39) second-stage tables, non-leaf entries R|W;
 *                map under CAP.CM is followed by a PSI (iotlb_sync_map); unmap clears the leaves
 *                and then a PSI whose AM comes from calculate_psi_aligned_address() (IH set when
 *                no table page was freed, as cache_tag_flush_range(.., ih)), or a DSI when AM
 *                exceeds CAP.MAMV.
 *   QI           qi_submit_sync(): descriptors then an inv_wait (SW, status data QI_DONE, status
 *                address = the slot's desc_status word), IQT ← free_head << shift, then polls the
 *                status word, checking FSTS like qi_check_fault() (IQE: the bad descriptor is
 *                overwritten with the wait descriptor, IQE cleared, -EINVAL).
 *   faults       dmar_fault(): FSTS; if PPF, from FRI on read FRCD dword 3 (F, FR, T, PV), dword 2
 *                (SID, PP), qword 0 (address), clear F (W1C, 32-bit write of dword 3); finally
 *                FSTS ← PFO|PPF|PRO.
 *   scalable     RTADDR.SMT, IQA DW|QS (32-byte descriptors); at device probe the context entry
 *                (32 B; root lo for devfn < 0x80, hi above) points at a one-page PASID directory
 *                (context_entry_set_pasid_table), CM → device-selective context flush; attach =
 *                the PASID-0 entry (pasid_pte_config_second_level: SSPTPTR, AW, PGTT 2, DID; or
 *                _first_level: FSPTPTR, PGTT 1) then pasid_flush_caches() (CM: PASID-selective
 *                PASID-cache + PASID-IOTLB all-in-PASID). First-stage PTEs carry P|RW|US|A(|D);
 *                no flush after map; unmap flushes with a PASID-IOTLB PSI (qi_batch_add_piotlb).
 *
 * Register bit values are the VT-d ones (Linux include/linux/intel-iommu.h / QEMU
 * intel_iommu_internal.h); see shared/reference/nesting-and-vtd.md §B.
 */
import { call, type VmmClients } from '#libs/rpc/client.js';

export const DMAR_BASE = 0xfed90000n;

export const REG = {
  VER: 0x00, CAP: 0x08, ECAP: 0x10, GCMD: 0x18, GSTS: 0x1c, RTADDR: 0x20, CCMD: 0x28,
  FSTS: 0x34, FECTL: 0x38, FEDATA: 0x3c, FEADDR: 0x40, FEUADDR: 0x44, PMEN: 0x64,
  IQH: 0x80, IQT: 0x88, IQA: 0x90, ICS: 0x9c, IECTL: 0xa0, IEDATA: 0xa4, IEADDR: 0xa8, IEUADDR: 0xac,
  IRTA: 0xb8,
} as const;

export const GCMD = { TE: 1 << 31 >>> 0, SRTP: 1 << 30, SFL: 1 << 29, EAFL: 1 << 28, WBF: 1 << 27, QIE: 1 << 26, IRE: 1 << 25, SIRTP: 1 << 24, CFI: 1 << 23 } as const;
export const FSTS = { PFO: 1 << 0, PPF: 1 << 1, IQE: 1 << 4, ICE: 1 << 5, ITE: 1 << 6, PRO: 1 << 7 } as const;
export const FECTL_IM = 0x80000000;

/** Linux enum qi_status. */
export const QI_FREE = 0, QI_IN_USE = 1, QI_DONE = 2, QI_ABORT = 3;
export const QI_LENGTH = 256;

export const DESC = { CC: 1n, IOTLB: 2n, DIOTLB: 3n, IEC: 4n, IWD: 5n, PIOTLB: 6n, PC: 7n } as const;
export const GRAN = { GLOBAL: 1n, DOMAIN: 2n, PAGE: 3n, DEVICE: 3n } as const;

export const PTE_R = 1n, PTE_W = 2n, PTE_LARGE = 1n << 7n;
export const PAGE = 0x1000n;
const ADDR_MASK = ((1n << 52n) - 1n) & ~0xfffn;

/** CAP / ECAP fields as Linux's cap_*() / ecap_*() macros read them. */
export const cap = {
  nd: (c: bigint) => Number(c & 7n),
  cm: (c: bigint) => (c >> 7n) & 1n,
  sagaw: (c: bigint) => Number((c >> 8n) & 0x1fn),
  mgaw: (c: bigint) => Number((c >> 16n) & 0x3fn) + 1,
  faultRegOffset: (c: bigint) => Number((c >> 24n) & 0x3ffn) * 16,
  sslps: (c: bigint) => Number((c >> 34n) & 0xfn),
  psi: (c: bigint) => (c >> 39n) & 1n,
  numFaultRegs: (c: bigint) => Number((c >> 40n) & 0xffn) + 1,
  mamv: (c: bigint) => Number((c >> 48n) & 0x3fn),
  dwd: (c: bigint) => (c >> 54n) & 1n,
  drd: (c: bigint) => (c >> 55n) & 1n,
  fs1gp: (c: bigint) => (c >> 56n) & 1n,
  esrtps: (c: bigint) => (c >> 63n) & 1n,
};
export const ecap = {
  qi: (e: bigint) => (e >> 1n) & 1n,
  dt: (e: bigint) => (e >> 2n) & 1n,
  pt: (e: bigint) => (e >> 6n) & 1n,
  sc: (e: bigint) => (e >> 7n) & 1n,
  iro: (e: bigint) => Number((e >> 8n) & 0x3ffn) * 16,
  srs: (e: bigint) => (e >> 31n) & 1n,
  pasid: (e: bigint) => (e >> 40n) & 1n,
  pss: (e: bigint) => Number((e >> 35n) & 0x1fn),
  smts: (e: bigint) => (e >> 43n) & 1n,
  ssts: (e: bigint) => (e >> 46n) & 1n,
  fsts: (e: bigint) => (e >> 47n) & 1n,
};

/** One fault as dmar_fault() decodes it (plus the raw FRCD qwords). */
export interface VtdFaultRecord {
  index: number;
  reason: number;
  /** dma_frcd_type(): 1 = DMA read, 0 = DMA write */
  type: number;
  sid: number;
  pasidPresent: boolean;
  pasid: number;
  addr: bigint;
  lo: bigint;
  hi: bigint;
}

export interface VtdDomain {
  did: number;
  agaw: number;
  levels: number;
  pgd: bigint;
  /** a first-stage (x86 format) domain: PASID entry PGTT=FST, PTEs P|RW|US|A(|D) */
  firstStage: boolean;
}

/** x86 first-stage PTE bits (DMA_FL_PTE_*). */
export const FL = { P: 1n, RW: 2n, US: 4n, A: 1n << 5n, D: 1n << 6n, PS: 1n << 7n } as const;

export class QiError extends Error {
  constructor(
    readonly rc: 'EINVAL' | 'ETIMEDOUT',
    readonly fsts: number,
    readonly iqh: bigint,
  ) {
    super(`qi_submit_sync: ${rc} (FSTS 0x${fsts.toString(16)}, IQH 0x${iqh.toString(16)})`);
  }
}

type Guest = VmmClients['Guest'];

export interface VtdDriverOptions {
  vm: string;
  /** Guest-physical pages the driver may allocate its tables from: [start, end). */
  pool: { start: bigint; end: bigint };
  base?: bigint;
  /** MSI the fault event is programmed with (dmar_set_interrupt → dmar_msi_write). */
  faultMsi?: { addr: bigint; data: number };
}

export class VtdDriver {
  readonly vm: string;
  readonly base: bigint;
  ver = 0n;
  cap = 0n;
  ecap = 0n;
  /** Linux iommu->gcmd: the persistent command bits (TE, QIE, ...) this driver has set. */
  gcmd = 0;
  agaw = 0;
  rootGpa = 0n;
  sm = false;
  /** the invalidation queue (desc page(s)) and the desc_status words */
  private qiDesc = 0n;
  private qiStatus = 0n;
  private qiShift = 4;
  private freeHead = 0;
  qiEnabled = false;
  private nextPage: bigint;
  private readonly pool: { start: bigint; end: bigint };
  private readonly faultMsi: { addr: bigint; data: number };
  private nextDid = 2; // IDA_START_DID: 0 (caching mode) and 1 (FLPT_DEFAULT_DID) are reserved
  /** The driver's own view of its table pages (what the kernel holds in its VA). */
  private readonly shadow = new Map<bigint, bigint[]>();
  /** context tables by bus */
  private readonly ctxTable = new Map<number, bigint>();
  /** Every MMIO access in order (for tests checking the register sequence). */
  readonly trace: Array<{ op: 'r' | 'w'; off: number; size: 4 | 8; value: bigint }> = [];

  constructor(
    private readonly g: Guest,
    opts: VtdDriverOptions,
  ) {
    this.vm = opts.vm;
    this.base = opts.base ?? DMAR_BASE;
    this.pool = opts.pool;
    this.nextPage = opts.pool.start;
    this.faultMsi = opts.faultMsi ?? { addr: 0xfee00000n, data: 0x41 };
  }

  // ---------------------------------------------------------------- register access

  async read(off: number, size: 4 | 8): Promise<bigint> {
    const r = await call(this.g.MmioRead, { vm: this.vm, addr: String(this.base + BigInt(off)), size });
    const value = BigInt(r.value);
    this.trace.push({ op: 'r', off, size, value });
    return value;
  }
  async write(off: number, size: 4 | 8, value: bigint | number): Promise<void> {
    const v = BigInt(value) & (size === 4 ? 0xffffffffn : (1n << 64n) - 1n);
    this.trace.push({ op: 'w', off, size, value: v });
    await call(this.g.MmioWrite, { vm: this.vm, addr: String(this.base + BigInt(off)), size, value: String(v) });
  }
  readl = async (off: number): Promise<number> => Number(await this.read(off, 4));
  readq = (off: number): Promise<bigint> => this.read(off, 8);
  writel = (off: number, v: number | bigint): Promise<void> => this.write(off, 4, v);
  writeq = (off: number, v: bigint): Promise<void> => this.write(off, 8, v);

  /** IOMMU_WAIT_OP: poll `off` until cond holds (Linux panics after DMAR_OPERATION_TIMEOUT). */
  private async waitOp(off: number, cond: (sts: number) => boolean, what: string): Promise<number> {
    for (let i = 0; i < 200; i++) {
      const sts = await this.readl(off);
      if (cond(sts)) return sts;
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error(`DMAR hardware is malfunctioning: ${what} never completed`);
  }

  // ---------------------------------------------------------------- guest RAM

  async readMem(gpa: bigint, n: number): Promise<Buffer> {
    return Buffer.from((await call(this.g.ReadMemory, { vm: this.vm, gpa: String(gpa), length: String(n) })).data);
  }
  async writeMem(gpa: bigint, data: Buffer): Promise<void> {
    await call(this.g.WriteMemory, { vm: this.vm, gpa: String(gpa), data });
  }
  async writeQwords(gpa: bigint, qs: bigint[]): Promise<void> {
    const b = Buffer.alloc(qs.length * 8);
    qs.forEach((q, i) => b.writeBigUInt64LE(q & ((1n << 64n) - 1n), i * 8));
    await this.writeMem(gpa, b);
  }
  async readQwords(gpa: bigint, n: number): Promise<bigint[]> {
    const b = await this.readMem(gpa, n * 8);
    return Array.from({ length: n }, (_, i) => b.readBigUInt64LE(i * 8));
  }

  /** alloc_pgtable_page(): a zeroed page from the pool (`pages` contiguous, 4K aligned). */
  async allocPages(pages = 1): Promise<bigint> {
    const gpa = this.nextPage;
    if (gpa + BigInt(pages) * PAGE > this.pool.end) throw new Error('vtd-driver: page pool exhausted');
    this.nextPage += BigInt(pages) * PAGE;
    await this.writeMem(gpa, Buffer.alloc(pages * 4096));
    return gpa;
  }
  private async tablePage(): Promise<bigint> {
    const gpa = await this.allocPages(1);
    this.shadow.set(gpa, new Array<bigint>(512).fill(0n));
    return gpa;
  }
  private async setEntry(table: bigint, idx: number, val: bigint): Promise<void> {
    this.shadow.get(table)![idx] = val;
    await this.writeQwords(table + BigInt(idx) * 8n, [val]);
  }

  // ---------------------------------------------------------------- bring-up

  /** map_iommu() / alloc_iommu(): CAP, ECAP, VER, and GSTS for pre-enabled state. */
  async probe(): Promise<{ ver: bigint; cap: bigint; ecap: bigint; gsts: number }> {
    this.cap = await this.readq(REG.CAP);
    this.ecap = await this.readq(REG.ECAP);
    this.ver = await this.read(REG.VER, 4);
    const gsts = await this.readl(REG.GSTS);
    if (gsts & GCMD.TE) this.gcmd |= GCMD.TE;
    if (gsts & GCMD.QIE) this.gcmd |= GCMD.QIE;
    // iommu_calculate_agaw(): the largest supported AGAW not above DEFAULT_DOMAIN_ADDRESS_WIDTH
    const sagaw = cap.sagaw(this.cap);
    this.agaw = -1;
    for (let a = 4; a >= 0; a--) if (sagaw & (1 << a)) { this.agaw = a; break; }
    if (this.agaw < 1) throw new Error(`vtd-driver: no usable AGAW in SAGAW 0x${sagaw.toString(16)}`);
    return { ver: this.ver, cap: this.cap, ecap: this.ecap, gsts };
  }

  /** The init_dmars() / intel_iommu_init() sequence up to translation enabled. */
  /**
   * `qi: false` takes intel_iommu_init_qi()'s fallback (dmar_enable_qi() failed): register-based
   * context-cache and IOTLB invalidation through CCMD and the IOTLB registers at ECAP.IRO.
   */
  async init(opts: { scalable?: boolean; enableTranslation?: boolean; qi?: boolean } = {}): Promise<void> {
    if (this.cap === 0n) await this.probe();
    this.sm = !!opts.scalable && ecap.smts(this.ecap) === 1n;
    // intel_iommu_init_qi()
    await this.dmarFault();
    await this.disableQi();
    if (ecap.qi(this.ecap) && (opts.qi ?? true)) await this.enableQi();
    // iommu_alloc_root_entry()
    this.rootGpa = await this.tablePage();
    // dmar_set_interrupt()
    await this.setInterrupt();
    // iommu_set_root_entry()
    await this.setRootEntry();
    if (opts.enableTranslation ?? true) await this.enableTranslation();
  }

  async disableQi(): Promise<void> {
    if (!ecap.qi(this.ecap)) return;
    const sts = await this.readl(REG.GSTS);
    if (!(sts & GCMD.QIE)) return;
    this.gcmd &= ~GCMD.QIE;
    await this.writel(REG.GCMD, this.gcmd);
    await this.waitOp(REG.GSTS, (s) => !(s & GCMD.QIE), 'QIE off');
    this.qiEnabled = false;
  }

  /** dmar_enable_qi() / __dmar_enable_qi() */
  async enableQi(): Promise<void> {
    const smts = ecap.smts(this.ecap) === 1n;
    this.qiDesc = await this.allocPages(smts ? 2 : 1);
    this.qiStatus = await this.allocPages(1); // desc_status[QI_LENGTH] (int)
    this.qiShift = smts ? 5 : 4; // qi_shift(): DW follows ECAP.SMTS
    this.freeHead = 0;
    let val = this.qiDesc;
    if (smts) val |= (1n << 11n) | 1n;
    await this.writel(REG.IQT, 0);
    await this.writeq(REG.IQA, val);
    this.gcmd |= GCMD.QIE;
    await this.writel(REG.GCMD, this.gcmd);
    await this.waitOp(REG.GSTS, (s) => (s & GCMD.QIE) !== 0, 'QIE');
    this.qiEnabled = true;
  }
  get queueGpa(): bigint { return this.qiDesc; }
  get queueShift(): number { return this.qiShift; }
  get head(): number { return this.freeHead; }

  /** dmar_set_interrupt(): dmar_msi_write() then unmask, then clear what is pending. */
  async setInterrupt(): Promise<void> {
    await this.writel(REG.FEDATA, this.faultMsi.data);
    await this.writel(REG.FEADDR, Number(this.faultMsi.addr & 0xffffffffn));
    await this.writel(REG.FEUADDR, Number(this.faultMsi.addr >> 32n));
    await this.writel(REG.FECTL, 0);
    await this.dmarFault();
  }

  /** iommu_set_root_entry() */
  async setRootEntry(): Promise<void> {
    let addr = this.rootGpa;
    if (this.sm) addr |= 1n << 10n; // DMA_RTADDR_SMT
    await this.writeq(REG.RTADDR, addr);
    await this.writel(REG.GCMD, (this.gcmd | GCMD.SRTP) >>> 0);
    await this.waitOp(REG.GSTS, (s) => (s & GCMD.SRTP) !== 0, 'SRTP');
    if (cap.esrtps(this.cap)) return; // hardware with ESRTPS doesn't need the cache flushes
    await this.flushContext(0, 0, 0, GRAN.GLOBAL);
    if (this.sm) await this.qiSubmit([this.pcDesc(0, 0, 3n)]);
    await this.flushIotlb(0, 0n, 0, GRAN.GLOBAL);
  }

  /** iommu_enable_translation() */
  async enableTranslation(): Promise<void> {
    this.gcmd = (this.gcmd | GCMD.TE) >>> 0;
    await this.writel(REG.GCMD, this.gcmd);
    await this.waitOp(REG.GSTS, (s) => (s & GCMD.TE) !== 0, 'TE');
  }
  /** iommu_disable_translation() */
  async disableTranslation(): Promise<void> {
    this.gcmd = (this.gcmd & ~GCMD.TE) >>> 0;
    await this.writel(REG.GCMD, this.gcmd);
    await this.waitOp(REG.GSTS, (s) => (s & GCMD.TE) === 0, 'TE off');
  }

  // ---------------------------------------------------------------- invalidation

  /**
   * qi_submit_sync(): `descs` (each 2 or 4 qwords), then an inv_wait writing QI_DONE to the
   * slot's status word; polls it. Returns the queue index of the first descriptor.
   */
  async qiSubmit(descs: bigint[][], opts: { wait?: boolean } = {}): Promise<number> {
    if (!this.qiEnabled) throw new Error('vtd-driver: QI not enabled');
    const size = 1 << this.qiShift;
    const index = this.freeHead;
    const count = descs.length;
    const waitIndex = (index + count) % QI_LENGTH;
    for (let i = 0; i < count; i++) {
      const slot = (index + i) % QI_LENGTH;
      await this.writeQwords(this.qiDesc + BigInt(slot * size), pad(descs[i]!, size / 8));
      await this.setStatus(slot, QI_IN_USE);
    }
    await this.setStatus(waitIndex, QI_IN_USE);
    const statusAddr = this.qiStatus + BigInt(waitIndex * 4);
    const wait = [(BigInt(QI_DONE) << 32n) | (1n << 5n) | DESC.IWD, statusAddr];
    await this.writeQwords(this.qiDesc + BigInt(waitIndex * size), pad(wait, size / 8));
    this.freeHead = (this.freeHead + count + 1) % QI_LENGTH;
    await this.writel(REG.IQT, this.freeHead << this.qiShift);
    if (opts.wait === false) return index;
    let rc: QiError | undefined;
    for (let spin = 0; ; spin++) {
      if ((await this.status(waitIndex)) === QI_DONE) break;
      rc = await this.qiCheckFault(index, waitIndex);
      if (rc) break;
      if (spin > 200) {
        rc = new QiError('ETIMEDOUT', await this.readl(REG.FSTS), await this.readq(REG.IQH));
        break;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    for (let i = 0; i <= count; i++) await this.setStatus((index + i) % QI_LENGTH, QI_FREE);
    if (rc) throw rc;
    return index;
  }

  async status(slot: number): Promise<number> {
    return (await this.readMem(this.qiStatus + BigInt(slot * 4), 4)).readUInt32LE(0);
  }
  private async setStatus(slot: number, v: number): Promise<void> {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    await this.writeMem(this.qiStatus + BigInt(slot * 4), b);
  }
  statusGpa(slot: number): bigint { return this.qiStatus + BigInt(slot * 4); }

  /** qi_check_fault(): IQE at our index → replace the bad descriptor by the wait, clear IQE. */
  private async qiCheckFault(index: number, waitIndex: number): Promise<QiError | undefined> {
    const fault = await this.readl(REG.FSTS);
    if (fault & FSTS.IQE) {
      const head = await this.readq(REG.IQH);
      if (Number(head >> BigInt(this.qiShift)) === index) {
        const size = 1 << this.qiShift;
        const wait = await this.readMem(this.qiDesc + BigInt(waitIndex * size), size);
        await this.writeMem(this.qiDesc + BigInt(index * size), wait);
        await this.writel(REG.FSTS, FSTS.IQE);
        return new QiError('EINVAL', fault, head);
      }
    }
    if (fault & FSTS.ICE) await this.writel(REG.FSTS, FSTS.ICE);
    return undefined;
  }

  /** iommu->flush.flush_context: qi_flush_context() or __iommu_flush_context(). */
  async flushContext(did: number, sid: number, fm: number, gran: bigint): Promise<void> {
    if (this.qiEnabled) {
      await this.qiSubmit([[(BigInt(fm) << 48n) | (BigInt(sid) << 32n) | (BigInt(did) << 16n) | (gran << 4n) | DESC.CC, 0n]]);
      return;
    }
    // register based: CCMD = ICC | CIRG | FM | SID | DID, wait for ICC to clear
    const val = (1n << 63n) | (gran << 61n) | (BigInt(fm) << 32n) | (BigInt(sid) << 16n) | BigInt(did);
    await this.writeq(REG.CCMD, val);
    for (let i = 0; i < 200; i++) if (!((await this.readq(REG.CCMD)) >> 63n)) return;
    throw new Error('vtd-driver: CCMD.ICC never cleared');
  }

  /** qi_desc_iotlb() + qi_submit_sync(), or __iommu_flush_iotlb() without QI. */
  async flushIotlb(did: number, addr: bigint, am: number, gran: bigint, ih = false): Promise<void> {
    if (this.qiEnabled) {
      await this.qiSubmit([this.iotlbDesc(did, addr, am, gran, ih)]);
      return;
    }
    const iro = ecap.iro(this.ecap);
    if (gran === GRAN.PAGE) await this.writeq(iro, (addr & ~0xfffn) | (ih ? 1n << 6n : 0n) | BigInt(am));
    const val = (1n << 63n) | (gran << 60n) | (cap.drd(this.cap) << 49n) | (cap.dwd(this.cap) << 48n) | (BigInt(did) << 32n);
    await this.writeq(iro + 8, val);
    for (let i = 0; i < 200; i++) if (!((await this.readq(iro + 8)) >> 63n)) return;
    throw new Error('vtd-driver: IOTLB.IVT never cleared');
  }

  /** qi_desc_piotlb(): type 6, G 2 (all in PASID) or 3 (PSI in PASID). */
  piotlbDesc(did: number, pasid: number, addr: bigint, am: number, gran: bigint, ih = false): bigint[] {
    const qw0 = (BigInt(pasid) << 32n) | (BigInt(did) << 16n) | (gran << 4n) | DESC.PIOTLB;
    const qw1 = gran === 3n ? (addr & ~0xfffn) | (ih ? 1n << 6n : 0n) | BigInt(am) : 0n;
    return [qw0, qw1, 0n, 0n];
  }
  /** qi_flush_pasid_cache(): type 7, G 0 (domain), 1 (PASID-selective), 3 (global). */
  pcDesc(did: number, pasid: number, gran: bigint): bigint[] {
    return [(BigInt(pasid) << 32n) | (BigInt(did) << 16n) | (gran << 4n) | DESC.PC, 0n, 0n, 0n];
  }

  iotlbDesc(did: number, addr: bigint, am: number, gran: bigint, ih = false): bigint[] {
    const qw0 = (BigInt(did) << 16n) | (cap.drd(this.cap) << 7n) | (cap.dwd(this.cap) << 6n) | (gran << 4n) | DESC.IOTLB;
    const qw1 = (addr & ~0xfffn) | (ih ? 1n << 6n : 0n) | BigInt(am);
    return [qw0, qw1];
  }

  /**
   * cache_tag_flush_range() for a second-stage domain: PSI with the mask of
   * calculate_psi_aligned_address(), or DSI when PSI is not supported or AM > MAMV.
   */
  async flushRange(d: VtdDomain, start: bigint, end: bigint, ih = false): Promise<{ addr: bigint; am: number; gran: bigint }> {
    const { addr, mask } = psiAligned(start, end);
    if (d.firstStage) {
      // qi_batch_add_piotlb(): PASID-based IOTLB, PSI within PASID 0 (IOMMU_NO_PASID)
      if (mask > cap.mamv(this.cap)) {
        await this.qiSubmit([this.piotlbDesc(d.did, 0, 0n, 0, 2n)]);
        return { addr: 0n, am: 0, gran: 2n };
      }
      await this.qiSubmit([this.piotlbDesc(d.did, 0, addr, mask, 3n, ih)]);
      return { addr, am: mask, gran: 3n };
    }
    if (!cap.psi(this.cap) || mask > cap.mamv(this.cap)) {
      await this.flushIotlb(d.did, 0n, 0, GRAN.DOMAIN);
      return { addr: 0n, am: 0, gran: GRAN.DOMAIN };
    }
    await this.flushIotlb(d.did, addr, mask, GRAN.PAGE, ih);
    return { addr, am: mask, gran: GRAN.PAGE };
  }

  // ---------------------------------------------------------------- domains and devices

  /**
   * A paging domain with its own DID and an empty top-level table. Second stage unless the
   * unit has no second-stage support in scalable mode (ECAP.SSTS clear, FSTS set: x-flts), or
   * `firstStage` asks for it (Linux: use_first_level; 4-level, FSPM 0).
   */
  async allocDomain(opts: { firstStage?: boolean } = {}): Promise<VtdDomain> {
    const did = this.nextDid++;
    if (did >= 1 << (4 + 2 * cap.nd(this.cap))) throw new Error('vtd-driver: out of domain IDs');
    const pgd = await this.tablePage();
    const firstStage = opts.firstStage ?? (this.sm && !ecap.ssts(this.ecap) && ecap.fsts(this.ecap) === 1n);
    if (firstStage) return { did, agaw: 2, levels: 4, pgd, firstStage };
    return { did, agaw: this.agaw, levels: this.agaw + 2, pgd, firstStage };
  }

  /** iommu_context_addr(.., alloc=1): the context table of `bus` (legacy mode). */
  private async contextTable(bus: number): Promise<bigint> {
    const t = this.ctxTable.get(bus);
    if (t !== undefined) return t;
    const table = await this.allocPages(1);
    await this.writeQwords(this.rootGpa + BigInt(bus) * 16n, [table | 1n, 0n]);
    this.ctxTable.set(bus, table);
    return table;
  }
  contextEntryGpa(sid: number): bigint | undefined {
    const t = this.ctxTable.get(sid >> 8);
    return t === undefined ? undefined : t + BigInt(sid & 0xff) * 16n;
  }

  /** domain_context_mapping_one() in legacy mode. */
  async attach(d: VtdDomain, sid: number, opts: { fpd?: boolean; pgtt?: number } = {}): Promise<void> {
    if (this.sm) {
      await this.smContext(sid);
      await this.setPasidEntry(d, sid, 0, opts);
      return;
    }
    const table = await this.contextTable(sid >> 8);
    const ce = table + BigInt(sid & 0xff) * 16n;
    const lo = (d.pgd & ADDR_MASK) | (0n << 2n) /* TT multi-level */ | (opts.fpd ? 2n : 0n) | 1n;
    const hi = (BigInt(d.did) << 8n) | BigInt(d.agaw);
    await this.writeQwords(ce, [lo, hi]);
    if (cap.cm(this.cap)) {
      await this.flushContext(0, sid, 0 /* DMA_CCMD_MASK_NOBIT */, GRAN.DEVICE);
      await this.flushIotlb(d.did, 0n, 0, GRAN.DOMAIN);
    }
  }

  /** domain_context_clear_one(): clear the entry, device context flush, DSI. */
  async detach(d: VtdDomain, sid: number): Promise<void> {
    const ce = this.contextEntryGpa(sid);
    if (ce === undefined) return;
    await this.writeQwords(ce, [0n, 0n]);
    await this.flushContext(d.did, sid, 0, GRAN.DEVICE);
    await this.flushIotlb(d.did, 0n, 0, GRAN.DOMAIN);
  }

  // ---------------------------------------------------------------- scalable mode

  private readonly smCtx = new Map<number, bigint>(); // (bus << 1 | upper half) → context table
  private readonly pasidDir = new Map<number, bigint>(); // sid → PASID directory
  private readonly pasidTable = new Map<string, bigint>(); // `${sid}/${dirIndex}` → PASID table

  /** The scalable-mode context entry of `sid` (32 bytes; root lo serves devfn 0–127, hi 128–255). */
  smContextEntryGpa(sid: number): bigint | undefined {
    const devfn = sid & 0xff;
    const t = this.smCtx.get(((sid >> 8) << 1) | (devfn >= 0x80 ? 1 : 0));
    return t === undefined ? undefined : t + BigInt(devfn & 0x7f) * 32n;
  }

  /**
   * iommu_context_addr() + context_entry_set_pasid_table() at device probe: a one-page PASID
   * directory (PDTS 0: the device has no PASID capability sizing it), RID_PASID 0, FPD clear, P;
   * under caching mode a device-selective context-cache flush (context_present_cache_flush).
   */
  async smContext(sid: number): Promise<void> {
    if (this.pasidDir.has(sid)) return;
    const bus = sid >> 8;
    const devfn = sid & 0xff;
    const key = (bus << 1) | (devfn >= 0x80 ? 1 : 0);
    let table = this.smCtx.get(key);
    if (table === undefined) {
      table = await this.allocPages(1);
      this.smCtx.set(key, table);
      await this.writeQwords(this.rootGpa + BigInt(bus) * 16n + (devfn >= 0x80 ? 8n : 0n), [table | 1n]);
    }
    const dir = await this.allocPages(1);
    this.pasidDir.set(sid, dir);
    await this.writeQwords(table + BigInt(devfn & 0x7f) * 32n, [dir | 1n, 0n, 0n, 0n]);
    if (cap.cm(this.cap)) await this.flushContext(0, sid, 0, GRAN.DEVICE);
  }

  /** intel_pasid_get_entry(): the PASID entry's GPA, allocating its table page on first use. */
  async pasidEntryGpa(sid: number, pasid: number, alloc = true): Promise<bigint | undefined> {
    const dir = this.pasidDir.get(sid);
    if (dir === undefined) return undefined;
    const di = pasid >> 6;
    const k = `${sid}/${di}`;
    let table = this.pasidTable.get(k);
    if (table === undefined) {
      if (!alloc) return undefined;
      table = await this.allocPages(1);
      this.pasidTable.set(k, table);
      await this.writeQwords(dir + BigInt(di) * 8n, [table | 1n]);
    }
    return table + BigInt(pasid & 0x3f) * 64n;
  }

  /**
   * pasid_pte_config_second_level() / pasid_pte_config_first_level() then pasid_flush_caches():
   * under caching mode a PASID-selective PASID-cache flush and a PASID-IOTLB flush of the PASID.
   * `pgtt` overrides the translation type (to program what Linux would not).
   */
  async setPasidEntry(d: VtdDomain, sid: number, pasid: number, opts: { fpd?: boolean; pgtt?: number } = {}): Promise<void> {
    const pe = (await this.pasidEntryGpa(sid, pasid))!;
    const pgtt = BigInt(opts.pgtt ?? (d.firstStage ? 1 : 2));
    const val = new Array<bigint>(8).fill(0n);
    if (d.firstStage) {
      val[0] = (BigInt(this.agaw) << 2n) | (pgtt << 6n) | (opts.fpd ? 2n : 0n) | 1n;
      val[2] = d.pgd & ADDR_MASK; // FSPTPTR, FSPM 0 (4-level)
    } else {
      val[0] = (d.pgd & ADDR_MASK) | (pgtt << 6n) | (BigInt(d.agaw) << 2n) | (opts.fpd ? 2n : 0n) | 1n;
    }
    val[1] = BigInt(d.did);
    await this.writeQwords(pe, val);
    if (cap.cm(this.cap)) {
      await this.qiSubmit([this.pcDesc(d.did, pasid, 1n)]);
      await this.qiSubmit([this.piotlbDesc(d.did, pasid, 0n, 0, 2n)]);
    }
  }

  // ---------------------------------------------------------------- page tables

  private levelIndex(iova: bigint, level: number): number {
    return Number((iova >> BigInt(12 + 9 * (level - 1))) & 0x1ffn);
  }

  /** The leaf table (level 1) holding `iova`, allocating missing levels (pfn_to_dma_pte). */
  private async leafTable(d: VtdDomain, iova: bigint, alloc: boolean): Promise<bigint | undefined> {
    let table = d.pgd;
    for (let level = d.levels; level > 1; level--) {
      const idx = this.levelIndex(iova, level);
      const pte = this.shadow.get(table)![idx]!;
      if (pte & (PTE_R | PTE_W)) {
        table = pte & ADDR_MASK;
        continue;
      }
      if (!alloc) return undefined;
      const next = await this.tablePage();
      // pfn_to_dma_pte(): R|W, plus US|A for a first-stage domain
      await this.setEntry(table, idx, next | PTE_R | PTE_W | (d.firstStage ? FL.US | FL.A : 0n));
      table = next;
    }
    return table;
  }

  /** The GPA of the leaf PTE of `iova` (for tests that poke tables directly). */
  async ptePointer(d: VtdDomain, iova: bigint): Promise<bigint | undefined> {
    const t = await this.leafTable(d, iova, false);
    return t === undefined ? undefined : t + BigInt(this.levelIndex(iova, 1)) * 8n;
  }

  /**
   * intel_iommu_map() (4K leaves) then iotlb_sync_map(): under caching mode a PSI of the range
   * (cache_tag_flush_range_np); without it nothing (write-buffer flush only, no RWBF here).
   */
  async map(d: VtdDomain, iova: bigint, gpa: bigint, len: bigint, perm: { read?: boolean; write?: boolean } = { read: true, write: true }, opts: { skipFlush?: boolean } = {}): Promise<void> {
    if ((iova | gpa | len) & 0xfffn || len === 0n) throw new Error('vtd-driver: map needs 4K-aligned arguments');
    if (iova + len > 1n << BigInt(30 + 9 * d.agaw)) throw new Error('vtd-driver: IOVA beyond the domain width');
    let prot = (perm.read ? PTE_R : 0n) | (perm.write ? PTE_W : 0n);
    // __domain_mapping(): first stage adds P (= DMA_PTE_READ), US, A, and D when writable
    if (d.firstStage) prot = FL.P | (perm.write ? FL.RW | FL.D : 0n) | FL.US | FL.A;
    for (let off = 0n; off < len; off += PAGE) {
      const va = iova + off;
      const t = (await this.leafTable(d, va, true))!;
      const idx = this.levelIndex(va, 1);
      if (this.shadow.get(t)![idx]! !== 0n) throw new Error(`vtd-driver: DMA PTE for vPFN 0x${(va >> 12n).toString(16)} already set`);
      await this.setEntry(t, idx, ((gpa + off) & ADDR_MASK) | prot);
    }
    // iotlb_sync_map(): only a caching-mode unit with a second-stage domain needs the flush
    if (cap.cm(this.cap) && !d.firstStage && !opts.skipFlush) await this.flushRange(d, iova, iova + len - 1n);
  }

  /** Rewrite the leaf PTE of an already mapped `iova` (no flush: the caller decides). */
  async setLeaf(d: VtdDomain, iova: bigint, val: bigint): Promise<void> {
    const t = await this.leafTable(d, iova, false);
    if (t === undefined) throw new Error('vtd-driver: no table for IOVA');
    await this.setEntry(t, this.levelIndex(iova, 1), val);
  }

  /**
   * intel_iommu_unmap() (clear the leaves; table pages are not freed, so the flush carries IH)
   * then iotlb_sync → cache_tag_flush_range(start, end, ih). `skipFlush` = a buggy guest.
   */
  async unmap(d: VtdDomain, iova: bigint, len: bigint, opts: { skipFlush?: boolean } = {}): Promise<{ addr: bigint; am: number; gran: bigint } | undefined> {
    for (let off = 0n; off < len; off += PAGE) {
      const t = await this.leafTable(d, iova + off, false);
      if (t !== undefined) await this.setEntry(t, this.levelIndex(iova + off, 1), 0n);
    }
    if (opts.skipFlush) return undefined;
    return this.flushRange(d, iova, iova + len - 1n, true);
  }

  // ---------------------------------------------------------------- faults

  /** dmar_fault(): read and clear every pending record from FRI on, then FSTS ← PFO|PPF|PRO. */
  async dmarFault(): Promise<{ fsts: number; records: VtdFaultRecord[] }> {
    const fsts = await this.readl(REG.FSTS);
    const records: VtdFaultRecord[] = [];
    if (fsts & FSTS.PPF) {
      let index = (fsts >> 8) & 0xff;
      const reg = cap.faultRegOffset(this.cap);
      const n = cap.numFaultRegs(this.cap);
      for (let guard = 0; guard < n; guard++) {
        const off = reg + index * 16;
        const d3 = await this.readl(off + 12);
        if (!(d3 & 0x80000000)) break;
        const d2 = await this.readl(off + 8);
        const lo = await this.readq(off);
        records.push({
          index,
          reason: d3 & 0xff,
          type: (d3 >>> 30) & 1,
          pasid: (d3 >>> 8) & 0xfffff,
          sid: d2 & 0xffff,
          pasidPresent: ((d2 >>> 31) & 1) === 1,
          addr: lo & ~0xfffn,
          lo,
          hi: (BigInt(d3 >>> 0) << 32n) | BigInt(d2 >>> 0),
        });
        await this.writel(off + 12, 0x80000000); // DMA_FRCD_F
        index = (index + 1) % n;
      }
    }
    await this.writel(REG.FSTS, FSTS.PFO | FSTS.PPF | FSTS.PRO);
    return { fsts, records };
  }
}

function pad(qs: bigint[], n: number): bigint[] {
  const out = qs.slice(0, n);
  while (out.length < n) out.push(0n);
  return out;
}

/** calculate_psi_aligned_address() (drivers/iommu/intel/iommu.h). */
export function psiAligned(start: bigint, end: bigint): { addr: bigint; pages: bigint; mask: number } {
  const pages = ((end | 0xfffn) + 1n - (start & ~0xfffn)) >> 12n; // aligned_nrpages
  let aligned = 1n;
  while (aligned < pages) aligned <<= 1n;
  const bitmask = aligned - 1n;
  let mask = ilog2(aligned);
  const pfn = start >> 12n;
  if (bitmask & pfn) {
    const endPfn = pfn + pages - 1n;
    const shared = ~(pfn ^ endPfn) & ~bitmask & ((1n << 64n) - 1n);
    mask = shared ? ffs(shared) : 64 - 12; // MAX_AGAW_PFN_WIDTH
    aligned = 1n << BigInt(mask);
  }
  return { addr: start & ~((PAGE << BigInt(mask)) - 1n), pages: aligned, mask };
}
function ilog2(x: bigint): number {
  let n = -1;
  while (x > 0n) { x >>= 1n; n++; }
  return n;
}
function ffs(x: bigint): number {
  let n = 0;
  while (!(x & 1n)) { x >>= 1n; n++; }
  return n;
}
