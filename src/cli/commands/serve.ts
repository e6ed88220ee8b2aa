import { buildServer } from '../../server/index.js';
import { parseCommand, parsePositive, UsageError } from '../args.js';
import { profileOf } from './encode.js';

export const SERVE_USAGE = `usage: lirn serve DIR [options]

Serves the videos in DIR (created if missing) over HTTP: HLS playlists and segments, the library API, uploads
with encode jobs (POST /api/videos), progress as Server-Sent Events, and the player at /.
Unfinished encode jobs in DIR resume when the server starts.

  --port N              TCP port (default 8080; 0 picks a free one)
  --host ADDR           address to listen on (default 127.0.0.1)
  --max-upload MB       largest accepted upload in MiB (default 2048)
  --profile S|M|L       default model size for uploads (default M)
  --iterations N        default training iterations per cold chunk (default 2000)
  --max-iterations N    the most iterations an upload may ask for (default 20000)
  --engine auto|native|tfjs   training engine (default auto)
  --no-fallback         do not make the H.264 rendition
  --player DIR          built player to serve at / (default player/dist)
  --log                 log every request (JSON lines on stdout)
`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(
    argv,
    {
      port: { type: 'string', default: '8080' },
      host: { type: 'string', default: '127.0.0.1' },
      'max-upload': { type: 'string', default: '2048' },
      profile: { type: 'string', default: 'M' },
      iterations: { type: 'string', default: '2000' },
      'max-iterations': { type: 'string', default: '20000' },
      engine: { type: 'string', default: 'auto' },
      'no-fallback': { type: 'boolean', default: false },
      player: { type: 'string' },
      log: { type: 'boolean', default: false },
    },
    SERVE_USAGE,
  );
  if (positionals.length !== 1) throw new UsageError(`give exactly one data directory\n\n${SERVE_USAGE}`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port must be 0..65535, got '${values.port}'`);
  const maxIterations = parsePositive(values['max-iterations'], '--max-iterations', { integer: true })!;
  const iterations = parsePositive(values.iterations, '--iterations', { integer: true })!;
  if (iterations > maxIterations) throw new UsageError('--iterations is above --max-iterations');
  const app = await buildServer({
    dataDir: positionals[0],
    maxUploadBytes: Math.round(parsePositive(values['max-upload'], '--max-upload')! * 1024 * 1024),
    encode: { profile: profileOf(values.profile ?? 'M'), iterations },
    limits: { maxIterations },
    engine: values.engine,
    fallback: !values['no-fallback'],
    ...(values.player ? { playerDir: values.player } : {}),
    fastify: { logger: values.log ? { level: 'info' } : { level: 'warn' } },
  });
  const address = await app.listen({ port, host: values.host });
  process.stderr.write(
    `lirn serve: ${positionals[0]} at ${address}/ (Ctrl-C stops; running encodes resume next time)\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stderr.write('lirn serve: stopping (saving encoder state)…\n');
  await app.close();
  return 0;
}
