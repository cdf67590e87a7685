//! Property test of the core: random command sequences over random options, driven through the
//! reference driver (`core::sim::Sim`) and checked step by step against a small reference model
//! and Node 20's invariants (see `core_props/model.rs` for the list).
//!
//! `PROPTEST_CASES` overrides the number of cases (default 10,000). Native only: the wasm build
//! of the core is exercised by `tests/core_wasm.rs`.
//!
//! Also here: the differential test that runs the same sequences through Node's own
//! `stream.Writable` (opt-in: `NODE_DIFF_CASES`).
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

// ------------------------------------------------------------------------------------------------
// Differential test against Node itself: the same command sequences run through Sim and through
// Node 20's own `stream.Writable` (tests/core_props/node_sim.cjs, with `process.nextTick` replaced
// by a steppable queue), comparing the full logs, `write()` return values and the state after
// every command. Needs `node`; opt in with NODE_DIFF_CASES=<n> (NODE_DIFF_SEED to reproduce).

mod differential {
    use super::model::{Cmd, Setup};
    use super::{cmd, setup};
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    use wasm_writable::core::sim::{Log, Pending, Sim, SimError};
    use wasm_writable::core::Event;

    fn tag(e: &SimError) -> String {
        match e {
            SimError::Code(c) => c.code().to_string(),
            SimError::Sink(n) => format!("S{n}"),
        }
    }

    fn res(r: &Result<(), SimError>) -> String {
        match r {
            Ok(()) => "-".into(),
            Err(e) => tag(e),
        }
    }

    fn entry(l: &Log) -> Option<String> {
        Some(match l {
            Log::SinkWrite(id) => format!("W{id}"),
            Log::SinkWritev(ids) => format!("V{}", ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")),
            Log::SinkFinal => "F".into(),
            Log::SinkDestroy(e) => format!("D{}", e.as_ref().map_or("-".into(), tag)),
            Log::SinkConstruct => "C".into(),
            Log::WriteCb(id, r) => format!("wcb{id}:{}", res(r)),
            Log::EndCb(id, r) => format!("ecb{id}:{}", res(r)),
            Log::Event(Event::Drain) => "e:drain".into(),
            Log::Event(Event::Prefinish) => "e:prefinish".into(),
            Log::Event(Event::Finish) => "e:finish".into(),
            Log::Event(Event::Close) => "e:close".into(),
            Log::Event(Event::Error(e)) => format!("e:error:{}", tag(e)),
            // Node has no counterpart (the driver's chunk bookkeeping).
            _ => return None,
        })
    }

    /// The core's one deliberate divergence: after a synchronous sink failure Node's
    /// clearBuffer loop goes on writing the rest of the buffer; the core discards it (see
    /// `on_write`). True when the armed failure was just used up with writes still buffered.
    fn loop_divergence(sim: &Sim, armed: &mut bool, seen: usize) -> bool {
        if *armed && sim.log[seen..].iter().any(|l| matches!(l, Log::SinkWrite(_) | Log::SinkWritev(_))) {
            *armed = false;
            return sim.core.buffered_count() > 0;
        }
        false
    }

    /// The third: an asynchronous completion while earlier writes' callbacks still wait for
    /// ticks (only a simulation completes before ticking). Node calls this write's callback
    /// first; the core defers it behind them (see `on_write`).
    fn completes_ahead_of_ticks(sim: &Sim, owed: &std::collections::BTreeMap<u32, bool>, inflight: &[u32]) -> bool {
        sim.pending() == Pending::Write && owed.iter().any(|(id, dispatched)| *dispatched && !inflight.contains(id))
    }

    /// Run a case through Sim; returns the line for node_sim.cjs and the expected output, or
    /// `None` for the output when the case reaches the core's one known, deliberate divergence
    /// (see `known_divergence`).
    pub fn trace(setup: &Setup, cmds: &[Cmd]) -> (String, Option<String>) {
        let mut sim = Sim::new(setup.options(), setup.mode());
        let b = |v: bool| u8::from(v);
        let mut line = format!(
            "{} {} {} {} {} {} {} {} |",
            setup.hwm,
            b(setup.object_mode),
            b(setup.has_writev),
            b(setup.has_final),
            b(setup.has_construct),
            b(setup.emit_close),
            b(setup.auto_destroy),
            b(setup.sync)
        );
        let mut out: Vec<String> = Vec::new();
        let mut seen = 0;
        let mut next_err = 100;
        let mut ops: Vec<String> = Vec::new();
        let mut armed = false;
        let mut diverged = false;
        // Accepted writes with a callback not called yet -> whether they reached the sink.
        let mut owed: std::collections::BTreeMap<u32, bool> = Default::default();
        let mut inflight: Vec<u32> = Vec::new();
        for &c in cmds {
            let mut ret = None;
            let accepted_before = sim.core.stats().chunks_accepted;
            let op = match c {
                Cmd::Write { len, cb, same } => {
                    let (id, r) = sim.write_with(u64::from(len), cb, same);
                    ret = Some(r);
                    if cb && sim.core.stats().chunks_accepted > accepted_before {
                        owed.insert(id, false);
                    }
                    format!("w {len} {} {}", b(cb), b(same))
                }
                Cmd::Cork => {
                    sim.cork();
                    "c".into()
                }
                Cmd::Uncork => {
                    sim.uncork();
                    "u".into()
                }
                Cmd::End { chunk } => {
                    sim.end(chunk.map(u64::from));
                    chunk.map_or("e".into(), |l| format!("e {l}"))
                }
                Cmd::Destroy { err } => {
                    if err {
                        next_err += 1;
                        sim.destroy(Some(SimError::Sink(next_err)));
                        format!("d {next_err}")
                    } else {
                        sim.destroy(None);
                        "d".into()
                    }
                }
                Cmd::Complete => {
                    diverged |= completes_ahead_of_ticks(&sim, &owed, &inflight);
                    sim.complete();
                    "ok".into()
                }
                Cmd::Fail => {
                    diverged |= completes_ahead_of_ticks(&sim, &owed, &inflight);
                    next_err += 1;
                    sim.fail(SimError::Sink(next_err));
                    format!("fail {next_err}")
                }
                Cmd::FailNextSync => {
                    next_err += 1;
                    sim.fail_next_write_sync(SimError::Sink(next_err));
                    format!("arm {next_err}")
                }
                Cmd::Spurious => {
                    if !sim.core.writing() && sim.pending() != Pending::Write {
                        sim.spurious_write_done();
                        "spur".into()
                    } else {
                        "nop".into()
                    }
                }
                Cmd::Tick => {
                    sim.tick();
                    "t".into()
                }
                Cmd::RunTicks => {
                    // One at a time, so the divergence check below sees each tick's effect.
                    let mut n = 0;
                    while n < 100_000 && sim.tick() {
                        n += 1;
                        diverged |= loop_divergence(&sim, &mut armed, seen);
                    }
                    "T".into()
                }
            };
            ops.push(op);
            if c == Cmd::FailNextSync {
                armed = true;
            } else {
                diverged |= loop_divergence(&sim, &mut armed, seen);
            }
            for l in &sim.log[seen..] {
                match l {
                    Log::SinkWrite(id) => {
                        owed.entry(*id).and_modify(|d| *d = true);
                        inflight = vec![*id];
                    }
                    Log::SinkWritev(ids) => {
                        ids.iter().for_each(|id| {
                            owed.entry(*id).and_modify(|d| *d = true);
                        });
                        inflight = ids.clone();
                    }
                    Log::WriteCb(id, _) => {
                        owed.remove(id);
                    }
                    // The second known divergence: Node calls the discarded writes' callbacks
                    // before those of earlier writes still owed on ticks; the core keeps write
                    // order (see `error_buffer`). With distinct callbacks node_sim.cjs marks it
                    // (`OOO`); with a shared one only this side can tell.
                    Log::Discard(_) => diverged |= owed.values().any(|dispatched| *dispatched),
                    _ => {}
                }
            }
            out.extend(sim.log[seen..].iter().filter_map(entry));
            seen = sim.log.len();
            if let Some(r) = ret {
                out.push(format!("r{}", b(r)));
            }
            let core = &sim.core;
            out.push(format!(
                "s:{},{},{},{},{},{},{},{},{}",
                core.length(),
                b(core.need_drain()),
                core.corked(),
                b(core.ended()),
                b(core.finished()),
                b(core.destroyed()),
                b(core.closed()),
                core.errored().map_or("-".into(), tag),
                b(core.writable())
            ));
        }
        line.push_str(&ops.join(" ; "));
        (line, (!diverged).then(|| out.join(" ")))
    }

    /// Run cases through node_sim.cjs; one output line per case.
    pub fn run_node(lines: &[String]) -> Vec<String> {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/core_props/node_sim.cjs");
        let mut child = Command::new("node")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("node runs");
        let mut stdin = child.stdin.take().expect("stdin");
        let input = lines.join("\n") + "\n";
        let writer = std::thread::spawn(move || {
            stdin.write_all(input.as_bytes()).expect("write to node");
        });
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let out: Vec<String> = stdout.lines().map(|l| l.expect("utf-8 from node")).collect();
        writer.join().expect("writer thread");
        child.wait().expect("node exits");
        assert_eq!(out.len(), lines.len(), "node answered {} of {} cases", out.len(), lines.len());
        out
    }

    fn first_difference(a: &str, b: &str) -> String {
        let (a, b): (Vec<&str>, Vec<&str>) = (a.split(' ').collect(), b.split(' ').collect());
        let i = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
        let ctx = |v: &[&str]| v[i.saturating_sub(6)..(i + 4).min(v.len())].join(" ");
        format!("at token {i}:\n  sim:  ...{}\n  node: ...{}", ctx(&a), ctx(&b))
    }

    /// A real difference: neither side reached a known divergence (`None` from `trace`: the
    /// clearBuffer loop after a synchronous failure; `OOO` from node_sim.cjs: Node calling a
    /// write's callback before an earlier write's, which the core's in-order callbacks avoid).
    fn differs(sim: &Option<String>, node: &str) -> bool {
        sim.as_ref().is_some_and(|s| s != node) && !node.contains("OOO")
    }

    /// Greedy shrink: drop commands while the case still differs.
    fn shrink(setup: &Setup, mut cmds: Vec<Cmd>) -> Vec<Cmd> {
        loop {
            let candidates: Vec<Vec<Cmd>> = (0..cmds.len())
                .map(|i| {
                    let mut c = cmds.clone();
                    c.remove(i);
                    c
                })
                .collect();
            if candidates.is_empty() {
                return cmds;
            }
            let traces: Vec<(String, Option<String>)> = candidates.iter().map(|c| trace(setup, c)).collect();
            let node = run_node(&traces.iter().map(|t| t.0.clone()).collect::<Vec<_>>());
            match candidates
                .into_iter()
                .zip(traces.iter().zip(&node))
                .find(|(_, ((_, sim), node))| differs(sim, node))
            {
                Some((smaller, _)) => cmds = smaller,
                None => return cmds,
            }
        }
    }

    #[test]
    fn node_differential() {
        let Some(n) = std::env::var("NODE_DIFF_CASES").ok().and_then(|v| v.parse::<usize>().ok()) else {
            eprintln!("node_differential: skipped (set NODE_DIFF_CASES=<n> to run against node)");
            return;
        };
        let seed: u64 = std::env::var("NODE_DIFF_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
        let strategy = (setup(), prop::collection::vec(cmd(), 0..40));
        let cases: Vec<(Setup, Vec<Cmd>)> =
            (0..n).map(|_| strategy.new_tree(&mut runner).expect("generate").current()).collect();
        let traces: Vec<(String, Option<String>)> = cases.iter().map(|(s, c)| trace(s, c)).collect();
        let node = run_node(&traces.iter().map(|t| t.0.clone()).collect::<Vec<_>>());
        let skipped = (0..n).filter(|&i| traces[i].1.is_none() || node[i].contains("OOO")).count();
        let mut failures: Vec<usize> = (0..n).filter(|&i| differs(&traces[i].1, &node[i])).collect();
        if failures.is_empty() {
            eprintln!(
                "node_differential: {} cases agree with node, {skipped} skipped (known divergence) (seed {seed})",
                n - skipped
            );
            return;
        }
        failures.sort_by_key(|&i| cases[i].1.len());
        // Shrink a few of the smallest failures (NODE_DIFF_SHOW, default 1) and report them all.
        let show: usize = std::env::var("NODE_DIFF_SHOW").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
        let mut report = format!("{} of {n} cases differ from node (seed {seed}); smallest, shrunk:\n", failures.len());
        let mut shown: Vec<Vec<Cmd>> = Vec::new();
        for &i in failures.iter().take(show * 4) {
            if shown.len() >= show {
                break;
            }
            let (setup, cmds) = &cases[i];
            let small = shrink(setup, cmds.clone());
            if shown.contains(&small) {
                continue;
            }
            let (line, sim) = trace(setup, &small);
            let sim = sim.unwrap_or_default();
            let node = run_node(std::slice::from_ref(&line)).remove(0);
            report += &format!(
                "\nsetup: {setup:?}\ncommands: {small:?}\ncase: {line}\nsim:  {sim}\nnode: {node}\n{}\n",
                first_difference(&sim, &node)
            );
            shown.push(small);
        }
        panic!("{report}");
    }
}
