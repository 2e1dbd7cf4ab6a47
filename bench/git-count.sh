#!/usr/bin/env bash
# Counts the git processes of one `fixbench run --no-models` (gold + noop) by putting a counting
# `git` first on PATH. Usage: bench/git-count.sh <package root> <task ids, comma-separated>
# Prints the count per git subcommand, then the total. The run's results go to a temporary folder.
set -euo pipefail
root=$(cd "$1" && pwd)
tasks=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
real=$(command -v git)
mkdir "$tmp/bin"
cat > "$tmp/bin/git" <<SHIM
#!/usr/bin/env bash
echo "\$*" >> "$tmp/git.log"
exec "$real" "\$@"
SHIM
chmod +x "$tmp/bin/git"
(cd "$root" && env -u OPENROUTER_API_KEY PATH="$tmp/bin:$PATH" node bin/fixbench.mjs run --no-models --task "$tasks" --concurrency 1 --sandbox local \
  --results "$tmp/results" --reports "$tmp/reports" --run-id git-count >/dev/null 2>&1)
# the subcommand: the first argument that is not a `-c <config>` pair
awk '{ for (i = 1; i <= NF; i++) { if ($i == "-c") { i++; continue } print $i; break } }' "$tmp/git.log" | sort | uniq -c | sort -rn
echo "total $(wc -l < "$tmp/git.log")"
