//! A reference driver for [`WritableCore`]: what a face does, in plain Rust, with a scripted sink
//! and a simulated tick queue. The core's tests, property tests and fuzz target run through it,
//! and it documents the driving protocol a face must follow:
//!
//! 1. call a command; 2. poll until `None`, doing what each [`Output`] says (calling the sink,
//!    then `dispatch_returned`; keeping callbacks in the FIFO the core names; counting tick
//!    requests); 3. when the host's tick comes, call `handle_tick` once per request and poll
//!    again. The driver never polls from inside its own poll loop: a command issued while
//!    handling an output (a listener that writes) leaves its outputs for the running loop.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;

use super::error::{ErrorCode, StreamError};
use super::writable::{
    Callback, CallbackSlot, DrainRunEnd, Event, Options, Output, WritableCore, WriteStatus,
};

/// The error type of the simulation: a core-made error or a sink failure, each with an identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SimError {
    /// Made by the core from a code.
    Code(ErrorCode),
    /// Injected by the test (sink failure or destroy reason), tagged to tell them apart.
    Sink(u32),
}

impl StreamError for SimError {
    fn from_code(code: ErrorCode) -> Self {
        SimError::Code(code)
    }
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::Code(c) => write!(f, "{}", c.code()),
            SimError::Sink(n) => write!(f, "sink#{n}"),
        }
    }
}

/// How the simulated sink completes what it is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SinkMode {
    /// Completes inside the call (like a sink calling its callback synchronously).
    Sync,
    /// Leaves the operation pending until [`Sim::complete`] or [`Sim::fail`].
    Async,
}

/// Something the simulation observed, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Log {
    /// The sink's `write` got chunk `id`.
    SinkWrite(u32),
    /// The sink's `writev` got these chunk ids.
    SinkWritev(Vec<u32>),
    /// The sink's `final` ran.
    SinkFinal,
    /// The sink's `destroy` ran with this error.
    SinkDestroy(Option<SimError>),
    /// The sink's `construct` ran.
    SinkConstruct,
    /// The callback of write `id` was called.
    WriteCb(u32, Result<(), SimError>),
    /// The callback of `end()` number `id` was called.
    EndCb(u32, Result<(), SimError>),
    /// An event was emitted.
    Event(Event<SimError>),
    /// The core dropped this many buffered chunks.
    Discard(u32),
}

/// What is pending at the simulated sink.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pending {
    /// Nothing.
    Idle,
    /// A write or writev.
    Write,
    /// `final`.
    Final,
    /// `destroy` (completing it passes its error through, as Node's default `_destroy`).
    Destroy,
    /// `construct`.
    Construct,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cb {
    Write(u32),
    End(u32),
}

/// The simulation: a core, a sink, a tick queue and callback FIFOs, with a log of everything.
pub struct Sim {
    /// The core under test (chunks are write ids).
    pub core: WritableCore<u32, SimError>,
    /// Everything observed, in order.
    pub log: Vec<Log>,
    /// How the sink completes.
    pub mode: SinkMode,
    /// What the sink is working on, oldest first.
    pending: VecDeque<Pending>,
    /// Write callbacks by number (see `Output::WriteCallbacks`): write id.
    write_cbs: std::collections::BTreeMap<u64, u32>,
    next_ord: u64,
    one_off: VecDeque<Cb>,
    end_cbs: Vec<u32>,
    ticks: usize,
    polling: bool,
    next_write: u32,
    next_end: u32,
    last_cb: Option<u32>,
    sizes: Vec<u64>,
    destroy_err: Option<SimError>,
    fail_next: Option<SimError>,
    /// Save calls like the JS face: a write the sink completes inside its call, whose
    /// completion the core says is silent, returns `true` at once and its completion is
    /// reported with the next write ([`WritableCore::write_folding`]) or before any other use of
    /// the core; and while corked, callback-less writes within the core's budget
    /// ([`WritableCore::buffered_write_budget`]) return `true` at once and reach the core
    /// together ([`WritableCore::write_buffered_batch`]) before any other use of it.
    pub fold: bool,
    folded: bool,
    /// The folded write left the core in its steady state ([`WritableCore::in_steady_fold`]):
    /// the next callback-less writes to the synchronous sink go to it without the core, which
    /// hears of them later as one run ([`WritableCore::fold_run`]).
    steady: bool,
    /// That run: writes, total length, largest, last.
    run: Option<(u64, u64, u64, u64)>,
    /// The return of a polled write's sink call, held back on the core's word
    /// ([`WritableCore::quiet_return`]) until the next use of the core.
    returned: bool,
    /// The return of a dispatched write's sink call, held back on the core's word
    /// ([`WritableCore::quiet_write_return`]) until the next use of the core.
    returned_w: bool,
    /// While `returned`: completions the face may still handle itself, each handing the next
    /// buffered write to the sink ([`WritableCore::async_handouts`]), and those it handled,
    /// which the core hears of later ([`WritableCore::async_run`]).
    async_left: u64,
    async_done: u64,
    /// The cork budget left, while one is held.
    lease: Option<u64>,
    /// Beyond that budget, callback-less writes are accepted returning false (the first one
    /// reaches the highWaterMark, then [`WritableCore::refuses_buffered_writes`] holds).
    refusing: bool,
    /// Writes accepted on the cork budget, not yet handed to the core.
    leased: Vec<(u32, u64)>,
    /// Drain cycles the face runs itself ([`WritableCore::drain_cycle`]), which the core hears
    /// of later ([`WritableCore::drain_run`]): the writes after the first (count, total,
    /// largest, last), and whether the last one completed (its `'drain'` emitted).
    drain: Option<DrainCycles>,
}

/// The drain cycles a [`Sim`] ran without the core (see `Sim::drain`).
#[derive(Clone, Copy, Debug, Default)]
struct DrainCycles {
    writes: u64,
    total: u64,
    max: u64,
    last: u64,
    idle: bool,
}

impl DrainCycles {
    /// Tell `core` of them (a simulated sink call always returns before anything else).
    fn report(self, core: &mut WritableCore<u32, SimError>) {
        let end = if self.idle {
            DrainRunEnd::Idle
        } else {
            DrainRunEnd::Returned
        };
        core.drain_run(self.writes, self.total, self.max, self.last, end, false);
    }
}

impl Sim {
    /// A simulation over a fresh core.
    pub fn new(opts: Options, mode: SinkMode) -> Self {
        let mut sim = Sim {
            core: WritableCore::new(opts),
            log: Vec::new(),
            mode,
            pending: VecDeque::new(),
            write_cbs: std::collections::BTreeMap::new(),
            next_ord: 0,
            one_off: VecDeque::new(),
            end_cbs: Vec::new(),
            ticks: 0,
            polling: false,
            next_write: 0,
            next_end: 0,
            last_cb: None,
            sizes: Vec::new(),
            destroy_err: None,
            fail_next: None,
            fold: false,
            folded: false,
            steady: false,
            run: None,
            returned: false,
            returned_w: false,
            async_left: 0,
            async_done: 0,
            lease: None,
            refusing: false,
            leased: Vec::new(),
            drain: None,
        };
        sim.drain();
        sim
    }

    /// A simulation that folds synchronous completions as the JS face does (see [`Sim::fold`]).
    pub fn new_folding(opts: Options, mode: SinkMode) -> Self {
        let mut sim = Sim::new(opts, mode);
        sim.fold = true;
        sim
    }

    /// The core's state as the face would read it: with a folded completion reported (on a
    /// copy, so reading does not change what the next write does). Read state through this when
    /// folding.
    pub fn state(&self) -> Cow<'_, WritableCore<u32, SimError>> {
        if self.folded
            || self.returned
            || self.returned_w
            || !self.leased.is_empty()
            || self.drain.is_some()
        {
            let mut core = self.core.clone();
            if let Some(cycles) = self.drain {
                cycles.report(&mut core);
            }
            if self.returned_w {
                core.write_returned();
            }
            if self.returned {
                core.async_run(self.async_done);
                core.dispatch_returned_quietly();
            }
            core.write_buffered_batch(self.leased.iter().copied());
            if let Some((count, total, max, last)) = self.run {
                core.fold_run(count, total, max, last);
            }
            if self.folded {
                core.handle_sync_write_done();
            }
            Cow::Owned(core)
        } else {
            Cow::Borrowed(&self.core)
        }
    }

    /// Before any use of the core but a write: report what the face would have held back.
    fn unfold(&mut self) {
        self.flush_drain();
        self.report_returned();
        self.lease = None;
        self.refusing = false;
        if !self.leased.is_empty() {
            self.core
                .write_buffered_batch(std::mem::take(&mut self.leased));
        }
        self.flush_run();
        if self.folded {
            self.folded = false;
            self.core.handle_sync_write_done();
        }
    }

    /// Tell the core of the drain cycles run without it.
    fn flush_drain(&mut self) {
        if let Some(cycles) = self.drain.take() {
            cycles.report(&mut self.core);
        }
    }

    /// Tell the core of a held-back return, and of the asynchronous run before it.
    fn report_returned(&mut self) {
        if std::mem::take(&mut self.returned_w) {
            self.core.write_returned();
        }
        if std::mem::take(&mut self.returned) {
            self.core.async_run(std::mem::take(&mut self.async_done));
            self.async_left = 0;
            self.core.dispatch_returned_quietly();
        }
    }

    /// Tell the core of the run of writes made without it (the folded write stays folded).
    fn flush_run(&mut self) {
        self.steady = false;
        if let Some((count, total, max, last)) = self.run.take() {
            self.core.fold_run(count, total, max, last);
        }
    }

    /// Size of write `id` as given to [`Sim::write`].
    pub fn size_of(&self, id: u32) -> u64 {
        self.sizes.get(id as usize).copied().unwrap_or(0)
    }

    /// `write()` a chunk of `len` units; `with_cb` attaches a callback (a distinct one per
    /// write unless `same_cb`). Returns `(id, return value)`.
    pub fn write_with(&mut self, len: u64, with_cb: bool, same_cb: bool) -> (u32, bool) {
        let id = self.next_write;
        self.next_write += 1;
        self.sizes.push(len);
        let cb = match (with_cb, same_cb && self.last_cb.is_some()) {
            (false, _) => Callback::None,
            (true, true) => Callback::Same,
            (true, false) => Callback::New,
        };
        if with_cb {
            self.last_cb = Some(id);
        }
        let units = if self.core.object_mode() { 1 } else { len };
        if let Some(cycles) = self.drain.as_mut().filter(|c| c.idle) {
            if !with_cb && units >= self.core.high_water_mark().max(1) && self.fail_next.is_none() {
                // The next drain cycle: the JS face calls the sink on its own, the write returns
                // false, and the refusals hold while it is in flight.
                cycles.writes += 1;
                cycles.total += len;
                cycles.max = cycles.max.max(len);
                cycles.last = len;
                cycles.idle = false;
                self.log.push(Log::SinkWrite(id));
                self.pending.push_back(Pending::Write);
                self.take_lease(0, true);
                return (id, false);
            }
        }
        if let Some(budget) = self.lease {
            if !with_cb && self.refusing {
                self.leased.push((id, len));
                return (id, false);
            }
            if !with_cb && units <= budget {
                self.lease = Some(budget - units);
                self.leased.push((id, len));
                return (id, true);
            }
            if !with_cb {
                // Past the budget: the write reaches the highWaterMark, so it returns false,
                // and the refusals hold from there on.
                self.refusing = true;
                self.lease = Some(0);
                self.leased.push((id, len));
                return (id, false);
            }
            self.unfold();
        }
        if self.folded
            && self.steady
            && !with_cb
            && self.mode == SinkMode::Sync
            && self.fail_next.is_none()
        {
            // The JS face calls the sink on its own here; the core hears of it later.
            self.log.push(Log::SinkWrite(id));
            let (count, total, max, _) = self.run.unwrap_or((0, 0, 0, 0));
            self.run = Some((count + 1, total + len, max.max(len), len));
            return (id, true);
        }
        self.flush_drain();
        self.flush_run();
        self.report_returned();
        let previous_done = std::mem::take(&mut self.folded);
        let (status, silent) = self.core.write_folding(id, len, cb, previous_done);
        let slot = WritableCore::<u32, SimError>::write_slot(&status, cb);
        match slot {
            CallbackSlot::Write => {
                self.write_cbs.insert(self.next_ord, id);
                self.next_ord += 1;
            }
            CallbackSlot::OneOff => self.one_off.push_back(Cb::Write(id)),
            CallbackSlot::End | CallbackSlot::None => {}
        }
        let ret = match status {
            WriteStatus::Dispatch(chunk)
                if self.mode == SinkMode::Sync && self.fail_next.is_none() =>
            {
                // A completion inside the sink call, reported with the call's return, as the JS
                // face does; or, when folding and the core says it is silent, held back.
                self.log.push(Log::SinkWrite(chunk));
                if self.fold && silent {
                    self.folded = true;
                    self.steady = self.core.in_steady_fold();
                    return (id, true);
                }
                self.core.handle_sync_write_done();
                self.core.write_returned()
            }
            WriteStatus::Dispatch(chunk) => {
                let quiet = if self.fold
                    && self.mode == SinkMode::Async
                    && self.fail_next.is_none()
                    && !self.core.has_output()
                {
                    self.core.quiet_write_return()
                } else {
                    None
                };
                self.sink_write(Output::Write(chunk));
                if let Some((false, _, true)) = quiet.filter(|_| self.core.drain_cycle()) {
                    // The first of drain cycles: the face runs them (see `drain`).
                    self.drain = Some(DrainCycles::default());
                    self.take_lease(0, true);
                    return (id, false);
                }
                if let Some((ret, budget, refusing)) = quiet {
                    // The sink returns without completing: the face holds the return back and
                    // takes the budget (or the refusals) the core named for after it.
                    self.returned_w = true;
                    self.take_lease(budget, refusing);
                    return (id, ret);
                }
                self.core.write_returned()
            }
            WriteStatus::Buffered(ret) => ret,
            WriteStatus::Rejected => false,
        };
        self.drain();
        if self.fold {
            self.hold_lease();
        }
        (id, ret)
    }

    /// `write()` with a callback of its own.
    pub fn write(&mut self, len: u64) -> (u32, bool) {
        self.write_with(len, true, false)
    }

    /// `end()` with a callback (and, with `chunk`, `end(chunk)`). Returns the end callback id.
    pub fn end(&mut self, chunk: Option<u64>) -> u32 {
        self.unfold();
        let rejected = match chunk {
            Some(len) => {
                let id = self.next_write;
                self.next_write += 1;
                self.sizes.push(len);
                let status = self.core.write(id, len, Callback::None);
                match status {
                    WriteStatus::Dispatch(c) => {
                        self.sink_write(Output::Write(c));
                        self.core.write_returned();
                        false
                    }
                    WriteStatus::Buffered(_) => false,
                    WriteStatus::Rejected => true,
                }
            }
            None => false,
        };
        // `end(chunk)` is `write(chunk)` then `end()`: like any command, the write's outputs are
        // handled before the next command (Node calls the sink's destroy of a refused chunk inside
        // that write, before end() schedules its callback).
        self.drain();
        let id = self.next_end;
        self.next_end += 1;
        match self.core.end(true, rejected) {
            CallbackSlot::End => self.end_cbs.push(id),
            CallbackSlot::OneOff => self.one_off.push_back(Cb::End(id)),
            CallbackSlot::Write | CallbackSlot::None => {}
        }
        self.drain();
        id
    }

    /// `cork()`.
    pub fn cork(&mut self) {
        self.unfold();
        self.core.cork();
        self.drain();
        if self.fold {
            self.hold_lease();
        }
    }

    /// Take the budget for buffered writes the core names, or its refusals, as the face does.
    fn hold_lease(&mut self) {
        let (budget, refusing) = (
            self.core.buffered_write_budget(),
            self.core.refuses_buffered_writes(),
        );
        self.take_lease(budget, refusing);
    }

    /// Hold a budget of `budget` units, or else the refusals when `refusing`.
    fn take_lease(&mut self, budget: u64, refusing: bool) {
        if budget > 0 {
            self.lease = Some(budget);
        } else if refusing {
            self.lease = Some(0);
            self.refusing = true;
        }
    }

    /// `uncork()`.
    pub fn uncork(&mut self) {
        self.unfold();
        self.core.uncork();
        self.drain();
    }

    /// `destroy(err)`.
    pub fn destroy(&mut self, err: Option<SimError>) {
        self.unfold();
        self.core.destroy(err);
        self.drain();
    }

    /// Complete the pending sink operation successfully (asynchronously). A pending destroy
    /// completes with the error it was given.
    pub fn complete(&mut self) -> bool {
        let err = if self.pending() == Pending::Destroy {
            self.destroy_err.take()
        } else {
            None
        };
        self.finish_pending(err)
    }

    /// Fail the pending sink operation with `err` (asynchronously).
    pub fn fail(&mut self, err: SimError) -> bool {
        self.finish_pending(Some(err))
    }

    /// Make the next sink write or writev fail inside the call (synchronously) with `err`.
    pub fn fail_next_write_sync(&mut self, err: SimError) {
        self.fail_next = Some(err);
    }

    /// Call the write completion although nothing is pending (a sink calling back twice).
    pub fn spurious_write_done(&mut self) {
        self.unfold();
        self.core.handle_write_done(Ok(()));
        self.drain();
    }

    fn finish_pending(&mut self, err: Option<SimError>) -> bool {
        if self.drain.is_some_and(|c| !c.idle)
            && err.is_none()
            && self.leased.is_empty()
            && self.pending() == Pending::Write
        {
            // A drain cycle's completion: the face emits 'drain' itself.
            self.pending.pop_front();
            self.lease = None;
            self.refusing = false;
            if let Some(cycles) = self.drain.as_mut() {
                cycles.idle = true;
            }
            self.log.push(Log::Event(Event::Drain));
            return true;
        }
        if self.returned
            && self.async_left > 0
            && err.is_none()
            && self.fail_next.is_none()
            && self.pending() == Pending::Write
        {
            // The face hands the next buffered write to the sink itself.
            let next = self
                .core
                .buffered_chunks()
                .nth(usize::try_from(self.async_done).unwrap_or(usize::MAX))
                .copied();
            if let Some(id) = next {
                self.pending.pop_front();
                self.async_left -= 1;
                self.async_done += 1;
                self.log.push(Log::SinkWrite(id));
                self.pending.push_back(Pending::Write);
                return true;
            }
        }
        self.unfold();
        let pending = self.pending.pop_front().unwrap_or(Pending::Idle);
        match pending {
            Pending::Idle => return false,
            Pending::Write => self.core.handle_write_done(err.map_or(Ok(()), Err)),
            Pending::Final => self.core.handle_final_done(err.map_or(Ok(()), Err)),
            Pending::Destroy => self.core.handle_destroy_done(err),
            Pending::Construct => self.core.handle_construct_done(err),
        }
        self.drain();
        true
    }

    /// Run one requested tick; false when none is pending.
    pub fn tick(&mut self) -> bool {
        self.unfold();
        if self.ticks == 0 {
            return false;
        }
        self.ticks -= 1;
        self.core.handle_tick();
        self.drain();
        true
    }

    /// Run ticks until none is pending (bounded; returns how many ran).
    pub fn run_ticks(&mut self) -> usize {
        let mut n = 0;
        while n < 100_000 && self.tick() {
            n += 1;
        }
        n
    }

    /// Complete every async sink operation and run every tick until the stream is quiet.
    pub fn settle(&mut self) {
        for _ in 0..100_000 {
            let progressed = self.run_ticks() > 0 || self.complete();
            if !progressed {
                break;
            }
        }
    }

    /// The oldest operation the sink has not completed yet.
    pub fn pending(&self) -> Pending {
        self.pending.front().copied().unwrap_or(Pending::Idle)
    }

    /// Ticks requested and not yet run.
    pub fn pending_ticks(&self) -> usize {
        self.ticks
    }

    /// The events logged so far.
    pub fn events(&self) -> Vec<Event<SimError>> {
        self.log
            .iter()
            .filter_map(|l| match l {
                Log::Event(e) => Some(e.clone()),
                _ => None,
            })
            .collect()
    }

    /// Number of callbacks still held (write, one-off, end).
    pub fn callbacks_outstanding(&self) -> usize {
        self.write_cbs.len() + self.one_off.len() + self.end_cbs.len()
    }

    fn sink_write(&mut self, out: Output<u32, SimError>) {
        match out {
            Output::Write(id) => self.log.push(Log::SinkWrite(id)),
            Output::Writev(ids) => self.log.push(Log::SinkWritev(ids)),
            _ => return,
        }
        if let Some(err) = self.fail_next.take() {
            self.core.handle_write_done(Err(err));
        } else if self.mode == SinkMode::Async {
            self.pending.push_back(Pending::Write);
        } else {
            self.core.handle_write_done(Ok(()));
        }
    }

    /// The JS face's run over buffered writes ([`WritableCore::buffered_run`]): write `first`
    /// and the next buffered ones go to the synchronous sink one after another, and the core
    /// hears of their completions together ([`WritableCore::sync_run`]), then of the last
    /// write's call as of any polled write.
    fn buffered_run(&mut self, first: u32) {
        let run = self.core.buffered_run();
        let next: Vec<u32> = self
            .core
            .buffered_chunks()
            .take(usize::try_from(run).unwrap_or(usize::MAX))
            .copied()
            .collect();
        let mut current = first;
        let mut done = 0;
        while self.fail_next.is_none() {
            let Some(&id) = next.get(done) else { break };
            // `current` completes inside its call; the face goes on with the next.
            self.log.push(Log::SinkWrite(current));
            current = id;
            done += 1;
        }
        self.core.sync_run(done as u64);
        self.sink_write(Output::Write(current));
    }

    /// The poll loop.
    fn drain(&mut self) {
        if self.polling {
            return;
        }
        self.polling = true;
        while let Some(out) = self.core.poll() {
            match out {
                Output::Write(id)
                    if self.fold && self.mode == SinkMode::Sync && self.core.buffered_run() > 0 =>
                {
                    self.buffered_run(id);
                    self.core.dispatch_returned();
                }
                Output::Write(_) | Output::Writev(_)
                    if self.fold
                        && self.mode == SinkMode::Async
                        && self.fail_next.is_none()
                        && self.core.quiet_return() =>
                {
                    // The sink returns without completing: the face holds the return back.
                    self.sink_write(out);
                    self.returned = true;
                    self.async_left = self.core.async_handouts();
                    break;
                }
                Output::Write(_) | Output::Writev(_) => {
                    self.sink_write(out);
                    self.core.dispatch_returned();
                }
                Output::Final => {
                    self.log.push(Log::SinkFinal);
                    if self.mode == SinkMode::Async {
                        self.pending.push_back(Pending::Final);
                    } else {
                        self.core.handle_final_done(Ok(()));
                    }
                    self.core.dispatch_returned();
                }
                Output::Destroy(err) => {
                    self.log.push(Log::SinkDestroy(err.clone()));
                    self.destroy_err = err.clone();
                    if self.mode == SinkMode::Async {
                        self.pending.push_back(Pending::Destroy);
                    } else {
                        self.core.handle_destroy_done(err);
                    }
                }
                Output::Construct => {
                    self.log.push(Log::SinkConstruct);
                    if self.mode == SinkMode::Async {
                        self.pending.push_back(Pending::Construct);
                    } else {
                        self.core.handle_construct_done(None);
                    }
                }
                Output::ScheduleTick => self.ticks += 1,
                Output::WriteCallbacks {
                    first,
                    count,
                    result,
                } => {
                    for ord in first..first.saturating_add(u64::from(count)) {
                        if let Some(id) = self.write_cbs.remove(&ord) {
                            self.log.push(Log::WriteCb(id, result.clone()));
                        }
                    }
                }
                Output::EndCallbacks(result) => {
                    for id in std::mem::take(&mut self.end_cbs) {
                        self.log.push(Log::EndCb(id, result.clone()));
                    }
                }
                Output::OneOffCallback(result) => match self.one_off.pop_front() {
                    Some(Cb::Write(id)) => self.log.push(Log::WriteCb(id, result)),
                    Some(Cb::End(id)) => self.log.push(Log::EndCb(id, result)),
                    None => {}
                },
                Output::Event(e) => self.log.push(Log::Event(e)),
                Output::Discard { count } => self.log.push(Log::Discard(count)),
            }
        }
        self.polling = false;
    }
}
