/**
 * CLIP image and text embeddings from a model directory on this machine, through @huggingface/transformers
 * (ONNX weights; remote loading switched off, so nothing is downloaded). The package is optional: without it,
 * or without the model files, the error says what is missing. The feature space is named
 * 'clip:<model name>' (the directory's config.json `_name_or_path`, else the directory name), so a library
 * aligned with one CLIP model is never queried with another.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { AlignError } from '../codec/align/errors.js';
import type { FeatureProvider } from '../codec/align/provider.js';

export const CLIP_SPACE_PREFIX = 'clip:';

interface Transformers {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string };
  AutoProcessor: {
    from_pretrained(id: string, o?: object): Promise<(images: unknown) => Promise<Record<string, unknown>>>;
  };
  AutoTokenizer: {
    from_pretrained(id: string, o?: object): Promise<(text: string[], o: object) => Record<string, unknown>>;
  };
  CLIPVisionModelWithProjection: {
    from_pretrained(
      id: string,
      o?: object,
    ): Promise<(i: object) => Promise<Record<string, { data: Float32Array; dims: number[] }>>>;
  };
  CLIPTextModelWithProjection: {
    from_pretrained(
      id: string,
      o?: object,
    ): Promise<(i: object) => Promise<Record<string, { data: Float32Array; dims: number[] }>>>;
  };
  RawImage: new (data: Uint8ClampedArray, width: number, height: number, channels: number) => unknown;
}

async function loadTransformers(): Promise<Transformers> {
  try {
    const name = '@huggingface/transformers';
    return (await import(name)) as Transformers;
  } catch (e) {
    throw new AlignError(
      `CLIP needs the optional package @huggingface/transformers (npm install @huggingface/transformers): ${(e as Error).message.split('\n')[0]}`,
    );
  }
}

/** Checks the directory holds a CLIP export and names its feature space. */
export function clipSpace(dir: string): string {
  const root = resolve(dir);
  if (!existsSync(root)) throw new AlignError(`CLIP model directory ${root} does not exist`);
  const configPath = resolve(root, 'config.json');
  if (!existsSync(configPath))
    throw new AlignError(
      `${root} is not a CLIP model directory (no config.json; expected a transformers.js export with onnx/)`,
    );
  let name = basename(root);
  try {
    const config = JSON.parse(readFileSync(configPath, 'utf8')) as {
      _name_or_path?: unknown;
      model_type?: unknown;
    };
    if (config.model_type !== undefined && config.model_type !== 'clip')
      throw new AlignError(`${root}: model_type '${String(config.model_type)}' is not 'clip'`);
    if (typeof config._name_or_path === 'string' && config._name_or_path) name = config._name_or_path;
  } catch (e) {
    if (e instanceof AlignError) throw e;
    throw new AlignError(`${configPath}: not valid JSON`);
  }
  return `${CLIP_SPACE_PREFIX}${name}`;
}

async function pipelineParts(dir: string) {
  const root = resolve(dir);
  const space = clipSpace(root);
  const t = await loadTransformers();
  t.env.allowRemoteModels = false;
  t.env.allowLocalModels = true;
  t.env.localModelPath = '';
  return { t, root, space, options: { local_files_only: true } };
}

/** Image embeddings (CLIPVisionModelWithProjection `image_embeds`), one row per frame. */
export async function clipProvider(dir: string): Promise<FeatureProvider> {
  const { t, root, space, options } = await pipelineParts(dir);
  let processor: Awaited<ReturnType<Transformers['AutoProcessor']['from_pretrained']>>;
  let model: Awaited<ReturnType<Transformers['CLIPVisionModelWithProjection']['from_pretrained']>>;
  try {
    processor = await t.AutoProcessor.from_pretrained(root, options);
    model = await t.CLIPVisionModelWithProjection.from_pretrained(root, options);
  } catch (e) {
    throw new AlignError(
      `cannot load the CLIP vision model from ${root}: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  const embed = async (rgb: Uint8Array, width: number, height: number): Promise<Float32Array> => {
    const image = new t.RawImage(
      new Uint8ClampedArray(rgb.buffer, rgb.byteOffset, rgb.byteLength),
      width,
      height,
      3,
    );
    const out = await model(await processor(image));
    return Float32Array.from(out.image_embeds.data);
  };
  const probe = await embed(new Uint8Array(16 * 16 * 3), 16, 16);
  const dim = probe.length;
  return {
    space,
    dim,
    async frameFeatures(frames, _first, width, height) {
      const data = new Float32Array(frames.length * dim);
      for (let i = 0; i < frames.length; i++) data.set(await embed(frames[i], width, height), i * dim);
      return { rows: frames.length, dim, data };
    },
  };
}

/** Text embedding (CLIPTextModelWithProjection `text_embeds`) in the same space as clipProvider's images. */
export async function clipTextEmbedding(
  dir: string,
  text: string,
): Promise<{ vector: Float32Array; space: string }> {
  const { t, root, space, options } = await pipelineParts(dir);
  try {
    const tokenizer = await t.AutoTokenizer.from_pretrained(root, options);
    const model = await t.CLIPTextModelWithProjection.from_pretrained(root, options);
    const out = await model(tokenizer([text], { padding: true, truncation: true }));
    return { vector: Float32Array.from(out.text_embeds.data), space };
  } catch (e) {
    throw new AlignError(
      `cannot run the CLIP text model from ${root}: ${(e as Error).message.split('\n')[0]}`,
    );
  }
}
