import { isListedMember, isTable, parseToml, sameToml, scanTomlLayout, stringList, type TomlArraySpan, type TomlTable } from '@nx-cargo/cargo-workspace';
import { posix } from 'node:path';

/**
 * Whether Cargo counts `dir` (relative to the workspace root) as a member of
 * the workspace whose `[workspace]` table is given, by its `members` list.
 */
export function isWorkspaceMember(workspace: TomlTable, dir: string): boolean {
  const normalized = posix.normalize(dir).replace(/\/+$/, '');
  const lists = { members: stringList(workspace.members), exclude: stringList(workspace.exclude) };
  return isListedMember('', lists, normalized === '.' ? '' : normalized);
}

/**
 * Adds `member` to `workspace.members` by editing the text: the rest of the
 * file (comments, order, formatting) is left as it was. Handles a
 * single-line or multi-line `members` array, a `[workspace]` table without
 * `members`, and a manifest without a workspace (a `[workspace]` table is
 * appended). The result is parsed again and must differ from the original
 * only by the new member.
 */
export function addWorkspaceMember(file: string, text: string, member: string): string {
  const before = parseToml(file, text);
  const updated = insertMember(file, text, JSON.stringify(member));
  let after: TomlTable;
  try {
    after = parseToml(file, updated);
  } catch (error) {
    throw new Error(`could not add \`${member}\` to workspace.members in ${file} (${(error as Error).message}): add it by hand`);
  }
  if (!sameToml(withoutMember(after, member, before), before)) {
    throw new Error(`could not add \`${member}\` to workspace.members in ${file} without changing anything else: add it by hand`);
  }
  return updated;
}

/** `after` with the added member taken out again, for comparison with `before`. */
function withoutMember(after: TomlTable, member: string, before: TomlTable): TomlTable {
  if (!isTable(after.workspace)) return after;
  const members = Array.isArray(after.workspace.members) ? [...after.workspace.members] : [];
  const index = members.lastIndexOf(member);
  if (index === -1) return after;
  members.splice(index, 1);
  const workspace: TomlTable = { ...after.workspace, members };
  const hadMembers = isTable(before.workspace) && 'members' in before.workspace;
  if (!hadMembers && members.length === 0) delete workspace.members;
  const result: TomlTable = { ...after, workspace };
  if (!('workspace' in before) && Object.keys(workspace).length === 0) delete result.workspace;
  return result;
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((part, i) => part === b[i]);

function insertMember(file: string, text: string, literal: string): string {
  const layout = scanTomlLayout(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';

  const members = layout.entries.find((entry) => !entry.inline && same(entry.path, ['workspace', 'members']));
  if (members) {
    if (!members.array) throw new Error(`workspace.members in ${file} is not an array: fix it first`);
    return insertIntoArray(text, members.array, literal, eol);
  }
  if (layout.entries.some((entry) => same(entry.path, ['workspace']))) {
    throw new Error(`the workspace in ${file} is an inline table: add \`members = [${literal}]\` to it by hand`);
  }

  const header = layout.headers.find((h) => !h.isArray && same(h.path, ['workspace']));
  if (header) {
    const line = `members = [${literal}]`;
    if (header.lineEnd >= text.length) return `${text}${eol}${line}${eol}`;
    const afterNewline = header.lineEnd + 1;
    return text.slice(0, afterNewline) + line + eol + text.slice(afterNewline);
  }

  // `workspace.resolver = "2"` at the top level defines the table with dotted
  // keys: a `[workspace]` header would redefine it, so add a dotted key too.
  const dotted = layout.entries.find((entry) => entry.key.length > 1 && entry.path[0] === 'workspace' && entry.path.length === entry.key.length);
  if (dotted) {
    const firstHeader = layout.headers[0];
    const line = `workspace.members = [${literal}]`;
    if (!firstHeader) return `${text}${text === '' || text.endsWith('\n') ? '' : eol}${line}${eol}`;
    return text.slice(0, firstHeader.start) + line + eol + eol + text.slice(firstHeader.start);
  }

  // No workspace yet (a root package): append one. A `[workspace]` header may
  // follow sub-tables such as `[workspace.package]`.
  const separator = text === '' ? '' : text.endsWith('\n') ? eol : eol + eol;
  return `${text}${separator}[workspace]${eol}members = [${literal}]${eol}`;
}

function insertIntoArray(text: string, array: TomlArraySpan, literal: string, eol: string): string {
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
