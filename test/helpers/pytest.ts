// Whether this machine's `python3` can import pytest: the tests that run a real pytest (on the host
// or in a sandbox, where make-task.sh copies it into the task repository) are skipped without it.
import { execFileSync } from 'node:child_process';

/** True when `python3 -c 'import pytest'` succeeds. */
export const pytestInstalled: boolean = (() => {
  try {
    execFileSync('python3', ['-c', 'import pytest'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
