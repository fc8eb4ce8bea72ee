//! The language server (`wazo-plugin lsp`): the same diagnostics as `lint` for the open
//! wazo/plugin.yml and wazo/rules documents, as the user types, with quick fixes for the
//! findings that carry a text fix, and hover documentation for plugin.yml keys.
//!
//! Synchronous, over stdio or any [`Connection`], with full text sync. Each change re-lints the
//! plugin the document belongs to, reading the plugin's other file from its open document when
//! there is one, else from disk; diagnostics are published for every open document of that
//! plugin. Positions are UTF-16, as the protocol's default requires.

mod convert;
mod hover;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use serde_json::Value;

use crate::lint::buffer::{lint_one, plugin_with_text, target};
use crate::lint::{LintOptions, PluginReport};
use crate::plugin::load::{FileState, MANIFEST};
use crate::source::SourceFile;

pub use convert::{offset, path_to_uri, position, uri_to_path};

/// An open document.
struct Doc {
    path: PathBuf,
    text: String,
}

/// The server's state: the open documents of plugin files.
#[derive(Default)]
struct Server {
    docs: HashMap<lsp::Uri, Doc>,
    options: LintOptions,
}

/// What the server announces in its `initialize` response.
pub fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(lsp::PositionEncodingKind::UTF16),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::FULL),
                save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..Default::default()
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        ..Default::default()
    }
}

/// Why the language server stopped before the client said `exit`.
#[derive(Debug, thiserror::Error)]
#[error("language server: {0}")]
pub struct ServerError(String);

impl From<String> for ServerError {
    fn from(message: String) -> Self {
        ServerError(message)
    }
}

/// Runs the server on stdin and stdout until the client says `exit`.
pub fn run_stdio() -> Result<(), ServerError> {
    let (connection, io_threads) = Connection::stdio();
    let result = serve(&connection);
    // The writer thread ends only when every sender is gone.
    drop(connection);
    io_threads.join().map_err(|e| e.to_string())?;
    result
}

/// Runs the server on `connection`: the handshake, then messages until `shutdown` and `exit`.
pub fn serve(connection: &Connection) -> Result<(), ServerError> {
    let init = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": {"name": "wazo-plugin", "version": env!("CARGO_PKG_VERSION")},
    });
    let (id, _params) = connection.initialize_start().map_err(|e| e.to_string())?;
    connection
        .initialize_finish(id, init)
        .map_err(|e| e.to_string())?;
    let mut server = Server::default();
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection
                    .handle_shutdown(&request)
                    .map_err(|e| e.to_string())?
                {
                    return Ok(());
                }
                let response = server.request(request);
                send(connection, Message::Response(response))?;
            }
            Message::Notification(note) => {
                for out in server.notification(note) {
                    send(connection, Message::Notification(out))?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

fn send(connection: &Connection, message: Message) -> Result<(), String> {
    connection.sender.send(message).map_err(|e| e.to_string())
}

fn params<T: serde::de::DeserializeOwned>(value: Value) -> Option<T> {
    serde_json::from_value(value).ok()
}

impl Server {
    fn notification(&mut self, note: Notification) -> Vec<Notification> {
        use lsp::notification::{
            DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
        };
        let method = note.method.as_str();
        if method == DidOpenTextDocument::METHOD {
            let Some(p) = params::<lsp::DidOpenTextDocumentParams>(note.params) else {
                return Vec::new();
            };
            return self.set(p.text_document.uri, p.text_document.text);
        }
        if method == DidChangeTextDocument::METHOD {
            let Some(p) = params::<lsp::DidChangeTextDocumentParams>(note.params) else {
                return Vec::new();
            };
            // Full sync: the last change holds the whole text.
            let Some(change) = p.content_changes.into_iter().last() else {
                return Vec::new();
            };
            return self.set(p.text_document.uri, change.text);
        }
        if method == DidSaveTextDocument::METHOD {
            let Some(p) = params::<lsp::DidSaveTextDocumentParams>(note.params) else {
                return Vec::new();
            };
            if let Some(text) = p.text {
                return self.set(p.text_document.uri, text);
            }
            return match self.docs.get(&p.text_document.uri) {
                Some(doc) => self.publish_plugin(&doc.path.clone()),
                None => Vec::new(),
            };
        }
        if method == DidCloseTextDocument::METHOD {
            let Some(p) = params::<lsp::DidCloseTextDocumentParams>(note.params) else {
                return Vec::new();
            };
            let uri = p.text_document.uri;
            let Some(doc) = self.docs.remove(&uri) else {
                return Vec::new();
            };
            let mut out = vec![publish(uri, Vec::new())];
            out.extend(self.publish_plugin(&doc.path));
            return out;
        }
        Vec::new()
    }

    /// Records the text of a document and re-lints its plugin.
    fn set(&mut self, uri: lsp::Uri, text: String) -> Vec<Notification> {
        let Some(path) = uri_to_path(&uri).filter(|p| target(p).is_ok()) else {
            return Vec::new();
        };
        self.docs.insert(
            uri,
            Doc {
                path: path.clone(),
                text,
            },
        );
        self.publish_plugin(&path)
    }

    /// The plugin `path` belongs to, linted with the open documents' texts.
    fn lint(&self, path: &Path) -> Option<PluginReport> {
        let root = target(path).ok()?.root;
        let mut plugin: Option<crate::plugin::load::Plugin> = None;
        for doc in self.docs.values() {
            let Ok(t) = target(&doc.path) else { continue };
            if t.root != root {
                continue;
            }
            match &mut plugin {
                None => plugin = plugin_with_text(&doc.path, doc.text.clone()).ok(),
                Some(p) => {
                    let state = FileState::Loaded(SourceFile::new(
                        doc.path.clone(),
                        t.rel.into(),
                        doc.text.clone(),
                    ));
                    if t.rel == MANIFEST {
                        p.manifest = state;
                    } else {
                        p.rules = state;
                    }
                }
            }
        }
        Some(lint_one(plugin?, &self.options))
    }

    /// Publishes the diagnostics of every open document of the plugin `path` belongs to.
    fn publish_plugin(&self, path: &Path) -> Vec<Notification> {
        let Some(report) = self.lint(path) else {
            return Vec::new();
        };
        let root = target(path).map(|t| t.root).ok();
        let mut out = Vec::new();
        for (uri, doc) in &self.docs {
            let Ok(t) = target(&doc.path) else { continue };
            if Some(&t.root) != root.as_ref() {
                continue;
            }
            let diagnostics = report
                .diagnostics
                .iter()
                .filter(|d| d.file == Path::new(t.rel))
                .map(|d| convert::diagnostic(d, uri, &doc.text))
                .collect();
            out.push(publish(uri.clone(), diagnostics));
        }
        out
    }

    fn request(&mut self, request: Request) -> Response {
        use lsp::request::{CodeActionRequest, HoverRequest};
        let id = request.id.clone();
        let result = match request.method.as_str() {
            HoverRequest::METHOD => params::<lsp::HoverParams>(request.params)
                .map(|p| serde_json::to_value(self.hover(p)).unwrap_or(Value::Null)),
            CodeActionRequest::METHOD => params::<lsp::CodeActionParams>(request.params)
                .map(|p| serde_json::to_value(self.code_actions(p)).unwrap_or(Value::Null)),
            _ => {
                return Response::new_err(
                    id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("unsupported request {}", request.method),
                );
            }
        };
        match result {
            Some(value) => Response::new_ok(id, value),
            None => Response::new_err(
                id,
                lsp_server::ErrorCode::InvalidParams as i32,
                "invalid parameters".into(),
            ),
        }
    }

    fn hover(&self, p: lsp::HoverParams) -> Option<lsp::Hover> {
        let at = p.text_document_position_params;
        let doc = self.docs.get(&at.text_document.uri)?;
        if target(&doc.path).ok()?.rel != MANIFEST {
            return None;
        }
        let offset = offset(&doc.text, at.position);
        let (field, span) = hover::key_at(&doc.text, offset)?;
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: hover::markdown(field),
            }),
            range: Some(convert::range(&doc.text, &span)),
        })
    }

    fn code_actions(&self, p: lsp::CodeActionParams) -> Vec<lsp::CodeActionOrCommand> {
        let uri = p.text_document.uri;
        let Some(doc) = self.docs.get(&uri) else {
            return Vec::new();
        };
        let (Some(report), Ok(t)) = (self.lint(&doc.path), target(&doc.path)) else {
            return Vec::new();
        };
        let wanted = offset(&doc.text, p.range.start)..offset(&doc.text, p.range.end);
        let mut actions = Vec::new();
        for d in report
            .diagnostics
            .iter()
            .filter(|d| d.file == Path::new(t.rel))
        {
            let Some(label) = &d.primary else { continue };
            let touches = label.span.start <= wanted.end && wanted.start <= label.span.end;
            let (true, Some(fix), Some(edits)) = (
                touches,
                &d.fix,
                convert::text_edits(d, Path::new(t.rel), &doc.text),
            ) else {
                continue;
            };
            actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: format!("{} ({})", fix.description, d.code),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![convert::diagnostic(d, &uri, &doc.text)]),
                edit: Some(lsp::WorkspaceEdit {
                    changes: Some(HashMap::from([(uri.clone(), edits)])),
                    ..Default::default()
                }),
                is_preferred: Some(true),
                ..Default::default()
            }));
        }
        actions
    }
}

fn publish(uri: lsp::Uri, diagnostics: Vec<lsp::Diagnostic>) -> Notification {
    Notification::new(
        lsp::notification::PublishDiagnostics::METHOD.to_string(),
        lsp::PublishDiagnosticsParams {
            uri,
            diagnostics,
            version: None,
        },
    )
}
