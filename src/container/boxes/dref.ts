/** DataReferenceBox and its DataEntryUrlBox (ISO/IEC 14496-12 §8.7.2). */
import { type Box, defineBox } from '../box.js';

export interface DrefBox extends Box {
  entry_count: number;
}

export const dref = defineBox<DrefBox>({
  full: true,
  versions: [0],
  fields(s, b) {
    b.entry_count = s.count('entry_count', 32, 8, b.children?.length ?? 0);
  },
  children: 'counted',
});

/** `url ` flags bit 0: the media data is in the same file as the box (no location follows). */
export const URL_SELF_CONTAINED = 0x000001;

export interface UrlBox extends Box {
  location?: string;
}

export const url = defineBox<UrlBox>({
  full: true,
  versions: [0],
  fields(s, b) {
    if (((b.flags ?? 0) & URL_SELF_CONTAINED) === 0) b.location = s.cstring('location', b.location);
  },
});
