/**
 * Fills the RESULTS.md sections owned by the standalone benchmarks (engine, huffman, render, server, fuzz) with
 * those scripts' own output, verbatim, under the command that produced it — so no figure there is typed in.
 *
 *   npx tsx bench/sections.ts [--only engine,huffman] [--from DIR]   (--from: reuse DIR/<name>.txt captured earlier)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gitState, machineInfo } from './lib/run-info.js';

const SECTIONS: Record<string, { file: string; args: string[] }> = {
  engine: { file: 'engine', args: ['bench/engine.ts', 'M', '8', '2048', '30'] },
  huffman: { file: 'huffman', args: ['bench/huffman.ts'] },
  render: { file: 'player-render', args: ['bench/player-render.ts'] },
  server: { file: 'server-load', args: ['bench/server-load.ts', '5', '3', '200'] },
  fuzz: { file: 'fuzz', args: ['bench/fuzz.ts', '--count', '100000', '--seed', '11'] },
};

const { values } = parseArgs({ options: { only: { type: 'string' }, from: { type: 'string' } } });
const root = join(import.meta.dirname, '..');
const resultsPath = join(import.meta.dirname, 'RESULTS.md');
const names = values.only ? values.only.split(',') : Object.keys(SECTIONS);
const machine = machineInfo();
const { commit, dirty } = gitState(root);
let markdown = readFileSync(resultsPath, 'utf8');

for (const name of names) {
  const section = SECTIONS[name];
  if (!section) throw new Error(`unknown section '${name}' (known: ${Object.keys(SECTIONS).join(', ')})`);
  const command = `npx tsx ${section.args.join(' ')}`;
  let output: string;
  let when = new Date();
  if (values.from) {
    const path = join(values.from, `${section.file}.txt`);
    output = readFileSync(path, 'utf8');
    when = statSync(path).mtime;
  } else {
    process.stderr.write(`running ${command}\n`);
    output = execFileSync(process.execPath, ['--import', 'tsx', ...section.args], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 1 << 26,
    });
  }
  const lines = output.split('\n').filter((l) => !/^npm warn|^== |^(real|user|sys)\s/.test(l));
  const begin = `<!-- BEGIN SECTION ${name} -->`;
  const end = `<!-- END SECTION ${name} -->`;
  const a = markdown.indexOf(begin);
  const b = markdown.indexOf(end);
  if (a < 0 || b < a) throw new Error(`RESULTS.md has no section '${name}'`);
  const title =
    markdown
      .slice(a + begin.length, b)
      .split('\n')
      .find((l) => l.startsWith('### ')) ?? `### ${name}`;
  const body = [
    title,
    '',
    `\`${command}\` — ${when.toISOString().slice(0, 16)} UTC, commit ${commit.slice(0, 12)}${dirty ? ' (with uncommitted changes)' : ''}, ${machine.cpu}, ${machine.cores} cores`,
    '',
    '```',
    ...lines.join('\n').trim().split('\n'),
    '```',
  ].join('\n');
  markdown = `${markdown.slice(0, a + begin.length)}\n${body}\n${markdown.slice(b)}`;
}
writeFileSync(resultsPath, markdown);
process.stderr.write(`updated ${names.join(', ')} in ${resultsPath}\n`);
