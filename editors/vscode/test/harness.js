'use strict';
// Runs extension.js against stand-ins for the `vscode` module and the
// language client, and prints what it did as JSON: the commands it would
// start the server with, the messages it showed, the restarts. Needs only
// Node (no npm install); tests/test_editors.py reads its output.
//
//   node test/harness.js SCENARIO_JSON
//
// SCENARIO_JSON: {"settings": {...}, "folder": "/w", "fail": "spawn targetdsl ENOENT",
//                 "change": {"targetdsl.python": "/usr/bin/python3"}, "choose": "Open Settings"}

const Module = require('module');
const path = require('path');

const scenario = JSON.parse(process.argv[2] || '{}');
const events = [];
let settings = { ...(scenario.settings || {}) };
const listeners = [];

const vscode = {
  l10n: {
    t: (message, ...args) => message.replace(/\{(\d+)\}/g, (_, i) => String(args[Number(i)])),
  },
  workspace: {
    workspaceFolders: scenario.folder ? [{ uri: { fsPath: scenario.folder } }] : undefined,
    getConfiguration: (section) => ({
      get: (key) => settings[`${section}.${key}`],
    }),
    onDidChangeConfiguration: (listener) => {
      listeners.push(listener);
      return { dispose() {} };
    },
    createFileSystemWatcher: (glob) => ({ glob, dispose() {} }),
  },
  window: {
    createOutputChannel: (name) => ({
      name,
      appendLine: (line) => events.push({ output: line }),
      show: () => events.push({ shown: name }),
      dispose() {},
    }),
    showErrorMessage: async (message, ...buttons) => {
      events.push({ error: message, buttons });
      return scenario.choose;
    },
  },
  commands: {
    registerCommand: (name) => {
      events.push({ registered: name });
      return { dispose() {} };
    },
    executeCommand: async (...args) => events.push({ executed: args }),
  },
};

class LanguageClient {
  constructor(id, name, serverOptions, clientOptions) {
    this.id = id;
    events.push({
      client: {
        id,
        name,
        run: serverOptions.run,
        debug: serverOptions.debug,
        selector: clientOptions.documentSelector,
        watches: clientOptions.synchronize.fileEvents.glob,
      },
    });
  }

  async start() {
    events.push({ start: this.id });
    if (scenario.fail) {
      throw new Error(scenario.fail);
    }
  }

  async stop() {
    events.push({ stop: this.id });
  }
}

const originalLoad = Module._load;
Module._load = function load(request, parent, isMain) {
  if (request === 'vscode') return vscode;
  if (request === 'vscode-languageclient/node') return { LanguageClient };
  return originalLoad.call(this, request, parent, isMain);
};

async function main() {
  const extension = require(path.join(__dirname, '..', 'extension.js'));
  const context = { subscriptions: [] };
  await extension.activate(context);
  if (scenario.change) {
    settings = { ...settings, ...scenario.change };
    const changed = Object.keys(scenario.change);
    const event = { affectsConfiguration: (name) => changed.some((key) => key === name || key.startsWith(`${name}.`)) };
    for (const listener of listeners) {
      await listener(event);
    }
  }
  await extension.deactivate();
  events.push({ subscriptions: context.subscriptions.length });
  process.stdout.write(JSON.stringify(events));
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
