/** LatentInrConfigurationBox `lirC`: a MessagePack map (spec/03-semantics.md §3.4), kept as raw bytes here. */
import { type Box, defineBox } from '../box.js';

export interface LircBox extends Box {
  /** The MessagePack-coded configuration map, decoded by `lirc-payload.ts`. */
  data: Uint8Array;
}

export const lirC = defineBox<LircBox>({
  full: true,
  versions: [0],
  fields(s, b) {
    b.data = s.bytes('configuration', s.reading ? s.remaining() : b.data.length, b.data);
  },
});
