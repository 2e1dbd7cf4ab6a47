// `fixbench models import-prices` and `models prices` through the real CLI, on saved source files.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ROOT, runCli } from '../helpers/cli.ts';
import { PriceSheet } from '../../src/config/prices.ts';

const fixtures = path.join(ROOT, 'test', 'fixtures', 'prices');
let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-prices-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('fixbench models import-prices / prices', () => {
  it('imports OpenRouter JSON into a dated sheet that `models prices` then shows with the 3:1 blend', async () => {
    const out = path.join(tmp, '2026-04-01.yaml');
    const r = await runCli(['models', 'import-prices', path.join(fixtures, 'openrouter-models.json'), '--as-of', '2026-04-01', '--out', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/priced 2 of 9 model\(s\) from openrouter/);
    expect(r.stderr).toMatch(/step-3\.5-flash: unknown price \("stepfun\/step-3\.5-flash" has an unknown \("-1"\)/);
    const sheet = PriceSheet.parse(parseYaml(await readFile(out, 'utf8')));
    expect(sheet.as_of).toBe('2026-04-01');
    expect(sheet.models['deepseek-v3.2']).toMatchObject({ input: '0.28', output: '0.42', cache_read: '0.028' });
    expect(sheet.models['mimo-v2-pro']).toBeNull();

    const p = await runCli(['models', 'prices', '--prices', out, '--json']);
    expect(p.exitCode, p.stderr).toBe(0);
    const rows = JSON.parse(p.stdout).models as Array<{ id: string; blended_3_1: number | null }>;
    // (3·0.28 + 0.42) / 4 = 1.26 / 4 = 0.315 USD per million tokens
    expect(rows.find((x) => x.id === 'deepseek-v3.2')!.blended_3_1).toBeCloseTo(0.315, 12);
    expect(rows.find((x) => x.id === 'mimo-v2-pro')!.blended_3_1).toBeNull();
    const text = await runCli(['models', 'prices', '--prices', out]);
    expect(text.stdout).toMatch(/blended = \(3 × input \+ output\) \/ 4/);

    // --out refuses to overwrite without --force.
    const again = await runCli(['models', 'import-prices', path.join(fixtures, 'litellm-prices.json'), '--out', out]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/exists; pass --force/);

    // --out in a folder that does not exist says which folder and what to do.
    const nodir = await runCli(['models', 'import-prices', path.join(fixtures, 'litellm-prices.json'), '--out', path.join(tmp, 'no-such-dir', 'x.yaml')]);
    expect(nodir.exitCode).toBe(2);
    expect(nodir.stderr).toMatch(/x\.yaml: cannot write: the folder .*no-such-dir does not exist; create it/);
  });

  it('lists a price and its source for every bundled model under the bundled sheets, billed at OpenRouter', async () => {
    for (const sheet of ['2026-03-31.yaml', '2026-06-30.yaml']) {
      const p = await runCli(['models', 'prices', '--prices', path.join(ROOT, 'prices', sheet), '--json']);
      expect(p.exitCode, p.stderr).toBe(0);
      const out = JSON.parse(p.stdout) as { billed_at: string; models: Array<{ id: string; input: string | null; source: string | null }> };
      expect(out.billed_at).toBe('OpenRouter');
      expect(out.models).toHaveLength(9);
      for (const m of out.models) {
        expect(m.input, m.id).not.toBeNull();
        expect(m.source, m.id).toBeTruthy();
      }
    }
    const text = await runCli(['models', 'prices']);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/billed at: OpenRouter/);
    expect(text.stdout).not.toMatch(/unknown/);
    expect(text.stdout).toMatch(/sources:\n  mimo-v2-pro: /);
  });

  it('warns (one line, stderr) when the sheet is more than 90 days older than today, not when it is recent', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const fresh = path.join(tmp, `${today}.yaml`);
    const imported = await runCli(['models', 'import-prices', path.join(fixtures, 'openrouter-models.json'), '--as-of', today, '--out', fresh]);
    expect(imported.exitCode, imported.stderr).toBe(0);
    const recent = await runCli(['models', 'prices', '--prices', fresh]);
    expect(recent.exitCode, recent.stderr).toBe(0);
    expect(recent.stderr).not.toMatch(/days old/);
    // the bundled 2026-03-31 sheet: well over 90 days before any day this test runs
    const days = Math.floor((Date.parse(`${today}T00:00:00Z`) - Date.parse('2026-03-31T00:00:00Z')) / 86_400_000);
    // started through npm/npx (npm_command set), the fix starts with `npx fixbench`
    const old = await runCli(['models', 'prices', '--prices', path.join(ROOT, 'prices', '2026-03-31.yaml'), '--json'], { env: { npm_command: 'exec', npm_lifecycle_event: undefined } });
    expect(old.exitCode, old.stderr).toBe(0);
    expect(JSON.parse(old.stdout).as_of).toBe('2026-03-31');
    expect(old.stderr).toContain(`warning: prices dated 2026-03-31 are ${days} days old; add a newer sheet: \`npx fixbench models import-prices openrouter --out prices/${today}.yaml\``);
  });

  it('the offline demo\'s illustrative sheet never warns, however old its as_of; its listing says its prices are made up', async () => {
    // the shipped sheet, its as_of moved years back: the marker keeps it quiet on any day the test runs
    const shipped = await readFile(path.join(ROOT, 'examples', 'fake-provider', 'prices.yaml'), 'utf8');
    expect(shipped).toMatch(/^illustrative: true$/m);
    const aged = path.join(tmp, 'demo-aged.yaml');
    await writeFile(aged, shipped.replace(/^as_of: .*$/m, 'as_of: "2020-01-01"'));
    const r = await runCli(['models', 'prices', '--prices', aged, '--models-file', path.join(ROOT, 'examples', 'fake-provider', 'models.yaml')]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/days old/);
    expect(r.stdout).toContain("illustrative: yes (made-up prices, no provider's; they do not age)");
    // without the marker the same sheet is stale
    const real = path.join(tmp, 'demo-unmarked.yaml');
    await writeFile(real, shipped.replace(/^as_of: .*$/m, 'as_of: "2020-01-01"').replace(/^illustrative: true\n/m, ''));
    const w = await runCli(['models', 'prices', '--prices', real, '--models-file', path.join(ROOT, 'examples', 'fake-provider', 'models.yaml'), '--json']);
    expect(w.exitCode, w.stderr).toBe(0);
    expect(w.stderr).toMatch(/warning: prices dated 2020-01-01 are \d+ days old/);
    expect(JSON.parse(w.stdout).illustrative).toBe(false);
  });

  it('prints a LiteLLM import to stdout, detecting the format', async () => {
    const r = await runCli(['models', 'import-prices', path.join(fixtures, 'litellm-prices.json'), '--as-of', '2026-04-02']);
    expect(r.exitCode, r.stderr).toBe(0);
    const sheet = PriceSheet.parse(parseYaml(r.stdout));
    expect(sheet.models['claude-opus-4.6']).toMatchObject({ input: '5', output: '25', cache_write_1h: '10' });
  });

  it('rejects a per-million file read as per-token, naming the model and field (exit 2)', async () => {
    const bad = path.join(tmp, 'bad.json');
    await writeFile(bad, JSON.stringify({ data: [{ id: 'deepseek/deepseek-v3.2', pricing: { prompt: '0.28', completion: '0.42' } }] }));
    const r = await runCli(['models', 'import-prices', bad]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/bad\.json: model "deepseek\/deepseek-v3\.2", field pricing\.prompt: "0\.28" .*implausibly large/);
  });

  it('rejects a missing file and a non-JSON file (exit 2)', async () => {
    const missing = await runCli(['models', 'import-prices', path.join(tmp, 'nope.json')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: cannot read \(ENOENT\)/);
    const text = path.join(tmp, 'text.json');
    await writeFile(text, 'not json');
    const r = await runCli(['models', 'import-prices', text]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/text\.json: not JSON/);
  });
});

describe('fixbench models list', () => {
  it('shows a router entry\'s price as "per served model" (not "unknown") and lists step routes', async () => {
    const modelsFile = path.join(tmp, 'router-models.yaml');
    const entry = (id: string, model: string, extra = '') => `  - { id: ${id}, provider: openrouter, api: openai-chat, base_url: https://openrouter.ai/api/v1, api_key_env: OPENROUTER_API_KEY, model: ${model}, vendor: V, region: US${extra} }\n`;
    await writeFile(modelsFile, `models:\n${entry('flash', 'stepfun/step-3.5-flash')}${entry('opus', 'anthropic/claude-opus-4.6')}${entry('auto', 'openrouter/auto', ', router: true')}routes:\n  - { id: flash-first-5, policy: first-k, k: 5, cheap: flash, strong: opus }\n`);
    const prices = path.join(tmp, 'router-prices.yaml');
    await writeFile(prices, 'as_of: "2026-04-01"\nsource: test\nmodels:\n  flash: { input: "0.10", output: "0.30" }\n  opus: { input: "5.00", output: "25.00" }\n');
    const r = await runCli(['models', 'list', '--models-file', modelsFile, '--prices', prices], { env: { OPENROUTER_API_KEY: '' } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/auto +openrouter\/auto .*per served model +per served model/);
    expect(r.stdout).not.toMatch(/auto .*unknown/);
    expect(r.stdout).toContain('step routes (docs/routing.md)');
    expect(r.stdout).toMatch(/flash-first-5 /);
  }, 60_000);
  it('a sheet that prices none of the catalog\'s models (the fake provider\'s) names --models-file with the catalog beside it, not import-prices', async () => {
    const r = await runCli(['models', 'prices', '--prices', 'examples/fake-provider/prices.yaml']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/none of the 9 model\(s\) of models\.yaml has a row in this sheet \(its rows: fake-coder\): it prices another catalog; show that one with `.* models prices --prices examples\/fake-provider\/prices\.yaml --models-file examples\/fake-provider\/models\.yaml`/);
    expect(r.stdout).not.toContain('import-prices');
    const own = await runCli(['models', 'prices', '--prices', 'examples/fake-provider/prices.yaml', '--models-file', 'examples/fake-provider/models.yaml']);
    expect(own.stdout).toMatch(/^fake-coder +3\.00 +15\.00/m);
    expect(own.stdout).not.toContain('none of the');
  });
});
