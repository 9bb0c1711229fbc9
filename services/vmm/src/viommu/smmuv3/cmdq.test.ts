import { describe, expect, it } from 'vitest';
import { CMD, cmdDwords, dmaAlignedPow2Mask, rangeInvalidations, type CmdWords } from './cmdq.js';
import { A } from './regs.js';
import { smmuUnit } from './test-support.js';
import type { Smmuv3AccelPort, Smmuv3Config } from './types.js';

// ------------------------------------------------------------------------------ fixture (test-support.ts)

const CMDQ_GPA = 0x4008_0000n;
const CR0_CMDQEN = 1 << 3;
const GERROR_IRQEN = 1;
const ERR = (e: number): number => e << 24;

/** The string the fake logs for one invalidateIova (same key order as SmmuIovaInvalidation in cmdq.ts). */
const iv = (asid: number, vmid: number, addr: bigint, tg: number, numPages: bigint, ttl: number, stage: 1 | 2): string =>
  `iova ${JSON.stringify({ asid, vmid, addr: `0x${addr.toString(16)}`, tg, numPages: `0x${numPages.toString(16)}`, ttl, stage })}`;

type Dw = readonly [bigint, bigint];
const b = BigInt;
/** CFGI_*: SSec b10, SSID[31:12], SID[63:32]; Range / Leaf in dword1. */
const cfgi = (op: number, sid: number, o: { ssid?: number; range?: number; ssec?: boolean; leaf?: boolean } = {}): Dw => [
  b(op) | (o.ssec ? 1n << 10n : 0n) | (b(o.ssid ?? 0) << 12n) | (b(sid) << 32n),
  b(o.range ?? 0) | (o.leaf ? 1n : 0n),
];
/** TLBI_*: NUM[16:12], SCALE[24:20], VMID[47:32], ASID[63:48]; LEAF b0, TTL[9:8], TG[11:10], ADDR[63:12]. */
const tlbi = (op: number, o: { asid?: number; vmid?: number; num?: number; scale?: number; tg?: number; ttl?: number; leaf?: boolean; addr?: bigint } = {}): Dw => [
  b(op) | (b(o.num ?? 0) << 12n) | (b(o.scale ?? 0) << 20n) | (b(o.vmid ?? 0) << 32n) | (b(o.asid ?? 0) << 48n),
  (o.leaf ? 1n : 0n) | (b(o.ttl ?? 0) << 8n) | (b(o.tg ?? 0) << 10n) | ((o.addr ?? 0n) & ~0xfffn),
];
const sync = (cs: number): Dw => [b(CMD.SYNC) | (b(cs) << 12n), 0n];
const op = (code: number): Dw => [b(code), 0n];

/** A command's 16 bytes as the guest stores them (two little-endian dwords). */
function cmdBytes(c: Dw): Uint8Array {
  const dv = new DataView(new ArrayBuffer(16));
  dv.setBigUint64(0, c[0], true);
  dv.setBigUint64(8, c[1], true);
  return new Uint8Array(dv.buffer);
}

async function queueUnit(o: Partial<Smmuv3Config> = {}, log2size = 3) {
  const t = smmuUnit(o);
  const { ram, fake, w } = t;
  await w(A.CMDQ_BASE, CMDQ_GPA | b(log2size), 8);
  fake.calls.length = 0;
  let prod = 0;
  const wrapIndex = 2 ** (log2size + 1) - 1;
  /** Write the commands at PROD in guest RAM (no register write). */
  const put = (...cmds: Dw[]): void => {
    for (const c of cmds) {
      ram.write(CMDQ_GPA + b(16 * (prod & (2 ** log2size - 1))), cmdBytes(c));
      prod = (prod + 1) & wrapIndex;
    }
  };
  /** Write the commands and publish PROD (the register write that consumes them). */
  const submit = async (...cmds: Dw[]): Promise<void> => {
    put(...cmds);
    await w(A.CMDQ_PROD, prod);
  };
  const enable = (): Promise<void> => w(A.CR0, CR0_CMDQEN);
  /** overwrite the entry at index `i` (Linux's arm_smmu_cmdq_skip_err replaces the bad command by a CMD_SYNC) */
  const patch = (i: number, c: Dw): void => ram.write(CMDQ_GPA + b(16 * i), cmdBytes(c));
  return { ...t, put, submit, enable, patch };
}

// ------------------------------------------------------------------------------ field decode

describe('command fields and the RIL split (CMD_* of smmuv3-internal.h, smmuv3_range_inval)', () => {
  it('cmdDwords gives back the two little-endian dwords the guest wrote', () => {
    const c: CmdWords = [0x1112_3412, 0x5678_0009, 0x0000_1d01, 0x0000_00ff];
    expect(cmdDwords(c)).toEqual([0x5678_0009_1112_3412n, 0x0000_00ff_0000_1d01n]);
  });

  it('dma_aligned_pow2_mask', () => {
    expect(dmaAlignedPow2Mask(0x3000n, 0x5fffn)).toBe(0xfffn);
    expect(dmaAlignedPow2Mask(0x4000n, 0x5fffn)).toBe(0x1fffn);
    expect(dmaAlignedPow2Mask(0n, 0x5fffn)).toBe(0x3fffn);
    expect(dmaAlignedPow2Mask(0n, (1n << 64n) - 1n)).toBe((1n << 64n) - 1n);
  });

  const words = (d: Dw): CmdWords => [Number(d[0] & 0xffff_ffffn), Number(d[0] >> 32n), Number(d[1] & 0xffff_ffffn), Number(d[1] >> 32n)];

  it('TG = 0: one invalidation at ADDR with NUM/SCALE ignored; ASID only for NH_VA, VMID only with stage 2', () => {
    expect(rangeInvalidations(words(tlbi(CMD.TLBI_NH_VA, { asid: 7, vmid: 3, num: 5, scale: 2, ttl: 3, addr: 0xffff_8000_1234_5000n })), 1, false)).toEqual([
      { asid: 7, vmid: -1, addr: 0xffff_8000_1234_5000n, tg: 0, numPages: 1n, ttl: 3, stage: 1 },
    ]);
    expect(rangeInvalidations(words(tlbi(CMD.TLBI_NH_VAA, { asid: 7, vmid: 3, addr: 0x5000n })), 1, true)).toEqual([{ asid: -1, vmid: 3, addr: 0x5000n, tg: 0, numPages: 1n, ttl: 0, stage: 1 }]);
  });

  it('RIL: pages = (NUM+1)·2^SCALE of 2^(TG·2+10) bytes, split into naturally aligned power-of-two blocks', () => {
    // 3 × 4 KiB from 0x3000: [0x3000 +1 page] [0x4000 +2 pages]
    const a = rangeInvalidations(words(tlbi(CMD.TLBI_NH_VA, { asid: 1, tg: 1, num: 2, scale: 0, addr: 0x3000n })), 1, false);
    expect(a.map((x) => [x.addr, x.numPages, x.tg])).toEqual([
      [0x3000n, 1n, 1],
      [0x4000n, 2n, 1],
    ]);
    // 8 × 64 KiB from 0x10000 (NUM 0, SCALE 3): 1 + 2 + 4 + 1
    const c = rangeInvalidations(words(tlbi(CMD.TLBI_S2_IPA, { vmid: 9, tg: 3, num: 0, scale: 3, ttl: 2, addr: 0x10000n })), 2, true);
    expect(c).toEqual([
      { asid: -1, vmid: 9, addr: 0x10000n, tg: 3, numPages: 1n, ttl: 2, stage: 2 },
      { asid: -1, vmid: 9, addr: 0x20000n, tg: 3, numPages: 2n, ttl: 2, stage: 2 },
      { asid: -1, vmid: 9, addr: 0x40000n, tg: 3, numPages: 4n, ttl: 2, stage: 2 },
      { asid: -1, vmid: 9, addr: 0x80000n, tg: 3, numPages: 1n, ttl: 2, stage: 2 },
    ]);
    // 16 KiB granule, aligned start: one block
    expect(rangeInvalidations(words(tlbi(CMD.TLBI_NH_VAA, { tg: 2, num: 3, scale: 1, addr: 0x20_0000n })), 1, false).map((x) => [x.addr, x.numPages])).toEqual([[0x20_0000n, 8n]]);
  });

  it('the largest range a command can name (NUM 31, SCALE 31, 64 KiB) near the top of the address space stays a few dozen pieces', () => {
    const r = rangeInvalidations(words(tlbi(CMD.TLBI_NH_VA, { tg: 3, num: 31, scale: 31, addr: 0xffff_ffff_ffff_f000n })), 1, false);
    // 2^52 bytes from 2^64 - 4 KiB, modulo 2^64: the 4 KiB up to the wrap (0 pages of 64 KiB, as QEMU's
    // (mask + 1) >> granule gives), then from 0 one block per set bit of 2^52 - 4 KiB (bits 51..12)
    expect(r.length).toBe(41);
    expect([r[0]!.addr, r[0]!.numPages]).toEqual([0xffff_ffff_ffff_f000n, 0n]);
    expect([r[1]!.addr, r[1]!.numPages]).toEqual([0n, 1n << 35n]);
    expect([r[40]!.addr, r[40]!.numPages]).toEqual([(1n << 52n) - 0x2000n, 0n]);
  });
});

// ------------------------------------------------------------------------------ consumption

describe('CMDQ consumption (smmuv3_cmdq_consume)', () => {
  it('runs only with CR0.CMDQEN; the CR0 write that sets it consumes what is queued', async () => {
    const q = await queueUnit();
    await q.submit(cfgi(CMD.CFGI_STE, 5), sync(1));
    expect([q.r(A.CMDQ_CONS), q.fake.calls, q.irqs]).toEqual([0n, [], []]);
    await q.enable();
    expect([q.r(A.CMDQ_CONS), q.fake.calls, q.irqs]).toEqual([2n, ['ste 5'], [{ source: 'cmdq_sync' }]]);
  });

  it('PROD/CONS wrap: CONS follows PROD around a 4-entry ring, wrap bit at LOG2SIZE', async () => {
    const q = await queueUnit({}, 2);
    await q.enable();
    await q.submit(cfgi(CMD.CFGI_STE, 1), cfgi(CMD.CFGI_STE, 2), cfgi(CMD.CFGI_STE, 3));
    expect(q.r(A.CMDQ_CONS)).toBe(3n);
    await q.submit(cfgi(CMD.CFGI_STE, 4), cfgi(CMD.CFGI_STE, 5), cfgi(CMD.CFGI_STE, 6));
    expect(q.r(A.CMDQ_CONS)).toBe(0b110n); // wrap 1, index 2
    await q.submit(cfgi(CMD.CFGI_STE, 7), cfgi(CMD.CFGI_STE, 8));
    expect(q.r(A.CMDQ_CONS)).toBe(0n); // 8 & 0b111
    expect(q.fake.calls).toEqual(['ste 1', 'ste 2', 'ste 3', 'ste 4', 'ste 5', 'ste 6', 'ste 7', 'ste 8']);
  });

  it('a full ring (PROD = CONS with the wrap bit flipped) runs exactly its 4 entries', async () => {
    const q = await queueUnit({}, 2);
    await q.enable();
    await q.submit(sync(1), sync(1), sync(1), sync(1));
    expect([q.r(A.CMDQ_PROD), q.r(A.CMDQ_CONS), q.irqs.length]).toEqual([4n, 4n, 4]);
  });

  it('PROD bits above the wrap bit do not make the queue run longer than it holds', async () => {
    const q = await queueUnit({}, 2);
    await q.enable();
    q.put(sync(1), sync(1));
    await q.w(A.CMDQ_PROD, 0xffff_fff0 | 2);
    // empty compares index+wrap only: 2 commands, CONS keeps its high bits (none) and reads 2
    expect([q.r(A.CMDQ_CONS), q.irqs.length, q.r(A.CMDQ_PROD)]).toEqual([2n, 2, 0xffff_fff2n]);
  });

  it('each command reaches the configuration cache / IOTLB with its decoded fields (stage 1 unit)', async () => {
    const q = await queueUnit({}, 5);
    await q.enable();
    await q.submit(
      cfgi(CMD.CFGI_STE, 0x0100),
      cfgi(CMD.CFGI_STE_RANGE, 0x0123, { range: 3 }),
      cfgi(CMD.CFGI_STE_RANGE, 0x0123, { range: 31 }),
      cfgi(CMD.CFGI_CD, 0x0200, { ssid: 0x7, leaf: true }),
      cfgi(CMD.CFGI_CD_ALL, 0x0201),
      tlbi(CMD.TLBI_NH_ASID, { asid: 0xbeef, vmid: 0x12 }),
      tlbi(CMD.TLBI_NH_ALL, { vmid: 0x12 }),
      tlbi(CMD.TLBI_NH_VA, { asid: 0x33, vmid: 0x12, ttl: 3, leaf: true, addr: 0x7f_1234_5000n }),
      tlbi(CMD.TLBI_NH_VAA, { asid: 0x33, tg: 1, num: 1, addr: 0x8000n }),
      tlbi(CMD.TLBI_NSNH_ALL),
      op(CMD.PREFETCH_CONFIG),
      op(CMD.PREFETCH_ADDR),
      op(CMD.TLBI_EL2_ALL),
      op(CMD.TLBI_EL2_ASID),
      op(CMD.TLBI_EL2_VA),
      op(CMD.TLBI_EL2_VAA),
      op(CMD.TLBI_EL3_ALL),
      op(CMD.TLBI_EL3_VA),
      op(CMD.PRI_RESP),
      op(CMD.RESUME),
      op(CMD.STALL_TERM),
      cfgi(CMD.ATC_INV, 0x0100),
      sync(0),
    );
    expect(q.fake.calls).toEqual([
      'ste 256',
      'steRange 291 3',
      'steRange 291 31',
      'cd 512 7',
      'cdAll 513',
      'asid 48879 -1',
      'all',
      iv(0x33, -1, 0x7f_1234_5000n, 0, 1n, 3, 1),
      iv(-1, -1, 0x8000n, 1, 2n, 0, 1),
      'all',
    ]);
    expect([q.r(A.CMDQ_CONS), q.r(A.GERROR), q.irqs]).toEqual([23n, 0n, []]);
  });

  it('stage 2 / nested units: VMID matched; NH_ALL drops the VMID\'s stage-1 entries; S12_VMALL and S2_IPA', async () => {
    const q = await queueUnit({ stage: 'nested' }, 4);
    await q.enable();
    await q.submit(
      tlbi(CMD.TLBI_NH_ASID, { asid: 0x44, vmid: 0x12 }),
      tlbi(CMD.TLBI_NH_ALL, { vmid: 0x12 }),
      tlbi(CMD.TLBI_NH_VA, { asid: 0x44, vmid: 0x12, addr: 0x1000n }),
      tlbi(CMD.TLBI_S12_VMALL, { vmid: 0x13 }),
      tlbi(CMD.TLBI_S2_IPA, { vmid: 0x13, asid: 0x44, tg: 1, num: 0, addr: 0x8000_0000n, ttl: 1 }),
    );
    expect(q.fake.calls).toEqual(['asid 68 18', 'vmidS1 18', iv(0x44, 0x12, 0x1000n, 0, 1n, 0, 1), 'vmid 19', iv(-1, 0x13, 0x8000_0000n, 1, 1n, 1, 2)]);
    const s2 = await queueUnit({ stage: 2 }, 4);
    await s2.enable();
    await s2.submit(tlbi(CMD.TLBI_S12_VMALL, { vmid: 7 }), tlbi(CMD.TLBI_NSNH_ALL), tlbi(CMD.TLBI_S2_IPA, { vmid: 7, addr: 0x3000n }));
    expect(s2.fake.calls).toEqual(['vmid 7', 'all', iv(-1, 7, 0x3000n, 0, 1n, 0, 2)]);
  });

  it('CMD_SYNC: CS=IRQ pulses cmdq_sync (whatever IRQ_CTRL says), CS=SEV and CS=NONE do nothing, CS=3 has the IRQ bit', async () => {
    const q = await queueUnit();
    await q.enable();
    await q.submit(sync(2), sync(0));
    expect(q.irqs).toEqual([]);
    await q.submit(sync(1), sync(3));
    expect(q.irqs).toEqual([{ source: 'cmdq_sync' }, { source: 'cmdq_sync' }]);
  });
});

describe('command errors (CERROR_ILL / CERROR_ABT, GERROR.CMDQ_ERR)', () => {
  it('an illegal opcode stops the queue on it: CONS.ERR = ILL, GERROR.CMDQ_ERR toggled, gerror pulse; GERRORN ack resumes', async () => {
    const q = await queueUnit();
    await q.w(A.IRQ_CTRL, GERROR_IRQEN);
    await q.enable();
    await q.submit(cfgi(CMD.CFGI_STE, 1), op(CMD.CFGI_ALL), cfgi(CMD.CFGI_STE, 2), sync(1));
    expect([q.r(A.CMDQ_CONS), q.r(A.GERROR), q.r(A.GERRORN)]).toEqual([b(ERR(1) | 1), 1n, 0n]);
    expect(q.fake.calls).toEqual(['ste 1']);
    expect(q.irqs).toEqual([{ source: 'gerror' }]);
    expect(q.u.state().lastCommandError).toEqual({ cons: 1, opcode: 0x07, error: 'ILL', reason: 'Illegal command type: 7' });
    // while CMDQ_ERR is pending nothing runs, even on new PROD writes
    await q.submit(cfgi(CMD.CFGI_STE, 3));
    expect([q.r(A.CMDQ_CONS), q.fake.calls.length]).toEqual([b(ERR(1) | 1), 1]);
    // the driver replaces the bad command with a CMD_SYNC and toggles GERRORN: the queue resumes, ERR stays in CONS
    q.patch(1, sync(0));
    await q.w(A.GERRORN, 1);
    expect([q.r(A.CMDQ_CONS), q.r(A.GERROR) ^ q.r(A.GERRORN)]).toEqual([b(ERR(1) | 5), 0n]);
    expect(q.fake.calls).toEqual(['ste 1', 'ste 2', 'ste 3']);
    expect(q.irqs).toEqual([{ source: 'gerror' }, { source: 'cmdq_sync' }]);
  });

  it('a second error toggles GERROR back (new error after the ack); without GERROR_IRQEN no pulse', async () => {
    const q = await queueUnit();
    await q.enable();
    await q.submit(op(0x00));
    expect([q.r(A.GERROR), q.irqs]).toEqual([1n, []]);
    q.patch(0, op(0x2f));
    await q.w(A.GERRORN, 1);
    expect([q.r(A.GERROR), q.r(A.GERRORN), q.r(A.CMDQ_CONS)]).toEqual([0n, 1n, b(ERR(1))]);
    expect(q.u.state().lastCommandError?.opcode).toBe(0x2f);
  });

  it('SSec on CFGI_STE / CFGI_STE_RANGE / CFGI_CD / CFGI_CD_ALL is CERROR_ILL', async () => {
    for (const code of [CMD.CFGI_STE, CMD.CFGI_STE_RANGE, CMD.CFGI_CD, CMD.CFGI_CD_ALL]) {
      const q = await queueUnit();
      await q.enable();
      await q.submit(cfgi(code, 4, { ssec: true }));
      expect([q.r(A.CMDQ_CONS), q.r(A.GERROR), q.fake.calls]).toEqual([b(ERR(1)), 1n, []]);
    }
  });

  it('stage-dependent commands: stage-2 TLBIs on a stage-1 unit and stage-1 TLBIs on a stage-2 unit are CERROR_ILL', async () => {
    for (const [stage, code] of [
      [1, CMD.TLBI_S12_VMALL],
      [1, CMD.TLBI_S2_IPA],
      [2, CMD.TLBI_NH_ALL],
      [2, CMD.TLBI_NH_ASID],
      [2, CMD.TLBI_NH_VA],
      [2, CMD.TLBI_NH_VAA],
    ] as const) {
      const q = await queueUnit({ stage });
      await q.enable();
      await q.submit(tlbi(code));
      expect([q.r(A.CMDQ_CONS), q.r(A.GERROR), q.fake.calls], `stage ${stage} op 0x${code.toString(16)}`).toEqual([b(ERR(1)), 1n, []]);
    }
  });

  it('a command read outside guest RAM is CERROR_ABT', async () => {
    const q = await queueUnit();
    await q.w(A.CMDQ_BASE, 0x1000_0000n | 3n, 8);
    await q.enable();
    await q.w(A.CMDQ_PROD, 1);
    expect([q.r(A.CMDQ_CONS), q.r(A.GERROR)]).toEqual([b(ERR(2)), 1n]);
    expect(q.u.state().lastCommandError).toMatchObject({ cons: 0, error: 'ABT' });
  });
});

// ------------------------------------------------------------------------------ accel

interface PortScript {
  backed: number[];
  failInstall?: Set<number>;
  failInvalidate?: (cmd: readonly [bigint, bigint]) => boolean;
  gate?: Promise<void>;
}

function port(log: string[], s: PortScript): Smmuv3AccelPort {
  return {
    backs: (sid) => s.backed.includes(sid),
    backedSids: () => [...s.backed],
    installSte: async (sid, ste) => {
      log.push(`host installSte ${sid} ${ste.kind}`);
      return !s.failInstall?.has(sid);
    },
    invalidate: async (cmd, sid) => {
      if (s.gate) await s.gate;
      log.push(`host invalidate 0x${(cmd[0] & 0xffn).toString(16)}${sid !== undefined ? ` sid ${sid}` : ''}`);
      return !s.failInvalidate?.(cmd);
    },
    bypassChanged: async () => {},
    cr0Written: async () => {},
  };
}

describe('accel forwarding (smmuv3_accel_install_ste / _range, smmuv3_accel_issue_inv_cmd)', () => {
  it('forwards in queue order: emulated effect first, then the host call (CFGI_STE: host install first, as QEMU)', async () => {
    const q = await queueUnit({ accel: true, ats: true }, 4);
    const log = q.fake.calls;
    q.u.accel = port(log, { backed: [8] });
    await q.enable();
    await q.submit(
      cfgi(CMD.CFGI_STE, 8),
      cfgi(CMD.CFGI_STE, 9),
      cfgi(CMD.CFGI_CD, 8, { ssid: 0 }),
      cfgi(CMD.CFGI_CD_ALL, 9),
      tlbi(CMD.TLBI_NH_ASID, { asid: 5 }),
      tlbi(CMD.TLBI_NH_VA, { asid: 5, addr: 0x2000n }),
      tlbi(CMD.TLBI_NH_VAA, { addr: 0x2000n }),
      tlbi(CMD.TLBI_NH_ALL),
      tlbi(CMD.TLBI_NSNH_ALL),
      cfgi(CMD.ATC_INV, 8),
      cfgi(CMD.ATC_INV, 9),
      sync(1),
    );
    expect(log).toEqual([
      'host installSte 8 disabled',
      'ste 8',
      'ste 9',
      'cd 8 0',
      'host invalidate 0x5 sid 8',
      'cdAll 9',
      'asid 5 -1',
      'host invalidate 0x11',
      iv(5, -1, 0x2000n, 0, 1n, 0, 1),
      'host invalidate 0x12',
      iv(-1, -1, 0x2000n, 0, 1n, 0, 1),
      'host invalidate 0x13',
      'all',
      'host invalidate 0x10',
      'all',
      'host invalidate 0x30',
      'host invalidate 0x40 sid 8',
    ]);
    expect([q.r(A.CMDQ_CONS), q.r(A.GERROR), q.irqs]).toEqual([12n, 0n, [{ source: 'cmdq_sync' }]]);
  });

  it('nothing forwarded for NH_ALL on a unit with stage 2, S12_VMALL, S2_IPA, ATC_INV without ats, CMD_SYNC', async () => {
    const q = await queueUnit({ accel: true, stage: 'nested' }, 4);
    const log: string[] = [];
    q.u.accel = port(log, { backed: [1] });
    await q.enable();
    await q.submit(tlbi(CMD.TLBI_NH_ALL, { vmid: 1 }), tlbi(CMD.TLBI_S12_VMALL, { vmid: 1 }), tlbi(CMD.TLBI_S2_IPA, { vmid: 1 }), cfgi(CMD.ATC_INV, 1), sync(1), op(CMD.PRI_RESP));
    expect(log).toEqual([]);
    expect(q.r(A.CMDQ_CONS)).toBe(6n);
  });

  it('CFGI_STE_RANGE / CFGI_ALL install every backed SID in the range (the port\'s list), then invalidate', async () => {
    const q = await queueUnit({ accel: true }, 4);
    const log = q.fake.calls;
    q.u.accel = port(log, { backed: [0x21, 0x10, 0x13, 0x2000] });
    await q.enable();
    await q.submit(cfgi(CMD.CFGI_STE_RANGE, 0x12, { range: 1 }), cfgi(CMD.CFGI_STE_RANGE, 0, { range: 31 }));
    expect(log).toEqual(['host installSte 16 disabled', 'host installSte 19 disabled', 'steRange 18 1', 'host installSte 16 disabled', 'host installSte 19 disabled', 'host installSte 33 disabled', 'host installSte 8192 disabled', 'steRange 0 31']);
  });

  it('CFGI_ALL with no backed SID in range calls nothing on the host', async () => {
    const q = await queueUnit({ accel: true }, 4);
    const log = q.fake.calls;
    q.u.accel = port(log, { backed: [0x40] });
    await q.enable();
    await q.submit(cfgi(CMD.CFGI_STE_RANGE, 0x10, { range: 3 }));
    expect(log).toEqual(['steRange 16 3']);
  });

  it('a refused host call is CERROR_ILL at that command: CONS stays on it, later commands (and the SYNC) wait', async () => {
    const q = await queueUnit({ accel: true }, 4);
    const log = q.fake.calls;
    q.u.accel = port(log, { backed: [4], failInvalidate: (c) => (c[0] & 0xffn) === 0x12n });
    await q.w(A.IRQ_CTRL, GERROR_IRQEN);
    await q.enable();
    await q.submit(tlbi(CMD.TLBI_NH_ASID, { asid: 1 }), tlbi(CMD.TLBI_NH_VA, { asid: 1, addr: 0x9000n }), cfgi(CMD.CFGI_STE, 4), sync(1));
    expect(log).toEqual(['asid 1 -1', 'host invalidate 0x11', iv(1, -1, 0x9000n, 0, 1n, 0, 1), 'host invalidate 0x12']);
    expect([q.r(A.CMDQ_CONS), q.r(A.GERROR)]).toEqual([b(ERR(1) | 1), 1n]);
    expect(q.irqs).toEqual([{ source: 'gerror' }]);
    expect(q.u.state().lastCommandError).toMatchObject({ cons: 1, opcode: 0x12, error: 'ILL' });
  });

  it('a refused STE install is CERROR_ILL and leaves the emulated configuration cache alone', async () => {
    const q = await queueUnit({ accel: true }, 4);
    const log = q.fake.calls;
    q.u.accel = port(log, { backed: [4, 5], failInstall: new Set([5]) });
    await q.enable();
    await q.submit(cfgi(CMD.CFGI_STE, 5));
    expect(log).toEqual(['host installSte 5 disabled']);
    expect(q.r(A.CMDQ_CONS)).toBe(b(ERR(1)));
    // a range with one refusal: every SID is tried, no emulated invalidation
    q.patch(0, cfgi(CMD.CFGI_STE_RANGE, 4, { range: 0 }));
    await q.w(A.GERRORN, 1);
    expect(log.slice(1)).toEqual(['host installSte 4 disabled', 'host installSte 5 disabled']);
    expect([q.r(A.CMDQ_CONS), q.r(A.GERROR) ^ q.r(A.GERRORN)]).toEqual([b(ERR(1)), 1n]);
  });

  it('CMD_SYNC completes only after the host acknowledged the commands before it', async () => {
    const q = await queueUnit({ accel: true }, 4);
    let open!: () => void;
    const gate = new Promise<void>((res) => (open = res));
    const log = q.fake.calls;
    q.u.accel = port(log, { backed: [], gate });
    await q.enable();
    const done = q.submit(tlbi(CMD.TLBI_NH_VA, { asid: 2, addr: 0x4000n }), sync(1));
    await new Promise((res) => setTimeout(res, 5));
    expect([q.irqs, q.r(A.CMDQ_CONS)]).toEqual([[], 0n]);
    // a second PROD write while the host call is pending waits for the running consumption
    const more = q.submit(sync(1));
    await new Promise((res) => setTimeout(res, 5));
    expect(q.irqs).toEqual([]);
    open();
    await done;
    await more;
    expect([q.irqs, q.r(A.CMDQ_CONS)]).toEqual([[{ source: 'cmdq_sync' }, { source: 'cmdq_sync' }], 3n]);
    expect(log).toEqual([iv(2, -1, 0x4000n, 0, 1n, 0, 1), 'host invalidate 0x12']);
  });

  it('a host failure in a CR0-triggered consumption skips cr0Written (QEMU allocates the vEVENTQ only without an error)', async () => {
    const q = await queueUnit({ accel: true }, 4);
    const log: string[] = [];
    const p = port(log, { backed: [], failInvalidate: () => true });
    p.cr0Written = async (cr0) => {
      log.push(`cr0Written 0x${cr0.toString(16)}`);
    };
    q.u.accel = p;
    q.put(tlbi(CMD.TLBI_NSNH_ALL));
    await q.w(A.CMDQ_PROD, 1);
    await q.w(A.CR0, CR0_CMDQEN | 4);
    expect(log).toEqual(['host invalidate 0x30']);
    await q.w(A.CR0, CR0_CMDQEN | 4);
    expect(log).toEqual(['host invalidate 0x30', 'cr0Written 0xc']);
  });
});
