import type { TomlArraySpan } from '@nx-cargo/cargo-workspace';

/**
 * Inserts `literal` (a TOML value as text) as the last item of the array at
 * `array` (found by scanTomlLayout), in the array's own style: on the same
 * line for a one-line array, on a line of its own with the items' indent
 * (keeping any comment on the last item's line) for a multi-line one, with
 * a trailing comma where the items have one.
 */
export function insertIntoArray(text: string, array: TomlArraySpan, literal: string, eol: string): string {
  const { open, close, items } = array;
  const multiLine = text.slice(open, close).includes('\n');

  if (items.length === 0) {
    if (!multiLine) return text.slice(0, open + 1) + literal + text.slice(close);
    const closeLineStart = text.lastIndexOf('\n', close - 1) + 1;
    const beforeClose = text.slice(closeLineStart, close);
    if (beforeClose.trim() !== '') return text.slice(0, close) + literal + text.slice(close);
    return text.slice(0, closeLineStart) + beforeClose + '    ' + literal + ',' + eol + text.slice(closeLineStart);
  }

  const last = items[items.length - 1];
  const trailingComma = last.comma !== undefined;
  if (!multiLine) return text.slice(0, last.end) + ', ' + literal + text.slice(last.end);

  const indent = itemIndent(text, array);
  const afterLast = trailingComma ? (last.comma as number) + 1 : last.end;
  const newline = text.indexOf('\n', afterLast);
  if (newline !== -1 && newline < close) {
    // The closing bracket is on a later line: the new item gets a line of its
    // own after the last item's line, which keeps any comment on that line.
    const lineEnd = text[newline - 1] === '\r' ? newline - 1 : newline;
    const line = eol + indent + literal + (trailingComma ? ',' : '');
    const withItem = text.slice(0, lineEnd) + line + text.slice(lineEnd);
    return trailingComma ? withItem : withItem.slice(0, last.end) + ',' + withItem.slice(last.end);
  }
  // `    "b"]`: the closing bracket shares the last item's line.
  const insertion = (trailingComma ? '' : ',') + eol + indent + literal + (trailingComma ? ',' : '');
  return text.slice(0, afterLast) + insertion + text.slice(afterLast);
}

/** The indentation of the items that start their own line (the last such one). */
function itemIndent(text: string, array: TomlArraySpan): string {
  for (const item of [...array.items].reverse()) {
    const lineStart = text.lastIndexOf('\n', item.start - 1) + 1;
    const prefix = text.slice(lineStart, item.start);
    if (lineStart > array.open && /^[ \t]*$/.test(prefix)) return prefix;
  }
  const first = array.items[0];
  const lineStart = text.lastIndexOf('\n', first.start - 1) + 1;
  // `members = ["a",` continued below: align with the first item.
  return lineStart <= array.open ? ' '.repeat(first.start - lineStart) : '    ';
}
