/**
 * A row-major matrix of embeddings: `count` rows of `dim` float32 values in one buffer.
 * Encoders return L2-normalised rows.
 */
export interface Embeddings {
  readonly count: number;
  readonly dim: number;
  readonly data: Float32Array;
}

export function createEmbeddings(count: number, dim: number, data?: Float32Array): Embeddings {
  const buffer = data ?? new Float32Array(count * dim);
  if (buffer.length !== count * dim) {
    throw new RangeError(`Embeddings buffer has ${buffer.length} values, expected ${count}×${dim}`);
  }
  return { count, dim, data: buffer };
}

/** Row `i` as a view (no copy). */
export function row(embeddings: Embeddings, i: number): Float32Array {
  return embeddings.data.subarray(i * embeddings.dim, (i + 1) * embeddings.dim);
}

/** Stacks rows or matrices of equal dim into one matrix. */
export function stackEmbeddings(parts: readonly (Embeddings | Float32Array)[], dim: number): Embeddings {
  let count = 0;
  for (const p of parts) count += p instanceof Float32Array ? p.length / dim : p.count;
  const out = new Float32Array(count * dim);
  let offset = 0;
  for (const p of parts) {
    const values = p instanceof Float32Array ? p : p.data;
    out.set(values, offset);
    offset += values.length;
  }
  return createEmbeddings(count, dim, out);
}

/** L2-normalises each row in place; an all-zero row stays zero. Returns the same object. */
export function normalizeRows(embeddings: Embeddings): Embeddings {
  const { count, dim, data } = embeddings;
  for (let i = 0; i < count; i++) {
    let sum = 0;
    const base = i * dim;
    for (let j = 0; j < dim; j++) {
      const v = data[base + j] as number;
      sum += v * v;
    }
    if (sum === 0) continue;
    const inv = 1 / Math.sqrt(sum);
    for (let j = 0; j < dim; j++) data[base + j] = (data[base + j] as number) * inv;
  }
  return embeddings;
}
