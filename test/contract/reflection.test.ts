/**
 * Server reflection as a dynamic client (grpcurl, Postman, Evans) uses it: with no copy of the
 * contract's .proto files, list the services of host-iommu and vmm, fetch each service's file
 * and all its dependencies, load them into a descriptor pool, and call methods with messages
 * built from those descriptors only (Process.Spawn, Process.Open, Iommufd.IoasAlloc,
 * Vmm.ListVms). Served over grpc.reflection.v1 and v1alpha alike.
 *
 * The pool: protobufjs' Root.fromDescriptor, preceded by the checks a strict pool (protoc's
 * DescriptorPool, Python's descriptor_pool) makes and protobufjs does not: unique file names,
 * every dependency present, every type name fully qualified and defined in the file itself or
 * in one of its direct dependencies.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import descriptorExt from 'protobufjs/ext/descriptor/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestTwin, type TestTwin } from './vmm-harness.js';

type Version = 'v1' | 'v1alpha';
type Reflection = grpc.Client & { ServerReflectionInfo(): grpc.ClientDuplexStream<object, Record<string, any>> };

const require = createRequire(import.meta.url);
const reflectionProtoDir = path.resolve(path.dirname(require.resolve('@grpc/reflection')), '../proto');

/** A reflection client stub (the reflection protocol's own proto, as grpcurl has it built in). */
function reflectionClient(addr: string, version: Version): Reflection {
  const file = path.join(reflectionProtoDir, 'grpc', 'reflection', version, 'reflection.proto');
  const def = protoLoader.loadSync(file, { keepCase: true, oneofs: true, longs: String });
  const pkg = grpc.loadPackageDefinition(def) as unknown as {
    grpc: { reflection: Record<Version, { ServerReflection: new (a: string, c: grpc.ChannelCredentials) => grpc.Client }> };
  };
  return new pkg.grpc.reflection[version].ServerReflection(addr, grpc.credentials.createInsecure()) as Reflection;
}

/** One request/response exchange on a fresh reflection stream. */
function ask(client: Reflection, req: object): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const s = client.ServerReflectionInfo();
    s.on('data', (m) => {
      resolve(m);
      s.end();
    });
    s.on('error', reject);
    s.write(req);
  });
}

/** protobufjs' descriptor support (added to Root by protobufjs/ext/descriptor, untyped there). */
const fromDescriptor = (set: { file: FileProto[] }): protobuf.Root =>
  (protobuf.Root as unknown as { fromDescriptor(d: object): protobuf.Root }).fromDescriptor(set);

interface FileProto {
  name: string;
  package?: string;
  dependency?: string[];
  messageType?: MsgProto[];
  enumType?: Array<{ name: string }>;
  service?: Array<{ name: string; method: Array<{ name: string; inputType: string; outputType: string }> }>;
  options?: Record<string, unknown>;
  syntax?: string;
}
interface MsgProto {
  name: string;
  field?: Array<{ name: string; typeName?: string; jsonName?: string; oneofIndex?: number; proto3Optional?: boolean }>;
  nestedType?: MsgProto[];
  enumType?: Array<{ name: string }>;
}

function decodeFiles(resp: Record<string, any>): FileProto[] {
  expect(resp.message_response, JSON.stringify(resp.error_response)).toBe('file_descriptor_response');
  return (resp.file_descriptor_response.file_descriptor_proto as Buffer[]).map(
    (b) => descriptorExt.FileDescriptorProto.toObject(descriptorExt.FileDescriptorProto.decode(b), { arrays: true }) as FileProto,
  );
}

/** Full names (with leading '.') of every message and enum a file defines. */
function definedTypes(f: FileProto): Set<string> {
  const out = new Set<string>();
  const prefix = f.package ? `.${f.package}` : '';
  const walk = (scope: string, m: MsgProto): void => {
    const name = `${scope}.${m.name}`;
    out.add(name);
    for (const e of m.enumType ?? []) out.add(`${name}.${e.name}`);
    for (const n of m.nestedType ?? []) walk(name, n);
  };
  for (const e of f.enumType ?? []) out.add(`${prefix}.${e.name}`);
  for (const m of f.messageType ?? []) walk(prefix, m);
  return out;
}

/** Every type a file references (fields and methods). */
function referencedTypes(f: FileProto): string[] {
  const out: string[] = [];
  const walk = (m: MsgProto): void => {
    for (const fd of m.field ?? []) if (fd.typeName) out.push(fd.typeName);
    for (const n of m.nestedType ?? []) walk(n);
  };
  for (const m of f.messageType ?? []) walk(m);
  for (const s of f.service ?? []) for (const m of s.method) out.push(m.inputType, m.outputType);
  return out;
}

/**
 * A strict descriptor pool over reflection: files fetched by symbol or by name, each added only
 * after its dependencies, with the checks protoc's DescriptorPool makes.
 */
class ReflectionPool {
  readonly files = new Map<string, FileProto>();
  private readonly added = new Set<string>();

  constructor(private readonly client: Reflection) {}

  /** Fetches the file defining `symbol` (and what it sends along), then every missing dependency by name. */
  async loadSymbol(symbol: string): Promise<FileProto> {
    const files = decodeFiles(await ask(this.client, { file_containing_symbol: symbol }));
    for (const f of files) this.remember(f);
    for (const f of files) await this.loadDependencies(f);
    for (const f of files) this.add(f.name);
    return files[0]!;
  }

  private remember(f: FileProto): void {
    const known = this.files.get(f.name);
    if (known) expect(descriptorExt.FileDescriptorProto.fromObject(known).toJSON()).toEqual(descriptorExt.FileDescriptorProto.fromObject(f).toJSON());
    else this.files.set(f.name, f);
  }

  private async loadDependencies(f: FileProto): Promise<void> {
    for (const dep of f.dependency ?? []) {
      if (this.files.has(dep)) continue;
      const got = decodeFiles(await ask(this.client, { file_by_filename: dep }));
      expect(got[0]!.name, `file_by_filename ${dep} answers that file first`).toBe(dep);
      for (const g of got) this.remember(g);
      for (const g of got) await this.loadDependencies(g);
    }
  }

  /** Adds a file after its dependencies, checking type names as a strict pool does. */
  private add(name: string): void {
    if (this.added.has(name)) return;
    const f = this.files.get(name);
    expect(f, `dependency ${name} was served`).toBeDefined();
    for (const dep of f!.dependency ?? []) this.add(dep);
    const visible = definedTypes(f!);
    for (const dep of f!.dependency ?? []) for (const t of definedTypes(this.files.get(dep)!)) visible.add(t);
    for (const t of referencedTypes(f!)) {
      expect(t.startsWith('.'), `${name}: type name ${t} is fully qualified`).toBe(true);
      expect(visible.has(t), `${name}: ${t} is defined in the file or a direct dependency`).toBe(true);
    }
    expect(f!.syntax).toBe('proto3');
    const oneofs = (m: MsgProto, scope: string): void => {
      // protoc's rules: a oneof's fields are consecutive, synthetic (proto3 optional) oneofs last
      const fields = m.field ?? [];
      let previous: number | undefined;
      const closed = new Set<number>();
      let firstSynthetic = Infinity;
      for (const fd of fields) {
        if (previous !== undefined && fd.oneofIndex !== previous) closed.add(previous);
        if (fd.oneofIndex !== undefined) {
          expect(closed.has(fd.oneofIndex), `${scope}${m.name}.${fd.name}: oneof fields are consecutive`).toBe(false);
          if (fd.proto3Optional) firstSynthetic = Math.min(firstSynthetic, fd.oneofIndex);
          else expect(fd.oneofIndex, `${scope}${m.name}.${fd.name}: real oneofs before synthetic ones`).toBeLessThan(firstSynthetic);
        }
        previous = fd.oneofIndex;
      }
      for (const n of m.nestedType ?? []) oneofs(n, `${scope}${m.name}.`);
    };
    for (const m of f!.messageType ?? []) oneofs(m, `${f!.package}.`);
    this.added.add(name);
  }

  /** Builds the protobufjs root of everything added (in dependency order) and resolves it. */
  build(): protobuf.Root {
    const order: FileProto[] = [];
    const seen = new Set<string>();
    const visit = (n: string): void => {
      if (seen.has(n)) return;
      seen.add(n);
      for (const d of this.files.get(n)!.dependency ?? []) visit(d);
      order.push(this.files.get(n)!);
    };
    for (const n of this.added) visit(n);
    const root = fromDescriptor({ file: order });
    root.resolveAll();
    return root;
  }
}

/** A unary call whose messages are built from the pool's descriptors only. */
function dynamicUnary(
  addr: string,
  root: protobuf.Root,
  service: string,
  method: string,
  request: Record<string, unknown>,
  metadata: Record<string, string>,
): Promise<Record<string, any>> {
  const svc = root.lookupService(service);
  const m = svc.methods[method];
  if (!m) throw new Error(`${service} has no method ${method}`);
  m.resolve();
  const reqType = m.resolvedRequestType!;
  const resType = m.resolvedResponseType!;
  const err = reqType.verify(request);
  if (err) throw new Error(`${reqType.fullName}: ${err}`);
  const client = new grpc.Client(addr, grpc.credentials.createInsecure());
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries(metadata)) md.set(k, v);
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      `/${service}/${method}`,
      (v: Record<string, unknown>) => Buffer.from(reqType.encode(reqType.fromObject(v)).finish()),
      (b: Buffer) => resType.toObject(resType.decode(b), { longs: String, defaults: true, arrays: true }) as Record<string, any>,
      request,
      md,
      { deadline: Date.now() + 20_000 },
      (e, res) => {
        client.close();
        if (e) reject(e);
        else resolve(res!);
      },
    );
  });
}

const HOST_SERVICES = ['Process', 'Iommufd', 'Vfio', 'Platform'].map((s) => `iommutwin.host.v1.${s}`);
const VMM_SERVICES = ['Vmm', 'Guest'].map((s) => `iommutwin.vmm.v1.${s}`);
const HEALTH = 'grpc.health.v1.Health';

describe('server reflection without local protos', () => {
  let tw: TestTwin;
  beforeAll(async () => {
    tw = await startTestTwin();
  });
  afterAll(async () => {
    await tw?.close();
  });

  for (const version of ['v1', 'v1alpha'] as const) {
    it(`${version}: lists the services of host-iommu and vmm and loads every service's file into a strict pool`, async () => {
      for (const [addr, expected] of [
        [tw.host.srv.addr, HOST_SERVICES],
        [tw.vmm.addr, VMM_SERVICES],
      ] as const) {
        const client = reflectionClient(addr, version);
        try {
          const list = await ask(client, { list_services: '*' });
          const names = (list.list_services_response.service as Array<{ name: string }>).map((s) => s.name).sort();
          expect(names).toEqual([HEALTH, ...expected].sort());
          const pool = new ReflectionPool(client);
          for (const s of names) {
            const file = await pool.loadSymbol(s);
            const short = s.slice(s.lastIndexOf('.') + 1);
            expect(file.service?.some((d) => d.name === short), `${s} is in ${file.name}`).toBe(true);
          }
          const root = pool.build();
          for (const s of names) expect(root.lookupService(s).methodsArray.length, s).toBeGreaterThan(0);
          // the files carry their real names, packages and language options
          const want =
            addr === tw.host.srv.addr
              ? ['iommutwin/host/v1/iommufd.proto', 'iommutwin/host/v1/platform.proto', 'iommutwin/host/v1/process.proto', 'iommutwin/host/v1/vfio.proto', 'iommutwin/common/v1/types.proto', 'google/rpc/status.proto', 'google/protobuf/any.proto']
              : // the vmm's GetHostCapabilities carries the host's Describe (iommutwin.host.v1)
                ['iommutwin/vmm/v1/vmm.proto', 'iommutwin/vmm/v1/guest.proto', 'iommutwin/vmm/v1/types.proto', 'iommutwin/host/v1/platform.proto', 'iommutwin/common/v1/types.proto'];
          expect([...pool.files.keys()].sort()).toEqual([...want, 'grpc/health/v1/health.proto'].sort());
          for (const f of pool.files.values()) {
            expect(f.name.replaceAll('/', '.').startsWith(`${f.package}.`), `${f.name} lies under its package's path`).toBe(true);
            if (f.package?.startsWith('iommutwin.')) {
              const area = f.package.split('.')[1]!;
              expect(f.options?.goPackage).toBe(`github.com/iommu-twin/iommu-twin/gen/go/iommutwin/${area}/v1;${area}v1`);
              expect(f.options?.javaPackage).toBe(`dev.iommutwin.${area}.v1`);
              expect(f.options?.javaMultipleFiles).toBe(true);
            }
          }
        } finally {
          client.close();
        }
      }
    });
  }

  it('file_by_filename answers a real path with the file and its dependencies, NOT_FOUND for the old made-up names', async () => {
    const client = reflectionClient(tw.host.srv.addr, 'v1');
    try {
      const files = decodeFiles(await ask(client, { file_by_filename: 'iommutwin/host/v1/iommufd.proto' }));
      expect(files[0]!.name).toBe('iommutwin/host/v1/iommufd.proto');
      expect(files[0]!.dependency).toEqual(['google/rpc/status.proto', 'iommutwin/common/v1/types.proto']);
      expect(files.map((f) => f.name).sort()).toEqual(
        ['google/protobuf/any.proto', 'google/rpc/status.proto', 'iommutwin/common/v1/types.proto', 'iommutwin/host/v1/iommufd.proto'].sort(),
      );
      const alloc = files[0]!.service!.find((s) => s.name === 'Iommufd')!.method.find((m) => m.name === 'IoasAlloc')!;
      expect(alloc).toMatchObject({ inputType: '.iommutwin.host.v1.IoasAllocRequest', outputType: '.iommutwin.host.v1.IoasAllocResponse' });
      const status = files.find((f) => f.name === 'google/rpc/status.proto')!;
      expect(status.messageType![0]!.field!.find((f) => f.name === 'details')!.typeName).toBe('.google.protobuf.Any');
      for (const old of ['iommutwin_host_v1.proto', 'google_rpc.proto']) {
        const r = await ask(client, { file_by_filename: old });
        expect(r.message_response, old).toBe('error_response');
        expect(r.error_response.error_code).toBe(grpc.status.NOT_FOUND);
      }
    } finally {
      client.close();
    }
  });

  it('calls Process.Spawn, Process.Open and Iommufd.IoasAlloc on host-iommu and Vmm.ListVms on vmm with messages built by reflection', async () => {
    const hostRefl = reflectionClient(tw.host.srv.addr, 'v1');
    const vmmRefl = reflectionClient(tw.vmm.addr, 'v1alpha');
    try {
      const hostPool = new ReflectionPool(hostRefl);
      await hostPool.loadSymbol('iommutwin.host.v1.Process');
      await hostPool.loadSymbol('iommutwin.host.v1.Iommufd');
      const host = hostPool.build();
      const addr = tw.host.srv.addr;
      const auth = { authorization: 'Bearer tok-root' };
      const spawned = await dynamicUnary(addr, host, 'iommutwin.host.v1.Process', 'Spawn', { name: 'reflect' }, auth);
      const pid = String(spawned.pid);
      expect(Number(pid)).toBeGreaterThan(0);
      const asPid = { ...auth, 'x-iommutwin-pid': pid };
      const opened = await dynamicUnary(addr, host, 'iommutwin.host.v1.Process', 'Open', { path: '/dev/iommu', flags: 2 }, asPid);
      expect(opened.fd).toBeGreaterThanOrEqual(0);
      const first = await dynamicUnary(addr, host, 'iommutwin.host.v1.Iommufd', 'IoasAlloc', { fd: opened.fd }, asPid);
      const second = await dynamicUnary(addr, host, 'iommutwin.host.v1.Iommufd', 'IoasAlloc', { fd: opened.fd }, asPid);
      expect([first.out_ioas_id, second.out_ioas_id]).toEqual([1, 2]); // object IDs start at 1
      await dynamicUnary(addr, host, 'iommutwin.host.v1.Process', 'Exit', { pid: Number(pid) }, auth);

      const vmmPool = new ReflectionPool(vmmRefl);
      await vmmPool.loadSymbol('iommutwin.vmm.v1.Vmm');
      const vmm = vmmPool.build();
      const listed = await dynamicUnary(tw.vmm.addr, vmm, 'iommutwin.vmm.v1.Vmm', 'ListVms', {}, { authorization: 'Bearer vmm-root' });
      expect(listed).toEqual({ vms: [] });
    } finally {
      hostRefl.close();
      vmmRefl.close();
    }
  });
});
