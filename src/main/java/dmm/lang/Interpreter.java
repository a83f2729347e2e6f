package dmm.lang;

import dmm.cancel.CancelToken;
import dmm.cancel.Cancelled;
import dmm.vvalue.TextFiles;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The environment and the one evaluation path shared by {@code dmm run}, {@code dmm eval} and
 * the REPL ({@link #run}): source → {@link Reader} → {@link Analyzer} → {@link Node#eval}.
 * (A little over 500 lines: the vars and neuron types, that run path with its one report of
 * errors, and loading files and libraries belong to the one environment object.)
 */
public final class Interpreter {
    private final Map<String, Var> vars = new ConcurrentHashMap<>();
    private final Map<String, Var> neuronTypes = new ConcurrentHashMap<>();
    private final Analyzer analyzer;
    private final Set<String> loadedLibraries = ConcurrentHashMap.newKeySet();
    private final List<Path> libraryPath = new ArrayList<>();
    private final CancelToken cancel = new CancelToken();
    /** The files being loaded on each thread, outermost first: {canonical path, path as given}. */
    private final ThreadLocal<ArrayDeque<Path[]>> loading = ThreadLocal.withInitial(ArrayDeque::new);
    private volatile PrintStream out = System.out;
    private volatile boolean debug;
    private volatile boolean terminal;
    private volatile Consumer<String> notifier;
    private final Map<Class<?>, Object> extensions = new ConcurrentHashMap<>();

    /** A fresh environment with the core built-ins and the standard library path. */
    public Interpreter() {
        analyzer = new Analyzer(this);
        String home = System.getProperty("dmm.home");
        if (home != null) libraryPath.add(Path.of(home, "lib-dmm"));
        String env = System.getenv("DMM_PATH");
        if (env != null) for (String p : env.split(File.pathSeparator)) if (!p.isBlank()) libraryPath.add(Path.of(p));
        CoreLib.install(this);
        MathLib.install(this);
    }

    // ------------------------------------------------------------------ environment

    /** The var named {@code name}, created unbound when new. */
    public Var varFor(String name) {
        return vars.computeIfAbsent(name, Var::new);
    }

    /** The var named {@code name}, or null. */
    public Var findVar(String name) {
        return vars.get(name);
    }

    /** All bound vars by name, sorted. */
    public Map<String, Var> boundVars() {
        Map<String, Var> out = new TreeMap<>();
        vars.forEach((k, v) -> {
            if (v.isBound()) out.put(k, v);
        });
        return out;
    }

    /**
     * The var of neuron type {@code name}, created unbound when new. Neuron types live in their
     * own namespace (so a neuron type {@code dot} and the function {@code dot} coexist); a
     * network looks its types up here at every cycle, which is what makes redefinition live.
     */
    public Var neuronVarFor(String name) {
        return neuronTypes.computeIfAbsent(name, Var::new);
    }

    /** The var of neuron type {@code name} when it is defined, else null. */
    public Var findNeuronType(String name) {
        Var v = neuronTypes.get(name);
        return v != null && v.isBound() ? v : null;
    }

    /** All defined neuron types by name, sorted. */
    public Map<String, Var> neuronTypes() {
        Map<String, Var> out = new TreeMap<>();
        neuronTypes.forEach((k, v) -> {
            if (v.isBound()) out.put(k, v);
        });
        return out;
    }

    /** The text {@code (doc name)} prints: parameters and docstring of a function, neuron type or special form. */
    public String docText(String name) {
        return CoreLib.docText(this, name);
    }

    /** Binds a top-level name. */
    public Var define(String name, Object value, String doc) {
        Var v = varFor(name);
        v.set(value);
        v.setDoc(doc);
        return v;
    }

    /** Defines a built-in function: its var gets the docstring. */
    public void defineBuiltin(Builtin b) {
        define(b.name(), b, b.doc());
    }

    /**
     * Registers a special form (used by the machine and training packages) with how it is
     * written ({@code usage}, e.g. {@code (if test then else?)}) and its docstring.
     */
    public void defineSpecialForm(String name, String usage, String doc, SpecialForm form) {
        analyzer.define(name, usage, doc, form);
    }

    /** The usage and docstring of a special form, or null when {@code name} is not one. */
    public SpecialForm.Doc specialFormDoc(String name) {
        return analyzer.specialFormDoc(name);
    }

    /** Names of the special forms. */
    public Set<String> specialForms() {
        return analyzer.specialFormNames();
    }

    /** A per-interpreter object owned by a package above lang (e.g. the machine's runner registry). */
    @SuppressWarnings("unchecked")
    public <T> T extension(Class<T> type, Supplier<T> create) {
        return (T) extensions.computeIfAbsent(type, k -> create.get());
    }

    public PrintStream out() {
        return out;
    }

    public void setOut(PrintStream out) {
        this.out = out;
    }

    /**
     * Prints an asynchronous message (from a network running in the background): above the
     * prompt in the REPL, a plain line elsewhere.
     */
    public void notify(String message) {
        Consumer<String> n = notifier;
        if (n != null) n.accept(message);
        else {
            out.println(message);
            out.flush();
        }
    }

    /** Where {@link #notify} sends messages (the REPL installs LineReader.printAbove). */
    public void setNotifier(Consumer<String> notifier) {
        this.notifier = notifier;
    }

    /** True when {@link #out()} is an interactive terminal (progress lines may redraw in place). */
    public boolean terminal() {
        return terminal && System.getenv("CI") == null;
    }

    public void setTerminal(boolean terminal) {
        this.terminal = terminal;
    }

    public boolean debug() {
        return debug;
    }

    public void setDebug(boolean debug) {
        this.debug = debug;
    }

    /** Directories searched by {@code require} before the built-in copy of {@code lib-dmm/}. */
    public List<Path> libraryPath() {
        return libraryPath;
    }

    // ------------------------------------------------------------------ cancellation

    /**
     * Asks the running evaluation to stop at its next loop, call, cycle or step boundary (Ctrl-C).
     * This is the token of threads that have none of their own: a live network's thread has its
     * own ({@link CancelToken#bind}), which {@code stop!} and {@code pause!} use.
     */
    /** The token Ctrl-C cancels: the one checked by threads that have none bound of their own. */
    public CancelToken cancelToken() {
        return cancel;
    }

    public void requestCancel() {
        cancel.request();
    }

    /** Clears a pending cancel request (before a new evaluation). */
    public void clearCancel() {
        cancel.clear();
    }

    /** Throws {@link Cancelled} when the current thread's token has a request (consuming it). */
    public void checkCancelled() {
        CancelToken.check(cancel);
    }

    // ------------------------------------------------------------------ evaluation

    private final ErrorTranslators errorTranslators = new ErrorTranslators();

    /**
     * Installs a translation of Java exceptions into this interpreter's language errors (returning
     * null for the exceptions it does not know): see {@link ErrorTranslators}.
     */
    public void addErrorTranslator(Function<RuntimeException, EvalError> t) {
        errorTranslators.add(t);
    }

    /** A Java exception from a built-in as a language error at {@code span}: the translators first, then the generic rules. */
    EvalError wrap(RuntimeException e, Span span, String fnName) {
        return errorTranslators.wrap(e, span, fnName);
    }

    /** Reads and evaluates every form of {@code source}; returns the value of the last. */
    public Object eval(Source source) {
        Object result = null;
        for (Form f : read(source)) result = evalForm(f);
        return result;
    }

    /** Reads the forms of {@code source}; running out of memory is an error that names the source. */
    public List<Form> read(Source source) {
        try {
            return Reader.read(source);
        } catch (OutOfMemoryError e) {
            throw EvalError.outOfMemory("reading " + source.name() + ", " + source.text().length() + " characters", null);
        }
    }

    /** Evaluates source text. */
    public Object eval(String name, String text) {
        return eval(Source.of(name, text));
    }

    // ------------------------------------------------------------------ running: dmm run, dmm eval, the REPL

    /**
     * Runs a source: the one path of {@code dmm run}, {@code dmm eval} and the REPL. Reads all its
     * forms (a syntax error anywhere means none is evaluated), evaluates them in order (a file's
     * source counts as being loaded meanwhile, see {@link #load}), then hands the outcome to
     * {@code then} (which prints the value, say; may be null). An error, in the source or in
     * {@code then}, ends the run and is reported to {@code err} here and nowhere else:
     * {@code file:line:col: message}, the line with a caret, the chain of calls. Running out of
     * memory is such an error, and Ctrl-C ({@link #requestCancel}) ends the run as interrupted.
     */
    public Outcome run(Source source, PrintStream err, Consumer<Outcome> then) {
        boolean evaluated = false;
        running.incrementAndGet();
        try {
            List<Form> forms = read(source);
            Outcome done = new Outcome(Outcome.Status.OK, evalForms(source, forms), forms.size(), null);
            evaluated = true;
            if (then != null) then.accept(done);
            return done;
        } catch (Cancelled e) {
            return failed(Outcome.Status.INTERRUPTED, "interrupted; the state is as of the last completed cycle or step", err);
        } catch (SyntaxError e) {
            return failed(Outcome.Status.SYNTAX_ERROR, e.report(), err);
        } catch (DmmException e) {
            Outcome o = failed(Outcome.Status.RUNTIME_ERROR, e.report(), err);
            if (debug && e.getCause() != null) e.getCause().printStackTrace(err);
            return o;
        } catch (OutOfMemoryError e) {
            // the evaluation reports its own (as a DmmException) unless even that found no memory
            return failed(Outcome.Status.RUNTIME_ERROR,
                    EvalError.outOfMemory(evaluated ? "printing the value" : "evaluating", null).report(), err);
        } finally {
            running.decrementAndGet();
            err.flush();
        }
    }

    /** Evaluations of {@link #run} in progress (the REPL's line, a program). */
    private final AtomicInteger running = new AtomicInteger();

    /** True while {@link #run} evaluates something (a signal's handler waits for it, not for an idle prompt). */
    public boolean isRunning() {
        return running.get() > 0;
    }

    /**
     * Runs a file as {@link #run} runs a source. A file that cannot be read is reported as such
     * ({@link Outcome.Status#UNREADABLE}, saying why); invalid UTF-8 is a syntax error.
     */
    public Outcome runFile(Path file, PrintStream err, Consumer<Outcome> then) {
        Source src;
        try {
            src = readSource(file);
        } catch (IOException e) {
            return failed(Outcome.Status.UNREADABLE, "dmm: cannot read " + file + ": " + TextFiles.why(e, file), err);
        } catch (SyntaxError e) {
            return failed(Outcome.Status.SYNTAX_ERROR, e.report(), err);
        } catch (OutOfMemoryError e) {
            return failed(Outcome.Status.RUNTIME_ERROR, EvalError.outOfMemory("reading " + file, null).report(), err);
        }
        return run(src, err, then);
    }

    private static Outcome failed(Outcome.Status status, String report, PrintStream err) {
        err.println(report);
        err.flush();
        return new Outcome(status, null, 0, report);
    }

    /** Analyzes and evaluates one top-level form. */
    public Object evalForm(Form form) {
        Node node = null;
        Frame frame = null;
        try {
            Analyzer.Scope scope = analyzer.topLevel();
            node = analyzer.analyze(form, scope);
            frame = new Frame(Analyzer.frameSize(scope), null);
            return node.eval(frame);
        } catch (DmmException e) {
            throw e.at(form.span());
        } catch (StackOverflowError e) {
            throw new EvalError("stack overflow (recursion too deep); use loop/recur to iterate", form.span());
        } catch (OutOfMemoryError e) {
            // drop the evaluation's locals so its data is garbage before the report is made
            node = null;
            frame = null;
            throw EvalError.outOfMemory("evaluating this form", form.span());
        } catch (RuntimeException e) {
            throw wrap(e, form.span(), null);
        }
    }

    /** Calls a function value from Java, with the language's error handling. */
    public Object call(Fn f, Object... args) {
        checkCancelled();
        try {
            return f.invoke(args);
        } catch (DmmException e) {
            throw e;
        } catch (StackOverflowError e) {
            throw new EvalError("stack overflow (recursion too deep) in `" + f.name() + "`; use loop/recur to iterate");
        } catch (OutOfMemoryError e) {
            throw EvalError.outOfMemory("calling `" + f.name() + "`", null);
        } catch (RuntimeException e) {
            throw wrap(e, null, f.name());
        }
    }

    /**
     * Reads a file as a source: UTF-8 (a byte-order mark at the start is skipped). Invalid UTF-8
     * is a {@link SyntaxError} at the first bad byte; other failures are IOExceptions (see
     * {@link TextFiles#why} for their wording).
     */
    public static Source readSource(Path file) throws IOException {
        try {
            return new Source(file.toString(), TextFiles.read(file), file);
        } catch (TextFiles.MalformedTextException e) {
            Source lenient = new Source(file.toString(), e.lenientText(), file);
            throw new SyntaxError("invalid UTF-8: byte 0x" + String.format("%02x", e.badByte()) + " at byte offset "
                    + e.byteOffset() + " (source files must be UTF-8 text)", new Span(lenient, e.charOffset(), e.charOffset() + 1));
        }
    }

    /**
     * Loads (evaluates) a file. A file that is already being loaded on this thread (a file that
     * loads itself, or a → b → a) is an error naming the cycle.
     */
    public Object loadFile(Path file) {
        checkNotLoading(file);
        Source src;
        try {
            src = readSource(file);
        } catch (IOException e) {
            throw new EvalError("cannot read " + file + ": " + TextFiles.why(e, file));
        } catch (OutOfMemoryError e) {
            throw EvalError.outOfMemory("reading " + file, null);
        }
        return load(src);
    }

    /** Evaluates a source read from a file (see {@link #readSource}), as {@link #loadFile} does. */
    public Object load(Source src) {
        return evalForms(src, read(src));
    }

    /** Evaluates the forms read from {@code src} in order, its file marked as being loaded meanwhile; returns the last value. */
    private Object evalForms(Source src, List<Form> forms) {
        Path file = src.path();
        ArrayDeque<Path[]> stack = loading.get();
        if (file != null) stack.push(new Path[] {checkNotLoading(file), file});
        try {
            Object result = null;
            for (Form f : forms) result = evalForm(f);
            return result;
        } finally {
            if (file != null) stack.pop();
        }
    }

    /** The file's identity for cycle detection; throws when it is being loaded already. */
    private Path checkNotLoading(Path file) {
        Path key = file.toAbsolutePath().normalize();
        try {
            key = key.toRealPath();
        } catch (IOException | SecurityException e) {
            // not there (reported when read) or not resolvable: the normalized path identifies it
        }
        ArrayDeque<Path[]> stack = loading.get();
        boolean in = false;
        StringBuilder cycle = new StringBuilder();
        for (Iterator<Path[]> it = stack.descendingIterator(); it.hasNext();) {
            Path[] p = it.next();
            if (p[0].equals(key)) in = true;
            if (in) cycle.append(display(p[1])).append(" → ");
        }
        if (in)
            throw new EvalError("circular load: " + cycle + display(file) + " (a file cannot load itself, directly or through others)");
        return key;
    }

    /** A path as people wrote it (relative stays relative), without {@code ./} and {@code dir/..}. */
    private static String display(Path p) {
        return p.normalize().toString();
    }

    /** {@code (load "path")}: a path relative to the directory of the loading file. */
    Object loadRelative(String path, Source from) {
        Path p = Path.of(path);
        // relative to the loading file's folder, named as the user named that file (messages stay short)
        if (!p.isAbsolute() && from != null && from.path() != null && from.path().getParent() != null)
            p = from.path().getParent().resolve(p);
        return loadFile(p);
    }

    private final List<Consumer<String>> builtinLibraryListeners = new CopyOnWriteArrayList<>();

    /**
     * Calls {@code listener} with a library's name each time the built-in copy of a library has
     * just loaded (the copy inside the jar, or a file on the library path with exactly its text);
     * the bindings use it to know which definitions are the library's own.
     */
    public void onBuiltinLibraryLoaded(Consumer<String> listener) {
        builtinLibraryListeners.add(listener);
    }

    private static boolean sameAsBuiltin(Path p, String file) {
        try (InputStream in = Interpreter.class.getResourceAsStream("/lib-dmm/" + file)) {
            return in != null && Arrays.equals(in.readAllBytes(), Files.readAllBytes(p));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * {@code (require name)}: loads {@code name.dmm} from the library path, or the copy of
     * {@code lib-dmm/} inside the jar, once per interpreter. Returns true when it loaded now.
     */
    public synchronized Object require(String lib) {
        if (loadedLibraries.contains(lib)) return Boolean.FALSE;
        String file = lib.endsWith(".dmm") ? lib : lib + ".dmm";
        for (Path dir : libraryPath) {
            Path p = dir.resolve(file);
            if (Files.isRegularFile(p)) {
                loadedLibraries.add(lib);
                try {
                    loadFile(p);
                } catch (RuntimeException e) {
                    loadedLibraries.remove(lib);
                    throw e;
                }
                // a file with exactly the text of the built-in copy (the checkout's own lib-dmm) is the built-in library
                if (sameAsBuiltin(p, file)) for (Consumer<String> l : builtinLibraryListeners) l.accept(lib);
                return Boolean.TRUE;
            }
        }
        try (InputStream in = Interpreter.class.getResourceAsStream("/lib-dmm/" + file)) {
            if (in == null)
                throw new EvalError("library `" + lib + "` not found (looked in " + libraryPath + " and the built-in lib-dmm)");
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            loadedLibraries.add(lib);
            try {
                eval(new Source("lib-dmm/" + file, text, null));
            } catch (RuntimeException e) {
                loadedLibraries.remove(lib);
                throw e;
            }
            for (Consumer<String> l : builtinLibraryListeners) l.accept(lib);
            return Boolean.TRUE;
        } catch (IOException e) {
            throw new EvalError("cannot read library `" + lib + "`: " + TextFiles.why(e, null));
        }
    }
}
