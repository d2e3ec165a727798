/**
 * The model zoo: a small VGG for 28x28 inputs, VGG-11/16 and ResNet-18/20 for 32x32 inputs. Each
 * is built from {@link org.bitspike.nn.models.LayerKinds}, the seam where the binary, spiking and
 * adder families swap their convolution, normalisation and activation kinds in.
 */
package org.bitspike.nn.models;
