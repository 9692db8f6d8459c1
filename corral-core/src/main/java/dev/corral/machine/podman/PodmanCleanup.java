package dev.corral.machine.podman;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

import dev.corral.CorralException;
import dev.corral.Deadline;
import dev.corral.RunId;
import dev.corral.machine.Reaper;

import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Finds and removes the containers runs left behind: every container labelled {@code corral.run=<run id>}
 * (see {@link RunId#labelKey()}). Which runs are dead is the caller's decision (e.g. the run's lock file is no
 * longer held); containers of other runs, and containers whose label is not a valid run id, are never touched.
 *
 * <p>Thread-safe and stateless; every method blocks on the {@code podman} command line.
 *
 * <pre>{@code
 * PodmanCleanup cleanup = new PodmanCleanup();
 * List<LabelledContainer> removed = cleanup.removeAll(run -> !liveRuns.contains(run), Deadline.after(Duration.ofMinutes(1)));
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL)
public final class PodmanCleanup implements Reaper {
    private static final Logger LOG = LoggerFactory.getLogger(PodmanCleanup.class);

    private final PodmanCli cli;

    /** Clean-up through the {@code podman} on {@code PATH}. */
    public PodmanCleanup() {
        this(PodmanCli.onPath());
    }

    PodmanCleanup(PodmanCli cli) {
        this.cli = Objects.requireNonNull(cli, "cli must not be null");
    }

    /**
     * The containers of one run, running or not.
     *
     * @throws CorralException with podman's message when podman cannot list containers
     */
    public List<LabelledContainer> list(RunId run, Deadline deadline) throws InterruptedException {
        return query(RunId.labelKey() + "=" + run.value(), deadline);
    }

    /** The containers of every run. */
    public List<LabelledContainer> listAll(Deadline deadline) throws InterruptedException {
        return query(RunId.labelKey(), deadline);
    }

    @Override
    public String kind() {
        return "podman containers";
    }

    @Override
    public List<String> reap(Predicate<RunId> dead, boolean dryRun, Deadline deadline) throws InterruptedException {
        List<LabelledContainer> containers = dryRun
                ? listAll(deadline).stream().filter(c -> dead.test(c.run())).toList()
                : removeAll(dead, deadline);
        List<String> reaped = new ArrayList<>(containers.stream()
                .map(c -> "container " + c.name() + " (" + c.state() + ") of run " + c.run()).toList());
        if (!dryRun) {
            StrayMonitors.kill(name -> PodmanProvisioner.runOfContainer(name).filter(dead).isPresent())
                    .forEach(name -> reaped.add("monitor of the half-started container " + name));
        }
        return reaped;
    }

    /**
     * Removes (with their anonymous volumes) the containers whose run is dead.
     *
     * @param dead which runs are dead; called once per container, never for another kind of resource
     * @return the containers removed
     * @throws CorralException with podman's message when listing or removing fails
     */
    public List<LabelledContainer> removeAll(Predicate<RunId> dead, Deadline deadline) throws InterruptedException {
        List<LabelledContainer> doomed = new ArrayList<>();
        for (LabelledContainer c : listAll(deadline)) {
            if (dead.test(c.run())) {
                doomed.add(c);
            }
        }
        if (doomed.isEmpty()) {
            return List.of();
        }
        List<String> args = new ArrayList<>(List.of("rm", "-f", "-t", "0", "-v", "--ignore"));
        doomed.forEach(c -> args.add(c.id()));
        PodmanCli.Result r = cli.run(deadline, args);
        if (!r.ok()) {
            throw new CorralException("cannot remove the containers of dead runs: " + r.message());
        }
        doomed.forEach(c -> LOG.info("removed container {} of run {}", c.name(), c.run()));
        return List.copyOf(doomed);
    }

    private List<LabelledContainer> query(String filter, Deadline deadline) throws InterruptedException {
        PodmanCli.Result r = cli.run(deadline, List.of("ps", "-a", "--filter", "label=" + filter, "--format", "json"));
        if (!r.ok()) {
            throw new CorralException("cannot list podman containers: " + r.message());
        }
        return parse(r.stdout());
    }

    static List<LabelledContainer> parse(String json) {
        JsonNode root;
        try {
            root = Parsing.JSON.readTree(json.isBlank() ? "[]" : json);
        } catch (JacksonException e) {
            throw new CorralException("podman ps printed something that is not JSON: " + e.getOriginalMessage(), e);
        }
        List<LabelledContainer> out = new ArrayList<>();
        for (JsonNode c : root) {
            JsonNode labels = c.path("Labels");
            String run = labels.path(RunId.labelKey()).asString("");
            String name = c.path("Names").path(0).asString("");
            RunId runId;
            try {
                runId = new RunId(run);
            } catch (IllegalArgumentException e) {
                LOG.debug("skipping container {}: label {}='{}' is no run id", name, RunId.labelKey(), run);
                continue;
            }
            JsonNode machine = labels.get(PodmanProvisioner.MACHINE_LABEL);
            out.add(new LabelledContainer(c.path("Id").asString(""), name, runId,
                    machine == null ? null : machine.asString(""), c.path("State").asString("")));
        }
        return List.copyOf(out);
    }

    /** Data binding, built when podman's output is first parsed, not by every run that loads this class. */
    private static final class Parsing {
        static final JsonMapper JSON = JsonMapper.builder().build();
    }
}
