/**
 * vmm domain metrics, read from the VmManager at scrape time (collect callbacks). Guest
 * MAP/UNMAP counts are the live EMULATED backends' (hostMaps/hostUnmaps) plus those the manager
 * kept from backends it dropped, so they stay monotonic across VM deletion.
 */
import type { Registry } from 'prom-client';
import { scrapedCounter, scrapedGauge, type Sample } from '#libs/rpc/metrics.js';
import type { VmManager, VmState } from '../machine/vmm.js';

const VM_STATES: readonly VmState[] = ['DEFINED', 'RUNNING', 'STOPPED', 'INCOMING'];

/** Counters of the host link (the vmm bootstrap's link status). */
export interface HostLinkCounters {
  /** event stream failures, each followed by a reconnect */
  readonly streamBreaks: number;
  /** host-iommu restarts detected */
  readonly hostRestarts: number;
}

/** Registers the vmm domain metrics of `mgr` (and of its host link, when given) on `registry`. */
export function registerVmmMetrics(registry: Registry, mgr: VmManager, link?: HostLinkCounters): void {
  scrapedGauge(registry, 'vmm_vms', 'VMs by state.', ['state'], () => {
    const n = new Map<string, number>(VM_STATES.map((s) => [s, 0]));
    for (const vm of mgr.vms.values()) n.set(vm.state, (n.get(vm.state) ?? 0) + 1);
    return [...n].map(([state, v]): Sample<'state'> => [{ state }, v]);
  });
  scrapedCounter(registry, 'vmm_host_dma_faults_total', "Host DMA faults of the VMs' assigned devices.", [], () => [[{}, mgr.hostDmaFaults]]);
  const backendTotal = (key: 'hostMaps' | 'hostUnmaps'): number => {
    let n = mgr.retiredBackendCounts[key];
    for (const vm of mgr.vms.values()) n += vm.backend?.[key] ?? 0;
    return n;
  };
  scrapedCounter(registry, 'vmm_guest_maps_total', 'Guest virtio-iommu MAPs propagated to the host (IOAS_MAP).', [], () => [[{}, backendTotal('hostMaps')]]);
  scrapedCounter(registry, 'vmm_guest_unmaps_total', 'Guest virtio-iommu UNMAPs propagated to the host (IOAS_UNMAP).', [], () => [[{}, backendTotal('hostUnmaps')]]);
  scrapedGauge(registry, 'vmm_guest_event_stream_subscribers', 'Open guest event streams over every VM.', [], () => {
    let n = 0;
    for (const vm of mgr.vms.values()) n += vm.events.subscribers;
    return [[{}, n]];
  });
  if (link) {
    scrapedCounter(registry, 'vmm_host_link_reconnects_total', 'Host event stream failures, each followed by a reconnect and resume.', [], () => [[{}, link.streamBreaks]]);
    scrapedCounter(registry, 'vmm_host_restarts_total', 'host-iommu restarts the host link detected.', [], () => [[{}, link.hostRestarts]]);
  }
}
