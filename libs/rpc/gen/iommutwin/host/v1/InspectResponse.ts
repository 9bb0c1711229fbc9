// Original file: proto/iommutwin/host/v1/platform.proto

import type { PageTableStats as _iommutwin_host_v1_PageTableStats, PageTableStats__Output as _iommutwin_host_v1_PageTableStats__Output } from '../../../iommutwin/host/v1/PageTableStats.js';
import type { IotlbStats as _iommutwin_host_v1_IotlbStats, IotlbStats__Output as _iommutwin_host_v1_IotlbStats__Output } from '../../../iommutwin/host/v1/IotlbStats.js';
import type { IoasArea as _iommutwin_host_v1_IoasArea, IoasArea__Output as _iommutwin_host_v1_IoasArea__Output } from '../../../iommutwin/host/v1/IoasArea.js';
import type { PinnedPages as _iommutwin_host_v1_PinnedPages, PinnedPages__Output as _iommutwin_host_v1_PinnedPages__Output } from '../../../iommutwin/host/v1/PinnedPages.js';

/**
 * Response of Inspect.
 */
export interface InspectResponse {
  /**
   * What the selector named, upper case: for `iommufd_object` the object's type (`IOAS`,
   * `HWPT_PAGING`, `HWPT_NESTED`, `DEVICE`, `VIOMMU`, `VDEVICE`, `FAULT`, `VEVENTQ`); `DEVICE`
   * for `bdf`, `UNIT` for `unit`, `HOST` for `host`.
   */
  'kind'?: (string);
  /**
   * Page tables involved.
   */
  'page_tables'?: (_iommutwin_host_v1_PageTableStats)[];
  /**
   * Translation caches involved.
   */
  'iotlbs'?: (_iommutwin_host_v1_IotlbStats)[];
  /**
   * IOAS areas involved.
   */
  'areas'?: (_iommutwin_host_v1_IoasArea)[];
  /**
   * Pinned pages of the object (or of the host).
   */
  'pinned'?: (_iommutwin_host_v1_PinnedPages | null);
}

/**
 * Response of Inspect.
 */
export interface InspectResponse__Output {
  /**
   * What the selector named, upper case: for `iommufd_object` the object's type (`IOAS`,
   * `HWPT_PAGING`, `HWPT_NESTED`, `DEVICE`, `VIOMMU`, `VDEVICE`, `FAULT`, `VEVENTQ`); `DEVICE`
   * for `bdf`, `UNIT` for `unit`, `HOST` for `host`.
   */
  'kind': (string);
  /**
   * Page tables involved.
   */
  'page_tables': (_iommutwin_host_v1_PageTableStats__Output)[];
  /**
   * Translation caches involved.
   */
  'iotlbs': (_iommutwin_host_v1_IotlbStats__Output)[];
  /**
   * IOAS areas involved.
   */
  'areas': (_iommutwin_host_v1_IoasArea__Output)[];
  /**
   * Pinned pages of the object (or of the host).
   */
  'pinned': (_iommutwin_host_v1_PinnedPages__Output | null);
}
