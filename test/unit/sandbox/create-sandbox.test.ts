import { describe, expect, it, vi } from 'vitest';

describe('createSandbox', () => {
  it('warns once per process that local mode is not isolated', async () => {
    vi.resetModules();
    const { createSandbox, LOCAL_SANDBOX_WARNING } = await import('../../../src/sandbox/index.ts');
    const warn = vi.fn();
    const a = createSandbox('local', { warn });
    const b = createSandbox('local', { warn });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(LOCAL_SANDBOX_WARNING);
    expect(LOCAL_SANDBOX_WARNING).toMatch(/NOT isolated/);
    expect(a.kind).toBe('local');
    await Promise.all([a.dispose(), b.dispose()]);
  });

  it('stays silent with quiet', async () => {
    vi.resetModules();
    const { createSandbox } = await import('../../../src/sandbox/index.ts');
    const warn = vi.fn();
    await createSandbox('local', { quiet: true, warn }).dispose();
    expect(warn).not.toHaveBeenCalled();
  });
});
