//! Property test of the core: random command sequences over random options, driven through the
//! reference driver (`core::sim::Sim`) and checked step by step against a small reference model
//! and Node 20's invariants (see `core_props/model.rs` for the list).
//!
//! `PROPTEST_CASES` overrides the number of cases (default 10,000). Native only: the wasm build
//! of the core is exercised by `tests/core_wasm.rs`.
#![cfg(not(target_arch = "wasm32"))]

#[path = "core_props/model.rs"]
mod model;

use model::{decode, encode, run, Cmd, Setup};
use proptest::prelude::*;

fn setup() -> impl Strategy<Value = Setup> {
    // Node's defaults (emitClose, autoDestroy true) are the common case: weighted 3:1.
    let default_on = || prop::bool::weighted(0.75);
    (0u64..=64, any::<[bool; 5]>(), default_on(), default_on()).prop_map(|(hwm, b, emit_close, auto_destroy)| Setup {
        hwm,
        object_mode: b[0],
        has_writev: b[1],
        has_final: b[2],
        has_construct: b[3],
        emit_close,
        auto_destroy,
        sync: b[4],
    })
}

fn cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        12 => (0u8..100, any::<bool>(), any::<bool>()).prop_map(|(len, cb, same)| Cmd::Write { len, cb, same }),
        2 => Just(Cmd::Cork),
        2 => Just(Cmd::Uncork),
        2 => proptest::option::of(0u8..100).prop_map(|chunk| Cmd::End { chunk }),
        1 => any::<bool>().prop_map(|err| Cmd::Destroy { err }),
        8 => Just(Cmd::Complete),
        2 => Just(Cmd::Fail),
        1 => Just(Cmd::FailNextSync),
        1 => Just(Cmd::Spurious),
        4 => Just(Cmd::Tick),
        3 => Just(Cmd::RunTicks),
    ]
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        // Failures are reported with the full history; no persistence file in the tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_command_sequences_keep_node_invariants(setup in setup(), cmds in prop::collection::vec(cmd(), 0..60)) {
        if let Err(msg) = run(setup, &cmds) {
            prop_assert!(false, "{}", msg);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn fuzz_encoding_round_trips(setup in setup(), cmds in prop::collection::vec(cmd(), 0..20)) {
        let bytes = encode(&setup, &cmds);
        prop_assert_eq!(decode(&bytes), (setup, cmds));
    }
}
