/**
 * `lirW` (coded model weights: one or more coded tensor groups per parameter group, each tensor in one) and `lirL` (latent coding
 * parameters). Their payload syntax lives with the coding stage (src/codec/coding/, spec/05-coding-payloads.md);
 * these boxes only frame it.
 */
import {
  type CodedTensorGroup,
  codedTensorGroupSyntax,
  type LatentCoding,
  latentCodingSyntax,
} from '../../codec/coding/index.js';
import { type Box, defineBox } from '../box.js';

/** Smallest coded tensor group: param_group, tensor_count, a Huffman table and payload_size. */
const MIN_GROUP_BYTES = 7;

export interface LirwBox extends Box {
  groups: CodedTensorGroup[];
}

export const lirW = defineBox<LirwBox>({
  full: true,
  versions: [0],
  fields(s, b) {
    const n = s.count('group_count', 8, MIN_GROUP_BYTES, b.groups?.length);
    const groups: CodedTensorGroup[] = [];
    for (let i = 0; i < n; i++)
      groups.push(codedTensorGroupSyntax(s, s.reading ? ({} as CodedTensorGroup) : b.groups[i]));
    b.groups = groups;
  },
});

export interface LirlBox extends Box {
  coding: LatentCoding;
}

export const lirL = defineBox<LirlBox>({
  full: true,
  versions: [0],
  fields(s, b) {
    b.coding = latentCodingSyntax(s, s.reading ? ({} as LatentCoding) : b.coding);
  },
});
