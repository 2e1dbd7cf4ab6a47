// A fast path for the YAML diagnostics blocks of TAP (issue 18): tap-parser parses every block
// with tap-yaml (the `yaml` package), most of the TAP parse's time, although `node --test` writes
// blocks of one or two plain lines (`duration_ms: 0.54`, `type: 'suite'`). Blocks of that simple
// shape are read here, with the value `yaml` gives them; every other block (a failure's details, a
// block scalar, a malformed or ambiguous one) goes to tap-yaml as before, so tap-parser decides
// exactly as before where a block is garbage (non-TAP data: an error under `pragma +strict`).
import tapYaml from 'tap-yaml';

/** `<indent><key>: <value>`: a plain key, one space, a short decimal or a quoted printable-ASCII string without quotes inside. */
const LINE = /^( *)([A-Za-z_][A-Za-z0-9_]*): (?:(-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,17})?)|'([ !#-&(-~]*)')$/;

/**
 * The value tap-yaml's `parse` gives `text`, when `text` is a block this reads: one or more lines,
 * each ending in `\n`, all with the same indentation, each `key: value` (LINE), keys unique,
 * numbers as decimals (no exponent, no leading zero, at most 15 integer digits) and strings in
 * single quotes with nothing that YAML escapes or folds. Undefined for anything else (the caller
 * falls back to tap-yaml).
 */
export function parseSimpleYamlish(text: string): Record<string, number | string> | undefined {
  if (text === '' || !text.endsWith('\n')) return undefined;
  const out: Record<string, number | string> = {};
  let indent: string | undefined;
  for (const line of text.slice(0, -1).split('\n')) {
    const m = LINE.exec(line);
    if (!m) return undefined;
    if (indent === undefined) indent = m[1]!;
    else if (m[1] !== indent) return undefined;
    const key = m[2]!;
    // YAML reads these keys as null or a boolean (whose key string differs): left to tap-yaml.
    if (Object.hasOwn(out, key) || key === '__proto__' || SPECIAL_KEYS.has(key)) return undefined;
    out[key] = m[3] !== undefined ? Number(m[3]) : m[4]!;
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
