/**
 * Reading and writing parameter checkpoints in the safetensors format
 * (https://github.com/huggingface/safetensors), so weights move between Unfold, PyTorch and
 * NumPy without pickles. Files are written atomically and read back with full validation.
 *
 * <p>Not an object-graph serialiser: a checkpoint holds named tensors and string metadata,
 * never model structure.
 */
package dev.unfold.nn.io;
