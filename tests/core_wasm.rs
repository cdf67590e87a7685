//! The core's property-test material under WebAssembly (`tests/core_behaviour.rs` itself also
//! runs under wasm): the regression scenarios of the property test, and a seeded sweep
//! of random command sequences through the same reference model (`core_props/model.rs`), all
//! compiled to wasm32 and run by wasm-bindgen-test-runner:
//!
//! ```text
//! cargo test --target wasm32-unknown-unknown --test core_wasm
//! WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test core_wasm
//! ```
//!
//! (The proptest-driven tests themselves stay native; this sweep uses a small fixed-seed
//! generator instead, so a failure here names the same model violation with its history.)
#![cfg(target_arch = "wasm32")]

#[path = "core_props/model.rs"]
mod model;

use model::{run, Cmd, Setup};
use wasm_bindgen_test::wasm_bindgen_test;

/// The fuzz seeds: the regression scenarios of `tests/core_props.rs` (each a divergence from
/// Node that was fixed) and a few plain ones, replayed through the model.
const SEEDS: &[(&str, &[u8])] = &[
    (
        "construct_end_same_tick",
        include_bytes!("../fuzz/seeds/core_commands/construct_end_same_tick"),
    ),
    (
        "cork_writev",
        include_bytes!("../fuzz/seeds/core_commands/cork_writev"),
    ),
    (
        "destroy_during_construct",
        include_bytes!("../fuzz/seeds/core_commands/destroy_during_construct"),
    ),
    (
        "destroy_midway",
        include_bytes!("../fuzz/seeds/core_commands/destroy_midway"),
    ),
    (
        "discard_callbacks_in_order",
        include_bytes!("../fuzz/seeds/core_commands/discard_callbacks_in_order"),
    ),
    (
        "drain_after_flush_failure",
        include_bytes!("../fuzz/seeds/core_commands/drain_after_flush_failure"),
    ),
    (
        "end_flush_sync",
        include_bytes!("../fuzz/seeds/core_commands/end_flush_sync"),
    ),
    (
        "end_flush_sync_failure",
        include_bytes!("../fuzz/seeds/core_commands/end_flush_sync_failure"),
    ),
    (
        "finish_after_error_with_final",
        include_bytes!("../fuzz/seeds/core_commands/finish_after_error_with_final"),
    ),
    (
        "object_mode_tick",
        include_bytes!("../fuzz/seeds/core_commands/object_mode_tick"),
    ),
    (
        "plain_async",
        include_bytes!("../fuzz/seeds/core_commands/plain_async"),
    ),
    (
        "plain_sync_objects",
        include_bytes!("../fuzz/seeds/core_commands/plain_sync_objects"),
    ),
    (
        "refused_end_chunk",
        include_bytes!("../fuzz/seeds/core_commands/refused_end_chunk"),
    ),
    (
        "same_callback_after_discarded_write",
        include_bytes!("../fuzz/seeds/core_commands/same_callback_after_discarded_write"),
    ),
    (
        "tick_forgets_info",
        include_bytes!("../fuzz/seeds/core_commands/tick_forgets_info"),
    ),
    (
        "uncork_after_end_finishes",
        include_bytes!("../fuzz/seeds/core_commands/uncork_after_end_finishes"),
    ),
    (
        "writev_cb_not_shared",
        include_bytes!("../fuzz/seeds/core_commands/writev_cb_not_shared"),
    ),
];

#[wasm_bindgen_test]
fn regression_scenarios_replay_cleanly_in_wasm() {
    for (name, data) in SEEDS {
        let (setup, cmds) = model::decode(data);
        if let Err(msg) = run(setup, &cmds) {
            panic!("{name}: {msg}");
        }
    }
}

/// A fixed-seed xorshift generator, to sweep the model without proptest.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn bit(&mut self) -> bool {
        self.next() & 1 == 1
    }
}

fn random_case(r: &mut Rng) -> (Setup, Vec<Cmd>) {
    let setup = Setup {
        hwm: r.below(65),
        object_mode: r.bit(),
        has_writev: r.bit(),
        has_final: r.bit(),
        has_construct: r.bit(),
        emit_close: r.below(4) != 0,
        auto_destroy: r.below(4) != 0,
        sync: r.bit(),
    };
    let n = r.below(40) as usize;
    let cmds = (0..n)
        .map(|_| match r.below(38) {
            0..=11 => Cmd::Write {
                len: r.below(100) as u8,
                cb: r.bit(),
                same: r.bit(),
            },
            12 | 13 => Cmd::Cork,
            14 | 15 => Cmd::Uncork,
            16 | 17 => Cmd::End {
                chunk: r.bit().then(|| r.below(100) as u8),
            },
            18 => Cmd::Destroy { err: r.bit() },
            19..=26 => Cmd::Complete,
            27 | 28 => Cmd::Fail,
            29 => Cmd::FailNextSync,
            30 => Cmd::Spurious,
            31..=34 => Cmd::Tick,
            _ => Cmd::RunTicks,
        })
        .collect();
    (setup, cmds)
}

#[wasm_bindgen_test]
fn random_command_sequences_keep_node_invariants_in_wasm() {
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..2_000 {
        let (setup, cmds) = random_case(&mut r);
        if let Err(msg) = run(setup, &cmds) {
            panic!("{msg}");
        }
    }
}
