/**
 * `iommu-twin ctl` and `iommu-twin demo` as a user runs them: both services in-process on
 * 127.0.0.1:0 with known tokens, the CLI as a child process (`node --import tsx
 * services/cli/main.ts ...`). Output is parsed (--json) or matched line by line; failures must be
 * exit code 1 with exactly one line on stderr.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OP, cmdTlbi, encodeEvent } from '#libs/guest/smmu-driver.js';
import { call } from '#libs/rpc/client.js';
import { parseU64Arg, parseVmSpecText, tokenFiles } from '../../services/cli/ctl.js';
import { CliError, bytesText, errorLine, pageSizesText, table } from '../../services/cli/format.js';
import { startHostServer } from '../../services/host-iommu/src/main.js';
import { TOKENS } from './harness.js';
import { runCli, startTestTwin, type CliRun, type TestTwin } from './vmm-harness.js';

let t: TestTwin;
let dir: string;
beforeAll(async () => {
  t = await startTestTwin();
  dir = mkdtempSync(path.join(tmpdir(), 'iommu-twin-ctl-'));
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const cli = runCli;
type Run = CliRun;

/** `ctl` with explicit addresses and tokens (host root, vmm root). */
const conn = (): string[] => ['--host', t.host.srv.addr, '--vmm', t.vmm.addr, '--host-token', 'tok-root', '--vmm-token', 'vmm-root'];
const ctl = (...args: string[]) => cli(['ctl', ...conn(), ...args]);

/** Exit 0 and nothing on stderr; returns stdout. */
function ok(r: Run): string {
  expect(r.stderr, r.stdout).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

/** Exit 1 with exactly one stderr line; returns that line (without the newline). */
function failed(r: Run): string {
  expect(r.code, r.stdout + r.stderr).toBe(1);
  expect(r.stderr.endsWith('\n')).toBe(true);
  const lines = r.stderr.slice(0, -1).split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^iommu-twin: [A-Z_]+ [A-Za-z0-9_]+: /);
  return lines[0]!;
}

const MiB = 1n << 20n;

describe('ctl helpers (pure)', () => {
  it('parses u64 arguments: decimal, hex, binary sizes; refuses the rest', () => {
    expect(parseU64Arg('4096', 'x')).toBe(4096n);
    expect(parseU64Arg('0x100000', 'x')).toBe(0x100000n);
    expect(parseU64Arg('64KiB', 'x')).toBe(65536n);
    expect(parseU64Arg('16M', 'x')).toBe(16n * MiB);
    expect(parseU64Arg('1 GiB', 'x')).toBe(1n << 30n);
    expect(parseU64Arg('2TB', 'x')).toBe(2n << 40n);
    expect(parseU64Arg('0xffffffffffffffff', 'x')).toBe((1n << 64n) - 1n);
    for (const bad of ['-1', '1.5', '0x', '12q', '0x10000000000000000', '']) {
      let err: unknown;
      try {
        parseU64Arg(bad, '--size');
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(CliError);
      expect((err as CliError).reason).toBe('BAD_NUMBER');
    }
  });

  it('turns a YAML VM spec into the wire VmSpec: short enums, sizes, exact u64, unknown fields refused', () => {
    const spec = parseVmSpecText(
      [
        'name: a1',
        'memory: 512MiB',
        'viommu:',
        '  model: virtio-iommu',
        '  virtio:',
        '    page_size_mask: 0xfffffffffffff000',
        '    input_range: { start: 0, last: 0xffffffffffff }',
        '    reserved_regions: [{ start: 0xfee00000, end: 0xfeefffff, subtype: 1 }]',
        'iommufd_objects: [{ id: iommufd0 }]',
        'devices:',
        '  - { id: nic0, guest_bdf: 0000:00:03.0, vfio: { host_bdf: 0000:01:00.0, iommufd: iommufd0, backend: emulated } }',
        '  - { id: net0, virtio: { type: NET, access_platform: true } }',
      ].join('\n'),
    );
    expect(spec).toEqual({
      name: 'a1',
      memory_bytes: '536870912',
      viommu: {
        model: 'VIOMMU_MODEL_VIRTIO_IOMMU',
        virtio: {
          page_size_mask: '18446744073709547520',
          input_range: { start: '0', last: '281474976710655' },
          reserved_regions: [{ start: '4276092928', end: '4277141503', subtype: 1 }],
        },
      },
      iommufd_objects: [{ id: 'iommufd0' }],
      devices: [
        { id: 'nic0', guest_bdf: '0000:00:03.0', vfio: { host_bdf: '0000:01:00.0', iommufd: 'iommufd0', backend: 'VFIO_BACKEND_EMULATED' } },
        { id: 'net0', virtio: { type: 'VIRTIO_DEVICE_TYPE_NET', access_platform: true } },
      ],
    });
    const bad = (text: string) => {
      try {
        parseVmSpecText(text, 'vm.yaml');
      } catch (e) {
        return errorLine(e);
      }
      return 'parsed';
    };
    expect(bad('name: a\nmemroy: 1G')).toBe('iommu-twin: INVALID_ARGUMENT BAD_SPEC: vm.yaml: memroy: unknown field (VmSpec has name, memory_bytes, machine, viommu, iommufd_objects, devices)');
    expect(bad('name: a\nviommu: { model: vtd }')).toBe('iommu-twin: INVALID_ARGUMENT BAD_SPEC: vm.yaml: viommu.model: \'vtd\' is not one of VIOMMU_MODEL_NONE, VIOMMU_MODEL_VIRTIO_IOMMU, VIOMMU_MODEL_INTEL_IOMMU, VIOMMU_MODEL_SMMUV3');
    expect(bad('name: a\nmemory_bytes: lots')).toBe("iommu-twin: INVALID_ARGUMENT BAD_SPEC: vm.yaml: memory_bytes: 'lots' is not a u64 (decimal, 0x hex, or a size like 512MiB)");
    expect(bad('name: a\ndevices: { id: x }')).toBe('iommu-twin: INVALID_ARGUMENT BAD_SPEC: vm.yaml: devices: expected a list');
    expect(bad('- 1')).toBe('iommu-twin: INVALID_ARGUMENT BAD_SPEC: vm.yaml: expected a mapping (a VmSpec)');
    // keys from the file are never looked up on Object.prototype
    for (const k of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(bad(`name: a\n${k}: 1`)).toBe(`iommu-twin: INVALID_ARGUMENT BAD_SPEC: vm.yaml: ${k}: unknown field (VmSpec has name, memory_bytes, machine, viommu, iommufd_objects, devices)`);
    }
  });

  it('formats tables, sizes and page-size bitmaps', () => {
    expect(table(['NAME', 'N', 'NOTE'], [['a', 1, 'x'], ['bbb', 100, '']])).toBe('NAME    N  NOTE\na       1  x\nbbb   100\n');
    expect(table(['A', 'B'], [], '  ')).toBe('  A  B\n  (none)\n');
    expect(bytesText(256n * MiB)).toBe('256 MiB');
    expect(bytesText('4097')).toBe('4097 B');
    expect(pageSizesText(String((1n << 12n) | (1n << 21n) | (1n << 30n)))).toBe('4K,2M,1G');
  });

  it('names the token files `up` writes', () => {
    expect(tokenFiles({ host: '127.0.0.1:50051', vmm: '127.0.0.1:50052', tokensDir: 'd' })).toEqual({
      host: path.join('d', 'host-iommu-127.0.0.1_50051.tokens.json'),
      vmm: path.join('d', 'vmm-127.0.0.1_50052.tokens.json'),
    });
  });
});

describe('iommu-twin ctl against running services', () => {
  it('describe: a table by default, the Describe response with --json (u64 as strings, bytes as hex)', async () => {
    const [text, json] = await Promise.all([ctl('describe'), ctl('describe', '--json')]);
    const out = ok(text);
    expect(out.split('\n')[0]).toBe('host intel-vtd (x86_64, profile intel-vtd), RAM 512 GiB; kernel: iommufd, vfio_compat_container, iommufd_fault, viommu');
    expect(out).toMatch(/^ {2}dmar0 {2}INTEL_VTD {2}4K,2M,1G +48 +46 +20 {2}yes/m);
    expect(out).toMatch(/^ {2}0000:01:00\.0 {2}vfio0 +1 {2}dmar0 {2}vfio-pci {2}0x100 +MSI\[0xfee00000-0xfeefffff\] +NIC$/m);
    expect(out).toMatch(/^ {6}4 {2}dmar0 {2}yes {5}0000:04:00\.0 0000:04:00\.1$/m);
    const d = JSON.parse(ok(json));
    expect(d.name).toBe('intel-vtd');
    expect(d.ram_bytes).toBe(String(512n << 30n));
    expect(d.units.map((u: { name: string }) => u.name)).toEqual(['dmar0', 'dmar1']);
    expect(d.devices).toHaveLength(9);
    const nic = d.devices.find((x: { bdf: string }) => x.bdf === '0000:01:00.0');
    expect(nic).toMatchObject({ cdev: 'vfio0', group: 1, unit: 'dmar0', driver: 'vfio-pci', rid: 0x100 });
    expect(d.units[0].hw_info.data).toMatch(/^[0-9a-f]+$/);
    expect(d.units[0].hw_info.vtd.cap_reg).toMatch(/^[0-9]+$/);
  }, 60_000);

  it('finds root tokens in --tokens-dir as `up` writes them', async () => {
    const td = path.join(dir, 'tokens');
    mkdirSync(td);
    const files = tokenFiles({ host: t.host.srv.addr, vmm: t.vmm.addr, tokensDir: td });
    writeFileSync(files.host, JSON.stringify({ 'tok-qemu': 'qemu', 'tok-root': 'root' }));
    writeFileSync(files.vmm, JSON.stringify({ 'vmm-root': 'root' }));
    const [d, l] = await Promise.all([
      cli(['ctl', '--host', t.host.srv.addr, '--vmm', t.vmm.addr, '--tokens-dir', td, 'describe', '--json']),
      cli(['ctl', '--host', t.host.srv.addr, '--vmm', t.vmm.addr, '--tokens-dir', td, 'vm', 'list', '--json']),
    ]);
    expect(JSON.parse(ok(d)).profile).toBe('intel-vtd');
    expect(JSON.parse(ok(l))).toEqual([]);
  }, 60_000);

  it('vm create from YAML, start with root fd passing, list, guest features/attach/map/mem/dma, inspect, events, stop, delete', async () => {
    const file = path.join(dir, 'vm.yaml');
    writeFileSync(
      file,
      [
        'name: cli1',
        'memory: 256MiB',
        'machine: q35',
        'viommu: { model: virtio-iommu }',
        'iommufd_objects: [{ id: iommufd0 }]',
        'devices:',
        '  - id: nic0',
        '    guest_bdf: 0000:00:03.0',
        '    vfio: { host_bdf: 0000:01:00.0, iommufd: iommufd0, backend: EMULATED }',
        '  - id: net0',
        '    virtio: { type: net, access_platform: true }',
        '',
      ].join('\n'),
    );
    const created = JSON.parse(ok(await ctl('vm', 'create', '-f', file, '--json')));
    expect(created.state).toBe('VM_STATE_DEFINED');
    expect(created.spec).toMatchObject({ name: 'cli1', memory_bytes: String(256n * MiB), machine: 'q35', viommu: { model: 'VIOMMU_MODEL_VIRTIO_IOMMU' } });
    const pid: number = created.host_pid;

    // start: the CLI (root) opens the nodes and passes them into the VM's qemu process
    const started = JSON.parse(ok(await ctl('vm', 'start', 'cli1', '--json')));
    expect(started.passed_fds).toEqual({ iommufd0: 3, nic0: 4 });
    expect(started.vm.state).toBe('VM_STATE_RUNNING');
    const nic = started.vm.devices.find((d: { id: string }) => d.id === 'nic0');
    expect(nic).toMatchObject({ endpoint_id: 0x18, backend: 'EMULATED', host: { iommufd: 3, device_fd: 4 } });
    const st = await call(t.host.root.Process.GetStatus, { pid });
    expect(st.principal).toBe('qemu');
    expect(st.fds.filter((f) => f.fd <= 4).map((f) => [f.fd, f.kind, f.path])).toEqual([
      [3, 'FD_KIND_IOMMUFD', '/dev/iommu'],
      [4, 'FD_KIND_VFIO_DEVICE', '/dev/vfio/devices/vfio0'],
    ]);

    const list = ok(await ctl('vm', 'list'));
    expect(list.split('\n')[0]).toMatch(/^NAME +STATE +HOST_PID +MEMORY +MACHINE +VIOMMU +DEVICES +NOTE$/);
    expect(list).toMatch(new RegExp(`^cli1 {2}RUNNING +${pid} {2}256 MiB {2}q35 {6}VIRTIO_IOMMU {2}nic0,net0$`, 'm'));

    // the guest driver: a MAP before feature negotiation is refused as the spec says (MAP_UNMAP not negotiated)
    const early = failed(await ctl('guest', 'map', 'cli1', '--domain', '1', '--iova', '1MiB', '--gpa', '16MiB', '--size', '64KiB'));
    expect(early).toBe('iommu-twin: DEVICE VIRTIO_IOMMU_S_UNSUPP: MAP domain 1 [0x100000, 0x10ffff] → GPA 0x1000000 (READ|WRITE): the virtio-iommu answered VIRTIO_IOMMU_S_UNSUPP (2) — the driver has not negotiated features yet (run `ctl guest features cli1` first)');
    expect(ok(await ctl('guest', 'features', 'cli1'))).toBe('virtio-iommu: driver features 0x100000077: FEATURES_OK set; bypass 1\n');
    expect(ok(await ctl('guest', 'attach', 'cli1', '--domain', '1', '--device', 'nic0'))).toBe('ATTACH endpoint 0x18 to domain 1: VIRTIO_IOMMU_S_OK\n');
    expect(ok(await ctl('guest', 'map', 'cli1', '--domain', '1', '--iova', '1MiB', '--gpa', '16MiB', '--size', '64KiB'))).toBe(
      'MAP domain 1 [0x100000, 0x10ffff] → GPA 0x1000000 (READ|WRITE): VIRTIO_IOMMU_S_OK\n',
    );
    expect(ok(await ctl('guest', 'mem', 'cli1', '--gpa', '0x1000010', '--write-text', 'from the guest'))).toBe('wrote 14 bytes at GPA 0x1000010\n');

    // the assigned NIC reads it through the host IOMMU; writes land in guest RAM
    const [rdJson, rdText] = await Promise.all([ctl('guest', 'dma', 'cli1', 'nic0', '--iova', '0x100010', '--length', '14', '--json'), ctl('guest', 'dma', 'cli1', 'nic0', '--iova', '0x100010', '--length', '14')]);
    expect(JSON.parse(ok(rdJson))).toEqual({ device: 'nic0', iova: '1048592', length: '14', write: false, result: 'data', data: Buffer.from('from the guest').toString('hex') });
    expect(ok(rdText)).toBe(
      `nic0 DMA read of 14 bytes at IOVA 0x100010: ${Buffer.from('from the guest').toString('hex')}  "from the guest"\n`,
    );
    expect(ok(await ctl('guest', 'dma', 'cli1', 'nic0', '--iova', '0x100100', '--write', '646576'))).toBe('nic0 DMA write of 3 bytes at IOVA 0x100100: 3 bytes written\n');
    const back = await call(t.v.Guest.ReadMemory, { vm: 'cli1', gpa: String(16n * MiB + 0x100n), length: '3' });
    expect(Buffer.from(back.data).toString()).toBe('dev');

    // outside the mapping: a host fault, exit 1
    const fr = await ctl('guest', 'dma', 'cli1', 'nic0', '--iova', '0x400000', '--length', '4');
    expect(failed(fr)).toMatch(/^iommu-twin: DMA_FAULT TRANSLATION: nic0 DMA read of 4 bytes at IOVA 0x400000 faulted on the host \(dmar0\) at 0x400000/);
    expect(fr.stdout).toBe('nic0 DMA read of 4 bytes at IOVA 0x400000: FAULT on the host: TRANSLATION\n');

    // inspect the VM's host objects; the host and guest event streams (read-only: in parallel)
    const [insRun, hostRun, unitRun, evRun, guestRun] = await Promise.all([
      ctl('inspect', '--vm', 'cli1', '--json'),
      ctl('inspect', '--json'),
      ctl('inspect', '--unit', 'dmar0'),
      ctl('events', '--json', '--idle-ms', '1000'),
      ctl('events', '--vm', 'cli1', '--idle-ms', '1000'),
    ]);
    const ins = JSON.parse(ok(insRun));
    expect(ins).toMatchObject({ vm: 'cli1', state: 'VM_STATE_RUNNING', host_pid: pid, vm_pinned_bytes: '65536' });
    expect(ins.devices).toHaveLength(1);
    const dev = ins.devices[0];
    expect(dev).toMatchObject({ id: 'nic0', host_bdf: '0000:01:00.0', iommufd: 3, ioas_id: nic.host.ioas_ids[0], hwpt_ids: nic.host.hwpt_ids });
    expect(dev.inspect.kind).toBe('IOAS');
    expect(dev.inspect.areas).toEqual([
      { ioas_id: dev.ioas_id, iova: '1048576', last: '1114111', flags: 6, source: 'AREA_SOURCE_USER_VA', user_va: expect.stringMatching(/^[0-9]+$/), file_offset: '0', pinned_pages: '16' },
    ]);
    expect(dev.inspect.pinned).toEqual({ pages: '16', bytes: '65536' });
    expect(dev.inspect.page_tables).toHaveLength(1);
    expect(dev.inspect.page_tables[0]).toMatchObject({ hwpt_id: nic.host.hwpt_ids[0], unit: 'dmar0', format: 'vtd-ss', levels: 4, table_pages: '4', table_bytes: '16384' });
    expect(dev.inspect.page_tables[0].leaves.find((l: { page_size: string }) => l.page_size === '4096')).toEqual({ page_size: '4096', count: '16' });
    const tlb = dev.inspect.iotlbs.find((x: { cache: string }) => x.cache === 'dmar0/iotlb');
    expect(tlb).toBeDefined();
    expect(BigInt(tlb.misses)).toBeGreaterThanOrEqual(1n);
    expect(BigInt(tlb.hits)).toBeGreaterThanOrEqual(1n);
    expect(tlb.capacity).toBe('512');
    const host = JSON.parse(ok(hostRun));
    expect(host.kind).toBe('HOST');
    expect(host.pinned).toEqual({ pages: '16', bytes: '65536' });
    const unitText = ok(unitRun);
    expect(unitText).toMatch(/^kind UNIT; pinned 0 pages \(0 B\)$/m);
    expect(unitText).toMatch(/^ {2}dmar0\/iotlb +\d+ +\d+ +\d+ +\d+ +\d+ +512 +\d+$/m);
    expect(unitText).toMatch(new RegExp(`^ +${nic.host.hwpt_ids[0]} {2}dmar0 {2}vtd-ss +4 +4 +16384 {2}4Kx16$`, 'm'));

    // events: the host log has the fault and the orchestrator process's exit; the guest saw nothing
    // (the EMULATED backend does not report host faults to the guest)
    const evs = ok(evRun)
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const fault = evs.find((e) => e.kind === 'HOST_EVENT_KIND_DMA_FAULT' && e.fault.addr === '4194304');
    expect(fault).toMatchObject({ bdf: '0000:01:00.0', unit: 'dmar0', fault: { reason: 'DMA_FAULT_REASON_TRANSLATION', write: false } });
    expect(evs.some((e) => e.kind === 'HOST_EVENT_KIND_PROCESS_EXITED' && e.name === 'iommu-twin-ctl')).toBe(true);
    const one = ok(await ctl('events', '--after', String(BigInt(fault.sequence) - 1n), '--count', '1'));
    expect(one).toMatch(new RegExp(`^#${fault.sequence} {2}\\S+Z {2}DMA_FAULT {2}0000:01:00\\.0 {2}DMAR: \\[DMA Read\\] 0000:01:00\\.0 addr 0x400000: non-present entry\\n$`));
    expect(ok(guestRun)).toBe('');

    // the device status register; a guest reset drops the domain: the NIC's host mappings go
    expect(ok(await ctl('guest', 'status', 'cli1'))).toBe('virtio-iommu: status 0x8 (FEATURES_OK)\n');
    expect(ok(await ctl('guest', 'status', 'cli1', '--set', '0xb'))).toBe('virtio-iommu: status 0xb (ACKNOWLEDGE|DRIVER|FEATURES_OK)\n');
    expect(failed(await ctl('guest', 'status', 'cli1', '--set', '1'))).toMatch(/^iommu-twin: FAILED_PRECONDITION VIRTIO_STATUS_CLEARED: device status 0x1 clears DRIVER\|FEATURES_OK/);
    expect(JSON.parse(ok(await ctl('guest', 'status', 'cli1', '--reset', '--json')))).toEqual({ device: 'virtio-iommu', status: 0, status_text: '0', needs_reset: '' });
    const areas = (await call(t.host.platform.Platform.Inspect, { iommufd_object: { pid, fd: nic.host.iommufd, id: nic.host.ioas_ids[0] } })).areas;
    expect(areas.map((a) => [a.iova, a.last])).toEqual([['0', String(256n * MiB - 1n)]]); // boot bypass again: guest RAM identity-mapped, the MAP gone
    expect(ok(await ctl('guest', 'status', 'cli1', '--device', 'net0'))).toBe('net0: status 0x0 (0)\n');

    // stop: every host object goes; delete
    expect(ok(await ctl('vm', 'stop', 'cli1'))).toBe('stopped cli1\n');
    expect(JSON.parse(ok(await ctl('vm', 'get', 'cli1', '--json'))).state).toBe('VM_STATE_STOPPED');
    expect(ok(await ctl('vm', 'delete', 'cli1'))).toBe('deleted cli1\n');
    const after = await call(t.host.platform.Platform.Inspect, { host: true });
    expect(after.pinned).toEqual({ pages: '0', bytes: '0' });
    expect(after.page_tables).toEqual([]);
    expect((await call(t.v.Vmm.ListVms, {})).vms).toEqual([]);
  }, 180_000);

  it('failures: exit 1 and one line `iommu-twin: <STATUS> <reason>: <message>`', async () => {
    const [eperm, nosuch, unreachable, notoken, badlen, enodev, badsize] = await Promise.all([
      cli(['ctl', ...conn(), '--host-token', 'tok-qemu', 'describe']),
      ctl('vm', 'start', 'nosuch'),
      cli(['ctl', '--host', '127.0.0.1:1', '--host-token', 'x', 'describe']),
      cli(['ctl', '--host', '127.0.0.1:1', '--tokens-dir', path.join(dir, 'none'), 'describe']),
      ctl('guest', 'dma', 'nosuch', 'nic0', '--iova', '0', '--length', '2', '--write-text', 'x'),
      ctl('inspect', '--bdf', '0000:99:00.0'),
      ctl('guest', 'map', 'nosuch', '--domain', '1', '--iova', '0', '--gpa', '0', '--size', '12q'),
    ]);
    expect(failed(eperm)).toBe('iommu-twin: PERMISSION_DENIED EPERM: qemu lacks the platform role');
    expect(eperm.stdout).toBe('');
    expect(failed(nosuch)).toBe("iommu-twin: NOT_FOUND VM_NOT_FOUND: no VM named 'nosuch'");
    expect(failed(unreachable)).toMatch(/^iommu-twin: UNAVAILABLE UNREACHABLE: host-iommu at 127\.0\.0\.1:1: /);
    expect(failed(notoken)).toBe(
      `iommu-twin: UNAUTHENTICATED NO_TOKEN: no --host-token given and no host-iommu tokens file ${path.join(dir, 'none', 'host-iommu-127.0.0.1_1.tokens.json')} (start \`iommu-twin up\`, or pass --host-token / --tokens-dir)`,
    );
    expect(failed(badlen)).toBe('iommu-twin: INVALID_ARGUMENT BAD_LENGTH: --length 2 but the data is 1 bytes');
    expect(failed(enodev)).toBe('iommu-twin: NOT_FOUND ENODEV: no PCI device 0000:99:00.0');
    expect(failed(badsize)).toBe("iommu-twin: INVALID_ARGUMENT BAD_NUMBER: --size: '12q' is not a u64 (decimal, 0x hex, or a size like 64KiB)");
  }, 60_000);
});

describe('iommu-twin demo', () => {
  it('runs the scripted scenario end to end against the services and exits 0', async () => {
    const r = await cli(['demo', ...conn(), '--vm-name', 'demo-test'], 90_000);
    const out = ok(r);
    expect(out.split('\n')[0]).toBe(`iommu-twin demo against host-iommu ${t.host.srv.addr} and vmm ${t.vmm.addr}`);
    expect(out.match(/^ ?\d+\. /gm)).toHaveLength(13);
    expect(out).not.toMatch(/FAIL/);
    expect(out).toMatch(/^ {4}ok {3}the first access missed the IOTLB and walked the page table; later ones hit$/m);
    expect(out).toMatch(/^ {4}ok {3}pinned bytes back to their value before the demo$/m);
    expect(out.trimEnd().split('\n').pop()).toBe('demo: all 13 steps held');
    const after = await call(t.host.platform.Platform.Inspect, { host: true });
    expect(after.pinned).toEqual({ pages: '0', bytes: '0' });
    expect((await call(t.v.Vmm.ListVms, {})).vms).toEqual([]);
  }, 120_000);

  it('--scene smmuv3 against an arm-smmuv3 twin: probe, bring-up, attach, DMA, F_TRANSLATION from the EVTQ, stale until TLBI, CERROR_ILL recovery, then the NIC behind accel (--json)', async () => {
    const arm = await startTestTwin('arm-smmuv3');
    try {
      const armConn = ['--host', arm.host.srv.addr, '--vmm', arm.vmm.addr, '--host-token', 'tok-root', '--vmm-token', 'vmm-root'];
      const rep = JSON.parse(ok(await cli(['demo', ...armConn, '--scene', 'smmuv3', '--vm-name', 'demo-smmu', '--json'], 90_000))) as {
        ok: boolean;
        scene: string;
        vm: string;
        steps: Array<{ step: number; title: string; ok: boolean; notes: string[]; checks: Array<{ what: string; ok: boolean }> }>;
      };
      expect({ ok: rep.ok, scene: rep.scene, vm: rep.vm, steps: rep.steps.length }).toEqual({ ok: true, scene: 'smmuv3', vm: 'demo-smmu', steps: 17 });
      expect(rep.steps.flatMap((st) => st.checks).filter((c) => !c.ok)).toEqual([]);
      const notes = (i: number) => rep.steps[i - 1]!.notes;
      // the VM spec asks for stage 1 only: IDR0 decoded with S1P and without S2P
      expect(notes(3)[0]).toMatch(/^IDR0 0x[0-9a-f]{8}: S1P (?!.*S2P).*; ST_LVL (2-level|linear), TTF AArch64, ASID (8|16) bits/);
      expect(notes(3)).toContainEqual(expect.stringMatching(/^IIDR 0x[0-9a-f]{8}, AIDR 0x[0-9a-f]{8} \(SMMUv3\.\d\)$/));
      // virtio-net at 0000:00:04.0 = StreamID 0x20; the F_TRANSLATION record bytes as the architecture lays them out
      const rec = Buffer.from(encodeEvent({ id: 0x10, sid: 0x20, rnw: true, cls: 2, inputAddr: 0x8010_0000n })).toString('hex');
      expect(notes(7)).toContain(`EVTQ record: F_TRANSLATION: SID 0x20, read, CLASS IN, InputAddr 0x80100000 [${rec}]`);
      expect(notes(8)).toContain('the leaf PTE now reads 0x0; net0 at IOVA 0x80000010: read "guest data for virtio-net"');
      // TLBI_NH_VA, ASID 1, leaf, TG 4K, TTL 3 (RIL) at the IOVA
      const [w0, w1] = cmdTlbi(OP.TLBI_NH_VA, { asid: 1, leaf: true, tg: 1, ttl: 3, addr: 0x8000_0000n });
      expect(notes(9)[0]!.split('; ')[0]).toBe(`sent [0x${w0.toString(16)}, 0x${w1.toString(16)}] + CMD_SYNC`);
      expect(notes(10)[0]).toMatch(/CMDQ_CONS 0x01[0-9a-f]{6} \(ERR 1\); GERROR \^ GERRORN = 0x00000001;/);
      // part two: the host fault of the assigned NIC reaches the guest EVTQ with its StreamID (0000:00:03.0 = 0x18), CLASS TT (the host's stage-1 walk)
      const hostRec = Buffer.from(encodeEvent({ id: 0x10, sid: 0x18, rnw: true, cls: 1, inputAddr: 0x8000_0020n })).toString('hex');
      expect(notes(15)).toContain(`guest EVTQ record: F_TRANSLATION: SID 0x18, read, CLASS TT, InputAddr 0x80000020 [${hostRec}]`);
      expect((await call(arm.host.platform.Platform.Inspect, { host: true })).pinned).toEqual({ pages: '0', bytes: '0' });
      expect((await call(arm.v.Vmm.ListVms, {})).vms).toEqual([]);
    } finally {
      await arm.close();
    }
  }, 120_000);

  it('--scene smmuv3 against an x86 host says it needs an Arm host and exits 1', async () => {
    const r = await cli(['demo', ...conn(), '--scene', 'smmuv3']);
    expect(r.stdout).toMatch(/^ {4}FAIL an Arm host with an SMMUv3 \(this host is x86_64, profile intel-vtd: start the twin with `iommu-twin up --profile arm-smmuv3`\)$/m);
    expect(failed(r)).toBe(
      'iommu-twin: FAILED_PRECONDITION DEMO_FAILED: step 1 (Describe the host (Platform.Describe): the scene needs an Arm host with an SMMUv3) failed: an Arm host with an SMMUv3 (this host is x86_64, profile intel-vtd: start the twin with `iommu-twin up --profile arm-smmuv3`)',
    );
    expect((await call(t.v.Vmm.ListVms, {})).vms).toEqual([]);
  }, 60_000);
});

describe('ctl over TLS', () => {
  it('verifies the host-iommu with --tls-ca; without it the TLS server is unreachable', async () => {
    const pki = path.join(dir, 'pki');
    mkdirSync(pki);
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'self.key', '-out', 'self.pem', '-days', '1', '-subj', '/CN=twin.test', '-addext', 'subjectAltName=IP:127.0.0.1'], {
      cwd: pki,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const credentials = grpc.ServerCredentials.createSsl(null, [{ cert_chain: readFileSync(path.join(pki, 'self.pem')), private_key: readFileSync(path.join(pki, 'self.key')) }], false);
    const srv = await startHostServer({ listen: '127.0.0.1:0', profile: 'arm-smmuv3', tokens: { ...TOKENS }, logger: pino({ level: 'silent' }), credentials });
    try {
      const [tls, plain] = await Promise.all([
        cli(['ctl', '--host', srv.addr, '--host-token', 'tok-root', '--tls-ca', path.join(pki, 'self.pem'), 'describe', '--json']),
        cli(['ctl', '--host', srv.addr, '--host-token', 'tok-root', 'describe']),
      ]);
      expect(JSON.parse(ok(tls)).profile).toBe('arm-smmuv3');
      expect(failed(plain)).toMatch(new RegExp(`^iommu-twin: UNAVAILABLE UNREACHABLE: host-iommu at ${srv.addr.replace(/\./g, '\\.')}: `));
      const badCa = failed(await cli(['ctl', '--host', srv.addr, '--host-token', 'tok-root', '--tls-ca', path.join(pki, 'missing.pem'), 'describe']));
      expect(badCa).toBe(`iommu-twin: INVALID_ARGUMENT BAD_TLS: TLS CA ${path.join(pki, 'missing.pem')}: ENOENT: no such file or directory, open '${path.join(pki, 'missing.pem')}'`);
    } finally {
      await srv.close(500);
    }
  }, 60_000);
});
