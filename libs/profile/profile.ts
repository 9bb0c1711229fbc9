/**
 * Host profiles: the YAML description of one host (IOMMU units, PCI devices and groups,
 * reserved regions, kernel features, principals, device nodes), its loader and validator, and
 * the built-in profiles shipped as YAML in `profiles/` at the repository root.
 *
 * The format is documented in profiles/README.md. Validation collects every problem before
 * failing; each is reported with the path of the field (`devices[3].iommu: unknown IOMMU unit
 * 'dmar9'`) and, for YAML input, its line.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineCounter, isNode, parseDocument } from 'yaml';
import { U64_MAX, hex } from '#libs/u64/index.js';
import type { Arch, Bar, DeviceMigration, Driver, IommuUnit, KernelFeatures, PciDevice, ReservedRegion } from './hardware.js';
import { RESV_TYPES } from './hardware.js';
import { computeSmmuv3Regs, computeVtdRegs, regImageMismatches, SMMU_OAS_ENCODING, vtdNdFor } from './hwinfo.js';

// ---------------------------------------------------------------------------------------------
// Normalised shape

export * from './hardware.js';

export interface Principal {
  name: string;
  uid?: number;
  gids: number[];
  capabilities: string[];
  memlockBytes: bigint | 'unlimited';
  roles: string[];
  /** Resource limits of the principal (its rlimits and its cgroup). */
  limits: PrincipalLimits;
}
/**
 * What a real host bounds a user with: rlimits (per process) and the user's cgroup (per
 * principal, like a systemd user slice). Enforced with the kernel's errnos.
 */
export interface PrincipalLimits {
  /** RLIMIT_NOFILE: the highest fd number + 1 a process may hold (open/dup → EMFILE). */
  nofile: number;
  /** pids.max of the principal's cgroup: live processes at once (fork → EAGAIN). */
  pids: number | 'unlimited';
  /**
   * memory.max of the principal's cgroup: host RAM charged to it — data frames (memfd, anonymous
   * and copy-on-write pages, charged to the principal of the process that faults them in) and
   * kernel objects (iommufd objects and IOAS areas, GFP_KERNEL_ACCOUNT) → ENOMEM.
   */
  memoryBytes: bigint | 'unlimited';
}
export type NodeKind = 'iommu' | 'vfio-container' | 'vfio-group' | 'vfio-cdev';
export interface NodeOwnership {
  uid: number;
  gid: number;
  mode: number;
}
export interface DeviceNode extends NodeOwnership {
  path: string;
  kind: NodeKind;
  /** vfio-group nodes: the group number. */
  group?: number;
  /** vfio-cdev nodes: the cdev name. */
  cdev?: string;
}
export interface HostProfile {
  name: string;
  description?: string;
  arch: Arch;
  ramBytes: bigint;
  pageSize: 4096;
  kernel: KernelFeatures;
  iommus: IommuUnit[];
  devices: PciDevice[];
  principals: Principal[];
  /** Device nodes that exist at start, with ownership and mode. */
  nodes: DeviceNode[];
  /** Ownership/mode for nodes created later (a device bound to vfio-pci at run time). */
  nodeTemplates: Record<NodeKind, NodeOwnership>;
  /** Where the profile came from: `builtin:<name>` or the file path / given source name. */
  source: string;
}

// ---------------------------------------------------------------------------------------------
// Errors

export interface ProfileIssue {
  /** Path of the field, e.g. `devices[3].iommu` ('' for document-level problems). */
  path: string;
  message: string;
  /** 1-based line in the YAML source when known. */
  line?: number;
}

export class ProfileError extends Error {
  readonly source: string;
  readonly issues: ProfileIssue[];
  constructor(source: string, issues: ProfileIssue[]) {
    const lines = issues.map((i) => '  ' + issueText(i) + (i.line !== undefined ? ` (line ${i.line})` : ''));
    const n = issues.length;
    super(`invalid host profile ${source}: ${n} problem${n === 1 ? '' : 's'}\n${lines.join('\n')}`);
    this.name = 'ProfileError';
    this.source = source;
    this.issues = issues;
  }
  /** Every problem as `path: message` (no line numbers). */
  get problems(): string[] {
    return this.issues.map(issueText);
  }
}
function issueText(i: ProfileIssue): string {
  return i.path ? `${i.path}: ${i.message}` : i.message;
}

// ---------------------------------------------------------------------------------------------
// Sizes

const KIB = 1024n;
/** Size units (lower case) → multiplier. A Map: the unit comes from the profile's text. */
const SIZE_UNITS = new Map<string, bigint>([
  ['', 1n],
  ['b', 1n],
  ['k', KIB],
  ['kib', KIB],
  ['m', KIB ** 2n],
  ['mib', KIB ** 2n],
  ['g', KIB ** 3n],
  ['gib', KIB ** 3n],
  ['t', KIB ** 4n],
  ['tib', KIB ** 4n],
  ['p', KIB ** 5n],
  ['pib', KIB ** 5n],
  ['e', KIB ** 6n],
  ['eib', KIB ** 6n],
]);
const AMBIGUOUS_UNITS = new Set(['kb', 'mb', 'gb', 'tb', 'pb', 'eb']);

/**
 * Parse a human size: `4096`, `0x1000`, `64KiB`, `2 MiB`, `1G` (K/M/G/T/P/E are binary).
 * Throws an Error with a readable reason ('KB'-style decimal units are refused as ambiguous).
 */
export function parseSize(text: string): bigint {
  const s = text.trim();
  const m = /^(0x[0-9a-f]+|[0-9]+)\s*([a-z]*)$/i.exec(s);
  if (!m) throw new Error(`bad size '${text}' (write e.g. 4096, 0x1000, 64KiB, 2MiB, 1GiB)`);
  const [, num, unitRaw] = m as unknown as [string, string, string];
  const unit = unitRaw.toLowerCase();
  if (num.toLowerCase().startsWith('0x') && unit !== '') throw new Error(`bad size '${text}' (no unit after a hex number)`);
  if (AMBIGUOUS_UNITS.has(unit)) {
    throw new Error(`bad size '${text}' (ambiguous unit '${unitRaw}': write ${unitRaw[0]!.toUpperCase()}iB)`);
  }
  const mult = SIZE_UNITS.get(unit);
  if (mult === undefined) throw new Error(`bad size '${text}' (unknown unit '${unitRaw}')`);
  const v = BigInt(num) * mult;
  if (v > U64_MAX) throw new Error(`bad size '${text}' (above 2^64 - 1)`);
  return v;
}

/** `65536n` → `64 KiB`; sizes that are not a whole number of a unit stay in bytes. */
export function formatSize(v: bigint): string {
  const names = ['EiB', 'PiB', 'TiB', 'GiB', 'MiB', 'KiB'];
  for (let i = 0; i < names.length; i++) {
    const mult = KIB ** BigInt(6 - i);
    if (v >= mult && v % mult === 0n) return `${v / mult} ${names[i]}`;
  }
  return `${v} B`;
}

// ---------------------------------------------------------------------------------------------
// PCI helpers

const BDF_RE = /^(?:([0-9a-fA-F]{4}):)?([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\.([0-7])$/;

/** Normalise `DDDD:BB:DD.F` or `BB:DD.F` to lower-case `DDDD:BB:DD.F`; undefined if malformed. */
export function normalizeBdf(text: string): string | undefined {
  const m = BDF_RE.exec(text);
  if (!m) return undefined;
  const dev = parseInt(m[3]!, 16);
  if (dev > 0x1f) return undefined;
  return `${(m[1] ?? '0000').toLowerCase()}:${m[2]!.toLowerCase()}:${m[3]!.toLowerCase()}.${m[4]}`;
}
/** Requester ID (bus << 8 | device << 3 | function) of a normalised BDF. */
export function ridOf(bdf: string): number {
  const m = BDF_RE.exec(bdf);
  if (!m) throw new RangeError(`bad BDF '${bdf}'`);
  return (parseInt(m[2]!, 16) << 8) | (parseInt(m[3]!, 16) << 3) | parseInt(m[4]!, 10);
}

/** Leaf sizes each translation granule can form (granule, then its block sizes). */
export const GRANULE_LEAF_SIZES: Readonly<Record<number, readonly bigint[]>> = {
  4096: [4096n, 2n * 1024n * 1024n, 1024n * 1024n * 1024n],
  16384: [16384n, 32n * 1024n * 1024n],
  65536: [65536n, 512n * 1024n * 1024n],
};

// ---------------------------------------------------------------------------------------------
// Standard principals and nodes (profiles.md)

export const KNOWN_ROLES: readonly string[] = ['platform'];
export const DEFAULT_MEMLOCK = 8n * 1024n * 1024n; // Linux's RLIMIT_MEMLOCK default since 5.16
/** Linux's default RLIMIT_NOFILE soft limit. */
export const DEFAULT_NOFILE = 1024;
/** Limits of a principal whose profile entry names none: Linux's rlimit defaults, no cgroup limit. */
export function defaultLimits(): PrincipalLimits {
  return { nofile: DEFAULT_NOFILE, pids: 'unlimited', memoryBytes: 'unlimited' };
}

const LINUX_CAPS = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER',
  'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE',
  'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP',
  'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
].map((c) => 'CAP_' + c);

/** root, qemu and platform as profiles.md defines them. */
export function standardPrincipals(): Principal[] {
  return [
    {
      name: 'root',
      uid: 0,
      gids: [0],
      capabilities: ['CAP_SYS_ADMIN', 'CAP_IPC_LOCK', 'CAP_SYS_RESOURCE', 'CAP_SYS_RAWIO'],
      memlockBytes: 'unlimited',
      roles: [],
      limits: defaultLimits(),
    },
    // The sandboxed VMM user: a libvirt-like slice (processes and memory bounded).
    {
      name: 'qemu',
      uid: 107,
      gids: [107],
      capabilities: [],
      memlockBytes: 64n * KIB ** 3n,
      roles: [],
      limits: { nofile: DEFAULT_NOFILE, pids: 512, memoryBytes: 256n * KIB ** 3n },
    },
    { name: 'platform', gids: [], capabilities: [], memlockBytes: 0n, roles: ['platform'], limits: defaultLimits() },
  ];
}

export function standardNodeTemplates(): Record<NodeKind, NodeOwnership> {
  return {
    iommu: { uid: 0, gid: 0, mode: 0o660 },
    'vfio-container': { uid: 0, gid: 0, mode: 0o666 },
    'vfio-group': { uid: 0, gid: 0, mode: 0o600 },
    'vfio-cdev': { uid: 0, gid: 0, mode: 0o600 },
  };
}

const NODE_TEMPLATE_KEYS: Record<string, NodeKind> = {
  iommu: 'iommu',
  vfioContainer: 'vfio-container',
  vfioGroup: 'vfio-group',
  vfioCdev: 'vfio-cdev',
};

// ---------------------------------------------------------------------------------------------
// Reading helpers

type Key = string | number;
type Path = readonly Key[];
type Obj = Record<string, unknown>;

function pathText(path: Path): string {
  let s = '';
  for (const k of path) {
    if (typeof k === 'number') s += `[${k}]`;
    else s += s === '' ? k : `.${k}`;
  }
  return s;
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'bigint' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  return 'a mapping';
}

function editDistance(a: string, b: string): number {
  const d: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length]!;
}
function suggestion(word: string, candidates: readonly string[]): string {
  const w = word.toLowerCase();
  const prefixed = candidates.filter((c) => w.length >= 3 && c.toLowerCase().startsWith(w));
  if (prefixed.length === 1) return ` (did you mean '${prefixed[0]}'?)`;
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const dist = editDistance(word, c);
    if (dist < bestD) {
      best = c;
      bestD = dist;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? ` (did you mean '${best}'?)` : '';
}

class Checker {
  readonly issues: { path: Path; message: string }[] = [];
  add(path: Path, message: string): void {
    this.issues.push({ path, message });
  }
  get count(): number {
    return this.issues.length;
  }

  map(v: unknown, path: Path, keys: readonly string[]): Obj | undefined {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      this.add(path, `expected a mapping, got ${describe(v)}`);
      return undefined;
    }
    const o = v as Obj;
    for (const k of Object.keys(o)) {
      if (!keys.includes(k)) this.add([...path, k], `unknown key${suggestion(k, keys)}`);
    }
    return o;
  }

  list(v: unknown, path: Path): unknown[] | undefined {
    if (!Array.isArray(v)) {
      this.add(path, `expected a list, got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  str(o: Obj, key: string, path: Path, required: true): string | undefined;
  str(o: Obj, key: string, path: Path, required?: false): string | undefined;
  str(o: Obj, key: string, path: Path, required = false): string | undefined {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) this.add([...path, key], 'required');
      return undefined;
    }
    if (typeof v !== 'string') {
      this.add([...path, key], `expected a string, got ${describe(v)}`);
      return undefined;
    }
    return v;
  }

  bool(o: Obj, key: string, path: Path, def: boolean): boolean {
    const v = o[key];
    if (v === undefined || v === null) return def;
    if (typeof v !== 'boolean') {
      this.add([...path, key], `expected true or false, got ${describe(v)}`);
      return def;
    }
    return v;
  }

  intValue(v: unknown, path: Path, min: number, max: number): number | undefined {
    let n: number | undefined;
    if (typeof v === 'bigint') n = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : NaN;
    else if (typeof v === 'number' && Number.isInteger(v)) n = v;
    if (n === undefined) {
      this.add(path, `expected an integer, got ${describe(v)}`);
      return undefined;
    }
    if (!(n >= min && n <= max)) {
      this.add(path, `${typeof v === 'bigint' ? v : n} is out of range (${min}..${max})`);
      return undefined;
    }
    return n;
  }

  int(o: Obj, key: string, path: Path, min: number, max: number, def: number): number;
  int(o: Obj, key: string, path: Path, min: number, max: number, def?: undefined, required?: boolean): number | undefined;
  int(o: Obj, key: string, path: Path, min: number, max: number, def?: number, required = false): number | undefined {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) this.add([...path, key], 'required');
      return def;
    }
    return this.intValue(v, [...path, key], min, max) ?? def;
  }

  sizeValue(v: unknown, path: Path): bigint | undefined {
    if (typeof v === 'bigint') {
      if (v < 0n || v > U64_MAX) {
        this.add(path, `bad size ${v}`);
        return undefined;
      }
      return v;
    }
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
    if (typeof v === 'string') {
      try {
        return parseSize(v);
      } catch (e) {
        this.add(path, (e as Error).message);
        return undefined;
      }
    }
    this.add(path, `bad size ${describe(v)}`);
    return undefined;
  }

  size(o: Obj, key: string, path: Path, required = false): bigint | undefined {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required) this.add([...path, key], 'required');
      return undefined;
    }
    return this.sizeValue(v, [...path, key]);
  }

  /** A 64-bit register image or address: integer or hex string. */
  u64(o: Obj, key: string, path: Path): bigint | undefined {
    return this.size(o, key, path);
  }

  oneOf<T extends string>(o: Obj, key: string, path: Path, allowed: readonly T[], def?: T): T | undefined {
    const v = o[key];
    if (v === undefined || v === null) {
      if (def === undefined) this.add([...path, key], 'required');
      return def;
    }
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      const hint = typeof v === 'string' ? suggestion(v, allowed) : '';
      this.add([...path, key], `must be one of ${allowed.join(', ')}, got ${describe(v)}${hint}`);
      return undefined;
    }
    return v as T;
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing

const TOP_KEYS = [
  'name', 'description', 'arch', 'ram', 'pageSize', 'kernel', 'defaults', 'iommus', 'devices', 'principals', 'nodes',
];
const KERNEL_KEYS = ['version', 'iommufd', 'vfioCompatContainer', 'nativeType1', 'dmabufP2p', 'iommufdFault', 'viommu'];
const DEFAULTS_KEYS = ['reservedRegions', 'nodes', 'standardPrincipals'];
const UNIT_KEYS = [
  'name', 'type', 'description', 'inputBits', 'outputBits', 'pageSizes', 'granules', 'pasidBits', 'nesting',
  'dirtyTracking', 'prs', 'ats', 'scalableMode', 'firstStage', 'secondStage', 'rangeInvalidation', 'stall',
  'streamTableLevels', 'sidBits', 'bbml', 'iotlbEntries', 'domainIds', 'coherent', 'msiIsolation', 'vtd', 'smmuv3',
];
const SMMU_ONLY_KEYS = ['stall', 'streamTableLevels', 'sidBits', 'bbml', 'smmuv3'];
const VTD_ONLY_KEYS = ['scalableMode', 'vtd'];
const DEVICE_KEYS = [
  'bdf', 'cdev', 'group', 'iommu', 'description', 'bars', 'ats', 'pri', 'pasidBits', 'pasidExec', 'pasidPriv',
  'driver', 'reservedRegions', 'defaultReservedRegions', 'migration', 'dirtyTracking',
];
const MIGRATION_KEYS = ['stopCopy', 'preCopy', 'p2p', 'stateBytes'];
/** Largest device state a profile may give (the data stream of STOP_COPY is about this long). */
const MAX_STATE_BYTES = 16n * KIB ** 3n;
const BAR_KEYS = ['index', 'size', 'prefetchable', 'is64'];
const REGION_KEYS = ['start', 'last', 'size', 'type'];
const PRINCIPAL_KEYS = ['name', 'uid', 'gids', 'capabilities', 'memlock', 'roles', 'limits'];
const LIMITS_KEYS = ['nofile', 'pids', 'memory'];
/** The kernel's hard ceiling for RLIMIT_NOFILE (fs.nr_open). */
const NR_OPEN = 1048576;
const NODE_KEYS = ['path', 'uid', 'gid', 'mode'];
const OWNERSHIP_KEYS = ['uid', 'gid', 'mode'];
const DRIVERS: readonly Driver[] = ['vfio-pci', 'host', 'none'];
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const SZ_4G = 4n * KIB ** 3n;
const MAX_U32 = 0xffffffff;

function parseRegion(c: Checker, v: unknown, path: Path): ReservedRegion | undefined {
  const o = c.map(v, path, REGION_KEYS);
  if (!o) return undefined;
  const before = c.count;
  const start = c.size(o, 'start', path, true);
  const last = c.size(o, 'last', path);
  const size = c.size(o, 'size', path);
  const type = c.oneOf(o, 'type', path, RESV_TYPES);
  if (o.last !== undefined && o.size !== undefined) c.add(path, 'give either last or size, not both');
  else if (o.last === undefined && o.size === undefined) c.add(path, 'needs last or size');
  if (c.count !== before || start === undefined || type === undefined) return undefined;
  let end: bigint;
  if (size !== undefined) {
    if (size === 0n) {
      c.add([...path, 'size'], 'must not be 0');
      return undefined;
    }
    end = start + size - 1n;
    if (end > U64_MAX) {
      c.add([...path, 'size'], `${hex(start)} + ${formatSize(size)} overflows the 64-bit address space`);
      return undefined;
    }
  } else end = last!;
  if (start > end) {
    c.add(path, `start ${hex(start)} is above last ${hex(end)}`);
    return undefined;
  }
  return { start, last: end, type };
}

function parseRegions(c: Checker, v: unknown, path: Path): ReservedRegion[] {
  if (v === undefined || v === null) return [];
  const l = c.list(v, path);
  if (!l) return [];
  const out: ReservedRegion[] = [];
  l.forEach((r, i) => {
    const reg = parseRegion(c, r, [...path, i]);
    if (reg) out.push(reg);
  });
  return out;
}

function parseMode(c: Checker, v: unknown, path: Path): number | undefined {
  if (typeof v === 'bigint' || typeof v === 'number') {
    c.add(path, `write file modes as a quoted octal string, e.g. '0660' (YAML reads an unquoted ${v} as a decimal number)`);
    return undefined;
  }
  if (typeof v !== 'string' || !/^(0o|0)?[0-7]{1,4}$/.test(v.trim())) {
    c.add(path, `bad file mode ${describe(v)} (write an octal string like '0660')`);
    return undefined;
  }
  const digits = v.trim().replace(/^0o/, '');
  return parseInt(digits, 8);
}

interface ParsedUnit {
  unit: IommuUnit;
  index: number;
}

function parseUnit(c: Checker, v: unknown, path: Path, arch: Arch | undefined): IommuUnit | undefined {
  const o = c.map(v, path, UNIT_KEYS);
  if (!o) return undefined;
  const before = c.count;
  const name = c.str(o, 'name', path, true);
  if (name !== undefined && !NAME_RE.test(name)) c.add([...path, 'name'], `bad unit name '${name}' (letters, digits, '_', '.', '-')`);
  const type = c.oneOf(o, 'type', path, ['vtd', 'smmuv3'] as const);
  const description = c.str(o, 'description', path);
  if (type === undefined) return undefined;
  const isVtd = type === 'vtd';
  if (arch !== undefined) {
    const want: Arch = isVtd ? 'x86_64' : 'aarch64';
    if (arch !== want) c.add([...path, 'type'], `a ${type} unit needs arch ${want} (the profile's arch is ${arch})`);
  }
  for (const k of isVtd ? SMMU_ONLY_KEYS : VTD_ONLY_KEYS) {
    if (o[k] !== undefined) c.add([...path, k], `only for ${isVtd ? 'smmuv3' : 'vtd'} units`);
  }

  const inputBits = c.int(o, 'inputBits', path, 32, isVtd ? 57 : 52, 48);
  const outBefore = c.count;
  const outputBits = c.int(o, 'outputBits', path, 32, 52, 48);
  if (!isVtd && c.count === outBefore && SMMU_OAS_ENCODING[outputBits] === undefined) {
    c.add([...path, 'outputBits'], `SMMUv3 output sizes are ${Object.keys(SMMU_OAS_ENCODING).join(', ')} bits, got ${outputBits}`);
  }

  // granules
  const granules: number[] = [];
  if (o.granules === undefined || o.granules === null) granules.push(...(isVtd ? [4096] : [4096, 16384, 65536]));
  else {
    const l = c.list(o.granules, [...path, 'granules']);
    l?.forEach((g, i) => {
      const p = [...path, 'granules', i];
      const s = c.sizeValue(g, p);
      if (s === undefined) return;
      const n = Number(s);
      if (isVtd ? s !== 4096n : GRANULE_LEAF_SIZES[n] === undefined) {
        c.add(p, isVtd ? `VT-d has only the 4 KiB granule, got ${formatSize(s)}` : `${formatSize(s)} is not an SMMUv3 translation granule (4 KiB, 16 KiB, 64 KiB)`);
      } else if (granules.includes(n)) c.add(p, `duplicate granule ${formatSize(s)}`);
      else granules.push(n);
    });
    if (l && l.length === 0) c.add([...path, 'granules'], 'must list at least one granule');
    granules.sort((a, b) => a - b);
  }

  // page sizes
  const pageSizes: bigint[] = [];
  const granuleText = () =>
    granules.map((g) => `${formatSize(BigInt(g))} granule: ${GRANULE_LEAF_SIZES[g]!.map(formatSize).join(', ')}`).join('; ');
  if (o.pageSizes === undefined || o.pageSizes === null) {
    if (granules.length > 0) pageSizes.push(...GRANULE_LEAF_SIZES[granules[0]!]!);
  } else {
    const l = c.list(o.pageSizes, [...path, 'pageSizes']);
    const owners = new Set<number>();
    l?.forEach((ps, i) => {
      const p = [...path, 'pageSizes', i];
      const s = c.sizeValue(ps, p);
      if (s === undefined) return;
      const owner = granules.find((g) => GRANULE_LEAF_SIZES[g]!.includes(s));
      if (owner === undefined) {
        c.add(p, `${formatSize(s)} is not a leaf size the unit's granules can form (${granuleText()})`);
      } else if (pageSizes.includes(s)) c.add(p, `duplicate page size ${formatSize(s)}`);
      else {
        pageSizes.push(s);
        owners.add(owner);
      }
    });
    if (l && l.length === 0) c.add([...path, 'pageSizes'], 'must list at least one page size');
    pageSizes.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (owners.size > 1) {
      const gs = [...owners].sort((a, b) => a - b).map((g) => formatSize(BigInt(g)));
      c.add([...path, 'pageSizes'], `mixes page sizes of the ${gs.join(' and ')} granules; a paging domain uses one granule`);
    } else if (owners.size === 1) {
      const g = [...owners][0]!;
      if (pageSizes[0] !== BigInt(g)) {
        c.add([...path, 'pageSizes'], `must include the ${formatSize(BigInt(g))} granule itself (the smallest leaf size)`);
      }
    }
  }

  const pasidBits = c.int(o, 'pasidBits', path, 0, 20, 0);
  const scalableMode = isVtd ? c.bool(o, 'scalableMode', path, false) : false;
  const firstStage = c.bool(o, 'firstStage', path, !isVtd);
  const secondStage = c.bool(o, 'secondStage', path, isVtd);
  const nesting = c.bool(o, 'nesting', path, false);
  const dirtyTracking = c.bool(o, 'dirtyTracking', path, false);
  const prs = c.bool(o, 'prs', path, false);
  const ats = c.bool(o, 'ats', path, false);
  const rangeInvalidation = c.bool(o, 'rangeInvalidation', path, false);
  const stall = isVtd ? false : c.bool(o, 'stall', path, false);
  const coherent = c.bool(o, 'coherent', path, true);
  const msiIsolation = c.bool(o, 'msiIsolation', path, true);
  const iotlbEntries = c.int(o, 'iotlbEntries', path, 1, 1 << 20, 512);
  const domainIds = c.int(o, 'domainIds', path, 1, 65536, 65536);
  let streamTableLevels: number | undefined;
  let sidBits: number | undefined;
  let bbml: number | undefined;
  if (!isVtd) {
    streamTableLevels = c.int(o, 'streamTableLevels', path, 1, 2, 2);
    sidBits = c.int(o, 'sidBits', path, 0, 32, 16);
    bbml = c.int(o, 'bbml', path, 0, 2, 0);
  }

  if (o.domainIds !== undefined) {
    if (isVtd && vtdNdFor(domainIds) === undefined) {
      c.add([...path, 'domainIds'], `VT-d supports 16, 64, 256, 1024, 4096, 16384 or 65536 domain IDs, got ${domainIds}`);
    } else if (!isVtd && domainIds !== 256 && domainIds !== 65536) {
      c.add([...path, 'domainIds'], `SMMUv3 has 256 (8-bit) or 65536 (16-bit ASID/VMID) domain IDs, got ${domainIds}`);
    }
  }
  if (!firstStage && !secondStage) c.add(path, 'a unit needs firstStage or secondStage');
  if (isVtd) {
    if (firstStage && !scalableMode) c.add([...path, 'firstStage'], 'VT-d first-stage translation needs scalableMode');
    if (pasidBits > 0 && !scalableMode) c.add([...path, 'pasidBits'], 'VT-d PASID needs scalableMode');
    if (prs && !scalableMode) c.add([...path, 'prs'], 'VT-d page requests need scalableMode');
    if (dirtyTracking && !scalableMode) c.add([...path, 'dirtyTracking'], 'VT-d dirty tracking (SLADS) needs scalableMode');
    else if (dirtyTracking && !secondStage) c.add([...path, 'dirtyTracking'], 'VT-d dirty tracking (SLADS) needs secondStage');
  } else if (dirtyTracking && !coherent) {
    c.add([...path, 'dirtyTracking'], 'SMMUv3 dirty tracking (HTTU) needs coherent table walks');
  }
  if (nesting && !(firstStage && secondStage)) c.add([...path, 'nesting'], 'nesting needs firstStage and secondStage');
  if (prs && !ats) c.add([...path, 'prs'], 'page requests (PRI) need ats');

  // register images
  const vtdGiven = isVtd && o.vtd != null ? c.map(o.vtd, [...path, 'vtd'], ['capReg', 'ecapReg', 'flags']) : undefined;
  const smmuGiven = !isVtd && o.smmuv3 != null ? c.map(o.smmuv3, [...path, 'smmuv3'], ['idr', 'iidr', 'aidr', 'flags']) : undefined;
  let capReg: bigint | undefined;
  let ecapReg: bigint | undefined;
  let vtdFlags: number | undefined;
  let idr: number[] | undefined;
  let iidr: number | undefined;
  let aidr: number | undefined;
  let smmuFlags: number | undefined;
  if (vtdGiven) {
    const p = [...path, 'vtd'];
    capReg = c.u64(vtdGiven, 'capReg', p);
    ecapReg = c.u64(vtdGiven, 'ecapReg', p);
    vtdFlags = c.int(vtdGiven, 'flags', p, 0, MAX_U32);
  }
  if (smmuGiven) {
    const p = [...path, 'smmuv3'];
    if (smmuGiven.idr !== undefined) {
      const l = c.list(smmuGiven.idr, [...p, 'idr']);
      if (l && l.length !== 6) c.add([...p, 'idr'], `needs exactly 6 words (IDR0..IDR5), got ${l.length}`);
      else if (l) {
        const words = l.map((w, i) => c.intValue(w, [...p, 'idr', i], 0, MAX_U32));
        if (words.every((w) => w !== undefined)) idr = words as number[];
      }
    }
    iidr = c.int(smmuGiven, 'iidr', p, 0, MAX_U32);
    aidr = c.int(smmuGiven, 'aidr', p, 0, MAX_U32);
    smmuFlags = c.int(smmuGiven, 'flags', p, 0, MAX_U32);
  }

  if (c.count !== before || name === undefined) return undefined;
  const unit: IommuUnit = {
    name,
    type,
    ...(description !== undefined ? { description } : {}),
    inputBits,
    outputBits,
    pageSizes,
    granules,
    pasidBits,
    nesting,
    dirtyTracking,
    prs,
    ats,
    scalableMode,
    firstStage,
    secondStage,
    rangeInvalidation,
    stall,
    ...(isVtd ? {} : { streamTableLevels, sidBits, bbml }),
    iotlbEntries,
    domainIds,
    coherent,
    msiIsolation,
  };
  if (isVtd) {
    const computed = computeVtdRegs(unit);
    const regs = {
      capReg: capReg ?? computed.capReg,
      ecapReg: ecapReg ?? computed.ecapReg,
      flags: vtdFlags ?? computed.flags,
    };
    if (capReg !== undefined || ecapReg !== undefined) {
      for (const m of regImageMismatches(unit, regs)) c.add([...path, 'vtd', m.where], m.message);
    }
    unit.vtd = regs;
  } else {
    const computed = computeSmmuv3Regs(unit);
    const regs = {
      idr: idr ?? computed.idr,
      iidr: iidr ?? computed.iidr,
      aidr: aidr ?? computed.aidr,
      flags: smmuFlags ?? computed.flags,
    };
    if (idr !== undefined) {
      for (const m of regImageMismatches(unit, regs)) {
        c.add([...path, 'smmuv3', 'idr', Number(/\d+/.exec(m.where)![0])], m.message);
      }
    }
    unit.smmuv3 = regs;
  }
  return c.count === before ? unit : undefined;
}

interface DeviceDraft {
  dev: PciDevice;
  index: number;
  explicitCdev: boolean;
}

function parseDevice(
  c: Checker,
  v: unknown,
  path: Path,
  ctx: { units: Map<string, IommuUnit>; unitNames: string[]; defaultRegions: ReservedRegion[] },
): PciDevice | undefined {
  const o = c.map(v, path, DEVICE_KEYS);
  if (!o) return undefined;
  const before = c.count;
  let bdf: string | undefined;
  const bdfRaw = c.str(o, 'bdf', path, true);
  if (bdfRaw !== undefined) {
    bdf = normalizeBdf(bdfRaw.trim());
    if (bdf === undefined) c.add([...path, 'bdf'], `bad BDF '${bdfRaw}' (expected DDDD:BB:DD.F, e.g. 0000:01:00.0)`);
  }
  const cdev = c.str(o, 'cdev', path);
  if (cdev !== undefined && !/^vfio(0|[1-9][0-9]*)$/.test(cdev)) {
    c.add([...path, 'cdev'], `bad cdev name '${cdev}' (expected vfioN, e.g. vfio0)`);
  }
  const group = c.int(o, 'group', path, 0, 0x7fffffff, undefined, true);
  let iommu = c.str(o, 'iommu', path);
  if (iommu === undefined && o.iommu === undefined) {
    if (ctx.unitNames.length === 1) iommu = ctx.unitNames[0];
    else if (ctx.unitNames.length > 1) {
      c.add([...path, 'iommu'], `required (the host has ${ctx.unitNames.length} IOMMU units: ${ctx.unitNames.join(', ')})`);
    }
  } else if (iommu !== undefined && !ctx.unitNames.includes(iommu)) {
    c.add([...path, 'iommu'], `unknown IOMMU unit '${iommu}'`);
  }
  const unit = iommu !== undefined ? ctx.units.get(iommu) : undefined;
  const description = c.str(o, 'description', path) ?? '';
  const driver = c.oneOf(o, 'driver', path, DRIVERS, 'vfio-pci');
  const ats = c.bool(o, 'ats', path, false);
  const pri = c.bool(o, 'pri', path, false);
  const pasidBits = c.int(o, 'pasidBits', path, 0, 20, 0);
  const pasidExec = c.bool(o, 'pasidExec', path, false);
  const pasidPriv = c.bool(o, 'pasidPriv', path, false);
  if (cdev !== undefined && driver !== undefined && driver !== 'vfio-pci') {
    c.add([...path, 'cdev'], `only a vfio-pci device has a VFIO cdev (driver is ${driver})`);
  }
  if (pri && !ats) c.add([...path, 'pri'], 'PRI needs ATS (ats: true)');
  if (pasidExec && pasidBits === 0) c.add([...path, 'pasidExec'], 'needs pasidBits > 0');
  if (pasidPriv && pasidBits === 0) c.add([...path, 'pasidPriv'], 'needs pasidBits > 0');
  if (unit) {
    if (pasidBits > unit.pasidBits) {
      c.add([...path, 'pasidBits'], `${pasidBits} exceeds the PASID width of unit '${unit.name}' (${unit.pasidBits} bits)`);
    }
    if (ats && !unit.ats) c.add([...path, 'ats'], `unit '${unit.name}' does not support ATS`);
    if (pri && !unit.prs) c.add([...path, 'pri'], `unit '${unit.name}' does not support page requests (prs)`);
    if (bdf !== undefined && unit.type === 'smmuv3' && unit.sidBits !== undefined && unit.sidBits < 32) {
      const rid = ridOf(bdf);
      if (rid >= 2 ** unit.sidBits) {
        c.add([...path, 'bdf'], `stream ID ${hex(rid)} does not fit unit '${unit.name}' (${unit.sidBits}-bit SIDSIZE)`);
      }
    }
  }

  // BARs
  const bars: Bar[] = [];
  if (o.bars !== undefined && o.bars !== null) {
    const l = c.list(o.bars, [...path, 'bars']);
    const used = new Map<number, string>();
    l?.forEach((b, i) => {
      const p = [...path, 'bars', i];
      const bo = c.map(b, p, BAR_KEYS);
      if (!bo) return;
      const bBefore = c.count;
      const index = c.int(bo, 'index', p, 0, 5, undefined, true);
      const size = c.size(bo, 'size', p, true);
      const prefetchable = c.bool(bo, 'prefetchable', p, false);
      const is64 = c.bool(bo, 'is64', p, false);
      if (index !== undefined) {
        if (is64 && index === 5) c.add([...p, 'is64'], 'BAR5 cannot be 64-bit (no BAR6 for the upper half)');
        const slots = is64 && index < 5 ? [index, index + 1] : [index];
        for (const s of slots) {
          const prev = used.get(s);
          if (prev !== undefined) c.add([...p, 'index'], `BAR${s} is already used by ${prev}`);
        }
        for (const s of slots) {
          if (!used.has(s)) used.set(s, s === index ? `bars[${i}]` : `the upper half of 64-bit BAR${index}`);
        }
      }
      if (size !== undefined) {
        if (size < 16n || (size & (size - 1n)) !== 0n) {
          c.add([...p, 'size'], `a memory BAR is a power of two of at least 16 bytes, got ${formatSize(size)}`);
        } else if (size > SZ_4G && !is64) c.add([...p, 'size'], `${formatSize(size)} needs a 64-bit BAR (is64: true)`);
      }
      if (c.count !== bBefore || index === undefined || size === undefined) return;
      bars.push({ index, size, prefetchable, is64 });
    });
    bars.sort((a, b) => a.index - b.index);
  }

  const migration = o.migration === undefined || o.migration === null ? undefined : parseMigration(c, o.migration, [...path, 'migration']);
  const dmaLogging = c.bool(o, 'dirtyTracking', path, false);

  const useDefaults = c.bool(o, 'defaultReservedRegions', path, true);
  const own = parseRegions(c, o.reservedRegions, [...path, 'reservedRegions']);
  const reservedRegions = [...(useDefaults ? ctx.defaultRegions.map((r) => ({ ...r })) : []), ...own];

  if (c.count !== before || bdf === undefined || group === undefined || iommu === undefined || driver === undefined) {
    return undefined;
  }
  return {
    bdf,
    rid: ridOf(bdf),
    ...(cdev !== undefined ? { cdev } : {}),
    group,
    iommu,
    description,
    bars,
    ats,
    pri,
    pasidBits,
    pasidExec,
    pasidPriv,
    driver,
    reservedRegions,
    dirtyTracking: unit?.dirtyTracking ?? false,
    ...(migration ? { migration } : {}),
    dmaLogging,
  };
}

/**
 * A device's `migration`: the VFIO_DEVICE_FEATURE_MIGRATION flags (stopCopy is mandatory for any
 * migration, so it defaults to true and cannot be false) and the internal state size, a non-zero
 * multiple of 4 KiB.
 */
function parseMigration(c: Checker, v: unknown, path: Path): DeviceMigration | undefined {
  const o = c.map(v, path, MIGRATION_KEYS);
  if (!o) return undefined;
  const before = c.count;
  const stopCopy = c.bool(o, 'stopCopy', path, true);
  const preCopy = c.bool(o, 'preCopy', path, false);
  const p2p = c.bool(o, 'p2p', path, false);
  const stateBytes = c.size(o, 'stateBytes', path, true);
  if (!stopCopy) c.add([...path, 'stopCopy'], 'VFIO_MIGRATION_STOP_COPY is mandatory for VFIO migration (omit `migration` for a device that cannot migrate)');
  if (stateBytes !== undefined) {
    if (stateBytes === 0n || stateBytes % 4096n !== 0n) c.add([...path, 'stateBytes'], `must be a non-zero multiple of 4 KiB, got ${formatSize(stateBytes)}`);
    else if (stateBytes > MAX_STATE_BYTES) c.add([...path, 'stateBytes'], `at most ${formatSize(MAX_STATE_BYTES)}, got ${formatSize(stateBytes)}`);
  }
  if (c.count !== before || stateBytes === undefined) return undefined;
  return { stopCopy, preCopy, p2p, stateBytes };
}

function normalizeCap(raw: string): string {
  const u = raw.trim().toUpperCase();
  return u.startsWith('CAP_') ? u : 'CAP_' + u;
}

function parsePrincipal(c: Checker, v: unknown, path: Path): Principal | undefined {
  const o = c.map(v, path, PRINCIPAL_KEYS);
  if (!o) return undefined;
  const before = c.count;
  const name = c.str(o, 'name', path, true);
  if (name !== undefined && !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) c.add([...path, 'name'], `bad principal name '${name}'`);
  const uid = c.int(o, 'uid', path, 0, MAX_U32 - 1);
  let gids: number[] = uid !== undefined ? [uid] : [];
  if (o.gids !== undefined && o.gids !== null) {
    const l = c.list(o.gids, [...path, 'gids']);
    if (l) {
      gids = [];
      l.forEach((g, i) => {
        const n = c.intValue(g, [...path, 'gids', i], 0, MAX_U32 - 1);
        if (n !== undefined) gids.push(n);
      });
    }
  }
  const capabilities: string[] = [];
  if (o.capabilities !== undefined && o.capabilities !== null) {
    const l = c.list(o.capabilities, [...path, 'capabilities']);
    l?.forEach((cap, i) => {
      const p = [...path, 'capabilities', i];
      if (typeof cap !== 'string') {
        c.add(p, `expected a capability name, got ${describe(cap)}`);
        return;
      }
      const n = normalizeCap(cap);
      if (!LINUX_CAPS.includes(n)) c.add(p, `unknown capability '${cap}'${suggestion(n, LINUX_CAPS)}`);
      else if (!capabilities.includes(n)) capabilities.push(n);
    });
  }
  let memlockBytes: bigint | 'unlimited' = DEFAULT_MEMLOCK;
  if (o.memlock !== undefined && o.memlock !== null) {
    if (o.memlock === 'unlimited') memlockBytes = 'unlimited';
    else {
      const s = c.sizeValue(o.memlock, [...path, 'memlock']);
      if (s !== undefined) memlockBytes = s;
    }
  }
  const roles: string[] = [];
  if (o.roles !== undefined && o.roles !== null) {
    const l = c.list(o.roles, [...path, 'roles']);
    l?.forEach((r, i) => {
      const p = [...path, 'roles', i];
      if (typeof r !== 'string' || !KNOWN_ROLES.includes(r)) {
        c.add(p, `unknown role ${describe(r)} (roles: ${KNOWN_ROLES.join(', ')})`);
      } else if (!roles.includes(r)) roles.push(r);
    });
  }
  const limits = defaultLimits();
  if (o.limits !== undefined && o.limits !== null) {
    const lp = [...path, 'limits'];
    const l = c.map(o.limits, lp, LIMITS_KEYS);
    if (l) {
      limits.nofile = c.int(l, 'nofile', lp, 4, NR_OPEN, DEFAULT_NOFILE);
      if (l.pids === 'unlimited') limits.pids = 'unlimited';
      else if (l.pids !== undefined && l.pids !== null) limits.pids = c.int(l, 'pids', lp, 0, MAX_U32 - 1, 0);
      if (l.memory === 'unlimited') limits.memoryBytes = 'unlimited';
      else if (l.memory !== undefined && l.memory !== null) limits.memoryBytes = c.size(l, 'memory', lp) ?? 'unlimited';
    }
  }
  if (c.count !== before || name === undefined) return undefined;
  return { name, ...(uid !== undefined ? { uid } : {}), gids, capabilities, memlockBytes, roles, limits };
}

function idOf(
  c: Checker,
  v: unknown,
  path: Path,
  which: 'uid' | 'gid',
  principals: Principal[],
): number | undefined {
  if (typeof v === 'string') {
    const p = principals.find((x) => x.name === v);
    const id = p === undefined ? undefined : which === 'uid' ? p.uid : p.gids[0];
    if (id === undefined) {
      c.add(path, p === undefined ? `unknown principal '${v}'` : `principal '${v}' has no ${which}`);
    }
    return id;
  }
  return c.intValue(v, path, 0, MAX_U32 - 1);
}

function parseOwnership(
  c: Checker,
  o: Obj,
  path: Path,
  base: NodeOwnership,
  principals: Principal[],
): NodeOwnership {
  const out = { ...base };
  if (o.uid !== undefined && o.uid !== null) {
    const id = idOf(c, o.uid, [...path, 'uid'], 'uid', principals);
    if (id !== undefined) out.uid = id;
  }
  if (o.gid !== undefined && o.gid !== null) {
    const id = idOf(c, o.gid, [...path, 'gid'], 'gid', principals);
    if (id !== undefined) out.gid = id;
  }
  if (o.mode !== undefined && o.mode !== null) {
    const m = parseMode(c, o.mode, [...path, 'mode']);
    if (m !== undefined) out.mode = m;
  }
  return out;
}

function build(c: Checker, root: unknown, source: string): HostProfile | undefined {
  if (root === null || root === undefined) {
    c.add([], 'empty document');
    return undefined;
  }
  const top = c.map(root, [], TOP_KEYS);
  if (!top) return undefined;

  const name = c.str(top, 'name', [], true);
  if (name !== undefined && !NAME_RE.test(name)) c.add(['name'], `bad profile name '${name}' (letters, digits, '_', '.', '-')`);
  const description = c.str(top, 'description', []);
  const arch = c.oneOf(top, 'arch', [], ['x86_64', 'aarch64'] as const);
  const ramBytes = c.size(top, 'ram', [], true);
  if (ramBytes !== undefined) {
    if (ramBytes < 64n * KIB ** 2n) c.add(['ram'], `at least 64 MiB, got ${formatSize(ramBytes)}`);
    else if (ramBytes % 4096n !== 0n) c.add(['ram'], `must be a multiple of 4 KiB, got ${ramBytes}`);
  }
  if (top.pageSize !== undefined && top.pageSize !== null) {
    const ps = c.sizeValue(top.pageSize, ['pageSize']);
    if (ps !== undefined && ps !== 4096n) c.add(['pageSize'], `only 4 KiB host pages are modelled, got ${formatSize(ps)}`);
  }

  // kernel
  const kernel: KernelFeatures = {
    iommufd: true,
    vfioCompatContainer: true,
    nativeType1: false,
    dmabufP2p: false,
    iommufdFault: true,
    viommu: true,
  };
  if (top.kernel !== undefined && top.kernel !== null) {
    const k = c.map(top.kernel, ['kernel'], KERNEL_KEYS);
    if (k) {
      if (typeof k.version === 'number' || typeof k.version === 'bigint') {
        c.add(['kernel', 'version'], `write the version as a quoted string, e.g. "6.18" (YAML reads ${k.version} as a number)`);
      } else {
        const version = c.str(k, 'version', ['kernel']);
        if (version !== undefined) kernel.version = version;
      }
      kernel.iommufd = c.bool(k, 'iommufd', ['kernel'], kernel.iommufd);
      kernel.nativeType1 = c.bool(k, 'nativeType1', ['kernel'], false);
      kernel.vfioCompatContainer = c.bool(k, 'vfioCompatContainer', ['kernel'], kernel.iommufd && !kernel.nativeType1);
      kernel.dmabufP2p = c.bool(k, 'dmabufP2p', ['kernel'], false);
      kernel.iommufdFault = c.bool(k, 'iommufdFault', ['kernel'], kernel.iommufd);
      kernel.viommu = c.bool(k, 'viommu', ['kernel'], kernel.iommufd);
      if (kernel.vfioCompatContainer && kernel.nativeType1) {
        c.add(['kernel', 'nativeType1'], 'conflicts with vfioCompatContainer (only one backend can serve /dev/vfio/vfio)');
      }
      if (!kernel.iommufd) {
        for (const f of ['vfioCompatContainer', 'iommufdFault', 'viommu'] as const) {
          if (kernel[f]) c.add(['kernel', f], 'needs iommufd');
        }
      }
    }
  }

  // defaults
  let defaultRegions: ReservedRegion[] = [];
  let useStandardPrincipals = true;
  let defaultsNodes: Obj | undefined;
  if (top.defaults !== undefined && top.defaults !== null) {
    const d = c.map(top.defaults, ['defaults'], DEFAULTS_KEYS);
    if (d) {
      defaultRegions = parseRegions(c, d.reservedRegions, ['defaults', 'reservedRegions']);
      useStandardPrincipals = c.bool(d, 'standardPrincipals', ['defaults'], true);
      if (d.nodes !== undefined && d.nodes !== null) defaultsNodes = c.map(d.nodes, ['defaults', 'nodes'], Object.keys(NODE_TEMPLATE_KEYS));
    }
  }

  // IOMMU units
  const units = new Map<string, IommuUnit>();
  const unitNames: string[] = [];
  const unitIndex = new Map<string, number>();
  const parsedUnits: ParsedUnit[] = [];
  if (top.iommus === undefined || top.iommus === null) c.add(['iommus'], 'required (list the IOMMU units)');
  else {
    const l = c.list(top.iommus, ['iommus']);
    if (l && l.length === 0) c.add(['iommus'], 'must list at least one IOMMU unit');
    l?.forEach((u, i) => {
      const unit = parseUnit(c, u, ['iommus', i], arch);
      const nm = u !== null && typeof u === 'object' && typeof (u as Obj).name === 'string' ? ((u as Obj).name as string) : undefined;
      if (nm !== undefined) {
        const prev = unitIndex.get(nm);
        if (prev !== undefined) {
          c.add(['iommus', i, 'name'], `duplicate IOMMU unit name '${nm}' (also iommus[${prev}])`);
          return;
        }
        unitIndex.set(nm, i);
        unitNames.push(nm);
      }
      if (unit) {
        units.set(unit.name, unit);
        parsedUnits.push({ unit, index: i });
      }
    });
  }
  if (ramBytes !== undefined) {
    for (const { unit, index } of parsedUnits) {
      if (ramBytes > 2n ** BigInt(unit.outputBits)) {
        c.add(['iommus', index, 'outputBits'], `${unit.outputBits}-bit output addresses cannot reach ${formatSize(ramBytes)} of RAM`);
      }
    }
  }

  // devices
  const drafts: DeviceDraft[] = [];
  if (top.devices !== undefined && top.devices !== null) {
    const l = c.list(top.devices, ['devices']);
    const bdfSeen = new Map<string, number>();
    const groupUnit = new Map<number, { unit: string; index: number }>();
    const cdevSeen = new Map<string, number>();
    l?.forEach((d, i) => {
      const path = ['devices', i];
      const dev = parseDevice(c, d, path, { units, unitNames, defaultRegions });
      if (!dev) return;
      const prevBdf = bdfSeen.get(dev.bdf);
      if (prevBdf !== undefined) c.add([...path, 'bdf'], `duplicate BDF ${dev.bdf} (also devices[${prevBdf}])`);
      else bdfSeen.set(dev.bdf, i);
      const g = groupUnit.get(dev.group);
      if (g === undefined) groupUnit.set(dev.group, { unit: dev.iommu, index: i });
      else if (g.unit !== dev.iommu) {
        c.add(
          [...path, 'group'],
          `group ${dev.group} spans IOMMU units '${g.unit}' (devices[${g.index}]) and '${dev.iommu}'; a group sits behind one unit`,
        );
      }
      if (dev.cdev !== undefined) {
        if (!kernel.iommufd) c.add([...path, 'cdev'], 'the kernel has no iommufd, so no VFIO device cdevs');
        const prev = cdevSeen.get(dev.cdev);
        if (prev !== undefined) c.add([...path, 'cdev'], `duplicate cdev name '${dev.cdev}' (also devices[${prev}])`);
        else cdevSeen.set(dev.cdev, i);
      }
      drafts.push({ dev, index: i, explicitCdev: dev.cdev !== undefined });
    });
    // cdev names for vfio-pci devices that gave none: lowest free vfioN, in device order
    if (kernel.iommufd) {
      let next = 0;
      for (const dr of drafts) {
        if (dr.explicitCdev || dr.dev.driver !== 'vfio-pci') continue;
        while (cdevSeen.has(`vfio${next}`)) next++;
        dr.dev.cdev = `vfio${next}`;
        cdevSeen.set(dr.dev.cdev, dr.index);
      }
    }
  }
  const devices = drafts.map((d) => d.dev);

  // principals
  const principals: Principal[] = useStandardPrincipals ? standardPrincipals() : [];
  if (top.principals !== undefined && top.principals !== null) {
    const l = c.list(top.principals, ['principals']);
    const seen = new Map<string, number>();
    l?.forEach((p, i) => {
      const pr = parsePrincipal(c, p, ['principals', i]);
      if (!pr) return;
      const prev = seen.get(pr.name);
      if (prev !== undefined) {
        c.add(['principals', i, 'name'], `duplicate principal '${pr.name}' (also principals[${prev}])`);
        return;
      }
      seen.set(pr.name, i);
      const at = principals.findIndex((x) => x.name === pr.name);
      if (at >= 0) principals[at] = pr;
      else principals.push(pr);
    });
  }
  if (principals.length === 0) c.add(['principals'], 'the host has no principals (keep defaults.standardPrincipals or list some)');

  // nodes
  const nodeTemplates = standardNodeTemplates();
  if (defaultsNodes) {
    for (const [key, kind] of Object.entries(NODE_TEMPLATE_KEYS)) {
      const v = defaultsNodes[key];
      if (v === undefined || v === null) continue;
      const o = c.map(v, ['defaults', 'nodes', key], OWNERSHIP_KEYS);
      if (o) nodeTemplates[kind] = parseOwnership(c, o, ['defaults', 'nodes', key], nodeTemplates[kind], principals);
    }
  }
  const nodes: DeviceNode[] = [];
  if (kernel.iommufd) nodes.push({ path: '/dev/iommu', kind: 'iommu', ...nodeTemplates.iommu });
  if (kernel.vfioCompatContainer || kernel.nativeType1) {
    nodes.push({ path: '/dev/vfio/vfio', kind: 'vfio-container', ...nodeTemplates['vfio-container'] });
  }
  const vfioGroups = [...new Set(devices.filter((d) => d.driver === 'vfio-pci').map((d) => d.group))].sort((a, b) => a - b);
  for (const g of vfioGroups) nodes.push({ path: `/dev/vfio/${g}`, kind: 'vfio-group', group: g, ...nodeTemplates['vfio-group'] });
  const cdevs = devices
    .filter((d) => d.cdev !== undefined)
    .map((d) => d.cdev!)
    .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)));
  for (const n of cdevs) nodes.push({ path: `/dev/vfio/devices/${n}`, kind: 'vfio-cdev', cdev: n, ...nodeTemplates['vfio-cdev'] });
  if (top.nodes !== undefined && top.nodes !== null) {
    const l = c.list(top.nodes, ['nodes']);
    l?.forEach((nv, i) => {
      const p = ['nodes', i];
      const o = c.map(nv, p, NODE_KEYS);
      if (!o) return;
      const path = c.str(o, 'path', p, true);
      if (path === undefined) return;
      const node = nodes.find((n) => n.path === path);
      if (!node) {
        c.add([...p, 'path'], `no such device node '${path}'${suggestion(path, nodes.map((n) => n.path))}`);
        return;
      }
      Object.assign(node, parseOwnership(c, o, p, node, principals));
    });
  }

  if (c.count > 0 || name === undefined || arch === undefined || ramBytes === undefined) return undefined;
  return {
    name,
    ...(description !== undefined ? { description } : {}),
    arch,
    ramBytes,
    pageSize: 4096,
    kernel,
    iommus: parsedUnits.map((p) => p.unit),
    devices,
    principals,
    nodes,
    nodeTemplates,
    source,
  };
}

/**
 * Parse and validate a profile from YAML text. Throws ProfileError listing every problem with
 * the path of the field (and its line).
 */
export function parseProfile(yamlText: string, source = '<profile>'): HostProfile {
  const lc = new LineCounter();
  const doc = parseDocument(yamlText, { intAsBigInt: true, lineCounter: lc, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ProfileError(
      source,
      doc.errors.map((e) => ({
        path: '',
        message: `YAML: ${e.message.split('\n')[0]}`,
        ...(e.linePos ? { line: e.linePos[0].line } : {}),
      })),
    );
  }
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    throw new ProfileError(source, [{ path: '', message: `YAML: ${(e as Error).message}` }]);
  }
  const c = new Checker();
  const profile = build(c, root, source);
  if (c.count > 0 || !profile) {
    throw new ProfileError(
      source,
      c.issues.map((i) => {
        const line = lineOf(doc, lc, i.path);
        return { path: pathText(i.path), message: i.message, ...(line !== undefined ? { line } : {}) };
      }),
    );
  }
  return profile;
}

function lineOf(doc: ReturnType<typeof parseDocument>, lc: LineCounter, path: Path): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Built-in profiles and loading

export const DEFAULT_PROFILE = 'intel-vtd';

let builtinDirCache: string | undefined;
/**
 * The repository's `profiles/` directory. From the sources (libs/profile/) it is 2 levels up;
 * from the compiled layout (dist/libs/profile/, the container image's too) 3.
 */
export function builtinProfileDir(): string {
  if (builtinDirCache !== undefined) return builtinDirCache;
  for (const rel of ['../../profiles/', '../../../profiles/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, `${DEFAULT_PROFILE}.yaml`))) return (builtinDirCache = dir);
  }
  throw new Error(`built-in host profiles not found (looked for profiles/${DEFAULT_PROFILE}.yaml above ${fileURLToPath(import.meta.url)})`);
}

/** Names of the built-in profiles (the YAML files in profiles/), the default first. */
export function builtinProfileNames(): string[] {
  const names = readdirSync(builtinProfileDir())
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
  return [DEFAULT_PROFILE, ...names.filter((n) => n !== DEFAULT_PROFILE)];
}

/**
 * Load a built-in profile by name (`intel-vtd`, `arm-smmuv3`, …) or a YAML file by path.
 * Anything with a path separator or a .yaml/.yml suffix is a path; a bare word is a built-in
 * name unless no built-in has that name and a file of that name exists.
 */
export function loadProfile(nameOrPath: string): HostProfile {
  const looksLikePath = /[\\/]/.test(nameOrPath) || /\.ya?ml$/i.test(nameOrPath);
  if (!looksLikePath) {
    const names = builtinProfileNames();
    if (names.includes(nameOrPath)) {
      const text = readFileSync(join(builtinProfileDir(), `${nameOrPath}.yaml`), 'utf8');
      const p = parseProfile(text, `builtin:${nameOrPath}`);
      if (p.name !== nameOrPath) {
        throw new ProfileError(`builtin:${nameOrPath}`, [{ path: 'name', message: `built-in '${nameOrPath}' is named '${p.name}'` }]);
      }
      return p;
    }
    if (!existsSync(nameOrPath)) {
      throw new ProfileError(nameOrPath, [
        {
          path: '',
          message: `unknown built-in profile '${nameOrPath}' (built-ins: ${names.join(', ')}); to load a file give its path, e.g. ./${nameOrPath}.yaml`,
        },
      ]);
    }
  }
  let text: string;
  try {
    if (statSync(nameOrPath).isDirectory()) throw new Error('is a directory');
    text = readFileSync(nameOrPath, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ProfileError(nameOrPath, [{ path: '', message: `cannot read profile: ${err.code ?? err.message}` }]);
  }
  return parseProfile(text, nameOrPath);
}

// ---------------------------------------------------------------------------------------------
// Lookups

export function findUnit(profile: HostProfile, name: string): IommuUnit | undefined {
  return profile.iommus.find((u) => u.name === name);
}
export function findDevice(profile: HostProfile, bdf: string): PciDevice | undefined {
  const n = normalizeBdf(bdf);
  return n === undefined ? undefined : profile.devices.find((d) => d.bdf === n);
}
/** The unit a device sits behind (always present in a validated profile). */
export function unitOf(profile: HostProfile, dev: PciDevice): IommuUnit {
  const u = findUnit(profile, dev.iommu);
  if (!u) throw new Error(`device ${dev.bdf}: unknown IOMMU unit '${dev.iommu}'`);
  return u;
}
