/**
 * IoctlPipe against a scripted stream: answers matched in order, a break fails every waiting
 * request (nothing replayed on the next stream), a lazy reopen, the deadline.
 */
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import type { IoctlsRequest } from '#libs/rpc/gen/iommutwin/host/v1/IoctlsRequest.js';
import type { IoctlsResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/IoctlsResponse.js';
import { IoctlPipe, type IoctlDuplex } from './ioctls.js';

class FakeStream extends EventEmitter {
  readonly written: IoctlsRequest[] = [];
  ended = false;
  cancelled = false;
  write(req: IoctlsRequest): boolean {
    this.written.push(structuredClone(req));
    return true;
  }
  end(): void {
    this.ended = true;
  }
  cancel(): void {
    this.cancelled = true;
  }
  answer(i: number, code = 0): void {
    const tag = String(this.written[i]!.tag);
    this.emit('data', { tag, status: { code, message: code ? 'failed' : '', details: [] }, ...(code ? {} : { ioas_unmap: { length: '4096' }, result: 'ioas_unmap' }) } as IoctlsResponse__Output);
  }
}

function pipe(deadlineMs = 30_000) {
  const streams: FakeStream[] = [];
  const p = new IoctlPipe(
    () => {
      const s = new FakeStream();
      streams.push(s);
      return s as unknown as IoctlDuplex;
    },
    new grpc.Metadata(),
    deadlineMs,
  );
  return { p, streams };
}

const unmap = (iova: number): IoctlsRequest => ({ ioas_unmap: { fd: 3, ioas_id: 2, iova: String(iova), length: '4096' } });

describe('IoctlPipe', () => {
  it('opens lazily, answers in order (in-band failures resolve), one stream for many ioctls', async () => {
    const { p, streams } = pipe();
    expect(streams.length).toBe(0);
    const a = p.submit(unmap(0x1000));
    const b = p.submit(unmap(0x2000));
    expect(streams.length).toBe(1);
    expect(p.pending).toBe(2);
    streams[0]!.answer(0);
    streams[0]!.answer(1, grpc.status.NOT_FOUND);
    expect((await a).status!.code).toBe(0);
    expect((await b).status!.code).toBe(grpc.status.NOT_FOUND);
    expect(p.pending).toBe(0);
    const c = p.submit(unmap(0x3000));
    expect(streams.length).toBe(1);
    expect(streams[0]!.written.map((r) => r.tag)).toEqual(['1', '2', '3']);
    streams[0]!.answer(2);
    expect((await c).status!.code).toBe(0);
  });

  it('a break fails every waiting request as a broken call; the next ioctl opens a new stream and nothing is replayed', async () => {
    const { p, streams } = pipe();
    const a = p.submit(unmap(0x1000));
    const b = p.submit(unmap(0x2000));
    const c = p.submit(unmap(0x3000));
    streams[0]!.answer(0);
    expect((await a).status!.code).toBe(0);
    const err = { code: grpc.status.UNAVAILABLE, details: 'Connection dropped', message: '14 UNAVAILABLE: Connection dropped' };
    streams[0]!.emit('error', err);
    await expect(b).rejects.toBe(err);
    await expect(c).rejects.toBe(err);
    const d = p.submit(unmap(0x4000));
    expect(streams.length).toBe(2);
    expect(streams[1]!.written.map((r) => r.ioas_unmap!.iova)).toEqual([String(0x4000)]); // b and c were not sent again
    streams[1]!.answer(0);
    expect((await d).status!.code).toBe(0);
    // a late answer on the old stream reaches nobody
    streams[0]!.emit('data', { tag: '2', status: { code: 0, message: '', details: [] } });
    expect(p.pending).toBe(0);
  });

  it('an answer out of order breaks the stream; the deadline fails what waits too long and cancels the stream', async () => {
    const { p, streams } = pipe(50);
    const a = p.submit(unmap(0x1000));
    const b = p.submit(unmap(0x2000));
    streams[0]!.answer(1);
    await expect(a).rejects.toMatchObject({ code: grpc.status.INTERNAL });
    await expect(b).rejects.toMatchObject({ code: grpc.status.INTERNAL });
    expect(streams[0]!.cancelled).toBe(true);
    const c = p.submit(unmap(0x3000));
    p.checkDeadline(performance.now() + 10);
    expect(p.pending).toBe(1);
    p.checkDeadline(performance.now() + 100);
    await expect(c).rejects.toMatchObject({ code: grpc.status.DEADLINE_EXCEEDED });
    expect(streams[1]!.cancelled).toBe(true);
  });

  it('close half-closes an idle stream and cancels one with ioctls waiting', async () => {
    const { p, streams } = pipe();
    const a = p.submit(unmap(0x1000));
    streams[0]!.answer(0);
    await a;
    p.close();
    expect(streams[0]!.ended).toBe(true);
    const b = p.submit(unmap(0x2000));
    p.close();
    expect(streams[1]!.cancelled).toBe(true);
    await expect(b).rejects.toMatchObject({ code: grpc.status.CANCELLED });
  });
});
