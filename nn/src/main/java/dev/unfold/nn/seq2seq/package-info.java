/**
 * Graph-building modules for models that produce sequences: {@link dev.unfold.nn.seq2seq.TeacherForcing}
 * (teacher-forced, open-loop and scheduled-sampling unrolling of a decoder),
 * {@link dev.unfold.nn.seq2seq.Conditioning} on a context vector (as the initial state and/or as
 * an input at every step), {@link dev.unfold.nn.seq2seq.OneToMany} and the
 * {@link dev.unfold.nn.seq2seq.AttentionDecoder} step. None has a backward of its own.
 */
package dev.unfold.nn.seq2seq;
