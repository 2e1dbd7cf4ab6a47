// `fixbench doctor`: what the sandbox can do on this host, and the exact fix when it cannot.
import { ExitCode } from '../core/errors.ts';
import { formatProbe, probeSandbox } from '../sandbox/probe.ts';

/**
 * Probes bwrap (`probeSandbox`: program and version, user and network namespaces, the AppArmor
 * restriction) and prints it (JSON with `json`). Returns 0 when `--sandbox bwrap` works here,
 * else 2 (runs with untrusted code would refuse to start), so a CI step can gate on it.
 */
export async function doctorCommand(o: { json?: boolean }): Promise<number> {
  const probe = await probeSandbox();
  process.stdout.write(o.json ? JSON.stringify(probe, null, 2) + '\n' : formatProbe(probe));
  return probe.usable ? ExitCode.ok : ExitCode.invalidInput;
}
