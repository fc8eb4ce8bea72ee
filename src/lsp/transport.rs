//! The language server's stdio transport: LSP's framing (`Content-Length` headers, then a JSON
//! body) read by us rather than by lsp-server's reader thread, so that a bad message gets an
//! error response and the server goes on, instead of the reader thread stopping:
//!
//! - a body that is not JSON: a `-32700` parse error (id `null`), as JSON-RPC says;
//! - JSON that is no JSON-RPC message: `-32600` invalid request (its id when it has one);
//! - a `Content-Length` over [`MAX_BODY`]: refused with `-32600`, its bytes skipped as they
//!   arrive, never allocated;
//! - a header block without `Content-Length`, or a header line over [`MAX_HEADER_LINE`]:
//!   refused with `-32600`.

use std::io::{self, BufRead, Read, Write};
use std::sync::{Arc, Mutex};

use lsp_server::{Connection, Message};
use serde_json::{Value, json};

/// The largest message body accepted: 64 MiB (plugin files are a few KiB).
pub const MAX_BODY: usize = 64 << 20;

/// The longest header line read.
pub const MAX_HEADER_LINE: usize = 8 << 10;

/// What one frame of the input holds.
#[derive(Debug)]
pub enum Frame {
    /// A message for the server.
    Message(Message),
    /// An error response to send back at once.
    Reject(Value),
}

/// A JSON-RPC error response.
fn reject(id: Value, code: i32, message: String) -> Frame {
    Frame::Reject(json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}))
}

const PARSE_ERROR: i32 = -32700;
const INVALID_REQUEST: i32 = -32600;

/// Reads the next frame; `None` at the end of the input.
pub fn read_frame(r: &mut impl BufRead, max_body: usize) -> io::Result<Option<Frame>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut bad_header = None;
    let mut any_line = false;
    loop {
        let mut line = Vec::new();
        let n = r
            .by_ref()
            .take(MAX_HEADER_LINE as u64)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(None);
        }
        if !line.ends_with(b"\n") && n == MAX_HEADER_LINE {
            // Skip the rest of the overlong line.
            let mut rest = Vec::new();
            loop {
                rest.clear();
                let m = r
                    .by_ref()
                    .take(MAX_HEADER_LINE as u64)
                    .read_until(b'\n', &mut rest)?;
                if m == 0 || rest.ends_with(b"\n") {
                    break;
                }
            }
            bad_header = Some(format!("a header line is over {MAX_HEADER_LINE} bytes"));
            any_line = true;
            continue;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if !any_line {
                // Blank lines between messages.
                continue;
            }
            break;
        }
        any_line = true;
        if let Some((name, value)) = text.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = Some(
                value
                    .trim()
                    .parse::<usize>()
                    .map_err(|_| format!("Content-Length `{}` is not a number", value.trim())),
            );
        }
    }
    if let Some(why) = bad_header {
        return Ok(Some(reject(Value::Null, INVALID_REQUEST, why)));
    }
    let length = match length {
        None => {
            return Ok(Some(reject(
                Value::Null,
                INVALID_REQUEST,
                "a message without a Content-Length header".into(),
            )));
        }
        Some(Err(why)) => return Ok(Some(reject(Value::Null, INVALID_REQUEST, why))),
        Some(Ok(n)) => n,
    };
    if length > max_body {
        let skipped = io::copy(&mut r.by_ref().take(length as u64), &mut io::sink())?;
        if skipped < length as u64 {
            return Ok(None);
        }
        return Ok(Some(reject(
            Value::Null,
            INVALID_REQUEST,
            format!(
                "a message of {length} bytes is refused: the limit is {} MiB",
                max_body >> 20
            ),
        )));
    }
    let mut body = vec![0; length];
    if let Err(e) = r.read_exact(&mut body) {
        return match e.kind() {
            io::ErrorKind::UnexpectedEof => Ok(None),
            _ => Err(e),
        };
    }
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return Ok(Some(reject(
                Value::Null,
                PARSE_ERROR,
                format!("the message is not JSON: {e}"),
            )));
        }
    };
    let id = match value.get("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        _ => Value::Null,
    };
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Ok(Some(Frame::Message(m))),
        Err(e) => Ok(Some(reject(
            id,
            INVALID_REQUEST,
            format!("not a JSON-RPC message: {e}"),
        ))),
    }
}

fn write_raw(out: &Mutex<io::Stdout>, value: &Value) -> io::Result<()> {
    let body = value.to_string();
    let mut w = out.lock().unwrap_or_else(|e| e.into_inner());
    write!(w, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    w.flush()
}

/// Runs `serve` on stdin and stdout; returns what it returns.
pub fn stdio<T>(serve: impl FnOnce(&Connection) -> T) -> T {
    let (server, client) = Connection::memory();
    let Connection {
        sender: to_server,
        receiver: from_server,
    } = client;
    let stdout = Arc::new(Mutex::new(io::stdout()));
    let out = Arc::clone(&stdout);
    let writer = std::thread::spawn(move || {
        for message in from_server {
            let mut w = out.lock().unwrap_or_else(|e| e.into_inner());
            if message.write(&mut *w).is_err() {
                return;
            }
        }
    });
    // The reader is not joined: it may be blocked on stdin when the server exits.
    std::thread::spawn(move || {
        let stdin = io::stdin();
        let mut input = stdin.lock();
        loop {
            match read_frame(&mut input, MAX_BODY) {
                Ok(Some(Frame::Message(m))) => {
                    if to_server.send(m).is_err() {
                        return;
                    }
                }
                Ok(Some(Frame::Reject(error))) => {
                    if write_raw(&stdout, &error).is_err() {
                        return;
                    }
                }
                Ok(None) | Err(_) => return,
            }
        }
    });
    let result = serve(&server);
    drop(server);
    let _ = writer.join();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8], max: usize) -> Vec<Value> {
        let mut r = io::BufReader::new(input);
        let mut out = Vec::new();
        while let Some(f) = read_frame(&mut r, max).unwrap() {
            out.push(match f {
                Frame::Message(m) => serde_json::to_value(m).unwrap(),
                Frame::Reject(v) => v,
            });
        }
        out
    }

    fn framed(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn bad_frames_are_rejected_and_reading_goes_on() {
        let ok = r#"{"jsonrpc":"2.0","id":7,"method":"shutdown"}"#;
        let input = [
            framed("{not json"),
            framed(r#"{"jsonrpc":"2.0","id":3,"method":5}"#),
            framed("[1, 2]"),
            framed(ok),
            "content-length: 5\r\n\r\n{\"a\":".to_string(),
            "Content-Length: x\r\n\r\n".to_string(),
            framed(ok),
        ]
        .concat();
        let got = frames(input.as_bytes(), 1000);
        let codes: Vec<Value> = got.iter().map(|v| v["error"]["code"].clone()).collect();
        assert_eq!(
            codes,
            [
                json!(-32700),
                json!(-32600),
                json!(-32600),
                Value::Null,
                json!(-32700),
                json!(-32600),
                Value::Null
            ],
            "{got:#?}"
        );
        assert_eq!(got[0]["id"], Value::Null);
        assert_eq!(got[1]["id"], 3);
        assert_eq!(got[3]["method"], "shutdown");
        assert_eq!(got[6]["id"], 7);
    }

    #[test]
    fn an_oversized_body_is_skipped_not_read() {
        let big = "x".repeat(5000);
        let input = format!(
            "{}{}",
            framed(&big),
            framed(r#"{"jsonrpc":"2.0","method":"exit"}"#)
        );
        let got = frames(input.as_bytes(), 4096);
        assert_eq!(got[0]["error"]["code"], -32600);
        assert!(
            got[0]["error"]["message"]
                .as_str()
                .unwrap()
                .contains("5000 bytes")
        );
        assert_eq!(got[1]["method"], "exit");
        // A huge announced length with no body: skipped until the input ends, no allocation.
        let got = frames(b"Content-Length: 99999999999\r\n\r\nabc", MAX_BODY);
        assert!(got.is_empty());
    }

    #[test]
    fn headers_without_length_and_overlong_lines() {
        let mut input = String::from("Content-Type: x\r\n\r\n");
        input.push_str(&"H".repeat(MAX_HEADER_LINE * 2));
        input.push_str("\r\n\r\n");
        input.push_str(&framed(r#"{"jsonrpc":"2.0","method":"exit"}"#));
        let got = frames(input.as_bytes(), 1000);
        assert_eq!(got.len(), 3, "{got:#?}");
        assert_eq!(got[0]["error"]["code"], -32600);
        assert_eq!(got[1]["error"]["code"], -32600);
        assert_eq!(got[2]["method"], "exit");
    }
}
