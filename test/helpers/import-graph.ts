// The import graph of src/ and the structure rules it must keep (issue 17): no import cycle, the
// layering rules, and a size cap per file. Pure checks over a graph, so a test can feed a fixture graph.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** One import edge: `to` is a path relative to the repository root (`src/core/ids.ts`). */
export interface ImportEdge {
  to: string;
  /** `import type` / `export type … from`: erased at run time. */
  typeOnly: boolean;
}

/** File (relative to the repository root, `/`-separated) → its imports of other files in the graph, and its line count. */
export type ImportGraph = Map<string, { lines: number; imports: ImportEdge[] }>;

/** The relative imports of one TypeScript source text (static, re-exports and `import()` with a literal). */
export function importsOf(file: string, text: string): ImportEdge[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const out: ImportEdge[] = [];
  const add = (spec: string, typeOnly: boolean) => {
    if (!spec.startsWith('.')) return; // packages and node: builtins
    out.push({ to: path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)), typeOnly });
  };
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      const c = n.importClause;
      const allTypes =
        !!c && (c.isTypeOnly || (!c.name && !!c.namedBindings && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(n.moduleSpecifier.text, allTypes);
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      const allTypes = n.isTypeOnly || (!!n.exportClause && ts.isNamedExports(n.exportClause) && n.exportClause.elements.length > 0 && n.exportClause.elements.every((e) => e.isTypeOnly));
      add(n.moduleSpecifier.text, allTypes);
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) {
      add(n.arguments[0].text, false);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The graph of every `.ts` file under `dir` (relative to `root`). */
export function loadGraph(root: string, dir = 'src'): ImportGraph {
  const graph: ImportGraph = new Map();
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = path.posix.join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith('.ts')) {
        const text = readFileSync(path.join(root, r), 'utf8');
        graph.set(r, { lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0), imports: importsOf(r, text) });
      }
    }
  };
  walk(dir);
  return graph;
}

/**
 * The import cycles of the graph (strongly connected components of more than one file, or a file
 * importing itself), each as its files sorted. `runtimeOnly` ignores type-only edges.
 */
export function importCycles(graph: ImportGraph, runtimeOnly: boolean): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const cycles: string[][] = [];
  const next = (f: string) => (graph.get(f)?.imports ?? []).filter((e) => graph.has(e.to) && !(runtimeOnly && e.typeOnly)).map((e) => e.to);
  const strong = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of next(v)) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || next(v).includes(v)) cycles.push(comp.sort());
    }
  };
  for (const f of [...graph.keys()].sort()) if (!idx.has(f)) strong(f);
  return cycles;
}

/** A layering rule: files under `from` may import files under `src/` only where `allowed` says. */
export interface LayerRule {
  name: string;
  from: string;
  allowed: (to: string) => boolean;
}

/** The project's layering rules (issue 17, DESIGN.md): pure analysis over core types; grading without agents. */
export const LAYER_RULES: LayerRule[] = [
  { name: 'src/analysis/ imports only src/core/ (and itself)', from: 'src/analysis/', allowed: (to) => to.startsWith('src/core/') || to.startsWith('src/analysis/') },
  { name: 'src/evaluation/ imports no module from src/agents/', from: 'src/evaluation/', allowed: (to) => !to.startsWith('src/agents/') },
];

/** Every import breaking a layering rule, as `<file> → <import> (<rule>)`. Type-only imports count too. */
export function layerViolations(graph: ImportGraph, rules: LayerRule[] = LAYER_RULES): string[] {
  const out: string[] = [];
  for (const [file, { imports }] of graph) {
    for (const rule of rules) {
      if (!file.startsWith(rule.from)) continue;
      for (const e of imports) if (e.to.startsWith('src/') && !rule.allowed(e.to)) out.push(`${file} → ${e.to} (${rule.name})`);
    }
  }
  return out.sort();
}

/** Files over `maxLines` lines, as `<file>: <n> lines`. */
export function oversizedFiles(graph: ImportGraph, maxLines: number): string[] {
  return [...graph].filter(([, v]) => v.lines > maxLines).map(([f, v]) => `${f}: ${v.lines} lines`).sort();
}
