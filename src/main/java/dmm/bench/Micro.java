package dmm.bench;

import dmm.lang.Fn;
import dmm.lang.Interpreter;
import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** JMH micro-benchmarks: {@code lincomb} on realistic rows and one neuron call through the interpreter. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Micro {
    VValue row;
    VValue layer;
    Fn accum;
    Object[] accumInput;

    @Setup
    public void setup() {
        Random r = new Random(1);
        // an output layer Y[type][name][field] of 45 neurons carrying ~12-key character vectors or scalars
        VBuilder y = new VBuilder(), w = new VBuilder();
        String[] chars = "abcdefghijkl".split("");
        for (int n = 0; n < 45; n++) {
            VBuilder field = y.child("t" + (n % 4)).child("n" + n).child("f");
            if (n % 3 == 0) for (String c : chars) field.addScaled(c, 1, VValue.of(r.nextGaussian()));
            else field.addScalar(r.nextGaussian());
        }
        // a row of ~50 leaves over those outputs
        for (int j = 0; j < 50; j++) {
            int n = r.nextInt(45);
            w.child("t" + (n % 4)).child("n" + n).child("f").addScalar(r.nextGaussian() * 0.01);
        }
        layer = y.build();
        row = w.build();
        Interpreter interp = new Interpreter();
        interp.require("std");
        accum = (Fn) interp.findNeuronType("sum-dicts").get();
        VBuilder in = new VBuilder();
        for (String c : chars) {
            in.child("dict-1").addScaled(c, 1, VValue.of(r.nextGaussian()));
            in.child("dict-2").addScaled(c, 1, VValue.of(r.nextGaussian()));
        }
        accumInput = new Object[] {in.build()};
    }

    @Benchmark
    public VValue lincombRow() {
        return VValue.lincomb(row, layer);
    }

    @Benchmark
    public Object neuronCallThroughInterpreter() {
        return accum.invoke(accumInput.clone());
    }
}
