/**
 * Property-based gradient testing as a library (the bitspike-testing artifact, for a test scope):
 * the machinery that checks every differentiable op of bitspike, open to {@code nn/} and to users'
 * own {@code Function}s.
 *
 * <p>Vocabulary:
 * <ul>
 *   <li><b>spec</b> ({@link org.bitspike.testing.OpSpec}) - one op described for testing: its name,
 *       how to call it through the public {@code Var} API, the <b>domains</b> its inputs come from,
 *       a <b>sampler</b> of input shapes and other arguments, a naive <b>reference</b> on logical
 *       double values ({@link org.bitspike.testing.Nd}), the <b>checks</b> (differentiable or must
 *       refuse, second order, constant inputs, eps, output dtype), <b>bad inputs</b> that must raise
 *       with given message fragments, and <b>edge cases</b>: fixed inputs with an exact expected
 *       output and gradient;</li>
 *   <li><b>contract</b> ({@link org.bitspike.testing.OpContract}) - the checks every spec is held to:
 *       forward equals the reference on every layout and on contiguous copies (view invariance),
 *       inputs unmodified, gradcheck in FLOAT64 of first and (where smooth) second order, bad
 *       inputs, edge cases; from a jqwik property with a seed or as JUnit dynamic tests; opt-in,
 *       the op on FLOAT32 casts of the inputs against FLOAT64;</li>
 *   <li><b>domain</b> ({@link org.bitspike.testing.Domain}) - where input values come from, away
 *       from the op's kinks, poles, jumps and ties (a finite difference there is meaningless);</li>
 *   <li><b>layout</b> ({@link org.bitspike.testing.Layout}) - how an input sits in memory: contiguous,
 *       at an offset with padded strides, permuted, stepped, expanded (stride 0); a failure names
 *       the layout of every input;</li>
 *   <li><b>dice</b> ({@link org.bitspike.testing.Dice}) - the seeded random choices of one sample,
 *       over a {@code RandomKey}: the same seed replays the same shapes, layouts and values;
 *       {@link org.bitspike.testing.TensorArbitraries} offers the same draws as jqwik arbitraries.</li>
 * </ul>
 *
 * <p>NOTE: bitspike's own op table (one spec per autograd primitive, plus the check that every
 * primitive has a spec and that each spec records its primitive) lives in this module's
 * <em>tests</em>, in package {@code org.bitspike.autograd}: Maven forbids cycles, so autograd's
 * own tests cannot depend on this module (which depends on autograd), and the same package lets
 * the table see autograd's package-private {@code Primitive} and graph nodes, which stay out of
 * the public {@link org.bitspike.testing.OpSpec}.
 */
package org.bitspike.testing;
