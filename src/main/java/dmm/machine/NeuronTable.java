package dmm.machine;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network's declared neurons in declaration order: an immutable map that grows by one
 * declaration in amortized constant time, so building a network neuron by neuron
 * ({@code add-neuron} in a loop) is linear, not quadratic.
 *
 * <p>Versions share storage: a table is a prefix of a shared array with a shared name index.
 * Adding a neuron to the newest version of a lineage claims the next slot (a compare-and-set,
 * so two threads extending the same version never both get it) and writes it; every other
 * change (extending an older version, replacing a declaration) copies. Entries below a
 * version's length never change, so every version reads a consistent prefix; the final field
 * holding the shared storage publishes the slot written before the new version was made.
 */
final class NeuronTable extends AbstractMap<String, NeuronDecl> {
    static final NeuronTable EMPTY = new NeuronTable(new Shared(0), 0);

    /** Storage shared by the versions of one lineage. */
    static final class Shared {
        final NeuronDecl[] decls;
        final ConcurrentHashMap<String, Integer> index;
        /** Slots handed out so far. */
        final AtomicInteger claimed;

        Shared(int capacity) {
            decls = new NeuronDecl[capacity];
            index = new ConcurrentHashMap<>(Math.max(16, capacity * 2));
            claimed = new AtomicInteger();
        }
    }

    final Shared shared;
    private final int count;

    private NeuronTable(Shared shared, int count) {
        this.shared = shared;
        this.count = count;
    }

    /** This table with {@code d} added at the end, or replacing the declaration of the same name in place. */
    NeuronTable with(NeuronDecl d) {
        Integer at = shared.index.get(d.name());
        if (at != null && at < count) return copy(count, at, d);
        if (count < shared.decls.length && shared.claimed.compareAndSet(count, count + 1)) {
            shared.decls[count] = d;
            shared.index.put(d.name(), count);
            return new NeuronTable(shared, count + 1);
        }
        return copy(Math.max(8, 2 * (count + 1)), -1, d);
    }

    /** A fresh lineage holding this table's entries and {@code d} (at {@code replace}, or appended when it is -1). */
    private NeuronTable copy(int capacity, int replace, NeuronDecl d) {
        Shared s = new Shared(Math.max(capacity, count));
        for (int i = 0; i < count; i++) {
            NeuronDecl e = i == replace ? d : shared.decls[i];
            s.decls[i] = e;
            s.index.put(e.name(), i);
        }
        int n = count;
        if (replace < 0) {
            s.decls[n] = d;
            s.index.put(d.name(), n);
            n++;
        }
        s.claimed.set(n);
        return new NeuronTable(s, n);
    }

    @Override
    public NeuronDecl get(Object name) {
        Integer at = shared.index.get(name);
        return at != null && at < count ? shared.decls[at] : null;
    }

    @Override
    public boolean containsKey(Object name) {
        return get(name) != null;
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public Set<Map.Entry<String, NeuronDecl>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, NeuronDecl>> iterator() {
                return new Iterator<>() {
                    int i;

                    @Override
                    public boolean hasNext() {
                        return i < count;
                    }

                    @Override
                    public Map.Entry<String, NeuronDecl> next() {
                        if (i >= count) throw new NoSuchElementException();
                        NeuronDecl d = shared.decls[i++];
                        return Map.entry(d.name(), d);
                    }
                };
            }

            @Override
            public int size() {
                return count;
            }
        };
    }
}
