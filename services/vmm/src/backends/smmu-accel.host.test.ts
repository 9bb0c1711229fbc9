/**
 * SmmuAccel against the real host-iommu (profile arm-smmuv3, over gRPC): the host accepts the
 * exact calls the backend makes (NEST_PARENT + vIOMMU + abort/bypass vSTE HWPTs, the vDEVICE, a
 * Cfg 5 vSTE over a CD and LPAE stage 1 in guest RAM, the vEVENTQ, one-command invalidations on
 * the vIOMMU over the InvalidationChannel), a device DMA goes through the guest's stage 1, a
 * stage-1 fault comes back as the 32-byte record injected in order, what the host refuses turns
 * into false (CERROR_ILL), and the last unplug leaves nothing mapped or pinned.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '#libs/rpc/client.js';
import { startTestHost, Sys, type TestHost } from '../../../../test/contract/harness.js';
import { G, GUEST_PAGES, GuestRam, S1Table } from '../../../../test/contract/guest-tables.js';
import { HostLink, type HostProcessId } from '../hostlink/hostlink.js';
import type { BackendVm, VfioRuntime } from '../machine/runtime.js';
import type { SmmuStreamTableState, SteView } from '../viommu/smmuv3/types.js';
import { SmmuAccel, type SmmuAccelRegs } from './smmu-accel.js';

const NIC = '0000:01:00.0';
const SID = 0x18;
const ASID = 0x21n;
const I = 0x7f_0000_0000n; // guest IOVA (stage-1 input)
const PAGE = 4096n;

const pattern = (seed: number): Uint8Array => Uint8Array.from({ length: 4096 }, (_, i) => (i * 7 + seed * 13) & 0xff);

describe('SmmuAccel on the arm-smmuv3 host', () => {
  let host: TestHost;
  let link: HostLink;
  let proc: HostProcessId;
  beforeAll(async () => {
    host = await startTestHost('arm-smmuv3');
    link = new HostLink({ address: host.srv.addr, token: 'tok-qemu', platformToken: 'tok-platform', logger: pino({ level: 'silent' }) });
    proc = await link.spawn('vm-smmu', 0);
  });
  afterAll(async () => {
    await link.exit(proc.pid).catch(() => undefined);
    link.dispose();
    await host.close();
  });

  it('plug, install, DMA, invalidations, a stage-1 fault injected, refusals as false, GBPA abort, unplug leaves the host clean', async () => {
    const pid = proc.pid;
    const desc = await link.describe();
    const hd = desc.devices.find((d) => d.bdf === NIC)!;
    // the orchestrator (root) opens the nodes and passes them into the VM process, as libvirt does
    const orch = await Sys.spawn(host.root, 'libvirtd');
    const pass = async (path: string) => {
      const fd = await orch.open(path);
      const target = await orch.sendFd(fd, pid);
      await orch.close(fd);
      return target;
    };
    const iommufd = await pass('/dev/iommu');
    const deviceFd = await pass(`/dev/vfio/devices/${hd.cdev}`);
    await orch.exit();
    const devId = await link.bind(pid, deviceFd, iommufd);
    const size = BigInt(GUEST_PAGES) * PAGE;
    const ramVa = await link.mmapShared(pid, await link.memfd(pid, 'guest-ram', size), size);
    const g = new GuestRam(new Sys(host.qemu, pid), ramVa);

    // the guest: a CD (T0SZ 16, 4K, EPD1, V, IPS 48, AA64, R, A, ASID) and its LPAE stage 1
    const s1 = new S1Table(g, 'lpae');
    const cd = g.alloc();
    await g.w64(cd, 16n | (1n << 30n) | (1n << 31n) | (5n << 32n) | (1n << 41n) | (1n << 45n) | (1n << 46n) | (ASID << 48n));
    await g.w64(cd + 8n, s1.root);
    const p1 = g.alloc();
    const p2 = g.alloc();
    await g.write(p1, pattern(1));
    await g.write(p2, pattern(2));
    const path = await s1.map(I, p1);

    const rt: VfioRuntime = {
      cfg: { kind: 'vfio', id: 'nic0', guestBdf: '0000:00:03.0', endpointId: SID, hostBdf: NIC, iommufd: 'iommufd0', backend: 'NESTED', legacyContainer: false },
      host: hd,
      iommufd,
      deviceFd,
      devId,
      ioas: 0,
      hwpt: 0,
      backend: 'NESTED',
      ownFd: true,
    };
    const vfio = new Map([[rt.cfg.id, rt]]);
    const vm = { name: 'vm-smmu', cfg: {} as never, hostPid: pid, ramVa, ramRanges: [{ gpa: G, size, offset: 0n }], vfio, vfioByEndpoint: (ep: number) => (ep === SID ? rt : undefined) } satisfies BackendVm;
    const regs: SmmuAccelRegs = { smmuEnabled: true, gbpaAbort: false, eventqEnabled: true, eventqLog2size: 3 };
    const stes = new Map<number, SteView>([[SID, { kind: 'ste', addr: 0n, words: [1n | (5n << 1n) | cd, 0n, 0n, 0n, 0n, 0n, 0n, 0n] }]]);
    const injected: Buffer[] = [];
    const accel = new SmmuAccel(link, vm, pino({ level: 'silent' }), { steView: (sid) => stes.get(sid)!, regs: () => regs }, async (r) => void injected.push(Buffer.from(r)));

    await accel.plug(rt);
    const st = accel.stateOf(rt)!;
    expect(st).toMatchObject({ attached: 's1' });
    expect(st.vdevice).toBeGreaterThan(0);
    expect(accel.objects()!.veventq).toBeDefined();
    const dma = async (iova: bigint, n: number) => link.deviceDma(NIC, iova, n, false, undefined, proc);
    expect(Buffer.from((await dma(I + 0x20n, 16)).data as Buffer)).toEqual(Buffer.from(pattern(1).subarray(0x20, 0x30)));

    // a stale translation until TLBI_NH_VA (the VMID is the host's) goes through the vIOMMU
    await g.w64(path[3]!, s1.leaf(p2, true));
    expect(Buffer.from((await dma(I, 8)).data as Buffer)).toEqual(Buffer.from(pattern(1).subarray(0, 8)));
    expect(await accel.invalidate([0x12n | (ASID << 48n), I], undefined)).toBe(true);
    expect(Buffer.from((await dma(I, 8)).data as Buffer)).toEqual(Buffer.from(pattern(2).subarray(0, 8)));
    // SID-scoped commands with the guest StreamID (the host converts the vSID): CFGI_CD, ATC_INV
    expect(await accel.invalidate([0x05n | (BigInt(SID) << 32n), 1n], SID)).toBe(true);
    expect(await accel.invalidate([0x40n | (BigInt(SID) << 32n), 52n], SID)).toBe(true);
    expect(accel.forwarded).toBe(3);
    // what the host refuses: a command it does not forward (EIO), a vSTE with a RES0 bit QEMU's mask lets through (EIO)
    expect(await accel.invalidate([0x03n | (BigInt(SID) << 32n), 0n], SID)).toBe(false);
    expect(await accel.installSte(SID, { kind: 'ste', addr: 0n, words: [1n | (5n << 1n) | cd | (1n << 52n), 0n] })).toBe(false);
    expect(accel.stateOf(rt)).toEqual(st);

    // a stage-1 fault: F_TRANSLATION with the guest StreamID, injected
    expect((await dma(I + 4n * PAGE, 4)).fault).toMatchObject({ reason: 'DMA_FAULT_REASON_TRANSLATION', stage: 1 });
    expect((await dma(I + 5n * PAGE, 4)).fault).toMatchObject({ stage: 1 });
    for (let i = 0; i < 500 && injected.length < 2; i++) await new Promise((r) => setTimeout(r, 2));
    expect(injected).toHaveLength(2);
    expect(injected.map((r) => [r.length, r.readBigUInt64LE(0) & 0xffn, r.readBigUInt64LE(0) >> 32n, r.readBigUInt64LE(16)])).toEqual([
      [32, 0x10n, BigInt(SID), I + 4n * PAGE],
      [32, 0x10n, BigInt(SID), I + 5n * PAGE],
    ]);

    // Cfg 4 bypass: IOVA = GPA; then SMMUEN=0 with GBPA.ABORT: the abort vSTE
    expect(await accel.installSte(SID, { kind: 'ste', addr: 0n, words: [1n | (4n << 1n), 0n] })).toBe(true);
    expect(Buffer.from((await dma(p2, 8)).data as Buffer)).toEqual(Buffer.from(pattern(2).subarray(0, 8)));
    const table: SmmuStreamTableState = { smmuEnabled: false, gbpaAbort: true, strtabBase: 0n, log2size: 0, split: 0, twoLevel: false };
    await accel.bypassChanged(table);
    expect(accel.stateOf(rt)!.attached).toBe('abort');
    expect((await dma(p2, 8)).fault).toBeDefined();
    expect(accel.hostFailures).toBe(2);

    const follower = accel.follower()!;
    const qfd = accel.objects()!.veventq!.fd;
    expect((await link.fdKinds(pid)).get(qfd)).toBe('FD_KIND_VEVENTQ');
    await accel.unplug(rt);
    await follower;
    expect(accel.hostFailures).toBe(2);
    const h = await call(host.platform.Platform.Inspect, { host: true });
    expect(h.pinned!.pages).toBe('0');
    expect(h.page_tables).toEqual([]);
    expect((await link.fdKinds(pid)).get(qfd)).toBeUndefined();
    expect(accel.objects()).toBeUndefined();
  });
});
