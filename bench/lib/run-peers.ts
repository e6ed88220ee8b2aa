/**
 * Prints peer RD points on a benchmark clip (no result files written).
 * Usage: npx tsx bench/lib/run-peers.ts [bunny|vtest] [x264,x265,x265_444,svtav1,vp9] [crf,crf,...]
 */
import { type ClipName, loadClip } from './clips.js';
import { PEERS, runPeer } from './peers.js';

const clipName = (process.argv[2] ?? 'bunny') as ClipName;
const peerKeys = (process.argv[3] ?? 'x264,x265').split(',') as (keyof typeof PEERS)[];
const crfs = (process.argv[4] ?? '23,28').split(',').map(Number);

const clip = await loadClip(clipName, { log: (line) => console.log(line) });
console.log(`${clipName} ${clip.width}×${clip.height}×${clip.frames.length}`);
console.log(
  'peer                 crf   bytes      bpp     PSNR dB  (avg-MSE)  SSIM     encode s  decode fps',
);
for (const key of peerKeys) {
  const peer = PEERS[key];
  if (!peer) throw new Error(`unknown peer ${key}; known: ${Object.keys(PEERS).join(', ')}`);
  await runPeer(
    clip,
    peer,
    crfs.map((crf) => ({ crf })),
    {
      onPoint: (p) =>
        console.log(
          [
            p.peer.padEnd(20),
            String('crf' in p.setting ? p.setting.crf : p.setting.bitrate).padStart(4),
            String(p.bytes).padStart(9),
            p.bpp.toFixed(4).padStart(8),
            p.psnr.toFixed(3).padStart(9),
            p.psnrOfMeanMse.toFixed(3).padStart(9),
            p.ssim.toFixed(5).padStart(9),
            p.encodeSeconds.toFixed(2).padStart(8),
            p.decodeFps.toFixed(1).padStart(10),
          ].join('  '),
        ),
    },
  );
}
