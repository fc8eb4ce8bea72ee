//! Drives `wazo-plugin lsp` over stdio as an editor does: initialize, open a bad plugin.yml,
//! read the diagnostics and their UTF-16 ranges, ask for a quick fix and a hover, fix the text
//! and see the diagnostics cleared, shut down and exit.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin!("wazo-plugin"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = n.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("Content-Length")];
                reader.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            messages,
            next_id: 1,
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response (other messages are dropped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.recv();
            if m["id"] == id {
                assert!(m.get("error").is_none(), "{m}");
                return m["result"].clone();
            }
        }
    }

    fn recv(&self) -> Value {
        self.messages
            .recv_timeout(Duration::from_secs(20))
            .expect("the server answered in time")
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&self, uri: &str) -> Vec<Value> {
        loop {
            let m = self.recv();
            if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }
}

fn range(l1: u32, c1: u32, l2: u32, c2: u32) -> Value {
    json!({"start": {"line": l1, "character": c1}, "end": {"line": l2, "character": c2}})
}

#[test]
fn language_server_session() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("my plugin");
    std::fs::create_dir_all(root.join("wazo")).unwrap();
    std::fs::write(
        root.join("wazo/rules"),
        "#!/bin/sh\ncase \"$1\" in\n  build|package|install|uninstall) ;;\n  *) exit 1 ;;\nesac\n",
    )
    .unwrap();
    let path = root.join("wazo/plugin.yml");
    let uri = format!("file://{}", path.to_string_lossy().replace(' ', "%20"));
    // The emoji is two UTF-16 units: the WP105 range ends at 10, not 9.
    let bad = "name: ab😀\nnamespace: demo\nversion: 1.10\n";
    std::fs::write(&path, bad).unwrap();

    let mut client = Client::start();
    let init = client.request(
        "initialize",
        json!({"processId": null, "rootUri": null, "capabilities": {}}),
    );
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 1);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["serverInfo"]["name"], "wazo-plugin");
    client.notify("initialized", json!({}));

    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": bad}}),
    );
    let diagnostics = client.diagnostics(&uri);
    let summary: Vec<(String, Value)> = diagnostics
        .iter()
        .map(|d| (d["code"].as_str().unwrap().to_string(), d["range"].clone()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("WP105".to_string(), range(0, 8, 0, 10)),
            ("WP108".to_string(), range(2, 9, 2, 13)),
        ],
        "{diagnostics:#?}"
    );
    let wp108 = &diagnostics[1];
    assert_eq!(wp108["source"], "wazo-plugin");
    assert_eq!(wp108["severity"], 2);
    assert!(
        wp108["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("docs/checks.md#wp108-number-mangled")
    );

    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": range(2, 10, 2, 10),
            "context": {"diagnostics": [wp108]},
        }),
    );
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["title"], "quote version (WP108)");
    assert_eq!(
        actions[0]["edit"]["changes"][&uri],
        json!([{"range": range(2, 9, 2, 13), "newText": "\"1.10\""}])
    );

    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 3}}),
    );
    assert_eq!(hover["range"], range(1, 0, 1, 9));
    let doc = hover["contents"]["value"].as_str().unwrap();
    assert!(
        doc.contains("**namespace**") && doc.contains("Required"),
        "{doc}"
    );

    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"text": "name: ab\nnamespace: demo\nversion: \"1.10\"\n"}],
        }),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());

    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(client.diagnostics(&uri), Vec::<Value>::new());

    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    let status = client.child.wait().unwrap();
    assert!(status.success(), "{status}");
}
