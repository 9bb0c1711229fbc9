/**
 * The one place that loads the .proto contract at runtime.
 *
 * LOAD_OPTIONS must equal the codegen flags of scripts/gen-proto.mjs (GEN_FLAGS), otherwise the
 * generated types lie (Long objects where `string` is typed, numbers where enum names are
 * typed). rpc.test.ts checks the two agree, and that PROTO_FILES is the codegen's file list.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as grpc from '@grpc/grpc-js';
import { loadPackageDefinition } from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from './gen/all.js';
import type { IommufdClient, IommufdDefinition, IommufdHandlers } from './gen/iommutwin/host/v1/Iommufd.js';
import type { PlatformClient, PlatformDefinition, PlatformHandlers } from './gen/iommutwin/host/v1/Platform.js';
import type { ProcessClient, ProcessDefinition, ProcessHandlers } from './gen/iommutwin/host/v1/Process.js';
import type { VfioClient, VfioDefinition, VfioHandlers } from './gen/iommutwin/host/v1/Vfio.js';

export type { ProtoGrpcType } from './gen/all.js';
export type { IommufdClient, IommufdDefinition, IommufdHandlers } from './gen/iommutwin/host/v1/Iommufd.js';
export type { PlatformClient, PlatformDefinition, PlatformHandlers } from './gen/iommutwin/host/v1/Platform.js';
export type { ProcessClient, ProcessDefinition, ProcessHandlers } from './gen/iommutwin/host/v1/Process.js';
export type { VfioClient, VfioDefinition, VfioHandlers } from './gen/iommutwin/host/v1/Vfio.js';

/**
 * proto-loader options, equal to the gen flags `--keepCase --longs=String --enums=String
 * --defaults --oneofs` (`--includeComments` only affects generated comments).
 */
export const LOAD_OPTIONS = Object.freeze({
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
} as const);

function findProtoDir(): string {
  const fromEnv = process.env.IOMMUTWIN_PROTO_DIR;
  if (fromEnv) return path.resolve(fromEnv);
  // Walk up from this module: works from the source tree (libs/rpc) and from a build output
  // directory (dist/libs/rpc) as long as proto/ sits at the repository (or image) root.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'proto');
    if (fs.existsSync(path.join(candidate, 'iommutwin'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error('libs/rpc: cannot find the proto/ directory (set IOMMUTWIN_PROTO_DIR)');
    }
    dir = parent;
  }
}

function listProtoFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string): void => {
    for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isDirectory()) walk(path.join(dir, ent.name), r);
      else if (ent.isFile() && ent.name.endsWith('.proto')) out.push(r);
    }
  };
  walk(root, '');
  return out.sort();
}

/** Absolute path of the proto/ include directory. */
export const PROTO_DIR: string = findProtoDir();

/** Every contract file, relative to PROTO_DIR, sorted (the same list the codegen uses). */
export const PROTO_FILES: readonly string[] = Object.freeze(listProtoFiles(PROTO_DIR));

/** proto-loader options including the include directory. */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = { ...LOAD_OPTIONS, includeDirs: [PROTO_DIR] };

/** The loaded contract (every package under proto/). */
export const packageDefinition: protoLoader.PackageDefinition = protoLoader.loadSync(
  [...PROTO_FILES],
  PROTO_LOADER_OPTIONS,
);

/** The typed grpc object tree: constructors for clients, `.service` definitions for servers. */
export const proto = loadPackageDefinition(packageDefinition) as unknown as ProtoGrpcType;

/** A message type of the loaded contract by full name (with serialize/deserialize). */
export function messageType<In = unknown, Out = unknown>(fullName: string): protoLoader.MessageTypeDefinition<In, Out> {
  const t = packageDefinition[fullName];
  if (!t || (t as { format?: string }).format !== 'Protocol Buffer 3 DescriptorProto') {
    throw new Error(`libs/rpc: ${fullName} is not a message type of the contract`);
  }
  return t as unknown as protoLoader.MessageTypeDefinition<In, Out>;
}

/** Package of the host-iommu services. */
export const HOST_PACKAGE = 'iommutwin.host.v1';

/** The host-iommu services by short name. */
export interface HostServices {
  Process: { definition: ProcessDefinition; handlers: ProcessHandlers; client: ProcessClient };
  Iommufd: { definition: IommufdDefinition; handlers: IommufdHandlers; client: IommufdClient };
  Vfio: { definition: VfioDefinition; handlers: VfioHandlers; client: VfioClient };
  Platform: { definition: PlatformDefinition; handlers: PlatformHandlers; client: PlatformClient };
}
export type HostServiceName = keyof HostServices;
export const HOST_SERVICE_NAMES: readonly HostServiceName[] = Object.freeze(['Process', 'Iommufd', 'Vfio', 'Platform'] as const);

/** Typed service definitions of the host-iommu services. */
export const hostServiceDefinitions: { [K in HostServiceName]: HostServices[K]['definition'] } = {
  Process: proto.iommutwin.host.v1.Process.service,
  Iommufd: proto.iommutwin.host.v1.Iommufd.service,
  Vfio: proto.iommutwin.host.v1.Vfio.service,
  Platform: proto.iommutwin.host.v1.Platform.service,
};

/** A service to serve: its fully-qualified name, definition and handlers. */
export interface ServiceRegistration {
  /** Fully-qualified service name (`iommutwin.host.v1.Process`), used by health and reflection. */
  readonly name: string;
  readonly definition: grpc.ServiceDefinition;
  readonly handlers: grpc.UntypedServiceImplementation;
}

/** The fully-qualified name of a service, read from its method paths (`/pkg.Svc/Method`). */
export function serviceNameOf(definition: grpc.ServiceDefinition): string {
  for (const key of Object.keys(definition)) {
    const p = definition[key]!.path;
    const m = /^\/([^/]+)\//.exec(p);
    if (m) return m[1]!;
  }
  throw new Error('libs/rpc: service definition without methods');
}

/**
 * A registration for any service definition. Every method needs a handler (a missing one would
 * answer a bare UNIMPLEMENTED without ErrorInfo; refuse with `notModelled(...)` instead).
 */
export function registration(
  definition: grpc.ServiceDefinition,
  handlers: grpc.UntypedServiceImplementation,
): ServiceRegistration {
  const missing = Object.keys(definition).filter((k) => typeof (handlers as Record<string, unknown>)[k] !== 'function');
  if (missing.length > 0) {
    throw new Error(`libs/rpc: ${serviceNameOf(definition)} lacks handlers for ${missing.join(', ')}`);
  }
  return { name: serviceNameOf(definition), definition, handlers };
}

/** A registration of one host-iommu service with handlers typed by the generated code. */
export function hostService<K extends HostServiceName>(name: K, handlers: HostServices[K]['handlers']): ServiceRegistration {
  return registration(hostServiceDefinitions[name], handlers);
}

// ------------------------------------------------------------------ vmm services

import type { VmmClient, VmmDefinition, VmmHandlers } from './gen/iommutwin/vmm/v1/Vmm.js';
import type { GuestClient, GuestDefinition, GuestHandlers } from './gen/iommutwin/vmm/v1/Guest.js';
export type { VmmClient, VmmDefinition, VmmHandlers, GuestClient, GuestDefinition, GuestHandlers };

export const VMM_PACKAGE = 'iommutwin.vmm.v1';

/** The vmm services by short name. */
export interface VmmServices {
  Vmm: { definition: VmmDefinition; handlers: VmmHandlers; client: VmmClient };
  Guest: { definition: GuestDefinition; handlers: GuestHandlers; client: GuestClient };
}
export type VmmServiceName = keyof VmmServices;
export const VMM_SERVICE_NAMES: readonly VmmServiceName[] = Object.freeze(['Vmm', 'Guest'] as const);

export const vmmServiceDefinitions: { [K in VmmServiceName]: VmmServices[K]['definition'] } = {
  Vmm: proto.iommutwin.vmm.v1.Vmm.service,
  Guest: proto.iommutwin.vmm.v1.Guest.service,
};

/** A registration of one vmm service with handlers typed by the generated code. */
export function vmmService<K extends VmmServiceName>(name: K, handlers: VmmServices[K]['handlers']): ServiceRegistration {
  return registration(vmmServiceDefinitions[name], handlers);
}
