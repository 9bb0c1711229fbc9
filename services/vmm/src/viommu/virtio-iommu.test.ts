import { describe, expect, it } from 'vitest';
import { DomainError, kerr } from '#libs/errno/index.js';
import {
  decodeProbeProperties,
  encodeAttach,
  encodeDetach,
  encodeMap,
  encodeProbe,
  encodeUnmap,
  FAULT_F,
  FAULT_R,
  featureBit,
  MAP_F,
  S,
  VIRTIO_F_ACCESS_PLATFORM,
  VIRTIO_F_VERSION_1,
  VIRTIO_IOMMU_F as F,
  VirtioDeviceBrokenError,
  VirtioIommu,
  VirtioIommuStatusError,
  VIRTIO_STATUS,
  statusOfHookError,
  statusText,
  type EndpointView,
  type Mapping,
  type VirtioIommuConfig,
  type VirtioIommuHooks,
} from './virtio-iommu.js';
import { ALL, config, MSI_WINDOW } from './virtio-iommu-test-support.js';
import { decodeConfig, decodeFault } from './wire.js';

// ------------------------------------------------------------------------------ fixtures

const V1 = featureBit(VIRTIO_F_VERSION_1);
const BYPASS: EndpointView = { kind: 'bypass' };
const BLOCKED: EndpointView = { kind: 'blocked' };
const dom = (domain: number): EndpointView => ({ kind: 'domain', domain });
const mp = (virtStart: bigint, virtEnd: bigint, physStart: bigint, flags: number): Mapping => ({ virtStart, virtEnd, physStart, flags });
const RW = MAP_F.READ | MAP_F.WRITE;

type HookName = 'endpointChanged' | 'mapped' | 'unmapped';
type Call =
  | { hook: 'endpointChanged'; endpoint: number; view: EndpointView; mappings: Mapping[] }
  | { hook: 'mapped'; domain: number; m: Mapping; endpoints: number[] }
  | { hook: 'unmapped'; domain: number; removed: Mapping[]; endpoints: number[] };

/** Records every hook call (failing ones too); `fail[hook]` may return an error to throw. */
class Recorder implements VirtioIommuHooks {
  calls: Call[] = [];
  fail: Partial<Record<HookName, (c: Call) => unknown>> = {};
  /** awaited inside every hook (ordering tests) */
  gate: Promise<void> | undefined;
  veto: ((endpoint: number, domain: number) => number | undefined) | undefined;

  private async run(c: Call): Promise<void> {
    this.calls.push(c);
    if (this.gate) await this.gate;
    const e = this.fail[c.hook]?.(c);
    if (e !== undefined) throw e;
  }
  endpointChanged(endpoint: number, view: EndpointView, mappings: readonly Mapping[]): Promise<void> {
    return this.run({ hook: 'endpointChanged', endpoint, view: { ...view }, mappings: mappings.map((m) => ({ ...m })) });
  }
  mapped(domain: number, m: Mapping, endpoints: readonly number[]): Promise<void> {
    return this.run({ hook: 'mapped', domain, m: { ...m }, endpoints: [...endpoints] });
  }
  unmapped(domain: number, removed: readonly Mapping[], endpoints: readonly number[]): Promise<void> {
    return this.run({ hook: 'unmapped', domain, removed: removed.map((m) => ({ ...m })), endpoints: [...endpoints] });
  }
  vetoAttach(endpoint: number, domain: number): number | undefined {
    return this.veto?.(endpoint, domain);
  }
}
const ec = (endpoint: number, view: EndpointView, mappings: Mapping[] = []): Call => ({ hook: 'endpointChanged', endpoint, view, mappings });

interface Setup {
  cfg?: Partial<VirtioIommuConfig>;
  endpoints?: number[];
  /** null: do not negotiate; default: accept everything offered */
  features?: bigint | null;
}
async function setup(o: Setup = {}): Promise<{ dev: VirtioIommu; hooks: Recorder }> {
  const hooks = new Recorder();
  const dev = new VirtioIommu(config(o.cfg), o.endpoints ?? [8, 9, 16], hooks);
  if (o.features !== null) expect(await dev.setDriverFeatures(o.features ?? dev.deviceFeatures)).toBe(true);
  hooks.calls.length = 0;
  return { dev, hooks };
}

const status = async (p: Promise<{ status?: number }>): Promise<number | undefined> => (await p).status;
const le32 = (v: number): number[] => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
const le64 = (v: bigint): number[] => Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
const bytes = (...parts: Array<number | number[]>): Uint8Array => new Uint8Array(parts.flat());
const filled = (n: number, v = 0xaa): Uint8Array => new Uint8Array(n).fill(v);

// ------------------------------------------------------------------------------ config space

describe('config space and features', () => {
  it('configBytes is the exact 40-byte little-endian struct virtio_iommu_config', async () => {
    const { dev } = await setup({ cfg: { bootBypass: true, domainRange: { start: 1, end: 0x10000 } }, features: null });
    expect(Array.from(dev.configBytes())).toEqual([
      ...[0x00, 0xf0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // page_size_mask 0xfffffffffffff000
      ...[0, 0, 0, 0, 0, 0, 0, 0], // input_range.start
      ...[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00], // input_range.end 2^48-1
      ...[1, 0, 0, 0], // domain_range.start
      ...[0x00, 0x00, 0x01, 0x00], // domain_range.end 0x10000
      ...[0x00, 0x02, 0x00, 0x00], // probe_size 512
      1, // bypass
      0, 0, 0, // reserved
    ]);
  });

  it('fields of features not offered read as the spec defaults; bypass reads 0 without BYPASS_CONFIG', async () => {
    const { dev } = await setup({ cfg: { offeredFeatures: featureBit(F.MAP_UNMAP), bootBypass: true, pageSizeMask: 0x1000n }, features: null });
    const c = decodeConfig(dev.configBytes());
    expect(c).toEqual({ pageSizeMask: 0x1000n, inputRange: { start: 0n, end: (1n << 64n) - 1n }, domainRange: { start: 0, end: 0xffffffff }, probeSize: 0, bypass: 0 });
    expect(dev.viewOf(8)).toEqual(BLOCKED);
  });

  it('offers VERSION_1 always, on top of the configured bits', async () => {
    const { dev } = await setup({ features: null });
    expect(dev.deviceFeatures).toBe(ALL | V1);
    expect(dev.granule).toBe(0x1000n);
  });

  it('FEATURES_OK: refuses unoffered bits, a missing VERSION_1 or ACCESS_PLATFORM, and renegotiation before reset', async () => {
    const { dev } = await setup({ features: null });
    expect(await dev.setDriverFeatures(V1 | featureBit(F.BYPASS))).toBe(false); // legacy F_BYPASS not offered
    expect(await dev.setDriverFeatures(V1 | featureBit(40))).toBe(false);
    expect(await dev.setDriverFeatures(featureBit(F.MAP_UNMAP))).toBe(false); // no VERSION_1
    expect(dev.featuresOk).toBe(false);
    expect(await dev.setDriverFeatures(V1 | featureBit(F.MAP_UNMAP))).toBe(true);
    expect(dev.featuresOk).toBe(true);
    expect(dev.driverFeatures).toBe(V1 | featureBit(F.MAP_UNMAP));
    expect(await dev.setDriverFeatures(V1 | ALL)).toBe(false);
    expect(dev.driverFeatures).toBe(V1 | featureBit(F.MAP_UNMAP));
    await dev.reset('device');
    expect(dev.featuresOk).toBe(false);
    expect(dev.driverFeatures).toBe(0n);
    expect(await dev.setDriverFeatures(V1 | ALL)).toBe(true);

    const ap = await setup({ cfg: { offeredFeatures: ALL | featureBit(VIRTIO_F_ACCESS_PLATFORM) }, features: null });
    expect(await ap.dev.setDriverFeatures(V1 | ALL)).toBe(false);
    expect(await ap.dev.setDriverFeatures(V1 | ALL | featureBit(VIRTIO_F_ACCESS_PLATFORM))).toBe(true);
  });

  it('rejects invalid configurations', () => {
    const h = new Recorder();
    const mk = (o: Partial<VirtioIommuConfig>, eps = [8]) => () => new VirtioIommu(config(o), eps, h);
    expect(mk({ pageSizeMask: 0n })).toThrow(DomainError);
    expect(mk({ inputRange: { start: 2n, end: 1n } })).toThrow(/input_range/);
    expect(mk({ domainRange: { start: 5, end: 4 } })).toThrow(/domain_range/);
    expect(mk({ reservedRegions: [MSI_WINDOW, { start: 0xfeef0000n, end: 0xff000000n, subtype: 0 }] })).toThrow(/overlap/);
    expect(mk({ reservedRegions: [MSI_WINDOW, { start: 0x8000000n, end: 0x80fffffn, subtype: 1 }] })).toThrow(/MSI/);
    expect(mk({ probeSize: 47, reservedRegions: [MSI_WINDOW, { start: 0n, end: 0xfffn, subtype: 0 }] })).toThrow(/probe_size/);
    expect(mk({ offeredFeatures: ALL | featureBit(7) })).toThrow(/does not implement/);
    expect(mk({}, [8, 8])).toThrow(/twice/);
    expect(mk({}, [-1])).toThrow(/u32/);
    // 48 bytes is exactly two RESV_MEM properties
    expect(mk({ probeSize: 48, reservedRegions: [MSI_WINDOW, { start: 0n, end: 0xfffn, subtype: 0 }] })).not.toThrow();
  });
});

// ------------------------------------------------------------------------------ framing

describe('request framing', () => {
  it('too short for head or tail: used length 0, nothing written', async () => {
    const { dev } = await setup();
    for (const [raw, wl] of [
      [bytes(1, 0, 0), 4],
      [new Uint8Array(0), 4],
      [encodeAttach({ domain: 1, endpoint: 8 }), 3],
      [encodeAttach({ domain: 1, endpoint: 8 }), 0],
    ] as const) {
      const r = await dev.request(raw, wl, filled(wl));
      expect(r.usedLen).toBe(0);
      expect(r.status).toBeUndefined();
      expect(Array.from(r.writable)).toEqual(Array.from(filled(wl)));
    }
    expect(dev.snapshot().domains).toEqual([]);
  });

  it('unrecognised types (0, the drafts’ 6 and 7, 255): used length 0, nothing written', async () => {
    const { dev } = await setup();
    for (const type of [0, 6, 7, 255]) {
      const raw = new Uint8Array(96);
      raw[0] = type;
      const r = await dev.request(raw, 8, filled(8));
      expect(r).toEqual({ usedLen: 0, writable: filled(8) });
    }
  });

  it('a known type with a short payload gets S_INVAL in the tail', async () => {
    const { dev } = await setup();
    const r = await dev.request(encodeAttach({ domain: 1, endpoint: 8 }).subarray(0, 19), 4, filled(4));
    expect(r.usedLen).toBe(4);
    expect(Array.from(r.writable)).toEqual([S.INVAL, 0, 0, 0]);
    expect(dev.snapshot().domains).toEqual([]);
  });

  it('ignores head.reserved, zeroes tail.reserved, puts the tail at the end of the writable part', async () => {
    const { dev } = await setup();
    const r = await dev.request(encodeAttach({ domain: 1, endpoint: 8, headReserved: 0xffffff }), 8, filled(8));
    expect(r.usedLen).toBe(8);
    expect(r.status).toBe(S.OK);
    expect(Array.from(r.writable)).toEqual([0xaa, 0xaa, 0xaa, 0xaa, 0, 0, 0, 0]);
    // trailing readable bytes beyond the structure are ignored
    const longer = new Uint8Array(40);
    longer.set(encodeAttach({ domain: 2, endpoint: 9 }));
    longer.fill(0xee, 20);
    expect(await status(dev.request(longer, 4))).toBe(S.OK);
  });

  it('hand-built request bytes match the encoders and are executed', async () => {
    const { dev } = await setup();
    const attach = bytes(1, 0, 0, 0, le32(7), le32(8), le32(0), [0, 0, 0, 0]);
    expect(attach.length).toBe(20);
    expect(Array.from(encodeAttach({ domain: 7, endpoint: 8 }))).toEqual(Array.from(attach));
    expect(Array.from((await dev.request(attach, 4)).writable)).toEqual([0, 0, 0, 0]);

    const map = bytes(3, 0, 0, 0, le32(7), le64(0x10000n), le64(0x1ffffn), le64(0xa0000n), le32(MAP_F.READ | MAP_F.WRITE));
    expect(map.length).toBe(36);
    expect(Array.from(encodeMap({ domain: 7, virtStart: 0x10000n, virtEnd: 0x1ffffn, physStart: 0xa0000n, flags: RW }))).toEqual(Array.from(map));
    expect(await status(dev.request(map, 4))).toBe(S.OK);
    expect(dev.domainMappings(7)).toEqual([mp(0x10000n, 0x1ffffn, 0xa0000n, RW)]);

    const unmap = bytes(4, 0, 0, 0, le32(7), le64(0x10000n), le64(0x1ffffn), [0, 0, 0, 0]);
    expect(unmap.length).toBe(28);
    expect(Array.from(encodeUnmap({ domain: 7, virtStart: 0x10000n, virtEnd: 0x1ffffn }))).toEqual(Array.from(unmap));
    expect(await status(dev.request(unmap, 4))).toBe(S.OK);
    expect(dev.domainMappings(7)).toEqual([]);

    const probe = bytes(5, 0, 0, 0, le32(8), new Array<number>(64).fill(0));
    expect(probe.length).toBe(72);
    expect(Array.from(encodeProbe({ endpoint: 8 }))).toEqual(Array.from(probe));
    const pr = await dev.request(probe, 512 + 4);
    expect(pr.status).toBe(S.OK);
    expect(pr.usedLen).toBe(516);

    const detach = bytes(2, 0, 0, 0, le32(7), le32(8), new Array<number>(8).fill(0));
    expect(detach.length).toBe(20);
    expect(Array.from(encodeDetach({ domain: 7, endpoint: 8 }))).toEqual(Array.from(detach));
    expect(await status(dev.request(detach, 4))).toBe(S.OK);
    expect(dev.snapshot().domains).toEqual([]);
  });

  it('validates the writable arguments', async () => {
    const { dev } = await setup();
    await expect(dev.request(encodeAttach({ domain: 1, endpoint: 8 }), -1)).rejects.toThrow(DomainError);
    await expect(dev.request(encodeAttach({ domain: 1, endpoint: 8 }), 4, new Uint8Array(5))).rejects.toThrow(/writable/);
  });
});

// ------------------------------------------------------------------------------ ATTACH / DETACH

describe('ATTACH', () => {
  it('checks reserved, then flags, then the endpoint', async () => {
    const { dev, hooks } = await setup();
    expect(await status(dev.request(encodeAttach({ domain: 1, endpoint: 99, flags: 0x80, reserved: 1 }), 4))).toBe(S.INVAL);
    expect(await status(dev.request(encodeAttach({ domain: 1, endpoint: 8, reserved: 0x01000000 }), 4))).toBe(S.INVAL);
    expect(await status(dev.attach({ domain: 1, endpoint: 99, flags: 0x80 }))).toBe(S.INVAL);
    expect(await status(dev.attach({ domain: 1, endpoint: 99 }))).toBe(S.NOENT);
    expect(hooks.calls).toEqual([]);
    expect(await status(dev.attach({ domain: 1, endpoint: 8 }))).toBe(S.OK);
    expect(hooks.calls).toEqual([ec(8, dom(1))]);
  });

  it('ATTACH_F_BYPASS is an unknown flag unless BYPASS_CONFIG is negotiated', async () => {
    const a = await setup({ features: V1 | featureBit(F.MAP_UNMAP) });
    expect(await status(a.dev.attach({ domain: 1, endpoint: 8, flags: 1 }))).toBe(S.INVAL);
    const b = await setup();
    expect(await status(b.dev.attach({ domain: 1, endpoint: 8, flags: 1 }))).toBe(S.OK);
    expect(b.dev.snapshot().domains).toEqual([{ id: 1, bypass: true, endpoints: [8], mappings: [] }]);
  });

  it('DOMAIN_RANGE offered: a domain outside it is S_RANGE (after the endpoint check), even if the driver did not accept the feature', async () => {
    const { dev } = await setup({ cfg: { domainRange: { start: 1, end: 100 } }, features: V1 | featureBit(F.MAP_UNMAP) });
    expect(await status(dev.attach({ domain: 0, endpoint: 8 }))).toBe(S.RANGE);
    expect(await status(dev.attach({ domain: 101, endpoint: 8 }))).toBe(S.RANGE);
    expect(await status(dev.attach({ domain: 101, endpoint: 99 }))).toBe(S.NOENT);
    expect(await status(dev.attach({ domain: 100, endpoint: 8 }))).toBe(S.OK);
    expect(await status(dev.attach({ domain: 1, endpoint: 9 }))).toBe(S.OK);
    const free = await setup({ cfg: { domainRange: { start: 1, end: 100 }, offeredFeatures: ALL & ~featureBit(F.DOMAIN_RANGE) } });
    expect(await status(free.dev.attach({ domain: 0xffffffff, endpoint: 8 }))).toBe(S.OK);
  });

  it('bypass-flag mismatch with an existing domain is S_INVAL and leaves the endpoint where it was', async () => {
    const { dev, hooks } = await setup();
    await dev.attach({ domain: 1, endpoint: 8 });
    await dev.map({ domain: 1, virtStart: 0x1000n, virtEnd: 0x1fffn, physStart: 0x5000n, flags: MAP_F.READ });
    await dev.attach({ domain: 2, endpoint: 9, flags: 1 });
    hooks.calls.length = 0;
    const before = dev.snapshot();
    expect(await status(dev.attach({ domain: 2, endpoint: 8 }))).toBe(S.INVAL);
    expect(await status(dev.attach({ domain: 1, endpoint: 9, flags: 1 }))).toBe(S.INVAL);
    expect(dev.snapshot()).toEqual(before);
    expect(hooks.calls).toEqual([]);
    expect(dev.translate(8, 0x1000n, false)).toEqual({ gpa: 0x5000n });
  });

  it('moving the last endpoint away destroys the domain and its mappings; the same id later starts empty', async () => {
    const { dev, hooks } = await setup();
    await dev.attach({ domain: 1, endpoint: 8 });
    const m = mp(0x1000n, 0x1fffn, 0x5000n, RW);
    await dev.map({ domain: 1, ...m });
    hooks.calls.length = 0;
    expect(await status(dev.attach({ domain: 2, endpoint: 8 }))).toBe(S.OK);
    expect(hooks.calls).toEqual([ec(8, dom(2))]);
    expect(dev.hasDomain(1)).toBe(false);
    expect(dev.snapshot().domains).toEqual([{ id: 2, bypass: false, endpoints: [8], mappings: [] }]);
    expect(await status(dev.attach({ domain: 1, endpoint: 9 }))).toBe(S.OK);
    expect(dev.domainMappings(1)).toEqual([]);
    expect(dev.translate(9, 0x1000n, false)).toEqual({ fault: { reason: FAULT_R.MAPPING, flags: FAULT_F.READ | FAULT_F.ADDRESS, endpoint: 9, address: 0x1000n } });
  });

  it('a shared domain survives while other endpoints remain; the mover sees the new domain', async () => {
    const { dev, hooks } = await setup();
    await dev.attach({ domain: 1, endpoint: 8 });
    await dev.attach({ domain: 1, endpoint: 9 });
    const m = mp(0x1000n, 0x1fffn, 0x5000n, RW);
    await dev.map({ domain: 1, ...m });
    await dev.attach({ domain: 3, endpoint: 16 });
    hooks.calls.length = 0;
    expect(await status(dev.attach({ domain: 3, endpoint: 8 }))).toBe(S.OK);
    expect(hooks.calls).toEqual([ec(8, dom(3))]);
    expect(dev.snapshot().domains).toEqual([
      { id: 1, bypass: false, endpoints: [9], mappings: [m] },
      { id: 3, bypass: false, endpoints: [8, 16], mappings: [] },
    ]);
    expect('fault' in dev.translate(8, 0x1000n, false)).toBe(true);
  });

  it('re-ATTACH to the current domain is a no-op that keeps the mappings (QEMU wipes them)', async () => {
    const { dev, hooks } = await setup();
    await dev.attach({ domain: 1, endpoint: 8 });
    const m = mp(0x1000n, 0x1fffn, 0x5000n, RW);
    await dev.map({ domain: 1, ...m });
    hooks.calls.length = 0;
    expect(await status(dev.attach({ domain: 1, endpoint: 8 }))).toBe(S.OK);
    expect(hooks.calls).toEqual([]);
    expect(dev.domainMappings(1)).toEqual([m]);
  });

  it('hooks may veto an attach (S_UNSUPP, e.g. host group siblings) without any change', async () => {
    const { dev, hooks } = await setup();
    await dev.attach({ domain: 1, endpoint: 8 });
    hooks.calls.length = 0;
    hooks.veto = (ep, d) => (ep === 9 && d !== 1 ? S.UNSUPP : undefined);
    expect(await status(dev.attach({ domain: 2, endpoint: 9 }))).toBe(S.UNSUPP);
    expect(await status(dev.attach({ domain: 1, endpoint: 9 }))).toBe(S.OK);
    expect(dev.snapshot().domains).toEqual([{ id: 1, bypass: false, endpoints: [8, 9], mappings: [] }]);
    expect(hooks.calls).toEqual([ec(9, dom(1))]);
  });

  it('a failing endpointChanged fails the ATTACH with its status and changes nothing', async () => {
    const { dev, hooks } = await setup();
    await dev.attach({ domain: 1, endpoint: 8 });
    const before = dev.snapshot();
    hooks.calls.length = 0;
    hooks.fail.endpointChanged = () => new VirtioIommuStatusError(S.UNSUPP, 'group sibling elsewhere');
    expect(await status(dev.attach({ domain: 2, endpoint: 8 }))).toBe(S.UNSUPP);
    hooks.fail.endpointChanged = () => kerr('ENOMEM', 'no memory');
    expect(await status(dev.attach({ domain: 2, endpoint: 8 }))).toBe(S.NOMEM);
    hooks.fail.endpointChanged = () => new Error('boom');
    expect(await status(dev.attach({ domain: 2, endpoint: 8 }))).toBe(S.DEVERR);
    expect(hooks.calls).toEqual([ec(8, dom(2)), ec(8, dom(2)), ec(8, dom(2))]);
    expect(dev.snapshot()).toEqual(before);
    expect(dev.viewOf(8)).toEqual(dom(1));
    // and the backend is asked again next time (the device knows it never applied domain 2)
    hooks.fail = {};
    expect(await status(dev.attach({ domain: 2, endpoint: 8 }))).toBe(S.OK);
    expect(hooks.calls.at(-1)).toEqual(ec(8, dom(2)));
  });
});

describe('DETACH', () => {
  it('unknown endpoint S_NOENT; wrong or missing domain S_INVAL; reserved ignored', async () => {
    const { dev, hooks } = await setup();
    expect(await status(dev.detach({ domain: 1, endpoint: 99 }))).toBe(S.NOENT);
    expect(await status(dev.detach({ domain: 1, endpoint: 8 }))).toBe(S.INVAL); // not attached, domain missing
    await dev.attach({ domain: 1, endpoint: 8 });
    await dev.attach({ domain: 2, endpoint: 9 });
    expect(await status(dev.detach({ domain: 2, endpoint: 8 }))).toBe(S.INVAL); // attached elsewhere
    hooks.calls.length = 0;
    expect(await status(dev.request(encodeDetach({ domain: 1, endpoint: 8, reserved: 0xdeadbeef, headReserved: 0xabcdef }), 4))).toBe(S.OK);
    expect(hooks.calls).toEqual([ec(8, BLOCKED)]);
    expect(dev.hasDomain(1)).toBe(false);
    expect(await status(dev.detach({ domain: 1, endpoint: 8 }))).toBe(S.INVAL);
  });

  it('after DETACH the endpoint cannot reach the domain: blocked (R_DOMAIN) or bypass', async () => {
    const { dev } = await setup();
    await dev.attach({ domain: 1, endpoint: 8 });
    await dev.attach({ domain: 1, endpoint: 9 });
    await dev.map({ domain: 1, virtStart: 0x1000n, virtEnd: 0x1fffn, physStart: 0x5000n, flags: RW });
    await dev.detach({ domain: 1, endpoint: 8 });
    expect(dev.translate(8, 0x1000n, true)).toEqual({ fault: { reason: FAULT_R.DOMAIN, flags: FAULT_F.WRITE | FAULT_F.ADDRESS, endpoint: 8, address: 0x1000n } });
    expect(dev.translate(9, 0x1000n, true)).toEqual({ gpa: 0x5000n });
    await dev.writeBypass(1);
    expect(dev.translate(8, 0x1000n, true)).toEqual({ gpa: 0x1000n });
  });

  it('a failing hook fails the DETACH and keeps the endpoint attached', async () => {
    const { dev, hooks } = await setup();
    await dev.attach({ domain: 1, endpoint: 8 });
    hooks.fail.endpointChanged = () => ({ status: S.NOMEM });
    expect(await status(dev.detach({ domain: 1, endpoint: 8 }))).toBe(S.NOMEM);
    expect(dev.viewOf(8)).toEqual(dom(1));
  });
});

// ------------------------------------------------------------------------------ MAP

describe('MAP', () => {
  const page = (i: bigint) => i * 0x1000n;
  const m4k = (domain: number, vs: bigint, ve: bigint, ps: bigint, flags = RW) => ({ domain, virtStart: vs, virtEnd: ve, physStart: ps, flags });

  it('is S_UNSUPP unless MAP_UNMAP was negotiated', async () => {
    const { dev } = await setup({ features: V1 | featureBit(F.BYPASS_CONFIG) });
    await dev.attach({ domain: 1, endpoint: 8 });
    expect(await status(dev.map(m4k(1, 0n, 0xfffn, 0n)))).toBe(S.UNSUPP);
    expect(await status(dev.unmap({ domain: 1, virtStart: 0n, virtEnd: 0xfffn }))).toBe(S.UNSUPP);
  });

  it('each rule with its status', async () => {
    const { dev } = await setup({ cfg: { inputRange: { start: 0x1000n, end: (1n << 40n) - 1n } } });
    await dev.attach({ domain: 1, endpoint: 8 });
    await dev.attach({ domain: 2, endpoint: 9, flags: 1 });
    expect(await status(dev.map(m4k(1, page(1n), page(2n) - 1n, 0n, 8)))).toBe(S.INVAL); // unknown flag bit 3
    expect(await status(dev.map(m4k(1, page(1n) + 1n, page(2n) - 1n, 0n)))).toBe(S.RANGE); // virt_start misaligned
    expect(await status(dev.map(m4k(1, page(1n), page(2n) - 1n, 0x800n)))).toBe(S.RANGE); // phys_start misaligned
    expect(await status(dev.map(m4k(1, page(1n), page(2n), 0n)))).toBe(S.RANGE); // virt_end+1 misaligned
    expect(await status(dev.map(m4k(1, page(2n), page(1n) - 1n, 0n)))).toBe(S.INVAL); // virt_end < virt_start
    expect(await status(dev.map(m4k(7, page(1n), page(2n) - 1n, 0n)))).toBe(S.NOENT);
    expect(await status(dev.map(m4k(2, page(1n), page(2n) - 1n, 0n)))).toBe(S.INVAL); // bypass domain
    expect(await status(dev.map(m4k(1, 0xfeeff000n, 0xfef00fffn, 0n)))).toBe(S.INVAL); // over the MSI window's last page
    expect(await status(dev.map(m4k(1, 0n, 0xfffn, 0n)))).toBe(S.RANGE); // below input_range
    expect(await status(dev.map(m4k(1, (1n << 40n) - 0x1000n, (1n << 40n) + 0xfffn, 0n)))).toBe(S.RANGE); // beyond input_range
    expect(await status(dev.map(m4k(1, page(1n), page(3n) - 1n, (1n << 64n) - 0x1000n)))).toBe(S.RANGE); // phys end past 2^64
    expect(await status(dev.map(m4k(1, page(4n), page(8n) - 1n, 0x100000n)))).toBe(S.OK);
    expect(await status(dev.map(m4k(1, page(7n), page(9n) - 1n, 0n)))).toBe(S.INVAL); // overlaps one page
    expect(await status(dev.map(m4k(1, page(2n), page(4n) - 1n, 0n)))).toBe(S.OK); // adjacent below
    expect(await status(dev.map(m4k(1, page(8n), page(9n) - 1n, 0n)))).toBe(S.OK); // adjacent above
    expect(dev.domainMappings(1).map((m) => m.virtStart)).toEqual([page(2n), page(4n), page(8n)]);
  });

  it('check order: unknown flag (MUST) first, then misaligned, inverted, overlap, domain, bypass, RESV_MEM, input_range', async () => {
    const { dev } = await setup({ cfg: { inputRange: { start: 0x10000n, end: 0xffffffffn } } });
    await dev.attach({ domain: 1, endpoint: 8 });
    await dev.attach({ domain: 2, endpoint: 9, flags: 1 });
    await dev.map(m4k(1, 0x20000n, 0x2ffffn, 0n));
    // unknown flag + misaligned + missing domain → S_INVAL
    expect(await status(dev.map(m4k(7, 0x20001n, 0x2ffffn, 0n, 0x10)))).toBe(S.INVAL);
    // misaligned + overlapping → S_RANGE
    expect(await status(dev.map(m4k(1, 0x20000n, 0x20ffen, 0n)))).toBe(S.RANGE);
    // misaligned + missing domain → S_RANGE
    expect(await status(dev.map(m4k(7, 0x20000n, 0x20ffen, 0n)))).toBe(S.RANGE);
    // missing domain + over RESV_MEM + outside input_range → S_NOENT
    expect(await status(dev.map(m4k(7, 0xfee00000n, 0x1_0000_0fffn, 0n)))).toBe(S.NOENT);
    // bypass domain + over RESV_MEM → S_INVAL (bypass)
    expect(await status(dev.map(m4k(2, 0xfee00000n, 0xfee00fffn, 0n)))).toBe(S.INVAL);
    // over RESV_MEM + outside input_range → S_INVAL, not S_RANGE
    expect(await status(dev.map(m4k(1, 0xfeeff000n, 0x1_0000_0fffn, 0n)))).toBe(S.INVAL);
    expect(dev.domainMappings(1)).toEqual([mp(0x20000n, 0x2ffffn, 0n, RW)]);
  });

  it('MMIO flag needs F_MMIO negotiated; MMIO and permissionless maps are kept and passed to hooks with their flags', async () => {
    const no = await setup({ features: V1 | featureBit(F.MAP_UNMAP) });
    await no.dev.attach({ domain: 1, endpoint: 8 });
    expect(await status(no.dev.map(m4k(1, 0x1000n, 0x1fffn, 0x9000_0000n, MAP_F.WRITE | MAP_F.MMIO)))).toBe(S.INVAL);

    const { dev, hooks } = await setup();
    await dev.attach({ domain: 1, endpoint: 8 });
    await dev.attach({ domain: 1, endpoint: 9 });
    hooks.calls.length = 0;
    expect(await status(dev.map(m4k(1, 0x1000n, 0x1fffn, 0x9000_0000n, MAP_F.WRITE | MAP_F.MMIO)))).toBe(S.OK);
    expect(await status(dev.map(m4k(1, 0x2000n, 0x2fffn, 0x3000n, 0)))).toBe(S.OK);
    expect(hooks.calls).toEqual([
      { hook: 'mapped', domain: 1, m: mp(0x1000n, 0x1fffn, 0x9000_0000n, MAP_F.WRITE | MAP_F.MMIO), endpoints: [8, 9] },
      { hook: 'mapped', domain: 1, m: mp(0x2000n, 0x2fffn, 0x3000n, 0), endpoints: [8, 9] },
    ]);
    expect(dev.translate(8, 0x1010n, true)).toEqual({ gpa: 0x9000_0010n });
    expect(dev.translate(8, 0x2000n, false)).toEqual({ fault: { reason: FAULT_R.MAPPING, flags: FAULT_F.READ | FAULT_F.ADDRESS, endpoint: 8, address: 0x2000n } });
    expect(dev.translate(8, 0x2000n, true)).toEqual({ fault: { reason: FAULT_R.MAPPING, flags: FAULT_F.WRITE | FAULT_F.ADDRESS, endpoint: 8, address: 0x2000n } });
  });

  it('byte granularity (page_size_mask bit 0): one-byte ranges are still refused (virt_end must exceed virt_start)', async () => {
    const { dev } = await setup({ cfg: { pageSizeMask: 1n, reservedRegions: [] } });
    await dev.attach({ domain: 1, endpoint: 8 });
    expect(await status(dev.map(m4k(1, 5n, 5n, 0n)))).toBe(S.INVAL);
    expect(await status(dev.map(m4k(1, 5n, 6n, 3n)))).toBe(S.OK);
  });

  it('without INPUT_RANGE offered the whole 64-bit space is mappable', async () => {
    const { dev } = await setup({ cfg: { offeredFeatures: ALL & ~featureBit(F.INPUT_RANGE), inputRange: { start: 0n, end: 0xffffn } } });
    await dev.attach({ domain: 1, endpoint: 8 });
    const top = (1n << 64n) - 1n;
    expect(await status(dev.map(m4k(1, top - 0xfffn, top, 0x1000n)))).toBe(S.OK);
    expect(dev.translate(8, top, false)).toEqual({ gpa: 0x1fffn });
  });

  it('a failing mapped hook fails the MAP with its status and maps nothing', async () => {
    const { dev, hooks } = await setup();
    await dev.attach({ domain: 1, endpoint: 8 });
    hooks.fail.mapped = () => kerr('ENOMEM', 'pinning');
    expect(await status(dev.map(m4k(1, 0x1000n, 0x1fffn, 0n)))).toBe(S.NOMEM);
    hooks.fail.mapped = () => kerr('EFAULT', 'bad va');
    expect(await status(dev.map(m4k(1, 0x1000n, 0x1fffn, 0n)))).toBe(S.DEVERR);
    expect(dev.domainMappings(1)).toEqual([]);
    hooks.fail = {};
    expect(await status(dev.map(m4k(1, 0x1000n, 0x1fffn, 0n)))).toBe(S.OK);
  });
});

// ------------------------------------------------------------------------------ UNMAP

describe('UNMAP', () => {
  async function byteDevice() {
    const s = await setup({ cfg: { pageSizeMask: 1n, reservedRegions: [] } });
    expect(await status(s.dev.attach({ domain: 1, endpoint: 8 }))).toBe(S.OK);
    s.hooks.calls.length = 0;
    return s;
  }
  const map = (dev: VirtioIommu, vs: bigint, ve: bigint) => dev.map({ domain: 1, virtStart: vs, virtEnd: ve, physStart: 0x100n + vs, flags: RW });
  const unmap = (dev: VirtioIommu, vs: bigint, ve: bigint) => status(dev.unmap({ domain: 1, virtStart: vs, virtEnd: ve }));
  const m = (vs: bigint, ve: bigint) => mp(vs, ve, 0x100n + vs, RW);
  const starts = (dev: VirtioIommu) => dev.domainMappings(1).map((x) => [x.virtStart, x.virtEnd]);

  it('(1) unmap(0,4) on an empty space succeeds and removes nothing', async () => {
    const { dev, hooks } = await byteDevice();
    expect(await unmap(dev, 0n, 4n)).toBe(S.OK);
    expect(hooks.calls).toEqual([]);
  });
  it('(2) a=map(0,9); unmap(0,9) removes a', async () => {
    const { dev, hooks } = await byteDevice();
    await map(dev, 0n, 9n);
    expect(await unmap(dev, 0n, 9n)).toBe(S.OK);
    expect(starts(dev)).toEqual([]);
    expect(hooks.calls.at(-1)).toEqual({ hook: 'unmapped', domain: 1, removed: [m(0n, 9n)], endpoints: [8] });
  });
  it('(3) a=map(0,4); b=map(5,9); unmap(0,9) removes a and b', async () => {
    const { dev, hooks } = await byteDevice();
    await map(dev, 0n, 4n);
    await map(dev, 5n, 9n);
    expect(await unmap(dev, 0n, 9n)).toBe(S.OK);
    expect(starts(dev)).toEqual([]);
    expect(hooks.calls.at(-1)).toEqual({ hook: 'unmapped', domain: 1, removed: [m(0n, 4n), m(5n, 9n)], endpoints: [8] });
  });
  it('(4) a=map(0,9); unmap(0,4) fails with S_RANGE and removes nothing', async () => {
    const { dev, hooks } = await byteDevice();
    await map(dev, 0n, 9n);
    expect(await unmap(dev, 0n, 4n)).toBe(S.RANGE);
    expect(starts(dev)).toEqual([[0n, 9n]]);
    expect(hooks.calls.filter((c) => c.hook === 'unmapped')).toEqual([]);
  });
  it('(5) a=map(0,4); b=map(5,9); unmap(0,4) removes a only', async () => {
    const { dev } = await byteDevice();
    await map(dev, 0n, 4n);
    await map(dev, 5n, 9n);
    expect(await unmap(dev, 0n, 4n)).toBe(S.OK);
    expect(starts(dev)).toEqual([[5n, 9n]]);
  });
  it('(6) a=map(0,4); unmap(0,9) removes a', async () => {
    const { dev } = await byteDevice();
    await map(dev, 0n, 4n);
    expect(await unmap(dev, 0n, 9n)).toBe(S.OK);
    expect(starts(dev)).toEqual([]);
  });
  it('(7) a=map(0,4); b=map(10,14); unmap(0,14) removes a and b', async () => {
    const { dev } = await byteDevice();
    await map(dev, 0n, 4n);
    await map(dev, 10n, 14n);
    expect(await unmap(dev, 0n, 14n)).toBe(S.OK);
    expect(starts(dev)).toEqual([]);
  });

  it('a split anywhere in the range is S_RANGE and removes nothing (atomic, unlike QEMU)', async () => {
    const { dev, hooks } = await byteDevice();
    await map(dev, 0n, 4n);
    await map(dev, 5n, 9n);
    await map(dev, 10n, 19n);
    hooks.calls.length = 0;
    expect(await unmap(dev, 0n, 14n)).toBe(S.RANGE); // would split [10,19]
    expect(await unmap(dev, 3n, 9n)).toBe(S.RANGE); // would split [0,4]
    expect(starts(dev)).toEqual([[0n, 4n], [5n, 9n], [10n, 19n]]);
    expect(hooks.calls).toEqual([]);
    expect(dev.translate(8, 2n, false)).toEqual({ gpa: 0x102n });
  });

  it('unknown domain S_NOENT, bypass domain S_INVAL, inverted range S_INVAL, reserved bytes ignored', async () => {
    const { dev } = await byteDevice();
    await dev.attach({ domain: 2, endpoint: 9, flags: 1 });
    expect(await status(dev.unmap({ domain: 7, virtStart: 0n, virtEnd: 9n }))).toBe(S.NOENT);
    expect(await status(dev.unmap({ domain: 2, virtStart: 0n, virtEnd: 9n }))).toBe(S.INVAL);
    expect(await status(dev.unmap({ domain: 1, virtStart: 9n, virtEnd: 0n }))).toBe(S.INVAL);
    await map(dev, 0n, 9n);
    expect(await status(dev.request(encodeUnmap({ domain: 1, virtStart: 0n, virtEnd: 9n, reserved: 0xffffffff }), 4))).toBe(S.OK);
    expect(starts(dev)).toEqual([]);
  });

  it('a failing unmapped hook fails the UNMAP and keeps every mapping', async () => {
    const { dev, hooks } = await byteDevice();
    await map(dev, 0n, 4n);
    await map(dev, 5n, 9n);
    hooks.fail.unmapped = () => new Error('host unmap failed');
    expect(await unmap(dev, 0n, 9n)).toBe(S.DEVERR);
    expect(starts(dev)).toEqual([[0n, 4n], [5n, 9n]]);
  });
});

// ------------------------------------------------------------------------------ PROBE

describe('PROBE', () => {
  const regions = [MSI_WINDOW, { start: 0x1000n, end: 0x1fffn, subtype: 0 as const }]; // deliberately unsorted

  it('writes exactly probe_size bytes: RESV_MEM properties at length+4 strides, then zeros, then the tail', async () => {
    const { dev } = await setup({ cfg: { reservedRegions: regions } });
    const r = await dev.request(encodeProbe({ endpoint: 8, reservedFill: 0xff }), 516, filled(516));
    expect(r.status).toBe(S.OK);
    expect(r.usedLen).toBe(516);
    const expected = new Uint8Array(516);
    expected.set([1, 0, 20, 0, 0, 0, 0, 0, ...le64(0x1000n), ...le64(0x1fffn)], 0);
    expected.set([1, 0, 20, 0, 1, 0, 0, 0, ...le64(0xfee00000n), ...le64(0xfeefffffn)], 24);
    expect(Array.from(r.writable)).toEqual(Array.from(expected));
    expect(decodeProbeProperties(r.writable.subarray(0, 512))).toEqual([
      { type: 1, reserved: 0, length: 20, subtype: 0, start: 0x1000n, end: 0x1fffn },
      { type: 1, reserved: 0, length: 20, subtype: 1, start: 0xfee00000n, end: 0xfeefffffn },
    ]);
  });

  it('the probe() helper decodes properties; unattached endpoints can be probed', async () => {
    const { dev } = await setup({ cfg: { reservedRegions: regions, probeSize: 64 } });
    const r = await dev.probe({ endpoint: 16 });
    expect(r.status).toBe(S.OK);
    expect(r.writable.length).toBe(68);
    expect(r.properties.map((p) => [p.subtype, p.start, p.end])).toEqual([
      [0, 0x1000n, 0x1fffn],
      [1, 0xfee00000n, 0xfeefffffn],
    ]);
    const none = await setup({ cfg: { reservedRegions: [], probeSize: 64 } });
    const e = await none.dev.probe({ endpoint: 8 });
    expect(e.status).toBe(S.OK);
    expect(e.properties).toEqual([]);
    expect(Array.from(e.writable)).toEqual(new Array<number>(68).fill(0));
  });

  it('properties buffer smaller than probe_size: S_INVAL, no property written', async () => {
    const { dev } = await setup({ cfg: { reservedRegions: regions } });
    const r = await dev.request(encodeProbe({ endpoint: 8 }), 515, filled(515));
    expect(r.status).toBe(S.INVAL);
    expect(r.usedLen).toBe(515);
    expect(Array.from(r.writable.subarray(0, 511))).toEqual(new Array<number>(511).fill(0xaa));
    expect(Array.from(r.writable.subarray(511))).toEqual([S.INVAL, 0, 0, 0]);
  });

  it('unknown endpoint: S_NOENT, no property written', async () => {
    const { dev } = await setup();
    const r = await dev.request(encodeProbe({ endpoint: 77 }), 516, filled(516));
    expect(r.status).toBe(S.NOENT);
    expect(Array.from(r.writable.subarray(0, 512))).toEqual(new Array<number>(512).fill(0xaa));
  });

  it('F_PROBE not offered: used length 0, nothing written', async () => {
    const { dev } = await setup({ cfg: { offeredFeatures: ALL & ~featureBit(F.PROBE) } });
    const r = await dev.request(encodeProbe({ endpoint: 8 }), 516, filled(516));
    expect(r.usedLen).toBe(0);
    expect(r.status).toBeUndefined();
    expect(Array.from(r.writable)).toEqual(Array.from(filled(516)));
    expect((await dev.probe({ endpoint: 8 })).usedLen).toBe(0);
  });

  it('F_PROBE offered but not accepted by the driver: still answered', async () => {
    const { dev } = await setup({ features: V1 | featureBit(F.MAP_UNMAP) });
    expect((await dev.probe({ endpoint: 8 })).status).toBe(S.OK);
  });
});

// ------------------------------------------------------------------------------ bypass

describe('bypass', () => {
  it('boot bypass holds before and without BYPASS_CONFIG negotiation', async () => {
    const { dev } = await setup({ cfg: { bootBypass: true }, features: null });
    expect(dev.viewOf(8)).toEqual(BYPASS);
    expect(dev.translate(8, 0x1234n, true)).toEqual({ gpa: 0x1234n });
    expect(await dev.setDriverFeatures(V1 | featureBit(F.MAP_UNMAP))).toBe(true);
    expect(dev.viewOf(8)).toEqual(BYPASS);
    expect(dev.configBytes()[36]).toBe(1);
  });

  it('without boot bypass unattached endpoints are blocked: R_DOMAIN with the access direction and F_ADDRESS', async () => {
    const { dev } = await setup();
    expect(dev.viewOf(8)).toEqual(BLOCKED);
    expect(dev.translate(8, 0xfee00000n, true)).toEqual({ fault: { reason: FAULT_R.DOMAIN, flags: FAULT_F.WRITE | FAULT_F.ADDRESS, endpoint: 8, address: 0xfee00000n } });
  });

  it('writeBypass toggles unattached endpoints only, each with one endpointChanged', async () => {
    const { dev, hooks } = await setup();
    await dev.attach({ domain: 1, endpoint: 9 });
    hooks.calls.length = 0;
    await dev.writeBypass(1);
    expect(hooks.calls).toEqual([ec(8, BYPASS), ec(16, BYPASS)]);
    expect(dev.bypass).toBe(1);
    expect(dev.configBytes()[36]).toBe(1);
    expect(dev.viewOf(9)).toEqual(dom(1));
    await dev.writeBypass(1);
    expect(hooks.calls.length).toBe(2);
    await dev.writeBypass(0);
    expect(hooks.calls.slice(2)).toEqual([ec(8, BLOCKED), ec(16, BLOCKED)]);
    expect(dev.translate(8, 0n, false)).toMatchObject({ fault: { reason: FAULT_R.DOMAIN } });
  });

  it('writing bypass without BYPASS_CONFIG negotiated, or a value other than 0/1, breaks the device until reset', async () => {
    const a = await setup({ features: V1 | featureBit(F.MAP_UNMAP) });
    await expect(a.dev.writeBypass(0)).rejects.toBeInstanceOf(VirtioDeviceBrokenError);
    expect(a.dev.needsReset).toMatch(/not negotiated/);
    await expect(a.dev.attach({ domain: 1, endpoint: 8 })).rejects.toMatchObject({ reason: 'VIRTIO_DEVICE_NEEDS_RESET', status: 'FAILED_PRECONDITION' });
    expect(await a.dev.setDriverFeatures(V1)).toBe(false);
    await a.dev.reset('device');
    expect(a.dev.needsReset).toBeUndefined();
    expect(await a.dev.setDriverFeatures(V1 | ALL)).toBe(true);
    expect(await status(a.dev.attach({ domain: 1, endpoint: 8 }))).toBe(S.OK);

    const b = await setup();
    await expect(b.dev.writeBypass(2)).rejects.toThrow(/invalid config.bypass value 2/);
    expect(b.dev.bypass).toBe(0);
    await expect(b.dev.writeBypass(1)).rejects.toBeInstanceOf(VirtioDeviceBrokenError);
  });

  it('ATTACH_F_BYPASS domain: identity, MAP/UNMAP refused; no hook when the view does not change', async () => {
    const { dev, hooks } = await setup({ cfg: { bootBypass: true } });
    expect(await status(dev.attach({ domain: 5, endpoint: 8, flags: 1 }))).toBe(S.OK);
    expect(hooks.calls).toEqual([]); // bypass → bypass
    await dev.writeBypass(0);
    expect(hooks.calls).toEqual([ec(9, BLOCKED), ec(16, BLOCKED)]);
    expect(dev.translate(8, 0xabc000n, true)).toEqual({ gpa: 0xabc000n });
    expect(await status(dev.attach({ domain: 5, endpoint: 9, flags: 1 }))).toBe(S.OK);
    expect(hooks.calls.at(-1)).toEqual(ec(9, BYPASS));
    expect(await status(dev.map({ domain: 5, virtStart: 0n, virtEnd: 0xfffn, physStart: 0n, flags: RW }))).toBe(S.INVAL);
    expect(await status(dev.unmap({ domain: 5, virtStart: 0n, virtEnd: 0xfffn }))).toBe(S.INVAL);
    // leaving the bypass domain: back to the (now blocked) unattached view
    expect(await status(dev.detach({ domain: 5, endpoint: 9 }))).toBe(S.OK);
    expect(hooks.calls.at(-1)).toEqual(ec(9, BLOCKED));
  });

  it('legacy F_BYPASS: bypass only once negotiated, gone again after reset', async () => {
    const legacy = featureBit(F.BYPASS) | featureBit(F.MAP_UNMAP);
    const { dev, hooks } = await setup({ cfg: { offeredFeatures: legacy, bootBypass: true }, features: null });
    expect(dev.viewOf(8)).toEqual(BLOCKED);
    expect(await dev.setDriverFeatures(V1 | legacy)).toBe(true);
    expect(hooks.calls).toEqual([ec(8, BYPASS), ec(9, BYPASS), ec(16, BYPASS)]);
    expect(dev.translate(9, 0x42n, false)).toEqual({ gpa: 0x42n });
    await dev.reset('device');
    expect(hooks.calls.slice(3)).toEqual([ec(8, BLOCKED), ec(9, BLOCKED), ec(16, BLOCKED)]);
  });

  it('device reset keeps config.bypass, system reset restores the boot value', async () => {
    const { dev, hooks } = await setup({ cfg: { bootBypass: true } });
    await dev.writeBypass(0);
    await dev.attach({ domain: 1, endpoint: 8 });
    await dev.map({ domain: 1, virtStart: 0x1000n, virtEnd: 0x1fffn, physStart: 0n, flags: RW });
    hooks.calls.length = 0;
    await dev.reset('device');
    expect(dev.bypass).toBe(0);
    expect(dev.snapshot()).toEqual({ domains: [], bypass: false });
    expect(hooks.calls).toEqual([ec(8, BLOCKED)]);
    await dev.reset('system');
    expect(dev.bypass).toBe(1);
    expect(hooks.calls.slice(1)).toEqual([ec(8, BYPASS), ec(9, BYPASS), ec(16, BYPASS)]);
  });

  it('a backend failing a bypass change: the others are reverted, the byte is kept, the device needs reset', async () => {
    const { dev, hooks } = await setup();
    hooks.fail.endpointChanged = (c) => (c.hook === 'endpointChanged' && c.endpoint === 16 && c.view.kind === 'bypass' ? new Error('no') : undefined);
    await expect(dev.writeBypass(1)).rejects.toBeInstanceOf(VirtioDeviceBrokenError);
    expect(hooks.calls).toEqual([ec(8, BYPASS), ec(9, BYPASS), ec(16, BYPASS), ec(9, BLOCKED), ec(8, BLOCKED)]);
    expect(dev.bypass).toBe(0);
    expect(dev.viewOf(8)).toEqual(BLOCKED);
    expect(dev.needsReset).toMatch(/config.bypass=1/);
  });

  it('a backend failing the legacy F_BYPASS switch refuses FEATURES_OK', async () => {
    const legacy = featureBit(F.BYPASS) | featureBit(F.MAP_UNMAP);
    const { dev, hooks } = await setup({ cfg: { offeredFeatures: legacy }, features: null });
    hooks.fail.endpointChanged = (c) => (c.hook === 'endpointChanged' && c.endpoint === 9 ? new Error('no') : undefined);
    expect(await dev.setDriverFeatures(V1 | legacy)).toBe(false);
    expect(hooks.calls).toEqual([ec(8, BYPASS), ec(9, BYPASS), ec(8, BLOCKED)]);
    expect(dev.featuresOk).toBe(false);
    expect(dev.viewOf(8)).toEqual(BLOCKED);
  });
});

// ------------------------------------------------------------------------------ hooks, ordering, hotplug

describe('hooks and lifecycle', () => {
  it('hook call sequence for a typical driver session', async () => {
    const { dev, hooks } = await setup();
    const a = mp(0x10000n, 0x1ffffn, 0x80000n, MAP_F.READ);
    const b = mp(0x20000n, 0x20fffn, 0x90000n, RW);
    await dev.attach({ domain: 1, endpoint: 8 });
    await dev.map({ domain: 1, ...a });
    await dev.attach({ domain: 1, endpoint: 9 });
    await dev.map({ domain: 1, ...b });
    await dev.unmap({ domain: 1, virtStart: 0n, virtEnd: 0xfffffn });
    await dev.detach({ domain: 1, endpoint: 8 });
    await dev.attach({ domain: 2, endpoint: 9 });
    expect(hooks.calls).toEqual([
      ec(8, dom(1), []),
      { hook: 'mapped', domain: 1, m: a, endpoints: [8] },
      ec(9, dom(1), [a]),
      { hook: 'mapped', domain: 1, m: b, endpoints: [8, 9] },
      { hook: 'unmapped', domain: 1, removed: [a, b], endpoints: [8, 9] },
      ec(8, BLOCKED),
      ec(9, dom(2)),
    ]);
    expect(dev.snapshot()).toEqual({ domains: [{ id: 2, bypass: false, endpoints: [9], mappings: [] }], bypass: false });
  });

  it('operations run one at a time, in submission order', async () => {
    const { dev, hooks } = await setup();
    await dev.attach({ domain: 1, endpoint: 8 });
    hooks.calls.length = 0;
    let open!: () => void;
    hooks.gate = new Promise<void>((r) => (open = r));
    const p1 = dev.map({ domain: 1, virtStart: 0x1000n, virtEnd: 0x1fffn, physStart: 0n, flags: RW });
    const p2 = dev.unmap({ domain: 1, virtStart: 0x1000n, virtEnd: 0x1fffn });
    const p3 = dev.map({ domain: 1, virtStart: 0x1000n, virtEnd: 0x1fffn, physStart: 0x7000n, flags: RW });
    await Promise.resolve();
    await Promise.resolve();
    expect(hooks.calls.map((c) => c.hook)).toEqual(['mapped']);
    expect(dev.translate(8, 0x1000n, false)).toMatchObject({ fault: { reason: FAULT_R.MAPPING } }); // not committed yet
    open();
    expect([await status(p1), await status(p2), await status(p3)]).toEqual([S.OK, S.OK, S.OK]);
    expect(hooks.calls.map((c) => c.hook)).toEqual(['mapped', 'unmapped', 'mapped']);
    expect(dev.translate(8, 0x1000n, false)).toEqual({ gpa: 0x7000n });
  });

  it('hot-add: synchronous, starts unattached; a bypass change in flight catches it up', async () => {
    const { dev, hooks } = await setup();
    dev.addEndpoint(0x100);
    expect(dev.viewOf(0x100)).toEqual(BLOCKED);
    expect(dev.endpointIds()).toEqual([8, 9, 16, 0x100]);
    expect(() => dev.addEndpoint(8)).toThrow(/already exists/);
    expect(hooks.calls).toEqual([]);
    let open!: () => void;
    hooks.gate = new Promise<void>((r) => (open = r));
    const p = dev.writeBypass(1);
    await Promise.resolve();
    dev.addEndpoint(0x200);
    open();
    await p;
    expect(hooks.calls).toEqual([ec(8, BYPASS), ec(9, BYPASS), ec(16, BYPASS), ec(0x100, BYPASS), ec(0x200, BYPASS)]);
    expect(dev.viewOf(0x200)).toEqual(BYPASS);
    expect((await dev.probe({ endpoint: 0x200 })).status).toBe(S.OK);
  });

  it('hot-remove: detaches (the domain goes if it was the last endpoint), blocks, forgets the endpoint', async () => {
    const { dev, hooks } = await setup();
    await dev.attach({ domain: 1, endpoint: 8 });
    await dev.map({ domain: 1, virtStart: 0x1000n, virtEnd: 0x1fffn, physStart: 0n, flags: RW });
    hooks.calls.length = 0;
    await dev.removeEndpoint(8);
    expect(hooks.calls).toEqual([ec(8, BLOCKED)]);
    expect(dev.hasDomain(1)).toBe(false);
    expect(dev.hasEndpoint(8)).toBe(false);
    expect(dev.translate(8, 0x1000n, false)).toEqual({ fault: { reason: FAULT_R.UNKNOWN, flags: FAULT_F.READ | FAULT_F.ADDRESS, endpoint: 8, address: 0x1000n } });
    expect(await status(dev.attach({ domain: 1, endpoint: 8 }))).toBe(S.NOENT);
    await expect(dev.removeEndpoint(8)).rejects.toThrow(/does not exist/);
    await dev.removeEndpoint(9); // unattached and blocked: no hook
    expect(hooks.calls.length).toBe(1);
  });

  it('reset clears everything even when a backend fails, reports it, and retries on the next reset', async () => {
    const { dev, hooks } = await setup();
    await dev.attach({ domain: 1, endpoint: 8 });
    await dev.attach({ domain: 2, endpoint: 9 });
    hooks.calls.length = 0;
    hooks.fail.endpointChanged = (c) => (c.hook === 'endpointChanged' && c.endpoint === 8 ? new Error('stuck') : undefined);
    await expect(dev.reset('device')).rejects.toMatchObject({ status: 'INTERNAL', reason: 'VIOMMU_BACKEND_FAILED' });
    expect(dev.snapshot().domains).toEqual([]);
    expect(dev.viewOf(8)).toEqual(BLOCKED);
    expect(hooks.calls).toEqual([ec(8, BLOCKED), ec(9, BLOCKED)]);
    hooks.fail = {};
    await dev.reset('device');
    expect(hooks.calls.slice(2)).toEqual([ec(8, BLOCKED)]);
  });

  it('a reset a backend does not follow leaves the device needing another reset (DEVICE_NEEDS_RESET)', async () => {
    const { dev, hooks } = await setup();
    await dev.attach({ domain: 1, endpoint: 8 });
    hooks.fail.endpointChanged = () => new Error('host unmap failed');
    await expect(dev.writeStatus(0)).rejects.toMatchObject({ status: 'INTERNAL', reason: 'VIOMMU_BACKEND_FAILED' });
    expect(dev.needsReset).toBe('device reset: backends did not follow: endpoint 8: host unmap failed');
    expect(dev.status).toBe(VIRTIO_STATUS.DEVICE_NEEDS_RESET);
    await expect(dev.attach({ domain: 1, endpoint: 8 })).rejects.toMatchObject({ reason: 'VIRTIO_DEVICE_NEEDS_RESET' });
    hooks.fail = {};
    expect(await dev.writeStatus(0)).toBe(0);
    expect(dev.needsReset).toBeUndefined();
    expect(hooks.calls.filter((c) => c.hook === 'endpointChanged').slice(-1)).toEqual([ec(8, BLOCKED)]);
  });

  it('statusOfHookError maps errors to statuses', () => {
    expect(statusOfHookError(new VirtioIommuStatusError(S.UNSUPP, 'x'))).toBe(S.UNSUPP);
    expect(statusOfHookError({ status: S.NOMEM })).toBe(S.NOMEM);
    expect(statusOfHookError({ virtioStatus: S.RANGE })).toBe(S.RANGE);
    expect(statusOfHookError(kerr('ENOMEM', 'x'))).toBe(S.NOMEM);
    expect(statusOfHookError(new DomainError('INTERNAL', 'X', 'x'))).toBe(S.DEVERR);
    expect(statusOfHookError({ status: S.OK })).toBe(S.DEVERR);
    expect(statusOfHookError('weird')).toBe(S.DEVERR);
  });
});

// ------------------------------------------------------------------------------ translate and faults

describe('translate and fault records', () => {
  it('translates inside mappings and faults with exact reasons and flags', async () => {
    const { dev } = await setup({ cfg: { reservedRegions: [MSI_WINDOW, { start: 0x8000_0000n, end: 0x8000_ffffn, subtype: 0 }] } });
    await dev.attach({ domain: 1, endpoint: 8 });
    await dev.map({ domain: 1, virtStart: 0x10000n, virtEnd: 0x1ffffn, physStart: 0x4_0000_0000n, flags: MAP_F.READ });
    await dev.map({ domain: 1, virtStart: 0x20000n, virtEnd: 0x20fffn, physStart: 0x5000n, flags: MAP_F.WRITE });
    const fault = (reason: 0 | 1 | 2, flags: number, address: bigint, endpoint = 8) => ({ fault: { reason, flags, endpoint, address } });
    expect(dev.translate(8, 0x10000n, false)).toEqual({ gpa: 0x4_0000_0000n });
    expect(dev.translate(8, 0x1ffffn, false)).toEqual({ gpa: 0x4_0000_ffffn });
    expect(dev.translate(8, 0x1ffffn, true)).toEqual(fault(FAULT_R.MAPPING, FAULT_F.WRITE | FAULT_F.ADDRESS, 0x1ffffn));
    expect(dev.translate(8, 0x20010n, true)).toEqual({ gpa: 0x5010n });
    expect(dev.translate(8, 0x20010n, false)).toEqual(fault(FAULT_R.MAPPING, FAULT_F.READ | FAULT_F.ADDRESS, 0x20010n));
    expect(dev.translate(8, 0x21000n, true)).toEqual(fault(FAULT_R.MAPPING, FAULT_F.WRITE | FAULT_F.ADDRESS, 0x21000n));
    expect(dev.translate(8, 0xfee00040n, true)).toEqual({ gpa: 0xfee00040n }); // MSI window: identity
    expect(dev.translate(8, 0x8000_1000n, false)).toEqual(fault(FAULT_R.MAPPING, FAULT_F.READ | FAULT_F.ADDRESS, 0x8000_1000n)); // RESERVED
    expect(dev.translate(9, 0x10000n, false)).toEqual(fault(FAULT_R.DOMAIN, FAULT_F.READ | FAULT_F.ADDRESS, 0x10000n, 9));
    expect(dev.translate(9, 0xfee00040n, true)).toEqual(fault(FAULT_R.DOMAIN, FAULT_F.WRITE | FAULT_F.ADDRESS, 0xfee00040n, 9));
    expect(dev.translate(0x4242, 0x10n, true)).toEqual(fault(FAULT_R.UNKNOWN, FAULT_F.WRITE | FAULT_F.ADDRESS, 0x10n, 0x4242));
    expect(() => dev.translate(8, -1n, false)).toThrow(DomainError);
  });

  it('faultRecord is the exact 24-byte struct virtio_iommu_fault', async () => {
    const { dev } = await setup();
    const rec = dev.faultRecord({ reason: 2, flags: FAULT_F.WRITE | FAULT_F.ADDRESS, endpoint: 0x0810, address: 0x123456789abcdef0n });
    expect(Array.from(rec)).toEqual([
      2, 0, 0, 0, // reason, reserved[3]
      0x02, 0x01, 0, 0, // flags = F_WRITE | F_ADDRESS
      0x10, 0x08, 0, 0, // endpoint
      0, 0, 0, 0, // reserved1
      0xf0, 0xde, 0xbc, 0x9a, 0x78, 0x56, 0x34, 0x12, // address
    ]);
    expect(decodeFault(rec)).toEqual({ reason: 2, reserved: 0, flags: 0x102, endpoint: 0x810, reserved1: 0, address: 0x123456789abcdef0n });
    const t = dev.translate(8, 0x3000n, false);
    expect('fault' in t && Array.from(dev.faultRecord(t.fault))).toEqual([1, 0, 0, 0, 0x01, 0x01, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0x30, 0, 0, 0, 0, 0, 0]);
  });

  it('snapshot lists domains, endpoints and mappings in ascending order', async () => {
    const { dev } = await setup({ cfg: { bootBypass: true } });
    await dev.attach({ domain: 9, endpoint: 16 });
    await dev.attach({ domain: 3, endpoint: 9 });
    await dev.attach({ domain: 3, endpoint: 8 });
    expect(await status(dev.attach({ domain: 4, endpoint: 0x10, flags: 1 }))).toBe(S.OK); // domain 9 goes
    await dev.map({ domain: 3, virtStart: 0x5000n, virtEnd: 0x5fffn, physStart: 0n, flags: MAP_F.READ });
    await dev.map({ domain: 3, virtStart: 0x1000n, virtEnd: 0x1fffn, physStart: 0n, flags: RW });
    expect(dev.snapshot()).toEqual({
      domains: [
        { id: 3, bypass: false, endpoints: [8, 9], mappings: [mp(0x1000n, 0x1fffn, 0n, RW), mp(0x5000n, 0x5fffn, 0n, MAP_F.READ)] },
        { id: 4, bypass: true, endpoints: [16], mappings: [] },
      ],
      bypass: true,
    });
  });
});

// ------------------------------------------------------------------------------ device status register

describe('device status register (virtio 1.x)', () => {
  const ST = VIRTIO_STATUS;

  it('the driver init sequence reads back bit by bit; FEATURES_OK is the negotiation outcome', async () => {
    const { dev } = await setup({ features: null });
    expect(dev.status).toBe(0);
    expect(await dev.writeStatus(ST.ACKNOWLEDGE)).toBe(1);
    expect(await dev.writeStatus(ST.ACKNOWLEDGE | ST.DRIVER)).toBe(3);
    // FEATURES_OK with no features written: 0 lacks VERSION_1, the device does not keep it
    expect(await dev.writeStatus(ST.ACKNOWLEDGE | ST.DRIVER | ST.FEATURES_OK)).toBe(3);
    expect(await dev.setDriverFeatures(V1 | ALL)).toBe(true);
    expect(dev.status).toBe(ST.ACKNOWLEDGE | ST.DRIVER | ST.FEATURES_OK);
    expect(await dev.writeStatus(0x0f)).toBe(0x0f);
    expect(statusText(dev.status)).toBe('ACKNOWLEDGE|DRIVER|DRIVER_OK|FEATURES_OK');
  });

  it('refuses undefined bits, non-bytes and cleared bits, changing nothing; ignores the device-owned NEEDS_RESET bit', async () => {
    const { dev } = await setup();
    expect(await dev.writeStatus(0x0f)).toBe(0x0f);
    for (const v of [0x10, 0x20, 0x3f, 256, -1, 1.5]) await expect(dev.writeStatus(v), String(v)).rejects.toMatchObject({ status: 'INVALID_ARGUMENT', reason: 'BAD_VIRTIO_STATUS' });
    for (const v of [0x0b, 0x07, 0x01, 0x80]) await expect(dev.writeStatus(v), String(v)).rejects.toMatchObject({ status: 'FAILED_PRECONDITION', reason: 'VIRTIO_STATUS_CLEARED' });
    expect(await dev.writeStatus(0x0f | ST.DEVICE_NEEDS_RESET)).toBe(0x0f);
    expect(await dev.writeStatus(0x8f)).toBe(0x8f); // FAILED
    expect(dev.driverFeatures).toBe(V1 | ALL);
  });

  it('writing 0 is a device reset: domains gone, endpoints told as for a DETACH, features and status cleared, bypass kept', async () => {
    const { dev, hooks } = await setup({ cfg: { bootBypass: true } });
    await dev.writeBypass(0);
    await dev.attach({ domain: 1, endpoint: 8 });
    await dev.map({ domain: 1, virtStart: 0x1000n, virtEnd: 0x1fffn, physStart: 0n, flags: RW });
    await expect(dev.writeBypass(2)).rejects.toBeInstanceOf(VirtioDeviceBrokenError);
    expect(dev.status).toBe(ST.FEATURES_OK | ST.DEVICE_NEEDS_RESET);
    hooks.calls.length = 0;
    expect(await dev.writeStatus(0)).toBe(0);
    expect(hooks.calls).toEqual([ec(8, BLOCKED)]);
    expect(dev.snapshot()).toEqual({ domains: [], bypass: false });
    expect([dev.driverFeatures, dev.featuresOk, dev.needsReset, dev.bypass]).toEqual([0n, false, undefined, 0]);
    expect(await dev.setDriverFeatures(V1 | ALL)).toBe(true);
    expect(await status(dev.attach({ domain: 1, endpoint: 8 }))).toBe(S.OK);
    expect(dev.domainMappings(1)).toEqual([]);
  });
});
