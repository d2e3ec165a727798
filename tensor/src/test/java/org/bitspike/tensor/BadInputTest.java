package org.bitspike.tensor;

import static org.bitspike.tensor.DType.BOOL;
import static org.bitspike.tensor.DType.FLOAT32;
import static org.bitspike.tensor.DType.FLOAT64;
import static org.bitspike.tensor.DType.INT32;
import static org.bitspike.tensor.DType.INT64;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Example;

import org.junit.jupiter.api.function.Executable;

/**
 * Bad input: every case raises a {@link TensorException} whose message starts with the op's name
 * and contains the shapes (or values) involved.
 */
class BadInputTest {

    /** Asserts that {@code call} throws a TensorException starting with {@code op + ":"} and containing every fragment. */
    static TensorException expectError(String op, Executable call, String... fragments) {
        TensorException e = assertThrows(TensorException.class, call, op);
        String m = e.getMessage();
        assertTrue(m.startsWith(op + ":"), "message should start with '" + op + ":': " + m);
        for (String f : fragments) {
            assertTrue(m.contains(f), "message should contain '" + f + "': " + m);
        }
        return e;
    }

    static final Tensor A23 = Tensor.zeros(2, 3);

    /** Review finding 6: a 0-d tensor reduces along 0 / -1 to itself (as PyTorch); other dims say it has no such dim. */
    @Example
    void zeroDimReductionsAlongDimensionZeroAndTheirRangeText() {
        Tensor three = Tensor.scalar(FLOAT64, 3);
        for (int d : new int[] {0, -1}) {
            for (boolean keep : new boolean[] {false, true}) {
                for (Tensor r : new Tensor[] {three.sum(new int[] {d}, keep), three.prod(d, keep),
                        three.amax(new int[] {d}, keep), three.mean(new int[] {d}, keep)}) {
                    assertTrue(r.dim() == 0 && r.itemDouble() == 3, "0-d along " + d + ": " + r);
                }
            }
        }
        expectError("prod", () -> three.prod(1, false), "dimension 1", "valid: -1..0", "[]");
        expectError("sum", () -> three.sum(new int[] {0, -1}, false), "dimension -1 repeated", "[]");
        expectError("select", () -> three.select(0, 0), "dimension 0", "has no dimensions", "[]");
    }

    @Example
    void shapeMismatches() {
        expectError("add", () -> A23.add(Tensor.zeros(4)), "[2, 3]", "[4]");
        expectError("mul", () -> A23.mul(Tensor.zeros(3, 3)), "[2, 3]", "[3, 3]");
        expectError("lt", () -> A23.lt(Tensor.zeros(2, 2)), "[2, 3]", "[2, 2]");
        expectError("where", () -> Tensor.where(Tensor.zeros(BOOL, 2, 3), A23, Tensor.zeros(5)), "[2, 3]", "[5]");
        expectError("matmul", () -> A23.matmul(Tensor.zeros(4, 5)), "[2, 3]", "[4, 5]", "3 != 4");
        expectError("matmul", () -> Tensor.zeros(3).matmul(Tensor.zeros(4)), "[3]", "[4]");
        expectError("matmul", () -> Tensor.zeros(2, 2, 3).matmul(Tensor.zeros(3, 3, 4)), "[2, 2, 3]", "[3, 3, 4]");
        expectError("matmul", () -> Tensor.scalar(FLOAT32, 1).matmul(A23), "[]", "[2, 3]");
        expectError("cat", () -> Tensor.cat(0, A23, Tensor.zeros(2, 4)), "[2, 3]", "[2, 4]");
        expectError("cat", () -> Tensor.cat(0, A23, Tensor.zeros(3)), "[2, 3]", "[3]");
        expectError("cat", () -> Tensor.cat(0));
        expectError("stack", () -> Tensor.stack(0, A23, Tensor.zeros(3, 2)), "[2, 3]", "[3, 2]");
        expectError("split", () -> A23.split(new int[] {1, 1}, 1), "[1, 1]", "[2, 3]");
        expectError("view", () -> A23.view(4, 2), "[4, 2]", "[2, 3]");
        expectError("reshape", () -> A23.reshape(-1, 4), "[-1, 4]", "[2, 3]");
        expectError("reshape", () -> A23.reshape(-1, -1), "[-1, -1]");
        expectError("expand", () -> A23.expand(2, 4), "[2, 3]", "[2, 4]");
        expectError("expand", () -> A23.expand(3), "[2, 3]", "[3]");
        expectError("copy_", () -> Tensor.zeros(3).copy_(A23), "[2, 3]", "[3]");
        expectError("add_", () -> Tensor.zeros(3).add_(A23), "[2, 3]", "[3]");
        expectError("gather", () -> A23.gather(1, Tensor.zeros(INT64, 3)), "[3]", "[2, 3]");
        expectError("gather", () -> A23.gather(1, Tensor.zeros(INT64, 3, 1)), "[3, 1]", "[2, 3]");
        expectError("scatterAdd", () -> A23.scatterAdd(1, Tensor.zeros(INT64, 2, 2), Tensor.zeros(2, 1)), "[2, 2]", "[2, 1]");
        expectError("indexSelect", () -> A23.indexSelect(0, Tensor.zeros(INT64, 1, 1)), "[1, 1]");
        expectError("of", () -> Tensor.of(new float[] {1, 2, 3}, 2, 2), "[2, 2]", "3");
        expectError("of", () -> Tensor.of(new double[][] {{1, 2}, {3}}), "row 1");
        expectError("t", () -> Tensor.zeros(1, 2, 3).t(), "[1, 2, 3]");
        expectError("item", () -> A23.item(), "[2, 3]");
    }

    @Example
    void badDimensions() {
        expectError("sum", () -> A23.sum(2, false), "dimension 2", "valid: -2..1", "[2, 3]");
        expectError("sum", () -> A23.sum(new int[] {0, -2}, true), "repeated", "[2, 3]");
        expectError("mean", () -> A23.mean(-3, false), "-3", "[2, 3]");
        expectError("max", () -> A23.max(5, false), "5", "[2, 3]");
        expectError("softmax", () -> A23.softmax(2), "2", "[2, 3]");
        expectError("prod", () -> A23.prod(2, false), "dimension 2", "[2, 3]");
        expectError("prod", () -> A23.prod(new int[] {1, -1}, false), "repeated", "[2, 3]");
        expectError("cumsum", () -> A23.cumsum(-3), "dimension -3", "[2, 3]");
        expectError("sort", () -> A23.sort(2, true), "dimension 2", "[2, 3]");
        expectError("topk", () -> A23.topk(1, 2, true, true), "dimension 2", "[2, 3]");
        expectError("topk", () -> A23.topk(4, 1, true, true), "k must be in [0, 3]", "got 4", "[2, 3]");
        expectError("topk", () -> A23.topk(-1, 0, false, false), "k must be in [0, 2]", "got -1", "[2, 3]");
        expectError("permute", () -> A23.permute(0, 0), "[0, 0]", "[2, 3]");
        expectError("permute", () -> A23.permute(0), "[0]", "[2, 3]");
        expectError("permute", () -> A23.permute(0, 2), "2", "[2, 3]");
        expectError("transpose", () -> A23.transpose(0, 2), "2", "[2, 3]");
        expectError("narrow", () -> A23.narrow(2, 0, 1), "2", "[2, 3]");
        expectError("select", () -> A23.select(-3, 0), "-3", "[2, 3]");
        expectError("squeeze", () -> A23.squeeze(2), "2", "[2, 3]");
        expectError("unsqueeze", () -> A23.unsqueeze(4), "4", "[2, 3]");
        expectError("flatten", () -> A23.flatten(1, 0), "1", "0");
        expectError("size", () -> A23.size(2), "2", "[2, 3]");
        expectError("cat", () -> Tensor.cat(2, A23, A23), "2", "[2, 3]");
        expectError("stack", () -> Tensor.stack(4, A23, A23), "4", "[2, 3]");
        expectError("gather", () -> A23.gather(2, Tensor.zeros(INT64, 2, 3)), "2", "[2, 3]");
        expectError("split", () -> A23.split(1, 2), "2", "[2, 3]");
        expectError("indexSelect", () -> A23.indexSelect(2, Tensor.zeros(INT64, 1)), "2", "[2, 3]");
    }

    @Example
    void negativeSizes() {
        expectError("full", () -> Tensor.zeros(2, -1), "[2, -1]");
        expectError("full", () -> Tensor.ones(FLOAT64, -3), "[-3]");
        expectError("full", () -> Tensor.full(1.5, 4, -2), "[4, -2]");
        expectError("eye", () -> Tensor.eye(-2), "-2");
        expectError("eye", () -> Tensor.eye(FLOAT32, 2, -1), "-1");
        expectError("rand", () -> Tensor.rand(RandomKey.of(1), -1), "[-1]");
        expectError("view", () -> A23.view(-2, -3), "[-2, -3]");
        expectError("reshape", () -> A23.reshape(3, -2), "[3, -2]");
        expectError("expand", () -> Tensor.zeros(1).expand(-2), "[1]", "[-2]", "invalid size -2");
        expectError("expand", () -> Tensor.zeros(1).expand(-1, 2), "[-1, 2]");
        expectError("narrow", () -> A23.narrow(1, 2, -1), "[2, 1)", "[2, 3]");
        expectError("slice", () -> A23.slice(1, 0, 3, 0), "step");
        expectError("linspace", () -> Tensor.linspace(0, 1, -1), "-1");
        expectError("split", () -> A23.split(new int[] {4, -1}, 1), "[4, -1]");
        expectError("split", () -> A23.split(0, 1), "0");
        expectError("oneHot", () -> Tensor.oneHot(Tensor.zeros(INT64, 2), 0), "0");
    }

    @Example
    void moreThanIntegerMaxValueElementsThrowWithoutAllocating() {
        expectError("full", () -> Tensor.zeros(65536, 65536), "[65536, 65536]", "Integer.MAX_VALUE");
        expectError("full", () -> Tensor.ones(DType.BOOL, 2, 1 << 30), "[2, 1073741824]");
        expectError("rand", () -> Tensor.rand(RandomKey.of(1), 1 << 16, 1 << 16), "[65536, 65536]");
        expectError("randn", () -> Tensor.randn(RandomKey.of(1), 1 << 16, 1 << 16), "[65536, 65536]");
        expectError("bernoulli", () -> Tensor.bernoulli(RandomKey.of(1), 0.5, 1 << 16, 1 << 16), "[65536, 65536]");
        expectError("eye", () -> Tensor.eye(65536), "65536");
        expectError("expand", () -> Tensor.zeros(1, 1).expand(65536, 65536), "[65536, 65536]");
        expectError("view", () -> Tensor.zeros(1).view(65536, 65536, 0, -1), "[65536, 65536, 0, -1]");
        expectError("arange", () -> Tensor.arange(0, 1L << 40, 1), "1099511627776");
        expectError("arange", () -> Tensor.arange(Long.MIN_VALUE, Long.MAX_VALUE, 1), "Integer.MAX_VALUE");
        expectError("arange", () -> Tensor.arange(Long.MAX_VALUE, Long.MIN_VALUE, -3), "Integer.MAX_VALUE");
        expectError("arange", () -> Tensor.arange(0.0, 1e12, 1.0), "1.0E12");
        Tensor half = Tensor.zeros(1, 1).expand(1 << 28, 4); // 2^31 elements in two expanded views of one
        expectError("cat", () -> Tensor.cat(0, half, half), "[536870912, 4]");
    }

    @Example
    void hugeButEmptyShapesAreFine() {
        Tensor e = Tensor.zeros(0, 65536, 65536);
        org.junit.jupiter.api.Assertions.assertEquals(0, e.numel());
        org.junit.jupiter.api.Assertions.assertEquals(0, e.sum().item());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {65536, 0, 65536}, e.transpose(0, 1).contiguous().shape());
    }

    @Example
    void dtypeMisuse() {
        Tensor ints = Tensor.zeros(INT32, 2, 3);
        expectError("mean", ints::mean, "INT32", "[2, 3]");
        expectError("var", ints::var, "INT32", "[2, 3]");
        expectError("norm", () -> ints.norm(2), "INT32", "[2, 3]");
        expectError("logsumexp", () -> ints.logsumexp(new int[] {0}, false), "INT32", "[2, 3]");
        expectError("softmax", () -> ints.softmax(0), "INT32", "[2, 3]");
        expectError("logSoftmax", () -> Tensor.zeros(BOOL, 2).logSoftmax(0), "BOOL", "[2]");
        expectError("matmul", () -> ints.matmul(Tensor.zeros(INT32, 3, 2)), "INT32", "[2, 3]", "[3, 2]");
        expectError("where", () -> Tensor.where(Tensor.zeros(2, 3), A23, A23), "FLOAT32", "[2, 3]");
        expectError("gather", () -> A23.gather(0, Tensor.zeros(1, 3)), "FLOAT32", "[1, 3]");
        expectError("scatterAdd", () -> A23.scatterAdd(0, Tensor.zeros(BOOL, 1, 3), A23), "BOOL", "[1, 3]");
        expectError("indexSelect", () -> A23.indexSelect(0, Tensor.zeros(FLOAT64, 1)), "FLOAT64", "[1]");
        expectError("oneHot", () -> Tensor.oneHot(Tensor.zeros(2), 3), "FLOAT32", "[2]");
        expectError("rand", () -> Tensor.rand(RandomKey.of(1), INT32, 2), "INT32");
        expectError("randn", () -> Tensor.randn(RandomKey.of(1), INT64, 2), "INT64");
        expectError("pow", () -> Tensor.of(new int[] {2}).pow(-1), "-1");
        expectError("storage", () -> A23.storage().doubles(), "FLOAT64", "FLOAT32");
    }

    @Example
    void outOfBoundsIndices() {
        expectError("gather", () -> A23.gather(1, Tensor.of(new long[] {0, 3}, 1, 2)), "3", "[2, 3]", "[1, 2]");
        expectError("gather", () -> A23.gather(1, Tensor.of(new long[] {-1}, 1, 1)), "-1", "[2, 3]");
        expectError("scatterAdd", () -> A23.scatterAdd(0, Tensor.of(new long[] {2}, 1, 1), A23), "2", "[2, 3]", "[1, 1]");
        expectError("scatterAdd", () -> A23.copy().scatterAdd_(0, Tensor.of(new long[] {-1}, 1, 1), A23), "-1", "[2, 3]");
        expectError("indexSelect", () -> A23.indexSelect(1, Tensor.of(new long[] {0, 3})), "3", "[2, 3]");
        expectError("oneHot", () -> Tensor.oneHot(Tensor.of(new long[] {0, 3}), 3), "3", "[2]");
        expectError("oneHot", () -> Tensor.oneHot(Tensor.of(new int[] {-1}), 3), "-1", "[1]");
        expectError("select", () -> A23.select(0, 2), "2", "[2, 3]");
        expectError("select", () -> A23.select(1, -4), "-4", "[2, 3]");
        expectError("narrow", () -> A23.narrow(1, 2, 2), "[2, 4)", "[2, 3]");
        expectError("slice", () -> A23.slice(0, -1, 1, 1), "[-1, 1)", "[2, 3]");
        expectError("getDouble", () -> A23.getDouble(0, 3), "[0, 3]", "[2, 3]");
        expectError("getLong", () -> A23.getLong(0), "[0]", "[2, 3]");
        expectError("set_", () -> A23.copy().set_(1, 2, 0), "[2, 0]", "[2, 3]");
    }

    @Example
    void badValues() {
        expectError("clamp", () -> A23.clamp(2, 1), "2.0", "1.0");
        expectError("norm", () -> A23.norm(3), "3");
        expectError("var", () -> A23.var(new int[] {0}, -1, false), "-1");
        expectError("arange", () -> Tensor.arange(0, 5, 0), "step");
        expectError("arange", () -> Tensor.arange(0.0, Double.NaN, 1.0), "NaN");
        expectError("bernoulli", () -> Tensor.bernoulli(RandomKey.of(1), 1.5, 2), "1.5");
        expectError("bernoulli", () -> Tensor.bernoulli(RandomKey.of(1), Double.NaN, 2), "NaN");
    }
}
