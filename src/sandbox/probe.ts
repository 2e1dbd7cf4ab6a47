// What the bwrap sandbox can do on this host, and the exact fix when it cannot (`fixbench doctor`,
// and the message of a run that refuses to go on without isolation).
import { constants, existsSync, readFileSync, realpathSync } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';

/** The environment variable naming the bubblewrap program (default `bwrap` on PATH). */
export const BWRAP_ENV = 'FIXBENCH_BWRAP';

/** One capability tried for real: a bwrap container that runs `true`. */
export interface ProbeCheck {
  ok: boolean;
  /** bwrap's message when it failed (trimmed, at most 500 characters); null when ok or not tried. */
  error: string | null;
  /** False when not tried (bwrap missing). */
  tried: boolean;
}

export interface SandboxProbe {
  /** The program asked for (`$FIXBENCH_BWRAP` or `bwrap`), where it was found (absolute, symlinks resolved; null = not found) and what `--version` printed. */
  bwrap: { program: string; path: string | null; version: string | null };
  /** A container with its own user, PID, IPC and UTS namespaces (`--unshare-user …`). */
  userns: ProbeCheck;
  /** The same with its own network namespace (`--unshare-net`), as agent commands and tests get. */
  netns: ProbeCheck;
  /**
   * Host settings that decide user namespaces; null = the file is absent (not this kernel's knob):
   * `kernel.apparmor_restrict_unprivileged_userns` (Ubuntu 23.10+: 1 = only AppArmor profiles with
   * `userns` may create them), `kernel.unprivileged_userns_clone` (Debian: 0 = forbidden),
   * `user.max_user_namespaces` (0 = forbidden).
   */
  sysctl: { apparmorRestrictUserns: number | null; unprivilegedUsernsClone: number | null; maxUserNamespaces: number | null };
  /** True inside a Docker/Podman container (`/.dockerenv` or `/run/.containerenv`). */
  container: boolean;
  /** True when bwrap builds a container with user and network namespaces: `--sandbox bwrap` works. */
  usable: boolean;
  /** Why not usable, one sentence; null when usable. */
  reason: string | null;
  /** What to do on this host, most fitting first; each item a sentence or shell commands. Empty when usable. */
  fixes: string[];
}

export interface ProbeOptions {
  /** The bubblewrap program. Default: `$FIXBENCH_BWRAP`, else `bwrap` on PATH. */
  bwrap?: string;
  /** Where the sysctl files are (tests). Default `/proc/sys`. */
  procSys?: string;
  /** PATH searched for the program. Default `process.env.PATH`. */
  pathEnv?: string;
  /** Root of the host's files looked at for the distribution and container marks (tests). Default `/`. */
  hostRoot?: string;
}

/** Limit on each trial container, milliseconds. */
const TRIAL_TIMEOUT_MS = 20_000;

/** The bubblewrap program fixbench uses: `$FIXBENCH_BWRAP` when set, else `bwrap`. */
export function bwrapProgram(env: NodeJS.ProcessEnv = process.env): string {
  return env[BWRAP_ENV]?.trim() || 'bwrap';
}

/**
 * The AppArmor profile that lets `bwrapPath` create user namespaces under Ubuntu 23.10+'s
 * restriction (the form Ubuntu documents for programs that need them), for `/etc/apparmor.d/bwrap`.
 */
export function apparmorProfile(bwrapPath = '/usr/bin/bwrap'): string {
  return [
    'abi <abi/4.0>,',
    'include <tunables/global>',
    '',
    `profile bwrap ${bwrapPath} flags=(unconfined) {`,
    '  userns,',
    '',
    '  # Site-specific additions and overrides. See local/README for details.',
    '  include if exists <local/bwrap>',
    '}',
    '',
  ].join('\n');
}

/** Shell commands that install `apparmorProfile(bwrapPath)` and load it. */
export function apparmorFixCommands(bwrapPath = '/usr/bin/bwrap'): string {
  return `sudo tee /etc/apparmor.d/bwrap > /dev/null <<'EOF'\n${apparmorProfile(bwrapPath)}EOF\nsudo apparmor_parser -r /etc/apparmor.d/bwrap`;
}

/**
 * Tries bwrap for real (two `true` containers) and reads the host's user-namespace settings.
 * Never throws: every failure is a field of the result.
 */
export async function probeSandbox(opts: ProbeOptions = {}): Promise<SandboxProbe> {
  const program = opts.bwrap ?? bwrapProgram();
  const procSys = opts.procSys ?? '/proc/sys';
  const hostRoot = opts.hostRoot ?? '/';
  const found = await findProgram(program, opts.pathEnv ?? process.env.PATH ?? '');
  const sysctl = {
    apparmorRestrictUserns: await readNumber(path.join(procSys, 'kernel/apparmor_restrict_unprivileged_userns')),
    unprivilegedUsernsClone: await readNumber(path.join(procSys, 'kernel/unprivileged_userns_clone')),
    maxUserNamespaces: await readNumber(path.join(procSys, 'user/max_user_namespaces')),
  };
  const container = existsSync(path.join(hostRoot, '.dockerenv')) || existsSync(path.join(hostRoot, 'run/.containerenv'));
  const notTried: ProbeCheck = { ok: false, error: null, tried: false };
  let version: string | null = null;
  let userns = notTried;
  let netns = notTried;
  if (found) {
    const v = await execa(found, ['--version'], { reject: false, timeout: TRIAL_TIMEOUT_MS, env: { PATH: process.env.PATH ?? '' }, extendEnv: false });
    version = v.exitCode === 0 ? String(v.stdout).trim().split('\n')[0]!.slice(0, 200) || null : null;
    const base = ['--unshare-user', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--die-with-parent', '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc'];
    userns = await trial(found, base);
    netns = await trial(found, [...base, '--unshare-net']);
  }
  const usable = Boolean(found) && userns.ok && netns.ok;
  const reason = usable
    ? null
    : !found
      ? `bubblewrap is not installed: "${program}" was not found${program.includes('/') ? '' : ' on PATH'}`
      : !userns.ok
        ? `bubblewrap cannot create a user namespace here: ${userns.error ?? 'no message'}`
        : `bubblewrap cannot create a network namespace (--unshare-net) here: ${netns.error ?? 'no message'}`;
  return {
    bwrap: { program, path: found, version },
    userns,
    netns,
    sysctl,
    container,
    usable,
    reason,
    fixes: usable ? [] : hostFixes({ found, program, userns, sysctl, container, hostRoot }),
  };
}

/** The fixes for this host, most fitting first. */
function hostFixes(h: {
  found: string | null;
  program: string;
  userns: ProbeCheck;
  sysctl: SandboxProbe['sysctl'];
  container: boolean;
  hostRoot: string;
}): string[] {
  const fixes: string[] = [];
  if (!h.found) {
    if (h.program !== 'bwrap') fixes.push(`$${BWRAP_ENV} names "${h.program}", which does not exist or is not executable: point it at bubblewrap, or unset it to use bwrap on PATH`);
    fixes.push(`install bubblewrap: ${installCommand(h.hostRoot)}`);
    return fixes;
  }
  const bwrapPath = h.found;
  if (h.container) {
    fixes.push(
      'inside a Docker/Podman container, user namespaces are usually refused by its seccomp and AppArmor profiles: start the container with ' +
        '--security-opt seccomp=unconfined --security-opt apparmor=unconfined (Kubernetes: securityContext.seccompProfile.type and appArmorProfile.type Unconfined), or run fixbench on the host or in a VM',
    );
  }
  if (!h.userns.ok && h.sysctl.apparmorRestrictUserns === 1) {
    fixes.push(
      `narrow fix (Ubuntu 23.10+, recommended): an AppArmor profile that lets ${bwrapPath} alone create user namespaces:\n${apparmorFixCommands(bwrapPath)}`,
    );
    fixes.push(
      'broad fix (a disposable CI runner or VM only: it lifts the restriction for every program): ' +
        'sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0 (to keep it after a reboot: echo kernel.apparmor_restrict_unprivileged_userns=0 | sudo tee /etc/sysctl.d/60-fixbench-userns.conf)',
    );
  }
  if (!h.userns.ok && h.sysctl.unprivilegedUsernsClone === 0) {
    fixes.push('allow unprivileged user namespaces: sudo sysctl -w kernel.unprivileged_userns_clone=1 (persist it in /etc/sysctl.d/)');
  }
  if (!h.userns.ok && h.sysctl.maxUserNamespaces === 0) {
    fixes.push('allow user namespaces: sudo sysctl -w user.max_user_namespaces=15000 (persist it in /etc/sysctl.d/)');
  }
  if (!h.userns.ok && !h.container && !fixes.length) {
    fixes.push(
      'user namespaces look refused by the kernel or a security module: check sysctl kernel.unprivileged_userns_clone (Debian: 1), ' +
        'user.max_user_namespaces (above 0) and kernel.apparmor_restrict_unprivileged_userns (Ubuntu 23.10+: see the AppArmor profile in README "The sandbox")',
    );
  }
  fixes.push(`try it by hand: ${bwrapPath} --unshare-all --ro-bind / / true (bwrap's message names the refusal)`);
  return fixes;
}

/** The command that installs bubblewrap on this distribution (from /etc/os-release). */
function installCommand(hostRoot: string): string {
  let ids = '';
  try {
    const text = readFileSync(path.join(hostRoot, 'etc/os-release'), 'utf8');
    ids = [...text.matchAll(/^(?:ID|ID_LIKE)=("?)([^"\n]*)\1$/gm)].map((m) => m[2]).join(' ');
  } catch {
    // unknown distribution
  }
  if (/\b(debian|ubuntu)\b/.test(ids)) return 'sudo apt-get install -y bubblewrap';
  if (/\b(fedora|rhel|centos)\b/.test(ids)) return 'sudo dnf install -y bubblewrap';
  if (/\barch\b/.test(ids)) return 'sudo pacman -S bubblewrap';
  if (/\balpine\b/.test(ids)) return 'sudo apk add bubblewrap';
  if (/\b(suse|opensuse)\b/.test(ids)) return 'sudo zypper install bubblewrap';
  return 'your package manager\'s "bubblewrap" package (https://github.com/containers/bubblewrap)';
}

/** Runs `true` in a bwrap container with `args`. */
async function trial(bwrap: string, args: string[]): Promise<ProbeCheck> {
  const r = await execa(bwrap, [...args, 'true'], { reject: false, timeout: TRIAL_TIMEOUT_MS, env: { PATH: process.env.PATH ?? '' }, extendEnv: false, stdin: 'ignore' });
  if (r.exitCode === 0) return { ok: true, error: null, tried: true };
  const msg = (String(r.stderr).trim() || String(r.stdout).trim() || (r.timedOut ? 'timed out' : `exit ${r.exitCode ?? r.signal}`)).slice(0, 500);
  return { ok: false, error: msg, tried: true };
}

/** `program` as an absolute, executable path with symlinks resolved (searched on `pathEnv` when it has no slash), or null. */
async function findProgram(program: string, pathEnv: string): Promise<string | null> {
  const candidates = program.includes('/') ? [path.resolve(program)] : pathEnv.split(':').filter(Boolean).map((d) => path.join(d, program));
  for (const c of candidates) {
    try {
      await access(c, constants.X_OK);
      return realpathSync(c);
    } catch {
      // not here
    }
  }
  return null;
}

async function readNumber(file: string): Promise<number | null> {
  try {
    const n = Number((await readFile(file, 'utf8')).trim());
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/** The probe as text for people: one fact a line, then the verdict and the fixes. */
export function formatProbe(p: SandboxProbe): string {
  const check = (c: ProbeCheck) => (!c.tried ? 'not tried (no bwrap)' : c.ok ? 'yes' : `NO — ${c.error}`);
  const knob = (v: number | null, meaning: (v: number) => string) => (v === null ? 'not present on this kernel' : `${v} (${meaning(v)})`);
  const lines = [
    `bwrap:                ${p.bwrap.path ? `${p.bwrap.path}${p.bwrap.version ? ` (${p.bwrap.version})` : ''}` : `not found ("${p.bwrap.program}")`}`,
    `user namespaces:      ${check(p.userns)}`,
    `network namespace:    ${check(p.netns)} (--unshare-net: commands get no network)`,
    `AppArmor userns rule: kernel.apparmor_restrict_unprivileged_userns = ${knob(p.sysctl.apparmorRestrictUserns, (v) => (v ? 'restricted: only programs with an AppArmor profile allowing userns' : 'not restricted'))}`,
  ];
  if (p.sysctl.unprivilegedUsernsClone !== null) lines.push(`userns clone:         kernel.unprivileged_userns_clone = ${p.sysctl.unprivilegedUsernsClone}`);
  if (p.sysctl.maxUserNamespaces !== null) lines.push(`max user namespaces:  user.max_user_namespaces = ${p.sysctl.maxUserNamespaces}`);
  if (p.container) lines.push('container:            yes (Docker/Podman)');
  lines.push('');
  if (p.usable) {
    lines.push('sandbox: bwrap is usable here — `--sandbox auto` isolates every command (no network, writes only to the workspace).');
  } else {
    lines.push(`sandbox: bwrap is NOT usable here: ${p.reason}.`);
    lines.push('Until it is fixed, anything untrusted stops before any work (exit 2): a run with a model, an external agent, a predictions file (`fixbench eval`) or a `--tasks` folder other than the bundled one, `tasks validate` of such a folder, and `tasks create`; only the reference agents on the bundled tasks fall back to the unisolated `local` sandbox.');
    lines.push('', 'fix:');
    for (const f of p.fixes) lines.push(`  - ${f}`);
    lines.push('  - or, in a disposable VM or container you accept to expose (network, your files, keys in the environment): --sandbox local (not isolated)');
  }
  return lines.join('\n') + '\n';
}
