/**
 * The HTTP/2 receive windows the two services advertise (libs/rpc createServer `receiveWindow`):
 * the host's fits a 4 MiB request per stream (64 KiB DeviceDma / WriteMemory writes do not wait
 * for WINDOW_UPDATEs), the vmm's keeps several 1 MiB migration chunks in flight.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grantedWindows } from '#libs/rpc/http2-windows.js';
import { HOST_RECEIVE_WINDOW } from '../../services/host-iommu/src/main.js';
import { MIGRATION_RECEIVE_WINDOW } from '../../services/vmm/src/migration/stream.js';
import { startTestTwin, type TestTwin } from './vmm-harness.js';

describe('HTTP/2 receive windows', () => {
  let tw: TestTwin;
  beforeAll(async () => {
    tw = await startTestTwin('intel-vtd');
  });
  afterAll(async () => {
    await tw?.close();
  });

  it('host-iommu: 4 MiB per stream, 16 MiB per connection', async () => {
    expect(HOST_RECEIVE_WINDOW).toEqual({ stream: 4 << 20, connection: 16 << 20 });
    expect(await grantedWindows(tw.host.srv.addr)).toEqual(HOST_RECEIVE_WINDOW);
  });

  it('vmm: 16 MiB per stream, 32 MiB per connection', async () => {
    expect(MIGRATION_RECEIVE_WINDOW).toEqual({ stream: 16 << 20, connection: 32 << 20 });
    expect(await grantedWindows(tw.vmm.addr)).toEqual(MIGRATION_RECEIVE_WINDOW);
  });
});
