import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile, cp } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import Handlebars from 'handlebars';
import { afterEach, describe, expect, it } from 'vitest';
import { COMPILE, compileOptions, loadPrecompiled, precompileTemplates, PRECOMPILED_FILE } from '../../../src/report/templates-precompiled.ts';

const TEMPLATES = path.resolve(import.meta.dirname, '../../../src/report/templates');
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function withPrecompiled(files: Record<string, string>): Promise<URL> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fixbench-hbs-'));
  dirs.push(dir);
  for (const [f, text] of Object.entries(files)) await writeFile(path.join(dir, f), text);
  await writeFile(path.join(dir, PRECOMPILED_FILE), precompileTemplates(dir));
  return pathToFileURL(`${dir}/`);
}

describe('precompiled report templates', () => {
  it('render exactly what the same template compiled at run time renders, partials included', async () => {
    const files = { 'page.hbs': '<p>{{title}}</p>{{#each rows}}{{> row}}{{/each}}', 'row.hbs': '<i>{{name}} &amp; {{n}}</i>\n' };
    const load = loadPrecompiled(await withPrecompiled(files))!;
    const ctx = { title: '<script>"x"</script>', rows: [{ name: 'a<b', n: 1 }, { name: "c'd", n: 2 }] };
    const pre = Handlebars.create();
    pre.registerPartial('row', pre.template(load('row', files['row.hbs'])!));
    const rt = Handlebars.create();
    rt.registerPartial('row', rt.compile(files['row.hbs'], compileOptions()));
    const html = pre.template(load('page', files['page.hbs'])!)(ctx);
    expect(html).toBe(rt.compile(files['page.hbs'], compileOptions())(ctx));
    expect(html).toContain('&lt;script&gt;');
  });

  it('keep the compile options: strict mode still throws on a field the view model lacks', async () => {
    const files = { 'page.hbs': '{{missing.field}}' };
    const spec = loadPrecompiled(await withPrecompiled(files))!('page', files['page.hbs'])!;
    expect(() => Handlebars.create().template(spec)({})).toThrow(/"field" not defined/);
    expect(() => Handlebars.create().compile(files['page.hbs'], compileOptions())({})).toThrow(/"field" not defined/);
  });

  it('are not used for a source that differs from the one they were made from, nor for an unknown name', async () => {
    const files = { 'page.hbs': '<p>{{title}}</p>' };
    const load = loadPrecompiled(await withPrecompiled(files))!;
    expect(load('page', files['page.hbs'])).not.toBeNull();
    expect(load('page', '<p>{{title}}!</p>')).toBeNull();
    expect(load('other', files['page.hbs'])).toBeNull();
    expect(load('constructor', files['page.hbs'])).toBeNull();
  });

  it('match in a process that never compiled anything (the options are not changed by compiling)', async () => {
    const files = { 'page.hbs': '<p>{{title}}</p>' };
    const dir = await withPrecompiled(files);
    expect(COMPILE).toEqual({ strict: true, knownHelpersOnly: true });
    const child = `const { loadPrecompiled } = await import(${JSON.stringify(pathToFileURL(path.resolve(import.meta.dirname, '../../../src/report/templates-precompiled.ts')).href)});
      process.stdout.write(String(loadPrecompiled(new URL(${JSON.stringify(dir.href)}))('page', ${JSON.stringify(files['page.hbs'])}) !== null));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', child], { encoding: 'utf8' });
    expect(out).toBe('true');
  });

  it('are absent when no build wrote them (running from src/): the caller compiles', () => {
    expect(loadPrecompiled(pathToFileURL(`${TEMPLATES}/`))).toBeNull();
  });

  it('cover every bundled template, each matching its source', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fixbench-hbs-'));
    dirs.push(dir);
    await cp(TEMPLATES, dir, { recursive: true });
    await writeFile(path.join(dir, PRECOMPILED_FILE), precompileTemplates(dir));
    const load = loadPrecompiled(pathToFileURL(`${dir}/`))!;
    const names = readdirSync(TEMPLATES).filter((f) => f.endsWith('.hbs'));
    expect(names.length).toBeGreaterThan(10);
    for (const f of names) expect(load(f.slice(0, -4), readFileSync(path.join(TEMPLATES, f), 'utf8')), f).not.toBeNull();
  });
});
