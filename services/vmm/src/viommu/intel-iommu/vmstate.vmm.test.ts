/**
 * The intel-iommu state moved between two vmms on two hosts (host-iommu and vmm in-process over
 * gRPC): the guest's tables travel with guest RAM, the unit's registers with the vmstate; after
 * the load (vtd_post_load: caches dropped, address spaces switched) the destination's
 * caching-mode shadow replays the guest's second-stage mappings into its own host IOAS, so the
 * assigned device's DMA through every IOVA behaves on the destination as on the source.
 */
import { describe, expect, it } from 'vitest';
import { VtdDriver } from '#libs/guest/vtd-driver.js';
import { call } from '#libs/rpc/client.js';
import { createAndStart, dmaReadHex, nicVm, pattern, useTwinPair, type TestTwin } from '../../../../../test/contract/vmm-harness.js';
import { loadIntelIommuState, saveIntelIommuState } from './vmstate.js';

const MiB = 1n << 20n;
const RAM = 128n * MiB;
const POOL = { start: 16n * MiB, end: 32n * MiB };
const SID_NIC0 = 0x18;

let src: TestTwin;
let dst: TestTwin;
useTwinPair('intel-vtd', ['mig'], (s, d) => {
  [src, dst] = [s, d];
});

async function boot(tw: TestTwin): Promise<void> {
  const vm = nicVm('mig', { model: 'VIOMMU_MODEL_INTEL_IOMMU', intel: { aw_bits: 48, caching_mode: true } }, RAM);
  await createAndStart(tw, vm.spec, vm.nodes);
}

const dma = (tw: TestTwin, iova: bigint, n: number) => dmaReadHex(tw, 'mig', 'nic0', iova, n);

/** Guest RAM [gpa, +len) from one VM to the other (what pre-copy does), 1 MiB at a time. */
async function copyRam(gpa: bigint, len: bigint): Promise<void> {
  for (let o = 0n; o < len; o += MiB) {
    const data = (await call(src.v.Guest.ReadMemory, { vm: 'mig', gpa: String(gpa + o), length: String(MiB) })).data;
    await call(dst.v.Guest.WriteMemory, { vm: 'mig', gpa: String(gpa + o), data });
  }
}

describe('intel-iommu state onto a destination vmm on another host', () => {
  it('registers equal, the shadow rebuilds the destination IOAS from the guest tables: every IOVA reads the same, unmapped ones fault', async () => {
    await Promise.all([boot(src), boot(dst)]);
    const drv = new VtdDriver(src.v.Guest, { vm: 'mig', pool: POOL });
    await drv.init();
    const dom = await drv.allocDomain();
    await drv.attach(dom, SID_NIC0);
    await drv.map(dom, 0x10000n, 40n * MiB, 0x3000n);
    await drv.map(dom, 0x80000000n, 48n * MiB, 0x1000n, { read: true, write: false });
    await call(src.v.Guest.WriteMemory, { vm: 'mig', gpa: String(40n * MiB), data: pattern(0x3000, 5) });
    await call(src.v.Guest.WriteMemory, { vm: 'mig', gpa: String(48n * MiB), data: pattern(0x1000, 6) });
    const probes = [0x10000n, 0x12f00n, 0x80000800n, 0x13000n, 0x0n];
    const before = await Promise.all(probes.map((p) => dma(src, p, 64)));
    expect(before.slice(3)).toEqual(['host_fault', 'host_fault']);

    // guest RAM first (the tables and the data), then the unit's state
    await copyRam(POOL.start, POOL.end - POOL.start);
    await copyRam(40n * MiB, 9n * MiB);
    const bytes = saveIntelIommuState(src.vmm.mgr.vm('mig').intel!);
    const dvm = dst.vmm.mgr.vm('mig');
    await dvm.lock(async () => {
      loadIntelIommuState(dvm.intel!, bytes);
      await dvm.shadow!.drain();
    });
    const regs = async (tw: TestTwin) => {
      const out: string[] = [];
      for (const off of [0x08, 0x10, 0x1c, 0x20, 0x34, 0x80, 0x88, 0x90]) out.push((await call(tw.v.Guest.MmioRead, { vm: 'mig', addr: String(0xfed90000n + BigInt(off)), size: 8 })).value);
      return out;
    };
    expect(await regs(dst)).toEqual(await regs(src));
    expect(await Promise.all(probes.map((p) => dma(dst, p, 64)))).toEqual(before);
    const ro = await call(dst.v.Guest.Dma, { vm: 'mig', device_id: 'nic0', iova: String(0x80000000n), length: '4', write: true, data: Buffer.from('nope') });
    expect(ro.result).toBe('host_fault');
  });
});
