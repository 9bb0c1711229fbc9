/**
 * `ctl guest regs | vtd-device | iotlb` against an INTEL_IOMMU VM (services in-process, the CLI
 * as a child process): the DMAR registers decoded as the guest reads them, a device's root →
 * context (→ PASID directory → PASID) entries decoded from guest RAM through the model's checks
 * (Vmm.InspectViommu), and the model's IOTLB / context cache before and after an invalidation.
 * Tables are built by hand with Guest.WriteMemory, as in vmm-intel-iommu-api.test.ts.
 */
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import { parseBdfArg } from '../../services/cli/ctl.js';
import { sidText } from '../../services/cli/format.js';
import { expectStatus } from './harness.js';
import { Orchestrator, runCtl, startTestTwin, type CliRun, type TestTwin } from './vmm-harness.js';

const BASE = 0xfed90000n;
const MiB = 1n << 20n;
const VERSION_1 = 1n << 32n;
const ACCESS_PLATFORM = 1n << 33n;

let t: TestTwin;
beforeAll(async () => {
  t = await startTestTwin();
  await Orchestrator.create(t);
}, 60_000);
afterAll(async () => {
  for (const name of ['vtd-cli', 'vtd-cli-sm', 'vtd-cli-virtio']) {
    await call(t.v.Vmm.StopVm, { name }).catch(() => undefined);
    await call(t.v.Vmm.DeleteVm, { name }).catch(() => undefined);
  }
  await t.close();
});

type Run = CliRun;
const ctl = (...args: string[]): Promise<Run> => runCtl(t, ...args);
function ok(r: Run): string {
  expect(r.stderr, r.stdout).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}
/** The DECODED column of register `name` in `ctl guest regs` output, and its raw value. */
function reg(text: string, name: string): { value: bigint; decoded: string } {
  const line = text.split('\n').find((l) => l.startsWith(name + ' '));
  expect(line, `${name} in\n${text}`).toBeDefined();
  const [, , value, ...rest] = line!.split(/\s{2,}/);
  return { value: BigInt(value!), decoded: rest.join('  ') };
}

async function boot(name: string, intel: Record<string, unknown>): Promise<void> {
  const spec = {
    name,
    memory_bytes: String(64n * MiB),
    machine: 'q35',
    viommu: intel ? { model: 'VIOMMU_MODEL_INTEL_IOMMU', intel } : { model: 'VIOMMU_MODEL_VIRTIO_IOMMU' },
    iommufd_objects: [],
    devices: [{ id: 'net0', guest_bdf: '0000:00:03.0', virtio: { type: 'VIRTIO_DEVICE_TYPE_NET', access_platform: true } }],
  };
  await call(t.v.Vmm.CreateVm, { spec: spec as never });
  expect((await call(t.v.Vmm.StartVm, { name, passed_fds: {} })).vm!.state).toBe('VM_STATE_RUNNING');
  expect((await call(t.v.Guest.VirtioSetFeatures, { vm: name, device_id: 'net0', driver_features: String(VERSION_1 | ACCESS_PLATFORM) })).features_ok).toBe(true);
}
async function wr(vm: string, off: number, value: bigint, size = 8): Promise<void> {
  await call(t.v.Guest.MmioWrite, { vm, addr: String(BASE + BigInt(off)), size, value: String(value) });
}
async function pokeQ(vm: string, gpa: bigint, qs: bigint[]): Promise<void> {
  const b = Buffer.alloc(qs.length * 8);
  qs.forEach((q, i) => b.writeBigUInt64LE(q, i * 8));
  await call(t.v.Guest.WriteMemory, { vm, gpa: String(gpa), data: b });
}
const dma = (vm: string, iova: bigint, length = 16, pasid?: number) =>
  call(t.v.Guest.Dma, { vm, device_id: 'net0', iova: String(iova), length: String(length), write: false, data: Buffer.alloc(0), ...(pasid !== undefined ? { pasid } : {}) });

describe('ctl guest: intel-iommu registers, entry chains and caches', () => {
  it('parses BDFs into requester ids and prints them back', () => {
    expect(parseBdfArg('0000:00:03.0')).toBe(0x18);
    expect(parseBdfArg('80:1f.7')).toBe(0x80ff);
    expect(sidText(0x80ff)).toBe('80:1f.7');
    for (const bad of ['0001:00:03.0', '00:20.0', '00:03.8', '3.0', '']) expect(() => parseBdfArg(bad), bad).toThrow(/not a PCI address/);
  });

  it('legacy mode: regs decoded, the context chain of 00:03.0, a missing one faulting, the IOTLB before and after a global invalidation', { timeout: 120_000 }, async () => {
    const vm = 'vtd-cli';
    await boot(vm, { caching_mode: true });
    // root 0x100000 → context table 0x101000 → 4-level second stage 0x102000..0x105000
    await pokeQ(vm, 0x100000n, [0x101000n | 1n, 0n]);
    await pokeQ(vm, 0x101000n + 0x18n * 16n, [0x102000n | 1n, 2n | (5n << 8n)]);
    await pokeQ(vm, 0x102000n, [0x103000n | 3n]);
    await pokeQ(vm, 0x103000n, [0x104000n | 3n]);
    await pokeQ(vm, 0x104000n, [0x105000n | 3n]);
    await pokeQ(vm, 0x105000n + (0x40000n >> 12n) * 8n, [0x200000n | 3n]);
    await pokeQ(vm, 0x105000n + (0x41000n >> 12n) * 8n, [0x201000n | 1n]);
    await wr(vm, 0x20, 0x100000n); // RTADDR
    await wr(vm, 0x18, 1n << 30n, 4); // SRTP
    await wr(vm, 0x18, 1n << 31n, 4); // TE
    expect((await dma(vm, 0x40000n)).result).toBe('data');
    expect((await dma(vm, 0x41010n)).result).toBe('data');
    const f = await dma(vm, 0x50010n);
    expect(f.vtd_fault).toMatchObject({ reason: 6, sid: 0x18 });

    const regs = ok(await ctl('guest', 'regs', vm));
    expect(regs.split('\n')[0]).toBe(`intel-iommu of VM ${vm} at 0xfed90000`);
    expect(regs.split('\n')[1]).toMatch(/^REGISTER\s+OFFSET\s+VALUE\s+DECODED$/);
    expect(reg(regs, 'VER')).toEqual({ value: 0x10n, decoded: '1.0' });
    expect(reg(regs, 'GSTS')).toEqual({ value: 0xc0000000n, decoded: 'TES|RTPS' });
    expect(reg(regs, 'RTADDR')).toEqual({ value: 0x100000n, decoded: 'RTA=0x100000 TTM=0 (legacy)' });
    const cap = reg(regs, 'CAP');
    expect(cap.decoded).toBe('ND=6 (65536 domains) SAGAW=39-bit,48-bit MGAW=48 FRO=0x220 SSLPS=2M,1G NFR=1 MAMV=18 CM|PSI|DWD|DRD|ESRTPS');
    expect(reg(regs, 'ECAP').decoded).toBe('IRO=0xf0 MHMV=0 PSS=0 QI|PT');
    expect(reg(regs, 'FSTS')).toEqual({ value: 2n, decoded: 'PPF FRI=0' });
    expect(reg(regs, 'FECTL')).toEqual({ value: 0xc0000000n, decoded: 'IM|IP' });
    expect(reg(regs, 'IQA').decoded).toBe('IQA=0x0 DW=0 (128-bit) QS=0 (256 descriptors)');
    expect(reg(regs, 'FRCD0_LO')).toEqual({ value: 0x50000n, decoded: 'FI=0x50000' });
    expect(reg(regs, 'FRCD0_HI').decoded).toBe('F=1 read FR=0x6 READ SID=0x18 (00:03.0)');
    // --json: every register, same numbers
    const j = JSON.parse(ok(await ctl('--json', 'guest', 'regs', vm))) as { base: string; registers: Array<{ name: string; offset: number; value: string; decoded: string }> };
    expect(j.base).toBe(String(BASE));
    expect(j.registers.map((r) => r.name)).toEqual(['VER', 'CAP', 'ECAP', 'GCMD', 'GSTS', 'RTADDR', 'CCMD', 'FSTS', 'FECTL', 'FEDATA', 'FEADDR', 'FEUADDR', 'PMEN', 'IQH', 'IQT', 'IQA', 'ICS', 'IECTL', 'IEDATA', 'IEADDR', 'IEUADDR', 'IRTA', 'IVA', 'IOTLB', 'FRCD0_LO', 'FRCD0_HI']);
    expect(j.registers.find((r) => r.name === 'CAP')!.value).toBe(String(cap.value));

    const chain = ['device 00:03.0 (sid 0x18): legacy mode, root table 0x100000',
      '  root entry 0        @ 0x100000: 0x101001 0x0  P=1 CTP=0x101000',
      '  context entry 0x18   @ 0x101180: 0x102001 0x502  P=1 FPD=0 TT=0 (multi-level) SSPTPTR=0x102000 AW=2 (4-level) DID=5',
      '  → domain 5, multi-level, second-stage table 0x102000 (4 levels)',
      ''].join('\n');
    expect(ok(await ctl('guest', 'vtd-device', vm, '00:03.0'))).toBe(chain);
    // by VM device id: the same device
    expect(ok(await ctl('guest', 'vtd-device', vm, 'net0'))).toBe(chain);
    // 00:04.0 has no context entry: the chain stops with the fault the unit would record
    expect(ok(await ctl('guest', 'vtd-device', vm, '0000:00:04.0'))).toBe(
      ['device 00:04.0 (sid 0x20): legacy mode, root table 0x100000', '  root entry 0        @ 0x100000: 0x101001 0x0  P=1 CTP=0x101000', '  fault 0x2 CONTEXT_ENTRY_P: the chain stops here', ''].join('\n'),
    );

    const caches = ok(await ctl('guest', 'iotlb', vm));
    expect(caches).toBe(
      [
        'DMA remapping enabled, root table 0x100000 (legacy)',
        '',
        'IOTLB (2)',
        '  SID      DID  PASID  IOVA     PA        PAGE  PERM',
        '  00:03.0    5  -      0x40000  0x200000  4K    RW',
        '  00:03.0    5  -      0x41000  0x201000  4K    R-',
        '',
        'context cache (1)',
        '  SID      PASID  ENTRY           DECODED',
        '  00:03.0  -      0x102001 0x502  P=1 FPD=0 TT=0 (multi-level) SSPTPTR=0x102000 AW=2 (4-level) DID=5',
        '',
        'PASID cache (0)',
        '  SID  PASID  DECODED',
        '  (none)',
        '',
      ].join('\n'),
    );
    // a global IOTLB invalidation (IVT | IIRG global) empties the IOTLB, keeps the context cache
    await wr(vm, 0xf8, (1n << 63n) | (1n << 60n));
    const after = JSON.parse(ok(await ctl('--json', 'guest', 'iotlb', vm))) as { iotlb: unknown[]; context_cache: Array<{ sid: number; entry: string[] }> };
    expect(after.iotlb).toEqual([]);
    expect(after.context_cache).toEqual([{ sid: 0x18, entry: [String(0x102001n), String(0x502n)], scalable: false }]);
  });

  it('scalable mode: root → 256-bit context → PASID directory → PASID entry of RID_PASID and of PASID 70', { timeout: 120_000 }, async () => {
    const vm = 'vtd-cli-sm';
    await boot(vm, { scalable_mode: true, pasid_bits: 8, caching_mode: true });
    // root 0x100000 (LCTP) → context table 0x101000 (32-byte entries) → PASID dir 0x106000 → leaf 0x107000 / 0x108000
    await pokeQ(vm, 0x100000n, [0x101000n | 1n, 0n]);
    await pokeQ(vm, 0x101000n + 0x18n * 32n, [0x106000n | 1n, 0n, 0n, 0n]);
    await pokeQ(vm, 0x106000n, [0x107000n | 1n]);
    await pokeQ(vm, 0x106000n + 8n, [0x108000n | 1n]); // PASIDs 64..127
    // PASID 0: second stage (PGTT 2), AW 2, table 0x102000, DID 7
    await pokeQ(vm, 0x107000n, [0x102000n | (2n << 6n) | (2n << 2n) | 1n, 7n, 0n, 0n, 0n, 0n, 0n, 0n]);
    // PASID 70 (dir 1, leaf 6): pass-through (PGTT 4), DID 9
    await pokeQ(vm, 0x108000n + 6n * 64n, [(4n << 6n) | 1n, 9n, 0n, 0n, 0n, 0n, 0n, 0n]);
    await wr(vm, 0x20, 0x100000n | (1n << 10n)); // RTADDR, TTM scalable
    await wr(vm, 0x18, 1n << 30n, 4);

    expect(reg(ok(await ctl('guest', 'regs', vm)), 'RTADDR').decoded).toBe('RTA=0x100000 TTM=1 (scalable)');
    const head = (p: string) => [`device 00:03.0 (sid 0x18)${p}: scalable mode, root table 0x100000`, '  root entry 0        @ 0x100000: 0x101001 0x0  LP=1 LCTP=0x101000 UP=0 UCTP=0x0', '  context entry 0x18   @ 0x101300: 0x106001 0x0 0x0 0x0  P=1 FPD=0 DTE=0 PASIDE=0 PRE=0 PDTS=0 (128 dir entries) PASIDDIRPTR=0x106000 RID_PASID=0'];
    expect(ok(await ctl('guest', 'vtd-device', vm, '00:03.0'))).toBe(
      [
        ...head(''),
        '  PASID dir entry 0   @ 0x106000: 0x107001  P=1 FPD=0 SMPTBLPTR=0x107000',
        '  PASID entry 0       @ 0x107000: 0x102089 0x7 0x0 0x0 0x0 0x0 0x0 0x0  P=1 FPD=0 AW=2 PGTT=2 (second-stage) SSPTPTR=0x102000 DID=7 SRE=0 FSPM=0 (4-level) FSPTPTR=0x0',
        '  → domain 7, second-stage, second-stage table 0x102000 (4 levels)',
        '',
      ].join('\n'),
    );
    expect(ok(await ctl('guest', 'vtd-device', vm, '00:03.0', '--pasid', '70'))).toBe(
      [
        ...head(' PASID 70'),
        '  PASID dir entry 1   @ 0x106008: 0x108001  P=1 FPD=0 SMPTBLPTR=0x108000',
        '  PASID entry 6       @ 0x108180: 0x101 0x9 0x0 0x0 0x0 0x0 0x0 0x0  P=1 FPD=0 AW=0 PGTT=4 (pass-through) SSPTPTR=0x0 DID=9 SRE=0 FSPM=0 (4-level) FSPTPTR=0x0',
        '  → domain 9, pass-through',
        '',
      ].join('\n'),
    );
    // PASID 200: its directory entry (3) is not present
    const miss = ok(await ctl('guest', 'vtd-device', vm, '00:03.0', '--pasid', '200'));
    expect(miss.split('\n').slice(3)).toEqual(['  PASID dir entry 3   @ 0x106018: 0x0  P=0 FPD=0 SMPTBLPTR=0x0', '  fault 0x51 PASID_DIR_ENTRY_P: the chain stops here', '']);

    // translation on, a DMA without PASID through PASID 0's second stage: the caches fill
    await pokeQ(vm, 0x102000n, [0x103000n | 3n]);
    await pokeQ(vm, 0x103000n, [0x104000n | 3n]);
    await pokeQ(vm, 0x104000n, [0x105000n | 3n]);
    await pokeQ(vm, 0x105000n + (0x40000n >> 12n) * 8n, [0x200000n | 3n]);
    await wr(vm, 0x18, 1n << 31n, 4); // TE
    expect((await dma(vm, 0x40000n)).result).toBe('data');
    // queued invalidation (256-bit descriptors) and a global PASID-cache invalidation: the
    // PASID cache takes the entries of the address spaces the unit knows
    await wr(vm, 0x90, 0x110000n | 0x800n); // IQA: base, DW=1, QS=0
    await wr(vm, 0x18, (1n << 31n) | (1n << 26n), 4); // TE | QIE
    await pokeQ(vm, 0x110000n, [0x7n | (3n << 4n), 0n, 0n, 0n]); // PC, global
    await wr(vm, 0x88, 0x20n); // IQT: one 256-bit descriptor
    const r2 = ok(await ctl('guest', 'regs', vm));
    expect(reg(r2, 'GSTS').decoded).toBe('TES|RTPS|QIES');
    expect(reg(r2, 'ECAP').decoded).toBe('IRO=0xf0 MHMV=0 PSS=7 (8-bit PASIDs) QI|PT|SRS|PASID|SMTS|SSTS');
    expect(reg(r2, 'IQA').decoded).toBe('IQA=0x110000 DW=1 (256-bit) QS=0 (128 descriptors)');
    expect(reg(r2, 'IQH')).toEqual({ value: 0x20n, decoded: 'QH=1 (offset 0x20, 256-bit descriptors)' });
    expect(reg(r2, 'IQT')).toEqual({ value: 0x20n, decoded: 'QT=1 (offset 0x20, 256-bit descriptors)' });
    expect(reg(r2, 'FSTS').decoded).toBe('- FRI=0');
    expect(ok(await ctl('guest', 'iotlb', vm))).toBe(
      [
        'DMA remapping enabled, root table 0x100000 (scalable)',
        '',
        'IOTLB (1)',
        '  SID      DID  PASID  IOVA     PA        PAGE  PERM',
        '  00:03.0    7      0  0x40000  0x200000  4K    RW',
        '',
        'context cache (1)',
        '  SID      PASID  ENTRY                 DECODED',
        '  00:03.0  -      0x106001 0x0 0x0 0x0  P=1 FPD=0 DTE=0 PASIDE=0 PRE=0 PDTS=0 (128 dir entries) PASIDDIRPTR=0x106000 RID_PASID=0',
        '',
        'PASID cache (1)',
        '  SID      PASID  DECODED',
        '  00:03.0  -      P=1 FPD=0 AW=2 PGTT=2 (second-stage) SSPTPTR=0x102000 DID=7 SRE=0 FSPM=0 (4-level) FSPTPTR=0x0',
        '',
      ].join('\n'),
    );
    const pc = JSON.parse(ok(await ctl('--json', 'guest', 'iotlb', vm))) as { pasid_cache: unknown[] };
    expect(pc.pasid_cache).toEqual([{ sid: 0x18, entry: [0x102089n, 7n, 0n, 0n, 0n, 0n, 0n, 0n].map(String) }]);
  });

  it('refusals: a virtio-iommu VM has no intel-iommu; bad BDF; InspectViommu argument checks', { timeout: 120_000 }, async () => {
    const vm = 'vtd-cli-virtio';
    await boot(vm, undefined as never);
    for (const args of [['guest', 'regs', vm], ['guest', 'iotlb', vm], ['guest', 'vtd-device', vm, '00:03.0']]) {
      const r = await ctl(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/^iommu-twin: FAILED_PRECONDITION NO_INTEL_IOMMU: VM vtd-cli-virtio has no intel-iommu \(model VIRTIO_IOMMU\)\n$/);
    }
    const bad = await ctl('guest', 'vtd-device', 'vtd-cli', '00:03.9');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe("iommu-twin: NOT_FOUND DEVICE_NOT_FOUND: VM vtd-cli has no device '00:03.9' (it has net0)\n");
    await expectStatus(call(t.v.Vmm.InspectViommu, { name: 'vtd-cli', pasid: 3 }), grpc.status.INVALID_ARGUMENT, 'BAD_PASID');
    await expectStatus(call(t.v.Vmm.InspectViommu, { name: 'vtd-cli', sid: 0x10000 }), grpc.status.INVALID_ARGUMENT, 'BAD_SID');
    await expectStatus(call(t.v.Vmm.InspectViommu, { name: 'vtd-cli', sid: 0x18, pasid: 1 << 20 }), grpc.status.INVALID_ARGUMENT, 'BAD_PASID');
    await expectStatus(call(t.v.Vmm.InspectViommu, { name: 'nope' }), grpc.status.NOT_FOUND, 'VM_NOT_FOUND');
  });
});
