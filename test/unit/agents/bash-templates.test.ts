import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES_DIR, loadTemplates } from '../../../src/agents/bash-templates.ts';

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
});
