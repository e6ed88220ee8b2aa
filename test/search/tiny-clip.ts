/**
 * A tiny CLIP-shaped model directory written here (no weights exist on this machine), in the layout
 * transformers.js loads: config.json, preprocessor_config.json, tokenizer files, and two ONNX graphs with random
 * weights — onnx/vision_model.onnx (pixel_values → 4×4 average pool → linear → image_embeds) and
 * onnx/text_model.onnx (input_ids → token embedding → mean → text_embeds). It exercises the real loading and
 * inference path of src/search/clip.ts; its embeddings mean nothing.
 * The ONNX protobuf is encoded by hand (onnx.proto field numbers), opset 17.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRng } from '../../src/codec/util/random.js';

export const TINY_CLIP_DIM = 12;
const VOCAB = ['[PAD]', '[UNK]', 'a', 'red', 'green', 'blue', 'disc', 'box', 'moving', 'picture', 'of'];

class Proto {
  private parts: number[] = [];
  private varint(v: number | bigint): void {
    let x = BigInt(v);
    if (x < 0n) x += 1n << 64n;
    do {
      let b = Number(x & 0x7fn);
      x >>= 7n;
      if (x > 0n) b |= 0x80;
      this.parts.push(b);
    } while (x > 0n);
  }
  int(field: number, v: number | bigint): this {
    this.varint(field << 3);
    this.varint(v);
    return this;
  }
  bytes(field: number, data: Uint8Array): this {
    this.varint((field << 3) | 2);
    this.varint(data.length);
    for (const b of data) this.parts.push(b);
    return this;
  }
  str(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  msg(field: number, m: Proto): this {
    return this.bytes(field, m.done());
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

const FLOAT = 1;
const INT64 = 7;

function tensor(name: string, dims: number[], data: Float32Array): Proto {
  const t = new Proto();
  for (const d of dims) t.int(1, d);
  t.int(2, FLOAT).str(8, name);
  return t.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function valueInfo(name: string, elemType: number, dims: Array<number | string>): Proto {
  const shape = new Proto();
  for (const d of dims) shape.msg(1, typeof d === 'number' ? new Proto().int(1, d) : new Proto().str(2, d));
  const tensorType = new Proto().int(1, elemType).msg(2, shape);
  return new Proto().str(1, name).msg(2, new Proto().msg(1, tensorType));
}

function node(op: string, inputs: string[], outputs: string[], attrs: Proto[] = []): Proto {
  const n = new Proto();
  for (const i of inputs) n.str(1, i);
  for (const o of outputs) n.str(2, o);
  n.str(3, `${op}_${outputs[0]}`).str(4, op);
  for (const a of attrs) n.msg(5, a);
  return n;
}

const ints = (name: string, values: number[]) => {
  const a = new Proto().str(1, name);
  for (const v of values) a.int(8, v);
  return a.int(20, 7);
};
const int = (name: string, v: number) => new Proto().str(1, name).int(3, v).int(20, 2);

function model(graph: Proto): Uint8Array {
  return new Proto()
    .int(1, 8)
    .str(2, 'lirn-test')
    .msg(8, new Proto().str(1, '').int(2, 17))
    .msg(7, graph)
    .done();
}

function random(n: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return new Float32Array(n).map(() => rng.normal() * 0.5);
}

function visionModel(): Uint8Array {
  const g = new Proto()
    .msg(
      1,
      node(
        'AveragePool',
        ['pixel_values'],
        ['pooled'],
        [ints('kernel_shape', [56, 56]), ints('strides', [56, 56])],
      ),
    )
    .msg(1, node('Flatten', ['pooled'], ['flat'], [int('axis', 1)]))
    .msg(1, node('MatMul', ['flat', 'proj'], ['image_embeds']))
    .str(2, 'vision')
    .msg(5, tensor('proj', [48, TINY_CLIP_DIM], random(48 * TINY_CLIP_DIM, 1)))
    .msg(11, valueInfo('pixel_values', FLOAT, ['batch', 3, 224, 224]))
    .msg(12, valueInfo('image_embeds', FLOAT, ['batch', TINY_CLIP_DIM]));
  return model(g);
}

function textModel(): Uint8Array {
  const g = new Proto()
    .msg(1, node('Gather', ['embedding', 'input_ids'], ['tokens'], [int('axis', 0)]))
    .msg(1, node('ReduceMean', ['tokens'], ['text_embeds'], [ints('axes', [1]), int('keepdims', 0)]))
    .str(2, 'text')
    .msg(5, tensor('embedding', [VOCAB.length, TINY_CLIP_DIM], random(VOCAB.length * TINY_CLIP_DIM, 2)))
    .msg(11, valueInfo('input_ids', INT64, ['batch', 'sequence']))
    .msg(12, valueInfo('text_embeds', FLOAT, ['batch', TINY_CLIP_DIM]));
  return model(g);
}

/** Writes the model directory and returns its path (`<parent>/tiny-clip`). */
export async function writeTinyClip(parent: string): Promise<string> {
  const dir = join(parent, 'tiny-clip');
  await mkdir(join(dir, 'onnx'), { recursive: true });
  const json = (name: string, v: unknown) => writeFile(join(dir, name), JSON.stringify(v, null, 1));
  await json('config.json', {
    _name_or_path: 'lirn-test/tiny-clip',
    model_type: 'clip',
    architectures: ['CLIPModel'],
    projection_dim: TINY_CLIP_DIM,
    text_config: { model_type: 'clip_text_model', hidden_size: TINY_CLIP_DIM, max_position_embeddings: 16 },
    vision_config: {
      model_type: 'clip_vision_model',
      hidden_size: TINY_CLIP_DIM,
      image_size: 224,
      patch_size: 56,
    },
  });
  await json('preprocessor_config.json', {
    image_processor_type: 'CLIPImageProcessor',
    feature_extractor_type: 'CLIPFeatureExtractor',
    processor_class: 'CLIPProcessor',
    do_resize: true,
    size: { shortest_edge: 224 },
    resample: 3,
    do_center_crop: true,
    crop_size: { height: 224, width: 224 },
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: [0.48145466, 0.4578275, 0.40821073],
    image_std: [0.26862954, 0.26130258, 0.27577711],
    do_convert_rgb: true,
  });
  await json('tokenizer_config.json', {
    tokenizer_class: 'CLIPTokenizer',
    model_max_length: 16,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    do_lower_case: true,
  });
  await json('tokenizer.json', {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      {
        id: 0,
        content: '[PAD]',
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      },
      {
        id: 1,
        content: '[UNK]',
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      },
    ],
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: null,
    decoder: null,
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(VOCAB.map((w, i) => [w, i])),
    },
  });
  await writeFile(join(dir, 'onnx', 'vision_model.onnx'), visionModel());
  await writeFile(join(dir, 'onnx', 'text_model.onnx'), textModel());
  return dir;
}
