// Test helper: test runners installed from the npm registry ONCE per version set, into a shared
// cache under the OS temp folder (`fixbench-runner-cache/<specs>`), so fixture repositories get
// them by a copy or a link in `setup` instead of an install per test.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The folder holding `node_modules` with exactly `specs` installed (`npm install --save-exact`,
 * pinned versions such as `tape@5.9.0`). Installed on first use (the npm registry must be
 * reachable then), into a temporary folder renamed into place, so parallel workers never see
 * half an install.
 */
export function installedRunner(specs: readonly string[]): string {
  const root = path.join(os.tmpdir(), 'fixbench-runner-cache');
  const dir = path.join(root, specs.join('+').replace(/[^\w.@+-]/g, '_'));
  if (existsSync(path.join(dir, 'node_modules'))) return dir;
  mkdirSync(root, { recursive: true });
  const tmp = mkdtempSync(path.join(root, '.install-'));
  writeFileSync(path.join(tmp, 'package.json'), '{"name":"runner-cache","private":true}\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--save-exact', '--loglevel=error', ...specs], { cwd: tmp, stdio: 'pipe', timeout: 300_000 });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another worker won
  }
  return dir;
}
