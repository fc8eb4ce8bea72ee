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
        let m = self.request_full(method, params);
        assert!(m.get("error").is_none(), "{m}");
        m["result"].clone()
    }

    /// Sends a request and returns the whole response message.
    fn request_full(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.recv();
            if m["id"] == id {
                return m;
            }
        }
    }

    /// Writes bytes as they are, framing included.
    fn raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    /// The next message that is a response with a `null` id (an error about a bad message).
    fn null_id_error(&self) -> Value {
        loop {
            let m = self.recv();
            if m.get("id") == Some(&Value::Null) {
                return m["error"].clone();
            }
        }
    }

    fn initialize(&mut self) {
        self.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        self.notify("initialized", json!({}));
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
    assert_eq!(actions.len(), 2, "{actions:#?}");
    assert_eq!(actions[0]["kind"], "quickfix");
    // Fix all: the fixable findings of the plugin (WP108's quoting; WP105 has no fix).
    assert_eq!(actions[1]["kind"], "source.fixAll");
    assert_eq!(
        actions[1]["edit"]["changes"][&uri],
        json!([{"range": range(2, 9, 2, 13), "newText": "\"1.10\""}])
    );
    let only_fix_all = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": range(0, 0, 0, 0),
            "context": {"diagnostics": [], "only": ["source.fixAll"]},
        }),
    );
    assert_eq!(
        only_fix_all.as_array().unwrap().len(),
        1,
        "{only_fix_all:#}"
    );
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

fn plugin_dir(tmp: &std::path::Path, rules_mode: u32) -> (std::path::PathBuf, String) {
    use std::os::unix::fs::PermissionsExt;
    let root = tmp.join("hello");
    std::fs::create_dir_all(root.join("wazo")).unwrap();
    let rules = root.join("wazo/rules");
    std::fs::write(
        &rules,
        "#!/bin/sh\ncase \"$1\" in\n  build|package|install|uninstall) ;;\n  *) exit 1 ;;\nesac\n",
    )
    .unwrap();
    std::fs::set_permissions(&rules, std::fs::Permissions::from_mode(rules_mode)).unwrap();
    let path = root.join("wazo/plugin.yml");
    std::fs::write(&path, "name: hello\nnamespace: demo\nversion: \"1\"\n").unwrap();
    let uri = format!("file://{}", path.display());
    (root, uri)
}

#[test]
fn malformed_messages_get_errors_and_the_server_goes_on() {
    let mut client = Client::start();
    // Before initialize: ServerNotInitialized.
    let early = client.request_full("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    client.initialize();
    // Not JSON: a parse error with a null id.
    client.raw(b"Content-Length: 9\r\n\r\n{not json");
    assert_eq!(client.null_id_error()["code"], -32700);
    // JSON, but no message.
    client.raw(b"Content-Length: 6\r\n\r\n[1, 2]");
    assert_eq!(client.null_id_error()["code"], -32600);
    // No Content-Length.
    client.raw(b"Content-Type: text/plain\r\n\r\n");
    assert_eq!(client.null_id_error()["code"], -32600);
    // Over 64 MiB: refused, its bytes skipped.
    let size = (64 << 20) + 1;
    client.raw(format!("Content-Length: {size}\r\n\r\n").as_bytes());
    let chunk = vec![b' '; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len());
        client.raw(&chunk[..n]);
        left -= n;
    }
    let error = client.null_id_error();
    assert_eq!(error["code"], -32600);
    assert!(
        error["message"].as_str().unwrap().contains("64 MiB"),
        "{error}"
    );
    // Bad params of a known request: InvalidParams; an unknown request: MethodNotFound.
    let bad = client.request_full("textDocument/hover", json!({"textDocument": 5}));
    assert_eq!(bad["error"]["code"], -32602);
    let unknown = client.request_full("wazo/unknown", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    // Still serving.
    let tmp = tempfile::tempdir().unwrap();
    let (_root, uri) = plugin_dir(tmp.path(), 0o755);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
               "text": "name: a_b\nnamespace: demo\nversion: \"1\"\n"}}),
    );
    let codes: Vec<Value> = client
        .diagnostics(&uri)
        .iter()
        .map(|d| d["code"].clone())
        .collect();
    assert_eq!(codes, [json!("WP105")]);
    // After shutdown, requests are invalid; exit then ends with 0.
    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    let late = client.request_full("textDocument/hover", json!({}));
    assert_eq!(late["error"]["code"], -32600, "{late}");
    client.notify("exit", Value::Null);
    assert_eq!(client.child.wait().unwrap().code(), Some(0));
}

#[test]
fn exit_without_shutdown_or_a_closed_input_is_status_1() {
    let mut client = Client::start();
    client.initialize();
    client.notify("exit", Value::Null);
    assert_eq!(client.child.wait().unwrap().code(), Some(1));

    let mut client = Client::start();
    client.initialize();
    let Client {
        mut child, stdin, ..
    } = client;
    drop(stdin);
    assert_eq!(child.wait().unwrap().code(), Some(1));
}

#[test]
fn completion_nested_hover_and_a_chmod_fix() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let (root, uri) = plugin_dir(tmp.path(), 0o644);
    let mut client = Client::start();
    client.initialize();
    let text = "name: \nnamespace: demo\nversion: \"1\"\ndepends:\n  - name: other\n    names\n";
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    let diagnostics = client.diagnostics(&uri);
    // Values: the folder's name for `name:`.
    let items = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 6}}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["hello"]);
    // A depends key.
    let items = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": 5, "character": 9}}),
    );
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 1, "{items:#?}");
    assert_eq!(items[0]["label"], "namespace");
    assert_eq!(
        items[0]["textEdit"],
        json!({"range": range(5, 4, 5, 9), "newText": "namespace: "})
    );
    // A top-level key on a new line: only the keys not yet written.
    let items = client.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": 6, "character": 0}}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"plugin_format_version") && !labels.contains(&"namespace"),
        "{labels:?}"
    );
    // Hover on a nested key.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 4, "character": 5}}),
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("**depends[].name**"),
        "{hover}"
    );
    assert_eq!(hover["range"], range(4, 4, 4, 8));

    // wazo/rules is not executable (WP306): its fix is a command the server runs.
    let rules_uri = format!("file://{}", root.join("wazo/rules").display());
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": rules_uri, "languageId": "sh", "version": 1,
               "text": std::fs::read_to_string(root.join("wazo/rules")).unwrap()}}),
    );
    let rules_diagnostics = loop {
        let d = client.diagnostics(&rules_uri);
        if !d.is_empty() {
            break d;
        }
    };
    assert!(
        rules_diagnostics.iter().any(|d| d["code"] == "WP306"),
        "{rules_diagnostics:#?} {diagnostics:#?}"
    );
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": rules_uri}, "range": range(0, 0, 0, 0),
               "context": {"diagnostics": [], "only": ["quickfix"]}}),
    );
    let actions = actions.as_array().unwrap();
    let chmod = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().contains("WP306"))
        .expect("a WP306 action");
    let command = &chmod["command"];
    assert_eq!(command["command"], "wazo-plugin.makeExecutable");
    let result = client.request(
        "workspace/executeCommand",
        json!({"command": command["command"], "arguments": command["arguments"]}),
    );
    assert_eq!(result, Value::Null);
    let mode = std::fs::metadata(root.join("wazo/rules"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o755);
    // A path outside the open plugins is refused.
    let refused = client.request_full(
        "workspace/executeCommand",
        json!({"command": "wazo-plugin.makeExecutable", "arguments": ["/etc/passwd"]}),
    );
    assert_eq!(refused["error"]["code"], -32602);
    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    assert!(client.child.wait().unwrap().success());
}
