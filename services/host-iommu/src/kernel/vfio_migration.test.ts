/**
 * vfio_mig_get_next_state (drivers/vfio/vfio_main.c) as a pure function, and the device's
 * migration model (ring records in the blob, DMA refusals per state). The expected tables are
 * transcribed from the kernel's vfio_from_fsm_table and from its comment listing the combination
 * transitions, not from our implementation.
 */
import { describe, expect, it } from 'vitest';
import { KernelError } from '#libs/errno/index.js';
import { VfioDeviceMigState } from '#libs/rpc/gen/iommutwin/host/v1/VfioDeviceMigState.js';
import { loadProfile } from '#libs/profile/profile.js';
import { DeviceState, GroupState, UnitState } from './topology.js';
import {
  MIG_RING_RECORD,
  MIG_STATE_NAMES,
  MigDevice,
  VFIO_MIGRATION_P2P,
  VFIO_MIGRATION_PRE_COPY,
  VFIO_MIGRATION_STOP_COPY,
  migrationFlagsOf,
  migStateFromWire,
  migStateToWire,
  vfioMigGetNextState,
  vfioMigPath,
} from './vfio_migration.js';

const ALL = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P | VFIO_MIGRATION_PRE_COPY;
const st = (name: string): number => (MIG_STATE_NAMES as readonly string[]).indexOf(name);
const names = (path: number[]): string[] => path.map((s) => MIG_STATE_NAMES[s]!);

function errnoOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof KernelError) return e.errno;
    throw e;
  }
  return undefined;
}

/** vfio_from_fsm_table with every feature: row = current, columns in this order. */
const COLS = ['STOP', 'RUNNING', 'PRE_COPY', 'PRE_COPY_P2P', 'STOP_COPY', 'RESUMING', 'RUNNING_P2P'];
const KERNEL_TABLE: Record<string, string[]> = {
  STOP: ['STOP', 'RUNNING_P2P', 'RUNNING_P2P', 'RUNNING_P2P', 'STOP_COPY', 'RESUMING', 'RUNNING_P2P'],
  RUNNING: ['RUNNING_P2P', 'RUNNING', 'PRE_COPY', 'RUNNING_P2P', 'RUNNING_P2P', 'RUNNING_P2P', 'RUNNING_P2P'],
  PRE_COPY: ['RUNNING', 'RUNNING', 'PRE_COPY', 'PRE_COPY_P2P', 'PRE_COPY_P2P', 'RUNNING', 'RUNNING'],
  PRE_COPY_P2P: ['RUNNING_P2P', 'RUNNING_P2P', 'PRE_COPY', 'PRE_COPY_P2P', 'STOP_COPY', 'RUNNING_P2P', 'RUNNING_P2P'],
  STOP_COPY: ['STOP', 'STOP', 'ERROR', 'ERROR', 'STOP_COPY', 'STOP', 'STOP'],
  RESUMING: ['STOP', 'STOP', 'STOP', 'STOP', 'STOP', 'RESUMING', 'STOP'],
  RUNNING_P2P: ['STOP', 'RUNNING', 'RUNNING', 'PRE_COPY_P2P', 'STOP', 'STOP', 'RUNNING_P2P'],
};

describe('vfio_mig_get_next_state', () => {
  it('with STOP_COPY|P2P|PRE_COPY every arc is the kernel table\'s next hop; the ERROR entries are EINVAL', () => {
    for (const [cur, row] of Object.entries(KERNEL_TABLE)) {
      row.forEach((want, i) => {
        const target = COLS[i]!;
        if (want === 'ERROR') expect(errnoOf(() => vfioMigGetNextState(ALL, st(cur), st(target))), `${cur} → ${target}`).toBe('EINVAL');
        else expect(MIG_STATE_NAMES[vfioMigGetNextState(ALL, st(cur), st(target))], `${cur} → ${target}`).toBe(want);
      });
    }
  });

  it('ERROR can never be requested, nothing leaves ERROR, and states beyond the enum are EINVAL', () => {
    for (const cur of COLS) expect(errnoOf(() => vfioMigGetNextState(ALL, st(cur), st('ERROR')))).toBe('EINVAL');
    for (const target of COLS) expect(errnoOf(() => vfioMigGetNextState(ALL, st('ERROR'), st(target)))).toBe('EINVAL');
    expect(errnoOf(() => vfioMigGetNextState(ALL, st('RUNNING'), 8))).toBe('EINVAL');
    expect(errnoOf(() => vfioMigGetNextState(ALL, st('RUNNING'), -1))).toBe('EINVAL');
  });

  it('the combination transitions of the kernel comment, with every optional feature', () => {
    const paths: Array<[string, string, string[]]> = [
      ['PRE_COPY', 'STOP_COPY', ['PRE_COPY_P2P', 'STOP_COPY']],
      ['PRE_COPY', 'RUNNING_P2P', ['RUNNING', 'RUNNING_P2P']],
      ['PRE_COPY', 'STOP', ['RUNNING', 'RUNNING_P2P', 'STOP']],
      ['PRE_COPY', 'RESUMING', ['RUNNING', 'RUNNING_P2P', 'STOP', 'RESUMING']],
      ['PRE_COPY_P2P', 'RUNNING', ['RUNNING_P2P', 'RUNNING']],
      ['PRE_COPY_P2P', 'RESUMING', ['RUNNING_P2P', 'STOP', 'RESUMING']],
      ['RESUMING', 'PRE_COPY_P2P', ['STOP', 'RUNNING_P2P', 'PRE_COPY_P2P']],
      ['RESUMING', 'PRE_COPY', ['STOP', 'RUNNING_P2P', 'RUNNING', 'PRE_COPY']],
      ['RESUMING', 'STOP_COPY', ['STOP', 'STOP_COPY']],
      ['RUNNING', 'STOP_COPY', ['RUNNING_P2P', 'STOP', 'STOP_COPY']],
      ['RUNNING_P2P', 'PRE_COPY', ['RUNNING', 'PRE_COPY']],
      ['STOP', 'PRE_COPY', ['RUNNING_P2P', 'RUNNING', 'PRE_COPY']],
      ['STOP_COPY', 'RUNNING', ['STOP', 'RUNNING_P2P', 'RUNNING']],
      ['STOP_COPY', 'RESUMING', ['STOP', 'RESUMING']],
    ];
    for (const [from, to, want] of paths) expect(names(vfioMigPath(ALL, st(from), st(to))), `${from} → ${to}`).toEqual(want);
  });

  it('STOP_COPY only: RUNNING ↔ STOP directly, the optional states are EINVAL whether current or requested', () => {
    const f = VFIO_MIGRATION_STOP_COPY;
    expect(names(vfioMigPath(f, st('RUNNING'), st('STOP_COPY')))).toEqual(['STOP', 'STOP_COPY']);
    expect(names(vfioMigPath(f, st('RESUMING'), st('RUNNING')))).toEqual(['STOP', 'RUNNING']);
    expect(names(vfioMigPath(f, st('STOP_COPY'), st('RUNNING')))).toEqual(['STOP', 'RUNNING']);
    for (const opt of ['RUNNING_P2P', 'PRE_COPY', 'PRE_COPY_P2P']) {
      expect(errnoOf(() => vfioMigGetNextState(f, st('RUNNING'), st(opt))), opt).toBe('EINVAL');
      expect(errnoOf(() => vfioMigGetNextState(f, st(opt), st('RUNNING'))), opt).toBe('EINVAL');
    }
  });

  it('STOP_COPY|PRE_COPY without P2P: PRE_COPY → STOP_COPY is one arc (the P2P hop skipped), PRE_COPY_P2P is EINVAL', () => {
    const f = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_PRE_COPY;
    expect(names(vfioMigPath(f, st('PRE_COPY'), st('STOP_COPY')))).toEqual(['STOP_COPY']);
    expect(names(vfioMigPath(f, st('STOP'), st('PRE_COPY')))).toEqual(['RUNNING', 'PRE_COPY']);
    expect(names(vfioMigPath(f, st('PRE_COPY'), st('STOP')))).toEqual(['RUNNING', 'STOP']);
    expect(errnoOf(() => vfioMigGetNextState(f, st('STOP_COPY'), st('PRE_COPY')))).toBe('EINVAL');
    expect(errnoOf(() => vfioMigGetNextState(f, st('PRE_COPY'), st('PRE_COPY_P2P')))).toBe('EINVAL');
  });

  it('STOP_COPY|P2P without PRE_COPY: the saving group is STOP_COPY alone', () => {
    const f = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P;
    expect(names(vfioMigPath(f, st('RUNNING'), st('STOP_COPY')))).toEqual(['RUNNING_P2P', 'STOP', 'STOP_COPY']);
    expect(errnoOf(() => vfioMigGetNextState(f, st('RUNNING'), st('PRE_COPY')))).toBe('EINVAL');
  });
});

describe('the wire enum VfioDeviceMigState', () => {
  it('names the enum vfio_device_mig_state values in number order, both ways', () => {
    const wire = Object.keys(VfioDeviceMigState);
    expect(wire).toEqual(MIG_STATE_NAMES.map((n) => `VFIO_DEVICE_MIG_STATE_${n}`));
    wire.forEach((name, i) => {
      expect(migStateFromWire(name)).toBe(i);
      expect(migStateToWire(i)).toBe(name);
    });
    expect(migStateFromWire(12)).toBe(12);
  });
});

describe('the device migration model', () => {
  const prof = loadProfile('intel-vtd');
  const nicSpec = prof.devices.find((d) => d.bdf === '0000:01:00.0')!;
  const nvmeSpec = prof.devices.find((d) => d.bdf === '0000:02:00.0')!;
  const fresh = () => {
    const unit = new UnitState(prof.iommus[0]!);
    return new DeviceState(nicSpec, unit, new GroupState(1));
  };

  it('VFIO_DEVICE_FEATURE_MIGRATION flags come from the profile (NVMe: none)', () => {
    expect(migrationFlagsOf(nicSpec.migration)).toBe(7);
    expect(migrationFlagsOf(nvmeSpec.migration)).toBe(0);
  });

  it('each DMA writes one 32-byte ring record {seq, iova, length, write} at (seq - 1) × 32 mod stateBytes', () => {
    const m = new MigDevice(fresh(), nicSpec.migration!);
    m.dmaDone(0x1234_5000n, 64, true);
    m.dmaDone(0x9000n, 8, false);
    const c = m.chunk(0);
    const v = new DataView(c.buffer, c.byteOffset, c.byteLength);
    expect([v.getBigUint64(0, true), v.getBigUint64(8, true), v.getUint32(16, true), v.getUint32(20, true)]).toEqual([1n, 0x1234_5000n, 64, 1]);
    expect([v.getBigUint64(32, true), v.getBigUint64(40, true), v.getUint32(48, true), v.getUint32(52, true)]).toEqual([2n, 0x9000n, 8, 0]);
    // the ring wraps: record 32769 of a 1 MiB state lands at offset 0 again
    m.seq = BigInt((1 << 20) / MIG_RING_RECORD);
    m.dmaDone(0xabc000n, 4, true);
    expect(new DataView(m.chunk(0).buffer).getBigUint64(0, true)).toBe(BigInt((1 << 20) / MIG_RING_RECORD) + 1n);
  });

  it('DMA refusals: none in RUNNING/PRE_COPY; P2P only in the P2P states; all in STOP, STOP_COPY, RESUMING, ERROR', () => {
    const m = new MigDevice(fresh(), nicSpec.migration!);
    const rows = MIG_STATE_NAMES.map((name, s) => {
      m.state = s;
      return [name, m.dmaRefusal(false) !== undefined, m.dmaRefusal(true) !== undefined];
    });
    expect(rows).toEqual([
      ['ERROR', true, true],
      ['STOP', true, true],
      ['RUNNING', false, false],
      ['STOP_COPY', true, true],
      ['RESUMING', true, true],
      ['RUNNING_P2P', false, true],
      ['PRE_COPY', false, false],
      ['PRE_COPY_P2P', false, true],
    ]);
  });
});
