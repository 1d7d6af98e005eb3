/**
 * Where things are in a TOML document's text: table headers, key/value
 * entries and, for array values, each item and comma. Generators use it to
 * edit a user's Cargo.toml in place (comments, order and formatting stay as
 * they were) instead of parsing and re-serializing it.
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
  /** Full key path: the enclosing table's path, then the (dotted) key. */
  path: string[];
  /** The part of the path written in the entry itself (the dotted key). */
  key: string[];
  keyStart: number;
  valueStart: number;
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

  constructor(private readonly text: string) {}

  document(): TomlLayout {
    const headers: TomlHeader[] = [];
    const entries: TomlEntry[] = [];
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
      const keyStart = this.pos;
      const key = this.keyPath();
      this.skipSpaces();
      this.expect('=');
      this.skipSpaces();
      const valueStart = this.pos;
      const array = this.value();
      entries.push({ path: [...table, ...key], key, keyStart, valueStart, valueEnd: this.pos, array });
    }
    return { headers, entries };
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

  /** Skips one value; returns its layout when it is an array. */
  private value(): TomlArraySpan | undefined {
    const c = this.peek();
    if (this.text.startsWith('"""', this.pos)) this.multiLineString('"');
    else if (this.text.startsWith("'''", this.pos)) this.multiLineString("'");
    else if (c === '"') this.basicString();
    else if (c === "'") this.literalString();
    else if (c === '[') return this.array();
    else if (c === '{') this.inlineTable();
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

  private inlineTable(): void {
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
