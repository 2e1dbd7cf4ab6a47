#!/usr/bin/env bash
# Rebuilds the fixture repositories' bundles (tasks/repos/<repo>.bundle) from the source
# trees under tasks/repos/src/<repo>/, deterministically: same inputs, same commit shas.
#
#   bash tasks/repos/build.sh                 # rebuild every repo under src/
#   bash tasks/repos/build.sh js-duration     # rebuild one
#   bash tasks/repos/build.sh --check         # rebuild into a temp dir and compare the refs
#                                             # with the committed bundles (exit 1 on mismatch)
#
# Layout of tasks/repos/src/<repo>/:
#   steps          one commit per line: <step-dir> TAB <ISO date> TAB <subject>; '#' comments
#   <step-dir>/    files to add or overwrite in the work tree before that commit (an overlay
#                  on the previous commit's tree; nothing is ever deleted)
#
# Every commit has the same fixed author and committer, the date from `steps` for both, and
# no signature; git's user/system config is ignored, so the shas depend only on src/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src_root="$here/src"

check=0
repos=()
for arg in "$@"; do
  case "$arg" in
    --check) check=1 ;;
    -h | --help) sed -n '2,17p' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) echo "build.sh: unknown option $arg" >&2; exit 2 ;;
    *) repos+=("$arg") ;;
  esac
done
if [ ${#repos[@]} -eq 0 ]; then
  for dir in "$src_root"/*/; do repos+=("$(basename "$dir")"); done
fi

# Nothing from the caller's environment may change a commit.
export GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME='Fixture Maintainer'
export GIT_AUTHOR_EMAIL='maintainer@fixtures.fixbench.invalid'
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME"
export GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
export TZ=UTC LC_ALL=C
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
umask 022

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

git_() { git -c core.autocrlf=false -c core.fileMode=true -c commit.gpgSign=false -c pack.threads=1 "$@"; }

status=0
for repo in "${repos[@]}"; do
  src="$src_root/$repo"
  [ -f "$src/steps" ] || { echo "build.sh: $src/steps not found" >&2; exit 2; }
  work="$scratch/$repo"
  git_ init -q --initial-branch=main "$work"
  while IFS=$'\t' read -r step date subject || [ -n "$step" ]; do
    case "$step" in '' | '#'*) continue ;; esac
    [ -d "$src/$step" ] || { echo "build.sh: $repo: step dir $step missing" >&2; exit 2; }
    [ -n "$date" ] && [ -n "$subject" ] || { echo "build.sh: $repo: bad steps line for $step" >&2; exit 2; }
    cp -R "$src/$step/." "$work/"
    # Fixtures have no executables: one mode for every file, whatever the checkout had.
    find "$work" -path "$work/.git" -prune -o -type f -exec chmod 0644 {} +
    git_ -C "$work" add -A
    GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date" \
      git_ -C "$work" commit -q --no-verify --allow-empty-message -m "$subject"
  done <"$src/steps"

  if [ "$check" -eq 1 ]; then
    want="$(git_ -C "$work" for-each-ref --format='%(objectname) %(refname)' refs/heads)"
    have="$(git bundle list-heads "$here/$repo.bundle" 2>/dev/null | grep ' refs/heads/' || true)"
    if [ "$want" = "$have" ]; then
      echo "ok   $repo  $want"
    else
      echo "DIFF $repo: rebuilt [$want] committed [$have]" >&2
      status=1
    fi
  else
    rm -f "$here/$repo.bundle"
    git_ -C "$work" bundle create -q "$here/$repo.bundle" --all
    echo "== $repo.bundle"
    git_ -C "$work" log --reverse --format='   %H %ad %s' --date=short
  fi
done
exit "$status"
