// The hook canary's own import of node:test (canary-hook.ts): a separate import under fresh local
// names, so the canary does not depend on how (or whether) the file imports node:test itself (a
// default or namespace import, `const nodeTest = require('node:test')`, aliases: atkA17 #4b).
import { randomBytes } from 'node:crypto';
import { extname } from 'node:path';
import { topLevelOf } from './canary-parse.ts';

/**
 * Whether canaries added to the test file `file` (text `text`) are written as an ES module, as node
 * loads it: `.mjs`/`.mts` always, `.cjs`/`.cts` never; else when its program (parsed as findTests
 * parses it) has a top-level `import`/`export` declaration, a top-level `await` or `import.meta`
 * (node 20 loads only an ES module with one: atkB18 #9, atkC18 #3); CommonJS when it calls `require(`;
 * otherwise ESM for TypeScript or `packageType` `"module"`, else CommonJS. Never read from raw
 * text lines: an `import … from` inside a string or a comment of a CommonJS file, or an import
 * written over several lines, would mislead it (atkD17 #3, #5).
 */
export function isEsmFile(file: string, text: string, packageType: string | null): boolean {
  const ext = extname(file);
  if (ext === '.mjs' || ext === '.mts') return true;
  if (ext === '.cjs' || ext === '.cts') return false;
  const body = topLevelOf(file, text);
  if (body?.some((s) => s.type === 'ImportDeclaration' || s.type.startsWith('Export') || s.esm)) return true;
  return /\brequire\s*\(/.test(text) ? false : ext === '.ts' || ext === '.tsx' || packageType === 'module';
}


/** What `importFresh` gives: the new text, each name's local name, and where an offset of the old text is in the new. */
export interface FreshImport {
  text: string;
  local: Map<string, string>;
  at: (offset: number) => number;
}

/**
 * `text` with one more import of node:test's exports `names`, each under a fresh local name (`<name>_<6 hex>`,
 * not written anywhere in `text`): ESM (`esm`) `import { describe as describe_1a2b3c, … } from 'node:test';`
 * after the program's last top-level import declaration (imports are hoisted), CommonJS
 * `const { describe: describe_1a2b3c, … } = require('node:test');` after the last top-level statement
 * calling `require(` that ends at or before offset `before` (the code using the names goes there or
 * later), else before the program's first statement (after a shebang and directives). Null when the
 * text does not parse (as findTests parses it, one parse for both: canary-parse.ts `topLevelOf`).
 */
export function importFresh(file: string, text: string, names: readonly string[], esm: boolean, before: number): FreshImport | null {
  const body = topLevelOf(file, text);
  if (!body) return null;
  const local = new Map<string, string>();
  for (const n of names) {
    let name: string;
    do name = `${n}_${randomBytes(3).toString('hex')}`; while (text.includes(name));
    local.set(n, name);
  }
  const spec = [...local].map(([n, l]) => (esm ? `${n} as ${l}` : `${n}: ${l}`)).join(', ');
  const line = esm ? `import { ${spec} } from 'node:test';` : `const { ${spec} } = require('node:test');`;
  const after = esm
    ? body.filter((s) => s.type === 'ImportDeclaration').at(-1)
    : body.filter((s) => s.end <= before && /\brequire\s*\(/.test(text.slice(s.start, s.end))).at(-1);
  const first = body[0]?.start ?? text.length;
  const [at, added] = after ? [after.end, `\n${line}`] : [first, `${line}\n`];
  return { text: text.slice(0, at) + added + text.slice(at), local, at: (n) => (n >= at ? n + added.length : n) };
}
