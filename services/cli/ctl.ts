/**
 * `iommu-twin ctl`: an orchestrator and inspector against running services.
 *
 *   ctl describe                          the host: units, devices, groups
 *   ctl vm create -f vm.yaml [--start]    CreateVm from a YAML VmSpec (snake_case, as in the proto)
 *   ctl vm start NAME                     open /dev/iommu and the VFIO cdevs as root, SendFd them
 *                                         into the VM's host process, StartVm with passed_fds
 *   ctl vm list | get (show) | stop | delete; ctl vm create --incoming (a migration destination)
 *   ctl vm check-migration NAME --to VMM  CheckMigration: every violation and the plan, exit 1 if incompatible
 *   ctl migrate NAME --to VMM --to-host HOST   prepare the destination as libvirt does (CreateVm
 *                                         incoming, fds passed there), then Migrate with progress
 *   ctl guest features | status | attach | detach | map | unmap | mem | dma   what the guest does
 *   ctl guest regs | vtd-device | iotlb   intel-iommu registers, a device's entry chain, the caches
 *   ctl inspect [--bdf B | --unit U | --vm NAME]                       Platform.Inspect
 *   ctl events [--vm NAME] [--after N] [--count N] [--idle-ms MS]      host / guest event streams
 *
 * Connection: --host/--vmm addresses, --host-token/--vmm-token, or the root tokens `iommu-twin
 * up` wrote into --tokens-dir; plaintext, or TLS with --tls-ca (and --tls-cert/--tls-key for mTLS). Output: tables, or JSON with --json. Failure: exit code 1 and one
 * line `iommu-twin: <STATUS> <reason>: <message>` on stderr.
 */
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { Command } from 'commander';
import YAML from 'yaml';
import { TokenTable } from '#libs/rpc/auth.js';
import { call, callMeta, createClients, createVmmClients, type HostClients, type UnaryMethod, type VmmClients } from '#libs/rpc/client.js';
import type { DescribeResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/DescribeResponse.js';
import type { InspectRequest } from '#libs/rpc/gen/iommutwin/host/v1/InspectRequest.js';
import type { InspectResponse__Output } from '#libs/rpc/gen/iommutwin/host/v1/InspectResponse.js';
import type { DmaResponse__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/DmaResponse.js';
import type { VirtioIommuRequestResponse__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/VirtioIommuRequestResponse.js';
import type { VmInfo__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/VmInfo.js';
import type { VmSpec, VmSpec__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/VmSpec.js';
import type { MigrateRequest } from '#libs/rpc/gen/iommutwin/vmm/v1/MigrateRequest.js';
import type { MigrateResponse__Output } from '#libs/rpc/gen/iommutwin/vmm/v1/MigrateResponse.js';
import { packageDefinition } from '#libs/rpc/proto.js';
import { channelCredentialsFromFiles } from '#libs/rpc/tls.js';
import { U64_MAX } from '#libs/u64/index.js';
import { hostDescriptionOf } from '../vmm/src/hostlink/hostlink.js';
import { parseVmSpec } from '../vmm/src/machine/config.js';
import { placeOnHost } from '../vmm/src/migration/check.js';
import { VTD_FR } from '../vmm/src/viommu/intel-iommu/reasons.js';
import { VTD_REGISTERS } from '../vmm/src/viommu/intel-iommu/regs.js';
import { A as SMMU_REGS } from '../vmm/src/viommu/smmuv3/regs.js';
import { statusText } from '../vmm/src/viommu/virtio-status.js';
import {
  CliError,
  bytesApprox,
  bytesPreview,
  errorLine,
  migrateBar,
  migrateLine,
  renderCheckMigration,
  hex,
  jsonLine,
  jsonText,
  renderBaseline,
  renderDescribe,
  renderGuestEvent,
  renderHostEvent,
  renderInspect,
  renderVm,
  renderVmList,
  renderSmmuInspect,
  renderSmmuRegisters,
  renderVtdCaches,
  renderVtdDevice,
  smmuEventText,
  renderVtdRegisters,
  virtioFaultFlags,
  virtioFaultReason,
  vtdFaultReasonText,
  vtdRegisterText,
  type TaggedServiceError,
} from './format.js';

export const DEFAULT_HOST = '127.0.0.1:50051';
export const DEFAULT_VMM = '127.0.0.1:50052';
/** Where `iommu-twin up` writes token files unless told otherwise. */
export const defaultTokensDir = (): string => join(tmpdir(), 'iommu-twin');

/** Unary deadline of every CLI call. */
const CALL_DEADLINE_MS = 30_000;
/** Lease of the orchestrator's own host process (renewed by every call; it exits at the end). */
const ORCHESTRATOR_LEASE_MS = 60_000;

const O_RDWR = 2;
/** virtio-iommu MAP flags. */
export const VIRTIO_IOMMU_MAP_F_READ = 1;
export const VIRTIO_IOMMU_MAP_F_WRITE = 2;
export const VIRTIO_IOMMU_MAP_F_MMIO = 4;
export const VIRTIO_F_VERSION_1 = 1n << 32n;
export const VIRTIO_F_ACCESS_PLATFORM = 1n << 33n;
export const VIRTIO_IOMMU_STATUS = ['OK', 'IOERR', 'UNSUPP', 'DEVERR', 'INVAL', 'RANGE', 'NOENT', 'FAULT', 'NOMEM'].map((s) => `VIRTIO_IOMMU_S_${s}`);

// ------------------------------------------------------------------ argument parsing

const SIZE_UNITS: Record<string, bigint> = { '': 1n, b: 1n, k: 1n << 10n, m: 1n << 20n, g: 1n << 30n, t: 1n << 40n };

/**
 * A u64 from the command line or a spec: decimal, `0x` hex, or a size with a binary unit
 * (`64K`, `64KiB`, `16MiB`, `1G`, `2TiB`; KB/MB/… are binary too). `_` and `,` separators allowed.
 */
export function parseU64Arg(v: unknown, what: string): bigint {
  let n: bigint | undefined;
  if (typeof v === 'bigint') n = v;
  else if (typeof v === 'number') n = Number.isSafeInteger(v) ? BigInt(v) : undefined;
  else if (typeof v === 'string') {
    const s = v.trim().replace(/[_,]/g, '');
    let m: RegExpExecArray | null;
    if (/^0x[0-9a-f]+$/i.test(s)) n = BigInt(s);
    else if ((m = /^([0-9]+)\s*([kmgt]?)(?:i?b)?$/i.exec(s))) n = BigInt(m[1]!) * SIZE_UNITS[m[2]!.toLowerCase()]!;
  }
  if (n === undefined || n < 0n || n > U64_MAX) throw new CliError('INVALID_ARGUMENT', 'BAD_NUMBER', `${what}: '${String(v)}' is not a u64 (decimal, 0x hex, or a size like 64KiB)`);
  return n;
}

function parseU32Arg(v: unknown, what: string): number {
  const n = parseU64Arg(v, what);
  if (n > 0xffffffffn) throw new CliError('INVALID_ARGUMENT', 'BAD_NUMBER', `${what}: ${String(v)} does not fit in 32 bits`);
  return Number(n);
}

/** A PCI address `[dddd:]bb:dd.f` (segment 0) as a requester id: bus << 8 | dev << 3 | fn. */
export function parseBdfArg(v: string): number {
  const m = /^(?:([0-9a-f]{4}):)?([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/i.exec(v.trim());
  if (!m || (m[1] !== undefined && parseInt(m[1], 16) !== 0) || parseInt(m[3]!, 16) > 0x1f) {
    throw new CliError('INVALID_ARGUMENT', 'BAD_BDF', `'${v}' is not a PCI address [0000:]bb:dd.f (device ≤ 1f)`);
  }
  return (parseInt(m[2]!, 16) << 8) | (parseInt(m[3]!, 16) << 3) | Number(m[4]);
}

/** Hex bytes (`0x` prefix, spaces and `:` allowed). */
export function parseHexBytes(v: string, what: string): Buffer {
  const s = v.trim().replace(/^0x/i, '').replace(/[\s:]/g, '');
  if (s.length === 0 || s.length % 2 !== 0 || !/^[0-9a-f]+$/i.test(s)) throw new CliError('INVALID_ARGUMENT', 'BAD_HEX', `${what}: '${v}' is not an even number of hex digits`);
  return Buffer.from(s, 'hex');
}

// ------------------------------------------------------------------ the VM spec (YAML)

type Descriptor = { type: { field: FieldDescriptor[]; value?: Array<{ name: string; number: number }> }; format: string };
interface FieldDescriptor {
  name: string;
  type: string;
  typeName: string;
  label: string;
}

function lookupType(typeName: string, scope: string): { fullName: string; def: Descriptor } {
  const parts = scope.split('.');
  for (let i = parts.length; i >= 0; i--) {
    const fullName = [...parts.slice(0, i), typeName].join('.');
    const def = Object.hasOwn(packageDefinition, fullName) ? (packageDefinition as unknown as Record<string, Descriptor | undefined>)[fullName] : undefined;
    if (def && def.format?.startsWith('Protocol Buffer 3')) return { fullName, def };
  }
  throw new Error(`cli: proto type ${typeName} not found from ${scope}`);
}

const packageOf = (fullName: string): string => fullName.slice(0, fullName.lastIndexOf('.'));

/** Aliases accepted in a VM spec file (message → key → proto field); Maps: keys come from the file. */
const FIELD_ALIASES: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map([['iommutwin.vmm.v1.VmSpec', new Map([['memory', 'memory_bytes']])]]);

function specError(path: string, message: string): CliError {
  return new CliError('INVALID_ARGUMENT', 'BAD_SPEC', `${path}: ${message}`);
}

function normaliseEnum(v: unknown, def: Descriptor, path: string): string {
  const values = def.type.value ?? [];
  if (typeof v === 'number' || typeof v === 'bigint') {
    const e = values.find((x) => x.number === Number(v));
    if (e) return e.name;
  } else if (typeof v === 'string') {
    const s = v.trim().toUpperCase().replace(/-/g, '_');
    const names = values.map((x) => x.name);
    // the enum's own prefix: VIOMMU_MODEL_UNSPECIFIED → VIOMMU_MODEL_
    const prefix = names[0]?.endsWith('_UNSPECIFIED') ? names[0].slice(0, -'UNSPECIFIED'.length) : '';
    if (names.includes(s)) return s;
    if (names.includes(prefix + s)) return prefix + s;
  }
  const short = values.map((x) => x.name).filter((n) => !n.endsWith('_UNSPECIFIED'));
  throw specError(path, `'${String(v)}' is not one of ${short.join(', ')}`);
}

function normaliseValue(v: unknown, f: FieldDescriptor, scope: string, path: string): unknown {
  switch (f.type) {
    case 'TYPE_MESSAGE': {
      const { fullName } = lookupType(f.typeName, scope);
      return normaliseMessage(v, fullName, path);
    }
    case 'TYPE_ENUM':
      return normaliseEnum(v, lookupType(f.typeName, scope).def, path);
    case 'TYPE_UINT64':
    case 'TYPE_FIXED64':
      return parseU64WithPath(v, path).toString(10);
    case 'TYPE_UINT32':
    case 'TYPE_FIXED32': {
      const n = parseU64WithPath(v, path);
      if (n > 0xffffffffn) throw specError(path, `${n} does not fit in 32 bits`);
      return Number(n);
    }
    case 'TYPE_INT32':
    case 'TYPE_SINT32':
    case 'TYPE_SFIXED32': {
      const n = typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : NaN;
      if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) throw specError(path, `'${String(v)}' is not a 32-bit integer`);
      return n;
    }
    case 'TYPE_BOOL':
      if (typeof v !== 'boolean') throw specError(path, `'${String(v)}' is not true or false`);
      return v;
    case 'TYPE_STRING':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'bigint') return String(v);
      throw specError(path, 'expected a string');
    case 'TYPE_BYTES':
      if (typeof v !== 'string') throw specError(path, 'expected hex bytes');
      return parseHexBytes(v, path);
    default:
      throw specError(path, `field type ${f.type} is not supported in spec files`);
  }
}

function parseU64WithPath(v: unknown, path: string): bigint {
  try {
    return parseU64Arg(v, path);
  } catch {
    throw specError(path, `'${String(v)}' is not a u64 (decimal, 0x hex, or a size like 512MiB)`);
  }
}

function normaliseMessage(v: unknown, fullName: string, path: string): Record<string, unknown> {
  if (v === null || v === undefined) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw specError(path || 'spec', 'expected a mapping');
  const { def } = lookupType(fullName, '');
  const fields = def.type.field;
  const aliases = FIELD_ALIASES.get(fullName);
  const scope = packageOf(fullName);
  const out: Record<string, unknown> = {};
  for (const [rawKey, x] of Object.entries(v as Record<string, unknown>)) {
    const key = aliases?.get(rawKey) ?? rawKey;
    const p = path ? `${path}.${rawKey}` : rawKey;
    const f = fields.find((y) => y.name === key);
    if (!f) throw specError(p, `unknown field (${fullName.split('.').pop()} has ${fields.map((y) => y.name).join(', ')})`);
    if (Object.hasOwn(out, key)) throw specError(p, `given twice (${key})`);
    if (x === null || x === undefined) continue;
    if (f.label === 'LABEL_REPEATED') {
      if (!Array.isArray(x)) throw specError(p, 'expected a list');
      out[key] = x.map((e, i) => normaliseValue(e, f, scope, `${p}[${i}]`));
    } else out[key] = normaliseValue(x, f, scope, p);
  }
  return out;
}

/**
 * A VM spec document (YAML or JSON, snake_case field names as in `iommutwin.vmm.v1.VmSpec`) as
 * the wire message: enums accept short names (`VIRTIO_IOMMU`, `virtio-iommu`, `EMULATED`, `net`),
 * u64 fields accept decimal, hex and sizes (`memory_bytes: 512MiB`; `memory` is an alias).
 * Unknown fields are refused.
 */
export function parseVmSpecText(text: string, source = 'spec'): VmSpec {
  let doc: unknown;
  try {
    doc = YAML.parse(text, { intAsBigInt: true });
  } catch (e) {
    throw new CliError('INVALID_ARGUMENT', 'BAD_SPEC', `${source}: not YAML: ${(e as Error).message}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new CliError('INVALID_ARGUMENT', 'BAD_SPEC', `${source}: expected a mapping (a VmSpec)`);
  try {
    return normaliseMessage(doc, 'iommutwin.vmm.v1.VmSpec', '') as VmSpec;
  } catch (e) {
    if (e instanceof CliError) throw new CliError(e.status, e.reason, `${source}: ${e.message}`);
    throw e;
  }
}

export function readVmSpecFile(path: string): VmSpec {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError('INVALID_ARGUMENT', (e as NodeJS.ErrnoException).code ?? 'UNREADABLE', `cannot read VM spec ${path}: ${(e as Error).message}`);
  }
  return parseVmSpecText(text, path);
}

// ------------------------------------------------------------------ connection

export interface ConnectionOptions {
  host: string;
  vmm: string;
  hostToken?: string;
  vmmToken?: string;
  tokensDir: string;
  /** TLS to both services: CA bundle verifying them, and a client certificate/key for mTLS. */
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
}

const fileSafe = (addr: string): string => addr.replace(/[^0-9A-Za-z.]/g, '_');

/** The token files `iommu-twin up` writes for these addresses. */
export function tokenFiles(o: Pick<ConnectionOptions, 'host' | 'vmm' | 'tokensDir'>): { host: string; vmm: string } {
  return {
    host: join(o.tokensDir, `host-iommu-${fileSafe(o.host)}.tokens.json`),
    vmm: join(o.tokensDir, `vmm-${fileSafe(o.vmm)}.tokens.json`),
  };
}

function rootTokenFrom(file: string, service: string, flag: string): string {
  if (!existsSync(file)) {
    throw new CliError('UNAUTHENTICATED', 'NO_TOKEN', `no ${flag} given and no ${service} tokens file ${file} (start \`iommu-twin up\`, or pass ${flag} / --tokens-dir)`);
  }
  let tokens: TokenTable;
  try {
    tokens = TokenTable.fromFile(file);
  } catch (e) {
    throw new CliError('UNAUTHENTICATED', 'BAD_TOKENS_FILE', (e as Error).message);
  }
  const t = tokens.tokenOf('root');
  if (!t) throw new CliError('UNAUTHENTICATED', 'NO_TOKEN', `${file} holds no token of principal root (pass ${flag})`);
  return t;
}

let warningFilterInstalled = false;
/**
 * grpc-js passes an IP address as the TLS server name when the target is an IP (it still checks
 * the certificate's IP SAN); Node then prints DEP0123 on stderr. That line is noise for a CLI
 * whose failures are exactly one stderr line: drop that one warning, keep every other.
 */
function quietIpServernameWarning(): void {
  if (warningFilterInstalled) return;
  warningFilterInstalled = true;
  const emit = process.emitWarning.bind(process) as (...a: unknown[]) => void;
  process.emitWarning = ((...args: unknown[]) => {
    const [, typeOrOpts, code] = args;
    const c = typeof typeOrOpts === 'object' && typeOrOpts !== null ? (typeOrOpts as { code?: string }).code : code;
    if (c === 'DEP0123') return;
    emit(...args);
  }) as typeof process.emitWarning;
}

async function tagged<T>(p: Promise<T>, target: string): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof Error && typeof (e as { code?: unknown }).code === 'number') (e as TaggedServiceError).target = target;
    throw e;
  }
}

/**
 * One CLI run's connections: host-iommu and vmm clients made on first use (so a host-only
 * command needs no vmm token), and the orchestrator's root host process (spawned once, exited
 * at close).
 */
export class Session {
  private hostClients: HostClients | undefined;
  private vmmClients: VmmClients | undefined;
  private orchestratorPid: Promise<number> | undefined;
  private creds: grpc.ChannelCredentials | undefined;
  readonly hostLabel: string;
  readonly vmmLabel: string;

  constructor(readonly opts: ConnectionOptions) {
    this.hostLabel = `host-iommu at ${opts.host}`;
    this.vmmLabel = `vmm at ${opts.vmm}`;
  }

  /** Plaintext, or TLS when --tls-ca/--tls-cert/--tls-key are given. */
  private credentials(): { credentials?: grpc.ChannelCredentials } {
    const { tlsCa, tlsCert, tlsKey } = this.opts;
    if (tlsCa === undefined && tlsCert === undefined && tlsKey === undefined) return {};
    if (!this.creds) {
      quietIpServernameWarning();
      try {
        this.creds = channelCredentialsFromFiles({ ...(tlsCa !== undefined ? { ca: tlsCa } : {}), ...(tlsCert !== undefined ? { cert: tlsCert } : {}), ...(tlsKey !== undefined ? { key: tlsKey } : {}) });
      } catch (e) {
        throw new CliError('INVALID_ARGUMENT', 'BAD_TLS', (e as Error).message);
      }
    }
    return { credentials: this.creds };
  }

  get host(): HostClients {
    if (!this.hostClients) {
      const token = this.opts.hostToken ?? rootTokenFrom(tokenFiles(this.opts).host, 'host-iommu', '--host-token');
      this.hostClients = createClients(this.opts.host, { token, defaultDeadlineMs: CALL_DEADLINE_MS, ...this.credentials() });
    }
    return this.hostClients;
  }

  get vmm(): VmmClients {
    if (!this.vmmClients) {
      const token = this.opts.vmmToken ?? rootTokenFrom(tokenFiles(this.opts).vmm, 'vmm', '--vmm-token');
      this.vmmClients = createVmmClients(this.opts.vmm, { token, defaultDeadlineMs: CALL_DEADLINE_MS, ...this.credentials() });
    }
    return this.vmmClients;
  }

  /** A unary host-iommu call (errors name the service). */
  hcall<Req, Res>(method: UnaryMethod<Req, Res>, req: Req, md?: grpc.Metadata): Promise<Res> {
    return tagged(call(method, req, md), this.hostLabel);
  }

  /** A unary vmm call (errors name the service). */
  vcall<Req, Res>(method: UnaryMethod<Req, Res>, req: Req): Promise<Res> {
    return tagged(call(method, req), this.vmmLabel);
  }

  /** The orchestrator's root host process (libvirtd's role), spawned on first use. */
  orchestrator(): Promise<number> {
    this.orchestratorPid ??= this.hcall(this.host.Process.Spawn, { name: 'iommu-twin-ctl', lease_ms: ORCHESTRATOR_LEASE_MS }).then((r) => r.pid);
    return this.orchestratorPid;
  }

  /** Open `path` as the root orchestrator, SendFd it into `pid`, close root's copy: the fd in `pid`. */
  async pass(path: string, pid: number): Promise<number> {
    const me = await this.orchestrator();
    const { fd } = await this.hcall(this.host.Process.Open, { path, flags: O_RDWR }, callMeta(me));
    try {
      return (await this.hcall(this.host.Process.SendFd, { fd, target_pid: pid }, callMeta(me))).target_fd;
    } finally {
      await this.hcall(this.host.Process.Close, { fd }, callMeta(me));
    }
  }

  async close(): Promise<void> {
    if (this.orchestratorPid) {
      const pid = await this.orchestratorPid.catch(() => undefined);
      if (pid !== undefined) await this.hcall(this.host.Process.Exit, { pid }).catch(() => undefined);
    }
    this.hostClients?.close();
    this.vmmClients?.close();
  }
}

// ------------------------------------------------------------------ operations (shared with demo)

export async function getVm(s: Session, name: string): Promise<VmInfo__Output> {
  return (await s.vcall(s.vmm.Vmm.GetVm, { name })).vm!;
}

const hasFd = (fd: number | null | undefined): boolean => fd !== undefined && fd !== null;

/**
 * What libvirt does before starting QEMU: for every iommufd object and VFIO device of the spec
 * without an fd, open the node as root and SendFd it into the VM's host process; then StartVm
 * with passed_fds. If the start fails, the passed fds are closed again in the VM process.
 */
export async function startVm(s: Session, name: string): Promise<{ vm: VmInfo__Output; passed: Record<string, number>; paths: Record<string, string> }> {
  const info = await getVm(s, name);
  // an INCOMING VM (a migration destination) takes its fds the same way: StartVm only records them
  if (info.state !== 'VM_STATE_DEFINED' && info.state !== 'VM_STATE_INCOMING') {
    throw new CliError('FAILED_PRECONDITION', 'BAD_STATE', `VM ${name} is ${info.state.replace('VM_STATE_', '')}, not DEFINED (or INCOMING)`);
  }
  const spec = info.spec!;
  const pid = info.host_pid;
  const need = await nodesToPass(s, spec);
  // keyed by ids from the VM spec: null-prototype records, so an id such as `constructor` is just a key
  const passed = Object.create(null) as Record<string, number>;
  const paths = Object.create(null) as Record<string, string>;
  try {
    for (const n of need) {
      passed[n.id] = await s.pass(n.path, pid);
      paths[n.id] = n.path;
    }
    const r = await s.vcall(s.vmm.Vmm.StartVm, { name, passed_fds: passed });
    return { vm: r.vm!, passed, paths };
  } catch (e) {
    // the VM did not take them: close what was put into its process
    for (const fd of Object.values(passed)) await s.hcall(s.host.Process.Close, { fd }, callMeta(pid)).catch(() => undefined);
    throw e;
  }
}

/**
 * The nodes libvirt opens for a VM before QEMU starts: `/dev/iommu` per iommufd object, and per
 * assigned device its cdev `/dev/vfio/devices/<cdev>`, or with legacy_container its group
 * `/dev/vfio/<group>` (the VM process opens the container itself); those with an fd in the spec
 * are skipped. The host of `s` says which cdev and group a BDF has.
 */
async function nodesToPass(s: Session, spec: VmInfo__Output['spec'] & object): Promise<Array<{ id: string; path: string }>> {
  const need: Array<{ id: string; path: string }> = [];
  for (const o of spec.iommufd_objects) if (!hasFd(o.fd)) need.push({ id: o.id, path: '/dev/iommu' });
  let desc: DescribeResponse__Output | undefined;
  for (const d of spec.devices) {
    if (!d.vfio || hasFd(d.vfio.fd)) continue;
    desc ??= await s.hcall(s.host.Platform.Describe, {});
    need.push(deviceNode(desc, d.id, d.vfio.host_bdf, d.vfio.legacy_container, false));
  }
  return need;
}

/**
 * The node of assigned device `id` (host BDF `hostBdf`) on the host `desc` describes: its VFIO
 * group with `legacyContainer`, else its cdev. `destination`: that host is a migration's
 * destination (said in the errors).
 */
function deviceNode(desc: DescribeResponse__Output, id: string, hostBdf: string, legacyContainer: boolean, destination: boolean): { id: string; path: string } {
  const hd = desc.devices.find((x) => x.bdf === hostBdf);
  if (!hd) throw new CliError('NOT_FOUND', 'NO_SUCH_DEVICE', `device ${id}: ${destination ? 'destination ' : ''}host ${desc.name} has no PCI device ${hostBdf}`);
  if (legacyContainer) return { id, path: `/dev/vfio/${hd.group}` };
  if (!hd.cdev) throw new CliError('FAILED_PRECONDITION', 'NO_CDEV', `device ${id}: ${hd.bdf} has no VFIO cdev${destination ? ` on destination host ${desc.name}` : ''} (driver ${hd.driver})`);
  return { id, path: `/dev/vfio/devices/${hd.cdev}` };
}

/** A virtio-iommu request's status as a failure unless S_OK. */
export function checkVirtioStatus(r: VirtioIommuRequestResponse__Output, what: string): void {
  if (r.status === 0) return;
  if (r.status === undefined || r.status === null) throw new CliError('DEVICE', 'NOT_PROCESSED', `${what}: the device returned the buffers unwritten (used length ${r.used_len})`);
  const name = VIRTIO_IOMMU_STATUS[r.status] ?? `status ${r.status}`;
  throw new CliError('DEVICE', name, `${what}: the virtio-iommu answered ${name} (${r.status})`);
}

/** A DMA outcome that faulted, as a failure. */
export function dmaFaultError(r: DmaResponse__Output, what: string): CliError | undefined {
  if (r.result === 'host_fault' && r.host_fault) {
    const f = r.host_fault;
    return new CliError('DMA_FAULT', f.reason.replace('DMA_FAULT_REASON_', ''), `${what} faulted on the host${f.unit ? ` (${f.unit})` : ''} at ${hex(f.addr)}${f.detail ? `: ${f.detail}` : ''}`);
  }
  if (r.result === 'virtio_fault' && r.virtio_fault) {
    const f = r.virtio_fault;
    return new CliError('DMA_FAULT', virtioFaultReason(f.reason), `${what} faulted in the virtio-iommu at ${hex(f.address)} (endpoint ${hex(f.endpoint)}, flags ${virtioFaultFlags(f.flags)}; reported on the guest's event queue)`);
  }
  if (r.result === 'smmu_fault' && r.smmu_fault) {
    const f = r.smmu_fault;
    const name = f.event_id === 0 ? 'ABORTED' : smmuEventText(f.event_id).split(' ')[0]!;
    return new CliError('DMA_FAULT', name, `${what} faulted in the SMMUv3: ${smmuEventText(f.event_id)} at ${hex(f.address)} (StreamID ${hex(f.sid)}${f.ssid != null ? `, SSID ${f.ssid}` : ''}; ${f.recorded ? 'recorded in the guest EVTQ' : 'not recorded in the guest EVTQ'})`);
  }
  return undefined;
}

export async function endpointOf(s: Session, vm: string, device: string): Promise<number> {
  const info = await getVm(s, vm);
  const d = info.devices.find((x) => x.id === device);
  if (!d) throw new CliError('NOT_FOUND', 'DEVICE_NOT_FOUND', `VM ${vm} has no device '${device}' (it has ${info.devices.map((x) => x.id).join(', ') || 'none'})`);
  return d.endpoint_id;
}

/** Inspect of a VM's host objects: each assigned device's IOAS in the VM's host process. */
export async function inspectVm(s: Session, name: string, entries: boolean, maxEntries: number) {
  const info = await getVm(s, name);
  const devices: Array<{ id: string; host_bdf: string; iommufd: number; ioas_id: number; hwpt_ids: number[]; inspect: InspectResponse__Output }> = [];
  for (const d of info.devices) {
    if (!d.host || d.host.ioas_ids.length === 0) continue;
    const inspect = await s.hcall(s.host.Platform.Inspect, {
      iommufd_object: { pid: info.host_pid, fd: d.host.iommufd, id: d.host.ioas_ids[0]! },
      include_iotlb_entries: entries,
      max_iotlb_entries: maxEntries,
    });
    devices.push({ id: d.id, host_bdf: d.host_bdf, iommufd: d.host.iommufd, ioas_id: d.host.ioas_ids[0]!, hwpt_ids: [...d.host.hwpt_ids], inspect });
  }
  let status: { vm_pinned_bytes: string; vm_locked_bytes: string } | undefined;
  if (info.state === 'VM_STATE_RUNNING') {
    const st = await s.hcall(s.host.Process.GetStatus, { pid: info.host_pid });
    status = { vm_pinned_bytes: st.vm_pinned_bytes, vm_locked_bytes: st.vm_locked_bytes };
  }
  return { vm: name, state: info.state, host_pid: info.host_pid, ...(status ?? {}), devices };
}

/**
 * Reads a server stream until `count` items, `idleMs` without an item (`firstWaitMs` before the
 * first one, default idleMs), the stream's end, or Ctrl-C (with stopOnSigint). Resolves with the
 * number of items.
 */
export function followStream<T>(
  stream: grpc.ClientReadableStream<T>,
  onItem: (item: T) => void,
  opts: { count?: number; idleMs?: number; firstWaitMs?: number; stopOnSigint?: boolean; target: string },
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let n = 0;
    let done = false;
    let idle: NodeJS.Timeout | undefined;
    const onSigint = () => finish();
    const finish = (err?: unknown) => {
      if (done) return;
      done = true;
      if (idle) clearTimeout(idle);
      if (opts.stopOnSigint) process.removeListener('SIGINT', onSigint);
      stream.cancel();
      if (err) reject(err);
      else resolve(n);
    };
    const arm = (ms = opts.idleMs) => {
      if (ms === undefined) return;
      if (idle) clearTimeout(idle);
      idle = setTimeout(() => finish(), ms);
    };
    if (opts.stopOnSigint) process.once('SIGINT', onSigint);
    arm(opts.firstWaitMs ?? opts.idleMs);
    stream.on('data', (item: T) => {
      if (done) return;
      n++;
      try {
        onItem(item);
      } catch (e) {
        finish(e);
        return;
      }
      if (opts.count !== undefined && n >= opts.count) finish();
      else arm();
    });
    stream.on('error', (e: grpc.ServiceError) => {
      if (done) return;
      (e as TaggedServiceError).target = opts.target;
      finish(e);
    });
    stream.on('end', () => finish());
  });
}

// ------------------------------------------------------------------ commands

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('--host <addr>', 'host-iommu address', DEFAULT_HOST)
    .option('--vmm <addr>', 'vmm address', DEFAULT_VMM)
    .option('--host-token <token>', 'host-iommu bearer token (default: the root token in --tokens-dir)')
    .option('--vmm-token <token>', 'vmm bearer token (default: the root token in --tokens-dir)')
    .option('--tokens-dir <dir>', 'where `iommu-twin up` wrote its token files', defaultTokensDir())
    .option('--tls-ca <file>', 'connect over TLS, verifying the services with this PEM CA bundle')
    .option('--tls-cert <file>', 'client certificate for mTLS (needs --tls-key)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--json', 'print JSON (u64 as decimal strings, bytes as hex) instead of tables');
}

type Opts = Record<string, unknown>;

export function connectionOf(o: Opts): ConnectionOptions {
  return {
    host: String(o.host ?? DEFAULT_HOST),
    vmm: String(o.vmm ?? DEFAULT_VMM),
    ...(typeof o.hostToken === 'string' ? { hostToken: o.hostToken } : {}),
    ...(typeof o.vmmToken === 'string' ? { vmmToken: o.vmmToken } : {}),
    tokensDir: String(o.tokensDir ?? defaultTokensDir()),
    ...(typeof o.tlsCa === 'string' ? { tlsCa: o.tlsCa } : {}),
    ...(typeof o.tlsCert === 'string' ? { tlsCert: o.tlsCert } : {}),
    ...(typeof o.tlsKey === 'string' ? { tlsKey: o.tlsKey } : {}),
  };
}

const out = (s: string): void => {
  process.stdout.write(s);
};

/**
 * A commander action running `fn` with a Session: errors become exit code 1 and one line on
 * stderr; the session (clients, orchestrator process) is always closed.
 */
export function action(fn: (s: Session, o: Opts, args: string[]) => Promise<void>) {
  return async (...args: unknown[]): Promise<void> => {
    const cmd = args[args.length - 1] as Command;
    const o = cmd.optsWithGlobals() as Opts;
    const positional = args.slice(0, -2).map((a) => String(a));
    const s = new Session(connectionOf(o));
    try {
      await fn(s, o, positional);
    } catch (e) {
      process.stderr.write(errorLine(e) + '\n');
      process.exitCode = 1;
    } finally {
      await s.close();
    }
  };
}

function mapFlagsText(f: number): string {
  const names = [f & VIRTIO_IOMMU_MAP_F_READ ? 'READ' : '', f & VIRTIO_IOMMU_MAP_F_WRITE ? 'WRITE' : '', f & VIRTIO_IOMMU_MAP_F_MMIO ? 'MMIO' : ''].filter(Boolean);
  return names.join('|') || '0';
}

function dataArg(o: Opts, what: string): Buffer | undefined {
  if (o.write !== undefined && o.writeText !== undefined) throw new CliError('INVALID_ARGUMENT', 'BAD_ARGUMENT', `${what}: give --write or --write-text, not both`);
  if (typeof o.write === 'string') return parseHexBytes(o.write, '--write');
  if (typeof o.writeText === 'string') return Buffer.from(o.writeText, 'utf8');
  return undefined;
}

/**
 * The hosts of `ctl baseline`: its positional arguments and every `--host X` / `--host=X` given
 * after the `baseline` word (ctl's own --host, the host-iommu address, takes them first, so they
 * are read from the command line itself), in command-line order.
 */
export function baselineHostArgs(rawArgs: readonly string[], positional: readonly string[]): string[] {
  const at = rawArgs.indexOf('baseline');
  const flagged: string[] = [];
  if (at >= 0) {
    for (let i = at + 1; i < rawArgs.length; i++) {
      const a = rawArgs[i]!;
      if (a === '--') break;
      if (a === '--host' && i + 1 < rawArgs.length) flagged.push(rawArgs[++i]!);
      else if (a.startsWith('--host=')) flagged.push(a.slice('--host='.length));
    }
  }
  return [...flagged, ...positional];
}

/** A vIOMMU model name as ctl takes it (virtio-iommu, INTEL_IOMMU, smmuv3, ...) → the wire enum. */
export function baselineModelArg(m: string): 'VIOMMU_MODEL_VIRTIO_IOMMU' | 'VIOMMU_MODEL_INTEL_IOMMU' | 'VIOMMU_MODEL_SMMUV3' {
  const s = m.trim().toUpperCase().replace(/-/g, '_').replace(/^VIOMMU_MODEL_/, '');
  if (s === 'VIRTIO_IOMMU' || s === 'INTEL_IOMMU' || s === 'SMMUV3') return `VIOMMU_MODEL_${s}`;
  throw new CliError('INVALID_ARGUMENT', 'BAD_ARGUMENT', `--model '${m}': virtio-iommu, intel-iommu or smmuv3`);
}

/** A --host of `ctl baseline`: a file's text (profile YAML or Describe JSON), else the word itself (a built-in profile name). */
export function readHostArg(arg: string): string {
  if (!existsSync(arg)) return arg;
  try {
    return readFileSync(arg, 'utf8');
  } catch (e) {
    throw new CliError('INVALID_ARGUMENT', (e as NodeJS.ErrnoException).code ?? 'UNREADABLE', `cannot read host ${arg}: ${(e as Error).message}`);
  }
}

// ------------------------------------------------------------------ live migration

/** The tokens file `iommu-twin up` writes for the vmm at `addr` (in --tokens-dir). */
function destinationTokensFile(addr: string, o: Opts): string {
  return tokenFiles({ host: '-', vmm: addr, tokensDir: String(o.tokensDir ?? defaultTokensDir()) }).vmm;
}

/** The root token `iommu-twin up` wrote for the vmm at `addr`, if that file exists. */
function destinationTokenFromFile(addr: string, o: Opts): string | undefined {
  const file = destinationTokensFile(addr, o);
  return existsSync(file) ? rootTokenFrom(file, 'destination vmm', '--to-token') : undefined;
}

function migrationBlocked(vm: string, to: string, n: number): CliError {
  return new CliError('FAILED_PRECONDITION', 'MIGRATION_BLOCKED', `VM ${vm} cannot migrate to ${to}: ${n} violation${n === 1 ? '' : 's'} (listed on stdout); nothing was changed`);
}

/** Deadline of the cleanup of a prepared destination VM (the destination may be gone). */
const CLEANUP_DEADLINE_MS = 5_000;

/**
 * `ctl migrate`: libvirt's order. Begin: CheckMigration on the source (a refusal changes
 * nothing anywhere). Prepare: the destination's INCOMING VM of that name, else CreateVm there
 * with the source's spec (fds left out: they name files of the source's VM process) and
 * `incoming`, its nodes opened as root on the destination host and SendFd'd into its host
 * process, StartVm recording them. Perform: Migrate on the source, its progress shown. A VM this
 * command prepared is deleted again when the migration does not complete.
 */
async function migrateVm(s: Session, o: Opts, name: string, limits: { maxDowntimeMs: number; maxRounds: number; bandwidth: bigint }): Promise<void> {
  const to = String(o.to);
  const uri = typeof o.migrateUri === 'string' ? o.migrateUri : to;
  const token = typeof o.toToken === 'string' ? o.toToken : rootTokenFrom(destinationTokensFile(to, o), 'destination vmm', '--to-token');
  const base = connectionOf(o);
  const dst = new Session({
    ...base,
    vmm: to,
    vmmToken: token,
    host: typeof o.toHost === 'string' ? o.toHost : '',
    ...(typeof o.toHostToken === 'string' ? { hostToken: o.toHostToken } : { hostToken: undefined }),
  });
  const say = (line: string): void => {
    if (!o.json) out(line + '\n');
  };
  let prepared = false;
  try {
    // ---------------------------------------------- begin: the checks (nothing changes on a refusal)
    const info = await getVm(s, name);
    const check = await s.vcall(s.vmm.Vmm.CheckMigration, { name, destination: uri, destination_token: token });
    if (!check.compatible) {
      out(o.json ? jsonLine({ check }) : renderCheckMigration(name, uri, check));
      throw migrationBlocked(name, uri, check.violations.length);
    }
    // ---------------------------------------------- prepare the destination (QEMU -incoming)
    const spec = portableSpecOf(info.spec!);
    const there = (await dst.vcall(dst.vmm.Vmm.ListVms, {})).vms.find((v) => v.spec?.name === name);
    if (there) {
      say(`using the INCOMING VM ${name} prepared on ${dst.vmmLabel} (host pid ${there.host_pid})`);
    } else {
      const needsFds = spec.iommufd_objects.length > 0 || spec.devices.some((d) => d.vfio);
      if (needsFds && typeof o.toHost !== 'string') {
        throw new CliError('INVALID_ARGUMENT', 'NO_DESTINATION_HOST', `VM ${name} needs fds on the destination (${[...spec.iommufd_objects.map((x) => x.id), ...spec.devices.filter((d) => d.vfio).map((d) => d.id)].join(', ')}): give --to-host ADDR (the destination's host-iommu) so ctl opens and passes them as libvirt does`);
      }
      const need = needsFds ? await destinationNodes(dst, spec) : [];
      const created = (await dst.vcall(dst.vmm.Vmm.CreateVm, { spec: spec as VmSpec, incoming: true })).vm!;
      prepared = true;
      const passed = Object.create(null) as Record<string, number>;
      for (const n of need) {
        passed[n.id] = await dst.pass(n.path, created.host_pid);
        say(`passed ${n.path} as fd ${passed[n.id]} in pid ${created.host_pid} for ${n.id}`);
      }
      const started = (await dst.vcall(dst.vmm.Vmm.StartVm, { name, passed_fds: passed })).vm!;
      say(`prepared VM ${name} on ${dst.vmmLabel}: ${started.state.replace('VM_STATE_', '')}, host pid ${started.host_pid}`);
    }
    // ---------------------------------------------- perform
    const last = await followMigrate(s, o, name, { destination: uri, destination_token: token, max_downtime_ms: limits.maxDowntimeMs, max_rounds: limits.maxRounds, bandwidth_bytes_per_s: limits.bandwidth.toString() }, BigInt(spec.memory_bytes ?? '0'));
    if (last?.phase === 'COMPLETED') {
      prepared = false;
      const now = await dst.vcall(dst.vmm.Vmm.GetVm, { name });
      say(`migrated VM ${name} to ${dst.vmmLabel}: ${now.vm!.state.replace('VM_STATE_', '')} there (host pid ${now.vm!.host_pid}); ${last.round} pre-copy round${last.round === 1 ? '' : 's'}, downtime ${last.downtime_ms} ms, ${bytesApprox(last.bytes_sent)} sent for ${bytesApprox(spec.memory_bytes ?? '0')} of RAM`);
      return;
    }
    if (last?.phase === 'FAILED') throw new CliError('ABORTED', 'MIGRATION_FAILED', `${last.detail} (the VM runs on at the source)`);
    throw new CliError('UNAVAILABLE', 'MIGRATION_STREAM_ENDED', `${s.vmmLabel}: the progress stream ended${last ? ` after ${last.phase}` : ''} without COMPLETED or FAILED`);
  } finally {
    if (prepared) {
      // nothing stays on the destination: the VM this command made goes (the destination drops it itself after a failed stream)
      await call(dst.vmm.Vmm.DeleteVm, { name }, new grpc.Metadata(), { deadline: Date.now() + CLEANUP_DEADLINE_MS }).catch(() => undefined);
    }
    await dst.close();
  }
}

/**
 * The nodes to pass into the destination's INCOMING VM: as `nodesToPass`, for the VFIO path each
 * assigned device takes on that host (`placeOnHost`, as CheckMigration plans it: iommufd, or the
 * legacy container where the host has no iommufd path that can track the device's DMA); no
 * `/dev/iommu` on a host without iommufd.
 */
async function destinationNodes(s: Session, spec: VmSpec__Output): Promise<Array<{ id: string; path: string }>> {
  const desc = await s.hcall(s.host.Platform.Describe, {});
  const placed = placeOnHost(parseVmSpec(spec), hostDescriptionOf(desc));
  const need: Array<{ id: string; path: string }> = [];
  if (desc.kernel_features?.iommufd) for (const o of placed.iommufdObjects) if (o.fd === undefined) need.push({ id: o.id, path: '/dev/iommu' });
  for (const d of placed.devices) if (d.kind === 'vfio') need.push(deviceNode(desc, d.id, d.hostBdf, d.legacyContainer, true));
  return need;
}

/** A VmSpec as GetVm shows it, without fds (they are numbers in the source's VM process): the spec to create on the destination. */
export function portableSpecOf(spec: VmSpec__Output): VmSpec__Output {
  const copy = JSON.parse(JSON.stringify(spec)) as VmSpec__Output;
  for (const x of copy.iommufd_objects) delete (x as { fd?: unknown }).fd;
  for (const d of copy.devices) if (d.vfio) delete (d.vfio as { fd?: unknown }).fd;
  return copy;
}

/**
 * Vmm.Migrate's progress stream to its end: a bar redrawn in place on a terminal, else one line
 * per message (`--json`: one JSON object per message). Ctrl-C cancels the call (the source vmm
 * then fails the migration and lets the VM run on). Resolves with the last message.
 */
function followMigrate(s: Session, o: Opts, name: string, req: Omit<MigrateRequest, 'name'>, ramBytes: bigint): Promise<MigrateResponse__Output | undefined> {
  const tty = process.stdout.isTTY === true && !o.json;
  return new Promise((resolve, reject) => {
    let last: MigrateResponse__Output | undefined;
    let interrupted = false;
    const stream = s.vmm.Vmm.Migrate({ name, ...req });
    const onSigint = (): void => {
      interrupted = true;
      stream.cancel();
    };
    process.once('SIGINT', onSigint);
    const done = (): void => {
      process.removeListener('SIGINT', onSigint);
      if (tty && last) out('\n');
    };
    stream.on('data', (m: MigrateResponse__Output) => {
      const phaseChanged = last?.phase !== m.phase;
      last = m;
      if (o.json) out(jsonLine(m));
      else if (!tty) out(migrateLine(m) + '\n');
      else {
        // the bar, redrawn; a finished phase with a detail keeps its own line above it
        if (phaseChanged && m.phase === 'FAILED') out('\n');
        out(`\r${migrateBar(m, ramBytes)}\x1b[K`);
        if (m.phase === 'FAILED') out(`\n${migrateLine(m)}`);
      }
    });
    stream.on('error', (e: grpc.ServiceError) => {
      done();
      if (interrupted) reject(new CliError('CANCELLED', 'MIGRATION_CANCELLED', `interrupted: Migrate of ${name} cancelled${last ? ` during ${last.phase}` : ''}; the source vmm fails the migration and the VM runs on there`));
      else reject(Object.assign(e, { target: s.vmmLabel }));
    });
    stream.on('end', () => {
      done();
      resolve(last);
    });
  });
}

export function registerCtl(program: Command): Command {
  const ctl = program
    .command('ctl')
    .description('orchestrate and inspect running services: describe, VMs (with root-side fd passing), guest actions, inspect, events');
  addConnectionOptions(ctl);

  ctl
    .command('describe')
    .description('the host: kernel features, IOMMU units, PCI devices, IOMMU groups')
    .action(
      action(async (s, o) => {
        const d = await s.hcall(s.host.Platform.Describe, {});
        out(o.json ? jsonText(d) : renderDescribe(d));
      }),
    );

  const baselineCmd = ctl
    .command('baseline [hosts...]')
    .description('ComputeBaseline on the vmm: the richest vIOMMU every host of a pool can back (a viommu: block for a VM YAML), the backend per host and what each host lacks. Hosts (positional or --host, repeatable): a built-in profile name, or a file with profile YAML or a Describe output (ctl describe --json)')
    .requiredOption('--model <model>', 'virtio-iommu | intel-iommu | smmuv3')
    .option('--device <device...>', 'an assigned device of the VM: a host BDF, HOST=BDF[,HOST=BDF...], or a device class (first word of its description, e.g. NIC)');
  baselineCmd.action(
    action(async (s, o) => {
      const hosts = baselineHostArgs((program as unknown as { rawArgs?: string[] }).rawArgs ?? process.argv, ((baselineCmd.processedArgs[0] as string[] | undefined) ?? []).map(String));
      if (hosts.length === 0) throw new CliError('INVALID_ARGUMENT', 'BAD_ARGUMENT', 'baseline: give the pool\'s hosts (--host PROFILE ... or positional)');
      const model = baselineModelArg(String(o.model));
      const devices = Array.isArray(o.device) ? o.device.map(String) : [];
      const r = await s.vcall(s.vmm.Vmm.ComputeBaseline, { hosts: hosts.map(readHostArg), model, devices });
      out(o.json ? jsonText(r) : renderBaseline(r, hosts));
    }),
  );

  // ---------------------------------------------------------------- vm
  const vm = ctl.command('vm').description('VM lifecycle on the vmm');

  vm.command('create')
    .description('CreateVm from a YAML/JSON VmSpec (snake_case as in the proto; memory_bytes may be 512MiB)')
    .requiredOption('-f, --file <vm.yaml>', 'the VM spec')
    .option('--start', 'start it too (with fd passing)')
    .option('--incoming', 'as a live-migration destination (QEMU -incoming): state INCOMING, no guest runs; --start then only records the passed fds')
    .action(
      action(async (s, o) => {
        const spec = readVmSpecFile(String(o.file));
        let info = (await s.vcall(s.vmm.Vmm.CreateVm, { spec, incoming: o.incoming === true })).vm!;
        let passed: Record<string, number> = {};
        if (o.start) ({ vm: info, passed } = await startVm(s, info.spec!.name));
        out(o.json ? jsonText(o.start ? { vm: info, passed_fds: passed } : info) : renderVm(info));
      }),
    );

  vm.command('start <name>')
    .description('open /dev/iommu and the VFIO cdevs as root, SendFd them into the VM host process, StartVm with passed_fds')
    .action(
      action(async (s, o, [name]) => {
        const r = await startVm(s, name!);
        if (o.json) out(jsonText({ vm: r.vm, passed_fds: r.passed }));
        else {
          for (const [id, fd] of Object.entries(r.passed)) out(`passed ${r.paths[id]} as fd ${fd} in pid ${r.vm.host_pid} for ${id}\n`);
          out(renderVm(r.vm));
        }
      }),
    );

  vm.command('list')
    .description('ListVms')
    .action(
      action(async (s, o) => {
        const r = await s.vcall(s.vmm.Vmm.ListVms, {});
        out(o.json ? jsonText(r.vms) : renderVmList(r.vms));
      }),
    );

  vm.command('get <name>')
    .alias('show')
    .description('GetVm: state, devices, host objects')
    .action(
      action(async (s, o, [name]) => {
        const v = await getVm(s, name!);
        out(o.json ? jsonText(v) : renderVm(v));
      }),
    );

  vm.command('check-migration <name>')
    .description('CheckMigration: whether the VM can live-migrate to the vmm at --to (every violation, and the plan per assigned device there); changes nothing, exit 1 when incompatible')
    .requiredOption('--to <addr>', 'the destination vmm (host:port), as the source vmm reaches it')
    .option('--to-token <token>', 'a root token of the destination vmm (default: the root token in --tokens-dir for --to, else the source vmm\'s own)')
    .action(
      action(async (s, o, [name]) => {
        const to = String(o.to);
        const token = typeof o.toToken === 'string' ? o.toToken : destinationTokenFromFile(to, o);
        const r = await s.vcall(s.vmm.Vmm.CheckMigration, { name: name!, destination: to, destination_token: token ?? '' });
        out(o.json ? jsonText(r) : renderCheckMigration(name!, to, r));
        if (!r.compatible) throw migrationBlocked(name!, to, r.violations.length);
      }),
    );

  vm.command('stop <name>')
    .description('StopVm (its host process exits: every host object goes with it)')
    .action(
      action(async (s, o, [name]) => {
        await s.vcall(s.vmm.Vmm.StopVm, { name: name! });
        out(o.json ? jsonText({ name, stopped: true }) : `stopped ${name}\n`);
      }),
    );

  vm.command('delete <name>')
    .description('DeleteVm (stops it first)')
    .action(
      action(async (s, o, [name]) => {
        await s.vcall(s.vmm.Vmm.DeleteVm, { name: name! });
        out(o.json ? jsonText({ name, deleted: true }) : `deleted ${name}\n`);
      }),
    );

  // ---------------------------------------------------------------- live migration
  ctl
    .command('migrate <vm>')
    .description(
      'live-migrate a running VM to the vmm at --to, prepared as libvirt prepares -incoming: CheckMigration first (nothing changes on a refusal), CreateVm with the same spec and incoming on the destination vmm, its fds opened and passed on the destination host (--to-host), then Migrate; a progress bar on a terminal, else one line per phase and round; exit 1 on a refusal or FAILED',
    )
    .requiredOption('--to <addr>', 'the destination vmm (host:port)')
    .option('--to-token <token>', 'a root token of the destination vmm (default: the root token in --tokens-dir for --to)')
    .option('--to-host <addr>', "the destination's host-iommu, where ctl opens the VM's nodes as root and passes them (needed when the VM has iommufd objects or assigned devices)")
    .option('--to-host-token <token>', 'a root token of the destination host-iommu (default: the root token in --tokens-dir for --to-host)')
    .option('--migrate-uri <addr>', "the destination vmm as the source vmm reaches it, when that differs from --to (libvirt's --migrateuri)")
    .option('--max-downtime-ms <n>', 'stop-and-copy once the estimated downtime fits (0: the vmm default, 300)', '0')
    .option('--max-rounds <n>', 'at most this many pre-copy rounds (0: the vmm default, 30)', '0')
    .option('--bandwidth <bytes/s>', 'cap on the migration stream, bytes per second (64MiB, 0x4000000; 0: unlimited)', '0')
    .action(
      action(async (s, o, [name]) => {
        const maxDowntimeMs = parseU32Arg(o.maxDowntimeMs ?? '0', '--max-downtime-ms');
        const maxRounds = parseU32Arg(o.maxRounds ?? '0', '--max-rounds');
        const bandwidth = parseU64Arg(o.bandwidth ?? '0', '--bandwidth');
        await migrateVm(s, o, name!, { maxDowntimeMs, maxRounds, bandwidth });
      }),
    );

  // ---------------------------------------------------------------- guest
  const guest = ctl.command('guest').description('what the guest OS and its drivers do (virtio-iommu requests, memory, device DMA)');

  guest
    .command('features <vm>')
    .description('driver init: accept the offered features (virtio-iommu, or --device for a virtio device)')
    .option('--device <id>', 'a virtio device instead of the virtio-iommu')
    .action(
      action(async (s, o, [name]) => {
        if (typeof o.device === 'string') {
          const info = await getVm(s, name!);
          const d = info.devices.find((x) => x.id === o.device);
          const spec = info.spec?.devices.find((x) => x.id === o.device);
          if (!d || !spec?.virtio) throw new CliError('NOT_FOUND', 'DEVICE_NOT_FOUND', `VM ${name} has no virtio device '${String(o.device)}'`);
          const features = VIRTIO_F_VERSION_1 | (spec.virtio.access_platform ? VIRTIO_F_ACCESS_PLATFORM : 0n);
          const r = await s.vcall(s.vmm.Guest.VirtioSetFeatures, { vm: name!, device_id: d.id, driver_features: features.toString() });
          if (o.json) out(jsonText({ device: d.id, driver_features: features.toString(), features_ok: r.features_ok }));
          else out(`${d.id}: driver features ${hex(features)}: FEATURES_OK ${r.features_ok ? 'set' : 'refused'}\n`);
          if (!r.features_ok) throw new CliError('DEVICE', 'FEATURES_REFUSED', `${d.id} refused driver features ${hex(features)}`);
          return;
        }
        const cfg = await s.vcall(s.vmm.Guest.VirtioIommuConfig, { vm: name! });
        let ok = cfg.features_ok;
        if (!ok) ok = (await s.vcall(s.vmm.Guest.VirtioIommuSetFeatures, { vm: name!, driver_features: cfg.device_features })).features_ok;
        if (o.json) out(jsonText({ device: 'virtio-iommu', driver_features: cfg.features_ok ? cfg.driver_features : cfg.device_features, features_ok: ok, bypass: cfg.bypass }));
        else out(`virtio-iommu: driver features ${hex(cfg.features_ok ? cfg.driver_features : cfg.device_features)}: FEATURES_OK ${ok ? 'set' : 'refused'}${cfg.features_ok ? ' (already)' : ''}; bypass ${cfg.bypass}\n`);
        if (!ok) throw new CliError('DEVICE', 'FEATURES_REFUSED', `the virtio-iommu refused driver features ${hex(cfg.device_features)}`);
      }),
    );

  guest
    .command('status <vm>')
    .description('the virtio device status register (virtio-iommu, or --device for a virtio device); --reset writes 0, --set writes a value')
    .option('--device <id>', 'a virtio device instead of the virtio-iommu')
    .option('--reset', 'device reset (write 0): a virtio-iommu drops every domain and detaches every endpoint')
    .option('--set <value>', 'write this status byte (ACKNOWLEDGE 1, DRIVER 2, DRIVER_OK 4, FEATURES_OK 8, FAILED 128)')
    .action(
      action(async (s, o, [name]) => {
        if (o.reset && o.set !== undefined) throw new CliError('INVALID_ARGUMENT', 'BAD_ARGUMENT', 'give --reset or --set, not both');
        const device_id = typeof o.device === 'string' ? o.device : '';
        const r =
          o.reset || o.set !== undefined
            ? await s.vcall(s.vmm.Guest.VirtioWriteStatus, { vm: name!, device_id, status: o.reset ? 0 : parseU32Arg(o.set, '--set') })
            : await s.vcall(s.vmm.Guest.VirtioReadStatus, { vm: name!, device_id });
        const device = device_id || 'virtio-iommu';
        if (o.json) out(jsonText({ device, status: r.status, status_text: statusText(r.status), needs_reset: r.needs_reset }));
        else out(`${device}: status ${hex(r.status)} (${statusText(r.status)})${r.needs_reset ? `; needs reset: ${r.needs_reset}` : ''}\n`);
      }),
    );

  const endpointArg = async (s: Session, o: Opts, name: string): Promise<number> => {
    if (o.endpoint !== undefined && o.device !== undefined) throw new CliError('INVALID_ARGUMENT', 'BAD_ARGUMENT', 'give --endpoint or --device, not both');
    if (typeof o.device === 'string') return endpointOf(s, name, o.device);
    if (o.endpoint === undefined) throw new CliError('INVALID_ARGUMENT', 'BAD_ARGUMENT', '--endpoint E or --device ID is required');
    return parseU32Arg(o.endpoint, '--endpoint');
  };

  /** One virtio-iommu request: print the outcome, fail unless S_OK (with a hint when the driver never negotiated). */
  const virtioRequest = async (s: Session, o: Opts, name: string, req: Record<string, unknown>, what: string, json: Record<string, unknown>): Promise<void> => {
    const r = await s.vcall(s.vmm.Guest.VirtioIommuRequest, { vm: name, ...req });
    const status = r.status === undefined || r.status === null ? null : (VIRTIO_IOMMU_STATUS[r.status] ?? `status ${r.status}`);
    out(o.json ? jsonText({ ...json, status, status_code: r.status ?? null }) : `${what}: ${status ?? 'not processed'}\n`);
    try {
      checkVirtioStatus(r, what);
    } catch (e) {
      if (e instanceof CliError && r.status === 2) {
        const cfg = await s.vcall(s.vmm.Guest.VirtioIommuConfig, { vm: name });
        if (!cfg.features_ok) throw new CliError(e.status, e.reason, `${e.message} — the driver has not negotiated features yet (run \`ctl guest features ${name}\` first)`);
      }
      throw e;
    }
  };

  guest
    .command('attach <vm>')
    .description('virtio-iommu ATTACH of an endpoint to a domain')
    .requiredOption('--domain <d>', 'domain ID')
    .option('--endpoint <e>', 'endpoint ID (bus << 8 | devfn)')
    .option('--device <id>', "the VM device whose endpoint to attach")
    .option('--bypass', 'VIRTIO_IOMMU_ATTACH_F_BYPASS (a bypass domain)')
    .action(
      action(async (s, o, [name]) => {
        const domain = parseU32Arg(o.domain, '--domain');
        const endpoint = await endpointArg(s, o, name!);
        const flags = o.bypass ? 1 : 0;
        await virtioRequest(s, o, name!, { attach: { domain, endpoint, flags, reserved: 0 } }, `ATTACH endpoint ${hex(endpoint)} to domain ${domain}`, { request: 'attach', domain, endpoint, flags });
      }),
    );

  guest
    .command('detach <vm>')
    .description('virtio-iommu DETACH of an endpoint from a domain')
    .requiredOption('--domain <d>', 'domain ID')
    .option('--endpoint <e>', 'endpoint ID')
    .option('--device <id>', 'the VM device whose endpoint to detach')
    .action(
      action(async (s, o, [name]) => {
        const domain = parseU32Arg(o.domain, '--domain');
        const endpoint = await endpointArg(s, o, name!);
        await virtioRequest(s, o, name!, { detach: { domain, endpoint } }, `DETACH endpoint ${hex(endpoint)} from domain ${domain}`, { request: 'detach', domain, endpoint });
      }),
    );

  guest
    .command('map <vm>')
    .description('virtio-iommu MAP [iova, iova+size-1] → gpa in a domain (READ|WRITE unless --read/--write narrow it)')
    .requiredOption('--domain <d>', 'domain ID')
    .requiredOption('--iova <x>', 'first IOVA')
    .requiredOption('--gpa <y>', 'first guest-physical address')
    .requiredOption('--size <n>', 'bytes (64KiB, 0x10000, ...)')
    .option('--read', 'VIRTIO_IOMMU_MAP_F_READ')
    .option('--write', 'VIRTIO_IOMMU_MAP_F_WRITE')
    .option('--mmio', 'VIRTIO_IOMMU_MAP_F_MMIO')
    .action(
      action(async (s, o, [name]) => {
        const domain = parseU32Arg(o.domain, '--domain');
        const iova = parseU64Arg(o.iova, '--iova');
        const gpa = parseU64Arg(o.gpa, '--gpa');
        const size = parseU64Arg(o.size, '--size');
        if (size === 0n || iova + size - 1n > U64_MAX) throw new CliError('INVALID_ARGUMENT', 'BAD_SIZE', `--size ${String(o.size)}: the range must be non-empty and end below 2^64`);
        let flags = (o.read ? VIRTIO_IOMMU_MAP_F_READ : 0) | (o.write ? VIRTIO_IOMMU_MAP_F_WRITE : 0);
        if (!o.read && !o.write) flags = VIRTIO_IOMMU_MAP_F_READ | VIRTIO_IOMMU_MAP_F_WRITE;
        if (o.mmio) flags |= VIRTIO_IOMMU_MAP_F_MMIO;
        const last = iova + size - 1n;
        await virtioRequest(
          s,
          o,
          name!,
          { map: { domain, virt_start: iova.toString(), virt_end: last.toString(), phys_start: gpa.toString(), flags } },
          `MAP domain ${domain} [${hex(iova)}, ${hex(last)}] → GPA ${hex(gpa)} (${mapFlagsText(flags)})`,
          { request: 'map', domain, virt_start: iova, virt_end: last, phys_start: gpa, flags },
        );
      }),
    );

  guest
    .command('unmap <vm>')
    .description('virtio-iommu UNMAP [iova, iova+size-1] in a domain')
    .requiredOption('--domain <d>', 'domain ID')
    .requiredOption('--iova <x>', 'first IOVA')
    .requiredOption('--size <n>', 'bytes')
    .action(
      action(async (s, o, [name]) => {
        const domain = parseU32Arg(o.domain, '--domain');
        const iova = parseU64Arg(o.iova, '--iova');
        const size = parseU64Arg(o.size, '--size');
        if (size === 0n || iova + size - 1n > U64_MAX) throw new CliError('INVALID_ARGUMENT', 'BAD_SIZE', `--size ${String(o.size)}: the range must be non-empty and end below 2^64`);
        const last = iova + size - 1n;
        await virtioRequest(s, o, name!, { unmap: { domain, virt_start: iova.toString(), virt_end: last.toString() } }, `UNMAP domain ${domain} [${hex(iova)}, ${hex(last)}]`, { request: 'unmap', domain, virt_start: iova, virt_end: last });
      }),
    );

  guest
    .command('mem <vm>')
    .description('guest memory: read --length bytes at --gpa, or write --write HEX / --write-text S there')
    .requiredOption('--gpa <y>', 'guest-physical address')
    .option('--length <n>', 'bytes to read')
    .option('--write <hex>', 'bytes to write (hex)')
    .option('--write-text <s>', 'bytes to write (UTF-8 text)')
    .action(
      action(async (s, o, [name]) => {
        const gpa = parseU64Arg(o.gpa, '--gpa');
        const data = dataArg(o, 'guest mem');
        if (data) {
          await s.vcall(s.vmm.Guest.WriteMemory, { vm: name!, gpa: gpa.toString(), data });
          out(o.json ? jsonText({ gpa, written: data.length }) : `wrote ${data.length} bytes at GPA ${hex(gpa)}\n`);
          return;
        }
        if (o.length === undefined) throw new CliError('INVALID_ARGUMENT', 'BAD_ARGUMENT', 'guest mem: --length N (read) or --write/--write-text (write) is required');
        const length = parseU64Arg(o.length, '--length');
        const r = await s.vcall(s.vmm.Guest.ReadMemory, { vm: name!, gpa: gpa.toString(), length: length.toString() });
        out(o.json ? jsonText({ gpa, length, data: r.data }) : `GPA ${hex(gpa)}: ${bytesPreview(r.data, 256)}\n`);
      }),
    );

  guest
    .command('dma <vm> <device>')
    .description("a device's DMA at an IOVA: a read of --length bytes, or a write of --write HEX / --write-text S (a fault exits 1)")
    .requiredOption('--iova <x>', 'device address')
    .option('--length <n>', 'bytes (reads; for writes it must match the data)')
    .option('--write <hex>', 'bytes to write (hex)')
    .option('--write-text <s>', 'bytes to write (UTF-8 text)')
    .action(
      action(async (s, o, [name, device]) => {
        const iova = parseU64Arg(o.iova, '--iova');
        const data = dataArg(o, 'guest dma');
        let length: bigint;
        if (data) {
          length = o.length === undefined ? BigInt(data.length) : parseU64Arg(o.length, '--length');
          if (length !== BigInt(data.length)) throw new CliError('INVALID_ARGUMENT', 'BAD_LENGTH', `--length ${length} but the data is ${data.length} bytes`);
        } else {
          if (o.length === undefined) throw new CliError('INVALID_ARGUMENT', 'BAD_ARGUMENT', 'guest dma: --length N (read) or --write/--write-text (write) is required');
          length = parseU64Arg(o.length, '--length');
        }
        const r = await s.vcall(s.vmm.Guest.Dma, { vm: name!, device_id: device!, iova: iova.toString(), length: length.toString(), write: data !== undefined, data: data ?? Buffer.alloc(0) });
        const what = `${device} DMA ${data ? 'write' : 'read'} of ${length} bytes at IOVA ${hex(iova)}`;
        if (o.json) out(jsonText({ device, iova, length, write: data !== undefined, ...r }));
        else if (r.result === 'data') out(`${what}: ${bytesPreview(r.data!, 256)}\n`);
        else if (r.result === 'written') out(`${what}: ${r.written} bytes written\n`);
        else if (r.result === 'smmu_fault') out(`${what}: FAULT in the SMMUv3: ${smmuEventText(r.smmu_fault?.event_id ?? 0)}\n`);
        else out(`${what}: FAULT ${r.result === 'host_fault' ? `on the host: ${r.host_fault?.reason.replace('DMA_FAULT_REASON_', '')}` : `in the virtio-iommu: ${virtioFaultReason(r.virtio_fault?.reason ?? 0)}`}\n`);
        const fault = dmaFaultError(r, what);
        if (fault) throw fault;
      }),
    );

  // ---------------------------------------------------------------- intel-iommu (VT-d) inspection

  guest
    .command('regs <vm>')
    .description('the intel-iommu DMAR registers (raw and decoded) or the SMMUv3 registers (Guest.MmioRead of each, as the guest reads them)')
    .action(
      action(async (s, o, [name]) => {
        const info = await getVm(s, name!);
        if (info.viommu_mmio && info.spec?.viommu?.model === 'VIOMMU_MODEL_SMMUV3') {
          const base = BigInt(info.viommu_mmio.base);
          const regs: Array<{ name: string; offset: number; width: number; value: bigint }> = [];
          for (const [reg, offset] of Object.entries(SMMU_REGS)) {
            if (typeof offset !== 'number') continue;
            // the 64-bit registers (QEMU smmu_readll): *_IRQ_CFG0, STRTAB_BASE, CMDQ_BASE, EVENTQ_BASE
            const width = /_IRQ_CFG0$|^STRTAB_BASE$|^CMDQ_BASE$|^EVENTQ_BASE$/.test(reg) ? 64 : 32;
            const v = await s.vcall(s.vmm.Guest.MmioRead, { vm: name!, addr: (base + BigInt(offset)).toString(), size: width / 8 });
            regs.push({ name: reg, offset, width, value: BigInt(v.value) });
          }
          if (o.json) out(jsonText({ vm: name, base, registers: regs }));
          else out(`SMMUv3 of VM ${name} at ${hex(base)}\n` + renderSmmuRegisters(regs));
          return;
        }
        if (!info.viommu_mmio || info.spec?.viommu?.model !== 'VIOMMU_MODEL_INTEL_IOMMU') {
          throw new CliError('FAILED_PRECONDITION', 'NO_INTEL_IOMMU', `VM ${name} has no intel-iommu (model ${(info.spec?.viommu?.model ?? 'none').replace('VIOMMU_MODEL_', '')})`);
        }
        const base = BigInt(info.viommu_mmio.base);
        const regs: Array<{ name: string; offset: number; width: number; value: bigint }> = [];
        for (const r of VTD_REGISTERS) {
          const v = await s.vcall(s.vmm.Guest.MmioRead, { vm: name!, addr: (base + BigInt(r.offset)).toString(), size: r.width / 8 });
          regs.push({ ...r, value: BigInt(v.value) });
        }
        const dw = ((regs.find((r) => r.name === 'IQA')?.value ?? 0n) & 0x800n) !== 0n;
        if (o.json) out(jsonText({ vm: name, base, registers: regs.map((r) => ({ ...r, decoded: vtdRegisterText(r.name, r.value, VTD_FR, dw) })) }));
        else out(`intel-iommu of VM ${name} at ${hex(base)}\n` + renderVtdRegisters(regs, VTD_FR));
      }),
    );

  guest
    .command('vtd-device <vm> <device>')
    .description("a device's root → context → PASID entries, read from guest RAM through the intel-iommu's own checks (device: a BDF bb:dd.f or a VM device id)")
    .option('--pasid <n>', 'decode the PASID entry of this PASID (scalable mode; default: requests without PASID)')
    .action(
      action(async (s, o, [name, device]) => {
        const sid = /^([0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$/i.test(device!) ? parseBdfArg(device!) : await endpointOf(s, name!, device!);
        const pasid = o.pasid === undefined ? undefined : parseU32Arg(o.pasid, '--pasid');
        const r = await s.vcall(s.vmm.Vmm.InspectViommu, { name: name!, sid, ...(pasid !== undefined ? { pasid } : {}) });
        const d = r.device!;
        if (o.json) out(jsonText({ vm: name, root: r.root, root_scalable: r.root_scalable, dmar_enabled: r.dmar_enabled, device: d, fault_reason: d.fault ? vtdFaultReasonText(d.fault, VTD_FR) : null }));
        else out(renderVtdDevice(d, BigInt(r.root), pasid, VTD_FR));
      }),
    );

  guest
    .command('iotlb <vm>')
    .description("the intel-iommu model's IOTLB, context cache and PASID cache, or the SMMUv3 model's state, configuration cache and IOTLB (not guest-visible)")
    .action(
      action(async (s, o, [name]) => {
        const r = await s.vcall(s.vmm.Vmm.InspectViommu, { name: name! });
        out(o.json ? jsonText(r) : r.smmuv3 ? renderSmmuInspect(r.smmuv3) : renderVtdCaches(r));
      }),
    );

  // ---------------------------------------------------------------- inspect
  ctl
    .command('inspect')
    .description('Platform.Inspect: IOAS areas, HWPT page tables, IOTLB statistics, pinned pages (default: the whole host)')
    .option('--bdf <bdf>', 'a PCI device (its attachments)')
    .option('--unit <unit>', 'an IOMMU unit (its domains and IOTLB)')
    .option('--vm <name>', "a VM's host objects (each assigned device's IOAS in the VM's host process)")
    .option('--entries', 'also list valid IOTLB entries')
    .option('--max-entries <n>', 'at most this many entries per cache (0 = all)', '0')
    .action(
      action(async (s, o) => {
        const chosen = ['bdf', 'unit', 'vm'].filter((k) => o[k] !== undefined);
        if (chosen.length > 1) throw new CliError('INVALID_ARGUMENT', 'BAD_ARGUMENT', `give one of --bdf, --unit, --vm (got ${chosen.map((c) => `--${c}`).join(', ')})`);
        const entries = o.entries === true;
        const maxEntries = parseU32Arg(o.maxEntries ?? '0', '--max-entries');
        if (typeof o.vm === 'string') {
          const r = await inspectVm(s, o.vm, entries, maxEntries);
          if (o.json) {
            out(jsonText(r));
            return;
          }
          let text = `VM ${r.vm}: ${r.state.replace('VM_STATE_', '')}, host pid ${r.host_pid}`;
          if ('vm_pinned_bytes' in r) text += `, VmPin ${r.vm_pinned_bytes} bytes, VmLck ${r.vm_locked_bytes} bytes`;
          out(text + '\n');
          if (r.devices.length === 0) out('  no host objects (the VM is not running, or has no assigned devices)\n');
          for (const d of r.devices) {
            out(`\ndevice ${d.id} (host ${d.host_bdf}): iommufd fd ${d.iommufd}, IOAS ${d.ioas_id}, HWPT ${d.hwpt_ids.join(',')}\n`);
            out(renderInspect(d.inspect, '  '));
          }
          return;
        }
        const req: InspectRequest = { include_iotlb_entries: entries, max_iotlb_entries: maxEntries };
        if (typeof o.bdf === 'string') req.bdf = o.bdf;
        else if (typeof o.unit === 'string') req.unit = o.unit;
        else req.host = true;
        const r = await s.hcall(s.host.Platform.Inspect, req);
        out(o.json ? jsonText(r) : renderInspect(r));
      }),
    );

  // ---------------------------------------------------------------- events
  ctl
    .command('events')
    .description("follow the host event log (default) or a VM's virtio-iommu event queue, until --count events, --idle-ms quiet, or Ctrl-C")
    .option('--vm <name>', "the VM's guest-visible events instead of the host's")
    .option('--after <n>', 'events with sequence > N (0 = from the oldest retained)', '0')
    .option('--count <n>', 'stop after N events')
    .option('--idle-ms <ms>', 'stop after this many ms without an event')
    .action(
      action(async (s, o) => {
        const after = parseU64Arg(o.after ?? '0', '--after').toString();
        const count = o.count === undefined ? undefined : parseU32Arg(o.count, '--count');
        const idleMs = o.idleMs === undefined ? undefined : parseU32Arg(o.idleMs, '--idle-ms');
        if (count === 0) return;
        const opts = { stopOnSigint: true, ...(count !== undefined ? { count } : {}), ...(idleMs !== undefined ? { idleMs } : {}) };
        if (typeof o.vm === 'string') {
          const vmName = o.vm;
          await getVm(s, vmName); // a clear NOT_FOUND before streaming
          await followStream(s.vmm.Guest.Events({ vm: vmName, after_sequence: after }), (e) => out(o.json ? jsonLine(e) : renderGuestEvent(e)), { ...opts, target: s.vmmLabel });
        } else {
          // connected before the idle clock starts
          await s.host.waitForReady(CALL_DEADLINE_MS).catch((e: unknown) => {
            throw new CliError('UNAVAILABLE', 'UNREACHABLE', `${s.hostLabel}: ${(e as Error).message}`);
          });
          await followStream(s.host.Platform.WatchEvents({ after_sequence: after }), (e) => out(o.json ? jsonLine(e) : renderHostEvent(e)), { ...opts, target: s.hostLabel });
        }
      }),
    );

  return ctl;
}
