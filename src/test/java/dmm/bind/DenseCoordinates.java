package dmm.bind;

import dmm.machine.NeuronKernel;
import dmm.vvalue.VBuilder;
import dmm.vvalue.VValue;
import java.util.Arrays;

/**
 * Dense coordinates over a fixed list of keys (coordinate 0 the scalar part), as the compiled
 * down movement gives them to a kernel: for testing dense pullbacks against pullbacks on V-values.
 */
public final class DenseCoordinates {
    private final String[] keys;

    /** Coordinates 1.. are {@code keys}, in this order. */
    public DenseCoordinates(String... keys) {
        this.keys = new String[keys.length + 1];
        System.arraycopy(keys, 0, this.keys, 1, keys.length);
    }

    /** The coordinates of a flat value over these keys. */
    public double[] of(VValue v) {
        double[] d = new double[keys.length];
        d[0] = v.scalarPart();
        for (int q = 1; q < d.length; q++) d[q] = v.get(keys[q]).scalarPart();
        return d;
    }

    /** The flat value of coordinates (missing ones 0). */
    public VValue value(double[] d) {
        d = Arrays.copyOf(d, keys.length);
        VBuilder b = new VBuilder().addScalar(d[0]);
        for (int q = 1; q < d.length; q++) b.child(keys[q]).addScalar(d[q]);
        return b.build();
    }

    /**
     * A kernel call's dense cotangents: inputs {@code in}, output cotangent {@code g}; the inputs'
     * cotangents are added into {@code got}, field by field.
     */
    public NeuronKernel.DenseCotangents cotangents(VValue in, VValue g, VBuilder got) {
        return new NeuronKernel.DenseCotangents() {
            @Override
            public double outScalar(String field) {
                return g.get(field).scalarPart();
            }

            @Override
            public double[] outVector(String field) {
                VValue f = g.get(field);
                return f.isScalar() ? null : of(f);
            }

            @Override
            public double inScalar(String field) {
                return in.get(field).scalarPart();
            }

            @Override
            public double[] inVector(String field) {
                VValue f = in.get(field);
                return f.isScalar() ? null : of(f);
            }

            @Override
            public void setIn(String field, double[] d) {
                got.child(field).add(value(d));
            }

            @Override
            public double[] coordinates(VValue v) {
                return v.isFlat() ? of(v) : null;
            }

            @Override
            public int coordinate(String key) {
                if (key.equals(VValue.NUMBER)) return 0;
                for (int q = 1; q < keys.length; q++) if (keys[q].equals(key)) return q;
                return -1;
            }

            @Override
            public VValue value(double[] d) {
                return DenseCoordinates.this.value(d);
            }
        };
    }
}
