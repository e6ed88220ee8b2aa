/** HandlerReferenceBox (ISO/IEC 14496-12 §8.4.3). */
import { type Box, defineBox } from '../box.js';

export interface HdlrBox extends Box {
  handler_type: string;
  name: string;
}

export const hdlr = defineBox<HdlrBox>({
  full: true,
  versions: [0],
  fields(s, b) {
    s.u32('pre_defined', 0);
    b.handler_type = s.fourcc('handler_type', b.handler_type);
    for (let i = 0; i < 3; i++) s.u32('reserved', 0);
    b.name = s.cstring('name', b.name);
  },
});
