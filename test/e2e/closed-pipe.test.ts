// `fixbench … | head`: a reader that goes away must not turn into an EPIPE stack trace.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.ts';

describe('output into a closed pipe', () => {
  it('models list exits 0 with no stack trace when stdout is closed before it writes', async () => {
    const child = spawn('node', [BIN, 'models', 'list'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OPENROUTER_API_KEY: '' } });
    child.stdout.destroy(); // the reader is gone before the first write: that write gets EPIPE
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled|at .*\.ts:\d+/);
    expect(code).toBe(0);
  }, 60_000);
});
