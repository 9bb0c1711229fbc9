/**
 * The virtio-iommu state moved between two vmms on two hosts (each host-iommu and vmm in-process
 * over gRPC): the destination VM, built from the same spec and not driven, loads the source's
 * bytes; its EMULATED backend replays every domain's mappings into the destination host's own
 * IOAS (QEMU: iommu_post_load switches address spaces, VFIO's MAP notifiers replay the mappings).
 * Afterwards the assigned device's DMA through every mapped IOVA reaches the same guest bytes on
 * the destination as on the source, unmapped IOVAs fault on both, and the destination guest keeps
 * driving the device.
 */
import { describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import { createAndStart, dmaReadHex, nicVm, pattern, useTwinPair, type TestTwin } from '../../../../test/contract/vmm-harness.js';
import { loadVirtioIommuState, saveVirtioIommuState } from './virtio-iommu-vmstate.js';

const VERSION_1 = 1n << 32n;
const F = { MAP_UNMAP: 1n << 2n, BYPASS_CONFIG: 1n << 6n, PROBE: 1n << 4n } as const;
const EP_NIC0 = 0x18;
const MiB = 1n << 20n;
const RAM = 256n * MiB;

let src: TestTwin;
let dst: TestTwin;
useTwinPair('intel-vtd', ['mig'], (s, d) => {
  [src, dst] = [s, d];
});

async function boot(tw: TestTwin): Promise<void> {
  const vm = nicVm('mig', { model: 'VIOMMU_MODEL_VIRTIO_IOMMU', virtio: {} }, RAM);
  await createAndStart(tw, vm.spec, vm.nodes);
}

const dma = (tw: TestTwin, iova: bigint, n: number) => dmaReadHex(tw, 'mig', 'nic0', iova, n);

describe('virtio-iommu state onto a destination vmm on another host', () => {
  it('the destination backend rebuilds the host mappings: every mapped IOVA reads the same bytes, unmapped ones fault, the guest keeps mapping', async () => {
    await Promise.all([boot(src), boot(dst)]);
    await call(src.v.Guest.VirtioIommuSetFeatures, { vm: 'mig', driver_features: String(VERSION_1 | F.MAP_UNMAP | F.BYPASS_CONFIG | F.PROBE) });
    const rq = (tw: TestTwin, body: Record<string, unknown>) => call(tw.v.Guest.VirtioIommuRequest, { vm: 'mig', ...body });
    expect((await rq(src, { attach: { domain: 4, endpoint: EP_NIC0, flags: 0, reserved: 0 } })).status).toBe(0);
    const maps = [
      { iova: 0x100000000n, last: 0x10000ffffn, gpa: 4n * MiB, flags: 3 },
      { iova: 0x200000n, last: 0x200fffn, gpa: 9n * MiB, flags: 1 },
    ];
    for (const m of maps) expect((await rq(src, { map: { domain: 4, virt_start: String(m.iova), virt_end: String(m.last), phys_start: String(m.gpa), flags: m.flags } })).status).toBe(0);
    // guest RAM travels separately (pre-copy): copy the pages the mappings reach
    for (const m of maps) {
      const data = pattern(Number(m.last - m.iova + 1n), Number(m.gpa >> 12n));
      for (const tw of [src, dst]) await call(tw.v.Guest.WriteMemory, { vm: 'mig', gpa: String(m.gpa), data });
    }
    const probes = [0x100000000n, 0x10000ff00n, 0x200800n, 0x300000n, 0x0n];
    const before = await Promise.all(probes.map((p) => dma(src, p, 64)));
    expect(before.slice(3)).toEqual(['host_fault', 'host_fault']);
    // the fresh destination: endpoints unattached in boot bypass (IOVA = GPA), so the source's view is not there yet
    expect(await dma(dst, probes[0]!, 64)).toBe('host_fault');
    expect(await dma(dst, 0x0n, 64)).not.toBe('host_fault');

    const srcDev = src.vmm.mgr.vm('mig').viommu!;
    await srcDev.idle();
    const bytes = saveVirtioIommuState(srcDev);
    const dvm = dst.vmm.mgr.vm('mig');
    await dvm.lock(() => loadVirtioIommuState(dvm.viommu!, bytes));

    expect(await Promise.all(probes.map((p) => dma(dst, p, 64)))).toEqual(before);
    expect(dvm.viommu!.snapshot()).toEqual(src.vmm.mgr.vm('mig').viommu!.snapshot());
    // the read-only mapping stays read-only on the destination host
    const ro = await call(dst.v.Guest.Dma, { vm: 'mig', device_id: 'nic0', iova: String(0x200000n), length: '4', write: true, data: Buffer.from('nope') });
    expect(ro.result).toBe('host_fault');
    // the destination guest continues: UNMAP of one mapping removes it from the destination host
    expect((await rq(dst, { unmap: { domain: 4, virt_start: String(0x200000n), virt_end: String(0x200fffn) } })).status).toBe(0);
    expect(await dma(dst, 0x200800n, 64)).toBe('host_fault');
    expect(await dma(dst, 0x100000000n, 64)).toBe(before[0]);
  });
});
