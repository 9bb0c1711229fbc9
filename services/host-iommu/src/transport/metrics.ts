/**
 * host-iommu domain metrics, read from the Host at scrape time (collect callbacks: nothing on
 * the translation hot path). Counters mirror the model's own monotonic counters.
 */
import type { Registry } from 'prom-client';
import type { IotlbStats } from '#libs/iotlb/index.js';
import { scrapedCounter, scrapedGauge, type Sample } from '#libs/rpc/metrics.js';
import { OBJ_TYPES } from '../kernel/object.js';
import type { Host } from '../platform/host.js';

const PAGE_SHIFT = 12;

/** Registers the host-iommu domain metrics of `host` on `registry`. */
export function registerHostMetrics(registry: Registry, host: Host): void {
  /** One sampler over every unit's IOTLB statistics. */
  const perUnit = <L extends string>(f: (s: IotlbStats, unit: string) => Iterable<Sample<L>>) =>
    function* (): Iterable<Sample<L>> {
      for (const [name, u] of host.units) yield* f(u.tlb.stats(), name);
    };

  scrapedCounter(registry, 'iommu_iotlb_lookups_total', 'IOTLB lookups by result (hit: served from the IOTLB; miss: needed a page walk).', ['unit', 'result'],
    perUnit((s, unit) => [[{ unit, result: 'hit' }, s.hits], [{ unit, result: 'miss' }, s.misses]]));
  scrapedCounter(registry, 'iommu_iotlb_invalidations_total', 'IOTLB invalidation commands by scope (all: global; domain: one domain tag; range: an address range).', ['unit', 'scope'],
    perUnit((s, unit) => [
      [{ unit, scope: 'all' }, s.invalidations.all],
      [{ unit, scope: 'domain' }, s.invalidations.tag],
      [{ unit, scope: 'range' }, s.invalidations.range],
    ]));
  scrapedCounter(registry, 'iommu_page_walks_total', 'Page-table walks the IOMMU performed on IOTLB misses.', ['unit'], perUnit((s, unit) => [[{ unit }, s.walks]]));
  scrapedCounter(registry, 'iommu_page_walk_memory_references_total', 'Page-table entries read by page walks.', ['unit'], perUnit((s, unit) => [[{ unit }, s.walkMemRefs]]));
  scrapedGauge(registry, 'iommu_iotlb_entries', 'Valid IOTLB entries.', ['unit'], perUnit((s, unit) => [[{ unit }, s.validEntries]]));

  scrapedGauge(registry, 'iommu_pinned_bytes', 'Bytes pinned for DMA: the sum of VmPin over live processes.', [], () => {
    let pages = 0;
    for (const p of host.processes.values()) pages += p.pinnedPages;
    return [[{}, pages * 2 ** PAGE_SHIFT]];
  });
  scrapedCounter(registry, 'iommu_dma_total', 'Device DMA requests (DeviceDma), faulted or not.', [], () => [[{}, host.dmaStats.dmas]]);
  scrapedCounter(registry, 'iommu_dma_bytes_total', 'Bytes moved by device DMA that translated.', [], () => [[{}, host.dmaStats.bytes]]);
  scrapedCounter(registry, 'iommu_dma_faults_total', 'DMA translation faults (DeviceDma and TranslateBatch).', [], () => [[{}, host.dmaStats.faults]]);
  scrapedGauge(registry, 'iommufd_objects', 'iommufd objects by type over every open iommufd.', ['type'], () => {
    const n = new Map<string, number>(OBJ_TYPES.map((t) => [t, 0]));
    for (const ctx of host.ctxs) for (const o of ctx.objects.values()) n.set(o.type, (n.get(o.type) ?? 0) + 1);
    return [...n].map(([type, v]): Sample<'type'> => [{ type }, v]);
  });
  scrapedGauge(registry, 'iommufd_contexts', 'Open iommufd file descriptions (/dev/iommu opens).', [], () => [[{}, host.ctxs.size]]);
  scrapedGauge(registry, 'iommu_page_table_bytes', 'Memory held by IOMMU page tables (the page-table pool frames in use).', [], () => [[{}, host.mem.tableFramesInUse * 2 ** PAGE_SHIFT]]);
  scrapedGauge(registry, 'host_processes', 'Live simulated processes.', [], () => [[{}, host.processes.size]]);
  scrapedGauge(registry, 'event_stream_subscribers', 'Open WatchEvents streams following the host event log.', [], () => [[{}, host.events.subscribers]]);
  scrapedGauge(registry, 'host_event_sequence', 'Sequence number of the newest host event.', [], () => [[{}, Number(host.events.headSequence)]]);
}
