/**
 * The EMULATED backend of assigned devices behind a virtio-iommu (QEMU's vfio + virtio-iommu
 * MAP/UNMAP notifiers): each endpoint has its own host IOAS whose contents mirror what the
 * guest's vIOMMU lets that endpoint reach —
 *   bypass            → guest RAM identity-mapped (IOVA = GPA),
 *   attached domain   → one FIXED_IOVA IoasMap per guest MAP of the VM process's guest-RAM VA,
 *   blocked           → nothing mapped (the device's DMA faults on the host).
 * MMIO-flagged and permissionless guest mappings are not propagated (as in QEMU).
 *
 * The host attaches a whole IOMMU group to one domain, so the endpoints of one host group share
 * one IOAS. `vetoAttach` keeps them out of different guest domains (S_UNSUPP); while some are
 * attached to a domain and the others are not, the shared IOAS follows that domain.
 */
import type { Logger } from 'pino';
import type { HostLink } from '../hostlink/hostlink.js';
import { HostCallError } from '../hostlink/hostlink.js';
import { ramVaOf, type BackendVm as Vm, type DmaSpace, type VfioRuntime } from '../machine/runtime.js';
import { dmaSpaceOf, ioasSpace } from './legacy-container.js';
import { S, sameView, type EndpointView, type Mapping, type VirtioIommu, type VirtioIommuHooks } from '../viommu/virtio-iommu.js';

const MAP_F_READ = 1;
const MAP_F_WRITE = 2;
const MAP_F_MMIO = 4;

/** A host failure carried back to the device as a virtio status. */
export class BackendError extends Error {
  constructor(
    readonly status: number,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

function statusOf(e: unknown): number {
  if (e instanceof HostCallError && (e.reason === 'ENOMEM' || e.reason === 'ENOSPC')) return S.NOMEM;
  return S.DEVERR;
}

export class EmulatedBackend implements VirtioIommuHooks {
  private dev: VirtioIommu | undefined;
  /** guest mappings propagated to the host, per host IOAS (virt_start → length) */
  private readonly onHost = new Map<string, Map<bigint, bigint>>();
  /** the view each host IOAS mirrors */
  private readonly mirrored = new Map<string, EndpointView>();
  /** stats for Inspect/metrics */
  hostMaps = 0;
  hostUnmaps = 0;
  skipped = 0;

  constructor(
    readonly link: HostLink,
    readonly vm: Vm,
    readonly logger: Logger,
  ) {}

  bind(dev: VirtioIommu): void {
    this.dev = dev;
  }

  private propagates(m: Mapping): boolean {
    if (m.flags & MAP_F_MMIO || !(m.flags & (MAP_F_READ | MAP_F_WRITE))) return false;
    const len = m.virtEnd - m.virtStart + 1n;
    if (ramVaOf(this.vm, m.physStart, len) === undefined) {
      // QEMU: "iommu map to non memory area" — logged, not mapped on the host
      this.logger.warn({ vm: this.vm.name, phys: `0x${m.physStart.toString(16)}` }, 'guest MAP of non-RAM physical range: not propagated to the host');
      return false;
    }
    return true;
  }

  private async mapOne(rt: VfioRuntime, m: Mapping): Promise<void> {
    if (!this.propagates(m)) {
      this.skipped++;
      return;
    }
    const len = m.virtEnd - m.virtStart + 1n;
    await dmaSpaceOf(this.link, this.vm, rt).mapFixed(ramVaOf(this.vm, m.physStart, len)!, len, m.virtStart, (m.flags & MAP_F_READ) !== 0, (m.flags & MAP_F_WRITE) !== 0);
    this.hostMaps++;
    let e = this.onHost.get(ioasKey(rt));
    if (!e) this.onHost.set(ioasKey(rt), (e = new Map()));
    e.set(m.virtStart, len);
  }

  private async unmapOne(rt: VfioRuntime, virtStart: bigint): Promise<void> {
    const e = this.onHost.get(ioasKey(rt));
    const len = e?.get(virtStart);
    if (len === undefined) return;
    await dmaSpaceOf(this.link, this.vm, rt).unmap(virtStart, len);
    this.hostUnmaps++;
    e!.delete(virtStart);
  }

  /** Make an endpoint's IOAS match `view` (everything else unmapped first). */
  async applyView(rt: VfioRuntime, view: EndpointView, mappings?: readonly Mapping[]): Promise<void> {
    const key = ioasKey(rt);
    this.mirrored.delete(key);
    const space = dmaSpaceOf(this.link, this.vm, rt);
    await space.unmapAll();
    this.onHost.delete(key);
    if (view.kind === 'bypass') {
      await EmulatedBackend.identityMapSpace(space, this.vm);
    } else if (view.kind === 'domain') {
      const ms = mappings ?? this.dev!.domainMappings(view.domain);
      for (const m of ms) await this.mapOne(rt, m);
    }
    this.mirrored.set(key, view);
  }

  /** The devices whose DMA goes through rt's host IOAS (rt and its host-group siblings). */
  private sharers(rt: VfioRuntime): VfioRuntime[] {
    return [...this.vm.vfio.values()].filter((o) => o.backend === 'EMULATED' && o.iommufd === rt.iommufd && o.ioas === rt.ioas);
  }

  /**
   * What rt's IOAS must mirror when `endpoint` (one of its sharers) moves to `view`: the domain a
   * sharer is attached to (the veto keeps that to one), else the unattached view. A leaving
   * (unplugged) endpoint no longer counts, unless it is the last one.
   */
  private ioasView(rt: VfioRuntime, endpoint: number, view: EndpointView): EndpointView {
    const views: EndpointView[] = [];
    for (const o of this.sharers(rt)) {
      if (o.leaving) continue;
      if (o.cfg.endpointId === endpoint) views.push(view);
      else if (this.dev?.hasEndpoint(o.cfg.endpointId)) views.push(this.dev.viewOf(o.cfg.endpointId));
    }
    return views.find((v) => v.kind === 'domain') ?? views.find((v) => v.kind === 'bypass') ?? views[0] ?? view;
  }

  /** Bring a freshly plugged device's IOAS in line with the committed views of its sharers. */
  async sync(rt: VfioRuntime): Promise<void> {
    const ep = rt.cfg.endpointId;
    const view = this.ioasView(rt, ep, this.dev!.viewOf(ep));
    const cur = this.mirrored.get(ioasKey(rt));
    if (cur === undefined || !sameView(cur, view)) await this.applyView(rt, view);
  }

  /** The IOAS of rt was destroyed. */
  forget(rt: VfioRuntime): void {
    this.mirrored.delete(ioasKey(rt));
    this.onHost.delete(ioasKey(rt));
  }

  /**
   * Guest RAM identity-mapped into an IOAS (IOVA = GPA → the VM-process VA of that GPA): exactly
   * the machine's RAM ranges (never the PCI hole or MMIO between them), skipping the IOVAs the
   * host reserves there.
   */
  static async identityMap(link: HostLink, vm: Vm, iommufd: number, ioas: number): Promise<void> {
    await EmulatedBackend.identityMapSpace(ioasSpace(link, vm.hostPid, iommufd, ioas), vm);
  }

  /** identityMap into any DMA space (an IOAS, a type1 container). */
  static async identityMapSpace(space: DmaSpace, vm: Vm): Promise<void> {
    const usable = await space.iovaRanges();
    for (const g of vm.ramRanges) {
      const gLast = g.gpa + g.size - 1n;
      for (const r of usable) {
        let s = r.start > g.gpa ? r.start : g.gpa;
        let l = r.last < gLast ? r.last : gLast;
        if (s > l) continue;
        // keep 4 KiB alignment at the edges of the usable ranges
        s = (s + 4095n) & ~4095n;
        l = ((l + 1n) & ~4095n) - 1n;
        if (s > l) continue;
        await space.mapFixed(vm.ramVa + g.offset + (s - g.gpa), l - s + 1n, s, true, true);
      }
    }
  }

  // ------------------------------------------------------------------ hooks

  async endpointChanged(endpoint: number, view: EndpointView, domainMappings: readonly Mapping[]): Promise<void> {
    const rt = this.vm.vfioByEndpoint(endpoint);
    if (!rt) return;
    const to = this.ioasView(rt, endpoint, view);
    const cur = this.mirrored.get(ioasKey(rt));
    if (cur !== undefined && sameView(cur, to)) return;
    try {
      await this.applyView(rt, to, sameView(to, view) ? domainMappings : undefined);
    } catch (e) {
      throw new BackendError(statusOf(e), `endpoint ${endpoint}: host update failed: ${(e as Error).message}`, e);
    }
  }

  async mapped(_domain: number, m: Mapping, endpoints: readonly number[]): Promise<void> {
    const done: VfioRuntime[] = [];
    const seen = new Set<string>();
    try {
      for (const ep of endpoints) {
        const rt = this.vm.vfioByEndpoint(ep);
        if (!rt || seen.has(ioasKey(rt))) continue;
        seen.add(ioasKey(rt));
        await this.mapOne(rt, m);
        done.push(rt);
      }
    } catch (e) {
      for (const rt of done) await this.unmapOne(rt, m.virtStart).catch(() => undefined);
      throw new BackendError(statusOf(e), `MAP [0x${m.virtStart.toString(16)}, 0x${m.virtEnd.toString(16)}] failed on the host: ${(e as Error).message}`, e);
    }
  }

  async unmapped(_domain: number, removed: readonly Mapping[], endpoints: readonly number[]): Promise<void> {
    for (const ep of endpoints) {
      const rt = this.vm.vfioByEndpoint(ep);
      if (!rt) continue;
      for (const m of removed) await this.unmapOne(rt, m.virtStart);
    }
  }

  /**
   * Devices of one host IOMMU group must stay in one guest domain (the host attaches a group,
   * not a device): attaching a sibling elsewhere is refused with S_UNSUPP.
   */
  vetoAttach(endpoint: number, domain: number): number | undefined {
    const rt = this.vm.vfioByEndpoint(endpoint);
    if (!rt || !this.dev) return undefined;
    const siblings = [...this.vm.vfio.values()].filter((o) => o !== rt && o.host.group === rt.host.group).map((o) => o.cfg.endpointId);
    if (siblings.length === 0) return undefined;
    // bypass domains count too: they are guest domains (viewOf shows them as plain bypass)
    for (const d of this.dev.snapshot().domains) {
      if (d.id !== domain && d.endpoints.some((e) => siblings.includes(e))) return S.UNSUPP;
    }
    return undefined;
  }
}

function ioasKey(rt: VfioRuntime): string {
  return `${rt.iommufd}:${rt.ioas}`;
}
