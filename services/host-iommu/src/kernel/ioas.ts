/**
 * io_pagetable: one IOAS's areas, reserved and allowed ranges, the paging domains that mirror
 * it and its IOVA alignment. Every mutation is atomic: on failure nothing changed.
 */
import { kerr } from '#libs/errno/index.js';
import { IntervalNode, IntervalTree, NonOverlappingMap } from '#libs/ranges/interval-tree.js';
import { U64_MAX } from '#libs/u64/index.js';
import type { Cgroup } from '../process/principal.js';
import type { Pages } from './pages.js';

export const IOMMU_READ = 1;
export const IOMMU_WRITE = 2;
export const IOMMU_CACHE = 4;
export const IOMMU_MMIO = 8;

/** An IOAS mapping as the domains and the inspection see it (struct iopt_area). */
export interface Area {
  readonly iova: bigint;
  readonly last: bigint;
  readonly pages: Pages;
  /** first page index in `pages` */
  readonly pageIndex: number;
  /** byte offset of iova inside page `pageIndex` */
  readonly pageOffset: number;
  readonly prot: number;
  /** set while the area's pages are pinned for this IOAS's domains */
  pinned: boolean;
  /** the memory cgroup the area's allocation is charged to (KMEM_PAGES.AREA), once inserted */
  memcg?: Cgroup | undefined;
}

const PINNED = 1 << 16;

/**
 * The area of an IOAS: one object that is both the `Area` and its node in the IOAS's area tree
 * (the kernel's iopt_area embeds its node the same way), so a mapping costs one heap object here.
 * `iova` is the node's start; prot, pinned and the page offset share one small integer.
 */
export class IoptArea extends IntervalNode<IoptArea> implements Area {
  /** bits 0-15: pageOffset (< 4096); bit 16: PINNED; bits 17-20: prot */
  private bits: number;
  memcg: Cgroup | undefined = undefined;

  constructor(
    iova: bigint,
    last: bigint,
    readonly pages: Pages,
    readonly pageIndex: number,
    pageOffset: number,
    prot: number,
  ) {
    super(iova, last);
    if (!Number.isInteger(pageOffset) || pageOffset < 0 || pageOffset >= 4096) throw new RangeError(`area page offset ${pageOffset} is not in [0, 4096)`);
    if (!Number.isInteger(prot) || prot < 0 || prot > 15) throw new RangeError(`area prot ${prot} is not an IOMMU_* mask`);
    this.bits = pageOffset | (prot << 17);
  }

  /** the area is its own tree value */
  get value(): IoptArea {
    return this;
  }
  get iova(): bigint {
    return this.start;
  }
  get pageOffset(): number {
    return this.bits & 0xffff;
  }
  get prot(): number {
    return (this.bits >>> 17) & 15;
  }
  get pinned(): boolean {
    return (this.bits & PINNED) !== 0;
  }
  set pinned(v: boolean) {
    this.bits = v ? this.bits | PINNED : this.bits & ~PINNED;
  }
}

export type ReservedOwner =
  | { kind: 'domain'; hwptId: number }
  | { kind: 'device'; devId: number; bdf: string }
  | { kind: 'test' };

/** A domain (HWPT_PAGING) as the io_pagetable sees it. */
export interface IoptDomain {
  readonly id: number;
  /** aperture: [apertureStart, apertureLast] */
  readonly apertureStart: bigint;
  readonly apertureLast: bigint;
  /** smallest IO page size */
  readonly minPageSize: bigint;
  mapArea(area: Area, maxPageShift: number): void;
  unmapArea(area: Area): void;
}

export function areaPages(a: Area): { first: number; last: number } {
  const len = a.last - a.iova + 1n;
  const n = Number((BigInt(a.pageOffset) + len + 4095n) >> 12n);
  return { first: a.pageIndex, last: a.pageIndex + n - 1 };
}

export class IoPagetable {
  readonly areas = new NonOverlappingMap<IoptArea>();
  readonly reserved = new IntervalTree<ReservedOwner>();
  readonly allowed = new NonOverlappingMap<null>();
  readonly domains: IoptDomain[] = [];
  disableLargePages = false;
  /** alignment forced by other users (e.g. in-kernel accesses); 1 when none */
  extraAlignment = 1n;

  get iovaAlignment(): bigint {
    return this.alignmentWith(this.domains);
  }

  private alignmentWith(domains: readonly IoptDomain[]): bigint {
    let a = this.disableLargePages ? 4096n : 1n;
    if (this.extraAlignment > a) a = this.extraAlignment;
    for (const d of domains) if (d.minPageSize > a) a = d.minPageSize;
    return a;
  }

  get maxPageShift(): number {
    return this.disableLargePages ? 12 : 30;
  }

  /** iopt_check_iova_alignment: every area must satisfy a new alignment. */
  checkAlignment(align: bigint): void {
    if (align <= 1n) return;
    for (const n of this.areas) {
      const a = n.value;
      if (a.iova % align !== 0n || (a.last + 1n) % align !== 0n || BigInt(a.pageOffset) % align !== 0n) {
        throw kerr('EADDRINUSE', `area [0x${a.iova.toString(16)}, 0x${a.last.toString(16)}] is not aligned to 0x${align.toString(16)}`);
      }
    }
  }

  /** iopt_reserve_iova: conflicts with areas or allowed ranges → EADDRINUSE. */
  checkReserve(start: bigint, last: bigint): void {
    if (this.areas.firstIntersecting(start, last)) {
      throw kerr('EADDRINUSE', `reserved range [0x${start.toString(16)}, 0x${last.toString(16)}] intersects a mapped area`);
    }
    if (this.allowed.firstIntersecting(start, last)) {
      throw kerr('EADDRINUSE', `reserved range [0x${start.toString(16)}, 0x${last.toString(16)}] intersects an allowed range`);
    }
  }

  reserve(start: bigint, last: bigint, owner: ReservedOwner): IntervalNode<ReservedOwner> {
    this.checkReserve(start, last);
    return this.reserved.insert(start, last, owner);
  }

  unreserveOwner(match: (o: ReservedOwner) => boolean): void {
    const drop: IntervalNode<ReservedOwner>[] = [];
    for (const n of this.reserved) if (match(n.value)) drop.push(n);
    for (const n of drop) this.reserved.remove(n);
  }

  /** True when [start,last] touches a reserved range. */
  intersectsReserved(start: bigint, last: bigint): boolean {
    return this.reserved.firstIntersecting(start, last) !== undefined;
  }

  /** The IOVA ranges a user may map: holes of the reserved tree in [0, U64_MAX]. */
  iovaRanges(): Array<{ start: bigint; last: bigint }> {
    const out: Array<{ start: bigint; last: bigint }> = [];
    let cur = 0n;
    let done = false;
    for (const n of this.reserved) {
      if (n.start > cur) out.push({ start: cur, last: n.start - 1n });
      if (n.last >= U64_MAX) {
        done = true;
        break;
      }
      if (n.last + 1n > cur) cur = n.last + 1n;
    }
    if (!done) out.push({ start: cur, last: U64_MAX });
    return out;
  }

  /**
   * iopt_table_add_domain: raise alignment (EADDRINUSE), reserve outside the aperture
   * (EADDRINUSE), then fill the domain with every area (pinning pages when this is the first
   * domain; EFAULT/ENOMEM undo everything).
   */
  addDomain(d: IoptDomain, pinArea: (a: Area) => void, unpinArea: (a: Area) => void): void {
    if (d.minPageSize > 4096n) throw kerr('EINVAL', 'domain page size larger than PAGE_SIZE');
    const newAlign = this.alignmentWith([...this.domains, d]);
    this.checkAlignment(newAlign);
    const owner: ReservedOwner = { kind: 'domain', hwptId: d.id };
    const resv: Array<[bigint, bigint]> = [];
    if (d.apertureStart > 0n) resv.push([0n, d.apertureStart - 1n]);
    if (d.apertureLast < U64_MAX) resv.push([d.apertureLast + 1n, U64_MAX]);
    for (const [s, l] of resv) this.checkReserve(s, l);
    const nodes = resv.map(([s, l]) => this.reserved.insert(s, l, owner));
    const filled: Area[] = [];
    const pinnedNow: Area[] = [];
    try {
      for (const n of this.areas) {
        const a = n.value;
        if (!a.pinned) {
          pinArea(a);
          a.pinned = true;
          pinnedNow.push(a);
        }
        d.mapArea(a, this.maxPageShift);
        filled.push(a);
      }
    } catch (e) {
      for (const a of filled) d.unmapArea(a);
      for (const a of pinnedNow) {
        unpinArea(a);
        a.pinned = false;
      }
      for (const n of nodes) this.reserved.remove(n);
      throw e;
    }
    this.domains.push(d);
  }

  removeDomain(d: IoptDomain, unpinArea: (a: Area) => void): void {
    const i = this.domains.indexOf(d);
    if (i < 0) return;
    for (const n of this.areas) d.unmapArea(n.value);
    this.domains.splice(i, 1);
    this.unreserveOwner((o) => o.kind === 'domain' && o.hwptId === d.id);
    if (this.domains.length === 0) {
      for (const n of this.areas) {
        if (n.value.pinned) {
          unpinArea(n.value);
          n.value.pinned = false;
        }
      }
    }
  }
}
