/** Interoperation with PyTorch: recurrent layers and linear heads loaded from and reported in PyTorch's parameter names. */
package dev.unfold.nn.interop;
