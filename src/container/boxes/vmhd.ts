/** VideoMediaHeaderBox (ISO/IEC 14496-12 §12.1.2); flags are 1 by definition. */
import { type Box, defineBox } from '../box.js';

export interface VmhdBox extends Box {
  graphicsmode?: number;
  opcolor?: number[];
}

export const vmhd = defineBox<VmhdBox>({
  full: true,
  versions: [0],
  fields(s, b) {
    b.graphicsmode = s.u16('graphicsmode', b.graphicsmode ?? 0);
    const opcolor: number[] = [];
    for (let i = 0; i < 3; i++) opcolor.push(s.u16('opcolor', b.opcolor?.[i] ?? 0));
    b.opcolor = opcolor;
  },
});
