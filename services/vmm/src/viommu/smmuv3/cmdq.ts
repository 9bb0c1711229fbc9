/**
 * The SMMUv3 command queue as QEMU consumes it (hw/arm/smmuv3.c `smmuv3_cmdq_consume`,
 * `smmuv3_range_inval`; command fields `CMD_*` of hw/arm/smmuv3-internal.h, opcodes
 * `SMMUCommandType` of include/hw/arm/smmuv3-common.h; accel forwarding of hw/arm/smmuv3-accel.c
 * `smmuv3_accel_install_ste(_range)` / `smmuv3_accel_issue_inv_cmd`). Facts:
 * shared/reference/smmuv3-and-migration.md §A.3, A.7, A.9.
 *
 * Consumption runs on CMDQ_PROD, CR0 and GERRORN writes, only with CR0.CMDQEN, one command at a
 * time from CONS: it stops when the queue is empty or GERROR.CMDQ_ERR is pending; CONS advances
 * after each completed command; a failing command leaves CONS on it, writes CONS.ERR and toggles
 * GERROR.CMDQ_ERR. With the accel port, each forwarded command awaits the host in queue order, so
 * a CMD_SYNC completes after every earlier host call; a refused host call is CERROR_ILL.
 */
import { DomainError } from '#libs/errno/index.js';
import { smmuv3TriggerIrq } from './events.js';
import { CERROR, CMDQ_CONS_ERR_MASK, GERROR, qConsEntry, qEmpty, queueConsIncr, type Smmuv3RegState } from './regs.js';
import type { GuestMemory, SmmuCaps, SmmuInvalidationTarget, SmmuIrq, SmmuIovaInvalidation, SteView, Smmuv3AccelPort } from './types.js';

/** Opcodes (`SMMUCommandType`; Linux `CMDQ_OP_*`). */
export const CMD = {
  PREFETCH_CONFIG: 0x01,
  PREFETCH_ADDR: 0x02,
  CFGI_STE: 0x03,
  CFGI_STE_RANGE: 0x04,
  CFGI_CD: 0x05,
  CFGI_CD_ALL: 0x06,
  /** QEMU's enum value; the switch has no case for it, so it is CERROR_ILL (CFGI_ALL is CFGI_STE_RANGE with Range 31) */
  CFGI_ALL: 0x07,
  TLBI_NH_ALL: 0x10,
  TLBI_NH_ASID: 0x11,
  TLBI_NH_VA: 0x12,
  TLBI_NH_VAA: 0x13,
  TLBI_EL3_ALL: 0x18,
  TLBI_EL3_VA: 0x1a,
  TLBI_EL2_ALL: 0x20,
  TLBI_EL2_ASID: 0x21,
  TLBI_EL2_VA: 0x22,
  TLBI_EL2_VAA: 0x23,
  TLBI_S12_VMALL: 0x28,
  TLBI_S2_IPA: 0x2a,
  TLBI_NSNH_ALL: 0x30,
  ATC_INV: 0x40,
  PRI_RESP: 0x41,
  RESUME: 0x44,
  STALL_TERM: 0x45,
  SYNC: 0x46,
} as const;

export const CMD_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(CMD).map(([k, v]) => [v, k]));

/** CMD_SYNC CS field (`CMD_SYNC_SIG_*`). */
export const CMD_SYNC_SIG = { NONE: 0, IRQ: 1, SEV: 2 } as const;

/** One 16-byte command as four little-endian 32-bit words (QEMU's `Cmd.word[4]`). */
export type CmdWords = readonly [number, number, number, number];

const bits = (v: number, shift: number, len: number): number => (v >>> shift) & (2 ** len - 1);

/** The `CMD_*` field extractors, by QEMU's positions. */
export const cmdType = (c: CmdWords): number => bits(c[0], 0, 8);
export const cmdSsec = (c: CmdWords): boolean => bits(c[0], 10, 1) === 1;
export const cmdSsv = (c: CmdWords): boolean => bits(c[0], 11, 1) === 1;
export const cmdNum = (c: CmdWords): number => bits(c[0], 12, 5);
export const cmdScale = (c: CmdWords): number => bits(c[0], 20, 5);
export const cmdSyncCs = (c: CmdWords): number => bits(c[0], 12, 2);
export const cmdSsid = (c: CmdWords): number => bits(c[0], 12, 20);
export const cmdSid = (c: CmdWords): number => c[1] >>> 0;
export const cmdVmid = (c: CmdWords): number => bits(c[1], 0, 16);
export const cmdAsid = (c: CmdWords): number => bits(c[1], 16, 16);
export const cmdLeaf = (c: CmdWords): boolean => bits(c[2], 0, 1) === 1;
export const cmdTtl = (c: CmdWords): number => bits(c[2], 8, 2);
export const cmdTg = (c: CmdWords): number => bits(c[2], 10, 2);
export const cmdSteRange = (c: CmdWords): number => bits(c[2], 0, 5);
export const cmdResumeStag = (c: CmdWords): number => bits(c[2], 0, 16);
/** `CMD_ADDR`: word3 << 32 | word2[31:12] << 12 (VA / IPA / ATC address). */
export const cmdAddr = (c: CmdWords): bigint => (BigInt(c[3] >>> 0) << 32n) | (BigInt(bits(c[2], 12, 20)) << 12n);

/** The two little-endian 64-bit words the guest wrote (what the accel port forwards). */
export function cmdDwords(c: CmdWords): readonly [bigint, bigint] {
  return [BigInt(c[0] >>> 0) | (BigInt(c[1] >>> 0) << 32n), BigInt(c[2] >>> 0) | (BigInt(c[3] >>> 0) << 32n)];
}

const U64 = (1n << 64n) - 1n;

/** `dma_aligned_pow2_mask(start, end, 64)`: the largest power-of-two block mask aligned at `start` that fits in [start, end]. */
export function dmaAlignedPow2Mask(start: bigint, end: bigint): bigint {
  const addrMask = (end - start) & U64;
  const alignmentMask = start ? (start & -start & U64) - 1n : U64;
  if (alignmentMask <= addrMask) return alignmentMask;
  if (addrMask === U64) return U64;
  const size = addrMask + 1n;
  return (1n << BigInt(size.toString(2).length - 1)) - 1n;
}

/**
 * `smmuv3_range_inval`: the invalidations one TLBI_NH_VA / NH_VAA / S2_IPA asks of the IOTLB.
 * ASID only for NH_VA (-1 otherwise), VMID only on a unit with stage 2 (-1 otherwise). TG = 0: one
 * page at ADDR. Else (RIL) pages = (NUM + 1) · 2^SCALE of granule 2^(TG·2 + 10), split into
 * naturally aligned power-of-two blocks (arithmetic modulo 2^64, as QEMU's). The number of pieces
 * is bounded by the 64 address bits (at most 2 × 64), not by the command.
 */
export function rangeInvalidations(c: CmdWords, stage: 1 | 2, s2p: boolean): SmmuIovaInvalidation[] {
  let addr = cmdAddr(c);
  const vmid = s2p ? cmdVmid(c) : -1;
  const asid = cmdType(c) === CMD.TLBI_NH_VA ? cmdAsid(c) : -1;
  const ttl = cmdTtl(c);
  const tg = cmdTg(c);
  if (!tg) return [{ asid, vmid, addr, tg, numPages: 1n, ttl, stage }];
  const granule = BigInt(tg * 2 + 10);
  const numPages = BigInt(cmdNum(c) + 1) << BigInt(cmdScale(c));
  const end = (addr + (numPages << granule) - 1n) & U64;
  const out: SmmuIovaInvalidation[] = [];
  const stop = (end + 1n) & U64;
  while (addr !== stop) {
    if (out.length > 128) throw new DomainError('INTERNAL', 'SMMU_RANGE_SPLIT', `SMMUv3: range split of 0x${cmdAddr(c).toString(16)}..0x${end.toString(16)} did not converge`);
    const mask = dmaAlignedPow2Mask(addr, end);
    out.push({ asid, vmid, addr, tg, numPages: (mask + 1n) >> granule, ttl, stage });
    addr = (addr + mask + 1n) & U64;
  }
  return out;
}

/** The last command the queue refused (state() / Inspect). */
export interface SmmuCmdError {
  /** CONS index (with wrap bit) of the refused command */
  cons: number;
  opcode: number;
  /** CERROR_ILL / CERROR_ABT */
  error: 'ILL' | 'ABT';
  reason: string;
}

/** What the queue acts on besides the register state (provided by index.ts). */
export interface SmmuCmdqContext {
  readonly st: Smmuv3RegState;
  readonly mem: GuestMemory;
  readonly caps: SmmuCaps;
  readonly raise: (irq: SmmuIrq) => void;
  /** the configuration cache and IOTLB (the translator) */
  target(): SmmuInvalidationTarget;
  /** the accel port, if the vmm set one */
  accel(): Smmuv3AccelPort | undefined;
  /** `smmu_find_ste` now, for an STE install */
  steView(sid: number): SteView;
}

type Outcome = { ok: true } | { ok: false; error: 'ILL' | 'ABT'; reason: string; host?: boolean };
const OK: Outcome = { ok: true };
const ill = (reason: string, host = false): Outcome => ({ ok: false, error: 'ILL', reason, host });

export class SmmuCommandQueue {
  lastError: SmmuCmdError | undefined;
  /** commands completed since reset (tests, Inspect) */
  executed = 0;
  private running: Promise<boolean> | undefined;

  constructor(private readonly ctx: SmmuCmdqContext) {}

  reset(): void {
    this.lastError = undefined;
    this.executed = 0;
  }

  /**
   * `smmuv3_cmdq_consume`. Resolves false when a host (accel) call failed in it. Consumptions never
   * overlap: one requested while another awaits the host runs after it (a guest PROD write during a
   * host call). Each is bounded by the queue's size: at most 2^LOG2SIZE (≤ 2^19) commands.
   */
  consume(): Promise<boolean> {
    if (this.running) {
      const after = this.running.then(
        () => this.consume(),
        () => this.consume(),
      );
      return after;
    }
    const p = this.consumeNow();
    this.running = p;
    const clear = (): void => {
      if (this.running === p) this.running = undefined;
    };
    p.then(clear, clear);
    return p;
  }

  private async consumeNow(): Promise<boolean> {
    const { st } = this.ctx;
    const q = st.cmdq;
    if (!st.cmdqEnabled) return true;
    let hostOk = true;
    let failure: Outcome = OK;
    let opcode = 0;
    let budget = 2 ** q.log2size;
    while (!qEmpty(q) && budget-- > 0) {
      const pending = st.gerror ^ st.gerrorn;
      if (pending & GERROR.CMDQ_ERR) break;
      let cmd: CmdWords;
      try {
        const b = this.ctx.mem.read(qConsEntry(q), 16);
        const dv = new DataView(b.buffer, b.byteOffset, 16);
        cmd = [dv.getUint32(0, true), dv.getUint32(4, true), dv.getUint32(8, true), dv.getUint32(12, true)];
      } catch {
        failure = { ok: false, error: 'ABT', reason: `command read at 0x${qConsEntry(q).toString(16)} failed` };
        break;
      }
      opcode = cmdType(cmd);
      const r = await this.execute(cmd);
      if (!r.ok) {
        failure = r;
        if (r.host) hostOk = false;
        break;
      }
      this.executed++;
      // CONS only advances once the command completed (CMD_SYNC completes after everything before it)
      queueConsIncr(q);
    }
    if (!failure.ok) {
      st.writeCmdqErr(failure.error === 'ILL' ? CERROR.ILL : CERROR.ABT);
      this.lastError = { cons: (q.cons & ~CMDQ_CONS_ERR_MASK) >>> 0, opcode, error: failure.error, reason: failure.reason };
      smmuv3TriggerIrq(st, this.ctx.raise, 'gerror', GERROR.CMDQ_ERR);
    }
    return hostOk;
  }

  /** One command: its emulated effect, then (accel) the host call, as QEMU orders them. */
  private async execute(c: CmdWords): Promise<Outcome> {
    const { caps } = this.ctx;
    const type = cmdType(c);
    const target = this.ctx.target();
    const accel = this.ctx.accel();
    switch (type) {
      case CMD.SYNC:
        if (cmdSyncCs(c) & CMD_SYNC_SIG.IRQ) smmuv3TriggerIrq(this.ctx.st, this.ctx.raise, 'cmdq_sync');
        return OK;
      case CMD.PREFETCH_CONFIG:
      case CMD.PREFETCH_ADDR:
        return OK;
      case CMD.CFGI_STE: {
        if (cmdSsec(c)) return ill('CFGI_STE with SSec set');
        const sid = cmdSid(c);
        // QEMU installs on the host first; a refusal leaves the emulated configuration cache untouched
        if (accel?.backs(sid) && !(await accel.installSte(sid, this.ctx.steView(sid)))) return ill(`host refused the STE of SID 0x${sid.toString(16)}`, true);
        target.invalidateSte(sid);
        return OK;
      }
      case CMD.CFGI_STE_RANGE: {
        if (cmdSsec(c)) return ill('CFGI_STE_RANGE with SSec set');
        const sid = cmdSid(c);
        const range = cmdSteRange(c);
        if (accel) {
          const mask = 2 ** (range + 1) - 1;
          const start = (sid - (sid % (mask + 1))) >>> 0;
          const end = start + mask;
          let allOk = true;
          for (const s of backedSidsIn(accel, start, end)) {
            if (!(await accel.installSte(s, this.ctx.steView(s)))) allOk = false;
          }
          if (!allOk) return ill(`host refused an STE in SIDs 0x${start.toString(16)}..0x${end.toString(16)}`, true);
        }
        target.invalidateSteRange(sid, range);
        return OK;
      }
      case CMD.CFGI_CD:
      case CMD.CFGI_CD_ALL: {
        if (cmdSsec(c)) return ill(`${type === CMD.CFGI_CD ? 'CFGI_CD' : 'CFGI_CD_ALL'} with SSec set`);
        const sid = cmdSid(c);
        if (type === CMD.CFGI_CD) target.invalidateCd(sid, cmdSsid(c));
        else target.invalidateCdAll(sid);
        return this.forward(accel, c, sid);
      }
      case CMD.TLBI_NH_ASID: {
        if (!caps.s1p) return ill('TLBI_NH_ASID on a unit without stage 1');
        // VMID only matched when stage 2 is supported
        target.invalidateAsid(cmdAsid(c), caps.s2p ? cmdVmid(c) : -1);
        return this.forward(accel, c, undefined);
      }
      case CMD.TLBI_NH_ALL:
        if (!caps.s1p) return ill('TLBI_NH_ALL on a unit without stage 1');
        if (caps.s2p) {
          // stage 2 supported: the stage-1 entries of this VMID only, nothing forwarded
          target.invalidateVmidS1(cmdVmid(c));
          return OK;
        }
        // otherwise QEMU falls through to TLBI_NSNH_ALL
        target.invalidateAll();
        return this.forward(accel, c, undefined);
      case CMD.TLBI_NSNH_ALL:
        target.invalidateAll();
        return this.forward(accel, c, undefined);
      case CMD.TLBI_NH_VA:
      case CMD.TLBI_NH_VAA:
        if (!caps.s1p) return ill(`${type === CMD.TLBI_NH_VA ? 'TLBI_NH_VA' : 'TLBI_NH_VAA'} on a unit without stage 1`);
        for (const inv of rangeInvalidations(c, 1, caps.s2p)) target.invalidateIova(inv);
        return this.forward(accel, c, undefined);
      case CMD.TLBI_S12_VMALL:
        if (!caps.s2p) return ill('TLBI_S12_VMALL on a unit without stage 2');
        target.invalidateVmid(cmdVmid(c));
        return OK;
      case CMD.TLBI_S2_IPA:
        if (!caps.s2p) return ill('TLBI_S2_IPA on a unit without stage 2');
        for (const inv of rangeInvalidations(c, 2, caps.s2p)) target.invalidateIova(inv);
        return OK;
      case CMD.ATC_INV: {
        // ignored unless ATS is advertised (accel ats=on) and a device backs the SID
        const sid = cmdSid(c);
        if (!caps.ats) return OK;
        return this.forward(accel, c, sid);
      }
      case CMD.TLBI_EL3_ALL:
      case CMD.TLBI_EL3_VA:
      case CMD.TLBI_EL2_ALL:
      case CMD.TLBI_EL2_ASID:
      case CMD.TLBI_EL2_VA:
      case CMD.TLBI_EL2_VAA:
      case CMD.PRI_RESP:
      case CMD.RESUME:
      case CMD.STALL_TERM:
        // "unhandled command": completes without effect
        return OK;
      default:
        return ill(`Illegal command type: ${type}`);
    }
  }

  /**
   * `smmuv3_accel_issue_inv_cmd`: one command per host request. SID-scoped commands (CFGI_CD,
   * CFGI_CD_ALL, ATC_INV) only for a StreamID the port backs; unit-wide TLBIs always (the port
   * answers true while it has no vIOMMU). A refusal is CERROR_ILL.
   */
  private async forward(accel: Smmuv3AccelPort | undefined, c: CmdWords, sid: number | undefined): Promise<Outcome> {
    if (!accel) return OK;
    if (sid !== undefined && !accel.backs(sid)) return OK;
    if (await accel.invalidate(cmdDwords(c), sid)) return OK;
    return ill(`host refused ${CMD_NAMES.get(cmdType(c)) ?? 'the command'}${sid !== undefined ? ` for SID 0x${sid.toString(16)}` : ''}`, true);
  }
}

/**
 * The StreamIDs in [start, end] the port backs, ascending: QEMU walks its accel device list, never
 * the guest's range, so the cost is the number of assigned devices.
 */
function backedSidsIn(accel: Smmuv3AccelPort, start: number, end: number): number[] {
  return accel
    .backedSids()
    .filter((s) => s >= start && s <= end)
    .sort((a, b) => a - b);
}
