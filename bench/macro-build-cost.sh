#!/usr/bin/env bash
# What `#[task]` costs a user's build. Generates (in a temp dir) three crates that depend on
# flyte by path: one with N functions each annotated `#[task(secrets = [...3 secrets...])]`,
# the same functions unannotated in another (bodies identical, all use `flyte::secret!`), and
# the same under an identity attribute in the third (see below).
# Builds the dependencies once, then times `cargo check` (or CMD=build) of just the crate,
# RUNS times each, alternating, touching the source before every run. Prints the medians of
# wall time and of CPU time (user+sys, steadier on a shared machine) and their ratios.
#
#   bash bench/macro-build-cost.sh                    # N=500 RUNS=7 CMD=check BODY=small
#   BODY=tiny N=200 RUNS=5 bash bench/macro-build-cost.sh
#
# EDIT=top or EDIT=middle: instead of a `touch`, each run edits the body of one function
# (the first, or the one in the middle) in every crate, as a user does between two checks.
# Goal for an edit: annotated / plain <= 2.2 (the identity attribute crate shows the floor).
#
# OPT_MACROS=1 builds the flyte-macros proc macro optimised in every crate
# ([profile.dev.package.flyte-macros] opt-level = 3); OPT_MACROS=all builds every proc macro
# and build script with their dependencies optimised ([profile.dev.build-override]
# opt-level = 3, as README.md suggests); by default they are built as cargo does in dev,
# unoptimised.
# A third crate puts the same functions under an identity attribute (a proc macro that hands
# its input back): the floor any attribute macro pays, printed as the anchor of the ratio.
# BODY=small: a dozen lines of ordinary code per function; BODY=tiny: two lines (the
# worst case for the ratio, the generated code is then most of the crate).
# Goal (issue #2): annotated / plain <= 1.3 for `cargo check`.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
N=${N:-500}
RUNS=${RUNS:-7}
CMD=${CMD:-check}
BODY=${BODY:-small}
OPT_MACROS=${OPT_MACROS:-0}
case "$OPT_MACROS" in 0 | 1 | all) ;; *) echo "OPT_MACROS must be 0, 1 or all, not '$OPT_MACROS'" >&2; exit 2 ;; esac
EDIT=${EDIT:-}
case "$EDIT" in
'') ;;
top) EDIT_FN=0 ;;
middle) EDIT_FN=$((N / 2)) ;;
*) echo "EDIT must be top or middle, not '$EDIT'" >&2; exit 2 ;;
esac
WORK=$(mktemp -d "${TMPDIR:-/tmp}/flyte-macro-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# Shared by both crates so the dependencies are built once; reusable across invocations.
export CARGO_TARGET_DIR=${BENCH_TARGET_DIR:-$WORK/target}

body() { # I
    local i=$1
    if [ "$BODY" = tiny ]; then
        printf 'pub fn task_%d(x: u32) -> Result<u32, flyte::Error> {\n' "$i"
        printf '    let s = flyte::secret!("secret-%d-a")?;\n' "$i"
        printf '    Ok(x.wrapping_mul(%d) + s.expose().len() as u32)\n}\n\n' "$i"
        return
    fi
    cat <<RUST
pub fn task_$i(input: &str) -> Result<Vec<String>, flyte::Error> {
    let token = flyte::secret!("secret-$i-a")?;
    let mut out = Vec::new();
    for (n, line) in input.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once('=') {
            Some((k, v)) => out.push(format!("{n}:{}={}", k.trim(), v.len() + token.expose().len())),
            None => out.push(format!("{n}:{line}:{}", $i)),
        }
    }
    out.sort();
    Ok(out)
}

RUST
}

# The identity attribute of the third crate.
mkdir -p "$WORK/ident_attr/src"
cat >"$WORK/ident_attr/Cargo.toml" <<TOML
[package]
name = "ident_attr"
version = "0.1.0"
edition = "2024"
publish = false

[lib]
proc-macro = true

[workspace]
TOML
cat >"$WORK/ident_attr/src/lib.rs" <<'RUST'
use proc_macro::TokenStream;

#[proc_macro_attribute]
pub fn ident(_attr: TokenStream, item: TokenStream) -> TokenStream {
    item
}
RUST

generate() { # DIR NAME annotated|plain|ident
    local dir=$1 name=$2 kind=$3
    mkdir -p "$dir/src"
    cat >"$dir/Cargo.toml" <<TOML
[package]
name = "$name"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
flyte = { path = "$ROOT/runtime" }
ident_attr = { path = "$WORK/ident_attr" }

[workspace]
TOML
    case "$OPT_MACROS" in
    1) printf '\n[profile.dev.package.flyte-macros]\nopt-level = 3\n' >>"$dir/Cargo.toml" ;;
    all) printf '\n[profile.dev.build-override]\nopt-level = 3\n' >>"$dir/Cargo.toml" ;;
    esac
    # Same versions as the workspace, so both crates share one build of the dependencies.
    cp "$ROOT/Cargo.lock" "$dir/Cargo.lock"
    {
        echo "#![allow(dead_code)]"
        [ "$kind" = annotated ] && echo "use flyte::{Secret, task};"
        [ "$kind" = ident ] && echo "use ident_attr::ident;"
        for ((i = 0; i < N; i++)); do
            if [ "$kind" = annotated ]; then
                printf '#[task(secrets = ["secret-%d-a", Secret(key = "secret-%d-b", group = "team-%d", as_env_var = "B_%d"), Secret(key = "secret-%d-c", mount = "/etc/flyte/secrets")])]\n' \
                    "$i" "$i" "$i" "$i" "$i"
            fi
            [ "$kind" = ident ] && echo "#[ident]"
            body "$i"
        done
    } >"$dir/src/lib.rs"
}

generate "$WORK/annotated" bench_annotated annotated
generate "$WORK/plain" bench_plain plain
generate "$WORK/ident" bench_ident ident

echo "building dependencies once (target dir $CARGO_TARGET_DIR) ..." >&2
for kind in annotated plain ident; do
    (cd "$WORK/$kind" && cargo "$CMD" -q 2>&1 | tail -5 >&2)
done

# One statement of function EDIT_FN's body, flipped between two forms that both compile.
edit_one() { # FILE
    awk -v k="$EDIT_FN" '
        $0 ~ ("^pub fn task_" k "[(]") { inside = 1 }
        inside && sub(/out[.]sort[(][)];/, "out.sort_unstable();") { inside = 0 }
        inside && sub(/out[.]sort_unstable[(][)];/, "out.sort();") { inside = 0 }
        inside && sub(/x[.]wrapping_mul[(]/, "x.wrapping_add(") { inside = 0 }
        inside && sub(/x[.]wrapping_add[(]/, "x.wrapping_mul(") { inside = 0 }
        { print }
    ' "$1" >"$1.new" && mv "$1.new" "$1"
}

time_one() { # DIR -> "wall cpu"
    if [ -n "$EDIT" ]; then edit_one "$1/src/lib.rs"; else touch "$1/src/lib.rs"; fi
    local TIMEFORMAT='%R %U %S'
    local t
    t=$( { time cargo "$CMD" -q --manifest-path "$1/Cargo.toml" >/dev/null 2>&1; } 2>&1 )
    awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' <<<"$t"
}

declare -a a_wall a_cpu p_wall p_cpu i_wall i_cpu
for ((r = 0; r < RUNS; r++)); do
    read -r w c <<<"$(time_one "$WORK/annotated")"; a_wall+=("$w"); a_cpu+=("$c")
    read -r w c <<<"$(time_one "$WORK/plain")"; p_wall+=("$w"); p_cpu+=("$c")
    read -r w c <<<"$(time_one "$WORK/ident")"; i_wall+=("$w"); i_cpu+=("$c")
done

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ratio() { awk -v a="$1" -v p="$2" 'BEGIN { printf "%.2f", a / p }'; }
aw=$(median "${a_wall[@]}"); pw=$(median "${p_wall[@]}")
ac=$(median "${a_cpu[@]}"); pc=$(median "${p_cpu[@]}")
iw=$(median "${i_wall[@]}"); ic=$(median "${i_cpu[@]}")
echo "cargo $CMD of a crate with $N functions (BODY=$BODY OPT_MACROS=$OPT_MACROS EDIT=${EDIT:-touch}), $RUNS runs each, medians:"
echo "  annotated (#[task], 3 secrets each): wall ${aw}s  cpu ${ac}s   wall runs: ${a_wall[*]}"
echo "  plain:                               wall ${pw}s  cpu ${pc}s   wall runs: ${p_wall[*]}"
echo "  identity attribute:                  wall ${iw}s  cpu ${ic}s   wall runs: ${i_wall[*]}"
echo "  ratio identity attribute / plain: wall $(ratio "$iw" "$pw")x, cpu $(ratio "$ic" "$pc")x (the floor of any attribute macro)"
echo "  ratio annotated / plain: wall $(ratio "$aw" "$pw")x, cpu $(ratio "$ac" "$pc")x (goal <= $([ -n "$EDIT" ] && echo 2.20 || echo 1.30)x)"
echo "  per annotated function: $(awk -v a="$aw" -v p="$pw" -v n="$N" 'BEGIN { printf "%.2f", (a - p) * 1000 / n }') ms wall"
