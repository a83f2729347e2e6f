package dmm.train;

import dmm.machine.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A loss that changes with training: stage {@code i} applies from {@code from(i)} steps done
 * on (the first stage from 0), e.g. a growing window, or strings of growing length. The stage
 * is a function of the step count, which checkpoints hold, so a resumed run is in the stage the
 * uninterrupted run was in.
 */
public final class Curriculum implements Loss {
    /** One stage: its loss applies once {@code from} steps have been taken (until the next stage's). */
    public record Stage(long from, Loss loss) {}

    private final List<Stage> stages;

    public Curriculum(List<Stage> stages) {
        if (stages.isEmpty()) throw new TrainingError("a curriculum needs at least one stage");
        if (stages.get(0).from() != 0) throw new TrainingError("a curriculum's first stage starts at step 0, got " + stages.get(0).from());
        for (int i = 1; i < stages.size(); i++)
            if (stages.get(i).from() <= stages.get(i - 1).from())
                throw new TrainingError("a curriculum's stages start at increasing steps, got " + stages.get(i - 1).from() + " then " + stages.get(i).from());
        for (Stage s : stages)
            if (s.loss() instanceof Curriculum) throw new TrainingError("a curriculum's stage cannot itself be a curriculum");
        this.stages = List.copyOf(stages);
    }

    public List<Stage> stages() {
        return stages;
    }

    /** The index of the stage that applies once {@code stepsDone} steps have been taken. */
    public int stageAt(long stepsDone) {
        int i = 0;
        while (i + 1 < stages.size() && stages.get(i + 1).from() <= stepsDone) i++;
        return i;
    }

    @Override
    public Loss at(long stepsDone) {
        return stages.get(stageAt(stepsDone)).loss();
    }

    /** The loss of the last stage (what the curriculum leads to). */
    @Override
    public Object of(Network net) {
        return stages.get(stages.size() - 1).loss().of(net);
    }

    /** What the trainer prints when stage {@code i} starts. */
    public String describeStage(int i) {
        Stage s = stages.get(i);
        return String.format(Locale.ROOT, "curriculum stage %d of %d (from step %d): %s", i + 1, stages.size(), s.from(), s.loss().describe());
    }

    @Override
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (Stage s : stages) parts.add("from " + s.from() + ": " + s.loss().describe());
        return "curriculum (" + String.join("; ", parts) + ")";
    }

    @Override
    public String toString() {
        return "#<curriculum " + stages.size() + " stages from steps " + stages.stream().map(s -> Long.toString(s.from())).toList() + ">";
    }
}
