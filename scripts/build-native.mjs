#!/usr/bin/env node
/**
 * Builds the native engine addon (native/binding.gyp → native/build/Release/lirn_native.node) with the node-gyp
 * that ships inside npm, against this Node's own headers when they are installed beside it (no download).
 *
 *   node scripts/build-native.mjs             build (fails loudly)
 *   node scripts/build-native.mjs --if-needed build only when the addon is missing or older than its sources
 *   node scripts/build-native.mjs --install   npm's install hook: never fails; prints one line on failure
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');
const addon = join(nativeDir, 'build', 'Release', 'lirn_native.node');
const args = new Set(process.argv.slice(2));
const installHook = args.has('--install');
const ifNeeded = args.has('--if-needed') || installHook;

function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  try {
    candidates.push(createRequire(join(root, 'package.json')).resolve('node-gyp/bin/node-gyp.js'));
  } catch {}
  return candidates.find((p) => p && existsSync(p));
}

/** This Node's headers, when installed next to the binary (Debian's nodejs, official tarballs). */
function localNodeDir() {
  const dir = resolve(dirname(process.execPath), '..');
  return existsSync(join(dir, 'include', 'node', 'node_api.h')) ? dir : null;
}

function newestSource() {
  let newest = statSync(join(nativeDir, 'binding.gyp')).mtimeMs;
  for (const f of readdirSync(join(nativeDir, 'src'))) newest = Math.max(newest, statSync(join(nativeDir, 'src', f)).mtimeMs);
  return newest;
}

function upToDate() {
  return existsSync(addon) && statSync(addon).mtimeMs >= newestSource();
}

function build() {
  const gyp = findNodeGyp();
  if (!gyp) throw new Error('node-gyp not found (it ships with npm; set npm_config_node_gyp to its node-gyp.js)');
  const gypArgs = [gyp, 'rebuild', '--directory', nativeDir, '-j', 'max'];
  const nodedir = process.env.npm_config_nodedir || localNodeDir();
  if (nodedir) gypArgs.push(`--nodedir=${nodedir}`);
  const started = Date.now();
  const r = spawnSync(process.execPath, gypArgs, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').filter((l) => /error|Error|ERR!/.test(l));
    throw new Error(`node-gyp failed (${r.error?.message ?? `exit ${r.status}`}): ${out.slice(0, 3).join(' | ')}`);
  }
  console.log(`native addon built in ${((Date.now() - started) / 1000).toFixed(1)} s: ${addon}`);
}

// A lock directory keeps parallel test workers from building at once; a lock older than 5 minutes is stale.
const lock = join(nativeDir, '.build-lock');
function withLock(fn) {
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      } catch {}
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

try {
  withLock(() => {
    if (ifNeeded && upToDate()) return;
    build();
  });
} catch (err) {
  const msg = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  if (installHook) {
    console.log(`lirn: native engine not built (${msg}); the tfjs engine will be used`);
    process.exit(0);
  }
  console.error(`build-native: ${msg}`);
  process.exit(1);
}
