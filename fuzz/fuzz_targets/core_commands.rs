//! Fuzz target: the input bytes are decoded into a stream setup and a sequence of commands
//! (write / cork / uncork / end / destroy / complete or fail the sink / ticks …), which drive the
//! core through its reference driver (`core::sim::Sim`) while a reference model checks every
//! step against Node's invariants. Any violation, or a panic in the core, is a crash.
//!
//! The decoder, model and invariants are shared with the property test
//! (`tests/core_props/model.rs`); a crash input can be replayed there by copying it into
//! `fuzz/seeds/core_commands/` (the `fuzz_seed_corpus_replays_cleanly` test runs every file).
#![cfg_attr(fuzzing, no_main)]

#[path = "../../tests/core_props/model.rs"]
mod model;

/// Longer inputs add little but time: the decoder reads at most this many bytes.
const MAX_INPUT: usize = 512;

fn check(data: &[u8]) {
    let data = &data[..data.len().min(MAX_INPUT)];
    let (setup, cmds) = model::decode(data);
    if let Err(msg) = model::run(setup, &cmds) {
        panic!("{msg}");
    }
}

#[cfg(fuzzing)]
libfuzzer_sys::fuzz_target!(|data: &[u8]| check(data));

/// Without `--cfg fuzzing` (a plain `cargo run`), replay the files or directories given as
/// arguments: `cargo run --bin core_commands -- seeds/core_commands artifacts/core_commands`.
#[cfg(not(fuzzing))]
fn main() {
    let mut n = 0;
    for arg in std::env::args().skip(1) {
        let path = std::path::PathBuf::from(arg);
        let files: Vec<std::path::PathBuf> = if path.is_dir() {
            let mut v: Vec<_> = std::fs::read_dir(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .collect();
            v.sort();
            v
        } else {
            vec![path]
        };
        for f in files {
            let data = std::fs::read(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            eprintln!("{}", f.display());
            check(&data);
            n += 1;
        }
    }
    println!("{n} inputs replayed, no invariant violated");
}
