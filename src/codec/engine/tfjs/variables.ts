/**
 * The model's parameters as tfjs variables. Every parameter of `paramSpecs` gets its own variable except the
 * hash-grid levels, which are stacked into one [Σ rows_l, F] table so a whole encoding is one gather
 * (and one scatter-add in the backward pass) instead of one per level.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../model/config.js';
import {
  type ParamGroup,
  type ParamSet,
  type ParamSpec,
  paramSpecs,
  tensorSize,
} from '../../model/params.js';

export interface SlotPart {
  spec: ParamSpec;
  /** Offset of this parameter's first value inside the slot's flat data. */
  offset: number;
}

export interface VariableSlot {
  group: ParamGroup;
  shape: number[];
  size: number;
  parts: SlotPart[];
}

/** Slots in `paramSpecs` order; the `encoding.level*` specs are merged into one slot. */
export function variableSlots(config: ModelConfig, frames: number): VariableSlot[] {
  const slots: VariableSlot[] = [];
  let encoding: VariableSlot | null = null;
  for (const spec of paramSpecs(config, frames)) {
    const size = tensorSize(spec.shape);
    if (spec.group === 'encoding') {
      if (!encoding) {
        encoding = { group: 'encoding', shape: [0, spec.shape[1]], size: 0, parts: [] };
        slots.push(encoding);
      }
      encoding.parts.push({ spec, offset: encoding.size });
      encoding.shape[0] += spec.shape[0];
      encoding.size += size;
    } else {
      slots.push({ group: spec.group, shape: [...spec.shape], size, parts: [{ spec, offset: 0 }] });
    }
  }
  return slots;
}

/** Flat data of one slot taken from a ParamSet, checking names and shapes. */
export function packSlot(slot: VariableSlot, params: ParamSet, what: string): Float32Array {
  if (slot.parts.length === 1) return checkedTensor(params, slot.parts[0].spec, what);
  const out = new Float32Array(slot.size);
  for (const part of slot.parts) out.set(checkedTensor(params, part.spec, what), part.offset);
  return out;
}

/** Splits one slot's flat data back into named tensors (copies). */
export function unpackSlot(slot: VariableSlot, data: Float32Array, into: ParamSet): void {
  for (const { spec, offset } of slot.parts) {
    into.set(spec.name, {
      shape: [...spec.shape],
      data: data.slice(offset, offset + tensorSize(spec.shape)),
    });
  }
}

function checkedTensor(params: ParamSet, spec: ParamSpec, what: string): Float32Array {
  const t = params.get(spec.name);
  if (!t) throw new Error(`${what}: parameter '${spec.name}' is missing`);
  const expected = tensorSize(spec.shape);
  if (t.shape.length !== spec.shape.length || t.shape.some((d, i) => d !== spec.shape[i])) {
    throw new Error(
      `${what}: parameter '${spec.name}' has shape [${t.shape}], the model needs [${spec.shape}]`,
    );
  }
  if (!(t.data instanceof Float32Array) || t.data.length !== expected) {
    throw new Error(`${what}: parameter '${spec.name}' must be a Float32Array of ${expected} values`);
  }
  return t.data;
}

/** One tfjs variable per slot, named by tfjs (names are process-global, so several engines can coexist). */
export function createSlotVariables(
  slots: readonly VariableSlot[],
  params: ParamSet | null,
  trainable: boolean,
) {
  return slots.map((slot) => {
    const init = params ? packSlot(slot, params, 'setParams') : new Float32Array(slot.size);
    const value = tf.tensor(init, slot.shape, 'float32');
    const variable = tf.variable(value, trainable);
    value.dispose();
    return variable;
  });
}

export function assignSlots(
  slots: readonly VariableSlot[],
  vars: readonly tf.Variable[],
  params: ParamSet,
  what: string,
) {
  const packed = slots.map((slot) => packSlot(slot, params, what)); // validate everything before changing anything
  tf.tidy(() => {
    for (let i = 0; i < vars.length; i++) vars[i].assign(tf.tensor(packed[i], slots[i].shape, 'float32'));
  });
}

export async function readSlots(
  slots: readonly VariableSlot[],
  tensors: readonly tf.Tensor[],
): Promise<ParamSet> {
  const out: ParamSet = new Map();
  for (let i = 0; i < slots.length; i++) unpackSlot(slots[i], (await tensors[i].data()) as Float32Array, out);
  return out;
}
