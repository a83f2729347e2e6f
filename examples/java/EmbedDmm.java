// EmbedDmm.java — dmm embedded in a Java program: a neuron type defined in Java (differentiable,
// through dmm.ad.Ops), a network loaded from a .dmm file that uses it, a loss written in Java,
// training with a progress callback, and the trained network read back through the language.
// The test suite compiles and runs it (EmbeddingTest.theJavaExampleCompilesRunsAndTrains); run it by hand with
//   javac -cp target/dmm.jar -d target/example examples/java/EmbedDmm.java
//   java -cp target/dmm.jar:target/example EmbedDmm

import dmm.ad.Ops;
import dmm.api.Dmm;
import dmm.machine.Network;
import dmm.train.Adam;
import dmm.train.Loss;
import dmm.train.Trainer;
import dmm.vvalue.VValue;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

public class EmbedDmm {
    public static void main(String[] args) {
        Dmm dmm = Dmm.create();

        // a neuron type in Java: y = 2·x, written with Ops so gradients flow through it
        dmm.defineNeuron("twice", List.of("x"), List.of("y"),
                in -> Ops.makeMap(new String[] {"y"}, new Object[] {Ops.scale(VValue.of(2), Ops.get(in, "x"))}));

        // a network from a .dmm file that uses it
        dmm.eval(Path.of(args.length > 0 ? args[0] : "examples/java/gain.dmm"));
        Network net = (Network) dmm.get("gain");

        // a loss in Java: after two cycles t's output y should be 3
        Loss loss = n -> Ops.square(Ops.subtract(Ops.get(dmm.run(n, 2).outputOf("t"), "y"), VValue.of(3)));

        Trainer trainer = Trainer.builder(net, loss).optimizer(new Adam(0.05, 0.9, 0.999, 1e-8)).quiet().build();
        trainer.onStep(row -> {
            if (row.step() % 100 == 0) System.out.printf(Locale.ROOT, "step %d  loss %.3g%n", row.step(), row.prereg());
        });
        trainer.train(400);

        // read the result back: through the language, and as Java values
        dmm.set("trained", trainer.network());
        System.out.println("links: " + dmm.eval("(links trained)"));
        Object y = Dmm.toJava(dmm.eval("(get (output (run trained 2) 't) :y)"));
        System.out.printf(Locale.ROOT, "t.y after two cycles: %.4f%n", (Double) y);
    }
}
