import { describe, expect, it } from 'vitest';
import { DomainError } from '#libs/errno/index.js';
import { A } from './regs.js';
import { smmuUnit } from './test-support.js';
import type { Smmuv3AccelPort } from './types.js';

// ------------------------------------------------------------------------------ fixture

const unit = smmuUnit;

/** An accel port that logs every call. */
function recordingPort(log: string[]): Smmuv3AccelPort {
  return {
    backs: () => false,
    backedSids: () => [],
    installSte: async () => true,
    invalidate: async () => true,
    bypassChanged: async (s) => {
      log.push(`bypassChanged en=${s.smmuEnabled} abort=${s.gbpaAbort}`);
    },
    cr0Written: async (cr0) => {
      log.push(`cr0Written 0x${cr0.toString(16)}`);
    },
  };
}

// ------------------------------------------------------------------------------ reset image

describe('register file: reset image (smmuv3_init_id_regs + smmuv3_reset)', () => {
  it('reads every register of a new unit', () => {
    const { r, u } = unit();
    const expected: Array<[number, bigint]> = [
      [A.IDR0, 0x0d44101an],
      [A.IDR1, 0x02730010n],
      [A.IDR2, 0n],
      [A.IDR3, 0x1404n],
      [A.IDR4, 0n],
      [A.IDR5, 0x74n],
      [A.IIDR, 0n],
      [A.AIDR, 1n],
      [A.CR0, 0n],
      [A.CR0ACK, 0n],
      [A.CR1, 0n],
      [A.CR2, 0n],
      [A.STATUSR, 0n],
      [A.GBPA, 0x1000n],
      [A.IRQ_CTRL, 0n],
      [A.IRQ_CTRL_ACK, 0n],
      [A.GERROR, 0n],
      [A.GERRORN, 0n],
      [A.GERROR_IRQ_CFG0, 0n],
      [A.GERROR_IRQ_CFG0 + 4, 0n],
      [A.GERROR_IRQ_CFG1, 0n],
      [A.GERROR_IRQ_CFG2, 0n],
      [A.STRTAB_BASE, 0n],
      [A.STRTAB_BASE + 4, 0n],
      [A.STRTAB_BASE_CFG, 0n],
      // smmuv3_reset deposits SMMU_CMDQS / SMMU_EVENTQS (19) into LOG2SIZE of the BASE registers
      [A.CMDQ_BASE, 0x13n],
      [A.CMDQ_BASE + 4, 0n],
      [A.CMDQ_PROD, 0n],
      [A.CMDQ_CONS, 0n],
      [A.EVENTQ_BASE, 0x13n],
      [A.EVENTQ_PROD, 0n],
      [A.EVENTQ_CONS, 0n],
      [A.EVENTQ_IRQ_CFG0, 0n],
      [A.EVENTQ_IRQ_CFG1, 0n],
      [A.EVENTQ_IRQ_CFG2, 0n],
    ];
    expect(expected.map(([o]) => [o, r(o)])).toEqual(expected);
    expect([r(A.CMDQ_BASE, 8), r(A.EVENTQ_BASE, 8)]).toEqual([0x13n, 0x13n]);
    // … but the latched queue sizes stay 0 until the guest writes the BASE registers (QEMU's log2size)
    expect([u.state().cmdq.log2size, u.state().eventq.log2size]).toEqual([0, 0]);
    // PRIQ (0xc0..0xdc) is not implemented: RAZ
    for (let o = 0xc0; o <= 0xdc; o += 4) expect(r(o)).toBe(0n);
    const ids = [];
    for (let o = 0xfd0; o <= 0xffc; o += 4) ids.push(Number(r(o)));
    expect(ids).toEqual([0x04, 0, 0, 0, 0x84, 0xb4, 0xf0, 0x10, 0x0d, 0xf0, 0x05, 0xb1]);
  });

  it('publishes the reset stream-table state to the translator and drops its caches', () => {
    const { fake } = unit();
    expect(fake.table).toEqual({ smmuEnabled: false, gbpaAbort: false, strtabBase: 0n, log2size: 0, split: 0, twoLevel: false });
    expect(fake.calls).toEqual(['resetCaches']);
  });

  it('reset() restores only what smmuv3_reset touches', async () => {
    const { u, r, w, fake } = unit();
    await w(A.CR1, 0x55);
    await w(A.CR2, 0x7);
    await w(A.STRTAB_BASE, 0x4010_0000n, 8);
    await w(A.STRTAB_BASE_CFG, (1 << 16) | (8 << 6) | 16);
    await w(A.CMDQ_BASE, 0x4020_0000n | 5n, 8);
    await w(A.EVENTQ_BASE, 0x1_4030_0000n | 3n, 8);
    await w(A.GERROR_IRQ_CFG1, 9);
    await w(A.IRQ_CTRL, 7);
    await w(A.GBPA, (1 << 31) | (1 << 20));
    await w(A.CR0, 0x5);
    u.reset();
    expect([r(A.CR0), r(A.CR0ACK), r(A.IRQ_CTRL), r(A.GBPA), r(A.GERROR), r(A.GERRORN)]).toEqual([0n, 0n, 0n, 0x1000n, 0n, 0n]);
    expect([r(A.CR1), r(A.CR2), r(A.STRTAB_BASE, 8), r(A.STRTAB_BASE_CFG), r(A.GERROR_IRQ_CFG1)]).toEqual([0x55n, 7n, 0x4010_0000n, BigInt((1 << 16) | (8 << 6) | 16), 9n]);
    // BASE: address bits kept, LOG2SIZE field back to 19; the latched log2size is not reset
    expect([r(A.CMDQ_BASE, 8), r(A.EVENTQ_BASE, 8)]).toEqual([0x4020_0013n, 0x1_4030_0013n]);
    expect([u.state().cmdq.log2size, u.state().eventq.log2size]).toEqual([5, 3]);
    // the 2-level feature and SPLIT are reset although STRTAB_BASE_CFG still reads FMT=1
    expect(fake.table).toEqual({ smmuEnabled: false, gbpaAbort: false, strtabBase: 0x4010_0000n, log2size: 16, split: 0, twoLevel: false });
  });
});

// ------------------------------------------------------------------------------ write semantics

describe('register file: write semantics (smmu_writel / smmu_writell)', () => {
  it('CR0 keeps the value, CR0ACK = CR0 & ~0xFFFFFA20 at once', async () => {
    const { r, w } = unit();
    await w(A.CR0, 0xffff_ffff);
    expect([r(A.CR0), r(A.CR0ACK)]).toEqual([0xffff_ffffn, 0x5dfn]);
    await w(A.CR0, 0x9);
    expect(r(A.CR0ACK)).toBe(0x9n);
    await w(A.CR0ACK, 0);
    expect(r(A.CR0ACK)).toBe(0x9n);
  });

  it('CR1, CR2, IRQ_CTRL, GERROR_IRQ_CFG1/2 are stored; IRQ_CTRL_ACK reads IRQ_CTRL; read-only registers ignore writes', async () => {
    const { r, w } = unit();
    await w(A.CR1, 0x3f);
    await w(A.CR2, 0x7);
    await w(A.IRQ_CTRL, 0xffff_ffff);
    await w(A.GERROR_IRQ_CFG1, 0xdead_beef);
    await w(A.GERROR_IRQ_CFG2, 0x3);
    expect([r(A.CR1), r(A.CR2), r(A.IRQ_CTRL), r(A.IRQ_CTRL_ACK), r(A.GERROR_IRQ_CFG1), r(A.GERROR_IRQ_CFG2)]).toEqual([0x3fn, 7n, 0xffff_ffffn, 0xffff_ffffn, 0xdead_beefn, 3n]);
    for (const o of [A.IDR0, A.IDR1, A.IDR5, A.IIDR, A.AIDR, A.STATUSR, A.IRQ_CTRL_ACK, A.GERROR, 0xfd0]) await w(o, 0xffff_ffff);
    expect([r(A.IDR0), r(A.IDR1), r(A.IDR5), r(A.IIDR), r(A.AIDR), r(A.STATUSR), r(A.IRQ_CTRL_ACK), r(A.GERROR), r(0xfd0)]).toEqual([0x0d44101an, 0x02730010n, 0x74n, 0n, 1n, 0n, 0xffff_ffffn, 0n, 4n]);
  });

  it('GBPA: ignored without UPDATE; with UPDATE stored with UPDATE clear (the update completes at once)', async () => {
    const { r, w, fake } = unit();
    await w(A.GBPA, 1 << 20);
    expect(r(A.GBPA)).toBe(0x1000n);
    expect(fake.table.gbpaAbort).toBe(false);
    await w(A.GBPA, (1 << 31) | (1 << 20) | 0x3000);
    expect(r(A.GBPA)).toBe(0x0010_3000n);
    expect(fake.table.gbpaAbort).toBe(true);
    await w(A.GBPA, 1 << 31);
    expect(r(A.GBPA)).toBe(0n);
    expect(fake.table.gbpaAbort).toBe(false);
  });

  it('GERRORN stores what the guest writes, pending or not; GERROR is read-only', async () => {
    const { r, w } = unit();
    await w(A.GERRORN, 0x1fd);
    expect([r(A.GERRORN), r(A.GERROR)]).toEqual([0x1fdn, 0n]);
  });

  it('64-bit registers: whole through 8 bytes (GERROR_IRQ_CFG0, STRTAB_BASE, CMDQ_BASE, EVENTQ_BASE), halves through 4', async () => {
    const { r, w } = unit();
    await w(A.STRTAB_BASE, 0x4000_0012_3456_7fffn, 8);
    expect([r(A.STRTAB_BASE, 8), r(A.STRTAB_BASE), r(A.STRTAB_BASE + 4)]).toEqual([0x4000_0012_3456_7fffn, 0x3456_7fffn, 0x4000_0012n]);
    await w(A.STRTAB_BASE + 4, 0xab);
    expect(r(A.STRTAB_BASE, 8)).toBe(0xab_3456_7fffn);
    await w(A.GERROR_IRQ_CFG0, 0x1111_2222);
    await w(A.GERROR_IRQ_CFG0 + 4, 0x33);
    expect(r(A.GERROR_IRQ_CFG0, 8)).toBe(0x33_1111_2222n);
    await w(A.GERROR_IRQ_CFG0, 0x44_5555_6666n, 8);
    expect([r(A.GERROR_IRQ_CFG0), r(A.GERROR_IRQ_CFG0 + 4)]).toEqual([0x5555_6666n, 0x44n]);
  });

  it('EVENTQ_IRQ_CFG0/1/2 are stored but read as zero (no read case in QEMU)', async () => {
    const { u, r, w } = unit();
    await w(A.EVENTQ_IRQ_CFG0, 0x9_0000_1000n, 8);
    await w(A.EVENTQ_IRQ_CFG0 + 4, 0xa);
    await w(A.EVENTQ_IRQ_CFG1, 0x55);
    await w(A.EVENTQ_IRQ_CFG2, 0x2);
    expect([r(A.EVENTQ_IRQ_CFG0, 8), r(A.EVENTQ_IRQ_CFG0), r(A.EVENTQ_IRQ_CFG0 + 4), r(A.EVENTQ_IRQ_CFG1), r(A.EVENTQ_IRQ_CFG2)]).toEqual([0n, 0n, 0n, 0n, 0n]);
    const s = u.state();
    expect([s.eventqIrqCfg0, s.eventqIrqCfg1, s.eventqIrqCfg2]).toEqual([0xa_0000_1000n, 0x55, 2]);
  });

  it('queue BASE: stored as written, LOG2SIZE latched clamped to 19 on the low-word (or 8-byte) write only', async () => {
    const { u, r, w } = unit();
    await w(A.CMDQ_BASE, 0x4020_0000n | 25n, 8);
    expect(r(A.CMDQ_BASE, 8)).toBe(0x4020_0019n);
    expect(u.state().cmdq.log2size).toBe(19);
    await w(A.CMDQ_BASE, 0x4020_0004);
    expect(u.state().cmdq.log2size).toBe(4);
    await w(A.CMDQ_BASE + 4, 0x1f);
    expect([r(A.CMDQ_BASE, 8), u.state().cmdq.log2size]).toEqual([0x1f_4020_0004n, 4]);
    await w(A.EVENTQ_BASE, 0x4030_001en);
    expect([r(A.EVENTQ_BASE), u.state().eventq.log2size]).toEqual([0x4030_001en, 19]);
    await w(A.EVENTQ_BASE, 0x2_4030_0002n, 8);
    expect([r(A.EVENTQ_BASE + 4), u.state().eventq.log2size]).toEqual([2n, 2]);
  });

  it('EVENTQ_PROD / EVENTQ_CONS / CMDQ_CONS store the raw 32-bit value', async () => {
    const { r, w } = unit();
    await w(A.EVENTQ_PROD, 0x8000_0003);
    await w(A.EVENTQ_CONS, 0x0000_0013);
    await w(A.CMDQ_CONS, 0x0100_0002);
    expect([r(A.EVENTQ_PROD), r(A.EVENTQ_CONS), r(A.CMDQ_CONS)]).toEqual([0x8000_0003n, 0x13n, 0x0100_0002n]);
  });

  it('STRTAB_BASE / _CFG are latched into the translator; the 2-level format stays until reset', async () => {
    const { u, w, fake } = unit();
    await w(A.STRTAB_BASE, 0x4000_0000_4010_003fn, 8);
    expect(fake.table.strtabBase).toBe(0x4010_0000n); // SMMU_BASE_ADDR_MASK bits 51:6
    await w(A.STRTAB_BASE_CFG, (1 << 16) | (6 << 6) | 12);
    expect(fake.table).toMatchObject({ log2size: 12, split: 6, twoLevel: true });
    await w(A.STRTAB_BASE_CFG, (0 << 16) | (8 << 6) | 9);
    expect(fake.table).toMatchObject({ log2size: 9, split: 6, twoLevel: true });
    expect(u.state()).toMatchObject({ strtabBaseCfg: (8 << 6) | 9, twoLevel: true, sidSplit: 6 });
    await w(A.CR0, 1);
    expect(fake.table.smmuEnabled).toBe(true);
    await w(A.CR0, 0);
    expect(fake.table.smmuEnabled).toBe(false);
  });
});

// ------------------------------------------------------------------------------ access rules

describe('register file: access sizes, alignment, page-1 alias, unknown offsets', () => {
  it('page 1 (offset + 0x10000) is an exact alias of page 0', async () => {
    const { r, w } = unit();
    await w(0x10000 + A.EVENTQ_CONS, 0x5);
    await w(0x10000 + A.CR1, 0x3);
    expect([r(A.EVENTQ_CONS), r(0x10000 + A.EVENTQ_CONS), r(A.CR1), r(0x10000 + A.IDR0), r(0x10000 + 0xffc)]).toEqual([5n, 5n, 3n, 0x0d44101an, 0xb1n]);
    await w(0x10000 + A.STRTAB_BASE, 0x4000_1000n, 8);
    expect(r(A.STRTAB_BASE, 8)).toBe(0x4000_1000n);
  });

  it('sizes other than 4 and 8, and accesses past the window, are refused', async () => {
    const { u } = unit();
    expect(() => u.mmioRead(A.CR0, 2 as 4)).toThrow(DomainError);
    await expect(u.mmioWrite(A.CR0, 1 as 4, 1n)).rejects.toMatchObject({ reason: 'BAD_MMIO_SIZE' });
    expect(() => u.mmioRead(0x1fffc, 8)).toThrow(expect.objectContaining({ reason: 'NO_MMIO_REGION' }));
    expect(() => u.mmioRead(-4, 4)).toThrow(DomainError);
  });

  it('8-byte accesses at an 8-byte boundary reach only the four 64-bit registers (RAZ/WI elsewhere)', async () => {
    const { r, w } = unit();
    expect([r(A.IDR0, 8), r(A.CR0, 8), r(A.CMDQ_PROD, 8), r(A.EVENTQ_PROD, 8), r(0xfd0, 8)]).toEqual([0n, 0n, 0n, 0n, 0n]);
    await w(A.CR0, 0x5n, 8);
    await w(A.IRQ_CTRL, 0x7n, 8);
    await w(A.CMDQ_PROD, 0x3n, 8);
    expect([r(A.CR0), r(A.CR0ACK), r(A.IRQ_CTRL), r(A.CMDQ_PROD)]).toEqual([0n, 0n, 0n, 0n]);
  });

  it('an 8-byte access at a 4-byte boundary is two 4-byte accesses, low address first (QEMU memory_access_size)', async () => {
    const { r, w } = unit();
    expect(r(A.GBPA, 8)).toBe(0x1000n); // GBPA | (hole at 0x48) << 32: not smmu_readll's RAZ
    await w(A.CR0ACK, 0x0000_0044_0000_0011n, 8); // CR0ACK (read-only), then CR1
    expect([r(A.CR0ACK), r(A.CR1)]).toEqual([0n, 0x44n]);
    await w(A.CMDQ_CONS, 0x2);
    expect(r(A.CMDQ_CONS, 8)).toBe(0x2n | (0x13n << 32n)); // CMDQ_CONS | EVENTQ_BASE low << 32
    await w(A.CMDQ_BASE + 4, 0x0000_0003_0000_0001n, 8); // CMDQ_BASE high, then CMDQ_PROD
    expect([r(A.CMDQ_BASE + 4), r(A.CMDQ_PROD)]).toEqual([1n, 3n]);
  });

  it('an access not 4-byte aligned is refused by the memory core: reads 0, writes are dropped', async () => {
    const { r, w } = unit();
    await w(A.CR1 + 1, 0xff);
    await w(A.CR1 + 2, 0xff, 8);
    expect([r(A.CR1), r(A.GBPA + 2), r(A.IDR0 + 1, 8)]).toEqual([0n, 0n, 0n]);
  });

  it('unknown offsets read as zero and ignore writes', async () => {
    const { r, w } = unit();
    for (const o of [0x30, 0x48, 0x58, 0xc0, 0xc8, 0xd0, 0x100, 0xe00, 0xfcc]) {
      await w(o, 0xffff_ffff);
      expect(r(o)).toBe(0n);
    }
  });
});

// ------------------------------------------------------------------------------ accel hooks

describe('register file: accel port calls', () => {
  it('GBPA with UPDATE and an SMMUEN toggle call bypassChanged; every CR0 write calls cr0Written after its consumption', async () => {
    const { u, w } = unit({ accel: true });
    const log: string[] = [];
    u.accel = recordingPort(log);
    await w(A.GBPA, 1 << 20); // no UPDATE: nothing
    await w(A.GBPA, (1 << 31) | (1 << 20));
    await w(A.GBPA, (1 << 31) | (1 << 20)); // QEMU re-attaches on every accepted GBPA write
    await w(A.CR0, 0x4); // EVENTQEN only: no SMMUEN change
    await w(A.CR0, 0x5);
    await w(A.CR0, 0x5);
    await w(A.CR0, 0x0);
    expect(log).toEqual([
      'bypassChanged en=false abort=true',
      'bypassChanged en=false abort=true',
      'cr0Written 0x4',
      'bypassChanged en=true abort=true',
      'cr0Written 0x5',
      'cr0Written 0x5',
      'bypassChanged en=false abort=true',
      'cr0Written 0x0',
    ]);
  });

  it('without a port nothing is called and the writes complete', async () => {
    const { r, w } = unit();
    await w(A.GBPA, (1 << 31) | (1 << 20));
    await w(A.CR0, 0xd);
    expect([r(A.GBPA), r(A.CR0ACK)]).toEqual([0x10_0000n, 0xdn]);
  });
});
