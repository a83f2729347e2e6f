package dmm.compile;

import static org.objectweb.asm.Opcodes.*;

import dmm.machine.NeuronKernel.DenseCotangents;
import dmm.vvalue.VValue;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

/**
 * Writes a {@link Program} as a class ({@link Generated}): the program's operations unrolled,
 * each slot a local variable (a {@code double} for a number slot), each operation a direct call
 * of its record's rule, the records and constants in static final fields the JIT treats as
 * constants. The dense pullback is {@link DensePullback}'s walk unrolled the same way: the
 * cotangent of a number slot in a {@code double} local, of any other slot in a {@code double[]}
 * local, each rule's arithmetic a call of the helper {@code DensePullback} itself uses. So the
 * class computes what the program computes, in the same order, bit for bit; only the dispatch
 * is gone. The class is hidden (defined through a lookup on this package, its constants passed
 * as class data), so it is unloaded with the kernel that holds it.
 *
 * <p>The file is long (over 500 lines) because its two writers mirror {@link Program#forward}
 * and {@link DensePullback} rule by rule, and are checked against them side by side.
 */
final class Codegen {
    /** {@code -Ddmm.codegen=false} runs compiled programs without writing classes (for comparison). */
    static final boolean ENABLED = !"false".equals(System.getProperty("dmm.codegen"));

    private static final AtomicLong COUNT = new AtomicLong();
    private static final String VV = Type.getInternalName(VValue.class), VVD = "L" + VV + ";";
    private static final String FRAME = Type.getInternalName(Frame.class), FRAMED = "L" + FRAME + ";";
    private static final String DENSE = Type.getInternalName(DensePullback.class);
    private static final String DC = Type.getInternalName(DenseCotangents.class), DCD = "L" + DC + ";";

    private final Program p;
    private final ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
    private final String name;
    private final List<Object> constants = new ArrayList<>();
    private final List<String> constantTypes = new ArrayList<>();
    /**
     * True when the dense pullback reads no computed value but numbers: the residual is then the
     * number slots alone, in a {@code double[]} (at {@link #numberIndex}), and the inputs are read
     * again from the input map; otherwise it is the whole {@link Frame}.
     */
    private boolean lean;
    private int[] numberIndex;
    private int numbers;

    private Codegen(Program p, String neuron) {
        this.p = p;
        this.name = Type.getInternalName(Codegen.class).replace("Codegen", "Kernel_")
                + neuron.replaceAll("[^A-Za-z0-9_]", "_") + "_" + COUNT.incrementAndGet();
    }

    /** Program {@code p} as a class (named after the neuron type {@code neuron}, for profiles). */
    static Generated generate(Program p, String neuron) {
        Codegen g = new Codegen(p, neuron);
        byte[] bytes = g.write();
        try {
            MethodHandles.Lookup l = MethodHandles.lookup().defineHiddenClassWithClassData(bytes, g.constants.toArray(), true);
            return (Generated) l.findConstructor(l.lookupClass(), java.lang.invoke.MethodType.methodType(void.class)).invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("could not define the class of a compiled neuron: " + t, t);
        }
    }

    private byte[] write() {
        cw.visit(V17, ACC_FINAL | ACC_SUPER | ACC_SYNTHETIC, name, null, Type.getInternalName(Generated.class), null);
        MethodVisitor init = cw.visitMethod(0, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(ALOAD, 0);
        init.visitMethodInsn(INVOKESPECIAL, Type.getInternalName(Generated.class), "<init>", "()V", false);
        init.visitInsn(RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();
        // a dry run of the dense pullback (into no method) finds which values it reads
        Dense dry = new Dense(new MethodVisitor(ASM9) {}, false);
        dry.emit();
        lean = p.denseForm && !dry.readsComputedValue;
        if (lean) {
            numberIndex = new int[p.size()];
            int i = 0;
            for (int s = p.inputs; s < p.size(); s++) if (p.numeric[s]) numberIndex[s] = i++;
            numbers = i;
        }
        new Forward(false).emit();
        new Forward(true).emit();
        new Dense(cw.visitMethod(0, "dense", "(Ljava/lang/Object;" + DCD + VVD + ")Z", null, null), lean).emit();
        classInit();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** Field {@code c<i>} holding {@code value}, typed as {@code type}. */
    private String constant(Object value, Class<?> type) {
        for (int i = 0; i < constants.size(); i++)
            if (constants.get(i) == value && constantTypes.get(i).equals(Type.getDescriptor(type))) return "c" + i;
        constants.add(value);
        constantTypes.add(Type.getDescriptor(type));
        String f = "c" + (constants.size() - 1);
        cw.visitField(ACC_PRIVATE | ACC_STATIC | ACC_FINAL, f, Type.getDescriptor(type), null, null).visitEnd();
        return f;
    }

    /** The static initializer: each constant field from the class data. */
    private void classInit() {
        MethodVisitor m = cw.visitMethod(ACC_STATIC, "<clinit>", "()V", null, null);
        m.visitCode();
        m.visitMethodInsn(INVOKESTATIC, "java/lang/invoke/MethodHandles", "lookup", "()Ljava/lang/invoke/MethodHandles$Lookup;", false);
        m.visitLdcInsn("_");
        m.visitLdcInsn(Type.getType(Object[].class));
        m.visitMethodInsn(INVOKESTATIC, "java/lang/invoke/MethodHandles", "classData",
                "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;)Ljava/lang/Object;", false);
        m.visitTypeInsn(CHECKCAST, "[Ljava/lang/Object;");
        m.visitVarInsn(ASTORE, 0);
        for (int i = 0; i < constants.size(); i++) {
            m.visitVarInsn(ALOAD, 0);
            push(m, i);
            m.visitInsn(AALOAD);
            m.visitTypeInsn(CHECKCAST, Type.getType(constantTypes.get(i)).getInternalName());
            m.visitFieldInsn(PUTSTATIC, name, "c" + i, constantTypes.get(i));
        }
        m.visitInsn(RETURN);
        m.visitMaxs(0, 0);
        m.visitEnd();
    }

    private static void push(MethodVisitor m, int i) {
        if (i >= -1 && i <= 5) m.visitInsn(ICONST_0 + i);
        else if (i <= Short.MAX_VALUE) m.visitIntInsn(SIPUSH, i);
        else m.visitLdcInsn(i);
    }

    private static void push(MethodVisitor m, double x) {
        if (Double.doubleToRawLongBits(x) == 0) m.visitInsn(DCONST_0);
        else if (x == 1) m.visitInsn(DCONST_1);
        else m.visitLdcInsn(x);
    }

    /** Loads operation {@code op}'s record (a constant of its own class). */
    private void record(MethodVisitor m, Op op) {
        m.visitFieldInsn(GETSTATIC, name, constant(op, op.getClass()), Type.getDescriptor(op.getClass()));
    }

    private static void call(MethodVisitor m, Op op, String method, String descriptor) {
        m.visitMethodInsn(INVOKEVIRTUAL, Type.getInternalName(op.getClass()), method, descriptor, false);
    }

    private static void helper(MethodVisitor m, String method, String descriptor) {
        m.visitMethodInsn(INVOKESTATIC, DENSE, method, descriptor, false);
    }

    /**
     * {@code frame(VValue in)} (all slots, as a {@link Frame}) or {@code forward(VValue in, Object[]
     * residuals, int at)} (the result, and the residual at {@code residuals[at]} unless
     * {@code residuals} is null): the inputs, then each operation into its slot's local.
     */
    private final class Forward {
        final boolean frameOnly;
        final MethodVisitor m;
        final int[] loc = new int[p.size()];

        Forward(boolean frameOnly) {
            this.frameOnly = frameOnly;
            this.m = frameOnly ? cw.visitMethod(0, "frame", "(" + VVD + ")" + FRAMED, null, null)
                    : cw.visitMethod(0, "forward", "(" + VVD + "[Ljava/lang/Object;I)" + VVD, null, null);
        }

        void emit() {
            m.visitCode();
            int next = frameOnly ? 2 : 4;
            for (int s = 0; s < loc.length; s++) {
                loc[s] = next;
                next += p.numeric[s] ? 2 : 1;
            }
            for (int i = 0; i < p.inputs; i++) {
                m.visitVarInsn(ALOAD, 1);
                if (p.fields != null) {
                    m.visitLdcInsn(p.fields[i]);
                    m.visitMethodInsn(INVOKEVIRTUAL, VV, "get", "(Ljava/lang/String;)" + VVD, false);
                }
                m.visitVarInsn(ASTORE, loc[i]);
            }
            for (int k = 0; k < p.ops.length; k++) op(p.inputs + k, p.ops[k]);
            if (frameOnly) {
                frame(next);
                m.visitInsn(ARETURN);
            } else {
                Label done = new Label();
                m.visitVarInsn(ALOAD, 2);
                m.visitJumpInsn(IFNULL, done);
                m.visitVarInsn(ALOAD, 2);
                m.visitVarInsn(ILOAD, 3);
                if (lean) numbers();
                else frame(next);
                m.visitInsn(AASTORE);
                m.visitLabel(done);
                value(p.result);
                m.visitInsn(ARETURN);
            }
            m.visitMaxs(0, 0);
            m.visitEnd();
        }

        /** Pushes the number slots' values in a new array (the lean residual). */
        void numbers() {
            push(m, numbers);
            m.visitIntInsn(NEWARRAY, T_DOUBLE);
            for (int s = p.inputs; s < p.size(); s++) {
                if (!p.numeric[s]) continue;
                m.visitInsn(DUP);
                push(m, numberIndex[s]);
                m.visitVarInsn(DLOAD, loc[s]);
                m.visitInsn(DASTORE);
            }
        }

        /** Pushes every slot's value as a new {@link Frame} (using local {@code frame}). */
        void frame(int frame) {
            m.visitTypeInsn(NEW, FRAME);
            m.visitInsn(DUP);
            push(m, p.size());
            m.visitFieldInsn(GETSTATIC, name, constant(p.numeric, boolean[].class), "[Z");
            boolean any = false;
            for (boolean b : p.numeric) any |= b;
            push(m, any ? 1 : 0);
            m.visitMethodInsn(INVOKESPECIAL, FRAME, "<init>", "(I[ZZ)V", false);
            m.visitVarInsn(ASTORE, frame);
            for (int s = 0; s < loc.length; s++) {
                m.visitVarInsn(ALOAD, frame);
                if (p.numeric[s]) {
                    m.visitFieldInsn(GETFIELD, FRAME, "n", "[D");
                    push(m, s);
                    m.visitVarInsn(DLOAD, loc[s]);
                    m.visitInsn(DASTORE);
                } else {
                    m.visitFieldInsn(GETFIELD, FRAME, "v", "[" + VVD);
                    push(m, s);
                    m.visitVarInsn(ALOAD, loc[s]);
                    m.visitInsn(AASTORE);
                }
            }
            m.visitVarInsn(ALOAD, frame);
        }

        /** Slot {@code s} as a V-value (a number slot's made here, as {@code Frame.val} makes it). */
        void value(int s) {
            if (p.numeric[s]) {
                m.visitVarInsn(DLOAD, loc[s]);
                m.visitMethodInsn(INVOKESTATIC, VV, "of", "(D)" + VVD, false);
            } else m.visitVarInsn(ALOAD, loc[s]);
        }

        /** Slot {@code s}'s scalar part ({@code Frame.num}). */
        void scalar(int s) {
            if (p.numeric[s]) m.visitVarInsn(DLOAD, loc[s]);
            else {
                m.visitVarInsn(ALOAD, loc[s]);
                m.visitMethodInsn(INVOKEVIRTUAL, VV, "scalarPart", "()D", false);
            }
        }

        void values(int[] slots) {
            push(m, slots.length);
            m.visitTypeInsn(ANEWARRAY, VV);
            for (int i = 0; i < slots.length; i++) {
                m.visitInsn(DUP);
                push(m, i);
                value(slots[i]);
                m.visitInsn(AASTORE);
            }
        }

        void op(int s, Op op) {
            if (op instanceof Op.Const c) {
                if (p.numeric[s]) push(m, c.value().scalarPart());
                else m.visitFieldInsn(GETSTATIC, name, constant(c.value(), VValue.class), VVD);
            } else if (p.numeric[s]) number(s, op);
            else {
                record(m, op);
                int[] a = op.args();
                if (op instanceof Op.MakeMap mm && mm.sorted() != null) {
                    int[] inOrder = new int[a.length];
                    for (int i = 0; i < a.length; i++) inOrder[i] = a[mm.order()[i]];
                    values(inOrder);
                    call(m, op, "sortedValue", "([" + VVD + ")" + VVD);
                } else if (op instanceof Op.Sum || op instanceof Op.MakeMap) {
                    values(a);
                    call(m, op, "value", "([" + VVD + ")" + VVD);
                } else if (a.length == 1) {
                    value(a[0]);
                    call(m, op, "value", "(" + VVD + ")" + VVD);
                } else {
                    value(a[0]);
                    value(a[1]);
                    call(m, op, "value", "(" + VVD + VVD + ")" + VVD);
                }
            }
            m.visitVarInsn(p.numeric[s] ? DSTORE : ASTORE, loc[s]);
        }

        /** An operation computed as a number: its record's rule on numbers (on V-values where an argument is not held as one). */
        void number(int s, Op op) {
            record(m, op);
            int[] a = op.args();
            if (op instanceof Op.Num) {
                scalar(a[0]);
                call(m, op, "number", "(D)D");
            } else if (op instanceof Op.MaxNorm && !p.numeric[a[0]]) {
                value(a[0]);
                call(m, op, "numberOf", "(" + VVD + ")D");
            } else if (op instanceof Op.Dot && !(p.numeric[a[0]] && p.numeric[a[1]])) {
                value(a[0]);
                value(a[1]);
                call(m, op, "numberOf", "(" + VVD + VVD + ")D");
            } else if (a.length == 1) {
                m.visitVarInsn(DLOAD, loc[a[0]]);
                call(m, op, "number", "(D)D");
            } else {
                m.visitVarInsn(DLOAD, loc[a[0]]);
                m.visitVarInsn(DLOAD, loc[a[1]]);
                call(m, op, "number", "(DD)D");
            }
        }
    }

    /** Pushes a double (a weight, a value) in {@link Dense}. */
    private interface Push {
        void emit();
    }

    /**
     * {@code dense(Frame f, DenseCotangents d)}: {@link DensePullback#run} unrolled. Each method
     * below emits what the {@code DensePullback} method of the same name does, in its order.
     */
    private final class Dense {
        final MethodVisitor m;
        /** The residual is the number slots alone (see {@link Codegen#lean}); else a {@link Frame}. */
        final boolean leanResidual;
        final int[] cot = new int[p.size()];
        /** Per input: the local holding its value (lean residual). */
        final int[] input = new int[p.inputs];
        final Label decline = new Label();
        /** Locals: 0 this, 1 the residual, 2 the cotangents, 3 the input map, 4 the residual cast. */
        static final int RESIDUAL = 4;
        int next = 5;
        /** Set while emitting: some computed value other than a number is read. */
        boolean readsComputedValue;

        Dense(MethodVisitor m, boolean leanResidual) {
            this.m = m;
            this.leanResidual = leanResidual;
        }

        int local(int width) {
            int l = next;
            next += width;
            return l;
        }

        void emit() {
            m.visitCode();
            if (!p.denseForm) {
                m.visitInsn(ICONST_0);
                m.visitInsn(IRETURN);
                m.visitMaxs(0, 0);
                m.visitEnd();
                return;
            }
            m.visitVarInsn(ALOAD, 1);
            m.visitTypeInsn(CHECKCAST, leanResidual ? "[D" : FRAME);
            m.visitVarInsn(ASTORE, RESIDUAL);
            if (leanResidual)
                for (int i = 0; i < p.inputs; i++) {
                    input[i] = local(1);
                    m.visitVarInsn(ALOAD, 3);
                    m.visitLdcInsn(p.fields[i]);
                    m.visitMethodInsn(INVOKEVIRTUAL, VV, "get", "(Ljava/lang/String;)" + VVD, false);
                    m.visitVarInsn(ASTORE, input[i]);
                }
            for (int s = p.inputs; s < p.size(); s++) {
                if (!p.numeric[s]) continue;
                frameNumber(s);
                m.visitMethodInsn(INVOKESTATIC, "java/lang/Double", "isFinite", "(D)Z", false);
                m.visitJumpInsn(IFEQ, decline);
            }
            for (int s = 0; s < p.size(); s++) {
                if (!p.differentiable[s]) continue;
                if (p.number[s]) {
                    cot[s] = local(2);
                    m.visitInsn(DCONST_0);
                    m.visitVarInsn(DSTORE, cot[s]);
                } else {
                    cot[s] = local(1);
                    m.visitInsn(ACONST_NULL);
                    m.visitVarInsn(ASTORE, cot[s]);
                }
            }
            for (int k = p.ops.length - 1; k >= 0; k--) {
                int s = p.inputs + k;
                if (!p.differentiable[s]) continue;
                Op op = p.ops[k];
                if (s == p.result) {
                    Op.MakeMap mm = (Op.MakeMap) op;
                    for (int i = 0; i < mm.keys().length; i++) {
                        String key = mm.keys()[i];
                        int vi = mm.values()[i];
                        if (p.number[vi]) addNum(vi, 1, null, () -> {
                            m.visitVarInsn(ALOAD, 2);
                            m.visitLdcInsn(key);
                            m.visitMethodInsn(INVOKEINTERFACE, DC, "outScalar", "(Ljava/lang/String;)D", true);
                        });
                        else addVec(vi, 1, null, () -> {
                            m.visitVarInsn(ALOAD, 2);
                            m.visitLdcInsn(key);
                            helper(m, "outCoordinates", "(" + DCD + "Ljava/lang/String;)[D");
                        });
                    }
                    continue;
                }
                Label skip = new Label();
                if (p.number[s]) {
                    m.visitVarInsn(DLOAD, cot[s]);
                    m.visitInsn(DCONST_0);
                    m.visitInsn(DCMPL);
                    m.visitJumpInsn(IFEQ, skip);
                    transposeNumber(op, s);
                } else {
                    m.visitVarInsn(ALOAD, cot[s]);
                    helper(m, "zeroOrNull", "([D)Z");
                    m.visitJumpInsn(IFNE, skip);
                    transposeVector(op, s);
                }
                m.visitLabel(skip);
            }
            for (int i = 0; i < p.inputs; i++) {
                m.visitVarInsn(ALOAD, cot[i]);
                helper(m, "finiteOrNull", "([D)Z");
                m.visitJumpInsn(IFEQ, decline);
            }
            for (int i = 0; i < p.inputs; i++) {
                Label skip = new Label();
                m.visitVarInsn(ALOAD, cot[i]);
                helper(m, "zeroOrNull", "([D)Z");
                m.visitJumpInsn(IFNE, skip);
                m.visitVarInsn(ALOAD, 2);
                m.visitLdcInsn(p.fields[i]);
                m.visitVarInsn(ALOAD, cot[i]);
                m.visitMethodInsn(INVOKEINTERFACE, DC, "setIn", "(Ljava/lang/String;[D)V", true);
                m.visitLabel(skip);
            }
            m.visitInsn(ICONST_1);
            m.visitInsn(IRETURN);
            m.visitLabel(decline);
            m.visitInsn(ICONST_0);
            m.visitInsn(IRETURN);
            m.visitMaxs(0, 0);
            m.visitEnd();
        }

        /** Number slot {@code s}'s value from the residual. */
        void frameNumber(int s) {
            m.visitVarInsn(ALOAD, RESIDUAL);
            if (leanResidual) push(m, numberIndex[s]);
            else {
                m.visitFieldInsn(GETFIELD, FRAME, "n", "[D");
                push(m, s);
            }
            m.visitInsn(DALOAD);
        }

        /** Slot {@code s}'s value (not a number slot) from the residual, or an input's from the input map. */
        void frameValue(int s) {
            if (s >= p.inputs) readsComputedValue = true;
            if (leanResidual && s < p.inputs) {
                m.visitVarInsn(ALOAD, input[s]);
                return;
            }
            m.visitVarInsn(ALOAD, RESIDUAL);
            m.visitFieldInsn(GETFIELD, FRAME, "v", "[" + VVD);
            push(m, s);
            m.visitInsn(AALOAD);
        }

        /** {@code f.num(s)}. */
        void num(int s) {
            if (p.numeric[s]) frameNumber(s);
            else {
                frameValue(s);
                m.visitMethodInsn(INVOKEVIRTUAL, VV, "scalarPart", "()D", false);
            }
        }

        /** {@code f.val(s)}. */
        void val(int s) {
            if (p.numeric[s]) {
                frameNumber(s);
                m.visitMethodInsn(INVOKESTATIC, VV, "of", "(D)" + VVD, false);
            } else frameValue(s);
        }

        /** Jumps to {@code notScalar} unless slot {@code s} is a number ({@code f.isScalar(s)}). */
        void ifNotScalar(int s, Label notScalar) {
            if (p.numeric[s]) return;
            frameValue(s);
            m.visitMethodInsn(INVOKEVIRTUAL, VV, "isScalar", "()Z", false);
            m.visitJumpInsn(IFEQ, notScalar);
        }

        /** Pushes slot {@code s}'s coordinates ({@code DensePullback.coordinates}), null when it has none here. */
        void coordinates(int s) {
            if (s < p.inputs) {
                m.visitVarInsn(ALOAD, 2);
                m.visitLdcInsn(p.fields[s]);
                helper(m, "inCoordinates", "(" + DCD + "Ljava/lang/String;)[D");
            } else if (p.numeric[s]) {
                frameNumber(s);
                helper(m, "one", "(D)[D");
            } else {
                m.visitVarInsn(ALOAD, 2);
                frameValue(s);
                m.visitMethodInsn(INVOKEINTERFACE, DC, "coordinates", "(" + VVD + ")[D", true);
            }
        }

        /** Slot {@code s}'s coordinates in a new local, declining the pullback when it has none. */
        int coordinatesOrDecline(int s) {
            int t = local(1);
            coordinates(s);
            m.visitInsn(DUP);
            m.visitVarInsn(ASTORE, t);
            m.visitJumpInsn(IFNULL, decline);
            return t;
        }

        void weight(double w, Push wRun) {
            if (wRun != null) wRun.emit();
            else push(m, w);
        }

        /** Adds w·x (x a number) to slot {@code s}'s cotangent; w is {@code wRun} when given, else the constant {@code w}. */
        void addNum(int s, double w, Push wRun, Push x) {
            if (!p.differentiable[s] || wRun == null && w == 0) return;
            if (!p.number[s]) {
                addVec(s, w, wRun, () -> {
                    x.emit();
                    helper(m, "one", "(D)[D");
                });
                return;
            }
            m.visitVarInsn(DLOAD, cot[s]);
            weight(w, wRun);
            x.emit();
            helper(m, "addNumber", "(DDD)D");
            m.visitVarInsn(DSTORE, cot[s]);
        }

        /** Adds w·x (x coordinates) to slot {@code s}'s cotangent. */
        void addVec(int s, double w, Push wRun, Push x) {
            if (!p.differentiable[s] || wRun == null && w == 0) return;
            if (p.number[s]) {
                addNum(s, w, wRun, () -> {
                    x.emit();
                    m.visitInsn(ICONST_0);
                    m.visitInsn(DALOAD);
                });
                return;
            }
            m.visitVarInsn(ALOAD, cot[s]);
            weight(w, wRun);
            x.emit();
            helper(m, "addCoordinates", "([DD[D)[D");
            m.visitVarInsn(ASTORE, cot[s]);
        }

        /** A double in a new local. */
        int store(Push x) {
            int t = local(2);
            x.emit();
            m.visitVarInsn(DSTORE, t);
            return t;
        }

        void transposeNumber(Op op, int s) {
            Push gs = () -> m.visitVarInsn(DLOAD, cot[s]);
            if (DensePullback.linear(op, (x, w) -> addNum(x, w, null, gs))) return;
            if (op instanceof Op.Dot o) {
                addValue(o.a(), gs, o.b());
                addValue(o.b(), gs, o.a());
            } else if (op instanceof Op.MaxNorm o) {
                maxNorm(o.a(), s, gs);
            } else if (op instanceof Op.Leafwise o) {
                addNum(o.a(), 1, null, () -> {
                    gs.emit();
                    derivative(o, o.a());
                    m.visitInsn(DMUL);
                });
            } else if (op instanceof Op.Multiply o) {
                addNum(o.b(), 0, () -> num(o.a()), gs);
                if (p.differentiable[o.a()]) addNum(o.a(), 1, null, () -> {
                    gs.emit();
                    num(o.b());
                    m.visitInsn(DMUL);
                });
            } else if (op instanceof Op.Pick o) {
                int wa = store(() -> {
                    num(o.a());
                    num(o.b());
                    num(s);
                    helper(m, "pickWeight", "(DDD)D");
                });
                addNum(o.a(), 0, () -> m.visitVarInsn(DLOAD, wa), gs);
                addNum(o.b(), 0, () -> {
                    m.visitInsn(DCONST_1);
                    m.visitVarInsn(DLOAD, wa);
                    m.visitInsn(DSUB);
                }, gs);
            } else m.visitJumpInsn(GOTO, decline);
        }

        /** {@code o}'s derivative at slot {@code a}'s scalar part. */
        void derivative(Op.Leafwise o, int a) {
            record(m, o);
            num(a);
            call(m, o, "derivative", "(D)D");
        }

        /** DensePullback.addValue with the weight gs (non-zero): w times slot {@code from}'s value to slot {@code to}. */
        void addValue(int to, Push w, int from) {
            if (!p.differentiable[to]) return;
            if (p.number[to] || p.numeric[from]) {
                if (p.number[to]) addNum(to, 0, w, () -> num(from));
                else addVec(to, 0, w, () -> {
                    num(from);
                    helper(m, "one", "(D)[D");
                });
                return;
            }
            int x = coordinatesOrDecline(from);
            addVec(to, 0, w, () -> m.visitVarInsn(ALOAD, x));
        }

        void maxNorm(int a, int s, Push gs) {
            Label end = new Label(), notScalar = new Label();
            int mx = store(() -> num(s));
            m.visitVarInsn(DLOAD, mx);
            m.visitInsn(DCONST_0);
            m.visitInsn(DCMPL);
            m.visitJumpInsn(IFEQ, end);
            ifNotScalar(a, notScalar);
            addNum(a, 1, null, () -> {
                num(a);
                m.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "signum", "(D)D", false);
                gs.emit();
                m.visitInsn(DMUL);
            });
            m.visitJumpInsn(GOTO, end);
            m.visitLabel(notScalar);
            if (!p.numeric[a]) {
                int x = coordinatesOrDecline(a);
                addVec(a, 1, null, () -> {
                    m.visitVarInsn(ALOAD, x);
                    m.visitVarInsn(DLOAD, mx);
                    gs.emit();
                    helper(m, "maxNormCoordinates", "([DDD)[D");
                });
            }
            m.visitLabel(end);
        }

        void transposeVector(Op op, int s) {
            Push gk = () -> m.visitVarInsn(ALOAD, cot[s]);
            if (DensePullback.linear(op, (x, w) -> addVec(x, w, null, gk))) return;
            if (op instanceof Op.Leafwise o) {
                leafwise(o, gk);
            } else if (op instanceof Op.Multiply o) {
                Label second = new Label(), none = new Label(), end = new Label();
                if (!p.numeric[o.a()]) {
                    frameValue(o.a());
                    m.visitMethodInsn(INVOKEVIRTUAL, VV, "isScalar", "()Z", false);
                    m.visitJumpInsn(IFEQ, second);
                }
                scale(o.a(), o.b(), gk);
                m.visitJumpInsn(GOTO, end);
                m.visitLabel(second);
                if (!p.numeric[o.b()]) {
                    frameValue(o.b());
                    m.visitMethodInsn(INVOKEVIRTUAL, VV, "isScalar", "()Z", false);
                    m.visitJumpInsn(IFEQ, none);
                }
                scale(o.b(), o.a(), gk);
                m.visitJumpInsn(GOTO, end);
                m.visitLabel(none);
                m.visitJumpInsn(GOTO, decline);
                m.visitLabel(end);
            } else if (op instanceof Op.GetIn o && o.path().size() == 1) {
                int r = local(1);
                m.visitVarInsn(ALOAD, 2);
                m.visitLdcInsn(o.path().get(0));
                gk.emit();
                helper(m, "getCoordinates", "(" + DCD + "Ljava/lang/String;[D)[D");
                m.visitInsn(DUP);
                m.visitVarInsn(ASTORE, r);
                m.visitJumpInsn(IFNULL, decline);
                addVec(o.a(), 1, null, () -> m.visitVarInsn(ALOAD, r));
            } else m.visitJumpInsn(GOTO, decline);
        }

        void leafwise(Op.Leafwise o, Push gk) {
            int a = o.a();
            Label notScalar = new Label(), end = new Label();
            ifNotScalar(a, notScalar);
            int gs = store(() -> {
                gk.emit();
                m.visitInsn(ICONST_0);
                m.visitInsn(DALOAD);
            });
            m.visitVarInsn(DLOAD, gs);
            m.visitInsn(DCONST_0);
            m.visitInsn(DCMPL);
            m.visitJumpInsn(IFEQ, end);
            addNum(a, 1, null, () -> {
                m.visitVarInsn(DLOAD, gs);
                derivative(o, a);
                m.visitInsn(DMUL);
            });
            m.visitJumpInsn(GOTO, end);
            m.visitLabel(notScalar);
            if (!p.numeric[a]) {
                int xs = coordinatesOrDecline(a);
                addVec(a, 1, null, () -> {
                    record(m, o);
                    m.visitVarInsn(ALOAD, xs);
                    gk.emit();
                    helper(m, "leafwiseCoordinates", "(L" + Type.getInternalName(Op.Leafwise.class) + ";[D[D)[D");
                });
            }
            m.visitLabel(end);
        }

        /** DensePullback.scale: {@code k · x} with k the number in slot {@code ks}. */
        void scale(int ks, int xs, Push gk) {
            int k = store(() -> num(ks));
            int gv = -1;
            if (p.differentiable[ks]) {
                gv = local(1);
                m.visitVarInsn(ALOAD, 2);
                gk.emit();
                m.visitMethodInsn(INVOKEINTERFACE, DC, "value", "([D)" + VVD, true);
                m.visitInsn(DUP);
                m.visitVarInsn(ASTORE, gv);
                m.visitJumpInsn(IFNULL, decline);
            }
            addVec(xs, 0, () -> m.visitVarInsn(DLOAD, k), gk);
            if (gv >= 0) {
                int g = gv;
                addNum(ks, 1, null, () -> {
                    m.visitVarInsn(ALOAD, g);
                    val(xs);
                    m.visitMethodInsn(INVOKESTATIC, VV, "dot", "(" + VVD + VVD + ")D", false);
                });
            }
        }
    }
}
