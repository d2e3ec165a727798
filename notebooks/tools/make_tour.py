"""Writes notebooks/01-tour.ipynb (cells only, no outputs); execute it with jupyter-nbconvert --execute."""
import sys

from nbgen import Notebook

nb = Notebook("tour")
md, code = nb.md, nb.code

md("""
# A tour of bitspike

Tensors and views, autograd with a gradient check, then the small VGG trained on Fashion-MNIST with
live progress, its learning curves, a confusion matrix and a few of its mistakes. Everything below
is plain Java running in the bitspike kernel: `org.bitspike.*` is imported, and `display(...)`
shows any value richly.

Set `BITSPIKE_SMOKE=1` in the kernel's environment for a quick run on a sliver of the data (this
is what CI does); the outputs stored here come from a full run.
""")
code("""
boolean smoke = "1".equals(System.getenv("BITSPIKE_SMOKE"));
smoke
""")
md("""
## Tensors and views

A tensor is a strided view of a storage. `reshape`, `t()` (transpose), `slice` and `select` make
new views of the same numbers without copying them, so a write through one view shows in all.
""")
code("""
Tensor x = Tensor.arange(12).reshape(3, 4).to(DType.FLOAT32);
x
""")
code("""
Tensor xt = x.t();                        // [4, 3], the same storage, strides swapped
Tensor everyOther = x.slice(1, 0, 4, 2);  // columns 0 and 2
x.mul_(10);                               // in place: both views see it
display(xt);
everyOther
""")
code("""
// broadcasting: [3, 4] + [4] adds the row to every row; reductions take any set of dimensions
Tensor row = Tensor.of(new float[] {1, 2, 3, 4}, 4);
x.add(row).sum(new int[] {0}, false)
""")
md("""
Large tensors are summarised the way NumPy does it:
""")
code("""
Tensor.randn(RandomKey.of(7), 200, 300)
""")
md("""
## Autograd, checked numerically

`Var` records the operations applied to it; `backward()` fills the gradients. `GradCheck` compares
every entry of the analytical Jacobian with central differences in double precision and names the
first entry that disagrees.
""")
code("""
Var w = Var.withGrad(Tensor.randn(RandomKey.of(1), 3, 2));
Var in = Var.of(Tensor.randn(RandomKey.of(2), 4, 3));
Var loss = in.matmul(w).tanh().pow(2).sum();
loss.backward();
w.grad()
""")
code("""
GradCheck.check("tanh(x W)^2", v -> v[0].matmul(v[1]).tanh().pow(2).sum(),
        Tensor.randn(RandomKey.of(3), DType.FLOAT64, 4, 3), Tensor.randn(RandomKey.of(4), DType.FLOAT64, 3, 2));
"gradcheck passed"
""")
md("""
## Training the small VGG on Fashion-MNIST

conv32-conv32-pool-conv64-conv64-pool-fc256-fc10 with BatchNorm and ReLU: the float baseline the
binary, spiking and adder networks of the later notebooks are compared with. The progress panel
updates in place while it trains; the same training code prints a terminal progress bar outside a
notebook (`Progress.auto()`).
""")
code("""
RandomKey key = RandomKey.of(1);
Dataset trainAll = Datasets.fashionMnist(Split.TRAIN);
Dataset test = Datasets.fashionMnist(Split.TEST);
if (smoke) {
    trainAll = trainAll.subset(IntStream.range(0, 1024).toArray());
    test = test.subset(IntStream.range(0, 512).toArray());
}
Dataset.TrainValidation split = trainAll.split(smoke ? 256 : 5000, key.fold(1));
double[] mean = split.train().channelMean(), std = split.train().channelStd();
Layer model = Models.create("vgg-small", 1, 10, key.fold(2));
Display.summary(model, 1, 1, 28, 28);
""")
code("""
int epochs = smoke ? 1 : 3;
DataLoader trainLoader = DataLoader.builder(split.train(), key.fold(3)).batchSize(64).shuffle(true).dropLast(true)
        .transforms(Transform.randomCrop(2), Transform.randomHorizontalFlip(), Transform.normalize(mean, std)).build();
DataLoader valLoader = DataLoader.builder(split.validation(), key.fold(4)).batchSize(256)
        .transforms(Transform.normalize(mean, std)).build();
Sgd sgd = Sgd.of(model.parameters(), 0.05, 0.9, 5e-4);
long steps = (long) epochs * trainLoader.batchesPerEpoch();
Trainer trainer = Trainer.builder(model, sgd, trainLoader).validation(valLoader)
        .schedule(Schedule.warmup(trainLoader.batchesPerEpoch() / 2, Schedule.cosine(steps, 0)))
        .loss((logits, labels) -> Functional.crossEntropy(logits, labels, 0.1, Reduction.MEAN))
        .callback(Progress.auto())
        .build();
List<EpochResult> history = trainer.fit(epochs);
""")
md("""
## How well it does on the test set
""")
code("""
DataLoader testLoader = DataLoader.builder(test, key.fold(5)).batchSize(256).transforms(Transform.normalize(mean, std)).build();
ConfusionMatrix confusion = new ConfusionMatrix(Datasets.FASHION_MNIST_CLASSES);
Evaluation.Result result = Evaluation.run(model, testLoader.epoch(0), Functional::crossEntropy, confusion);
display(confusion.result());
String.format("test accuracy %.2f%% on %d images (loss %.4f)", 100 * result.accuracy(), result.samples(), result.loss())
""")
md("""
## A few of its mistakes
""")
code("""
List<Tensor> wrongImages = new ArrayList<>();
StringBuilder captions = new StringBuilder("<ol>");
model.eval();
try (GradMode.Scope noGrad = GradMode.noGrad()) {
    for (int i = 0; i < test.size() && wrongImages.size() < 8; i++) {
        Tensor image = test.image(i);
        Tensor input = image.sub(mean[0]).div(std[0]).reshape(1, 1, 28, 28);
        int predicted = (int) model.forward(Var.of(input)).value().argmax(1, false).item();
        if (predicted != test.label(i)) {
            wrongImages.add(image);
            captions.append("<li>").append(Datasets.FASHION_MNIST_CLASSES.get(test.label(i)))
                    .append(" taken for ").append(Datasets.FASHION_MNIST_CLASSES.get(predicted)).append("</li>");
        }
    }
}
Display.image(Tensor.stack(0, wrongImages.toArray(new Tensor[0])));
Display.html(captions.append("</ol>").toString());
""")

nb.write(sys.argv[1])
