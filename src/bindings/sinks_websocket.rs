//! `WebSocketSink`: sends chunks over a WebSocket and turns `bufferedAmount` into backpressure.
//!
//! Browsers give a WebSocket no backpressure: `send()` always accepts and the bytes pile up in
//! `bufferedAmount`. Here a write completes only once `bufferedAmount` is at or below a threshold
//! (polled with `setTimeout`), so a producer writing into the stream is held back by the socket.
//! Works with the browser's `WebSocket` and with any object of that shape (`send`, `readyState`,
//! `bufferedAmount`, `addEventListener`), such as the `ws` package's client in Node.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::export_sink;
use crate::sinks::js::{error, number_option, out_of_range, sleep, type_error, Completion, JsSink};

/// Error code when the socket is closed or failed.
pub const ERR_SOCKET_CLOSED: &str = "ERR_SOCKET_CLOSED";

const CONNECTING: f64 = 0.0;
const OPEN: f64 = 1.0;

/// The socket and what the sink knows about it.
#[derive(Clone)]
struct Socket {
    socket: JsValue,
    /// The error the socket failed with ('error' or 'close' event), once it has.
    failed: Rc<RefCell<Option<JsValue>>>,
    poll_ms: f64,
}

impl Socket {
    fn number(&self, name: &str) -> f64 {
        Reflect::get(&self.socket, &JsValue::from_str(name))
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(f64::NAN)
    }

    /// The stored failure, or a fresh `ERR_SOCKET_CLOSED` when the socket is closing/closed.
    fn check(&self) -> Result<(), JsValue> {
        if let Some(err) = self.failed.borrow().as_ref() {
            return Err(err.clone());
        }
        let state = self.number("readyState");
        if state == CONNECTING || state == OPEN {
            Ok(())
        } else {
            Err(error(ERR_SOCKET_CLOSED, "the WebSocket is closed"))
        }
    }

    /// Done once the socket is open (at once when it is already).
    fn opened(&self) -> Result<Completion, JsValue> {
        self.check()?;
        if self.number("readyState") == OPEN {
            return Ok(Completion::Ready);
        }
        let again = self.clone();
        Completion::Pending(sleep(self.poll_ms)?).then(move || again.opened())
    }

    /// Done once `bufferedAmount <= threshold`; fails if the socket fails first.
    fn drained(&self, threshold: f64) -> Result<Completion, JsValue> {
        self.check()?;
        if self.number("bufferedAmount") <= threshold {
            return Ok(Completion::Ready);
        }
        let again = self.clone();
        Completion::Pending(sleep(self.poll_ms)?).then(move || again.drained(threshold))
    }

    fn send(&self, chunk: &JsValue, threshold: f64) -> Result<Completion, JsValue> {
        self.check()?;
        let send: Function =
            Reflect::get(&self.socket, &JsValue::from_str("send"))?.unchecked_into();
        send.call1(&self.socket, chunk)?;
        self.drained(threshold)
    }
}

/// An event listener added to the socket, kept to remove it again.
type Listener = (&'static str, Closure<dyn FnMut(JsValue)>);

/// The state behind the class.
pub struct WebSocketTarget {
    socket: Socket,
    threshold: f64,
    listeners: Vec<Listener>,
}

impl WebSocketTarget {
    fn remove_listeners(&mut self) {
        let remove = Reflect::get(
            &self.socket.socket,
            &JsValue::from_str("removeEventListener"),
        )
        .ok()
        .and_then(|r| r.dyn_into::<Function>().ok());
        for (event, listener) in self.listeners.drain(..) {
            if let Some(remove) = &remove {
                let _ = remove.call2(
                    &self.socket.socket,
                    &JsValue::from_str(event),
                    listener.as_ref(),
                );
            }
        }
    }
}

impl JsSink for WebSocketTarget {
    fn write(&mut self, chunk: &[u8]) -> Result<Completion, JsValue> {
        self.write_value(&js_sys::Uint8Array::from(chunk).into())
    }

    /// Sends the chunk as one message (binary for bytes, text for a string) once the socket is
    /// open; completes when `bufferedAmount` is at or below the threshold.
    fn write_value(&mut self, chunk: &JsValue) -> Result<Completion, JsValue> {
        let (socket, threshold, chunk) = (self.socket.clone(), self.threshold, chunk.clone());
        self.socket
            .opened()?
            .then(move || socket.send(&chunk, threshold))
    }

    /// Done when everything sent has left the socket's buffer (`bufferedAmount` is 0). The
    /// socket stays open: it belongs to the caller.
    fn finish(&mut self) -> Result<Completion, JsValue> {
        let socket = self.socket.clone();
        self.socket.opened()?.then(move || socket.drained(0.0))
    }

    /// Stops listening to the socket (which stays the caller's to close).
    fn destroy(&mut self, _error: &JsValue) {
        self.remove_listeners();
    }
}

impl Drop for WebSocketTarget {
    fn drop(&mut self) {
        self.remove_listeners();
    }
}

/// The error a socket event stands for.
fn event_error(event: &str, value: &JsValue) -> JsValue {
    let get = |name: &str| Reflect::get(value, &JsValue::from_str(name)).ok();
    if event == "error" {
        if let Some(err) = get("error").filter(|e| e.is_object()) {
            return err;
        }
        let message = get("message")
            .and_then(|m| m.as_string())
            .unwrap_or_default();
        let text = if message.is_empty() {
            "the WebSocket failed".to_owned()
        } else {
            format!("the WebSocket failed: {message}")
        };
        return error(ERR_SOCKET_CLOSED, &text);
    }
    // Close codes are integers 1000–4999; formatted as one (Rust's float formatting is big).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let code = get("code")
        .and_then(|c| c.as_f64())
        .map(|c| format!(" (code {})", c as u32))
        .unwrap_or_default();
    error(ERR_SOCKET_CLOSED, &format!("the WebSocket closed{code}"))
}

export_sink! {
    /// `WebSocketSink`: sends chunks; a write completes once `bufferedAmount` ≤ threshold.
    pub struct JsWebSocketSink(WebSocketTarget) as WebSocketSink;
}

#[wasm_bindgen(js_class = WebSocketSink)]
impl JsWebSocketSink {
    /// `new WebSocketSink(socket, { threshold = 1 MiB, pollMs = 10 })`.
    #[wasm_bindgen(constructor)]
    pub fn new(socket: JsValue, options: JsValue) -> Result<JsWebSocketSink, JsValue> {
        let send = if socket.is_object() {
            Reflect::get(&socket, &JsValue::from_str("send"))?
        } else {
            JsValue::UNDEFINED
        };
        if !send.is_function() {
            return Err(type_error(
                "ERR_INVALID_ARG_TYPE",
                "The \"socket\" argument must be a WebSocket (an object with a send method)",
            ));
        }
        let threshold = match number_option(&options, "threshold")? {
            None => 1_048_576.0,
            Some((n, _)) if n >= 0.0 && n.is_finite() => n,
            Some((_, value)) => {
                return Err(out_of_range(
                    "options.threshold",
                    "a non-negative finite number",
                    &value,
                ))
            }
        };
        let poll_ms = match number_option(&options, "pollMs")? {
            None => 10.0,
            Some((n, _)) if n >= 0.0 && n.is_finite() => n,
            Some((_, value)) => {
                return Err(out_of_range(
                    "options.pollMs",
                    "a non-negative finite number",
                    &value,
                ))
            }
        };
        let socket = Socket {
            socket,
            failed: Rc::new(RefCell::new(None)),
            poll_ms,
        };
        let mut listeners = Vec::new();
        let add = Reflect::get(&socket.socket, &JsValue::from_str("addEventListener"))?;
        if let Some(add) = add.dyn_ref::<Function>() {
            for event in ["error", "close"] {
                let failed = socket.failed.clone();
                let listener = Closure::<dyn FnMut(JsValue)>::new(move |value: JsValue| {
                    if let Ok(mut failed) = failed.try_borrow_mut() {
                        if failed.is_none() {
                            *failed = Some(event_error(event, &value));
                        }
                    }
                });
                add.call2(&socket.socket, &JsValue::from_str(event), listener.as_ref())?;
                listeners.push((event, listener));
            }
        }
        Ok(JsWebSocketSink::from_sink(WebSocketTarget {
            socket,
            threshold,
            listeners,
        }))
    }

    /// The socket.
    #[wasm_bindgen(getter)]
    pub fn socket(&self) -> Result<JsValue, JsValue> {
        self.with(|sink| sink.socket.socket.clone())
    }

    /// The `bufferedAmount` at or below which a write completes.
    #[wasm_bindgen(getter)]
    pub fn threshold(&self) -> Result<f64, JsValue> {
        self.with(|sink| sink.threshold)
    }
}
