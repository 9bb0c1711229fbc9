import { describe, expect, it } from 'vitest';
import { DomainError } from '#libs/errno/index.js';
import {
  featureBit,
  FAULT_F,
  FAULT_R,
  MAP_F,
  S,
  VIRTIO_F_ACCESS_PLATFORM,
  VIRTIO_F_VERSION_1,
  VIRTIO_IOMMU_F as F,
  VIRTIO_STATUS,
  VirtioIommu,
  type EndpointView,
  type Mapping,
  type VirtioIommuConfig,
  type VirtioIommuHooks,
} from './virtio-iommu.js';
import { decodeVirtioIommuState, loadVirtioIommuState, saveVirtioIommuState, VIRTIO_IOMMU_VMSTATE } from './virtio-iommu-vmstate.js';
import { ALL, config as baseConfig } from './virtio-iommu-test-support.js';
import { encodeSection, QEMU_VM_SECTION_FOOTER } from './vmstate-wire.js';

const DRIVER = ALL | featureBit(VIRTIO_F_VERSION_1);
const RW = MAP_F.READ | MAP_F.WRITE;
const ENDPOINTS = [8, 16, 24, 32];

/** The unit tests' configuration with domain ids 0..1023. */
function config(o: Partial<VirtioIommuConfig> = {}): VirtioIommuConfig {
  return baseConfig({ domainRange: { start: 0, end: 1023 }, ...o });
}

/** A backend that records what it was told; `failOn` endpoint refuses its next view. */
class Backend implements VirtioIommuHooks {
  views = new Map<number, { view: EndpointView; mappings: Mapping[] }>();
  calls: string[] = [];
  failOn: number | undefined;
  async endpointChanged(endpoint: number, view: EndpointView, mappings: readonly Mapping[]): Promise<void> {
    this.calls.push(`ep ${endpoint} ${view.kind}${view.kind === 'domain' ? ` ${view.domain}` : ''} ${mappings.length}`);
    if (endpoint === this.failOn) throw new Error('host IOAS refused the attach');
    this.views.set(endpoint, { view: { ...view }, mappings: mappings.map((m) => ({ ...m })) });
  }
  async mapped(): Promise<void> {}
  async unmapped(): Promise<void> {}
}

async function driven() {
  const be = new Backend();
  const dev = new VirtioIommu(config(), ENDPOINTS, be);
  expect(await dev.setDriverFeatures(DRIVER)).toBe(true);
  await dev.writeStatus(VIRTIO_STATUS.ACKNOWLEDGE | VIRTIO_STATUS.DRIVER | VIRTIO_STATUS.FEATURES_OK | VIRTIO_STATUS.DRIVER_OK);
  const ok = async (p: Promise<{ status?: number }>) => expect((await p).status).toBe(S.OK);
  await ok(dev.attach({ domain: 3, endpoint: 8 }));
  await ok(dev.attach({ domain: 3, endpoint: 16 }));
  await ok(dev.attach({ domain: 7, endpoint: 24 }));
  await ok(dev.attach({ domain: 9, endpoint: 32, flags: 1 })); // ATTACH_F_BYPASS
  await ok(dev.map({ domain: 3, virtStart: 0x10000n, virtEnd: 0x12fffn, physStart: 0x80000n, flags: RW }));
  await ok(dev.map({ domain: 3, virtStart: 0x40000n, virtEnd: 0x40fffn, physStart: 0x200000n, flags: MAP_F.READ }));
  await ok(dev.map({ domain: 7, virtStart: 0x1000n, virtEnd: 0x1fffn, physStart: 0x90000n, flags: MAP_F.WRITE | MAP_F.MMIO }));
  await dev.writeBypass(1);
  return { dev, be };
}

const IOVAS = [0x10000n, 0x11fffn, 0x12fffn, 0x13000n, 0x40000n, 0x40800n, 0x1000n, 0x0n, 0xfee00000n];

function translations(dev: VirtioIommu) {
  const out: unknown[] = [];
  for (const ep of [...ENDPOINTS, 40]) for (const iova of IOVAS) for (const write of [false, true]) out.push([ep, iova, write, dev.translate(ep, iova, write)]);
  return out;
}

function expectRefused(e: unknown, reason: string, text?: RegExp): void {
  expect(e).toBeInstanceOf(DomainError);
  expect((e as DomainError).reason).toBe(reason);
  if (text) expect((e as DomainError).message).toMatch(text);
}

describe('virtio-iommu vmstate (QEMU "virtio-iommu" v2 + twin subsections)', () => {
  it('round trip: domains, mappings, endpoints, bypass, features, status and pending faults equal; the destination backends get every view with its mappings', async () => {
    const { dev } = await driven();
    const pending = [{ reason: FAULT_R.MAPPING as 2, flags: FAULT_F.WRITE | FAULT_F.ADDRESS, endpoint: 8, address: 0x13000n }];
    const bytes = saveVirtioIommuState(dev, pending);
    const dstBe = new Backend();
    const dst = new VirtioIommu(config(), ENDPOINTS, dstBe);
    const loaded = await loadVirtioIommuState(dst, bytes);
    expect(loaded.pendingFaults).toEqual(pending);
    expect(dst.snapshot()).toEqual(dev.snapshot());
    expect(dst.migrationState()).toEqual(dev.migrationState());
    expect(dst.status).toBe(VIRTIO_STATUS.ACKNOWLEDGE | VIRTIO_STATUS.DRIVER | VIRTIO_STATUS.FEATURES_OK | VIRTIO_STATUS.DRIVER_OK);
    expect(dst.driverFeatures).toBe(DRIVER);
    expect(dst.bypass).toBe(1);
    expect(Buffer.from(dst.configBytes()).toString('hex')).toBe(Buffer.from(dev.configBytes()).toString('hex'));
    expect(translations(dst)).toEqual(translations(dev));
    // post_load: every endpoint's backend switched, ascending, a domain's whole mapping list with it
    expect(dstBe.calls).toEqual(['ep 8 domain 3 2', 'ep 16 domain 3 2', 'ep 24 domain 7 1', 'ep 32 bypass 0']);
    expect(dstBe.views.get(8)!.mappings).toEqual(dev.domainMappings(3));
    // and the loaded device keeps working: a new MAP on domain 3, and the source's bytes again equal
    expect((await dst.map({ domain: 3, virtStart: 0x50000n, virtEnd: 0x50fffn, physStart: 0x1000n, flags: RW })).status).toBe(S.OK);
    expect((await dev.map({ domain: 3, virtStart: 0x50000n, virtEnd: 0x50fffn, physStart: 0x1000n, flags: RW })).status).toBe(S.OK);
    expect(Buffer.from(saveVirtioIommuState(dst)).equals(Buffer.from(saveVirtioIommuState(dev)))).toBe(true);
  });

  it('the byte layout: QEVM v3, section "virtio-iommu" v2, status + features, then the domains tree in ascending id', async () => {
    const { dev } = await driven();
    const b = Buffer.from(saveVirtioIommuState(dev));
    expect(b.readUInt32BE(0)).toBe(0x5145564d);
    expect(b.readUInt32BE(4)).toBe(3);
    expect(b[8]).toBe(0x04);
    expect(b[13]).toBe('virtio-iommu'.length);
    expect(b.subarray(14, 26).toString()).toBe('virtio-iommu');
    expect(b.readUInt32BE(26)).toBe(0); // instance id
    expect(b.readUInt32BE(30)).toBe(VIRTIO_IOMMU_VMSTATE.version);
    expect(b[34]).toBe(0x0f); // ACKNOWLEDGE|DRIVER|DRIVER_OK|FEATURES_OK
    expect(b.readBigUInt64BE(35)).toBe(DRIVER);
    expect(b.readUInt32BE(43)).toBe(3); // domains 3, 7, 9
    expect(b.readUInt32BE(47)).toBe(3); // first domain id
    expect(b.readUInt32BE(51)).toBe(2); // its two mappings
    expect([b.readBigUInt64BE(55), b.readBigUInt64BE(63), b.readBigUInt64BE(71), b.readUInt32BE(79)]).toEqual([0x10000n, 0x12fffn, 0x80000n, RW]);
    const img = decodeVirtioIommuState(b);
    expect(img.state.domains.map((d) => [d.id, d.endpoints, d.bypass])).toEqual([[3, [8, 16], false], [7, [24], false], [9, [32], true]]);
    expect(img.config?.endpoints).toEqual(ENDPOINTS);
  });

  it('idle(): a MAP whose backend is still working is committed before the state is read', async () => {
    const { dev, be } = await driven();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    be.mapped = async () => {
      await gate;
    };
    const pending = dev.map({ domain: 7, virtStart: 0x8000n, virtEnd: 0x8fffn, physStart: 0x10000n, flags: RW });
    const idle = dev.idle();
    expect(decodeVirtioIommuState(saveVirtioIommuState(dev)).state.domains[1]!.mappings).toHaveLength(1);
    release();
    await idle;
    expect((await pending).status).toBe(S.OK);
    expect(decodeVirtioIommuState(saveVirtioIommuState(dev)).state.domains[1]!.mappings).toHaveLength(2);
  });

  it('a fresh device round-trips to a fresh device (no domains, boot bypass, blocked endpoints)', async () => {
    const src = new VirtioIommu(config(), ENDPOINTS, new Backend());
    const be = new Backend();
    const dst = new VirtioIommu(config(), ENDPOINTS, be);
    // bytes as gRPC hands them: a Buffer at an odd offset inside a larger pool
    const pooled = Buffer.concat([Buffer.alloc(3, 0xee), saveVirtioIommuState(src), Buffer.alloc(5, 0xee)]).subarray(3, -5);
    await loadVirtioIommuState(dst, pooled);
    expect(dst.snapshot()).toEqual({ domains: [], bypass: false });
    expect(dst.viewOf(8)).toEqual({ kind: 'blocked' });
    expect(be.calls).toEqual([]);
  });

  it('a broken device stays broken with its reason (virtio/broken)', async () => {
    const be = new Backend();
    const dev = new VirtioIommu(config(), ENDPOINTS, be);
    expect(await dev.setDriverFeatures(featureBit(VIRTIO_F_VERSION_1) | featureBit(F.MAP_UNMAP))).toBe(true);
    await expect(dev.writeBypass(1)).rejects.toThrow(/BYPASS_CONFIG not negotiated/);
    const dst = new VirtioIommu(config(), ENDPOINTS, new Backend());
    await loadVirtioIommuState(dst, saveVirtioIommuState(dev));
    expect(dst.needsReset).toBe(dev.needsReset);
    expect(dst.status & VIRTIO_STATUS.DEVICE_NEEDS_RESET).toBe(VIRTIO_STATUS.DEVICE_NEEDS_RESET);
    await expect(dst.attach({ domain: 1, endpoint: 8 })).rejects.toThrow(/needs reset/);
  });

  it('refuses tampered, truncated, extended and other-model bytes and leaves the destination as built', async () => {
    const { dev } = await driven();
    const bytes = saveVirtioIommuState(dev);
    const dst = new VirtioIommu(config(), ENDPOINTS, new Backend());
    const before = dst.migrationState();
    const flipped = bytes.slice();
    flipped[60]! ^= 0x10;
    await loadVirtioIommuState(dst, flipped).then(() => expect.unreachable(), (e) => expectRefused(e, 'VMSTATE_CORRUPT', /checksum mismatch/));
    await loadVirtioIommuState(dst, bytes.subarray(0, bytes.length - 9)).then(() => expect.unreachable(), (e) => expectRefused(e, 'VMSTATE_CORRUPT'));
    await loadVirtioIommuState(dst, bytes.subarray(0, 10)).then(() => expect.unreachable(), (e) => expectRefused(e, 'VMSTATE_CORRUPT', /shorter than the smallest section/));
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    await loadVirtioIommuState(dst, longer).then(() => expect.unreachable(), (e) => expectRefused(e, 'VMSTATE_CORRUPT'));
    const other = encodeSection({ idstr: 'smmuv3', version: 1, fields: (w) => w.u32(0), subsections: [] });
    await loadVirtioIommuState(dst, other).then(() => expect.unreachable(), (e) => expectRefused(e, 'VMSTATE_WRONG_DEVICE', /'smmuv3' section/));
    const v3 = encodeSection({ idstr: 'virtio-iommu', version: 3, fields: () => undefined, subsections: [] });
    await loadVirtioIommuState(dst, v3).then(() => expect.unreachable(), (e) => expectRefused(e, 'VMSTATE_VERSION', /version 3/));
    expect(dst.migrationState()).toEqual(before);
    expect(dst.viewOf(8)).toEqual({ kind: 'blocked' });
  });

  it('refuses a destination configured otherwise (every difference listed) and one already driven', async () => {
    const { dev } = await driven();
    const bytes = saveVirtioIommuState(dev);
    const dst = new VirtioIommu(config({ pageSizeMask: 0xffffffffffff0000n, probeSize: 256 }), [8, 16, 24], new Backend());
    const e = await loadVirtioIommuState(dst, bytes).catch((x: unknown) => x);
    expectRefused(e, 'VMSTATE_CONFIG_MISMATCH', /page_size_mask 0xfffffffffffff000 ≠ destination 0xffffffffffff0000/);
    expect(JSON.parse((e as DomainError).metadata.violations!)).toEqual([
      'page_size_mask 0xfffffffffffff000 ≠ destination 0xffffffffffff0000',
      'probe_size 512 ≠ destination 256',
      'endpoints [8, 16, 24, 32] ≠ destination [8, 16, 24]',
    ]);
    expect(dst.snapshot().domains).toEqual([]);
    const used = new VirtioIommu(config(), ENDPOINTS, new Backend());
    await used.setDriverFeatures(DRIVER);
    await loadVirtioIommuState(used, bytes).then(() => expect.unreachable(), (x) => expectRefused(x, 'VIOMMU_NOT_FRESH'));
  });

  it('refuses well-formed bytes whose fields the model could never hold (forged with a valid checksum)', async () => {
    const { dev } = await driven();
    const good = decodeVirtioIommuState(saveVirtioIommuState(dev));
    // re-encode the good image with one field changed, through the same layout
    const forge = (mut: (s: typeof good.state) => void, opts: { features?: bigint } = {}) => {
      const s = structuredClone(good.state);
      mut(s);
      const c = good.config!;
      return encodeSection({
        idstr: 'virtio-iommu',
        version: 2,
        fields: (w) => {
          w.u8(0x0f).u64(opts.features ?? s.driverFeatures);
          w.u32(s.domains.length);
          for (const d of s.domains) {
            w.u32(d.id).u32(d.mappings.length);
            for (const m of d.mappings) w.u64(m.virtStart).u64(m.virtEnd).u64(m.physStart).u32(m.flags);
            w.u32(d.endpoints.length);
            for (const x of d.endpoints) w.u32(x);
            w.bool(d.bypass);
          }
          w.u8(s.bypass);
        },
        subsections: [{ name: 'virtio-iommu/config', version: 1, fields: (w) => {
          w.u64(c.offeredFeatures).u64(c.pageSizeMask).u64(c.inputRange.start).u64(c.inputRange.end).u32(c.domainRange.start).u32(c.domainRange.end).u32(c.probeSize).bool(c.bootBypass);
          w.u32(c.reservedRegions.length);
          for (const r of c.reservedRegions) w.u64(r.start).u64(r.end).u8(r.subtype);
          w.u32(c.endpoints.length);
          for (const x of c.endpoints) w.u32(x);
        } }],
      });
    };
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ['unknown endpoint', forge((s) => void s.domains[0]!.endpoints.push(99)), /endpoint 99 does not exist/],
      ['endpoint twice', forge((s) => void s.domains[1]!.endpoints.push(8)), /endpoint 8 is already in domain 3/],
      ['unaligned mapping', forge((s) => void (s.domains[0]!.mappings[0] = { ...s.domains[0]!.mappings[0]!, physStart: 0x80800n })), /not aligned to the granule 0x1000/],
      ['overlapping mappings', forge((s) => void (s.domains[0]!.mappings[1] = { ...s.domains[0]!.mappings[1]!, virtStart: 0x12000n })), /overlaps or precedes/],
      ['reserved region', forge((s) => void s.domains[0]!.mappings.push({ virtStart: 0xfee00000n, virtEnd: 0xfee00fffn, physStart: 0n, flags: RW })), /overlaps reserved region/],
      ['domain out of range', forge((s) => void (s.domains[2]!.id = 5000)), /domain 5000: outside domain_range/],
      ['empty domain', forge((s) => void (s.domains[1]!.endpoints = [])), /no endpoint/],
      ['mappings in a bypass domain', forge((s) => void s.domains[2]!.mappings.push({ virtStart: 0n, virtEnd: 0xfffn, physStart: 0n, flags: RW })), /bypass domain holds no mappings/],
      ['config.bypass not 0 or 1', forge((s) => void (s.bypass = 2 as 0 | 1)), /config.bypass is 2/],
      ['features not offered', forge(() => undefined, { features: DRIVER | featureBit(VIRTIO_F_ACCESS_PLATFORM) | featureBit(20) }), /bits the device does not offer/],
    ];
    for (const [what, bytes, why] of cases) {
      const dst = new VirtioIommu(config(), ENDPOINTS, new Backend());
      const e = await loadVirtioIommuState(dst, bytes).catch((x: unknown) => x);
      expect(e, what).toBeInstanceOf(DomainError);
      expect((e as DomainError).reason, what).toBe('VMSTATE_INVALID');
      expect((e as DomainError).message, what).toMatch(why);
      expect(dst.snapshot().domains, what).toEqual([]);
    }
    // an extra trailing field where the footer belongs
    const extra = encodeSection({ idstr: 'virtio-iommu', version: 2, fields: (w) => w.u8(0).u64(0n).u32(0).u8(0).u8(0xaa), subsections: [] });
    const dst = new VirtioIommu(config(), ENDPOINTS, new Backend());
    await loadVirtioIommuState(dst, extra).then(() => expect.unreachable(), (e) => expectRefused(e, 'VMSTATE_CORRUPT', new RegExp(`0xaa where the section footer belongs|0x${QEMU_VM_SECTION_FOOTER.toString(16)}`)));
    // a forged huge count is refused before anything is allocated
    const huge = encodeSection({ idstr: 'virtio-iommu', version: 2, fields: (w) => w.u8(0).u64(0n).u32(0xffffffff), subsections: [] });
    await loadVirtioIommuState(dst, huge).then(() => expect.unreachable(), (e) => expectRefused(e, 'VMSTATE_CORRUPT', /domains says 4294967295 items/));
  });

  it('a backend refusing a view during post_load: the endpoints already switched go back, the device stays as built', async () => {
    const { dev } = await driven();
    const be = new Backend();
    be.failOn = 24;
    const dst = new VirtioIommu(config(), ENDPOINTS, be);
    await loadVirtioIommuState(dst, saveVirtioIommuState(dev)).then(() => expect.unreachable(), (e) => expectRefused(e, 'VIOMMU_BACKEND_FAILED', /endpoint 24/));
    expect(be.calls).toEqual(['ep 8 domain 3 2', 'ep 16 domain 3 2', 'ep 24 domain 7 1', 'ep 16 blocked 0', 'ep 8 blocked 0']);
    expect(dst.snapshot()).toEqual({ domains: [], bypass: false });
    expect(dst.needsReset).toBeUndefined();
    // the backend works again: the same bytes load
    be.failOn = undefined;
    await loadVirtioIommuState(dst, saveVirtioIommuState(dev));
    expect(dst.snapshot()).toEqual(dev.snapshot());
  });
});
