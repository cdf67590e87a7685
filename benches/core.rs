//! Native micro-benchmark of the core's per-write cost: `cargo bench --bench core`.
//!
//! Each scenario drives `WritableCore` the way a face does (command, sink call, completion,
//! poll until `None`), with `()` chunks as the JS bindings use (chunks stay on the JS side) and
//! no real sink, so it measures the state machine alone. Goal: one write → complete cycle under
//! 50 ns. Timing: `std::time::Instant` around batches of iterations, best of many short rounds
//! (the least disturbed), `black_box` on inputs and outputs. `--quick` for a fast check.

use std::hint::black_box;
use std::time::Instant;

use wasm_writable::core::{Callback, ErrorCode, Options, Output, WritableCore, WriteStatus};

type Core = WritableCore<(), ErrorCode>;

fn core(has_writev: bool) -> Core {
    Core::new(Options {
        high_water_mark: 16 * 1024,
        has_writev,
        ..Options::new(false)
    })
}

/// Poll until `None`, doing what a face does for each output with a synchronous sink.
/// Returns how many ticks were requested (run by the caller) and callbacks called.
#[inline(always)]
fn drain(c: &mut Core) -> (u32, u32) {
    let (mut ticks, mut cbs) = (0, 0);
    while let Some(out) = c.poll() {
        match out {
            Output::Write(chunk) => {
                black_box(chunk);
                c.handle_write_done(Ok(()));
                c.dispatch_returned();
            }
            Output::Writev(chunks) => {
                black_box(&chunks);
                c.handle_write_done(Ok(()));
                c.dispatch_returned();
            }
            Output::ScheduleTick => ticks += 1,
            Output::WriteCallbacks { count, .. } => cbs += count,
            other => {
                black_box(other);
            }
        }
    }
    (ticks, cbs)
}

/// (a) write to an idle sink that completes synchronously, no callback.
#[inline(always)]
fn write_sync_no_callback(c: &mut Core) {
    match c.write((), black_box(16), Callback::None) {
        WriteStatus::Dispatch(chunk) => {
            black_box(chunk);
            c.handle_write_done(Ok(()));
            black_box(c.write_returned());
        }
        other => panic!("expected a dispatch, got {other:?}"),
    }
    drain(c);
}

/// (b) the same with a callback: its call is deferred to a tick, which the face runs.
#[inline(always)]
fn write_sync_with_callback(c: &mut Core, cb: Callback) {
    match c.write((), black_box(16), cb) {
        WriteStatus::Dispatch(chunk) => {
            black_box(chunk);
            c.handle_write_done(Ok(()));
            black_box(c.write_returned());
        }
        other => panic!("expected a dispatch, got {other:?}"),
    }
    let (mut ticks, mut cbs) = drain(c);
    while ticks > 0 {
        ticks -= 1;
        c.handle_tick();
        let (t, n) = drain(c);
        ticks += t;
        cbs += n;
    }
    black_box(cbs);
}

/// (c) cork, 16 writes with callbacks, uncork: one writev, completed synchronously, then the
/// tick with the 16 callbacks.
#[inline(always)]
fn cork_16_uncork_writev(c: &mut Core) {
    c.cork();
    for _ in 0..16 {
        match c.write((), black_box(16), Callback::New) {
            WriteStatus::Buffered(ret) => {
                black_box(ret);
            }
            other => panic!("expected buffering, got {other:?}"),
        }
    }
    c.uncork();
    let (mut ticks, _) = drain(c);
    while ticks > 0 {
        ticks -= 1;
        c.handle_tick();
        ticks += drain(c).0;
    }
}

/// (d) an asynchronous sink with writes queued behind it: one write is buffered, then the
/// completion of the write in flight hands it to the sink (the steady state of a producer
/// ahead of a sink that completes later: the microtask and setImmediate rows of the JS bench).
#[inline(always)]
fn async_completion_dispatches_next(c: &mut Core) {
    match c.write((), black_box(16), Callback::None) {
        WriteStatus::Buffered(ret) => {
            black_box(ret);
        }
        other => panic!("expected buffering, got {other:?}"),
    }
    c.handle_write_done(Ok(()));
    while let Some(out) = c.poll() {
        match out {
            Output::Write(chunk) => {
                black_box(chunk);
                c.dispatch_returned();
            }
            other => panic!("expected the next write, got {other:?}"),
        }
    }
}

/// (e) a producer waiting for 'drain' on an asynchronous sink (the 64 KiB microtask rows of the
/// JS bench): a write at the highWaterMark goes to the idle sink and answers false; its
/// completion runs afterWrite, which emits 'drain'. Not inlined, so a profiler can count it
/// alone: `valgrind --tool=callgrind --toggle-collect='*write_at_high_water_mark*'`.
#[inline(never)]
fn write_at_high_water_mark_completes_with_drain(c: &mut Core) {
    match c.write((), black_box(64 * 1024), Callback::None) {
        WriteStatus::Dispatch(chunk) => {
            black_box(chunk);
            black_box(c.write_returned());
        }
        other => panic!("expected a dispatch, got {other:?}"),
    }
    c.handle_write_done(Ok(()));
    let mut drains = 0;
    while let Some(out) = c.poll() {
        match out {
            Output::Event(e) => {
                black_box(e);
                drains += 1;
            }
            other => panic!("expected 'drain', got {other:?}"),
        }
    }
    assert_eq!(drains, 1);
}

/// Best-of-`rounds` nanoseconds per call of `f` over `iters` calls.
fn measure(iters: u32, rounds: u32, mut f: impl FnMut()) -> f64 {
    for _ in 0..iters / 10 {
        f();
    }
    let mut best = f64::INFINITY;
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..iters {
            f();
        }
        best = best.min(t.elapsed().as_nanos() as f64 / f64::from(iters));
    }
    best
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument (as libtest takes) is not supported.
    let quick = std::env::args().any(|a| a == "--quick");
    // Many short rounds, best one kept: on a busy machine some rounds still run undisturbed.
    let (iters, rounds) = if quick { (100_000, 5) } else { (200_000, 40) };

    let mut rows: Vec<(&str, f64, u32)> = Vec::new();

    let mut c = core(false);
    rows.push((
        "(a) write → sync complete, no callback",
        measure(iters, rounds, || write_sync_no_callback(&mut c)),
        1,
    ));
    assert_eq!(c.length(), 0);

    let mut c = core(false);
    rows.push((
        "(b) write → sync complete → tick → callback",
        measure(iters, rounds, || {
            write_sync_with_callback(&mut c, Callback::New)
        }),
        1,
    ));
    assert_eq!(c.pending_ticks(), 0);

    let mut c = core(false);
    rows.push((
        "(b') same, callback shared with the previous write",
        measure(iters, rounds, || {
            write_sync_with_callback(&mut c, Callback::Same)
        }),
        1,
    ));

    let mut c = core(true);
    rows.push((
        "(c) cork, 16 writes, uncork → writev → complete",
        measure(iters / 16, rounds, || cork_16_uncork_writev(&mut c)),
        16,
    ));
    assert_eq!((c.length(), c.stats().writev_calls > 0), (0, true));

    let mut c = core(false);
    if let WriteStatus::Dispatch(()) = c.write((), 16, Callback::None) {
        black_box(c.write_returned());
    }
    rows.push((
        "(d) async sink: buffer a write, completion dispatches it",
        measure(iters, rounds, || async_completion_dispatches_next(&mut c)),
        1,
    ));
    assert_eq!((c.length(), c.buffered_count()), (16, 0));

    let mut c = core(false);
    rows.push((
        "(e) write at the highWaterMark → completion → 'drain'",
        measure(iters, rounds, || {
            write_at_high_water_mark_completes_with_drain(&mut c)
        }),
        1,
    ));
    assert_eq!(c.length(), 0);

    println!();
    println!(
        "{:<52} {:>10} {:>12}",
        "scenario (native, release)", "ns/op", "ns/write"
    );
    println!("{}", "-".repeat(76));
    for (name, ns, writes) in rows {
        println!("{name:<52} {ns:>10.1} {:>12.1}", ns / f64::from(writes));
    }
    println!();
}
