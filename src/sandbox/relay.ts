// The relay that gives a sandbox without network exactly one way out: the metering proxy. Inside
// the sandbox's own network namespace it listens on `127.0.0.1:<port>` and pipes every connection
// to the proxy's Unix socket, bound in from the host. It is fixbench's code, but nothing depends on
// trusting it: the agent may kill or replace it, and still reach nothing but that socket.
import { existsSync, realpathSync } from 'node:fs';

/** Where the proxy socket's host folder is shown inside the sandbox (read-only). */
export const SANDBOX_PROXY_DIR = '/run/fixbench-proxy';

/**
 * The relay in Perl with only the core `Socket` module (perl-base is part of every Debian/Ubuntu
 * system; starts in a few ms, where IO::Socket would add tens): one forked child per connection,
 * copying both ways with half-close. Prints `ready` once listening. Arguments: socket path, port.
 */
const PERL_RELAY = String.raw`use strict; use Socket;
my ($path, $port) = @ARGV; $SIG{CHLD} = 'IGNORE';
socket(my $l, PF_INET, SOCK_STREAM, 0) or die "fixbench relay: socket: $!\n";
setsockopt($l, SOL_SOCKET, SO_REUSEADDR, 1);
bind($l, sockaddr_in($port, INADDR_LOOPBACK)) or die "fixbench relay: cannot listen on 127.0.0.1:$port: $!\n";
listen($l, 128) or die "fixbench relay: listen: $!\n";
$| = 1; print "ready\n"; close STDOUT;
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

/** The relay program and its arguments before `socket port`: Perl when present, else the running node. */
export function relayCommand(perl = '/usr/bin/perl'): string[] {
  if (existsSync(perl)) return [perl, '-e', PERL_RELAY];
  return [realpathSync(process.execPath), '-e', NODE_RELAY];
}

/**
 * The sandbox's launcher: bash arguments that write `started` to fd 3 (then closed) and exec `bash
 * -c <command>`, so a failure of the sandbox's own set-up (exit 1, message on stderr) is told apart
 * from a command that exits 1. With `relay` (`relayCommand()` plus the socket path inside and the
 * port), the relay is started first and its `ready` line awaited; a relay that cannot start makes
 * the launcher exit 1 before `started`.
 */
export function launcher(command: string, relay?: { program: readonly string[]; socket: string; port: number }): string[] {
  if (!relay) return ['bash', '-c', 'printf started >&3 && exec bash -c "$1" 3>&-', 'fixbench-sandbox', command];
  return [
    'bash',
    '-c',
    'exec 4< <(exec "${@:2}" 3>&-) && read -r ok <&4 && [ "$ok" = ready ] && exec 4<&- && printf started >&3 && exec bash -c "$1" 3>&-',
    'fixbench-sandbox',
    command,
    ...relay.program,
    relay.socket,
    String(relay.port),
  ];
}
