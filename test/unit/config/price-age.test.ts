import { describe, expect, it } from 'vitest';
import { priceSheetAgeWarning, STALE_PRICE_DAYS } from '../../../src/config/price-age.ts';

describe('the age of a price sheet', () => {
  const today = new Date('2026-12-05T12:38:00Z');
  it('warns, in one line with the fix, when the sheet is more than 90 days older than today', () => {
    expect(STALE_PRICE_DAYS).toBe(90);
    const w = priceSheetAgeWarning('2026-06-30', today)!;
    expect(w).toBe('prices dated 2026-06-30 are 158 days old; add a newer sheet: `fixbench models import-prices openrouter --out prices/2026-12-05.yaml` (runs use the newest prices/<date>.yaml), or pass --prices <file>');
    expect(w).not.toContain('\n');
    expect(priceSheetAgeWarning('2026-06-30', today, 're-price the run: `fixbench report r1 --prices <it>`')).toMatch(/--prices <file>; re-price the run: `fixbench report r1 --prices <it>`$/);
  });
  it('is silent for a sheet of 90 days or less, one dated after today, or an unreadable date', () => {
    expect(priceSheetAgeWarning('2026-09-06', today)).toBeNull(); // 90 days
    expect(priceSheetAgeWarning('2026-09-05', today)).toMatch(/are 91 days old/);
    expect(priceSheetAgeWarning('2027-01-01', today)).toBeNull();
    expect(priceSheetAgeWarning('not-a-date', today)).toBeNull();
  });
});
