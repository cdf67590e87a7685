//! The command language, a reference model and the invariants shared by the property test
//! (`tests/core_props.rs`) and the fuzz target (`fuzz/fuzz_targets/core_commands.rs`, which
//! includes this file by path).
//!
//! [`Checker`] drives a [`Sim`] one [`Cmd`] at a time. Before each command it predicts what must
//! happen from its own bookkeeping (which writes are queued, which are at the sink, their sizes,
//! whether `write()` must be refused and what it must return), then reads the new entries of the
//! simulation's log in order and checks each one. Every violation is returned as an `Err` with
//! the whole history, so proptest can shrink to the smallest failing sequence. Checked:
//!
//! * accounting: `length` equals the model's sum of accepted writes neither completed nor
//!   discarded (so never negative or overflowing); buffered count, `writing`, `corked` agree;
//! * `write()`: refused exactly after `end()` or `destroy()` (callback gets
//!   `ERR_STREAM_WRITE_AFTER_END` / `ERR_STREAM_DESTROYED`), returns `length < hwm || length == 0`
//!   computed after a synchronous sink ran, and false once destroyed or errored; `needDrain`
//!   follows;
//! * the sink: writes arrive in acceptance order, each exactly once (writev batches flattened),
//!   one at a time, never after `destroy()`, never before construct completed, writev only with
//!   `has_writev` and two or more chunks; buffered writes leave only to the sink or through an
//!   announced discard on a destroyed or errored stream; `final` once, after `end()`, with nothing
//!   outstanding; the sink's destroy once;
//! * callbacks: a write callback only once its write was refused, completed (with the sink's
//!   result) or discarded (with `errored` or `ERR_STREAM_DESTROYED`), never twice; an `end()`
//!   callback succeeds only together with `'finish'`;
//! * events: `'drain'` only after a write returned false, with `length` 0, not after `end()` or
//!   `destroy()`; `'prefinish'` once, after `end()` and a successful final; `'finish'` once,
//!   after `'prefinish'`, not after `'error'` (except where Node still emits it, see below);
//!   `'error'` once; `'close'` once, only with `emitClose`, only when destroyed, and last;
//!   `errored` never changes once set;
//! * after settling (every tick run, every sink operation completed): nothing pending; a
//!   destroyed stream has closed; `end()` without errors or `destroy()` has emitted `'prefinish'`
//!   → (final) → `'finish'` (→ `'close'` with autoDestroy); a live stream owes no `'drain'` and
//!   buffers nothing unless corked;
//! * at the end (destroy if still alive, settle): every write and `end()` callback was called
//!   exactly once (except an `end()` on an already destroyed, unerrored stream, which Node never
//!   calls back), nothing is buffered, the driver holds no callback.
//!
//! Where Node 20 allows what a naive rule would forbid, the checks follow Node: after `'close'`
//! callbacks still arrive for calls made on a destroyed stream (Node reports them on a later
//! tick) and for the write that was at the sink when the stream closed; `'finish'` follows
//! `'error'` when a successful `final` had already emitted `'prefinish'` (Node queues `finish`
//! without checking again); a write's callback shared with other writes (`same`) may stand for
//! any of them (Node calls the function; which write it is for is not observable).

// Not every helper is used by every includer.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::fmt::Write as _;

use wasm_writable::core::sim::{Log, Pending, Sim, SimError, SinkMode};
use wasm_writable::core::{ErrorCode, Event, Options};

/// Stream options and sink behaviour for one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setup {
    pub hwm: u64,
    pub object_mode: bool,
    pub has_writev: bool,
    pub has_final: bool,
    pub has_construct: bool,
    pub emit_close: bool,
    pub auto_destroy: bool,
    pub sync: bool,
}

impl Setup {
    pub fn options(&self) -> Options {
        Options {
            high_water_mark: self.hwm,
            object_mode: self.object_mode,
            emit_close: self.emit_close,
            auto_destroy: self.auto_destroy,
            has_writev: self.has_writev,
            has_final: self.has_final,
            has_construct: self.has_construct,
        }
    }

    pub fn mode(&self) -> SinkMode {
        if self.sync {
            SinkMode::Sync
        } else {
            SinkMode::Async
        }
    }
}

/// One step of a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cmd {
    /// `write(chunk of len, cb?)`; `same` reuses the previous write's callback function.
    Write {
        len: u8,
        cb: bool,
        same: bool,
    },
    Cork,
    Uncork,
    /// `end(cb)` or `end(chunk, cb)`.
    End {
        chunk: Option<u8>,
    },
    /// `destroy()` or `destroy(err)`.
    Destroy {
        err: bool,
    },
    /// Complete the oldest pending sink operation successfully.
    Complete,
    /// Fail the oldest pending sink operation.
    Fail,
    /// Make the next sink write/writev fail inside the call.
    FailNextSync,
    /// Call the sink's write callback although no write is in flight (a callback called twice).
    Spurious,
    /// Run one requested tick.
    Tick,
    /// Run every requested tick.
    RunTicks,
}

/// Decode fuzzer bytes into a setup and commands (total: every input means something).
pub fn decode(data: &[u8]) -> (Setup, Vec<Cmd>) {
    let mut it = data.iter().copied();
    let b0 = it.next().unwrap_or(0);
    let b1 = it.next().unwrap_or(16);
    let setup = Setup {
        object_mode: b0 & 1 != 0,
        has_writev: b0 & 2 != 0,
        has_final: b0 & 4 != 0,
        has_construct: b0 & 8 != 0,
        emit_close: b0 & 16 == 0,
        auto_destroy: b0 & 32 == 0,
        sync: b0 & 64 != 0,
        hwm: u64::from(b1 % 65),
    };
    let mut cmds = Vec::new();
    while let Some(b) = it.next() {
        let cmd = match b & 0x0f {
            0..=4 => Cmd::Write {
                len: it.next().unwrap_or(1) % 100,
                cb: b & 0x10 == 0,
                same: b & 0x20 != 0,
            },
            5 => Cmd::Cork,
            6 => Cmd::Uncork,
            7 => Cmd::End {
                chunk: if b & 0x10 != 0 {
                    Some(it.next().unwrap_or(1) % 100)
                } else {
                    None
                },
            },
            8 => Cmd::Destroy { err: b & 0x10 != 0 },
            9 | 10 => Cmd::Complete,
            11 => Cmd::Fail,
            12 => Cmd::Tick,
            13 => Cmd::RunTicks,
            14 => Cmd::FailNextSync,
            _ => Cmd::Spurious,
        };
        cmds.push(cmd);
    }
    (setup, cmds)
}

/// Encode a setup and commands as fuzzer bytes (inverse of [`decode`]), for seed corpora.
pub fn encode(setup: &Setup, cmds: &[Cmd]) -> Vec<u8> {
    let mut b0 = 0u8;
    for (bit, on) in [
        (1, setup.object_mode),
        (2, setup.has_writev),
        (4, setup.has_final),
        (8, setup.has_construct),
        (16, !setup.emit_close),
        (32, !setup.auto_destroy),
        (64, setup.sync),
    ] {
        if on {
            b0 |= bit;
        }
    }
    let mut out = vec![b0, (setup.hwm % 65) as u8];
    for cmd in cmds {
        match *cmd {
            Cmd::Write { len, cb, same } => {
                out.push(if cb { 0 } else { 0x10 } | if same { 0x20 } else { 0 });
                out.push(len % 100);
            }
            Cmd::Cork => out.push(5),
            Cmd::Uncork => out.push(6),
            Cmd::End { chunk: None } => out.push(7),
            Cmd::End { chunk: Some(len) } => {
                out.push(0x17);
                out.push(len % 100);
            }
            Cmd::Destroy { err } => out.push(if err { 0x18 } else { 8 }),
            Cmd::Complete => out.push(9),
            Cmd::Fail => out.push(11),
            Cmd::Tick => out.push(12),
            Cmd::RunTicks => out.push(13),
            Cmd::FailNextSync => out.push(14),
            Cmd::Spurious => out.push(15),
        }
    }
    out
}

/// Where the model says a write is.
#[derive(Clone, Debug, PartialEq, Eq)]
enum WState {
    /// Refused by `write()` with this error.
    Rejected(ErrorCode),
    /// Accepted, waiting in the buffer.
    Queued,
    /// Handed to the sink, not completed.
    InFlight,
    /// Completed by the sink.
    Done(Result<(), SimError>),
    /// Removed from the buffer without reaching the sink (destroy / error).
    Discarded,
}

#[derive(Clone, Debug)]
struct WriteRec {
    units: u64,
    cb: bool,
    state: WState,
    cb_calls: u32,
    /// Writes given the same callback function (Sim's `same`) share a group: a call of that
    /// function cannot tell which of them it is for, so a call logged for one may stand for
    /// any uncalled member whose state fits (Node calls the function; which write is moot).
    group: u32,
}

#[derive(Clone, Debug)]
struct EndRec {
    calls: u32,
    /// Issued as the first `end()` on a destroyed, unerrored stream: Node keeps its callback
    /// until a finish that can no longer come, so it may never be called.
    may_hang: bool,
    /// Issued on a stream that was destroyed by the time the call returned: its callback may
    /// arrive after `'close'`.
    late: bool,
}

/// The reference model plus the simulation it checks.
pub struct Checker {
    pub sim: Sim,
    setup: Setup,
    seen: usize,
    writes: Vec<WriteRec>,
    ends: Vec<EndRec>,
    /// Accepted writes not yet at the sink nor discarded, oldest first.
    queue: VecDeque<u32>,
    /// The write or batch at the sink.
    inflight: Option<Vec<u32>>,
    /// Writes at the sink when `'close'` was emitted.
    inflight_at_close: Vec<u32>,
    armed: Option<SimError>,
    last_group: Option<u32>,
    next_err: u32,
    corked: u32,
    need_drain: bool,
    // Observed lifecycle.
    prefinish: u32,
    finish: u32,
    /// 'prefinish' after a successful `final` came before 'error': Node still emits 'finish'.
    finish_committed: bool,
    error: u32,
    close: u32,
    drains: u32,
    final_calls: u32,
    final_ok: bool,
    construct_calls: u32,
    construct_done: bool,
    destroy_calls: u32,
    end_called: bool,
    destroy_cmd: bool,
    spurious: bool,
    errored_seen: Option<SimError>,
    history: Vec<Cmd>,
}

/// A violated invariant, with the history that led to it.
pub type Check = Result<(), String>;

macro_rules! ensure {
    ($self:ident, $cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err($self.fail_msg(format!($($fmt)+)));
        }
    };
}

impl Checker {
    pub fn new(setup: Setup) -> Self {
        let sim = Sim::new_folding(setup.options(), setup.mode());
        let mut c = Checker {
            sim,
            setup,
            seen: 0,
            writes: Vec::new(),
            ends: Vec::new(),
            queue: VecDeque::new(),
            inflight: None,
            inflight_at_close: Vec::new(),
            armed: None,
            last_group: None,
            next_err: 100,
            corked: 0,
            need_drain: false,
            prefinish: 0,
            finish: 0,
            finish_committed: false,
            error: 0,
            close: 0,
            drains: 0,
            final_calls: 0,
            final_ok: false,
            construct_calls: 0,
            construct_done: false,
            destroy_calls: 0,
            end_called: false,
            destroy_cmd: false,
            spurious: false,
            errored_seen: None,
            history: Vec::new(),
        };
        // Nothing happens before the first command (construct waits for a tick).
        debug_assert!(c.sim.log.is_empty());
        c.seen = c.sim.log.len();
        c
    }

    /// Switch the sink between synchronous and asynchronous completion mid-run (a sink that
    /// completes some writes inside the call and others later).
    pub fn set_sync(&mut self, sync: bool) {
        self.setup.sync = sync;
        self.sim.mode = self.setup.mode();
    }

    fn fail_msg(&self, what: String) -> String {
        let mut s = format!(
            "invariant violated: {what}\nsetup: {:?}\ncommands: {:?}\nlog:\n",
            self.setup, self.history
        );
        for (i, l) in self.sim.log.iter().enumerate() {
            let _ = writeln!(s, "  {i:3} {l:?}");
        }
        s
    }

    fn err(&mut self) -> SimError {
        self.next_err += 1;
        SimError::Sink(self.next_err)
    }

    fn units(&self, len: u8) -> u64 {
        if self.setup.object_mode {
            1
        } else {
            u64::from(len)
        }
    }

    /// `length` as the model computes it.
    fn model_length(&self) -> u64 {
        let q: u64 = self.queue.iter().map(|&i| self.units_of(i)).sum();
        let f: u64 = self
            .inflight
            .iter()
            .flatten()
            .map(|&i| self.units_of(i))
            .sum();
        q + f
    }

    fn units_of(&self, id: u32) -> u64 {
        self.writes.get(id as usize).map_or(0, |w| w.units)
    }

    fn set_state(&mut self, id: u32, st: WState) {
        if let Some(w) = self.writes.get_mut(id as usize) {
            w.state = st;
        }
    }

    /// Record a write about to be issued; returns whether the model expects it refused.
    fn add_write(&mut self, len: u8, cb: bool, same: bool) -> (u32, bool) {
        let id = self.writes.len() as u32;
        // Sim's rule: `same` shares the function of the previous write that had a callback.
        let group = match (cb, same, self.last_group) {
            (true, true, Some(g)) => g,
            _ => id,
        };
        if cb {
            self.last_group = Some(group);
        }
        let core = self.sim.state();
        let rejected = if core.ended() {
            Some(ErrorCode::WriteAfterEnd)
        } else if core.destroyed() {
            Some(ErrorCode::Destroyed("write"))
        } else {
            None
        };
        let state = match rejected {
            Some(code) => WState::Rejected(code),
            None => WState::Queued,
        };
        let accepted = rejected.is_none();
        self.writes.push(WriteRec {
            units: self.units(len),
            cb,
            state,
            cb_calls: 0,
            group,
        });
        if accepted {
            self.queue.push_back(id);
        }
        (id, !accepted)
    }

    /// Run one command and check everything it produced.
    pub fn step(&mut self, cmd: Cmd) -> Check {
        self.history.push(cmd);
        let destroyed_before = self.sim.state().destroyed();
        let ended_before = self.sim.state().ended();
        let accepted_before = self.sim.state().stats().chunks_accepted;
        match cmd {
            Cmd::Write { len, cb, same } => {
                let (id, rejected) = self.add_write(len, cb, same);
                let (sim_id, ret) = self.sim.write_with(u64::from(len), cb, same);
                ensure!(self, sim_id == id, "write id {sim_id} != model id {id}");
                let accepted = self.sim.state().stats().chunks_accepted - accepted_before;
                ensure!(
                    self,
                    accepted == u64::from(!rejected),
                    "write {id}: refused={rejected} expected, core accepted {accepted}"
                );
                self.process_log(destroyed_before, ended_before)?;
                if rejected {
                    ensure!(self, !ret, "refused write {id} returned true");
                } else {
                    self.check_return(id, ret)?;
                }
            }
            Cmd::End { chunk } => {
                let length_before = self.model_length();
                let chunk_rejected = match chunk {
                    Some(len) => self.add_write(len, false, false).1,
                    None => false,
                };
                let core = self.sim.state();
                let may_hang = core.destroyed()
                    && core.errored().is_none()
                    && !core.ended()
                    && !chunk_rejected;
                let late = core.destroyed();
                self.ends.push(EndRec {
                    calls: 0,
                    may_hang,
                    late,
                });
                let chunk_id = self.writes.len().saturating_sub(1) as u32;
                let corked_before = self.corked;
                let completes_inline = self.armed.is_some() || self.setup.sync;
                let first = self.sim.log.len();
                self.sim.end(chunk.map(u64::from));
                if self.sim.state().destroyed() {
                    // Destroyed before or by this call (a refused chunk destroys): Node reports to
                    // its callback on a tick queued after the one that will emit 'close'.
                    if let Some(e) = self.ends.last_mut() {
                        e.late = true;
                    }
                }
                self.end_called = true;
                self.corked = 0;
                if let (Some(len), false) = (chunk, chunk_rejected) {
                    // end(chunk) goes through write(): the same backpressure bookkeeping, with
                    // the length as it was when that write returned (before end() uncorked).
                    let units = self.units(len);
                    let direct = corked_before == 0
                        && self.sim.log.get(first) == Some(&Log::SinkWrite(chunk_id));
                    let l =
                        length_before + units - if direct && completes_inline { units } else { 0 };
                    if !(l < self.setup.hwm || l == 0) {
                        self.need_drain = true;
                    }
                }
                self.process_log(destroyed_before, ended_before)?;
                if !chunk_rejected && self.sim.state().errored().is_none() {
                    ensure!(
                        self,
                        self.sim.state().ended(),
                        "end() on an unerrored stream did not set ended"
                    );
                }
            }
            Cmd::Cork => {
                self.corked = self.corked.saturating_add(1);
                self.sim.cork();
                self.process_log(destroyed_before, ended_before)?;
            }
            Cmd::Uncork => {
                self.corked = self.corked.saturating_sub(1);
                self.sim.uncork();
                self.process_log(destroyed_before, ended_before)?;
            }
            Cmd::Destroy { err } => {
                let e = if err { Some(self.err()) } else { None };
                self.destroy_cmd = true;
                self.sim.destroy(e);
                self.process_log(destroyed_before, ended_before)?;
            }
            Cmd::Complete | Cmd::Fail => {
                let e = if cmd == Cmd::Fail {
                    Some(self.err())
                } else {
                    None
                };
                let pending = self.sim.pending();
                match pending {
                    Pending::Write => {
                        let result = match &e {
                            Some(e) => Err(e.clone()),
                            None => Ok(()),
                        };
                        for id in self.inflight.take().unwrap_or_default() {
                            self.set_state(id, WState::Done(result.clone()));
                        }
                    }
                    Pending::Final => self.final_ok = e.is_none(),
                    Pending::Construct => self.construct_done = true,
                    Pending::Destroy | Pending::Idle => {}
                }
                match e {
                    Some(e) => self.sim.fail(e),
                    None => self.sim.complete(),
                };
                self.process_log(destroyed_before, ended_before)?;
            }
            Cmd::FailNextSync => {
                let e = self.err();
                self.armed = Some(e.clone());
                self.sim.fail_next_write_sync(e);
            }
            Cmd::Spurious => {
                // Only a genuine second call: with a write at the sink it would be its completion.
                if !self.sim.state().writing() && self.sim.pending() != Pending::Write {
                    self.spurious = true;
                    self.sim.spurious_write_done();
                    self.process_log(destroyed_before, ended_before)?;
                }
            }
            Cmd::Tick => {
                self.sim.tick();
                self.process_log(destroyed_before, ended_before)?;
            }
            Cmd::RunTicks => {
                self.sim.run_ticks();
                self.process_log(destroyed_before, ended_before)?;
            }
        }
        self.check_state()
    }

    fn check_return(&mut self, id: u32, ret: bool) -> Check {
        let l = self.model_length();
        let below = l < self.setup.hwm || l == 0;
        if !below {
            self.need_drain = true;
        }
        let core = self.sim.state();
        let expected = below && !core.destroyed() && core.errored().is_none();
        ensure!(
            self,
            ret == expected,
            "write {id} returned {ret}, model expects {expected} (length {l}, hwm {})",
            self.setup.hwm
        );
        Ok(())
    }

    /// Check the log entries the last command produced, in order.
    fn process_log(&mut self, destroyed_before: bool, ended_before: bool) -> Check {
        let mut end_ok_pending = false;
        while self.seen < self.sim.log.len() {
            let entry = self.sim.log[self.seen].clone();
            self.seen += 1;
            if self.close > 0 {
                let allowed = match &entry {
                    Log::WriteCb(id, _) => {
                        matches!(
                            self.writes.get(*id as usize).map(|w| &w.state),
                            Some(WState::Rejected(_))
                        ) || self.inflight_at_close.contains(id)
                    }
                    Log::EndCb(id, _) => self.ends.get(*id as usize).is_some_and(|e| e.late),
                    _ => false,
                };
                ensure!(self, allowed, "{entry:?} after 'close'");
            }
            match entry {
                Log::SinkWrite(id) => self.on_sink_write(vec![id], false, destroyed_before)?,
                Log::SinkWritev(ids) => self.on_sink_write(ids, true, destroyed_before)?,
                Log::Discard(count) => {
                    let core = self.sim.state();
                    ensure!(
                        self,
                        core.destroyed() || core.errored().is_some(),
                        "discard of {count} on a live stream"
                    );
                    ensure!(
                        self,
                        count as usize <= self.queue.len(),
                        "discard of {count}, model buffers {}",
                        self.queue.len()
                    );
                    for _ in 0..count {
                        if let Some(id) = self.queue.pop_front() {
                            self.set_state(id, WState::Discarded);
                        }
                    }
                }
                Log::SinkFinal => {
                    ensure!(self, self.setup.has_final, "final called without one");
                    ensure!(self, self.final_calls == 0, "final called twice");
                    ensure!(self, self.sim.state().ended(), "final before end()");
                    ensure!(
                        self,
                        self.queue.is_empty() && self.inflight.is_none(),
                        "final with writes outstanding"
                    );
                    ensure!(self, !destroyed_before, "final after destroy");
                    ensure!(
                        self,
                        !self.setup.has_construct || self.construct_done,
                        "final before construct completed"
                    );
                    self.final_calls += 1;
                    if self.setup.sync {
                        self.final_ok = true;
                    }
                }
                Log::SinkConstruct => {
                    ensure!(
                        self,
                        self.setup.has_construct && self.construct_calls == 0,
                        "unexpected construct"
                    );
                    self.construct_calls += 1;
                    if self.setup.sync {
                        self.construct_done = true;
                    }
                }
                Log::SinkDestroy(_) => {
                    ensure!(self, self.destroy_calls == 0, "sink destroy called twice");
                    ensure!(
                        self,
                        self.sim.state().destroyed(),
                        "sink destroy before destroyed"
                    );
                    ensure!(
                        self,
                        !self.setup.has_construct || self.construct_done,
                        "sink destroy before construct completed"
                    );
                    self.destroy_calls += 1;
                }
                Log::WriteCb(id, r) => {
                    let Some(w) = self.writes.get(id as usize).cloned() else {
                        return Err(self.fail_msg(format!("callback of unknown write {id}")));
                    };
                    ensure!(self, w.cb, "callback of write {id}, which had none");
                    let errored = self.sim.state().errored().cloned();
                    let fits = |st: &WState| match (st, &r) {
                        (WState::Rejected(code), Err(SimError::Code(c))) => c == code,
                        (WState::Done(expected), r) => expected == r,
                        (WState::Discarded, Err(e)) => {
                            *e == SimError::Code(ErrorCode::Destroyed("write"))
                                || Some(e) == errored.as_ref()
                        }
                        _ => false,
                    };
                    // This write if it fits, else the oldest uncalled one sharing its function.
                    let chosen = if w.cb_calls == 0 && fits(&w.state) {
                        Some(id as usize)
                    } else {
                        self.writes.iter().position(|o| {
                            o.cb && o.group == w.group && o.cb_calls == 0 && fits(&o.state)
                        })
                    };
                    let Some(chosen) = chosen else {
                        return Err(self.fail_msg(format!(
                            "callback of write {id} (called {} times before) got {r:?} while the model has it {:?}, and no write sharing its callback fits",
                            w.cb_calls, w.state
                        )));
                    };
                    if let Some(rec) = self.writes.get_mut(chosen) {
                        rec.cb_calls += 1;
                    }
                }
                Log::EndCb(id, r) => {
                    let Some(e) = self.ends.get_mut(id as usize) else {
                        return Err(self.fail_msg(format!("callback of unknown end {id}")));
                    };
                    e.calls += 1;
                    let calls = e.calls;
                    ensure!(self, calls == 1, "callback of end {id} called twice");
                    if r.is_ok() {
                        end_ok_pending = true;
                    }
                }
                Log::Event(ev) => {
                    ensure!(self, self.close == 0, "{ev:?} after 'close'");
                    match ev {
                        Event::Drain => {
                            ensure!(
                                self,
                                self.need_drain,
                                "'drain' without a write that returned false"
                            );
                            ensure!(
                                self,
                                self.model_length() == 0,
                                "'drain' with length {}",
                                self.model_length()
                            );
                            ensure!(self, !ended_before, "'drain' after end()");
                            ensure!(self, !destroyed_before, "'drain' after destroy()");
                            self.need_drain = false;
                            self.drains += 1;
                        }
                        Event::Prefinish => {
                            ensure!(self, self.prefinish == 0, "'prefinish' twice");
                            ensure!(self, self.sim.state().ended(), "'prefinish' before end()");
                            ensure!(
                                self,
                                !self.setup.has_final || self.final_ok,
                                "'prefinish' before final succeeded"
                            );
                            ensure!(self, self.error == 0, "'prefinish' after 'error'");
                            ensure!(
                                self,
                                self.queue.is_empty() && self.inflight.is_none(),
                                "'prefinish' with writes outstanding"
                            );
                            self.prefinish += 1;
                        }
                        Event::Finish => {
                            ensure!(self, self.finish == 0, "'finish' twice");
                            ensure!(self, self.prefinish == 1, "'finish' without 'prefinish'");
                            // Node: once a successful `final` has emitted 'prefinish', 'finish' is
                            // already queued (`process.nextTick(finish)`, no re-check), so an error in
                            // between (a callback called twice, a write after end without
                            // autoDestroy) is followed by 'finish'. Otherwise never after 'error'.
                            ensure!(
                                self,
                                self.error == 0 || self.finish_committed,
                                "'finish' after 'error'"
                            );
                            self.finish += 1;
                            end_ok_pending = false;
                        }
                        Event::Error(_) => {
                            ensure!(self, self.error == 0, "'error' twice");
                            self.finish_committed = self.setup.has_final && self.prefinish == 1;
                            self.error += 1;
                        }
                        Event::Close => {
                            ensure!(self, self.setup.emit_close, "'close' with emitClose false");
                            ensure!(self, self.sim.state().destroyed(), "'close' before destroy");
                            self.close += 1;
                            self.inflight_at_close = self.inflight.clone().unwrap_or_default();
                        }
                    }
                }
            }
        }
        ensure!(
            self,
            !end_ok_pending,
            "end callback got success without 'finish'"
        );
        Ok(())
    }

    fn on_sink_write(&mut self, ids: Vec<u32>, writev: bool, destroyed_before: bool) -> Check {
        ensure!(self, !ids.is_empty(), "empty sink write");
        ensure!(
            self,
            !writev || (self.setup.has_writev && ids.len() >= 2),
            "writev of {} chunks (has_writev {})",
            ids.len(),
            self.setup.has_writev
        );
        ensure!(
            self,
            self.inflight.is_none(),
            "sink write {ids:?} while {:?} is in flight",
            self.inflight
        );
        ensure!(
            self,
            !destroyed_before,
            "sink write {ids:?} after destroy()"
        );
        ensure!(
            self,
            !self.setup.has_construct || self.construct_done,
            "sink write before construct completed"
        );
        let front: Vec<u32> = self.queue.iter().take(ids.len()).copied().collect();
        ensure!(
            self,
            front == ids,
            "sink got {ids:?}, model's queue front is {front:?} (order or duplicate)"
        );
        for _ in 0..ids.len() {
            self.queue.pop_front();
        }
        if let Some(e) = self.armed.take() {
            for &id in &ids {
                self.set_state(id, WState::Done(Err(e.clone())));
            }
        } else if self.setup.sync {
            for &id in &ids {
                self.set_state(id, WState::Done(Ok(())));
            }
        } else {
            for &id in &ids {
                self.set_state(id, WState::InFlight);
            }
            self.inflight = Some(ids);
        }
        Ok(())
    }

    /// Invariants of the state after a command.
    fn check_state(&mut self) -> Check {
        // Writes leave the buffer only to the sink or through an announced discard.
        let core = self.sim.state();
        ensure!(
            self,
            core.buffered_count() == self.queue.len(),
            "core buffers {} writes, model {}",
            core.buffered_count(),
            self.queue.len()
        );
        let l = self.model_length();
        ensure!(
            self,
            core.length() == l,
            "length {} != model {l}",
            core.length()
        );
        ensure!(self, core.length() < u64::MAX / 2, "length overflow");
        ensure!(
            self,
            core.writing() == self.inflight.is_some(),
            "writing={} but model in flight {:?}",
            core.writing(),
            self.inflight
        );
        ensure!(
            self,
            core.corked() == self.corked,
            "corked {} != model {}",
            core.corked(),
            self.corked
        );
        let nd = self.need_drain && !core.ended() && !core.destroyed();
        ensure!(
            self,
            core.need_drain() == nd,
            "needDrain {} != model {nd}",
            core.need_drain()
        );
        ensure!(
            self,
            core.finished() == (self.finish == 1),
            "finished flag {} vs {} 'finish'",
            core.finished(),
            self.finish
        );
        let alive = !(core.ended() || core.destroyed() || core.errored().is_some());
        ensure!(self, core.writable() == alive, "writable flag");
        ensure!(
            self,
            !core.ended() || self.end_called,
            "ended without end()"
        );
        if self.setup.emit_close {
            ensure!(
                self,
                core.close_emitted() == (self.close == 1),
                "closeEmitted {} vs {} 'close'",
                core.close_emitted(),
                self.close
            );
        }
        match (&self.errored_seen, core.errored()) {
            (Some(a), Some(b)) => ensure!(self, a == b, "errored changed from {a:?} to {b:?}"),
            (Some(a), None) => return Err(self.fail_msg(format!("errored {a:?} was cleared"))),
            (None, b) => self.errored_seen = b.cloned(),
        }
        Ok(())
    }

    /// Complete every pending sink operation and run every tick (what `Sim::settle` does), one
    /// checked step at a time.
    fn settle_steps(&mut self) -> Check {
        for _ in 0..100_000 {
            if self.sim.pending_ticks() > 0 {
                self.step(Cmd::Tick)?;
            } else if self.sim.pending() != Pending::Idle {
                self.step(Cmd::Complete)?;
            } else {
                return Ok(());
            }
        }
        Err(self.fail_msg("settle did not converge".into()))
    }

    /// Complete everything, then check what must have happened by now.
    pub fn settle_and_check(&mut self) -> Check {
        self.settle_steps()?;
        let core = self.sim.state();
        ensure!(
            self,
            core.pending_ticks() == 0,
            "core holds ticks the driver was never asked for"
        );
        ensure!(self, !core.has_output(), "outputs pending after settle");
        if core.destroyed() {
            ensure!(self, core.close_emitted(), "destroyed stream did not close");
            if self.setup.emit_close {
                ensure!(
                    self,
                    self.sim.events().last() == Some(&Event::Close),
                    "'close' is not the last event"
                );
            }
        }
        let clean =
            !self.destroy_cmd && !self.spurious && self.error == 0 && core.errored().is_none();
        // (A cork() after end() holds the buffer again, in Node too.)
        if clean && core.ended() && core.corked() == 0 {
            ensure!(
                self,
                core.finished(),
                "end() + settle without errors did not finish"
            );
            let ev = self.sim.events();
            let pos = |e: &Event<SimError>| ev.iter().position(|x| x == e);
            ensure!(
                self,
                pos(&Event::Prefinish) < pos(&Event::Finish),
                "'prefinish' not before 'finish'"
            );
            if self.setup.has_final {
                let fin = self.sim.log.iter().position(|l| *l == Log::SinkFinal);
                let pre = self
                    .sim
                    .log
                    .iter()
                    .position(|l| *l == Log::Event(Event::Prefinish));
                ensure!(
                    self,
                    fin.is_some() && fin < pre,
                    "final not before 'prefinish'"
                );
            }
            if self.setup.auto_destroy {
                ensure!(
                    self,
                    core.destroyed(),
                    "autoDestroy did not destroy after 'finish'"
                );
                if self.setup.emit_close {
                    ensure!(
                        self,
                        pos(&Event::Finish) < pos(&Event::Close),
                        "'finish' not before 'close'"
                    );
                }
            }
        }
        let core = self.sim.state();
        if !core.destroyed() && core.errored().is_none() {
            if !core.ended() && core.length() == 0 {
                ensure!(self, !core.need_drain(), "'drain' owed but never emitted");
            }
            if core.corked() == 0 {
                ensure!(
                    self,
                    core.length() == 0 && core.buffered_count() == 0,
                    "writes left after settle (length {})",
                    core.length()
                );
            }
        }
        Ok(())
    }

    /// The end of a run: settle, check, destroy if still alive, settle, and check that every
    /// callback was called exactly once.
    pub fn finish(&mut self) -> Check {
        self.settle_and_check()?;
        if !self.sim.state().destroyed() {
            self.step(Cmd::Destroy { err: false })?;
            self.settle_and_check()?;
        }
        let core = self.sim.state();
        ensure!(
            self,
            core.length() == 0 && core.buffered_count() == 0,
            "length {} after destroy + settle",
            core.length()
        );
        for (id, w) in self.writes.iter().enumerate() {
            ensure!(
                self,
                !matches!(w.state, WState::Queued | WState::InFlight),
                "write {id} still {:?} at the end",
                w.state
            );
            if w.cb {
                ensure!(
                    self,
                    w.cb_calls == 1,
                    "callback of write {id} called {} times",
                    w.cb_calls
                );
            }
        }
        let mut hanging = 0;
        for (id, e) in self.ends.iter().enumerate() {
            if e.calls == 0 && e.may_hang {
                hanging += 1;
                continue;
            }
            ensure!(
                self,
                e.calls == 1,
                "callback of end {id} called {} times",
                e.calls
            );
        }
        ensure!(
            self,
            self.sim.callbacks_outstanding() == hanging,
            "{} callbacks still held by the driver, {hanging} expected",
            self.sim.callbacks_outstanding()
        );
        Ok(())
    }
}

/// Run a whole scenario.
pub fn run(setup: Setup, cmds: &[Cmd]) -> Check {
    let mut c = Checker::new(setup);
    for &cmd in cmds {
        c.step(cmd)?;
    }
    c.finish()
}
