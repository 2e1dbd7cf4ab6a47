import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPriceSheet } from '../../../src/config/catalog.ts';
import { PriceSheet } from '../../../src/config/prices.ts';
import { chosenSheetAgeNote, freeRow, priceSheetAgeWarning, resumedSheetAgeWarning, STALE_PRICE_DAYS } from '../../../src/config/price-age.ts';

describe('the age of a price sheet', () => {
  const today = new Date('2026-12-05T12:38:00Z');
  it('warns, in one line with the fix, when the sheet is more than 90 days older than today', () => {
    expect(STALE_PRICE_DAYS).toBe(90);
    const w = priceSheetAgeWarning({ as_of: '2026-06-30' }, today)!;
    expect(w).toBe('prices dated 2026-06-30 are 158 days old; add a newer sheet: `fixbench models import-prices openrouter --out prices/2026-12-05.yaml` (runs use the newest prices/<date>.yaml), or pass --prices <file>');
    expect(w).not.toContain('\n');
    expect(priceSheetAgeWarning({ as_of: '2026-06-30' }, today, 're-price the run: `fixbench report r1 --prices <it>`')).toMatch(/--prices <file>; re-price the run: `fixbench report r1 --prices <it>`$/);
    // the command starts as fixbench was started (the CLI passes its commandPrefix)
    expect(priceSheetAgeWarning({ as_of: '2026-06-30' }, today, undefined, 'npx fixbench')).toContain('add a newer sheet: `npx fixbench models import-prices openrouter --out prices/2026-12-05.yaml`');
  });
  it('is silent for a sheet of 90 days or less, one dated after today, or an unreadable date', () => {
    expect(priceSheetAgeWarning({ as_of: '2026-09-06' }, today)).toBeNull(); // 90 days
    expect(priceSheetAgeWarning({ as_of: '2026-09-05' }, today)).toMatch(/are 91 days old/);
    expect(priceSheetAgeWarning({ as_of: '2027-01-01' }, today)).toBeNull();
    expect(priceSheetAgeWarning({ as_of: 'not-a-date' }, today)).toBeNull();
  });
});

describe('priceSheetAgeWarning of a --prices sheet', () => {
  it('names the file passed and its as_of instead of offering --prices again', () => {
    const w = priceSheetAgeWarning({ as_of: '2026-04-01' }, new Date('2026-12-06T12:00:00Z'), undefined, 'npx fixbench', 'my/2026-04-01.yaml')!;
    expect(w).toContain('prices dated 2026-04-01 are 249 days old;');
    expect(w).toContain('and pass it instead of --prices my/2026-04-01.yaml (its as_of: 2026-04-01)');
    expect(w).not.toContain('or pass --prices <file>');
    expect(w).toContain('`npx fixbench models import-prices openrouter --out prices/2026-12-06.yaml`');
  });
});

describe('chosenSheetAgeNote: a sheet picked on purpose (report --prices)', () => {
  it('informs that the costs are that sheet\'s, as asked, with its age and the command for today\'s prices', () => {
    const today = new Date('2026-12-06T12:00:00Z');
    const n = chosenSheetAgeNote({ as_of: '2026-04-01' }, 'prices/2026-04-01.yaml', today, 'npx fixbench')!;
    expect(n).toBe('the costs shown are those of prices/2026-04-01.yaml (as of 2026-04-01, 249 days ago), as asked; for today\'s prices: `npx fixbench models import-prices openrouter --out prices/2026-12-06.yaml`');
    expect(chosenSheetAgeNote({ as_of: '2026-09-07' }, 'x.yaml', today)).toBeNull(); // 90 days: recent
    expect(chosenSheetAgeNote({ as_of: 'nope' }, 'x.yaml', today)).toBeNull();
  });
});

describe('freeRow', () => {
  it('is true only for a row pricing everything at 0 (a local model), so its sheet\'s age is not flagged', () => {
    expect(freeRow({ input: '0', output: '0', source: 'local server' })).toBe(true);
    expect(freeRow({ input: '0.0', output: '0', cache_read: '0', request: '0' })).toBe(true);
    expect(freeRow({ input: '0', output: '0.42' })).toBe(false);
    expect(freeRow({ input: '0', output: '0', request: '0.001' })).toBe(false);
    expect(freeRow({ input: '0', output: '0', tiers: [{ above_prompt_tokens: 1000, input: '1' }] })).toBe(false);
    expect(freeRow(null)).toBe(false); // an unknown price is not free
  });
});

describe('resumedSheetAgeWarning (newcomer13 #6)', () => {
  const today = new Date('2026-12-05T12:00:00Z');
  it('advises re-pricing the report after the run, never --prices on the resume (which refuses another sheet)', () => {
    const w = resumedSheetAgeWarning({ as_of: '2026-06-30' }, today, '`fixbench report r1 --prices <newer sheet>`')!;
    expect(w).toBe("this run's prices (dated 2026-06-30) are 158 days old; a resume keeps the sheet the run started with, so its costs stay at those prices; once it finishes, see them at newer prices with `fixbench report r1 --prices <newer sheet>` (a newer sheet: `fixbench models import-prices openrouter --out prices/2026-12-05.yaml`)");
    expect(w).not.toMatch(/pass --prices|instead of --prices/);
    expect(resumedSheetAgeWarning({ as_of: '2026-09-06' }, today, 'x')).toBeNull();
    expect(resumedSheetAgeWarning({ as_of: 'not-a-date' }, today, 'x')).toBeNull();
  });
});

describe('an illustrative sheet (the offline demo\'s made-up prices) never ages', () => {
  const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
  const later = new Date('2030-01-01T00:00:00Z'); // any day after the demo sheet's as_of + 90 days
  it('the shipped demo sheet is marked illustrative, so no check warns on it, however late; a real shipped sheet still warns that day', async () => {
    const demo = await loadPriceSheet(path.join(ROOT, 'examples', 'fake-provider', 'prices.yaml'));
    expect(demo.illustrative).toBe(true);
    expect(priceSheetAgeWarning(demo, later)).toBeNull();
    expect(resumedSheetAgeWarning(demo, later, 'x')).toBeNull();
    expect(chosenSheetAgeNote(demo, 'demo.yaml', later)).toBeNull();
    // the same date without the marker is stale: the marker, not the date, keeps it quiet
    const { illustrative: _, ...unmarked } = demo;
    expect(priceSheetAgeWarning(unmarked, later)).toMatch(/^prices dated \d{4}-\d\d-\d\d are \d+ days old/);
    const real = await loadPriceSheet(path.join(ROOT, 'prices', '2026-06-30.yaml'));
    expect(real.illustrative).toBeUndefined();
    expect(priceSheetAgeWarning(real, later)).toMatch(/^prices dated 2026-06-30 are 1281 days old/);
  });
  it('the schema takes only `illustrative: true` (a false or a string is refused, not read as a marker)', () => {
    const base = { as_of: '2026-01-01', source: 's', models: {} };
    expect(PriceSheet.safeParse({ ...base, illustrative: true }).success).toBe(true);
    expect(PriceSheet.safeParse({ ...base, illustrative: false }).success).toBe(false);
    expect(PriceSheet.safeParse({ ...base, illustrative: 'yes' }).success).toBe(false);
  });
});
