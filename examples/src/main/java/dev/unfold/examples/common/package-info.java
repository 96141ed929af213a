/** What every example shares: the common command-line options, charts, graph dumps, output folders. */
package dev.unfold.examples.common;
