// `fixbench report <run>`: rebuild a run's HTML report from its stored results, optionally re-priced.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readRun } from '../store/store.ts';
import { buildReport } from '../report/index.ts';
import { ExitCode } from '../core/errors.ts';
import { loadModels, loadPriceSheet } from '../config/catalog.ts';
import { PACKAGE_ROOT } from './paths.ts';
import { attemptRef, repriceRun } from '../pricing/reprice.ts';
import type { TokenUsage } from '../core/usage.ts';

/**
 * Builds `reports/<run_id>/index.html`; with `--prices <sheet>`, every cost is recomputed from the
 * stored tokens under that sheet (results are not changed) and the report goes to
 * `reports/<run_id>-prices-<as_of>/`. A model's row is its `price` key in `modelsFile` (default the
 * bundled models.yaml) when the model is listed there, else its id.
 * @throws UserInputError when the run folder or the price sheet is missing or invalid.
 */
export async function reportCommand(run: string, o: { results: string; reports: string; prices?: string; modelsFile?: string }): Promise<number> {
  const dir = existsSync(path.join(run, 'run.json')) ? path.resolve(run) : path.resolve(o.results, run);
  const stored = await readRun(dir);
  let { header, attempts } = stored;
  let outDir = path.resolve(o.reports, header.run_id);
  if (o.prices) {
    const sheet = await loadPriceSheet(path.resolve(o.prices));
    const priceKeys = await priceKeysOf(o.modelsFile);
    const tiered = header.contenders.filter((c) => c.model !== null && sheet.models[priceKeys[c.id] ?? c.id]?.tiers?.length).map((c) => c.id);
    const callUsages = await readCallUsages(dir, attempts.filter((a) => tiered.includes(a.model)));
    const r = repriceRun({ header, attempts, sheet, sheetFile: o.prices, priceKeys, callUsages });
    ({ header, attempts } = r);
    for (const n of r.notes) process.stderr.write(`note: ${n}\n`);
    outDir = path.resolve(o.reports, `${header.run_id}-prices-${sheet.as_of}`);
  }
  const out = await buildReport({ header, attempts, outDir });
  process.stdout.write(`report: ${out}\n`);
  return ExitCode.ok;
}

/** Model id → price key, from a models.yaml (only ids whose key differs); {} when it cannot be read. */
async function priceKeysOf(modelsFile: string | undefined): Promise<Record<string, string>> {
  try {
    const specs = await loadModels(path.resolve(modelsFile ?? path.join(PACKAGE_ROOT, 'models.yaml')));
    return Object.fromEntries(specs.filter((m) => m.price && m.price !== m.id).map((m) => [m.id, m.price!]));
  } catch (e) {
    if (modelsFile) throw e; // a file the user named must be valid
    return {};
  }
}

/** Per-call usages from the attempts' trajectories (`steps[].call.usage`); unreadable ones are left out. */
async function readCallUsages(dir: string, attempts: Array<{ model: string; instance_id: string; attempt: number }>): Promise<Map<string, TokenUsage[]>> {
  const out = new Map<string, TokenUsage[]>();
  for (const a of attempts) {
    try {
      const doc = JSON.parse(await readFile(path.join(dir, 'trajectories', a.model, a.instance_id, `${a.attempt}.json`), 'utf8'));
      const usages = (doc.steps as Array<{ call?: { usage?: TokenUsage } | null }>).flatMap((s) => (s.call?.usage ? [s.call.usage] : []));
      out.set(attemptRef(a), usages);
    } catch {
      /* no trajectory: the re-pricer notes the unknown cost */
    }
  }
  return out;
}
