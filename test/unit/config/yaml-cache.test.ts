// The build's cache of parsed YAML (src/config/yaml-cache.ts, dist/yaml-cache.json): every bundled
// file's entry is exactly what parsing its text gives; a text not in the cache (an edited file) is
// parsed; texts whose data JSON cannot carry are left out; a bad file still fails as before.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadYamlFile } from '../../../src/config/load.ts';
import { buildYamlCache, parseYamlText, yamlCacheOf, yamlTextKey, YamlCacheFile } from '../../../src/config/yaml-cache.ts';
import { packageYamlFiles } from '../../../scripts/build.mjs';
import { ROOT } from '../../helpers/cli.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'fixbench-yaml-cache-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const any = z.unknown();

describe('parsed-YAML cache', () => {
  it('every bundled YAML file (models, prices, tasks, data) is cached, its entry equal to a fresh parse of its text; so is each entry of the built dist/yaml-cache.json', () => {
    const files = packageYamlFiles();
    expect(files.map((f) => path.relative(ROOT, f))).toEqual(expect.arrayContaining(['models.yaml', 'tasks/js-duration-1/task.yaml', 'data/published-scores.yaml']));
    const texts = files.map((f) => readFileSync(f, 'utf8'));
    const fresh = buildYamlCache(texts);
    const built = YamlCacheFile.parse(JSON.parse(readFileSync(path.join(ROOT, 'dist', 'yaml-cache.json'), 'utf8')));
    for (const [i, text] of texts.entries()) {
      const parsed = parseYamlText(text).data;
      expect(JSON.parse(fresh.entries[yamlTextKey(text)] ?? 'null'), files[i]).toStrictEqual(parsed);
      const entry = built.entries[yamlTextKey(text)]; // absent for a file edited after the build: parsed at load
      if (entry !== undefined) expect(JSON.parse(entry), files[i]).toStrictEqual(parsed);
    }
  });

  it('a file whose text changed is parsed, not served from the entry of its old text', async () => {
    const f = path.join(tmp, 'models.yaml');
    writeFileSync(f, 'models:\n  - id: a\n');
    const cache = yamlCacheOf(buildYamlCache([readFileSync(f, 'utf8')]));
    expect(await loadYamlFile(f, any, 'fix', cache)).toEqual({ models: [{ id: 'a' }] });
    writeFileSync(f, 'models:\n  - id: b\n');
    expect(cache.get(readFileSync(f, 'utf8'))).toBeUndefined();
    expect(await loadYamlFile(f, any, 'fix', cache)).toEqual({ models: [{ id: 'b' }] });
  });

  it('a cached text is served from its entry (a fresh copy each time) and still checked by the schema', async () => {
    const f = path.join(tmp, 'served.yaml');
    writeFileSync(f, 'n: 1\n');
    // an entry that differs from the text's parse shows the entry is what is used
    const cache = yamlCacheOf({ format_version: 1, entries: { [yamlTextKey('n: 1\n')]: '{"n":2}' } });
    const a = (await loadYamlFile(f, any, 'fix', cache)) as { n: number };
    expect(a).toEqual({ n: 2 });
    a.n = 3;
    expect(await loadYamlFile(f, any, 'fix', cache)).toEqual({ n: 2 });
    await expect(loadYamlFile(f, z.strictObject({ n: z.string() }), 'write n as a string', cache)).rejects.toThrow(/served\.yaml is invalid:\n {2}- n: .*\n {2}fix: write n as a string/);
  });

  it('texts JSON cannot carry (.inf, .nan) and texts that do not parse are left out of the cache', () => {
    const file = buildYamlCache(['x: .inf\n', 'y: .nan\n', 'z: [1\n', 'ok: true\n']);
    expect(Object.keys(file.entries)).toEqual([yamlTextKey('ok: true\n')]);
  });

  it('invalid YAML fails with its position, as without a cache', async () => {
    const f = path.join(tmp, 'bad.yaml');
    writeFileSync(f, 'a: [1, 2\n');
    await expect(loadYamlFile(f, any, 'close the list', yamlCacheOf(null))).rejects.toThrow(/bad\.yaml: not valid YAML at line \d+, column \d+: .*\n {2}fix: close the list/);
  });
});
