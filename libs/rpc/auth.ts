/**
 * Bearer tokens → principals, for the servers' authenticating interceptor.
 *
 * A TokenTable cannot be fooled by JavaScript built-ins: it holds no plain object keyed by
 * tokens (a token `constructor`, `__proto__` or `toString` is just an unknown string), and
 * `resolveToken` only ever returns one of the principal strings it was built with, or undefined.
 *
 * The comparison does not leak which token (or which prefix of one) matched: the presented token
 * is hashed once with SHA-256 and its digest is compared with crypto.timingSafeEqual against the
 * digest of every stored token, all of them, whatever matched. The work per call depends only on
 * the number of stored tokens and the length of the presented one, never on their contents.
 *
 * Everything is checked when the table is built (a tokens file that the server would read wrong
 * is refused at start, with the file and the offending entry in the message): the file must be a
 * YAML/JSON mapping `{ "<token>": "<principal>" }`; tokens are non-empty strings of visible ASCII
 * (a token with a space, a control or a non-ASCII character could never be presented as
 * `authorization: Bearer <token>`); no token twice; principals are non-empty strings and, when
 * the server knows its principals, one of them.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import YAML, { isAlias, isMap, isScalar, isSeq } from 'yaml';

/** Characters a token may contain: visible ASCII, what `Bearer <token>` can carry. */
const TOKEN_CHARS = /^[\x21-\x7e]+$/;

export interface TokenTableOptions {
  /**
   * The principals this server knows; a token naming another one is refused. Omit when the
   * server has no principal model (every principal name is then accepted as given).
   */
  principals?: Iterable<string>;
  /** Where the entries come from, for error messages (a file path, `tokens`). */
  source?: string;
}

interface Entry {
  readonly token: string;
  readonly principal: string;
  readonly digest: Buffer;
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/** A token in an error message: only its first characters, never the whole secret. */
function redact(token: string): string {
  return token.length <= 4 ? `'${token}'` : `'${token.slice(0, 4)}…'`;
}

/** An immutable token table; see the module comment. */
export class TokenTable {
  private readonly entries: readonly Entry[];
  /** principal → its first token (for clients and tests that need "the root token") */
  private readonly byPrincipal = new Map<string, string>();

  private constructor(entries: readonly Entry[]) {
    this.entries = entries;
    for (const e of entries) if (!this.byPrincipal.has(e.principal)) this.byPrincipal.set(e.principal, e.token);
  }

  /**
   * A table from `[token, principal]` pairs (values are checked as in a file: a non-string
   * principal is refused, which is what a YAML/JSON document or a cast Record could carry).
   */
  static fromEntries(pairs: Iterable<readonly [unknown, unknown]>, opts: TokenTableOptions = {}): TokenTable {
    const source = opts.source ?? 'tokens';
    const known = opts.principals === undefined ? undefined : new Set(opts.principals);
    const seen = new Set<string>();
    const entries: Entry[] = [];
    let i = 0;
    for (const [token, principal] of pairs) {
      i++;
      if (typeof token !== 'string') throw new Error(`${source}: entry ${i}: the token is a ${describe(token)}, not a string (quote it)`);
      if (token.length === 0) throw new Error(`${source}: entry ${i}: empty token`);
      if (!TOKEN_CHARS.test(token)) throw new Error(`${source}: entry ${i}: token ${redact(token)} has a character other than visible ASCII (space, control or non-ASCII): it could never be sent as a bearer token`);
      if (seen.has(token)) throw new Error(`${source}: entry ${i}: token ${redact(token)} is listed twice`);
      if (typeof principal !== 'string') throw new Error(`${source}: token ${redact(token)} maps to a ${describe(principal)}, not a principal name (string)`);
      if (principal.length === 0) throw new Error(`${source}: token ${redact(token)} maps to an empty principal name`);
      if (known !== undefined && !known.has(principal)) {
        throw new Error(`${source}: token ${redact(token)} maps to unknown principal '${principal}' (known: ${[...known].join(', ')})`);
      }
      seen.add(token);
      entries.push(Object.freeze({ token, principal, digest: sha256(token) }));
    }
    return new TokenTable(Object.freeze(entries));
  }

  /** A table from a `{ token: principal }` record: its own enumerable string keys only. */
  static fromRecord(record: Readonly<Record<string, unknown>>, opts: TokenTableOptions = {}): TokenTable {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) throw new Error(`${opts.source ?? 'tokens'}: expected a map of token → principal`);
    return TokenTable.fromEntries(Object.entries(record), opts);
  }

  /**
   * A table from the text of a tokens file: a YAML (or JSON) mapping `{ "<token>": "<principal>" }`.
   * The document is read node by node (no object is built from it): duplicate keys, non-string
   * keys (YAML `123:` is a number: quote it), aliases and merge keys are refused.
   */
  static parse(text: string, opts: TokenTableOptions = {}): TokenTable {
    const source = opts.source ?? 'tokens';
    const doc = YAML.parseDocument(text, { uniqueKeys: true });
    if (doc.errors.length > 0) throw new Error(`${source}: not valid YAML/JSON: ${doc.errors[0]!.message.split('\n')[0]}`);
    const root = doc.contents;
    if (root === null || (isScalar(root) && (root.value === null || root.value === undefined))) {
      throw new Error(`${source}: empty: expected a map of token → principal`);
    }
    if (!isMap(root)) throw new Error(`${source}: expected a map of token → principal`);
    const pairs: Array<[unknown, unknown]> = [];
    for (const item of root.items) {
      const k = isScalar(item.key) ? item.key.value : item.key;
      const v = isScalar(item.value) ? item.value.value : item.value;
      pairs.push([k, v]);
    }
    return TokenTable.fromEntries(pairs, { ...opts, source });
  }

  /** A table from a tokens file (see parse). */
  static fromFile(path: string, opts: Omit<TokenTableOptions, 'source'> = {}): TokenTable {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new Error(`${path}: cannot read the tokens file: ${(e as Error).message}`);
    }
    return TokenTable.parse(text, { ...opts, source: path });
  }

  /** `string` → a file to read; a TokenTable as is; a record → fromRecord. */
  static from(tokens: string | TokenTable | Readonly<Record<string, unknown>>, opts: Omit<TokenTableOptions, 'source'> = {}): TokenTable {
    if (tokens instanceof TokenTable) {
      if (opts.principals !== undefined) return TokenTable.fromEntries(tokens.pairs(), opts); // re-check against this server's principals
      return tokens;
    }
    if (typeof tokens === 'string') return TokenTable.fromFile(tokens, opts);
    return TokenTable.fromRecord(tokens, opts);
  }

  /** Number of tokens. */
  get size(): number {
    return this.entries.length;
  }

  /**
   * The principal of a presented bearer token, or undefined. Constant-time in the sense of the
   * module comment: every stored digest is compared, whichever one matches.
   */
  resolveToken(token: unknown): string | undefined {
    if (typeof token !== 'string' || token.length === 0) return undefined;
    const d = sha256(token);
    let found: string | undefined;
    for (const e of this.entries) {
      // no early exit: the same comparisons happen for every token, known or not
      const eq = timingSafeEqual(d, e.digest);
      found = eq ? e.principal : found;
    }
    return found;
  }

  /** The first token of a principal (for clients and tests), or undefined. */
  tokenOf(principal: string): string | undefined {
    return this.byPrincipal.get(principal);
  }

  /** The principals that have a token, in file order. */
  principals(): string[] {
    return [...this.byPrincipal.keys()];
  }

  /** `[token, principal]` pairs in file order. */
  pairs(): Array<[string, string]> {
    return this.entries.map((e) => [e.token, e.principal]);
  }

  /** The tokens file text (JSON) of this table. */
  toFileText(): string {
    const lines = this.entries.map((e) => `  ${JSON.stringify(e.token)}: ${JSON.stringify(e.principal)}`);
    return lines.length === 0 ? '{}\n' : `{\n${lines.join(',\n')}\n}\n`;
  }
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v) || isSeq(v)) return 'list';
  if (isMap(v)) return 'map';
  if (isAlias(v)) return 'YAML alias';
  return typeof v === 'object' ? 'non-scalar value' : typeof v;
}
