// The metering proxy is loaded when a command agent starts one (src/agents/command.ts `import()`), not at
// start-up: no module `fixbench run` loads statically reaches src/proxy/server.ts (and node:http with it), so
// a run of the reference agents or the built-in agent never initialises it (ovh12, issue 18). That it is
// still loaded when needed is test/unit/agents/command.test.ts's (every command-agent attempt starts one).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(__dirname, '../../../src');

/** The relative modules `file` imports statically (`import … from`, `export … from`; `import type` and `import()` left out). */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\bfrom\s+'(\.{1,2}\/[^']+)'/gms)) out.push(path.resolve(path.dirname(file), m[1]!));
  for (const m of text.matchAll(/^import\s+'(\.{1,2}\/[^']+)'/gm)) out.push(path.resolve(path.dirname(file), m[1]!));
  return out;
}

/** Every module reachable by static imports from `entry`. */
function staticGraph(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...staticImports(f));
  }
  return seen;
}

describe('the metering proxy at start-up', () => {
  it("is not in the static import graph of `fixbench run` (src/cli/run.ts), though the command agent is", () => {
    const graph = staticGraph(path.join(SRC, 'cli', 'run.ts'));
    expect(graph.has(path.join(SRC, 'agents', 'command.ts'))).toBe(true); // the walk does reach the agents
    expect(graph.has(path.join(SRC, 'proxy', 'server.ts'))).toBe(false);
  });

  it('command.ts still loads it where it starts a proxy', () => {
    const text = readFileSync(path.join(SRC, 'agents', 'command.ts'), 'utf8');
    expect(text).toMatch(/await import\('\.\.\/proxy\/server\.ts'\)/);
  });
});
