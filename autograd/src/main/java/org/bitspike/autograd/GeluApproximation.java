package org.bitspike.autograd;

/** How {@link Var#gelu(GeluApproximation)} computes {@code x Phi(x)}; PyTorch's {@code approximate}. */
public enum GeluApproximation {
    /** Exactly, through erf: {@code x (1 + erf(x / sqrt 2)) / 2}. */
    NONE,
    /** The tanh approximation of Hendrycks and Gimpel (2016): {@code x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2}. */
    TANH
}
