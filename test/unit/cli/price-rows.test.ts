// The missing-price-row error names a fix that works: the fake provider's sheet only when it is not
// the sheet that lacks the rows (newcomer24 #8: it suggested the very file just passed).
import { describe, expect, it } from 'vitest';
import { assertPriceRows, FAKE_PROVIDER_PRICES } from '../../../src/cli/price-rows.ts';
import { packagePath } from '../../../src/cli/user-path.ts';
import type { ModelSpec } from '../../../src/config/models.ts';

const fakeModel = { id: 'my-cheap', provider: 'fake' } as unknown as ModelSpec;
const sheet = { as_of: '2026-04-01', source: 'test', models: { 'fake-coder': { input: '1', output: '1' } } };

describe('assertPriceRows', () => {
  it('names the fake provider\'s sheet for a fake model priced from another sheet', () => {
    expect(() => assertPriceRows({ sheet, priceFile: 'my/prices.yaml', modelsFile: 'my/models.yaml' } as never, [fakeModel])).toThrow(/no row "my-cheap" for model my-cheap[\s\S]*fix: or pass --prices <file>, a price sheet with that row \(the fake provider's: --prices \S*examples\/fake-provider\/prices\.yaml\)/);
  });
  it('suggests a copy with the rows added when the sheet passed is the fake provider\'s own', () => {
    let message = '';
    try {
      assertPriceRows({ sheet, priceFile: packagePath(FAKE_PROVIDER_PRICES), modelsFile: 'my/models.yaml' } as never, [fakeModel]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/fix: or pass --prices <file>, a price sheet with that row \(a copy of this one with the rows added\)$/);
    expect(message).not.toContain("the fake provider's");
  });
  it('passes when every model has a row', () => {
    expect(() => assertPriceRows({ sheet, priceFile: 'p.yaml', modelsFile: 'm.yaml' } as never, [{ ...fakeModel, id: 'fake-coder' } as ModelSpec])).not.toThrow();
  });
});
