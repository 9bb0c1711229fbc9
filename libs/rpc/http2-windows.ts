/**
 * What an HTTP/2 client connecting to `addr` (h2c) is granted by the server: the stream window
 * (SETTINGS_INITIAL_WINDOW_SIZE) and the connection window (65535 plus the server's
 * WINDOW_UPDATE on stream 0, which follows its SETTINGS). For checking a server's
 * `receiveWindow` (libs/rpc createServer) from outside, as a peer sees it.
 */
import http2 from 'node:http2';

export async function grantedWindows(addr: string, waitMs = 1000): Promise<{ stream: number | undefined; connection: number | undefined }> {
  const s = http2.connect(`http://${addr}`);
  try {
    const settings = await new Promise<http2.Settings>((res, rej) => s.once('remoteSettings', res).once('error', rej));
    // a server that grants no more than the default sends no WINDOW_UPDATE: wait a bounded time
    for (let waited = 0; waited < waitMs && s.state.remoteWindowSize === 65535; waited += 20) await new Promise((r) => setTimeout(r, 20));
    return { stream: settings.initialWindowSize, connection: s.state.remoteWindowSize };
  } finally {
    s.close();
  }
}
