package dmm.machine;

import static org.junit.jupiter.api.Assertions.*;

import dmm.bind.MachineLib;
import dmm.lang.EvalError;
import dmm.lang.Interpreter;
import dmm.lang.Printer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Declared neurons: an immutable map in declaration order that grows in amortized constant time. */
class NeuronTableTest {
    private static NeuronDecl decl(String name, String type) {
        return new NeuronDecl(name, type, () -> null);
    }

    @Test
    void versionsAreIndependentValues() {
        NeuronTable t = NeuronTable.EMPTY.with(decl("a", "x")).with(decl("b", "y"));
        NeuronTable left = t.with(decl("c", "x")), right = t.with(decl("d", "y"));
        assertEquals(List.of("a", "b"), new ArrayList<>(t.keySet()));
        assertEquals(List.of("a", "b", "c"), new ArrayList<>(left.keySet()));
        assertEquals(List.of("a", "b", "d"), new ArrayList<>(right.keySet()), "a branch from an extended version copies");
        assertNull(t.get("c"));
        assertNull(left.get("d"));
        assertEquals("y", right.get("d").type());
        NeuronTable replaced = left.with(decl("a", "z"));
        assertEquals(List.of("a", "b", "c"), new ArrayList<>(replaced.keySet()), "a replacement keeps the position");
        assertEquals("z", replaced.get("a").type());
        assertEquals("x", left.get("a").type(), "the old version keeps the old declaration");
        assertEquals(3, left.size());
        assertTrue(left.containsKey("c") && !left.containsKey("zz"));
    }

    @Test
    void addingNeuronsOneByOneCopiesALinearNumberOfDeclarations() {
        int n = 50_000;
        NeuronTable t = NeuronTable.EMPTY;
        Map<NeuronTable.Shared, Boolean> storages = new IdentityHashMap<>();
        for (int i = 0; i < n; i++) {
            t = t.with(decl("n" + i, "identity"));
            storages.put(t.shared, true);
        }
        long copied = 0;
        for (NeuronTable.Shared s : storages.keySet()) copied += s.decls.length;
        assertTrue(copied <= 4L * n, "declarations copied: " + copied);
        assertTrue(storages.size() <= 20, "storage generations: " + storages.size());
        assertEquals(n, t.size());
        assertEquals("n12345", t.get("n12345").name());
        assertEquals("n0", t.keySet().iterator().next());
    }

    @Test
    void addLinkInALoopEqualsAddLinksAndCancelsToNothing() {
        Interpreter interp = new Interpreter();
        interp.setOut(new PrintStream(new ByteArrayOutputStream()));
        MachineLib.install(interp);
        Object r = interp.eval("t.dmm", """
            (require std)
            (def big (reduce (fn [n i] (add-neuron n (str "a" i) 'identity)) (network x (neurons)) (range 50)))
            (def specs (map (fn [i] [(str "a" (mod i 50)) "in" (str "a" (quot i 12)) "out" (+ 1 (mod i 3))]) (range 600)))
            (def one-by-one (reduce (fn [n s] (add-link n (nth s 0) (nth s 1) (nth s 2) (nth s 3) (nth s 4))) big specs))
            (def undone (reduce (fn [n s] (add-link n (nth s 0) (nth s 1) (nth s 2) (nth s 3) (- (nth s 4)))) one-by-one specs))
            [(= (matrix one-by-one) (matrix (add-links big specs))) (link-count one-by-one) (link-count undone)
             (= (matrix (link (link big a1.in <- 2 a2.out) a1.in <- -2 a2.out)) {})]""");
        assertEquals("[true 600 0 true]", Printer.print(r));
    }

    @Test
    void addNeuronInALoopBuildsTheNetwork() {
        Interpreter interp = new Interpreter();
        interp.setOut(new PrintStream(new ByteArrayOutputStream()));
        MachineLib.install(interp);
        Object r = interp.eval("t.dmm", """
            (require std)
            (def big (reduce (fn [n i] (add-neuron n (str "a" i) 'identity)) (network x (neurons)) (range 20000)))
            [(count (neuron-names big)) (first (neuron-names big)) (nth (neuron-names big) 19999)]""");
        assertEquals("[20000 \"a0\" \"a19999\"]", Printer.print(r));
        var e = assertThrows(EvalError.class, () -> interp.eval("t.dmm", "(add-neuron big 'a5 'max-norm)"));
        assertEquals("neuron `a5` is already declared with type `identity`", e.bareMessage());
    }
}
