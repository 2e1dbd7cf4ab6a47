import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEMPLATES_DIR, loadTemplates } from '../../../src/agents/bash-templates.ts';
import { BUILT_FILES_KEY, listBuilt, readBuilt, sameBuildAsStartup } from '../../../src/core/built-files.ts';

const g = globalThis as Record<symbol, unknown>;
afterEach(() => {
  delete g[BUILT_FILES_KEY];
});

describe('built files (atkS10 #4: a rebuild during a run)', () => {
  it('serves the bytes the start-up check kept, not what dist/ holds now; reads the disk for anything else', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fixbench-built-'));
    try {
      writeFileSync(path.join(dir, 'a.hbs'), 'rebuilt\n');
      writeFileSync(path.join(dir, 'new.hbs'), 'only in the new build\n');
      writeFileSync(path.join(dir, 'b.txt'), 'not kept\n');
      expect(readBuilt(path.join(dir, 'a.hbs')).toString()).toBe('rebuilt\n');
      g[BUILT_FILES_KEY] = { dir: path.dirname(dir), files: new Map([[`${path.basename(dir)}/a.hbs`, Buffer.from('as hashed\n')], ['elsewhere/x', null]]) };
      expect(readBuilt(path.join(dir, 'a.hbs')).toString()).toBe('as hashed\n');
      expect(readBuilt(path.join(dir, 'b.txt')).toString()).toBe('not kept\n');
      expect(listBuilt(dir)).toEqual(['a.hbs']);
      expect(listBuilt(os.tmpdir())).toContain(path.basename(dir)); // nothing kept there: the disk
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the bash agent\'s default prompt templates come from the kept bytes', () => {
    const root = path.dirname(path.dirname(DEFAULT_TEMPLATES_DIR)); // src/ (dist/ when built)
    const files = new Map<string, Buffer>();
    for (const f of ['system', 'instance', 'observation', 'format_error', 'limit_warning']) files.set(`agents/templates/${f}.hbs`, Buffer.from(`KEPT ${f}`));
    g[BUILT_FILES_KEY] = { dir: root, files };
    expect(loadTemplates(DEFAULT_TEMPLATES_DIR).system({})).toBe('KEPT system');
  });

  it('sameBuildAsStartup: false once dist/ names another build than the one checked at start-up (the scan worker is then not started)', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fixbench-built-'));
    try {
      expect(sameBuildAsStartup()).toBe(true); // no registry: tests, tsx
      writeFileSync(path.join(dir, '.build-stamp'), JSON.stringify({ dist_hash: 'h1' }));
      g[BUILT_FILES_KEY] = { dir, files: new Map(), hash: 'h1' };
      expect(sameBuildAsStartup()).toBe(true);
      writeFileSync(path.join(dir, '.build-stamp'), JSON.stringify({ dist_hash: 'h2' }));
      expect(sameBuildAsStartup()).toBe(false);
      rmSync(path.join(dir, '.build-stamp'));
      expect(sameBuildAsStartup()).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
