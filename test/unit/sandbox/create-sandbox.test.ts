import { resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { bwrapUsable } from './bwrap-usable.ts';

const MISSING_BWRAP = '/nonexistent/fixbench-test/bwrap';
const DENIED_BWRAP = resolve(import.meta.dirname, '../../fixtures/bin/bwrap-denied.sh');

/** Fresh copies of the factory module (its warn-once state starts clean) and of the error classes it throws. */
async function factory() {
  vi.resetModules();
  return { ...(await import('../../../src/sandbox/index.ts')), ...(await import('../../../src/core/errors.ts')) };
}

describe('createSandbox', () => {
  it('local: warns once per process that it is not isolated', async () => {
    const { createSandbox, LOCAL_SANDBOX_WARNING } = await factory();
    const warn = vi.fn();
    const a = await createSandbox('local', { warn });
    const b = await createSandbox('local', { warn });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(LOCAL_SANDBOX_WARNING);
    expect(LOCAL_SANDBOX_WARNING).toMatch(/NOT isolated/);
    expect(a.kind).toBe('local');
    await Promise.all([a.cleanup(), b.cleanup()]);
  });

  it('local: stays silent with quiet', async () => {
    const { createSandbox } = await factory();
    const warn = vi.fn();
    await (await createSandbox('local', { quiet: true, warn })).cleanup();
    expect(warn).not.toHaveBeenCalled();
  });

  it('bwrap asked for but not installed: a UserInputError (exit 2) saying how to install it', async () => {
    const { createSandbox, UserInputError } = await factory();
    const err = await createSandbox('bwrap', { bwrap: MISSING_BWRAP, quiet: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserInputError);
    expect((err as Error).message).toMatch(/--sandbox bwrap cannot be used: bubblewrap is not installed/);
    expect((err as Error).message).toMatch(/install bubblewrap: .*bubblewrap/);
  });

  it('bwrap asked for where user namespaces are disabled: a UserInputError quoting bwrap and naming the setting', async () => {
    const { createSandbox, UserInputError } = await factory();
    const err = await createSandbox('bwrap', { bwrap: DENIED_BWRAP, quiet: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserInputError);
    expect((err as Error).message).toMatch(/bubblewrap cannot create a user namespace here: bwrap: No permissions/);
    expect((err as Error).message).toMatch(/unprivileged_userns_clone|seccomp=unconfined/);
  });

  it('auto without a usable bwrap and untrusted work: refuses (exit 2) with the reason, the fix and --sandbox local, and warns nothing', async () => {
    const { createSandbox, UserInputError } = await factory();
    const warn = vi.fn();
    for (const bwrap of [MISSING_BWRAP, DENIED_BWRAP]) {
      const err = await createSandbox('auto', { bwrap, warn, untrusted: 'model m (it writes the commands)' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserInputError);
      expect((err as Error).message).toMatch(/^--sandbox auto: bwrap cannot isolate commands here \(bubblewrap .*\), and this would run untrusted code: model m \(it writes the commands\)\. fixbench stops before any work/);
      expect((err as Error).message).toMatch(/fix for this host \(check it with `fixbench doctor`\):\n  - /);
      expect((err as Error).message).toMatch(/--sandbox local \(not isolated/);
    }
    expect(warn).not.toHaveBeenCalled();
  });

  it('auto without a usable bwrap: falls back to local, with the warning and the reason', async () => {
    const { createSandbox, LOCAL_SANDBOX_WARNING } = await factory();
    const warn = vi.fn();
    const sandbox = await createSandbox('auto', { bwrap: MISSING_BWRAP, warn });
    expect(sandbox.kind).toBe('local');
    expect(warn).toHaveBeenCalledTimes(1);
    const message = warn.mock.calls[0]![0] as string;
    expect(message.startsWith(LOCAL_SANDBOX_WARNING.trimEnd())).toBe(true);
    // a program other than `bwrap` was named: the warning says which and how to fix it, as doctor does
    expect(message).toContain(`bwrap was not used: the bubblewrap program "${MISSING_BWRAP}", which does not exist or is not executable: point $FIXBENCH_BWRAP at bubblewrap`);
    await sandbox.cleanup();
  });

  it('auto with $FIXBENCH_BWRAP naming a missing program: the warning names the variable, not PATH', async () => {
    const { createSandbox } = await factory();
    const warn = vi.fn();
    vi.stubEnv('FIXBENCH_BWRAP', MISSING_BWRAP);
    try {
      const sandbox = await createSandbox('auto', { warn });
      expect(sandbox.kind).toBe('local');
      const message = warn.mock.calls[0]![0] as string;
      expect(message).toContain(`bwrap was not used: $FIXBENCH_BWRAP names "${MISSING_BWRAP}", which does not exist or is not executable: point $FIXBENCH_BWRAP at bubblewrap, or unset it to use bwrap on PATH`);
      expect(message).not.toMatch(/not found on PATH/);
      await sandbox.cleanup();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('bwrap missing from PATH: says to install it', async () => {
    const { missingBwrap } = await import('../../../src/sandbox/bwrap.ts');
    expect(missingBwrap('bwrap', {})).toBe('bubblewrap is not installed: "bwrap" was not found on PATH; install it (apt-get install bubblewrap)');
  });

  it.runIf(bwrapUsable)('auto with a usable bwrap: picks bwrap, silently', async () => {
    const { createSandbox } = await factory();
    const warn = vi.fn();
    const sandbox = await createSandbox('auto', { warn });
    expect(sandbox.kind).toBe('bwrap');
    expect(warn).not.toHaveBeenCalled();
    await sandbox.cleanup();
  });
});
