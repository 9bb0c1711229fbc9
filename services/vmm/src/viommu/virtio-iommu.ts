/**
 * The virtio-iommu device model (OASIS virtio spec, "IOMMU device", device ID 23): domains,
 * endpoints, mappings, bypass, PROBE and translation faults. Pure domain code: the device talks
 * to the host only through `VirtioIommuHooks`, which its backends implement.
 *
 * Where QEMU departs from the spec the spec wins; `services/vmm/VIRTIO-IOMMU.md` lists every
 * departure and the check order of each request.
 *
 * Concurrency: every operation that can change state (requests, feature negotiation, bypass
 * writes, resets, endpoint hotplug) runs on one internal queue, one at a time, like the single
 * requestq of the real device. State is committed only after the hooks of an operation succeed,
 * so `translate()` and `snapshot()` (synchronous) always see a consistent, committed state.
 * A hook must not await another queued operation of the same device (it would deadlock).
 */
import { DomainError, KernelError } from '#libs/errno/index.js';
import { NonOverlappingMap, type IntervalNode } from '#libs/ranges/index.js';
import { decideStatusWrite, VIRTIO_STATUS } from './virtio-status.js';
import * as W from './wire.js';

export {
  decodeConfig,
  decodeFault,
  decodeProbeProperties,
  encodeAttach,
  encodeDetach,
  encodeMap,
  encodeProbe,
  encodeUnmap,
} from './wire.js';
export type { ProbeProperty } from './wire.js';
export { VIRTIO_STATUS, statusText } from './virtio-status.js';

/** Device-specific feature bit numbers. */
export const VIRTIO_IOMMU_F = {
  INPUT_RANGE: 0,
  DOMAIN_RANGE: 1,
  MAP_UNMAP: 2,
  BYPASS: 3,
  PROBE: 4,
  MMIO: 5,
  BYPASS_CONFIG: 6,
} as const;
/** Transport feature bit numbers. */
export const VIRTIO_F_VERSION_1 = 32n;
export const VIRTIO_F_ACCESS_PLATFORM = 33n;

/** `VIRTIO_IOMMU_S_*` request status codes. */
export const S = { OK: 0, IOERR: 1, UNSUPP: 2, DEVERR: 3, INVAL: 4, RANGE: 5, NOENT: 6, FAULT: 7, NOMEM: 8 } as const;
export const STATUS_NAMES: readonly string[] = [
  'VIRTIO_IOMMU_S_OK',
  'VIRTIO_IOMMU_S_IOERR',
  'VIRTIO_IOMMU_S_UNSUPP',
  'VIRTIO_IOMMU_S_DEVERR',
  'VIRTIO_IOMMU_S_INVAL',
  'VIRTIO_IOMMU_S_RANGE',
  'VIRTIO_IOMMU_S_NOENT',
  'VIRTIO_IOMMU_S_FAULT',
  'VIRTIO_IOMMU_S_NOMEM',
];

export const T = W.T;
export const ATTACH_F_BYPASS = W.ATTACH_F_BYPASS;
export const MAP_F = { READ: W.MAP_F_READ, WRITE: W.MAP_F_WRITE, MMIO: W.MAP_F_MMIO } as const;
export const RESV_MEM_T = { RESERVED: W.RESV_MEM_T_RESERVED, MSI: W.RESV_MEM_T_MSI } as const;
export const PROBE_T_RESV_MEM = W.PROBE_T_RESV_MEM;
export const FAULT_R = { UNKNOWN: W.FAULT_R_UNKNOWN, DOMAIN: W.FAULT_R_DOMAIN, MAPPING: W.FAULT_R_MAPPING } as const;
export const FAULT_F = { READ: W.FAULT_F_READ, WRITE: W.FAULT_F_WRITE, ADDRESS: W.FAULT_F_ADDRESS } as const;

/** `1n << bit` for a feature bit number. */
export function featureBit(bit: number | bigint): bigint {
  return 1n << BigInt(bit);
}

export interface VirtioIommuConfig {
  /** ≥ 1 bit; the lowest set bit is the granule. */
  pageSizeMask: bigint;
  /** Inclusive; meaningful (and enforced) only when F_INPUT_RANGE is offered. */
  inputRange: { start: bigint; end: bigint };
  /** Inclusive; meaningful (and enforced) only when F_DOMAIN_RANGE is offered. */
  domainRange: { start: number; end: number };
  /** Bytes of `properties[]` in a PROBE reply (meaningful only when F_PROBE is offered). */
  probeSize: number;
  /** Initial (and system-reset) value of `config.bypass`; ignored unless F_BYPASS_CONFIG is offered. */
  bootBypass: boolean;
  /** RESV_MEM regions reported by PROBE for every endpoint (non-overlapping, at most one MSI). */
  reservedRegions: Array<{ start: bigint; end: bigint; subtype: 0 | 1 }>;
  /** Offered feature bits; `VIRTIO_F_VERSION_1` is always added (modern-only device). */
  offeredFeatures: bigint;
}

/** One MAP: inclusive `[virtStart, virtEnd]` → `physStart`; flags READ=1 WRITE=2 MMIO=4. */
export interface Mapping {
  readonly virtStart: bigint;
  readonly virtEnd: bigint;
  readonly physStart: bigint;
  readonly flags: number;
}

/** What an endpoint's DMA sees right now (backends mirror it onto the host). */
export type EndpointView = { kind: 'bypass' } | { kind: 'blocked' } | { kind: 'domain'; domain: number };

/**
 * Effects the device asks its backends to apply; awaited before the operation completes. A
 * hook that throws must leave its backend as it was before the call; the request then fails
 * (nothing committed in the device) with the status carried by the error (see
 * `statusOfHookError`: `VirtioIommuStatusError.virtioStatus`, S_NOMEM for a KernelError ENOMEM,
 * else S_DEVERR).
 */
export interface VirtioIommuHooks {
  /**
   * The endpoint's view changes to `view`. For `{kind:'domain'}`, `domainMappings` is the whole
   * current mapping list of that domain (ascending `virtStart`), to install; otherwise it is
   * empty. Called only on transitions, and once for a hot-added endpoint (its initial view).
   */
  endpointChanged(endpoint: number, view: EndpointView, domainMappings: readonly Mapping[]): Promise<void>;
  /** A MAP on `domain` is about to be committed; `endpoints` = the domain's endpoints, ascending. */
  mapped(domain: number, m: Mapping, endpoints: readonly number[]): Promise<void>;
  /** An UNMAP removes `removed` (ascending, never empty) from `domain`. */
  unmapped(domain: number, removed: readonly Mapping[], endpoints: readonly number[]): Promise<void>;
  /**
   * Optional: may refuse an ATTACH that passed the device's own checks (spec: an endpoint the
   * device cannot put in that domain → S_UNSUPP). Returns a status to refuse, undefined to allow.
   * Not consulted for a re-ATTACH to the endpoint's current domain (a no-op).
   */
  vetoAttach?(endpoint: number, domain: number): number | undefined;
}

/** A hook error that fails the request with a specific `VIRTIO_IOMMU_S_*` status. */
export class VirtioIommuStatusError extends Error {
  constructor(
    readonly virtioStatus: number,
    message: string,
  ) {
    super(message);
    this.name = 'VirtioIommuStatusError';
  }
}

/**
 * The request status for an error thrown by a hook: a numeric `virtioStatus` (or numeric
 * `status`) in S_IOERR..S_NOMEM; S_NOMEM for a KernelError ENOMEM; otherwise S_DEVERR.
 */
export function statusOfHookError(e: unknown): number {
  if (e !== null && typeof e === 'object') {
    for (const key of ['virtioStatus', 'status'] as const) {
      const s = (e as Record<string, unknown>)[key];
      if (typeof s === 'number' && Number.isInteger(s) && s >= S.IOERR && s <= S.NOMEM) return s;
    }
  }
  if (e instanceof KernelError && e.errno === 'ENOMEM') return S.NOMEM;
  return S.DEVERR;
}

/**
 * The device is broken (virtio DEVICE_NEEDS_RESET): raised by a forbidden `bypass` write (QEMU's
 * `virtio_error`), when a backend failed to follow a configuration change or a reset; every
 * further request or config write raises it until a reset (`writeStatus(0)` or `reset()`).
 */
export class VirtioDeviceBrokenError extends DomainError {
  constructor(why: string) {
    super('FAILED_PRECONDITION', 'VIRTIO_DEVICE_NEEDS_RESET', `virtio-iommu needs reset: ${why}`);
    this.name = 'VirtioDeviceBrokenError';
  }
}

export interface RequestResult {
  /** Used length reported to the driver: 0 = buffers returned unwritten. */
  usedLen: number;
  /** The device-writable buffer after the request (length = writableLen). */
  writable: Uint8Array;
  /** `tail.status`, present iff the device wrote the tail. */
  status?: number;
}

export interface AttachRequest {
  domain: number;
  endpoint: number;
  flags?: number;
}
export interface DetachRequest {
  domain: number;
  endpoint: number;
}
export interface MapRequest {
  domain: number;
  virtStart: bigint;
  virtEnd: bigint;
  physStart: bigint;
  flags: number;
}
export interface UnmapRequest {
  domain: number;
  virtStart: bigint;
  virtEnd: bigint;
}
export interface ProbeRequest {
  endpoint: number;
}

/** A fault report (`struct virtio_iommu_fault` minus the reserved fields). */
export interface FaultReport {
  reason: 0 | 1 | 2;
  flags: number;
  endpoint: number;
  address: bigint;
}
export type TranslateResult = { gpa: bigint } | { fault: FaultReport };

export interface VirtioIommuSnapshot {
  domains: Array<{ id: number; bypass: boolean; endpoints: number[]; mappings: Mapping[] }>;
  bypass: boolean;
}

/**
 * What the device migrates (QEMU's vmstate `virtio-iommu`: the virtio common state it needs —
 * driver status, guest features, `broken` — then `virtio-iommu-device`: the domains with their
 * mappings, endpoint lists and bypass flag, and `config.bypass`). viommu/virtio-iommu-vmstate.ts
 * encodes it; the endpoints tree is rebuilt from the domain lists on load, as `iommu_post_load` does.
 */
export interface VirtioIommuMigrationState {
  driverFeatures: bigint;
  featuresOk: boolean;
  /** driver-set status bits other than FEATURES_OK */
  driverStatus: number;
  bypass: 0 | 1;
  /** why the device needs a reset (QEMU's VirtIODevice.broken), undefined when it works */
  broken?: string;
  domains: Array<{ id: number; bypass: boolean; endpoints: number[]; mappings: Mapping[] }>;
}

const U32_MAX = 0xffffffff;
const U64_MAX = (1n << 64n) - 1n;
/** Device-specific feature bits this model implements (bits 0..23 are device-specific). */
const KNOWN_DEVICE_FEATURES = (1n << 7n) - 1n;
const DEVICE_FEATURE_RANGE = (1n << 24n) - 1n;
/** Writable buffers larger than this are refused (a model limit, not a spec one). */
const MAX_WRITABLE = 1 << 24;

const BYPASS: EndpointView = Object.freeze({ kind: 'bypass' });
const BLOCKED: EndpointView = Object.freeze({ kind: 'blocked' });
const NO_MAPPINGS: readonly Mapping[] = Object.freeze([]);

interface Domain {
  readonly id: number;
  readonly bypass: boolean;
  readonly endpoints: Set<number>;
  readonly mappings: NonOverlappingMap<Mapping>;
}

interface Endpoint {
  readonly id: number;
  domain: Domain | null;
  /** The view the backends last accepted (normally equal to the device's view). */
  applied: EndpointView;
}

interface ViewChange {
  ep: Endpoint;
  from: EndpointView;
  to: EndpointView;
}

function bad(message: string): DomainError {
  return new DomainError('INVALID_ARGUMENT', 'BAD_VIOMMU', message);
}

function isU32(v: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= U32_MAX;
}

export function sameView(a: EndpointView, b: EndpointView): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== 'domain' || a.domain === (b as { domain: number }).domain;
}

function lowestBit(v: bigint): bigint {
  return v & -v;
}

export class VirtioIommu {
  /** Lowest set bit of page_size_mask. */
  readonly granule: bigint;
  private readonly cfg: VirtioIommuConfig;
  private readonly offered: bigint;
  private readonly regions: ReadonlyArray<{ start: bigint; end: bigint; subtype: 0 | 1 }>;
  private readonly hooks: VirtioIommuHooks;
  private negotiated = 0n;
  private featuresAccepted = false;
  /** Driver-set device status bits other than FEATURES_OK (which is `featuresAccepted`). */
  private driverStatus = 0;
  private bypassByte: 0 | 1;
  private brokenReason: string | undefined;
  private readonly endpoints = new Map<number, Endpoint>();
  private readonly domains = new Map<number, Domain>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(cfg: VirtioIommuConfig, endpoints: Iterable<number>, hooks: VirtioIommuHooks) {
    const offered = cfg.offeredFeatures | featureBit(VIRTIO_F_VERSION_1);
    if (cfg.offeredFeatures < 0n || cfg.offeredFeatures > U64_MAX) throw bad('offeredFeatures is not a u64');
    const unknownDevBits = offered & DEVICE_FEATURE_RANGE & ~KNOWN_DEVICE_FEATURES;
    if (unknownDevBits !== 0n) throw bad(`offeredFeatures has device feature bits this model does not implement: 0x${unknownDevBits.toString(16)}`);
    if (cfg.pageSizeMask <= 0n || cfg.pageSizeMask > U64_MAX) throw bad('page_size_mask must be a non-zero u64');
    const ir = cfg.inputRange;
    if (ir.start < 0n || ir.end > U64_MAX || ir.start > ir.end) throw bad('input_range must be u64 with start <= end');
    const dr = cfg.domainRange;
    if (!isU32(dr.start) || !isU32(dr.end) || dr.start > dr.end) throw bad('domain_range must be u32 with start <= end');
    if (!isU32(cfg.probeSize)) throw bad('probe_size must be a u32');
    const regions = cfg.reservedRegions.map((r) => ({ start: r.start, end: r.end, subtype: r.subtype }));
    regions.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    let msi = 0;
    for (const [i, r] of regions.entries()) {
      if (r.start < 0n || r.end > U64_MAX || r.start > r.end) throw bad(`reserved region [0x${r.start.toString(16)}, 0x${r.end.toString(16)}] is not a u64 range`);
      if (r.subtype !== 0 && r.subtype !== 1) throw bad(`reserved region subtype ${String(r.subtype)} is neither RESERVED (0) nor MSI (1)`);
      if (r.subtype === 1) msi++;
      if (i > 0 && r.start <= regions[i - 1]!.end) throw bad('reserved regions overlap');
    }
    if (msi > 1) throw bad('at most one RESV_MEM_T_MSI region per endpoint');
    if ((offered & featureBit(VIRTIO_IOMMU_F.PROBE)) !== 0n && regions.length * W.RESV_MEM_PROP_SIZE > cfg.probeSize) {
      throw bad(`${regions.length} RESV_MEM properties need ${regions.length * W.RESV_MEM_PROP_SIZE} bytes, probe_size is ${cfg.probeSize}`);
    }
    this.cfg = { ...cfg, inputRange: { ...ir }, domainRange: { ...dr }, reservedRegions: regions };
    this.offered = offered;
    this.regions = regions;
    this.granule = lowestBit(cfg.pageSizeMask);
    this.hooks = hooks;
    this.bypassByte = this.initialBypass();
    for (const id of endpoints) {
      if (!isU32(id)) throw bad(`endpoint id ${id} is not a u32`);
      if (this.endpoints.has(id)) throw bad(`endpoint id ${id} listed twice`);
      this.endpoints.set(id, { id, domain: null, applied: BLOCKED });
    }
    const initial = this.unattachedView();
    for (const ep of this.endpoints.values()) ep.applied = initial;
  }

  // ---------------------------------------------------------------- features and config

  /** Offered features (`offeredFeatures | VIRTIO_F_VERSION_1`). */
  get deviceFeatures(): bigint {
    return this.offered;
  }
  /** Features accepted by the driver (0 until FEATURES_OK, and again after a reset). */
  get driverFeatures(): bigint {
    return this.negotiated;
  }
  /** FEATURES_OK is set. */
  get featuresOk(): boolean {
    return this.featuresAccepted;
  }
  /** Why the device needs a reset, or undefined when it works. */
  get needsReset(): string | undefined {
    return this.brokenReason;
  }
  /**
   * The device status register as the driver reads it: the driver's bits (FEATURES_OK only while
   * the device accepts the features) and DEVICE_NEEDS_RESET while the device needs a reset.
   */
  get status(): number {
    return this.driverStatus | (this.featuresAccepted ? VIRTIO_STATUS.FEATURES_OK : 0) | (this.brokenReason !== undefined ? VIRTIO_STATUS.DEVICE_NEEDS_RESET : 0);
  }
  /** Current `config.bypass` byte. */
  get bypass(): 0 | 1 {
    return this.bypassByte;
  }

  offers(bit: number): boolean {
    return (this.offered & featureBit(bit)) !== 0n;
  }
  negotiates(bit: number): boolean {
    return (this.negotiated & featureBit(bit)) !== 0n;
  }

  /**
   * The driver writes its features and sets FEATURES_OK; resolves to whether the device keeps
   * FEATURES_OK. Refused: bits the device did not offer, VERSION_1 or ACCESS_PLATFORM offered and
   * not accepted, FEATURES_OK already set (features cannot change before a reset), a broken
   * device, or a backend that fails to follow the resulting bypass change (legacy F_BYPASS).
   */
  setDriverFeatures(f: bigint): Promise<boolean> {
    return this.serial(() => this.acceptFeatures(f));
  }

  /**
   * The driver writes the device status register (see virtio-status.ts for the rules); resolves
   * to the register read back. 0 is a device reset (as `reset('device')`: if a backend fails to
   * follow, the reset still happens, the device needs another one and the error is thrown). A
   * newly set FEATURES_OK checks the driver features written so far — only setDriverFeatures
   * writes them, so without it the bit is refused (0 lacks VERSION_1). Invalid writes throw a
   * DomainError and change nothing.
   */
  writeStatus(v: number): Promise<number> {
    return this.serial(async () => {
      const w = decideStatusWrite(this.driverStatus | (this.featuresAccepted ? VIRTIO_STATUS.FEATURES_OK : 0), v);
      if (w.reset) {
        await this.doReset('device');
        return this.status;
      }
      if (w.featuresOkRequested) await this.acceptFeatures(this.negotiated);
      this.driverStatus = w.bits & ~VIRTIO_STATUS.FEATURES_OK;
      return this.status;
    });
  }

  /** FEATURES_OK for driver features `f` (queued caller); whether the device keeps it. */
  private async acceptFeatures(f: bigint): Promise<boolean> {
    if (this.brokenReason !== undefined || this.featuresAccepted) return false;
    if (f < 0n || f > U64_MAX || (f & ~this.offered) !== 0n) return false;
    for (const must of [VIRTIO_F_VERSION_1, VIRTIO_F_ACCESS_PLATFORM]) {
      const b = featureBit(must);
      if ((this.offered & b) !== 0n && (f & b) === 0n) return false;
    }
    const to = this.unattachedView(f, this.bypassByte);
    const err = await this.applyUnattached(to);
    if (err !== undefined) return false;
    this.negotiated = f;
    this.featuresAccepted = true;
    return true;
  }

  /** The exact 40-byte little-endian `struct virtio_iommu_config`. */
  configBytes(): Uint8Array {
    const full = { start: 0n, end: U64_MAX };
    return W.encodeConfig({
      pageSizeMask: this.cfg.pageSizeMask,
      inputRange: this.offers(VIRTIO_IOMMU_F.INPUT_RANGE) ? this.cfg.inputRange : full,
      domainRange: this.offers(VIRTIO_IOMMU_F.DOMAIN_RANGE) ? this.cfg.domainRange : { start: 0, end: U32_MAX },
      probeSize: this.offers(VIRTIO_IOMMU_F.PROBE) ? this.cfg.probeSize : 0,
      bypass: this.bypassByte,
    });
  }

  /**
   * The driver writes `config.bypass`. Allowed only with F_BYPASS_CONFIG negotiated and v ∈ {0,1};
   * anything else breaks the device (VirtioDeviceBrokenError, DEVICE_NEEDS_RESET), as does a
   * backend that cannot follow the change (its already-applied endpoints are reverted first).
   */
  writeBypass(v: number): Promise<void> {
    return this.serial(async () => {
      this.assertWorking();
      if (!this.negotiates(VIRTIO_IOMMU_F.BYPASS_CONFIG)) {
        throw this.breakDevice('cannot set config.bypass: VIRTIO_IOMMU_F_BYPASS_CONFIG not negotiated');
      }
      if (v !== 0 && v !== 1) throw this.breakDevice(`invalid config.bypass value ${v}`);
      if (v === this.bypassByte) return;
      const err = await this.applyUnattached(this.unattachedView(this.negotiated, v));
      if (err !== undefined) throw this.breakDevice(`a backend failed to apply config.bypass=${v}: ${errorText(err)}`);
      this.bypassByte = v;
    });
  }

  // ---------------------------------------------------------------- endpoints

  /** Endpoint ids, ascending. */
  endpointIds(): number[] {
    return [...this.endpoints.keys()].sort((a, b) => a - b);
  }
  hasEndpoint(id: number): boolean {
    return this.endpoints.has(id);
  }
  /** The current (committed) view of an endpoint; DomainError NOT_FOUND when unknown. */
  viewOf(id: number): EndpointView {
    const ep = this.endpoints.get(id);
    if (ep === undefined) throw new DomainError('NOT_FOUND', 'ENDPOINT_NOT_FOUND', `endpoint ${id} does not exist`);
    return this.viewOfEp(ep);
  }
  /** Mappings of a domain (ascending virtStart); empty when the domain does not exist. */
  domainMappings(domain: number): Mapping[] {
    const d = this.domains.get(domain);
    return d === undefined ? [] : [...d.mappings.values()];
  }
  /** Whether a domain currently exists. */
  hasDomain(domain: number): boolean {
    return this.domains.has(domain);
  }

  /**
   * Hot-add an endpoint (synchronous, no hook call): it starts unattached, in the view
   * `viewOf(id)` returns right away, from which the caller initialises its backend — as for the
   * endpoints given to the constructor. A bypass change still in flight catches it up with an
   * `endpointChanged` call before committing.
   */
  addEndpoint(id: number): void {
    if (!isU32(id)) throw bad(`endpoint id ${id} is not a u32`);
    if (this.endpoints.has(id)) throw new DomainError('ALREADY_EXISTS', 'ENDPOINT_EXISTS', `endpoint ${id} already exists`);
    this.endpoints.set(id, { id, domain: null, applied: this.unattachedView() });
  }

  /**
   * Hot-remove an endpoint: it is detached first (its domain ceases to exist if it was the last
   * endpoint) and blocked. A hook failure aborts the removal and propagates.
   */
  removeEndpoint(id: number): Promise<void> {
    return this.serial(async () => {
      const ep = this.endpoints.get(id);
      if (ep === undefined) throw new DomainError('NOT_FOUND', 'ENDPOINT_NOT_FOUND', `endpoint ${id} does not exist`);
      if (!sameView(ep.applied, BLOCKED)) {
        await this.hooks.endpointChanged(id, BLOCKED, NO_MAPPINGS);
        ep.applied = BLOCKED;
      }
      this.leaveDomain(ep);
      this.endpoints.delete(id);
    });
  }

  // ---------------------------------------------------------------- requests

  /**
   * Process one requestq element: `raw` = device-readable bytes (head + request fields),
   * `writableLen` = size of the device-writable part, whose last 4 bytes are the tail (for PROBE
   * the bytes before it are `properties[]`). `writableIn` is its initial content (default zeros),
   * so tests can see what the device leaves untouched.
   */
  request(raw: Uint8Array, writableLen: number, writableIn?: Uint8Array): Promise<RequestResult> {
    if (!Number.isInteger(writableLen) || writableLen < 0 || writableLen > MAX_WRITABLE) {
      return Promise.reject(new DomainError('INVALID_ARGUMENT', 'BAD_REQUEST', `writable length ${writableLen} outside [0, ${MAX_WRITABLE}]`));
    }
    if (writableIn !== undefined && writableIn.length !== writableLen) {
      return Promise.reject(new DomainError('INVALID_ARGUMENT', 'BAD_REQUEST', `writable buffer is ${writableIn.length} bytes, writable length says ${writableLen}`));
    }
    const readable = raw.slice();
    const out = writableIn !== undefined ? writableIn.slice() : new Uint8Array(writableLen);
    return this.serial(() => this.process(readable, out));
  }

  attach(a: AttachRequest): Promise<RequestResult> {
    return this.request(W.encodeAttach(a), W.TAIL_SIZE);
  }
  detach(d: DetachRequest): Promise<RequestResult> {
    return this.request(W.encodeDetach(d), W.TAIL_SIZE);
  }
  map(m: MapRequest): Promise<RequestResult> {
    return this.request(W.encodeMap(m), W.TAIL_SIZE);
  }
  unmap(u: UnmapRequest): Promise<RequestResult> {
    return this.request(W.encodeUnmap(u), W.TAIL_SIZE);
  }
  /** PROBE with a `probe_size` properties buffer; `properties` are decoded on S_OK. */
  async probe(p: ProbeRequest): Promise<RequestResult & { properties: W.ProbeProperty[] }> {
    const size = this.offers(VIRTIO_IOMMU_F.PROBE) ? this.cfg.probeSize : 0;
    const r = await this.request(W.encodeProbe(p), size + W.TAIL_SIZE);
    const properties = r.status === S.OK ? W.decodeProbeProperties(r.writable.subarray(0, size)) : [];
    return { ...r, properties };
  }

  private async process(raw: Uint8Array, out: Uint8Array): Promise<RequestResult> {
    this.assertWorking();
    const unused: RequestResult = { usedLen: 0, writable: out };
    // Unparseable: no head, or no room for a tail → buffers returned unwritten.
    if (raw.length < W.HEAD_SIZE || out.length < W.TAIL_SIZE) return unused;
    const type = raw[0]!;
    const need = W.READABLE_SIZE[type];
    // Unrecognised type (6/7 of the unmerged drafts included) → not written, used length 0.
    if (need === undefined) return unused;
    // PROBE on a device that does not offer F_PROBE: same.
    if (type === W.T.PROBE && !this.offers(VIRTIO_IOMMU_F.PROBE)) return unused;
    const tailAt = out.length - W.TAIL_SIZE;
    let status: number;
    const req = raw.length >= need ? W.decodeRequest(raw) : undefined;
    if (req === undefined) status = S.INVAL; // known type, payload too short; the tail is findable
    else {
      switch (req.type) {
        case W.T.ATTACH:
          status = await this.doAttach(req);
          break;
        case W.T.DETACH:
          status = await this.doDetach(req);
          break;
        case W.T.MAP:
          status = await this.doMap(req);
          break;
        case W.T.UNMAP:
          status = await this.doUnmap(req);
          break;
        case W.T.PROBE:
          status = this.doProbe(req.endpoint, out, tailAt);
          break;
      }
    }
    out[tailAt] = status;
    out[tailAt + 1] = 0;
    out[tailAt + 2] = 0;
    out[tailAt + 3] = 0;
    return { usedLen: out.length, writable: out, status };
  }

  private async doAttach(r: { domain: number; endpoint: number; flags: number; reserved: number }): Promise<number> {
    if (r.reserved !== 0) return S.INVAL;
    const known = this.negotiates(VIRTIO_IOMMU_F.BYPASS_CONFIG) ? W.ATTACH_F_BYPASS : 0;
    if ((r.flags & ~known) !== 0) return S.INVAL;
    const ep = this.endpoints.get(r.endpoint);
    if (ep === undefined) return S.NOENT;
    if (this.offers(VIRTIO_IOMMU_F.DOMAIN_RANGE) && (r.domain < this.cfg.domainRange.start || r.domain > this.cfg.domainRange.end)) {
      return S.RANGE;
    }
    const wantBypass = (r.flags & W.ATTACH_F_BYPASS) !== 0;
    const existing = this.domains.get(r.domain);
    if (existing !== undefined && existing.bypass !== wantBypass) return S.INVAL; // checked before any detach
    if (existing !== undefined && ep.domain === existing) return S.OK; // already attached there: nothing to do
    const veto = this.hooks.vetoAttach?.(ep.id, r.domain);
    if (veto !== undefined) return veto;
    const target: Domain = existing ?? { id: r.domain, bypass: wantBypass, endpoints: new Set(), mappings: new NonOverlappingMap<Mapping>() };
    const to = domainView(target);
    if (!sameView(ep.applied, to)) {
      try {
        await this.hooks.endpointChanged(ep.id, to, target.bypass ? NO_MAPPINGS : [...target.mappings.values()]);
      } catch (e) {
        return statusOfHookError(e);
      }
      ep.applied = to;
    }
    this.leaveDomain(ep); // implicit DETACH from the previous domain (which may cease to exist)
    if (existing === undefined) this.domains.set(target.id, target);
    target.endpoints.add(ep.id);
    ep.domain = target;
    return S.OK;
  }

  private async doDetach(r: { domain: number; endpoint: number }): Promise<number> {
    const ep = this.endpoints.get(r.endpoint);
    if (ep === undefined) return S.NOENT;
    const d = this.domains.get(r.domain);
    if (d === undefined || ep.domain !== d) return S.INVAL;
    const to = this.unattachedView();
    if (!sameView(ep.applied, to)) {
      try {
        await this.hooks.endpointChanged(ep.id, to, NO_MAPPINGS);
      } catch (e) {
        return statusOfHookError(e);
      }
      ep.applied = to;
    }
    this.leaveDomain(ep);
    return S.OK;
  }

  private async doMap(r: { domain: number; virtStart: bigint; virtEnd: bigint; physStart: bigint; flags: number }): Promise<number> {
    if (!this.negotiates(VIRTIO_IOMMU_F.MAP_UNMAP)) return S.UNSUPP;
    let known = W.MAP_F_READ | W.MAP_F_WRITE;
    if (this.negotiates(VIRTIO_IOMMU_F.MMIO)) known |= W.MAP_F_MMIO;
    if ((r.flags & ~known) !== 0) return S.INVAL; // MUST: unknown flag (MMIO without F_MMIO included)
    const g = this.granule;
    if (r.virtStart % g !== 0n || r.physStart % g !== 0n || (r.virtEnd + 1n) % g !== 0n) return S.RANGE;
    if (r.virtEnd <= r.virtStart) return S.INVAL;
    const d = this.domains.get(r.domain);
    if (d !== undefined && d.mappings.firstIntersecting(r.virtStart, r.virtEnd) !== undefined) return S.INVAL;
    if (d === undefined) return S.NOENT;
    if (d.bypass) return S.INVAL;
    if (this.regionOverlapping(r.virtStart, r.virtEnd) !== undefined) return S.INVAL;
    if (this.offers(VIRTIO_IOMMU_F.INPUT_RANGE) && (r.virtStart < this.cfg.inputRange.start || r.virtEnd > this.cfg.inputRange.end)) {
      return S.RANGE;
    }
    if (r.physStart + (r.virtEnd - r.virtStart) > U64_MAX) return S.RANGE;
    const m: Mapping = Object.freeze({ virtStart: r.virtStart, virtEnd: r.virtEnd, physStart: r.physStart, flags: r.flags });
    try {
      await this.hooks.mapped(d.id, m, sortedIds(d.endpoints));
    } catch (e) {
      return statusOfHookError(e);
    }
    d.mappings.insert(m.virtStart, m.virtEnd, m);
    return S.OK;
  }

  private async doUnmap(r: { domain: number; virtStart: bigint; virtEnd: bigint }): Promise<number> {
    if (!this.negotiates(VIRTIO_IOMMU_F.MAP_UNMAP)) return S.UNSUPP;
    const d = this.domains.get(r.domain);
    if (d === undefined) return S.NOENT;
    if (d.bypass) return S.INVAL;
    if (r.virtEnd < r.virtStart) return S.INVAL;
    const hit: IntervalNode<Mapping>[] = [...d.mappings.intersecting(r.virtStart, r.virtEnd)];
    // A mapping only partly covered would be split: refuse, remove nothing.
    for (const n of hit) if (n.start < r.virtStart || n.last > r.virtEnd) return S.RANGE;
    if (hit.length === 0) return S.OK;
    const removed = hit.map((n) => n.value);
    try {
      await this.hooks.unmapped(d.id, removed, sortedIds(d.endpoints));
    } catch (e) {
      return statusOfHookError(e);
    }
    for (const n of hit) d.mappings.remove(n);
    return S.OK;
  }

  private doProbe(endpoint: number, out: Uint8Array, propsLen: number): number {
    if (!this.endpoints.has(endpoint)) return S.NOENT;
    if (propsLen < this.cfg.probeSize) return S.INVAL; // properties[] smaller than probe_size: write none
    out.fill(0, 0, propsLen);
    let off = 0;
    for (const r of this.regions) off = W.writeResvMem(out, off, r);
    return S.OK;
  }

  // ---------------------------------------------------------------- DMA translation

  /**
   * Translate one access of an emulated endpoint (a virtio device with ACCESS_PLATFORM).
   * Faults carry F_ADDRESS and the access direction (F_READ or F_WRITE).
   */
  translate(endpoint: number, iova: bigint, write: boolean): TranslateResult {
    if (iova < 0n || iova > U64_MAX) throw new DomainError('INVALID_ARGUMENT', 'BAD_ADDRESS', `iova ${iova} is not a u64`);
    const dir = write ? W.FAULT_F_WRITE : W.FAULT_F_READ;
    const fault = (reason: 0 | 1 | 2, flags: number): TranslateResult => ({
      fault: { reason, flags: flags | W.FAULT_F_ADDRESS, endpoint, address: iova },
    });
    const ep = this.endpoints.get(endpoint);
    if (ep === undefined) return fault(W.FAULT_R_UNKNOWN, dir);
    const d = ep.domain;
    if (d === null) return this.unattachedBypass() ? { gpa: iova } : fault(W.FAULT_R_DOMAIN, dir);
    if (d.bypass) return { gpa: iova };
    const region = this.regionOverlapping(iova, iova);
    if (region !== undefined) return region.subtype === W.RESV_MEM_T_MSI ? { gpa: iova } : fault(W.FAULT_R_MAPPING, dir);
    const n = d.mappings.find(iova);
    if (n === undefined) return fault(W.FAULT_R_MAPPING, dir);
    const need = write ? W.MAP_F_WRITE : W.MAP_F_READ;
    if ((n.value.flags & need) === 0) return fault(W.FAULT_R_MAPPING, dir);
    return { gpa: iova - n.start + n.value.physStart };
  }

  /** The exact 24-byte `struct virtio_iommu_fault` (reserved fields zero). */
  faultRecord(f: FaultReport): Uint8Array {
    return W.encodeFault(f);
  }

  // ---------------------------------------------------------------- reset and inspection

  /**
   * Device reset (virtio status ← 0): every domain and mapping goes, endpoints are unattached
   * (each backend told through `endpointChanged`, as for a DETACH), negotiated features, FEATURES_OK
   * and the driver's status bits are cleared, a broken device works again; `config.bypass` is kept.
   * System reset additionally restores `config.bypass` to its boot value. The reset always
   * happens; if a backend refused an endpoint's new view, that endpoint is retried on its next
   * change or reset, the device needs a reset again (DEVICE_NEEDS_RESET: the guest cannot know
   * otherwise that a backend still mirrors an old view) and a DomainError INTERNAL /
   * VIOMMU_BACKEND_FAILED is thrown.
   */
  reset(kind: 'device' | 'system'): Promise<void> {
    return this.serial(() => this.doReset(kind));
  }

  private async doReset(kind: 'device' | 'system'): Promise<void> {
    for (const ep of this.endpoints.values()) ep.domain = null;
    this.domains.clear();
    this.negotiated = 0n;
    this.featuresAccepted = false;
    this.driverStatus = 0;
    this.brokenReason = undefined;
    if (kind === 'system') this.bypassByte = this.initialBypass();
    const to = this.unattachedView();
    const failed: string[] = [];
    for (const id of this.endpointIds()) {
      const ep = this.endpoints.get(id)!;
      if (sameView(ep.applied, to)) continue;
      try {
        await this.hooks.endpointChanged(id, to, NO_MAPPINGS);
        ep.applied = to;
      } catch (e) {
        failed.push(`endpoint ${id}: ${errorText(e)}`);
      }
    }
    if (failed.length > 0) {
      const why = `${kind} reset: backends did not follow: ${failed.join('; ')}`;
      this.brokenReason = why;
      throw new DomainError('INTERNAL', 'VIOMMU_BACKEND_FAILED', why);
    }
  }

  /** Domains (ascending id) with their endpoints and mappings, and `config.bypass`. */
  snapshot(): VirtioIommuSnapshot {
    const domains = [...this.domains.values()]
      .sort((a, b) => a.id - b.id)
      .map((d) => ({ id: d.id, bypass: d.bypass, endpoints: sortedIds(d.endpoints), mappings: [...d.mappings.values()].map((m) => ({ ...m })) }));
    return { domains, bypass: this.bypassByte === 1 };
  }

  // ---------------------------------------------------------------- migration

  /** The configuration the device was built with (not migrated: the destination must equal it). */
  get config(): Readonly<VirtioIommuConfig> {
    return this.cfg;
  }

  /**
   * Resolves once every operation queued so far has finished (a stopped VM's last requests), so
   * `migrationState()` right after sees all of them committed.
   */
  idle(): Promise<void> {
    return this.serial(async () => undefined);
  }

  /** The committed state QEMU's vmstate carries (see VirtioIommuMigrationState). */
  migrationState(): VirtioIommuMigrationState {
    return {
      driverFeatures: this.negotiated,
      featuresOk: this.featuresAccepted,
      driverStatus: this.driverStatus,
      bypass: this.bypassByte,
      ...(this.brokenReason !== undefined ? { broken: this.brokenReason } : {}),
      domains: this.snapshot().domains,
    };
  }

  /**
   * Load a migrated state (already validated against this device's configuration by
   * virtio-iommu-vmstate.ts) into a device still as built: no domain, no features, no driver
   * status, boot bypass. `iommu_post_load`: the endpoints follow the domain lists and every
   * endpoint's backend is switched to its view (a domain's mappings installed), ascending ids.
   * A hook failure switches the endpoints already moved back and leaves the device as built
   * (DomainError INTERNAL VIOMMU_BACKEND_FAILED); the device is never half loaded.
   */
  loadMigrationState(s: VirtioIommuMigrationState): Promise<void> {
    return this.serial(async () => {
      const fresh = this.domains.size === 0 && !this.featuresAccepted && this.negotiated === 0n && this.driverStatus === 0 && this.brokenReason === undefined && this.bypassByte === this.initialBypass();
      if (!fresh) throw new DomainError('FAILED_PRECONDITION', 'VIOMMU_NOT_FRESH', 'virtio-iommu: a migrated state loads only into a device nobody has driven yet (a fresh destination model)');
      const domains = new Map<number, Domain>();
      const domainOf = new Map<number, Domain>();
      for (const d of s.domains) {
        const dom: Domain = { id: d.id, bypass: d.bypass, endpoints: new Set(d.endpoints), mappings: new NonOverlappingMap<Mapping>() };
        for (const m of d.mappings) dom.mappings.insert(m.virtStart, m.virtEnd, Object.freeze({ virtStart: m.virtStart, virtEnd: m.virtEnd, physStart: m.physStart, flags: m.flags }));
        domains.set(d.id, dom);
        for (const ep of d.endpoints) {
          if (!this.endpoints.has(ep) || domainOf.has(ep)) throw bad(`migrated domain ${d.id} lists endpoint ${ep}, which does not exist or is in another domain`);
          domainOf.set(ep, dom);
        }
      }
      const unattached = this.unattachedView(s.driverFeatures, s.bypass);
      const done: ViewChange[] = [];
      for (const id of this.endpointIds()) {
        const ep = this.endpoints.get(id)!;
        const d = domainOf.get(id);
        const to = d === undefined ? unattached : domainView(d);
        if (sameView(ep.applied, to)) continue;
        try {
          await this.hooks.endpointChanged(id, to, to.kind === 'domain' ? [...d!.mappings.values()] : NO_MAPPINGS);
          done.push({ ep, from: ep.applied, to });
          ep.applied = to;
        } catch (e) {
          const failedRevert: string[] = [];
          for (const u of done.reverse()) {
            try {
              await this.hooks.endpointChanged(u.ep.id, u.from, NO_MAPPINGS);
              u.ep.applied = u.from;
            } catch (e2) {
              failedRevert.push(`endpoint ${u.ep.id}: ${errorText(e2)}`);
            }
          }
          if (failedRevert.length > 0) this.brokenReason = `loading a migrated state: reverting endpoint views failed: ${failedRevert.join('; ')}`;
          throw new DomainError('INTERNAL', 'VIOMMU_BACKEND_FAILED', `virtio-iommu: loading the migrated state: endpoint ${id} backend refused its view: ${errorText(e)}`);
        }
      }
      for (const [id, d] of domainOf) this.endpoints.get(id)!.domain = d;
      for (const [id, d] of domains) this.domains.set(id, d);
      this.negotiated = s.driverFeatures;
      this.featuresAccepted = s.featuresOk;
      this.driverStatus = s.driverStatus;
      this.bypassByte = s.bypass;
      this.brokenReason = s.broken;
    });
  }

  // ---------------------------------------------------------------- internals

  private serial<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private assertWorking(): void {
    if (this.brokenReason !== undefined) throw new VirtioDeviceBrokenError(this.brokenReason);
  }

  private breakDevice(why: string): VirtioDeviceBrokenError {
    this.brokenReason = why;
    return new VirtioDeviceBrokenError(why);
  }

  private initialBypass(): 0 | 1 {
    return this.cfg.bootBypass && this.offers(VIRTIO_IOMMU_F.BYPASS_CONFIG) ? 1 : 0;
  }

  /** Spec "bypass mode" for an endpoint not attached to a domain. */
  private unattachedBypass(negotiated = this.negotiated, bypassByte = this.bypassByte): boolean {
    if (this.offers(VIRTIO_IOMMU_F.BYPASS_CONFIG) && bypassByte === 1) return true; // offered suffices
    return (negotiated & featureBit(VIRTIO_IOMMU_F.BYPASS)) !== 0n;
  }

  private unattachedView(negotiated = this.negotiated, bypassByte = this.bypassByte): EndpointView {
    return this.unattachedBypass(negotiated, bypassByte) ? BYPASS : BLOCKED;
  }

  private viewOfEp(ep: Endpoint): EndpointView {
    return ep.domain === null ? this.unattachedView() : domainView(ep.domain);
  }

  /**
   * Move every unattached endpoint to `to`, in ascending id order, until none is left behind
   * (endpoints hot-added meanwhile included), so the caller can commit synchronously right after.
   * On a hook failure the endpoints already moved are moved back (a failing revert breaks the
   * device) and the error is returned; this helper commits nothing but `applied`.
   */
  private async applyUnattached(to: EndpointView): Promise<unknown> {
    const done: ViewChange[] = [];
    for (;;) {
      const changes: ViewChange[] = [];
      for (const id of this.endpointIds()) {
        const ep = this.endpoints.get(id)!;
        if (ep.domain === null && !sameView(ep.applied, to)) changes.push({ ep, from: ep.applied, to });
      }
      if (changes.length === 0) return undefined;
      for (const c of changes) {
        try {
          await this.hooks.endpointChanged(c.ep.id, c.to, NO_MAPPINGS);
          c.ep.applied = c.to;
          done.push(c);
        } catch (e) {
          for (const u of done.reverse()) {
            if (!this.endpoints.has(u.ep.id)) continue;
            try {
              await this.hooks.endpointChanged(u.ep.id, u.from, NO_MAPPINGS);
              u.ep.applied = u.from;
            } catch (e2) {
              this.brokenReason ??= `endpoint ${u.ep.id}: reverting its view failed: ${errorText(e2)}`;
            }
          }
          return e;
        }
      }
    }
  }

  /** Take `ep` out of its domain; the domain ceases to exist (with its mappings) when emptied. */
  private leaveDomain(ep: Endpoint): void {
    const d = ep.domain;
    if (d === null) return;
    d.endpoints.delete(ep.id);
    if (d.endpoints.size === 0) this.domains.delete(d.id);
    ep.domain = null;
  }

  private regionOverlapping(start: bigint, end: bigint): { start: bigint; end: bigint; subtype: 0 | 1 } | undefined {
    for (const r of this.regions) {
      if (r.start > end) return undefined;
      if (r.end >= start) return r;
    }
    return undefined;
  }
}

function domainView(d: Domain): EndpointView {
  return d.bypass ? BYPASS : { kind: 'domain', domain: d.id };
}

function sortedIds(s: Iterable<number>): number[] {
  return [...s].sort((a, b) => a - b);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
