/**
 * Test support of the SMMUv3 unit tests (regs, cmdq, index, events): the configuration they start
 * from, a recording stand-in for the SmmuTranslator (what the register file and the command queue
 * latch into it / call on it) and a unit on fake guest RAM with its MMIO accessors.
 */
import { FakeGuestRam } from './fixtures.js';
import { Smmuv3, type SmmuTranslatorPort } from './index.js';
import type { SmmuIovaInvalidation, SmmuIrq, SmmuStreamTableState, SmmuTranslation, SteView, Smmuv3Config } from './types.js';

/** stage 1, no accel, OAS 44, no substreams, RIL, no ATS, every granule */
export const SMMU_TEST_CFG: Smmuv3Config = { stage: 1, accel: false, oas: 44, ssidsize: 0, ril: true, ats: false, granules: { g4k: true, g16k: true, g64k: true } };

/** A recording stand-in for SmmuTranslator: every call is logged in `calls`; translate answers `next`. */
export class RecordingTranslator implements SmmuTranslatorPort {
  table: SmmuStreamTableState = { smmuEnabled: true, gbpaAbort: true, strtabBase: 1n, log2size: 1, split: 1, twoLevel: true };
  readonly calls: string[] = [];
  next: SmmuTranslation = { ok: true, pa: 0x4000_0000n, perm: 3, pageShift: 12, bypass: false };
  translate(sid: number, ssid: number | undefined, iova: bigint, write: boolean): SmmuTranslation {
    this.calls.push(`translate ${sid} ${ssid} 0x${iova.toString(16)} ${write}`);
    return this.next;
  }
  steView(sid: number): SteView {
    return { kind: 'disabled', abort: sid === 0 };
  }
  resetCaches(): void {
    this.calls.push('resetCaches');
  }
  invalidateSte(sid: number): void {
    this.calls.push(`ste ${sid}`);
  }
  invalidateSteRange(sid: number, range: number): void {
    this.calls.push(`steRange ${sid} ${range}`);
  }
  invalidateCd(sid: number, ssid: number): void {
    this.calls.push(`cd ${sid} ${ssid}`);
  }
  invalidateCdAll(sid: number): void {
    this.calls.push(`cdAll ${sid}`);
  }
  invalidateAll(): void {
    this.calls.push('all');
  }
  invalidateVmidS1(vmid: number): void {
    this.calls.push(`vmidS1 ${vmid}`);
  }
  invalidateAsid(asid: number, vmid: number): void {
    this.calls.push(`asid ${asid} ${vmid}`);
  }
  invalidateIova(inv: SmmuIovaInvalidation): void {
    this.calls.push(`iova ${JSON.stringify(inv, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))}`);
  }
  invalidateVmid(vmid: number): void {
    this.calls.push(`vmid ${vmid}`);
  }
}

/** A unit over fake guest RAM with a RecordingTranslator; `r` / `w` are MMIO accesses at an offset. */
export function smmuUnit(o: Partial<Smmuv3Config> = {}) {
  const irqs: SmmuIrq[] = [];
  const ram = new FakeGuestRam();
  let fake!: RecordingTranslator;
  const u = new Smmuv3({ ...SMMU_TEST_CFG, ...o }, ram, (i) => irqs.push(i), () => (fake = new RecordingTranslator()));
  const r = (off: number, size: 4 | 8 = 4): bigint => u.mmioRead(off, size);
  const w = (off: number, v: bigint | number, size: 4 | 8 = 4): Promise<void> => u.mmioWrite(off, size, BigInt(v));
  return { u, ram, irqs, r, w, fake };
}
