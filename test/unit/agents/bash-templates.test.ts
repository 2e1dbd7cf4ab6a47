import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Handlebars from 'handlebars';
import { afterEach, describe, expect, it } from 'vitest';
import { BASH_TEMPLATE_OPTIONS, DEFAULT_TEMPLATES_DIR, loadTemplates } from '../../../src/agents/bash-templates.ts';
import { loadPrecompiled, precompileTemplates, PRECOMPILED_FILE } from '../../../src/report/templates-precompiled.ts';

const DIST = resolve(import.meta.dirname, '../../../dist');
/** Fields of every template, in the shapes bash.ts passes them (observation cut and whole, a timeout, a capped stream). */
const VIEWS: Record<string, unknown>[] = [
  { tool_calls: true, sentinel: 'FIXBENCH_SUBMIT', cwd: '/w/a b', steps: 50, command_timeout_s: 60, output_chars: 10000, cost_usd: null, problem_statement: 'Fix <x> & "y"', error: 'no <call> & "x"', exit_code: '0', timed_out: false, timeout_s: 60, truncated: false, output: 'a < b && c\n', head: '', tail: '', elided_chars: 0, total_chars: 10, capped: false, capped_bytes: 65536, last_step: false, near_steps: false, near_time: false, near_cost: false, steps_left: 5, time_left_s: 100, cost_left_usd: 0 },
  { tool_calls: false, sentinel: 'S', cwd: '/w', steps: 3, command_timeout_s: 2.5, output_chars: 100, cost_usd: 1.5, problem_statement: '{{not a field}}', error: 'e', exit_code: 'none (killed by SIGKILL)', timed_out: true, timeout_s: 2.5, truncated: true, output: '', head: 'h&', tail: '<t>', elided_chars: 12345, total_chars: 20000, capped: true, capped_bytes: 1024, last_step: true, near_steps: true, near_time: true, near_cost: true, steps_left: 1, time_left_s: 3, cost_left_usd: 0.25 },
];

describe('loadTemplates', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const copy = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'fixbench-templates-'));
    dirs.push(d);
    cpSync(DEFAULT_TEMPLATES_DIR, d, { recursive: true });
    return d;
  };

  it('two loads of the same texts share the compiled delegates (compiled once per process)', () => {
    const a = loadTemplates(DEFAULT_TEMPLATES_DIR);
    const b = loadTemplates(copy());
    for (const k of ['system', 'instance', 'observation', 'formatError', 'limitWarning'] as const) expect(b[k]).toBe(a[k]);
  });

  it('a file whose text changed is read and compiled again', () => {
    const dir = copy();
    const before = loadTemplates(dir);
    writeFileSync(join(dir, 'format_error.hbs'), 'changed: {{error}}');
    const after = loadTemplates(dir);
    expect(after.formatError).not.toBe(before.formatError);
    expect(after.formatError({ error: 'x' })).toBe('changed: x');
    expect(after.system).toBe(before.system);
  });

  it('keeps strict (a missing field throws) and noEscape (no HTML escaping)', () => {
    const dir = copy();
    writeFileSync(join(dir, 'format_error.hbs'), '<{{error}}>');
    const t = loadTemplates(dir);
    expect(t.formatError({ error: 'a & "b"' })).toBe('<a & "b">');
    expect(() => t.formatError({})).toThrow(/error/);
  });

  it('the build precompiles the bundled templates: the compiled CLI never runs the handlebars compiler for them', () => {
    expect(readFileSync(join(DIST, 'agents', 'templates', PRECOMPILED_FILE), 'utf8')).toContain('"observation": { digest:');
    // a child on dist/ whose handlebars cannot compile: every template still loads and renders
    const child = `import Handlebars from 'handlebars';
      Handlebars.compile = () => { throw new Error('compiled at run time'); };
      const { DEFAULT_TEMPLATES_DIR, loadTemplates } = await import(${JSON.stringify(pathToFileURL(join(DIST, 'agents', 'bash-templates.js')).href)});
      const t = loadTemplates(DEFAULT_TEMPLATES_DIR);
      const view = ${JSON.stringify(VIEWS[1])};
      process.stdout.write(JSON.stringify(Object.keys(t).map((k) => t[k](view).length > 0)));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8', cwd: resolve(DIST, '..') });
    expect(JSON.parse(out)).toEqual([true, true, true, true, true]);
  });

  it('a precompiled template renders exactly what the same source compiled at run time renders, strict and unescaped', () => {
    const dir = copy();
    writeFileSync(join(dir, PRECOMPILED_FILE), precompileTemplates(dir, BASH_TEMPLATE_OPTIONS));
    const load = loadPrecompiled(pathToFileURL(`${dir}/`), BASH_TEMPLATE_OPTIONS)!;
    for (const name of ['system', 'instance', 'observation', 'format_error', 'limit_warning']) {
      const source = readFileSync(join(DEFAULT_TEMPLATES_DIR, `${name}.hbs`), 'utf8');
      const pre = Handlebars.create().template(load(name, source)!);
      const rt = Handlebars.create().compile(source, { ...BASH_TEMPLATE_OPTIONS });
      for (const view of VIEWS) {
        const r = (t: (v: unknown) => string) => { try { return t(view); } catch (e) { return `throws: ${(e as Error).message}`; } };
        expect(r(pre), name).toBe(r(rt));
        expect(r(pre), name).not.toMatch(/^throws/);
      }
      // the report's options (HTML escaping) key another digest: never taken for the agent's
      expect(loadPrecompiled(pathToFileURL(`${dir}/`))!(name, source)).toBeNull();
    }
    const observation = Handlebars.create().template(load('observation', readFileSync(join(DEFAULT_TEMPLATES_DIR, 'observation.hbs'), 'utf8'))!);
    expect(observation(VIEWS[0])).toContain('a < b && c');
    const { exit_code: _, ...noExitCode } = VIEWS[0]!;
    expect(() => observation(noExitCode)).toThrow(/exit_code/);
  });

  it("a folder of the user's own templates is read as text only: its precompiled.cjs never runs", () => {
    const dir = copy();
    writeFileSync(join(dir, 'format_error.hbs'), 'own: {{error}}');
    writeFileSync(join(dir, PRECOMPILED_FILE), `globalThis.__fixbenchOwnTemplates = true; module.exports = {};`);
    expect(loadTemplates(dir).formatError({ error: 'x' })).toBe('own: x');
    expect((globalThis as Record<string, unknown>).__fixbenchOwnTemplates).toBeUndefined();
  });
});
