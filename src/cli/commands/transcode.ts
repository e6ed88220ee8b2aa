import { decodeLirnToFile } from '../../media/transcode.js';
import { parseCommand, parseSize, requireOption } from '../args.js';
import { chooseRenderer } from '../engines.js';
import { fpsRational } from './decode.js';
import { ENCODE_USAGE, encodeOptions, runEncode } from './encode.js';

export const TRANSCODE_USAGE = `usage: lirn transcode -i INPUT -o OUTPUT.mp4 [encode options] [--out-size WxH] [--out-fps F] [--keep FILE.lirn]

Encodes INPUT to Latent-INR and decodes it back to MP4 (H.264), optionally at another size and frame rate.
Encode options are those of 'lirn encode':
${ENCODE_USAGE.split('\n').slice(4).join('\n')}`;

export async function transcodeCommand(argv: string[]): Promise<number> {
  const { values } = parseCommand(
    argv,
    {
      ...encodeOptions,
      'out-size': { type: 'string' },
      'out-fps': { type: 'string' },
      keep: { type: 'string' },
    },
    TRANSCODE_USAGE,
  );
  const output = requireOption(values.output, '-o OUTPUT', TRANSCODE_USAGE);
  const lirn = values.keep ?? `${output}.lirn`;
  await runEncode({ ...values, output: lirn }, TRANSCODE_USAGE);
  const r = await decodeLirnToFile({
    input: lirn,
    output,
    ...(values['out-size'] ? parseSize(values['out-size'], '--out-size') : {}),
    fps: values['out-fps'] ? fpsRational(values['out-fps']) : undefined,
    renderer: chooseRenderer('auto').factory,
  });
  if (!values.keep) await (await import('node:fs/promises')).rm(lirn, { force: true });
  process.stderr.write(`${output}: ${r.frames} frames ${r.width}x${r.height}, ${r.bytes} bytes\n`);
  return 0;
}
