/**
 * File helpers shared by everything the library writes (graph dumps, plots, checkpoints): a
 * file is either fully written or not there at all. Not a general I/O toolkit.
 */
package dev.unfold.io;
