// run.json's models_file: the path a resume reads (package-relative when bundled) and the change note.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledRelative, modelsFileChange, modelsFileIdentity, storedModelsFile } from '../../../src/cli/models-file.ts';
import { PACKAGE_ROOT } from '../../../src/cli/paths.ts';

describe('models_file', () => {
  it('records the bundled file package-relative with a 16-hex hash, and resolves it back', async () => {
    const id = await modelsFileIdentity(path.join(PACKAGE_ROOT, 'models.yaml'));
    expect(id).toEqual({ file: 'models.yaml', content_hash: expect.stringMatching(/^[0-9a-f]{16}$/) });
    expect(storedModelsFile({ models_file: id })).toBe(path.join(PACKAGE_ROOT, 'models.yaml'));
    expect(storedModelsFile({ models_file: { file: '/abs/local-models.yaml', content_hash: 'x' } })).toBe('/abs/local-models.yaml');
    expect(storedModelsFile({})).toBeUndefined(); // an older run: the default catalog
    expect(bundledRelative('/elsewhere/m.yaml')).toBe('/elsewhere/m.yaml');
  });

  it('notes a changed content of the same file, nothing otherwise', () => {
    const was = { file: '/a/m.yaml', content_hash: '1111' };
    expect(modelsFileChange(was, { file: '/a/m.yaml', content_hash: '2222' })).toMatch(/^\/a\/m\.yaml changed since the run started \(sha256 1111 → 2222\)/);
    expect(modelsFileChange(was, was)).toBeNull();
    expect(modelsFileChange(was, { file: '/b/other.yaml', content_hash: '2222' })).toBeNull(); // another file given: its entries are compared with the run's configuration
    expect(modelsFileChange(undefined, was)).toBeNull();
  });
});
