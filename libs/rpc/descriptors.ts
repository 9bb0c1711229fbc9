/**
 * google.protobuf.FileDescriptorProtos of the contract, one per real .proto file, as protoc
 * would describe them: the file's own name (`iommutwin/host/v1/iommufd.proto`), its package,
 * its imports as `dependency`, fully qualified type names (`.iommutwin.common.v1.HwInfo`),
 * map entries, proto3 `optional` (synthetic oneofs after the real ones), json_name and the
 * file options. Server reflection serves these (server.ts), so a standard descriptor pool
 * (grpcurl, Python's descriptor_pool, protobufjs' Root.fromDescriptor) can load every file.
 *
 * Why not proto-loader's `fileDescriptorProtos`: protobufjs' Root.toDescriptor writes one
 * made-up file per package (`iommutwin_host_v1.proto`), without dependencies, with relative
 * type names and with the options of every file of a package merged into one.
 *
 * Types are resolved through one protobufjs Root holding every file; what belongs to a file
 * (its top-level definitions in source order, imports, options) comes from parsing that file
 * alone, because protobufjs keeps file options on the package namespace shared by all files.
 */
import fs from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import descriptorExt from 'protobufjs/ext/descriptor/index.js';

/** One file to describe: its proto name (import path) and where its source lies. */
export interface ProtoSource {
  /** The import path clients see, e.g. `iommutwin/host/v1/iommufd.proto`. */
  readonly name: string;
  /** Absolute path of the source. */
  readonly file: string;
}

/**
 * Well-known types protobufjs carries built in (no source on disk): their canonical file
 * options (those of protobuf's own src/google/protobuf/*.proto), so the served descriptor
 * equals the one every protobuf runtime already holds.
 */
const WELL_KNOWN: ReadonlyMap<string, { readonly types: readonly string[]; readonly options: Record<string, unknown> }> = new Map([
  [
    'google/protobuf/any.proto',
    {
      types: ['Any'],
      options: {
        csharp_namespace: 'Google.Protobuf.WellKnownTypes',
        go_package: 'google.golang.org/protobuf/types/known/anypb',
        java_multiple_files: true,
        java_outer_classname: 'AnyProto',
        java_package: 'com.google.protobuf',
        objc_class_prefix: 'GPB',
      },
    },
  ],
  [
    'google/protobuf/duration.proto',
    {
      types: ['Duration'],
      options: {
        cc_enable_arenas: true,
        csharp_namespace: 'Google.Protobuf.WellKnownTypes',
        go_package: 'google.golang.org/protobuf/types/known/durationpb',
        java_multiple_files: true,
        java_outer_classname: 'DurationProto',
        java_package: 'com.google.protobuf',
        objc_class_prefix: 'GPB',
      },
    },
  ],
]);

/** FieldDescriptorProto.Type numbers of the scalar types. */
const SCALAR_TYPE: ReadonlyMap<string, number> = new Map([
  ['double', 1],
  ['float', 2],
  ['int64', 3],
  ['uint64', 4],
  ['int32', 5],
  ['fixed64', 6],
  ['fixed32', 7],
  ['bool', 8],
  ['string', 9],
  ['bytes', 12],
  ['uint32', 13],
  ['sfixed32', 15],
  ['sfixed64', 16],
  ['sint32', 17],
  ['sint64', 18],
]);
const TYPE_MESSAGE = 11;
const TYPE_ENUM = 14;
const LABEL_OPTIONAL = 1;
const LABEL_REPEATED = 3;

/** protoc's ToJsonName: drop '_' and upper-case the letter after it. */
export function jsonName(name: string): string {
  let out = '';
  let upper = false;
  for (const ch of name) {
    if (ch === '_') upper = true;
    else if (upper) {
      out += ch.toUpperCase();
      upper = false;
    } else out += ch;
  }
  return out;
}

/** protoc's map entry name: `passed_fds` → `PassedFdsEntry`. */
export function mapEntryName(field: string): string {
  const camel = jsonName(field);
  return `${camel.charAt(0).toUpperCase()}${camel.slice(1)}Entry`;
}

/** `.pkg.Type` of a resolved protobufjs type. */
function qualified(t: protobuf.ReflectionObject): string {
  return t.fullName; // protobufjs full names already start with '.'
}

type Obj = Record<string, unknown>;

/** Collects, per file, the files its fields and methods reference (to check imports). */
class Refs {
  readonly files = new Set<string>();
  constructor(private readonly fileOf: (t: protobuf.ReflectionObject) => string) {}
  add(t: protobuf.ReflectionObject): string {
    this.files.add(this.fileOf(t));
    return qualified(t);
  }
}

function typeOfField(f: protobuf.Field, typeName: string, resolved: protobuf.ReflectionObject | null, refs: Refs): Obj {
  const scalar = SCALAR_TYPE.get(typeName);
  if (scalar !== undefined) return { type: scalar };
  if (resolved instanceof protobuf.Enum) return { type: TYPE_ENUM, typeName: refs.add(resolved) };
  if (resolved instanceof protobuf.Type) return { type: TYPE_MESSAGE, typeName: refs.add(resolved) };
  throw new Error(`libs/rpc descriptors: ${f.fullName}: unresolved type ${typeName}`);
}

function isSyntheticOneof(o: protobuf.OneOf): boolean {
  return o.fieldsArray.length === 1 && o.fieldsArray[0]!.options?.proto3_optional === true;
}

function fieldOptions(f: protobuf.Field): Obj | undefined {
  const o = f.options;
  if (!o) return undefined;
  const out: Obj = {};
  if (o.packed !== undefined) out.packed = o.packed;
  if (o.deprecated !== undefined) out.deprecated = o.deprecated;
  return Object.keys(out).length > 0 ? out : undefined;
}

function messageDescriptor(t: protobuf.Type, refs: Refs): Obj {
  const oneofs = [...t.oneofsArray.filter((o) => !isSyntheticOneof(o)), ...t.oneofsArray.filter(isSyntheticOneof)];
  const nestedType: Obj[] = [];
  const enumType: Obj[] = [];
  for (const n of t.nestedArray) {
    if (n instanceof protobuf.Type) nestedType.push(messageDescriptor(n, refs));
    else if (n instanceof protobuf.Enum) enumType.push(enumDescriptor(n));
    else if (!(n instanceof protobuf.OneOf)) throw new Error(`libs/rpc descriptors: ${n.fullName}: unsupported nested object`);
  }
  const field: Obj[] = [];
  for (const f of t.fieldsArray) {
    const d: Obj = { name: f.name, number: f.id, jsonName: jsonName(f.name) };
    if (f instanceof protobuf.MapField) {
      const entry = mapEntryName(f.name);
      const keyType = SCALAR_TYPE.get(f.keyType);
      if (keyType === undefined) throw new Error(`libs/rpc descriptors: ${f.fullName}: bad map key ${f.keyType}`);
      nestedType.push({
        name: entry,
        field: [
          { name: 'key', number: 1, label: LABEL_OPTIONAL, type: keyType, jsonName: 'key' },
          { name: 'value', number: 2, label: LABEL_OPTIONAL, jsonName: 'value', ...typeOfField(f, f.type, f.resolvedType, refs) },
        ],
        options: { mapEntry: true },
      });
      Object.assign(d, { label: LABEL_REPEATED, type: TYPE_MESSAGE, typeName: `${qualified(t)}.${entry}` });
    } else {
      if (f.extend !== undefined) throw new Error(`libs/rpc descriptors: ${f.fullName}: extensions are not supported`);
      Object.assign(d, { label: f.repeated ? LABEL_REPEATED : LABEL_OPTIONAL, ...typeOfField(f, f.type, f.resolvedType, refs) });
    }
    if (f.partOf) d.oneofIndex = oneofs.indexOf(f.partOf);
    if (f.options?.proto3_optional === true) d.proto3Optional = true;
    const opts = fieldOptions(f);
    if (opts) d.options = opts;
    field.push(d);
  }
  const d: Obj = { name: t.name, field, nestedType, enumType, oneofDecl: oneofs.map((o) => ({ name: o.name })) };
  const ranges: Obj[] = [];
  const names: string[] = [];
  for (const r of t.reserved ?? []) {
    if (typeof r === 'string') names.push(r);
    else ranges.push({ start: r[0], end: r[1] + 1 }); // protobufjs: inclusive end; descriptor: exclusive
  }
  if (ranges.length > 0) d.reservedRange = ranges;
  if (names.length > 0) d.reservedName = names;
  return d;
}

function enumDescriptor(e: protobuf.Enum): Obj {
  const d: Obj = { name: e.name, value: Object.entries(e.values).map(([name, number]) => ({ name, number })) };
  if (e.options?.allow_alias === true) d.options = { allowAlias: true };
  const ranges: Obj[] = [];
  const names: string[] = [];
  for (const r of e.reserved ?? []) {
    if (typeof r === 'string') names.push(r);
    else ranges.push({ start: r[0], end: r[1] }); // EnumReservedRange: inclusive end
  }
  if (ranges.length > 0) d.reservedRange = ranges;
  if (names.length > 0) d.reservedName = names;
  return d;
}

function serviceDescriptor(s: protobuf.Service, refs: Refs): Obj {
  return {
    name: s.name,
    method: s.methodsArray.map((m) => {
      m.resolve();
      if (!m.resolvedRequestType || !m.resolvedResponseType) throw new Error(`libs/rpc descriptors: ${m.fullName}: unresolved types`);
      const d: Obj = { name: m.name, inputType: refs.add(m.resolvedRequestType), outputType: refs.add(m.resolvedResponseType) };
      if (m.requestStream) d.clientStreaming = true;
      if (m.responseStream) d.serverStreaming = true;
      return d;
    }),
  };
}

/** Parsed file options → FileOptions (snake_case names as written in the file). */
function fileOptions(name: string, options: Record<string, unknown> | undefined): Obj | undefined {
  if (!options || Object.keys(options).length === 0) return undefined;
  const type = descriptorExt.FileOptions;
  const out: Obj = {};
  for (const [k, v] of Object.entries(options)) {
    const key = protobuf.util.camelCase(k);
    if (!Object.prototype.hasOwnProperty.call(type.fields, key)) {
      throw new Error(`libs/rpc descriptors: ${name}: unsupported file option ${k}`);
    }
    out[key] = v;
  }
  return out;
}

interface FileParts {
  readonly pkg: string;
  readonly imports: readonly string[];
  /** Full names (with leading '.') of the top-level definitions, in source order. */
  readonly definitions: readonly string[];
  readonly options: Record<string, unknown> | undefined;
}

function partsOfSource(name: string, source: string): FileParts {
  const parsed = protobuf.parse(source, new protobuf.Root(), { keepCase: true, alternateCommentMode: true });
  // Labels and presence below follow proto3; protobufjs does not report the syntax it read.
  if (!/^\s*syntax\s*=\s*["']proto3["']\s*;/m.test(source)) {
    throw new Error(`libs/rpc descriptors: ${name}: only proto3 files are supported`);
  }
  const pkg = parsed.package ?? '';
  const ns = pkg ? parsed.root.lookup(pkg) : parsed.root;
  if (!(ns instanceof protobuf.Namespace)) throw new Error(`libs/rpc descriptors: ${name}: package ${pkg} not found`);
  // Only definitions declared at package level; sub-packages are other files' business.
  const definitions = ns.nestedArray
    .filter((n) => n instanceof protobuf.Type || n instanceof protobuf.Enum || n instanceof protobuf.Service)
    .map((n) => n.fullName);
  return { pkg, imports: [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])], definitions, options: ns.options };
}

/**
 * Builds the FileDescriptorProtos of `sources` and every file they import (well-known types
 * included), dependencies first. Throws when a file references a type of a file it does not
 * import (protoc refuses such a file; a descriptor pool would too) or imports a file it does
 * not use (see below).
 */
export function buildFileDescriptorProtos(sources: readonly ProtoSource[]): Map<string, Uint8Array> {
  const byName = new Map(sources.map((s) => [s.name, s]));
  const byAbsPath = new Map(sources.map((s) => [path.resolve(s.file), s.name]));
  const root = new protobuf.Root();
  // Resolve imports by proto name among the given sources; anything else is a well-known type.
  root.resolvePath = (_origin, target) => byName.get(target)?.file ?? target;
  root.loadSync(
    sources.map((s) => s.file),
    { keepCase: true, alternateCommentMode: true },
  );
  root.resolveAll();

  const fileOf = (t: protobuf.ReflectionObject): string => {
    let top: protobuf.ReflectionObject = t;
    while (top.parent && !(top.parent instanceof protobuf.Root) && !(top.parent.constructor === protobuf.Namespace)) top = top.parent;
    if (top.filename) {
      const n = byAbsPath.get(path.resolve(top.filename)) ?? (byName.has(top.filename) ? top.filename : undefined);
      if (n !== undefined) return n;
    }
    for (const [wkt, def] of WELL_KNOWN) {
      if (top.fullName.startsWith('.google.protobuf.') && def.types.includes(top.name)) return wkt;
    }
    throw new Error(`libs/rpc descriptors: cannot tell which file defines ${t.fullName}`);
  };

  const out = new Map<string, Uint8Array>();
  const visiting = new Set<string>();
  const describe = (name: string): void => {
    if (out.has(name)) return;
    if (visiting.has(name)) throw new Error(`libs/rpc descriptors: import cycle through ${name}`);
    visiting.add(name);
    let parts: FileParts;
    const src = byName.get(name);
    if (src) parts = partsOfSource(name, fs.readFileSync(src.file, 'utf8'));
    else {
      const wkt = WELL_KNOWN.get(name);
      if (!wkt) throw new Error(`libs/rpc descriptors: import ${name} is neither a contract file nor a known well-known type`);
      parts = { pkg: 'google.protobuf', imports: [], definitions: wkt.types.map((t) => `.google.protobuf.${t}`), options: wkt.options };
    }
    for (const dep of parts.imports) describe(dep);
    const refs = new Refs(fileOf);
    const messageType: Obj[] = [];
    const enumType: Obj[] = [];
    const service: Obj[] = [];
    for (const full of parts.definitions) {
      const obj = root.lookup(full);
      if (obj instanceof protobuf.Type) messageType.push(messageDescriptor(obj, refs));
      else if (obj instanceof protobuf.Enum) enumType.push(enumDescriptor(obj));
      else if (obj instanceof protobuf.Service) service.push(serviceDescriptor(obj, refs));
      else throw new Error(`libs/rpc descriptors: ${name}: ${full} not found after loading`);
    }
    refs.files.delete(name);
    const missing = [...refs.files].filter((f) => !parts.imports.includes(f));
    if (missing.length > 0) throw new Error(`libs/rpc descriptors: ${name} uses types of ${missing.join(', ')} without importing them`);
    // An unused import would be listed as a dependency that reflection (which follows type
    // references) never sends, and a descriptor pool refuses a file whose dependency is absent.
    const unused = parts.imports.filter((f) => !refs.files.has(f));
    if (unused.length > 0) throw new Error(`libs/rpc descriptors: ${name} imports ${unused.join(', ')} without using it`);
    const file: Obj = { name, dependency: [...parts.imports], messageType, enumType, service, syntax: 'proto3' };
    if (parts.pkg) file.package = parts.pkg;
    const options = fileOptions(name, parts.options);
    if (options) file.options = options;
    const msg = descriptorExt.FileDescriptorProto.fromObject(file);
    out.set(name, descriptorExt.FileDescriptorProto.encode(msg).finish());
    visiting.delete(name);
  };
  for (const s of sources) describe(s.name);
  return out;
}
