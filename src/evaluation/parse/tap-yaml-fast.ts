// A fast path for the YAML diagnostics blocks of TAP (issue 18): tap-parser parses every block
// with tap-yaml (the `yaml` package), most of the TAP parse's time, although `node --test` writes
// blocks of a few plain lines (`duration_ms: 0.54`, `type: 'suite'`; for a failure also quoted
// strings and `|-` literal blocks). Blocks of those shapes are read here, with the value tap-yaml
// gives them; every other block (nested maps, other scalars, malformed or ambiguous ones) goes to
// tap-yaml as before, so tap-parser decides exactly as before where a block is garbage (non-TAP
// data: an error under `pragma +strict`).
import tapYaml from 'tap-yaml';

/**
 * `<indent><key>: <value>`: a plain key of at most 1024 characters (YAML's limit on an implicit
 * key, which tap-yaml enforces: a longer one is an error), one space, then a short decimal, a
 * single-quoted string (`''` for a quote), a double-quoted string with nothing YAML escapes, or `|-`
 * (a literal block follows). Strings of printable ASCII only.
 */
const LINE = /^( *)([A-Za-z_][A-Za-z0-9_]{0,1023}): (?:(-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,17})?)|'((?:[ -&(-~]|'')*)'|"([ !#-[\]-~]*)"|(\|-))$/;
/** A line of a literal block's content: printable ASCII and tabs. */
const BLOCK_TEXT = /^[\t -~]*$/;

/**
 * The value tap-yaml's `parse` gives `text`, when `text` is a block this reads: lines ending in
 * `\n`, keys at one indentation, each `key: value` (LINE), keys unique; numbers as decimals (no
 * exponent, no leading zero, at most 15 integer digits); a `|-` literal block (what node --test
 * writes for `error` and `stack`) whose first line is indented exactly two spaces more than the
 * keys and holds text, whose other lines are indented at least as much or are blank with no more
 * spaces than that, its trailing blank lines dropped. Undefined for anything else (the caller falls
 * back to tap-yaml): nested maps, other scalars, other indentations, anything outside ASCII.
 */
export function parseSimpleYamlish(text: string): Record<string, number | string> | undefined {
  if (text === '' || !text.endsWith('\n')) return undefined;
  const out: Record<string, number | string> = {};
  const lines = text.slice(0, -1).split('\n');
  let indent: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const m = LINE.exec(lines[i]!);
    if (!m) return undefined;
    if (indent === undefined) indent = m[1]!;
    else if (m[1] !== indent) return undefined;
    const key = m[2]!;
    // YAML reads these keys as null or a boolean (whose key string differs): left to tap-yaml.
    if (Object.hasOwn(out, key) || key === '__proto__' || SPECIAL_KEYS.has(key)) return undefined;
    if (m[3] !== undefined) out[key] = Number(m[3]);
    else if (m[4] !== undefined) out[key] = m[4].replaceAll("''", "'");
    else if (m[5] !== undefined) out[key] = m[5];
    else {
      const at = `${indent}  `;
      const body: string[] = [];
      for (; i + 1 < lines.length; i++) {
        const line = lines[i + 1]!;
        if (!BLOCK_TEXT.test(line)) return undefined;
        if (line.startsWith(at) && line.trim() !== '') body.push(line.slice(at.length));
        else if (/^ *$/.test(line) && line.length <= at.length) body.push('');
        else if (line.trim() === '') return undefined; // blank but more indented, or with a tab: left to tap-yaml
        else break; // the next key (checked by LINE and the indentation above)
      }
      if (!body.length || body[0] === '' || /^[ \t]/.test(body[0]!)) return undefined;
      while (body[body.length - 1] === '') body.pop();
      out[key] = body.join('\n');
    }
  }
  return out;
}

const SPECIAL_KEYS = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE']);

let installed = false;

/**
 * Puts `parseSimpleYamlish` in front of tap-yaml's `parse` (the object tap-parser calls; once per
 * process). Idempotent.
 */
export function installTapYamlFastPath(): void {
  if (installed) return;
  installed = true;
  const slow = tapYaml.parse;
  tapYaml.parse = ((text: string) => parseSimpleYamlish(text) ?? slow(text)) as typeof tapYaml.parse;
}
