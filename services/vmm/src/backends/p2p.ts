/**
 * Peer-to-peer DMA between a VM's assigned devices: a device's BARs at guest-physical addresses
 * (the guest BAR layout), mapped into the DMA address space of system memory the way QEMU's VFIO
 * memory listener maps RAM-device regions (hw/vfio/listener.c: a BAR's mmap is a ram_device
 * section, mapped at its GPA). What can map a BAR differs by host:
 *   - a native type1 container maps the BAR's mmap'd VA (VFIO_IOMMU_MAP_DMA of a PFNMAP VMA);
 *   - iommufd (and its compatibility container) refuses a BAR VA (EFAULT: "PCI BAR?" in QEMU);
 *     where the host has dma-buf P2P, the BAR is exported (VFIO_DEVICE_FEATURE_DMA_BUF) and
 *     mapped by IOMMU_IOAS_MAP_FILE.
 * QEMU maps every BAR best effort (a failure is a warning: "PCI peer-to-peer transactions on BARs
 * are not supported"); the twin maps the BARs of devices whose spec says `p2p` and refuses a VM
 * whose P2P the host cannot give, with the reason (plug-time check).
 */
import type { Logger } from 'pino';
import type { HostDescription, HostLink } from '../hostlink/hostlink.js';
import type { Machine, VfioDeviceConfig, VmConfig } from '../machine/config.js';

/**
 * The 32-bit PCI MMIO window where the twin's firmware places guest BARs: q35 from above the
 * MMCONFIG area (0xb0000000 + 256 MiB) to the IOAPIC (0xfec00000); virt: VIRT_PCIE_MMIO.
 */
export const PCI_MMIO_WINDOW: Record<Machine, { start: bigint; end: bigint }> = {
  q35: { start: 0xc0000000n, end: 0xfec00000n },
  virt: { start: 0x10000000n, end: 0x3eff0000n },
};

/**
 * The 64-bit window, used when the 32-bit one is full: q35's pci-hole64 (32 GiB from the first
 * 1 GiB boundary above RAM and 4 GiB), virt's VIRT_HIGH_PCIE_MMIO (512 GiB at 512 GiB).
 */
export function pciMmioWindow64(machine: Machine, ramEnd: bigint): { start: bigint; end: bigint } {
  if (machine === 'virt') return { start: 0x80_0000_0000n, end: 0x100_0000_0000n };
  const GiB = 1n << 30n;
  const base = ramEnd > 4n * GiB ? ramEnd : 4n * GiB;
  const start = (base + GiB - 1n) & ~(GiB - 1n);
  return { start, end: start + 32n * GiB };
}

export interface GuestBar {
  index: number;
  gpa: bigint;
  size: bigint;
}

/**
 * Guest addresses for `bars` (naturally aligned, BAR index order, first fit around the BARs in
 * `used` in the machine's 32-bit window, else in its 64-bit window above `ramEnd`), as firmware
 * sizes and places BARs. Throws when one fits in neither.
 */
export function allocateGuestBars(machine: Machine, used: readonly GuestBar[], bars: ReadonlyArray<{ index: number; size: bigint }>, ramEnd = 0n): GuestBar[] {
  const windows = [PCI_MMIO_WINDOW[machine], pciMmioWindow64(machine, ramEnd)];
  const taken = [...used];
  const out: GuestBar[] = [];
  for (const b of [...bars].sort((x, y) => x.index - y.index)) {
    const size = b.size < 4096n ? 4096n : b.size;
    let placed: bigint | undefined;
    for (const w of windows) {
      placed = firstFit(w, size, taken);
      if (placed !== undefined) break;
    }
    if (placed === undefined) throw new Error(`no room for a ${size}-byte BAR in the ${machine} PCI MMIO windows [0x${windows[0]!.start.toString(16)}, 0x${windows[0]!.end.toString(16)}) and [0x${windows[1]!.start.toString(16)}, 0x${windows[1]!.end.toString(16)})`);
    const g = { index: b.index, gpa: placed, size };
    taken.push(g);
    out.push(g);
  }
  return out;
}

/** The lowest naturally aligned `size` bytes of window `w` clear of `taken` (bounded by the BARs taken). */
function firstFit(w: { start: bigint; end: bigint }, size: bigint, taken: readonly GuestBar[]): bigint | undefined {
  let gpa = w.start;
  for (;;) {
    gpa = (gpa + size - 1n) & ~(size - 1n);
    if (gpa + size > w.end) return undefined;
    const clash = taken.find((t) => gpa < t.gpa + t.size && t.gpa < gpa + size);
    if (!clash) return gpa;
    gpa = clash.gpa + clash.size;
  }
}

/** How a space holding `accessor`'s DMA maps a peer's BAR on this host, or why it cannot. */
export function p2pPath(accessor: Pick<VfioDeviceConfig, 'legacyContainer'>, desc: Pick<HostDescription, 'kernel'>): { via: 'bar-va' | 'dma-buf' } | { refused: string } {
  const k = desc.kernel;
  if (accessor.legacyContainer) {
    if (k.nativeType1) return { via: 'bar-va' };
    if (k.vfioCompatContainer) return { refused: "/dev/vfio/vfio is iommufd's compatibility layer: it maps no BAR VA (VFIO_IOMMU_MAP_DMA of a PFNMAP VMA: EFAULT) and takes no dma-buf" };
    return { refused: 'the host serves no VFIO container' };
  }
  if (k.dmabufP2p) return { via: 'dma-buf' };
  return { refused: 'iommufd maps no BAR VA (IOMMU_IOAS_MAP of a PFNMAP VMA: EFAULT) and this host has no dma-buf P2P (VFIO_DEVICE_FEATURE_DMA_BUF + IOMMU_IOAS_MAP_FILE)' };
}

/**
 * P2P plug checks: for every device `p` with `p2p` and every other assigned device `d` (one of
 * them among `added`), the address space of `d` must be able to map `p`'s BARs. A violation
 * names the p2p device.
 */
export function p2pViolations(all: readonly VfioDeviceConfig[], added: readonly VfioDeviceConfig[], desc: Pick<HostDescription, 'kernel'>): Array<{ device: string; rule: string; detail: string }> {
  const out: Array<{ device: string; rule: string; detail: string }> = [];
  const isNew = new Set(added.map((d) => d.id));
  for (const p of all) {
    if (!p.p2p) continue;
    for (const d of all) {
      if (d.id === p.id || (!isNew.has(p.id) && !isNew.has(d.id))) continue;
      const path = p2pPath(d, desc);
      if ('refused' in path) out.push({ device: p.id, rule: 'p2p', detail: `'${d.id}' (${d.legacyContainer ? 'legacy container' : 'iommufd'}) cannot reach the BARs of '${p.id}': ${path.refused}; P2P needs native type1 (BAR VA) or iommufd with dma-buf` });
    }
  }
  return out;
}

/**
 * GetHostCapabilities' answer for a VM spec: could iommufd back all its assigned devices on this
 * host instead of the legacy container (with P2P where it asks for it), why not, and where the
 * vmm places each device as the spec stands.
 */
export function iommufdReplacement(cfg: VmConfig, desc: HostDescription): { possible: boolean; reasons: string[]; placement: Map<string, string> } {
  const reasons: string[] = [];
  const placement = new Map<string, string>();
  const vfio = cfg.devices.filter((d): d is VfioDeviceConfig => d.kind === 'vfio');
  const needsP2p = new Set<string>();
  for (const d of vfio) if (vfio.some((p) => p.p2p && p.id !== d.id)) needsP2p.add(d.id);
  const asIommufd = p2pPath({ legacyContainer: false }, desc);
  if (!desc.kernel.iommufd) reasons.push(`host ${desc.name} has no iommufd (/dev/iommu, VFIO device cdevs)`);
  for (const d of vfio) {
    const hd = desc.devices.find((x) => x.bdf === d.hostBdf);
    if (!hd) {
      reasons.push(`'${d.id}': no PCI device ${d.hostBdf} on host ${desc.name}`);
      placement.set(d.id, `refused: no PCI device ${d.hostBdf}`);
      continue;
    }
    if (desc.kernel.iommufd && !hd.cdev) reasons.push(`'${d.id}': ${d.hostBdf} has no VFIO cdev (/dev/vfio/devices/vfioN)`);
    if (needsP2p.has(d.id) && 'refused' in asIommufd) reasons.push(`'${d.id}' needs P2P to its peers' BARs: ${asIommufd.refused}`);
    const path = p2pPath(d, desc);
    const p2pRefused = needsP2p.has(d.id) && 'refused' in path ? path.refused : undefined;
    if (d.legacyContainer) {
      const c = desc.kernel.nativeType1 ? 'native-type1' : desc.kernel.vfioCompatContainer ? 'iommufd-compat' : undefined;
      placement.set(d.id, !c ? 'refused: the host serves no VFIO container' : p2pRefused ? `refused: ${p2pRefused}` : `legacy container (${c})`);
    } else {
      placement.set(d.id, !desc.kernel.iommufd ? 'refused: the host has no iommufd' : p2pRefused ? `refused: ${p2pRefused}` : needsP2p.has(d.id) ? 'iommufd + dma-buf P2P' : 'iommufd');
    }
  }
  return { possible: reasons.length === 0, reasons, placement };
}

/** One peer BAR mapped into one DMA space. */
export interface P2pMapping {
  peer: string;
  bar: number;
  gpa: bigint;
  size: bigint;
  via: 'bar-va' | 'dma-buf';
}

/** A DMA space of system memory: the legacy container, or an iommufd IOAS. */
export type P2pSpace = { key: string; kind: 'container'; fd: number } | { key: string; kind: 'ioas'; fd: number; ioas: number };

/** A p2p device as the mapper needs it. */
export interface P2pPeer {
  id: string;
  deviceFd: number;
  bars: readonly GuestBar[];
}

/**
 * The P2P mappings of one VM: each p2p peer's BARs mapped into each DMA space of system memory,
 * through a BAR mmap (type1) or a dma-buf (iommufd). `sync` maps what is missing; `dropPeer`
 * unmaps a leaving device's BARs everywhere (before its device fd closes); `forgetSpace` drops
 * the record of a space the host released with its fd.
 */
export class P2pMapper {
  /** space key → "peer:bar" → mapping */
  readonly maps = new Map<string, Map<string, P2pMapping>>();
  /** "peer:bar" → the BAR's mmap in the VM process */
  private readonly vas = new Map<string, { va: bigint; size: bigint }>();
  /** "peer:bar" → the BAR's dma-buf fd in the VM process */
  private readonly bufs = new Map<string, number>();

  constructor(
    readonly link: HostLink,
    readonly pid: number,
    readonly logger: Logger,
  ) {}

  async sync(spaces: readonly P2pSpace[], peers: readonly P2pPeer[]): Promise<void> {
    for (const s of spaces) {
      let m = this.maps.get(s.key);
      if (!m) this.maps.set(s.key, (m = new Map()));
      for (const p of peers) {
        for (const b of p.bars) {
          const k = `${p.id}:${b.index}`;
          if (m.has(k)) continue;
          if (s.kind === 'container') {
            let v = this.vas.get(k);
            if (!v) {
              const ri = await this.link.regionInfo(this.pid, p.deviceFd, b.index);
              v = { va: await this.link.mmapFd(this.pid, p.deviceFd, ri.size, ri.offset), size: ri.size };
              this.vas.set(k, v);
            }
            await this.link.containerMapDma(this.pid, s.fd, v.va, b.gpa, b.size, true, true);
            m.set(k, { peer: p.id, bar: b.index, gpa: b.gpa, size: b.size, via: 'bar-va' });
          } else {
            let fd = this.bufs.get(k);
            if (fd === undefined) {
              fd = await this.link.getDmabuf(this.pid, p.deviceFd, b.index, 0n, b.size);
              this.bufs.set(k, fd);
            }
            await this.link.ioasMapFile(this.pid, s.fd, s.ioas, fd, 0n, b.size, b.gpa);
            m.set(k, { peer: p.id, bar: b.index, gpa: b.gpa, size: b.size, via: 'dma-buf' });
          }
        }
      }
    }
  }

  /** Unmap every BAR of `peer` from every space, then its mmaps and dma-bufs go. */
  async dropPeer(peer: string, spaces: readonly P2pSpace[]): Promise<void> {
    for (const s of spaces) {
      const m = this.maps.get(s.key);
      if (!m) continue;
      for (const [k, x] of m) {
        if (x.peer !== peer) continue;
        if (s.kind === 'container') await this.link.containerUnmapDma(this.pid, s.fd, x.gpa, x.size);
        else await this.link.ioasUnmap(this.pid, s.fd, s.ioas, x.gpa, x.size);
        m.delete(k);
      }
    }
    for (const [k, v] of this.vas) {
      if (!k.startsWith(`${peer}:`)) continue;
      await this.link.munmap(this.pid, v.va, v.size);
      this.vas.delete(k);
    }
    for (const [k, fd] of this.bufs) {
      if (!k.startsWith(`${peer}:`)) continue;
      await this.link.closeFd(this.pid, fd);
      this.bufs.delete(k);
    }
  }

  forgetSpace(key: string): void {
    this.maps.delete(key);
  }

  /** The mappings in space `key`. */
  mappingsOf(key: string): P2pMapping[] {
    return [...(this.maps.get(key)?.values() ?? [])];
  }
}
