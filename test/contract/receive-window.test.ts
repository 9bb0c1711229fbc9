/**
 * The HTTP/2 receive windows the two services advertise (libs/rpc createServer `receiveWindow`):
 * the host's fits a 4 MiB request per stream (64 KiB DeviceDma / WriteMemory writes do not wait
 * for WINDOW_UPDATEs), the vmm's keeps several 1 MiB migration chunks in flight.
 */
import http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOST_RECEIVE_WINDOW } from '../../services/host-iommu/src/main.js';
import { MIGRATION_RECEIVE_WINDOW } from '../../services/vmm/src/migration/stream.js';
import { startTestTwin, type TestTwin } from './vmm-harness.js';

/** What a client connecting to `addr` is granted: the stream window (SETTINGS) and the connection window. */
async function granted(addr: string): Promise<{ stream: number | undefined; connection: number | undefined }> {
  const s = http2.connect(`http://${addr}`);
  try {
    const settings = await new Promise<http2.Settings>((res, rej) => s.once('remoteSettings', res).once('error', rej));
    // the connection window comes as a WINDOW_UPDATE on stream 0 after the settings
    for (let i = 0; i < 50 && s.state.remoteWindowSize === 65535; i++) await new Promise((r) => setTimeout(r, 20));
    return { stream: settings.initialWindowSize, connection: s.state.remoteWindowSize };
  } finally {
    s.close();
  }
}

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
    expect(await granted(tw.host.srv.addr)).toEqual(HOST_RECEIVE_WINDOW);
  });

  it('vmm: 16 MiB per stream, 32 MiB per connection', async () => {
    expect(MIGRATION_RECEIVE_WINDOW).toEqual({ stream: 16 << 20, connection: 32 << 20 });
    expect(await granted(tw.vmm.addr)).toEqual(MIGRATION_RECEIVE_WINDOW);
  });
});
