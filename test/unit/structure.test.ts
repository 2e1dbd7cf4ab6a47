// The codebase's structure rules (issue 17), checked on every `npm test`: no run-time import cycle in
// src/, the layering rules, and no source file over 350 lines. The rules are first shown to catch a
// fixture graph that breaks each of them, then applied to src/.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles, importsOf, layerViolations, loadGraph, oversizedFiles, type ImportGraph } from '../helpers/import-graph.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAX_LINES = 350;

/** A graph from `{file: [imports]}`; an import written `type:x` is type-only. */
function graphOf(files: Record<string, string[]>, lines: Record<string, number> = {}): ImportGraph {
  return new Map(
    Object.entries(files).map(([f, imps]) => [f, { lines: lines[f] ?? 10, imports: imps.map((i) => ({ to: i.replace(/^type:/, ''), typeOnly: i.startsWith('type:') })) }]),
  );
}

describe('the structure checks catch what they must', () => {
  it('reads static, re-exported and dynamic imports, and tells type-only ones apart', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '../b/b.ts';",
      "import { type C, type D } from './c.ts';",
      "import { type E, e } from './e.ts';",
      "export { f } from './f.ts';",
      "export type { G } from './g.ts';",
      "import fs from 'node:fs';",
      "const h = await import('./h.ts');",
    ].join('\n');
    expect(importsOf('src/x/y.ts', text)).toEqual([
      { to: 'src/x/a.ts', typeOnly: false },
      { to: 'src/b/b.ts', typeOnly: true },
      { to: 'src/x/c.ts', typeOnly: true },
      { to: 'src/x/e.ts', typeOnly: false },
      { to: 'src/x/f.ts', typeOnly: false },
      { to: 'src/x/g.ts', typeOnly: true },
      { to: 'src/x/h.ts', typeOnly: false },
    ]);
  });

  it('finds a run-time cycle, and a cycle of type-only imports only when asked', () => {
    const g = graphOf({ 'src/a.ts': ['src/b.ts'], 'src/b.ts': ['src/c.ts'], 'src/c.ts': ['src/a.ts'], 'src/d.ts': ['type:src/e.ts'], 'src/e.ts': ['src/d.ts'], 'src/f.ts': ['src/a.ts'] });
    expect(importCycles(g, true)).toEqual([['src/a.ts', 'src/b.ts', 'src/c.ts']]);
    expect(importCycles(g, false)).toEqual([['src/a.ts', 'src/b.ts', 'src/c.ts'], ['src/d.ts', 'src/e.ts']]);
    expect(importCycles(graphOf({ 'src/a.ts': ['src/a.ts'] }), true)).toEqual([['src/a.ts']]);
    expect(importCycles(graphOf({ 'src/a.ts': ['src/b.ts'], 'src/b.ts': [] }), true)).toEqual([]);
  });

  it('finds analysis importing outside core, and evaluation importing an agent (type-only imports too)', () => {
    const g = graphOf({
      'src/analysis/ok.ts': ['src/core/ids.ts', 'src/analysis/other.ts'],
      'src/analysis/bad.ts': ['type:src/store/records.ts'],
      'src/evaluation/ok.ts': ['src/core/ids.ts', 'src/workspace/git.ts'],
      'src/evaluation/bad.ts': ['src/agents/types.ts'],
      'src/runner/free.ts': ['src/agents/bash.ts'],
    });
    expect(layerViolations(g)).toEqual([
      'src/analysis/bad.ts → src/store/records.ts (src/analysis/ imports only src/core/ (and itself))',
      'src/evaluation/bad.ts → src/agents/types.ts (src/evaluation/ imports no module from src/agents/)',
    ]);
  });

  it(`finds a file over ${MAX_LINES} lines, and lets one of exactly ${MAX_LINES} pass`, () => {
    const g = graphOf({ 'src/a.ts': [], 'src/b.ts': [] }, { 'src/a.ts': MAX_LINES, 'src/b.ts': MAX_LINES + 1 });
    expect(oversizedFiles(g, MAX_LINES)).toEqual([`src/b.ts: ${MAX_LINES + 1} lines`]);
  });
});

describe('src/ keeps its structure', () => {
  const graph = loadGraph(ROOT, 'src');

  it('reads the whole of src/', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('src/core/redact.ts')?.imports).toEqual([]);
  });

  it('has no run-time import cycle', () => {
    expect(importCycles(graph, true)).toEqual([]);
  });

  it('keeps the layering rules: analysis imports only core; evaluation imports no agent', () => {
    expect(layerViolations(graph)).toEqual([]);
  });

  it(`has no file over ${MAX_LINES} lines (split it into modules with one job each)`, () => {
    expect(oversizedFiles(graph, MAX_LINES)).toEqual([]);
  });
});
