// probeSandbox: what bwrap can do here and the fix for this host, with the program and the
// host's /proc/sys and /etc injected (a fake bwrap that fails as on Ubuntu 24.04; sysctl files).
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apparmorProfile, formatProbe, probeSandbox } from '../../../src/sandbox/probe.ts';
import { bwrapUsable } from './bwrap-usable.ts';

let tmp: string;
let denied: string;
let netDenied: string;
const host = async (name: string, files: Record<string, string>) => {
  const root = path.join(tmp, name);
  for (const [f, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, f)), { recursive: true });
    await writeFile(path.join(root, f), text);
  }
  return { procSys: path.join(root, 'proc/sys'), hostRoot: root };
};

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'fixbench-probe-'));
  denied = path.join(tmp, 'bwrap-denied');
  await writeFile(denied, '#!/bin/sh\n[ "$1" = --version ] && { echo "bubblewrap 0.9.0"; exit 0; }\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n');
  netDenied = path.join(tmp, 'bwrap-netdenied');
  await writeFile(netDenied, '#!/bin/sh\n[ "$1" = --version ] && { echo "bubblewrap 0.8.0"; exit 0; }\nfor a in "$@"; do [ "$a" = --unshare-net ] && { echo "bwrap: loopback: Failed RTM_NEWADDR: Operation not permitted" >&2; exit 1; }; done\nexit 0\n');
  await Promise.all([chmod(denied, 0o755), chmod(netDenied, 0o755)]);
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('probeSandbox', () => {
  it('Ubuntu 23.10+ (AppArmor restricts user namespaces): the narrow fix (a profile for this bwrap) first, then the sysctl', async () => {
    const h = await host('ubuntu', { 'proc/sys/kernel/apparmor_restrict_unprivileged_userns': '1\n', 'proc/sys/user/max_user_namespaces': '63000\n', 'etc/os-release': 'ID=ubuntu\nID_LIKE=debian\n' });
    const p = await probeSandbox({ bwrap: denied, ...h });
    expect(p).toMatchObject({
      usable: false,
      bwrap: { path: denied, version: 'bubblewrap 0.9.0' },
      userns: { ok: false, tried: true, error: 'bwrap: setting up uid map: Permission denied' },
      sysctl: { apparmorRestrictUserns: 1, unprivilegedUsernsClone: null, maxUserNamespaces: 63000 },
      container: false,
    });
    expect(p.reason).toBe('bubblewrap cannot create a user namespace here: bwrap: setting up uid map: Permission denied');
    expect(p.fixes[0]).toContain(`narrow fix (Ubuntu 23.10+, recommended): an AppArmor profile that lets ${denied} alone create user namespaces`);
    expect(p.fixes[0]).toContain(apparmorProfile(denied));
    expect(p.fixes[0]).toContain('sudo apparmor_parser -r /etc/apparmor.d/bwrap');
    expect(p.fixes[1]).toMatch(/^broad fix .*sudo sysctl -w kernel\.apparmor_restrict_unprivileged_userns=0/);
    const text = formatProbe(p);
    expect(text).toMatch(/AppArmor userns rule: kernel\.apparmor_restrict_unprivileged_userns = 1 \(restricted/);
    expect(text).toMatch(/sandbox: bwrap is NOT usable here/);
    // every untrusted case README "The sandbox" lists, not only models
    for (const c of ['a model', 'an external agent', 'a predictions file', 'a `--tasks` folder other than the bundled one', '`tasks validate` of such a folder', '`tasks create`']) expect(text).toContain(c);
    expect(text).toMatch(/profile bwrap .* flags=\(unconfined\) \{\n +userns,/);
  });

  it('Debian with unprivileged_userns_clone=0, and a container: the fix for each', async () => {
    const h = await host('debian', { 'proc/sys/kernel/unprivileged_userns_clone': '0\n', 'etc/os-release': 'ID=debian\n', '.dockerenv': '' });
    const p = await probeSandbox({ bwrap: denied, ...h });
    expect(p.container).toBe(true);
    expect(p.fixes.join('\n')).toMatch(/--security-opt seccomp=unconfined --security-opt apparmor=unconfined/);
    expect(p.fixes.join('\n')).toMatch(/sudo sysctl -w kernel\.unprivileged_userns_clone=1/);
  });

  it('bwrap missing: the install command of this distribution; $FIXBENCH_BWRAP named when it points nowhere', async () => {
    const fedora = await probeSandbox({ bwrap: 'bwrap', pathEnv: path.join(tmp, 'empty-path'), ...(await host('fedora', { 'etc/os-release': 'ID=fedora\n' })) });
    expect(fedora).toMatchObject({ usable: false, bwrap: { path: null }, userns: { tried: false } });
    expect(fedora.reason).toBe('bubblewrap is not installed: "bwrap" was not found on PATH');
    expect(fedora.fixes).toEqual(['install bubblewrap: sudo dnf install -y bubblewrap']);
    const named = await probeSandbox({ bwrap: path.join(tmp, 'nope'), ...(await host('deb2', { 'etc/os-release': 'ID=debian\n' })) });
    expect(named.fixes[0]).toMatch(/^\$FIXBENCH_BWRAP names ".*nope", which does not exist/);
    expect(named.fixes[1]).toBe('install bubblewrap: sudo apt-get install -y bubblewrap');
  });

  it('user namespaces work but the network namespace does not: not usable (commands would have network)', async () => {
    const p = await probeSandbox({ bwrap: netDenied, ...(await host('netns', {})) });
    expect(p).toMatchObject({ usable: false, userns: { ok: true }, netns: { ok: false, error: 'bwrap: loopback: Failed RTM_NEWADDR: Operation not permitted' } });
    expect(p.reason).toMatch(/cannot create a network namespace \(--unshare-net\)/);
  });

  it.runIf(bwrapUsable)('the real bwrap of this host: usable, no fixes', async () => {
    const p = await probeSandbox();
    expect(p).toMatchObject({ usable: true, reason: null, fixes: [], userns: { ok: true }, netns: { ok: true } });
    expect(formatProbe(p)).toMatch(/sandbox: bwrap is usable here/);
  });
});
