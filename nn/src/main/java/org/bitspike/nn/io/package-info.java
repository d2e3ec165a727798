/**
 * Reading and writing tensors in the formats other tools read: safetensors checkpoints
 * ({@link org.bitspike.nn.io.Safetensors}) and NumPy {@code .npy} arrays
 * ({@link org.bitspike.nn.io.Npy}).
 *
 * <h2>Vocabulary</h2>
 * <ul>
 *   <li><b>checkpoint</b> - named tensors plus string metadata, as one safetensors file
 *       ({@link org.bitspike.nn.io.Checkpoint});</li>
 *   <li><b>header</b> - the self-describing part in front of the raw data: JSON for safetensors, a
 *       Python dict literal for {@code .npy};</li>
 *   <li><b>data section</b> - the raw little-endian (npy: as declared) element bytes after the
 *       header, in row-major order;</li>
 *   <li><b>file dtype</b> - how elements are encoded in a file ({@code "F32"}, {@code "<f4"});
 *       each maps to one {@link org.bitspike.tensor.DType};</li>
 *   <li><b>widening read</b> - a file dtype bitspike has no dtype for is read into the smallest
 *       bitspike dtype holding every value exactly (U8/I8/I16/U16 to INT32, U32 to INT64, F16/BF16
 *       to FLOAT32); writing uses only the five bitspike dtypes, so such a tensor comes back with
 *       its widened dtype;</li>
 *   <li><b>atomic save</b> - a file is written to a temporary file in the same directory,
 *       forced to disk and renamed over the target, so a failed or interrupted save leaves the
 *       previous file intact.</li>
 * </ul>
 *
 * <h2>Bad files</h2>
 * Reading validates the whole header and every size before allocating anything: a malformed file
 * raises {@link org.bitspike.nn.io.CheckpointFormatException} naming the file, the tensor or field,
 * and what was expected versus found; allocations never exceed what the file's actual size
 * justifies (a header may claim 2^60 bytes; it is refused, not believed). Limits: a safetensors
 * header of at most 100,000,000 bytes (as the reference implementation), an {@code .npy} header of
 * at most 1 MiB, at most 64 dimensions, and at most
 * {@link Integer#MAX_VALUE} elements per tensor (a bitspike tensor's limit).
 */
package org.bitspike.nn.io;
