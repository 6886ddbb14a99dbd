#!/usr/bin/env bash
# Seed the receipt fuzz target's corpus with real receipts (without them, libFuzzer's mutations
# of random bytes never get past the header to the STARK verifier):
#
#   fuzz/seed-corpus.sh        # writes fuzz/corpus/receipt/{plain,zk}.receipt
#
# Then: cargo +nightly fuzz run receipt fuzz/corpus/receipt -- -max_len=4194304
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/corpus/receipt
mkdir -p "$out"
elf=$(cargo run --release -q -p vouch-cli -- build examples/fibonacci/guest)
cargo run --release -q -p vouch-cli -- prove "$elf" --input-hex 0a000000 --no-zk -o "$out/plain.receipt"
cargo run --release -q -p vouch-cli -- prove "$elf" --input-hex 0a000000 -o "$out/zk.receipt"
ls -l "$out"
