/** The `lirn` command. Each subcommand lives in its own module under src/cli/commands/. */
import { ContainerError } from '../container/errors.js';
import { UsageError } from './args.js';

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  encode: {
    summary: 'video file → .lirn (trains the models)',
    load: async () => (await import('./commands/encode.js')).encodeCommand,
  },
  decode: {
    summary: '.lirn → MP4 at any size and frame rate',
    load: async () => (await import('./commands/decode.js')).decodeCommand,
  },
  transcode: {
    summary: 'video → .lirn → MP4 round trip',
    load: async () => (await import('./commands/transcode.js')).transcodeCommand,
  },
  info: {
    summary: 'model, components and bpp of a .lirn file (--boxes: box tree)',
    load: async () => (await import('./commands/info.js')).infoCommand,
  },
  serve: {
    summary: 'HTTP server: HLS streaming, uploads and encode jobs, the player',
    load: async () => (await import('./commands/serve.js')).serveCommand,
  },
  conform: {
    summary: 'check files and a decoder against the conformance vectors (--all)',
    load: async () => (await import('./commands/conform.js')).conformCommand,
  },
  bench: {
    summary: 'measure the codec against x264/x265/SVT-AV1, minterpolate, lanczos (bench/RESULTS.md)',
    load: async () => (await import('./commands/bench.js')).benchCommand,
  },
  search: {
    summary: 'search a directory of aligned .lirn files by image, embedding or text (no decoding)',
    load: async () => (await import('./commands/search.js')).searchCommand,
  },
  map: {
    summary: "UMAP of a file's per-frame latents as an SVG, coloured by time",
    load: async () => (await import('./commands/map.js')).mapCommand,
  },
  demo: {
    summary: 'the whole codec on an embedded clip',
    load: async () => (await import('./commands/demo.js')).demoCommand,
  },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(11)} ${c.summary}`);
  return `lirn — Latent-INR video codec\n\nusage: lirn <command> [options]   (lirn <command> --help for its options)\n\ncommands:\n${lines.join('\n')}\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`lirn: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      const mod = (await import(`./commands/${name}.js`)) as Record<string, unknown>;
      const text = Object.entries(mod).find(([k]) => k.endsWith('_USAGE'))?.[1];
      process.stdout.write(typeof text === 'string' ? text : usage());
      return 0;
    }
    return await (await command.load())(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`lirn ${name}: ${e.message}\n`);
      return 2;
    }
    const err = e as Error & { details?: string; path?: string };
    const kind = e instanceof ContainerError ? 'malformed file' : err.name;
    process.stderr.write(`lirn ${name}: ${kind}: ${err.message}\n`);
    if (process.env.LIRN_DEBUG) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
