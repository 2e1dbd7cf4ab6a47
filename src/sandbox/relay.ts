// The relay that gives a sandbox without network exactly one way out: the metering proxy. Inside
// the sandbox's own network namespace it listens on `127.0.0.1:<port>` and pipes every connection
// to the proxy's Unix socket, bound in from the host. It is fixbench's code, but nothing depends on
// trusting it: the agent may kill or replace it, and still reach nothing but that socket.
import { existsSync, realpathSync } from 'node:fs';

/** Where the proxy socket's host folder is shown inside the sandbox (read-only). */
export const SANDBOX_PROXY_DIR = '/run/fixbench-proxy';

/**
 * The relay in Perl with only the core `Socket` module (perl-base is part of every Debian/Ubuntu
 * system; starts in a few ms, where IO::Socket would add tens). It is also the launcher: it
 * listens, forks the relay (one forked child per connection, copying both ways with half-close),
 * then writes `started` to fd 3 and execs `bash -c -- <command>` — so the port is open before the
 * command starts, with no extra shell or readiness round trip. Arguments: command, socket, port.
 * A failure to listen exits non-zero before `started`.
 */
const PERL_RELAY = String.raw`use strict; use Socket;
my ($cmd, $path, $port) = @ARGV;
socket(my $l, PF_INET, SOCK_STREAM, 0) or die "fixbench relay: socket: $!\n";
setsockopt($l, SOL_SOCKET, SO_REUSEADDR, 1);
bind($l, sockaddr_in($port, INADDR_LOOPBACK)) or die "fixbench relay: cannot listen on 127.0.0.1:$port: $!\n";
listen($l, 128) or die "fixbench relay: listen: $!\n";
open(my $st, '>&=', 3) or die "fixbench relay: no status fd: $!\n";
my $main = fork; defined $main or die "fixbench relay: fork: $!\n";
if ($main) { close $l; syswrite($st, 'started'); close $st; exec('bash', '--norc', '--noprofile', '-c', '--', $cmd) or die "fixbench relay: cannot run bash: $!\n" }
close $st; close STDIN; close STDOUT; $SIG{CHLD} = 'IGNORE';
while (1) {
  accept(my $c, $l) or next;
  my $pid = fork;
  if (!defined $pid || $pid) { close $c; next }
  close $l;
  socket(my $u, PF_UNIX, SOCK_STREAM, 0) or exit 1;
  connect($u, sockaddr_un($path)) or exit 1;
  my %open = (fileno($c) => [$c, $u], fileno($u) => [$u, $c]);
  while (%open) {
    my $rin = ''; vec($rin, $_, 1) = 1 for keys %open;
    select(my $rout = $rin, undef, undef, undef) > 0 or next;
    for my $fd (keys %open) {
      next unless vec($rout, $fd, 1);
      my ($h, $o) = @{$open{$fd}};
      my $n = sysread($h, my $b, 65536);
      if (!$n) { shutdown($o, 1); delete $open{$fd}; next }
      my $off = 0;
      while ($off < $n) { my $w = syswrite($o, $b, $n - $off, $off); exit 0 unless defined $w; $off += $w }
    }
  }
  exit 0;
}`;

/** The same relay in Node (used when there is no /usr/bin/perl; starts in ~50–100 ms). */
const NODE_RELAY = String.raw`const net = require('net'); const [path, port] = process.argv.slice(1);
net.createServer({ allowHalfOpen: true }, (c) => {
  const u = net.connect(path); const kill = () => { c.destroy(); u.destroy(); };
  c.pipe(u); u.pipe(c); c.on('error', kill); u.on('error', kill);
}).on('error', (e) => { console.error('fixbench relay: ' + e.message); process.exit(1); })
  .listen(Number(port), '127.0.0.1', () => { process.stdout.write('ready\n'); });`;

/** A relay program: its argv before the arguments, and whether it also launches the command (Perl) or prints `ready` (Node). */
export interface RelayProgram {
  argv: string[];
  launches: boolean;
}

/** The relay: Perl when `perl` exists, else the running node. */
export function relayCommand(perl = '/usr/bin/perl'): RelayProgram {
  if (existsSync(perl)) return { argv: [perl, '-e', PERL_RELAY], launches: true };
  return { argv: [realpathSync(process.execPath), '-e', NODE_RELAY], launches: false };
}

/**
 * bash's options for every shell fixbench starts in a container (the launchers and the `bash -c
 * <command>` they exec, cold and warm alike): no startup file. bash sources ~/.bashrc (and
 * /etc/bash.bashrc) even without a terminal when its stdin is a socket ("run by a remote shell";
 * node's stdio pipes are socketpairs), and an attempt's HOME is the agent's and persists: its code
 * would run before `started` (in a warm container, while it waits for its command). A command
 * never gets startup files run for it, whatever its stdin. BASH_ENV/ENV come only from fixbench's
 * environment (`sandboxEnv` plus the run's configured `env`), never from the agent.
 */
export const NO_RC = ['--norc', '--noprofile'];

/**
 * The sandbox's launcher: arguments that write `started` to fd 3 (then closed) and exec `bash -c
 * <command>`, so a failure of the sandbox's own set-up (exit 1, message on stderr) is told apart
 * from a command that exits 1. With `relay` (`relayCommand()` plus the socket path inside and the
 * port), the relay listens first: Perl launches the command itself; with Node, bash starts it in
 * the background and awaits its `ready` line. A relay that cannot listen exits non-zero before
 * `started`. Every command operand follows a `--` (bash's, and perl's before its arguments): a
 * command text starting with `-` or `+` (`-O`) runs as a command, never as options.
 */
export function launcher(command: string, relay?: { program: RelayProgram; socket: string; port: number }): string[] {
  if (!relay) return ['bash', ...NO_RC, '-c', 'printf started >&3 && exec bash --norc --noprofile -c -- "$1" 3>&-', 'fixbench-sandbox', command];
  if (relay.program.launches) return [...relay.program.argv, '--', command, relay.socket, String(relay.port)]; // `--`: perl's switches end before the command
  return [
    'bash',
    ...NO_RC,
    '-c',
    'exec 4< <(exec "${@:2}" 3>&-) && read -r ok <&4 && [ "$ok" = ready ] && exec 4<&- && printf started >&3 && exec bash --norc --noprofile -c -- "$1" 3>&-',
    'fixbench-sandbox',
    command,
    ...relay.program.argv,
    relay.socket,
    String(relay.port),
  ];
}
