'use strict';
// Colours policy files with the extension's TextMate grammar through the
// engine VS Code itself uses (vscode-textmate with the Oniguruma regular
// expressions), and prints each line as a list of [text, scope] tokens:
// the scope is the innermost one. Needs the dev dependencies (`npm ci`).
//
//   node test/tokenize.js FILE...   → {"FILE": [[[text, scope], ...], ...], ...}

const fs = require('fs');
const path = require('path');
const textmate = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const GRAMMAR = path.join(__dirname, '..', 'syntaxes', 'targetdsl.tmLanguage.json');

async function main() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== 'source.targetdsl') return null;
      return textmate.parseRawGrammar(fs.readFileSync(GRAMMAR, 'utf8'), GRAMMAR);
    },
  });
  const grammar = await registry.loadGrammar('source.targetdsl');
  const result = {};
  for (const file of process.argv.slice(2)) {
    let state = textmate.INITIAL;
    const lines = [];
    for (const line of fs.readFileSync(file, 'utf8').split(/\r\n|\r|\n/)) {
      const tokens = grammar.tokenizeLine(line, state);
      lines.push(
        tokens.tokens.map((token) => [
          line.slice(token.startIndex, token.endIndex),
          token.scopes[token.scopes.length - 1],
        ]),
      );
      state = tokens.ruleStack;
    }
    result[file] = lines;
  }
  process.stdout.write(JSON.stringify(result));
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
