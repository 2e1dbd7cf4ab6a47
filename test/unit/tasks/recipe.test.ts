import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recipeSource } from '../../../src/tasks/fetch.ts';
import { loadSuiteFile, SuiteFile, type Recipe } from '../../../src/tasks/recipe.ts';
import { ROOT } from '../../helpers/cli.ts';

describe('suite files of task recipes', () => {
  it('the shipped recipe file reads, names a licence and a public URL per recipe, and was checked', async () => {
    const suite = await loadSuiteFile(path.join(ROOT, 'recipes', 'js-bugfixes.yaml'));
    expect(suite.tasks.length).toBeGreaterThanOrEqual(5);
    for (const t of suite.tasks) {
      expect(t.repo).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+$/);
      expect(t.license).toBeTruthy();
      expect(t.checked).toMatchObject({ validate: '3/3', gold: 100, noop: 0 });
    }
  });
  it('refuses patch text, a duplicate id and a fix equal to its base, naming the field', () => {
    const r = { instance_id: 'a', repo: 'https://github.com/o/n', license: 'MIT', base_commit: 'a'.repeat(40), fix_commit: 'b'.repeat(40), test_cmd: 't', test_report: 'tap' };
    expect(SuiteFile.safeParse({ format_version: 1, tasks: [{ ...r, patch: 'diff' }] }).error?.issues[0]).toMatchObject({ code: 'unrecognized_keys', path: ['tasks', 0] });
    const dup = SuiteFile.safeParse({ format_version: 1, tasks: [r, r] });
    expect(dup.error?.issues.map((i) => i.message)).toContain('"a" is listed twice');
    const same = SuiteFile.safeParse({ format_version: 1, tasks: [{ ...r, fix_commit: r.base_commit }] });
    expect(same.error?.issues[0]?.path).toEqual(['tasks', 0, 'fix_commit']);
  });
  it('clones from --mirror, then a --mirrors folder, then the URL', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fixbench-mirrors-'));
    try {
      mkdirSync(path.join(dir, 'o+n', 'repo'), { recursive: true });
      const r = { repo: 'https://github.com/o/n' } as Recipe;
      expect(recipeSource(r, { mirrors: { 'o/n': '/srv/n.git' }, mirrorDirs: [dir] })).toBe('/srv/n.git');
      expect(recipeSource(r, { mirrorDirs: [dir] })).toBe(path.join(dir, 'o+n', 'repo'));
      expect(recipeSource({ repo: 'https://github.com/o/other' } as Recipe, { mirrorDirs: [dir] })).toBe('https://github.com/o/other');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
