import { describe, expect, it } from 'vitest';
import { PhysicalMemory } from '../memory/phys.js';
import { PROT_READ, PROT_WRITE, createPageTable, newWalkOut, type PageTable } from './index.js';
import {
  CLASS_CD,
  CLASS_IN,
  CLASS_TT,
  EVT_C_BAD_CD,
  EVT_C_BAD_SUBSTREAMID,
  EVT_F_ADDR_SIZE,
  EVT_F_PERMISSION,
  EVT_F_STREAM_DISABLED,
  EVT_F_TRANSLATION,
  IOMMU_VTD_S1_SRE,
  IOMMU_VTD_S1_WPE,
  PERM_DIRTY_OK,
  REASON_ADDRESS_SIZE,
  REASON_BAD_CONFIG,
  REASON_PERMISSION,
  REASON_TRANSLATION,
  Smmuv3S1Walker,
  VtdFirstStageWalker,
  decodeCd,
  decodeVste,
  encodeCd,
  encodeSmmuEvent,
  smmuEventForwarded,
  type Vste,
} from './nested.js';

const RW = PROT_READ | PROT_WRITE;
const GUEST_FRAMES = 1024; // 4 MiB of guest RAM at GPA 0

/** A guest: host frames backing GPA [0, 4 MiB), stage 2 mapping them, byte access by GPA. */
class Guest {
  readonly mem = new PhysicalMemory({ ramBytes: 256n << 20n });
  readonly s2: PageTable;
  readonly hostBase: number;
  private next = 16; // guest frames handed out as tables (0..15 stay data)
  constructor(format: 'vtd-ss' | 'lpae-s2') {
    this.s2 = createPageTable(this.mem, format, { inputBits: 48 });
    this.hostBase = this.mem.allocFrames(10);
    // 4 KiB stage-2 leaves, so that every stage-2 walk costs 4 references
    this.s2.map(0, this.hostBase, GUEST_FRAMES, RW, 12);
  }
  hpa(gpa: number): bigint {
    return BigInt(this.hostBase) * 4096n + BigInt(gpa);
  }
  /** A zeroed guest frame (GPA) for a table; `frames` contiguous. */
  table(frames = 1): number {
    const align = frames;
    this.next = Math.ceil(this.next / align) * align;
    const g = this.next * 4096;
    this.next += frames;
    return g;
  }
  w64(gpa: number, v: bigint): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v, true);
    this.mem.write(this.hpa(gpa), b);
  }
  r64(gpa: number): bigint {
    const b = this.mem.read(this.hpa(gpa), 8);
    return new DataView(b.buffer, b.byteOffset).getBigUint64(0, true);
  }
  writeBytes(gpa: number, b: Uint8Array): void {
    this.mem.write(this.hpa(gpa), b);
  }
}

// x86 paging bits
const P = 1n;
const W = 2n;
const US = 4n;
const A = 32n;
const D = 64n;
const PS = 128n;

function idx(va: bigint, lvl: number): number {
  return Number((va >> BigInt(12 + 9 * (lvl - 1))) & 511n);
}

/** Build a 4-level (or 5-level) first-stage path for `va` → `gpa` with leaf at `leafLvl`; returns the entry GPAs top-down. */
function fsMap(g: Guest, root: number, va: bigint, out: number, opts: { leafLvl?: number; levels?: number; leafBits?: bigint; tableBits?: bigint } = {}): number[] {
  const levels = opts.levels ?? 4;
  const leafLvl = opts.leafLvl ?? 1;
  const tb = opts.tableBits ?? P | W | US;
  const lb = opts.leafBits ?? P | W | US;
  let table = root;
  const ents: number[] = [];
  for (let lvl = levels; lvl >= leafLvl; lvl--) {
    const ea = table + idx(va, lvl) * 8;
    ents.push(ea);
    if (lvl === leafLvl) {
      g.w64(ea, BigInt(out) | lb | (leafLvl > 1 ? PS : 0n));
      break;
    }
    const cur = g.r64(ea);
    if (cur & P) {
      table = Number(cur & 0x000ffffffffff000n);
      continue;
    }
    const next = g.table();
    g.w64(ea, BigInt(next) | tb);
    table = next;
  }
  return ents;
}

function vtd(g: Guest, root: number, extra: Partial<{ addrWidth: number; flags: number; fs1gp: boolean }> = {}) {
  return new VtdFirstStageWalker(g.mem, g.s2, { pgtblAddr: root, addrWidth: extra.addrWidth ?? 48, flags: extra.flags ?? 0, fs1gp: extra.fs1gp ?? false });
}

function run(wk: { walk(pfn: number, o: ReturnType<typeof newWalkOut>): boolean; write: boolean; priv: boolean }, iova: bigint, write = false, priv = false) {
  wk.write = write;
  wk.priv = priv;
  const o = newWalkOut();
  const ok = wk.walk(Number(iova >> 12n), o);
  return { ok, ...o };
}

describe('VT-d first stage over stage 2', () => {
  it('translates a 4 KiB page through both stages, counts 24 references and sets A on the path', () => {
    const g = new Guest('vtd-ss');
    const root = g.table();
    const va = 0x7f12_3456_7000n;
    const data = 0x5000; // GPA of the page
    const ents = fsMap(g, root, va, data);
    const wk = vtd(g, root);
    const r = run(wk, va + 0x123n);
    expect(r.ok).toBe(true);
    expect(r.paPfn).toBe(g.hostBase + 5);
    expect(r.pageShift).toBe(12);
    expect(r.perm & RW).toBe(RW);
    expect(r.perm & PERM_DIRTY_OK).toBe(0); // D clear: a write must walk again
    // 4 stage-1 fetches, each through a 4-reference stage-2 walk, and the final stage-2 walk
    expect(r.memRefs).toBe(4 + 4 * 4 + 4);
    for (const e of ents) expect(g.r64(e) & (A | D)).toBe(A);
    // a write sets D in the leaf only
    const w = run(wk, va, true);
    expect(w.ok).toBe(true);
    expect(w.perm & PERM_DIRTY_OK).toBe(PERM_DIRTY_OK);
    expect(g.r64(ents[3]!) & (A | D)).toBe(A | D);
    for (const e of ents.slice(0, 3)) expect(g.r64(e) & D).toBe(0n);
    // the address bits are untouched
    expect(g.r64(ents[3]!) & 0x000ffffffffff000n).toBe(BigInt(data));
  });

  it('walks 5 levels for a 57-bit address width and accepts canonical high addresses', () => {
    const g = new Guest('vtd-ss');
    const root = g.table();
    const va = 0xff80_0000_0040_0000n & ((1n << 57n) - 1n); // low 57 bits; sign bit 56 set
    fsMap(g, root, va, 0x9000, { levels: 5 });
    const wk = vtd(g, root, { addrWidth: 57 });
    const canon = va | ~((1n << 57n) - 1n) & 0xffff_ffff_ffff_ffffn;
    const r = run(wk, canon);
    expect(r.ok).toBe(true);
    expect(r.paPfn).toBe(g.hostBase + 9);
    expect(r.memRefs).toBe(5 + 5 * 4 + 4);
    // the same low bits without sign extension are non-canonical
    const nc = run(wk, va);
    expect(nc.ok).toBe(false);
    expect([wk.fStage, wk.fCode, wk.fReason]).toEqual([1, 0x80, REASON_ADDRESS_SIZE]);
  });

  it('2 MiB leaves: combined size is the smaller leaf; low address bits of a large leaf are reserved', () => {
    const g = new Guest('vtd-ss');
    const root = g.table();
    const va = 0x4020_0000n;
    const ents = fsMap(g, root, va, 0x20_0000, { leafLvl: 2 });
    const wk = vtd(g, root);
    const r = run(wk, va + 0x3000n);
    expect(r.ok).toBe(true);
    expect(r.paPfn).toBe(g.hostBase + 0x200 + 3);
    expect(r.pageShift).toBe(12); // stage 2 uses 4 KiB leaves
    expect(r.level).toBe(2);
    // PAT (bit 12) is not an address bit of a 2 MiB leaf
    g.w64(ents[2]!, g.r64(ents[2]!) | 0x1000n);
    expect(run(wk, va + 0x3000n).paPfn).toBe(g.hostBase + 0x203);
    g.w64(ents[2]!, g.r64(ents[2]!) | 0x2000n); // bit 13
    expect(run(wk, va).ok).toBe(false);
    expect([wk.fStage, wk.fLevel, wk.fCode]).toEqual([1, 2, 0x72]);
  });

  it('1 GiB leaves need FS1GP (reserved otherwise)', () => {
    const g = new Guest('vtd-ss');
    const root = g.table();
    const va = 0x8000_0000n;
    fsMap(g, root, va, 0, { leafLvl: 3 });
    expect(run(vtd(g, root), va + 0x7000n).ok).toBe(false);
    const wk = vtd(g, root);
    run(wk, va);
    expect([wk.fLevel, wk.fCode, wk.fReason]).toEqual([3, 0x72, REASON_TRANSLATION]);
    const ok = run(vtd(g, root, { fs1gp: true }), va + 0x7000n);
    expect(ok.ok).toBe(true);
    expect(ok.paPfn).toBe(g.hostBase + 7);
  });

  it('faults: not present, U/S, read-only write, reserved address bits, PS in a PML4E; order as QEMU checks', () => {
    const g = new Guest('vtd-ss');
    const root = g.table();
    const va = 0x1000_0000n;
    const ents = fsMap(g, root, va, 0x3000);
    const wk = vtd(g, root);
    const code = (iova: bigint, write = false, priv = false) => {
      const r = run(wk, iova, write, priv);
      return r.ok ? 'ok' : `${wk.fStage}/${wk.fLevel}/0x${wk.fCode.toString(16)}/${wk.fReason}`;
    };
    expect(code(va + 0x1000n)).toBe('1/1/0x71/2'); // next PTE not present
    expect(code(0x4000_0000_0000n)).toBe('1/4/0x71/2'); // PML4E not present
    const leaf = g.r64(ents[3]!);
    g.w64(ents[3]!, leaf & ~US);
    expect(code(va)).toBe('1/1/0x81/3');
    // a supervisor request: U/S ignored only with SRE
    expect(code(va, false, true)).toBe('1/1/0x81/3');
    const sre = vtd(g, root, { flags: IOMMU_VTD_S1_SRE });
    expect(run(sre, va, false, true).ok).toBe(true);
    g.w64(ents[3]!, (leaf | US) & ~W);
    expect(code(va)).toBe('ok');
    expect(run(wk, va).perm & RW).toBe(PROT_READ);
    expect(code(va, true)).toBe('1/1/0x85/3');
    // supervisor writes to read-only pages: allowed without WPE, refused with it
    expect(run(sre, va, true, true).ok).toBe(true);
    const wpe = vtd(g, root, { flags: IOMMU_VTD_S1_SRE | IOMMU_VTD_S1_WPE });
    expect(run(wpe, va, true, true).ok).toBe(false);
    expect(wpe.fCode).toBe(0x85);
    // a read-only upper level makes the page read-only
    g.w64(ents[3]!, leaf);
    g.w64(ents[1]!, g.r64(ents[1]!) & ~W);
    expect(code(va, true)).toBe('1/3/0x85/3');
    g.w64(ents[1]!, g.r64(ents[1]!) | W);
    // bit 48 is above the 48-bit GPA width: reserved
    g.w64(ents[2]!, g.r64(ents[2]!) | (1n << 48n));
    expect(code(va)).toBe('1/2/0x72/2');
    g.w64(ents[2]!, g.r64(ents[2]!) & ~(1n << 48n));
    // ignored bits 62:52 and XD do not fault a DMA read or write
    g.w64(ents[2]!, g.r64(ents[2]!) | (0xfffn << 52n));
    expect(code(va, true)).toBe('ok');
    // PS in a PML4E is reserved
    g.w64(ents[0]!, g.r64(ents[0]!) | PS);
    expect(code(va)).toBe('1/4/0x72/2');
    // P is checked before U/S and R/W: a not-present entry with other bits
    g.w64(ents[0]!, 0x8000n);
    expect(code(va, true)).toBe('1/4/0x71/2');
  });

  it('stage-2 faults: an unmapped table GPA (class TT), an unmapped output GPA (class IN), a read-only table page for A/D', () => {
    const g = new Guest('vtd-ss');
    const root = g.table();
    const va = 0x40_0000n;
    const ents = fsMap(g, root, va, 0x3000);
    // the output GPA outside guest RAM
    g.w64(ents[3]!, BigInt(0x100_0000_0000) | P | W | US);
    const wk = vtd(g, root);
    expect(run(wk, va + 8n).ok).toBe(false);
    expect([wk.fStage, wk.fReason, wk.fClass, wk.fAddr2]).toEqual([2, REASON_TRANSLATION, CLASS_IN, 0x100_0000_0000]);
    // a table GPA outside guest RAM
    g.w64(ents[2]!, BigInt(0x200_0000_0000) | P | W | US);
    expect(run(wk, va).ok).toBe(false);
    expect([wk.fStage, wk.fReason, wk.fClass, wk.fAddr2]).toEqual([2, REASON_TRANSLATION, CLASS_TT, 0x200_0000_0000 + idx(va, 1) * 8]);
    // the leaf table read-only in stage 2: reads of entries with A set work, setting A does not
    const g2 = new Guest('vtd-ss');
    const r2 = g2.table();
    const e2 = fsMap(g2, r2, va, 0x3000);
    const w2 = vtd(g2, r2);
    const ptePage = Math.floor(e2[3]! / 4096);
    g2.s2.unmap(ptePage, 1);
    g2.s2.map(ptePage, g2.hostBase + ptePage, 1, PROT_READ, 12);
    expect(run(w2, va).ok).toBe(false);
    expect([w2.fStage, w2.fReason, w2.fCode]).toEqual([2, REASON_PERMISSION, 0x91]);
    g2.w64(e2[3]!, g2.r64(e2[3]!) | A);
    expect(run(w2, va).ok).toBe(true);
    // a write needs D: refused too
    expect(run(w2, va, true).ok).toBe(false);
    // a read-only stage-2 data page: reads work, a write is a stage-2 permission fault
    g2.s2.unmap(3, 1);
    g2.s2.map(3, g2.hostBase + 3, 1, PROT_READ, 12);
    g2.w64(e2[3]!, g2.r64(e2[3]!) | A | D);
    const r = run(w2, va);
    expect(r.ok && r.perm & RW).toBe(PROT_READ);
    expect(run(w2, va, true).ok).toBe(false);
    expect([w2.fStage, w2.fReason, w2.fClass, w2.fCode]).toEqual([2, REASON_PERMISSION, CLASS_IN, 0x05]);
  });

  it('a table GPA that stage 2 maps outside RAM is a fetch fault (0x73 at the root, 0x70 below)', () => {
    const g = new Guest('vtd-ss');
    const root = g.table();
    const va = 0x40_0000n;
    const ents = fsMap(g, root, va, 0x3000);
    const badGpa = 0x1000_0000;
    g.s2.map(badGpa / 4096, g.mem.tableBasePfn + 3, 1, RW, 12);
    g.w64(ents[1]!, BigInt(badGpa) | P | W | US);
    const wk = vtd(g, root);
    expect(run(wk, va).ok).toBe(false);
    expect([wk.fStage, wk.fLevel, wk.fCode, wk.fReason]).toEqual([1, 2, 0x70, REASON_BAD_CONFIG]);
    const wr = vtd(g, badGpa);
    expect(run(wr, va).ok).toBe(false);
    expect([wr.fLevel, wr.fCode]).toEqual([4, 0x73]);
  });
});

// ====================================================================== SMMUv3

const V = 1n;
function ste(cfg: number, ctx: number, opts: { cdMax?: number; fmt?: number; dss?: number } = {}): [bigint, bigint] {
  return [V | (BigInt(cfg) << 1n) | (BigInt(opts.fmt ?? 0) << 4n) | BigInt(ctx) | (BigInt(opts.cdMax ?? 0) << 59n), BigInt(opts.dss ?? 0)];
}

/** LPAE stage-1 descriptors. */
const TABLE = 3n;
const PAGE = 3n;
const BLOCK = 1n;
const AF = 1n << 10n;
const AP_RDONLY = 1n << 7n;
const DBM = 1n << 51n;
const APTABLE_RDONLY = 1n << 62n;

function lpaeMap(g: Guest, ttb: number, va: bigint, out: number, o: { gShift: number; inBits: number; leafLevel?: number; leafBits?: bigint; tableFrames?: number }): number[] {
  const stride = o.gShift - 3;
  const start = 4 - Math.ceil((o.inBits - o.gShift) / stride);
  const leafLevel = o.leafLevel ?? 3;
  const ents: number[] = [];
  let table = ttb;
  for (let L = start; L <= leafLevel; L++) {
    const sh = o.gShift + stride * (3 - L);
    const bits = L === start ? o.inBits - sh : stride;
    const i = Number((va >> BigInt(sh)) & ((1n << BigInt(bits)) - 1n));
    const ea = table + i * 8;
    ents.push(ea);
    if (L === leafLevel) {
      g.w64(ea, BigInt(out) | (o.leafBits ?? AF) | (L === 3 ? PAGE : BLOCK));
      break;
    }
    const cur = g.r64(ea);
    if (cur & 1n) {
      table = Number(cur & 0x0000_ffff_ffff_f000n);
      continue;
    }
    const next = g.table(o.tableFrames ?? 1);
    g.w64(ea, BigInt(next) | TABLE);
    table = next;
  }
  return ents;
}

function smmu(g: Guest, httu = 0) {
  return new Smmuv3S1Walker(g.mem, g.s2, { ssidBits: 20, oas: 48, httu });
}

describe('SMMUv3 vSTE and CD decoding', () => {
  it('decodes the vSTE config and refuses S1Fmt 3, S1CDMax beyond SSIDSIZE, S1STALLD', () => {
    expect(decodeVste(0n, 0n, 20).config).toBe('invalid');
    expect(decodeVste(...ste(0, 0), 20).config).toBe('abort');
    expect(decodeVste(...ste(3, 0), 20).config).toBe('abort');
    expect(decodeVste(...ste(4, 0), 20).config).toBe('bypass');
    const s = decodeVste(...ste(5, 0x1234_5000, { cdMax: 4, fmt: 2, dss: 2 }), 20);
    expect(s).toMatchObject({ config: 's1', ctxPtr: 0x1234_5000, s1CdMax: 4, s1Fmt: 2, s1Dss: 2 });
    expect(decodeVste(...ste(5, 0, { fmt: 3 }), 20).config).toBe('bad');
    expect(decodeVste(...ste(5, 0, { cdMax: 5 }), 4).config).toBe('bad');
    expect(decodeVste(...ste(5, 0, { cdMax: 1 }), 0).config).toBe('bad');
    expect(decodeVste(ste(5, 0)[0], 1n << 27n, 20).config).toBe('bad');
  });

  it("decodes a CD and applies QEMU's C_BAD_CD rules", () => {
    const ok = decodeCd(encodeCd({ t0sz: 16, asid: 7, ttb0: 0x4000, r: true }), 0, 48, 0)!;
    expect(ok).toMatchObject({ t0sz: 16, granuleShift: 12, asid: 7, ttb0: 0x4000, r: true, oas: 48, epd0: false });
    expect(decodeCd(encodeCd({ t0sz: 16, tg0: 1, asid: 1, ttb0: 0 }), 0, 48, 0)!.granuleShift).toBe(16);
    expect(decodeCd(encodeCd({ t0sz: 16, tg0: 2, asid: 1, ttb0: 0 }), 0, 48, 0)!.granuleShift).toBe(14);
    const bad = (f: Partial<Parameters<typeof encodeCd>[0]>, httu = 0) => decodeCd(encodeCd({ t0sz: 16, asid: 1, ttb0: 0x1000, ...f }), 0, 48, httu);
    expect(bad({ v: false })).toBeUndefined();
    expect(bad({ aa64: false })).toBeUndefined();
    expect(bad({ a: false })).toBeUndefined();
    expect(bad({ s: true })).toBeUndefined();
    expect(bad({ endi: true })).toBeUndefined();
    expect(bad({ ha: true })).toBeUndefined();
    expect(bad({ ha: true }, 1)).toBeDefined();
    expect(bad({ ha: true, hd: true }, 1)).toBeUndefined();
    expect(bad({ ha: true, hd: true }, 2)).toBeDefined();
    expect(bad({ t0sz: 15 })).toBeUndefined();
    expect(bad({ t0sz: 40 })).toBeUndefined();
    expect(bad({ t0sz: 40, epd0: true })).toBeDefined(); // TT0 disabled: its fields are not checked
    expect(bad({ tg0: 3 })).toBeUndefined();
    expect(bad({ ips: 0, ttb0: 0x1_0000_0000 })).toBeUndefined(); // TTB0 beyond a 32-bit OAS
    expect(bad({ ips: 7 })).toBeUndefined();
    expect(bad({ ips: 6 })!.oas).toBe(48); // capped to the unit OAS
  });
});

describe('SMMUv3 stage 1 over stage 2', () => {
  function setup(opts: { t0sz?: number; tg0?: number; r?: boolean; ha?: boolean; hd?: boolean; ips?: number; cdMax?: number; fmt?: number; dss?: number; ssid?: number } = {}) {
    const g = new Guest('lpae-s2');
    const gShift = opts.tg0 === 1 ? 16 : opts.tg0 === 2 ? 14 : 12;
    const tableFrames = 2 ** (gShift - 12);
    const ttb = g.table(tableFrames);
    const cdTable = g.table();
    const ssid = opts.ssid ?? 0;
    g.writeBytes(cdTable + ssid * 64, encodeCd({ t0sz: opts.t0sz ?? 16, tg0: opts.tg0 ?? 0, asid: 9, ttb0: ttb, r: opts.r ?? true, ha: opts.ha, hd: opts.hd, ips: opts.ips }));
    const vste = decodeVste(...ste(5, cdTable, { cdMax: opts.cdMax ?? 0, fmt: opts.fmt, dss: opts.dss }), 20);
    return { g, ttb, cdTable, vste, gShift, tableFrames, inBits: 64 - (opts.t0sz ?? 16) };
  }

  it('fetches the CD through stage 2 and walks a 4K-granule 48-bit table: 4 + 16 + 4 references', () => {
    const { g, ttb, vste, inBits } = setup();
    const va = 0x8765_4321_0000n;
    const ents = lpaeMap(g, ttb, va, 0x7000, { gShift: 12, inBits });
    const wk = smmu(g);
    const cd = wk.fetchCd(vste, -1)!;
    expect(cd.asid).toBe(9);
    expect(wk.cdRefs).toBe(1 + 4);
    wk.load(cd);
    const r = run(wk, va + 0xabcn);
    expect(r.ok).toBe(true);
    expect(r.paPfn).toBe(g.hostBase + 7);
    expect(r.pageShift).toBe(12);
    expect(r.level).toBe(3);
    expect(r.memRefs).toBe(4 + 4 * 4 + 4);
    expect(r.perm & RW).toBe(RW);
    expect(r.perm & PERM_DIRTY_OK).toBe(PERM_DIRTY_OK);
    expect(ents.length).toBe(4);
  });

  it('starts at level 1 for T0SZ 25 and takes 1 GiB / 2 MiB blocks', () => {
    const { g, ttb, vste, inBits } = setup({ t0sz: 25 });
    const wk = smmu(g);
    wk.load(wk.fetchCd(vste, -1)!);
    lpaeMap(g, ttb, 0n, 0, { gShift: 12, inBits, leafLevel: 1 });
    const r = run(wk, 0x3000n);
    expect([r.ok, wk.fStage, wk.fLevel, wk.fCode, wk.fAddr2]).toEqual([true, 0, 0, 0, 0]);
    expect(r.level).toBe(1);
    expect(r.paPfn).toBe(g.hostBase + 3);
    expect(r.memRefs).toBe(1 + 4 + 4);
    lpaeMap(g, ttb, 0x4000_0000n + 0x20_0000n, 0x20_0000, { gShift: 12, inBits, leafLevel: 2 });
    const b = run(wk, 0x4000_0000n + 0x20_5000n);
    expect(b.ok).toBe(true);
    expect(b.level).toBe(2);
    expect(b.paPfn).toBe(g.hostBase + 0x205);
  });

  it('64K granule: start level 2 for a 42-bit input, 64K pages cut to the 4K stage-2 leaf', () => {
    const { g, ttb, vste, inBits, tableFrames } = setup({ t0sz: 22, tg0: 1 });
    const wk = smmu(g);
    wk.load(wk.fetchCd(vste, -1)!);
    const va = 0x123_4567_0000n;
    lpaeMap(g, ttb, va, 0x10_0000, { gShift: 16, inBits, tableFrames });
    const r = run(wk, va + 0x5123n);
    expect(r.ok).toBe(true);
    expect(r.level).toBe(3);
    expect(r.pageShift).toBe(12);
    expect(r.paPfn).toBe(g.hostBase + 0x100 + 5);
    expect(r.memRefs).toBe(2 + 2 * 4 + 4);
  });

  it('16K granule: start level 2 for a 36-bit input', () => {
    const { g, ttb, vste, inBits, tableFrames } = setup({ t0sz: 28, tg0: 2 });
    const wk = smmu(g);
    wk.load(wk.fetchCd(vste, -1)!);
    const va = 0x9_8765_c000n;
    lpaeMap(g, ttb, va, 0x8000, { gShift: 14, inBits, tableFrames });
    const r = run(wk, va + 0x1000n);
    expect(r.ok).toBe(true);
    expect(r.paPfn).toBe(g.hostBase + 9);
  });

  it('faults: invalid, reserved level-3 type, level-0 block, AF, AP[2], APTable, address size, TT0 range', () => {
    const { g, ttb, vste, inBits } = setup();
    const wk = smmu(g);
    wk.load(wk.fetchCd(vste, -1)!);
    const va = 0x1_0000_0000n;
    const ents = lpaeMap(g, ttb, va, 0x7000, { gShift: 12, inBits });
    const f = (iova: bigint, write = false) => {
      const r = run(wk, iova, write);
      return r.ok ? 'ok' : `${wk.fStage}/${wk.fLevel}/0x${wk.fCode.toString(16)}/${wk.fClass}`;
    };
    expect(f(va)).toBe('ok');
    expect(f(va + 0x1000n)).toBe('1/3/0x10/1');
    expect(f(0x7000_0000_0000n)).toBe('1/0/0x10/1');
    expect(f(1n << 48n)).toBe('1/0/0x10/1'); // outside TT0
    const leaf = g.r64(ents[3]!);
    g.w64(ents[3]!, (leaf & ~3n) | 1n); // type 1 at level 3
    expect(f(va)).toBe('1/3/0x10/1');
    g.w64(ents[3]!, leaf & ~AF);
    expect(f(va)).toBe('1/3/0x12/1');
    g.w64(ents[3]!, leaf | AP_RDONLY);
    expect(f(va)).toBe('ok');
    expect(run(wk, va).perm & RW).toBe(PROT_READ);
    expect(f(va, true)).toBe('1/3/0x13/1');
    g.w64(ents[3]!, leaf | AP_RDONLY | DBM); // DBM without HD: still read-only
    expect(f(va, true)).toBe('1/3/0x13/1');
    g.w64(ents[3]!, leaf);
    g.w64(ents[1]!, g.r64(ents[1]!) | APTABLE_RDONLY);
    expect(f(va, true)).toBe('1/3/0x13/1');
    expect(f(va)).toBe('ok');
    g.w64(ents[1]!, g.r64(ents[1]!) & ~APTABLE_RDONLY);
    const l0 = g.r64(ents[0]!);
    g.w64(ents[0]!, (l0 & ~3n) | BLOCK | AF);
    expect(f(va)).toBe('1/0/0x10/1');
    g.w64(ents[0]!, l0);
    // output beyond a 32-bit OAS
    const c32 = setup({ ips: 0 });
    const w32 = smmu(c32.g);
    w32.load(w32.fetchCd(c32.vste, -1)!);
    lpaeMap(c32.g, c32.ttb, va, 0x1_0000_0000, { gShift: 12, inBits });
    expect(run(w32, va).ok).toBe(false);
    expect([w32.fCode, w32.fLevel]).toEqual([EVT_F_ADDR_SIZE, 3]);
  });

  it('HTTU: HA sets AF, HD clears AP[2] of a DBM leaf on write (bytes written back)', () => {
    const { g, ttb, vste, inBits } = setup({ ha: true, hd: true });
    const wk = smmu(g, 2);
    wk.load(wk.fetchCd(vste, -1)!);
    const va = 0x2_0000_0000n;
    const ents = lpaeMap(g, ttb, va, 0x7000, { gShift: 12, inBits, leafBits: AP_RDONLY | DBM });
    const r = run(wk, va);
    expect(r.ok).toBe(true);
    expect(r.perm & RW).toBe(RW); // writable-clean
    expect(r.perm & PERM_DIRTY_OK).toBe(0);
    expect(g.r64(ents[3]!) & (AF | AP_RDONLY)).toBe(AF | AP_RDONLY);
    const w = run(wk, va, true);
    expect(w.ok && w.perm & PERM_DIRTY_OK).toBe(PERM_DIRTY_OK);
    expect(g.r64(ents[3]!) & (AF | AP_RDONLY)).toBe(AF);
  });

  it('stage-2 faults during the walk and on the output carry S2, the class and the IPA', () => {
    const { g, ttb, vste, inBits } = setup();
    const wk = smmu(g);
    wk.load(wk.fetchCd(vste, -1)!);
    const va = 0x3_0000_0000n;
    const ents = lpaeMap(g, ttb, va, 0x7000, { gShift: 12, inBits });
    g.w64(ents[3]!, BigInt(0x300_0000_0000) | AF | PAGE);
    expect(run(wk, va + 0x10n).ok).toBe(false);
    expect([wk.fStage, wk.fCode, wk.fClass, wk.fAddr2]).toEqual([2, EVT_F_TRANSLATION, CLASS_IN, 0x300_0000_0000]);
    g.w64(ents[2]!, BigInt(0x400_0000_0000) | TABLE);
    expect(run(wk, va).ok).toBe(false);
    expect([wk.fStage, wk.fCode, wk.fClass]).toEqual([2, EVT_F_TRANSLATION, CLASS_TT]);
  });

  it('CD location: substreams, S1DSS, 2-level CD tables, CD fetch through stage 2, C_BAD_CD', () => {
    // S1CDMax 0: a request with an SSID is C_BAD_SUBSTREAMID
    const a = setup();
    const wa = smmu(a.g);
    expect(wa.fetchCd(a.vste, 3)).toBeUndefined();
    expect([wa.fCode, wa.fClass, wa.fReason]).toEqual([EVT_C_BAD_SUBSTREAMID, CLASS_CD, REASON_BAD_CONFIG]);
    // linear table with 16 CDs; ssid 5
    const b = setup({ cdMax: 4, ssid: 5, dss: 0 });
    const wb = smmu(b.g);
    expect(wb.fetchCd(b.vste, 5)!.ssid).toBe(5);
    expect(wb.fetchCd(b.vste, 16)).toBeUndefined();
    expect(wb.fCode).toBe(EVT_C_BAD_SUBSTREAMID);
    expect(wb.fetchCd(b.vste, -1)).toBeUndefined();
    expect(wb.fCode).toBe(EVT_F_STREAM_DISABLED);
    expect(wb.fetchCd(b.vste, 4)).toBeUndefined(); // CD 4 is zero: V=0
    expect(wb.fCode).toBe(EVT_C_BAD_CD);
    const byp = decodeVste(...ste(5, b.cdTable, { cdMax: 4, dss: 1 }), 20);
    expect(wb.fetchCd(byp, -1)).toBeNull();
    const ss0 = decodeVste(...ste(5, b.cdTable, { cdMax: 4, dss: 2 }), 20);
    expect(wb.fetchCd(ss0, 0)).toBeUndefined();
    expect(wb.fCode).toBe(EVT_C_BAD_SUBSTREAMID);
    // 2-level, 4K leaves (64 CDs each): ssid 70 → L1 index 1, CD 6 of that leaf
    const g = new Guest('lpae-s2');
    const l1 = g.table();
    const leaf = g.table();
    const ttb = g.table();
    const vs = decodeVste(...ste(5, l1, { cdMax: 8, fmt: 1 }), 20);
    const wk = smmu(g);
    expect(wk.fetchCd(vs, 70)).toBeUndefined();
    expect(wk.fCode).toBe(EVT_C_BAD_SUBSTREAMID); // L1 descriptor invalid
    g.w64(l1 + 8, BigInt(leaf) | 1n);
    g.writeBytes(leaf + 6 * 64, encodeCd({ t0sz: 16, asid: 0x77, ttb0: ttb }));
    const cd = wk.fetchCd(vs, 70)!;
    expect(cd.asid).toBe(0x77);
    expect(wk.cdRefs).toBe(2 * (1 + 4));
    // the CD table's IPA unmapped in stage 2: a stage-2 fault of class CD
    const far = decodeVste(...ste(5, 0x500_0000_0000), 20);
    expect(wk.fetchCd(far, -1)).toBeUndefined();
    expect([wk.fStage, wk.fCode, wk.fClass, wk.fAddr2]).toEqual([2, EVT_F_TRANSLATION, CLASS_CD, 0x500_0000_0000]);
  });

  it('encodes the 32-byte event record and knows what the kernel forwards', () => {
    const b = encodeSmmuEvent(new Uint8Array(32), { id: EVT_F_PERMISSION, sid: 0x0800, ssid: 5, write: true, priv: false, s2: false, cls: CLASS_TT, inputAddr: 0x1234_5678n, addr2: 0 });
    const dv = new DataView(b.buffer);
    expect(dv.getUint32(0, true)).toBe(0x13 | (1 << 11) | (5 << 12));
    expect(dv.getUint32(4, true)).toBe(0x0800);
    expect(dv.getUint32(12, true)).toBe(1 << 8); // CLASS TT, RnW = 0 (write), S2 = 0
    expect(dv.getBigUint64(16, true)).toBe(0x1234_5678n);
    const r = encodeSmmuEvent(new Uint8Array(32), { id: EVT_F_TRANSLATION, sid: 1, ssid: -1, write: false, priv: false, s2: true, cls: CLASS_IN, inputAddr: 0n, addr2: 0x9000 });
    const dr = new DataView(r.buffer);
    expect(dr.getUint32(0, true)).toBe(0x10);
    expect(dr.getUint32(12, true)).toBe((1 << 3) | (1 << 7) | (2 << 8));
    expect(dr.getBigUint64(24, true)).toBe(0x9000n);
    expect([0x04, 0x06, 0x08, 0x0a, 0x10, 0x13].every(smmuEventForwarded)).toBe(true);
    expect([0x09, 0x0b, 0x01, 0x14, 0x24].some(smmuEventForwarded)).toBe(false);
  });

  it('walks allocate nothing and read guest bytes only through stage 2 (an unmapped stage 2 faults every walk)', () => {
    const { g, ttb, vste, inBits } = setup();
    const wk = smmu(g);
    wk.load(wk.fetchCd(vste, -1)!);
    const va = 0x5_0000_0000n;
    lpaeMap(g, ttb, va, 0x7000, { gShift: 12, inBits });
    expect(run(wk, va).ok).toBe(true);
    g.s2.unmap(0, GUEST_FRAMES);
    expect(run(wk, va).ok).toBe(false);
    expect(wk.fStage).toBe(2);
    const _unused: Vste | undefined = undefined;
    void _unused;
  });
});

// ====================================================================== fast path ≡ full walk

describe('the fast path of each walker agrees with the full walk (differential, random table edits)', () => {
  function prng(seed: number) {
    let x = seed >>> 0 || 1;
    return () => {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      return x;
    };
  }
  type W = { walk(p: number, o: ReturnType<typeof newWalkOut>): boolean; write: boolean; priv: boolean; fStage: number; fLevel: number; fReason: number; fCode: number; fClass: number; fAddr2: number; lastIpaPfn: number };

  function compare(g: Guest, wk: W, entries: number[], vas: bigint[], bits: bigint[], rnd: () => number, rounds: number) {
    const inst = wk as unknown as { fullWalk(p: number, o: ReturnType<typeof newWalkOut>): boolean };
    const full = inst.fullWalk.bind(wk);
    let fullCalls = 0;
    // count the walks that fell back to the full walk
    inst.fullWalk = (p, o) => {
      fullCalls++;
      return full(p, o);
    };
    const pristine = entries.map((x) => g.r64(x));
    let fastHits = 0;
    for (let r = 0; r < rounds; r++) {
      // start again from the valid tables now and then, else edit one entry: toggle one bit
      if (rnd() % 3 === 0) entries.forEach((x, i) => g.w64(x, pristine[i]!));
      const e = entries[rnd() % entries.length]!;
      g.w64(e, g.r64(e) ^ bits[rnd() % bits.length]!);
      const va = vas[rnd() % vas.length]! + BigInt(rnd() % 4096);
      wk.write = (rnd() & 1) === 1;
      wk.priv = rnd() % 8 === 0;
      const snap = entries.map((x) => g.r64(x));
      const o1 = newWalkOut();
      const calls = fullCalls;
      const ok1 = wk.walk(Number(va >> 12n), o1);
      if (ok1 && fullCalls === calls) fastHits++;
      const f1 = [wk.fStage, wk.fLevel, wk.fReason, wk.fCode, wk.fClass, wk.fAddr2, ok1 ? wk.lastIpaPfn : -1];
      const after1 = entries.map((x) => g.r64(x));
      entries.forEach((x, i) => g.w64(x, snap[i]!));
      wk.fStage = wk.fLevel = wk.fReason = wk.fCode = wk.fClass = wk.fAddr2 = 0;
      const o2 = newWalkOut();
      const ok2 = full(Number(va >> 12n), o2);
      const f2 = [wk.fStage, wk.fLevel, wk.fReason, wk.fCode, wk.fClass, wk.fAddr2, ok2 ? wk.lastIpaPfn : -1];
      const after2 = entries.map((x) => g.r64(x));
      expect(ok1).toBe(ok2);
      if (ok1) {
        expect(o1).toEqual(o2);
      } else {
        expect(f1).toEqual(f2);
        expect(o1.memRefs).toBe(o2.memRefs);
      }
      expect(after1).toEqual(after2);
    }
    return fastHits;
  }

  it('VT-d first stage (4 and 5 levels)', () => {
    for (const levels of [4, 5]) {
      const g = new Guest('vtd-ss');
      const root = g.table();
      const vas = [0x1000_0000n, 0x1000_1000n, 0x1020_0000n, 0x40_0000_0000n];
      const entries = new Set<number>();
      vas.forEach((va, i) => fsMap(g, root, va, 0x3000 + i * 0x1000, { levels, leafBits: P | W | US | A | D }).forEach((e) => entries.add(e)));
      const wk = vtd(g, root, { addrWidth: levels === 5 ? 57 : 48, flags: IOMMU_VTD_S1_SRE });
      const bits = [P, W, US, A, D, PS, 1n << 48n, 1n << 13n, 1n << 63n];
      const fast = compare(g, wk as unknown as W, [...entries], vas, bits, prng(levels * 7919), 3000);
      expect(fast).toBeGreaterThan(50); // the fast path did serve walks
    }
  });

  it('SMMUv3 LPAE stage 1 (4K / 16K / 64K granules, HTTU on and off)', () => {
    for (const [tg0, t0sz, httu] of [[0, 16, 0], [0, 25, 2], [2, 28, 0], [1, 22, 2]] as const) {
      const gShift = tg0 === 1 ? 16 : tg0 === 2 ? 14 : 12;
      const g = new Guest('lpae-s2');
      const tableFrames = 2 ** (gShift - 12);
      const ttb = g.table(tableFrames);
      const cdt = g.table();
      g.writeBytes(cdt, encodeCd({ t0sz, tg0, asid: 1, ttb0: ttb, ha: httu > 0, hd: httu > 1 }));
      const wk = smmu(g, httu);
      wk.load(wk.fetchCd(decodeVste(...ste(5, cdt), 20), -1)!);
      const inBits = 64 - t0sz;
      const vas = [0x1000_0000n, 0x1001_0000n, 0x1040_0000n, 0x2_0000_0000n].map((v) => v & ((1n << BigInt(inBits)) - 1n));
      const entries = new Set<number>();
      vas.forEach((va, i) => lpaeMap(g, ttb, va, 0x10_0000 + i * 0x1_0000, { gShift, inBits, tableFrames, leafBits: AF | DBM }).forEach((e) => entries.add(e)));
      const bits = [1n, 2n, AF, AP_RDONLY, DBM, APTABLE_RDONLY, 1n << 47n];
      const fast = compare(g, wk as unknown as W, [...entries], vas, bits, prng(tg0 * 31 + t0sz), 3000);
      expect(fast).toBeGreaterThan(50);
    }
  });
});
