package org.bitspike.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bitspike.tensor.TensorException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Output sizes and the validation messages of {@link Conv2dGeometry} and {@link Pool2dGeometry}. */
class ConvGeometryTest {

    private static String message(Executable e) {
        return assertThrows(TensorException.class, e).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), () -> "'" + message + "' should mention '" + p + "'");
        }
    }

    @Test
    void convOutputSizes() {
        Conv2dGeometry g = new Conv2dGeometry(2, 4, 11, 10, 6, 3, 5, 2, 1, 1, 2, 2, 1, 2);
        // (11 + 2 - 2*2 - 1) / 2 + 1 = 5, (10 + 4 - 4 - 1) / 1 + 1 = 10
        assertArrayEquals(new int[] {2, 6, 5, 10}, g.outputShape());
        assertArrayEquals(new int[] {6, 2, 3, 5}, g.weightShape());
        assertEquals(2 * 3 * 5, g.patchSize());
        assertEquals(3, g.coutPerGroup());
        assertEquals(Conv2dGeometry.of(1, 3, 32, 32, 8, 3, 3, 1, 1, 1, 1).outH(), 32);
    }

    @Test
    void convRejectsChannelsNotDivisibleByGroups() {
        assertMentions(message(() -> Conv2dGeometry.of(1, 3, 8, 8, 4, 3, 3, 1, 1, 1, 2)),
                "conv2d: ", "input channels 3 not divisible by groups 2", "[1, 3, 8, 8]");
        assertMentions(message(() -> Conv2dGeometry.of(1, 4, 8, 8, 3, 3, 3, 1, 1, 1, 2)),
                "conv2d: ", "output channels 3 not divisible by groups 2");
    }

    @Test
    void convRejectsEmptyOutput() {
        String m = message(() -> Conv2dGeometry.of(1, 1, 4, 4, 1, 5, 5, 1, 0, 1, 1));
        assertMentions(m, "conv2d: ", "output size [0, 0] <= 0", "[1, 1, 4, 4]", "[1, 1, 5, 5]", "padded input [4, 4]");
        assertMentions(message(() -> Conv2dGeometry.of(1, 1, 5, 5, 1, 3, 3, 1, 0, 3, 1)), "output size");
    }

    @Test
    void convRejectsBadHyperParameters() {
        assertMentions(message(() -> Conv2dGeometry.of(1, 1, 4, 4, 1, 3, 3, 0, 1, 1, 1)), "stride must be >= 1");
        assertMentions(message(() -> Conv2dGeometry.of(1, 1, 4, 4, 1, 3, 3, 1, -1, 1, 1)), "padding must be >= 0");
        assertMentions(message(() -> Conv2dGeometry.of(1, 1, 4, 4, 1, 3, 3, 1, 1, 0, 1)), "dilation must be >= 1");
        assertMentions(message(() -> Conv2dGeometry.of(1, 1, 4, 4, 1, 3, 3, 1, 1, 1, 0)), "groups must be >= 1");
        assertMentions(message(() -> Conv2dGeometry.of(0, 1, 4, 4, 1, 3, 3, 1, 1, 1, 1)), "input shape [0, 1, 4, 4]");
        assertMentions(message(() -> Conv2dGeometry.of(1, 1, 4, 4, 1, 0, 3, 1, 1, 1, 1)), "weight shape [1, 1, 0, 3]");
    }

    @Test
    void checkedNamesTheCallingOp() {
        assertMentions(message(() -> Conv2dGeometry.checked("conv2dBackwardInput", 1, 3, 8, 8, 4, 3, 3,
                1, 1, 1, 1, 1, 1, 2)), "conv2dBackwardInput: input channels 3 not divisible by groups 2");
        assertMentions(message(() -> Pool2dGeometry.checked("maxPool2d", 1, 1, 4, 4, 2, 2, 2, 2, 2, 0, 1, 1)),
                "maxPool2d: padding [2, 0]");
    }

    @Test
    void poolOutputSizes() {
        Pool2dGeometry g = new Pool2dGeometry(2, 3, 9, 8, 3, 2, 2, 2, 1, 1, 1, 1);
        // (9 + 2 - 2 - 1) / 2 + 1 = 5, (8 + 2 - 1 - 1) / 2 + 1 = 5
        assertArrayEquals(new int[] {2, 3, 5, 5}, g.outputShape());
        assertEquals(6, g.planes());
    }

    @Test
    void poolRejectsBadParameters() {
        assertMentions(message(() -> Pool2dGeometry.of(1, 1, 4, 4, 3, 1, 2)), "pool2d: ",
                "padding [2, 2]", "at most half", "<= [1, 1]");
        assertMentions(message(() -> Pool2dGeometry.of(1, 1, 2, 2, 3, 1, 0)), "pool2d: ", "output size [0, 0] <= 0",
                "[1, 1, 2, 2]");
        assertMentions(message(() -> Pool2dGeometry.of(1, 1, 4, 4, 2, 0, 0)), "stride must be >= 1");
        assertMentions(message(() -> Pool2dGeometry.of(1, 1, 4, 4, 0, 1, 0)), "kernel size must be >= 1");
        // a dilated window that straddles a 1-pixel input: taps at -2 and 1 both miss it
        assertMentions(message(() -> new Pool2dGeometry(1, 1, 1, 1, 2, 1, 1, 1, 2, 0, 3, 1)),
                "row window 0", "covers no input element");
    }
}
