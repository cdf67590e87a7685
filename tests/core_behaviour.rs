//! One behaviour of the core per test, each checked through the reference driver
//! (`core::sim`). The expected sequences were checked against Node 20's `stream.Writable`
//! running the same scenario (see tests/js/ for the JS side of the same rules).

// The same tests run natively and under wasm (wasm-bindgen-test, in Node or Chromium).
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
use wasm_writable::core::sim::{Log, Pending, Sim, SimError, SinkMode};
use wasm_writable::core::{ErrorCode, Event, Options};

fn bytes(hwm: u64) -> Options {
    Options {
        high_water_mark: hwm,
        ..Options::new(false)
    }
}

fn ok(id: u32) -> Log {
    Log::WriteCb(id, Ok(()))
}

fn ev(e: Event<SimError>) -> Log {
    Log::Event(e)
}

#[test]
fn defaults_are_16k_bytes_and_16_objects() {
    assert_eq!(Options::new(false).high_water_mark, 16384);
    assert_eq!(Options::new(true).high_water_mark, 16);
}

#[test]
fn write_returns_true_below_high_water_mark() {
    let mut s = Sim::new(bytes(16), SinkMode::Async);
    assert!(s.write(10).1);
    assert_eq!(s.core.length(), 10);
}

#[test]
fn write_returns_false_at_high_water_mark_and_still_accepts_the_chunk() {
    let mut s = Sim::new(bytes(16), SinkMode::Async);
    assert!(s.write(10).1);
    assert!(!s.write(6).1);
    assert_eq!(s.core.length(), 16);
    assert!(s.core.need_drain());
    assert_eq!(s.core.buffered_count(), 1);
}

#[test]
fn large_write_to_sync_sink_returns_true() {
    // Node 20.20: a 64-byte write to a highWaterMark-16 stream whose sink completes
    // synchronously returns true: the return value is computed after the sink ran.
    let mut s = Sim::new(bytes(16), SinkMode::Sync);
    assert!(s.write(64).1);
    assert!(!s.core.need_drain());
}

#[test]
fn large_write_to_async_sink_returns_false_and_needs_drain() {
    let mut s = Sim::new(bytes(16), SinkMode::Async);
    assert!(!s.write(64).1);
    assert!(s.core.need_drain());
}

#[test]
fn object_mode_counts_objects_not_bytes() {
    let mut s = Sim::new(
        Options {
            high_water_mark: 2,
            ..Options::new(true)
        },
        SinkMode::Async,
    );
    assert!(s.write(1000).1);
    assert_eq!(s.core.length(), 1);
    assert!(!s.write(1000).1);
    assert_eq!(s.core.length(), 2);
}

#[test]
fn zero_length_write_returns_true_even_with_zero_high_water_mark() {
    let mut s = Sim::new(bytes(0), SinkMode::Async);
    assert!(s.write(0).1);
}

#[test]
fn drain_fires_once_buffer_empties_after_false_write() {
    let mut s = Sim::new(bytes(4), SinkMode::Async);
    s.write(3);
    s.write(3);
    s.complete(); // first write done: second dispatched
    assert!(!s.events().contains(&Event::Drain));
    s.complete();
    s.run_ticks();
    assert_eq!(s.events().iter().filter(|e| **e == Event::Drain).count(), 1);
    assert!(!s.core.need_drain());
}

#[test]
fn drain_is_not_emitted_without_a_false_write() {
    let mut s = Sim::new(bytes(100), SinkMode::Async);
    s.write(3);
    s.complete();
    s.settle();
    assert!(!s.events().contains(&Event::Drain));
}

#[test]
fn drain_comes_before_the_write_callbacks_of_the_same_completion() {
    let mut s = Sim::new(bytes(2), SinkMode::Async);
    let (a, _) = s.write(5);
    s.complete();
    let tail: Vec<Log> = s.log.iter().skip(1).cloned().collect();
    assert_eq!(tail, vec![ev(Event::Drain), ok(a)]);
}

#[test]
fn drain_is_never_emitted_after_end() {
    let mut s = Sim::new(bytes(2), SinkMode::Async);
    s.write(5);
    s.end(None);
    s.settle();
    assert!(!s.events().contains(&Event::Drain));
    assert!(s.events().contains(&Event::Finish));
}

#[test]
fn sync_sink_callback_is_deferred_to_a_tick() {
    let mut s = Sim::new(bytes(16), SinkMode::Sync);
    let (a, _) = s.write(3);
    assert_eq!(s.log, vec![Log::SinkWrite(a)]);
    assert_eq!(s.pending_ticks(), 1);
    s.run_ticks();
    assert_eq!(s.log, vec![Log::SinkWrite(a), ok(a)]);
}

#[test]
fn async_sink_callback_runs_on_completion() {
    let mut s = Sim::new(bytes(16), SinkMode::Async);
    let (a, _) = s.write(3);
    s.complete();
    assert_eq!(s.log, vec![Log::SinkWrite(a), ok(a)]);
    assert_eq!(s.pending_ticks(), 0);
}

#[test]
fn sync_completions_of_the_same_callback_share_one_tick() {
    let mut s = Sim::new(bytes(1000), SinkMode::Sync);
    s.write_with(1, true, false);
    s.write_with(1, true, true);
    s.write_with(1, true, true);
    assert_eq!(s.pending_ticks(), 1);
    s.run_ticks();
    assert_eq!(
        s.log
            .iter()
            .filter(|l| matches!(l, Log::WriteCb(_, Ok(()))))
            .count(),
        3
    );
}

#[test]
fn sync_completions_without_callback_schedule_no_tick() {
    let mut s = Sim::new(bytes(1000), SinkMode::Sync);
    for _ in 0..10 {
        s.write_with(1, false, false);
    }
    assert_eq!(s.pending_ticks(), 0);
    assert_eq!(s.core.length(), 0);
}

#[test]
fn writes_reach_the_sink_in_order_one_at_a_time() {
    let mut s = Sim::new(bytes(1000), SinkMode::Async);
    let ids: Vec<u32> = (0..4).map(|_| s.write(1).0).collect();
    assert_eq!(s.log, vec![Log::SinkWrite(ids[0])]);
    for _ in 0..4 {
        s.complete();
    }
    let writes: Vec<Log> = s
        .log
        .iter()
        .filter(|l| matches!(l, Log::SinkWrite(_)))
        .cloned()
        .collect();
    assert_eq!(
        writes,
        ids.iter().map(|i| Log::SinkWrite(*i)).collect::<Vec<_>>()
    );
}

#[test]
fn writes_behind_a_busy_sink_are_batched_into_writev() {
    let mut s = Sim::new(
        Options {
            has_writev: true,
            ..bytes(1000)
        },
        SinkMode::Async,
    );
    let (a, _) = s.write(1);
    let (b, _) = s.write(1);
    let (c, _) = s.write(1);
    s.complete();
    // As in Node's onwrite: the buffer is handed on before the finished write's callback runs.
    assert_eq!(
        s.log,
        vec![Log::SinkWrite(a), Log::SinkWritev(vec![b, c]), ok(a)]
    );
    s.complete();
    assert_eq!(s.log[3..], [ok(b), ok(c)]);
}

#[test]
fn single_buffered_write_uses_write_not_writev() {
    let mut s = Sim::new(
        Options {
            has_writev: true,
            ..bytes(1000)
        },
        SinkMode::Async,
    );
    s.write(1);
    let (b, _) = s.write(1);
    s.complete();
    assert_eq!(s.log, vec![Log::SinkWrite(0), Log::SinkWrite(b), ok(0)]);
}

#[test]
fn cork_buffers_and_uncork_flushes_as_one_writev() {
    let mut s = Sim::new(
        Options {
            has_writev: true,
            ..bytes(1000)
        },
        SinkMode::Async,
    );
    s.cork();
    let ids: Vec<u32> = (0..3).map(|_| s.write(2).0).collect();
    assert!(s.log.is_empty());
    assert_eq!(s.core.corked(), 1);
    s.uncork();
    assert_eq!(s.log, vec![Log::SinkWritev(ids.clone())]);
    assert_eq!(s.core.stats().writev_calls, 1);
}

#[test]
fn cork_without_writev_flushes_one_write_after_another() {
    let mut s = Sim::new(bytes(1000), SinkMode::Sync);
    s.cork();
    let ids: Vec<u32> = (0..3).map(|_| s.write(2).0).collect();
    s.uncork();
    let writes: Vec<Log> = s
        .log
        .iter()
        .filter(|l| matches!(l, Log::SinkWrite(_)))
        .cloned()
        .collect();
    assert_eq!(
        writes,
        ids.iter().map(|i| Log::SinkWrite(*i)).collect::<Vec<_>>()
    );
}

#[test]
fn cork_nests_and_needs_as_many_uncorks() {
    let mut s = Sim::new(
        Options {
            has_writev: true,
            ..bytes(1000)
        },
        SinkMode::Async,
    );
    s.cork();
    s.cork();
    s.write(1);
    s.write(1);
    s.uncork();
    assert!(s.log.is_empty());
    assert_eq!(s.core.corked(), 1);
    s.uncork();
    assert_eq!(s.log.len(), 1);
}

#[test]
fn uncork_below_zero_is_harmless() {
    let mut s = Sim::new(bytes(1000), SinkMode::Async);
    s.uncork();
    assert_eq!(s.core.corked(), 0);
}

#[test]
fn end_uncorks_fully() {
    let mut s = Sim::new(
        Options {
            has_writev: true,
            ..bytes(1000)
        },
        SinkMode::Sync,
    );
    s.cork();
    s.cork();
    s.write(1);
    s.write(1);
    s.end(None);
    s.settle();
    assert_eq!(s.core.corked(), 0);
    assert!(s.events().contains(&Event::Finish));
}

#[test]
fn lifecycle_emits_prefinish_finish_close_in_order() {
    let mut s = Sim::new(bytes(1000), SinkMode::Sync);
    s.write(1);
    s.end(None);
    s.settle();
    assert_eq!(
        s.events(),
        vec![Event::Prefinish, Event::Finish, Event::Close]
    );
    assert!(s.core.finished() && s.core.destroyed() && s.core.closed());
}

#[test]
fn final_runs_after_last_write_and_before_finish() {
    let mut s = Sim::new(
        Options {
            has_final: true,
            ..bytes(1000)
        },
        SinkMode::Async,
    );
    let (a, _) = s.write(1);
    s.end(None);
    assert!(!s.log.contains(&Log::SinkFinal));
    s.complete(); // the write
    assert!(s.log.contains(&Log::SinkFinal));
    assert!(!s.events().contains(&Event::Finish));
    s.complete(); // final
    s.settle();
    let pos = |l: &Log| s.log.iter().position(|x| x == l);
    assert!(pos(&ok(a)) < pos(&Log::SinkFinal));
    assert!(pos(&Log::SinkFinal) < pos(&ev(Event::Prefinish)));
    assert!(pos(&ev(Event::Prefinish)) < pos(&ev(Event::Finish)));
}

#[test]
fn final_error_errors_the_stream_and_skips_finish() {
    let mut s = Sim::new(
        Options {
            has_final: true,
            ..bytes(1000)
        },
        SinkMode::Async,
    );
    let e = s.end(None);
    s.run_ticks();
    assert_eq!(s.pending(), Pending::Final);
    s.fail(SimError::Sink(7));
    s.settle();
    assert_eq!(
        s.events(),
        vec![Event::Error(SimError::Sink(7)), Event::Close]
    );
    assert!(s.log.contains(&Log::EndCb(e, Err(SimError::Sink(7)))));
}

#[test]
fn end_callback_runs_at_finish() {
    let mut s = Sim::new(bytes(1000), SinkMode::Sync);
    let e = s.end(None);
    s.settle();
    let end_pos = s.log.iter().position(|l| *l == Log::EndCb(e, Ok(())));
    let finish_pos = s.log.iter().position(|l| *l == ev(Event::Finish));
    assert!(end_pos.is_some() && end_pos < finish_pos);
}

#[test]
fn end_with_chunk_writes_it_first() {
    let mut s = Sim::new(bytes(1000), SinkMode::Sync);
    s.end(Some(5));
    assert_eq!(s.log.first(), Some(&Log::SinkWrite(0)));
    s.settle();
    assert!(s.core.finished());
}

#[test]
fn end_twice_after_finish_gives_already_finished() {
    let mut s = Sim::new(bytes(1000), SinkMode::Sync);
    s.end(None);
    s.settle();
    let e = s.end(None);
    s.settle();
    assert!(s.log.contains(&Log::EndCb(
        e,
        Err(SimError::Code(ErrorCode::AlreadyFinished("end")))
    )));
}

#[test]
fn end_twice_before_finish_waits_for_finish() {
    let mut s = Sim::new(bytes(1000), SinkMode::Async);
    s.write(1);
    let e1 = s.end(None);
    let e2 = s.end(None);
    s.settle();
    assert!(s.log.contains(&Log::EndCb(e1, Ok(()))));
    assert!(s.log.contains(&Log::EndCb(e2, Ok(()))));
}

#[test]
fn write_after_end_fails_callback_then_errors_stream() {
    let mut s = Sim::new(bytes(1000), SinkMode::Async);
    s.end(None);
    let (w, ret) = s.write(1);
    assert!(!ret);
    s.settle();
    let err = SimError::Code(ErrorCode::WriteAfterEnd);
    let cb = s
        .log
        .iter()
        .position(|l| *l == Log::WriteCb(w, Err(err.clone())));
    let error = s
        .log
        .iter()
        .position(|l| *l == ev(Event::Error(err.clone())));
    assert!(cb.is_some() && cb < error, "{:?}", s.log);
    assert_eq!(s.core.errored(), Some(&err));
    assert_eq!(s.events().last(), Some(&Event::Close));
}

#[test]
fn write_after_destroy_fails_with_destroyed() {
    let mut s = Sim::new(bytes(1000), SinkMode::Sync);
    s.destroy(None);
    let (w, ret) = s.write(1);
    assert!(!ret);
    s.settle();
    assert!(s.log.contains(&Log::WriteCb(
        w,
        Err(SimError::Code(ErrorCode::Destroyed("write")))
    )));
    // No 'error' event: the stream was already destroyed.
    assert_eq!(s.events(), vec![Event::Close]);
}

#[test]
fn sink_error_calls_write_callback_before_error_event() {
    let mut s = Sim::new(bytes(1000), SinkMode::Async);
    let (a, _) = s.write(1);
    s.fail(SimError::Sink(1));
    s.settle();
    let e = SimError::Sink(1);
    assert_eq!(s.log[1], Log::WriteCb(a, Err(e.clone())));
    assert_eq!(s.events(), vec![Event::Error(e.clone()), Event::Close]);
    assert_eq!(s.core.errored(), Some(&e));
    assert!(s.core.aborted());
}

#[test]
fn sink_error_fails_buffered_writes_with_the_error() {
    let mut s = Sim::new(bytes(1000), SinkMode::Async);
    s.write(1);
    let (b, _) = s.write(1);
    let (c, _) = s.write(1);
    s.fail(SimError::Sink(2));
    s.settle();
    assert!(s.log.contains(&Log::WriteCb(b, Err(SimError::Sink(2)))));
    assert!(s.log.contains(&Log::WriteCb(c, Err(SimError::Sink(2)))));
    assert_eq!(s.core.length(), 0);
    assert_eq!(s.callbacks_outstanding(), 0);
}

#[test]
fn sync_sink_error_is_reported_on_a_tick() {
    let mut s = Sim::new(bytes(1000), SinkMode::Sync);
    s.fail_next_write_sync(SimError::Sink(3));
    let (a, ret) = s.write(1);
    assert!(!ret, "write() returns false once the stream has errored");
    assert_eq!(s.log, vec![Log::SinkWrite(a)]);
    assert_eq!(s.core.errored(), Some(&SimError::Sink(3)));
    s.run_ticks();
    assert_eq!(s.log[1], Log::WriteCb(a, Err(SimError::Sink(3))));
    assert_eq!(
        s.events(),
        vec![Event::Error(SimError::Sink(3)), Event::Close]
    );
}

#[test]
fn destroy_fails_buffered_writes_with_destroyed_then_closes() {
    let mut s = Sim::new(bytes(1000), SinkMode::Async);
    s.write(1);
    let (b, _) = s.write(1);
    s.destroy(None);
    s.settle();
    assert!(s.log.contains(&Log::WriteCb(
        b,
        Err(SimError::Code(ErrorCode::Destroyed("write")))
    )));
    assert_eq!(s.events(), vec![Event::Close]);
    assert_eq!(
        s.log
            .iter()
            .filter(|l| matches!(l, Log::SinkDestroy(_)))
            .count(),
        1
    );
}

#[test]
fn destroy_with_error_emits_error_then_close_once() {
    let mut s = Sim::new(bytes(1000), SinkMode::Sync);
    s.destroy(Some(SimError::Sink(9)));
    s.destroy(Some(SimError::Sink(10)));
    s.settle();
    assert_eq!(
        s.events(),
        vec![Event::Error(SimError::Sink(9)), Event::Close]
    );
    assert_eq!(s.core.errored(), Some(&SimError::Sink(9)));
}

#[test]
fn destroy_passes_its_error_to_the_sink_once() {
    let mut s = Sim::new(bytes(1000), SinkMode::Sync);
    s.destroy(Some(SimError::Sink(4)));
    s.destroy(None);
    s.settle();
    let destroys: Vec<&Log> = s
        .log
        .iter()
        .filter(|l| matches!(l, Log::SinkDestroy(_)))
        .collect();
    assert_eq!(destroys, vec![&Log::SinkDestroy(Some(SimError::Sink(4)))]);
}

#[test]
fn emit_close_false_suppresses_close() {
    let mut s = Sim::new(
        Options {
            emit_close: false,
            ..bytes(1000)
        },
        SinkMode::Sync,
    );
    s.end(None);
    s.settle();
    assert_eq!(s.events(), vec![Event::Prefinish, Event::Finish]);
    assert!(s.core.closed());
}

#[test]
fn auto_destroy_false_keeps_stream_alive_after_finish() {
    let mut s = Sim::new(
        Options {
            auto_destroy: false,
            ..bytes(1000)
        },
        SinkMode::Sync,
    );
    s.end(None);
    s.settle();
    assert!(s.core.finished());
    assert!(!s.core.destroyed());
}

#[test]
fn auto_destroy_false_reports_sink_error_without_destroying() {
    let mut s = Sim::new(
        Options {
            auto_destroy: false,
            ..bytes(1000)
        },
        SinkMode::Async,
    );
    s.write(1);
    let (b, ret) = s.write(1);
    assert!(ret);
    s.fail(SimError::Sink(5));
    s.settle();
    assert_eq!(s.events(), vec![Event::Error(SimError::Sink(5))]);
    assert!(!s.core.destroyed());
    assert!(s.log.contains(&Log::WriteCb(b, Err(SimError::Sink(5)))));
    assert!(!s.core.writable());
}

#[test]
fn callback_called_twice_errors_with_multiple_callback() {
    let mut s = Sim::new(bytes(1000), SinkMode::Async);
    s.write(1);
    s.complete();
    s.spurious_write_done();
    s.settle();
    assert!(s
        .events()
        .contains(&Event::Error(SimError::Code(ErrorCode::MultipleCallback))));
}

#[test]
fn construct_holds_writes_until_done() {
    let mut s = Sim::new(
        Options {
            has_construct: true,
            ..bytes(1000)
        },
        SinkMode::Async,
    );
    let (a, _) = s.write(1);
    assert!(s.log.is_empty());
    s.run_ticks();
    assert_eq!(s.log, vec![Log::SinkConstruct]);
    s.complete();
    s.run_ticks();
    assert_eq!(s.log.last(), Some(&Log::SinkWrite(a)));
}

#[test]
fn construct_error_destroys_with_it() {
    let mut s = Sim::new(
        Options {
            has_construct: true,
            ..bytes(1000)
        },
        SinkMode::Async,
    );
    s.run_ticks();
    s.fail(SimError::Sink(6));
    s.settle();
    assert_eq!(
        s.events(),
        vec![Event::Error(SimError::Sink(6)), Event::Close]
    );
}

#[test]
fn destroy_during_construct_waits_for_it() {
    let mut s = Sim::new(
        Options {
            has_construct: true,
            ..bytes(1000)
        },
        SinkMode::Async,
    );
    s.destroy(None);
    assert!(!s.log.iter().any(|l| matches!(l, Log::SinkDestroy(_))));
    s.run_ticks();
    s.complete(); // construct done
    s.settle();
    assert!(s.log.iter().any(|l| matches!(l, Log::SinkDestroy(_))));
    assert_eq!(s.events(), vec![Event::Close]);
}

#[test]
fn writable_flags_follow_the_lifecycle() {
    let mut s = Sim::new(bytes(1000), SinkMode::Async);
    assert!(s.core.writable() && !s.core.ended() && !s.core.finished());
    s.end(None);
    assert!(!s.core.writable() && s.core.ended() && !s.core.finished());
    s.settle();
    assert!(s.core.finished() && !s.core.aborted());
}

#[test]
fn stats_count_accepted_written_and_peak() {
    let mut s = Sim::new(bytes(4), SinkMode::Async);
    s.write(3);
    s.write(3);
    s.settle();
    let st = s.core.stats();
    assert_eq!((st.chunks_accepted, st.units_accepted), (2, 6));
    assert_eq!((st.chunks_written, st.units_written), (2, 6));
    assert_eq!(st.peak_length, 6);
    assert_eq!(st.drains, 1);
    assert_eq!(st.writes_refused_backpressure, 1);
}

#[test]
fn peak_buffered_stays_within_high_water_mark_plus_one_chunk_when_respected() {
    let mut s = Sim::new(bytes(64), SinkMode::Async);
    for _ in 0..1000 {
        if !s.write(24).1 {
            // Wait for drain.
            while s.core.need_drain() {
                s.complete();
                s.run_ticks();
            }
        }
    }
    assert!(s.core.stats().peak_length <= 64 + 24);
}

#[test]
fn folding_synchronous_completions_changes_nothing_observable() {
    // The JS face holds back a silent synchronous completion and reports it with the next
    // write (`write_folding`'s short path) or before any other use of the core. A run of
    // callback-less writes across the highWaterMark, then a write with a callback, a cork,
    // end: the same log, return values, state and counters either way.
    let run = |fold: bool| {
        let mut s = if fold {
            Sim::new_folding(bytes(40), SinkMode::Sync)
        } else {
            Sim::new(bytes(40), SinkMode::Sync)
        };
        let mut rets = Vec::new();
        for len in [16, 8, 64, 1, 39, 40, 0, 16] {
            rets.push(s.write_with(len, false, false).1);
        }
        rets.push(s.write(4).1);
        rets.push(s.write_with(16, false, false).1);
        let mid = (s.state().length(), s.state().stats().clone());
        s.cork();
        rets.push(s.write_with(16, false, false).1);
        s.uncork();
        rets.push(s.write_with(16, false, false).1);
        s.end(None);
        s.settle();
        (
            rets,
            mid,
            s.log.clone(),
            s.state().stats().clone(),
            s.state().finished(),
        )
    };
    assert_eq!(run(true), run(false));
}

#[test]
fn corked_writes_within_the_budget_change_nothing_observable() {
    // The JS face accepts callback-less writes while corked without a call each, as long as
    // the core's budget (`buffered_write_budget`) covers them, and hands them over together
    // (`write_buffered_batch`). Across and beyond the highWaterMark, with a callback write in
    // between and a writev sink: the same log, return values, state and counters either way.
    for has_writev in [false, true] {
        let run = |fold: bool| {
            let opts = Options {
                high_water_mark: 40,
                has_writev,
                ..Options::new(false)
            };
            let mut s = if fold {
                Sim::new_folding(opts, SinkMode::Async)
            } else {
                Sim::new(opts, SinkMode::Async)
            };
            let mut rets = Vec::new();
            s.cork();
            for len in [16, 8, 0, 10, 5, 1] {
                rets.push(s.write_with(len, false, false).1);
            }
            let mid = (
                s.state().length(),
                s.state().buffered_count(),
                s.state().stats().clone(),
            );
            rets.push(s.write(3).1);
            rets.push(s.write_with(2, false, false).1);
            s.uncork();
            s.cork();
            rets.push(s.write_with(1, false, false).1);
            s.uncork();
            s.end(None);
            s.settle();
            (
                rets,
                mid,
                s.log.clone(),
                s.state().stats().clone(),
                s.state().finished(),
            )
        };
        assert_eq!(run(true), run(false), "has_writev {has_writev}");
    }
}

#[test]
fn writes_behind_a_busy_sink_within_the_budget_change_nothing_observable() {
    // The same budget holds while a write is in flight: the JS face accepts the callback-less
    // writes behind it without a call each and hands them over before the sink's completion.
    for has_writev in [false, true] {
        let run = |fold: bool| {
            let opts = Options {
                high_water_mark: 40,
                has_writev,
                ..Options::new(false)
            };
            let mut s = if fold {
                Sim::new_folding(opts, SinkMode::Async)
            } else {
                Sim::new(opts, SinkMode::Async)
            };
            let mut rets = Vec::new();
            for len in [16, 8, 0, 10, 5, 1] {
                rets.push(s.write_with(len, false, false).1);
            }
            let mid = (
                s.state().length(),
                s.state().buffered_count(),
                s.state().stats().clone(),
            );
            s.complete();
            rets.push(s.write_with(2, false, false).1);
            rets.push(s.write(3).1);
            s.settle();
            rets.push(s.write_with(30, false, false).1);
            rets.push(s.write_with(9, false, false).1);
            s.end(None);
            s.settle();
            (
                rets,
                mid,
                s.log.clone(),
                s.state().stats().clone(),
                s.state().finished(),
            )
        };
        assert_eq!(run(true), run(false), "has_writev {has_writev}");
    }
}

#[test]
fn a_write_past_the_budget_is_refused_and_the_refusals_follow() {
    // The first callback-less write past the budget reaches the highWaterMark: the JS face
    // accepts it on its own, returning false, and the writes after it on the refusals, and
    // hands them all over together. Corked or behind a busy sink, bytes (exactly to the
    // highWaterMark, and one chunk larger than it) and objects, with a writev sink or not: the
    // same log, return values, state and counters either way.
    for object_mode in [false, true] {
        for has_writev in [false, true] {
            for (corked, sizes) in [
                (true, &[10u64, 20, 10, 1, 0, 5][..]),
                (true, &[100, 3, 0][..]),
                (false, &[30, 9, 2, 0, 7][..]),
            ] {
                let run = |fold: bool| {
                    let opts = Options {
                        high_water_mark: if object_mode { 3 } else { 40 },
                        has_writev,
                        ..Options::new(object_mode)
                    };
                    let mut s = if fold {
                        Sim::new_folding(opts, SinkMode::Async)
                    } else {
                        Sim::new(opts, SinkMode::Async)
                    };
                    let mut rets = Vec::new();
                    if corked {
                        s.cork();
                    } else {
                        rets.push(s.write_with(1, false, false).1);
                    }
                    for &len in sizes {
                        rets.push(s.write_with(len, false, false).1);
                    }
                    let mid = (
                        s.state().length(),
                        s.state().need_drain(),
                        s.state().buffered_count(),
                        s.state().stats().clone(),
                    );
                    if corked {
                        s.uncork();
                    }
                    s.settle();
                    s.end(None);
                    s.settle();
                    (
                        rets,
                        mid,
                        s.log.clone(),
                        s.state().stats().clone(),
                        s.state().finished(),
                    )
                };
                let folded = run(true);
                assert_eq!(
                    folded,
                    run(false),
                    "objects {object_mode}, writev {has_writev}, {sizes:?}"
                );
                assert!(
                    folded.0.contains(&false),
                    "the writes reach the highWaterMark"
                );
            }
        }
    }
}

#[test]
fn a_run_of_buffered_writes_to_a_sync_sink_changes_nothing_observable() {
    // After uncork() the JS face hands the callback-less buffered writes to a sink that
    // completes each inside its call one after another, and reports the completions together
    // (`buffered_run` / `sync_run`). Across the highWaterMark ('drain' owed), with zero-length
    // chunks, a callback write that ends a run, object mode (runs wait for the first tick) and
    // a sink failing in the middle: the same log, return values, state and counters either way.
    for object_mode in [false, true] {
        for fail_at in [None, Some(2), Some(5)] {
            let run = |fold: bool| {
                let opts = Options {
                    high_water_mark: 40,
                    ..Options::new(object_mode)
                };
                let mut s = if fold {
                    Sim::new_folding(opts, SinkMode::Sync)
                } else {
                    Sim::new(opts, SinkMode::Sync)
                };
                let mut rets = Vec::new();
                s.cork();
                for (i, len) in [16, 8, 0, 10, 5, 1, 0, 7].into_iter().enumerate() {
                    if fail_at == Some(i) {
                        s.fail_next_write_sync(SimError::Sink(1));
                    }
                    rets.push(s.write_with(len, i == 6, false).1);
                }
                let mid = (
                    s.state().length(),
                    s.state().buffered_count(),
                    s.state().stats().clone(),
                );
                s.uncork();
                s.cork();
                rets.push(s.write_with(30, false, false).1);
                rets.push(s.write_with(0, false, false).1);
                rets.push(s.write_with(12, false, false).1);
                s.uncork();
                s.end(None);
                s.settle();
                (
                    rets,
                    mid,
                    s.log.clone(),
                    s.state().stats().clone(),
                    s.state().finished(),
                )
            };
            assert_eq!(
                run(true),
                run(false),
                "object_mode {object_mode}, fail_at {fail_at:?}"
            );
        }
    }
}

#[test]
fn holding_back_the_return_of_an_async_sink_call_changes_nothing_observable() {
    // When a completion hands the next buffered write to a sink that returns without
    // completing it, the JS face holds that return back on the core's word (`quiet_return`) and
    // reports it with the next call (`dispatch_returned_quietly`), usually that write's
    // completion. Across the highWaterMark ('drain'), with callbacks, a zero-length chunk, an
    // end() and a destroy() while writes are queued: the same log, return values, state and
    // counters either way.
    for destroy_at in [None, Some(3)] {
        let run = |fold: bool| {
            let opts = Options {
                high_water_mark: 40,
                ..Options::new(false)
            };
            let mut s = if fold {
                Sim::new_folding(opts, SinkMode::Async)
            } else {
                Sim::new(opts, SinkMode::Async)
            };
            let mut rets = Vec::new();
            for (i, len) in [16, 8, 0, 10, 5, 30, 1].into_iter().enumerate() {
                rets.push(s.write_with(len, i % 3 == 1, false).1);
            }
            let mut mids = Vec::new();
            for i in 0..5 {
                if destroy_at == Some(i) {
                    s.destroy(None);
                }
                s.complete();
                mids.push((
                    s.state().length(),
                    s.state().need_drain(),
                    s.state().stats().clone(),
                ));
            }
            rets.push(s.write_with(2, false, false).1);
            s.end(None);
            s.settle();
            (
                rets,
                mids,
                s.log.clone(),
                s.state().stats().clone(),
                s.state().finished(),
            )
        };
        assert_eq!(run(true), run(false), "destroy_at {destroy_at:?}");
    }
}

#[test]
fn an_asynchronous_run_changes_nothing_observable() {
    // While a return is held back (`quiet_return`), the JS face takes the completions of an
    // asynchronous sink itself, each handing the next buffered write to the sink
    // (`async_handouts`), and reports them together (`async_run`) before any other use of the
    // core. Across the highWaterMark, with a callback write ending a run, empty writes at the
    // tail, end() during the run, a write between two completions, and a destroy: the same
    // log, return values, state and counters either way.
    for (end_at, write_at, destroy_at) in [
        (None, None, None),
        (Some(2), None, None),
        (None, Some(3), None),
        (Some(1), Some(4), Some(6)),
    ] {
        let run = |fold: bool| {
            let opts = Options {
                high_water_mark: 50,
                ..Options::new(false)
            };
            let mut s = if fold {
                Sim::new_folding(opts, SinkMode::Async)
            } else {
                Sim::new(opts, SinkMode::Async)
            };
            let mut rets = Vec::new();
            for (i, len) in [5, 8, 3, 10, 5, 9, 1, 7, 12, 4, 0, 0]
                .into_iter()
                .enumerate()
            {
                rets.push(s.write_with(len, i == 7, false).1);
            }
            let mut mids = Vec::new();
            for i in 0..14 {
                if end_at == Some(i) {
                    s.end(None);
                }
                if write_at == Some(i) {
                    rets.push(s.write_with(6, false, false).1);
                }
                if destroy_at == Some(i) {
                    s.destroy(None);
                }
                s.complete();
                mids.push((
                    s.state().length(),
                    s.state().need_drain(),
                    s.state().finished(),
                    s.state().stats().clone(),
                ));
            }
            s.end(None);
            s.settle();
            (
                rets,
                mids,
                s.log.clone(),
                s.state().stats().clone(),
                s.state().finished(),
            )
        };
        assert_eq!(
            run(true),
            run(false),
            "end_at {end_at:?}, write_at {write_at:?}, destroy_at {destroy_at:?}"
        );
    }
}

#[test]
fn inside_the_flush_loop_a_completed_write_leaves_nothing_writing_until_its_call_returns() {
    // Node's clearBuffer loop (kBufferProcessing): a buffered write that completes inside its
    // sink call does not hand the next one out; the loop does when the call returns. Until
    // then nothing is writing, so a write made meanwhile goes to the sink at once (ahead of the
    // buffer), and a cork() made meanwhile does not stop the loop.
    use wasm_writable::core::{Callback, Output, WritableCore, WriteStatus};
    let mut c: WritableCore<u32, SimError> = WritableCore::new(bytes(64));
    c.cork();
    for id in 0..3 {
        assert_eq!(c.write(id, 4, Callback::None), WriteStatus::Buffered(true));
    }
    c.uncork();
    assert_eq!(c.poll(), Some(Output::Write(0)));
    c.handle_write_done(Ok(()));
    assert!(!c.writing());
    assert_eq!(c.length(), 8);
    // A write from inside the sink call, after its completion: straight to the sink.
    assert_eq!(c.write(9, 1, Callback::None), WriteStatus::Dispatch(9));
    c.handle_write_done(Ok(()));
    assert!(c.write_returned());
    c.cork();
    // The outer call returns: the loop goes on, cork or not.
    c.dispatch_returned();
    assert_eq!(c.poll(), Some(Output::Write(1)));
    c.handle_write_done(Ok(()));
    c.dispatch_returned();
    assert_eq!(c.poll(), Some(Output::Write(2)));
    c.handle_write_done(Ok(()));
    c.dispatch_returned();
    assert_eq!(c.length(), 0);
    assert_eq!(c.stats().chunks_written, 4);
}

#[test]
fn holding_back_a_dispatched_writes_return_changes_nothing_observable() {
    // A write that goes straight to an asynchronous sink: the JS face answers write() with
    // what `write_returned` would say (`quiet_write_return`), takes the budget or the
    // refusals after it, and reports the return with its next call into the core, before the
    // writes it accepted meanwhile. Below and past the highWaterMark, with callbacks, an empty
    // chunk, end() and destroy(): the same log, return values, state and counters either way.
    for (hwm, destroy_at) in [(40, None), (10, None), (40, Some(2)), (0, None)] {
        let run = |fold: bool| {
            let opts = Options {
                high_water_mark: hwm,
                ..Options::new(false)
            };
            let mut s = if fold {
                Sim::new_folding(opts, SinkMode::Async)
            } else {
                Sim::new(opts, SinkMode::Async)
            };
            let mut rets = Vec::new();
            let mut mids = Vec::new();
            for round in 0..5 {
                for (i, len) in [12u64, 0, 30, 5].into_iter().enumerate() {
                    rets.push(s.write_with(len, (round + i) % 3 == 0, false).1);
                }
                if destroy_at == Some(round) {
                    s.destroy(None);
                }
                while s.complete() {}
                mids.push((
                    s.state().length(),
                    s.state().need_drain(),
                    s.state().stats().clone(),
                ));
                s.run_ticks();
            }
            s.end(None);
            s.settle();
            (
                rets,
                mids,
                s.log.clone(),
                s.state().stats().clone(),
                s.state().finished(),
            )
        };
        assert_eq!(
            run(true),
            run(false),
            "hwm {hwm}, destroy_at {destroy_at:?}"
        );
    }
}

#[test]
fn a_poll_ahead_of_the_outer_steps_leaves_them_for_later() {
    // A 'drain' listener uncorks: Node flushes to the sink inside uncork(), and the rest of
    // afterWrite (the write callbacks, finishMaybe) runs after the listener. The driver polls
    // ahead of the steps that waited behind 'drain' (`poll_ahead_of`), then polls them.
    use wasm_writable::core::{Callback, Output, WritableCore, WriteStatus};
    let mut core: WritableCore<u32, SimError> = WritableCore::new(bytes(4));
    assert!(matches!(
        core.write(1, 8, Callback::New),
        WriteStatus::Dispatch(1)
    ));
    assert!(!core.write_returned());
    assert_eq!(core.poll(), None);
    // The sink completes later: afterWrite runs at once, and 'drain' comes first.
    core.handle_write_done(Ok(()));
    assert_eq!(core.poll(), Some(Output::Event(Event::Drain)));
    let outer = core.queued();
    assert!(outer > 0, "the write's callback waits behind 'drain'");
    // The listener.
    core.cork();
    assert!(matches!(
        core.write(2, 3, Callback::None),
        WriteStatus::Buffered(true)
    ));
    core.uncork();
    assert_eq!(core.poll_ahead_of(outer), Some(Output::Write(2)));
    core.handle_write_done(Ok(()));
    core.dispatch_returned();
    assert_eq!(core.poll_ahead_of(outer), None);
    assert_eq!(core.queued(), outer);
    assert_eq!(core.length(), 0);
    // After the listener: the first write's callback.
    assert!(matches!(
        core.poll(),
        Some(Output::WriteCallbacks {
            first: 0,
            count: 1,
            ..
        })
    ));
}

#[test]
fn the_finishing_tick_after_final_waits_for_what_prefinish_listeners_did() {
    // Node's callFinal callback emits 'prefinish', then queues the tick that finishes: a write a
    // 'prefinish' listener makes (refused, the stream ended) has its callback's tick ahead of
    // it. (The JS face's test of the same also sees 'error' and 'close' come first.)
    use wasm_writable::core::{Callback, Output, WritableCore};
    let opts = Options {
        has_final: true,
        ..bytes(16)
    };
    let mut core: WritableCore<u32, SimError> = WritableCore::new(opts);
    core.end(false, false);
    let mut events = Vec::new();
    let outputs = |core: &mut WritableCore<u32, SimError>, events: &mut Vec<String>| {
        while let Some(out) = core.poll() {
            match out {
                Output::Final => {
                    core.handle_final_done(Ok(()));
                    core.dispatch_returned();
                }
                Output::Event(Event::Prefinish) => {
                    events.push("prefinish".to_owned());
                    // The listener.
                    core.write(1, 1, Callback::New);
                }
                Output::Event(e) => events.push(format!("{e:?}")),
                Output::OneOffCallback(r) => events.push(format!("callback {}", r.is_err())),
                _ => {}
            }
        }
    };
    outputs(&mut core, &mut events);
    while core.pending_ticks() > 0 {
        core.handle_tick();
        outputs(&mut core, &mut events);
    }
    assert_eq!(events, ["prefinish", "callback true", "Finish"]);
}

#[test]
fn a_buffered_batch_counts_refusals_and_units_as_its_writes_one_by_one_would() {
    // `write_buffered_batch` counts in bulk (in object mode without a pass over the units):
    // the same refusals, length, need_drain and counters as the same writes made one by one,
    // from below, at and above the highWaterMark, with highWaterMarks 0 and 1 and empty chunks.
    use wasm_writable::core::{Callback, WritableCore, WriteStatus};
    for object_mode in [false, true] {
        for hwm in [0u64, 1, 3, 5, 40] {
            for before in [0usize, 1, 4] {
                let lens = [2u64, 0, 3, 1, 7, 0, 1];
                let run = |batch: bool| {
                    let mut c = WritableCore::<(), ErrorCode>::new(Options {
                        high_water_mark: hwm,
                        has_writev: true,
                        ..Options::new(object_mode)
                    });
                    c.cork();
                    for _ in 0..before {
                        let _ = c.write((), 1, Callback::None);
                    }
                    let refused = if batch {
                        c.write_buffered_batch(lens.iter().map(|&len| ((), len)))
                    } else {
                        lens.iter()
                            .filter(|&&len| {
                                !matches!(
                                    c.write((), len, Callback::None),
                                    WriteStatus::Buffered(true)
                                )
                            })
                            .count() as u64
                    };
                    (
                        refused,
                        c.length(),
                        c.need_drain(),
                        c.buffered_count(),
                        c.pending_callbacks(),
                        c.stats().clone(),
                    )
                };
                assert_eq!(
                    run(true),
                    run(false),
                    "object_mode {object_mode}, hwm {hwm}, {before} writes before"
                );
            }
        }
    }
}

/// Every output the core has, and each tick it asks for (run at once), written down in order:
/// what the run tests compare after a closed-form report and after the same calls one by one.
#[cfg(test)]
fn poll_all(c: &mut wasm_writable::core::WritableCore<(), ErrorCode>, seen: &mut Vec<String>) {
    use wasm_writable::core::Output;
    for _ in 0..1000 {
        match c.poll() {
            Some(Output::ScheduleTick) => seen.push("tick".into()),
            Some(out) => seen.push(format!("{out:?}")),
            None if c.pending_ticks() > 0 => c.handle_tick(),
            None => return,
        }
    }
}

#[test]
fn a_drain_run_leaves_the_core_as_its_cycles_one_by_one_would() {
    // `drain_run` applies in one call what a driver's drain cycles did: the first write's
    // return, then per cycle the completion, its 'drain', the next write (and its return).
    // The core after it must be the core after the same calls one by one: the same state now,
    // and the same outputs for whatever comes next.
    use wasm_writable::core::{Callback, DrainRunEnd, Output, WritableCore, WriteStatus};
    type Core = WritableCore<(), ErrorCode>;
    // What the core shows, then what it does next: the rest of the listener's afterWrite, the
    // in-flight write's return and completion, end() and everything to the close.
    fn observe(mut c: Core, end: DrainRunEnd) -> Vec<String> {
        let mut seen = vec![format!(
            "length {} need_drain {} writing {} pending {} queued {} {:?}",
            c.length(),
            c.need_drain(),
            c.writing(),
            c.pending_callbacks(),
            c.queued(),
            c.stats()
        )];
        poll_all(&mut c, &mut seen);
        if end == DrainRunEnd::InCall {
            seen.push(format!("returned {}", c.write_returned()));
        }
        if c.writing() {
            c.handle_write_done(Ok(()));
            poll_all(&mut c, &mut seen);
        }
        c.end(true, false);
        poll_all(&mut c, &mut seen);
        seen.push(format!(
            "finished {} pending {}",
            c.finished(),
            c.pending_callbacks()
        ));
        seen
    }
    for object_mode in [false, true] {
        for hwm in [0u64, 1, 5] {
            let first = 7u64;
            for lens in [vec![], vec![5u64], vec![9, 6], vec![5, 12, 8]] {
                let lens: Vec<u64> = lens.into_iter().filter(|&l| l >= hwm.max(1)).collect();
                for end in [
                    DrainRunEnd::Idle,
                    DrainRunEnd::InCall,
                    DrainRunEnd::Returned,
                ] {
                    for tail in [false, true] {
                        let writes = lens.len() as u64;
                        if (end == DrainRunEnd::InCall && writes == 0)
                            || (tail && end != DrainRunEnd::Idle && writes == 0)
                            || (object_mode && hwm > 1)
                        {
                            continue;
                        }
                        let start = || {
                            let mut c = Core::new(Options {
                                high_water_mark: hwm,
                                ..Options::new(object_mode)
                            });
                            assert!(matches!(
                                c.write((), first, Callback::None),
                                WriteStatus::Dispatch(())
                            ));
                            assert!(c.drain_cycle());
                            c
                        };
                        let label = format!(
                            "object_mode {object_mode} hwm {hwm} lens {lens:?} {end:?} tail {tail}"
                        );
                        // One by one, as the driver's calls would have made them.
                        let mut one = start();
                        assert!(!one.write_returned(), "{label}");
                        let n = lens.len();
                        for (i, &len) in lens.iter().enumerate() {
                            one.handle_write_done(Ok(()));
                            assert_eq!(one.poll(), Some(Output::Event(Event::Drain)), "{label}");
                            // The last write of a run that ends with it and no tail came once
                            // the listeners had returned; the others from a 'drain' listener.
                            let last = i + 1 == n;
                            let in_listener = !(last && !tail && end != DrainRunEnd::Idle);
                            if !in_listener {
                                assert_eq!(one.poll(), None, "{label}");
                            }
                            assert!(matches!(
                                one.write((), len, Callback::None),
                                WriteStatus::Dispatch(())
                            ));
                            if last && end == DrainRunEnd::InCall {
                                break;
                            }
                            assert!(!one.write_returned(), "{label}");
                            if in_listener && !(last && tail && end == DrainRunEnd::Returned) {
                                assert_eq!(one.poll(), None, "{label}");
                            }
                        }
                        if end == DrainRunEnd::Idle {
                            one.handle_write_done(Ok(()));
                            assert_eq!(one.poll(), Some(Output::Event(Event::Drain)), "{label}");
                            if !tail {
                                assert_eq!(one.poll(), None, "{label}");
                            }
                        }
                        // The same in one report.
                        let mut run = start();
                        let total = lens.iter().sum();
                        let max = lens.iter().copied().max().unwrap_or(0);
                        let last = lens.last().copied().unwrap_or(0);
                        assert!(
                            run.drain_run(lens.len() as u64, total, max, last, end, tail),
                            "{label}"
                        );
                        assert_eq!(observe(run, end), observe(one, end), "{label}");
                    }
                }
            }
        }
    }
}

#[test]
fn a_drain_run_the_core_cannot_have_had_changes_nothing() {
    use wasm_writable::core::{Callback, DrainRunEnd, WritableCore};
    let mut c = WritableCore::<(), ErrorCode>::new(bytes(4));
    // Not started from a drain cycle: the first write is below the highWaterMark.
    let _ = c.write((), 2, Callback::None);
    assert!(!c.drain_cycle());
    assert!(!c.drain_run(1, 8, 8, 8, DrainRunEnd::Returned, false));
    assert_eq!((c.length(), c.stats().chunks_accepted), (2, 1));
    let mut c = WritableCore::<(), ErrorCode>::new(bytes(4));
    let _ = c.write((), 6, Callback::None);
    assert!(c.drain_cycle());
    // A write in its call with none made after the first, a tail with nothing completed, and a
    // write below the highWaterMark are not drain cycles.
    assert!(!c.drain_run(0, 0, 0, 0, DrainRunEnd::InCall, false));
    assert!(!c.drain_run(0, 0, 0, 0, DrainRunEnd::Returned, true));
    assert!(!c.drain_run(1, 3, 3, 3, DrainRunEnd::Returned, false));
    assert_eq!(
        (c.length(), c.stats().chunks_accepted, c.writing()),
        (6, 1, true)
    );
}

/// How a batch cycle's batch is made (see `batch_cycle`).
#[cfg(test)]
#[derive(Clone, Copy, Debug, PartialEq)]
enum Made {
    /// Between `cork()` this many times and as many `uncork()`s.
    Cork(u32),
    /// Behind a lead write of this many units, dispatched at once and completed after its call.
    Lead(u64),
}

/// One batch cycle for the batch-run tests, as a driver's calls one by one: the batch of
/// callback-less writes of `lens`, `made` in a cork or behind a lead write, handed to the sink
/// (by the last `uncork()`, or by the lead's completion), its sink calls (each completed
/// inside its call with `sync`, else after it), then everything up to the next `'drain'`, or,
/// for a cycle that stays below the highWaterMark, up to its last completion. With
/// `in_listener` the cycle starts in the previous `'drain'`'s listeners (the rest of its
/// afterWrite waits behind them, and runs once they return). Returns whether it drained.
#[cfg(test)]
fn batch_cycle(
    c: &mut wasm_writable::core::WritableCore<(), ErrorCode>,
    made: Made,
    lens: &[u64],
    sync: bool,
    in_listener: bool,
) -> bool {
    use wasm_writable::core::{Callback, Output, WriteStatus};
    let mut outer = usize::from(in_listener);
    if !in_listener {
        assert_eq!(c.poll(), None);
    }
    let (mut calls, mut in_flight, mut tick) = (0, false, false);
    let mut units = 0;
    let mut crossed = false;
    let depth = match made {
        Made::Cork(depth) => depth,
        Made::Lead(len) => {
            assert!(!sync, "a lead write completes after its call");
            assert_eq!(c.write((), len, Callback::None), WriteStatus::Dispatch(()));
            assert!(
                c.write_returned(),
                "a lead write is below the highWaterMark"
            );
            units = if c.options().object_mode { 1 } else { len };
            calls += 1;
            in_flight = true;
            0
        }
    };
    for _ in 0..depth {
        c.cork();
    }
    let hwm = c.options().high_water_mark;
    for &len in lens {
        units += if c.options().object_mode { 1 } else { len };
        let status = c.write((), len, Callback::None);
        assert_eq!(status, WriteStatus::Buffered(units < hwm));
        crossed |= units >= hwm;
    }
    for _ in 0..depth {
        c.uncork();
    }
    let writev = c.options().has_writev && lens.len() > 1;
    loop {
        let out = c.poll_ahead_of(outer);
        let sink_call = match &out {
            Some(Output::Write(())) => !writev,
            Some(Output::Writev(batch)) => writev && batch.len() == lens.len(),
            _ => false,
        };
        if sink_call {
            calls += 1;
            if sync {
                c.handle_write_done(Ok(()));
            } else {
                in_flight = true;
            }
            c.dispatch_returned();
            continue;
        }
        match out {
            Some(Output::ScheduleTick) if sync && !tick => tick = true,
            Some(Output::Event(Event::Drain)) if crossed && outer == 0 && !in_flight => break,
            None if outer > 0 => {
                // The listeners return: the rest of the previous 'drain''s afterWrite.
                outer = 0;
            }
            None if in_flight => {
                in_flight = false;
                c.handle_write_done(Ok(()));
            }
            None if tick => {
                tick = false;
                c.handle_tick();
            }
            None if !crossed => break,
            out => panic!("{out:?} after {calls} calls: {c:?}"),
        }
    }
    let lead_calls = usize::from(matches!(made, Made::Lead(_)));
    assert_eq!(calls, lead_calls + if writev { 1 } else { lens.len() });
    crossed
}

#[test]
fn a_batch_run_leaves_the_core_as_its_cycles_one_by_one_would() {
    // `batch_run` applies in one call what a driver's batch cycles did (see `batch_cycle`):
    // the core after it must be, field for field, the core after the same calls one by one,
    // and do the same next.
    use wasm_writable::core::{BatchRun, Callback, Output, WritableCore, WriteStatus};
    type Core = WritableCore<(), ErrorCode>;
    fn observe(mut c: Core) -> Vec<String> {
        let mut seen = vec![format!("{c:?}")];
        poll_all(&mut c, &mut seen);
        c.end(true, false);
        poll_all(&mut c, &mut seen);
        seen.push(format!("finished {} {:?}", c.finished(), c.stats()));
        seen
    }
    // How the stream came to be idle: a cork batch that drained, a write of its own that
    // drained, a cork batch below the highWaterMark completed inside its call, or a lead
    // cycle that drained.
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Start {
        Batch,
        Lone,
        Quiet,
        Lead,
    }
    let (mut runs, mut lead_runs) = (0, 0);
    for object_mode in [false, true] {
        for has_writev in [false, true] {
            for hwm in [2u64, 5] {
                let opts = Options {
                    high_water_mark: hwm,
                    has_writev,
                    ..Options::new(object_mode)
                };
                // Batches that reach the highWaterMark (at their last write or before), and
                // some that do not.
                let batches: Vec<Vec<u64>> = if object_mode {
                    vec![
                        vec![1; hwm as usize],
                        vec![1],
                        vec![1; hwm as usize + 1],
                        vec![1; 2],
                    ]
                } else if has_writev {
                    vec![
                        vec![9],
                        vec![1, 1, 1, 1, 1, 1],
                        vec![1],
                        vec![0, 3, 4, 0, 2],
                        vec![1, 0],
                        vec![7, 7],
                    ]
                } else {
                    vec![
                        vec![9],
                        vec![1],
                        vec![6],
                        vec![0],
                        vec![1, 1, 1, 3],
                        vec![2, 1],
                    ]
                };
                for count in 0..=batches.len() {
                    // Which cycles complete inside their calls, and which of the others are lead
                    // cycles.
                    for (sync_mask, lead_mask, start) in [
                        (0u32, 0u32, Start::Batch),
                        (0, 0b111111, Start::Batch),
                        (0b010101, 0, Start::Batch),
                        (0b010101, 0b101010, Start::Lead),
                        (0b111111, 0, Start::Batch),
                        (0b011010, 0, Start::Lone),
                        (0b011010, 0b100101, Start::Lone),
                        (0b101101, 0b010010, Start::Quiet),
                        (0, 0b011001, Start::Lead),
                    ] {
                        if object_mode && (start == Start::Lone || start == Start::Quiet) {
                            continue;
                        }
                        for tail in [false, true] {
                            let label = format!(
                                "object_mode {object_mode} writev {has_writev} hwm {hwm} \
                                 {count} batches tail {tail} sync {sync_mask:b} \
                                 lead {lead_mask:b} {start:?}"
                            );
                            let start_core = || {
                                let mut c = Core::new(opts.clone());
                                match start {
                                    Start::Lone => {
                                        // A write of its own, not a flush from uncork().
                                        let status = c.write((), hwm, Callback::None);
                                        assert_eq!(status, WriteStatus::Dispatch(()));
                                        assert!(!c.write_returned());
                                        c.handle_write_done(Ok(()));
                                        assert_eq!(c.poll(), Some(Output::Event(Event::Drain)));
                                    }
                                    Start::Batch => {
                                        let first = if object_mode {
                                            vec![1; hwm as usize]
                                        } else {
                                            vec![hwm + 1]
                                        };
                                        assert!(batch_cycle(
                                            &mut c,
                                            Made::Cork(1),
                                            &first,
                                            false,
                                            false
                                        ));
                                    }
                                    Start::Quiet => {
                                        assert!(!batch_cycle(
                                            &mut c,
                                            Made::Cork(1),
                                            &[1],
                                            true,
                                            false
                                        ));
                                    }
                                    Start::Lead => {
                                        let rest = if object_mode { hwm as usize - 1 } else { 1 };
                                        let lens =
                                            vec![if object_mode { 1 } else { hwm - 1 }; rest];
                                        assert!(batch_cycle(
                                            &mut c,
                                            Made::Lead(1),
                                            &lens,
                                            false,
                                            false
                                        ));
                                    }
                                }
                                assert!(c.batch_idle(), "{label}");
                                c
                            };
                            let mut one = start_core();
                            let mut listening = start != Start::Quiet;
                            let mut report = BatchRun::default();
                            for (i, lens) in batches.iter().take(count).enumerate() {
                                let sync = sync_mask & (1 << i) != 0;
                                let lead = lead_mask & (1 << i) != 0;
                                // A lead of 1 unit, or (in byte mode) of all but one below the
                                // highWaterMark, or empty.
                                let lead_len = match i % 4 {
                                    _ if object_mode => 1,
                                    2 => hwm - 1,
                                    3 => 0,
                                    _ => 1,
                                };
                                let lead_units = if lead { lead_len } else { 0 };
                                let units = lead_units
                                    + if object_mode {
                                        lens.len() as u64
                                    } else {
                                        lens.iter().sum()
                                    };
                                if units < hwm && sync && object_mode {
                                    // Takes an afterWrite tick without a 'drain': not a cycle.
                                    continue;
                                }
                                let made = if lead {
                                    Made::Lead(lead_len)
                                } else {
                                    Made::Cork(1 + (i as u32 % 2))
                                };
                                let in_listener = listening && i % 3 != 1;
                                let drained = batch_cycle(&mut one, made, lens, sync, in_listener);
                                assert_eq!(drained, units >= hwm, "{label}");
                                listening = drained;
                                let r = &mut report;
                                r.cycles += 1;
                                r.quiet += u64::from(!drained);
                                r.leads += u64::from(lead);
                                r.writes += lens.len() as u64 + u64::from(lead);
                                r.total +=
                                    lens.iter().sum::<u64>() + if lead { lead_len } else { 0 };
                                let mut sum = lead_units;
                                r.refused += lens
                                    .iter()
                                    .filter(|&&l| {
                                        sum += if object_mode { 1 } else { l };
                                        sum >= hwm
                                    })
                                    .count() as u64;
                                r.writevs += u64::from(has_writev && lens.len() > 1);
                                r.ticks += u64::from(sync && drained);
                                r.handed_on = lead || (!has_writev && lens.len() > 1 && !sync);
                                r.max = r.max.max(units);
                            }
                            if tail && !listening {
                                continue;
                            }
                            if !tail && listening {
                                assert_eq!(one.poll(), None, "{label}");
                            }
                            let mut run = start_core();
                            report.tail = tail;
                            assert!(run.batch_run(&report), "{label} {report:?}");
                            assert_eq!(observe(run), observe(one), "{label}");
                            runs += 1;
                            lead_runs += u64::from(report.leads > 0);
                        }
                    }
                }
            }
        }
    }
    assert!(
        runs > 400 && lead_runs > 200,
        "{runs} runs, {lead_runs} with lead cycles"
    );
}

#[test]
fn a_batch_run_the_core_cannot_have_had_changes_nothing() {
    use wasm_writable::core::{BatchRun, WritableCore};
    let opts = Options {
        high_water_mark: 4,
        has_writev: true,
        ..Options::new(false)
    };
    // cycles, quiet, leads, writes, total, refused, writevs, ticks, max
    let report =
        |[cycles, quiet, leads, writes, total, refused, writevs, ticks, max]: [u64; 9]| BatchRun {
            cycles,
            quiet,
            leads,
            writes,
            total,
            refused,
            writevs,
            ticks,
            max,
            ..BatchRun::default()
        };
    let mut c = WritableCore::<(), ErrorCode>::new(opts.clone());
    c.cork();
    // Corked: not idle.
    assert!(!c.batch_idle());
    assert!(!c.batch_run(&report([1, 0, 0, 2, 8, 1, 1, 0, 8])));
    c.uncork();
    assert!(batch_cycle(&mut c, Made::Cork(1), &[5], false, false));
    assert!(c.batch_idle());
    let before = format!("{c:?}");
    for numbers in [
        [0, 0, 0, 1, 0, 0, 0, 0, 0], // writes without a cycle
        [1, 0, 0, 1, 8, 1, 1, 0, 8], // a writev of one write
        [1, 0, 0, 3, 8, 0, 1, 0, 8], // a cycle that drains without a refusal
        [1, 0, 0, 2, 3, 1, 1, 0, 3], // a batch that drains below the highWaterMark
        [1, 0, 0, 2, 8, 3, 1, 0, 8], // more refusals than writes
        [2, 0, 0, 3, 9, 2, 1, 3, 5], // more ticks than cycles
        [1, 1, 0, 2, 8, 1, 1, 1, 8], // a tick without a 'drain'
        [1, 2, 0, 2, 8, 1, 1, 0, 8], // more quiet cycles than cycles
        [1, 0, 2, 3, 8, 1, 1, 0, 8], // more lead cycles than cycles
        [1, 0, 1, 1, 8, 1, 0, 0, 8], // a lead cycle without its lead write
        [1, 0, 1, 2, 8, 1, 1, 0, 8], // a lead cycle's writev of one write
        [1, 0, 1, 3, 8, 1, 1, 1, 8], // a lead cycle completed inside its call
    ] {
        assert!(!c.batch_run(&report(numbers)), "{numbers:?}");
        assert_eq!(format!("{c:?}"), before);
    }
    // A lead cycle's batch is handed out by a completion after its call; a cork cycle's
    // writev is handed out by uncork().
    let handed_on = |numbers| BatchRun {
        handed_on: true,
        ..report(numbers)
    };
    assert!(!c.batch_run(&handed_on([1, 0, 0, 3, 8, 1, 1, 0, 8])));
    assert!(c.batch_run(&handed_on([1, 0, 1, 3, 8, 1, 1, 0, 8])));
    // Without a writev sink, no writev batches.
    let mut c = WritableCore::<(), ErrorCode>::new(Options {
        has_writev: false,
        ..opts.clone()
    });
    assert!(batch_cycle(&mut c, Made::Cork(1), &[5], false, false));
    assert!(!c.batch_run(&report([1, 0, 0, 2, 8, 1, 1, 0, 8])));
    assert!(c.batch_run(&report([1, 0, 0, 1, 8, 1, 0, 0, 8])));
    // No 'drain' listeners to be in after quiet cycles from a stream idle without one.
    let mut c = WritableCore::<(), ErrorCode>::new(opts);
    assert!(!batch_cycle(&mut c, Made::Cork(1), &[1], true, false));
    assert!(c.batch_idle());
    let quiet = report([1, 1, 0, 1, 1, 0, 0, 0, 1]);
    assert!(!c.batch_run(&BatchRun {
        tail: true,
        ..quiet
    }));
    assert!(c.batch_run(&quiet));
}

#[test]
fn writes_buffered_on_a_budget_during_a_one_by_one_flush_go_out_one_at_a_time() {
    // Node's clearBuffer starts one at a time with a single write buffered, and its loop takes
    // the writes buffered since, one by one, while each completes inside its call: with a
    // writev sink too. A batch buffered then must keep a record per write (the face once got
    // them merged into one, and all but the first were lost).
    use wasm_writable::core::{Callback, Output, WritableCore, WriteStatus};
    let mut c = WritableCore::<(), ErrorCode>::new(Options {
        high_water_mark: 16,
        has_writev: true,
        ..Options::new(false)
    });
    assert_eq!(c.write((), 0, Callback::None), WriteStatus::Dispatch(()));
    assert!(c.write_returned());
    assert_eq!(c.write((), 8, Callback::None), WriteStatus::Buffered(true));
    // The first completes after its call: the one buffered write goes out alone.
    c.handle_write_done(Ok(()));
    assert_eq!(c.poll(), Some(Output::Write(())));
    // Inside its call: a cork batch of four, then a completion inside the call.
    c.cork();
    assert_eq!(
        c.write_buffered_batch([((), 0), ((), 1), ((), 1), ((), 0)]),
        0
    );
    c.uncork();
    c.handle_write_done(Ok(()));
    c.dispatch_returned();
    // The loop goes on one write at a time: the first completes inside its call...
    assert_eq!(c.poll(), Some(Output::Write(())));
    c.handle_write_done(Ok(()));
    c.dispatch_returned();
    // ...the second after it, which ends the loop.
    assert_eq!(c.poll(), Some(Output::Write(())));
    c.dispatch_returned();
    assert_eq!(c.poll(), None);
    assert_eq!(c.buffered_count(), 2);
    // Its completion hands the last two to writev together.
    c.handle_write_done(Ok(()));
    assert!(matches!(c.poll(), Some(Output::Writev(batch)) if batch.len() == 2));
    assert_eq!(c.length(), 1);
}
