'use strict';
// The targetdsl extension: starts the language server (`targetdsl lsp`) for
// .tdsl files and restarts it when its settings change. Checking, hover,
// completion and formatting are the server's; highlighting is the TextMate
// grammar in syntaxes/, generated from targetdsl/keywords.py. Plain
// JavaScript, so that packaging needs no compile step.

const os = require('os');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

const SECTION = 'targetdsl';
const SETTINGS = ['python', 'server.command', 'server.args'];

let client;
let output;

// `~` and `${workspaceFolder}` in a configured path, as people write them in settings.json.
function expand(value, folder) {
  let text = String(value || '').trim();
  if (text === '~' || text.startsWith('~/') || text.startsWith('~\\')) {
    text = path.join(os.homedir(), text.slice(1));
  }
  if (folder) {
    text = text.split('${workspaceFolder}').join(folder);
  }
  return text;
}

// The command that starts the server: `<python> -m targetdsl lsp` when a
// Python is configured, else `targetdsl lsp` (or the configured command).
function serverCommand(config, folder) {
  const configured = config.get('server.args');
  const args = (Array.isArray(configured) ? configured : ['lsp']).map((arg) => expand(arg, folder));
  const python = expand(config.get('python'), folder);
  if (python) {
    return { command: python, args: ['-m', 'targetdsl', ...args] };
  }
  return { command: expand(config.get('server.command'), folder) || 'targetdsl', args };
}

function workspaceFolder() {
  const folders = vscode.workspace.workspaceFolders;
  return folders && folders.length > 0 ? folders[0].uri.fsPath : undefined;
}

function commandLine(executable) {
  return [executable.command, ...executable.args]
    .map((part) => (/\s/.test(part) ? `"${part}"` : part))
    .join(' ');
}

async function start() {
  const folder = workspaceFolder();
  const executable = serverCommand(vscode.workspace.getConfiguration(SECTION), folder);
  // No `transport`: the server speaks LSP on standard input and output, and
  // a transport would add a `--stdio` argument that `targetdsl lsp` does not take.
  const serverOptions = { run: executable, debug: executable };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'targetdsl' },
      { scheme: 'untitled', language: 'targetdsl' },
    ],
    outputChannel: output,
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.tdsl') },
  };
  client = new LanguageClient(SECTION, 'targetdsl', serverOptions, clientOptions);
  output.appendLine(vscode.l10n.t('Starting the language server: {0}', commandLine(executable)));
  try {
    await client.start();
  } catch (error) {
    const reason = error && error.message ? error.message : String(error);
    client = undefined;
    const settings = vscode.l10n.t('Open Settings');
    const log = vscode.l10n.t('Show Output');
    const choice = await vscode.window.showErrorMessage(
      vscode.l10n.t(
        'targetdsl: the language server did not start with `{0}`: {1}. Install targetdsl with pip so that this command finds it, or set `targetdsl.python` to a Python that has it.',
        commandLine(executable),
        reason,
      ),
      settings,
      log,
    );
    if (choice === settings) {
      await vscode.commands.executeCommand('workbench.action.openSettings', SECTION);
    } else if (choice === log) {
      output.show(true);
    }
  }
}

async function stop() {
  const running = client;
  client = undefined;
  if (running) {
    try {
      await running.stop();
    } catch (error) {
      output.appendLine(String(error && error.message ? error.message : error));
    }
  }
}

async function restart() {
  await stop();
  await start();
}

async function activate(context) {
  output = vscode.window.createOutputChannel('targetdsl');
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('targetdsl.restartServer', restart),
    vscode.commands.registerCommand('targetdsl.showOutput', () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (SETTINGS.some((name) => event.affectsConfiguration(`${SECTION}.${name}`))) {
        return restart();
      }
      return undefined;
    }),
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate, serverCommand, expand };
