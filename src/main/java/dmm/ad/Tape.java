package dmm.ad;

import dmm.vvalue.VValue;
import java.util.ArrayList;
import java.util.function.Consumer;

/**
 * The dynamic tape of one gradient computation: entries in the order the primitives ran.
 * One tape records at a time per thread; {@link #current()} is the recording one, if any.
 */
public final class Tape {
    private static final ThreadLocal<Tape> CURRENT = new ThreadLocal<>();

    /** One recorded primitive: propagates its outputs' cotangents to its inputs. */
    public interface Entry {
        void backward();
    }

    /** The number of entries the last tape ended with (a hint for the next one's capacity: a training step's tapes are alike). */
    private static volatile int sizeHint = 16;
    private final ArrayList<Entry> entries = new ArrayList<>(sizeHint);
    private final Thread owner = Thread.currentThread();
    private boolean recording = true;

    private Tape() {}

    /** The tape recording on this thread, or null. */
    public static Tape current() {
        return CURRENT.get();
    }

    /** Starts a tape on this thread. Nested tapes are not supported. */
    static Tape begin() {
        if (CURRENT.get() != null)
            throw new AdException("nested grad is not supported: a gradient is already being computed on this thread "
                    + "(the function passed to grad calls grad again)");
        Tape t = new Tape();
        CURRENT.set(t);
        return t;
    }

    /** Stops recording and forgets the entries (releases the memory of the forward pass). */
    void end() {
        recording = false;
        sizeHint = Math.max(16, Math.min(entries.size(), 1 << 17));
        entries.clear();
        entries.trimToSize();
        if (CURRENT.get() == this) CURRENT.remove();
    }

    /** True while this tape records on the calling thread. */
    public boolean isRecording() {
        return recording && Thread.currentThread() == owner;
    }

    /** A new tracked value with no history (an independent variable or a constant lifted onto the tape). */
    public Tracked leaf(VValue v) {
        return new Tracked(v, this);
    }

    /**
     * A tracked value made by a custom {@link Entry} that reads its cotangent in the backward
     * pass (an entry for many primitives at once, such as a cycle's up movement);
     * {@code readsNumbersOnly}: that entry reads only the {@code :number} part of each top-level
     * field of it (see {@link Tracked#readsNumbersOnly()}).
     */
    public Tracked made(VValue v, boolean readsNumbersOnly) {
        return new Tracked(v, this, readsNumbersOnly);
    }

    /**
     * Records a primitive with a single output: returns the tracked output; in the backward pass
     * {@code pullback} receives the output's cotangent (only when it is non-zero).
     */
    public Tracked record(VValue out, Consumer<VValue> pullback) {
        return record(new Tracked(out, this), pullback);
    }

    /**
     * {@link #record(VValue, Consumer)} for a primitive whose pullback reads only the
     * {@code :number} part of each top-level field of the output's cotangent (a neuron whose
     * outputs are numbers to it): see {@link Tracked#readsNumbersOnly()}.
     */
    public Tracked recordNumbers(VValue out, Consumer<VValue> pullback) {
        return record(new Tracked(out, this, true), pullback);
    }

    private Tracked record(Tracked y, Consumer<VValue> pullback) {
        entries.add(() -> {
            if (!y.hasCotangent()) return;
            VValue g = y.cotangentValue();
            if (!g.isZero()) pullback.accept(g);
        });
        return y;
    }

    /** Records a custom entry (multi-output primitives such as a network's down movement). */
    public void record(Entry e) {
        entries.add(e);
    }

    /** Runs the backward pass from {@code output} seeded with cotangent {@code seed}. */
    void backward(Tracked output, VValue seed) {
        output.accumulate(1.0, seed);
        for (int i = entries.size() - 1; i >= 0; i--) entries.get(i).backward();
    }
}
