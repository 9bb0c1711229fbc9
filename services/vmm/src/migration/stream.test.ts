/** The vmm → vmm migration stream records: exact bytes, reassembly at any split, strict refusals. */
import { describe, expect, it } from 'vitest';
import { DomainError } from '#libs/errno/index.js';
import { nonZeroRuns } from './source.js';
import { decodeDevice, decodeHeader, decodeRam, decodeVirtio, encodeDevice, encodeHeader, encodeRam, encodeRecord, encodeVirtio, MAX_RECORD, REC, RecordReader } from './stream.js';

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as DomainError).reason;
  }
  return 'no error';
}

describe('migration stream records', () => {
  it('a record is [u8 type][u32 BE length][payload]', () => {
    expect(Buffer.from(encodeRecord(REC.END, new Uint8Array(0))).toString('hex')).toBe('0600000000');
    expect(Buffer.from(encodeRam(0x2000n, new Uint8Array([0xaa, 0xbb]))).toString('hex')).toBe('02' + '0000000a' + '0000000000002000' + 'aabb');
    expect(Buffer.from(encodeDevice('nic0', new Uint8Array([1, 2, 3]))).toString('hex')).toBe('03' + '00000009' + '0004' + Buffer.from('nic0').toString('hex') + '010203');
  });

  it('round-trips HEADER, RAM, DEVICE and VIRTIO', () => {
    const h = encodeHeader({ spec: { name: 'vm' }, host: 'h1', ram: [{ gpa: 0n, size: 0x80000000n }, { gpa: 0x100000000n, size: 0x40000000n }] });
    const [rec] = new RecordReader().push(h);
    expect(rec!.type).toBe(REC.HEADER);
    expect(decodeHeader(rec!.payload)).toEqual({ version: 1, spec: { name: 'vm' }, host: 'h1', ram: [{ gpa: 0n, size: 0x80000000n }, { gpa: 0x100000000n, size: 0x40000000n }] });
    const ram = new RecordReader().push(encodeRam(0x5000n, new Uint8Array(4096).fill(7)))[0]!;
    const r = decodeRam(ram.payload);
    expect(r.gpa).toBe(0x5000n);
    expect(r.data.length).toBe(4096);
    expect(r.data[4095]).toBe(7);
    expect(decodeDevice(new RecordReader().push(encodeDevice('nic0', new Uint8Array([9])))[0]!.payload)).toEqual({ id: 'nic0', data: new Uint8Array([9]) });
    const v = [{ id: 'net0', driverFeatures: (1n << 32n) | (1n << 33n), featuresOk: true, status: 7 }];
    expect(decodeVirtio(new RecordReader().push(encodeVirtio(v))[0]!.payload)).toEqual(v);
  });

  it('reassembles records split at every byte, and several records in one chunk', () => {
    const all = Buffer.concat([encodeRam(0x1000n, new Uint8Array(4096).fill(3)), encodeDevice('d', new Uint8Array([1, 2])), encodeRecord(REC.END, new Uint8Array(0))]);
    const reader = new RecordReader();
    const got: number[] = [];
    for (let i = 0; i < all.length; i++) for (const r of reader.push(all.subarray(i, i + 1))) got.push(r.type);
    expect(got).toEqual([REC.RAM, REC.DEVICE, REC.END]);
    expect(reader.atBoundary).toBe(true);
    expect(new RecordReader().push(all).map((r) => r.type)).toEqual([REC.RAM, REC.DEVICE, REC.END]);
  });

  it('a record wholly inside one chunk is read in place (a view of the chunk); one that crosses chunks is copied together', () => {
    const a = encodeRam(0x3000n, new Uint8Array(4096).fill(5));
    const b = encodeDevice('nic0', new Uint8Array([1, 2, 3]));
    const chunk = Buffer.concat([a, b]);
    const recs = new RecordReader().push(chunk);
    expect(recs.map((r) => r.type)).toEqual([REC.RAM, REC.DEVICE]);
    expect(recs[0]!.payload.buffer).toBe(chunk.buffer);
    expect(recs[0]!.payload.byteOffset).toBe(chunk.byteOffset + 5);
    expect(decodeRam(recs[0]!.payload).data[100]).toBe(5);
    const d = decodeDevice(recs[1]!.payload);
    expect([d.id, ...d.data]).toEqual(['nic0', 1, 2, 3]);
    // split after the first record's head: the second chunk completes it into its own buffer
    const reader = new RecordReader();
    expect(reader.push(chunk.subarray(0, 10))).toEqual([]);
    const [ram, dev] = reader.push(chunk.subarray(10));
    expect(ram!.payload.buffer).not.toBe(chunk.buffer);
    expect(Buffer.from(ram!.payload).equals(a.subarray(5))).toBe(true);
    expect(dev!.type).toBe(REC.DEVICE);
    // the in-place path refuses as the copying one does, with the byte offset of the head
    const bad = Buffer.concat([b, Buffer.from([0x42, 0, 0, 0, 1, 0])]);
    let msg = '';
    try {
      new RecordReader().push(bad);
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain(`unknown record type 66 at byte ${b.length}`);
  });

  it('refuses a record head announcing more than MAX_RECORD, or an unknown type, before any body byte', () => {
    const big = Buffer.alloc(5);
    big.writeUInt8(REC.RAM, 0);
    big.writeUInt32BE(MAX_RECORD + 1, 1);
    expect(reason(() => new RecordReader().push(big))).toBe('MIGRATION_STREAM_INVALID');
    expect(reason(() => new RecordReader().push(Buffer.from([0x42, 0, 0, 0, 0])))).toBe('MIGRATION_STREAM_INVALID');
  });

  it('refuses malformed payloads', () => {
    // RAM: unaligned GPA, no pages, a run above 1 MiB
    const unaligned = Buffer.alloc(8 + 16);
    unaligned.writeBigUInt64BE(0x1001n, 0);
    expect(reason(() => decodeRam(unaligned))).toBe('MIGRATION_STREAM_INVALID');
    expect(reason(() => decodeRam(Buffer.alloc(8)))).toBe('MIGRATION_STREAM_INVALID');
    expect(reason(() => decodeRam(Buffer.alloc(8 + (1 << 20) + 4096)))).toBe('MIGRATION_STREAM_INVALID');
    // DEVICE: id length beyond the record, empty id
    expect(reason(() => decodeDevice(Buffer.from([0, 9, 0x61])))).toBe('MIGRATION_STREAM_INVALID');
    expect(reason(() => decodeDevice(Buffer.from([0, 0])))).toBe('MIGRATION_STREAM_INVALID');
    // HEADER: another version, not JSON, a u64 that is not one
    expect(reason(() => decodeHeader(Buffer.from([0, 0, 0, 2, 0x7b, 0x7d])))).toBe('MIGRATION_STREAM_VERSION');
    expect(reason(() => decodeHeader(Buffer.concat([Buffer.from([0, 0, 0, 1]), Buffer.from('{nope')])))).toBe('MIGRATION_STREAM_INVALID');
    const bad = Buffer.concat([Buffer.from([0, 0, 0, 1]), Buffer.from(JSON.stringify({ spec: {}, host: 'h', ram: [{ gpa: '-1', size: '1' }] }))]);
    expect(reason(() => decodeHeader(bad))).toBe('MIGRATION_STREAM_INVALID');
    // VIRTIO: a status above a byte, features not hex
    expect(reason(() => decodeVirtio(Buffer.from(JSON.stringify([{ id: 'n', driverFeatures: '1', featuresOk: true, status: 256 }]))))).toBe('MIGRATION_STREAM_INVALID');
    expect(reason(() => decodeVirtio(Buffer.from(JSON.stringify([{ id: 'n', driverFeatures: 'xyz', featuresOk: true, status: 0 }]))))).toBe('MIGRATION_STREAM_INVALID');
  });

  it('round 1 sends only the non-zero pages (runs merged, a short last page kept)', () => {
    const d = Buffer.alloc(5 * 4096 + 100);
    d[10] = 1; // page 0
    d[2 * 4096 + 4095] = 2; // page 2
    d[3 * 4096] = 3; // page 3
    d[5 * 4096 + 99] = 4; // the short tail
    expect(nonZeroRuns(d)).toEqual([
      { start: 0, end: 4096 },
      { start: 2 * 4096, end: 4 * 4096 },
      { start: 5 * 4096, end: 5 * 4096 + 100 },
    ]);
    expect(nonZeroRuns(Buffer.alloc(3 * 4096))).toEqual([]);
  });
});
