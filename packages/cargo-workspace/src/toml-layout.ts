import { ManifestError } from './errors.js';
import { isTable, parseToml, sameToml, type TomlTable } from './toml.js';

/**
 * Where things are in a TOML document's text: table headers, key/value
 * entries (those inside inline tables too) and, for array values, each item
 * and comma. Generators and `nx release` use it to edit a user's Cargo.toml
 * or a Cargo.lock in place (comments, order and formatting stay as they
 * were) instead of parsing and re-serializing it.
 *
 * The scanner assumes a document that already parsed as TOML; callers check
 * that with a real parser first, and again on the edited text.
 */

export interface TomlArrayItem {
  start: number;
  /** Index just past the item. */
  end: number;
  /** Index of the comma that follows the item, if any. */
  comma?: number;
}

export interface TomlArraySpan {
  /** Index of `[`. */
  open: number;
  /** Index of the matching `]`. */
  close: number;
  items: TomlArrayItem[];
}

export interface TomlEntry {
  /** Full key path: the enclosing table's path, the keys of enclosing inline tables, then the (dotted) key. */
  path: string[];
  /** The part of the path written in the entry itself (the dotted key). */
  key: string[];
  /** Index in `headers` of the table the entry is in; -1 before the first header. Tells `[[array]]` tables apart. */
  table: number;
  /** Set for an entry inside an inline table (`dep = { version = "1" }`); not for inline tables inside arrays. */
  inline?: true;
  keyStart: number;
  /** Start of the value (a string's opening quote). */
  valueStart: number;
  /** Index just past the value. */
  valueEnd: number;
  /** Set when the value is an array. */
  array?: TomlArraySpan;
}

export interface TomlHeader {
  path: string[];
  /** `[[...]]` rather than `[...]`. */
  isArray: boolean;
  start: number;
  /** Index of the newline that ends the header's line, or the text length. */
  lineEnd: number;
}

export interface TomlLayout {
  headers: TomlHeader[];
  entries: TomlEntry[];
}

export function scanTomlLayout(text: string): TomlLayout {
  return new Scanner(text).document();
}

const SCALAR_END = new Set([' ', '\t', '\r', '\n', ',', ']', '}', '#']);

class Scanner {
  private pos = 0;
  private readonly entries: TomlEntry[] = [];

  constructor(private readonly text: string) {}

  document(): TomlLayout {
    const headers: TomlHeader[] = [];
    const entries = this.entries;
    let table: string[] = [];
    for (;;) {
      this.skipTrivia();
      if (this.pos >= this.text.length) break;
      if (this.peek() === '[') {
        const start = this.pos;
        const isArray = this.text.startsWith('[[', this.pos);
        this.pos += isArray ? 2 : 1;
        const path = this.keyPath();
        this.skipSpaces();
        this.expect(isArray ? ']]' : ']');
        this.skipSpaces();
        if (this.peek() === '#') this.skipToLineEnd();
        headers.push({ path, isArray, start, lineEnd: this.pos });
        table = path;
        continue;
      }
      this.entry(table, headers.length - 1, false);
    }
    // Entries of an inline table are recorded before the entry that holds it: order by position.
    entries.sort((a, b) => a.keyStart - b.keyStart);
    return { headers, entries };
  }

  /** One `key = value`; an inline table value records its own entries under `[...prefix, ...key]`. */
  private entry(prefix: string[], table: number, inline: boolean): void {
    const keyStart = this.pos;
    const key = this.keyPath();
    this.skipSpaces();
    this.expect('=');
    this.skipSpaces();
    const valueStart = this.pos;
    const path = [...prefix, ...key];
    const array = this.value({ path, table });
    this.entries.push({ path, key, table, ...(inline ? { inline: true as const } : {}), keyStart, valueStart, valueEnd: this.pos, ...(array ? { array } : {}) });
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  private fail(what: string): never {
    const line = this.text.slice(0, this.pos).split('\n').length;
    throw new Error(`cannot read TOML layout: ${what} at line ${line}`);
  }

  private expect(token: string): void {
    if (!this.text.startsWith(token, this.pos)) this.fail(`expected \`${token}\``);
    this.pos += token.length;
  }

  private skipSpaces(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }

  /** Leaves `pos` on the newline (or at the end of the text). */
  private skipToLineEnd(): void {
    const newline = this.text.indexOf('\n', this.pos);
    this.pos = newline === -1 ? this.text.length : newline;
  }

  /** Whitespace, newlines and comments. */
  private skipTrivia(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.pos++;
      else if (c === '#') this.skipToLineEnd();
      else return;
    }
  }

  /** A dotted key: bare, "basic" or 'literal' parts. */
  private keyPath(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipSpaces();
      const start = this.pos;
      const c = this.peek();
      if (c === '"') {
        this.basicString();
        const raw = this.text.slice(start, this.pos);
        try {
          parts.push(JSON.parse(raw) as string);
        } catch {
          parts.push(raw.slice(1, -1));
        }
      } else if (c === "'") {
        this.literalString();
        parts.push(this.text.slice(start + 1, this.pos - 1));
      } else {
        while (this.pos < this.text.length && /[A-Za-z0-9_-]/.test(this.text[this.pos])) this.pos++;
        if (this.pos === start) this.fail('expected a key');
        parts.push(this.text.slice(start, this.pos));
      }
      this.skipSpaces();
      if (this.peek() !== '.') return parts;
      this.pos++;
    }
  }

  /**
   * Skips one value; returns its layout when it is an array. `owner` is the
   * entry whose value this is: an inline table records its entries under it
   * (array items have none, since their paths would be ambiguous).
   */
  private value(owner?: { path: string[]; table: number }): TomlArraySpan | undefined {
    const c = this.peek();
    if (this.text.startsWith('"""', this.pos)) this.multiLineString('"');
    else if (this.text.startsWith("'''", this.pos)) this.multiLineString("'");
    else if (c === '"') this.basicString();
    else if (c === "'") this.literalString();
    else if (c === '[') return this.array();
    else if (c === '{') this.inlineTable(owner);
    else this.scalar();
    return undefined;
  }

  private basicString(): void {
    this.pos++;
    while (this.pos < this.text.length && this.text[this.pos] !== '"') this.pos += this.text[this.pos] === '\\' ? 2 : 1;
    this.expect('"');
  }

  private literalString(): void {
    this.pos++;
    const close = this.text.indexOf("'", this.pos);
    if (close === -1) this.fail('unterminated string');
    this.pos = close + 1;
  }

  private multiLineString(quote: '"' | "'"): void {
    const delimiter = quote.repeat(3);
    this.pos += 3;
    while (this.pos < this.text.length) {
      if (quote === '"' && this.text[this.pos] === '\\') {
        this.pos += 2;
        continue;
      }
      if (this.text.startsWith(delimiter, this.pos)) {
        // Up to two more quotes right before the delimiter belong to the content.
        let run = 0;
        while (this.text[this.pos + run] === quote && run < 5) run++;
        this.pos += run;
        return;
      }
      this.pos++;
    }
    this.fail('unterminated multi-line string');
  }

  private array(): TomlArraySpan {
    const open = this.pos;
    this.pos++;
    const items: TomlArrayItem[] = [];
    for (;;) {
      this.skipTrivia();
      const c = this.peek();
      if (c === undefined) this.fail('unterminated array');
      if (c === ']') {
        const close = this.pos;
        this.pos++;
        return { open, close, items };
      }
      if (c === ',') {
        const last = items[items.length - 1];
        if (!last || last.comma !== undefined) this.fail('unexpected comma');
        last.comma = this.pos;
        this.pos++;
        continue;
      }
      const start = this.pos;
      this.value();
      if (this.pos === start) this.fail('expected a value');
      items.push({ start, end: this.pos });
    }
  }

  private inlineTable(owner?: { path: string[]; table: number }): void {
    this.pos++;
    for (;;) {
      this.skipTrivia();
      const c = this.peek();
      if (c === undefined) this.fail('unterminated inline table');
      if (c === '}') {
        this.pos++;
        return;
      }
      if (c === ',') {
        this.pos++;
        continue;
      }
      if (owner) {
        this.entry(owner.path, owner.table, true);
        continue;
      }
      this.keyPath();
      this.skipSpaces();
      this.expect('=');
      this.skipSpaces();
      this.value();
    }
  }

  private scalar(): void {
    const start = this.pos;
    while (this.pos < this.text.length && !SCALAR_END.has(this.text[this.pos])) this.pos++;
    if (this.pos === start) this.fail('expected a value');
    // A local date-time may separate date and time with a space.
    if (/^\d{4}-\d{2}-\d{2}$/.test(this.text.slice(start, this.pos)) && /^ \d{2}:/.test(this.text.slice(this.pos, this.pos + 4))) {
      this.pos++;
      while (this.pos < this.text.length && !SCALAR_END.has(this.text[this.pos])) this.pos++;
    }
  }
}

/** Where a string literal sits in the text, quotes included: an entry's value or an array item. */
export interface TomlStringSpan {
  start: number;
  end: number;
}

/** The value of a single-line string literal at `span`, or undefined when something else is there. */
export function stringAt(text: string, span: TomlStringSpan): string | undefined {
  const raw = text.slice(span.start, span.end);
  if (/^'[^'\n]*'$/.test(raw)) return raw.slice(1, -1);
  if (!/^"(?:[^"\\\n]|\\.)*"$/.test(raw)) return undefined;
  try {
    return JSON.parse(raw) as string;
  } catch {
    return undefined;
  }
}

/**
 * Replaces single-line string literals, keeping each one's quote style, and
 * nothing else. Throws when a span holds no such string (a multi-line
 * string, a number): callers edit values they found with the scanner.
 */
export function replaceStrings(text: string, edits: ReadonlyArray<{ span: TomlStringSpan; value: string }>): string {
  let result = text;
  for (const { span, value } of [...edits].sort((a, b) => b.span.start - a.span.start)) {
    if (stringAt(text, span) === undefined) throw new Error(`not a single-line string: ${text.slice(span.start, span.end)}`);
    const literal = text[span.start] === "'" && !/['\n]/.test(value) ? `'${value}'` : JSON.stringify(value);
    result = result.slice(0, span.start) + literal + result.slice(span.end);
  }
  return result;
}

/**
 * `text` with the string at each key path set to its new value, in place:
 * each path must name one single-line string outside `[[array]]` tables
 * (`[dependencies.a] version`, `a.version`, or `a = { version = ... }` all
 * name `dependencies.a.version`). The result is parsed again and must differ
 * from the original by exactly those values.
 */
export function setTomlStrings(file: string, text: string, edits: ReadonlyArray<{ path: string[]; value: string }>): string {
  const before = parseToml(file, text);
  const layout = scanTomlLayout(text);
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  const spans = edits.map(({ path, value }) => {
    const matches = layout.entries.filter((entry) => sameKey(entry.path, path) && !(entry.table >= 0 && layout.headers[entry.table].isArray));
    if (matches.length !== 1) throw new ManifestError({ file }, `found ${matches.length} entries \`${path.join('.')}\` where one was expected: set it to "${value}" by hand`);
    const span = { start: matches[0].valueStart, end: matches[0].valueEnd };
    if (stringAt(text, span) === undefined) throw new ManifestError({ file, line: lineOf(span.start) }, `\`${path.join('.')}\` is not a one-line string: set it to "${value}" by hand`);
    return { span, value };
  });
  const updated = replaceStrings(text, spans);
  // Put the old values back into the parsed result: then it must equal the original.
  const restored = parseToml(file, updated);
  for (const { path } of edits) setAt(restored, path, valueAt(before, path));
  if (!sameToml(restored, before)) throw new ManifestError({ file }, `setting ${edits.map(({ path }) => `\`${path.join('.')}\``).join(', ')} would change more than those values: edit the file by hand`);
  return updated;
}

function sameKey(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

function valueAt(table: TomlTable, path: string[]): unknown {
  let value: unknown = table;
  for (const key of path) value = isTable(value) ? value[key] : undefined;
  return value;
}

function setAt(table: TomlTable, path: string[], value: unknown): void {
  const parent = valueAt(table, path.slice(0, -1));
  if (isTable(parent)) parent[path[path.length - 1]] = value;
}
