//! The language server (`wazo-plugin lsp`): the same diagnostics as `lint` for the open
//! wazo/plugin.yml and wazo/rules documents, as the user types, a code action for every fix
//! (text edits as workspace edits, `chmod +x` as a command the server runs) and one to fix
//! all, hover documentation and completion for the keys and values of plugin.yml.
//!
//! The lifecycle follows the protocol: requests before `initialize` get `ServerNotInitialized`,
//! requests after `shutdown` get `InvalidRequest`, and `exit` ends the server with status 0
//! after a `shutdown`, 1 without one (as when the input ends). A malformed message gets an
//! error response and the server goes on (see [`transport`]).
//!
//! Synchronous, over stdio or any [`Connection`], with full text sync. Each change re-lints the
//! plugin the document belongs to, reading the plugin's other file from its open document when
//! there is one, else from disk; diagnostics are published for every open document of that
//! plugin. Positions are UTF-16, as the protocol's default requires.

mod context;
mod convert;
mod hover;
pub mod transport;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use serde_json::Value;

use crate::lint::buffer::{lint_one, plugin_with_texts, target};
use crate::lint::{LintOptions, PluginReport};
use crate::plugin::load::MANIFEST;
use crate::source::SourceFile;

pub use convert::{offset, path_to_uri, position, uri_to_path};

/// An open document.
struct Doc {
    path: PathBuf,
    /// The document's text with its line index (UTF-16 positions come from it).
    file: SourceFile,
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
                code_action_kinds: Some(vec![
                    lsp::CodeActionKind::QUICKFIX,
                    lsp::CodeActionKind::SOURCE_FIX_ALL,
                ]),
                ..Default::default()
            },
        )),
        execute_command_provider: Some(lsp::ExecuteCommandOptions {
            commands: vec![MAKE_EXECUTABLE.into()],
            ..Default::default()
        }),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![" ".into(), ":".into()]),
            ..Default::default()
        }),
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

/// Runs the server on stdin and stdout until the client says `exit` or the input ends.
/// Returns whether it ended as the protocol wants (`exit` after `shutdown`).
pub fn run_stdio() -> Result<bool, ServerError> {
    transport::stdio(serve)
}

/// The command that makes a file executable (the `chmod +x` fixes), run by the server.
pub const MAKE_EXECUTABLE: &str = "wazo-plugin.makeExecutable";

/// Runs the server on `connection` until `exit` (or the end of the input). Returns whether
/// `exit` came after `shutdown`.
pub fn serve(connection: &Connection) -> Result<bool, ServerError> {
    use lsp_server::ErrorCode;
    let init = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": {"name": "wazo-plugin", "version": env!("CARGO_PKG_VERSION")},
    });
    let mut server = Server::default();
    let mut initialized = false;
    let mut shut_down = false;
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                let response = if request.method == lsp::request::Initialize::METHOD {
                    if initialized {
                        Response::new_err(
                            request.id,
                            ErrorCode::InvalidRequest as i32,
                            "initialize was already received".into(),
                        )
                    } else {
                        initialized = true;
                        Response::new_ok(request.id, init.clone())
                    }
                } else if !initialized {
                    Response::new_err(
                        request.id,
                        ErrorCode::ServerNotInitialized as i32,
                        "the server is not initialized".into(),
                    )
                } else if shut_down {
                    Response::new_err(
                        request.id,
                        ErrorCode::InvalidRequest as i32,
                        "the server is shut down".into(),
                    )
                } else if request.method == lsp::request::Shutdown::METHOD {
                    shut_down = true;
                    Response::new_ok(request.id, Value::Null)
                } else {
                    let id = request.id.clone();
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        server.request(request)
                    }));
                    match result {
                        Ok((response, notes)) => {
                            for note in notes {
                                send(connection, Message::Notification(note))?;
                            }
                            response
                        }
                        Err(_) => Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            "internal error (a bug in wazo-plugin)".into(),
                        ),
                    }
                };
                send(connection, Message::Response(response))?;
            }
            Message::Notification(note) => {
                if note.method == lsp::notification::Exit::METHOD {
                    return Ok(shut_down);
                }
                if !initialized || shut_down {
                    continue;
                }
                let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    server.notification(note)
                }))
                .unwrap_or_default();
                for out in out {
                    send(connection, Message::Notification(out))?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(false)
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
                file: SourceFile::new(path.clone(), PathBuf::new(), text),
            },
        );
        self.publish_plugin(&path)
    }

    /// The plugin `path` belongs to, linted with the open documents' texts.
    fn lint(&self, path: &Path) -> Option<PluginReport> {
        let root = target(path).ok()?.root;
        // Every open document of the plugin replaces its file, through the one loader.
        let mut texts: Vec<(&Path, String)> = self
            .docs
            .values()
            .filter(|d| target(&d.path).is_ok_and(|t| t.root == root))
            .map(|d| (d.path.as_path(), d.file.text.clone()))
            .collect();
        // The document asked about first, so that its plugin is the one loaded.
        texts.sort_by_key(|(p, _)| *p != path);
        let plugin = plugin_with_texts(&texts).ok();
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
                .map(|d| convert::diagnostic(d, uri, &doc.file))
                .collect();
            out.push(publish(uri.clone(), diagnostics));
        }
        out
    }

    /// Answers a request; also returns the notifications it causes (new diagnostics after a
    /// command changed a file).
    fn request(&mut self, request: Request) -> (Response, Vec<Notification>) {
        use lsp::request::{CodeActionRequest, Completion, ExecuteCommand, HoverRequest};
        let id = request.id.clone();
        let mut notes = Vec::new();
        let result = match request.method.as_str() {
            HoverRequest::METHOD => params::<lsp::HoverParams>(request.params)
                .map(|p| serde_json::to_value(self.hover(p)).unwrap_or(Value::Null)),
            CodeActionRequest::METHOD => params::<lsp::CodeActionParams>(request.params)
                .map(|p| serde_json::to_value(self.code_actions(p)).unwrap_or(Value::Null)),
            Completion::METHOD => params::<lsp::CompletionParams>(request.params)
                .map(|p| serde_json::to_value(self.completion(p)).unwrap_or(Value::Null)),
            ExecuteCommand::METHOD => {
                params::<lsp::ExecuteCommandParams>(request.params).and_then(|p| {
                    let (value, out) = self.execute(p)?;
                    notes = out;
                    Some(value)
                })
            }
            _ => {
                let response = Response::new_err(
                    id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("unsupported request {}", request.method),
                );
                return (response, notes);
            }
        };
        let response = match result {
            Some(value) => Response::new_ok(id, value),
            None => Response::new_err(
                id,
                lsp_server::ErrorCode::InvalidParams as i32,
                "invalid parameters".into(),
            ),
        };
        (response, notes)
    }

    fn hover(&self, p: lsp::HoverParams) -> Option<lsp::Hover> {
        let at = p.text_document_position_params;
        let doc = self.docs.get(&at.text_document.uri)?;
        if target(&doc.path).ok()?.rel != MANIFEST {
            return None;
        }
        let offset = offset(&doc.file, at.position);
        let (markdown, span) = hover::hover_at(&doc.file.text, offset)?;
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: markdown,
            }),
            range: Some(convert::range(&doc.file, &span)),
        })
    }

    fn completion(&self, p: lsp::CompletionParams) -> Option<lsp::CompletionResponse> {
        let at = p.text_document_position;
        let doc = self.docs.get(&at.text_document.uri)?;
        let t = target(&doc.path).ok()?;
        if t.rel != MANIFEST {
            return None;
        }
        let folder = t
            .root
            .canonicalize()
            .ok()
            .and_then(|r| r.file_name().map(|n| n.to_string_lossy().into_owned()));
        let offset = offset(&doc.file, at.position);
        let items = hover::completions(&doc.file.text, offset, folder.as_deref())
            .into_iter()
            .map(|c| lsp::CompletionItem {
                label: c.label.clone(),
                kind: Some(if c.key {
                    lsp::CompletionItemKind::PROPERTY
                } else {
                    lsp::CompletionItemKind::VALUE
                }),
                detail: Some(c.detail),
                documentation: (!c.documentation.is_empty()).then_some(
                    lsp::Documentation::MarkupContent(lsp::MarkupContent {
                        kind: lsp::MarkupKind::Markdown,
                        value: c.documentation,
                    }),
                ),
                filter_text: Some(c.label),
                text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(
                    convert::range(&doc.file, &c.span),
                    c.insert,
                ))),
                ..Default::default()
            })
            .collect();
        Some(lsp::CompletionResponse::Array(items))
    }

    /// The text of a plugin file: its open document, else the text that was linted.
    fn file_text<'a>(
        &'a self,
        report: &'a PluginReport,
        root: &Path,
        rel: &Path,
    ) -> Option<&'a SourceFile> {
        let path = root.join(rel);
        self.docs
            .values()
            .find(|d| d.path == path)
            .map(|d| &d.file)
            .or_else(|| report.source(rel))
    }

    /// The workspace edit and the command of the fixes of `diagnostics`, taken together as
    /// `lint --fix` takes them (overlapping fixes left out). `None` when there is nothing to do.
    // lsp_types keys a WorkspaceEdit's changes by Uri, which clippy deems mutable: it is not
    // mutated here.
    #[allow(clippy::mutable_key_type)]
    fn fix_action(
        &self,
        report: &PluginReport,
        root: &Path,
        diagnostics: &[&crate::diagnostic::Diagnostic],
    ) -> Option<(Option<lsp::WorkspaceEdit>, Option<lsp::Command>)> {
        let plan = crate::fix::plan(diagnostics.iter().copied());
        if plan.accepted.is_empty() {
            return None;
        }
        let mut changes = HashMap::new();
        for (rel, edits) in &plan.edits {
            let path = root.join(rel);
            let open = self
                .docs
                .iter()
                .find(|(_, d)| d.path == path)
                .map(|(u, _)| u.clone());
            let uri = match open {
                Some(uri) => uri,
                None => path_to_uri(&path.canonicalize().unwrap_or(path))?,
            };
            let text = self.file_text(report, root, rel)?;
            let edits = edits
                .iter()
                .map(|e| lsp::TextEdit::new(convert::range(text, &e.span), e.replacement.clone()))
                .collect();
            changes.insert(uri, edits);
        }
        let edit = (!changes.is_empty()).then(|| lsp::WorkspaceEdit {
            changes: Some(changes),
            ..Default::default()
        });
        let command = (!plan.executable.is_empty()).then(|| lsp::Command {
            title: "make executable".into(),
            command: MAKE_EXECUTABLE.into(),
            arguments: Some(
                plan.executable
                    .iter()
                    .map(|rel| Value::String(root.join(rel).to_string_lossy().into_owned()))
                    .collect(),
            ),
        });
        Some((edit, command))
    }

    fn code_actions(&self, p: lsp::CodeActionParams) -> Vec<lsp::CodeActionOrCommand> {
        let uri = p.text_document.uri;
        let Some(doc) = self.docs.get(&uri) else {
            return Vec::new();
        };
        let (Some(report), Ok(t)) = (self.lint(&doc.path), target(&doc.path)) else {
            return Vec::new();
        };
        let wanted_kind = |kind: &lsp::CodeActionKind| {
            p.context.only.as_ref().is_none_or(|only| {
                only.iter().any(|o| {
                    kind.as_str() == o.as_str()
                        || kind.as_str().starts_with(&format!("{}.", o.as_str()))
                })
            })
        };
        let wanted = offset(&doc.file, p.range.start)..offset(&doc.file, p.range.end);
        let mut actions = Vec::new();
        let in_doc: Vec<&crate::diagnostic::Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| d.file == Path::new(t.rel))
            .collect();
        if wanted_kind(&lsp::CodeActionKind::QUICKFIX) {
            for d in &in_doc {
                let (Some(fix), Some(label)) = (&d.fix, &d.primary) else {
                    // A finding about the whole file (no span) is fixable from anywhere in it.
                    if let Some(fix) = &d.fix
                        && let Some((edit, command)) = self.fix_action(&report, &t.root, &[d])
                    {
                        actions.push(quickfix(fix, d, &uri, &doc.file, edit, command));
                    }
                    continue;
                };
                let touches = label.span.start <= wanted.end && wanted.start <= label.span.end;
                if !touches {
                    continue;
                }
                if let Some((edit, command)) = self.fix_action(&report, &t.root, &[d]) {
                    actions.push(quickfix(fix, d, &uri, &doc.file, edit, command));
                }
            }
        }
        let fix_all = lsp::CodeActionKind::SOURCE_FIX_ALL;
        if wanted_kind(&fix_all) {
            let fixable: Vec<&crate::diagnostic::Diagnostic> = report
                .diagnostics
                .iter()
                .filter(|d| d.fix.is_some())
                .collect();
            if let Some((edit, command)) = self.fix_action(&report, &t.root, &fixable) {
                actions.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: format!(
                        "Fix all wazo-plugin findings of the plugin ({})",
                        fixable.len()
                    ),
                    kind: Some(fix_all),
                    edit,
                    command,
                    ..Default::default()
                }));
            }
        }
        actions
    }

    /// Runs `wazo-plugin.makeExecutable PATH...`: `chmod +x` on files of open plugins only.
    fn execute(&mut self, p: lsp::ExecuteCommandParams) -> Option<(Value, Vec<Notification>)> {
        if p.command != MAKE_EXECUTABLE {
            return None;
        }
        let mut notes = Vec::new();
        for arg in p.arguments {
            let path = PathBuf::from(arg.as_str()?);
            let t = target(&path).ok()?;
            let report = self.lint(&path)?;
            // Only the chmod actions of the fixes for that file.
            let mut only_chmod = report.clone();
            for d in &mut only_chmod.diagnostics {
                if let Some(fix) = &mut d.fix {
                    fix.actions.retain(|a| matches!(a, crate::diagnostic::FixAction::MakeExecutable { file } if file == Path::new(t.rel)));
                }
            }
            let outcome = crate::fix::apply(&t.root, &only_chmod, |d| {
                d.fix.as_ref().is_some_and(|f| !f.actions.is_empty())
            });
            if outcome.applied.is_empty() {
                return None;
            }
            notes.extend(self.publish_plugin(&path));
        }
        Some((Value::Null, notes))
    }
}

fn quickfix(
    fix: &crate::diagnostic::Fix,
    d: &crate::diagnostic::Diagnostic,
    uri: &lsp::Uri,
    file: &SourceFile,
    edit: Option<lsp::WorkspaceEdit>,
    command: Option<lsp::Command>,
) -> lsp::CodeActionOrCommand {
    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: format!("{} ({})", fix.description, d.code),
        kind: Some(lsp::CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![convert::diagnostic(d, uri, file)]),
        edit,
        command,
        is_preferred: Some(true),
        ..Default::default()
    })
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
