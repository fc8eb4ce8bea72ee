// Starts `wazo-plugin lsp` for wazo/plugin.yml and wazo/rules files, with VS Code's language
// client. The server does the work: diagnostics, quick fixes (its `wazo-plugin.makeExecutable`
// command included), fix all, completion and hover. The JSON Schema of plugin.yml is also
// given to the YAML extension (package.json, yamlValidation).
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

async function activate(context) {
  const command = vscode.workspace.getConfiguration('wazoPlugin').get('path') || 'wazo-plugin';
  const server = { command, args: ['lsp'] };
  client = new LanguageClient(
    'wazo-plugin',
    'wazo-plugin',
    { run: server, debug: server },
    {
      documentSelector: [
        { scheme: 'file', pattern: '**/wazo/plugin.yml' },
        { scheme: 'file', pattern: '**/wazo/rules' },
      ],
    },
  );
  context.subscriptions.push(client);
  await client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
