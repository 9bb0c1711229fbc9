/**
 * VFIO migration v2 of a vfio-pci device (include/uapi/linux/vfio.h, drivers/vfio/vfio_main.c):
 * VFIO_DEVICE_FEATURE_MIGRATION, the MIG_DEVICE_STATE state machine (vfio_mig_get_next_state's
 * next-hop table with every invalid arc), the data transfer sessions (a saving fd in PRE_COPY /
 * PRE_COPY_P2P / STOP_COPY, a resuming fd in RESUMING), VFIO_MIG_GET_PRECOPY_INFO and
 * VFIO_DEVICE_FEATURE_MIG_DATA_SIZE.
 *
 * The migratable state of a device is its BAR contents plus an internal blob of the profile's
 * `stateBytes`. The blob is the device's completion ring: every DMA the device performs writes one
 * 32-byte record `{u64 seq, u64 iova, u32 length, u32 flags (bit 0 = write)}` at
 * `(seq × 32) mod stateBytes`, so a running device dirties its state and PRE_COPY has dirty bytes
 * to report; a CPU write to a BAR dirties that BAR page. The data stream (opaque to users, as in
 * the uAPI) is little-endian records:
 *
 *   HEADER  u32 MIG_MAGIC, u32 version 1, u64 stateBytes, u32 nbars, u32 0, nbars × {u32 index, u32 0, u64 size}
 *   CHUNK   u32 1, u32 chunk index, 4096 bytes of the blob
 *   BAR     u32 2, u32 BAR index, u64 page number, 4096 bytes of the BAR
 *   END     u32 3, u32 0, u64 the ring's next seq
 *
 * Pre-copy sends the header and every chunk and written BAR page once ("initial"), then the
 * units changed since they were sent ("dirty"); STOP_COPY sends what is left and END. A resuming
 * device stages the records and takes the staged state at RESUMING → STOP, which fails (EINVAL,
 * the device stays in RESUMING) unless the stream was complete and made for a device of the same
 * layout (state size and BARs).
 *
 * A device in STOP, STOP_COPY, RESUMING or ERROR initiates no DMA (vfio.h: "must not generate
 * interrupts, DMA, or any other change to external state"); in RUNNING_P2P / PRE_COPY_P2P it
 * initiates no peer-to-peer DMA (to another device's MMIO) and DMA to memory goes on (vfio.h: "If
 * the device can identify P2P transactions then it can stop only P2P DMA").
 */
import { kerr } from '#libs/errno/index.js';
import { OpenFile, O_RDONLY, O_WRONLY, type FileKind } from '../process/files.js';
import type { DeviceMigration } from '#libs/profile/hardware.js';
import { migrationFlagsOf, VFIO_MIGRATION_P2P, VFIO_MIGRATION_PRE_COPY, VFIO_MIGRATION_STOP_COPY } from '#libs/profile/describe.js';
import type { Process } from '../process/process.js';
import type { DeviceState } from './topology.js';

// ------------------------------------------------------------------ uAPI numbers

/** struct vfio_device_feature_migration flags, and the flags a profile's `migration` reports (libs/profile). */
export { migrationFlagsOf, VFIO_MIGRATION_P2P, VFIO_MIGRATION_PRE_COPY, VFIO_MIGRATION_STOP_COPY };

/** enum vfio_device_mig_state. */
export const VFIO_DEVICE_STATE_ERROR = 0;
export const VFIO_DEVICE_STATE_STOP = 1;
export const VFIO_DEVICE_STATE_RUNNING = 2;
export const VFIO_DEVICE_STATE_STOP_COPY = 3;
export const VFIO_DEVICE_STATE_RESUMING = 4;
export const VFIO_DEVICE_STATE_RUNNING_P2P = 5;
export const VFIO_DEVICE_STATE_PRE_COPY = 6;
export const VFIO_DEVICE_STATE_PRE_COPY_P2P = 7;
const VFIO_DEVICE_NUM_STATES = 8;

/** Names of the states, as the enum spells them without its prefix. */
export const MIG_STATE_NAMES = ['ERROR', 'STOP', 'RUNNING', 'STOP_COPY', 'RESUMING', 'RUNNING_P2P', 'PRE_COPY', 'PRE_COPY_P2P'] as const;

function stateName(s: number): string {
  return MIG_STATE_NAMES[s] ?? `state ${s}`;
}

const S = VFIO_DEVICE_STATE_STOP;
const R = VFIO_DEVICE_STATE_RUNNING;
const SC = VFIO_DEVICE_STATE_STOP_COPY;
const RS = VFIO_DEVICE_STATE_RESUMING;
const RP = VFIO_DEVICE_STATE_RUNNING_P2P;
const PC = VFIO_DEVICE_STATE_PRE_COPY;
const PP = VFIO_DEVICE_STATE_PRE_COPY_P2P;
const E = VFIO_DEVICE_STATE_ERROR;

/**
 * vfio_from_fsm_table[cur][new]: the next hop from `cur` towards `new` when every optional state
 * exists (shortest path; saving-group states only as start or end). Columns in enum order
 * ERROR, STOP, RUNNING, STOP_COPY, RESUMING, RUNNING_P2P, PRE_COPY, PRE_COPY_P2P.
 */
const VFIO_FROM_FSM_TABLE: readonly (readonly number[])[] = [
  /* ERROR        */ [E, E, E, E, E, E, E, E],
  /* STOP         */ [E, S, RP, SC, RS, RP, RP, RP],
  /* RUNNING      */ [E, RP, R, RP, RP, RP, PC, RP],
  /* STOP_COPY    */ [E, S, S, SC, S, S, E, E],
  /* RESUMING     */ [E, S, S, S, RS, S, S, S],
  /* RUNNING_P2P  */ [E, S, R, S, S, RP, R, PP],
  /* PRE_COPY     */ [E, R, R, PP, R, R, PC, PP],
  /* PRE_COPY_P2P */ [E, RP, RP, SC, RP, RP, PC, PP],
];

/** state_flags_table: the migration flags a state needs (ERROR: every bit, so never requestable). */
const STATE_FLAGS_TABLE: readonly number[] = [
  /* ERROR        */ 0xffffffff,
  /* STOP         */ VFIO_MIGRATION_STOP_COPY,
  /* RUNNING      */ VFIO_MIGRATION_STOP_COPY,
  /* STOP_COPY    */ VFIO_MIGRATION_STOP_COPY,
  /* RESUMING     */ VFIO_MIGRATION_STOP_COPY,
  /* RUNNING_P2P  */ VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P,
  /* PRE_COPY     */ VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_PRE_COPY,
  /* PRE_COPY_P2P */ VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P | VFIO_MIGRATION_PRE_COPY,
];

function supported(flags: number, state: number): boolean {
  const need = STATE_FLAGS_TABLE[state]!;
  return ((need & flags) >>> 0) === need >>> 0;
}

/**
 * vfio_mig_get_next_state: the next arc from `cur` towards `target` for a device with migration
 * `flags`, hops into states the device lacks skipped by looking up again. EINVAL for a state out
 * of the enum, a state the device does not support (ERROR included), or a blocked arc
 * (STOP_COPY → PRE_COPY / PRE_COPY_P2P).
 */
export function vfioMigGetNextState(flags: number, cur: number, target: number): number {
  if (!Number.isInteger(cur) || cur < 0 || cur >= VFIO_DEVICE_NUM_STATES || !supported(flags, cur)) {
    throw kerr('EINVAL', `current migration state ${stateName(cur)} is not one of this device's`);
  }
  if (!Number.isInteger(target) || target < 0 || target >= VFIO_DEVICE_NUM_STATES || !supported(flags, target)) {
    throw kerr('EINVAL', `migration state ${stateName(target)} cannot be requested on this device (VFIO_DEVICE_FEATURE_MIGRATION flags 0x${flags.toString(16)})`);
  }
  let next = VFIO_FROM_FSM_TABLE[cur]![target]!;
  // the skip stops at ERROR (a blocked arc): without that test the kernel loop never ended on
  // STOP_COPY → PRE_COPY (fixed upstream in 2026, "while (*next_fsm != VFIO_DEVICE_STATE_ERROR && ...")
  while (next !== VFIO_DEVICE_STATE_ERROR && !supported(flags, next)) next = VFIO_FROM_FSM_TABLE[next]![target]!;
  if (next === VFIO_DEVICE_STATE_ERROR) throw kerr('EINVAL', `the arc ${stateName(cur)} → ${stateName(target)} is not permitted`);
  return next;
}

/** The whole path from `cur` to `target` (the arcs a SET walks), without changing anything. */
export function vfioMigPath(flags: number, cur: number, target: number): number[] {
  const path: number[] = [];
  let s = cur;
  while (s !== target) {
    s = vfioMigGetNextState(flags, s, target);
    path.push(s);
  }
  return path;
}

// ------------------------------------------------------------------ the device's state

/** A device entry's `migration` (profile): what VFIO_DEVICE_FEATURE_MIGRATION reports and the blob size. */
export type MigrationSpec = DeviceMigration;

export const MIG_CHUNK = 4096;
const PAGE = 4096;
/** "ITMG" little-endian. */
export const MIG_MAGIC = 0x474d5449;
export const MIG_VERSION = 1;
export const MIG_REC_CHUNK = 1;
export const MIG_REC_BAR = 2;
export const MIG_REC_END = 3;
const CHUNK_REC = 8 + MIG_CHUNK;
const BAR_REC = 16 + PAGE;
const END_REC = 16;
/** Bytes of one completion-ring record in the blob. */
export const MIG_RING_RECORD = 32;

function headerBytes(nbars: number): number {
  return 24 + 16 * nbars;
}

/** A migration data fd (anon inode "vfio-mig" of the vendor driver). */
const MIG_FILE_KIND: FileKind = 'vfio-mig';

/** The migration side of one device with `migration` in its profile entry. */
export class MigDevice {
  state = VFIO_DEVICE_STATE_RUNNING;
  readonly flags: number;
  readonly stateBytes: number;
  readonly nChunks: number;
  /** The blob, sparse: chunk index → 4 KiB (absent = zero). */
  blob = new Map<number, Uint8Array>();
  /** The completion ring's next sequence number. */
  seq = 0n;
  saving: MigSavingFile | undefined;
  resuming: MigResumingFile | undefined;

  constructor(
    readonly dev: DeviceState,
    spec: MigrationSpec,
  ) {
    this.flags = migrationFlagsOf(spec);
    if (spec.stateBytes <= 0n || spec.stateBytes % BigInt(MIG_CHUNK) !== 0n) throw kerr('EINVAL', `${dev.bdf}: migration stateBytes must be a non-zero multiple of 4 KiB`);
    this.stateBytes = Number(spec.stateBytes);
    this.nChunks = this.stateBytes / MIG_CHUNK;
  }

  /** Written BAR pages in a fixed order (BAR index, then page). */
  barPageKeys(): string[] {
    return [...this.dev.barPages.keys()].sort(compareBarKeys);
  }

  /** Bytes of a full STOP_COPY stream of the current state. */
  fullLength(): number {
    return headerBytes(this.dev.spec.bars.length) + this.nChunks * CHUNK_REC + this.dev.barPages.size * BAR_REC + END_REC;
  }

  /** One blob chunk's bytes (zero when never written). */
  chunk(i: number): Uint8Array {
    return this.blob.get(i) ?? new Uint8Array(MIG_CHUNK);
  }

  /**
   * The device completed a DMA: one ring record in place (stateBytes is a multiple of 4 KiB, so
   * a 32-byte record never straddles two chunks), its chunk dirtied.
   */
  dmaDone(iova: bigint, length: number, write: boolean): void {
    const off = Number((this.seq * BigInt(MIG_RING_RECORD)) % BigInt(this.stateBytes));
    this.seq++;
    const ci = Math.floor(off / MIG_CHUNK);
    let c = this.blob.get(ci);
    if (!c) this.blob.set(ci, (c = new Uint8Array(MIG_CHUNK)));
    const v = new DataView(c.buffer, c.byteOffset + (off % MIG_CHUNK), MIG_RING_RECORD);
    v.setBigUint64(0, this.seq, true);
    v.setBigUint64(8, BigInt.asUintN(64, iova), true);
    v.setUint32(16, length >>> 0, true);
    v.setUint32(20, write ? 1 : 0, true);
    v.setBigUint64(24, 0n, true);
    this.saving?.markChunk(ci);
  }

  /** A write reached the device's BAR `index` at [offset, offset + length). */
  barWritten(index: number, offset: bigint, length: number): void {
    const s = this.saving;
    if (!s || length <= 0) return;
    const first = offset >> 12n;
    const last = (offset + BigInt(length) - 1n) >> 12n;
    for (let p = first; p <= last; p++) s.markBar(`${index}:${p}`);
  }

  /** Why the device initiates no DMA now (undefined: it may). `p2p`: the DMA targets a peer's MMIO. */
  dmaRefusal(p2p: boolean): string | undefined {
    switch (this.state) {
      case VFIO_DEVICE_STATE_RUNNING:
      case VFIO_DEVICE_STATE_PRE_COPY:
        return undefined;
      case VFIO_DEVICE_STATE_RUNNING_P2P:
      case VFIO_DEVICE_STATE_PRE_COPY_P2P:
        return p2p ? `${this.dev.bdf} is in ${stateName(this.state)}: it initiates no peer-to-peer DMA` : undefined;
      case VFIO_DEVICE_STATE_ERROR:
        return `${this.dev.bdf} is in migration state ERROR: it must be reset (VFIO_DEVICE_RESET)`;
      default:
        return `${this.dev.bdf} is in migration state ${stateName(this.state)}: a stopped device initiates no DMA`;
    }
  }

  /**
   * VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE SET: walk the arcs to `target`. Returns the file of a
   * new data session (installed by the caller) or undefined. A failing arc leaves the device in
   * the last state reached.
   */
  setState(target: number): MigDataFile | undefined {
    let file: MigDataFile | undefined;
    while (this.state !== target) {
      const next = vfioMigGetNextState(this.flags, this.state, target);
      file = this.step(next) ?? file;
      this.state = next;
    }
    return file;
  }

  /** Whether the walk to `target` opens a data session (so the caller needs a free fd). */
  opensSession(target: number): boolean {
    let s = this.state;
    for (const next of vfioMigPath(this.flags, this.state, target)) {
      if (opensSessionArc(s, next)) return true;
      s = next;
    }
    return false;
  }

  private step(next: number): MigDataFile | undefined {
    const cur = this.state;
    // the arcs that open a session (one rule with opensSession's)
    if (opensSessionArc(cur, next)) {
      if (next === VFIO_DEVICE_STATE_RESUMING) return (this.resuming = new MigResumingFile(this));
      return (this.saving = new MigSavingFile(this, next === VFIO_DEVICE_STATE_STOP_COPY));
    }
    if (next === VFIO_DEVICE_STATE_PRE_COPY || next === VFIO_DEVICE_STATE_PRE_COPY_P2P) return undefined; // PRE_COPY ↔ PRE_COPY_P2P: the session goes on
    if (next === VFIO_DEVICE_STATE_STOP_COPY) {
      this.saving!.toStopCopy(); // from PRE_COPY(_P2P): the same fd continues
      return undefined;
    }
    if (cur === VFIO_DEVICE_STATE_RESUMING) {
      this.resuming!.complete();
      this.endSessions();
      return undefined;
    }
    if (cur === VFIO_DEVICE_STATE_PRE_COPY || cur === VFIO_DEVICE_STATE_PRE_COPY_P2P || cur === VFIO_DEVICE_STATE_STOP_COPY) this.endSessions();
    return undefined;
  }

  /** The sessions end: their fds stay open but read/write ENODEV. */
  endSessions(): void {
    this.saving?.disable();
    this.resuming?.disable();
    this.saving = undefined;
    this.resuming = undefined;
  }

  /** VFIO_DEVICE_RESET: back to RUNNING with a reset internal state. */
  reset(): void {
    this.endSessions();
    this.state = VFIO_DEVICE_STATE_RUNNING;
    this.blob = new Map();
    this.seq = 0n;
  }

  /** VFIO_DEVICE_FEATURE_MIG_DATA_SIZE: the bytes STOP_COPY would still produce. */
  stopCopyLength(): number {
    const s = this.saving;
    if (s && !s.disabled) return s.remaining();
    return this.fullLength();
  }
}

function opensSessionArc(cur: number, next: number): boolean {
  if (next === VFIO_DEVICE_STATE_RESUMING) return true;
  if (next === VFIO_DEVICE_STATE_STOP_COPY) return cur === VFIO_DEVICE_STATE_STOP;
  if (next === VFIO_DEVICE_STATE_PRE_COPY || next === VFIO_DEVICE_STATE_PRE_COPY_P2P) return cur === VFIO_DEVICE_STATE_RUNNING || cur === VFIO_DEVICE_STATE_RUNNING_P2P;
  return false;
}

function compareBarKeys(a: string, b: string): number {
  const [ai, ap] = a.split(':');
  const [bi, bp] = b.split(':');
  if (ai !== bi) return Number(ai) - Number(bi);
  const x = BigInt(ap!);
  const y = BigInt(bp!);
  return x < y ? -1 : x > y ? 1 : 0;
}

// ------------------------------------------------------------------ data fds

export type MigDataFile = MigSavingFile | MigResumingFile;

/** The saving session's fd (PRE_COPY, PRE_COPY_P2P, STOP_COPY). */
export class MigSavingFile extends OpenFile {
  readonly kind = MIG_FILE_KIND;
  disabled = false;
  private stopCopy: boolean;
  private headerSent = false;
  private chunkCursor = 0;
  private readonly barQueue: string[];
  private barPos = 0;
  private readonly barPending: Set<string>;
  private readonly dirtyChunk: Uint8Array;
  private readonly dirtyChunks: number[] = [];
  private dirtyPos = 0;
  private readonly dirtyBars = new Set<string>();
  private ended = false;
  private out: Uint8Array = new Uint8Array(0);
  private outPos = 0;
  private outKind: 'initial' | 'dirty' | 'end' = 'initial';

  constructor(
    readonly mig: MigDevice,
    stopCopy: boolean,
  ) {
    super('anon_inode:[vfio-mig-save]', O_RDONLY);
    this.stopCopy = stopCopy;
    this.barQueue = mig.barPageKeys();
    this.barPending = new Set(this.barQueue);
    this.dirtyChunk = new Uint8Array(mig.nChunks);
  }

  toStopCopy(): void {
    this.stopCopy = true;
  }

  disable(): void {
    this.disabled = true;
    this.out = new Uint8Array(0);
    this.outPos = 0;
  }

  markChunk(i: number): void {
    if (this.ended || this.disabled || i >= this.chunkCursor || this.dirtyChunk[i]) return;
    this.dirtyChunk[i] = 1;
    this.dirtyChunks.push(i);
  }

  markBar(key: string): void {
    if (this.ended || this.disabled || this.barPending.has(key)) return;
    this.dirtyBars.add(key);
  }

  private outLeft(kind: 'initial' | 'dirty' | 'end'): number {
    return this.outKind === kind ? this.out.length - this.outPos : 0;
  }

  /** VFIO_MIG_GET_PRECOPY_INFO's initial_bytes. */
  initialBytes(): number {
    return (
      this.outLeft('initial') +
      (this.headerSent ? 0 : headerBytes(this.mig.dev.spec.bars.length)) +
      (this.mig.nChunks - this.chunkCursor) * CHUNK_REC +
      (this.barQueue.length - this.barPos) * BAR_REC
    );
  }

  /** VFIO_MIG_GET_PRECOPY_INFO's dirty_bytes. */
  dirtyBytes(): number {
    return this.outLeft('dirty') + (this.dirtyChunks.length - this.dirtyPos) * CHUNK_REC + this.dirtyBars.size * BAR_REC;
  }

  /** Bytes STOP_COPY still produces from here. */
  remaining(): number {
    return this.initialBytes() + this.dirtyBytes() + (this.ended ? this.outLeft('end') : END_REC);
  }

  /** VFIO_MIG_GET_PRECOPY_INFO: only while the device is in a PRE_COPY state. */
  precopyInfo(): { initialBytes: number; dirtyBytes: number } {
    const st = this.mig.state;
    if (st !== VFIO_DEVICE_STATE_PRE_COPY && st !== VFIO_DEVICE_STATE_PRE_COPY_P2P) {
      throw kerr('EINVAL', `VFIO_MIG_GET_PRECOPY_INFO outside PRE_COPY (the device is in ${stateName(st)})`);
    }
    if (this.disabled || this.mig.saving !== this) throw kerr('ENODEV', 'this migration data fd\'s session has ended');
    return { initialBytes: this.initialBytes(), dirtyBytes: this.dirtyBytes() };
  }

  /**
   * read(2) of at most `max` bytes: the next bytes of the stream; an empty result is the end of
   * stream (STOP_COPY). ENOMSG in a PRE_COPY state when nothing is there now; ENODEV once the
   * session ended.
   */
  read(max: number): Uint8Array {
    if (this.disabled) throw kerr('ENODEV', 'this migration data fd\'s session has ended');
    const parts: Uint8Array[] = [];
    let got = 0;
    while (got < max) {
      if (this.outPos >= this.out.length && !this.produce()) break;
      const n = Math.min(max - got, this.out.length - this.outPos);
      parts.push(this.out.subarray(this.outPos, this.outPos + n));
      this.outPos += n;
      got += n;
    }
    if (got === 0 && max > 0 && !this.stopCopy) throw kerr('ENOMSG', 'no pre-copy data now: initial_bytes and dirty_bytes are 0');
    if (parts.length === 1) return parts[0]!.slice();
    const buf = new Uint8Array(got);
    let o = 0;
    for (const p of parts) {
      buf.set(p, o);
      o += p.length;
    }
    return buf;
  }

  /** The next record into `out`; false at the (temporary or final) end. */
  private produce(): boolean {
    const mig = this.mig;
    const dev = mig.dev;
    this.outPos = 0;
    if (!this.headerSent) {
      this.headerSent = true;
      const bars = dev.spec.bars;
      const b = new Uint8Array(headerBytes(bars.length));
      const v = new DataView(b.buffer);
      v.setUint32(0, MIG_MAGIC, true);
      v.setUint32(4, MIG_VERSION, true);
      v.setBigUint64(8, BigInt(mig.stateBytes), true);
      v.setUint32(16, bars.length, true);
      bars.forEach((bar, i) => {
        v.setUint32(24 + 16 * i, bar.index, true);
        v.setBigUint64(24 + 16 * i + 8, bar.size, true);
      });
      return this.emit(b, 'initial');
    }
    if (this.chunkCursor < mig.nChunks) return this.emit(chunkRecord(this.chunkCursor, mig.chunk(this.chunkCursor++)), 'initial');
    if (this.barPos < this.barQueue.length) {
      const key = this.barQueue[this.barPos++]!;
      this.barPending.delete(key);
      return this.emit(barRecord(dev, key), 'initial');
    }
    if (this.dirtyPos < this.dirtyChunks.length) {
      const i = this.dirtyChunks[this.dirtyPos++]!;
      this.dirtyChunk[i] = 0;
      if (this.dirtyPos === this.dirtyChunks.length) {
        this.dirtyChunks.length = 0;
        this.dirtyPos = 0;
      }
      return this.emit(chunkRecord(i, mig.chunk(i)), 'dirty');
    }
    const first = this.dirtyBars.values().next();
    if (!first.done) {
      this.dirtyBars.delete(first.value);
      return this.emit(barRecord(dev, first.value), 'dirty');
    }
    if (this.stopCopy && !this.ended) {
      this.ended = true;
      const b = new Uint8Array(END_REC);
      const v = new DataView(b.buffer);
      v.setUint32(0, MIG_REC_END, true);
      v.setBigUint64(8, mig.seq, true);
      return this.emit(b, 'end');
    }
    this.out = new Uint8Array(0);
    return false;
  }

  private emit(b: Uint8Array, kind: 'initial' | 'dirty' | 'end'): boolean {
    this.out = b;
    this.outPos = 0;
    this.outKind = kind;
    return true;
  }

  protected release(): void {
    this.disable();
  }
}

function chunkRecord(i: number, data: Uint8Array): Uint8Array {
  const b = new Uint8Array(8 + data.length);
  const v = new DataView(b.buffer);
  v.setUint32(0, MIG_REC_CHUNK, true);
  v.setUint32(4, i, true);
  b.set(data, 8);
  return b;
}

function barRecord(dev: DeviceState, key: string): Uint8Array {
  const [idx, page] = key.split(':');
  const b = new Uint8Array(BAR_REC);
  const v = new DataView(b.buffer);
  v.setUint32(0, MIG_REC_BAR, true);
  v.setUint32(4, Number(idx), true);
  v.setBigUint64(8, BigInt(page!), true);
  const p = dev.barPages.get(key);
  if (p) b.set(p, 16);
  return b;
}

type ParseStep = 'header' | 'bars' | 'tag' | 'chunk' | 'bar' | 'end' | 'done';

/** The resuming session's fd (RESUMING): parses records into a staged state. */
export class MigResumingFile extends OpenFile {
  readonly kind = MIG_FILE_KIND;
  disabled = false;
  /** A bad record was written: every later write and the RESUMING → STOP arc fail. */
  private broken: string | undefined;
  private step: ParseStep = 'header';
  private acc = new Uint8Array(24);
  private accLen = 0;
  private recIndex = 0;
  private readonly blob = new Map<number, Uint8Array>();
  private readonly bars = new Map<string, Uint8Array>();
  private seq = 0n;
  written = 0;

  constructor(readonly mig: MigDevice) {
    super('anon_inode:[vfio-mig-resume]', O_WRONLY);
  }

  disable(): void {
    this.disabled = true;
  }

  /** write(2): every byte is taken or the write fails (EINVAL: not a stream for this device). */
  write(data: Uint8Array): number {
    if (this.disabled) throw kerr('ENODEV', 'this migration data fd\'s session has ended');
    if (this.broken) throw kerr('EINVAL', `the resume stream is already invalid: ${this.broken}`);
    let o = 0;
    try {
      while (o < data.length) {
        if (this.step === 'done') throw kerr('EINVAL', `${data.length - o} bytes after the end-of-state record`);
        const n = Math.min(data.length - o, this.acc.length - this.accLen);
        this.acc.set(data.subarray(o, o + n), this.accLen);
        this.accLen += n;
        o += n;
        if (this.accLen === this.acc.length) this.consume();
      }
    } catch (e) {
      this.broken = e instanceof Error ? e.message : String(e);
      throw e;
    }
    this.written += data.length;
    return data.length;
  }

  private need(step: ParseStep, bytes: number): void {
    this.step = step;
    this.acc = new Uint8Array(bytes);
    this.accLen = 0;
  }

  private consume(): void {
    const mig = this.mig;
    const dev = mig.dev;
    const v = new DataView(this.acc.buffer);
    switch (this.step) {
      case 'header': {
        if (v.getUint32(0, true) !== MIG_MAGIC || v.getUint32(4, true) !== MIG_VERSION) throw kerr('EINVAL', 'not a migration stream of this device type (bad magic or version)');
        const sb = v.getBigUint64(8, true);
        if (sb !== BigInt(mig.stateBytes)) throw kerr('EINVAL', `the stream's device state is ${sb} bytes, ${dev.bdf}'s is ${mig.stateBytes}`);
        const nbars = v.getUint32(16, true);
        if (nbars !== dev.spec.bars.length) throw kerr('EINVAL', `the stream's device has ${nbars} BARs, ${dev.bdf} has ${dev.spec.bars.length}`);
        if (nbars === 0) this.need('tag', 8);
        else this.need('bars', 16 * nbars);
        return;
      }
      case 'bars': {
        dev.spec.bars.forEach((bar, i) => {
          const idx = v.getUint32(16 * i, true);
          const size = v.getBigUint64(16 * i + 8, true);
          if (idx !== bar.index || size !== bar.size) throw kerr('EINVAL', `the stream's BAR layout differs from ${dev.bdf}'s (BAR${idx} of ${size} bytes)`);
        });
        this.need('tag', 8);
        return;
      }
      case 'tag': {
        const tag = v.getUint32(0, true);
        const a = v.getUint32(4, true);
        if (tag === MIG_REC_CHUNK) {
          if (a >= mig.nChunks) throw kerr('EINVAL', `chunk ${a} is beyond the device state (${mig.nChunks} chunks)`);
          this.recIndex = a;
          this.need('chunk', MIG_CHUNK);
        } else if (tag === MIG_REC_BAR) {
          if (!dev.spec.bars.some((b) => b.index === a)) throw kerr('EINVAL', `${dev.bdf} has no BAR${a}`);
          this.recIndex = a;
          this.need('bar', 8 + PAGE);
        } else if (tag === MIG_REC_END) {
          this.need('end', 8);
        } else throw kerr('EINVAL', `unknown migration record type ${tag}`);
        return;
      }
      case 'chunk': {
        const c = this.acc;
        if (c.every((x) => x === 0)) this.blob.delete(this.recIndex);
        else this.blob.set(this.recIndex, c);
        this.need('tag', 8);
        return;
      }
      case 'bar': {
        const page = v.getBigUint64(0, true);
        const bar = dev.spec.bars.find((b) => b.index === this.recIndex)!;
        if (page >= bar.size / BigInt(PAGE) && !(page === 0n && bar.size < BigInt(PAGE))) throw kerr('EINVAL', `page ${page} is beyond BAR${this.recIndex} of ${dev.bdf}`);
        this.bars.set(`${this.recIndex}:${page}`, this.acc.slice(8));
        this.need('tag', 8);
        return;
      }
      case 'end': {
        this.seq = v.getBigUint64(0, true);
        this.step = 'done';
        this.acc = new Uint8Array(0);
        this.accLen = 0;
        return;
      }
      default:
        throw kerr('EINVAL', 'bytes after the end-of-state record');
    }
  }

  /** RESUMING → STOP: the device takes the staged state, or EINVAL (nothing changes). */
  complete(): void {
    if (this.broken) throw kerr('EINVAL', `the resume data is invalid: ${this.broken}`);
    if (this.step !== 'done') throw kerr('EINVAL', `the resume data is incomplete (${this.written} bytes written, no end-of-state record)`);
    const mig = this.mig;
    mig.blob = new Map(this.blob);
    mig.seq = this.seq;
    const pages = mig.dev.barPages;
    pages.clear();
    for (const [k, p] of this.bars) pages.set(k, p);
  }

  protected release(): void {
    this.disable();
  }
}

// ------------------------------------------------------------------ per-device registry

const devices = new WeakMap<DeviceState, MigDevice>();

/** The migration side of `dev` (undefined: the device has no migration support, no mig_ops). */
export function migDeviceOf(dev: DeviceState): MigDevice | undefined {
  let m = devices.get(dev);
  if (m) return m;
  const spec = dev.spec.migration;
  if (!spec || !spec.stopCopy) return undefined;
  m = new MigDevice(dev, spec);
  devices.set(dev, m);
  return m;
}

/** mig_ops or ENOTTY (vfio_ioctl_device_feature_mig_device_state & co.). */
export function requireMigDevice(dev: DeviceState): MigDevice {
  const m = migDeviceOf(dev);
  if (!m) throw kerr('ENOTTY', `${dev.bdf} has no VFIO migration support`);
  if (!dev.plugged) throw kerr('ENODEV', `${dev.bdf} is gone`);
  return m;
}

/**
 * read(2) on `fd` of `p`: a saving data fd; a resuming one is write-only (EBADF, vfs_read without
 * FMODE_READ); any other file has no read here (EINVAL).
 */
export function savingFileOf(p: Process, fd: number): MigSavingFile {
  const f = p.file(fd);
  if (f instanceof MigSavingFile) return f;
  if (f instanceof MigResumingFile) throw kerr('EBADF', `fd ${fd} is a resuming migration data fd (write-only)`);
  throw kerr('EINVAL', `fd ${fd} (${f.kind}) is not a VFIO migration data fd`);
}

/** write(2) on `fd` of `p`: a resuming data fd; a saving one is read-only (EBADF); others EINVAL. */
export function resumingFileOf(p: Process, fd: number): MigResumingFile {
  const f = p.file(fd);
  if (f instanceof MigResumingFile) return f;
  if (f instanceof MigSavingFile) throw kerr('EBADF', `fd ${fd} is a saving migration data fd (read-only)`);
  throw kerr('EINVAL', `fd ${fd} (${f.kind}) is not a VFIO migration data fd`);
}

/** VFIO_MIG_GET_PRECOPY_INFO on `fd` of `p`: only the saving fd has the ioctl (else ENOTTY). */
export function precopyFileOf(p: Process, fd: number): MigSavingFile {
  const f = p.file(fd);
  if (f instanceof MigSavingFile) return f;
  throw kerr('ENOTTY', `fd ${fd} (${f.kind}) has no VFIO_MIG_GET_PRECOPY_INFO`);
}

const WIRE_PREFIX = 'VFIO_DEVICE_MIG_STATE_';

/** A VfioDeviceMigState from the wire (name, or the number of a value this build does not know). */
export function migStateFromWire(v: string | number): number {
  if (typeof v === 'number') return v;
  const i = (MIG_STATE_NAMES as readonly string[]).indexOf(v.startsWith(WIRE_PREFIX) ? v.slice(WIRE_PREFIX.length) : v);
  return i < 0 ? VFIO_DEVICE_NUM_STATES : i;
}

/** The wire name of a state. */
export function migStateToWire(s: number): string {
  return WIRE_PREFIX + MIG_STATE_NAMES[s]!;
}

/** The device fd's last close (vfio_pci close_device): sessions end, the FSM is RUNNING again. */
export function migrationDeviceClosed(dev: DeviceState): void {
  const m = devices.get(dev);
  if (!m) return;
  m.endSessions();
  m.state = VFIO_DEVICE_STATE_RUNNING;
}

/** VFIO_DEVICE_RESET of the device. */
export function migrationDeviceReset(dev: DeviceState): void {
  devices.get(dev)?.reset();
}
