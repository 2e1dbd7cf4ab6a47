// Projection of one `attempts.jsonl` line on its bytes (src/store/scan.ts): the top-level members a
// reader asks for are kept as JSON text, the others skipped without being decoded. Pure.

function isWs(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/** Index of the quote closing the JSON string opening at `i` (a quote), or -1 before `e`. */
function stringEnd(b: Buffer, i: number, e: number): number {
  // short strings (names, ids, enums) by a plain loop; long ones (patches, outputs) by the native search
  const near = Math.min(e, i + 48);
  for (let j = i + 1; j < near; j++) {
    const c = b[j];
    if (c === 0x5c) return stringEndSlow(b, i, i + 1, e);
    if (c === 0x22) return j;
  }
  return near === e ? -1 : stringEndSlow(b, i, near, e);
}

/** {@link stringEnd} by `indexOf` for the string opening at `i`, searching from `from` (no quote before it). */
function stringEndSlow(b: Buffer, i: number, from: number, e: number): number {
  for (let j = from; ; ) {
    const q = b.indexOf(0x22, j);
    if (q < 0 || q >= e) return -1;
    let bs = 0;
    for (let k = q - 1; k > i && b[k] === 0x5c; k--) bs++;
    if (bs % 2 === 0) return q;
    j = q + 1;
  }
}

/** Whether `b[i, j)` is a JSON literal (true, false, null) or number, checked on bytes. */
function isLiteral(b: Buffer, i: number, j: number): boolean {
  const n = j - i;
  if (n === 4 && ((b[i] === 0x74 && b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65) || (b[i] === 0x6e && b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c))) return true;
  if (n === 5 && b[i] === 0x66 && b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65) return true;
  // a number: JSON.parse of the kept members checks kept ones fully; a skipped one only needs to be number-shaped
  if (n === 0) return false;
  for (let k = i; k < j; k++) {
    const c = b[k]!;
    if (!((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45)) return false;
  }
  return true;
}

/** Index just after the JSON value starting at `i`, or -1 when it is not one (structurally). */
function valueEnd(b: Buffer, i: number, e: number): number {
  const c = b[i];
  if (c === 0x22) {
    const q = stringEnd(b, i, e);
    return q < 0 ? -1 : q + 1;
  }
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (let j = i; j < e; j++) {
      const d = b[j]!;
      if (d === 0x22) {
        // strings inside a skipped value (test names, paths) are searched natively from the start:
        // stringEnd's byte loop pays for itself only on the short top-level names and enums
        j = stringEndSlow(b, j, j + 1, e);
        if (j < 0) return -1;
      } else if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < e && b[j] !== 0x2c && b[j] !== 0x7d && !isWs(b[j])) j++;
  return isLiteral(b, i, j) ? j : -1;
}

/**
 * The member names a projection keeps, matched on bytes: a name's bytes are hashed as they are
 * walked and compared only with the wanted name of that hash (no string is made per member).
 */
export class NameSet {
  private readonly byHash = new Map<number, Buffer[]>();
  constructor(readonly names: ReadonlySet<string>) {
    for (const n of names) {
      const bytes = Buffer.from(n, 'utf8');
      const h = NameSet.hash(bytes, 0, bytes.length);
      this.byHash.set(h, [...(this.byHash.get(h) ?? []), bytes]);
    }
  }
  static hash(b: Buffer, s: number, e: number): number {
    let h = 0x811c9dc5;
    for (let i = s; i < e; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
    return h >>> 0;
  }
  /** Whether the unescaped name on `b[s, e)` (between its quotes) is wanted. */
  has(b: Buffer, s: number, e: number): boolean {
    const list = this.byHash.get(NameSet.hash(b, s, e));
    if (!list) return false;
    outer: for (const n of list) {
      if (n.length !== e - s) continue;
      for (let k = 0; k < n.length; k++) if (n[k] !== b[s + k]) continue outer;
      return true;
    }
    return false;
  }
}

/**
 * The JSON text of the object on `b[s, e)` with only its top-level members named in `want`, without
 * decoding the others (their strings are skipped by byte search, nested values by bracket
 * matching); runs of consecutive kept members are copied as one slice. Null when the line is not a
 * plain object as far as this walk sees: the caller then parses the whole line, so a bad line gets
 * `JSON.parse`'s own error. The kept members are checked by `JSON.parse` of the result; skipped
 * values only for their shape.
 */
export function projectLine(b: Buffer, s: number, e: number, want: NameSet): string | null {
  let i = s;
  while (i < e && isWs(b[i])) i++;
  if (b[i] !== 0x7b) return null;
  i++;
  while (i < e && isWs(b[i])) i++;
  if (b[i] === 0x7d) return onlyWsAfter(b, i + 1, e) ? '{}' : null;
  let out = '';
  let runStart = -1;
  let runEnd = -1;
  for (;;) {
    while (i < e && isWs(b[i])) i++;
    if (b[i] !== 0x22) return null;
    const keyStart = i;
    const keyEnd = stringEnd(b, i, e);
    if (keyEnd < 0) return null;
    let escaped = false;
    for (let k = i + 1; k < keyEnd; k++) if (b[k] === 0x5c) escaped = true;
    const wanted = escaped ? want.names.has(JSON.parse(b.toString('utf8', i, keyEnd + 1)) as string) : want.has(b, i + 1, keyEnd);
    i = keyEnd + 1;
    while (i < e && isWs(b[i])) i++;
    if (b[i] !== 0x3a) return null;
    i++;
    while (i < e && isWs(b[i])) i++;
    const end = valueEnd(b, i, e);
    if (end < 0) return null;
    if (wanted) {
      if (runStart < 0) runStart = keyStart;
      runEnd = end;
    } else if (runStart >= 0) {
      out += (out ? ',' : '') + b.toString('utf8', runStart, runEnd);
      runStart = -1;
    }
    i = end;
    while (i < e && isWs(b[i])) i++;
    if (b[i] === 0x2c) {
      i++;
      continue;
    }
    if (b[i] !== 0x7d || !onlyWsAfter(b, i + 1, e)) return null;
    if (runStart >= 0) out += (out ? ',' : '') + b.toString('utf8', runStart, runEnd);
    return `{${out}}`;
  }
}

function onlyWsAfter(b: Buffer, i: number, e: number): boolean {
  for (; i < e; i++) if (!isWs(b[i])) return false;
  return true;
}
