/**
 * Test fixtures of the intel-iommu tests: for the translator tests (translate.test.ts,
 * caches.test.ts) a sparse fake guest RAM, a guest page-table builder, and legacy / scalable-mode
 * units with one device set up in guest RAM; for the unit tests (regs, qi, fault, index, vmstate)
 * a flat guest RAM and the configuration they start from.
 */
import { SparseGuestRam } from '../fake-guest-ram.js';
import type { GuestMemory, IntelIommuConfig } from './caps.js';
import { VtdTranslator, type VtdTranslation } from './translate.js';

/** Sparse guest RAM [0, size); some pages may be read-only. */
export class FakeRam extends SparseGuestRam {
  constructor(size: bigint) {
    super(0n, size);
  }
}

export const RAM = 1n << 32n; // 4 GiB of guest RAM

export function config(o: Partial<IntelIommuConfig> = {}): IntelIommuConfig {
  return { awBits: 48, cachingMode: false, scalableMode: false, flts: false, pasidBits: 0, deviceIotlb: false, dmaDrain: true, snoopControl: false, ...o };
}

/** Builds guest tables: a bump allocator of zeroed 4K tables. */
export class Builder {
  next = 0x100000n;
  constructor(readonly ram: FakeRam) {}
  table(): bigint {
    const t = this.next;
    this.next += 0x1000n;
    return t;
  }
  /** Put `leaf` at `leafLevel` for `iova` under `top` (a `levels`-level table), creating tables with `tableFlags`. */
  map(top: bigint, levels: number, iova: bigint, leaf: bigint, leafLevel = 1, tableFlags = 3n): void {
    let t = top;
    for (let level = levels; level > leafLevel; level--) {
      const ea = t + ((iova >> BigInt(12 + 9 * (level - 1))) & 0x1ffn) * 8n;
      let e = this.ram.r64(ea);
      if (e === 0n) {
        e = this.table() | tableFlags;
        this.ram.w64(ea, e);
      }
      t = e & 0xffffffffff000n;
    }
    this.ram.w64(t + ((iova >> BigInt(12 + 9 * (leafLevel - 1))) & 0x1ffn) * 8n, leaf);
  }
  /** The entry address of `iova` at `level` (tables must exist). */
  entryAddr(top: bigint, levels: number, iova: bigint, level: number): bigint {
    let t = top;
    for (let l = levels; l > level; l--) t = this.ram.r64(t + ((iova >> BigInt(12 + 9 * (l - 1))) & 0x1ffn) * 8n) & 0xffffffffff000n;
    return t + ((iova >> BigInt(12 + 9 * (level - 1))) & 0x1ffn) * 8n;
  }
}

export const ROOT = 0x1000n;
export const CTX = 0x2000n;
export const SID = 0x0010; // 00:02.0
export const DID = 7;

/** A legacy-mode unit with SID's context entry pointing at a fresh `levels`-level table. */
export function legacy(o: Partial<IntelIommuConfig> = {}, ce: { tt?: number; aw?: number; fpd?: boolean; did?: number } = {}) {
  const ram = new FakeRam(RAM);
  const b = new Builder(ram);
  const cfg = config(o);
  const aw = ce.aw ?? (cfg.awBits === 48 ? 2 : 1);
  const top = b.table();
  ram.w64(ROOT + BigInt(SID >> 8) * 16n, CTX | 1n);
  ram.w64(CTX + BigInt(SID & 0xff) * 16n, top | BigInt((ce.tt ?? 0) << 2) | (ce.fpd ? 2n : 0n) | 1n);
  ram.w64(CTX + BigInt(SID & 0xff) * 16n + 8n, BigInt((ce.did ?? DID) << 8) | BigInt(aw));
  const t = new VtdTranslator(ram, cfg);
  t.root = { rootGpa: ROOT, scalable: false, translationEnabled: true };
  return { ram, b, t, top, levels: 2 + aw };
}

export function ok(r: VtdTranslation) {
  if (!r.ok) throw new Error(`fault 0x${r.reason.toString(16)}`);
  return r;
}
export function fail(r: VtdTranslation) {
  if (r.ok) throw new Error(`translated to 0x${r.pa.toString(16)}`);
  return r;
}

export const PDIR = 0x3000n;
export const PTAB = 0x4000n;
export const SMCTX_LO = 0x5000n;
export const SMCTX_HI = 0x6000n;

/** A scalable-mode unit: SID's context → PASID directory → table; PASID entries written by `pe()`. */
export function scalable(o: Partial<IntelIommuConfig> = {}, sid = SID) {
  const ram = new FakeRam(RAM);
  const b = new Builder(ram);
  const cfg = config({ scalableMode: true, ...o });
  const devfn = sid & 0xff;
  const upper = devfn > 127;
  ram.w64(ROOT + BigInt(sid >> 8) * 16n + (upper ? 8n : 0n), (upper ? SMCTX_HI : SMCTX_LO) | 1n);
  const ceAddr = (upper ? SMCTX_HI : SMCTX_LO) + BigInt((devfn & 0x7f) * 32);
  ram.w64(ceAddr, PDIR | 1n);
  ram.w64(PDIR, PTAB | 1n); // directory entry 0: PASIDs 0..63
  const t = new VtdTranslator(ram, cfg);
  t.root = { rootGpa: ROOT, scalable: true, translationEnabled: true };
  /** Write the PASID entry of `pasid` (< 64): val0 = P | FPD | AW | PGTT | SSPTPTR, val1 = DID, val2 = FSPM | FSPTPTR. */
  const pe = (pasid: number, f: { pgtt: number; aw?: number; ss?: bigint; fs?: bigint; fspm?: number; did?: number; fpd?: boolean; present?: boolean }) => {
    const a = PTAB + BigInt(pasid * 64);
    ram.w64(a, (f.ss ?? 0n) | (BigInt(f.pgtt) << 6n) | (BigInt(f.aw ?? 2) << 2n) | (f.fpd ? 2n : 0n) | (f.present === false ? 0n : 1n));
    ram.w64(a + 8n, BigInt(f.did ?? DID));
    ram.w64(a + 16n, (f.fs ?? 0n) | (BigInt(f.fspm ?? 0) << 2n));
  };
  return { ram, b, t, pe, ceAddr };
}

/** The unit tests' configuration: 48-bit, caching mode, legacy mode, no PASID, DMA drain. */
export const UNIT_CFG: IntelIommuConfig = { awBits: 48, cachingMode: true, scalableMode: false, flts: false, pasidBits: 0, deviceIotlb: false, dmaDrain: true, snoopControl: false };

/** Guest RAM [0, size) over one byte array (a read or write beyond it throws). */
export class FlatRam implements GuestMemory {
  readonly bytes: Uint8Array;
  readonly dv: DataView;
  constructor(sizeOrBytes: number | Uint8Array) {
    this.bytes = typeof sizeOrBytes === 'number' ? new Uint8Array(sizeOrBytes) : sizeOrBytes;
    this.dv = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  }
  read(gpa: bigint, len: number): Uint8Array {
    if (gpa < 0n || gpa + BigInt(len) > BigInt(this.bytes.length)) throw new Error(`GPA 0x${gpa.toString(16)} outside RAM`);
    return this.bytes.slice(Number(gpa), Number(gpa) + len);
  }
  write(gpa: bigint, data: Uint8Array): void {
    if (gpa < 0n || gpa + BigInt(data.length) > BigInt(this.bytes.length)) throw new Error(`GPA 0x${gpa.toString(16)} outside RAM`);
    this.bytes.set(data, Number(gpa));
  }
  /** A little-endian u64 at `gpa`. */
  q(gpa: number, v: bigint): void {
    this.dv.setBigUint64(gpa, v, true);
  }
  copy(): FlatRam {
    return new FlatRam(this.bytes.slice());
  }
}
